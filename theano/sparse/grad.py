"""Gradient, R-op and connection rules of the sparse ops, registered from outside them.

Every rule returns, for a sparse input, a sparse gradient of that input's
format and dtype (and a dense one of the input's dtype for a dense input):
:func:`_sparse_rule` enforces it, since the gradient machinery sums and
casts gradients as variables of their input's type.  Integer inputs get
zero gradients.

"Structured" rules give gradients only at the stored entries of a sparse
input; "regular" ones are the full (dense-valued) gradient held in a
sparse matrix.
"""
from theano.graph.null_type import (DisconnectedType, NullType, disconnected_type,
                                    grad_not_implemented)
from theano.graph.rules import (grad_rules, register_connection_pattern, register_grad,
                                register_rop)
from theano.tensor import basic as tb
from theano.tensor import math as tm
from theano.tensor.advsubtensor import AdvancedSubtensor1
from theano.tensor import subtensor_grad  # noqa: F401  (its AdvancedSubtensor1 rule is wrapped)
from theano.tensor.shape import patternbroadcast
from theano.sparse import core, math as smath, products as sdot, subtensor as ssub
from theano.sparse.core import (_float_zeros, _grad_like, csm_properties, dense_from_sparse,
                                sp_ones_like, sparse_shape, transpose)
from theano.sparse.type import SparseType, continuous_dtypes

__all__ = []


def _is_sparse(v):
    return isinstance(v.type, SparseType)


def _t(v):
    """The transpose of a sparse or dense matrix."""
    return transpose(v) if _is_sparse(v) else tb.transpose(v)


def _finish(inputs, grads):
    out = []
    for x, g in zip(inputs, grads):
        if isinstance(g.type, (NullType, DisconnectedType)):
            out.append(g)
        elif x.type.dtype not in continuous_dtypes:
            out.append(_float_zeros(x))
        else:
            out.append(_grad_like(g, x))
    return out


def _sparse_rule(*classes):
    """Register a gradient rule whose results are put in their inputs' types."""
    def deco(rule):
        def wrapped(op, inputs, outputs, output_grads):
            return _finish(inputs, rule(op, inputs, outputs, output_grads))
        wrapped.__name__ = rule.__name__
        wrapped.__doc__ = rule.__doc__
        register_grad(*classes)(wrapped)
        return rule
    return deco


def _pattern(*rows):
    """A connection rule: one list per input, True where it reaches the (single) output."""
    def rule(op, node):
        return [[c] for c in rows]
    return rule


# ---------------------------------------------------------------------------
# core
# ---------------------------------------------------------------------------
@_sparse_rule(core.CSMProperties)
def _csm_properties_grad(op, inputs, outputs, gouts):
    (x,) = inputs
    g_data = gouts[0]
    if isinstance(g_data.type, DisconnectedType):
        # Only the integer outputs are used: their gradient is zero.
        return [_float_zeros(x)]
    _, indices, indptr, shape = csm_properties(x)
    return [core.CSM(x.type.format)(g_data, indices, indptr, shape)]


register_connection_pattern(core.CSM)(_pattern(True, False, False, False))


@register_grad(core.CSM)
def _csm_grad(op, inputs, outputs, gouts):
    data, indices, indptr, shape = inputs
    g = _grad_like(gouts[0], outputs[0])
    g_data, g_indices, g_indptr, g_shape = csm_properties(g)
    gd = core.csm_grad()(data, indices, indptr, shape, g_data, g_indices, g_indptr, g_shape)
    if gd.type.dtype != data.type.dtype:
        gd = tb.cast(gd, data.type.dtype)
    return [gd, disconnected_type(), disconnected_type(), disconnected_type()]


@_sparse_rule(core.Cast)
def _cast_grad(op, inputs, outputs, gouts):
    return [gouts[0]]


@_sparse_rule(core.DenseFromSparse)
def _dense_from_sparse_grad(op, inputs, outputs, gouts):
    (x,), (gz,) = inputs, gouts
    if not op.structured:
        return [core.SparseFromDense(x.type.format)(gz)]
    if x.type.format == "bsr":
        return [grad_not_implemented(op, 0, x, "The structured gradient needs csr or csc; "
                                               "use DenseFromSparse(structured=False).")]
    return [smath.mul(sp_ones_like(x), gz)]


@register_grad(core.SparseFromDense)
def _sparse_from_dense_grad(op, inputs, outputs, gouts):
    (x,), (gz,) = inputs, gouts
    gx = dense_from_sparse(gz) if _is_sparse(gz) else gz
    if gx.type.dtype != x.type.dtype and x.type.dtype in continuous_dtypes:
        gx = tb.cast(gx, x.type.dtype)
    return [patternbroadcast(gx, x.type.broadcastable)]


@_sparse_rule(core.Transpose)
def _transpose_grad(op, inputs, outputs, gouts):
    return [transpose(gouts[0])]


@_sparse_rule(core.Neg)
def _neg_grad(op, inputs, outputs, gouts):
    return [core.neg(gouts[0])]


