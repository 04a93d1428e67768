"""Tests of indexing: Subtensor, IncSubtensor and the advanced-indexing ops."""
import itertools

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import gradient
from theano.graph.basic import Constant, graph_inputs
from theano.tensor.shape import shape_i
from theano.tensor.subtensor import (AdvancedIncSubtensor, AdvancedIncSubtensor1,
                                     AdvancedSubtensor, AdvancedSubtensor1, IncSubtensor,
                                     Subtensor, get_canonical_form_slice, get_idx_list)
from theano.tests import unittest_tools as utt

rng = np.random.RandomState(0)


def _value(shape, dtype):
    v = rng.randn(*shape) * 10
    if dtype == "bool":
        return np.asarray(v > 0)
    return np.asarray(v).astype(dtype)


def _sym(ndim, dtype="float64"):
    return T.TensorType(dtype, (False,) * ndim)()


def _check(fn, shape, dtype="float64", check_infer=True):
    """Compare ``fn(x)`` symbolically and on NumPy; also its shape and inferred shape."""
    x = _sym(len(shape), dtype)
    xv = _value(shape, dtype)
    out = fn(x)
    expected = fn(xv)
    f = theano.function([x], [out, out.shape])
    got, got_shape = f(xv)
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape, (got.shape, expected.shape)
    np.testing.assert_array_equal(got, expected)
    assert tuple(got_shape) == expected.shape
    assert out.type.ndim == expected.ndim
    for b, s in zip(out.type.broadcastable, expected.shape):
        assert not b or s == 1
    if check_infer and out.owner is not None and hasattr(out.owner.op, "infer_shape"):
        ins = [v for v in graph_inputs([out]) if not isinstance(v, Constant)]
        assert utt.inferred_shape(out, ins, [xv]) == expected.shape
    return out


# -- basic indexing ------------------------------------------------------------------
BASIC = [
    lambda x: x[1], lambda x: x[-1], lambda x: x[1:3], lambda x: x[:-1], lambda x: x[::2],
    lambda x: x[::-1], lambda x: x[-2::-2], lambda x: x[5:1:-1], lambda x: x[10:],
    lambda x: x[:, 1],
    lambda x: x[1, 2], lambda x: x[-1, -2], lambda x: x[:, ::-1], lambda x: x[1:, 1:2],
    lambda x: x[None], lambda x: x[:, None], lambda x: x[None, 1, None], lambda x: x[...],
    lambda x: x[..., 1], lambda x: x[1, ...], lambda x: x[..., None], lambda x: x[2:2],
    lambda x: x[3:1], lambda x: x[:, 5:], lambda x: x[-10:10], lambda x: x[:],
    lambda x: x[(slice(None), -3)],
]


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "uint8", "bool",
                                   "complex64"])
@pytest.mark.parametrize("k", range(len(BASIC)))
def test_basic_indexing_matches_numpy(k, dtype):
    _check(BASIC[k], (4, 5), dtype)


@pytest.mark.parametrize("fn", [lambda x: x[1, :, ::2], lambda x: x[..., 1:, 0],
                                lambda x: x[:, None, 1, ..., None], lambda x: x[-1, -1, -1],
                                lambda x: x[1:2, ::-1, None]])
def test_basic_indexing_3d(fn):
    _check(fn, (3, 4, 5))


def test_basic_index_builds_subtensor_view():
    x = T.dmatrix()
    y = x[1:3]
    assert isinstance(y.owner.op, Subtensor)
    assert y.owner.op.view_map == {0: [0]}
    assert x[1:3].owner.op == y.owner.op
    assert hash(x[1:3].owner.op) == hash(y.owner.op)
    assert str(y.owner.op) == "Subtensor{1:3:}"
    assert str(x[::-1, 2].owner.op) == "Subtensor{::-1, 2}"
    assert x[None].owner.op.__class__.__name__ == "DimShuffle"


def test_zero_dim_and_empty():
    x = T.dscalar()
    f = theano.function([x], x[()])
    assert f(np.asarray(3.0)) == 3.0
    _check(lambda v: v[1:1, :], (3, 0))
    _check(lambda v: v[:, 0:0], (3, 4))
    _check(lambda v: v[0], (1, 0))


