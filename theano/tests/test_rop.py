"""Theano 1.0's ``theano.tests.test_rop.RopLop_checker``: check an op's ``R_op`` and ``L_op``.

Subclass it in a test and call :meth:`RopLop_checker.check_rop_lop` (vector input
``self.x``) or :meth:`RopLop_checker.check_mat_rop_lop` (matrix input ``self.mx``) on the
op applied to that input; both compare ``T.Rop``/``T.Lop`` with the product of the
Jacobian (computed row by row from ``T.grad``) and a random vector.
"""
import unittest

import numpy as np

import theano
import theano.tensor as T
from theano.gradient import jacobian
from theano.tests import unittest_tools as utt

__all__ = ["RopLop_checker"]


class RopLop_checker(unittest.TestCase):
    """Holds the inputs and the checks; it runs no test of its own.

    After ``setUp``: ``self.x``, ``self.v`` (vectors of length ``self.in_shape[0]``),
    ``self.mx``, ``self.mv`` (matrices of shape ``self.mat_in_shape``), ``self.rng``;
    the shapes are drawn between 5 and 7, so they differ from run to run of the seed
    (``config.unittests__rseed``) only.
    """

    def setUp(self):
        utt.seed_rng()
        self.rng = np.random.RandomState(utt.fetch_seed())
        self.x = T.vector("x")
        self.v = T.vector("v")
        self.mx = T.matrix("mx")
        self.mv = T.matrix("mv")
        self.in_shape = (5 + self.rng.randint(3),)
        self.mat_in_shape = (5 + self.rng.randint(3), 5 + self.rng.randint(3))

    def _random(self, shape):
        return np.asarray(self.rng.uniform(size=shape), dtype=theano.config.floatX)

    def check_nondiff_rop(self, y):
        """Assert ``T.Rop(y, self.x, self.v)`` raises ValueError (y not differentiable)."""
        with self.assertRaises(ValueError, msg="Rop of %s did not raise although the "
                               "expression is not differentiable" % (y,)):
            T.Rop(y, self.x, self.v)

    def _check(self, y, x, v, in_shape, out_shape):
        vx, vv = self._random(in_shape), self._random(in_shape)
        rop = theano.function([x, v], T.Rop(y, x, v), on_unused_input="ignore")
        jac = theano.function([x], jacobian(y, x), on_unused_input="ignore")(vx)
        jac = jac.reshape(jac.shape[0], -1)
        got, expected = rop(vx, vv), jac.dot(vv.ravel())
        assert np.allclose(got, expected), "Rop mismatch: %s, expected %s" % (got, expected)
        u = T.vector("u")
        vu = self._random(out_shape)
        lop = theano.function([x, u], T.Lop(y, x, u), on_unused_input="ignore")
        got, expected = lop(vx, vu), vu.dot(jac).reshape(in_shape)
        assert np.allclose(got, expected), "Lop mismatch: %s, expected %s" % (got, expected)

    def check_rop_lop(self, y, out_shape):
        """Check Rop and Lop of the vector ``y`` built from ``self.x``.

        ``out_shape`` is the shape of ``y`` (a tuple or an int).
        """
        self._check(y, self.x, self.v, self.in_shape, out_shape)

    def check_mat_rop_lop(self, y, out_shape):
        """As :meth:`check_rop_lop`, for a vector ``y`` built from the matrix ``self.mx``."""
        self._check(y, self.mx, self.mv, self.mat_in_shape, out_shape)
