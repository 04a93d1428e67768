"""Algebraic canonicalization: products/quotients and sums/differences, powers, exp/log, sums.

The two *canonizers* flatten trees of ``mul``/``true_div``/``inv``/``neg``
(resp. ``add``/``sub``/``neg``) into a numerator and a denominator (resp.
positive and negative terms), cancel equal factors (terms), fold the
constants and rebuild one standard form:

* products: ``neg?(mul(n1, ..., c) / mul(d1, ...))`` (``inv(d)`` without a
  numerator), so ``(a * b) / (b * c)`` becomes ``a / c`` and ``x * 1``,
  ``x / 1``, ``-(-x)`` become ``x``;
* sums: ``add(p1, ..., c) - add(m1, ...)``, so ``x + 0`` is ``x`` and
  ``x - x`` is zeros (of ``x``'s shape, without computing ``x``).

Only sub-expressions with no other client are flattened (shared ones would be
computed twice), and only those of the same dtype.  When a cancellation
makes the result broadcast less than the original, it is broadcast back.
For float tensors, cancelling ``x / x``, ``x - x`` and ``0 * x`` would turn
NaN/inf into finite numbers, so it happens only with
``config.tensor.fast_math`` (Theano 1.0 always did it); for integers it is
always exact.
"""
import numpy as np

import theano.scalar.basic as ts
from theano.configparser import config
from theano.graph.basic import Constant, equal_computations
from theano.rewriting.basic import node_rewriter
from theano.rewriting.db import register_canonicalize, register_specialize
from theano.tensor import math as tm
from theano.tensor.alloc import Alloc
from theano.tensor.basic import cast, constant
from theano.tensor.elemwise import CAReduce, DimShuffle, Elemwise, Prod, Sum
from theano.tensor.rewriting.basic import (broadcast_like, fit_type, get_const, is_const,
                                           scalar_op_of)

__all__ = []

_MUL_OPS = (ts.Mul, ts.TrueDiv, ts.Inv, ts.Neg)
_ADD_OPS = (ts.Add, ts.Sub, ts.Neg)


def _scalar_like(v):
    """True if ``v`` is a tensor whose every dimension is broadcastable."""
    return all(v.type.broadcastable)


def _const_of(v):
    """The value of ``v`` if it is a broadcastable scalar constant, else None."""
    if not _scalar_like(v):
        return None
    c = get_const(v)
    if c is None:
        return None
    return np.asarray(c)


def _is_elemwise_of(var, classes):
    node = var.owner
    return (node is not None and isinstance(node.op, Elemwise)
            and type(node.op.scalar_op) in classes)


def _flattenable(fgraph, var, top_dtype, classes):
    node = var.owner
    return (node is not None and isinstance(node.op, Elemwise)
            and not node.op.inplace_pattern
            and type(node.op.scalar_op) in classes and var.type.dtype == top_dtype
            and len(fgraph.clients.get(var, ())) == 1)


def _const_nd(value, dtype, nd):
    """A constant of ``dtype`` with ``nd`` broadcastable dimensions (no DimShuffle needed)."""
    return constant(np.asarray(value, dtype=dtype).reshape((1,) * nd))


def _plain(fgraph, node, dtype, classes):
    """True if no input of ``node`` is a constant or a tree the canonizer would flatten."""
    for i in node.inputs:
        if _scalar_like(i) and _const_of(i) is not None:
            return False
        if _flattenable(fgraph, i, dtype, classes):
            return False
    return True


def _restore_broadcast(fgraph, res, out, models):
    """Broadcast ``res`` back to ``out``'s pattern (from its shape, or filled into ``models``)."""
    if res.type.broadcastable == out.type.broadcastable:
        return res
    return broadcast_like(res, out, fgraph, dtype=res.type.dtype, models=models)


