"""Gradient and R-op rules of :class:`~theano.tensor.elemwise.Elemwise` ops.

Each scalar op class has a *rule* working directly on tensors::

    rule(inputs, outputs, output_grads) -> one entry per input

An entry is the elementwise gradient term (it may broadcast to the output
shape), ``None`` for a zero gradient, or a NullType/DisconnectedType
variable.  :func:`elemwise_L_op` then sums each term over the dimensions
its input was broadcast along.  Rules reuse the forward outputs (``exp``,
``tanh``, ``sigmoid``...), so the gradient graph recomputes nothing.

Other modules add rules for their scalar ops with
:func:`register_elemwise_grad`; a user's scalar op may instead carry a
``tensor_grad(inputs, outputs, output_grads)`` method.
"""
import numpy as np

import theano.scalar.basic as ts
from theano.configparser import config
from theano.graph.basic import io_toposort
from theano.graph.null_type import (disconnected_type, grad_not_implemented, is_disconnected,
                                    is_null)
from theano.graph.rules import (OpRegistry, register_connection_pattern, register_grad,
                                register_rop)
from theano.tensor import basic as tb
from theano.tensor import math as _math
from theano.tensor.elemwise import Elemwise
from theano.tensor.grad_utils import rop_zero, sum_to_broadcast


class _GradientMath:
    """:mod:`theano.tensor.math` as the rules below see it.

    Its elementwise functions are replaced by unnamed ``Elemwise`` ops, so a
    gradient graph prints as Theano 1.0's did (``Elemwise{mul}``; the ops of
    the user's own graph print ``Elemwise{mul,no_inplace}``).  The ops are
    equal either way.
    """

    def __init__(self, module):
        self._module = module
        self._unnamed = {name: Elemwise(op.scalar_op)
                         for name, op in module.elemwise_functions.items()}

    def __getattr__(self, name):
        op = self._unnamed.get(name)
        return op if op is not None else getattr(self._module, name)


tm = _GradientMath(_math)

__all__ = ["register_elemwise_grad", "register_scalar_connection_pattern", "elemwise_L_op",
           "elemwise_R_op", "elemwise_connection_pattern"]

# Keyed by scalar op class: rule(inputs, outputs, output_grads) -> terms.
scalar_grad_rules = OpRegistry("elementwise gradient")
# Keyed by scalar op class: fn(node) -> connection pattern.
scalar_connection_rules = OpRegistry("elementwise connection pattern")


def register_elemwise_grad(*scalar_op_classes):
    """Decorator: ``rule(inputs, outputs, output_grads)`` is the gradient of these classes."""
    return scalar_grad_rules.register(*scalar_op_classes)


def register_scalar_connection_pattern(scalar_op_class, fn):
    """``fn(node) -> list of lists of bool`` is the connection pattern of the class."""
    scalar_connection_rules.register(scalar_op_class)(fn)


def _c(value, dtype):
    """A 0-d constant of ``dtype`` (so float32 graphs stay float32)."""
    return tb.constant(np.asarray(value, dtype=dtype))


def _fdtype(*vs):
    """The float dtype gradients are computed in (the outputs' dtype, or floatX)."""
    for v in vs:
        if v.type.dtype in ts.continuous_dtypes:
            return v.type.dtype
    return config.floatX


def _fl(x, dtype):
    """``x`` cast to ``dtype`` when it is integer-valued (gradient formulas need floats)."""
    if x.type.dtype in ts.discrete_dtypes:
        return tb.cast(x, dtype)
    return x


# ---------------------------------------------------------------------------
# The driver methods Elemwise delegates to
# ---------------------------------------------------------------------------
def elemwise_connection_pattern(op, node):
    fn = scalar_connection_rules.lookup(op.scalar_op)
    if fn is not None:
        return fn(node)
    return [[True] * len(node.outputs) for _ in node.inputs]


def _zeros(x):
    dtype = x.type.dtype if x.type.dtype in ts.continuous_dtypes else config.floatX
    return tb.zeros_like(x, dtype=dtype)


