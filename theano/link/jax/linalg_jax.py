"""JAX rules of ``theano.tensor.nlinalg`` and ``slinalg`` (``jnp.linalg``, ``jax.scipy``)."""
import jax.numpy as jnp
import jax.scipy.linalg as jsl

from theano.link.jax.registry import register_jax
from theano.tensor import nlinalg as tnl
from theano.tensor import slinalg as tsl


@register_jax(tnl.MatrixInverse)
def _inv(op, node):
    return jnp.linalg.inv


@register_jax(tnl.MatrixPinv)
def _pinv(op, node):
    return lambda x: jnp.linalg.pinv(x, hermitian=op.hermitian)


@register_jax(tnl.Det)
def _det(op, node):
    return jnp.linalg.det


@register_jax(tnl.Eigh)
def _eigh(op, node):
    return lambda x: tuple(jnp.linalg.eigh(x, UPLO=op.UPLO))


@register_jax(tnl.SVD)
def _svd(op, node):
    def fn(x):
        res = jnp.linalg.svd(x, full_matrices=op.full_matrices, compute_uv=op.compute_uv)
        return tuple(res) if op.compute_uv else res
    return fn


@register_jax(tsl.Cholesky)
def _cholesky(op, node):
    return lambda x: jsl.cholesky(x, lower=op.lower)


@register_jax(tsl.Solve)
def _solve(op, node):
    structure = op.A_structure

    def fn(a, b):
        if structure in ("lower_triangular", "upper_triangular"):
            return jsl.solve_triangular(a, b, lower=structure == "lower_triangular")
        return jnp.linalg.solve(a, b) if b.ndim > 1 else jnp.linalg.solve(a, b[:, None])[:, 0]
    return fn


@register_jax(tsl.Expm)
def _expm(op, node):
    return jsl.expm
