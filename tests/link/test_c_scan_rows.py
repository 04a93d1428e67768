"""Scan's general loop in C computes a step's result straight into the row of the buffer
that keeps it (a state's history, a sequence's gradient) when the node's output has the
row's shape and type, instead of copying it there after the step.  Every case is compared
with the Python scan (``linker=py``); ``scan_stats()["in_rows"]`` counts the rows computed
in place."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.link.c import compiler as c_compiler
from theano.link.c.runtime import load_runtime

pytestmark = pytest.mark.skipif(c_compiler.compiler_info() is None, reason="no C compiler")

PY = theano.compile.mode.Mode(linker="py", optimizer="fast_run")


def _in_rows():
    return load_runtime().scan_stats()["in_rows"]


def _both(ins, outs, args, rtol=1e-12):
    before = _in_rows()
    got = theano.function(ins, outs)(*args)
    done = _in_rows() - before
    want = theano.function(ins, outs, mode=PY)(*args)
    for g, w in zip(got, want):
        assert np.asarray(g).dtype == np.asarray(w).dtype
        np.testing.assert_allclose(g, w, rtol=rtol, atol=1e-13)
    return done


def test_state_of_a_product_is_computed_in_its_row():
    rng = np.random.RandomState(0)
    X, h0, W = T.dtensor3("X"), T.dmatrix("h0"), T.dmatrix("W")
    H, _ = theano.scan(lambda x, h: T.tanh(T.dot(h, W) + x), sequences=X, outputs_info=h0)
    done = _both([X, h0, W], [H, H[-1] * 2],
                 [rng.randn(9, 3, 4), rng.randn(3, 4), rng.randn(4, 4) * 0.3])
    assert done >= 8     # every step after the first


def test_gradient_rows_and_states_in_place_match_python():
    rng = np.random.RandomState(1)
    X, h0 = T.dtensor3("X"), T.dmatrix("h0")
    Wx = theano.shared(rng.randn(3, 5) * 0.4)
    Wh = theano.shared(rng.randn(5, 5) * 0.3)
    H, _ = theano.scan(lambda x, h: T.tanh(T.dot(x, Wx) + T.dot(h, Wh)), sequences=X,
                       outputs_info=h0)
    cost = ((H - 0.3) ** 2).mean()
    done = _both([X, h0], [cost] + T.grad(cost, [Wx, Wh, X, h0]),
                 [rng.randn(7, 2, 3), rng.randn(2, 5)])
    assert done > 0


def test_views_of_earlier_rows_are_copied_not_aliased():
    # the new state is the state of two steps before (a view of another row of the same
    # buffer): it cannot be computed in its row, and is copied
    h0 = T.dtensor3("h0")
    W = T.dmatrix("W")
    out, _ = theano.scan(lambda a, b, W: [a, T.dot(b, W)],
                         outputs_info=[dict(initial=h0, taps=[-2, -1]), None],
                         non_sequences=W, n_steps=6)
    rng = np.random.RandomState(2)
    _both([h0, W], out, [rng.randn(2, 3, 3), rng.randn(3, 3)])


def test_one_result_kept_as_two_states_and_an_output():
    rng = np.random.RandomState(3)
    a0, b0, W = T.dmatrix("a0"), T.dmatrix("b0"), T.dmatrix("W")

    def step(a, b):
        n = T.dot(a + b, W)
        return n, n, T.dot(n, W)

    out, _ = theano.scan(step, outputs_info=[a0, b0, None], n_steps=5)
    _both([a0, b0, W], out, [rng.randn(2, 3), rng.randn(2, 3), rng.randn(3, 3) * 0.5])


def test_state_of_another_dtype_or_shape_is_copied():
    rng = np.random.RandomState(4)
    h0 = T.fmatrix("h0")
    W = T.dmatrix("W")
    # the product is float64, the state float32: converted when stored
    H, _ = theano.scan(lambda h: T.cast(T.dot(h, W), "float32"), outputs_info=h0, n_steps=4)
    _both([h0, W], [H], [rng.randn(2, 3).astype("float32"), rng.randn(3, 3)], rtol=1e-6)
    # a state whose rows are broadcast from a row vector each step
    v0, M = T.dmatrix("v0"), T.dmatrix("M")
    V, _ = theano.scan(lambda v: T.dot(v, M).sum(axis=0, keepdims=True) + v * 0,
                       outputs_info=v0, n_steps=3)
    _both([v0, M], [V], [rng.randn(1, 3), rng.randn(3, 3) * 0.2])


def test_until_and_error_after_rows_were_computed_in_place():
    rng = np.random.RandomState(5)
    h0, W = T.dmatrix("h0"), T.dmatrix("W")

    def step(h):
        n = T.dot(h, W) + 1.0
        return n, theano.scan_module.until(T.sum(n) > 50)

    H, _ = theano.scan(step, outputs_info=h0, n_steps=20)
    _both([h0, W], [H], [np.ones((2, 2)) * 0.1, np.eye(2) * 1.5])
    # a failing step (index out of range at step 3) leaves the function usable
    i0 = T.lscalar("i0")
    x = T.dvector("x")
    S, _ = theano.scan(lambda i, h: [i + 1, T.dot(h, W) + x[i]], outputs_info=[i0, h0],
                       n_steps=5)
    f = theano.function([i0, h0, W, x], S[1])
    with pytest.raises(IndexError):
        f(0, rng.randn(2, 2), rng.randn(2, 2), np.arange(3.0))
    np.testing.assert_allclose(
        f(0, np.ones((2, 2)), np.eye(2), np.arange(6.0))[-1],
        theano.function([i0, h0, W, x], S[1], mode=PY)(0, np.ones((2, 2)), np.eye(2),
                                                         np.arange(6.0))[-1])