# ---------------------------------------------------------------------------
# Products and quotients
# ---------------------------------------------------------------------------
def _num_denum(fgraph, var, dtype, acc, top=False):
    """Flatten ``var`` into acc = [num, den, sign] (sign flips on each neg)."""
    if (top and _is_elemwise_of(var, _MUL_OPS)) or _flattenable(fgraph, var, dtype, _MUL_OPS):
        sop = var.owner.op.scalar_op
        ins = var.owner.inputs
        if isinstance(sop, ts.Mul):
            for i in ins:
                _num_denum(fgraph, i, dtype, acc)
            return
        if isinstance(sop, ts.Neg):
            acc[2] = -acc[2]
            _num_denum(fgraph, ins[0], dtype, acc)
            return
        if isinstance(sop, (ts.TrueDiv, ts.Inv)):
            if isinstance(sop, ts.TrueDiv):
                _num_denum(fgraph, ins[0], dtype, acc)
                d = ins[1]
            else:
                d = ins[0]
            sub = [[], [], 1]
            _num_denum(fgraph, d, dtype, sub)
            acc[0].extend(sub[1])
            acc[1].extend(sub[0])
            if sub[2] < 0:
                acc[2] = -acc[2]
            return
    acc[0].append(var)


def _exact(dtype):
    """True if cancelling equal terms of ``dtype`` cannot change a result (no NaN/inf)."""
    return dtype not in ts.continuous_dtypes or config.tensor__fast_math


def _cancel(a, b, dtype):
    """Remove common elements (by identity, with multiplicity); return the removed ones.

    Nothing is removed for float dtypes unless fast math is on (see the module docstring).
    """
    if not _exact(dtype):
        return list(a), list(b), []
    removed = []
    b = list(b)
    keep_a = []
    for v in a:
        for k, w in enumerate(b):
            if w is v:
                del b[k]
                removed.append(v)
                break
        else:
            keep_a.append(v)
    return keep_a, b, removed


class _C:
    """A constant factor/term of a canonical form, built only if the form is new."""

    def __init__(self, value, dtype, nd):
        self.value = np.asarray(value, dtype=dtype)
        self.nd = nd

    def build(self):
        return _const_nd(self.value, self.value.dtype, self.nd)

    def same(self, v):
        # A narrower constant of the same value is as good: NumPy upcasts it
        # to the result dtype before computing.
        if not (isinstance(v, Constant) and v.type.ndim == self.nd
                and all(v.type.broadcastable)):
            return False
        data = np.asarray(v.data)
        if data.dtype != self.value.dtype and not np.can_cast(data.dtype, self.value.dtype,
                                                              "safe"):
            return False
        return bool(np.array_equal(data.reshape(()).astype(self.value.dtype), self.value))


def _same(a, v):
    return a is v or (isinstance(a, _C) and a.same(v))


def _is_op(v, cls):
    n = v.owner
    return (n is not None and isinstance(n.op, Elemwise) and type(n.op.scalar_op) is cls
            and not n.op.inplace_pattern)


def _matches(v, cls, items):
    """True if ``v`` is ``items[0]`` (one item) or ``cls(*items)`` in any order."""
    if len(items) == 1:
        return _same(items[0], v)
    if not _is_op(v, cls) or len(v.owner.inputs) != len(items):
        return False
    left = list(v.owner.inputs)
    for a in items:
        for k, i in enumerate(left):
            if _same(a, i):
                del left[k]
                break
        else:
            return False
    return True


def _built(items):
    return [i.build() if isinstance(i, _C) else i for i in items]


def _product(vs):
    if not vs:
        return None
    vs = _built(vs)
    if len(vs) == 1:
        return vs[0]
    return tm.mul(*vs)


def _mul_form_matches(out, neg, rn, rd):
    v = out
    if neg:
        if not _is_op(v, ts.Neg):
            return False
        v = v.owner.inputs[0]
    if not rd:
        return _matches(v, ts.Mul, rn)
    if not rn:
        return _is_op(v, ts.Inv) and _matches(v.owner.inputs[0], ts.Mul, rd)
    return (_is_op(v, ts.TrueDiv) and _matches(v.owner.inputs[0], ts.Mul, rn)
            and _matches(v.owner.inputs[1], ts.Mul, rd))


