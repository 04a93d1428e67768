"""C kernels of reductions (``c_code/kernels_reduce.c``).

- :class:`~theano.tensor.elemwise.CAReduce` and its subclasses (``Sum``, ``Prod``, max,
  min, all, any) over any set of axes: the runtime's ``reduce`` kernel.
- :class:`~theano.tensor.fused_reduce.ElemwiseReduce` (a reduction of an elementwise
  expression, e.g. ``sum(x ** 2)``): the expression's C code is generated into the
  function's kernel module as two functions the runtime's ``fused_reduce`` driver calls
  on contiguous chunks -- the (pairwise) reduction of a chunk and the accumulation of a
  chunk into a vector of accumulators -- so the input is read once and nothing is
  written but the result.
- :class:`~theano.tensor.math.Argmax` / ``Argmin``: the runtime's ``argmax`` kernel.

Accumulation ("C") types: sums and products accumulate in the op's ``acc_dtype`` when it
is given, else as NumPy's ``sum``/``prod`` do (integers in 64 bits, floats in their own
type), except that float16 sums accumulate in float32 and float32 sums in float64 (as
Theano 1.0 did; products keep their type, so that they overflow as NumPy's do); integer
accumulators narrower than 64 bits are computed in 64 bits (the same result modulo the
output's width) when the output is an integer no wider than them.  Max and min compare in
the input's type (float16 as float32, narrow integers as int64), all and any in booleans.
Float sums are pairwise sums (vectorised, in an order of their own: equal to NumPy's within
rounding, not bit for bit).

Cases that keep NumPy's ``perform``: reductions by other scalar ops (xor, ...), max/min
of complex numbers, ``acc_dtype`` bool, or a narrow integer with a wider or non-integer
output (its wrap-around shows), complex inputs accumulated in a real type, float16
products without ``acc_dtype`` (NumPy rounds them to float16 at layout-dependent steps),
more than 32 dimensions; for the fused op also float16/complex dtypes and scalar ops
without C code; argmax/argmin of complex numbers.
"""
import numpy as np

import theano.scalar.basic as sb
from theano.link.c.elemwise_c import c_string
from theano.link.c.registry import CKernel, register_c_kernel
from theano.link.c.scalar_c import C_TYPES, KernelContext, cast, literal, scalar_c_code
from theano.tensor.elemwise import CAReduce
from theano.tensor.fused_reduce import ElemwiseReduce
from theano.tensor.math import Argmax, Argmin

__all__ = ["accumulation_dtype"]

SUM, PROD, MAX, MIN, AND, OR = range(6)  # TH_R_* in th_abi.h
_OPS = {sb.Add: SUM, sb.Mul: PROD, sb.Maximum: MAX, sb.Minimum: MIN, sb.AND: AND, sb.OR: OR}
_MAXDIM = 32  # TH_MAXDIM; the reduced axes are a 32-bit mask
_MAXOP = 64   # TH_MAXOP
_SIGNED = ("int8", "int16", "int32", "int64")
_UNSIGNED = ("uint8", "uint16", "uint32", "uint64")
_FLOATS = ("float16", "float32", "float64")
_COMPLEX = ("complex64", "complex128")
_ALL = ("bool",) + _SIGNED + _UNSIGNED + _FLOATS + _COMPLEX
# The runtime's typed reductions (th_r_functions in kernels_reduce.c).
_RUNTIME_ACC = {SUM: ("int64", "uint64", "float32", "float64") + _COMPLEX,
                PROD: ("int64", "uint64", "float32", "float64") + _COMPLEX,
                MAX: ("bool", "int32", "int64", "uint64", "float32", "float64"),
                MIN: ("bool", "int32", "int64", "uint64", "float32", "float64"),
                AND: ("bool",), OR: ("bool",)}


def _typenum(dtype):
    return np.dtype(dtype).num


def accumulation_dtype(code, op, in_dtype, out_dtype):
    """The dtype the C kernel accumulates ``op`` (a CAReduce with operation ``code``) in,
    for elements of ``in_dtype``; None when it cannot reproduce the op's ``perform``."""
    if in_dtype not in _ALL or out_dtype not in _ALL:
        return None
    if code in (SUM, PROD):
        acc = op.acc_dtype
        if acc is None:
            acc = in_dtype
            if code == SUM:  # more precise sums; products overflow as NumPy's do
                acc = {"bool": "int64", "float16": "float32", "float32": "float64",
                       "complex64": "complex128"}.get(in_dtype, in_dtype)
            elif acc == "bool":
                acc = "int64"
            if acc in _SIGNED:
                acc = "int64"
            elif acc in _UNSIGNED:
                acc = "uint64"
        if acc not in _ALL or acc == "bool":
            return None
        if acc == "float16":
            if code == PROD:
                return None  # NumPy rounds (and overflows) to float16 at each step
            acc = "float32"
        if acc in _SIGNED[:3] or acc in _UNSIGNED[:3]:
            # Computed in 64 bits: the same modulo the output's width when it is an
            # integer no wider than the accumulator; otherwise the wrap-around would show.
            if out_dtype not in _SIGNED + _UNSIGNED or (
                    np.dtype(out_dtype).itemsize > np.dtype(acc).itemsize):
                return None
            acc = "int64" if acc in _SIGNED else "uint64"
        if in_dtype in _COMPLEX and acc not in _COMPLEX:
            return None
        return acc
    if code in (MAX, MIN):
        if in_dtype in _COMPLEX:
            return None
        if in_dtype == "float16":
            return "float32"
        if in_dtype in ("int8", "int16", "uint8", "uint16", "uint32"):
            return "int64"
        return in_dtype
    return "bool"


