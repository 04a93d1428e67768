/* d3viz: draw a Theano graph described by theano.d3viz.formatting.describe().
 *
 * Layout by dagre, drawing and interaction by d3: zoom with the wheel, pan by
 * dragging the background, drag a node to move it, hover a node for its
 * details, click a node drawn with a double border (scan, ifelse) to show or
 * hide its inner graph.  The page's URL may end with #expand=all to start
 * with every inner graph shown.
 *
 * For tests and scripts, window.d3viz has expand(id), collapse(id),
 * expandAll(), collapseAll(), fit() and drawnNodes(); <body> gets
 * data-d3viz-ready="1" once the first drawing is done.
 */
(function () {
  "use strict";
  const DATA = JSON.parse(document.getElementById("d3viz-data").textContent);
  const FONT = "12px sans-serif";
  const LABEL_MAX = 48;
  const expanded = new Set();
  const moved = new Map();   // node id -> [dx, dy] given by dragging
  let profileColors = false;

  // -- data ---------------------------------------------------------------
  const byId = new Map();
  (function index(graph) {
    for (const n of graph.nodes) {
      byId.set(n.id, n);
      if (n.inner) index(n.inner.graph);
    }
  })(DATA.graph);
  const maxTime = Math.max(0, ...[...byId.values()].map(n => (n.profile ? n.profile[0] : 0)));

  function visible() {
    // The nodes, clusters and edges to draw with the current expansions.
    const out = {nodes: [], clusters: [], edges: []};
    (function walk(graph, parent) {
      for (const n of graph.nodes) {
        out.nodes.push({node: n, parent: parent});
        if (n.inner && expanded.has(n.id)) {
          const cid = "cluster:" + n.id;
          out.clusters.push({id: cid, node: n, parent: parent});
          walk(n.inner.graph, cid);
          for (const [s, t] of n.inner.inputs.concat(n.inner.outputs)) {
            out.edges.push({source: s, target: t, label: "", mapping: true});
          }
        }
      }
      for (const e of graph.edges) out.edges.push(e);
    })(DATA.graph, null);
    return out;
  }

  // -- sizes --------------------------------------------------------------
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = FONT;
  const textWidth = t => ctx.measureText(t).width;
  const clip = t => (t.length > LABEL_MAX ? t.slice(0, LABEL_MAX - 3) + "..." : t);

  // -- layout -------------------------------------------------------------
  function layout(vis) {
    const g = new dagre.graphlib.Graph({compound: true, multigraph: true});
    g.setGraph({rankdir: "TB", nodesep: 24, ranksep: 34, edgesep: 12, marginx: 24, marginy: 24});
    g.setDefaultEdgeLabel(() => ({}));
    for (const {node} of vis.nodes) {
      const w = textWidth(clip(node.label)) + (node.kind === "apply" ? 34 : 18);
      g.setNode(node.id, {width: Math.max(w, 40), height: node.kind === "apply" ? 34 : 26,
                          data: node});
    }
    for (const c of vis.clusters) g.setNode(c.id, {data: c.node, cluster: true});
    for (const c of vis.clusters) if (c.parent) g.setParent(c.id, c.parent);
    for (const {node, parent} of vis.nodes) if (parent) g.setParent(node.id, parent);
    vis.edges.forEach((e, k) => {
      const label = e.label || "";
      g.setEdge({v: e.source, w: e.target, name: "e" + k},
                {data: e, labelpos: "c", width: label ? textWidth(label) + 6 : 0,
                 height: label ? 14 : 0});
    });
    dagre.layout(g);
    return g;
  }

  // -- drawing ------------------------------------------------------------
  const svg = d3.select("#d3viz-svg");
  const viewport = svg.append("g").attr("class", "viewport");
  const tip = d3.select("#d3viz-tip");
  const zoom = d3.zoom().scaleExtent([0.03, 8])
    .on("zoom", ev => viewport.attr("transform", ev.transform));
  svg.call(zoom).on("dblclick.zoom", null);
  svg.append("defs").html(
    '<marker id="d3viz-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" ' +
    'markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#555"/></marker>');
  const curve = d3.line().x(p => p.x).y(p => p.y).curve(d3.curveBasis);
  let current = null;   // the laid-out dagre graph

  function fill(n) {
    if (profileColors && n.kind === "apply") {
      const t = n.profile ? n.profile[0] : 0;
      return d3.interpolateYlOrRd(maxTime > 0 ? 0.1 + 0.9 * t / maxTime : 0.1);
    }
    return n.color || "white";
  }

  function position(id) {
    const p = current.node(id), d = moved.get(id) || [0, 0];
    return {x: p.x + d[0], y: p.y + d[1], width: p.width, height: p.height};
  }

  function border(p, toward) {
    // Where the segment from the centre of box p to `toward` leaves the box.
    const dx = toward.x - p.x, dy = toward.y - p.y;
    if (!dx && !dy) return {x: p.x, y: p.y};
    const sx = dx ? (p.width / 2) / Math.abs(dx) : Infinity;
    const sy = dy ? (p.height / 2) / Math.abs(dy) : Infinity;
    const s = Math.min(sx, sy);
    return {x: p.x + dx * s, y: p.y + dy * s};
  }

  function edgePoints(e) {
    const pts = current.edge(e).points;
    if (!moved.has(e.v) && !moved.has(e.w)) return pts;
    // A dragged end: a straight segment between the two boxes.
    const a = position(e.v), b = position(e.w);
    return [border(a, b), border(b, a)];
  }

  function render() {
    const vis = visible();
    current = layout(vis);
    viewport.selectAll("*").remove();
    const clusters = viewport.append("g").attr("class", "clusters");
    const edges = viewport.append("g").attr("class", "edges");
    const nodes = viewport.append("g").attr("class", "nodes");

    for (const c of vis.clusters) {
      const p = current.node(c.id);
      const g = clusters.append("g").attr("class", "cluster").attr("data-id", c.node.id);
      g.append("rect").attr("x", p.x - p.width / 2 - 8).attr("y", p.y - p.height / 2 - 20)
        .attr("width", p.width + 16).attr("height", p.height + 28).attr("rx", 6);
      g.append("text").attr("x", p.x - p.width / 2 - 2).attr("y", p.y - p.height / 2 - 6)
        .text("inner graph of " + clip(c.node.label));
    }

    for (const e of current.edges()) {
      const info = current.edge(e), data = info.data;
      const g = edges.append("g").attr("class", "edge" + (data.mapping ? " mapping" : ""))
        .attr("data-source", e.v).attr("data-target", e.w);
      g.append("path").attr("d", curve(edgePoints(e)))
        .attr("marker-end", "url(#d3viz-arrow)").style("stroke", data.color || null);
      if (data.label && !moved.has(e.v) && !moved.has(e.w)) {
        g.append("text").attr("x", info.x).attr("y", info.y + 4).text(data.label);
      }
    }

    for (const {node} of vis.nodes) {
      const p = position(node.id);
      const g = nodes.append("g")
        .attr("class", "node " + node.kind + (node.inner ? " has-inner" : "") +
                       (expanded.has(node.id) ? " expanded" : ""))
        .attr("data-id", node.id).attr("transform", `translate(${p.x},${p.y})`);
      const shape = node.kind === "apply"
        ? g.append("ellipse").attr("rx", p.width / 2).attr("ry", p.height / 2)
        : g.append("rect").attr("x", -p.width / 2).attr("y", -p.height / 2)
            .attr("width", p.width).attr("height", p.height).attr("rx", 2);
      shape.attr("class", "shape").style("fill", fill(node));
      if (node.inner) {
        g.append("ellipse").attr("class", "inner-ring")
          .attr("rx", p.width / 2 + 4).attr("ry", p.height / 2 + 4);
      }
      g.append("text").attr("dy", "0.35em").text(clip(node.label));
      g.on("mouseover", ev => showTip(ev, node)).on("mousemove", moveTip)
        .on("mouseout", () => tip.style("display", "none"))
        .on("click", () => { if (node.inner) toggle(node.id); });
      g.call(d3.drag().on("drag", ev => dragNode(node.id, ev)));
    }
    document.getElementById("d3viz-count").textContent =
      vis.nodes.length + " nodes" + (vis.clusters.length ? ", " + vis.clusters.length +
                                     " inner graph" + (vis.clusters.length > 1 ? "s" : "") +
                                     " shown" : "");
  }

  function dragNode(id, ev) {
    const d = moved.get(id) || [0, 0];
    moved.set(id, [d[0] + ev.dx, d[1] + ev.dy]);
    const p = position(id);
    viewport.select(`g.node[data-id="${id}"]`).attr("transform", `translate(${p.x},${p.y})`);
    viewport.selectAll("g.edge").each(function () {
      const g = d3.select(this), v = g.attr("data-source"), w = g.attr("data-target");
      if (v !== id && w !== id) return;
      g.select("text").remove();
      g.select("path").attr("d", curve([border(position(v), position(w)),
                                        border(position(w), position(v))]));
    });
  }

  // -- details on hover ---------------------------------------------------
  function showTip(ev, node) {
    tip.selectAll("*").remove();
    tip.append("div").attr("class", "tip-title").text(node.label);
    const table = tip.append("table");
    for (const [k, v] of node.details) {
      const row = table.append("tr");
      row.append("th").text(k);
      row.append("td").text(v);
    }
    if (node.inner) {
      tip.append("div").attr("class", "tip-hint")
        .text(expanded.has(node.id) ? "click to hide its inner graph"
                                    : "click to show its inner graph");
    }
    tip.style("display", "block");
    moveTip(ev);
  }

  function moveTip(ev) {
    const w = tip.node().offsetWidth, h = tip.node().offsetHeight;
    const x = Math.min(ev.clientX + 14, window.innerWidth - w - 4);
    const y = ev.clientY + 14 + h > window.innerHeight ? ev.clientY - h - 8 : ev.clientY + 14;
    tip.style("left", Math.max(0, x) + "px").style("top", Math.max(0, y) + "px");
  }

  // -- commands -----------------------------------------------------------
  function toggle(id) {
    const before = position(id);
    if (expanded.has(id)) {
      expanded.delete(id);
      // Hiding a graph hides the graphs inside it too.
      for (const other of [...expanded]) if (other.startsWith(id + "_")) expanded.delete(other);
    } else {
      expanded.add(id);
    }
    moved.clear();
    render();
    // The layout changed: keep the clicked node where it was on the screen.
    const after = position(id);
    svg.call(zoom.transform,
             d3.zoomTransform(svg.node()).translate(before.x - after.x, before.y - after.y));
  }

  function fit() {
    const box = svg.node().getBoundingClientRect();
    const gw = current.graph().width || 1, gh = current.graph().height || 1;
    const k = Math.min(box.width / gw, box.height / gh, 1.5) * 0.95;
    svg.call(zoom.transform, d3.zoomIdentity
      .translate((box.width - gw * k) / 2, (box.height - gh * k) / 2).scale(k));
  }

  function expandAll() {
    for (const n of byId.values()) if (n.inner) expanded.add(n.id);
    moved.clear();
    render();
  }

  function collapseAll() {
    expanded.clear();
    moved.clear();
    render();
  }

  d3.select("#d3viz-fit").on("click", fit);
  d3.select("#d3viz-expand").on("click", () => { expandAll(); fit(); });
  d3.select("#d3viz-collapse").on("click", () => { collapseAll(); fit(); });
  d3.select("#d3viz-reset").on("click", () => { moved.clear(); render(); });
  if (maxTime > 0) {
    d3.select("#d3viz-profile").style("display", null).on("click", () => {
      profileColors = !profileColors;
      viewport.selectAll("g.node").each(function () {
        const node = byId.get(this.getAttribute("data-id"));
        d3.select(this).select(".shape").style("fill", fill(node));
      });
    });
  }
  if (![...byId.values()].some(n => n.inner)) {
    d3.selectAll("#d3viz-expand, #d3viz-collapse").style("display", "none");
  }

  if (/(^|[#&])expand=all\b/.test(window.location.hash)) {
    for (const n of byId.values()) if (n.inner) expanded.add(n.id);
  }
  render();
  fit();
  window.d3viz = {
    expand: id => { if (!expanded.has(id)) toggle(id); },
    collapse: id => { if (expanded.has(id)) toggle(id); },
    expandAll: expandAll, collapseAll: collapseAll, fit: fit,
    drawnNodes: () => viewport.selectAll("g.node").size(),
  };
  document.body.setAttribute("data-d3viz-ready", "1");
})();
