"""The graph IR: variables, apply nodes, traversal, cloning, FunctionGraph."""
import pickle

import numpy as np
import pytest

import theano.tensor as T
from theano.graph.basic import (Apply, Constant, ancestors, clone, equal_computations,
                                graph_inputs, io_toposort)
from theano.graph.fg import FunctionGraph
from theano.graph.replace import clone_replace


def _graph():
    x, y = T.dvectors("x", "y")
    a = x + y
    b = T.exp(a)
    c = b * a
    return x, y, a, b, c


def test_apply_links_outputs_and_default_output():
    x, y, a, b, c = _graph()
    node = a.owner
    assert isinstance(node, Apply) and node.inputs == [x, y] and node.outputs == [a]
    assert a.index == 0 and node.default_output() is a and node.nin == 2 and node.nout == 1


def test_traversal():
    x, y, a, b, c = _graph()
    assert set(graph_inputs([c])) == {x, y}
    order = io_toposort([x, y], [c])
    assert [n.outputs[0] for n in order] == [a, b, c]
    assert set(ancestors([c])) == {x, y, a, b, c}


def test_toposort_handles_deep_graphs_without_recursion_limit():
    x = T.dscalar("x")
    y = x
    for _ in range(5000):
        y = y + 1
    assert len(io_toposort([x], [y])) == 5000


def test_clone_copies_the_graph():
    x, y, a, b, c = _graph()
    (nx, ny), (nc,) = clone([x, y], [c])
    assert nx is not x and nc is not c
    assert equal_computations([nc], [c]) is False  # different leaves
    (_, _), (same,) = clone([x, y], [c], copy_inputs=False)
    assert equal_computations([same], [c])


def test_clone_replace():
    x, y, a, b, c = _graph()
    z = T.dvector("z")
    new_c = clone_replace(c, {x: z})
    assert z in graph_inputs([new_c]) and x not in graph_inputs([new_c])
    assert y in graph_inputs([new_c])
    assert c.owner.inputs[0] is b  # the original is untouched
    with pytest.raises(TypeError, match="type"):
        clone_replace(c, {x: T.dmatrix()})


def test_function_graph_clients_replace_and_prune():
    x, y, a, b, c = _graph()
    fg = FunctionGraph([x, y], [c], clone=False)
    assert len(fg.apply_nodes) == 3
    assert (c.owner, 1) in fg.clients[a]
    fg.replace(b, a, reason="test")
    assert b.owner not in fg.apply_nodes  # exp was pruned
    assert fg.outputs[0].owner.inputs == [a, a]
    fg.check_integrity()
    with pytest.raises(TypeError):
        fg.replace(a, T.dmatrix())


def test_function_graph_clone_and_toposort():
    x, y, a, b, c = _graph()
    fg = FunctionGraph([x, y], [c])
    assert fg.inputs[0] is not x  # cloned by default
    order = fg.toposort()
    assert len(order) == 3 and order[-1].outputs[0] is fg.outputs[0]
    fg2 = fg.clone()
    assert fg2.outputs[0] is not fg.outputs[0]
    fg2.check_integrity()


def test_constants_and_signature():
    k1, k2 = T.constant(np.array([1.0, 2.0])), T.constant(np.array([1.0, 2.0]))
    assert isinstance(k1, Constant)
    assert k1.signature() == k2.signature()
    assert equal_computations([T.exp(k1)], [T.exp(k2)])


def test_graph_pickles():
    x, y, a, b, c = _graph()
    c2 = pickle.loads(pickle.dumps(c))
    assert str(c2.owner.op) == str(c.owner.op)
    assert len(io_toposort(graph_inputs([c2]), [c2])) == 3


def test_symbolic_variables_have_no_truth_value_or_len():
    x = T.dvector("x")
    with pytest.raises(TypeError, match="truth value"):
        bool(x > 0)
    with pytest.raises(TypeError):
        len(x)
    with pytest.raises(TypeError, match="immutable"):
        x[0] = 1
