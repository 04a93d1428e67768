"""Theano 1.0 tutorial "Understanding Memory Aliasing" (doc/tutorial/aliasing.txt)."""
import numpy as np

import theano
import theano.tensor


def test_borrowing_when_creating_shared_variables():
    np_array = np.ones(2, dtype="float32")
    s_default = theano.shared(np_array)
    s_false = theano.shared(np_array, borrow=False)
    s_true = theano.shared(np_array, borrow=True)
    np_array += 1  # now it is an array of 2.0 s
    np.testing.assert_array_equal(s_default.get_value(), [1.0, 1.0])  # [ 1.  1.]
    np.testing.assert_array_equal(s_false.get_value(), [1.0, 1.0])  # [ 1.  1.]
    np.testing.assert_array_equal(s_true.get_value(), [2.0, 2.0])  # [ 2.  2.]


def test_borrowing_when_accessing_and_assigning_values():
    np_array = np.ones(2, dtype="float32")
    s = theano.shared(np_array)
    v_false = s.get_value(borrow=False)
    v_true = s.get_value(borrow=True)
    v_internal = s.get_value(borrow=True, return_internal_type=True)
    assert not np.shares_memory(v_false, v_true) and v_internal is v_true

    def some_inplace_fn(v):
        v *= 3
        return v

    s.set_value(some_inplace_fn(s.get_value(borrow=True)), borrow=True)
    np.testing.assert_array_equal(s.get_value(), [3.0, 3.0])


def test_borrowing_in_function_objects():
    x = theano.tensor.matrix()
    y = 2 * x
    f = theano.function([theano.In(x, borrow=True)], theano.Out(y, borrow=True))
    np.testing.assert_array_equal(f(np.ones((2, 2), dtype=x.dtype)), 2 * np.ones((2, 2)))
    # Without borrowing, every call returns a fresh array.
    g = theano.function([x], y)
    a = np.ones((2, 2), dtype=x.dtype)
    assert not np.shares_memory(g(a), g(a))
