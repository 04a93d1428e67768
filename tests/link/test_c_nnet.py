"""The C kernels of the softmax family and the one-hot cross-entropies
(``c_code/kernels_nnet.c``) against their NumPy ``perform``.

``run_both`` runs ONE node's C kernel (``program.thunk_fns[k]``) and its ``perform`` on the
same values and compares results (float64 to 1e-12, float32 to float32 rounding), dtypes,
shapes and errors (same type, same message); whole functions and DebugMode (which compares
every C kernel with perform) run a softmax-regression training step.
"""
import numpy as np
import pytest

import theano
import theano.tensor as T
import theano.tensor.nnet.basic as nb
from theano.compile.mode import Mode
from theano.graph.basic import Constant
from theano.graph.fg import FunctionGraph
from theano.link.c import compiler as c_compiler
from theano.link.c.linker import CProgram
from theano.tensor.type import TensorType

pytestmark = [pytest.mark.skipif(c_compiler.compiler_info() is None, reason="no C compiler"),
              pytest.mark.filterwarnings("ignore:.*encountered in:RuntimeWarning")]

FLOATS = ("float32", "float64")


def tensor(dtype, ndim):
    return TensorType(dtype, (False,) * ndim)()


def logits(shape, dtype, seed=0, special=True):
    x = (np.random.default_rng(seed).standard_normal(shape) * 5).astype(dtype)
    if special and x.ndim == 2 and x.shape[0] >= 5 and x.shape[1] >= 3:
        x[1, 1] = np.nan          # a NaN row
        x[2, 0] = np.inf          # +inf: NaN row in perform
        x[3, :] = -np.inf         # all -inf: NaN row
        x[4, 2] = -np.inf         # one -inf: a zero probability
    return x


def layouts(x):
    """``x`` (2-d or more) contiguous, Fortran, with negative strides and strided."""
    big = np.empty((x.shape[0], 2 * x.shape[1]) + x.shape[2:], x.dtype)
    big[:, ::2] = x
    return [np.ascontiguousarray(x), np.asfortranarray(x),
            np.ascontiguousarray(x[::-1, ::-1])[::-1, ::-1], big[:, ::2]]


def run_both(node, vals):
    """C kernel and perform of ``node`` on ``vals`` (values of the non-constant inputs):
    returns (C outputs, perform outputs), or the exception both raised."""
    ins = [i for i in node.inputs if not isinstance(i, Constant)]
    prog = CProgram(FunctionGraph(ins, node.outputs, clone=False))
    k = prog.nodes.index(node)
    assert k in prog.c_nodes, node
    it = iter(vals)
    args = [i.data if isinstance(i, Constant) else next(it) for i in node.inputs]
    c_out = [[None] for _ in node.outputs]
    py_out = [[None] for _ in node.outputs]
    c_exc = py_exc = None
    try:
        prog.thunk_fns[k](list(args), c_out)
    except Exception as exc:  # noqa: BLE001 - compared below
        c_exc = exc
    try:
        node.op.perform(node, [np.array(a) if isinstance(a, np.ndarray) else a for a in args],
                        py_out)
    except Exception as exc:  # noqa: BLE001
        py_exc = exc
    if c_exc is not None or py_exc is not None:
        assert type(c_exc) is type(py_exc), (c_exc, py_exc)
        assert str(c_exc) == str(py_exc), (str(c_exc), str(py_exc))
        return c_exc
    return [c[0] for c in c_out], [p[0] for p in py_out]


def close(node, vals, scale=1.0):
    res = run_both(node, vals)
    assert not isinstance(res, Exception), res
    for got, want in zip(*res):
        assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, want.dtype,
                                                                    got.shape, want.shape)
        assert np.array_equal(np.isnan(got), np.isnan(want))
        if got.dtype.kind == "f":
            tol = 1e-12 if got.dtype == np.float64 else 2e-6
            np.testing.assert_allclose(got, want, rtol=tol, atol=tol * scale, equal_nan=True)
        else:
            np.testing.assert_array_equal(got, want)
    return res[0]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("op", [nb.softmax_op, nb.logsoftmax_op])
def test_softmax_and_log_softmax(op, dtype):
    x = tensor(dtype, 2)
    node = op.make_node(x)
    for v in layouts(logits((7, 13), dtype)):
        close(node, [v], scale=20)
    for shape in [(0, 5), (4, 0), (1, 1), (3, 1000)]:  # zero-size, one column, long rows
        close(node, [logits(shape, dtype, special=False)], scale=20)
    # broadcast (zero-stride) rows; 3-d input (rows over the leading two axes)
    close(node, [np.broadcast_to(logits((1, 6), dtype), (4, 6))], scale=20)
    x3 = tensor(dtype, 3)
    v3 = logits((3, 4, 5), dtype)
    close(op.make_node(x3), [v3], scale=20)
    close(op.make_node(x3), [v3[:, ::-1, ::2]], scale=20)
    # extreme logits: no overflow thanks to the max subtraction
    close(node, [np.array([[1e4, 0, -1e4], [-800, -800.5, -1e30]], dtype)], scale=1e4)


