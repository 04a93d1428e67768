"""Theano 1.0 tutorial "Conditions" (doc/tutorial/conditions.txt): ifelse is lazy, switch is not."""
import numpy as np
import pytest

import theano
from theano import tensor as T
from theano.ifelse import ifelse


def _functions():
    a, b = T.scalars("a", "b")
    x, y = T.matrices("x", "y")
    z_switch = T.switch(T.lt(a, b), T.mean(x), T.mean(y))
    z_lazy = ifelse(T.lt(a, b), T.mean(x), T.mean(y))
    f_switch = theano.function([a, b, x, y], z_switch, mode=theano.Mode(linker="vm"))
    f_lazyifelse = theano.function([a, b, x, y], z_lazy, mode=theano.Mode(linker="vm"))
    return f_switch, f_lazyifelse


def test_ifelse_and_switch_give_the_same_values():
    f_switch, f_lazy = _functions()
    big_mat1 = np.ones((100, 10), dtype=theano.config.floatX)
    big_mat2 = 2 * np.ones((100, 10), dtype=theano.config.floatX)
    for val1, val2, expected in ((0.0, 1.0, 1.0), (1.0, 0.0, 2.0)):
        assert f_switch(val1, val2, big_mat1, big_mat2) == expected
        assert f_lazy(val1, val2, big_mat1, big_mat2) == expected


def test_ifelse_computes_only_the_branch_it_returns():
    # The page times both functions (ifelse taking about half the time of
    # switch); here the branch that is not taken would fail if it were computed.
    a, b = T.scalars("a", "b")
    x, y = T.matrices("x", "y")
    bad = T.dot(x, y).sum()  # x and y below cannot be multiplied
    lazy = theano.function([a, b, x, y], ifelse(T.lt(a, b), T.mean(x), bad),
                           mode=theano.Mode(linker="vm"))
    eager = theano.function([a, b, x, y], T.switch(T.lt(a, b), T.mean(x), bad),
                            mode=theano.Mode(linker="vm"))
    xv = np.ones((3, 4), dtype=theano.config.floatX)
    assert lazy(0.0, 1.0, xv, xv) == 1.0
    with pytest.raises(ValueError):
        eager(0.0, 1.0, xv, xv)
