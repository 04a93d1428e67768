"""The C kernels of the structural ops (``c_code/kernels_shape.c``) against their ``perform``.

Two levels:

* ``kernel_vs_perform`` runs ONE node's C kernel (through the thunk a Python frame of the C
  program calls, ``program.thunk_fns[k]``) and its NumPy ``perform`` on the same values,
  and compares values, dtypes, shapes, view-or-copy (``np.shares_memory`` with the
  input, as ``perform`` does), writeability, what happened to destroyed inputs, and
  errors (same type, same message);
* ``check_function`` compiles a graph with ``Mode(linker='c')`` and ``Mode(linker='py')``
  and compares the results of whole calls (cells flowing between kernels in the C VM).
"""
import ctypes

import numpy as np
import pytest

import theano
import theano.scalar.basic as sb
import theano.tensor as T
from theano.compile.io import Out
from theano.compile.mode import Mode
from theano.graph.basic import Constant
from theano.graph.fg import FunctionGraph
from theano.link.c import compiler as c_compiler
from theano.link.c.linker import CProgram
from theano.tensor.basic import ScalarFromTensor, TensorFromScalar, constant
from theano.tensor.basic_subtensor import IncSubtensor, Subtensor
from theano.tensor.elemwise import DimShuffle
from theano.tensor.join import Join, Split
from theano.tensor.shape import (MakeVector, Rebroadcast, Reshape, Shape, Shape_i,
                                 ShapeMismatchError, SpecifyShape)
from theano.tensor.type import TensorType

pytestmark = [pytest.mark.skipif(c_compiler.compiler_info() is None, reason="no C compiler"),
              # the NumPy reference warns on inf + -inf, as NumPy does
              pytest.mark.filterwarnings("ignore:.*encountered in:RuntimeWarning")]

C = Mode(linker="c", optimizer=None)
PY = Mode(linker="py", optimizer=None)
DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64", "complex64", "complex128")


def rand(dtype, shape, seed=0):
    return np.asarray(_rand(dtype, shape, seed))


def _rand(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype.startswith("complex"):
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    if dtype.startswith("float"):
        x = (rng.standard_normal(shape) * 10).astype(dtype)
        if x.size >= 3:
            x.flat[:3] = [np.nan, np.inf, -np.inf]
        return x
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)


def layouts(x):
    """``x`` (at least 2-d, shape (a, b, ...)) in several memory layouts with the same
    shape: contiguous, Fortran, negative strides, non-contiguous."""
    big = np.empty((x.shape[0], 2 * x.shape[1]) + x.shape[2:], x.dtype)
    big[:, ::2] = x
    out = {"c": np.ascontiguousarray(x), "f": np.asfortranarray(x),
           "neg": np.ascontiguousarray(x[::-1, ::-1])[::-1, ::-1], "strided": big[:, ::2]}
    for k, v in out.items():
        assert np.array_equal(v, x, equal_nan=x.dtype.kind in "fc"), k
    return out


def same_value(a, b):
    assert type(a) is type(b), (type(a), type(b))
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, a.shape, b.dtype, b.shape)
    assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"), (a, b)


def single_node_program(node):
    """A C program of the one node ``node`` (inputs that are not constants become graph
    inputs) and the node's index in it."""
    ins = [i for i in node.inputs if not isinstance(i, Constant)]
    fg = FunctionGraph(ins, node.outputs, clone=False)
    prog = CProgram(fg)
    k = prog.nodes.index(node)
    return prog, k


def _copy(v):
    """A copy of ``v`` with the same strides and writeability (perform's choices of view or
    copy depend on them)."""
    if not isinstance(v, np.ndarray):
        return v
    if v.size == 0:
        c = v.copy()
    else:
        lo = sum((n - 1) * s for n, s in zip(v.shape, v.strides) if s < 0)
        hi = sum((n - 1) * s for n, s in zip(v.shape, v.strides) if s > 0) + v.itemsize
        ptr = v.__array_interface__["data"][0]
        raw = bytearray((ctypes.c_char * (hi - lo)).from_address(ptr + lo))
        c = np.ndarray(v.shape, v.dtype, buffer=raw, offset=-lo, strides=v.strides)
        assert np.array_equal(c, v, equal_nan=v.dtype.kind in "fc")
    c.flags.writeable = v.flags.writeable
    return c


