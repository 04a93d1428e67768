"""Gradient and R-op rules of dimension shuffles, reductions, products and the
scalar/tensor conversions."""
import numpy as np

import theano.scalar.basic as ts
from theano.configparser import config
from theano.graph.null_type import grad_not_implemented, is_null
from theano.graph.rules import register_grad, register_rop
from theano.tensor import basic as tb
from theano.tensor import math as tm
from theano.tensor.basic import ScalarFromTensor, TensorFromScalar, scalar_from_tensor
from theano.tensor.elemwise import CAReduce, DimShuffle
from theano.tensor.grad_utils import rop_zero, sum_to_broadcast
from theano.tensor.math import Argmax, BatchedDot, Dot, TensorDot

__all__ = []


def _is_discrete(v):
    return v.type.dtype in ts.discrete_dtypes


def _zeros(x):
    dtype = x.type.dtype if x.type.dtype in ts.continuous_dtypes else config.floatX
    return tb.zeros_like(x, dtype=dtype)


def _fl(x, dtype):
    if x.type.dtype in ts.discrete_dtypes:
        return tb.cast(x, dtype if dtype in ts.continuous_dtypes else config.floatX)
    return x


def _skip_zero(ev):
    """None for an eval point the Rop driver marked as zero (nothing to add)."""
    return None if ev is None or getattr(ev.tag, "rop_zero", False) else ev



def _add_terms(terms):
    terms = [t for t in terms if t is not None]
    if not terms:
        return None
    out = terms[0]
    for t in terms[1:]:
        out = out + t
    return out


def _cast_to(v, var):
    """Cast the R-op result ``v`` to the dtype of the output ``var`` (floats only)."""
    if v is None:
        return None
    if v.type.dtype != var.type.dtype and var.type.dtype in ts.float_dtypes and \
            v.type.dtype in ts.float_dtypes:
        return tb.cast(v, var.type.dtype)
    return v


# ---------------------------------------------------------------------------
# DimShuffle
# ---------------------------------------------------------------------------
def dimshuffle_L_op(op, inputs, outputs, ograds):
    (x,), (gz,) = inputs, ograds
    if _is_discrete(outputs[0]):
        return [_zeros(x)]
    # The added ('x') axes must be broadcastable in gz to be dropped; they
    # have size 1, so summing over them changes nothing else.
    added = [i for i, o in enumerate(op.new_order) if o == "x" and not gz.type.broadcastable[i]]
    if added:
        gz = tm.sum(gz, axis=added, keepdims=True)
    grad_order = ["x"] * x.type.ndim
    for i, v in enumerate(op.new_order):
        if v != "x":
            grad_order[v] = i
    return [tb.dimshuffle(gz, grad_order)]


def dimshuffle_R_op(op, inputs, eval_points):
    (ev,) = eval_points
    if ev is None:
        return [None]
    ev = sum_to_broadcast(ev, inputs[0])
    return [tb.dimshuffle(ev, op.new_order)]


# ---------------------------------------------------------------------------
# CAReduce: Sum, Prod, Max/Min, All/Any
# ---------------------------------------------------------------------------
def _restore_axes(v, axis, ndim):
    """Dimshuffle the reduced ``v`` so the reduced axes come back as broadcastable ones."""
    order, k = [], 0
    for j in range(ndim):
        if j in axis:
            order.append("x")
        else:
            order.append(k)
            k += 1
    return tb.dimshuffle(v, order)


def careduce_L_op(op, inputs, outputs, ograds):
    (x,), (z,), (gz,) = inputs, outputs, ograds
    if _is_discrete(z):
        return [_zeros(x)]
    axis = op.axis if op.axis is not None else tuple(range(x.type.ndim))
    sop = op.scalar_op
    gz_b = _restore_axes(gz, axis, x.type.ndim)
    if isinstance(sop, ts.Add):
        return [tb.second(x, gz_b)]
    if isinstance(sop, ts.Mul):
        return [_prod_grad(op, x, z, gz_b, axis)]
    if isinstance(sop, (ts.Maximum, ts.Minimum)):
        z_b = _restore_axes(z, axis, x.type.ndim)
        # Every position equal to the extremum gets the gradient.
        mask = tb.cast(tm.eq(_fl(x, z.type.dtype), z_b), gz.type.dtype)
        return [tm.mul(mask, gz_b)]
    return [grad_not_implemented(op, 0, x, "(no gradient for a reduction by %s)"
                                       % op.scalar_op)]


