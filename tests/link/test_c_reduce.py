"""The C reduction kernels against the NumPy reference linker.

CAReduce (sum, prod, max, min, all, any) over every axis set of 0-d to 3-d inputs in
every dtype, with ``dtype``/``acc_dtype``, keepdims, strided/negative/broadcast layouts,
empty and 0-d arrays, NaN/inf; argmax/argmin; the fused reduction of an elementwise
expression (``ElemwiseReduce``); accuracy of long float sums; results independent of the
number of threads.  Each test asserts that the reduction nodes run in C.
"""
import itertools
import math
import warnings

import numpy as np
import pytest

import theano
import theano.scalar.basic as sb
import theano.tensor as T
from theano.compile.mode import Mode
from theano.configparser import change_flags
from theano.link.c import compiler as c_compiler
from theano.tensor.elemwise import CAReduce, Elemwise, Prod, Sum
from theano.tensor.fused_reduce import ElemwiseReduce
from theano.tensor.math import Argmax, Argmin
from theano.tensor.type import TensorType

pytestmark = [pytest.mark.skipif(c_compiler.compiler_info() is None, reason="no C compiler"),
              pytest.mark.filterwarnings("ignore:.*encountered in:RuntimeWarning"),
              pytest.mark.filterwarnings("ignore:.*ComplexWarning")]

C = Mode(linker="c", optimizer=None)
PY = Mode(linker="py", optimizer=None)
INTS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
FLOATS = ("float16", "float32", "float64")
COMPLEX = ("complex64", "complex128")
ALL = ("bool",) + INTS + FLOATS + COMPLEX
REDUCED_NODES = (CAReduce, Argmax, ElemwiseReduce)


def tensor(dtype, ndim, name="x", bcast=None):
    return TensorType(dtype, bcast if bcast is not None else (False,) * ndim)(name)


def data(dtype, shape, seed=0, kind="normal"):
    """Random values; ``kind='near1'`` keeps products finite, ``'special'`` adds NaN/inf."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype in INTS:
        info = np.iinfo(dtype)
        if kind == "near1":
            return rng.integers(max(info.min, -3), 4, shape).astype(dtype)
        return rng.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)
    if kind == "near1":
        x = rng.uniform(0.6, 1.5, n) * rng.choice([-1, 1], n)
    else:
        x = rng.standard_normal(n) * 10
    if kind == "special" and n >= 8:
        x[rng.choice(n, max(1, n // 10), replace=False)] = rng.choice(
            [np.nan, np.inf, -np.inf, -0.0, 0.0], max(1, n // 10))
    if dtype in COMPLEX:
        y = rng.standard_normal(n) if kind != "near1" else rng.uniform(-0.5, 0.5, n)
        x = x + 1j * y
    return x.reshape(shape).astype(dtype)


EPS = {"float16": 2e-3, "float32": 2e-6, "complex64": 2e-6}


def close(got, want, dtype, scale):
    """Float results to the rounding of the accumulation (``scale``: sum of |x|; ``dtype``:
    the input's, when less precise than the output)."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, got.shape,
                                                                 want.dtype, want.shape)
    if got.dtype.kind in "biu":
        np.testing.assert_array_equal(got, want)
        return
    eps = max(EPS.get(got.dtype.name, 1e-13), EPS.get(dtype, 0))
    np.testing.assert_allclose(got, want, rtol=eps, atol=eps * scale + 1e-300, equal_nan=True)


def numpy_fallback(node):
    """Reductions documented to keep NumPy's perform (theano/link/c/reduce_c.py)."""
    op, dt = node.op, node.inputs[0].type.dtype
    if isinstance(op, CAReduce) and isinstance(op.scalar_op, sb.Mul):
        return dt == "float16" and op.acc_dtype in (None, "float16")
    if isinstance(op, CAReduce) and isinstance(op.scalar_op, (sb.Maximum, sb.Minimum)):
        return dt in COMPLEX
    return isinstance(op, Argmax) and dt in COMPLEX


def c_reductions_ok(f):
    """Every reduction node runs in C, except the documented NumPy fallbacks (which must
    not)."""
    prog = f.maker.program
    for k, n in enumerate(prog.nodes):
        if isinstance(n.op, REDUCED_NODES):
            assert (k in prog.c_nodes) != numpy_fallback(n), (str(n), n.inputs[0].type)


