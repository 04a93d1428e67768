"""The ``DoubleOp`` of Theano 1.0's "Creating a new Op" page, importable by its tests."""
import theano

__all__ = ["DoubleOp"]


class DoubleOp(theano.Op):
    """Double each element of a tensor.

    Parameters
    ----------
    x : tensor
        Input tensor.

    Returns
    -------
    tensor
        A tensor of the same shape and dtype as the input with all values doubled.

    See Also
    --------
    ``x * 2``, which is elementwise and fuses with its neighbours: this op only shows
    how an op is written.

    Examples
    --------
    >>> import numpy as np, theano
    >>> x = theano.tensor.dvector()
    >>> theano.function([x], DoubleOp()(x))(np.array([1.0, 2.0]))
    array([2., 4.])
    """

    __props__ = ()

    def make_node(self, x):
        x = theano.tensor.as_tensor_variable(x)
        return theano.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0] * 2

    def infer_shape(self, node, input_shapes):
        return input_shapes

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:  # no differentiable path through the input
            return eval_points
        return self.grad(inputs, eval_points)
