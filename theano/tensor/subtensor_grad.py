"""Gradient and R-op rules of the indexing ops (basic and advanced subtensors).

Every reading op differentiates to the matching increment op, and every
increment op to a read of the gradient; the rules are written once for the
two base classes and cover all of them.
"""
from theano.configparser import config
from theano.graph.null_type import disconnected_type
from theano.graph.rules import register_connection_pattern, register_grad, register_rop
from theano.scalar.basic import complex_dtypes, discrete_dtypes
from theano.tensor.advsubtensor import AdvancedSubtensor1
from theano.tensor.basic import cast, constant, dimshuffle, zeros_like
from theano.tensor.shape import patternbroadcast
from theano.tensor.basic_subtensor import _IncOp, _ReadOp

__all__ = []


def _discrete_grads(x, y):
    """Zero gradients for ``(x, y)`` when ``x`` is discrete (floatX where discrete)."""
    gx = zeros_like(x, dtype=config.floatX)
    gy = zeros_like(y, dtype=config.floatX if y.type.dtype in discrete_dtypes else y.type.dtype)
    return gx, gy


def _sum_grad_over_bcasted_dims(y, gy):
    """Sum ``gy`` (shaped like the indexed region) down to the type of ``y``."""
    if gy.type.broadcastable != y.type.broadcastable:
        added = gy.type.ndim - y.type.ndim
        ybc = (True,) * added + y.type.broadcastable
        axes = [i for i, (yb, gb) in enumerate(zip(ybc, gy.type.broadcastable))
                if yb and not gb]
        if axes:
            gy = gy.sum(axis=axes, keepdims=True)
        if added:
            gy = dimshuffle(gy, list(range(added, gy.type.ndim)))
        gy = patternbroadcast(gy, y.type.broadcastable)
    if gy.type.dtype != y.type.dtype:
        gy = cast(gy, y.type.dtype)
    return gy


@register_connection_pattern(_ReadOp)
def _read_op_connection_pattern(op, node):
    return [[True]] + [[False]] * (len(node.inputs) - 1)


@register_grad(_ReadOp)
def _read_op_grad(op, inputs, outputs, output_grads):
    (gz,) = output_grads
    x, rest = inputs[0], inputs[1:]
    if x.type.dtype in discrete_dtypes:
        gx = zeros_like(x, dtype=config.floatX)
    else:
        gx = op._inc_op()(zeros_like(x), gz, *rest)
    return [gx] + [disconnected_type() for _ in rest]


@register_rop(_ReadOp)
def _read_op_rop(op, inputs, eval_points):
    if eval_points[0] is None:
        return [None]
    return [op(eval_points[0], *inputs[1:])]


@register_connection_pattern(_IncOp)
def _inc_op_connection_pattern(op, node):
    return [[True], [True]] + [[False]] * (len(node.inputs) - 2)


@register_grad(_IncOp)
def _inc_op_grad(op, inputs, outputs, output_grads):
    (g,) = output_grads
    x, y, rest = inputs[0], inputs[1], inputs[2:]
    if x.type.dtype in discrete_dtypes:
        gx, gy = _discrete_grads(x, y)
    elif x.type.dtype in complex_dtypes:
        raise NotImplementedError("%s: gradients of complex tensors are not supported"
                                  % op)
    else:
        if op.set_instead_of_inc:
            gx = op._inc_op(set_instead_of_inc=True)(
                g, constant(0, dtype=g.type.dtype), *rest)
        else:
            gx = g
        gy = _sum_grad_over_bcasted_dims(y, op._read_op()(g, *rest))
    return [gx, gy] + [disconnected_type() for _ in rest]


@register_rop(_IncOp)
def _inc_op_rop(op, inputs, eval_points):
    if eval_points[0] is None or eval_points[1] is None:
        return [None]
    return [op(eval_points[0], eval_points[1], *inputs[2:])]



@register_grad(AdvancedSubtensor1)
def _advanced_subtensor1_grad(op, inputs, outputs, output_grads):
    if op.sparse_grad:
        raise NotImplementedError("AdvancedSubtensor1: sparse gradients are not supported; "
                                  "use sparse_grad=False")
    return _read_op_grad(op, inputs, outputs, output_grads)

