"""``dot`` + scaled terms -> ``Gemm``/``Gemv``/``Ger`` (position 1.7, tag ``'gemm'``).

A sum such as ``beta * z + alpha * dot(x, y) + rest`` (subtractions,
negations and scalar factors included) becomes ``gemm(z, alpha, x, y, beta) +
rest``; ``dot(A, v) + y`` becomes ``gemv``, ``A + alpha * outer(x, y)`` (a
dot of a column and a row) becomes ``ger``.  A bias row/column works as
``z`` (``dot(x, W) + b``).  The dot must have no other client.
"""
from theano.rewriting.basic import in2out, node_rewriter
from theano.rewriting.db import optdb
import theano.scalar.basic as ts
from theano.tensor import math as tm
from theano.tensor.basic import cast, constant
from theano.tensor.blas import blas_dtypes, gemm_no_inplace, gemv_no_inplace, ger
from theano.tensor.elemwise import DimShuffle, Elemwise
from theano.tensor.math import Dot
from theano.tensor.rewriting.basic import fit_type, scalar_op_of

__all__ = ["local_gemm"]


def _scalar_like(v):
    return all(v.type.broadcastable)


def _as_0d(v, dtype):
    if v.type.ndim:
        v = DimShuffle(v.type.broadcastable, [])(v)
    if v.type.dtype != dtype:
        v = cast(v, dtype)
    return v


def _mul(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return tm.mul(a, b)


def _terms(fgraph, var, dtype, coef, out, top=False):
    """Flatten ``var`` into (coefficient or None, variable) terms of a sum."""
    sop = scalar_op_of(var)
    single = top or len(fgraph.clients.get(var, ())) == 1
    if sop is not None and single and not var.owner.op.inplace_pattern and \
            var.type.dtype == dtype:
        ins = var.owner.inputs
        if isinstance(sop, ts.Add):
            for i in ins:
                _terms(fgraph, i, dtype, coef, out)
            return
        if isinstance(sop, ts.Sub):
            _terms(fgraph, ins[0], dtype, coef, out)
            _terms(fgraph, ins[1], dtype, _mul(coef, _minus_one(dtype)), out)
            return
        if isinstance(sop, ts.Neg):
            _terms(fgraph, ins[0], dtype, _mul(coef, _minus_one(dtype)), out)
            return
        if isinstance(sop, ts.Mul):
            scal = [i for i in ins if _scalar_like(i)]
            rest = [i for i in ins if not _scalar_like(i)]
            if scal and len(rest) == 1:
                c = coef
                for s in scal:
                    c = _mul(c, _as_0d(s, dtype))
                out.append((c, rest[0]))
                return
    out.append((coef, var))


def _minus_one(dtype):
    return constant(-1, dtype=dtype)


def _dot_kind(fgraph, v):
    """'gemm', 'gemv' or 'ger' if ``v`` is a dot usable by that op (single client)."""
    node = v.owner
    if node is None or not isinstance(node.op, Dot) or len(fgraph.clients.get(v, ())) != 1:
        return None
    x, y = node.inputs
    if x.type.dtype != v.type.dtype or y.type.dtype != v.type.dtype:
        return None
    if x.type.ndim == 2 and y.type.ndim == 2:
        if _col_row(x, y):
            return "ger"
        return "gemm"
    if x.type.ndim == 2 and y.type.ndim == 1:
        return "gemv"
    return None


def _col_row(x, y):
    """True if ``x`` is a vector as a column and ``y`` a vector as a row (an outer product)."""
    return (x.owner is not None and isinstance(x.owner.op, DimShuffle)
            and x.owner.op.new_order == (0, "x") and y.owner is not None
            and isinstance(y.owner.op, DimShuffle) and y.owner.op.new_order == ("x", 0))


@node_rewriter([Elemwise], scalar=(ts.Add, ts.Sub))
def local_gemm(fgraph, node):
    """Sums of a scaled dot and a scaled matrix/vector become Gemm/Gemv/Ger."""
    sop = node.op.scalar_op
    if not isinstance(sop, (ts.Add, ts.Sub)) or node.op.inplace_pattern:
        return False
    out = node.outputs[0]
    dtype = out.type.dtype
    if dtype not in blas_dtypes or out.type.ndim not in (1, 2):
        return False
    terms = []
    _terms(fgraph, out, dtype, None, terms, top=True)
    dots = [(k, _dot_kind(fgraph, v)) for k, (c, v) in enumerate(terms)]
    dots = [(k, kind) for k, kind in dots if kind is not None]
    if not dots:
        return False
    one = constant(1, dtype=dtype)
    for k, kind in dots:
        alpha, d = terms[k]
        x, y = d.owner.inputs
        for j, (beta, z) in enumerate(terms):
            if j == k or z.type.dtype != dtype or z.type.ndim != out.type.ndim:
                continue
            if kind == "ger" and (z.type.broadcastable != out.type.broadcastable
                                  or beta is not None):
                continue
            if any(pb and not zb for pb, zb in zip(d.type.broadcastable, z.type.broadcastable)):
                continue  # z is bigger than the product: gemm/gemv do not broadcast the product
            a = alpha if alpha is not None else one
            b = beta if beta is not None else one
            if kind == "gemm":
                new = gemm_no_inplace(z, a, x, y, b)
            elif kind == "gemv":
                new = gemv_no_inplace(z, a, x, y, b)
            else:
                xv = x.owner.inputs[0]
                yv = y.owner.inputs[0]
                new = ger(z, a, xv, yv)
            rest = [(c, v) for i, (c, v) in enumerate(terms) if i not in (j, k)]
            for c, v in rest:
                new = tm.add(new, v if c is None else tm.mul(c, v))
            res = fit_type(new, out)
            if res is None:
                continue
            return [res]
    return False


optdb.register("blas", in2out(local_gemm, name="blas"), "fast_run", "gemm", position=1.7)
