"""Scalar ops and types (the elements of elementwise kernels)."""
from theano.scalar.basic import *  # noqa: F401,F403
from theano.scalar.basic import ScalarOp, ScalarType, Composite, Cast, upcast  # noqa: F401
