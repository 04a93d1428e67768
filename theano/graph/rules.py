"""Rules attached to Op classes from outside: one registry per concern.

A rule registered for a class also covers its subclasses, unless a subclass
has a rule of its own.  The gradient registries below are consulted by
:class:`~theano.graph.op.Op`'s default ``L_op``/``R_op``/``connection_pattern``;
backends keep their own :class:`OpRegistry` (``theano.link.c.registry``).
"""

__all__ = ["OpRegistry", "grad_rules", "rop_rules", "connection_rules",
           "register_grad", "register_rop", "register_connection_pattern"]


class OpRegistry:
    """A table from Op (or scalar op) classes to rules, looked up along the MRO.

    ``stop_at`` names methods: a class that defines one of them itself (a
    user's subclass overriding ``grad``, say) ends the search, and its
    method wins over a rule registered for a base class.
    """

    __slots__ = ("name", "stop_at", "_table", "_cache")

    def __init__(self, name, stop_at=()):
        self.name = name
        self.stop_at = tuple(stop_at)
        self._table = {}
        self._cache = {}

    def register(self, *classes):
        """Decorator: ``@registry.register(ClsA, ClsB)`` makes the function their rule."""
        if not classes:
            raise TypeError("register() needs at least one class")

        def deco(rule):
            for cls in classes:
                if not isinstance(cls, type):
                    raise TypeError("%s rules are keyed by class, got %r" % (self.name, cls))
                self._table[cls] = rule
            self._cache.clear()
            return rule
        return deco

    def unregister(self, cls):
        self._table.pop(cls, None)
        self._cache.clear()

    def lookup(self, cls):
        """The rule for ``cls`` (a class or an instance), or None."""
        if not isinstance(cls, type):
            cls = type(cls)
        try:
            return self._cache[cls]
        except KeyError:
            pass
        rule = None
        for klass in cls.__mro__:
            if klass in self._table:
                rule = self._table[klass]
                break
            if any(m in klass.__dict__ for m in self.stop_at):
                break
        self._cache[cls] = rule
        return rule

    def __contains__(self, cls):
        return self.lookup(cls) is not None

    def registered(self):
        """The classes with a rule of their own."""
        return list(self._table)

    def __repr__(self):
        return "OpRegistry(%r, %d rules)" % (self.name, len(self._table))


# rule(op, inputs, outputs, output_grads) -> one gradient per input
grad_rules = OpRegistry("gradient", stop_at=("grad", "L_op"))
# rule(op, inputs, eval_points) -> one R-op result per output
rop_rules = OpRegistry("R operator", stop_at=("R_op",))
# rule(op, node) -> list (per input) of lists (per output) of bools
connection_rules = OpRegistry("connection pattern", stop_at=("connection_pattern",))

register_grad = grad_rules.register
register_rop = rop_rules.register
register_connection_pattern = connection_rules.register
