"""C code for scalar ops: one rule per scalar op class, with NumPy's semantics.

A rule gets the C expressions of its inputs (simple names or literals) and
their dtypes, and returns one C expression per output, already of the
output dtype, or None when it cannot reproduce what the NumPy reference
computes (the node then runs in NumPy).  Like the reference (see
``Elemwise.make_thunk_fn``), a rule computes in NumPy's dtype for the
operation -- ``np.result_type`` of the inputs, after converting discrete
inputs of float-valued functions to the output dtype -- and converts at the
end.  Integer semantics follow NumPy: Python-style floor division and
modulo, 0 for a division by zero, wrap-around on overflow.
"""
import functools

import numpy as np

import theano.scalar.basic as sb
from theano.graph.rules import OpRegistry
from theano.link.c.compiler import compiler_info, vector_math_functions
from theano.link.c.runtime import read_c

__all__ = ["C_TYPES", "TYPENUMS", "KernelContext", "scalar_c_code", "c_rule", "literal"]

C_TYPES = {"bool": "th_bool", "int8": "int8_t", "int16": "int16_t", "int32": "int32_t",
           "int64": "int64_t", "uint8": "uint8_t", "uint16": "uint16_t", "uint32": "uint32_t",
           "uint64": "uint64_t", "float32": "float", "float64": "double"}
TYPENUMS = {d: np.dtype(d).num for d in C_TYPES}
_SIGNED = ("int8", "int16", "int32", "int64")
_FLOATS = ("float32", "float64")


class KernelContext:
    """What generated code needs besides expressions.

    Attributes
    ----------
    helpers : dict
        C helper functions (name -> definition), shared by a whole module.
    errors : list
        Messages of run-time errors; a helper sets the block's ``th_err`` to
        ``index + 1`` and the block returns it.
    statements : list
        Statements of the current loop body, in order.
    """

    def __init__(self, helpers=None, errors=None):
        self.helpers = {} if helpers is None else helpers
        self.errors = [] if errors is None else errors
        self.statements = []
        self._n = 0

    def helper(self, name, definition):
        self.helpers.setdefault(name, definition)
        return name

    def error_code(self, message):
        if message not in self.errors:
            self.errors.append(message)
        return self.errors.index(message) + 1

    def temp(self, dtype, expr):
        """Emit ``<type> tN = expr;`` and return ``tN``."""
        name = "t%d" % self._n
        self._n += 1
        self.statements.append("%s %s = %s;" % (C_TYPES[dtype], name, expr))
        return name


def literal(value, dtype):
    """A C literal of ``dtype`` for the number ``value``."""
    v = np.asarray(value, dtype=dtype).item()
    if dtype == "bool":
        return "1" if v else "0"
    if dtype in _FLOATS:
        if v != v:
            text = "NAN"
        elif v in (float("inf"), float("-inf")):
            text = "HUGE_VAL" if v > 0 else "(-HUGE_VAL)"
        else:
            text = float(v).hex()  # exact, also for float32 values
        return "((%s)%s)" % (C_TYPES[dtype], text)
    if dtype in _SIGNED:
        text = "(-%dLL-1)" % (-v - 1) if v < 0 else "%dLL" % v
    else:
        text = "%dULL" % v
    return "((%s)%s)" % (C_TYPES[dtype], text)


def cast(expr, frm, to):
    """``expr`` of dtype ``frm`` converted to ``to`` as NumPy's astype does."""
    if frm == to:
        return expr
    if to == "bool":
        return "((%s) != 0)" % expr
    return "((%s)(%s))" % (C_TYPES[to], expr)


def result_type(*dtypes):
    return np.result_type(*dtypes).name


def _fn(name, dtype):
    return name + "f" if dtype == "float32" else name


# rule(op, args, in_dtypes, out_dtypes, ctx) -> C expressions, keyed by scalar op class.
scalar_c_rules = OpRegistry("scalar C code")
c_rule = scalar_c_rules.register


def scalar_c_code(op, args, in_dtypes, out_dtypes, ctx):
    """C expressions (one per output) computing ``op``, or None if unsupported."""
    if any(d not in C_TYPES for d in tuple(in_dtypes) + tuple(out_dtypes)):
        return None
    rule = scalar_c_rules.lookup(type(op))
    if rule is None:
        return None
    return rule(op, list(args), list(in_dtypes), list(out_dtypes), ctx)


def _compute_dtypes(op, in_dtypes, out):
    """Input dtypes after the reference's conversion of discrete inputs."""
    if op.upcast_inputs:
        return [d if d in _FLOATS else out for d in in_dtypes]
    return in_dtypes


