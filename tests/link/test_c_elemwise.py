"""The C linker's elementwise kernels against the NumPy reference linker.

Every test compiles with ``Mode(linker='c')`` and compares with
``Mode(linker='py')`` on the same graph: dtypes, NaN/inf, empty and 0-d
arrays, broadcasting, strides, in-place reuse, errors.  Graphs are grouped so
that one compiled module covers many ops (compiled modules are cached, so a
second run compiles nothing).
"""
import os
import subprocess
import sys
import sysconfig
import textwrap
import warnings

import numpy as np
import pytest

import theano
import theano.scalar.basic as sb
from theano.compile.mode import Mode
from theano.configparser import change_flags, config
from theano.graph.basic import Apply
from theano.graph.fg import FunctionGraph
from theano.graph.op import Op
from theano.link.c import compiler as c_compiler
from theano.link.c import registry
from theano.link.c.compiler import CompileError
from theano.link.c.linker import CProgram
from theano.tensor.elemwise import Elemwise
from theano.tensor.type import TensorType

pytestmark = [pytest.mark.skipif(c_compiler.compiler_info() is None, reason="no C compiler"),
              # the NumPy reference warns on overflow / NaN, as NumPy does
              pytest.mark.filterwarnings("ignore:.*encountered in:RuntimeWarning")]

C = Mode(linker="c", optimizer=None)
PY = Mode(linker="py", optimizer=None)
DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float32", "float64")
FLOATS = ("float32", "float64")
SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.5, -2.5, 1e-310, 3e38,
           -3e38, 1e300, 709.5, -745.0, 30.0, 31.0]


