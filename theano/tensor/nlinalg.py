"""Linear algebra on matrices through :mod:`numpy.linalg` (Theano 1.0's ``theano.tensor.nlinalg``).

Inverse and pseudo-inverse, determinant, eigen-, QR and singular value
decompositions, least squares, ``tensorinv``/``tensorsolve`` and the helpers
``matrix_dot``, ``matrix_power``, ``norm``, ``diag`` and ``trace``.  The ops
take single matrices (no stacks of them), as in Theano 1.0.

Dtypes: float32/float64/complex inputs keep their dtype; integer and bool
inputs give float64 results (NumPy's rule) and float16 ones float32, since
LAPACK has no half precision.  Gradients exist for ``matrix_inverse`` (with
an R-op), ``pinv``, ``det`` and ``eigh``, as in Theano 1.0.

The module is not imported by ``import theano.tensor``: use
``from theano.tensor import nlinalg``.
"""
import operator

import numpy as np

from theano.graph.basic import Apply
from theano.graph.null_type import is_disconnected
from theano.graph.op import Op
from theano.graph.rules import register_grad, register_rop
from theano.scalar.basic import complex_dtypes, discrete_dtypes, upcast
from theano.tensor import math as tm
from theano.tensor.alloc import AllocDiag, ExtractDiag, identity_like
from theano.tensor.basic import as_tensor_variable, cast, constant
from theano.tensor.grad_utils import grad_like_input
from theano.tensor.shape import flatten
from theano.tensor.type import TensorType

__all__ = ["MatrixPinv", "pinv", "MatrixInverse", "matrix_inverse", "matrix_dot", "AllocDiag",
           "alloc_diag", "ExtractDiag", "extract_diag", "diag", "trace", "Det", "det", "Eig",
           "eig", "Eigh", "EighGrad", "eigh", "QRFull", "QRIncomplete", "qr", "SVD", "svd",
           "lstsq", "matrix_power", "norm", "TensorInv", "tensorinv", "TensorSolve",
           "tensorsolve"]


# -- helpers shared with slinalg and fft ----------------------------------------------------------
def linalg_dtype(*dtypes):
    """The dtype of a LAPACK/FFT result for inputs of ``dtypes``.

    Float and complex dtypes are kept (upcast together); integers and bool
    become float64, as in NumPy; float16 becomes float32, which LAPACK lacks.
    """
    dtype = upcast(*dtypes)
    if dtype in discrete_dtypes:
        return "float64"
    if dtype == "float16":
        return "float32"
    return dtype


def real_dtype(dtype):
    """The real dtype matching ``dtype`` (complex64 -> float32, complex128 -> float64)."""
    return {"complex64": "float32", "complex128": "float64"}.get(dtype, dtype)


def as_dtype(a, dtype):
    """The array ``a`` in ``dtype`` (no copy when it already is)."""
    return a if a.dtype == dtype else a.astype(dtype)


def as_matrix(opname, x, what="the input"):
    """``x`` as a 2-d tensor variable, or a TypeError naming ``opname`` and ``what``."""
    x = as_tensor_variable(x)
    if x.type.ndim != 2:
        raise TypeError("%s: %s must be a matrix (2-d tensor), got %s of type %s"
                        % (opname, what, x, x.type))
    return x


def _matrix_type(dtype):
    return TensorType(dtype, (False, False))


def _vector_type(dtype):
    return TensorType(dtype, (False,))


# -- pseudo-inverse and inverse -------------------------------------------------------------------
class MatrixPinv(Op):
    """The Moore-Penrose pseudo-inverse :math:`A^+` of a matrix (``numpy.linalg.pinv``).

    :math:`A^+ b` is the least-squares solution of :math:`A x = b`; unlike
    :func:`matrix_inverse` it works for non-square and singular matrices, but
    is slower and less exact on square invertible ones.

    Parameters
    ----------
    hermitian : bool
        Assume the matrix is symmetric (Hermitian), which is faster
        (``numpy.linalg.pinv(..., hermitian=True)``).
    """

    __props__ = ("hermitian",)

    def __init__(self, hermitian=False):
        self.hermitian = bool(hermitian)

    def make_node(self, x):
        x = as_matrix("pinv", x)
        bcast = x.type.broadcastable[::-1]
        return Apply(self, [x], [TensorType(linalg_dtype(x.type.dtype), bcast)()])

    def perform(self, node, inputs, outputs):
        dtype = node.outputs[0].type.dtype
        outputs[0][0] = as_dtype(np.linalg.pinv(as_dtype(inputs[0], dtype),
                                                hermitian=self.hermitian), dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0][::-1]]

    def __str__(self):
        return "MatrixPinv{hermitian}" if self.hermitian else "MatrixPinv"


