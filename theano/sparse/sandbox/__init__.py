"""Sparse ops kept out of ``theano.sparse`` (Theano 1.0's ``theano.sparse.sandbox``).

:mod:`~theano.sparse.sandbox.sp2` holds the random sampling ops (``poisson``,
``csr_fbinomial``..., ``multinomial``), listed as "Probability" ops on
Theano 1.0's sparse documentation page.
"""
