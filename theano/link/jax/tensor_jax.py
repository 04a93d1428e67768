"""JAX rules of the tensor library: shapes, products, allocation, joins, indexing,
sorting and ``extra_ops``.

Sizes must be known when XLA compiles: a rule that needs one (``Alloc``'s shape,
``Reshape``'s target, ``ARange``'s bounds...) reads it with :func:`static`, which
raises a clear error when it depends on input values.  Shape arithmetic built
from ``x.shape`` is concrete at trace time (the linker runs such nodes in NumPy).
Out-of-range integer indices are clamped by XLA instead of raising (docs/jax.md).
"""
import jax.numpy as jnp
import numpy as np
from jax import lax

from theano.link.jax.linker import static
from theano.link.jax.registry import register_jax
from theano.tensor import advsubtensor as tadv
from theano.tensor.alloc import (ARange, Alloc, AllocDiag, ExtractDiag, Eye, FillDiagonal, FillDiagonalOffset)
from theano.tensor import basic as tbasic
from theano.tensor import basic_subtensor as tsub
from theano.tensor import blas as tblas
from theano.tensor import extra_ops as textra
from theano.tensor import gradient_ops as tgrad
from theano.tensor.join import Join, Roll, Split
from theano.tensor import math as tmath
from theano.tensor.shape import (MakeVector, Rebroadcast, Reshape, Shape, Shape_i, SpecifyShape)
from theano.tensor.sort import (ArgSortOp, SearchsortedOp, SortOp, TakeAlongAxis, TopKOp)


def _identity(op, node):
    return lambda x, *rest: x


register_jax(tgrad.GradIdentity, Rebroadcast, textra.CpuContiguous)(_identity)


# -- shapes -------------------------------------------------------------------------
@register_jax(Shape)
def _shape(op, node):
    return lambda x: np.asarray(np.shape(x), dtype="int64")


@register_jax(Shape_i)
def _shape_i(op, node):
    i = op.i
    return lambda x: np.asarray(np.shape(x)[i], dtype="int64")


@register_jax(MakeVector)
def _make_vector(op, node):
    dtype = op.dtype
    return lambda *xs: jnp.stack([jnp.asarray(x, dtype=dtype) for x in xs]) if xs else \
        jnp.zeros((0,), dtype=dtype)


@register_jax(Reshape)
def _reshape(op, node):
    def fn(x, shp):
        shp = static(shp, "The target shape of Reshape", node)
        return jnp.reshape(x, tuple(int(s) for s in shp))
    return fn


@register_jax(SpecifyShape)
def _specify_shape(op, node):
    def fn(x, shp):
        want = tuple(int(s) for s in static(shp, "The shape given to specify_shape", node))
        if tuple(x.shape) != want:
            raise ValueError("SpecifyShape: the input has shape %s but the specified shape is "
                             "%s" % (tuple(x.shape), want))
        return x
    return fn


@register_jax(tbasic.TensorFromScalar, tbasic.ScalarFromTensor)
def _scalar_tensor(op, node):
    return lambda x: jnp.asarray(x)


# -- products -----------------------------------------------------------------------
@register_jax(tmath.Dot)
def _dot(op, node):
    return jnp.dot


@register_jax(tmath.TensorDot)
def _tensordot(op, node):
    axes = tuple(tuple(a) for a in op.axes)
    return lambda a, b: jnp.tensordot(a, b, axes)


@register_jax(tmath.BatchedDot)
def _batched_dot(op, node):
    sub = op._subscripts[(node.inputs[0].type.ndim, node.inputs[1].type.ndim)]
    return lambda x, y: jnp.einsum(sub, x, y)


@register_jax(tblas.Gemm)
def _gemm(op, node):
    return lambda z, a, x, y, b: b * z + a * jnp.dot(x, y)


@register_jax(tblas.Gemv)
def _gemv(op, node):
    return lambda y, alpha, A, x, beta: beta * y + alpha * jnp.dot(A, x)


@register_jax(tblas.Ger)
def _ger(op, node):
    return lambda A, alpha, x, y: A + alpha * jnp.outer(x, y)


@register_jax(tmath.Argmax)
def _argmax(op, node):
    return _arg_extremum(op, jnp.argmax)


@register_jax(tmath.Argmin)
def _argmin(op, node):
    return _arg_extremum(op, jnp.argmin)


def _arg_extremum(op, fn):
    axis = tuple(op.axis)

    def run(x):
        keep = [i for i in range(x.ndim) if i not in axis]
        y = jnp.transpose(x, keep + list(axis)).reshape(
            [x.shape[i] for i in keep] + [int(np.prod([x.shape[a] for a in axis]))])
        return fn(y, axis=-1)
    return run


