"""theano.tensor.nnet.sigm: sigmoid, softplus and their approximations."""
import numpy as np
import pytest
import scipy.special as sps

import theano
import theano.tensor as T
from theano.tensor import nnet

from theano.gradient import grad, verify_grad

RNG = np.random.RandomState(42)


def _ultra_ref(x):
    """Theano 1.0's scalar ultra_fast_sigmoid, element by element."""
    out = []
    for v in np.ravel(x).astype("float64"):
        u = 0.5 * v
        a = abs(u)
        if a < 1.7:
            z = 1.5 * a / (1 + a)
        elif a < 3:
            z = 0.935409070603099 + 0.0458812946797165 * (a - 1.7)
        else:
            z = 0.99505475368673
        out.append(0.5 * ((z if u >= 0 else -z) + 1.0))
    return np.array(out).reshape(np.shape(x))


@pytest.mark.parametrize("dtype,out_dtype", [("float32", "float32"), ("float64", "float64"),
                                             ("int8", "float32"), ("int64", "float64")])
def test_sigmoid_and_softplus_values_and_dtypes(dtype, out_dtype):
    x = T.TensorType(dtype, (False, False))()
    xv = (RNG.randn(3, 4) * 5).astype(dtype)
    s, sp = theano.function([x], [nnet.sigmoid(x), nnet.softplus(x)])(xv)
    assert s.dtype == sp.dtype == out_dtype
    tol = 1e-6 if out_dtype == "float32" else 1e-12
    np.testing.assert_allclose(s, sps.expit(xv.astype("float64")), rtol=tol, atol=tol)
    np.testing.assert_allclose(sp, np.logaddexp(0, xv.astype("float64")), rtol=tol, atol=tol)


def test_sigmoid_is_the_tensor_function_and_saturates():
    assert nnet.sigmoid is T.sigmoid and nnet.softplus is T.softplus
    assert nnet.scalar_sigmoid == nnet.sigmoid.scalar_op
    x = T.dvector()
    vals = theano.function([x], [nnet.sigmoid(x), nnet.softplus(x)])(
        np.array([-1e3, 1e3, 0.0]))
    np.testing.assert_array_equal(vals[0], [0.0, 1.0, 0.5])
    np.testing.assert_allclose(vals[1], [0.0, 1e3, np.log(2)])


def test_sigmoid_inplace_overwrites_its_input():
    x = T.dvector()
    f = theano.function([x], nnet.sigmoid_inplace(x), accept_inplace=True)
    xv = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_allclose(f(xv.copy()), sps.expit(xv))
    assert nnet.sigmoid_inplace.destroy_map == {0: [0]}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_ultra_fast_sigmoid(dtype):
    x = T.TensorType(dtype, (False,))()
    xv = np.concatenate([np.linspace(-10, 10, 201), [0.0, 3.4, -3.4, 6.0, -6.0]]).astype(dtype)
    out = theano.function([x], nnet.ultra_fast_sigmoid(x))(xv)
    assert out.dtype == dtype
    np.testing.assert_allclose(out, _ultra_ref(xv), rtol=1e-6, atol=1e-6)
    # it approximates the sigmoid to within 0.03
    assert np.abs(out - sps.expit(xv.astype("float64"))).max() < 0.03
    assert str(nnet.ultra_fast_sigmoid) == "ultra_fast_sigmoid"
    assert nnet.ultra_fast_sigmoid(T.bvector()).type.dtype == "float32"


def test_ultra_fast_sigmoid_inplace():
    x = T.dvector()
    xv = np.array([-4.0, -1.0, 0.5, 7.0])
    f = theano.function([x], nnet.ultra_fast_sigmoid_inplace(x), accept_inplace=True)
    np.testing.assert_allclose(f(xv.copy()), _ultra_ref(xv))


@pytest.mark.parametrize("dtype,out_dtype", [("float32", "float32"), ("float64", "float64"),
                                             ("int16", "float32")])
