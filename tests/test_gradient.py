"""theano.gradient: grad's contract, Lop/Rop, jacobian/hessian and gradient-modifying ops."""
import warnings

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import gradient
from theano.graph.basic import Apply, ancestors
from theano.graph.op import Op
from theano.gradient import (DisconnectedInputError, DisconnectedType, NullType,
                             NullTypeGradError)


# ---------------------------------------------------------------------------
# Basic values and structure
# ---------------------------------------------------------------------------
def test_grad_of_square_is_20_at_10():
    foo = T.scalar("foo")
    bar = foo ** 2
    val = T.grad(bar, foo).eval({foo: 10})
    assert np.ndim(val) == 0 and val == 20.0


def test_wrt_structure_is_preserved():
    x, y = T.dscalar("x"), T.dscalar("y")
    cost = x * y + x
    assert isinstance(theano.grad(cost, x), theano.Variable)
    g_list = theano.grad(cost, [x, y])
    g_tuple = theano.grad(cost, (x, y))
    assert isinstance(g_list, list) and isinstance(g_tuple, tuple)
    f = theano.function([x, y], g_list)
    np.testing.assert_allclose(f(2.0, 3.0), [4.0, 2.0])


def test_grad_wrt_shared_and_intermediate_variables():
    W = theano.shared(np.array([1.0, 2.0]), name="W")
    x = T.dvector("x")
    h = x * W
    h.name = "h"
    cost = T.sum(h ** 2)
    gW, gh = theano.grad(cost, [W, h])
    f = theano.function([x], [gW, gh])
    a, b = f([3.0, 4.0])
    np.testing.assert_allclose(a, 2 * np.array([3.0, 8.0]) * [3.0, 4.0])
    np.testing.assert_allclose(b, [6.0, 16.0])


def test_grad_of_cost_wrt_itself_and_int_identity():
    x = T.dscalar("x")
    c = x * 3
    np.testing.assert_allclose(theano.grad(c, c).eval({x: 1.0}), 1.0)
    i = T.iscalar("i")
    assert np.allclose(T.grad(i, i).eval({i: 12}), 1.0)


def test_grad_names():
    A = T.matrix("A")
    x = T.vector("x")
    f = T.dot(x, T.dot(A, x))
    f.name = "f"
    assert T.grad(f, x).name == "(df/dx)"
    assert T.grad(f, x, add_names=False).name != "(df/dx)"


def test_gradient_dtype_follows_float32_input():
    x = T.fscalar("x")
    y = x * 2
    z = T.lscalar("z")
    c = y + z
    dc_dx, dc_dy, dc_dz, dc_dc = theano.grad(c, [x, y, z, c])
    assert dc_dx.dtype == "float32"
    assert dc_dz.dtype in ("float32", "float64") and dc_dc.dtype in ("float32", "float64")


def test_grad_wrt_integer_input_matches_float_input():
    W = T.dmatrix("W")
    b = T.dvector("b")

    def make(X):
        cost = T.sigmoid(T.dot(X, W) + b).sum()
        return theano.function([X, W, b], theano.grad(cost, X), on_unused_input="ignore")

    rng = np.random.RandomState(0)
    Xv = (rng.randn(5, 3) * 127).astype("int32")
    Wv, bv = rng.randn(3, 4), rng.randn(4)
    np.testing.assert_allclose(make(T.imatrix())(Xv, Wv, bv),
                               make(T.dmatrix())(Xv.astype("float64"), Wv, bv))


def test_grad_constant_and_consider_constant_agree():
    one = T.as_tensor_variable(1.0)
    x, y = T.dscalar(), T.dscalar()
    g_x = T.grad(x + y, x, consider_constant=[x])
    g_one = T.grad(one + y, one)
    f = theano.function([x, y], [g_x, g_one], on_unused_input="ignore")
    a, b = f(1.0, 0.5)
    assert a == b == 1.0


def test_consider_constant_stops_backprop():
    x = T.dvector("x")
    h = T.exp(x)
    cost = T.sum(h * x)
    g = theano.grad(cost, x, consider_constant=[h])
    xv = np.array([0.5, -1.0])
    np.testing.assert_allclose(g.eval({x: xv}), np.exp(xv))
    with pytest.raises(TypeError, match="consider_constant"):
        theano.grad(cost, x, consider_constant=[1.0])


