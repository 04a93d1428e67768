"""theano.tensor.nnet.basic: softmax family, cross-entropies, activations."""
import warnings

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor import nnet
from theano.tensor.nnet import basic as nb

from theano.gradient import Rop, grad, verify_grad

RNG = np.random.RandomState(1234)
TOL = {"float16": 5e-3, "float32": 1e-5, "float64": 1e-12}


def _rand(*shape, dtype="float64", scale=1.0):
    return (RNG.randn(*shape) * scale).astype(dtype)


def _tensor(dtype, ndim, name=None):
    return T.TensorType(dtype, (False,) * ndim)(name)


def np_softmax(x):
    x = x.astype("float64")
    if x.shape[-1] == 0:
        return x
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def np_log_softmax(x):
    x = x.astype("float64")
    if x.shape[-1] == 0:
        return x
    xd = x - x.max(axis=-1, keepdims=True)
    return xd - np.log(np.exp(xd).sum(axis=-1, keepdims=True))


def _assert_close(got, want, dtype):
    np.testing.assert_allclose(got, want, rtol=TOL[dtype] * 10, atol=TOL[dtype])


def _check_infer_shape(outputs, inputs, values):
    """Every output node's infer_shape must match the computed shapes."""
    from theano.tensor.shape import shape_i

    outputs = outputs if isinstance(outputs, list) else [outputs]
    actual = theano.function(inputs, outputs)(*values)
    node = outputs[0].owner
    in_shapes = [tuple(shape_i(i, k) for k in range(i.type.ndim)) for i in node.inputs]
    inferred = node.op.infer_shape(None, node, in_shapes)
    flat = [T.as_tensor_variable(d) for shp in inferred for d in shp]
    dims = theano.function(inputs, flat, on_unused_input="ignore")(*values) if flat else []
    k = 0
    for out, shp, val in zip(node.outputs, inferred, theano.function(
            inputs, node.outputs)(*values)):
        got = tuple(int(d) for d in dims[k:k + len(shp)])
        k += len(shp)
        assert got == val.shape, (node.op, got, val.shape)
    assert actual is not None


# ---------------------------------------------------------------------------
# Softmax / LogSoftmax / SoftmaxWithBias / SoftmaxGrad
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 5), (4, 1), (0, 3), (2, 0)])
def test_softmax_and_log_softmax_match_numpy(dtype, shape):
    x = _tensor(dtype, len(shape))
    f = theano.function([x], [nnet.softmax(x), nnet.logsoftmax(x), nnet.log_softmax(x)])
    xv = _rand(*shape, dtype=dtype, scale=3)
    sm, lsm, lsm2 = f(xv)
    assert sm.dtype == lsm.dtype == dtype and sm.shape == lsm.shape == shape
    _assert_close(sm, np_softmax(xv), dtype)
    _assert_close(lsm, np_log_softmax(xv), dtype)
    np.testing.assert_array_equal(lsm, lsm2)
    if shape[-1]:
        _assert_close(sm.sum(axis=-1), np.ones(shape[:-1]), dtype)


def test_softmax_vector_is_one_row():
    v = T.dvector()
    out = nnet.softmax(v)
    assert out.type.ndim == 2 and out.type.broadcastable == (True, False)
    val = out.eval({v: np.array([1.0, 2.0, 3.0])})
    assert val.shape == (1, 3)
    np.testing.assert_allclose(val[0], np_softmax(np.array([1.0, 2.0, 3.0])))
    assert nnet.logsoftmax(v).type.ndim == 2


def test_softmax_is_stable_for_huge_logits():
    x = T.dmatrix()
    xv = np.array([[1e3, 0.0, -1e3], [-1e3, -1e3 + 1, -1e3 + 2], [1e300, 1e300, 0]])
    sm, lsm = theano.function([x], [nnet.softmax(x), nnet.logsoftmax(x)])(xv)
    assert np.isfinite(sm).all() and np.isfinite(lsm).all()
    np.testing.assert_allclose(sm[0], [1, 0, 0])
    np.testing.assert_allclose(sm[1], np_softmax(np.array([0.0, 1, 2])))
    np.testing.assert_allclose(sm[2], [0.5, 0.5, 0])
    np.testing.assert_allclose(lsm[0], [0, -1e3, -2e3])


