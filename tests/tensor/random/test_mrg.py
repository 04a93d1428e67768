"""Tests of theano/tensor/random/mrg.py: MRG_RandomStreams through compiled graphs.

Bit-compatibility evidence:

* the first stream of L'Ecuyer's Java reference samples (seed [12345]*6,
  7 substreams, 5 draws each), which Theano 1.0's
  ``test_consistency_randomstreams`` compared ``MRG_RandomStreams`` with;
* a published run of Theano 1.0 (``MRG_RandomStreams()``, floatX=float32)
  printing ``normal``, ``uniform`` and ``binomial`` draws of size 5.
"""
import warnings

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.random import mrg_core
from theano.tensor.random.mrg import (ChoiceFromUniform, MRG_RandomStreams,
                                    MultinomialFromUniform, guess_n_streams, mrg_uniform)

N = 100000

# Java reference: stream 0, substreams 0..6, 5 draws each (substream-major).
JAVA_STREAM0 = np.array([
    0.7353244530968368, 0.6142074400559068, 0.11007806099951267, 0.6487741703167558,
    0.36619443260133266, 0.2585685825906694, 0.9489980279468, 0.4309556516818702,
    0.12257590936496854, 0.9760319022461772, 0.6940806899219751, 0.18046841165050864,
    0.003993193618953228, 0.5351603352464736, 0.02472442388534546, 0.7705746139399707,
    0.8138928869739175, 0.9650539481081069, 0.24507411010563374, 0.35767574002966285,
    0.4939101580530405, 0.9027785388752818, 0.27498403564095497, 0.03848231676965952,
    0.3081609820947051, 0.9062023567967117, 0.009030417073518038, 0.7953705741092563,
    0.5061718439683318, 0.5975547162815928, 0.5435514179989696, 0.330895590595901,
    0.49919482320547104, 0.9409166998229921, 0.8276205519214272])
# stream 1, substream 0
JAVA_STREAM1_START = np.array([0.5180770065635443, 0.2319392478093505, 0.36197659047320485,
                               0.11120751267299056, 0.5018561617471278])


def _java_run(dtype):
    rng = MRG_RandomStreams(seed=12345)
    samples = []
    for _ in range(2):
        u = rng.uniform(size=(7,), nstreams=7, dtype=dtype)
        f = theano.function([], u)
        samples.append(np.array([f() for _ in range(5)]).T.flatten())
    return samples


def test_uniform_float64_matches_java_reference_exactly():
    s0, s1 = _java_run("float64")
    assert s0.dtype == np.float64
    np.testing.assert_array_equal(s0, JAVA_STREAM0)
    np.testing.assert_array_equal(s1[:5], JAVA_STREAM1_START)


def test_uniform_float32_close_to_java_reference():
    s0, _ = _java_run("float32")
    assert s0.dtype == np.float32
    np.testing.assert_allclose(s0, JAVA_STREAM0, rtol=2.5e-7, atol=0)


def test_published_theano_run_float32():
    with theano.change_flags(floatX="float32"):
        srng = MRG_RandomStreams()
        rand_size = T.vector("rand_size")
        f = theano.function([rand_size], [srng.normal(rand_size.shape),
                                          srng.uniform(rand_size.shape),
                                          srng.binomial(rand_size.shape)])
        x = np.arange(5, dtype="float32")
        normal, uniform, binomial = f(x)[0], f(x)[1], f(x)[2]
    assert normal.dtype == uniform.dtype == np.float32 and binomial.dtype == np.int64
    np.testing.assert_allclose(uniform, [0.23193923, 0.71880513, 0.03122572, 0.97318739,
                                         0.99260223], rtol=0, atol=0.5e-8 + 1e-12)
    np.testing.assert_allclose(normal, [0.10108768, -1.64354193, 0.71042836, -0.77760422,
                                        0.06291872], rtol=0, atol=1.5e-7)
    np.testing.assert_array_equal(binomial, [0, 1, 0, 1, 1])


