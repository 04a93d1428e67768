"""The tutorials' negative log-likelihood ``-mean(log(softmax(x + b))[arange(n), y])``
becomes Theano 1.0's fused cross-entropy op (one softmax for the cost and its gradient)."""
import numpy as np
import pytest

import theano
import theano.tensor as T
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
