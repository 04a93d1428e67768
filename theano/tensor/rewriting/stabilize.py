"""Numerically stable forms (the stabilize phase, some also in specialize).

* ``log(1 + x) -> log1p(x)``, ``log(1 - x) -> log1p(-x)``;
* ``exp(x) - 1 -> expm1(x)``;
* ``1 / (1 + exp(-x)) -> sigmoid(x)``, ``exp(x) / (1 + exp(x)) -> sigmoid(x)``,
  ``1 - sigmoid(x) -> sigmoid(-x)``;
* ``log(sigmoid(x)) -> -softplus(-x)``, ``log1p(exp(x)) -> softplus(x)``, so
  ``log(1 + exp(1000.))`` is 1000 and ``log(1 - sigmoid(x))`` is ``-softplus(x)``;
* ``log(sum(exp(x), axis))`` -> ``m + log(sum(exp(x - m), axis))`` with ``m``
  the maximum over ``axis`` (no overflow for large ``x``).
"""
import numpy as np

import theano.scalar.basic as ts
from theano.rewriting.basic import node_rewriter
from theano.rewriting.db import register_specialize, register_stabilize
from theano.tensor import math as tm
from theano.tensor.basic import constant
from theano.tensor.elemwise import DimShuffle, Elemwise, Sum
from theano.tensor.rewriting.basic import fit_type, get_const, scalar_op_of

__all__ = []


def _is_one_const(v, value=1):
    if not all(v.type.broadcastable):
        return False
    c = get_const(v)
    return c is not None and np.ndim(c) == 0 and c == value


def _of(var, cls):
    """Input of the unary elementwise ``cls`` op producing ``var``, or None."""
    sop = scalar_op_of(var)
    if sop is not None and type(sop) is cls and not var.owner.op.inplace_pattern:
        return var.owner.inputs[0]
    return None


def _negated(x):
    """``y`` if ``x`` is ``-y`` (neg or multiplication by -1), else None."""
    y = _of(x, ts.Neg)
    if y is not None:
        return y
    sop = scalar_op_of(x)
    if isinstance(sop, ts.Mul) and len(x.owner.inputs) == 2:
        a, b = x.owner.inputs
        if _is_one_const(a, -1):
            return b
        if _is_one_const(b, -1):
            return a
    return None


def _float(out):
    return out.type.dtype in ts.float_dtypes


def _split_one(add_var, value=1):
    """For ``add(..., 1, ...)``: the other terms (one variable) or None."""
    sop = scalar_op_of(add_var)
    if not isinstance(sop, ts.Add) or add_var.owner.op.inplace_pattern:
        return None
    ins = add_var.owner.inputs
    for k, i in enumerate(ins):
        if _is_one_const(i, value):
            rest = ins[:k] + ins[k + 1:]
            if not rest:
                return None
            return rest[0] if len(rest) == 1 else tm.add(*rest)
    return None


@node_rewriter([Elemwise], scalar=(ts.Log, ts.Log1p))
def local_log1p(fgraph, node):
    """``log(1 + x) -> log1p(x)``; ``log(1 - x) -> log1p(-x)``; ``log1p(exp(x)) -> softplus(x)``."""
    sop = node.op.scalar_op
    out = node.outputs[0]
    if not _float(out):
        return False
    x = node.inputs[0]
    if isinstance(sop, ts.Log):
        rest = _split_one(x)
        if rest is not None:
            return [fit_type(tm.log1p(rest), out)]
        if isinstance(scalar_op_of(x), ts.Sub) and _is_one_const(x.owner.inputs[0]):
            return [fit_type(tm.log1p(tm.neg(x.owner.inputs[1])), out)]
    if isinstance(sop, ts.Log1p):
        e = _of(x, ts.Exp)
        if e is not None:
            return [fit_type(tm.softplus(e), out)]
    return False


register_stabilize(local_log1p)
register_specialize(local_log1p)


@node_rewriter([Elemwise], scalar=(ts.Sub, ts.Add))
def local_expm1(fgraph, node):
    """``exp(x) - 1 -> expm1(x)`` (also in the ``add(exp(x), -1)`` form)."""
    sop = node.op.scalar_op
    out = node.outputs[0]
    if not _float(out):
        return False
    if isinstance(sop, ts.Sub):
        a, b = node.inputs
        if not _is_one_const(b):
            return False
        e = _of(a, ts.Exp)
        if e is not None:
            return [fit_type(tm.expm1(e), out)]
        # (exp(x) + rest) - 1 -> expm1(x) + rest
        if isinstance(scalar_op_of(a), ts.Add) and len(fgraph.clients.get(a, ())) == 1:
            ins = a.owner.inputs
            ex = [k for k, i in enumerate(ins) if _of(i, ts.Exp) is not None]
            if ex:
                rest = [i for k, i in enumerate(ins) if k != ex[0]]
                res = tm.add(tm.expm1(_of(ins[ex[0]], ts.Exp)), *rest)
                return [fit_type(res, out)]
    if isinstance(sop, ts.Add):
        ins = node.inputs
        m1 = [k for k, i in enumerate(ins) if _is_one_const(i, -1)]
        ex = [k for k, i in enumerate(ins) if _of(i, ts.Exp) is not None]
        if m1 and ex:
            rest = [i for k, i in enumerate(ins) if k not in (m1[0], ex[0])]
            res = tm.expm1(_of(ins[ex[0]], ts.Exp))
            if rest:
                res = tm.add(res, *rest)
            return [fit_type(res, out)]
    return False