def _apply_rule(op, inputs, outputs, ograds):
    rule = scalar_grad_rules.lookup(op.scalar_op)
    if rule is None:
        rule = getattr(op.scalar_op, "tensor_grad", None)
    if rule is None:
        return [grad_not_implemented(op, i, x, "(no gradient rule is registered for the "
                                        "scalar op %s)" % op.scalar_op)
                for i, x in enumerate(inputs)]
    res = rule(inputs, outputs, ograds)
    if len(res) != len(inputs):
        raise ValueError("the gradient rule of %s returned %d terms for %d inputs"
                         % (op.scalar_op, len(res), len(inputs)))
    return list(res)


def elemwise_L_op(op, inputs, outputs, ograds):
    """Gradient of an Elemwise node: the scalar rule, summed over broadcast dimensions."""
    pattern = elemwise_connection_pattern(op, _FakeNode(inputs, outputs))
    connected_out = [not is_disconnected(g) for g in ograds]
    in_connected = [any(p and c for p, c in zip(row, connected_out)) for row in pattern]
    if all(o.type.dtype in ts.discrete_dtypes
           for o, c in zip(outputs, connected_out) if c):
        # Integer-valued outputs are piecewise constant: zero gradient.
        return [_zeros(x) if c else disconnected_type()
                for x, c in zip(inputs, in_connected)]
    if isinstance(op.scalar_op, ts.Composite):
        return _composite_grad(op, inputs, outputs, ograds, in_connected)
    # Disconnected output gradients stand for zeros in the rules.
    ograds = [g if c else tb.zeros_like(o) for g, o, c in zip(ograds, outputs, connected_out)]
    terms = _apply_rule(op, inputs, outputs, ograds)
    out_b = outputs[0].type.broadcastable
    rval = []
    for x, r, c in zip(inputs, terms, in_connected):
        if not c:
            rval.append(disconnected_type())
            continue
        if r is None:
            rval.append(_zeros(x))
            continue
        if is_null(r) or is_disconnected(r):
            rval.append(r)
            continue
        if r.type.ndim < x.type.ndim:
            r = tb.shape_padleft(r, x.type.ndim - r.type.ndim)
        to_sum = [j for j, b in enumerate(x.type.broadcastable)
                  if b and not (out_b[j] and r.type.broadcastable[j])]
        if to_sum:
            r = tm.sum(r, axis=to_sum, keepdims=True)
        if x.type.dtype in ts.float_dtypes and r.type.dtype in ts.float_dtypes and \
                r.type.dtype != x.type.dtype:
            r = tb.cast(r, x.type.dtype)
        rval.append(r)
    return rval


class _FakeNode:
    """Just enough of an Apply for connection-pattern functions."""

    def __init__(self, inputs, outputs):
        self.inputs, self.outputs = inputs, outputs


def elemwise_R_op(op, inputs, eval_points):
    """Directional derivative: sum over inputs of (d out / d input) * eval_point."""
    if op.inplace_pattern:
        # Recompute the outputs without destroying an input.
        op = Elemwise(op.scalar_op)
    outs = op(*inputs, return_list=True)
    rval = []
    for idx, out in enumerate(outs):
        if out.type.dtype in ts.discrete_dtypes:
            rval.append(_zeros(out))
            continue
        ograds = [tb.zeros_like(o) for o in outs]
        ograds[idx] = tb.ones_like(out)
        if isinstance(op.scalar_op, ts.Composite):
            bgrads = _composite_bgrads(op, inputs, outs, ograds)
        else:
            bgrads = _apply_rule(op, inputs, outs, ograds)
        acc = None
        for b, ev in zip(bgrads, eval_points):
            if b is None or ev is None or is_disconnected(b) or getattr(ev.tag, "rop_zero", False):
                continue
            if is_null(b):
                raise NotImplementedError("R_op of %s: the derivative w.r.t. one input is "
                                          "undefined: %s" % (op, b.type.why_null))
            term = b * ev
            acc = term if acc is None else acc + term
        if acc is not None and acc.type.dtype != out.type.dtype and \
                out.type.dtype in ts.float_dtypes and acc.type.dtype in ts.float_dtypes:
            acc = tb.cast(acc, out.type.dtype)
        if acc is not None and acc.type.broadcastable != out.type.broadcastable:
            if any(a and not b for a, b in zip(acc.type.broadcastable,
                                               out.type.broadcastable)):
                acc = acc + tb.zeros_like(out)  # only broadcast inputs moved
            acc = sum_to_broadcast(acc, out)
        # No term: every derivative met a zero eval point or is zero itself.
        rval.append(acc if acc is not None else rop_zero(out))
    return rval


