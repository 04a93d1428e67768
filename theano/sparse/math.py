"""Arithmetic, comparisons, reductions and elementwise functions of sparse matrices.

``add``, ``sub``, ``mul`` and the comparisons pick the op for the mix of
sparse and dense arguments.  The *structured* functions (``structured_exp``,
``sin``, ``sqrt``...) apply to the stored values only, so the result keeps the
sparsity pattern; they are built from :func:`csm_properties` and :class:`CSM`.
"""
import operator
import warnings

import numpy as np
import scipy.sparse

from theano.graph.basic import Apply, Variable
from theano.graph.op import Op
from theano.tensor import basic as tb
from theano.tensor import math as tm
from theano.tensor.type import TensorType
from theano.sparse.core import (CSM, _conform, _coords, _out_dtype, _shape_of, _sparse_input,
                                _sparse_type, _tensor_input, _with_data, as_sparse_variable,
                                csm_properties, neg, transpose)
from theano.sparse.type import SparseType

__all__ = ["AddSS", "add_s_s", "AddSSData", "add_s_s_data", "AddSD", "add_s_d",
           "StructuredAddSV", "structured_add_s_v", "add", "sub",
           "MulSS", "mul_s_s", "MulSD", "mul_s_d", "MulSV", "mul_s_v", "mul",
           "EqualSS", "equal_s_s", "EqualSD", "equal_s_d", "NotEqualSS", "not_equal_s_s",
           "NotEqualSD", "not_equal_s_d", "LessThanSS", "less_than_s_s", "LessThanSD",
           "less_than_s_d", "GreaterThanSS", "greater_than_s_s", "GreaterThanSD",
           "greater_than_s_d", "LessEqualSS", "less_equal_s_s", "LessEqualSD",
           "less_equal_s_d", "GreaterEqualSS", "greater_equal_s_s", "GreaterEqualSD",
           "greater_equal_s_d", "eq", "neq", "lt", "gt", "le", "ge",
           "ColScaleCSC", "RowScaleCSC", "col_scale", "row_scale", "SpSum", "sp_sum",
           "Diag", "diag", "SquareDiagonal", "square_diagonal", "HStack", "hstack",
           "VStack", "vstack", "structured_monoid"]


def _is_sparse_value(x):
    return scipy.sparse.issparse(x) or (isinstance(x, Variable)
                                        and isinstance(x.type, SparseType))


def _operands(fname, x, y):
    """``(x, y, x_is_sparse, y_is_sparse)`` with sparse values as sparse variables."""
    x = as_sparse_variable(x) if _is_sparse_value(x) else tb.as_tensor_variable(x)
    y = as_sparse_variable(y) if _is_sparse_value(y) else tb.as_tensor_variable(y)
    xs, ys = isinstance(x.type, SparseType), isinstance(y.type, SparseType)
    if not (xs or ys):
        raise TypeError("theano.sparse.%s needs at least one sparse argument, got %s and %s "
                        "(use theano.tensor for dense ones)" % (fname, x.type, y.type))
    return x, y, xs, ys


def _check_same_shape(op, x, y):
    if x.shape != y.shape:
        raise ValueError("%s: the matrices have different shapes %s and %s"
                         % (op, x.shape, y.shape))


# ---------------------------------------------------------------------------
# Addition
# ---------------------------------------------------------------------------
class AddSS(Op):
    """``x + y`` for two sparse matrices (sparse result in ``x``'s format)."""

    __props__ = ()

    def make_node(self, x, y):
        x, y = _sparse_input(self, x, 0), _sparse_input(self, y, 1)
        return Apply(self, [x, y], [SparseType(x.type.format, _out_dtype(x, y))()])

    def perform(self, node, inputs, out):
        x, y = inputs
        _check_same_shape(self, x, y)
        t = node.outputs[0].type
        out[0][0] = _conform(x + y, t.format, t.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)]


add_s_s = AddSS()


