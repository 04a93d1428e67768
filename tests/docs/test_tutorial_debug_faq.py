"""Theano 1.0 tutorial "Debugging Theano: FAQ and Troubleshooting" (doc/tutorial/debug_faq.txt).

Error messages are ours (they name the failing node, its input shapes and the
line that built it; see the README); the tests check that they carry what the
page shows.  ``PdbBreakpoint`` and the interactive pdb session are not covered.
"""
import pickle

import numpy as np
import pytest

import theano
import theano.tensor as T


def test_interpreting_error_messages():
    x = T.vector()
    y = T.vector()
    z = x + x
    z = z + y
    f = theano.function([x, y], z)
    with pytest.raises(ValueError) as info:
        f(np.ones((2,)), np.ones((3,)))
    msg = str(info.value)
    for part in ("Apply node that caused the error: Elemwise{add,no_inplace}(",
                 "Inputs types: [TensorType(float64, vector), TensorType(float64, vector), "
                 "TensorType(float64, vector)]", "Inputs shapes: [(2,), (2,), (3,)]",
                 "Inputs strides: [(8,), (8,), (8,)]", "HINT: Use the Theano flag "
                 "'exception_verbosity=high'", "optimizer=fast_compile", "z = z + y"):
        assert part in msg


def test_test_values_point_at_the_faulty_line():
    W1 = theano.shared(np.random.rand(2, 10, 10).astype(theano.config.floatX), "W1")
    W2 = theano.shared(np.random.rand(15, 20).astype(theano.config.floatX), "W2")
    x = T.matrix("x")
    func_of_W1 = W1.dimshuffle(2, 0, 1).flatten(2).T
    h1 = T.dot(x, func_of_W1)
    h2 = T.dot(h1, W2.T)
    f = theano.function([x], h2)
    with pytest.raises(ValueError) as info:
        f(np.random.rand(5, 10))
    assert "Inputs shapes: [(5, 10), (20, 10)]" in str(info.value)
    with theano.change_flags(compute_test_value="warn"):
        x = T.matrix("x")
        x.tag.test_value = np.random.rand(5, 10)
        func_of_W1 = W1.dimshuffle(2, 0, 1).flatten(2).T
        assert func_of_W1.tag.test_value.shape == (20, 10)
        with pytest.raises(ValueError):  # raised by the line building h1
            T.dot(x, func_of_W1)


def test_compute_test_value_modes():
    x = T.matrix("x")
    with theano.change_flags(compute_test_value="raise"):
        with pytest.raises(ValueError, match="test value"):
            x * 2
    with theano.change_flags(compute_test_value="ignore"):
        assert not hasattr((x * 2).tag, "test_value")
    with theano.change_flags(compute_test_value="warn"):
        with pytest.warns(UserWarning):
            x * 2
        x.tag.test_value = np.ones((2, 2))
        np.testing.assert_array_equal((x * 2).tag.test_value, 2 * np.ones((2, 2)))


def test_print_test_value_in_repr():
    x = T.scalar("x")
    x.tag.test_value = 42
    with theano.change_flags(print_test_value=True):
        name, value = x.__repr__().split("\n")
    assert name == "x" and value == repr(np.array(42.0))  # array(42.0)
    assert x.__repr__() == "x"


def test_print_op(capsys):
    x = theano.tensor.dvector("x")
    x_printed = theano.printing.Print("this is a very important value")(x)
    f = theano.function([x], x * 5)
    f_with_print = theano.function([x], x_printed * 5)
    assert np.all(f([1, 2, 3]) == [5, 10, 15])
    assert capsys.readouterr().out == ""
    assert np.all(f_with_print([1, 2, 3]) == [5, 10, 15])
    assert capsys.readouterr().out == ("this is a very important value __str__ = %s\n"
                                       % np.array([1.0, 2.0, 3.0]))


def test_step_through_a_compiled_function(capsys):
    def inspect_inputs(i, node, fn):
        print(i, node, "input(s) value(s):", [input[0] for input in fn.inputs], end="")

    def inspect_outputs(i, node, fn):
        print(" output(s) value(s):", [output[0] for output in fn.outputs])

    x = theano.tensor.dscalar("x")
    f = theano.function([x], [5 * x], mode=theano.compile.MonitorMode(
        pre_func=inspect_inputs, post_func=inspect_outputs))
    f(3)
    assert capsys.readouterr().out == (
        "0 Elemwise{mul,no_inplace}(TensorConstant{5.0}, x) input(s) value(s): %s output(s) "
        "value(s): %s\n" % ([np.array(5.0), np.array(3.0)], [np.array(15.0)]))


def _out_lines(text):
    return [line.rstrip() for line in text.splitlines()]


def test_detect_nan(capsys):
    from theano.compile.monitormode import detect_nan
    x = theano.tensor.dscalar("x")
    f = theano.function([x], [theano.tensor.log(x) * x],
                        mode=theano.compile.MonitorMode(post_func=detect_nan))
    with np.errstate(all="ignore"):
        f(0)  # log(0) * 0 = -inf * 0 = NaN
    assert _out_lines(capsys.readouterr().out) == [
        "*** NaN detected ***",
        "Elemwise{Composite{(log(i0) * i0)}} [id A] ''",
        " |x [id B]",
        "Inputs : %s" % [np.array(0.0)],
        "Outputs: %s" % [np.array(np.nan)]]
    mode = theano.compile.MonitorMode(post_func=detect_nan).excluding(
        "local_elemwise_fusion", "inplace")
    f = theano.function([x], [theano.tensor.log(x) * x], mode=mode)
    with np.errstate(all="ignore"):
        f(0)
    out = _out_lines(capsys.readouterr().out)
    assert out[:2] == ["*** NaN detected ***", "Elemwise{mul,no_inplace} [id A] ''"]


def test_error_of_an_elementwise_op_on_unsuitable_shapes():
    a = T.dmatrix("a")
    b = T.dmatrix("b")
    f = theano.function([a, b], [a * b])
    with pytest.raises(ValueError) as info:
        f(np.arange(12).reshape((3, 4)), np.arange(25).reshape((5, 5)))
    msg = str(info.value)
    for part in ("Apply node that caused the error: Elemwise{mul,no_inplace}(a, b)",
                 "Toposort index: 0", "Inputs shapes: [(3, 4), (5, 5)]",
                 "Inputs strides: [(32, 8), (40, 8)]", "Inputs values: ['not shown', 'not shown']",
                 "Outputs clients: [['output']]", "f = theano.function([a, b], [a * b])"):
        assert part in msg


def test_function_dump(tmp_path):
    x = T.dvector("x")
    path = str(tmp_path / "fct.pkl")
    theano.function_dump(path, [x], x * 2)
    with open(path, "rb") as f:
        args = pickle.load(f)
    assert theano.function(**args)([1.0, 2.0]).tolist() == [2.0, 4.0]