def _add_form_matches(out, rp, rn):
    if not rn:
        return _matches(out, ts.Add, rp)
    if not rp:
        return _is_op(out, ts.Neg) and _matches(out.owner.inputs[0], ts.Add, rn)
    return (_is_op(out, ts.Sub) and _matches(out.owner.inputs[0], ts.Add, rp)
            and _matches(out.owner.inputs[1], ts.Add, rn))


def _canonizer_output(node, classes):
    """The output a canonizer may rewrite (a plain, non-bool node of ``classes``), or None."""
    if (type(node.op.scalar_op) not in classes or node.op.inplace_pattern
            or len(node.outputs) != 1 or node.outputs[0].type.dtype == "bool"):
        return None
    return node.outputs[0]


def _canonical_result(fgraph, res, out, models):
    """``[res]`` broadcast and typed like ``out``, or False if it is not a new form."""
    res = _restore_broadcast(fgraph, res, out, models)
    if res is None:
        return False
    res = fit_type(res, out)
    if res is None or equal_computations([res], [out]):
        return False
    return [res]


@node_rewriter([Elemwise], scalar=_MUL_OPS)
def local_mul_canonizer(fgraph, node):
    """Canonical form of a product/quotient tree (see the module docstring)."""
    sop = node.op.scalar_op
    out = _canonizer_output(node, _MUL_OPS)
    if out is None:
        return False
    dtype = out.type.dtype
    is_float = dtype in ts.continuous_dtypes
    if not is_float and type(sop) not in (ts.Mul, ts.Neg):
        return False
    if _plain(fgraph, node, dtype, _MUL_OPS) and not (
            type(sop) is ts.TrueDiv and node.inputs[0] is node.inputs[1]):
        return False  # nothing to flatten, fold or cancel
    acc = [[], [], 1]
    _num_denum(fgraph, out, dtype, acc, top=True)
    num, den, sign = acc
    # Constants
    cn = np.asarray(1, dtype=dtype)
    cd = np.asarray(1, dtype=dtype)
    rest_n, rest_d = [], []
    for v in num:
        c = _const_of(v)
        if c is None:
            rest_n.append(v)
        else:
            cn = np.asarray(cn * c.astype(dtype), dtype=dtype)
    for v in den:
        c = _const_of(v)
        if c is None:
            rest_d.append(v)
        else:
            cd = np.asarray(cd * c.astype(dtype), dtype=dtype)
    if not is_float and rest_d:
        return False
    if np.any(cd == 0):
        return False
    if np.all(cn == 0) and (_exact(dtype) or not (rest_n or rest_d)):
        new = broadcast_like(constant(np.zeros((), dtype=dtype)), out, fgraph,
                             models=node.inputs)
        return [fit_type(new, out)] if new is not None else False
    rest_n, rest_d, removed = _cancel(rest_n, rest_d, dtype)
    if sign < 0:
        cn = -cn
    if cd != 1 and cn != 1:
        with np.errstate(all="ignore"):
            cn = np.asarray(cn / cd, dtype=dtype)
        cd = np.asarray(1, dtype=dtype)
    neg = False
    if cn == -1 and (rest_n or rest_d):
        neg = True
        cn = np.asarray(1, dtype=dtype)
    if cn != 1 or not (rest_n or rest_d or cd != 1):
        rest_n = rest_n + [_C(cn, dtype, out.type.ndim)]
    if cd != 1:
        rest_d = rest_d + [_C(cd, dtype, out.type.ndim)]
    if not removed and _mul_form_matches(out, neg, rest_n, rest_d):
        return False
    n = _product(rest_n)
    d = _product(rest_d)
    if d is None:
        res = n
    elif n is None:
        res = tm.inv(d)
    else:
        res = tm.true_div(n, d)
    if neg:
        res = tm.neg(res)
    return _canonical_result(fgraph, res, out, removed + list(node.inputs))


