"""``ifelse``: a lazy conditional that computes only the branch it returns.

Unlike ``T.switch`` (elementwise, computes both sides), ``ifelse`` takes a
scalar condition and evaluates either the ``then`` or the ``else`` branch.

The linker runs every node of a graph, so laziness comes from the op itself:
an ``IfElse`` node holds its two branches as inner graphs over the branch's
free variables (its inputs) and, at run time, executes only the compiled
graph of the branch that is taken.
"""
import numpy as np

from theano import gradient
from theano.compile.function import function
from theano.compile.io import In, Out
from theano.configparser import config
from theano.graph.basic import Apply, Constant, Variable, ancestors
from theano.graph.op import Op
from theano.graph.replace import clone_replace
from theano.graph.rules import register_connection_pattern, register_grad, register_rop
from theano.link.jax.registry import register_jax
from theano.rewriting.basic import GraphRewriter, _replace_validate
from theano.rewriting.db import optdb
from theano.tensor.basic import as_tensor_variable, cast, zeros_like
from theano.tensor.type import TensorType

__all__ = ["IfElse", "ifelse", "IfElseViews"]


def _free_variables(outputs):
    """Non-constant leaves the ``outputs`` depend on, in a stable order."""
    seen, free = set(), []
    for v in ancestors(outputs):
        if v.owner is None and not isinstance(v, Constant) and v not in seen:
            seen.add(v)
            free.append(v)
    return free


def _placeholder(v):
    p = v.type()
    p.name = v.name
    return p


def _view_sources(var, placeholders):
    """The placeholders whose buffer ``var`` may be (through view and destroy maps)."""
    found, stack, seen = set(), [var], set()
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        if v.owner is None:
            if v in placeholders:
                found.add(placeholders[v])
            continue
        op, idx = v.owner.op, v.owner.outputs.index(v)
        for i in list(op.view_map.get(idx, ())) + list(op.destroy_map.get(idx, ())):
            stack.append(v.owner.inputs[i])
    return found


def _view_map(branches):
    """``{output: [input]}`` of the outputs the view form returns without a copy."""
    phs, t_outs, f_outs = branches
    index = {p: k for k, p in enumerate(phs)}
    vmap = {}
    for k, (t, f) in enumerate(zip(t_outs, f_outs)):
        sources = _view_sources(t, index) | _view_sources(f, index)
        if len(sources) == 1:
            vmap[k] = [1 + sources.pop()]  # (input 0 is the condition)
    return vmap


