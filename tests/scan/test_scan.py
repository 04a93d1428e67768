"""theano.scan: every argument form, updates, random streams, gradients, R_op, rewrites."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.scan.op import Scan
from theano.scan.utils import until

floatX = theano.config.floatX


def _rng(seed=0):
    return np.random.RandomState(seed)


def _scan_nodes(f):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Scan)]


# ---------------------------------------------------------------------------
# The package / callable module
# ---------------------------------------------------------------------------
def test_theano_scan_is_callable_module_and_package():
    import theano.scan.utils
    import theano.scan_module

    assert callable(theano.scan)
    assert theano.scan.utils.until is until
    assert theano.scan_module.until is until
    from theano.scan import scan
    x = T.dvector()
    out1, _ = scan(lambda v: v * 2, sequences=x)
    out2, _ = theano.scan(lambda v: v * 2, sequences=x)
    f = theano.function([x], [out1, out2])
    a, b = f([1., 2.])
    np.testing.assert_array_equal(a, [2., 4.])
    np.testing.assert_array_equal(b, [2., 4.])
    assert theano.map is theano.scan.map and theano.reduce is theano.scan.reduce


# ---------------------------------------------------------------------------
# Sequences and taps
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
def test_map_over_matrix_rows(dtype):
    X = T.matrix(dtype=dtype)
    v = T.vector(dtype=dtype)
    out, upd = theano.map(lambda row, v: row * v + 1, X, non_sequences=v)
    assert len(upd) == 0
    f = theano.function([X, v], out)
    x = (_rng().rand(4, 3) * 10).astype(dtype)
    vv = (_rng(1).rand(3) * 10).astype(dtype)
    got = f(x, vv)
    assert got.dtype == dtype
    np.testing.assert_allclose(got, x * vv + 1, rtol=1e-6)


def test_sequence_taps_mixed_signs():
    x = T.dvector('x')
    out, _ = theano.scan(lambda a, b, c: a + 2 * b + 10 * c,
                         sequences=dict(input=x, taps=[-2, 0, 1]))
    f = theano.function([x], out)
    xv = _rng().rand(9)
    ref = [xv[t - 2] + 2 * xv[t] + 10 * xv[t + 1] for t in range(2, 8)]
    np.testing.assert_allclose(f(xv), ref)


def test_sequence_taps_all_negative_and_all_positive():
    # Theano 1.0 measures the span of taps as if tap 0 were always used.
    x = T.dvector('x')
    neg, _ = theano.scan(lambda a, b: a - b, sequences=dict(input=x, taps=[-2, -1]))
    pos, _ = theano.scan(lambda a, b: a - b, sequences=dict(input=x, taps=[1, 2]))
    f = theano.function([x], [neg, pos])
    xv = np.arange(6.) ** 2
    n, p = f(xv)
    np.testing.assert_allclose(n, [xv[t - 2] - xv[t - 1] for t in range(2, 6)])
    np.testing.assert_allclose(p, [xv[t + 1] - xv[t + 2] for t in range(0, 4)])


def test_several_sequences_shortest_wins():
    a, b = T.dvectors('a', 'b')
    out, _ = theano.scan(lambda x, y: x * y, sequences=[a, b])
    f = theano.function([a, b], out)
    np.testing.assert_allclose(f(np.arange(5.), np.arange(3.)), [0., 1., 4.])


def test_go_backwards_with_taps_and_state():
    x = T.dvector('x')
    h0 = T.dscalar('h0')
    out, _ = theano.scan(lambda xm1, x0, h: h * 0.5 + xm1 - x0,
                         sequences=dict(input=x, taps=[-1, 0]), outputs_info=h0,
                         go_backwards=True)
    f = theano.function([x, h0], out)
    xv = _rng().rand(7)
    # As in Theano 1.0, taps keep their meaning in the original order: the step
    # that reads x[i] as tap 0 reads x[i - 1] as tap -1; the last i comes first.
    h, ref = 0.3, []
    for i in range(6, 0, -1):
        h = h * 0.5 + xv[i - 1] - xv[i]
        ref.append(h)
    np.testing.assert_allclose(f(xv, 0.3), ref)


def test_n_steps_shorter_than_sequences_uses_first_elements():
    x = T.dvector('x')
    k = T.iscalar('k')
    out, _ = theano.scan(lambda v: v * 3, sequences=x, n_steps=k)
    f = theano.function([x, k], out)
    np.testing.assert_allclose(f(np.arange(6.), 2), [0., 3.])
    with pytest.raises(ValueError, match="sequence 0 .* can feed 6 steps, but 8 steps"):
        f(np.arange(6.), 8)


# ---------------------------------------------------------------------------
# outputs_info forms
# ---------------------------------------------------------------------------
def test_mit_sot_fibonacci_taps():
    x0 = T.lvector('x0')
    n = T.iscalar('n')
    out, _ = theano.scan(lambda a, b: a + b, outputs_info=dict(initial=x0, taps=[-2, -1]),
                         n_steps=n)
    f = theano.function([x0, n], out)
    np.testing.assert_array_equal(f([0, 1], 10), [1, 2, 3, 5, 8, 13, 21, 34, 55, 89])


def test_mit_sot_tap_order_follows_user_order():
    x0 = T.dvector('x0')
    # fn receives x[t-1] first, then x[t-3], as listed in taps.
    out, _ = theano.scan(lambda a, c: a - 0.5 * c, outputs_info=dict(initial=x0, taps=[-1, -3]),
                         n_steps=5)
    f = theano.function([x0], out)
    hist = [1., 2., 4.]
    for _ in range(5):
        hist.append(hist[-1] - 0.5 * hist[-3])
    np.testing.assert_allclose(f([1., 2., 4.]), hist[3:])


def test_n_steps_only_and_zero_steps():
    a = T.dscalar('a')
    n = T.iscalar('n')
    out, _ = theano.scan(lambda x: x * 2, outputs_info=a, n_steps=n)
    f = theano.function([a, n], out)
    np.testing.assert_allclose(f(1.5, 4), [3., 6., 12., 24.])
    empty = f(1.5, 0)
    assert empty.shape == (0,)
    with pytest.raises(IndexError, match="negative number of steps"):
        f(1.5, -1)
    const, _ = theano.scan(lambda x: x + 1, outputs_info=a, n_steps=3)
    np.testing.assert_allclose(theano.function([a], const)(0.), [1., 2., 3.])


def test_no_outputs_info_several_outputs():
    x = T.dvector('x')
    (sq, cube), _ = theano.scan(lambda v: [v ** 2, v ** 3], sequences=x)
    f = theano.function([x], [sq, cube])
    s, c = f([1., 2., 3.])
    np.testing.assert_allclose(s, [1., 4., 9.])
    np.testing.assert_allclose(c, [1., 8., 27.])


def test_mixed_none_and_state_outputs():
    x = T.dvector('x')
    s0 = T.dscalar('s0')
    # outputs: (running sum: fed back), (double of x: not fed back)
    (cum, dbl), _ = theano.scan(lambda v, acc: [acc + v, 2 * v], sequences=x,
                                outputs_info=[s0, None])
    f = theano.function([x, s0], [cum, dbl])
    c, d = f([1., 2., 3.], 10.)
    np.testing.assert_allclose(c, [11., 13., 16.])
    np.testing.assert_allclose(d, [2., 4., 6.])
    # None first, state second: the order of fn's arguments follows outputs_info.
    (dbl2, cum2), _ = theano.scan(lambda v, acc: [2 * v, acc + v], sequences=x,
                                  outputs_info=[None, s0])
    d2, c2 = theano.function([x, s0], [dbl2, cum2])([1., 2., 3.], 10.)
    np.testing.assert_allclose(c2, c)
    np.testing.assert_allclose(d2, d)


def test_return_list_and_single_output():
    x = T.dvector('x')
    single, _ = theano.scan(lambda v: v + 1, sequences=x)
    assert not isinstance(single, list)
    as_list, _ = theano.scan(lambda v: v + 1, sequences=x, return_list=True)
    assert isinstance(as_list, list) and len(as_list) == 1
    nothing, upd = theano.scan(lambda v: {}, sequences=x)
    assert nothing is None and len(upd) == 0


def test_literal_initial_state_takes_output_dtype():
    x = T.dvector('x')
    out, _ = theano.scan(lambda v, acc: acc + v, sequences=x, outputs_info=0.)
    assert out.dtype == "float64"
    np.testing.assert_allclose(theano.function([x], out)([1., 2.]), [1., 3.])


def test_broadcastable_initial_state_is_generalised():
    # The initial state has a broadcastable first dimension, the steps do not.
    X3 = T.dtensor3('X3')
    h0 = T.constant(np.zeros((1, 3)))
    assert h0.broadcastable == (True, False)
    out, _ = theano.scan(lambda row, h: h + row, sequences=X3, outputs_info=h0)
    assert out.broadcastable == (False, False, False)
    xv = np.arange(6.).reshape(2, 1, 3)
    np.testing.assert_allclose(theano.function([X3], out)(xv), np.cumsum(xv, axis=0))


# ---------------------------------------------------------------------------
# until
# ---------------------------------------------------------------------------
def test_until_stops_the_loop():
    x = T.dscalar('x')
    out, _ = theano.scan(lambda p: (p * 2, until(p * 2 > 40)), outputs_info=x, n_steps=20)
    f = theano.function([x], out)
    np.testing.assert_allclose(f(3.), [6., 12., 24., 48.])
    np.testing.assert_allclose(f(100.), [200.])
    from theano.scan_module import until as until2
    out2, _ = theano.scan(lambda v, acc: ([acc + v], until2(acc + v > 5)), sequences=T.dvector(),
                          outputs_info=T.constant(0.))
    assert out2.owner.op.info.as_while


def test_until_with_updates_and_sequence():
    x = T.dvector('x')
    count = theano.shared(np.asarray(0, dtype="int64"), name="count")
    out, upd = theano.scan(lambda v: (v * 10, {count: count + 1}, until(v > 2)), sequences=x)
    f = theano.function([x], out, updates=upd)
    np.testing.assert_allclose(f([1., 2., 3., 4., 5.]), [10., 20., 30.])
    assert int(count.get_value()) == 3


# ---------------------------------------------------------------------------
# Shared variables and random streams
# ---------------------------------------------------------------------------
def test_shared_variable_used_without_listing_and_updated():
    W = theano.shared(np.eye(2) * 2, name="W")
    acc = theano.shared(np.zeros(2), name="acc")
    x = T.dmatrix('x')

    def step(row):
        y = T.dot(row, W)
        return y, {acc: acc + y}

    out, upd = theano.scan(step, sequences=x)
    assert list(upd.keys()) == [acc]
    f = theano.function([x], out, updates=upd)
    xv = np.array([[1., 2.], [3., 4.], [5., 6.]])
    np.testing.assert_allclose(f(xv), xv * 2)
    np.testing.assert_allclose(acc.get_value(), (xv * 2).sum(0))
    f(xv)
    np.testing.assert_allclose(acc.get_value(), 2 * (xv * 2).sum(0))


def test_shared_state_feeds_back_inside_the_loop():
    # The updated value is seen by the next step, as in Theano.
    c = theano.shared(np.asarray(1.0), name="c")
    out, upd = theano.scan(lambda: (c * 1.0, {c: c * 3}), n_steps=4)
    f = theano.function([], out, updates=upd)
    np.testing.assert_allclose(f(), [1., 3., 9., 27.])
    np.testing.assert_allclose(c.get_value(), 81.)


def test_random_streams_inside_fn_are_threaded_and_returned():
    from theano.tensor.random import streams as rs_mod
    srng = rs_mod.RandomStreams(seed=234)
    x = T.dvector('x')
    out, upd = theano.scan(lambda v: v + srng.uniform((2,)), sequences=x)
    assert len(upd) == 1
    rng_var = list(upd.keys())[0]
    start = rng_var.get_value()  # a copy of the RandomState
    f = theano.function([x], out, updates=upd)
    got = f(np.zeros(3))
    ref = np.array([start.uniform(0., 1., size=(2,)) for _ in range(3)])
    np.testing.assert_allclose(got, ref)
    got2 = f(np.zeros(3))
    ref2 = np.array([start.uniform(0., 1., size=(2,)) for _ in range(3)])
    np.testing.assert_allclose(got2, ref2)
    # Without the updates, the same draws come back each call.
    g = theano.function([x], out, updates=upd, no_default_updates=True)
    assert g(np.zeros(3)).shape == (3, 2)


# ---------------------------------------------------------------------------
# Nested scans, free variables, errors
# ---------------------------------------------------------------------------
def test_nested_scan_cumulative_sums():
    M = T.dmatrix('M')

    def row_cumsum(row):
        inner, _ = theano.scan(lambda v, acc: acc + v, sequences=row,
                               outputs_info=T.constant(0.))
        return inner

    out, _ = theano.scan(row_cumsum, sequences=M)
    f = theano.function([M], out)
    m = _rng().rand(3, 4)
    np.testing.assert_allclose(f(m), np.cumsum(m, axis=1))


def test_free_non_sequence_variable_and_push_out():
    x = T.dvector('x')
    W = T.dmatrix('W')
    W2 = W ** 2       # used by fn without being passed: computed once, outside the loop
    out, _ = theano.scan(lambda h: T.dot(W2, h), outputs_info=x, n_steps=3)
    node = out.owner
    assert any(i is W2 for i in node.inputs)
    f = theano.function([x, W], out)
    w = _rng().rand(2, 2)
    h, ref = np.array([1., 2.]), []
    for _ in range(3):
        h = (w ** 2).dot(h)
        ref.append(h)
    np.testing.assert_allclose(f([1., 2.], w), ref)


def test_strict_requires_listing_every_variable():
    x = T.dvector('x')
    W = theano.shared(np.ones(2), name="Wstrict")
    with pytest.raises(ValueError, match="strict=True.*Wstrict"):
        theano.scan(lambda v: v * W, sequences=x, strict=True)
    out, _ = theano.scan(lambda v, w: v * w, sequences=x, non_sequences=W, strict=True)
    np.testing.assert_allclose(theano.function([x], out)([1., 2.]), [[1., 1.], [2., 2.]])


def test_dtype_mismatch_error_names_output_and_types():
    x = T.fvector('x')
    with pytest.raises(TypeError, match=r"output 0 of fn .*float64.*float32"):
        theano.scan(lambda v, acc: acc + T.cast(v, "float64"), sequences=x,
                    outputs_info=T.fscalar('a0'))


def test_runtime_shape_mismatch_error_is_clear():
    h0 = T.dvector('h0')
    W = T.dmatrix('W')
    out, _ = theano.scan(lambda h: T.dot(W, h), outputs_info=h0, n_steps=2, name="bad")
    f = theano.function([h0, W], out)
    with pytest.raises(ValueError, match=r"shape \(3,\) for output 0.*h0.*\(2,\)"):
        f(np.ones(2), np.ones((3, 2)))


def test_bad_arguments():
    x = T.dvector('x')
    with pytest.raises(ValueError, match="number of steps"):
        theano.scan(lambda: x, outputs_info=None)
    with pytest.raises(ValueError, match="one entry per output"):
        theano.scan(lambda v: [v, v], sequences=x, outputs_info=[None])
    with pytest.raises(ValueError, match="negative taps"):
        theano.scan(lambda v: v, outputs_info=dict(initial=x, taps=[1]), n_steps=2)
    with pytest.raises(ValueError, match="n_steps must be an integer"):
        theano.scan(lambda v: v, outputs_info=x, n_steps=T.dscalar())


# ---------------------------------------------------------------------------
# reduce / foldl / foldr and the save-memory rewrite
# ---------------------------------------------------------------------------
def test_reduce_foldl_foldr():
    x = T.dvector('x')
    z = T.constant(0.)
    s, _ = theano.reduce(lambda v, acc: acc + v, x, z)
    hl, _ = theano.foldl(lambda v, acc: acc * 10 + v, x, z)
    hr, _ = theano.foldr(lambda v, acc: acc * 10 + v, x, z)
    f = theano.function([x], [s, hl, hr])
    a, b, c = f([1., 2., 3.])
    assert float(a) == 6. and float(b) == 123. and float(c) == 321.


def test_save_memory_keeps_only_the_last_step():
    x0 = T.dvector('x0')
    n = T.iscalar('n')
    out, _ = theano.scan(lambda h: h * 1.5, outputs_info=x0, n_steps=n)
    f = theano.function([x0, n], out[-1])
    (node,) = _scan_nodes(f)
    assert node.op.info.state_store == ("last",)
    np.testing.assert_allclose(f([1., 2.], 3), [1.5 ** 3, 2 * 1.5 ** 3])
    # When the whole history is also returned, all steps are kept.
    g = theano.function([x0, n], [out, out[-1]])
    (node,) = _scan_nodes(g)
    assert node.op.info.state_store == ("all",)
    full, last = g([1., 2.], 3)
    np.testing.assert_allclose(full[-1], last)


# ---------------------------------------------------------------------------
# Gradients
# ---------------------------------------------------------------------------
def _rnn(W, x, h0):
    h, _ = theano.scan(lambda xt, hp, W: T.tanh(T.dot(hp, W) + xt), sequences=x,
                       outputs_info=h0, non_sequences=W)
    return h


def test_verify_grad_rnn_all_inputs():
    rng = _rng(1)
    theano.gradient.verify_grad(_rnn, [rng.randn(3, 3) * .5, rng.randn(5, 3), rng.randn(3)],
                                rng=rng)


def test_verify_grad_mit_sot_and_sequence_taps():
    rng = _rng(2)

    def fun(x, x0, a):
        out, _ = theano.scan(lambda xm1, xp1, hm2, hm1, a: T.sin(hm2 * a + hm1 * xm1) + xp1,
                             sequences=dict(input=x, taps=[-1, 1]),
                             outputs_info=dict(initial=x0, taps=[-2, -1]), non_sequences=a)
        return out

    theano.gradient.verify_grad(fun, [rng.randn(6, 2), rng.randn(2, 2), rng.randn(2)], rng=rng)


def test_verify_grad_go_backwards_and_nit_sot():
    rng = _rng(3)

    def fun(x, h0, w):
        (h, y), _ = theano.scan(lambda xt, hp: [hp * w + xt, T.exp(hp) * xt], sequences=x,
                                outputs_info=[h0, None], go_backwards=True)
        return h.sum() + (y ** 2).sum()

    theano.gradient.verify_grad(fun, [rng.randn(4, 3), rng.randn(3), rng.randn(3) * .5],
                                rng=rng)


def test_grad_wrt_shared_variable_used_inside():
    W = theano.shared(_rng(4).randn(3, 3) * .5, name="Wsh")
    x = T.dmatrix('x')
    h, _ = theano.scan(lambda xt, hp: T.tanh(T.dot(hp, W) + xt), sequences=x,
                       outputs_info=T.zeros_like(x[0]))
    cost = (h[-1] ** 2).sum()
    gW = theano.grad(cost, W)
    xv = _rng(5).randn(4, 3)
    f = theano.function([x], [cost, gW])
    c, g = f(xv)
    w0, eps, num = W.get_value(), 1e-6, np.zeros((3, 3))
    fc = theano.function([x], cost)
    for i in np.ndindex(3, 3):
        wp = w0.copy()
        wp[i] += eps
        W.set_value(wp)
        cp = fc(xv)
        wp[i] -= 2 * eps
        W.set_value(wp)
        num[i] = (cp - fc(xv)) / (2 * eps)
    W.set_value(w0)
    np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-7)


def test_truncate_gradient():
    x = T.dmatrix('x')
    h0 = T.dvector('h0')
    W = T.dmatrix('W')
    n, k = 6, 2
    h_full, _ = theano.scan(lambda xt, hp: T.tanh(T.dot(hp, W) + xt), sequences=x,
                            outputs_info=h0)
    h_tr, _ = theano.scan(lambda xt, hp: T.tanh(T.dot(hp, W) + xt), sequences=x,
                          outputs_info=h0, truncate_gradient=k)
    g_full = theano.grad(h_full[-1].sum(), [x, h0])
    g_tr = theano.grad(h_tr[-1].sum(), [x, h0])
    f = theano.function([x, h0, W], g_full + g_tr)
    rng = _rng(6)
    gxf, gh0f, gxt, gh0t = f(rng.randn(n, 3), rng.randn(3), rng.randn(3, 3) * .5)
    np.testing.assert_allclose(gxt[n - k:], gxf[n - k:])
    assert np.all(gxt[:n - k] == 0) and np.all(gh0t == 0)
    assert np.all(np.abs(gxf[:n - k]) > 0)
    # With a window covering every step, truncation is the full gradient.
    rng = _rng(7)
    theano.gradient.verify_grad(
        lambda xx, hh, ww: theano.scan(lambda xt, hp: T.tanh(T.dot(hp, ww) + xt),
                                       sequences=xx, outputs_info=hh,
                                       truncate_gradient=4)[0],
        [rng.randn(4, 3), rng.randn(3), rng.randn(3, 3) * .5], rng=rng)


def test_grad_through_until_loop():
    a = T.dscalar('a')
    x0 = T.dscalar('x0')
    out, _ = theano.scan(lambda p: (p * a, until(p * a > 10.)), outputs_info=x0, n_steps=50)
    cost = out[-1]
    ga = theano.grad(cost, a)
    f = theano.function([a, x0], [out, ga])
    o, g = f(2., 1.)
    np.testing.assert_allclose(o, [2., 4., 8., 16.])
    np.testing.assert_allclose(g, 4 * 2. ** 3)   # d(a^4)/da


def test_grad_nested_scan():
    rng = _rng(8)

    def fun(M, w):
        def row_fn(row):
            inner, _ = theano.scan(lambda v, acc: T.tanh(acc * w + v), sequences=row,
                                   outputs_info=T.zeros_like(w))
            return inner[-1]

        out, _ = theano.scan(row_fn, sequences=M)
        return out

    theano.gradient.verify_grad(fun, [rng.randn(3, 4), np.asarray(0.7)], rng=rng)


def test_jacobian_uses_scan():
    x = T.dvector('x')
    J = theano.gradient.jacobian(x ** 2, x)
    np.testing.assert_allclose(theano.function([x], J)([1., 2.]), [[2., 0.], [0., 4.]])


def test_rop_through_scan():
    W = T.dmatrix('W')
    h0 = T.dvector('h0')
    x = T.dmatrix('x')
    V = T.dmatrix('V')
    h = _rnn(W, x, h0)
    r = theano.gradient.Rop(h, W, V)
    f = theano.function([W, x, h0, V], r)
    fh = theano.function([W, x, h0], h)
    rng = _rng(9)
    w, xv, hv, v = rng.randn(3, 3) * .5, rng.randn(4, 3), rng.randn(3), rng.randn(3, 3)
    eps = 1e-6
    num = (fh(w + eps * v, xv, hv) - fh(w - eps * v, xv, hv)) / (2 * eps)
    np.testing.assert_allclose(f(w, xv, hv, v), num, rtol=1e-5, atol=1e-8)


def test_lstm_trains():
    """An LSTM over 100 steps learns to output the mean of its input sequence."""
    rng = _rng(10)
    n_in, n_h, T_len = 2, 5, 100
    dt = floatX

    def param(*shape):
        return theano.shared((rng.randn(*shape) * 0.3).astype(dt))

    Wx, Wh, b = param(n_in, 4 * n_h), param(n_h, 4 * n_h), param(4 * n_h)
    Wo, bo = param(n_h, 1), param(1)
    params = [Wx, Wh, b, Wo, bo]
    X = T.matrix('X', dtype=dt)
    y = T.vector('y', dtype=dt)

    def step(xt, h, c):
        z = T.dot(xt, Wx) + T.dot(h, Wh) + b
        i = T.sigmoid(z[:n_h])
        f = T.sigmoid(z[n_h:2 * n_h])
        o = T.sigmoid(z[2 * n_h:3 * n_h])
        g = T.tanh(z[3 * n_h:])
        c_new = f * c + i * g
        return [o * T.tanh(c_new), c_new]

    zero = T.zeros_like(b[:n_h])
    (hs, cs), _ = theano.scan(step, sequences=X, outputs_info=[zero, zero])
    pred = T.dot(hs[-1], Wo) + bo
    loss = ((pred - y) ** 2).sum()
    grads = theano.grad(loss, params)
    lr = np.asarray(0.05, dtype=dt)
    train = theano.function([X, y], loss,
                            updates=[(p, p - lr * g) for p, g in zip(params, grads)])
    xv = rng.uniform(-1, 1, (T_len, n_in)).astype(dt)
    yv = np.asarray([0.5], dtype=dt)
    losses = [float(train(xv, yv)) for _ in range(15)]
    assert losses[-1] < 0.5 * losses[0], losses


# ---------------------------------------------------------------------------
# More: pickling, integer states, random streams in gradients, test values, shapes
# ---------------------------------------------------------------------------
def test_pickle_compiled_function_with_scan():
    import pickle

    x = T.dvector('x')
    h0 = T.dscalar('h0')
    out, _ = theano.scan(lambda v, h: h * 0.5 + v, sequences=x, outputs_info=h0)
    f = theano.function([x, h0], out)
    f2 = pickle.loads(pickle.dumps(f))
    np.testing.assert_allclose(f2([1., 2., 3.], 0.), [1., 2.5, 4.25])


def test_integer_state_next_to_float_gradients():
    x = T.dvector('x')
    h0 = T.dscalar('h0')
    (cnt, acc), _ = theano.scan(lambda v, c, a: [c + 1, a + v * T.cast(c, 'float64')],
                                sequences=x, outputs_info=[T.constant(np.int64(0)), h0])
    gx, gh0 = theano.grad(acc[-1], [x, h0])
    f = theano.function([x, h0], [cnt, gx, gh0])
    c, a, b = f([1., 2., 3.], 0.)
    np.testing.assert_array_equal(c, [1, 2, 3])
    np.testing.assert_allclose(a, [0., 1., 2.])
    assert float(b) == 1.


def test_grad_with_random_dropout_inside_scan():
    from theano.tensor.random import streams as rs_mod
    srng = rs_mod.RandomStreams(seed=1)
    W = T.dmatrix('W')
    X = T.dmatrix('X')

    def step(xt, hp):
        mask = T.cast(srng.binomial(size=(3,), p=0.5), 'float64')
        return T.tanh(T.dot(hp, W) + xt) * mask

    h, upd = theano.scan(step, sequences=X, outputs_info=T.zeros_like(X[0]))
    cost = (h ** 2).sum()
    fg = theano.function([X, W], [cost, theano.grad(cost, W)], updates=upd)
    fc = theano.function([X, W], cost, updates=upd)
    rng_var = list(upd.keys())[0]
    start = rng_var.get_value()
    rng = _rng(11)
    xv, wv = rng.randn(4, 3), rng.randn(3, 3) * .5
    rng_var.set_value(start)
    _, gw = fg(xv, wv)
    num, eps = np.zeros((3, 3)), 1e-6
    for i in np.ndindex(3, 3):
        wp = wv.copy()
        wp[i] += eps
        rng_var.set_value(start)
        cp = fc(xv, wp)
        wp[i] -= 2 * eps
        rng_var.set_value(start)
        num[i] = (cp - fc(xv, wp)) / (2 * eps)
    np.testing.assert_allclose(gw, num, rtol=1e-5, atol=1e-8)


def test_test_values_flow_into_the_loop():
    with theano.change_flags(compute_test_value="raise"):
        x = T.dmatrix('x')
        x.tag.test_value = np.ones((3, 2))
        h0 = T.dvector('h0')
        h0.tag.test_value = np.zeros(2)
        W = T.dmatrix('W')
        W.tag.test_value = np.eye(2)
        h, _ = theano.scan(lambda xt, hp: T.tanh(T.dot(hp, W) + xt), sequences=x,
                           outputs_info=h0)
        assert h.tag.test_value.shape == (3, 2)
        g = theano.grad(h.sum(), W)
        assert g.tag.test_value.shape == (2, 2)


def test_rop_mit_sot_and_nit_sot():
    x0 = T.dvector('x0')
    a = T.dscalar('a')
    (o, y), _ = theano.scan(lambda p2, p1: [p2 * a + T.sin(p1), p1 ** 2],
                            outputs_info=[dict(initial=x0, taps=[-2, -1]), None], n_steps=5)
    v = T.dvector('v')
    r = theano.gradient.Rop([o, y], x0, v)
    fr = theano.function([x0, a, v], r)
    fo = theano.function([x0, a], [o, y])
    x0v, vv, eps = np.array([.3, .7]), np.array([1., -2.]), 1e-6
    got = fr(x0v, .9, vv)
    for g, p, m in zip(got, fo(x0v + eps * vv, .9), fo(x0v - eps * vv, .9)):
        np.testing.assert_allclose(g, (p - m) / (2 * eps), rtol=1e-5, atol=1e-8)


def test_error_inside_fn_says_which_step():
    x = T.dmatrix('x')
    W = T.dmatrix('W')
    out, _ = theano.scan(lambda row: T.dot(W, row), sequences=x, name="proj")
    # (by default the product leaves the loop: one product of the stacked rows)
    mode = theano.compile.mode.get_default_mode().excluding("scan_push_out_seq")
    f = theano.function([x, W], out, mode=mode)
    with pytest.raises(ValueError, match="inside scan 'proj' at step 0"):
        f(np.ones((2, 3)), np.ones((2, 2)))
    # Computed before the loop, the product's error still names the line that built it.
    f = theano.function([x, W], out)
    with pytest.raises(ValueError, match="in <lambda>"):
        f(np.ones((2, 3)), np.ones((2, 2)))


def test_shape_of_outputs_without_running_the_loop():
    X = T.dmatrix('X')
    x0 = T.dvector('x0')
    n = T.iscalar('n')
    (h, y), _ = theano.scan(lambda xt, hp: [hp * 2, xt * hp], sequences=X,
                            outputs_info=[x0, None], n_steps=n)
    f = theano.function([X, x0, n], [h.shape, y.shape])
    a, b = f(np.ones((5, 3)), np.ones(3), 4)
    assert list(a) == [4, 3] and list(b) == [4, 3]
    assert not _scan_nodes(f)


def test_grad_when_a_state_also_feeds_another_output():
    # The step returns ``a`` and ``sin(a)``: the gradient reaching ``a`` must include the
    # part coming back through ``sin(a)`` (a first-order regression).
    rng = _rng(26)

    def fun(x, a0):
        def step(xt, ap):
            a = ap * xt
            return [a, T.sin(a)]

        (a, s), _ = theano.scan(step, sequences=x, outputs_info=[a0, None])
        return a.sum() + s.sum()

    theano.gradient.verify_grad(fun, [rng.randn(4), np.asarray(0.7)], rng=rng)
