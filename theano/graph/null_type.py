"""Types of the placeholders that flow through differentiation.

They live in the graph layer because every Op's gradient rule may return one:
:class:`NullType` (an undefined or unimplemented gradient, with the reason)
and :class:`DisconnectedType` (the cost does not depend on this input).
"""
from theano.graph.type import Type

__all__ = ["NullType", "null_type", "DisconnectedType", "disconnected_type",
           "grad_undefined", "grad_not_implemented", "is_null", "is_disconnected"]


class NullType(Type):
    """The type of an undefined gradient; ``why_null`` says why it is undefined.

    Variables of this type cannot be computed: a function that needs one
    fails to compile.
    """

    # As in Theano 1.0, all NullTypes are equal whatever the explanation.
    __props__ = ()

    def __init__(self, why_null="(no explanation given)"):
        self.why_null = why_null

    def filter(self, data, strict=False, allow_downcast=None):
        raise ValueError("No value can be stored in a NullType variable: it stands for an "
                         "undefined gradient. %s" % self.why_null)

    def filter_variable(self, other):
        raise ValueError("A NullType variable cannot be converted to or from: %s"
                         % self.why_null)

    def values_eq(self, a, b):
        return False

    def __str__(self):
        return "NullType"


def null_type(why_null="(no explanation given)"):
    """A new variable of :class:`NullType`."""
    return NullType(why_null)()


class DisconnectedType(Type):
    """The "gradient" of a cost that does not depend on the variable at all.

    It is a symbolic placeholder for zero that records *why* it is zero.
    """

    def filter(self, data, strict=False, allow_downcast=None):
        raise AssertionError("DisconnectedType is only a symbolic placeholder for a "
                             "disconnected gradient; it holds no value.")

    def filter_variable(self, other):
        raise AssertionError("DisconnectedType is only a symbolic placeholder for a "
                             "disconnected gradient; nothing converts to it.")

    def values_eq(self, a, b):
        return False

    def __str__(self):
        return "DisconnectedType"


# Calling it makes a new DisconnectedType variable: ``disconnected_type()``.
disconnected_type = DisconnectedType()


def is_null(v):
    """True when ``v`` is an undefined (NullType) gradient."""
    return isinstance(v.type, NullType)


def is_disconnected(v):
    """True when ``v`` is a DisconnectedType placeholder."""
    return isinstance(v.type, DisconnectedType)


def grad_not_implemented(op, x_pos, x, comment=""):
    """A :class:`NullType` gradient for input ``x_pos`` (``x``) of ``op``, not implemented."""
    return NullType("This variable is Null because the grad method for input %s (%s) of the "
                    "%s op is not implemented. %s" % (x_pos, x, op, comment))()


def grad_undefined(op, x_pos, x, comment=""):
    """A :class:`NullType` gradient for input ``x_pos`` (``x``) of ``op``, undefined."""
    return NullType("This variable is Null because the grad method for input %s (%s) of the "
                    "%s op is mathematically undefined. %s" % (x_pos, x, op, comment))()
