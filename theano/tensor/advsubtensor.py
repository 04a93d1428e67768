"""Advanced indexing: integer-array and boolean-mask indices, and their increments.

:class:`AdvancedSubtensor1` indexes the first axis with an int vector (the
common, fast case); :class:`AdvancedSubtensor` does general NumPy advanced
indexing (several index arrays, masks, mixed with slices and newaxis).
Increments accumulate over repeated indices, like ``numpy.add.at``.

:mod:`theano.tensor.subtensor` re-exports these names (Theano 1.0's module).
"""
import numpy as np

import theano.tensor.math as m
from theano.graph.basic import Apply
from theano.scalar.basic import integer_dtypes
from theano.tensor.basic import as_tensor_variable
from theano.tensor.shape import _maximum
from theano.tensor.basic_subtensor import (
    _check_broadcast,
    _check_inc_value,
    _check_index_inputs,
    _convert_slice,
    _entry_str,
    _fill_idx,
    _IncOp,
    _index_error,
    _normalize_index,
    _ReadOp,
    _scalar_entry,
    _slice_len,
)
from theano.tensor.type import TensorType

__all__ = ["AdvancedSubtensor1", "AdvancedIncSubtensor1", "AdvancedSubtensor",
           "AdvancedIncSubtensor", "AdvancedBooleanSubtensor", "AdvancedBooleanIncSubtensor",
           "advanced_subtensor1", "advanced_inc_subtensor1", "advanced_set_subtensor1",
           "advanced_subtensor", "advanced_inc_subtensor", "advanced_set_subtensor",
           "advanced_boolean_subtensor", "advanced_boolean_inc_subtensor",
           "advanced_boolean_set_subtensor"]


def _as_int_vector(op, ilist):
    ilist = as_tensor_variable(ilist)
    if ilist.type.dtype not in integer_dtypes:
        raise TypeError("%s: the index %s must contain integers, got %s"
                        % (op, ilist, ilist.type))
    if ilist.type.ndim != 1:
        raise TypeError("%s: the index %s must be a vector, got %s" % (op, ilist, ilist.type))
    return ilist


def _check_vector_bounds(op, i, x):
    if i.size:
        n = x.shape[0]
        bad = (i < -n) | (i >= n)
        if bad.any():
            raise _index_error(op, "index %d is out of bounds for axis 0 with size %d"
                               % (i[bad][0], n), x)


def _inc_at(op, x, idx, y):
    """``x`` (or a copy, unless ``op.inplace``) with ``y`` set or added at ``idx``.

    Increments go through ``np.add.at`` so that repeated indices accumulate.
    """
    res = x if op.inplace else x.copy()
    if op.set_instead_of_inc:
        res[idx] = y
    else:
        np.add.at(res, idx, y)
    return res


# ---------------------------------------------------------------------------
# First-axis integer vector
# ---------------------------------------------------------------------------
class AdvancedSubtensor1(_ReadOp):
    """``x[ilist]`` for an integer vector ``ilist`` (axis 0; negative indices allowed)."""

    __props__ = ("sparse_grad",)

    def __init__(self, sparse_grad=False):
        self.sparse_grad = bool(sparse_grad)

    def make_node(self, x, ilist):
        x = as_tensor_variable(x)
        ilist = _as_int_vector(self, ilist)
        if x.type.ndim == 0:
            raise TypeError("%s: cannot index into the scalar %s" % (self, x))
        bcast = (ilist.type.broadcastable[0],) + x.type.broadcastable[1:]
        return Apply(self, [x, ilist], [TensorType(x.type.dtype, bcast)()])

    def perform(self, node, inputs, out):
        x, i = inputs
        _check_vector_bounds(self, i, x)
        out[0][0] = x.take(i, axis=0)

    def infer_shape(self, fgraph, node, shapes):
        x, ilist = shapes
        return [tuple(ilist) + tuple(x[1:])]

    def _inc_op(self, set_instead_of_inc=False):
        return AdvancedIncSubtensor1(set_instead_of_inc=set_instead_of_inc)

    def __str__(self):
        return "AdvancedSubtensor1"


