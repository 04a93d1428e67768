"""Seed 000 ("Theano 更多示例"): every code example, in Python 3 form.

Covers the logistic function, multiple outputs, ``In`` defaults (including
``w_by_name``), shared-variable accumulator/decrementor, ``givens``,
``Function.copy(swap=...)`` / ``copy(delete_updates=True)``, ``RandomStreams``
(with the exact numbers the seed prints), seeding streams, sharing streams
between functions and the ``copy_random_state`` example.
"""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import In, function, shared


def assert_printed(actual, printed, decimals=8):
    """Compare ``actual`` with a value the seed printed with ``decimals`` decimals."""
    actual = np.asarray(actual)
    # float64 results must match to the printed precision; a float32 run
    # (floatX=float32) cannot be closer than float32 resolution.
    rtol = 1e-6 if actual.dtype == np.float32 else 1e-9
    np.testing.assert_allclose(actual.astype("float64"),
                               np.asarray(printed, dtype="float64"),
                               rtol=rtol, atol=0.5 * 10.0 ** -decimals * 1.0001)


def legacy_streams(seed, n_vars):
    """NumPy generators that Theano 1.0's ``RandomStreams(seed)`` hands out.

    ``RandomStreams`` draws one ``randint(2**30)`` from ``RandomState(seed)``
    per random variable and seeds that variable's ``RandomState`` with it
    (the same rule is used by ``RandomStreams.seed``).
    """
    seedgen = np.random.RandomState(seed)
    return [np.random.RandomState(int(seedgen.randint(2 ** 30)))
            for _ in range(n_vars)]


# ---------------------------------------------------------------------------
# Logistic function / multiple outputs / default values
# ---------------------------------------------------------------------------

def test_logistic_elementwise():
    """Seed 000 'Logistic函数': s = 1/(1+exp(-x)) applied elementwise to a dmatrix."""
    x = T.dmatrix('x')
    s = 1 / (1 + T.exp(-x))
    logistic = theano.function([x], s)
    out = logistic([[1, 2], [3, 4]])
    assert isinstance(out, np.ndarray)
    assert out.shape == (2, 2)
    assert out.dtype == np.float64
    assert_printed(out, [[0.73105858, 0.88079708],
                         [0.95257413, 0.98201379]])
    ref = 1 / (1 + np.exp(-np.array([[1., 2.], [3., 4.]])))
    np.testing.assert_allclose(out, ref, rtol=1e-12)


def test_multiple_outputs_diff_abs_squared():
    """Seed 000 '同时计算多个值': f(a, b) -> [diff, abs_diff, squared_diff]."""
    a, b = T.dmatrices('a', 'b')
    assert a.name == 'a' and b.name == 'b'
    diff = a - b
    abs_diff = abs(a - b)
    squared_diff = diff ** 2
    f = theano.function([a, b], [diff, abs_diff, squared_diff])
    out = f([[1, 1], [1, 2]], [[1, 1], [1, 1]])
    assert isinstance(out, list) and len(out) == 3
    expected = np.array([[0., 0.], [0., 1.]])
    for arr in out:
        assert isinstance(arr, np.ndarray)
        assert arr.dtype == np.float64
        np.testing.assert_array_equal(arr, expected)
    # Not printed by the seed, but makes the three outputs distinguishable.
    d, ad, sd = f([[0, 5]], [[2, 1]])
    np.testing.assert_array_equal(d, [[-2., 4.]])
    np.testing.assert_array_equal(ad, [[2., 4.]])
    np.testing.assert_array_equal(sd, [[4., 16.]])


def test_in_default_value():
    """Seed 000 '为参数设置默认值': f = function([x, In(y, value=2)], x + y); f(2) == 4.0."""
    x, y = T.dscalars('x', 'y')
    z = x + y
    f = function([x, In(y, value=2)], z)
    assert f(2) == 4.0
    assert f(2, 3) == 5.0   # an explicit value overrides the default


