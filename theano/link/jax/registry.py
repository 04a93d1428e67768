"""JAX implementations of ops, attached from outside the op classes.

A rule ``rule(op, node) -> fn`` returns a function of JAX arrays, called inside
``jax.jit`` tracing with the node's input values and returning its output (or a
tuple, one per output).  Lookup follows the class hierarchy
(:class:`theano.graph.rules.OpRegistry`).  This module does not import JAX:
the rule modules (``theano/link/jax/*_jax.py``) do, and they are imported only
when a function is linked for JAX.  Ops of higher layers (scan, ifelse)
register their rules from their own packages, through this registry.
"""
from theano.graph.rules import OpRegistry

__all__ = ["jax_rules", "register_jax", "jax_rule"]

# A user's subclass defining its own ``perform`` ends the search: a rule made for
# the library base class may not mean what the subclass computes.
jax_rules = OpRegistry("JAX implementation", stop_at=("perform",))
register_jax = jax_rules.register


def jax_rule(op):
    """The rule registered for the class of ``op`` (or a base class), or None."""
    return jax_rules.lookup(type(op))
