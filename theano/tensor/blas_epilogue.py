"""A matrix product followed by elementwise work on its result, as one op.

:class:`DotEpilogue` computes ``Elemwise(scalar_op)(dot(x, y), *extra)``: a layer's
``tanh(dot(X, W) + b)``, or the backward ``dot(G, W.T) * (1 - h ** 2)``.  It is made by a
late rewrite (:mod:`theano.tensor.rewriting.blas_epilogue`, after elementwise fusion), so
graphs built by users never contain it and it needs no gradient; its NumPy ``perform`` is
the two ops one after the other.  A backend may apply the elementwise part to the product
while it is still in cache (``theano.link.c.blas_c``: gemm into the output, then the
fused loop over it in place), so the result is written once and read once less.
"""
import numpy as np

from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.scalar.basic import ScalarOp
from theano.tensor.basic import as_tensor_variable
from theano.tensor.elemwise import Elemwise
from theano.tensor.math import _dot

__all__ = ["DotEpilogue", "epilogue_dtypes"]

epilogue_dtypes = ("float32", "float64")


class DotEpilogue(Op):
    """``Elemwise(scalar_op)(dot(x, y), *extra)`` for matrices ``x`` and ``y``.

    Parameters
    ----------
    scalar_op : ScalarOp
        The elementwise part, one output; its first input is the product (often a fused
        ``Composite``).  Its result has the product's dtype and broadcast pattern: the
        ``extra`` operands broadcast to the product, never the other way.
    """

    __props__ = ("scalar_op",)

    def __init__(self, scalar_op):
        if not isinstance(scalar_op, ScalarOp) or scalar_op.nout != 1:
            raise TypeError("DotEpilogue needs a scalar op with one output, got %r"
                            % (scalar_op,))
        self.scalar_op = scalar_op

    def _inner(self, inputs):
        """The two nodes this op stands for, on ``inputs``."""
        prod = _dot.make_node(inputs[0], inputs[1])
        ew = Elemwise(self.scalar_op).make_node(prod.outputs[0], *inputs[2:])
        return prod, ew

    def make_node(self, x, y, *extra):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        extra = [as_tensor_variable(e) for e in extra]
        if x.type.ndim != 2 or y.type.ndim != 2:
            raise TypeError("%s: x and y must be matrices, got %s and %s"
                            % (self, x.type, y.type))
        if x.type.dtype not in epilogue_dtypes or y.type.dtype != x.type.dtype:
            raise TypeError("%s: x and y must share one dtype of %s, got %s and %s"
                            % (self, epilogue_dtypes, x.type.dtype, y.type.dtype))
        for k, e in enumerate(extra):
            if e.type.ndim != 2:
                raise TypeError("%s: extra operand %d must be a matrix (broadcastable "
                                "dimensions allowed), got %s" % (self, k, e.type))
        if self.scalar_op.nin != 1 + len(extra):
            raise TypeError("%s: the scalar op takes %d inputs, got the product and %d extra"
                            % (self, self.scalar_op.nin, len(extra)))
        prod, ew = self._inner([x, y] + extra)
        p, out = prod.outputs[0], ew.outputs[0]
        if out.type != p.type:
            raise TypeError("%s: the elementwise result (%s) must have the product's type "
                            "(%s)" % (self, out.type, p.type))
        return Apply(self, [x, y] + extra, [out.type()])

    def make_thunk_fn(self, node):
        prod, ew = self._inner([i.type() for i in node.inputs])
        ew_fn = Elemwise(self.scalar_op, {0: 0}).make_thunk_fn(ew)
        dtype = np.dtype(node.outputs[0].type.dtype)

        def fn(inputs, output_storage):
            x, y = inputs[:2]
            if x.shape[1] != y.shape[0]:
                raise ValueError("%s: shape mismatch in dot(x, y): x has shape %s and y has "
                                 "shape %s" % (self, x.shape, y.shape))
            p = np.asarray(np.dot(x, y), dtype=dtype)
            ew_fn([p] + list(inputs[2:]), output_storage)

        return fn

    def perform(self, node, inputs, output_storage):
        self.make_thunk_fn(node)(inputs, output_storage)

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[0][0], shapes[1][1])]

    def __str__(self):
        return "DotEpilogue{%s}" % (self.scalar_op,)
