"""TensorType and the symbolic-tensor constructors (``T.dmatrix`` and friends)."""
import numpy as np

from theano.configparser import config
from theano.graph.type import Type
from theano.scalar import basic as _sb
from theano.scalar.basic import upcast

__all__ = ["TensorType"]

_NDIM_NAMES = {0: "scalar", 1: "vector", 2: "matrix"}


def _value_summary(data):
    arr = np.asarray(data) if not hasattr(data, "dtype") else data
    return "%s of dtype %s and shape %s" % (type(data).__name__, getattr(arr, "dtype", "?"),
                                            getattr(arr, "shape", "?"))


class TensorType(Type):
    """The type of an n-dimensional array of ``dtype``.

    ``broadcastable[i]`` is True when dimension ``i`` is known to have size 1
    (and so broadcasts against any size).
    """

    __props__ = ("dtype", "broadcastable")

    def __init__(self, dtype, broadcastable, name=None, shape=None):
        if shape is not None and broadcastable is None:
            broadcastable = [s == 1 for s in shape]
        self.dtype = np.dtype(dtype).name if dtype != "floatX" else config.floatX
        self.broadcastable = tuple(bool(b) for b in broadcastable)
        self.name = name
        # Precomputed for filter(), which runs on every function argument.
        self._np_dtype = np.dtype(self.dtype)
        self._bcast_dims = tuple(i for i, b in enumerate(self.broadcastable) if b)

    @property
    def ndim(self):
        return len(self.broadcastable)

    @property
    def numpy_dtype(self):
        return self._np_dtype

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._np_dtype = np.dtype(self.dtype)
        self._bcast_dims = tuple(i for i, b in enumerate(self.broadcastable) if b)

    def clone(self, dtype=None, broadcastable=None):
        return TensorType(dtype or self.dtype,
                          self.broadcastable if broadcastable is None else broadcastable)

    # -- values ---------------------------------------------------------------
    def filter(self, data, strict=False, allow_downcast=None):
        """Validate ``data`` and return it as an ndarray of this type.

        Lossless conversions (lists, Python scalars, narrower dtypes) are
        accepted; a lossy one raises TypeError unless ``allow_downcast``
        (``None`` allows only Python floats to floatX).
        """
        if type(data) is np.ndarray and data.dtype == self._np_dtype:
            arr = data
        elif strict:
            raise TypeError("%s expected an ndarray of dtype %s, got %s"
                            % (self, self.dtype, _value_summary(data)))
        else:
            arr = self._convert(data, allow_downcast)
        if arr.ndim != len(self.broadcastable):
            raise TypeError("Wrong number of dimensions: expected %d, got %d with shape %s."
                            % (self.ndim, arr.ndim, arr.shape))
        if self._bcast_dims and any(arr.shape[i] != 1 for i in self._bcast_dims):
            raise ValueError(
                "Non-unit value on shape on a broadcastable dimension: %s has shape %s but "
                "broadcastable pattern %s" % (self, arr.shape, self.broadcastable))
        return arr

    def _convert(self, data, allow_downcast):
        target = self.numpy_dtype
        if allow_downcast:
            return np.asarray(data, dtype=target)
        if isinstance(data, np.ndarray) or isinstance(data, np.generic):
            src = data.dtype
            if upcast(src.name, self.dtype) == self.dtype:
                return np.asarray(data, dtype=target)
            raise TypeError(
                "%s cannot store a value of dtype %s without risking loss of precision. If "
                "you do not mind this loss, you can: 1) explicitly cast your data to %s, or "
                '2) set "allow_input_downcast=True" when calling "function".'
                % (self, src, self.dtype))
        if (allow_downcast is None and isinstance(data, float) and self.dtype == config.floatX):
            return np.asarray(data, dtype=target)
        try:
            orig = np.asarray(data)
        except Exception as exc:
            raise TypeError("%s cannot convert %r to an array: %s" % (self, data, exc)) from exc
        if orig.dtype == object:
            raise TypeError("%s expected numeric data, got %r" % (self, data))
        with np.errstate(all="ignore"):
            conv = orig.astype(target)
        same = np.array_equal(conv, orig, equal_nan=orig.dtype.kind in "fc" and target.kind in "fc")
        if orig.dtype.kind == "c" and target.kind != "c":
            same = False
        if not same:
            raise TypeError(
                "%s cannot store accurately value %s, it would be represented as %s. If you "
                'do not mind this precision loss, you can: 1) explicitly convert your data to '
                'a numpy array of dtype %s, or 2) set "allow_input_downcast=True" when '
                'calling "function".' % (self, data, conv, self.dtype))
        return conv

    def convert_variable(self, var):
        """Accept ``var`` if it only differs by more specific broadcastable flags."""
        t = var.type
        if t == self:
            return var
        if (isinstance(t, TensorType) and t.dtype == self.dtype and t.ndim == self.ndim
                and all(sb or not vb for sb, vb in zip(self.broadcastable, t.broadcastable))):
            # Lazy: the op that relabels broadcast flags is built on this type.
            from theano.tensor.shape import patternbroadcast
            return patternbroadcast(var, self.broadcastable)
        return None

    def values_eq(self, a, b):
        return np.shape(a) == np.shape(b) and np.array_equal(a, b)

    def values_eq_approx(self, a, b, allow_remove_inf=False, allow_remove_nan=False,
                         rtol=None, atol=None):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return False
        if a.dtype.kind not in "fc":
            return np.array_equal(a, b)
        if rtol is None:
            rtol = 1e-5 if a.dtype.itemsize <= 4 or b.dtype.itemsize <= 4 else 1e-8
        if atol is None:
            atol = 1e-5 if a.dtype.itemsize <= 4 or b.dtype.itemsize <= 4 else 1e-8
        return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))

    def values_signature(self, data):
        data = np.asarray(data)
        if data.size <= 16:
            return (data.dtype.name, data.shape, data.tobytes())
        return (data.dtype.name, data.shape, hash(data.tobytes()))

    def value_zeros(self, shape):
        return np.zeros(shape, dtype=self.dtype)

    # -- printing -------------------------------------------------------------
    def __str__(self):
        if self.name:
            return self.name
        b = self.broadcastable
        if not any(b):
            kind = _NDIM_NAMES.get(len(b), "%dD" % len(b))
        elif b == (True, False):
            kind = "row"
        elif b == (False, True):
            kind = "col"
        elif all(b) and len(b) == 1:
            kind = "(True,)"
        else:
            kind = str(b)
        return "TensorType(%s, %s)" % (self.dtype, kind)

    def __repr__(self):
        return str(self)

    def __eq__(self, other):
        return (type(other) is TensorType and other.dtype == self.dtype
                and other.broadcastable == self.broadcastable)

    def __hash__(self):
        return hash((TensorType, self.dtype, self.broadcastable))


