"""Merge, constant folding, useless ops, fill/alloc, casts, rebroadcast, DimShuffle, subtensor."""
import numpy as np

import theano.tensor as T
from theano.compile.mode import Mode
from theano.graph.basic import Constant
from theano.tensor.rewriting.basic import FOLD_MAX_ELEMENTS

NOFUSE = Mode(optimizer="fast_run").excluding("fusion")


def test_merge_common_subexpressions(check, rng):
    x = T.dmatrix("x")
    a = T.exp(x) * T.sin(x)
    b = T.exp(x) * T.sin(x)
    f = check([a + b, a - 1], {x: rng.rand(2, 3)}, mode=NOFUSE)
    exps = [n for n in check.nodes(f) if "exp" in str(n.op)]
    assert len(exps) == 1
    f = check([a, b], {x: rng.rand(2, 3)}, mode="FAST_COMPILE")
    assert check.outputs(f)[0] is check.outputs(f)[1]


def test_constant_folding(check, rng):
    x = T.dvector("x")
    c = T.constant(np.arange(4.0))
    f = check(x + T.exp(c) * 2 + T.sum(c), {x: rng.rand(4)}, mode=NOFUSE)
    assert len(check.nodes(f)) == 1  # only the add with x remains
    (node,) = check.nodes(f)
    assert any(isinstance(i, Constant) for i in node.inputs)
    f = check(T.exp(c) * 2, {}, mode="FAST_COMPILE", inputs=[])
    assert check.nodes(f) == set()


def test_constant_folding_skips_huge_allocs(check):
    n = int(np.sqrt(FOLD_MAX_ELEMENTS)) + 10
    z = T.zeros((n, n))
    f = check(z + 1, {}, inputs=[])
    assert check.nodes(f)  # computed at run time, not stored in the graph
    small = T.zeros((2, 3))
    f = check(small + 1, {}, inputs=[])
    assert check.nodes(f) == set()


def test_useless_fill_and_alloc(check, rng):
    x = T.dmatrix("x")
    y = T.dmatrix("y")
    v = {x: rng.rand(2, 3), y: rng.rand(2, 3)}
    f = check(T.fill(x, y), v, mode=NOFUSE)
    assert check.nodes(f) == set()
    f = check(T.alloc(y, x.shape[0], x.shape[1]) * x, v, mode=NOFUSE)
    assert "Alloc" not in [type(n.op).__name__ for n in check.nodes(f)]
    f = check(T.alloc(T.alloc(1.5, 3), 2, 3), {}, mode=NOFUSE, inputs=[])
    f = check(T.ones_like(x) * y, v, mode=NOFUSE)
    assert "Second" not in check.scalar_ops(f) and "Alloc" not in check.op_names(f)
    f = check(T.zeros_like(x) + 2.0, v, mode=NOFUSE)
    assert "Second" not in check.scalar_ops(f)


def test_fill_sink(check, rng):
    x = T.dmatrix("x")
    s = T.dscalar("s")
    expr = T.fill(x, s) * 2 + 1  # the broadcast happens once, at the end
    f = check(expr, {x: rng.rand(2, 3), s: 0.5}, mode=NOFUSE)
    names = check.op_names(f)
    assert names[-1] == "Alloc" or "Second" in check.scalar_ops(f)[-2:]


def test_useless_and_chained_casts(check, rng):
    x = T.dvector("x")
    i = T.ivector("i")
    f = check(T.cast(T.cast(i, "int64"), "float64"), {i: np.arange(4, dtype="int32")},
              mode=NOFUSE)
    assert check.scalar_ops(f).count("Cast") == 1
    # a lossy intermediate cast is kept
    f = check(T.cast(T.cast(x, "int32"), "float64"), {x: np.array([1.5, -2.7])}, mode=NOFUSE)
    assert check.scalar_ops(f).count("Cast") == 2
    f = check(T.cast(T.cast(i, "float64"), "int32"), {i: np.arange(4, dtype="int32")},
              mode=NOFUSE)
    assert check.nodes(f) == set()


def test_useless_rebroadcast(check, rng):
    x = T.dmatrix("x")
    r = T.unbroadcast(T.addbroadcast(x, 0), 0)
    f = check(r + 1, {x: rng.rand(1, 3)}, mode=NOFUSE)
    assert sum("Rebroadcast" in str(n.op) for n in check.nodes(f)) <= 1


def test_dimshuffle_chains_and_identity(check, rng):
    x = T.dtensor3("x")
    v = {x: rng.rand(2, 3, 4)}
    f = check(x.dimshuffle(2, 0, 1).dimshuffle(1, 2, 0), v, mode=NOFUSE)
    assert check.nodes(f) == set()
    f = check(x.dimshuffle(2, 0, 1).dimshuffle(0, "x", 2, 1), v, mode=NOFUSE)
    assert check.op_names(f) == ["DimShuffle", "DeepCopyOp"]  # (a view of the input x)
    f = check(T.exp(x).dimshuffle(2, 1, 0) + 1, v, mode=NOFUSE)
    # lifted: the transpose now applies to x, the elementwise ops follow
    assert check.op_names(f)[0] == "DimShuffle"


def test_useless_subtensor_and_shape_indexing(check, rng):
    x = T.dmatrix("x")
    v = {x: rng.rand(3, 4)}
    f = check(x[:] + 1, v, mode=NOFUSE)
    assert "Subtensor" not in check.op_names(f)
    f = check(x[0:, ::1] * 2, v, mode=NOFUSE)
    assert "Subtensor" not in check.op_names(f)
    f = check(x[:x.shape[0]] * 2, v, mode=NOFUSE)
    assert "Subtensor" not in check.op_names(f)
    f = check(x[1:] * 2, v, mode=NOFUSE)
    assert "Subtensor" in check.op_names(f)
    f = check(x.shape[1], v)
    assert check.op_names(f) == ["Shape_i"]
    f = check(x.shape[0] * 2, v, mode="FAST_COMPILE")
    assert "Shape_i" in check.op_names(f)


def test_dot_and_reductions_with_every_rewrite(check, rng):
    x = T.dmatrix("x")
    w = T.dvector("w")
    v = {x: rng.rand(5, 3), w: rng.rand(3)}
    exprs = [T.dot(x, w).sum() + T.max(x), T.mean(x, axis=0) * w, T.dot(x.T, x) / 2,
             T.argmax(x, axis=1), T.std(x, axis=0)]
    check(exprs, v)
    check(exprs, v, mode="FAST_COMPILE")


def test_empty_and_zero_d(check, rng):
    x = T.dmatrix("x")
    s = T.dscalar("s")
    check([T.exp(x) * 2 + 1, x.sum(axis=0) * s, (x - x) * s], {x: np.zeros((0, 3)), s: 2.0})
    check([s * 1 + 0, T.log(1 + T.exp(s)), s ** 2], {s: 3.0})


def test_int_and_bool_graphs(check, rng):
    i = T.ivector("i")
    b = T.bvector("b")
    v = {i: rng.randint(-3, 3, 5).astype("int32"), b: rng.randint(0, 2, 5).astype("int8")}
    check([i * 2 + 1 - i, (i > 0) * i, T.eq(i, i), i ** 2, b * 3], v)