def kernel_vs_perform(node, vals, c_node=True):
    """Run ``node``'s C kernel and its perform on ``vals`` (values of the non-constant
    inputs); compare everything (see the module docstring).  Returns the C outputs, or the
    exception both raised."""
    prog, k = single_node_program(node)
    assert (k in prog.c_nodes) == c_node, (node, prog.c_nodes)
    if not c_node:
        return None
    it = iter(vals)
    c_in = [i.data if isinstance(i, Constant) else next(it) for i in node.inputs]
    py_in = [_copy(v) for v in c_in]
    c_out = [[None] for _ in node.outputs]
    py_out = [[None] for _ in node.outputs]
    c_exc = py_exc = None
    try:
        prog.thunk_fns[k](c_in, c_out)
    except Exception as exc:  # noqa: BLE001 - compared below
        c_exc = exc
    try:
        node.op.perform(node, py_in, py_out)
    except Exception as exc:  # noqa: BLE001
        py_exc = exc
    if py_exc is not None or c_exc is not None:
        assert type(c_exc) is type(py_exc), (c_exc, py_exc)
        assert str(c_exc) == str(py_exc), (str(c_exc), str(py_exc))
        return c_exc
    for o, (cc, pc) in enumerate(zip(c_out, py_out)):
        got, want = cc[0], pc[0]
        same_value(got, want)
        if isinstance(want, np.ndarray):
            for i, (ci, pi) in enumerate(zip(c_in, py_in)):
                if isinstance(pi, np.ndarray) and pi.size and want.size:
                    # a view exactly when perform makes one
                    assert np.shares_memory(got, ci) == np.shares_memory(want, pi), (o, i)
                    if i not in node.op.view_map.get(o, ()) and i not in node.op.destroy_map.get(o, ()):
                        assert not np.shares_memory(got, ci), (o, i)
            assert got.flags.writeable == want.flags.writeable
    for ci, pi in zip(c_in, py_in):  # destroyed inputs end up the same
        if isinstance(pi, np.ndarray):
            same_value(ci, pi)
    return [c[0] for c in c_out]


def check_function(inputs, outputs, vals, c_ops=()):
    """Whole functions: the C linker gives the perform linker's results; the nodes of the
    classes ``c_ops`` run in C."""
    outs = [Out(o, borrow=True) for o in outputs]
    f = theano.function(inputs, outs, mode=C)
    nodes = f.maker.program.nodes
    for cls in c_ops:
        ks = [k for k, n in enumerate(nodes) if isinstance(n.op, cls)]
        assert ks and all(k in f.maker.program.c_nodes for k in ks), cls
    got = f(*[_copy(v) for v in vals])
    want = theano.function(inputs, outputs, mode=PY)(*[_copy(v) for v in vals])
    for g, w in zip(got, want):
        same_value(g, w)
    return f


def tensor(dtype, ndim, name=None, bcast=None):
    return TensorType(dtype, bcast if bcast is not None else (False,) * ndim)(name)


# -- DimShuffle ------------------------------------------------------------------------------
DIMSHUFFLES = [((False, False), (1, 0)), ((False, False), (0, "x", 1)),
               ((False, False), ("x", 0, 1, "x")), ((False, True), (0,)),
               ((True, False), ("x", 1)), ((False, False, False), (2, 0, 1)),
               ((False, True, False), (2, "x", 0)), ((), ("x",)), ((), ("x", "x")),
               ((True,), ()), ((True, True), ())]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("inplace", [True, False])
