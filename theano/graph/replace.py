"""Rebuilding a graph with some variables replaced."""
from theano.graph.basic import Variable, ancestors, io_toposort

__all__ = ["clone_replace"]


def clone_replace(output, replace=None, strict=True, share_inputs=True):
    """Clone the graph of ``output`` with ``replace`` ({old: new} or pairs) applied.

    Nodes that depend on a replaced variable are rebuilt; when ``strict`` is
    False a replacement may have a different (compatible) type and nodes are
    rebuilt with ``make_node``.  Leaves are shared unless ``share_inputs``
    is False.
    """
    single = isinstance(output, Variable)
    outputs = [output] if single else list(output)
    if replace is None:
        replace = {}
    elif not isinstance(replace, dict):
        replace = dict(replace)
    memo = {}
    for old, new in replace.items():
        if not isinstance(new, Variable):
            new = old.type.filter_variable(new)
        elif strict and old.type != new.type:
            conv = old.type.convert_variable(new)
            if conv is None:
                raise TypeError(
                    "Replacement %s of type %s does not have the type %s of the variable "
                    "%s it replaces" % (new, new.type, old.type, old))
            new = conv
        memo[old] = new
    # Ancestors of replaced variables that are only reachable through them are
    # not visited: the walk stops at replaced variables.
    stop = set(memo)
    for v in ancestors(outputs, blockers=stop):
        if v.owner is None and v not in memo:
            memo[v] = v if share_inputs else v.clone()
    for node in io_toposort(list(stop) + [v for v in memo if v.owner is None], outputs):
        if all(memo.get(i, i) is i for i in node.inputs):
            for o in node.outputs:
                memo.setdefault(o, o)
            continue
        new_inputs = [memo.get(i, i) for i in node.inputs]
        if strict and all(a.type == b.type for a, b in zip(node.inputs, new_inputs)):
            new_node = node.clone_with_new_inputs(new_inputs, strict=True)
        else:
            new_node = node.op.make_node(*new_inputs)
        for old, new in zip(node.outputs, new_node.outputs):
            memo.setdefault(old, new)
    result = [memo.get(o, o) for o in outputs]
    return result[0] if single else result
