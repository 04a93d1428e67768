"""The whole call of a compiled function in C (``c_code/th_call.c``): same results, same
errors and the same guarantees (copies, atomic updates, threads) as the general path."""
import pickle
import threading

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.io import In, Out
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.link.c import compiler as c_compiler

pytestmark = pytest.mark.skipif(c_compiler.compiler_info() is None, reason="no C compiler")


def test_fast_path_results_and_output_kinds():
    a, b = T.dvectors("a", "b")
    f = theano.function([a, b], a + b)
    assert f._caller is not None
    x, y = np.arange(10.0), np.ones(10)
    r1 = f(x, y)
    r2 = f(x, x)
    assert np.array_equal(r1, x + 1) and np.array_equal(r2, 2 * x)  # r1 not overwritten
    g = theano.function([a, b], [a * b, Out(a - b, borrow=True)])
    out = g(x, y)
    assert isinstance(out, list) and np.array_equal(out[0], x) and np.array_equal(out[1], x - 1)
    h = theano.function([a], [], on_unused_input="ignore")
    assert h(x) == []


def test_outputs_aliasing_inputs_are_copied():
    x = T.dmatrix("x")
    f = theano.function([x], [x, x.T, x * 1])
    v = np.ones((2, 3))
    out = f(v)
    assert not any(np.shares_memory(o, v) for o in out)
    g = theano.function([In(x, borrow=True)], Out(x.T, borrow=True))
    assert np.shares_memory(g(v), v)


def test_arguments_needing_the_filter_take_the_general_path():
    a = T.dvector("a")
    m = T.dmatrix("m")
    r = T.row("r", dtype="float64")
    f = theano.function([a, m, r], a.sum() + m.sum() + r.sum())
    assert f(np.ones(2), np.ones((2, 2)), np.ones((1, 3))) == 9.0
    assert f([1.0, 2.0], [[1]], [[1, 1]]) == 6.0                   # lists
    assert f(np.ones(2, "int32"), np.ones((2, 2)), np.ones((1, 3))) == 9.0  # upcast
    assert f(np.ones(2), np.ones((2, 2)), np.ones((1, 3)).astype(">f8")) == 9.0
    assert f(a=np.ones(2), m=np.ones((2, 2)), r=np.ones((1, 3))) == 9.0  # keywords
    with pytest.raises(TypeError, match="Wrong number of dimensions"):
        f(np.ones((2, 2)), np.ones((2, 2)), np.ones((1, 3)))
    with pytest.raises(ValueError, match="Non-unit value on shape on a broadcastable"):
        f(np.ones(2), np.ones((2, 2)), np.ones((2, 3)))
    with pytest.raises(TypeError, match="Bad input argument"):
        f(np.ones(2, "complex128"), np.ones((2, 2)), np.ones((1, 3)))
    with pytest.raises(TypeError):
        f(np.ones(2))
    g = theano.function([a, In(m, value=np.zeros((1, 1)))], a.sum() + m.sum())
    assert g(np.ones(3)) == 3.0 and g(np.ones(3), np.ones((2, 2))) == 7.0


def test_updates_are_applied_atomically():
    w = theano.shared(np.zeros(3), name="w")
    n = theano.shared(np.asarray(0, "int64"), name="n")
    x = T.dvector("x")
    f = theano.function([x], (w * x).sum(), updates=[(w, w + x), (n, n + 1)])
    assert f._caller is not None
    for k in range(3):
        f(np.ones(3))
    assert np.array_equal(w.get_value(), np.full(3, 3.0)) and n.get_value() == 3
    with pytest.raises(ValueError, match="Input dimension mismatch"):
        f(np.ones(4))
    assert np.array_equal(w.get_value(), np.full(3, 3.0)) and n.get_value() == 3
    # the update value is never a returned array or an input
    g = theano.function([x], w * 1, updates=[(w, x)])
    v = np.full(3, 7.0)
    g(v)
    assert not np.shares_memory(w.get_value(borrow=True), v)
    w.set_value(np.zeros(3))
    assert np.array_equal(f(np.ones(3)), 0.0) and np.array_equal(w.get_value(), np.ones(3))


def test_errors_name_the_node_and_the_function_keeps_working():
    a, b = T.dvectors("a", "b")
    f = theano.function([a, b], T.exp(a) * b)
    with pytest.raises(ValueError) as info:
        f(np.ones(3), np.ones(4))
    msg = str(info.value)
    assert "Apply node that caused the error" in msg and "Inputs shapes: [(3,), (4,)]" in msg
    assert "test_fast_call.py" in msg
    assert np.allclose(f(np.zeros(2), np.ones(2)), 1.0)
    assert f._caller is not None


