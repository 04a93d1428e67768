"""Pooling (down-sampling) over the last 2 or 3 axes of a tensor.

:func:`pool_2d` and :func:`pool_3d` build a :class:`Pool` node; its gradient
is :class:`MaxPoolGrad` or :class:`AveragePoolGrad`, whose own gradients are
:class:`DownsampleFactorMaxGradGrad` and :class:`Pool` again.
:class:`MaxPoolRop` is the R-operator of max pooling.

The window size ``ws``, the ``stride`` and the padding ``pad`` are inputs of
the nodes (vectors of ints, possibly symbolic), as in Theano 1.0.  Windows
start at multiples of the stride in the zero-padded image.  With
``ignore_border=False`` the last, partial windows along an axis are kept
(padding then requires ``ignore_border=True``).  Modes:

``'max'``
    maximum over the window, padding excluded;
``'sum'``
    sum over the window;
``'average_inc_pad'``
    mean over the window, padding cells counted;
``'average_exc_pad'``
    mean over the window's image cells only.

All computations loop over the window offsets (``prod(ws)`` steps), each
step a vectorised operation on every window at once.
"""
import itertools
import warnings

import numpy as np

from theano.graph.basic import Apply, Constant
from theano.graph.null_type import disconnected_type
from theano.graph.op import Op
from theano.graph.rules import register_connection_pattern, register_grad, register_rop
from theano.scalar.basic import integer_dtypes
from theano.tensor import math as tm
from theano.tensor.basic import as_tensor_variable, zeros_like
from theano.tensor.type import TensorType

__all__ = ["pool_2d", "pool_3d", "max_pool_2d_same_size", "Pool", "PoolGrad", "MaxPoolGrad",
           "AveragePoolGrad", "DownsampleFactorMaxGradGrad", "MaxPoolRop"]

_MODES = ("max", "sum", "average_inc_pad", "average_exc_pad")


# ---------------------------------------------------------------------------
# Output shape
# ---------------------------------------------------------------------------
def _renamed(new, old, new_name, old_name, default=None, cls=""):
    """Resolve a deprecated keyword ``old_name`` of Theano 0.9 to ``new_name``."""
    if old is None:
        return new
    if new is not None and new != default:
        raise ValueError("You can't provide a tuple value to both '%s' and '%s'. Please "
                         "provide a value only to '%s'." % (new_name, old_name, new_name))
    warnings.warn("DEPRECATION: the '%s' parameter%s is not going to exist anymore as it is "
                  "going to be replaced by the parameter '%s'." % (old_name, cls, new_name),
                  stacklevel=3)
    return old


