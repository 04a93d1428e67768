"""``pydotprint``: draw a graph to an image with pydot and Graphviz's ``dot``.

Re-exported by :mod:`theano.printing`; see :func:`pydotprint`.  pydot is
imported only when a picture is drawn.
"""
import logging
import os
import shutil

import numpy as np

from theano.configparser import config
from theano.graph.basic import Apply, Constant, Variable, ancestors, graph_inputs
from theano.graph.fg import FunctionGraph
from theano.graph.sharedvalue import SharedVariable
from theano.ifelse import IfElse
from theano.printing.debugprint import _inner_graph

__all__ = ["pydotprint", "PydotNotAvailable", "default_colorCodes"]

_logger = logging.getLogger("theano.printing")


class PydotNotAvailable(ImportError, RuntimeError):
    """pydotprint needs the ``pydot`` package and, except for ``format='dot'``, graphviz's
    ``dot`` program."""


# One line: what to install, however it is missing.
_INSTALL_HINT = ("Install Graphviz's `dot` with `apt-get install graphviz`, `brew install "
                 "graphviz` or `conda install graphviz` (and pydot with `pip install pydot`), "
                 "or pass format='dot' to write the graph as text without it.")


def _import_pydot(need_dot=True):
    """Return the pydot module, or raise :class:`PydotNotAvailable` saying what to install.

    ``need_dot``: also require Graphviz's ``dot`` program (every format but ``'dot'``).
    """
    try:
        import pydot
    except ImportError:
        try:
            import pydot_ng as pydot  # the maintained fork Theano preferred
        except ImportError:
            raise PydotNotAvailable("pydotprint: the Python package pydot is not installed. "
                                    + _INSTALL_HINT) from None
    if need_dot and shutil.which("dot") is None:
        raise PydotNotAvailable("pydotprint: Graphviz's `dot` program is not on the PATH. "
                                + _INSTALL_HINT)
    return pydot


default_colorCodes = {
    "GpuFromHost": "red", "HostFromGpu": "red", "Scan": "yellow", "Shape": "brown",
    "IfElse": "magenta", "Elemwise": "#FFAABB", "Subtensor": "#FFAAFF", "Alloc": "#FFAA22",
    "Output": "blue",
}


def _quote(label):
    # pydot only quotes some strings; quote ourselves so braces, commas and
    # colons in op names never break the dot syntax.
    return '"%s"' % str(label).replace("\\", "\\\\").replace('"', '\\"')


def _graph_of(fct):
    """``(fgraph, outputs, toposort, profile, {update output: updated input})``."""
    input_update = {}
    if isinstance(fct, FunctionGraph):
        fg, profile = fct, None
    elif hasattr(fct, "maker") and isinstance(getattr(fct.maker, "fgraph", None),
                                              FunctionGraph):
        fg, profile = fct.maker.fgraph, getattr(fct, "profile", None)
        for out_idx, in_idx in getattr(fg, "update_mapping", {}).items():
            input_update[fg.outputs[out_idx]] = fg.inputs[in_idx]
    else:
        if isinstance(fct, Variable):
            fct = [fct]
        elif isinstance(fct, Apply):
            fct = fct.outputs
        if not (isinstance(fct, (list, tuple)) and fct
                and all(isinstance(v, Variable) for v in fct)):
            raise TypeError("pydotprint expects a compiled function, a FunctionGraph, a "
                            "Variable, an Apply node or a list of Variables, got %r" % (fct,))
        inputs = [v for v in graph_inputs(fct) if not isinstance(v, Constant)]
        # No clone: the picture must show the user's own variables.
        fg, profile = FunctionGraph(inputs, list(fct), clone=False), None
    outputs = [o for o in fg.outputs if o not in input_update]
    return fg, outputs, fg.toposort(), profile, input_update


