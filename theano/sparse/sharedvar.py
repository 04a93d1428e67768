"""Shared sparse variables: ``theano.shared(scipy.sparse.csr_matrix(...))``."""
import copy

import scipy.sparse

from theano.graph.sharedvalue import SharedVariable, shared_constructor
from theano.sparse.type import SparseType
from theano.sparse.var import _sparse_py_operators

__all__ = ["SparseTensorSharedVariable", "sparse_constructor"]


class SparseTensorSharedVariable(_sparse_py_operators, SharedVariable):
    """A shared variable holding a SciPy sparse matrix."""


@shared_constructor
def sparse_constructor(value, name=None, strict=False, allow_downcast=None, borrow=False,
                       format=None):
    """Shared variable for a SciPy sparse matrix (its format unless ``format`` is given).

    Raises TypeError for a value that is not sparse (so :func:`theano.shared`
    tries its other constructors), and ValueError for a sparse matrix whose
    format or dtype Theano cannot hold.

    Examples
    --------
    >>> import scipy.sparse as sp, theano, theano.sparse
    >>> w = theano.shared(sp.csr_matrix([[0., 1.], [2., 0.]]), name='w')
    >>> w.type
    Sparse[float64, csr]
    """
    if not scipy.sparse.issparse(value):
        raise TypeError("expected a scipy.sparse matrix, got %s" % type(value).__name__)
    format = format or value.format
    if format not in SparseType.format_cls:
        raise ValueError("theano.shared: sparse format %r is not supported; convert the "
                         "matrix with .tocsr() or .tocsc(), or pass format='csr'" % format)
    if str(value.dtype) not in SparseType.dtype_set:
        raise ValueError("theano.shared: a sparse matrix cannot hold dtype %s (use one of %s)"
                         % (value.dtype, sorted(SparseType.dtype_set)))
    if not borrow:
        value = copy.deepcopy(value)
    return SparseTensorSharedVariable(name=name, type=SparseType(format, value.dtype),
                                      value=value, strict=strict,
                                      allow_downcast=allow_downcast)