def test_softmax_rejects_integers_and_scalars():
    for bad in (T.imatrix(), T.dscalar()):
        with pytest.raises(nb.NNetInputError) as info:
            nnet.softmax(bad)
        assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)
        assert "x must be" in str(info.value)


def test_softmax_warns_on_broadcastable_last_axis():
    x = T.TensorType("float64", (False, True))()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        nnet.softmax(x)
    assert any("shape 1" in str(w.message) for w in rec)


def test_softmax_graph_matches_softmax():
    x = T.dmatrix()
    xv = _rand(3, 4)
    np.testing.assert_allclose(nnet.softmax_graph(x).eval({x: xv}), np_softmax(xv))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softmax_with_bias_matches_numpy(dtype):
    x, b = _tensor(dtype, 2), _tensor(dtype, 1)
    xv, bv = _rand(4, 5, dtype=dtype), _rand(5, dtype=dtype)
    out = theano.function([x, b], nnet.softmax_with_bias(x, b))(xv, bv)
    assert out.dtype == dtype
    _assert_close(out, np_softmax(xv + bv), dtype)
    x3 = _tensor(dtype, 3)
    xv3 = _rand(2, 3, 5, dtype=dtype)
    _assert_close(nnet.softmax_with_bias(x3, b).eval({x3: xv3, b: bv}),
                  np_softmax(xv3 + bv), dtype)
    with pytest.raises(ValueError, match="b has length 4"):
        theano.function([x, b], nnet.softmax_with_bias(x, b))(xv, bv[:4])
    with pytest.raises(nb.NNetInputError):
        nnet.softmax_with_bias(T.dvector(), b)


def test_softmax_grad_op_matches_numpy():
    dy, sm = T.dmatrices("dy", "sm")
    dyv, smv = _rand(3, 4), np_softmax(_rand(3, 4))
    out = nnet.softmax_grad(dy, sm).eval({dy: dyv, sm: smv})
    want = dyv * smv - (dyv * smv).sum(axis=1, keepdims=True) * smv
    np.testing.assert_allclose(out, want)


def test_infer_shapes_of_softmax_ops():
    x, dy = T.dmatrix(), T.dmatrix()
    b = T.dvector()
    xv, bv = _rand(3, 4), _rand(4)
    _check_infer_shape(nnet.softmax(x), [x], [xv])
    _check_infer_shape(nnet.logsoftmax(x), [x], [xv])
    _check_infer_shape(nnet.softmax_with_bias(x, b), [x, b], [xv, bv])
    _check_infer_shape(nnet.softmax_grad(dy, x), [dy, x], [xv, xv])


# ---------------------------------------------------------------------------
# Fused softmax + cross-entropy
# ---------------------------------------------------------------------------
def _np_xent(x, b, y):
    sm = np_softmax(x + b)
    return -np.log(sm[np.arange(len(y)), y]), sm, np.argmax(x + b, axis=1)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("ydtype", ["int32", "int64", "uint8"])
def test_crossentropy_softmax_argmax_1hot_with_bias(dtype, ydtype):
    x, b, y = _tensor(dtype, 2), _tensor(dtype, 1), _tensor(ydtype, 1)
    outs = nnet.crossentropy_softmax_argmax_1hot_with_bias(x, b, y)
    assert [o.type.dtype for o in outs] == [dtype, dtype, ydtype]
    f = theano.function([x, b, y], outs)
    xv, bv, yv = _rand(5, 4, dtype=dtype), _rand(4, dtype=dtype), np.array(
        [0, 3, 1, 1, 2], dtype=ydtype)
    nll, sm, am = f(xv, bv, yv)
    want = _np_xent(xv.astype("float64"), bv.astype("float64"), yv)
    _assert_close(nll, want[0], dtype)
    _assert_close(sm, want[1], dtype)
    np.testing.assert_array_equal(am, want[2])
    assert am.dtype == ydtype
    _check_infer_shape(outs, [x, b, y], [xv, bv, yv])
    # the two-output helpers
    nll2, sm2 = nnet.crossentropy_softmax_1hot_with_bias(x, b, y)
    np.testing.assert_allclose(nll2.eval({x: xv, b: bv, y: yv}), nll, rtol=1e-6)
    nll3, sm3 = nnet.crossentropy_softmax_1hot(x, y)
    want0 = _np_xent(xv.astype("float64"), 0.0, yv)
    _assert_close(nll3.eval({x: xv, y: yv}), want0[0], dtype)