class AdvancedIncSubtensor1(_IncOp):
    """``x`` with ``x[ilist]`` incremented by (or set to) ``y``; repeated indices accumulate."""

    __props__ = ("inplace", "set_instead_of_inc")

    def __init__(self, inplace=False, set_instead_of_inc=False):
        self._set_mode(inplace, set_instead_of_inc)

    def make_node(self, x, y, ilist):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        ilist = _as_int_vector(self, ilist)
        if x.type.ndim == 0:
            raise TypeError("%s: cannot index into the scalar %s" % (self, x))
        _check_inc_value(self, x, y, x.type.ndim)
        return Apply(self, [x, y, ilist], [x.type()])

    def perform(self, node, inputs, out):
        x, y, i = inputs
        _check_vector_bounds(self, i, x)
        _check_broadcast(self, (i.shape[0],) + x.shape[1:], y, x)
        out[0][0] = _inc_at(self, x, i, y)

    def _read_op(self):
        return advanced_subtensor1

    def _inc_op(self, set_instead_of_inc=False):
        return AdvancedIncSubtensor1(set_instead_of_inc=set_instead_of_inc)

    def __str__(self):
        return "AdvancedIncSubtensor1{%s,%s}" % ("inplace" if self.inplace else "no_inplace",
                                                 "set" if self.set_instead_of_inc else "inc")


advanced_subtensor1 = AdvancedSubtensor1()
advanced_inc_subtensor1 = AdvancedIncSubtensor1()
advanced_set_subtensor1 = AdvancedIncSubtensor1(set_instead_of_inc=True)


# ---------------------------------------------------------------------------
# General advanced indexing
# ---------------------------------------------------------------------------
def _adv_entry_str(e):
    if e is None:
        return "newaxis"
    if isinstance(e, TensorType):
        return "%s%s" % (e.dtype, {0: "scalar", 1: "vector", 2: "matrix"}.get(
            e.ndim, "%dd" % e.ndim))
    return _entry_str(e)


def _walk(idx_list, index_inputs, ndim):
    """One ``(kind, value, x_axes)`` per index entry, padded with full slices.

    ``value`` is the slice (with symbolic members put back), the int (or
    scalar variable), or the index array variable.
    """
    entries = _fill_idx(idx_list, index_inputs)
    out, d = [], 0
    for marker, e in zip(idx_list, entries):
        if marker is None:
            out.append(("newaxis", None, ()))
        elif isinstance(marker, slice):
            out.append(("slice", e, (d,)))
            d += 1
        elif isinstance(marker, TensorType):
            if e.type.dtype == "bool":
                out.append(("bool", e, tuple(range(d, d + e.type.ndim))))
                d += e.type.ndim
            else:
                out.append(("array", e, (d,)))
                d += 1
        else:
            out.append(("int", e, (d,)))
            d += 1
    if d > ndim:
        raise IndexError("too many indices: the index uses %d dimensions but the tensor has %d"
                         % (d, ndim))
    out.extend(("slice", slice(None), (k,)) for k in range(d, ndim))
    return out


def _layout(items):
    """Output layout: a list of items and the marker "ADV" for the advanced block."""
    adv = [k for k, it in enumerate(items) if it[0] in ("int", "array", "bool")]
    has_arrays = any(it[0] in ("array", "bool") for it in items)
    if not has_arrays:
        return [it for it in items if it[0] != "int"]
    contiguous = adv == list(range(adv[0], adv[-1] + 1))
    out = []
    for k, it in enumerate(items):
        if k in adv:
            if contiguous and k == adv[0]:
                out.append("ADV")
        else:
            out.append(it)
    return out if contiguous else ["ADV"] + out


