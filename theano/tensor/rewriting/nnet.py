"""Softmax and cross-entropy rewrites (stabilize and specialize phases).

* ``exp(x) / sum(exp(x), axis=-1, keepdims=True)`` (also with ``x - max(x)``)
  -> ``softmax(x)``; ``softmax(x + b)`` -> ``softmax_with_bias(x, b)``;
* ``log(softmax(x))`` -> ``log_softmax(x)``, and the gradient
  ``softmax_grad(g / softmax(x), softmax(x))`` -> ``g - sum(g) * softmax(x)``;
* ``crossentropy_categorical_1hot(softmax(x + b), y)`` -> the fused
  ``crossentropy_softmax_argmax_1hot_with_bias(x, b, y)`` (stable for logits
  of any size), and its gradient
  ``softmax_grad(crossentropy_categorical_1hot_grad(g, sm, y), sm)`` ->
  ``crossentropy_softmax_1hot_with_bias_dx(g, sm, y)`` = ``g * (sm - onehot(y))``.
* The Deep Learning Tutorials' negative log-likelihood, ``log(softmax(x + b))[arange(n),
  y]`` with ``n`` the number of labels or rows, -> ``-crossentropy_softmax_argmax_1hot_with_bias(
  x, b, y)[0]`` (Theano 1.0's ``local_advanced_indexing_crossentropy_onehot``; as there,
  ``y`` must have one label per row), and a ``softmax_with_bias(x, b)`` elsewhere in the
  graph (the gradient's) shares the fused op's softmax.
* Its gradient, ``A - sum(A, axis=1, keepdims=True) * sm`` where ``A`` is zeros with
  ``v`` added at ``[arange(n), y]`` (what ``grad`` and the ``log_softmax`` gradient rewrite
  leave of the NLL, summed or averaged over the batch), ->
  ``crossentropy_softmax_1hot_with_bias_dx(-v, sm, y)`` (Theano 1.0's
  ``local_advanced_indexing_crossentropy_onehot_grad``): one pass over ``sm`` instead of an
  ``Alloc``, an indexed increment, a row sum and an elementwise pass.
"""
import theano.scalar.basic as ts
from theano.rewriting.basic import node_rewriter
from theano.rewriting.db import register_specialize, register_stabilize
from theano.tensor import math as tm
from theano.tensor.advsubtensor import AdvancedIncSubtensor, AdvancedSubtensor
from theano.tensor.alloc import Alloc, ARange
from theano.tensor.basic import NotScalarConstantError, get_scalar_constant_value, ones_like
from theano.tensor.elemwise import CAReduce, DimShuffle, Elemwise, Sum
from theano.tensor.type import TensorType
from theano.tensor.shape import Shape_i
from theano.tensor.nnet import basic as nb
from theano.tensor.rewriting.basic import fit_type, scalar_op_of
from theano.tensor.rewriting.math import _num_denum, _product

__all__ = []


def _register(rw, *tags):
    register_stabilize(rw, "nnet", *tags)
    register_specialize(rw, "nnet", *tags, name=rw.name + "_specialize")


def _of(var, cls):
    sop = scalar_op_of(var)
    if sop is not None and type(sop) is cls and not var.owner.op.inplace_pattern:
        return var.owner.inputs
    return None


def _last_axis_keepdims(var, reduce_cls, scalar_op_cls=None):
    """``x`` if ``var`` is ``reduce(x, axis=-1, keepdims=True)`` for a 2-d ``x``, else None."""
    node = var.owner
    if node is None or not isinstance(node.op, DimShuffle) or node.op.new_order != (0, "x"):
        return None
    red = node.inputs[0].owner
    if red is None or not isinstance(red.op, reduce_cls) or red.op.axis != (1,):
        return None
    if scalar_op_cls is not None and not isinstance(red.op.scalar_op, scalar_op_cls):
        return None
    x = red.inputs[0]
    return x if x.type.ndim == 2 else None


