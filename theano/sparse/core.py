"""Sparse variables from values, their compressed storage (CSM) and the structural ops.

Everything else in ``theano.sparse`` is built on these: conversion to and
from dense tensors, reading and building the ``data``/``indices``/``indptr``
arrays, casts, transposition, negation and the clean-up ops.
"""
import numpy as np
import scipy.sparse

from theano.configparser import config
from theano.graph.basic import Apply, Variable
from theano.graph.op import Op
from theano.scalar.basic import upcast
from theano.tensor import basic as tb
from theano.tensor.elemwise import DimShuffle
from theano.tensor.type import TensorType
from theano.sparse.type import SparseType, continuous_dtypes

__all__ = ["as_sparse_variable", "as_sparse", "as_sparse_or_tensor_variable", "constant",
           "matrix", "csc_matrix", "csr_matrix", "bsr_matrix", "csc_dmatrix", "csr_dmatrix",
           "bsr_dmatrix", "csc_fmatrix", "csr_fmatrix", "bsr_fmatrix", "sparse_formats",
           "SparseShape", "sparse_shape",
           "CSMProperties", "csm_properties", "csm_data", "csm_indices", "csm_indptr",
           "csm_shape", "CSM", "CSC", "CSR", "CSMGrad", "csm_grad",
           "Cast", "cast", "bcast", "wcast", "icast", "lcast", "fcast", "dcast", "ccast",
           "zcast", "DenseFromSparse", "dense_from_sparse", "SparseFromDense",
           "csr_from_dense", "csc_from_dense", "Transpose", "transpose", "Neg", "neg",
           "Remove0", "remove0", "EnsureSortedIndices", "ensure_sorted_indices", "clean",
           "sp_ones_like", "sp_zeros_like"]

sparse_formats = ["csc", "csr"]
_COMPRESSED = ("csr", "csc")
_INDEX_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


# ---------------------------------------------------------------------------
# Recognising and making sparse variables
# ---------------------------------------------------------------------------
def _is_sparse_variable(x):
    """True if ``x`` is a symbolic sparse matrix."""
    if not isinstance(x, Variable):
        raise TypeError("_is_sparse_variable expects a symbolic Variable, got %r" % (x,))
    return isinstance(x.type, SparseType)


def _is_dense_variable(x):
    """True if ``x`` is a symbolic tensor."""
    if not isinstance(x, Variable):
        raise TypeError("_is_dense_variable expects a symbolic Variable, got %r" % (x,))
    return isinstance(x.type, TensorType)


def _is_dense(x):
    """True if ``x`` is an ndarray (False for a SciPy sparse matrix)."""
    if not isinstance(x, np.ndarray) and not scipy.sparse.issparse(x):
        raise TypeError("_is_dense expects an ndarray or a scipy sparse matrix, got %r"
                        % type(x).__name__)
    return isinstance(x, np.ndarray)


def constant(x, name=None):
    """A sparse constant holding (a copy of) the SciPy matrix ``x``."""
    if not scipy.sparse.issparse(x):
        raise TypeError("sparse.constant needs a scipy.sparse matrix, got %s"
                        % type(x).__name__)
    if x.format not in SparseType.format_cls:
        x = x.tocsr()
    return SparseType(x.format, x.dtype).make_constant(x.copy(), name=name)


def as_sparse_variable(x, name=None):
    """Return ``x`` as a symbolic sparse matrix.

    Sparse variables pass through; a SciPy sparse matrix becomes a
    constant.  Anything else raises TypeError.
    """
    if isinstance(x, Apply):
        if len(x.outputs) != 1:
            raise ValueError("as_sparse_variable: it is ambiguous which output of the "
                             "multi-output node %s to use" % (x,))
        x = x.outputs[0]
    if isinstance(x, Variable):
        if not isinstance(x.type, SparseType):
            raise TypeError("expected a sparse variable (SparseType), got %s of type %s"
                            % (x, x.type))
        return x
    if scipy.sparse.issparse(x):
        return constant(x, name=name)
    raise TypeError("Cannot convert %r (a %s) to a sparse variable" % (x, type(x).__name__))