def _elementwise(compute):
    """A rule whose ``compute(args_in_ct, ct, ctx)`` works in the common dtype."""
    def rule(op, args, dts, outs, ctx):
        dts_c = _compute_dtypes(op, dts, outs[0])
        ct = result_type(*dts_c)
        if ct not in C_TYPES:
            return None
        expr = compute([cast(a, d, ct) for a, d in zip(args, dts)], ct, ctx)
        return None if expr is None else [cast(expr, ct, outs[0])]
    return rule


def _fold(combine):
    """An n-ary rule applied pairwise left to right, as the reference's ``_nary``."""
    def rule(op, args, dts, outs, ctx):
        acc, dt = args[0], dts[0]
        for a, d in zip(args[1:], dts[1:]):
            ct = result_type(dt, d)
            acc = combine(cast(acc, dt, ct), cast(a, d, ct), ct)
            if acc is None:
                return None
            acc, dt = ctx.temp(ct, acc), ct
        return [cast(acc, dt, outs[0])]
    return rule


def _arith(sym, bool_sym=None):
    def combine(a, b, ct):
        if ct == "bool":
            return None if bool_sym is None else "(%s %s %s)" % (a, bool_sym, b)
        return "((%s)(%s %s %s))" % (C_TYPES[ct], a, sym, b)
    return combine


c_rule(sb.Add)(_fold(_arith("+", "|")))
c_rule(sb.Mul)(_fold(_arith("*", "&")))
c_rule(sb.Sub)(_fold(_arith("-")))
c_rule(sb.AND)(_fold(_arith("&", "&")))
c_rule(sb.OR)(_fold(_arith("|", "|")))
c_rule(sb.XOR)(_fold(_arith("^", "^")))


# -- helpers with NumPy's exact integer and float semantics --------------------
def _int_helper(ctx, kind, ct):
    t = C_TYPES[ct]
    name = "th_%s_%s" % (kind, ct)
    signed = ct in _SIGNED
    lo = "%s_MIN" % ct.upper()
    if kind == "floordiv":
        if signed:
            body = ("if (b == 0) return 0;\n    if (a == %s && b == -1) return a;\n"
                    "    %s q = (%s)(a / b);\n"
                    "    if (((a > 0) != (b > 0)) && (%s)(q * b) != a) q--;\n    return q;"
                    % (lo, t, t, t))
        else:
            body = "return b == 0 ? 0 : (%s)(a / b);" % t
    elif kind == "mod":
        if signed:
            body = ("if (b == 0 || (a == %s && b == -1)) return 0;\n"
                    "    %s r = (%s)(a %% b);\n"
                    "    return ((a > 0) == (b > 0) || r == 0) ? r : (%s)(r + b);"
                    % (lo, t, t, t))
        else:
            body = "return b == 0 ? 0 : (%s)(a %% b);" % t
    else:  # pow, by squaring as NumPy does
        code = ctx.error_code("Integers to negative integer powers are not allowed "
                              "(cast the base to a float dtype first)")
        neg = "if (b < 0) { *err = %d; return 0; }\n    " % code if signed else ""
        body = ("%sif (b == 0 || a == 1) return 1;\n    %s r = (b & 1) ? a : 1;\n"
                "    b >>= 1;\n    while (b > 0) { a = (%s)(a * a); if (b & 1) r = (%s)(r * a);"
                " b >>= 1; }\n    return r;" % (neg, t, t, t))
        return ctx.helper(name, "static inline %s %s(%s a, %s b, int *err)\n{\n    %s\n}\n"
                          % (t, name, t, t, body))
    return ctx.helper(name, "static inline %s %s(%s a, %s b)\n{\n    %s\n}\n"
                      % (t, name, t, t, body))


def _float_divmod_helper(ctx, ct):
    """npy_divmod: floor division and Python-style remainder of floats."""
    t = C_TYPES[ct]
    f = lambda n: _fn(n, ct)  # noqa: E731
    name = "th_divmod_" + ct
    return ctx.helper(name, """static inline %(t)s %(name)s(%(t)s a, %(t)s b, %(t)s *modulus)
{
    %(t)s mod = %(fmod)s(a, b), div, floordiv;
    if (!b) { *modulus = mod; return a / b; }
    div = (a - mod) / b;
    if (mod) {
        if (isless(b, 0) != isless(mod, 0)) { mod += b; div -= 1; }
    } else {
        mod = %(copysign)s(0, b);
    }
    if (div) {
        floordiv = %(floor)s(div);
        if (isgreater(div - floordiv, 0.5)) floordiv += 1;
    } else {
        floordiv = %(copysign)s(0, a / b);
    }
    *modulus = mod;
    return floordiv;
}
""" % dict(t=t, name=name, fmod=f("fmod"), copysign=f("copysign"), floor=f("floor")))


