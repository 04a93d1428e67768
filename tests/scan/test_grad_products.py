"""Weight gradients of scan's backward loop: ``dot(a.T, b)`` per step is summed after the
loop as one product of the stacked rows (ScanGrad.pushed); results equal the unrolled
graph's, with every loop direction, truncation and linker."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.link.c import compiler as c_compiler
from theano.link.c.linker import CProgram
from theano.scan.grad import ScanGrad

# These tests look at the products summed after the backward loop; with the sequence-only
# product dot(x_t, Wx) computed before the loop (scan_push_out_seq, the default), Wx's
# gradient is no longer one of them: they run without that rewrite, and the default
# mode's results are compared too.  A scan compiles its step with the mode given to
# theano.scan, whatever the outer function's: the Python linker's graphs are built with
# MODES["py"] given to their scans, each graph of its own.
MODES = {"c": theano.compile.mode.get_mode("FAST_RUN").excluding("scan_push_out_seq"),
         "py": theano.compile.mode.Mode(linker="py", optimizer="fast_run").excluding(
             "scan_push_out_seq")}


def _rnn(go_backwards=False, truncate=-1, mode=None):
    X, h0 = T.dtensor3("X"), T.dmatrix("h0")
    Wx, Wh = T.dmatrix("Wx"), T.dmatrix("Wh")
    H, _ = theano.scan(lambda x, h, Wx, Wh: T.tanh(T.dot(x, Wx) + T.dot(h, Wh)),
                       sequences=X, outputs_info=h0, non_sequences=[Wx, Wh],
                       go_backwards=go_backwards, truncate_gradient=truncate, mode=mode)
    return [X, h0, Wx, Wh], H


def _check_loops(f, linker):
    """The loops of ``f`` run in Python for the Python linker, in C otherwise (when there
    is a C compiler)."""
    progs = [n.op._inner_function().maker.program for n in f.maker.fgraph.apply_nodes
             if hasattr(n.op, "_inner_function")]
    assert progs
    if linker == "py":
        assert not any(isinstance(p, CProgram) for p in progs)
    elif c_compiler.compiler_info() is not None:
        assert all(getattr(p, "plan", None) is not None for p in progs)


def _unrolled_grads(Xv, h0v, Wxv, Whv, go_backwards, truncate):
    """NumPy back-propagation through time, truncated like scan."""
    steps = Xv[::-1] if go_backwards else Xv
    hs = [h0v]
    for x in steps:
        hs.append(np.tanh(x @ Wxv + hs[-1] @ Whv))
    n = len(steps)
    gWx, gWh = np.zeros_like(Wxv), np.zeros_like(Whv)
    dh = np.zeros_like(h0v)
    stop = 0 if truncate == -1 else max(0, n - truncate)
    for t in range(n - 1, stop - 1, -1):
        dh = dh + 1.0                           # d(sum(H))/dH[t]
        da = dh * (1.0 - hs[t + 1] ** 2)
        gWx += steps[t].T @ da
        gWh += hs[t].T @ da
        dh = da @ Whv.T
    return gWx, gWh


@pytest.mark.parametrize("linker", sorted(MODES))
@pytest.mark.parametrize("go_backwards,truncate", [(False, -1), (True, -1), (False, 3),
                                                   (True, 2), (False, 50)])
def test_weight_gradients_match_unrolled(linker, go_backwards, truncate):
    rng = np.random.RandomState(3)
    Xv, h0v = rng.randn(7, 4, 3), rng.randn(4, 5) * 0.1
    Wxv, Whv = rng.randn(3, 5) * 0.5, rng.randn(5, 5) * 0.3
    ins, H = _rnn(go_backwards, truncate, MODES["py"] if linker == "py" else None)
    gWx, gWh = T.grad(H.sum(), ins[2:])
    f = theano.function(ins, [gWx, gWh], mode=MODES[linker])
    _check_loops(f, linker)
    grads = [n.op for n in f.maker.fgraph.toposort() if isinstance(n.op, ScanGrad)]
    assert len(grads) == 1 and len(grads[0].pushed) == 2   # both weights pushed out
    assert grads[0].skip == {1}      # X's gradient is not used: scan_grad_prune drops it
    got = f(Xv, h0v, Wxv, Whv)
    want = _unrolled_grads(Xv, h0v, Wxv, Whv, go_backwards, truncate)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)
    ins, H = _rnn(go_backwards, truncate)
    fd = theano.function(ins, T.grad(H.sum(), ins[2:]))
    _check_loops(fd, "c")
    default = fd(Xv, h0v, Wxv, Whv)
    for g, w in zip(default, want):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


def test_float32_and_second_derivative_unchanged():
    rng = np.random.RandomState(0)
    wv = rng.randn(3, 3).astype("float32") * 0.5

    def build(mode):
        x = T.fmatrix("x")
        W = theano.shared(wv, name="W")
        H, _ = theano.scan(lambda r, W: T.tanh(T.dot(r.dimshuffle("x", 0), W))[0],
                           sequences=x, non_sequences=W, mode=mode)
        cost = (H ** 2).sum()
        return x, W, T.grad(cost, W)

    x, W, g = build(None)
    xv = rng.randn(6, 3).astype("float32")
    ff = theano.function([x], g)
    _check_loops(ff, "c")
    fast = ff(xv)
    # the reference and the finite differences below: Python loops, a W of their own
    xp, Wp, gp = build(MODES["py"])
    gf = theano.function([xp], gp, mode=MODES["py"])
    _check_loops(gf, "py")
    ref = gf(xv)
    assert fast.dtype == "float32"
    np.testing.assert_allclose(fast, ref, rtol=1e-5, atol=1e-6)
    # Hessian-vector product through the gradient loop (backward_as_scan) still works.
    v = T.fmatrix("v")
    hv = T.grad((g * v).sum(), W)
    vv = np.ones((3, 3), "float32")
    eps = 1e-3
    W0 = Wp.get_value()
    Wp.set_value(W0 + eps * vv)
    plus = gf(xv)
    Wp.set_value(W0 - eps * vv)
    minus = gf(xv)
    Wp.set_value(W0)
    np.testing.assert_allclose(theano.function([x, v], hv)(xv, vv), (plus - minus) / (2 * eps),
                               rtol=2e-2, atol=2e-3)


def test_pruned_and_unpruned_gradients_agree():
    rng = np.random.RandomState(5)
    Xv, h0v = rng.randn(5, 2, 3), rng.randn(2, 4)
    Wxv, Whv = rng.randn(3, 4) * 0.5, rng.randn(4, 4) * 0.3
    ins, H = _rnn()
    cost = (H ** 2).sum()
    all_grads = theano.function(ins, T.grad(cost, ins))(Xv, h0v, Wxv, Whv)
    for k in range(4):
        f = theano.function(ins, T.grad(cost, ins[k]), mode=MODES["c"])
        node = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, ScanGrad)][0]
        assert node.op.skip == {1, 3, 4} - {(1, None, 3, 4)[k]}
        np.testing.assert_allclose(f(Xv, h0v, Wxv, Whv), all_grads[k], rtol=1e-12)
