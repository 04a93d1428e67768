"""Theano 1.0 tutorial "NumPy refresher" (doc/tutorial/numpy.txt), and the same in Theano."""
import numpy
import numpy as np

import theano
import theano.tensor as T


def test_matrix_conventions():
    a = numpy.asarray([[1.0, 2], [3, 4], [5, 6]])
    np.testing.assert_array_equal(a, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert a.shape == (3, 2) and a[2, 0] == 5.0
    m = T.dmatrix("m")
    assert theano.function([m], [m.shape, m[2, 0]])(a)[0].tolist() == [3, 2]
    assert theano.function([m], m[2, 0])(a) == 5.0


def test_broadcasting_a_scalar():
    a = numpy.asarray([1.0, 2.0, 3.0])
    b = 2.0
    np.testing.assert_array_equal(a * b, [2.0, 4.0, 6.0])
    x = T.dvector("x")
    np.testing.assert_array_equal(theano.function([x], x * b)(a), [2.0, 4.0, 6.0])
