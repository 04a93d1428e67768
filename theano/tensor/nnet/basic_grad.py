"""Gradient and R-op rules of the softmax and cross-entropy ops."""
from theano.graph.null_type import disconnected_type, grad_undefined, is_disconnected
from theano.graph.rules import register_connection_pattern, register_grad, register_rop
from theano.tensor import math as tm
from theano.tensor.basic import zeros_like
from theano.tensor.grad_utils import as_input_dtype
from theano.tensor.nnet.basic import (ConfusionMatrix, CrossentropyCategorical1Hot,
                                      CrossentropyCategorical1HotGrad,
                                      CrossentropySoftmax1HotWithBiasDx,
                                      CrossentropySoftmaxArgmax1HotWithBias, LogSoftmax, Softmax,
                                      SoftmaxGrad, SoftmaxWithBias, _one_hot, _OneHot, _sum_last,
                                      _take_rows, _TakeRows, crossentropy_categorical_1hot_grad,
                                      crossentropy_softmax_1hot_with_bias_dx, softmax_grad,
                                      softmax_op)

__all__ = []


@register_grad(SoftmaxGrad)
def _softmax_grad_grad(op, inputs, outputs, output_grads):
    dy, sm = inputs
    (g,) = output_grads
    tmp = g - _sum_last(g * sm)
    return [tmp * sm, tmp * dy - g * _sum_last(dy * sm)]


@register_rop(SoftmaxGrad)
def _softmax_grad_rop(op, inputs, eval_points):
    dy, sm = inputs
    v_dy, v_sm = eval_points
    if v_dy is None and v_sm is None:
        return [None]
    out = None
    if v_dy is not None:
        out = softmax_grad(v_dy, sm)
    if v_sm is not None:
        term = v_sm * (dy - _sum_last(dy * sm)) - sm * _sum_last(dy * v_sm)
        out = term if out is None else out + term
    return [out]


@register_grad(Softmax)
def _softmax_grad(op, inputs, outputs, output_grads):
    return [softmax_grad(output_grads[0], outputs[0])]


@register_rop(Softmax)
def _softmax_rop(op, inputs, eval_points):
    if eval_points[0] is None:
        return [None]
    # The Jacobian diag(sm) - sm sm^T is symmetric: J v is the L_op of v.
    return [softmax_grad(eval_points[0], op(*inputs))]


@register_grad(SoftmaxWithBias)
def _softmax_with_bias_grad(op, inputs, outputs, output_grads):
    x, b = inputs
    (g_sm,) = output_grads
    if is_disconnected(g_sm):
        return [disconnected_type(), disconnected_type()]
    dx = softmax_grad(g_sm, outputs[0])
    db = tm.sum(dx, axis=list(range(x.type.ndim - 1)))
    return [dx, as_input_dtype(db, b)]


@register_rop(SoftmaxWithBias)
def _softmax_with_bias_rop(op, inputs, eval_points):
    v_x, v_b = eval_points
    if v_x is None and v_b is None:
        return [None]
    v = v_x if v_b is None else (v_b if v_x is None else v_x + v_b)
    if v_x is None:
        v = v + zeros_like(inputs[0])
    return [softmax_grad(v, op(*inputs))]


@register_grad(LogSoftmax)
def _log_softmax_grad(op, inputs, outputs, output_grads):
    (g,) = output_grads
    # exp(log_softmax) is the softmax: reuse the output, no second pass.
    return [g - _sum_last(g) * tm.exp(outputs[0])]


@register_rop(LogSoftmax)
def _log_softmax_rop(op, inputs, eval_points):
    (v,) = eval_points
    if v is None:
        return [None]
    # J = I - 1 sm^T (not symmetric): J v = v - sum(sm * v).
    sm = softmax_op(inputs[0])
    return [v - _sum_last(sm * v)]


@register_connection_pattern(_OneHot)
def _one_hot_connection_pattern(op, node):
    # Only the shape of ``like`` matters, and labels are not differentiable.
    return [[False], [False]]