def _intdiv(args, ct, ctx):
    a, b = args
    if ct == "bool":  # NumPy divides booleans as int8
        return cast(_intdiv(args, "int8", ctx), "int8", "bool")
    if ct in _FLOATS:
        dm = _float_divmod_helper(ctx, ct)
        ctx.helper("th_floordiv_" + ct, "static inline %s th_floordiv_%s(%s a, %s b)\n"
                   "{\n    %s m;\n    return %s(a, b, &m);\n}\n"
                   % ((C_TYPES[ct], ct) + (C_TYPES[ct],) * 3 + (dm,)))
        return "th_floordiv_%s(%s, %s)" % (ct, a, b)
    return "%s(%s, %s)" % (_int_helper(ctx, "floordiv", ct), a, b)


def _mod(args, ct, ctx):
    a, b = args
    if ct == "bool":
        return cast(_mod(args, "int8", ctx), "int8", "bool")
    if ct in _FLOATS:
        dm = _float_divmod_helper(ctx, ct)
        t = C_TYPES[ct]
        ctx.helper("th_mod_" + ct, "static inline %s th_mod_%s(%s a, %s b)\n{\n    %s m;\n"
                   "    if (!b) return %s(a, b);\n    %s(a, b, &m);\n    return m;\n}\n"
                   % (t, ct, t, t, t, _fn("fmod", ct), dm))
        return "th_mod_%s(%s, %s)" % (ct, a, b)
    return "%s(%s, %s)" % (_int_helper(ctx, "mod", ct), a, b)


def _pow(args, ct, ctx):
    a, b = args
    if ct == "bool":  # as int8, and a boolean exponent is never negative
        return cast(_pow(args, "uint8", ctx), "uint8", "bool")
    if ct in _FLOATS:
        return "%s(%s, %s)" % (_fn("pow", ct), a, b)
    return "%s(%s, %s, &th_err)" % (_int_helper(ctx, "pow", ct), a, b)


def _minmax(cmp):
    def compute(args, ct, ctx):
        a, b = args
        if ct in _FLOATS:  # NaN propagates, as np.minimum / np.maximum
            return "((%s %s %s || %s != %s) ? %s : %s)" % (a, cmp, b, a, a, a, b)
        return "((%s %s %s) ? %s : %s)" % (a, cmp, b, a, b)
    return compute


c_rule(sb.TrueDiv)(_elementwise(lambda args, ct, ctx: "(%s / %s)" % tuple(args)
                                if ct in _FLOATS else None))
c_rule(sb.IntDiv)(_elementwise(_intdiv))
c_rule(sb.Mod)(_elementwise(_mod))
c_rule(sb.Pow)(_elementwise(_pow))
c_rule(sb.Maximum)(_elementwise(_minmax(">=")))
c_rule(sb.Minimum)(_elementwise(_minmax("<=")))


# -- comparisons: NumPy 2 compares any two integer dtypes exactly --------------
_MIRROR = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}


def _compare(sym):
    def rule(op, args, dts, outs, ctx):
        a, b = args
        da, db = dts
        if da in _SIGNED and db == "uint64" or da == "uint64" and db in _SIGNED:
            s, u, op_ = (a, b, sym) if da in _SIGNED else (b, a, _MIRROR[sym])
            neg = "1" if op_ in ("<", "<=", "!=") else "0"
            return ["(%s < 0 ? %s : ((uint64_t)%s %s %s))" % (s, neg, s, op_, u)]
        ct = result_type(da, db)
        return ["(%s %s %s)" % (cast(a, da, ct), sym, cast(b, db, ct))]
    return rule


for _cls, _sym in ((sb.LT, "<"), (sb.GT, ">"), (sb.LE, "<="), (sb.GE, ">="), (sb.EQ, "=="),
                   (sb.NEQ, "!=")):
    c_rule(_cls)(_compare(_sym))


@c_rule(sb.Switch)
def _switch(op, args, dts, outs, ctx):
    c, a, b = args
    ct = result_type(dts[1], dts[2])
    return [cast("(%s ? %s : %s)" % (cast(c, dts[0], "bool"), cast(a, dts[1], ct),
                                      cast(b, dts[2], ct)), ct, outs[0])]


