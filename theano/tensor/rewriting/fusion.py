"""Elementwise fusion: connected elementwise ops become one ``Elemwise{Composite}`` node.

Groups are grown from each elementwise node towards its inputs, adding
elementwise producers with the same output broadcast pattern, as long as the
group stays *convex* (no path leaves the group and comes back, which would
make the fused node depend on itself).  A producer whose result is also used
outside the group is fused too: the fused node then has that result as an
extra output.  Scalar constants are folded into the scalar graph.
"""
import numpy as np

import theano.scalar.basic as ts
from theano.graph.basic import Constant, io_toposort
from theano.graph.replace import clone_replace
from theano.rewriting.basic import GraphRewriter, _replace_validate
from theano.rewriting.db import optdb
from theano.tensor.elemwise import Elemwise
from theano.tensor.type import TensorType

__all__ = ["FusionRewriter", "fuse_elemwise"]

# Upper bound on the inputs of a fused node (Theano's C limit was 32).
MAX_INPUTS = 64


def _fusable(node):
    op = node.op
    return (isinstance(op, Elemwise) and not op.inplace_pattern and len(node.outputs) == 1
            and isinstance(node.outputs[0].type, TensorType)
            and isinstance(op.scalar_op, ts.ScalarOp))


def _inline_constant(v):
    """A scalar constant for ``v`` if it is a size-1 broadcastable tensor constant."""
    if isinstance(v, Constant) and isinstance(v.type, TensorType) and all(
            v.type.broadcastable) and np.size(v.data) == 1:
        return ts.constant(np.asarray(v.data).reshape(()), dtype=v.type.dtype)
    return None


class FusionRewriter(GraphRewriter):
    """Fuse groups of elementwise nodes into Composite elementwise nodes."""

    name = "elemwise_fusion"

    def apply(self, fgraph):
        nodes = io_toposort(fgraph.inputs, fgraph.outputs)
        index = {n: k for k, n in enumerate(nodes)}
        fusable = {n for n in nodes if _fusable(n)}
        used = set()
        groups = []
        for node in reversed(nodes):
            if node in fusable and node not in used:
                group = self._grow(node, index, fusable, used, fgraph.clients)
                if len(group) > 1:
                    used |= group
                    groups.append(sorted(group, key=index.get))
        for group in groups:
            self._fuse(fgraph, group)

    @staticmethod
    def _grow(node, index, fusable, used, clients):
        """The group of fusable nodes around ``node`` (see the module docstring).

        Producers join when each of their other clients comes after every
        member (it cannot lead back into the group); a producer whose result
        is broadcast differently joins only when all its clients are members
        (it stays internal).  Consumers join when each of their other inputs
        comes before every member.  Groups found later (ending earlier in the
        order) cannot depend on this one, so fused nodes form no cycle.
        """
        bc = node.outputs[0].type.broadcastable
        group = {node}
        bounds = [index[node], index[node]]  # min and max position of the members
        frontier = [node]
        waiting = {}  # client node -> producers that may join once it has

        def add(n):
            group.add(n)
            frontier.append(n)
            k = index[n]
            bounds[0] = min(bounds[0], k)
            bounds[1] = max(bounds[1], k)

        def try_producer(p):
            if p in group:
                return
            same = p.outputs[0].type.broadcastable == bc
            for c, _ in clients.get(p.outputs[0], ()):
                if c == "output":
                    if not same:
                        return
                    continue
                if c in group:
                    continue
                if not same:
                    waiting.setdefault(c, []).append(p)
                    return
                if index[c] <= bounds[1]:
                    waiting.setdefault(c, []).append(p)
                    return
            add(p)

        def consumer_ok(c):
            if c in group or c not in fusable or c in used:
                return False
            if c.outputs[0].type.broadcastable != bc:
                return False
            return all(i.owner is None or i.owner in group or index[i.owner] < bounds[0]
                       for i in c.inputs)

        while frontier:
            while frontier:
                m = frontier.pop()
                for p in waiting.pop(m, ()):
                    try_producer(p)
                for inp in m.inputs:
                    p = inp.owner
                    if p is not None and p in fusable and p not in used and p not in group:
                        try_producer(p)
            for m in list(group):
                for o in m.outputs:
                    for c, _ in clients.get(o, ()):
                        if c != "output" and consumer_ok(c):
                            add(c)
        return group

    def _fuse(self, fgraph, group):
        gset = set(group)
        clients = fgraph.clients
        if any(m not in fgraph.apply_nodes for m in group):
            return False
        ext, env = [], {}
        scalar_ins = []
        for m in group:
            for i in m.inputs:
                if i in env or (i.owner is not None and i.owner in gset):
                    continue
                c = _inline_constant(i)
                if c is not None:
                    env[i] = c
                    continue
                s = ts.ScalarType(i.type.dtype)()
                env[i] = s
                ext.append(i)
                scalar_ins.append(s)
        if not ext or len(ext) > MAX_INPUTS:
            return False
        for m in group:
            sop = m.op.scalar_op
            s_inputs = [env[i] for i in m.inputs]
            if isinstance(sop, ts.Composite):
                (res,) = clone_replace(sop.outputs, dict(zip(sop.inputs, s_inputs)))
            else:
                res = sop.make_node(*s_inputs).outputs[0]
            if res.type.dtype != m.outputs[0].type.dtype:
                return False
            env[m.outputs[0]] = res
        exposed = [m.outputs[0] for m in group
                   if any(c == "output" or c not in gset
                          for c, _ in clients.get(m.outputs[0], ()))]
        if not exposed:
            return False
        comp = ts.Composite(scalar_ins, [env[o] for o in exposed])
        new = Elemwise(comp).make_node(*ext).outputs
        for o, n in zip(exposed, new):
            if o.type != n.type:
                return False
        return _replace_validate(fgraph, list(zip(exposed, new)), "elemwise_fusion")


def fuse_elemwise(fgraph):
    """Run elementwise fusion on ``fgraph`` (in place)."""
    FusionRewriter().apply(fgraph)


optdb.register("elemwise_fusion", FusionRewriter(), "fast_run", "fusion",
               "local_elemwise_fusion", position=49.1)
