"""Indexing sparse matrices: ``x[i, j]``, ``x[a:b, c:d]``, ``x[rows]``, ``x[rows, cols]``.

Also the ops scattering a gradient back into a sparse matrix, and
:class:`ConstructSparseFromList` (the sparse gradient of ``x[ilist]``).
"""
import numpy as np
import scipy.sparse

from theano.graph.basic import Apply, Constant, Variable
from theano.graph.op import Op
from theano.graph.type import generic
from theano.scalar.basic import discrete_dtypes, integer_dtypes
from theano.tensor import basic as tb
from theano.tensor.type import TensorType
from theano.sparse.core import _conform, _shape_of, _sparse_input, _sparse_type, _tensor_input
from theano.sparse.type import SparseType

__all__ = ["GetItemList", "get_item_list", "GetItemListGrad", "get_item_list_grad",
           "GetItem2Lists", "get_item_2lists", "GetItem2ListsGrad", "get_item_2lists_grad",
           "GetItem2d", "get_item_2d", "GetItem2dGrad", "get_item_2d_grad", "GetItemScalar",
           "get_item_scalar", "ConstructSparseFromList", "construct_sparse_from_list"]


def _index_vector(op, v, pos):
    v = _tensor_input(op, v, pos, (1,), "integer vector")
    if v.type.dtype not in integer_dtypes:
        raise TypeError("%s: input %d must be a vector of integers, got %s" % (op, pos, v.type))
    return v


def _checked(op, idx, n, axis):
    """``idx`` made non-negative, or IndexError if it is out of ``[-n, n)``."""
    idx = np.asarray(idx, dtype="int64")
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError("%s: index out of bounds for axis %d with size %d (indices %s)"
                         % (op, axis, n, idx))
    return idx % max(n, 1)


def _scatter(rows, cols, block, shape, format, dtype):
    """A ``shape`` matrix with ``block`` (sparse) placed at ``rows`` x ``cols``.

    ``block[a, b]`` lands at ``(rows[a], cols[b])``; repeated rows or columns
    accumulate.  Computed as ``R @ block @ C`` with 0/1 selection matrices.
    """
    m, n = shape
    r = scipy.sparse.csr_matrix((np.ones(len(rows)), (rows, np.arange(len(rows)))),
                                shape=(m, len(rows)))
    c = scipy.sparse.csr_matrix((np.ones(len(cols)), (np.arange(len(cols)), cols)),
                                shape=(len(cols), n))
    return _conform(r @ scipy.sparse.csr_matrix(block) @ c, format, dtype)


# ---------------------------------------------------------------------------
# Rows by a list: x[rows]
# ---------------------------------------------------------------------------
class GetItemList(Op):
    """The rows ``index`` of a sparse matrix, as a sparse matrix (``x[[i, j, ...]]``)."""

    __props__ = ()

    def make_node(self, x, index):
        x = _sparse_input(self, x, 0)
        return Apply(self, [x, _index_vector(self, index, 1)], [x.type()])

    def perform(self, node, inputs, out):
        x, idx = inputs
        out[0][0] = _conform(x[_checked(self, idx, x.shape[0], 0)], x.format, x.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[1][0], _shape_of(node, shapes, 0)[1])]


get_item_list = GetItemList()


class GetItemListGrad(Op):
    """Gradient of :class:`GetItemList`: ``gz``'s rows added into rows ``index`` of a zero
    matrix shaped like ``x`` (repeated rows accumulate)."""

    __props__ = ()

    def make_node(self, x, index, gz):
        x = _sparse_input(self, x, 0)
        index = _index_vector(self, index, 1)
        gz = _sparse_input(self, gz, 2)
        return Apply(self, [x, index, gz], [SparseType(x.type.format, gz.type.dtype)()])

    def perform(self, node, inputs, out):
        x, idx, gz = inputs
        rows = _checked(self, idx, x.shape[0], 0)
        t = node.outputs[0].type
        out[0][0] = _scatter(rows, np.arange(x.shape[1]), gz, x.shape, t.format, t.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)]


get_item_list_grad = GetItemListGrad()


