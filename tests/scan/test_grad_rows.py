"""The backward loop's buffers in C: a sequence's gradient stored row by row (one tap over
the whole loop), a state's history read with its initial value as a prefix (no joined
copy), and pushed-out products read from those arrays after the loop.  Each case is
checked against the Python linker and the rows the loop does not reach stay zero."""
import numpy as np
import pytest

import theano
import theano.tensor as T

PY = theano.compile.mode.Mode(linker="py", optimizer="fast_run")


def _both(ins, outs, args):
    got = theano.function(ins, outs)(*args)
    want = theano.function(ins, outs, mode=PY)(*args)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)
    return got


@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("n_steps", [None, 4])
def test_sequence_gradient_rows_and_unreached_rows(go_backwards, n_steps):
    rng = np.random.RandomState(0)
    X, h0, W = T.dtensor3("X"), T.dmatrix("h0"), T.dmatrix("W")
    H, _ = theano.scan(lambda x, h, W: T.tanh(x + T.dot(h, W)), sequences=X,
                       outputs_info=h0, non_sequences=W, n_steps=n_steps,
                       go_backwards=go_backwards)
    cost = (H ** 2).sum()
    ins = [X, h0, W]
    Xv, h0v, Wv = rng.randn(7, 3, 5), rng.randn(3, 5), rng.randn(5, 5) * 0.3
    gX, gh0, gW = _both(ins, T.grad(cost, ins), [Xv, h0v, Wv])
    if n_steps is not None:
        # the steps read the first (or, backwards, the last) n_steps rows only
        untouched = gX[:7 - n_steps] if go_backwards else gX[n_steps:]
        assert not untouched.any()
        assert np.abs(gX[7 - n_steps:] if go_backwards else gX[:n_steps]).min() > 0


def test_sequence_with_two_taps_accumulates():
    rng = np.random.RandomState(1)
    x, W = T.dmatrix("x"), T.dmatrix("W")
    h0 = T.dvector("h0")
    H, _ = theano.scan(lambda a, b, h, W: T.tanh(a - 2 * b + T.dot(h, W)),
                       sequences=dict(input=x, taps=[-1, 1]), outputs_info=h0,
                       non_sequences=W)
    ins = [x, h0, W]
    _both(ins, T.grad(H.sum(), ins), [rng.randn(8, 4), rng.randn(4), rng.randn(4, 4) * 0.3])


@pytest.mark.parametrize("taps", [[-1], [-2, -1], [-3, -1]])
def test_state_history_with_initial_rows_as_prefix(taps):
    rng = np.random.RandomState(2)
    X, W = T.dtensor3("X"), T.dmatrix("W")
    L = -min(taps)
    h0 = T.dtensor3("h0") if L > 1 else T.dmatrix("h0")

    def step(x, *args):
        hs, W = args[:-1], args[-1]
        return T.tanh(x + sum(T.dot(h, W) for h in hs))

    init = dict(initial=h0, taps=taps) if L > 1 else h0
    H, _ = theano.scan(step, sequences=X, outputs_info=init, non_sequences=W)
    ins = [X, h0, W]
    h0v = rng.randn(L, 2, 3) if L > 1 else rng.randn(2, 3)
    _both(ins, T.grad((H ** 2).sum(), ins), [rng.randn(6, 2, 3), h0v, rng.randn(3, 3) * 0.3])


def test_non_contiguous_history_and_initial_value():
    # an initial value whose rows are laid out unlike the history's (a transposed view):
    # the loop joins them instead of reading a prefix
    rng = np.random.RandomState(3)
    X, h0, W = T.dtensor3("X"), T.dmatrix("h0"), T.dmatrix("W")
    H, _ = theano.scan(lambda x, h, W: T.tanh(x + T.dot(h, W)), sequences=X,
                       outputs_info=h0.T, non_sequences=W)
    ins = [X, h0, W]
    _both(ins, T.grad((H ** 2).sum(), ins),
          [rng.randn(5, 4, 3), rng.randn(3, 4), rng.randn(3, 3) * 0.3])


