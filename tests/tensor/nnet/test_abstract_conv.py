"""theano.tensor.nnet.abstract_conv: the abstract convolution ops and their functions."""
import itertools

import numpy as np
import pytest
from scipy import signal

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.nnet import abstract_conv as ac
from theano.tests.unittest_tools import inferred_shape

RNG = np.random.RandomState(42)
FC = "FAST_COMPILE"


def _rand(*shape, dtype="float64"):
    return RNG.randn(*shape).astype(dtype)


def _pads(border_mode, kshape, dilation):
    nd = len(kshape)
    dk = [(k - 1) * d + 1 for k, d in zip(kshape, dilation)]
    if border_mode == "valid":
        return [(0, 0)] * nd
    if border_mode == "full":
        return [(d - 1, d - 1) for d in dk]
    if border_mode == "half":
        return [(d // 2, d // 2) for d in dk]
    if isinstance(border_mode, int):
        return [(border_mode, border_mode)] * nd
    return [(m, m) if isinstance(m, int) else tuple(m) for m in border_mode]


def ref_conv(img, kern, border_mode="valid", subsample=None, filter_flip=True,
             dilation=None, groups=1):
    """Grouped convolution by SciPy, one (image, filter, channel) triple at a time."""
    nd = kern.ndim - 2
    subsample = subsample or (1,) * nd
    dilation = dilation or (1,) * nd
    dil = np.zeros(kern.shape[:2] + tuple((k - 1) * d + 1 for k, d in
                                          zip(kern.shape[2:], dilation)))
    dil[(slice(None), slice(None)) + tuple(slice(None, None, d) for d in dilation)] = kern
    pads = _pads(border_mode, kern.shape[2:], dilation)
    xp = np.pad(img.astype("float64"), [(0, 0), (0, 0)] + [tuple(p) for p in pads])
    fn = signal.convolve if filter_flip else signal.correlate
    nf, cg = kern.shape[:2]
    fg = nf // groups
    out = []
    for b in range(img.shape[0]):
        rows = []
        for f in range(nf):
            g = f // fg
            rows.append(sum(fn(xp[b, g * cg + c], dil[f, c], mode="valid") for c in range(cg)))
        out.append(rows)
    out = np.array(out)
    return out[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in subsample)]


def ref_unshared(img, kern, border_mode="valid", subsample=(1, 1), filter_flip=True,
                 dilation=(1, 1), groups=1):
    """Locally connected 2-d convolution by a direct loop over output positions."""
    nf, oh, ow, cg, kh, kw = kern.shape
    if filter_flip:
        kern = kern[..., ::-1, ::-1]
    pads = _pads(border_mode, (kh, kw), dilation)
    xp = np.pad(img.astype("float64"), [(0, 0), (0, 0)] + [tuple(p) for p in pads])
    out = np.zeros((img.shape[0], nf, oh, ow))
    fg = nf // groups
    for f, r, c in itertools.product(range(nf), range(oh), range(ow)):
        g = f // fg
        r0, c0 = r * subsample[0], c * subsample[1]
        patch = xp[:, g * cg:(g + 1) * cg, r0:r0 + (kh - 1) * dilation[0] + 1:dilation[0],
                   c0:c0 + (kw - 1) * dilation[1] + 1:dilation[1]]
        out[:, f, r, c] = (patch * kern[f, r, c]).sum(axis=(1, 2, 3))
    return out


def _assert_close(got, want, dtype):
    tol = 2e-5 if dtype == "float32" else 1e-10
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    assert got.dtype == dtype


CASES_2D = [
    # border_mode, subsample, dilation, groups
    ("valid", (1, 1), (1, 1), 1),
    ("full", (1, 1), (1, 1), 1),
    ("half", (1, 1), (1, 1), 1),
    (1, (1, 1), (1, 1), 1),
    ((2, 1), (2, 1), (1, 1), 1),
    (((1, 2), 0), (1, 2), (1, 1), 1),
    (((0, 1), (2, 0)), (2, 2), (2, 1), 1),
    ("valid", (2, 2), (1, 1), 2),
    ("half", (1, 1), (2, 2), 3),
    ("full", (3, 2), (1, 2), 1),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("filter_flip", [True, False])
@pytest.mark.parametrize("border_mode,subsample,dilation,groups", CASES_2D)
def test_conv2d_matches_scipy(border_mode, subsample, dilation, groups, filter_flip, dtype):
    img = _rand(2, 3 * groups, 7, 8, dtype=dtype)
    kern = _rand(2 * groups, 3, 3, 2, dtype=dtype)
    x, w = T.tensor4(dtype=dtype), T.tensor4(dtype=dtype)
    out = ac.conv2d(x, w, border_mode=border_mode, subsample=subsample,
                    filter_flip=filter_flip, filter_dilation=dilation, num_groups=groups)
    f = theano.function([x, w], out, mode=FC)
    want = ref_conv(img, kern, border_mode, subsample, filter_flip, dilation, groups)
    _assert_close(f(img, kern), want, dtype)
    assert inferred_shape(out, [x, w], [img, kern]) == want.shape


@pytest.mark.parametrize("filter_flip", [True, False])
@pytest.mark.parametrize("border_mode,subsample,dilation,groups", [
    ("valid", (1, 1), (1, 1), 1), ("half", (2, 1), (1, 1), 2), (((1, 0), 2), (1, 2), (2, 1), 1),
    ("full", (1, 1), (1, 2), 2)])
def test_unshared_conv2d_matches_loop(border_mode, subsample, dilation, groups, filter_flip):
    img = _rand(2, 2 * groups, 6, 5)
    pads = _pads(border_mode, (2, 3), dilation)
    oh, ow = ac.get_conv_output_shape((2, 2 * groups, 6, 5), (1, 1, 2, 3), tuple(pads),
                                      subsample, dilation)[2:]
    kern = _rand(2 * groups, oh, ow, 2, 2, 3)
    x, w = T.tensor4(), T.tensor(dtype="float64", broadcastable=(False,) * 6)
    out = ac.conv2d(x, w, border_mode=border_mode, subsample=subsample, filter_flip=filter_flip,
                    filter_dilation=dilation, num_groups=groups, unshared=True)
    f = theano.function([x, w], out, mode=FC)
    want = ref_unshared(img, kern, border_mode, subsample, filter_flip, dilation, groups)
    _assert_close(f(img, kern), want, "float64")
    assert inferred_shape(out, [x, w], [img, kern]) == want.shape


@pytest.mark.parametrize("border_mode,subsample,dilation,groups", [
    ("valid", (1, 1, 1), (1, 1, 1), 1), ("full", (2, 1, 1), (1, 1, 1), 1),
    ("half", (1, 1, 2), (1, 2, 1), 2), ((1, 0, 2), (1, 2, 1), (1, 1, 1), 1),
    (((1, 0), 1, (0, 2)), (1, 1, 1), (1, 1, 1), 1)])
@pytest.mark.parametrize("filter_flip", [True, False])
def test_conv3d_matches_scipy(border_mode, subsample, dilation, groups, filter_flip):
    img = _rand(2, 2 * groups, 5, 4, 6)
    kern = _rand(2 * groups, 2, 2, 3, 2)
    x, w = T.tensor5(), T.tensor5()
    out = ac.conv3d(x, w, border_mode=border_mode, subsample=subsample,
                    filter_flip=filter_flip, filter_dilation=dilation, num_groups=groups)
    f = theano.function([x, w], out, mode=FC)
    want = ref_conv(img, kern, border_mode, subsample, filter_flip, dilation, groups)
    _assert_close(f(img, kern), want, "float64")
    assert inferred_shape(out, [x, w], [img, kern]) == want.shape


def test_conv2d_default_mode_and_docstring_example():
    x, w = T.tensor4("x"), T.tensor4("w")
    f = theano.function([x, w], ac.conv2d(x, w, border_mode="half"))
    np.testing.assert_array_equal(f(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)))[0, 0],
                                  [[4, 6, 4], [6, 9, 6], [4, 6, 4]])
    img, kern = _rand(3, 2, 9, 9), _rand(4, 2, 3, 3)
    np.testing.assert_allclose(f(img, kern), ref_conv(img, kern, "half"), rtol=1e-10)