class AddSSData(Op):
    """``x + y`` for matrices of the same format, dtype and sparsity pattern.

    Only the ``data`` arrays are added; the gradient is structured.
    """

    __props__ = ()

    def make_node(self, x, y):
        x, y = _sparse_input(self, x, 0), _sparse_input(self, y, 1)
        if x.type != y.type:
            raise TypeError("%s: both matrices must have the same format and dtype, got %s "
                            "and %s" % (self, x.type, y.type))
        return Apply(self, [x, y], [x.type()])

    def perform(self, node, inputs, out):
        x, y = inputs
        _check_same_shape(self, x, y)
        if x.data.shape != y.data.shape:
            raise ValueError("%s: the matrices store %d and %d values: their sparsity "
                             "patterns differ" % (self, x.data.size, y.data.size))
        out[0][0] = _with_data(x, x.data + y.data)

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)]


add_s_s_data = AddSSData()


class AddSD(Op):
    """``x + y`` for a sparse ``x`` and a dense matrix ``y`` (dense result)."""

    __props__ = ()

    def make_node(self, x, y):
        x = _sparse_input(self, x, 0)
        y = _tensor_input(self, y, 1, (2,), "matrix")
        out = TensorType(_out_dtype(x, y), y.type.broadcastable)()
        return Apply(self, [x, y], [out])

    def perform(self, node, inputs, out):
        x, y = inputs
        _check_same_shape(self, x, y)
        out[0][0] = np.asarray(x + y, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [tuple(shapes[1])]


add_s_d = AddSD()


class StructuredAddSV(Op):
    """Add ``y[j]`` to the stored entries of column ``j`` of ``x`` (a sparse result).

    Cells of ``x`` that store nothing stay empty.  The gradient is structured.
    """

    __props__ = ()

    def make_node(self, x, y):
        x = _sparse_input(self, x, 0)
        y = _tensor_input(self, y, 1, (1,), "vector")
        out = _sparse_type(self, x.type.format, _out_dtype(x, y))()
        return Apply(self, [x, y], [out])

    def perform(self, node, inputs, out):
        x, y = inputs
        if x.shape[1] != y.shape[0]:
            raise ValueError("%s: the matrix has %d columns but the vector has length %d"
                             % (self, x.shape[1], y.shape[0]))
        data = (x.data + y[_coords(x)[1]]).astype(node.outputs[0].type.dtype, copy=False)
        out[0][0] = _with_data(x, data)

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)]


structured_add_s_v = StructuredAddSV()


def add(x, y):
    """``x + y`` where at least one of the matrices is sparse.

    Sparse + sparse is sparse; sparse + dense is dense.  The gradient with
    respect to the sparse argument of a sparse + dense sum is structured.
    """
    x, y, xs, ys = _operands("add", x, y)
    if xs and ys:
        return add_s_s(x, y)
    if xs:
        return add_s_d(x, y)
    return add_s_d(y, x)


def sub(x, y):
    """``x - y`` where at least one of the matrices is sparse."""
    x, y, xs, ys = _operands("sub", x, y)
    return add(x, neg(y) if ys else tm.neg(y))


# ---------------------------------------------------------------------------
# Multiplication
# ---------------------------------------------------------------------------
class MulSS(Op):
    """Elementwise ``x * y`` of two sparse matrices (sparse result in ``x``'s format)."""

    __props__ = ()

    def make_node(self, x, y):
        x, y = _sparse_input(self, x, 0), _sparse_input(self, y, 1)
        return Apply(self, [x, y], [SparseType(x.type.format, _out_dtype(x, y))()])

    def perform(self, node, inputs, out):
        x, y = inputs
        _check_same_shape(self, x, y)
        t = node.outputs[0].type
        out[0][0] = _conform(x.multiply(y), t.format, t.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)]


mul_s_s = MulSS()


