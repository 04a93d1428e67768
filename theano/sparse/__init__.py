"""Symbolic sparse matrices over SciPy (Theano 1.0's ``theano.sparse``).

``import theano.sparse as S`` gives sparse variables (``S.csr_matrix('x')``),
their ops (``S.dot``, ``S.structured_dot``, ``S.add``, ``S.sp_sum``...) and,
once imported, ``theano.shared(scipy_sparse_matrix)`` makes a sparse shared
variable.  ``S.verify_grad_sparse`` (from :mod:`theano.gradient.sparse_check`) checks
gradients of sparse ops.

>>> import numpy as np, scipy.sparse as sp, theano
>>> import theano.sparse as S
>>> x = S.csc_matrix('x', dtype='float64')
>>> f = theano.function([x], S.structured_add(x, 2))
>>> f(sp.csc_matrix(np.array([[0., -1.], [3., 0.]]))).toarray()
array([[0., 1.],
       [5., 0.]])
"""
from theano.sparse.type import SparseType, _is_sparse  # noqa: F401
from theano.sparse.basic import *  # noqa: F401,F403
from theano.sparse import sharedvar  # noqa: F401  (registers theano.shared for sparse values)
from theano.sparse.sharedvar import SparseTensorSharedVariable  # noqa: F401
from theano.sparse.sharedvar import sparse_constructor as shared  # noqa: F401

enable_sparse = True