def test_broadcastable_output_pattern():
    r = T.row()
    assert r[:, 1:].type.broadcastable == (True, False)
    assert r[1:].type.broadcastable == (False, False)
    assert r[::-1].type.broadcastable == (True, False)
    assert r[0].type.broadcastable == (False,)
    assert r[T.lscalar():].type.broadcastable == (False, False)


def test_symbolic_bounds_exhaustive():
    x = T.dvector()
    a, b, c = T.lscalars("a", "b", "c")
    exprs = [x[a:b:c], x[a:], x[:b], x[::c], x[a::c], x[:b:c]]
    f = theano.function([x, a, b, c], exprs + [e.shape[0] for e in exprs])
    infer = [e.owner.op.infer_shape(None, e.owner, [(shape_i(x, 0),)] + [()] * (
        len(e.owner.inputs) - 1))[0][0] for e in exprs]
    g = theano.function([x, a, b, c], infer, on_unused_input="ignore")
    for n in (0, 1, 4):
        xv = np.arange(float(n))
        for av, bv, cv in itertools.product(range(-6, 7, 2), range(-5, 6, 2), (-3, -1, 1, 2)):
            res = f(xv, av, bv, cv)
            ref = [xv[av:bv:cv], xv[av:], xv[:bv], xv[::cv], xv[av::cv], xv[:bv:cv]]
            inferred = g(xv, av, bv, cv)
            for k, r in enumerate(ref):
                np.testing.assert_array_equal(res[k], r)
                assert res[len(ref) + k] == len(r)
                assert int(inferred[k]) == len(r)


def test_symbolic_int_index_and_dtypes():
    x = T.dmatrix()
    xv = rng.rand(3, 4)
    for dt in ("int8", "int16", "int32", "int64", "uint8"):
        i = T.scalar(dtype=dt)
        f = theano.function([x, i], [x[i], x[:, i:]])
        a, b = f(xv, 2)
        np.testing.assert_array_equal(a, xv[2])
        np.testing.assert_array_equal(b, xv[:, 2:])
    i = T.lscalar()
    f = theano.function([x, i], x[i])
    np.testing.assert_array_equal(f(xv, -1), xv[-1])
    j = T.iscalar()
    g = theano.function([x, i, j], x[[i, j]])
    np.testing.assert_array_equal(g(xv, 2, 0), xv[[2, 0]])


def test_constant_tensor_index_is_folded():
    x = T.dvector()
    y = x[T.constant(2)]
    assert y.owner.op.idx_list == (2,)
    assert len(y.owner.inputs) == 1


def test_get_idx_list():
    x = T.dmatrix()
    a = T.lscalar()
    y = x[a:, 1]
    idx = get_idx_list(y.owner.inputs, y.owner.op.idx_list)
    assert idx[0].start is y.owner.inputs[1] and idx[1] == 1


# -- basic indexing errors ---------------------------------------------------------------
def test_index_errors():
    x = T.dmatrix()
    i = T.lscalar()
    f = theano.function([x, i], x[i])
    with pytest.raises(IndexError, match=r"index 5 .*axis 0 .*size 3.*\(3, 4\)"):
        f(np.zeros((3, 4)), 5)
    with pytest.raises(IndexError, match="index -4"):
        f(np.zeros((3, 4)), -4)
    g = theano.function([x], x[:, 7])
    with pytest.raises(IndexError, match="axis 1"):
        g(np.zeros((3, 4)))
    with pytest.raises(IndexError, match="too many indices"):
        x[1, 2, 3]
    with pytest.raises(IndexError, match="Ellipsis"):
        x[..., ...]
    with pytest.raises(TypeError, match="float"):
        x[1.5]
    with pytest.raises(TypeError):
        x[T.dscalar()]
    with pytest.raises(TypeError):
        x[[0, True]]
    with pytest.raises(ValueError, match="zero"):
        x[::0]
    s = T.lscalar()
    h = theano.function([x, s], x[::s])
    with pytest.raises(ValueError, match="zero"):
        h(np.zeros((2, 2)), 0)
    with pytest.raises(TypeError, match="immutable"):
        x[0] = 1


