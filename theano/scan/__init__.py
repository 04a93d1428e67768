"""Loops in the graph: ``theano.scan`` and its helpers ``map``, ``reduce``, ``foldl``, ``foldr``.

``theano.scan`` is both this package and the function: ``theano.scan(fn, ...)``
calls :func:`theano.scan.basic.scan`, while ``theano.scan.utils.until`` and
``from theano.scan import scan`` work as usual.
"""
import sys
import types

from theano.scan import grad as _grad  # noqa: F401  (registers the gradient rules of Scan)
from theano.scan import jax_rules as _jax_rules  # noqa: F401  (JAX rules; JAX loaded on use)
from theano.scan import rewriting as _rewriting  # noqa: F401  (registers the scan rewrites)
from theano.scan.basic import scan  # noqa: F401
from theano.scan.op import Scan, ScanInfo  # noqa: F401
from theano.scan.utils import OrderedUpdates, until  # noqa: F401
from theano.scan.views import foldl, foldr, map, reduce  # noqa: F401

__all__ = ["scan", "until", "map", "reduce", "foldl", "foldr", "Scan"]


class _CallableModule(types.ModuleType):
    """The ``theano.scan`` module, callable as the ``scan`` function."""

    def __call__(self, *args, **kwargs):
        return scan(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
