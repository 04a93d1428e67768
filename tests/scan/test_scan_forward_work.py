"""Training through scan without redoing the forward work.

``scan_push_out_seq``: the step's sequence-only work (``dot(x_t, W) + ...``) runs once on
the whole sequence before the loop, and the weights' gradients of that part become one
product after the loop.  ``scan_save_forward``: the backward loop reads the forward step's
costly values (gate activations, products) from the forward loop instead of computing the
step again.  Every result is compared with the graph compiled without both rewrites (the
previous implementation, to ~1e-12) and, on small cases, with finite differences.
"""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.graph.replace import clone_replace
from theano.scan.grad import ScanGrad
from theano.scan.op import Scan
from theano.scan.utils import until
from theano.tensor.blas import Gemm, Gemv, Ger
from theano.tensor.blas_epilogue import DotEpilogue
from theano.tensor.math import Dot

REWRITES = ("scan_push_out_seq", "scan_save_forward")
BEFORE = theano.compile.mode.get_default_mode().excluding(*REWRITES)


def _rng(seed):
    return np.random.RandomState(seed)


def _nodes(f, cls):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, cls)]


def _products(fn):
    """The product nodes (Dot, Gemm..., a product with its epilogue) a compiled inner
    function runs per step."""
    return [n for n in fn.maker.program.nodes
            if isinstance(n.op, (Dot, Gemm, Gemv, Ger, DotEpilogue))]


def _same_as_before(inputs, outputs, args, updates=None, mode=None, rtol=1e-12, atol=1e-12):
    """Compile with the default mode (or ``mode``) and without the rewrites; compare."""
    f = theano.function(inputs, outputs, mode=mode, updates=updates, on_unused_input="ignore")
    ref = theano.function(inputs, outputs, mode=BEFORE, updates=updates,
                          on_unused_input="ignore")
    got, want = f(*args), ref(*args)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)
    return f


# -- the Elman RNN of the benchmark -----------------------------------------------------

def _rnn(go_backwards=False, truncate=-1, n_steps=None):
    X, Y, h0 = T.dtensor3("X"), T.dtensor3("Y"), T.dmatrix("h0")
    Wx, Wh, b = T.dmatrix("Wx"), T.dmatrix("Wh"), T.dvector("b")
    H, _ = theano.scan(lambda x_t, h, Wx, Wh, b: T.tanh(T.dot(x_t, Wx) + T.dot(h, Wh) + b),
                       sequences=X, outputs_info=h0, non_sequences=[Wx, Wh, b],
                       go_backwards=go_backwards, truncate_gradient=truncate,
                       n_steps=n_steps)
    cost = T.mean((H - Y[:H.shape[0]]) ** 2)
    return [X, Y, h0, Wx, Wh, b], H, cost


def _rnn_values(rng, T_=9, B=3, NI=4, NH=5):
    return [rng.randn(T_, B, NI), rng.randn(T_, B, NH) * .5, rng.randn(B, NH) * .1,
            rng.randn(NI, NH) * .5, rng.randn(NH, NH) * .4, rng.randn(NH) * .1]


def _unrolled_rnn_grads(X, Y, h0, Wx, Wh, b):
    """Back-propagation through time written with NumPy."""
    hs = [h0]
    for x in X:
        hs.append(np.tanh(x @ Wx + hs[-1] @ Wh + b))
    H = np.array(hs[1:])
    dH = 2 * (H - Y) / H.size
    gs = [np.zeros_like(X), np.zeros_like(h0), np.zeros_like(Wx), np.zeros_like(Wh),
          np.zeros_like(b)]
    dh = np.zeros_like(h0)
    for t in range(len(X) - 1, -1, -1):
        da = (dh + dH[t]) * (1 - H[t] ** 2)
        gs[0][t] = da @ Wx.T
        gs[2] += X[t].T @ da
        gs[3] += hs[t].T @ da
        gs[4] += da.sum(axis=0)
        dh = da @ Wh.T
    gs[1] = dh
    return gs


def test_rnn_gradients_equal_before_and_unrolled():
    ins, H, cost = _rnn()
    wrt = [ins[0], ins[2], ins[3], ins[4], ins[5]]
    outs = [cost] + T.grad(cost, wrt)
    vals = _rnn_values(_rng(0))
    f = _same_as_before(ins, outs, vals)
    want = _unrolled_rnn_grads(*vals)
    for g, w in zip(f(*vals)[1:], want):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-13)