def test_in_defaults_by_position_and_name():
    """Seed 000: (x+y)*w with In(y, value=1) and In(w, value=2, name='w_by_name')."""
    x, y, w = T.dscalars('x', 'y', 'w')
    z = (x + y) * w
    f = function([x, In(y, value=1), In(w, value=2, name='w_by_name')], z)
    assert f(1) == 4.0
    assert f(1, 2) == 6.0
    assert f(1, 1, 1) == 2.0
    assert f(1, w_by_name=1, y=0) == 1.0
    assert f(1, w_by_name=1) == 2.0


# ---------------------------------------------------------------------------
# Shared variables
# ---------------------------------------------------------------------------

def test_shared_accumulator():
    """Seed 000 '使用共享变量': accumulator with updates=[(state, state+inc)] prints 0 1 201."""
    state = shared(0)
    inc = T.iscalar('inc')
    accumulator = function([inc], state, updates=[(state, state + inc)])
    assert state.get_value() == 0
    # The function returns the *old* state (outputs are computed before updates).
    assert accumulator(1) == 0
    assert state.get_value() == 1
    assert accumulator(200) == 1
    assert state.get_value() == 201

    # "可以重置状态"
    state.set_value(-1)
    accumulator(2)
    assert state.get_value() == 1

    # Several functions can update the same shared variable.
    decrementor = function([inc], state, updates=[(state, state - inc)])
    decrementor(2)
    assert state.get_value() == -1


def test_shared_updates_as_dict():
    """Seed 000: 'updates ... 也可以是一个字典' -- the accumulator with a dict of updates."""
    state = shared(0)
    inc = T.iscalar('inc')
    accumulator = function([inc], state, updates={state: state + inc})
    accumulator(5)
    accumulator(7)
    assert state.get_value() == 12


def test_givens_replaces_shared_state():
    """Seed 000 givens: skip_shared(1, 3) == 7 and the shared state stays 0."""
    state = shared(0)
    inc = T.iscalar('inc')
    fn_of_state = state * 2 + inc
    # foo must have the same type as the shared variable it replaces
    foo = T.scalar(dtype=state.dtype)
    skip_shared = function([inc, foo], fn_of_state, givens=[(state, foo)])
    assert skip_shared(1, 3) == 7   # 3 is used as the state, not 0
    assert state.get_value() == 0   # the old state value is unchanged


def test_shared_broadcastable_pattern():
    """Seed 000 note: shared broadcastable defaults to False; broadcastable=(True, False) overrides."""
    value = np.zeros((1, 3))
    assert theano.shared(value).broadcastable == (False, False)
    s = theano.shared(value, broadcastable=(True, False))
    assert s.broadcastable == (True, False)
    # The pattern is usable: a (1, 3) row broadcasts against a (2, 3) matrix.
    m = T.dmatrix('m')
    out = theano.function([m], m + s)(np.ones((2, 3)))
    np.testing.assert_array_equal(out, np.ones((2, 3)))


# ---------------------------------------------------------------------------
# Copying functions
# ---------------------------------------------------------------------------

def _make_accumulator():
    state = shared(0)
    inc = T.iscalar('inc')
    accumulator = theano.function([inc], state, updates=[(state, state + inc)])
    return state, accumulator


def test_copy_with_swap():
    """Seed 000 '复制函数': accumulator.copy(swap={state: new_state}) updates only new_state."""
    state, accumulator = _make_accumulator()
    new_state = shared(0)
    new_accumulator = accumulator.copy(swap={state: new_state})
    new_accumulator(100)
    assert new_state.get_value() == 100
    # The state of the first function is left untouched.
    assert state.get_value() == 0
    # ... and the original keeps updating its own state only.
    accumulator(10)
    assert state.get_value() == 10
    assert new_state.get_value() == 100


