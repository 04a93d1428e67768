"""theano.tensor.signal.pool: pooling ops, their gradients, R-op and the user functions."""
import importlib
import itertools
import warnings

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.signal import pool
from theano.tests.unittest_tools import inferred_shape

RNG = np.random.RandomState(9)
FC = "FAST_COMPILE"
MODES = ["max", "sum", "average_inc_pad", "average_exc_pad"]


def _out_len(n, w, s, ignore_border):
    if ignore_border:
        return max(0, (n - w) // s + 1)
    if s >= w:
        return (n - 1) // s + 1
    return max(0, (n - 1 - w) // s + 1) + 1


def ref_pool(x, ws, stride, pad, ignore_border, mode):
    """Pooling by a loop over the windows (the definition of Theano 1.0's docs)."""
    nd = len(ws)
    stride = stride or ws
    pad = pad or (0,) * nd
    lead, n = x.shape[:-nd], x.shape[-nd:]
    padded_len = [n[i] + 2 * pad[i] for i in range(nd)]
    out_sp = [_out_len(padded_len[i], ws[i], stride[i], ignore_border) for i in range(nd)]
    xp = np.zeros(lead + tuple(padded_len))
    xp[(Ellipsis,) + tuple(slice(pad[i], pad[i] + n[i]) for i in range(nd))] = x
    out = np.zeros(lead + tuple(out_sp))
    for k in np.ndindex(*lead):
        for r in np.ndindex(*out_sp):
            region = []
            for i in range(nd):
                start, end = r[i] * stride[i], min(r[i] * stride[i] + ws[i], padded_len[i])
                if mode != "average_inc_pad":
                    start, end = max(start, pad[i]), min(end, pad[i] + n[i])
                region.append(slice(start, end))
            win = xp[k][tuple(region)]
            out[k + r] = {"max": np.max, "sum": np.sum}.get(mode, np.mean)(win)
    return out


CASES_2D = [  # ws, stride, pad
    ((2, 2), None, (0, 0)),
    ((3, 2), (1, 2), (0, 0)),
    ((3, 3), (2, 1), (1, 2)),
    ((2, 3), (3, 1), (1, 0)),
    ((1, 1), (2, 2), (0, 0)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("ws,stride,pad,ignore_border", [
    c + (ib,) for c in CASES_2D for ib in (True, False) if ib or not any(c[2])])
def test_pool_2d_matches_loop(ws, stride, pad, ignore_border, mode, dtype):
    xv = RNG.randn(2, 3, 7, 6).astype(dtype)
    x = T.tensor4(dtype=dtype)
    out = pool.pool_2d(x, ws=ws, ignore_border=ignore_border, stride=stride, pad=pad, mode=mode)
    got = theano.function([x], out, mode=FC)(xv)
    want = ref_pool(xv.astype("float64"), ws, stride, pad, ignore_border, mode)
    assert got.dtype == dtype
    # float32 window means of values ~1 can cancel to ~1e-5: the error is absolute (~1e-7).
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-12)
    np.testing.assert_allclose(got, want, **tol)
    assert inferred_shape(out, [x], [xv]) == want.shape


@pytest.mark.parametrize("ndim_in", [2, 3, 5])
@pytest.mark.parametrize("mode", MODES)
def test_pool_2d_any_leading_dims(ndim_in, mode):
    shape = (2, 3, 1)[:ndim_in - 2] + (5, 7)
    xv = RNG.randn(*shape)
    x = T.tensor(dtype="float64", broadcastable=(False,) * ndim_in)
    out = pool.pool_2d(x, (2, 3), ignore_border=False, mode=mode)
    got = theano.function([x], out, mode=FC)(xv)
    np.testing.assert_allclose(got, ref_pool(xv, (2, 3), None, None, False, mode), rtol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("ignore_border,ws,stride,pad", [
    (True, (2, 2, 2), None, (1, 0, 1)), (False, (2, 3, 1), (1, 2, 2), (0, 0, 0)),
    (True, (3, 2, 2), (2, 1, 1), (0, 1, 0))])
def test_pool_3d_matches_loop(mode, ignore_border, ws, stride, pad):
    xv = RNG.randn(2, 4, 5, 4)
    x = T.tensor4()
    out = pool.pool_3d(x, ws, ignore_border=ignore_border, stride=stride, pad=pad, mode=mode)
    got = theano.function([x], out, mode=FC)(xv)
    np.testing.assert_allclose(got, ref_pool(xv, ws, stride, pad, ignore_border, mode),
                               rtol=1e-12)
    verify_grad(lambda v: pool.pool_3d(v, ws, ignore_border=ignore_border, stride=stride,
                                       pad=pad, mode=mode), [xv[:1, :2]], rng=RNG, mode=FC)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("ignore_border,ws,stride,pad", [
    (True, (2, 2), None, (0, 0)), (False, (3, 2), (2, 1), (0, 0)),
    (True, (3, 3), (2, 2), (1, 2)), (False, (2, 2), (3, 3), (0, 0))])
def test_pool_gradients(mode, ignore_border, ws, stride, pad):
    xv = RNG.randn(2, 2, 6, 5)
    verify_grad(lambda v: pool.pool_2d(v, ws, ignore_border=ignore_border, stride=stride,
                                       pad=pad, mode=mode), [xv], rng=RNG, mode=FC)


def test_max_pool_grad_goes_to_every_tie():
    x = T.dmatrix()
    xv = np.array([[1., 3., 3., 0.], [2., 3., 0., 0.]])
    g = theano.function([x], T.grad(pool.pool_2d(x, (2, 2), ignore_border=True).sum(), x),
                        mode=FC)(xv)
    np.testing.assert_array_equal(g, [[0, 1, 1, 0], [0, 1, 0, 0]])


@pytest.mark.parametrize("ws,stride,pad,ib", [((2, 2), None, (0, 0), True),
                                               ((3, 2), (1, 1), (1, 0), True),
                                               ((3, 2), (2, 1), (0, 0), False)])
def test_max_pool_second_order(ws, stride, pad, ib):
    xv = RNG.rand(1, 2, 5, 6)

    def f(v):
        out = pool.pool_2d(v, ws, ignore_border=ib, stride=stride, pad=pad)
        return T.grad((out ** 3).sum(), v) ** 2
    verify_grad(f, [xv], rng=RNG, mode=FC)
    # The gradient of MaxPoolGrad with respect to gz, and that op's own gradient.
    x, ggx = T.tensor4(), T.tensor4()
    maxout = pool.Pool(ib)(x, ws, stride, pad)
    verify_grad(lambda g: pool.MaxPoolGrad(ib)(xv, pool.Pool(ib)(xv, ws, stride, pad), g,
                                               ws, stride, pad),
                [RNG.randn(*theano.function([x], maxout, mode=FC)(xv).shape)], rng=RNG, mode=FC)
    gg = pool.DownsampleFactorMaxGradGrad(ib)(x, maxout, ggx, ws, stride, pad)
    verify_grad(lambda h: pool.DownsampleFactorMaxGradGrad(ib)(
        xv, pool.Pool(ib)(xv, ws, stride, pad), h, ws, stride, pad), [RNG.randn(*xv.shape)],
        rng=RNG, mode=FC)
    assert inferred_shape(gg, [x, ggx], [xv, xv]) == \
        theano.function([x], maxout, mode=FC)(xv).shape


@pytest.mark.parametrize("mode", ["sum", "average_inc_pad", "average_exc_pad"])
@pytest.mark.parametrize("ib,pad", [(True, (1, 1)), (False, (0, 0))])
def test_average_pool_grad_grad(mode, ib, pad):
    xv = RNG.randn(1, 1, 5, 5)
    verify_grad(lambda v: T.grad((pool.pool_2d(v, (2, 3), ignore_border=ib, pad=pad,
                                               mode=mode) ** 2).sum(), v),
                [xv], rng=RNG, mode=FC)


@pytest.mark.parametrize("mode", MODES)
def test_rop(mode):
    x, ev = T.tensor4(), T.tensor4()
    out = pool.pool_2d(x, (2, 3), ignore_border=True, stride=(1, 2), pad=(1, 1), mode=mode)
    rop = T.Rop(out, x, ev)
    xv, evv = RNG.randn(2, 2, 5, 6), RNG.randn(2, 2, 5, 6)
    got = theano.function([x, ev], rop, mode=FC, on_unused_input="ignore")(xv, evv)
    eps = 1e-7
    f = theano.function([x], out, mode=FC)
    numeric = (f(xv + eps * evv) - f(xv - eps * evv)) / (2 * eps)
    np.testing.assert_allclose(got, numeric, rtol=1e-5, atol=1e-6)
    assert isinstance(rop.owner.op, pool.MaxPoolRop if mode == "max" else pool.Pool)


def test_max_pool_rop_takes_first_maximum():
    x = T.dmatrix()
    ev = T.dmatrix()
    op = pool.MaxPoolRop(True)
    out = op(x, ev, (2, 2), (2, 2), (0, 0))
    got = theano.function([x, ev], out, mode=FC)(np.array([[1., 3.], [3., 0.]]),
                                                 np.array([[10., 20.], [30., 40.]]))
    np.testing.assert_array_equal(got, [[20.]])
    assert inferred_shape(out, [x, ev], [np.zeros((5, 4)), np.zeros((5, 4))]) == (2, 2)


def test_symbolic_window_and_default_mode():
    x = T.tensor4()
    ws, st = T.ivector(), T.ivector()
    out = pool.pool_2d(x, ws, ignore_border=True, stride=st)
    f = theano.function([x, ws, st], out)
    xv = RNG.randn(1, 2, 6, 7)
    np.testing.assert_allclose(f(xv, [2, 3], [2, 2]), ref_pool(xv, (2, 3), (2, 2), None, True,
                                                               "max"))
    assert inferred_shape(out, [x, ws, st], [xv, [2, 3], [2, 2]]) == (1, 2, 3, 3)
    out_nb = pool.pool_2d(x, ws, ignore_border=False, stride=st)
    assert inferred_shape(out_nb, [x, ws, st], [xv, [3, 2], [2, 2]]) == (1, 2, 3, 4)
    assert inferred_shape(out_nb, [x, ws, st], [xv, [3, 3], [1, 2]]) == (1, 2, 4, 3)
    g = theano.function([x, ws, st], T.grad(out.sum(), x))
    assert g(xv, [2, 2], [2, 2]).shape == xv.shape


def test_out_shape():
    assert pool.Pool.out_shape((3, 5, 5), (2, 2), ignore_border=True) == [3, 2, 2]
    assert pool.Pool.out_shape((3, 5, 5), (2, 2), ignore_border=False) == [3, 3, 3]
    assert pool.Pool.out_shape((5, 6), (3, 2), True, (1, 2), (1, 1)) == [5, 4]
    assert pool.Pool.out_shape((4, 5, 6, 7), (2, 2, 3), False, (1, 2, 3), ndim=3) == [4, 4, 3, 3]
    with pytest.warns(UserWarning, match="'ds' parameter"):
        assert pool.Pool.out_shape((5, 5), ds=(2, 2), ignore_border=True) == [2, 2]
    with pytest.raises(ValueError, match="both 'ws' and 'ds'"):
        pool.Pool.out_shape((5, 5), ws=(2, 2), ds=(2, 2))
    with pytest.raises(ValueError, match="window size"):
        pool.Pool.out_shape((5, 5))
    n = T.lscalar()
    shp = pool.Pool.out_shape((n, n), (3, 3), ignore_border=False, stride=(2, 2))
    assert theano.function([n], shp, mode=FC)(7) == [3, 3]


def test_deprecated_names_and_ignore_border_warning():
    x = T.dmatrix()
    xv = RNG.randn(5, 5)
    with pytest.warns(UserWarning, match="ignore_border"):
        out = pool.pool_2d(x, (2, 2))
    assert out.owner.op.ignore_border is False
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        old = pool.pool_2d(x, ds=(2, 2), st=(1, 1), padding=(1, 1), ignore_border=True,
                           mode="sum")
    assert sum("DEPRECATION" in str(m.message) for m in w) == 3
    got = theano.function([x], old, mode=FC)(xv)
    np.testing.assert_allclose(got, ref_pool(xv, (2, 2), (1, 1), (1, 1), True, "sum"))
    with pytest.raises(ValueError, match="both 'stride' and 'st'"):
        pool.pool_2d(x, (2, 2), True, stride=(1, 1), st=(1, 1))
    with pytest.raises(ValueError, match="both 'pad' and 'padding'"):
        pool.pool_2d(x, (2, 2), True, pad=(1, 1), padding=(1, 1))
    with pytest.raises(ValueError, match="window size"):
        pool.pool_2d(x, ignore_border=True)


def test_errors():
    x = T.tensor4()
    with pytest.raises(ValueError, match="mode parameter"):
        pool.pool_2d(x, (2, 2), True, mode="min")
    with pytest.raises(ValueError, match="ignore_border=True"):
        pool.pool_2d(x, (2, 2), False, pad=(1, 1))
    with pytest.raises(ValueError, match="smaller than the window"):
        pool.pool_2d(x, (2, 2), True, pad=(2, 1))
    with pytest.raises(TypeError, match="at least 2 dimensions"):
        pool.pool_2d(T.dvector(), (2, 2), True)
    with pytest.raises(TypeError, match="at least 3 dimensions"):
        pool.pool_3d(T.dmatrix(), (2, 2, 2), True)
    with pytest.raises(TypeError, match="ws must be a vector of 2 integers"):
        pool.Pool(True)(x, T.dvector())
    with pytest.raises(ValueError, match="ws must have 2 entries"):
        pool.Pool(True)(x, (2, 2, 2))
    pv = T.ivector()
    f = theano.function([x, pv], pool.Pool(False)(x, (2, 2), (2, 2), pv), mode=FC)
    with pytest.raises(ValueError, match="ignore_border=True"):
        f(RNG.randn(1, 1, 4, 4), [1, 1])
    g = theano.function([x, pv], pool.Pool(True)(x, pv), mode=FC)
    with pytest.raises(ValueError, match="positive"):
        g(RNG.randn(1, 1, 4, 4), [0, 2])


def test_int_input_and_empty_output():
    x = T.itensor4()
    xv = RNG.randint(-50, 50, (1, 2, 4, 5)).astype("int32")
    f = theano.function([x], [pool.pool_2d(x, (2, 2), True, mode=m) for m in MODES], mode=FC)
    for m, got in zip(MODES, f(xv)):
        assert got.dtype == "int32"
        np.testing.assert_array_equal(got, ref_pool(xv, (2, 2), None, None, True, m)
                                      .astype("int32"))
    y = T.tensor4()
    out = theano.function([y], pool.pool_2d(y, (3, 3), True), mode=FC)(RNG.randn(2, 1, 2, 5))
    assert out.shape == (2, 1, 0, 1)


def test_max_pool_2d_same_size_and_doc_example():
    x = T.tensor4()
    xv = np.array([[[[1., 5, 2, 0], [3, 4, 8, 7], [0, 0, 1, 1], [9, 2, 1, 3]]]])
    got = theano.function([x], pool.max_pool_2d_same_size(x, (2, 2)))(xv)
    np.testing.assert_array_equal(got, [[[[0, 5, 0, 0], [0, 0, 8, 0], [0, 0, 0, 0],
                                          [9, 0, 0, 3]]]])
    m = T.dmatrix("x")
    f = theano.function([m], pool.pool_2d(m, ws=(2, 2), ignore_border=True))
    np.testing.assert_array_equal(f(np.arange(16.).reshape(4, 4)), [[5, 7], [13, 15]])


def test_nan_propagates_through_max():
    x = T.dmatrix()
    xv = np.array([[1., np.nan], [0., 2.]])
    got = theano.function([x], pool.pool_2d(x, (2, 1), True), mode=FC)(xv)
    assert np.isnan(got[0, 1]) and got[0, 0] == 1


def test_op_identity():
    assert pool.Pool(True) == pool.Pool(True, "max", 2)
    assert pool.Pool(True) != pool.Pool(True, "sum")
    assert pool.Pool(True, "max_deterministic").mode == "max"
    assert pool.MaxPoolGrad(True).mode == "max"
    assert pool.AveragePoolGrad(False, "sum").mode == "sum"
    with pytest.raises(ValueError):
        pool.AveragePoolGrad(False, "max")
    assert list(itertools.islice(pool.__all__, 2)) == ["pool_2d", "pool_3d"]


def test_downsample_is_the_old_name_of_pool():
    import sys
    sys.modules.pop("theano.tensor.signal.downsample", None)
    with pytest.warns(DeprecationWarning, match="pool_2d"):
        downsample = importlib.import_module("theano.tensor.signal.downsample")
    x = T.tensor4()
    xv = RNG.randn(1, 1, 4, 4)
    f = theano.function([x], downsample.max_pool_2d(x, (2, 2), ignore_border=True))
    np.testing.assert_allclose(f(xv), xv.reshape(1, 1, 2, 2, 2, 2).max(axis=(3, 5)))
    assert downsample.DownsampleFactorMax is pool.Pool


def test_grad_ops_infer_shape_and_shape_check():
    x, gz = T.tensor4(), T.tensor4()
    xv = RNG.randn(2, 1, 5, 6)
    maxout = pool.Pool(False)(x, (2, 2))
    mg = pool.MaxPoolGrad(False)(x, maxout, maxout, (2, 2))
    ag = pool.AveragePoolGrad(False, "average_inc_pad")(x, gz, (2, 2))
    assert inferred_shape(mg, [x], [xv]) == xv.shape
    assert inferred_shape(ag, [x, gz], [xv, np.zeros((2, 1, 3, 3))]) == xv.shape
    f = theano.function([x, gz], ag, mode=FC)
    with pytest.raises(ValueError, match="pooled output has shape"):
        f(xv, np.zeros((2, 1, 2, 3)))
