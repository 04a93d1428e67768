"""Sorting: sort, argsort and top-k, plus gather/scatter along an axis used by their gradients."""
import numpy as np

import theano.scalar.basic as ts
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.tensor.alloc import _int_scalar as check
from theano.tensor.basic import as_tensor_variable, cast
from theano.tensor.join import _const_int as c
from theano.tensor.math import abs_
from theano.tensor.shape import flatten
from theano.tensor.type import TensorType

__all__ = ["SortOp", "ArgSortOp", "sort", "argsort", "TopKOp", "topk", "argtopk",
           "topk_and_argtopk", "SearchsortedOp", "searchsorted", "Unique", "unique",
           "inverse_permutation"]

_KINDS = ("quicksort", "mergesort", "heapsort", "stable")


def _int_scalar(x, what, opname):
    return check(x, what, opname)


def _const_int(x):
    return c(x)


def _check_axis(opname, x, axis):
    """Range-check a constant axis at graph-building time."""
    ax = _const_int(axis)
    if ax is not None and not -x.type.ndim <= ax < x.type.ndim:
        raise ValueError("%s: axis %d is out of range for %s with %d dimensions"
                         % (opname, ax, x, x.type.ndim))


def _flatten(x):
    return flatten(x, 1)


# -- gather / scatter along an axis --------------------------------------------------------
def _index_grid(indices, axis):
    """Open index arrays selecting ``indices`` along ``axis`` (``numpy.take_along_axis`` style)."""
    nd = indices.ndim
    grid = [np.arange(s).reshape((s,) + (1,) * (nd - 1 - d)) for d, s in enumerate(indices.shape)]
    grid[axis] = indices
    return tuple(grid)


def _check_along_shapes(opname, shape, indices, axis):
    if len(shape) != indices.ndim or any(
            a != b for d, (a, b) in enumerate(zip(shape, indices.shape)) if d != axis):
        raise ValueError("%s: indices of shape %s do not match the shape %s outside axis %d"
                         % (opname, indices.shape, shape, axis))


class TakeAlongAxis(Op):
    """``numpy.take_along_axis(a, indices, axis)`` (shapes must match outside ``axis``)."""

    __props__ = ()

    def make_node(self, a, indices, axis):
        a, indices = as_tensor_variable(a), as_tensor_variable(indices)
        axis = _int_scalar(axis, "axis", "TakeAlongAxis")
        if indices.type.dtype not in ts.integer_dtypes or indices.type.ndim != a.type.ndim:
            raise TypeError("TakeAlongAxis: indices must be integers with the %d dimensions of "
                            "%s, got %s" % (a.type.ndim, a, indices.type))
        _check_axis("TakeAlongAxis", a, axis)
        return Apply(self, [a, indices, axis],
                     [TensorType(a.type.dtype, indices.type.broadcastable)()])

    def perform(self, node, inputs, out):
        a, indices, axis = inputs
        axis = int(axis) % a.ndim
        _check_along_shapes("TakeAlongAxis", a.shape, indices, axis)
        try:
            out[0][0] = np.take_along_axis(a, indices.astype("int64"), axis)
        except IndexError as exc:
            raise IndexError("TakeAlongAxis: %s (axis %d has size %d)"
                             % (exc, axis, a.shape[axis])) from None

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[1]]


