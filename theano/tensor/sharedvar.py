"""Shared tensors: ``theano.shared(ndarray)`` and ``theano.shared(0)``."""
import numbers

import numpy as np

from theano.graph.sharedvalue import SharedVariable, shared_constructor
from theano.tensor.type import TensorType
from theano.tensor.var import _tensor_py_operators

__all__ = ["TensorSharedVariable", "ScalarSharedVariable", "tensor_constructor",
           "scalar_constructor"]


class TensorSharedVariable(_tensor_py_operators, SharedVariable):
    """A shared variable holding an ndarray."""


class ScalarSharedVariable(TensorSharedVariable):
    """A shared variable holding a 0-d array (made from a Python or NumPy scalar)."""


@shared_constructor
def tensor_constructor(value, name=None, strict=False, allow_downcast=None, borrow=False,
                       broadcastable=None, target="cpu", shape=None):
    """Shared variable for an ndarray; no dimension is broadcastable by default."""
    if target not in ("cpu", None):
        raise TypeError("no such target")
    if not isinstance(value, np.ndarray):
        raise TypeError("not an ndarray")
    if broadcastable is None:
        broadcastable = (False,) * value.ndim
    t = TensorType(value.dtype, broadcastable)
    return TensorSharedVariable(type=t, value=value if borrow else value.copy(), name=name,
                                strict=strict, allow_downcast=allow_downcast)


@shared_constructor
def scalar_constructor(value, name=None, strict=False, allow_downcast=None, borrow=False,
                       target="cpu"):
    """Shared variable for a Python/NumPy number: ``shared(0)`` is an int64 scalar."""
    if target not in ("cpu", None):
        raise TypeError("no such target")
    if not isinstance(value, (numbers.Number, np.number, np.bool_)):
        raise TypeError("not a number")
    dtype = np.asarray(value).dtype
    t = TensorType(dtype, ())
    return ScalarSharedVariable(type=t, value=np.asarray(value, dtype=dtype), name=name,
                                strict=strict, allow_downcast=allow_downcast)
