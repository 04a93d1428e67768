"""theano.scan: second-order gradients (the gradient, or R_op, of a scan gradient)."""
import numpy as np

import theano
import theano.tensor as T
from theano.scan.utils import until


def _rng(seed=0):
    return np.random.RandomState(seed)


def _rnn(W, x, h0):
    h, _ = theano.scan(lambda xt, hp, W: T.tanh(T.dot(hp, W) + xt), sequences=x,
                       outputs_info=h0, non_sequences=W)
    return h


def _scan_cost(x, h0, w):
    hs, _ = theano.scan(lambda xt, h, w: T.tanh((xt * w).sum() + h * w.sum() * .5),
                        sequences=x, outputs_info=h0, non_sequences=w)
    return (hs ** 2).sum()


def _unrolled_cost(x, h0, w, n):
    h, c = h0, 0
    for t in range(n):
        h = T.tanh((x[t] * w).sum() + h * w.sum() * .5)
        c = c + h ** 2
    return c


def test_hessian_of_scan_cost_vs_unrolled_and_finite_differences():
    x, h0, w = T.dmatrix('x'), T.dscalar('h0'), T.dvector('w')
    n = 5
    H = theano.gradient.hessian(_scan_cost(x, h0, w), w)
    H_ref = theano.gradient.hessian(_unrolled_cost(x, h0, w, n), w)
    f = theano.function([x, h0, w], [H, H_ref])
    fc = theano.function([x, h0, w], _scan_cost(x, h0, w))
    rng = _rng(20)
    xv, wv = rng.randn(n, 3), rng.randn(3) * .5
    got, ref = f(xv, .3, wv)
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got, got.T, rtol=1e-10, atol=1e-12)
    eps, num = 1e-4, np.zeros((3, 3))
    E = np.eye(3) * eps
    for i in range(3):
        for j in range(3):
            num[i, j] = (fc(xv, .3, wv + E[i] + E[j]) - fc(xv, .3, wv + E[i] - E[j])
                         - fc(xv, .3, wv - E[i] + E[j]) + fc(xv, .3, wv - E[i] - E[j])) \
                / (4 * eps ** 2)
    np.testing.assert_allclose(got, num, rtol=1e-4, atol=1e-5)


