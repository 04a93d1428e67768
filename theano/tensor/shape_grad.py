"""Gradient and R-op rules of the shape, allocation and joining ops.

Registered from outside the ops (:mod:`theano.graph.rules`), so the op
modules need nothing of the functions the gradients are built from.
"""
import theano.scalar.basic as ts
from theano.configparser import config
from theano.graph.null_type import DisconnectedType, disconnected_type, grad_undefined
from theano.graph.rules import register_connection_pattern, register_grad, register_rop
from theano.scalar.basic import discrete_dtypes
from theano.tensor.alloc import (ARange, Alloc, AllocDiag, ExtractDiag, Eye, FillDiagonal,
                                 FillDiagonalOffset, SetDiagonal, arange, diagonal, fill_diagonal,
                                 fill_diagonal_offset)
from theano.tensor.basic import cast, zeros_like
from theano.tensor.grad_utils import as_input_dtype, grad_like_input
from theano.tensor.join import Join, Roll, Split, _const_int, join, stack
from theano.tensor.shape import (MakeVector, Rebroadcast, Reshape, Shape, Shape_i, SpecifyShape,
                                 patternbroadcast, reshape, shape, shape_i, specify_shape)

__all__ = []

# shape.py
@register_connection_pattern(Shape)
def _shape_connection_pattern(op, node):
    # The values of x do not take part in computing its shape.
    return [[False]]


@register_grad(Shape)
def _shape_grad(op, inputs, outputs, output_grads):
    return [disconnected_type()]


@register_rop(Shape)
def _shape_rop(op, inputs, eval_points):
    return [None]


@register_connection_pattern(Shape_i)
def _shape_i_connection_pattern(op, node):
    return [[False]]


@register_grad(Shape_i)
def _shape_i_grad(op, inputs, outputs, output_grads):
    return [disconnected_type()]


@register_connection_pattern(MakeVector)
def _make_vector_connection_pattern(op, node):
    return [[op.dtype not in discrete_dtypes] for _ in node.inputs]


@register_grad(MakeVector)
def _make_vector_grad(op, inputs, outputs, output_grads):
    if op.dtype in discrete_dtypes:
        return [disconnected_type() for _ in inputs]
    (g,) = output_grads
    return [g[k] for k in range(len(inputs))]


@register_connection_pattern(Reshape)
def _reshape_connection_pattern(op, node):
    return [[True], [False]]


@register_grad(Reshape)
def _reshape_grad(op, inputs, outputs, output_grads):
    x, _ = inputs
    (g,) = output_grads
    gx = reshape(g, shape(x), ndim=x.type.ndim)
    return [patternbroadcast(gx, x.type.broadcastable), disconnected_type()]


@register_rop(Reshape)
def _reshape_rop(op, inputs, eval_points):
    if eval_points[0] is None:
        return [None]
    return [op(eval_points[0], inputs[1])]


@register_connection_pattern(SpecifyShape)
def _specify_shape_connection_pattern(op, node):
    return [[True], [False]]


@register_grad(SpecifyShape)
def _specify_shape_grad(op, inputs, outputs, output_grads):
    return [specify_shape(output_grads[0], inputs[1]), disconnected_type()]


@register_rop(SpecifyShape)
def _specify_shape_rop(op, inputs, eval_points):
    if eval_points[0] is None:
        return [None]
    return [op(eval_points[0], inputs[1])]


@register_grad(Rebroadcast)
def _rebroadcast_grad(op, inputs, outputs, output_grads):
    (x,) = inputs
    # Give the gradient the broadcast pattern of the input back.
    back = Rebroadcast(*[(a, x.type.broadcastable[a]) for a in op.axis])
    return [back(output_grads[0])]


@register_rop(Rebroadcast)
def _rebroadcast_rop(op, inputs, eval_points):
    if eval_points[0] is None:
        return [None]
    return [op(eval_points[0])]


# alloc.py
@register_connection_pattern(Alloc)
def _alloc_connection_pattern(op, node):
    return [[True]] + [[False] for _ in node.inputs[1:]]


@register_grad(Alloc)
def _alloc_grad(op, inputs, outputs, output_grads):
    x = inputs[0]
    (gz,) = output_grads
    n_new = gz.type.ndim - x.type.ndim
    summed = list(range(n_new))
    kept = []
    for i, xb in enumerate(x.type.broadcastable):
        if xb and not gz.type.broadcastable[n_new + i]:
            summed.append(n_new + i)
        else:
            kept.append(i)
    gx = gz.sum(axis=summed) if summed else gz
    if len(kept) != x.type.ndim:
        # Put back the broadcast dimensions of x that were summed over.
        order = ["x"] * x.type.ndim
        for k, i in enumerate(kept):
            order[i] = k
        gx = gx.dimshuffle(order)
    if gx.type.dtype != x.type.dtype and x.type.dtype in ts.continuous_dtypes:
        gx = cast(gx, x.type.dtype)
    return [gx] + [disconnected_type() for _ in inputs[1:]]


@register_rop(Alloc)
def _alloc_rop(op, inputs, eval_points):
    if eval_points[0] is None:
        return [None]
    return [op(eval_points[0], *inputs[1:])]


@register_grad(Eye)
def _eye_grad(op, inputs, outputs, output_grads):
    return [grad_undefined(op, i, inp, "%s inputs are integers" % type(op).__name__)
            for i, inp in enumerate(inputs)]


@register_connection_pattern(ARange)
def _a_range_connection_pattern(op, node):
    return [[True], [False], [True]]


