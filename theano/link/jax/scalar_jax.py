"""JAX rules of scalar ops, elementwise ops, fused composites and reductions.

Scalar ops get a function of arrays in their own table (:data:`scalar_rules`, keyed
by scalar-op class); ``Elemwise``, ``Composite``, ``CAReduce`` and ``ElemwiseReduce``
build on it.  Output dtypes follow Theano's rules: the caller casts each output to
its variable's dtype, and float-valued functions of integers compute in the output
dtype (``ScalarOp.upcast_inputs``), as the NumPy reference does.
"""
import jax
import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np

from theano.graph.rules import OpRegistry
from theano.link.jax.linker import graph_function
from theano.link.jax.registry import register_jax
from theano.scalar import basic as ts
from theano.tensor.elemwise import CAReduce, DimShuffle, Elemwise
from theano.tensor.fused_reduce import ElemwiseReduce

__all__ = ["scalar_rules", "scalar_function"]

# rule(op) -> fn(*arrays) -> array (or tuple for several outputs)
scalar_rules = OpRegistry("JAX scalar function")


def _fixed(fn):
    return lambda op: fn


_nary = ts._nary   # f(a, b, c) = f(f(a, b), c), as the scalar ops fold


def _table(pairs):
    for classes, fn in pairs:
        if not isinstance(classes, tuple):
            classes = (classes,)
        scalar_rules.register(*classes)(_fixed(fn))


def _round_half_away(x):
    return jnp.sign(x) * jnp.floor(jnp.abs(x) + 0.5)


def _softplus(x):
    return jnp.where(x > 30.0, x + jnp.log1p(jnp.exp(-jnp.abs(x))),
                     jnp.log1p(jnp.exp(jnp.minimum(x, 30.0))))


def _second(a, b):
    return jnp.broadcast_to(b, jnp.broadcast_shapes(jnp.shape(a), jnp.shape(b)))


def _erfcx(x):
    return jnp.exp(x * x) * jsp.erfc(x)


def _i0(x):
    return jsp.i0(x)


_table([
    (ts.Add, _nary(jnp.add)), (ts.Mul, _nary(jnp.multiply)), (ts.Sub, jnp.subtract),
    (ts.TrueDiv, jnp.true_divide), (ts.IntDiv, jnp.floor_divide), (ts.Mod, jnp.mod),
    (ts.Pow, jnp.power), (ts.Minimum, jnp.minimum), (ts.Maximum, jnp.maximum),
    (ts.LT, jnp.less), (ts.GT, jnp.greater), (ts.LE, jnp.less_equal),
    (ts.GE, jnp.greater_equal), (ts.EQ, jnp.equal), (ts.NEQ, jnp.not_equal),
    (ts.AND, _nary(jnp.bitwise_and)), (ts.OR, _nary(jnp.bitwise_or)),
    (ts.XOR, _nary(jnp.bitwise_xor)), (ts.Invert, jnp.invert), (ts.Neg, jnp.negative),
    (ts.Abs, jnp.abs), (ts.Sgn, jnp.sign), (ts.Sqr, jnp.square), (ts.Inv, jnp.reciprocal),
    (ts.Identity, lambda x: x), (ts.Second, _second), (ts.Switch, jnp.where),
    (ts.Clip, jnp.clip), (ts.IsNan, jnp.isnan), (ts.IsInf, jnp.isinf),
    (ts.Floor, jnp.floor), (ts.Ceil, jnp.ceil), (ts.Trunc, jnp.trunc),
    (ts.RoundHalfToEven, jnp.round), (ts.RoundHalfAwayFromZero, _round_half_away),
    (ts.Real, jnp.real), (ts.Imag, jnp.imag), (ts.Angle, jnp.angle), (ts.Conj, jnp.conj),
    (ts.ArcTan2, jnp.arctan2), (ts.Hypot, jnp.hypot), (ts.ScalarSigmoid, jax.nn.sigmoid),
    (ts.ScalarSoftplus, _softplus), (ts.Exp, jnp.exp), (ts.Exp2, jnp.exp2),
    (ts.Expm1, jnp.expm1), (ts.Log, jnp.log), (ts.Log2, jnp.log2), (ts.Log10, jnp.log10),
    (ts.Log1p, jnp.log1p), (ts.Sqrt, jnp.sqrt), (ts.Sin, jnp.sin), (ts.Cos, jnp.cos),
    (ts.Tan, jnp.tan), (ts.ArcSin, jnp.arcsin), (ts.ArcCos, jnp.arccos),
    (ts.ArcTan, jnp.arctan), (ts.Sinh, jnp.sinh), (ts.Cosh, jnp.cosh), (ts.Tanh, jnp.tanh),
    (ts.ArcSinh, jnp.arcsinh), (ts.ArcCosh, jnp.arccosh), (ts.ArcTanh, jnp.arctanh),
    (ts.Deg2Rad, jnp.deg2rad), (ts.Rad2Deg, jnp.rad2deg), (ts.Erf, jsp.erf),
    (ts.Erfc, jsp.erfc), (ts.Erfinv, jsp.erfinv), (ts.Erfcinv, lambda x: jsp.erfinv(1 - x)),
    (ts.Gamma, lambda x: jnp.exp(jsp.gammaln(x)) * jnp.where(
        (x < 0) & (jnp.floor(x) % 2 == 1), -1.0, 1.0)),
    (ts.GammaLn, jsp.gammaln), (ts.Psi, jsp.digamma), (ts.Erfcx, _erfcx), (ts.I0, _i0),
    (ts.I1, jsp.i1), (ts.J0, lambda x: jsp.bessel_jn(x, v=0)[0]),
    (ts.J1, lambda x: jsp.bessel_jn(x, v=1)[1]),
    (ts.TriGamma, lambda x: jsp.polygamma(1, x)),
])