def test_softmax_threads_and_large_rows():
    x = T.dmatrix()
    f = theano.function([x], [T.nnet.softmax(x), T.nnet.logsoftmax(x)])
    v = logits((600, 700), "float64", special=False) * 40
    got = f(v)
    want = theano.function([x], [T.nnet.softmax(x), T.nnet.logsoftmax(x)],
                           mode=Mode(linker="py"))(v)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)  # log: cancellation near 0


@pytest.mark.parametrize("xd,bd", [("float64", "float64"), ("float32", "float32"),
                                   ("float32", "float64"), ("float64", "float32")])
def test_softmax_with_bias(xd, bd):
    node = nb.softmax_with_bias.make_node(tensor(xd, 2), tensor(bd, 1))
    b = logits((6,), bd, 1)
    for v in layouts(logits((8, 6), xd)):
        close(node, [v, b], scale=20)
        close(node, [v, b[::-1]], scale=20)
    close(node, [logits((0, 6), xd), b])
    err = run_both(node, [logits((3, 6), xd), logits((5,), bd)])
    assert isinstance(err, ValueError) and "b has length 5 but x has 6 columns" in str(err)


@pytest.mark.parametrize("dd,sd", [("float64", "float64"), ("float32", "float32"),
                                   ("float64", "float32")])