def test_mixed_dtypes_upcast_and_empty_batch():
    x, w = T.ftensor4(), T.dtensor4()
    out = ac.conv2d(x, w)
    assert out.dtype == "float64"
    f = theano.function([x, w], out, mode=FC)
    img, kern = _rand(2, 1, 5, 5, dtype="float32"), _rand(3, 1, 2, 2)
    np.testing.assert_allclose(f(img, kern), ref_conv(img, kern), rtol=1e-6)
    empty = f(np.zeros((0, 1, 5, 5), "float32"), kern)
    assert empty.shape == (0, 3, 4, 4)


def test_nan_and_inf_propagate():
    img = np.zeros((1, 1, 4, 4))
    img[0, 0, 1, 1] = np.nan
    img[0, 0, 3, 3] = np.inf
    x, w = T.tensor4(), T.tensor4()
    got = theano.function([x, w], ac.conv2d(x, w), mode=FC)(img, np.ones((1, 1, 2, 2)))
    want = ref_conv(img, np.ones((1, 1, 2, 2)))
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(got[np.isfinite(want)], want[np.isfinite(want)])


# ---------------------------------------------------------------------------
# Shape helpers
# ---------------------------------------------------------------------------
def test_get_conv_output_shape():
    assert ac.get_conv_output_shape((8, 3, 32, 32), (16, 3, 5, 5), "half", (2, 2)) == \
        (8, 16, 16, 16)
    assert ac.get_conv_output_shape((2, 3, 10, 9), (4, 3, 3, 2), "valid", (1, 1)) == (2, 4, 8, 8)
    assert ac.get_conv_output_shape((2, 3, 10, 9), (4, 3, 3, 2), "full", (1, 1), (2, 1)) == \
        (2, 4, 14, 10)
    assert ac.get_conv_output_shape((None, 3, 10, None), (4, 3, 3, 2), (1, (2, 0)), (2, 1)) == \
        (None, 4, 5, None)
    # unshared kernels: the spatial kernel dims are the last ones
    assert ac.get_conv_output_shape((1, 2, 6, 6), (4, 4, 4, 2, 3, 3), "valid", (1, 1)) == \
        (1, 4, 4, 4)
    assert ac.get_conv_shape_1axis(10, 3, "half", 1, 2) == 10
    assert ac.get_conv_shape_1axis(None, 3, "valid", 1) is None
    with pytest.raises(ValueError, match="border_mode must be >= 0"):
        ac.get_conv_shape_1axis(10, 3, -1, 1)


