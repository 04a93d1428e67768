"""A graph as data: the nodes and edges that d3viz draws and PyDotFormatter turns into pydot.

:func:`describe` walks a compiled function (or a FunctionGraph, a variable,
an Apply node, a list of variables) once and returns plain Python data,
serialisable to JSON::

    {"nodes": [{"id", "kind", "label", "color", "details", "profile", "inner"}, ...],
     "edges": [{"source", "target", "label", "color"}, ...]}

``kind`` is ``apply`` (drawn as an ellipse) or, for a box, ``input``,
``constant_input``, ``shared_input``, ``output``, ``unused`` (an output no
one uses) or ``variable`` (an intermediate result, drawn when it has a name or
with ``compact=False``).  An Apply node whose op has an inner graph (scan,
ifelse) carries it in ``inner``: the inner graph's own description, plus
which outer node feeds each inner input and which node each inner output
feeds (the op's own node).
"""
import os

import numpy as np

from theano.graph.basic import Apply, Constant, Variable, graph_inputs, io_toposort
from theano.graph.fg import FunctionGraph
from theano.graph.sharedvalue import SharedVariable
from theano.printing.debugprint import _inner_graph

__all__ = ["PyDotFormatter", "describe", "var_label", "type_to_str", "node_count"]

NODE_COLORS = {"input": "limegreen", "constant_input": "SpringGreen",
               "shared_input": "YellowGreen", "output": "dodgerblue", "unused": "lightgrey",
               "variable": "white"}
APPLY_COLORS = {"GpuFromHost": "red", "HostFromGpu": "red", "Scan": "yellow",
                "Shape": "cyan", "IfElse": "magenta", "Elemwise": "#FFAABB",
                "Subtensor": "#FFAAFF", "Alloc": "#FFAA22"}
_SHORT_KINDS = {(): "scalar", (False,): "vector", (False, True): "col", (True, False): "row",
                (False, False): "matrix"}
_DTYPE_CHARS = {"complex64": "c", "complex128": "z", "float32": "f", "float64": "d",
                "int8": "b", "int16": "w", "int32": "i", "int64": "l"}


def type_to_str(t):
    """Short text of a type: ``dmatrix``, ``fvector``, ``float64`` (other ranks), else ``str``."""
    bcast = getattr(t, "broadcastable", None)
    if bcast is None:
        return str(t)
    kind = _SHORT_KINDS.get(tuple(bcast))
    char = _DTYPE_CHARS.get(t.dtype)
    if kind is None:
        return "%s %dD" % (t.dtype, len(bcast))
    return char + kind if char else "%s %s" % (t.dtype, kind)


def var_label(var, precision=3):
    """A variable's name, else a constant's value (first line), else its short type."""
    if var.name is not None:
        return var.name
    if isinstance(var, Constant):
        data = np.asarray(var.data)
        text = np.array2string(data.reshape(-1)[:6] if data.ndim else data,
                               precision=precision, separator=" ")
        if data.size > 6:
            text = text[:-1] + " ...]"
        return text.splitlines()[0] if text else str(data)
    return type_to_str(var.type)


def _source(node):
    trace = getattr(getattr(node, "tag", None), "trace", None)
    if not trace:
        return None
    fname, lineno, func = trace[:3]
    return "%s:%d (%s)" % (os.path.basename(fname), lineno, func)


def _graph_of(fct):
    """``(inputs, outputs, nodes, profile, {output: name of the updated shared variable})``."""
    if hasattr(fct, "maker") and isinstance(getattr(fct.maker, "fgraph", None), FunctionGraph):
        fg, profile = fct.maker.fgraph, getattr(fct, "profile", None)
    elif isinstance(fct, FunctionGraph):
        fg, profile = fct, None
    else:
        if isinstance(fct, Variable):
            fct = [fct]
        elif isinstance(fct, Apply):
            fct = fct.outputs
        if not (isinstance(fct, (list, tuple)) and fct
                and all(isinstance(v, Variable) for v in fct)):
            raise TypeError("d3viz expects a compiled function, a FunctionGraph, a Variable, "
                            "an Apply node or a list of Variables, got %r" % (fct,))
        ins = [v for v in graph_inputs(fct) if not isinstance(v, Constant)]
        return ins, list(fct), io_toposort(ins, fct), None, {}
    updates = {}
    for out_idx, in_idx in (getattr(fg, "update_mapping", None) or {}).items():
        shared = fg.inputs[in_idx]
        updates[fg.outputs[out_idx]] = shared.name or type_to_str(shared.type)
    return list(fg.inputs), list(fg.outputs), fg.toposort(), profile, updates