@scalar_rules.register(ts.Cast)
def _cast(op):
    dtype = op.o_dtype
    return lambda x: jnp.asarray(x).astype(dtype)


@scalar_rules.register(ts.Composite)
def _composite(op):
    inner = graph_function(op.inputs, op.outputs, op._nodes)

    def fn(*args):
        outs = inner(*args)
        return outs if len(outs) > 1 else outs[0]
    return fn


def scalar_function(op, out_dtypes=None):
    """The JAX function of scalar op ``op`` on arrays (None when it has no rule).

    With ``out_dtypes``, discrete inputs of a float-valued op are first cast to the
    output dtype, as the NumPy reference does.
    """
    rule = scalar_rules.lookup(op)
    if rule is None:
        return None
    fn = rule(op)
    if out_dtypes and getattr(op, "upcast_inputs", False):
        dt = out_dtypes[0]

        def upcast(*args):
            return fn(*[a.astype(dt) if jnp.asarray(a).dtype.kind in "biu" else a
                        for a in args])
        return upcast
    return fn


@register_jax(ts.ScalarOp)
def _scalar_node(op, node):
    return scalar_function(op, [o.type.dtype for o in node.outputs])


@register_jax(Elemwise)
def _elemwise(op, node):
    return scalar_function(op.scalar_op, [o.type.dtype for o in node.outputs])


@register_jax(DimShuffle)
def _dimshuffle(op, node):
    shuffle, drop, order = tuple(op.shuffle), tuple(op.drop), op.new_order

    def fn(x):
        if drop:
            x = jnp.squeeze(x, axis=drop)
        # Axes kept, renumbered after the drop, then the new broadcastable axes.
        kept = sorted(shuffle)
        x = jnp.transpose(x, [kept.index(a) for a in shuffle])
        shape = list(x.shape)
        out = []
        it = iter(shape)
        for o in order:
            out.append(1 if o == "x" else next(it))
        return jnp.reshape(x, out)
    return fn


_REDUCERS = OpRegistry("JAX reduction")
_REDUCERS.register(ts.Add)(_fixed(jnp.sum))
_REDUCERS.register(ts.Mul)(_fixed(jnp.prod))
_REDUCERS.register(ts.Maximum)(_fixed(jnp.max))
_REDUCERS.register(ts.Minimum)(_fixed(jnp.min))
_REDUCERS.register(ts.AND)(_fixed(lambda x, axis: jnp.bitwise_and.reduce(x, axis=axis)
                                  if x.dtype != jnp.bool_ else jnp.all(x, axis=axis)))
_REDUCERS.register(ts.OR)(_fixed(lambda x, axis: jnp.bitwise_or.reduce(x, axis=axis)
                                 if x.dtype != jnp.bool_ else jnp.any(x, axis=axis)))
_REDUCERS.register(ts.XOR)(_fixed(lambda x, axis: jnp.bitwise_xor.reduce(x, axis=axis)))

_ACC = dict(bool="int64", int8="int64", int16="int64", int32="int64", uint8="uint64",
            uint16="uint64", uint32="uint64", float16="float32", float32="float64",
            complex64="complex128")


def _reduction(careduce, in_dtype, out_dtype):
    rule = _REDUCERS.lookup(careduce.scalar_op)
    if rule is None:
        return None
    red = rule(careduce.scalar_op)
    axis = careduce.axis
    sums = isinstance(careduce.scalar_op, (ts.Add, ts.Mul))
    acc = careduce.acc_dtype or _ACC.get(in_dtype, in_dtype)

    def fn(x):
        if sums:
            return red(x.astype(acc), axis=axis).astype(out_dtype)
        return red(x, axis=axis).astype(out_dtype)
    return fn


@register_jax(CAReduce)
def _careduce(op, node):
    return _reduction(op, node.inputs[0].type.dtype, node.outputs[0].type.dtype)


@register_jax(ElemwiseReduce)
def _elemwise_reduce(op, node):
    ew, red = op._inner([i.type() for i in node.inputs])
    f = scalar_function(op.scalar_op, [ew.outputs[0].type.dtype])
    r = _reduction(red.op, ew.outputs[0].type.dtype, node.outputs[0].type.dtype)
    if f is None or r is None:
        return None
    return lambda *xs: r(jnp.asarray(f(*xs)).astype(ew.outputs[0].type.dtype))