@node_rewriter([Elemwise], scalar=(ts.TrueDiv,))
def local_softmax_from_graph(fgraph, node):
    """``exp(x) / sum(exp(x), 1, keepdims)`` -> ``softmax(x)`` (``x - max(x)`` allowed)."""
    ins = _of(node.outputs[0], ts.TrueDiv)
    if ins is None or node.outputs[0].type.ndim != 2:
        return False
    e, s = ins
    if _last_axis_keepdims(s, Sum) is not e:
        return False
    ex = _of(e, ts.Exp)
    if ex is None:
        return False
    (x,) = ex
    sub = _of(x, ts.Sub)
    if sub is not None and _last_axis_keepdims(sub[1], CAReduce, ts.Maximum) is sub[0]:
        x = sub[0]
    if x.type.dtype not in ("float32", "float64", "float16"):
        return False
    return [fit_type(nb.softmax_op(x), node.outputs[0])]


_register(local_softmax_from_graph)


def _row_bias(v):
    """``b`` if ``v`` is a vector ``b`` broadcast as a row (``b.dimshuffle('x', 0)``)."""
    node = v.owner
    if node is not None and isinstance(node.op, DimShuffle) and node.op.new_order == ("x", 0):
        return node.inputs[0]
    return None


@node_rewriter([nb.Softmax])
def local_softmax_with_bias(fgraph, node):
    """``softmax(x + b)`` -> ``softmax_with_bias(x, b)`` for a bias row ``b``."""
    (z,) = node.inputs
    ins = _of(z, ts.Add)
    if ins is None or z.type.ndim != 2 or len(fgraph.clients.get(z, ())) != 1:
        return False
    for k, i in enumerate(ins):
        b = _row_bias(i)
        if b is None or b.type.dtype != z.type.dtype:
            continue
        rest = ins[:k] + ins[k + 1:]
        x = rest[0] if len(rest) == 1 else tm.add(*rest)
        if x.type.ndim != 2 or x.type.dtype != z.type.dtype:
            continue
        return [fit_type(nb.softmax_with_bias(x, b), node.outputs[0])]
    return False


_register(local_softmax_with_bias)


@node_rewriter([Elemwise], scalar=(ts.Log,))
def local_log_softmax(fgraph, node):
    """``log(softmax(x))`` -> ``log_softmax(x)``."""
    ins = _of(node.outputs[0], ts.Log)
    if ins is None:
        return False
    sm = ins[0]
    if sm.owner is None:
        return False
    op = sm.owner.op
    if isinstance(op, nb.Softmax):
        x = sm.owner.inputs[0]
    elif isinstance(op, nb.SoftmaxWithBias):
        x = sm.owner.inputs[0] + sm.owner.inputs[1]
    else:
        return False
    return [fit_type(nb.logsoftmax_op(x), node.outputs[0])]


_register(local_log_softmax)


@node_rewriter([nb.SoftmaxGrad])
def local_log_softmax_grad(fgraph, node):
    """``softmax_grad(g / sm, sm)`` -> ``g - sum(g, -1) * sm`` (no division by a tiny ``sm``)."""
    dy, sm = node.inputs
    out = node.outputs[0]
    dtype = dy.type.dtype
    if dtype not in ts.float_dtypes or dy.owner is None:
        return False
    acc = [[], [], 1]
    _num_denum(fgraph, dy, dtype, acc, top=True)
    num, den, sign = acc
    if not any(d is sm for d in den):
        return False
    k = [i for i, d in enumerate(den) if d is sm][0]
    den = den[:k] + den[k + 1:]
    g = _product(num) if num else None
    if g is None:
        g = ones_like(sm)
    if den:
        g = g / _product(den)
    if sign < 0:
        g = -g
    if g.type.ndim != sm.type.ndim:
        return False
    res = g - tm.sum(g, axis=-1, keepdims=True) * sm
    return [fit_type(res, out)]


_register(local_log_softmax_grad)


