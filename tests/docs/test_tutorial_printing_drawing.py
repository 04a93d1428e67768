"""Theano 1.0 tutorial "Printing/Drawing Theano graphs" (doc/tutorial/printing_drawing.txt).

The d3viz section of the page is covered with the d3viz module, not here.
"""
import os

import numpy as np
import pytest

import theano
import theano.tensor as T


@pytest.fixture
def logreg():
    rng = np.random.RandomState(0)
    N, feats = 400, 784
    D = (rng.randn(N, feats).astype(theano.config.floatX),
         rng.randint(size=N, low=0, high=2).astype(theano.config.floatX))
    x = T.matrix("x")
    y = T.vector("y")
    w = theano.shared(rng.randn(feats).astype(theano.config.floatX), name="w")
    b = theano.shared(np.asarray(0.0, dtype=theano.config.floatX), name="b")
    x.tag.test_value = D[0]
    y.tag.test_value = D[1]
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    prediction = p_1 > 0.5
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = T.grad(cost, [w, b])
    train = theano.function(inputs=[x, y], outputs=[prediction, xent],
                            updates=[[w, w - 0.01 * gw], [b, b - 0.01 * gb]], name="train")
    predict = theano.function(inputs=[x], outputs=prediction, name="predict")
    return prediction, train, predict, D


def _lines(obj):
    return [line.rstrip() for line in theano.printing.debugprint(obj, file="str").splitlines()]


def test_pretty_printing(logreg):
    prediction = logreg[0]
    assert theano.printing.pprint(prediction) == (
        "gt((TensorConstant{1} / (TensorConstant{1} + exp(((-(x \\dot w)) - b)))), "
        "TensorConstant{0.5})")


def test_debugprint_of_the_precompilation_graph(logreg):
    assert _lines(logreg[0]) == [
        "Elemwise{gt,no_inplace} [id A] ''",
        " |Elemwise{true_div,no_inplace} [id B] ''",
        " | |InplaceDimShuffle{x} [id C] ''",
        " | | |TensorConstant{1} [id D]",
        " | |Elemwise{add,no_inplace} [id E] ''",
        " |   |InplaceDimShuffle{x} [id F] ''",
        " |   | |TensorConstant{1} [id D]",
        " |   |Elemwise{exp,no_inplace} [id G] ''",
        " |     |Elemwise{sub,no_inplace} [id H] ''",
        " |       |Elemwise{neg,no_inplace} [id I] ''",
        " |       | |dot [id J] ''",
        " |       |   |x [id K]",
        " |       |   |w [id L]",
        " |       |InplaceDimShuffle{x} [id M] ''",
        " |         |b [id N]",
        " |InplaceDimShuffle{x} [id O] ''",
        "   |TensorConstant{0.5} [id P]"]


def test_debugprint_of_the_compiled_graph(logreg):
    _, _, predict, D = logreg
    lines = _lines(predict)
    # Theano 1.0 printed "Elemwise{Composite{GT(scalar_sigmoid((-((-i0) - i1))), i2)}} [id A]
    # ''   4" over a Gemv: the same fused comparison of a sigmoid with 0.5 over a Gemv,
    # though our rewrites fold the bias and the constant differently.
    assert lines[0].startswith("Elemwise{Composite{GT(scalar_sigmoid(") and "[id A] ''" in lines[0]
    assert any("Gemv{" in line for line in lines)
    assert lines[0].split()[-1].isdigit()  # the node's position in the execution order
    p = 1 / (1 + np.exp(-(D[0].dot(predict.maker.fgraph.inputs[1].get_value()))))
    np.testing.assert_array_equal(predict(D[0]), p > 0.5)


def test_pydotprint_writes_the_three_pictures(logreg, tmp_path, capsys):
    prediction, train, predict, _ = logreg
    for name, obj in (("prediction", prediction), ("predict", predict), ("train", train)):
        out = os.path.join(tmp_path, "logreg_pydotprint_%s.png" % name)
        theano.printing.pydotprint(obj, outfile=out, var_with_name_simple=True)
        assert os.path.getsize(out) > 0
        assert "The output file is available at %s" % out in capsys.readouterr().out