register_canonicalize(local_mul_canonizer, "fast_compile", "canonizer")


# ---------------------------------------------------------------------------
# Sums and differences
# ---------------------------------------------------------------------------
def _pos_neg(fgraph, var, dtype, acc, sign=1, top=False):
    if (top and _is_elemwise_of(var, _ADD_OPS)) or _flattenable(fgraph, var, dtype, _ADD_OPS):
        sop = var.owner.op.scalar_op
        ins = var.owner.inputs
        if isinstance(sop, ts.Add):
            for i in ins:
                _pos_neg(fgraph, i, dtype, acc, sign)
            return
        if isinstance(sop, ts.Sub):
            _pos_neg(fgraph, ins[0], dtype, acc, sign)
            _pos_neg(fgraph, ins[1], dtype, acc, -sign)
            return
        if isinstance(sop, ts.Neg):
            _pos_neg(fgraph, ins[0], dtype, acc, -sign)
            return
    (acc[0] if sign > 0 else acc[1]).append(var)


def _total(vs):
    if not vs:
        return None
    vs = _built(vs)
    if len(vs) == 1:
        return vs[0]
    return tm.add(*vs)


@node_rewriter([Elemwise], scalar=_ADD_OPS)
def local_add_canonizer(fgraph, node):
    """Canonical form of a sum/difference tree (see the module docstring)."""
    sop = node.op.scalar_op
    out = _canonizer_output(node, _ADD_OPS)
    if out is None:
        return False
    dtype = out.type.dtype
    if isinstance(sop, ts.Neg):
        # A lone negation is canonical; sums absorb it when it is one of their terms.
        x = node.inputs[0]
        if not _flattenable(fgraph, x, dtype, (ts.Add, ts.Sub, ts.Neg)):
            return False
    if _plain(fgraph, node, dtype, _ADD_OPS) and not (
            type(sop) is ts.Sub and node.inputs[0] is node.inputs[1]):
        return False  # nothing to flatten, fold or cancel
    acc = [[], []]
    _pos_neg(fgraph, out, dtype, acc, top=True)
    pos, negs = acc
    c = np.asarray(0, dtype=dtype)
    rp, rn = [], []
    for v in pos:
        k = _const_of(v)
        if k is None:
            rp.append(v)
        else:
            c = np.asarray(c + k.astype(dtype), dtype=dtype)
    for v in negs:
        k = _const_of(v)
        if k is None:
            rn.append(v)
        else:
            c = np.asarray(c - k.astype(dtype), dtype=dtype)
    rp, rn, removed = _cancel(rp, rn, dtype)
    if c != 0 or not (rp or rn):
        if dtype in ts.complex_dtypes or dtype.startswith("uint") or c >= 0 or not (rp or rn):
            rp = rp + [_C(c, dtype, out.type.ndim)]
        else:
            rn = rn + [_C(-c, dtype, out.type.ndim)]
    if not removed and _add_form_matches(out, rp, rn):
        return False
    p = _total(rp)
    m = _total(rn)
    if m is None:
        res = p
    elif p is None:
        res = tm.neg(m)
    else:
        res = tm.sub(p, m)
    return _canonical_result(fgraph, res, out, removed + list(node.inputs))


register_canonicalize(local_add_canonizer, "fast_compile", "canonizer")


