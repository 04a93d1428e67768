"""Converting values to tensors, casting and dimension shuffling."""
import numbers

import numpy as np

from theano.configparser import config
from theano.graph.basic import Apply, Constant, Variable
from theano.graph.op import Op
from theano.scalar.basic import Cast, ScalarType
from theano.scalar.basic import second as ts_second
from theano.tensor.elemwise import DimShuffle, Elemwise
from theano.tensor.type import TensorType

__all__ = ["as_tensor_variable", "as_tensor", "constant", "cast", "dimshuffle", "transpose",
           "swapaxes", "get_scalar_constant_value", "NotScalarConstantError",
           "fill", "second", "zeros_like", "ones_like", "autocast", "shape_padleft",
           "shape_padright", "shape_padaxis", "TensorFromScalar", "ScalarFromTensor",
           "tensor_from_scalar", "scalar_from_tensor"]


class NotScalarConstantError(Exception):
    """The variable is not a constant scalar (raised by get_scalar_constant_value)."""


def autocast(x):
    """The array Theano 1.0 builds for a Python number under ``config.cast_policy``.

    With the ``custom`` policy, ints get the narrowest int dtype that holds
    them and floats the narrowest float dtype (not below float32, and floatX
    when it is float32) that represents them exactly, so ``fvector * 2.0``
    stays float32 while ``fvector * 0.1`` is float64.
    """
    if isinstance(x, (bool, np.bool_)):
        return np.asarray(x, dtype="bool")
    if config.cast_policy == "numpy+floatX":
        arr = np.asarray(x)
        if arr.dtype.kind == "f" and not hasattr(x, "dtype"):
            arr = arr.astype(config.floatX)
        return arr
    if isinstance(x, numbers.Integral) and not hasattr(x, "dtype"):
        for d in ("int8", "int16", "int32", "int64"):
            if np.iinfo(d).min <= x <= np.iinfo(d).max:
                return np.asarray(x, dtype=d)
        return np.asarray(x, dtype="uint64") if x > 0 else np.asarray(x, dtype="float64")
    if isinstance(x, float):
        if config.floatX in ("float32", "float16"):
            return np.asarray(x, dtype=config.floatX)
        for d in ("float32", "float64"):
            v = np.asarray(x, dtype=d)
            # Compare as Python floats: NumPy 2 would compare in float32.
            if float(v) == x or (np.isnan(x) and np.isnan(v)):
                return v
        return np.asarray(x, dtype="float64")
    if isinstance(x, complex):
        return np.asarray(x, dtype="complex128")
    return np.asarray(x)


def _as_array(x, dtype=None):
    if dtype is not None:
        return np.asarray(x, dtype=dtype)
    if isinstance(x, np.ndarray) or isinstance(x, np.generic):
        return np.asarray(x)
    if isinstance(x, (list, tuple)):
        arr = np.asarray(x)
        if arr.dtype.kind == "f" and config.floatX != "float64" and all(
                isinstance(v, float) for v in np.asarray(x, dtype=object).flat):
            arr = arr.astype(config.floatX) if np.array_equal(arr.astype(config.floatX), arr) \
                else arr
        if arr.dtype.kind == "i" and arr.size:
            for d in ("int8", "int16", "int32", "int64"):
                if arr.min() >= np.iinfo(d).min and arr.max() <= np.iinfo(d).max:
                    return arr.astype(d)
        return arr
    return autocast(x)


def constant(x, name=None, ndim=None, dtype=None):
    """A :class:`TensorConstant` holding ``x`` (dtype chosen as Theano 1.0 did)."""
    arr = _as_array(x, dtype)
    if arr.dtype == object:
        raise TypeError("Cannot make a tensor constant of %r" % (x,))
    if ndim is not None:
        if arr.ndim < ndim:
            arr = arr.reshape((1,) * (ndim - arr.ndim) + arr.shape)
        elif arr.ndim > ndim:
            raise ValueError("constant %r has more than %d dimensions" % (x, ndim))
    small = (name is None and arr.size == 1 and arr.dtype.kind in "iuf"
             and -10 <= arr.flat[0] <= 10 and arr.flat[0] == int(arr.flat[0]))
    if small:
        # As Theano 1.0 did, small integral constants are made once and shared
        # (``1 / (1 + x)`` holds one TensorConstant{1}), which merging and
        # printing (one id per constant) rely on.
        key = (arr.dtype.str, arr.shape, arr.flat[0].item())
        cached = _constant_cache.get(key)
        if cached is not None:
            return cached
    bcast = tuple(s == 1 for s in arr.shape)
    const = TensorType(arr.dtype, bcast).make_constant(arr, name=name)
    if small:
        _constant_cache[key] = const
    return const