def values(dtype, n=300, seed=0, small=False):
    """Random values of ``dtype`` with the edge cases of that dtype included."""
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.random(n) < 0.5
    if dtype in FLOATS:
        with np.errstate(over="ignore"):
            x = np.concatenate([rng.standard_normal(n - len(SPECIAL)) * 10, SPECIAL])
            return rng.permutation(x).astype(dtype)
    info = np.iinfo(dtype)
    if small:
        lo, hi = max(info.min, -6), min(info.max, 6)
        return rng.integers(lo, hi + 1, n).astype(dtype)
    edge = [info.min, info.max, 0, 1, info.min + 1, info.max - 1] + ([-1] if info.min else [])
    x = np.concatenate([rng.integers(info.min, info.max, n // 2, dtype=dtype, endpoint=True),
                        rng.integers(max(info.min, -20), 21, n - n // 2 - len(edge), dtype=dtype),
                        np.array(edge, dtype=dtype)])
    return rng.permutation(x).astype(dtype)


def tol(dtype):
    return dict(rtol=1e-6, atol=1e-37) if dtype == "float32" else dict(rtol=1e-15, atol=1e-300)


def assert_same(got, want):
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, got.shape,
                                                                 want.dtype, want.shape)
    if got.dtype.kind == "f":
        np.testing.assert_allclose(got, want, equal_nan=True, **tol(got.dtype.name))
    else:
        np.testing.assert_array_equal(got, want)


def reference(inputs, outputs, vals):
    """The NumPy linker's results, or None when the reference itself raises."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return theano.function(inputs, outputs, mode=PY)(*vals)
    except (TypeError, ValueError):
        return None


def check_against_py(inputs, outputs, vals, expect_all_c=True):
    """Compile ``outputs`` with both linkers; assert equal results; return the C function."""
    f = theano.function(inputs, outputs, mode=C)
    if expect_all_c:
        nodes = f.maker.program.nodes
        missing = [str(nodes[k]) for k in range(len(nodes)) if k not in f.maker.program.c_nodes
                   and isinstance(nodes[k].op, Elemwise)]
        assert not missing, "no C kernel for: %s" % missing
    got = f(*vals)
    want = theano.function(inputs, outputs, mode=PY)(*vals)
    for g, w in zip(got, want):
        assert_same(g, w)
    return f


def tensor(dtype, ndim=1, name=None, bcast=None):
    return TensorType(dtype, bcast if bcast is not None else (False,) * ndim)(name)


UNARY = [sb.neg, sb.abs_, sb.sgn, sb.sqr, sb.inv, sb.identity, sb.isnan, sb.isinf, sb.floor,
         sb.ceil, sb.trunc, sb.round_half_to_even, sb.round_half_away_from_zero, sb.real,
         sb.imag, sb.conj, sb.invert, sb.sigmoid, sb.softplus, sb.deg2rad, sb.rad2deg,
         sb.erf] + [getattr(sb, n.lower()) for n in (
             "Exp", "Exp2", "Expm1", "Log", "Log2", "Log10", "Log1p", "Sqrt", "Sin", "Cos",
             "Tan", "ArcSin", "ArcCos", "ArcTan", "Sinh", "Cosh", "Tanh", "ArcSinh", "ArcCosh",
             "ArcTanh")]


def _valid(ops, make, vals):
    """The (op, output) pairs the reference can compute (NumPy raises for some dtypes)."""
    keep = []
    for op in ops:
        try:
            out = make(op)
        except TypeError:
            continue
        if reference(*out, vals) is not None:
            keep.append(out[1])
    return keep


@pytest.mark.parametrize("dtype", DTYPES)
def test_unary_ops_match_numpy(dtype):
    x = tensor(dtype, name="x")
    vals = [values(dtype)]
    outs = _valid(UNARY, lambda op: ([x], [Elemwise(op)(x)]), vals)
    assert len(outs) >= 10
    check_against_py([x], [o[0] for o in outs], vals)


@pytest.mark.parametrize("dtype", DTYPES)
def test_casts_match_numpy(dtype):
    x = tensor(dtype, name="x")
    v = values(dtype)
    exact = [to for to in DTYPES if dtype not in FLOATS or to in FLOATS + ("bool",)]
    check_against_py([x], [Elemwise(sb.Cast(to))(x) for to in exact], [v])
    if dtype in FLOATS:
        # float -> int is undefined out of range, in C as in NumPy: in-range values only
        v = np.where(np.isfinite(v) & (np.abs(v) < 100), v, 3.5).astype(dtype)
        signed = [to for to in DTYPES if to.startswith("int")]
        unsigned = [to for to in DTYPES if to.startswith("uint")]
        check_against_py([x], [Elemwise(sb.Cast(to))(x) for to in signed], [v])
        check_against_py([x], [Elemwise(sb.Cast(to))(x) for to in unsigned], [np.abs(v)])


BINARY = [sb.add, sb.sub, sb.mul, sb.true_div, sb.int_div, sb.mod, sb.pow, sb.minimum,
          sb.maximum, sb.lt, sb.gt, sb.le, sb.ge, sb.eq, sb.neq, sb.and_, sb.or_, sb.xor,
          sb.arctan2, sb.hypot, sb.second]
PAIRS = [(d, d) for d in DTYPES] + [
    ("int8", "uint8"), ("int64", "uint64"), ("uint64", "int8"), ("int32", "float32"),
    ("uint64", "float64"), ("bool", "int8"), ("float32", "float64"), ("int16", "uint32"),
    ("uint8", "bool"), ("float32", "int64")]


@pytest.mark.parametrize("da,db", PAIRS)
def test_binary_ops_match_numpy(da, db):
    x, y = tensor(da, name="x"), tensor(db, name="y")
    vals = [values(da, seed=1), values(db, seed=2)]
    if np.dtype(db).kind in "iu":
        vals[1][:40] = 0  # division by zero gives 0, as in NumPy
    ops = [op for op in BINARY if op is not sb.pow]
    outs = _valid(ops, lambda op: ([x, y], [Elemwise(op)(x, y)]), vals)
    # Integer powers: exponents that are not negative (negative ones raise).
    pv = [vals[0], np.abs(values(db, seed=3, small=True)).astype(db)]
    pouts = _valid([sb.pow], lambda op: ([x, y], [Elemwise(op)(x, y)]), pv)
    assert len(outs) >= 8
    check_against_py([x, y], [o[0] for o in outs], vals)
    if pouts:
        check_against_py([x, y], [pouts[0][0]], pv)


def test_integer_power_with_negative_exponent_raises_like_numpy():
    x, y = tensor("int32", name="x"), tensor("int32", name="y")
    f = theano.function([x, y], Elemwise(sb.pow)(x, y), mode=C)
    assert f.maker.program.c_nodes == [0]
    with pytest.raises(ValueError, match="negative integer powers"):
        f(np.array([2, 3], "int32"), np.array([1, -1], "int32"))
    np.testing.assert_array_equal(f(np.array([2, -3], "int32"), np.array([10, 3], "int32")),
                                  [1024, -27])


def test_float_floor_division_and_modulo_edge_cases():
    a = np.array([1.0, -1.0, 0.0, np.inf, -np.inf, np.nan, 5.0, -5.0, 7.5, -7.5, 1e308, -0.0])
    b = np.array([0.0, 0.0, 0.0, 2.0, 3.0, 1.0, np.inf, np.inf, -2.0, 2.0, 1e-308, -3.0])
    for dt in FLOATS:
        x, y = tensor(dt, name="x"), tensor(dt, name="y")
        check_against_py([x, y], [Elemwise(sb.int_div)(x, y), Elemwise(sb.mod)(x, y)],
                         [a.astype(dt), b.astype(dt)])


def test_ternary_and_nary_ops():
    c, x, y = tensor("bool", name="c"), tensor("int16", name="x"), tensor("float32", name="y")
    z = tensor("float64", name="z")
    vals = [values("bool"), values("int16"), values("float32", seed=4), values("float64", seed=5)]
    outs = [Elemwise(sb.switch)(c, x, y), Elemwise(sb.switch)(y, x, z),
            Elemwise(sb.clip)(y, x, z), Elemwise(sb.clip)(x, np.int16(-5), np.int16(7)),
            Elemwise(sb.add)(x, c, y, z), Elemwise(sb.mul)(c, x, x),
            Elemwise(sb.add)(x, x, z), Elemwise(sb.and_)(c, x, x), Elemwise(sb.xor)(x, c)]
    check_against_py([c, x, y, z], outs, vals)


def _composite(inputs, outputs):
    return Elemwise(sb.Composite(inputs, outputs))


def test_composites_match_numpy():
    a, b = sb.float64(), sb.float64()
    i = sb.ScalarType("int8")()
    f32 = sb.float32()
    sig = _composite([a], [sb.true_div(sb.constant(1.0), sb.add(sb.constant(1.0),
                                                                  sb.exp(sb.neg(a))))])
    # two outputs, an output that is an input, NaN/inf constants, int and float mixed
    multi = _composite([a, b, i], [
        sb.maximum(sb.mul(a, b), sb.constant(np.nan)), a,
        sb.add(sb.int_div(i, sb.constant(np.int8(3))), sb.true_div(i, sb.constant(np.int8(0)))),
        sb.switch(sb.lt(a, b), sb.log1p(sb.abs_(a)), sb.minimum(b, sb.constant(np.inf)))])
    inner = sb.Composite([a, b], [sb.sub(sb.sqr(a), sb.mul(a, b))])
    # float32 sqrt is correctly rounded, so the float64 result can match to 1e-15
    nested = _composite([a, b, f32], [sb.add(inner(a, b), sb.sqrt(sb.abs_(f32)))])
    x, y = tensor("float64", name="x"), tensor("float64", name="y")
    z, w = tensor("int8", name="z"), tensor("float32", name="w")
    vals = [values("float64", seed=6), values("float64", seed=7), values("int8"),
            values("float32", seed=8)]
    outs = [sig(x)] + list(multi(x, y, z)) + [nested(x, y, w)]
    check_against_py([x, y, z, w], outs, vals)


LAYOUTS = {
    "0-d": ((), ()),
    "empty": ((0, 3), (1, 3)),
    "empty-bcast": ((4, 0), (4, 1)),
    "row": ((5, 7), (1, 7)),
    "col": ((5, 7), (5, 1)),
    "outer": ((6, 1), (1, 9)),
    "scalar-like": ((3, 4, 5), (1, 1, 1)),
    "long-rows": ((3, 3000), (3, 1)),
    "long-col": ((3000, 2), (1, 2)),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_broadcasting_shapes(layout):
    sa, sb_ = LAYOUTS[layout]
    x = tensor("float64", bcast=tuple(s == 1 for s in sa), name="x")
    y = tensor("float32", bcast=tuple(s == 1 for s in sb_), name="y")
    rng = np.random.default_rng(0)
    vals = [rng.standard_normal(sa), rng.standard_normal(sb_).astype("float32")]
    outs = [Elemwise(sb.add)(x, y), Elemwise(sb.exp)(Elemwise(sb.mul)(x, y)),
            Elemwise(sb.lt)(y, x)]
    check_against_py([x, y], outs, vals)


def _misaligned(like):
    buf = np.empty(like.size * like.itemsize + 1, "u1")[1:]
    a = np.frombuffer(buf, like.dtype).reshape(like.shape)
    a[...] = like * 2
    return a


def _strided_inputs():
    rng = np.random.default_rng(1)
    base = rng.standard_normal((40, 2100))
    return {
        "transposed": (base[:20, :30].T, base[:30, :20] + 1),
        "fortran": (np.asfortranarray(base[:30, :20]), np.asfortranarray(base[5:35, 1:21])),
        "fortran-and-c": (np.asfortranarray(base[:30, :20]), base[5:35, 1:21].copy()),
        "negative-strides": (base[::-1, ::-2][:30, :20], base[:30, :20]),
        "step-slices": (base[::3, ::7][:12, :300], base[:12, :300]),
        "long-strided": (base[:4, :2100], base[::10, :2100]),
        "long-strided-inner": (base[:4, ::2], base[::10, ::2]),
        "misaligned": (_misaligned(base[:30, :20]), base[:30, :20]),
    }


@pytest.mark.parametrize("case", sorted(_strided_inputs()))
def test_strided_and_fortran_inputs(case):
    a, b = _strided_inputs()[case]
    x, y = tensor("float64", 2, name="x"), tensor("float64", 2, name="y")
    outs = [Elemwise(sb.add)(x, y), Elemwise(sb.sin)(Elemwise(sb.mul)(x, y))]
    check_against_py([x, y], outs, [a, b])


def test_shape_mismatch_raises_with_both_shapes():
    x, y = tensor("float64", 2, name="x"), tensor("float64", 2, name="y")
    f = theano.function([x, y], Elemwise(sb.add)(x, y), mode=C)
    with pytest.raises(ValueError, match=r"\(3, 4\).*\(3, 5\)"):
        f(np.zeros((3, 4)), np.zeros((3, 5)))
    # size 1 in a dimension that is not broadcastable: Theano refuses, like the reference
    with pytest.raises(ValueError, match="not broadcastable") as info:
        f(np.zeros((3, 4)), np.zeros((3, 1)))
    assert "(3, 1)" in str(info.value) and "(3, 4)" in str(info.value)
    with pytest.raises(ValueError):
        theano.function([x, y], Elemwise(sb.add)(x, y), mode=PY)(np.zeros((3, 4)),
                                                                  np.zeros((3, 1)))


def _program(inputs, outputs):
    return CProgram(FunctionGraph(inputs, outputs, clone=False))


def test_inplace_reuses_the_input_buffer():
    x, y = tensor("float64", name="x"), tensor("float64", name="y")
    node = Elemwise(sb.mul, {0: 0})(x, y).owner
    prog = _program([x, y], node.outputs)
    assert prog.c_nodes == [0]
    thunk = prog.thunk_fns[0]
    a, b = np.arange(5.0), np.full(5, 2.0)
    cell = [[None]]
    thunk([a, b], cell)
    assert cell[0][0] is a and a.tolist() == [0, 2, 4, 6, 8]
    # An overlapping other input: a fresh output keeps the result correct.
    base = np.arange(6.0)
    a, b = base[1:], base[:-1]
    thunk([a, b], cell)
    assert cell[0][0] is not a
    np.testing.assert_array_equal(cell[0][0], np.arange(1.0, 6) * np.arange(5.0))
    # Read-only or wrongly shaped targets are not reused either.
    ro = np.arange(5.0)
    ro.flags.writeable = False
    thunk([ro, b], cell)
    assert cell[0][0] is not ro


def test_thunk_checks_its_arguments():
    x = tensor("float64", name="x")
    prog = _program([x], [Elemwise(sb.exp)(x)])
    thunk = prog.thunk_fns[0]
    with pytest.raises(ValueError, match="1 dimensions"):
        thunk([np.zeros((3, 3))], [[None]])
    cell = [[None]]
    thunk([np.arange(2)], cell)  # other dtypes are converted
    np.testing.assert_allclose(cell[0][0], [1.0, np.e], rtol=1e-15)
    thunk([np.arange(3, dtype=">f8")], cell)  # byte-swapped input
    np.testing.assert_allclose(cell[0][0], np.exp(np.arange(3.0)), rtol=1e-15)


def test_nodes_without_c_code_use_numpy_thunks():
    x = tensor("complex128", name="x")
    y = tensor("float64", name="y")
    outs = [Elemwise(sb.exp)(x), Elemwise(sb.exp)(y), Elemwise(sb.erfc)(y)]
    f = theano.function([x, y], outs, mode=C)
    assert f.maker.program.c_nodes == [k for k, n in enumerate(f.maker.program.nodes)
                                       if n.inputs[0].type.dtype == "float64"
                                       and isinstance(n.op.scalar_op, type(sb.exp))]
    vals = [np.array([1j, 2.0]), np.array([0.5, 2.0])]
    for g, w in zip(f(*vals), theano.function([x, y], outs, mode=PY)(*vals)):
        assert_same(g, w)


def test_identical_nodes_share_one_kernel():
    x, y = tensor("float64", name="x"), tensor("float64", name="y")
    f = theano.function([x, y], [Elemwise(sb.exp)(x), Elemwise(sb.exp)(y)], mode=C)
    kernels = f.maker.program.kernels
    assert kernels[0] == kernels[1]


def test_fused_graph_through_the_default_optimizer():
    import theano.tensor as T
    x, y = T.dmatrix("x"), T.dvector("y")
    out = T.tanh(x * y + 1) / (1 + T.exp(-x)) - T.sqrt(abs(y))
    fc = theano.function([x, y], out, mode=Mode(linker="c"))
    fp = theano.function([x, y], out, mode=Mode(linker="py"))
    vals = [np.random.default_rng(2).standard_normal((4, 3)), np.array([1.0, -2.0, 0.0])]
    assert_same(fc(*vals), fp(*vals))
    elem = [k for k, n in enumerate(fc.maker.program.nodes) if isinstance(n.op, Elemwise)]
    assert elem and set(elem) <= set(fc.maker.program.c_nodes)


def test_openmp_results_are_identical():
    x, y = tensor("float64", 2, name="x"), tensor("float64", 2, bcast=(True, False), name="y")
    rng = np.random.default_rng(3)
    vals = [rng.standard_normal((300, 500)), rng.standard_normal((1, 500))]
    with change_flags(openmp=True, openmp_elemwise_minsize=1000):
        outs = [Elemwise(sb.tanh)(Elemwise(sb.add)(x, y)), Elemwise(sb.mul)(x, y)]
        f = check_against_py([x, y], outs, vals)
        check_against_py([x, y], outs, [vals[0][:, ::2].T.copy().T[:, :250] * 0 + vals[0][:, :250],
                                        vals[1][:, :250]])
    assert f.maker.program.c_nodes == [0, 1, 2]


def test_no_compiler_warns_once_and_falls_back(monkeypatch):
    monkeypatch.setattr(c_compiler, "_WARNED", set())
    x = tensor("float64", name="x")
    with change_flags(cxx=""):
        with pytest.warns(RuntimeWarning, match="apt-get install g\\+\\+"):
            f = theano.function([x], Elemwise(sb.exp)(x), mode=C)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            f2 = theano.function([x], Elemwise(sb.exp)(x), mode=C)
    assert f.maker.program.c_nodes == [] and f2.maker.program.c_nodes == []
    np.testing.assert_allclose(f(np.array([0.0, 1.0])), [1.0, np.e], rtol=1e-15)


def test_unrunnable_compiler_warns_and_falls_back(monkeypatch):
    monkeypatch.setattr(c_compiler, "_WARNED", set())
    x = tensor("float64", name="x")
    with change_flags(cxx="/nonexistent/g++"):
        with pytest.warns(RuntimeWarning, match="could not run the C compiler"):
            f = theano.function([x], Elemwise(sb.exp)(x), mode=C)
    assert f.maker.program.c_nodes == []


class _Broken(Op):
    __props__ = ()

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        out[0][0] = inputs[0]


def test_compile_error_reports_compiler_message_and_source(tmp_path):
    def broken(node, module):
        name = module.new_name()
        module.add("this is not C %s;\n" % name)
        return registry.CKernel(symbol=name)

    registry.register_c_kernel(_Broken)(broken)
    try:
        x = tensor("float64", name="x")
        with change_flags(compiledir=str(tmp_path)):
            with pytest.raises(CompileError) as info:
                theano.function([x], _Broken()(x), mode=C)
    finally:
        registry.c_kernels.unregister(_Broken)
    msg = str(info.value)
    assert "error" in msg and "Source kept at: " in msg
    path = msg.split("Source kept at: ")[1].splitlines()[0]
    with open(path) as src:
        assert "this is not C" in src.read()


_CACHE_SCRIPT = textwrap.dedent("""
    import sys, numpy as np, theano
    import theano.scalar.basic as sb
    from theano.compile.mode import Mode
    from theano.tensor.elemwise import Elemwise
    from theano.tensor.type import TensorType
    from theano.link.c import cache
    if sys.argv[1] == "warm":
        def refuse(*a):
            raise AssertionError("compiled although the cache was warm")
        cache.compile_shared_object = refuse
    x = TensorType("float64", (False,))("x")
    f = theano.function([x], Elemwise(sb.tanh)(Elemwise(sb.exp)(x)), mode=Mode("c", None))
    assert f.maker.program.c_nodes == [0, 1]
    np.testing.assert_allclose(f(np.arange(3.0)), np.tanh(np.exp(np.arange(3.0))), rtol=1e-15)
    print("ok")
""")


@pytest.mark.slow
def test_cache_is_shared_by_concurrent_processes_without_locks(tmp_path):
    env = dict(os.environ, THEANO_FLAGS="compiledir=%s" % tmp_path,
               PYTHONPATH=os.pathsep.join([os.getcwd()] + sys.path))
    cold = [subprocess.Popen([sys.executable, "-c", _CACHE_SCRIPT, "cold"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    for p in cold:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0 and out.strip() == "ok", err
    names = sorted(os.listdir(tmp_path / "cmodules"))
    assert not [n for n in names if n.startswith("tmp_")]
    # One binary each for the runtime and the kernel module (the runtime's sources are
    # one .c file per translation unit).
    assert len([n for n in names if n.endswith(sysconfig.get_config_var("EXT_SUFFIX"))]) == 2
    warm = subprocess.run([sys.executable, "-c", _CACHE_SCRIPT, "warm"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert warm.returncode == 0 and warm.stdout.strip() == "ok", warm.stderr


def test_cache_key_changes_with_flags():
    from theano.link.c.cache import module_key
    info = c_compiler.compiler_info()
    k1 = module_key("int x;", info)
    with change_flags(openmp=not config.openmp):
        k2 = module_key("int x;", info)
    assert k1 != k2 and module_key("int y;", info) != k1
