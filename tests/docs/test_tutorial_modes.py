"""Theano 1.0 tutorial "Configuration Settings and Compiling Modes" (doc/tutorial/modes.txt)."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import compile


def test_printing_the_configuration():
    text = str(theano.config)
    assert "floatX" in text and "mode" in text and "linker" in text


def test_exercise_logistic_regression_runs_on_the_cpu():
    rng = np.random.RandomState(0)
    N, feats = 400, 784
    D = (rng.randn(N, feats).astype(theano.config.floatX),
         rng.randint(size=N, low=0, high=2).astype(theano.config.floatX))
    x = T.matrix("x")
    y = T.vector("y")
    w = theano.shared(rng.randn(feats).astype(theano.config.floatX), name="w")
    b = theano.shared(np.asarray(0.0, dtype=theano.config.floatX), name="b")
    x.tag.test_value = D[0]
    y.tag.test_value = D[1]
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    prediction = p_1 > 0.5
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = T.grad(cost, [w, b])
    train = theano.function(inputs=[x, y], outputs=[prediction, xent],
                            updates=[(w, w - 0.01 * gw), (b, b - 0.01 * gb)], name="train")
    predict = theano.function(inputs=[x], outputs=prediction, name="predict")
    # "Used the cpu": the products became Gemv/Gemm nodes.
    assert any(n.op.__class__.__name__ in ["Gemv", "CGemv", "Gemm", "CGemm"]
               for n in train.maker.fgraph.toposort())
    first = train(D[0], D[1])[1].mean()
    for _ in range(300):  # (the page trains 10000 steps and prints the predictions)
        pred, err = train(D[0], D[1])
    assert err.mean() < 0.8 * first
    assert set(np.unique(predict(D[0]))) <= {0, 1} and predict(D[0]).shape == (N,)


def test_named_modes_and_their_constructors():
    x = T.dvector("x")
    for mode in ("FAST_COMPILE", "FAST_RUN", "DebugMode", "NanGuardMode",
                 compile.mode.Mode(linker="py", optimizer="fast_compile"),
                 compile.mode.Mode(linker="cvm", optimizer="fast_run"),
                 compile.debugmode.DebugMode(), theano.compile.MonitorMode()):
        f = theano.function([x], 10 * x, mode=mode)
        assert f([5]).tolist() == [50.0]


@pytest.mark.parametrize("linker", ["cvm", "cvm_nogc", "c|py", "c|py_nogc", "c", "py"])
def test_linkers(linker):
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) * 2, mode=theano.Mode(linker=linker))
    np.testing.assert_allclose(f([0.0, 1.0]), [2.0, 2 * np.e])


@pytest.mark.parametrize("optimizer", [None, "None", "o1", "o2", "o3", "o4", "fast_compile",
                                       "fast_run", "unsafe", "stabilize", "merge"])
def test_optimizers(optimizer):
    x = T.dvector("x")
    f = theano.function([x], T.log(1 + T.exp(x)), mode=theano.Mode(optimizer=optimizer))
    np.testing.assert_allclose(f([0.0, 50.0]), [np.log(2.0), 50.0])


def test_stabilize_optimizer_applies_the_stability_rewrites():
    x = T.dvector("x")
    f = theano.function([x], T.log(1 + T.exp(x)), mode=theano.Mode(optimizer="stabilize"))
    assert [str(n.op) for n in f.maker.fgraph.toposort()] == ["softplus"]
    assert f([1000.0]).tolist() == [1000.0]


def test_using_debugmode():
    x = T.dvector("x")
    f = theano.function([x], 10 * x, mode="DebugMode")
    assert [f([5]).tolist(), f([0]).tolist(), f([7]).tolist()] == [[50.0], [0.0], [70.0]]