def test_crossentropy_softmax_1hot_handles_empty_batch():
    x, y = T.dmatrix(), T.lvector()
    nll, sm = nnet.crossentropy_softmax_1hot(x, y)
    a, s = theano.function([x, y], [nll, sm])(np.zeros((0, 3)), np.zeros(0, "int64"))
    assert a.shape == (0,) and s.shape == (0, 3)


def test_crossentropy_softmax_argmax_errors():
    x, b, y = T.dmatrix(), T.dvector(), T.lvector()
    f = theano.function([x, b, y], nnet.crossentropy_softmax_argmax_1hot_with_bias(x, b, y))
    xv, bv = _rand(2, 3), _rand(3)
    with pytest.raises(ValueError, match=r"y_idx\[1\] = 3 is out of bounds for 3 classes"):
        f(xv, bv, np.array([0, 3]))
    with pytest.raises(ValueError, match="out of bounds"):
        f(xv, bv, np.array([-1, 0]))
    with pytest.raises(ValueError, match="length 3 but there are 2 rows"):
        f(xv, bv, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="b has length 2"):
        f(xv, bv[:2], np.array([0, 1]))
    with pytest.raises(nb.NNetInputError, match="y_idx must be"):
        nnet.crossentropy_softmax_argmax_1hot_with_bias(x, b, T.dvector())


def test_crossentropy_softmax_max_and_argmax():
    x, y = T.dmatrix(), T.lvector()
    xv, yv = _rand(4, 3), np.array([0, 1, 2, 0])
    outs = theano.function([x, y], list(nnet.crossentropy_softmax_max_and_argmax_1hot(x, y)))(
        xv, yv)
    want = np_softmax(xv)
    np.testing.assert_allclose(outs[2], want.max(axis=1))
    np.testing.assert_array_equal(outs[3], want.argmax(axis=1))


def test_dx_op_matches_numpy_and_broadcasts_dy():
    dy, sm, y = T.dvector(), T.dmatrix(), T.lvector()
    smv, yv = np_softmax(_rand(3, 4)), np.array([2, 0, 3])
    dyv = _rand(3)
    f = theano.function([dy, sm, y], nnet.crossentropy_softmax_1hot_with_bias_dx(dy, sm, y))
    want = dyv[:, None] * smv
    want[np.arange(3), yv] -= dyv
    np.testing.assert_allclose(f(dyv, smv, yv), want)
    want1 = 2.0 * smv
    want1[np.arange(3), yv] -= 2.0
    np.testing.assert_allclose(f(np.array([2.0]), smv, yv), want1)
    ds = T.dscalar()
    np.testing.assert_allclose(
        nnet.crossentropy_softmax_1hot_with_bias_dx(ds, sm, y).eval({ds: 2.0, sm: smv, y: yv}),
        want1)
    with pytest.raises(ValueError, match="dy has length 2"):
        f(dyv[:2], smv, yv)
    _check_infer_shape(nnet.crossentropy_softmax_1hot_with_bias_dx(dy, sm, y), [dy, sm, y],
                       [dyv, smv, yv])


# ---------------------------------------------------------------------------
# Cross-entropies of probabilities
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_categorical_crossentropy_both_forms(dtype):
    p, y, t = _tensor(dtype, 2), T.ivector(), _tensor(dtype, 2)
    pv = np_softmax(_rand(4, 3)).astype(dtype)
    yv = np.array([0, 2, 1, 2], dtype="int32")
    tv = np.eye(3, dtype=dtype)[yv]
    out_idx = nnet.categorical_crossentropy(p, y)
    assert isinstance(out_idx.owner.op, nnet.CrossentropyCategorical1Hot)
    a = out_idx.eval({p: pv, y: yv})
    b = nnet.categorical_crossentropy(p, t).eval({p: pv, t: tv})
    want = -np.log(pv.astype("float64")[np.arange(4), yv])
    _assert_close(a, want, dtype)
    _assert_close(b, want, dtype)
    assert a.dtype == dtype
    _check_infer_shape(out_idx, [p, y], [pv, yv])
    with pytest.raises(nb.NNetInputError, match="rank mismatch"):
        nnet.categorical_crossentropy(p, T.dtensor3())