# -- advanced indexing ------------------------------------------------------------------
ADVANCED = [
    lambda x: x[[0, 2]], lambda x: x[[2, 0, 2, -1]], lambda x: x[np.array([], dtype=int)],
    lambda x: x[[]], lambda x: x[:, [1, 1]], lambda x: x[[[0, 1], [2, 2]]],
    lambda x: x[[0, 1], [1, 2]], lambda x: x[1, [0, 3]], lambda x: x[[0, 1], 1:],
    lambda x: x[1:, [0, 3]], lambda x: x[None, [0, 1]], lambda x: x[:, None, [1, 3]],
    lambda x: x[[0, 0], None, [1, 2]], lambda x: x[np.array([[0], [1]]), np.array([[1, 2]])],
    lambda x: x[..., [0, 1]], lambda x: x[[-1], ::-1],
]


@pytest.mark.parametrize("dtype", ["float64", "int16", "bool"])
@pytest.mark.parametrize("k", range(len(ADVANCED)))
def test_advanced_indexing_matches_numpy(k, dtype):
    _check(ADVANCED[k], (3, 4), dtype)


@pytest.mark.parametrize("fn", [lambda x: x[[0, 1], :, [1, 2]], lambda x: x[1, :, [0, 1]],
                                lambda x: x[:, [0, 1], [1, 2]], lambda x: x[[0], [1], [2]],
                                lambda x: x[:, [[0, 1]], 1:], lambda x: x[..., [0, 0], None]])
def test_advanced_indexing_3d(fn):
    _check(fn, (2, 3, 4))


def test_boolean_masks():
    x = T.dmatrix()
    m = T.TensorType("bool", (False, False))()
    xv = rng.randn(3, 4)
    mv = xv > 0
    f = theano.function([x, m], [x[x > 0], x[m], x[m[:, 0]], x[:, mv[0]], x[mv[:, 0], 1:],
                                 x[np.array(True)]])
    res = f(xv, mv)
    ref = [xv[xv > 0], xv[mv], xv[mv[:, 0]], xv[:, mv[0]], xv[mv[:, 0], 1:], xv[np.array(True)]]
    for r, e in zip(res, ref):
        np.testing.assert_array_equal(r, e)
    out = x[x > 0]
    assert isinstance(out.owner.op, AdvancedSubtensor)
    assert utt.inferred_shape(out, [x], [xv]) == ref[0].shape
    wrong = theano.function([x, m], x[m])
    with pytest.raises(IndexError):
        wrong(xv, np.ones((2, 2), dtype=bool))


def test_advanced_ops_chosen():
    x = T.dmatrix()
    v = T.lvector()
    assert isinstance(x[v].owner.op, AdvancedSubtensor1)
    assert isinstance(x[[0, 1]].owner.op, AdvancedSubtensor1)
    assert isinstance(x[v, v].owner.op, AdvancedSubtensor)
    assert isinstance(x[1, v].owner.op, AdvancedSubtensor)
    assert x[T.lmatrix()].type.ndim == 3
    assert x[[[0, 1]]].type.broadcastable == (True, False, False)
    assert x[v, None].type.broadcastable == (False, True, False)


def test_symbolic_advanced_indices():
    x = T.dtensor3()
    v, w = T.lvector(), T.lmatrix()
    i = T.lscalar()
    xv = rng.rand(3, 4, 5)
    vv, wv = np.array([2, 0, -1]), np.array([[0, 1, 2]])
    exprs = [x[v], x[:, v], x[..., v], x[v, i], x[w, :, v], x[i:, v, ::-1], x[[i, 0]]]
    refs = [xv[vv], xv[:, vv], xv[..., vv], xv[vv, 1], xv[wv, :, vv], xv[1:, vv, ::-1],
            xv[[1, 0]]]
    f = theano.function([x, v, w, i], exprs, on_unused_input="ignore")
    for r, e in zip(f(xv, vv, wv, 1), refs):
        np.testing.assert_array_equal(r, e)
    for e, r in zip(exprs, refs):
        if isinstance(e.owner.op, (AdvancedSubtensor, AdvancedSubtensor1)):
            assert utt.inferred_shape(e, [x, v, w, i], [xv, vv, wv, 1]) == r.shape


