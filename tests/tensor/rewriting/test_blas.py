"""Gemm/Gemv/Ger ops and the rewrites that introduce them."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.mode import Mode
from theano.tensor.blas import Gemm, Gemv, Ger, gemm_inplace, gemm_no_inplace, gemv_no_inplace, ger


def _has(f, cls):
    return any(isinstance(n.op, cls) for n in f.maker.fgraph.apply_nodes)


@pytest.mark.parametrize("dtype", ["float64", "float32", "complex128"])
def test_gemm_op_against_numpy(rng, dtype):
    z = T.tensor(dtype, (False, False))
    x = T.tensor(dtype, (False, False))
    y = T.tensor(dtype, (False, False))
    a = T.tensor(dtype, ())
    b = T.tensor(dtype, ())
    f = theano.function([z, a, x, y, b], gemm_no_inplace(z, a, x, y, b),
                        mode=Mode(optimizer=None))
    zv, xv, yv = (rng.rand(*s).astype(dtype) for s in ((3, 5), (3, 4), (4, 5)))
    tol = 1e-5 if dtype == "float32" else 1e-12
    for xa, ya in ((xv, yv), (np.asfortranarray(xv), yv), (xv, yv.T.copy().T), (xv[:, ::1], yv)):
        out = f(zv, np.asarray(2, dtype), xa, ya, np.asarray(0.5, dtype))
        np.testing.assert_allclose(out, 2 * xv @ yv + 0.5 * zv, rtol=tol)
    # beta = 0 ignores z (even NaN), empty inner dimension, shape errors
    out = f(np.full((3, 5), np.nan).astype(dtype), np.asarray(1, dtype), xv, yv,
            np.asarray(0, dtype))
    np.testing.assert_allclose(out, xv @ yv, rtol=tol)
    out = f(zv, np.asarray(1, dtype), np.zeros((3, 0), dtype), np.zeros((0, 5), dtype),
            np.asarray(2, dtype))
    np.testing.assert_allclose(out, 2 * zv)
    with pytest.raises(ValueError, match="shape mismatch"):
        f(zv, np.asarray(1, dtype), xv, xv, np.asarray(1, dtype))


def test_gemm_inplace_writes_into_z(rng):
    z, x, y = T.dmatrices("z", "x", "y")
    node = gemm_inplace.make_node(z, 1.0, x, y, 1.0)
    zv = rng.rand(2, 2)
    cell = [[None]]
    gemm_inplace.perform(node, [zv, np.asarray(1.0), np.eye(2), np.eye(2), np.asarray(1.0)],
                         cell)
    assert cell[0][0] is zv


def test_gemm_broadcast_z_and_type_errors():
    x, y = T.dmatrices("x", "y")
    r = T.drow("r")
    out = gemm_no_inplace(r, 1.0, x, y, 1.0)
    assert out.type.broadcastable == (False, False)
    with pytest.raises(TypeError, match="cannot hold"):
        gemm_inplace(r, 1.0, x, y, 1.0)
    with pytest.raises(TypeError, match="BLAS dtype"):
        gemm_no_inplace(T.imatrix(), 1, T.imatrix(), T.imatrix(), 1)
    with pytest.raises(TypeError, match="dtype"):
        gemm_no_inplace(x, 1.0, T.fmatrix(), y, 1.0)


def test_gemv_and_ger_ops(rng):
    A = T.dmatrix("A")
    x, y = T.dvectors("x", "y")
    f = theano.function([y, A, x], gemv_no_inplace(y, 2.0, A, x, 0.5), mode=Mode(optimizer=None))
    Av, xv, yv = rng.rand(3, 4), rng.rand(4), rng.rand(3)
    np.testing.assert_allclose(f(yv, Av, xv), 2 * Av @ xv + 0.5 * yv)
    np.testing.assert_allclose(f(yv, np.asfortranarray(Av), xv), 2 * Av @ xv + 0.5 * yv)
    g = theano.function([A, x, y], ger(A, 3.0, x, y), mode=Mode(optimizer=None))
    Bv = rng.rand(4, 3)
    np.testing.assert_allclose(g(Bv, xv, yv), Bv + 3 * np.outer(xv, yv))
    np.testing.assert_allclose(g(np.asfortranarray(Bv), xv, yv), Bv + 3 * np.outer(xv, yv))


def test_rewrites_introduce_blas_ops(check, rng):
    a, b, c = T.dmatrices("a", "b", "c")
    v, w = T.dvectors("v", "w")
    s = T.dscalar("s")
    vals = {a: rng.rand(3, 4), b: rng.rand(4, 3), c: rng.rand(3, 3), v: rng.rand(3),
            w: rng.rand(4), s: 0.7}
    f = check(2 * T.dot(a, b) + 0.5 * c, vals)
    assert _has(f, Gemm) and not any("dot" == str(n.op) for n in f.maker.fgraph.apply_nodes)
    f = check(c - s * T.dot(a, b), vals)
    assert _has(f, Gemm)
    f = check(T.dot(a, b) + v, vals)  # bias broadcast as a row
    assert _has(f, Gemm)
    f = check(T.dot(a, w) + v, vals)
    assert _has(f, Gemv)
    f = check(c + 0.1 * T.outer(v, v), vals)
    assert _has(f, Ger)
    # (by default, the gemm and the elementwise add after it become one DotEpilogue)
    f = check(T.dot(a, b) + c + T.exp(c), vals,
              mode=Mode(optimizer="fast_run").excluding("blas_epilogue"))
    assert _has(f, Gemm)
    # integer dots are left alone
    i = T.imatrix("i")
    f = check(T.dot(i, i) + i, {i: rng.randint(0, 5, (3, 3)).astype("int32")})
    assert not _has(f, Gemm)


def test_excluding_gemm(check, rng):
    a, b, c = T.dmatrices("a", "b", "c")
    vals = {a: rng.rand(3, 3), b: rng.rand(3, 3), c: rng.rand(3, 3)}
    f = check(T.dot(a, b) + c, vals, mode=Mode(optimizer="fast_run").excluding("gemm"))
    assert not _has(f, Gemm)
