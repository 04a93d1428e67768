"""NumPy-like array functions: cumsum/cumprod, diff, repeat/tile, bincount, nonzero, index helpers."""
import numpy as np

import theano.scalar.basic as ts
from theano.configparser import config
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.tensor.alloc import (  # noqa: F401 (diagonal helpers re-exported)
    FillDiagonal,
    FillDiagonalOffset,
    _as_grad_of,
    _const_value,
    _int_scalar,
    _shape_list,
    _vector_length,
    alloc,
    arange,
    diagonal,
    fill_diagonal,
    fill_diagonal_offset,
    trace,
)
from theano.tensor.basic import as_tensor_variable, cast, shape_padright
from theano.tensor.join import join
from theano.tensor.math import eq, maximum, neq, switch
from theano.tensor.math import max as tmax
from theano.tensor.math import sum as tsum
from theano.tensor.shape import flatten, shape_i, squeeze  # noqa: F401 (Theano 1.0 had it here)
from theano.tensor.sort import (  # noqa: F401 (re-exported)
    SearchsortedOp,
    TakeAlongAxis,
    Unique,
    argsort,
    searchsorted,
    sort,
    unique,
)
from theano.tensor.type import TensorType

__all__ = ["CumOp", "cumsum", "cumprod", "DiffOp", "diff", "RepeatOp", "repeat", "Tile", "tile",
           "bincount", "Nonzero", "FlatNonzero", "nonzero", "flatnonzero", "nonzero_values",
           "compress", "to_one_hot", "UnravelIndex", "unravel_index", "RavelMultiIndex",
           "ravel_multi_index", "SearchsortedOp", "searchsorted", "Unique", "unique",
           "FillDiagonal", "fill_diagonal", "FillDiagonalOffset", "fill_diagonal_offset",
           "Bartlett", "bartlett", "CpuContiguous", "cpu_contiguous", "diagonal", "trace",
           "sort", "argsort"]


def _float_zeros(x):
    dtype = x.type.dtype if x.type.dtype in ts.continuous_dtypes else config.floatX
    return x.zeros_like(dtype=dtype)


def _check_axis(opname, x, axis):
    if axis is not None and not -x.type.ndim <= axis < x.type.ndim:
        raise ValueError("%s: axis %d is out of range for %s with %d dimensions"
                         % (opname, axis, x, x.type.ndim))


def _prod(dims):
    total = 1
    for d in dims:
        total = total * d
    return total


def _c_order(a):
    """``a`` if C-contiguous, else a C-ordered copy (keeps 0-d arrays 0-d, unlike
    ``numpy.ascontiguousarray``)."""
    return a if a.flags.c_contiguous else np.array(a, order="C")


def _flatten(x):
    return flatten(x, 1)


