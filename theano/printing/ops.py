"""The ``Print`` op: an identity that prints its value (or attributes of it) when run."""
from theano.graph.basic import Apply, Variable
from theano.graph.op import Op
from theano.graph.rules import register_grad, register_rop
from theano.tensor.basic import as_tensor_variable

__all__ = ["Print"]


def _print_fn(op, xin):
    """Default action of :class:`Print`: ``message attr = value`` for each attr."""
    for attr in op.attrs:
        value = getattr(xin, attr)
        if callable(value):
            value = value()
        print(op.message, attr, "=", value)


class Print(Op):
    """Identity op that prints ``message`` and attributes of its value when run.

    Parameters
    ----------
    message : str
        Text put in front of each printed attribute.
    attrs : tuple of str
        Attributes of the runtime value to print (callables are called),
        e.g. ``('shape', 'min', 'max')``.  Default: the value itself.
    global_fn : callable
        ``global_fn(op, value)`` does the printing; replace it to log elsewhere.

    Notes
    -----
    No rewrite looks through a Print node, so ``log(1 + Print('x')(x))``
    keeps its ``log`` and ``add`` instead of becoming ``log1p``.
    """

    __props__ = ("message", "attrs", "global_fn")
    view_map = {0: [0]}

    def __init__(self, message="", attrs=("__str__",), global_fn=_print_fn):
        self.message = message
        self.attrs = tuple(attrs)  # a tuple keeps the op hashable
        self.global_fn = global_fn

    def make_node(self, xin):
        if not isinstance(xin, Variable):
            xin = as_tensor_variable(xin)
        return Apply(self, [xin], [xin.type()])

    def perform(self, node, inputs, output_storage):
        (xin,) = inputs
        output_storage[0][0] = xin
        self.global_fn(self, xin)

    def infer_shape(self, fgraph, node, shapes):
        return list(shapes)

    def do_constant_folding(self, node):
        # Folding would print once at compile time and drop the node.
        return False

    def __setstate__(self, state):
        state.setdefault("global_fn", _print_fn)
        self.__dict__.update(state)

    def __str__(self):
        # The default props string would show the function's address.
        return "Print{%s}" % (self.message,)


@register_grad(Print)
def _print_grad(op, inputs, outputs, output_grads):
    return list(output_grads)


@register_rop(Print)
def _print_rop(op, inputs, eval_points):
    return list(eval_points)
