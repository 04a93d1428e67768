"""Small ops of the compile layer, and ``as_op`` to wrap a Python function as an Op."""
import copy

import numpy as np

from theano.graph.basic import Apply
from theano.graph.op import Op, positional_count
from theano.graph.rules import register_grad, register_rop
from theano.link.jax.registry import register_jax

__all__ = ["as_op", "FromFunctionOp", "DeepCopyOp", "deep_copy_op", "ViewOp", "view_op"]


class DeepCopyOp(Op):
    """A copy of its input (Theano 1.0's ``deep_copy_op``).

    ``theano.function`` puts one on each output that would otherwise be an
    input's buffer, a constant, or another output's buffer, so a caller never
    gets an alias of its own argument or of the function's state.
    """

    __props__ = ()

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        output_storage[0][0] = x.copy() if isinstance(x, np.ndarray) else copy.deepcopy(x)

    def infer_shape(self, fgraph, node, input_shapes):
        return input_shapes


class ViewOp(Op):
    """Its input itself (Theano 1.0's ``view_op``): the output is a view."""

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0]

    def infer_shape(self, fgraph, node, input_shapes):
        return input_shapes


deep_copy_op = DeepCopyOp()
view_op = ViewOp()


@register_grad(DeepCopyOp, ViewOp)
def _copy_grad(op, inputs, outputs, output_grads):
    return list(output_grads)


@register_rop(DeepCopyOp, ViewOp)
def _copy_rop(op, inputs, eval_points):
    return list(eval_points)


class FromFunctionOp(Op):
    """An Op whose ``perform`` calls a Python function (made by :func:`as_op`).

    Two such ops are equal when they wrap the same function with the same types.
    """

    __props__ = ("fn", "itypes", "otypes", "infer_shape_fn")

    def __init__(self, fn, itypes, otypes, infer_shape):
        self.fn = fn
        self.itypes = tuple(itypes)
        self.otypes = tuple(otypes)
        self.infer_shape_fn = infer_shape

    def perform(self, node, inputs, output_storage):
        outs = self.fn(*inputs)
        if len(self.otypes) == 1:
            outs = [outs]
        for cell, value, var in zip(output_storage, outs, node.outputs):
            cell[0] = var.type.filter(np.asarray(value), allow_downcast=True)

    def infer_shape(self, fgraph, node, input_shapes):
        if self.infer_shape_fn is None:
            raise NotImplementedError("as_op(%s) was given no infer_shape" % self.fn.__name__)
        if positional_count(self.infer_shape_fn) == 2:  # Theano 1.0's (node, input_shapes)
            return self.infer_shape_fn(node, input_shapes)
        return self.infer_shape_fn(fgraph, node, input_shapes)

    def __str__(self):
        return "FromFunctionOp{%s}" % self.fn.__name__

    def __reduce__(self):
        # Pickle by reference to the decorated function's module and name.
        return (_rebuild, (self.fn.__module__, self.fn.__qualname__))


def _rebuild(module, qualname):
    import importlib

    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def as_op(itypes, otypes, infer_shape=None):
    """Decorator turning a NumPy function into an Op (no gradient).

    ``infer_shape``, if given, is ``infer_shape(node, input_shapes)`` returning one shape
    tuple per output, as in Theano 1.0 (``infer_shape(fgraph, node, input_shapes)`` also
    works).

    Examples
    --------
    >>> import numpy as np, theano, theano.tensor as T
    >>> @theano.compile.ops.as_op(itypes=[T.dmatrix], otypes=[T.dvector])
    ... def row_norms(m):
    ...     return np.sqrt((m ** 2).sum(axis=1))
    >>> x = T.dmatrix()
    >>> theano.function([x], row_norms(x))(np.array([[3.0, 4.0]]))
    array([5.])
    """
    itypes = list(itypes) if isinstance(itypes, (list, tuple)) else [itypes]
    otypes = list(otypes) if isinstance(otypes, (list, tuple)) else [otypes]

    def deco(fn):
        return FromFunctionOp(fn, itypes, otypes, infer_shape)

    return deco


# JAX arrays are immutable: a copy or a view is the value itself.
def _identity(x):
    return x


# The value passes through unchanged (even a scan output of run-time length: linker.Truncated).
_identity.jax_identity = True
register_jax(DeepCopyOp, ViewOp)(lambda op, node: _identity)