_constant_cache = {}


def as_tensor_variable(x, name=None, ndim=None):
    """Return ``x`` as a symbolic tensor (variables pass through, values become constants)."""
    if isinstance(x, Variable):
        if isinstance(x.type, TensorType):
            if ndim is None or x.type.ndim == ndim:
                return x
            if x.type.ndim > ndim:
                drop = [i for i in range(x.type.ndim - ndim)]
                if all(x.type.broadcastable[i] for i in drop):
                    return dimshuffle(x, list(range(len(drop), x.type.ndim)))
                raise ValueError("%s has %d dimensions, cannot make it %d-dimensional"
                                 % (x, x.type.ndim, ndim))
            return shape_padleft(x, ndim - x.type.ndim)
        if isinstance(x.type, ScalarType):
            return tensor_from_scalar(x)
        raise TypeError("Cannot convert %s of type %s to a tensor" % (x, x.type))
    if hasattr(x, "owner") and isinstance(x, list):
        raise TypeError("unexpected list of variables")
    if isinstance(x, (list, tuple)) and any(isinstance(v, Variable) for v in _flat(x)):
        # Lazy: Join is built on this module (its inputs go through here).
        from theano.tensor.join import stack
        return stack([as_tensor_variable(v) for v in x])
    try:
        return constant(x, name=name, ndim=ndim)
    except (TypeError, ValueError) as exc:
        raise TypeError("Cannot convert %r to a TensorType: %s" % (x, exc)) from None


as_tensor = as_tensor_variable


def _flat(x):
    for v in x:
        if isinstance(v, (list, tuple)):
            yield from _flat(v)
        else:
            yield v


def get_scalar_constant_value(v, elemwise=True, only_process_constants=False):
    """The Python/NumPy value of ``v`` if it is a constant scalar, else raise."""
    if isinstance(v, (numbers.Number, np.number, np.ndarray, np.bool_)):
        arr = np.asarray(v)
        if arr.size == 1:
            return arr.reshape(())
        raise NotScalarConstantError(v)
    if isinstance(v, Constant):
        data = np.asarray(v.data)
        if data.size == 1:
            return data.reshape(())
        if data.size and (data == data.flat[0]).all():
            return data.flat[0]
        raise NotScalarConstantError(v)
    if only_process_constants or getattr(v, "owner", None) is None:
        raise NotScalarConstantError(v)
    op = v.owner.op
    if isinstance(op, Elemwise) and not elemwise:
        raise NotScalarConstantError(v)
    # Ops that can see through to a constant say so (DimShuffle, Elemwise,
    # Shape_i, Subtensor, Alloc...).
    hook = getattr(op, "get_scalar_constant_value", None)
    if hook is not None:
        return hook(v.owner, get_scalar_constant_value)
    raise NotScalarConstantError(v)


def cast(x, dtype):
    """Symbolically cast ``x`` to ``dtype`` (``'floatX'`` means config.floatX)."""
    if dtype == "floatX":
        dtype = config.floatX
    x = as_tensor_variable(x)
    dtype = np.dtype(dtype).name
    if x.type.dtype == dtype:
        return x
    if x.type.dtype.startswith("complex") and not dtype.startswith("complex"):
        raise TypeError("Casting from complex to real is ambiguous: use T.real(), T.imag(), "
                        "T.abs_() or T.angle() on %s first" % x)
    return _cast_op(dtype)(x)


_cast_ops = {}


def _cast_op(dtype):
    if dtype not in _cast_ops:
        _cast_ops[dtype] = Elemwise(Cast(dtype), name="Elemwise{Cast{%s}}" % dtype)
    return _cast_ops[dtype]


