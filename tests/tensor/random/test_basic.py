"""Tests of theano/tensor/random/basic.py: RandomStateType, RandomFunction and the samplers.

Every sampler is compared with the NumPy ``RandomState`` call Theano 1.0
made, on a generator with the same seed: the numbers must be identical.
"""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.random import basic as rr
from theano.tensor.random.basic import (RandomFunction, RandomStateSharedVariable,
                                      random_state_type)


def _rng(seed=42):
    return theano.shared(np.random.RandomState(seed))


def _draw(sampler, *args, seed=42, inputs=(), values=(), **kwargs):
    """Compile ``sampler(rng, *args, **kwargs)`` with its update: (fn, rng, sample)."""
    rng = _rng(seed)
    new_rng, sample = sampler(rng, *args, **kwargs)
    f = theano.function(list(inputs), sample, updates=[(rng, new_rng)])
    return f, rng, sample


def _same_state(a, b):
    sa, sb = a.get_state(), b.get_state()
    return np.array_equal(sa[1], sb[1]) and sa[2:] == sb[2:]


# ---------------------------------------------------------------------------
# Type and shared variables
# ---------------------------------------------------------------------------
def test_random_state_type_filter_and_equality():
    r = np.random.RandomState(3)
    assert random_state_type.filter(r) is r
    assert random_state_type.is_valid_value(r)
    for bad in (3, np.zeros(2), None, np.random.default_rng(0)):
        assert not random_state_type.is_valid_value(bad)
        with pytest.raises(TypeError, match="RandomState"):
            random_state_type.filter(bad)
    a, b = np.random.RandomState(5), np.random.RandomState(5)
    assert a is not b and random_state_type.values_eq(a, b)
    b.uniform()
    assert not random_state_type.values_eq(a, b)
    a.uniform()
    assert random_state_type.values_eq(a, b)
    # the cached gaussian is part of the state
    a.normal()
    assert not random_state_type.values_eq(a, b)
    assert str(random_state_type) == "RandomStateType"
    assert rr.RandomStateType() == random_state_type


def test_shared_randomstate_borrow_semantics():
    r = np.random.RandomState(7)
    s = theano.shared(r)
    assert isinstance(s, RandomStateSharedVariable)
    assert s.type == random_state_type
    # not borrowed: the shared variable holds a copy
    assert s.get_value(borrow=True) is not r
    assert _same_state(s.get_value(borrow=True), r)
    copy = s.get_value()
    assert copy is not s.get_value(borrow=True)
    copy.uniform(size=10)
    assert _same_state(s.get_value(borrow=True), np.random.RandomState(7))
    # borrow=True keeps the object itself
    s2 = theano.shared(r, borrow=True)
    assert s2.get_value(borrow=True) is r
    r2 = np.random.RandomState(8)
    s2.set_value(r2, borrow=True)
    assert s2.get_value(borrow=True) is r2
    s2.set_value(r2)
    assert s2.get_value(borrow=True) is not r2
    with pytest.raises(TypeError, match="RandomState"):
        s2.set_value(np.zeros(3))


# ---------------------------------------------------------------------------
# RandomFunction
# ---------------------------------------------------------------------------
def test_op_identity_and_str():
    op1 = RandomFunction("uniform", T.dvector().type)
    op2 = RandomFunction("uniform", T.TensorType("float64", (False,)))
    assert op1 == op2 and hash(op1) == hash(op2)
    assert op1 != RandomFunction("normal", op1.outtype)
    assert str(op1) == "RandomFunction{uniform}"
    assert str(RandomFunction(rr.permutation_helper, op1.outtype, ndim_added=1)) == \
        "RandomFunction{permutation_helper}"
    rng = _rng()
    new_rng, u = rr.uniform(rng, (2, 2))
    assert str(u) == "RandomFunction{uniform}.1"
    assert new_rng.type == random_state_type


def test_perform_draws_from_a_copy():
    """Without the update, the stored generator never moves (no_default_updates)."""
    rng = _rng(1)
    new_rng, u = rr.uniform(rng, (3,))
    f = theano.function([], [u, new_rng])
    a, r_after = f()
    b, _ = f()
    np.testing.assert_array_equal(a, b)
    assert _same_state(rng.get_value(borrow=True), np.random.RandomState(1))
    ref = np.random.RandomState(1)
    np.testing.assert_array_equal(a, ref.uniform(0.0, 1.0, (3,)))
    assert _same_state(r_after, ref)


