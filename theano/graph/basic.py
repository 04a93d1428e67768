"""The graph IR: variables, constants and the applications of ops that link them.

A graph is a bipartite DAG.  A :class:`Variable` is produced by at most one
:class:`Apply` node (its ``owner``); an :class:`Apply` node records one
application of an :class:`~theano.graph.op.Op` to input variables.
"""
import os
import sys
from itertools import count

import numpy as np

from theano.configparser import config

__all__ = [
    "Apply", "Variable", "Constant", "Scratchpad", "ancestors", "graph_inputs",
    "io_toposort", "toposort", "clone", "clone_get_equiv", "applys_between",
    "is_in_ancestors", "user_source_line", "constant_value", "inputs", "equal_computations",
    "is_same_graph",
]

# Directory of the `theano` package: frames inside it are library frames.
_LIB_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class Scratchpad:
    """A bag of attributes (``var.tag``): test values, source traces, notes."""

    def __repr__(self):
        return "Scratchpad(%s)" % ", ".join("%s=%r" % kv for kv in vars(self).items())


def user_source_line():
    """Return ``(filename, lineno, function)`` of the first frame outside theano.

    Walking raw frames is much cheaper than ``traceback.extract_stack`` and is
    what lets every node remember where the user built it.
    """
    frame = sys._getframe(1)
    fallback = None
    while frame is not None:
        fname = frame.f_code.co_filename
        if not fname.startswith(_LIB_DIR):
            here = (fname, frame.f_lineno, frame.f_code.co_name)
            if frame.f_code.co_name != "make_node":
                return here
            # The make_node of a user's op: the line that called the op is the user's.
            fallback = fallback or here
        frame = frame.f_back
    return fallback


def format_source_line(trace):
    """Render a trace recorded by :func:`user_source_line` with the code line."""
    if not trace:
        return "<unknown>"
    import linecache

    fname, lineno, func = trace
    text = linecache.getline(fname, lineno).strip()
    return 'File "%s", line %d, in %s\n    %s' % (fname, lineno, func, text)


class Apply:
    """One application of ``op`` to ``inputs``, producing ``outputs``."""

    __slots__ = ("op", "inputs", "outputs", "tag", "__weakref__")

    def __init__(self, op, inputs, outputs):
        self.op = op
        self.inputs = list(inputs)
        for i in self.inputs:
            if not isinstance(i, Variable):
                raise TypeError("Apply inputs must be Variables, got %r" % (i,))
        self.outputs = []
        for idx, out in enumerate(outputs):
            if not isinstance(out, Variable):
                raise TypeError("Apply outputs must be Variables, got %r" % (out,))
            if out.owner is None:
                out.owner, out.index = self, idx
            elif out.owner is not self or out.index != idx:
                raise ValueError("output %r already belongs to another Apply node" % (out,))
            self.outputs.append(out)
        self.tag = Scratchpad()
        self.tag.trace = user_source_line()

    @property
    def nin(self):
        return len(self.inputs)

    @property
    def nout(self):
        return len(self.outputs)

    def default_output(self):
        """The output returned by ``op(*inputs)`` (all outputs if several)."""
        do = getattr(self.op, "default_output", None)
        if do is not None:
            return self.outputs[do]
        if len(self.outputs) == 1:
            return self.outputs[0]
        raise ValueError("%s has several outputs and no default_output" % self.op)

    @property
    def out(self):
        return self.default_output()

    def clone(self):
        """A new node with the same op and inputs and fresh outputs."""
        cp = Apply.__new__(Apply)
        cp.op, cp.inputs = self.op, list(self.inputs)
        cp.outputs = []
        for idx, o in enumerate(self.outputs):
            no = o.clone()
            no.owner, no.index = cp, idx
            cp.outputs.append(no)
        cp.tag = Scratchpad()
        cp.tag.__dict__.update(self.tag.__dict__)
        return cp

    def clone_with_new_inputs(self, inputs, strict=True):
        """Rebuild this node on ``inputs``; with ``strict`` types must match exactly."""
        if strict:
            for old, new in zip(self.inputs, inputs):
                if old.type != new.type:
                    raise TypeError(
                        "Cannot replace input %s of type %s by %s of type %s in %s"
                        % (old, old.type, new, new.type, self.op))
            node = self.clone()
            node.inputs = list(inputs)
            return node
        new_node = self.op.make_node(*inputs)
        new_node.tag.__dict__.update(self.tag.__dict__)
        return new_node

    def get_parents(self):
        return list(self.inputs)

    def __str__(self):
        return "%s(%s)" % (self.op, ", ".join(str(i) for i in self.inputs))

    __repr__ = __str__

    # Apply has __slots__ so it needs explicit pickle support.
    def __getstate__(self):
        return (self.op, self.inputs, self.outputs, self.tag)

    def __setstate__(self, state):
        self.op, self.inputs, self.outputs, self.tag = state


