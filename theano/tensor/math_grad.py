"""Gradients (``L_op``/``R_op``) of dimension shuffles, reductions and products.

The ops in :mod:`theano.tensor.elemwise` and :mod:`theano.tensor.math`
delegate to these functions.
"""
import numpy as np

import theano.scalar.basic as ts
from theano.configparser import config
from theano.graph.basic import Apply
from theano.graph.op import Op

__all__ = ["dimshuffle_L_op", "dimshuffle_R_op", "careduce_L_op", "careduce_R_op",
           "argmax_L_op", "argmax_R_op", "dot_L_op", "dot_R_op", "tensordot_L_op",
           "tensordot_R_op", "batched_dot_L_op", "batched_dot_R_op",
           "tensor_from_scalar_L_op", "tensor_from_scalar_R_op", "ScalarFromTensor",
           "scalar_from_tensor"]


def _T():
    import theano.tensor as T
    return T


def _gm():
    from theano import gradient
    return gradient


def _is_discrete(v):
    return v.type.dtype in ts.discrete_dtypes


def _zeros(x):
    T = _T()
    dtype = x.type.dtype if x.type.dtype in ts.continuous_dtypes else config.floatX
    return T.zeros_like(x, dtype=dtype)


def _fl(x, dtype):
    if x.type.dtype in ts.discrete_dtypes:
        return _T().cast(x, dtype if dtype in ts.continuous_dtypes else config.floatX)
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
        return _T().cast(v, var.type.dtype)
    return v


# ---------------------------------------------------------------------------
# DimShuffle
# ---------------------------------------------------------------------------
def dimshuffle_L_op(op, inputs, outputs, ograds):
    T = _T()
    (x,), (gz,) = inputs, ograds
    if _is_discrete(outputs[0]):
        return [_zeros(x)]
    # The added ('x') axes must be broadcastable in gz to be dropped; they
    # have size 1, so summing over them changes nothing else.
    added = [i for i, o in enumerate(op.new_order) if o == "x" and not gz.type.broadcastable[i]]
    if added:
        gz = T.sum(gz, axis=added, keepdims=True)
    grad_order = ["x"] * x.type.ndim
    for i, v in enumerate(op.new_order):
        if v != "x":
            grad_order[v] = i
    return [T.dimshuffle(gz, grad_order)]


def dimshuffle_R_op(op, inputs, eval_points):
    (ev,) = eval_points
    if ev is None:
        return [None]
    ev = _gm()._match_bcast(ev, inputs[0])
    return [_T().dimshuffle(ev, op.new_order)]


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
    return _T().dimshuffle(v, order)


def careduce_L_op(op, inputs, outputs, ograds):
    T = _T()
    (x,), (z,), (gz,) = inputs, outputs, ograds
    if _is_discrete(z):
        return [_zeros(x)]
    axis = op.axis if op.axis is not None else tuple(range(x.type.ndim))
    name = op.scalar_op.name
    gz_b = _restore_axes(gz, axis, x.type.ndim)
    if name == "add":
        return [T.second(x, gz_b)]
    if name == "mul":
        return [_prod_grad(op, x, z, gz_b, axis)]
    if name in ("maximum", "minimum"):
        z_b = _restore_axes(z, axis, x.type.ndim)
        # Every position equal to the extremum gets the gradient.
        mask = T.cast(T.eq(_fl(x, z.type.dtype), z_b), gz.type.dtype)
        return [T.mul(mask, gz_b)]
    return [_gm().grad_not_implemented(op, 0, x, "(no gradient for a reduction by %s)"
                                       % op.scalar_op)]


def _prod_grad(op, x, z, gz_b, axis):
    """Gradient of prod that is right when the input holds zeros (as Theano 1.0).

    Without zeros in a group: ``gz * prod / x``.  With exactly one zero: the
    zero's position gets ``gz * prod(the other elements)``, the rest 0.  With
    two or more zeros every element's gradient is 0.
    """
    T = _T()
    x = _fl(x, z.type.dtype)
    z_b = _restore_axes(z, axis, x.type.ndim)
    no_zero_case = T.true_div(T.mul(gz_b, z_b), x)
    if op.no_zeros_in_input:
        return no_zero_case
    where_zeros = T.eq(x, 0)
    num_zeros = _restore_axes(T.sum(where_zeros, axis=axis), axis, x.type.ndim)
    groups_without_zeros = T.eq(num_zeros, 0)
    where_single_zero = T.and_(T.eq(num_zeros, 1), where_zeros)
    one = T.constant(np.asarray(1, dtype=x.type.dtype))
    prod_without_zeros = _restore_axes(
        T.prod(T.switch(where_zeros, one, x), axis=axis), axis, x.type.ndim)
    zero = T.constant(np.asarray(0, dtype=prod_without_zeros.type.dtype))
    with_zero_case = T.mul(T.switch(where_single_zero, prod_without_zeros, zero), gz_b)
    return T.switch(groups_without_zeros, no_zero_case, with_zero_case)


