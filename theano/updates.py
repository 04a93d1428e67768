"""Theano 1.0's ``theano.updates``: the ordered dictionary of updates that scan returns."""
from theano.graph.sharedvalue import OrderedUpdates  # noqa: F401

__all__ = ["OrderedUpdates"]
