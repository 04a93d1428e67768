"""The JAX backend: compiled Theano graphs run by XLA (CPU, GPU, TPU, many devices).

Importing this package does not import JAX: it registers the ``'jax'`` linker
(:mod:`theano.link.registry`), whose factory imports :mod:`theano.link.jax.linker`
and the rule modules on first use.  See ``docs/jax.md``.
"""
from theano.link.registry import register_linker

__all__ = ["make_program", "gpu_devices"]

_OPTIONS = ("devices", "batch_axis", "shared_sharding")


def make_program(fgraph, devices=None, batch_axis=0, shared_sharding=None):
    """Link ``fgraph`` for JAX (imports JAX and every JAX rule module)."""
    from theano.link.jax import rules  # noqa: F401  (registers the rules)
    from theano.link.jax.linker import JaxProgram

    return JaxProgram(fgraph, devices=devices, batch_axis=batch_axis,
                      shared_sharding=shared_sharding)


def gpu_devices():
    """JAX's GPU devices ([] when JAX or a GPU is missing)."""
    try:
        import jax
    except ImportError:
        return []
    try:
        return jax.devices("gpu")
    except RuntimeError:
        return []


register_linker("jax", make_program, _OPTIONS)