class IfElse(Op):
    """``IfElse(n_outs)(cond, then_1..then_n, else_1..else_n)``: lazy conditional.

    Applying the op captures both branches; the resulting node's inputs are
    the condition and the free variables of the branches, and its op (a bound
    copy of this one) owns the two inner graphs.
    """

    __props__ = ("n_outs", "as_view", "gpu", "name", "branches")

    def __init__(self, n_outs, as_view=False, gpu=False, name=None, branches=None):
        self.n_outs = int(n_outs)
        self.as_view = as_view
        self.gpu = gpu
        self.name = name
        # (placeholders, then outputs, else outputs): set by make_node on the
        # op of the node it builds, never changed afterwards.  Variables
        # compare by identity, so a node's op equals only ops holding the same
        # inner graphs.
        self.branches = None if branches is None else tuple(tuple(b) for b in branches)
        self._fns = {}
        # In the view form (FAST_RUN's ``if{inplace}``, as in Theano 1.0) an output
        # is returned without a copy when, in both branches, it can only be
        # (a view of) one same input; the others are still copied.
        self.view_map = _view_map(self.branches) if as_view and self.branches else {}

    def __str__(self):
        args = [a for a in (self.name, "inplace" if self.as_view else None) if a]
        return "if{%s}" % ",".join(args)

    def __getstate__(self):
        d = self.__dict__.copy()
        d["_fns"] = {}
        return d

    def make_node(self, c, *args):

        c = as_tensor_variable(c)
        if c.ndim != 0:
            raise TypeError("ifelse: the condition must be a scalar (0 means False, anything "
                            "else True), got %s with %d dimensions" % (c, c.ndim))
        if self.branches is not None:
            phs, t_outs, _ = self.branches
            if len(args) != len(phs):
                raise ValueError("%s expects %d branch inputs, got %d"
                                 % (self, len(phs), len(args)))
            args = [as_tensor_variable(a) if isinstance(p.type, TensorType) else a
                    for a, p in zip(args, phs)]
            for a, p in zip(args, phs):
                if a.type != p.type and p.type.convert_variable(a) is None:
                    raise TypeError("ifelse: input %s has type %s, expected %s"
                                    % (a, a.type, p.type))
            return Apply(self, [c] + list(args), [o.type() for o in t_outs])
        if len(args) != 2 * self.n_outs:
            raise ValueError("IfElse(%d) expects the condition, %d then-values and %d "
                             "else-values; got %d values"
                             % (self.n_outs, self.n_outs, self.n_outs, len(args)))
        args = [a if isinstance(a, Variable) else as_tensor_variable(a) for a in args]
        ts, fs = args[:self.n_outs], args[self.n_outs:]
        for k, (t, f) in enumerate(zip(ts, fs)):
            if t.type != f.type:
                raise TypeError(
                    "ifelse: the two branches must have identical types, but output %d is "
                    "%s (%s) on the `then` branch and %s (%s) on the `else` branch. This can "
                    "happen if you gave a one-element list on one side and a tensor on the "
                    "other, or if the dtypes or broadcastable patterns differ (use .astype() "
                    "or T.patternbroadcast)." % (k, t, t.type, f, f.type))
        free = _free_variables(ts + fs)
        phs = [_placeholder(v) for v in free]
        rep = dict(zip(free, phs))
        inner = clone_replace(ts + fs, rep, strict=True) if rep else list(ts + fs)
        bound = IfElse(self.n_outs, self.as_view, self.gpu, self.name,
                       branches=(phs, inner[:self.n_outs], inner[self.n_outs:]))
        return Apply(bound, [c] + free, [t.type() for t in ts])

    # -- inner graphs (read by debugprint) ------------------------------------------
    @property
    def inner_inputs(self):
        return list(self.branches[0]) if self.branches is not None else None

    @property
    def inner_outputs(self):
        if self.branches is None:
            return None
        return list(self.branches[1]) + list(self.branches[2])

    @property
    def var_mappings(self):
        n = len(self.branches[0]) if self.branches is not None else 0
        return {"outer_inp_from_inner_inp": {k: k + 1 for k in range(n)}}

    # -- execution ------------------------------------------------------------------
    def _branch_fn(self, which):
        fn = self._fns.get(which)
        if fn is None:

            phs, t_outs, f_outs = self.branches
            outs = t_outs if which else f_outs
            viewed = {j - 1 for js in self.view_map.values() for j in js}
            phs = [In(p, borrow=k in viewed) for k, p in enumerate(phs)]
            outs = [Out(o, borrow=k in self.view_map) for k, o in enumerate(outs)]
            fn = function(phs, outs, on_unused_input="ignore",
                          name="ifelse_%s:%s" % ("then" if which else "else", self.name or ""))
            fn.trust_input = True
            self._fns[which] = fn
        return fn

    def perform(self, node, inputs, output_storage):
        if self.branches is None:  # test values: Op.__call__ runs the unbound op
            return node.op.perform(node, inputs, output_storage)
        which = bool(inputs[0])
        outs = self._branch_fn(which)(*inputs[1:])
        for cell, v, o in zip(output_storage, outs, node.outputs):
            if isinstance(o.type, TensorType) and not (isinstance(v, np.ndarray)
                                                       and v.dtype == o.type.numpy_dtype):
                v = np.asarray(v, dtype=o.type.dtype)
            cell[0] = v

    # -- differentiation -----------------------------------------------------------------
    def _outer_branches(self, inputs):
        phs, t_outs, f_outs = self.branches
        rep = dict(zip(phs, inputs[1:]))
        if not rep:
            return list(t_outs), list(f_outs)
        both = clone_replace(list(t_outs) + list(f_outs), rep, strict=False)
        return both[:self.n_outs], both[self.n_outs:]



# -- gradients: each branch's gradient, selected by the same condition ----------
@register_connection_pattern(IfElse)
def _if_else_connection_pattern(op, node):
    rows = [[True] * len(node.outputs)]
    for v in node.inputs[1:]:
        rows.append([isinstance(v.type, TensorType)] * len(node.outputs))
    return rows


@register_grad(IfElse)
def _if_else_grad(op, inputs, outputs, output_grads):

    cond, vals = inputs[0], list(inputs[1:])
    t_outer, f_outer = op._outer_branches(inputs)
    diff = [k for k, v in enumerate(vals) if isinstance(v.type, TensorType)
            and v.type.dtype in ("float16", "float32", "float64", "complex64",
                                 "complex128")]
    wrt = [vals[k] for k in diff]

    def branch_grads(outs):
        known = {}
        for o, g in zip(outs, output_grads):
            if isinstance(g.type, (gradient.DisconnectedType, gradient.NullType)):
                continue
            if getattr(o.type, "dtype", "int")[:3] in ("int", "uin", "boo"):
                continue
            known[o] = g
        if not known or not wrt:
            return [zeros_like(w) for w in wrt]
        gs = gradient.grad(None, wrt, known_grads=known, disconnected_inputs="ignore",
                           return_disconnected="zero")
        return [g if g.type == w.type else cast(g, w.type.dtype) for g, w in zip(gs, wrt)]

    then_g, else_g = branch_grads(t_outer), branch_grads(f_outer)
    name = (op.name + "_grad") if op.name else None
    picked = ifelse(cond, then_g, else_g, name=name) if wrt else []
    result = [zeros_like(cond, dtype=config.floatX)]
    for k, v in enumerate(vals):
        if k in diff:
            result.append(picked[diff.index(k)])
        elif isinstance(v.type, TensorType):
            result.append(zeros_like(v, dtype=config.floatX))
        else:
            result.append(gradient.disconnected_type())
    return result


