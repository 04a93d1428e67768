"""Theano 1.0 tutorial "Multi cores support in Theano" (doc/tutorial/multi_cores.txt).

The page's command-line scripts (``theano/misc/check_blas.py``,
``elemwise_openmp_speedup.py``) are not part of this build; the flags are.
"""
import numpy as np

import theano
import theano.tensor as T


def test_openmp_flags_and_their_default():
    assert theano.config.get_param("openmp_elemwise_minsize").default == 200000
    assert isinstance(theano.config.openmp, bool)


def test_elementwise_results_do_not_depend_on_openmp():
    x = T.dvector("x")
    expr = T.exp(x) * T.tanh(x) + 1  # one fast and one slow elementwise op
    big = np.linspace(-3, 3, 250001)
    results = []
    for openmp in (False, True):
        with theano.change_flags(openmp=openmp, openmp_elemwise_minsize=1000):
            results.append(theano.function([x], expr)(big))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-15)
    np.testing.assert_allclose(results[0], np.exp(big) * np.tanh(big) + 1, rtol=1e-13)
