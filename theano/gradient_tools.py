"""Jacobians, Hessians and ops that change how gradients flow (``zero_grad``...)."""
import warnings

from theano.graph.basic import Apply, Variable
from theano.graph.op import Op
from theano.gradient import (_float_zeros_like, _tensor, disconnected_type, format_as,
                             grad)

__all__ = ["jacobian", "hessian", "zero_grad", "disconnected_grad", "consider_constant",
           "grad_clip", "grad_scale", "ZeroGrad", "DisconnectedGrad", "ConsiderConstant",
           "GradClip", "GradScale"]


# ---------------------------------------------------------------------------
# jacobian / hessian
# ---------------------------------------------------------------------------
def _scan():
    # scan sits above the gradient module (its ops differentiate with it).
    from theano.scan import scan
    return scan


def _arange():
    from theano.tensor.alloc import arange
    return arange


def jacobian(expression, wrt, consider_constant=None, disconnected_inputs="raise"):
    """The Jacobian of the vector (or scalar) ``expression`` w.r.t. ``wrt``.

    Row ``i`` is ``grad(expression[i], wrt)``; for a scalar ``expression``
    this is just :func:`grad`.  The result has the structure of ``wrt``.
    """
    if not isinstance(expression, Variable):
        raise TypeError("jacobian expects a Variable as `expression`, got %r" % (expression,))
    if expression.ndim >= 2:
        raise ValueError("jacobian expects a 1 dimensional variable as `expression` (got %d "
                         "dimensions); flatten it to make it a vector." % expression.ndim)
    using_list, using_tuple = isinstance(wrt, list), isinstance(wrt, tuple)
    wrt = list(wrt) if (using_list or using_tuple) else [wrt]
    if expression.ndim == 0:
        return format_as(using_list, using_tuple,
                         grad(expression, wrt, consider_constant=consider_constant,
                              disconnected_inputs=disconnected_inputs))

    def inner(idx, expr, *args):
        return [grad(expr[idx], inp, consider_constant=consider_constant,
                     disconnected_inputs=disconnected_inputs) for inp in args]

    scan = _scan()
    jacobs, updates = scan(inner, sequences=_arange()(expression.shape[0]),
                              non_sequences=[expression] + wrt)
    if updates:
        raise AssertionError("scan returned updates while computing a jacobian")
    return format_as(using_list, using_tuple, jacobs)


def hessian(cost, wrt, consider_constant=None, disconnected_inputs="raise"):
    """The Hessian of the scalar ``cost`` w.r.t. each vector in ``wrt``."""
    if not isinstance(cost, Variable):
        raise TypeError("hessian expects a Variable as `cost`, got %r" % (cost,))
    if cost.ndim != 0:
        raise TypeError("hessian expects a 0 dimensional variable as `cost`, got %d "
                        "dimensions" % cost.ndim)
    using_list, using_tuple = isinstance(wrt, list), isinstance(wrt, tuple)
    wrt = list(wrt) if (using_list or using_tuple) else [wrt]
    hessians = []
    for inp in wrt:
        if not isinstance(inp, Variable) or inp.ndim != 1:
            raise TypeError("hessian expects a (list of) 1 dimensional variable as `wrt`, got "
                            "%r" % (inp,))
        expr = grad(cost, inp, consider_constant=consider_constant,
                    disconnected_inputs=disconnected_inputs)
        # The input may be disconnected from expr even if connected to cost.
        hess, updates = _scan()(
            lambda i, y, x: grad(y[i], x, consider_constant=consider_constant,
                                 disconnected_inputs="ignore"),
            sequences=_arange()(expr.shape[0]), non_sequences=[expr, inp])
        if updates:
            raise AssertionError("scan returned updates while computing a hessian")
        hessians.append(hess)
    return format_as(using_list, using_tuple, hessians)


# ---------------------------------------------------------------------------
# Gradient-modifying identity ops
# ---------------------------------------------------------------------------
class _GradIdentity(Op):
    """Identity in the forward pass (a view); subclasses change the backward pass.

    A compile-time rewrite removes these nodes, so they cost nothing to run.
    """

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, x):
        if not isinstance(x, Variable):
            x = _tensor().as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0]

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]

    def R_op(self, inputs, eval_points):
        return [eval_points[0]]


class ConsiderConstant(_GradIdentity):
    def grad(self, args, g_outs):
        return [_float_zeros_like(args[0])]


class ZeroGrad(_GradIdentity):
    def grad(self, args, g_outs):
        return [_float_zeros_like(args[0])]

    def R_op(self, inputs, eval_points):
        return [_float_zeros_like(inputs[0])]


class DisconnectedGrad(_GradIdentity):
    def grad(self, args, g_outs):
        return [disconnected_type()]

    def R_op(self, inputs, eval_points):
        return [None]

    def connection_pattern(self, node):
        return [[False]]


class GradClip(_GradIdentity):
    """Clip the gradient to ``[clip_lower_bound, clip_upper_bound]``."""

    __props__ = ("clip_lower_bound", "clip_upper_bound")

    def __init__(self, clip_lower_bound, clip_upper_bound):
        if clip_upper_bound < clip_lower_bound:
            raise ValueError("grad_clip: upper bound %s is below lower bound %s"
                             % (clip_upper_bound, clip_lower_bound))
        self.clip_lower_bound = clip_lower_bound
        self.clip_upper_bound = clip_upper_bound

    def grad(self, args, g_outs):
        return [_tensor().clip(g, self.clip_lower_bound, self.clip_upper_bound)
                for g in g_outs]


class GradScale(_GradIdentity):
    """Multiply the gradient by ``multiplier``."""

    __props__ = ("multiplier",)

    def __init__(self, multiplier):
        self.multiplier = multiplier

    def grad(self, args, g_outs):
        return [self.multiplier * g for g in g_outs]


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

    >>> import theano.tensor as T
    >>> x = T.dscalar()
    >>> float(grad(grad_clip(x, -1, 1) ** 2, x).eval({x: 2.0}))
    1.0
    """
    return GradClip(lower_bound, upper_bound)(x)


def grad_scale(x, multiplier):
    """``x`` in the forward pass; its gradient is multiplied by ``multiplier``."""
    return GradScale(multiplier)(x)


def _register_identity_removal():
    try:
        from theano.rewriting.basic import node_rewriter
        from theano.rewriting.db import register_canonicalize
    except ImportError:  # the rewrite engine is optional for building gradients
        return

    @node_rewriter([_GradIdentity])
    def remove_grad_identity(fgraph, node):
        return [node.inputs[0]]

    try:
        register_canonicalize(remove_grad_identity, name="remove_grad_identity")
    except (ValueError, TypeError):
        pass


_register_identity_removal()
