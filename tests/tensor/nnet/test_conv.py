"""theano.tensor.nnet.conv (old interface, ConvOp) and the nnet.conv2d / conv2d_transpose API."""
import warnings

import numpy as np
import pytest
from scipy import signal

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.nnet import abstract_conv as ac
from theano.tensor.nnet import conv, conv_api
from theano.tests.unittest_tools import inferred_shape

RNG = np.random.RandomState(7)
FC = "FAST_COMPILE"


def _rand(*shape, dtype="float64"):
    return RNG.randn(*shape).astype(dtype)


def ref(img, kern, mode="valid", subsample=(1, 1)):
    out = np.array([[sum(signal.convolve2d(img[b, c], kern[f, c], mode=mode)
                         for c in range(img.shape[1])) for f in range(kern.shape[0])]
                    for b in range(img.shape[0])])
    return out[:, :, ::subsample[0], ::subsample[1]]


def _old_conv2d(*args, **kwargs):
    with pytest.warns(UserWarning, match="nnet.conv.conv2d is deprecated"):
        return conv.conv2d(*args, **kwargs)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mode,subsample", [("valid", (1, 1)), ("full", (1, 1)),
                                            ("valid", (2, 3)), ("full", (3, 2))])
def test_old_conv2d_matches_scipy(mode, subsample, dtype):
    img, kern = _rand(2, 3, 8, 7, dtype=dtype), _rand(4, 3, 3, 2, dtype=dtype)
    x, w = T.tensor4(dtype=dtype), T.tensor4(dtype=dtype)
    out = _old_conv2d(x, w, image_shape=img.shape, filter_shape=kern.shape, border_mode=mode,
                      subsample=subsample, unroll_batch=2, unroll_kern=2)
    got = theano.function([x, w], out, mode=FC)(img, kern)
    assert got.dtype == dtype
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(got, ref(img, kern, mode, subsample), rtol=tol, atol=tol)
    assert inferred_shape(out, [x, w], [img, kern]) == got.shape


def test_old_conv2d_errors():
    x, w = T.tensor4(), T.tensor4()
    with pytest.raises(ValueError, match="'valid' or 'full'"):
        _old_conv2d(x, w, border_mode="half")
    with pytest.raises(ValueError, match="channels"):
        _old_conv2d(x, w, image_shape=(1, 3, 5, 5), filter_shape=(2, 2, 3, 3))
    with pytest.raises(ValueError, match="imshp_logical"):
        _old_conv2d(x, w, imshp_logical=(1, 10, 10))
    f = theano.function([x, w], _old_conv2d(x, w, image_shape=(2, 1, 5, 5)), mode=FC)
    with pytest.raises(ValueError, match="built for"):
        f(_rand(3, 1, 5, 5), _rand(1, 1, 2, 2))


def test_convop_direct_and_gradient():
    op = conv.ConvOp(imshp=(2, 6, 5), kshp=(3, 2), nkern=3, bsize=2, dx=2, dy=1,
                     output_mode="full", unroll_patch=True)
    img, kern = _rand(2, 2, 6, 5), _rand(3, 2, 3, 2)
    x, w = T.tensor4(), T.tensor4()
    out = op(x, w)
    got = theano.function([x, w], out, mode=FC)(img, kern)
    np.testing.assert_allclose(got, ref(img, kern, "full", (2, 1)), rtol=1e-12)
    assert inferred_shape(out, [x, w], [img, kern]) == got.shape
    verify_grad(op, [img, kern], rng=RNG, mode=FC)
    np.testing.assert_array_equal(conv.ConvOp.getOutputShape((6, 5), (3, 2), (2, 1), "full"),
                                  got.shape[2:])
    np.testing.assert_array_equal(conv.ConvOp.getOutputShape((6, 5), (3, 2), (2, 2)), (2, 2))
    assert op == conv.ConvOp(imshp=(2, 6, 5), kshp=(3, 2), nkern=3, bsize=2, dx=2, dy=1,
                             output_mode="full", unroll_patch=True)
    with pytest.raises(ValueError, match="output_mode"):
        conv.ConvOp(output_mode="half")


