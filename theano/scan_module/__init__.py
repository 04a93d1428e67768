"""Theano 1.0 spelling of the scan package: ``theano.scan_module.scan``, ``.until``...

Everything lives in :mod:`theano.scan`; this package re-exports it.
"""
from theano.scan.basic import scan  # noqa: F401
from theano.scan.utils import until  # noqa: F401
from theano.scan.views import map, reduce, foldl, foldr  # noqa: F401
from theano.scan.op import Scan  # noqa: F401
from theano.scan_module import scan_op, scan_utils  # noqa: F401,E402  (Theano 1.0's submodules)

__all__ = ["scan", "until", "map", "reduce", "foldl", "foldr", "Scan"]
