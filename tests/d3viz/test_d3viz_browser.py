"""The page written by ``theano.d3viz.d3viz``, in a real headless Chromium (see conftest.py).

Each test loads a page and checks what a person would see: every graph node
drawn, no JavaScript error, no file or network fetch, a screenshot that is
not blank, details on hover, inner graphs opened by a click, zoom, pan and
dragging a node.
"""
import base64
import json

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.d3viz import PyDotFormatter, d3viz
from theano.d3viz.formatting import describe, node_count
from theano.ifelse import ifelse

NODES = "document.querySelectorAll('#d3viz-svg g.node').length"

# Decodes a PNG (base64) with the browser's own decoder and measures it.
_MEASURE_PNG = """
(async () => {
  const blob = await (await fetch("data:image/png;base64,%s")).blob();
  const bmp = await createImageBitmap(blob);
  const c = new OffscreenCanvas(bmp.width, bmp.height), ctx = c.getContext("2d");
  ctx.drawImage(bmp, 0, 0);
  const px = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
  let nonWhite = 0; const colors = new Set();
  for (let i = 0; i < px.length; i += 4) {
    if (px[i] < 245 || px[i + 1] < 245 || px[i + 2] < 245) nonWhite++;
    colors.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
  }
  return [bmp.width, bmp.height, nonWhite, colors.size];
})()
"""


def mlp_training_function():
    rng = np.random.RandomState(0)
    x, y = T.dmatrix("x"), T.ivector("y")
    w1 = theano.shared(rng.randn(64, 16), name="w1")
    b1 = theano.shared(np.zeros(16), name="b1")
    w2 = theano.shared(rng.randn(16, 10), name="w2")
    p = T.nnet.softmax(T.dot(T.tanh(T.dot(x, w1) + b1), w2))
    cost = T.nnet.categorical_crossentropy(p, y).mean()
    params = [w1, b1, w2]
    return theano.function([x, y], cost, updates=[(v, v - 0.1 * g) for v, g in
                                                   zip(params, T.grad(cost, params))])


def scan_ifelse_function():
    x, a = T.dvector("x"), T.dscalar("a")
    r, _ = theano.scan(lambda xi, acc: acc * a + xi, sequences=x,
                       outputs_info=T.constant(0.0, dtype="float64"), name="recurrence")
    return theano.function([x, a], ifelse(T.gt(a, 0), r[-1] * 2, T.sum(x)))


def centre(browser, selector):
    return browser.evaluate(
        "(() => { const r = document.querySelector(%s).getBoundingClientRect();"
        " return [r.x + r.width / 2, r.y + r.height / 2]; })()" % json.dumps(selector))


def node_selector(browser, label_start):
    """A CSS selector of the drawn node whose label starts with ``label_start``."""
    node_id = browser.evaluate(
        "[...document.querySelectorAll('#d3viz-svg g.node')].find(g => g.querySelector('text')"
        ".textContent.startsWith(%s)).getAttribute('data-id')" % json.dumps(label_start))
    return '#d3viz-svg g.node[data-id="%s"]' % node_id


def test_page_draws_every_node_and_is_not_blank(browser, tmp_path):
    f = mlp_training_function()
    page = tmp_path / "mlp.html"
    d3viz(f, str(page))
    browser.open(page.as_uri())
    expected = node_count(describe(f))
    assert browser.evaluate(NODES) == expected == len(PyDotFormatter()(f).get_nodes())
    assert browser.evaluate("window.d3viz.drawnNodes()") == expected
    assert browser.evaluate("document.querySelectorAll('#d3viz-svg g.edge').length") \
        == len(describe(f)["edges"])
    assert browser.js_errors() == []
    # Self-contained: nothing was fetched, from the disk or the network.
    assert browser.evaluate("performance.getEntriesByType('resource').length") == 0

    png = browser.screenshot()
    (tmp_path / "mlp.png").write_bytes(png)
    width, height, non_white, colors = browser.evaluate(
        _MEASURE_PNG % base64.b64encode(png).decode())
    assert (width, height) == (1200, 800)
    assert non_white > 0.02 * width * height and colors > 50


def test_hover_shows_the_node_details(browser, tmp_path):
    f = mlp_training_function()
    page = tmp_path / "hover.html"
    d3viz(f, str(page))
    browser.open(page.as_uri())
    assert browser.evaluate("getComputedStyle(document.getElementById('d3viz-tip'))"
                            ".display") == "none"
    browser.mouse("mouseMoved", *centre(browser, node_selector(browser, "CrossentropySoftmax")))
    tip = browser.evaluate("document.getElementById('d3viz-tip').innerText")
    assert browser.evaluate("getComputedStyle(document.getElementById('d3viz-tip'))"
                            ".display") == "block"
    assert "CrossentropySoftmax" in tip and "outputs" in tip
    assert "test_d3viz_browser.py" in tip   # the line of the test that built the node
    browser.mouse("mouseMoved", 5, 795)
    assert browser.evaluate("getComputedStyle(document.getElementById('d3viz-tip'))"
                            ".display") == "none"