def test_nnet_conv2d_interface():
    img, kern = _rand(2, 3, 9, 9), _rand(4, 3, 3, 3)
    x, w = T.tensor4(), T.tensor4()
    f = theano.function([x, w], conv_api.conv2d(x, w, subsample=(2, 2)))
    np.testing.assert_allclose(f(img, kern), ref(img, kern, subsample=(2, 2)), rtol=1e-12)
    assert f(np.ones((2, 3, 9, 9)), np.ones((4, 3, 3, 3))).shape == (2, 4, 4, 4)
    with pytest.warns(UserWarning, match="image_shape"):
        out = conv_api.conv2d(x, w, image_shape=(2, 3, 9, 9))
    assert out.owner.op.imshp == (2, 3, 9, 9)
    with pytest.warns(UserWarning, match="deprecated"):
        conv_api.conv2d(x, w, unroll_batch=4)
    with pytest.raises(ValueError, match="same time"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        conv_api.conv2d(x, w, input_shape=(2, 3, 9, 9), image_shape=(2, 3, 9, 9))
    with pytest.raises(ValueError, match="imshp_logical"):
        conv_api.conv2d(x, w, imshp_logical=(3, 9, 9))


@pytest.mark.parametrize("kw", [dict(), dict(input_dilation=(2, 2)),
                                dict(border_mode="half", input_dilation=(2, 1)),
                                dict(border_mode=(1, 2), filter_flip=False, num_groups=2)])
def test_conv2d_transpose_is_gradient_of_conv2d(kw):
    g = kw.get("num_groups", 1)
    fwd_kw = {("subsample" if k == "input_dilation" else k): v for k, v in kw.items()}
    out_shape = (2, 2 * g, 7, 6)
    kern = _rand(2 * g, 2, 3, 3)              # (conv input channels.., conv2d layout)
    x, w, top = T.tensor4(), T.tensor4(), T.tensor4()
    fwd = ac.conv2d(x, w, **fwd_kw)
    top_shape = theano.function([x, w], fwd, mode=FC)(np.zeros(out_shape), kern).shape
    top_val = _rand(*top_shape)
    tr = conv_api.conv2d_transpose(top, w, out_shape, **kw)
    grad = T.grad((fwd * top).sum(), x)
    a, b = theano.function([x, w, top], [tr, grad], mode=FC)(np.zeros(out_shape), kern, top_val)
    assert a.shape == out_shape
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_conv2d_transpose_doc_example():
    x, w = T.tensor4("x"), T.tensor4("w")
    y = conv_api.conv2d_transpose(x, w, output_shape=(1, 1, 7, 7), input_dilation=(2, 2))
    out = theano.function([x, w], y)(np.ones((1, 2, 3, 3)), np.ones((2, 1, 3, 3)))
    assert out.shape == (1, 1, 7, 7)
    # each input pixel spreads a 3x3 block of 2s (two channels) at stride 2
    assert out[0, 0, 0, 0] == 2 and out[0, 0, 2, 2] == 8


def test_lenet_layer_trains_with_old_interface():
    """One LeNet conv-pool layer of the Deep Learning Tutorials, trained a few steps."""
    from theano.tensor.signal import pool
    rng = np.random.RandomState(1)
    x = T.matrix("x")
    y = T.ivector("y")
    W = theano.shared(rng.uniform(-0.3, 0.3, (4, 1, 3, 3)), name="W")
    b = theano.shared(np.zeros(4), name="b")
    V = theano.shared(rng.uniform(-0.1, 0.1, (4 * 3 * 3, 2)), name="V")
    img = x.reshape((10, 1, 8, 8))
    out = _old_conv2d(img, W, filter_shape=(4, 1, 3, 3), image_shape=(10, 1, 8, 8))
    h = T.tanh(pool.pool_2d(out, ws=(2, 2), ignore_border=True) + b.dimshuffle("x", 0, "x", "x"))
    p = T.nnet.softmax(T.dot(h.flatten(2), V))
    cost = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    params = [W, b, V]
    train = theano.function([x, y], cost, updates=[(q, q - 0.5 * g)
                                                   for q, g in zip(params, T.grad(cost, params))])
    xv = rng.rand(10, 64)
    yv = (xv[:, :32].sum(1) > xv[:, 32:].sum(1)).astype("int32")
    costs = [train(xv, yv) for _ in range(30)]
    assert costs[-1] < costs[0] * 0.8
