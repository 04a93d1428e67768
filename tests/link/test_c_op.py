"""User C ops: Theano 1.0's "Extending Theano with a C Op" interface in the C VM.

The ops of Theano 1.0's documentation -- ``VectorTimesScalar`` and ``VectorTimesVector``
(doc/extending/extending_theano_c.txt), the ``COp`` version of ``VectorTimesVector`` with
its code in ``c_ops/vectorTimesVector.c``, the ``double`` type with its C code and the
``BinaryDoubleOp`` arithmetic (ctype.txt, cop.txt), the ``MulOp`` with a params object
(using_params.txt) -- written again here, compiled by ``theano.function`` and checked
against NumPy (or the op's ``perform``): values for several dtypes and strides, that they
run in C (``f.maker.program.c_nodes``), that the compiled module is cached (a second
process compiles nothing), compile errors naming the op, run-time errors raised through
``%(fail)s`` with the node's source line, per-node struct state, output reuse, and the
ops whose C code covers only some dtypes (``MethodNotDefined``: NumPy ``perform``).
"""
import json
import os
import subprocess
import sys
import textwrap
import uuid

import numpy as np
import pytest

import theano
import theano.scalar as ts
import theano.tensor as T
from theano import gof
from theano.compile.mode import Mode
from theano.gof.utils import MethodNotDefined
from theano.graph.fg import FunctionGraph
from theano.link.c import compiler as c_compiler
from theano.link.c import cop, registry
from theano.link.c.compiler import CompileError
from theano.link.c.linker import CProgram

pytestmark = pytest.mark.skipif(c_compiler.compiler_info() is None, reason="no C compiler")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY = Mode(linker="py")


def c_ops(f):
    """The user ops (with ``c_code``) of ``f``'s nodes that run C kernels."""
    prog = f.maker.program
    return [prog.nodes[k].op for k in prog.c_nodes
            if "c_code" in type(prog.nodes[k].op).__dict__ or isinstance(prog.nodes[k].op, gof.COp)]


def ops_of(f):
    return [n.op for n in f.maker.fgraph.toposort()]


# ------------------------------------------------------------- the documentation's ops
class VectorTimesScalar(gof.Op):
    """extending_theano_c.txt, "Simple C Op example": no perform, C code only."""

    __props__ = ()

    def make_node(self, x, y):
        if x.type.ndim != 1:
            raise TypeError("x must be a 1-d vector")
        if y.type.ndim != 0:
            raise TypeError("y must be a scalar")
        return gof.Apply(self, [x, y], [x.type()])

    def c_code_cache_version(self):
        return (1, 0)

    def c_code(self, node, name, inp, out, sub):
        x, y = inp
        z, = out
        dtype_x, dtype_y = node.inputs[0].dtype, node.inputs[1].dtype
        dtype_z = node.outputs[0].dtype
        itemsize_x = np.dtype(dtype_x).itemsize
        itemsize_z = np.dtype(dtype_z).itemsize
        fail = sub["fail"]
        return """
        // The output from the previous call may be reused if it has x's length.
        if (NULL == %(z)s || PyArray_DIMS(%(x)s)[0] != PyArray_DIMS(%(z)s)[0]) {
            Py_XDECREF(%(z)s);
            %(z)s = (PyArrayObject *)PyArray_EMPTY(1, PyArray_DIMS(%(x)s),
                                                   PyArray_TYPE(%(x)s), 0);
            if (!%(z)s) {
                %(fail)s;
            }
        }
        {
            // new scope: no goto may cross these declarations
            npy_%(dtype_x)s *x_data = (npy_%(dtype_x)s *)PyArray_DATA(%(x)s);
            npy_%(dtype_z)s *z_data = (npy_%(dtype_z)s *)PyArray_DATA(%(z)s);
            npy_%(dtype_y)s y_value = ((npy_%(dtype_y)s *)PyArray_DATA(%(y)s))[0];
            int x_stride = PyArray_STRIDES(%(x)s)[0] / %(itemsize_x)s;
            int z_stride = PyArray_STRIDES(%(z)s)[0] / %(itemsize_z)s;
            int x_dim = PyArray_DIMS(%(x)s)[0];
            for (int i = 0; i < x_dim; i++)
                z_data[i * z_stride] = x_data[i * x_stride] * y_value;
        }
        """ % locals()


