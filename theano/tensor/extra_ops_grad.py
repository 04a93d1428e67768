"""Gradient and R-op rules of the sorting and other NumPy-like ops (``sort``,
``topk``, ``cumsum``, ``repeat``, ``tile``, ``bincount``...)."""
import numpy as np

import theano.scalar.basic as ts
from theano.configparser import config
from theano.graph.null_type import (DisconnectedType, disconnected_type, grad_not_implemented,
                                    grad_undefined)
from theano.graph.rules import register_connection_pattern, register_grad, register_rop
from theano.tensor.alloc import alloc
from theano.tensor.basic import cast
from theano.tensor.extra_ops import (Bartlett, BinCount, CpuContiguous, CumOp, CumprodGrad, DiffOp,
                                     FlatNonzero, Nonzero, RepeatGrad, RepeatOp, Tile, TileGrad,
                                     cumsum)
from theano.tensor.grad_utils import as_input_dtype
from theano.tensor.gradient_ops import float_zeros_like
from theano.tensor.join import concatenate
from theano.tensor.shape import shape_i
from theano.tensor.sort import (ArgSortOp, ScatterAlongAxis, SearchsortedOp, SortOp,
                                TakeAlongAxis, TopKOp)

__all__ = []


def _reverse(x, axis):
    key = [slice(None)] * x.type.ndim
    key[axis] = slice(None, None, -1)
    return x[tuple(key)]


# sort.py
@register_connection_pattern(TakeAlongAxis)
def _take_along_axis_connection_pattern(op, node):
    return [[True], [False], [False]]


@register_grad(TakeAlongAxis)
def _take_along_axis_grad(op, inputs, outputs, output_grads):
    a, indices, axis = inputs
    ga = ScatterAlongAxis()(a, output_grads[0], indices, axis)
    if ga.type.dtype != a.type.dtype and a.type.dtype in ts.continuous_dtypes:
        ga = cast(ga, a.type.dtype)
    return [ga, disconnected_type(), disconnected_type()]


@register_connection_pattern(ScatterAlongAxis)
def _scatter_along_axis_connection_pattern(op, node):
    return [[False], [True], [False], [False]]


@register_grad(ScatterAlongAxis)
def _scatter_along_axis_grad(op, inputs, outputs, output_grads):
    model, values, indices, axis = inputs
    gv = TakeAlongAxis()(output_grads[0], indices, axis)
    if gv.type.dtype != values.type.dtype and values.type.dtype in ts.continuous_dtypes:
        gv = cast(gv, values.type.dtype)
    return [disconnected_type(), gv, disconnected_type(), disconnected_type()]


@register_grad(SortOp)
def _sort_op_grad(op, inputs, outputs, output_grads):
    x, axis = inputs
    # sorted[j] = x[idx[j]] along the axis, so the gradient scatters back through idx.
    idx = ArgSortOp(op.kind)(x, axis)
    gx = ScatterAlongAxis()(x, output_grads[0], idx, axis)
    if gx.type.dtype != x.type.dtype and x.type.dtype in ts.continuous_dtypes:
        gx = cast(gx, x.type.dtype)
    return [gx, grad_undefined(op, 1, axis, "the sort axis is an integer")]


@register_rop(SortOp)
def _sort_op_rop(op, inputs, eval_points):
    if eval_points[0] is None:
        return [None]
    x, axis = inputs
    idx = ArgSortOp(op.kind)(x, axis)
    return [TakeAlongAxis()(eval_points[0], idx, axis)]


@register_grad(ArgSortOp)
def _arg_sort_op_grad(op, inputs, outputs, output_grads):
    x, axis = inputs
    dtype = x.type.dtype if x.type.dtype in ts.continuous_dtypes else config.floatX
    return [x.zeros_like(dtype=dtype),
            grad_undefined(op, 1, axis, "the argsort axis is an integer")]


@register_grad(TopKOp)
def _topk_op_grad(op, inputs, outputs, output_grads):
    x, k = inputs
    k_grad = grad_undefined(op, 1, k, "topk: kth is an integer")
    gz = output_grads[0] if op.return_values else None
    if gz is None or isinstance(gz.type, DisconnectedType):
        dtype = x.type.dtype if x.type.dtype in ts.continuous_dtypes else config.floatX
        return [x.zeros_like(dtype=dtype), k_grad]
    if op.return_indices:
        idx = outputs[-1]
    else:
        idx = TopKOp(op.axis, op.sorted, op.idx_dtype, False, True)(x, k)
    gx = ScatterAlongAxis()(x, gz, idx, op.axis % x.type.ndim)
    if gx.type.dtype != x.type.dtype and x.type.dtype in ts.continuous_dtypes:
        gx = cast(gx, x.type.dtype)
    return [gx, k_grad]


@register_grad(SearchsortedOp)
def _searchsorted_op_grad(op, inputs, outputs, output_grads):
    res = [float_zeros_like(inputs[0]), float_zeros_like(inputs[1])]
    if len(inputs) > 2:
        res.append(disconnected_type())
    return res


