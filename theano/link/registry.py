"""Linkers by name: how ``Mode(linker=...)`` finds a backend that lives outside ``theano.link``.

The NumPy and C linkers are known to :mod:`theano.compile.mode` directly; other
backends (``'jax'``) register a factory here, so that naming a linker never
imports its (possibly heavy, possibly absent) third-party engine until a
function is actually linked with it.
"""

__all__ = ["register_linker", "linker_factory", "registered_linkers"]

_FACTORIES = {}


def register_linker(name, factory, options=()):
    """Register ``factory(fgraph, **options) -> program`` under ``name``.

    ``options`` names the keyword arguments a :class:`~theano.compile.mode.Mode`
    using this linker accepts (``Mode('JAX', devices=...)``).
    """
    _FACTORIES[name] = (factory, tuple(options))


def linker_factory(name):
    """``(factory, option names)`` registered for ``name``, or None."""
    return _FACTORIES.get(name)


def registered_linkers():
    return sorted(_FACTORIES)
