"""Shape ops: the symbolic shape of a tensor, reshaping and broadcast patterns."""
import numpy as np

from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.tensor.basic import as_tensor_variable
from theano.tensor.type import TensorType


class Shape(Op):
    """The shape of a tensor, as an int64 vector."""

    __props__ = ()

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [TensorType("int64", (False,))()])

    def perform(self, node, inputs, out):
        out[0][0] = np.asarray(inputs[0].shape, dtype="int64")

    def infer_shape(self, fgraph, node, shapes):
        return [(len(shapes[0]),)]

    def __str__(self):
        return "Shape"


class Shape_i(Op):
    """Size of dimension ``i`` of a tensor, as an int64 scalar."""

    __props__ = ("i",)

    def __init__(self, i):
        self.i = int(i)

    def make_node(self, x):
        x = as_tensor_variable(x)
        if not 0 <= self.i < x.type.ndim:
            raise ValueError("Shape_i(%d) of a %d-d tensor %s" % (self.i, x.type.ndim, x))
        return Apply(self, [x], [TensorType("int64", ())()])

    def perform(self, node, inputs, out):
        out[0][0] = np.asarray(inputs[0].shape[self.i], dtype="int64")

    def infer_shape(self, fgraph, node, shapes):
        return [()]

    def __str__(self):
        return "Shape_i{%d}" % self.i


_shape = Shape()


def shape(x):
    """Symbolic shape of ``x`` (an int64 vector)."""
    return _shape(x)


def shape_i(x, i):
    """Symbolic size of dimension ``i`` of ``x`` (a constant when the dimension is broadcastable)."""
    x = as_tensor_variable(x)
    if x.type.broadcastable[i]:
        from theano.tensor.basic import constant
        return constant(1, dtype="int64")
    return Shape_i(i)(x)
