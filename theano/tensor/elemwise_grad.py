"""Gradients (``L_op``/``R_op``) of :class:`~theano.tensor.elemwise.Elemwise` ops.

Each scalar op class has a *rule* working directly on tensors::

    rule(inputs, outputs, output_grads) -> one entry per input

An entry is the elementwise gradient term (it may broadcast to the output
shape), ``None`` for a zero gradient, or a NullType/DisconnectedType
variable.  :func:`elemwise_L_op` then sums each term over the dimensions
its input was broadcast along.  Rules reuse the forward outputs (``exp``,
``tanh``, ``sigmoid``...), so the gradient graph recomputes nothing.

Other modules add rules for their scalar ops with
:func:`register_elemwise_grad`.
"""
import numpy as np
import scipy.special as sps

import theano.scalar.basic as ts
from theano.configparser import config

__all__ = ["register_elemwise_grad", "register_connection_pattern", "elemwise_L_op",
           "elemwise_R_op", "elemwise_connection_pattern", "TriGamma", "tri_gamma"]

_RULES = {}
_PATTERNS = {}


def register_elemwise_grad(*scalar_op_classes):
    """Decorator: ``rule(inputs, outputs, output_grads)`` is the gradient of these classes."""
    def deco(rule):
        for cls in scalar_op_classes:
            _RULES[cls] = rule
        return rule
    return deco


def register_connection_pattern(scalar_op_class, fn):
    """``fn(node) -> list of lists of bool`` is the connection pattern of the class."""
    _PATTERNS[scalar_op_class] = fn


def _lookup(table, scalar_op):
    for cls in type(scalar_op).__mro__:
        if cls in table:
            return table[cls]
    return None


def _T():
    import theano.tensor as T
    return T


def _grad_mod():
    from theano import gradient
    return gradient


def _c(value, dtype):
    """A 0-d constant of ``dtype`` (so float32 graphs stay float32)."""
    return _T().constant(np.asarray(value, dtype=dtype))


def _fdtype(*vs):
    """The float dtype gradients are computed in (the outputs' dtype, or floatX)."""
    for v in vs:
        if v.type.dtype in ts.continuous_dtypes:
            return v.type.dtype
    return config.floatX


def _fl(x, dtype):
    """``x`` cast to ``dtype`` when it is integer-valued (gradient formulas need floats)."""
    if x.type.dtype in ts.discrete_dtypes:
        return _T().cast(x, dtype)
    return x


# ---------------------------------------------------------------------------
# The driver methods Elemwise delegates to
# ---------------------------------------------------------------------------
def elemwise_connection_pattern(op, node):
    fn = _lookup(_PATTERNS, op.scalar_op)
    if fn is not None:
        return fn(node)
    return [[True] * len(node.outputs) for _ in node.inputs]


def _zeros(x):
    T = _T()
    dtype = x.type.dtype if x.type.dtype in ts.continuous_dtypes else config.floatX
    return T.zeros_like(x, dtype=dtype)


def _apply_rule(op, inputs, outputs, ograds):
    rule = _lookup(_RULES, op.scalar_op)
    if rule is None:
        rule = getattr(op.scalar_op, "tensor_grad", None)
    if rule is None:
        gm = _grad_mod()
        return [gm.grad_not_implemented(op, i, x, "(no gradient rule is registered for the "
                                        "scalar op %s)" % op.scalar_op)
                for i, x in enumerate(inputs)]
    res = rule(inputs, outputs, ograds)
    if len(res) != len(inputs):
        raise ValueError("the gradient rule of %s returned %d terms for %d inputs"
                         % (op.scalar_op, len(res), len(inputs)))
    return list(res)