as_sparse = as_sparse_variable


def as_sparse_or_tensor_variable(x, name=None):
    """:func:`as_sparse_variable` if ``x`` is sparse, else ``as_tensor_variable``."""
    try:
        return as_sparse_variable(x, name)
    except (TypeError, ValueError):
        return tb.as_tensor_variable(x, name)


def _sparse_input(op, x, pos, formats=_COMPRESSED):
    """``x`` as a sparse variable of one of ``formats`` or a TypeError naming the input."""
    try:
        x = as_sparse_variable(x)
    except TypeError:
        raise TypeError("%s: input %d must be a sparse matrix (%s), got %r of type %s"
                        % (op, pos, "/".join(formats), x, getattr(x, "type", type(x).__name__))
                        ) from None
    if x.type.format not in formats:
        raise TypeError("%s: input %d must be a sparse matrix in format %s, got format %s"
                        % (op, pos, " or ".join(formats), x.type.format))
    return x


def _tensor_input(op, x, pos, ndims, what="tensor"):
    """``x`` as a tensor of one of ``ndims`` dimensions, or a TypeError naming the input."""
    if isinstance(x, Variable) and isinstance(x.type, SparseType):
        raise TypeError("%s: input %d must be a dense %s, got the sparse %s"
                        % (op, pos, what, x.type))
    x = tb.as_tensor_variable(x)
    if x.type.ndim not in ndims:
        raise TypeError("%s: input %d must be a %s with %s dimensions, got %s (%d-d)"
                        % (op, pos, what, " or ".join(str(n) for n in ndims), x.type,
                           x.type.ndim))
    return x


def _sparse_type(op, format, dtype):
    """``SparseType(format, dtype)``, or a TypeError saying which op needed it."""
    if dtype not in SparseType.dtype_set:
        raise TypeError("%s: a sparse matrix cannot hold dtype %s (use one of %s)"
                        % (op, dtype, sorted(SparseType.dtype_set)))
    return SparseType(format, dtype)


def matrix(format, name=None, dtype=None):
    """A symbolic sparse matrix of ``format`` and ``dtype`` (default ``config.floatX``)."""
    return SparseType(format, dtype or config.floatX)(name)


def csc_matrix(name=None, dtype=None):
    """A symbolic csc matrix (``dtype`` defaults to ``config.floatX``)."""
    return matrix("csc", name, dtype)


def csr_matrix(name=None, dtype=None):
    """A symbolic csr matrix (``dtype`` defaults to ``config.floatX``)."""
    return matrix("csr", name, dtype)


def bsr_matrix(name=None, dtype=None):
    """A symbolic bsr (block sparse row) matrix (``dtype`` defaults to ``config.floatX``)."""
    return matrix("bsr", name, dtype)


csc_dmatrix = SparseType("csc", "float64")
csr_dmatrix = SparseType("csr", "float64")
bsr_dmatrix = SparseType("bsr", "float64")
csc_fmatrix = SparseType("csc", "float32")
csr_fmatrix = SparseType("csr", "float32")
bsr_fmatrix = SparseType("bsr", "float32")


def _float_dtype(dtype):
    return dtype if dtype in continuous_dtypes else config.floatX


# ---------------------------------------------------------------------------
# Shape
# ---------------------------------------------------------------------------
class SparseShape(Op):
    """The shape of a sparse matrix as an int64 vector of length 2 (``x.shape``).

    Theano 1.0 took the shape of ``dense_from_sparse(x)`` and relied on a
    rewrite to avoid densifying; this op never densifies.
    """

    __props__ = ()

    def make_node(self, x):
        x = _sparse_input(self, x, 0, tuple(SparseType.format_cls))
        return Apply(self, [x], [TensorType("int64", (False,))()])

    def perform(self, node, inputs, out):
        out[0][0] = np.asarray(inputs[0].shape, dtype="int64")

    def infer_shape(self, fgraph, node, shapes):
        return [(2,)]


sparse_shape = SparseShape()