def _prod_grad(op, x, z, gz_b, axis):
    """Gradient of prod that is right when the input holds zeros (as Theano 1.0).

    Without zeros in a group: ``gz * prod / x``.  With exactly one zero: the
    zero's position gets ``gz * prod(the other elements)``, the rest 0.  With
    two or more zeros every element's gradient is 0.
    """
    x = _fl(x, z.type.dtype)
    z_b = _restore_axes(z, axis, x.type.ndim)
    no_zero_case = tm.true_div(tm.mul(gz_b, z_b), x)
    if op.no_zeros_in_input:
        return no_zero_case
    where_zeros = tm.eq(x, 0)
    num_zeros = _restore_axes(tm.sum(where_zeros, axis=axis), axis, x.type.ndim)
    groups_without_zeros = tm.eq(num_zeros, 0)
    where_single_zero = tm.and_(tm.eq(num_zeros, 1), where_zeros)
    one = tb.constant(np.asarray(1, dtype=x.type.dtype))
    prod_without_zeros = _restore_axes(
        tm.prod(tm.switch(where_zeros, one, x), axis=axis), axis, x.type.ndim)
    zero = tb.constant(np.asarray(0, dtype=prod_without_zeros.type.dtype))
    with_zero_case = tm.mul(tm.switch(where_single_zero, prod_without_zeros, zero), gz_b)
    return tm.switch(groups_without_zeros, no_zero_case, with_zero_case)


def careduce_R_op(op, inputs, eval_points):
    (x,), (ev,) = inputs, eval_points
    if ev is None:
        return [None]
    z = op(x)
    if _is_discrete(z):
        return [_zeros(z)]
    axis = op.axis if op.axis is not None else tuple(range(x.type.ndim))
    if isinstance(op.scalar_op, ts.Add):
        return [_cast_to(tm.sum(ev, axis=axis), z)]
    # Each input element feeds exactly one output element: the directional
    # derivative is the reduction of (elementwise derivative * eval point).
    (d,) = careduce_L_op(op, [x], [z], [tb.ones_like(z)])
    if is_null(d):
        raise NotImplementedError("R_op of %s is not implemented" % op)
    return [_cast_to(tm.sum(tm.mul(d, ev), axis=axis), z)]


# ---------------------------------------------------------------------------
# Argmax / Argmin
# ---------------------------------------------------------------------------
def argmax_L_op(op, inputs, outputs, ograds):
    # The index of the maximum is piecewise constant in x.
    return [_zeros(inputs[0])]


def argmax_R_op(op, inputs, eval_points):
    return [_zeros(op(inputs[0]))]


# ---------------------------------------------------------------------------
# Dot, TensorDot, BatchedDot
# ---------------------------------------------------------------------------
def _product_L_op(rule):
    """The ``L_op`` of a product ``z = op(x, y)`` from ``rule(op, x, y, z, gz)``.

    A discrete ``z`` gets zero gradients; discrete operands are cast to
    ``z``'s float dtype before ``rule`` sees them.
    """
    def L_op(op, inputs, outputs, ograds):
        (x, y), (z,), (gz,) = inputs, outputs, ograds
        if _is_discrete(z):
            return [_zeros(x), _zeros(y)]
        return rule(op, _fl(x, z.type.dtype), _fl(y, z.type.dtype), z, gz)

    L_op.__name__, L_op.__doc__ = rule.__name__, rule.__doc__
    return L_op


def _product_R_op(op, inputs, eval_points):
    """``R_op`` of any product ``op(x, y)`` linear in each operand: op(ex, y) + op(x, ey)."""
    x, y = inputs
    ex, ey = eval_points
    if _skip_zero(ex) is None and _skip_zero(ey) is None:
        return [rop_zero(op(x, y))]
    # A zero eval point (an input not in ``wrt``) still gives its term, as in
    # Theano 1.0: ``Rop(dot(x, W), W, V)`` is then a function of W too, which
    # the documented example compiles with W as an input.
    z = op(x, y)
    terms = []
    if ex is not None:
        terms.append(op(ex, y))
    if ey is not None:
        terms.append(op(x, ey))
    return [_cast_to(_add_terms(terms), z)]


@_product_L_op
def dot_L_op(op, x, y, z, gz):
    xd, yd = x.type.ndim, y.type.ndim
    if xd == 1 and yd == 1:
        gx, gy = tm.mul(gz, y), tm.mul(gz, x)
    elif xd == 1 and yd == 2:
        gx = op(gz, y.T)
        gy = op(tb.shape_padright(x), tb.shape_padleft(gz))
    elif xd == 2 and yd == 1:
        gx = op(tb.shape_padright(gz), tb.shape_padleft(y))
        gy = op(x.T, gz)
    else:
        gx, gy = op(gz, y.T), op(x.T, gz)
    return [gx, gy]


