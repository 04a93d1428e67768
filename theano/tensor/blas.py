"""BLAS-backed ops: ``Gemm``, ``Gemv`` and ``Ger`` (through ``scipy.linalg.blas``).

The rewrites of :mod:`theano.tensor.rewriting.blas` introduce them for
``alpha * dot(x, y) + beta * z`` forms (also ``dot(x, W) + b``); the in-place
versions (``inplace=True``) write into ``z`` when the destroy handler allows.

* ``gemm(z, alpha, x, y, beta) = alpha * dot(x, y) + beta * z`` (matrices;
  ``z`` may be a broadcastable row/column when not in place);
* ``gemv(y, alpha, A, x, beta) = alpha * dot(A, x) + beta * y``;
* ``ger(A, alpha, x, y) = A + alpha * outer(x, y)``.
"""
import numpy as np

from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.tensor.basic import as_tensor_variable, cast
from theano.tensor.type import TensorType

__all__ = ["Gemm", "Gemv", "Ger", "gemm_no_inplace", "gemm_inplace", "gemv_no_inplace",
           "gemv_inplace", "ger", "ger_destructive", "blas_dtypes"]

blas_dtypes = ("float32", "float64", "complex64", "complex128")
_PREFIX = {"float32": "s", "float64": "d", "complex64": "c", "complex128": "z"}


def _fn(name, dtype):
    # scipy.linalg takes ~0.1 s to import: only when a BLAS op first runs.
    import scipy.linalg.blas as blas
    return getattr(blas, _PREFIX[dtype] + name)


def _scalar(v, dtype, what, op):
    v = as_tensor_variable(v)
    if v.type.ndim != 0:
        raise TypeError("%s: %s must be a scalar (0-d tensor), got %s of type %s"
                        % (op, what, v, v.type))
    if v.type.dtype != dtype:
        v = cast(v, dtype)
    return v


def _check(op, what, v, ndim, dtype):
    if v.type.ndim != ndim:
        raise TypeError("%s: %s must have %d dimensions, got %s of type %s"
                        % (op, what, ndim, v, v.type))
    if v.type.dtype != dtype:
        raise TypeError("%s: %s has dtype %s but %s is needed (all operands must share one "
                        "BLAS dtype)" % (op, what, v.type.dtype, dtype))


def _f_operand(m):
    """(array, transposed?) such that BLAS sees a Fortran-ordered matrix without a copy."""
    if m.flags.f_contiguous:
        return m, False
    if m.flags.c_contiguous:
        return m.T, True
    return np.asfortranarray(m), False


class Gemm(Op):
    """``alpha * dot(x, y) + beta * z``; with ``inplace=True`` the result is written into ``z``."""

    __props__ = ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = bool(inplace)
        self.destroy_map = {0: [0]} if self.inplace else {}

    def make_node(self, z, alpha, x, y, beta):
        z, x, y = (as_tensor_variable(v) for v in (z, x, y))
        dtype = z.type.dtype
        if dtype not in blas_dtypes:
            raise TypeError("%s: dtype %s is not a BLAS dtype %s" % (self, dtype, blas_dtypes))
        _check(self, "z", z, 2, dtype)
        _check(self, "x", x, 2, dtype)
        _check(self, "y", y, 2, dtype)
        alpha = _scalar(alpha, dtype, "alpha", self)
        beta = _scalar(beta, dtype, "beta", self)
        bc = (x.type.broadcastable[0] and z.type.broadcastable[0],
              y.type.broadcastable[1] and z.type.broadcastable[1])
        if self.inplace and z.type.broadcastable != bc:
            raise TypeError("%s: z (%s) is broadcast to the result, it cannot hold it"
                            % (self, z.type))
        return Apply(self, [z, alpha, x, y, beta], [TensorType(dtype, bc)()])

    def perform(self, node, inputs, out):
        z, alpha, x, y, beta = inputs
        if x.shape[1] != y.shape[0]:
            raise ValueError("%s: shape mismatch in dot(x, y): x has shape %s and y has shape "
                             "%s" % (self, x.shape, y.shape))
        shape = (x.shape[0], y.shape[1])
        try:
            np.broadcast_shapes(z.shape, shape)
        except ValueError:
            raise ValueError("%s: z has shape %s but dot(x, y) has shape %s"
                             % (self, z.shape, shape)) from None
        dtype = node.outputs[0].type.dtype
        a, b = alpha.item(), beta.item()
        if self.inplace and z.shape == shape and z.flags.writeable and (
                z.flags.c_contiguous or z.flags.f_contiguous):
            target = z
        else:
            target = np.empty(shape, dtype=dtype)
            if b != 0:
                target[...] = z
        if 0 in shape or x.shape[1] == 0:
            res = np.asarray(a * np.dot(x, y), dtype=dtype)
            target[...] = res + (b * target if b != 0 else 0)
            out[0][0] = target
            return
        gemm = _fn("gemm", dtype)
        if target.flags.f_contiguous:
            xa, tx = _f_operand(x)
            ya, ty = _f_operand(y)
            res = gemm(a, xa, ya, beta=b, c=target, trans_a=tx, trans_b=ty, overwrite_c=True)
            if res is not target:
                target[...] = res
        else:
            # C order: compute target.T = alpha * y.T x.T + beta * target.T in Fortran order.
            ya, ty = _f_operand(y.T)
            xa, tx = _f_operand(x.T)
            res = gemm(a, ya, xa, beta=b, c=target.T, trans_a=ty, trans_b=tx,
                       overwrite_c=True)
            if not np.shares_memory(res, target):
                target[...] = res.T
        out[0][0] = target

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[2][0], shapes[3][1])]

    def __str__(self):
        return "Gemm{%s}" % ("inplace" if self.inplace else "no_inplace")

    def inplace_version(self):
        return Gemm(inplace=True)