# ---------------------------------------------------------------------------
# Streams bookkeeping
# ---------------------------------------------------------------------------
def test_rstate_and_substreams_layout():
    srng = MRG_RandomStreams(seed=42)
    np.testing.assert_array_equal(srng.rstate, [42] * 6)
    assert srng.rstate.dtype == np.int32
    u = srng.uniform((4, 3))
    state = u.rstate.get_value()
    assert state.shape == (guess_n_streams((4, 3)), 6) == (2, 6)
    np.testing.assert_array_equal(state, mrg_core.substream_rstates([42] * 6, 2))
    np.testing.assert_array_equal(srng.rstate, mrg_core.next_rstate([42] * 6))
    # symbolic sizes use 60 * 256 streams
    v = srng.uniform(T.lvector(), ndim=1)
    assert v.rstate.get_value(borrow=True).shape == (15360, 6)
    assert len(srng.state_updates) == 2
    old_r, new_r, size, nstreams = srng.state_updates[0]
    assert old_r is u.rstate and new_r is u.update[1] and size == (4, 3) and nstreams is None
    assert old_r.default_update is new_r
    assert srng.updates()[0] == (old_r, new_r)
    assert str(new_r.owner.op).startswith("mrg_uniform{TensorType(float64, matrix)")
    with pytest.raises(ValueError):
        MRG_RandomStreams(0)
    with pytest.raises(ValueError):
        MRG_RandomStreams(mrg_core.M2)
    MRG_RandomStreams([1, 2, 3, 4, 5, 6])


def test_same_seed_same_numbers_and_reseeding_restores():
    def build(seed):
        srng = MRG_RandomStreams(seed)
        out = [srng.uniform((3, 2)), srng.normal((5,)), srng.binomial((4,), p=0.3)]
        return srng, theano.function([], out)

    srng, f = build(321)
    first = f()
    _, g = build(321)
    for a, b in zip(first, g()):
        np.testing.assert_array_equal(a, b)
    second = f()
    assert not np.allclose(first[0], second[0])
    srng.seed(321)
    for a, b in zip(first, f()):
        np.testing.assert_array_equal(a, b)
    srng.seed(7)
    _, h = build(7)
    for a, b in zip(h(), f()):
        np.testing.assert_array_equal(a, b)
    srng.seed()          # constructor seed
    np.testing.assert_array_equal(f()[0], first[0])


def test_drawn_once_failing_call_and_no_default_updates():
    srng = MRG_RandomStreams(9)
    rv = srng.uniform((4,))
    x = T.dvector("x")
    f = theano.function([x], [rv, rv + rv - 2 * rv, rv + x])
    state = rv.rstate.get_value()
    with pytest.raises(ValueError):
        f(np.zeros(3))
    np.testing.assert_array_equal(rv.rstate.get_value(borrow=True), state)
    a, z, _ = f(np.zeros(4))
    np.testing.assert_allclose(z, 0, atol=1e-12)
    _, ref = mrg_core.mrg_uniform(state, (4,))
    np.testing.assert_array_equal(a, ref)
    g = theano.function([], rv, no_default_updates=True)
    np.testing.assert_array_equal(g(), g())


def test_copy_random_state_between_graphs():
    g1, g2 = MRG_RandomStreams(123), MRG_RandomStreams(987)
    y1, y2 = g1.uniform(size=(1,)), g2.uniform(size=(1,))
    assert y1.type.broadcastable == (True,)
    f1, f2 = theano.function([], y1), theano.function([], y2)
    assert f1()[0] != f2()[0]
    g2.rstate = g1.rstate
    for su1, su2 in zip(g1.state_updates, g2.state_updates):
        su2[0].set_value(su1[0].get_value())
    np.testing.assert_array_equal(f1(), f2())
    np.testing.assert_array_equal(f1(), f2())


def test_function_copy_with_swapped_state():
    srng = MRG_RandomStreams(10)
    rv = srng.uniform((3,), nstreams=3)
    f = theano.function([], rv)
    new_state = theano.shared(mrg_core.substream_rstates([5] * 6, 3))
    f2 = f.copy(swap={rv.rstate: new_state})
    _, expected = mrg_core.mrg_uniform(mrg_core.substream_rstates([5] * 6, 3), (3,))
    np.testing.assert_array_equal(f2()[0], expected)  # (a copy returns a list, as Theano 1.0)
    _, expected = mrg_core.mrg_uniform(mrg_core.substream_rstates([10] * 6, 3), (3,))
    np.testing.assert_array_equal(f(), expected)


def test_gradients_do_not_flow_into_parameters():
    srng = MRG_RandomStreams(11)
    lo, w = T.dscalar("lo"), T.dscalar("w")
    rv = srng.uniform((3,), low=lo, high=lo + 1)
    rn = srng.normal((3,), avg=lo)
    with pytest.raises(theano.gradient.DisconnectedInputError):
        T.grad(rv.sum(), lo)
    cost = (w * rv).sum() + (w * rn).sum() + 2 * lo
    gw, glo = T.grad(cost, [w, lo])
    a, b, r, n = theano.function([w, lo], [gw, glo, rv, rn])(1.5, 0.25)
    np.testing.assert_allclose(a, r.sum() + n.sum())
    assert float(b) == 2.0


