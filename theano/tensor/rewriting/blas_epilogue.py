"""Elementwise work on a matrix product's result joins the product (position 49.3).

``Elemwise(f)(..., dot(x, y), ...)`` becomes ``DotEpilogue(f')(x, y, ...)``
(:mod:`theano.tensor.blas_epilogue`), and so does ``Elemwise(f)(..., gemm(z, a, x, y, b),
...)`` with ``f'`` computing ``f(..., a * dot(x, y) + b * z, ...)``: the bias row and the
activation of a layer (``tanh(dot(X, W) + b)``, which the gemm rewrite has made
``tanh(gemm(b, 1, X, W, 1))``), or the backward ``dot(G, W.T) * (1 - h ** 2)``.  The
product's result must have no other client (a product that is also used elsewhere, or
returned, stays as it is), the elementwise result must have the product's dtype (float32
or float64) and broadcast pattern.  Runs after elementwise and reduction fusion, so ``f``
is usually a whole fused ``Composite``, and before the in-place rewrites.  Tag
``'blas_epilogue'``.
"""
import numpy as np

import theano.scalar.basic as ts
from theano.graph.basic import Constant
from theano.graph.replace import clone_replace
from theano.rewriting.basic import in2out, node_rewriter
from theano.rewriting.db import optdb
from theano.tensor.blas import Gemm
from theano.tensor.blas_epilogue import DotEpilogue, epilogue_dtypes
from theano.tensor.elemwise import DimShuffle, Elemwise
from theano.tensor.math import Dot
from theano.tensor.type import TensorType

__all__ = ["local_dot_epilogue"]


def _constant(v):
    """The value of a size-1 tensor constant ``v``, or None."""
    if isinstance(v, Constant) and isinstance(v.type, TensorType) and np.size(v.data) == 1:
        return np.asarray(v.data).reshape(())
    return None


class _ScalarInputs:
    """The scalar inputs of the new elementwise part and the tensors they stand for."""

    def __init__(self, dtype):
        self.product = ts.ScalarType(dtype)()
        self.scalars = [self.product]
        self.tensors = []
        self.seen = {}

    def of(self, v):
        """The scalar standing for tensor ``v`` (a matrix, or a 0-d tensor)."""
        c = _constant(v)
        if c is not None and all(v.type.broadcastable):
            return ts.constant(c, dtype=v.type.dtype)
        if v not in self.seen:
            s = ts.ScalarType(v.type.dtype)()
            t = v if v.type.ndim == 2 else DimShuffle(v.type.broadcastable, ["x", "x"])(v)
            self.seen[v] = s
            self.scalars.append(s)
            self.tensors.append(t)
        return self.seen[v]


def _gemm_value(prod, sin):
    """The scalar expression of ``gemm(z, a, x, y, b)`` in terms of the product."""
    z, alpha, _, _, beta = prod.inputs
    a, b = _constant(alpha), _constant(beta)
    res = sin.product
    if a is None or a != 1:
        res = ts.mul(sin.of(alpha), res)
    if b is None or b != 0:
        zs = sin.of(z)
        res = ts.add(res, zs if b is not None and b == 1 else ts.mul(sin.of(beta), zs))
    return res


def _product(fgraph, node, v, dtype):
    """The Dot or Gemm node computing ``v`` if it can join ``node``, else None."""
    prod = v.owner
    if prod is None or v.type.dtype != dtype or v.type != node.outputs[0].type:
        return None
    if isinstance(prod.op, Dot):
        x, y = prod.inputs
    elif isinstance(prod.op, Gemm) and not prod.op.inplace:
        x, y = prod.inputs[2:4]
    else:
        return None
    if x.type.ndim != 2 or y.type.ndim != 2 or x.type.dtype != dtype or y.type.dtype != dtype:
        return None
    if any(c is not node for c, _ in fgraph.clients.get(v, ())):
        return None  # the product itself is needed elsewhere (or returned)
    return prod


@node_rewriter([Elemwise])
def local_dot_epilogue(fgraph, node):
    """``Elemwise(f)(..., dot(x, y) or gemm(z, a, x, y, b), ...)`` -> ``DotEpilogue``."""
    op = node.op
    if op.inplace_pattern or len(node.outputs) != 1 or not isinstance(op.scalar_op, ts.ScalarOp):
        return False
    out = node.outputs[0]
    dtype = out.type.dtype
    if dtype not in epilogue_dtypes or out.type.ndim != 2:
        return False
    for v in node.inputs:
        prod = _product(fgraph, node, v, dtype)
        if prod is None:
            continue
        sin = _ScalarInputs(dtype)
        value = sin.product if isinstance(prod.op, Dot) else _gemm_value(prod, sin)
        s_ins = [value if i is v else sin.of(i) for i in node.inputs]
        sop = op.scalar_op
        if isinstance(sop, ts.Composite):
            (res,) = clone_replace(sop.outputs, dict(zip(sop.inputs, s_ins)))
        else:
            res = sop.make_node(*s_ins).outputs[0]
        if res.type.dtype != dtype:
            return False
        if (not isinstance(sop, ts.Composite) and len(s_ins) == len(sin.scalars)
                and all(a is b for a, b in zip(s_ins, sin.scalars))):
            new_sop = sop  # already f(product, extra...): keep its plain name
        else:
            new_sop = ts.Composite(sin.scalars, [res])
        x, y = prod.inputs[:2] if isinstance(prod.op, Dot) else prod.inputs[2:4]
        try:
            new = DotEpilogue(new_sop)(x, y, *sin.tensors)
        except TypeError:  # e.g. an operand broadcasts the result beyond the product
            continue
        if new.type != out.type:
            continue
        return [new]
    return False


optdb.register("blas_epilogue", in2out(local_dot_epilogue, name="blas_epilogue"),
               "fast_run", "blas_epilogue", position=49.3)
