"""Theano 1.0's ``theano.tensor.shared_randomstreams`` module path, kept for old imports: it *is* :mod:`theano.tensor.random.streams`."""
import sys

from theano.tensor.random import streams as _module

sys.modules[__name__] = _module