register_stabilize(local_expm1)
register_specialize(local_expm1)


def _sigmoid_of_denominator(d):
    """``sigmoid(x)`` if ``d`` is ``1 + exp(-x)``, ``sigmoid(-x)`` if ``1 + exp(x)``."""
    rest = _split_one(d)
    if rest is None:
        return None
    e = _of(rest, ts.Exp)
    if e is None:
        return None
    y = _negated(e)
    if y is not None:
        return tm.sigmoid(y)
    return tm.sigmoid(tm.neg(e))


@node_rewriter([Elemwise], scalar=(ts.Inv, ts.TrueDiv, ts.Sub))
def local_sigmoid(fgraph, node):
    """Sigmoid forms.

    ``1/(1+exp(-x)) -> sigmoid(x)``, ``exp(x)/(1+exp(x)) -> sigmoid(x)``,
    ``1 - sigmoid(x) -> sigmoid(-x)``.
    """
    sop = node.op.scalar_op
    out = node.outputs[0]
    if not _float(out):
        return False
    if isinstance(sop, ts.Inv):
        s = _sigmoid_of_denominator(node.inputs[0])
        if s is not None:
            return [fit_type(s, out)]
    if isinstance(sop, ts.TrueDiv):
        n, d = node.inputs
        if _is_one_const(n):
            s = _sigmoid_of_denominator(d)
            if s is not None:
                return [fit_type(s, out)]
        e = _of(n, ts.Exp)
        rest = _split_one(d)
        if e is not None and rest is not None and _of(rest, ts.Exp) is e:
            return [fit_type(tm.sigmoid(e), out)]
    if isinstance(sop, ts.Sub):
        a, b = node.inputs
        x = _of(b, ts.ScalarSigmoid)
        if x is not None and _is_one_const(a):
            return [fit_type(tm.sigmoid(tm.neg(x)), out)]
    return False


register_stabilize(local_sigmoid)
register_specialize(local_sigmoid)


@node_rewriter([Elemwise], scalar=(ts.Log,))
def local_log_sigmoid(fgraph, node):
    """``log(sigmoid(x)) -> -softplus(-x)`` (finite for very negative ``x``)."""
    if not isinstance(node.op.scalar_op, ts.Log) or not _float(node.outputs[0]):
        return False
    x = _of(node.inputs[0], ts.ScalarSigmoid)
    if x is None:
        return False
    y = _negated(x)
    inner = y if y is not None else tm.neg(x)
    return [fit_type(tm.neg(tm.softplus(inner)), node.outputs[0])]


register_stabilize(local_log_sigmoid)
register_specialize(local_log_sigmoid)


@node_rewriter([Elemwise], scalar=(ts.Log,))
def local_log_sum_exp(fgraph, node):
    """``log(sum(exp(x), axis))`` -> ``max(x, axis) + log(sum(exp(x - max), axis))``."""
    if not isinstance(node.op.scalar_op, ts.Log) or not _float(node.outputs[0]):
        return False
    s = node.inputs[0]
    order = None
    if s.owner is not None and isinstance(s.owner.op, DimShuffle):
        order = s.owner.op.new_order
        s = s.owner.inputs[0]
    if s.owner is None or not isinstance(s.owner.op, Sum) or getattr(
            node.tag, "stable_logsumexp", False):
        return False
    e = s.owner.inputs[0]
    x = _of(e, ts.Exp)
    if x is None or x.type.dtype != s.type.dtype:
        return False
    axis = s.owner.op.axis
    if axis is None:
        axis = tuple(range(x.type.ndim))
    m = tm.max(x, axis=axis, keepdims=True)
    # An all -inf slice would give nan: subtract 0 there instead.
    m = tm.switch(tm.isinf(m), constant(np.asarray(0, dtype=m.type.dtype)), m)
    kept = [a for a in range(x.type.ndim) if a not in axis]
    m_red = DimShuffle(m.type.broadcastable, kept)(m)
    lg = tm.log(tm.sum(tm.exp(x - m), axis=axis))
    lg.owner.tag.stable_logsumexp = True  # already shifted: do not rewrite again
    res = m_red + lg
    if order is not None:
        res = DimShuffle(res.type.broadcastable, order)(res)
    return [fit_type(res, node.outputs[0])]


register_stabilize(local_log_sum_exp)
