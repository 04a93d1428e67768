"""General tensor rewrites: constant folding, useless ops, fill/alloc, casts, rebroadcasts.

Also the helpers the other rewrite modules share.
"""
import numpy as np

import theano.scalar.basic as ts
from theano.graph.basic import Constant, Variable
from theano.graph.op import Op
from theano.rewriting.basic import node_rewriter
from theano.rewriting.db import (
    register_canonicalize,
    register_specialize,
    register_stabilize,
    register_useless,
)
from theano.tensor.alloc import Alloc, alloc
from theano.tensor.basic import (
    NotScalarConstantError,
    cast,
    constant,
    get_scalar_constant_value,
    second,
    shape_padleft,
)
from theano.tensor.elemwise import DimShuffle, Elemwise
from theano.tensor.gradient_ops import GradIdentity
from theano.tensor.shape import Rebroadcast, patternbroadcast, shape_i
from theano.tensor.type import TensorType

__all__ = ["get_const", "is_const", "fit_type", "broadcast_like", "scalar_op_of",
           "constant_folding", "shape_of_var"]

# Folding may not build constants larger than this many elements, unless the
# inputs are about as large (a folded alloc would bloat the graph and memory).
FOLD_MAX_ELEMENTS = 10000


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def get_const(v, elemwise=False):
    """The value of ``v`` if it is a scalar constant (or a constant filled array), else None."""
    if not isinstance(v, Variable):
        return None
    if not isinstance(v, Constant) and v.owner is None:
        return None
    try:
        return get_scalar_constant_value(v, elemwise=elemwise)
    except (NotScalarConstantError, TypeError, ValueError, AttributeError):
        return None


def is_const(v, value):
    """True if ``v`` is a scalar constant equal to ``value``."""
    c = get_const(v)
    if c is None:
        return False
    try:
        return bool(np.all(np.asarray(c) == value))
    except (TypeError, ValueError):
        return False


def scalar_op_of(var):
    """The scalar op of the Elemwise that produced ``var``, or None."""
    node = var.owner
    if node is not None and isinstance(node.op, Elemwise):
        return node.op.scalar_op
    return None


def is_elemwise(var, scalar_op_cls):
    sop = scalar_op_of(var)
    return sop is not None and type(sop) is scalar_op_cls


def fit_type(new, old):
    """``new`` cast and rebroadcast to ``old``'s type (None if the dimensions differ)."""
    if not isinstance(new, Variable):
        new = constant(np.asarray(new, dtype=old.type.dtype))
    if new.type == old.type:
        return new
    if not isinstance(new.type, TensorType) or not isinstance(old.type, TensorType):
        return None
    if new.type.dtype != old.type.dtype:
        new = cast(new, old.type.dtype)
    if new.type.ndim < old.type.ndim:
        new = shape_padleft(new, old.type.ndim - new.type.ndim)
        if any(b and not ob for b, ob in zip(new.type.broadcastable, old.type.broadcastable)):
            return None  # the padded dimensions must be broadcast: caller's job
    if new.type.ndim != old.type.ndim:
        return None
    if new.type.broadcastable != old.type.broadcastable:
        new = patternbroadcast(new, old.type.broadcastable)
    return new


def shape_of_var(fgraph, var):
    """The shape of ``var`` as a tuple of int64 scalars, via the shape feature if present."""
    sf = getattr(fgraph, "shape_feature", None)
    if sf is not None:
        return sf.get_shape(var)
    return tuple(shape_i(var, i) for i in range(var.type.ndim))


def _depends_on(vars_, target):
    """True if one of ``vars_`` is computed from ``target``."""
    stack = [v for v in vars_ if isinstance(v, Variable)]
    seen = set()
    while stack:
        v = stack.pop()
        if v is target:
            return True
        if v.owner is None or v in seen:
            continue
        seen.add(v)
        stack.extend(v.owner.inputs)
    return False


def broadcast_like(value, template, fgraph, dtype=None, models=()):
    """``value`` broadcast to the shape and type of ``template`` (cast to ``dtype``).

    With the shape feature this is an ``Alloc`` from the template's inferred
    shape, so the template itself need not be computed; otherwise ``value``
    is filled into the variables ``models`` (e.g. the inputs of the node
    being replaced).  Returns None if neither works.
    """
    dtype = dtype or template.type.dtype
    if not isinstance(value, Variable):
        value = constant(np.asarray(value, dtype=dtype))
    if value.type.dtype != dtype:
        value = cast(value, dtype)
    nd = template.type.ndim
    if value.type.ndim > nd:
        return None
    if value.type.ndim < nd:
        value = shape_padleft(value, nd - value.type.ndim)
    want = template.type.broadcastable
    if value.type.broadcastable == want:
        return value
    sf = getattr(fgraph, "shape_feature", None)
    if sf is not None:
        shp = sf.get_shape(template)
        if shp is not None and not _depends_on(shp, template):
            out = alloc(value, *shp)
            if out.type.broadcastable != want:
                out = patternbroadcast(out, want)
            return out
    res = value
    for m in models:
        if res.type.broadcastable == want:
            break
        if m.type.ndim != nd or m is template:
            continue
        if any(not mb and rb for mb, rb in zip(m.type.broadcastable, res.type.broadcastable)):
            res = second(m, res)
    if res.type.broadcastable == want:
        return res
    if all(not r or w for r, w in zip(res.type.broadcastable, want)):
        return patternbroadcast(res, want)
    return None


