"""The C kernels of the products (Dot, Gemm, Gemv, Ger, BatchedDot) against NumPy's perform."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.mode import Mode
from theano.tensor.blas import Gemm, Gemv, Ger
from theano.tensor.math import BatchedDot, Dot

PY = Mode(linker="py", optimizer=None)
C = Mode(linker="cvm", optimizer=None)
RNG = np.random.RandomState(42)
TOL = {"float32": 2e-5, "float64": 1e-12, "complex64": 2e-5, "complex128": 1e-12}


def _rand(shape, dtype):
    a = RNG.randn(*shape)
    if dtype.startswith("complex"):
        a = a + 1j * RNG.randn(*shape)
    return a.astype(dtype)


def _layouts(a):
    """The same values with several memory layouts: C, Fortran, negative and gapped strides."""
    out = [a, np.asfortranarray(a)]
    if a.ndim >= 1 and a.size:
        rev = a[::-1].copy()[::-1]            # negative stride on axis 0
        out.append(rev)
        big = np.zeros((a.shape[0] * 2,) + a.shape[1:], a.dtype)
        big[::2] = a
        out.append(big[::2])                  # a gap between rows
    if a.ndim == 2 and a.size:
        out.append(a.T.copy().T)              # Fortran through a transpose
        out.append(a[:, ::-1].copy()[:, ::-1])  # negative inner stride
    return out


def _check(op_builder, arrays, ndims, dtype, n_c=1):
    syms = [T.TensorType(dtype, (False,) * nd)() if nd else T.TensorType(dtype, ())()
            for nd in ndims]
    out = op_builder(*syms)
    fc = theano.function(syms, out, mode=C)
    fp = theano.function(syms, out, mode=PY)
    assert len(fc.maker.program.c_nodes) == n_c
    want = fp(*[a.copy() for a in arrays])
    variants = [_layouts(a) if np.ndim(a) else [a] for a in arrays]
    for k in range(max(len(v) for v in variants)):
        args = [v[min(k, len(v) - 1)] for v in variants]
        got = fc(*args)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=TOL[dtype], atol=TOL[dtype])


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128"])
@pytest.mark.parametrize("shapes", [((3, 4), (4, 5)), ((1, 4), (4, 1)), ((3, 0), (0, 2)),
                                    ((0, 3), (3, 2)), ((5, 7), (7,)), ((7,), (7, 2)),
                                    ((6,), (6,))])
def test_dot(dtype, shapes):
    # complex matrix-vector products have no C kernel: NumPy's perform runs (n_c=0)
    n_c = 0 if dtype.startswith("complex") and min(len(s) for s in shapes) < 2 else 1
    a, b = (_rand(s, dtype) for s in shapes)
    _check(lambda x, y: Dot()(x, y), [a, b], [len(s) for s in shapes], dtype, n_c)


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex128"])
@pytest.mark.parametrize("zshape", [(3, 5), (1, 5), (3, 1)])
@pytest.mark.parametrize("beta", [0.0, 1.0, -0.5])
def test_gemm(dtype, zshape, beta):
    z, x, y = _rand(zshape, dtype), _rand((3, 4), dtype), _rand((4, 5), dtype)
    bc = tuple(s == 1 for s in zshape)

    def build(x_, y_):
        zz = T.TensorType(dtype, bc)("z")
        return zz, Gemm(False)(zz, np.asarray(1.5, dtype), x_, y_, np.asarray(beta, dtype))

    xs, ys = T.TensorType(dtype, (False, False))(), T.TensorType(dtype, (False, False))()
    zz, out = build(xs, ys)
    fc = theano.function([zz, xs, ys], out, mode=C)
    fp = theano.function([zz, xs, ys], out, mode=PY)
    assert fc.maker.program.c_nodes == [0]
    want = fp(z, x, y)
    for zv, xv, yv in zip(_layouts(z), _layouts(x), _layouts(y)):
        np.testing.assert_allclose(fc(zv, xv, yv), want, rtol=TOL[dtype], atol=TOL[dtype])


def test_gemm_in_place_writes_into_z_and_nan_of_z_ignored_when_beta_is_zero():
    z, x, y = T.dmatrices("zxy")
    f = theano.function([theano.In(z, mutable=True), x, y],
                        Gemm(True)(z, 2.0, x, y, 0.0), mode=C, accept_inplace=True)
    zv = np.full((2, 2), np.nan)
    xv, yv = RNG.randn(2, 3), RNG.randn(3, 2)
    out = f(zv, xv, yv)
    np.testing.assert_allclose(out, 2 * xv @ yv, rtol=1e-12)  # beta=0: z's NaN never read
    np.testing.assert_allclose(zv, 2 * xv @ yv, rtol=1e-12)   # the result went into z


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gemv_and_ger(dtype):
    y, A, x = _rand((4,), dtype), _rand((4, 3), dtype), _rand((3,), dtype)
    _check(lambda yy, AA, xx: Gemv(False)(yy, np.asarray(0.5, dtype), AA, xx,
                                          np.asarray(2.0, dtype)), [y, A, x], [1, 2, 1], dtype)
    M, u, v = _rand((4, 3), dtype), _rand((4,), dtype), _rand((3,), dtype)
    _check(lambda MM, uu, vv: Ger(False)(MM, np.asarray(-1.5, dtype), uu, vv), [M, u, v],
           [2, 1, 1], dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batched_dot(dtype):
    x, y = _rand((4, 3, 5), dtype), _rand((4, 5, 2), dtype)
    _check(lambda a, b: BatchedDot()(a, b), [x, y], [3, 3], dtype)
    _check(lambda a, b: BatchedDot()(a, b), [_rand((0, 3, 5), dtype), _rand((0, 5, 2), dtype)],
           [3, 3], dtype)


def test_products_propagate_nan_and_inf_like_numpy():
    x, y = T.dmatrices("xy")
    f = theano.function([x, y], T.dot(x, y), mode=C)
    a = np.array([[np.nan, 1.0], [np.inf, 0.0]])
    b = np.array([[1.0, 0.0], [0.0, 1.0]])
    with np.errstate(invalid="ignore"):
        want = a @ b
    np.testing.assert_array_equal(f(a, b), want)


def test_dot_shape_error_names_the_shapes():
    x, y = T.dmatrices("xy")
    f = theano.function([x, y], T.dot(x, y), mode=C)
    with pytest.raises(ValueError, match=r"\(3, 4\) and \(5, 6\)"):
        f(np.zeros((3, 4)), np.zeros((5, 6)))


def test_one_blas_library():
    """Every product goes through NumPy's BLAS (one thread pool), not SciPy's."""
    from theano.link.c.runtime import load_runtime
    name, ready = load_runtime().blas_info()
    assert ready
    import numpy
    if "scipy_openblas" in str(numpy.__config__.CONFIG):  # NumPy's wheels: found directly
        assert name.startswith("cblas-ilp64")