def _shape_of(node, shapes, k):
    """The shape of input ``k`` of ``node``: from ``shapes``, or read off the sparse matrix.

    The shape feature tracks tensors only, so the shapes of sparse inputs
    arrive as None; their shape is then computed from the matrix itself.
    """
    if shapes[k] is not None:
        return tuple(shapes[k])
    s = sparse_shape(node.inputs[k])
    return (s[0], s[1])


# ---------------------------------------------------------------------------
# Compressed storage: properties and construction
# ---------------------------------------------------------------------------
class CSMProperties(Op):
    """``(data, indices, indptr, shape)`` of a csr/csc matrix (``csm_properties(x)``).

    ``data`` has the matrix dtype; the others are int32 vectors.  ``data``,
    ``indices`` and ``indptr`` are views of the matrix's own arrays.  The
    gradient is regular (not structured) on ``data``.
    """

    __props__ = ()
    view_map = {0: [0], 1: [0], 2: [0]}

    def __init__(self, kmap=None):
        if kmap is not None:
            raise ValueError("CSMProperties: the kmap argument was removed (Theano 0.7)")

    def make_node(self, csm):
        csm = _sparse_input(self, csm, 0)
        data = TensorType(csm.type.dtype, (False,))()
        return Apply(self, [csm], [data] + [TensorType("int32", (False,))() for _ in range(3)])

    def perform(self, node, inputs, out):
        (csm,) = inputs
        out[0][0] = csm.data
        out[1][0] = np.asarray(csm.indices, dtype="int32")
        out[2][0] = np.asarray(csm.indptr, dtype="int32")
        out[3][0] = np.asarray(csm.shape, dtype="int32")

    def infer_shape(self, fgraph, node, shapes):
        # nnz is only known once the matrix is: data and indices keep their
        # own shapes; indptr and shape follow from the matrix shape.
        shp = _shape_of(node, shapes, 0)
        major = shp[1] if node.inputs[0].type.format == "csc" else shp[0]
        return [None, None, (major + 1,), (2,)]


csm_properties = CSMProperties()


def csm_data(csm):
    """The ``data`` vector of the csr/csc matrix ``csm``."""
    return csm_properties(csm)[0]


def csm_indices(csm):
    """The ``indices`` vector (int32) of the csr/csc matrix ``csm``."""
    return csm_properties(csm)[1]


def csm_indptr(csm):
    """The ``indptr`` vector (int32) of the csr/csc matrix ``csm``."""
    return csm_properties(csm)[2]


def csm_shape(csm):
    """The shape (int32 vector of length 2) of the csr/csc matrix ``csm``."""
    return csm_properties(csm)[3]


def _int_vector(op, v, name):
    """``v`` as an integer vector; Python/NumPy values become int32 constants."""
    if not isinstance(v, Variable):
        arr = np.asarray(v)
        arr32 = arr.astype("int32")
        if arr.dtype.kind not in "iub" or not np.array_equal(arr, arr32):
            raise TypeError("%s: %s must be integers that fit in int32, got %r" % (op, name, v))
        v = arr32
    v = tb.as_tensor_variable(v)
    if v.type.ndim != 1 or v.type.dtype not in _INDEX_DTYPES:
        raise TypeError("%s: %s must be a vector of integers, got %s" % (op, name, v.type))
    return v