# ---------------------------------------------------------------------------
# Multiplication by special constants (specialize)
# ---------------------------------------------------------------------------
@node_rewriter([Elemwise], scalar=(ts.Mul,))
def local_mul_specialize(fgraph, node):
    """``mul(-1, x)`` -> ``neg(x)``; ``mul(1, x, y)`` -> ``mul(x, y)``; ``mul(0, ...)`` -> 0."""
    if not isinstance(node.op.scalar_op, ts.Mul) or node.op.inplace_pattern:
        return False
    out = node.outputs[0]
    coef = 1
    rest = []
    found = False
    for i in node.inputs:
        c = _const_of(i)
        if c is not None and c.ndim == 0 and np.isreal(c) and c in (0, 1, -1):
            coef *= int(c)
            found = True
        else:
            rest.append(i)
    if not found:
        return False
    if coef == 0 and rest and not _exact(out.type.dtype):
        return False  # 0 * x is NaN where x is NaN or inf
    if coef == 0:
        res = broadcast_like(0, out, fgraph, models=node.inputs)
        return [res] if res is not None else False
    if not rest:
        res = broadcast_like(coef, out, fgraph, models=node.inputs)
        return [res] if res is not None else False
    res = rest[0] if len(rest) == 1 else tm.mul(*rest)
    if coef == -1:
        res = tm.neg(res)
    res = _restore_broadcast(fgraph, res, out, node.inputs)
    return [fit_type(res, out)] if res is not None else False


register_specialize(local_mul_specialize)


# ---------------------------------------------------------------------------
# Powers
# ---------------------------------------------------------------------------
@node_rewriter([Elemwise], scalar=(ts.Pow,))
def local_pow_specialize(fgraph, node):
    """``x**0 -> 1``, ``x**1 -> x``, ``x**2 -> sqr``, ``x**0.5 -> sqrt``, ``x**-1 -> inv``...

    The base is cast to the output dtype first, so the result has the dtype
    of the power.
    """
    if not isinstance(node.op.scalar_op, ts.Pow):
        return False
    x, y = node.inputs
    out = node.outputs[0]
    e = _const_of(y)
    if e is None or e.ndim != 0 or np.iscomplexobj(e):
        return False
    e = float(e)
    xc = x if x.type.dtype == out.type.dtype else cast(x, out.type.dtype)
    is_float = out.type.dtype in ts.continuous_dtypes
    if e == 0:
        res = broadcast_like(1, out, fgraph, models=[x, y])
        return [fit_type(res, out)] if res is not None else False
    table = {1: lambda v: v, 2: tm.sqr, 3: lambda v: tm.mul(v, tm.sqr(v))}
    if is_float:
        table.update({0.5: tm.sqrt, -1: tm.inv, -2: lambda v: tm.inv(tm.sqr(v)),
                      -0.5: lambda v: tm.inv(tm.sqrt(v))})
    fn = table.get(e)
    if fn is None:
        return False
    res = fn(xc)
    res = _restore_broadcast(fgraph, res, out, [x, y])
    return [fit_type(res, out)] if res is not None else False


register_canonicalize(local_pow_specialize, "fast_compile")
register_specialize(local_pow_specialize)


# ---------------------------------------------------------------------------
# exp/log, double negation
# ---------------------------------------------------------------------------
def _unary_input(var, cls):
    sop = scalar_op_of(var)
    if sop is not None and type(sop) is cls and not var.owner.op.inplace_pattern:
        return var.owner.inputs[0]
    return None


@node_rewriter([Elemwise], scalar=(ts.Exp, ts.Log))
def local_exp_log(fgraph, node):
    """``log(exp(x)) -> x``; ``exp(log(x)) -> x`` (NaN where ``x < 0``, as before)."""
    sop = node.op.scalar_op
    out = node.outputs[0]
    if out.type.dtype not in ts.float_dtypes:
        return False
    x = node.inputs[0]
    if isinstance(sop, ts.Log):
        inner = _unary_input(x, ts.Exp)
        if inner is not None and inner.type.dtype == out.type.dtype:
            return [fit_type(inner, out)]
    if isinstance(sop, ts.Exp):
        inner = _unary_input(x, ts.Log)
        if inner is not None and inner.type.dtype == out.type.dtype:
            nan = constant(np.asarray(np.nan, dtype=out.type.dtype))
            return [fit_type(tm.switch(tm.ge(inner, 0), inner, nan), out)]
    return False


register_canonicalize(local_exp_log)


