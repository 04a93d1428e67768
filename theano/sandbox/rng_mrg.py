"""Theano 1.0's ``theano.sandbox.rng_mrg`` module path, kept for old imports: it *is* :mod:`theano.tensor.random.mrg`."""
import sys

from theano.tensor.random import mrg as _module

sys.modules[__name__] = _module
