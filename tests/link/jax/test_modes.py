"""The JAX mode against the NumPy/C reference: the same graphs compiled in FAST_RUN and
in JAX give the same numbers; state, updates, random streams, errors and devices.

JAX compiles are slow (~0.1 s each): shapes are small and graphs few.
"""
import os
import subprocess
import sys
import textwrap

import jax
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.ifelse import ifelse
from theano.link.jax.linker import JaxCompileError
from theano.tensor.nnet import conv2d
from theano.tensor.signal.pool import pool_2d

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
rng = np.random.default_rng(0)


def _graphs():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    v = T.dvector("v")
    i = T.lvector("i")
    xf = rng.normal(size=(4, 5))
    yf = rng.normal(size=(5, 3))
    vf = rng.normal(size=5)
    return [
        ("elemwise", [x], [T.tanh(x) * 2 + T.exp(-x ** 2) - abs(x) // 1], [xf]),
        ("int_float", [x], [T.cast(x * 3, "int32") + 1.5, T.switch(x > 0, x, 0)], [xf]),
        ("reductions", [x], [x.sum(axis=0), x.max(axis=1), x.prod(), x.mean(), T.argmax(x, 1),
                             (x ** 2).sum(), T.all(x > -10)], [xf]),
        ("dot_gemm", [x, y, v], [T.dot(x, y), T.dot(x, v), T.outer(v, v) + x.T.dot(x),
                                 T.batched_dot(T.stack([x, x]), T.stack([y, y]))],
         [xf, yf, vf]),
        ("shapes", [x, v], [x.reshape((5, 4)), x.T, x.dimshuffle(1, "x", 0), x.shape,
                            T.concatenate([x, x], axis=0), T.stack([v, v]),
                            T.split(v, [2, 3], 2)[1], T.zeros_like(x) + T.ones((4, 1)),
                            T.arange(5) * v, T.eye(3)], [xf, vf]),
        ("indexing", [x, i], [x[1:3, ::2], x[-1], x[i], x[i, T.arange(3)],
                              T.set_subtensor(x[1:, 2], 7.0), T.inc_subtensor(x[i], 1.0),
                              x[:, 1:][0]], [xf, [0, 2, 2]]),
        ("sorting_extra", [v], [T.sort(v), T.argsort(v), T.cumsum(v), T.cumprod(v),
                                T.extra_ops.diff(v), T.tile(v, (2,)), T.roll(v, 2)], [vf]),
        ("nnet", [x, i], [T.nnet.softmax(x), T.nnet.sigmoid(x), T.nnet.relu(x),
                          T.nnet.categorical_crossentropy(T.nnet.softmax(x[:3]), i),
                          T.grad(T.nnet.categorical_crossentropy(
                              T.nnet.softmax(x[:3]), i).mean(), x)],
         [xf, [0, 4, 1]]),
        ("linalg", [x], [T.nlinalg.matrix_inverse(x[:, :4] + 4 * T.eye(4)),
                         T.nlinalg.det(x[:, :4])], [xf]),
    ]


@pytest.mark.parametrize("case", _graphs(), ids=lambda c: c[0])
def test_graph_matches_fast_run(case):
    name, ins, outs, vals = case
    ref = theano.function(ins, outs, mode="FAST_RUN", on_unused_input="ignore")(*vals)
    got = theano.function(ins, outs, mode="JAX", on_unused_input="ignore")(*vals)
    assert len(ref) == len(got)
    for r, g in zip(ref, got):
        assert isinstance(g, np.ndarray)
        assert g.dtype == r.dtype and g.shape == r.shape
        np.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-12)


def test_float32_and_ifelse():
    a, b = T.fscalars("a", "b")
    x = T.fvector("x")
    out = ifelse(T.lt(a, b), T.mean(x) * a, T.max(x) * b)
    vals = np.arange(3, dtype="float32")
    for args in ((1, 2, vals), (3, 2, vals)):
        ref = theano.function([a, b, x], out)(*args)
        got = theano.function([a, b, x], out, mode="JAX")(*args)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, ref, rtol=1e-6)


