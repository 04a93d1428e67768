"""Scalar ops: the building blocks of elementwise kernels.

Each scalar op knows its output dtype rule and a NumPy implementation that
works on whole arrays (``nfunc``); :class:`theano.tensor.elemwise.Elemwise`
lifts it to tensors.  Backends (C code, gradients) attach their rules from
outside, keyed by the op's class.
"""
import numpy as np
import scipy.special as sps

from theano.configparser import config
from theano.graph.basic import Apply, Constant, Variable, clone, io_toposort
from theano.graph.op import Op
from theano.graph.type import Type

int_dtypes = ("int8", "int16", "int32", "int64")
uint_dtypes = ("uint8", "uint16", "uint32", "uint64")
float_dtypes = ("float16", "float32", "float64")
complex_dtypes = ("complex64", "complex128")
integer_dtypes = int_dtypes + uint_dtypes
discrete_dtypes = ("bool",) + integer_dtypes
continuous_dtypes = float_dtypes + complex_dtypes
all_dtypes = discrete_dtypes + continuous_dtypes


def upcast(dtype, *dtypes):
    """The dtype NumPy gives to an operation mixing ``dtypes`` (no value-based casting)."""
    rval = np.result_type(dtype, *dtypes).name
    if config.cast_policy == "numpy+floatX" and rval == "float64" and config.floatX == "float32":
        if not any(d == "float64" for d in (dtype,) + dtypes):
            rval = "float32"
    return rval


class ScalarType(Type):
    """A 0-d value of a given dtype (used inside fused elementwise kernels)."""

    __props__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = np.dtype(dtype).name

    def filter(self, data, strict=False, allow_downcast=None):
        if strict and not (isinstance(data, np.generic) and data.dtype == self.dtype):
            raise TypeError("%s expected a %s scalar, got %r" % (self, self.dtype, data))
        arr = np.asarray(data)
        if arr.ndim != 0:
            raise TypeError("%s expected a scalar, got shape %s" % (self, arr.shape))
        return arr.astype(self.dtype)[()]

    def __str__(self):
        return self.dtype


def get_scalar_type(dtype):
    return ScalarType(dtype)


# -- output dtype rules ------------------------------------------------------
def upcast_out(*types):
    return (upcast(*types),)


class ComplexError(NotImplementedError):
    """An operation NumPy does not define on complex numbers (Theano 1.0's name)."""


def upcast_out_nobool(*types):
    d = upcast(*types)
    if d == "bool":  # as Theano 1.0 and NumPy: no bool - bool, -bool
        raise TypeError("bool inputs are not supported here (got %s); cast them to an "
                        "integer dtype first" % (types,))
    return (d,)


def _upcast_bool_to_int8(*types):
    d = upcast(*types)
    return ("int8",) if d == "bool" else (d,)


def _same_out_no_bool_no_complex(*types):
    if types[0] == "bool" or types[0] in complex_dtypes:
        raise TypeError("%s inputs are not supported here" % types[0])
    return (types[0],)


def _upcast_out_no_complex_div(*types):
    d = upcast(*types)
    if d in complex_dtypes:
        raise ComplexError("Theano does not support %% and // on complex numbers, since NumPy "
                           "deprecated it (got %s)" % (types,))
    return (d,)


def same_out(*types):
    return (types[0],)


def bool_out(*types):
    return ("bool",)


def upgrade_to_float(*types):
    """Integers become floats: (u)int8/16 and bool -> float32, wider ones -> float64."""
    conv = {"bool": "float32", "int8": "float32", "int16": "float32", "uint8": "float32",
            "uint16": "float32", "int32": "float64", "int64": "float64",
            "uint32": "float64", "uint64": "float64"}
    return (upcast(*[conv.get(t, t) for t in types]),)


def upgrade_to_float_no_complex(*types):
    for t in types:
        if t in complex_dtypes:
            raise TypeError("complex inputs are not supported here (got %s)" % t)
    return upgrade_to_float(*types)


