"""Softmax / cross-entropy rewrites: fused, stable forward and gradient."""
import numpy as np

import theano
import theano.tensor as T
from theano.tensor.nnet import basic as nb


def _ref_xent(z, y):
    m = z.max(1, keepdims=True)
    e = np.exp(z - m)
    p = e / e.sum(1, keepdims=True)
    nll = (m[:, 0] + np.log(e.sum(1))) - z[np.arange(len(y)), y]
    onehot = np.eye(z.shape[1])[y]
    return nll.mean(), (p - onehot) / len(y)


def _types(f):
    return [type(n.op) for n in f.maker.fgraph.apply_nodes]


def test_softmax_crossentropy_indices_fused_and_stable(check, rng):
    z = T.dmatrix("z")
    y = T.ivector("y")
    cost = T.nnet.categorical_crossentropy(T.nnet.softmax(z), y).mean()
    g = theano.grad(cost, z)
    v = {z: rng.randn(4, 5), y: np.array([0, 3, 2, 4], "int32")}
    f = check([cost, g], v, inputs=[z, y])
    types = _types(f)
    assert nb.CrossentropySoftmaxArgmax1HotWithBias in types
    assert nb.CrossentropySoftmax1HotWithBiasDx in types
    assert nb.CrossentropyCategorical1Hot not in types
    assert nb.CrossentropyCategorical1HotGrad not in types
    zbig = rng.randn(4, 5) * 1e3
    c, gz = f(zbig, v[y])
    rc, rg = _ref_xent(zbig, v[y])
    assert np.isfinite(c) and np.isfinite(gz).all()
    np.testing.assert_allclose(c, rc, rtol=1e-10)
    np.testing.assert_allclose(gz, rg, atol=1e-12)


def test_softmax_with_bias_and_crossentropy(check, rng):
    x = T.dmatrix("x")
    b = T.dvector("b")
    y = T.ivector("y")
    sm = T.nnet.softmax(x + b)
    cost = T.nnet.categorical_crossentropy(sm, y).sum()
    gx, gb = theano.grad(cost, [x, b])
    v = {x: rng.randn(3, 4), b: rng.randn(4), y: np.array([1, 0, 3], "int32")}
    f = check([cost, gx, gb, sm], v)
    types = _types(f)
    assert nb.CrossentropySoftmaxArgmax1HotWithBias in types
    assert nb.Softmax not in types  # the fused op's softmax output is shared


def test_log_softmax_and_one_hot_targets_stable(check, rng):
    z = T.dmatrix("z")
    Y = T.dmatrix("Y")
    sm = T.nnet.softmax(z)
    cost = T.nnet.categorical_crossentropy(sm, Y).mean()
    g = theano.grad(cost, z)
    yi = np.array([0, 1, 2, 3])
    v = {z: rng.randn(4, 5), Y: np.eye(5)[yi]}
    f = check([cost, g], v, inputs=[z, Y])
    assert nb.LogSoftmax in _types(f)
    zbig = rng.randn(4, 5) * 1e3
    c, gz = f(zbig, v[Y])
    rc, rg = _ref_xent(zbig, yi)
    assert np.isfinite(c) and np.isfinite(gz).all()
    np.testing.assert_allclose(c, rc, rtol=1e-10)
    np.testing.assert_allclose(gz, rg, atol=1e-12)


def test_softmax_written_by_hand_becomes_softmax(check, rng):
    z = T.dmatrix("z")
    e = T.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    f = check(p, {z: rng.randn(3, 4)})
    assert nb.Softmax in _types(f)
    e2 = T.exp(z)
    f = check(e2 / e2.sum(axis=1, keepdims=True), {z: rng.randn(3, 4)})
    assert nb.Softmax in _types(f)
    out = theano.function([z], p)(np.array([[1000.0, 0.0]]))
    np.testing.assert_allclose(out, [[1.0, 0.0]])


def test_log_of_softmax(check, rng):
    z = T.dmatrix("z")
    f = check(T.log(T.nnet.softmax(z)), {z: rng.randn(3, 4)})
    assert nb.LogSoftmax in _types(f)
    out = theano.function([z], T.log(T.nnet.softmax(z)))(np.array([[1000.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.0, -1000.0]])
