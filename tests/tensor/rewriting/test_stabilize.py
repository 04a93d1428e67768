"""Stable forms: log1p, expm1, sigmoid, softplus, log(sigmoid), logsumexp."""
import numpy as np
import scipy.special as sps

import theano
import theano.tensor as T
from theano.compile.mode import Mode

NOFUSE = Mode(optimizer="fast_run").excluding("fusion")


def test_log1p(check, rng):
    x = T.dvector("x")
    v = {x: rng.rand(6) * 1e-3}
    f = check(T.log(1 + x), v, mode=NOFUSE)
    assert "Log1p" in check.scalar_ops(f) and "Log" not in check.scalar_ops(f)
    f = check(T.log(1 - x), v, mode=NOFUSE)
    assert "Log1p" in check.scalar_ops(f)
    tiny = np.array([1e-20])
    np.testing.assert_allclose(theano.function([x], T.log(1 + x))(tiny), tiny)


def test_expm1(check, rng):
    x = T.dvector("x")
    v = {x: rng.randn(6)}
    f = check(T.exp(x) - 1, v, mode=NOFUSE)
    assert check.scalar_ops(f) == ["Elemwise", "Expm1"]
    f = check(T.exp(x) + x - 1, v, mode=NOFUSE)
    assert "Expm1" in check.scalar_ops(f)
    np.testing.assert_allclose(theano.function([x], T.exp(x) - 1)(np.array([1e-20])), [1e-20])


def test_logistic_becomes_sigmoid(check, rng):
    x = T.dmatrix("x")
    v = {x: rng.randn(3, 4) * 5}
    f = check(1 / (1 + T.exp(-x)), v)
    assert check.op_names(f) == ["Elemwise"] and "ScalarSigmoid" in check.scalar_ops(f)
    f = check(1 / (1 + T.exp(x)), v, mode=NOFUSE)
    assert "ScalarSigmoid" in check.scalar_ops(f) and "Exp" not in check.scalar_ops(f)
    f = check(T.exp(x) / (1 + T.exp(x)), v, mode=NOFUSE)
    assert check.scalar_ops(f) == ["Elemwise", "ScalarSigmoid"]
    f = check(1 - T.nnet.sigmoid(x), v, mode=NOFUSE)
    assert "Sub" not in check.scalar_ops(f)


def test_softplus_forms_are_stable(check, rng):
    x = T.dvector("x")
    v = {x: rng.randn(5) * 3}
    f = check(T.log(1 + T.exp(x)), v, mode=NOFUSE)
    assert check.scalar_ops(f) == ["Elemwise", "ScalarSoftplus"]
    big = np.array([1000.0, -1000.0, 0.0])
    out = theano.function([x], T.log(1 + T.exp(x)))(big)
    np.testing.assert_allclose(out, [1000.0, 0.0, np.log(2)])
    f = check(T.log(T.nnet.sigmoid(x)), v, mode=NOFUSE)
    assert "Log" not in check.scalar_ops(f)
    out = theano.function([x], T.log(T.nnet.sigmoid(x)))(big)
    np.testing.assert_allclose(out, [0.0, -1000.0, -np.log(2)])
    f = check(T.log(1 - T.nnet.sigmoid(x)), v, mode=NOFUSE)
    assert "Log" not in check.scalar_ops(f) and "Sub" not in check.scalar_ops(f)
    out = theano.function([x], T.log(1 - T.nnet.sigmoid(x)))(big)
    np.testing.assert_allclose(out, [-1000.0, 0.0, -np.log(2)])


def test_log_sum_exp(check, rng):
    x = T.dmatrix("x")
    v = {x: rng.randn(3, 4)}
    for expr in (T.log(T.sum(T.exp(x), axis=1)), T.log(T.sum(T.exp(x))),
                 T.log(T.exp(x).sum(axis=0, keepdims=True))):
        f = check(expr, v, mode=NOFUSE)
        assert "Maximum" in check.scalar_ops(f) or "Max" in check.op_names(f) or any(
            "Max" in str(o) for o in check.ops(f))
    big = np.array([[1000.0, 1000.0], [-1000.0, -1e308]])
    out = theano.function([x], T.log(T.sum(T.exp(x), axis=1)))(big)
    np.testing.assert_allclose(out, sps.logsumexp(big, axis=1))
    ninf = np.array([[-np.inf, -np.inf]])
    out = theano.function([x], T.log(T.sum(T.exp(x), axis=1)))(ninf)
    assert out[0] == -np.inf


def test_float32_stays_float32(check, rng):
    x = T.fvector("x")
    v = {x: rng.randn(5).astype("float32")}
    for expr in (T.log(1 + T.exp(x)), 1 / (1 + T.exp(-x)), T.exp(x) - 1, T.log(1 + x * x)):
        f = check(expr, v, rtol=1e-5, atol=1e-6)
        assert f.maker.fgraph.outputs[0].type.dtype == "float32"