def test_get_conv_output_shape_symbolic():
    n = T.lscalar("n")
    out = ac.get_conv_shape_1axis(n, 3, "valid", 2)
    assert theano.function([n], out, mode=FC)(11) == 5


def test_gradweights_and_gradinputs_shapes():
    assert ac.get_conv_gradweights_shape((2, 3, 10, 9), (2, 4, 8, 8), "valid", (1, 1)) == \
        (4, 3, 3, 2)
    assert ac.get_conv_gradweights_shape((2, 3, 10, 9), (2, 4, 8, 8), "valid", (2, 1)) == \
        (4, 3, None, 2)
    assert ac.get_conv_gradweights_shape((2, 6, 10, 9), (2, 4, 8, 8), "valid", (1, 1),
                                         num_groups=2, unshared=True) == (4, 8, 8, 3, 3, 2)
    assert ac.get_conv_gradinputs_shape((4, 3, 3, 2), (2, 4, 8, 8), "valid", (1, 1)) == \
        (2, 3, 10, 9)
    assert ac.get_conv_gradinputs_shape((4, 3, 3, 2), (2, 4, 10, 9), "half", (1, 1),
                                        num_groups=2) == (2, 6, 10, 8)
    assert ac.get_conv_gradinputs_shape((4, 3, 3, 2), (2, 4, 8, 8), "valid", (2, 1)) == \
        (2, 3, None, 9)
    assert ac.check_conv_gradinputs_shape((2, 3, 10, 9), (4, 3, 3, 2), (2, 4, 8, 8), "valid",
                                          (1, 1))
    assert not ac.check_conv_gradinputs_shape((2, 3, 10, 9), (4, 3, 3, 2), (2, 4, 7, 8),
                                              "valid", (1, 1))
    assert ac.check_conv_gradinputs_shape((2, 3, 10, 9), (4, 3, 3, 2), (None, 4, 8, None),
                                          "valid", (1, 1))