class _Interrupt(Op):
    """Raises KeyboardInterrupt when its input's first item is negative."""

    __props__ = ()

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        if inputs[0][0] < 0:
            raise KeyboardInterrupt
        out[0][0] = inputs[0] * 2


class _Reenter(Op):
    """Calls a compiled function from inside a call (the fast frame is busy)."""

    __props__ = ()

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        out[0][0] = _REENTER[0](inputs[0] - 1) if inputs[0][0] > 0 else inputs[0].copy()


_REENTER = []


def test_interrupts_and_reentrant_calls():
    x = T.dvector("x")
    f = theano.function([x], _Interrupt()(x + 1) + 1)
    with pytest.raises(KeyboardInterrupt):
        f(np.full(2, -5.0))
    assert np.array_equal(f(np.ones(2)), np.full(2, 5.0))
    g = theano.function([x], _Reenter()(x) + 1)
    _REENTER[:] = [g]
    assert np.array_equal(g(np.full(2, 2.0)), np.full(2, 3.0))


def test_threads_share_a_function():
    x = T.dvector("x")
    f = theano.function([x], T.tanh(x) * 2 + 1)
    data = [np.random.default_rng(k).standard_normal(300000) for k in range(4)]
    want = [np.tanh(d) * 2 + 1 for d in data]
    errors = []

    def work(k):
        for _ in range(5):
            if not np.allclose(f(data[k]), want[k]):
                errors.append(k)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_free_pickle_copy_profile_and_debugmode():
    w = theano.shared(np.ones(2), name="w")
    x = T.dvector("x")
    f = theano.function([x], x * w, updates=[(w, w * 2)])
    f.free()
    assert f._caller is not None and np.array_equal(f(np.ones(2)), np.ones(2))
    g = pickle.loads(pickle.dumps(f))
    assert g._caller is not None and np.array_equal(g(np.ones(2)), np.full(2, 2.0))
    h = f.copy(delete_updates=True)
    # copy() returns a list even for one output, as Theano 1.0 did
    assert np.array_equal(h(np.ones(2))[0], np.full(2, 2.0)) and np.array_equal(
        h(np.ones(2))[0], np.full(2, 2.0))
    p = theano.function([x], x * 2, profile=True)
    assert p._caller is None
    p(np.ones(2))
    assert p.profile.fct_callcount == 1
    d = theano.function([x], x * 2, mode="DebugMode")
    assert d._caller is None and np.array_equal(d(np.ones(2)), np.full(2, 2.0))


def test_scalar_arguments():
    x, lr = T.dvector("x"), T.dscalar("lr")
    n, b = T.lscalar("n"), T.bscalar("b")
    f = theano.function([x, lr, n, b], x * lr + n + b)
    for args in [(np.ones(2), 0.5, 3, np.int8(1)), (np.ones(2), np.float64(0.5), np.int64(3),
                                                     np.asarray(1, "int8")),
                 (np.ones(2), np.asarray(0.5), 3, 1)]:
        assert np.array_equal(f(*args), np.full(2, 4.5)), args
    # what the filter refuses or converts is left to it
    assert np.array_equal(f(np.ones(2), 1, 3, 1), np.full(2, 5.0))      # int for a float
    with pytest.raises(TypeError, match="Bad input argument"):
        f(np.ones(2), 0.5, 2.5, 1)                                       # float for an int
    with pytest.raises(TypeError, match="Bad input argument"):
        f(np.ones(2), 0.5, 2 ** 70, 1)
    with pytest.raises(TypeError, match="Bad input argument"):
        f(np.ones(2), 0.5, 3, 300)
    assert np.array_equal(f(np.ones(2), True, 3, 1), np.full(2, 5.0))
    g = theano.function([In(lr, strict=True)], lr * 2)
    with pytest.raises(TypeError):
        g(0.5)
    assert g(np.asarray(0.5)) == 1.0


def test_many_updates():
    ws = [theano.shared(np.zeros(2), name="w%d" % k) for k in range(12)]
    x = T.dvector("x")
    f = theano.function([x], x.sum(), updates=[(w, w + x * k) for k, w in enumerate(ws)])
    assert f._caller is not None
    f(np.ones(2))
    f(np.ones(2))
    assert all(np.array_equal(w.get_value(), np.full(2, 2.0 * k)) for k, w in enumerate(ws))