# ---------------------------------------------------------------------------
# Elements by two lists: x[rows, cols]
# ---------------------------------------------------------------------------
class GetItem2Lists(Op):
    """The elements ``x[ind1[k], ind2[k]]``, as a dense vector."""

    __props__ = ()

    def make_node(self, x, ind1, ind2):
        x = _sparse_input(self, x, 0)
        ind1, ind2 = _index_vector(self, ind1, 1), _index_vector(self, ind2, 2)
        return Apply(self, [x, ind1, ind2], [TensorType(x.type.dtype, (False,))()])

    def perform(self, node, inputs, out):
        x, i1, i2 = inputs
        if i1.shape != i2.shape:
            raise ValueError("%s: the two index lists have lengths %d and %d"
                             % (self, len(i1), len(i2)))
        dtype = node.outputs[0].type.dtype
        if not i1.size:
            out[0][0] = np.zeros(0, dtype=dtype)
            return
        r, c = _checked(self, i1, x.shape[0], 0), _checked(self, i2, x.shape[1], 1)
        out[0][0] = np.asarray(x[r, c], dtype=dtype).ravel()

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[1][0],)]


get_item_2lists = GetItem2Lists()


class GetItem2ListsGrad(Op):
    """Gradient of :class:`GetItem2Lists`: ``gz[k]`` added at ``(ind1[k], ind2[k])`` of a
    zero matrix shaped like ``x``."""

    __props__ = ()

    def make_node(self, x, ind1, ind2, gz):
        x = _sparse_input(self, x, 0)
        ind1, ind2 = _index_vector(self, ind1, 1), _index_vector(self, ind2, 2)
        gz = _tensor_input(self, gz, 3, (1,), "vector")
        out = _sparse_type(self, x.type.format, gz.type.dtype)()
        return Apply(self, [x, ind1, ind2, gz], [out])

    def perform(self, node, inputs, out):
        x, i1, i2, gz = inputs
        r, c = _checked(self, i1, x.shape[0], 0), _checked(self, i2, x.shape[1], 1)
        t = node.outputs[0].type
        coo = scipy.sparse.coo_matrix((gz, (r, c)), shape=x.shape)
        out[0][0] = _conform(coo, t.format, t.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)]


get_item_2lists_grad = GetItem2ListsGrad()


# ---------------------------------------------------------------------------
# Slices: x[a:b, c:d]
# ---------------------------------------------------------------------------
_NONE = Constant(generic, None, name="None")


def _slice_entry(op, v, what):
    if v is None:
        return _NONE
    if isinstance(v, Constant) and v.type == generic and v.data is None:
        return _NONE
    v = tb.as_tensor_variable(v)
    if v.type.ndim != 0 or v.type.dtype not in discrete_dtypes:
        raise TypeError("%s: the slice %s must be an integer scalar, got %s"
                        % (op, what, v.type))
    return v


def _is_scalar_index(ind):
    if isinstance(ind, Variable):
        return getattr(ind.type, "ndim", None) == 0
    return np.ndim(ind) == 0


def _slice_inputs(op, index):
    if not isinstance(index, (tuple, list)) or len(index) not in (1, 2):
        raise TypeError("%s: expected one or two slices, got %r" % (op, index))
    entries = []
    for ind in index:
        if not isinstance(ind, slice):
            if _is_scalar_index(ind):
                raise TypeError(
                    "%s: a sparse matrix cannot be indexed by a scalar on one axis only "
                    "(Theano has no sparse vectors); use x[a:a+1, c:d] or x[a:b, c:c+1] "
                    "instead" % op)
            raise TypeError("%s: index %s is not supported; use slices, two integer scalars, "
                            "a list/vector of integer rows or two such lists" % (op, ind))
        step = ind.step
        if isinstance(step, (int, np.integer)) and step == 1:
            step = None
        entries += [_slice_entry(op, ind.start, "start"), _slice_entry(op, ind.stop, "stop"),
                    _slice_entry(op, step, "step")]
    if len(index) == 1:
        entries += [_NONE, _NONE, _NONE]
    return entries


def _slices(values):
    conv = [None if v is None else int(v) for v in values]
    return slice(*conv[:3]), slice(*conv[3:])


class GetItem2d(Op):
    """``x[a:b:s, c:d:t]`` of a sparse matrix, as a sparse matrix.

    Inputs after ``x`` are the six slice entries (``None`` or integer scalars).
    """

    __props__ = ()

    def make_node(self, x, index):
        x = _sparse_input(self, x, 0)
        return Apply(self, [x] + _slice_inputs(self, index), [x.type()])

    def perform(self, node, inputs, out):
        x = inputs[0]
        s1, s2 = _slices(inputs[1:])
        out[0][0] = _conform(x[s1, s2], x.format, x.dtype)


