"""Theano 1.0 tutorial "How shape informations are handled" (doc/tutorial/shape_info.txt).

The page's printouts come from an older Theano (``[@43860304]`` ids); the
tests check the same graph structure in Theano 1.0's print format.
"""
import numpy as np
import pytest

import theano


def _lines(f):
    return [line.rstrip() for line in theano.printing.debugprint(f, file="str").splitlines()]


def test_shape_of_a_computation_does_not_compute_it():
    x = theano.tensor.matrix("x")
    f = theano.function([x], (x ** 2).shape)
    lines = _lines(f)
    assert lines[0].startswith("MakeVector{dtype='int64'} [id A] ''")
    assert sorted(line.split(" [id")[0].strip(" |") for line in lines[1:]) == [
        "Shape_i{0}", "Shape_i{1}", "x", "x"]
    assert f(np.ones((3, 4), dtype=x.dtype)).tolist() == [3, 4]


def test_shape_inference_can_hide_an_error():
    x = theano.tensor.matrix("x")
    y = theano.tensor.matrix("y")
    z = theano.tensor.join(0, x, y)
    xv = np.random.rand(5, 4).astype(x.dtype)
    yv = np.random.rand(3, 3).astype(x.dtype)
    f = theano.function([x, y], z.shape)
    assert not any("Join" in line for line in _lines(f))
    assert f(xv, yv).tolist() == [8, 4]  # does not raise, as the page warns
    f = theano.function([x, y], z)
    assert _lines(f) == ["Join [id A] ''   0", " |TensorConstant{0} [id B]", " |x [id C]",
                         " |y [id D]"]
    with pytest.raises(ValueError):
        f(xv, yv)
    # Without the shape rewrites the error shows up.
    g = theano.function([x, y], z.shape, mode="FAST_COMPILE")
    with pytest.raises(ValueError):
        g(xv, yv)


def test_specify_shape_makes_the_shape_a_constant():
    x = theano.tensor.matrix()
    x_specify_shape = theano.tensor.specify_shape(x, (2, 2))
    f = theano.function([x], (x_specify_shape ** 2).shape)
    # [2 2]: a constant (returned through a copy, as Theano 1.0 did for constants)
    assert _lines(f) == ["DeepCopyOp [id A] ''   0", " |TensorConstant{(2,) of 2} [id B]"]
    assert f(np.ones((2, 2), dtype=x.dtype)).tolist() == [2, 2]