def test_click_shows_and_hides_inner_graphs(browser, tmp_path):
    f = scan_ifelse_function()
    desc = describe(f)
    page = tmp_path / "scan.html"
    d3viz(f, str(page))
    browser.open(page.as_uri())
    outer = node_count(desc)
    assert browser.evaluate(NODES) == outer
    ifelse_node = next(n for n in desc["nodes"] if n["label"].startswith("if{"))
    browser.click(*centre(browser, '#d3viz-svg g.node[data-id="%s"]' % ifelse_node["id"]))
    inner = node_count(ifelse_node["inner"]["graph"])
    assert browser.evaluate(NODES) == outer + inner
    assert browser.evaluate("document.querySelectorAll('#d3viz-svg g.cluster').length") == 1
    # Inner inputs are linked (dashed) to the outer nodes that feed them.
    assert browser.evaluate("document.querySelectorAll('#d3viz-svg g.edge.mapping').length") \
        == len(ifelse_node["inner"]["inputs"]) + len(ifelse_node["inner"]["outputs"])
    # The scan inside the ifelse's inner graph opens too.
    browser.evaluate("window.d3viz.expandAll(); window.d3viz.fit()")
    assert browser.evaluate(NODES) == node_count(desc, expanded=True) > outer + inner
    assert browser.evaluate("document.querySelectorAll('#d3viz-svg g.cluster').length") \
        == sum(1 for _ in _inner_nodes(desc))
    browser.click(*centre(browser, '#d3viz-svg g.node[data-id="%s"]' % ifelse_node["id"]))
    assert browser.evaluate(NODES) == outer + sum(
        node_count(n["inner"]["graph"]) for n in desc["nodes"]
        if "inner" in n and n is not ifelse_node)
    assert browser.js_errors() == []

    # The page opened with #expand=all starts with everything shown.
    browser.open(page.as_uri() + "#expand=all")
    assert browser.evaluate(NODES) == node_count(desc, expanded=True)


def _inner_nodes(desc):
    for n in desc["nodes"]:
        if "inner" in n:
            yield n
            yield from _inner_nodes(n["inner"]["graph"])


def test_zoom_pan_and_drag(browser, tmp_path):
    f = mlp_training_function()
    page = tmp_path / "zoom.html"
    d3viz(f, str(page))
    browser.open(page.as_uri())
    transform = "document.querySelector('#d3viz-svg g.viewport').getAttribute('transform')"

    def scale_and_shift():
        t = browser.evaluate(transform)
        shift, scale = t.split("scale(")
        x, y = shift[len("translate("):].rstrip(") ").split(",")
        return float(scale.rstrip(")")), float(x), float(y)

    k0, x0, y0 = scale_and_shift()
    browser.mouse("mouseWheel", 600, 450, deltaX=0, deltaY=-500)
    browser.evaluate("new Promise(r => setTimeout(r, 300))")  # the zoom is animated
    k1, _, _ = scale_and_shift()
    assert k1 > k0 * 1.2
    # Pan: drag an empty corner of the background.
    browser.drag((1190, 790), (1090, 740))
    _, x2, y2 = scale_and_shift()
    k2, _, _ = scale_and_shift()
    assert k2 == pytest.approx(k1)
    browser.evaluate("window.d3viz.fit()")
    # Drag a node: it moves, and so do the ends of its edges.
    sel = node_selector(browser, "w1")
    before = centre(browser, sel)
    browser.drag(before, (before[0] + 80, before[1] + 40))
    after = centre(browser, sel)
    assert after[0] - before[0] == pytest.approx(80, abs=2)
    assert after[1] - before[1] == pytest.approx(40, abs=2)
    assert browser.js_errors() == []


def test_pan_moves_the_graph(browser, tmp_path):
    f = mlp_training_function()
    page = tmp_path / "pan.html"
    d3viz(f, str(page))
    browser.open(page.as_uri())
    sel = node_selector(browser, "w1")
    before = centre(browser, sel)
    browser.drag((1190, 790), (1090, 740))
    after = centre(browser, sel)
    assert after[0] - before[0] == pytest.approx(-100, abs=2)
    assert after[1] - before[1] == pytest.approx(-50, abs=2)


def test_profile_colors(browser, tmp_path):
    x = T.dmatrix("x")
    f = theano.function([x], T.exp(x).sum() + T.tanh(x).mean(), profile=True)
    f(np.ones((50, 50)))
    page = tmp_path / "profile.html"
    d3viz(f, str(page))
    browser.open(page.as_uri())
    assert browser.evaluate("getComputedStyle(document.getElementById('d3viz-profile'))"
                            ".display") != "none"
    fills = ("[...document.querySelectorAll('#d3viz-svg g.node.apply .shape')]"
             ".map(s => s.style.fill)")
    before = browser.evaluate(fills)
    browser.click(*centre(browser, "#d3viz-profile"))
    after = browser.evaluate(fills)
    assert before != after and len(after) == sum(
        n["kind"] == "apply" for n in describe(f)["nodes"])
    browser.mouse("mouseMoved", *centre(browser, "#d3viz-svg g.node.apply"))
    assert "of the calls" in browser.evaluate("document.getElementById('d3viz-tip').innerText")