# -- allocation ---------------------------------------------------------------------
@register_jax(Alloc)
def _alloc(op, node):
    dtype = node.outputs[0].type.dtype

    def fn(v, *shape):
        sh = tuple(int(static(s, "The shape of alloc", node)) for s in shape)
        return jnp.broadcast_to(jnp.asarray(v, dtype=dtype), sh)
    return fn


@register_jax(Eye)
def _eye(op, node):
    def fn(n, m, k):
        n, m, k = (int(static(v, "The size of eye", node)) for v in (n, m, k))
        return op._impl(n, m, k)
    return fn


@register_jax(ARange)
def _arange(op, node):
    dtype = op.dtype

    def fn(start, stop, step):
        start, stop, step = (static(v, "The bounds of arange", node).item()
                             for v in (start, stop, step))
        return jnp.arange(start, stop, step, dtype=dtype)
    return fn


@register_jax(ExtractDiag)
def _extract_diag(op, node):
    return lambda x: jnp.diagonal(x, op.offset, op.axis1, op.axis2)


@register_jax(AllocDiag)
def _alloc_diag(op, node):
    def fn(x):
        n = x.shape[-1] + abs(op.offset)
        res = jnp.zeros(x.shape[:-1] + (n, n), dtype=x.dtype)
        k = np.arange(x.shape[-1])
        rows, cols = (k, k + op.offset) if op.offset >= 0 else (k - op.offset, k)
        res = res.at[..., rows, cols].set(x)
        a1, a2 = op._axes(x.ndim + 1)
        return jnp.moveaxis(res, (-2, -1), (a1, a2))
    return fn


@register_jax(FillDiagonal)
def _fill_diagonal(op, node):
    def fn(a, val):
        n = min(a.shape)
        k = np.arange(n)
        return jnp.asarray(a).at[(k,) * a.ndim].set(val)
    return fn


@register_jax(FillDiagonalOffset)
def _fill_diagonal_offset(op, node):
    def fn(a, val, offset):
        off = int(static(offset, "The offset of fill_diagonal_offset", node))
        n = max(0, min(a.shape[0] - max(-off, 0), a.shape[1] - max(off, 0)))
        k = np.arange(n)
        rows, cols = (k, k + off) if off >= 0 else (k - off, k)
        return jnp.asarray(a).at[rows, cols].set(val)
    return fn


# -- join, split, roll ---------------------------------------------------------------
@register_jax(Join)
def _join(op, node):
    def fn(axis, *xs):
        return jnp.concatenate(xs, axis=int(static(axis, "The axis of join", node)))
    return fn


@register_jax(Split)
def _split(op, node):
    def fn(x, axis, splits):
        axis = int(static(axis, "The axis of split", node))
        sizes = [int(s) for s in static(splits, "The sizes of split", node)]
        if sum(sizes) != x.shape[axis]:
            raise ValueError("Split: the sizes %s do not add up to the length %d of axis %d"
                             % (sizes, x.shape[axis], axis))
        return tuple(jnp.split(x, np.cumsum(sizes)[:-1], axis=axis))
    return fn


@register_jax(Roll)
def _roll(op, node):
    return lambda x, shift: jnp.roll(x, shift, op.axis)


# -- indexing -----------------------------------------------------------------------
def _slice_bound(v, node):
    return None if v is None else int(static(v, "A slice bound (start/stop/step) of the index",
                                                 node))


def _static_slice(e, node):
    return slice(_slice_bound(e.start, node), _slice_bound(e.stop, node),
                 _slice_bound(e.step, node))


def _basic_index(node, idx_list, values):
    idx = []
    for e in tsub._fill_idx(idx_list, values):
        if isinstance(e, slice):
            idx.append(_static_slice(e, node))
        else:
            idx.append(e if not isinstance(e, (np.ndarray, np.generic)) else int(e))
    return tuple(idx)


def _adv_index(node, idx_list, values):
    idx = []
    for e in tsub._fill_idx(idx_list, values):
        if isinstance(e, slice):
            idx.append(_static_slice(e, node))
        elif e is None:
            idx.append(None)
        elif getattr(e, "dtype", None) == np.bool_ or getattr(e, "dtype", None) == jnp.bool_:
            # A boolean mask has a data-dependent result size: it must be known.
            idx.append(static(e, "A boolean index (its number of True entries sets the "
                                 "output size)", node).astype(bool))
        else:
            idx.append(e)
    return tuple(idx)


@register_jax(tsub.Subtensor)
def _subtensor(op, node):
    return lambda x, *vals: x[_basic_index(node, op.idx_list, vals)]


