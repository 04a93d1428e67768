"""Tests of theano.tensor.nlinalg against numpy.linalg: values, dtypes, shapes, gradients."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.nlinalg import (SVD, AllocDiag, Det, Eig, Eigh, EighGrad, ExtractDiag,
                                   MatrixInverse, MatrixPinv, QRFull, QRIncomplete, TensorInv,
                                   TensorSolve, _zero_disconnected, alloc_diag, det, diag, eig,
                                   eigh, extract_diag, lstsq, matrix_dot, matrix_inverse,
                                   matrix_power, norm, pinv, qr, svd, tensorinv, tensorsolve,
                                   trace)
from theano.tests import unittest_tools as utt

MODE = "FAST_COMPILE"
rng = np.random.RandomState(utt.fetch_seed())


def fn(inputs, outputs):
    return theano.function(inputs, outputs, mode=MODE)


def verify_grad(fun, pt, *args, **kwargs):
    utt.verify_grad(fun, pt, *args, mode=MODE, **kwargs)


def well_conditioned(n, dtype="float64"):
    return (rng.randn(n, n) + n * np.eye(n)).astype(dtype)


def spd(n, dtype="float64"):
    a = rng.randn(n, n)
    return (a @ a.T + n * np.eye(n)).astype(dtype)


# -- matrix_inverse -------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", [1, 3, 5])
def test_matrix_inverse_values(dtype, n):
    x = T.matrix(dtype=dtype)
    val = well_conditioned(n, dtype)
    out = utt.check(matrix_inverse(x), [x], [val], np.linalg.inv(val))
    assert out.dtype == dtype
    tol = 1e-4 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(out @ val, np.eye(n), atol=tol)


def test_matrix_inverse_default_mode_and_int_upcast():
    x = T.lmatrix()
    out = matrix_inverse(x)
    assert out.type.dtype == "float64"
    f = theano.function([x], out)       # the default mode (FAST_RUN)
    val = np.asarray([[2, 1], [3, 4]])
    np.testing.assert_allclose(f(val), np.linalg.inv(val), rtol=1e-12)
    assert isinstance(out.owner.op, MatrixInverse) and matrix_inverse == MatrixInverse()


def test_matrix_inverse_errors():
    with pytest.raises(TypeError, match="matrix_inverse: the input must be a matrix.*vector"):
        matrix_inverse(T.dvector())
    x = T.dmatrix()
    f = fn([x], matrix_inverse(x))
    with pytest.raises(np.linalg.LinAlgError):
        f(np.asarray([[1.0, 0, 0], [0, 1, 0], [0, 1, 0]]))
    with pytest.raises(np.linalg.LinAlgError):
        f(np.ones((2, 3)))


def test_matrix_inverse_grad_and_rop():
    verify_grad(matrix_inverse, [well_conditioned(4)])
    verify_grad(matrix_inverse, [well_conditioned(3, "float32")])
    x, v = T.dmatrix("x"), T.dmatrix("v")
    r = theano.gradient.Rop(matrix_inverse(x), x, v)
    xv, vv = well_conditioned(4), rng.randn(4, 4)
    xi = np.linalg.inv(xv)
    np.testing.assert_allclose(fn([x, v], r)(xv, vv), -xi @ vv @ xi, rtol=1e-10)
    # The R-op is the directional derivative.
    eps = 1e-7
    fd = (np.linalg.inv(xv + eps * vv) - np.linalg.inv(xv - eps * vv)) / (2 * eps)
    np.testing.assert_allclose(fn([x, v], r)(xv, vv), fd, rtol=1e-5, atol=1e-7)


# -- pinv -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (2, 6), (1, 1)])
def test_pinv_values(dtype, shape):
    x = T.matrix(dtype=dtype)
    val = rng.randn(*shape).astype(dtype)
    out = fn([x], pinv(x))(val)
    assert out.shape == shape[::-1] and out.dtype == dtype
    utt.assert_allclose(np.linalg.pinv(val), out)
    assert utt.inferred_shape(pinv(x), [x], [val]) == shape[::-1]


def test_pinv_hermitian_and_grad():
    assert str(pinv) == "MatrixPinv" and str(MatrixPinv(True)) == "MatrixPinv{hermitian}"
    x = T.dmatrix()
    s = spd(4)
    out = fn([x], MatrixPinv(hermitian=True)(x))(s)
    np.testing.assert_allclose(out, np.linalg.pinv(s), rtol=1e-9)
    assert MatrixPinv() == pinv and MatrixPinv(True) != pinv
    for shape in [(4, 4), (5, 3), (3, 5)]:
        verify_grad(pinv, [rng.randn(*shape)])
    with pytest.raises(TypeError, match="pinv.*matrix"):
        pinv(T.dtensor3())


def test_matrix_dot():
    xs = [T.dmatrix() for _ in range(4)]
    vals = [rng.randn(3, 3), rng.randn(3, 2), rng.randn(2, 5), rng.randn(5, 1)]
    expected = vals[0] @ vals[1] @ vals[2] @ vals[3]
    np.testing.assert_allclose(fn(xs, matrix_dot(*xs))(*vals), expected, rtol=1e-12)
    assert matrix_dot(xs[0]) is xs[0]


# -- diagonals and trace --------------------------------------------------------------------------
@pytest.mark.parametrize("n", [5, 1, 0])
def test_alloc_diag(n):
    x = T.vector()
    m = rng.rand(n).astype(theano.config.floatX)
    utt.check(alloc_diag(x), [x], [m], np.diag(m))
    utt.check(diag(x), [x], [m], np.diag(m))
    assert isinstance(diag(x).owner.op, AllocDiag)


@pytest.mark.parametrize("shape", [(2, 3), (3, 2), (3, 3), (1, 1), (0, 0)])
def test_extract_diag(shape):
    x = T.matrix()
    m = rng.rand(*shape).astype(theano.config.floatX)
    utt.check(extract_diag(x), [x], [m], np.diag(m))
    assert isinstance(diag(x).owner.op, ExtractDiag)


def test_diag_trace_grads_and_errors():
    verify_grad(alloc_diag, [rng.rand(5)])
    verify_grad(extract_diag, [rng.rand(5, 4)])
    verify_grad(trace, [rng.rand(4, 4)])
    with pytest.raises(TypeError, match="diag: the input must be a vector or a matrix"):
        diag(T.tensor3())
    with pytest.raises(TypeError, match="trace: the input must be a matrix"):
        trace(T.vector())
    x = T.dmatrix()
    for shape in [(2, 3), (3, 2), (3, 3)]:
        val = rng.rand(*shape)
        assert fn([x], trace(x))(val) == pytest.approx(np.trace(val), rel=1e-12)


# -- det ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_det(dtype):
    x = T.matrix(dtype=dtype)
    val = rng.randn(5, 5).astype(dtype)
    out = utt.check(det(x), [x], [val], np.linalg.det(val))
    assert out.dtype == dtype and out.shape == ()
    verify_grad(det, [val.astype("float64")])
    assert str(det) == "Det" and det == Det()


def test_det_edge_cases():
    x = T.dmatrix()
    f = fn([x], det(x))
    assert f(np.zeros((0, 0))) == 1.0
    assert f(np.asarray([[1.0, 2.0], [2.0, 4.0]])) == 0.0
    for bad in ([[np.nan, 1.0], [1.0, 1.0]], [[1.0, np.inf], [2.0, 1.0]]):
        with np.errstate(invalid="ignore"):
            np.testing.assert_array_equal(f(np.asarray(bad)), np.linalg.det(np.asarray(bad)))
    i = T.imatrix()
    assert det(i).type.dtype == "float64"
    # Theano 1.0 truncated this to the integer 2.
    assert fn([i], det(i))(np.asarray([[2, 1], [1, 2]], dtype="int32")) == pytest.approx(3.0)


# -- eig / eigh -----------------------------------------------------------------------------------
def test_eig_doc_example_values():
    # Theano 1.0's test: eig of [[1]] and of [[0, 1], [1, 0]].
    for op in (eig, eigh):
        A = T.dmatrix()
        assert [e.eval({A: [[1.0]]}).tolist() for e in op(A)] == [[1.0], [[1.0]]]
        x = np.asarray([[0.0, 1.0], [1.0, 0.0]])
        w, v = [e.eval({A: x}) for e in op(A)]
        np.testing.assert_allclose(x @ v, w * v, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_eig_values_and_shapes(dtype):
    A = T.matrix(dtype=dtype)
    s = spd(5, dtype)
    w, v = fn([A], eig(A))(s)
    nw, nv = np.linalg.eig(s)
    assert w.dtype == dtype and v.dtype == dtype
    np.testing.assert_array_equal(w, nw)
    np.testing.assert_array_equal(v, nv)
    assert utt.inferred_shapes(eig(A), [A], [s]) == [(5,), (5, 5)]
    assert isinstance(eig(A)[0].owner.op, Eig)


def test_eig_complex_eigenvalues():
    rotation = np.asarray([[0.0, -1.0], [1.0, 0.0]])
    A = T.dmatrix()
    with pytest.raises(ValueError, match="complex eigenvalues"):
        fn([A], eig(A))(rotation)
    C = T.zmatrix()
    w, v = fn([C], eig(C))(rotation.astype("complex128"))
    np.testing.assert_allclose(sorted(w, key=lambda c: c.imag), [-1j, 1j], atol=1e-12)
    np.testing.assert_allclose(rotation @ v, w * v, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex128"])
@pytest.mark.parametrize("UPLO", ["L", "U"])
def test_eigh_values(dtype, UPLO):
    A = T.matrix(dtype=dtype)
    s = spd(4).astype(dtype)
    if dtype == "complex128":
        s = s + 1j * (np.tril(rng.randn(4, 4), -1) - np.tril(rng.randn(4, 4), -1).T)
        s = (s + s.conj().T) / 2
    w, v = fn([A], eigh(A, UPLO))(s)
    nw, nv = np.linalg.eigh(s, UPLO)
    assert w.dtype == {"complex128": "float64"}.get(dtype, dtype) and v.dtype == dtype
    np.testing.assert_array_equal(w, nw)
    np.testing.assert_array_equal(v, nv)
    assert utt.inferred_shapes(eigh(A, UPLO), [A], [s]) == [(4,), (4, 4)]


def test_eigh_reads_one_triangle():
    A = T.dmatrix()
    s = spd(4)
    lower_only = np.tril(s) + 100 * np.triu(np.ones((4, 4)), 1)
    upper_only = np.triu(s) - 100 * np.tril(np.ones((4, 4)), -1)
    wl = fn([A], eigh(A, "L")[0])(lower_only)
    wu = fn([A], eigh(A, "U")[0])(upper_only)
    np.testing.assert_allclose(wl, np.linalg.eigvalsh(s), rtol=1e-12)
    np.testing.assert_allclose(wu, np.linalg.eigvalsh(s), rtol=1e-12)
    with pytest.raises(ValueError, match="UPLO"):
        Eigh("X")
    assert Eigh("L") != Eigh("U") and Eigh() == Eigh("L")


@pytest.mark.parametrize("UPLO", ["L", "U"])
def test_eigh_grad(UPLO):
    s = spd(5)
    verify_grad(lambda x: eigh(x, UPLO)[0], [s])
    verify_grad(lambda x: eigh(x, UPLO)[1], [s])
    # Both outputs used at once (and float32, checked in float64 precision by verify_grad).
    verify_grad(lambda x: eigh(x, UPLO)[0].sum() + eigh(x, UPLO)[1].sum() * 0.5, [s])
    verify_grad(lambda x: eigh(x, UPLO)[0], [spd(3, "float32")])


def test_eigh_grad_repeated_eigenvalues():
    # Theano 1.0 divided 0 by 0 here and returned NaN; the eigenvalue gradient is exact.
    A = T.dmatrix()
    g = theano.grad(eigh(A)[0].sum(), A)
    np.testing.assert_allclose(fn([A], g)(np.eye(3)), np.eye(3), atol=1e-12)
    g2 = theano.grad((eigh(A)[0] ** 2).sum(), A)
    np.testing.assert_allclose(fn([A], g2)(2 * np.eye(3)), np.tril(4 * np.eye(3)), atol=1e-12)


def test_eigh_grad_op_directly():
    x = T.dmatrix()
    w, v = eigh(x)
    gw, gv = T.dvector(), T.dmatrix()
    out = EighGrad("L")(x, w, v, gw, gv)
    s = spd(3)
    nw, nv = np.linalg.eigh(s)
    gwv, gvv = rng.randn(3), rng.randn(3, 3)
    got = fn([x, gw, gv], out)(s, gwv, gvv)
    # Finite differences of sum(gw * w) + sum(gv * v) along each lower-triangle entry.
    eps = 1e-6
    for i, j in [(0, 0), (1, 0), (2, 1), (2, 2)]:
        d = np.zeros((3, 3))
        d[i, j] = eps
        wp, vp = np.linalg.eigh(s + d)
        wm, vm = np.linalg.eigh(s - d)
        fd = ((gwv * (wp - wm)).sum() + (gvv * (vp - vm)).sum()) / (2 * eps)
        assert got[i, j] == pytest.approx(fd, rel=1e-5, abs=1e-7)
    assert np.all(np.triu(got, 1) == 0)
    assert utt.inferred_shape(out, [x, gw, gv], [s, gwv, gvv]) == (3, 3)
    with pytest.raises(TypeError, match="EighGrad: w must be a vector"):
        EighGrad()(x, x, v, gw, gv)


def test_zero_disconnected():
    x = T.dmatrix()
    w, v = eigh(x)
    gw = T.dvector()
    out = _zero_disconnected([w, v], [gw, theano.gradient.disconnected_type()])
    assert out[0] is gw
    np.testing.assert_array_equal(fn([x], out[1])(np.eye(2)), np.zeros((2, 2)))


# -- qr / svd -------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)])
@pytest.mark.parametrize("mode", ["reduced", "complete", "r", "raw", "full", "economic"])
def test_qr_modes(shape, mode):
    A = T.dmatrix("A")
    a = rng.rand(*shape)
    out = qr(A, mode)
    outs = out if isinstance(out, list) else [out]
    numpy_mode = {"full": "reduced", "economic": "raw"}.get(mode, mode)
    expected = np.linalg.qr(a, numpy_mode)
    if mode == "economic":
        expected = expected[0].T
    expected = list(expected) if isinstance(expected, tuple) else [expected]
    utt.check(outs, [A], [a], expected)
    assert isinstance(outs[0].owner.op, QRIncomplete if mode in ("r", "economic") else QRFull)


def test_qr_default_float32_and_errors():
    A = T.fmatrix()
    a = rng.rand(4, 3).astype("float32")
    q, r = fn([A], qr(A))(a)
    assert q.dtype == r.dtype == "float32" and q.shape == (4, 3) and r.shape == (3, 3)
    np.testing.assert_allclose(q @ r, a, atol=1e-5)
    with pytest.raises(ValueError, match="qr: mode must be one of"):
        qr(A, "bogus")
    with pytest.raises(ValueError, match="QRFull: mode"):
        QRFull("r")
    with pytest.raises(TypeError, match="qr: the input must be a matrix"):
        qr(T.fvector())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)])
@pytest.mark.parametrize("full_matrices", [True, False])
def test_svd(dtype, shape, full_matrices):
    A = T.matrix("A", dtype=dtype)
    a = rng.rand(*shape).astype(dtype)
    nu, ns, nvt = np.linalg.svd(a, full_matrices=full_matrices)
    u, s, vt = utt.check(svd(A, full_matrices), [A], [a], [nu, ns, nvt])
    assert u.dtype == s.dtype == vt.dtype == dtype
    s_only = svd(A, full_matrices, compute_uv=False)
    utt.check(s_only, [A], [a], np.linalg.svd(a, compute_uv=False))
    assert s_only.owner.op == SVD(full_matrices, False)


# -- lstsq ----------------------------------------------------------------------------------------
def test_lstsq_theano_example():
    x, y, z = T.lmatrix(), T.lmatrix(), T.lscalar()
    b = lstsq()(x, y, z)
    m = fn([x, y, z], b)(np.asarray([[2, 1], [3, 4]]), np.asarray([[17, 20], [43, 50]]), 1)
    np.testing.assert_allclose(np.asarray([[2, 1], [3, 4]]) @ m[0], [[17, 20], [43, 50]])
    assert [o.type.dtype for o in b] == ["float64", "float64", "int64", "float64"]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("b_ndim", [1, 2])
def test_lstsq_values(dtype, b_ndim):
    a_var = T.matrix(dtype=dtype)
    b_var = T.tensor(dtype, (False,) * b_ndim)
    a = rng.randn(6, 3).astype(dtype)
    b = rng.randn(*((6,) if b_ndim == 1 else (6, 2))).astype(dtype)
    for rcond in (None, 1e-3):
        args = [] if rcond is None else [T.constant(rcond)]
        got = fn([a_var, b_var], lstsq()(a_var, b_var, *args))(a, b)
        expected = np.linalg.lstsq(a, b, rcond=rcond)
        for k, (g, e) in enumerate(zip(got, expected)):
            # The rank is an int64 scalar (Theano 1.0's lscalar); NumPy gives an int32.
            assert g.dtype == ("int64" if k == 2 else dtype)
            utt.assert_allclose(e, g)


def test_lstsq_errors():
    with pytest.raises(TypeError, match="lstsq: the coefficient matrix a must be a matrix"):
        lstsq()(T.dvector(), T.dvector(), T.dscalar())
    with pytest.raises(TypeError, match="lstsq: rcond must be a real scalar"):
        lstsq()(T.dmatrix(), T.dvector(), T.dvector())
    with pytest.raises(TypeError, match="lstsq: b must be a vector or a matrix"):
        lstsq()(T.dmatrix(), T.dtensor3())


# -- matrix_power ---------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 8, -1, -3])
def test_matrix_power(n):
    A = T.dmatrix("A")
    a = well_conditioned(4) / 4
    got = fn([A], matrix_power(A, n))(a)
    np.testing.assert_allclose(got, np.linalg.matrix_power(a, n), rtol=1e-10, atol=1e-12)


def test_matrix_power_int_grad_and_errors():
    i = T.imatrix()
    ai = np.asarray([[1, 2], [3, 4]], dtype="int32")
    out = fn([i], matrix_power(i, 3))(ai)
    assert out.dtype == "int32"
    np.testing.assert_array_equal(out, np.linalg.matrix_power(ai, 3))
    verify_grad(lambda m: matrix_power(m, 3), [rng.rand(3, 3)])
    A = T.dmatrix()
    with pytest.raises(ValueError):
        fn([A], matrix_power(A, 3))(rng.rand(4, 3))
    with pytest.raises(TypeError, match="exponent n must be a Python integer"):
        matrix_power(A, 1.5)


# -- norm -----------------------------------------------------------------------------------------
VECTOR_ORDS = [None, "inf", "-inf", np.inf, -np.inf, 0, 1, -1, 2, -2, 3, 0.5]
MATRIX_ORDS = [None, "fro", "inf", "-inf", np.inf, -np.inf, 1, -1, 2, -2, "nuc"]


def _numpy_ord(o):
    return {"inf": np.inf, "-inf": -np.inf}.get(o, o) if isinstance(o, str) else o


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_norm_vectors(dtype):
    V = T.vector("V", dtype=dtype)
    b = (rng.rand(5) - 0.5).astype(dtype)
    b[2] = 0
    outs = [norm(V, o) for o in VECTOR_ORDS]
    got = fn([V], outs)(b)
    for o, g, out in zip(VECTOR_ORDS, got, outs):
        assert out.type.dtype == dtype, o
        with np.errstate(divide="ignore"):     # negative orders meet the zero entry
            utt.assert_allclose(np.linalg.norm(b, _numpy_ord(o)), g)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_norm_matrices(dtype):
    M = T.matrix("M", dtype=dtype)
    a = (rng.rand(4, 3) - 0.5).astype(dtype)
    outs = [norm(M, o) for o in MATRIX_ORDS]
    got = fn([M], outs)(a)
    for o, g, out in zip(MATRIX_ORDS, got, outs):
        assert out.type.dtype == dtype, o
        utt.assert_allclose(np.linalg.norm(a, _numpy_ord(o)), g)


def test_norm_of_integers_is_float64():
    v = T.ivector()
    val = np.asarray([3, -4, 0], dtype="int32")
    for o in (None, np.inf, 1, 0):
        out = norm(v, o)
        assert out.type.dtype == "float64"
        assert fn([v], out)(val) == np.linalg.norm(val, o)


def test_norm_more_dims_grads_and_errors():
    t = rng.rand(3, 4, 5)
    X = T.dtensor3()
    assert fn([X], norm(X))(t) == pytest.approx(np.linalg.norm(t), rel=1e-12)
    verify_grad(norm, [rng.rand(5) + 0.1])
    verify_grad(lambda m: norm(m, "fro"), [rng.rand(3, 4)])
    verify_grad(lambda v: norm(v, 3), [rng.rand(4) + 0.1])
    with pytest.raises(ValueError, match="invalid norm order 'fro' for vectors"):
        norm([2, 1], "fro")
    with pytest.raises(ValueError, match="invalid norm order 0 for matrices"):
        norm([[2, 1], [3, 4]], 0)
    with pytest.raises(ValueError, match="at least one dimension"):
        norm(3, None)
    with pytest.raises(ValueError, match="needs a vector or a matrix"):
        norm(t, 1)


# -- tensorinv / tensorsolve ----------------------------------------------------------------------
def test_tensorinv():
    A = T.tensor4("A")
    B = T.tensor3("B")
    a = rng.rand(4, 6, 8, 3).astype(theano.config.floatX)
    b = rng.rand(2, 15, 30).astype(theano.config.floatX)
    b1 = rng.rand(30, 2, 15).astype(theano.config.floatX)
    got = fn([A], tensorinv(A))(a)
    utt.assert_allclose(np.linalg.tensorinv(a), got)
    assert utt.inferred_shape(tensorinv(A), [A], [a]) == (8, 3, 4, 6)
    utt.assert_allclose(np.linalg.tensorinv(b), fn([B], tensorinv(B))(b))
    utt.assert_allclose(np.linalg.tensorinv(b1, ind=1), fn([B], tensorinv(B, ind=1))(b1))
    assert tensorinv(B, ind=1).owner.op == TensorInv(1)
    # tensordot(tensorinv(a), a, ind) is the identity for tensordot.
    ident = np.tensordot(got, a, 2).reshape(24, 24)
    np.testing.assert_allclose(ident, np.eye(24), atol=1e-6 if a.dtype == "float32" else 1e-8)


def test_tensorinv_dtype_and_errors():
    I = T.itensor3()
    assert tensorinv(I, 1).type.dtype == "float64"
    r = T.tensor("float64", (True, False, False))
    assert tensorinv(r, 1).type.broadcastable == (False, False, True)
    with pytest.raises(ValueError, match="positive"):
        TensorInv(0)
    with pytest.raises(TypeError, match="at least 2 dimensions"):
        tensorinv(T.dvector())
    f = fn([I], tensorinv(I, 1))
    with pytest.raises(np.linalg.LinAlgError):
        f(np.ones((2, 2, 2), dtype="int32"))


def test_tensorsolve():
    a = np.eye(24).reshape(6, 4, 2, 3, 4) + 0.1 * rng.rand(6, 4, 2, 3, 4)
    b = rng.randn(6, 4)
    A, B = T.tensor("float64", (False,) * 5), T.dmatrix()
    x = tensorsolve(A, B)
    assert x.type.ndim == 3
    utt.check(x, [A, B], [a, b], np.linalg.tensorsolve(a, b))
    # ``axes`` are moved to the end of a, in order, before solving.
    a_moved = np.ascontiguousarray(np.moveaxis(a, 2, 0))     # (2, 6, 4, 3, 4)
    expected = np.linalg.tensorsolve(a_moved, b, axes=(0,))  # (3, 4, 2)
    for axes in [(0,), (-5,), [0]]:
        x2 = tensorsolve(A, B, axes=axes)
        assert x2.owner.op == TensorSolve((axes[0],))
        utt.check(x2, [A, B], [a_moved, b], expected)
    A4, bv = T.dtensor4(), T.dvector()
    a4 = a.reshape(24, 2, 3, 4)
    utt.check(tensorsolve(A4, bv), [A4, bv], [a4, b.reshape(24)],
              np.linalg.tensorsolve(a4, b.reshape(24)))
    with pytest.raises(TypeError, match="at least as many dimensions"):
        tensorsolve(T.dvector(), T.dmatrix())
    with pytest.raises(ValueError, match="axis 7 is out of range"):
        tensorsolve(A, B, axes=(7,))


# -- empty and non-finite inputs behave as in NumPy -----------------------------------------------
NUMPY_TWINS = [(matrix_inverse, np.linalg.inv), (pinv, np.linalg.pinv), (det, np.linalg.det),
               (eig, np.linalg.eig), (eigh, np.linalg.eigh), (qr, np.linalg.qr),
               (svd, np.linalg.svd), (lambda m: svd(m, compute_uv=False),
                                      lambda a: np.linalg.svd(a, compute_uv=False))]


def _outcome(f, a):
    """The result shapes of ``f(a)``, or the exception type it raises."""
    try:
        with np.errstate(invalid="ignore"):
            res = f(a)
    except Exception as exc:
        return type(exc)
    res = list(res) if isinstance(res, (list, tuple)) else [res]
    return [np.asarray(r).shape for r in res]


@pytest.mark.parametrize("value", [np.zeros((0, 0)), np.zeros((0, 3)), np.zeros((3, 0)),
                                   np.asarray([[np.nan, 1.0], [1.0, 2.0]]),
                                   np.asarray([[np.inf, 1.0], [1.0, 2.0]])])
def test_empty_and_non_finite_like_numpy(value):
    x = T.dmatrix()
    for op, twin in NUMPY_TWINS:
        assert _outcome(fn([x], op(x)), value) == _outcome(twin, value), op