pinv = MatrixPinv()


class MatrixInverse(Op):
    r"""The inverse :math:`A^{-1}` of a square matrix (``numpy.linalg.inv``).

    A singular matrix raises ``numpy.linalg.LinAlgError``.  To solve
    :math:`A x = b`, :func:`theano.tensor.slinalg.solve` is faster and more exact.
    """

    __props__ = ()

    def make_node(self, x):
        x = as_matrix("matrix_inverse", x)
        out = TensorType(linalg_dtype(x.type.dtype), x.type.broadcastable)()
        return Apply(self, [x], [out])

    def perform(self, node, inputs, outputs):
        dtype = node.outputs[0].type.dtype
        outputs[0][0] = as_dtype(np.linalg.inv(as_dtype(inputs[0], dtype)), dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


matrix_inverse = MatrixInverse()


def matrix_dot(*args):
    r"""The matrix product :math:`A_0 \cdot A_1 \cdots A_N` of the arguments, left to right."""
    if not args:
        raise TypeError("matrix_dot needs at least one argument")
    result = args[0]
    for a in args[1:]:
        result = tm.dot(result, a)
    return result


# -- diagonals and trace --------------------------------------------------------------------------
# Theano 1.0 kept vector-only copies of these ops here; theano.tensor.alloc has the
# general (NumPy-like) ones, which do the same on vectors and matrices.
alloc_diag = AllocDiag()
extract_diag = ExtractDiag()


def diag(x):
    """A square matrix with the vector ``x`` on its diagonal, or the diagonal of the matrix ``x``.

    Unlike ``numpy.diag`` there is no offset ``k`` (see ``theano.tensor.diag``).
    """
    xx = as_tensor_variable(x)
    if xx.type.ndim == 1:
        return alloc_diag(xx)
    if xx.type.ndim == 2:
        return extract_diag(xx)
    raise TypeError("diag: the input must be a vector or a matrix, got %s of type %s"
                    % (xx, xx.type))


def trace(X):
    """The sum of the diagonal of the matrix ``X`` (a scalar)."""
    X = as_matrix("trace", X)
    return extract_diag(X).sum()


# -- determinant ----------------------------------------------------------------------------------
class Det(Op):
    """The determinant of a square matrix (``numpy.linalg.det``), a scalar."""

    __props__ = ()

    def make_node(self, x):
        x = as_matrix("det", x)
        return Apply(self, [x], [TensorType(linalg_dtype(x.type.dtype), ())()])

    def perform(self, node, inputs, outputs):
        dtype = node.outputs[0].type.dtype
        outputs[0][0] = np.asarray(np.linalg.det(as_dtype(inputs[0], dtype)), dtype=dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [()]

    def __str__(self):
        return "Det"


det = Det()


# -- eigensystems ---------------------------------------------------------------------------------
class Eig(Op):
    """Eigenvalues ``w`` and right eigenvectors ``v`` (columns) of a square matrix.

    ``numpy.linalg.eig``.  The outputs have the input's dtype: a real matrix
    whose eigenvalues are complex raises a ValueError (cast it to complex
    first), where Theano 1.0 silently dropped the imaginary parts.
    """

    __props__ = ()

    def make_node(self, x):
        x = as_matrix("eig", x)
        dtype = linalg_dtype(x.type.dtype)
        return Apply(self, [x], [_vector_type(dtype)(), _matrix_type(dtype)()])

    def perform(self, node, inputs, outputs):
        dtype = node.outputs[1].type.dtype
        w, v = np.linalg.eig(as_dtype(inputs[0], dtype))
        if w.dtype.kind == "c" and dtype not in complex_dtypes:
            raise ValueError("eig: this real matrix has complex eigenvalues, which an output of "
                             "dtype %s cannot hold; cast the input to a complex dtype (e.g. "
                             "T.cast(x, 'complex128')) to get them" % dtype)
        outputs[0][0] = as_dtype(w, dtype)
        outputs[1][0] = as_dtype(v, dtype)

    def infer_shape(self, fgraph, node, shapes):
        n = shapes[0][0]
        return [(n,), (n, n)]


eig = Eig()


def _check_uplo(UPLO):
    if UPLO not in ("L", "U"):
        raise ValueError("UPLO must be 'L' or 'U', got %r" % (UPLO,))
    return UPLO


class Eigh(Eig):
    """Eigenvalues (ascending) and eigenvectors of a symmetric or Hermitian matrix.

    ``numpy.linalg.eigh``: only the lower (``UPLO='L'``) or upper (``'U'``)
    triangle is read.  The eigenvalues are real (float32 for float32 and
    complex64 inputs).
    """

    __props__ = ("UPLO",)

    def __init__(self, UPLO="L"):
        self.UPLO = _check_uplo(UPLO)

    def make_node(self, x):
        x = as_matrix("eigh", x)
        dtype = linalg_dtype(x.type.dtype)
        return Apply(self, [x], [_vector_type(real_dtype(dtype))(), _matrix_type(dtype)()])

    def perform(self, node, inputs, outputs):
        dtype = node.outputs[1].type.dtype
        w, v = np.linalg.eigh(as_dtype(inputs[0], dtype), self.UPLO)
        outputs[0][0] = as_dtype(w, node.outputs[0].type.dtype)
        outputs[1][0] = as_dtype(v, dtype)


def eigh(a, UPLO="L"):
    """Eigenvalues and eigenvectors of the symmetric (Hermitian) matrix ``a``: ``(w, v)``."""
    return Eigh(UPLO)(a)


def fold_triangle(g, UPLO):
    """The gradient on the triangle ``UPLO`` that a symmetric-matrix routine reads.

    The routine sees ``a[i, j]`` (read triangle) in both positions (i, j) and
    (j, i); the other triangle does not matter.
    """
    if UPLO == "L":
        return np.tril(g) + np.triu(g, 1).T
    return np.triu(g) + np.tril(g, -1).T


class EighGrad(Op):
    """The gradient of :class:`Eigh` for the output gradients ``gw`` and ``gv``.

    ``make_node(x, w, v, gw, gv)`` with ``(w, v) = eigh(x, UPLO)``.  Where two
    eigenvalues are exactly equal the eigenvectors are not unique and their
    coupling term is left out (taken as 0) instead of dividing by zero.
    """

    __props__ = ("UPLO",)

    def __init__(self, UPLO="L"):
        self.UPLO = _check_uplo(UPLO)

    def make_node(self, x, w, v, gw, gv):
        x, v, gv = [as_matrix("EighGrad", a, name) for a, name in
                    ((x, "x"), (v, "v"), (gv, "gv"))]
        w, gw = map(as_tensor_variable, (w, gw))
        for var, name in ((w, "w"), (gw, "gw")):
            if var.type.ndim != 1:
                raise TypeError("EighGrad: %s must be a vector, got %s of type %s"
                                % (name, var, var.type))
        dtype = linalg_dtype(*[a.type.dtype for a in (x, w, v, gw, gv)])
        return Apply(self, [x, w, v, gw, gv], [_matrix_type(dtype)()])

    def perform(self, node, inputs, outputs):
        x, w, v, gw, gv = inputs
        diff = w[np.newaxis, :] - w[:, np.newaxis]      # diff[n, m] = w[m] - w[n]
        inv = np.where(diff == 0, 0.0, 1.0 / np.where(diff == 0, 1.0, diff))
        # d/da of sum(gw * w) + sum(gv * v) is v (diag(gw) + F * (v^T gv)^T) v^T with
        # F[n, m] = 1 / (w[n] - w[m]); eigh reads one triangle, which gets both halves.
        inner = np.diag(gw) + (v.T @ gv).T * -inv
        g = v @ inner @ v.T
        outputs[0][0] = np.asarray(fold_triangle(g, self.UPLO), dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


def _zero_disconnected(outputs, grads):
    """``grads`` with each disconnected gradient replaced by zeros like its output."""
    return [o.zeros_like() if is_disconnected(g) else g for o, g in zip(outputs, grads)]


# -- QR and SVD -----------------------------------------------------------------------------------
_QR_TWO_OUTPUTS = ("reduced", "complete", "raw", "full")
_QR_ONE_OUTPUT = ("r", "economic")


def _numpy_qr(x, mode):
    # 'full' and 'economic' are NumPy 1.x modes (deprecated there), spelled out here.
    if mode == "full":
        return np.linalg.qr(x, "reduced")
    if mode == "economic":
        return np.linalg.qr(x, "raw")[0].T
    return np.linalg.qr(x, mode)


def _qr_shapes(mode, M, N):
    K = tm.minimum(M, N)
    return {"reduced": [(M, K), (K, N)], "full": [(M, K), (K, N)],
            "complete": [(M, M), (M, N)], "raw": [(N, M), (K,)],
            "r": [(K, N)], "economic": [(M, N)]}[mode]


def _check_qr_mode(cls, mode, modes):
    if mode not in modes:
        raise ValueError("%s: mode must be one of %s, got %r (qr() picks the right op)"
                         % (cls.__name__, ", ".join(map(repr, modes)), mode))
    return mode


class QRFull(Op):
    """QR decomposition returning two outputs: ``(q, r)``, or ``(h, tau)`` in mode 'raw'.

    ``numpy.linalg.qr`` with ``mode`` 'reduced', 'complete', 'raw' or 'full'
    (NumPy 1.x's alias of 'reduced').
    """

    __props__ = ("mode",)

    def __init__(self, mode="reduced"):
        self.mode = _check_qr_mode(QRFull, mode, _QR_TWO_OUTPUTS)

    def make_node(self, x):
        x = as_matrix("qr", x)
        dtype = linalg_dtype(x.type.dtype)
        second = _vector_type(dtype) if self.mode == "raw" else _matrix_type(dtype)
        return Apply(self, [x], [_matrix_type(dtype)(), second()])

    def perform(self, node, inputs, outputs):
        dtype = node.outputs[0].type.dtype
        q, r = _numpy_qr(as_dtype(inputs[0], dtype), self.mode)
        outputs[0][0] = as_dtype(q, dtype)
        outputs[1][0] = as_dtype(r, dtype)

    def infer_shape(self, fgraph, node, shapes):
        return _qr_shapes(self.mode, *shapes[0])


class QRIncomplete(Op):
    """QR decomposition returning one matrix: ``r`` (mode 'r') or the raw ``h.T`` ('economic')."""

    __props__ = ("mode",)

    def __init__(self, mode="r"):
        self.mode = _check_qr_mode(QRIncomplete, mode, _QR_ONE_OUTPUT)

    def make_node(self, x):
        x = as_matrix("qr", x)
        return Apply(self, [x], [_matrix_type(linalg_dtype(x.type.dtype))()])

    def perform(self, node, inputs, outputs):
        dtype = node.outputs[0].type.dtype
        outputs[0][0] = np.ascontiguousarray(
            as_dtype(_numpy_qr(as_dtype(inputs[0], dtype), self.mode), dtype))

    def infer_shape(self, fgraph, node, shapes):
        return _qr_shapes(self.mode, *shapes[0])


def qr(a, mode="reduced"):
    """QR decomposition of the matrix ``a`` (``numpy.linalg.qr``).

    Parameters
    ----------
    a : matrix, shape (M, N)
    mode : {'reduced', 'complete', 'r', 'raw'}
        With K = min(M, N): 'reduced' gives ``q, r`` of shapes (M, K), (K, N);
        'complete' gives (M, M), (M, N); 'r' gives ``r`` alone, (K, N); 'raw'
        gives LAPACK's ``h, tau``, (N, M), (K,).  NumPy 1.x's 'full' (same as
        'reduced') and 'economic' (``h.T``, (M, N)) are accepted too.

    Returns
    -------
    list of two variables, or one variable for modes 'r' and 'economic'.
    """
    if mode in _QR_ONE_OUTPUT:
        return QRIncomplete(mode)(a)
    if mode in _QR_TWO_OUTPUTS:
        return QRFull(mode)(a)
    raise ValueError("qr: mode must be one of 'reduced', 'complete', 'r', 'raw' (or 'full', "
                     "'economic'), got %r" % (mode,))


class SVD(Op):
    """Singular value decomposition ``u, s, vt`` of a matrix (``numpy.linalg.svd``).

    Parameters
    ----------
    full_matrices : bool
        True: ``u`` and ``vt`` are (M, M) and (N, N); False: (M, K) and (K, N)
        with K = min(M, N).
    compute_uv : bool
        False: only the singular values ``s`` (descending, real).
    """

    __props__ = ("full_matrices", "compute_uv")

    def __init__(self, full_matrices=True, compute_uv=True):
        self.full_matrices = bool(full_matrices)
        self.compute_uv = bool(compute_uv)

    def make_node(self, x):
        x = as_matrix("svd", x)
        dtype = linalg_dtype(x.type.dtype)
        s = _vector_type(real_dtype(dtype))()
        if not self.compute_uv:
            return Apply(self, [x], [s])
        return Apply(self, [x], [_matrix_type(dtype)(), s, _matrix_type(dtype)()])

    def perform(self, node, inputs, outputs):
        dtype = linalg_dtype(node.inputs[0].type.dtype)
        x = as_dtype(inputs[0], dtype)
        if not self.compute_uv:
            outputs[0][0] = as_dtype(np.linalg.svd(x, compute_uv=False), node.outputs[0].type.dtype)
            return
        u, s, vt = np.linalg.svd(x, full_matrices=self.full_matrices)
        for cell, value, out in zip(outputs, (u, s, vt), node.outputs):
            cell[0] = as_dtype(value, out.type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        M, N = shapes[0]
        K = tm.minimum(M, N)
        if not self.compute_uv:
            return [(K,)]
        if self.full_matrices:
            return [(M, M), (K,), (N, N)]
        return [(M, K), (K,), (K, N)]


def svd(a, full_matrices=1, compute_uv=1):
    """Singular value decomposition of the matrix ``a``: ``[u, s, vt]``, or ``s`` alone.

    See :class:`SVD` for the parameters.
    """
    return SVD(full_matrices, compute_uv)(a)


# -- least squares --------------------------------------------------------------------------------
class lstsq(Op):  # noqa: N801 (Theano 1.0's name: ``lstsq()(a, b, rcond)``)
    """Least-squares solution of ``a x = b`` (``numpy.linalg.lstsq``).

    Called as ``lstsq()(a, b, rcond)``: ``a`` a matrix (M, N), ``b`` a
    vector (M,) or matrix (M, K), ``rcond`` a scalar cut-off for small
    singular values (relative to the largest); without ``rcond`` NumPy's
    default (machine precision times max(M, N)) applies.

    Returns the four outputs of NumPy: the solution (N,) or (N, K), the
    residual sums of squares (empty when the rank is below N or M <= N), the
    rank (an int64 scalar) and the singular values of ``a``.
    """

    __props__ = ()

    def make_node(self, x, y, rcond=None):
        x = as_matrix("lstsq", x, "the coefficient matrix a")
        y = as_tensor_variable(y)
        if y.type.ndim not in (1, 2):
            raise TypeError("lstsq: b must be a vector or a matrix, got %s of type %s"
                            % (y, y.type))
        inputs = [x, y]
        if rcond is not None:
            rcond = as_tensor_variable(rcond)
            if rcond.type.ndim != 0 or rcond.type.dtype in complex_dtypes:
                raise TypeError("lstsq: rcond must be a real scalar, got %s of type %s"
                                % (rcond, rcond.type))
            inputs.append(rcond)
        dtype = linalg_dtype(x.type.dtype, y.type.dtype)
        real = real_dtype(dtype)
        outputs = [TensorType(dtype, (False,) * y.type.ndim)(), _vector_type(real)(),
                   TensorType("int64", ())(), _vector_type(real)()]
        return Apply(self, inputs, outputs)

    def perform(self, node, inputs, outputs):
        dtype = node.outputs[0].type.dtype
        a, b = as_dtype(inputs[0], dtype), as_dtype(inputs[1], dtype)
        rcond = float(inputs[2]) if len(inputs) == 3 else None
        x, residuals, rank, s = np.linalg.lstsq(a, b, rcond=rcond)
        values = (x, residuals, np.asarray(rank, dtype="int64"), s)
        for cell, value, out in zip(outputs, values, node.outputs):
            cell[0] = as_dtype(np.asarray(value), out.type.dtype)


# -- helpers built from other ops -----------------------------------------------------------------
def matrix_power(M, n):
    """The square matrix ``M`` raised to the integer power ``n`` (``numpy.linalg.matrix_power``).

    Built from ``dot`` by repeated squaring, so it is differentiable; ``n == 0``
    gives the identity and a negative ``n`` a power of ``matrix_inverse(M)``.
    """
    M = as_matrix("matrix_power", M, "M")
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError("matrix_power: the exponent n must be a Python integer, got %r"
                        % (n,)) from None
    if n == 0:
        return identity_like(M)
    if n < 0:
        M, n = matrix_inverse(M), -n
    result, base = None, M
    while True:
        if n & 1:
            result = base if result is None else tm.dot(result, base)
        n >>= 1
        if not n:
            return result
        base = tm.dot(base, base)


def _power(x, p):
    # The exponent in x's float dtype, so that a float32 norm stays float32.
    return x ** constant(p, dtype=x.type.dtype)


def _is_inf(ord, sign):
    if isinstance(ord, str):
        return ord == ("inf" if sign > 0 else "-inf")
    return ord is not None and not isinstance(ord, bool) and np.isscalar(ord) \
        and np.isinf(ord) and np.sign(ord) == sign


def _vector_norm(x, ord):
    a = tm.abs(x)
    if ord is None:
        return tm.sqrt(tm.sum(tm.sqr(a)))
    if _is_inf(ord, 1):
        return tm.max(a)
    if _is_inf(ord, -1):
        return tm.min(a)
    if isinstance(ord, str) or not np.isscalar(ord) or isinstance(ord, (bool, complex)):
        raise ValueError("norm: invalid norm order %r for vectors" % (ord,))
    if ord == 0:
        return tm.sum(tm.neq(x, 0), dtype=a.type.dtype)
    if ord == 1:
        return tm.sum(a)
    if ord == 2:
        return tm.sqrt(tm.sum(tm.sqr(a)))
    return _power(tm.sum(_power(a, float(ord))), 1.0 / float(ord))


def _matrix_norm(x, ord):
    a = tm.abs(x)
    if ord is None or ord == "fro":
        return tm.sqrt(tm.sum(tm.sqr(a)))
    if _is_inf(ord, 1):
        return tm.max(tm.sum(a, axis=1))
    if _is_inf(ord, -1):
        return tm.min(tm.sum(a, axis=1))
    if ord == "nuc":
        return tm.sum(svd(x, compute_uv=False))
    if not isinstance(ord, str) and not isinstance(ord, bool):
        if ord == 1:
            return tm.max(tm.sum(a, axis=0))
        if ord == -1:
            return tm.min(tm.sum(a, axis=0))
        if ord == 2:
            return tm.max(svd(x, compute_uv=False))
        if ord == -2:
            return tm.min(svd(x, compute_uv=False))
    raise ValueError("norm: invalid norm order %r for matrices (valid: None, 'fro', 'nuc', "
                     "inf, -inf, 1, -1, 2, -2)" % (ord,))


def norm(x, ord=None):
    """The vector or matrix norm of ``x`` (``numpy.linalg.norm`` without ``axis``).

    Parameters
    ----------
    x : vector or matrix
        (A tensor of more dimensions is accepted with ``ord=None``: the
        2-norm of all its entries.)
    ord : {None, int, float, inf, -inf, 'inf', '-inf', 'fro', 'nuc'}
        Vectors: None (2-norm), inf/-inf (max/min of ``abs(x)``), 0 (number
        of non-zero entries), other numbers ``sum(abs(x)**ord)**(1/ord)``.
        Matrices: None/'fro' (Frobenius), inf/-inf (max/min row sum of
        ``abs(x)``), 1/-1 (max/min column sum), 2/-2 (largest/smallest
        singular value) and 'nuc' (sum of singular values).  Theano 1.0's
        string spellings 'inf' and '-inf' mean the same as ``numpy.inf``.

    Notes
    -----
    The orders built on singular values (2, -2 and 'nuc' for matrices) have
    no gradient, since :class:`SVD` has none.
    """
    x = as_tensor_variable(x)
    if x.type.dtype in discrete_dtypes:
        x = cast(x, "float64")          # as NumPy: the norm of integers is a float64
    if x.type.ndim == 0:
        raise ValueError("norm: the input must have at least one dimension, got the scalar %s"
                         % (x,))
    if x.type.ndim == 1:
        return _vector_norm(x, ord)
    if x.type.ndim == 2:
        return _matrix_norm(x, ord)
    if ord is None:
        return _vector_norm(flatten(x, 1), None)
    raise ValueError("norm: the order %r needs a vector or a matrix, got %s with %d dimensions "
                     "(only ord=None works on more)" % (ord, x, x.type.ndim))


# -- tensorinv / tensorsolve ----------------------------------------------------------------------
class TensorInv(Op):
    """The inverse of ``a`` for ``tensordot(., ., ind)`` (``numpy.linalg.tensorinv``).

    The result has shape ``a.shape[ind:] + a.shape[:ind]``; ``a`` must be
    "square": ``prod(a.shape[:ind]) == prod(a.shape[ind:])``.
    """

    __props__ = ("ind",)

    def __init__(self, ind=2):
        ind = operator.index(ind)
        if ind <= 0:
            raise ValueError("tensorinv: ind must be a positive integer, got %d" % ind)
        self.ind = ind

    def make_node(self, a):
        a = as_tensor_variable(a)
        if a.type.ndim < self.ind:
            raise TypeError("tensorinv: ind=%d needs an input with at least %d dimensions, "
                            "got %s of type %s" % (self.ind, self.ind, a, a.type))
        bcast = a.type.broadcastable[self.ind:] + a.type.broadcastable[:self.ind]
        return Apply(self, [a], [TensorType(linalg_dtype(a.type.dtype), bcast)()])

    def perform(self, node, inputs, outputs):
        dtype = node.outputs[0].type.dtype
        outputs[0][0] = as_dtype(np.linalg.tensorinv(as_dtype(inputs[0], dtype), self.ind),
                                 dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [tuple(shapes[0][self.ind:]) + tuple(shapes[0][:self.ind])]


def tensorinv(a, ind=2):
    """The tensordot-inverse of ``a`` (``numpy.linalg.tensorinv``); see :class:`TensorInv`.

    ``tensordot(tensorinv(a, ind), a, ind)`` is the identity tensor for
    ``tensordot``.  A singular (or non-"square") ``a`` raises LinAlgError.
    """
    return TensorInv(ind)(a)


class TensorSolve(Op):
    """Solve the tensor equation ``tensordot(a, x, x.ndim) = b`` (``numpy.linalg.tensorsolve``).

    ``axes`` (optional) are axes of ``a`` moved to the end, in that order,
    before solving.  The solution has ``a.ndim - b.ndim`` dimensions: the
    last ones of (the reordered) ``a``.
    """

    __props__ = ("axes",)

    def __init__(self, axes=None):
        self.axes = None if axes is None else tuple(operator.index(k) for k in axes)

    def _order(self, ndim):
        order = list(range(ndim))
        for k in self.axes or ():
            if not -ndim <= k < ndim:
                raise ValueError("tensorsolve: axis %d is out of range for a with %d "
                                 "dimensions" % (k, ndim))
            order.remove(k % ndim)
            order.append(k % ndim)
        return order

    def make_node(self, a, b):
        a, b = as_tensor_variable(a), as_tensor_variable(b)
        if a.type.ndim < b.type.ndim:
            raise TypeError("tensorsolve: a must have at least as many dimensions as b, got a "
                            "of type %s and b of type %s" % (a.type, b.type))
        order = self._order(a.type.ndim)
        bcast = tuple(a.type.broadcastable[k] for k in order[b.type.ndim:])
        dtype = linalg_dtype(a.type.dtype, b.type.dtype)
        return Apply(self, [a, b], [TensorType(dtype, bcast)()])

    def perform(self, node, inputs, outputs):
        dtype = node.outputs[0].type.dtype
        a, b = (as_dtype(v, dtype) for v in inputs)
        axes = None if self.axes is None else [k % a.ndim for k in self.axes]
        outputs[0][0] = as_dtype(np.linalg.tensorsolve(a, b, axes), dtype)

    def infer_shape(self, fgraph, node, shapes):
        a_shape, b_shape = shapes
        order = self._order(len(a_shape))
        return [tuple(a_shape[k] for k in order[len(b_shape):])]


def tensorsolve(a, b, axes=None):
    """Solve ``tensordot(a, x, axes=x.ndim) = b`` for ``x`` (``numpy.linalg.tensorsolve``).

    Parameters
    ----------
    a : tensor
        Coefficients, of shape ``b.shape + Q`` (after moving ``axes`` to the
        end) with ``prod(Q) == prod(b.shape)``.
    b : tensor
        Right-hand side, any shape.
    axes : tuple of int, optional
        Axes of ``a`` moved to the right before solving.

    Returns
    -------
    x : tensor of shape Q.  A singular ``a`` raises LinAlgError.
    """
    return TensorSolve(axes)(a, b)


# -- gradients and R-ops (Theano 1.0 had them for these four ops) ---------------------------------
@register_grad(MatrixInverse)
def _matrix_inverse_grad(op, inputs, outputs, output_grads):
    # d(X^-1) = -X^-1 dX X^-1, so the vector-Jacobian product is -(X^-1)^T G (X^-1)^T.
    (x,), (xi,), (gz,) = inputs, outputs, output_grads
    return [grad_like_input(-matrix_dot(xi, gz.T, xi).T, x)]


@register_rop(MatrixInverse)
def _matrix_inverse_rop(op, inputs, eval_points):
    (x,), (ev,) = inputs, eval_points
    if ev is None:
        return [None]
    xi = op(x)
    return [-matrix_dot(xi, ev, xi)]


@register_grad(MatrixPinv)
def _pinv_grad(op, inputs, outputs, output_grads):
    # The derivative of the pseudo-inverse (for a matrix of constant rank):
    # -Z dX Z + Z Z^T dX^T (I - X Z) + (I - Z X) dX^T Z^T Z, with Z = X^+.
    (x,), (z,), (gz,) = inputs, outputs, output_grads
    xz, zx = tm.dot(x, z), tm.dot(z, x)
    grad = (-matrix_dot(z, gz.T, z)
            + matrix_dot(z, z.T, gz, identity_like(xz) - xz)
            + matrix_dot(identity_like(zx) - zx, gz, z.T, z)).T
    return [grad_like_input(grad, x)]


@register_grad(Det)
def _det_grad(op, inputs, outputs, output_grads):
    # d det(X) / dX = det(X) X^-T (Jacobi's formula).
    (x,), (d,), (gz,) = inputs, outputs, output_grads
    return [grad_like_input(gz * d * matrix_inverse(x).T, x)]


@register_grad(Eigh)
def _eigh_grad(op, inputs, outputs, output_grads):
    (x,) = inputs
    w, v = outputs
    gw, gv = _zero_disconnected(outputs, output_grads)
    return [grad_like_input(EighGrad(op.UPLO)(x, w, v, gw, gv), x)]
