"""3-d convolution of movies in Theano 1.0's ``conv3d2d`` layout, and its diagonal views.

:func:`conv3d` convolves ``signals`` shaped ``(batch, time, in channels, rows, cols)``
with ``filters`` shaped ``(out channels, time, in channels, rows, cols)`` and returns
``(batch, out time, out channels, out rows, out cols)``: the layout Keras 1's Theano
backend and older video models use.  The filters are flipped on all three axes (a true
convolution, as in Theano 1.0).  Theano 1.0 built it from 2-d convolutions of every
(signal frame, filter frame) pair summed along a diagonal; here the same numbers come from
the 3-d convolution op (:func:`theano.tensor.nnet.conv3d`), which computes no pair it
then throws away, and every border mode works on every axis (Theano 1.0 allowed only
'valid' in time and the same mode for rows and columns).

:class:`DiagonalSubtensor` and :class:`IncDiagonalSubtensor` (the ops Theano 1.0's version
was built from) remain for code that uses them: see :func:`get_diagonal_subtensor_view`.
"""
import numbers

import numpy as np

from theano.graph.basic import Apply
from theano.graph.null_type import disconnected_type
from theano.graph.op import Op
from theano.graph.rules import register_connection_pattern, register_grad
from theano.scalar.basic import integer_dtypes
from theano.tensor.alloc import zeros
from theano.tensor.basic import (NotScalarConstantError, as_tensor_variable,
                                 get_scalar_constant_value, zeros_like)
from theano.tensor.join import stack
from theano.tensor.math import eq, switch
from theano.tensor.nnet.abstract_conv import conv3d as _conv3d_ncdhw
from theano.tensor.subtensor import set_subtensor

__all__ = ["conv3d", "get_diagonal_subtensor_view", "DiagonalSubtensor",
           "IncDiagonalSubtensor", "diagonal_subtensor", "inc_diagonal_subtensor"]

_BORDER_MODES = ("valid", "full", "half")


def get_diagonal_subtensor_view(x, i0, i1):
    """A view of the NumPy array ``x``: along axes ``i0`` and ``i1``, the diagonal stripe.

    With ``n = x.shape[i1]``, the view has ``x.shape[i0] - n + 1`` entries along ``i0``
    and element ``[..., a (axis i0), ..., b (axis i1), ...]`` of the view is element
    ``[..., a + n - 1 - b, ..., b, ...]`` of ``x``: row ``a`` of the view runs up the
    anti-diagonal that starts ``n - 1`` rows below it.  It is a view (no copy): writing
    to it writes to ``x``.
    """
    i0, i1 = int(i0), int(i1)
    if x.shape[i0] < x.shape[i1]:
        raise ValueError(
            "get_diagonal_subtensor_view: axis %d (length %d) must be at least as long as "
            "axis %d (length %d) for the diagonal to cross it; got an array of shape %s"
            % (i0, x.shape[i0], i1, x.shape[i1], x.shape))
    idx = [slice(None)] * x.ndim
    idx[i0] = slice(x.shape[i1] - 1, None)
    view = x[tuple(idx)]
    strides = list(view.strides)
    strides[i1] -= strides[i0]
    return np.lib.stride_tricks.as_strided(view, view.shape, strides,
                                           writeable=view.flags.writeable)


def _axis(v, what, op):
    v = as_tensor_variable(v)
    if v.type.ndim != 0 or v.type.dtype not in integer_dtypes:
        raise TypeError("%s: %s must be an integer scalar (an axis), got %s of type %s"
                        % (op, what, v, v.type))
    return v


def _check_axes(op, x, i0, i1):
    for name, i in (("i0", i0), ("i1", i1)):
        if not -x.ndim <= int(i) < x.ndim:
            raise ValueError("%s: %s=%d is not an axis of an input of shape %s"
                             % (op, name, int(i), x.shape))


def _diagonal_shape(shape, i0, i1):
    """The symbolic shape of the diagonal view of an array of ``shape`` (a list)."""
    n = stack(shape)[i1] if len(shape) else 0
    return [switch(eq(i0, d), s - n + 1, s) for d, s in enumerate(shape)]


class _DiagonalOp(Op):
    """What the two diagonal ops share: ``inplace`` (a view of, or writing into, input 0)."""

    __props__ = ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = bool(inplace)
        if self.inplace:
            setattr(self, self._inplace_map, {0: [0]})

    def __str__(self):
        return "%s{inplace}" % type(self).__name__ if self.inplace else type(self).__name__


