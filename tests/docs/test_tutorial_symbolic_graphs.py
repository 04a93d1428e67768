"""Theano 1.0 tutorial "Graph Structures" (doc/tutorial/symbolic_graphs.txt).

The page's session is run as written; where it shows an older Theano's printout
(``[2.0]``, ``<class 'theano.tensor.basic.TensorVariable'>``, a DimShuffle's address),
the test checks Theano 1.0's.
"""
import numpy as np

import theano
import theano.tensor as T


def test_the_graph_of_x_plus_y():
    x = T.dmatrix('x')
    y = T.dmatrix('y')
    z = x + y
    # The figure: an Apply node (z.owner) links the op, its inputs and its output;
    # each variable has a type.
    assert isinstance(z.owner, theano.gof.graph.Apply)
    assert z.owner.inputs == [x, y] and z.owner.outputs == [z]
    assert isinstance(z.owner.op, theano.tensor.elemwise.Elemwise)
    assert z.type == T.dmatrix and x.owner is None and y.owner is None


def test_walking_the_graph_from_the_output():
    x = T.dmatrix('x')
    y = x * 2.
    assert type(y.owner) is theano.gof.graph.Apply  # <class 'theano.gof.graph.Apply'>
    assert y.owner.op.name == 'Elemwise{mul,no_inplace}'
    assert len(y.owner.inputs) == 2
    assert repr(y.owner.inputs[0]) == "x"
    assert repr(y.owner.inputs[1]) == "InplaceDimShuffle{x,x}.0"
    # 2 was broadcast to a matrix by a DimShuffle
    assert type(y.owner.inputs[1]) is theano.tensor.var.TensorVariable
    assert type(y.owner.inputs[1].owner) is theano.gof.graph.Apply
    assert isinstance(y.owner.inputs[1].owner.op, theano.tensor.elemwise.DimShuffle)
    assert repr(y.owner.inputs[1].owner.inputs) == "[TensorConstant{2.0}]"


def test_automatic_differentiation_walks_the_apply_nodes():
    x = T.dmatrix('x')
    y = x * 2.
    g = theano.function([x], T.grad(y.sum(), x))
    np.testing.assert_array_equal(g(np.ones((2, 3))), np.full((2, 3), 2.0))


def test_xy_over_y_is_simplified():
    # "one (simple) optimization that Theano uses is to replace the pattern xy/y by x".
    # Here only with tensor.fast_math for floats (x*y/y is NaN where y is 0 or inf; see
    # docs/differences.md).
    x = T.dmatrix('x')
    y = T.dmatrix('y')
    with theano.config.change_flags(tensor__fast_math=True):
        f = theano.function([x, y], x * y / y)
    assert [str(n.op) for n in f.maker.fgraph.toposort()] == ["DeepCopyOp"]
    assert f.maker.fgraph.outputs[0].owner.inputs[0] is f.maker.fgraph.inputs[0]


def test_optimization_example():
    a = theano.tensor.vector("a")      # declare symbolic variable
    b = a + a ** 10                    # build symbolic expression
    f = theano.function([a], b)        # compile function
    np.testing.assert_array_equal(f([0, 1, 2]), [0., 2., 1026.])  # prints `array([0,2,1026])`
    # The unoptimized graph has an add, a pow and the DimShuffle of 10; the optimized one
    # is one fused elementwise loop.
    unopt = theano.printing.debugprint(b, file="str").splitlines()
    assert [line.split(" [id")[0].strip(" |") for line in unopt] == [
        "Elemwise{add,no_inplace}", "a", "Elemwise{pow,no_inplace}", "a",
        "InplaceDimShuffle{x}", "TensorConstant{10}"]
    nodes = f.maker.fgraph.toposort()
    assert len(nodes) == 1 and str(nodes[0].op).startswith("Elemwise{Composite{")
