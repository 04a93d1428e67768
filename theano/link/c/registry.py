"""Which Op classes have C code: generators registered from outside the Ops.

A generator ``gen(node, fname, module)`` returns the C text defining a
METH_FASTCALL function ``fname(inputs, output_storage)`` -- the thunk calling
convention -- or None when it cannot handle this node (the NumPy thunk is
used).  ``module`` is the :class:`~theano.link.c.linker.ModuleSource` being
built, whose shared helpers the generator may extend.  Lookup follows the
class hierarchy, as for every other rule (:mod:`theano.graph.rules`).
"""
from theano.graph.rules import OpRegistry

__all__ = ["register_c_kernel", "c_kernel_generator", "c_kernels"]

c_kernels = OpRegistry("C kernel")
register_c_kernel = c_kernels.register


def c_kernel_generator(op):
    """The generator registered for the class of ``op`` (or a base class), or None."""
    return c_kernels.lookup(type(op))
