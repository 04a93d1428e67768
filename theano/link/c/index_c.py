"""C kernels of integer-vector indexing and of array makers (``c_code/kernels_index.c``).

- ``AdvancedSubtensor1`` (``x[ilist]``) and ``AdvancedSubtensor`` whose index is integer
  vectors on the leading axes (``x[arange(n), y]``, the negative log-likelihood's
  pattern): the ``adv_take`` kernel;
- ``AdvancedIncSubtensor1`` and ``AdvancedIncSubtensor`` of the same indices (set, or
  increment with repeated indices accumulating as ``numpy.add.at``; in place when the op
  says so): ``adv_put``;
- ``Alloc``, ``ARange`` of integer inputs (int64 or float64 results), ``Eye``.

What stays in NumPy: other advanced indices (slices, masks, newaxis, arrays of more
than one dimension); increments of float16 or by a value whose dtype does not cast
safely to x's (NumPy adds in the wider type); ``ARange`` of float inputs or into other
dtypes; ``Tri``.
"""
import numpy as np

from theano.link.c.registry import register_c_kernel
from theano.link.c.shape_c import NamedKernel, c_kernel
from theano.tensor.advsubtensor import (AdvancedIncSubtensor, AdvancedIncSubtensor1,
                                        AdvancedSubtensor, AdvancedSubtensor1)
from theano.tensor.alloc import ARange, Alloc, Eye
from theano.tensor.type import TensorType

__all__ = []

_INTS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


def _int_vectors(idx_list, inputs):
    """The number of index vectors when ``idx_list`` is only integer vectors (one input
    each, on the leading axes), else None."""
    if not idx_list or len(idx_list) != len(inputs):
        return None
    for e, v in zip(idx_list, inputs):
        if not isinstance(e, TensorType) or e.ndim != 1 or e.dtype not in _INTS:
            return None
        if not isinstance(v.type, TensorType) or v.type.dtype not in _INTS:
            return None
    return len(idx_list)


@c_kernel(AdvancedSubtensor1)
def adv_subtensor1_kernel(node, module):
    return NamedKernel("adv_take", [1], str(node.op))


@c_kernel(AdvancedSubtensor)
def adv_subtensor_kernel(node, module):
    m = _int_vectors(node.op.idx_list, node.inputs[1:])
    if m is None or m > node.inputs[0].type.ndim:
        return None
    return NamedKernel("adv_take", [m], str(node.op))


def _put(node, m):
    op = node.op
    x, y = node.inputs[:2]
    if not op.set_instead_of_inc and (x.type.dtype == "float16" or (
            y.type.dtype != x.type.dtype
            and not np.can_cast(y.type.dtype, x.type.dtype, "safe"))):
        return None
    return NamedKernel("adv_put", [m, int(op.inplace), int(op.set_instead_of_inc)], str(op))


@c_kernel(AdvancedIncSubtensor1)
def adv_inc_subtensor1_kernel(node, module):
    return _put(node, 1)


@c_kernel(AdvancedIncSubtensor)
def adv_inc_subtensor_kernel(node, module):
    m = _int_vectors(node.op.idx_list, node.inputs[2:])
    if m is None or m > node.inputs[0].type.ndim:
        return None
    return _put(node, m)


@c_kernel(Alloc)
def alloc_kernel(node, module):
    out = node.outputs[0].type
    return NamedKernel("alloc", [np.dtype(out.dtype).num, out.ndim], str(node.op))


@register_c_kernel(ARange)
def arange_kernel(node, module):
    if node.op.dtype not in ("int64", "float64"):
        return None
    if any(v.type.dtype not in _INTS for v in node.inputs):
        return None
    return NamedKernel("arange", [np.dtype(node.op.dtype).num], str(node.op))


@register_c_kernel(Eye)
def eye_kernel(node, module):
    if type(node.op) is not Eye:
        return None  # Tri and other subclasses compute something else
    dt = np.dtype(node.op.dtype)
    if dt.itemsize > 32 or dt.kind not in "biufc":
        return None
    one = np.ones((), dt).tobytes()
    return NamedKernel("eye", [dt.num, dt.itemsize] + list(one), str(node.op))
