"""Theano 1.0's ``theano.compat``: the Python 2/3 helpers code extending Theano imports.

Only Python 3 exists here, so the names are the Python 3 builtins and
standard-library objects Theano 1.0 mapped them to (``izip`` is ``zip``...).
"""
import configparser  # noqa: F401  (six.moves.configparser)
import operator
import os
import queue as Queue  # noqa: N812  (Theano's name)
from collections import OrderedDict
from collections.abc import MutableMapping as DictMixin
from importlib import reload  # noqa: F401
from io import BytesIO  # noqa: F401

__all__ = ["PY3", "PY2", "b", "BytesIO", "next", "integer_types", "string_types", "text_type",
           "unicode", "izip", "imap", "ifilter", "iteritems", "iterkeys", "itervalues",
           "OrderedDict", "DefaultOrderedDict", "DictMixin", "cmp", "operator_div",
           "decode", "decode_iter", "decode_with", "get_unbound_function", "exc_message",
           "maybe_add_to_os_environ_pathlist", "reload", "configparser", "Queue", "xrange"]

PY3 = True
PY2 = False
integer_types = (int,)
string_types = (str,)
text_type = unicode = str
next = next  # noqa: A001,PLW0127  (six.next: a module attribute to import)
izip, imap, ifilter, xrange = zip, map, filter, range
operator_div = operator.truediv


def b(s):
    """``s`` as bytes (latin-1), as ``six.b``."""
    return s.encode("latin-1")


def iteritems(d, **kw):
    return iter(d.items(**kw))


def iterkeys(d, **kw):
    return iter(d.keys(**kw))


def itervalues(d, **kw):
    return iter(d.values(**kw))


def cmp(x, y):
    """Python 2's ``cmp``: -1, 0 or 1."""
    return (x > y) - (x < y)


def decode(x):
    return x.decode()


def decode_iter(itr):
    for x in itr:
        yield x.decode()


def decode_with(x, encoding):
    return x.decode(encoding)


def get_unbound_function(unbound):
    """The plain function behind a method (Python 3 has no unbound methods)."""
    return getattr(unbound, "__func__", unbound)


def exc_message(e):
    """The message of exception ``e``, looking through exceptions re-raised as arguments."""
    msg = e.args[0] if e.args else ""
    if isinstance(msg, Exception):
        return exc_message(msg)
    return msg


class DefaultOrderedDict(OrderedDict):
    """An OrderedDict that creates missing entries with ``default_factory`` (as defaultdict)."""

    def __init__(self, default_factory=None, *a, **kw):
        if default_factory is not None and not callable(default_factory):
            raise TypeError("first argument must be callable")
        OrderedDict.__init__(self, *a, **kw)
        self.default_factory = default_factory

    def __missing__(self, key):
        if self.default_factory is None:
            raise KeyError(key)
        self[key] = value = self.default_factory()
        return value

    def __reduce__(self):
        args = () if self.default_factory is None else (self.default_factory,)
        return type(self), args, None, None, iter(self.items())

    def copy(self):
        return type(self)(self.default_factory, self)


def maybe_add_to_os_environ_pathlist(var, newpath):
    """Prepend the existing directory ``newpath`` to the path list in ``os.environ[var]``."""
    if not os.path.isabs(newpath) or not os.path.isdir(newpath):
        return
    parts = [p for p in os.environ.get(var, "").split(os.pathsep) if p]
    if newpath not in parts:
        os.environ[var] = os.pathsep.join([newpath] + parts)

