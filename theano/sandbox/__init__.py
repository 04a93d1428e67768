"""Experimental and legacy parts of Theano (``rng_mrg``: the MRG31k3p random streams)."""
