"""Testing helpers for sparse ops: ``verify_grad_sparse`` and ``sparse_random_inputs``.

They compile and differentiate graphs, so they live in the gradient layer;
:mod:`theano.gradient` also makes them ``theano.sparse.verify_grad_sparse``
and ``theano.sparse.sparse_random_inputs``, their Theano 1.0 names.
"""
import numpy as np
import scipy.sparse

from theano.configparser import config
from theano.gradient.check import GradientError, verify_grad
from theano.sparse.core import (CSM, DenseFromSparse, SparseFromDense,
                                as_sparse_or_tensor_variable)
from theano.sparse.type import SparseType

__all__ = ["verify_grad_sparse", "sparse_random_inputs"]


def _seed():
    seed = config.unittests__rseed
    try:
        return int(seed)
    except (TypeError, ValueError):
        return None


def verify_grad_sparse(op, pt, structured=False, *args, **kwargs):
    """:func:`theano.gradient.verify_grad` for ops with sparse inputs or output.

    Sparse points are checked through dense stand-ins: with
    ``structured=False`` the whole dense matrix (the regular gradient, every
    entry perturbed); with ``structured=True`` only the stored values (the
    structured gradient; the sparsity pattern is fixed).  A sparse output is
    compared through ``DenseFromSparse(structured)``.

    Parameters
    ----------
    op : callable
        An op or function of symbolic inputs, one per element of ``pt``,
        returning one variable.
    pt : list
        Values: SciPy csr/csc matrices or ndarrays (float dtypes).
    structured : bool
        Check the structured gradient instead of the regular one.
    *args, **kwargs
        Passed on to ``verify_grad`` (``n_tests``, ``eps``, ``abs_tol``, ``mode``...).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> import theano.sparse as S
    >>> x = sp.csr_matrix(np.array([[0., 2.], [3., 0.]]))
    >>> S.verify_grad_sparse(S.neg, [x])
    >>> S.verify_grad_sparse(S.structured_exp, [x], structured=True)
    """
    dense_pt, converters = [], []
    for k, p in enumerate(pt):
        if not scipy.sparse.issparse(p):
            dense_pt.append(p)
            converters.append(None)
            continue
        if p.format not in ("csr", "csc"):
            raise TypeError("verify_grad_sparse: point %d is a %s matrix; use csr or csc"
                            % (k, p.format))
        if structured:
            dense_pt.append(p.data.copy())
            converters.append(_rebuild(p))
        else:
            dense_pt.append(p.toarray())
            converters.append(SparseFromDense(p.format))
    probe = op(*[as_sparse_or_tensor_variable(p) for p in pt])
    if isinstance(probe, (list, tuple)):
        raise TypeError("verify_grad_sparse: op must return one variable, got %d"
                        % len(probe))
    to_dense = DenseFromSparse(structured) if isinstance(probe.type, SparseType) else None

    def dense_op(*inputs):
        ins = [v if conv is None else conv(v) for conv, v in zip(converters, inputs)]
        out = op(*ins)
        return out if to_dense is None else to_dense(out)

    if kwargs.get("rng") is None and (len(args) < 2 or args[1] is None):
        kwargs["rng"] = np.random.RandomState(_seed())
    return verify_grad(dense_op, dense_pt, *args, **kwargs)


def _rebuild(p):
    """A function of a data vector giving a matrix with ``p``'s pattern and format."""
    indices, indptr = p.indices[:p.nnz].astype("int32"), p.indptr.astype("int32")
    shape = np.asarray(p.shape, dtype="int32")
    csm = CSM(p.format)

    def build(data):
        return csm(data, indices, indptr, shape)
    return build


verify_grad_sparse.E_grad = GradientError


def sparse_random_inputs(format, shape, n=1, out_dtype=None, p=0.5, gap=None,
                         explicit_zero=False, unsorted_indices=False, rng=None):
    """Random sparse matrices and matching symbolic variables (Theano 1.0's test helper).

    Parameters
    ----------
    format : {'csr', 'csc'}
    shape : tuple of 2 ints
    n : int
        Number of matrices.
    out_dtype : str, optional
        Their dtype (default ``config.floatX``).
    p : float
        Probability of each cell being stored.
    gap : tuple of 2 numbers, optional
        Values are drawn uniformly in ``[gap[0], gap[1])`` (default ``[0, 1)``;
        integers for integer dtypes).
    explicit_zero : bool
        Store an explicit zero in each (non-empty) matrix.
    unsorted_indices : bool
        Reverse the indices inside each row/column (the matrix is unchanged).
    rng : numpy.random.RandomState, optional

    Returns
    -------
    (list of SparseVariable, list of scipy sparse matrix)
    """
    if format not in ("csr", "csc"):
        raise ValueError("sparse_random_inputs: format must be 'csr' or 'csc', got %r"
                         % (format,))
    out_dtype = out_dtype or config.floatX
    rng = rng if rng is not None else np.random.RandomState(_seed())
    lo, hi = gap if gap is not None else (0, 1)
    variables = [SparseType(format, out_dtype)() for _ in range(n)]
    values = []
    for _ in range(n):
        mask = rng.binomial(1, p, size=shape).astype(bool)
        if np.dtype(out_dtype).kind in "iu":
            dense = rng.randint(int(lo), max(int(hi), int(lo) + 1), size=shape)
        else:
            dense = rng.uniform(lo, hi, size=shape)
        dense = np.where(mask, dense, 0).astype(out_dtype)
        m = SparseType.format_cls[format](dense)
        if explicit_zero and m.nnz:
            m.data[0] = 0
        if unsorted_indices:
            m = _reverse_indices(m)
        values.append(m)
    return variables, values


def _reverse_indices(m):
    """The same matrix with the entries of each row (csr) / column (csc) in reverse order."""
    counts = np.diff(m.indptr)
    major = np.repeat(np.arange(len(counts)), counts)
    pos = np.arange(m.nnz) - m.indptr[major]
    order = m.indptr[major] + (counts[major] - 1 - pos)
    out = type(m)((m.data[order], m.indices[order], m.indptr.copy()), shape=m.shape)
    out.has_sorted_indices = False
    return out