def pydotprint(fct, outfile=None, compact=True, format="png", with_ids=False,
               high_contrast=True, cond_highlight=None, colorCodes=None, max_label_size=70,
               scan_graphs=False, var_with_name_simple=False, print_output_file=True,
               return_image=False):
    """Draw a graph to an image file (png, svg, pdf, ... any graphviz format).

    Parameters
    ----------
    fct : compiled Function, FunctionGraph, Variable, Apply or list of Variables
    outfile : str, optional
        Default ``<config.compiledir>/theano.pydotprint.<device>.<format>``;
        ``.<format>`` is appended when missing.
    compact : bool
        Unnamed intermediate variables become edge labels instead of boxes.
    format : str
        Output format understood by ``dot -T``; ``'dot'`` writes the graph's
        DOT text itself (no layout), which needs no Graphviz.
    with_ids : bool
        Add each node's position in the execution order to its label.
    high_contrast : bool
        Fill nodes with their colour rather than colouring the border.
    cond_highlight : str, optional
        Name of an IfElse op whose two branches are drawn as clusters.
    colorCodes : dict, optional
        ``{op class name substring: colour}`` (default :data:`default_colorCodes`).
    max_label_size : int
        Longer labels are cut with ``...``.
    scan_graphs : bool
        Also draw the inner graph of each op that has one, in
        ``<outfile stem>_<op name>_<position>.<format>``.
    var_with_name_simple : bool
        Label named variables by their name only (else name and type).
    print_output_file : bool
        Print where the file was written.
    return_image : bool
        Return the image bytes instead of writing a file.

    Notes
    -----
    Ellipses are Apply nodes; boxes are variables: green for inputs, cyan
    for shared variables, blue for outputs, grey for unused outputs.  An
    edge into a node is labelled with the input position when there are
    several inputs, blue when the output is a view of it and red when the
    node overwrites it.  Requires pydot and, for every format but ``'dot'``,
    Graphviz's ``dot`` program.
    """
    colorCodes = default_colorCodes if colorCodes is None else colorCodes
    if outfile is None:
        outfile = os.path.join(config.compiledir,
                               "theano.pydotprint.%s.%s" % (config.device, format))
    fg, outputs, topo, profile, input_update = _graph_of(fct)
    pd = _import_pydot(need_dot=format != "dot")

    g = pd.Dot()
    position = {n: i for i, n in enumerate(topo)}
    clusters = None
    if cond_highlight is not None:
        cond = next((n for n in topo if isinstance(n.op, IfElse)
                     and getattr(n.op, "name", None) == cond_highlight), None)
        if cond is None:
            _logger.warning("pydotprint: cond_highlight=%r but the graph has no IfElse node of "
                            "that name", cond_highlight)
        else:
            def owners(v):
                return {x.owner for x in ancestors([v]) if x.owner is not None}
            left, right = owners(cond.inputs[1]), owners(cond.inputs[2])
            middle = left & right
            clusters = [(pd.Cluster("Left"), left - middle), (pd.Cluster("Right"), right - middle),
                        (pd.Cluster("Middle"), middle)]

    var_label, node_label, used_labels = {}, {}, set()

    def clip(text):
        return text if len(text) <= max_label_size else text[:max_label_size - 3] + "..."

    def var_name(var):
        if var not in var_label:
            if var.name is not None:
                text = var.name if var_with_name_simple else "name=%s %s" % (var.name, var.type)
            elif isinstance(var, Constant):
                val = "val=" + str(np.asarray(var.data))
                text = "%s %s" % (val.split("\n")[0], var.type)
            elif var in input_update and input_update[var].name is not None:
                text = input_update[var].name
                if not var_with_name_simple:
                    text += " " + str(var.type)
            else:
                text = str(var.type)
            var_label[var] = clip(text)
            used_labels.add(var_label[var])
        return var_label[var], str(id(var))

    def apply_name(node):
        if node not in node_label:
            text = str(node.op).replace(":", "_")
            times = getattr(profile, "node_time", None)
            if times is not None:
                t = times.get(node, 0)
                calls = getattr(profile, "fct_call_time", 0)
                text += "   (%.3fs,%.3f%%)" % (t, t * 100 / calls if calls else 0)
            if text in used_labels or with_ids:
                suffix = " id=%d" % position[node]
                if len(text) + len(suffix) > max_label_size:
                    text = text[:max_label_size - 3 - len(suffix)] + suffix + "..."
                else:
                    text += suffix
            elif len(text) > max_label_size:
                text = clip(text)
                k = 1
                while text in used_labels:
                    k += 1
                    suffix = " id=%d" % k
                    text = text[:max_label_size - 3 - len(suffix)] + "..." + suffix
            used_labels.add(text)
            node_label[node] = text
        return node_label[node], str(id(node))

    def add_var_node(vid, label, color, fill=True):
        attrs = {"label": _quote(label), "shape": "box"}
        if color is not None:
            if fill and high_contrast:
                attrs.update(style="filled", fillcolor=_quote(color))
            else:
                attrs["color"] = _quote(color)
        g.add_node(pd.Node(vid, **attrs))

    for node in topo:
        label, nid = apply_name(node)
        color = None
        for op_name, c in colorCodes.items():
            if op_name in type(node.op).__name__:
                color = c
        attrs = {"label": _quote(label), "shape": "ellipse"}
        if color is not None:
            if high_contrast:
                attrs.update(style="filled", fillcolor=_quote(color))
            else:
                attrs["color"] = _quote(color)
        pnode = pd.Node(nid, **attrs)
        g.add_node(pnode)
        if clusters:
            for cluster, members in clusters:
                if node in members:
                    cluster.add_node(pnode)

        viewed = {i for ins in getattr(node.op, "view_map", {}).values() for i in ins}
        destroyed = {i for ins in getattr(node.op, "destroy_map", {}).values() for i in ins}
        for idx, var in enumerate(node.inputs):
            vlabel, vid = var_name(var)
            edge = {}
            elabel = str(idx) if len(node.inputs) > 1 else ""
            if idx in viewed:
                edge["color"] = _quote(colorCodes.get("Output", "blue"))
            elif idx in destroyed:
                edge["color"] = "red"
            if var.owner is None:
                shared = isinstance(var, SharedVariable)
                add_var_node(vid, vlabel, "cyan" if shared else "green")
                src = vid
            elif var.name or not compact or var in outputs:
                src = vid
            else:
                elabel = clip((elabel + " " if elabel else "") + str(var.type))
                src = apply_name(var.owner)[1]
            if elabel:
                edge["label"] = _quote(elabel)
            g.add_edge(pd.Edge(src, nid, **edge))

        for idx, var in enumerate(node.outputs):
            vlabel, vid = var_name(var)
            edge = {}
            elabel = clip(str(idx)) if len(node.outputs) > 1 else ""
            if var in outputs or var in input_update:
                add_var_node(vid, vlabel, colorCodes.get("Output", "blue"))
            elif not fg.clients.get(var):
                add_var_node(vid, vlabel, "grey")  # computed but never used
            elif var.name or not compact:
                if compact:
                    elabel = clip((elabel + " " if elabel else "") + str(var.type))
                add_var_node(vid, vlabel, None)
            else:
                continue  # drawn as an edge label from the consumer's side
            if elabel:
                edge["label"] = _quote(elabel)
            g.add_edge(pd.Edge(nid, vid, **edge))

    for new_value, shared_input in input_update.items():
        # The new value flows back into the shared input it replaces.
        g.add_edge(pd.Edge(var_name(new_value)[1], var_name(shared_input)[1], label='"UPDATE"',
                           color=_quote(colorCodes.get("Output", "blue"))))
    if clusters:
        for cluster, _ in clusters:
            g.add_subgraph(cluster)

    if not outfile.endswith("." + format):
        outfile += "." + format
    if scan_graphs:
        stem, ext = os.path.splitext(outfile)
        for k, node in enumerate(topo):
            inner = _inner_graph(node.op)
            if inner is None:
                continue
            name = getattr(node.op, "name", None)
            target = "%s_%s_%d%s" % (stem, name, k, ext) if name else "%s_%d%s" % (stem, k, ext)
            fn = getattr(node.op, "fn", None)
            pydotprint(fn if hasattr(fn, "maker") else inner[1], target, compact, format,
                       with_ids, high_contrast, cond_highlight, colorCodes, max_label_size,
                       scan_graphs, var_with_name_simple, print_output_file)

    try:
        if format == "dot":  # the graph's own text: Graphviz is not involved
            if return_image:
                return g.to_string().encode("utf-8")
            os.makedirs(os.path.dirname(os.path.abspath(outfile)), exist_ok=True)
            with open(outfile, "w", encoding="utf-8") as f:
                f.write(g.to_string())
        elif return_image:
            return g.create(prog="dot", format=format)
        else:
            os.makedirs(os.path.dirname(os.path.abspath(outfile)), exist_ok=True)
            g.write(outfile, prog="dot", format=format)
    except FileNotFoundError as exc:
        raise PydotNotAvailable("pydotprint could not run Graphviz's `dot` (%s). %s"
                                % (exc, _INSTALL_HINT)) from exc
    if print_output_file:
        print("The output file is available at", outfile)
    return None