def test_grad_of_grad_rnn_all_inputs():
    rng = _rng(21)

    def first_order(W, x, h0):
        cost = (_rnn(W, x, h0) ** 2).sum()
        gW, gx, gh0 = theano.grad(cost, [W, x, h0])
        return gW.sum() + (gx * x).sum() + (gh0 ** 2).sum()

    theano.gradient.verify_grad(first_order, [rng.randn(3, 3) * .5, rng.randn(4, 3),
                                              rng.randn(3)], rng=rng)
    # T.grad(T.grad(cost, W).sum(), W) against the unrolled recurrence.
    W, x, h0 = T.dmatrix('W'), T.dmatrix('x'), T.dvector('h0')
    h, hs = h0, []
    for t in range(4):
        h = T.tanh(T.dot(h, W) + x[t])
        hs.append(h)
    ref = theano.grad(theano.grad(sum((v ** 2).sum() for v in hs), W).sum(), W)
    got = theano.grad(theano.grad((_rnn(W, x, h0) ** 2).sum(), W).sum(), W)
    f = theano.function([W, x, h0], [got, ref])
    a, b = f(rng.randn(3, 3) * .5, rng.randn(4, 3), rng.randn(3))
    np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_grad_of_grad_mit_sot_sequence_taps_go_backwards_nit_sot():
    # mit-sot state and sequence taps: exact agreement with the unrolled loop.
    x, x0, a = T.dmatrix('x'), T.dmatrix('x0'), T.dvector('a')

    def f_(xm1, xp1, hm2, hm1, a):
        return T.sin(hm2 * a + hm1 * xm1) + xp1

    out, _ = theano.scan(f_, sequences=dict(input=x, taps=[-1, 1]),
                         outputs_info=dict(initial=x0, taps=[-2, -1]), non_sequences=a)
    hs = [x0[0], x0[1]]
    for t in range(1, 5):
        hs.append(f_(x[t - 1], x[t + 1], hs[-2], hs[-1], a))

    def second(o):
        g = theano.grad((o ** 2).sum(), [x, x0, a])
        return theano.grad(g[0].sum() + (g[1] ** 2).sum() + (g[2] * a).sum(), [x, x0, a])

    rng = _rng(22)
    vals = [rng.randn(6, 2), rng.randn(2, 2), rng.randn(2)]
    got = theano.function([x, x0, a], second(out))(*vals)
    ref = theano.function([x, x0, a], second(T.stack(hs[2:])))(*vals)
    for g, r in zip(got, ref):
        np.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-12)

    # go_backwards with sequence taps and a nit-sot output, against the unrolled loop.
    h0, w = T.dvector('h0'), T.dvector('w')

    def g_(xm1, xt, hp):
        return [hp * w + xt * xm1, T.exp(hp) * xt]

    (h, y), _ = theano.scan(g_, sequences=dict(input=x, taps=[-1, 0]),
                            outputs_info=[h0, None], go_backwards=True)
    hs, ys, hp, xr = [], [], h0, x[::-1]
    for t in range(4):
        hp, yn = g_(xr[t + 1], xr[t], hp)
        hs.append(hp)
        ys.append(yn)

    def second_b(hh, yy):
        g = theano.grad(hh.sum() + (yy ** 2).sum() + (hh[-1] ** 3).sum(), [x, h0, w])
        return theano.grad((g[0] ** 2).sum() + g[1].sum() + (g[2] * w).sum(), [x, h0, w])

    vals = [rng.randn(5, 3), rng.randn(3), rng.randn(3) * .5]
    got = theano.function([x, h0, w], second_b(h, y))(*vals)
    ref = theano.function([x, h0, w], second_b(T.stack(hs), T.stack(ys)))(*vals)
    for g, r in zip(got, ref):
        np.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-10)