@node_rewriter([Elemwise], scalar=(ts.Neg, ts.Inv))
def local_neg_neg(fgraph, node):
    """``neg(neg(x)) -> x`` and ``inv(inv(x)) -> x``."""
    sop = node.op.scalar_op
    for cls in (ts.Neg, ts.Inv):
        if isinstance(sop, cls):
            inner = _unary_input(node.inputs[0], cls)
            if inner is not None:
                return [fit_type(inner, node.outputs[0])]
    return False


register_canonicalize(local_neg_neg, "fast_compile")
register_specialize(local_neg_neg)


# ---------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------
def _same_reduce(op, axis):
    """A reduction like ``op`` over ``axis``."""
    if isinstance(op, Sum):
        return Sum(axis=axis, dtype=op.dtype, acc_dtype=op.acc_dtype)
    if isinstance(op, Prod):
        return Prod(axis=axis, dtype=op.dtype, acc_dtype=op.acc_dtype,
                    no_zeros_in_input=getattr(op, "no_zeros_in_input", False))
    return CAReduce(op.scalar_op, axis=axis, dtype=op.dtype, acc_dtype=op.acc_dtype)


@node_rewriter([CAReduce])
def local_reduce_broadcastable(fgraph, node):
    """Reducing over no axis, or over broadcastable (size-1) axes only, is a DimShuffle."""
    x = node.inputs[0]
    out = node.outputs[0]
    axis = node.op.axis
    if axis is None:
        return False
    bc = [a for a in axis if x.type.broadcastable[a]]
    if not bc:
        return False
    rest = [a for a in axis if a not in bc]
    if rest:
        # Reduce the real axes, then drop the broadcastable ones.
        kept = [a for a in range(x.type.ndim) if a not in rest]
        red = _same_reduce(node.op, rest)(x)
        order = [k for k, a in enumerate(kept) if a not in bc]
        res = DimShuffle(red.type.broadcastable, order)(red)
    else:
        order = [a for a in range(x.type.ndim) if a not in bc]
        res = DimShuffle(x.type.broadcastable, order)(x)
    if res.type.dtype != out.type.dtype:
        res = cast(res, out.type.dtype)
    return [fit_type(res, out)]


register_canonicalize(local_reduce_broadcastable)
register_specialize(local_reduce_broadcastable)


@node_rewriter([Sum, Prod])
def local_sum_sum(fgraph, node):
    """``sum(sum(x, a1), a2)`` -> ``sum(x, a1 + a2)`` (same for prod)."""
    x = node.inputs[0]
    inner = x.owner
    if inner is None or type(inner.op) is not type(node.op) or node.op.axis is None:
        return False
    if len(fgraph.clients.get(x, ())) != 1:
        return False
    if (inner.op.dtype or node.op.dtype) and x.type.dtype != node.outputs[0].type.dtype:
        return False
    if inner.op.acc_dtype != node.op.acc_dtype:
        return False
    base = inner.inputs[0]
    kept = [a for a in range(base.type.ndim) if a not in inner.op.axis]
    axes = sorted(set(inner.op.axis) | {kept[a] for a in node.op.axis})
    res = _same_reduce(node.op, axes)(base)
    return [fit_type(res, node.outputs[0])]


register_canonicalize(local_sum_sum)


@node_rewriter([CAReduce])
def local_reduce_dimshuffle(fgraph, node):
    """``sum(x.dimshuffle(...), axis)`` -> ``sum(x, axis')`` (then a DimShuffle of the rest)."""
    x = node.inputs[0]
    ds = x.owner
    if ds is None or not isinstance(ds.op, DimShuffle) or node.op.axis is None:
        return False
    base = ds.inputs[0]
    order = ds.op.new_order
    axis = node.op.axis
    base_axes = sorted(order[a] for a in axis if order[a] != "x")
    remaining = [order[a] for a in range(len(order)) if a not in axis]
    red = _same_reduce(node.op, base_axes)(base) if base_axes else None
    if red is None:
        # Only inserted (size-1) axes are reduced.
        if not isinstance(node.op.scalar_op, (ts.Add, ts.Mul, ts.Maximum, ts.Minimum)):
            return False
        red = base
        left = list(range(base.type.ndim))
    else:
        left = [a for a in range(base.type.ndim) if a not in base_axes]
    pos = {a: k for k, a in enumerate(left)}
    new_order = ["x" if o == "x" else pos[o] for o in remaining]
    if any(o != "x" and o not in pos for o in remaining):
        return False
    res = DimShuffle(red.type.broadcastable, new_order)(red) if tuple(new_order) != tuple(
        range(red.type.ndim)) else red
    out = node.outputs[0]
    if res.type.dtype != out.type.dtype:
        res = cast(res, out.type.dtype)
    return [fit_type(res, out)]


