"""Theano 1.0 name of :mod:`theano.scan.op`."""
from theano.scan.op import Scan, ScanInfo  # noqa: F401
