"""TensorVariable and TensorConstant: symbolic arrays with NumPy-like operators."""
import sys
import warnings

import numpy as np

import theano.tensor.basic as _b
import theano.tensor.extra_ops as e
import theano.tensor.math as _m
import theano.tensor.subtensor as s
from theano.configparser import config
from theano.graph.basic import Constant, Variable, user_source_line
from theano.scalar import basic as _ts
from theano.tensor.shape import flatten as _sh_flatten
from theano.tensor.shape import get_vector_length as _sh_get_vector_length
from theano.tensor.shape import reshape as _sh_reshape
from theano.tensor.shape import shape as _sh_shape
from theano.tensor.shape import squeeze as _sh_squeeze
from theano.tensor.type import TensorType

_COMPARISONS = (_ts.LT, _ts.GT, _ts.LE, _ts.GE)

__all__ = ["TensorVariable", "TensorConstant", "_tensor_py_operators"]


def _sub_mod():
    return s


def _extra():
    return e


def _defer_to_other_types(method):
    """A binary operator that lets a variable of another kind (a sparse matrix)
    handle the operation with its reflected method, as Python's protocol wants."""
    def op(self, other):
        if isinstance(other, Variable) and not isinstance(other.type, (TensorType, _ts.ScalarType)):
            return NotImplemented
        return method(self, other)
    op.__name__, op.__doc__ = method.__name__, method.__doc__
    return op