@register_grad(ARange)
def _a_range_grad(op, inputs, outputs, output_grads):
    start, stop, step = inputs
    (gz,) = output_grads
    if op.dtype in ts.discrete_dtypes:
        return [start.zeros_like(dtype=config.floatX), disconnected_type(),
                step.zeros_like(dtype=config.floatX)]
    n = shape_i(outputs[0], 0)
    g_start = gz.sum()
    g_step = (gz * arange(n, dtype=op.dtype)).sum()
    return [cast(g_start, start.type.dtype) if start.type.dtype in ts.float_dtypes
            else g_start, disconnected_type(),
            cast(g_step, step.type.dtype) if step.type.dtype in ts.float_dtypes
            else g_step]


@register_grad(ExtractDiag)
def _extract_diag_grad(op, inputs, outputs, output_grads):
    (x,) = inputs
    (gz,) = output_grads
    zero = zeros_like(x, dtype=gz.type.dtype)
    return [SetDiagonal(op.offset, op.axis1, op.axis2)(zero, gz)]


@register_rop(ExtractDiag)
def _extract_diag_rop(op, inputs, eval_points):
    if eval_points[0] is None:
        return [None]
    return [op(eval_points[0])]


@register_grad(SetDiagonal)
def _set_diagonal_grad(op, inputs, outputs, output_grads):
    x, d = inputs
    (gz,) = output_grads
    extract = ExtractDiag(op.offset, op.axis1, op.axis2)
    gx = op(gz, zeros_like(d, dtype=gz.type.dtype))
    gd = extract(gz)
    if gd.type.ndim > d.type.ndim or gd.type.broadcastable != d.type.broadcastable:
        # d was broadcast against the diagonal: sum the gradient back to its shape.
        nd = gd.type.ndim - d.type.ndim
        axes = list(range(nd)) + [nd + i for i, b in enumerate(d.type.broadcastable)
                                  if b and not gd.type.broadcastable[nd + i]]
        gd = gd.sum(axis=axes, keepdims=True)
        gd = gd.dimshuffle([i for i in range(gd.type.ndim) if i >= nd])
    return [cast(gx, x.type.dtype) if x.type.dtype in ts.continuous_dtypes else gx,
            cast(gd, d.type.dtype) if d.type.dtype in ts.continuous_dtypes else gd]


@register_grad(AllocDiag)
def _alloc_diag_grad(op, inputs, outputs, output_grads):
    return [ExtractDiag(op.offset, op.axis1, op.axis2)(output_grads[0])]


@register_rop(AllocDiag)
def _alloc_diag_rop(op, inputs, eval_points):
    if eval_points[0] is None:
        return [None]
    return [op(eval_points[0])]


@register_grad(FillDiagonal)
def _fill_diagonal_grad(op, inputs, outputs, output_grads):
    a, val = inputs
    (gz,) = output_grads
    ga = fill_diagonal(gz, 0)
    if a.type.ndim == 2:
        gval = diagonal(gz).sum()
    else:
        gval = (gz * fill_diagonal(gz.zeros_like(), 1)).sum()
    return [as_input_dtype(ga, a), as_input_dtype(gval, val)]


@register_grad(FillDiagonalOffset)
def _fill_diagonal_offset_grad(op, inputs, outputs, output_grads):
    a, val, offset = inputs
    (gz,) = output_grads
    ga = fill_diagonal_offset(gz, 0, offset)
    gval = (gz * fill_diagonal_offset(gz.zeros_like(), 1, offset)).sum()
    undefined = grad_undefined(op, 2, offset, "the offset is an integer")
    return [as_input_dtype(ga, a), as_input_dtype(gval, val), undefined]


# join.py
@register_grad(Join)
def _join_grad(op, inputs, outputs, output_grads):
    axis, tensors = inputs[0], inputs[1:]
    (gz,) = output_grads
    rval = [grad_undefined(op, 0, axis, "the join axis is an integer")]
    if outputs[0].type.dtype in ts.continuous_dtypes:
        ax = _const_int(axis)
        if ax is not None:
            sizes = [shape_i(t, ax % t.type.ndim) for t in tensors]
        else:
            sizes = [shape(t)[axis] for t in tensors]
        parts = Split(len(tensors))(gz, axis, stack(sizes), return_list=True)
        rval += [grad_like_input(p, t) for p, t in zip(parts, tensors)]
    else:
        # Integer output: no gradient flows through.
        rval += [t.zeros_like(dtype=config.floatX) for t in tensors]
    return rval


@register_rop(Join)
def _join_rop(op, inputs, eval_points):
    if any(e is None for e in eval_points[1:]):
        return [None]
    return [op(inputs[0], *eval_points[1:])]


@register_grad(Split)
def _split_grad(op, inputs, outputs, output_grads):
    x, axis, splits = inputs
    undefined = [grad_undefined(op, 1, axis, "the split axis is an integer"),
                 grad_undefined(op, 2, splits, "split sizes are integers")]
    disconnected = [isinstance(gz.type, DisconnectedType) for gz in output_grads]
    if all(disconnected):
        return [disconnected_type()] + undefined
    parts = [o.zeros_like() if d else gz
             for o, gz, d in zip(outputs, output_grads, disconnected)]
    return [grad_like_input(join(axis, *parts), x)] + undefined


@register_rop(Split)
def _split_rop(op, inputs, eval_points):
    if eval_points[0] is None:
        return [None] * op.len_splits
    return op(eval_points[0], *inputs[1:], return_list=True)


@register_connection_pattern(Roll)
def _roll_connection_pattern(op, node):
    return [[True], [False]]


@register_grad(Roll)
def _roll_grad(op, inputs, outputs, output_grads):
    return [op(output_grads[0], -inputs[1]), disconnected_type()]


@register_rop(Roll)
def _roll_rop(op, inputs, eval_points):
    if eval_points[0] is None:
        return [None]
    return [op(eval_points[0], inputs[1])]

