"""Which Op classes have C code: kernel generators registered from outside the Ops.

A generator ``gen(node, module)`` returns a :class:`CKernel` saying how to run the
node in the C VM, or None when it cannot handle this node (its NumPy ``perform``
runs instead).  ``module`` is the :class:`~theano.link.c.linker.ModuleSource` of the
function being compiled; a generator that writes C code adds it there.  Lookup
follows the class hierarchy, as for every other rule (:mod:`theano.graph.rules`).
"""
import struct

from theano.graph.op import Op
from theano.graph.rules import OpRegistry

__all__ = ["register_c_kernel", "c_kernel_generator", "c_kernels", "CKernel"]

# A class that defines ``c_code`` itself (Theano 1.0's C-op interface: a user's op) ends
# the search: its own code wins over a kernel registered for a library base class, and the
# generator registered for ``Op`` (theano/link/c/cop.py) compiles it.
c_kernels = OpRegistry("C kernel", stop_at=("c_code",))
register_c_kernel = c_kernels.register


def c_kernel_generator(op):
    """The generator registered for the class of ``op`` (or a base class), or None."""
    gen = c_kernels.lookup(type(op))
    if gen is None and callable(getattr(op, "c_code", None)):
        gen = c_kernels.lookup(Op)
    return gen


class CKernel:
    """How the C VM runs one node.

    Parameters
    ----------
    builtin : str, optional
        Name of a kernel of the runtime module (``th_k_<name>`` in ``c_code/``).
    symbol : str, optional
        Name of a kernel function the generator wrote into the function's module.
    params : tuple of int, optional
        The node's parameters, given to the kernel as a ``Py_ssize_t`` vector.
    data : str, optional
        Instead of ``params``: a symbol of the module (e.g. an elementwise spec).
    module : ModuleSource, optional
        The module holding ``symbol`` and ``data`` when it is not the function's kernel
        module (e.g. its C++ companion for user C ops).
    state : int, optional
        Instead of ``params``/``data``: index of a state maker of ``module``
        (``ModuleSource.add_state_maker``); each node gets its own state object, made when
        the function is linked, and the kernel receives its address as ``data``.
    state_args : callable, optional
        ``state_args(node)``: the tuple of Python objects given to the state maker.
    """

    __slots__ = ("builtin", "symbol", "params", "data", "module", "state", "state_args")

    def __init__(self, builtin=None, symbol=None, params=(), data=None, module=None,
                 state=None, state_args=None):
        if (builtin is None) == (symbol is None):
            raise ValueError("CKernel needs exactly one of builtin= and symbol=")
        self.builtin = builtin
        self.symbol = symbol
        self.params = tuple(int(p) for p in params)
        self.data = data
        self.module = module
        self.state = state
        self.state_args = state_args

    def packed_params(self):
        """The parameters as the bytes of a Py_ssize_t vector (None when there are none)."""
        if not self.params:
            return None
        return struct.pack("%dn" % len(self.params), *self.params)