class MulSD(Op):
    """Elementwise ``x * y`` of a sparse ``x`` and a dense matrix or scalar ``y``.

    The result is sparse with ``x``'s pattern (values of ``y`` where ``x``
    stores nothing are not read).  ``y`` broadcasts as in NumPy.
    """

    __props__ = ()

    def make_node(self, x, y):
        x = _sparse_input(self, x, 0)
        y = _tensor_input(self, y, 1, (0, 2), "matrix or scalar")
        out = _sparse_type(self, x.type.format, _out_dtype(x, y))()
        return Apply(self, [x, y], [out])

    def perform(self, node, inputs, out):
        x, y = inputs
        dtype = node.outputs[0].type.dtype
        if y.ndim == 0:
            factor = y
        else:
            try:
                yb = np.broadcast_to(y, x.shape)
            except ValueError:
                raise ValueError("%s: cannot multiply a sparse matrix of shape %s by a dense "
                                 "one of shape %s" % (self, x.shape, y.shape)) from None
            factor = yb[_coords(x)]
        out[0][0] = _with_data(x, np.asarray(x.data * factor, dtype=dtype))

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)]


mul_s_d = MulSD()


class MulSV(Op):
    """``x * y`` for a sparse ``x`` and a vector ``y`` broadcast along the rows."""

    __props__ = ()

    def make_node(self, x, y):
        x = _sparse_input(self, x, 0)
        y = _tensor_input(self, y, 1, (1,), "vector")
        out = _sparse_type(self, x.type.format, _out_dtype(x, y))()
        return Apply(self, [x, y], [out])

    def perform(self, node, inputs, out):
        x, y = inputs
        if x.shape[1] != y.shape[0]:
            raise ValueError("%s: the matrix has %d columns but the vector has length %d"
                             % (self, x.shape[1], y.shape[0]))
        data = np.asarray(x.data * y[_coords(x)[1]], dtype=node.outputs[0].type.dtype)
        out[0][0] = _with_data(x, data)

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)]


mul_s_v = MulSV()


def mul(x, y):
    """Elementwise ``x * y`` where at least one argument is sparse.

    The result is sparse.  A dense argument may be a matrix, a scalar or a
    vector (broadcast along the rows, as in NumPy).  The gradient is regular.
    """
    x, y, xs, ys = _operands("mul", x, y)
    if xs and ys:
        return mul_s_s(x, y)
    if not xs:
        x, y = y, x
    if y.type.ndim == 1:
        return mul_s_v(x, y)
    return mul_s_d(x, y)


# ---------------------------------------------------------------------------
# Comparisons: uint8 results, sparse for two sparse inputs, dense otherwise
# ---------------------------------------------------------------------------
class _ComparisonSS(Op):
    __props__ = ()
    comparison = None  # a binary function on values

    def make_node(self, x, y):
        x, y = _sparse_input(self, x, 0), _sparse_input(self, y, 1)
        if x.type.format != y.type.format:
            raise TypeError("%s: both matrices must have the same format, got %s and %s"
                            % (self, x.type.format, y.type.format))
        return Apply(self, [x, y], [SparseType(x.type.format, "uint8")()])

    def perform(self, node, inputs, out):
        x, y = inputs
        _check_same_shape(self, x, y)
        with warnings.catch_warnings():
            # SciPy warns that ==, <= and >= fill the matrix: that is the answer.
            warnings.simplefilter("ignore", scipy.sparse.SparseEfficiencyWarning)
            res = self.comparison(x, y)
        out[0][0] = _conform(res, x.format, "uint8")

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)]


class _ComparisonSD(Op):
    __props__ = ()
    comparison = None

    def make_node(self, x, y):
        x = _sparse_input(self, x, 0)
        y = _tensor_input(self, y, 1, (2,), "matrix")
        return Apply(self, [x, y], [TensorType("uint8", (False, False))()])

    def perform(self, node, inputs, out):
        x, y = inputs
        _check_same_shape(self, x, y)
        out[0][0] = np.asarray(self.comparison(x.toarray(), y), dtype="uint8")

    def infer_shape(self, fgraph, node, shapes):
        return [tuple(shapes[1])]


class EqualSS(_ComparisonSS):
    """``x == y`` for two sparse matrices (sparse uint8 result)."""

    comparison = staticmethod(operator.eq)


class EqualSD(_ComparisonSD):
    """``x == y`` for a sparse and a dense matrix (dense uint8 result)."""

    comparison = staticmethod(operator.eq)


