"""Tests of theano/tensor/shared_randomstreams.py: RandomStreams semantics and numbers.

Reference numbers: ``RandomStreams(seed)`` hands its k-th random variable
``RandomState(RandomState(seed).randint(2**30) [k-th draw])`` (Theano 1.0).
"""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.random.streams import RandomStateSharedVariable, RandomStreams

N = 100000


def streams(seed, n_vars):
    """The NumPy generators of the first ``n_vars`` variables of RandomStreams(seed)."""
    seedgen = np.random.RandomState(seed)
    return [np.random.RandomState(int(seedgen.randint(2 ** 30))) for _ in range(n_vars)]


def state_of(rv):
    st = rv.rng.get_value(borrow=True).get_state()
    return st[1].copy(), st[2:]


def same_state(a, b):
    return np.array_equal(a[0], b[0]) and a[1] == b[1]


# ---------------------------------------------------------------------------
# Numbers and seeding
# ---------------------------------------------------------------------------
def test_variables_get_theano_seeds_in_creation_order():
    srng = RandomStreams(seed=234)
    u = srng.uniform((2, 2))
    n = srng.normal((3,), avg=1.0, std=2.0)
    b = srng.binomial((4,), n=3, p=0.4)
    f = theano.function([], [u, n, b])
    ref = streams(234, 3)
    for _ in range(2):
        out = f()
        np.testing.assert_array_equal(out[0], ref[0].uniform(0.0, 1.0, (2, 2)))
        np.testing.assert_array_equal(out[1], ref[1].normal(1.0, 2.0, (3,)))
        np.testing.assert_array_equal(out[2], ref[2].binomial(3, 0.4, (4,)))
    np.testing.assert_allclose(streams(234, 1)[0].uniform(0, 1, (2, 2)),
                               [[0.12672381, 0.97091597], [0.13989098, 0.88754825]], atol=1e-8)


def test_same_seed_same_numbers_and_reseeding_restores():
    def run(seed):
        srng = RandomStreams(seed)
        rv = srng.normal((5,))
        f = theano.function([], rv)
        return srng, f, [f() for _ in range(3)]

    srng, f, first = run(99)
    _, _, again = run(99)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    _, _, other = run(100)
    assert not np.allclose(first[0], other[0])
    srng.seed(99)
    np.testing.assert_array_equal(f(), first[0])
    srng.seed()          # back to the constructor's seed
    np.testing.assert_array_equal(f(), first[0])
    srng.seed(5)
    np.testing.assert_array_equal(f(), streams(5, 1)[0].normal(0.0, 1.0, (5,)))


def test_seed_does_not_reset_the_master_generator():
    srng = RandomStreams(7)
    a = srng.uniform((2,))
    srng.seed(123)
    b = srng.uniform((2,))      # second variable: still from RandomStreams(7)'s sequence
    np.testing.assert_array_equal(theano.function([], b)(),
                                  streams(7, 2)[1].uniform(0.0, 1.0, (2,)))
    np.testing.assert_array_equal(theano.function([], a)(),
                                  streams(123, 1)[0].uniform(0.0, 1.0, (2,)))


def test_rng_attributes_getitem_setitem_and_updates():
    srng = RandomStreams(3)
    u = srng.uniform((2,))
    assert isinstance(u.rng, RandomStateSharedVariable)
    assert u.update == (u.rng, u.rng.default_update)
    assert u.update[1].owner is u.owner
    assert srng.state_updates == [u.update]
    ups = srng.updates()
    assert ups == srng.state_updates and ups is not srng.state_updates
    assert srng[u.rng] is u.rng.get_value(borrow=True)
    r = np.random.RandomState(55)
    srng[u.rng] = r
    assert u.rng.get_value(borrow=True) is r
    np.testing.assert_array_equal(theano.function([], u)(),
                                  np.random.RandomState(55).uniform(0, 1, (2,)))
    # updates() works as explicit updates of a function with default updates off
    f = theano.function([], u, updates=srng.updates(), no_default_updates=True)
    assert not np.allclose(f(), f())