def _reduced_mask(axis, ndim):
    mask = 0
    for a in axis:
        mask |= 1 << a
    return mask


@register_c_kernel(CAReduce)
def careduce_kernel(node, module):
    code = _OPS.get(type(node.op.scalar_op))
    x, out = node.inputs[0], node.outputs[0]
    if code is None or x.type.ndim > _MAXDIM:
        return None
    e, o = x.type.dtype, out.type.dtype
    acc = accumulation_dtype(code, node.op, e, o)
    if acc is None or acc not in _RUNTIME_ACC[code]:
        return None
    return CKernel(builtin="reduce", params=(
        code, _typenum(acc), _typenum(o), _typenum(e), x.type.ndim,
        _reduced_mask(node.op.axis, x.type.ndim)))


@register_c_kernel(Argmax)
def argmax_kernel(node, module):
    x = node.inputs[0]
    axis = tuple(node.op.axis)
    nd = x.type.ndim
    if x.type.dtype not in _ALL or x.type.dtype in _COMPLEX or nd > _MAXDIM:
        return None
    if any(not 0 <= a < nd for a in axis) or len(set(axis)) != len(axis):
        return None
    return CKernel(builtin="argmax", params=(
        int(isinstance(node.op, Argmin)), _typenum(x.type.dtype), nd, len(axis)) + axis)


# -- the fused reduction ------------------------------------------------------------------
def _combine(code, dtype):
    """C text combining accumulators ``a`` and ``b`` (plain variables)."""
    if code == SUM:
        return "(a + b)" if dtype != "bool" else "(a | b)"
    if code == PROD:
        return "(a * b)" if dtype != "bool" else "(a & b)"
    if code in (AND, OR) or dtype == "bool":
        return "(a & b)" if code in (AND, MIN) else "(a | b)"
    cmp = ">=" if code == MAX else "<="
    if dtype in _FLOATS:  # NaN propagates, as np.maximum / np.minimum
        return "(((a %s b) | (a != a)) ? a : b)" % cmp
    return "((a %s b) ? a : b)" % cmp


def _identity(code, dtype):
    if code == SUM:
        return literal(-0.0, dtype) if dtype in _FLOATS else literal(0, dtype)
    if code == PROD:
        return literal(1, dtype)
    if code in (AND, OR):
        return literal(code == AND, dtype)
    if dtype == "bool":
        return literal(code == MIN, dtype)
    if dtype in _FLOATS:
        return literal(-np.inf if code == MAX else np.inf, dtype)
    info = np.iinfo(dtype)
    return literal(info.min if code == MAX else info.max, dtype)


_FUSED_COMMON = r"""
static inline %(C)s ev_%(f)s(%(params)s, Py_ssize_t i, int *th_errp)
{
%(body)s
}

static inline %(C)s comb_%(f)s(%(C)s a, %(C)s b)
{
    return %(comb)s;
}

static int racc_%(f)s(Py_ssize_t n, char **p, void *acc)
{
    %(C)s *a = (%(C)s *)acc;
    Py_ssize_t i;
    int err = 0;
    TH_IVDEP
    for (i = 0; i < n; i++) a[i] = comb_%(f)s(a[i], ev_%(f)s(%(casts)s, i, &err));
    return err;
}
"""

# The reduction of n contiguous elements: w accumulators (a power of two, at most 256)
# take the elements in turn (racc, vectorised), then are combined pairwise by halving --
# the runtime's leaves do the same (NAME_leaf in kernels_reduce.c).
_FUSED_LEAF = r"""
static int rleaf_%(f)s(Py_ssize_t n, char **p, void *res)
{
    %(C)s acc[256];
    char *q[%(nin)d];
    Py_ssize_t i, j, w;
    int err = 0, e;
    if (n < 8) {
        %(C)s r = %(ident)s;
        for (i = 0; i < n; i++) r = comb_%(f)s(r, ev_%(f)s(%(casts)s, i, &err));
        *(%(C)s *)res = r;
        return err;
    }
    for (w = 8; w * 2 <= n && w < 256; w *= 2) {}
    for (j = 0; j < w; j++) acc[j] = %(ident)s;
    for (i = 0; i < n; i += w) {
%(shift)s
%(prefetchw)s
        if ((e = racc_%(f)s(n - i < w ? n - i : w, q, acc))) err = e;
    }
    while (w > 1) {
        w /= 2;
        TH_IVDEP
        for (j = 0; j < w; j++) acc[j] = comb_%(f)s(acc[j], acc[j + w]);
    }
    *(%(C)s *)res = acc[0];
    return err;
}
"""