class DiagonalSubtensor(_DiagonalOp):
    """The diagonal stripe of ``x`` along axes ``i0`` and ``i1``
    (:func:`get_diagonal_subtensor_view`); with ``inplace=True`` a view of ``x``."""

    _inplace_map = "view_map"

    def make_node(self, x, i0, i1):
        x = as_tensor_variable(x)
        return Apply(self, [x, _axis(i0, "i0", self), _axis(i1, "i1", self)], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, i0, i1 = inputs
        _check_axes(self, x, i0, i1)
        view = get_diagonal_subtensor_view(x, i0, i1)
        output_storage[0][0] = view if self.inplace else view.copy()

    def infer_shape(self, fgraph, node, shapes):
        return [_diagonal_shape(list(shapes[0]), node.inputs[1], node.inputs[2])]


class IncDiagonalSubtensor(_DiagonalOp):
    """``x`` with ``amt`` added to its diagonal stripe along axes ``i0`` and ``i1``: the
    gradient of :class:`DiagonalSubtensor`.  With ``inplace=True`` ``x`` is overwritten."""

    _inplace_map = "destroy_map"

    def make_node(self, x, i0, i1, amt):
        x = as_tensor_variable(x)
        amt = as_tensor_variable(amt)
        if amt.type.ndim != x.type.ndim:
            raise TypeError("%s: amt must have as many dimensions as x (%d), got %s (%d-d)"
                            % (self, x.type.ndim, amt, amt.type.ndim))
        return Apply(self, [x, _axis(i0, "i0", self), _axis(i1, "i1", self), amt],
                     [x.type()])

    def perform(self, node, inputs, output_storage):
        x, i0, i1, amt = inputs
        _check_axes(self, x, i0, i1)
        if not self.inplace:
            x = x.copy()
        view = get_diagonal_subtensor_view(x, i0, i1)
        if amt.shape != view.shape:
            raise ValueError("%s: amt must have the shape of the diagonal view of x %s "
                             "along axes %d and %d, i.e. %s; got %s"
                             % (self, x.shape, int(i0), int(i1), view.shape, amt.shape))
        view += amt
        output_storage[0][0] = x

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


diagonal_subtensor = DiagonalSubtensor(False)
inc_diagonal_subtensor = IncDiagonalSubtensor(False)


@register_connection_pattern(DiagonalSubtensor)
def _diagonal_connections(op, node):
    return [[True], [False], [False]]


@register_grad(DiagonalSubtensor)
def _diagonal_grad(op, inputs, outputs, output_grads):
    x, i0, i1 = inputs
    gx = inc_diagonal_subtensor(zeros_like(x), i0, i1, output_grads[0])
    return [gx, disconnected_type(), disconnected_type()]


@register_connection_pattern(IncDiagonalSubtensor)
def _inc_diagonal_connections(op, node):
    return [[True], [False], [False], [True]]


@register_grad(IncDiagonalSubtensor)
def _inc_diagonal_grad(op, inputs, outputs, output_grads):
    x, i0, i1, amt = inputs
    (gy,) = output_grads
    return [gy, disconnected_type(), disconnected_type(), diagonal_subtensor(gy, i0, i1)]


def _static_shape(shape, what):
    """``shape`` (5 entries, ints or symbolic) as ints/None for the op's static checks."""
    if shape is None:
        return None
    shape = tuple(shape)
    if len(shape) != 5:
        raise ValueError("conv3d: %s must have 5 entries, got %s" % (what, shape))
    out = []
    for v in shape:
        if v is None or isinstance(v, (numbers.Integral, np.integer)):
            out.append(None if v is None else int(v))
            continue
        try:
            out.append(int(get_scalar_constant_value(v)))
        except (NotScalarConstantError, TypeError):
            out.append(None)
    return tuple(out)


def _border_modes(border_mode):
    modes = (border_mode,) * 3 if isinstance(border_mode, str) else tuple(border_mode)
    if len(modes) != 3 or any(m not in _BORDER_MODES for m in modes):
        raise ValueError(
            "conv3d: border_mode must be one of %s or a tuple of three of them (time, rows, "
            "cols), got %r ('same' is 'half' for odd filter sizes)"
            % (", ".join(repr(m) for m in _BORDER_MODES), border_mode))
    return modes


def conv3d(signals, filters, signals_shape=None, filters_shape=None, border_mode="valid"):
    """Convolve spatio-temporal filters with a batch of movies (filters flipped).

    Parameters
    ----------
    signals : 5-d tensor ``(batch, time, in channels, rows, cols)``
    filters : 5-d tensor ``(out channels, time, in channels, rows, cols)``
    signals_shape, filters_shape : None or 5 entries (ints, None or symbolic scalars)
        The shapes when known; they are checked at run time.
    border_mode : 'valid', 'full', 'half' or a tuple of three of them
        For (time, rows, cols).  'valid': only where the filter fits; 'full': every
        overlap; 'half': padded by half the filter size (same size out for odd filters).

    Returns
    -------
    5-d tensor ``(batch, out time, out channels, out rows, out cols)``.
    """
    signals = as_tensor_variable(signals)
    filters = as_tensor_variable(filters)
    for name, v in (("signals", signals), ("filters", filters)):
        if v.type.ndim != 5:
            raise TypeError("conv3d: %s must be a 5-d tensor, got %s (%d-d)"
                            % (name, v, v.type.ndim))
    modes = _border_modes(border_mode)
    sshape = _static_shape(signals_shape, "signals_shape")
    fshape = _static_shape(filters_shape, "filters_shape")
    # (batch, time, channels, rows, cols) -> (batch, channels, time, rows, cols)
    x = signals.dimshuffle(0, 2, 1, 3, 4)
    w = filters.dimshuffle(0, 2, 1, 3, 4)
    if sshape is not None:
        sshape = (sshape[0], sshape[2], sshape[1], sshape[3], sshape[4])
    if fshape is not None:
        fshape = (fshape[0], fshape[2], fshape[1], fshape[3], fshape[4])
    if len(set(modes)) == 1:
        mode = modes[0]
    else:
        # different modes per axis: pad the signal on its 'full' and 'half' axes
        pads = [(0 if m == "valid" else w.shape[2 + a] - 1 if m == "full"
                 else w.shape[2 + a] // 2) for a, m in enumerate(modes)]
        padded = zeros([x.shape[0], x.shape[1]] + [x.shape[2 + a] + 2 * p
                                                    for a, p in enumerate(pads)],
                       dtype=x.dtype)
        x = set_subtensor(padded[(slice(None), slice(None))
                                 + tuple(slice(p, p + x.shape[2 + a])
                                         for a, p in enumerate(pads))], x)
        if sshape is not None:
            sshape = sshape[:2] + (None, None, None)
        mode = "valid"
    out = _conv3d_ncdhw(x, w, input_shape=sshape, filter_shape=fshape, border_mode=mode)
    return out.dimshuffle(0, 2, 1, 3, 4)