# ---------------------------------------------------------------------------
# Semantics of draws inside compiled functions
# ---------------------------------------------------------------------------
def test_drawn_once_per_call():
    srng = RandomStreams(11)
    rv = srng.uniform((3,))
    f = theano.function([], [rv, rv * 2, rv + rv - 2 * rv])
    a, b, c = f()
    np.testing.assert_array_equal(b, 2 * a)
    np.testing.assert_allclose(c, 0, atol=1e-12)
    # exactly one draw per call
    ref = streams(11, 1)[0]
    ref.uniform(0, 1, (3,))
    np.testing.assert_array_equal(f()[0], ref.uniform(0, 1, (3,)))


def test_no_default_updates_true_and_list():
    srng = RandomStreams(12)
    u, v = srng.uniform((2,)), srng.uniform((2,))
    f = theano.function([], [u, v], no_default_updates=True)
    a, b = f(), f()
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    g = theano.function([], [u, v], no_default_updates=[u.rng])
    c, d = g(), g()
    np.testing.assert_array_equal(c[0], d[0])      # u is frozen
    assert not np.allclose(c[1], d[1])             # v advances
    np.testing.assert_array_equal(c[0], a[0])


def test_functions_sharing_a_variable_advance_it_for_each_other():
    srng = RandomStreams(13)
    rv = srng.normal((2,))
    f, g = theano.function([], rv), theano.function([], rv * 10)
    ref = streams(13, 1)[0]
    np.testing.assert_array_equal(f(), ref.normal(0, 1, (2,)))
    np.testing.assert_allclose(g(), 10 * ref.normal(0, 1, (2,)))
    np.testing.assert_array_equal(f(), ref.normal(0, 1, (2,)))


def test_failing_call_does_not_advance_the_generator():
    srng = RandomStreams(14)
    rv = srng.uniform((4,))
    x = T.dvector("x")
    f = theano.function([x], rv + x)
    before = state_of(rv)
    before_copy = rv.rng.get_value().get_state()
    with pytest.raises(ValueError):
        f(np.zeros(3))          # wrong shape: raises after rv was drawn
    assert same_state(state_of(rv), before)
    assert same_state(state_of(rv), (before_copy[1], before_copy[2:]))
    out = f(np.zeros(4))
    np.testing.assert_array_equal(out, streams(14, 1)[0].uniform(0, 1, (4,)))
    assert not same_state(state_of(rv), before)


def test_function_copy_with_swapped_random_state():
    srng = RandomStreams(15)
    rv = srng.uniform((3,))
    f = theano.function([], rv)
    new_rng = theano.shared(np.random.RandomState(77))
    f2 = f.copy(swap={rv.rng: new_rng})
    ref_new, ref_old = np.random.RandomState(77), streams(15, 1)[0]
    # (a copy returns a list, as in Theano 1.0)
    np.testing.assert_array_equal(f2()[0], ref_new.uniform(0, 1, (3,)))
    np.testing.assert_array_equal(f2()[0], ref_new.uniform(0, 1, (3,)))
    # the original generator did not move
    np.testing.assert_array_equal(f(), ref_old.uniform(0, 1, (3,)))
    f3 = f.copy(delete_updates=True)
    np.testing.assert_array_equal(f3(), f3())


def test_copying_state_between_streams():
    """Seed 000's copy_random_state: setting the generators makes two graphs agree."""
    g1, g2 = RandomStreams(123), RandomStreams(987)
    y1, y2 = g1.uniform(size=(1,)), g2.uniform(size=(1,))
    f1, f2 = theano.function([], y1), theano.function([], y2)
    assert f1()[0] != f2()[0]
    for su1, su2 in zip(g1.state_updates, g2.state_updates):
        su2[0].set_value(su1[0].get_value())
    np.testing.assert_array_equal(f1(), f2())


def test_random_variables_are_constants_for_grad():
    srng = RandomStreams(16)
    w = T.dvector("w")
    avg = T.dscalar("avg")
    rv = srng.normal((3,), avg=avg)
    cost = (w * rv).sum() + 3 * avg
    gw, gavg = T.grad(cost, [w, avg])
    f = theano.function([w, avg], [gw, gavg, rv])
    a, b, r = f(np.ones(3), 0.5)
    np.testing.assert_array_equal(a, r)
    assert float(b) == 3.0
    with pytest.raises(theano.gradient.DisconnectedInputError):
        T.grad(rv.sum(), avg)