def _broadcast_dims(dim_lists):
    """Right-aligned broadcast of lists of ``(bcast, size)`` pairs."""
    nd = max((len(d) for d in dim_lists), default=0)
    out = []
    for j in range(nd):
        cands = [d[j - (nd - len(d))] for d in dim_lists if j >= nd - len(d)]
        sizes = [s for b, s in cands if not b]
        if not sizes:
            out.append((True, 1))
        elif any(s is None for s in sizes):
            out.append((False, None))
        else:
            size = sizes[0]
            for s in sizes[1:]:
                size = _maximum(size, s)
            out.append((False, size))
    return out


def _slice_keeps_bcast(e, bcast):
    if not bcast or not all(v is None or isinstance(v, int) for v in (e.start, e.stop, e.step)):
        return False
    if e.step == 0:
        raise ValueError("slice step cannot be zero")
    return len(range(1)[e]) == 1


def _adv_dims(items, x_bcast, x_shape=None, shape_of=None):
    """``(bcast, size)`` of each output dimension (sizes only when shapes are given)."""

    sized = x_shape is not None
    per_index = []
    for kind, v, _ in items:
        if kind == "array":
            per_index.append([(b, shape_of(v)[k] if sized else None)
                              for k, b in enumerate(v.type.broadcastable)])
        elif kind == "bool":
            per_index.append([(False, m.sum(v) if sized else None)])
        elif kind == "int":
            per_index.append([])
    out = []
    for it in _layout(items):
        if it == "ADV":
            out.extend(_broadcast_dims(per_index))
        elif it[0] == "newaxis":
            out.append((True, 1))
        else:
            _, e, (d,) = it
            if _slice_keeps_bcast(e, x_bcast[d]):
                out.append((True, 1))
            else:
                out.append((False, _slice_len(e.start, e.stop, e.step, x_shape[d])
                            if sized else None))
    return out


def _adv_idx_list(x, args):
    """``(idx_list, index_inputs)`` of a NumPy-style index for AdvancedSubtensor."""
    items = _normalize_index(x, tuple(args))
    idx_list, inputs = [], []
    for kind, v in items:
        if kind == "newaxis":
            idx_list.append(None)
        elif kind == "slice":
            idx_list.append(_convert_slice(v, inputs))
        elif kind == "int":
            idx_list.append(_scalar_entry(v, inputs))
        else:
            idx_list.append(TensorType(v.type.dtype, v.type.broadcastable))
            inputs.append(v)
    return idx_list, inputs


def _convert_adv_entry(e):
    if e is None or isinstance(e, TensorType) and e.ndim > 0 or (
            isinstance(e, TensorType) and e.dtype == "bool"):
        return e
    if isinstance(e, slice):
        return _convert_slice(e, None)
    return _scalar_entry(e, None)


def _runtime_adv_index(op, idx_list, values, x):
    idx = []
    for e in _fill_idx(idx_list, values):
        if isinstance(e, slice):
            idx.append(slice(*[None if v is None else int(v) for v in (e.start, e.stop, e.step)]))
        elif e is None or isinstance(e, np.ndarray) and e.ndim:
            idx.append(e)
        elif isinstance(e, np.ndarray) and e.dtype == bool:
            idx.append(e)
        else:
            idx.append(int(e))
    return tuple(idx)


