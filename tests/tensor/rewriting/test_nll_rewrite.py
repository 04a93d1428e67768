"""The tutorials' negative log-likelihood ``-mean(log(softmax(x + b))[arange(n), y])``
becomes Theano 1.0's fused cross-entropy op (one softmax for the cost and its gradient)."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.advsubtensor import AdvancedIncSubtensor
from theano.tensor.alloc import Alloc
from theano.tensor.nnet import basic as nb

PY = theano.compile.mode.Mode(linker="py", optimizer="fast_compile")


def _ops(f):
    return [type(n.op) for n in f.maker.fgraph.toposort()]


@pytest.mark.parametrize("rows", ["y", "x", "p"])
@pytest.mark.parametrize("bias", [True, False])
def test_dlt_nll_and_gradient_use_one_fused_softmax(rows, bias):
    rng = np.random.RandomState(0)
    X, y = T.dmatrix("X"), T.ivector("y")
    W = theano.shared(rng.randn(6, 4) * 0.5, name="W")
    b = theano.shared(rng.randn(4) * 0.1, name="b")
    z = T.dot(X, W) + b if bias else T.dot(X, W)
    p = T.nnet.softmax(z)
    n = {"y": y, "x": X, "p": p}[rows].shape[0]
    cost = -T.mean(T.log(p)[T.arange(n), y])
    params = [W, b] if bias else [W]
    grads = T.grad(cost, params)
    f = theano.function([X, y], [cost] + grads)
    ops = _ops(f)
    assert nb.CrossentropySoftmaxArgmax1HotWithBias in ops
    assert not {nb.LogSoftmax, nb.SoftmaxWithBias, nb.Softmax} & set(ops)
    ref = theano.function([X, y], [cost] + grads, mode=PY)
    Xv, yv = rng.randn(5, 6), rng.randint(0, 4, 5).astype("int32")
    for got, want in zip(f(Xv, yv), ref(Xv, yv)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_other_index_patterns_are_left_alone():
    X, y = T.dmatrix("X"), T.ivector("y")
    lp = T.log(T.nnet.softmax(X))
    picked = lp[T.arange(1, y.shape[0] + 1) - 1, y]      # not a plain arange(n)
    two = lp[T.arange(y.shape[0] // 2), y[:y.shape[0] // 2]]   # fewer rows than x
    f = theano.function([X, y], [picked, two])
    assert nb.CrossentropySoftmaxArgmax1HotWithBias not in _ops(f)
    rng = np.random.RandomState(1)
    Xv, yv = rng.randn(4, 3), np.array([0, 2, 1, 1], "int32")
    want = np.log(np.exp(Xv) / np.exp(Xv).sum(1, keepdims=True))
    a, c = f(Xv, yv)
    np.testing.assert_allclose(a, want[np.arange(4), yv], rtol=1e-12)
    np.testing.assert_allclose(c, want[np.arange(2), yv[:2]], rtol=1e-12)


def test_label_count_must_match_rows_as_in_theano():
    X, y = T.dmatrix("X"), T.ivector("y")
    cost = -T.log(T.nnet.softmax(X))[T.arange(y.shape[0]), y].mean()
    f = theano.function([X, y], cost)
    with pytest.raises(ValueError):
        f(np.zeros((3, 2)), np.zeros(2, "int32"))


# -- the gradient: Theano 1.0's local_advanced_indexing_crossentropy_onehot_grad ------------

NO_GRAD_REWRITE = theano.compile.mode.get_default_mode().excluding("nll_grad")


def _nll_step(dtype, reduce, lr=0.1, seed=0):
    rng = np.random.RandomState(seed)
    X, y = T.matrix("X", dtype=dtype), T.ivector("y")
    W = theano.shared(rng.randn(6, 4).astype(dtype), name="W")
    b = theano.shared(rng.randn(4).astype(dtype), name="b")
    lp = T.log(T.nnet.softmax(T.dot(X, W) + b))[T.arange(y.shape[0]), y]
    cost = -reduce(lp)
    gW, gb = T.grad(cost, [W, b])
    return [X, y], [cost, gW, gb]


@pytest.mark.parametrize("dtype,tol,reduce,n", [
    ("float64", 1e-12, T.mean, 5), ("float32", 1e-6, T.sum, 5),
    ("float64", 1e-12, lambda v: T.mean(v) * 3.0, 5), ("float64", 1e-12, T.mean, 0)],
    ids=["mean", "sum-float32", "scaled-mean", "empty-batch"])
def test_nll_gradient_becomes_the_fused_dx_op(dtype, tol, reduce, n):
    ins, outs = _nll_step(dtype, reduce)
    f = theano.function(ins, outs)
    ops = _ops(f)
    assert nb.CrossentropySoftmax1HotWithBiasDx in ops
    assert not {AdvancedIncSubtensor, Alloc} & set(ops)
    unfused = theano.function(ins, outs, mode=NO_GRAD_REWRITE)
    assert nb.CrossentropySoftmax1HotWithBiasDx not in _ops(unfused)
    rng = np.random.RandomState(3)
    Xv = rng.randn(2 * n, 6).astype(dtype)[::2]        # not contiguous
    yv = rng.randint(0, 4, n).astype("int32")
    with np.errstate(invalid="ignore", divide="ignore"):
        got, want = f(Xv, yv), unfused(Xv, yv)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol)


def test_nll_gradient_with_partial_rows_is_left_alone():
    # Only the first half of the rows is indexed: the row sums are not the increments.
    X, y = T.dmatrix("X"), T.ivector("y")
    lp = T.log(T.nnet.softmax(X))
    h = y.shape[0] // 2
    cost = -T.sum(lp[T.arange(h), y[:h]])
    g = T.grad(cost, X)
    f = theano.function([X, y], g)
    assert nb.CrossentropySoftmax1HotWithBiasDx not in _ops(f)
    Xv, yv = np.random.RandomState(2).randn(4, 3), np.array([0, 2, 1, 1], "int32")
    sm = np.exp(Xv) / np.exp(Xv).sum(1, keepdims=True)
    want = np.zeros_like(Xv)
    want[:2] = sm[:2]
    want[np.arange(2), yv[:2]] -= 1
    np.testing.assert_allclose(f(Xv, yv), want, rtol=1e-12, atol=1e-14)