# ---------------------------------------------------------------------------
# Sizes, dtypes and errors
# ---------------------------------------------------------------------------
def test_symbolic_sizes_and_dtypes():
    srng = MRG_RandomStreams(12)
    x = T.dmatrix("x")
    n = T.lscalar("n")
    outs = [srng.uniform(x.shape, ndim=2), srng.normal((n, 3)), srng.normal(n),
            srng.uniform([2, n], dtype="float32"), srng.binomial(x.shape, ndim=2, dtype="int8")]
    assert outs[0].type.ndim == 2 and outs[1].type.ndim == 2 and outs[2].type.ndim == 1
    assert outs[3].type.dtype == "float32" and outs[4].type.dtype == "int8"
    res = theano.function([x, n], outs)(np.zeros((4, 5)), 3)
    assert [r.shape for r in res] == [(4, 5), (3, 3), (3,), (2, 3), (4, 5)]
    with theano.change_flags(floatX="float32"):
        assert srng.uniform((2,)).type.dtype == "float32"
        assert srng.uniform((2,), low=T.dscalar()).type.dtype == "float64"
        assert srng.normal((2,)).type.dtype == "float32"
    assert srng.uniform((1, 3)).type.broadcastable == (True, False)


def test_size_and_argument_errors():
    srng = MRG_RandomStreams(13)
    with pytest.raises(ValueError, match="<= 0"):
        srng.uniform((0, 2))
    with pytest.raises(TypeError, match="size"):
        srng.uniform((2.5,))
    with pytest.raises(TypeError, match="size"):
        srng.uniform("abc")
    with pytest.raises(ValueError, match="ndim"):
        srng.uniform(T.lvector())
    with pytest.raises(NotImplementedError, match="broadcast"):
        srng.uniform((3,), low=T.dmatrix())
    with pytest.raises(TypeError, match="keyword"):
        srng.uniform((3,), color="red")
    with pytest.raises(NotImplementedError, match="n > 1"):
        srng.binomial((3,), n=2)
    with pytest.raises(TypeError, match="pvals"):
        srng.multinomial()
    with pytest.raises(ValueError, match="size"):
        srng.multinomial(size=(2,), pvals=[[0.5, 0.5]])
    with pytest.raises(NotImplementedError, match="ndim = 2"):
        srng.multinomial(pvals=[0.5, 0.5])
    with pytest.raises(TypeError, match="a has to be None"):
        srng.choice(a=3, p=[[0.5, 0.5]])
    with pytest.raises(TypeError, match="p has to be"):
        srng.choice(replace=False)
    with pytest.raises(ValueError, match="ndim"):
        srng.normal((2, 3), ndim=3)
    f = theano.function([], srng.choice(size=3, p=[[0.5, 0.5]], replace=False))
    with pytest.raises(ValueError, match="without replacement"):
        f()


def test_mrg_uniform_op_checks():
    state = theano.shared(mrg_core.substream_rstates([3] * 6, 2))
    new, u = mrg_uniform.new(state, None, "float64", (2, 3))
    assert u.type.ndim == 2
    with pytest.raises(TypeError, match="int32"):
        mrg_uniform.new(T.dmatrix(), None, "float64", (2,))
    s = T.lvector("s")
    new, u = mrg_uniform.new(state, 2, "float64", s)
    f = theano.function([s], u)
    with pytest.raises(ValueError, match="length"):
        f(np.array([2, 3, 4]))
    assert f(np.array([2, 3])).shape == (2, 3)


# ---------------------------------------------------------------------------
# Derived distributions vs mrg_core on the same uniforms
# ---------------------------------------------------------------------------
def test_normal_layout_and_truncation_match_mrg_core():
    srng = MRG_RandomStreams(14)
    z = srng.normal((3, 3), avg=1.0, std=2.0, dtype="float64")
    t = srng.truncated_normal((5,), avg=-1.0, std=0.5, dtype="float64")
    f = theano.function([], [z, t] + [su[1].owner.outputs[1] for su in srng.state_updates])
    zv, tv, uz, ut, ufix = f()
    assert len(srng.state_updates) == 3      # normal + truncated (main and re-draw block)
    assert [type(su[1].owner.op) for su in srng.state_updates] == [mrg_uniform] * 3
    np.testing.assert_allclose(zv, mrg_core.normal_from_uniform(uz, (3, 3), 1.0, 2.0), rtol=1e-14)
    np.testing.assert_allclose(tv, mrg_core.truncated_normal_from_uniform(
        ut, ufix, (5,), -1.0, 0.5), rtol=1e-14)
    assert (np.abs(tv + 1.0) <= 2 * 0.5 / mrg_core.TRUNCATED_NORMAL_STD + 1e-12).all()