def elemwise_L_op(op, inputs, outputs, ograds):
    """Gradient of an Elemwise node: the scalar rule, summed over broadcast dimensions."""
    T = _T()
    gm = _grad_mod()
    pattern = elemwise_connection_pattern(op, _FakeNode(inputs, outputs))
    connected_out = [not gm._is_disc(g) for g in ograds]
    in_connected = [any(p and c for p, c in zip(row, connected_out)) for row in pattern]
    if all(o.type.dtype in ts.discrete_dtypes
           for o, c in zip(outputs, connected_out) if c):
        # Integer-valued outputs are piecewise constant: zero gradient.
        return [_zeros(x) if c else gm.disconnected_type()
                for x, c in zip(inputs, in_connected)]
    if isinstance(op.scalar_op, ts.Composite):
        return _composite_grad(op, inputs, outputs, ograds, in_connected)
    # Disconnected output gradients stand for zeros in the rules.
    ograds = [g if c else T.zeros_like(o) for g, o, c in zip(ograds, outputs, connected_out)]
    terms = _apply_rule(op, inputs, outputs, ograds)
    out_b = outputs[0].type.broadcastable
    rval = []
    for x, r, c in zip(inputs, terms, in_connected):
        if not c:
            rval.append(gm.disconnected_type())
            continue
        if r is None:
            rval.append(_zeros(x))
            continue
        if gm._is_null(r) or gm._is_disc(r):
            rval.append(r)
            continue
        if r.type.ndim < x.type.ndim:
            r = T.shape_padleft(r, x.type.ndim - r.type.ndim)
        to_sum = [j for j, b in enumerate(x.type.broadcastable)
                  if b and not (out_b[j] and r.type.broadcastable[j])]
        if to_sum:
            r = T.sum(r, axis=to_sum, keepdims=True)
        if x.type.dtype in ts.float_dtypes and r.type.dtype in ts.float_dtypes and \
                r.type.dtype != x.type.dtype:
            r = T.cast(r, x.type.dtype)
        rval.append(r)
    return rval


class _FakeNode:
    """Just enough of an Apply for connection-pattern functions."""

    def __init__(self, inputs, outputs):
        self.inputs, self.outputs = inputs, outputs


def elemwise_R_op(op, inputs, eval_points):
    """Directional derivative: sum over inputs of (d out / d input) * eval_point."""
    T = _T()
    gm = _grad_mod()
    if op.inplace_pattern:
        # Recompute the outputs without destroying an input.
        from theano.tensor.elemwise import Elemwise
        op = Elemwise(op.scalar_op)
    outs = op(*inputs, return_list=True)
    rval = []
    for idx, out in enumerate(outs):
        if out.type.dtype in ts.discrete_dtypes:
            rval.append(_zeros(out))
            continue
        ograds = [T.zeros_like(o) for o in outs]
        ograds[idx] = T.ones_like(out)
        if isinstance(op.scalar_op, ts.Composite):
            bgrads = _composite_bgrads(op, inputs, outs, ograds)
        else:
            bgrads = _apply_rule(op, inputs, outs, ograds)
        acc = None
        for b, ev in zip(bgrads, eval_points):
            if b is None or ev is None or gm._is_disc(b) or getattr(ev.tag, "rop_zero", False):
                continue
            if gm._is_null(b):
                raise NotImplementedError("R_op of %s: the derivative w.r.t. one input is "
                                          "undefined: %s" % (op, b.type.why_null))
            term = b * ev
            acc = term if acc is None else acc + term
        if acc is not None and acc.type.dtype != out.type.dtype and \
                out.type.dtype in ts.float_dtypes and acc.type.dtype in ts.float_dtypes:
            acc = T.cast(acc, out.type.dtype)
        if acc is not None and acc.type.broadcastable != out.type.broadcastable:
            if any(a and not b for a, b in zip(acc.type.broadcastable,
                                               out.type.broadcastable)):
                acc = acc + T.zeros_like(out)  # only broadcast inputs moved
            acc = gm._match_bcast(acc, out)
        rval.append(acc)
    return rval


def _expand_composite(op, inputs):
    """Rebuild the inner scalar graph of a Composite as Elemwise nodes on ``inputs``."""
    from theano.tensor.elemwise import Elemwise
    comp = op.scalar_op
    env = dict(zip(comp.inputs, inputs))
    for node in comp._nodes:
        args = [env[i] if i in env else _c(i.data, i.type.dtype) for i in node.inputs]
        outs = Elemwise(node.op)(*args, return_list=True)
        env.update(zip(node.outputs, outs))
    return [env[o] if o in env else _c(o.data, o.type.dtype) for o in comp.outputs]


def _composite_grad(op, inputs, outputs, ograds, in_connected):
    gm = _grad_mod()
    new_outs = _expand_composite(op, inputs)
    known = {}
    for o, g in zip(new_outs, ograds):
        if not gm._is_disc(g):
            known[o] = g if o not in known else known[o] + g
    res = gm.grad(None, list(inputs), known_grads=known, consider_constant=list(inputs),
                  disconnected_inputs="ignore", return_disconnected="Disconnected",
                  null_gradients="return")
    return [r if c else gm.disconnected_type() for r, c in zip(res, in_connected)]