class VectorTimesVector(gof.Op):
    """extending_theano_c.txt, "More complex C Op example": support code shared by every
    node (``c_support_code``) and per node (``c_support_code_apply``), any dtypes."""

    __props__ = ()

    def make_node(self, x, y):
        if x.type.ndim != 1:
            raise TypeError("x must be a 1-d vector")
        if y.type.ndim != 1:
            raise TypeError("y must be a 1-d vector")
        out = T.TensorType(dtype=ts.upcast(x.dtype, y.dtype), broadcastable=[False])()
        return gof.Apply(self, [x, y], [out])

    def perform(self, node, inputs, output_storage):
        x, y = inputs
        if x.shape != y.shape:
            raise ValueError("Shape mismatch")
        output_storage[0][0] = (x * y).astype(node.outputs[0].dtype)

    def c_code_cache_version(self):
        return (1, 0, 2)

    def c_support_code(self):
        return """
        bool vector_same_shape(PyArrayObject *arr1, PyArrayObject *arr2)
        {
            return PyArray_DIMS(arr1)[0] == PyArray_DIMS(arr2)[0];
        }
        """

    def c_support_code_apply(self, node, name):
        dtype_x, dtype_y = node.inputs[0].dtype, node.inputs[1].dtype
        dtype_z = node.outputs[0].dtype
        return """
        void vector_elemwise_mult_%(name)s(npy_%(dtype_x)s *x_ptr, int x_str,
                                           npy_%(dtype_y)s *y_ptr, int y_str,
                                           npy_%(dtype_z)s *z_ptr, int z_str, int n)
        {
            for (int i = 0; i < n; i++)
                z_ptr[i * z_str] = (npy_%(dtype_z)s)x_ptr[i * x_str] *
                                   (npy_%(dtype_z)s)y_ptr[i * y_str];
        }
        """ % locals()

    def c_code(self, node, name, inp, out, sub):
        x, y = inp
        z, = out
        dtype_x, dtype_y = node.inputs[0].dtype, node.inputs[1].dtype
        dtype_z = node.outputs[0].dtype
        itemsize_x = np.dtype(dtype_x).itemsize
        itemsize_y = np.dtype(dtype_y).itemsize
        itemsize_z = np.dtype(dtype_z).itemsize
        typenum_z = np.dtype(dtype_z).num
        fail = sub["fail"]
        return """
        if (!vector_same_shape(%(x)s, %(y)s)) {
            PyErr_Format(PyExc_ValueError, "Shape mismatch : x.shape[0] and y.shape[0] "
                         "should match but x.shape[0] == %%i and y.shape[0] == %%i",
                         (int)PyArray_DIMS(%(x)s)[0], (int)PyArray_DIMS(%(y)s)[0]);
            %(fail)s;
        }
        if (NULL == %(z)s || !vector_same_shape(%(x)s, %(z)s)) {
            Py_XDECREF(%(z)s);
            %(z)s = (PyArrayObject *)PyArray_EMPTY(1, PyArray_DIMS(%(x)s), %(typenum_z)s, 0);
            if (!%(z)s) {
                %(fail)s;
            }
        }
        vector_elemwise_mult_%(name)s(
            (npy_%(dtype_x)s *)PyArray_DATA(%(x)s), PyArray_STRIDES(%(x)s)[0] / %(itemsize_x)s,
            (npy_%(dtype_y)s *)PyArray_DATA(%(y)s), PyArray_STRIDES(%(y)s)[0] / %(itemsize_y)s,
            (npy_%(dtype_z)s *)PyArray_DATA(%(z)s), PyArray_STRIDES(%(z)s)[0] / %(itemsize_z)s,
            PyArray_DIMS(%(x)s)[0]);
        """ % locals()


class COpVectorTimesVector(gof.COp):
    """extending_theano_c.txt, "Alternate way of defining C Ops": the same op as a COp
    whose code is in c_ops/vectorTimesVector.c (path relative to this file)."""

    __props__ = ()

    func_file = "./c_ops/vectorTimesVector.c"
    func_name = "APPLY_SPECIFIC(vector_times_vector)"

    def __init__(self):
        super().__init__(self.func_file, self.func_name)

    def make_node(self, x, y):
        if x.type.ndim != 1:
            raise TypeError("x must be a 1-d vector")
        if y.type.ndim != 1:
            raise TypeError("y must be a 1-d vector")
        out = T.TensorType(dtype=ts.upcast(x.dtype, y.dtype), broadcastable=[False])()
        return gof.Apply(self, [x, y], [out])


class ScaledSum(gof.COp):
    """A COp with a ``#section code`` (INPUT_0, OUTPUT_0, FAIL, PARAMS, DTYPE_INPUT_0...),
    per-node struct state (support_code_struct, init_code_struct, cleanup_code_struct)
    and a Python float as params: ``out[i] = scale * sum(x[i, :]) + calls``, where
    ``calls`` counts the earlier runs of the node."""

    __props__ = ("scale", "out_dtype")
    params_type = gof.Generic()

    def __init__(self, scale, out_dtype="float64"):
        super().__init__("c_ops/scaled_sum.c")
        self.scale = float(scale)
        self.out_dtype = out_dtype

    def get_params(self, node):
        return self.scale

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return gof.Apply(self, [x], [T.TensorType(self.out_dtype, [False])()])


class Double(gof.Type):
    """The ``double`` type of Theano 1.0's extending docs (type.txt), with the C code of
    ctype.txt: a Python float, a C ``double``."""

    def filter(self, x, strict=False, allow_downcast=None):
        if strict:
            if isinstance(x, float):
                return x
            raise TypeError("Expected a float!")
        if allow_downcast:
            return float(x)
        x_float = float(x)
        if x_float == x:
            return x_float
        raise TypeError("The double type cannot accurately represent %s" % (x,))

    def values_eq_approx(self, x, y, tolerance=1e-4):
        return abs(x - y) / (abs(x) + abs(y)) < tolerance

    def __str__(self):
        return "double"

    def c_declare(self, name, sub):
        return "double %(name)s;" % dict(name=name)

    def c_init(self, name, sub):
        return "%(name)s = 0.0;" % dict(name=name)

    def c_extract(self, name, sub):
        return """
        if (!PyFloat_Check(py_%(name)s)) {
            PyErr_SetString(PyExc_TypeError, "expected a float");
            %(fail)s
        }
        %(name)s = PyFloat_AsDouble(py_%(name)s);
        """ % dict(name=name, fail=sub["fail"])

    def c_sync(self, name, sub):
        return """
        Py_XDECREF(py_%(name)s);
        py_%(name)s = PyFloat_FromDouble(%(name)s);
        if (!py_%(name)s) {
            printf("PyFloat_FromDouble failed on: %%f\\n", %(name)s);
            Py_XINCREF(Py_None);
            py_%(name)s = Py_None;
        }
        """ % dict(name=name)

    def c_cleanup(self, name, sub):
        return ""


double = Double()


