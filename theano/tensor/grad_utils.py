"""Small helpers shared by the gradient rules of the tensor ops."""
from theano.scalar.basic import continuous_dtypes
from theano.tensor.basic import cast, zeros_like
from theano.tensor.math import sum as tensor_sum
from theano.tensor.shape import patternbroadcast

__all__ = ["as_input_dtype", "grad_like_input", "sum_to_broadcast", "rop_zero"]


def rop_zero(out):
    """The R-op result of ``out`` when every term is zero: zeros, marked as such.

    ``Rop`` and the R-op rules skip terms with a marked eval point (``None``
    would mean "not differentiable"; 0 * an infinite derivative would be nan).
    """
    z = zeros_like(out)
    z.tag.rop_zero = True
    return z


def as_input_dtype(g, x):
    """``g`` cast to the dtype of ``x`` when ``x`` is a float/complex input."""
    if g.type.dtype != x.type.dtype and x.type.dtype in continuous_dtypes:
        return cast(g, x.type.dtype)
    return g


def grad_like_input(g, x):
    """``g`` with the broadcast pattern and (float) dtype of the input ``x``."""
    if g.type.broadcastable != x.type.broadcastable:
        g = patternbroadcast(g, x.type.broadcastable)
    return as_input_dtype(g, x)


def sum_to_broadcast(g, var):
    """``g`` made broadcastable wherever ``var`` is (those dimensions have size 1).

    Summing over a dimension of size 1 changes no value and marks it
    broadcastable, so updates keep the parameter's type.
    """
    vb = getattr(var.type, "broadcastable", None)
    gb = getattr(g.type, "broadcastable", None)
    if vb is None or gb is None or len(vb) != len(gb):
        return g
    axes = [i for i, (a, b) in enumerate(zip(vb, gb)) if a and not b]
    return tensor_sum(g, axis=axes, keepdims=True) if axes else g