def _composite_bgrads(op, inputs, outputs, ograds):
    """Unreduced elementwise derivatives of a Composite (for R_op)."""
    gm = _grad_mod()
    T = _T()
    # Broadcast every input to the output shape first: the gradient w.r.t.
    # the broadcast copies is then the elementwise derivative.
    ob = outputs[0].type.broadcastable
    full = [x if x.type.broadcastable == ob else
            T.add(x, T.zeros_like(outputs[0], dtype=x.type.dtype)) for x in inputs]
    new_outs = _expand_composite(op, full)
    known = dict(zip(new_outs, ograds))
    return gm.grad(None, full, known_grads=known, consider_constant=full,
                   disconnected_inputs="ignore", return_disconnected="Disconnected",
                   null_gradients="return")


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
    return [gz, _T().neg(gz)]


@register_elemwise_grad(ts.Mul)
def _mul_grad(inputs, outputs, ograds):
    T = _T()
    gz = ograds[0]
    dtype = _fdtype(outputs[0])
    rval = []
    for i in range(len(inputs)):
        others = [_fl(x, dtype) for j, x in enumerate(inputs) if j != i]
        rval.append(T.mul(gz, *others) if others else gz)
    return rval


@_binary(ts.TrueDiv)
def _true_div_grad(x, y, z, gz, dtype):
    T = _T()
    return [T.true_div(gz, y), T.neg(T.true_div(T.mul(gz, x), T.mul(y, y)))]


@register_elemwise_grad(ts.IntDiv, ts.Sgn, ts.Floor, ts.Ceil, ts.Trunc, ts.RoundHalfToEven,
                        ts.RoundHalfAwayFromZero)
def _zero_grad(inputs, outputs, ograds):
    # Piecewise constant: the derivative is zero wherever it exists.
    return [None] * len(inputs)


@_binary(ts.Mod)
def _mod_grad(x, y, z, gz, dtype):
    T = _T()
    return [gz, T.neg(T.mul(T.int_div(x, y), gz))]


@_binary(ts.Pow)
def _pow_grad(x, y, z, gz, dtype):
    T = _T()
    gx = T.mul(gz, y, T.pow(x, T.sub(y, _c(1, y.type.dtype))))
    gy = T.mul(gz, T.log(x), z)
    # 0 ** y: the limit of log(x) * x ** y is 0, not nan.
    gy = T.switch(T.eq(x, 0), _c(0, gy.type.dtype), gy)
    return [gx, gy]


def _minmax_grad(inputs, outputs, ograds):
    T = _T()
    (x, _), (z,), (gz,) = inputs, outputs, ograds
    # Where both are equal the whole gradient goes to x.
    e = T.cast(T.eq(z, x), gz.type.dtype)
    return [T.mul(e, gz), T.mul(T.sub(_c(1, gz.type.dtype), e), gz)]


register_elemwise_grad(ts.Maximum, ts.Minimum)(_minmax_grad)


@register_elemwise_grad(ts.Neg)
def _neg_grad(inputs, outputs, ograds):
    return [_T().neg(ograds[0])]


@register_elemwise_grad(ts.Identity, ts.Conj)
def _identity_grad(inputs, outputs, ograds):
    return [ograds[0]]


@register_elemwise_grad(ts.Cast)
def _cast_grad(inputs, outputs, ograds):
    # Only reached for continuous outputs (discrete ones give zeros).
    return [ograds[0]]


@register_elemwise_grad(ts.Abs)
def _abs_grad(inputs, outputs, ograds):
    T = _T()
    (x,), (z,), (gz,) = inputs, outputs, ograds
    if x.type.dtype in ts.complex_dtypes:
        return [T.true_div(T.mul(gz, x), z)]
    return [T.mul(gz, T.sgn(x))]


@register_elemwise_grad(ts.Second)
def _second_grad(inputs, outputs, ograds):
    # Only the second input's values reach the output; the first gives the shape.
    return [None, ograds[0]]


register_connection_pattern(ts.Second, lambda node: [[False] * len(node.outputs),
                                                     [True] * len(node.outputs)])


@register_elemwise_grad(ts.Switch)
def _switch_grad(inputs, outputs, ograds):
    T = _T()
    c, gz = inputs[0], ograds[0]
    zero = _c(0, gz.type.dtype)
    return [None, T.switch(c, gz, zero), T.switch(c, zero, gz)]


@register_elemwise_grad(ts.Clip)
def _clip_grad(inputs, outputs, ograds):
    T = _T()
    (x, lo, hi), (gz,) = inputs, ograds
    inside = T.and_(T.ge(x, lo), T.le(x, hi))
    return [T.mul(T.cast(inside, gz.type.dtype), gz),
            T.mul(T.cast(T.lt(x, lo), gz.type.dtype), gz),
            T.mul(T.cast(T.gt(x, hi), gz.type.dtype), gz)]