class BinaryDoubleOp(gof.Op):
    """cop.txt's "Final version": one op class, four instances with different C code (and
    no ``__props__``: each instance is its own op, as in Theano 1.0)."""

    def __init__(self, name, fn, ccode):
        self.name = name
        self.fn = fn
        self.ccode = ccode

    def make_node(self, x, y):
        if isinstance(x, (int, float)):
            x = gof.Constant(double, x)
        if isinstance(y, (int, float)):
            y = gof.Constant(double, y)
        if x.type != double or y.type != double:
            raise TypeError("%s only works on doubles" % self.name)
        return gof.Apply(self, [x, y], [double()])

    def perform(self, node, inp, out):
        x, y = inp
        z, = out
        z[0] = self.fn(x, y)

    def __str__(self):
        return self.name

    def c_code(self, node, name, inp, out, sub):
        x, y = inp
        z, = out
        return self.ccode % locals()


add = BinaryDoubleOp(name="add", fn=lambda x, y: x + y, ccode="%(z)s = %(x)s + %(y)s;")
sub = BinaryDoubleOp(name="sub", fn=lambda x, y: x - y, ccode="%(z)s = %(x)s - %(y)s;")
mul = BinaryDoubleOp(name="mul", fn=lambda x, y: x * y, ccode="%(z)s = %(x)s * %(y)s;")
div = BinaryDoubleOp(name="div", fn=lambda x, y: x / y, ccode="%(z)s = %(x)s / %(y)s;")


class MulOp(gof.Op):
    """using_params.txt: a Python float passed to perform and to the C code as params."""

    params_type = gof.Generic()
    __props__ = ("mul",)

    def __init__(self, mul):
        self.mul = float(mul)

    def get_params(self, node):
        return self.mul

    def make_node(self, inp):
        inp = ts.as_scalar(inp)
        return gof.Apply(self, [inp], [inp.type()])

    def perform(self, node, inputs, output_storage, params):
        output_storage[0][0] = inputs[0] * params

    def c_code(self, node, name, inputs, outputs, sub):
        return ("%(z)s = %(x)s * PyFloat_AsDouble(%(p)s);"
                % dict(z=outputs[0], x=inputs[0], p=sub["params"]))


# ------------------------------------------------------------------ helpers
def vec(dtype, n, seed=0):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "f":
        return (rng.standard_normal(n) * 10).astype(dtype)
    if np.dtype(dtype).kind == "u":
        return rng.integers(0, 12, n).astype(dtype)
    return rng.integers(-12, 12, n).astype(dtype)


STRIDED = [
    ("contiguous", lambda a: a),
    ("step 2", lambda a: a[::2]),
    ("negative", lambda a: a[::-1]),
    ("negative step 3", lambda a: a[::-3]),
    ("empty", lambda a: a[:0]),
    ("one", lambda a: a[3:4]),
]


# ------------------------------------------------------------------ VectorTimesScalar
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int32", "int16", "uint8"])
def test_vector_times_scalar_runs_in_c_for_every_dtype_and_stride(dtype):
    x = T.TensorType(dtype, [False])("x")
    y = T.TensorType(dtype, [])("y")
    f = theano.function([x, y], VectorTimesScalar()(x, y))
    assert [type(o) for o in c_ops(f)] == [VectorTimesScalar]
    base = vec(dtype, 41)
    scalar = np.asarray(3 if dtype != "uint8" else 7, dtype=dtype)
    for label, view in STRIDED:
        a = view(base)
        got = f(a, scalar)
        assert got.dtype == dtype and got.shape == a.shape, label
        np.testing.assert_array_equal(got, (a * scalar).astype(dtype), err_msg=label)


def test_vector_times_scalar_special_values():
    x, y = T.dvector("x"), T.dscalar("y")
    f = theano.function([x, y], VectorTimesScalar()(x, y))
    a = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e308, 5e-324])
    with np.errstate(invalid="ignore", over="ignore"):
        for s in (2.0, -0.0, np.inf, np.nan):
            np.testing.assert_array_equal(f(a, s), a * s)


def test_output_buffer_is_reused_but_a_result_the_caller_holds_is_never_overwritten():
    x, y = T.dvector("x"), T.dscalar("y")
    f = theano.function([x, y], VectorTimesScalar()(x, y))
    a = np.arange(1000.0)
    first = f(a, 2.0)
    address = first.__array_interface__["data"][0]
    np.testing.assert_array_equal(first, a * 2)
    del first
    second = f(a, 3.0)  # the user's code gets the previous array back and fills it
    assert second.__array_interface__["data"][0] == address
    third = f(a, 4.0)   # `second` is held: a new array
    np.testing.assert_array_equal(second, a * 3)
    np.testing.assert_array_equal(third, a * 4)
    assert not np.shares_memory(second, third)
    short = f(a[:10], 5.0)  # another length: the C code reallocates
    np.testing.assert_array_equal(short, a[:10] * 5)


def test_a_user_op_inside_a_larger_graph_and_in_scan():
    x, y = T.dvector("x"), T.dscalar("y")
    out = T.exp(VectorTimesScalar()(x[::-1] * 2, y)) + 1
    f = theano.function([x, y], out)
    assert any(isinstance(o, VectorTimesScalar) for o in c_ops(f))
    a = np.linspace(-1, 1, 9)
    np.testing.assert_allclose(f(a, 0.5), np.exp(a[::-1] * 2 * 0.5) + 1, rtol=1e-14)

    m = T.dmatrix("m")
    rows, _ = theano.scan(lambda row, s: VectorTimesScalar()(row, s), sequences=[m],
                          non_sequences=[y])
    g = theano.function([m, y], rows)
    b = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(g(b, 1.5), b * 1.5)


