"""Theano 1.0 tutorial "Loop" (doc/tutorial/loop.txt): the scan examples and their outputs."""
import numpy as np

import theano
import theano.tensor as T

FX = theano.config.floatX


def test_tanh_of_rows():
    X = T.matrix("X")
    W = T.matrix("W")
    b_sym = T.vector("b_sym")
    results, _ = theano.scan(lambda v: T.tanh(T.dot(v, W) + b_sym), sequences=X)
    compute_elementwise = theano.function(inputs=[X, W, b_sym], outputs=results)
    x = np.eye(2, dtype=FX)
    w = np.ones((2, 2), dtype=FX)
    b = np.ones((2), dtype=FX)
    b[1] = 2
    expected = [[0.96402758, 0.99505475], [0.96402758, 0.99505475]]
    np.testing.assert_allclose(compute_elementwise(x, w, b), expected, atol=5e-9)
    np.testing.assert_allclose(np.tanh(x.dot(w) + b), expected, atol=5e-9)


def test_recurrence_with_two_sequences():
    X = T.vector("X")
    W = T.matrix("W")
    U = T.matrix("U")
    Y = T.matrix("Y")
    V = T.matrix("V")
    P = T.matrix("P")
    results, _ = theano.scan(
        lambda y, p, x_tm1: T.tanh(T.dot(x_tm1, W) + T.dot(y, U) + T.dot(p, V)),
        sequences=[Y, P[::-1]], outputs_info=[X])
    compute_seq = theano.function(inputs=[X, W, Y, U, P, V], outputs=results)
    x = np.zeros((2), dtype=FX)
    x[1] = 1
    w = np.ones((2, 2), dtype=FX)
    y = np.ones((5, 2), dtype=FX)
    y[0, :] = -3
    u = np.ones((2, 2), dtype=FX)
    p = np.ones((5, 2), dtype=FX)
    p[0, :] = 3
    v = np.ones((2, 2), dtype=FX)
    expected = np.array([[-0.99505475, -0.99505475], [0.96471973, 0.96471973],
                         [0.99998585, 0.99998585], [0.99998771, 0.99998771], [1.0, 1.0]])
    np.testing.assert_allclose(compute_seq(x, w, y, u, p, v), expected, atol=5e-9)


def test_norms_of_lines_and_columns():
    X = T.matrix("X")
    lines, _ = theano.scan(lambda x_i: T.sqrt((x_i ** 2).sum()), sequences=[X])
    cols, _ = theano.scan(lambda x_i: T.sqrt((x_i ** 2).sum()), sequences=[X.T])
    x = np.diag(np.arange(1, 6, dtype=FX), 1)
    np.testing.assert_array_equal(theano.function([X], lines)(x), [1, 2, 3, 4, 5, 0])
    np.testing.assert_array_equal(theano.function([X], cols)(x), [0, 1, 2, 3, 4, 5])


def test_trace():
    floatX = "float32"
    X = T.matrix("X")
    results, _ = theano.scan(lambda i, j, t_f: T.cast(X[i, j] + t_f, floatX),
                             sequences=[T.arange(X.shape[0]), T.arange(X.shape[1])],
                             outputs_info=np.asarray(0.0, dtype=floatX))
    compute_trace = theano.function(inputs=[X], outputs=results[-1])
    x = np.eye(5, dtype=FX)
    x[0] = np.arange(5, dtype=FX)
    assert compute_trace(x) == 4.0 and np.diagonal(x).sum() == 4.0


def test_recurrence_with_two_taps():
    X = T.matrix("X")
    W = T.matrix("W")
    b_sym = T.vector("b_sym")
    U = T.matrix("U")
    V = T.matrix("V")
    n_sym = T.iscalar("n_sym")
    results, _ = theano.scan(
        lambda x_tm2, x_tm1: T.dot(x_tm2, U) + T.dot(x_tm1, V) + T.tanh(T.dot(x_tm1, W) + b_sym),
        n_steps=n_sym, outputs_info=[dict(initial=X, taps=[-2, -1])])
    compute_seq2 = theano.function(inputs=[X, U, V, W, b_sym, n_sym], outputs=results)
    x = np.zeros((2, 2), dtype=FX)
    x[1, 1] = 1
    w = 0.5 * np.ones((2, 2), dtype=FX)
    u = 0.5 * (np.ones((2, 2), dtype=FX) - np.eye(2, dtype=FX))
    v = 0.5 * np.ones((2, 2), dtype=FX)
    b = np.ones((2), dtype=FX)
    expected = np.array([
        [1.40514825, 1.40514825], [2.88898899, 2.38898899], [4.34018291, 4.34018291],
        [6.53463142, 6.78463142], [9.82972243, 9.82972243], [14.22203814, 14.09703814],
        [20.07439936, 20.07439936], [28.12291843, 28.18541843], [39.1913681, 39.1913681],
        [54.28407732, 54.25282732]])
    np.testing.assert_allclose(compute_seq2(x, u, v, w, b, 10), expected, atol=5e-8)


