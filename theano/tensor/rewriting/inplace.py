"""In-place rewrites: elementwise ops and increments that reuse a dead intermediate's buffer.

A :class:`~theano.rewriting.destroyhandler.DestroyHandler` is attached first
(position 49.5); every candidate is vetted by it, so a function never
overwrites its inputs (unless declared ``In(x, mutable=True)``), shared
variables, constants, the values it returns, or a value that another node
still has to read.  Tag ``'inplace'``: ``mode.excluding('inplace')`` turns
all of this off.
"""
from theano.graph.basic import io_toposort
from theano.rewriting.basic import GraphRewriter, _replace_validate
from theano.rewriting.db import optdb
from theano.rewriting.destroyhandler import add_destroy_handler
from theano.tensor.elemwise import Elemwise

__all__ = ["InplaceElemwiseRewriter", "InplaceOpRewriter"]


class _AddDestroyHandler(GraphRewriter):
    name = "add_destroy_handler"

    def apply(self, fgraph):
        add_destroy_handler(fgraph)


optdb.register("add_destroy_handler", _AddDestroyHandler(), "fast_run", "inplace",
               position=49.5)


def _try(fgraph, dh, node, new_node, reason):
    """Replace ``node`` by ``new_node`` (same inputs) if the destroy handler agrees."""
    for ins in new_node.op.destroy_map.values():
        for i in ins:
            if not dh.can_destroy(node, i):
                return False
    pairs = [(o, n) for o, n in zip(node.outputs, new_node.outputs)
             if fgraph.clients.get(o)]
    if any(o.type != n.type for o, n in pairs):
        return False
    # The destroy handler vetted the change; a full validation is not needed.
    dh.trusted = True
    try:
        return _replace_validate(fgraph, pairs, reason)
    finally:
        dh.trusted = False


class InplaceElemwiseRewriter(GraphRewriter):
    """Make elementwise ops write into one of their inputs when that input is dead.

    For each output, the candidate inputs are those with the output's exact
    type; the first one the destroy handler accepts is used.
    """

    name = "inplace_elemwise"

    def apply(self, fgraph):
        dh = add_destroy_handler(fgraph)
        for node in io_toposort(fgraph.inputs, fgraph.outputs):
            op = node.op
            if not isinstance(op, Elemwise) or op.inplace_pattern or len(node.outputs) != 1:
                continue
            if node not in fgraph.apply_nodes:
                continue
            out = node.outputs[0]
            for i, inp in enumerate(node.inputs):
                if inp.type != out.type or (inp.owner is None and inp not in getattr(
                        fgraph, "mutable_inputs", ())):
                    continue
                if not dh.can_destroy(node, i):
                    continue
                new_op = Elemwise(op.scalar_op, {0: i}, name=None)
                new_node = new_op.make_node(*node.inputs)
                if _try(fgraph, dh, node, new_node, "inplace_elemwise"):
                    break


optdb.register("inplace_elemwise", InplaceElemwiseRewriter(), "fast_run", "inplace",
               "inplace_elemwise_optimizer", position=75)


class InplaceOpRewriter(GraphRewriter):
    """Switch ops offering an in-place version (``op.inplace_version()``) to it when safe.

    Ops opt in by defining ``inplace_version()`` returning the destructive op
    (same inputs and output types); increments of subtensors do.
    """

    name = "inplace_ops"

    def apply(self, fgraph):
        dh = add_destroy_handler(fgraph)
        for node in io_toposort(fgraph.inputs, fgraph.outputs):
            make = _inplace_maker(node.op)
            if make is None or node not in fgraph.apply_nodes:
                continue
            new_op = make()
            # Only ops declaring what they destroy can be vetted.
            if new_op is None or new_op == node.op or not new_op.destroy_map:
                continue
            try:
                new_node = new_op.make_node(*node.inputs)
            except (TypeError, ValueError):  # e.g. a broadcast target cannot hold the result
                continue
            _try(fgraph, dh, node, new_node, "inplace_ops")


def _inplace_maker(op):
    fn = getattr(op, "inplace_version", None)
    if fn is not None:
        return fn
    # Ops with an ``inplace`` flag in their props (IncSubtensor & co.).
    props = getattr(op, "__props__", ())
    if "inplace" in props and not getattr(op, "inplace", True) and hasattr(op, "_props"):
        def make():
            kw = {p: getattr(op, p) for p in props}
            kw["inplace"] = True
            try:
                return type(op)(**kw)
            except Exception:  # the op has no in-place version after all
                return None
        return make
    return None


optdb.register("inplace_ops", InplaceOpRewriter(), "fast_run", "inplace", position=75.1)