@c_rule(sb.Second)
def _second(op, args, dts, outs, ctx):
    return [cast(args[1], dts[1], outs[0])]


@c_rule(sb.Identity, sb.Real, sb.Conj)
def _identity(op, args, dts, outs, ctx):
    return [cast(args[0], dts[0], outs[0])]


@c_rule(sb.Imag)
def _imag(op, args, dts, outs, ctx):
    return [literal(0, outs[0])]


@c_rule(sb.Cast)
def _cast(op, args, dts, outs, ctx):
    return [cast(args[0], dts[0], outs[0])]


def _unary(compute):
    return _elementwise(lambda args, ct, ctx: compute(args[0], ct, ctx))


def _neg(a, ct, ctx):
    return None if ct == "bool" else "((%s)(-%s))" % (C_TYPES[ct], a)


def _abs(a, ct, ctx):
    if ct in _FLOATS:
        return "%s(%s)" % (_fn("fabs", ct), a)
    if ct in _SIGNED:
        return "((%s)(%s < 0 ? -%s : %s))" % (C_TYPES[ct], a, a, a)
    return a


def _sgn_float(ctx, ct):
    t = C_TYPES[ct]
    return ctx.helper("th_sgn_" + ct, "static inline %s th_sgn_%s(%s a)\n{\n    return a > 0 ? "
                      "1 : (a < 0 ? -1 : (a == 0 ? 0 : a));\n}\n" % (t, ct, t))


def _sgn(a, ct, ctx):
    if ct == "bool":
        return None
    if ct in _FLOATS:
        return "%s(%s)" % (_sgn_float(ctx, ct), a)
    if ct in _SIGNED:
        return "((%s)((%s > 0) - (%s < 0)))" % (C_TYPES[ct], a, a)
    return "((%s)(%s > 0))" % (C_TYPES[ct], a)


def _float_only(fn):
    """Rule for a float-valued function: ``fn(a, ct)`` with ct a float dtype."""
    return _unary(lambda a, ct, ctx: fn(a, ct) if ct in _FLOATS else None)


c_rule(sb.Neg)(_unary(_neg))
c_rule(sb.Abs)(_unary(_abs))
c_rule(sb.Sgn)(_unary(_sgn))
c_rule(sb.Sqr)(_unary(lambda a, ct, ctx: a if ct == "bool" else
                      "((%s)(%s * %s))" % (C_TYPES[ct], a, a)))
c_rule(sb.Invert)(_unary(lambda a, ct, ctx: "(!%s)" % a if ct == "bool" else
                         "((%s)(~%s))" % (C_TYPES[ct], a)))
c_rule(sb.Inv)(_float_only(lambda a, ct: "(1 / %s)" % a))
c_rule(sb.IsNan)(_elementwise(lambda args, ct, ctx: "(isnan(%s) != 0)" % args[0]
                              if ct in _FLOATS else "0"))
c_rule(sb.IsInf)(_elementwise(lambda args, ct, ctx: "(isinf(%s) != 0)" % args[0]
                              if ct in _FLOATS else "0"))

_LIBM = {sb.Exp2: "exp2", sb.Log: "log", sb.Log2: "log2", sb.Log10: "log10", sb.Sqrt: "sqrt",
         sb.Sin: "sin", sb.Cos: "cos", sb.Tan: "tan", sb.ArcSin: "asin", sb.ArcCos: "acos",
         sb.ArcTan: "atan", sb.Sinh: "sinh", sb.Cosh: "cosh", sb.ArcSinh: "asinh",
         sb.ArcCosh: "acosh", sb.ArcTanh: "atanh", sb.Floor: "floor", sb.Ceil: "ceil",
         sb.Trunc: "trunc", sb.RoundHalfToEven: "rint",
         sb.Erf: "erf"}  # glibc erfc: 500 ulp off SciPy in the tail
for _cls, _cname in _LIBM.items():
    c_rule(_cls)(_float_only(
        lambda a, ct, _c=_cname: "%s(%s)" % (_fn(_c, ct), a)))


# Functions of c_code/th_vmath.h: inline and branch-free, so a fused loop using them
# vectorises (see that file for their accuracy).  The header goes into the module once.
# exp alone is faster through glibc's libmvec (table-driven, with a scalar path for the
# rare out-of-range lanes), which kernel modules declare when it is there: 1.2 against
# 1.5 ns per float64 on the AVX2 machine measured (tanh 3.7 against 1.7, softplus 8.5
# against 3.6).  tests/link/test_c_vmath.py holds both variants to the same ulps.
_VMATH = {sb.Exp: "exp", sb.Expm1: "expm1", sb.Log1p: "log1p", sb.Tanh: "tanh",
          sb.ScalarSigmoid: "sigmoid", sb.ScalarSoftplus: "softplus"}