def test_border_mode_to_pad():
    assert ac.border_mode_to_pad("half", 2, (3, 5)) == ((1, 1), (2, 2))
    assert ac.border_mode_to_pad("full", 2, (3, 5)) == ((2, 2), (4, 4))
    assert ac.border_mode_to_pad((1, (2, 3)), 2, (3, 3)) == ((1, 1), (2, 3))
    with pytest.raises(ValueError, match="tuple of length 2"):
        ac.border_mode_to_pad((1, 2, 3), 2, (3, 3))
    with pytest.raises(ValueError, match="invalid border_mode"):
        ac.border_mode_to_pad("same", 2, (3, 3))


# ---------------------------------------------------------------------------
# Gradients
# ---------------------------------------------------------------------------
GRAD_CASES = [
    dict(border_mode="valid"),
    dict(border_mode="full", subsample=(2, 1)),
    dict(border_mode=((1, 0), 2), subsample=(2, 2), filter_dilation=(1, 2)),
    dict(border_mode="half", num_groups=2, filter_flip=False),
]


@pytest.mark.parametrize("kw", GRAD_CASES)
def test_conv2d_verify_grad(kw):
    g = kw.get("num_groups", 1)
    verify_grad(lambda x, w: ac.conv2d(x, w, **kw), [_rand(2, 2 * g, 6, 5), _rand(2 * g, 2, 3, 2)],
                rng=RNG, mode=FC)


@pytest.mark.parametrize("kw", GRAD_CASES)
def test_grad_ops_match_tgrad_and_verify_grad(kw):
    g = kw.get("num_groups", 1)
    img, kern = _rand(2, 2 * g, 6, 5), _rand(2 * g, 2, 3, 2)
    x, w, top = T.tensor4(), T.tensor4(), T.tensor4()
    out = ac.conv2d(x, w, **kw)
    top_val = _rand(*theano.function([x, w], out, mode=FC)(img, kern).shape)
    gx, gw = T.grad((out * top).sum(), [x, w])
    gi = ac.conv2d_grad_wrt_inputs(top, w, img.shape, **kw)
    gwt = ac.conv2d_grad_wrt_weights(x, top, kern.shape, **kw)
    f = theano.function([x, w, top], [gx, gw, gi, gwt], mode=FC)
    a, b, c, d = f(img, kern, top_val)
    np.testing.assert_allclose(a, c, rtol=1e-12)
    np.testing.assert_allclose(b, d, rtol=1e-12)
    assert inferred_shape(gi, [w, top], [kern, top_val]) == img.shape
    assert inferred_shape(gwt, [x, top], [img, top_val]) == kern.shape
    verify_grad(lambda w, t: ac.conv2d_grad_wrt_inputs(t, w, img.shape, **kw), [kern, top_val],
                rng=RNG, mode=FC)
    verify_grad(lambda x, t: ac.conv2d_grad_wrt_weights(x, t, kern.shape, **kw), [img, top_val],
                rng=RNG, mode=FC)


def test_unshared_and_3d_verify_grad():
    verify_grad(lambda x, w: ac.conv2d(x, w, unshared=True, subsample=(2, 1), num_groups=2),
                [_rand(2, 4, 6, 5), _rand(2, 2, 4, 2, 3, 2)], rng=RNG, mode=FC)
    verify_grad(lambda x, w: ac.conv3d(x, w, border_mode="half", subsample=(1, 2, 1)),
                [_rand(1, 2, 4, 5, 4), _rand(3, 2, 2, 3, 2)], rng=RNG, mode=FC)
    top = _rand(1, 3, 5, 3, 5)
    verify_grad(lambda w, t: ac.conv3d_grad_wrt_inputs(t, w, (1, 2, 4, 5, 4), border_mode="half",
                                                       subsample=(1, 2, 1)),
                [_rand(3, 2, 2, 3, 2), top], rng=RNG, mode=FC)
    verify_grad(lambda x, t: ac.conv3d_grad_wrt_weights(x, t, (3, 2, 2, 3, 2), border_mode="half",
                                                        subsample=(1, 2, 1)),
                [_rand(1, 2, 4, 5, 4), top], rng=RNG, mode=FC)


