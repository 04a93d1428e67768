"""Fast Fourier transforms of real data (Theano 1.0's ``theano.tensor.fft``).

Complex values are stored as a last axis of size 2 holding the real and the
imaginary parts.  :func:`rfft` transforms a batch ``(m, ..., n)`` of real
signals into ``(m, ..., n//2 + 1, 2)``; :func:`irfft` goes back.  Both are
differentiable: the gradient of each transform is the other one, with the
frequencies that stand for two (a positive and a negative one) weighted.
"""
import numpy as np

from theano.graph.basic import Apply
from theano.graph.null_type import disconnected_type
from theano.graph.op import Op
from theano.graph.rules import register_connection_pattern, register_grad
from theano.scalar.basic import complex_dtypes, integer_dtypes
from theano.tensor import math as tm
from theano.tensor.basic import as_tensor_variable, cast
from theano.tensor.grad_utils import grad_like_input
from theano.tensor.nlinalg import linalg_dtype
from theano.tensor.shape import get_vector_length
from theano.tensor.subtensor import set_subtensor
from theano.tensor.type import TensorType

__all__ = ["RFFTOp", "rfft_op", "IRFFTOp", "irfft_op", "rfft", "irfft"]


def _check_real(opname, a):
    if a.type.dtype in complex_dtypes:
        raise TypeError("%s: the input must be real (complex values are stored as a last axis "
                        "of size 2), got %s of dtype %s" % (opname, a, a.type.dtype))


def _as_sizes(opname, s, n_axes):
    """The transform sizes ``s`` as an integer vector of ``n_axes`` entries."""
    s = as_tensor_variable(s)
    if s.type.ndim != 1 or s.type.dtype not in integer_dtypes:
        raise TypeError("%s: the transform sizes s must be a vector of integers, got %s of "
                        "type %s" % (opname, s, s.type))
    try:
        length = get_vector_length(s)
    except ValueError:
        length = None
    if length is not None and length != n_axes:
        raise ValueError("%s: s must give one size for each of the %d transformed axes (all "
                         "but the first), got %d" % (opname, n_axes, length))
    return s


def _axes(n_axes, ndim_signal):
    """The transformed axes: all but the batch axis of an ``ndim_signal``-d signal."""
    return tuple(range(ndim_signal - n_axes, ndim_signal))


def _check_sizes(opname, s, n_axes):
    if len(s) != n_axes:
        raise ValueError("%s: s must give one size for each of the %d transformed axes, got %s"
                         % (opname, n_axes, list(s)))
    return tuple(int(k) for k in s)


def _signal(opname, a, min_ndim, what):
    a = as_tensor_variable(a)
    if a.type.ndim < min_ndim:
        raise TypeError("%s: the input must have at least %d dimensions (%s), got %s of type %s"
                        % (opname, min_ndim, what, a, a.type))
    _check_real(opname, a)
    return a


_RFFT_LAYOUT = "batches first"
_IRFFT_LAYOUT = "batches first, real and imaginary parts last"


