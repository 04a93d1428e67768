"""The backward loop's buffers in C: a sequence's gradient stored row by row (one tap over
the whole loop), a state's history read with its initial value as a prefix (no joined
copy), and pushed-out products read from those arrays after the loop.  Each case is
checked against the Python linker (its scans built with that mode too) and the rows the
loop does not reach stay zero."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tests import unittest_tools as utt
from theano.link.c import compiler as c_compiler

PY = utt.PY_LOOPS


def _compile_both(build):
    return utt.compile_c_and_python(build, c_loops=c_compiler.compiler_info() is not None)


def _both(build, args):
    """The outputs of ``build`` (see _compile_both) with C and Python loops, compared;
    returns the C ones."""
    fc, fp = _compile_both(build)
    got = fc(*args)
    want = fp(*args)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)
    return got


@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("n_steps", [None, 4])
def test_sequence_gradient_rows_and_unreached_rows(go_backwards, n_steps):
    rng = np.random.RandomState(0)

    def build(mode):
        X, h0, W = T.dtensor3("X"), T.dmatrix("h0"), T.dmatrix("W")
        H, _ = theano.scan(lambda x, h, W: T.tanh(x + T.dot(h, W)), sequences=X,
                           outputs_info=h0, non_sequences=W, n_steps=n_steps,
                           go_backwards=go_backwards, mode=mode)
        cost = (H ** 2).sum()
        ins = [X, h0, W]
        return ins, T.grad(cost, ins)

    Xv, h0v, Wv = rng.randn(7, 3, 5), rng.randn(3, 5), rng.randn(5, 5) * 0.3
    gX, gh0, gW = _both(build, [Xv, h0v, Wv])
    if n_steps is not None:
        # the steps read the first (or, backwards, the last) n_steps rows only
        untouched = gX[:7 - n_steps] if go_backwards else gX[n_steps:]
        assert not untouched.any()
        assert np.abs(gX[7 - n_steps:] if go_backwards else gX[:n_steps]).min() > 0


def test_sequence_with_two_taps_accumulates():
    rng = np.random.RandomState(1)

    def build(mode):
        x, W = T.dmatrix("x"), T.dmatrix("W")
        h0 = T.dvector("h0")
        H, _ = theano.scan(lambda a, b, h, W: T.tanh(a - 2 * b + T.dot(h, W)),
                           sequences=dict(input=x, taps=[-1, 1]), outputs_info=h0,
                           non_sequences=W, mode=mode)
        ins = [x, h0, W]
        return ins, T.grad(H.sum(), ins)

    _both(build, [rng.randn(8, 4), rng.randn(4), rng.randn(4, 4) * 0.3])


@pytest.mark.parametrize("taps", [[-1], [-2, -1], [-3, -1]])
def test_state_history_with_initial_rows_as_prefix(taps):
    rng = np.random.RandomState(2)
    L = -min(taps)

    def step(x, *args):
        hs, W = args[:-1], args[-1]
        return T.tanh(x + sum(T.dot(h, W) for h in hs))

    def build(mode):
        X, W = T.dtensor3("X"), T.dmatrix("W")
        h0 = T.dtensor3("h0") if L > 1 else T.dmatrix("h0")
        init = dict(initial=h0, taps=taps) if L > 1 else h0
        H, _ = theano.scan(step, sequences=X, outputs_info=init, non_sequences=W, mode=mode)
        ins = [X, h0, W]
        return ins, T.grad((H ** 2).sum(), ins)

    h0v = rng.randn(L, 2, 3) if L > 1 else rng.randn(2, 3)
    _both(build, [rng.randn(6, 2, 3), h0v, rng.randn(3, 3) * 0.3])


def test_non_contiguous_history_and_initial_value():
    # an initial value whose rows are laid out unlike the history's (a transposed view):
    # the loop joins them instead of reading a prefix
    rng = np.random.RandomState(3)

    def build(mode):
        X, h0, W = T.dtensor3("X"), T.dmatrix("h0"), T.dmatrix("W")
        H, _ = theano.scan(lambda x, h, W: T.tanh(x + T.dot(h, W)), sequences=X,
                           outputs_info=h0.T, non_sequences=W, mode=mode)
        ins = [X, h0, W]
        return ins, T.grad((H ** 2).sum(), ins)

    _both(build, [rng.randn(5, 4, 3), rng.randn(3, 4), rng.randn(3, 3) * 0.3])


def test_rnn_weight_gradients_with_pushed_out_products_float32():
    rng = np.random.RandomState(4)
    wx, wh = (rng.randn(*s).astype("float32") * 0.3 for s in ((3, 5), (5, 5)))

    def build(mode):
        X, h0 = T.ftensor3("X"), T.fmatrix("h0")
        Wx, Wh = theano.shared(wx, name="Wx"), theano.shared(wh, name="Wh")
        H, _ = theano.scan(lambda x, h: T.tanh(T.dot(x, Wx) + T.dot(h, Wh)), sequences=X,
                           outputs_info=h0, mode=mode)
        cost = ((H - 0.5) ** 2).mean()
        return [X, h0], T.grad(cost, [Wx, Wh, X, h0])

    args = [rng.randn(9, 4, 3).astype("float32"), rng.randn(4, 5).astype("float32")]
    fc, fp = _compile_both(build)
    got = fc(*args)
    want = fp(*args)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype == np.float32
        np.testing.assert_allclose(g, w, rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("go_backwards,truncate", [(False, -1), (True, -1), (False, 3)])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_bias_gradient_summed_after_the_loop(go_backwards, truncate, dtype, monkeypatch):
    """A bias added with broadcasting in the step: its per-step gradient sum(v, 0) is one
    sum over the stacked rows after the loop (ScanGrad.summed), in C and in Python, equal
    to the gradients summed step by step."""
    import theano.scan.grad as G
    from theano.scan.grad import ScanGrad
    rng = np.random.RandomState(5)
    whv = rng.randn(4, 4).astype(dtype) * 0.3
    bv = rng.randn(4).astype(dtype)

    def build(mode):
        X, h0 = T.tensor3("X", dtype=dtype), T.matrix("h0", dtype=dtype)
        Wh = theano.shared(whv, name="Wh")
        b = theano.shared(bv, name="b")
        c = theano.shared(np.asarray(0.5, dtype=dtype), name="c")   # 0-d: sum over all
        H, _ = theano.scan(lambda x, h: T.tanh(x + T.dot(h, Wh) + b + c), sequences=X,
                           outputs_info=h0, go_backwards=go_backwards,
                           truncate_gradient=truncate, mode=mode)
        cost = ((H - 0.25) ** 2).sum()
        return [X, h0], T.grad(cost, [b, c, Wh, X])

    args = [rng.randn(7, 3, 4).astype(dtype), rng.randn(3, 4).astype(dtype)]
    f, fp = _compile_both(build)
    grads = [n.op for n in f.maker.fgraph.toposort() if isinstance(n.op, ScanGrad)]
    assert len(grads) == 1 and len(grads[0].summed) == 2
    got = f(*args)
    want = fp(*args)
    monkeypatch.setattr(G, "_summed", lambda g: None)
    f2 = theano.function(*build(None))
    assert not [n for n in f2.maker.fgraph.toposort()
                if isinstance(n.op, ScanGrad) and n.op.summed]
    stepwise = f2(*args)
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=2e-5, atol=1e-5)
    for g, w, s in zip(got, want, stepwise):
        assert g.dtype == w.dtype == s.dtype and g.shape == w.shape == s.shape
        np.testing.assert_allclose(g, w, **tol)
        np.testing.assert_allclose(g, s, **tol)


def _grad_ops(f):
    from theano.scan.grad import ScanGrad
    return [n.op for n in f.maker.fgraph.toposort() if isinstance(n.op, ScanGrad)]


def test_output_gradient_overwritten_only_when_nothing_else_reads_it():
    """The backward loop collects a state's gradient in the output gradient itself when
    that is a temporary of the function (inplace_ops), never in a user's array."""
    rng = np.random.RandomState(6)
    wv = rng.randn(4, 4) * 0.3

    def rnn(mode):
        X, h0 = T.dtensor3("X"), T.dmatrix("h0")
        W = theano.shared(wv, name="W")
        H, _ = theano.scan(lambda x, h: T.tanh(x + T.dot(h, W)), sequences=X,
                           outputs_info=h0, mode=mode)
        return X, h0, W, H

    def mse(mode):
        # the gradient of mean((H - Y)**2) with respect to H is a temporary
        X, h0, W, H = rnn(mode)
        Y = T.dtensor3("Y")
        return [X, h0, Y], T.grad(T.mean((H - Y) ** 2), [W, X, h0])

    def user_g(mode):
        # the gradient with respect to H is the user's G
        X, h0, W, H = rnn(mode)
        G = T.dtensor3("G")
        return [X, h0, G], T.grad((H * G).sum(), [W, X, h0])

    args = [rng.randn(6, 3, 4), rng.randn(3, 4)]
    # the temporary is overwritten
    f, fp = _compile_both(mse)
    (gop,) = _grad_ops(f)
    assert gop.destroy_map
    yv = rng.randn(6, 3, 4)
    want = fp(*args, yv)
    for _ in range(2):   # buffers reused between calls
        for g, w in zip(f(*args, yv), want):
            np.testing.assert_allclose(g, w, rtol=1e-11, atol=1e-13)
    # the user's G is left alone
    f2, fp2 = _compile_both(user_g)
    gv = rng.randn(6, 3, 4)
    kept = gv.copy()
    got = f2(*args, gv)
    np.testing.assert_array_equal(gv, kept)
    want2 = fp2(*args, gv)
    for g, w in zip(got, want2):
        np.testing.assert_allclose(g, w, rtol=1e-11, atol=1e-13)
    # and in DebugMode, which checks what each node destroys
    theano.function(*mse(None), mode="DebugMode")(*args, yv)


def test_inplace_gradient_op_pickles_and_shares_its_step():
    import pickle
    rng = np.random.RandomState(7)
    X, h0 = T.dtensor3("X"), T.dmatrix("h0")
    W = theano.shared(rng.randn(3, 3) * 0.3, name="W")
    H, _ = theano.scan(lambda x, h: T.tanh(x + T.dot(h, W)), sequences=X, outputs_info=h0)
    outs = T.grad(((H - 1) ** 2).sum(), [W, h0])
    f = theano.function([X, h0], outs)
    (gop,) = _grad_ops(f)
    assert gop.destroy_map and gop.inplace_version() is None   # already in place
    f0 = theano.function([X, h0], outs,
                         mode=theano.compile.mode.get_mode("FAST_RUN").excluding("inplace"))
    (gop0,) = _grad_ops(f0)
    assert not gop0.destroy_map
    ip = gop0.inplace_version()
    assert ip.destroy_map and ip.loop_outs is gop0.loop_outs and ip != gop0
    args = [rng.randn(5, 2, 3), rng.randn(2, 3)]
    want = f(*args)
    g = pickle.loads(pickle.dumps(f))
    for a, b in zip(g(*args), want):
        np.testing.assert_allclose(a, b, rtol=1e-12)
