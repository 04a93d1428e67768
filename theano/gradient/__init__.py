"""Symbolic differentiation (Theano 1.0's ``theano.gradient``).

:mod:`~theano.gradient.grad` holds reverse and forward mode (``grad``,
``Lop``, ``Rop``, ``subgraph_grad``), :mod:`~theano.gradient.tools` the
Jacobian and Hessian, :mod:`~theano.gradient.check` ``verify_grad``.  The
per-op rules are registered from the op modules
(:mod:`theano.graph.rules`), and the ops that only change how gradients flow
live in :mod:`theano.tensor.gradient_ops`.
"""
import theano.sparse
import theano.tensor as T
from theano.gradient.check import GradientError, numeric_grad, verify_grad  # noqa: F401
from theano.gradient.sparse_check import sparse_random_inputs, verify_grad_sparse
from theano.gradient.grad import (  # noqa: F401
    DisconnectedInputError,
    Lop,
    NullTypeGradError,
    Rop,
    format_as,
    grad,
    subgraph_grad,
)
from theano.gradient.tools import hessian, jacobian  # noqa: F401
from theano.graph.null_type import (  # noqa: F401
    DisconnectedType,
    NullType,
    disconnected_type,
    grad_not_implemented,
    grad_undefined,
    null_type,
)
from theano.tensor.gradient_ops import (  # noqa: F401
    ConsiderConstant,
    DisconnectedGrad,
    GradClip,
    GradScale,
    ZeroGrad,
    consider_constant,
    consider_constant_,
    disconnected_grad,
    disconnected_grad_,
    grad_clip,
    grad_scale,
    zero_grad,
    zero_grad_,
)

__all__ = [
    "grad", "Lop", "Rop", "jacobian", "hessian", "subgraph_grad", "verify_grad",
    "numeric_grad", "GradientError", "NullType", "null_type", "DisconnectedType",
    "disconnected_type", "DisconnectedInputError", "NullTypeGradError", "grad_undefined",
    "grad_not_implemented", "zero_grad", "disconnected_grad", "consider_constant",
    "grad_clip", "grad_scale", "ZeroGrad", "DisconnectedGrad", "ConsiderConstant", "GradClip",
    "GradScale", "format_as", "consider_constant_", "zero_grad_", "disconnected_grad_",
]


def _attach_to_lower_namespaces():
    """Theano 1.0 users write ``T.grad`` and ``theano.sparse.verify_grad_sparse``:
    put these names there from here, since those layers cannot import this one."""
    for name in ("grad", "Rop", "Lop", "jacobian", "hessian", "verify_grad", "numeric_grad"):
        setattr(T, name, globals()[name])
    theano.sparse.verify_grad_sparse = verify_grad_sparse
    theano.sparse.sparse_random_inputs = sparse_random_inputs


_attach_to_lower_namespaces()
