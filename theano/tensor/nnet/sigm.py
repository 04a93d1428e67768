"""Sigmoid-like activations: sigmoid, softplus and their fast approximations.

``sigmoid`` and ``softplus`` are the elementwise functions of
:mod:`theano.tensor.math` (their scalar ops live in :mod:`theano.scalar.basic`,
their gradients in :mod:`theano.tensor.elemwise_grad`).  This module adds the
approximations Theano 1.0 offered (``ultra_fast_sigmoid``, ``hard_sigmoid``),
in-place variants and a stable ``log1mexp``.

Scalar ops defined here carry their gradient as a ``tensor_grad`` rule
``rule(inputs, outputs, output_grads) -> one term per input`` (tensor graphs,
summed over broadcast dimensions by the Elemwise gradient driver).
"""
import numpy as np

import theano.scalar.basic as ts
from theano.tensor import math as tm
from theano.tensor.basic import as_tensor_variable, constant
from theano.tensor.elemwise import Elemwise

__all__ = ["sigmoid", "scalar_sigmoid", "sigmoid_inplace", "softplus", "scalar_softplus",
           "ultra_fast_sigmoid", "ultra_fast_scalar_sigmoid", "ultra_fast_sigmoid_inplace",
           "UltraFastScalarSigmoid", "hard_sigmoid", "log1mexp"]

# The elementwise functions shared with theano.tensor.math: one op per
# function, so graphs built through T.nnet and T compare equal.
sigmoid = tm.sigmoid
softplus = tm.softplus
scalar_sigmoid = ts.sigmoid
scalar_softplus = ts.softplus

sigmoid_inplace = Elemwise(ts.sigmoid, inplace_pattern={0: 0}, name="sigmoid_inplace")


def _float_dtype_of(x):
    """The float dtype an elementwise float function of ``x`` computes in."""
    return ts.upgrade_to_float(x.type.dtype)[0]


# -- ultra_fast_sigmoid -----------------------------------------------------------
# 0.5 * (1 + t(x / 2)) where t is a piecewise approximation of tanh: rational
# below 1.7, linear up to 3, constant beyond (constants from Theano 1.0).
_UF_LIN0, _UF_SLOPE, _UF_TOP = 0.935409070603099, 0.0458812946797165, 0.99505475368673


def _ultra_fast_sigmoid_np(x):
    x = np.asarray(x)
    a = np.abs(0.5 * x)
    z = np.where(a < 1.7, 1.5 * a / (1 + a),
                 np.where(a < 3, _UF_LIN0 + _UF_SLOPE * (a - 1.7), _UF_TOP))
    z = np.where(x < 0, -z, z)
    return 0.5 * (z + 1)


def _ultra_fast_sigmoid_grad(inputs, outputs, output_grads):
    (x,), (gz,) = inputs, output_grads
    dtype = outputs[0].type.dtype
    a = abs(x) * constant(0.5, dtype=dtype)
    one = constant(1, dtype=dtype)
    # d/dx 0.5 * t(x/2) = 0.25 * t'(|x|/2): t is odd, so t' is even.
    dt = tm.switch(tm.lt(a, constant(1.7, dtype=dtype)),
                   constant(1.5, dtype=dtype) / tm.sqr(one + a),
                   tm.switch(tm.lt(a, constant(3, dtype=dtype)),
                             constant(_UF_SLOPE, dtype=dtype), constant(0, dtype=dtype)))
    if x.type.dtype in ts.discrete_dtypes:
        return [None]
    return [gz * constant(0.25, dtype=dtype) * dt]


class UltraFastScalarSigmoid(ts.ScalarOp):
    """A fast piecewise approximation of the sigmoid (max abs error below 0.03)."""

    nin = 1
    name = "ultra_fast_scalar_sigmoid"
    output_types_preference = staticmethod(ts.upgrade_to_float_no_complex)
    upcast_inputs = True
    nfunc = staticmethod(_ultra_fast_sigmoid_np)
    tensor_grad = staticmethod(_ultra_fast_sigmoid_grad)


ultra_fast_scalar_sigmoid = UltraFastScalarSigmoid()
ultra_fast_sigmoid = Elemwise(ultra_fast_scalar_sigmoid, name="ultra_fast_sigmoid")
ultra_fast_sigmoid_inplace = Elemwise(ultra_fast_scalar_sigmoid, inplace_pattern={0: 0},
                                      name="ultra_fast_sigmoid_inplace")


def hard_sigmoid(x):
    """A cheap approximation of the sigmoid: ``clip(0.2 * x + 0.5, 0, 1)``.

    Computed in the float dtype ``sigmoid`` would use for ``x`` (float32
    inputs stay float32).
    """
    x = as_tensor_variable(x)
    dtype = _float_dtype_of(x)
    slope = constant(0.2, dtype=dtype)
    shift = constant(0.5, dtype=dtype)
    return tm.clip(x * slope + shift, 0, 1)


def log1mexp(x):
    """``log(1 - exp(x))`` for ``x <= 0``, accurate over the whole range.

    Uses ``log(-expm1(x))`` near 0 and ``log1p(-exp(x))`` for ``x < -log(2)``
    (Maechler 2012); positive ``x`` gives NaN.
    """
    x = as_tensor_variable(x)
    dtype = _float_dtype_of(x)
    cut = constant(-np.log(2.0), dtype=dtype)
    # Each branch is evaluated on a range where it is finite, so the unused
    # branch cannot poison the gradient with inf * 0.
    x_near = tm.maximum(x, cut)
    x_far = tm.minimum(x, cut)
    return tm.switch(tm.lt(x, cut), tm.log1p(-tm.exp(x_far)), tm.log(-tm.expm1(x_near)))
