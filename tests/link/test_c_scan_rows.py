"""Scan's general loop in C computes a step's result straight into the row of the buffer
that keeps it (a state's history, a sequence's gradient) when the node's output has the
row's shape and type, instead of copying it there after the step.  Every case is compared
with the Python scan (``linker=py``, its scans built with that mode too);
``scan_stats()["in_rows"]`` counts the rows computed in place."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.tests import unittest_tools as utt
from theano.link.c import compiler as c_compiler
from theano.link.c.runtime import load_runtime

pytestmark = pytest.mark.skipif(c_compiler.compiler_info() is None, reason="no C compiler")

PY = utt.PY_LOOPS


def _in_rows():
    return load_runtime().scan_stats()["in_rows"]


def _compile_both(build):
    return utt.compile_c_and_python(build, c_loops=True)


def _both(build, args, rtol=1e-12):
    """The outputs of ``build`` (see _compile_both) with C and Python loops, compared;
    returns the rows the C call computed in place."""
    fc, fp = _compile_both(build)
    before = _in_rows()
    got = fc(*args)
    done = _in_rows() - before
    want = fp(*args)
    for g, w in zip(got, want):
        assert np.asarray(g).dtype == np.asarray(w).dtype
        np.testing.assert_allclose(g, w, rtol=rtol, atol=1e-13)
    return done


def test_state_of_a_product_is_computed_in_its_row():
    rng = np.random.RandomState(0)

    def build(mode):
        X, h0, W = T.dtensor3("X"), T.dmatrix("h0"), T.dmatrix("W")
        H, _ = theano.scan(lambda x, h: T.tanh(T.dot(h, W) + x), sequences=X,
                           outputs_info=h0, mode=mode)
        return [X, h0, W], [H, H[-1] * 2]

    done = _both(build, [rng.randn(9, 3, 4), rng.randn(3, 4), rng.randn(4, 4) * 0.3])
    assert done >= 8     # every step after the first


def test_gradient_rows_and_states_in_place_match_python():
    rng = np.random.RandomState(1)
    wx, wh = rng.randn(3, 5) * 0.4, rng.randn(5, 5) * 0.3

    def build(mode):
        X, h0 = T.dtensor3("X"), T.dmatrix("h0")
        Wx, Wh = theano.shared(wx), theano.shared(wh)
        H, _ = theano.scan(lambda x, h: T.tanh(T.dot(x, Wx) + T.dot(h, Wh)), sequences=X,
                           outputs_info=h0, mode=mode)
        cost = ((H - 0.3) ** 2).mean()
        return [X, h0], [cost] + T.grad(cost, [Wx, Wh, X, h0])

    done = _both(build, [rng.randn(7, 2, 3), rng.randn(2, 5)])
    assert done > 0


def test_views_of_earlier_rows_are_copied_not_aliased():
    # the new state is the state of two steps before (a view of another row of the same
    # buffer): it cannot be computed in its row, and is copied
    def build(mode):
        h0 = T.dtensor3("h0")
        W = T.dmatrix("W")
        out, _ = theano.scan(lambda a, b, W: [a, T.dot(b, W)],
                             outputs_info=[dict(initial=h0, taps=[-2, -1]), None],
                             non_sequences=W, n_steps=6, mode=mode)
        return [h0, W], out

    rng = np.random.RandomState(2)
    _both(build, [rng.randn(2, 3, 3), rng.randn(3, 3)])


def test_one_result_kept_as_two_states_and_an_output():
    rng = np.random.RandomState(3)

    def build(mode):
        a0, b0, W = T.dmatrix("a0"), T.dmatrix("b0"), T.dmatrix("W")

        def step(a, b):
            n = T.dot(a + b, W)
            return n, n, T.dot(n, W)

        out, _ = theano.scan(step, outputs_info=[a0, b0, None], n_steps=5, mode=mode)
        return [a0, b0, W], out

    _both(build, [rng.randn(2, 3), rng.randn(2, 3), rng.randn(3, 3) * 0.5])


def test_state_of_another_dtype_or_shape_is_copied():
    rng = np.random.RandomState(4)

    def cast(mode):
        h0 = T.fmatrix("h0")
        W = T.dmatrix("W")
        # the product is float64, the state float32: converted when stored
        H, _ = theano.scan(lambda h: T.cast(T.dot(h, W), "float32"), outputs_info=h0,
                           n_steps=4, mode=mode)
        return [h0, W], [H]

    _both(cast, [rng.randn(2, 3).astype("float32"), rng.randn(3, 3)], rtol=1e-6)

    def broadcast(mode):
        # a state whose rows are broadcast from a row vector each step
        v0, M = T.dmatrix("v0"), T.dmatrix("M")
        V, _ = theano.scan(lambda v: T.dot(v, M).sum(axis=0, keepdims=True) + v * 0,
                           outputs_info=v0, n_steps=3, mode=mode)
        return [v0, M], [V]

    _both(broadcast, [rng.randn(1, 3), rng.randn(3, 3) * 0.2])


def test_until_and_error_after_rows_were_computed_in_place():
    rng = np.random.RandomState(5)

    def until(mode):
        h0, W = T.dmatrix("h0"), T.dmatrix("W")

        def step(h):
            n = T.dot(h, W) + 1.0
            return n, theano.scan_module.until(T.sum(n) > 50)

        H, _ = theano.scan(step, outputs_info=h0, n_steps=20, mode=mode)
        return [h0, W], [H]

    _both(until, [np.ones((2, 2)) * 0.1, np.eye(2) * 1.5])

    def indexed(mode):
        i0, h0, W = T.lscalar("i0"), T.dmatrix("h0"), T.dmatrix("W")
        x = T.dvector("x")
        S, _ = theano.scan(lambda i, h: [i + 1, T.dot(h, W) + x[i]], outputs_info=[i0, h0],
                           n_steps=5, mode=mode)
        return [i0, h0, W, x], S[1]

    # a failing step (index out of range at step 3) leaves the function usable
    f, fp = _compile_both(indexed)
    with pytest.raises(IndexError):
        f(0, rng.randn(2, 2), rng.randn(2, 2), np.arange(3.0))
    np.testing.assert_allclose(f(0, np.ones((2, 2)), np.eye(2), np.arange(6.0))[-1],
                               fp(0, np.ones((2, 2)), np.eye(2), np.arange(6.0))[-1])