def test_dimshuffle_views_and_copies(dtype, inplace):
    for bcast, order in DIMSHUFFLES:
        shape = tuple(1 if b else 3 + i for i, b in enumerate(bcast))
        x = tensor(dtype, len(bcast), bcast=bcast)
        node = DimShuffle(bcast, order, inplace=inplace).make_node(x)
        base = rand(dtype, shape)
        variants = layouts(base) if len(shape) >= 2 else {"c": base}
        for v in variants.values():
            out = kernel_vs_perform(node, [v])[0]
            assert np.shares_memory(out, v) == (inplace and v.size > 0)
        # read-only and zero-stride inputs give read-only views
        ro = np.broadcast_to(base, shape)
        out = kernel_vs_perform(node, [ro])[0]
        assert out.flags.writeable == (not inplace)


def test_dimshuffle_empty_and_in_functions():
    x = T.dmatrix("x")
    node = DimShuffle((False, False), (1, "x", 0)).make_node(x)
    kernel_vs_perform(node, [np.zeros((0, 3))])
    kernel_vs_perform(node, [np.zeros((4, 0))[::-1]])
    v = rand("float64", (4, 5))[::-1, ::2]
    check_function([x], [x.T, x.dimshuffle(1, "x", 0) * 2, (x.T + 1).T],
                   [v], c_ops=(DimShuffle,))


# -- Reshape ---------------------------------------------------------------------------------
RESHAPES = [(24,), (-1,), (2, -1, 3), (6, 4), (1, 24, 1), (4, 6), (2, 2, 2, 3), (4, 1, 6),
            (-1, 1), (3, 8)]


@pytest.mark.parametrize("dtype", DTYPES)
def test_reshape_views_exactly_when_numpy_does(dtype):
    x = tensor(dtype, 2)
    base = rand(dtype, (4, 6))
    views = copies = 0
    for shape in RESHAPES:
        node = Reshape(len(shape)).make_node(x, shape)
        for v in layouts(base).values():
            out = kernel_vs_perform(node, [v])[0]
            if np.shares_memory(out, v):
                views += 1
            else:
                copies += 1
        # a non-contiguous input that can still be viewed: split its first dimension
    assert views and copies
    strided = layouts(base)["strided"]  # (4, 6) with strides (96, 16) for 8-byte items
    out = kernel_vs_perform(Reshape(3).make_node(x, (2, 2, 6)), [strided])[0]
    assert np.shares_memory(out, strided)


def test_reshape_0d_empty_and_symbolic_shapes():
    s = T.dscalar()
    kernel_vs_perform(Reshape(2).make_node(s, (1, 1)), [np.asarray(2.5)])
    v = T.dvector()
    kernel_vs_perform(Reshape(0).make_node(v, []), [np.ones(1)])
    m = T.dmatrix()
    for shape in [(3, 0), (-1, 3), (0, 5, 0), (0,)]:
        kernel_vs_perform(Reshape(len(shape)).make_node(m, shape), [np.zeros((0, 3))])
    shp = T.ivector("shp")
    node = Reshape(2).make_node(m, shp)
    for value in [(3, 4), (-1, 2), (12, -1), (2, 6)]:
        kernel_vs_perform(node, [rand("float64", (4, 3)).T, np.array(value, "int32")])
    check_function([m, shp], [m.reshape(shp, ndim=2) * 1, m.T.reshape((-1,))],
                   [rand("float64", (4, 3)), np.array([6, -1], "int32")], c_ops=(Reshape,))


@pytest.mark.parametrize("value", [(5, 5), (-1, -1), (-2, -6), (0, -1), (7, -1), (12,),
                                   (2, 3, 2)])
def test_reshape_errors_as_perform(value):
    m = T.dmatrix()
    node = Reshape(2).make_node(m, T.lvector())
    exc = kernel_vs_perform(node, [rand("float64", (4, 3)), np.array(value, "int64")])
    assert isinstance(exc, ValueError)
    node = Reshape(2).make_node(m, T.lvector())
    exc = kernel_vs_perform(node, [np.zeros((0, 3)), np.array([0, -1])])
    assert isinstance(exc, ValueError)