def test_an_op_with_only_c_code_on_constants_is_not_folded_but_compiled():
    import warnings

    z = T.dscalar("z")
    out = VectorTimesScalar()(T.constant(np.arange(3.0)), T.constant(2.0)) * z
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "constant_folding failed" warning
        f = theano.function([z], out)
    assert any(isinstance(o, VectorTimesScalar) for o in c_ops(f))
    np.testing.assert_array_equal(f(1.5), [0.0, 3.0, 6.0])


# ------------------------------------------------------------------ VectorTimesVector
PAIRS = [("float64", "float64"), ("float32", "float32"), ("int32", "float64"),
         ("int8", "int16"), ("uint8", "float32"), ("int64", "int64"), ("float32", "int16")]


@pytest.mark.parametrize("op_class", [VectorTimesVector, COpVectorTimesVector],
                         ids=["Op", "COp"])
@pytest.mark.parametrize("dx,dy", PAIRS)
def test_vector_times_vector_matches_numpy(op_class, dx, dy):
    x = T.TensorType(dx, [False])("x")
    y = T.TensorType(dy, [False])("y")
    f = theano.function([x, y], op_class()(x, y))
    assert [type(o) for o in c_ops(f)] == [op_class]
    out_dtype = ts.upcast(dx, dy)
    bx, by = vec(dx, 40, 1), vec(dy, 40, 2)
    for label, view in STRIDED:
        got = f(view(bx), view(by)[::-1][::-1])
        want = view(bx).astype(out_dtype) * view(by).astype(out_dtype)
        assert got.dtype == out_dtype, label
        np.testing.assert_array_equal(got, want, err_msg=label)


@pytest.mark.parametrize("op_class", [VectorTimesVector, COpVectorTimesVector],
                         ids=["Op", "COp"])
def test_two_nodes_of_one_op_with_different_dtypes_in_one_module(op_class):
    # Their apply-specific support code must not clash (APPLY_SPECIFIC / %(name)s).
    a, b = T.dvector("a"), T.ivector("b")
    c, d = T.fvector("c"), T.fvector("d")
    f = theano.function([a, b, c, d], [op_class()(a, b), op_class()(c, d),
                                       op_class()(a, a)])
    assert len(c_ops(f)) == 3
    va, vb = np.arange(5.0), np.arange(5, dtype="int32") - 2
    vc, vd = np.linspace(0, 1, 5).astype("float32"), np.full(5, 3, "float32")
    r1, r2, r3 = f(va, vb, vc, vd)
    np.testing.assert_array_equal(r1, va * vb)
    np.testing.assert_array_equal(r2, vc * vd)
    assert r2.dtype == "float32"
    np.testing.assert_array_equal(r3, va * va)


@pytest.mark.parametrize("op_class", [VectorTimesVector, COpVectorTimesVector],
                         ids=["Op", "COp"])
def test_a_failure_in_the_c_code_raises_the_python_error_with_the_nodes_source_line(
        op_class):
    x, y = T.dvector("x"), T.dvector("y")
    z = op_class()(x, y)  # the line the error must point at
    f = theano.function([x, y], z * 2)
    with pytest.raises(ValueError) as info:
        f(np.ones(3), np.ones(4))
    msg = str(info.value)
    assert "Shape mismatch" in msg and "3" in msg and "4" in msg
    assert "Backtrace when the node is created" in msg
    assert "test_c_op.py" in msg and "z = op_class()(x, y)" in msg
    # The function still works afterwards.
    np.testing.assert_array_equal(f(np.ones(3), np.full(3, 2.0)), np.full(3, 4.0))


def test_cop_sections_and_macros():
    op = COpVectorTimesVector()
    assert set(op.code_sections) == {"support_code", "support_code_apply"}
    x, y = T.fvector(), T.dvector()
    node = op.make_node(x, y)
    code = op.c_support_code_apply(node, "node_7")
    assert "#define APPLY_SPECIFIC(str) str##_node_7" in code
    assert "#define DTYPE_INPUT_0 npy_float32" in code
    assert "#define TYPENUM_OUTPUT_0 %d" % np.dtype("float64").num in code
    assert "#define ITEMSIZE_INPUT_1 8" in code
    call = op.c_code(node, "node_7", ["V1", "V2"], ["V3"], {"fail": "FAILCODE"})
    assert "APPLY_SPECIFIC(vector_times_vector)(V1, V2, &V3)" in call and "FAILCODE" in call
    with pytest.raises(MethodNotDefined):
        op.c_init_code_struct(node, "node_7", {"fail": ""})
    assert op.c_code_cache_version() == COpVectorTimesVector().c_code_cache_version()


def test_cop_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad.c"
    bad.write_text("int stray;\n#section support_code\nint x;\n")
    with pytest.raises(ValueError, match="before the first"):
        gof.COp(str(bad))
    bad.write_text("#section no_such_tag\nint x;\n")
    with pytest.raises(ValueError, match="Unknown section"):
        gof.COp(str(bad))
    bad.write_text("int x;\n")
    with pytest.raises(ValueError, match="No '#section"):
        gof.COp(str(bad))
    bad.write_text("#section code\nint x;\n")
    with pytest.raises(ValueError, match="cannot be used together"):
        gof.COp(str(bad), "APPLY_SPECIFIC(f)")


# ------------------------------------------------------------------ struct state, params
def test_cop_code_section_with_struct_state_and_params():
    x = T.fmatrix("x")
    s1, s2 = ScaledSum(2.0), ScaledSum(2.0, "float32")
    f = theano.function([x], [s1(x), s1(x.T), s2(x[::-1])])
    assert len(c_ops(f)) == 3
    a = np.arange(12, dtype="float32").reshape(3, 4)
    for call in range(3):  # each node counts its own runs (one struct per node)
        r1, r2, r3 = f(a)
        np.testing.assert_allclose(r1, 2 * a.sum(1) + call, rtol=1e-6)
        np.testing.assert_allclose(r2, 2 * a.T.sum(1) + call, rtol=1e-6)
        np.testing.assert_allclose(r3, 2 * a[::-1].sum(1) + call, rtol=1e-6)
        assert r1.dtype == "float64" and r3.dtype == "float32"
    # A new function has new nodes: their counters start at zero.
    g = theano.function([x], s1(x))
    np.testing.assert_allclose(g(a), 2 * a.sum(1), rtol=1e-6)


