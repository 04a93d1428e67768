"""Scan's loop in C runs the steps of the inner function that compute the same thing at
every step (they read only non-sequences, constants and each other) once, before the
first step, and makes a strided matrix they produce (a transposed weight matrix of the
gradient loop) C-contiguous for the products that read it.  A step whose result another
step overwrites in place is not hoisted.  In the gradient loop, the product that sends
the gradient back through the loop adds its result straight into the row of the state's
gradient (beta = 1) instead of the loop adding a copy.  Every case is compared with the
Python scan (``linker=py``, its scans built with that mode too) or with NumPy;
``scan_stats()`` counts hoisted steps, contiguous copies and rows added into."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tests import unittest_tools as utt
from theano.link.c import compiler as c_compiler
from theano.link.c.runtime import load_runtime

pytestmark = pytest.mark.skipif(c_compiler.compiler_info() is None, reason="no C compiler")

PY = utt.PY_LOOPS


def _stats():
    return load_runtime().scan_stats()


def _both(build, args, rtol=1e-12):
    """Outputs of ``build(mode) -> (inputs, outputs)`` (which gives ``mode`` to its scans
    too) run with C loops and with Python loops, compared; returns what the C call
    changed in scan_stats()."""
    f, fp = utt.compile_c_and_python(build)
    before = _stats()
    got = f(*args)
    after = _stats()
    want = fp(*args)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=1e-13)
    return {k: after[k] - before[k] for k in after}


def test_transposed_weights_of_the_gradient_loop_are_hoisted_and_contiguous():
    # (backwards, with a bias: the loop of test_c_scan_rows.py the other way round)
    rng = np.random.RandomState(0)
    values = [rng.randn(3, 6) * 0.4, rng.randn(6, 6) * 0.3, rng.randn(6) * 0.1]

    def build(mode):
        X, h0 = T.dtensor3("X"), T.dmatrix("h0")
        Wx, Wh, b = (theano.shared(v) for v in values)
        H, _ = theano.scan(lambda x, h: T.tanh(T.dot(h, Wh) + T.dot(x, Wx) + b),
                           sequences=X, outputs_info=h0, go_backwards=True, mode=mode)
        cost = (H[::2] ** 2).sum()
        return [X, h0], [cost] + T.grad(cost, [Wh, Wx, b, h0, X])

    d = _both(build, [rng.randn(12, 4, 3), rng.randn(4, 6)])
    assert d["hoisted"] >= 1       # Wh.T in the gradient loop
    assert d["contiguous"] >= 1


def _rnn_wt(mode):
    X, h0, W = T.dtensor3("X"), T.dmatrix("h0"), T.dmatrix("W")
    H, _ = theano.scan(lambda x, h: T.dot(h, W.T) + x, sequences=X, outputs_info=h0,
                       mode=mode)
    return [X, h0, W], [H]


def test_a_transposed_non_sequence_is_read_contiguous():
    # the transpose is moved out of the loop by the graph rewrites; the loop copies the
    # strided matrix once
    rng = np.random.RandomState(1)
    d = _both(_rnn_wt, [rng.randn(10, 2, 5), rng.randn(2, 5), rng.randn(5, 5)])
    assert d["contiguous"] >= 1


def test_short_loops_do_not_copy():
    rng = np.random.RandomState(2)
    d = _both(_rnn_wt, [rng.randn(3, 2, 4), rng.randn(2, 4), rng.randn(4, 4)])
    assert d["contiguous"] == 0


def test_a_buffer_overwritten_in_place_each_step_is_made_each_step():
    # The gradient of the row W[i] read by each step is an increment of zeros_like(W),
    # written in place; zeros_like(W) reads only W, but made once, the second step would
    # start from the first step's increment.
    rng = np.random.RandomState(3)
    wv, uv = rng.randn(6, 4), rng.randn(4, 4) * 0.3
    idx_v, h0_v = np.array([0, 3, 3, 1, 4, 2, 0, 1, 2, 3, 5, 5]), rng.randn(4)

    def build(mode):
        idx, h0 = T.lvector("idx"), T.dvector("h0")
        W, U = theano.shared(wv), theano.shared(uv)
        H, _ = theano.scan(lambda i, h: T.tanh(W[i] + T.dot(h, U)), sequences=[idx],
                           outputs_info=h0, mode=mode)
        cost = (H ** 2).sum()
        return [idx, h0], T.grad(cost, [W, U])

    d = _both(build, [idx_v, h0_v])
    assert d["hoisted"] >= 1
    hs = [h0_v]
    for i in idx_v:
        hs.append(np.tanh(wv[i] + hs[-1] @ uv))
    gW, gU, dh = np.zeros_like(wv), np.zeros_like(uv), np.zeros(4)
    for t in range(len(idx_v) - 1, -1, -1):
        da = (dh + 2 * hs[t + 1]) * (1 - hs[t + 1] ** 2)
        gW[idx_v[t]] += da
        gU += np.outer(hs[t], da)
        dh = da @ uv.T
    ins, outs = build(None)
    got = theano.function(ins, outs)(idx_v, h0_v)
    np.testing.assert_allclose(got[0], gW, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(got[1], gU, rtol=1e-12, atol=1e-13)


def test_elementwise_loops_keep_their_replay():
    rng = np.random.RandomState(4)

    def build(mode):
        X, h0, b = T.dmatrix("X"), T.dvector("h0"), T.dvector("b")
        H, _ = theano.scan(lambda x, h: T.tanh(h * b.dimshuffle(0) + x) * 2, sequences=X,
                           outputs_info=h0, mode=mode)
        return [X, h0, b], [H]

    d = _both(build, [rng.randn(20, 3), rng.randn(3), rng.randn(3)])
    assert d["replays"] >= 1
    assert d["hoisted"] == 0


def _bptt(xs, h_init, Ws, taps, go_backwards):
    """NumPy forward and backward of h_t = tanh(x_t + sum_j h_{t-taps[j]} . Ws[j]) with
    cost sum(H**2): the gradients of the x's, the initial rows and the W's."""
    steps = xs[::-1] if go_backwards else xs
    L = max(taps)
    hs = list(h_init)                     # hs[L + t] is step t's state
    for t, x in enumerate(steps):
        hs.append(np.tanh(x + sum(hs[L + t - k] @ W for k, W in zip(taps, Ws))))
    dh = [np.zeros_like(h) for h in hs]
    gx, gW = np.zeros_like(steps), [np.zeros_like(W) for W in Ws]
    for t in range(len(steps) - 1, -1, -1):
        h = hs[L + t]
        da = (dh[L + t] + 2 * h) * (1 - h * h)
        gx[t] = da
        for k, W, g in zip(taps, Ws, gW):
            g += hs[L + t - k].T @ da
            dh[L + t - k] += da @ W.T
    if go_backwards:
        gx = gx[::-1]
    return [gx, np.stack(dh[:L])] + gW


@pytest.mark.parametrize("taps, go_backwards", [((1,), False), ((1,), True), ((1, 2), False)])
def test_the_gradient_through_the_loop_is_added_into_its_rows(taps, go_backwards):
    # dh_{t-k} += dA_t . W_k.T: the product adds into the row of the state's gradient
    rng = np.random.RandomState(6)
    L = max(taps)
    xs, h_init = rng.randn(15, 3, 5), rng.randn(L, 3, 5) * 0.5
    Ws = [rng.randn(5, 5) * 0.3 for _ in taps]
    X = T.dtensor3("X")
    Wv = [theano.shared(W) for W in Ws]

    def step(x, *args):
        hs, ws = args[:len(taps)], args[len(taps):]
        return T.tanh(x + sum(T.dot(h, w) for h, w in zip(hs, ws)))

    if L == 1:                      # h0 is the state before the first step
        H0 = T.dmatrix("h0")
        init, h0_value = H0, h_init[0]
    else:                           # H0's rows, oldest first, are the states before it
        H0 = T.dtensor3("H0")
        init, h0_value = dict(initial=H0, taps=[-k for k in taps]), h_init
    H, _ = theano.scan(step, sequences=X, outputs_info=init, non_sequences=Wv,
                       go_backwards=go_backwards)
    cost = (H ** 2).sum()
    f = theano.function([X, H0], T.grad(cost, [X, H0] + Wv))
    before = _stats()["added_in_rows"]
    got = f(xs, h0_value)
    assert _stats()["added_in_rows"] > before
    want = _bptt(xs, h_init, Ws, taps, go_backwards)
    if L == 1:
        want[1] = want[1][0]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-11, atol=1e-12)
