"""Theano 1.0 tutorial FAQs (doc/tutorial/faq.txt and doc/tutorial/faq_tutorial.txt)."""
import numpy as np
import pytest

import theano
import theano.tensor as T


def test_len_of_a_variable_is_an_error_and_shape_is_the_workaround():
    v = T.dvector("v")
    with pytest.raises(TypeError):
        len(v)
    assert theano.function([v], v.shape[0])(np.ones(4)) == 4


def test_updating_a_subset_of_weights():
    lookup_table = theano.shared(np.arange(12.0).reshape(4, 3))
    vector_of_indices = T.lvector("idx")
    subset = lookup_table[vector_of_indices]
    cost = (subset ** 2).sum()
    g = theano.grad(cost, subset)
    lr = -0.5
    for updates in (T.inc_subtensor(subset, g * lr), T.set_subtensor(subset, subset + g * lr)):
        lookup_table.set_value(np.arange(12.0).reshape(4, 3))
        f = theano.function([vector_of_indices], cost, updates=[(lookup_table, updates)])
        f([0, 2])
        expected = np.arange(12.0).reshape(4, 3)
        expected[[0, 2]] = 0.0  # w - 0.5 * 2w
        np.testing.assert_array_equal(lookup_table.get_value(), expected)
    # The gradient w.r.t. the whole table has nonzero rows only where rows were used.
    gw = theano.function([vector_of_indices], theano.grad(cost, lookup_table))([1])
    assert (gw[[0, 2, 3]] == 0).all() and (gw[1] != 0).all()