@node_rewriter([nb.CrossentropyCategorical1Hot])
def local_crossentropy_softmax(fgraph, node):
    """``crossentropy_categorical_1hot(softmax(x + b), y)`` -> the fused (stable) op."""
    sm, y = node.inputs
    if sm.owner is None:
        return False
    op = sm.owner.op
    if isinstance(op, nb.SoftmaxWithBias):
        x, b = sm.owner.inputs
    elif isinstance(op, nb.Softmax) and sm.type.ndim == 2:
        (x,) = sm.owner.inputs
        b = nb._zero_bias(x)
    else:
        return False
    nll, new_sm, _ = nb.crossentropy_softmax_argmax_1hot_with_bias(x, b, y)
    repl = {node.outputs[0]: fit_type(nll, node.outputs[0])}
    # Other users of the softmax (e.g. the gradient) share the fused op's copy.
    if new_sm.type == sm.type:
        repl[sm] = new_sm
    return repl


_register(local_crossentropy_softmax)


@node_rewriter([nb.SoftmaxGrad])
def local_crossentropy_softmax_grad(fgraph, node):
    """``softmax_grad(crossentropy_categorical_1hot_grad(g, sm, y), sm)`` -> the fused dx op.

    That is ``g * (sm - onehot(y))``: no division by a tiny probability.
    """
    dsm, sm = node.inputs
    if dsm.owner is None or not isinstance(dsm.owner.op, nb.CrossentropyCategorical1HotGrad):
        return False
    g, sm2, y = dsm.owner.inputs
    if sm2 is not sm:
        return False
    dx = nb.crossentropy_softmax_1hot_with_bias_dx(g, sm, y)
    return [fit_type(dx, node.outputs[0])]


_register(local_crossentropy_softmax_grad)


def _arange_rows(v):
    """The variable whose first dimension ``v`` spans (``arange(0, u.shape[0], 1)``), or None."""
    node = v.owner
    if node is None or not isinstance(node.op, ARange) or v.type.ndim != 1:
        return None
    start, stop, step = node.inputs
    try:
        if get_scalar_constant_value(start) != 0 or get_scalar_constant_value(step) != 1:
            return None
    except NotScalarConstantError:
        return None
    sh = stop.owner
    if sh is not None and isinstance(sh.op, Shape_i) and sh.op.i == 0:
        return sh.inputs[0]
    return None


@node_rewriter([AdvancedSubtensor])
def local_advanced_indexing_crossentropy_onehot(fgraph, node):
    """``log_softmax(x + b)[arange(n), y]`` -> ``-crossentropy_softmax_argmax_1hot_with_bias(
    x, b, y)[0]`` (one pass: softmax, the picked log-probabilities, no log of the matrix)."""
    if len(node.inputs) != 3:
        return False
    ls, rows, y = node.inputs
    if (ls.type.ndim != 2 or y.type.ndim != 1 or not y.type.dtype.startswith(("int", "uint"))
            or ls.owner is None or not isinstance(ls.owner.op, nb.LogSoftmax)):
        return False
    (z,) = ls.owner.inputs
    spanned = _arange_rows(rows)
    if spanned is None:
        return False
    if spanned is not y and spanned is not z:
        sf = getattr(fgraph, "shape_feature", None)
        if sf is None or getattr(spanned.type, "ndim", 0) < 1 or not sf.same_shape(
                spanned, z, dims=[0]):
            return False
    x, b = z, None
    ins = _of(z, ts.Add)
    if ins is not None:
        for k, i in enumerate(ins):
            bias = _row_bias(i)
            rest = ins[:k] + ins[k + 1:]
            if bias is not None and bias.type.dtype == z.type.dtype:
                x, b = (rest[0] if len(rest) == 1 else tm.add(*rest)), bias
                break
    if b is None or x.type.ndim != 2 or x.type.dtype != z.type.dtype:
        x, b = z, nb._zero_bias(z)
    nll = nb.crossentropy_softmax_argmax_1hot_with_bias(x, b, y)[0]
    return [fit_type(-nll, node.outputs[0])]


_register(local_advanced_indexing_crossentropy_onehot)


def _is_zero_bias(b):
    node = b.owner
    if node is None or not isinstance(node.op, Alloc):
        return False
    try:
        return get_scalar_constant_value(node.inputs[0]) == 0
    except NotScalarConstantError:
        return False


