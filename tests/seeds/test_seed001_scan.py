"""Seed 001 ("Theano学习笔记(一)——scan函数"): every scan example, in Python 3 form."""
import numpy as np
import pytest

import theano
import theano.tensor as T

pytestmark = pytest.mark.scan


def assert_printed(actual, printed, decimals=8):
    """Compare ``actual`` with a value the seed printed with ``decimals`` decimals."""
    actual = np.asarray(actual)
    rtol = 1e-6 if actual.dtype == np.float32 else 1e-9
    np.testing.assert_allclose(actual.astype("float64"),
                               np.asarray(printed, dtype="float64"),
                               rtol=rtol, atol=0.5 * 10.0 ** -decimals * 1.0001)


def _power_fn():
    k = T.iscalar('k')
    A = T.vector('A')
    outputs, updates = theano.scan(lambda result, A: result * A,
                                   non_sequences=A,
                                   outputs_info=T.ones_like(A),
                                   n_steps=k)
    result = outputs[-1]
    fn_Ak = theano.function([A, k], result, updates=updates)
    return fn_Ak, updates


def test_scan_power_A_to_the_k():
    """Seed 001 例子1 (A的K次方): fn_Ak(range(10), 2) == [0, 1, 4, ..., 81]."""
    fn_Ak, updates = _power_fn()
    assert len(updates) == 0   # no shared variable is updated by this scan
    # Python 2 ``range(10)`` is a list; Python 3 form is ``list(range(10))``.
    out = fn_Ak(list(range(10)), 2)
    assert out.shape == (10,)
    assert out.dtype == theano.config.floatX
    np.testing.assert_array_equal(
        out, [0., 1., 4., 9., 16., 25., 36., 49., 64., 81.])


@pytest.mark.parametrize("k", [1, 3, 5])
def test_scan_power_symbolic_n_steps(k):
    """Seed 001 例子1: n_steps=k is symbolic, so one compiled function serves every k."""
    fn_Ak, _ = _power_fn()
    A = np.arange(10, dtype=theano.config.floatX) / 4
    np.testing.assert_allclose(fn_Ak(A, k), A ** k, rtol=1e-6)


def test_scan_tanh_wx_plus_b_matches_numpy():
    """Seed 001 例子2: scan of tanh(dot(v, W) + b_sym) over the rows of X equals numpy."""
    # defining the tensor variables
    X = T.matrix("X")
    W = T.matrix("W")
    b_sym = T.vector("b_sym")

    results, updates = theano.scan(lambda v: T.tanh(T.dot(v, W) + b_sym),
                                   sequences=X)
    compute_elementwise = theano.function(inputs=[X, W, b_sym],
                                          outputs=[results])

    # test values
    x = np.eye(2, dtype=theano.config.floatX)
    w = np.ones((2, 2), dtype=theano.config.floatX)
    b = np.ones((2), dtype=theano.config.floatX)
    b[1] = 2

    out = compute_elementwise(x, w, b)
    assert isinstance(out, list) and len(out) == 1
    got = out[0]
    assert got.shape == (2, 2)
    printed = [[0.96402758, 0.99505475],
               [0.96402758, 0.99505475]]
    assert_printed(got, printed)
    # comparison with numpy
    ref = np.tanh(x.dot(w) + b)
    assert_printed(ref, printed)
    np.testing.assert_allclose(got, ref, rtol=1e-6)


def _general_form(Y, P, X, A):
    # Seed typos fixed: the lambda body used ``xtm1`` for its ``x_tm1``
    # argument, and ``outputs_info=[dict(initial=X, taps=[-2, -1])]),`` had a
    # stray ``)`` that closed ``theano.scan(`` before ``non_sequences``.
    results, updates = theano.scan(
        fn=lambda y, p, x_tm2, x_tm1, A: y + p + x_tm2 + x_tm1 + A,
        sequences=[Y, P[::-1]],
        outputs_info=[dict(initial=X, taps=[-2, -1])],
        non_sequences=A)
    return results, updates


def _python_loop(y, p, x0, a):
    """Reference for the general form: x[t] = y[t] + p[::-1][t] + x[t-2] + x[t-1] + a."""
    p_rev = p[::-1]
    xs = [x0[0], x0[1]]
    for t in range(len(y)):
        xs.append(y[t] + p_rev[t] + xs[-2] + xs[-1] + a)
    return np.array(xs[2:])


def test_scan_general_form_taps_vector_scalar():
    """Seed 001 '二 scan的一般形式': taps [-2, -1], P[::-1], non_sequences A (Y vector, A scalar) vs a Python loop."""
    Y = T.vector('Y')
    P = T.vector('P')
    X = T.vector('X')      # two initial values: x[-2], x[-1]
    A = T.scalar('A')      # "如果Y是一个向量,A就是一个常数"
    results, updates = _general_form(Y, P, X, A)
    assert len(updates) == 0
    fn = theano.function([Y, P, X, A], results, updates=updates)

    fx = theano.config.floatX
    y = np.array([1., 2., 3., 4., 5.], dtype=fx)
    p = np.array([10., 20., 30., 40., 50.], dtype=fx)
    x0 = np.array([0.5, -1.], dtype=fx)
    a = np.asarray(0.25, dtype=fx)
    out = fn(y, p, x0, a)
    assert out.shape == (5,)
    ref = _python_loop(y.astype('float64'), p.astype('float64'),
                       x0.astype('float64'), float(a))
    np.testing.assert_allclose(out, ref, rtol=1e-6)
    # P is consumed reversed: the first step uses p[-1] = 50.
    np.testing.assert_allclose(out[0], 1. + 50. + 0.5 - 1. + 0.25, rtol=1e-6)


def test_scan_general_form_taps_matrix_vector():
    """Seed 001 '二 scan的一般形式' with Y a matrix and A a vector (A has one dimension less than Y)."""
    Y = T.matrix('Y')
    P = T.matrix('P')
    X = T.matrix('X')      # rows x[-2], x[-1]
    A = T.vector('A')
    results, updates = _general_form(Y, P, X, A)
    fn = theano.function([Y, P, X, A], results, updates=updates)

    rng = np.random.RandomState(1234)
    fx = theano.config.floatX
    y = rng.uniform(-1, 1, (6, 3)).astype(fx)
    p = rng.uniform(-1, 1, (6, 3)).astype(fx)
    x0 = rng.uniform(-1, 1, (2, 3)).astype(fx)
    a = rng.uniform(-1, 1, (3,)).astype(fx)
    out = fn(y, p, x0, a)
    assert out.shape == (6, 3)
    ref = _python_loop(y.astype('float64'), p.astype('float64'),
                       x0.astype('float64'), a.astype('float64'))
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)
