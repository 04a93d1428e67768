"""Types: what values a variable may hold, and how to validate them."""
from theano.graph.basic import Constant, Variable

__all__ = ["Type", "Generic", "generic", "PropsEq"]


class PropsEq:
    """Equality, hashing and printing derived from a ``__props__`` tuple."""

    __props__ = ()

    def _props(self):
        return tuple(getattr(self, p) for p in self.__props__)

    def __eq__(self, other):
        return type(self) is type(other) and self._props() == other._props()

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash((type(self), self._props()))

    def __str__(self):
        if not self.__props__:
            return type(self).__name__
        return "%s{%s}" % (type(self).__name__, ", ".join(str(p) for p in self._props()))


class Type(PropsEq):
    """The type of a :class:`Variable`.

    Subclasses implement :meth:`filter`, which validates (and, unless
    ``strict``, converts) a value for storage in a variable of this type.
    """

    variable_type = Variable
    constant_type = Constant

    def filter(self, data, strict=False, allow_downcast=None):
        raise NotImplementedError("%s must implement filter" % type(self).__name__)

    def filter_variable(self, other):
        """Return ``other`` as a variable of this type, or raise TypeError."""
        if not isinstance(other, Variable):
            other = self.make_constant(other)
        if other.type != self:
            conv = self.convert_variable(other)
            if conv is None:
                raise TypeError("Cannot convert %s of type %s to %s" % (other, other.type, self))
            return conv
        return other

    def convert_variable(self, var):
        """``var`` converted to this type if that is safe, else None."""
        return var if var.type == self else None

    def is_valid_value(self, data):
        try:
            self.filter(data, strict=True)
            return True
        except (TypeError, ValueError):
            return False

    def values_eq(self, a, b):
        return a == b

    def values_eq_approx(self, a, b):
        return self.values_eq(a, b)

    def values_signature(self, data):
        """A hashable summary of ``data`` used to merge equal constants."""
        return data

    def make_variable(self, name=None):
        return self.variable_type(self, None, None, name)

    def make_constant(self, value, name=None):
        return self.constant_type(self, value, name=name)

    def __call__(self, name=None):
        return self.make_variable(name)


class Generic(Type):
    """Any Python object (random states, slices, lists...)."""

    def filter(self, data, strict=False, allow_downcast=None):
        return data

    def values_signature(self, data):
        try:
            hash(data)
            return data
        except TypeError:
            return id(data)

    def __str__(self):
        return "GenericType"


generic = Generic()