# -- Shape, Shape_i, SpecifyShape, Rebroadcast --------------------------------------------
def test_shape_and_shape_i():
    for nd, shape in [(0, ()), (1, (0,)), (2, (3, 4)), (4, (2, 1, 0, 5))]:
        x = tensor("float32", nd)
        v = np.zeros(shape, "float32")
        kernel_vs_perform(Shape().make_node(x), [v])
        for i in range(nd):
            kernel_vs_perform(Shape_i(i).make_node(x), [v])
    x = T.dmatrix("x")
    check_function([x], [x.shape, x.shape[0] * x.shape[1], Shape_i(1)(x)],
                   [np.zeros((3, 7))[:, ::2]], c_ops=(Shape, Shape_i))


def test_specify_shape_checks_and_views():
    x = T.dmatrix("x")
    node = SpecifyShape().make_node(x, T.lvector())
    v = rand("float64", (3, 4))[::-1]
    out = kernel_vs_perform(node, [v, np.array([3, 4])])[0]
    assert np.shares_memory(out, v)
    for bad in ([3, 5], [4, 3], [3], [3, 4, 1]):
        exc = kernel_vs_perform(node, [v, np.array(bad)])
        assert isinstance(exc, ShapeMismatchError)
    f = check_function([x], [T.specify_shape(x, (3, 4)) + 1], [v], c_ops=(SpecifyShape,))
    with pytest.raises(ShapeMismatchError, match="SpecifyShape: the input has shape"):
        f(np.zeros((2, 4)))


def test_rebroadcast_checks_and_views():
    x = T.dtensor3("x")
    op = Rebroadcast((0, True), (2, True), (1, False))
    node = op.make_node(x)
    v = rand("float64", (1, 4, 1))
    out = kernel_vs_perform(node, [v])[0]
    assert np.shares_memory(out, v)
    for bad in [(2, 4, 1), (1, 4, 3)]:
        assert isinstance(kernel_vs_perform(node, [rand("float64", bad)]), ValueError)
    check_function([x], [T.addbroadcast(x, 0, 2) * 2], [v], c_ops=(Rebroadcast,))


# -- MakeVector, TensorFromScalar, ScalarFromTensor ----------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_make_vector_and_scalar_conversions(dtype):
    a, b, c = (tensor(dtype, 0) for _ in range(3))
    node = MakeVector(dtype).make_node(a, b, c)
    vals = [np.asarray(rand(dtype, (3,), seed=s)[0]) for s in range(3)]
    kernel_vs_perform(node, vals)
    kernel_vs_perform(MakeVector(dtype).make_node(a), vals[:1])
    s = sb.ScalarType(dtype)()
    kernel_vs_perform(TensorFromScalar().make_node(s), [vals[0][()]])
    kernel_vs_perform(ScalarFromTensor().make_node(a), [vals[0]])
    # 0-d views as inputs
    kernel_vs_perform(ScalarFromTensor().make_node(a), [rand(dtype, (3,))[::-1][1:2][0, ...]])


def test_make_vector_casts_and_scalars_in_functions():
    i, j = T.lscalar("i"), T.iscalar("j")
    s = sb.float64("s")
    check_function([i, j], [T.stack([i, j, i * 2]), MakeVector("int64")(i)],
                   [np.asarray(3, "int64"), np.asarray(-7, "int32")], c_ops=(MakeVector,))
    f = check_function([s], [TensorFromScalar()(s) * 2], [np.float64(1.5)],
                       c_ops=(TensorFromScalar,))
    assert f(2.0)[0] == 4.0
    x = T.dscalar("x")
    f = theano.function([x], ScalarFromTensor()(x * 2), mode=C)
    assert 1 in f.maker.program.c_nodes
    out = f(np.asarray(1.25))
    assert type(out) is np.float64 and out == 2.5


# -- Subtensor -------------------------------------------------------------------------------
INDICES = [(1,), (-1,), (slice(1, None),), (slice(None, None, -1),), (slice(5, -9, -2),),
           (slice(-100, 100),), (slice(100, None),), (1, slice(None, None, 2)),
           (slice(None), -2), (2, 3), (slice(3, 1),), (slice(None, None, 3), slice(-2, None, -1)),
           (slice(-1, -5, -1), 0)]