def test_hard_sigmoid(dtype, out_dtype):
    x = T.TensorType(dtype, (False,))()
    xv = np.array([-10, -2, -1, 0, 1, 2, 3, 10]).astype(dtype)
    out = theano.function([x], nnet.hard_sigmoid(x))(xv)
    assert out.dtype == out_dtype
    np.testing.assert_allclose(out, np.clip(0.2 * xv.astype("float64") + 0.5, 0, 1), rtol=1e-6)


def test_log1mexp_is_accurate_over_the_range():
    x = T.dvector()
    xv = np.array([-1e-20, -1e-8, -0.1, -np.log(2), -1.0, -30.0, -800.0])
    out = nnet.log1mexp(x).eval({x: xv})
    # float64 reference by the branch that is exact in each region
    with np.errstate(divide="ignore"):
        want = np.where(xv > -np.log(2), np.log(-np.expm1(xv)), np.log1p(-np.exp(xv)))
    np.testing.assert_allclose(out, want, rtol=1e-12)
    assert np.isfinite(out).all()
    assert np.isnan(nnet.log1mexp(x).eval({x: np.array([1.0])}))[0]


def test_infer_shape_of_sigmoids():
    from theano.tensor.shape import shape_i

    x = T.dmatrix()
    xv = RNG.randn(2, 5)
    for expr in (nnet.sigmoid(x), nnet.ultra_fast_sigmoid(x), nnet.hard_sigmoid(x),
                 nnet.softplus(x)):
        node = expr.owner
        shp = node.op.infer_shape(None, node, [tuple(shape_i(i, k) for k in range(i.ndim))
                                               for i in node.inputs])[0]
        dims = theano.function([x], [T.as_tensor_variable(d) for d in shp])(xv)
        assert tuple(int(d) for d in dims) == (2, 5)


# ---------------------------------------------------------------------------
# Gradients
# ---------------------------------------------------------------------------
def test_grad_of_sigmoid_and_softplus():
    x = T.dvector()
    xv = np.array([-3.0, 0.0, 2.0, 40.0])
    gs, gp = theano.function([x], [grad(nnet.sigmoid(x).sum(), x),
                                   grad(nnet.softplus(x).sum(), x)])(xv)
    s = sps.expit(xv)
    # Exact value at 40: sigmoid(40) * sigmoid(-40) = 4.25e-18 (s * (1 - s) rounds to 0).
    np.testing.assert_allclose(gs, s * sps.expit(-xv), rtol=1e-12)
    np.testing.assert_allclose(gp, s)
    rng = np.random.RandomState(0)
    verify_grad(nnet.sigmoid, [RNG.randn(3, 4)], rng=rng)
    verify_grad(nnet.softplus, [RNG.randn(3, 4)], rng=rng)


def test_grad_of_approximations():
    rng = np.random.RandomState(0)
    # points away from the breakpoints |x| = 3.4, 6 of the piecewise approximation
    xv = np.array([[-8.0, -4.5, -2.0, -0.3], [0.2, 1.5, 5.0, 9.0]])
    verify_grad(nnet.ultra_fast_sigmoid, [xv], rng=rng)
    verify_grad(nnet.hard_sigmoid, [xv / 3], rng=rng)  # off the clip corners
    verify_grad(nnet.log1mexp, [-np.abs(xv) - 0.1], rng=rng)
    x = T.dvector()
    g = grad(nnet.ultra_fast_sigmoid(x).sum(), x).eval({x: np.array([0.0, 10.0])})
    np.testing.assert_allclose(g, [0.375, 0.0])
    f = T.fvector()
    assert grad(nnet.ultra_fast_sigmoid(f).sum(), f).type.dtype == "float32"


def test_log1mexp_gradient_is_finite_near_zero_and_far():
    x = T.dvector()
    g = grad(nnet.log1mexp(x).sum(), x).eval({x: np.array([-1e-3, -1.0, -800.0])})
    want = -np.exp(np.array([-1e-3, -1.0, -800.0])) / -np.expm1(np.array([-1e-3, -1.0, -800.0]))
    np.testing.assert_allclose(g, want, rtol=1e-9)
