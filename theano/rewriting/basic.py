"""The rewrite engine: node rewriters, graph walkers and the equilibrium driver.

A *node rewriter* looks at one Apply node and returns replacements for its
outputs (a list, or a dict ``{old_var: new_var}``), or ``None``/``False``.
A *graph rewriter* transforms a whole FunctionGraph in place.

Drivers:

* :class:`WalkingGraphRewriter` (``in2out``/``out2in``) applies node rewriters
  once to every node, in topological (or reverse) order, also visiting the
  nodes that rewrites create;
* :class:`EquilibriumGraphRewriter` applies node and graph rewriters until
  none of them changes the graph.  It keeps a work queue fed by the graph's
  import events, so each pass only revisits what changed.

Every replacement is checked (the new variable must have the old one's type)
and validated by the graph's features; a rewrite that raises is handled as
``config.on_opt_error`` says.
"""
import sys
import time
import warnings
from collections import deque

from theano.configparser import config
from theano.graph.basic import Constant, Variable, constant_value, io_toposort
from theano.graph.fg import Feature, InconsistencyError

__all__ = ["GraphRewriter", "NodeRewriter", "node_rewriter", "WalkingGraphRewriter",
           "in2out", "out2in", "EquilibriumGraphRewriter", "SequentialGraphRewriter",
           "MergeRewriter", "PatternNodeRewriter", "FromFunctionGraphRewriter",
           "graph_rewriter", "rewrite_stats", "reset_rewrite_stats", "apply_node_rewriter",
           "check_stack_trace"]

# name -> [number of successful applications, seconds spent in the rewriter]
rewrite_stats = {}


def reset_rewrite_stats():
    """Forget the per-rewrite application counts and times."""
    rewrite_stats.clear()


def _record(name, applied, seconds):
    st = rewrite_stats.get(name)
    if st is None:
        st = rewrite_stats[name] = [0, 0.0]
    st[0] += applied
    st[1] += seconds


class GraphRewriter:
    """Transforms a whole FunctionGraph in place (``rewrite(fgraph)``)."""

    name = None

    def rewrite(self, fgraph):
        t0 = time.perf_counter()
        self.apply(fgraph)
        _record(str(self), 0, time.perf_counter() - t0)

    def apply(self, fgraph):
        raise NotImplementedError

    def add_requirements(self, fgraph):
        """Attach the features ``apply`` needs to ``fgraph`` (Theano 1.0's hook)."""

    # Theano's spelling: the requirements, then the rewrite
    def optimize(self, fgraph):
        self.add_requirements(fgraph)
        return self.rewrite(fgraph)

    def __str__(self):
        return self.name or type(self).__name__

    __repr__ = __str__


class FromFunctionGraphRewriter(GraphRewriter):
    """A graph rewriter made from a function ``fn(fgraph)``."""

    def __init__(self, fn, name=None):
        self.fn = fn
        self.name = name or fn.__name__

    def apply(self, fgraph):
        self.fn(fgraph)


def graph_rewriter(fn):
    """Decorator: ``fn(fgraph)`` becomes a :class:`GraphRewriter`."""
    return FromFunctionGraphRewriter(fn)


class NodeRewriter:
    """Rewrites single nodes.

    Parameters
    ----------
    fn : callable
        ``fn(fgraph, node)`` returning replacements or None/False.
    tracks : list, optional
        Op classes or Op instances the rewriter looks at (None: every node).
        Drivers only call the rewriter on matching nodes.
    name : str, optional
    scalar_tracks : tuple of classes, optional
        For elementwise ops: only nodes whose ``op.scalar_op`` is an instance
        of one of these are visited (drivers filter them cheaply).
    """

    def __init__(self, fn, tracks=None, name=None, scalar_tracks=None):
        self.fn = fn
        self._tracks = list(tracks) if tracks else None
        self.name = name or getattr(fn, "__name__", type(self).__name__)
        self.scalar_tracks = tuple(scalar_tracks) if scalar_tracks else None

    def tracks(self):
        return self._tracks

    def transform(self, fgraph, node):
        return self.fn(fgraph, node)

    def __call__(self, fgraph, node):
        return self.transform(fgraph, node)

    def __str__(self):
        return self.name

    __repr__ = __str__


