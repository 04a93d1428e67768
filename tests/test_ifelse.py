"""theano.ifelse: lazy evaluation, types, gradients, R_op, use inside scan."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.ifelse import IfElse, ifelse


class Boom(Op):
    """Identity that raises when it runs: proves a branch was not computed."""

    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        raise RuntimeError("the branch that must not run was computed")


class Count(Op):
    """Identity that counts its executions."""

    __props__ = ("key",)
    calls = {}

    def __init__(self, key):
        self.key = key

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        Count.calls[self.key] = Count.calls.get(self.key, 0) + 1
        out[0][0] = inputs[0].copy()

    def grad(self, inputs, grads):
        return grads


def test_selects_branch_scalars_and_vectors():
    a, b = T.dscalars('a', 'b')
    x, y = T.dvectors('x', 'y')
    f = theano.function([a, b, x, y], [ifelse(T.lt(a, b), a, b), ifelse(T.gt(a, b), x, y * 2)])
    m, v = f(1., 2., [1., 2.], [3., 4.])
    assert float(m) == 1.
    np.testing.assert_array_equal(v, [6., 8.])
    m, v = f(3., 2., [1., 2.], [3., 4.])
    assert float(m) == 2.
    np.testing.assert_array_equal(v, [1., 2.])


@pytest.mark.parametrize("cond_dtype", ["int8", "int64", "float64", "bool"])
def test_condition_dtypes(cond_dtype):
    c = T.scalar('c', dtype=cond_dtype)
    x = T.dvector('x')
    f = theano.function([c, x], ifelse(c, x + 1, x - 1))
    np.testing.assert_array_equal(f(np.asarray(1, dtype=cond_dtype), [0.]), [1.])
    np.testing.assert_array_equal(f(np.asarray(0, dtype=cond_dtype), [0.]), [-1.])


def test_lists_and_tuples():
    c = T.iscalar('c')
    x = T.dmatrix('x')
    outs = ifelse(c, [x, x.sum()], [x * 0, x.sum() * 2])
    assert isinstance(outs, list) and len(outs) == 2
    tup = ifelse(c, (x,), (x * 3,))
    assert isinstance(tup, tuple)
    f = theano.function([c, x], outs + list(tup))
    xv = np.ones((2, 2))
    r = f(0, xv)
    np.testing.assert_array_equal(r[0], np.zeros((2, 2)))
    assert float(r[1]) == 8.
    np.testing.assert_array_equal(r[2], xv * 3)


def test_only_the_taken_branch_runs():
    c = T.iscalar('c')
    x = T.dvector('x')
    out = ifelse(c, Boom()(x) * 2, x + 1)
    f = theano.function([c, x], out)
    np.testing.assert_array_equal(f(0, [1., 2.]), [2., 3.])
    with pytest.raises(RuntimeError, match="must not run"):
        f(1, [1., 2.])


def test_counting_branches():
    Count.calls.clear()
    c = T.iscalar('c')
    x = T.dvector('x')
    f = theano.function([c, x], ifelse(c, Count("then")(x).sum(), Count("else")(x).prod()))
    for flag in [1, 1, 0, 1]:
        f(flag, [2., 3.])
    assert Count.calls == {"then": 3, "else": 1}
    # T.switch stays eager: both sides run.
    Count.calls.clear()
    g = theano.function([c, x], T.switch(c, Count("a")(x), Count("b")(x)))
    g(1, [1.])
    assert Count.calls == {"a": 1, "b": 1}


def test_output_does_not_alias_input():
    c = T.iscalar('c')
    x = T.dvector('x')
    f = theano.function([c, x], ifelse(c, x, x * 2))
    xv = np.array([1., 2.])
    out = f(1, xv)
    out[0] = 100.
    assert xv[0] == 1.


def test_type_errors():
    c = T.iscalar('c')
    with pytest.raises(TypeError, match="identical types"):
        ifelse(c, T.dvector(), T.dmatrix())
    with pytest.raises(ValueError, match="same number"):
        ifelse(c, [T.dvector()], [T.dvector(), T.dvector()])
    with pytest.raises(TypeError, match="scalar"):
        ifelse(T.dvector(), T.dvector(), T.dvector())
    # A literal adapts to the dtype of the other branch.
    x = T.fvector('x')
    out = ifelse(c, x, np.zeros(1))
    assert out.dtype == "float32"


def test_explicit_ifelse_op_theano_interface():
    c = T.iscalar('c')
    x, y = T.dvectors('x', 'y')
    o1, o2 = IfElse(2)(c, x, y, y, x, return_list=True)
    f = theano.function([c, x, y], [o1, o2])
    a, b = f(0, [1.], [2.])
    assert float(a[0]) == 2. and float(b[0]) == 1.


def test_gradients():
    c = T.iscalar('c')
    x, y = T.dvectors('x', 'y')
    out = ifelse(c, (x ** 2).sum() * y.sum(), (y ** 3).sum())
    gx, gy = theano.grad(out, [x, y])
    f = theano.function([c, x, y], [gx, gy])
    xv, yv = np.array([1., 2.]), np.array([3., 4.])
    a, b = f(1, xv, yv)
    np.testing.assert_allclose(a, 2 * xv * yv.sum())
    np.testing.assert_allclose(b, [5., 5.])
    a, b = f(0, xv, yv)
    np.testing.assert_allclose(a, [0., 0.])
    np.testing.assert_allclose(b, 3 * yv ** 2)


@pytest.mark.parametrize("flag", [0, 1])
def test_verify_grad(flag):
    rng = np.random.RandomState(42)

    def fun(x, y):
        return ifelse(np.int8(flag), T.tanh(x) * y, T.exp(y) - x)

    theano.gradient.verify_grad(fun, [rng.randn(3), rng.randn(3)], rng=rng)


def test_gradient_is_lazy_too():
    Count.calls.clear()
    c = T.iscalar('c')
    x = T.dvector('x')
    out = ifelse(c, Count("fwd_then")(x).sum(), (x * 2).sum())
    g = theano.grad(out, x)
    f = theano.function([c, x], g)
    np.testing.assert_allclose(f(0, [1., 1.]), [2., 2.])
    assert Count.calls.get("fwd_then", 0) == 0
    np.testing.assert_allclose(f(1, [1., 1.]), [1., 1.])


def test_rop():
    c = T.iscalar('c')
    x, v = T.dvectors('x', 'v')
    out = ifelse(c, x ** 2, T.sin(x))
    r = theano.gradient.Rop(out, x, v)
    f = theano.function([c, x, v], r)
    xv, vv = np.array([.5, 1.]), np.array([1., 2.])
    np.testing.assert_allclose(f(1, xv, vv), 2 * xv * vv)
    np.testing.assert_allclose(f(0, xv, vv), np.cos(xv) * vv)


def test_nested_and_inside_scan():
    Count.calls.clear()
    x = T.dvector('x')

    def step(v):
        return ifelse(T.gt(v, 0), Count("pos")(v * 10), ifelse(T.lt(v, -5), v * 0, v))

    out, _ = theano.scan(step, sequences=x)
    f = theano.function([x], out)
    np.testing.assert_allclose(f([1., -1., -10., 2.]), [10., -1., 0., 20.])
    assert Count.calls == {"pos": 2}


def test_ifelse_op_identity_is_fixed_at_construction():
    from theano.ifelse import IfElse
    a, b = T.dscalar("a"), T.dscalar("b")
    c = T.iscalar("c")
    out = ifelse(c, a * 2, b * 3)
    op = out.owner.op
    h = hash(op)
    assert op == op and op != IfElse(1) and hash(op) == h
    # Two constructions hold different inner graphs: never equal, never merged.
    other = ifelse(c, a * 2, b * 3).owner.op
    assert op != other
    assert IfElse(1) == IfElse(1) and IfElse(1) != IfElse(2)
