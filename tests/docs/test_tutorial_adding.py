"""Theano 1.0 tutorial "Baby Steps - Algebra" (doc/tutorial/adding.txt): examples and outputs."""
import numpy as np

import theano
import theano.tensor as T
from theano import function, pp


def test_adding_two_scalars():
    x = T.dscalar("x")
    y = T.dscalar("y")
    z = x + y
    f = function([x, y], z)
    out = f(2, 3)
    assert isinstance(out, np.ndarray) and out.shape == () and out == 5.0  # array(5.0)
    assert np.allclose(f(16.3, 12.1), 28.4)


def test_variables_and_their_types():
    iv = theano.tensor.ivector()
    neg = -iv
    assert isinstance(iv, theano.gof.graph.Variable) and isinstance(neg, theano.gof.graph.Variable)
    assert neg.type == theano.tensor.ivector
    x = T.dscalar("x")
    assert repr(type(x)) == "<class 'theano.tensor.var.TensorVariable'>"
    assert repr(x.type) == "TensorType(float64, scalar)"
    assert repr(T.dscalar) == "TensorType(float64, scalar)"
    assert x.type is T.dscalar


def test_pretty_print_and_eval():
    x = T.dscalar("x")
    y = T.dscalar("y")
    z = x + y
    assert pp(z) == "(x + y)"
    assert np.allclose(z.eval({x: 16.3, y: 12.1}), 28.4)


def test_adding_two_matrices():
    x = T.dmatrix("x")
    y = T.dmatrix("y")
    f = function([x, y], x + y)
    expected = np.array([[11.0, 22.0], [33.0, 44.0]])
    np.testing.assert_array_equal(f([[1, 2], [3, 4]], [[10, 20], [30, 40]]), expected)
    np.testing.assert_array_equal(f(np.array([[1, 2], [3, 4]]), np.array([[10, 20], [30, 40]])),
                                  expected)


def test_listed_types_exist():
    for prefix, dtype in zip("bwilfdc", ["int8", "int16", "int32", "int64", "float32", "float64",
                                         "complex64"]):
        for kind in ["scalar", "vector", "matrix", "row", "col", "tensor3", "tensor4",
                     "tensor5", "tensor6", "tensor7"]:
            assert getattr(T, prefix + kind).dtype == dtype


def test_exercise_and_its_solution():
    a = theano.tensor.vector()
    out = a + a ** 10
    f = theano.function([a], out)
    np.testing.assert_array_equal(f([0, 1, 2]), [0.0, 2.0, 1026.0])  # [    0.     2.  1026.]
    b = theano.tensor.vector()
    out2 = a ** 2 + b ** 2 + 2 * a * b
    g = theano.function([a, b], out2)
    np.testing.assert_allclose(g([1, 2], [4, 5]), [25.0, 49.0])
