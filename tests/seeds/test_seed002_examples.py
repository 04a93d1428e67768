"""Seed 002 ("Theano-快速指南", tutorialspoint quick guide): every code example, in Python 3 form."""
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import function, tensor

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_listing(source):
    """Run a seed 'full program listing' (it starts with ``from theano import *``).

    ``import *`` is only allowed at module level, so the listing is executed
    as a module body in a fresh namespace, which is then returned.  The seed
    listings rely on ``from theano import *`` providing ``theano``,
    ``tensor`` and ``function``.
    """
    namespace = {"__name__": "__seed_listing__"}
    exec(compile(textwrap.dedent(source), "<seed 002 listing>", "exec"), namespace)
    return namespace


# ---------------------------------------------------------------------------
# Installation check / trivial expression / matrix multiplication
# ---------------------------------------------------------------------------

def test_installation_check_adds_two_scalars(capsys):
    """Seed 002 '测试安装': f(1.5, 2.5) of a + b prints 4.0."""
    a = tensor.dscalar()
    b = tensor.dscalar()
    c = a + b
    f = theano.function([a, b], c)
    d = f(1.5, 2.5)
    assert d == 4.0
    assert np.asarray(d).dtype == np.float64
    print(d)
    assert capsys.readouterr().out == "4.0\n"


def test_trivial_expression_full_listing(capsys):
    """Seed 002 'Theano-琐碎的Theano表达' full program listing (from theano import *) prints 9.0."""
    ns = run_listing("""
        from theano import *
        a = tensor.dscalar()
        b = tensor.dscalar()
        c = a + b
        f = theano.function([a,b], c)
        d = f(3.5, 5.5)
        print (d)
    """)
    assert capsys.readouterr().out == "9.0\n"
    assert ns["d"] == 9.0
    assert ns["c"].type == tensor.dscalar


# The seed prints [[11. 0.] [25. 20.]] for this product, but
# [4, 11, 2] . [3, 1, 6] = 12 + 11 + 12 = 35 (its own LaTeX shows 35 20):
# the printed "25" is a typo, the correct product is used here.
DOT_EXPECTED = np.array([[11., 0.], [35., 20.]])


def test_matrix_multiplication_lists_and_arrays():
    """Seed 002 '矩阵乘法的表达式': dot of a 2x3 and a 3x2 dmatrix, from lists and numpy arrays."""
    a = tensor.dmatrix()
    b = tensor.dmatrix()
    c = tensor.dot(a, b)
    f = theano.function([a, b], c)
    d = f([[0, -1, 2], [4, 11, 2]], [[3, -1], [1, 2], [6, 1]])
    assert d.shape == (2, 2)
    assert d.dtype == np.float64
    np.testing.assert_array_equal(d, DOT_EXPECTED)
    d2 = f(np.array([[0, -1, 2], [4, 11, 2]]),
           np.array([[3, -1], [1, 2], [6, 1]]))
    np.testing.assert_array_equal(d2, DOT_EXPECTED)


def test_matrix_multiplication_full_listing():
    """Seed 002 matrix multiplication full program listing (from theano import *)."""
    ns = run_listing("""
        from theano import *
        a = tensor.dmatrix()
        b = tensor.dmatrix()
        c = tensor.dot(a,b)
        f = theano.function([a,b], c)
        d = f([[0, -1, 2],[4, 11, 2]], [[3, -1],[1,2],[6,1]])
        print (d)
    """)
    np.testing.assert_array_equal(ns["d"], DOT_EXPECTED)


@pytest.mark.parametrize("mode", ["FAST_COMPILE", "FAST_RUN"])
def test_function_optimization_modes(mode):
    """Seed 002 'Theano-功能': the optimization may be FAST_COMPILE or FAST_RUN; results agree."""
    a = tensor.dmatrix('a')
    b = tensor.dmatrix('b')
    f = theano.function([a, b], tensor.dot(a, b) + a.sum(), mode=mode)
    d = f([[0, -1, 2], [4, 11, 2]], [[3, -1], [1, 2], [6, 1]])
    np.testing.assert_array_equal(d, DOT_EXPECTED + 18.)


# ---------------------------------------------------------------------------
# Computational graph pictures
# ---------------------------------------------------------------------------

def _have_pydot_and_dot():
    has_pydot = any(importlib.util.find_spec(m) is not None
                    for m in ("pydot", "pydot_ng"))
    return has_pydot and shutil.which("dot") is not None


@pytest.mark.rewrite
@pytest.mark.skipif(not _have_pydot_and_dot(),
                    reason="pydotprint needs pydot and graphviz's `dot`")