def test_make_node_errors():
    op = RandomFunction("uniform", T.TensorType("float64", (False,)))
    with pytest.raises(TypeError, match="RandomState"):
        op(T.dvector(), (3,), 0.0, 1.0)
    with pytest.raises(TypeError, match="RandomState"):
        op(12, (3,), 0.0, 1.0)
    with pytest.raises(TypeError, match="integer"):
        op(_rng(), T.dvector(), 0.0, 1.0)
    # a plain RandomState becomes a constant input
    new_r, u = op(np.random.RandomState(2), (3,), 0.0, 1.0)
    np.testing.assert_array_equal(theano.function([], u)(),
                                  np.random.RandomState(2).uniform(0, 1, 3))


def test_runtime_size_mismatch_is_reported():
    n = T.lscalar("n")
    f, _, _ = _draw(rr.uniform, (n, n), inputs=[n])
    assert f(2).shape == (2, 2)
    v = T.lvector("v")
    f, _, _ = _draw(rr.uniform, v, ndim=2, inputs=[v])
    with pytest.raises(ValueError, match="size"):
        f(np.array([2, 3, 4]))
    assert f(np.array([2, 3])).shape == (2, 3)


def test_gradients_are_disconnected():
    rng = _rng()
    lo = T.dscalar("lo")
    _, u = rr.uniform(rng, (3,), lo, lo + 1)
    with pytest.raises(theano.gradient.DisconnectedInputError):
        T.grad(u.sum(), lo)
    w = T.dscalar("w")
    f = theano.function([w, lo], [T.grad((w * u).sum(), w), u])
    g, uv = f(2.0, 0.5)
    np.testing.assert_allclose(g, uv.sum())


# ---------------------------------------------------------------------------
# Samplers vs NumPy
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("floatX", ["float64", "float32"])
def test_uniform_and_normal_match_numpy(floatX):
    with theano.change_flags(floatX=floatX):
        f, _, u = _draw(rr.uniform, (2, 3), -1.0, 2.0, seed=11)
        assert u.type.dtype == floatX and u.type.broadcastable == (False, False)
        ref = np.random.RandomState(11)
        for _ in range(2):
            out = f()
            assert out.dtype == floatX
            np.testing.assert_array_equal(out, ref.uniform(-1.0, 2.0, (2, 3)).astype(floatX))
        f, _, z = _draw(rr.normal, (4,), 1.0, 3.0, seed=12)
        ref = np.random.RandomState(12)
        np.testing.assert_array_equal(f(), ref.normal(1.0, 3.0, (4,)).astype(floatX))
    # explicit dtype and a float64 parameter
    _, u = rr.uniform(_rng(), (2,), T.dscalar(), 1.0, dtype="float32")
    assert u.type.dtype == "float32"
    with theano.change_flags(floatX="float32"):
        assert rr.uniform(_rng(), (2,), T.dscalar())[1].type.dtype == "float64"


def test_size_none_takes_shape_of_parameters():
    low = T.dmatrix("low")
    f, _, u = _draw(rr.uniform, None, low, 10.0, seed=3, inputs=[low])
    assert u.type.ndim == 2
    lo = np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
    np.testing.assert_array_equal(f(lo), np.random.RandomState(3).uniform(lo, 10.0))
    # broadcast pattern of the parameters is kept
    row = T.TensorType("float64", (True, False))("row")
    _, u = rr.normal(_rng(), None, row, 1.0)
    assert u.type.broadcastable == (True, False)
    # 0-d parameters and no size: a 0-d sample
    f, _, u = _draw(rr.normal, None, seed=4)
    assert u.type.ndim == 0
    assert f().shape == ()


def test_size_with_minus_one_and_symbolic_entries():
    low = T.dvector("low")
    n = T.lscalar("n")
    f, _, u = _draw(rr.uniform, (n, -1), low, 1.0, seed=5, inputs=[n, low])
    assert u.type.broadcastable == (False, False)
    lo = np.array([0.1, 0.2, 0.3])
    out = f(2, lo)
    np.testing.assert_array_equal(out, np.random.RandomState(5).uniform(lo, 1.0, (2, 3)))
    # a -1 against a broadcastable dimension gives length 1
    col = T.TensorType("float64", (True,))("col")
    _, u = rr.uniform(_rng(), (2, -1), col, 1.0)
    assert u.type.broadcastable == (False, True)
    with pytest.raises(ValueError, match="-1"):
        rr.uniform(_rng(), (-1, 2))
    with pytest.raises(ValueError, match="negative"):
        rr.uniform(_rng(), (-2, 2))