class CSM(Op):
    """Build a ``format`` matrix from ``(data, indices, indptr, shape)`` (``CSC``, ``CSR``).

    The output shares ``data``.  The gradient is regular on ``data``;
    ``indices``, ``indptr`` and ``shape`` are not differentiable.
    """

    __props__ = ("format",)
    view_map = {0: [0]}

    def __init__(self, format, kmap=None):
        if format not in _COMPRESSED:
            raise ValueError("CSM: format must be 'csr' or 'csc', got %r" % (format,))
        if kmap is not None:
            raise ValueError("CSM: the kmap argument was removed (Theano 0.7)")
        self.format = format

    def make_node(self, data, indices, indptr, shape):
        data = _tensor_input(self, data, 0, (1,), "data vector")
        indices = _int_vector(self, indices, "indices")
        indptr = _int_vector(self, indptr, "indptr")
        shape = _int_vector(self, shape, "shape")
        out = _sparse_type(self, self.format, data.type.dtype)()
        return Apply(self, [data, indices, indptr, shape], [out])

    def perform(self, node, inputs, out):
        data, indices, indptr, shape = inputs
        if len(shape) != 2:
            raise ValueError("%s: shape must have 2 entries, got %s" % (self, shape))
        if data.shape != indices.shape:
            raise ValueError("%s: data (shape %s) and indices (shape %s) must have the same "
                             "length" % (self, data.shape, indices.shape))
        cls = SparseType.format_cls[self.format]
        # Copies of the index arrays: ops like Remove0{inplace} rewrite them.
        out[0][0] = cls((data, indices.copy(), indptr.copy()), shape=tuple(int(s) for s in shape),
                        copy=False)

    def infer_shape(self, fgraph, node, shapes):
        shp = node.inputs[3]
        return [(shp[0], shp[1])]

    def __str__(self):
        return "CSM{%s}" % self.format


CSC = CSM("csc")
CSR = CSM("csr")


class CSMGrad(Op):
    """Gradient of :class:`CSM` with respect to ``data``.

    Inputs are the properties of the built matrix ``x`` and of its gradient
    ``g`` (same format).  Output ``k`` is the sum of the entries of ``g`` at
    the position of ``x``'s ``k``-th stored entry; ``g`` may have a
    different pattern and unsorted or repeated indices.
    """

    __props__ = ()

    def __init__(self, kmap=None):
        if kmap is not None:
            raise ValueError("CSMGrad: the kmap argument was removed (Theano 0.7)")

    def make_node(self, x_data, x_indices, x_indptr, x_shape,
                  g_data, g_indices, g_indptr, g_shape):
        ins = [tb.as_tensor_variable(v) for v in (x_data, x_indices, x_indptr, x_shape,
                                                  g_data, g_indices, g_indptr, g_shape)]
        for k, v in enumerate(ins):
            if v.type.ndim != 1:
                raise TypeError("%s: input %d must be a vector, got %s" % (self, k, v.type))
        return Apply(self, ins, [TensorType(ins[4].type.dtype, (False,))()])

    def perform(self, node, inputs, out):
        x_data, x_ind, x_ptr, x_shape, g_data, g_ind, g_ptr, g_shape = inputs
        n_major = len(x_ptr) - 1
        n_minor = int(x_shape[1] if n_major == x_shape[0] else x_shape[0])
        # Work in (major, minor) coordinates whatever the format.
        g = scipy.sparse.csr_matrix((g_data, g_ind, g_ptr), shape=(n_major, n_minor))
        g.sum_duplicates()
        rows = np.repeat(np.arange(n_major), np.diff(x_ptr))
        res = np.zeros(len(x_data), dtype=node.outputs[0].type.dtype)
        if rows.size:
            res[:] = np.asarray(g[rows, x_ind]).ravel()
        out[0][0] = res

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[1]]


csm_grad = CSMGrad


# ---------------------------------------------------------------------------
# Cast
# ---------------------------------------------------------------------------
class Cast(Op):
    """Cast a csr/csc matrix to ``out_type`` (``bcast`` ... ``zcast``, :func:`cast`).

    The gradient is regular.
    """

    __props__ = ("out_type",)

    def __init__(self, out_type):
        out_type = np.dtype(out_type).name
        if out_type not in SparseType.dtype_set:
            raise TypeError("Cast: a sparse matrix cannot hold dtype %s" % out_type)
        self.out_type = out_type

    def make_node(self, x):
        x = _sparse_input(self, x, 0)
        return Apply(self, [x], [SparseType(x.type.format, self.out_type)()])

    def perform(self, node, inputs, out):
        out[0][0] = inputs[0].astype(self.out_type)

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)]

    def __str__(self):
        return "Cast(%s)" % self.out_type


bcast = Cast("int8")
wcast = Cast("int16")
icast = Cast("int32")
lcast = Cast("int64")
fcast = Cast("float32")
dcast = Cast("float64")
ccast = Cast("complex64")
zcast = Cast("complex128")