def node_rewriter(tracks=None, name=None, scalar=None):
    """Decorator: ``@node_rewriter([Elemwise])`` turns ``fn(fgraph, node)`` into a NodeRewriter.

    ``scalar=(ts.Mul, ts.Add)`` restricts an elementwise rewriter to those scalar ops.
    """
    def deco(fn):
        return NodeRewriter(fn, tracks, name or fn.__name__, scalar_tracks=scalar)
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


class _Dispatch:
    """Finds the node rewriters that track a node's op, by op class and instance."""

    def __init__(self, rewriters):
        self.rewriters = list(rewriters)
        self.generic = []
        self.by_class = {}
        self.by_op = {}
        for r in self.rewriters:
            tracks = r.tracks()
            if not tracks:
                self.generic.append(r)
                continue
            for t in tracks:
                if isinstance(t, type):
                    self.by_class.setdefault(t, []).append(r)
                else:
                    self.by_op.setdefault(t, []).append(r)
        self._cache = {}

    def get(self, op):
        sop = getattr(op, "scalar_op", None)
        key = (type(op), type(sop))
        res = self._cache.get(key)
        if res is None:
            found = set(self.generic)
            for cls in key[0].__mro__:
                found.update(self.by_class.get(cls, ()))
            # Keep registration order so results are deterministic.
            res = [r for r in self.rewriters if r in found and (
                getattr(r, "scalar_tracks", None) is None
                or (sop is not None and isinstance(sop, r.scalar_tracks)))]
            self._cache[key] = res
        if self.by_op:
            try:
                extra = self.by_op.get(op)
            except TypeError:  # unhashable op
                extra = None
            if extra:
                found = set(res) | set(extra)
                res = [r for r in self.rewriters if r in found]
        return res


# ---------------------------------------------------------------------------
# Applying one replacement
# ---------------------------------------------------------------------------
def _convert(rewriter, old, new):
    """``new`` as a variable of ``old.type``, or raise TypeError."""
    if not isinstance(new, Variable):
        raise TypeError("Rewrite %s returned %r (a %s) as the replacement of %s; replacements "
                        "must be Variables" % (rewriter, new, type(new).__name__, old))
    if old.type == new.type:
        return new
    conv = old.type.convert_variable(new)
    if conv is None:
        raise TypeError(
            "Rewrite %s tried to replace %s (type %s) by %s (type %s): a replacement must "
            "have the type of the variable it replaces" % (rewriter, old, old.type, new,
                                                            new.type))
    return conv


def _copy_trace(fgraph, old, new):
    # A node the rewrite just built takes the creation line of the node it
    # replaces: its own would be the line of the theano.function call.
    if new.owner is not None and old.owner is not None and new.owner is not old.owner:
        trace = getattr(old.owner.tag, "trace", None)
        if trace and (new.owner not in fgraph.apply_nodes
                      or not getattr(new.owner.tag, "trace", None)):
            new.owner.tag.trace = trace


def _replace_validate(fgraph, pairs, reason):
    """Replace each (old, new) pair, validate, and undo everything if validation fails.

    If the graph has a ``replacement_log`` list (DebugMode sets one), each
    accepted ``(old, new, reason)`` is appended to it, so the two variables
    can later be evaluated and compared.
    """
    done = []
    try:
        for old, new in pairs:
            if old not in fgraph.clients:
                continue
            clients = list(fgraph.clients[old])
            _copy_trace(fgraph, old, new)
            done.append((old, new, clients))
            for node, i in clients:
                fgraph.change_input(node, i, new, reason)
        fgraph.validate()
    except InconsistencyError:
        for old, new, clients in reversed(done):
            for node, i in clients:
                cur = fgraph.outputs[i] if node == "output" else (
                    node.inputs[i] if node in fgraph.apply_nodes else None)
                if cur is new:
                    fgraph.change_input(node, i, old, "revert " + reason)
        return False
    log = getattr(fgraph, "replacement_log", None)
    if log is not None:
        log.extend((old, new, reason) for old, new, _ in done)
    return True