def test_copy_delete_updates():
    """Seed 000: accumulator.copy(delete_updates=True) no longer updates the shared state."""
    state, accumulator = _make_accumulator()
    null_accumulator = accumulator.copy(delete_updates=True)
    assert null_accumulator(100) == [0]  # a copy returns a list, as in Theano 1.0
    assert state.get_value() == 0
    null_accumulator(100)
    assert state.get_value() == 0
    # The original still has its update.
    accumulator(3)
    assert state.get_value() == 3


# ---------------------------------------------------------------------------
# Random numbers
# ---------------------------------------------------------------------------

def _brief_example():
    from theano.tensor.shared_randomstreams import RandomStreams
    srng = RandomStreams(seed=234)
    rv_u = srng.uniform((2, 2))
    # The seed writes srng.uniform here (the text says "normal"); its printed
    # g() values are those of a uniform stream, so the code is kept as written.
    rv_n = srng.uniform((2, 2))
    f = function([], rv_u)
    g = function([], rv_n, no_default_updates=True)
    return srng, rv_u, rv_n, f, g


@pytest.mark.random
def test_random_streams_brief_example_exact_numbers():
    """Seed 000 '简要示例': RandomStreams(seed=234) f()/f()/g()/g() print the seed's numbers."""
    srng, rv_u, rv_n, f, g = _brief_example()
    f1 = f()
    f2 = f()
    g1 = g()
    g2 = g()
    assert f1.shape == (2, 2) and g1.shape == (2, 2)
    assert f1.dtype == theano.config.floatX
    assert_printed(f1, [[0.12672381, 0.97091597], [0.13989098, 0.88754825]])
    assert_printed(f2, [[0.31971415, 0.47584377], [0.24129163, 0.42046081]])
    assert_printed(g1, [[0.12309219, 0.71399385], [0.14249561, 0.36686867]])
    assert_printed(g2, [[0.12309219, 0.71399385], [0.14249561, 0.36686867]])
    # f advances its generator; g (no_default_updates=True) does not.
    assert not np.allclose(f1, f2)
    np.testing.assert_array_equal(g1, g2)


@pytest.mark.random
def test_random_streams_nearly_zeros():
    """Seed 000: rv_u appears three times but is drawn once, so rv_u + rv_u - 2*rv_u ~ 0."""
    srng, rv_u, rv_n, f, g = _brief_example()
    nearly_zeros = function([], rv_u + rv_u - 2 * rv_u)
    out = nearly_zeros()
    assert out.shape == (2, 2)
    np.testing.assert_allclose(out, np.zeros((2, 2)), atol=1e-7)


@pytest.mark.random
def test_random_streams_shared_between_functions():
    """Seed 000 '函数之间共享流': nearly_zeros advances the generator used by f."""
    srng, rv_u, rv_n, f, g = _brief_example()
    nearly_zeros = function([], rv_u + rv_u - 2 * rv_u)
    stream_u = legacy_streams(234, 2)[0]
    draws = [stream_u.uniform(0.0, 1.0, (2, 2)) for _ in range(3)]
    np.testing.assert_allclose(f(), draws[0], rtol=1e-6)
    np.testing.assert_allclose(nearly_zeros(), np.zeros((2, 2)), atol=1e-7)
    # f() now returns the third draw: the second was consumed by nearly_zeros.
    np.testing.assert_allclose(f(), draws[2], rtol=1e-6)


@pytest.mark.random
def test_seeding_single_random_variable():
    """Seed 000 '种子流': rv_u.rng.get_value(borrow=True).seed(89234) then set_value reseeds rv_u only."""
    srng, rv_u, rv_n, f, g = _brief_example()
    rng_val = rv_u.rng.get_value(borrow=True)
    assert isinstance(rng_val, np.random.RandomState)
    rng_val.seed(89234)
    rv_u.rng.set_value(rng_val, borrow=True)
    expected_u = np.random.RandomState(89234).uniform(0.0, 1.0, (2, 2))
    np.testing.assert_allclose(f(), expected_u, rtol=1e-6)
    # rv_n's generator was not touched: g() still gives its first draw.
    assert_printed(g(), [[0.12309219, 0.71399385], [0.14249561, 0.36686867]])