def _inc(x, idx, y, set_instead):
    ref = jnp.asarray(x).at[idx]
    return ref.set(y) if set_instead else ref.add(y)


@register_jax(tsub.IncSubtensor)
def _inc_subtensor(op, node):
    return lambda x, y, *vals: _inc(x, _basic_index(node, op.idx_list, vals), y,
                                    op.set_instead_of_inc)


@register_jax(tadv.AdvancedSubtensor1)
def _adv_subtensor1(op, node):
    return lambda x, i: x[i]


@register_jax(tadv.AdvancedIncSubtensor1)
def _adv_inc_subtensor1(op, node):
    return lambda x, y, i: _inc(x, i, y, op.set_instead_of_inc)


@register_jax(tadv.AdvancedSubtensor)
def _adv_subtensor(op, node):
    return lambda x, *vals: x[_adv_index(node, op.idx_list, vals)]


@register_jax(tadv.AdvancedIncSubtensor)
def _adv_inc_subtensor(op, node):
    return lambda x, y, *vals: _inc(x, _adv_index(node, op.idx_list, vals), y,
                                    op.set_instead_of_inc)


# -- sorting --------------------------------------------------------------------------
@register_jax(SortOp)
def _sort(op, node):
    return lambda x, axis: jnp.sort(x, axis=int(static(axis, "The axis of sort", node)))


@register_jax(ArgSortOp)
def _argsort(op, node):
    return lambda x, axis: jnp.argsort(x, axis=int(static(axis, "The axis of argsort", node)),
                                       stable=True)


@register_jax(TakeAlongAxis)
def _take_along(op, node):
    return lambda a, i, axis: jnp.take_along_axis(
        a, i, int(static(axis, "The axis of take_along_axis", node)) % a.ndim)


@register_jax(TopKOp)
def _topk(op, node):
    def fn(x, k):
        k = int(static(k, "k of topk", node))
        axis = op.axis % x.ndim
        xm = jnp.moveaxis(x, axis, -1)
        vals, idx = lax.top_k(xm if k > 0 else -xm, abs(k))
        if k < 0:
            vals = -vals
        if not op.sorted:
            order = jnp.argsort(idx, axis=-1)
            vals = jnp.take_along_axis(vals, order, -1)
            idx = jnp.take_along_axis(idx, order, -1)
        res = []
        if op.return_values:
            res.append(jnp.moveaxis(vals, -1, axis))
        if op.return_indices:
            res.append(jnp.moveaxis(idx, -1, axis).astype(op.idx_dtype))
        return tuple(res) if len(res) > 1 else res[0]
    return fn


@register_jax(SearchsortedOp)
def _searchsorted(op, node):
    def fn(a, v, sorter=None):
        if sorter is not None:
            a = a[sorter]
        return jnp.searchsorted(a, v, side=op.side)
    return fn


# -- extra_ops ------------------------------------------------------------------------
@register_jax(textra.CumOp)
def _cumop(op, node):
    dtype = node.outputs[0].type.dtype
    fn = jnp.cumsum if op.mode == "add" else jnp.cumprod
    return lambda x: fn(x, axis=op.axis, dtype=dtype)


@register_jax(textra.DiffOp)
def _diff(op, node):
    return lambda x: jnp.diff(x, n=op.n, axis=op.axis)


@register_jax(textra.RepeatOp)
def _repeat(op, node):
    def fn(x, repeats):
        reps = static(repeats, "The repeat counts of repeat (they set the output size)", node)
        return jnp.repeat(x, reps.astype("int64"), axis=op.axis)
    return fn


@register_jax(textra.Tile)
def _tile(op, node):
    def fn(x, *reps):
        reps = [int(static(r, "The repetitions of tile", node)) for r in reps]
        xp = jnp.reshape(x, (1,) * (op.ndim - x.ndim) + x.shape)
        return jnp.tile(xp, reps)
    return fn


@register_jax(textra.Bartlett)
def _bartlett(op, node):
    return lambda m: jnp.bartlett(int(static(m, "The size of bartlett", node)))


@register_jax(textra.UnravelIndex)
def _unravel(op, node):
    def fn(indices, dims):
        dims = tuple(int(d) for d in static(dims, "The dims of unravel_index", node))
        return tuple(jnp.unravel_index(indices, dims))
    return fn if op.order == "C" else None


@register_jax(textra.RavelMultiIndex)
def _ravel(op, node):
    def fn(*args):
        *multi, dims = args
        dims = tuple(int(d) for d in static(dims, "The dims of ravel_multi_index", node))
        return jnp.ravel_multi_index(tuple(multi), dims, mode=op.mode)
    return fn if op.order == "C" else None
