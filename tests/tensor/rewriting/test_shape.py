"""Shape inference (ShapeFeature) and the shape rewrites."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.fg import FunctionGraph
from theano.tensor.rewriting.shape import ShapeFeature


def test_shape_of_elemwise_transpose_needs_no_computation(check, rng):
    x = T.dmatrix("x")
    f = check((x + 1).T.shape, {x: rng.rand(2, 3)})
    names = check.scalar_ops(f)
    assert "Add" not in names and "DimShuffle" not in names
    assert f(rng.rand(2, 3))[0].tolist() == [3, 2]


def test_shape_i_of_computed_values(check, rng):
    x = T.dmatrix("x")
    y = T.dmatrix("y")
    v = {x: rng.rand(2, 3), y: rng.rand(3, 5)}
    f = check(T.dot(T.exp(x), y).shape[1], v)
    assert check.op_names(f) == ["Shape_i"]
    f = check(T.exp(x).sum(axis=0).shape, v)
    assert "Sum" not in check.op_names(f) and "Elemwise" not in check.op_names(f)
    f = check(x.reshape((3, 2)).shape, v)
    assert check.nodes(f) == set()  # a constant


def test_shape_feature_on_a_graph():
    x = T.dmatrix("x")
    v = T.dvector("v")
    out = T.dot(x, v) + 1
    fg = FunctionGraph([x, v], [out, x.T, T.sum(x, axis=1)], clone=False)
    sf = ShapeFeature()
    fg.attach_feature(sf)
    assert fg.shape_feature is sf
    f = theano.function([x, v], list(sf.shape_of[fg.outputs[0]]) + list(
        sf.shape_of[fg.outputs[1]]), on_unused_input="ignore")
    assert [int(a) for a in f(np.zeros((4, 6)), np.zeros(6))] == [4, 6, 4]
    assert sf.same_shape(fg.outputs[0], fg.outputs[2])
    assert not sf.same_shape(fg.outputs[1], fg.outputs[2])
    fg.remove_feature(sf)
    assert not hasattr(fg, "shape_feature")


def test_ops_without_infer_shape_fall_back(check, rng):
    from theano.graph.basic import Apply
    from theano.graph.op import Op

    class NoShape(Op):
        __props__ = ()

        def make_node(self, x):
            x = T.as_tensor_variable(x)
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, out):
            out[0][0] = inputs[0] * 2

    x = T.dvector("x")
    f = check((NoShape()(x) + 1).shape, {x: rng.rand(4)})
    assert "NoShape" in check.op_names(f)
    assert f(rng.rand(4))[0].tolist() == [4]


def test_broadcastable_dims_are_one(check, rng):
    r = T.drow("r")
    f = check(T.exp(r).shape, {r: rng.rand(1, 5)})
    assert f(rng.rand(1, 5))[0].tolist() == [1, 5]


def test_useless_reshape_and_chain(check, rng):
    x = T.dmatrix("x")
    v = {x: rng.rand(2, 6)}
    f = check(x.reshape(x.shape), v)
    assert check.nodes(f) == set()
    f = check(x.reshape((x.shape[0], x.shape[1])) + 1, v)
    assert "Reshape" not in check.op_names(f)
    f = check(x.reshape((3, 4)).reshape((4, 3)), v)
    assert check.op_names(f).count("Reshape") == 1
    f = check(x.flatten().reshape((6, 2)), v)
    assert check.op_names(f).count("Reshape") == 1


def test_shape_rewrites_off_in_fast_compile(check, rng):
    x = T.dmatrix("x")
    f = check((x + 1).shape, {x: rng.rand(2, 3)}, mode="FAST_COMPILE")
    assert f(rng.rand(2, 3))[0].tolist() == [2, 3]


class _BadShapeOp(theano.graph.op.Op):
    """An identity whose infer_shape is broken (a bug of the op)."""

    __props__ = ()

    def make_node(self, x):
        return theano.graph.basic.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        out[0][0] = inputs[0].copy()

    def infer_shape(self, fgraph, node, shapes):
        raise RuntimeError("broken shape rule")


def test_failing_infer_shape_warns_and_keeps_runtime_shapes():
    x = T.dvector("x")
    y = _BadShapeOp()(x)
    with pytest.warns(UserWarning, match="Failed to infer the output shapes.*broken shape rule"):
        f = theano.function([x], y.shape)
    assert list(f(np.zeros(3))) == [3]


def test_failing_infer_shape_raises_with_on_shape_error_raise():
    x = T.dvector("x")
    y = _BadShapeOp()(x)
    with theano.change_flags(on_shape_error="raise"):
        with pytest.raises(ValueError, match="broken shape rule"):
            theano.function([x], y.shape)