# ---------------------------------------------------------------------------
# Constant folding
# ---------------------------------------------------------------------------
def _size(v):
    try:
        return int(np.size(v))
    except Exception:
        return 0


@node_rewriter(None)
def constant_folding(fgraph, node):
    """Compute nodes whose inputs are all constants (ops may refuse: ``do_constant_folding``)."""
    if not node.inputs or not all(isinstance(i, Constant) for i in node.inputs):
        return False
    op = node.op
    if op.destroy_map or not op.do_constant_folding(node):
        return False
    cls = type(op)
    if cls.perform is Op.perform and cls.make_thunk_fn is Op.make_thunk_fn:
        return False  # a user op with only C code: it runs in the compiled function
    if not all(hasattr(o.type, "make_constant") for o in node.outputs):
        return False
    storage = [[None] for _ in node.outputs]
    op.make_thunk_fn(node)([i.data for i in node.inputs], storage)
    in_size = sum(_size(i.data) for i in node.inputs)
    out = []
    for o, cell in zip(node.outputs, storage):
        value = cell[0]
        n = _size(value)
        if n > FOLD_MAX_ELEMENTS and n > 4 * in_size:
            return False
        if isinstance(value, np.ndarray) and any(
                value is i.data or np.shares_memory(value, i.data) for i in node.inputs
                if isinstance(i.data, np.ndarray)):
            value = value.copy()
        out.append(o.type.make_constant(value))
    return out


register_canonicalize(constant_folding, "fast_compile", "constant_folding")
register_stabilize(constant_folding, "constant_folding", name="constant_folding_stabilize")
register_specialize(constant_folding, "constant_folding", name="constant_folding_specialize")


# ---------------------------------------------------------------------------
# Useless elementwise ops, fill
# ---------------------------------------------------------------------------
@node_rewriter([GradIdentity])
def remove_grad_identity(fgraph, node):
    """``zero_grad(x)``, ``grad_clip(x, ...)``... are ``x`` once gradients are built."""
    return [node.inputs[0]]


register_canonicalize(remove_grad_identity)


@node_rewriter([Elemwise], scalar=(ts.Add, ts.Mul, ts.Second, ts.Cast))
def local_useless_elemwise(fgraph, node):
    """``add(x)``/``mul(x)`` -> x; ``fill(m, v)`` -> v when v already has the output's type."""
    sop = node.op.scalar_op
    out = node.outputs[0]
    if len(node.inputs) == 1 and isinstance(sop, (ts.Add, ts.Mul)):
        if node.inputs[0].type == out.type:
            return [node.inputs[0]]
    if isinstance(sop, ts.Second) and node.inputs[1].type == out.type:
        return [node.inputs[1]]
    if isinstance(sop, ts.Cast) and node.inputs[0].type == out.type:
        return [node.inputs[0]]
    return False


register_useless(local_useless_elemwise)


@node_rewriter([Elemwise])
def local_fill_sink(fgraph, node):
    """``f(fill(a, b), c)`` -> ``fill(a, f(b, c))``: fills move towards the outputs.

    The broadcasting of ``b`` by ``a`` is then only kept where it is needed
    (a final fill whose value already has the right type is removed).
    """
    sop = node.op.scalar_op
    if isinstance(sop, ts.Second):
        return False
    models, new_inputs, found = [], [], False
    for i in node.inputs:
        if is_elemwise(i, ts.Second) and len(fgraph.clients.get(i, ())) == 1:
            m, v = i.owner.inputs
            models.append(m)
            new_inputs.append(v)
            found = True
        else:
            new_inputs.append(i)
    if not found:
        return False
    res = node.op.make_node(*new_inputs).outputs
    if len(res) != 1:
        return False
    (r,) = res
    for m in models:
        if r.type.broadcastable != node.outputs[0].type.broadcastable:
            r = second(m, r)
    r = fit_type(r, node.outputs[0])
    return [r] if r is not None else False


register_canonicalize(local_fill_sink)