register_canonicalize(local_reduce_dimshuffle)


@node_rewriter([Sum])
def local_sum_mul_by_scalar(fgraph, node):
    """``sum(s * x)`` -> ``s * sum(x)`` and ``sum(-x)`` -> ``-sum(x)`` for a scalar-like ``s``."""
    x = node.inputs[0]
    out = node.outputs[0]
    if out.type.dtype != x.type.dtype or out.type.dtype not in ts.continuous_dtypes:
        return False
    sop = scalar_op_of(x)
    if sop is None or x.owner.op.inplace_pattern or len(fgraph.clients.get(x, ())) != 1:
        return False
    if isinstance(sop, ts.Neg):
        return [fit_type(tm.neg(node.op(x.owner.inputs[0])), out)]
    if isinstance(sop, ts.TrueDiv):
        a, b = x.owner.inputs
        if _scalar_like(b) and b.type.dtype == out.type.dtype:
            s = _drop_all(b, out.type.ndim)
            return [fit_type(tm.true_div(node.op(a), s), out)]
        return False
    if not isinstance(sop, ts.Mul):
        return False
    scal = [i for i in x.owner.inputs if _scalar_like(i)]
    rest = [i for i in x.owner.inputs if not _scalar_like(i)]
    if not scal or not rest:
        return False
    inner = rest[0] if len(rest) == 1 else tm.mul(*rest)
    if inner.type.broadcastable != x.type.broadcastable or inner.type.dtype != x.type.dtype:
        return False
    s = [_drop_all(v, out.type.ndim) for v in scal]
    res = tm.mul(*(s + [node.op(inner)]))
    return [fit_type(res, out)]


def _drop_all(v, ndim):
    """A broadcastable-everywhere tensor as one of ``ndim`` dimensions (size-1 dims dropped)."""
    dropped = DimShuffle(v.type.broadcastable, [])(v) if v.type.ndim else v
    if ndim:
        dropped = DimShuffle((), ["x"] * ndim)(dropped)
    return dropped


register_canonicalize(local_sum_mul_by_scalar)
register_specialize(local_sum_mul_by_scalar)


@node_rewriter([Sum])
def local_sum_alloc(fgraph, node):
    """``sum(alloc(v, *shape), axis)`` -> ``alloc(v * prod(shape[axis]), *rest)``.

    For a scalar ``v`` (gradients of sums produce these).
    """
    x = node.inputs[0]
    out = node.outputs[0]
    if x.owner is None or not isinstance(x.owner.op, Alloc) or node.op.axis is None:
        return False
    v, shape = x.owner.inputs[0], x.owner.inputs[1:]
    if not _scalar_like(v) or out.type.dtype not in ts.continuous_dtypes:
        return False
    v = _drop_all(v, 0)
    if v.type.dtype != out.type.dtype:
        v = cast(v, out.type.dtype)
    axis = node.op.axis
    if not is_const(v, 0):
        n = None
        for a in axis:
            n = shape[a] if n is None else tm.mul(n, shape[a])
        if n is not None:
            v = tm.mul(v, cast(n, out.type.dtype))
    rest = [s for a, s in enumerate(shape) if a not in axis]
    res = Alloc()(v, *rest) if rest else v
    return [fit_type(res, out)]

register_canonicalize(local_sum_alloc)
register_specialize(local_sum_alloc)