def _expand_composite(op, inputs):
    """Rebuild the inner scalar graph of a Composite as Elemwise nodes on ``inputs``."""
    comp = op.scalar_op
    env = dict(zip(comp.inputs, inputs))
    for node in comp._nodes:
        args = [env[i] if i in env else _c(i.data, i.type.dtype) for i in node.inputs]
        outs = Elemwise(node.op)(*args, return_list=True)
        env.update(zip(node.outputs, outs))
    return [env[o] if o in env else _c(o.data, o.type.dtype) for o in comp.outputs]


def _backprop(outputs, known, wrt):
    """Reverse mode over the Elemwise graph between ``wrt`` and ``outputs``.

    ``known`` maps outputs to their gradients; the expanded graph of a
    Composite holds only Elemwise nodes, so their own rules are all it takes.
    """
    grads = dict(known)
    for node in reversed(io_toposort(list(wrt), list(outputs))):
        ograds = [grads.get(o) for o in node.outputs]
        if all(g is None for g in ograds):
            continue
        ograds = [disconnected_type() if g is None else g for g in ograds]
        for i, g in zip(node.inputs, elemwise_L_op(node.op, node.inputs, node.outputs, ograds)):
            if is_disconnected(g):
                continue
            if i not in grads or is_null(g):
                grads[i] = g
            elif not is_null(grads[i]):
                grads[i] = grads[i] + g
    return [grads.get(w, disconnected_type()) for w in wrt]


def _composite_grad(op, inputs, outputs, ograds, in_connected):
    new_outs = _expand_composite(op, inputs)
    known = {}
    for o, g in zip(new_outs, ograds):
        if not is_disconnected(g):
            known[o] = g if o not in known else known[o] + g
    res = _backprop(new_outs, known, inputs)
    return [r if c else disconnected_type() for r, c in zip(res, in_connected)]


def _composite_bgrads(op, inputs, outputs, ograds):
    """Unreduced elementwise derivatives of a Composite (for R_op)."""
    # Broadcast every input to the output shape first: the gradient w.r.t.
    # the broadcast copies is then the elementwise derivative.
    ob = outputs[0].type.broadcastable
    full = [x if x.type.broadcastable == ob else
            tm.add(x, tb.zeros_like(outputs[0], dtype=x.type.dtype)) for x in inputs]
    new_outs = _expand_composite(op, full)
    return _backprop(new_outs, dict(zip(new_outs, ograds)), full)


# ---------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------
def _unary(fn):
    """A rule for a one-input op given ``fn(x, z, gz, dtype) -> term``."""
    def rule(inputs, outputs, ograds):
        (x,), (z,), (gz,) = inputs, outputs, ograds
        dtype = _fdtype(z)
        return [fn(_fl(x, dtype), z, gz, dtype)]
    return rule


def _reg_unary(cls, fn):
    register_elemwise_grad(cls)(_unary(fn))


def _binary(*scalar_op_classes):
    """Decorator: ``fn(x, y, z, gz, dtype) -> [gx, gy]`` is the rule of these classes.

    Integer inputs reach ``fn`` cast to the float ``dtype`` of the gradient.
    """
    def deco(fn):
        def rule(inputs, outputs, ograds):
            (x, y), (z,), (gz,) = inputs, outputs, ograds
            dtype = _fdtype(z)
            return fn(_fl(x, dtype), _fl(y, dtype), z, gz, dtype)
        register_elemwise_grad(*scalar_op_classes)(rule)
        return fn
    return deco


@register_elemwise_grad(ts.Add)
def _add_grad(inputs, outputs, ograds):
    return [ograds[0]] * len(inputs)


@register_elemwise_grad(ts.Sub)
def _sub_grad(inputs, outputs, ograds):
    gz = ograds[0]
    return [gz, tm.neg(gz)]


