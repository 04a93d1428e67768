"""Tests of theano.tensor.slinalg against scipy.linalg: values, dtypes, shapes, gradients."""
import numpy as np
import pytest
import scipy.linalg

import theano
import theano.tensor as T
from theano.tensor.slinalg import (MATRIX_STRUCTURES, Cholesky, CholeskyGrad, CholeskySolve,
                                   Eigvalsh, EigvalshGrad, Expm, ExpmGrad, Solve, cho_solve,
                                   cholesky, eigvalsh, expm, kron, solve, solve_lower_triangular,
                                   solve_symmetric, solve_upper_triangular)
from theano.tests import unittest_tools as utt

MODE = "FAST_COMPILE"
rng = np.random.RandomState(utt.fetch_seed())


def fn(inputs, outputs):
    return theano.function(inputs, outputs, mode=MODE)


def verify_grad(fun, pt, *args, **kwargs):
    utt.verify_grad(fun, pt, *args, mode=MODE, **kwargs)


def spd(n, dtype="float64"):
    r = rng.randn(n, n)
    return (r @ r.T + n * np.eye(n)).astype(dtype)


# -- cholesky -------------------------------------------------------------------------------------
def test_cholesky_lower_and_upper():
    # Theano 1.0's checks: the default factor is lower, Cholesky(lower=False) upper.
    pd = spd(5, theano.config.floatX)
    x = T.matrix()
    for op, lower in [(cholesky, True), (Cholesky(lower=True), True),
                      (Cholesky(lower=False), False)]:
        ch = fn([x], op(x))(pd)
        assert ch.dtype == pd.dtype
        if lower:
            assert ch[0, 4] == 0 and ch[4, 0] != 0
            np.testing.assert_allclose(ch @ ch.T, pd, rtol=1e-5)
        else:
            assert ch[4, 0] == 0 and ch[0, 4] != 0
            np.testing.assert_allclose(ch.T @ ch, pd, rtol=1e-5)
        np.testing.assert_array_equal(ch, scipy.linalg.cholesky(pd, lower=lower))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("n", [1, 4, 0])
def test_cholesky_values(dtype, n):
    x = T.matrix(dtype=dtype)
    val = np.round(spd(n)).astype(dtype) if n else np.zeros((0, 0), dtype)
    out = utt.check(cholesky(x), [x], [val], scipy.linalg.cholesky(val, lower=True))
    assert out.dtype == ("float64" if dtype == "int64" else dtype)
    assert utt.inferred_shape(Cholesky(lower=False)(x), [x], [val]) == (n, n)


