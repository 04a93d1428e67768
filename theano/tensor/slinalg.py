"""Linear algebra through :mod:`scipy.linalg` (Theano 1.0's ``theano.tensor.slinalg``).

Cholesky factorisation, linear solves (general, triangular, symmetric, from a
Cholesky factor), generalised symmetric eigenvalues, the matrix exponential
and the Kronecker product, all with gradients.  The ops take single matrices,
as in Theano 1.0; dtypes follow :func:`theano.tensor.nlinalg.linalg_dtype`
(float32 stays float32, integers give float64).  Gradients are for real
inputs.
"""
import numpy as np
import scipy.linalg

from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.graph.rules import register_grad
from theano.tensor import math as tm
from theano.tensor.alloc import diag, tril, triu
from theano.tensor.basic import as_tensor_variable
from theano.tensor.grad_utils import grad_like_input
from theano.tensor.join import concatenate
from theano.tensor.nlinalg import as_dtype, as_matrix, fold_triangle, linalg_dtype, real_dtype
from theano.tensor.shape import flatten, reshape, shape
from theano.tensor.type import TensorType

__all__ = ["MATRIX_STRUCTURES", "Cholesky", "cholesky", "CholeskyGrad", "CholeskySolve",
           "cho_solve", "Solve", "solve", "solve_lower_triangular", "solve_upper_triangular",
           "solve_symmetric", "Eigvalsh", "EigvalshGrad", "eigvalsh", "kron", "Expm", "expm",
           "ExpmGrad"]

MATRIX_STRUCTURES = ("general", "symmetric", "lower_triangular", "upper_triangular",
                     "hermitian", "banded", "diagonal", "toeplitz")


def _matrix_type(dtype):
    return TensorType(dtype, (False, False))


def _as_rhs(opname, b):
    b = as_tensor_variable(b)
    if b.type.ndim not in (1, 2):
        raise TypeError("%s: the right-hand side b must be a vector or a matrix, got %s of "
                        "type %s" % (opname, b, b.type))
    return b


