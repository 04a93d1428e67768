"""Seed 004 ("在Theano中使用随机数" Q&A): every code example, in Python 3 form.

The question's code saves the state of rv_u's generator, calls nearly_zeros,
draws v1 with f, restores the state and draws v2, v3: v2 != v1 and v3 == v1.
The answers explain it (rv_u is drawn once per call, however often it appears)
and give a variant returning [rv_u, rv_u + rv_u - 2 * rv_u].
"""
import numpy as np
import pytest

import theano
from theano import function

pytestmark = pytest.mark.random


def assert_printed(actual, printed, decimals=8):
    """Compare ``actual`` with a value printed with ``decimals`` decimals."""
    actual = np.asarray(actual)
    rtol = 1e-6 if actual.dtype == np.float32 else 1e-9
    np.testing.assert_allclose(actual.astype("float64"),
                               np.asarray(printed, dtype="float64"),
                               rtol=rtol, atol=0.5 * 10.0 ** -decimals * 1.0001)


# First two draws of RandomStreams(seed=234)'s first uniform((2, 2)) variable,
# as printed by seed 000 (same seed, same first variable).
FIRST_DRAW = [[0.12672381, 0.97091597], [0.13989098, 0.88754825]]
SECOND_DRAW = [[0.31971415, 0.47584377], [0.24129163, 0.42046081]]


def _setup(nearly_zeros_outputs="sum", **nz_kwargs):
    from theano.tensor.shared_randomstreams import RandomStreams
    srng = RandomStreams(seed=234)
    rv_u = srng.uniform((2, 2))
    rv_n = srng.normal((2, 2))
    f = function([], rv_u)
    g = function([], rv_n, no_default_updates=True)    # Not updating rv_n.rng
    if nearly_zeros_outputs == "sum":
        nearly_zeros = function([], rv_u + rv_u - 2 * rv_u, **nz_kwargs)
    else:  # the answer's variant: give rv_u, too
        nearly_zeros = function([], [rv_u, rv_u + rv_u - 2 * rv_u], **nz_kwargs)
    return srng, rv_u, rv_n, f, g, nearly_zeros


def _restore(rv_u, state):
    rng = rv_u.rng.get_value(borrow=True)
    rng.set_state(state)
    rv_u.rng.set_value(rng, borrow=True)


def test_question_v2_differs_v3_equals_v1():
    """Seed 004 question: after restoring state_after_v0, v2 != v1 and v3 == v1."""
    srng, rv_u, rv_n, f, g, nearly_zeros = _setup()
    state_after_v0 = rv_u.rng.get_value().get_state()
    nz = nearly_zeros()       # this affects rv_u's generator
    np.testing.assert_allclose(nz, np.zeros((2, 2)), atol=1e-7)
    v1 = f()
    _restore(rv_u, state_after_v0)
    v2 = f()                  # v2 != v1
    v3 = f()                  # v3 == v1
    assert not np.allclose(v2, v1)
    np.testing.assert_array_equal(v3, v1)
    # nearly_zeros consumed the first draw, so v1 is the second one and
    # v2 (first draw after restoring) is the first one.
    assert_printed(v1, SECOND_DRAW)
    assert_printed(v2, FIRST_DRAW)


def test_get_value_returns_a_copy_of_the_state():
    """Seed 004 question: rv_u.rng.get_value() (borrow=False) is a copy, so state_after_v0 is not advanced."""
    srng, rv_u, rv_n, f, g, nearly_zeros = _setup()
    copy_rng = rv_u.rng.get_value()
    assert isinstance(copy_rng, np.random.RandomState)
    state_after_v0 = copy_rng.get_state()
    f()
    f()
    # the copied generator did not move while f drew twice
    np.testing.assert_array_equal(copy_rng.get_state()[1], state_after_v0[1])
    assert copy_rng.get_state()[2] == state_after_v0[2]
    _restore(rv_u, state_after_v0)
    assert_printed(f(), FIRST_DRAW)