# extra_ops.py
@register_grad(CumOp)
def _cum_op_grad(op, inputs, outputs, output_grads):
    (x,) = inputs
    (gz,) = output_grads
    if x.type.dtype not in ts.continuous_dtypes:
        return [float_zeros_like(x)]
    if op.mode == "mul":
        return [as_input_dtype(CumprodGrad(op.axis)(x, gz), x)]
    # d/dx of a cumulative sum is the cumulative sum taken from the end.
    if op.axis is None:
        gx = _reverse(cumsum(_reverse(gz, 0)), 0)
        gx = gx.reshape(x.shape) if x.type.ndim != 1 else gx
    else:
        gx = _reverse(cumsum(_reverse(gz, op.axis), op.axis), op.axis)
    return [as_input_dtype(gx, x)]


@register_rop(CumOp)
def _cum_op_rop(op, inputs, eval_points):
    if eval_points[0] is None:
        return [None]
    if op.mode != "add":
        raise NotImplementedError("R_op of cumprod is not implemented")
    return [op(eval_points[0])]


@register_grad(CumprodGrad)
def _cumprod_grad_grad(op, inputs, outputs, output_grads):
    return [grad_not_implemented(op, 0, inputs[0], "second derivative of cumprod"),
            grad_not_implemented(op, 1, inputs[1], "second derivative of cumprod")]


@register_grad(DiffOp)
def _diff_op_grad(op, inputs, outputs, output_grads):
    (x,) = inputs
    (gz,) = output_grads
    if x.type.dtype not in ts.continuous_dtypes:
        return [float_zeros_like(x)]
    axis = op.axis % x.type.ndim
    for _ in range(op.n):
        # Adjoint of y[i] = x[i+1] - x[i]: pad a zero on each side and subtract.
        dims = [1 if d == axis else shape_i(gz, d) for d in range(gz.type.ndim)]
        zero = alloc(np.array(0, dtype=gz.type.dtype), *dims)
        gz = concatenate([zero, gz], axis) - concatenate([gz, zero], axis)
    if op.n:
        # When n exceeds the axis length the output is empty and the padding above
        # overshoots: trim back to x's length (a no-op otherwise).
        key = [slice(None)] * x.type.ndim
        key[axis] = slice(None, shape_i(x, axis))
        gz = gz[tuple(key)]
    return [as_input_dtype(gz, x)]


@register_connection_pattern(RepeatOp)
def _repeat_op_connection_pattern(op, node):
    return [[True], [False]]


@register_grad(RepeatOp)
def _repeat_op_grad(op, inputs, outputs, output_grads):
    x, repeats = inputs
    if x.type.dtype not in ts.continuous_dtypes:
        return [float_zeros_like(x), disconnected_type()]
    gx = RepeatGrad(op.axis)(x, output_grads[0], repeats)
    return [as_input_dtype(gx, x), disconnected_type()]


@register_connection_pattern(RepeatGrad)
def _repeat_grad_connection_pattern(op, node):
    return [[False], [True], [False]]


@register_grad(RepeatGrad)
def _repeat_grad_grad(op, inputs, outputs, output_grads):
    x, gz, repeats = inputs
    return [disconnected_type(), RepeatOp(op.axis)(output_grads[0], repeats),
            disconnected_type()]


@register_connection_pattern(Tile)
def _tile_connection_pattern(op, node):
    return [[True]] + [[False]] * (len(node.inputs) - 1)


@register_grad(Tile)
def _tile_grad(op, inputs, outputs, output_grads):
    x, reps = inputs[0], inputs[1:]
    if x.type.dtype not in ts.continuous_dtypes:
        gx = float_zeros_like(x)
    else:
        gx = as_input_dtype(TileGrad(op.ndim)(x, output_grads[0], *reps), x)
    return [gx] + [disconnected_type() for _ in reps]


@register_connection_pattern(TileGrad)
def _tile_grad_connection_pattern(op, node):
    return [[False], [True]] + [[False]] * (len(node.inputs) - 2)


@register_grad(TileGrad)
def _tile_grad_grad(op, inputs, outputs, output_grads):
    reps = inputs[2:]
    return ([disconnected_type(), Tile(op.ndim)(output_grads[0], *reps)]
            + [disconnected_type() for _ in reps])


@register_connection_pattern(BinCount)
def _bin_count_connection_pattern(op, node):
    return [[False], [False]] + ([[True]] if len(node.inputs) > 2 else [])


@register_grad(BinCount)
def _bin_count_grad(op, inputs, outputs, output_grads):
    res = [disconnected_type(), disconnected_type()]
    if len(inputs) > 2:
        w = inputs[2]
        gw = TakeAlongAxis()(output_grads[0], inputs[0], 0)
        res.append(as_input_dtype(gw, w) if w.type.dtype in ts.continuous_dtypes
                   else float_zeros_like(w))
    return res


@register_grad(Nonzero)
def _nonzero_grad(op, inputs, outputs, output_grads):
    return [grad_undefined(op, 0, inputs[0], "nonzero indices are integers")]


@register_grad(FlatNonzero)
def _flat_nonzero_grad(op, inputs, outputs, output_grads):
    return [grad_undefined(op, 0, inputs[0], "nonzero indices are integers")]


@register_grad(Bartlett)
def _bartlett_grad(op, inputs, outputs, output_grads):
    return [grad_undefined(op, 0, inputs[0], "M is an integer")]


@register_grad(CpuContiguous)
def _cpu_contiguous_grad(op, inputs, outputs, output_grads):
    return [output_grads[0]]