def compare(inputs, outputs, vals, scale=1.0, expect_c=True, dtype=None):
    f = theano.function(inputs, outputs, mode=C)
    if expect_c:
        c_reductions_ok(f)
    got = f(*vals)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = theano.function(inputs, outputs, mode=PY)(*vals)
    for g, w in zip(got, want):
        close(g, w, dtype, scale)
    return f


def axis_sets(ndim):
    sets = [None]
    for r in range(ndim + 1):
        sets += list(itertools.combinations(range(ndim), r))
    return sets


# -- CAReduce ------------------------------------------------------------------------------
SHAPES = {0: (), 1: (37,), 2: (9, 13), 3: (4, 5, 6)}


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("ndim", [0, 1, 2, 3])
def test_careduce_every_axis_set(dtype, ndim):
    x = tensor(dtype, ndim)
    outs = []
    for ax in axis_sets(ndim):
        outs += [T.sum(x, axis=ax), T.max(x, axis=ax), T.min(x, axis=ax), T.all(x, axis=ax),
                 T.any(x, axis=ax)]
    v = data(dtype, SHAPES[ndim])
    f = theano.function([x], outs, mode=C)
    c_reductions_ok(f)
    got = f(v)
    want = theano.function([x], outs, mode=PY)(v)
    for g, w in zip(got, want):
        close(g, w, dtype, np.sum(np.abs(v.astype("complex128"))) + 1)


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("ndim", [0, 1, 2, 3])
def test_prod_every_axis_set(dtype, ndim):
    x = tensor(dtype, ndim)
    outs = [T.prod(x, axis=ax) for ax in axis_sets(ndim)]
    v = data(dtype, SHAPES[ndim], seed=1, kind="near1")
    compare([x], outs, [v])


@pytest.mark.parametrize("layout", ["fortran", "negative", "step", "broadcast", "offset"])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "bool", "float16",
                                   "complex128"])
def test_strided_layouts(layout, dtype):
    base = data(dtype, (11, 16, 7), seed=2)
    v = {"fortran": np.asfortranarray(base),
         "negative": base[::-1, :, ::-2],
         "step": base[1::2, ::3, 1:],
         "broadcast": np.broadcast_to(base[:, :1, :], (11, 16, 7)),
         "offset": base.transpose(2, 0, 1)[1:, 2:, 3:]}[layout]
    x = tensor(dtype, 3)
    outs = []
    for ax in axis_sets(3):
        outs += [T.sum(x, axis=ax), T.max(x, axis=ax) if dtype not in COMPLEX else
                 T.prod(x, axis=ax), T.any(x, axis=ax)]
    compare([x], outs, [v], scale=np.sum(np.abs(v.astype("complex128"))))


def test_keepdims_dtype_and_acc_dtype():
    x = tensor("float32", 3)
    i = tensor("int16", 2, "i")
    u = tensor("uint8", 2, "u")
    h = tensor("float16", 2, "h")
    outs = [T.sum(x, axis=1, keepdims=True), T.max(x, axis=(0, 2), keepdims=True),
            T.sum(x, axis=0, acc_dtype="float32"), T.sum(x, dtype="float64"),
            T.sum(x, axis=2, dtype="float16", acc_dtype="float64"),
            T.prod(x, axis=1, acc_dtype="float64"),
            T.sum(i, axis=0), T.sum(i, axis=1, dtype="int16"),
            T.sum(i, axis=1, dtype="int8", acc_dtype="int8"),
            T.sum(i, axis=0, acc_dtype="float64", dtype="float32"),
            T.prod(i, axis=0, dtype="int32", acc_dtype="int32"),
            T.sum(u), T.sum(u, axis=1, dtype="uint8", acc_dtype="uint16"),
            T.sum(h, axis=0), T.sum(h, acc_dtype="float64"), T.prod(h, axis=1),
            T.mean(h, axis=1), T.mean(i), T.mean(x, axis=(0, 1)), T.min(h, axis=0)]
    vals = [data("float32", (6, 7, 8), 3), data("int16", (9, 10), 4), data("uint8", (9, 10), 5),
            data("float16", (9, 10), 6) / 10]
    compare([x, i, u, h], outs, vals, scale=2000, dtype="float16")