# -- constructors --------------------------------------------------------------
_PREFIX_DTYPES = {"b": "int8", "w": "int16", "i": "int32", "l": "int64", "f": "float32",
                  "d": "float64", "c": "complex64", "z": "complex128"}
_KIND_BCAST = {"scalar": (), "vector": (False,), "matrix": (False, False),
               "row": (True, False), "col": (False, True)}
for _n in range(3, 8):
    _KIND_BCAST["tensor%d" % _n] = (False,) * _n


def _make(dtype, bcast, name):
    return TensorType(dtype, bcast).make_variable(name)


def _generic_constructor(kind):
    bcast = _KIND_BCAST[kind]

    def ctor(name=None, dtype=None):
        return _make(dtype or config.floatX, bcast, name)

    ctor.__name__ = kind
    ctor.__doc__ = ("Return a symbolic %s of ``dtype`` (default ``config.floatX``)." % kind)
    return ctor


def _typed_constructor(dtype, kind):
    # As in Theano 1.0, ``T.dmatrix`` is a TensorType: calling it makes a
    # variable and ``x.type == T.dmatrix`` holds.
    ctor = TensorType(dtype, _KIND_BCAST[kind])

    def plural(*names):
        return _several(ctor, names)

    return ctor, plural


def _several(make, names, **kwargs):
    """Theano 1.0's plural constructors (``T.dscalars``, ``T.matrices``...).

    ``f(3)`` makes three unnamed variables; a lone string or sequence is split
    into its items (``f('xyz')`` names three variables ``x``, ``y``, ``z``);
    several names make one variable each.  A single resulting name gives a
    bare variable, not a list, as in Theano 1.0.
    """
    if names and isinstance(names[0], (int, np.integer)):
        return [make(**kwargs) for _ in range(int(names[0]))]
    if len(names) == 1:
        names = names[0]
    if len(names) == 1:
        return make(names[0], **kwargs)
    return [make(n, **kwargs) for n in names]