def test_conv_pool_and_their_gradients():
    img = T.tensor4("img")
    w = theano.shared(rng.normal(size=(3, 2, 3, 3)), name="w")
    out = pool_2d(T.tanh(conv2d(img, w, border_mode="half", subsample=(1, 1))), (2, 2),
                  ignore_border=False)
    avg = pool_2d(conv2d(img, w, filter_flip=False), (2, 2), mode="average_exc_pad",
                  ignore_border=True)
    cost = (out ** 2).sum() + avg.sum()
    outs = [out, avg] + T.grad(cost, [img, w])
    x = rng.normal(size=(2, 2, 7, 7))
    ref = theano.function([img], outs)(x)
    got = theano.function([img], outs, mode="JAX")(x)
    for r, g in zip(ref, got):
        np.testing.assert_allclose(g, r, rtol=1e-9, atol=1e-10)


def _mlp(mode, steps=5, seed=1):
    r = np.random.default_rng(seed)
    X = r.normal(size=(16, 6))
    Y = r.integers(0, 3, size=16)
    W1 = theano.shared(r.normal(scale=0.3, size=(6, 8)), name="W1")
    b1 = theano.shared(np.zeros(8), name="b1")
    W2 = theano.shared(r.normal(scale=0.3, size=(8, 3)), name="W2")
    b2 = theano.shared(np.zeros(3), name="b2")
    x, y = T.dmatrix("x"), T.lvector("y")
    h = T.tanh(T.dot(x, W1) + b1)
    p = T.nnet.softmax(T.dot(h, W2) + b2)
    cost = T.nnet.categorical_crossentropy(p, y).mean() + 1e-3 * (W1 ** 2).sum()
    params = [W1, b1, W2, b2]
    grads = T.grad(cost, params)
    train = theano.function([x, y], cost, mode=mode,
                            updates=[(q, q - 0.5 * g) for q, g in zip(params, grads)])
    costs = [float(train(X, Y)) for _ in range(steps)]
    return costs, [q.get_value() for q in params], train, params


def test_mlp_training_matches_and_state_stays_on_device():
    ref_costs, ref_params, _, _ = _mlp("FAST_RUN")
    costs, params, train, shared = _mlp("JAX")
    np.testing.assert_allclose(costs, ref_costs, rtol=1e-10)
    for r, g in zip(ref_params, params):
        assert type(g) is np.ndarray
        np.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-12)
    # Between calls the parameters live on the device; the update was donated.
    stored = shared[0].container.storage[0]
    assert isinstance(stored, jax.Array)
    train(np.zeros((16, 6)), np.zeros(16, dtype="int64"))
    assert stored.is_deleted()
    assert isinstance(shared[0].container.storage[0], jax.Array)
    # set_value with NumPy: uploaded by the next call.
    shared[1].set_value(np.full(8, 0.5))
    train(np.zeros((16, 6)), np.zeros(16, dtype="int64"))
    assert isinstance(shared[1].container.storage[0], jax.Array)


def test_a_failing_call_applies_no_update():
    w = theano.shared(np.ones(3), name="w")
    c = theano.shared(np.zeros(()), name="count")
    x = T.dvector("x")
    f = theano.function([x], T.dot(x, w), mode="JAX", updates=[(w, w * 2), (c, c + 1)])
    f(np.ones(3))
    with pytest.raises(Exception, match="dot|shape|Shape"):
        f(np.ones(4))
    np.testing.assert_array_equal(w.get_value(), [2, 2, 2])
    assert c.get_value() == 1


def test_op_without_jax_rule_names_op_and_user_line():
    x = T.dvector("x")
    out = T.extra_ops.bincount(T.cast(x, "int64"))  # data-dependent size: no JAX rule
    with pytest.raises(JaxCompileError) as info:
        theano.function([x], out, mode="JAX")
    msg = str(info.value)
    assert "BinCount" in msg and "test_modes.py" in msg and "bincount(T.cast" in msg