@pytest.mark.parametrize("dtype", ALL)
def test_every_output_dtype(dtype):
    # the accumulator converted to every output dtype (small non-negative values: the
    # conversions NumPy and C agree on)
    x = tensor(dtype, 2)
    outs = []
    for out in ALL:
        outs += [Sum(axis=(0,), dtype=out)(x), Sum(axis=(1,), dtype=out)(x)]
        if dtype not in COMPLEX:
            outs.append(CAReduce(sb.maximum, axis=(0,), dtype=out)(x))
    rng = np.random.default_rng(20)
    v = rng.integers(0, 4, (5, 7)).astype(dtype)
    if dtype in FLOATS + COMPLEX:
        v = (v * 0.75).astype(dtype)
    compare([x], outs, [v], scale=100, dtype=dtype)


def test_numpy_fallbacks():
    # int32 accumulation into int64: NumPy's wrap-around at 32 bits shows; kept in NumPy.
    i = tensor("int32", 1, "i")
    out = Sum(axis=(0,), dtype="int64", acc_dtype="int32")(i)
    f = theano.function([i], out, mode=C)
    assert f.maker.program.c_nodes == []
    v = np.full(4, 2 ** 30, "int32")
    assert f(v) == np.sum(v, dtype="int32")
    # float16 products: NumPy rounds (and overflows) to float16 at steps that depend on
    # the layout
    h = tensor("float16", 2, "h")
    g = theano.function([h], [T.prod(h, axis=0), T.prod(h.T, axis=1),
                              T.prod(h, axis=0, acc_dtype="float32")], mode=C)
    prods = [k for k, n in enumerate(g.maker.program.nodes) if isinstance(n.op, Prod)]
    assert [k in g.maker.program.c_nodes for k in prods] == [False, False, True]
    hv = np.array([[300, 1], [300, 1], [0.001, 1]], "float16")
    p0, p1, p32 = g(hv)
    # float16 products accumulate in float32 (Theano 1.0's acc_dtype): no overflow
    want = np.prod(hv.astype("float32"), axis=0).astype("float16")
    np.testing.assert_array_equal(p0, want)
    np.testing.assert_array_equal(p1, want)
    p0, p1, p32 = g(np.asfortranarray(hv))
    assert p0[0] == np.float16(90.06) and abs(float(p32[0]) - 90) < 0.1



def test_special_values():
    for dt in ("float64", "float32", "float16"):
        x = tensor(dt, 2)
        outs = []
        for ax in axis_sets(2):
            outs += [T.sum(x, axis=ax), T.max(x, axis=ax), T.min(x, axis=ax),
                     T.prod(x, axis=ax), T.all(x, axis=ax), T.any(x, axis=ax)]
        for seed in range(3):
            v = data(dt, (13, 21), seed=seed, kind="special")
            compare([x], outs, [v], scale=1e6)
    # NaN wins over inf in max/min; inf - inf is NaN; -0.0 sums
    x = tensor("float64", 1)
    f = compare([x], [T.max(x), T.min(x), T.sum(x)],
                [np.array([1.0, np.inf, np.nan, -np.inf, 2.0] * 300)])
    assert all(np.isnan(r) for r in f(np.array([1.0, np.inf, np.nan, -np.inf] * 300)))
    r = f(np.array([np.inf, -np.inf, 5.0]))
    assert r[0] == np.inf and r[1] == -np.inf and np.isnan(r[2])
    r = f(np.array([np.nan] + [1.0] * 2000))
    assert np.isnan(r[0]) and np.isnan(r[1])
    r = f(np.array([1.0] * 2000 + [np.nan]))
    assert np.isnan(r[0]) and np.isnan(r[1])


def test_empty_inputs():
    x = tensor("float64", 2)
    i = tensor("int8", 3, "i")
    for shape in [(0, 5), (5, 0), (0, 0)]:
        v = np.zeros(shape)
        outs = []
        for ax in axis_sets(2):
            outs += [T.sum(x, axis=ax), T.prod(x, axis=ax), T.all(x, axis=ax),
                     T.any(x, axis=ax)]
        compare([x], outs, [v])
    compare([i], [T.sum(i, axis=(0, 2)), T.prod(i, axis=1), T.all(i), T.any(i, axis=0)],
            [np.zeros((2, 0, 3), "int8")])
    # max/min of an empty axis raise, as the reference does
    f = theano.function([x], T.max(x, axis=0), mode=C)
    c_reductions_ok(f)
    with pytest.raises(ValueError, match="cannot reduce an empty dimension"):
        f(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="cannot reduce an empty dimension"):
        theano.function([x], T.max(x, axis=0), mode=PY)(np.zeros((0, 3)))
    np.testing.assert_array_equal(f(np.zeros((3, 0))), np.zeros(0))
    g = theano.function([x], T.min(x, axis=1), mode=C)
    with pytest.raises(ValueError, match="cannot reduce an empty dimension"):
        g(np.zeros((0, 0)))
    assert g(np.zeros((0, 4))).shape == (0,)