def test_rnn_forward_product_leaves_the_loop_and_backward_reads_the_states():
    ins, H, cost = _rnn()
    f = theano.function(ins, [cost] + T.grad(cost, ins[3:]))
    (fwd,), (bwd,) = _nodes(f, Scan), _nodes(f, ScanGrad)
    # dot(x_t, Wx) is one product before the loop: the loop reads it as a sequence, and
    # only the recurrent product h @ Wh is left in the step.
    assert len(fwd.op.info.seq_taps) == 1
    assert fwd.inputs[1].owner is not None and fwd.inputs[1] is not ins[0]
    assert ins[3] not in fwd.inputs
    assert len(_products(fwd.op._inner_function())) == 1
    # The backward step reads h_t from the forward loop's history (tanh is not
    # recomputed) and runs one product, dh @ Wh.T: no product of the forward step.
    assert [src for _, src in bwd.op.saved] == [0]
    inner = bwd.op._inner_function()
    assert len(_products(inner)) == 1
    assert not any("tanh" in str(n.op) for n in inner.maker.program.nodes)
    # Wx's gradient is one product of the stacked rows after the loop.
    outer_dots = [n for n in f.maker.fgraph.toposort()
                  if isinstance(n.op, (Dot, Gemm, DotEpilogue))]
    assert len(outer_dots) == 2    # x @ Wx before the loop, X.T @ dA after it


def test_rnn_numeric_gradient():
    rng = _rng(1)
    X, Y, h0, Wx, Wh, b = _rnn_values(rng, T_=5, B=2, NI=3, NH=3)

    def cost(Wx_, Wh_, X_):
        H, _ = theano.scan(lambda x_t, h, Wx, Wh: T.tanh(T.dot(x_t, Wx) + T.dot(h, Wh)),
                           sequences=X_, outputs_info=T.constant(h0),
                           non_sequences=[Wx_, Wh_])
        return (H ** 2).sum()

    theano.gradient.verify_grad(cost, [Wx, Wh, X], rng=rng)


@pytest.mark.parametrize("go_backwards,truncate,n_steps", [
    (True, -1, None), (False, 3, None), (True, 4, None), (False, -1, 6), (True, 2, 5)])
def test_rnn_directions_truncation_and_n_steps(go_backwards, truncate, n_steps):
    ins, H, cost = _rnn(go_backwards, truncate, n_steps)
    outs = [cost] + T.grad(cost, [ins[0], ins[2], ins[3], ins[4], ins[5]])
    f = _same_as_before(ins, outs, _rnn_values(_rng(2)))
    assert _nodes(f, ScanGrad)[0].op.saved


# -- an LSTM cell: gates from one stacked product ----------------------------------------

def _lstm(NH, project_inside):
    X, Wx, U = T.dtensor3("X"), T.dmatrix("Wx"), T.dmatrix("U")

    def step(x_t, h, c, U, Wx):
        z = (T.dot(x_t, Wx) if project_inside else x_t) + T.dot(h, U)
        i, f = T.nnet.sigmoid(z[:, :NH]), T.nnet.sigmoid(z[:, NH:2 * NH])
        o, g = T.nnet.sigmoid(z[:, 2 * NH:3 * NH]), T.tanh(z[:, 3 * NH:])
        c = f * c + i * g
        return o * T.tanh(c), c

    zeros = T.zeros((X.shape[1], NH), dtype="float64")
    (H, C), _ = theano.scan(step, sequences=X, outputs_info=[zeros, zeros],
                            non_sequences=[U, Wx])
    cost = (H.mean(axis=0) ** 2).sum() + (C[-1] ** 3).sum()
    return [X, Wx, U], cost