class RFFTOp(Op):
    """Unnormalised real-to-complex FFT over all axes but the first (``numpy.fft.rfftn``).

    ``make_node(a, s=None)``: ``a`` is (m, ...) with at least 2 dimensions,
    ``s`` the sizes of the transformed axes (default ``a.shape[1:]``; inputs
    are cropped or zero-padded to them).  The output is
    ``(m, s[0], ..., s[-1]//2 + 1, 2)`` with real and imaginary parts last,
    in the input's float dtype (integers give float64).
    """

    __props__ = ()

    def make_node(self, a, s=None):
        a = _signal("RFFTOp", a, 2, _RFFT_LAYOUT)
        n_axes = a.type.ndim - 1
        s = _as_sizes("RFFTOp", a.shape[1:] if s is None else s, n_axes)
        out = TensorType(linalg_dtype(a.type.dtype), (False,) * (a.type.ndim + 1))
        return Apply(self, [a, s], [out()])

    def perform(self, node, inputs, outputs):
        a, s = inputs
        sizes = _check_sizes("RFFTOp", s, a.ndim - 1)
        dtype = node.outputs[0].type.dtype
        spectrum = np.fft.rfftn(a.astype(dtype, copy=False), s=sizes,
                                axes=_axes(len(sizes), a.ndim))
        out = np.empty(spectrum.shape + (2,), dtype=dtype)
        out[..., 0] = spectrum.real
        out[..., 1] = spectrum.imag
        outputs[0][0] = out

    def infer_shape(self, fgraph, node, shapes):
        a, s = node.inputs
        n = a.type.ndim - 1
        sizes = [s[k] for k in range(n)]
        return [(shapes[0][0],) + tuple(sizes[:-1]) + (sizes[-1] // 2 + 1, 2)]


rfft_op = RFFTOp()


class IRFFTOp(Op):
    """Unnormalised complex-to-real inverse FFT over all axes but the first and the last.

    ``make_node(a, s=None)``: ``a`` is (m, ..., k, 2) holding real and
    imaginary parts, ``s`` the sizes of the output's transformed axes
    (default: ``a.shape[1:-1]`` with the last one ``2 * (k - 1)``).  The
    result is ``numpy.fft.irfftn`` times ``prod(s)`` (no normalisation),
    of shape ``(m,) + s``.
    """

    __props__ = ()

    def make_node(self, a, s=None):
        a = _signal("IRFFTOp", a, 3, _IRFFT_LAYOUT)
        n_axes = a.type.ndim - 2
        if s is None:
            s = a.shape[1:-1]
            s = set_subtensor(s[-1], (s[-1] - 1) * 2)
        s = _as_sizes("IRFFTOp", s, n_axes)
        out = TensorType(linalg_dtype(a.type.dtype), (False,) * (a.type.ndim - 1))
        return Apply(self, [a, s], [out()])

    def perform(self, node, inputs, outputs):
        a, s = inputs
        if a.shape[-1] != 2:
            raise ValueError("IRFFTOp: the last axis must hold the real and imaginary parts "
                             "(size 2), got an input of shape %s" % (a.shape,))
        sizes = _check_sizes("IRFFTOp", s, a.ndim - 2)
        dtype = node.outputs[0].type.dtype
        spectrum = a[..., 0] + 1j * a[..., 1]
        # norm="forward" leaves the inverse transform unscaled.
        out = np.fft.irfftn(spectrum, s=sizes, axes=_axes(len(sizes), a.ndim - 1),
                            norm="forward")
        outputs[0][0] = out.astype(dtype, copy=False)

    def infer_shape(self, fgraph, node, shapes):
        a, s = node.inputs
        n = a.type.ndim - 2
        return [(shapes[0][0],) + tuple(s[k] for k in range(n))]


irfft_op = IRFFTOp()


def _weigh_paired_frequencies(g, s, factor):
    """``g`` (..., k, 2) with the frequencies 1 .. ceil(n/2) - 1 of the last axis scaled.

    Those frequencies stand for themselves and their negative mirror; the DC
    term (and the Nyquist one, for an even size n = s[-1]) are single.
    """
    n = s[-1]
    stop = n // 2 + n % 2
    idx = (slice(None),) * (g.type.ndim - 2) + (slice(1, stop), slice(None))
    return set_subtensor(g[idx], g[idx] * factor)


@register_connection_pattern(RFFTOp, IRFFTOp)
def _fft_connection_pattern(op, node):
    # The sizes only shape the result.
    return [[True], [False]]


@register_grad(RFFTOp)
def _rfft_grad(op, inputs, outputs, output_grads):
    (a, s), (g,) = inputs, output_grads
    g = _weigh_paired_frequencies(g, s, 0.5)
    ga = irfft_op(g, s)
    return [grad_like_input(ga, a), disconnected_type()]


@register_grad(IRFFTOp)
def _irfft_grad(op, inputs, outputs, output_grads):
    (a, s), (g,) = inputs, output_grads
    ga = _weigh_paired_frequencies(rfft_op(g, s), s, 2)
    return [grad_like_input(ga, a), disconnected_type()]


def _check_norm(norm):
    if norm not in (None, "ortho", "no_norm"):
        raise ValueError("Invalid value %r for norm: it must be None, 'ortho' or 'no_norm'"
                         % (norm,))
    return norm


def _scaled(out, s, norm, default_scale):
    """``out`` divided by sqrt(prod(s)) for 'ortho', by prod(s) when ``default_scale``."""
    if norm == "ortho":
        return out / tm.sqrt(cast(tm.prod(s), out.type.dtype))
    if norm is None and default_scale:
        return out / cast(tm.prod(s), out.type.dtype)
    return out


def rfft(inp, norm=None):
    """Fast Fourier transform of real input, over all axes but the first (batches).

    Parameters
    ----------
    inp : tensor of real numbers, shape (m, ..., n)
        m signals of shape (..., n).
    norm : {None, 'ortho', 'no_norm'}
        None (as NumPy) and 'no_norm' leave the forward transform unscaled;
        'ortho' divides it by ``sqrt(prod(...,n))``, making it unitary.

    Returns
    -------
    tensor of shape (m, ..., n//2 + 1, 2)
        The non-redundant half of each spectrum; the last axis holds the real
        and imaginary parts.
    """
    norm = _check_norm(norm)
    inp = _signal("rfft", inp, 2, _RFFT_LAYOUT)
    s = inp.shape[1:]
    return _scaled(rfft_op(inp, s), s, norm, default_scale=False)


def irfft(inp, norm=None, is_odd=False):
    """Inverse of :func:`rfft`: real signals from half spectra.

    Parameters
    ----------
    inp : tensor, shape (m, ..., k, 2)
        m half spectra (as :func:`rfft` gives them), real and imaginary parts
        last.
    norm : {None, 'ortho', 'no_norm'}
        None divides by the number of points (NumPy's inverse), 'ortho' by
        its square root, 'no_norm' not at all.
    is_odd : bool
        The size of the last output axis is ``2 * (k - 1)``, or
        ``2 * (k - 1) + 1`` when True.

    Returns
    -------
    tensor of real numbers, shape (m, ..., n)
    """
    if is_odd not in (True, False):
        raise ValueError("Invalid value %r for is_odd: it must be True or False" % (is_odd,))
    norm = _check_norm(norm)
    inp = _signal("irfft", inp, 3, _IRFFT_LAYOUT)
    s = inp.shape[1:-1]
    s = set_subtensor(s[-1], (s[-1] - 1) * 2 + int(is_odd))
    return _scaled(irfft_op(inp, s), s, norm, default_scale=True)