class NotEqualSS(_ComparisonSS):
    """``x != y`` for two sparse matrices (sparse uint8 result)."""

    comparison = staticmethod(operator.ne)


class NotEqualSD(_ComparisonSD):
    """``x != y`` for a sparse and a dense matrix (dense uint8 result)."""

    comparison = staticmethod(operator.ne)


class LessThanSS(_ComparisonSS):
    """``x < y`` for two sparse matrices (sparse uint8 result)."""

    comparison = staticmethod(operator.lt)


class LessThanSD(_ComparisonSD):
    """``x < y`` for a sparse and a dense matrix (dense uint8 result)."""

    comparison = staticmethod(operator.lt)


class GreaterThanSS(_ComparisonSS):
    """``x > y`` for two sparse matrices (sparse uint8 result)."""

    comparison = staticmethod(operator.gt)


class GreaterThanSD(_ComparisonSD):
    """``x > y`` for a sparse and a dense matrix (dense uint8 result)."""

    comparison = staticmethod(operator.gt)


class LessEqualSS(_ComparisonSS):
    """``x <= y`` for two sparse matrices (sparse uint8 result)."""

    comparison = staticmethod(operator.le)


class LessEqualSD(_ComparisonSD):
    """``x <= y`` for a sparse and a dense matrix (dense uint8 result)."""

    comparison = staticmethod(operator.le)


class GreaterEqualSS(_ComparisonSS):
    """``x >= y`` for two sparse matrices (sparse uint8 result)."""

    comparison = staticmethod(operator.ge)


class GreaterEqualSD(_ComparisonSD):
    """``x >= y`` for a sparse and a dense matrix (dense uint8 result)."""

    comparison = staticmethod(operator.ge)


equal_s_s, equal_s_d = EqualSS(), EqualSD()
not_equal_s_s, not_equal_s_d = NotEqualSS(), NotEqualSD()
less_than_s_s, less_than_s_d = LessThanSS(), LessThanSD()
greater_than_s_s, greater_than_s_d = GreaterThanSS(), GreaterThanSD()
less_equal_s_s, less_equal_s_d = LessEqualSS(), LessEqualSD()
greater_equal_s_s, greater_equal_s_d = GreaterEqualSS(), GreaterEqualSD()


def _comparison(name, ss, sd, ds):
    """The user function: ``ss`` for two sparse, ``sd`` for (sparse, dense), and
    ``ds`` (the mirrored comparison, with swapped arguments) for (dense, sparse)."""
    def compare(x, y):
        x, y, xs, ys = _operands(name, x, y)
        if xs and ys:
            return ss(x, y)
        if xs:
            return sd(x, y)
        return ds(y, x)

    compare.__name__ = name
    compare.__doc__ = ("Elementwise ``%s`` of two matrices, at least one sparse (uint8 result: "
                       "sparse if both are sparse, else dense)." % name)
    return compare


eq = _comparison("eq", equal_s_s, equal_s_d, equal_s_d)
neq = _comparison("neq", not_equal_s_s, not_equal_s_d, not_equal_s_d)
lt = _comparison("lt", less_than_s_s, less_than_s_d, greater_than_s_d)
gt = _comparison("gt", greater_than_s_s, greater_than_s_d, less_than_s_d)
le = _comparison("le", less_equal_s_s, less_equal_s_d, greater_equal_s_d)
ge = _comparison("ge", greater_equal_s_s, greater_equal_s_d, less_equal_s_d)


# ---------------------------------------------------------------------------
# Scaling rows and columns
# ---------------------------------------------------------------------------
class _ScaleCSC(Op):
    __props__ = ()
    axis = None  # 1: scale columns, 0: scale rows

    def make_node(self, x, s):
        x = _sparse_input(self, x, 0, ("csc",))
        s = _tensor_input(self, s, 1, (1,), "vector")
        return Apply(self, [x, s], [_sparse_type(self, "csc", _out_dtype(x, s))()])

    def perform(self, node, inputs, out):
        x, s = inputs
        n = x.shape[self.axis]
        if s.shape[0] != n:
            raise ValueError("%s: the vector has length %d, the matrix has %d %s"
                             % (self, s.shape[0], n, "columns" if self.axis else "rows"))
        idx = _coords(x)[self.axis]
        data = np.asarray(x.data * s[idx], dtype=node.outputs[0].type.dtype)
        out[0][0] = _with_data(x, data)

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)]


