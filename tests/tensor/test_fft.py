"""Tests of theano.tensor.fft against numpy.fft: layout, normalisations, dtypes, gradients."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor import fft
from theano.tensor.fft import IRFFTOp, RFFTOp, irfft_op, rfft_op
from theano.tests import unittest_tools as utt

MODE = "FAST_COMPILE"
N = 16
rng = np.random.RandomState(utt.fetch_seed())


def fn(inputs, outputs):
    return theano.function(inputs, outputs, mode=MODE)


def verify_grad(fun, pt, *args, **kwargs):
    utt.verify_grad(fun, pt, *args, mode=MODE, **kwargs)


def as_complex(pairs):
    return pairs[..., 0] + 1j * pairs[..., 1]


def test_doc_example_box_function():
    # Theano 1.0's documentation: the unitary FFT of a box is a sinc.
    x = T.matrix("x", dtype="float64")
    f_rfft = theano.function([x], fft.rfft(x, norm="ortho"))   # the default mode
    n = 1024
    box = np.zeros((1, n), dtype="float64")
    box[:, n // 2 - 10: n // 2 + 10] = 1
    out = f_rfft(box)
    assert out.shape == (1, n // 2 + 1, 2)
    abs_out = abs(np.asarray(out[0, :, 0] + 1j * out[0, :, 1]))
    np.testing.assert_allclose(abs_out, abs(np.fft.rfft(box[0], norm="ortho")), atol=1e-12)
    assert abs_out[0] == pytest.approx(20 / np.sqrt(n))          # the box's area, unitary
    k = np.arange(1, 40)
    sinc = abs(np.sin(np.pi * 20 * k / n) / np.sin(np.pi * k / n)) / np.sqrt(n)
    np.testing.assert_allclose(abs_out[1:40], sinc, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(1, N), (3, 7), (2, N, N), (2, 5, 6), (2, 3, 4, 5)])
def test_rfft_matches_numpy(dtype, shape):
    x = T.tensor(dtype, (False,) * len(shape))
    val = rng.random_sample(shape).astype(dtype)
    out = fn([x], fft.rfft(x))(val)
    assert out.dtype == dtype
    axes = tuple(range(1, len(shape)))
    expected = np.fft.rfftn(val, axes=axes)
    assert out.shape == expected.shape + (2,)
    utt.assert_allclose(expected, as_complex(out), atol=1e-4 if dtype == "float32" else 1e-10)
    assert utt.inferred_shape(rfft_op(x), [x], [val]) == out.shape


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(1, N // 2 + 1, 2), (3, 4, 2), (2, N, N // 2 + 1, 2),
                                   (2, 3, 4, 5, 2)])
@pytest.mark.parametrize("is_odd", [False, True])
def test_irfft_matches_numpy(dtype, shape, is_odd):
    x = T.tensor(dtype, (False,) * len(shape))
    val = rng.random_sample(shape).astype(dtype)
    out = fn([x], fft.irfft(x, is_odd=is_odd))(val)
    assert out.dtype == dtype
    sizes = shape[1:-2] + (2 * (shape[-2] - 1) + int(is_odd),)
    expected = np.fft.irfftn(as_complex(val), s=sizes, axes=tuple(range(1, len(shape) - 1)))
    assert out.shape == expected.shape
    utt.assert_allclose(expected, out, atol=1e-5 if dtype == "float32" else 1e-12)
    op_out = irfft_op(x)
    assert utt.inferred_shape(op_out, [x], [val]) == shape[:1] + shape[1:-2] + \
        (2 * (shape[-2] - 1),)


@pytest.mark.parametrize("shape", [(1, N), (2, N, N), (3, 5, 7)])
def test_round_trip(shape):
    x = T.dtensor3() if len(shape) == 3 else T.dmatrix()
    val = rng.random_sample(shape)
    spectrum = fft.rfft(x)
    m = spectrum.type()
    back = fn([m], fft.irfft(m, is_odd=shape[-1] % 2 == 1))(fn([x], spectrum)(val))
    np.testing.assert_allclose(back, val, atol=1e-12)
    for norm in ("ortho", "no_norm"):
        scale = 1 if norm == "ortho" else np.prod(shape[1:])
        out = fn([x], fft.irfft(fft.rfft(x, norm), norm, shape[-1] % 2 == 1))(val)
        np.testing.assert_allclose(out, val * scale, atol=1e-10 * scale)


def test_norms():
    val = rng.random_sample((1, N, N))
    x = T.dtensor3()
    ref = np.fft.rfftn(val, axes=(1, 2))
    ortho, no_norm, default = fn([x], [fft.rfft(x, "ortho"), fft.rfft(x, "no_norm"),
                                       fft.rfft(x)])(val)
    np.testing.assert_allclose(as_complex(ortho), ref / N, atol=1e-12)
    np.testing.assert_allclose(as_complex(no_norm), ref, atol=1e-12)
    np.testing.assert_allclose(as_complex(default), ref, atol=1e-12)
    spec = rng.random_sample((1, N, N // 2 + 1, 2))
    s = T.dtensor4()
    iref = np.fft.irfftn(as_complex(spec), axes=(1, 2))
    i_ortho, i_no_norm, i_default = fn([s], [fft.irfft(s, "ortho"), fft.irfft(s, "no_norm"),
                                             fft.irfft(s)])(spec)
    np.testing.assert_allclose(i_ortho, iref * N, atol=1e-12)
    np.testing.assert_allclose(i_no_norm, iref * N ** 2, atol=1e-12)
    np.testing.assert_allclose(i_default, iref, atol=1e-12)


def test_float32_norms_stay_float32_and_int_input():
    x = T.fmatrix()
    for norm in (None, "ortho", "no_norm"):
        assert fft.rfft(x, norm).type.dtype == "float32"
        assert fft.irfft(T.ftensor3(), norm).type.dtype == "float32"
    i = T.imatrix()
    assert fft.rfft(i).type.dtype == "float64"
    val = rng.randint(-5, 5, (2, 6)).astype("int32")
    np.testing.assert_allclose(as_complex(fn([i], fft.rfft(i))(val)), np.fft.rfft(val),
                               atol=1e-12)


def test_ops_with_explicit_sizes():
    x = T.dmatrix()
    s = T.lvector()
    val = rng.random_sample((2, 6))
    padded = fn([x, s], rfft_op(x, s))(val, np.asarray([10]))
    np.testing.assert_allclose(as_complex(padded), np.fft.rfft(val, n=10), atol=1e-12)
    spec = T.dtensor3()
    sv = rng.random_sample((2, 4, 2))
    out = fn([spec, s], irfft_op(spec, s))(sv, np.asarray([7]))
    np.testing.assert_allclose(out, np.fft.irfft(as_complex(sv), n=7) * 7, atol=1e-12)
    assert utt.inferred_shape(rfft_op(x, s), [x, s], [val, np.asarray([10])]) == (2, 6, 2)
    assert RFFTOp() == rfft_op and IRFFTOp() == irfft_op


@pytest.mark.parametrize("shape", [(1, N), (2, N, N), (2, 5, 7)])
@pytest.mark.parametrize("norm", [None, "ortho", "no_norm"])
def test_grad_rfft(shape, norm):
    verify_grad(lambda v: fft.rfft(v, norm=norm), [rng.random_sample(shape)])


@pytest.mark.parametrize("shape", [(1, N // 2 + 1, 2), (2, N, N // 2 + 1, 2), (2, 5, 4, 2)])
@pytest.mark.parametrize("norm", [None, "ortho", "no_norm"])
@pytest.mark.parametrize("is_odd", [False, True])
def test_grad_irfft(shape, norm, is_odd):
    verify_grad(lambda v: fft.irfft(v, norm=norm, is_odd=is_odd),
                    [rng.random_sample(shape)])


def test_grad_float32():
    # Theano 1.0's test: float32 values, the output cast to the input dtype.
    verify_grad(fft.rfft, [rng.random_sample((1, N)).astype("float32")], eps=1e-1)
    verify_grad(fft.irfft, [rng.random_sample((1, N // 2 + 1, 2)).astype("float32")],
                    eps=1e-1)


def test_sizes_are_not_differentiable():
    x = T.dmatrix()
    s = T.lvector()
    g = theano.grad(rfft_op(x, s).sum(), x)
    np.testing.assert_allclose(fn([x, s], g)(np.ones((1, 4)), np.asarray([4])).shape, (1, 4))
    node = rfft_op(x, s).owner
    assert node.op.connection_pattern(node) == [[True], [False]]


def test_errors():
    x = T.dmatrix()
    with pytest.raises(ValueError, match="Invalid value 123 for norm"):
        fft.rfft(x, norm=123)
    with pytest.raises(ValueError, match="Invalid value 123 for norm"):
        fft.irfft(T.dtensor3(), norm=123)
    with pytest.raises(ValueError, match="Invalid value 123 for is_odd"):
        fft.irfft(T.dtensor3(), is_odd=123)
    with pytest.raises(TypeError, match="rfft: the input must have at least 2 dimensions"):
        fft.rfft(T.dvector())
    with pytest.raises(TypeError, match="irfft: the input must have at least 3 dimensions"):
        fft.irfft(x)
    with pytest.raises(TypeError, match="RFFTOp: the input must be real"):
        rfft_op(T.zmatrix())
    with pytest.raises(TypeError, match="sizes s must be a vector of integers"):
        rfft_op(x, T.dvector())
    with pytest.raises(ValueError, match="one size for each of the 1 transformed axes"):
        rfft_op(x, [4, 4])
    spec = T.dtensor3()
    f = fn([spec], irfft_op(spec))
    with pytest.raises(ValueError, match="last axis must hold the real and imaginary parts"):
        f(np.zeros((1, 4, 3)))
