"""Scan loops in C and the C MRG31k3p kernel, against the Python loop / NumPy core."""
import _thread
import gc
import signal
import threading
import time

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.mode import Mode
from theano.link.c.linker import CProgram
from theano.tensor.random.mrg import MRG_RandomStreams

PY = Mode(linker="py")


def _scan_nodes_in_c(f):
    """The function's Scan nodes run their loops in C (their inner function does)."""
    from theano.scan.op import Scan
    scans = [n.op for n in f.maker.fgraph.apply_nodes if isinstance(n.op, Scan)]
    assert scans
    for op in scans:
        assert getattr(op._inner_function().maker.program, "plan", None) is not None
    return scans


def _scan_nodes_in_python(f):
    """The function's loops run in Python: its scans were given the Python mode (a scan
    compiles its step with the mode given to theano.scan, not the outer function's)."""
    progs = [n.op._inner_function().maker.program for n in f.maker.fgraph.apply_nodes
             if hasattr(n.op, "_inner_function")]
    assert progs and not any(isinstance(p, CProgram) for p in progs)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("nstreams", [None, 7, 1])
@pytest.mark.parametrize("size", [(100, 37), (5,), (3000,)])
def test_mrg_uniform_c_kernel_is_bit_identical(dtype, nstreams, size):
    s1, s2 = MRG_RandomStreams(234), MRG_RandomStreams(234)
    fc = theano.function([], s1.uniform(size, dtype=dtype, nstreams=nstreams))
    fp = theano.function([], s2.uniform(size, dtype=dtype, nstreams=nstreams), mode=PY)
    assert fc.maker.program.c_nodes, "mrg_uniform should run in C"
    for _ in range(3):  # the state advances identically too
        a, b = fc(), fp()
        assert a.dtype == b.dtype == dtype
        np.testing.assert_array_equal(a, b)


def _rnn(mode):
    x = T.dmatrix("x")
    h0 = T.dvector("h0")
    W = theano.shared(np.random.RandomState(0).randn(3, 3) * 0.5, name="W")
    hs, _ = theano.scan(lambda xt, h, w: T.tanh(T.dot(w, h) + xt), sequences=x,
                        outputs_info=h0, non_sequences=W, mode=mode)
    cost = (hs ** 2).sum()
    return theano.function([x, h0], [hs, cost] + theano.grad(cost, [W, h0, x]), mode=mode)


def test_scan_and_its_gradient_in_c_match_python():
    rng = np.random.RandomState(1)
    xv, hv = rng.randn(6, 3), rng.randn(3)
    fc, fp = _rnn(None), _rnn(PY)
    _scan_nodes_in_c(fc)
    _scan_nodes_in_python(fp)
    for a, b in zip(fc(xv, hv), fp(xv, hv)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_scan_forms_in_c_match_python():
    """Taps on sequences and states, go_backwards, nit_sot outputs, until, last-value store."""
    x = T.dvector("x")
    a0 = T.dvector("a0")

    def build(mode):
        outs, _ = theano.scan(
            lambda xm2, x0, x1, a2, a1: [a2 + a1 * x0 + xm2 + x1, x0 * 2],
            sequences=dict(input=x, taps=[-2, 0, 1]),
            outputs_info=[dict(initial=a0, taps=[-2, -1]), None], go_backwards=True,
            mode=mode)
        last, _ = theano.scan(lambda v, s: [s + v, theano.scan_module.until(s > 4)],
                              sequences=x, outputs_info=T.constant(0.0), mode=mode)
        return theano.function([x, a0], outs + [last[-1]], mode=mode)

    xv, av = np.arange(8.0) / 3, np.array([0.5, -1.0])
    fc, fp = build(None), build(PY)
    _scan_nodes_in_c(fc)
    _scan_nodes_in_python(fp)
    for a, b in zip(fc(xv, av), fp(xv, av)):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_ctrl_c_interrupts_a_long_c_scan_and_changes_nothing():
    s = theano.shared(np.zeros(4), name="s")
    # (~30 s uninterrupted at ~10 ns a step: a missed interrupt fails the test instead of
    # hanging it)
    out, _ = theano.scan(lambda h: h * 0.999 + 1e-3, outputs_info=s, n_steps=3 * 10 ** 9)
    f = theano.function([], out[-1], updates=[(s, out[-1])])
    short = theano.function([], s * 1)
    # The interrupt must come during the loop: the loop's step is compiled first, and the
    # garbage collector is off meanwhile (a KeyboardInterrupt raised in a gc callback,
    # such as JAX's, is printed and dropped).
    for op in _scan_nodes_in_c(f):
        op._inner_function()
    # interrupt_main does nothing when SIGINT is not handled by Python (a test runner's
    # worker may ignore it): make sure Python's own handler is installed.
    old_handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    gc_was = gc.isenabled()
    gc.disable()
    try:
        timer.start()
        t0 = time.perf_counter()
        with pytest.raises(KeyboardInterrupt):
            f()
        assert time.perf_counter() - t0 < 5  # well before the steps end
        timer.join()
    finally:
        signal.signal(signal.SIGINT, old_handler)
        if gc_was:
            gc.enable()
    np.testing.assert_array_equal(s.get_value(), np.zeros(4))  # no update applied
    np.testing.assert_array_equal(short(), np.zeros(4))  # the machinery still works


def test_other_python_threads_run_during_a_long_c_scan():
    # the loop leaves the GIL free every few milliseconds: a thread waiting for it gets it
    # (it once waited for the whole loop)
    out, _ = theano.scan(lambda h: h * 0.999 + 1e-3, outputs_info=T.zeros((4,)),
                         n_steps=5 * 10 ** 7)
    f = theano.function([], out[-1])
    theano.function([], out[:10][-1])()    # compiles the loop's step (shared with f)
    ran = []
    t0 = time.perf_counter()
    timer = threading.Timer(0.05, lambda: ran.append(time.perf_counter() - t0))
    timer.start()
    f()
    took = time.perf_counter() - t0
    timer.join()
    assert ran and (took < 0.1 or ran[0] < took / 2)
