"""Theano 1.0 tutorial "More Examples" (doc/tutorial/examples.txt): its examples and outputs."""
import numpy as np

import theano
import theano.tensor as T
from theano import In, function, shared
from theano.sandbox.rng_mrg import MRG_RandomStreams
from theano.tensor.shared_randomstreams import RandomStreams

LOGISTIC = np.array([[0.5, 0.73105858], [0.26894142, 0.11920292]])


def test_logistic_function_and_its_tanh_form():
    x = T.dmatrix("x")
    logistic = theano.function([x], 1 / (1 + T.exp(-x)))
    np.testing.assert_allclose(logistic([[0, 1], [-1, -2]]), LOGISTIC, rtol=0, atol=5e-9)
    logistic2 = theano.function([x], (1 + T.tanh(x / 2)) / 2)
    np.testing.assert_allclose(logistic2([[0, 1], [-1, -2]]), LOGISTIC, rtol=0, atol=5e-9)


def test_several_outputs():
    a, b = T.dmatrices("a", "b")
    diff = a - b
    f = theano.function([a, b], [diff, abs(diff), diff ** 2])
    out = f([[1, 1], [1, 1]], [[0, 1], [2, 3]])
    assert isinstance(out, list) and len(out) == 3
    np.testing.assert_array_equal(out[0], [[1.0, 0.0], [-1.0, -2.0]])
    np.testing.assert_array_equal(out[1], [[1.0, 0.0], [1.0, 2.0]])
    np.testing.assert_array_equal(out[2], [[1.0, 0.0], [1.0, 4.0]])


def test_default_values_positional_and_by_name():
    x, y = T.dscalars("x", "y")
    f = function([x, In(y, value=1)], x + y)
    assert f(33) == 34.0 and f(33, 2) == 35.0
    x, y, w = T.dscalars("x", "y", "w")
    f = function([x, In(y, value=1), In(w, value=2, name="w_by_name")], (x + y) * w)
    assert [float(v) for v in (f(33), f(33, 2), f(33, 0, 1), f(33, w_by_name=1),
                               f(33, w_by_name=1, y=0))] == [68.0, 70.0, 33.0, 34.0, 33.0]


def test_shared_variables_accumulator_decrementor_and_givens():
    state = shared(0)
    inc = T.iscalar("inc")
    accumulator = function([inc], state, updates=[(state, state + inc)])
    assert state.get_value() == 0
    out = accumulator(1)
    assert isinstance(out, np.ndarray) and out == 0 and state.get_value() == 1  # array(0)
    assert accumulator(300) == 1 and state.get_value() == 301
    state.set_value(-1)
    assert accumulator(3) == -1 and state.get_value() == 2
    decrementor = function([inc], state, updates=[(state, state - inc)])
    assert decrementor(2) == 2 and state.get_value() == 0
    fn_of_state = state * 2 + inc
    foo = T.scalar(dtype=state.dtype)
    skip_shared = function([inc, foo], fn_of_state, givens=[(state, foo)])
    assert skip_shared(1, 3) == 7 and state.get_value() == 0


def test_copying_functions():
    state = theano.shared(0)
    inc = T.iscalar("inc")
    accumulator = theano.function([inc], state, updates=[(state, state + inc)])
    assert accumulator(10) == 0 and state.get_value() == 10
    new_state = theano.shared(0)
    new_accumulator = accumulator.copy(swap={state: new_state})
    out = new_accumulator(100)
    assert isinstance(out, list) and len(out) == 1 and out[0] == 0  # [array(0)]
    assert new_state.get_value() == 100 and state.get_value() == 10
    null_accumulator = accumulator.copy(delete_updates=True)
    out = null_accumulator(9000)
    assert isinstance(out, list) and out[0] == 10 and state.get_value() == 10  # [array(10)]


def test_random_numbers_brief_example_seeding_and_sharing():
    srng = RandomStreams(seed=234)
    rv_u = srng.uniform((2, 2))
    rv_n = srng.normal((2, 2))
    f = function([], rv_u)
    g = function([], rv_n, no_default_updates=True)
    nearly_zeros = function([], rv_u + rv_u - 2 * rv_u)
    f_val0, f_val1 = f(), f()
    assert not np.array_equal(f_val0, f_val1)
    g_val0, g_val1 = g(), g()
    np.testing.assert_array_equal(g_val0, g_val1)
    np.testing.assert_array_equal(nearly_zeros(), np.zeros((2, 2)))
    rng_val = rv_u.rng.get_value(borrow=True)
    rng_val.seed(89234)
    rv_u.rng.set_value(rng_val, borrow=True)
    srng.seed(902340)
    state_after_v0 = rv_u.rng.get_value().get_state()
    np.testing.assert_array_equal(nearly_zeros(), [[0.0, 0.0], [0.0, 0.0]])
    v1 = f()
    rng = rv_u.rng.get_value(borrow=True)
    rng.set_state(state_after_v0)
    rv_u.rng.set_value(rng, borrow=True)
    v2, v3 = f(), f()
    assert not np.array_equal(v2, v1)
    np.testing.assert_array_equal(v3, v1)


class Graph:
    def __init__(self, seed=123):
        self.rng = RandomStreams(seed)
        self.y = self.rng.uniform(size=(1,))


def copy_random_state(g1, g2):
    if isinstance(g1.rng, MRG_RandomStreams):
        g2.rng.rstate = g1.rng.rstate
    for su1, su2 in zip(g1.rng.state_updates, g2.rng.state_updates):
        su2[0].set_value(su1[0].get_value())


def test_copying_random_state_between_graphs_gives_the_documented_numbers():
    g1 = Graph(seed=123)
    f1 = theano.function([], g1.y)
    g2 = Graph(seed=987)
    f2 = theano.function([], g2.y)
    np.testing.assert_allclose(f1(), [0.72803009], rtol=1e-7)
    np.testing.assert_allclose(f2(), [0.55056769], rtol=1e-7)
    copy_random_state(g1, g2)
    np.testing.assert_allclose(f1(), [0.59044123], rtol=1e-7)
    np.testing.assert_allclose(f2(), [0.59044123], rtol=1e-7)


def test_mrg_random_streams_drop_in():
    srng = MRG_RandomStreams(seed=234)
    f = function([], srng.uniform((2, 2)))
    a, b = f(), f()
    assert a.shape == (2, 2) and not np.array_equal(a, b) and ((a >= 0) & (a < 1)).all()


def test_logistic_regression_trains():
    rng = np.random.RandomState(0)
    N, feats = 400, 784
    D = (rng.randn(N, feats), rng.randint(size=N, low=0, high=2))
    x = T.dmatrix("x")
    y = T.dvector("y")
    w = theano.shared(rng.randn(feats), name="w")
    b = theano.shared(0.0, name="b")
    assert w.get_value().shape == (feats,) and b.get_value() == 0.0  # "Initial model:" ... 0.0
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    prediction = p_1 > 0.5
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = T.grad(cost, [w, b])
    train = theano.function(inputs=[x, y], outputs=[prediction, xent],
                            updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb)))
    predict = theano.function(inputs=[x], outputs=prediction)
    for _ in range(1000):  # (the page runs 10000 steps; 1000 already fit the data)
        pred, err = train(D[0], D[1])
    assert (predict(D[0]) == D[1]).all() and err.shape == (N,)
