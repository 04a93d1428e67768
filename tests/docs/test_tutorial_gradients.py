"""Theano 1.0 tutorial "Derivatives in Theano" (doc/tutorial/gradients.txt)."""
import numpy as np

import theano
import theano.tensor as T
from theano import function, pp


def test_computing_gradients_and_the_printed_graph():
    x = T.dscalar("x")
    y = x ** 2
    gy = T.grad(y, x)
    assert pp(gy) == ("((fill((x ** TensorConstant{2}), TensorConstant{1.0}) * "
                      "TensorConstant{2}) * (x ** (TensorConstant{2} - TensorConstant{1})))")
    f = function([x], gy)
    assert f(4) == 8.0  # array(8.0)
    assert np.allclose(f(94.2), 188.4)  # array(188.40000000000001)
    assert pp(f.maker.fgraph.outputs[0]) == "(TensorConstant{2.0} * x)"  # '(2.0 * x)'
    assert len(f.maker.fgraph.apply_nodes) == 1  # one Apply node doubling the input


def test_gradient_of_the_logistic_function():
    x = T.dmatrix("x")
    s = T.sum(1 / (1 + T.exp(-x)))
    dlogistic = function([x], T.grad(s, x))
    np.testing.assert_allclose(dlogistic([[0, 1], [-1, -2]]),
                               [[0.25, 0.19661193], [0.19661193, 0.10499359]], rtol=0, atol=5e-9)


def test_jacobian_with_scan():
    x = T.dvector("x")
    y = x ** 2
    J, updates = theano.scan(lambda i, y, x: T.grad(y[i], x), sequences=T.arange(y.shape[0]),
                             non_sequences=[y, x])
    f = function([x], J, updates=updates)
    np.testing.assert_array_equal(f([4, 4]), [[8.0, 0.0], [0.0, 8.0]])
    np.testing.assert_array_equal(function([x], theano.gradient.jacobian(y, x))([4, 4]),
                                  [[8.0, 0.0], [0.0, 8.0]])


def test_hessian_with_scan():
    x = T.dvector("x")
    cost = (x ** 2).sum()
    gy = T.grad(cost, x)
    H, updates = theano.scan(lambda i, gy, x: T.grad(gy[i], x), sequences=T.arange(gy.shape[0]),
                             non_sequences=[gy, x])
    f = function([x], H, updates=updates)
    np.testing.assert_array_equal(f([4, 4]), [[2.0, 0.0], [0.0, 2.0]])
    np.testing.assert_array_equal(function([x], theano.gradient.hessian(cost, x))([4, 4]),
                                  [[2.0, 0.0], [0.0, 2.0]])


def test_r_operator():
    W = T.dmatrix("W")
    V = T.dmatrix("V")
    x = T.dvector("x")
    y = T.dot(x, W)
    JV = T.Rop(y, W, V)
    f = theano.function([W, V, x], JV)
    np.testing.assert_array_equal(f([[1, 1], [1, 1]], [[2, 2], [2, 2]], [0, 1]), [2.0, 2.0])


def test_l_operator():
    W = T.dmatrix("W")
    v = T.dvector("v")
    x = T.dvector("x")
    y = T.dot(x, W)
    VJ = T.Lop(y, W, v)
    f = theano.function([v, x], VJ)  # (the page compiles [W, v, x] and its JV: a typo)
    np.testing.assert_array_equal(f([2, 2], [0, 1]), [[0.0, 0.0], [2.0, 2.0]])


def test_hessian_times_a_vector_both_ways():
    x = T.dvector("x")
    v = T.dvector("v")
    y = T.sum(x ** 2)
    gy = T.grad(y, x)
    vH = T.grad(T.sum(gy * v), x)
    np.testing.assert_array_equal(theano.function([x, v], vH)([4, 4], [2, 2]), [4.0, 4.0])
    Hv = T.Rop(gy, x, v)
    np.testing.assert_array_equal(theano.function([x, v], Hv)([4, 4], [2, 2]), [4.0, 4.0])
