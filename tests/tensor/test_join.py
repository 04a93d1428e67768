"""Tests of theano.tensor.join: join/concatenate, stack, split and roll."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tensor.join import (Join, Roll, Split, concatenate, horizontal_stack, join, roll,
                                split, stack, vertical_stack)
from theano.tensor.shape import MakeVector
from theano.tests import unittest_tools as utt

rng = np.random.RandomState(4321)


# -- join / concatenate ------------------------------------------------------------------------
@pytest.mark.parametrize("axis", [0, 1, -1, -2])
def test_join_matrices(axis):
    a, b, c = T.dmatrix(), T.dmatrix(), T.dmatrix()
    shp = [2, 3]
    vals = []
    for n in (1, 0, 4):
        s = list(shp)
        s[axis] = n
        vals.append(rng.rand(*s))
    utt.check([join(axis, a, b, c), concatenate([a, b, c], axis=axis)], [a, b, c], vals,
              [np.concatenate(vals, axis)] * 2)


@pytest.mark.parametrize("dtypes, expected", [(("int8", "float32"), "float32"),
                                              (("int32", "int64"), "int64"),
                                              (("uint8", "int8"), "int16"),
                                              (("int32", "float32"), "float64"),
                                              (("bool", "bool"), "bool"),
                                              (("float32", "complex64"), "complex64")])
def test_join_upcasts(dtypes, expected):
    xs = [T.tensor(d, (False,)) for d in dtypes]
    out = join(0, *xs)
    assert out.type.dtype == expected
    vals = [np.asarray([1, 0, 1], dtype=d) for d in dtypes]
    utt.check(out, xs, vals, np.concatenate(vals).astype(expected))


def test_join_3d_and_symbolic_axis():
    a, b = T.dtensor3(), T.dtensor3()
    ax = T.lscalar()
    out = join(ax, a, b)
    assert out.type.broadcastable == (False, False, False)
    for axis in (0, 1, 2, -1):
        va = rng.rand(2, 3, 4)
        shp = list(va.shape)
        shp[axis] = 5
        vb = rng.rand(*shp)
        utt.check(out, [a, b, ax], [va, vb, axis], np.concatenate([va, vb], axis))
    with pytest.raises(IndexError, match="out of range"):
        theano.function([a, b, ax], out)(va, va, 3)


def test_join_broadcastable_pattern():
    r1, r2 = T.drow(), T.drow()
    assert join(0, r1, r2).type.broadcastable == (False, False)
    assert join(1, r1, r2).type.broadcastable == (True, False)
    c, m = T.dcol(), T.dmatrix()
    assert join(1, c, m).type.broadcastable == (False, False)
    assert join(0, T.drow(), m).type.broadcastable == (False, False)


def test_join_single_and_errors():
    x = T.dmatrix()
    assert join(0, x) is x
    with pytest.raises(ValueError, match="at least one"):
        join(0)
    with pytest.raises(TypeError, match="0-d"):
        join(0, T.dscalar(), T.dscalar())
    with pytest.raises(TypeError, match="same number of dimensions"):
        join(0, x, T.dvector())
    with pytest.raises(IndexError, match="out of range"):
        join(2, x, x)
    with pytest.raises(TypeError, match="must be an integer"):
        join(T.dscalar(), x, x)
    with pytest.raises(TypeError, match=r"concatenate\(\[x, y\]\)"):
        concatenate(x, x)
    f = theano.function([x], join(0, x, x.T))
    with pytest.raises(ValueError, match=r"shapes \[\(2, 3\), \(3, 2\)\]"):
        f(np.ones((2, 3)))


def test_join_grad():
    utt.verify_grad(lambda a, b: join(0, a, b), [rng.rand(2, 3), rng.rand(4, 3)])
    utt.verify_grad(lambda a, b, c: join(-1, a, b, c),
                    [rng.rand(2, 1), rng.rand(2, 3), rng.rand(2, 0)])
    r, m = T.drow(), T.dmatrix()
    gr, gm = theano.grad((join(0, r, m) * np.arange(1, 4)).sum(), [r, m])
    assert gr.type.broadcastable == (True, False)
    f = theano.function([r, m], [gr, gm])
    vr, vm = f(np.ones((1, 3)), np.ones((2, 3)))
    np.testing.assert_allclose(vr, [[1, 2, 3]])
    np.testing.assert_allclose(vm, [[1, 2, 3]] * 2)
    # Mixed float32/float64 inputs get gradients of their own dtype.
    f32, f64 = T.fvector(), T.dvector()
    g32, g64 = theano.grad(join(0, f32, f64).sum(), [f32, f64])
    assert g32.type.dtype == "float32" and g64.type.dtype == "float64"
    # Symbolic axis.
    ax = T.lscalar()
    a, b = T.dmatrix(), T.dmatrix()
    ga = theano.grad((join(ax, a, b) ** 2).sum(), a)
    np.testing.assert_allclose(ga.eval({a: np.ones((2, 2)), b: np.ones((2, 3)), ax: 1}),
                               2 * np.ones((2, 2)))


def test_join_op_props():
    assert Join() == Join() and hash(Join()) == hash(Join())
    assert str(join(0, T.dvector(), T.dvector()).owner.op) == "Join"


# -- stack ------------------------------------------------------------------------------------------
def test_stack_scalars_make_vector():
    a, b = T.fscalar(), T.bscalar()
    out = stack([a, b, 2])
    assert isinstance(out.owner.op, MakeVector)
    assert out.type.dtype == "float32" and out.type.ndim == 1
    utt.check(out, [a, b], [np.float32(1.5), np.int8(-3)], np.asarray([1.5, -3, 2], "float32"))
    assert stack([1, 2]).type.dtype == "int8"
    utt.check(stack([a, a], axis=-1), [a], [np.float32(2)], np.asarray([2, 2], "float32"))


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
def test_stack_matrices(axis):
    a, b = T.dmatrix(), T.imatrix()
    va, vb = rng.rand(2, 3), rng.randint(0, 5, (2, 3)).astype("int32")
    out = stack([a, b], axis=axis)
    assert out.type.dtype == "float64" and out.type.ndim == 3
    utt.check(out, [a, b], [va, vb], np.stack([va, vb], axis))
    utt.check(stack([a, b], axis), [a, b], [va, vb], np.stack([va, vb], axis))
    utt.check(stack(tensors=[a, b], axis=axis), [a, b], [va, vb], np.stack([va, vb], axis))


def test_stack_old_interface():
    a, b = T.dvector(), T.dvector()
    with pytest.warns(DeprecationWarning):
        out = stack(a, b)
    utt.check(out, [a, b], [np.ones(2), np.zeros(2)], np.stack([np.ones(2), np.zeros(2)]))


def test_stack_empty_and_errors():
    with pytest.raises(ValueError, match="empty"):
        stack([])
    with pytest.raises(TypeError):
        stack()
    with pytest.raises(ValueError, match="same number of dimensions"):
        stack([T.dvector(), T.dmatrix()])
    with pytest.raises(IndexError):
        stack([T.dvector(), T.dvector()], axis=3)
    a, b = T.dvector(), T.dvector()
    with pytest.raises(ValueError, match="cannot join"):
        theano.function([a, b], stack([a, b]))(np.ones(2), np.ones(3))


def test_as_tensor_variable_lists_use_stack():
    x, y = T.dscalar(), T.dscalar()
    v = T.as_tensor_variable([x, y, 3.0])
    assert v.type.ndim == 1 and v.type.dtype == "float64"
    utt.check(v, [x, y], [1.0, 2.0], [1.0, 2.0, 3.0])
    m = T.as_tensor_variable([[x, y], [y, x]])
    utt.check(m, [x, y], [1.0, 2.0], [[1.0, 2.0], [2.0, 1.0]])
    u, w = T.dvector(), T.dvector()
    utt.check(T.as_tensor_variable([u, w]), [u, w], [np.ones(2), np.zeros(2)], [[1, 1], [0, 0]])


def test_stack_grad():
    utt.verify_grad(lambda a, b: stack([a, b], axis=1), [rng.rand(2, 3), rng.rand(2, 3)])
    x, y = T.dscalar(), T.dscalar()
    gx, gy = theano.grad((stack([x, y]) * [2.0, 3.0]).sum(), [x, y])
    assert float(gx.eval({x: 1.0, y: 1.0})) == 2.0
    assert float(gy.eval({x: 1.0, y: 1.0})) == 3.0


def test_horizontal_vertical_stack():
    a, b = T.dmatrix(), T.fmatrix()
    va, vb = rng.rand(2, 3), rng.rand(2, 3).astype("float32")
    utt.check([horizontal_stack(a, b), vertical_stack(a, b, a)], [a, b], [va, vb],
              [np.hstack([va, vb]), np.vstack([va, vb, va])])
    with pytest.raises(TypeError, match="only stacks matrices"):
        horizontal_stack(a, T.dvector())
    with pytest.raises(TypeError, match="at least two"):
        vertical_stack(a)


# -- split --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_split(axis):
    x = T.dmatrix()
    val = rng.rand(6, 6)
    sizes = [1, 0, 5]
    outs = split(x, sizes, 3, axis=axis)
    assert len(outs) == 3 and all(o.type == x.type for o in outs)
    exp = np.split(val, np.cumsum(sizes)[:-1], axis=axis)
    utt.check(outs, [x], [val], exp)
    s = T.lvector()
    utt.check(split(x, s, 3, axis), [x, s], [val, np.asarray(sizes)], exp)
    ax = T.bscalar()
    utt.check(split(x, s, 3, ax), [x, s, ax], [val, np.asarray(sizes), axis], exp)


def test_split_single_output_and_errors():
    x = T.dvector()
    one = split(x, [3], 1)
    assert not isinstance(one, list)
    utt.check(one, [x], [np.arange(3.)], np.arange(3.))
    with pytest.raises(ValueError, match="expected 2 split sizes"):
        split(x, [1, 2, 3], 2)
    with pytest.raises(TypeError, match="vector of integers"):
        split(x, [1.0, 2.0], 2)
    with pytest.raises(TypeError, match="0-d"):
        split(T.dscalar(), [1], 1)
    with pytest.raises(IndexError, match="out of range"):
        split(x, [1, 2], 2, axis=1)
    s = T.lvector()
    f = theano.function([x, s], split(x, s, 2))
    with pytest.raises(ValueError, match=r"sum to 4, but x.shape\[0\] is 3"):
        f(np.ones(3), np.asarray([1, 3]))
    with pytest.raises(ValueError, match="expected 2 split sizes"):
        f(np.ones(3), np.asarray([3]))
    with pytest.raises(ValueError, match="negative"):
        f(np.ones(3), np.asarray([-1, 4]))


def test_split_grad():
    utt.verify_grad(lambda x: split(x, [2, 1, 3], 3, axis=1)[1] * 2, [rng.rand(3, 6)])

    def two_outputs(x):
        a, b = split(x, [2, 2], 2, axis=0)
        return a * b
    utt.verify_grad(two_outputs, [rng.rand(4, 3)])
    x = T.dvector()
    a, b, c = split(x, [1, 2, 1], 3)
    g = theano.grad(b.sum(), x)
    np.testing.assert_allclose(g.eval({x: np.ones(4)}), [0, 1, 1, 0])
    assert Split(2) == Split(2) and Split(2) != Split(3)


# -- roll -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shift, axis", [(1, None), (-2, None), (7, 0), (-1, 1), (0, -1),
                                         (11, -1)])
def test_roll(shift, axis):
    x = T.imatrix()
    val = np.arange(12, dtype="int32").reshape(3, 4)
    utt.check(roll(x, shift, axis), [x], [val], np.roll(val, shift, axis))
    s = T.lscalar()
    utt.check(roll(x, s, axis), [x, s], [val, shift], np.roll(val, shift, axis))


def test_roll_multiple_axes_and_edge_cases():
    x = T.dtensor3()
    val = rng.rand(2, 3, 4)
    utt.check(roll(x, (1, -2), (0, 2)), [x], [val], np.roll(val, (1, -2), (0, 2)))
    utt.check(roll(x, 2, (1, 2)), [x], [val], np.roll(val, 2, (1, 2)))
    e = T.dvector()
    utt.check(roll(e, 3), [e], [np.zeros(0)], np.zeros(0))
    s = T.dscalar()
    utt.check(roll(s, 3), [s], [2.0], np.asarray(2.0))
    with pytest.raises(ValueError, match="out of range"):
        roll(x, 1, 3)
    with pytest.raises(TypeError, match="must be an integer"):
        roll(x, 1.5)
    with pytest.raises(ValueError, match="sequence of axes"):
        roll(x, (1, 2))


def test_roll_grad():
    utt.verify_grad(lambda x: roll(x, 2, 1), [rng.rand(3, 5)])
    utt.verify_grad(lambda x: roll(x, -4), [rng.rand(3, 5)])
    assert Roll(1) == Roll(1) and Roll(1) != Roll(None)


def test_stacklists():
    from theano.tensor.join import stacklists
    a, b, c, d = T.dscalars("a", "b", "c", "d")
    utt.check(stacklists([[a, b], [c, d]]), [a, b, c, d], [1.0, 2.0, 3.0, 4.0], [[1, 2], [3, 4]])
    m = [T.fmatrix() for _ in range(4)]
    vals = [np.full((2, 3), i, "float32") for i in range(4)]
    out = stacklists([[m[0], m[1]], [m[2], m[3]]])
    utt.check(out, m, vals, np.asarray([[vals[0], vals[1]], [vals[2], vals[3]]]))
    assert stacklists(a) is a


def test_debugmode_checks_views_and_shapes():
    from theano.compile.debugmode import DebugMode
    x, v = T.dmatrix(), T.dvector()
    outs = [join(0, x, x), stack([x, x], 1), *split(x, [1, 2], 2, 1), roll(x, 1, 0),
            T.sort(x), T.argsort(x, 0), T.topk(x, 2), T.cumsum(x, 0), T.cumprod(x), T.diff(x),
            T.diag(x), T.diag(v), T.diagonal(x, 1), T.trace(x), T.fill_diagonal(x, 1.0),
            T.tile(x, (2, 1)), T.repeat(x, 2, 1), T.sort(x, None)]
    f = theano.function([x, v], outs, mode=DebugMode(check_isfinite=False))
    xv, vv = rng.rand(3, 3), rng.rand(3)
    ref = theano.function([x, v], outs)(xv, vv)
    for got, exp in zip(f(xv, vv), ref):
        np.testing.assert_allclose(got, exp)
