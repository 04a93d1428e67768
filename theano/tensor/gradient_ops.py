"""Identity ops that change only how gradients flow: ``zero_grad``, ``grad_clip``...

In the forward pass each is a view of its input, and a canonicalize rewrite
removes it, so it costs nothing to run; its registered gradient rule is what
differs.  :mod:`theano.gradient` exports them under their Theano 1.0 names.
"""
import warnings

from theano.configparser import config
from theano.graph.basic import Apply, Variable
from theano.graph.null_type import disconnected_type
from theano.graph.op import Op
from theano.graph.rules import register_connection_pattern, register_grad, register_rop
from theano.scalar.basic import continuous_dtypes, float_dtypes
from theano.tensor.basic import as_tensor_variable, ones_like, zeros_like
from theano.tensor.math import clip

__all__ = ["GradIdentity", "ConsiderConstant", "ZeroGrad", "DisconnectedGrad", "GradClip",
           "GradScale", "consider_constant", "zero_grad", "disconnected_grad", "grad_clip",
           "grad_scale", "consider_constant_", "zero_grad_", "disconnected_grad_",
           "float_ones_like", "float_zeros_like"]


def float_ones_like(x):
    """Ones shaped like ``x``, of ``x``'s float dtype (floatX for other dtypes)."""
    dtype = getattr(x.type, "dtype", None)
    return ones_like(x, dtype=dtype if dtype in float_dtypes else config.floatX)


def float_zeros_like(x):
    """Zeros shaped like ``x``, of its float or complex dtype (floatX for other dtypes)."""
    dtype = getattr(x.type, "dtype", None)
    return zeros_like(x, dtype=dtype if dtype in continuous_dtypes else config.floatX)


class GradIdentity(Op):
    """Identity in the forward pass (a view); subclasses change the backward pass."""

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, x):
        if not isinstance(x, Variable):
            x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0]

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


class ConsiderConstant(GradIdentity):
    """Deprecated in Theano 1.0: the gradient through it is zero."""


class ZeroGrad(GradIdentity):
    """The gradient through it is zero."""


class DisconnectedGrad(GradIdentity):
    """The cost is considered not to depend on its input at all."""


class GradClip(GradIdentity):
    """Clip the gradient to ``[clip_lower_bound, clip_upper_bound]``."""

    __props__ = ("clip_lower_bound", "clip_upper_bound")

    def __init__(self, clip_lower_bound, clip_upper_bound):
        if clip_upper_bound < clip_lower_bound:
            raise ValueError("grad_clip: upper bound %s is below lower bound %s"
                             % (clip_upper_bound, clip_lower_bound))
        self.clip_lower_bound = clip_lower_bound
        self.clip_upper_bound = clip_upper_bound


class GradScale(GradIdentity):
    """Multiply the gradient by ``multiplier``."""

    __props__ = ("multiplier",)

    def __init__(self, multiplier):
        self.multiplier = multiplier


@register_rop(GradIdentity, GradClip, GradScale)
def _identity_rop(op, inputs, eval_points):
    return [eval_points[0]]


@register_grad(ConsiderConstant, ZeroGrad)
def _zero_grad(op, inputs, outputs, output_grads):
    return [float_zeros_like(inputs[0])]


@register_rop(ZeroGrad)
def _zero_rop(op, inputs, eval_points):
    return [float_zeros_like(inputs[0])]


@register_grad(DisconnectedGrad)
def _disconnected_grad(op, inputs, outputs, output_grads):
    return [disconnected_type()]


@register_rop(DisconnectedGrad)
def _disconnected_rop(op, inputs, eval_points):
    return [None]


@register_connection_pattern(DisconnectedGrad)
def _disconnected_pattern(op, node):
    return [[False]]


@register_grad(GradClip)
def _clip_grad(op, inputs, outputs, output_grads):
    return [clip(g, op.clip_lower_bound, op.clip_upper_bound) for g in output_grads]


@register_grad(GradScale)
def _scale_grad(op, inputs, outputs, output_grads):
    return [op.multiplier * g for g in output_grads]


consider_constant_ = ConsiderConstant()
zero_grad_ = ZeroGrad()
disconnected_grad_ = DisconnectedGrad()


def consider_constant(x):
    """DEPRECATED: use :func:`zero_grad` or :func:`disconnected_grad` instead."""
    warnings.warn("consider_constant() is deprecated, use zero_grad() or disconnected_grad() "
                  "instead.", DeprecationWarning, stacklevel=2)
    return consider_constant_(x)


def zero_grad(x):
    """``x`` in the forward pass; its gradient is zero (back-propagation stops here)."""
    return zero_grad_(x)


def disconnected_grad(x):
    """``x`` in the forward pass; the cost is considered not to depend on it at all."""
    return disconnected_grad_(x)


def grad_clip(x, lower_bound, upper_bound):
    """``x`` in the forward pass; its gradient is clipped to ``[lower_bound, upper_bound]``.

    >>> import theano, theano.tensor as T
    >>> x = T.dscalar()
    >>> float(theano.grad(grad_clip(x, -1, 1) ** 2, x).eval({x: 2.0}))
    1.0
    """
    return GradClip(lower_bound, upper_bound)(x)


def grad_scale(x, multiplier):
    """``x`` in the forward pass; its gradient is multiplied by ``multiplier``."""
    return GradScale(multiplier)(x)