def _apply_replacements(fgraph, node, repl, rewriter):
    """Validate and perform one node rewriter result; True if the graph changed."""
    if repl is None or repl is False:
        return False
    if isinstance(repl, dict):
        pairs = list(repl.items())
    else:
        if len(repl) != len(node.outputs):
            raise ValueError("Rewrite %s returned %d replacements for the %d outputs of %s"
                             % (rewriter, len(repl), len(node.outputs), node))
        pairs = list(zip(node.outputs, repl))
    pairs = [(o, n) for o, n in pairs if n is not None and o is not n and o in fgraph.clients
             and fgraph.clients[o]]
    if not pairs:
        return False
    pairs = [(o, _convert(rewriter, o, n)) for o, n in pairs]
    olds = {o for o, _ in pairs}
    for _, n in pairs:
        if _new_part_uses(fgraph, n, olds):
            raise ValueError("Rewrite %s returned a replacement that is computed from the "
                             "variable it replaces (this would make a cycle)" % rewriter)
    if config.optimizer_verbose:
        for o, n in pairs:
            print("rewriting: rewrite %s replaces %s of %s with %s of %s"
                  % (rewriter, o, o.owner, n, n.owner), file=sys.stderr)
    return _replace_validate(fgraph, pairs, str(rewriter))


def _new_part_uses(fgraph, var, olds):
    """True if the not-yet-imported part of ``var``'s graph reads one of ``olds``."""
    stack, seen = [var], set()
    nodes = fgraph.apply_nodes
    while stack:
        v = stack.pop()
        if v in olds:
            return True
        node = v.owner
        if node is None or node in nodes or node in seen:
            continue
        seen.add(node)
        stack.extend(node.inputs)
    return False


def _handle_error(rewriter, node, exc):
    mode = config.on_opt_error
    if mode == "raise":
        raise exc
    if mode == "pdb":
        import pdb
        pdb.post_mortem(exc.__traceback__)
        return
    if mode == "warn":
        warnings.warn("Rewrite %s failed on node %s with %s: %s (the rewrite was skipped; set "
                      "config.on_opt_error='raise' to see the traceback)"
                      % (rewriter, node, type(exc).__name__, exc), stacklevel=4)


def apply_node_rewriter(rewriter, fgraph, node, timed=None):
    """Run one node rewriter on ``node`` and apply its result; True if the graph changed.

    Successful applications are counted in :data:`rewrite_stats`; the time
    spent is recorded too when ``config.profile_optimizer`` is set (or
    ``timed``).
    """
    if timed is None:
        timed = config.profile_optimizer
    t0 = time.perf_counter() if timed else 0.0
    changed = False
    try:
        repl = rewriter.transform(fgraph, node)
        if repl is not None and repl is not False:
            changed = _apply_replacements(fgraph, node, repl, rewriter)
    except InconsistencyError:
        changed = False
    except Exception as exc:
        _handle_error(rewriter, node, exc)
        changed = False
    if timed:
        _record(str(rewriter), int(changed), time.perf_counter() - t0)
    elif changed:
        _record(str(rewriter), 1, 0.0)
    return changed


_run_node_rewriter = apply_node_rewriter


class _NodeQueue(Feature):
    """Listens to the graph and collects the nodes a rewrite imported or touched."""

    def __init__(self, track_changes=True):
        self.new = []
        self.touched = []
        self.track_changes = track_changes
        self.events = 0

    def on_import(self, fgraph, node, reason):
        self.new.append(node)
        self.events += 1

    def on_prune(self, fgraph, node, reason):
        self.events += 1

    def on_change_input(self, fgraph, node, i, old, new, reason):
        self.events += 1
        if self.track_changes and node != "output":
            self.touched.append(node)

    def take(self):
        """New nodes (in import order, which is topological) then touched clients."""
        out = self.new + self.touched
        self.new = []
        self.touched = []
        return out


