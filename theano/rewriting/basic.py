"""The rewrite engine: node rewriters, graph walkers and the equilibrium driver.

A *node rewriter* looks at one Apply node and returns replacements for its
outputs (a list, or a dict ``{old_var: new_var}``), or ``None``/``False``.
A *graph rewriter* transforms a whole FunctionGraph in place.
"""
import time

from theano.configparser import config
from theano.graph.basic import Constant, Variable, io_toposort
from theano.graph.fg import InconsistencyError

__all__ = ["GraphRewriter", "NodeRewriter", "node_rewriter", "WalkingGraphRewriter",
           "in2out", "out2in", "EquilibriumGraphRewriter", "SequentialGraphRewriter",
           "MergeRewriter", "PatternNodeRewriter", "FromFunctionGraphRewriter",
           "graph_rewriter"]


class GraphRewriter:
    """Transforms a whole FunctionGraph in place."""

    name = None

    def rewrite(self, fgraph):
        self.apply(fgraph)

    def apply(self, fgraph):
        raise NotImplementedError

    def __str__(self):
        return self.name or type(self).__name__


class FromFunctionGraphRewriter(GraphRewriter):
    def __init__(self, fn, name=None):
        self.fn = fn
        self.name = name or fn.__name__

    def apply(self, fgraph):
        self.fn(fgraph)


def graph_rewriter(fn):
    return FromFunctionGraphRewriter(fn)


class NodeRewriter:
    """Rewrites single nodes; ``tracks()`` lists the Op classes/instances it handles."""

    def __init__(self, fn, tracks=None, name=None):
        self.fn = fn
        self._tracks = tracks
        self.name = name or getattr(fn, "__name__", type(self).__name__)

    def tracks(self):
        return self._tracks

    def transform(self, fgraph, node):
        return self.fn(fgraph, node)

    def __str__(self):
        return self.name


def node_rewriter(tracks=None):
    """Decorator: ``@node_rewriter([Elemwise])`` turns ``fn(fgraph, node)`` into a NodeRewriter."""
    def deco(fn):
        return NodeRewriter(fn, tracks, fn.__name__)
    return deco


def _matches(rewriter, node):
    tracks = rewriter.tracks()
    if not tracks:
        return True
    op = node.op
    for t in tracks:
        if isinstance(t, type):
            if isinstance(op, t):
                return True
        elif op == t:
            return True
    return False


def _apply_replacements(fgraph, node, repl, rewriter):
    """Validate and perform one node rewriter result; True if the graph changed."""
    if repl is None or repl is False:
        return False
    if isinstance(repl, dict):
        pairs = list(repl.items())
    else:
        if len(repl) != len(node.outputs):
            raise ValueError("%s returned %d replacements for %d outputs"
                             % (rewriter, len(repl), len(node.outputs)))
        pairs = list(zip(node.outputs, repl))
    pairs = [(o, n) for o, n in pairs if o is not n and o in fgraph.clients]
    if not pairs:
        return False
    for old, new in pairs:
        if not isinstance(new, Variable):
            raise TypeError("%s returned a non-variable %r" % (rewriter, new))
        if old.type != new.type:
            conv = old.type.convert_variable(new)
            if conv is None:
                raise TypeError(
                    "Rewrite %s tried to replace %s (type %s) by %s (type %s): types must "
                    "match" % (rewriter, old, old.type, new, new.type))
    for old, new in pairs:
        _copy_trace(old, new)
        fgraph.replace(old, new, reason=str(rewriter))
    try:
        fgraph.validate()
    except InconsistencyError:
        for old, new in pairs:
            fgraph.replace(new, old, reason="revert %s" % rewriter)
        return False
    return True


def _copy_trace(old, new):
    if new.owner is not None and old.owner is not None and new.owner is not old.owner:
        if not getattr(new.owner.tag, "trace", None):
            new.owner.tag.trace = old.owner.tag.trace


def _run_node_rewriter(rewriter, fgraph, node):
    try:
        repl = rewriter.transform(fgraph, node)
        return _apply_replacements(fgraph, node, repl, rewriter)
    except Exception as exc:
        if config.on_opt_error == "raise":
            raise
        if config.on_opt_error == "pdb":
            import pdb
            pdb.post_mortem(exc.__traceback__)
        if config.on_opt_error == "warn":
            import warnings
            warnings.warn("Rewrite %s failed on node %s: %s: %s (the rewrite was skipped)"
                          % (rewriter, node, type(exc).__name__, exc))
        return False


class WalkingGraphRewriter(GraphRewriter):
    """Apply node rewriters to every node once, inputs-to-outputs or the reverse."""

    def __init__(self, rewriters, order="in_to_out", ignore_newtrees=True, name=None):
        self.rewriters = list(rewriters) if isinstance(rewriters, (list, tuple)) else [rewriters]
        self.order = order
        self.name = name or "+".join(str(r) for r in self.rewriters)

    def apply(self, fgraph):
        nodes = io_toposort(fgraph.inputs, fgraph.outputs)
        if self.order == "out_to_in":
            nodes = nodes[::-1]
        for node in nodes:
            if node not in fgraph.apply_nodes:
                continue
            for r in self.rewriters:
                if _matches(r, node) and _run_node_rewriter(r, fgraph, node):
                    break


def in2out(*rewriters, name=None, **kw):
    return WalkingGraphRewriter(list(rewriters), "in_to_out", name=name)