class ColScaleCSC(_ScaleCSC):
    """Multiply column ``j`` of a csc matrix by ``s[j]`` (structured gradient)."""

    axis = 1


class RowScaleCSC(_ScaleCSC):
    """Multiply row ``i`` of a csc matrix by ``s[i]`` (structured gradient)."""

    axis = 0


def col_scale(x, s):
    """Multiply each column ``j`` of the sparse ``x`` by ``s[j]``; same format as ``x``."""
    x = _sparse_input("col_scale", x, 0)
    if x.type.format == "csc":
        return ColScaleCSC()(x, s)
    return transpose(RowScaleCSC()(transpose(x), s))


def row_scale(x, s):
    """Multiply each row ``i`` of the sparse ``x`` by ``s[i]``; same format as ``x``."""
    x = _sparse_input("row_scale", x, 0)
    return transpose(col_scale(transpose(x), s))


# ---------------------------------------------------------------------------
# Reductions and diagonals
# ---------------------------------------------------------------------------
class SpSum(Op):
    """Sum of a sparse matrix over ``axis`` (None: everything), as a dense tensor.

    ``sparse_grad=True`` gives a structured gradient (only stored entries
    get one); either way the gradient is a sparse matrix.
    """

    __props__ = ("axis", "sparse_grad")

    def __init__(self, axis=None, sparse_grad=True):
        if axis not in (None, 0, 1):
            raise ValueError("SpSum: axis must be None, 0 or 1, got %r" % (axis,))
        self.axis = axis
        self.sparse_grad = bool(sparse_grad)

    @property
    def structured(self):
        return self.sparse_grad

    def make_node(self, x):
        x = _sparse_input(self, x, 0)
        bcast = () if self.axis is None else (False,)
        return Apply(self, [x], [TensorType(x.type.dtype, bcast)()])

    def perform(self, node, inputs, out):
        x = inputs[0]
        dtype = node.outputs[0].type.dtype
        if self.axis is None:
            out[0][0] = np.asarray(x.sum(), dtype=dtype)
        else:
            out[0][0] = np.asarray(x.sum(axis=self.axis), dtype=dtype).ravel()

    def infer_shape(self, fgraph, node, shapes):
        if self.axis is None:
            return [()]
        shp = _shape_of(node, shapes, 0)
        return [(shp[1 - self.axis],)]

    def __str__(self):
        return "SpSum{axis=%s}" % self.axis


def sp_sum(x, axis=None, sparse_grad=False):
    """Sum of the sparse ``x`` over ``axis`` (None, 0 or 1), returned dense.

    ``sparse_grad=True`` makes the gradient structured.
    """
    return SpSum(axis, sparse_grad)(x)


class Diag(Op):
    """The diagonal of a square sparse matrix, as a dense vector."""

    __props__ = ()

    def make_node(self, x):
        x = _sparse_input(self, x, 0)
        return Apply(self, [x], [TensorType(x.type.dtype, (False,))()])

    def perform(self, node, inputs, out):
        x = inputs[0]
        if x.shape[0] != x.shape[1]:
            raise ValueError("%s: the matrix must be square, got shape %s" % (self, x.shape))
        out[0][0] = np.asarray(x.diagonal(), dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        shp = _shape_of(node, shapes, 0)
        return [(tm.minimum(*[tb.as_tensor_variable(d) for d in shp]),)]


diag = Diag()


class SquareDiagonal(Op):
    """A square csc matrix with the dense vector ``diag`` on its diagonal."""

    __props__ = ()

    def make_node(self, diag):
        diag = _tensor_input(self, diag, 0, (1,), "vector")
        return Apply(self, [diag], [_sparse_type(self, "csc", diag.type.dtype)()])

    def perform(self, node, inputs, out):
        d = inputs[0]
        n = d.shape[0]
        out[0][0] = scipy.sparse.csc_matrix((d.copy(), np.arange(n), np.arange(n + 1)),
                                            shape=(n, n))

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[0][0], shapes[0][0])]