def test_an_error_in_init_code_struct_fails_when_the_function_is_made():
    x = T.fmatrix("x")
    with pytest.raises(ValueError, match="the scale must not be negative"):
        theano.function([x], ScaledSum(-1.0)(x))


def test_params_reach_perform_and_the_c_code():
    x = ts.float64("x")
    out = MulOp(2.5)(x)
    f = theano.function([x], out)
    assert [type(o) for o in c_ops(f)] == [MulOp]
    got = f(3.0)
    assert got == 7.5 and np.asarray(got).dtype == "float64"
    g = theano.function([x], out, mode=PY)  # perform(node, inputs, outputs, params)
    assert g(3.0) == 7.5
    h = theano.function([x], out, mode="DebugMode")  # so does its reference check
    assert h(3.0) == 7.5


# ------------------------------------------------------------------ the `double` type
def test_double_type_with_c_code_and_binary_double_ops():
    x, y, z = double("x"), double("y"), double("z")
    a = add(x, y)
    b = mul(a, z)
    f = theano.function([x, y, z], b)
    assert f(1.0, 2.0, 3.0) == 9.0
    assert isinstance(f(1.0, 2.0, 3.0), float)
    assert sorted(str(o) for o in c_ops(f)) == ["add", "mul"]
    # Four instances of one class, four computations (Theano 1.0: no __props__ means
    # identity, so sub(x, y) and div(x, y) are not merged with add(x, y)).
    g = theano.function([x, y], [add(x, y), sub(x, y), mul(x, y), div(x, y)])
    assert len(c_ops(g)) == 4
    assert g(6.0, 4.0) == [10.0, 2.0, 24.0, 1.5]
    with pytest.raises(ValueError, match="expected double"):
        g(6.0, "four")
    # The type's own c_extract checks what reaches the C code.
    prog = CProgram(FunctionGraph([x, y], [add(x, y)]))
    frame = prog.new_frame([[6.0], ["four"]])
    with pytest.raises(TypeError, match="expected a float"):
        frame.run()


# ------------------------------------------------------------------ partial C code
class HalfC(gof.Op):
    """C code for floating-point inputs only: MethodNotDefined (float32) or None (ints)
    leave those nodes to ``perform``."""

    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return gof.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = (inputs[0] * 3 + 1).astype(inputs[0].dtype)

    def c_code(self, node, name, inp, out, sub):
        dtype = node.inputs[0].dtype
        if dtype == "float32":
            raise MethodNotDefined("c_code", type(self), type(self).__name__)
        if dtype != "float64":
            return None
        return """
        Py_XDECREF(%(z)s);
        %(z)s = (PyArrayObject *)PyArray_NewLikeArray(%(x)s, NPY_CORDER, NULL, 0);
        if (!%(z)s) %(fail)s
        {
            PyArrayObject *ops[2] = {%(x)s, %(z)s};
            npy_uint32 flags[2] = {NPY_ITER_READONLY, NPY_ITER_WRITEONLY};
            NpyIter *it = NpyIter_MultiNew(2, ops, NPY_ITER_EXTERNAL_LOOP
                                           | NPY_ITER_ZEROSIZE_OK, NPY_KEEPORDER,
                                           NPY_NO_CASTING, flags, NULL);
            if (!it) %(fail)s
            if (NpyIter_GetIterSize(it) > 0) {
                NpyIter_IterNextFunc *next = NpyIter_GetIterNext(it, NULL);
                char **data = NpyIter_GetDataPtrArray(it);
                npy_intp *strides = NpyIter_GetInnerStrideArray(it);
                npy_intp *size = NpyIter_GetInnerLoopSizePtr(it);
                do {
                    for (npy_intp i = 0; i < *size; i++)
                        *(double *)(data[1] + i * strides[1]) =
                            *(double *)(data[0] + i * strides[0]) * 3 + 1;
                } while (next(it));
            }
            NpyIter_Deallocate(it);
        }
        """ % dict(x=inp[0], z=out[0], fail=sub["fail"])


@pytest.mark.parametrize("dtype,in_c", [("float64", True), ("float32", False),
                                        ("int32", False)])
def test_c_code_for_some_dtypes_only(dtype, in_c):
    x = T.TensorType(dtype, [False, False])("x")
    f = theano.function([x], HalfC()(x))
    assert ([type(o) for o in c_ops(f)] == [HalfC]) == in_c
    a = (np.arange(24).reshape(4, 6) - 7).astype(dtype)
    for v in (a, a.T, a[::-1, ::2], a[:0], a[:, :1]):
        np.testing.assert_array_equal(f(v), (v * 3 + 1).astype(dtype))