class ScatterAlongAxis(Op):
    """Zeros shaped like ``model`` with ``values`` added at ``indices`` along ``axis``.

    The adjoint of :class:`TakeAlongAxis` (repeated indices accumulate).
    """

    __props__ = ()

    def make_node(self, model, values, indices, axis):
        model, values = as_tensor_variable(model), as_tensor_variable(values)
        indices = as_tensor_variable(indices)
        axis = _int_scalar(axis, "axis", "ScatterAlongAxis")
        if indices.type.dtype not in ts.integer_dtypes or indices.type.ndim != model.type.ndim:
            raise TypeError("ScatterAlongAxis: indices must be integers with the %d dimensions "
                            "of %s, got %s" % (model.type.ndim, model, indices.type))
        if values.type.ndim != indices.type.ndim:
            raise TypeError("ScatterAlongAxis: values (%s) and indices (%s) must have the same "
                            "number of dimensions" % (values.type, indices.type))
        return Apply(self, [model, values, indices, axis],
                     [TensorType(values.type.dtype, model.type.broadcastable)()])

    def perform(self, node, inputs, out):
        model, values, indices, axis = inputs
        axis = int(axis) % model.ndim
        _check_along_shapes("ScatterAlongAxis", model.shape, indices, axis)
        if values.shape != indices.shape:
            raise ValueError("ScatterAlongAxis: values of shape %s for indices of shape %s"
                             % (values.shape, indices.shape))
        res = np.zeros(model.shape, dtype=node.outputs[0].type.dtype)
        np.add.at(res, _index_grid(indices.astype("int64"), axis), values)
        out[0][0] = res

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


# -- sort / argsort ------------------------------------------------------------------------
class _SortBase(Op):
    __props__ = ("kind", "order")

    def __init__(self, kind="quicksort", order=None):
        if kind not in _KINDS:
            raise ValueError("%s: unknown sort kind %r; use one of %s"
                             % (type(self).__name__, kind, _KINDS))
        if order is not None:
            raise ValueError("%s: 'order' only applies to structured arrays, which Theano "
                             "tensors cannot hold; use order=None" % type(self).__name__)
        self.kind = kind
        self.order = order

    def _inputs(self, input, axis):
        x = as_tensor_variable(input)
        if x.type.ndim == 0:
            raise ValueError("%s: cannot sort a 0-d tensor (%s); use axis=None to sort the "
                             "flattened tensor" % (type(self).__name__, x))
        axis = _int_scalar(axis, "axis", type(self).__name__)
        _check_axis(type(self).__name__, x, axis)
        return x, axis

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]

    def __str__(self):
        return "%s{%s, %s}" % (type(self).__name__, self.kind, self.order)


class SortOp(_SortBase):
    """``numpy.sort(x, axis, kind)`` with a symbolic ``axis`` input."""

    def make_node(self, input, axis=-1):
        x, axis = self._inputs(input, axis)
        return Apply(self, [x, axis], [x.type()])

    def perform(self, node, inputs, out):
        x, axis = inputs
        out[0][0] = np.sort(x, axis=int(axis), kind=self.kind)


class ArgSortOp(_SortBase):
    """``numpy.argsort(x, axis, kind)`` with int64 output."""

    def make_node(self, input, axis=-1):
        x, axis = self._inputs(input, axis)
        return Apply(self, [x, axis], [TensorType("int64", x.type.broadcastable)()])

    def perform(self, node, inputs, out):
        x, axis = inputs
        out[0][0] = np.argsort(x, axis=int(axis), kind=self.kind).astype("int64")


def sort(a, axis=-1, kind="quicksort", order=None):
    """A sorted copy of ``a`` along ``axis`` (None: the flattened tensor).

    ``kind`` is 'quicksort', 'mergesort', 'heapsort' or 'stable'.
    """
    a = as_tensor_variable(a)
    if axis is None:
        a, axis = _flatten(a), 0
    return SortOp(kind, order)(a, axis)


def argsort(a, axis=-1, kind="quicksort", order=None):
    """The int64 indices that sort ``a`` along ``axis`` (None: the flattened tensor)."""
    a = as_tensor_variable(a)
    if axis is None:
        a, axis = _flatten(a), 0
    return ArgSortOp(kind, order)(a, axis)


def inverse_permutation(perm):
    """The inverse of each permutation in the last axis of the integer tensor ``perm``."""
    perm = as_tensor_variable(perm)
    if perm.type.dtype not in ts.integer_dtypes:
        raise TypeError("inverse_permutation expects integers, got %s of dtype %s"
                        % (perm, perm.type.dtype))
    # argsort of a permutation is its inverse.
    return cast(argsort(perm, -1, kind="stable"), perm.type.dtype)


