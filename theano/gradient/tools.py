"""Jacobians and Hessians: one gradient per row of the expression, looped with scan."""
from theano.graph.basic import Variable
from theano.gradient.grad import format_as, grad
from theano.tensor.alloc import arange

__all__ = ["jacobian", "hessian"]


# ---------------------------------------------------------------------------
# jacobian / hessian
# ---------------------------------------------------------------------------
def _scan():
    # Layer exception (docs/layers.toml): scan sits above gradient, since
    # its ops differentiate with it; the rows of a Jacobian are a scan loop.
    from theano.scan.basic import scan
    return scan


def jacobian(expression, wrt, consider_constant=None, disconnected_inputs="raise"):
    """The Jacobian of the vector (or scalar) ``expression`` w.r.t. ``wrt``.

    Row ``i`` is ``grad(expression[i], wrt)``; for a scalar ``expression``
    this is just :func:`grad`.  The result has the structure of ``wrt``.
    """
    if not isinstance(expression, Variable):
        raise TypeError("jacobian expects a Variable as `expression`, got %r" % (expression,))
    if expression.ndim >= 2:
        # AssertionError, as Theano 1.0 (an assert) raised.
        raise AssertionError("jacobian expects a 1 dimensional variable as `expression` (got "
                             "%d dimensions); flatten it to make it a vector." % expression.ndim)
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
    jacobs, updates = scan(inner, sequences=arange(expression.shape[0]),
                              non_sequences=[expression] + wrt)
    if updates:
        raise AssertionError("scan returned updates while computing a jacobian")
    return format_as(using_list, using_tuple, jacobs)


def hessian(cost, wrt, consider_constant=None, disconnected_inputs="raise"):
    """The Hessian of the scalar ``cost`` w.r.t. each vector in ``wrt``."""
    if not isinstance(cost, Variable):
        raise TypeError("hessian expects a Variable as `cost`, got %r" % (cost,))
    if cost.ndim != 0:
        raise AssertionError("hessian expects a 0 dimensional variable as `cost`, got %d "
                             "dimensions" % cost.ndim)  # (Theano 1.0 asserted it)
    using_list, using_tuple = isinstance(wrt, list), isinstance(wrt, tuple)
    wrt = list(wrt) if (using_list or using_tuple) else [wrt]
    hessians = []
    for inp in wrt:
        if not isinstance(inp, Variable) or inp.ndim != 1:
            raise AssertionError("hessian expects a (list of) 1 dimensional variable as `wrt`, "
                                 "got %r" % (inp,))
        expr = grad(cost, inp, consider_constant=consider_constant,
                    disconnected_inputs=disconnected_inputs)
        # The input may be disconnected from expr even if connected to cost.
        hess, updates = _scan()(
            lambda i, y, x: grad(y[i], x, consider_constant=consider_constant,
                                 disconnected_inputs="ignore"),
            sequences=arange(expr.shape[0]), non_sequences=[expr, inp])
        if updates:
            raise AssertionError("scan returned updates while computing a hessian")
        hessians.append(hess)
    return format_as(using_list, using_tuple, hessians)