def test_jacobian_through_scan():
    v = T.vector()
    A = T.matrix()
    y = T.tanh(T.dot(v, A))
    results, _ = theano.scan(lambda i: T.grad(y[i], v), sequences=[T.arange(y.shape[0])])
    compute_jac_t = theano.function([A, v], results, allow_input_downcast=True)
    x = np.eye(5, dtype=FX)[0]
    w = np.eye(5, 3, dtype=FX)
    w[2] = np.ones((3), dtype=FX)
    expected = [[0.41997434, 0.0, 0.41997434, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0, 0.0],
                [0.0, 0.0, 1.0, 0.0, 0.0]]
    np.testing.assert_allclose(compute_jac_t(w, x), expected, atol=5e-9)


def test_accumulate_with_updates():
    k = theano.shared(0)
    n_sym = T.iscalar("n_sym")
    results, updates = theano.scan(lambda: {k: (k + 1)}, n_steps=n_sym)
    accumulator = theano.function([n_sym], [], updates=updates, allow_input_downcast=True)
    assert k.get_value() == 0
    assert accumulator(5) == []
    assert k.get_value() == 5


def test_binomial_noise_inside_scan_gives_the_documented_draws():
    X = T.matrix("X")
    W = T.matrix("W")
    b_sym = T.vector("b_sym")
    trng = T.shared_randomstreams.RandomStreams(1234)
    d = trng.binomial(size=W[1].shape)
    results, updates = theano.scan(lambda v: T.tanh(T.dot(v, W) + b_sym) * d, sequences=X)
    compute_with_bnoise = theano.function(inputs=[X, W, b_sym], outputs=results,
                                          updates=updates, allow_input_downcast=True)
    x = np.eye(10, 2, dtype=FX)
    w = np.ones((2, 2), dtype=FX)
    b = np.ones((2), dtype=FX)
    a, c = 0.96402758, 0.76159416
    expected = [[a, 0], [0, a], [0, 0], [c, c], [c, 0], [0, c], [0, c], [0, c], [0, 0], [c, c]]
    np.testing.assert_allclose(compute_with_bnoise(x, w, b), expected, atol=5e-9)


def test_power_and_polynomial():
    theano.config.warn.subtensor_merge_bug = False
    k = T.iscalar("k")
    A = T.vector("A")
    result, updates = theano.scan(fn=lambda prior, B: prior * B, outputs_info=T.ones_like(A),
                                  non_sequences=A, n_steps=k)
    power = theano.function(inputs=[A, k], outputs=result[-1], updates=updates)
    np.testing.assert_array_equal(power(range(10), 2), [0, 1, 4, 9, 16, 25, 36, 49, 64, 81])

    coefficients = theano.tensor.vector("coefficients")
    x = T.scalar("x")
    full_range = theano.tensor.arange(10000)
    components, _ = theano.scan(fn=lambda coeff, power, free_var: coeff * (free_var ** power),
                                outputs_info=None, sequences=[coefficients, full_range],
                                non_sequences=x)
    calculate_polynomial = theano.function(inputs=[coefficients, x], outputs=components.sum())
    test_coeff = np.asarray([1, 0, 2], dtype=np.float32)
    assert calculate_polynomial(test_coeff, 3) == 19.0


def test_exercise_polynomial_reduced_by_scan():
    coefficients = T.vector("coefficients")
    x = T.scalar("x")
    outputs, _ = theano.scan(
        fn=lambda coeff, power, prior, free_var: prior + coeff * free_var ** power,
        sequences=[coefficients, T.arange(10000)],
        outputs_info=T.as_tensor_variable(np.asarray(0, dtype=FX)), non_sequences=x)
    f = theano.function([coefficients, x], outputs[-1])
    assert f(np.asarray([1, 0, 2], dtype=FX), 3) == 19.0
