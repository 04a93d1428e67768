"""``RandomStreams``: random variables backed by ``numpy.random.RandomState`` generators.

Every random variable made by a :class:`RandomStreams` owns a shared variable
``rv.rng`` holding its own ``RandomState``, whose ``default_update`` is the
generator after the draw.  So:

* a compiled function draws each random variable once per call, however
  often it appears in the graph, and then advances its generator;
* ``theano.function(..., no_default_updates=True)`` (or a list of ``rng``
  variables) draws without advancing;
* functions using the same variable share (and advance) its generator;
* if a call raises, no generator moves (updates are applied only after every
  output has been computed).

The numbers are Theano 1.0's: ``RandomStreams(seed)`` keeps a master
``RandomState(seed)`` and seeds the k-th variable's generator with its k-th
``randint(2**30)``; ``srng.seed(s)`` re-seeds the variables the same way from
``RandomState(s)``, in creation order.

>>> import theano
>>> from theano.tensor.shared_randomstreams import RandomStreams
>>> srng = RandomStreams(seed=234)
>>> rv_u = srng.uniform((2, 2))
>>> f = theano.function([], rv_u)
>>> f().round(8).tolist()
[[0.12672381, 0.97091597], [0.13989098, 0.88754825]]
"""
import numpy as np

from theano.graph.sharedvalue import shared
from theano.tensor.random.basic import (RandomStateSharedVariable,  # noqa: F401 (public here)
                                        RandomStreamsBase, randomstate_constructor)

__all__ = ["RandomStreams", "RandomStateSharedVariable", "randomstate_constructor"]


class RandomStreams(RandomStreamsBase):
    """A source of random variables with a NumPy-like interface.

    Parameters
    ----------
    seed : int or None
        Seed of the master generator that seeds each new random variable
        (None: unpredictable).

    Attributes
    ----------
    state_updates : list of (RandomStateSharedVariable, Variable)
        One ``(rv.rng, new_rng)`` pair per random variable, in creation order.
    default_instance_seed : int or None
        The constructor's seed (used by ``seed()`` without argument).
    gen_seedgen : numpy.random.RandomState
        The master generator.
    """

    def __init__(self, seed=None):
        super().__init__()
        self.state_updates = []
        self.default_instance_seed = seed
        self.gen_seedgen = np.random.RandomState(seed)

    def updates(self):
        """A copy of :attr:`state_updates` (usable as ``theano.function(updates=...)``)."""
        return list(self.state_updates)

    def seed(self, seed=None):
        """Re-seed every random variable made so far.

        Variable ``k`` (creation order) gets ``RandomState(r_k)`` where ``r_k``
        is the k-th ``randint(2**30)`` of ``RandomState(seed)``; ``seed=None``
        uses the constructor's seed.  Variables made later still take their
        seeds from the constructor's master generator, as in Theano 1.0.
        """
        if seed is None:
            seed = self.default_instance_seed
        seedgen = np.random.RandomState(seed)
        for old_r, _ in self.state_updates:
            old_r.set_value(np.random.RandomState(int(seedgen.randint(2 ** 30))), borrow=True)

    def __getitem__(self, item):
        """The ``RandomState`` held by ``item`` (a variable's ``.rng``)."""
        return item.get_value(borrow=True)

    def __setitem__(self, item, val):
        """Store the ``RandomState`` ``val`` in ``item`` (a variable's ``.rng``)."""
        item.set_value(val, borrow=True)

    def gen(self, op, *args, **kwargs):
        """Make a new random variable with its own generator.

        Parameters
        ----------
        op : callable
            A sampler of :mod:`theano.tensor.raw_random` (``op(rng, *args,
            **kwargs) -> [new_rng, sample]``).

        Returns
        -------
        TensorVariable
            The sample, with attributes ``rng`` (the shared generator) and
            ``update`` (``(rng, new_rng)``).
        """
        seed = int(self.gen_seedgen.randint(2 ** 30))
        rng = shared(np.random.RandomState(seed), borrow=True)
        rng.tag.is_rng = True
        new_r, out = op(rng, *args, **kwargs)
        out.rng = rng
        out.update = (rng, new_r)
        self.state_updates.append(out.update)
        rng.default_update = new_r
        return out