def float_out_of_complex(*types):
    d = upcast(*types)
    return ({"complex64": "float32", "complex128": "float64"}.get(d, d),)


def switch_out(cond, a, b):
    return (upcast(a, b),)


def clip_out(x, lo, hi):
    d = upcast(x, lo, hi)
    if d in complex_dtypes:  # complex numbers are not ordered (TypeError in Theano 1.0)
        raise TypeError("clip does not support complex inputs (got %s)" % ((x, lo, hi),))
    return (d,)


def second_out(a, b):
    return (b,)


def int_or_bool_out(*types):
    d = upcast(*types)
    if d not in discrete_dtypes:
        raise TypeError("bitwise operations need integer or bool inputs, got %s" % (types,))
    return (d,)


# -- the ops -----------------------------------------------------------------
class ScalarOp(Op):
    """A scalar operation with a dtype rule and a NumPy array implementation."""

    __props__ = ()
    nin = 1
    nout = 1
    output_types_preference = staticmethod(upcast_out)
    nfunc = None  # array function: nfunc(*arrays) -> array(s)
    commutative = False
    associative = False
    identity = None  # for reductions: the neutral element
    reducer = None  # for reductions: the NumPy function reducing an array along axes
    reduce_name = None  # how a reduction by this op prints (Theano 1.0's names: Sum, Max...)
    upcast_inputs = False  # cast discrete inputs to the output dtype before nfunc

    ufunc = None  # the NumPy ufunc computing it into an ``out=`` array (in-place ops)
    _name = None

    def __init_subclass__(cls, nfunc=None, pref=None, **attrs):
        # The class keywords give the array function, the output dtype rule
        # ("pref") and any other attribute: see the op classes below.
        super().__init_subclass__()
        if nfunc is not None:
            cls.nfunc = staticmethod(nfunc)
        if pref is not None:
            cls.output_types_preference = staticmethod(pref)
            # Float-valued functions of integers compute in the output dtype:
            # NumPy would evaluate int8 inputs in float16 and lose precision.
            attrs.setdefault("upcast_inputs",
                             pref in (upgrade_to_float, upgrade_to_float_no_complex))
        if "reducer" in attrs:
            attrs["reducer"] = staticmethod(attrs["reducer"])
        for key, value in attrs.items():
            setattr(cls, "_name" if key == "name" else key, value)

    @property
    def name(self):
        return self._name or type(self).__name__.lower()

    def output_dtypes(self, *dtypes):
        if self.nin >= 0 and len(dtypes) != self.nin:
            raise TypeError("%s takes %d inputs, got %d" % (self, self.nin, len(dtypes)))
        return self.output_types_preference(*dtypes)

    def make_node(self, *inputs):
        inputs = [as_scalar(i) for i in inputs]
        outs = [ScalarType(d)() for d in self.output_dtypes(*[i.type.dtype for i in inputs])]
        return Apply(self, inputs, outs)

    def impl(self, *values):
        out = self.nfunc(*[np.asarray(v) for v in values])
        return out

    def perform(self, node, inputs, output_storage):
        outs = self.impl(*inputs)
        if self.nout == 1:
            outs = (outs,)
        for cell, v, o in zip(output_storage, outs, node.outputs):
            cell[0] = np.asarray(v, dtype=o.type.dtype)[()]

    def __str__(self):
        return self.name


def _nary(fn):
    def apply(*args):
        out = args[0]
        for a in args[1:]:
            out = fn(out, a)
        return out
    return apply