def test_rnn_weight_gradients_with_pushed_out_products_float32():
    rng = np.random.RandomState(4)
    X, h0 = T.ftensor3("X"), T.fmatrix("h0")
    Wx, Wh = (theano.shared(rng.randn(*s).astype("float32") * 0.3, name=n)
              for n, s in (("Wx", (3, 5)), ("Wh", (5, 5))))
    H, _ = theano.scan(lambda x, h: T.tanh(T.dot(x, Wx) + T.dot(h, Wh)), sequences=X,
                       outputs_info=h0)
    cost = ((H - 0.5) ** 2).mean()
    ins = [X, h0]
    outs = T.grad(cost, [Wx, Wh, X, h0])
    args = [rng.randn(9, 4, 3).astype("float32"), rng.randn(4, 5).astype("float32")]
    got = theano.function(ins, outs)(*args)
    want = theano.function(ins, outs, mode=PY)(*args)
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
    X, h0 = T.tensor3("X", dtype=dtype), T.matrix("h0", dtype=dtype)
    Wh = theano.shared(rng.randn(4, 4).astype(dtype) * 0.3, name="Wh")
    b = theano.shared(rng.randn(4).astype(dtype), name="b")
    c = theano.shared(np.asarray(0.5, dtype=dtype), name="c")   # a 0-d one: sum over all
    H, _ = theano.scan(lambda x, h: T.tanh(x + T.dot(h, Wh) + b + c), sequences=X,
                       outputs_info=h0, go_backwards=go_backwards, truncate_gradient=truncate)
    cost = ((H - 0.25) ** 2).sum()
    outs = T.grad(cost, [b, c, Wh, X])
    args = [rng.randn(7, 3, 4).astype(dtype), rng.randn(3, 4).astype(dtype)]
    f = theano.function([X, h0], outs)
    grads = [n.op for n in f.maker.fgraph.toposort() if isinstance(n.op, ScanGrad)]
    assert len(grads) == 1 and len(grads[0].summed) == 2
    got = f(*args)
    want = theano.function([X, h0], outs, mode=PY)(*args)
    monkeypatch.setattr(G, "_summed", lambda g: None)
    H2, _ = theano.scan(lambda x, h: T.tanh(x + T.dot(h, Wh) + b + c), sequences=X,
                        outputs_info=h0, go_backwards=go_backwards, truncate_gradient=truncate)
    f2 = theano.function([X, h0], T.grad(((H2 - 0.25) ** 2).sum(), [b, c, Wh, X]))
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
    X, h0, Y = T.dtensor3("X"), T.dmatrix("h0"), T.dtensor3("Y")
    W = theano.shared(rng.randn(4, 4) * 0.3, name="W")
    H, _ = theano.scan(lambda x, h: T.tanh(x + T.dot(h, W)), sequences=X, outputs_info=h0)
    args = [rng.randn(6, 3, 4), rng.randn(3, 4)]
    # the gradient of mean((H - Y)**2) with respect to H is a temporary: overwritten
    cost = T.mean((H - Y) ** 2)
    outs = T.grad(cost, [W, X, h0])
    f = theano.function([X, h0, Y], outs)
    (gop,) = _grad_ops(f)
    assert gop.destroy_map
    yv = rng.randn(6, 3, 4)
    want = theano.function([X, h0, Y], outs, mode=PY)(*args, yv)
    for _ in range(2):   # buffers reused between calls
        for g, w in zip(f(*args, yv), want):
            np.testing.assert_allclose(g, w, rtol=1e-11, atol=1e-13)
    # the gradient with respect to H is the user's G: left alone
    G = T.dtensor3("G")
    outs2 = T.grad((H * G).sum(), [W, X, h0])
    f2 = theano.function([X, h0, G], outs2)
    gv = rng.randn(6, 3, 4)
    kept = gv.copy()
    got = f2(*args, gv)
    np.testing.assert_array_equal(gv, kept)
    want2 = theano.function([X, h0, G], outs2, mode=PY)(*args, gv)
    for g, w in zip(got, want2):
        np.testing.assert_allclose(g, w, rtol=1e-11, atol=1e-13)
    # and in DebugMode, which checks what each node destroys
    theano.function([X, h0, Y], outs, mode="DebugMode")(*args, yv)


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
