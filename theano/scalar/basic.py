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


def upcast_out_nobool(*types):
    d = upcast(*types)
    return ("int8",) if d == "bool" else (d,)


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
    return (upcast(x, lo, hi),)


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
    upcast_inputs = False  # cast discrete inputs to the output dtype before nfunc

    @property
    def name(self):
        return type(self).__name__.lower()

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


def _ufunc_op(class_name, nfunc, pref=upcast_out, nin=1, **attrs):
    """Create a ScalarOp subclass wrapping ``nfunc`` and return its singleton."""
    # Float-valued functions of integers compute in the output dtype: NumPy
    # would evaluate int8 inputs in float16 and lose precision.
    attrs.setdefault("upcast_inputs", pref in (upgrade_to_float, upgrade_to_float_no_complex))
    cls = type(class_name, (ScalarOp,), dict(
        nfunc=staticmethod(nfunc), nin=nin, output_types_preference=staticmethod(pref), **attrs))
    globals()[class_name] = cls
    return cls()


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


add = _ufunc_op("Add", _nary(np.add), upcast_out, nin=-1, commutative=True,
                associative=True, identity=0)
mul = _ufunc_op("Mul", _nary(np.multiply), upcast_out, nin=-1, commutative=True,
                associative=True, identity=1)
sub = _ufunc_op("Sub", np.subtract, upcast_out_nobool, nin=2)
true_div = _ufunc_op("TrueDiv", _true_div, upgrade_to_float, nin=2)
int_div = _ufunc_op("IntDiv", _safe_int_div, upcast_out, nin=2)
mod = _ufunc_op("Mod", _mod, upcast_out, nin=2)
pow = _ufunc_op("Pow", _pow, upcast_out, nin=2)
minimum = _ufunc_op("Minimum", np.minimum, upcast_out, nin=2, commutative=True,
                    associative=True, identity=np.inf)
maximum = _ufunc_op("Maximum", np.maximum, upcast_out, nin=2, commutative=True,
                    associative=True, identity=-np.inf)
lt = _ufunc_op("LT", np.less, bool_out, nin=2)
gt = _ufunc_op("GT", np.greater, bool_out, nin=2)
le = _ufunc_op("LE", np.less_equal, bool_out, nin=2)
ge = _ufunc_op("GE", np.greater_equal, bool_out, nin=2)
eq = _ufunc_op("EQ", np.equal, bool_out, nin=2, commutative=True)
neq = _ufunc_op("NEQ", np.not_equal, bool_out, nin=2, commutative=True)
and_ = _ufunc_op("AND", _nary(np.bitwise_and), int_or_bool_out, nin=-1, commutative=True,
                 associative=True, identity=True)
or_ = _ufunc_op("OR", _nary(np.bitwise_or), int_or_bool_out, nin=-1, commutative=True,
                associative=True, identity=False)
xor = _ufunc_op("XOR", _nary(np.bitwise_xor), int_or_bool_out, nin=-1, commutative=True,
                associative=True, identity=False)
invert = _ufunc_op("Invert", np.invert, int_or_bool_out)
neg = _ufunc_op("Neg", np.negative, upcast_out_nobool)
abs_ = _ufunc_op("Abs", np.abs, float_out_of_complex)
sgn = _ufunc_op("Sgn", _sgn, upcast_out_nobool)
sqr = _ufunc_op("Sqr", np.square, upcast_out_nobool)
inv = _ufunc_op("Inv", _guarded(np.reciprocal), upgrade_to_float)
identity = _ufunc_op("Identity", np.copy, same_out)
second = _ufunc_op("Second", _second, second_out, nin=2)
switch = _ufunc_op("Switch", np.where, switch_out, nin=3)
clip = _ufunc_op("Clip", np.clip, clip_out, nin=3)
isnan = _ufunc_op("IsNan", np.isnan, bool_out)
isinf = _ufunc_op("IsInf", np.isinf, bool_out)
floor = _ufunc_op("Floor", np.floor, upgrade_to_float_no_complex)
ceil = _ufunc_op("Ceil", np.ceil, upgrade_to_float_no_complex)
trunc = _ufunc_op("Trunc", np.trunc, upgrade_to_float_no_complex)
round_half_to_even = _ufunc_op("RoundHalfToEven", np.round, upgrade_to_float_no_complex)
round_half_away_from_zero = _ufunc_op(
    "RoundHalfAwayFromZero", lambda x: np.sign(x) * np.floor(np.abs(x) + 0.5),
    upgrade_to_float_no_complex)