def test_second_order_gradient():
    # d/dw of |d cost / dx|^2: goes through the gradient of both gradient ops.
    def f(x, w):
        out = ac.conv2d(x, w, subsample=(2, 1), border_mode=1)
        gx = T.grad((out ** 2).sum(), x)
        return (gx ** 2).sum() * 1e-3
    verify_grad(f, [_rand(1, 2, 5, 4), _rand(2, 2, 2, 3)], rng=RNG, mode=FC)


def test_rop_matches_directional_derivative():
    x, w, ex, ew = T.tensor4(), T.tensor4(), T.tensor4(), T.tensor4()
    out = ac.conv2d(x, w, subsample=(2, 1), num_groups=2, border_mode="half")
    rop = T.Rop(out, [x, w], [ex, ew])
    f = theano.function([x, w, ex, ew], rop, mode=FC)
    vals = [_rand(2, 4, 5, 5), _rand(4, 2, 3, 3), _rand(2, 4, 5, 5), _rand(4, 2, 3, 3)]
    fwd = theano.function([x, w], out, mode=FC)
    want = fwd(vals[2], vals[1]) + fwd(vals[0], vals[3])
    np.testing.assert_allclose(f(*vals), want, rtol=1e-12)


def test_symbolic_input_shape_of_grad_wrt_inputs():
    w, top = T.tensor4(), T.tensor4()
    h, wd = T.lscalar(), T.lscalar()
    gi = ac.conv2d_grad_wrt_inputs(top, w, (None, None, h, wd), subsample=(2, 2))
    f = theano.function([w, top, h, wd], gi, mode=FC)
    # with strides the image size is ambiguous: 7 and 8 rows both give 3 output rows
    assert f(_rand(3, 2, 3, 3), _rand(1, 3, 3, 3), 8, 7).shape == (1, 2, 8, 7)
    assert f(_rand(3, 2, 3, 3), _rand(1, 3, 3, 3), 7, 7).shape == (1, 2, 7, 7)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------
def test_make_node_errors():
    with pytest.raises(TypeError, match="img must be a 4-d tensor"):
        ac.conv2d(T.matrix(), T.tensor4())
    with pytest.raises(TypeError, match="kern must be a 6-d tensor"):
        ac.conv2d(T.tensor4(), T.tensor4(), unshared=True)
    with pytest.raises(TypeError, match="kern must be a 5-d tensor"):
        ac.conv3d(T.tensor5(), T.tensor4())
    with pytest.raises(ValueError, match="invalid border_mode"):
        ac.conv2d(T.tensor4(), T.tensor4(), border_mode="same")
    with pytest.raises(ValueError, match="non-negative"):
        ac.conv2d(T.tensor4(), T.tensor4(), border_mode=-1)
    with pytest.raises(ValueError, match="tuple of length 2"):
        ac.conv2d(T.tensor4(), T.tensor4(), border_mode=(1, 1, 1))
    with pytest.raises(ValueError, match="subsample must have 2 elements"):
        ac.conv2d(T.tensor4(), T.tensor4(), subsample=(1, 1, 1))
    with pytest.raises(ValueError, match="num_groups"):
        ac.conv2d(T.tensor4(), T.tensor4(), num_groups=0)
    with pytest.raises(ValueError, match="only defined in 2d"):
        ac.AbstractConv(3, unshared=True)
    with pytest.raises(ValueError, match="constant int values"):
        ac.conv2d(T.tensor4(), T.tensor4(), input_shape=(T.lscalar(), 1, 2, 2))
    with pytest.raises(ValueError, match=r"input_shape\[0\] must be a constant or None"):
        ac.conv2d_grad_wrt_inputs(T.tensor4(), T.tensor4(), (T.lscalar(), 1, 4, 4))