# -- Cholesky -------------------------------------------------------------------------------------
class Cholesky(Op):
    """A triangular square root of a symmetric positive-definite matrix.

    ``L = cholesky(X)`` gives a lower-triangular ``L`` with ``dot(L, L.T) == X``
    (``lower=False``: an upper ``U`` with ``dot(U.T, U) == X``).  Only that
    triangle of ``X`` is read (``scipy.linalg.cholesky``).

    Parameters
    ----------
    lower : bool
        Return the lower (default) or the upper factor.
    on_error : {'raise', 'nan'}
        A matrix that is not positive definite raises
        ``scipy.linalg.LinAlgError`` ('raise'), or gives a matrix of NaNs
        ('nan'; so does an input holding NaN or inf).
    """

    __props__ = ("lower", "on_error")

    def __init__(self, lower=True, on_error="raise"):
        if on_error not in ("raise", "nan"):
            raise ValueError("Cholesky: on_error must be 'raise' or 'nan', got %r" % (on_error,))
        self.lower = bool(lower)
        self.on_error = on_error

    def make_node(self, x):
        x = as_matrix("cholesky", x)
        return Apply(self, [x], [TensorType(linalg_dtype(x.type.dtype), x.type.broadcastable)()])

    def perform(self, node, inputs, outputs):
        dtype = node.outputs[0].type.dtype
        x = as_dtype(inputs[0], dtype)
        if self.on_error == "nan" and not np.isfinite(x).all():
            outputs[0][0] = np.full(x.shape, np.nan, dtype=dtype)
            return
        try:
            outputs[0][0] = as_dtype(scipy.linalg.cholesky(x, lower=self.lower), dtype)
        except scipy.linalg.LinAlgError:
            if self.on_error == "raise":
                raise
            outputs[0][0] = np.full(x.shape, np.nan, dtype=dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


cholesky = Cholesky()


def _cholesky_input_grad(L, dL, lower):
    """The gradient of ``x`` from that of its lower Cholesky factor ``L`` (I. Murray, 2016).

    ``Phi(L^T dL)`` (lower triangle, halved diagonal) is conjugated by ``L^-1``;
    the result is symmetrised onto the triangle the factorisation read.
    ``lower=False`` means ``L``/``dL`` are the transposes of an upper factor and
    its gradient, and the result is put on the upper triangle.
    """
    phi = tril(tm.dot(L.T, dL))
    phi = phi - diag(diag(phi) / 2)
    # s = L^-T phi L^-1, by two triangular solves.
    s = solve_upper_triangular(L.T, solve_upper_triangular(L.T, phi.T).T)
    sym = s + s.T
    return (tril(sym) if lower else triu(sym)) - diag(diag(s))


class CholeskyGrad(Op):
    """The gradient of ``x`` for the gradient ``dz`` of its Cholesky factor ``l``.

    ``make_node(x, l, dz)`` with ``l = Cholesky(lower)(x)``.  The result lies on
    the triangle the factorisation read (lower for ``lower=True``).  The
    symbolic gradient of :class:`Cholesky` does not use this op; it is the
    one-node form of the same result.
    """

    __props__ = ("lower",)

    def __init__(self, lower=True):
        self.lower = bool(lower)

    def make_node(self, x, l, dz):
        x, l, dz = [as_matrix("CholeskyGrad", v, name)
                    for v, name in ((x, "x"), (l, "l"), (dz, "dz"))]
        dtype = linalg_dtype(x.type.dtype, l.type.dtype, dz.type.dtype)
        return Apply(self, [x, l, dz], [_matrix_type(dtype)()])

    def perform(self, node, inputs, outputs):
        dtype = node.outputs[0].type.dtype
        x, L, dL = (as_dtype(v, dtype) for v in inputs)
        if not self.lower:
            L, dL = L.T, dL.T
        phi = np.tril(L.T @ dL)
        phi[np.diag_indices_from(phi)] /= 2
        inner = scipy.linalg.solve_triangular(L, phi, trans="T", lower=True)
        s = scipy.linalg.solve_triangular(L, inner.T, trans="T", lower=True).T
        sym = s + s.T
        tri = np.tril(sym) if self.lower else np.triu(sym)
        tri[np.diag_indices_from(tri)] -= np.diag(s)
        outputs[0][0] = as_dtype(tri, dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


# -- linear solves --------------------------------------------------------------------------------
def _fold(g, lower):
    """Gradient on a symmetric matrix that is read from one triangle only."""
    if lower:
        return tril(g) + triu(g, 1).T
    return triu(g) + tril(g, -1).T


class Solve(Op):
    """Solve the linear system ``A x = b`` for ``x`` (``b`` a vector or a matrix).

    Parameters
    ----------
    A_structure : str
        One of :data:`MATRIX_STRUCTURES`.  'lower_triangular' and
        'upper_triangular' use a triangular solve (only that triangle of
        ``A`` is read); 'symmetric' and 'hermitian' read the triangle named
        by ``lower``; 'diagonal' reads only the diagonal; 'general', 'banded'
        and 'toeplitz' use a general LU solve of the full matrix ``A``.
    lower : bool
        The triangle read for 'symmetric'/'hermitian' (default: upper).
    overwrite_A, overwrite_b : bool
        Accepted for compatibility; the inputs are never overwritten.

    A singular ``A`` raises ``scipy.linalg.LinAlgError``.
    """

    __props__ = ("A_structure", "lower", "overwrite_A", "overwrite_b")

    def __init__(self, A_structure="general", lower=False, overwrite_A=False, overwrite_b=False):
        if A_structure not in MATRIX_STRUCTURES:
            raise ValueError("Solve: A_structure must be one of %s, got %r"
                             % (", ".join(MATRIX_STRUCTURES), A_structure))
        self.A_structure = A_structure
        self.lower = bool(lower)
        self.overwrite_A = bool(overwrite_A)
        self.overwrite_b = bool(overwrite_b)

    def make_node(self, A, b):
        A = as_matrix("solve", A, "A")
        b = _as_rhs("solve", b)
        dtype = linalg_dtype(A.type.dtype, b.type.dtype)
        return Apply(self, [A, b], [TensorType(dtype, b.type.broadcastable)()])

    def perform(self, node, inputs, outputs):
        dtype = node.outputs[0].type.dtype
        A, b = (as_dtype(v, dtype) for v in inputs)
        structure = self.A_structure
        if structure in ("lower_triangular", "upper_triangular"):
            x = scipy.linalg.solve_triangular(A, b, lower=structure == "lower_triangular")
        elif structure == "diagonal":
            d = np.diagonal(A)
            if A.shape[0] != A.shape[1] or d.shape[0] != b.shape[0]:
                raise ValueError("solve: A of shape %s and b of shape %s do not match"
                                 % (A.shape, b.shape))
            if (d == 0).any():
                raise scipy.linalg.LinAlgError("solve: singular diagonal matrix")
            x = b / (d if b.ndim == 1 else d[:, np.newaxis])
        else:
            assume = {"symmetric": "sym", "hermitian": "her"}.get(structure, "gen")
            x = scipy.linalg.solve(A, b, lower=self.lower, assume_a=assume)
        outputs[0][0] = as_dtype(x, dtype)

    def infer_shape(self, fgraph, node, shapes):
        A_shape, b_shape = shapes
        return [(A_shape[1],) + tuple(b_shape[1:])]

    def __str__(self):
        return "Solve{%s, lower=%s}" % (self.A_structure, self.lower)


solve = Solve()
solve_lower_triangular = Solve(A_structure="lower_triangular", lower=True)
solve_upper_triangular = Solve(A_structure="upper_triangular", lower=False)
solve_symmetric = Solve(A_structure="symmetric")


class CholeskySolve(Op):
    """Solve ``A x = b`` given the Cholesky factor ``C`` of ``A`` (``scipy.linalg.cho_solve``).

    ``C`` is lower (``A = C C^T``, default) or upper (``A = C^T C``) triangular;
    only that triangle is read.
    """

    __props__ = ("lower",)

    def __init__(self, lower=True):
        self.lower = bool(lower)

    def make_node(self, C, b):
        C = as_matrix("cho_solve", C, "the Cholesky factor C")
        b = _as_rhs("cho_solve", b)
        dtype = linalg_dtype(C.type.dtype, b.type.dtype)
        return Apply(self, [C, b], [TensorType(dtype, b.type.broadcastable)()])

    def perform(self, node, inputs, outputs):
        dtype = node.outputs[0].type.dtype
        C, b = (as_dtype(v, dtype) for v in inputs)
        outputs[0][0] = as_dtype(scipy.linalg.cho_solve((C, self.lower), b), dtype)

    def infer_shape(self, fgraph, node, shapes):
        C_shape, b_shape = shapes
        return [(C_shape[1],) + tuple(b_shape[1:])]


def cho_solve(c_and_lower, b):
    """Solve ``A x = b`` from the Cholesky factorisation ``(C, lower)`` of ``A``.

    The same call as ``scipy.linalg.cho_solve((C, lower), b)``.
    """
    C, lower = c_and_lower
    return CholeskySolve(lower)(C, b)


# -- eigenvalues ----------------------------------------------------------------------------------
class Eigvalsh(Op):
    """Eigenvalues (ascending) of a symmetric problem ``a v = w b v`` (``scipy.linalg.eigvalsh``).

    ``b`` (symmetric positive definite) may be None: the standard problem
    ``a v = w v``.  Only the lower (``lower=True``) or upper triangles are read.
    """

    __props__ = ("lower",)

    def __init__(self, lower=True):
        if lower not in (True, False):
            raise ValueError("Eigvalsh: lower must be True or False, got %r" % (lower,))
        self.lower = bool(lower)

    def make_node(self, a, b=None):
        a = as_matrix("eigvalsh", a, "a")
        inputs = [a] if b is None else [a, as_matrix("eigvalsh", b, "b")]
        dtype = linalg_dtype(*[v.type.dtype for v in inputs])
        return Apply(self, inputs, [TensorType(real_dtype(dtype), (False,))()])

    def perform(self, node, inputs, outputs):
        dtype = linalg_dtype(*[v.type.dtype for v in node.inputs])
        a = as_dtype(inputs[0], dtype)
        b = as_dtype(inputs[1], dtype) if len(inputs) == 2 else None
        w = scipy.linalg.eigvalsh(a, b, lower=self.lower)
        outputs[0][0] = as_dtype(w, node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[0][0],)]


class EigvalshGrad(Op):
    """The gradients of ``a`` (and ``b``) for the gradient ``gw`` of ``eigvalsh(a, b)``.

    ``make_node(a, b, gw)``, ``b`` possibly None (then one output).  With
    ``(w, v) = eigh(a, b)``: ``ga = v diag(gw) v^T`` and
    ``gb = -v diag(gw w) v^T``, folded onto the triangle that is read.
    """

    __props__ = ("lower",)

    def __init__(self, lower=True):
        if lower not in (True, False):
            raise ValueError("EigvalshGrad: lower must be True or False, got %r" % (lower,))
        self.lower = bool(lower)

    def make_node(self, a, b, gw):
        a = as_matrix("EigvalshGrad", a, "a")
        mats = [a] if b is None else [a, as_matrix("EigvalshGrad", b, "b")]
        gw = as_tensor_variable(gw)
        if gw.type.ndim != 1:
            raise TypeError("EigvalshGrad: gw must be a vector, got %s of type %s"
                            % (gw, gw.type))
        dtype = linalg_dtype(gw.type.dtype, *[m.type.dtype for m in mats])
        return Apply(self, mats + [gw], [_matrix_type(dtype)() for _ in mats])

    def perform(self, node, inputs, outputs):
        dtype = node.outputs[0].type.dtype
        a, gw = as_dtype(inputs[0], dtype), inputs[-1]
        b = as_dtype(inputs[1], dtype) if len(inputs) == 3 else None
        w, v = scipy.linalg.eigh(a, b, lower=self.lower)
        grads = [(v * gw) @ v.T]
        if b is not None:
            grads.append(-(v * (gw * w)) @ v.T)
        for cell, g in zip(outputs, grads):
            cell[0] = np.asarray(fold_triangle(g, "L" if self.lower else "U"), dtype=dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]] * len(node.outputs)


