"""TensorType, the constructor table, constants and Theano's dtype rules."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.type import TensorType

PREFIXES = {"b": "int8", "w": "int16", "i": "int32", "l": "int64", "f": "float32",
            "d": "float64", "c": "complex64", "z": "complex128"}
KINDS = {"scalar": (), "vector": (False,), "matrix": (False, False), "row": (True, False),
         "col": (False, True), "tensor3": (False,) * 3, "tensor4": (False,) * 4,
         "tensor5": (False,) * 5, "tensor6": (False,) * 6, "tensor7": (False,) * 7}


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_typed_constructor(prefix, kind):
    ctor = getattr(T, prefix + kind)
    v = ctor("v")
    assert v.name == "v" and v.dtype == PREFIXES[prefix]
    assert v.broadcastable == KINDS[kind] and v.ndim == len(KINDS[kind])
    assert v.type == ctor
    plural = getattr(T, prefix + ("matrices" if kind == "matrix" else kind + "s"))
    a, b = plural("a", "b")
    assert (a.name, b.name) == ("a", "b") and a.type == ctor
    assert len(plural(3)) == 3


@pytest.mark.parametrize("kind", KINDS)
def test_generic_constructors_follow_floatX(kind):
    v = getattr(T, kind)("v")
    assert v.dtype == theano.config.floatX
    assert getattr(T, kind)(dtype="int32").dtype == "int32"
    with theano.config.change_flags(floatX="float32"):
        assert getattr(T, kind)().dtype == "float32"


def test_type_printing_and_tensor():
    assert str(T.dmatrix) == "TensorType(float64, matrix)"
    assert str(T.fvector) == "TensorType(float32, vector)"
    assert str(T.dscalar) == "TensorType(float64, scalar)"
    assert str(T.drow) == "TensorType(float64, row)"
    assert str(T.dcol) == "TensorType(float64, col)"
    assert str(T.dtensor3) == "TensorType(float64, 3D)"
    t = T.tensor("float32", (False, True, False), name="t")
    assert t.type == TensorType("float32", (False, True, False)) and t.name == "t"
    assert str(T.constant(2)) == "TensorConstant{2}"
    assert str(T.constant(2.0)) == "TensorConstant{2.0}"
    assert str(T.dmatrix()) == "<TensorType(float64, matrix)>"


def test_constant_dtypes_follow_theano_custom_cast_policy():
    assert T.constant(2).dtype == "int8"
    assert T.constant(300).dtype == "int16"
    assert T.constant(2 ** 40).dtype == "int64"
    assert T.constant(2.0).dtype == "float32"
    assert T.constant(0.1).dtype == "float64"
    assert T.constant(True).dtype == "bool"
    assert (T.fvector() * 2.0).dtype == "float32"
    assert (T.fvector() * 0.1).dtype == "float64"
    assert (T.ivector() + 2).dtype == "int32"
    assert (T.ivector() / 2).dtype == "float64"
    assert (T.bvector() / T.bvector()).dtype == "float32"
    with theano.config.change_flags(floatX="float32"):
        assert (T.fvector() * 0.1).dtype == "float32"
    with theano.config.change_flags(cast_policy="numpy+floatX", floatX="float32"):
        assert T.constant(0.1).dtype == "float32"


@pytest.mark.parametrize("a,b,out", [("int8", "int16", "int16"), ("int32", "float32", "float64"),
                                     ("int16", "float32", "float32"),
                                     ("float32", "float64", "float64"),
                                     ("uint8", "int8", "int16"), ("bool", "int8", "int8"),
                                     ("complex64", "float64", "complex128")])
def test_upcasting_like_numpy(a, b, out):
    assert (T.tensor(a, (False,)) + T.tensor(b, (False,))).dtype == out


def test_filter_rules():
    t = T.fvector
    assert t.filter([1, 2]).dtype == np.float32
    assert t.filter(np.array([1, 2], dtype="int8")).dtype == np.float32
    with pytest.raises(TypeError, match="loss of precision"):
        t.filter(np.array([1.5]))
    assert t.filter(np.array([1.5]), allow_downcast=True).dtype == np.float32
    with pytest.raises(TypeError, match="Wrong number of dimensions"):
        t.filter(np.ones((2, 2), dtype="float32"))
    with pytest.raises(TypeError, match="accurately"):
        T.ivector.filter([1.5])
    assert T.ivector.filter([1.0, 2.0]).dtype == np.int32  # exact floats are fine
    with pytest.raises(ValueError, match="broadcastable"):
        T.drow.filter(np.ones((2, 3)))
    with pytest.raises(TypeError):
        T.dvector.filter(np.ones(3, dtype="float32"), strict=True)
    arr = np.ones(3)
    assert T.dvector.filter(arr) is arr  # no copy when already right


def test_tensor_variable_properties_and_methods():
    x = T.dmatrix("x")
    assert x.ndim == 2 and x.dtype == "float64" and x.broadcastable == (False, False)
    v = np.arange(6.0).reshape(2, 3)
    outs = theano.function([x], [x.T, x.dimshuffle(1, "x", 0), x.astype("int32"),
                                 x.copy(), x.swapaxes(0, 1), x.sum(axis=0), x.clip(1, 3)])(v)
    refs = [v.T, v.T[:, None, :], v.astype("int32"), v, v.swapaxes(0, 1), v.sum(0),
            v.clip(1, 3)]
    for o, r in zip(outs, refs):
        np.testing.assert_array_equal(o, r)
    assert isinstance(x, theano.tensor.var.TensorVariable)
    with pytest.raises(ValueError, match="non-broadcastable"):
        x.dimshuffle(0)


def test_broadcast_patterns_and_dimshuffle():
    r = T.drow("r")
    assert r.dimshuffle(1).broadcastable == (False,)
    assert T.shape_padleft(T.dvector()).broadcastable == (True, False)
    assert T.squeeze(T.tensor("float64", (True, False, True))).ndim == 1