@pytest.mark.parametrize("project_inside", [False, True])
def test_lstm_gradients_equal_before(project_inside):
    NH, rng = 4, _rng(3)
    ins, cost = _lstm(NH, project_inside)
    outs = [cost] + T.grad(cost, ins, disconnected_inputs="ignore")
    NI = 5 if project_inside else 4 * NH
    f = _same_as_before(ins, outs, [rng.randn(6, 3, NI), rng.randn(NI, 4 * NH) * .3,
                                    rng.randn(NH, 4 * NH) * .3])
    (bwd,) = _nodes(f, ScanGrad)
    # the gates and tanh(c) come from the forward loop: the backward step neither
    # recomputes z = x_t + h @ U nor any sigmoid/tanh
    assert len([s for s in bwd.op.saved if s[1] is None]) == 5
    inner = bwd.op._inner_function()
    assert len(_products(inner)) == 1                       # dz @ U.T only
    assert not any("sigmoid" in str(n.op) or "tanh" in str(n.op)
                   for n in inner.maker.program.nodes)


def test_lstm_numeric_gradient():
    NH, rng = 2, _rng(4)

    def cost(X, Wx, U):
        ins, c = _lstm(NH, True)
        return clone_replace(c, dict(zip(ins, [X, Wx, U])))

    theano.gradient.verify_grad(cost, [rng.randn(4, 2, 3), rng.randn(3, 4 * NH) * .5,
                                       rng.randn(NH, 4 * NH) * .5], rng=rng)


# -- other scan forms ------------------------------------------------------------------

def test_sequence_taps_mit_sot_several_outputs_and_numeric_gradient():
    rng = _rng(5)

    def build(X, W, V, s0):
        def step(x_m1, x_0, x_p2, s_m2, s_m1, W, V):
            a = T.tanh(T.dot(x_m1, W) + T.dot(x_p2, W))      # sequences only
            e = T.exp(x_0 * 0.3)                             # sequences only
            s = T.tanh(T.dot(s_m1, V) * e + a - s_m2 * 0.5)
            return s, T.nnet.sigmoid(s).sum(), a
        (S, y, A), _ = theano.scan(step, sequences=dict(input=X, taps=[-1, 0, 2]),
                                   outputs_info=[dict(initial=s0, taps=[-2, -1]), None, None],
                                   non_sequences=[W, V])
        return (S ** 2).sum() + y.sum() + A[-1].sum()

    X, W, V, s0 = T.dmatrix("X"), T.dmatrix("W"), T.dmatrix("V"), T.dmatrix("s0")
    cost = build(X, W, V, s0)
    vals = [rng.randn(8, 3), rng.randn(3, 3) * .5, rng.randn(3, 3) * .5, rng.randn(2, 3)]
    f = _same_as_before([X, W, V, s0], [cost] + T.grad(cost, [X, W, V, s0]), vals)
    (fwd,) = _nodes(f, Scan)
    assert X not in fwd.inputs            # every use of X left the loop
    theano.gradient.verify_grad(build, vals, rng=rng)


def test_until_loop_saves_forward_values():
    rng = _rng(6)
    x, h0, W = T.dmatrix("x"), T.dvector("h0"), T.dmatrix("W")
    H, _ = theano.scan(lambda x_t, h, W: (T.tanh(T.dot(h, W) + x_t),
                                          until(T.sum(h) > 100.)),
                       sequences=x, outputs_info=h0, non_sequences=W)
    cost = (H ** 2).sum()
    f = _same_as_before([x, h0, W], [cost] + T.grad(cost, [x, h0, W]),
                        [rng.randn(7, 3), rng.randn(3), rng.randn(3, 3) * .5])
    assert _nodes(f, ScanGrad)[0].op.saved


def test_shared_updates_and_random_walk_unchanged():
    rng = _rng(7)
    count = theano.shared(np.asarray(0.0), name="count")
    x, W = T.dmatrix("x"), theano.shared(rng.randn(3, 3) * .5, name="W")
    H, upd = theano.scan(lambda x_t, h, W: (T.tanh(T.dot(x_t, W) + T.dot(h, W)),
                                            {count: count + 1}),
                         sequences=x, outputs_info=T.zeros((3,), "float64"), non_sequences=W)
    cost = (H ** 2).sum()
    outs = [cost, T.grad(cost, W)]
    f = theano.function([x], outs, updates=upd)
    ref = theano.function([x], outs, updates=upd, mode=BEFORE)
    xv = rng.randn(5, 3)
    for g, w in zip(f(xv), ref(xv)):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)
    assert count.get_value() == 10.0


