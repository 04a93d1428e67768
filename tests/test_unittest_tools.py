"""Tests of the shared test oracles in theano.tests.unittest_tools."""
import numpy as np
import pytest

import theano.tensor as T
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.tests import unittest_tools as utt


def test_seed_rng_is_reproducible():
    assert utt.fetch_seed() == 666  # config.unittests__rseed default (Theano 1.0)
    assert utt.fetch_seed(12) == 12 and utt.fetch_seed("random") is None
    with pytest.raises(ValueError, match="integer or 'random'"):
        utt.fetch_seed("abc")
    assert utt.seed_rng(5) == 5
    a = np.random.rand(3)
    utt.seed_rng(5)
    np.testing.assert_array_equal(np.random.rand(3), a)


def test_assert_allclose_tolerance_follows_dtype():
    base = np.ones(3)
    utt.assert_allclose(base.astype("float32"), base.astype("float32") + 5e-6)
    with pytest.raises(AssertionError):
        utt.assert_allclose(base, base + 5e-5)  # float64: rtol 1e-5
    utt.assert_allclose(base, base + 5e-5, rtol=1e-4)


class _Doubler(Op):
    """Doubles its input; optionally in place (undeclared), or with a wrong shape or grad."""

    __props__ = ("in_place", "bad_shape", "bad_grad")

    def __init__(self, in_place=False, bad_shape=False, bad_grad=False):
        self.in_place, self.bad_shape, self.bad_grad = in_place, bad_shape, bad_grad

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        x = inputs[0]
        if self.in_place:
            x *= 2
            out[0][0] = x.copy()
        else:
            out[0][0] = x * 2

    def infer_shape(self, fgraph, node, shapes):
        return [tuple(d + 1 for d in shapes[0])] if self.bad_shape else [shapes[0]]

    def grad(self, inputs, output_grads):
        return [output_grads[0] * (3 if self.bad_grad else 2)]


def test_verify_grad_catches_a_wrong_gradient():
    from theano.gradient import GradientError

    utt.verify_grad(_Doubler(), [np.random.rand(3)])
    with pytest.raises(GradientError):
        utt.verify_grad(_Doubler(bad_grad=True), [np.random.rand(3)])


def test_check_and_inferred_shapes():
    x = T.dvector()
    xv = np.arange(3.0)
    got = utt.check(_Doubler()(x), [x], [xv], xv * 2)
    np.testing.assert_array_equal(got, xv * 2)
    assert utt.inferred_shapes([_Doubler()(x), _Doubler(bad_shape=True)(x)], [x], [xv]) == \
        [(3,), (4,)]
    assert utt.inferred_shape(_Doubler()(x), [x], [xv]) == (3,)
    with pytest.raises(AssertionError, match=r"shape gives \(4,\)|predicts \(4,\)"):
        utt.check(_Doubler(bad_shape=True)(x), [x], [xv], xv * 2)
    with pytest.raises(AssertionError):
        utt.check(_Doubler()(x), [x], [xv], xv * 3)
    with pytest.raises(AssertionError, match="modified"):
        utt.check(_Doubler(in_place=True)(x), [x], [np.arange(3.0)], xv * 2)