class _tensor_py_operators:
    """Operators and methods shared by every symbolic tensor."""

    # Make NumPy defer to our reflected operators (ndarray + var -> var).
    __array_priority__ = 1000

    # -- arithmetic -----------------------------------------------------------
    @_defer_to_other_types
    def __add__(self, other):
        return _m.add(self, other)

    @_defer_to_other_types
    def __radd__(self, other):
        return _m.add(other, self)

    @_defer_to_other_types
    def __sub__(self, other):
        return _m.sub(self, other)

    @_defer_to_other_types
    def __rsub__(self, other):
        return _m.sub(other, self)

    @_defer_to_other_types
    def __mul__(self, other):
        return _m.mul(self, other)

    @_defer_to_other_types
    def __rmul__(self, other):
        return _m.mul(other, self)

    @_defer_to_other_types
    def __truediv__(self, other):
        return _m.true_div(self, other)

    @_defer_to_other_types
    def __rtruediv__(self, other):
        return _m.true_div(other, self)

    def __floordiv__(self, other):
        return _m.int_div(self, other)

    def __rfloordiv__(self, other):
        return _m.int_div(other, self)

    def __mod__(self, other):
        return _m.mod(self, other)

    def __rmod__(self, other):
        return _m.mod(other, self)

    def __pow__(self, other):
        return _m.pow(self, other)

    def __rpow__(self, other):
        return _m.pow(other, self)

    def __neg__(self):
        return _m.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _m.abs_(self)

    def __divmod__(self, other):
        return _m.int_div(self, other), _m.mod(self, other)

    @_defer_to_other_types
    def __matmul__(self, other):
        return _m.dot(self, other)

    @_defer_to_other_types
    def __rmatmul__(self, other):
        return _m.dot(other, self)

    # -- comparisons and logic (== and != keep identity semantics, as in Theano)
    @_defer_to_other_types
    def __lt__(self, other):
        return _m.lt(self, other)

    @_defer_to_other_types
    def __le__(self, other):
        return _m.le(self, other)

    @_defer_to_other_types
    def __gt__(self, other):
        return _m.gt(self, other)

    @_defer_to_other_types
    def __ge__(self, other):
        return _m.ge(self, other)

    def __and__(self, other):
        return _m.and_(self, other)

    __rand__ = __and__

    def __or__(self, other):
        return _m.or_(self, other)

    __ror__ = __or__

    def __xor__(self, other):
        return _m.xor(self, other)

    __rxor__ = __xor__

    def __invert__(self):
        return _m.invert(self)

    def __bool__(self):
        # As in Theano 1.0, a variable is true (``if not input:`` tests for
        # None), except the result of an ordering comparison, so that the
        # chained ``a < b < c`` (which Python evaluates with ``bool(a < b)``)
        # fails instead of silently computing ``b < c``.
        node = self.owner
        if node is not None and isinstance(getattr(node.op, "scalar_op", None), _COMPARISONS):
            raise TypeError(
                "The result of a symbolic comparison has no truth value (chained comparisons "
                "such as a < b < c are not supported): use theano.ifelse.ifelse or T.switch for "
                "conditions and T.and_ to combine comparisons.")
        return True

    def __iter__(self):
        # Iterable (and so unpackable: ``h, w = x.shape[2:]``) when the length
        # is known when the graph is built, as in Theano 1.0.
        try:
            if self.type.ndim == 1:
                n = _sh_get_vector_length(self)
            else:
                n = _b.get_scalar_constant_value(self.shape[0])
        except Exception:
            raise TypeError("TensorType does not support iteration: the length of %s is not "
                            "known when the graph is built." % self) from None
        return (self[i] for i in range(int(n)))

    def __len__(self):
        raise TypeError("len() of a symbolic tensor is not defined; use x.shape[0].")

    # -- properties -----------------------------------------------------------
    @property
    def ndim(self):
        return self.type.ndim

    @property
    def dtype(self):
        return self.type.dtype

    @property
    def broadcastable(self):
        return self.type.broadcastable

    @property
    def shape(self):
        return _sh_shape(self)

    @property
    def size(self):
        # A function of ``self`` even for a 0-d tensor (``function([x], x.size)``
        # must not find x unused), as in Theano 1.0.
        return self.shape[0] if self.ndim == 1 else _m.prod(self.shape)

    @property
    def T(self):
        return self.transpose()

    @property
    def real(self):
        return _m.real(self)

    @property
    def imag(self):
        return _m.imag(self)

    # -- shape manipulation ----------------------------------------------------
    def dimshuffle(self, *pattern):
        if len(pattern) == 1 and isinstance(pattern[0], (list, tuple)):
            pattern = pattern[0]
        return _b.dimshuffle(self, pattern)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (list, tuple)):
            axes = axes[0]
        return _b.transpose(self, axes or None)

    def reshape(self, shape, *args, ndim=None):
        if args:
            shape = (shape,) + args
        return _sh_reshape(self, shape, ndim=ndim)

    def flatten(self, ndim=1, outdim=None):
        return _sh_flatten(self, outdim if outdim is not None else ndim)

    def ravel(self):
        return self.flatten()

    def swapaxes(self, a, b):
        return _b.swapaxes(self, a, b)

    def squeeze(self):
        return _sh_squeeze(self)

    def astype(self, dtype):
        return _b.cast(self, dtype)

    def copy(self, name=None):
        out = _m.tensor_copy(self)
        out.name = name
        return out

    def repeat(self, repeats, axis=None):
        return _extra().repeat(self, repeats, axis)

    def nonzero(self, return_matrix=False):
        return _extra().nonzero(self, return_matrix)

    def nonzero_values(self):
        return _extra().nonzero_values(self)

    def sort(self, axis=-1, kind="quicksort", order=None):
        return _extra().sort(self, axis, kind, order)

    def argsort(self, axis=-1, kind="quicksort", order=None):
        return _extra().argsort(self, axis, kind, order)

    def cumsum(self, axis=None):
        return _extra().cumsum(self, axis)

    def cumprod(self, axis=None):
        return _extra().cumprod(self, axis)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        return _extra().diagonal(self, offset, axis1, axis2)

    def trace(self):
        return _extra().trace(self)

    def fill(self, value):
        return _b.fill(self, value)

    def zeros_like(self, dtype=None):
        return _b.zeros_like(self, dtype)

    def ones_like(self, dtype=None):
        return _b.ones_like(self, dtype)

    # -- indexing ----------------------------------------------------------------
    def __getitem__(self, args):
        return _sub_mod().get_item(self, args)

    def __setitem__(self, key, value):
        raise TypeError("Symbolic tensors are immutable: use T.set_subtensor(x[key], value) "
                        "or T.inc_subtensor(x[key], value) instead of item assignment.")

    def take(self, indices, axis=None, mode="raise"):
        return _sub_mod().take(self, indices, axis, mode)

    # -- reductions and math -------------------------------------------------------
    def sum(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        return _m.sum(self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype)

    def prod(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        return _m.prod(self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype)

    def mean(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        return _m.mean(self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype)

    def var(self, axis=None, ddof=0, keepdims=False, corrected=False):
        return _m.var(self, axis=axis, ddof=ddof, keepdims=keepdims, corrected=corrected)

    def std(self, axis=None, ddof=0, keepdims=False, corrected=False):
        return _m.std(self, axis=axis, ddof=ddof, keepdims=keepdims, corrected=corrected)

    def max(self, axis=None, keepdims=False):
        return _m.max(self, axis, keepdims)

    def min(self, axis=None, keepdims=False):
        return _m.min(self, axis, keepdims)

    def argmax(self, axis=None, keepdims=False):
        return _m.argmax(self, axis, keepdims)

    def argmin(self, axis=None, keepdims=False):
        return _m.argmin(self, axis, keepdims)

    def all(self, axis=None, keepdims=False):
        return _m.all(self, axis, keepdims)

    def any(self, axis=None, keepdims=False):
        return _m.any(self, axis, keepdims)

    def norm(self, L, axis=None, keepdims=False):
        if L == 0:
            raise NotImplementedError("the L0 'norm' is not a norm; use T.neq(x, 0).sum()")
        if L == 1:
            return _m.abs_(self).sum(axis=axis, keepdims=keepdims)
        if L == 2:
            return _m.sqrt(_m.sqr(self).sum(axis=axis, keepdims=keepdims))
        return (_m.abs_(self) ** L).sum(axis=axis, keepdims=keepdims) ** (1.0 / L)

    def dot(self, other):
        return _m.dot(self, other)

    def clip(self, a_min, a_max):
        return _m.clip(self, a_min, a_max)

    def conj(self):
        return _m.conj(self)

    conjugate = conj

    def round(self, mode=None):
        return _m.round(self, mode)

    def __round__(self):
        return _m.round(self)

    def any_nan(self):
        return _m.isnan(self).any()


class TensorVariable(_tensor_py_operators, Variable):
    """A symbolic array: the result of a tensor computation or a graph input."""

    def __init__(self, type, owner=None, index=None, name=None):
        super().__init__(type, owner, index, name)
        if type.dtype == "float64" and config.warn_float64 != "ignore":
            _report_float64(self)


def _report_float64(var):
    """``config.warn_float64``: flag the creation of a float64 tensor (for float32 code)."""
    msg = ("You are creating a TensorVariable with float64 dtype (%s). You requested an action "
           "via the Theano flag warn_float64={ignore,warn,raise,pdb}." % (var,))
    action = config.warn_float64
    if action == "warn":
        where = user_source_line() or ("<unknown>", 0, "")
        warnings.warn_explicit(msg, UserWarning, where[0], where[1])
    elif action == "raise":
        raise Exception(msg)
    else:
        breakpoint()


class TensorConstant(_tensor_py_operators, Constant):
    """A constant array embedded in the graph, printed as ``TensorConstant{2}``."""

    def __str__(self):
        if self.name is not None:
            return self.name
        data = self.data
        if data.ndim == 0:
            text = str(data.item() if data.dtype.kind != "f" else data.item())
            if data.dtype.kind == "f":
                text = np.format_float_positional(data.item(), trim="-") if np.isfinite(
                    data) else str(data.item())
                if "." not in text and "e" not in text and np.isfinite(data):
                    text += ".0"
            return "TensorConstant{%s}" % text
        if data.size and (data == data.flat[0]).all():
            return "TensorConstant{%s of %s}" % (data.shape, data.flat[0])
        text = np.array2string(data, threshold=20).replace("\n", "")
        return "TensorConstant{%s}" % text

    def signature(self):
        return (self.type, self.type.values_signature(self.data))


TensorType.variable_type = TensorVariable
TensorType.constant_type = TensorConstant


class _CallableVarModule(type(sys.modules[__name__])):
    """``theano.tensor.var`` is both this module and the variance function.

    Theano users import ``theano.tensor.var.TensorVariable`` and call
    ``T.var(x)``; a callable module keeps both spellings working.
    """

    def __call__(self, *args, **kwargs):
        return _m.var(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableVarModule
