"""A product's bias and activation (and the backward ``* (1 - h**2)``) join the product:
``DotEpilogue`` nodes, the same numbers as the unfused graph, in C and in NumPy."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.debugmode import DebugMode
from theano.compile.mode import Mode, get_default_mode
from theano.tensor.blas import Gemm
from theano.tensor.blas_epilogue import DotEpilogue
from theano.tensor.math import Dot

UNFUSED = get_default_mode().excluding("blas_epilogue")
NUMPY = Mode(linker="py", optimizer="fast_run")      # DotEpilogue.perform
TOL = {"float64": 1e-12, "float32": 1e-6}


def _epilogues(f):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, DotEpilogue)]


def _in_c(f, nodes):
    prog = f.maker.program
    return all(prog.nodes.index(n) in prog.c_nodes for n in nodes)


def _compare(ins, outs, args, dtype, updates=None, n_epilogues=None):
    """Compile with and without the rewrite (C) and with NumPy thunks; same results."""
    res = []
    for mode in (None, UNFUSED, NUMPY):
        state = [(s, s.get_value()) for s, _ in updates or ()]
        f = theano.function(ins, outs, updates=updates, mode=mode)
        if mode is None:
            fused = f
        got = f(*args)
        res.append([np.asarray(g) for g in got] + [s.get_value() for s, _ in state])
        for s, v in state:
            s.set_value(v)
    assert not _epilogues(theano.function(ins, outs, updates=updates, mode=UNFUSED))
    if n_epilogues is not None:
        assert len(_epilogues(fused)) == n_epilogues
        assert _in_c(fused, _epilogues(fused))
    want = res[1]
    for got in (res[0], res[2]):
        for g, w in zip(got, want):
            assert g.dtype == w.dtype and g.shape == w.shape
            np.testing.assert_allclose(g, w, rtol=TOL[dtype], atol=TOL[dtype])
    return fused


def _mlp(dtype, rng, n_in=7, n_hid=5, n_out=3):
    X, y = T.matrix("X", dtype=dtype), T.ivector("y")
    sh = lambda *s: theano.shared((rng.randn(*s) * 0.5).astype(dtype))  # noqa: E731
    W1, b1, W2, b2 = sh(n_in, n_hid), sh(n_hid), sh(n_hid, n_out), sh(n_out)
    h = T.tanh(T.dot(X, W1) + b1)
    p = T.nnet.softmax(T.dot(h, W2) + b2)
    cost = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    params = [W1, b1, W2, b2]
    grads = T.grad(cost, params)
    lr = np.asarray(0.1, dtype)
    return [X, y], cost, [(q, q - lr * g) for q, g in zip(params, grads)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_mlp_step_forward_and_backward_epilogues(dtype):
    rng = np.random.RandomState(0)
    ins, cost, updates = _mlp(dtype, rng)
    Xv = rng.randn(12, 7).astype(dtype)[::2]                 # not contiguous
    yv = rng.randint(0, 3, 6).astype("int32")
    # tanh(X W1 + b1) and dot(G, W2.T) * (1 - h**2)
    _compare(ins, [cost], [Xv, yv], dtype, updates=updates, n_epilogues=2)


@pytest.mark.parametrize("act", ["tanh", "sigmoid", "relu", "scaled"])
def test_activations_after_a_biased_product(act):
    rng = np.random.RandomState(1)
    X, W, b = T.dmatrix("X"), T.dmatrix("W"), T.dvector("b")
    z = T.dot(X, W) + b
    out = {"tanh": T.tanh(z), "sigmoid": T.nnet.sigmoid(z), "relu": T.maximum(z, 0),
           "scaled": T.exp(-2.0 * T.dot(X, W) + 3.0 * b) * b}[act]
    args = [rng.randn(4, 6), rng.randn(6, 5), rng.randn(5)]
    _compare([X, W, b], [out], args, "float64", n_epilogues=1)


def test_transposed_and_empty_operands():
    rng = np.random.RandomState(2)
    X, W, b = T.dmatrix("X"), T.dmatrix("W"), T.dvector("b")
    out = T.tanh(T.dot(X, W.T) + b)
    for shapes in [((4, 6), (5, 6)), ((0, 6), (5, 6)), ((4, 0), (5, 0)), ((3, 6), (0, 6))]:
        Xv = rng.randn(*shapes[0])
        Wv = np.asfortranarray(rng.randn(*shapes[1]))
        bv = rng.randn(shapes[1][0])[::-1]                   # negative stride
        _compare([X, W, b], [out], [Xv, Wv, bv], "float64", n_epilogues=1)


def test_product_needed_elsewhere_is_not_fused():
    X, W, b = T.dmatrix("X"), T.dmatrix("W"), T.dvector("b")
    d = T.dot(X, W)
    f = theano.function([X, W, b], [d, T.tanh(d + b)])
    assert not _epilogues(f)
    assert any(isinstance(n.op, Dot) for n in f.maker.fgraph.toposort())
    g = theano.function([X, W, b], [T.tanh(d + b), T.sum(d)])
    assert not _epilogues(g)


def test_result_broadcast_beyond_the_product_is_not_fused():
    x, W, B = T.row("x", dtype="float64"), T.dmatrix("W"), T.dmatrix("B")
    out = T.tanh(T.dot(x, W) + B)            # the product has one row, the result several
    rng = np.random.RandomState(3)
    f = _compare([x, W, B], [out], [rng.randn(1, 4), rng.randn(4, 3), rng.randn(5, 3)],
                 "float64")
    assert not _epilogues(f)


def test_gemm_with_a_full_matrix_and_scalars():
    rng = np.random.RandomState(4)
    X, W, Z = T.dmatrix("X"), T.dmatrix("W"), T.dmatrix("Z")
    a, c = T.dscalar("a"), T.dscalar("c")
    out = T.tanh(a * T.dot(X, W) + c * Z)
    args = [rng.randn(4, 6), rng.randn(6, 5), rng.randn(4, 5), 0.7, -1.3]
    f = _compare([X, W, Z, a, c], [out], args, "float64", n_epilogues=1)
    assert not any(isinstance(n.op, Gemm) for n in f.maker.fgraph.toposort())


def test_shape_errors_name_the_op():
    X, W, b = T.dmatrix("X"), T.dmatrix("W"), T.dvector("b")
    f = theano.function([X, W, b], T.tanh(T.dot(X, W) + b))
    assert _epilogues(f)
    with pytest.raises(ValueError, match="DotEpilogue"):
        f(np.ones((2, 3)), np.ones((4, 5)), np.ones(5))
    with pytest.raises(ValueError):
        f(np.ones((2, 3)), np.ones((3, 5)), np.ones(4))


def test_debugmode_checks_c_against_numpy_on_a_training_step():
    rng = np.random.RandomState(5)
    ins, cost, updates = _mlp("float64", rng, n_in=4, n_hid=3, n_out=2)
    f = theano.function(ins, cost, updates=updates, mode=DebugMode())
    assert len(_epilogues(f)) == 2
    f(rng.randn(3, 4), np.array([0, 1, 1], "int32"))