def test_advanced_index_errors():
    x = T.dmatrix()
    v = T.lvector()
    f = theano.function([x, v], x[v])
    with pytest.raises(IndexError, match=r"index 3 .*axis 0 .*size 3.*\(3, 2\)"):
        f(np.zeros((3, 2)), [0, 3])
    with pytest.raises(IndexError, match="-4"):
        f(np.zeros((3, 2)), [-4])
    g = theano.function([x, v], x[v, v])
    with pytest.raises(IndexError, match=r"\(3, 2\)"):
        g(np.zeros((3, 2)), [0, 2])
    with pytest.raises(TypeError):
        x[T.dvector()]
    with pytest.raises(TypeError):
        AdvancedSubtensor1()(x, T.lmatrix())
    with pytest.raises(TypeError):
        AdvancedSubtensor1()(T.dscalar(), v)


# -- take -----------------------------------------------------------------------------
@pytest.mark.parametrize("axis", [None, 0, 1, -1, 2])
@pytest.mark.parametrize("ind", [[1, 0, 1], [[0, 1], [1, 1]], 1, [-1]])
def test_take(axis, ind):
    a = T.dtensor3()
    av = rng.rand(2, 3, 2)
    out = T.take(a, ind, axis=axis)
    expected = np.take(av, ind, axis=axis)
    got = theano.function([a], out)(av)
    np.testing.assert_array_equal(got, expected)
    assert out.type.ndim == expected.ndim


@pytest.mark.parametrize("mode", ["wrap", "clip"])
def test_take_modes(mode):
    a = T.dmatrix()
    i = T.lvector()
    av = rng.rand(3, 4)
    iv = np.array([-5, 0, 3, 7])
    f = theano.function([a, i], [T.take(a, i, axis=1, mode=mode), a.take(i, mode=mode)])
    r1, r2 = f(av, iv)
    np.testing.assert_array_equal(r1, np.take(av, iv, axis=1, mode=mode))
    np.testing.assert_array_equal(r2, np.take(av, iv, mode=mode))


def test_take_errors():
    a = T.dmatrix()
    with pytest.raises(ValueError, match="mode"):
        T.take(a, [0], mode="bogus")
    with pytest.raises(ValueError, match="axis"):
        T.take(a, [0], axis=2)
    with pytest.raises(TypeError):
        T.take(a, T.dvector())


# -- set_subtensor / inc_subtensor --------------------------------------------------------
def _np_apply(kind, xv, key, yv):
    out = xv.copy()
    if kind == "set":
        out[key] = yv
    else:
        np.add.at(out, key, yv)
    return out


INC_CASES = [
    (lambda x: x[1], (1,), 4), (lambda x: x[1:3], (slice(1, 3),), (2, 4)),
    (lambda x: x[:, ::-2], None, (3, 2)),
    (lambda x: x[-1, 2], (-1, 2), ()), (lambda x: x[[0, 0, 2]], ([0, 0, 2],), (3, 4)),
    (lambda x: x[[0, 0, 2]], ([0, 0, 2],), 4), (lambda x: x[:, [1, 1]], None, (3, 2)),
    (lambda x: x[[0, 0], [1, 1]], ([0, 0], [1, 1]), (2,)), (lambda x: x[1, [0, 3, 3]], None, 3),
    (lambda x: x[[[0, 0], [2, 1]]], (np.array([[0, 0], [2, 1]]),), (2, 2, 4)),
    (lambda x: x[[0, 2], 1:], ([0, 2], slice(1, None)), (2, 1)),
    (lambda x: x[None, 1], None, ()),
]


def _key_of(k, xv):
    keys = {2: (slice(None), slice(None, None, -2)), 6: (slice(None), [1, 1]),
            8: (1, [0, 3, 3]), 11: (1,)}
    return keys.get(k, INC_CASES[k][1])


