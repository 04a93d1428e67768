import sys
"""Tests of theano.tensor.extra_ops: cumsum/cumprod, diff, repeat, tile, bincount, nonzero..."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.extra_ops import (Bartlett, CumOp, CumprodGrad, DiffOp, RepeatOp, Tile,
                                     bartlett, bincount, compress, cpu_contiguous, cumprod,
                                     cumsum, diff, flatnonzero, nonzero, nonzero_values,
                                     ravel_multi_index, repeat, tile, to_one_hot, unravel_index)
from theano.tests import unittest_tools as utt

rng = np.random.RandomState(99)


# -- cumsum / cumprod -----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "int64", "uint16", "complex128"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_cumsum_cumprod(dtype, axis):
    x = T.tensor(dtype, (False, False))
    val = (rng.rand(3, 4) * 3).astype(dtype)
    outs = [cumsum(x, axis), cumprod(x, axis), x.cumsum(axis), x.cumprod(axis)]
    assert all(o.type.dtype == dtype for o in outs)
    exp_s = np.cumsum(val, axis, dtype=dtype)
    exp_p = np.cumprod(val, axis, dtype=dtype)
    utt.check(outs, [x], [val], [exp_s, exp_p, exp_s, exp_p])


def test_cum_edge_cases():
    b = T.tensor("bool", (False,))
    out = cumsum(b)
    assert out.type.dtype == "int64"
    utt.check(out, [b], [np.asarray([True, False, True])], [1, 1, 2])
    s = T.dscalar()
    utt.check([cumsum(s), cumprod(s)], [s], [3.0], [[3.0], [3.0]])
    gs, gp = theano.grad(cumsum(s).sum() * 3, s), theano.grad(cumprod(s).sum(), s)
    utt.check([gs, gp], [s], [2.0], [3.0, 1.0])
    utt.check(theano.grad(repeat(s, 4).sum(), s), [s], [2.0], 4.0)
    utt.check(cpu_contiguous(s), [s], [2.0], 2.0)
    e = T.dmatrix()
    utt.check([cumsum(e), cumsum(e, 0)], [e], [np.zeros((0, 3))], [np.zeros(0), np.zeros((0, 3))])
    r = T.drow()
    assert cumsum(r, 0).type.broadcastable == (True, False)
    assert cumsum(r).type.broadcastable == (False,)
    with pytest.raises(ValueError, match="out of range"):
        cumsum(e, 2)
    with pytest.raises(ValueError, match="mode"):
        CumOp(0, "max")
    assert CumOp(1, "add") == CumOp(1, "add") and CumOp(1, "add") != CumOp(1, "mul")


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_cumsum_cumprod_grad(axis):
    utt.verify_grad(lambda x: cumsum(x, axis), [rng.rand(3, 4)])
    utt.verify_grad(lambda x: cumprod(x, axis), [rng.rand(3, 4) + 0.5])


def test_cumprod_grad_with_zeros():
    x = T.dvector()
    g = theano.grad(cumprod(x).sum(), x)
    # sum = x0 + x0 x1 + x0 x1 x2: gradient [1 + x1 + x1 x2, x0 + x0 x2, x0 x1].
    np.testing.assert_allclose(g.eval({x: np.asarray([2.0, 0.0, 3.0])}), [1.0, 8.0, 0.0])
    np.testing.assert_allclose(g.eval({x: np.asarray([0.0, 0.0, 3.0])}), [1.0, 0.0, 0.0])
    utt.verify_grad(lambda v: cumprod(v, 1),
                    [np.asarray([[1.5, 0.0, 2.0, 0.0], [0.0, 2.0, 3.0, 1.0]])])
    utt.verify_grad(lambda v: cumprod(v), [np.asarray([[1.5, 0.0], [2.0, 4.0]])])
    m = T.dmatrix()
    utt.check(CumprodGrad(0)(m, m), [m], [np.ones((3, 2))], [[3.0, 3.0], [2.0, 2.0], [1.0, 1.0]])


# -- diff ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 2, 5])
@pytest.mark.parametrize("axis", [0, -1])
def test_diff(n, axis):
    x = T.imatrix()
    val = rng.randint(-9, 9, (4, 3)).astype("int32")
    utt.check([diff(x, n, axis)], [x], [val], [np.diff(val, n, axis)])
    b = T.tensor("bool", (False,))
    bv = np.asarray([True, False, False, True])
    utt.check(diff(b, n, 0), [b], [bv], np.diff(bv, n))


def test_diff_errors_and_grad():
    with pytest.raises(ValueError, match="at least one dimension"):
        diff(T.dscalar())
    with pytest.raises(ValueError, match="non-negative"):
        DiffOp(-1)
    with pytest.raises(ValueError, match="out of range"):
        diff(T.dvector(), 1, 1)
    utt.verify_grad(lambda x: diff(x), [rng.rand(5)])
    utt.verify_grad(lambda x: diff(x, 2, 0), [rng.rand(5, 3)])
    utt.verify_grad(lambda x: diff(x, 3, -1), [rng.rand(2, 6)])
    x = T.dmatrix()
    g = theano.grad(diff(x, 4, 0).sum() + x.sum(), x)
    np.testing.assert_allclose(g.eval({x: np.ones((3, 2))}), np.ones((3, 2)))


# -- repeat ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("reps", [0, 1, 3, "vector"])
def test_repeat(axis, reps):
    x = T.fmatrix()
    val = rng.rand(3, 4).astype("float32")
    if reps == "vector":
        n = val.size if axis is None else val.shape[axis]
        reps = rng.randint(0, 3, n).astype("int32")
        r = T.ivector()
    else:
        r = T.lscalar()
    outs = [repeat(x, r, axis), x.repeat(r, axis)]
    assert outs[0].type.dtype == "float32"
    utt.check(outs, [x, r], [val, reps], [np.repeat(val, reps, axis)] * 2)
    utt.check(repeat(x, reps, axis), [x], [val], np.repeat(val, reps, axis))


def test_repeat_broadcastable_scalar_and_errors():
    r = T.drow()
    assert repeat(r, 1, 0).type.broadcastable == (True, False)
    assert repeat(r, 2, 0).type.broadcastable == (False, False)
    s = T.lscalar()
    utt.check(repeat(s, 3), [s], [7], np.repeat(7, 3))
    x = T.dvector()
    with pytest.raises(TypeError, match="must be integers"):
        repeat(x, 2.0)
    with pytest.raises(TypeError, match="uint64"):
        repeat(x, T.scalar(dtype="uint64"))
    with pytest.raises(ValueError, match="should not exceed 1"):
        repeat(x, T.lmatrix())
    with pytest.raises(ValueError, match="out of range"):
        repeat(x, 2, 1)
    rv = T.lvector()
    f = theano.function([x, rv], repeat(x, rv, 0))
    with pytest.raises(ValueError, match="2 repeat counts given for 3 elements"):
        f(np.ones(3), np.asarray([1, 2]))
    with pytest.raises(ValueError, match="negative"):
        f(np.ones(2), np.asarray([1, -2]))
    assert RepeatOp(0) == RepeatOp(0) and RepeatOp(0) != RepeatOp(None)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_repeat_grad(axis):
    utt.verify_grad(lambda x: repeat(x, 3, axis), [rng.rand(2, 3)])
    n = 6 if axis is None else (2, 3)[axis]
    reps = np.asarray([0, 2, 1, 3, 0, 1][:n])
    utt.verify_grad(lambda x: repeat(x, reps, axis), [rng.rand(2, 3)])
    x = T.dvector()
    g = theano.grad((repeat(x, [2, 0, 1]) * [1.0, 2.0, 3.0]).sum(), x)
    np.testing.assert_allclose(g.eval({x: np.ones(3)}), [3.0, 0.0, 3.0])


# -- tile ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("reps", [2, (2,), (1, 3), (2, 1, 2), (0, 2), ()])
def test_tile_constant_reps(reps):
    x = T.imatrix()
    val = np.arange(6, dtype="int32").reshape(2, 3)
    utt.check(tile(x, reps), [x], [val], np.tile(val, reps))


def test_tile_symbolic_reps():
    x = T.dvector()
    val = rng.rand(3)
    r = T.lscalar()
    utt.check(tile(x, r), [x, r], [val, 2], np.tile(val, 2))
    utt.check(tile(x, [r, 2]), [x, r], [val, 3], np.tile(val, (3, 2)))
    rv = T.lvector()
    out = tile(x, rv, ndim=3)
    assert out.type.ndim == 3
    utt.check(out, [x, rv], [val, np.asarray([2, 2])], np.tile(val, (1, 2, 2)))
    utt.check(out, [x, rv], [val, np.asarray([2, 1, 2])], np.tile(val, (2, 1, 2)))
    utt.check(tile(x, T.as_tensor_variable([2, 2])), [x], [val], np.tile(val, (2, 2)))
    m = T.dmatrix()
    utt.check(tile(m, 2, ndim=3), [m], [np.ones((2, 2))], np.tile(np.ones((2, 2)), (1, 1, 2)))


def test_tile_broadcastable_and_errors():
    r = T.drow()
    assert tile(r, (1, 3)).type.broadcastable == (True, False)
    assert tile(r, (2, 3)).type.broadcastable == (False, False)
    assert tile(r, (1, 1, 3)).type.broadcastable == (True, True, False)
    x = T.dmatrix()
    with pytest.raises(ValueError, match="smaller than x.ndim"):
        tile(x, 2, ndim=1)
    with pytest.raises(ValueError, match="larger than ndim"):
        tile(x, (1, 2, 3), ndim=2)
    with pytest.raises(ValueError, match="integer"):
        tile(x, (1.5, 2))
    with pytest.raises(ValueError, match="integer dtype"):
        tile(x, T.dvector())
    with pytest.raises(ValueError, match="ndim must be given"):
        tile(x, T.lvector())
    with pytest.raises(ValueError, match="scalar or a vector"):
        tile(x, T.lmatrix())
    assert Tile(2) == Tile(2) and Tile(2) != Tile(3)


def test_tile_grad():
    utt.verify_grad(lambda x: tile(x, (2, 3)), [rng.rand(2, 3)])
    utt.verify_grad(lambda x: tile(x, (2, 1, 2)), [rng.rand(3, 2)])
    utt.verify_grad(lambda x: tile(x, 3), [rng.rand(4)])


# -- bincount / nonzero / compress / one-hot --------------------------------------------------------
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int64"])
def test_bincount(dtype):
    x = T.tensor(dtype, (False,))
    w = T.fvector()
    m = T.lscalar()
    xv = np.asarray([0, 3, 3, 1, 7], dtype=dtype)
    wv = rng.rand(5).astype("float32")
    outs = [bincount(x), bincount(x, w), bincount(x, minlength=10), bincount(x, w, m)]
    assert outs[0].type.dtype == "int64" and outs[1].type.dtype == "float32"
    got = theano.function([x, w, m], outs)(xv, wv, 3)
    exp = [np.bincount(xv), np.bincount(xv, wv), np.bincount(xv, minlength=10),
           np.bincount(xv, wv, 3)]
    for g, e in zip(got, exp):
        np.testing.assert_allclose(g, e, rtol=1e-6)
    utt.check(bincount(x), [x], [np.zeros(0, dtype)], np.zeros(0, "int64"))


def test_bincount_errors_and_grad():
    x = T.lvector()
    with pytest.raises(TypeError, match="vector of integers"):
        bincount(T.dvector())
    with pytest.raises(TypeError, match="vector of integers"):
        bincount(T.lmatrix())
    with pytest.raises(ValueError, match="non-negative"):
        theano.function([x], bincount(x, assert_nonneg=True))(np.asarray([1, -1]))
    xv = np.asarray([0, 2, 2, 4])
    utt.verify_grad(lambda w: bincount(xv, w), [rng.rand(4)])
    w = T.dvector()
    g = theano.grad((bincount(x, w) * np.arange(5.0)).sum(), w)
    np.testing.assert_allclose(g.eval({x: xv, w: np.ones(4)}), [0, 2, 2, 4])


def test_nonzero_family():
    x = T.imatrix()
    val = np.asarray([[0, 3, 0], [4, 0, 5]], dtype="int32")
    rows, cols = nonzero(x)
    mat = nonzero(x, return_matrix=True)
    m_rows, m_cols = x.nonzero()
    utt.check([rows, cols, mat, flatnonzero(x), nonzero_values(x), x.nonzero_values(), m_rows],
              [x], [val],
              [np.nonzero(val)[0], np.nonzero(val)[1], np.array(np.nonzero(val)),
               np.flatnonzero(val), val[val != 0], val[val != 0], np.nonzero(val)[0]])
    e = T.dvector()
    utt.check([nonzero(e, True), flatnonzero(e), nonzero_values(e)], [e], [np.zeros(3)],
              [np.zeros((1, 0), "int64"), np.zeros(0, "int64"), np.zeros(0)])
    with pytest.raises(ValueError, match="at least one dimension"):
        nonzero(T.dscalar())
    with pytest.raises(ValueError, match="at least one dimension"):
        flatnonzero(T.dscalar())
    # Finite differences cannot be used at the zeros (the output length jumps there).
    d = T.dmatrix()
    g = theano.grad((nonzero_values(d) * np.asarray([2.0, 3.0])).sum(), d)
    np.testing.assert_allclose(g.eval({d: np.asarray([[0.0, 1.5], [2.5, 0.0]])}),
                               [[0.0, 2.0], [3.0, 0.0]])
    utt.verify_grad(nonzero_values, [np.asarray([[0.5, 1.5], [2.5, -1.0]])])


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_compress(axis):
    cond = T.bvector()
    x = T.dmatrix()
    cv = np.asarray([1, 0, 1], dtype="int8")
    xv = rng.rand(3, 4)
    utt.check(compress(cond, x, axis), [cond, x], [cv, xv], np.compress(cv, xv, axis))


def test_to_one_hot():
    y = T.lvector()
    n = T.lscalar()
    out = to_one_hot(y, 4)
    assert out.type.dtype == theano.config.floatX
    yv = np.asarray([0, 3, 1])
    utt.check(out, [y], [yv], np.eye(4)[yv])
    out = to_one_hot(y, n, dtype="int32")
    utt.check(out, [y, n], [yv, 5], np.eye(5, dtype="int32")[yv])
    with pytest.raises(TypeError, match="vector of integers"):
        to_one_hot(T.dvector(), 3)


# -- index conversions / misc --------------------------------------------------------------------
@pytest.mark.parametrize("order", ["C", "F"])
def test_unravel_and_ravel_index(order):
    idx = T.lmatrix()
    val = np.asarray([[0, 5], [7, 23]])
    dims = (2, 3, 4)
    outs = unravel_index(idx, dims, order)
    assert len(outs) == 3 and all(o.type.dtype == "int64" for o in outs)
    coords = np.unravel_index(val, dims, order=order)
    utt.check(list(outs), [idx], [val], list(coords))
    one = unravel_index(T.lvector(), (5,))
    assert isinstance(one, tuple) and len(one) == 1
    multi = [T.lvector() for _ in range(3)]
    cv = [c.reshape(-1) for c in coords]
    utt.check(ravel_multi_index(multi, dims, order=order), multi, cv,
              np.ravel_multi_index(tuple(cv), dims, order=order))
    for mode in ("wrap", "clip"):
        big = [np.asarray([2, -1]), np.asarray([5, 1]), np.asarray([0, 9])]
        utt.check(ravel_multi_index(multi, dims, mode), multi, big,
                  np.ravel_multi_index(tuple(big), dims, mode=mode))


def test_index_conversion_errors():
    with pytest.raises(TypeError, match="signed integers"):
        unravel_index(T.dvector(), (2, 3))
    with pytest.raises(TypeError, match="tuple or a list"):
        ravel_multi_index(T.lvector(), (2, 3))
    with pytest.raises(ValueError, match="mode"):
        ravel_multi_index([T.lvector()], (2,), mode="bounce")
    with pytest.raises(ValueError, match="not known"):
        unravel_index(T.lvector(), T.lvector())
    i = T.lvector()
    with pytest.raises(ValueError):
        theano.function([i], unravel_index(i, (2, 3)))(np.asarray([6]))


def test_bartlett_and_cpu_contiguous():
    m = T.lscalar()
    for n in (0, 1, 5, -2):
        utt.check(bartlett(m), [m], [n], np.bartlett(n))
    with pytest.raises(TypeError, match="integer"):
        bartlett(T.dscalar())
    assert Bartlett() == Bartlett()
    x = T.dmatrix()
    out = theano.function([x], cpu_contiguous(x.T))(np.ones((2, 3)))
    assert out.flags["C_CONTIGUOUS"] and out.shape == (3, 2)
    utt.verify_grad(lambda v: cpu_contiguous(v.T), [rng.rand(2, 3)])


def test_tensor_namespace_exports():
    for name in ("alloc", "zeros", "ones", "eye", "arange", "tril", "triu", "diag", "join",
                 "concatenate", "stack", "split", "roll", "sort", "argsort", "topk", "cumsum",
                 "cumprod", "repeat", "tile", "bincount", "nonzero", "flatnonzero",
                 "nonzero_values", "fill_diagonal", "unravel_index", "ravel_multi_index"):
        assert hasattr(T, name), name
    from theano.tensor import extra_ops
    assert T.squeeze is sys.modules['theano.tensor.shape'].squeeze is extra_ops.squeeze
