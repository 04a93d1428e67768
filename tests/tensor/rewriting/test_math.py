"""Canonicalization: neutral/absorbing elements, cancellation, powers, exp/log, sums."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.mode import Mode

# Keep fusion out so each test sees the individual rewritten ops.
NOFUSE = Mode(optimizer="fast_run").excluding("fusion")


def test_neutral_elements_disappear(check, rng):
    x = T.dmatrix("x")
    v = {x: rng.rand(3, 4)}
    for expr in (x * 1, x + 0, 1 * x + 0 * 0, x / 1, x - 0, (x * 1) / 1 + 0):
        f = check(expr, v, mode=NOFUSE)
        assert check.nodes(f) == set() or all(
            "Elemwise" not in check.op_names(f) for _ in [0])


@theano.config.change_flags(tensor__fast_math=True)
def test_mul_by_zero_is_zeros_of_the_right_shape(check, rng):
    x = T.dmatrix("x")
    i = T.imatrix("i")
    f = check(x * 0, {x: rng.rand(3, 4)}, mode=NOFUSE)
    assert "Mul" not in check.scalar_ops(f)
    f = check(0 * i + i * 0, {i: rng.randint(0, 9, (2, 3)).astype("int32")}, mode=NOFUSE)
    assert "Mul" not in check.scalar_ops(f)


def test_double_negation_and_inverse(check, rng):
    x = T.dvector("x")
    v = {x: rng.rand(5) + 0.5}
    f = check(-(-x), v, mode=NOFUSE)
    assert check.nodes(f) == set()
    f = check(T.inv(T.inv(x)), v, mode=NOFUSE)
    assert check.nodes(f) == set()
    f = check(-(-(-x)), v, mode=NOFUSE)
    assert check.scalar_ops(f) == ["Elemwise", "Neg"]


@theano.config.change_flags(tensor__fast_math=True)
def test_x_minus_x_is_zeros_without_computing_x(check, rng):
    x = T.dmatrix("x")
    e = T.exp(x)
    f = check(e - e, {x: rng.rand(2, 3)}, mode=NOFUSE)
    names = check.scalar_ops(f)
    assert "Exp" not in names and "Sub" not in names
    assert "Alloc" in names
    y = T.dmatrix("y")
    f = check(x + y - x, {x: rng.rand(2, 3), y: rng.rand(2, 3)}, mode=NOFUSE)
    assert check.nodes(f) == set()


@theano.config.change_flags(tensor__fast_math=True)
def test_mul_div_cancellation(check, rng):
    a, b, c = T.dmatrices("a", "b", "c")
    v = {a: rng.rand(3, 3) + .5, b: rng.rand(3, 3) + .5, c: rng.rand(3, 3) + .5}
    f = check((a * b) / (b * c), v, mode=NOFUSE)
    assert check.scalar_ops(f) == ["Elemwise", "TrueDiv"]
    f = check(a * b / b, v, mode=NOFUSE)
    assert check.nodes(f) == set()
    f = check((a / b) * (b / a), v, mode=NOFUSE)
    assert "Mul" not in check.scalar_ops(f) and "TrueDiv" not in check.scalar_ops(f)
    f = check(2 * a * 3 / (6 * b), v, mode=NOFUSE)
    assert check.scalar_ops(f) == ["Elemwise", "TrueDiv"]


def test_float_cancellation_keeps_nan_and_inf_without_fast_math():
    x = T.dvector("x")
    v = np.array([np.inf, np.nan, 0.0, 2.0])
    f = theano.function([x], [x * 0, x - x, x / x], mode=NOFUSE)
    with np.errstate(all="ignore"):
        for got, ref in zip(f(v), [v * 0, v - v, v / v]):
            np.testing.assert_array_equal(got, ref)  # NaN where NumPy gives NaN
    i = T.ivector("i")
    g = theano.function([i], [i * 0, i - i], mode=NOFUSE)
    assert not any(isinstance(n.op, T.Elemwise) and n.op.scalar_op.name in ("mul", "sub")
                   for n in g.maker.fgraph.apply_nodes)  # exact for integers


@theano.config.change_flags(tensor__fast_math=True)
def test_cancellation_keeps_broadcast_shape(check, rng):
    x = T.dmatrix("x")
    r = T.drow("r")
    v = {x: rng.rand(3, 4) + .5, r: rng.rand(1, 4) + .5}
    f = check((r * x) / x, v, mode=NOFUSE, inputs=[r, x])  # (3, 4) though only r remains
    assert f(v[r], v[x])[0].shape == (3, 4)
    check(x - x + r, v, mode=NOFUSE)
    check((x * r) / r, v, mode=NOFUSE)


def test_integer_products(check, rng):
    i, j = T.imatrices("i", "j")
    v = {i: rng.randint(-5, 5, (3, 3)).astype("int32"),
         j: rng.randint(-5, 5, (3, 3)).astype("int32")}
    check(i * 1 * j * -1, v, mode=NOFUSE)
    check(-(-i) + j - j, v, mode=NOFUSE)
    check(i // 2 + i % 3, v, mode=NOFUSE)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "int8"])
def test_pow_specializations(check, rng, dtype):
    x = T.tensor(dtype, (False, False), name="x")
    val = (rng.rand(3, 4) * 3 + 1).astype(dtype)
    rtol = 1e-5 if dtype == "float32" else 1e-7
    exprs = {2: "Sqr", 1: None, 0: None, 3: "Sqr"}
    for p, want in exprs.items():
        f = check(x ** p, {x: val}, mode=NOFUSE, rtol=rtol)
        names = check.scalar_ops(f)
        assert "Pow" not in names
        if want:
            assert want in names
    if dtype.startswith("float"):
        for p, want in {0.5: "Sqrt", -1: "Inv", -2: "Sqr", -0.5: "Sqrt"}.items():
            f = check(x ** p, {x: val}, mode=NOFUSE, rtol=rtol)
            assert "Pow" not in check.scalar_ops(f) and want in check.scalar_ops(f)
    f = check(x ** 2.5, {x: val}, mode=NOFUSE, rtol=rtol)
    assert "Pow" in check.scalar_ops(f)


def test_exp_log_inverse(check, rng):
    x = T.dvector("x")
    f = check(T.log(T.exp(x)), {x: rng.randn(6)}, mode=NOFUSE)
    assert check.nodes(f) == set()
    vals = np.array([-1.0, 0.0, 0.5, 2.0, np.inf, np.nan])
    f = check(T.exp(T.log(x)), {x: vals}, mode=NOFUSE)
    names = check.scalar_ops(f)
    assert "Exp" not in names and "Log" not in names
    np.testing.assert_array_equal(np.isnan(f(vals)[0]), [True, False, False, False, False, True])


def test_sum_rewrites(check, rng):
    x = T.dmatrix("x")
    s = T.dscalar("s")
    v = {x: rng.rand(3, 4), s: 1.5}
    f = check(T.sum(x.T, axis=0), v, mode=NOFUSE)
    assert check.op_names(f) == ["Sum"]  # the transpose is gone
    f = check(x.sum(0).sum(), v, mode=NOFUSE)
    assert check.op_names(f) == ["Sum"]
    f = check(T.sum(s * x), v, mode=NOFUSE)
    nodes = f.maker.fgraph.toposort()
    assert type(nodes[-1].op).__name__ == "Elemwise"  # scalar * sum(x): multiply last
    f = check(T.sum(-x, axis=1), v, mode=NOFUSE)
    f = check(T.sum(x / s), v, mode=NOFUSE)
    b = T.dcol("b")
    f = check(T.sum(b, axis=1), {b: rng.rand(3, 1)}, mode=NOFUSE)
    assert "Sum" not in check.op_names(f)
    f = check(T.max(b, axis=(0, 1)), {b: rng.rand(3, 1)}, mode=NOFUSE)
    check(T.mean(x, axis=0) + T.var(x), v)


def test_sum_of_alloc(check, rng):
    x = T.dmatrix("x")
    z = T.zeros_like(x) + 2.0
    f = check(T.sum(z, axis=0), {x: rng.rand(3, 4)}, mode=NOFUSE)
    assert "Sum" not in check.op_names(f)


def test_mixed_expression_matches_reference(check, rng):
    x, y = T.dmatrices("x", "y")
    v = {x: rng.rand(4, 5) + 0.1, y: rng.rand(4, 5) + 0.1}
    exprs = [
        (x + y) * (x + y) - 3 * x / (y + 2),
        -x * -y / (x * -2),
        (x - (y - x)) + (x - y) * 2 - x / y * y,
        T.exp(x) / T.exp(x) + T.log(y * 1),
        x ** 2 / x,
        (x * y) / (y * x) - 1,
    ]
    for e in exprs:
        check(e, v)
        check(e, v, mode=NOFUSE)
    check(exprs, v)


def test_canonical_form_is_a_fixed_point():
    from theano.graph.fg import FunctionGraph
    from theano.rewriting.db import optdb
    x, y, z = T.dmatrices("x", "y", "z")
    fg = FunctionGraph([x, y, z], [(x * 2 * y) / (z * 3) - y + 1])
    q = optdb.query(["fast_run"], exclude=["fusion", "inplace"])
    q.rewrite(fg)
    before = [str(n.op) for n in fg.toposort()]
    q.rewrite(fg)
    assert [str(n.op) for n in fg.toposort()] == before


def test_fast_compile_also_canonicalizes_basic_forms(check, rng):
    x = T.dvector("x")
    f = check(x * 1 + 0, {x: rng.rand(3)}, mode="FAST_COMPILE")
    assert check.nodes(f) == set()
