"""Scan in the JAX mode (lax.scan / lax.while_loop) against FAST_RUN: every argument form of
scan, its gradients (ScanGrad -> reversed lax.scan), second derivatives, random streams in
loops, and the errors of what XLA cannot compile.
"""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.link.jax.linker import JaxCompileError

rng = np.random.default_rng(5)


def _both(ins, outs, vals, updates=None, rtol=1e-10, atol=1e-12):
    """Compile in FAST_RUN and JAX, compare every output; return the JAX outputs."""
    res = []
    for mode in ("FAST_RUN", "JAX"):
        f = theano.function(ins, outs, mode=mode, updates=updates, on_unused_input="ignore")
        res.append(f(*vals))
    for r, g in zip(*res):
        assert isinstance(g, np.ndarray)
        assert g.dtype == r.dtype and g.shape == r.shape, (g.dtype, r.dtype, g.shape, r.shape)
        np.testing.assert_allclose(g, r, rtol=rtol, atol=atol)
    return res[1]


def test_taps_mit_sot_nit_sot_nonseqs_and_gradients():
    x, H0, W = T.dmatrix("x"), T.dmatrix("H0"), T.dmatrix("W")

    def step(x_m1, x_t, x_p2, h_m1, h_m3, W):
        h = T.tanh(T.dot(h_m1, W) + x_t + 0.5 * x_m1 - 0.3 * x_p2 + 0.1 * h_m3)
        return h, (h ** 2).sum()

    (hs, ss), _ = theano.scan(step, sequences=dict(input=x, taps=[-1, 0, 2]),
                              outputs_info=[dict(initial=H0, taps=[-1, -3]), None],
                              non_sequences=W)
    cost = hs.sum() + ss.sum() + (hs[-1] ** 2).sum()
    grads = T.grad(cost, [x, H0, W])
    vals = [rng.normal(size=(8, 3)), rng.normal(size=(4, 3)), 0.5 * rng.normal(size=(3, 3))]
    _both([x, H0, W], [hs, ss, hs[-1]] + grads, vals)


def test_go_backwards_last_value_and_truncate_gradient():
    x, h0, w = T.dmatrix("x"), T.dvector("h0"), T.dvector("w")
    outs = []
    for kw in (dict(go_backwards=True), dict(truncate_gradient=2),
               dict(go_backwards=True, truncate_gradient=3)):
        hs, _ = theano.scan(lambda xt, xm, h, w: T.tanh(h * w + xt - xm),
                            sequences=dict(input=x, taps=[0, -1]), outputs_info=h0,
                            non_sequences=w, **kw)
        cost = (hs ** 2).sum() + hs[-1].sum()  # hs[-1] alone would keep only the last step
        outs += [hs, hs[-1]] + T.grad(cost, [x, h0, w])
    last, _ = theano.scan(lambda xt, h: h + xt, sequences=x, outputs_info=h0)
    outs.append(last[-1])  # scan_save_mem: only the last step is stored
    vals = [rng.normal(size=(7, 4)), rng.normal(size=4), rng.normal(size=4)]
    _both([x, h0, w], outs, vals)


def test_n_steps_no_sequences_views_and_hessian():
    a, v = T.dscalar("a"), T.dvector("v")
    powers, _ = theano.scan(lambda p, a: p * a, outputs_info=T.ones_like(a),
                            non_sequences=a, n_steps=5)
    fib, _ = theano.scan(lambda f1, f2: f1 + f2, n_steps=6,
                         outputs_info=dict(initial=T.stack([a, a + 1]), taps=[-2, -1]))
    mapped, _ = theano.map(lambda e: e ** 2, v)
    red, _ = theano.reduce(lambda e, acc: acc + e * a, v, T.constant(0.0, dtype="float64"))
    folded, _ = theano.foldr(lambda e, acc: acc * 0.5 + e, v, T.zeros_like(a))
    # n_steps below the sequence length: the first n_steps rows only.
    short, _ = theano.scan(lambda e, acc: acc + e, sequences=v, outputs_info=a, n_steps=2)
    f_v = T.sum(T.sin(v) * v[::-1] * a)
    hess = T.hessian(f_v, v)  # a scan over the gradient's rows; its gradient is a ScanGrad
    ggrad = T.grad(T.grad(red, a) ** 2 + T.grad(powers[-1], a), a)
    vals = [1.3, rng.normal(size=5)]
    _both([a, v], [powers, fib, mapped, red, folded, short, hess, ggrad], vals)