# Float sums: 32 accumulators in registers (vectorised by the compiler), each adding every
# 32nd element, combined pairwise -- as the runtime's float sums (TH_R_DEFINE_SUM).
_FUSED_SUM_LEAF = r"""
static int rleaf_%(f)s(Py_ssize_t n, char **p, void *res)
{
    %(C)s r[32], s;
    Py_ssize_t i = 0;
    int j, k, err = 0;
    for (k = 0; k < 32; k++) r[k] = %(ident)s;
    for (; i + 32 <= n; i += 32) {
%(prefetch32)s
        for (k = 0; k < 32; k++) r[k] = comb_%(f)s(r[k], ev_%(f)s(%(casts)s, i + k, &err));
    }
    for (k = 16; k >= 1; k /= 2)
        for (j = 0; j < k; j++) r[j] = comb_%(f)s(r[j], r[j + k]);
    s = r[0];
    for (; i < n; i++) s = comb_%(f)s(s, ev_%(f)s(%(casts)s, i, &err));
    *(%(C)s *)res = s;
    return err;
}
"""


@register_c_kernel(ElemwiseReduce)
def elemwise_reduce_kernel(node, module):
    """The kernel of an ElemwiseReduce node (its functions added to ``module``), or None."""
    op = node.op
    red = op.reduce_op
    code = _OPS.get(type(red.scalar_op))
    in_dts = [i.type.dtype for i in node.inputs]
    nd = node.inputs[0].type.ndim if node.inputs else 0
    if code is None or nd > _MAXDIM or not 0 < len(in_dts) <= _MAXOP:
        return None
    e = op.scalar_op.output_dtypes(*in_dts)[0]
    o = node.outputs[0].type.dtype
    if any(d not in C_TYPES for d in in_dts + [e]):
        return None
    acc = accumulation_dtype(code, red, e, o)
    if acc is None or acc not in C_TYPES or acc not in _RUNTIME_ACC[code]:
        return None
    f = module.new_name()
    ctx = KernelContext(module.helpers, module.errors)
    names = ["v%d" % i for i in range(len(in_dts))]
    exprs = scalar_c_code(op.scalar_op, names, in_dts, [e], ctx)
    if exprs is None:
        return None
    uses_err = any("th_err" in s for s in ctx.statements + exprs)
    body = ["    int th_err = 0;"] if uses_err else ["    (void)th_errp;"]
    body += ["    const %s v%d = in%d[i];" % (C_TYPES[d], k, k) for k, d in enumerate(in_dts)]
    body += ["    " + s for s in ctx.statements]
    body.append("    %s r_ = %s;" % (C_TYPES[acc], cast(exprs[0], e, acc)))
    if uses_err:
        body.append("    if (th_err) *th_errp = th_err;")
    body.append("    return r_;")
    n = len(in_dts)
    leaf = _FUSED_SUM_LEAF if code == SUM and acc in ("float32", "float64") else _FUSED_LEAF
    # software prefetch 16 KiB ahead, into every cache level (as the runtime's leaves:
    # TH_R_PREFETCH)
    prefetch = "\n".join(
        "        for (j = 0; j < %%s * %d; j += 64) __builtin_prefetch((const char *)p[%d] + "
        "%%s * %d + 16384 + j, 0, 3);" % (np.dtype(d).itemsize, k, np.dtype(d).itemsize)
        for k, d in enumerate(in_dts))
    text = (_FUSED_COMMON + leaf) % dict(
        prefetch32=prefetch % (("32", "i") * len(in_dts)) if in_dts else "",
        prefetchw=prefetch % (("w", "i") * len(in_dts)) if in_dts else "",
        nin=n, shift="\n".join(
        "            q[%d] = p[%d] + i * %d;" % (k, k, np.dtype(d).itemsize)
        for k, d in enumerate(in_dts)),
        f=f, C=C_TYPES[acc], body="\n".join(body), comb=_combine(code, acc),
        ident=_identity(code, acc),
        params=", ".join("const %s *restrict in%d" % (C_TYPES[d], k)
                         for k, d in enumerate(in_dts)),
        casts=", ".join("(const %s *)p[%d]" % (C_TYPES[d], k) for k, d in enumerate(in_dts)))
    bcast = [int(b) for i in node.inputs for b in i.type.broadcastable]
    text += "static const int rtypes_%s[] = {%s};\n" % (
        f, ", ".join(str(_typenum(d)) for d in in_dts))
    text += "static const unsigned char rbcast_%s[] = {%s};\n" % (
        f, ", ".join(str(b) for b in bcast) or "0")
    text += ("static const th_red_spec rspec_%(f)s = {%(name)s, %(nin)d, %(nd)d, rtypes_%(f)s, "
             "rbcast_%(f)s, %(code)d, %(acc)d, %(out)d, %(mask)du, rleaf_%(f)s, racc_%(f)s, "
             "th_errors};\n" % dict(
                 f=f, name=c_string(str(op)), nin=n, nd=nd, code=code, acc=_typenum(acc),
                 out=_typenum(o), mask=_reduced_mask(red.axis, nd)))
    module.add(text)
    return CKernel(builtin="fused_reduce", data="rspec_" + f)
