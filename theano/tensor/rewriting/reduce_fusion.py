"""Reductions fused with the elementwise op that feeds them.

``CAReduce(Elemwise(f)(x, ...))`` becomes ``ElemwiseReduce(f, CAReduce)(x, ...)``
(:mod:`theano.tensor.fused_reduce`) when the reduction is the only client of the
elementwise result: ``sum(x ** 2)`` then reads ``x`` once and writes no temporary.
``mean`` is a sum followed by a division, so ``mean(x ** 2)`` fuses too.  Runs after
elementwise fusion (position 49.1), so ``f`` is usually a whole fused ``Composite``, and
before the in-place rewrites.

When the reduction reads one output of a fused node that has others (``mean((h - y) ** 2)``
next to its gradient ``2 (h - y) / n``: fusion made ``h - y`` and ``(h - y) ** 2`` one node),
the reduction recomputes its output's expression from the fused node's inputs and the fused
node keeps its other outputs only.  No array is written for the reduction then, and the
other outputs may fuse with what the reduction's result kept apart before: elementwise
fusion runs once more after such a split.
"""
import theano.scalar.basic as ts
from theano.graph.basic import ancestors
from theano.rewriting.basic import GraphRewriter, in2out, node_rewriter
from theano.rewriting.db import optdb
from theano.tensor.elemwise import CAReduce, Elemwise
from theano.tensor.fused_reduce import ElemwiseReduce
from theano.tensor.rewriting.fusion import fuse_elemwise
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
    if not isinstance(ew.op.scalar_op, ts.ScalarOp):
        return False
    if [c for c, _ in fgraph.clients.get(x, ())] != [node]:
        return False  # the elementwise result is needed elsewhere (or returned)
    if not all(isinstance(v.type, TensorType) and v.type.dtype in _DTYPES
               for v in list(ew.inputs) + [x]):
        return False
    if len(ew.outputs) == 1:
        new = ElemwiseReduce(ew.op.scalar_op, node.op)(*ew.inputs)
        if new.type != node.outputs[0].type:
            return False
        return [new]
    return _split_reduced_output(fgraph, ew, ew.outputs.index(x), node)


def _part(ew, keep):
    """The scalar graph of fused node ``ew`` restricted to its outputs ``keep``, with the
    outer inputs it still reads: (Composite, inputs)."""
    comp = ew.op.scalar_op
    outs = [comp.outputs[k] for k in keep]
    needed = set(ancestors(outs))
    pos = [k for k, i in enumerate(comp.inputs) if i in needed]
    return ts.Composite([comp.inputs[k] for k in pos], outs), [ew.inputs[k] for k in pos]


def _split_reduced_output(fgraph, ew, i, node):
    comp = ew.op.scalar_op
    if not isinstance(comp, ts.Composite):
        return False
    red_comp, red_in = _part(ew, [i])
    rest = [k for k in range(len(ew.outputs)) if k != i]
    rest_comp, rest_in = _part(ew, rest)
    if not red_in or not rest_in:
        return False
    new = ElemwiseReduce(red_comp, node.op)(*red_in)
    kept = Elemwise(rest_comp).make_node(*rest_in).outputs
    if new.type != node.outputs[0].type or any(
            n.type != ew.outputs[k].type for k, n in zip(rest, kept)):
        return False  # an input dropped with the output carried its shape
    fgraph.reduce_fusion_splits = getattr(fgraph, "reduce_fusion_splits", 0) + 1
    repl = {node.outputs[0]: new}
    repl.update((ew.outputs[k], n) for k, n in zip(rest, kept))
    return repl


class ReduceFusion(GraphRewriter):
    """``local_reduce_of_elemwise`` over the graph; elementwise fusion again when a fused
    node was split (its remaining outputs may now fuse with their consumers)."""

    name = "reduce_fusion"

    def __init__(self):
        self.walk = in2out(local_reduce_of_elemwise, name="reduce_fusion")

    def apply(self, fgraph):
        before = getattr(fgraph, "reduce_fusion_splits", 0)
        changed = self.walk.apply(fgraph)
        if getattr(fgraph, "reduce_fusion_splits", 0) != before:
            fuse_elemwise(fgraph)
        return changed


optdb.register("reduce_fusion", ReduceFusion(), "fast_run", "fusion", "reduce_fusion",
               position=49.2)
