"""``_asarray``: Theano 1.0's ``numpy.asarray`` that always gives the requested dtype."""
import numpy as np

from theano.configparser import config

__all__ = ["_asarray"]


def _asarray(a, dtype, order=None):
    """``numpy.asarray(a, dtype, order)``; ``dtype='floatX'`` means ``config.floatX``.

    (Theano needed this to work around old NumPy returning an equivalent but
    different dtype object; the result's dtype is exactly the one asked for.)
    """
    if str(dtype) == "floatX":
        dtype = config.floatX
    return np.asarray(a, dtype=np.dtype(dtype), order=order)
