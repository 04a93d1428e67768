"""Products with sparse matrices: structured_dot, dot, true_dot, sampling_dot, usmm."""
import numpy as np
import pytest
import scipy.sparse as sp

import theano
import theano.sparse as S
import theano.tensor as T
from theano.sparse import SparseType

FORMATS = ["csr", "csc"]
FLOATS = ["float32", "float64"]


def _var(format, dtype, name=None):
    return SparseType(format, dtype)(name)


def _tol(dtype):
    return {"rtol": 2e-5, "atol": 1e-5} if dtype == "float32" else {"rtol": 1e-12,
                                                                     "atol": 1e-12}


# ---------------------------------------------------------------------------
# structured_dot
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shapes", [((3, 4), (4, 2)), ((1, 5), (5, 1)), ((0, 3), (3, 2)),
                                    ((3, 0), (0, 2))])
def test_structured_dot(format, dtype, shapes, rand_sparse, rng, run, check_infer_shape):
    (m, k), (_, n) = shapes
    a = rand_sparse(format, (m, k), dtype)
    b = rng.randn(k, n).astype(dtype)
    x, y = _var(format, dtype), T.matrix(dtype=dtype)
    out = S.structured_dot(x, y)
    assert out.type == T.TensorType(dtype, (False, False))
    got = run(out, [x, y], [a, b])
    assert got.dtype == dtype
    np.testing.assert_allclose(got, a.toarray() @ b, **_tol(dtype))
    check_infer_shape(out, [x, y], [a, b], (m, n))
    # dense x sparse, through the transposes
    c = rng.randn(n, m).astype(dtype)
    z = T.matrix(dtype=dtype)
    out2 = S.structured_dot(z, x)
    np.testing.assert_allclose(run(out2, [z, x], [c, a]), c @ a.toarray(), **_tol(dtype))
    # sparse x sparse: a sparse result
    b2 = rand_sparse("csc", (k, n), dtype, rng=rng)
    w = _var("csc", dtype)
    out3 = S.structured_dot(x, w)
    assert out3.type == SparseType(format, dtype)
    got3 = run(out3, [x, w], [a, b2])
    np.testing.assert_allclose(got3.toarray(), a.toarray() @ b2.toarray(), **_tol(dtype))


def test_structured_dot_broadcast_column_and_errors(rand_sparse, run):
    x = S.csr_matrix(dtype="float64")
    col = T.TensorType("float64", (False, True))()
    out = S.structured_dot(x, col)
    assert out.type.broadcastable == (False, True)
    a = rand_sparse("csr", (3, 4))
    np.testing.assert_allclose(run(out, [x, col], [a, np.ones((4, 1))]),
                               a.toarray().sum(1, keepdims=True))
    with pytest.raises(TypeError, match="input 1 must be a matrix"):
        S.structured_dot(x, T.dvector())
    with pytest.raises(TypeError, match="at least one sparse"):
        S.structured_dot(T.dmatrix(), T.dmatrix())
    f = theano.function([x, col], out, mode="FAST_COMPILE")
    with pytest.raises(ValueError, match="shape mismatch"):
        f(a, np.ones((3, 1)))
    # bsr matrices: forward only
    b = S.bsr_matrix(dtype="float64")
    bm = sp.bsr_matrix(np.arange(12.0).reshape(3, 4))
    y = T.dmatrix()
    np.testing.assert_allclose(run(S.structured_dot(b, y), [b, y], [bm, np.ones((4, 2))]),
                               bm.toarray() @ np.ones((4, 2)))


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_structured_dot_gradients(format, dtype, rand_sparse, rng):
    a = rand_sparse(format, (4, 3), dtype)
    b = rng.randn(3, 2).astype(dtype)
    kw = {} if dtype == "float64" else {"eps": 1e-3, "abs_tol": 1e-2, "rel_tol": 1e-2}
    S.verify_grad_sparse(S.structured_dot, [a, b], structured=True, **kw)
    S.verify_grad_sparse(lambda y, x: S.structured_dot(y, x), [b.T.copy(), a.T.tocsr()],
                         structured=True, **kw)
    # sparse x sparse
    b2 = rand_sparse("csr", (3, 2), dtype, rng=rng)
    S.verify_grad_sparse(S.structured_dot, [a, b2], structured=True, **kw)
    # The gradient wrt the sparse argument is structured and of its type.
    x, y = _var(format, dtype), T.matrix(dtype=dtype)
    gx = theano.grad(S.structured_dot(x, y).sum(), x)
    assert gx.type == x.type
    got = theano.function([x, y], gx, mode="FAST_COMPILE")(a, b)
    expected = np.ones((4, 2)) @ b.T * (a.toarray() != 0)
    np.testing.assert_allclose(got.toarray(), expected, **_tol(dtype))