def dimshuffle(x, pattern):
    x = as_tensor_variable(x)
    pattern = tuple(pattern)
    if pattern == tuple(range(x.type.ndim)):
        return x
    return DimShuffle(x.type.broadcastable, pattern)(x)


def transpose(x, axes=None):
    """Reverse (or permute by ``axes``) the dimensions of ``x``."""
    x = as_tensor_variable(x)
    if axes is None:
        axes = list(range(x.type.ndim))[::-1]
    out = dimshuffle(x, [int(a) % max(x.type.ndim, 1) for a in axes])
    # (The transpose of a vector or scalar is ``x`` itself: never rename it.)
    if x.name and out is not x and axes == list(range(x.type.ndim))[::-1]:
        out.name = x.name + ".T"
    return out


def swapaxes(x, a, b):
    """``x`` with axes ``a`` and ``b`` exchanged (negative axes count from the end)."""
    x = as_tensor_variable(x)
    nd = x.type.ndim
    for axis in (a, b):
        if not -nd <= axis < nd:  # IndexError, as Theano 1.0 (it indexed a list)
            raise IndexError("swapaxes: axis %d is out of range for %s with %d dimensions"
                             % (axis, x, nd))
    order = list(range(nd))
    order[a], order[b] = order[b], order[a]
    return dimshuffle(x, order)


def shape_padleft(x, n_ones=1):
    x = as_tensor_variable(x)
    return dimshuffle(x, ["x"] * n_ones + list(range(x.type.ndim)))


def shape_padright(x, n_ones=1):
    x = as_tensor_variable(x)
    return dimshuffle(x, list(range(x.type.ndim)) + ["x"] * n_ones)


def shape_padaxis(x, axis):
    x = as_tensor_variable(x)
    nd = x.type.ndim + 1
    if not -nd <= axis < nd:
        raise IndexError("axis %d out of range for a %d-d result" % (axis, nd))
    axis %= nd
    order = list(range(x.type.ndim))
    order.insert(axis, "x")
    return dimshuffle(x, order)


_second = Elemwise(ts_second, name="Elemwise{second,no_inplace}")  # (Theano 1.0's label)


def second(a, b):
    """``b`` broadcast to the shape of ``a`` (Theano's ``fill``)."""
    return _second(a, b)


def fill(model, value):
    return second(model, value)


def zeros_like(model, dtype=None, opt=False):
    model = as_tensor_variable(model)
    return fill(model, constant(0, dtype=dtype or model.type.dtype))


def ones_like(model, dtype=None, opt=False):
    model = as_tensor_variable(model)
    return fill(model, constant(1, dtype=dtype or model.type.dtype))


# -- scalar <-> 0-d tensor ----------------------------------------------------------
class TensorFromScalar(Op):
    """Wrap a scalar-typed variable as a 0-d tensor."""

    __props__ = ()

    def make_node(self, s):
        if not isinstance(getattr(s, "type", None), ScalarType):
            raise TypeError("TensorFromScalar needs a scalar-typed variable, got %r" % (s,))
        return Apply(self, [s], [TensorType(s.type.dtype, ())()])

    def perform(self, node, inputs, out):
        out[0][0] = np.asarray(inputs[0], dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [()]


class ScalarFromTensor(Op):
    """The value of a 0-d tensor as a scalar-typed variable."""

    __props__ = ()

    def make_node(self, t):
        t = as_tensor_variable(t)
        if t.type.ndim != 0:
            raise TypeError("ScalarFromTensor needs a 0-d tensor, got %s of type %s"
                            % (t, t.type))
        return Apply(self, [t], [ScalarType(t.type.dtype)()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.asarray(inputs[0], dtype=node.outputs[0].type.dtype)[()]

    def infer_shape(self, fgraph, node, shapes):
        return [()]


tensor_from_scalar_op = TensorFromScalar()
scalar_from_tensor = ScalarFromTensor()


def tensor_from_scalar(s):
    """The scalar-typed variable ``s`` as a 0-d tensor."""
    return tensor_from_scalar_op(s)
