"""Compiled calls allocate large arrays through a pool of freed buffers (th_pool.c)."""
import threading

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.configparser import change_flags
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.link.c import runtime

rt = runtime.load_runtime()
pytestmark = pytest.mark.skipif(rt is None, reason="no C compiler")

N = 100_000  # 800 KB of float64: above the pool's 64 KiB threshold


@pytest.fixture
def pool():
    rt.set_pool_limit(256 << 20)
    yield rt
    runtime.load_runtime()  # back to the configured limit


def _addr(a):
    return a.__array_interface__["data"][0]


def test_a_freed_result_buffer_is_given_back_to_the_next_call(pool):
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) * 2)
    v = np.linspace(-1, 1, N)
    f(v)            # makes a large array in C: this function now uses the pool
    out = f(v)      # made through the pool's handler
    addr = _addr(out)
    assert out.flags.owndata
    del out         # its buffer goes to the pool...
    again = f(v)    # ...and comes back
    assert _addr(again) == addr
    np.testing.assert_allclose(again, np.exp(v) * 2, rtol=1e-15)
    assert pool.pool_info()["limit"] == 256 << 20


def test_buffers_kept_while_the_caller_holds_them(pool):
    x = T.dvector("x")
    f = theano.function([x], x + 1)
    v = np.arange(N, dtype=float)
    outs = [f(v + k) for k in range(5)]
    assert len({_addr(o) for o in outs}) == 5   # never an array still in use
    for k, o in enumerate(outs):
        np.testing.assert_array_equal(o, v + k + 1)


class _ZerosPlus(Op):
    """x + np.zeros(x.shape): a Python perform whose np.zeros runs under the pool."""
    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        (x,) = inputs
        z = np.zeros(x.shape, x.dtype)   # calloc through the handler: must be zeros
        z += x
        out[0][0] = z


def test_calloc_from_the_pool_is_zeroed(pool):
    x = T.dvector("x")
    f = theano.function([x], _ZerosPlus()(T.exp(x)))
    v = np.linspace(0, 1, N)
    for k in range(4):  # buffers of the same size cycle through the pool, dirty
        np.testing.assert_allclose(f(v * k), np.exp(v * k), rtol=1e-15)


def test_a_pooled_result_can_be_resized_and_pickled(pool):
    import pickle
    x = T.dvector("x")
    f = theano.function([x], x * 3)
    v = np.arange(N, dtype=float)
    f(v)
    out = f(v)
    out.resize(2 * N, refcheck=False)
    np.testing.assert_array_equal(out[:N], v * 3)
    np.testing.assert_array_equal(out[N:], 0)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(out)), out)
    del out
    np.testing.assert_array_equal(f(v), v * 3)


def test_the_limit_bounds_the_kept_bytes(pool):
    x = T.dvector("x")
    f = theano.function([x], x - 1)
    pool.set_pool_limit(3 * N * 8)
    f(np.zeros(N))
    for k in range(10):
        f(np.zeros(N + k))  # ten different sizes, all freed into the pool
    info = pool.pool_info()
    assert info["bytes"] <= 3 * N * 8 and info["blocks"] <= 3
    pool.set_pool_limit(0)
    assert pool.pool_info()["blocks"] == 0


def test_flag_zero_turns_the_pool_off():
    with change_flags(cmodule__buffer_pool_mb=0):
        runtime.load_runtime()
        x = T.dvector("x")
        f = theano.function([x], x * 2)
        v = np.ones(N)
        for _ in range(3):
            f(v)
        assert rt.pool_info()["blocks"] == 0
    runtime.load_runtime()
    assert rt.pool_info()["limit"] == theano.config.cmodule__buffer_pool_mb << 20


def test_training_step_results_with_and_without_the_pool(pool):
    rng = np.random.RandomState(0)
    X = theano.shared(rng.randn(300, 200), name="X")
    W = theano.shared(rng.randn(200, 100) * .1, name="W")
    cost = T.tanh(T.dot(X, W)).sum()
    step = theano.function([], cost, updates=[(W, W - 0.01 * T.grad(cost, W))])
    W0 = W.get_value()
    with_pool = [step() for _ in range(4)]
    W1 = W.get_value()
    W.set_value(W0)
    pool.set_pool_limit(0)
    without = [step() for _ in range(4)]
    np.testing.assert_array_equal(with_pool, without)
    np.testing.assert_array_equal(W.get_value(), W1)


def test_threads_share_the_pool(pool):
    x = T.dvector("x")
    f = theano.function([x], T.sqrt(x) + 1)
    errors = []

    def work(k):
        v = np.full(N + k, float(k))
        try:
            for _ in range(30):
                np.testing.assert_array_equal(f(v), np.sqrt(v) + 1)
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