@pytest.mark.parametrize("dtype", DTYPES)
def test_subtensor_constant_indices(dtype):
    x = tensor(dtype, 2)
    base = rand(dtype, (5, 4))
    for idx in INDICES:
        node = Subtensor(idx).make_node(x)
        for v in layouts(base).values():
            out = kernel_vs_perform(node, [v])[0]
            assert out.size == 0 or np.shares_memory(out, v)


def test_subtensor_symbolic_bounds_and_errors():
    x = T.dmatrix("x")
    i, j, k = T.lscalar("i"), T.iscalar("j"), T.bscalar("k")
    v = rand("float64", (6, 5))[::-1]
    cases = [(x[i], [2]), (x[i], [-6]), (x[i:j], [1, 4]), (x[i:j:k], [5, 0, -2]),
             (x[::k, i], [-1, -1]), (x[i:, j], [-100, 2]), (x[j:i:k, :2], [0, 5, 1])]
    for expr, idx in cases:
        node = expr.owner
        assert isinstance(node.op, Subtensor)
        dtypes = [inp.type.dtype for inp in node.inputs[1:]]
        kernel_vs_perform(node, [v] + [np.asarray(n, d) for n, d in zip(idx, dtypes)])
    # out of range and zero step
    for expr, idx, err in [(x[i], [6], IndexError), (x[i], [-7], IndexError),
                           (x[:, i], [5], IndexError), (x[i:j:k], [0, 3, 0], ValueError)]:
        node = expr.owner
        dtypes = [inp.type.dtype for inp in node.inputs[1:]]
        exc = kernel_vs_perform(node, [v] + [np.asarray(n, d) for n, d in zip(idx, dtypes)])
        assert isinstance(exc, err)
    # 0-d results, scalar-typed bounds in cells, empty arrays
    kernel_vs_perform(x[1, 2].owner, [v])
    kernel_vs_perform(x[1:, ::-1].owner, [np.zeros((0, 3))])
    kernel_vs_perform(x[2:].owner, [np.zeros((3, 0))])
    s = sb.int64("s")
    expr = Subtensor((slice(sb.int64, None, None),))(x, TensorFromScalar()(s))
    check_function([x, s], [expr, x[1:4:2, TensorFromScalar()(s) - 3] * 2], [v, np.int64(4)],
                   c_ops=(Subtensor,))


# -- IncSubtensor ----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("set_", [True, False])
@pytest.mark.parametrize("inplace", [True, False])
def test_inc_subtensor_all_dtypes(dtype, set_, inplace):
    x = tensor(dtype, 2)
    base = rand(dtype, (5, 4))
    c_node = set_ or dtype != "float16"
    for idx, yshape in [((slice(1, None),), (4, 4)), ((slice(1, None),), (4,)),
                        ((slice(None, None, -2), 1), (3,)), ((2,), ()), ((2, 3), ()),
                        ((slice(None, None, 2), slice(3, 0, -1)), (1, 3)),
                        ((slice(9, None),), (4,))]:
        y = tensor(dtype, len(yshape))
        node = IncSubtensor(idx, inplace=inplace, set_instead_of_inc=set_).make_node(x, y)
        for v in layouts(base).values():
            yv = rand(dtype, yshape, seed=1)
            out = kernel_vs_perform(node, [v, yv], c_node=c_node)
            if out is not None:
                assert np.shares_memory(out[0], v) == inplace


def test_inc_subtensor_dtypes_of_the_value():
    """A value of another dtype: C when the sum in x's dtype is NumPy's (safe casts);
    set_subtensor casts like NumPy's assignment, so it always runs in C."""
    x = T.fmatrix("x")
    v = rand("float32", (3, 4))
    for ydt, c_node in [("int8", True), ("float32", True), ("int16", True),
                        ("float64", False), ("int64", False)]:
        y = tensor(ydt, 1)
        inc = IncSubtensor((1,)).make_node(x, y)
        kernel_vs_perform(inc, [v, rand(ydt, (4,), seed=2)], c_node=c_node)
        st = IncSubtensor((1,), set_instead_of_inc=True).make_node(x, y)
        kernel_vs_perform(st, [v, rand(ydt, (4,), seed=2)])