def test_crossentropy_categorical_1hot_grad_op():
    g, c, y = T.dvector(), T.dmatrix(), T.lvector()
    gv, cv, yv = _rand(3), np_softmax(_rand(3, 4)), np.array([1, 3, 0])
    out = nnet.crossentropy_categorical_1hot_grad(g, c, y).eval({g: gv, c: cv, y: yv})
    want = np.zeros_like(cv)
    want[np.arange(3), yv] = -gv / cv[np.arange(3), yv]
    np.testing.assert_allclose(out, want)
    _check_infer_shape(nnet.crossentropy_categorical_1hot_grad(g, c, y), [g, c, y],
                       [gv, cv, yv])
    with pytest.raises(ValueError, match="out of bounds"):
        nnet.crossentropy_categorical_1hot(c, y).eval({c: cv, y: np.array([0, 4, 0])})


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_binary_crossentropies(dtype):
    o, t = _tensor(dtype, 2), _tensor(dtype, 2)
    ov = _rand(3, 4, dtype=dtype, scale=3)
    tv = RNG.rand(3, 4).astype(dtype)
    p = 1 / (1 + np.exp(-ov.astype("float64")))
    want = -(tv * np.log(p) + (1 - tv) * np.log(1 - p))
    bce = nnet.binary_crossentropy(nnet.sigmoid(o), t).eval({o: ov, t: tv})
    sbce = nnet.sigmoid_binary_crossentropy(o, t).eval({o: ov, t: tv})
    assert sbce.dtype == dtype
    _assert_close(bce, want, dtype)
    _assert_close(sbce, want, dtype)
    # broadcasting against a row of targets
    r = T.TensorType(dtype, (True, False))()
    out = nnet.sigmoid_binary_crossentropy(o, r).eval({o: ov, r: tv[:1]})
    _assert_close(out, -(tv[:1] * np.log(p) + (1 - tv[:1]) * np.log(1 - p)), dtype)


def test_sigmoid_binary_crossentropy_is_stable():
    o, t = T.dvector(), T.dvector()
    ov, tv = np.array([1e3, -1e3, 1e3, -1e3, 0.0]), np.array([1.0, 0.0, 0.0, 1.0, 0.5])
    val = nnet.sigmoid_binary_crossentropy(o, t).eval({o: ov, t: tv})
    np.testing.assert_allclose(val, [0, 0, 1e3, 1e3, np.log(2)])


# ---------------------------------------------------------------------------
# Activations and helpers
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_activations_match_numpy(dtype):
    x = _tensor(dtype, 2)
    xv = _rand(4, 5, dtype=dtype, scale=2)
    xd = xv.astype("float64")
    alpha, scale = nb._SELU_ALPHA, nb._SELU_SCALE
    cases = {
        nnet.relu(x): np.maximum(xd, 0),
        nnet.relu(x, 0.1): np.where(xd > 0, xd, 0.1 * xd),
        nnet.relu(x, np.float32(0.3)): np.where(xd > 0, xd, float(np.float32(0.3)) * xd),
        nnet.elu(x): np.where(xd > 0, xd, np.expm1(xd)),
        nnet.elu(x, 0.5): np.where(xd > 0, xd, 0.5 * np.expm1(xd)),
        nnet.selu(x): scale * np.where(xd > 0, xd, alpha * np.expm1(xd)),
        nnet.softsign(x): xd / (1 + np.abs(xd)),
    }
    for expr, want in cases.items():
        got = expr.eval({x: xv})
        assert got.dtype == dtype, expr
        _assert_close(got, want, dtype)
    a = T.dscalar()
    np.testing.assert_allclose(nnet.relu(x, a).eval({x: xv, a: 0.2}),
                               np.where(xd > 0, xd, 0.2 * xd), rtol=1e-5)
    assert nnet.elu(x).eval({x: np.full((1, 1), 1e4, dtype)})[0, 0] == 1e4


def test_relu_of_integers_and_softsign_of_int8():
    i = T.ivector()
    np.testing.assert_array_equal(nnet.relu(i).eval({i: np.array([-2, 0, 3], "int32")}),
                                  [0, 0, 3])
    b = T.bvector()
    out = nnet.softsign(b)
    assert out.type.dtype == "float32"
    np.testing.assert_allclose(out.eval({b: np.array([-3, 1], "int8")}), [-0.75, 0.5])