def _safe_int_div(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.floor_divide(x, y)


def _true_div(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.true_divide(x, y)


def _mod(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.mod(x, y)


def _guarded(fn):
    """Wrap a NumPy function so domain errors give NaN/inf silently, as in C."""
    def call(*args):
        with np.errstate(all="ignore"):
            return fn(*args)
    call.__name__ = getattr(fn, "__name__", "fn")
    return call


def _sigmoid(x):
    return sps.expit(x)


def _softplus(x):
    # log1p(exp(x)) without overflow: x + log1p(exp(-x)) for large x.
    x = np.asarray(x)
    with np.errstate(over="ignore"):
        return np.where(x > 30.0, x + np.log1p(np.exp(-np.abs(x))), np.log1p(np.exp(np.minimum(x, 30.0))))


def _sgn(x):
    return np.sign(x)


def _second(a, b):
    return np.broadcast_to(b, np.broadcast_shapes(np.shape(a), np.shape(b))).copy()


def _pow(x, y):
    with np.errstate(all="ignore"):
        x, y = np.asarray(x), np.asarray(y)
        if y.dtype.kind in "iu" and x.dtype.kind in "iu" and (y < 0).any():
            raise ValueError("Integers to negative integer powers are not allowed "
                             "(cast the base to a float dtype first)")
        return np.power(x, y)


class Add(ScalarOp, nfunc=_nary(np.add), pref=upcast_out, nin=-1, commutative=True,
          associative=True, identity=0, ufunc=np.add,
          reducer=np.sum, reduce_name="Sum"):
    """``x + y + ...``."""


add = Add()


class Mul(ScalarOp, nfunc=_nary(np.multiply), pref=upcast_out, nin=-1, commutative=True,
          associative=True, identity=1, ufunc=np.multiply,
          reducer=np.prod, reduce_name="Prod"):
    """``x * y * ...``."""


mul = Mul()


class Sub(ScalarOp, nfunc=np.subtract, pref=upcast_out_nobool, nin=2, ufunc=np.subtract):
    """``x - y``."""


sub = Sub()


class TrueDiv(ScalarOp, nfunc=_true_div, pref=upgrade_to_float, nin=2, ufunc=np.true_divide):
    """``x / y`` (always a float)."""


true_div = TrueDiv()


class IntDiv(ScalarOp, nfunc=_safe_int_div, pref=_upcast_out_no_complex_div, nin=2,
             ufunc=np.floor_divide):
    """``x // y`` (floor division)."""


int_div = IntDiv()


class Mod(ScalarOp, nfunc=_mod, pref=_upcast_out_no_complex_div, nin=2, ufunc=np.mod):
    """``x % y`` (sign of the divisor, as NumPy)."""


mod = Mod()


class Pow(ScalarOp, nfunc=_pow, pref=upcast_out, nin=2):
    """``x ** y``."""


pow = Pow()


class Minimum(ScalarOp, nfunc=np.minimum, pref=upcast_out, nin=2, commutative=True,
              associative=True, identity=np.inf, ufunc=np.minimum,
              reducer=np.min, reduce_name="Min"):
    """Elementwise minimum (NaN-propagating)."""


minimum = Minimum()


class Maximum(ScalarOp, nfunc=np.maximum, pref=upcast_out, nin=2, commutative=True,
              associative=True, identity=-np.inf, ufunc=np.maximum,
              reducer=np.max, reduce_name="Max"):
    """Elementwise maximum (NaN-propagating)."""


maximum = Maximum()


class LT(ScalarOp, nfunc=np.less, pref=bool_out, nin=2):
    """``x < y``."""


lt = LT()


class GT(ScalarOp, nfunc=np.greater, pref=bool_out, nin=2):
    """``x > y``."""


gt = GT()


class LE(ScalarOp, nfunc=np.less_equal, pref=bool_out, nin=2):
    """``x <= y``."""


le = LE()


class GE(ScalarOp, nfunc=np.greater_equal, pref=bool_out, nin=2):
    """``x >= y``."""


ge = GE()


class EQ(ScalarOp, nfunc=np.equal, pref=bool_out, nin=2, commutative=True):
    """``x == y``."""


eq = EQ()


class NEQ(ScalarOp, nfunc=np.not_equal, pref=bool_out, nin=2, commutative=True):
    """``x != y``."""


neq = NEQ()


class AND(ScalarOp, nfunc=_nary(np.bitwise_and), pref=int_or_bool_out, nin=-1, commutative=True,
          associative=True, identity=True,
          reducer=np.all, reduce_name="All"):
    """Bitwise/logical and."""


and_ = AND()


class OR(ScalarOp, nfunc=_nary(np.bitwise_or), pref=int_or_bool_out, nin=-1, commutative=True,
         associative=True, identity=False,
         reducer=np.any, reduce_name="Any"):
    """Bitwise/logical or."""


or_ = OR()


class XOR(ScalarOp, nfunc=_nary(np.bitwise_xor), pref=int_or_bool_out, nin=-1, commutative=True,
          associative=True, identity=False):
    """Bitwise/logical exclusive or."""


xor = XOR()


class Invert(ScalarOp, nfunc=np.invert, pref=int_or_bool_out):
    """Bitwise/logical not."""


invert = Invert()


class Neg(ScalarOp, nfunc=np.negative, pref=upcast_out_nobool, ufunc=np.negative):
    """``-x``."""


neg = Neg()


class Abs(ScalarOp, nfunc=np.abs, pref=float_out_of_complex):
    """``|x|`` (the modulus for complex)."""


abs_ = Abs()


class Sgn(ScalarOp, nfunc=_sgn, pref=_same_out_no_bool_no_complex, ufunc=np.sign):
    """The sign of ``x`` (-1, 0 or 1)."""


sgn = Sgn()


class Sqr(ScalarOp, nfunc=np.square, pref=_upcast_bool_to_int8, ufunc=np.square):
    """``x * x``."""


sqr = Sqr()


class Inv(ScalarOp, nfunc=_guarded(np.reciprocal), pref=upgrade_to_float, ufunc=np.reciprocal):
    """``1 / x``."""


inv = Inv()


class Identity(ScalarOp, nfunc=np.copy, pref=same_out, ufunc=np.positive):
    """``x`` unchanged (a copy)."""


identity = Identity()


class Second(ScalarOp, nfunc=_second, pref=second_out, nin=2):
    """``b`` broadcast to the shape of ``a`` (Theano's ``fill``)."""


second = Second()


class Switch(ScalarOp, nfunc=np.where, pref=switch_out, nin=3):
    """``a if cond else b``, elementwise."""


switch = Switch()


class Clip(ScalarOp, nfunc=np.clip, pref=clip_out, nin=3):
    """``x`` clipped to ``[lo, hi]``."""


clip = Clip()


class IsNan(ScalarOp, nfunc=np.isnan, pref=bool_out):
    """``x`` is NaN."""


isnan = IsNan()


class IsInf(ScalarOp, nfunc=np.isinf, pref=bool_out):
    """``x`` is +-inf."""


isinf = IsInf()


class Floor(ScalarOp, nfunc=np.floor, pref=upgrade_to_float_no_complex, ufunc=np.floor):
    """Round down."""


floor = Floor()


class Ceil(ScalarOp, nfunc=np.ceil, pref=upgrade_to_float_no_complex, ufunc=np.ceil):
    """Round up."""


ceil = Ceil()


class Trunc(ScalarOp, nfunc=np.trunc, pref=upgrade_to_float_no_complex, ufunc=np.trunc):
    """Round towards zero."""


trunc = Trunc()


class RoundHalfToEven(ScalarOp, nfunc=np.round, pref=upgrade_to_float_no_complex):
    """Round half to even (banker's rounding)."""


round_half_to_even = RoundHalfToEven()


class RoundHalfAwayFromZero(ScalarOp, nfunc=lambda x: np.sign(x) * np.floor(np.abs(x) + 0.5),
                            pref=upgrade_to_float_no_complex):
    """Round half away from zero."""


round_half_away_from_zero = RoundHalfAwayFromZero()


class Real(ScalarOp, nfunc=np.real, pref=float_out_of_complex):
    """Real part."""


real = Real()


class Imag(ScalarOp, nfunc=np.imag, pref=float_out_of_complex):
    """Imaginary part."""


imag = Imag()


class Angle(ScalarOp, nfunc=np.angle, pref=lambda t: float_out_of_complex(upgrade_to_float(t)[0])):
    """Argument of a complex number."""


angle = Angle()


class Conj(ScalarOp, nfunc=np.conj, pref=same_out):
    """Complex conjugate."""


conj = Conj()


class ArcTan2(ScalarOp, nfunc=np.arctan2, pref=upgrade_to_float_no_complex, nin=2,
              ufunc=np.arctan2):
    """``arctan(y / x)`` in the right quadrant."""


arctan2 = ArcTan2()


class Hypot(ScalarOp, nfunc=np.hypot, pref=upgrade_to_float_no_complex, nin=2, ufunc=np.hypot):
    """``sqrt(x**2 + y**2)`` without overflow."""


hypot = Hypot()


class ScalarSigmoid(ScalarOp, nfunc=_sigmoid, pref=upgrade_to_float_no_complex,
                    name="scalar_sigmoid", ufunc=sps.expit):
    """The logistic function ``1 / (1 + exp(-x))``."""


sigmoid = ScalarSigmoid()


class ScalarSoftplus(ScalarOp, nfunc=_softplus, pref=upgrade_to_float_no_complex,
                     name="scalar_softplus"):
    """``log(1 + exp(x))`` without overflow."""


softplus = ScalarSoftplus()


class Exp(ScalarOp, nfunc=_guarded(np.exp), pref=upgrade_to_float, ufunc=np.exp):
    """``e ** x``."""


exp = Exp()


class Exp2(ScalarOp, nfunc=_guarded(np.exp2), pref=upgrade_to_float, ufunc=np.exp2):
    """``2 ** x``."""


exp2 = Exp2()


class Expm1(ScalarOp, nfunc=_guarded(np.expm1), pref=upgrade_to_float, ufunc=np.expm1):
    """``exp(x) - 1``, accurate near 0."""


expm1 = Expm1()


class Log(ScalarOp, nfunc=_guarded(np.log), pref=upgrade_to_float, ufunc=np.log):
    """Natural logarithm."""


log = Log()


class Log2(ScalarOp, nfunc=_guarded(np.log2), pref=upgrade_to_float, ufunc=np.log2):
    """Base-2 logarithm."""


log2 = Log2()


class Log10(ScalarOp, nfunc=_guarded(np.log10), pref=upgrade_to_float, ufunc=np.log10):
    """Base-10 logarithm."""


log10 = Log10()


class Log1p(ScalarOp, nfunc=_guarded(np.log1p), pref=upgrade_to_float, ufunc=np.log1p):
    """``log(1 + x)``, accurate near 0."""


log1p = Log1p()


class Sqrt(ScalarOp, nfunc=_guarded(np.sqrt), pref=upgrade_to_float, ufunc=np.sqrt):
    """Square root."""


sqrt = Sqrt()


class Sin(ScalarOp, nfunc=_guarded(np.sin), pref=upgrade_to_float, ufunc=np.sin):
    """Sine."""


sin = Sin()


class Cos(ScalarOp, nfunc=_guarded(np.cos), pref=upgrade_to_float, ufunc=np.cos):
    """Cosine."""


cos = Cos()


class Tan(ScalarOp, nfunc=_guarded(np.tan), pref=upgrade_to_float, ufunc=np.tan):
    """Tangent."""


tan = Tan()


class ArcSin(ScalarOp, nfunc=_guarded(np.arcsin), pref=upgrade_to_float, ufunc=np.arcsin):
    """Inverse sine."""


arcsin = ArcSin()


class ArcCos(ScalarOp, nfunc=_guarded(np.arccos), pref=upgrade_to_float, ufunc=np.arccos):
    """Inverse cosine."""


arccos = ArcCos()


class ArcTan(ScalarOp, nfunc=_guarded(np.arctan), pref=upgrade_to_float, ufunc=np.arctan):
    """Inverse tangent."""


arctan = ArcTan()


class Sinh(ScalarOp, nfunc=_guarded(np.sinh), pref=upgrade_to_float, ufunc=np.sinh):
    """Hyperbolic sine."""


sinh = Sinh()


class Cosh(ScalarOp, nfunc=_guarded(np.cosh), pref=upgrade_to_float, ufunc=np.cosh):
    """Hyperbolic cosine."""


cosh = Cosh()


class Tanh(ScalarOp, nfunc=_guarded(np.tanh), pref=upgrade_to_float, ufunc=np.tanh):
    """Hyperbolic tangent."""


tanh = Tanh()


class ArcSinh(ScalarOp, nfunc=_guarded(np.arcsinh), pref=upgrade_to_float, ufunc=np.arcsinh):
    """Inverse hyperbolic sine."""


arcsinh = ArcSinh()


class ArcCosh(ScalarOp, nfunc=_guarded(np.arccosh), pref=upgrade_to_float, ufunc=np.arccosh):
    """Inverse hyperbolic cosine."""


arccosh = ArcCosh()


class ArcTanh(ScalarOp, nfunc=_guarded(np.arctanh), pref=upgrade_to_float, ufunc=np.arctanh):
    """Inverse hyperbolic tangent."""


arctanh = ArcTanh()


class Deg2Rad(ScalarOp, nfunc=_guarded(np.deg2rad), pref=upgrade_to_float):
    """Degrees to radians."""


deg2rad = Deg2Rad()


class Rad2Deg(ScalarOp, nfunc=_guarded(np.rad2deg), pref=upgrade_to_float):
    """Radians to degrees."""


rad2deg = Rad2Deg()


class Erf(ScalarOp, nfunc=_guarded(sps.erf), pref=upgrade_to_float_no_complex, ufunc=sps.erf):
    """Error function."""


erf = Erf()


class Erfc(ScalarOp, nfunc=_guarded(sps.erfc), pref=upgrade_to_float_no_complex, ufunc=sps.erfc):
    """Complementary error function ``1 - erf(x)``."""


erfc = Erfc()


class Erfinv(ScalarOp, nfunc=_guarded(sps.erfinv), pref=upgrade_to_float_no_complex):
    """Inverse error function."""


erfinv = Erfinv()


class Erfcinv(ScalarOp, nfunc=_guarded(sps.erfcinv), pref=upgrade_to_float_no_complex):
    """Inverse complementary error function."""


erfcinv = Erfcinv()


class Gamma(ScalarOp, nfunc=_guarded(sps.gamma), pref=upgrade_to_float_no_complex):
    """Gamma function."""


gamma = Gamma()


class GammaLn(ScalarOp, nfunc=_guarded(sps.gammaln), pref=upgrade_to_float_no_complex):
    """``log(|gamma(x)|)``."""


gammaln = GammaLn()


class Psi(ScalarOp, nfunc=_guarded(sps.psi), pref=upgrade_to_float_no_complex):
    """Digamma function."""


psi = Psi()


class Erfcx(ScalarOp, nfunc=_guarded(sps.erfcx), pref=upgrade_to_float_no_complex):
    """Scaled complementary error function ``exp(x**2) * erfc(x)``."""


erfcx = Erfcx()


class I0(ScalarOp, nfunc=_guarded(sps.i0), pref=upgrade_to_float_no_complex):
    """Modified Bessel function of order 0."""


i0 = I0()


class I1(ScalarOp, nfunc=_guarded(sps.i1), pref=upgrade_to_float_no_complex):
    """Modified Bessel function of order 1."""


i1 = I1()


class J0(ScalarOp, nfunc=_guarded(sps.j0), pref=upgrade_to_float_no_complex):
    """Bessel function of the first kind of order 0."""


j0 = J0()


class J1(ScalarOp, nfunc=_guarded(sps.j1), pref=upgrade_to_float_no_complex):
    """Bessel function of the first kind of order 1."""


j1 = J1()


def _polygamma1(x):
    with np.errstate(all="ignore"):
        return sps.polygamma(1, x)


class TriGamma(ScalarOp, nfunc=_polygamma1, pref=upgrade_to_float_no_complex):
    """The trigamma function (the derivative of ``psi``)."""


tri_gamma = TriGamma()

# Theano 1.0's printed names where they are not the lower-cased class name:
# comparisons and logic ops printed their class name (``GT(i0, i1)`` in a
# fused composite), a few others an underscored name.
for _cls in (LT, GT, LE, GE, EQ, NEQ, AND, OR, XOR, Invert, Abs, IsNan, IsInf, Switch,
             RoundHalfToEven, RoundHalfAwayFromZero):
    _cls._name = _cls.__name__
for _cls, _name in ((TrueDiv, "true_div"), (IntDiv, "int_div"), (TriGamma, "tri_gamma")):
    _cls._name = _name
del _cls, _name


class Cast(ScalarOp):
    """Convert to ``o_type`` (C-style truncation for float -> int)."""

    __props__ = ("o_dtype",)

    def __init__(self, o_dtype):
        self.o_dtype = np.dtype(o_dtype).name

    def output_types_preference(self, *types):
        return (self.o_dtype,)

    def output_dtypes(self, *dtypes):
        return (self.o_dtype,)

    def nfunc(self, x):
        with np.errstate(invalid="ignore"):
            return np.asarray(x).astype(self.o_dtype)

    @property
    def name(self):
        return "convert_to_" + self.o_dtype

    def __str__(self):
        return "Cast{%s}" % self.o_dtype


class Composite(ScalarOp):
    """A fused scalar graph: ``inputs`` -> ``outputs`` built from scalar ops.

    Its array implementation evaluates the inner graph with whole arrays, so
    the NumPy backend runs it as a sequence of ufunc calls; the C backend
    turns it into one loop.
    """

    __props__ = ("_key",)

    def __init__(self, inputs, outputs):
        self.inputs, self.outputs = clone(inputs, outputs)
        self.nin = len(inputs)
        self.nout = len(outputs)
        self._nodes = io_toposort(self.inputs, self.outputs)
        self._key = self._make_key()

    def _make_key(self):
        ids = {v: "i%d" % k for k, v in enumerate(self.inputs)}
        parts = []
        for n, node in enumerate(self._nodes):
            args = []
            for i in node.inputs:
                if i in ids:
                    args.append(ids[i])
                else:
                    args.append("c%r:%s" % (i.data.item(), i.type.dtype))
            for k, o in enumerate(node.outputs):
                ids[o] = "t%d_%d" % (n, k)
            parts.append("%s(%s)" % (node.op, ",".join(args)))
        return ";".join(parts) + "->" + ",".join(ids[o] for o in self.outputs)

    @property
    def name(self):
        if "_name" not in self.__dict__:
            self._name = "Composite{%s}" % self._readable()
        return self._name

    def _readable(self):
        """Theano's infix rendering; a value used twice gets a temporary ``tK``.

        Inlining shared values would make the text exponential in the depth
        of the inner graph.
        """
        uses = {}
        for node in self._nodes:
            for i in node.inputs:
                uses[i] = uses.get(i, 0) + 1
        names = {v: "i%d" % k for k, v in enumerate(self.inputs)}
        infix = {"add": "+", "sub": "-", "mul": "*", "true_div": "/", "pow": "**"}
        temps = []
        for node in self._nodes:
            args = [names[i] if i in names else str(i.data) for i in node.inputs]
            op = str(node.op)
            if op in infix and len(args) >= 2:
                text = "(" + (" %s " % infix[op]).join(args) + ")"
            elif op == "neg":
                text = "(-%s)" % args[0]
            else:
                text = "%s(%s)" % (op, ", ".join(args))
            out = node.outputs[0]
            if uses.get(out, 0) > 1:
                temps.append("t%d=%s" % (len(temps), text))
                text = "t%d" % (len(temps) - 1)
            names[out] = text
        return "; ".join(temps + [", ".join(names[o] for o in self.outputs)])

    def output_dtypes(self, *dtypes):
        return tuple(o.type.dtype for o in self.outputs)

    @staticmethod
    def _node_args(node, env):
        """The values of ``node``'s inputs, looked up in ``env`` (constants as they are)."""
        args = [env[i] if i in env else i.data for i in node.inputs]
        if node.op.upcast_inputs:
            # As Elemwise does: discrete inputs of float functions are
            # converted to the output dtype first (NumPy would use float16).
            od = node.outputs[0].type.dtype
            args = [a if np.asarray(a).dtype.kind in "fc" else np.asarray(a).astype(od)
                    for a in args]
        return args

    def _evaluate(self, nodes, values):
        """Run ``nodes`` on the input ``values``; the map of every variable to its value."""
        env = dict(zip(self.inputs, values))
        for node in nodes:
            outs = node.op.impl(*self._node_args(node, env))
            if node.op.nout == 1:
                outs = (outs,)
            for o, v in zip(node.outputs, outs):
                env[o] = np.asarray(v).astype(o.type.dtype, copy=False)
        return env

    def impl(self, *values):
        env = self._evaluate(self._nodes, values)
        res = tuple(env[o] for o in self.outputs)
        return res[0] if self.nout == 1 else res

    def nfunc(self, *values):
        return self.impl(*values)

    def impl_into(self, out, *values):
        """Evaluate a one-output Composite writing the result into the array ``out``.

        The last inner op writes into ``out`` directly when it is a ufunc (see
        :func:`inplace_ufunc`); returns False (``out`` untouched) when the
        result cannot be stored there.
        """
        last = self._nodes[-1] if self._nodes else None
        if self.nout != 1 or last is None or last.outputs[0] is not self.outputs[0]:
            return False
        uf = inplace_ufunc(last.op)
        if uf is None or np.dtype(last.outputs[0].type.dtype) != out.dtype:
            return False
        env = self._evaluate(self._nodes[:-1], values)
        return call_ufunc_into(uf, self._node_args(last, env), out)

    def __str__(self):
        return self.name


def inplace_ufunc(op):
    """The ufunc that computes scalar op ``op`` into an ``out=`` array, or None."""
    return op.ufunc


def call_ufunc_into(uf, args, out):
    """``uf`` applied to ``args`` (n-ary ops pairwise) writing into ``out``; False on failure.

    Nothing is written when False is returned.  An argument that *is* ``out``
    is consumed first, so n-ary (commutative) ops never read it after
    overwriting it.
    """
    try:
        arrs = [np.asarray(a) for a in args]
        if np.broadcast_shapes(*[a.shape for a in arrs]) != out.shape or not np.can_cast(
                np.result_type(*arrs), out.dtype, "same_kind"):
            return False
        with np.errstate(all="ignore"):
            if len(arrs) <= uf.nin:
                uf(*arrs, out=out)
            else:
                first = [k for k, a in enumerate(arrs) if a is out][:1]
                if first:
                    arrs.insert(0, arrs.pop(first[0]))
                uf(arrs[0], arrs[1], out=out)
                for a in arrs[2:]:
                    uf(out, a, out=out)
    except (TypeError, ValueError):
        return False
    return True


class ScalarConstant(Constant):
    def __str__(self):
        return str(self.data)


ScalarType.constant_type = ScalarConstant


def as_scalar(x):
    if isinstance(x, Variable):
        if not isinstance(x.type, ScalarType):
            raise TypeError("expected a scalar variable, got %s" % x.type)
        return x
    arr = np.asarray(x)
    return ScalarConstant(ScalarType(arr.dtype), arr[()])


def constant(x, dtype=None):
    arr = np.asarray(x, dtype=dtype)
    return ScalarConstant(ScalarType(arr.dtype), arr[()])


float32 = ScalarType("float32")
float64 = ScalarType("float64")
int32 = ScalarType("int32")
int64 = ScalarType("int64")