# -- top-k ---------------------------------------------------------------------------------
def _topk_indices(x, k, axis, want_sorted):
    n = x.shape[axis]
    if k == 0:
        raise ValueError("topk: kth must not be 0")
    if abs(k) > n:
        raise ValueError("topk: |kth| = %d is larger than the size %d of axis %d"
                         % (abs(k), n, axis))
    key = [slice(None)] * x.ndim
    if k > 0:
        key[axis] = slice(n - k, None)
        idx = np.argpartition(x, n - k, axis=axis)[tuple(key)]
    else:
        key[axis] = slice(None, -k)
        idx = np.argpartition(x, -k - 1, axis=axis)[tuple(key)]
    if want_sorted:
        order = np.argsort(np.take_along_axis(x, idx, axis), axis=axis, kind="stable")
        if k > 0:
            order = np.flip(order, axis)
        idx = np.take_along_axis(idx, order, axis)
    return idx


class TopKOp(Op):
    """The ``kth`` largest (``kth`` > 0) or ``-kth`` smallest (``kth`` < 0) entries along ``axis``.

    Outputs the values and/or the indices.  With ``sorted`` the entries come
    most extreme first (descending for largest, ascending for smallest);
    otherwise their order is unspecified.
    """

    __props__ = ("axis", "sorted", "return_values", "return_indices", "idx_dtype")

    def __init__(self, axis=-1, sorted=True, idx_dtype="int64", return_values=True,
                 return_indices=True):
        if not isinstance(axis, (int, np.integer)):
            raise TypeError("TopKOp: axis must be an integer, got %r" % (axis,))
        if idx_dtype not in ts.integer_dtypes:
            raise TypeError("TopKOp: idx_dtype must be an integer dtype, got %r" % (idx_dtype,))
        if not (return_values or return_indices):
            raise ValueError("TopKOp: at least one of return_values and return_indices must "
                             "be True")
        self.axis = int(axis)
        self.sorted = bool(sorted)
        self.idx_dtype = idx_dtype
        self.return_values = bool(return_values)
        self.return_indices = bool(return_indices)

    def make_node(self, inp, kth):
        x = as_tensor_variable(inp)
        if x.type.ndim == 0:
            raise ValueError("topk: the input must have at least one dimension, got %s" % x)
        if not -x.type.ndim <= self.axis < x.type.ndim:
            raise IndexError("topk: axis %d is out of range for %s with %d dimensions"
                             % (self.axis, x, x.type.ndim))
        kth = _int_scalar(kth, "kth", "topk")
        outs = []
        if self.return_values:
            outs.append(x.type())
        if self.return_indices:
            outs.append(TensorType(self.idx_dtype, x.type.broadcastable)())
        return Apply(self, [x, kth], outs)

    def perform(self, node, inputs, out):
        x, k = inputs
        axis = self.axis % x.ndim
        idx = _topk_indices(x, int(k), axis, self.sorted)
        res = []
        if self.return_values:
            res.append(np.take_along_axis(x, idx, axis))
        if self.return_indices:
            res.append(idx.astype(self.idx_dtype))
        for cell, r in zip(out, res):
            cell[0] = r

    def infer_shape(self, fgraph, node, shapes):
        shp = list(shapes[0])
        shp[self.axis % len(shp)] = cast(abs_(node.inputs[1]), "int64")
        return [tuple(shp)] * len(node.outputs)

    def __str__(self):
        return "TopKOp{axis=%d, sorted=%s}" % (self.axis, self.sorted)


def _topk_outputs(x, kth, axis, sorted, idx_dtype):
    x = as_tensor_variable(x)
    if axis is None:
        x, axis = _flatten(x), 0
    return TopKOp(axis=axis, sorted=sorted, idx_dtype=idx_dtype)(x, kth)


def topk(x, kth, axis=-1, sorted=True, idx_dtype="int64"):
    """The ``kth`` largest entries of ``x`` along ``axis`` (``-kth`` smallest if ``kth`` < 0).

    ``axis`` None works on the flattened tensor.  With ``sorted`` (default)
    the result is ordered most extreme first.
    """
    return _topk_outputs(x, kth, axis, sorted, idx_dtype)[0]


