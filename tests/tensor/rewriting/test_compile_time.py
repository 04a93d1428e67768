"""The MLP training function (784-500-10): FAST_RUN rewrites it into a small graph computing the same step."""
import numpy as np

import theano
import theano.tensor as T
from theano.compile.mode import Mode


def _mlp(rng):
    x = T.matrix("x")
    y = T.ivector("y")
    fx = theano.config.floatX
    W1 = theano.shared((rng.randn(784, 500) * 0.01).astype(fx), name="W1")
    b1 = theano.shared(np.zeros(500, dtype=fx), name="b1")
    W2 = theano.shared((rng.randn(500, 10) * 0.01).astype(fx), name="W2")
    b2 = theano.shared(np.zeros(10, dtype=fx), name="b2")
    params = [W1, b1, W2, b2]
    h = T.nnet.sigmoid(T.dot(x, W1) + b1)
    p = T.nnet.softmax(T.dot(h, W2) + b2)
    cost = T.mean(T.nnet.categorical_crossentropy(p, y))
    grads = theano.grad(cost, params)
    updates = []
    for param, g in zip(params, grads):
        vel = theano.shared(np.zeros(param.get_value().shape, dtype=fx))
        new_vel = 0.9 * vel - 0.1 * g
        updates += [(vel, new_vel), (param, param + new_vel)]
    return [x, y], cost, updates, params


def test_mlp_train_graph_is_rewritten_to_a_small_fused_graph():
    # Compile *time* is measured by bench/bench_compile.py, not asserted here.
    ins, cost, updates, _ = _mlp(np.random.RandomState(0))
    f = theano.function(ins, cost, updates=updates, mode="FAST_RUN")
    ops = [type(n.op).__name__ for n in f.maker.fgraph.toposort()]
    assert "CrossentropySoftmaxArgmax1HotWithBias" in ops
    assert any(name.startswith("Gemm") or name == "Dot" for name in ops)
    unopt = theano.function(ins, cost, updates=updates, mode=Mode(optimizer=None))
    assert len(ops) < len(unopt.maker.fgraph.apply_nodes) / 2


def test_mlp_train_step_matches_unoptimized():
    rng = np.random.RandomState(0)
    xv = rng.rand(16, 784).astype(theano.config.floatX)
    yv = rng.randint(0, 10, 16).astype("int32")
    results = []
    for mode in ("FAST_RUN", Mode(optimizer=None)):
        ins, cost, updates, params = _mlp(np.random.RandomState(1))
        f = theano.function(ins, cost, updates=updates, mode=mode)
        costs = [float(f(xv, yv)) for _ in range(3)]
        results.append((costs, [p.get_value() for p in params]))
    (c1, p1), (c2, p2) = results
    tol = 1e-4 if theano.config.floatX == "float32" else 1e-9
    np.testing.assert_allclose(c1, c2, rtol=tol)
    assert c1[2] < c1[0]
    for a, b in zip(p1, p2):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
