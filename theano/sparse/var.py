"""SparseVariable and SparseConstant: symbolic sparse matrices with Theano 1.0's operators.

``x + y``, ``x - y``, ``x * y`` (elementwise), comparisons, ``-x``, ``x.T``,
``x.toarray()``, ``x.shape``, ``x[...]`` and ``x.astype(dtype)`` work as in
Theano 1.0.  ``x.__dot__(y)`` / ``x.__rdot__(y)`` (and ``x @ y``) give the
structured dot product; they are what ``theano.dot`` dispatches on.
"""
import numpy as np

from theano.graph.basic import Constant, Variable
from theano.sparse import core, math as smath, products as sdot, subtensor as ssub
from theano.sparse.type import SparseType
from theano.tensor.type import TensorType

__all__ = ["SparseVariable", "SparseConstant", "_sparse_py_operators"]

_INT_KINDS = "iu"


def _is_int_scalar(v):
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return True
    t = getattr(v, "type", None)
    return (isinstance(t, TensorType) and t.ndim == 0
            and np.dtype(t.dtype).kind in _INT_KINDS)


def _is_index_list(v):
    if isinstance(v, list):
        return True
    if isinstance(v, np.ndarray):
        return v.ndim == 1 and v.dtype.kind in _INT_KINDS
    t = getattr(v, "type", None)
    return (isinstance(t, TensorType) and t.ndim == 1
            and np.dtype(t.dtype).kind in _INT_KINDS)


class _sparse_py_operators:
    """Operators and methods shared by sparse variables, constants and shared variables."""

    # Make NumPy defer to the reflected operators (ndarray + sparse -> our add).
    __array_priority__ = 1000

    @property
    def T(self):
        """The transpose (csr becomes csc and vice versa)."""
        return core.transpose(self)

    def astype(self, dtype):
        return core.cast(self, dtype)

    def __neg__(self):
        return core.neg(self)

    def __add__(left, right):
        return smath.add(left, right)

    def __radd__(right, left):
        return smath.add(left, right)

    def __sub__(left, right):
        return smath.sub(left, right)

    def __rsub__(right, left):
        return smath.sub(left, right)

    def __mul__(left, right):
        return smath.mul(left, right)

    def __rmul__(right, left):
        return smath.mul(left, right)

    def __lt__(self, other):
        return smath.lt(self, other)

    def __le__(self, other):
        return smath.le(self, other)

    def __gt__(self, other):
        return smath.gt(self, other)

    def __ge__(self, other):
        return smath.ge(self, other)

    # Pseudo-operators used by theano.dot (and T.dot) to dispatch.
    def __dot__(left, right):
        return sdot.structured_dot(left, right)

    def __rdot__(right, left):
        return sdot.structured_dot(left, right)

    __matmul__ = __dot__
    __rmatmul__ = __rdot__

    def toarray(self):
        """The dense matrix (``dense_from_sparse``)."""
        return core.dense_from_sparse(self)

    @property
    def shape(self):
        """The shape, an int64 vector of length 2 (computed without densifying)."""
        return core.sparse_shape(self)

    @property
    def ndim(self):
        return self.type.ndim

    @property
    def dtype(self):
        return self.type.dtype

    @property
    def format(self):
        return self.type.format

    @property
    def size(self):
        """The number of *stored* values (explicit zeros included), as in SciPy."""
        return core.csm_data(self).size

    def zeros_like(model):
        return core.sp_zeros_like(model)

    def __getitem__(self, args):
        if not isinstance(args, tuple):
            args = (args,)
        if len(args) == 2:
            if _is_int_scalar(args[0]) and _is_int_scalar(args[1]):
                return ssub.get_item_scalar(self, args)
            if _is_index_list(args[0]):
                return ssub.get_item_2lists(self, args[0], args[1])
            return ssub.get_item_2d(self, args)
        if len(args) == 1 and _is_index_list(args[0]):
            return ssub.get_item_list(self, args[0])
        return ssub.get_item_2d(self, args)

    def __iter__(self):
        raise TypeError("a sparse variable cannot be iterated over; index it instead")


class SparseVariable(_sparse_py_operators, Variable):
    """A symbolic sparse matrix."""

    def __str__(self):
        if self.name is not None:
            return self.name
        return "%s{%s,%s}" % (type(self).__name__, self.format, self.dtype)

    def __repr__(self):
        return str(self)


class SparseConstant(_sparse_py_operators, Constant):
    """A sparse matrix embedded in the graph."""

    def __str__(self):
        if self.name is not None:
            return self.name
        return "SparseConstant{%s,%s,shape=%s,nnz=%s}" % (self.format, self.dtype,
                                                          self.data.shape, self.data.nnz)

    def __repr__(self):
        return str(self)


SparseType.variable_type = SparseVariable
SparseType.constant_type = SparseConstant
# Theano 1.0's attribute names.
SparseType.Variable = SparseVariable
SparseType.Constant = SparseConstant