def _profile_of(profile):
    """``({node: seconds}, total seconds)`` of a ProfileStats, or None before any call."""
    if profile is None or not getattr(profile, "fct_call_time", 0):
        return None
    times = getattr(profile, "node_time", None) or getattr(profile, "apply_time", None)
    return (dict(times), profile.fct_call_time) if times else None


class _Builder:
    """Describes one graph; ids are ``<prefix>n<k>``, so inner graphs never clash."""

    def __init__(self, compact, prefix=""):
        self.compact, self.prefix = compact, prefix
        self.ids, self.nodes, self.edges = {}, [], []

    def new_id(self, key):
        self.ids[key] = "%sn%d" % (self.prefix, len(self.ids) + 1)
        return self.ids[key]

    def add(self, key, kind, label, color, details, **extra):
        node = {"id": self.new_id(key), "kind": kind, "label": label, "color": color,
                "details": [[k, str(v)] for k, v in details if v is not None]}
        node.update(extra)
        self.nodes.append(node)
        return node

    def variable_box(self, var, kind, title=None):
        label = title or var_label(var)
        details = [("variable", label), ("type", var.type), ("kind", kind.replace("_", " "))]
        if isinstance(var, Constant):
            details.append(("value", np.array2string(np.asarray(var.data), threshold=20)))
        if var.owner is not None:
            details.append(("computed by", var.owner.op))
            details.append(("defined at", _source(var.owner)))
        return self.add(var, kind, label, NODE_COLORS[kind], details)["id"]

    def source_of(self, var):
        """The id of the drawn node that ``var`` comes out of (its box, or its Apply)."""
        if var in self.ids:
            return self.ids[var]
        if var.owner is None:
            kind = ("constant_input" if isinstance(var, Constant) else
                    "shared_input" if isinstance(var, SharedVariable) else "input")
            return self.variable_box(var, kind)
        return self.ids[var.owner]

    def build(self, inputs, outputs, nodes, profile=None, updates=None):
        updates = updates or {}
        timing = _profile_of(profile)
        outputs_set = set(outputs)
        clients = {}
        for node in nodes:
            for var in node.inputs:
                clients.setdefault(var, []).append(node)
        for var in inputs:  # every input is drawn, even an unused one
            self.source_of(var)
        for node in nodes:
            self.apply(node, timing)
            for var in node.outputs:
                if var in outputs_set or var in updates:
                    continue
                if not clients.get(var):
                    self.link(self.ids[node], self.variable_box(var, "unused"), var)
                elif var.name is not None or not self.compact:
                    self.link(self.ids[node], self.variable_box(var, "variable"), var)
        for k, var in enumerate(outputs):
            title = None
            if var in updates:
                title = "%s (update)" % updates[var]
            elif var.name is None:
                title = "output %d: %s" % (k, type_to_str(var.type))
            src = self.source_of(var) if var.owner is None else self.ids[var.owner]
            box = self.variable_box(var, "output", title)
            self.link(src, box, var)
        return {"nodes": self.nodes, "edges": self.edges}

    def link(self, source, target, var, index=None, color=None):
        label = type_to_str(var.type)
        if index is not None:
            label = "%d %s" % (index, label)
        edge = {"source": source, "target": target, "label": label}
        if color:
            edge["color"] = color
        self.edges.append(edge)

    def apply(self, node, timing):
        op = node.op
        color = None
        for name, c in APPLY_COLORS.items():
            if name in type(op).__name__:
                color = c
        details = [("op", op), ("class", type(op).__name__),
                   ("inputs", ", ".join(type_to_str(v.type) for v in node.inputs)),
                   ("outputs", ", ".join(type_to_str(v.type) for v in node.outputs)),
                   ("defined at", _source(node))]
        profile = None
        if timing is not None:
            seconds, total = timing[0].get(node, 0.0), timing[1]
            profile = [seconds, total]
            details.append(("time", "%.3g s (%.1f%% of the calls)"
                            % (seconds, 100.0 * seconds / total)))
        drawn = self.add(node, "apply", str(op), color, details, profile=profile)
        node_id = drawn["id"]
        viewed = {i for ins in (getattr(op, "view_map", None) or {}).values() for i in ins}
        destroyed = {i for ins in (getattr(op, "destroy_map", None) or {}).values() for i in ins}
        for idx, var in enumerate(node.inputs):
            color = "dodgerblue" if idx in viewed else "red" if idx in destroyed else None
            self.link(self.source_of(var), node_id, var,
                      idx if len(node.inputs) > 1 else None, color)
        inner = _inner_graph(op)
        if inner is not None:
            drawn["inner"] = self.inner(node, node_id, *inner)

    def inner(self, node, node_id, ins, outs, mapping):
        sub = _Builder(self.compact, node_id + "_")
        graph = sub.build(ins, outs, io_toposort(ins, outs))
        feeds = []
        for k, var in enumerate(ins):
            outer = (mapping or {}).get(k)
            if outer is not None and outer < len(node.inputs):
                feeds.append([self.ids.get(node.inputs[outer]) or
                              self.ids[node.inputs[outer].owner], sub.ids[var]])
        results = [[sub.ids[var], node_id] for var in outs if var in sub.ids]
        return {"graph": graph, "inputs": feeds, "outputs": results}