@pytest.mark.random
def test_seeding_whole_random_streams():
    """Seed 000 '种子流': srng.seed(89234) reseeds every variable drawn from srng."""
    srng, rv_u, rv_n, f, g = _brief_example()
    f()  # advance rv_u so that reseeding visibly resets it
    srng.seed(89234)
    stream_u, stream_n = legacy_streams(89234, 2)
    np.testing.assert_allclose(f(), stream_u.uniform(0.0, 1.0, (2, 2)), rtol=1e-6)
    np.testing.assert_allclose(g(), stream_n.uniform(0.0, 1.0, (2, 2)), rtol=1e-6)
    # Reseeding with the same seed is reproducible.
    srng.seed(89234)
    first = f()
    srng.seed(89234)
    np.testing.assert_array_equal(f(), first)


@pytest.mark.random
def test_state_updates_entries():
    """Seed 000: each draw adds (rng shared variable, RandomFunction output) to srng.state_updates."""
    srng, rv_u, rv_n, f, g = _brief_example()
    assert len(srng.state_updates) == 2
    (su_u, su_n) = srng.state_updates
    assert su_u[0] is rv_u.rng
    assert su_n[0] is rv_n.rng
    assert isinstance(su_u[0].get_value(), np.random.RandomState)


# ---------------------------------------------------------------------------
# Copying random state between graphs
# ---------------------------------------------------------------------------

def _copy_random_state(g1, g2):
    from theano.sandbox.rng_mrg import MRG_RandomStreams
    if isinstance(g1.rng, MRG_RandomStreams):
        g2.rng.rstate = g1.rng.rstate
    for (su1, su2) in zip(g1.rng.state_updates, g2.rng.state_updates):
        su2[0].set_value(su1[0].get_value())


@pytest.mark.random
def test_copy_random_state_between_graphs():
    """Seed 000 '在Theano图之间复制随机状态': prints 0.72803009, 0.55056769, then 0.59044123 twice."""
    from theano.tensor.shared_randomstreams import RandomStreams
    from theano.sandbox.rng_mrg import MRG_RandomStreams  # noqa: F401  (imported by the seed)

    class Graph():
        def __init__(self, seed=123):
            self.rng = RandomStreams(seed)
            self.y = self.rng.uniform(size=(1,))

    g1 = Graph(seed=123)
    f1 = theano.function([], g1.y)
    g2 = Graph(seed=987)
    f2 = theano.function([], g2.y)

    # by default, the two functions are out of sync
    v1, v2 = f1(), f2()
    assert v1.shape == (1,) and v2.shape == (1,)
    assert_printed(v1, [0.72803009])
    assert_printed(v2, [0.55056769])

    # now copy the state of the theano random number generators
    _copy_random_state(g1, g2)
    v1, v2 = f1(), f2()
    assert_printed(v1, [0.59044123])
    assert_printed(v2, [0.59044123])
    np.testing.assert_array_equal(v1, v2)


@pytest.mark.random
def test_copy_random_state_mrg_branch():
    """Seed 000 copy_random_state helper, MRG_RandomStreams branch: after copying, f1() == f2()."""
    from theano.sandbox.rng_mrg import MRG_RandomStreams

    class MRGGraph():
        def __init__(self, seed=123):
            self.rng = MRG_RandomStreams(seed)
            self.y = self.rng.uniform(size=(1,))

    g1 = MRGGraph(seed=123)
    f1 = theano.function([], g1.y)
    g2 = MRGGraph(seed=987)
    f2 = theano.function([], g2.y)
    a, b = f1(), f2()
    assert a.shape == (1,) and 0 <= a[0] < 1 and 0 <= b[0] < 1
    assert a[0] != b[0]
    _copy_random_state(g1, g2)
    a, b = f1(), f2()
    np.testing.assert_array_equal(a, b)
