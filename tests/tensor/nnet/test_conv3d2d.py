"""theano.tensor.nnet.conv3d2d: Theano 1.0's movie convolution and its diagonal ops."""
import numpy as np
import pytest
from scipy.signal import convolve

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.nnet import conv3d2d
from theano.tensor.nnet.conv3d2d import (DiagonalSubtensor, IncDiagonalSubtensor, conv3d,
                                         diagonal_subtensor, get_diagonal_subtensor_view,
                                         inc_diagonal_subtensor)
from theano.tests.unittest_tools import inferred_shape

RNG = np.random.default_rng(11)
T5 = T.TensorType("float64", (False,) * 5)


def ref_conv3d(s, f, modes):
    """scipy.signal.convolve over (time, rows, cols), summed over input channels."""
    pads = [0 if m == "valid" else k - 1 if m == "full" else k // 2
            for m, k in zip(modes, (f.shape[1], f.shape[3], f.shape[4]))]
    sp = np.pad(s, ((0, 0), (pads[0],) * 2, (0, 0), (pads[1],) * 2, (pads[2],) * 2))
    out = [[sum(convolve(sp[n, :, c], f[o, :, c], mode="valid") for c in range(s.shape[2]))
            for o in range(f.shape[0])] for n in range(s.shape[0])]
    return np.array(out).transpose(0, 2, 1, 3, 4)


@pytest.mark.parametrize("modes", [("valid",) * 3, ("full",) * 3, ("half",) * 3,
                                   ("valid", "full", "half"), ("full", "valid", "valid")])
def test_conv3d_matches_scipy(modes):
    s = RNG.standard_normal((2, 7, 3, 8, 9))
    f = RNG.standard_normal((4, 3, 3, 3, 2))
    S, F = T5("s"), T5("f")
    bm = modes[0] if len(set(modes)) == 1 else modes
    out = conv3d(S, F, border_mode=bm)
    got = theano.function([S, F], out)(s, f)
    want = ref_conv3d(s, f, modes)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    assert inferred_shape(out, [S, F], [s, f]) == want.shape


def test_conv3d_with_shapes_given_float32_and_a_zero_size_batch():
    s = RNG.standard_normal((2, 5, 2, 6, 6)).astype("float32")
    f = RNG.standard_normal((3, 2, 2, 3, 3)).astype("float32")
    S, F = T.TensorType("float32", (False,) * 5)(), T.TensorType("float32", (False,) * 5)()
    fn = theano.function([S, F], conv3d(S, F, signals_shape=(None,) + s.shape[1:],
                                        filters_shape=f.shape))
    got = fn(s, f)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, ref_conv3d(s.astype(float), f.astype(float),
                                               ("valid",) * 3), rtol=1e-5, atol=1e-5)
    assert fn(s[:0], f).shape == (0, 4, 3, 4, 4)


def test_conv3d_equals_theano_1s_diagonal_construction():
    # Theano 1.0: 2-d convolutions of every (frame, filter frame) pair, then the sum along
    # the diagonal of the two time axes
    s = RNG.standard_normal((2, 6, 3, 7, 7))
    f = RNG.standard_normal((4, 3, 3, 2, 3))
    S, F = T5("s"), T5("f")
    ns, ts, c, h, w = s.shape
    nf, tf, _, hf, wf = f.shape
    out4 = T.nnet.conv2d(S.reshape((ns * ts, c, h, w)), F.reshape((nf * tf, c, hf, wf)))
    tmp = out4.reshape((ns, ts, nf, tf, h - hf + 1, w - wf + 1))
    old = diagonal_subtensor(tmp, 1, 3).sum(axis=3)
    fn = theano.function([S, F], [old, conv3d(S, F)])
    a, b = fn(s, f)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_conv3d_gradients():
    s = RNG.standard_normal((1, 4, 2, 5, 4))
    f = RNG.standard_normal((2, 2, 2, 2, 3))
    verify_grad(lambda a, b: conv3d(a, b), [s, f], rng=np.random.RandomState(1))
    verify_grad(lambda a, b: conv3d(a, b, border_mode=("full", "valid", "half")), [s, f],
                rng=np.random.RandomState(2))


def test_conv3d_bad_arguments_are_named():
    S, F = T5("s"), T5("f")
    with pytest.raises(ValueError, match="border_mode.*'same'"):
        conv3d(S, F, border_mode="same")
    with pytest.raises(TypeError, match="filters must be a 5-d tensor"):
        conv3d(S, T.tensor4("f4"))
    with pytest.raises(ValueError, match="signals_shape must have 5 entries"):
        conv3d(S, F, signals_shape=(1, 2, 3))


def test_diagonal_view_is_a_view_of_the_anti_diagonals():
    x = np.arange(7 * 4 * 2, dtype=float).reshape(7, 4, 2)
    v = get_diagonal_subtensor_view(x, 0, 1)
    assert v.shape == (4, 4, 2)
    for a in range(4):
        for b in range(4):
            np.testing.assert_array_equal(v[a, b], x[a + 3 - b, b])
    v[0, 0, 0] = -1
    assert x[3, 0, 0] == -1
    with pytest.raises(ValueError, match="at least as long"):
        get_diagonal_subtensor_view(np.zeros((2, 3)), 0, 1)


@pytest.mark.parametrize("shape,i0,i1", [((6, 3, 2), 0, 1), ((2, 3, 6, 4), 2, 3),
                                         ((5, 2, 5), 2, 0)])
def test_diagonal_ops_values_shapes_and_gradients(shape, i0, i1):
    x = RNG.standard_normal(shape)
    X = T.TensorType("float64", (False,) * len(shape))("x")
    d = diagonal_subtensor(X, i0, i1)
    want = get_diagonal_subtensor_view(x, i0, i1)
    np.testing.assert_array_equal(theano.function([X], d)(x), want)
    assert inferred_shape(d, [X], [x]) == want.shape
    amt = RNG.standard_normal(want.shape)
    A = T.TensorType("float64", (False,) * len(shape))("a")
    inc = inc_diagonal_subtensor(X, i0, i1, A)
    expect = x.copy()
    get_diagonal_subtensor_view(expect, i0, i1)[...] += amt
    xin = x.copy()
    np.testing.assert_array_equal(theano.function([X, A], inc)(xin, amt), expect)
    np.testing.assert_array_equal(xin, x)          # not destroyed
    verify_grad(lambda a: diagonal_subtensor(a, i0, i1), [x], rng=np.random.RandomState(3))
    verify_grad(lambda a, b: inc_diagonal_subtensor(a, i0, i1, b), [x, amt],
                rng=np.random.RandomState(4))


def test_inplace_variants_and_props():
    assert DiagonalSubtensor(True).view_map == {0: [0]}
    assert IncDiagonalSubtensor(True).destroy_map == {0: [0]}
    assert DiagonalSubtensor() == diagonal_subtensor != DiagonalSubtensor(True)
    assert str(IncDiagonalSubtensor(True)) == "IncDiagonalSubtensor{inplace}"
    x = RNG.standard_normal((5, 2))
    X = T.dmatrix()
    with pytest.raises(ValueError, match="amt must have the shape"):
        theano.function([X], inc_diagonal_subtensor(X, 0, 1, T.zeros((3, 3))))(x)
    with pytest.raises(TypeError, match="i0 must be an integer scalar"):
        diagonal_subtensor(X, 0.5, 1)


def test_module_is_reachable_as_in_theano_1():
    assert T.nnet.conv3d2d is conv3d2d
    from theano.tensor.nnet.conv3d2d import conv3d as c3   # noqa: F401