def describe(fct, compact=True):
    """The drawable description of ``fct`` (see the module docstring)."""
    ins, outs, nodes, profile, updates = _graph_of(fct)
    return _Builder(compact).build(ins, outs, nodes, profile, updates)


def node_count(description, expanded=False):
    """Nodes drawn for ``description``: the outer graph's, plus every inner graph's if
    ``expanded``."""
    n = len(description["nodes"])
    if expanded:
        n += sum(node_count(node["inner"]["graph"], True)
                 for node in description["nodes"] if "inner" in node)
    return n


class PyDotFormatter:
    """Turn a Theano graph into a ``pydot.Dot`` (Theano 1.0's ``theano.d3viz.formatting``).

    Parameters
    ----------
    compact : bool
        Leave out unnamed intermediate variables (their type labels the edge).

    Every node has the attribute ``node_type`` (``apply``, ``input``,
    ``constant_input``, ``shared_input``, ``output``, ``unused`` or
    ``variable``); the inner graph of a scan or ifelse node is a cluster
    subgraph named ``cluster_<node id>``.  Writing the result with pydot's
    ``write_png`` etc. needs Graphviz; ``to_string()`` does not.
    """

    def __init__(self, compact=True):
        self.compact = compact

    def __call__(self, fct, graph=None):
        import pydot

        if graph is None:
            graph = pydot.Dot(graph_type="digraph")
        self._fill(pydot, graph, describe(fct, self.compact))
        return graph

    def _fill(self, pydot, graph, desc):
        for node in desc["nodes"]:
            attrs = {"label": _quote(node["label"]), "node_type": node["kind"],
                     "shape": "ellipse" if node["kind"] == "apply" else "box"}
            if node["color"]:
                attrs.update(style="filled", fillcolor=_quote(node["color"]))
            if node.get("profile"):
                attrs["profile"] = _quote("%g %g" % tuple(node["profile"]))
            graph.add_node(pydot.Node(node["id"], **attrs))
            if "inner" in node:
                cluster = pydot.Cluster(node["id"], label=_quote("inner graph of "
                                                                + node["label"]))
                self._fill(pydot, cluster, node["inner"]["graph"])
                graph.add_subgraph(cluster)
                for src, dst in node["inner"]["inputs"] + node["inner"]["outputs"]:
                    graph.add_edge(pydot.Edge(src, dst, style="dashed"))
        for edge in desc["edges"]:
            attrs = {"label": _quote(edge["label"])}
            if edge.get("color"):
                attrs["color"] = edge["color"]
            graph.add_edge(pydot.Edge(edge["source"], edge["target"], **attrs))


def _quote(text):
    return '"%s"' % str(text).replace("\\", "\\\\").replace('"', '\\"')
