"""Tensors built from shapes and values: alloc, zeros/ones, eye, tri, arange and diagonals."""
import numpy as np

import theano.scalar.basic as ts
from theano.configparser import config
from theano.graph.basic import Apply, Constant, Variable
from theano.graph.op import Op
from theano.tensor.basic import (
    NotScalarConstantError,
    as_tensor_variable,
    cast,
    constant,
    get_scalar_constant_value,
)
from theano.tensor.math import ceil, maximum, minimum, switch, true_div
from theano.tensor.shape import MakeVector, Shape, get_vector_length, shape_i
from theano.tensor.type import TensorType

__all__ = ["Alloc", "alloc", "zeros", "ones", "Eye", "eye", "identity_like", "Tri", "tri",
           "tril", "triu", "ARange", "arange", "mgrid", "ogrid", "AllocDiag", "ExtractDiag", "diag",
           "diagonal", "trace", "FillDiagonal", "fill_diagonal", "FillDiagonalOffset",
           "fill_diagonal_offset"]


# -- helpers ------------------------------------------------------------------------
def _as_grad_of(g, x):
    """``g`` cast to the dtype of ``x`` when ``x`` is a float/complex input."""
    if g.type.dtype != x.type.dtype and x.type.dtype in ts.continuous_dtypes:
        return cast(g, x.type.dtype)
    return g


def _int_scalar(x, what, opname):
    """``x`` as a 0-d integer tensor, or a TypeError naming ``what``."""
    x = as_tensor_variable(x)
    if x.type.ndim != 0:
        raise TypeError("%s: %s must be a scalar, got %s of type %s"
                        % (opname, what, x, x.type))
    if x.type.dtype not in ts.integer_dtypes:
        raise TypeError("%s: %s must be an integer, got %s of dtype %s"
                        % (opname, what, x, x.type.dtype))
    return x


def _const_value(x):
    """The Python value of a scalar constant expression, or None."""
    try:
        return get_scalar_constant_value(x).item()
    except (NotScalarConstantError, AttributeError, ValueError, TypeError):
        return None


def _as_int64(x):
    if isinstance(x, (int, np.integer)):
        return int(x)
    return cast(x, "int64")


def _vector_length(v):
    """The length of the symbolic vector ``v`` if it is known when the graph is built."""
    try:
        return get_vector_length(v)
    except ValueError:
        raise ValueError("The length of the symbolic vector %s is not known when the graph is "
                         "built; pass the shape as a list or tuple of scalars instead"
                         % (v,)) from None


def _shape_list(shape, opname):
    """A shape argument (int, list/tuple, array or symbolic vector) as a list of scalars."""
    if isinstance(shape, Variable):
        if shape.type.ndim == 0:
            return [shape]
        if shape.type.ndim != 1:
            raise TypeError("%s: the shape must be a vector or a list of scalars, got %s of "
                            "type %s" % (opname, shape, shape.type))
        if isinstance(shape, Constant):
            return [int(s) for s in np.asarray(shape.data)]
        owner = shape.owner
        if owner is not None and isinstance(owner.op, Shape):
            x = owner.inputs[0]
            return [shape_i(x, i) for i in range(x.type.ndim)]
        if owner is not None and isinstance(owner.op, MakeVector):
            return list(owner.inputs)
        return [shape[i] for i in range(_vector_length(shape))]
    if isinstance(shape, np.ndarray):
        if shape.ndim > 1:
            raise TypeError("%s: the shape must be 1-d, got an array of shape %s"
                            % (opname, shape.shape))
        return [int(s) for s in shape.reshape(-1)]
    if isinstance(shape, (list, tuple)):
        return list(shape)
    return [shape]