def test_inc_subtensor_overlap_readonly_and_errors():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    node = IncSubtensor((slice(1, None),), inplace=True).make_node(x, y)
    # y is a view of x that the update overwrites while reading: NumPy buffers it
    xv = rand("float64", (5, 3))
    yv = xv[:-1]
    xp = xv.copy()
    ref = xp.copy()
    np.add(ref[1:], xp[:-1], out=ref[1:])
    prog, k = single_node_program(node)
    out = [[None]]
    prog.thunk_fns[k]([xv, yv], out)
    assert out[0][0] is not None and np.array_equal(xv, ref, equal_nan=True)
    sx = IncSubtensor((slice(None, None, -1),), inplace=True,
                      set_instead_of_inc=True).make_node(x, y)
    xv = rand("float64", (4, 3))
    ref = xv.copy()
    ref[::-1] = ref  # NumPy reads a copy of the overlapping value
    prog, k = single_node_program(sx)
    prog.thunk_fns[k]([xv, xv], [[None]])
    assert np.array_equal(xv, ref, equal_nan=True)
    # read-only destination in place
    ro = np.broadcast_to(rand("float64", (1, 3)), (4, 3))
    exc = kernel_vs_perform(node, [ro, np.ones((3, 3))])
    assert isinstance(exc, ValueError)
    # broadcasting errors and out-of-range indices
    node = IncSubtensor((slice(1, None),)).make_node(x, y)
    assert isinstance(kernel_vs_perform(node, [np.ones((4, 3)), np.ones((2, 3))]), ValueError)
    assert isinstance(kernel_vs_perform(node, [np.ones((4, 3)), np.ones((3, 2))]), ValueError)
    i = T.lscalar("i")
    node = IncSubtensor((sb.int64,)).make_node(x, T.dvector(), i)
    exc = kernel_vs_perform(node, [np.ones((4, 3)), np.ones(3), np.asarray(4)])
    assert isinstance(exc, IndexError)


def test_inc_subtensor_in_functions_inplace_after_rewrites():
    x, y, z = T.dmatrix("x"), T.dvector("y"), T.dvector("z")
    i = T.lscalar("i")
    expr = T.inc_subtensor((x * 2)[i:, 1], y) + 0
    out2 = T.set_subtensor((x + 1)[:, ::-1][1], z)
    f = theano.function([x, y, z, i], [expr, out2])
    nodes = f.maker.program.nodes
    incs = [k for k, n in enumerate(nodes) if isinstance(n.op, IncSubtensor)]
    assert incs and all(nodes[k].op.inplace for k in incs)
    assert all(k in f.maker.program.c_nodes for k in incs)
    g = theano.function([x, y, z, i], [expr, out2], mode=PY)
    for xv, yv, iv in [(rand("float64", (4, 4)), np.ones(4), 0),
                       (rand("float64", (4, 4))[::-1, ::-1], np.arange(2.0), 2)]:
        zv = np.arange(4.0) - 1
        for a, b in zip(f(xv, yv, zv, iv), g(xv, yv, zv, iv)):
            same_value(a, b)


# -- Join, Split -----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_join_all_dtypes(dtype):
    a, b = tensor(dtype, 2), tensor(dtype, 2)
    for axis, shapes in [(0, [(2, 3), (4, 3)]), (1, [(2, 3), (2, 0)]), (-1, [(2, 1), (2, 5)]),
                         (-2, [(0, 3), (0, 3)])]:
        node = Join().make_node(constant(axis), a, b)
        vs = [layouts(rand(dtype, s, seed=n))["neg"] if 0 not in s else np.zeros(s, dtype)
              for n, s in enumerate(shapes)]
        out = kernel_vs_perform(node, vs)[0]
        assert out.flags.c_contiguous