def test_shared_updates_inside_scan_and_mrg_streams_bit_exact():
    from theano.sandbox.rng_mrg import MRG_RandomStreams

    x = T.dvector("x")
    res = {}
    for mode in ("FAST_RUN", "JAX"):
        count = theano.shared(np.asarray(0.0), name="count")
        srng = MRG_RandomStreams(seed=7)

        def step(xt, acc):
            noise = srng.uniform((3,))
            return acc + xt * noise, {count: count + xt}

        accs, upd = theano.scan(step, sequences=x, outputs_info=T.zeros((3,), "float64"))
        f = theano.function([x], [accs, T.grad(accs.sum(), x)], updates=upd, mode=mode)
        vals = np.arange(1.0, 5.0)
        res[mode] = f(vals) + f(vals) + [count.get_value()]
    for r, g in zip(res["FAST_RUN"], res["JAX"]):
        np.testing.assert_allclose(g, r, rtol=1e-12)
    assert res["JAX"][-1] == 20.0


def test_random_streams_inside_scan_in_law():
    from theano.tensor.shared_randomstreams import RandomStreams

    srng = RandomStreams(seed=11)
    draws, upd = theano.scan(lambda: srng.normal((2000,)), n_steps=4)
    f = theano.function([], draws, updates=upd, mode="JAX")
    a, b = f(), f()
    assert a.shape == (4, 2000) and not np.array_equal(a, b)
    assert not np.array_equal(a[0], a[1])  # the key advances inside the loop
    assert abs(a.mean()) < 0.05 and abs(a.std() - 1) < 0.05


def test_until_is_a_while_loop_cut_to_the_steps_done():
    x0, lim = T.dscalar("x0"), T.dscalar("lim")
    v = T.dvector("v")

    def step(e, x, lim):
        nx = x * 2 + e
        return [nx, nx - 1], theano.scan_module.until(nx > lim)

    (xs, ys), _ = theano.scan(step, sequences=v, outputs_info=[x0, None], non_sequences=lim)
    # x: 3, 7, 15, 31 -> stops after 4 steps; never stops: all 6; stops at once: 1.
    for start, limit, steps in ((1.0, 20.0, 4), (1.0, 1e9, 6), (30.0, 20.0, 1)):
        got = _both([x0, lim, v], [xs, ys, xs[-1]], [start, limit, np.ones(6)])
        assert len(got[0]) == len(got[1]) == steps
    # With only its last value used (scan_save_mem), the loop's result is static.
    got = _both([x0, lim, v], [xs[-1] * 3], [1.0, 20.0, np.ones(6)])
    assert got[0] == 3 * 31.0

    with pytest.raises(JaxCompileError, match="until.*known only when the function runs") \
            as info:
        theano.function([x0, lim, v], xs.sum(), mode="JAX")(1.0, 20.0, np.ones(6))
    assert "test_scan.py" in str(info.value)


def test_run_time_n_steps(monkeypatch):
    from theano.link.jax.linker import JaxProgram

    monkeypatch.setattr(JaxProgram, "MANY_COMPILES", 2)
    a, k, v = T.dscalar("a"), T.lscalar("k"), T.dvector("v")
    powers, _ = theano.scan(lambda p: p * a, outputs_info=T.ones_like(a), n_steps=k)
    # Only the last value is used: a lax.while_loop bounded by the traced value of k.
    got = _both([a, k], [powers[-1]], [1.5, 4])
    assert got[0] == 1.5 ** 4
    # Every step is kept: k becomes a compile-time constant (one compilation per value).
    f = theano.function([a, k], powers, mode="JAX")
    assert f(1.5, 4).shape == (4,) and f(1.5, 2).shape == (2,) and f(2.0, 4)[-1] == 16
    assert f.maker.program.static_inputs == (1,)
    with pytest.warns(UserWarning, match="input.*k set a size.*compiles the function again"):
        assert f(1.5, 3).shape == (3,)  # a third value (MANY_COMPILES = 2 here)
    # A number of steps computed from float values cannot be a constant.
    n = T.cast(v.sum(), "int64")
    sums, _ = theano.scan(lambda p: p * a, outputs_info=T.ones_like(a), n_steps=n)
    with pytest.raises(JaxCompileError, match="n_steps.*depends on the values"):
        theano.function([a, v], sums, mode="JAX")(1.5, np.ones(3))


def test_errors_name_the_loop():
    x = T.dvector("x")
    grow, _ = theano.scan(lambda h: T.concatenate([h, h]), outputs_info=x, n_steps=2,
                          name="grower")
    with pytest.raises(ValueError, match="grower.*must keep the shape"):
        theano.function([x], grow, mode="JAX")(np.ones(2))
    s, _ = theano.scan(lambda e: e * 2, sequences=x, n_steps=5)
    with pytest.raises(ValueError, match="can feed 3 steps, but 5 steps"):
        theano.function([x], s, mode="JAX")(np.ones(3))