_var_ids = count()


class Variable:
    """A symbolic value of a given ``type``, the output of ``owner`` (or a leaf)."""

    # Variables are hashed and compared by identity; ``auto_name`` gives a
    # stable, readable name for printing (like Theano's ``auto_N``).
    def __init__(self, type, owner=None, index=None, name=None):
        self.type = type
        self.owner = owner
        self.index = index
        self.name = name
        self.tag = Scratchpad()
        self.auto_name = "auto_%d" % next(_var_ids)

    def get_parents(self):
        return [self.owner] if self.owner is not None else []

    def clone(self):
        """A new, ownerless variable with the same type, name and tag."""
        cp = type(self).__new__(type(self))
        cp.__dict__.update(self.__dict__)
        cp.owner = cp.index = None
        cp.tag = Scratchpad()
        cp.tag.__dict__.update(self.tag.__dict__)
        cp.auto_name = "auto_%d" % next(_var_ids)
        return cp

    def get_test_value(self):
        """The test value attached to this variable (see ``config.compute_test_value``)."""
        if not hasattr(self.tag, "test_value"):
            raise AttributeError("%s has no test value" % self)
        return self.tag.test_value

    def __str__(self):
        if self.name is not None:
            return self.name
        if self.owner is not None:
            op = self.owner.op
            if len(self.owner.outputs) == 1:
                return str(op) + ".0"
            return "%s.%d" % (op, self.index)
        return "<%s>" % self.type

    def __repr__(self):
        # With config.print_test_value, the test value follows the name (Theano 1.0).
        text = str(self)
        if config.print_test_value and hasattr(self.tag, "test_value"):
            value = self.tag.test_value
            try:
                value = self.type.filter(value)
            except (TypeError, ValueError):
                pass
            text += "\n" + repr(value)
        return text

    def __getstate__(self):
        d = self.__dict__.copy()
        d.pop("_fn_cache", None)
        return d


class Constant(Variable):
    """A leaf variable with a fixed value ``data``."""

    def __init__(self, type, data, name=None):
        super().__init__(type, None, None, name)
        self.data = type.filter(data)

    def get_test_value(self):
        return self.data

    def signature(self):
        return (self.type, self.type.values_signature(self.data))

    def __str__(self):
        if self.name is not None:
            return self.name
        return "Constant{%s}" % (self.data,)

    @property
    def value(self):
        return self.data


# ---------------------------------------------------------------------------
# Graph traversal
# ---------------------------------------------------------------------------

def ancestors(outputs, blockers=None):
    """All variables that ``outputs`` depend on (outputs included), stopping at ``blockers``."""
    blockers = set(blockers or ())
    seen, order = set(), []
    stack = list(outputs)[::-1]
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        order.append(v)
        if v.owner is not None and v not in blockers:
            stack.extend(reversed(v.owner.inputs))
    return order


def graph_inputs(outputs, blockers=None):
    """The leaves (ownerless variables or blockers) that ``outputs`` depend on."""
    blockers = set(blockers or ())
    return [v for v in ancestors(outputs, blockers) if v.owner is None or v in blockers]


def inputs(variable_list, blockers=None):
    """Theano 1.0's ``theano.gof.graph.inputs``: the ownerless variables ``variable_list`` needs.

    The order is Theano's, which libraries rely on to build parameter lists:
    a depth-first search, left input first, that starts from the *last*
    variable of ``variable_list``.  The search stops at ``blockers``, which
    are not returned unless they are ownerless themselves.
    """
    rev = list(variable_list)
    rev.reverse()
    return [v for v in ancestors(rev, blockers) if v.owner is None]


def is_in_ancestors(node, target_node):
    """True if ``target_node`` is an ancestor of ``node``."""
    return any(v.owner is target_node for v in ancestors(node.inputs))


def io_toposort(inputs, outputs):
    """Apply nodes between ``inputs`` and ``outputs`` in a valid execution order."""
    if not isinstance(inputs, (set, frozenset)):
        inputs = set(inputs)  # (a set is used as is: FunctionGraph passes its variables)
    order, done = [], set()
    # Iterative DFS; each node is emitted after all its input owners.
    for out in outputs:
        stack = [(out.owner, False)] if out.owner is not None and out not in inputs else []
        while stack:
            node, expanded = stack.pop()
            if node in done:
                continue
            if expanded:
                done.add(node)
                order.append(node)
                continue
            stack.append((node, True))
            for i in reversed(node.inputs):
                if i.owner is not None and i not in inputs and i.owner not in done:
                    stack.append((i.owner, False))
    return order


