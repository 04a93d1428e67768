"""Reductions fused with the elementwise op that feeds them.

``CAReduce(Elemwise(f)(x, ...))`` becomes ``ElemwiseReduce(f, CAReduce)(x, ...)``
(:mod:`theano.tensor.fused_reduce`) when the reduction is the only client of the
elementwise result: ``sum(x ** 2)`` then reads ``x`` once and writes no temporary.
``mean`` is a sum followed by a division, so ``mean(x ** 2)`` fuses too.  Runs after
elementwise fusion (position 49.1), so ``f`` is usually a whole fused ``Composite``, and
before the in-place rewrites.
"""
import theano.scalar.basic as ts
from theano.rewriting.basic import in2out, node_rewriter
from theano.rewriting.db import optdb
from theano.tensor.elemwise import CAReduce, Elemwise
from theano.tensor.fused_reduce import ElemwiseReduce
from theano.tensor.type import TensorType

__all__ = ["local_reduce_of_elemwise"]

# Reductions with a one-pass implementation, and the dtypes elementwise code handles.
_REDUCTIONS = (ts.Add, ts.Mul, ts.Maximum, ts.Minimum, ts.AND, ts.OR)
_DTYPES = frozenset(["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                     "uint64", "float32", "float64"])


@node_rewriter([CAReduce])
def local_reduce_of_elemwise(fgraph, node):
    """``CAReduce(Elemwise(f)(...))`` -> ``ElemwiseReduce(f, CAReduce)(...)``."""
    if type(node.op.scalar_op) not in _REDUCTIONS:
        return False
    (x,) = node.inputs
    ew = x.owner
    if ew is None or not isinstance(ew.op, Elemwise) or ew.op.inplace_pattern:
        return False
    if len(ew.outputs) != 1 or not isinstance(ew.op.scalar_op, ts.ScalarOp):
        return False
    if [c for c, _ in fgraph.clients.get(x, ())] != [node]:
        return False  # the elementwise result is needed elsewhere (or returned)
    if not all(isinstance(v.type, TensorType) and v.type.dtype in _DTYPES
               for v in list(ew.inputs) + [x]):
        return False
    new = ElemwiseReduce(ew.op.scalar_op, node.op)(*ew.inputs)
    if new.type != node.outputs[0].type:
        return False
    return [new]


optdb.register("reduce_fusion", in2out(local_reduce_of_elemwise, name="reduce_fusion"),
               "fast_run", "fusion", "reduce_fusion", position=49.2)