# ---------------------------------------------------------------------------
# Errors and the disconnected/undefined machinery
# ---------------------------------------------------------------------------
def test_non_scalar_cost_raises():
    x = T.dvector("x")
    with pytest.raises(TypeError, match="cost must be a scalar"):
        theano.grad(x * 2, x)


def test_bad_wrt_and_options():
    x = T.dscalar("x")
    with pytest.raises(TypeError, match="set"):
        theano.grad(x * 2, {x})
    with pytest.raises(TypeError, match="wrt"):
        theano.grad(x * 2, [x, 3.0])
    with pytest.raises(ValueError, match="disconnected_inputs"):
        theano.grad(x * 2, x, disconnected_inputs="bogus")
    with pytest.raises(ValueError, match="known_grads"):
        theano.grad(None, x)


def test_disconnected_inputs_raise_warn_ignore():
    x, y = T.dvector("x"), T.dvector("y")
    cost = T.sum(x ** 2)
    with pytest.raises(DisconnectedInputError, match="not part of the computational graph"):
        theano.grad(cost, y)
    with pytest.warns(UserWarning, match="not part of the computational graph"):
        g = theano.grad(cost, y, disconnected_inputs="warn")
    np.testing.assert_array_equal(g.eval({y: np.ones(3)}), np.zeros(3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = theano.grad(cost, [x, y], disconnected_inputs="ignore")
    assert g[1].dtype == "float64"
    np.testing.assert_array_equal(g[1].eval({y: np.ones(2)}), np.zeros(2))
    assert theano.grad(cost, y, disconnected_inputs="ignore", return_disconnected="None") is None
    d = theano.grad(cost, y, disconnected_inputs="ignore", return_disconnected="Disconnected")
    assert isinstance(d.type, DisconnectedType)


def test_only_non_differentiable_path_is_disconnected():
    x = T.dvector("x")
    with pytest.raises(DisconnectedInputError):
        theano.grad(T.sum(T.zeros_like(x)), x)


def test_integer_valued_path_gives_zero_gradient():
    x = T.dvector("x")
    # The only path from x to the cost goes through integer-valued outputs.
    cost = T.sum(T.cast(x, "int32")) * 2
    g = theano.grad(cost, x)
    assert g.dtype == "float64"
    np.testing.assert_array_equal(g.eval({x: np.array([1.5, -2.5])}), [0.0, 0.0])
    g = theano.grad(T.cast(T.argmax(x), "float64"), x)
    np.testing.assert_array_equal(g.eval({x: np.array([1.5, -2.5])}), [0.0, 0.0])


class _Identity(Op):
    __props__ = ("mode",)

    def __init__(self, mode):
        self.mode = mode

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        out[0][0] = inputs[0].copy()

    def grad(self, inputs, grads):
        x, g = inputs[0], grads[0]
        if self.mode == "int":
            return [T.cast(g, "int64")]
        if self.mode == "none":
            return [None]
        if self.mode == "two":
            return [g, g]
        if self.mode == "undefined":
            return [gradient.grad_undefined(self, 0, x, "because")]
        if self.mode == "not_implemented":
            return [gradient.grad_not_implemented(self, 0, x)]
        return [g]


@pytest.mark.parametrize("mode, exc, match", [
    ("int", TypeError, "integer-valued"),
    ("none", TypeError, "returned None"),
    ("two", ValueError, "wrong number"),
    ("undefined", NullTypeGradError, "mathematically undefined"),
    ("not_implemented", NullTypeGradError, "not implemented"),
])
def test_bad_or_undefined_op_gradients(mode, exc, match):
    x = T.dvector("x")
    with pytest.raises(exc, match=match):
        theano.grad(T.sum(_Identity(mode)(x)), x)


def test_null_gradients_return():
    x = T.dvector("x")
    g = theano.grad(T.sum(_Identity("undefined")(x)), x, null_gradients="return")
    assert isinstance(g.type, NullType)
    with pytest.raises(Exception):
        theano.function([x], g)


def test_op_without_gradient_names_the_node():
    class NoGrad(Op):
        __props__ = ()

        def make_node(self, x):
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, out):
            out[0][0] = inputs[0]

    x = T.dvector("x")
    with pytest.raises(NotImplementedError, match="NoGrad"):
        theano.grad(T.sum(NoGrad()(x)), x)


def test_connection_pattern_prevents_nan():
    class Op1(Op):
        __props__ = ()

        def make_node(self, x):
            return Apply(self, [x], [x.type(), T.dscalar()])

        def connection_pattern(self, node):
            return [[True, False]]

        def grad(self, inputs, output_grads):
            return [inputs[0].zeros_like()]

    class Op2(Op):
        __props__ = ()

        def make_node(self, f, g):
            return Apply(self, [f, g], [T.dscalar()])

        def grad(self, inputs, output_grads):
            return [inputs[0].zeros_like(), NullType()()]

    x = T.dvector()
    f, g = Op1()(x)
    cost = Op2()(f, g)
    gradient.grad(cost, x)  # must not raise: g does not depend on x


def test_known_grads_null_and_disconnected_cost():
    x, y = T.iscalar(), T.iscalar()
    cost = x + y
    with pytest.raises(NullTypeGradError):
        theano.grad(cost, [x, y], known_grads={cost: NullType()()})
    with pytest.raises(DisconnectedInputError):
        theano.grad(cost, [x, y], known_grads={cost: DisconnectedType()()})


# ---------------------------------------------------------------------------
# known_grads, Lop, subgraph_grad
# ---------------------------------------------------------------------------
def test_known_grads_reproduce_full_gradient():
    x = T.dscalar("x")
    c = T.dvector("c")
    p = x ** 3
    y = c * p
    h = T.tanh(y)
    cost = T.sqr(h).sum()
    inputs = [c, x]
    values = [np.array([0.3, -0.7, 1.1]), 0.9]
    true = theano.function(inputs, theano.grad(cost, inputs))(*values)
    for layer in ([cost], [h], [y], [c, p], [c, x]):
        first = theano.grad(cost, layer, disconnected_inputs="ignore")
        known = dict(zip(layer, first))
        full = theano.grad(None, inputs, known_grads=known, disconnected_inputs="ignore")
        got = theano.function(inputs, full, on_unused_input="ignore")(*values)
        for a, b in zip(true, got):
            np.testing.assert_allclose(a, b)


def test_known_grads_on_integers():
    x = T.iscalar()
    g_expected = T.scalar()
    g = theano.grad(None, x, known_grads={x: g_expected})
    gv = np.asarray(0.6, dtype=theano.config.floatX)
    np.testing.assert_allclose(theano.function([g_expected], g)(gv), gv)
    with pytest.raises(TypeError, match="continuous"):
        theano.grad(None, x, known_grads={x: T.iscalar()})


def test_lop_equals_grad_of_projection():
    x = T.dvector("x")
    W = T.dmatrix("W")
    y = T.tanh(T.dot(W, x))
    u = T.dvector("u")
    lop = gradient.Lop(y, [W, x], u)
    assert isinstance(lop, list)
    ref = theano.grad(T.sum(y * u), [W, x])
    f = theano.function([x, W, u], lop + ref)
    rng = np.random.RandomState(0)
    a, b, c, d = f(rng.randn(3), rng.randn(2, 3), rng.randn(2))
    np.testing.assert_allclose(a, c)
    np.testing.assert_allclose(b, d)
    assert T.Lop is gradient.Lop and T.Rop is gradient.Rop


def test_rop_matches_jacobian_vector_product():
    x = T.dvector("x")
    W = theano.shared(np.array([[1.0, 2.0], [3.0, 4.0], [0.5, -1.0]]))
    y = T.tanh(T.dot(W, x))
    v = T.dvector("v")
    r = T.Rop(y, x, v)
    xv, vv = np.array([0.2, -0.3]), np.array([1.0, 0.5])
    Wv = W.get_value()
    jac = (1 - np.tanh(Wv @ xv) ** 2)[:, None] * Wv
    np.testing.assert_allclose(r.eval({x: xv, v: vv}), jac @ vv)


def test_subgraph_grad_matches_grad():
    rng = np.random.RandomState(0)
    x, t = T.dvector("x"), T.dvector("t")
    w1 = theano.shared(rng.randn(3, 4))
    w2 = theano.shared(rng.randn(4, 2))
    a1 = T.tanh(T.dot(x, w1))
    a2 = T.tanh(T.dot(a1, w2))
    cost2 = T.sqr(a2 - t).sum() + T.sqr(w2.sum())
    cost1 = T.sqr(w1.sum())
    true = theano.function([t, x], theano.grad(cost1 + cost2, [w2, w1]))
    next_grad, param_grads = None, []
    for params, cost, ends in (([w2], cost2, [a1]), ([w1], cost1, [x])):
        pg, ng = gradient.subgraph_grad(wrt=params, end=ends, start=next_grad, cost=cost)
        next_grad = dict(zip(ends, ng))
        param_grads.extend(pg)
    got = theano.function([t, x], param_grads)
    vals = [rng.randn(2), rng.randn(3)]
    for a, b in zip(true(*vals), got(*vals)):
        np.testing.assert_allclose(a, b)


# ---------------------------------------------------------------------------
# Gradient-modifying ops
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("wrapper", [gradient.zero_grad, gradient.disconnected_grad])
def test_zero_and_disconnected_grad(wrapper):
    x = T.dmatrix("x")
    a = np.random.RandomState(0).randn(3, 3)
    for expr, expected in ((x * wrapper(x), lambda v: v), (x * wrapper(T.exp(x)), np.exp),
                           (x ** 2 * wrapper(x), lambda v: 2 * v ** 2)):
        g = theano.function([x], gradient.grad(expr.sum(), x))
        np.testing.assert_allclose(g(a), expected(a))
    f = theano.function([x], x * wrapper(x))
    assert not any(isinstance(n.op, type(wrapper(x).owner.op))
                   for n in f.maker.fgraph.toposort())
    np.testing.assert_allclose(f(a), a * a)


def test_disconnected_grad_paths():
    x = T.dmatrix("x")
    assert gradient.disconnected_grad(x).owner.op.connection_pattern(None) == [[False]]
    with pytest.raises(DisconnectedInputError):
        gradient.grad(gradient.disconnected_grad(x).sum(), x)
    gradient.grad((x + gradient.disconnected_grad(x)).sum(), x)
    np.testing.assert_array_equal(
        gradient.grad(gradient.zero_grad(x).sum(), x).eval({x: np.ones((2, 2))}), 0)


def test_consider_constant_function_is_deprecated_but_works():
    x = T.dvector("x")
    with pytest.warns(DeprecationWarning):
        y = x * gradient.consider_constant(x)
    np.testing.assert_allclose(theano.grad(y.sum(), x).eval({x: np.array([2.0])}), [2.0])


def test_grad_clip_and_scale():
    x = T.dscalar("x")
    z = T.grad(gradient.grad_clip(x, -1, 1) ** 2, x)
    z2 = T.grad(x ** 2, x)
    f = theano.function([x], [z, z2])
    assert not any(isinstance(n.op, gradient.GradClip) for n in f.maker.fgraph.toposort())
    np.testing.assert_allclose(f(2.0), [1.0, 4.0])
    fp = T.grad(gradient.grad_scale(T.sin(x), -1.0), x)
    np.testing.assert_allclose(fp.eval({x: 2.0}), -np.cos(2.0))
    with pytest.raises(ValueError):
        gradient.grad_clip(x, 1, -1)


# ---------------------------------------------------------------------------
# Graph size
# ---------------------------------------------------------------------------
def _n_nodes(outputs):
    return len({v.owner for v in ancestors(outputs) if v.owner is not None})


def test_deep_chain_gradient_is_linear_in_size():
    x = T.dvector("x")

    def layer(y, lib):
        return 0.5 * lib.tanh(y) + 0.5 * y + 0.01 * y * y  # uses its input four times

    def chain(n):
        y = x
        for _ in range(n):
            y = layer(y, T)
        return y

    y200 = chain(200)
    g200 = theano.grad(T.sum(y200), x)
    f = theano.function([x], g200)
    sizes = []
    for n in (50, 100):
        y = chain(n)
        sizes.append(_n_nodes([theano.grad(T.sum(y), x)]) - _n_nodes([y]))
    # Twice the depth costs about twice the nodes (no exponential blow-up).
    assert sizes[1] <= 2 * sizes[0] + 10

    def fwd(v):
        for _ in range(200):
            v = layer(v, np)
        return v.sum()

    xv = np.array([0.1, -0.2])
    eps = 1e-6
    num = [(fwd(xv + eps * e) - fwd(xv - eps * e)) / (2 * eps) for e in np.eye(2)]
    assert 0.1 < abs(num[0]) < 10
    np.testing.assert_allclose(f(xv), num, rtol=1e-5)


# ---------------------------------------------------------------------------
# jacobian / hessian
# ---------------------------------------------------------------------------
def test_jacobian_of_scalar_is_grad():
    x = T.dvector("x")
    j = gradient.jacobian(T.sum(x ** 2), x)
    np.testing.assert_allclose(j.eval({x: np.array([1.0, 2.0])}), [2.0, 4.0])
    with pytest.raises(AssertionError, match="1 dimensional"):  # Theano 1.0's type
        gradient.jacobian(T.dmatrix(), x)


def test_jacobian_of_linear_mix_is_A():
    A, x, b = T.dmatrix("A"), T.dvector("x"), T.dvector("b")
    y = T.dot(A, x) + b
    f = theano.function([A, x, b], gradient.jacobian(y, x))
    Av = np.array([[9.0, 8, 7], [4, 5, 6]])
    np.testing.assert_array_equal(f(Av, np.array([1.0, 2, 3]), np.array([4.0, 5])), Av)
    jl = gradient.jacobian(y, [x, b])
    assert isinstance(jl, list) and len(jl) == 2


def test_hessian():
    x = T.dvector("x")
    cost = T.sum(x ** 3) + x[0] * x[1]
    H = theano.function([x], gradient.hessian(cost, x))
    xv = np.array([1.0, 2.0, 3.0])
    expected = np.diag(6 * xv)
    expected[0, 1] = expected[1, 0] = 1.0
    np.testing.assert_allclose(H(xv), expected)
    with pytest.raises(AssertionError):  # Theano 1.0's type
        gradient.hessian(x, x)


# ---------------------------------------------------------------------------
# Training loops (the acceptance examples)
# ---------------------------------------------------------------------------
def test_seed002_training_loop():
    x = T.fvector("x")
    target = T.fscalar("target")
    W = theano.shared(np.asarray([0.1, 0.25, 0.15, 0.3]), "W")
    y = (x * W).sum()
    cost = T.sqr(target - y)
    (gW,) = T.grad(cost, [W])
    f = theano.function([x, target], y, updates=[(W, W - 0.1 * gW)])
    outs = [f([1.0, 1.0, 1.0, 1.0], 100.0) for _ in range(10)]
    np.testing.assert_allclose(W.get_value(), [24.89999746, 25.04999746, 24.94999746,
                                               25.09999746], atol=5e-9)
    np.testing.assert_allclose(float(outs[9]), 99.99994920960002, rtol=1e-12)


def test_mlp_with_momentum_trains():
    np.random.seed(0)
    N = 1000
    y = np.random.randint(0, 2, N)
    means = np.array([[-1, 1], [-1, 1]])
    cov = np.random.random_sample((2, 2)) + 1
    X = np.vstack([np.random.randn(N) * cov[0, y] + means[0, y],
                   np.random.randn(N) * cov[1, y] + means[1, y]])
    y = y.astype("float64")
    params = []
    for n_in, n_out in ((2, 4), (4, 1)):
        params.append(theano.shared(np.random.randn(n_out, n_in), name="W"))
        params.append(theano.shared(np.ones((n_out, 1)), name="b", broadcastable=(False, True)))
    xin, tgt = T.dmatrix("x"), T.dvector("t")
    out = xin
    for W, b in zip(params[::2], params[1::2]):
        out = T.sigmoid(T.dot(W, out) + b)
    cost = T.sum((out - tgt) ** 2)
    updates = []
    for p in params:
        pu = theano.shared(p.get_value() * 0.0, broadcastable=p.broadcastable)
        updates.append((p, p - 0.01 * pu))
        updates.append((pu, 0.9 * pu + 0.1 * T.grad(cost, p)))
    train = theano.function([xin, tgt], cost, updates=updates)
    predict = theano.function([xin], out)
    costs = [float(train(X, y)) for _ in range(20)]
    accuracy = np.mean((predict(X) > 0.5) == y)
    assert costs[-1] < costs[0] and min(costs) < 0.7 * costs[0]
    assert accuracy > 0.75