@functools.lru_cache(maxsize=None)
def _vmath_header():
    return read_c("th_vmath.h")


def libmvec_exp():
    """Whether kernel modules get glibc's vector ``exp`` (see ``vector_math_functions``)."""
    info = compiler_info()
    return info is not None and "exp" in vector_math_functions(info[2])


def _vmath_code(name, a, ct, ctx):
    """C for ``name`` of the C expression ``a`` of float dtype ``ct``."""
    suffix = "f" if ct == "float32" else "d"
    if name in ("exp", "sigmoid", "softplus") and libmvec_exp():
        t, exp = C_TYPES[ct], _fn("exp", ct)
        if name == "exp":
            return "%s(%s)" % (exp, a)
        if name == "sigmoid":  # scipy's expit
            return "((%s)1 / ((%s)1 + %s(-%s)))" % (t, t, exp, a)
        ctx.helper("th_vmath.h", _vmath_header())
        a = ctx.temp(ct, a)  # max(x, 0) + log1p(e**-|x|), as th_softplus_*
        return "((%s > 0 ? %s : (%s)0) + th_log1p_unit_%s(%s(-%s(%s))))" % (
            a, a, t, suffix, exp, _fn("fabs", ct), a)
    ctx.helper("th_vmath.h", _vmath_header())
    return "th_%s_%s(%s)" % (name, suffix, a)


for _cls, _name in _VMATH.items():
    c_rule(_cls)(_unary(lambda a, ct, ctx, _name=_name:
                        _vmath_code(_name, a, ct, ctx) if ct in _FLOATS else None))


def _scaled(factor):
    # NumPy multiplies by the constant rounded to the dtype (npy_deg2rad).
    def fn(a, ct):
        k = np.asarray(factor(np.dtype(ct).type), dtype=ct)
        return "(%s * %s)" % (a, literal(k, ct))
    return fn


c_rule(sb.Deg2Rad)(_float_only(_scaled(lambda T: T(np.pi) / T(180))))
c_rule(sb.Rad2Deg)(_float_only(_scaled(lambda T: T(180) / T(np.pi))))
c_rule(sb.RoundHalfAwayFromZero)(_unary(
    lambda a, ct, ctx: "(%s(%s) * %s(%s(%s) + (%s)0.5))" % (
        _sgn_float(ctx, ct), a, _fn("floor", ct), _fn("fabs", ct), a, C_TYPES[ct])
    if ct in _FLOATS else None))
c_rule(sb.ArcTan2)(_elementwise(lambda args, ct, ctx: "%s(%s, %s)" % (
    (_fn("atan2", ct),) + tuple(args)) if ct in _FLOATS else None))
c_rule(sb.Hypot)(_elementwise(lambda args, ct, ctx: "%s(%s, %s)" % (
    (_fn("hypot", ct),) + tuple(args)) if ct in _FLOATS else None))


@c_rule(sb.Clip)
def _clip(op, args, dts, outs, ctx):
    ct = result_type(*dts)
    x, lo, hi = [ctx.temp(ct, cast(a, d, ct)) for a, d in zip(args, dts)]
    lower = ctx.temp(ct, _minmax(">=")([x, lo], ct, ctx))
    return [cast(_minmax("<=")([lower, hi], ct, ctx), ct, outs[0])]


@c_rule(sb.Composite)
def _composite(op, args, dts, outs, ctx):
    """Inline the inner scalar graph; each inner value becomes a C local."""
    env = dict(zip(op.inputs, args))
    for node in op._nodes:
        ins, in_dts = [], []
        for v in node.inputs:
            if v in env:
                ins.append(env[v])
            else:  # an inner constant
                ins.append(literal(v.data, v.type.dtype))
            in_dts.append(v.type.dtype)
        exprs = scalar_c_code(node.op, ins, in_dts, [o.type.dtype for o in node.outputs], ctx)
        if exprs is None:
            return None
        for o, e in zip(node.outputs, exprs):
            env[o] = ctx.temp(o.type.dtype, e)
    res = []
    for o, d in zip(op.outputs, outs):
        res.append(cast(env[o], o.type.dtype, d) if o in env else
                   literal(o.data, d) if hasattr(o, "data") else None)
    return None if None in res else res
