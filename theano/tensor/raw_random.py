"""Theano 1.0's ``theano.tensor.raw_random`` module path, kept for old imports: it *is* :mod:`theano.tensor.random.basic`."""
import sys

from theano.tensor.random import basic as _module

sys.modules[__name__] = _module