def _out_len(v, w, s, ignore_border):
    """Number of windows along one axis of padded length ``v`` (ints or symbolic)."""
    symbolic = not all(isinstance(a, (int, np.integer)) for a in (v, w, s))
    if ignore_border:
        out = (v - w) // s + 1
        return tm.maximum(out, 0) if symbolic else max(int(out), 0)
    if symbolic:
        return tm.switch(tm.ge(s, w), (v - 1) // s + 1,
                         tm.maximum(0, (v - 1 - w) // s + 1) + 1)
    if s >= w:
        return (v - 1) // s + 1
    return max(0, (v - 1 - w) // s + 1) + 1


def _entries(v, n):
    """Entries of a length-``n`` vector: ints when it is constant, else symbolic scalars."""
    if isinstance(v, Constant):
        return [int(e) for e in v.data]
    if isinstance(v, (tuple, list, np.ndarray)):
        return [int(e) if isinstance(e, (int, np.integer)) else e for e in v]
    return [v[i] for i in range(n)]


def _out_shape(imgshape, ws, ignore_border, stride, pad, ndim):
    if len(imgshape) < ndim:
        raise TypeError("imgshape must have at least %d dimensions, got %s"
                        % (ndim, tuple(imgshape)))
    ws = _entries(ws, ndim)
    stride = ws if stride is None else _entries(stride, ndim)
    pad = [0] * ndim if pad is None else _entries(pad, ndim)
    spatial = []
    for i in range(ndim):
        v = imgshape[len(imgshape) - ndim + i]
        if isinstance(v, Constant):
            v = int(v.data)
        if isinstance(v, np.integer):
            v = int(v)
        if not (isinstance(pad[i], int) and pad[i] == 0):
            v = v + 2 * pad[i]
        spatial.append(_out_len(v, ws[i], stride[i], ignore_border))
    return list(imgshape[:len(imgshape) - ndim]) + spatial


# ---------------------------------------------------------------------------
# NumPy helpers
# ---------------------------------------------------------------------------
class _Geometry:
    """Window layout along the last ``nd`` axes of an array of shape ``shape``."""

    def __init__(self, shape, ws, stride, pad, ignore_border, out_sp=None):
        nd = len(ws)
        self.nd = nd
        self.ws = [int(w) for w in ws]
        self.st = [int(s) for s in stride]
        self.pad = [int(p) for p in pad]
        self.n = list(shape[len(shape) - nd:])
        for name, vals in (("ws", self.ws), ("stride", self.st)):
            if any(v <= 0 for v in vals):
                raise ValueError("Pool: %s must contain positive integers, got %s"
                                 % (name, tuple(vals)))
        if any(p < 0 for p in self.pad):
            raise ValueError("Pool: pad must be non-negative, got %s" % (tuple(self.pad),))
        if any(self.pad) and not ignore_border:
            raise ValueError("Pool: padding works only with ignore_border=True, got pad=%s"
                             % (tuple(self.pad),))
        if any(p >= w for p, w in zip(self.pad, self.ws)):
            raise ValueError("Pool: padding must be smaller than the window size, got pad=%s "
                             "and ws=%s" % (tuple(self.pad), tuple(self.ws)))
        self.padded = [self.n[i] + 2 * self.pad[i] for i in range(nd)]
        if out_sp is None:
            out_sp = [_out_len(self.padded[i], self.ws[i], self.st[i], ignore_border)
                      for i in range(nd)]
        self.out = [int(o) for o in out_sp]
        # Room for every window, partial ones included.
        self.extra = [max(0, (self.out[i] - 1) * self.st[i] + self.ws[i] - self.padded[i])
                      if self.out[i] > 0 else 0 for i in range(nd)]

    def pad_array(self, x, fill):
        widths = [(0, 0)] * (x.ndim - self.nd) + [
            (self.pad[i], self.pad[i] + self.extra[i]) for i in range(self.nd)]
        if not any(a or b for a, b in widths):
            return x
        return np.pad(x, widths, constant_values=fill)

    def crop(self, xp):
        lead = (slice(None),) * (xp.ndim - self.nd)
        return xp[lead + tuple(slice(self.pad[i], self.pad[i] + self.n[i])
                               for i in range(self.nd))]

    def offsets(self):
        """``(offset, index)`` for every window offset; ``index`` selects, in the padded
        array, the cell at that offset of every window."""
        for k in itertools.product(*[range(w) for w in self.ws]):
            yield k, (Ellipsis,) + tuple(
                slice(k[i], k[i] + self.st[i] * (self.out[i] - 1) + 1, self.st[i])
                for i in range(self.nd))

    def valid(self, k):
        """Boolean mask (broadcastable on the output) of windows whose cell at offset ``k``
        is an image cell, or None when they all are."""
        mask = None
        for i in range(self.nd):
            pos = k[i] + self.st[i] * np.arange(self.out[i])
            ok = (pos >= self.pad[i]) & (pos < self.pad[i] + self.n[i])
            if ok.all():
                continue
            ok = ok.reshape((-1,) + (1,) * (self.nd - 1 - i))
            mask = ok if mask is None else mask & ok
        return mask

    def counts(self, include_pad):
        """Number of cells averaged by each window (broadcastable on the output)."""
        total = np.ones((1,) * self.nd)
        for i in range(self.nd):
            start = self.st[i] * np.arange(self.out[i])
            if include_pad:
                c = np.minimum(start + self.ws[i], self.padded[i]) - start
            else:
                c = (np.minimum(start + self.ws[i], self.pad[i] + self.n[i])
                     - np.maximum(start, self.pad[i]))
            total = total * c.reshape((-1,) + (1,) * (self.nd - 1 - i))
        return total


def _lowest(dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return -np.inf
    if dtype.kind in "iu":
        return np.iinfo(dtype).min
    return False


def _pool_forward(x, geo, mode):
    lead = x.shape[:x.ndim - geo.nd]
    if 0 in geo.out or x.size == 0:
        return np.zeros(lead + tuple(geo.out), dtype=x.dtype)
    if mode == "max":
        xp = geo.pad_array(x, _lowest(x.dtype))
        acc = None
        for _, idx in geo.offsets():
            acc = xp[idx].copy() if acc is None else np.maximum(acc, xp[idx], out=acc)
        return acc
    work = x.dtype if x.dtype.kind in "fc" else np.float64
    xp = geo.pad_array(x.astype(work, copy=False), 0)
    acc = np.zeros(lead + tuple(geo.out), dtype=work)
    for _, idx in geo.offsets():
        acc += xp[idx]
    if mode != "sum":
        acc /= geo.counts(mode == "average_inc_pad")
    return acc.astype(x.dtype, copy=False)


def _max_matches(x, maxout, geo):
    """Yield ``(index, mask)``: where each window's cell at an offset equals its maximum."""
    xp = geo.pad_array(x, 0)
    for k, idx in geo.offsets():
        match = xp[idx] == maxout
        valid = geo.valid(k)
        yield idx, match if valid is None else match & valid


def _max_pool_grad(x, maxout, gz, geo):
    shape = x.shape[:x.ndim - geo.nd] + tuple(geo.padded[i] + geo.extra[i]
                                              for i in range(geo.nd))
    gxp = np.zeros(shape, dtype=np.result_type(x, gz))
    if maxout.size:
        for idx, match in _max_matches(x, maxout, geo):
            gxp[idx] += np.where(match, gz, 0)
    return geo.crop(gxp)


def _average_pool_grad(x, gz, geo, mode):
    shape = x.shape[:x.ndim - geo.nd] + tuple(geo.padded[i] + geo.extra[i]
                                              for i in range(geo.nd))
    dtype = np.result_type(x, gz)
    gxp = np.zeros(shape, dtype=dtype)
    if gz.size:
        val = gz if mode == "sum" else gz / geo.counts(mode == "average_inc_pad")
        val = val.astype(dtype, copy=False)
        for _, idx in geo.offsets():
            gxp[idx] += val
    return geo.crop(gxp)


def _max_pool_grad_grad(x, maxout, ggx, geo):
    ggz = np.zeros(maxout.shape, dtype=np.result_type(x, ggx))
    if maxout.size:
        ggxp = geo.pad_array(ggx, 0)
        for idx, match in _max_matches(x, maxout, geo):
            ggz += np.where(match, ggxp[idx], 0)
    return ggz


def _max_pool_rop(x, ex, geo):
    lead = x.shape[:x.ndim - geo.nd]
    if 0 in geo.out or x.size == 0:
        return np.zeros(lead + tuple(geo.out), dtype=np.result_type(x, ex))
    xp = geo.pad_array(x, _lowest(x.dtype))
    exp_ = geo.pad_array(ex, 0)
    best = val = None
    for _, idx in geo.offsets():
        if best is None:
            best, val = xp[idx].copy(), exp_[idx].astype(np.result_type(x, ex))
            continue
        # Strictly greater: ties keep the first maximum, as argmax does.
        better = xp[idx] > best
        best = np.where(better, xp[idx], best)
        val = np.where(better, exp_[idx], val)
    return val


# ---------------------------------------------------------------------------
# The ops
# ---------------------------------------------------------------------------
def _check_mode(mode, allowed=_MODES):
    if mode == "max_deterministic":
        return "max"
    if mode not in allowed:
        raise ValueError("Pool mode parameter only supports %s. Got %r"
                         % (", ".join(repr(m) for m in allowed), mode))
    return mode


def _int_vector(v, what, nd, op):
    v = as_tensor_variable(v)
    if v.type.ndim != 1 or v.type.dtype not in integer_dtypes:
        raise TypeError("%s: %s must be a vector of %d integers, got %s of type %s"
                        % (type(op).__name__, what, nd, v, v.type))
    if isinstance(v, Constant) and v.data.shape != (nd,):
        raise ValueError("%s: %s must have %d entries, got %s"
                         % (type(op).__name__, what, nd, v.data))
    return v


def _params(op, x, ws, stride, pad):
    """Checked ``(ws, stride, pad)`` vectors for a node of ``op`` on ``x``."""
    nd = op.ndim
    if x.type.ndim < nd:
        raise TypeError("%s: the input must have at least %d dimensions, got %s (%d-d)"
                        % (type(op).__name__, nd, x, x.type.ndim))
    if stride is None:
        stride = ws
    if pad is None:
        pad = (0,) * nd
    elif isinstance(pad, (tuple, list)) and all(isinstance(p, (int, np.integer)) for p in pad):
        if any(pad) and not op.ignore_border:
            raise ValueError("%s: padding works only with ignore_border=True, got pad=%s"
                             % (type(op).__name__, tuple(pad)))
        if isinstance(ws, (tuple, list)) and all(isinstance(w, (int, np.integer)) for w in ws) \
                and any(p >= w for p, w in zip(pad, ws)):
            raise ValueError("%s: padding must be smaller than the window size, got pad=%s "
                             "and ws=%s" % (type(op).__name__, tuple(pad), tuple(ws)))
    return (_int_vector(ws, "ws", nd, op), _int_vector(stride, "stride", nd, op),
            _int_vector(pad, "pad", nd, op))


def _same_ndim(op, *vs):
    if len({v.type.ndim for v in vs}) != 1:
        raise TypeError("%s: inputs must have the same number of dimensions, got %s"
                        % (type(op).__name__, [v.type.ndim for v in vs]))


class Pool(Op):
    """Pooling of the last ``ndim`` axes of a tensor.

    Parameters
    ----------
    ignore_border : bool
        False keeps the partial windows at the end of each axis.
    mode : {'max', 'sum', 'average_inc_pad', 'average_exc_pad'}
    ndim : int
        Number of pooled (trailing) axes.
    openmp : None
        Accepted for compatibility (it tuned Theano's C code).

    The node's inputs are ``x`` and the int vectors ``ws``, ``stride`` and
    ``pad`` (see :meth:`make_node`).
    """

    __props__ = ("ignore_border", "mode", "ndim", "openmp")

    @staticmethod
    def out_shape(imgshape, ws=None, ignore_border=False, stride=None, pad=None, ndim=2,
                  ds=None, st=None, padding=None):
        """The output shape for an input of shape ``imgshape`` (entries may be symbolic).

        The leading axes are unchanged; each pooled axis of length ``n``
        becomes ``(n + 2 * pad - ws) // stride + 1`` (at least 0) with
        ``ignore_border``, and otherwise counts the partial windows too.
        """
        ws = _renamed(ws, ds, "ws", "ds")
        if ws is None:
            raise ValueError("You must provide a tuple value for the window size.")
        stride = _renamed(stride, st, "stride", "st")
        pad = _renamed(pad, padding, "pad", "padding", default=(0,) * (ndim or 2))
        return _out_shape(imgshape, ws, ignore_border, stride, pad, ndim or 2)

    def __init__(self, ignore_border=False, mode="max", ndim=2, openmp=None):
        self.ignore_border = bool(ignore_border)
        self.mode = _check_mode(mode)
        self.ndim = int(ndim)
        if self.ndim < 1:
            raise ValueError("Pool: ndim must be at least 1, got %r" % (ndim,))
        self.openmp = openmp

    def make_node(self, x, ws, stride=None, pad=None):
        """``x`` (at least ``ndim`` dimensions); ``ws``, ``stride`` (default ``ws``) and
        ``pad`` (default zeros): int vectors of length ``ndim``."""
        x = as_tensor_variable(x)
        ws, stride, pad = _params(self, x, ws, stride, pad)
        bcast = x.type.broadcastable[:x.type.ndim - self.ndim] + (False,) * self.ndim
        return Apply(self, [x, ws, stride, pad], [TensorType(x.type.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, ws, stride, pad = inputs
        geo = _Geometry(x.shape, ws, stride, pad, self.ignore_border)
        if not self.ignore_border and 0 in geo.out:
            raise ValueError("Pool: an input of shape %s has an empty pooled axis"
                             % (x.shape,))
        output_storage[0][0] = _pool_forward(x, geo, self.mode)

    def infer_shape(self, fgraph, node, shapes):
        return [_out_shape(shapes[0], node.inputs[1], self.ignore_border, node.inputs[2],
                           node.inputs[3], self.ndim)]


class PoolGrad(Op):
    """Base class of the pooling gradients (the output has the shape of ``x``)."""

    __props__ = ("ignore_border", "mode", "ndim", "openmp")

    @staticmethod
    def out_shape(imgshape, ws=None, ignore_border=False, stride=None, pad=None, ndim=2,
                  ds=None, st=None, padding=None):
        """The shape of the pooled output (see :meth:`Pool.out_shape`)."""
        ws = _renamed(ws, ds, "ws", "ds", cls=" in PoolGrad")
        if ws is None:
            raise ValueError("You must provide a tuple value for the window size.")
        stride = _renamed(stride, st, "stride", "st", cls=" in PoolGrad")
        pad = _renamed(pad, padding, "pad", "padding", cls=" in PoolGrad")
        return _out_shape(imgshape, ws, ignore_border, stride, pad, ndim)

    def __init__(self, ignore_border, mode="max", ndim=2, openmp=None):
        self.ignore_border = bool(ignore_border)
        self.mode = _check_mode(mode)
        self.ndim = int(ndim)
        self.openmp = openmp

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]

    def _geometry(self, x, out, ws, stride, pad):
        geo = _Geometry(x.shape, ws, stride, pad, self.ignore_border,
                        out_sp=out.shape[out.ndim - self.ndim:])
        expected = _out_shape(x.shape, ws, self.ignore_border, stride, pad, self.ndim)
        if tuple(expected) != tuple(out.shape):
            raise ValueError("%s: the pooled output has shape %s but pooling an input of shape "
                             "%s gives %s" % (type(self).__name__, out.shape, x.shape,
                                              tuple(expected)))
        return geo


class MaxPoolGrad(PoolGrad):
    """Gradient of max pooling: ``gz`` goes to every cell equal to its window's maximum.

    Inputs: ``x``, the pooled ``maxout``, its gradient ``gz``, then ``ws``,
    ``stride`` and ``pad``.
    """

    def __init__(self, ignore_border, ndim=2, openmp=None, mode="max"):
        super().__init__(ignore_border, mode=_check_mode(mode, ("max",)), ndim=ndim,
                         openmp=openmp)

    def make_node(self, x, maxout, gz, ws, stride=None, pad=None):
        x, maxout, gz = (as_tensor_variable(v) for v in (x, maxout, gz))
        _same_ndim(self, x, maxout, gz)
        ws, stride, pad = _params(self, x, ws, stride, pad)
        return Apply(self, [x, maxout, gz, ws, stride, pad], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, maxout, gz, ws, stride, pad = inputs
        geo = self._geometry(x, maxout, ws, stride, pad)
        output_storage[0][0] = np.asarray(_max_pool_grad(x, maxout, gz, geo),
                                          dtype=node.outputs[0].type.dtype)


class AveragePoolGrad(PoolGrad):
    """Gradient of sum and average pooling: ``gz`` (divided by the window's count)
    goes to every cell of the window.

    Inputs: ``x``, the gradient ``gz`` of the pooled output, then ``ws``,
    ``stride`` and ``pad``.
    """

    def __init__(self, ignore_border, mode="average_inc_pad", ndim=2, openmp=None):
        super().__init__(ignore_border, mode=_check_mode(
            mode, ("sum", "average_inc_pad", "average_exc_pad")), ndim=ndim, openmp=openmp)

    def make_node(self, x, gz, ws, stride=None, pad=None, dummy=None):
        x, gz = as_tensor_variable(x), as_tensor_variable(gz)
        _same_ndim(self, x, gz)
        ws, stride, pad = _params(self, x, ws, stride, pad)
        return Apply(self, [x, gz, ws, stride, pad], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, gz, ws, stride, pad = inputs
        geo = self._geometry(x, gz, ws, stride, pad)
        output_storage[0][0] = np.asarray(_average_pool_grad(x, gz, geo, self.mode),
                                          dtype=node.outputs[0].type.dtype)


class DownsampleFactorMaxGradGrad(Op):
    """Gradient of :class:`MaxPoolGrad` with respect to ``gz``.

    Each window's output is the sum of ``ggx`` over the window's cells equal
    to its maximum.  Inputs: ``x``, ``maxout``, ``ggx``, ``ws``, ``stride``,
    ``pad``; the output has the shape of ``maxout``.
    """

    __props__ = ("ignore_border", "mode", "ndim", "openmp")

    def __init__(self, ignore_border, mode="max", ndim=2, openmp=None):
        self.ignore_border = bool(ignore_border)
        self.mode = _check_mode(mode, ("max",))
        self.ndim = int(ndim)
        self.openmp = openmp

    def make_node(self, x, maxout, gz, ws, stride=None, pad=None):
        x, maxout, gz = (as_tensor_variable(v) for v in (x, maxout, gz))
        _same_ndim(self, x, maxout, gz)
        ws, stride, pad = _params(self, x, ws, stride, pad)
        return Apply(self, [x, maxout, gz, ws, stride, pad], [maxout.type()])

    def perform(self, node, inputs, output_storage):
        x, maxout, ggx, ws, stride, pad = inputs
        geo = PoolGrad._geometry(self, x, maxout, ws, stride, pad)
        output_storage[0][0] = np.asarray(_max_pool_grad_grad(x, maxout, ggx, geo),
                                          dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[1]]


class MaxPoolRop(Op):
    """R-operator of max pooling: the value of ``eval_point`` at each window's
    (first) maximum of ``x``.  Inputs: ``x``, ``eval_point``, ``ws``, ``stride``, ``pad``.
    """

    __props__ = ("ignore_border", "mode", "ndim", "openmp")

    def __init__(self, ignore_border=False, mode="max", ndim=2, openmp=None):
        self.ignore_border = bool(ignore_border)
        self.mode = _check_mode(mode, ("max",))
        self.ndim = int(ndim)
        self.openmp = openmp

    def make_node(self, x, eval_point, ws, stride=None, pad=None):
        x, eval_point = as_tensor_variable(x), as_tensor_variable(eval_point)
        _same_ndim(self, x, eval_point)
        ws, stride, pad = _params(self, x, ws, stride, pad)
        bcast = eval_point.type.broadcastable[:x.type.ndim - self.ndim] + (False,) * self.ndim
        return Apply(self, [x, eval_point, ws, stride, pad],
                     [TensorType(eval_point.type.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, ex, ws, stride, pad = inputs
        if x.shape != ex.shape:
            raise ValueError("MaxPoolRop: x has shape %s but eval_point has shape %s"
                             % (x.shape, ex.shape))
        geo = _Geometry(x.shape, ws, stride, pad, self.ignore_border)
        output_storage[0][0] = np.asarray(_max_pool_rop(x, ex, geo),
                                          dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [_out_shape(shapes[0], node.inputs[2], self.ignore_border, node.inputs[3],
                           node.inputs[4], self.ndim)]


# ---------------------------------------------------------------------------
# Gradient, R-op and connection rules
# ---------------------------------------------------------------------------
def _disc(n):
    return [disconnected_type() for _ in range(n)]


@register_connection_pattern(Pool)
def _pool_connections(op, node):
    return [[True], [False], [False], [False]]


@register_grad(Pool)
def _pool_grad(op, inputs, outputs, output_grads):
    x, ws, stride, pad = inputs
    (gz,) = output_grads
    if op.mode == "max":
        gx = MaxPoolGrad(op.ignore_border, ndim=op.ndim)(x, outputs[0], gz, ws, stride, pad)
    else:
        gx = AveragePoolGrad(op.ignore_border, mode=op.mode, ndim=op.ndim)(
            x, gz, ws, stride, pad)
    return [gx] + _disc(3)


@register_rop(Pool)
def _pool_rop(op, inputs, eval_points):
    x, ws, stride, pad = inputs
    if eval_points[0] is None:
        return [None]
    if op.mode != "max":
        # Sum and averages are linear: pool the eval point.
        return [op(eval_points[0], ws, stride, pad)]
    return [MaxPoolRop(op.ignore_border, ndim=op.ndim)(x, eval_points[0], ws, stride, pad)]


@register_connection_pattern(MaxPoolGrad, DownsampleFactorMaxGradGrad)
def _max_grad_connections(op, node):
    return [[True], [True], [True], [False], [False], [False]]


@register_grad(MaxPoolGrad)
def _max_pool_grad_grad_rule(op, inputs, outputs, output_grads):
    x, maxout, gz, ws, stride, pad = inputs
    (ggx,) = output_grads
    ggz = DownsampleFactorMaxGradGrad(op.ignore_border, ndim=op.ndim)(x, maxout, ggx, ws,
                                                                      stride, pad)
    return [zeros_like(x), zeros_like(maxout), ggz] + _disc(3)


@register_grad(DownsampleFactorMaxGradGrad)
def _grad_grad_grad(op, inputs, outputs, output_grads):
    x, maxout, ggx, ws, stride, pad = inputs
    (gz,) = output_grads
    gx = MaxPoolGrad(op.ignore_border, ndim=op.ndim)(x, maxout, gz, ws, stride, pad)
    return [zeros_like(x), zeros_like(maxout), gx] + _disc(3)


@register_connection_pattern(AveragePoolGrad)
def _average_grad_connections(op, node):
    return [[True], [True], [False], [False], [False]]


@register_grad(AveragePoolGrad)
def _average_pool_grad_grad(op, inputs, outputs, output_grads):
    x, gz, ws, stride, pad = inputs
    (ggx,) = output_grads
    ggz = Pool(op.ignore_border, mode=op.mode, ndim=op.ndim)(ggx, ws, stride, pad)
    return [zeros_like(x), ggz] + _disc(3)


@register_rop(MaxPoolGrad)
def _max_pool_grad_rop(op, inputs, eval_points):
    # Linear in gz; piecewise constant in x and maxout.
    x, maxout, gz, ws, stride, pad = inputs
    e = eval_points[2]
    return [None if e is None else op(x, maxout, e, ws, stride, pad)]


@register_rop(AveragePoolGrad)
def _average_pool_grad_rop(op, inputs, eval_points):
    x, gz, ws, stride, pad = inputs
    e = eval_points[1]
    return [None if e is None else op(x, e, ws, stride, pad)]


# ---------------------------------------------------------------------------
# User functions
# ---------------------------------------------------------------------------
_IGNORE_BORDER_WARNING = (
    "%s() will have the parameter ignore_border default value changed to True (currently "
    "False). To have consistent behavior with all Theano version, explicitly add the "
    "parameter ignore_border=True.")


def _pool_nd(fname, nd, input, ws, ignore_border, stride, pad, mode, ds, st, padding):
    ws = _renamed(ws, ds, "ws", "ds")
    if ws is None:
        raise ValueError("You must provide a tuple value for the window size.")
    stride = _renamed(stride, st, "stride", "st")
    pad = _renamed(pad, padding, "pad", "padding", default=(0,) * nd)
    input = as_tensor_variable(input)
    if input.type.ndim < nd:
        raise TypeError("%s requires a tensor of at least %d dimensions, got %s (%d-d)"
                        % (fname, nd, input, input.type.ndim))
    if ignore_border is None:
        warnings.warn(_IGNORE_BORDER_WARNING % fname, stacklevel=3)
        ignore_border = False
    return Pool(ignore_border, ndim=nd, mode=mode)(input, ws, stride, pad)


def pool_2d(input, ws=None, ignore_border=None, stride=None, pad=(0, 0), mode="max",
            ds=None, st=None, padding=None):
    """Down-sample the two last axes of ``input`` (any rank >= 2).

    Parameters
    ----------
    input : tensor of at least 2 dimensions
    ws : tuple of 2 ints, or an int vector
        Window size (rows, cols): ``(2, 2)`` halves each axis.
    ignore_border : bool
        True: a ``(5, 5)`` input with ``ws=(2, 2)`` gives ``(2, 2)``; False
        keeps the partial windows and gives ``(3, 3)``.  When not given, a
        warning is printed and False is used (Theano 1.0's default).
    stride : tuple of 2 ints or None
        Distance between window starts; ``ws`` (no overlap) by default.
    pad : tuple of 2 ints
        Zeros added on both sides of the rows and of the columns (needs
        ``ignore_border=True`` and ``pad < ws``).
    mode : {'max', 'sum', 'average_inc_pad', 'average_exc_pad'}
        'max' and 'sum' ignore the padding; the averages count it
        ('inc') or not ('exc').
    ds, st, padding
        Deprecated names of ``ws``, ``stride`` and ``pad``.

    Examples
    --------
    >>> import numpy as np, theano, theano.tensor as T
    >>> x = T.dmatrix('x')
    >>> f = theano.function([x], pool_2d(x, ws=(2, 2), ignore_border=True))
    >>> f(np.arange(16.).reshape(4, 4))
    array([[ 5.,  7.],
           [13., 15.]])
    """
    return _pool_nd("pool_2d", 2, input, ws, ignore_border, stride, pad, mode, ds, st,
                    padding)


def pool_3d(input, ws=None, ignore_border=None, stride=None, pad=(0, 0, 0), mode="max",
            ds=None, st=None, padding=None):
    """Down-sample the three last axes of ``input`` (any rank >= 3); see :func:`pool_2d`."""
    return _pool_nd("pool_3d", 3, input, ws, ignore_border, stride, pad, mode, ds, st,
                    padding)


def max_pool_2d_same_size(input, patch_size):
    """Zero every value of ``input`` that is not the maximum of its patch.

    The patches are the non-overlapping ``patch_size`` windows of the two
    last axes; the output has the shape of ``input``.
    """
    output = Pool(True)(input, patch_size)
    return MaxPoolGrad(True)(input, output, output, patch_size)