class Gemv(Op):
    """``alpha * dot(A, x) + beta * y``; with ``inplace=True`` the result is written into ``y``."""

    __props__ = ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = bool(inplace)
        self.destroy_map = {0: [0]} if self.inplace else {}

    def make_node(self, y, alpha, A, x, beta):
        y, A, x = (as_tensor_variable(v) for v in (y, A, x))
        dtype = y.type.dtype
        if dtype not in blas_dtypes:
            raise TypeError("%s: dtype %s is not a BLAS dtype %s" % (self, dtype, blas_dtypes))
        _check(self, "y", y, 1, dtype)
        _check(self, "A", A, 2, dtype)
        _check(self, "x", x, 1, dtype)
        alpha = _scalar(alpha, dtype, "alpha", self)
        beta = _scalar(beta, dtype, "beta", self)
        bc = (A.type.broadcastable[0] and y.type.broadcastable[0],)
        if self.inplace and y.type.broadcastable != bc:
            raise TypeError("%s: y (%s) is broadcast to the result, it cannot hold it"
                            % (self, y.type))
        return Apply(self, [y, alpha, A, x, beta], [TensorType(dtype, bc)()])

    def perform(self, node, inputs, out):
        y, alpha, A, x, beta = inputs
        if A.shape[1] != x.shape[0]:
            raise ValueError("%s: shape mismatch in dot(A, x): A has shape %s and x has shape "
                             "%s" % (self, A.shape, x.shape))
        n = A.shape[0]
        if y.shape not in ((n,), (1,)):
            raise ValueError("%s: y has shape %s but dot(A, x) has shape %s"
                             % (self, y.shape, (n,)))
        dtype = node.outputs[0].type.dtype
        a, b = alpha.item(), beta.item()
        if self.inplace and y.shape == (n,) and y.flags.writeable and y.flags.c_contiguous:
            target = y
        else:
            target = np.empty((n,), dtype=dtype)
            if b != 0:
                target[...] = y
        if n == 0 or A.shape[1] == 0:
            target[...] = a * np.dot(A, x) + (b * target if b != 0 else 0)
            out[0][0] = target
            return
        gemv = _fn("gemv", dtype)
        Af, trans = _f_operand(A)
        res = gemv(a, Af, x, beta=b, y=target, trans=int(trans), overwrite_y=True)
        if not np.shares_memory(res, target):
            target[...] = res
        out[0][0] = target

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[2][0],)]

    def __str__(self):
        return "Gemv{%s}" % ("inplace" if self.inplace else "no_inplace")

    def inplace_version(self):
        return Gemv(inplace=True)


class Ger(Op):
    """``A + alpha * outer(x, y)``; with ``destructive=True`` the result is written into ``A``."""

    __props__ = ("destructive",)

    def __init__(self, destructive=False):
        self.destructive = bool(destructive)
        self.destroy_map = {0: [0]} if self.destructive else {}

    def make_node(self, A, alpha, x, y):
        A, x, y = (as_tensor_variable(v) for v in (A, x, y))
        dtype = A.type.dtype
        if dtype not in blas_dtypes:
            raise TypeError("%s: dtype %s is not a BLAS dtype %s" % (self, dtype, blas_dtypes))
        _check(self, "A", A, 2, dtype)
        _check(self, "x", x, 1, dtype)
        _check(self, "y", y, 1, dtype)
        alpha = _scalar(alpha, dtype, "alpha", self)
        bc = (A.type.broadcastable[0] and x.type.broadcastable[0],
              A.type.broadcastable[1] and y.type.broadcastable[0])
        if self.destructive and A.type.broadcastable != bc:
            raise TypeError("%s: A (%s) is broadcast to the result, it cannot hold it"
                            % (self, A.type))
        return Apply(self, [A, alpha, x, y], [TensorType(dtype, bc)()])

    def perform(self, node, inputs, out):
        A, alpha, x, y = inputs
        shape = (x.shape[0], y.shape[0])
        try:
            np.broadcast_shapes(A.shape, shape)
        except ValueError:
            raise ValueError("%s: A has shape %s but outer(x, y) has shape %s"
                             % (self, A.shape, shape)) from None
        dtype = node.outputs[0].type.dtype
        a = alpha.item()
        if self.destructive and A.shape == shape and A.flags.writeable and (
                A.flags.c_contiguous or A.flags.f_contiguous):
            target = A
        else:
            target = np.empty(shape, dtype=dtype)
            target[...] = A
        if 0 in shape:
            out[0][0] = target
            return
        ger = _fn("geru" if dtype.startswith("complex") else "ger", dtype)
        if target.flags.f_contiguous:
            res = ger(a, x, y, a=target, overwrite_a=True)
            if not np.shares_memory(res, target):
                target[...] = res
        else:
            res = ger(a, y, x, a=target.T, overwrite_a=True)
            if not np.shares_memory(res, target):
                target[...] = res.T
        out[0][0] = target

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[2][0], shapes[3][0])]

    def __str__(self):
        return "Ger{%s}" % ("destructive" if self.destructive else "non-destructive")

    def inplace_version(self):
        return Ger(destructive=True)


gemm_no_inplace = Gemm(False)
gemm_inplace = Gemm(True)
gemv_no_inplace = Gemv(False)
gemv_inplace = Gemv(True)
ger = Ger(False)
ger_destructive = Ger(True)