def test_symbolic_size_vector_needs_known_length():
    x = T.dmatrix("x")
    f, _, u = _draw(rr.uniform, x.shape, seed=6, inputs=[x])
    assert u.type.ndim == 2
    assert f(np.zeros((3, 2))).shape == (3, 2)
    v = T.lvector("v")
    with pytest.raises(ValueError, match="ndim"):
        rr.uniform(_rng(), v)
    _, u = rr.uniform(_rng(), v, ndim=3)
    assert u.type.ndim == 3
    # plain int and list sizes
    assert rr.uniform(_rng(), 5)[1].type.ndim == 1
    assert rr.uniform(_rng(), [2, 3])[1].type.ndim == 2
    with pytest.raises(ValueError, match="ndim"):
        rr.uniform(_rng(), (2, 3), ndim=3)
    with pytest.raises(ValueError, match="dimensions"):
        rr.uniform(_rng(), (3,), T.dmatrix())
    with pytest.raises(TypeError, match="integer"):
        rr.uniform(_rng(), (2.5, 3))


def test_binomial_matches_numpy_and_deprecated_prob():
    f, _, b = _draw(rr.binomial, (5, 2), 10, 0.3, seed=7)
    assert b.type.dtype == "int64"
    np.testing.assert_array_equal(f(), np.random.RandomState(7).binomial(10, 0.3, (5, 2)))
    p = T.dvector("p")
    f, _, b = _draw(rr.binomial, None, 4, p, seed=8, inputs=[p], dtype="int32")
    pv = np.array([0.1, 0.5, 0.9])
    out = f(pv)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, np.random.RandomState(8).binomial(4, pv))
    with pytest.warns(DeprecationWarning):
        rr.binomial(_rng(), (2,), prob=0.2)


def test_random_integers_matches_per_element_draws():
    """Theano 1.0 drew one random_integers(low, high) per element, in C order."""
    low, high = T.lvector("low"), T.lmatrix("high")
    f, _, r = _draw(rr.random_integers, None, low, high, seed=9, inputs=[low, high])
    lo = np.array([0, -5, 10])
    hi = np.array([[1, 5, 10], [3, 0, 2 ** 33]])
    out = f(lo, hi)
    ref = np.random.RandomState(9)
    expected = np.array([[ref.randint(lo[j], hi[i, j] + 1) for j in range(3)] for i in range(2)])
    np.testing.assert_array_equal(out, expected)
    assert ((out >= lo) & (out <= hi)).all()
    f, _, r = _draw(rr.random_integers, (4, 3), 2, 5, seed=10)
    ref = np.random.RandomState(10)
    expected = np.array([[ref.randint(2, 6) for _ in range(3)] for _ in range(4)])
    np.testing.assert_array_equal(f(), expected)


def test_choice_matches_numpy():
    f, _, c = _draw(rr.choice, (3, 2), 10, False, seed=13)
    np.testing.assert_array_equal(f(), np.random.RandomState(13).choice(10, (3, 2), False))
    p = [0.1, 0.2, 0.7]
    f, _, c = _draw(rr.choice, (6,), [5, 6, 7], True, p, seed=14)
    np.testing.assert_array_equal(f(), np.random.RandomState(14).choice([5, 6, 7], (6,), True, p))
    f, _, c = _draw(rr.choice, None, 4, seed=15)
    assert c.type.ndim == 0
    assert f() == np.random.RandomState(15).choice(4)
    with pytest.raises(ValueError, match="vector"):
        theano.function([], rr.choice(_rng(), (2,), np.ones((2, 2)))[1])()


def test_poisson_matches_numpy():
    f, _, c = _draw(rr.poisson, (7,), 3.5, seed=16)
    np.testing.assert_array_equal(f(), np.random.RandomState(16).poisson(3.5, (7,)))
    lam = T.dvector("lam")
    f, _, c = _draw(rr.poisson, None, lam, seed=17, inputs=[lam])
    np.testing.assert_array_equal(f([1.0, 10.0]), np.random.RandomState(17).poisson([1.0, 10.0]))
    with pytest.raises(TypeError, match="lam"):
        rr.poisson(_rng(), (2,), None)