@register_grad(_OneHot)
def _one_hot_grad(op, inputs, outputs, output_grads):
    return [disconnected_type(), disconnected_type()]


@register_connection_pattern(_TakeRows)
def _take_rows_connection_pattern(op, node):
    return [[True], [False]]


@register_grad(_TakeRows)
def _take_rows_grad(op, inputs, outputs, output_grads):
    mat, y_idx = inputs
    return [_one_hot(y_idx, mat) * output_grads[0].dimshuffle(0, "x"),
            disconnected_type()]


@register_connection_pattern(CrossentropySoftmaxArgmax1HotWithBias)
def _crossentropy_softmax_argmax1_hot_with_bias_connection_pattern(op, node):
    return [[True, True, True], [True, True, True], [False, False, True]]


@register_grad(CrossentropySoftmaxArgmax1HotWithBias)
def _crossentropy_softmax_argmax1_hot_with_bias_grad(op, inputs, outputs, output_grads):
    x, b, y_idx = inputs
    g_nll, g_sm, g_am = output_grads
    sm = outputs[1]
    dx = None
    if not is_disconnected(g_nll):
        dx = crossentropy_softmax_1hot_with_bias_dx(g_nll, sm, y_idx)
    if not is_disconnected(g_sm):
        d = softmax_grad(g_sm, sm)
        dx = d if dx is None else dx + d
    if dx is None:
        # Only the integer argmax is used: a zero gradient.
        dx = zeros_like(x)
    db = as_input_dtype(tm.sum(dx, axis=0), b)
    if is_disconnected(g_am):
        g_y = disconnected_type()
    else:
        g_y = zeros_like(y_idx, dtype=x.type.dtype)
    return [dx, db, g_y]


@register_connection_pattern(CrossentropySoftmax1HotWithBiasDx)
def _crossentropy_softmax1_hot_with_bias_dx_connection_pattern(op, node):
    return [[True], [True], [False]]


@register_grad(CrossentropySoftmax1HotWithBiasDx)
def _crossentropy_softmax1_hot_with_bias_dx_grad(op, inputs, outputs, output_grads):
    dy, sm, y_idx = inputs
    (g_dx,) = output_grads
    per_row = tm.sum(g_dx * (sm - _one_hot(y_idx, sm)), axis=1)
    if dy.type.ndim == 0:
        g_dy = tm.sum(per_row)
        g_sm = dy * g_dx
    else:
        g_dy = per_row
        if dy.type.broadcastable[0]:
            g_dy = tm.sum(per_row, keepdims=True)
        g_sm = dy.dimshuffle(0, "x") * g_dx
    return [as_input_dtype(g_dy, dy), g_sm, disconnected_type()]


@register_connection_pattern(CrossentropyCategorical1HotGrad)
def _crossentropy_categorical1_hot_grad_connection_pattern(op, node):
    return [[True], [True], [False]]


@register_grad(CrossentropyCategorical1HotGrad)
def _crossentropy_categorical1_hot_grad_grad(op, inputs, outputs, output_grads):
    g_y, coding, y = inputs
    (g_out,) = output_grads
    c_y = _take_rows(coding, y)
    g_picked = _take_rows(g_out, y)
    g_gy = -g_picked / c_y
    g_c = _one_hot(y, coding) * (g_picked * g_y / tm.sqr(c_y)).dimshuffle(0, "x")
    return [as_input_dtype(g_gy, g_y), g_c, disconnected_type()]


@register_connection_pattern(CrossentropyCategorical1Hot)
def _crossentropy_categorical1_hot_connection_pattern(op, node):
    return [[True], [False]]


@register_grad(CrossentropyCategorical1Hot)
def _crossentropy_categorical1_hot_grad(op, inputs, outputs, output_grads):
    coding, y = inputs
    return [crossentropy_categorical_1hot_grad(output_grads[0], coding, y),
            disconnected_type()]


@register_grad(ConfusionMatrix)
def _confusion_matrix_grad(op, inputs, outputs, output_grads):
    return [grad_undefined(op, i, x, "confusion_matrix counts labels")
            for i, x in enumerate(inputs)]