def test_wrong_input_rank_raises():
    x = tensor("float64", 2)
    f = theano.function([x], T.sum(x, axis=0), mode=C)
    with pytest.raises(Exception):
        f(np.zeros(3))


# -- long reductions: accuracy and threads --------------------------------------------------
def test_float32_sum_of_millions_stays_accurate():
    rng = np.random.default_rng(7)
    v = rng.random(3_000_001, dtype=np.float32)
    exact = math.fsum(v.astype(np.float64))
    x = tensor("float32", 1)
    f = theano.function([x], [T.sum(x), T.mean(x), T.sum(x, acc_dtype="float32")], mode=C)
    c_reductions_ok(f)
    s, m, s32 = f(v)
    assert abs(float(s) - exact) <= 1e-7 * exact       # float64 accumulation, one rounding
    assert abs(float(m) * v.size - exact) <= 2e-7 * exact
    assert abs(float(s32) - exact) <= 1e-6 * exact     # float32 pairwise
    # strided and along the first axis too
    w = v[:3_000_000].reshape(1000, 3000)
    xm = tensor("float32", 2)
    g = theano.function([xm], [T.sum(xm, axis=0), T.sum(xm, axis=1), T.sum(xm[:, ::2])],
                        mode=C)
    c_reductions_ok(g)
    s0, s1, s2 = g(w)
    np.testing.assert_allclose(s0, w.astype(np.float64).sum(0), rtol=1e-7)
    np.testing.assert_allclose(s1, w.astype(np.float64).sum(1), rtol=1e-7)
    assert abs(float(s2) - math.fsum(w[:, ::2].ravel().astype(np.float64))) <= 1e-7 * s2


def test_float64_long_sum_accuracy():
    rng = np.random.default_rng(8)
    v = rng.standard_normal(2_000_003) * np.exp(rng.uniform(-5, 5, 2_000_003))
    exact = math.fsum(v)
    x = tensor("float64", 1)
    f = theano.function([x], T.sum(x), mode=C)
    c_reductions_ok(f)
    assert abs(float(f(v)) - exact) <= 1e-13 * np.sum(np.abs(v))


def _run_with_threads(n, inputs, outputs, vals):
    with change_flags(openmp_threads=n, openmp_elemwise_minsize=1000):
        f = theano.function(inputs, outputs, mode=Mode(linker="c", optimizer="fast_run"))
        return f, f(*vals)


@pytest.mark.parametrize("nthreads", [2, 3])
def test_results_do_not_depend_on_the_thread_count(nthreads):
    x = tensor("float64", 2)
    y = tensor("float32", 3, "y")
    outs = [T.sum(x), T.sum(x, axis=0), T.sum(x, axis=1), T.sum(x[:, ::3]), T.max(x, axis=0),
            T.sum(x ** 2), T.sum((x - 1) ** 2, axis=0), T.sum(T.exp(x), axis=1),
            T.mean(x * 2), T.sum(y, axis=(0, 2)), T.sum(y, axis=1), T.sum(y[:, :1, :]),
            T.argmax(x, axis=1), T.prod(x * 0 + 1.0001, axis=0)]
    vals = [data("float64", (3000, 700), 9) / 10, data("float32", (2, 40000, 5), 10)]
    f1, r1 = _run_with_threads(1, [x, y], outs, vals)
    c_reductions_ok(f1)
    fn, rn = _run_with_threads(nthreads, [x, y], outs, vals)
    for a, b in zip(r1, rn):
        np.testing.assert_array_equal(a, b)
    want = theano.function([x, y], outs, mode=PY)(*vals)
    for g, w in zip(rn, want):
        close(g, w, None, 1e7)