def test_multinomial_and_choice_match_mrg_core():
    srng = MRG_RandomStreams(15)
    pv = np.array([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]])
    m = srng.multinomial(pvals=pv, n=4)
    c = srng.choice(size=2, p=pv, replace=False)
    assert isinstance(m.owner.op, MultinomialFromUniform)
    assert isinstance(c.owner.op, ChoiceFromUniform)
    um, uc = (v.owner.inputs[1] for v in (m, c))
    mv, cv, umv, ucv = theano.function([], [m, c, um, uc])()
    np.testing.assert_array_equal(mv, mrg_core.multinomial_from_uniform(pv, umv, 4))
    np.testing.assert_array_equal(cv, mrg_core.choice_from_uniform(pv, ucv, 2))
    assert mv.dtype == cv.dtype == np.int64
    assert (mv.sum(axis=1) == 4).all()
    assert (cv[:, 0] != cv[:, 1]).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        w = srng.multinomial_wo_replacement(pvals=pv, n=2)
    assert theano.function([], w)().shape == (2, 2)


# ---------------------------------------------------------------------------
# Statistics (1e5 draws each)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("make, mean, var", [
    (lambda s: s.uniform((N,), low=-1.0, high=3.0), 1.0, 16.0 / 12),
    (lambda s: s.uniform((N,), dtype="float32"), 0.5, 1.0 / 12),
    (lambda s: s.normal((N,), avg=2.0, std=0.5), 2.0, 0.25),
    (lambda s: s.normal((N,), dtype="float32"), 0.0, 1.0),
    (lambda s: s.binomial((N,), p=0.3), 0.3, 0.21),
    # a N(0, 1) truncated to [-2, 2] with the angle kept on re-draw (Theano
    # 1.0): std about 1.4 % above the requested one
    (lambda s: s.truncated_normal((N,), std=1.0), 0.0, 1.028),
], ids=["uniform", "uniform32", "normal", "normal32", "binomial", "truncated_normal"])
def test_moments(make, mean, var):
    x = np.asarray(theano.function([], make(MRG_RandomStreams(2024)))(), dtype="float64")
    assert x.shape == (N,)
    assert abs(x.mean() - mean) < 5 * np.sqrt(var / N)
    assert abs(x.var() - var) < 0.02 * var


def test_truncated_normal_bounds():
    x = theano.function([], MRG_RandomStreams(3).normal((N,), std=3.0, truncate=True))()
    assert np.abs(x).max() <= 6.0
    assert abs(x.std() - 3.0 * 0.8796 * 1.014) < 0.03


def test_multinomial_and_choice_frequencies():
    srng = MRG_RandomStreams(2027)
    pv = np.array([[0.1, 0.2, 0.3, 0.4]] * 10)
    counts = theano.function([], srng.multinomial(pvals=pv, n=N // 10))()
    assert (counts.sum(axis=1) == N // 10).all()
    np.testing.assert_allclose(counts.sum(axis=0) / N, pv[0], atol=0.005)
    draws = theano.function([], srng.choice(size=N // 10, p=pv[:, :], replace=True))()
    assert draws.shape == (10, N // 10)
    np.testing.assert_allclose(np.bincount(draws.ravel(), minlength=4) / N, pv[0], atol=0.005)
    # without replacement: the first pick follows p, the second the renormalised rest
    p2 = np.tile([[0.5, 0.3, 0.2]], (N // 2, 1))
    pick = theano.function([], srng.choice(size=2, p=p2, replace=False))()
    np.testing.assert_allclose(np.bincount(pick[:, 0], minlength=3) / (N // 2), p2[0],
                               atol=0.01)
    second_given_0 = pick[pick[:, 0] == 0, 1]
    np.testing.assert_allclose(np.bincount(second_given_0, minlength=3)[1:] /
                               len(second_given_0), [0.6, 0.4], atol=0.015)