@_sparse_rule(core.Remove0, core.EnsureSortedIndices)
def _identity_grad(op, inputs, outputs, gouts):
    return [gouts[0]]


register_connection_pattern(core.SparseShape)(_pattern(False))


@register_grad(core.SparseShape)
def _sparse_shape_grad(op, inputs, outputs, gouts):
    return [disconnected_type()]


# ---------------------------------------------------------------------------
# math
# ---------------------------------------------------------------------------
@_sparse_rule(smath.AddSS, smath.AddSSData)
def _add_ss_grad(op, inputs, outputs, gouts):
    return [gouts[0], gouts[0]]


@_sparse_rule(smath.AddSD)
def _add_sd_grad(op, inputs, outputs, gouts):
    (x, _), (gz,) = inputs, gouts
    return [smath.mul(sp_ones_like(x), gz), gz]


@_sparse_rule(smath.StructuredAddSV)
def _structured_add_sv_grad(op, inputs, outputs, gouts):
    (gz,) = gouts
    return [gz, smath.sp_sum(gz, axis=0, sparse_grad=True)]


@_sparse_rule(smath.MulSS)
def _mul_ss_grad(op, inputs, outputs, gouts):
    (x, y), (gz,) = inputs, gouts
    return [smath.mul(y, gz), smath.mul(x, gz)]


@_sparse_rule(smath.MulSD)
def _mul_sd_grad(op, inputs, outputs, gouts):
    (x, y), (gz,) = inputs, gouts
    xgz = smath.mul(x, gz)
    gy = smath.sp_sum(xgz) if y.type.ndim == 0 else dense_from_sparse(xgz)
    return [smath.mul(gz, y), gy]


@_sparse_rule(smath.MulSV)
def _mul_sv_grad(op, inputs, outputs, gouts):
    (x, y), (gz,) = inputs, gouts
    return [smath.mul_s_v(gz, y), smath.sp_sum(smath.mul(x, gz), axis=0, sparse_grad=True)]


@_sparse_rule(smath._ComparisonSS, smath._ComparisonSD)
def _comparison_grad(op, inputs, outputs, gouts):
    return [_float_zeros(x) for x in inputs]


@_sparse_rule(smath.ColScaleCSC)
def _col_scale_grad(op, inputs, outputs, gouts):
    (x, s), (gz,) = inputs, gouts
    return [smath.col_scale(gz, s), smath.sp_sum(smath.mul(x, gz), axis=0)]


@_sparse_rule(smath.RowScaleCSC)
def _row_scale_grad(op, inputs, outputs, gouts):
    (x, s), (gz,) = inputs, gouts
    return [smath.row_scale(gz, s), smath.sp_sum(smath.mul(x, gz), axis=1)]


@_sparse_rule(smath.SpSum)
def _sp_sum_grad(op, inputs, outputs, gouts):
    (x,), (gz,) = inputs, gouts
    if op.sparse_grad:
        ones = sp_ones_like(x)
        if op.axis is None:
            return [smath.mul(ones, gz)]
        scale = smath.col_scale if op.axis == 0 else smath.row_scale
        return [scale(ones, gz)]
    dense = tb.zeros_like(dense_from_sparse(x), dtype=gz.type.dtype)
    if op.axis == 0:
        gz = tb.dimshuffle(gz, ["x", 0])
    elif op.axis == 1:
        gz = tb.dimshuffle(gz, [0, "x"])
    return [core.SparseFromDense(x.type.format)(dense + gz)]


@_sparse_rule(smath.Diag)
def _diag_grad(op, inputs, outputs, gouts):
    (x,), (gz,) = inputs, gouts
    g = smath.square_diagonal(gz)
    # A diagonal matrix is its own transpose: that turns csc into csr for free.
    return [transpose(g) if x.type.format == "csr" else g]


@_sparse_rule(smath.SquareDiagonal)
def _square_diagonal_grad(op, inputs, outputs, gouts):
    return [smath.diag(gouts[0])]


@_sparse_rule(smath.HStack, smath.VStack)
def _stack_grad(op, inputs, outputs, gouts):
    (gz,) = gouts
    axis = op._axis
    grads, start = [], 0
    for x in inputs:
        stop = start + sparse_shape(x)[axis]
        block = slice(start, stop)
        grads.append(ssub.get_item_2d(gz, (slice(None), block) if axis else (block,)))
        start = stop
    return grads


# Structured elementwise functions are CSM(f(data)) graphs: no rule needed.


# ---------------------------------------------------------------------------
# dot
# ---------------------------------------------------------------------------
@_sparse_rule(sdot.StructuredDot)
def _structured_dot_grad(op, inputs, outputs, gouts):
    (a, b), (gz,) = inputs, gouts
    if a.type.format == "bsr":
        ga = grad_not_implemented(op, 0, a, "The structured gradient needs csr or csc.")
    else:
        ga = sdot.structured_dot_grad(a, b, gz)
    return [ga, sdot.structured_dot(transpose(a), gz)]