def test_structured_dot_grad_ops_directly(rand_sparse, rng, run):
    a = rand_sparse("csc", (5, 4))
    b, g = rng.randn(4, 3), rng.randn(5, 3)
    ind, ptr, bb, gg = T.ivector(), T.ivector(), T.dmatrix(), T.dmatrix()
    for op, m in [(S.sdg_csc, a), (S.sdg_csr, a.tocsr())]:
        got = run(op(ind, ptr, bb, gg), [ind, ptr, bb, gg],
                  [m.indices.astype("int32"), m.indptr.astype("int32"), b, g])
        full = g @ b.T
        rows, cols = m.nonzero()
        np.testing.assert_allclose(np.sort(got), np.sort(full[rows, cols]))


# ---------------------------------------------------------------------------
# dot (dense result, regular gradient)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_dot_all_kinds(format, dtype, rand_sparse, rng, run, check_infer_shape):
    a = rand_sparse(format, (3, 4), dtype)
    b = rand_sparse(format, (4, 2), dtype, rng=rng)
    d, v, u = (rng.randn(4, 2).astype(dtype), rng.randn(4).astype(dtype),
               rng.randn(3).astype(dtype))
    x, y = _var(format, dtype), _var(format, dtype)
    dm, dv, du = T.matrix(dtype=dtype), T.vector(dtype=dtype), T.vector(dtype=dtype)
    e = rng.randn(2, 3).astype(dtype)
    em = T.matrix(dtype=dtype)
    outs = [S.dot(x, dm), S.dot(em, x), S.dot(x, y), S.dot(x, dv), S.dot(du, x)]
    types = [(False, False), (False, False), (False, False), (False,), (False,)]
    assert [o.type.broadcastable for o in outs] == types
    ins = [x, y, dm, dv, du, em]
    vals = [a, b, d, v, u, e]
    got = run(outs, ins, vals)
    A = a.toarray()
    expected = [A @ d, e @ A, A @ b.toarray(), A @ v, u @ A]
    for k, (g, ex) in enumerate(zip(got, expected)):
        assert g.dtype == dtype, k
        np.testing.assert_allclose(g, ex, err_msg=str(k), **_tol(dtype))
        check_infer_shape(outs[k], ins, vals, ex.shape)
    assert str(outs[0].owner.op) == "SparseDot"


@pytest.mark.parametrize("format", FORMATS)
def test_dot_gradients(format, rand_sparse, rng):
    a = rand_sparse(format, (3, 4))
    b = rand_sparse("csc", (4, 2), rng=rng)
    S.verify_grad_sparse(S.dot, [a, rng.randn(4, 2)])
    S.verify_grad_sparse(S.dot, [rng.randn(2, 3), a])
    S.verify_grad_sparse(S.dot, [a, b])
    S.verify_grad_sparse(S.dot, [a, rng.randn(4)])
    S.verify_grad_sparse(S.dot, [rng.randn(3), a])
    # The gradient wrt the sparse argument is regular (every cell), in its type.
    x, y = _var(format, "float32"), T.dmatrix()
    gx = theano.grad(S.dot(x, y).sum(), x)
    assert gx.type == x.type
    got = theano.function([x, y], gx, mode="FAST_COMPILE")(a.astype("float32"),
                                                          np.ones((4, 2)))
    np.testing.assert_allclose(got.toarray(), np.full((3, 4), 2.0))


def test_dot_errors():
    with pytest.raises(TypeError, match="at least one sparse argument"):
        S.dot(T.dmatrix(), T.dmatrix())
    with pytest.raises(TypeError, match="input 1 must be a vector or matrix"):
        S.dot(S.csr_matrix(), T.tensor3())
    x = S.csr_matrix(dtype="float64")
    y = T.dmatrix()
    f = theano.function([x, y], S.dot(x, y), mode="FAST_COMPILE")
    with pytest.raises(ValueError, match="shape mismatch"):
        f(sp.csr_matrix(np.eye(3)), np.ones((2, 2)))


# ---------------------------------------------------------------------------
# true_dot (sparse result)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_true_dot(format, dtype, rand_sparse, rng, run, check_infer_shape):
    a = rand_sparse(format, (3, 4), dtype)
    b = rand_sparse("csr", (4, 2), dtype, rng=rng)
    d = rng.randn(4, 2).astype(dtype)
    x, y, dm = _var(format, dtype), _var("csr", dtype), T.matrix(dtype=dtype)
    e = T.matrix(dtype=dtype)
    outs = [S.true_dot(x, y), S.true_dot(x, dm), S.true_dot(e, x)]
    assert outs[0].type == SparseType(format, dtype) and outs[1].type == outs[0].type
    ev = rng.randn(2, 3).astype(dtype)
    got = run(outs, [x, y, dm, e], [a, b, d, ev])
    A = a.toarray()
    for g, ex in zip(got, [A @ b.toarray(), A @ d, ev @ A]):
        assert sp.issparse(g) and g.dtype == dtype
        np.testing.assert_allclose(g.toarray(), ex, **_tol(dtype))
    check_infer_shape(outs[1], [x, dm], [a, d], (3, 2))