class AdvancedSubtensor(_ReadOp):
    """NumPy advanced indexing: integer arrays, boolean masks, ints, slices and newaxis.

    ``idx_list`` has one entry per index item: an int, a slice, None
    (newaxis), a ScalarType marker (a symbolic int input) or a TensorType
    marker (an index array input, integer or boolean).
    """

    __props__ = ("idx_list",)

    def __init__(self, idx_list):
        self.idx_list = tuple(_convert_adv_entry(e) for e in idx_list)

    def make_node(self, x, *inputs):
        x = as_tensor_variable(x)
        inputs = _check_index_inputs(self, self.idx_list, inputs)
        items = _walk(self.idx_list, inputs, x.type.ndim)
        bcast = tuple(b for b, _ in _adv_dims(items, x.type.broadcastable))
        return Apply(self, [x] + inputs, [TensorType(x.type.dtype, bcast)()])

    def perform(self, node, inputs, out):
        x = inputs[0]
        idx = _runtime_adv_index(self, self.idx_list, inputs[1:], x)
        try:
            r = x[idx]
        except IndexError as exc:
            raise _index_error(self, str(exc), x) from None
        # Without index arrays NumPy would return a view, which we do not declare.
        out[0][0] = np.array(r, dtype=x.dtype) if r.base is not None and (
            np.may_share_memory(r, x)) else np.asarray(r)

    def infer_shape(self, fgraph, node, shapes):
        x = node.inputs[0]
        shape_of = dict(zip(node.inputs, shapes))
        items = _walk(self.idx_list, node.inputs[1:], x.type.ndim)
        dims = _adv_dims(items, x.type.broadcastable, shapes[0], lambda v: shape_of[v])
        return [tuple(s for _, s in dims)]

    def _inc_op(self, set_instead_of_inc=False):
        return AdvancedIncSubtensor(self.idx_list, set_instead_of_inc=set_instead_of_inc)

    def __str__(self):
        return "AdvancedSubtensor{%s}" % ", ".join(_adv_entry_str(e) for e in self.idx_list)


class AdvancedIncSubtensor(_IncOp):
    """``x`` with ``x[idx]`` incremented by ``y`` (like ``numpy.add.at``) or set to ``y``."""

    __props__ = ("idx_list", "inplace", "set_instead_of_inc")

    def __init__(self, idx_list, inplace=False, set_instead_of_inc=False):
        self.idx_list = tuple(_convert_adv_entry(e) for e in idx_list)
        self._set_mode(inplace, set_instead_of_inc)

    def make_node(self, x, y, *inputs):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        inputs = _check_index_inputs(self, self.idx_list, inputs)
        items = _walk(self.idx_list, inputs, x.type.ndim)
        _check_inc_value(self, x, y, len(_adv_dims(items, x.type.broadcastable)))
        return Apply(self, [x, y] + inputs, [x.type()])

    def perform(self, node, inputs, out):
        x, y = inputs[:2]
        idx = _runtime_adv_index(self, self.idx_list, inputs[2:], x)
        try:
            target = x[idx].shape
        except IndexError as exc:
            raise _index_error(self, str(exc), x) from None
        _check_broadcast(self, target, y, x)
        out[0][0] = _inc_at(self, x, idx, y)

    def _read_op(self):
        return AdvancedSubtensor(self.idx_list)

    def _inc_op(self, set_instead_of_inc=False):
        return AdvancedIncSubtensor(self.idx_list, set_instead_of_inc=set_instead_of_inc)

    def __str__(self):
        return "AdvancedIncSubtensor{%s;%s}" % (
            self._mode_str(), ", ".join(_adv_entry_str(e) for e in self.idx_list))


def advanced_subtensor(x, *args):
    """``x[args]`` through :class:`AdvancedSubtensor` (NumPy advanced indexing)."""
    x = as_tensor_variable(x)
    idx_list, inputs = _adv_idx_list(x, args)
    return AdvancedSubtensor(idx_list)(x, *inputs)


def advanced_inc_subtensor(x, y, *args, set_instead_of_inc=False, inplace=False):
    """``x`` with ``x[args]`` incremented by ``y`` (repeated indices accumulate)."""
    x = as_tensor_variable(x)
    idx_list, inputs = _adv_idx_list(x, args)
    return AdvancedIncSubtensor(idx_list, inplace, set_instead_of_inc)(x, y, *inputs)


def advanced_set_subtensor(x, y, *args, inplace=False):
    """``x`` with ``x[args]`` set to ``y``."""
    return advanced_inc_subtensor(x, y, *args, set_instead_of_inc=True, inplace=inplace)


# Boolean masks are handled by the general ops (Theano 1.0 had separate classes).
AdvancedBooleanSubtensor = AdvancedSubtensor
AdvancedBooleanIncSubtensor = AdvancedIncSubtensor
advanced_boolean_subtensor = advanced_subtensor
advanced_boolean_inc_subtensor = advanced_inc_subtensor
advanced_boolean_set_subtensor = advanced_set_subtensor