def out2in(*rewriters, name=None, **kw):
    return WalkingGraphRewriter(list(rewriters), "out_to_in", name=name)


class EquilibriumGraphRewriter(GraphRewriter):
    """Apply node rewriters (and graph rewriters) repeatedly until nothing changes."""

    def __init__(self, rewriters, max_use_ratio=20, name=None, final_rewriters=()):
        self.node_rewriters = [r for r in rewriters if isinstance(r, NodeRewriter)]
        self.graph_rewriters = [r for r in rewriters if isinstance(r, GraphRewriter)]
        self.final_rewriters = list(final_rewriters)
        self.max_use_ratio = max_use_ratio
        self.name = name or "equilibrium"

    def apply(self, fgraph):
        budget = max(1, len(fgraph.apply_nodes)) * self.max_use_ratio
        changed = True
        while changed and budget > 0:
            changed = False
            for gr in self.graph_rewriters:
                n0 = _graph_signature(fgraph)
                gr.rewrite(fgraph)
                changed |= _graph_signature(fgraph) != n0
            for node in io_toposort(fgraph.inputs, fgraph.outputs):
                if node not in fgraph.apply_nodes:
                    continue
                for r in self.node_rewriters:
                    if node not in fgraph.apply_nodes:
                        break
                    if _matches(r, node) and _run_node_rewriter(r, fgraph, node):
                        changed = True
                        budget -= 1
                        break
            for gr in self.final_rewriters:
                gr.rewrite(fgraph)


def _graph_signature(fgraph):
    return (len(fgraph.apply_nodes), tuple(id(o) for o in fgraph.outputs),
            frozenset(id(n) for n in fgraph.apply_nodes))


class SequentialGraphRewriter(GraphRewriter):
    """Run graph rewriters one after the other (optionally timing each)."""

    def __init__(self, rewriters, name=None):
        self.rewriters = list(rewriters)
        self.name = name or "seq"
        self.timings = {}

    def apply(self, fgraph):
        for r in self.rewriters:
            t0 = time.perf_counter()
            r.rewrite(fgraph)
            self.timings[str(r)] = self.timings.get(str(r), 0.0) + time.perf_counter() - t0


class MergeRewriter(GraphRewriter):
    """Common-subexpression elimination: merge equal constants and equal nodes."""

    name = "merge"

    def apply(self, fgraph):
        consts = {}
        for v in list(fgraph.variables):
            if isinstance(v, Constant) and v in fgraph.clients:
                try:
                    sig = v.signature()
                    hash(sig)
                except TypeError:
                    continue
                other = consts.setdefault(sig, v)
                if other is not v and fgraph.clients.get(v):
                    fgraph.replace(v, other, reason="merge")
        seen = {}
        for node in io_toposort(fgraph.inputs, fgraph.outputs):
            if node not in fgraph.apply_nodes:
                continue
            key = (node.op, tuple(node.inputs))
            try:
                other = seen.setdefault(key, node)
            except TypeError:
                continue
            if other is node or node.op.destroy_map:
                continue
            for old, new in zip(node.outputs, other.outputs):
                if old.type == new.type and old in fgraph.clients:
                    fgraph.replace(old, new, reason="merge")


class PatternNodeRewriter(NodeRewriter):
    """``PatternNodeRewriter((T.add, 'x', 0), 'x')``: rewrite by a small pattern language.

    A pattern is a variable name (string, binds anything), a constant value,
    or a tuple ``(op, *sub_patterns)``; ``{'pattern': p, 'constraint': fn}``
    adds a check on what it binds.  The replacement uses the same syntax.
    """

    def __init__(self, in_pattern, out_pattern, name=None, allow_multiple_clients=True):
        self.in_pattern = in_pattern
        self.out_pattern = out_pattern
        op = in_pattern[0]
        super().__init__(None, [getattr(op, "op", op)], name or "pattern")

    def transform(self, fgraph, node):
        binding = {}
        if not _match(self.in_pattern, node.outputs[0], binding):
            return False
        new = _build(self.out_pattern, binding)
        if new.type != node.outputs[0].type:
            from theano.tensor.basic import cast
            new = cast(new, node.outputs[0].type.dtype)
            conv = node.outputs[0].type.convert_variable(new)
            if conv is None:
                return False
            new = conv
        return [new]


def _match(pattern, var, binding):
    from theano.tensor.basic import get_scalar_constant_value, NotScalarConstantError
    if isinstance(pattern, str):
        if pattern in binding:
            return binding[pattern] is var
        binding[pattern] = var
        return True
    if isinstance(pattern, dict):
        ok = _match(pattern["pattern"], var, binding)
        return ok and pattern.get("constraint", lambda v: True)(var)
    if isinstance(pattern, tuple):
        op = getattr(pattern[0], "op", pattern[0])
        if var.owner is None or var.owner.op != op or len(var.owner.inputs) != len(pattern) - 1:
            return False
        return all(_match(p, i, binding) for p, i in zip(pattern[1:], var.owner.inputs))
    try:
        return get_scalar_constant_value(var) == pattern
    except NotScalarConstantError:
        return False


def _build(pattern, binding):
    if isinstance(pattern, str):
        return binding[pattern]
    if isinstance(pattern, tuple):
        fn = pattern[0]
        return fn(*[_build(p, binding) for p in pattern[1:]])
    from theano.tensor.basic import constant
    return constant(pattern)