# -- cumulative sum / product -----------------------------------------------------------
class CumOp(Op):
    """``numpy.cumsum`` (mode 'add') or ``numpy.cumprod`` (mode 'mul') along ``axis``.

    ``axis`` None works on the flattened tensor.  The result keeps the input
    dtype (bool becomes int64).
    """

    __props__ = ("axis", "mode")

    def __init__(self, axis=None, mode="add"):
        if mode not in ("add", "mul"):
            raise ValueError("CumOp: mode must be 'add' or 'mul', got %r" % (mode,))
        self.axis = None if axis is None else int(axis)
        self.mode = mode

    def make_node(self, x):
        x = as_tensor_variable(x)
        _check_axis("CumOp", x, self.axis)
        dtype = "int64" if x.type.dtype == "bool" else x.type.dtype
        bcast = (False,) if self.axis is None else x.type.broadcastable
        return Apply(self, [x], [TensorType(dtype, bcast)()])

    def perform(self, node, inputs, out):
        fn = np.cumsum if self.mode == "add" else np.cumprod
        out[0][0] = fn(inputs[0], axis=self.axis, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        if self.axis is None:
            return [(cast(_prod(shapes[0]), "int64") if shapes[0] else 1,)]
        return [shapes[0]]

    def __str__(self):
        return "CumOp{%s, %s}" % (self.axis, self.mode)


class CumprodGrad(Op):
    """Gradient of ``cumprod(x, axis)`` for the output gradient ``gz``, exact at zeros of ``x``.

    d/dx_k = (prod_{j<k} x_j) * R_k with R_k = gz_k + x_{k+1} R_{k+1}: no
    division by ``x``, so zeros are handled.
    """

    __props__ = ("axis",)

    def __init__(self, axis=None):
        self.axis = axis

    def make_node(self, x, gz):
        x, gz = as_tensor_variable(x), as_tensor_variable(gz)
        dtype = ts.upcast(x.type.dtype, gz.type.dtype)
        return Apply(self, [x, gz], [TensorType(dtype, x.type.broadcastable)()])

    def perform(self, node, inputs, out):
        x, gz = inputs
        dtype = node.outputs[0].type.dtype
        axis = 0 if self.axis is None else self.axis % max(x.ndim, 1)
        xm = np.moveaxis(x.reshape(-1) if self.axis is None else x, axis, 0).astype(dtype)
        gm = np.moveaxis(gz.reshape(-1) if self.axis is None else gz, axis, 0).astype(dtype)
        n = xm.shape[0]
        res = np.empty_like(xm)
        if n:
            excl = np.ones_like(xm)
            excl[1:] = np.cumprod(xm[:-1], axis=0)
            acc = gm[n - 1].copy()
            res[n - 1] = acc
            for k in range(n - 2, -1, -1):
                acc = gm[k] + xm[k + 1] * acc
                res[k] = acc
            res *= excl
        res = np.moveaxis(res, 0, axis)
        out[0][0] = _c_order(res.reshape(x.shape) if self.axis is None else res)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


def cumsum(x, axis=None):
    """Cumulative sum of ``x`` along ``axis`` (None: over the flattened tensor)."""
    return CumOp(axis=axis, mode="add")(x)


def cumprod(x, axis=None):
    """Cumulative product of ``x`` along ``axis`` (None: over the flattened tensor)."""
    return CumOp(axis=axis, mode="mul")(x)


# -- diff ------------------------------------------------------------------------------------
class DiffOp(Op):
    """``numpy.diff(x, n, axis)``: the ``n``-th discrete difference along ``axis``."""

    __props__ = ("n", "axis")

    def __init__(self, n=1, axis=-1):
        self.n, self.axis = int(n), int(axis)
        if self.n < 0:
            raise ValueError("diff: the order n must be non-negative, got %d" % self.n)
        if self.n == 0:
            self.view_map = {0: [0]}

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.type.ndim == 0:
            raise ValueError("diff requires an input with at least one dimension, got %s" % x)
        _check_axis("diff", x, self.axis)
        bcast = list(x.type.broadcastable)
        if self.n:
            bcast[self.axis] = False
        return Apply(self, [x], [TensorType(x.type.dtype, bcast)()])

    def perform(self, node, inputs, out):
        out[0][0] = np.diff(inputs[0], n=self.n, axis=self.axis)

    def infer_shape(self, fgraph, node, shapes):
        shp = list(shapes[0])
        if self.n:
            shp[self.axis] = maximum(shp[self.axis] - self.n, 0)
        return [tuple(shp)]


def diff(x, n=1, axis=-1):
    """The ``n``-th order discrete difference of ``x`` along ``axis`` (``numpy.diff``)."""
    return DiffOp(n=n, axis=axis)(x)


# -- repeat / tile -----------------------------------------------------------------------------
class RepeatOp(Op):
    """``numpy.repeat(x, repeats, axis)``; ``repeats`` is an integer scalar or vector."""

    __props__ = ("axis",)

    def __init__(self, axis=None):
        self.axis = None if axis is None else int(axis)

    def make_node(self, x, repeats):
        x, repeats = as_tensor_variable(x), as_tensor_variable(repeats)
        if repeats.type.dtype not in ts.integer_dtypes:
            raise TypeError("repeat: repeats must be integers, got %s of dtype %s"
                            % (repeats, repeats.type.dtype))
        if repeats.type.dtype == "uint64":
            raise TypeError("repeat: repeats of dtype uint64 are not supported by NumPy; "
                            "cast them to int64")
        if repeats.type.ndim > 1:
            raise ValueError("repeat: repeats must be a scalar or a vector, got %d dimensions"
                             % repeats.type.ndim)
        _check_axis("repeat", x, self.axis)
        if self.axis is None:
            bcast = [False]
        else:
            bcast = list(x.type.broadcastable)
            if repeats.type.ndim or _const_value(repeats) != 1:
                bcast[self.axis] = False
        return Apply(self, [x, repeats], [TensorType(x.type.dtype, bcast)()])

    def perform(self, node, inputs, out):
        x, repeats = inputs
        if np.any(repeats < 0):
            raise ValueError("repeat: negative repeat count in %s" % (repeats,))
        try:
            out[0][0] = np.repeat(x, repeats.astype("int64"), axis=self.axis)
        except ValueError:
            n = x.size if self.axis is None else x.shape[self.axis]
            raise ValueError("repeat: %d repeat counts given for %d elements along axis %s"
                             % (repeats.size, n, self.axis)) from None

    def infer_shape(self, fgraph, node, shapes):
        x, repeats = node.inputs
        reps = cast(repeats, "int64") if repeats.type.ndim == 0 else tsum(repeats, dtype="int64")
        if self.axis is None:
            if repeats.type.ndim == 0:
                return [(_prod(shapes[0]) * reps,)]
            return [(reps,)]
        shp = list(shapes[0])
        shp[self.axis] = shp[self.axis] * reps if repeats.type.ndim == 0 else reps
        return [tuple(shp)]


class RepeatGrad(Op):
    """Gradient of :class:`RepeatOp`: sums each group of repeated entries of ``gz``."""

    __props__ = ("axis",)

    def __init__(self, axis=None):
        self.axis = axis

    def make_node(self, x, gz, repeats):
        x, gz, repeats = (as_tensor_variable(v) for v in (x, gz, repeats))
        return Apply(self, [x, gz, repeats],
                     [TensorType(gz.type.dtype, x.type.broadcastable)()])

    def perform(self, node, inputs, out):
        x, gz, repeats = inputs
        axis = 0 if self.axis is None else self.axis % x.ndim
        n = x.size if self.axis is None else x.shape[axis]
        g = np.moveaxis(gz, axis, 0)
        reps = np.broadcast_to(np.asarray(repeats, dtype="int64"), (n,))
        res = np.zeros((n,) + g.shape[1:], dtype=node.outputs[0].type.dtype)
        nz = reps > 0
        if g.shape[0] and nz.any():
            starts = (np.cumsum(reps) - reps)[nz]
            res[nz] = np.add.reduceat(g, starts, axis=0)
        res = np.moveaxis(res, 0, axis)
        out[0][0] = _c_order(res.reshape(x.shape))

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


def repeat(x, repeats, axis=None):
    """Repeat the elements of ``x`` (``numpy.repeat``); ``axis`` None flattens first."""
    x = as_tensor_variable(x)
    repeats = as_tensor_variable(repeats)
    if repeats.type.ndim > 1:
        raise ValueError("repeat: the dimension of repeats should not exceed 1, got %d"
                         % repeats.type.ndim)
    if axis is not None and not -x.type.ndim <= axis < x.type.ndim:
        raise ValueError("repeat: axis %d is out of range for %s with %d dimensions"
                         % (axis, x, x.type.ndim))
    if axis is not None:
        axis %= x.type.ndim
    return RepeatOp(axis=axis)(x, repeats)


class Tile(Op):
    """``numpy.tile(x, reps)`` producing ``ndim`` dimensions; one scalar input per rep."""

    __props__ = ("ndim",)

    def __init__(self, ndim):
        self.ndim = int(ndim)

    def make_node(self, x, *reps):
        x = as_tensor_variable(x)
        if x.type.ndim > self.ndim:
            raise ValueError("tile: x has %d dimensions, more than ndim=%d"
                             % (x.type.ndim, self.ndim))
        if len(reps) != self.ndim:
            raise ValueError("Tile{%d}: expected %d reps, got %d"
                             % (self.ndim, self.ndim, len(reps)))
        reps = [_int_scalar(r, "reps[%d]" % i, "tile") for i, r in enumerate(reps)]
        xb = (True,) * (self.ndim - x.type.ndim) + x.type.broadcastable
        bcast = [b and _const_value(r) == 1 for b, r in zip(xb, reps)]
        return Apply(self, [x] + reps, [TensorType(x.type.dtype, bcast)()])

    def perform(self, node, inputs, out):
        x, reps = inputs[0], [int(r) for r in inputs[1:]]
        if any(r < 0 for r in reps):
            raise ValueError("tile: negative repetition in reps %s" % (reps,))
        xp = x.reshape((1,) * (self.ndim - x.ndim) + x.shape)
        out[0][0] = np.tile(xp, reps)

    def infer_shape(self, fgraph, node, shapes):
        x, reps = node.inputs[0], node.inputs[1:]
        xs = (1,) * (self.ndim - x.type.ndim) + tuple(shapes[0])
        return [tuple(s * cast(r, "int64") for s, r in zip(xs, reps))]


class TileGrad(Op):
    """Gradient of :class:`Tile`: sums the tiles of ``gz`` back onto the shape of ``x``."""

    __props__ = ("ndim",)

    def __init__(self, ndim):
        self.ndim = int(ndim)

    def make_node(self, x, gz, *reps):
        x, gz = as_tensor_variable(x), as_tensor_variable(gz)
        reps = [as_tensor_variable(r) for r in reps]
        return Apply(self, [x, gz] + reps, [TensorType(gz.type.dtype, x.type.broadcastable)()])

    def perform(self, node, inputs, out):
        x, gz, reps = inputs[0], inputs[1], [int(r) for r in inputs[2:]]
        xs = (1,) * (self.ndim - x.ndim) + x.shape
        inter = [v for pair in zip(reps, xs) for v in pair]
        res = gz.reshape(inter).sum(axis=tuple(range(0, 2 * self.ndim, 2)))
        out[0][0] = np.asarray(res.reshape(x.shape), dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


def tile(x, reps, ndim=None):
    """Tile ``x`` by ``reps`` (``numpy.tile``).

    ``reps`` is an int, an integer scalar, a list of those, or an integer
    vector; ``ndim`` (the output rank, at least ``x.ndim``) is needed when a
    symbolic vector's length is not known.
    """
    x = as_tensor_variable(x)
    if ndim is not None and ndim < x.type.ndim:
        raise ValueError("tile: ndim=%d is smaller than x.ndim=%d" % (ndim, x.type.ndim))
    if isinstance(reps, (list, tuple)):
        reps = list(reps)
        for r in reps:
            if not (isinstance(r, (int, np.integer)) or (
                    hasattr(r, "type") and getattr(r.type, "ndim", None) == 0
                    and r.type.dtype in ts.integer_dtypes)):
                raise ValueError("tile: elements of reps must be integer scalars, got %r"
                                 % (r,))
    else:
        rv = as_tensor_variable(reps)
        if rv.type.dtype not in ts.integer_dtypes:
            raise ValueError("tile: reps must have an integer dtype, got %s" % rv.type.dtype)
        if rv.type.ndim == 0:
            reps = [rv]
        elif rv.type.ndim == 1:
            try:
                reps = _shape_list(rv, "tile")
            except ValueError:
                if ndim is None:
                    raise ValueError("tile: when reps is a symbolic vector of unknown length, "
                                     "ndim must be given") from None
                offset = ndim - shape_i(rv, 0)
                # Pad with ones on the left, like numpy, without knowing the length.
                reps = [switch(i < offset, 1, rv[i - offset]) for i in range(ndim)]
        else:
            raise ValueError("tile: reps must be a scalar or a vector, got %d dimensions"
                             % rv.type.ndim)
    if ndim is None:
        ndim = max(len(reps), x.type.ndim)
    if len(reps) > ndim:
        raise ValueError("tile: len(reps)=%d is larger than ndim=%d" % (len(reps), ndim))
    reps = [1] * (ndim - len(reps)) + reps
    return Tile(ndim)(x, *reps)


# -- bincount / nonzero ----------------------------------------------------------------------
class BinCount(Op):
    """``numpy.bincount(x, weights, minlength)`` (int64 counts, or the weights' dtype)."""

    __props__ = ()

    def make_node(self, x, minlength, weights=None):
        x = as_tensor_variable(x)
        if x.type.ndim != 1 or x.type.dtype not in ts.integer_dtypes:
            raise TypeError("bincount: x must be a vector of integers, got %s of type %s"
                            % (x, x.type))
        minlength = _int_scalar(minlength, "minlength", "bincount")
        inputs = [x, minlength]
        dtype = "int64"
        if weights is not None:
            weights = as_tensor_variable(weights)
            if weights.type.ndim != 1:
                raise TypeError("bincount: weights must be a vector, got %s" % weights.type)
            dtype = weights.type.dtype
            if dtype not in ts.continuous_dtypes:
                dtype = "uint64" if dtype.startswith("uint") else "int64"
            inputs.append(weights)
        return Apply(self, inputs, [TensorType(dtype, (False,))()])

    def perform(self, node, inputs, out):
        x, minlength = inputs[0], int(inputs[1])
        weights = inputs[2] if len(inputs) > 2 else None
        if x.size and x.min() < 0:
            raise ValueError("bincount: x must be non-negative, got a minimum of %d" % x.min())
        if weights is not None and weights.shape != x.shape:
            raise ValueError("bincount: weights of shape %s for x of shape %s"
                             % (weights.shape, x.shape))
        dtype = node.outputs[0].type.dtype
        n = max(minlength, int(x.max()) + 1 if x.size else 0)
        res = np.zeros(n, dtype=dtype)
        np.add.at(res, x.astype("int64"), 1 if weights is None else weights)
        out[0][0] = res

    def infer_shape(self, fgraph, node, shapes):
        x, minlength = node.inputs[:2]
        # The appended -1 makes the maximum of an empty x well defined (0 bins).
        top = tmax(join(0, cast(x, "int64"), np.asarray([-1], dtype="int64"))) + 1
        return [(maximum(top, cast(minlength, "int64")),)]


def bincount(x, weights=None, minlength=None, assert_nonneg=False):
    """Count the occurrences of each value of the non-negative int vector ``x``.

    With ``weights``, ``out[n] += weights[i]`` for each ``x[i] == n``.  Negative
    values always raise at run time (``assert_nonneg`` is accepted for compatibility).
    """
    return BinCount()(x, 0 if minlength is None else minlength, weights)


def _count_nonzero(a):
    return tsum(neq(a, 0), dtype="int64")


class Nonzero(Op):
    """Indices of the non-zero entries: an int64 ``(ndim, nnz)`` matrix or one vector per axis."""

    __props__ = ("return_matrix",)

    def __init__(self, return_matrix=True):
        self.return_matrix = bool(return_matrix)

    def make_node(self, a):
        a = as_tensor_variable(a)
        if a.type.ndim == 0:
            raise ValueError("nonzero only supports tensors with at least one dimension, got "
                             "the 0-d tensor %s" % a)
        n_out = 1 if self.return_matrix else a.type.ndim
        ndim = 2 if self.return_matrix else 1
        return Apply(self, [a], [TensorType("int64", (False,) * ndim)()
                                 for _ in range(n_out)])

    def perform(self, node, inputs, out):
        idx = np.nonzero(inputs[0])
        if self.return_matrix:
            out[0][0] = np.array(idx, dtype="int64").reshape(len(idx), -1)
        else:
            for cell, i in zip(out, idx):
                cell[0] = i.astype("int64")

    def infer_shape(self, fgraph, node, shapes):
        nnz = _count_nonzero(node.inputs[0])
        if self.return_matrix:
            return [(len(shapes[0]), nnz)]
        return [(nnz,)] * len(node.outputs)


class FlatNonzero(Op):
    """``numpy.flatnonzero``: int64 indices of the non-zero entries of the flattened tensor."""

    __props__ = ()

    def make_node(self, a):
        a = as_tensor_variable(a)
        if a.type.ndim == 0:
            raise ValueError("flatnonzero only supports tensors with at least one dimension, "
                             "got the 0-d tensor %s" % a)
        return Apply(self, [a], [TensorType("int64", (False,))()])

    def perform(self, node, inputs, out):
        out[0][0] = np.flatnonzero(inputs[0]).astype("int64")

    def infer_shape(self, fgraph, node, shapes):
        return [(_count_nonzero(node.inputs[0]),)]


def nonzero(a, return_matrix=False):
    """Indices of the non-zero entries of ``a``: a tuple of vectors, or an (ndim, nnz) matrix."""
    if return_matrix:
        return Nonzero(True)(a)
    return tuple(Nonzero(False)(a, return_list=True))


def flatnonzero(a):
    """Indices of the non-zero entries of the flattened ``a``."""
    return FlatNonzero()(a)


def nonzero_values(a):
    """The non-zero entries of ``a``, in flattened (C) order."""
    a = as_tensor_variable(a)
    return TakeAlongAxis()(_flatten(a), flatnonzero(a), 0)


def compress(condition, x, axis=None):
    """``numpy.compress``: the slices of ``x`` along ``axis`` where ``condition`` is non-zero."""
    x = as_tensor_variable(x)
    indices = flatnonzero(condition)
    if axis is None:
        x, axis = _flatten(x), 0
    return x.take(indices, axis=axis)


def to_one_hot(y, nb_class, dtype=None):
    """A (len(y), nb_class) matrix whose row ``i`` is the one-hot encoding of ``y[i]`` (floatX)."""
    y = as_tensor_variable(y)
    if y.type.ndim != 1 or y.type.dtype not in ts.integer_dtypes:
        raise TypeError("to_one_hot expects a vector of integers, got %s of type %s"
                        % (y, y.type))
    return cast(eq(shape_padright(y), arange(nb_class)), dtype or config.floatX)


# -- index conversions / searchsorted / unique -------------------------------------------------
def _index_check(opname, v, what):
    if v.type.dtype not in ts.int_dtypes:
        raise TypeError("%s: %s must be signed integers, got %s of dtype %s"
                        % (opname, what, v, v.type.dtype))


class UnravelIndex(Op):
    """``numpy.unravel_index``: one int64 output per dimension of ``dims``."""

    __props__ = ("ndim", "order")

    def __init__(self, ndim, order="C"):
        if order not in ("C", "F"):
            raise ValueError("unravel_index: order must be 'C' or 'F', got %r" % (order,))
        if not isinstance(ndim, (int, np.integer)) or ndim < 1:
            raise ValueError("unravel_index: ndim must be a positive integer, got %r" % (ndim,))
        self.ndim, self.order = int(ndim), order

    def make_node(self, indices, dims):
        indices, dims = as_tensor_variable(indices), as_tensor_variable(dims)
        _index_check("unravel_index", indices, "indices")
        _index_check("unravel_index", dims, "dims")
        if dims.type.ndim != 1:
            raise TypeError("unravel_index: dims must be a vector, got %s" % dims.type)
        return Apply(self, [indices, dims], [TensorType("int64", indices.type.broadcastable)()
                                             for _ in range(self.ndim)])

    def perform(self, node, inputs, out):
        indices, dims = inputs
        if len(dims) != self.ndim:
            raise ValueError("unravel_index: expected %d dims, got %s" % (self.ndim, dims))
        for cell, r in zip(out, np.unravel_index(indices, tuple(dims), order=self.order)):
            cell[0] = np.array(r, dtype="int64")

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]] * self.ndim