@node_rewriter([nb.SoftmaxWithBias, nb.Softmax])
def local_softmax_from_crossentropy(fgraph, node):
    """``softmax_with_bias(x, b)`` (or ``softmax(x)``) -> the softmax output of a fused
    cross-entropy node of the same ``x`` and ``b`` (a zero bias) (computed once)."""
    x = node.inputs[0]
    if x.type.ndim != 2:
        return False
    for client, _ in fgraph.clients.get(x, ()):
        if (client == "output" or not isinstance(client.op, nb.CrossentropySoftmaxArgmax1HotWithBias)
                or client.inputs[0] is not x
                or client.outputs[1].type != node.outputs[0].type):
            continue
        b = client.inputs[1]
        if (b is node.inputs[1]) if len(node.inputs) == 2 else _is_zero_bias(b):
            return [client.outputs[1]]
    return False


_register(local_softmax_from_crossentropy)


def _onehot_increment(fgraph, a):
    """``(v, y)`` if ``a`` is a matrix of zeros with ``v`` (a scalar or one value per row)
    added (or set) at ``[arange(n), y]`` for labels ``y`` that span its rows, else None."""
    node = a.owner
    if (node is None or not isinstance(node.op, AdvancedIncSubtensor) or a.type.ndim != 2
            or len(node.inputs) != 4 or not all(isinstance(e, TensorType)
                                                for e in node.op.idx_list)):
        return None
    zeros, v, rows, y = node.inputs
    if (not _is_zero_bias(zeros) or y.type.ndim != 1 or v.type.ndim > 1
            or not y.type.dtype.startswith(("int", "uint")) or v.type.dtype != a.type.dtype):
        return None
    spanned = _arange_rows(rows)
    if spanned is None:
        return None
    if spanned is not y:
        # The rows must all be indexed once: arange over the matrix's own rows.
        sf = getattr(fgraph, "shape_feature", None)
        if sf is None or getattr(spanned.type, "ndim", 0) < 1 or not sf.same_shape(
                spanned, a, dims=[0]):
            return None
    # A scalar broadcast to one value per row (the mean's 1/n) is given as the scalar.
    if v.owner is not None and isinstance(v.owner.op, Alloc) and all(
            v.owner.inputs[0].type.broadcastable):
        v = v.owner.inputs[0]
    if v.type.ndim and all(v.type.broadcastable):
        v = DimShuffle(v.type.broadcastable, [])(v)
    return v, y


def _row_sum_keepdims(var):
    """``x`` if ``var`` is ``sum(x, axis=1).dimshuffle(0, 'x')`` for a matrix ``x``."""
    return _last_axis_keepdims(var, Sum)


@node_rewriter([Elemwise], scalar=(ts.Sub,))
def local_advanced_indexing_crossentropy_onehot_grad(fgraph, node):
    """``A - sum(A, 1, keepdims) * sm`` with ``A`` zeros plus ``v`` at ``[arange(n), y]`` ->
    ``crossentropy_softmax_1hot_with_bias_dx(-v, sm, y)``.

    Each row of ``A`` has one non-zero entry ``v[i]`` (at ``y[i]``), so its sum is
    ``v[i]`` and the expression is ``-v[i] * (sm[i] - onehot(y[i]))`` whatever ``sm`` is.
    As in the forward rewrite, ``y`` gives one label per row (the dx op checks it).
    """
    ins = _of(node.outputs[0], ts.Sub)
    out = node.outputs[0]
    if ins is None or out.type.ndim != 2 or out.type.dtype not in ("float32", "float64"):
        return False
    a, prod = ins
    factors = _of(prod, ts.Mul)
    if factors is None or len(factors) != 2:
        return False
    for k in (0, 1):
        summed, sm = factors[k], factors[1 - k]
        if _row_sum_keepdims(summed) is a and sm.type.ndim == 2:
            break
    else:
        return False
    if sm.type.dtype != out.type.dtype:
        return False
    found = _onehot_increment(fgraph, a)
    if found is None:
        return False
    v, y = found
    dx = nb.crossentropy_softmax_1hot_with_bias_dx(-v, sm, y)
    return [fit_type(dx, out)]


# tag: excludes both registrations (stabilize and specialize)
_register(local_advanced_indexing_crossentropy_onehot_grad, "nll_grad")
