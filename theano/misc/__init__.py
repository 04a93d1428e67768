"""Theano 1.0's ``theano.misc`` helpers: memory aliasing checks, pickling, array casts."""
from theano.misc import may_share_memory, pkl_utils, safe_asarray  # noqa: F401