def test_few_large_outputs_and_many_small_ones():
    # row layout with subtrees shared by threads; column layout with narrow columns
    x = tensor("float64", 2)
    outs = [T.sum(x, axis=1), T.max(x, axis=1), T.sum(x, axis=0), T.min(x.T, axis=1),
            T.any(x > 5, axis=0)]
    for shape in [(2, 600_000), (600_000, 3), (300_000, 20), (20, 30_001)]:
        v = data("float64", shape, 11)
        with change_flags(openmp_elemwise_minsize=1000):
            compare([x], outs, [v], scale=np.abs(v).sum())


# -- argmax / argmin ----------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ("bool",) + INTS + FLOATS)
def test_argmax_argmin(dtype):
    outs, ins, vals = [], [], []
    for ndim in (1, 2, 3):
        x = tensor(dtype, ndim, "x%d" % ndim)
        ins.append(x)
        v = data(dtype, SHAPES[ndim], seed=ndim, kind="special" if dtype in FLOATS else
                 "normal")
        if dtype in INTS:
            v = v % 5  # ties
        vals.append(v.astype(dtype))
        for ax in axis_sets(ndim):
            if ax == ():
                continue
            outs += [T.argmax(x, axis=ax), T.argmin(x, axis=ax),
                     T.argmax(x, axis=ax, keepdims=True)]
    compare(ins, outs, vals)


def test_argmax_axis_order_nan_and_empty():
    x = tensor("float64", 3)
    v = data("float64", (3, 4, 5), 12)
    outs = [Argmax((2, 0))(x), Argmin((1, 0))(x), Argmax((0, 2, 1))(x)]
    compare([x], outs, [v])
    y = tensor("float64", 1)
    f = compare([y], [T.argmax(y), T.argmin(y)], [np.array([1.0, np.nan, 3.0, np.nan])])
    assert [int(r) for r in f(np.array([1.0, np.nan, 3.0, np.nan]))] == [1, 1]
    assert [int(r) for r in f(np.array([2.0, 5.0, 5.0, -1.0, -1.0]))] == [1, 3]
    with pytest.raises(ValueError, match="empty sequence"):
        f(np.zeros(0))
    z = tensor("complex128", 1)
    g = theano.function([z], T.argmax(z), mode=C)
    assert g.maker.program.c_nodes == []  # complex: NumPy's perform


# -- the fused elementwise reduction -----------------------------------------------------
def _fused(scalar_expr_fn, reduce_op, *inputs):
    """ElemwiseReduce of the scalar graph ``scalar_expr_fn(*scalar inputs)``."""
    s_ins = [sb.ScalarType(i.type.dtype)() for i in inputs]
    comp = sb.Composite(s_ins, [scalar_expr_fn(*s_ins)])
    return ElemwiseReduce(comp, reduce_op)(*inputs)


@pytest.mark.parametrize("ndim", [0, 1, 2, 3])
def test_fused_every_axis_set(ndim):
    x = tensor("float64", ndim)
    y = tensor("float64", ndim, "y", bcast=(True,) + (False,) * (ndim - 1) if ndim else ())
    outs = []
    for ax in axis_sets(ndim):
        axis = tuple(range(ndim)) if ax is None else ax
        outs += [_fused(lambda a: sb.mul(a, a), Sum(axis=axis), x),
                 _fused(lambda a, b: sb.sqr(sb.sub(a, b)), Sum(axis=axis), x, y),
                 _fused(lambda a: sb.abs_(a), CAReduce(sb.maximum, axis=axis), x),
                 _fused(lambda a, b: sb.add(a, b), CAReduce(sb.minimum, axis=axis), x, y),
                 _fused(lambda a: sb.add(sb.mul(a, sb.constant(0.5)), sb.constant(1.0)),
                        Prod(axis=axis), x),
                 _fused(lambda a: sb.gt(a, sb.constant(0.3)), CAReduce(sb.and_, axis=axis), x),
                 _fused(lambda a, b: sb.lt(a, b), CAReduce(sb.or_, axis=axis), x, y)]
    shape = SHAPES[ndim]
    vals = [data("float64", shape, 13, kind="near1"),
            data("float64", (1,) + shape[1:] if ndim else (), 14, kind="near1")]
    compare([x, y], outs, vals, scale=1e3)


@pytest.mark.parametrize("dtype", ["bool", "int8", "int32", "uint16", "int64", "uint64",
                                   "float32"])
