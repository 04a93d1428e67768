"""theano.tensor.nnet.bn: batch normalization functions, ops and gradients."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.nnet import bn
from theano.tests.unittest_tools import inferred_shapes

RNG = np.random.RandomState(11)
FC = "FAST_COMPILE"


def _rand(*shape, dtype="float64"):
    return RNG.randn(*shape).astype(dtype)


def _ref_train(x, gamma, beta, axes, eps=1e-4):
    mean = x.mean(axes, keepdims=True)
    var = x.var(axes, keepdims=True)
    invstd = 1 / np.sqrt(var + eps)
    return (x - mean) * gamma * invstd + beta, mean, invstd, var


@pytest.mark.parametrize("mode", ["low_mem", "high_mem"])
def test_batch_normalization(mode):
    x, g, b, m, s = T.dmatrix(), T.dvector(), T.dvector(), T.dvector(), T.dvector()
    out = bn.batch_normalization(x, g, b, m, s, mode=mode)
    vals = [_rand(4, 3), _rand(3), _rand(3), _rand(3), RNG.rand(3) + 0.5]
    got = theano.function([x, g, b, m, s], out)(*vals)
    xv, gv, bv, mv, sv = vals
    np.testing.assert_allclose(got, (xv - mv) / sv * gv + bv, rtol=1e-12)
    verify_grad(lambda *a: bn.batch_normalization(*a, mode=mode), vals, rng=RNG, mode=FC)
    with pytest.raises(ValueError, match="low_mem"):
        bn.batch_normalization(x, g, b, m, s, mode="fast")


def test_batch_normalization_docstring_example():
    x = T.dmatrix("x")
    m, s = x.mean(0, keepdims=True), x.std(0, keepdims=True)
    y = bn.batch_normalization(x, np.ones((1, 2)), np.zeros((1, 2)), m, s)
    np.testing.assert_allclose(theano.function([x], y)(np.array([[1., 10.], [3., 30.]])),
                               [[-1, -1], [1, 1]])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("axes,shape,full_params", [
    ("per-activation", (5, 3), False), ("per-activation", (5, 3), True),
    ("spatial", (3, 4, 2, 5), False), ("spatial", (3, 4, 2, 5), True),
    ((0, 2), (3, 4, 5), False), ((1,), (3, 4, 5), True)])
def test_batch_normalization_train(axes, shape, full_params, dtype):
    ndim = len(shape)
    ax = {"per-activation": (0,), "spatial": (0,) + tuple(range(2, ndim))}.get(axes, axes)
    pshape = tuple(1 if i in ax else n for i, n in enumerate(shape))
    small = tuple(n for i, n in enumerate(shape) if i not in ax)
    p_shape = pshape if full_params else small
    xv = _rand(*shape, dtype=dtype)
    gv, bv = _rand(*p_shape, dtype=dtype), _rand(*p_shape, dtype=dtype)
    rmv, rvv = _rand(*p_shape, dtype=dtype), RNG.rand(*p_shape).astype(dtype)
    x = T.tensor(dtype=dtype, broadcastable=(False,) * ndim)
    pt = [T.tensor(dtype=dtype, broadcastable=(False,) * len(p_shape)) for _ in range(4)]
    if full_params:
        pt = [T.addbroadcast(p, *ax) for p in pt]
    outs = bn.batch_normalization_train(x, pt[0], pt[1], axes, epsilon=1e-4,
                                        running_average_factor=0.3, running_mean=pt[2],
                                        running_var=pt[3])
    got = theano.function([x] + pt, list(outs), mode=FC)(xv, gv, bv, rmv, rvv)
    out, mean, invstd, var = _ref_train(xv.astype("float64"), gv.reshape(pshape),
                                        bv.reshape(pshape), ax)
    m = np.prod([shape[a] for a in ax])
    want = [out, mean.reshape(p_shape), invstd.reshape(p_shape),
            rmv * 0.7 + 0.3 * mean.reshape(p_shape),
            rvv * 0.7 + 0.3 * (m / (m - 1)) * var.reshape(p_shape)]
    tol = 1e-4 if dtype == "float32" else 1e-10
    for a, b in zip(got, want):
        assert a.dtype == dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
    assert inferred_shapes(list(outs), [x] + pt, [xv, gv, bv, rmv, rvv]) == \
        [w.shape for w in want]


def test_batch_normalization_train_matches_documented_graph():
    """The formula of Theano 1.0's documentation, written with tensor ops."""
    x = T.tensor4()
    raw = [T.tensor4() for _ in range(4)]
    gamma, beta, rm, rv = (T.addbroadcast(v, 0, 2, 3) for v in raw)
    axes, eps, f = (0, 2, 3), 1e-4, 0.1
    mean = x.mean(axes, keepdims=True)
    var = x.var(axes, keepdims=True)
    invstd = T.inv(T.sqrt(var + eps))
    out = (x - mean) * gamma * invstd + beta
    m = T.cast(T.prod(x.shape) / T.prod(mean.shape), "float64")
    new_rm = rm * (1 - f) + mean * f
    new_rv = rv * (1 - f) + (m / (m - 1)) * var * f
    ours = bn.batch_normalization_train(x, gamma, beta, "spatial", eps, f, rm, rv)
    vals = [_rand(4, 3, 2, 2)] + [_rand(1, 3, 1, 1) for _ in range(3)] + [RNG.rand(1, 3, 1, 1)]
    fn = theano.function([x] + raw, [out, mean, invstd, new_rm, new_rv] +
                         list(ours), mode=FC)
    res = fn(*vals)
    for a, b in zip(res[:5], res[5:]):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_batch_normalization_train_gradients():
    xv, gv, bv = _rand(4, 3, 2, 2), _rand(3), _rand(3)
    verify_grad(lambda x, g, b: bn.batch_normalization_train(x, g, b, "spatial")[0],
                [xv, gv, bv], rng=RNG, mode=FC)
    # Gradients flowing through the returned statistics as well (Theano 1.0 dropped them).
    verify_grad(lambda x, g, b: sum(r.sum() * c for r, c in zip(
        bn.batch_normalization_train(x, g, b, "spatial"), (1.0, 2.0, 3.0))),
        [xv, gv, bv], rng=RNG, mode=FC)
    verify_grad(lambda x, rm, rv: sum((r * c).sum() for r, c in zip(
        bn.batch_normalization_train(x, gv, bv, "spatial", running_mean=rm, running_var=rv)[3:],
        (2.0, 3.0))), [xv, _rand(3), RNG.rand(3)], rng=RNG, mode=FC)
    # only the mean is used: scale and bias are disconnected
    x = T.tensor4()
    mean = bn.batch_normalization_train(x, T.dvector(), T.dvector(), "spatial")[1]
    assert T.grad(mean.sum(), x) is not None