@pytest.mark.parametrize("kind", ["set", "inc"])
@pytest.mark.parametrize("k", range(len(INC_CASES)))
def test_set_inc_match_numpy(k, kind):
    fn, _, yshape = INC_CASES[k]
    x = T.dmatrix("x")
    xv = rng.rand(3, 4)
    yv = np.asarray(rng.rand(*((yshape,) if isinstance(yshape, int) else yshape)))
    y = T.TensorType("float64", (False,) * yv.ndim)()
    op = T.set_subtensor if kind == "set" else T.inc_subtensor
    out = op(fn(x), y)
    got = theano.function([x, y], out)(xv, yv)
    if k == 11:  # x[None, 1] is indexing of a dimshuffled x: the result keeps the new axis
        expected = _np_apply(kind, xv, (1,), yv)[None]
    else:
        expected = _np_apply(kind, xv, _key_of(k, xv), yv)
    np.testing.assert_allclose(got, expected)
    assert out.type.ndim == expected.ndim
    if out.owner is not None and hasattr(out.owner.op, "infer_shape") and k != 11:
        assert utt.inferred_shape(out, [x, y], [xv, yv]) == expected.shape


def test_inc_duplicates_accumulate_set_last_wins():
    x = T.dvector()
    v = T.lvector()
    y = T.dvector()
    f = theano.function([x, v, y], [T.inc_subtensor(x[v], y), T.set_subtensor(x[v], y)])
    inc, st = f(np.zeros(3), [1, 1, 1, 0], [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(inc, [4.0, 6.0, 0.0])
    np.testing.assert_array_equal(st, [4.0, 3.0, 0.0])
    m = T.dmatrix()
    g = theano.function([m, v], T.inc_subtensor(m[v, v], 1.0))
    np.testing.assert_array_equal(g(np.zeros((2, 2)), [1, 1, 0]), [[1, 0], [0, 2]])


def test_set_inc_boolean_mask():
    x = T.dmatrix()
    xv = rng.randn(3, 4)
    f = theano.function([x], [T.set_subtensor(x[x < 0], 0.0), T.inc_subtensor(x[x > 0], 1.0)])
    a, b = f(xv)
    np.testing.assert_array_equal(a, np.where(xv < 0, 0, xv))
    np.testing.assert_array_equal(b, np.where(xv > 0, xv + 1, xv))


def test_set_inc_ops_and_props():
    x = T.dmatrix()
    y = T.dscalar()
    s = T.set_subtensor(x[1:], y)
    assert isinstance(s.owner.op, IncSubtensor) and s.owner.op.set_instead_of_inc
    assert str(s.owner.op) == "IncSubtensor{Set;1::}"
    i = T.inc_subtensor(x[1:], y, inplace=True)
    assert i.owner.op.inplace and i.owner.op.destroy_map == {0: [0]}
    assert not s.owner.op.destroy_map
    t = T.inc_subtensor(x[1:], y, tolerate_inplace_aliasing=True)
    assert t.owner.op.destroyhandler_tolerate_aliased == ((0, 1),)
    assert isinstance(T.inc_subtensor(x[T.lvector()], y).owner.op, AdvancedIncSubtensor1)
    v = T.lvector()
    assert isinstance(T.inc_subtensor(x[v, v], y).owner.op, AdvancedIncSubtensor)
    assert T.set_subtensor(x[v], y).owner.op == AdvancedIncSubtensor1(set_instead_of_inc=True)


def test_inplace_increment_results():
    x = T.dmatrix()
    out = T.inc_subtensor(x[0], 1.0, inplace=True) * 1
    with pytest.raises(TypeError, match="accept_inplace"):
        theano.function([x], out)  # Theano 1.0: user graphs must not be in place
    f = theano.function([x], out, accept_inplace=True)
    xv = np.zeros((2, 2))
    np.testing.assert_array_equal(f(xv), [[1, 1], [0, 0]])


def test_set_inc_dtypes():
    x = T.imatrix()
    xv = np.arange(6, dtype="int32").reshape(2, 3)
    f = theano.function([x], [T.inc_subtensor(x[0], 2), T.set_subtensor(x[:, [0]], 7)])
    a, b = f(xv)
    assert a.dtype == b.dtype == np.int32
    np.testing.assert_array_equal(a, xv + [[2], [0]])
    with pytest.raises(TypeError, match="cast"):
        T.inc_subtensor(x[0], T.dvector())
    fx = T.fmatrix()
    out = T.inc_subtensor(fx[0], T.dvector())  # same kind: accepted as numpy does
    assert out.type.dtype == "float32"


def test_set_inc_errors():
    x = T.dmatrix()
    with pytest.raises(TypeError, match="indexing"):
        T.set_subtensor(x, 1.0)
    with pytest.raises(TypeError, match="indexing"):
        T.set_subtensor(x + 1, 1.0)
    with pytest.raises((TypeError, ValueError), match="dimensional"):
        T.inc_subtensor(x[0], T.dmatrix())
    y = T.dvector()
    f = theano.function([x, y], T.set_subtensor(x[0], y))
    with pytest.raises(ValueError, match=r"broadcast.*\(5,\).*\(3,\)"):
        f(np.zeros((2, 3)), np.zeros(5))
    v = T.lvector()
    g = theano.function([x, y, v], T.inc_subtensor(x[v], y))
    with pytest.raises(IndexError, match="out of bounds"):
        g(np.zeros((2, 3)), np.zeros(3), [5])
    with pytest.raises(ValueError, match="broadcast"):
        g(np.zeros((2, 3)), np.zeros(2), [0])


def test_inc_broadcastable_subtensor_checks_y():
    r = T.row()
    y = T.TensorType(r.dtype, (False, False))()
    out = T.set_subtensor(r[:, 1:], y)
    f = theano.function([r, y], out)
    rv = np.zeros((1, 3), dtype=r.dtype)
    np.testing.assert_array_equal(f(rv, np.ones((1, 2), dtype=r.dtype)), [[0, 1, 1]])
    with pytest.raises(ValueError):
        f(rv, np.ones((2, 2), dtype=r.dtype))


def test_inc_through_dimshuffle_and_reshape():
    x = T.dtensor3()
    xv = rng.rand(2, 3, 4)
    y = T.dmatrix()
    yv = rng.rand(2, 2)
    out = T.inc_subtensor(x[:, [0, 0], 1], y)
    got = theano.function([x, y], out)(xv, yv)
    expected = xv.copy()
    np.add.at(expected, (slice(None), [0, 0], 1), yv)
    np.testing.assert_allclose(got, expected)
    m = T.dmatrix()
    mv = rng.rand(4, 3)
    z = T.dtensor3()
    zv = rng.rand(2, 2, 3)
    out2 = T.set_subtensor(m[[[0, 1], [3, 3]]], z)
    got2 = theano.function([m, z], out2)(mv, zv)
    expected2 = mv.copy()
    expected2[np.array([[0, 1], [3, 3]])] = zv
    np.testing.assert_allclose(got2, expected2)
    out3 = T.inc_subtensor(x.take([2, 0], axis=2), 1.0)
    expected3 = xv.copy()
    expected3[:, :, [2, 0]] += 1
    np.testing.assert_allclose(theano.function([x], out3)(xv), expected3)


# -- advanced ops used directly ---------------------------------------------------------
def test_advanced_functions():
    from theano.tensor.subtensor import (advanced_inc_subtensor, advanced_set_subtensor,
                                         advanced_subtensor, advanced_subtensor1,
                                         advanced_inc_subtensor1, advanced_set_subtensor1)
    x = T.dmatrix()
    v = T.lvector()
    y = T.dscalar()
    xv = rng.rand(3, 3)
    f = theano.function([x, v, y], [advanced_subtensor(x, v, v), advanced_subtensor1(x, v),
                                    advanced_inc_subtensor(x, y, v, v),
                                    advanced_set_subtensor(x, y, slice(None), v),
                                    advanced_inc_subtensor1(x, y, v),
                                    advanced_set_subtensor1(x, y, v)])
    vv = np.array([0, 2, 2])
    r = f(xv, vv, 5.0)
    np.testing.assert_array_equal(r[0], xv[vv, vv])
    np.testing.assert_array_equal(r[1], xv[vv])
    e = xv.copy()
    np.add.at(e, (vv, vv), 5.0)
    np.testing.assert_array_equal(r[2], e)
    e = xv.copy()
    e[:, vv] = 5.0
    np.testing.assert_array_equal(r[3], e)
    e = xv.copy()
    np.add.at(e, vv, 5.0)
    np.testing.assert_array_equal(r[4], e)
    e = xv.copy()
    e[vv] = 5.0
    np.testing.assert_array_equal(r[5], e)


# -- get_scalar_constant_value, canonical slices ------------------------------------------
def test_constant_value_through_subtensor():
    c = T.constant(np.array([3, 4, 5]))
    assert T.get_scalar_constant_value(c[1]) == 4
    assert T.get_scalar_constant_value(c[-1]) == 5
    x = T.TensorType("float64", (False, True))()
    assert T.get_scalar_constant_value(x.shape[1]) == 1
    assert T.get_scalar_constant_value(x.shape[-1]) == 1
    with pytest.raises(T.NotScalarConstantError):
        T.get_scalar_constant_value(x.shape[0])
    with pytest.raises(T.NotScalarConstantError):
        T.get_scalar_constant_value(T.dvector()[0])


@pytest.mark.parametrize("step", [None, 1, 2, -1, -3])
def test_canonical_form_slice_constant_step(step):
    x = T.dvector()
    a, b = T.lscalars("a", "b")
    sl, rev = get_canonical_form_slice(slice(a, b, step), x.shape[0])
    outs = [T.as_tensor_variable(v) for v in (sl.start, sl.stop, sl.step, rev)]
    f = theano.function([x, a, b], outs, on_unused_input="ignore")
    for n in (0, 1, 5):
        xv = np.arange(float(n))
        for av, bv in itertools.product(range(-7, 8, 2), range(-6, 7, 3)):
            start, stop, stp, r = (int(v) for v in f(xv, av, bv))
            assert 0 <= start <= stop <= n and stp > 0
            np.testing.assert_array_equal(xv[start:stop:stp][::r], xv[av:bv:step])


def test_canonical_form_index():
    x = T.dvector()
    i = T.lscalar()
    idx, rev = get_canonical_form_slice(i, x.shape[0])
    assert rev == 1
    assert int(theano.function([x, i], idx)(np.zeros(5), -2)) == 3


# -- gradients ---------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda x: x[1], lambda x: x[1:, ::-2], lambda x: x[-1, 2], lambda x: x[None, :, 1],
    lambda x: x[[0, 0, 2]], lambda x: x[:, [1, 1, 3]], lambda x: x[x > 0.5],
    lambda x: x[[0, 0], [1, 1]], lambda x: x[None, :, [1, 2]], lambda x: x[[[0, 1], [2, 2]]],
    lambda x: x.take([1, 1], axis=1), lambda x: x[[2, 0], 1:]])
