"""The steady state of C scan loops whose step is elementwise only (c_code/th_scan_replay.c).

After its first step such a loop replays its nodes with pointers moved; every result is
compared with the Python scan (``linker=py``, its scans built with that mode too), and
``scan_stats()`` tells whether the replay ran (it must not for steps the general path
keeps).
"""
import _thread
import signal
import threading

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.mode import Mode
from theano.link.c.linker import CProgram
from theano.link.c.runtime import load_runtime
from theano.scan.op import Scan

PY = Mode(linker="py")


def _replays():
    return load_runtime().scan_stats()["replays"]


def _inner_programs(f):
    """The compiled steps of the function's Scan nodes."""
    return [n.op._inner_function().maker.program for n in f.maker.fgraph.apply_nodes
            if isinstance(n.op, Scan)]


def _check(build, args, replayed, rtol=1e-13):
    """build(mode) -> function, which gives ``mode`` to its scans too (a scan compiles its
    step with that mode, not the outer function's); its C results equal the Python ones;
    the C loop replayed (or not, as `replayed` says) on each call."""
    fc, fp = build(None), build(PY)
    progs = _inner_programs(fc)
    assert progs and all(getattr(p, "plan", None) is not None for p in progs)
    progs = _inner_programs(fp)
    assert progs and not any(isinstance(p, CProgram) for p in progs)
    for _ in range(2):  # the second call reuses the frames and their buffers
        before = _replays()
        got = fc(*args)
        assert (_replays() > before) == replayed
        want = fp(*args)
        if not isinstance(got, list):
            got, want = [got], [want]
        assert len(got) == len(want)
        for a, b in zip(got, want):
            assert np.shape(a) == np.shape(b)
            np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-300)
    return fc


def test_tiny_scan_every_state_kept():
    def build(mode):
        x0 = T.dvector("x0")
        seq, _ = theano.scan(lambda x: x * 0.5 + 1.0, outputs_info=x0, n_steps=1000,
                             mode=mode)
        return theano.function([x0], seq, mode=mode)

    _check(build, [np.array([1.0, -2.0, 3.5, 1e10])], True)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 1025])
def test_step_counts(n):
    def build(mode):
        x0, k = T.dvector("x0"), T.iscalar("k")
        seq, _ = theano.scan(lambda x: T.exp(-x) - 0.25, outputs_info=x0, n_steps=k,
                             mode=mode)
        last, _ = theano.scan(lambda x: x * 1.5 - 1.0, outputs_info=x0, n_steps=k,
                              mode=mode)
        return theano.function([x0, k], [seq, last[-1]] if n else [seq], mode=mode)

    _check(build, [np.linspace(-1, 1, 5), n], n >= 2)


def test_taps_sequences_multiple_outputs_backwards():
    def build(mode):
        x, a0, b0, w = T.dvector("x"), T.dvector("a0"), T.dscalar("b0"), T.dscalar("w")
        outs, _ = theano.scan(
            lambda xm2, x0, x1, a2, a1, b, w_: [a2 * w_ + a1 * x0 + xm2 - x1,
                                                T.tanh(b + x0 * w_), x0 * 2 + b, b > 0],
            sequences=dict(input=x, taps=[-2, 0, 1]),
            outputs_info=[dict(initial=a0, taps=[-2, -1]), b0, None, None],
            non_sequences=w, go_backwards=True, mode=mode)
        return theano.function([x, a0, b0, w], outs, mode=mode)

    _check(build, [np.arange(12.0) / 7, np.array([0.5, -1.0]), 0.3, 0.9], True)


def test_until_condition():
    def build(mode):
        x = T.dvector("x")
        out, _ = theano.scan(lambda v, s: [s + v, theano.scan_module.until(s > 4)],
                             sequences=x, outputs_info=T.constant(0.0), mode=mode)
        return theano.function([x], out, mode=mode)

    fc = _check(build, [np.arange(20.0) / 3], True)
    assert fc(np.arange(20.0) / 3).shape == (7,)


def test_last_value_states_in_a_ring():
    def build(mode):
        x0, y0 = T.dmatrix("x0"), T.dvector("y0")
        outs, _ = theano.scan(lambda xm3, xm1, y: [xm3 * 0.5 + xm1 * 0.25 + y, y * 0.9],
                              outputs_info=[dict(initial=x0, taps=[-3, -1]), y0], n_steps=50,
                              mode=mode)
        return theano.function([x0, y0], [outs[0][-1], outs[1][-1]], mode=mode)

    rng = np.random.default_rng(0)
    _check(build, [rng.standard_normal((3, 4)), rng.standard_normal(4)], True)


def test_broadcasting_inside_the_step():
    def build(mode):
        h0, b, c = T.dmatrix("h0"), T.dvector("b"), T.dcol("c")
        s = T.dmatrix("s")
        out, _ = theano.scan(lambda st, h, b_, c_: T.tanh(h * 0.5 + b_ + c_ * st),
                             sequences=s, outputs_info=h0, non_sequences=[b, c], mode=mode)
        return theano.function([s, h0, b, c], out, mode=mode)

    rng = np.random.default_rng(1)
    _check(build, [rng.standard_normal((9, 5)), rng.standard_normal((3, 5)),
                   rng.standard_normal(5), rng.standard_normal((3, 1))], True)