def eigvalsh(a, b=None, lower=True):
    """Eigenvalues of the symmetric matrix ``a``, generalised by ``b`` (None: the identity)."""
    return Eigvalsh(lower)(a, b)


# -- Kronecker product and matrix exponential -----------------------------------------------------
def kron(a, b):
    """Kronecker product of ``a`` and ``b``, like ``scipy.linalg.kron`` (SciPy before 1.15).

    For two matrices it equals ``numpy.kron(a, b)``.  In general the result
    has ``a.ndim + b.ndim - 2`` dimensions (a vector when that is 1): the
    first two axes combine ``a``'s first two axes with ``b``'s first two and
    the rest follow.  ``a.ndim + b.ndim`` must be at least 3.
    """
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.type.ndim + b.type.ndim <= 2:
        raise TypeError("kron: the inputs' dimensions must sum to 3 or more, got %d and %d"
                        % (a.type.ndim, b.type.ndim))
    o = reshape(tm.outer(a, b), concatenate([shape(a), shape(b)]), a.type.ndim + b.type.ndim)
    if o.type.ndim == 3:
        return flatten(o.dimshuffle(1, 0, 2), 1)
    shf = o.dimshuffle(0, 2, 1, *range(3, o.type.ndim))
    new_shape = [o.shape[0] * o.shape[2], o.shape[1] * o.shape[3]] + \
        [o.shape[i] for i in range(4, o.type.ndim)]
    return reshape(shf, new_shape, o.type.ndim - 2)


