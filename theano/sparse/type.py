"""SparseType: the type of a symbolic SciPy sparse matrix (formats csc, csr and bsr)."""
import numpy as np
import scipy.sparse

from theano.graph.type import Type

__all__ = ["SparseType", "all_dtypes", "complex_dtypes", "float_dtypes", "int_dtypes",
           "uint_dtypes", "integer_dtypes", "continuous_dtypes", "discrete_dtypes"]


def _is_sparse(x):
    """True if ``x`` is a SciPy sparse matrix (False for an ndarray, list or tuple)."""
    if not isinstance(x, (np.ndarray, tuple, list)) and not scipy.sparse.issparse(x):
        raise TypeError("_is_sparse expects a scipy sparse matrix or an ndarray, got %r"
                        % type(x).__name__)
    return scipy.sparse.issparse(x)


def _summary(value):
    if scipy.sparse.issparse(value):
        return "a %s matrix of dtype %s and shape %s" % (value.format, value.dtype,
                                                         value.shape)
    return "%s of dtype %s" % (type(value).__name__, getattr(value, "dtype", "?"))


class SparseType(Type):
    """The type of a 2-d SciPy sparse matrix of a given ``format`` and ``dtype``.

    Parameters
    ----------
    format : {'csc', 'csr', 'bsr'}
        The storage format (column- or row-compressed, or block-row).
    dtype : str
        One of :data:`dtype_set` (no float16, no bool: SciPy does not
        compute with them).

    Examples
    --------
    >>> from theano.sparse import SparseType
    >>> t = SparseType('csr', 'float64')
    >>> t
    Sparse[float64, csr]
    >>> x = t('x')
    >>> x.format, x.dtype
    ('csr', 'float64')
    """

    __props__ = ("format", "dtype")

    format_cls = {"csr": scipy.sparse.csr_matrix,
                  "csc": scipy.sparse.csc_matrix,
                  "bsr": scipy.sparse.bsr_matrix}
    dtype_set = {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                 "float32", "float64", "complex64", "complex128"}
    ndim = 2

    def __init__(self, format, dtype):
        dtype = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
        if dtype not in self.dtype_set:
            raise TypeError("SparseType: unsupported dtype %r; sparse matrices can hold %s"
                            % (dtype, sorted(self.dtype_set)))
        if not isinstance(format, str) or format not in self.format_cls:
            raise TypeError("SparseType: unsupported format %r; use one of %s"
                            % (format, sorted(self.format_cls)))
        self.format = format
        self.dtype = dtype

    # -- values -----------------------------------------------------------------
    def filter(self, value, strict=False, allow_downcast=None):
        """Return ``value`` as a SciPy matrix of this format and dtype.

        Other sparse formats, sparse arrays and dense arrays are converted
        unless ``strict``; a dtype change that may lose information needs
        ``allow_downcast``.
        """
        cls = self.format_cls[self.format]
        if type(value) is cls and value.dtype == self.dtype:
            return value
        if strict:
            raise TypeError("%s expected a scipy.sparse %s_matrix of dtype %s, got %s"
                            % (self, self.format, self.dtype, _summary(value)))
        try:
            converted = cls(value)
        except (TypeError, ValueError) as exc:
            raise TypeError("%s cannot convert %s to a sparse matrix: %s"
                            % (self, _summary(value), exc)) from None
        if converted.dtype != self.dtype:
            if not allow_downcast and not np.can_cast(converted.dtype, self.dtype, "safe"):
                raise TypeError(
                    "%s cannot store a value of dtype %s without risking loss of precision: "
                    "cast it to %s yourself, or pass allow_input_downcast=True to "
                    "theano.function" % (self, converted.dtype, self.dtype))
            converted = converted.astype(self.dtype)
        return converted

    def is_valid_value(self, value):
        return scipy.sparse.issparse(value) and value.format == self.format

    @staticmethod
    def may_share_memory(a, b):
        """True if the sparse/dense values ``a`` and ``b`` may share a buffer."""
        if scipy.sparse.issparse(a) and scipy.sparse.issparse(b):
            return any(SparseType.may_share_memory(a, arr)
                       for arr in (b.data, b.indices, b.indptr))
        if scipy.sparse.issparse(b):
            a, b = b, a
        if scipy.sparse.issparse(a) and isinstance(b, np.ndarray):
            return any(np.may_share_memory(arr, b) for arr in (a.data, a.indices, a.indptr))
        return False

    def values_eq(self, a, b):
        """Exact equality of two sparse matrices (NaN is never equal to NaN)."""
        if not (scipy.sparse.issparse(a) and scipy.sparse.issparse(b)) or a.shape != b.shape:
            return False
        diff = abs(a - b)
        diff.eliminate_zeros()
        return diff.nnz == 0

    def values_eq_approx(self, a, b, eps=None, rtol=None, atol=None):
        """Equality up to a tolerance (by dtype, as for tensors); NaNs match NaNs."""
        if not (scipy.sparse.issparse(a) and scipy.sparse.issparse(b)) or a.shape != b.shape:
            return False
        narrow = "float32" in (str(a.dtype), str(b.dtype)) or "complex64" in (
            str(a.dtype), str(b.dtype))
        if rtol is None:
            rtol = 1e-5 if narrow else 1e-8
        if atol is None:
            atol = eps if eps is not None else (1e-5 if narrow else 1e-8)
        a, b = a.tocsr(), b.tocsr()
        a.sum_duplicates()
        b.sum_duplicates()
        # Compare on the union of the two patterns (a cell stored in only one
        # side compares with 0 on the other).
        pattern = (abs(a) + abs(b)).tocsr()
        rows = np.repeat(np.arange(pattern.shape[0]), np.diff(pattern.indptr))
        cols = pattern.indices
        va = np.asarray(a[rows, cols]).ravel() if rows.size else np.zeros(0)
        vb = np.asarray(b[rows, cols]).ravel() if rows.size else np.zeros(0)
        return bool(np.allclose(va, vb, rtol=rtol, atol=atol, equal_nan=True))

    def values_signature(self, data):
        data = data.tocsr() if data.format != "bsr" else data
        return (self.format, self.dtype, data.shape, hash(data.data.tobytes()),
                hash(data.indices.tobytes()), hash(data.indptr.tobytes()))

    def get_shape_info(self, obj):
        obj = self.filter(obj)
        return (obj.shape, obj.data.size, obj.indices.size, obj.indptr.size, obj.nnz)

    def get_size(self, shape_info):
        return (shape_info[1] * np.dtype(self.dtype).itemsize
                + (shape_info[2] + shape_info[3]) * np.dtype("int32").itemsize)

    def value_zeros(self, shape):
        return self.format_cls[self.format](shape, dtype=self.dtype)

    def clone(self, format=None, dtype=None):
        return SparseType(format or self.format, dtype or self.dtype)

    def __str__(self):
        return "Sparse[%s, %s]" % (self.dtype, self.format)

    __repr__ = __str__


all_dtypes = SparseType.dtype_set
complex_dtypes = sorted(t for t in all_dtypes if t.startswith("complex"))
float_dtypes = sorted(t for t in all_dtypes if t.startswith("float"))
int_dtypes = sorted(t for t in all_dtypes if t.startswith("int"))
uint_dtypes = sorted(t for t in all_dtypes if t.startswith("uint"))
integer_dtypes = int_dtypes + uint_dtypes
continuous_dtypes = complex_dtypes + float_dtypes
discrete_dtypes = int_dtypes + uint_dtypes