class WalkingGraphRewriter(GraphRewriter):
    """Apply node rewriters to every node once, inputs-to-outputs or the reverse.

    With ``ignore_newtrees=False`` the nodes created by a rewrite are visited
    too (right away, before going on).
    """

    def __init__(self, rewriters, order="in_to_out", ignore_newtrees=False, name=None):
        self.rewriters = list(rewriters) if isinstance(rewriters, (list, tuple)) else [rewriters]
        if order not in ("in_to_out", "out_to_in"):
            raise ValueError("order must be 'in_to_out' or 'out_to_in', got %r" % (order,))
        self.order = order
        self.ignore_newtrees = ignore_newtrees
        self.name = name or "+".join(str(r) for r in self.rewriters)

    def apply(self, fgraph):
        dispatch = _Dispatch(self.rewriters)
        nodes = io_toposort(fgraph.inputs, fgraph.outputs)
        if self.order == "out_to_in":
            nodes.reverse()
        queue = deque(nodes)
        timed = config.profile_optimizer
        listener = _NodeQueue(track_changes=False)
        fgraph.attach_feature(listener)
        try:
            while queue:
                node = queue.popleft()
                if node not in fgraph.apply_nodes:
                    continue
                changed = False
                for r in dispatch.get(node.op):
                    if apply_node_rewriter(r, fgraph, node, timed):
                        changed = True
                        break
                    if node not in fgraph.apply_nodes:
                        break
                new = listener.take()  # (events of reverted attempts are dropped)
                if changed and new and not self.ignore_newtrees:
                    if self.order == "out_to_in":
                        new.reverse()
                    queue.extendleft(reversed(new))
        finally:
            fgraph.remove_feature(listener)


def in2out(*rewriters, name=None, ignore_newtrees=False, **kw):
    """Walk the graph from inputs to outputs applying ``rewriters``."""
    return WalkingGraphRewriter(list(rewriters), "in_to_out", ignore_newtrees, name=name)


def out2in(*rewriters, name=None, ignore_newtrees=False, **kw):
    """Walk the graph from outputs to inputs applying ``rewriters``."""
    return WalkingGraphRewriter(list(rewriters), "out_to_in", ignore_newtrees, name=name)


class EquilibriumGraphRewriter(GraphRewriter):
    """Apply node rewriters (and graph rewriters) repeatedly until nothing changes.

    Each pass walks a queue that starts with every node in topological order;
    the nodes a rewrite creates and the clients whose inputs it changed are
    put at the front of the queue, so local simplifications cascade within
    one pass.  Graph rewriters run at the start of each pass, and
    ``final_rewriters`` at its end; passes repeat until one changes nothing.
    The total number of node rewrites is bounded by ``max_use_ratio`` times
    the size of the graph (a warning says when the bound stops the loop).
    """

    def __init__(self, rewriters, max_use_ratio=None, name=None, final_rewriters=()):
        rewriters = list(rewriters)
        self.node_rewriters = [r for r in rewriters if isinstance(r, NodeRewriter)]
        self.graph_rewriters = [r for r in rewriters if isinstance(r, GraphRewriter)]
        others = [r for r in rewriters if not isinstance(r, (NodeRewriter, GraphRewriter))]
        if others:
            raise TypeError("EquilibriumGraphRewriter takes node and graph rewriters, got %r"
                            % (others,))
        self.final_rewriters = list(final_rewriters)
        self.max_use_ratio = max_use_ratio
        self.name = name or "equilibrium"
        self.last_passes = 0

    def apply(self, fgraph):
        ratio = self.max_use_ratio or config.optdb__max_use_ratio
        budget = max(1, len(fgraph.apply_nodes)) * ratio
        dispatch = _Dispatch(self.node_rewriters)
        timed = config.profile_optimizer
        listener = _NodeQueue()
        fgraph.attach_feature(listener)
        passes = 0
        try:
            changed = True
            while changed:
                passes += 1
                changed = False
                for gr in self.graph_rewriters:
                    before = listener.events
                    gr.rewrite(fgraph)
                    changed |= listener.events != before
                listener.take()
                queue = deque(io_toposort(fgraph.inputs, fgraph.outputs))
                while queue:
                    node = queue.popleft()
                    if node not in fgraph.apply_nodes:
                        continue
                    done = False
                    for r in dispatch.get(node.op):
                        if apply_node_rewriter(r, fgraph, node, timed):
                            changed = done = True
                            budget -= 1
                            break
                        if node not in fgraph.apply_nodes:
                            break
                    new = listener.take()  # (events of reverted attempts are dropped)
                    if done and new:
                        queue.extendleft(reversed(new))
                    if budget <= 0:
                        warnings.warn("%s stopped after reaching its limit of rewrites "
                                      "(config.optdb__max_use_ratio=%s); the graph may not be "
                                      "fully rewritten" % (self, ratio), stacklevel=3)
                        return
                for gr in self.final_rewriters:
                    before = listener.events
                    gr.rewrite(fgraph)
                    changed |= listener.events != before
        finally:
            fgraph.remove_feature(listener)
            self.last_passes = passes