@pytest.mark.parametrize("kind", ["scalar_addition", "matrix_dot_product"])
def test_pydotprint_writes_png(kind, tmp_path):
    """Seed 002 '标量加法的符号图'/'矩阵乘法器的符号图': pydotprint writes a PNG."""
    if kind == "scalar_addition":
        a = tensor.dscalar()
        b = tensor.dscalar()
        c = a + b
    else:
        a = tensor.dmatrix()
        b = tensor.dmatrix()
        c = tensor.dot(a, b)
    f = theano.function([a, b], c)
    outfile = tmp_path / (kind + ".png")
    theano.printing.pydotprint(f, outfile=str(outfile), var_with_name_simple=True)
    assert outfile.exists()
    data = outfile.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 100


# ---------------------------------------------------------------------------
# Data types
# ---------------------------------------------------------------------------

PREFIX_DTYPES = {
    "b": "int8",       # Byte
    "w": "int16",      # 16-bit integers
    "i": "int32",      # 32-bit integers
    "l": "int64",      # 64-bit integers
    "f": "float32",    # float
    "d": "float64",    # double
    "c": "complex64",  # complex
}
KIND_BROADCASTABLE = {
    "scalar": (),
    "vector": (False,),
    "matrix": (False, False),
    "row": (True, False),
    "col": (False, True),
    "tensor3": (False,) * 3,
    "tensor4": (False,) * 4,
    "tensor5": (False,) * 5,
    "tensor6": (False,) * 6,
    "tensor7": (False,) * 7,
}
TYPE_TABLE = [(p + k, PREFIX_DTYPES[p], KIND_BROADCASTABLE[k])
              for p in PREFIX_DTYPES for k in KIND_BROADCASTABLE]


@pytest.mark.parametrize("name,dtype,broadcastable", TYPE_TABLE,
                         ids=[row[0] for row in TYPE_TABLE])
def test_data_type_table(name, dtype, broadcastable):
    """Seed 002 'Theano-数据类型' table: every constructor has the right dtype/ndim/broadcastable."""
    ctor = getattr(theano.tensor, name)
    v = ctor('v_' + name)
    assert v.name == 'v_' + name
    assert v.type.dtype == dtype
    assert v.dtype == dtype
    assert v.type.ndim == len(broadcastable)
    assert v.ndim == len(broadcastable)
    assert v.type.broadcastable == broadcastable
    assert v.broadcastable == broadcastable
    unnamed = ctor()
    assert unnamed.type == v.type


def test_scalar_example():
    """Seed 002 '标量': theano.tensor.scalar('x') is a 0-d floatX variable; the listing then prints x = 5.0."""
    x = theano.tensor.scalar('x')
    assert x.ndim == 0 and x.dtype == theano.config.floatX
    assert theano.function([x], x)(5.0) == 5.0
    x = 5.0   # the seed rebinds x to a Python float and prints it
    assert str(x) == "5.0"


def test_one_dimensional_array_example():
    """Seed 002 '一维数组': elements 0 and 2 of (2.0, 5.0, 3.0); index 3 raises IndexError."""
    f = theano.tensor.vector
    f = (2.0, 5.0, 3.0)
    assert f == (2.0, 5.0, 3.0)
    assert f[0] == 2.0
    assert f[2] == 3.0
    # The seed writes ``print f([3])``; its traceback shows ``f[3]`` was meant.
    with pytest.raises(IndexError):
        f[3]

    # The same indexing on the symbolic vector the constructor builds.
    v = theano.tensor.vector('f')
    fn = theano.function([v], [v[0], v[2]])
    first, third = fn([2.0, 5.0, 3.0])
    assert first == 2.0 and third == 3.0
    out_of_range = theano.function([v], v[3])
    with pytest.raises(IndexError):
        out_of_range([2.0, 5.0, 3.0])


def test_two_dimensional_array_example():
    """Seed 002 '二维阵列': m[0] == [2, 3] and m[1][0] == 4 for ([2,3],[4,5],[2,4])."""
    m = theano.tensor.matrix
    m = ([2, 3], [4, 5], [2, 4])
    assert m[0] == [2, 3]
    assert m[1][0] == 4

    M = theano.tensor.matrix('m')
    row0, elt = theano.function([M], [M[0], M[1][0]])([[2, 3], [4, 5], [2, 4]])
    np.testing.assert_array_equal(row0, [2., 3.])
    assert elt == 4.0


def test_five_dimensional_array_example():
    """Seed 002 '5维数组': m5[1] == [5..9], m5[2][3] == 13; tensor3..tensor7 have ndim 3..7."""
    m5 = theano.tensor.tensor5
    m5 = ([0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14])
    assert m5[1] == [5, 6, 7, 8, 9]
    assert m5[2][3] == 13

    M5 = theano.tensor.tensor5('m5')
    assert M5.ndim == 5
    data = np.arange(15, dtype=theano.config.floatX).reshape(3, 5, 1, 1, 1)
    second, elt = theano.function([M5], [M5[1], M5[2][3]])(data)
    np.testing.assert_array_equal(second.ravel(), [5., 6., 7., 8., 9.])
    assert elt.ravel().tolist() == [13.0]
    for n in range(3, 8):
        assert getattr(theano.tensor, "tensor%d" % n)().ndim == n