@register_elemwise_grad(ts.Mul)
def _mul_grad(inputs, outputs, ograds):
    gz = ograds[0]
    dtype = _fdtype(outputs[0])
    rval = []
    for i in range(len(inputs)):
        others = [_fl(x, dtype) for j, x in enumerate(inputs) if j != i]
        rval.append(tm.mul(gz, *others) if others else gz)
    return rval


@_binary(ts.TrueDiv)
def _true_div_grad(x, y, z, gz, dtype):
    return [tm.true_div(gz, y), tm.neg(tm.true_div(tm.mul(gz, x), tm.mul(y, y)))]


@register_elemwise_grad(ts.IntDiv, ts.Sgn, ts.Floor, ts.Ceil, ts.Trunc, ts.RoundHalfToEven,
                        ts.RoundHalfAwayFromZero)
def _zero_grad(inputs, outputs, ograds):
    # Piecewise constant: the derivative is zero wherever it exists.
    return [None] * len(inputs)


@_binary(ts.Mod)
def _mod_grad(x, y, z, gz, dtype):
    return [gz, tm.neg(tm.mul(tm.int_div(x, y), gz))]


@register_elemwise_grad(ts.Pow)
def _pow_grad(inputs, outputs, ograds):
    (x, y), (z,), (gz,) = inputs, outputs, ograds
    dtype = _fdtype(z)
    # Theano 1.0's formula and graph: (gz * y) * x ** (y - 1), with an integer
    # signed-integer exponent kept as it is unless it would widen the
    # gradient's dtype (an unsigned y - 1 would wrap around at 0).
    if ts.upcast(dtype, y.type.dtype) != dtype or y.type.dtype[0] != "i":
        y = _fl(y, dtype)
    x = _fl(x, dtype)
    gx = tm.mul(tm.mul(gz, y), tm.pow(x, tm.sub(y, _c(1, y.type.dtype))))
    gy = tm.mul(gz, tm.log(x), z)
    # 0 ** y: the limit of log(x) * x ** y is 0, not nan.
    gy = tm.switch(tm.eq(x, 0), _c(0, gy.type.dtype), gy)
    return [gx, gy]


def _minmax_grad(inputs, outputs, ograds):
    (x, _), (z,), (gz,) = inputs, outputs, ograds
    # Where both are equal the whole gradient goes to x.
    e = tb.cast(tm.eq(z, x), gz.type.dtype)
    return [tm.mul(e, gz), tm.mul(tm.sub(_c(1, gz.type.dtype), e), gz)]


register_elemwise_grad(ts.Maximum, ts.Minimum)(_minmax_grad)


@register_elemwise_grad(ts.Neg)
def _neg_grad(inputs, outputs, ograds):
    return [tm.neg(ograds[0])]


@register_elemwise_grad(ts.Identity, ts.Conj)
def _identity_grad(inputs, outputs, ograds):
    return [ograds[0]]


@register_elemwise_grad(ts.Cast)
def _cast_grad(inputs, outputs, ograds):
    # Only reached for continuous outputs (discrete ones give zeros).
    return [ograds[0]]


@register_elemwise_grad(ts.Abs)
def _abs_grad(inputs, outputs, ograds):
    (x,), (z,), (gz,) = inputs, outputs, ograds
    if x.type.dtype in ts.complex_dtypes:
        return [tm.true_div(tm.mul(gz, x), z)]
    return [tm.mul(gz, tm.sgn(x))]


@register_elemwise_grad(ts.Second)
def _second_grad(inputs, outputs, ograds):
    # Only the second input's values reach the output; the first gives the shape.
    return [None, ograds[0]]


register_scalar_connection_pattern(ts.Second, lambda node: [[False] * len(node.outputs),
                                                     [True] * len(node.outputs)])


@register_elemwise_grad(ts.Switch)
def _switch_grad(inputs, outputs, ograds):
    c, gz = inputs[0], ograds[0]
    zero = _c(0, gz.type.dtype)
    return [None, tm.switch(c, gz, zero), tm.switch(c, zero, gz)]