square_diagonal = SquareDiagonal()


# ---------------------------------------------------------------------------
# Stacking
# ---------------------------------------------------------------------------
class HStack(Op):
    """Sparse matrices side by side (``hstack``): a ``format``/``dtype`` matrix."""

    __props__ = ("format", "dtype")
    _stack = staticmethod(scipy.sparse.hstack)
    _axis = 1

    def __init__(self, format=None, dtype=None):
        if dtype is None:
            raise ValueError("%s: the output dtype must be given" % type(self).__name__)
        self.format = format or "csc"
        self.dtype = np.dtype(dtype).name

    def make_node(self, *mats):
        if not mats:
            raise ValueError("%s: cannot join an empty list of matrices" % self)
        mats = [_sparse_input(self, m, k) for k, m in enumerate(mats)]
        return Apply(self, mats, [_sparse_type(self, self.format, self.dtype)()])

    def perform(self, node, inputs, out):
        other = 1 - self._axis
        sizes = {m.shape[other] for m in inputs}
        if len(sizes) > 1:
            raise ValueError("%s: the matrices must agree on dimension %d, got shapes %s"
                             % (self, other, [m.shape for m in inputs]))
        res = type(self)._stack(list(inputs), format=self.format, dtype=self.dtype)
        out[0][0] = _conform(res, self.format, self.dtype)

    def infer_shape(self, fgraph, node, shapes):
        shps = [_shape_of(node, shapes, k) for k in range(len(node.inputs))]
        total = shps[0][self._axis]
        for s in shps[1:]:
            total = total + s[self._axis]
        res = list(shps[0])
        res[self._axis] = total
        return [tuple(res)]

    def __str__(self):
        return "%s(%s,%s)" % (type(self).__name__, self.format, self.dtype)


class VStack(HStack):
    """Sparse matrices one above the other (``vstack``)."""

    _stack = staticmethod(scipy.sparse.vstack)
    _axis = 0


def _stack_args(blocks, dtype):
    blocks = [as_sparse_variable(b) for b in blocks]
    if dtype is None:
        dtype = _out_dtype(*blocks)
    return blocks, dtype


def hstack(blocks, format=None, dtype=None):
    """Stack the sparse ``blocks`` horizontally; ``format`` defaults to csc and ``dtype``
    to the upcast of the blocks' dtypes."""
    blocks, dtype = _stack_args(blocks, dtype)
    return HStack(format=format, dtype=dtype)(*blocks)


def vstack(blocks, format=None, dtype=None):
    """Stack the sparse ``blocks`` vertically; ``format`` defaults to csc and ``dtype``
    to the upcast of the blocks' dtypes."""
    blocks, dtype = _stack_args(blocks, dtype)
    return VStack(format=format, dtype=dtype)(*blocks)


# ---------------------------------------------------------------------------
# Structured elementwise functions (applied to the stored values only)
# ---------------------------------------------------------------------------
def structured_monoid(tensor_op, name=None, n_scalars=0):
    """Make ``f(x, *scalars)`` applying ``tensor_op`` to the stored values of ``x``.

    The result has ``x``'s pattern and format.  Extra arguments must be
    scalars.  The gradient is structured.
    """
    fname = name or tensor_op.__name__

    def apply(x, *scalars):
        x = _sparse_input(fname, x, 0)
        if len(scalars) != n_scalars:
            raise TypeError("%s takes a sparse matrix and %d scalar argument(s), got %d"
                            % (fname, n_scalars, len(scalars)))
        extra = []
        for k, s in enumerate(scalars):
            s = tb.as_tensor_variable(s)
            if s.type.ndim != 0:
                raise TypeError("%s: argument %d must be a scalar, got %s"
                                % (fname, k + 1, s.type))
            extra.append(s)
        data, indices, indptr, shape = csm_properties(x)
        return CSM(x.type.format)(tensor_op(data, *extra), indices, indptr, shape)

    apply.__name__ = fname
    return apply