class SequentialGraphRewriter(GraphRewriter):
    """Run graph rewriters one after the other, timing each (``self.timings``)."""

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
    """Common-subexpression elimination: merge equal constants, then equal nodes.

    Two nodes are merged when they apply equal ops to the same inputs.  Nodes
    whose op destroys an input are never merged.  One walk in topological
    order suffices: merging a node updates its clients' inputs before they are
    visited.
    """

    name = "merge"

    def apply(self, fgraph):
        consts = {}
        for v in list(fgraph.variables):
            if isinstance(v, Constant) and fgraph.clients.get(v):
                try:
                    sig = v.signature()
                    hash(sig)
                except TypeError:
                    continue
                other = consts.setdefault(sig, v)
                if other is not v and v.type == other.type:
                    fgraph.replace(v, other, reason="merge")
        seen = {}
        for node in io_toposort(fgraph.inputs, fgraph.outputs):
            if node not in fgraph.apply_nodes or node.op.destroy_map:
                continue
            key = (node.op, tuple(node.inputs))
            try:
                other = seen.setdefault(key, node)
            except TypeError:
                continue
            if other is node:
                continue
            pairs = [(o, n) for o, n in zip(node.outputs, other.outputs)
                     if o.type == n.type and fgraph.clients.get(o)]
            if not _replace_validate(fgraph, pairs, "merge"):
                seen[key] = node


class PatternNodeRewriter(NodeRewriter):
    """``PatternNodeRewriter((T.add, 'x', 0), 'x')``: rewrite by a small pattern language.

    A pattern is a variable name (string, binds anything), a constant value,
    or a tuple ``(op, *sub_patterns)`` (``op`` an Op or a function with an
    ``op`` attribute); ``{'pattern': p, 'constraint': fn}`` adds a check on
    what it binds.  The replacement uses the same syntax, with callables
    building the new graph.  With ``allow_multiple_clients=False`` the inner
    nodes of a match must have no other client.
    """

    def __init__(self, in_pattern, out_pattern, name=None, allow_multiple_clients=True):
        self.in_pattern = in_pattern
        self.out_pattern = out_pattern
        self.allow_multiple_clients = allow_multiple_clients
        op = in_pattern[0]
        super().__init__(None, [getattr(op, "op", op)], name or _pattern_name(in_pattern,
                                                                              out_pattern))

    def transform(self, fgraph, node):
        binding = {}
        clients = None if self.allow_multiple_clients else fgraph.clients
        if not _match(self.in_pattern, node.outputs[0], binding, clients, True):
            return False
        new = _build(self.out_pattern, binding)
        if not isinstance(new, Variable):
            try:
                new = node.outputs[0].type.make_constant(new)
            except (TypeError, ValueError):
                return False  # a bare number that does not have the output's type
        if new.type != node.outputs[0].type:
            conv = node.outputs[0].type.convert_variable(new)
            if conv is None:
                return False
            new = conv
        return [new]


