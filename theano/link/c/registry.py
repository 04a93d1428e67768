"""Which Op classes have C code: generators registered from outside the Ops.

A generator ``gen(node, fname, module)`` returns the C text defining a
METH_FASTCALL function ``fname(inputs, output_storage)`` -- the thunk calling
convention -- or None when it cannot handle this node (the NumPy thunk is
used).  ``module`` is the :class:`~theano.link.c.linker.ModuleSource` being
built, whose shared helpers the generator may extend.
"""

__all__ = ["register_c_kernel", "c_kernel_generator"]

_GENERATORS = {}


def register_c_kernel(*op_classes):
    """Decorator registering a C generator for ``op_classes`` (exact classes)."""
    def deco(gen):
        for cls in op_classes:
            _GENERATORS[cls] = gen
        return gen
    return deco


def c_kernel_generator(op):
    """The generator registered for ``type(op)``, or None."""
    return _GENERATORS.get(type(op))
