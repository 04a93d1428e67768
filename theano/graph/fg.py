"""FunctionGraph: a mutable, self-contained subgraph that rewrites work on."""
from theano.graph.basic import Apply, Constant, Variable, clone_get_equiv, io_toposort

__all__ = ["FunctionGraph", "InconsistencyError", "MissingInputError", "Feature"]


class InconsistencyError(Exception):
    """A feature vetoed a change (for example an unsafe in-place operation)."""


class MissingInputError(Exception):
    """The graph depends on a variable that is neither an input nor shared nor constant.

    (``theano.function`` raises it; Theano 1.0 defined it here, as
    ``theano.gof.MissingInputError``.)
    """


class Feature:
    """Base class of FunctionGraph listeners; every callback is optional."""

    def on_attach(self, fgraph):
        pass

    def on_detach(self, fgraph):
        pass

    def on_import(self, fgraph, node, reason):
        pass

    def on_prune(self, fgraph, node, reason):
        pass

    def on_change_input(self, fgraph, node, i, old, new, reason):
        pass

    def validate(self, fgraph):
        pass


class FunctionGraph:
    """The graph between ``inputs`` and ``outputs``, with client lists.

    ``clients[var]`` lists ``(node, i)`` pairs where ``node.inputs[i] is var``;
    an output position ``k`` of the graph appears as ``("output", k)``.
    """

    def __init__(self, inputs, outputs, features=(), clone=True, update_mapping=None):
        if clone:
            equiv = clone_get_equiv(inputs, outputs, copy_inputs=True, copy_orphans=False)
            inputs = [equiv[i] for i in inputs]
            outputs = [equiv[o] for o in outputs]
            self.equiv = equiv
        else:
            self.equiv = None
        self.inputs = list(inputs)
        self.outputs = []
        self.apply_nodes = set()
        self.variables = set()
        self.clients = {}
        self._features = []
        self.update_mapping = update_mapping or {}
        for i in self.inputs:
            if i.owner is not None:
                raise ValueError("FunctionGraph input %s has an owner" % i)
            self._setup_var(i)
        for k, o in enumerate(outputs):
            self._import_var(o, "init")
            self.outputs.append(o)
            self.clients[o].append(("output", k))
        for f in features:
            self.attach_feature(f)

    # -- bookkeeping -----------------------------------------------------
    def _setup_var(self, var):
        if var not in self.clients:
            self.clients[var] = []
            self.variables.add(var)

    def _import_var(self, var, reason):
        if var.owner is not None and var.owner not in self.apply_nodes:
            self._import_node(var.owner, reason)
        elif var.owner is None and var not in self.clients:
            if not isinstance(var, Constant) and var not in self.inputs:
                # Shared variables and other orphans are allowed: they are
                # leaves whose value comes from elsewhere.
                pass
            self._setup_var(var)

    def _import_node(self, node, reason):
        for n in io_toposort(self.variables, node.outputs):
            if n in self.apply_nodes:
                continue
            for i in n.inputs:
                if i.owner is None:
                    self._setup_var(i)
            self.apply_nodes.add(n)
            for o in n.outputs:
                self._setup_var(o)
            for k, i in enumerate(n.inputs):
                self.clients[i].append((n, k))
            self._notify("on_import", n, reason)

    def _prune_if_unused(self, var, reason):
        node = var.owner
        if node is None or node not in self.apply_nodes:
            return
        if any(self.clients[o] for o in node.outputs):
            return
        self.apply_nodes.discard(node)
        for o in node.outputs:
            self.variables.discard(o)
            del self.clients[o]
        self._notify("on_prune", node, reason)
        for k, i in enumerate(node.inputs):
            cl = self.clients.get(i)
            if cl is not None:
                cl.remove((node, k))
                if not cl:
                    if i.owner is not None:
                        self._prune_if_unused(i, reason)
                    elif i not in self.inputs:
                        del self.clients[i]
                        self.variables.discard(i)

    def _notify(self, name, *args):
        for f in self._features:
            fn = getattr(f, name, None)
            if fn is not None:
                fn(self, *args)

    # -- mutation ----------------------------------------------------------
    def change_input(self, node, i, new, reason=None):
        """Make input ``i`` of ``node`` (or graph output ``i`` if node == 'output') ``new``."""
        if node == "output":
            old = self.outputs[i]
            if old is new:
                return
            self._import_var(new, reason)
            self.outputs[i] = new
        else:
            old = node.inputs[i]
            if old is new:
                return
            if old.type != new.type:
                raise TypeError("Replacement type %s differs from %s" % (new.type, old.type))
            self._import_var(new, reason)
            node.inputs[i] = new
        self.clients[new].append((node, i))
        self.clients[old].remove((node, i))
        self._notify("on_change_input", node, i, old, new, reason)
        if not self.clients[old]:
            self._prune_if_unused(old, reason)

    def replace(self, var, new_var, reason=None, verbose=False, validate=False):
        """Replace every use of ``var`` by ``new_var`` (types must be compatible)."""
        if var is new_var:
            return
        if var.type != new_var.type:
            conv = var.type.convert_variable(new_var)
            if conv is None:
                raise TypeError(
                    "Cannot replace %s (type %s) by %s (type %s): %s"
                    % (var, var.type, new_var, new_var.type, reason))
            new_var = conv
        if var not in self.clients:
            return
        # Theano 1.0: the tag that exempts a variable from NanGuardMode's checks follows
        # the variable through rewrites (to its in-place version, for example).
        if (hasattr(var.tag, "nan_guard_mode_check")
                and not hasattr(new_var.tag, "nan_guard_mode_check")):
            new_var.tag.nan_guard_mode_check = var.tag.nan_guard_mode_check
        for node, i in list(self.clients[var]):
            self.change_input(node, i, new_var, reason)
        if validate:
            self.validate()

    def replace_all(self, pairs, reason=None):
        for var, new in pairs:
            self.replace(var, new, reason)

    def replace_validate(self, var, new_var, reason=None):
        self.replace(var, new_var, reason, validate=True)

    def replace_all_validate(self, pairs, reason=None):
        for var, new in pairs:
            self.replace(var, new, reason)
        self.validate()

    def attach_feature(self, feature):
        if feature in self._features:
            return
        self._features.append(feature)
        fn = getattr(feature, "on_attach", None)
        if fn is not None:
            fn(self)

    def remove_feature(self, feature):
        if feature in self._features:
            self._features.remove(feature)
            fn = getattr(feature, "on_detach", None)
            if fn is not None:
                fn(self)

    def validate(self):
        for f in self._features:
            v = getattr(f, "validate", None)
            if v is not None:
                v(self)

    # -- queries -----------------------------------------------------------
    def toposort(self):
        return io_toposort(self.inputs, self.outputs)

    def orphans(self):
        return [v for v in self.variables if v.owner is None and v not in self.inputs]

    def clone_get_equiv(self):
        equiv = clone_get_equiv(self.inputs, self.outputs)
        fg = FunctionGraph([equiv[i] for i in self.inputs],
                           [equiv[o] for o in self.outputs], clone=False,
                           update_mapping=dict(self.update_mapping))
        return fg, equiv

    def clone(self):
        return self.clone_get_equiv()[0]

    def check_integrity(self):
        """Verify the client lists and node sets (used by tests and DebugMode)."""
        nodes = set(io_toposort(self.inputs, self.outputs))
        if nodes != self.apply_nodes:
            raise AssertionError("apply_nodes out of sync: %s" % (nodes ^ self.apply_nodes))
        for node in nodes:
            for k, i in enumerate(node.inputs):
                if (node, k) not in self.clients[i]:
                    raise AssertionError("missing client %s of %s" % ((node, k), i))

    def __str__(self):
        """The outputs as nested calls, ``[add(z, mul(x, y))]`` (Theano 1.0's form).

        A node whose outputs are used more than once in the printout is spelled out once,
        labelled ``*1 -> ...``, and written ``*1`` after that.
        """
        uses = {}
        for node in io_toposort(self.inputs, self.outputs):
            for i in node.inputs:
                if i.owner is not None:
                    uses[i.owner] = uses.get(i.owner, 0) + 1
        for o in self.outputs:
            if o.owner is not None:
                uses[o.owner] = uses.get(o.owner, 0) + 1
        labels = {}

        def fmt(var):
            node = var.owner
            if node is None or var in self.inputs:
                return str(var)
            if node in labels:
                return labels[node]
            text = "%s(%s)" % (node.op, ", ".join(fmt(i) for i in node.inputs))
            if len(node.outputs) > 1:
                text += ".%d" % node.outputs.index(var)
            if uses.get(node, 0) > 1:
                labels[node] = "*%d" % (len(labels) + 1)
                text = "%s -> %s" % (labels[node], text)
            return text

        return "[%s]" % ", ".join(fmt(o) for o in self.outputs)

    def __contains__(self, x):
        if isinstance(x, Apply):
            return x in self.apply_nodes
        if isinstance(x, Variable):
            return x in self.variables
        return False