def _pattern_name(pin, pout):
    def fmt(p):
        if isinstance(p, tuple):
            return "%s(%s)" % (getattr(p[0], "__name__", p[0]), ", ".join(fmt(x) for x in p[1:]))
        if isinstance(p, dict):
            return fmt(p["pattern"])
        return str(p)
    return "%s -> %s" % (fmt(pin), fmt(pout))


def _match(pattern, var, binding, clients, top):
    if isinstance(pattern, str):
        if pattern in binding:
            return binding[pattern] is var
        binding[pattern] = var
        return True
    if isinstance(pattern, dict):
        ok = _match(pattern["pattern"], var, binding, clients, top)
        return ok and pattern.get("constraint", lambda v: True)(var)
    if isinstance(pattern, tuple):
        op = getattr(pattern[0], "op", pattern[0])
        node = var.owner
        if node is None or len(node.inputs) != len(pattern) - 1:
            return False
        if isinstance(op, type):
            if not isinstance(node.op, op):
                return False
        elif node.op != op:
            return False
        if clients is not None and not top and len(clients.get(var, ())) > 1:
            return False
        return all(_match(p, i, binding, clients, False)
                   for p, i in zip(pattern[1:], node.inputs))
    try:
        return bool(constant_value(var) == pattern)
    except ValueError:
        return False


def _build(pattern, binding):
    if isinstance(pattern, str):
        return binding[pattern]
    if isinstance(pattern, tuple):
        fn = pattern[0]
        return fn(*[_build(p, binding) for p in pattern[1:]])
    return pattern  # a number: the op it is passed to converts it


def check_stack_trace(f_or_fgraph, ops_to_check="last", bug_print="raise"):
    """True if the chosen nodes of a compiled graph still know where they were built.

    Theano 1.0's test helper (``theano.gof.opt.check_stack_trace``): rewrites
    must carry the creation trace of the nodes they replace over to the new
    ones, so runtime errors can point at the user's code.

    Parameters
    ----------
    f_or_fgraph : compiled function or FunctionGraph
    ops_to_check : 'last', 'all', an Op, an Op class, a tuple/list of those, or a
        predicate ``fn(node) -> bool``
        The nodes to check: those computing the outputs, every node, or those
        of the given ops.
    bug_print : {'raise', 'warn', 'ignore'}
        What to do when no node matches ``ops_to_check``.
    """
    fgraph = getattr(getattr(f_or_fgraph, "maker", None), "fgraph", f_or_fgraph)
    nodes = fgraph.toposort()
    if ops_to_check == "last":
        chosen = [o.owner for o in fgraph.outputs if o.owner is not None]
    elif ops_to_check == "all":
        chosen = nodes
    else:
        targets = ops_to_check if isinstance(ops_to_check, (tuple, list)) else [ops_to_check]

        def wanted(node):
            for t in targets:
                if isinstance(t, type):
                    if isinstance(node.op, t):
                        return True
                elif callable(t) and not hasattr(t, "make_node"):
                    if t(node):
                        return True
                elif node.op == t:
                    return True
            return False

        chosen = [n for n in nodes if wanted(n)]
    if not chosen:
        msg = "the ops to check (%s) are not in the graph, or the graph is empty" % (
            ops_to_check,)
        if bug_print == "raise":
            raise ValueError(msg)
        if bug_print == "warn":
            warnings.warn(msg, stacklevel=2)
        return True
    return all(getattr(n.tag, "trace", None) or any(getattr(o.tag, "trace", None)
                                                     for o in n.outputs) for n in chosen)