get_item_2d = GetItem2d()


class GetItem2dGrad(Op):
    """Gradient of :class:`GetItem2d`: ``gz`` placed in the sliced block of a zero matrix
    shaped like ``x``."""

    __props__ = ()

    def make_node(self, x, *rest):
        x = _sparse_input(self, x, 0)
        entries, gz = list(rest[:6]), _sparse_input(self, rest[6], 7)
        return Apply(self, [x] + entries + [gz], [SparseType(x.type.format, gz.type.dtype)()])

    def perform(self, node, inputs, out):
        x, gz = inputs[0], inputs[-1]
        s1, s2 = _slices(inputs[1:7])
        rows, cols = np.arange(x.shape[0])[s1], np.arange(x.shape[1])[s2]
        t = node.outputs[0].type
        out[0][0] = _scatter(rows, cols, gz, x.shape, t.format, t.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)]


get_item_2d_grad = GetItem2dGrad()


# ---------------------------------------------------------------------------
# One element: x[i, j]
# ---------------------------------------------------------------------------
class GetItemScalar(Op):
    """``x[i, j]`` of a sparse matrix, as a 0-d tensor."""

    __props__ = ()

    def make_node(self, x, index):
        x = _sparse_input(self, x, 0)
        if not isinstance(index, (tuple, list)) or len(index) != 2:
            raise TypeError("%s: expected two integer indices, got %r" % (self, index))
        ins = []
        for k, ind in enumerate(index):
            if isinstance(ind, slice):
                raise TypeError("%s: index %d is a slice; use x[a:b, c:d] (GetItem2d)"
                                % (self, k))
            ind = tb.as_tensor_variable(ind)
            if ind.type.ndim != 0 or ind.type.dtype not in integer_dtypes:
                raise TypeError("%s: index %d must be an integer scalar, got %s"
                                % (self, k, ind.type))
            ins.append(ind)
        return Apply(self, [x] + ins, [TensorType(x.type.dtype, ())()])

    def perform(self, node, inputs, out):
        x, i, j = inputs
        r = int(_checked(self, i, x.shape[0], 0))
        c = int(_checked(self, j, x.shape[1], 1))
        out[0][0] = np.asarray(x[r, c], dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [()]


get_item_scalar = GetItemScalar()


# ---------------------------------------------------------------------------
# Rows of values into a sparse matrix
# ---------------------------------------------------------------------------
class ConstructSparseFromList(Op):
    """A csc matrix shaped like ``x`` whose rows ``ilist[k]`` are ``values[k]``.

    Repeated rows accumulate.  Only ``x``'s shape is kept in the graph.  This
    is the sparse gradient of ``x[ilist]`` (``AdvancedSubtensor1`` with
    ``sparse_grad=True``).
    """

    __props__ = ()

    def make_node(self, x, values, ilist):
        x = _tensor_input(self, x, 0, (2,), "matrix")
        values = _tensor_input(self, values, 1, (2,), "matrix")
        ilist = _index_vector(self, ilist, 2)
        shape = x.shape
        return self._node(shape, values, ilist)

    def _node(self, shape, values, ilist):
        out = _sparse_type(self, "csc", values.type.dtype)()
        return Apply(self, [shape, values, ilist], [out])

    def perform(self, node, inputs, out):
        shape, values, ilist = inputs
        n_rows, n_cols = values.shape
        if n_rows != len(ilist):
            raise ValueError("%s: %d rows of values for %d indices"
                             % (self, n_rows, len(ilist)))
        if n_cols != shape[1]:
            raise ValueError("%s: rows of length %d for a matrix with %d columns"
                             % (self, n_cols, shape[1]))
        rows = _checked(self, ilist, int(shape[0]), 0)
        indptr = np.arange(n_cols + 1) * n_rows
        indices = np.tile(rows, n_cols)
        data = np.ascontiguousarray(values.T).ravel()
        res = scipy.sparse.csc_matrix((data, indices, indptr),
                                      shape=(int(shape[0]), int(shape[1])))
        # Repeated rows are summed now: duplicate entries would make the
        # structured gradients of later ops count them twice.
        res.sum_duplicates()
        out[0][0] = res

    def infer_shape(self, fgraph, node, shapes):
        shp = node.inputs[0]
        return [(shp[0], shp[1])]


construct_sparse_from_list = ConstructSparseFromList()
