"""BLAS-form ops: ``Gemm``, ``Gemv`` and ``Ger``.

The rewrites of :mod:`theano.tensor.rewriting.blas` introduce them for
``alpha * dot(x, y) + beta * z`` forms (also ``dot(x, W) + b``); the in-place
versions (``inplace=True``) write into ``z`` when the destroy handler allows.

* ``gemm(z, alpha, x, y, beta) = alpha * dot(x, y) + beta * z`` (matrices;
  ``z`` may be a broadcastable row/column when not in place);
* ``gemv(y, alpha, A, x, beta) = alpha * dot(A, x) + beta * y``;
* ``ger(A, alpha, x, y) = A + alpha * outer(x, y)``.

Their ``perform`` computes the product with ``numpy.dot``, so every product
of a function goes through NumPy's BLAS: a second BLAS library (SciPy's)
would bring its own thread pool, and two pools alternating on the same cores
each spin while the other works (measured: 16x slower on two cores).
"""
import numpy as np

from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.tensor.basic import as_tensor_variable, cast
from theano.tensor.type import TensorType

__all__ = ["Gemm", "Gemv", "Ger", "gemm_no_inplace", "gemm_inplace", "gemv_no_inplace",
           "gemv_inplace", "ger", "ger_destructive", "blas_dtypes"]

blas_dtypes = ("float32", "float64", "complex64", "complex128")
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


def _accumulate(target, prod, alpha, beta, base):
    """``target[...] = alpha * prod + beta * base`` without temporaries of target's size."""
    if alpha != 1:
        prod *= alpha
    if beta == 0:
        target[...] = prod
        return
    if target is not base:
        target[...] = base
    if beta != 1:
        target *= beta
    target += prod


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
        prod = np.asarray(np.dot(x, y), dtype=dtype)
        if self.inplace and z.shape == shape and z.flags.writeable:
            target = z
        elif b == 0:
            target = prod
        else:
            target = np.empty(shape, dtype=dtype)
        _accumulate(target, prod, a, b, z)
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
        prod = np.asarray(np.dot(A, x), dtype=dtype)
        if self.inplace and y.shape == (n,) and y.flags.writeable:
            target = y
        elif b == 0:
            target = prod
        else:
            target = np.empty((n,), dtype=dtype)
        _accumulate(target, prod, a, b, y)
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
        if self.destructive and A.shape == shape and A.flags.writeable:
            target = A
        else:
            target = np.empty(shape, dtype=dtype)
            target[...] = A
        if 0 not in shape:
            target += np.asarray(np.multiply.outer(x * a if a != 1 else x, y), dtype=dtype)
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
