"""Random numbers in graphs.

* :mod:`~theano.tensor.random.basic` — ``RandomStateType`` and the
  ``RandomFunction`` ops over ``numpy.random.RandomState`` (Theano 1.0's
  ``theano.tensor.raw_random``);
* :mod:`~theano.tensor.random.streams` — ``RandomStreams`` (Theano 1.0's
  ``theano.tensor.shared_randomstreams``);
* :mod:`~theano.tensor.random.mrg_core` and :mod:`~theano.tensor.random.mrg`
  — the MRG31k3p generator and ``MRG_RandomStreams`` (Theano 1.0's
  ``theano.sandbox.rng_mrg``).
"""
from theano.tensor.random import basic, mrg, streams  # noqa: F401
from theano.tensor.random.mrg import MRG_RandomStreams  # noqa: F401
from theano.tensor.random.streams import RandomStreams  # noqa: F401