@pytest.mark.parametrize("format", FORMATS)
def test_true_dot_gradients(format, rand_sparse, rng):
    a = rand_sparse(format, (3, 4))
    b = rand_sparse("csc", (4, 2), rng=rng)
    d = rng.randn(4, 2)
    S.verify_grad_sparse(S.true_dot, [a, b])
    S.verify_grad_sparse(S.true_dot, [a, d])
    S.verify_grad_sparse(lambda x, y: S.true_dot(x, y, grad_preserves_dense=False), [a, d])
    x, y = _var(format, "float64"), T.dmatrix()
    gy_dense = theano.grad(S.sp_sum(S.true_dot(x, y)), y)
    gy_sparse = theano.grad(S.sp_sum(S.true_dot(x, y, grad_preserves_dense=False)), y)
    assert isinstance(gy_dense.type, T.TensorType) and gy_dense.type == y.type
    got = theano.function([x, y], [gy_dense, gy_sparse], mode="FAST_COMPILE")(a, d)
    np.testing.assert_allclose(got[0], got[1])
    assert S.TrueDot(False) != S.TrueDot(True)


# ---------------------------------------------------------------------------
# sampling_dot
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_sampling_dot(format, dtype, rand_sparse, rng, run, check_infer_shape):
    x, y = rng.randn(5, 3).astype(dtype), rng.randn(4, 3).astype(dtype)
    p = rand_sparse(format, (5, 4), dtype, low=0.5, high=2.0)
    tx, ty, tp = T.matrix(dtype=dtype), T.matrix(dtype=dtype), _var(format, dtype)
    out = S.sampling_dot(tx, ty, tp)
    assert out.type == SparseType(format, dtype)
    got = run(out, [tx, ty, tp], [x, y, p])
    assert got.format == format and got.nnz == p.nnz
    np.testing.assert_allclose(got.toarray(), p.toarray() * (x @ y.T), **_tol(dtype))
    check_infer_shape(out, [tx, ty, tp], [x, y, p], (5, 4))
    empty = rand_sparse(format, (5, 4), dtype, density=0.0)
    assert run(out, [tx, ty, tp], [x, y, empty]).nnz == 0
    if dtype == "float64":
        S.verify_grad_sparse(S.sampling_dot, [x, y, p], structured=True)
    f = theano.function([tx, ty, tp], out, mode="FAST_COMPILE")
    with pytest.raises(ValueError, match="do not fit"):
        f(x, y[:, :2], p)


def test_sampling_dot_chunks(monkeypatch, rng):
    # Gathered rows are processed in chunks: the result does not depend on their size.
    import theano.sparse.products as sdot
    monkeypatch.setattr(sdot, "_CHUNK_ELEMENTS", 7)
    x, y = rng.randn(6, 3), rng.randn(5, 3)
    p = sp.random(6, 5, density=0.6, format="csr", random_state=3)
    tx, ty, tp = T.dmatrix(), T.dmatrix(), S.csr_matrix(dtype="float64")
    got = theano.function([tx, ty, tp], S.sampling_dot(tx, ty, tp),
                          mode="FAST_COMPILE")(x, y, p)
    np.testing.assert_allclose(got.toarray(), p.toarray() * (x @ y.T))


# ---------------------------------------------------------------------------
# usmm
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("format", FORMATS)
def test_usmm(format, rand_sparse, rng, run, check_infer_shape):
    a = rand_sparse(format, (3, 4))
    y, z = rng.randn(4, 2), rng.randn(3, 2)
    alpha, tx, ty, tz = T.dscalar(), _var(format, "float64"), T.dmatrix(), T.dmatrix()
    out = S.usmm(alpha, tx, ty, tz)
    got = run(out, [alpha, tx, ty, tz], [-0.5, a, y, z])
    np.testing.assert_allclose(got, -0.5 * a.toarray() @ y + z)
    check_infer_shape(out, [alpha, tx, ty, tz], [-0.5, a, y, z], (3, 2))
    # dense x sparse
    e = rng.randn(2, 3)
    te, z2 = T.dmatrix(), T.dmatrix()
    got2 = run(S.usmm(alpha, te, tx, z2), [alpha, te, tx, z2], [2.0, e, a, np.ones((2, 4))])
    np.testing.assert_allclose(got2, 2 * e @ a.toarray() + 1)
    assert str(S.usmm) == "Usmm{no_inplace}"
    # A broadcasting row z.
    row = T.TensorType("float64", (True, False))()
    out3 = S.usmm(alpha, tx, ty, row)
    vals3 = [1.0, a, y, np.ones((1, 2))]
    np.testing.assert_allclose(run(out3, [alpha, tx, ty, row], vals3), a.toarray() @ y + 1)
    check_infer_shape(out3, [alpha, tx, ty, row], vals3, (3, 2))
    with pytest.raises(TypeError, match="x or y must be sparse"):
        S.usmm(alpha, T.dmatrix(), T.dmatrix(), tz)
    with pytest.raises(TypeError, match="alpha must be a scalar"):
        S.usmm(T.dvector(), tx, ty, tz)