@register_rop(IfElse)
def _if_else_rop(op, inputs, eval_points):

    t_outer, f_outer = op._outer_branches(inputs)
    pairs = [(v, e) for v, e in zip(inputs[1:], eval_points[1:])
             if e is not None and isinstance(v.type, TensorType)]
    if not pairs:
        return [None] * op.n_outs
    wrt, evs = [p[0] for p in pairs], [p[1] for p in pairs]
    t_r = gradient.Rop(list(t_outer), wrt, evs)
    f_r = gradient.Rop(list(f_outer), wrt, evs)
    return ifelse(inputs[0], list(t_r), list(f_r), name=op.name)


def ifelse(condition, then_branch, else_branch, name=None):
    """Return ``then_branch`` if ``condition`` is true, else ``else_branch``; lazily.

    Parameters
    ----------
    condition : scalar
        0 (or False) selects ``else_branch``, anything else ``then_branch``.
    then_branch, else_branch : variable or list/tuple of variables
        The same number of values on both sides, with identical types.
    name : str, optional

    Returns
    -------
    A variable, or a list/tuple (as ``then_branch`` was given). Only the
    selected branch is computed.

    Examples
    --------
    >>> import theano, theano.tensor as T
    >>> from theano.ifelse import ifelse
    >>> a, b = T.dscalars('a', 'b')
    >>> f = theano.function([a, b], ifelse(T.lt(a, b), a, b))
    >>> float(f(1., 2.))
    1.0
    """

    rtype = list if isinstance(then_branch, list) else (
        tuple if isinstance(then_branch, tuple) else None)
    ts = list(then_branch) if isinstance(then_branch, (list, tuple)) else [then_branch]
    fs = list(else_branch) if isinstance(else_branch, (list, tuple)) else [else_branch]
    if len(ts) != len(fs):
        raise ValueError("ifelse: the `then` branch has %d values but the `else` branch has %d; "
                         "both need the same number" % (len(ts), len(fs)))
    new_ts, new_fs = [], []
    for t, f in zip(ts, fs):
        if not isinstance(t, Variable):
            t = as_tensor_variable(t)
        if not isinstance(f, Variable):
            f = as_tensor_variable(f)
        if t.type != f.type:
            # Literal values and more specific broadcast patterns adapt to the other side.
            if isinstance(t.type, TensorType) and isinstance(f.type, TensorType):
                if isinstance(f, Constant) and t.type.dtype != f.type.dtype:
                    f = as_tensor_variable(np.asarray(f.data, dtype=t.type.dtype))
                elif isinstance(t, Constant) and t.type.dtype != f.type.dtype:
                    t = as_tensor_variable(np.asarray(t.data, dtype=f.type.dtype))
                conv = t.type.convert_variable(f)
                if conv is not None:
                    f = conv
                else:
                    conv = f.type.convert_variable(t)
                    if conv is not None:
                        t = conv
        new_ts.append(t)
        new_fs.append(f)
    if not new_ts:
        return rtype() if rtype else None
    outs = IfElse(len(new_ts), name=name)(condition, *(new_ts + new_fs), return_list=True)
    if rtype is None:
        return outs[0]
    return rtype(outs)


class IfElseViews(GraphRewriter):
    """FAST_RUN: ifelse returns values of the selected branch without copying them.

    Theano 1.0's ``cond_make_inplace`` (the node prints ``if{inplace}``).  Each
    change is validated, so the destroy handler refuses it when an in-place
    op would then overwrite a value still read through the view.
    """

    name = "ifelse_views"

    def apply(self, fgraph):
        for node in list(fgraph.toposort()):
            op = node.op
            if (not isinstance(op, IfElse) or op.as_view or op.branches is None
                    or node not in fgraph.apply_nodes):
                continue
            new_op = IfElse(op.n_outs, True, op.gpu, op.name, branches=op.branches)
            new_node = new_op.make_node(*node.inputs)
            _replace_validate(fgraph, list(zip(node.outputs, new_node.outputs)), self.name)


if "ifelse_views" not in optdb:
    optdb.register("ifelse_views", IfElseViews(), "fast_run", "inplace", "ifelse",
                   position=75.2)


@register_jax(IfElse)
def _ifelse_jax(op, node):
    """``lax.cond`` over the two inner graphs (JAX is imported only when linking for it)."""
    import jax.numpy as jnp
    from jax import lax

    from theano.link.jax.linker import graph_function

    phs, t_outs, f_outs = op.branches
    dtypes = [o.type.dtype for o in node.outputs]
    then_fn, else_fn = graph_function(phs, t_outs), graph_function(phs, f_outs)

    def typed(fn):
        return lambda args: tuple(jnp.asarray(v, dtype=d) for v, d in zip(fn(*args), dtypes))

    def run(c, *args):
        outs = lax.cond(jnp.asarray(c) != 0, typed(then_fn), typed(else_fn), tuple(args))
        return outs if len(outs) > 1 else outs[0]
    return run
