"""theano.tensor.nnet.nnet: h_softmax, the prepend ops and Theano 1.0's module path."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import verify_grad
from theano.tensor.nnet import nnet
from theano.tests.unittest_tools import inferred_shape

RNG = np.random.RandomState(5)
FC = "FAST_COMPILE"


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _ref_h_softmax(x, n_outputs, W1, b1, W2, b2):
    classes = _softmax(x @ W1 + b1)                               # (B, C)
    within = _softmax(np.einsum("bi,cij->bcj", x, W2) + b2)       # (B, C, P)
    return (classes[:, :, None] * within).reshape(len(x), -1)[:, :n_outputs]


def _params(dim, n_classes, per_class, dtype="float64"):
    return [RNG.normal(0, .5, (dim, n_classes)).astype(dtype),
            RNG.normal(0, .1, n_classes).astype(dtype),
            RNG.normal(0, .5, (n_classes, dim, per_class)).astype(dtype),
            RNG.normal(0, .1, (n_classes, per_class)).astype(dtype)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_h_softmax_all_outputs_and_targets(dtype):
    dim, n_classes, per_class, n_out, batch = 4, 3, 4, 10, 6
    pv = _params(dim, n_classes, per_class, dtype)
    xv = RNG.randn(batch, dim).astype(dtype)
    tv = RNG.randint(0, n_out, batch).astype("int32")
    x, t = T.matrix(dtype=dtype), T.ivector()
    ps = [theano.shared(p) for p in pv]
    full = nnet.h_softmax(x, batch, n_out, n_classes, per_class, *ps)
    tgt = nnet.h_softmax(x, batch, n_out, n_classes, per_class, *ps, target=t)
    tgt_col = nnet.h_softmax(x, x.shape[0], n_out, n_classes, per_class, *ps,
                             target=t.dimshuffle(0, "x"))
    a, b, c = theano.function([x, t], [full, tgt, tgt_col], mode=FC)(xv, tv)
    want = _ref_h_softmax(xv.astype("float64"), n_out, *[p.astype("float64") for p in pv])
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(a, want, rtol=tol, atol=tol)
    np.testing.assert_allclose(b, want[np.arange(batch), tv], rtol=tol, atol=tol)
    np.testing.assert_allclose(c, b, rtol=tol)
    assert a.dtype == dtype and a.shape == (batch, n_out) and b.shape == (batch,)


def test_h_softmax_gradients():
    pv = _params(3, 2, 3)
    xv, tv = RNG.randn(4, 3), np.array([0, 5, 2, 3], "int32")

    def full(x, W1, b1, W2, b2):
        return nnet.h_softmax(x, 4, 6, 2, 3, W1, b1, W2, b2)

    def targeted(x, W1, b1, W2, b2):
        return T.log(nnet.h_softmax(x, 4, 6, 2, 3, W1, b1, W2, b2, target=tv))
    verify_grad(full, [xv] + pv, rng=RNG, mode=FC)
    verify_grad(targeted, [xv] + pv, rng=RNG, mode=FC)


def test_h_softmax_documentation_example():
    batch_size, n_outputs, dim_x = 32, 100, 10
    n_classes = int(np.ceil(np.sqrt(n_outputs)))
    n_outputs_per_class = n_classes
    output_size = n_outputs_per_class * n_outputs_per_class
    floatX = theano.config.floatX
    W1 = theano.shared(RNG.normal(0, 0.001, (dim_x, n_classes)).astype(floatX))
    b1 = theano.shared(np.zeros((n_classes,), floatX))
    W2 = theano.shared(RNG.normal(0, 0.001, size=(n_classes, dim_x, n_outputs_per_class))
                       .astype(floatX))
    b2 = theano.shared(np.zeros((n_classes, n_outputs_per_class), floatX))
    x = T.matrix("x")
    target = T.imatrix("target")
    y_hat_tg = nnet.h_softmax(x, batch_size, output_size, n_classes, n_outputs_per_class,
                              W1, b1, W2, b2, target)
    negll = -T.mean(T.log(y_hat_tg))
    output = nnet.h_softmax(x, batch_size, output_size, n_classes, n_outputs_per_class,
                            W1, b1, W2, b2)
    f = theano.function([x, target], [negll, output])
    xv = RNG.randn(batch_size, dim_x).astype(floatX)
    tv = RNG.randint(0, n_outputs, (batch_size, 1)).astype("int32")
    nll, out = f(xv, tv)
    # tiny weights: every output has probability about 1 / 100
    np.testing.assert_allclose(out.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_allclose(nll, np.log(100), rtol=1e-3)


def test_prepend_ops():
    m = T.dmatrix()
    s = T.dscalar()
    mv = RNG.randn(3, 2)
    f = theano.function([s, m], [nnet.prepend_0_to_each_row(m), nnet.prepend_1_to_each_row(m),
                                 nnet.prepend_scalar_to_each_row(s, m),
                                 nnet.Prepend_scalar_constant_to_each_row(4.5)(m)])
    z, o, sc, c = f(2.0, mv)
    np.testing.assert_array_equal(z, np.hstack([np.zeros((3, 1)), mv]))
    np.testing.assert_array_equal(o, np.hstack([np.ones((3, 1)), mv]))
    np.testing.assert_array_equal(sc, np.hstack([np.full((3, 1), 2.0), mv]))
    np.testing.assert_array_equal(c[:, 0], 4.5)
    assert inferred_shape(nnet.prepend_1_to_each_row(m), [m], [mv]) == (3, 3)
    assert inferred_shape(nnet.prepend_scalar_to_each_row(s, m), [s, m], [1.0, mv]) == (3, 3)
    verify_grad(nnet.prepend_1_to_each_row, [mv], rng=RNG, mode=FC)
    verify_grad(nnet.prepend_scalar_to_each_row, [np.array(0.5), mv], rng=RNG, mode=FC)
    with pytest.raises(TypeError, match="mat must be a matrix"):
        nnet.prepend_0_to_each_row(T.dvector())
    with pytest.raises(TypeError, match="val must be a scalar"):
        nnet.prepend_scalar_to_each_row(T.dvector(), m)
    assert str(nnet.prepend_0_to_each_row) == "Prepend_scalar_constant_to_each_row{0.0}"


def test_theano_1_module_path_reexports():
    """Names Theano 1.0 code imports from theano.tensor.nnet.nnet (Keras: softsign)."""
    from theano.tensor.nnet.nnet import (binary_crossentropy, categorical_crossentropy,
                                         confusion_matrix, crossentropy_categorical_1hot, elu,
                                         hard_sigmoid, logsoftmax, relu, selu, sigmoid,
                                         sigmoid_binary_crossentropy, softmax, softplus,
                                         softsign, ultra_fast_sigmoid)
    x = T.dvector()
    xv = np.array([-2.0, -0.5, 0.0, 1.5])
    f = theano.function([x], [softsign(x), relu(x, 0.1), elu(x), hard_sigmoid(x),
                              ultra_fast_sigmoid(x), sigmoid(x), softplus(x), selu(x)])
    outs = f(xv)
    np.testing.assert_allclose(outs[0], xv / (1 + np.abs(xv)))
    np.testing.assert_allclose(outs[1], np.where(xv > 0, xv, 0.1 * xv))
    np.testing.assert_allclose(outs[2], np.where(xv > 0, xv, np.exp(xv) - 1))
    np.testing.assert_allclose(outs[3], np.clip(0.2 * xv + 0.5, 0, 1))
    np.testing.assert_allclose(outs[4], 1 / (1 + np.exp(-xv)), atol=0.03)
    np.testing.assert_allclose(outs[5], 1 / (1 + np.exp(-xv)))
    np.testing.assert_allclose(outs[6], np.log1p(np.exp(xv)))
    o, t = T.dvector(), T.dvector()
    ov, tv = np.array([0.2, 0.9]), np.array([0.0, 1.0])
    bce = theano.function([o, t], [binary_crossentropy(o, t),
                                   sigmoid_binary_crossentropy(o, t)])(ov, tv)
    np.testing.assert_allclose(bce[0], -(tv * np.log(ov) + (1 - tv) * np.log(1 - ov)))
    sig = 1 / (1 + np.exp(-ov))
    np.testing.assert_allclose(bce[1], -(tv * np.log(sig) + (1 - tv) * np.log(1 - sig)))
    p, y = T.dmatrix(), T.ivector()
    pv = _softmax(RNG.randn(3, 4))
    yv = np.array([0, 3, 1], "int32")
    ce = theano.function([p, y], [categorical_crossentropy(p, y),
                                  crossentropy_categorical_1hot(p, y),
                                  logsoftmax(p), softmax(p)])(pv, yv)
    np.testing.assert_allclose(ce[0], -np.log(pv[np.arange(3), yv]))
    np.testing.assert_allclose(ce[1], ce[0])
    np.testing.assert_allclose(ce[2], np.log(_softmax(pv)))
    a, b = T.ivector(), T.ivector()
    cm, order = theano.function([a, b], confusion_matrix(a, b))(
        np.array([2, 0, 2, 2, 0, 1], "int32"), np.array([0, 0, 2, 2, 0, 2], "int32"))
    np.testing.assert_array_equal(cm, [[2, 0, 0], [0, 0, 1], [1, 0, 2]])
    np.testing.assert_array_equal(order, [0, 1, 2])