def test_runtime_errors():
    x, w = T.tensor4(), T.tensor4()
    f = theano.function([x, w], ac.conv2d(x, w, num_groups=2), mode=FC)
    with pytest.raises(ValueError, match="divisible by num_groups"):
        f(_rand(1, 3, 5, 5), _rand(2, 1, 2, 2))
    with pytest.raises(ValueError, match="input channels"):
        f(_rand(1, 4, 5, 5), _rand(2, 3, 2, 2))
    g = theano.function([x, w], ac.conv2d(x, w), mode=FC)
    with pytest.raises(ValueError, match="invalid shape"):
        g(_rand(1, 1, 2, 2), _rand(1, 1, 3, 3))
    with pytest.raises(ValueError, match="empty dimension"):
        g(_rand(1, 1, 2, 2), _rand(1, 1, 0, 3))
    h = theano.function([x, w], ac.conv2d(x, w, input_shape=(None, 1, 5, 5)), mode=FC)
    with pytest.raises(ValueError, match="built for"):
        h(_rand(1, 1, 6, 5), _rand(1, 1, 2, 2))
    top = T.tensor4()
    gi = theano.function([w, top], ac.conv2d_grad_wrt_inputs(top, w, (1, 1, 5, 5)), mode=FC)
    with pytest.raises(ValueError, match="invalid input shape"):
        gi(_rand(1, 1, 2, 2), _rand(1, 1, 3, 3))


# ---------------------------------------------------------------------------
# Separable, causal and bilinear
# ---------------------------------------------------------------------------
def test_separable_conv2d_and_3d():
    img = _rand(2, 3, 6, 6)
    dw, pw = _rand(6, 1, 3, 3), _rand(4, 6, 1, 1)
    x, d, p = T.tensor4(), T.tensor4(), T.tensor4()
    out = ac.separable_conv2d(x, d, p, 3, input_shape=img.shape, depthwise_filter_shape=dw.shape,
                              pointwise_filter_shape=pw.shape, border_mode="half")
    got = theano.function([x, d, p], out, mode=FC)(img, dw, pw)
    mid = ref_conv(img, dw, "half", groups=3)
    np.testing.assert_allclose(got, ref_conv(mid, pw), rtol=1e-10)
    img5, dw5, pw5 = _rand(1, 2, 4, 4, 4), _rand(2, 1, 2, 2, 2), _rand(3, 2, 1, 1, 1)
    x5, d5, p5 = T.tensor5(), T.tensor5(), T.tensor5()
    got = theano.function([x5, d5, p5], ac.separable_conv3d(x5, d5, p5, 2), mode=FC)(
        img5, dw5, pw5)
    np.testing.assert_allclose(got, ref_conv(ref_conv(img5, dw5, groups=2), pw5), rtol=1e-10)


def test_causal_conv1d():
    seq, filt = _rand(2, 3, 10), _rand(4, 3, 3)
    x, w = T.tensor3(), T.tensor3()
    out = ac.causal_conv1d(x, w, filt.shape, input_shape=seq.shape, filter_dilation=2)
    f = theano.function([x, w], out, mode=FC)
    got = f(seq, filt)
    assert got.shape == (2, 4, 10)
    padded = np.pad(seq, ((0, 0), (0, 0), (4, 0)))
    want = ref_conv(padded[..., None], filt[..., None], dilation=(2, 1))[..., 0]
    np.testing.assert_allclose(got, want, rtol=1e-10)
    # causality: changing the future leaves the past unchanged
    later = seq.copy()
    later[:, :, 6:] += 1
    np.testing.assert_allclose(f(later, filt)[:, :, :6], got[:, :, :6], rtol=1e-12)
    with pytest.raises(ValueError, match="3-d"):
        ac.causal_conv1d(T.tensor4(), w, filt.shape)