def test_grad_of_truncated_gradient():
    # A window covering every step gives the untruncated second derivatives; the
    # window start (n_steps - truncate_gradient) is then computed symbolically.
    x, h0, W = T.dmatrix('x'), T.dvector('h0'), T.dmatrix('W')

    def second(k):
        h, _ = theano.scan(lambda xt, hp: T.tanh(T.dot(hp, W) + xt), sequences=x,
                           outputs_info=h0, truncate_gradient=k)
        gx, gW, gh = theano.grad(h[-1].sum() + h[2].sum(), [x, W, h0])
        return theano.grad((gx ** 2).sum() + gW.sum() + (gh ** 2).sum(), [x, W, h0])

    rng = _rng(23)
    vals = [rng.randn(5, 3), rng.randn(3), rng.randn(3, 3) * .5]
    f = theano.function([x, h0, W], second(-1) + second(5) + second(9))
    res = f(*vals)
    for g_full, g5, g9 in zip(res[:3], res[3:6], res[6:]):
        assert np.all(np.isfinite(g_full)) and np.abs(g_full).max() > 0
        np.testing.assert_allclose(g5, g_full, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(g9, g_full, rtol=1e-10, atol=1e-12)
    # A short window: the second-order graph builds and runs; gradients stay truncated.
    g2 = theano.function([x, h0, W], second(2))(*vals)
    assert np.all(g2[2] == 0) and np.all(np.isfinite(g2[0]))


def test_higher_derivatives_through_until_loop_and_third_order():
    a, x0 = T.dscalar('a'), T.dscalar('x0')
    out, _ = theano.scan(lambda p: p * a, outputs_info=x0, n_steps=4)
    g1 = theano.grad(out[-1], a)
    g2 = theano.grad(g1, a)
    g3 = theano.grad(g2, a)
    f = theano.function([a, x0], [g1, g2, g3])
    np.testing.assert_allclose(f(1.5, 2.), [8 * 1.5 ** 3, 24 * 1.5 ** 2, 48 * 1.5])
    wout, _ = theano.scan(lambda p: (p * a, until(p * a > 10.)), outputs_info=x0, n_steps=50)
    h = theano.grad(theano.grad(wout[-1], a), a)
    np.testing.assert_allclose(theano.function([a, x0], h)(2., 1.), 12 * 2. ** 2)


def test_rop_of_scan_gradient():
    W, x, h0, V = T.dmatrix('W'), T.dmatrix('x'), T.dvector('h0'), T.dmatrix('V')
    gW = theano.grad((_rnn(W, x, h0) ** 2).sum(), W)
    r = theano.gradient.Rop(gW, W, V)
    f = theano.function([W, x, h0, V], r)
    fg = theano.function([W, x, h0], gW)
    rng = _rng(24)
    w, xv, hv, v = rng.randn(3, 3) * .5, rng.randn(4, 3), rng.randn(3), rng.randn(3, 3)
    eps = 1e-6
    num = (fg(w + eps * v, xv, hv) - fg(w - eps * v, xv, hv)) / (2 * eps)
    np.testing.assert_allclose(f(w, xv, hv, v), num, rtol=1e-5, atol=1e-7)
    # Hessian-vector product two ways: Rop of the gradient and grad of (gradient . v).
    lop = theano.grad((gW * V).sum(), W)
    a, b = theano.function([W, x, h0, V], [r, lop])(w, xv, hv, v)
    np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_second_order_with_shared_weights_and_float32():
    rng = _rng(25)
    Ws = theano.shared(rng.randn(2, 2).astype('float32') * .5, name='Ws')
    x = T.fmatrix('x')
    h, _ = theano.scan(lambda xt, hp: T.tanh(T.dot(hp, Ws) + xt), sequences=x,
                       outputs_info=T.zeros((2,), dtype='float32'))
    g = theano.grad((h ** 2).sum(), Ws)
    gg = theano.grad(g.sum(), Ws)
    assert gg.dtype == 'float32'
    xv = rng.randn(3, 2).astype('float32')
    fg = theano.function([x], g.sum())
    got = theano.function([x], gg)(xv)
    w0 = Ws.get_value()
    eps, num = 1e-2, np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            d = np.zeros((2, 2), dtype='float32')
            d[i, j] = eps
            Ws.set_value(w0 + d)
            up = fg(xv)
            Ws.set_value(w0 - d)
            num[i, j] = (up - fg(xv)) / (2 * eps)
    Ws.set_value(w0)
    np.testing.assert_allclose(got, num, rtol=2e-2, atol=2e-3)


def test_hessian_with_shared_update_state_matches_unrolled():
    # The shared update keeps only its last value: the backward pass replays the loop.
    w, x = T.dvector('w'), T.dmatrix('x')
    acc = theano.shared(np.zeros(3), name='acc')

    def step(xt, h, w):
        hn = T.tanh(xt * w + h)
        return hn, {acc: acc + hn * w}

    hs, upd = theano.scan(step, sequences=x, outputs_info=T.zeros(3, dtype='float64'),
                          non_sequences=w)
    H = theano.gradient.hessian((hs ** 2).sum() + (upd[acc] ** 2).sum(), w)
    hh, a, cu = T.zeros(3, dtype='float64'), acc, 0
    for t in range(4):
        hh = T.tanh(x[t] * w + hh)
        a = a + hh * w
        cu = cu + (hh ** 2).sum()
    Hr = theano.gradient.hessian(cu + (a ** 2).sum(), w)
    rng = _rng(27)
    got, ref = theano.function([x, w], [H, Hr])(rng.randn(4, 3), rng.randn(3))
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)