def test_nearly_zeros_is_zero_and_draws_once():
    """Seed 004 answer Q1: rv_u appears three times but is sampled once, so nearly_zeros() ~ 0."""
    srng, rv_u, rv_n, f, g, nearly_zeros = _setup()
    for _ in range(3):
        out = nearly_zeros()
        assert out.shape == (2, 2)
        np.testing.assert_allclose(out, np.zeros((2, 2)), atol=1e-7)
    # three calls of nearly_zeros advanced rv_u's generator by three draws,
    # so f() returns the fourth draw of rv_u's stream
    seedgen = np.random.RandomState(234)
    stream_u = np.random.RandomState(int(seedgen.randint(2 ** 30)))
    draws = [stream_u.uniform(0.0, 1.0, (2, 2)) for _ in range(4)]
    np.testing.assert_allclose(f(), draws[3], rtol=1e-6)


@pytest.mark.rewrite
def test_nearly_zeros_graph_has_one_random_node():
    """Seed 004 answer Q1: debugprint(nearly_zeros) shows a single RandomFunction{uniform} node."""
    srng, rv_u, rv_n, f, g, nearly_zeros = _setup()
    nodes = nearly_zeros.maker.fgraph.toposort()
    random_nodes = [n for n in nodes if 'uniform' in str(n.op)]
    assert len(random_nodes) == 1
    text = theano.printing.debugprint(nearly_zeros, file='str')
    assert 'RandomFunction{uniform}' in text


def test_variant_rv_u_output_equals_v2():
    """Seed 004 answer Q2(b): with outputs [rv_u, ...], v2 equals the rv_u used by nearly_zeros; v3 == v1."""
    srng, rv_u, rv_n, f, g, nearly_zeros = _setup(nearly_zeros_outputs="list")
    state_after_v0 = rv_u.rng.get_value().get_state()
    nz_u, nz = nearly_zeros()       # this affects rv_u's generator
    np.testing.assert_allclose(nz, np.zeros((2, 2)), atol=1e-7)
    v1 = f()
    _restore(rv_u, state_after_v0)
    v2 = f()             # v2 != v1, but equal to rv_u used by nearly_zeros
    v3 = f()             # v3 == v1
    assert not np.allclose(v2, v1)
    np.testing.assert_array_equal(v2, nz_u)
    np.testing.assert_array_equal(v3, v1)
    assert_printed(nz_u, FIRST_DRAW)


def test_variant_f_after_nearly_zeros_differs():
    """Seed 004 answer Q1: nearly_zeros = function([], [rv_u, ...]); f() then differs from that rv_u."""
    srng, rv_u, rv_n, f, g, nearly_zeros = _setup(nearly_zeros_outputs="list")
    nz_u, nz = nearly_zeros()
    # all three occurrences of rv_u in the sum are the value returned as rv_u
    np.testing.assert_allclose(nz_u + nz_u - 2 * nz_u, nz, atol=1e-7)
    after = f()
    assert not np.allclose(after, nz_u)   # the generator was incremented


def test_variant_no_default_updates_leaves_generator():
    """Seed 004 answer Q1: with no_default_updates=True, f() then equals the rv_u in the list."""
    srng, rv_u, rv_n, f, g, nearly_zeros = _setup(nearly_zeros_outputs="list",
                                                  no_default_updates=True)
    nz_u, nz = nearly_zeros()
    np.testing.assert_allclose(nz, np.zeros((2, 2)), atol=1e-7)
    np.testing.assert_array_equal(f(), nz_u)
    assert_printed(nz_u, FIRST_DRAW)


def test_g_normal_without_default_updates_repeats():
    """Seed 004 question: g = function([], rv_n, no_default_updates=True) returns the same normal draw."""
    srng, rv_u, rv_n, f, g, nearly_zeros = _setup()
    g1 = g()
    g2 = g()
    np.testing.assert_array_equal(g1, g2)
    assert g1.shape == (2, 2)
    # rv_n is the second variable of RandomStreams(234): normal(0, 1) from its own RandomState.
    seedgen = np.random.RandomState(234)
    seedgen.randint(2 ** 30)
    stream_n = np.random.RandomState(int(seedgen.randint(2 ** 30)))
    np.testing.assert_allclose(g1, stream_n.normal(0.0, 1.0, (2, 2)), rtol=1e-6)
    # (these are the values Theano's own documentation prints for this example)
    assert_printed(g1, [[0.37328447, -0.65746672], [-0.36302373, -0.97484625]])
