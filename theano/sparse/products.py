"""Products with sparse matrices: structured dot, dot, true dot, sampled dot and usmm.

========================  ========================  ==================================
function                  result                    gradient
========================  ========================  ==================================
``structured_dot(a, b)``  dense (sparse if both     structured: the sparse argument's
                          are sparse)               stored entries only
``dot(x, y)``             dense                     regular
``true_dot(x, y)``        sparse                    regular
``sampling_dot(x, y, p)`` sparse, ``p``'s pattern   structured on ``p``
========================  ========================  ==================================
"""
import numpy as np
import scipy.sparse

from theano.graph.basic import Apply, Variable
from theano.graph.op import Op
from theano.scalar.basic import upcast
from theano.tensor import basic as tb
from theano.tensor.type import TensorType
from theano.sparse.core import (CSC, CSR, _conform, _coords, _out_dtype, _shape_of,
                                _sparse_input, _sparse_type, _tensor_input, _with_data,
                                as_sparse_variable, csm_indices, csm_indptr, csm_shape,
                                transpose)
from theano.sparse.type import SparseType

__all__ = ["StructuredDot", "structured_dot", "StructuredDotGradCSC", "sdg_csc",
           "StructuredDotGradCSR", "sdg_csr", "structured_dot_grad", "TrueDot", "true_dot",
           "SamplingDot", "sampling_dot", "Dot", "dot", "Usmm", "usmm"]

# Rows of the gathered operands processed at once by _sampled_dots (bounds memory).
_CHUNK_ELEMENTS = 1 << 22


def _is_sparse_arg(x):
    return scipy.sparse.issparse(x) or (isinstance(x, Variable)
                                        and isinstance(x.type, SparseType))


def _sparse_or_matrix(op, x, pos):
    """A sparse variable, or a dense matrix; TypeError naming the input otherwise."""
    if _is_sparse_arg(x):
        return _sparse_input(op, x, pos)
    return _tensor_input(op, x, pos, (2,), "matrix")


def _check_inner(op, a_shape, b_shape):
    if a_shape[-1] != b_shape[0]:
        raise ValueError("%s: shape mismatch, %s times %s (%d != %d)"
                         % (op, a_shape, b_shape, a_shape[-1], b_shape[0]))


