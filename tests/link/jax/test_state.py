"""Shared variables between the JAX mode and the others: a value left on the JAX device
(a ``jax.Array`` in the container) is read correctly by FAST_RUN / C / FAST_COMPILE
functions, by ``get_value``/``set_value`` and by pickling, and the JAX function picks up
what the others wrote."""
import pickle

import jax
import numpy as np
import pytest

import theano
import theano.tensor as T


@pytest.mark.parametrize("other", ["FAST_RUN", "FAST_COMPILE"])
def test_functions_of_two_modes_share_a_variable(other):
    w = theano.shared(np.arange(3.0), name="w")
    x = T.dvector("x")
    on_jax = theano.function([x], T.dot(w, x), updates=[(w, w * 2)], mode="JAX")
    # An in-place update in the other mode (inc_subtensor on the shared buffer).
    on_host = theano.function([x], T.dot(w, x), updates=[(w, T.inc_subtensor(w[0], 1.0))],
                              mode=other)
    reader = theano.function([], w * 1, mode=other)
    expect = np.arange(3.0)
    for _ in range(2):
        assert on_jax(np.ones(3)) == expect.sum()
        expect = expect * 2
        assert isinstance(w.container.storage[0], jax.Array)
        np.testing.assert_array_equal(reader(), expect)
        assert on_host(np.ones(3)) == expect.sum()
        expect[0] += 1
        assert isinstance(w.container.storage[0], np.ndarray)
        np.testing.assert_array_equal(w.get_value(), expect)


def test_get_set_value_and_pickling_of_a_device_value():
    w = theano.shared(np.ones(2), name="w")
    f = theano.function([], w.sum(), updates=[(w, w + 1)], mode="JAX")
    f()
    v = w.get_value()
    assert type(v) is np.ndarray and v.flags.writeable
    v[:] = 100  # a copy: the variable is unchanged
    np.testing.assert_array_equal(w.get_value(borrow=True), [2, 2])

    w2 = pickle.loads(pickle.dumps(w))
    assert type(w2.container.storage[0]) is np.ndarray
    np.testing.assert_array_equal(w2.get_value(), [2, 2])
    assert f() == 4  # the function goes on after pickling its variable

    g = pickle.loads(pickle.dumps(f))  # a pickled JAX function and its state
    assert g() == 6 and f() == 6  # each has its own copy of w now

    w.set_value(np.array([10.0, 20.0]))
    assert f() == 30
    np.testing.assert_array_equal(w.get_value(), [11, 21])
    with pytest.raises(TypeError):
        w.set_value(np.zeros((2, 2)))  # the type is still checked


def test_random_state_used_by_jax_then_by_fast_run():
    from theano.tensor.shared_randomstreams import RandomStreams

    srng = RandomStreams(seed=5)
    u = srng.uniform((1000,))
    on_jax = theano.function([], u, mode="JAX")
    on_host = theano.function([], u, mode="FAST_RUN")
    a = on_jax()
    assert isinstance(u.rng.get_value(), np.random.RandomState)
    b = on_host()  # a NumPy generator seeded from the JAX key: the stream goes on, in law
    c = on_jax()
    for draws in (a, b, c):
        assert 0 <= draws.min() and draws.max() < 1 and abs(draws.mean() - 0.5) < 0.05
    assert not np.array_equal(a, b) and not np.array_equal(b, c)
    rng2 = pickle.loads(pickle.dumps(u.rng))
    assert isinstance(rng2.get_value(borrow=True), np.random.RandomState)
