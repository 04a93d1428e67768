"""Tests of theano.tensor.shape: Shape, Reshape, flatten, SpecifyShape, Rebroadcast."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import gradient
from theano.tensor.shape import (MakeVector, Rebroadcast, Reshape, Shape, Shape_i,
                                 SpecifyShape, get_vector_length, shape_i)
from theano.tests import unittest_tools as utt

rng = np.random.RandomState(0)


# -- Shape / Shape_i -------------------------------------------------------------
@pytest.mark.parametrize("shp", [(), (0,), (3,), (2, 0, 4), (1, 2, 3, 4)])
def test_shape_values(shp):
    x = T.TensorType("float32", (False,) * len(shp))()
    xv = np.zeros(shp, dtype="float32")
    f = theano.function([x], [x.shape] + [shape_i(x, i) for i in range(len(shp))])
    out = f(xv)
    assert out[0].dtype == np.int64
    assert tuple(out[0]) == shp
    assert tuple(int(v) for v in out[1:]) == shp


def test_shape_i_broadcastable_is_constant():
    r = T.row()
    assert isinstance(shape_i(r, 0), theano.graph.basic.Constant)
    assert T.get_scalar_constant_value(r.shape[0]) == 1
    with pytest.raises(T.NotScalarConstantError):
        T.get_scalar_constant_value(r.shape[1])
    assert T.get_scalar_constant_value(Shape_i(0)(r)) == 1


def test_shape_iteration_and_constant_shape():
    x = T.dmatrix()
    a, b = x.shape
    f = theano.function([x], [a, b])
    assert [int(v) for v in f(np.zeros((2, 5)))] == [2, 5]
    c = T.constant(np.zeros((4, 3)))
    assert T.get_scalar_constant_value(Shape_i(1)(c)) == 3
    assert T.get_scalar_constant_value(c.shape[0]) == 4


def test_shape_grads_are_disconnected():
    x, y = T.dmatrix("x"), T.dvector("y")
    cost = (T.cast(x.shape[0], "float64") * y).sum()
    gy = gradient.grad(cost, y)
    f = theano.function([x, y], gy)
    np.testing.assert_allclose(f(np.zeros((3, 2)), np.ones(4)), np.full(4, 3.0))
    with pytest.raises(gradient.DisconnectedInputError):
        gradient.grad(cost, x)
    gx = gradient.grad(cost, x, disconnected_inputs="ignore")
    g = theano.function([x, y], gx, on_unused_input="ignore")
    assert np.all(g(np.ones((3, 2)), np.ones(4)) == 0)


def test_shape_props_and_str():
    assert Shape() == Shape() and hash(Shape()) == hash(Shape())
    assert Shape_i(1) == Shape_i(1) and Shape_i(1) != Shape_i(0)
    assert str(Shape_i(2)) == "Shape_i{2}"


# -- get_vector_length / MakeVector ---------------------------------------------------
def test_get_vector_length():
    x = T.tensor3()
    assert get_vector_length(x.shape) == 3
    assert get_vector_length(T.constant([1, 2])) == 2
    assert get_vector_length(x.shape[1:]) == 2
    n = T.lscalar()
    assert get_vector_length(MakeVector("int64")(n, n, 2)) == 3
    with pytest.raises(ValueError, match="cannot be determined"):
        get_vector_length(T.lvector())


def test_make_vector():
    a, b = T.lscalar(), T.iscalar()
    v = MakeVector("int64")(a, b, 3)
    assert v.type.dtype == "int64" and v.type.ndim == 1
    f = theano.function([a, b], v)
    np.testing.assert_array_equal(f(4, 5), [4, 5, 3])
    with pytest.raises(TypeError):
        MakeVector("int64")(T.dscalar())
    with pytest.raises(TypeError):
        MakeVector("int64")(T.lvector())


# -- Reshape ------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "bool", "complex128"])
@pytest.mark.parametrize("src,dst", [((2, 3), (3, 2)), ((2, 3), (6,)), ((2, 3), (-1,)),
                                     ((2, 3, 4), (4, -1)), ((6,), (1, 2, 3)), ((1,), ()),
                                     ((0, 3), (3, 0)), ((0, 3), (-1, 3)), ((2, 2), (1, -1, 1))])
def test_reshape_constant_shapes(dtype, src, dst):
    x = T.TensorType(dtype, (False,) * len(src))()
    xv = (rng.rand(*src) * 10).astype(dtype)
    y = x.reshape(dst)
    assert y.type.ndim == len(dst) and y.type.dtype == dtype
    assert y.type.broadcastable == tuple(d == 1 for d in dst)
    out = theano.function([x], y)(xv)
    expected = xv.reshape(dst)
    assert out.dtype == expected.dtype
    np.testing.assert_array_equal(out, expected)
    assert utt.inferred_shape(y, [x], [xv]) == expected.shape


def test_reshape_symbolic_entries():
    x = T.dtensor3()
    n, m = T.lscalars("n", "m")
    y = T.reshape(x, (n, -1, m))
    assert y.type.ndim == 3
    z = x.reshape([x.shape[0], 1, -1])
    assert z.type.broadcastable == (False, True, False)
    xv = rng.rand(2, 3, 4)
    f = theano.function([x, n, m], [y, z])
    ry, rz = f(xv, 4, 2)
    np.testing.assert_array_equal(ry, xv.reshape(4, -1, 2))
    np.testing.assert_array_equal(rz, xv.reshape(2, 1, -1))
    assert utt.inferred_shape(y, [x, n, m], [xv, 4, 2]) == (4, 3, 2)
    assert utt.inferred_shape(z, [x], [xv]) == (2, 1, 12)


def test_reshape_symbolic_vector_needs_ndim():
    x = T.dmatrix()
    s = T.lvector("s")
    with pytest.raises(ValueError, match="ndim"):
        x.reshape(s)
    y = x.reshape(s, ndim=3)
    xv = rng.rand(4, 3)
    out = theano.function([x, s], y)(xv, np.array([2, -1, 3]))
    np.testing.assert_array_equal(out, xv.reshape(2, -1, 3))
    assert utt.inferred_shape(y, [x, s], [xv, np.array([2, -1, 3])]) == (2, 2, 3)
    assert utt.inferred_shape(y, [x, s], [xv, np.array([2, 2, 3])]) == (2, 2, 3)


def test_reshape_varargs_and_method():
    x = T.dvector()
    xv = np.arange(6.0)
    f = theano.function([x], [x.reshape(2, 3), x.reshape((3, 2))])
    a, b = f(xv)
    assert a.shape == (2, 3) and b.shape == (3, 2)


def test_reshape_errors():
    x = T.dmatrix()
    f = theano.function([x], x.reshape((4, 2)))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 2\)"):
        f(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="more than one -1"):
        x.reshape((-1, -1))
    with pytest.raises(TypeError):
        x.reshape((2.5, 3))
    with pytest.raises(TypeError):
        x.reshape(T.dvector(), ndim=2)
    with pytest.raises(ValueError, match="entries"):
        Reshape(3)(x, T.constant([1, 2]))


def test_reshape_grad():
    utt.verify_grad(lambda x: x.reshape((3, 2)), [rng.rand(2, 3)])
    utt.verify_grad(lambda x: x.reshape((-1,)) * T.constant(np.arange(6.0)), [rng.rand(2, 3)])
    utt.verify_grad(lambda x: x.reshape((1, 6)), [rng.rand(2, 3)])


def test_reshape_grad_keeps_broadcastable_input():
    x = T.row("x")
    g = gradient.grad((x.reshape((-1,)) ** 2).sum(), x)
    assert g.type == x.type
    xv = np.array([[1.0, 2.0]], dtype=x.dtype)
    np.testing.assert_allclose(theano.function([x], g)(xv), 2 * xv)


def test_reshape_props():
    assert Reshape(2) == Reshape(2) and Reshape(2) != Reshape(3)
    assert str(Reshape(2)) == "Reshape{2}"
    assert Reshape.view_map == {0: [0]}


# -- flatten --------------------------------------------------------------------------
@pytest.mark.parametrize("shp,ndim", [((2, 3, 4), 1), ((2, 3, 4), 2), ((2, 3, 4), 3),
                                      ((5,), 1), ((), 1), ((2, 0, 3), 2)])
def test_flatten(shp, ndim):
    x = T.TensorType("float64", (False,) * len(shp))()
    xv = np.asarray(rng.rand(*shp))
    y = T.flatten(x, ndim)
    expected = xv.reshape(shp[:ndim - 1] + (-1,)) if shp else xv.reshape(1)
    out = theano.function([x], y)(xv)
    assert y.type.ndim == ndim
    np.testing.assert_array_equal(out, expected)


def test_flatten_broadcastable_and_method():
    x = T.TensorType("float64", (False, True, True))()
    assert T.flatten(x, 2).type.broadcastable == (False, True)
    assert x.flatten().type.broadcastable == (False,)
    y = T.dmatrix()
    assert y.flatten(outdim=1).type.ndim == 1
    assert y.ravel().type.ndim == 1
    with pytest.raises(ValueError, match="out of bounds"):
        T.flatten(y, 3)
    with pytest.raises(ValueError):
        T.flatten(y, 0)


def test_flatten_grad():
    utt.verify_grad(lambda x: T.flatten(x, 2), [rng.rand(2, 3, 2)])


# -- SpecifyShape ------------------------------------------------------------------------
def test_specify_shape():
    x = T.dmatrix()
    n = T.lscalar()
    y = T.specify_shape(x, (2, n))
    assert y.type == x.type
    f = theano.function([x, n], y)
    xv = rng.rand(2, 3)
    np.testing.assert_array_equal(f(xv, 3), xv)
    with pytest.raises(AssertionError, match=r"\(2, 3\).*\(2, 4\)"):
        f(xv, 4)
    with pytest.raises(ValueError):
        f(rng.rand(3, 3), 3)
    with pytest.raises(ValueError, match="2 dimensions"):
        T.specify_shape(x, (1, 2, 3))
    with pytest.raises(ValueError, match="broadcastable"):
        T.specify_shape(T.row(), (2, 3))


def test_specify_shape_infer_and_constant():
    x = T.dmatrix()
    n = T.lscalar()
    y = T.specify_shape(x, (2, n))
    assert y.owner.op.infer_shape(None, y.owner, [(shape_i(x, 0), shape_i(x, 1)), (2,)])[0][0] == 2
    assert T.get_scalar_constant_value(y.shape[0]) == 2
    assert utt.inferred_shape(y, [x, n], [rng.rand(2, 5), 5]) == (2, 5)
    assert isinstance(y.owner.op, SpecifyShape)


def test_specify_shape_grad():
    utt.verify_grad(lambda x: T.specify_shape(x, (2, 3)) * 2, [rng.rand(2, 3)])


# -- Rebroadcast ------------------------------------------------------------------------
def test_addbroadcast_unbroadcast():
    x = T.dmatrix()
    y = T.addbroadcast(x, 0)
    assert y.type.broadcastable == (True, False)
    assert isinstance(y.owner.op, Rebroadcast)
    assert T.addbroadcast(y, 0) is y
    assert T.unbroadcast(x, 0, 1) is x
    z = T.unbroadcast(y, 0)
    assert z.type.broadcastable == (False, False)
    assert T.addbroadcast(x, -1).type.broadcastable == (False, True)
    assert T.specify_broadcastable(x, 1).type.broadcastable == (False, True)
    f = theano.function([x], [y, z])
    xv = rng.rand(1, 3)
    for out in f(xv):
        np.testing.assert_array_equal(out, xv)
    with pytest.raises(ValueError, match=r"dimension 0.*size 1.*\(2, 3\)"):
        f(rng.rand(2, 3))
    with pytest.raises(ValueError):
        T.addbroadcast(x, 2)


def test_patternbroadcast():
    x = T.dtensor3()
    y = T.patternbroadcast(x, (True, False, True))
    assert y.type.broadcastable == (True, False, True)
    assert T.patternbroadcast(x, (False,) * 3) is x
    assert str(y.owner.op) == "Rebroadcast{1,?,1}"
    # A shorter pattern sets the leading dimensions (Theano 1.0); a longer one is an error.
    assert T.patternbroadcast(x, (True,)).type.broadcastable == (True, False, False)
    assert T.patternbroadcast(x, ()) is x
    with pytest.raises(ValueError):
        T.patternbroadcast(x, (True,) * 4)
    xv = rng.rand(1, 4, 1)
    np.testing.assert_array_equal(theano.function([x], y)(xv), xv)
    assert utt.inferred_shape(y, [x], [xv]) == (1, 4, 1)


def test_rebroadcast_props():
    a = Rebroadcast((0, True), (2, False))
    b = Rebroadcast((2, False), (0, True))
    assert a == b and hash(a) == hash(b)
    assert a.axis == {0: True, 2: False}
    assert Rebroadcast((0, True)) != Rebroadcast((0, False))


def test_rebroadcast_grad():
    x = T.dmatrix()
    y = T.addbroadcast(x, 0)
    g = gradient.grad((y * T.constant([[1.0, 2.0, 3.0]])).sum(), x)
    assert g.type == x.type
    np.testing.assert_allclose(theano.function([x], g)(np.ones((1, 3))), [[1, 2, 3]])
    utt.verify_grad(lambda x: T.unbroadcast(T.addbroadcast(x, 0), 0) * 3, [rng.rand(1, 3)])


def test_rebroadcast_constant_value():
    c = T.addbroadcast(T.constant(np.array([[5]])), 0)
    assert T.get_scalar_constant_value(c) == 5


def test_squeeze_uses_specify_broadcastable():
    x = T.dmatrix()
    y = T.squeeze(x, axis=0)
    assert y.type.ndim == 1
    f = theano.function([x], y)
    np.testing.assert_array_equal(f(np.array([[1.0, 2.0]])), [1.0, 2.0])
    with pytest.raises(ValueError):
        f(np.zeros((2, 2)))