def test_confusion_matrix_matches_theano_doc_example():
    x, y = T.dvector(), T.dvector()
    conf, order = theano.function([x, y], nnet.confusion_matrix(x, y))(
        [2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])
    np.testing.assert_array_equal(conf, [[2, 0, 0], [0, 0, 1], [1, 0, 2]])
    np.testing.assert_array_equal(order, [0.0, 1.0, 2.0])
    assert conf.dtype == "int64"
    with pytest.raises(nb.NNetInputError):
        nnet.confusion_matrix(T.dmatrix(), y)


def test_nnet_namespace():
    for name in ("sigmoid", "softplus", "softmax", "relu", "categorical_crossentropy",
                 "crossentropy_softmax_argmax_1hot_with_bias", "ultra_fast_sigmoid",
                 "hard_sigmoid", "binary_crossentropy", "softsign", "logsoftmax"):
        assert callable(getattr(T.nnet, name)), name
    assert T.nnet.sigmoid is T.sigmoid
    assert theano.tensor.nnet is nnet


# ---------------------------------------------------------------------------
# Gradients
# ---------------------------------------------------------------------------
def _vg(fun, pt, **kw):
    verify_grad(fun, pt, rng=np.random.RandomState(7), **kw)


def test_verify_grad_softmax_family():
    xv = _rand(3, 4)
    _vg(nnet.softmax, [xv])
    _vg(nnet.logsoftmax, [xv])
    _vg(nnet.softmax, [_rand(2, 3, 4)])
    _vg(nnet.softmax_with_bias, [xv, _rand(4)])
    _vg(nnet.softmax_grad, [_rand(3, 4), np_softmax(_rand(3, 4))])
    _vg(lambda v: nnet.softmax(v), [_rand(5)])


def test_verify_grad_fused_crossentropy_and_dx():
    yv = np.array([0, 3, 1])
    y = T.constant(yv)
    xv, bv = _rand(3, 4), _rand(4)
    xent = nnet.crossentropy_softmax_argmax_1hot_with_bias
    _vg(lambda x, b: xent(x, b, y)[0], [xv, bv])
    _vg(lambda x, b: xent(x, b, y)[1], [xv, bv])
    _vg(lambda x, b: xent(x, b, y)[0] * 2 + xent(x, b, y)[1].sum(axis=1), [xv, bv])
    _vg(lambda x: nnet.crossentropy_softmax_1hot(x, y)[0], [xv])
    dx = nnet.crossentropy_softmax_1hot_with_bias_dx
    _vg(lambda dy, sm: dx(dy, sm, y), [_rand(3), np_softmax(_rand(3, 4))])
    _vg(lambda dy, sm: dx(dy, sm, y), [np.asarray(1.5), np_softmax(_rand(3, 4))])


def test_verify_grad_categorical_crossentropies():
    yv = np.array([2, 0, 1, 2])
    y = T.constant(yv)
    pv = np_softmax(_rand(4, 3))
    _vg(lambda p: nnet.categorical_crossentropy(p, y), [pv])
    _vg(lambda p: nnet.categorical_crossentropy(p, T.constant(np.eye(3)[yv])), [pv])
    _vg(lambda g, p: nnet.crossentropy_categorical_1hot_grad(g, p, y), [_rand(4), pv])
    _vg(nnet.binary_crossentropy, [RNG.rand(3, 4) * 0.8 + 0.1, RNG.rand(3, 4)])
    _vg(nnet.sigmoid_binary_crossentropy, [_rand(3, 4, scale=3), RNG.rand(3, 4)])


def test_verify_grad_activations():
    # keep away from the kink at 0
    xv = _rand(3, 4) + np.sign(_rand(3, 4)) * 0.1
    xv[np.abs(xv) < 0.05] = 0.3
    for fn in (nnet.relu, lambda x: nnet.relu(x, 0.2), nnet.elu, nnet.selu, nnet.softsign):
        _vg(fn, [xv])
    _vg(lambda x, a: nnet.relu(x, a), [xv, np.asarray(0.3)])