@register_elemwise_grad(ts.Clip)
def _clip_grad(inputs, outputs, ograds):
    (x, lo, hi), (gz,) = inputs, ograds
    inside = tm.and_(tm.ge(x, lo), tm.le(x, hi))
    return [tm.mul(tb.cast(inside, gz.type.dtype), gz),
            tm.mul(tb.cast(tm.lt(x, lo), gz.type.dtype), gz),
            tm.mul(tb.cast(tm.gt(x, hi), gz.type.dtype), gz)]


@_binary(ts.ArcTan2)
def _arctan2_grad(y, x, z, gz, dtype):
    r2 = tm.add(tm.sqr(x), tm.sqr(y))
    return [tm.true_div(tm.mul(gz, x), r2), tm.true_div(tm.mul(gz, tm.neg(y)), r2)]


@_binary(ts.Hypot)
def _hypot_grad(x, y, z, gz, dtype):
    return [tm.true_div(tm.mul(gz, x), z), tm.true_div(tm.mul(gz, y), z)]


@register_elemwise_grad(ts.Real)
def _real_grad(inputs, outputs, ograds):
    (x,), (gz,) = inputs, ograds
    if x.type.dtype in ts.complex_dtypes:
        return [tb.cast(gz, x.type.dtype)]
    return [gz]


@register_elemwise_grad(ts.Imag)
def _imag_grad(inputs, outputs, ograds):
    (x,), (gz,) = inputs, ograds
    if x.type.dtype in ts.complex_dtypes:
        return [tm.mul(tb.cast(gz, x.type.dtype), _c(1j, x.type.dtype))]
    return [None]


@register_elemwise_grad(ts.Angle)
def _angle_grad(inputs, outputs, ograds):
    (x,), (gz,) = inputs, ograds
    if x.type.dtype not in ts.complex_dtypes:
        return [None]
    re, im = tm.real(x), tm.imag(x)
    r2 = tm.add(tm.sqr(re), tm.sqr(im))
    g_re = tm.true_div(tm.mul(gz, tm.neg(im)), r2)
    g_im = tm.true_div(tm.mul(gz, re), r2)
    return [tm.add(tb.cast(g_re, x.type.dtype), tm.mul(tb.cast(g_im, x.type.dtype),
                                                      _c(1j, x.type.dtype)))]


_reg_unary(ts.Exp, lambda x, z, gz, d: tm.mul(gz, z))
_reg_unary(ts.Exp2, lambda x, z, gz, d: tm.mul(gz, z, _c(np.log(2.0), d)))
_reg_unary(ts.Expm1, lambda x, z, gz, d: tm.mul(gz, tm.add(z, _c(1, d))))
_reg_unary(ts.Log, lambda x, z, gz, d: tm.true_div(gz, x))
_reg_unary(ts.Log2, lambda x, z, gz, d: tm.true_div(gz, tm.mul(x, _c(np.log(2.0), d))))
_reg_unary(ts.Log10, lambda x, z, gz, d: tm.true_div(gz, tm.mul(x, _c(np.log(10.0), d))))
_reg_unary(ts.Log1p, lambda x, z, gz, d: tm.true_div(gz, tm.add(x, _c(1, d))))
_reg_unary(ts.Sqrt, lambda x, z, gz, d: tm.true_div(tm.mul(gz, _c(0.5, d)), z))
_reg_unary(ts.Sqr, lambda x, z, gz, d: tm.mul(gz, x, _c(2, d)))
_reg_unary(ts.Inv, lambda x, z, gz, d: tm.neg(tm.mul(gz, tm.sqr(z))))
_reg_unary(ts.Sin, lambda x, z, gz, d: tm.mul(gz, tm.cos(x)))
_reg_unary(ts.Cos, lambda x, z, gz, d: tm.neg(tm.mul(gz, tm.sin(x))))
_reg_unary(ts.Tan, lambda x, z, gz, d: tm.true_div(gz, tm.sqr(tm.cos(x))))
_reg_unary(ts.ArcSin, lambda x, z, gz, d: tm.true_div(
    gz, tm.sqrt(tm.sub(_c(1, d), tm.sqr(x)))))