def toposort(outputs):
    return io_toposort([], outputs)


def applys_between(inputs, outputs):
    return io_toposort(inputs, outputs)


def clone_get_equiv(inputs, outputs, copy_inputs=True, copy_orphans=True, memo=None):
    """Clone the graph between ``inputs`` and ``outputs``; return the old->new map."""
    memo = {} if memo is None else memo
    for v in inputs:
        if v not in memo:
            memo[v] = v.clone() if copy_inputs else v
    for node in io_toposort(inputs, outputs):
        for v in node.inputs:
            if v not in memo:
                # An orphan: a constant or a variable that is not an input.
                memo[v] = v.clone() if copy_orphans and isinstance(v, Constant) else v
        new_node = node.clone_with_new_inputs([memo[v] for v in node.inputs], strict=True)
        memo[node] = new_node
        for old, new in zip(node.outputs, new_node.outputs):
            memo.setdefault(old, new)
    for v in outputs:
        if v not in memo:
            memo[v] = v.clone() if (copy_orphans and isinstance(v, Constant)) else v
    return memo


def clone(inputs, outputs, copy_inputs=True, copy_orphans=True):
    """Return ``(new_inputs, new_outputs)``: a copy of the graph between them."""
    equiv = clone_get_equiv(inputs, outputs, copy_inputs, copy_orphans)
    return [equiv[i] for i in inputs], [equiv[o] for o in outputs]


def list_of_nodes(inputs, outputs):
    return io_toposort(inputs, outputs)


def equal_computations(xs, ys, in_xs=None, in_ys=None):
    """True if the graphs of ``xs`` and ``ys`` compute the same thing structurally.

    ``in_xs[i]`` (in the graph of ``xs``) and ``in_ys[i]`` (in the graph of
    ``ys``) are taken to be equal, as in Theano 1.0's ``scan_utils`` version.
    """
    partner = {id(x): y for x, y in zip(in_xs or (), in_ys or ())}
    return _graphs_equal(xs, ys, partner, {id(y) for y in in_ys or ()}, {})


def is_same_graph(var1, var2, givens=None, debug=False):
    """True if ``var1`` and ``var2`` perform the same computation (Theano 1.0's name).

    ``givens`` (a dict or a list of pairs) substitutes variables in *both*
    graphs first, like the ``givens`` of ``theano.function``: ``x + 1`` and
    ``y + 1`` are the same graph given ``{x: y}``.  ``debug`` is accepted for
    compatibility (Theano used it to cross-check two implementations).
    """
    return _graphs_equal([var1], [var2], {}, set(), dict(givens or {}))


def _graphs_equal(xs, ys, partner, right, subst):
    memo = {}

    def same(a, b):
        a, b = subst.get(a, a), subst.get(b, b)
        key = (id(a), id(b))
        if key in memo:
            return memo[key]
        if id(a) in partner or id(b) in right:
            r = partner.get(id(a)) is b
        elif a is b:
            r = True
        elif isinstance(a, Constant) and isinstance(b, Constant):
            r = a.signature() == b.signature()
        elif a.owner is None or b.owner is None:
            r = False
        else:
            r = (a.index == b.index and a.owner.op == b.owner.op
                 and len(a.owner.inputs) == len(b.owner.inputs)
                 and all(same(i, j) for i, j in zip(a.owner.inputs, b.owner.inputs)))
        memo[key] = r
        return r

    return len(xs) == len(ys) and all(same(x, y) for x, y in zip(xs, ys))


def constant_value(var):
    """The single value held by ``var``, or raise ValueError.

    A :class:`Constant` whose elements are all equal holds that value; an
    op whose output can be a known constant says so with a
    ``get_scalar_constant_value(node, recurse)`` method (a broadcast or a
    cast of a constant, say), which this follows.
    """
    if isinstance(var, Constant):
        data = np.asarray(var.data)
        if data.size and (data.dtype == object or bool(np.all(data == data.flat[0]))):
            return data.flat[0] if data.ndim else data[()]
        raise ValueError("%s does not hold a single value" % (var,))
    node = var.owner
    hook = getattr(node.op, "get_scalar_constant_value", None) if node is not None else None
    if hook is None:
        raise ValueError("%s is not a constant" % (var,))
    try:
        return hook(node, constant_value)
    except ValueError:
        raise
    except Exception as exc:  # the op's own "not a constant" error
        raise ValueError(str(exc)) from exc
