"""Theano 1.0's ``theano.compile.sharedvalue``: shared variables live in :mod:`theano.graph.sharedvalue`."""
from theano.graph.sharedvalue import (Container, SharedVariable, generic_constructor,  # noqa: F401
                                      shared, shared_constructor)

__all__ = ["Container", "SharedVariable", "shared", "shared_constructor"]