@node_rewriter([Elemwise], scalar=(ts.Second,))
def local_fill_to_alloc(fgraph, node):
    """``fill(model, v)`` -> ``alloc(v, *shape(model))``: the model need not be computed."""
    if not isinstance(node.op.scalar_op, ts.Second):
        return False
    model, v = node.inputs
    out = node.outputs[0]
    if v.type.ndim > out.type.ndim:
        return False
    new = broadcast_like(v, out, fgraph)
    if new is None:
        return False
    return [fit_type(new, out)]


register_specialize(local_fill_to_alloc)
register_stabilize(local_fill_to_alloc)


def _same_shape(fgraph, a, b_shape):
    """True if ``a`` is known to have the shape ``b_shape`` (tuple of scalars)."""
    sf = getattr(fgraph, "shape_feature", None)
    if sf is None:
        return False
    sa = sf.get_shape(a)
    if sa is None or len(sa) != len(b_shape):
        return False
    return all(sf.same_dim(x, y) for x, y in zip(sa, b_shape))


@node_rewriter([Alloc])
def local_useless_alloc(fgraph, node):
    """``alloc(v, *shape)`` -> v when v already has that shape and type;
    ``alloc(alloc(v, s1), s2)`` -> ``alloc(v, s2)``."""
    v = node.inputs[0]
    out = node.outputs[0]
    if v.type == out.type and _same_shape(fgraph, v, node.inputs[1:]):
        return [v]
    if v.owner is not None and isinstance(v.owner.op, Alloc):
        inner = v.owner.inputs[0]
        if inner.type.ndim <= out.type.ndim:
            new = node.op(inner, *node.inputs[1:])
            return [fit_type(new, out)]
    return False

register_canonicalize(local_useless_alloc)
register_specialize(local_useless_alloc)

@node_rewriter([Elemwise])
def local_elemwise_alloc(fgraph, node):
    """``f(alloc(v, *shape), y)`` -> ``f(v, y)`` when ``y`` already has the output's shape.

    Elementwise ops broadcast by themselves; the alloc only costs memory.
    """
    if len(node.inputs) < 2 or node.op.inplace_pattern:
        return False
    out_b = node.outputs[0].type.broadcastable
    allocs = [k for k, i in enumerate(node.inputs)
              if i.owner is not None and (isinstance(i.owner.op, Alloc) or
                                          is_elemwise(i, ts.Second))]
    if not allocs:
        return False
    full = [k for k, i in enumerate(node.inputs)
            if k not in allocs and i.type.broadcastable == out_b]
    if not full:
        return False
    new_inputs = list(node.inputs)
    for k in allocs:
        i = node.inputs[k]
        v = i.owner.inputs[0] if isinstance(i.owner.op, Alloc) else i.owner.inputs[1]
        nd = i.type.ndim
        if v.type.ndim > nd:
            return False
        if v.type.ndim < nd:
            v = shape_padleft(v, nd - v.type.ndim)
        # v broadcasts in the elementwise op only along its broadcastable dims.
        if any(not vb and ib for vb, ib in zip(v.type.broadcastable,
                                               i.type.broadcastable)):
            return False
        new_inputs[k] = v
    new = node.op.make_node(*new_inputs).outputs
    res = [fit_type(n, o) for n, o in zip(new, node.outputs)]
    return res if all(r is not None for r in res) else False

register_canonicalize(local_elemwise_alloc)
register_specialize(local_elemwise_alloc)


# ---------------------------------------------------------------------------
# Casts
# ---------------------------------------------------------------------------
def _lossless(src, dst):
    """True if every value of dtype ``src`` survives a round trip through ``dst``."""
    if src == dst:
        return True
    s, d = np.dtype(src), np.dtype(dst)
    if not np.can_cast(s, d, "safe"):
        return False
    # NumPy calls int64 -> float64 safe, but large integers lose precision.
    if s.kind in "iub" and d.kind in "fc":
        return s.itemsize * 2 <= d.itemsize or (s.kind == "b")
    return True


@node_rewriter([Elemwise], scalar=(ts.Cast,))
def local_cast_cast(fgraph, node):
    """``cast(cast(x, d1), d2)`` -> ``cast(x, d2)`` when the first cast loses nothing."""
    if not isinstance(node.op.scalar_op, ts.Cast):
        return False
    inner = node.inputs[0]
    if not is_elemwise(inner, ts.Cast):
        return False
    x = inner.owner.inputs[0]
    d1 = inner.type.dtype
    d2 = node.outputs[0].type.dtype
    if not _lossless(x.type.dtype, d1):
        return False
    if x.type.dtype == d2:
        return [fit_type(x, node.outputs[0])]
    return [fit_type(cast(x, d2), node.outputs[0])]