def test_join_upcast_symbolic_axis_and_errors():
    a, b, c = T.imatrix("a"), T.dmatrix("b"), T.bmatrix("c")
    ax = T.lscalar("ax")
    node = Join().make_node(ax, a, b, c)
    vals = [rand("int32", (2, 3)), rand("float64", (2, 3)).T[:2, :3], rand("int8", (2, 3))]
    for axis in (0, 1, -1, -2):
        kernel_vs_perform(node, [np.asarray(axis)] + vals)
    for axis, vs, err in [(2, vals, IndexError), (-3, vals, IndexError),
                          (0, [vals[0], np.zeros((2, 4)), vals[2]], ValueError),
                          (1, [vals[0], np.zeros((3, 3)), vals[2]], ValueError)]:
        assert isinstance(kernel_vs_perform(node, [np.asarray(axis)] + vs), err)
    check_function([a, b, ax], [T.concatenate([a, b, a], axis=ax) * 1,
                                T.stack([b, b], axis=1)],
                   [vals[0], vals[1], np.asarray(1)], c_ops=(Join,))


def test_split_views_and_errors():
    x = T.dmatrix("x")
    sizes = T.lvector("sizes")
    ax = T.lscalar("ax")
    node = Split(3).make_node(x, ax, sizes)
    v = rand("float64", (6, 5))[::-1]
    for axis, sz in [(0, [1, 2, 3]), (1, [0, 5, 0]), (-1, [2, 2, 1]), (-2, [6, 0, 0])]:
        outs = kernel_vs_perform(node, [v, np.asarray(axis), np.array(sz)])
        assert all(o.size == 0 or np.shares_memory(o, v) for o in outs)
    for axis, sz, err in [(2, [1, 2, 3], IndexError), (0, [1, 2], ValueError),
                          (0, [1, -2, 7], ValueError), (0, [1, 2, 2], ValueError)]:
        exc = kernel_vs_perform(node, [v, np.asarray(axis), np.array(sz)])
        assert isinstance(exc, err)
    check_function([x, sizes], [o * 1 for o in T.split(x, sizes, 2, axis=1)],
                   [v, np.array([2, 3])], c_ops=(Split,))


# -- the C VM: cells of views flowing between kernels ------------------------------------
def test_views_keep_their_buffers_alive_and_outputs_are_not_overwritten():
    x = T.dmatrix("x")
    y = (x * 2).T[1:, ::-1].reshape((-1,))
    f = theano.function([x], y, mode=C)
    assert all(k in f.maker.program.c_nodes for k in range(len(f.maker.program.nodes)))
    a = f(np.ones((3, 4)))
    b = f(np.full((3, 4), 3.0))
    assert np.array_equal(a, np.full(9, 2.0)) and np.array_equal(b, np.full(9, 6.0))
    g = theano.function([x], (x + 1).dimshuffle(1, 0), mode=C)
    r1 = g(np.zeros((2, 3)))
    r2 = g(np.ones((2, 3)))
    assert r1.base is not None or r1.flags.owndata
    assert np.array_equal(r1, np.ones((3, 2))) and np.array_equal(r2, np.full((3, 2), 2.0))


def test_a_training_step_runs_without_python_thunks():
    x, w = T.dmatrix("x"), theano.shared(np.zeros((4, 3)), name="w")
    t = T.lvector("t")
    p = T.nnet.softmax(T.dot(x, w))
    cost = -T.log(p)[T.arange(t.shape[0]), t].mean()
    g = T.grad(cost, w)
    f = theano.function([x, t], cost, updates=[(w, w - 0.1 * g)])
    prog = f.maker.program
    structural = (DimShuffle, Reshape, Shape, Shape_i, SpecifyShape, Rebroadcast, MakeVector,
                  Subtensor, IncSubtensor, Join, Split)
    for k, n in enumerate(prog.nodes):
        if isinstance(n.op, structural):
            assert k in prog.c_nodes, n


def test_more_dimensions_than_the_c_backend_handles_keep_perform():
    x = tensor("float64", 33)
    node = DimShuffle((False,) * 33, tuple(range(32, -1, -1))).make_node(x)
    kernel_vs_perform(node, [], c_node=False)
    assert theano.function([x], x.shape, mode=C)._caller is None