def _linear_interp_matrix(n, r):
    """Rows: output samples; the grid of Theano's kernel, clamped at the borders."""
    pos = np.clip((np.arange(n * r) - (r - 1) // 2) / r, 0, n - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    m = np.zeros((n * r, n))
    m[np.arange(n * r), lo] += 1 - (pos - lo)
    m[np.arange(n * r), hi] += pos - lo
    return m


@pytest.mark.parametrize("ratio", [1, 2, 3, 4])
def test_bilinear_upsampling(ratio):
    img = _rand(2, 3, 4, 5)
    x = T.tensor4()
    one = ac.bilinear_upsampling(x, ratio)
    two = ac.bilinear_upsampling(x, ratio, batch_size=2, num_input_channels=3,
                                 use_1D_kernel=False)
    a, b = theano.function([x], [one, two], mode=FC)(img)
    want = np.einsum("ij,bcjk,lk->bcil", _linear_interp_matrix(4, ratio), img,
                     _linear_interp_matrix(5, ratio))
    np.testing.assert_allclose(a, want, atol=1e-12)
    np.testing.assert_allclose(b, want, atol=1e-12)
    verify_grad(lambda v: ac.bilinear_upsampling(v, ratio), [img[:1, :1]], rng=RNG, mode=FC)


def test_bilinear_frac_ratio():
    img = _rand(1, 2, 4, 5)
    x = T.tensor4()
    f = theano.function([x], [ac.bilinear_upsampling(x, frac_ratio=(2, 1), use_1D_kernel=False),
                              ac.bilinear_upsampling(x, frac_ratio=((3, 2), (4, 2)),
                                                     use_1D_kernel=False),
                              ac.bilinear_upsampling(x, 2)], mode=FC)
    frac2, frac, whole = f(img)
    np.testing.assert_allclose(frac2, whole, atol=1e-12)
    assert frac.shape == (1, 2, 6, 10)
    # a ratio of 3/2 samples the ratio-3 interpolation every 2 rows
    r3 = theano.function([x], ac.bilinear_upsampling(x, 3), mode=FC)(img)
    cols = np.einsum("bcjk,lk->bcjl", img, _linear_interp_matrix(5, 2))
    rows3 = _linear_interp_matrix(4, 3)[::2]
    np.testing.assert_allclose(frac, np.einsum("ij,bcjl->bcil", rows3, cols), atol=1e-12)
    assert r3.shape == (1, 2, 12, 15)


def test_bilinear_errors_and_kernels():
    x = T.tensor4()
    with pytest.raises(ValueError, match="together"):
        ac.bilinear_upsampling(x, 2, frac_ratio=(2, 1))
    with pytest.raises(ValueError, match="No ratio"):
        ac.bilinear_upsampling(x)
    with pytest.raises(ValueError, match="use_1D_kernel"):
        ac.bilinear_upsampling(x, frac_ratio=(3, 2))
    k1 = ac.bilinear_kernel_1D(2).eval()
    np.testing.assert_allclose(k1, [0.5, 1.0, 0.5])
    np.testing.assert_allclose(ac.bilinear_kernel_1D(3, normalize=False).eval(), [1, 2, 3, 2, 1])
    np.testing.assert_allclose(ac.bilinear_kernel_2D(2).eval(), np.outer(k1, k1))
    assert ac.bilinear_kernel_2D((2, 3)).eval().shape == (3, 5)


def test_op_identity_and_flops():
    a = ac.AbstractConv2d(border_mode=(1, 1), subsample=(1, 1))
    b = ac.AbstractConv2d(border_mode=1)
    assert a == b and hash(a) == hash(b)
    assert ac.AbstractConv2d(border_mode=((1, 1), 0)).border_mode == (1, 0)
    assert ac.AbstractConv2d(border_mode=(0, 0)).border_mode == "valid"
    assert a != ac.AbstractConv2d(border_mode=1, filter_flip=False)
    assert a.flops(((2, 3, 5, 5), (4, 3, 3, 3)), ((2, 4, 5, 5),)) == 2 * 9 * 25 * 3 * 4 * 2


def test_unshared_grad_ops_shapes():
    img, kern = _rand(2, 4, 6, 5), _rand(2, 2, 4, 2, 3, 2)
    x, top = T.tensor4(), T.tensor4()
    w = T.tensor(dtype="float64", broadcastable=(False,) * 6)
    kw = dict(unshared=True, subsample=(2, 1), num_groups=2)
    top_val = _rand(2, 2, 2, 4)
    gw = ac.conv2d_grad_wrt_weights(x, top, (2, 2, 4, 2, 3, 2), **kw)
    gi = ac.conv2d_grad_wrt_inputs(top, w, (2, 4, 6, 5), **kw)
    a, b = theano.function([x, w, top], [gw, gi], mode=FC)(img, kern, top_val)
    assert a.shape == kern.shape and b.shape == img.shape
    assert inferred_shape(gw, [x, top], [img, top_val]) == kern.shape
    assert inferred_shape(gi, [w, top], [kern, top_val]) == img.shape
    # <conv(img, kern), top> is bilinear: both gradients are its partial derivatives
    out = theano.function([x, w], ac.conv2d(x, w, **kw), mode=FC)(img, kern)
    np.testing.assert_allclose((a * kern).sum(), (out * top_val).sum(), rtol=1e-12)
    np.testing.assert_allclose((b * img).sum(), (out * top_val).sum(), rtol=1e-12)
