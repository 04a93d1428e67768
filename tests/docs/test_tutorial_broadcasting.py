"""Theano 1.0 tutorial "Broadcasting" (doc/tutorial/broadcasting.txt)."""
import numpy as np

import theano
import theano.tensor as T


def test_row_and_column_broadcasting():
    r = T.row()
    assert r.broadcastable == (True, False)
    mtr = T.matrix()
    assert mtr.broadcastable == (False, False)
    f_row = theano.function([r, mtr], [r + mtr])
    R = np.arange(3).reshape(1, 3)
    M = np.arange(9).reshape(3, 3)
    out = f_row(R, M)
    assert isinstance(out, list) and len(out) == 1
    np.testing.assert_array_equal(out[0], [[0.0, 2.0, 4.0], [3.0, 5.0, 7.0], [6.0, 8.0, 10.0]])
    c = T.col()
    assert c.broadcastable == (False, True)
    f_col = theano.function([c, mtr], [c + mtr])
    C = np.arange(3).reshape(3, 1)
    np.testing.assert_array_equal(f_col(C, M)[0],
                                  [[0.0, 1.0, 2.0], [4.0, 5.0, 6.0], [8.0, 9.0, 10.0]])


def test_a_vector_is_expanded_to_the_left():
    v = T.vector()
    mtr = T.matrix()
    s = v + mtr
    assert s.broadcastable == (False, False)
    assert s.owner.inputs[0].broadcastable == (True, False)  # (1, 2) / (True, False)
    out = theano.function([v, mtr], s)(np.array([1, 2], dtype=v.dtype),
                                       np.zeros((3, 2), dtype=v.dtype))
    np.testing.assert_array_equal(out, [[1, 2]] * 3)
