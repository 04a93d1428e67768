"""Function-level behaviour that must not depend on the mode: each test runs in FAST_RUN,
FAST_COMPILE and JAX (the ``mode`` fixture of conftest.py) against values computed by
hand."""
import pickle

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import In
from theano.ifelse import ifelse


def test_outputs_defaults_and_keywords(mode):
    x, y = T.dvectors("x", "y")
    s = T.dscalar("s")
    f = theano.function([x, In(y, value=np.ones(2)), In(s, value=2.0, name="scale")],
                        [x + y, (x * s).sum(), T.argmax(x)], mode=mode)
    a, b, c = f([1.0, 5.0])
    np.testing.assert_array_equal(a, [2, 6])
    assert b == 12 and c == 1
    for out in f([1.0, 5.0], scale=0.5):
        assert isinstance(out, np.ndarray)
    assert f([1.0, 5.0], [0.0, 0.0], scale=-1)[1] == -6
    with pytest.raises(TypeError, match="Unknown input"):
        f([1.0, 5.0], bogus=1)


def test_shared_updates_givens_and_copies(mode):
    acc = theano.shared(np.zeros(2), name="acc")
    inc = T.dvector("inc")
    k = T.dscalar("k")
    f = theano.function([inc], acc.sum(), updates=[(acc, acc + inc)], mode=mode)
    assert f([1.0, 2.0]) == 0 and f([1.0, 2.0]) == 3
    np.testing.assert_array_equal(acc.get_value(), [2, 4])

    g = theano.function([k], acc * k, givens={acc: T.ones_like(acc) * 3}, mode=mode)
    np.testing.assert_array_equal(g(2.0), [6, 6])

    other = theano.shared(np.full(2, 10.0), name="other")
    f2 = f.copy(swap={acc: other})
    assert f2([1.0, 1.0]) == [20]  # as in Theano 1.0, a copy returns a list
    np.testing.assert_array_equal(other.get_value(), [11, 11])
    np.testing.assert_array_equal(acc.get_value(), [2, 4])  # untouched by the copy
    f3 = f.copy(delete_updates=True)
    f3([5.0, 5.0])
    np.testing.assert_array_equal(acc.get_value(), [2, 4])


def test_a_failing_call_changes_nothing(mode):
    w = theano.shared(np.ones(3), name="w")
    n = theano.shared(np.asarray(0.0), name="n")
    x = T.dvector("x")
    f = theano.function([x], T.dot(w, x), updates=[(w, w + 1), (n, n + 1)], mode=mode)
    f(np.ones(3))
    with pytest.raises(Exception):
        f(np.ones(5))
    np.testing.assert_array_equal(w.get_value(), [2, 2, 2])
    assert n.get_value() == 1


def test_outputs_are_fresh_arrays(mode):
    x = T.dvector("x")
    w = theano.shared(np.ones(2), name="w")
    f = theano.function([x], [x, w, x * 2], mode=mode)
    xv = np.array([1.0, 2.0])
    a, b, c = f(xv)
    a[0] = b[0] = c[0] = 99  # none is the argument or the shared value
    np.testing.assert_array_equal(xv, [1, 2])
    np.testing.assert_array_equal(w.get_value(), [1, 1])
    np.testing.assert_array_equal(f(xv)[2], [2, 4])


def test_training_gradients(mode):
    r = np.random.default_rng(0)
    X, Y = r.normal(size=(8, 3)), r.integers(0, 2, size=8)
    W = theano.shared(np.zeros((3, 2)), name="W")
    x, y = T.dmatrix("x"), T.lvector("y")
    p = T.nnet.softmax(T.dot(x, W))
    cost = T.nnet.categorical_crossentropy(p, y).mean()
    step = theano.function([x, y], cost, updates=[(W, W - 0.5 * T.grad(cost, W))], mode=mode)
    assert np.isclose(step(X, Y), np.log(2))
    # The gradient of the mean cross-entropy at W = 0, by hand.
    onehot = np.eye(2)[Y]
    expect = -0.5 * X.T.dot(0.5 - onehot) / 8
    np.testing.assert_allclose(W.get_value(), expect, rtol=1e-12, atol=1e-15)


def test_scan_and_ifelse(mode):
    v = T.dvector("v")
    c = T.dscalar("c")
    cums, _ = theano.scan(lambda e, acc: acc + e, sequences=v, outputs_info=T.zeros_like(c))
    out = ifelse(T.gt(c, 0), cums * c, -cums)
    f = theano.function([v, c], [out, T.grad(cums.sum(), v)], mode=mode)
    a, g = f([1.0, 2.0, 3.0], 2.0)
    np.testing.assert_array_equal(a, [2, 6, 12])
    np.testing.assert_array_equal(g, [3, 2, 1])
    np.testing.assert_array_equal(f([1.0, 2.0, 3.0], -1.0)[0], [-1, -3, -6])


def test_dtypes(mode):
    i = T.ivector("i")
    f32 = T.fvector("f")
    f = theano.function([i, f32], [i * 2, f32 / 2, i + f32, i // 2, T.cast(f32, "int8")],
                        mode=mode)
    outs = f(np.array([3, -3], dtype="int32"), np.array([1.5, -2.5], dtype="float32"))
    assert [o.dtype for o in outs] == ["int32", "float32", "float64", "int32", "int8"]
    np.testing.assert_array_equal(outs[3], [1, -2])  # floor division, as in NumPy
    np.testing.assert_array_equal(outs[4], [1, -2])


def test_pickled_function_keeps_its_state(mode):
    w = theano.shared(np.ones(2), name="w")
    f = theano.function([], w.sum(), updates=[(w, w * 3)], mode=mode)
    f()
    g = pickle.loads(pickle.dumps(f))
    assert g() == 6 and g() == 18
    assert f() == 6
