"""C kernels of the structural ops (``c_code/kernels_shape.c``).

``DimShuffle``, ``Reshape``, ``SpecifyShape``, ``Rebroadcast``, ``Subtensor`` and ``Split``
make views (an output cell sharing the input's buffer and owner, no Python object made);
``DimShuffle{inplace=False}``, ``IncSubtensor`` (unless in place), ``Join``, ``MakeVector``,
``Shape``, ``Shape_i``, ``TensorFromScalar`` and ``ScalarFromTensor`` write new values.
``Reshape`` copies only when NumPy would (the strides do not allow a view).

What stays in NumPy: ``IncSubtensor`` of float16 (no C addition), or with a value whose
dtype does not cast safely to x's (NumPy adds in the wider type, then rounds); ``Join``
with ``view != -1``; index constants that do not fit in 64 bits.
"""
import numpy as np

from theano.link.c.registry import CKernel, register_c_kernel
from theano.scalar.basic import ScalarType
from theano.tensor.basic import ScalarFromTensor, TensorFromScalar
from theano.tensor.basic_subtensor import IncSubtensor, Subtensor, _is_marker
from theano.tensor.elemwise import DimShuffle
from theano.tensor.join import Join, Split
from theano.tensor.shape import MakeVector, Rebroadcast, Reshape, Shape, Shape_i, SpecifyShape
from theano.tensor.type import TensorType

__all__ = ["NamedKernel"]

_INT64_MAX = 2 ** 63 - 1


class NamedKernel(CKernel):
    """A builtin kernel whose parameters are ``(count, *params)`` followed by ``text``
    (the op's name for messages) as a NUL-terminated string."""

    __slots__ = ("text",)

    def __init__(self, builtin, params=(), text=""):
        super().__init__(builtin=builtin, params=(len(params) + 1,) + tuple(params))
        self.text = text

    def packed_params(self):
        return super().packed_params() + self.text.encode("utf-8", "replace") + b"\0"


_MAXDIM = 32  # TH_MAXDIM of th_abi.h


def c_kernel(op_class):
    """``register_c_kernel(op_class)`` for a generator that only sees nodes whose tensors
    have at most TH_MAXDIM dimensions (larger ones keep their perform)."""
    def deco(gen):
        def checked(node, module):
            for v in list(node.inputs) + list(node.outputs):
                if getattr(v.type, "ndim", 0) > _MAXDIM:
                    return None
            return gen(node, module)
        checked.__name__ = gen.__name__
        checked.__doc__ = gen.__doc__
        register_c_kernel(op_class)(checked)
        return gen
    return deco


def _typenum(dtype):
    return np.dtype(dtype).num


def _is_tensor(v):
    return isinstance(v.type, TensorType)


@c_kernel(DimShuffle)
def dimshuffle_kernel(node, module):
    op = node.op
    order = [-1 if o == "x" else int(o) for o in op.new_order]
    params = [int(op.inplace), len(op.input_broadcastable), len(order)] + order
    params += [len(op.drop)] + list(op.drop)
    return NamedKernel("dimshuffle", params, str(op))


@c_kernel(Shape)
def shape_kernel(node, module):
    if not _is_tensor(node.inputs[0]):
        return None
    return CKernel(builtin="shape")


@c_kernel(Shape_i)
def shape_i_kernel(node, module):
    if not _is_tensor(node.inputs[0]):
        return None
    return NamedKernel("shape_i", [node.op.i], str(node.op))


@c_kernel(Reshape)
def reshape_kernel(node, module):
    return NamedKernel("reshape", [node.op.ndim], str(node.op))


@c_kernel(SpecifyShape)
def specify_shape_kernel(node, module):
    return CKernel(builtin="specify_shape")


@c_kernel(Rebroadcast)
def rebroadcast_kernel(node, module):
    axes = sorted(a for a, b in node.op.axis.items() if b)
    return NamedKernel("rebroadcast", [len(axes)] + axes, str(node.op))


@c_kernel(MakeVector)
def make_vector_kernel(node, module):
    return NamedKernel("make_vector", [_typenum(node.op.dtype), len(node.inputs)],
                       str(node.op))


@c_kernel(TensorFromScalar)
def tensor_from_scalar_kernel(node, module):
    return NamedKernel("tensor_from_scalar", [_typenum(node.outputs[0].type.dtype)])


@c_kernel(ScalarFromTensor)
def scalar_from_tensor_kernel(node, module):
    if not isinstance(node.outputs[0].type, ScalarType):
        return None
    return NamedKernel("scalar_from_tensor", [_typenum(node.outputs[0].type.dtype)])


def _index_params(idx_list, first_input):
    """The index of a Subtensor/IncSubtensor as integers (see kernels_shape.c), or None
    when a constant does not fit in 64 bits."""
    out = [len(idx_list)]
    k = first_input

    def value(v):
        nonlocal k
        if v is None:
            return [2, 0]
        if _is_marker(v):
            k += 1
            return [1, k - 1]
        v = int(v)
        if not -_INT64_MAX <= v <= _INT64_MAX:
            raise OverflowError
        return [0, v]

    try:
        for e in idx_list:
            if isinstance(e, slice):
                out += [1] + value(e.start) + value(e.stop) + value(e.step)
            else:
                out += [0] + value(e)
    except OverflowError:
        return None
    return out


@c_kernel(Subtensor)
def subtensor_kernel(node, module):
    if type(node.op) is not Subtensor:
        return None
    idx = _index_params(node.op.idx_list, 1)
    if idx is None:
        return None
    return NamedKernel("subtensor", idx, str(node.op))


@c_kernel(IncSubtensor)
def inc_subtensor_kernel(node, module):
    op = node.op
    if type(op) is not IncSubtensor:
        return None
    x, y = node.inputs[:2]
    if x.type.dtype == "float16" and not op.set_instead_of_inc:
        return None
    if (not op.set_instead_of_inc and y.type.dtype != x.type.dtype
            and not np.can_cast(y.type.dtype, x.type.dtype, "safe")):
        return None
    idx = _index_params(op.idx_list, 2)
    if idx is None:
        return None
    return NamedKernel("inc_subtensor", [int(op.inplace), int(op.set_instead_of_inc)] + idx,
                       str(op))


@c_kernel(Join)
def join_kernel(node, module):
    if node.op.view != -1:
        return None
    return NamedKernel("join", [_typenum(node.outputs[0].type.dtype), len(node.inputs) - 1],
                       str(node.op))


@c_kernel(Split)
def split_kernel(node, module):
    return NamedKernel("split", [node.op.len_splits], str(node.op))