def test_plural_constructors_example():
    """Seed 002 '多个构造函数': x, y, z = dmatrices('x', 'y', 'z') and rows x[2], y[1], z[0]."""
    # The seed's ``from theano.tensor import * x, y, z = ...`` lost a newline.
    ns = run_listing("""
        from theano.tensor import *
        x, y, z = dmatrices('x', 'y', 'z')
    """)
    x, y, z = ns["x"], ns["y"], ns["z"]
    assert [v.name for v in (x, y, z)] == ['x', 'y', 'z']
    for v in (x, y, z):
        assert v.type == T.dmatrix

    fn = theano.function([x, y, z], [x[2], y[1], z[0]])
    x2, y1, z0 = fn([[1, 2], [3, 4], [5, 6]],
                    [[7, 8], [9, 10], [11, 12]],
                    [[13, 14], [15, 16], [17, 18]])
    np.testing.assert_array_equal(x2, [5, 6])
    np.testing.assert_array_equal(y1, [9, 10])
    np.testing.assert_array_equal(z0, [13, 14])


# ---------------------------------------------------------------------------
# Variables
# ---------------------------------------------------------------------------

def test_variables_examples():
    """Seed 002 'Theano-变量': fvector('x'), ivector, dtensor3 and vector('x', dtype='int32')."""
    x = theano.tensor.fvector('x')
    assert x.name == 'x' and x.dtype == 'float32' and x.ndim == 1

    i32 = theano.tensor.ivector
    v = i32()
    assert v.name is None and v.dtype == 'int32' and v.ndim == 1

    f64 = theano.tensor.dtensor3
    t = f64()
    assert t.dtype == 'float64' and t.ndim == 3

    # The seed writes ``dtype=int32`` (an undefined name); the dtype string
    # 'int32' is what Theano accepts.
    xi = theano.tensor.vector('x', dtype='int32')
    assert xi.name == 'x' and xi.dtype == 'int32' and xi.ndim == 1
    np.testing.assert_array_equal(theano.function([xi], xi * 2)([1, 2, 3]),
                                  [2, 4, 6])


@pytest.mark.parametrize("name,dtype,ndim", [
    ("fvector", "float32", 1),
    ("ivector", "int32", 1),
    ("fscalar", "float32", 0),
    ("fmatrix", "float32", 2),
    ("ftensor3", "float32", 3),
    ("dtensor3", "float64", 3),
])
def test_constructor_table(name, dtype, ndim):
    """Seed 002 'Theano-变量' table (Constructor / Data type / Dimensions)."""
    v = getattr(theano.tensor, name)('v')
    assert v.dtype == dtype
    assert v.ndim == ndim


# ---------------------------------------------------------------------------
# Shared variables
# ---------------------------------------------------------------------------

def test_shared_variable_get_set_value_with_list(capsys):
    """Seed 002 'Theano-共享变量': W original [0.1 0.25 0.15 0.3], set_value of a list -> [0.5 0.2 0.4 0.2]."""
    W = theano.shared(np.asarray([0.1, 0.25, 0.15, 0.3]), 'W')
    assert W.name == 'W'
    original = W.get_value()
    assert isinstance(original, np.ndarray) and original.dtype == np.float64
    np.testing.assert_array_equal(original, [0.1, 0.25, 0.15, 0.3])
    print("Original: ", original)
    W.set_value([0.5, 0.2, 0.4, 0.2])
    after = W.get_value()
    assert isinstance(after, np.ndarray) and after.dtype == np.float64
    np.testing.assert_array_equal(after, [0.5, 0.2, 0.4, 0.2])
    print("After modifications:", after)
    out = capsys.readouterr().out
    assert "[0.1  0.25 0.15 0.3 ]" in out
    assert "[0.5 0.2 0.4 0.2]" in out


# ---------------------------------------------------------------------------
# Trivial training example
# ---------------------------------------------------------------------------

