"""Describing the inputs and outputs of a compiled function: In, Param, Out."""
from theano.graph.basic import Variable

__all__ = ["In", "Param", "Out", "SymbolicInput", "SymbolicOutput"]

_NO_VALUE = object()


class In:
    """A function input with options.

    Parameters
    ----------
    variable : Variable
        The symbolic input.
    name : str, optional
        Keyword name of the argument (default: ``variable.name``).
    value : optional
        Default value; inputs with defaults must follow those without.
    update : Variable, optional
        Expression whose value replaces this input's stored value after each
        call (the input then keeps state between calls).
    mutable : bool
        The function may overwrite the array passed for this input.
    borrow : bool
        The function may keep a reference to the value without copying.
    implicit : bool, optional
        The input is not an argument of the function (used for shared state).
    strict : bool
        Values must already have the exact type (no conversion).
    allow_downcast : bool, optional
        Allow lossy casts of values passed for this input.

    Examples
    --------
    >>> import theano, theano.tensor as T
    >>> x, y = T.dscalars('x', 'y')
    >>> f = theano.function([x, theano.In(y, value=2)], x + y)
    >>> float(f(2))
    4.0
    """

    def __init__(self, variable, name=None, value=_NO_VALUE, update=None, mutable=None,
                 strict=False, allow_downcast=None, autoname=True, implicit=None,
                 borrow=None, shared=False):
        if not isinstance(variable, Variable):
            raise TypeError("In() needs a symbolic Variable, got %r" % (variable,))
        self.variable = variable
        self.name = name if name is not None else (variable.name if autoname else None)
        self.update = update
        self.mutable = bool(mutable) if mutable is not None else False
        self.borrow = bool(borrow) if borrow is not None else self.mutable
        if self.mutable and borrow is False:
            raise ValueError("mutable=True requires borrow=True (In %s)" % self.name)
        self.strict = strict
        self.allow_downcast = allow_downcast
        self.implicit = implicit
        self.shared = shared
        self._value = value

    @property
    def has_value(self):
        return self._value is not _NO_VALUE

    @property
    def value(self):
        return None if self._value is _NO_VALUE else self._value

    def __repr__(self):
        return "In(%s)" % self.variable


SymbolicInput = In


def Param(variable, default=_NO_VALUE, name=None, mutable=False, strict=False,
          allow_downcast=None, implicit=None, borrow=None):
    """Theano's older spelling of ``In(variable, value=default, ...)``.

    ``default`` is the value used when the argument is not given.
    """
    return In(variable, name=name, value=default, mutable=mutable, strict=strict,
              allow_downcast=allow_downcast, implicit=implicit, borrow=borrow)


class Out:
    """A function output; ``borrow=True`` lets the function return its internal buffer."""

    def __init__(self, variable, borrow=False):
        if not isinstance(variable, Variable):
            raise TypeError("Out() needs a symbolic Variable, got %r" % (variable,))
        self.variable = variable
        self.borrow = borrow

    def __repr__(self):
        return "Out(%s,%s)" % (self.variable, self.borrow)


SymbolicOutput = Out
