"""A reduction of an elementwise expression, as one op: ``sum(x ** 2)`` reads ``x`` once.

:class:`ElemwiseReduce` computes ``reduce_op(Elemwise(scalar_op)(*inputs))`` without
materialising the elementwise result.  It is made by a late rewrite
(``theano.tensor.rewriting.reduce_fusion``, after elementwise fusion), so graphs built by
users never contain it; its NumPy ``perform`` is the two ops one after the other, and a
backend may compute it in one pass (``theano.link.c.reduce_c``).
"""
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.graph.rules import register_grad
from theano.scalar.basic import ScalarOp
from theano.tensor.elemwise import CAReduce, Elemwise

__all__ = ["ElemwiseReduce"]


class ElemwiseReduce(Op):
    """``reduce_op(Elemwise(scalar_op)(*inputs))`` in one op.

    Parameters
    ----------
    scalar_op : ScalarOp
        The elementwise part (one output; often a fused ``Composite``).
    reduce_op : CAReduce
        The reduction applied to its result (``axis=None``: all axes).
    """

    __props__ = ("scalar_op", "reduce_op")

    def __init__(self, scalar_op, reduce_op):
        if not isinstance(scalar_op, ScalarOp) or scalar_op.nout != 1:
            raise TypeError("ElemwiseReduce needs a scalar op with one output, got %r"
                            % (scalar_op,))
        if not isinstance(reduce_op, CAReduce):
            raise TypeError("ElemwiseReduce needs a CAReduce, got %r" % (reduce_op,))
        self.scalar_op = scalar_op
        self.reduce_op = reduce_op

    def _inner(self, inputs):
        """The two nodes this op stands for, on ``inputs``."""
        ew = Elemwise(self.scalar_op).make_node(*inputs)
        red = self.reduce_op.make_node(ew.outputs[0])
        return ew, red

    def make_node(self, *inputs):
        ew, red = self._inner(inputs)
        if red.op != self.reduce_op:  # axes normalised for the inputs' rank
            return type(self)(self.scalar_op, red.op).make_node(*inputs)
        return Apply(self, list(ew.inputs), [red.outputs[0].type()])

    def make_thunk_fn(self, node):
        ew, red = self._inner([i.type() for i in node.inputs])
        ew_fn = ew.op.make_thunk_fn(ew)
        red_fn = red.op.make_thunk_fn(red)

        def fn(inputs, output_storage):
            tmp = [[None]]
            ew_fn(inputs, [tmp[0]])
            red_fn([tmp[0][0]], output_storage)

        return fn

    def perform(self, node, inputs, output_storage):
        self.make_thunk_fn(node)(inputs, output_storage)

    def infer_shape(self, fgraph, node, shapes):
        ew, red = self._inner(node.inputs)
        (eshape,) = ew.op.infer_shape(fgraph, ew, shapes)
        return red.op.infer_shape(fgraph, red, [eshape])

    def __str__(self):
        return "%s{%s}" % (self.reduce_op, self.scalar_op)


@register_grad(ElemwiseReduce)
def _elemwise_reduce_grad(op, inputs, outputs, output_grads):
    # The gradient of the two ops it stands for (gradients are usually taken before the
    # rewrite that makes this op).
    ew = Elemwise(op.scalar_op)(*inputs)
    red = op.reduce_op(ew)
    (g_ew,) = red.owner.op.L_op([ew], [red], output_grads)
    return ew.owner.op.L_op(list(ew.owner.inputs), [ew], [g_ew])
