"""Reductions fused with the elementwise op they read (``ElemwiseReduce``)."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.mode import Mode
from theano.scalar.basic import Composite
from theano.tensor.elemwise import CAReduce, Elemwise, Sum
from theano.tensor.fused_reduce import ElemwiseReduce

PY_FAST = Mode(linker="py", optimizer="fast_run")


def _nodes(f, cls):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, cls)]


@pytest.mark.parametrize("mode", [None, PY_FAST])
def test_sum_of_squares_is_one_node(check, rng, mode):
    x = T.dvector("x")
    f = check(T.sum(x ** 2), {x: rng.randn(1000)}, mode=mode)
    (node,) = f.maker.fgraph.toposort()
    assert isinstance(node.op, ElemwiseReduce) and [i.name for i in node.inputs] == ["x"]
    assert isinstance(node.op.reduce_op, Sum) and node.op.reduce_op.axis == (0,)
    assert f(np.array([1.0, 2.0, 3.0]))[0] == 14.0


def test_mean_of_squares_fuses(check, rng):
    x = T.fmatrix("x")
    for axis in (None, 0, 1, (0, 1)):
        f = check(T.mean(x ** 2, axis=axis), {x: rng.randn(30, 40).astype("float32")},
                  rtol=1e-5, atol=1e-6)
        (node,) = _nodes(f, ElemwiseReduce)
        assert isinstance(node.op.reduce_op, Sum) and [i.name for i in node.inputs] == ["x"]
        assert not _nodes(f, CAReduce)


def test_fused_composite_and_broadcasting(check, rng):
    x = T.dmatrix("x")
    r = T.drow("r")
    out = T.sum(T.exp(x) * r + T.tanh(x - 1), axis=1)
    f = check(out, {x: rng.randn(7, 9), r: rng.randn(1, 9)})
    (node,) = _nodes(f, ElemwiseReduce)
    assert isinstance(node.op.scalar_op, Composite)
    assert sorted(i.name for i in node.inputs) == ["r", "x"]
    assert not _nodes(f, Elemwise)


@pytest.mark.parametrize("build", [
    lambda x: T.max(abs(x), axis=0),
    lambda x: T.min(x * 2 - 1, axis=1),
    lambda x: T.prod(x + 1, axis=0),
    lambda x: T.all(x > 0.1),
    lambda x: T.any(T.eq(x, 0.5), axis=1),
    lambda x: T.sum(x * 3 + 1, axis=0, dtype="float32"),
    lambda x: T.sum(x ** 2, keepdims=True),
])
def test_every_reduction_fuses(check, rng, build):
    x = T.dmatrix("x")
    f = check(build(x), {x: rng.rand(6, 5)})
    assert len(_nodes(f, ElemwiseReduce)) == 1
    assert not _nodes(f, CAReduce)


def test_not_fused_when_the_elementwise_result_is_used_elsewhere(check, rng):
    x = T.dvector("x")
    sq = x ** 2
    f = check([T.sum(sq), sq], {x: rng.randn(10)})
    assert not _nodes(f, ElemwiseReduce) and len(_nodes(f, CAReduce)) == 1
    g = check([T.sum(sq), T.max(sq)], {x: rng.randn(10)})
    assert not _nodes(g, ElemwiseReduce) and len(_nodes(g, CAReduce)) == 2


def test_reduction_of_one_output_of_a_fused_node_splits_it(check, rng):
    # mean((h - y) ** 2) and its gradient 2 (h - y) / n: fusion makes h - y and its square
    # one node; the sum recomputes the square from h and y, and the gradient fuses whole
    h, y = T.dtensor3("h"), T.dtensor3("y")
    cost = T.mean((h - y) ** 2)
    g = T.grad(cost, h)
    vals = {h: rng.randn(4, 3, 5), y: rng.randn(4, 3, 5)}
    for mode in (None, PY_FAST):
        f = check([cost, g], vals, mode=mode)
        (red,) = _nodes(f, ElemwiseReduce)
        assert sorted(i.name for i in red.inputs) == ["h", "y"]
        assert not _nodes(f, CAReduce)
        big = [n for n in _nodes(f, Elemwise) if n.outputs[0].ndim == 3]
        assert len(big) == 1 and len(big[0].outputs) == 1   # only the gradient is written
    # three outputs, the reduced one in the middle; an input only the reduction reads
    x, w = T.dmatrix("x"), T.dmatrix("w")
    a = x * 2
    f = check([T.sum(T.exp(a) + w, axis=1), a, a + 1],
              {x: rng.randn(6, 4), w: rng.randn(6, 4)})
    assert len(_nodes(f, ElemwiseReduce)) == 1 and not _nodes(f, CAReduce)


def test_excluded_and_unsupported_cases(check, rng):
    x = T.dvector("x")
    f = check(T.sum(x ** 2), {x: rng.randn(10)},
              mode=Mode(optimizer="fast_run").excluding("reduce_fusion"))
    assert not _nodes(f, ElemwiseReduce)
    # complex elementwise work has no C code: left alone
    z = T.zvector("z")
    g = check(T.sum(z * 2), {z: rng.randn(4) + 1j}, rtol=1e-12)
    assert not _nodes(g, ElemwiseReduce)
    # a reduction of an input is not touched
    h = check(T.sum(x), {x: rng.randn(10)})
    assert not _nodes(h, ElemwiseReduce)


def test_op_perform_infer_shape_and_str():
    x = T.dmatrix("x")
    y = T.drow("y")
    op = ElemwiseReduce(T.sub(x, y).owner.op.scalar_op, Sum(axis=(1,)))
    out = op(x, y)
    assert out.type == T.dvector().type
    assert str(op) == "Sum{1}{sub}"
    xv, yv = np.arange(6.0).reshape(2, 3), np.array([[1.0, 0.0, 2.0]])
    f = theano.function([x, y], [out, out.shape], mode=PY_FAST)
    val, shape = f(xv, yv)
    np.testing.assert_array_equal(val, (xv - yv).sum(1))
    assert tuple(shape) == (2,)
    # the shape comes from infer_shape, without computing the op
    g = theano.function([x, y], out.shape, mode=PY_FAST)
    assert not _nodes(g, ElemwiseReduce)
    assert tuple(g(xv, yv)) == (2,)
    whole = ElemwiseReduce(T.sub(x, y).owner.op.scalar_op, Sum(axis=None))(x, y)
    assert whole.owner.op.reduce_op.axis == (0, 1) and whole.ndim == 0
    with pytest.raises(ValueError, match="out of bounds"):
        ElemwiseReduce(T.sub(x, y).owner.op.scalar_op, Sum(axis=(3,)))(x, y)
    with pytest.raises(TypeError):
        ElemwiseReduce(T.sub(x, y).owner.op, Sum(axis=(0,)))


def test_gradient_of_the_fused_op():
    x = T.dmatrix("x")
    y = T.drow("y")
    op = ElemwiseReduce(T.mul(x, y).owner.op.scalar_op, Sum(axis=(0,)))
    cost = T.sum(op(x, y) ** 2)
    gx, gy = T.grad(cost, [x, y])
    ref = T.sum(T.sum(x * y, axis=0) ** 2)
    rx, ry = T.grad(ref, [x, y])
    f = theano.function([x, y], [gx, gy, rx, ry], mode=PY_FAST)
    xv, yv = np.random.rand(4, 3), np.random.rand(1, 3)
    a, b, c, d = f(xv, yv)
    np.testing.assert_allclose(a, c)
    np.testing.assert_allclose(b, d)


def test_training_graph_values(check, rng):
    # a cost with a mean of squares, its gradient and an update: same values as unrewritten
    x = T.dmatrix("x")
    w = T.dvector("w")
    err = T.dot(x, w) - 1
    cost = T.mean(err ** 2) + 0.01 * T.sum(w ** 2)
    g = T.grad(cost, w)
    f = check([cost, g, w - 0.1 * g], {x: rng.randn(20, 5), w: rng.randn(5)})
    assert _nodes(f, ElemwiseReduce)