def argtopk(x, kth, axis=-1, sorted=True, idx_dtype="int64"):
    """The indices (``idx_dtype``) of the entries :func:`topk` returns."""
    return _topk_outputs(x, kth, axis, sorted, idx_dtype)[1]


def topk_and_argtopk(x, kth, axis=-1, sorted=True, idx_dtype="int64"):
    """``(topk(...), argtopk(...))`` computed by one op."""
    return tuple(_topk_outputs(x, kth, axis, sorted, idx_dtype))


# -- searching / unique values ---------------------------------------------------------------
class SearchsortedOp(Op):
    """``numpy.searchsorted(x, v, side, sorter)`` with int64 output shaped like ``v``."""

    __props__ = ("side",)

    def __init__(self, side="left"):
        if side not in ("left", "right"):
            raise ValueError("searchsorted: side must be 'left' or 'right', got %r" % (side,))
        self.side = side

    def make_node(self, x, v, sorter=None):
        x, v = as_tensor_variable(x), as_tensor_variable(v)
        if x.type.ndim != 1:
            raise TypeError("searchsorted: x must be a vector, got %s" % x.type)
        inputs = [x, v]
        if sorter is not None:
            sorter = as_tensor_variable(sorter)
            if sorter.type.ndim != 1 or sorter.type.dtype not in ts.integer_dtypes:
                raise TypeError("searchsorted: sorter must be an integer vector, got %s"
                                % sorter.type)
            inputs.append(sorter)
        return Apply(self, inputs, [TensorType("int64", v.type.broadcastable)()])

    def perform(self, node, inputs, out):
        sorter = inputs[2].astype("int64") if len(inputs) > 2 else None
        res = np.searchsorted(inputs[0], inputs[1], side=self.side, sorter=sorter)
        out[0][0] = np.array(res, dtype="int64")

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[1]]


def searchsorted(x, v, side="left", sorter=None):
    """Indices where the values ``v`` would be inserted into the sorted vector ``x``."""
    return SearchsortedOp(side)(x, v, sorter)


class Unique(Op):
    """``numpy.unique`` with optional index, inverse (flattened) and count outputs."""

    __props__ = ("return_index", "return_inverse", "return_counts", "axis")

    def __init__(self, return_index=False, return_inverse=False, return_counts=False,
                 axis=None):
        self.return_index = bool(return_index)
        self.return_inverse = bool(return_inverse)
        self.return_counts = bool(return_counts)
        self.axis = None if axis is None else int(axis)

    def make_node(self, x):
        x = as_tensor_variable(x)
        if self.axis is not None and not -x.type.ndim <= self.axis < x.type.ndim:
            raise ValueError("unique: axis %d is out of range for %s with %d dimensions"
                             % (self.axis, x, x.type.ndim))
        if self.axis is None:
            bcast = (False,)
        else:
            bcast = tuple(False if d == self.axis % x.type.ndim else b
                          for d, b in enumerate(x.type.broadcastable))
        n_extra = self.return_index + self.return_inverse + self.return_counts
        return Apply(self, [x], [TensorType(x.type.dtype, bcast)()]
                     + [TensorType("int64", (False,))() for _ in range(n_extra)])

    def perform(self, node, inputs, out):
        res = np.unique(inputs[0], return_index=self.return_index,
                        return_inverse=self.return_inverse, return_counts=self.return_counts,
                        axis=self.axis)
        if not isinstance(res, tuple):
            res = (res,)
        res = list(res)
        if self.return_inverse:
            k = 1 + self.return_index
            res[k] = res[k].reshape(-1)
        for cell, r, o in zip(out, res, node.outputs):
            cell[0] = np.asarray(r, dtype=o.type.dtype)


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None):
    """The sorted unique values of ``ar`` (plus the requested index/inverse/count vectors)."""
    return Unique(return_index, return_inverse, return_counts, axis)(ar)