def careduce_R_op(op, inputs, eval_points):
    T = _T()
    (x,), (ev,) = inputs, eval_points
    if ev is None:
        return [None]
    z = op(x)
    if _is_discrete(z):
        return [_zeros(z)]
    axis = op.axis if op.axis is not None else tuple(range(x.type.ndim))
    if op.scalar_op.name == "add":
        return [_cast_to(T.sum(ev, axis=axis), z)]
    # Each input element feeds exactly one output element: the directional
    # derivative is the reduction of (elementwise derivative * eval point).
    (d,) = careduce_L_op(op, [x], [z], [T.ones_like(z)])
    if _gm()._is_null(d):
        raise NotImplementedError("R_op of %s is not implemented" % op)
    return [_cast_to(T.sum(T.mul(d, ev), axis=axis), z)]


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
    ex, ey = (_skip_zero(e) for e in eval_points)
    if ex is None and ey is None:
        return [None]
    z = op(x, y)
    terms = []
    if ex is not None:
        terms.append(op(ex, y))
    if ey is not None:
        terms.append(op(x, ey))
    return [_cast_to(_add_terms(terms), z)]


@_product_L_op
def dot_L_op(op, x, y, z, gz):
    T = _T()
    xd, yd = x.type.ndim, y.type.ndim
    if xd == 1 and yd == 1:
        gx, gy = T.mul(gz, y), T.mul(gz, x)
    elif xd == 1 and yd == 2:
        gx = op(gz, y.T)
        gy = op(T.shape_padright(x), T.shape_padleft(gz))
    elif xd == 2 and yd == 1:
        gx = op(T.shape_padright(gz), T.shape_padleft(y))
        gy = op(x.T, gz)
    else:
        gx, gy = op(gz, y.T), op(x.T, gz)
    return [gx, gy]


dot_R_op = _product_R_op


def _inverse_order(order, ndim):
    return [order.index(j) for j in range(ndim)]


@_product_L_op
def tensordot_L_op(op, a, b, z, gz):
    T = _T()
    ax, bx = (list(v) for v in op.axes)
    free_a = [i for i in range(a.type.ndim) if i not in ax]
    free_b = [i for i in range(b.type.ndim) if i not in bx]
    na = len(free_a)
    nz = z.type.ndim
    # ga: contract gz's b-part with b's free axes; the remaining axes of b
    # come in increasing order, i.e. the a-axes paired with sorted(bx).
    ga = T.tensordot(gz, b, [list(range(na, nz)), free_b])
    by_b = sorted(range(len(bx)), key=lambda k: bx[k])
    order_a = free_a + [ax[k] for k in by_b]
    ga = T.dimshuffle(ga, _inverse_order(order_a, a.type.ndim))
    gb = T.tensordot(a, gz, [free_a, list(range(na))])
    by_a = sorted(range(len(ax)), key=lambda k: ax[k])
    order_b = [bx[k] for k in by_a] + free_b
    gb = T.dimshuffle(gb, _inverse_order(order_b, b.type.ndim))
    return [ga, gb]


tensordot_R_op = _product_R_op


@_product_L_op
def batched_dot_L_op(op, x, y, z, gz):
    T = _T()
    xd, yd = x.type.ndim, y.type.ndim
    if xd == 3 and yd == 3:  # (b,i,j) x (b,j,k) -> (b,i,k)
        gx = op(gz, T.dimshuffle(y, (0, 2, 1)))
        gy = op(T.dimshuffle(x, (0, 2, 1)), gz)
    elif xd == 3 and yd == 2:  # (b,i,j) x (b,j) -> (b,i)
        gx = T.mul(T.dimshuffle(gz, (0, 1, "x")), T.dimshuffle(y, (0, "x", 1)))
        gy = op(gz, x)
    elif xd == 2 and yd == 3:  # (b,j) x (b,j,k) -> (b,k)
        gx = op(y, gz)
        gy = T.mul(T.dimshuffle(x, (0, 1, "x")), T.dimshuffle(gz, (0, "x", 1)))
    else:  # (b,j) x (b,j) -> (b,)
        gx = T.mul(T.dimshuffle(gz, (0, "x")), y)
        gy = T.mul(T.dimshuffle(gz, (0, "x")), x)
    return [gx, gy]


batched_dot_R_op = _product_R_op


# ---------------------------------------------------------------------------
# Scalar <-> tensor
# ---------------------------------------------------------------------------
class ScalarFromTensor(Op):
    """The value of a 0-d tensor as a scalar-typed variable."""

    __props__ = ()

    def make_node(self, t):
        from theano.tensor.basic import as_tensor_variable
        t = as_tensor_variable(t)
        if t.type.ndim != 0:
            raise TypeError("ScalarFromTensor needs a 0-d tensor, got %s of type %s"
                            % (t, t.type))
        return Apply(self, [t], [ts.ScalarType(t.type.dtype)()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.asarray(inputs[0], dtype=node.outputs[0].type.dtype)[()]

    def infer_shape(self, fgraph, node, shapes):
        return [()]

    def grad(self, inputs, output_grads):
        from theano.tensor.math import tensor_from_scalar
        (t,), (g,) = inputs, output_grads
        if _is_discrete(t):
            return [_zeros(t)]
        return [tensor_from_scalar(g)]

    def R_op(self, inputs, eval_points):
        return [None if eval_points[0] is None else self(eval_points[0])]


scalar_from_tensor = ScalarFromTensor()


def tensor_from_scalar_L_op(op, inputs, outputs, ograds):
    (s,), (g,) = inputs, ograds
    if s.type.dtype in ts.discrete_dtypes:
        return [ts.constant(0, dtype=config.floatX)]
    return [scalar_from_tensor(g)]


def tensor_from_scalar_R_op(op, inputs, eval_points):
    (ev,) = eval_points
    return [None if ev is None else op(ev)]