class Expm(Op):
    """The matrix exponential of a square matrix (``scipy.linalg.expm``)."""

    __props__ = ()

    def make_node(self, A):
        A = as_matrix("expm", A, "A")
        return Apply(self, [A], [_matrix_type(linalg_dtype(A.type.dtype))()])

    def perform(self, node, inputs, outputs):
        dtype = node.outputs[0].type.dtype
        outputs[0][0] = as_dtype(scipy.linalg.expm(as_dtype(inputs[0], dtype)), dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


expm = Expm()


class ExpmGrad(Op):
    """The gradient of ``A`` for the gradient ``gA`` of ``expm(A)``.

    It is the Fréchet derivative of the exponential at ``A.T`` in the direction
    ``gA`` (``scipy.linalg.expm_frechet``), exact also for matrices that are
    not diagonalisable (Theano 1.0 went through an eigendecomposition).
    """

    __props__ = ()

    def make_node(self, A, gA):
        A = as_matrix("ExpmGrad", A, "A")
        gA = as_matrix("ExpmGrad", gA, "gA")
        return Apply(self, [A, gA], [_matrix_type(linalg_dtype(A.type.dtype, gA.type.dtype))()])

    def perform(self, node, inputs, outputs):
        dtype = node.outputs[0].type.dtype
        A, gA = (as_dtype(v, dtype) for v in inputs)
        g = scipy.linalg.expm_frechet(A.T, gA, compute_expm=False)
        outputs[0][0] = as_dtype(g, dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


# -- gradients ------------------------------------------------------------------------------------
@register_grad(Cholesky)
def _cholesky_grad(op, inputs, outputs, output_grads):
    (x,), (L,), (dL,) = inputs, outputs, output_grads
    if op.on_error == "nan":
        # A failed factorisation (all NaN) would make the triangular solves fail: run
        # them on ones and give NaN as the gradient.
        ok = tm.invert(tm.any(tm.isnan(L)))
        L, dL = tm.switch(ok, L, 1), tm.switch(ok, dL, 1)
    if not op.lower:
        L, dL = L.T, dL.T
    grad = _cholesky_input_grad(L, dL, op.lower)
    if op.on_error == "nan":
        grad = tm.switch(ok, grad, np.nan)
    return [grad_like_input(grad, x)]


_TRANSPOSED = {"lower_triangular": "upper_triangular", "upper_triangular": "lower_triangular"}


@register_grad(Solve)
def _solve_grad(op, inputs, outputs, output_grads):
    # M. B. Giles, "An extended collection of matrix derivative results for forward and
    # reverse mode algorithmic differentiation": with c = A^-1 b, b_bar = A^-T c_bar and
    # A_bar = -b_bar c^T.
    (A, b), (c,), (c_bar,) = inputs, outputs, output_grads
    structure = op.A_structure
    transposed = Solve(A_structure=_TRANSPOSED.get(structure, structure), lower=not op.lower)
    b_bar = transposed(A.T, c_bar)
    A_bar = -tm.outer(b_bar, c) if c.type.ndim == 1 else -tm.dot(b_bar, c.T)
    if structure == "lower_triangular":
        A_bar = tril(A_bar)
    elif structure == "upper_triangular":
        A_bar = triu(A_bar)
    elif structure in ("symmetric", "hermitian"):
        A_bar = _fold(A_bar, op.lower)
    elif structure == "diagonal":
        A_bar = diag(diag(A_bar))
    return [grad_like_input(A_bar, A), grad_like_input(b_bar, b)]


@register_grad(CholeskySolve)
def _cho_solve_grad(op, inputs, outputs, output_grads):
    # x = (C C^T)^-1 b: b_bar = A^-1 x_bar and C_bar = -(b_bar x^T + x b_bar^T) C, on the
    # triangle of C that is read (for an upper factor, A = C^T C and C_bar = -C (...)).
    (C, b), (x,), (x_bar,) = inputs, outputs, output_grads
    b_bar = op(C, x_bar)
    if x.type.ndim == 1:
        sym = tm.outer(b_bar, x) + tm.outer(x, b_bar)
    else:
        sym = tm.dot(b_bar, x.T) + tm.dot(x, b_bar.T)
    C_bar = -tm.dot(sym, C) if op.lower else -tm.dot(C, sym)
    C_bar = tril(C_bar) if op.lower else triu(C_bar)
    return [grad_like_input(C_bar, C), grad_like_input(b_bar, b)]


@register_grad(Eigvalsh)
def _eigvalsh_grad(op, inputs, outputs, output_grads):
    (gw,) = output_grads
    b = inputs[1] if len(inputs) == 2 else None
    grads = EigvalshGrad(op.lower)(inputs[0], b, gw, return_list=True)
    return [grad_like_input(g, x) for g, x in zip(grads, inputs)]


@register_grad(Expm)
def _expm_grad(op, inputs, outputs, output_grads):
    (A,), (gA,) = inputs, output_grads
    return [grad_like_input(ExpmGrad()(A, gA), A)]
