"""The DestroyHandler feature: which in-place operations it accepts and refuses."""
import numpy as np
import pytest

import theano
import theano.scalar.basic as ts
import theano.tensor as T
from theano.graph.fg import FunctionGraph, InconsistencyError
from theano.rewriting.destroyhandler import DestroyHandler, add_destroy_handler, view_root
from theano.tensor.elemwise import Elemwise

exp_inplace = Elemwise(ts.exp, {0: 0})
add_inplace0 = Elemwise(ts.add, {0: 0})


def _fg(inputs, outputs, mutable=()):
    fg = FunctionGraph(inputs, outputs, clone=False)
    fg.mutable_inputs = set(mutable)
    dh = DestroyHandler()
    fg.attach_feature(dh)
    return fg, dh


def _node(var):
    return var.owner


def test_view_root_follows_view_maps_only():
    x = T.dmatrix("x")
    v = x.T[0]
    assert view_root(v) is x
    e = T.exp(x)
    assert view_root(e.T) is e
    d = exp_inplace(e)
    assert view_root(d) is d  # a destroyed output is a new buffer root


def test_refuses_inputs_constants_and_accepts_mutable_inputs():
    x = T.dvector("x")
    out = T.exp(x) * 2
    fg, dh = _fg([x], [out])
    exp_node = out.owner.inputs[0].owner
    assert not dh.can_destroy(exp_node, 0)
    assert "input of the function" in dh.why_not(exp_node, 0)
    fg2, dh2 = _fg([x], [out], mutable=[x])
    assert dh2.can_destroy(exp_node, 0)
    c = T.constant(np.ones(3))
    out3 = T.exp(c + x)
    add_node = out3.owner.inputs[0].owner
    fg3, dh3 = _fg([x], [out3])
    k = add_node.inputs.index(c) if c in add_node.inputs else 0
    assert "constant" in dh3.why_not(add_node, k) or not dh3.can_destroy(add_node, k)


def test_refuses_outputs_and_their_views():
    x = T.dvector("x")
    e = T.exp(x)
    out = T.sin(e)
    fg, dh = _fg([x], [out, e.dimshuffle("x", 0)])
    sin_node = out.owner
    msg = dh.why_not(sin_node, 0)
    assert msg is not None and "returns" in msg


def test_refuses_when_another_reader_comes_later():
    x = T.dvector("x")
    e = T.exp(x)
    a = T.sin(e)
    b = T.cos(e)
    fg, dh = _fg([x], [a + b])
    assert not dh.can_destroy(a.owner, 0)
    assert "still reads" in dh.why_not(a.owner, 0)


def test_accepts_when_other_readers_are_ancestors():
    x = T.dvector("x")
    e = T.exp(x)
    s = T.sum(e)  # read before e + s is computed
    out = e + s
    fg, dh = _fg([x], [out * 2])
    assert dh.can_destroy(out.owner, 0)


def test_refuses_aliasing_inputs_and_second_destroyer():
    x = T.dmatrix("x")
    e = T.exp(x)
    out = e + e.T
    fg, dh = _fg([x], [out * 2])
    assert "reads the buffer" in dh.why_not(out.owner, 0)
    e2 = T.exp(x)
    d1 = exp_inplace(e2)
    d2 = add_inplace0(e2.T, 1.0)
    with pytest.raises(InconsistencyError):
        _fg([x], [d1 * 2, d2 * 2])[0].validate()


def test_validate_reports_unsafe_graph_and_accepts_safe_one():
    x = T.dvector("x")
    fg, dh = _fg([x], [exp_inplace(x)])
    with pytest.raises(InconsistencyError, match="input of the function"):
        fg.validate()
    fg2, dh2 = _fg([x], [exp_inplace(T.sin(x)) * 2])
    fg2.validate()
    sin_out = fg2.outputs[0].owner.inputs[0].owner.inputs[0]
    assert len(dh2.destroyers(sin_out)) == 1


def test_add_destroy_handler_is_idempotent():
    x = T.dvector("x")
    fg = FunctionGraph([x], [T.exp(x)])
    a = add_destroy_handler(fg)
    assert add_destroy_handler(fg) is a and fg.destroy_handler is a
    fg.remove_feature(a)
    assert not hasattr(fg, "destroy_handler")


def test_mutable_input_is_overwritten_only_when_declared():
    x = T.dvector("x")
    f = theano.function([theano.In(x, mutable=True)], T.exp(x) * 2)
    v = np.array([0.0, 1.0, 2.0])
    res = f(v)
    np.testing.assert_allclose(res, np.exp([0.0, 1.0, 2.0]) * 2)
    assert any(n.op.destroy_map for n in f.maker.fgraph.apply_nodes)
    g = theano.function([x], T.exp(x) * 2)
    w = np.array([0.0, 1.0, 2.0])
    g(w)
    np.testing.assert_array_equal(w, [0.0, 1.0, 2.0])
    assert all(not n.op.destroy_map or all(
        view_root(n.inputs[i]) not in g.maker.fgraph.inputs
        for i in sum(n.op.destroy_map.values(), [])) for n in g.maker.fgraph.apply_nodes)