def test_batch_normalization_second_order():
    def f(x, g, b):
        out = bn.batch_normalization_train(x, g, b, (0,))[0]
        gx, gg = T.grad((out ** 2 * b).sum(), [x, g])
        return (gx ** 2).sum() + (gg ** 2).sum()
    verify_grad(f, [_rand(5, 3), _rand(3) * 0.5, _rand(3) * 0.5], rng=RNG, mode=FC,
                abs_tol=1e-4, rel_tol=1e-4)


def test_train_grad_op_gradients():
    op = bn.AbstractBatchNormTrainGrad((0, 2))
    vals = [_rand(3, 2, 4), _rand(3, 2, 4), _rand(1, 2, 1), _rand(1, 2, 1), RNG.rand(1, 2, 1) + .5]
    for k in range(3):
        def f(x, dy, s, m, i, k=k):
            s, m, i = (T.addbroadcast(v, 0, 2) for v in (s, m, i))
            return op(x, dy, s, m, i, 1e-4)[k]
        verify_grad(f, vals, rng=RNG, mode=FC)
    x = T.tensor3()
    s, m, i = (T.addbroadcast(T.tensor3(), 0, 2) for _ in range(3))
    outs = op(x, x, s, m, i)
    assert inferred_shapes(outs, [x, s.owner.inputs[0], m.owner.inputs[0], i.owner.inputs[0]],
                           vals[:1] + vals[2:]) == [(3, 2, 4), (1, 2, 1), (1, 2, 1)]


def test_batch_normalization_test():
    xv = _rand(4, 3, 2, 2)
    pv = [_rand(3), _rand(3), _rand(3), RNG.rand(3) + 0.5]
    x = T.tensor4()
    ps = [T.dvector() for _ in range(4)]
    out = bn.batch_normalization_test(x, *ps, axes="spatial", epsilon=1e-3)
    got = theano.function([x] + ps, out)(xv, *pv)
    g, b, m, v = (p.reshape(1, 3, 1, 1) for p in pv)
    np.testing.assert_allclose(got, (xv - m) * g / np.sqrt(v + 1e-3) + b, rtol=1e-12)
    assert inferred_shapes([out], [x] + ps, [xv] + pv) == [xv.shape]
    verify_grad(lambda *a: bn.batch_normalization_test(*a, axes="spatial"), [xv] + pv,
                rng=RNG, mode=FC)
    full = [T.addbroadcast(T.dmatrix(), 0) for _ in range(4)]
    out2 = bn.batch_normalization_test(T.dmatrix(), *full)
    assert out2.type.ndim == 2


def test_errors():
    x, v = T.dmatrix(), T.dvector()
    with pytest.raises(ValueError, match="invalid axes"):
        bn.batch_normalization_train(x, v, v, axes="channel")
    with pytest.raises(ValueError, match="at least one"):
        bn.batch_normalization_train(x, v, v, axes=())
    with pytest.raises(ValueError, match="less than ndim"):
        bn.batch_normalization_train(x, v, v, axes=(2,))
    with pytest.raises(ValueError, match="epsilon must be at least 1e-5"):
        bn.batch_normalization_train(x, v, v, epsilon=1e-6)
    with pytest.raises(ValueError, match="gamma and beta dimensionality"):
        bn.batch_normalization_train(x, T.dmatrix(), v)
    with pytest.raises(ValueError, match="both be given"):
        bn.batch_normalization_train(x, v, v, running_mean=v)
    with pytest.raises(ValueError, match="running_var must be of the same dimensionality"):
        bn.batch_normalization_train(x, v, v, running_mean=v, running_var=x)
    with pytest.raises(ValueError, match="mean and var"):
        bn.batch_normalization_test(x, v, v, x, v)
    with pytest.raises(TypeError, match="epsilon must be a scalar"):
        bn.AbstractBatchNormInference()(x, x, x, x, x, epsilon=v)
    with pytest.raises(TypeError, match="same number of dimensions"):
        bn.AbstractBatchNormTrain()(x, v, v)
    with pytest.raises(ValueError, match="non-empty tuple"):
        bn.AbstractBatchNormTrain(axes=())
