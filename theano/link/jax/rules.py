"""Imports every module of JAX rules (each registers its rules when imported)."""
from theano.link.jax import (  # noqa: F401
    scalar_jax,
    tensor_jax,
    nnet_jax,
    random_jax,
    linalg_jax,
)