def test_symbolic_size():
    srng = RandomStreams(17)
    x = T.dmatrix("x")
    n = T.lscalar("n")
    u = srng.uniform(x.shape)
    z = srng.normal((n, 2))
    v = T.lvector("v")
    w = srng.random_integers(v, low=0, high=3, ndim=1)
    f = theano.function([x, n, v], [u, z, w])
    out = f(np.zeros((4, 5)), 3, np.array([6]))
    assert out[0].shape == (4, 5) and out[1].shape == (3, 2) and out[2].shape == (6,)
    ref = streams(17, 3)
    np.testing.assert_array_equal(out[0], ref[0].uniform(0, 1, (4, 5)))
    np.testing.assert_array_equal(out[1], ref[1].normal(0, 1, (3, 2)))
    np.testing.assert_array_equal(out[2], ref[2].randint(0, 4, (6,)))


def test_shuffle_row_elements():
    srng = RandomStreams(18)
    x = T.dmatrix("x")
    s = srng.shuffle_row_elements(x)
    assert s.permutation.type.ndim == 2
    f = theano.function([x], [s, s.permutation])
    xv = np.arange(12.0).reshape(3, 4)
    out, perm = f(xv)
    np.testing.assert_array_equal(np.sort(out, axis=1), xv)
    np.testing.assert_array_equal(out, np.take_along_axis(xv, perm, axis=1))
    ref = streams(18, 1)[0]
    np.testing.assert_array_equal(perm, [ref.permutation(4) for _ in range(3)])
    v = T.dvector("v")
    sv = srng.shuffle_row_elements(v)
    res = theano.function([v], sv)(np.arange(6.0))
    np.testing.assert_array_equal(np.sort(res), np.arange(6.0))
    with pytest.raises(TypeError, match="dimension"):
        srng.shuffle_row_elements(T.dscalar())


# ---------------------------------------------------------------------------
# Statistics (1e5 draws each)
# ---------------------------------------------------------------------------
def _draws(rv):
    return np.asarray(theano.function([], rv)(), dtype="float64")


@pytest.mark.parametrize("make, mean, var", [
    (lambda s: s.uniform((N,), low=-1.0, high=3.0), 1.0, 16.0 / 12),
    (lambda s: s.normal((N,), avg=2.0, std=0.5), 2.0, 0.25),
    (lambda s: s.binomial((N,), n=10, p=0.3), 3.0, 2.1),
    (lambda s: s.random_integers((N,), low=-2, high=4), 1.0, 4.0),
    (lambda s: s.choice((N,), a=5), 2.0, 2.0),
    (lambda s: s.choice((N,), a=3, p=[0.2, 0.3, 0.5]), 1.3, 0.61),
    (lambda s: s.poisson((N,), lam=4.0), 4.0, 4.0),
], ids=["uniform", "normal", "binomial", "random_integers", "choice", "choice_p", "poisson"])
def test_moments(make, mean, var):
    x = _draws(make(RandomStreams(2024)))
    assert x.shape == (N,)
    sd = np.sqrt(var)
    assert abs(x.mean() - mean) < 5 * sd / np.sqrt(N)
    assert abs(x.var() - var) < 0.02 * var


def test_permutation_and_shuffle_are_uniform():
    x = _draws(RandomStreams(2025).permutation((N // 5,), n=5))
    assert x.shape == (N // 5, 5)
    np.testing.assert_array_equal(np.sort(x, axis=1), np.tile(np.arange(5), (N // 5, 1)))
    # each value lands in each position with probability 1/5
    for k in range(5):
        freq = (x == k).mean(axis=0)
        np.testing.assert_allclose(freq, 0.2, atol=0.012)


def test_multinomial_moments():
    pv = np.array([0.1, 0.2, 0.3, 0.4])
    x = _draws(RandomStreams(2026).multinomial((1000,), n=100, pvals=pv))
    assert x.shape == (1000, 4)
    assert (x.sum(axis=1) == 100).all()
    np.testing.assert_allclose(x.mean(axis=0), 100 * pv, atol=0.1 * np.sqrt(100))
    np.testing.assert_allclose(x.var(axis=0), 100 * pv * (1 - pv), rtol=0.1)