def cast(variable, dtype):
    """``variable`` (sparse) cast to ``dtype``; the same variable if it already has it."""
    variable = as_sparse_variable(variable)
    dtype = config.floatX if dtype == "floatX" else np.dtype(dtype).name
    if variable.type.dtype == dtype:
        return variable
    return Cast(dtype)(variable)


# ---------------------------------------------------------------------------
# Dense <-> sparse
# ---------------------------------------------------------------------------
class DenseFromSparse(Op):
    """A sparse matrix as a dense one (``dense_from_sparse``, ``x.toarray()``).

    ``structured=True`` (the default) gives a structured gradient: only the
    stored entries of the input get one.
    """

    __props__ = ("structured",)

    def __init__(self, structured=True):
        self.structured = bool(structured)

    @property
    def sparse_grad(self):
        return self.structured

    def make_node(self, x):
        x = _sparse_input(self, x, 0, tuple(SparseType.format_cls))
        return Apply(self, [x], [TensorType(x.type.dtype, (False, False))()])

    def perform(self, node, inputs, out):
        out[0][0] = inputs[0].toarray()

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)]

    def __str__(self):
        return "DenseFromSparse{structured_grad=%s}" % self.structured


dense_from_sparse = DenseFromSparse()


class SparseFromDense(Op):
    """A dense matrix (or vector/scalar, as a single row) as a ``format`` sparse matrix."""

    __props__ = ("format",)

    def __init__(self, format):
        if format not in SparseType.format_cls:
            raise ValueError("SparseFromDense: unknown format %r" % (format,))
        self.format = format

    def make_node(self, x):
        x = _tensor_input(self, x, 0, (0, 1, 2), "tensor")
        if x.type.ndim < 2:
            x = DimShuffle(x.type.broadcastable, ["x"] * (2 - x.type.ndim)
                           + list(range(x.type.ndim)))(x)
        return Apply(self, [x], [_sparse_type(self, self.format, x.type.dtype)()])

    def perform(self, node, inputs, out):
        out[0][0] = SparseType.format_cls[self.format](inputs[0])

    def infer_shape(self, fgraph, node, shapes):
        return [tuple(shapes[0])]

    def __str__(self):
        return "SparseFromDense{%s}" % self.format


csr_from_dense = SparseFromDense("csr")
csc_from_dense = SparseFromDense("csc")


# ---------------------------------------------------------------------------
# Transpose, negation, clean-up
# ---------------------------------------------------------------------------
class Transpose(Op):
    """The transpose (a view), in the other compressed format: csr <-> csc."""

    __props__ = ()
    view_map = {0: [0]}
    format_map = {"csr": "csc", "csc": "csr", "bsr": "bsr"}

    def make_node(self, x):
        x = _sparse_input(self, x, 0, tuple(self.format_map))
        return Apply(self, [x], [SparseType(self.format_map[x.type.format], x.type.dtype)()])

    def perform(self, node, inputs, out):
        out[0][0] = inputs[0].transpose()

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)[::-1]]

    def __str__(self):
        return "SparseTranspose"


transpose = Transpose()


class Neg(Op):
    """``-x`` for a sparse matrix."""

    __props__ = ()

    def make_node(self, x):
        x = _sparse_input(self, x, 0, tuple(SparseType.format_cls))
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        out[0][0] = -inputs[0]

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)]

    def __str__(self):
        return "SparseNeg"


neg = Neg()


class Remove0(Op):
    """``x`` without its explicitly stored zeros (``remove0``)."""

    __props__ = ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = bool(inplace)
        self.destroy_map = {0: [0]} if self.inplace else {}

    def make_node(self, x):
        x = _sparse_input(self, x, 0)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        x = inputs[0] if self.inplace else inputs[0].copy()
        x.eliminate_zeros()
        out[0][0] = x

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)]

    def __str__(self):
        return "Remove0{%s}" % ("inplace" if self.inplace else "")


remove0 = Remove0()