@_binary(ts.ArcTan2)
def _arctan2_grad(y, x, z, gz, dtype):
    T = _T()
    r2 = T.add(T.sqr(x), T.sqr(y))
    return [T.true_div(T.mul(gz, x), r2), T.true_div(T.mul(gz, T.neg(y)), r2)]


@_binary(ts.Hypot)
def _hypot_grad(x, y, z, gz, dtype):
    T = _T()
    return [T.true_div(T.mul(gz, x), z), T.true_div(T.mul(gz, y), z)]


@register_elemwise_grad(ts.Real)
def _real_grad(inputs, outputs, ograds):
    T = _T()
    (x,), (gz,) = inputs, ograds
    if x.type.dtype in ts.complex_dtypes:
        return [T.cast(gz, x.type.dtype)]
    return [gz]


@register_elemwise_grad(ts.Imag)
def _imag_grad(inputs, outputs, ograds):
    T = _T()
    (x,), (gz,) = inputs, ograds
    if x.type.dtype in ts.complex_dtypes:
        return [T.mul(T.cast(gz, x.type.dtype), _c(1j, x.type.dtype))]
    return [None]


@register_elemwise_grad(ts.Angle)
def _angle_grad(inputs, outputs, ograds):
    T = _T()
    (x,), (gz,) = inputs, ograds
    if x.type.dtype not in ts.complex_dtypes:
        return [None]
    re, im = T.real(x), T.imag(x)
    r2 = T.add(T.sqr(re), T.sqr(im))
    g_re = T.true_div(T.mul(gz, T.neg(im)), r2)
    g_im = T.true_div(T.mul(gz, re), r2)
    return [T.add(T.cast(g_re, x.type.dtype), T.mul(T.cast(g_im, x.type.dtype),
                                                      _c(1j, x.type.dtype)))]


def _T_unary(name):
    return lambda *a: getattr(_T(), name)(*a)


_M = _T_unary  # shorthand: _M('exp')(x) is T.exp(x)

_reg_unary(ts.Exp, lambda x, z, gz, d: _M("mul")(gz, z))
_reg_unary(ts.Exp2, lambda x, z, gz, d: _M("mul")(gz, z, _c(np.log(2.0), d)))
_reg_unary(ts.Expm1, lambda x, z, gz, d: _M("mul")(gz, _M("add")(z, _c(1, d))))
_reg_unary(ts.Log, lambda x, z, gz, d: _M("true_div")(gz, x))
_reg_unary(ts.Log2, lambda x, z, gz, d: _M("true_div")(gz, _M("mul")(x, _c(np.log(2.0), d))))
_reg_unary(ts.Log10, lambda x, z, gz, d: _M("true_div")(gz, _M("mul")(x, _c(np.log(10.0), d))))
_reg_unary(ts.Log1p, lambda x, z, gz, d: _M("true_div")(gz, _M("add")(x, _c(1, d))))
_reg_unary(ts.Sqrt, lambda x, z, gz, d: _M("true_div")(_M("mul")(gz, _c(0.5, d)), z))
_reg_unary(ts.Sqr, lambda x, z, gz, d: _M("mul")(gz, x, _c(2, d)))
_reg_unary(ts.Inv, lambda x, z, gz, d: _M("neg")(_M("mul")(gz, _M("sqr")(z))))
_reg_unary(ts.Sin, lambda x, z, gz, d: _M("mul")(gz, _M("cos")(x)))
_reg_unary(ts.Cos, lambda x, z, gz, d: _M("neg")(_M("mul")(gz, _M("sin")(x))))
_reg_unary(ts.Tan, lambda x, z, gz, d: _M("true_div")(gz, _M("sqr")(_M("cos")(x))))
_reg_unary(ts.ArcSin, lambda x, z, gz, d: _M("true_div")(
    gz, _M("sqrt")(_M("sub")(_c(1, d), _M("sqr")(x)))))
_reg_unary(ts.ArcCos, lambda x, z, gz, d: _M("neg")(_M("true_div")(
    gz, _M("sqrt")(_M("sub")(_c(1, d), _M("sqr")(x))))))