def test_nested_scan_gradient_unchanged():
    rng = _rng(8)
    M, w, W = T.dmatrix("M"), T.dscalar("w"), T.dmatrix("W")

    def row_fn(row, W):
        inner, _ = theano.scan(lambda v, acc: T.tanh(acc * w + v), sequences=row,
                               outputs_info=T.zeros_like(w))
        return T.tanh(T.dot(row, W)).sum() + inner[-1]

    out, _ = theano.scan(row_fn, sequences=M, non_sequences=W)
    cost = (out ** 2).sum()
    _same_as_before([M, w, W], [cost] + T.grad(cost, [M, w, W]),
                    [rng.randn(3, 4), np.asarray(0.7), rng.randn(4, 4) * .5])


def test_second_derivative_unchanged():
    rng = _rng(9)
    W, x, h0 = T.dmatrix("W"), T.dmatrix("x"), T.dvector("h0")
    h, _ = theano.scan(lambda xt, hp, W: T.tanh(T.dot(hp, W) + T.dot(xt, W)), sequences=x,
                       outputs_info=h0, non_sequences=W)
    gW = T.grad((h ** 2).sum(), W)
    _same_as_before([W, x, h0], [gW, T.grad(gW.sum(), W)],
                    [rng.randn(3, 3) * .5, rng.randn(4, 3), rng.randn(3)], rtol=1e-10)


def test_short_sequence_still_raises():
    ins, H, cost = _rnn(n_steps=12)
    f = theano.function(ins, [cost] + T.grad(cost, ins[3:]))
    with pytest.raises(ValueError, match="sequence"):
        f(*_rnn_values(_rng(10)))


def test_jax_mode_runs_the_new_forms():
    # (the LSTM with its input projection in the step has both new forms: a pushed-out
    # sequence and a backward loop reading saved values)
    # The JAX mode leaves scan_save_forward out (XLA recomputes faster than it reads the
    # saved values back); its ScanGrad rule still accepts saved values.
    pytest.importorskip("jax")
    from theano.compile.mode import Mode

    NH, rng = 3, _rng(12)
    ins, cost = _lstm(NH, True)
    args = [rng.randn(5, 2, 4), rng.randn(4, 4 * NH) * .3, rng.randn(NH, 4 * NH) * .3]
    f = _same_as_before(ins, [cost] + T.grad(cost, ins), args, mode="JAX", rtol=1e-10)
    assert not _nodes(f, ScanGrad)[0].op.saved
    saving = Mode(linker="jax")
    saving.exclude = tuple(t for t in saving.exclude if t != "scan_save_forward")
    f = _same_as_before(ins, [cost] + T.grad(cost, ins), args, mode=saving, rtol=1e-10)
    assert _nodes(f, ScanGrad)[0].op.saved


def test_gradient_of_slices_is_one_buffer_of_in_place_increments():
    # The LSTM's z[:, :n], z[:, n:2n]... give add(inc(zeros, a), inc(zeros, b), ...):
    # local_add_of_increments writes every slice into one buffer.
    from theano.tensor.basic_subtensor import IncSubtensor

    z, x = T.dmatrix("z"), T.dmatrix("x")
    parts = [T.tanh(z[:, :2]), T.nnet.sigmoid(z[:, 2:5]) * 2, z[:, 5:] ** 2, z[:, 1:3]]
    g = T.grad(sum((p * x[:, :p.shape[1]]).sum() for p in parts), z)
    f = theano.function([z, x], g)
    ref = theano.function([z, x], g, mode=theano.compile.mode.get_default_mode().excluding(
        "local_add_of_increments"))
    rng = _rng(13)
    zv, xv = rng.randn(3, 7), rng.randn(3, 7)
    np.testing.assert_allclose(f(zv, xv), ref(zv, xv), rtol=1e-14, atol=1e-15)
    incs = _nodes(f, IncSubtensor)
    assert len(incs) == 4 and all(n.op.inplace for n in incs)


def test_pickled_function_keeps_its_loops():
    import pickle

    NH, rng = 3, _rng(14)
    ins, cost = _lstm(NH, True)
    f = theano.function(ins, [cost] + T.grad(cost, ins))
    g = pickle.loads(pickle.dumps(f))
    vals = [rng.randn(4, 2, 5), rng.randn(5, 4 * NH) * .3, rng.randn(NH, 4 * NH) * .3]
    for a, b in zip(f(*vals), g(*vals)):
        np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-15)
    assert _nodes(g, ScanGrad)[0].op.saved