def test_cholesky_on_error():
    x = T.dmatrix()
    not_pd = np.asarray([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(scipy.linalg.LinAlgError):
        fn([x], cholesky(x))(not_pd)
    nan_op = Cholesky(on_error="nan")
    assert np.isnan(fn([x], nan_op(x))(not_pd)).all()
    assert np.isnan(fn([x], nan_op(x))(np.asarray([[np.nan, 0.0], [0.0, 1.0]]))).all()
    pd = spd(3)
    np.testing.assert_array_equal(fn([x], nan_op(x))(pd), scipy.linalg.cholesky(pd, lower=True))
    with pytest.raises(ValueError, match="on_error must be 'raise' or 'nan'"):
        Cholesky(on_error="ignore")
    with pytest.raises(TypeError, match="cholesky: the input must be a matrix"):
        cholesky(T.dvector())
    assert Cholesky() == cholesky and Cholesky(on_error="nan") != cholesky


@pytest.mark.parametrize("op", [cholesky, Cholesky(lower=False), Cholesky(on_error="nan"),
                                Cholesky(lower=False, on_error="nan")])
def test_cholesky_grad(op):
    verify_grad(op, [spd(5)], 3, eps=2e-8)
    verify_grad(op, [spd(3, "float32")], 3)


def test_cholesky_grad_reads_one_triangle_and_nan():
    x = T.dmatrix()
    g_lower = theano.grad(cholesky(x).sum(), x)
    g_upper = theano.grad(Cholesky(lower=False)(x).sum(), x)
    pd = spd(4)
    gl, gu = fn([x], [g_lower, g_upper])(pd)
    assert np.all(np.triu(gl, 1) == 0) and np.all(np.tril(gu, -1) == 0)
    g_nan = theano.grad(Cholesky(on_error="nan")(x).sum(), x)
    assert np.isnan(fn([x], g_nan)(np.asarray([[1.0, 2.0], [2.0, 1.0]]))).all()
    np.testing.assert_allclose(fn([x], g_nan)(pd), gl, rtol=1e-12)
    # A shape-only graph needs no factorisation.
    f = theano.function([x], g_lower.shape)
    assert not any(isinstance(n.op, Cholesky) for n in f.maker.fgraph.toposort())
    assert tuple(f(pd)) == (4, 4)


@pytest.mark.parametrize("lower", [True, False])
def test_cholesky_grad_op(lower):
    x, dz = T.dmatrix(), T.dmatrix()
    chol = Cholesky(lower=lower)(x)
    pd, dzv = spd(4), rng.randn(4, 4)
    one_node = CholeskyGrad(lower)(x, chol, dz)
    symbolic = theano.grad((chol * dz).sum(), x)
    got, expected = fn([x, dz], [one_node, symbolic])(pd, dzv)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
    assert utt.inferred_shape(one_node, [x, dz], [pd, dzv]) == (4, 4)
    # Against finite differences of sum(dz * cholesky(x)) on the triangle that is read.
    eps = 1e-6
    for i, j in ([(0, 0), (2, 1), (3, 0)] if lower else [(0, 0), (1, 2), (0, 3)]):
        d = np.zeros((4, 4))
        d[i, j] = eps
        plus = scipy.linalg.cholesky(pd + d, lower=lower)
        minus = scipy.linalg.cholesky(pd - d, lower=lower)
        assert got[i, j] == pytest.approx((dzv * (plus - minus)).sum() / (2 * eps), rel=1e-6)


# -- solve ----------------------------------------------------------------------------------------
def _structured(structure, n, dtype="float64"):
    a = rng.normal(size=(n, n)) * 0.5 + 2 * np.eye(n)
    if structure == "lower_triangular":
        a = np.tril(a)
    elif structure == "upper_triangular":
        a = np.triu(a)
    elif structure in ("symmetric", "hermitian"):
        a = a + a.T
    elif structure == "diagonal":
        a = np.diag(np.diag(a))
    return a.astype(dtype)


def _scipy_solve(structure, lower, a, b):
    if structure == "lower_triangular":
        return scipy.linalg.solve_triangular(a, b, lower=True)
    if structure == "upper_triangular":
        return scipy.linalg.solve_triangular(a, b, lower=False)
    assume = {"symmetric": "sym", "hermitian": "her", "diagonal": "diagonal"}.get(structure, "gen")
    return scipy.linalg.solve(a, b, lower=lower, assume_a=assume)


@pytest.mark.parametrize("structure", MATRIX_STRUCTURES)
@pytest.mark.parametrize("b_shape", [(5,), (5, 1), (5, 3)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_solve_values(structure, b_shape, dtype):
    A, b = T.matrix(dtype=dtype), T.tensor(dtype, (False,) * len(b_shape))
    a, bv = _structured(structure, 5, dtype), rng.randn(*b_shape).astype(dtype)
    lower = structure == "lower_triangular"
    x = Solve(structure, lower=lower)(A, b)
    got = fn([A, b], x)(a, bv)
    assert got.dtype == dtype and got.shape == b_shape
    utt.assert_allclose(_scipy_solve(structure, lower, a, bv), got)
    assert utt.inferred_shape(x, [A, b], [a, bv]) == b_shape


def test_solve_theano_example():
    # Theano 1.0's test: general, lower- and upper-triangular solves with Cholesky factors.
    A, b = T.matrix(), T.matrix()
    a = rng.rand(5, 5).astype(theano.config.floatX)
    a = a.T @ a
    bv = rng.rand(5, 1).astype(theano.config.floatX)
    np.testing.assert_allclose(fn([A, b], solve(A, b))(a, bv), scipy.linalg.solve(a, bv),
                               rtol=1e-6)
    L = Cholesky(lower=True)(A)
    U = Cholesky(lower=False)(A)
    lv = scipy.linalg.cholesky(a, lower=True)
    np.testing.assert_allclose(fn([L, b], solve(L, b))(lv, bv),
                               scipy.linalg.solve_triangular(lv, bv, lower=True), rtol=1e-6)
    np.testing.assert_allclose(fn([U, b], solve(U, b))(lv.T, bv),
                               scipy.linalg.solve_triangular(lv.T, bv, lower=False), rtol=1e-6)


def test_solve_symmetric_reads_one_triangle_and_shortcuts():
    A, b = T.dmatrix(), T.dvector()
    s = _structured("symmetric", 4)
    bv = rng.randn(4)
    upper_only = np.triu(s) + 50 * np.tril(np.ones((4, 4)), -1)
    lower_only = np.tril(s) + 50 * np.triu(np.ones((4, 4)), 1)
    expected = scipy.linalg.solve(s, bv)
    np.testing.assert_allclose(fn([A, b], solve_symmetric(A, b))(upper_only, bv), expected)
    np.testing.assert_allclose(fn([A, b], Solve("symmetric", lower=True)(A, b))(lower_only, bv),
                               expected)
    assert solve_lower_triangular == Solve("lower_triangular", lower=True)
    assert solve_upper_triangular == Solve("upper_triangular", lower=False)
    assert str(solve_symmetric) == "Solve{symmetric, lower=False}"


def test_solve_dtypes_and_errors():
    A, b = T.lmatrix(), T.lvector()
    x = solve(A, b)
    assert x.type.dtype == "float64"
    np.testing.assert_allclose(fn([A, b], x)(np.asarray([[2, 1], [1, 3]]), np.asarray([3, 5])),
                               [0.8, 1.4])
    assert solve(T.fmatrix(), T.dvector()).type.dtype == "float64"
    assert solve(T.fmatrix(), T.frow()).type.broadcastable == (True, False)
    with pytest.raises(ValueError, match="A_structure must be one of"):
        Solve("sparse")
    with pytest.raises(TypeError, match="solve: A must be a matrix"):
        solve(T.dvector(), T.dvector())
    with pytest.raises(TypeError, match="solve: the right-hand side b must be a vector or a"):
        solve(T.dmatrix(), T.dtensor3())
    D, bd = T.dmatrix(), T.dvector()
    with pytest.raises(scipy.linalg.LinAlgError):
        fn([D, bd], solve(D, bd))(np.ones((3, 3)), np.ones(3))
    with pytest.raises(scipy.linalg.LinAlgError):
        fn([D, bd], Solve("diagonal")(D, bd))(np.diag([1.0, 0.0]), np.ones(2))
    # overwrite_* are accepted and never destroy the inputs.
    a, bv = _structured("general", 3), rng.randn(3)
    a0, b0 = a.copy(), bv.copy()
    fn([D, bd], Solve(overwrite_A=True, overwrite_b=True)(D, bd))(a, bv)
    np.testing.assert_array_equal(a, a0)
    np.testing.assert_array_equal(bv, b0)


@pytest.mark.parametrize("structure", ["general", "lower_triangular", "upper_triangular",
                                       "symmetric", "diagonal"])
def test_solve_grad(structure):
    lower = structure == "lower_triangular"
    for n_cols in (None, 1, 3):
        a = _structured(structure, 4)
        b = rng.normal(size=4 if n_cols is None else (4, n_cols))
        verify_grad(Solve(structure, lower=lower), [a, b], 3, eps=2e-8)
    # lower changes which triangle a symmetric solve reads; for 'general' it changes nothing.
    verify_grad(Solve(structure, lower=not lower), [_structured(structure, 4),
                                                        rng.normal(size=(4, 2))], 3, eps=2e-8)


# -- cho_solve ------------------------------------------------------------------------------------
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("b_shape", [(4,), (4, 2)])
def test_cho_solve(lower, b_shape):
    C, b = T.dmatrix(), T.tensor("float64", (False,) * len(b_shape))
    pd = spd(4)
    c = scipy.linalg.cholesky(pd, lower=lower)
    bv = rng.randn(*b_shape)
    x = cho_solve((C, lower), b)
    assert x.owner.op == CholeskySolve(lower)
    out = utt.check(x, [C, b], [c, bv], scipy.linalg.cho_solve((c, lower), bv))
    np.testing.assert_allclose(pd @ out, bv, atol=1e-10)
    verify_grad(lambda cc, bb: cho_solve((cc, lower), bb), [c, bv], 3)


def test_cho_solve_float32_and_errors():
    C, b = T.fmatrix(), T.fvector()
    c = scipy.linalg.cholesky(spd(3), lower=True).astype("float32")
    out = fn([C, b], cho_solve((C, True), b))(c, np.ones(3, "float32"))
    assert out.dtype == "float32"
    with pytest.raises(TypeError, match="cho_solve: the Cholesky factor C must be a matrix"):
        cho_solve((T.fvector(), True), b)


# -- eigvalsh -------------------------------------------------------------------------------------
def test_eigvalsh_theano_example():
    A, B = T.dmatrix("a"), T.dmatrix("b")
    f = fn([A, B], eigvalsh(A, B))
    a = rng.randn(5, 5)
    a = a + a.T
    b = 10 * np.eye(5, 5) + rng.randn(5, 5)
    np.testing.assert_array_almost_equal(f(a, b), scipy.linalg.eigvalsh(a, b))
    np.testing.assert_array_almost_equal(fn([A], eigvalsh(A, None))(a), scipy.linalg.eigvalsh(a))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("lower", [True, False])
def test_eigvalsh_values(dtype, lower):
    A, B = T.matrix(dtype=dtype), T.matrix(dtype=dtype)
    a, b = spd(4, dtype), spd(4, dtype)
    utt.check(Eigvalsh(lower)(A, B), [A, B], [a, b], scipy.linalg.eigvalsh(a, b, lower=lower))
    utt.check(eigvalsh(A, lower=lower), [A], [a], scipy.linalg.eigvalsh(a, lower=lower))
    assert eigvalsh(A).type.dtype == dtype
    assert eigvalsh(T.lmatrix()).type.dtype == "float64"


def test_eigvalsh_grad_and_errors():
    a = rng.randn(5, 5)
    a = a + a.T
    b = 10 * np.eye(5, 5) + rng.randn(5, 5)
    weights = np.arange(1.0, 6.0)
    verify_grad(lambda p, q: eigvalsh(p, q).dot(weights), [a, b])
    verify_grad(lambda p, q: Eigvalsh(False)(p, q).dot(weights), [a, b])
    verify_grad(lambda p: eigvalsh(p).dot(weights), [a])
    A, B, gw = T.dmatrix(), T.dmatrix(), T.dvector()
    g = EigvalshGrad(True)(A, B, gw)
    assert len(g) == 2
    assert utt.inferred_shapes(g, [A, B, gw], [a, b @ b.T, weights]) == [(5, 5), (5, 5)]
    assert EigvalshGrad(True)(A, None, gw).type.ndim == 2
    with pytest.raises(ValueError, match="lower must be True or False"):
        Eigvalsh("yes")
    with pytest.raises(TypeError, match="eigvalsh: b must be a matrix"):
        eigvalsh(A, gw)


# -- expm -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_expm(dtype):
    x = T.matrix(dtype=dtype)
    a = rng.randn(5, 5).astype(dtype)
    out = fn([x], expm(x))(a)
    assert out.dtype == dtype
    utt.assert_allclose(scipy.linalg.expm(a), out)
    assert utt.inferred_shape(expm(x), [x], [a]) == (5, 5)
    assert expm == Expm()


@pytest.mark.parametrize("kind", ["symmetric", "real_spectrum", "complex_spectrum", "defective"])
def test_expm_grad(kind):
    a = rng.randn(5, 5)
    if kind == "symmetric":
        a = a + a.T
    elif kind == "real_spectrum":
        w = rng.randn(5) ** 2
        a = np.diag(w ** 0.5) @ (a + a.T) @ np.diag(w ** -0.5)
        assert not np.allclose(a, a.T)
    elif kind == "defective":
        # A Jordan block: no eigenvector basis (Theano 1.0's gradient divided by zero).
        a = np.asarray([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [0.0, 0.0, 1.0]])
    verify_grad(expm, [a])
    A, G = T.dmatrix(), T.dmatrix()
    assert utt.inferred_shape(ExpmGrad()(A, G), [A, G], [a, a]) == a.shape


# -- kron -----------------------------------------------------------------------------------------
def _old_scipy_kron(a, b):
    # scipy.linalg.kron before SciPy 1.15 (the reference of Theano 1.0's tests).
    o = np.outer(a, b).reshape(a.shape + b.shape)
    return np.concatenate(np.concatenate(o, axis=1), axis=1)


@pytest.mark.parametrize("shp0", [(2,), (2, 3), (2, 3, 4)])
@pytest.mark.parametrize("shp1", [(6,), (6, 7), (6, 7, 8)])
def test_kron(shp0, shp1):
    if len(shp0) + len(shp1) == 2:
        with pytest.raises(TypeError, match="kron: the inputs' dimensions must sum to 3"):
            kron(T.vector(), T.vector())
        return
    x = T.tensor(theano.config.floatX, (False,) * len(shp0))
    y = T.tensor(theano.config.floatX, (False,) * len(shp1))
    a = rng.rand(*shp0).astype(theano.config.floatX)
    b = rng.rand(*shp1).astype(theano.config.floatX)
    out = fn([x, y], kron(x, y))(a, b)
    if len(shp0) + len(shp1) == 3:
        expected = _old_scipy_kron(a[np.newaxis, :], b).flatten()
    else:
        expected = _old_scipy_kron(a, b)
    utt.assert_allclose(expected, out)


def test_kron_numpy_2d_and_grad():
    x, y = T.dmatrix(), T.dmatrix()
    a, b = rng.rand(2, 3), rng.rand(6, 7)
    np.testing.assert_allclose(theano.function([x, y], kron(x, y))(a, b), np.kron(a, b))
    verify_grad(kron, [rng.rand(2, 3), rng.rand(3, 2)])
    verify_grad(kron, [rng.rand(3), rng.rand(2, 2)])


# -- empty and non-finite inputs behave as in SciPy -----------------------------------------------
def _outcome(f, *args):
    """The result shape of ``f(*args)``, or the exception type it raises."""
    try:
        return np.asarray(f(*args)).shape
    except Exception as exc:
        return type(exc)


@pytest.mark.parametrize("value", [np.zeros((0, 0)), np.zeros((0, 3)),
                                   np.asarray([[np.nan, 1.0], [1.0, 2.0]]),
                                   np.asarray([[np.inf, 1.0], [1.0, 2.0]])])
def test_empty_and_non_finite_like_scipy(value):
    x, b = T.dmatrix(), T.dvector()
    twins = [(cholesky, lambda a: scipy.linalg.cholesky(a, lower=True)),
             (expm, scipy.linalg.expm), (eigvalsh, scipy.linalg.eigvalsh)]
    for op, twin in twins:
        assert _outcome(fn([x], op(x)), value) == _outcome(twin, value), op
    rhs = np.ones(value.shape[0])
    assert _outcome(fn([x, b], solve(x, b)), value, rhs) == \
        _outcome(scipy.linalg.solve, value, rhs)