def test_gradients_are_finite_for_huge_logits():
    x, b = T.dmatrix(), T.dvector()
    y = T.lvector()
    xv = np.array([[1e3, 0.0, -1e3], [-1e3, 1e3, 0.0]])
    yv = np.array([2, 1])
    nll = nnet.crossentropy_softmax_argmax_1hot_with_bias(x, b, y)[0]
    lsm = nnet.logsoftmax(x)
    cost_lsm = -(lsm * T.constant(np.eye(3)[yv])).sum()
    f = theano.function([x, b, y], [nll, grad(nll.sum(), x), grad(nll.sum(), b),
                                    grad(cost_lsm, x), cost_lsm])
    nllv, gx, gb, glsm, clsm = f(xv, np.zeros(3), yv)
    for v in (nllv, gx, gb, glsm, clsm):
        assert np.isfinite(v).all()
    np.testing.assert_allclose(nllv, [2e3, 0.0])
    np.testing.assert_allclose(gx, [[1, 0, -1], [0, 0, 0]], atol=1e-12)
    np.testing.assert_allclose(glsm, gx, atol=1e-12)
    o, t = T.dvector(), T.dvector()
    gs = grad(nnet.sigmoid_binary_crossentropy(o, t).sum(), [o, t])
    go, gt = theano.function([o, t], gs)(np.array([1e3, -1e3, 0.0]), np.array([0.0, 1, 0.25]))
    np.testing.assert_allclose(go, [1, -1, 0.25])
    np.testing.assert_allclose(gt, [-1e3, 1e3, 0])


def test_grad_only_through_argmax_is_zero_and_labels_disconnected():
    x, b, y = T.dmatrix(), T.dvector(), T.lvector()
    nll, sm, am = nnet.crossentropy_softmax_argmax_1hot_with_bias(x, b, y)
    g = grad(nll.sum() + am.sum() * 0, x)
    xv = _rand(2, 3)
    assert np.isfinite(g.eval({x: xv, b: np.zeros(3), y: np.array([0, 1])})).all()
    from theano.gradient import DisconnectedInputError
    with pytest.raises(DisconnectedInputError):
        grad(nll.sum(), y)


def test_rop_of_softmax_and_log_softmax():
    x, v = T.dmatrix(), T.dmatrix()
    xv, vv = _rand(3, 4), _rand(3, 4)
    eps = 1e-6
    for fn, ref in ((nnet.softmax, np_softmax), (nnet.logsoftmax, np_log_softmax)):
        r = Rop(fn(x), x, v).eval({x: xv, v: vv})
        fd = (ref(xv + eps * vv) - ref(xv - eps * vv)) / (2 * eps)
        np.testing.assert_allclose(r, fd, rtol=1e-5, atol=1e-8)
    b, vb = T.dvector(), T.dvector()
    bv, vbv = _rand(4), _rand(4)
    r = Rop(nnet.softmax_with_bias(x, b), [x, b], [v, vb]).eval(
        {x: xv, b: bv, v: vv, vb: vbv})
    fd = (np_softmax(xv + bv + eps * (vv + vbv)) - np_softmax(xv + bv - eps * (vv + vbv))) / (
        2 * eps)
    np.testing.assert_allclose(r, fd, rtol=1e-5, atol=1e-8)


def test_rop_of_softmax_grad_and_sigmoid_binary_crossentropy():
    dy, sm, vdy, vsm = T.dmatrices("dy", "sm", "vdy", "vsm")
    dyv, smv, a, c = _rand(3, 4), np_softmax(_rand(3, 4)), _rand(3, 4), _rand(3, 4)

    def ref(d, s):
        return d * s - (d * s).sum(axis=1, keepdims=True) * s

    eps = 1e-6
    r = Rop(nnet.softmax_grad(dy, sm), [dy, sm], [vdy, vsm]).eval(
        {dy: dyv, sm: smv, vdy: a, vsm: c})
    fd = (ref(dyv + eps * a, smv + eps * c) - ref(dyv - eps * a, smv - eps * c)) / (2 * eps)
    np.testing.assert_allclose(r, fd, rtol=1e-6, atol=1e-9)
    o, t, vo, vt = T.dvectors("o", "t", "vo", "vt")
    ov, tv, av, cv = _rand(5, scale=3), RNG.rand(5), _rand(5), _rand(5)
    r = Rop(nnet.sigmoid_binary_crossentropy(o, t), [o, t], [vo, vt]).eval(
        {o: ov, t: tv, vo: av, vt: cv})
    np.testing.assert_allclose(r, (1 / (1 + np.exp(-ov)) - tv) * av - ov * cv, rtol=1e-10)