# (Modified Weights, Output) printed by the seed for iterations 0..9.
TRAINING_PRINTED = [
    ([19.94, 20.09, 19.99, 20.14], 0.8),
    ([23.908, 24.058, 23.958, 24.108], 80.16000000000001),
    ([24.7016, 24.8516, 24.7516, 24.9016], 96.03200000000001),
    ([24.86032, 25.01032, 24.91032, 25.06032], 99.2064),
    ([24.892064, 25.042064, 24.942064, 25.092064], 99.84128),
    ([24.8984128, 25.0484128, 24.9484128, 25.0984128], 99.968256),
    ([24.89968256, 25.04968256, 24.94968256, 25.09968256], 99.9936512),
    ([24.89993651, 25.04993651, 24.94993651, 25.09993651], 99.99873024),
    ([24.8999873, 25.0499873, 24.9499873, 25.0999873], 99.99974604799999),
    ([24.89999746, 25.04999746, 24.94999746, 25.09999746], 99.99994920960002),
]


def _check_training_trace(weights, outputs):
    assert len(weights) == len(outputs) == 10
    for i, ((w_printed, out_printed), w, out) in enumerate(
            zip(TRAINING_PRINTED, weights, outputs)):
        # Weights are printed by numpy with at most 8 decimals.
        np.testing.assert_allclose(w, w_printed, rtol=1e-9, atol=5.0001e-9,
                                   err_msg="weights after iteration %d" % i)
        # Outputs are printed with repr(), i.e. to full float64 precision.
        np.testing.assert_allclose(float(out), out_printed, rtol=1e-12,
                                   err_msg="output of iteration %d" % i)


@pytest.mark.grad
def test_trivial_training_example():
    """Seed 002 'Theano-简单培训示例': 10 iterations print the seed's weights and outputs."""
    x = tensor.fvector('x')
    target = tensor.fscalar('target')

    W = theano.shared(np.asarray([0.1, 0.25, 0.15, 0.3]), 'W')
    np.testing.assert_array_equal(W.get_value(), [0.1, 0.25, 0.15, 0.3])

    y = (x * W).sum()
    cost = tensor.sqr(target - y)
    gradients = tensor.grad(cost, [W])
    assert isinstance(gradients, list) and len(gradients) == 1
    W_updated = W - (0.1 * gradients[0])
    updates = [(W, W_updated)]

    f = function([x, target], y, updates=updates)
    weights, outputs = [], []
    for i in range(10):
        output = f([1.0, 1.0, 1.0, 1.0], 100.0)
        weights.append(W.get_value())
        outputs.append(output)
    assert W.get_value().dtype == np.float64
    assert np.asarray(outputs[0]).dtype == np.float64
    _check_training_trace(weights, outputs)
    # "after five iterations ... close to our desired target of 100.0"
    assert abs(float(outputs[5]) - 100.0) < 0.05


@pytest.mark.grad
def test_trivial_training_full_listing(capsys):
    """Seed 002 training 'Full Program Listing' run as written (from theano import *)."""
    ns = run_listing("""
        from theano import *
        import numpy

        x = tensor.fvector('x')
        target = tensor.fscalar('target')

        W = theano.shared(numpy.asarray([0.1, 0.25, 0.15, 0.3]), 'W')
        print ("Weights: ", W.get_value())

        y = (x * W).sum()
        cost = tensor.sqr(target - y)
        gradients = tensor.grad(cost, [W])
        W_updated = W - (0.1 * gradients[0])
        updates = [(W, W_updated)]

        f = function([x, target], y, updates=updates)
        trace = []  # added by the test: record what each iteration prints
        for i in range(10):
           output = f([1.0, 1.0, 1.0, 1.0], 100.0)
           print ("iteration: ", i)
           print ("Modified Weights: ", W.get_value())
           print ("Output: ", output)
           trace.append((W.get_value(), output))
    """)
    out = capsys.readouterr().out
    assert out.count("iteration: ") == 10
    assert "Output:  0.8\n" in out
    weights = [w for w, _ in ns["trace"]]
    outputs = [o for _, o in ns["trace"]]
    _check_training_trace(weights, outputs)


# ---------------------------------------------------------------------------
# README example built on the seed-002/003 material
# ---------------------------------------------------------------------------

@pytest.mark.grad
def test_logistic_regression_example_script(tmp_path):
    """Seed 002 training style: examples/logistic_regression.py trains, prints progress and final accuracy."""
    script = REPO_ROOT / "examples" / "logistic_regression.py"
    assert script.exists()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    env["MPLBACKEND"] = "Agg"
    proc = subprocess.run(
        [sys.executable, str(script), "--steps", "200", "--no-plot"],
        cwd=str(tmp_path), env=env, capture_output=True, text=True,
        timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    steps = [int(s) for s in re.findall(r"^step\s+(\d+)", out, re.M)]
    assert 100 in steps and 200 in steps
    costs = [float(c) for c in re.findall(r"cost\s+([0-9.eE+-]+)", out)]
    assert len(costs) >= 2 and costs[-1] < costs[0]
    m = re.search(r"final accuracy:\s*([0-9.]+)", out)
    assert m, out
    assert float(m.group(1)) > 0.9