_reg_unary(ts.ArcCos, lambda x, z, gz, d: tm.neg(tm.true_div(
    gz, tm.sqrt(tm.sub(_c(1, d), tm.sqr(x))))))
_reg_unary(ts.ArcTan, lambda x, z, gz, d: tm.true_div(gz, tm.add(_c(1, d), tm.sqr(x))))
_reg_unary(ts.Sinh, lambda x, z, gz, d: tm.mul(gz, tm.cosh(x)))
_reg_unary(ts.Cosh, lambda x, z, gz, d: tm.mul(gz, tm.sinh(x)))
_reg_unary(ts.Tanh, lambda x, z, gz, d: tm.mul(gz, tm.sub(_c(1, d), tm.sqr(z))))
_reg_unary(ts.ArcSinh, lambda x, z, gz, d: tm.true_div(
    gz, tm.sqrt(tm.add(tm.sqr(x), _c(1, d)))))
_reg_unary(ts.ArcCosh, lambda x, z, gz, d: tm.true_div(
    gz, tm.sqrt(tm.sub(tm.sqr(x), _c(1, d)))))
_reg_unary(ts.ArcTanh, lambda x, z, gz, d: tm.true_div(gz, tm.sub(_c(1, d), tm.sqr(x))))
_reg_unary(ts.Deg2Rad, lambda x, z, gz, d: tm.mul(gz, _c(np.pi / 180.0, d)))
_reg_unary(ts.Rad2Deg, lambda x, z, gz, d: tm.mul(gz, _c(180.0 / np.pi, d)))
_reg_unary(ts.Erf, lambda x, z, gz, d: tm.mul(
    gz, _c(2.0 / np.sqrt(np.pi), d), tm.exp(tm.neg(tm.sqr(x)))))
_reg_unary(ts.Erfc, lambda x, z, gz, d: tm.mul(
    gz, _c(-2.0 / np.sqrt(np.pi), d), tm.exp(tm.neg(tm.sqr(x)))))
_reg_unary(ts.Erfinv, lambda x, z, gz, d: tm.mul(
    gz, _c(np.sqrt(np.pi) / 2.0, d), tm.exp(tm.sqr(z))))
_reg_unary(ts.Erfcinv, lambda x, z, gz, d: tm.mul(
    gz, _c(-np.sqrt(np.pi) / 2.0, d), tm.exp(tm.sqr(z))))
_reg_unary(ts.Erfcx, lambda x, z, gz, d: tm.mul(
    gz, tm.sub(tm.mul(_c(2, d), x, z), _c(2.0 / np.sqrt(np.pi), d))))
_reg_unary(ts.Gamma, lambda x, z, gz, d: tm.mul(gz, z, tm.psi(x)))
_reg_unary(ts.GammaLn, lambda x, z, gz, d: tm.mul(gz, tm.psi(x)))
_reg_unary(ts.I0, lambda x, z, gz, d: tm.mul(gz, tm.i1(x)))
_reg_unary(ts.I1, lambda x, z, gz, d: tm.mul(
    gz, tm.sub(tm.i0(x), tm.true_div(z, x))))
_reg_unary(ts.J0, lambda x, z, gz, d: tm.neg(tm.mul(gz, tm.j1(x))))
_reg_unary(ts.J1, lambda x, z, gz, d: tm.mul(
    gz, tm.sub(tm.j0(x), tm.true_div(z, x))))
_reg_unary(ts.ScalarSigmoid, lambda x, z, gz, d: tm.mul(gz, z, tm.sub(_c(1, d), z)))
_reg_unary(ts.ScalarSoftplus, lambda x, z, gz, d: tm.mul(gz, tm.sigmoid(x)))


_reg_unary(ts.Psi, lambda x, z, gz, d: tm.mul(gz, tm.tri_gamma(x)))


@register_elemwise_grad(ts.TriGamma)
def _tri_gamma_grad(inputs, outputs, ograds):
    return [grad_not_implemented(ts.tri_gamma, 0, inputs[0],
                                             "(the tetragamma function is not available)")]


register_grad(Elemwise)(elemwise_L_op)
register_rop(Elemwise)(elemwise_R_op)
register_connection_pattern(Elemwise)(elemwise_connection_pattern)