register_canonicalize(local_cast_cast)
register_specialize(local_cast_cast)


# ---------------------------------------------------------------------------
# Rebroadcast
# ---------------------------------------------------------------------------
@node_rewriter([Rebroadcast])
def local_useless_rebroadcast(fgraph, node):
    """Remove a Rebroadcast that changes nothing; merge two in a row."""
    x = node.inputs[0]
    out = node.outputs[0]
    if x.type == out.type:
        return [x]
    if isinstance(x, Constant):
        data = np.asarray(x.data)
        if all(not b or data.shape[a] == 1 for a, b in enumerate(out.type.broadcastable)):
            return [out.type.make_constant(data)]
    if x.owner is not None and isinstance(x.owner.op, Rebroadcast):
        inner = x.owner.inputs[0]
        if inner.type == out.type:
            return [inner]
        return [patternbroadcast(inner, out.type.broadcastable)]
    return False


register_useless(local_useless_rebroadcast)
register_specialize(local_useless_rebroadcast)


@node_rewriter([Rebroadcast])
def local_rebroadcast_lift(fgraph, node):
    """``Rebroadcast(f(x))`` -> ``f(Rebroadcast(x))`` for unary elementwise ``f``."""
    x = node.inputs[0]
    if x.owner is None or not isinstance(x.owner.op, Elemwise) or len(x.owner.inputs) != 1:
        return False
    if len(fgraph.clients.get(x, ())) != 1 or x.owner.op.inplace_pattern:
        return False
    (inner,) = x.owner.inputs
    if inner.type.ndim != x.type.ndim:
        return False
    new = x.owner.op(node.op(inner))
    return [fit_type(new, node.outputs[0])]


register_canonicalize(local_rebroadcast_lift)


# ---------------------------------------------------------------------------
# DimShuffle
# ---------------------------------------------------------------------------
def _compose_order(outer, inner):
    return tuple("x" if o == "x" else inner[o] for o in outer)


@node_rewriter([DimShuffle])
def local_dimshuffle_lift(fgraph, node):
    """Collapse DimShuffle chains, drop identity DimShuffles, lift them through Elemwise.

    ``ds(ds(x))`` -> one ``ds(x)`` (or x); ``ds(f(x, y))`` -> ``f(ds(x), ds(y))``
    when ``f``'s result has no other client, so elementwise chains end up
    free of DimShuffles (which helps fusion and the other rewrites).
    """
    op = node.op
    x = node.inputs[0]
    out = node.outputs[0]
    if op.new_order == tuple(range(x.type.ndim)):
        return [x] if x.type == out.type else False
    inode = x.owner
    if inode is None:
        return False
    if isinstance(inode.op, DimShuffle):
        order = _compose_order(op.new_order, inode.op.new_order)
        base = inode.inputs[0]
        if order == tuple(range(base.type.ndim)):
            return [fit_type(base, out)]
        return [DimShuffle(base.type.broadcastable, order)(base)]
    if (isinstance(inode.op, Elemwise) and not inode.op.inplace_pattern
            and len(inode.outputs) == 1 and len(fgraph.clients.get(x, ())) == 1):
        new_inputs = [DimShuffle(i.type.broadcastable, op.new_order)(i) for i in inode.inputs]
        new = inode.op(*new_inputs)
        return [fit_type(new, out)]
    return False


register_canonicalize(local_dimshuffle_lift, "fast_compile")
register_specialize(local_dimshuffle_lift)


@node_rewriter([Elemwise])
def local_upcast_elemwise_constant_inputs(fgraph, node):
    """Constant inputs of an upcasting elementwise op get the op's output dtype.

    ``5 * x`` (an int8 constant times a float64 x) becomes ``5.0 * x``, as in
    Theano 1.0: ``1 - x`` and ``1.0 - x`` then merge, and graphs print the
    way Theano printed them.  Only lossless conversions are made.
    """
    op = node.op
    sop = op.scalar_op
    if (op.inplace_pattern or len(node.outputs) != 1
            or sop.output_types_preference not in (ts.upcast_out, ts.upgrade_to_float)):
        return False
    dtype = node.outputs[0].type.dtype
    new_inputs, changed = [], False
    for i in node.inputs:
        if isinstance(i, Constant) and i.type.dtype != dtype:
            data = np.asarray(i.data)
            with np.errstate(all="ignore"):
                conv = data.astype(dtype)
            if np.array_equal(conv.astype(data.dtype), data):
                i, changed = constant(conv), True
        new_inputs.append(i)
    if not changed:
        return False
    return [fit_type(op(*new_inputs), node.outputs[0])]


register_canonicalize(local_upcast_elemwise_constant_inputs, "fast_compile")