def test_subtensor_grads(fn):
    utt.verify_grad(fn, [rng.rand(3, 4)])


@pytest.mark.parametrize("fn", [
    lambda x, y: T.set_subtensor(x[1], y), lambda x, y: T.inc_subtensor(x[1:3], y),
    lambda x, y: T.inc_subtensor(x[[0, 0, 2]], y), lambda x, y: T.set_subtensor(x[[0, 2]], y),
    lambda x, y: T.inc_subtensor(x[[0, 0], [1, 1]], y[:2]),
    lambda x, y: T.set_subtensor(x[[0, 1], [1, 2]], y[:2]),
    lambda x, y: T.inc_subtensor(x[:, [0, 0, 1]], y[:3]),
    lambda x, y: T.set_subtensor(x[1:, 2:], y[:2]), lambda x, y: T.inc_subtensor(x[x > 0.5], y[0]),
    lambda x, y: T.inc_subtensor(x[:, 1], y[1:]), lambda x, y: T.set_subtensor(x[0, 0], y[0])])
def test_inc_subtensor_grads(fn):
    utt.verify_grad(fn, [rng.rand(3, 4), rng.rand(4)])


def test_index_inputs_are_disconnected():
    x = T.dvector()
    i = T.lscalar()
    cost = x[i:].sum()
    with pytest.raises(gradient.DisconnectedInputError):
        gradient.grad(cost, i)
    gx = gradient.grad(cost, x)
    np.testing.assert_array_equal(theano.function([x, i], gx)(np.ones(4), 1), [0, 1, 1, 1])


def test_grad_of_broadcast_value():
    x = T.dmatrix()
    y = T.dscalar()
    out = T.inc_subtensor(x[:, [0, 0]], y)
    gy = gradient.grad(out.sum(), y)
    assert gy.type == y.type
    assert float(theano.function([x, y], gy)(np.zeros((3, 2)), 1.0)) == 6.0
