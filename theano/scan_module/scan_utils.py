"""Theano 1.0 name of :mod:`theano.scan.utils`."""
from theano.scan.utils import *  # noqa: F401,F403
from theano.scan.utils import until, safe_new, get_updates_and_outputs  # noqa: F401
from theano.graph.basic import equal_computations  # noqa: F401  (Theano 1.0 kept it here)