def test_mrg_streams_are_bit_exact_and_random_streams_equal_in_law():
    from theano.sandbox.rng_mrg import MRG_RandomStreams
    from theano.tensor.shared_randomstreams import RandomStreams

    outs = {}
    for mode in ("FAST_RUN", "JAX"):
        srng = MRG_RandomStreams(seed=42)
        u = srng.uniform((7, 3))
        n = srng.normal((5,))
        f = theano.function([], [u, n], mode=mode)
        outs[mode] = [f(), f()]
    for r, g in zip(outs["FAST_RUN"], outs["JAX"]):
        for a, b in zip(r, g):
            np.testing.assert_array_equal(a, b)

    srng = RandomStreams(seed=3)
    u = srng.uniform((20000,))
    z = srng.normal((20000,), avg=1.0, std=2.0)
    f = theano.function([], [u, z], mode="JAX")
    u1, z1 = f()
    u2, _ = f()
    assert not np.array_equal(u1, u2)  # the key advanced
    assert 0 <= u1.min() and u1.max() < 1 and abs(u1.mean() - 0.5) < 0.01
    assert abs(z1.mean() - 1.0) < 0.05 and abs(z1.std() - 2.0) < 0.05
    srng.seed(3)
    np.testing.assert_array_equal(f()[0], u1)  # the same seed gives the same stream


def test_mode_flag_and_options():
    from theano.compile.mode import Mode, get_mode

    assert get_mode("JAX").linker == "jax"
    m = Mode("JAX", devices=1, batch_axis=0)
    assert m.linker_options == {"devices": 1, "batch_axis": 0}
    with pytest.raises(TypeError, match="unknown options.*bogus"):
        Mode("JAX", bogus=1)
    with pytest.raises(TypeError, match="unknown options"):
        Mode("py", devices=2)


def _run(code, env_extra=None):
    env = dict(os.environ, **(env_extra or {}))
    res = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    return res.stdout


def test_importing_theano_does_not_import_jax_and_flag_mode():
    out = _run("""
        import sys, numpy as np
        import theano, theano.tensor as T
        print('jax' in sys.modules)
        x = T.dvector()
        f = theano.function([x], x * 2)
        print(type(f.maker.program).__name__, f(np.ones(2)).tolist())
        """, {"THEANO_FLAGS": "mode=JAX"})
    assert out.split() == ["False", "JaxProgram", "[2.0,", "2.0]"]


def test_device_cuda_without_gpu_warns_and_uses_cpu():
    out = _run("""
        import warnings, numpy as np
        import theano, theano.tensor as T
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            v = T.dvector()
            f = theano.function([v], v + 1)
        print(type(f.maker.program).__name__, any('no GPU device' in str(m.message) for m in w))
        """, {"THEANO_FLAGS": "device=cuda"})
    assert out.split() == ["CProgram", "True"]


def test_data_parallel_mlp_on_four_devices_matches_one():
    out = _run("""
        import jax, numpy as np
        import theano, theano.tensor as T
        from theano.compile.mode import Mode
        assert len(jax.devices()) == 4, jax.devices()

        def train(mode):
            r = np.random.default_rng(0)
            X, Y = r.normal(size=(32, 6)), r.integers(0, 3, size=32)
            W = theano.shared(r.normal(scale=0.3, size=(6, 3)), name='W')
            b = theano.shared(np.zeros(3), name='b')
            x, y = T.dmatrix('x'), T.lvector('y')
            cost = T.nnet.categorical_crossentropy(T.nnet.softmax(T.dot(x, W) + b), y).mean()
            gW, gb = T.grad(cost, [W, b])
            f = theano.function([x, y], cost, mode=mode,
                                updates=[(W, W - 0.5 * gW), (b, b - 0.5 * gb)])
            for _ in range(4):
                f(X, Y)
            return f, X, Y, W, b

        f1, X, Y, W1, b1 = train('JAX')
        f4, _, _, W4, b4 = train(Mode('JAX', devices=4, batch_axis=0))
        np.testing.assert_allclose(W4.get_value(), W1.get_value(), rtol=1e-12)
        np.testing.assert_allclose(b4.get_value(), b1.get_value(), rtol=1e-12)
        prog = f4.maker.program
        xs = prog.device_inputs([X, Y, W4.container.storage[0], b4.container.storage[0]])
        print(len(xs[0].sharding.device_set), [s.data.shape for s in xs[0].addressable_shards][0],
              xs[2].sharding.is_fully_replicated, len(W4.container.storage[0].sharding.device_set))
        """, {"XLA_FLAGS": "--xla_force_host_platform_device_count=4"})
    assert out.split() == ["4", "(8,", "6)", "True", "4"]