class EnsureSortedIndices(Op):
    """``x`` with the indices of each row (csr) or column (csc) sorted."""

    __props__ = ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = bool(inplace)
        # Sorting in place rewrites the input's arrays: that destroys it.
        self.destroy_map = {0: [0]} if self.inplace else {}

    def make_node(self, x):
        x = _sparse_input(self, x, 0)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        x = inputs[0]
        if self.inplace:
            x.sort_indices()
            out[0][0] = x
        else:
            out[0][0] = x.sorted_indices()

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)]

    def __str__(self):
        return "EnsureSortedIndices{%s}" % ("inplace" if self.inplace else "no_inplace")


ensure_sorted_indices = EnsureSortedIndices(inplace=False)


def clean(x):
    """``x`` without explicit zeros and with sorted indices."""
    return ensure_sorted_indices(remove0(x))


# ---------------------------------------------------------------------------
# Matrices shaped like another
# ---------------------------------------------------------------------------
def sp_ones_like(x):
    """A matrix with ``x``'s sparsity pattern and ones as values."""
    x = _sparse_input("sp_ones_like", x, 0)
    data, indices, indptr, shape = csm_properties(x)
    return CSM(x.type.format)(tb.ones_like(data), indices, indptr, shape)


def sp_zeros_like(x):
    """An all-zero matrix (nothing stored) with ``x``'s shape, format and dtype."""
    x = _sparse_input("sp_zeros_like", x, 0)
    _, _, indptr, shape = csm_properties(x)
    return CSM(x.type.format)(np.array([], dtype=x.type.dtype), np.array([], dtype="int32"),
                              tb.zeros_like(indptr), shape)


# ---------------------------------------------------------------------------
# Helpers shared by the gradient rules
# ---------------------------------------------------------------------------
def _float_zeros(x):
    """The zero gradient of the (possibly integer) variable ``x``, in a float dtype."""
    dtype = _float_dtype(x.type.dtype)
    if isinstance(x.type, SparseType):
        if x.type.format in _COMPRESSED:
            return cast(sp_zeros_like(x), dtype)
        return SparseFromDense(x.type.format)(tb.zeros_like(dense_from_sparse(x), dtype=dtype))
    return tb.zeros_like(x, dtype=dtype)


def _grad_like(g, x):
    """The gradient ``g`` put in the type of ``x`` (sparse format and dtype, or dense).

    Gradients must have their variable's type: the gradient machinery sums
    and casts them as such.
    """
    if isinstance(x.type, SparseType):
        if not isinstance(g.type, SparseType):
            g = SparseFromDense(x.type.format)(g)
        elif g.type.format != x.type.format:
            # Changing the compressed axis goes through a dense matrix.
            g = SparseFromDense(x.type.format)(dense_from_sparse(g))
        if g.type.dtype != x.type.dtype and x.type.dtype in continuous_dtypes:
            g = cast(g, x.type.dtype)
        return g
    if isinstance(g.type, SparseType):
        g = dense_from_sparse(g)
    if g.type.dtype != x.type.dtype and x.type.dtype in continuous_dtypes:
        g = tb.cast(g, x.type.dtype)
    return g


def _out_dtype(*vars_):
    return upcast(*[v.type.dtype for v in vars_])



def _coords(x):
    """Row and column of each stored entry of the csr/csc value ``x`` (in storage order)."""
    major = np.repeat(np.arange(len(x.indptr) - 1), np.diff(x.indptr))
    if x.format == "csr":
        return major, x.indices
    return x.indices, major


def _with_data(x, data):
    """A matrix with ``x``'s format and pattern holding ``data`` (index arrays copied)."""
    cls = SparseType.format_cls[x.format]
    return cls((data, x.indices.copy(), x.indptr.copy()), shape=x.shape, copy=False)


def _conform(value, format, dtype):
    """A SciPy result in the ``format`` and ``dtype`` its output variable declares."""
    if not scipy.sparse.issparse(value):
        value = scipy.sparse.csr_matrix(value)
    if value.format != format:
        value = value.asformat(format)
    if value.dtype != dtype:
        value = value.astype(dtype)
    return value
