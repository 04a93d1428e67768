"""Tests of theano.tensor.sort: sort, argsort, top-k, searchsorted, unique and gather/scatter."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.sort import (ArgSortOp, ScatterAlongAxis, SortOp, TakeAlongAxis, TopKOp,
                                Unique, argsort, argtopk, searchsorted, sort, topk,
                                topk_and_argtopk, unique)
from theano.tests import unittest_tools as utt

rng = np.random.RandomState(2024)


# -- sort / argsort --------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "uint16", "int64", "bool"])
@pytest.mark.parametrize("axis", [-1, 0, 1, None])
def test_sort_argsort_vs_numpy(dtype, axis):
    x = T.tensor(dtype, (False, False))
    val = (rng.rand(4, 5) * 100).astype(dtype)
    s, a = sort(x, axis), argsort(x, axis, kind="stable")
    assert s.type.dtype == dtype and a.type.dtype == "int64"
    utt.check([s, a], [x], [val], [np.sort(val, axis), np.argsort(val, axis, kind="stable")])


def test_sort_kinds_symbolic_axis_and_empty():
    x = T.dtensor3()
    val = rng.rand(2, 3, 4)
    ax = T.lscalar()
    for kind in ("quicksort", "mergesort", "heapsort", "stable"):
        for axis in (0, 1, 2, -2):
            utt.check(sort(x, ax, kind), [x, ax], [val, axis], np.sort(val, axis))
    e = T.dmatrix()
    utt.check([sort(e), argsort(e, 0)], [e], [np.zeros((0, 3))], [np.zeros((0, 3)),
                                                                 np.zeros((0, 3), "int64")])
    v = T.fvector()
    utt.check(sort(v, None), [v], [np.asarray([3, 1, 2], "float32")],
                  np.asarray([1, 2, 3], "float32"))


def test_sort_methods_and_nan():
    x = T.dmatrix()
    val = np.asarray([[3.0, np.nan, 1.0], [2.0, -1.0, 0.5]])
    got = theano.function([x], [x.sort(), x.argsort(axis=0), x.sort(axis=None)])(val)
    np.testing.assert_array_equal(got[0], np.sort(val))
    np.testing.assert_array_equal(got[1], np.argsort(val, axis=0))
    np.testing.assert_array_equal(got[2], np.sort(val, axis=None))


def test_sort_errors():
    with pytest.raises(ValueError, match="0-d"):
        sort(T.dscalar())
    with pytest.raises(ValueError, match="unknown sort kind"):
        sort(T.dvector(), kind="bogo")
    with pytest.raises(ValueError, match="structured"):
        argsort(T.dvector(), order=["a"])
    with pytest.raises(ValueError, match="out of range"):
        sort(T.dmatrix(), 2)
    with pytest.raises(TypeError, match="must be an integer"):
        sort(T.dmatrix(), T.dscalar())
    assert SortOp("mergesort") == SortOp("mergesort") and SortOp() != ArgSortOp()
    assert str(SortOp()) == "SortOp{quicksort, None}"


def test_sort_grad():
    utt.verify_grad(lambda x: sort(x), [rng.rand(3, 5)])
    utt.verify_grad(lambda x: sort(x, 0), [rng.rand(4, 3)])
    utt.verify_grad(lambda x: sort(x, None), [rng.rand(2, 3, 2)])
    utt.verify_grad(lambda x: sort(x, -2), [rng.rand(2, 3, 4)])
    x = T.dvector()
    g = theano.grad(sort(x)[0], x)
    np.testing.assert_allclose(g.eval({x: np.asarray([3.0, 1.0, 2.0])}), [0, 1, 0])
    ax = T.lscalar()
    m = T.dmatrix()
    gm = theano.grad((sort(m, ax) * np.arange(3)).sum(), m)
    np.testing.assert_allclose(gm.eval({m: np.asarray([[2.0, 0.0, 1.0]] * 2), ax: 1}),
                               [[2.0, 0.0, 1.0]] * 2)


def test_argsort_grad_is_zero():
    x = T.dvector()
    g = theano.grad(T.cast(argsort(x), "float64").sum() + x.sum(), x)
    np.testing.assert_allclose(g.eval({x: rng.rand(4)}), np.ones(4))


# -- take / scatter along an axis --------------------------------------------------------------
def test_take_and_scatter_along_axis():
    a, i, ax = T.dmatrix(), T.lmatrix(), T.lscalar()
    av = rng.rand(3, 4)
    iv = rng.randint(0, 3, (5, 4))
    utt.check(TakeAlongAxis()(a, i, ax), [a, i, ax], [av, iv, 0], np.take_along_axis(av, iv, 0))
    vals = rng.rand(5, 4)
    exp = np.zeros((3, 4))
    for r in range(5):
        for c in range(4):
            exp[iv[r, c], c] += vals[r, c]
    v = T.dmatrix()
    utt.check(ScatterAlongAxis()(a, v, i, 0), [a, v, i], [av, vals, iv], exp)
    utt.verify_grad(lambda a_: TakeAlongAxis()(a_, iv, 0), [av])
    utt.verify_grad(lambda v_: ScatterAlongAxis()(av, v_, iv, 0), [vals])
    f = theano.function([a, i], TakeAlongAxis()(a, i, 1))
    with pytest.raises(IndexError, match="axis 1 has size 4"):
        f(av, np.full((3, 2), 7))
    with pytest.raises(ValueError, match="do not match"):
        f(av, np.zeros((2, 2), "int64"))


# -- top-k ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kth", [1, 2, 4, -1, -3])
@pytest.mark.parametrize("axis", [-1, 0])
def test_topk_sorted(kth, axis):
    x = T.dmatrix()
    val = rng.permutation(20).reshape(4, 5).astype("float64")
    s = np.sort(val, axis)
    key = [slice(None)] * 2
    if kth > 0:
        key[axis] = slice(None, -kth - 1, -1)
    else:
        key[axis] = slice(None, -kth)
    exp = s[tuple(key)]
    vals, idx = topk_and_argtopk(x, kth, axis)
    assert idx.type.dtype == "int64"
    got = utt.check([topk(x, kth, axis), vals, idx], [x], [val],
                    [exp, exp, np.argsort(val, axis)[tuple(key)] if kth < 0
                     else np.flip(np.argsort(val, axis), axis)[tuple(
                         slice(None, kth) if d == axis % 2 else slice(None) for d in range(2))]])
    np.testing.assert_array_equal(np.take_along_axis(val, got[2], axis), exp)


def test_topk_unsorted_symbolic_k_and_axis_none():
    x = T.fvector()
    k = T.iscalar()
    val = rng.rand(10).astype("float32")
    out = theano.function([x, k], topk(x, k, sorted=False))(val, 3)
    np.testing.assert_array_equal(np.sort(out), np.sort(val)[-3:])
    m = T.dmatrix()
    mv = rng.rand(3, 4)
    utt.check(topk(m, -2, axis=None), [m], [mv], np.sort(mv, None)[:2])
    idx = argtopk(m, 2, axis=None, idx_dtype="int32")
    assert idx.type.dtype == "int32"
    utt.check(idx, [m], [mv], np.argsort(mv, None)[::-1][:2].astype("int32"))


def test_topk_errors():
    x = T.dvector()
    with pytest.raises(ValueError, match="at least one dimension"):
        topk(T.dscalar(), 1)
    with pytest.raises(IndexError, match="out of range"):
        topk(x, 1, axis=1)
    with pytest.raises(TypeError, match="idx_dtype"):
        argtopk(x, 1, idx_dtype="float32")
    with pytest.raises(ValueError, match="at least one of"):
        TopKOp(return_values=False, return_indices=False)
    k = T.lscalar()
    f = theano.function([x, k], topk(x, k))
    with pytest.raises(ValueError, match="must not be 0"):
        f(np.ones(3), 0)
    with pytest.raises(ValueError, match="larger than the size 3"):
        f(np.ones(3), 4)


def test_topk_grad():
    utt.verify_grad(lambda x: topk(x, 2), [rng.rand(3, 5)])
    utt.verify_grad(lambda x: topk(x, -2, axis=0), [rng.rand(4, 3)])
    utt.verify_grad(lambda x: TopKOp(-1, True, "int64", True, False)(x, 2), [rng.rand(2, 5)])
    x = T.dvector()
    g = theano.grad(topk(x, 1).sum(), x)
    np.testing.assert_allclose(g.eval({x: np.asarray([1.0, 5.0, 2.0])}), [0, 1, 0])


# -- searchsorted / unique -----------------------------------------------------------------------
@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted(side):
    x, v = T.dvector(), T.dmatrix()
    xv = np.asarray([1.0, 2.0, 2.0, 5.0])
    vv = np.asarray([[0.0, 2.0], [5.0, 7.0]])
    utt.check(searchsorted(x, v, side), [x, v], [xv, vv], np.searchsorted(xv, vv, side))
    s = T.lvector()
    perm = np.asarray([2, 0, 3, 1])
    utt.check(searchsorted(x, v, side, sorter=s), [x, v, s], [xv[perm], vv, np.argsort(xv[perm])],
              np.searchsorted(xv[perm], vv, side, np.argsort(xv[perm])))
    with pytest.raises(ValueError, match="side"):
        searchsorted(x, v, "middle")
    with pytest.raises(TypeError, match="vector"):
        searchsorted(T.dmatrix(), v)
    g = theano.grad(T.cast(searchsorted(x, v), "float64").sum() + x.sum(), x)
    np.testing.assert_allclose(g.eval({x: xv, v: vv}), np.ones(4))


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_unique(axis):
    x = T.imatrix()
    val = np.asarray([[1, 2, 1], [1, 2, 1], [0, 5, 0]], dtype="int32")
    outs = unique(x, True, True, True, axis=axis)
    assert len(outs) == 4 and outs[0].type.dtype == "int32"
    got = theano.function([x], outs)(val)
    exp = np.unique(val, True, True, True, axis=axis)
    for g, e in zip(got, exp):
        np.testing.assert_array_equal(g, e.reshape(-1) if g.ndim == 1 else e)
    assert got[2].ndim == 1
    only = unique(x)
    np.testing.assert_array_equal(theano.function([x], only)(val), np.unique(val))
    assert Unique(True) == Unique(True) and Unique(True) != Unique(False)
    with pytest.raises(ValueError, match="out of range"):
        unique(x, axis=2)


def test_inverse_permutation():
    from theano.tensor.sort import inverse_permutation
    p = T.imatrix()
    val = np.asarray([rng.permutation(5) for _ in range(3)], dtype="int32")
    exp = np.argsort(val, axis=-1).astype("int32")
    got = utt.check(inverse_permutation(p), [p], [val], exp)
    np.testing.assert_array_equal(np.take_along_axis(val, got, -1), np.tile(np.arange(5), (3, 1)))
    with pytest.raises(TypeError, match="integers"):
        inverse_permutation(T.dvector())
