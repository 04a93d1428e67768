"""In-place rewrites: they fire, and never overwrite inputs, shared values, constants or outputs."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.mode import Mode
from theano.rewriting.destroyhandler import view_root
from theano.tensor.blas import Gemm
from theano.tensor.elemwise import Elemwise


def _destroyers(f):
    return [n for n in f.maker.fgraph.toposort() if n.op.destroy_map]


def _battery():
    """(name, build) pairs; build() -> (inputs, outputs, updates, values)."""
    rng = np.random.RandomState(0)
    cases = []

    def case(fn):
        cases.append((fn.__name__, fn))
        return fn

    @case
    def elemwise_chain():
        x, y = T.dmatrices("x", "y")
        return [x, y], [T.exp(x) * y + T.sin(x * y) - y], [], [rng.rand(3, 4), rng.rand(3, 4)]

    @case
    def input_is_output():
        x = T.dvector("x")
        return [x], [x, x + 1, T.exp(x)], [], [rng.rand(5)]

    @case
    def views_of_inputs():
        x = T.dmatrix("x")
        return [x], [x.T * 2 + 1, x[0] + 3, x.dimshuffle(1, 0)[1:] ** 2], [], [rng.rand(3, 3)]

    @case
    def intermediate_used_twice():
        x = T.dvector("x")
        e = T.exp(x)
        return [x], [T.sin(e) + T.cos(e), e], [], [rng.rand(4)]

    @case
    def shared_values():
        x = T.dvector("x")
        s = theano.shared(rng.rand(4), name="s")
        t = theano.shared(rng.rand(4), name="t")
        return [x], [s * x + t, T.exp(s)], [(t, t + x * s)], [rng.rand(4)]

    @case
    def shared_update_chain():
        W = theano.shared(rng.rand(3, 3), name="W")
        x = T.dmatrix("x")
        g = T.dot(x, W)
        return [x], [T.sum(g)], [(W, W - 0.1 * T.dot(x.T, g))], [rng.rand(2, 3)]

    @case
    def constants():
        x = T.dvector("x")
        c = T.constant(np.arange(4.0))
        return [x], [T.exp(c) * x + c, c * 2], [], [rng.rand(4)]

    @case
    def increments():
        x = T.dmatrix("x")
        y = T.dvector("y")
        z = T.inc_subtensor(x[0], y)
        w = T.set_subtensor(T.exp(x)[1], y)
        return [x, y], [z, w, T.inc_subtensor(x[:, 1], 1.0) * 2], [], [rng.rand(3, 3), rng.rand(3)]

    @case
    def gemm_forms():
        a, b, c = T.dmatrices("a", "b", "c")
        v = T.dvector("v")
        return ([a, b, c, v], [2 * T.dot(a, b) + 0.5 * c, T.dot(a, v) + v, c + T.outer(v, v),
                               T.dot(a, b) + T.exp(c)], [],
                [rng.rand(3, 3), rng.rand(3, 3), rng.rand(3, 3), rng.rand(3)])

    @case
    def broadcasting():
        x = T.dmatrix("x")
        r = T.drow("r")
        v = T.dvector("v")
        return [x, r, v], [x + r, (x * v) / r, T.exp(r) + 1], [], [rng.rand(3, 4), rng.rand(1, 4),
                                                                    rng.rand(4)]

    @case
    def reductions_and_softmax():
        x = T.dmatrix("x")
        y = T.ivector("y")
        sm = T.nnet.softmax(x)
        cost = T.nnet.categorical_crossentropy(sm, y).mean()
        return [x, y], [cost, theano.grad(cost, x), sm], [], [rng.randn(4, 5),
                                                              np.array([0, 1, 2, 3], "int32")]

    @case
    def mlp_step():
        x = T.dmatrix("x")
        W = theano.shared(rng.randn(4, 3), name="W")
        b = theano.shared(np.zeros(3), name="b")
        h = T.nnet.sigmoid(T.dot(x, W) + b)
        cost = T.sum(h ** 2)
        gW, gb = theano.grad(cost, [W, b])
        return [x], [cost, h], [(W, W - 0.1 * gW), (b, b - 0.1 * gb)], [rng.rand(5, 4)]

    return cases


@pytest.mark.parametrize("name,build", _battery(), ids=[n for n, _ in _battery()])
def test_inputs_shared_and_outputs_are_never_overwritten(name, build):
    inputs, outputs, updates, values = build()
    shared_before = {}
    f = theano.function(inputs, outputs, updates=updates)
    for v in f.maker.shared_vars:
        shared_before[v] = v.get_value(borrow=True)
    shared_copies = {v: np.array(a, copy=True) for v, a in shared_before.items()}
    args = [np.array(v, copy=True) for v in values]
    res = f(*args)
    for a, v in zip(args, values):
        np.testing.assert_array_equal(a, v)  # the caller's arrays are untouched
    for v, before in shared_before.items():
        if v not in dict(updates):
            np.testing.assert_array_equal(v.get_value(borrow=True), shared_copies[v])
        # the old buffer of an updated variable is not overwritten either
        np.testing.assert_array_equal(before, shared_copies[v])
    for v, val in shared_copies.items():
        v.set_value(val.copy())
    ref = theano.function(inputs, outputs, updates=updates, mode=Mode(optimizer=None))
    exp = ref(*[np.array(v, copy=True) for v in values])
    for r, e in zip(res, exp):
        np.testing.assert_allclose(r, e, rtol=1e-7, atol=1e-10)
    # Returned values do not share memory with each other unless they are the same var.
    outs = f.maker.fgraph.outputs[:len(outputs)]
    for i in range(len(res)):
        for j in range(i + 1, len(res)):
            if outs[i] is not outs[j] and isinstance(res[i], np.ndarray) and res[i].size > 1:
                assert not np.shares_memory(res[i], res[j])
    # no destroyer has a protected root
    fg = f.maker.fgraph
    for n in _destroyers(f):
        for ins in n.op.destroy_map.values():
            for i in ins:
                root = view_root(n.inputs[i])
                assert root.owner is not None, (name, n)
                assert root not in fg.outputs


def test_inplace_elemwise_fires_on_intermediates():
    x = T.dvector("x")
    f = theano.function([x], T.exp(T.sin(x)) * T.cos(x), mode=Mode(optimizer="fast_run")
                        .excluding("fusion"))
    inplace = [n for n in f.maker.fgraph.apply_nodes
               if isinstance(n.op, Elemwise) and n.op.inplace_pattern]
    assert inplace
    v = np.linspace(0, 1, 5)
    np.testing.assert_allclose(f(v), np.exp(np.sin(v)) * np.cos(v))


def test_inplace_computes_into_the_buffer():
    # The in-place thunk writes into the destroyed intermediate (no new array).
    x = T.dvector("x")
    e = T.exp(x)
    out = T.sin(e)
    f = theano.function([x], out, mode=Mode(optimizer="fast_run").excluding("fusion"))
    (sin_node,) = [n for n in f.maker.fgraph.apply_nodes if "sin" in str(n.op)]
    assert sin_node.op.inplace_pattern
    buf = np.exp(np.array([0.0, 1.0]))
    cell = [[None]]
    sin_node.op.make_thunk_fn(sin_node)([buf], cell)
    assert cell[0][0] is buf
    np.testing.assert_allclose(buf, np.sin(np.exp([0.0, 1.0])))


def test_excluding_inplace_disables_it():
    x = T.dvector("x")
    f = theano.function([x], T.exp(T.sin(x)) * 2, mode=Mode(optimizer="fast_run")
                        .excluding("inplace"))
    assert not _destroyers(f)


def test_inplace_increment_and_gemm():
    x = T.dmatrix("x")
    a, b = T.dmatrices("a", "b")
    y = T.dvector("y")
    z = T.inc_subtensor(T.exp(x)[0], y)
    f = theano.function([x, y], z)
    assert any("Inplace" in str(n.op) for n in _destroyers(f))
    xv, yv = np.random.rand(3, 3), np.random.rand(3)
    ref = np.exp(xv)
    ref[0] += yv
    np.testing.assert_allclose(f(xv, yv), ref)
    g = theano.function([a, b, x], T.dot(a, b) + T.exp(x))
    gemms = [n for n in g.maker.fgraph.apply_nodes if isinstance(n.op, Gemm)]
    assert gemms and gemms[0].op.inplace
    av, bv = np.random.rand(3, 3), np.random.rand(3, 3)
    np.testing.assert_allclose(g(av, bv, xv), av @ bv + np.exp(xv))


def test_repeated_calls_are_stable():
    # Constants and cached storage must survive in-place execution between calls.
    x = T.dvector("x")
    c = T.constant(np.array([1.0, 2.0, 3.0]))
    f = theano.function([x], T.exp(c * x) + c)
    v = np.array([0.5, 0.25, 0.1])
    first = f(v).copy()
    for _ in range(3):
        np.testing.assert_array_equal(f(v), first)