# -- Alloc ---------------------------------------------------------------------------
class Alloc(Op):
    """``value`` broadcast to the shape ``shape0, shape1, ...`` (a new array).

    Dimensions given by the constant 1 are broadcastable in the result.
    """

    __props__ = ()

    def validate_shape(self, shape):
        sh = [_int_scalar(s, "shape argument %d" % i, "Alloc") for i, s in enumerate(shape)]
        bcast = [_const_value(s) == 1 for s in sh]
        return sh, bcast

    def make_node(self, value, *shape):
        v = as_tensor_variable(value)
        sh, bcast = self.validate_shape(shape)
        if v.type.ndim > len(sh):
            raise TypeError("Alloc: the value %s has %d dimensions, more than the %d "
                            "dimensions of the requested shape" % (v, v.type.ndim, len(sh)))
        return Apply(self, [v] + sh, [TensorType(v.type.dtype, bcast)()])

    def perform(self, node, inputs, out):
        v = inputs[0]
        sh = tuple(int(s) for s in inputs[1:])
        if any(s < 0 for s in sh):
            raise ValueError("Alloc: negative dimension in the requested shape %s" % (sh,))
        res = np.empty(sh, dtype=node.outputs[0].type.dtype)
        try:
            res[...] = v
        except ValueError:
            raise ValueError("Alloc: cannot broadcast a value of shape %s to the shape %s"
                             % (v.shape, sh)) from None
        out[0][0] = res

    def infer_shape(self, fgraph, node, shapes):
        return [tuple(_as_int64(s) for s in node.inputs[1:])]

    def get_scalar_constant_value(self, node, recurse):
        # Every entry of alloc(c, ...) is c.
        return recurse(node.inputs[0])

    def __str__(self):
        return "Alloc"


alloc = Alloc()


def zeros(shape, dtype=None):
    """A tensor of zeros of ``shape`` (int, list/tuple or symbolic vector); dtype floatX by default."""
    dtype = config.floatX if dtype is None else dtype
    return alloc(np.array(0, dtype=dtype), *_shape_list(shape, "zeros"))


def ones(shape, dtype=None):
    """A tensor of ones of ``shape``; dtype floatX by default."""
    dtype = config.floatX if dtype is None else dtype
    return alloc(np.array(1, dtype=dtype), *_shape_list(shape, "ones"))