class CleanupCounter(gof.Op):
    """``c_code_cleanup`` runs after the code, also when the code failed, and sees the
    variables the code declared; ``dtype_<name>`` and ``typenum_<name>`` name the types of
    the variables.  The cleanup appends x's size to the params list."""

    params_type = gof.Generic()

    def __init__(self):
        self.log = []

    def get_params(self, node):
        return self.log

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return gof.Apply(self, [x], [T.TensorType("float64", [False])()])

    def c_code(self, node, name, inp, out, sub):
        return """
        dtype_%(x)s *tmp = (dtype_%(x)s *)malloc(sizeof(dtype_%(x)s) * (PyArray_SIZE(%(x)s) + 1));
        if (!tmp) { PyErr_NoMemory(); %(fail)s }
        if (PyArray_SIZE(%(x)s) > 3) {
            PyErr_SetString(PyExc_ValueError, "too long");
            %(fail)s
        }
        Py_XDECREF(%(z)s);
        %(z)s = (PyArrayObject *)PyArray_EMPTY(1, PyArray_DIMS(%(x)s), typenum_%(z)s, 0);
        if (!%(z)s) %(fail)s
        for (npy_intp i = 0; i < PyArray_SIZE(%(x)s); i++) {
            tmp[i] = *(dtype_%(x)s *)PyArray_GETPTR1(%(x)s, i);
            ((dtype_%(z)s *)PyArray_DATA(%(z)s))[i] = (dtype_%(z)s)tmp[i] * 2;
        }
        """ % dict(x=inp[0], z=out[0], fail=sub["fail"])

    def c_code_cleanup(self, node, name, inp, out, sub):
        return """
        free(tmp);
        {
            PyObject *et, *ev, *tb, *n;
            PyErr_Fetch(&et, &ev, &tb);
            n = PyLong_FromSsize_t(PyArray_SIZE(%(x)s));
            if (n) { PyList_Append(%(p)s, n); Py_DECREF(n); }
            PyErr_Restore(et, ev, tb);
        }
        """ % dict(x=inp[0], p=sub["params"])


def test_code_cleanup_runs_on_success_and_failure_and_sees_the_codes_variables():
    op = CleanupCounter()
    x = T.ivector("x")
    f = theano.function([x], op(x))
    assert [type(o) for o in c_ops(f)] == [CleanupCounter]
    np.testing.assert_array_equal(f(np.arange(3, dtype="int32")[::-1]), [4.0, 2.0, 0.0])
    with pytest.raises(ValueError, match="too long"):
        f(np.arange(5, dtype="int32"))
    assert op.log == [3, 5]


# ------------------------------------------------------------------ build options
class ScaledSqrt(gof.Op):
    """Headers from c_header_dirs, a -D from c_compile_args, a library, init code."""

    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return gof.Apply(self, [x], [x.type()])

    def c_headers(self):
        return ["<math.h>", "my_scale.h"]

    def c_header_dirs(self):
        return [os.path.join(HERE, "c_ops")]

    def c_compile_args(self):
        return ["-DMY_SCALE=3"]

    def c_libraries(self):
        return ["m"]

    def c_lib_dirs(self):
        return [os.path.join(HERE, "c_ops")]

    def c_support_code(self):
        return "static double scaled_sqrt_offset = 0.0;"

    def c_init_code(self):
        return ["scaled_sqrt_offset = 0.25;"]

    def c_code(self, node, name, inp, out, sub):
        return """
        {
            npy_intp n = PyArray_SIZE(%(x)s);
            PyArrayObject *src = (PyArrayObject *)PyArray_GETCONTIGUOUS(%(x)s);
            if (!src) %(fail)s
            Py_XDECREF(%(z)s);
            %(z)s = (PyArrayObject *)PyArray_EMPTY(PyArray_NDIM(%(x)s), PyArray_DIMS(%(x)s),
                                                   NPY_FLOAT64, 0);
            if (!%(z)s) { Py_DECREF(src); %(fail)s }
            for (npy_intp i = 0; i < n; i++)
                ((double *)PyArray_DATA(%(z)s))[i] =
                    my_scale_apply(sqrt(((double *)PyArray_DATA(src))[i]))
                    + scaled_sqrt_offset;
            Py_DECREF(src);
        }
        """ % dict(x=inp[0], z=out[0], fail=sub["fail"])


class NeedsNoNumpyFlag(VectorTimesScalar):
    """c_no_compile_args removes a default flag (the code refuses to compile with it)."""

    def c_no_compile_args(self):
        return ["-DNPY_NO_DEPRECATED_API=NPY_1_7_API_VERSION"]

    def c_support_code(self):
        return ("#if defined(NPY_NO_DEPRECATED_API)\n"
                "#error \"c_no_compile_args did not remove the flag\"\n#endif\n")


def test_headers_libraries_compile_args_and_init_code():
    x = T.dmatrix("x")
    f = theano.function([x], ScaledSqrt()(x))
    assert [type(o) for o in c_ops(f)] == [ScaledSqrt]
    a = np.arange(12.0).reshape(3, 4)
    np.testing.assert_allclose(f(a.T), 3 * np.sqrt(a.T) + 0.25, rtol=1e-15)
    v, s = T.dvector("v"), T.dscalar("s")
    g = theano.function([v, s], NeedsNoNumpyFlag()(v, s))
    np.testing.assert_array_equal(g(np.arange(3.0), 2.0), [0.0, 2.0, 4.0])


# ------------------------------------------------------------------ other types, views
class LenAndTuple(gof.Op):
    """A Generic input (any Python object) and outputs: an int64 0-d tensor and a Python
    object."""

    __props__ = ()

    def make_node(self, obj):
        return gof.Apply(self, [obj], [T.lscalar(), gof.Generic()()])

    def c_code(self, node, name, inp, out, sub):
        return """
        {
            Py_ssize_t n = PyObject_Length(%(o)s);
            if (n < 0) %(fail)s
            Py_XDECREF(%(n)s);
            %(n)s = (PyArrayObject *)PyArray_ZEROS(0, NULL, NPY_INT64, 0);
            if (!%(n)s) %(fail)s
            *(npy_int64 *)PyArray_DATA(%(n)s) = n;
            Py_XDECREF(%(t)s);
            %(t)s = Py_BuildValue("(Oi)", %(o)s, (int)n);
            if (!%(t)s) %(fail)s
        }
        """ % dict(o=inp[0], n=out[0], t=out[1], fail=sub["fail"])