def unravel_index(indices, dims, order="C"):
    """Convert flat ``indices`` into a tuple of coordinate arrays for an array of shape ``dims``."""
    dims = as_tensor_variable(dims)
    return tuple(UnravelIndex(_vector_length(dims), order)(indices, dims, return_list=True))


class RavelMultiIndex(Op):
    """``numpy.ravel_multi_index``: ``RavelMultiIndex(mode, order)(*multi_index, dims)``."""

    __props__ = ("mode", "order")

    def __init__(self, mode="raise", order="C"):
        if mode not in ("raise", "wrap", "clip"):
            raise ValueError("ravel_multi_index: mode must be 'raise', 'wrap' or 'clip', got %r"
                             % (mode,))
        if order not in ("C", "F"):
            raise ValueError("ravel_multi_index: order must be 'C' or 'F', got %r" % (order,))
        self.mode, self.order = mode, order

    def make_node(self, *inputs):
        if len(inputs) < 2:
            raise TypeError("ravel_multi_index needs at least one index array and dims")
        multi = [as_tensor_variable(i) for i in inputs[:-1]]
        dims = as_tensor_variable(inputs[-1])
        for k, m in enumerate(multi):
            _index_check("ravel_multi_index", m, "multi_index[%d]" % k)
        _index_check("ravel_multi_index", dims, "dims")
        if dims.type.ndim != 1:
            raise TypeError("ravel_multi_index: dims must be a vector, got %s" % dims.type)
        return Apply(self, multi + [dims],
                     [TensorType("int64", multi[0].type.broadcastable)()])

    def perform(self, node, inputs, out):
        multi, dims = inputs[:-1], inputs[-1]
        res = np.ravel_multi_index(tuple(multi), tuple(dims), mode=self.mode, order=self.order)
        out[0][0] = np.array(res, dtype="int64")

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    """Convert a tuple of coordinate arrays into flat indices for an array of shape ``dims``."""
    if not isinstance(multi_index, (tuple, list)):
        raise TypeError("ravel_multi_index: multi_index must be a tuple or a list, got %r"
                        % (multi_index,))
    return RavelMultiIndex(mode, order)(*(tuple(multi_index) + (dims,)))


# -- diagonal filling / misc ------------------------------------------------------------------
class Bartlett(Op):
    """``numpy.bartlett(M)``: the triangular window of ``M`` points (float64)."""

    __props__ = ()

    def make_node(self, M):
        M = _int_scalar(M, "M", "bartlett")
        return Apply(self, [M], [TensorType("float64", (False,))()])

    def perform(self, node, inputs, out):
        out[0][0] = np.bartlett(int(inputs[0])).astype("float64")

    def infer_shape(self, fgraph, node, shapes):
        return [(maximum(cast(node.inputs[0], "int64"), 0),)]


bartlett_ = Bartlett()


def bartlett(M):
    """The Bartlett (triangular) window with ``M`` points."""
    return bartlett_(M)


class CpuContiguous(Op):
    """``x`` itself when C-contiguous, else a C-contiguous copy."""

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        out[0][0] = _c_order(inputs[0])

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


cpu_contiguous = CpuContiguous()