_reg_unary(ts.ArcTan, lambda x, z, gz, d: _M("true_div")(gz, _M("add")(_c(1, d), _M("sqr")(x))))
_reg_unary(ts.Sinh, lambda x, z, gz, d: _M("mul")(gz, _M("cosh")(x)))
_reg_unary(ts.Cosh, lambda x, z, gz, d: _M("mul")(gz, _M("sinh")(x)))
_reg_unary(ts.Tanh, lambda x, z, gz, d: _M("mul")(gz, _M("sub")(_c(1, d), _M("sqr")(z))))
_reg_unary(ts.ArcSinh, lambda x, z, gz, d: _M("true_div")(
    gz, _M("sqrt")(_M("add")(_M("sqr")(x), _c(1, d)))))
_reg_unary(ts.ArcCosh, lambda x, z, gz, d: _M("true_div")(
    gz, _M("sqrt")(_M("sub")(_M("sqr")(x), _c(1, d)))))
_reg_unary(ts.ArcTanh, lambda x, z, gz, d: _M("true_div")(gz, _M("sub")(_c(1, d), _M("sqr")(x))))
_reg_unary(ts.Deg2Rad, lambda x, z, gz, d: _M("mul")(gz, _c(np.pi / 180.0, d)))
_reg_unary(ts.Rad2Deg, lambda x, z, gz, d: _M("mul")(gz, _c(180.0 / np.pi, d)))
_reg_unary(ts.Erf, lambda x, z, gz, d: _M("mul")(
    gz, _c(2.0 / np.sqrt(np.pi), d), _M("exp")(_M("neg")(_M("sqr")(x)))))
_reg_unary(ts.Erfc, lambda x, z, gz, d: _M("mul")(
    gz, _c(-2.0 / np.sqrt(np.pi), d), _M("exp")(_M("neg")(_M("sqr")(x)))))
_reg_unary(ts.Erfinv, lambda x, z, gz, d: _M("mul")(
    gz, _c(np.sqrt(np.pi) / 2.0, d), _M("exp")(_M("sqr")(z))))
_reg_unary(ts.Erfcinv, lambda x, z, gz, d: _M("mul")(
    gz, _c(-np.sqrt(np.pi) / 2.0, d), _M("exp")(_M("sqr")(z))))
_reg_unary(ts.Erfcx, lambda x, z, gz, d: _M("mul")(
    gz, _M("sub")(_M("mul")(_c(2, d), x, z), _c(2.0 / np.sqrt(np.pi), d))))
_reg_unary(ts.Gamma, lambda x, z, gz, d: _M("mul")(gz, z, _M("psi")(x)))
_reg_unary(ts.GammaLn, lambda x, z, gz, d: _M("mul")(gz, _M("psi")(x)))
_reg_unary(ts.I0, lambda x, z, gz, d: _M("mul")(gz, _M("i1")(x)))
_reg_unary(ts.I1, lambda x, z, gz, d: _M("mul")(
    gz, _M("sub")(_M("i0")(x), _M("true_div")(z, x))))
_reg_unary(ts.J0, lambda x, z, gz, d: _M("neg")(_M("mul")(gz, _M("j1")(x))))
_reg_unary(ts.J1, lambda x, z, gz, d: _M("mul")(
    gz, _M("sub")(_M("j0")(x), _M("true_div")(z, x))))
_reg_unary(ts.ScalarSigmoid, lambda x, z, gz, d: _M("mul")(gz, z, _M("sub")(_c(1, d), z)))
_reg_unary(ts.ScalarSoftplus, lambda x, z, gz, d: _M("mul")(gz, _M("sigmoid")(x)))


class TriGamma(ts.ScalarOp):
    """The trigamma function (derivative of ``psi``), used by the gradient of ``psi``."""

    nfunc = staticmethod(lambda x: _guarded_polygamma(1, x))
    output_types_preference = staticmethod(ts.upgrade_to_float_no_complex)


def _guarded_polygamma(n, x):
    with np.errstate(all="ignore"):
        return sps.polygamma(n, x)


tri_gamma = TriGamma()
_tri_gamma_elemwise = None


def _tri_gamma_tensor(x):
    global _tri_gamma_elemwise
    if _tri_gamma_elemwise is None:
        from theano.tensor.elemwise import Elemwise
        _tri_gamma_elemwise = Elemwise(tri_gamma, name="tri_gamma")
    return _tri_gamma_elemwise(x)


_reg_unary(ts.Psi, lambda x, z, gz, d: _M("mul")(gz, _tri_gamma_tensor(x)))


@register_elemwise_grad(TriGamma)
def _tri_gamma_grad(inputs, outputs, ograds):
    return [_grad_mod().grad_not_implemented(tri_gamma, 0, inputs[0],
                                             "(the tetragamma function is not available)")]
