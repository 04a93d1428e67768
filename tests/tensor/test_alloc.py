"""Tests of theano.tensor.alloc: alloc, zeros/ones, eye, tri/tril/triu, arange, diagonals."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.alloc import (Alloc, AllocDiag, ARange, ExtractDiag, SetDiagonal,
                                 alloc, arange, diag, diagonal, eye, fill_diagonal,
                                 fill_diagonal_offset, identity_like, ones, trace, tri, tril,
                                 triu, zeros)
from theano.tests import unittest_tools as utt

rng = np.random.RandomState(1234)


# -- Alloc ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "uint16", "bool", "complex64"])
def test_alloc_values_and_dtype(dtype):
    v = T.tensor(dtype, (False,))
    n = T.lscalar()
    out = alloc(v, n, 3)
    assert out.type.dtype == dtype and out.type.broadcastable == (False, False)
    val = np.asarray([1, 0, 1], dtype=dtype)
    utt.check(out, [v, n], [val, 4], np.broadcast_to(val, (4, 3)))


def test_alloc_shapes():
    x = T.dscalar()
    utt.check([alloc(x), alloc(x, 0, 2), alloc(x, 2, 1, 3)], [x], [2.5],
              [np.asarray(2.5), np.zeros((0, 2)), np.full((2, 1, 3), 2.5)])
    row = T.drow()
    utt.check(alloc(row, 3, 4), [row], [np.arange(4.)[None]], np.tile(np.arange(4.), (3, 1)))


def test_alloc_broadcastable_from_constant_one():
    x = T.dscalar()
    n = T.lscalar()
    assert alloc(x, 1, n, 1).type.broadcastable == (True, False, True)
    assert alloc(x, np.int64(1), 3).type.broadcastable == (True, False)


def test_alloc_errors():
    x = T.dmatrix()
    with pytest.raises(TypeError, match="must be an integer"):
        alloc(x, 2.5, 3)
    with pytest.raises(TypeError, match="must be a scalar"):
        alloc(x, T.lvector(), 3)
    with pytest.raises(TypeError, match="more than"):
        alloc(x, 3)
    v = T.dvector()
    f = theano.function([v], alloc(v, 2, 4))
    with pytest.raises(ValueError, match=r"cannot broadcast a value of shape \(3,\)"):
        f(np.ones(3))
    n = T.lscalar()
    with pytest.raises(ValueError, match="negative"):
        theano.function([n], alloc(1.0, n))(-1)


def test_alloc_grad():
    utt.verify_grad(lambda v: alloc(v, 3, 4), [rng.rand(4)])
    utt.verify_grad(lambda v: alloc(v, 2, 3, 4), [np.asarray(1.7)])
    # A broadcastable value dimension expanded to size 3 sums its gradient.
    utt.verify_grad(lambda v: alloc(T.addbroadcast(v, 0), 2, 3, 4), [rng.rand(1, 4)])
    x = T.drow()
    g = theano.grad(alloc(x, 5, 3).sum(), x)
    assert g.type.broadcastable == (True, False)
    np.testing.assert_allclose(g.eval({x: np.ones((1, 3))}), np.full((1, 3), 5.0))


def test_alloc_op_props():
    assert Alloc() == Alloc() and hash(Alloc()) == hash(Alloc())
    assert isinstance(alloc(1.0, 2).owner.op, Alloc)


# -- zeros / ones -----------------------------------------------------------------------------
def test_zeros_ones_shapes_and_dtypes():
    x = T.dmatrix()
    n = T.lscalar()
    with theano.change_flags(floatX="float32"):
        assert zeros(3).type.dtype == "float32" and ones((2, 2)).type.dtype == "float32"
    outs = [zeros(3), ones((2, 0)), zeros(x.shape, dtype="int32"), ones([n, x.shape[1]]),
            zeros(T.as_tensor_variable([2, 3]), "uint8"), ones(n, dtype="bool"), zeros(())]
    vals = utt.check(outs, [x, n], [np.ones((4, 5)), 2],
                     [np.zeros(3), np.ones((2, 0)), np.zeros((4, 5)), np.ones((2, 5)),
                      np.zeros((2, 3)), np.ones(2, dtype=bool), np.zeros(())])
    assert vals[2].dtype == np.int32 and vals[4].dtype == np.uint8 and vals[5].dtype == bool
    assert outs[0].type.dtype == theano.config.floatX


def test_zeros_unknown_length_vector():
    with pytest.raises(ValueError, match="not known"):
        zeros(T.lvector())


# -- eye / identity_like / tri -----------------------------------------------------------------
@pytest.mark.parametrize("n, m, k", [(3, None, 0), (3, 5, 1), (4, 2, -1), (3, 3, 5), (0, 2, 0)])
def test_eye(n, m, k):
    out = eye(n, m, k)
    assert out.type.dtype == theano.config.floatX
    utt.check(out, [], [], np.eye(n, m, k))
    sn, sm, sk = T.lscalar(), T.iscalar(), T.bscalar()
    utt.check(eye(sn, sm, sk, dtype="int16"), [sn, sm, sk], [n, n if m is None else m, k],
              np.eye(n, m, k, dtype="int16"))


def test_eye_errors():
    with pytest.raises(TypeError, match="must be an integer"):
        eye(T.dscalar())
    with pytest.raises(TypeError, match="must be a scalar"):
        eye(T.lvector())
    n = T.lscalar()
    with pytest.raises(ValueError, match="negative"):
        theano.function([n], eye(n))(-2)


def test_identity_like():
    x = T.fmatrix()
    out = identity_like(x)
    assert out.type.dtype == "float32"
    utt.check(out, [x], [np.ones((2, 3), dtype="float32")], np.eye(2, 3))
    with pytest.raises(TypeError):
        identity_like(T.fvector())


@pytest.mark.parametrize("k", [-2, -1, 0, 1, 3])
def test_tri_tril_triu(k):
    utt.check(tri(3, 4, k), [], [], np.tri(3, 4, k))
    x = T.dmatrix()
    val = rng.rand(4, 3)
    utt.check([tril(x, k), triu(x, k)], [x], [val], [np.tril(val, k), np.triu(val, k)])
    t3 = T.itensor3()
    v3 = rng.randint(-5, 5, (2, 3, 4)).astype("int32")
    out = utt.check([tril(t3, k), triu(t3, k)], [t3], [v3], [np.tril(v3, k), np.triu(v3, k)])
    assert out[0].dtype == np.int32


def test_tril_triu_do_not_spread_nan():
    x = T.dmatrix()
    val = np.full((3, 3), np.nan)
    f = theano.function([x], [tril(x), triu(x)])
    lo, up = f(val)
    np.testing.assert_array_equal(np.isnan(lo), np.tril(np.ones((3, 3), bool)))
    np.testing.assert_array_equal(np.isnan(up), np.triu(np.ones((3, 3), bool)))


def test_tril_errors_and_grad():
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        tril(T.dvector())
    utt.verify_grad(lambda m: tril(m, -1), [rng.rand(3, 4)])
    utt.verify_grad(lambda m: triu(m, 1), [rng.rand(4, 3)])


# -- arange -------------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [(5,), (2, 9), (2, 9, 3), (9, 2, -2), (5, 2), (0,), (-3,)])
def test_arange_ints(args):
    out = arange(*args)
    assert out.type.dtype == "int64"
    utt.check(out, [], [], np.arange(*args))
    syms = [T.iscalar() for _ in args]
    out = arange(*syms)
    assert out.type.dtype == "int64"
    utt.check(out, syms, list(args), np.arange(*args))


@pytest.mark.parametrize("args", [(0.5, 3.2, 0.7), (3.0, -1.0, -0.5), (1.0, 1.0, 0.1),
                                  (0.0, 1.0, 0.3)])
def test_arange_floats(args):
    s = [T.dscalar() for _ in args]
    utt.check(arange(*s), s, list(args), np.arange(*args))
    f = [T.fscalar() for _ in args]
    out = arange(*f)
    assert out.type.dtype == "float32"
    got = theano.function(f, out)(*[np.float32(a) for a in args])
    assert got.shape == np.arange(*[np.float32(a) for a in args]).shape


def test_arange_float_unit_step():
    start, stop = T.dscalar(), T.dscalar()
    utt.check([arange(start, 5.0), arange(stop), arange(start, stop)], [start, stop], [0.5, 2.5],
              [np.arange(0.5, 5.0), np.arange(2.5), np.arange(0.5, 2.5)])


def test_arange_dtype_rules():
    assert arange(T.bscalar()).type.dtype == "int64"
    u8 = [T.scalar(dtype="uint8") for _ in range(3)]
    assert arange(*u8).type.dtype == "uint64"
    assert arange(u8[0]).type.dtype == "int64"  # the implicit start 0 is a signed int8
    assert arange(T.iscalar(), T.fscalar()).type.dtype == "float64"
    assert arange(T.bscalar(), T.fscalar()).type.dtype == "float32"
    assert arange(5, dtype="int16").type.dtype == "int16"
    with theano.change_flags(cast_policy="numpy+floatX", floatX="float32"):
        assert arange(T.iscalar()).type.dtype == "int64"
        assert arange(T.iscalar(), T.fscalar()).type.dtype == "float32"
        assert arange(T.iscalar(), T.dscalar()).type.dtype == "float64"


def test_arange_errors():
    with pytest.raises(TypeError, match="must be a scalar"):
        arange(T.lvector())
    n = T.lscalar()
    with pytest.raises(ZeroDivisionError, match="step must not be zero"):  # as numpy
        theano.function([n], arange(0, 5, n))(0)


def test_arange_op_cache_and_grad():
    assert arange(5).owner.op is arange(7).owner.op
    assert isinstance(arange(5).owner.op, ARange)
    utt.verify_grad(lambda start, step: arange(start, 5.0, step), [np.asarray(0.3),
                                                                   np.asarray(0.7)])
    start = T.dscalar()
    gz = theano.grad(arange(start, 5.0).sum(), start)
    assert float(gz.eval({start: 0.5})) == 5.0


# -- diagonals ------------------------------------------------------------------------------------
@pytest.mark.parametrize("k", [-2, 0, 1, 3])
def test_diag_vector_and_matrix(k):
    v = T.dvector()
    m = T.dmatrix()
    vv, mv = rng.rand(3), rng.rand(3, 5)
    utt.check([diag(v, k), diag(m, k)], [v, m], [vv, mv], [np.diag(vv, k), np.diag(mv, k)])


def test_diag_errors():
    with pytest.raises(ValueError, match="vector or a tensor"):
        diag(T.dscalar())
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        diagonal(T.dvector())
    with pytest.raises(ValueError, match="must differ"):
        diagonal(T.dtensor3(), 0, 1, -2)
    with pytest.raises(ValueError, match="out of range"):
        diagonal(T.dmatrix(), 0, 0, 2)


@pytest.mark.parametrize("offset, axis1, axis2", [(0, 0, 1), (1, 0, 2), (-1, 2, 0),
                                                  (2, 1, 2), (0, -1, -3)])
def test_diagonal_nd_and_trace(offset, axis1, axis2):
    x = T.dtensor3()
    val = rng.rand(3, 4, 5)
    out = utt.check([diagonal(x, offset, axis1, axis2), trace(x, offset, axis1, axis2)], [x], [val],
                    [np.diagonal(val, offset, axis1, axis2), np.trace(val, offset, axis1, axis2)])
    assert out[0].flags.writeable


def test_diagonal_broadcastable_and_empty():
    x = T.tensor("float64", (True, False, False))
    assert diagonal(x, 0, 1, 2).type.broadcastable == (True, False)
    m = T.dmatrix()
    utt.check(diagonal(m, 4), [m], [np.ones((2, 3))], np.zeros(0))


def test_methods_diagonal_trace():
    m = T.imatrix()
    val = rng.randint(0, 9, (4, 4)).astype("int32")
    utt.check([m.diagonal(1), m.trace()], [m], [val], [val.diagonal(1), val.trace()])


@pytest.mark.parametrize("offset, axis1, axis2", [(0, 0, 1), (1, 0, 2), (-2, 2, 1)])
def test_alloc_diag_nd(offset, axis1, axis2):
    x = T.dmatrix()
    val = rng.rand(2, 3)
    out = AllocDiag(offset, axis1, axis2)(x)
    res = utt.check(out, [x], [val], _np_alloc_diag(val, offset, axis1, axis2))
    np.testing.assert_allclose(np.diagonal(res, offset, axis1, axis2), val)


def _np_alloc_diag(val, offset, axis1, axis2):
    n = val.shape[-1] + abs(offset)
    res = np.zeros(val.shape[:-1] + (n, n))
    for idx in np.ndindex(val.shape[:-1]):
        res[idx] = np.diag(val[idx], offset)
    return np.moveaxis(res, (-2, -1), (axis1, axis2))


def test_set_diagonal():
    x, d = T.dmatrix(), T.dvector()
    xv, dv = rng.rand(3, 4), rng.rand(3)
    exp = xv.copy()
    exp[np.arange(3), np.arange(1, 4)] = dv
    utt.check(SetDiagonal(1)(x, d), [x, d], [xv, dv], exp)
    with pytest.raises(ValueError, match="do not fit"):
        theano.function([x, d], SetDiagonal(0)(x, d))(xv, np.ones(5))


def test_diagonal_grads():
    utt.verify_grad(lambda v: diag(v, 1), [rng.rand(3)])
    utt.verify_grad(lambda m: diag(m, -1), [rng.rand(4, 3)])
    utt.verify_grad(lambda m: trace(m), [rng.rand(3, 3)])
    utt.verify_grad(lambda t: diagonal(t, 1, 2, 0), [rng.rand(3, 2, 4)])
    utt.verify_grad(lambda v: AllocDiag(-1, 2, 0)(v), [rng.rand(2, 3)])
    utt.verify_grad(lambda x, d: SetDiagonal(0, 1, 0)(x, d), [rng.rand(3, 4), rng.rand(3)])
    assert ExtractDiag(1) == ExtractDiag(1) and ExtractDiag(1) != ExtractDiag(2)


# -- fill_diagonal ------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (3, 5), (4, 4, 4)])
def test_fill_diagonal(shape):
    a = T.tensor("float64", (False,) * len(shape))
    val = T.dscalar()
    av = rng.rand(*shape)
    exp = av.copy()
    if len(shape) == 2:
        n = min(shape)
        exp[np.arange(n), np.arange(n)] = 0.25
    else:
        np.fill_diagonal(exp, 0.25)
    utt.check(fill_diagonal(a, val), [a, val], [av, 0.25], exp)
    utt.verify_grad(fill_diagonal, [av, np.asarray(0.25)])


@pytest.mark.parametrize("offset", [-4, -1, 0, 2, 6])
@pytest.mark.parametrize("shape", [(3, 5), (5, 3)])
def test_fill_diagonal_offset(shape, offset):
    a, val, off = T.dmatrix(), T.dscalar(), T.lscalar()
    av = rng.rand(*shape)
    exp = av.copy()
    rows = np.arange(shape[0])
    cols = rows + offset
    ok = (cols >= 0) & (cols < shape[1])
    exp[rows[ok], cols[ok]] = -1.0
    utt.check(fill_diagonal_offset(a, val, off), [a, val, off], [av, -1.0, offset], exp)
    utt.verify_grad(lambda a_, v_: fill_diagonal_offset(a_, v_, offset), [av, np.asarray(2.0)])


def test_fill_diagonal_errors():
    with pytest.raises(TypeError, match="at least two dimensions"):
        fill_diagonal(T.dvector(), 0)
    with pytest.raises(TypeError, match="must be a scalar"):
        fill_diagonal(T.dmatrix(), T.dvector())
    with pytest.raises(TypeError, match="without upcasting"):
        fill_diagonal(T.imatrix(), 0.5)
    with pytest.raises(TypeError, match="must be a matrix"):
        fill_diagonal_offset(T.dtensor3(), 0, 0)
    with pytest.raises(TypeError, match="must be an integer"):
        fill_diagonal_offset(T.dmatrix(), 0, 1.5)
    out = fill_diagonal(T.fmatrix(), 1)
    assert out.type.dtype == "float32"


# -- mgrid / ogrid -------------------------------------------------------------------------------
def test_mgrid_ogrid():
    from theano.tensor.alloc import mgrid, ogrid
    n = T.lscalar()
    dense = mgrid[0:n, 1:7:2]
    sparse = ogrid[0:n, 1:7:2]
    exp_d, exp_s = np.mgrid[0:3, 1:7:2], np.ogrid[0:3, 1:7:2]
    utt.check(list(dense) + list(sparse), [n], [3], list(exp_d) + list(exp_s))
    assert sparse[0].type.broadcastable == (False, True)
    utt.check(mgrid[0.5:2.0:0.5], [], [], [np.mgrid[0.5:2.0:0.5]])
    with pytest.raises(NotImplementedError):
        mgrid[0:1:5j]
    with pytest.raises(TypeError, match="expects slices"):
        mgrid[3]