dot_R_op = _product_R_op


def _inverse_order(order, ndim):
    return [order.index(j) for j in range(ndim)]


@_product_L_op
def tensordot_L_op(op, a, b, z, gz):
    ax, bx = (list(v) for v in op.axes)
    free_a = [i for i in range(a.type.ndim) if i not in ax]
    free_b = [i for i in range(b.type.ndim) if i not in bx]
    na = len(free_a)
    nz = z.type.ndim
    # ga: contract gz's b-part with b's free axes; the remaining axes of b
    # come in increasing order, i.e. the a-axes paired with sorted(bx).
    ga = tm.tensordot(gz, b, [list(range(na, nz)), free_b])
    by_b = sorted(range(len(bx)), key=lambda k: bx[k])
    order_a = free_a + [ax[k] for k in by_b]
    ga = tb.dimshuffle(ga, _inverse_order(order_a, a.type.ndim))
    gb = tm.tensordot(a, gz, [free_a, list(range(na))])
    by_a = sorted(range(len(ax)), key=lambda k: ax[k])
    order_b = [bx[k] for k in by_a] + free_b
    gb = tb.dimshuffle(gb, _inverse_order(order_b, b.type.ndim))
    return [ga, gb]


tensordot_R_op = _product_R_op


@_product_L_op
def batched_dot_L_op(op, x, y, z, gz):
    xd, yd = x.type.ndim, y.type.ndim
    if xd == 3 and yd == 3:  # (b,i,j) x (b,j,k) -> (b,i,k)
        gx = op(gz, tb.dimshuffle(y, (0, 2, 1)))
        gy = op(tb.dimshuffle(x, (0, 2, 1)), gz)
    elif xd == 3 and yd == 2:  # (b,i,j) x (b,j) -> (b,i)
        gx = tm.mul(tb.dimshuffle(gz, (0, 1, "x")), tb.dimshuffle(y, (0, "x", 1)))
        gy = op(gz, x)
    elif xd == 2 and yd == 3:  # (b,j) x (b,j,k) -> (b,k)
        gx = op(y, gz)
        gy = tm.mul(tb.dimshuffle(x, (0, 1, "x")), tb.dimshuffle(gz, (0, "x", 1)))
    else:  # (b,j) x (b,j) -> (b,)
        gx = tm.mul(tb.dimshuffle(gz, (0, "x")), y)
        gy = tm.mul(tb.dimshuffle(gz, (0, "x")), x)
    return [gx, gy]


batched_dot_R_op = _product_R_op


# ---------------------------------------------------------------------------
# Scalar <-> tensor
# ---------------------------------------------------------------------------
def scalar_from_tensor_L_op(op, inputs, outputs, ograds):
    (t,), (g,) = inputs, ograds
    if _is_discrete(t):
        return [_zeros(t)]
    return [tb.tensor_from_scalar(g)]


def scalar_from_tensor_R_op(op, inputs, eval_points):
    return [None if eval_points[0] is None else op(eval_points[0])]


def tensor_from_scalar_L_op(op, inputs, outputs, ograds):
    (s,), (g,) = inputs, ograds
    if s.type.dtype in ts.discrete_dtypes:
        return [ts.constant(0, dtype=config.floatX)]
    return [scalar_from_tensor(g)]


def tensor_from_scalar_R_op(op, inputs, eval_points):
    (ev,) = eval_points
    return [None if ev is None else op(ev)]


register_grad(DimShuffle)(dimshuffle_L_op)
register_rop(DimShuffle)(dimshuffle_R_op)
register_grad(CAReduce)(careduce_L_op)
register_rop(CAReduce)(careduce_R_op)
register_grad(Argmax)(argmax_L_op)
register_rop(Argmax)(argmax_R_op)
register_grad(Dot)(dot_L_op)
register_rop(Dot)(dot_R_op)
register_grad(TensorDot)(tensordot_L_op)
register_rop(TensorDot)(tensordot_R_op)
register_grad(BatchedDot)(batched_dot_L_op)
register_rop(BatchedDot)(batched_dot_R_op)
register_grad(TensorFromScalar)(tensor_from_scalar_L_op)
register_rop(TensorFromScalar)(tensor_from_scalar_R_op)
register_grad(ScalarFromTensor)(scalar_from_tensor_L_op)
register_rop(ScalarFromTensor)(scalar_from_tensor_R_op)