def test_fused_dtypes(dtype):
    x = tensor(dtype, 2)
    outs = [T.sum(x * 2, axis=ax) if dtype != "bool" else T.sum(~x, axis=ax)
            for ax in axis_sets(2)]
    outs += [T.max(x + x, axis=0), T.min(x * x, axis=1), T.all(T.neq(x, 3)),
             T.any(T.eq(x, 3), axis=1), T.prod(x + 1, axis=1), T.mean(x * 3, axis=0)]
    v = data(dtype, (33, 17), 15)
    f = theano.function([x], outs, mode=Mode(linker="c", optimizer="fast_run"))
    nodes = f.maker.program.nodes
    fused = [k for k, n in enumerate(nodes) if isinstance(n.op, ElemwiseReduce)]
    assert fused and set(fused) <= set(f.maker.program.c_nodes)
    want = theano.function([x], outs, mode=PY)(v)
    for g, w in zip(f(v), want):
        close(g, w, dtype, np.abs(v.astype(np.float64)).sum() * 10)


def test_fused_strided_and_broadcast_inputs():
    x = tensor("float64", 3)
    r = tensor("float64", 3, "r", bcast=(True, False, True))
    outs = []
    for ax in axis_sets(3):
        axis = tuple(range(3)) if ax is None else ax
        outs += [_fused(lambda a, b: sb.mul(sb.sqr(sb.sub(a, b)), sb.constant(0.5)),
                        Sum(axis=axis), x, r),
                 _fused(lambda a, b: sb.mul(a, b), CAReduce(sb.maximum, axis=axis), x, r)]
    base = data("float64", (9, 14, 12), 16)
    for v in [base[::-1, ::2, 1:], np.asfortranarray(base), base.transpose(1, 2, 0),
              np.broadcast_to(base[:1], (9, 14, 12))]:
        rv = data("float64", (1, v.shape[1], 1), 17)[:, ::-1, :]
        compare([x, r], outs, [v, rv], scale=1e4)


def test_fused_errors_and_empty():
    i = tensor("int32", 1, "i")
    j = tensor("int32", 1, "j")
    out = _fused(lambda a, b: sb.pow(a, b), Sum(axis=(0,)), i, j)
    f = theano.function([i, j], out, mode=C)
    c_reductions_ok(f)
    assert f(np.array([2, 3], "int32"), np.array([3, 2], "int32")) == 17
    with pytest.raises(ValueError, match="negative integer powers"):
        f(np.array([2] * 3000, "int32"), np.array([1] * 2999 + [-1], "int32"))
    with pytest.raises(ValueError, match="[Ii]nput dimension mismatch"):
        f(np.array([2, 3], "int32"), np.array([1, 2, 3], "int32"))
    x = tensor("float64", 2)
    g = theano.function([x], [_fused(lambda a: sb.mul(a, a), Sum(axis=(0,)), x),
                              _fused(lambda a: sb.mul(a, a), CAReduce(sb.maximum, axis=(1,)), x)],
                        mode=C)
    c_reductions_ok(g)
    s, m = g(np.zeros((0, 3)))
    np.testing.assert_array_equal(s, np.zeros(3))
    assert m.shape == (0,)
    with pytest.raises(ValueError, match="cannot reduce an empty dimension"):
        g(np.zeros((3, 0)))


def test_fused_large_threads_and_mean():
    x = tensor("float64", 1)
    y = tensor("float32", 2, "y")
    outs = [T.sum(x ** 2), T.mean(x ** 2), T.max(abs(x)), T.sum(y ** 2, axis=0),
            T.mean(T.tanh(y), axis=1), T.sum(y * 3)]
    vals = [data("float64", (2_000_003,), 18), data("float32", (1500, 701), 19)]
    with change_flags(openmp_elemwise_minsize=1000):
        f = theano.function([x, y], outs, mode=Mode(linker="c", optimizer="fast_run"))
        ops = [type(n.op) for n in f.maker.program.nodes]
        assert ops.count(ElemwiseReduce) == 4  # sum(y * 3) is 3 * sum(y); one sum(x ** 2)
        c_reductions_ok(f)
        got = f(*vals)
    want = theano.function([x, y], outs, mode=PY)(*vals)
    for g, w in zip(got, want):
        close(g, w, None, 1e9)
    assert abs(float(got[0]) - math.fsum(vals[0] ** 2)) <= 1e-14 * float(got[0])