def _monoid(tensor_op, name, doc, n_scalars=0):
    fn = structured_monoid(tensor_op, name, n_scalars)
    fn.__doc__ = doc
    return fn


structured_sigmoid = _monoid(tm.sigmoid, "structured_sigmoid",
                             "Sigmoid of the stored values of a sparse matrix.")
structured_exp = _monoid(tm.exp, "structured_exp",
                         "Exponential of the stored values of a sparse matrix.")
structured_log = _monoid(tm.log, "structured_log",
                         "Logarithm of the stored values of a sparse matrix.")
structured_pow = _monoid(tm.pow, "structured_pow",
                         "Stored values of the sparse ``x`` to the power of the scalar ``y``.", 1)
structured_minimum = _monoid(tm.minimum, "structured_minimum",
                             "Minimum of the stored values of ``x`` and the scalar ``y``.", 1)
structured_maximum = _monoid(tm.maximum, "structured_maximum",
                             "Maximum of the stored values of ``x`` and the scalar ``y``.", 1)
structured_add = _monoid(tm.add, "structured_add",
                         "The scalar ``y`` added to the stored values of ``x`` only.", 1)

# Functions that map 0 to 0: on the stored values they equal the dense function.
sin = _monoid(tm.sin, "sin", "Elementwise sine of a sparse matrix.")
tan = _monoid(tm.tan, "tan", "Elementwise tangent of a sparse matrix.")
arcsin = _monoid(tm.arcsin, "arcsin", "Elementwise arcsine of a sparse matrix.")
arctan = _monoid(tm.arctan, "arctan", "Elementwise arctangent of a sparse matrix.")
sinh = _monoid(tm.sinh, "sinh", "Elementwise hyperbolic sine of a sparse matrix.")
arcsinh = _monoid(tm.arcsinh, "arcsinh", "Elementwise inverse hyperbolic sine.")
tanh = _monoid(tm.tanh, "tanh", "Elementwise hyperbolic tangent of a sparse matrix.")
arctanh = _monoid(tm.arctanh, "arctanh", "Elementwise inverse hyperbolic tangent.")
rint = _monoid(tm.round_half_to_even, "rint", "Elementwise rounding, half to even.")
sgn = _monoid(tm.sgn, "sgn", "Elementwise sign of a sparse matrix.")
ceil = _monoid(tm.ceil, "ceil", "Elementwise ceiling of a sparse matrix.")
floor = _monoid(tm.floor, "floor", "Elementwise floor of a sparse matrix.")
log1p = _monoid(tm.log1p, "log1p", "Elementwise ``log(1 + x)`` of a sparse matrix.")
expm1 = _monoid(tm.expm1, "expm1", "Elementwise ``exp(x) - 1`` of a sparse matrix.")
deg2rad = _monoid(tm.deg2rad, "deg2rad", "Elementwise degrees to radians.")
rad2deg = _monoid(tm.rad2deg, "rad2deg", "Elementwise radians to degrees.")
trunc = _monoid(tm.trunc, "trunc", "Elementwise truncation towards zero.")
sqr = _monoid(tm.sqr, "sqr", "Elementwise square of a sparse matrix.")
sqrt = _monoid(tm.sqrt, "sqrt", "Elementwise square root of a sparse matrix.")
conj = _monoid(tm.conj, "conj", "Elementwise complex conjugate of a sparse matrix.")
abs_ = _monoid(tm.abs_, "abs_", "Elementwise absolute value of a sparse matrix.")

__all__ += ["structured_sigmoid", "structured_exp", "structured_log", "structured_pow",
            "structured_minimum", "structured_maximum", "structured_add", "sin", "tan",
            "arcsin", "arctan", "sinh", "arcsinh", "tanh", "arctanh", "rint", "sgn", "ceil",
            "floor", "log1p", "expm1", "deg2rad", "rad2deg", "trunc", "sqr", "sqrt", "conj",
            "abs_"]