def test_permutation_matches_numpy():
    f, _, p = _draw(rr.permutation, None, 6, seed=18)
    assert p.type.ndim == 1
    np.testing.assert_array_equal(f(), np.random.RandomState(18).permutation(6))
    f, _, p = _draw(rr.permutation, (2, 3), 4, seed=19)
    assert p.type.ndim == 3
    ref = np.random.RandomState(19)
    out = f()
    assert out.shape == (2, 3, 4)
    for idx in np.ndindex(2, 3):
        np.testing.assert_array_equal(out[idx], ref.permutation(4))
    with pytest.raises(TypeError, match="ndim"):
        rr.permutation(_rng(), None, 4, ndim=2)


def test_multinomial_matches_numpy_with_broadcasting():
    pv = np.array([[0.2, 0.3, 0.5], [0.6, 0.4, 0.0]])
    f, _, m = _draw(rr.multinomial, None, 20, pv, seed=20)
    assert m.type.ndim == 2
    ref = np.random.RandomState(20)
    out = f()
    # the second row's last probability is < 5e-5: Theano shrank the row
    expected = [ref.multinomial(20, pv[0]), ref.multinomial(20, pv[1] * (1 - 5e-5))]
    np.testing.assert_array_equal(out, expected)
    assert (out.sum(axis=1) == 20).all()
    # size borrowing from pvals with -1, n broadcast over rows
    n = T.lvector("n")
    f, _, m = _draw(rr.multinomial, (4, -1), n, pv, seed=21, inputs=[n])
    out = f(np.array([1, 100]))
    assert out.shape == (4, 2, 3)
    np.testing.assert_array_equal(out.sum(axis=-1), np.tile([1, 100], (4, 1)))
    # default pvals: a fair coin
    f, _, m = _draw(rr.multinomial, (3,), 5, seed=22)
    ref = np.random.RandomState(22)
    np.testing.assert_array_equal(f(), [ref.multinomial(5, [0.5, 0.5]) for _ in range(3)])
    with pytest.raises(ValueError, match="sum"):
        theano.function([], rr.multinomial(_rng(), None, 1, [0.7, 0.7])[1])()


# ---------------------------------------------------------------------------
# permute_row_elements
# ---------------------------------------------------------------------------
def test_permute_row_elements_forward_inverse_broadcast():
    x = T.dmatrix("x")
    y = T.lmatrix("y")
    xv = np.arange(12.0).reshape(3, 4)
    yv = np.array([[3, 2, 1, 0], [0, 1, 2, 3], [1, 0, 3, 2]])
    out = theano.function([x, y], rr.permute_row_elements(x, y))(xv, yv)
    np.testing.assert_array_equal(out, np.take_along_axis(xv, yv, axis=1))
    back = theano.function([x, y], rr.permute_row_elements(
        rr.permute_row_elements(x, y), y, inverse=True))(xv, yv)
    np.testing.assert_array_equal(back, xv)
    # one permutation for every row
    yvec = T.lvector("yvec")
    out = theano.function([x, yvec], rr.permute_row_elements(x, yvec))(xv, np.array([1, 0, 3, 2]))
    np.testing.assert_array_equal(out, xv[:, [1, 0, 3, 2]])
    with pytest.raises(ValueError, match="elements"):
        theano.function([x, yvec], rr.permute_row_elements(x, yvec))(xv, np.array([0, 1]))


def test_permute_row_elements_grad():
    rng = np.random.RandomState(0)
    yv = np.array([[2, 0, 1], [1, 2, 0]])
    theano.gradient.verify_grad(lambda x: rr.permute_row_elements(x, yv), [rng.rand(2, 3)],
                                rng=rng)
    theano.gradient.verify_grad(lambda x: rr.permute_row_elements(x, yv, inverse=True),
                                [rng.rand(2, 3)], rng=rng)
    # x broadcast against several permutations: its gradient sums over them
    theano.gradient.verify_grad(lambda x: rr.permute_row_elements(x, yv), [rng.rand(3)],
                                rng=rng)


def test_infer_shape_of_sample():
    rng = _rng()
    n = T.lscalar("n")
    _, u = rr.uniform(rng, (n, 3))
    node = u.owner
    shapes = node.op.infer_shape(None, node, [None, (2,), (), ()])
    assert shapes[0] is None
    assert shapes[1][0] is n and shapes[1][1] == 3
    _, p = rr.permutation(rng, (2,), 4)
    with pytest.raises(NotImplementedError):
        p.owner.op.infer_shape(None, p.owner, [None, (1,), ()])
