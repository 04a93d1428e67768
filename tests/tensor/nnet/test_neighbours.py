"""theano.tensor.nnet.neighbours: images2neibs, neibs2images and their gradients."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.nnet.neighbours import Images2Neibs, images2neibs, neibs2images
from theano.tests.unittest_tools import inferred_shape

RNG = np.random.RandomState(3)
FC = "FAST_COMPILE"


def ref_images2neibs(x, neib_shape, neib_step, mode):
    """The loop of Theano 1.0's documentation, one patch at a time."""
    c, d = neib_shape
    sx, sy = neib_step
    n, s, h, w = x.shape
    if mode == "half":
        x = np.pad(x, ((0, 0), (0, 0), (c // 2, c // 2), (d // 2, d // 2)))
    elif mode == "full":
        x = np.pad(x, ((0, 0), (0, 0), (c - 1, c - 1), (d - 1, d - 1)))
    rows = []
    if mode == "wrap_centered":
        grid = (-(-h // sx), -(-w // sy))
    else:
        grid = ((x.shape[2] - c) // sx + 1, (x.shape[3] - d) // sy + 1)
    for a in range(n):
        for b in range(s):
            for i in range(grid[0]):
                for j in range(grid[1]):
                    if mode == "wrap_centered":
                        r = (i * sx + np.arange(c) - c // 2) % h
                        q = (j * sy + np.arange(d) - d // 2) % w
                        rows.append(x[a, b][np.ix_(r, q)].ravel())
                    else:
                        rows.append(x[a, b, i * sx:i * sx + c, j * sy:j * sy + d].ravel())
    return np.array(rows).reshape(-1, c * d)


CASES = [
    ("valid", (2, 3, 6, 8), (2, 2), None),
    ("valid", (1, 2, 7, 8), (3, 2), (2, 3)),
    ("ignore_borders", (1, 2, 7, 9), (2, 4), None),
    ("ignore_borders", (2, 1, 7, 9), (3, 3), (2, 2)),
    ("half", (1, 2, 5, 6), (3, 2), (1, 2)),
    ("full", (1, 1, 4, 5), (2, 3), (1, 1)),
    ("wrap_centered", (1, 2, 5, 7), (3, 3), (2, 3)),
    ("wrap_centered", (2, 1, 4, 4), (3, 1), None),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mode,shape,neib_shape,neib_step", CASES)
def test_images2neibs_matches_loop(mode, shape, neib_shape, neib_step, dtype):
    xv = RNG.randn(*shape).astype(dtype)
    x = T.tensor4(dtype=dtype)
    out = images2neibs(x, neib_shape, neib_step, mode=mode)
    got = theano.function([x], out, mode=FC)(xv)
    want = ref_images2neibs(xv, neib_shape, neib_step or neib_shape, mode)
    np.testing.assert_array_equal(got, want)
    assert got.dtype == dtype
    assert inferred_shape(out, [x], [xv]) == want.shape


@pytest.mark.parametrize("mode,shape,neib_shape,neib_step", CASES)
def test_images2neibs_gradient(mode, shape, neib_shape, neib_step):
    # Overlapping patches, padding and wrapping all have a gradient (Theano 1.0
    # only differentiated 'valid' and 'ignore_borders').
    verify_grad(lambda v: images2neibs(v, neib_shape, neib_step, mode=mode),
                [RNG.randn(*shape)], rng=RNG, mode=FC)


def test_symbolic_neib_shape_and_second_order():
    x = T.tensor4()
    ns = T.lvector()
    out = images2neibs(x, ns)
    xv = RNG.randn(1, 2, 4, 6)
    f = theano.function([x, ns], out, mode=FC)
    np.testing.assert_array_equal(f(xv, [2, 3]), ref_images2neibs(xv, (2, 3), (2, 3), "valid"))
    assert inferred_shape(out, [x, ns], [xv, [2, 3]]) == (8, 6)
    verify_grad(lambda v: T.grad((images2neibs(v, (2, 2), (1, 1)) ** 2).sum(), v),
                [RNG.randn(1, 1, 4, 4)], rng=RNG, mode=FC)


def test_doc_example_and_inverse():
    images = T.tensor4("images")
    neibs = images2neibs(images, neib_shape=(5, 5))
    window_function = theano.function([images], neibs)
    im_val = np.arange(100.).reshape((1, 1, 10, 10))
    neibs_val = window_function(im_val)
    assert neibs_val.shape == (4, 25)
    np.testing.assert_array_equal(neibs_val[0], im_val[0, 0, :5, :5].ravel())
    np.testing.assert_array_equal(neibs_val[1], im_val[0, 0, :5, 5:].ravel())
    im_new = neibs2images(neibs, (5, 5), im_val.shape)
    inv_window = theano.function([images], im_new)
    np.testing.assert_array_equal(inv_window(im_val), im_val)
    # from the patch matrix, as in the documentation
    m = T.matrix()
    back = theano.function([m], neibs2images(m, (5, 5), im_val.shape))(neibs_val)
    np.testing.assert_array_equal(back, im_val)


def test_neibs2images_modes():
    x = T.tensor4()
    xv = RNG.randn(2, 3, 7, 9)
    # ignore_borders: the uncovered border is zero
    out = neibs2images(images2neibs(x, (2, 4), mode="ignore_borders"), (2, 4), x.shape,
                       mode="ignore_borders")
    got = theano.function([x], out, mode=FC)(xv)
    want = xv.copy()
    want[:, :, 6:, :] = 0
    want[:, :, :, 8:] = 0
    np.testing.assert_array_equal(got, want)
    # half mode with patches tiling the padded image: exact inverse
    yv = RNG.randn(1, 2, 7, 7)
    out = neibs2images(images2neibs(x, (3, 3), mode="half"), (3, 3), x.shape, mode="half")
    np.testing.assert_allclose(theano.function([x], out, mode=FC)(yv), yv)
    assert inferred_shape(out, [x], [yv]) == yv.shape


def test_errors():
    x = T.tensor4()
    with pytest.raises(TypeError, match="4-d tensor"):
        images2neibs(T.matrix(), (2, 2))
    with pytest.raises(ValueError, match="mode must be one of"):
        Images2Neibs("same")
    with pytest.raises(TypeError, match="vector of 2 integers"):
        images2neibs(x, T.dvector())
    with pytest.raises(ValueError, match="2 entries"):
        images2neibs(x, (2, 2, 2))
    f = theano.function([x], images2neibs(x, (2, 3)), mode=FC)
    with pytest.raises(TypeError, match="not consistent"):
        f(RNG.randn(1, 1, 4, 5))
    g = theano.function([x], images2neibs(x, (2, 2), mode="wrap_centered"), mode=FC)
    with pytest.raises(TypeError, match="odd"):
        g(RNG.randn(1, 1, 4, 4))
    h = theano.function([x], images2neibs(x, (3, 3), mode="wrap_centered"), mode=FC)
    with pytest.raises(TypeError, match="smaller"):
        h(RNG.randn(1, 1, 2, 4))
    s = T.lvector()
    k = theano.function([x, s], images2neibs(x, (2, 2), s), mode=FC)
    with pytest.raises(ValueError, match="<= 0"):
        k(RNG.randn(1, 1, 4, 4), [0, 1])
    m = T.matrix()
    back = theano.function([m], neibs2images(m, (2, 2), (1, 1, 4, 4)), mode=FC)
    with pytest.raises(ValueError, match="patch matrix must have shape"):
        back(RNG.randn(3, 4))


def test_default_mode_and_dtypes():
    x = T.itensor4()
    f = theano.function([x], images2neibs(x, (2, 2)))
    xv = np.arange(32, dtype="int32").reshape(1, 2, 4, 4)
    got = f(xv)
    assert got.dtype == "int32"
    np.testing.assert_array_equal(got, ref_images2neibs(xv, (2, 2), (2, 2), "valid"))
    assert str(Images2Neibs("half")) == "Images2Neibs{half}"