def test_softmax_grad(dd, sd):
    node = nb.softmax_grad.make_node(tensor(dd, 2), tensor(sd, 2))
    sm = np.random.default_rng(2).random((5, 7)).astype(sd)
    for dy in layouts(logits((5, 7), dd)):
        close(node, [dy, sm], scale=20)
    close(node, [logits((5, 1), dd, special=False), sm], scale=20)  # dy broadcast on rows
    close(node, [logits((0, 7), dd), sm[:0]])
    # (perform lets np.broadcast_shapes word this one; the kernel names the op)
    prog = CProgram(FunctionGraph(node.inputs, node.outputs, clone=False))
    with pytest.raises(ValueError, match=r"SoftmaxGrad: dy has shape \(4, 7\) but sm has "
                                         r"shape \(5, 7\)"):
        prog.thunk_fns[0]([logits((4, 7), dd), sm], [[None]])


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("ydtype", ["int8", "int32", "int64", "uint16"])
def test_crossentropy_softmax_argmax(dtype, ydtype):
    op = nb.crossentropy_softmax_argmax_1hot_with_bias
    node = op.make_node(tensor(dtype, 2), tensor(dtype, 1), tensor(ydtype, 1))
    b = logits((5,), dtype, 1)
    y = np.random.default_rng(3).integers(0, 5, 9).astype(ydtype)
    for x in layouts(logits((9, 5), dtype)):
        out = close(node, [x, b, y], scale=20)
        assert np.isnan(out[0][1]) and out[2][1] == 1  # argmax of a NaN row: the NaN
    x = logits((9, 5), dtype, special=False)
    x[0, :] = 3.0  # ties: the first maximum
    close(node, [x, b * 0, y], scale=20)
    close(node, [logits((0, 5), dtype), b, y[:0]])
    bad = y.copy()
    bad[4] = 5
    err = run_both(node, [x, b, bad])
    assert isinstance(err, ValueError) and "y_idx[4] = 5 is out of bounds for 5" in str(err)
    assert str(err).startswith("CrossentropySoftmaxArgmax1HotWithBias")
    if ydtype.startswith("int"):
        bad[4] = -1
        assert isinstance(run_both(node, [x, b, bad]), ValueError)
    assert isinstance(run_both(node, [x, b, y[:3]]), ValueError)  # wrong number of labels
    assert isinstance(run_both(node, [x, b[:3], y]), ValueError)  # wrong bias length


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n,k", [(1001, 10), (333, 7), (5, 3000), (31000, 10)])
def test_short_rows_in_blocks(dtype, n, k):
    """Short rows are computed a block of rows at a time (about 2048 elements, the last
    block partial; many blocks run on threads): special values in rows of several blocks,
    rows longer than a block."""
    x = logits((n, k), dtype, seed=5)
    for r in (n // 2, n - 1):
        x[r, 0], x[r - 1, :] = np.nan, -np.inf
        x[r - 2, :] = 2.5
    b = logits((k,), dtype, 6, special=False)
    y = np.random.default_rng(7).integers(0, k, n).astype("int32")
    node = nb.crossentropy_softmax_argmax_1hot_with_bias.make_node(
        tensor(dtype, 2), tensor(dtype, 1), tensor("int32", 1))
    out = close(node, [x, b, y], scale=20)
    assert np.isnan(out[0][n - 1])
    for op in (nb.softmax_op, nb.logsoftmax_op):
        close(op.make_node(tensor(dtype, 2)), [x[::-1]], scale=20)
    close(nb.softmax_with_bias.make_node(tensor(dtype, 2), tensor(dtype, 1)), [x, b], scale=20)


@pytest.mark.parametrize("dd,sd", [("float64", "float64"), ("float32", "float32"),
                                   ("float64", "float32")])
def test_crossentropy_softmax_dx(dd, sd):
    sm = np.random.default_rng(4).random((6, 4)).astype(sd)
    y = np.array([0, 3, 1, 1, 2, 3], "int32")
    for ndim in (0, 1):
        node = nb.crossentropy_softmax_1hot_with_bias_dx.make_node(
            tensor(dd, ndim), tensor(sd, 2), tensor("int32", 1))
        dys = [np.asarray(1.5, dd)] if ndim == 0 else [
            logits((6,), dd), logits((12,), dd)[::-2], logits((1,), dd)]
        for dy in dys:
            for s in layouts(sm):
                close(node, [dy, s, y], scale=20)
        if ndim:
            err = run_both(node, [logits((4,), dd), sm, y])
            assert isinstance(err, ValueError) and "dy has length 4 but sm has 6 rows" in str(err)
    bad = y.copy()
    bad[2] = 7
    assert isinstance(run_both(node, [logits((6,), dd), sm, bad]), ValueError)


@pytest.mark.parametrize("dtype", FLOATS)
def test_crossentropy_categorical_and_grad(dtype):
    p = np.random.default_rng(5).random((6, 4)).astype(dtype)
    p[1, 2] = 0.0   # log(0): inf
    p[2, 1] = np.nan
    y = np.array([0, 2, 1, 1, 3, 3], "int64")
    node = nb.crossentropy_categorical_1hot.make_node(tensor(dtype, 2), tensor("int64", 1))
    gnode = nb.crossentropy_categorical_1hot_grad.make_node(
        tensor(dtype, 1), tensor(dtype, 2), tensor("int64", 1))
    for v in layouts(p):
        close(node, [v, y])
        close(gnode, [logits((6,), dtype, special=False), v, y])
        close(gnode, [logits((1,), dtype, special=False), v, y])  # g_y broadcast
    close(node, [p[:0], y[:0]])
    bad = y.copy()
    bad[0] = 4
    err = run_both(node, [p, bad])
    assert isinstance(err, ValueError) and "y_idx[0] = 4 is out of bounds" in str(err)
    assert isinstance(run_both(gnode, [logits((6,), dtype), p, bad]), ValueError)
    prog = CProgram(FunctionGraph(gnode.inputs, gnode.outputs, clone=False))
    with pytest.raises(ValueError, match="CrossentropyCategorical1HotGrad: g_y has length 3"):
        prog.thunk_fns[0]([logits((3,), dtype), p, y], [[None]])


def test_float16_keeps_perform():
    node = nb.softmax_op.make_node(tensor("float16", 2))
    prog = CProgram(FunctionGraph(node.inputs, node.outputs, clone=False))
    assert prog.c_nodes == []


def _softmax_regression(mode, dtype="float64"):
    rng = np.random.default_rng(7)
    X = T.matrix("X", dtype=dtype)
    y = T.ivector("y")
    W = theano.shared(rng.standard_normal((20, 5)).astype(dtype) * 0.1, name="W")
    b = theano.shared(np.zeros(5, dtype), name="b")
    p = T.nnet.softmax(T.dot(X, W) + b)
    nll = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    xent = T.mean(T.nnet.categorical_crossentropy(p, y))
    gW, gb = T.grad(nll + xent, [W, b])
    f = theano.function([X, y], [nll, xent, T.argmax(p, axis=1)], mode=mode,
                        updates=[(W, W - 0.1 * gW), (b, b - 0.1 * gb)])
    Xv = rng.standard_normal((30, 20)).astype(dtype)
    yv = rng.integers(0, 5, 30).astype("int32")
    outs = [f(Xv, yv) for _ in range(3)]
    return f, outs, W.get_value(), b.get_value()


def test_training_step_c_vs_py_and_debugmode():
    f, outs, W, b = _softmax_regression(None)
    nodes = f.maker.program.nodes
    c = set(f.maker.program.c_nodes)
    in_c = {type(n.op) for k, n in enumerate(nodes) if k in c}
    in_py = {type(n.op) for k, n in enumerate(nodes) if k not in c}
    assert not in_py, in_py  # every node of the step runs in C
    assert in_c & {nb.SoftmaxWithBias, nb.CrossentropySoftmaxArgmax1HotWithBias,
                   nb.LogSoftmax, nb.Softmax}
    _, outs_py, W_py, b_py = _softmax_regression(Mode(linker="py"))
    for a, r in zip(outs, outs_py):
        for u, v in zip(a, r):
            np.testing.assert_allclose(u, v, rtol=1e-11)
    np.testing.assert_allclose(W, W_py, rtol=1e-11)
    np.testing.assert_allclose(b, b_py, rtol=1e-11, atol=1e-15)
    # DebugMode runs each node's C kernel and perform and compares them
    _, outs_dbg, W_dbg, _ = _softmax_regression("DebugMode")
    np.testing.assert_allclose(W_dbg, W_py, rtol=1e-11)
