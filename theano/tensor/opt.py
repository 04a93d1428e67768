"""Theano 1.0's ``theano.tensor.opt``: the names extension code imports to register its
own rewrites of tensor graphs.

The rewrites themselves now live in :mod:`theano.tensor.rewriting` (one module per
family) and the databases in :mod:`theano.rewriting.db`.  Here, under their Theano 1.0
names: the ``register_*`` decorators (``@register_canonicalize``,
``@register_specialize('tag')``, ``name=`` keyword; ``register_specialize_device`` is the
specialize phase, since this build has one device), ``in2out``/``out2in``,
``ShapeFeature``, ``ShapeOptimizer``, ``MakeVector``/``make_vector`` and
``FusionOptimizer``.
"""
from theano.rewriting.basic import in2out, out2in  # noqa: F401
from theano.rewriting.db import (register_canonicalize, register_specialize,  # noqa: F401
                                 register_stabilize, register_useless)
from theano.tensor.rewriting.fusion import FusionRewriter as FusionOptimizer  # noqa: F401
from theano.tensor.rewriting.shape import ShapeFeature, ShapeOptimizer  # noqa: F401
from theano.tensor.shape import MakeVector, make_vector  # noqa: F401

register_specialize_device = register_specialize

__all__ = ["register_canonicalize", "register_specialize", "register_specialize_device",
           "register_stabilize", "register_useless", "in2out", "out2in", "ShapeFeature",
           "ShapeOptimizer", "MakeVector", "make_vector", "FusionOptimizer"]