def _sampled_dots(a, b, rows, cols, dtype):
    """``out[k] = a[rows[k]] . b[cols[k]]`` for dense ``a`` and ``b``.

    Only the requested entries of ``a @ b.T`` are computed, in chunks of
    gathered rows so the temporaries stay small.
    """
    out = np.empty(rows.size, dtype=dtype)
    step = max(1, _CHUNK_ELEMENTS // max(1, a.shape[1]))
    for start in range(0, rows.size, step):
        r, c = rows[start:start + step], cols[start:start + step]
        out[start:start + step] = np.einsum("ij,ij->i", a[r], b[c])
    return out


def _sampled_product(a, b, rows, cols, dtype):
    """``(a @ b.T)[rows, cols]`` for dense or sparse ``a`` and ``b``."""
    if scipy.sparse.issparse(a) or scipy.sparse.issparse(b):
        prod = scipy.sparse.csr_matrix(a @ b.T)
        if not rows.size:
            return np.zeros(0, dtype=dtype)
        return np.asarray(prod[rows, cols], dtype=dtype).ravel()
    return _sampled_dots(a, b, rows, cols, dtype)


# ---------------------------------------------------------------------------
# Structured dot
# ---------------------------------------------------------------------------
class StructuredDot(Op):
    """``a @ b`` for a sparse ``a``: dense for a dense ``b``, sparse for a sparse ``b``.

    The gradient with respect to ``a`` is structured (only its stored entries).
    """

    __props__ = ()

    def make_node(self, a, b):
        a = _sparse_input(self, a, 0, ("csr", "csc", "bsr"))
        b = _sparse_or_matrix(self, b, 1)
        dtype = _out_dtype(a, b)
        if isinstance(b.type, SparseType):
            out = _sparse_type(self, a.type.format, dtype)()
        else:
            out = TensorType(dtype, (False, b.type.broadcastable[1]))()
        return Apply(self, [a, b], [out])

    def perform(self, node, inputs, out):
        a, b = inputs
        _check_inner(self, a.shape, b.shape)
        t = node.outputs[0].type
        res = a @ b
        if isinstance(t, SparseType):
            out[0][0] = _conform(res, t.format, t.dtype)
        else:
            out[0][0] = np.asarray(res, dtype=t.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [(_shape_of(node, shapes, 0)[0], _shape_of(node, shapes, 1)[1])]


_structured_dot = StructuredDot()


def structured_dot(x, y):
    """``x @ y`` where ``x`` or ``y`` is sparse, with a structured gradient.

    The result is dense unless both are sparse.
    """
    xs, ys = _is_sparse_arg(x), _is_sparse_arg(y)
    if not (xs or ys):
        raise TypeError("structured_dot needs at least one sparse argument, got %r and %r"
                        % (x, y))
    if xs:
        return _structured_dot(x, y)
    y = as_sparse_variable(y)
    return tb.transpose(_structured_dot(transpose(y), tb.transpose(x)))


class _StructuredDotGrad(Op):
    """Gradient of :class:`StructuredDot` with respect to the ``data`` of ``a``.

    Inputs: ``a``'s ``indices`` and ``indptr``, the other operand ``b`` and
    the output gradient ``g``.  Entry ``k`` is ``g[i] . b[j]`` for the
    ``k``-th stored position ``(i, j)`` of ``a``.
    """

    __props__ = ()
    format = None

    def make_node(self, a_indices, a_indptr, b, g_ab):
        a_indices = _tensor_input(self, a_indices, 0, (1,), "index vector")
        a_indptr = _tensor_input(self, a_indptr, 1, (1,), "index vector")
        b = _sparse_or_matrix(self, b, 2)
        g_ab = _sparse_or_matrix(self, g_ab, 3)
        out = TensorType(upcast(b.type.dtype, g_ab.type.dtype), (False,))()
        return Apply(self, [a_indices, a_indptr, b, g_ab], [out])

    def perform(self, node, inputs, out):
        indices, indptr, b, g = inputs
        major = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
        rows, cols = (major, indices) if self.format == "csr" else (indices, major)
        out[0][0] = _sampled_product(g, b, rows, cols, node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [tuple(shapes[0])]


class StructuredDotGradCSC(_StructuredDotGrad):
    """:class:`StructuredDot`'s gradient data for a csc ``a``."""

    format = "csc"


class StructuredDotGradCSR(_StructuredDotGrad):
    """:class:`StructuredDot`'s gradient data for a csr ``a``."""

    format = "csr"


sdg_csc = StructuredDotGradCSC()
sdg_csr = StructuredDotGradCSR()


def structured_dot_grad(sparse_A, dense_B, ga):
    """The structured gradient of ``structured_dot(sparse_A, dense_B)`` for ``sparse_A``.

    A matrix with ``sparse_A``'s pattern and format holding ``(ga @ dense_B.T)``
    at the stored positions.
    """
    a = _sparse_input("structured_dot_grad", sparse_A, 0)
    sdg, csx = (sdg_csc, CSC) if a.type.format == "csc" else (sdg_csr, CSR)
    indices, indptr, shape = csm_indices(a), csm_indptr(a), csm_shape(a)
    return csx(sdg(indices, indptr, dense_B, ga), indices, indptr, shape)


# ---------------------------------------------------------------------------
# True dot (sparse result)
# ---------------------------------------------------------------------------
class TrueDot(Op):
    """``x @ y`` for a sparse ``x`` and a sparse or dense matrix ``y``, as a sparse matrix.

    With ``grad_preserves_dense`` (the default), the gradient of a dense
    ``y`` is dense; otherwise it is sparse.
    """

    __props__ = ("grad_preserves_dense",)

    def __init__(self, grad_preserves_dense=True):
        self.grad_preserves_dense = bool(grad_preserves_dense)

    def make_node(self, x, y):
        x = _sparse_input(self, x, 0)
        y = _sparse_or_matrix(self, y, 1)
        return Apply(self, [x, y], [_sparse_type(self, x.type.format, _out_dtype(x, y))()])

    def perform(self, node, inputs, out):
        x, y = inputs
        _check_inner(self, x.shape, y.shape)
        t = node.outputs[0].type
        out[0][0] = _conform(x @ y, t.format, t.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [(_shape_of(node, shapes, 0)[0], _shape_of(node, shapes, 1)[1])]


def true_dot(x, y, grad_preserves_dense=True):
    """``x @ y`` (one or both sparse) as a sparse matrix, with a regular gradient."""
    xs, ys = _is_sparse_arg(x), _is_sparse_arg(y)
    if not (xs or ys):
        raise TypeError("true_dot needs at least one sparse argument, got %r and %r" % (x, y))
    if xs:
        return TrueDot(grad_preserves_dense)(x, y)
    y = as_sparse_variable(y)
    return transpose(TrueDot(grad_preserves_dense)(transpose(y), tb.transpose(x)))


# ---------------------------------------------------------------------------
# Sampled dot
# ---------------------------------------------------------------------------
class SamplingDot(Op):
    """``p * (x @ y.T)`` computed only where the sparse ``p`` stores values.

    ``x`` is ``m x k`` and ``y`` is ``n x k`` (dense); ``p`` is ``m x n``.
    The result has ``p``'s pattern and format.
    """

    __props__ = ()

    def make_node(self, x, y, p):
        x = _tensor_input(self, x, 0, (2,), "matrix")
        y = _tensor_input(self, y, 1, (2,), "matrix")
        p = _sparse_input(self, p, 2)
        out = _sparse_type(self, p.type.format, _out_dtype(x, y, p))()
        return Apply(self, [x, y, p], [out])

    def perform(self, node, inputs, out):
        x, y, p = inputs
        if x.shape[1] != y.shape[1] or p.shape != (x.shape[0], y.shape[0]):
            raise ValueError("%s: x %s, y %s and p %s do not fit p * dot(x, y.T)"
                             % (self, x.shape, y.shape, p.shape))
        dtype = node.outputs[0].type.dtype
        rows, cols = _coords(p)
        vals = _sampled_dots(x, y, rows, cols, dtype) * p.data
        out[0][0] = _with_data(p, np.asarray(vals, dtype=dtype))

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 2)]


sampling_dot = SamplingDot()


# ---------------------------------------------------------------------------
# Dot (dense result, regular gradient)
# ---------------------------------------------------------------------------
class Dot(Op):
    """``x @ y`` with one or both arguments sparse; the result is dense.

    The dense argument may be a vector or a matrix.  The gradient is regular.
    """

    __props__ = ()

    def make_node(self, x, y):
        xs, ys = _is_sparse_arg(x), _is_sparse_arg(y)
        if not (xs or ys):
            raise TypeError("%s needs at least one sparse argument, got %s and %s"
                            % (self, getattr(x, "type", x), getattr(y, "type", y)))
        x = _sparse_input(self, x, 0) if xs else _tensor_input(self, x, 0, (1, 2),
                                                               "vector or matrix")
        y = _sparse_input(self, y, 1) if ys else _tensor_input(self, y, 1, (1, 2),
                                                               "vector or matrix")
        bcast = (False,) if 1 in (x.type.ndim, y.type.ndim) else (False, False)
        return Apply(self, [x, y], [TensorType(_out_dtype(x, y), bcast)()])

    def perform(self, node, inputs, out):
        x, y = inputs
        _check_inner(self, x.shape, y.shape)
        res = x @ y
        if scipy.sparse.issparse(res):
            res = res.toarray()
        out[0][0] = np.asarray(res, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        x, y = node.inputs
        xs = _shape_of(node, shapes, 0) if x.type.ndim == 2 else tuple(shapes[0])
        ys = _shape_of(node, shapes, 1) if y.type.ndim == 2 else tuple(shapes[1])
        return [tuple(xs[:-1]) + tuple(ys[1:])]

    def __str__(self):
        return "SparseDot"


_dot = Dot()


def dot(x, y):
    """``x @ y`` where at least one argument is sparse (csr or csc); the result is dense.

    The gradient is regular.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp, theano, theano.tensor as T
    >>> import theano.sparse as S
    >>> x, y = S.csr_matrix('x', dtype='float64'), T.dmatrix('y')
    >>> f = theano.function([x, y], S.dot(x, y))
    >>> f(sp.csr_matrix([[0., 2.], [1., 0.]]), np.array([[1., 2.], [3., 4.]]))
    array([[6., 8.],
           [1., 2.]])
    """
    if not (_is_sparse_arg(x) or _is_sparse_arg(y)):
        raise TypeError("theano.sparse.dot needs at least one sparse argument, got %r and "
                        "%r (use theano.tensor.dot for dense ones)" % (x, y))
    return _dot(x, y)


# ---------------------------------------------------------------------------
# Usmm: alpha * dot(x, y) + z
# ---------------------------------------------------------------------------
class Usmm(Op):
    """``alpha * (x @ y) + z`` with ``x`` or ``y`` sparse (the sparse gemm).

    Inserted by the ``local_usmm`` rewrite; it has no gradient (differentiate
    the graph before rewriting, as ``theano.grad`` does).
    """

    __props__ = ()

    def make_node(self, alpha, x, y, z):
        if not (_is_sparse_arg(x) or _is_sparse_arg(y)):
            raise TypeError("%s: x or y must be sparse, got %s and %s"
                            % (self, getattr(x, "type", x), getattr(y, "type", y)))
        alpha = tb.as_tensor_variable(alpha)
        if not all(alpha.type.broadcastable):
            raise TypeError("%s: alpha must be a scalar (all dimensions broadcastable), got %s"
                            % (self, alpha.type))
        x = _sparse_or_matrix(self, x, 1)
        y = _sparse_or_matrix(self, y, 2)
        z = _tensor_input(self, z, 3, (2,), "matrix")
        dtype = _out_dtype(alpha, x, y, z)
        return Apply(self, [alpha, x, y, z], [TensorType(dtype, (False, False))()])

    def perform(self, node, inputs, out):
        alpha, x, y, z = inputs
        _check_inner(self, x.shape, y.shape)
        prod = x @ y
        if scipy.sparse.issparse(prod):
            prod = prod.toarray()
        dtype = node.outputs[0].type.dtype
        res = np.multiply(prod, np.asarray(alpha).reshape(()), dtype=dtype)
        res += z
        out[0][0] = res

    def infer_shape(self, fgraph, node, shapes):
        # z may broadcast against the product: the product gives the shape.
        return [(_shape_of(node, shapes, 1)[0], _shape_of(node, shapes, 2)[1])]

    def __str__(self):
        return "Usmm{no_inplace}"


usmm = Usmm()
