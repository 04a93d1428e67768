"""The C kernels of integer-vector indexing, Alloc, ARange and Eye
(``c_code/kernels_index.c``) against their NumPy ``perform``: values, dtypes, shapes,
errors (same type, same message), in-place updates, repeated indices."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.mode import Mode
from theano.graph.basic import Constant
from theano.graph.fg import FunctionGraph
from theano.link.c import compiler as c_compiler
from theano.link.c.linker import CProgram
from theano.tensor.advsubtensor import (AdvancedIncSubtensor, AdvancedIncSubtensor1,
                                        AdvancedSubtensor, AdvancedSubtensor1)
from theano.tensor.alloc import ARange, Alloc, Eye, Tri
from theano.tensor.type import TensorType

pytestmark = pytest.mark.skipif(c_compiler.compiler_info() is None, reason="no C compiler")

DTYPES = ("bool", "int8", "int32", "uint16", "int64", "float16", "float32", "float64",
          "complex128")
IDX_DTYPES = ("int8", "uint8", "int32", "int64", "uint64")


def tensor(dtype, ndim):
    return TensorType(dtype, (False,) * ndim)()


def rand(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.random(shape) < 0.5
    x = rng.standard_normal(shape) * 10
    if dtype.startswith("complex"):
        x = x + 1j
    x = x.astype(dtype)
    if dtype.startswith("float") and x.size >= 2:
        x.flat[:2] = [np.nan, np.inf]
    return x


def layouts(x):
    big = np.empty((x.shape[0], 2 * x.shape[1]) + x.shape[2:], x.dtype)
    big[:, ::2] = x
    return [np.ascontiguousarray(x), np.asfortranarray(x),
            np.ascontiguousarray(x[::-1, ::-1])[::-1, ::-1], big[:, ::2]]


def run_both(node, vals):
    """The C kernel and perform of ``node`` on (copies of) ``vals``; compares outputs and
    what became of the inputs, or the errors.  Returns the C outputs and inputs."""
    ins = [i for i in node.inputs if not isinstance(i, Constant)]
    prog = CProgram(FunctionGraph(ins, node.outputs, clone=False))
    k = prog.nodes.index(node)
    assert k in prog.c_nodes, node
    it = iter(vals)
    args = [i.data if isinstance(i, Constant) else next(it) for i in node.inputs]
    c_in = [a.copy() if isinstance(a, np.ndarray) and a.flags.writeable else a for a in args]
    py_in = [a.copy() if isinstance(a, np.ndarray) and a.flags.writeable else a for a in args]
    c_out, py_out = [[None]], [[None]]
    c_exc = py_exc = None
    try:
        prog.thunk_fns[k](c_in, c_out)
    except Exception as exc:  # noqa: BLE001 - compared below
        c_exc = exc
    try:
        node.op.perform(node, py_in, py_out)
    except Exception as exc:  # noqa: BLE001
        py_exc = exc
    if c_exc is not None or py_exc is not None:
        assert type(c_exc) is type(py_exc), (c_exc, py_exc)
        assert str(c_exc) == str(py_exc), (str(c_exc), str(py_exc))
        return c_exc
    got, want = c_out[0][0], py_out[0][0]
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, want.dtype,
                                                                got.shape, want.shape)
    np.testing.assert_array_equal(got, want)
    for a, b in zip(c_in, py_in):  # destroyed inputs end up the same
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
    if node.op.destroy_map:
        assert np.shares_memory(got, c_in[0]) or got.size == 0
    elif isinstance(c_in[0], np.ndarray) and got.size:
        assert not np.shares_memory(got, c_in[0])
    return got, c_in


@pytest.mark.parametrize("dtype", DTYPES)
def test_advanced_subtensor1(dtype):
    node = AdvancedSubtensor1().make_node(tensor(dtype, 2), tensor("int64", 1))
    idx = np.array([0, 3, -1, 3, -4, 2])
    for x in layouts(rand(dtype, (4, 3))):
        run_both(node, [x, idx])
        run_both(node, [x, idx[:0]])
    for idt in IDX_DTYPES:
        n1 = AdvancedSubtensor1().make_node(tensor(dtype, 1), tensor(idt, 1))
        run_both(n1, [rand(dtype, (7,))[::-1], np.array([6, 0, 2, 2], idt)])
    n3 = AdvancedSubtensor1().make_node(tensor(dtype, 3), tensor("int32", 1))
    run_both(n3, [rand(dtype, (5, 2, 3))[:, ::-1, ::2], np.array([4, 0, -5], "int32")])
    run_both(n3, [rand(dtype, (0, 2, 3)), np.array([], "int32")])
    for bad in ([4], [-5], [0, 9]):
        err = run_both(node, [rand(dtype, (4, 3)), np.array(bad)])
        assert isinstance(err, IndexError) and "AdvancedSubtensor1: index" in str(err)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("set_", [False, True])
@pytest.mark.parametrize("inplace", [False, True])
def test_advanced_inc_subtensor1(dtype, set_, inplace):
    if dtype == "float16" and not set_:
        return  # keeps perform (no C float16 addition)
    op = AdvancedIncSubtensor1(inplace=inplace, set_instead_of_inc=set_)
    idx = np.array([1, -1, 1, 0, 1], "int32")  # repeated indices accumulate
    for yshape in [(5, 3), (3,), (1, 3), ()]:
        node = op.make_node(tensor(dtype, 2), tensor(dtype, len(yshape)), tensor("int32", 1))
        for x in layouts(rand(dtype, (4, 3))):
            run_both(node, [x, rand(dtype, yshape, 1), idx])
    node = op.make_node(tensor(dtype, 2), tensor(dtype, 2), tensor("int32", 1))
    err = run_both(node, [rand(dtype, (4, 3)), rand(dtype, (2, 3)), idx])
    assert isinstance(err, ValueError) and "cannot broadcast the value" in str(err)
    err = run_both(node, [rand(dtype, (4, 3)), rand(dtype, (5, 3)), idx + 4])
    assert isinstance(err, IndexError) and "out of bounds for axis 0" in str(err)
    ro = rand(dtype, (4, 3))
    ro.flags.writeable = False
    if inplace:
        assert isinstance(run_both(node, [ro, rand(dtype, (5, 3)), idx]), ValueError)


def test_advanced_inc_subtensor1_mixed_dtypes_and_overlap():
    node = AdvancedIncSubtensor1().make_node(tensor("float64", 1), tensor("int32", 1),
                                             tensor("int64", 1))
    run_both(node, [rand("float64", (6,)), np.array([1, 2, 3], "int32"), np.array([0, 0, 5])])
    setn = AdvancedIncSubtensor1(set_instead_of_inc=True).make_node(
        tensor("float32", 1), tensor("int16", 1), tensor("int64", 1))
    run_both(setn, [np.arange(6, dtype="float32"), np.array([7, -2], "int16"), np.array([0, 4])])
    # in place, y a view of x: y is read before anything is written
    x = T.dvector()
    f = theano.function([x], T.inc_subtensor(x[[0, 1, 2]], x[1:4]),
                        mode=Mode(linker="c"))
    v = np.arange(6.0)
    np.testing.assert_array_equal(f(v), np.array([1, 3, 5, 3, 4, 5.0]))


@pytest.mark.parametrize("dtype", ["int16", "float32", "float64", "complex128"])
@pytest.mark.parametrize("idt", ["int32", "int64", "uint8"])
def test_advanced_subtensor_two_vectors(dtype, idt):
    x = tensor(dtype, 2)
    a, b = tensor("int64", 1), tensor(idt, 1)
    node = x[a, b].owner
    assert isinstance(node.op, AdvancedSubtensor)
    rows = np.arange(5)
    cols = np.array([0, 3, 2, 3, 1], idt)
    for v in layouts(rand(dtype, (5, 4))):
        run_both(node, [v, rows, cols])
        run_both(node, [v, rows[:1] - 5, cols])       # broadcast index, negative
    x3 = tensor(dtype, 3)
    run_both(x3[a, b].owner, [rand(dtype, (5, 4, 3))[:, :, ::-1], rows, cols])
    err = run_both(node, [rand(dtype, (5, 4)), rows, cols[:3]])
    assert isinstance(err, IndexError) and "shape mismatch" in str(err)
    bad = cols.copy()
    bad[1] = 4
    err = run_both(node, [rand(dtype, (5, 4)), rows, bad])
    assert isinstance(err, IndexError) and "index 4 is out of bounds for axis 1" in str(err)


@pytest.mark.parametrize("set_", [False, True])
@pytest.mark.parametrize("inplace", [False, True])
def test_advanced_inc_subtensor_two_vectors(set_, inplace):
    a, b = tensor("int64", 1), tensor("int32", 1)
    rows = np.array([0, 1, 1, 3, 0])
    cols = np.array([2, 0, 0, 3, 2], "int32")  # repeated pairs accumulate
    for dtype in ("float64", "float32", "int64"):
        idx_list = T.zeros((2, 2))[a, b].owner.op.idx_list
        op = AdvancedIncSubtensor(idx_list, inplace=inplace, set_instead_of_inc=set_)
        for yndim in (0, 1):
            node = op.make_node(tensor(dtype, 2), tensor(dtype, yndim), a, b)
            for v in layouts(rand(dtype, (4, 4))):
                run_both(node, [v, rand(dtype, (5,) if yndim else (), 2), rows, cols])
        node = op.make_node(tensor(dtype, 2), tensor(dtype, 1), a, b)
        err = run_both(node, [rand(dtype, (4, 4)), rand(dtype, (3,)), rows, cols])
        assert isinstance(err, ValueError)


def test_nll_pattern_in_c():
    p, y = T.dmatrix(), T.ivector()
    cost = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    g = T.grad(cost, p)
    f = theano.function([p, y], [cost, g], mode=Mode(linker="c"))
    prog = f.maker.program
    kinds = {type(n.op) for k, n in enumerate(prog.nodes) if k in prog.c_nodes}
    assert {AdvancedSubtensor, AdvancedIncSubtensor, ARange} <= kinds, kinds
    pv = np.random.default_rng(0).random((6, 4))
    yv = np.array([0, 3, 1, 1, 2, 3], "int32")
    want = theano.function([p, y], [cost, g], mode=Mode(linker="py"))(pv, yv)
    for a, b in zip(f(pv, yv), want):
        np.testing.assert_allclose(a, b, rtol=1e-13)


@pytest.mark.parametrize("dtype", DTYPES)
def test_alloc(dtype):
    for vshape, shape in [((), (3, 4)), ((4,), (3, 4)), ((1, 4), (3, 4)), ((3, 1), (3, 4)),
                          ((), ()), ((), (0, 5)), ((1,), (2, 1, 3)), ((2, 3), (2, 3))]:
        v = tensor(dtype, len(vshape))
        node = Alloc().make_node(v, *[T.lscalar() for _ in shape])
        base = rand(dtype, vshape)
        run_both(node, [base] + [np.asarray(s, "int64") for s in shape])
        if len(vshape) == 2:
            run_both(node, [np.asfortranarray(base)] + [np.asarray(s, "int64") for s in shape])
    node = Alloc().make_node(tensor(dtype, 1), T.lscalar(), T.iscalar())
    err = run_both(node, [rand(dtype, (3,)), np.asarray(2), np.asarray(4, "int32")])
    assert isinstance(err, ValueError) and "cannot broadcast" in str(err)
    err = run_both(node, [rand(dtype, (3,)), np.asarray(-2), np.asarray(3, "int32")])
    assert isinstance(err, ValueError) and "negative dimension" in str(err)


def test_arange_and_eye():
    for dtype in ("int64", "float64"):
        op = ARange(dtype)
        for itype in ("int8", "int32", "int64"):
            node = op.make_node(*[tensor(itype, 0) for _ in range(3)])
            for a, b, s in [(0, 10, 1), (2, 11, 3), (10, 0, -3), (5, 5, 1), (5, 0, 1),
                            (-7, 7, 2), (0, 1, 5)]:
                run_both(node, [np.asarray(v, itype) for v in (a, b, s)])
            err = run_both(node, [np.asarray(v, itype) for v in (0, 5, 0)])
            assert isinstance(err, ZeroDivisionError)
    fnode = ARange("float64").make_node(*[tensor("float64", 0) for _ in range(3)])
    assert CProgram(FunctionGraph(fnode.inputs, fnode.outputs, clone=False)).c_nodes == []
    for dtype in DTYPES:
        node = Eye(dtype).make_node(T.lscalar(), T.lscalar(), T.lscalar())
        for n, m, k in [(3, 3, 0), (3, 5, 1), (5, 3, -2), (0, 4, 0), (4, 4, 7), (2, 3, -9)]:
            run_both(node, [np.asarray(n), np.asarray(m), np.asarray(k)])
        err = run_both(node, [np.asarray(-1), np.asarray(3), np.asarray(0)])
        assert isinstance(err, ValueError)
    tri = Tri("float64").make_node(T.lscalar(), T.lscalar(), T.lscalar())
    assert CProgram(FunctionGraph(tri.inputs, tri.outputs, clone=False)).c_nodes == []