def test_generic_inputs_and_outputs():
    o = gof.Generic()("o")
    n, t = LenAndTuple()(o)
    f = theano.function([o], [n, t])
    assert [type(op) for op in c_ops(f)] == [LenAndTuple]
    got_n, got_t = f([1, 2, 3])
    assert int(got_n) == 3 and got_t == ([1, 2, 3], 3)
    with pytest.raises(TypeError):
        f(5)


class ScribbleView(gof.Op):
    """Returns its input (a view, declared in view_map).  If it were ever handed a
    previous output, it would scribble on it -- which would be the caller's input array."""

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return gof.Apply(self, [x], [x.type()])

    def c_code(self, node, name, inp, out, sub):
        return """
        if (%(z)s) {
            npy_intp n = PyArray_SIZE(%(z)s);
            for (npy_intp i = 0; i < n; i++) ((double *)PyArray_DATA(%(z)s))[i] = -1;
            Py_DECREF(%(z)s);
        }
        %(z)s = %(x)s;
        Py_INCREF(%(z)s);
        """ % dict(x=inp[0], z=out[0])


class ReuseProbe(gof.Op):
    """out = x + 1, except out[0] says whether the previous output array was reused."""

    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return gof.Apply(self, [x], [x.type()])

    def c_code(self, node, name, inp, out, sub):
        return """
        {
            int reused = %(z)s != NULL && PyArray_DIMS(%(z)s)[0] == PyArray_DIMS(%(x)s)[0];
            if (!reused) {
                Py_XDECREF(%(z)s);
                %(z)s = (PyArrayObject *)PyArray_EMPTY(1, PyArray_DIMS(%(x)s), NPY_FLOAT64, 0);
                if (!%(z)s) %(fail)s
            }
            for (npy_intp i = 0; i < PyArray_DIMS(%(x)s)[0]; i++)
                ((double *)PyArray_DATA(%(z)s))[i] =
                    *(double *)(PyArray_BYTES(%(x)s) + i * PyArray_STRIDES(%(x)s)[0]) + 1;
            ((double *)PyArray_DATA(%(z)s))[0] = reused;
        }
        """ % dict(x=inp[0], z=out[0], fail=sub["fail"])


def test_views_are_never_reused_as_output_buffers():
    x = T.dvector("x")
    f = theano.function([x], ScribbleView()(x) * 1)  # the view feeds another node
    a1, a2 = np.arange(4.0), np.arange(4.0) + 10
    np.testing.assert_array_equal(f(a1), a1)
    np.testing.assert_array_equal(f(a2), a2)
    np.testing.assert_array_equal(a1, np.arange(4.0))  # nobody scribbled on the inputs
    np.testing.assert_array_equal(a2, np.arange(4.0) + 10)


def test_previous_output_is_given_back_only_when_nobody_holds_it():
    x = T.dvector("x")
    f = theano.function([x], ReuseProbe()(x))
    a = np.arange(5.0)
    assert f(a)[0] == 0           # first call: nothing to reuse (result dropped)
    held = f(a)
    assert held[0] == 1           # the dropped array came back
    again = f(a)
    np.testing.assert_array_equal(held, [1, 2, 3, 4, 5])  # untouched
    assert not np.shares_memory(held, again)


def test_python_frames_call_the_c_kernel_too():
    # Programs with a per-node callback (as debugging modes install) run each kernel
    # through the runtime's run_kernel, state included.
    x = T.fmatrix("x")
    fg = FunctionGraph([x], [ScaledSum(1.0)(x)])
    seen = []

    def callback(k, node, fn, inputs, out_cells):
        seen.append(type(node.op).__name__)
        fn(inputs, out_cells)

    prog = CProgram(fg, callback=callback)
    assert prog.c_nodes == [0]
    frame = prog.new_frame([[np.ones((2, 3), "float32")]])
    frame.run()
    frame.run()
    np.testing.assert_allclose(frame.outputs()[0], [4.0, 4.0])
    assert seen == ["ScaledSum", "ScaledSum"]


# ------------------------------------------------------------------ errors
class BrokenC(gof.Op):
    __props__ = ("where",)

    def __init__(self, where):
        self.where = where

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return gof.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0].copy()

    def c_support_code(self):
        if self.where == "support":
            return "static int helper(void) { return undeclared_thing; }"
        return ""

    def c_code(self, node, name, inp, out, sub):
        if self.where == "code":
            return "this is not C;"
        return "Py_XDECREF(%s); %s = (PyArrayObject *)PyArray_NewCopy(%s, NPY_ANYORDER);" % (
            out[0], out[0], inp[0])


@pytest.mark.parametrize("where", ["code", "support"])
def test_a_compile_error_names_the_op_and_shows_the_compiler_message(where):
    x = T.dvector("x")
    y = BrokenC(where)(x)  # the node's source line
    with pytest.raises(CompileError) as info:
        theano.function([x], T.exp(y) + VectorTimesVector()(x, x))
    msg = str(info.value)
    assert "The C code of this op could not be compiled" in msg
    assert "BrokenC{where='%s'}" % where in msg and "test_c_op.py" in msg
    assert "y = BrokenC(where)(x)" in msg
    assert "VectorTimesVector" not in msg.split("Compilation of generated")[0]
    assert "error" in msg and ("undeclared_thing" in msg or "this" in msg)
    assert "Source kept at" in msg
    # The same op compiles fine where it has no mistake.
    f = theano.function([x], BrokenC("nowhere")(x))
    np.testing.assert_array_equal(f(np.arange(3.0)), np.arange(3.0))


