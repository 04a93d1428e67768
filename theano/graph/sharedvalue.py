"""Shared variables: symbolic variables whose value is shared between compiled functions.

They belong to the graph layer: types register constructors for :func:`shared`
(tensors, random states, sparse matrices) and every compiled function reads
the same :class:`Container`.
"""
import copy
import weakref
from collections import OrderedDict

import numpy as np

from theano.graph.basic import Variable
from theano.graph.type import generic

__all__ = ["Container", "SharedVariable", "shared", "shared_constructor", "OrderedUpdates",
           "register_device_value", "register_host_rule", "mark_on_device", "bring_to_host"]

# Backends that keep values on a device (theano.link.jax) register the class of
# their arrays here with a function making a host (NumPy) value of one, so that
# ``get_value()`` returns NumPy whichever function updated the variable last.
_DEVICE_VALUES = {}


# Per Type class: ``rule(type, device_value) -> host value`` when the host value is not an
# array (a random generator state kept on the device as a key).
_HOST_RULES = {}

# Containers a device backend has put a device value in; functions of other backends bring
# those values back to the host before they run (``bring_to_host``).
ON_DEVICE = weakref.WeakSet()


def register_device_value(cls, to_host):
    """Values of class ``cls`` in a container are converted by ``to_host`` when read."""
    _DEVICE_VALUES[cls] = to_host


def register_host_rule(type_cls, rule):
    """A container of Type ``type_cls`` gets ``rule(type, device_value)`` as host value."""
    _HOST_RULES[type_cls] = rule


def host_value(t, v):
    """``v`` (a value of Type ``t``) as a host value: itself unless it is a device value."""
    to_host = _DEVICE_VALUES.get(type(v))
    if to_host is None:
        return v
    for klass in type(t).__mro__:
        rule = _HOST_RULES.get(klass)
        if rule is not None:
            return rule(t, v)
    return np.array(to_host(v))


def mark_on_device(container):
    ON_DEVICE.add(container)


def bring_to_host(containers):
    """Replace device values in ``containers`` by host values (before another backend's
    function reads them directly)."""
    for c in containers:
        if c in ON_DEVICE:
            c.storage[0] = host_value(c.type, c.storage[0])
            ON_DEVICE.discard(c)


class Container:
    """A one-element storage cell with a type, shared by every function using it.

    Compiled functions read ``storage[0]`` directly, so setting a value here is
    seen by all of them without any copy.
    """

    __slots__ = ("type", "storage", "name", "strict", "allow_downcast", "readonly",
                 "__weakref__")

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
        # A value on a device is pickled as its host value: brought back in place (the
        # storage list stays the one the functions share; a device function uploads it again).
        if type(self.storage[0]) in _DEVICE_VALUES:
            self.storage[0] = host_value(self.type, self.storage[0])
            ON_DEVICE.discard(self)
        return {k: getattr(self, k) for k in self.__slots__ if k != "__weakref__"}

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
        if type(v) in _DEVICE_VALUES:
            return host_value(self.type, v)  # a new host value, the device one is kept
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