def _install(namespace):
    for kind in _KIND_BCAST:
        namespace[kind] = _generic_constructor(kind)
        for prefix, dtype in _PREFIX_DTYPES.items():
            single, plural = _typed_constructor(dtype, kind)
            plural.__name__ = prefix + kind + "s"
            namespace[prefix + kind] = single
            if kind == "matrix":
                namespace[prefix + "matrices"] = plural
            else:
                namespace[prefix + kind + "s"] = plural
        # Plural generic forms: scalars('a', 'b'), matrices(...)
        gen = namespace[kind]

        def gplural(*names, dtype=None, _gen=gen):
            return _several(_gen, names, dtype=dtype)

        namespace["matrices" if kind == "matrix" else kind + "s"] = gplural


def tensor(dtype=None, broadcastable=None, name=None, shape=None):
    """A symbolic tensor: ``T.tensor('float64', (False, True))``."""
    if broadcastable is None:
        broadcastable = [s == 1 for s in shape] if shape is not None else ()
    return _make(dtype or config.floatX, broadcastable, name)


def tensor_of(dtype, ndim, name=None):
    return _make(dtype, (False,) * ndim, name)


_constructors = {}
_install(_constructors)
globals().update(_constructors)
__all__ += list(_constructors) + ["tensor"]

# Theano 1.0's dtype lists (lists of names) and tuples of TensorTypes, which
# code extending Theano uses in its checks (``x.dtype in T.integer_dtypes``).
int_dtypes = list(_sb.int_dtypes)
uint_dtypes = list(_sb.uint_dtypes)
integer_dtypes = list(_sb.integer_dtypes)
float_dtypes = list(_sb.float_dtypes)
complex_dtypes = list(_sb.complex_dtypes)
discrete_dtypes = list(_sb.discrete_dtypes)
continuous_dtypes = list(_sb.continuous_dtypes)
all_dtypes = list(_sb.all_dtypes)
int_types = int_scalar_types = (_constructors["bscalar"], _constructors["wscalar"],
                                _constructors["iscalar"], _constructors["lscalar"])
float_types = float_scalar_types = (_constructors["fscalar"], _constructors["dscalar"])
complex_types = complex_scalar_types = (_constructors["cscalar"], _constructors["zscalar"])
int_vector_types = tuple(_constructors[p + "vector"] for p in "bwil")
float_vector_types = (_constructors["fvector"], _constructors["dvector"])
complex_vector_types = (_constructors["cvector"], _constructors["zvector"])
int_matrix_types = tuple(_constructors[p + "matrix"] for p in "bwil")
float_matrix_types = (_constructors["fmatrix"], _constructors["dmatrix"])
complex_matrix_types = (_constructors["cmatrix"], _constructors["zmatrix"])
Tensor = TensorType  # Theano 1.0's old name
__all__ += ["int_dtypes", "uint_dtypes", "integer_dtypes", "float_dtypes", "complex_dtypes",
            "discrete_dtypes", "continuous_dtypes", "all_dtypes", "int_types",
            "int_scalar_types", "float_types", "float_scalar_types", "complex_types",
            "complex_scalar_types", "int_vector_types", "float_vector_types",
            "complex_vector_types", "int_matrix_types", "float_matrix_types",
            "complex_matrix_types", "Tensor"]