real = _ufunc_op("Real", np.real, float_out_of_complex)
imag = _ufunc_op("Imag", np.imag, float_out_of_complex)
angle = _ufunc_op("Angle", np.angle, lambda t: float_out_of_complex(upgrade_to_float(t)[0]))
conj = _ufunc_op("Conj", np.conj, same_out)
arctan2 = _ufunc_op("ArcTan2", np.arctan2, upgrade_to_float_no_complex, nin=2)
hypot = _ufunc_op("Hypot", np.hypot, upgrade_to_float_no_complex, nin=2)
sigmoid = _ufunc_op("ScalarSigmoid", _sigmoid, upgrade_to_float_no_complex,
                   name="sigmoid")
softplus = _ufunc_op("ScalarSoftplus", _softplus, upgrade_to_float_no_complex,
                    name="softplus")

_FLOAT_UNARY = {
    "Exp": np.exp, "Exp2": np.exp2, "Expm1": np.expm1, "Log": np.log, "Log2": np.log2,
    "Log10": np.log10, "Log1p": np.log1p, "Sqrt": np.sqrt, "Sin": np.sin, "Cos": np.cos,
    "Tan": np.tan, "ArcSin": np.arcsin, "ArcCos": np.arccos, "ArcTan": np.arctan,
    "Sinh": np.sinh, "Cosh": np.cosh, "Tanh": np.tanh, "ArcSinh": np.arcsinh,
    "ArcCosh": np.arccosh, "ArcTanh": np.arctanh, "Deg2Rad": np.deg2rad,
    "Rad2Deg": np.rad2deg,
}
_SPECIAL_UNARY = {
    "Erf": sps.erf, "Erfc": sps.erfc, "Erfinv": sps.erfinv, "Erfcinv": sps.erfcinv,
    "Gamma": sps.gamma, "GammaLn": sps.gammaln, "Psi": sps.psi, "Erfcx": sps.erfcx,
    "I0": sps.i0, "I1": sps.i1, "J0": sps.j0, "J1": sps.j1,
}
for _name, _fn in _FLOAT_UNARY.items():
    globals()[_name.lower()] = _ufunc_op(_name, _guarded(_fn), upgrade_to_float)
for _name, _fn in _SPECIAL_UNARY.items():
    globals()[_name.lower()] = _ufunc_op(_name, _guarded(_fn), upgrade_to_float_no_complex)
gammaln = globals()["gammaln"]


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
        infix = {"add": "+", "sub": "-", "mul": "*", "truediv": "/", "pow": "**"}
        temps = []
        for node in self._nodes:
            args = [names[i] if i in names else str(i.data) for i in node.inputs]
            op = str(node.op)
            if op in infix and len(args) >= 2:
                text = "(" + (" %s " % infix[op]).join(args) + ")"
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


# NumPy ufuncs computing what a scalar op's array implementation computes (up to
# floating-point warnings); in-place elementwise ops call them with ``out=``.
_INPLACE_UFUNCS = {
    "Add": np.add, "Mul": np.multiply, "Sub": np.subtract, "TrueDiv": np.true_divide,
    "IntDiv": np.floor_divide, "Mod": np.mod, "Minimum": np.minimum, "Maximum": np.maximum,
    "Neg": np.negative, "Sqr": np.square, "Sgn": np.sign, "Identity": np.positive,
    "Exp": np.exp, "Exp2": np.exp2, "Expm1": np.expm1, "Log": np.log, "Log2": np.log2,
    "Log10": np.log10, "Log1p": np.log1p, "Sqrt": np.sqrt, "Sin": np.sin, "Cos": np.cos,
    "Tan": np.tan, "ArcSin": np.arcsin, "ArcCos": np.arccos, "ArcTan": np.arctan,
    "Sinh": np.sinh, "Cosh": np.cosh, "Tanh": np.tanh, "ArcSinh": np.arcsinh,
    "ArcCosh": np.arccosh, "ArcTanh": np.arctanh, "ScalarSigmoid": sps.expit,
    "Erf": sps.erf, "Erfc": sps.erfc, "ArcTan2": np.arctan2, "Hypot": np.hypot,
    "Floor": np.floor, "Ceil": np.ceil, "Trunc": np.trunc, "Inv": np.reciprocal,
}


def inplace_ufunc(op):
    """The ufunc that computes scalar op ``op`` into an ``out=`` array, or None."""
    return _INPLACE_UFUNCS.get(type(op).__name__)


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