class FailsSilently(gof.Op):
    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return gof.Apply(self, [x], [x.type()])

    def c_code(self, node, name, inp, out, sub):
        return "if (PyArray_SIZE(%s) > 2) %s" % (inp[0], sub["fail"])


class WrongOutput(gof.Op):
    __props__ = ("what",)

    def __init__(self, what):
        self.what = what

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return gof.Apply(self, [x], [x.type()])

    def c_code(self, node, name, inp, out, sub):
        if self.what == "null":
            return "Py_XDECREF(%s); %s = NULL;" % (out[0], out[0])
        if self.what == "dtype":
            return ("Py_XDECREF(%s); %s = (PyArrayObject *)PyArray_ZEROS(1, "
                    "PyArray_DIMS(%s), NPY_INT32, 0);" % (out[0], out[0], inp[0]))
        return ("Py_XDECREF(%s); %s = (PyArrayObject *)PyArray_ZEROS(0, NULL, NPY_FLOAT64, 0);"
                % (out[0], out[0]))


def test_run_time_errors_without_a_python_exception_and_wrong_outputs():
    x = T.dvector("x")
    f = theano.function([x], FailsSilently()(x))
    with pytest.raises(RuntimeError, match="failed without setting a Python exception"):
        f(np.ones(3))
    for what, exc, text in [("null", RuntimeError, "left output 0 NULL"),
                            ("dtype", TypeError, "holds numpy.int32"),
                            ("ndim", ValueError, "has 0 dimensions")]:
        g = theano.function([x], WrongOutput(what)(x))
        with pytest.raises(exc, match=text):
            g(np.ones(3))


class ThrowsCxx(gof.Op):
    """The code is C++ (Theano 1.0 compiled it with g++): a C++ exception becomes a
    RuntimeError."""

    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return gof.Apply(self, [x], [x.type()])

    def c_headers(self):
        return ["<stdexcept>", "<vector>"]

    def c_code(self, node, name, inp, out, sub):
        return """
        {
            std::vector<double> values(PyArray_SIZE(%(x)s));
            if (values.size() > 2) throw std::runtime_error("boom");
            Py_XDECREF(%(z)s);
            %(z)s = (PyArrayObject *)PyArray_NewCopy(%(x)s, NPY_CORDER);
            if (!%(z)s) %(fail)s
        }
        """ % dict(x=inp[0], z=out[0], fail=sub["fail"])


def test_cxx_code_and_exceptions():
    x = T.dvector("x")
    f = theano.function([x], ThrowsCxx()(x))
    np.testing.assert_array_equal(f(np.ones(2)), np.ones(2))
    with pytest.raises(RuntimeError, match="C.. exception: boom"):
        f(np.ones(3))


def test_inputs_of_the_wrong_kind_are_refused_before_the_user_code_runs():
    # A node whose input type says "vector" but which receives a matrix from a Python
    # op upstream (here forced through a FunctionGraph built by hand).
    x = T.dvector("x")
    fg = FunctionGraph([x], [VectorTimesScalar()(x, T.constant(2.0))])
    prog = CProgram(fg)
    frame = prog.new_frame([[np.ones((2, 2))]])
    with pytest.raises(ValueError, match="input 0 should have 1 dimensions, got 2"):
        frame.run()


# ------------------------------------------------------------------ registry
def test_a_subclass_defining_c_code_uses_it_over_a_library_kernel():
    from theano.link.c import blas_c
    from theano.tensor.math import Dot

    class MyDot(Dot):
        def c_code(self, node, name, inp, out, sub):
            return ""

    assert registry.c_kernel_generator(Dot()) is blas_c.dot_kernel
    assert registry.c_kernel_generator(MyDot()) is cop.c_op_kernel
    assert registry.c_kernel_generator(COpVectorTimesVector()) is cop.c_op_kernel
    # Library ops without a kernel still get none (the Op-level generator declines).
    x = T.dvector()
    node = T.sort(x).owner
    assert cop.c_op_kernel(node, None) is None


# ------------------------------------------------------------------ the on-disk cache
_CACHE_SCRIPT = textwrap.dedent("""
    import json, os, sys
    sys.path.insert(0, %(here)r)
    import numpy as np
    import theano, theano.tensor as T
    from theano.link.c import cache
    compiled = []
    real = cache.compile_shared_object
    def counting(info, src, out, *rest):
        compiled.append(os.path.basename(out))
        return real(info, src, out, *rest)
    cache.compile_shared_object = counting
    import test_c_op as t

    class Salted(t.VectorTimesVector):
        def c_support_code(self):
            return super().c_support_code() + "\\n/* %(salt)s */\\n"

    x, y = T.dvector("x"), T.fvector("y")
    s = T.fscalar("s")
    f = theano.function([x, y, s], [Salted()(x, y), t.VectorTimesScalar()(y, s)])
    out = [v.tolist() for v in f(np.arange(4.0), np.arange(4, dtype="float32") + 1, 2)]
    print(json.dumps({"out": out, "compiled": compiled,
                      "c_nodes": len(f.maker.program.c_nodes)}))
""")


def test_a_second_process_compiles_nothing():
    script = _CACHE_SCRIPT % dict(here=HERE, salt=uuid.uuid4().hex)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT] + sys.path))
    runs = []
    for _ in range(2):
        res = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                             text=True, timeout=600, cwd=ROOT, check=False)
        assert res.returncode == 0, res.stderr
        runs.append(json.loads(res.stdout.strip().splitlines()[-1]))
    first, second = runs
    assert len(first["compiled"]) >= 1   # the user-op module (salted: new to the cache)
    assert second["compiled"] == []
    for r in runs:
        assert r["c_nodes"] == 2
        assert r["out"] == [[0.0, 2.0, 6.0, 12.0], [2.0, 4.0, 6.0, 8.0]]
