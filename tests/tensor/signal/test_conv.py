"""theano.tensor.signal.conv.conv2d: 2-d convolution of images (or stacks) with filters."""
import numpy as np
import pytest
from scipy import signal

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.signal import conv

RNG = np.random.RandomState(13)
FC = "FAST_COMPILE"


def _tensor(ndim, dtype="float64"):
    return T.tensor(dtype=dtype, broadcastable=(False,) * ndim)


def ref(img, filt, mode, subsample):
    """SciPy's convolve2d for every (image, filter) pair, with the stack axes kept as given."""
    imgs = img if img.ndim == 3 else img[None]
    filts = filt if filt.ndim == 3 else filt[None]
    out = np.array([[signal.convolve2d(i, f, mode=mode)[::subsample[0], ::subsample[1]]
                     for f in filts] for i in imgs])
    if img.ndim == 2:
        out = out[0]
    if filt.ndim == 2:
        out = out[..., 0, :, :] if img.ndim == 3 else out[0]
    return out


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mode,subsample", [("valid", (1, 1)), ("full", (1, 1)),
                                            ("valid", (2, 1)), ("full", (2, 3))])
@pytest.mark.parametrize("img_nd,filt_nd", [(2, 2), (3, 2), (2, 3), (3, 3)])
def test_conv2d_matches_scipy(img_nd, filt_nd, mode, subsample, dtype):
    img = RNG.randn(*((3,) if img_nd == 3 else ()) + (7, 6)).astype(dtype)
    filt = RNG.randn(*((2,) if filt_nd == 3 else ()) + (3, 2)).astype(dtype)
    x, w = _tensor(img_nd, dtype), _tensor(filt_nd, dtype)
    out = conv.conv2d(x, w, image_shape=img.shape, filter_shape=filt.shape, border_mode=mode,
                      subsample=subsample)
    got = theano.function([x, w], out, mode=FC)(img, filt)
    want = ref(img.astype("float64"), filt.astype("float64"), mode, subsample)
    assert got.shape == want.shape and got.dtype == dtype
    assert out.type.ndim == want.ndim
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_docstring_example_and_default_mode():
    img, filt = T.dmatrix("img"), T.dmatrix("filt")
    f = theano.function([img, filt], conv.conv2d(img, filt, border_mode="full"))
    np.testing.assert_array_equal(f(np.arange(4.).reshape(2, 2), np.ones((2, 2))),
                                  [[0, 1, 1], [2, 6, 4], [2, 5, 3]])


def test_gradients():
    verify_grad(lambda a, b: conv.conv2d(a, b, border_mode="full", subsample=(2, 1)),
                [RNG.randn(2, 5, 4), RNG.randn(3, 2, 2)], rng=RNG, mode=FC)
    verify_grad(lambda a, b: conv.conv2d(a, b), [RNG.randn(5, 4), RNG.randn(2, 3)], rng=RNG,
                mode=FC)


def test_errors():
    with pytest.raises(TypeError, match="input must be a 2-d or 3-d tensor"):
        conv.conv2d(T.tensor4(), T.dmatrix())
    with pytest.raises(TypeError, match="filters must be a 2-d or 3-d tensor"):
        conv.conv2d(T.dmatrix(), T.dvector())
    with pytest.raises(ValueError, match="'valid' or 'full'"):
        conv.conv2d(T.dmatrix(), T.dmatrix(), border_mode="half")
    x, w = T.dtensor3(), T.dmatrix()
    f = theano.function([x, w], conv.conv2d(x, w, image_shape=(2, 5, 5)), mode=FC)
    with pytest.raises(ValueError, match="built for"):
        f(RNG.randn(3, 5, 5), RNG.randn(2, 2))
