"""The in-place checker: a FunctionGraph feature that vets destructive ops.

An op *destroys* input ``i`` when its ``destroy_map`` says an output is
written into that input's buffer; an output is a *view* of an input when its
``view_map`` says so.  Following view maps back from a variable gives its
*root*: the variable that owns the buffer.

A destruction of ``v`` (root ``r``) is accepted only when

* ``r`` is not a graph input (unless the compile layer marked it mutable:
  ``fgraph.mutable_inputs``, from ``In(x, mutable=True)``), a shared
  variable, a constant or any other leaf;
* neither ``r`` nor any view of it is an output of the graph;
* no other node destroys ``r``, and the destroying node reads no other view
  of ``r`` through another input;
* every other node reading ``r`` or one of its views is an ancestor of the
  destroying node, so it runs first in every execution order.

The output of a destroying op is a new buffer root (later ops may destroy it
in turn).
"""
from theano.graph.basic import Constant
from theano.graph.fg import Feature, InconsistencyError

__all__ = ["DestroyHandler", "view_root", "add_destroy_handler"]


def view_root(var):
    """The variable owning the buffer of ``var`` (following view maps only)."""
    while var.owner is not None:
        vm = var.owner.op.view_map.get(var.index)
        if not vm:
            break
        var = var.owner.inputs[vm[0]]
    return var


class DestroyHandler(Feature):
    """Tracks destructive ops and refuses unsafe ones (see the module docstring)."""

    def __init__(self):
        self.fgraph = None
        self.destroyer_nodes = set()
        # Set while a rewrite applies a change it already vetted with
        # can_destroy: validate() then has nothing to check.
        self.trusted = False

    # -- feature callbacks -------------------------------------------------
    def on_attach(self, fgraph):
        if getattr(fgraph, "destroy_handler", None) not in (None, self):
            raise ValueError("this FunctionGraph already has a DestroyHandler")
        self.fgraph = fgraph
        fgraph.destroy_handler = self
        fgraph.destroyers = self.destroyers
        self.destroyer_nodes = {n for n in fgraph.apply_nodes if n.op.destroy_map}

    def on_detach(self, fgraph):
        if getattr(fgraph, "destroy_handler", None) is self:
            del fgraph.destroy_handler
            del fgraph.destroyers
        self.fgraph = None

    def on_import(self, fgraph, node, reason):
        if node.op.destroy_map:
            self.destroyer_nodes.add(node)

    def on_prune(self, fgraph, node, reason):
        self.destroyer_nodes.discard(node)

    # -- queries -------------------------------------------------------------
    def destroyers(self, var):
        """The nodes that destroy the buffer of ``var`` (through any view)."""
        root = view_root(var)
        return [n for n in self.destroyer_nodes if any(
            view_root(n.inputs[i]) is root for i in _destroyed_inputs(n))]

    def is_protected(self, root):
        fg = self.fgraph
        if isinstance(root, Constant) or root.owner is None:
            if root in fg.inputs and root in getattr(fg, "mutable_inputs", ()):
                return False
            return True
        return False

    def views_of(self, root):
        """``root`` and every variable that is (transitively) a view of it."""
        clients = self.fgraph.clients
        out, stack, seen = [], [root], {root}
        while stack:
            v = stack.pop()
            out.append(v)
            for node, i in clients.get(v, ()):
                if node == "output":
                    continue
                for o_idx, ins in node.op.view_map.items():
                    if i in ins:
                        o = node.outputs[o_idx]
                        if o not in seen:
                            seen.add(o)
                            stack.append(o)
        return out

    def why_not(self, node, i, ignore=()):
        """Why ``node`` may not destroy its input ``i`` (a message), or None if it may.

        ``ignore`` lists destroying nodes not to count (e.g. the node being
        replaced by a destroying version of itself).
        """
        fg = self.fgraph
        var = node.inputs[i]
        root = view_root(var)
        if self.is_protected(root):
            kind = ("a constant" if isinstance(root, Constant) else
                    "a shared variable" if hasattr(root, "container") else
                    "an input of the function (not declared In(..., mutable=True))"
                    if root in fg.inputs else "a leaf of the graph")
            return "%s would overwrite %s, which is %s" % (node, root, kind)
        for other in self.destroyer_nodes:
            if other is node or other in ignore:
                continue
            for j in _destroyed_inputs(other):
                if view_root(other.inputs[j]) is root:
                    return "%s already destroys the buffer of %s" % (other, root)
        tolerate = {tuple(p) for p in getattr(node.op, "destroyhandler_tolerate_aliased", ())}
        for j, inp in enumerate(node.inputs):
            if j != i and view_root(inp) is root and (i, j) not in tolerate:
                return "%s reads the buffer it would overwrite through input %d" % (node, j)
        views = self.views_of(root)
        clients = fg.clients
        readers = set()
        for v in views:
            for c, _ in clients.get(v, ()):
                if c == "output":
                    return ("%s would overwrite %s, which the function returns" % (node, v))
                if c is not node:
                    readers.add(c)
        if readers:
            anc = _ancestor_nodes(node)
            late = [c for c in readers if c not in anc]
            if late:
                return ("%s would overwrite %s, which %s still reads afterwards"
                        % (node, root, late[0]))
        return None

    def can_destroy(self, node, i, ignore=()):
        return self.why_not(node, i, ignore) is None

    def validate(self, fgraph):
        if self.trusted:
            return True
        for node in list(self.destroyer_nodes):
            if node not in fgraph.apply_nodes:
                continue
            for i in _destroyed_inputs(node):
                msg = self.why_not(node, i)
                if msg is not None:
                    raise InconsistencyError(msg)
        return True


def _destroyed_inputs(node):
    out = []
    for ins in node.op.destroy_map.values():
        out.extend(ins)
    return out


def _ancestor_nodes(node):
    seen = set()
    stack = [i.owner for i in node.inputs if i.owner is not None]
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        for i in n.inputs:
            if i.owner is not None and i.owner not in seen:
                stack.append(i.owner)
    return seen


def add_destroy_handler(fgraph):
    """Attach a DestroyHandler to ``fgraph`` unless it has one; return it."""
    dh = getattr(fgraph, "destroy_handler", None)
    if dh is None:
        dh = DestroyHandler()
        fgraph.attach_feature(dh)
    return dh