# -- Eye / Tri ---------------------------------------------------------------------------
class Eye(Op):
    """``numpy.eye(n, m, k)``: ones on the ``k``-th diagonal (n, m, k symbolic)."""

    __props__ = ("dtype",)

    def __init__(self, dtype=None):
        self.dtype = np.dtype(config.floatX if dtype is None else dtype).name

    def make_node(self, n, m, k):
        name = type(self).__name__
        n = _int_scalar(n, "the number of rows n", name)
        m = _int_scalar(m, "the number of columns m", name)
        k = _int_scalar(k, "the diagonal offset k", name)
        return Apply(self, [n, m, k], [TensorType(self.dtype, (False, False))()])

    def perform(self, node, inputs, out):
        n, m, k = (int(i) for i in inputs)
        if n < 0 or m < 0:
            raise ValueError("%s: negative dimensions n=%d, m=%d" % (type(self).__name__, n, m))
        out[0][0] = self._impl(n, m, k)

    def _impl(self, n, m, k):
        return np.eye(n, m, k, dtype=self.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [(_as_int64(node.inputs[0]), _as_int64(node.inputs[1]))]


def eye(n, m=None, k=0, dtype=None):
    """A 2-d tensor with ones on the ``k``-th diagonal and zeros elsewhere (dtype floatX by default)."""
    return Eye(dtype)(n, n if m is None else m, k)


def identity_like(x):
    """An identity matrix with the shape and dtype of the matrix ``x``."""
    x = as_tensor_variable(x)
    if x.type.ndim != 2:
        raise TypeError("identity_like expects a matrix, got %s of type %s" % (x, x.type))
    return eye(shape_i(x, 0), shape_i(x, 1), k=0, dtype=x.type.dtype)


class Tri(Eye):
    """``numpy.tri(N, M, k)``: ones at and below the ``k``-th diagonal."""

    def _impl(self, n, m, k):
        return np.tri(n, m, k, dtype=self.dtype)


def tri(N, M=None, k=0, dtype=None):
    """An (N, M) tensor with ones at and below the ``k``-th diagonal (dtype floatX by default)."""
    return Tri(dtype)(N, N if M is None else M, k)


def _triangle(m, k, lower):
    m = as_tensor_variable(m)
    if m.type.ndim < 2:
        raise ValueError("%s expects an input with at least 2 dimensions, got %s of type %s"
                         % ("tril" if lower else "triu", m, m.type))
    nr, nc = shape_i(m, m.type.ndim - 2), shape_i(m, m.type.ndim - 1)
    zero = constant(0, dtype=m.type.dtype)
    # switch (rather than multiplying by the mask) keeps inf/nan out of zeroed entries.
    if lower:
        return switch(tri(nr, nc, k, dtype="bool"), m, zero)
    # Upper triangle: what is not strictly below the k-th diagonal.
    return switch(tri(nr, nc, k - 1, dtype="bool"), zero, m)


def tril(m, k=0):
    """Lower triangle of ``m`` (last two axes): entries above the ``k``-th diagonal zeroed."""
    return _triangle(m, k, True)


def triu(m, k=0):
    """Upper triangle of ``m`` (last two axes): entries below the ``k``-th diagonal zeroed."""
    return _triangle(m, k, False)


# -- ARange ------------------------------------------------------------------------------
class ARange(Op):
    """``numpy.arange(start, stop, step)`` with a fixed output ``dtype``."""

    __props__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = np.dtype(dtype).name

    def make_node(self, start, stop, step):
        ins = []
        for name, v in (("start", start), ("stop", stop), ("step", step)):
            v = as_tensor_variable(v)
            if v.type.ndim != 0:
                raise TypeError("ARange: %s must be a scalar, got %s of type %s"
                                % (name, v, v.type))
            if v.type.dtype in ts.complex_dtypes:
                raise TypeError("ARange: %s cannot be complex (got %s)" % (name, v.type.dtype))
            ins.append(v)
        return Apply(self, ins, [TensorType(self.dtype, (False,))()])

    def perform(self, node, inputs, out):
        start, stop, step = (np.asarray(i).item() for i in inputs)
        if step == 0:  # (ZeroDivisionError, as numpy.arange and so Theano 1.0)
            raise ZeroDivisionError("ARange: step must not be zero")
        out[0][0] = np.arange(start, stop, step, dtype=self.dtype)

    def infer_shape(self, fgraph, node, shapes):
        start, stop, step = node.inputs

        def wide(v):
            # Subtract in a type that cannot overflow for the usual int dtypes.
            if v.type.dtype in ts.integer_dtypes and ts.upcast(v.type.dtype, "int64") == "int64":
                return cast(v, "int64")
            return v

        if _const_value(step) == 1 and all(v.type.dtype in ts.discrete_dtypes
                                           for v in (start, stop)):
            n = cast(wide(stop) - wide(start), "int64")
        else:
            n = cast(ceil(true_div(cast(wide(stop) - wide(start), "float64"), step)), "int64")
        return [(maximum(n, 0),)]

    def __str__(self):
        return "ARange{dtype='%s'}" % self.dtype


_arange_ops = {}


def arange(start, stop=None, step=1, dtype=None):
    """``numpy.arange`` on symbolic scalars.

    Without ``dtype``, the result is the upcast of the inputs' dtypes, with
    integers widened to int64 (uint to uint64), as in Theano 1.0; under
    ``config.cast_policy == 'numpy+floatX'`` NumPy's rule is used, except that
    a float64 result from no float64 input becomes float32 when floatX is.
    """
    if stop is None:
        start, stop = 0, start
    start, stop, step = (as_tensor_variable(v) for v in (start, stop, step))
    if dtype is None:
        dtypes = [v.type.dtype for v in (start, stop, step)]
        dtype = ts.upcast(*dtypes)
        if dtype in ts.int_dtypes or dtype == "bool":
            dtype = "int64"
        elif dtype in ts.uint_dtypes:
            dtype = "uint64"
        if config.cast_policy == "numpy+floatX":
            np_dtype = np.arange(np.array(0, dtype=dtypes[0]), np.array(1, dtype=dtypes[1]),
                                 np.array(1, dtype=dtypes[2])).dtype.name
            if (np_dtype == "float64" and config.floatX == "float32"
                    and "float64" not in dtypes):
                dtype = "float32"
            else:
                dtype = np_dtype
    dtype = np.dtype(config.floatX if dtype == "floatX" else dtype).name
    if dtype not in _arange_ops:
        _arange_ops[dtype] = ARange(dtype)
    return _arange_ops[dtype](start, stop, step)


class _NdGrid:
    """``mgrid[0:5, 0:3]`` / ``ogrid[...]``: coordinate grids like NumPy's, as a list of tensors.

    Slice bounds may be symbolic scalars; complex steps are not supported.
    """

    def __init__(self, sparse):
        self.sparse = sparse

    def __getitem__(self, key):
        key = key if isinstance(key, tuple) else (key,)
        for sl in key:
            if not isinstance(sl, slice):
                raise TypeError("%s expects slices such as [0:5, 0:3], got %r"
                                % ("ogrid" if self.sparse else "mgrid", sl))
            if isinstance(sl.step, complex):
                raise NotImplementedError("mgrid/ogrid with a complex step (a number of "
                                          "points) is not supported")
        ndim = len(key)
        ranges = [arange(0 if sl.start is None else sl.start, sl.stop,
                         1 if sl.step is None else sl.step) for sl in key]
        # Each range along its own axis, broadcastable elsewhere.
        placed = [r.dimshuffle(["x"] * j + [0] + ["x"] * (ndim - 1 - j))
                  for j, r in enumerate(ranges)]
        if self.sparse:
            return placed
        lengths = [shape_i(r, 0) for r in ranges]
        return [alloc(p, *lengths) for p in placed]


mgrid = _NdGrid(sparse=False)
ogrid = _NdGrid(sparse=True)


# -- diagonals -----------------------------------------------------------------------------
def _diag_index(offset, length):
    i = np.arange(length)
    return i + max(0, -offset), i + max(0, offset)


def _diag_len(offset, n1, n2):
    return max(0, min(n1 + min(offset, 0), n2 - max(offset, 0)))


def _check_axes(opname, ndim, axis1, axis2):
    if not (-ndim <= axis1 < ndim and -ndim <= axis2 < ndim):
        raise ValueError("%s: axis1=%d / axis2=%d out of range for an input with %d "
                         "dimensions" % (opname, axis1, axis2, ndim))
    a1, a2 = axis1 % ndim, axis2 % ndim
    if a1 == a2:
        raise ValueError("%s: axis1 and axis2 must differ (both are %d)" % (opname, a1))
    return a1, a2


class ExtractDiag(Op):
    """``numpy.diagonal(x, offset, axis1, axis2)`` (a copy; the diagonal is the last axis)."""

    __props__ = ("offset", "axis1", "axis2", "view")

    def __init__(self, offset=0, axis1=0, axis2=1, view=False):
        self.offset, self.axis1, self.axis2 = int(offset), int(axis1), int(axis2)
        self.view = bool(view)
        if self.view:
            self.view_map = {0: [0]}

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.type.ndim < 2:
            raise ValueError("ExtractDiag: the input must have at least 2 dimensions, got %s "
                             "of type %s" % (x, x.type))
        a1, a2 = _check_axes("ExtractDiag", x.type.ndim, self.axis1, self.axis2)
        bcast = [b for i, b in enumerate(x.type.broadcastable) if i not in (a1, a2)]
        return Apply(self, [x], [TensorType(x.type.dtype, bcast + [False])()])

    def perform(self, node, inputs, out):
        d = np.diagonal(inputs[0], self.offset, self.axis1, self.axis2)
        out[0][0] = d if self.view else d.copy()

    def infer_shape(self, fgraph, node, shapes):
        (sh,) = shapes
        a1, a2 = self.axis1 % len(sh), self.axis2 % len(sh)
        rest = [s for i, s in enumerate(sh) if i not in (a1, a2)]
        n1, n2, off = sh[a1], sh[a2], self.offset
        if off >= 0:
            n = maximum(0, minimum(n1, n2 - off))
        else:
            n = maximum(0, minimum(n1 + off, n2))
        return [tuple(rest) + (n,)]


class SetDiagonal(Op):
    """A copy of ``x`` whose diagonal (as ``numpy.diagonal`` defines it) is replaced by ``d``.

    ``d`` has the shape of ``diagonal(x, offset, axis1, axis2)`` (or broadcasts to it).
    This is the adjoint of :class:`ExtractDiag` and what its gradient uses.
    """

    __props__ = ("offset", "axis1", "axis2")

    def __init__(self, offset=0, axis1=0, axis2=1):
        self.offset, self.axis1, self.axis2 = int(offset), int(axis1), int(axis2)

    def make_node(self, x, d):
        x, d = as_tensor_variable(x), as_tensor_variable(d)
        if x.type.ndim < 2:
            raise ValueError("SetDiagonal: x must have at least 2 dimensions, got %s" % x.type)
        _check_axes("SetDiagonal", x.type.ndim, self.axis1, self.axis2)
        if d.type.ndim > x.type.ndim - 1:
            raise TypeError("SetDiagonal: the diagonal values %s have too many dimensions "
                            "(%d) for x of type %s" % (d, d.type.ndim, x.type))
        dtype = ts.upcast(x.type.dtype, d.type.dtype)
        return Apply(self, [x, d], [TensorType(dtype, x.type.broadcastable)()])

    def perform(self, node, inputs, out):
        x, d = inputs
        res = np.array(x, dtype=node.outputs[0].type.dtype, copy=True)
        a1, a2 = self.axis1 % x.ndim, self.axis2 % x.ndim
        moved = np.moveaxis(res, (a1, a2), (-2, -1))
        rows, cols = _diag_index(self.offset, _diag_len(self.offset, x.shape[a1], x.shape[a2]))
        try:
            moved[..., rows, cols] = d
        except ValueError:
            raise ValueError("SetDiagonal: diagonal values of shape %s do not fit the diagonal "
                             "of shape %s" % (d.shape, moved[..., rows, cols].shape)) from None
        out[0][0] = res

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


class AllocDiag(Op):
    """A tensor of zeros whose diagonal (along ``axis1``, ``axis2``) holds the last axis of ``x``.

    The inverse of :class:`ExtractDiag`: a vector of length n becomes an
    (n + |offset|) square matrix.
    """

    __props__ = ("offset", "axis1", "axis2")

    def __init__(self, offset=0, axis1=0, axis2=1):
        self.offset, self.axis1, self.axis2 = int(offset), int(axis1), int(axis2)

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.type.ndim < 1:
            raise ValueError("AllocDiag: the diagonal must have at least 1 dimension, got %s "
                             "of type %s" % (x, x.type))
        _check_axes("AllocDiag", x.type.ndim + 1, self.axis1, self.axis2)
        return Apply(self, [x], [TensorType(x.type.dtype, (False,) * (x.type.ndim + 1))()])

    def _axes(self, ndim):
        return self.axis1 % ndim, self.axis2 % ndim

    def perform(self, node, inputs, out):
        (x,) = inputs
        n = x.shape[-1] + abs(self.offset)
        res = np.zeros(x.shape[:-1] + (n, n), dtype=x.dtype)
        rows, cols = _diag_index(self.offset, x.shape[-1])
        res[..., rows, cols] = x
        a1, a2 = self._axes(x.ndim + 1)
        out[0][0] = np.ascontiguousarray(np.moveaxis(res, (-2, -1), (a1, a2)))

    def infer_shape(self, fgraph, node, shapes):
        (sh,) = shapes
        a1, a2 = self._axes(len(sh) + 1)
        n = sh[-1] + abs(self.offset)
        res = list(sh[:-1])
        for a in sorted((a1, a2)):
            res.insert(a, n)
        return [tuple(res)]


def diagonal(a, offset=0, axis1=0, axis2=1):
    """``numpy.diagonal``: the diagonal of ``a`` along ``axis1``/``axis2``, as its last axis."""
    a = as_tensor_variable(a)
    if a.type.ndim < 2:
        raise ValueError("diagonal requires an input with at least 2 dimensions, got %s of "
                         "type %s" % (a, a.type))
    a1, a2 = _check_axes("diagonal", a.type.ndim, axis1, axis2)
    return ExtractDiag(offset, a1, a2)(a)


def trace(a, offset=0, axis1=0, axis2=1):
    """Sum along the diagonal (``numpy.trace``): a scalar for a matrix."""
    return diagonal(a, offset, axis1, axis2).sum(axis=-1)


def diag(v, k=0):
    """A matrix with ``v`` on its ``k``-th diagonal (v a vector), or the ``k``-th diagonal of ``v``."""
    v = as_tensor_variable(v)
    if v.type.ndim == 1:
        return AllocDiag(k)(v)
    if v.type.ndim >= 2:
        return diagonal(v, offset=k)
    raise ValueError("diag expects a vector or a tensor with at least 2 dimensions, got %s of "
                     "type %s" % (v, v.type))


# -- filling diagonals ----------------------------------------------------------------------
def _fill_value(opname, a, val):
    val = as_tensor_variable(val)
    if val.type.ndim != 0:
        raise TypeError("%s: the value must be a scalar, got %s of type %s"
                        % (opname, val, val.type))
    if ts.upcast(a.type.dtype, val.type.dtype) != a.type.dtype:
        raise TypeError("%s: the value of dtype %s cannot be stored in %s of dtype %s "
                        "without upcasting it" % (opname, val.type.dtype, a, a.type.dtype))
    return cast(val, a.type.dtype)


class FillDiagonal(Op):
    """A copy of ``a`` with its main diagonal (``a[i, i, ..., i]``) set to the scalar ``val``."""

    __props__ = ()

    def make_node(self, a, val):
        a = as_tensor_variable(a)
        if a.type.ndim < 2:
            raise TypeError("fill_diagonal: a must have at least two dimensions, got %s" % a.type)
        return Apply(self, [a, _fill_value("fill_diagonal", a, val)], [a.type()])

    def perform(self, node, inputs, out):
        a, val = inputs
        a = a.copy()
        if a.ndim == 2:
            # Rectangular matrices: the main diagonal only (no wrapping for tall ones).
            n = min(a.shape)
            a[np.arange(n), np.arange(n)] = val
        else:
            np.fill_diagonal(a, val)
        out[0][0] = a

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


def fill_diagonal(a, val):
    """A copy of ``a`` whose main diagonal is filled with the scalar ``val``.

    ``val`` must not need ``a`` to be upcast.  Tensors of more than 2
    dimensions must have all dimensions equal.
    """
    return FillDiagonal()(a, val)


class FillDiagonalOffset(Op):
    """A copy of the matrix ``a`` with its ``offset``-th diagonal set to the scalar ``val``."""

    __props__ = ()

    def make_node(self, a, val, offset):
        a = as_tensor_variable(a)
        if a.type.ndim != 2:
            raise TypeError("fill_diagonal_offset: a must be a matrix, got %s" % a.type)
        val = _fill_value("fill_diagonal_offset", a, val)
        offset = _int_scalar(offset, "offset", "fill_diagonal_offset")
        return Apply(self, [a, val, offset], [a.type()])

    def perform(self, node, inputs, out):
        a, val, offset = inputs
        a, offset = a.copy(), int(offset)
        rows, cols = _diag_index(offset, _diag_len(offset, a.shape[0], a.shape[1]))
        a[rows, cols] = val
        out[0][0] = a

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


def fill_diagonal_offset(a, val, offset):
    """A copy of the matrix ``a`` whose ``offset``-th diagonal is filled with ``val``."""
    return FillDiagonalOffset()(a, val, offset)