def test_non_contiguous_inputs():
    def build(mode):
        s, h0, w = T.dmatrix("s"), T.dmatrix("h0"), T.dmatrix("w")
        out, _ = theano.scan(lambda st, h, w_: h * w_ - st, sequences=s, outputs_info=h0,
                             non_sequences=w, mode=mode)
        return theano.function([s, h0, w], out, mode=mode)

    rng = np.random.default_rng(2)
    big = rng.standard_normal((40, 16))
    # a strided sequence, a transposed state, a negative-stride non-sequence
    args = [big[::3, ::4], rng.standard_normal((4, 3)).T, rng.standard_normal((3, 8))[:, ::-2]]
    assert not any(a.flags.c_contiguous for a in args)
    _check(build, args, True)


def test_large_rows_run_the_strided_driver():
    def build(mode):
        s, h0 = T.dmatrix("s"), T.dmatrix("h0")
        out, _ = theano.scan(lambda st, h: h * 0.5 + st, sequences=s.T, outputs_info=h0,
                             mode=mode)
        return theano.function([s, h0], out[-1], mode=mode)

    rng = np.random.default_rng(3)
    _check(build, [rng.standard_normal((20000, 3)), rng.standard_normal((2, 20000))], True)


def test_integer_and_float32_states():
    def build(mode):
        i0, f0 = T.lvector("i0"), T.fvector("f0")
        outs, _ = theano.scan(lambda i, f: [i * 3 % 101 + 1, (f * 0.5 + i).astype("float32")],
                              outputs_info=[i0, f0], n_steps=30, mode=mode)
        return theano.function([i0, f0], outs, mode=mode)

    _check(build, [np.array([1, 2, 3]), np.array([0.5, 1.5, -2], dtype="float32")], True,
           rtol=1e-6)


def test_shapes_changing_between_steps_keep_the_general_path():
    def build(mode):
        v, k = T.dvector("v"), T.iscalar("k")
        out, _ = theano.scan(lambda t, acc, v_: acc + T.sum(v_[:t]) * 0.5,
                             sequences=T.arange(k), outputs_info=T.constant(0.0),
                             non_sequences=v, mode=mode)
        return theano.function([v, k], out, mode=mode)

    _check(build, [np.arange(10.0), 8], False)


@pytest.mark.parametrize("e0, step", [(0, 0), (2, 2)])
def test_an_error_names_the_step(e0, step):
    e = T.lvector("e")
    outs, _ = theano.scan(lambda x: [x - 1, 2 ** (x - 1)], outputs_info=[e, None], n_steps=5)
    f = theano.function([e], outs)
    with pytest.raises(ValueError, match=r"(?s)negative.*at step %d\b" % step) as info:
        f(np.array([e0, 7]))
    # the general path words it: the node, its inputs, the user's line
    assert "Inputs shapes: [(2,)]" in str(info.value)
    assert "test_c_scan_replay.py" in str(info.value)
    ok = f(np.array([9, 7]))  # the function still works
    np.testing.assert_array_equal(ok[1][:, 0], 2 ** np.arange(8, 3, -1))


def test_views_of_states_and_of_results():
    def build(mode):
        a, b = T.dmatrix("a"), T.dmatrix("b")
        outs, _ = theano.scan(lambda x, y: [T.exp(-x.T).T * y + x, T.tanh(x).T + y.T * 0.5],
                              outputs_info=[a, None], non_sequences=b, n_steps=6, mode=mode)
        return theano.function([a, b], outs, mode=mode)

    rng = np.random.default_rng(4)
    _check(build, [rng.standard_normal((3, 4)), rng.standard_normal((3, 4))], True)


def test_a_state_returned_unchanged_keeps_the_general_path():
    # the step's output is its input: the inner function copies it (no C kernel)
    def build(mode):
        a, b = T.dvector("a"), T.dvector("b")
        outs, _ = theano.scan(lambda x, y: [y, x + y], outputs_info=[a, b], n_steps=10,
                              mode=mode)
        return theano.function([a, b], outs, mode=mode)

    _check(build, [np.array([0.0, 1.0]), np.array([1.0, 1.0])], False)


def test_ctrl_c_interrupts_a_replayed_loop():
    s = theano.shared(np.zeros(4), name="s")
    out, _ = theano.scan(lambda h: h * 0.999 + 1e-3, outputs_info=s, n_steps=3 * 10 ** 9)
    f = theano.function([], out[-1], updates=[(s, out[-1])])
    for node in f.maker.fgraph.apply_nodes:  # compile the step now, not under the timer
        if isinstance(node.op, Scan):
            node.op._inner_function()
    old_handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    before = _replays()
    try:
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            f()  # ~30 s uninterrupted: a missed interrupt fails instead of hanging
        timer.join()
    finally:
        signal.signal(signal.SIGINT, old_handler)
    assert _replays() > before
    np.testing.assert_array_equal(s.get_value(), np.zeros(4))
