"""Theano 1.0's ``theano.sparse.basic`` namespace: every sparse op and function.

The implementation is split by concern: :mod:`~theano.sparse.core` (conversions,
compressed storage, casts, transpose), :mod:`~theano.sparse.math`
(arithmetic, comparisons, sums, structured functions, stacking),
:mod:`~theano.sparse.products` (dot products), :mod:`~theano.sparse.subtensor`
(indexing), :mod:`~theano.sparse.var` (variables and their operators) and
:mod:`~theano.sparse.grad` (gradient rules).  Code written for Theano 1.0
keeps importing the names from here.
"""
import scipy.sparse

from theano.sparse import core as _core, math as _math, products as _products
from theano.sparse import subtensor as _sub
from theano.sparse import type as _type, var as _var
from theano.sparse import grad as _grad_rules  # noqa: F401  (registers the gradient rules)
from theano.sparse.core import *  # noqa: F401,F403
from theano.sparse.core import _is_dense, _is_dense_variable, _is_sparse_variable  # noqa: F401
from theano.sparse.products import *  # noqa: F401,F403
from theano.sparse.products import _dot, _structured_dot  # noqa: F401
from theano.sparse.math import *  # noqa: F401,F403
from theano.sparse.subtensor import *  # noqa: F401,F403
from theano.sparse.type import *  # noqa: F401,F403
from theano.sparse.type import SparseType, _is_sparse  # noqa: F401
from theano.sparse.var import *  # noqa: F401,F403
from theano.sparse.var import _sparse_py_operators  # noqa: F401

# The SciPy classes of the formats the ops support (Theano 1.0's test helpers).
_mtypes = [scipy.sparse.csc_matrix, scipy.sparse.csr_matrix]
_mtype_to_str = {scipy.sparse.csc_matrix: "csc", scipy.sparse.csr_matrix: "csr"}

__all__ = (list(_core.__all__) + list(_products.__all__) + list(_math.__all__)
           + list(_sub.__all__) + list(_type.__all__) + list(_var.__all__)
           + ["SparseType", "_is_sparse", "_is_sparse_variable", "_is_dense_variable",
              "_is_dense", "_dot", "_structured_dot", "_mtypes", "_mtype_to_str"])