@_sparse_rule(sdot.TrueDot)
def _true_dot_grad(op, inputs, outputs, gouts):
    (x, y), (gz,) = inputs, gouts
    gx = sdot.true_dot(gz, _t(y))
    gy = sdot.true_dot(transpose(x), gz)
    if not _is_sparse(y) and op.grad_preserves_dense:
        gy = dense_from_sparse(gy)
    return [gx, gy]


@_sparse_rule(sdot.SamplingDot)
def _sampling_dot_grad(op, inputs, outputs, gouts):
    (x, y, p), (gz,) = inputs, gouts
    pgz = smath.mul(p, gz)
    return [sdot.dot(pgz, y), sdot.dot(transpose(pgz), x), sdot.sampling_dot(x, y, gz)]


@_sparse_rule(sdot.Dot)
def _dot_grad(op, inputs, outputs, gouts):
    (x, y), (gz,) = inputs, gouts

    def prod(a, b):
        if _is_sparse(a) or _is_sparse(b):
            return sdot.dot(a, b)
        return tm.dot(a, b)

    if x.type.ndim == 1:      # vector @ sparse matrix
        return [sdot.dot(y, gz), tm.outer(x, gz)]
    if y.type.ndim == 1:      # sparse matrix @ vector
        return [tm.outer(gz, y), sdot.dot(transpose(x), gz)]
    return [prod(gz, _t(y)), prod(_t(x), gz)]


# ---------------------------------------------------------------------------
# subtensor
# ---------------------------------------------------------------------------
register_connection_pattern(ssub.GetItemList)(_pattern(True, False))
register_connection_pattern(ssub.GetItem2Lists)(_pattern(True, False, False))
register_connection_pattern(ssub.GetItemScalar)(_pattern(True, False, False))
register_connection_pattern(ssub.GetItem2d)(_pattern(True, *([False] * 6)))
register_connection_pattern(ssub.ConstructSparseFromList)(_pattern(False, True, False))


@_sparse_rule(ssub.GetItemList)
def _get_item_list_grad(op, inputs, outputs, gouts):
    (x, idx), (gz,) = inputs, gouts
    return [ssub.get_item_list_grad(x, idx, gz), disconnected_type()]


@_sparse_rule(ssub.GetItem2Lists)
def _get_item_2lists_grad(op, inputs, outputs, gouts):
    (x, i1, i2), (gz,) = inputs, gouts
    return [ssub.get_item_2lists_grad(x, i1, i2, gz), disconnected_type(), disconnected_type()]


@_sparse_rule(ssub.GetItemScalar)
def _get_item_scalar_grad(op, inputs, outputs, gouts):
    (x, i, j), (gz,) = inputs, gouts
    as_vector = [tb.shape_padleft(v) for v in (i, j, gz)]
    return [ssub.get_item_2lists_grad(x, *as_vector), disconnected_type(), disconnected_type()]


@_sparse_rule(ssub.GetItem2d)
def _get_item_2d_grad(op, inputs, outputs, gouts):
    x, entries = inputs[0], inputs[1:]
    return [ssub.get_item_2d_grad(x, *entries, gouts[0])] + [disconnected_type()
                                                             for _ in entries]


@_sparse_rule(ssub.ConstructSparseFromList)
def _construct_sparse_from_list_grad(op, inputs, outputs, gouts):
    shape, values, ilist = inputs
    rows = dense_from_sparse(ssub.get_item_list(gouts[0], ilist))
    return [disconnected_type(), rows, disconnected_type()]


@register_rop(ssub.ConstructSparseFromList)
def _construct_sparse_from_list_rop(op, inputs, eval_points):
    if eval_points[1] is None:
        return [None]
    return op._node(inputs[0], eval_points[1], inputs[2]).outputs


# ---------------------------------------------------------------------------
# x[ilist] with sparse_grad=True (a tensor op whose gradient is sparse)
# ---------------------------------------------------------------------------
_dense_advanced_subtensor1_rule = grad_rules.lookup(AdvancedSubtensor1)


@register_grad(AdvancedSubtensor1)
def _advanced_subtensor1_grad(op, inputs, outputs, gouts):
    """With ``sparse_grad=True`` the gradient of ``x[ilist]`` for a matrix ``x`` is a
    sparse (csc) matrix holding only the selected rows (Theano 1.0's ``sparse_grad``)."""
    x, ilist = inputs
    if not op.sparse_grad:
        return _dense_advanced_subtensor1_rule(op, inputs, outputs, gouts)
    if x.type.ndim != 2:
        return [grad_not_implemented(op, 0, x, "sparse_grad=True needs a matrix"),
                disconnected_type()]
    gz = gouts[0]
    if gz.type.dtype != x.type.dtype:
        gz = tb.cast(gz, x.type.dtype)
    return [ssub.construct_sparse_from_list(x, gz, ilist), disconnected_type()]

