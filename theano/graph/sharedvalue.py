"""Shared variables: symbolic variables whose value is shared between compiled functions.

They belong to the graph layer: types register constructors for :func:`shared`
(tensors, random states, sparse matrices) and every compiled function reads
the same :class:`Container`.
"""
import copy
from collections import OrderedDict

import numpy as np

from theano.graph.basic import Variable
from theano.graph.type import generic

__all__ = ["Container", "SharedVariable", "shared", "shared_constructor", "OrderedUpdates",
           "register_device_value"]

# Backends that keep values on a device (theano.link.jax) register the class of
# their arrays here with a function making a host (NumPy) value of one, so that
# ``get_value()`` returns NumPy whichever function updated the variable last.
_DEVICE_VALUES = {}


def register_device_value(cls, to_host):
    """Values of class ``cls`` in a container are converted by ``to_host`` when read."""
    _DEVICE_VALUES[cls] = to_host


class Container:
    """A one-element storage cell with a type, shared by every function using it.

    Compiled functions read ``storage[0]`` directly, so setting a value here is
    seen by all of them without any copy.
    """

    __slots__ = ("type", "storage", "name", "strict", "allow_downcast", "readonly")

    def __init__(self, type, storage, name=None, strict=False, allow_downcast=None,
                 readonly=False):
        self.type = type
        self.storage = storage
        self.name = name
        self.strict = strict
        self.allow_downcast = allow_downcast
        self.readonly = readonly

    @property
    def value(self):
        return self.storage[0]

    @value.setter
    def value(self, value):
        if self.readonly:
            raise TypeError("Cannot set readonly storage %s" % self.name)
        self.storage[0] = self.type.filter(value, strict=self.strict,
                                           allow_downcast=self.allow_downcast)

    def __getstate__(self):
        return {k: getattr(self, k) for k in self.__slots__}

    def __setstate__(self, state):
        for k, v in state.items():
            setattr(self, k, v)

    def __repr__(self):
        return "<%s>" % (self.storage[0],)


class SharedVariable(Variable):
    """A variable whose value lives in a :class:`Container` shared by functions.

    Use :func:`theano.shared` to make one.
    """

    def __init__(self, name, type, value, strict, allow_downcast=None, container=None):
        super().__init__(type=type, name=name)
        if container is not None:
            self.container = container
        else:
            self.container = Container(
                type, [type.filter(value, strict=strict, allow_downcast=allow_downcast)],
                name=name, strict=strict, allow_downcast=allow_downcast)

    def get_value(self, borrow=False, return_internal_type=False):
        """The current value (a copy unless ``borrow=True``)."""
        v = self.container.storage[0]
        to_host = _DEVICE_VALUES.get(type(v))
        if to_host is not None:
            return np.array(to_host(v)) if not borrow else to_host(v)
        return v if borrow else copy.deepcopy(v)

    def set_value(self, new_value, borrow=False):
        """Set the value (copied unless ``borrow=True``); lists are cast to the dtype."""
        if not borrow:
            new_value = copy.deepcopy(new_value)
        self.container.value = new_value

    def get_test_value(self):
        return self.get_value(borrow=True)

    def zero(self, borrow=False):
        v = self.get_value(borrow=True)
        self.set_value(v * 0, borrow=True)

    @property
    def value(self):
        raise AttributeError("shared_var.value is gone (Theano >= 0.4): use get_value() and "
                             "set_value()")

    def clone(self):
        cp = type(self)(name=self.name, type=self.type, value=None, strict=None,
                        container=self.container)
        cp.tag = copy.copy(self.tag)
        return cp

    def __getstate__(self):
        d = super().__getstate__()
        return d


_constructors = []


def shared_constructor(ctor):
    """Register ``ctor(value, name, strict, allow_downcast, **kw)`` for :func:`shared`."""
    _constructors.insert(0, ctor)
    return ctor


def shared(value, name=None, strict=False, allow_downcast=None, **kwargs):
    """Make a :class:`SharedVariable` holding ``value``.

    Parameters
    ----------
    value : ndarray, number or any object
        The initial value (copied unless ``borrow=True``).
    name : str, optional
    strict : bool
        Values set later must have exactly this type.
    allow_downcast : bool, optional
        Allow lossy casts when setting values.
    borrow : bool
        Use ``value`` without copying it.
    broadcastable : tuple of bool, optional
        Broadcast pattern (default: no dimension is broadcastable).

    Examples
    --------
    >>> import theano
    >>> state = theano.shared(0)
    >>> state.type
    TensorType(int64, scalar)
    """
    if isinstance(value, Variable):
        raise TypeError("Shared variable constructor needs a numeric value, not a symbolic "
                        "variable (%s)." % value)
    for ctor in _constructors:
        try:
            var = ctor(value, name=name, strict=strict, allow_downcast=allow_downcast, **kwargs)
        except TypeError:
            continue
        var.tag.trace = None
        return var
    raise TypeError("No shared variable constructor accepts %r with arguments %s"
                    % (type(value), kwargs))


@shared_constructor
def generic_constructor(value, name=None, strict=False, allow_downcast=None, borrow=False):
    """Fallback: any Python object (a RandomState, a list...) in a Generic variable."""
    if not borrow:
        value = copy.deepcopy(value)
    return SharedVariable(name=name, type=generic, value=value, strict=strict,
                          allow_downcast=allow_downcast)


class OrderedUpdates(OrderedDict):
    """An ordered ``{shared_variable: new_value}`` dict, as scan returns."""

    def __setitem__(self, key, value):
        if not isinstance(key, SharedVariable):
            raise TypeError("OrderedUpdates keys must be shared variables (theano.shared), "
                            "got %r" % (key,))
        if key in self and self[key] is not value:
            raise KeyError("Collision: %s already has an update in this dictionary" % key)
        super().__setitem__(key, value)

    def update(self, other=None, **kw):
        if other is None:
            return
        items = other.items() if isinstance(other, dict) else other
        for k, v in items:
            self[k] = v

    def __add__(self, other):
        rval = OrderedUpdates()
        rval.update(self)
        rval.update(other)
        return rval

    def __radd__(self, other):
        rval = OrderedUpdates()
        rval.update(other)
        rval.update(self)
        return rval
