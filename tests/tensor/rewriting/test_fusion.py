"""Elementwise fusion into Composite nodes."""
import numpy as np

import theano
import theano.tensor as T
from theano.compile.mode import Mode
from theano.graph.basic import Constant
from theano.scalar.basic import Composite
from theano.tensor.elemwise import Elemwise


def _elemwise_nodes(f):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, Elemwise)]


def test_seed000_logistic_is_one_node(check, rng):
    x = T.dmatrix("x")
    f = check(1 / (1 + T.exp(-x)), {x: rng.randn(3, 4)})
    assert len(f.maker.fgraph.apply_nodes) == 1
    np.testing.assert_allclose(f([[0, 1], [-1, -2]])[0],
                               [[0.5, 0.731058578], [0.268941421, 0.119202922]])


def test_chain_with_broadcasting_and_constants(check, rng):
    x = T.dmatrix("x")
    r = T.drow("r")
    s = T.dscalar("s")
    expr = T.tanh(x * r + s) * 2.5 - T.sqr(x) / (r + 3)
    f = check(expr, {x: rng.rand(3, 4), r: rng.rand(1, 4), s: 0.3})
    nodes = _elemwise_nodes(f)
    assert len(nodes) == 1 and isinstance(nodes[0].op.scalar_op, Composite)
    # scalar constants are folded into the scalar graph
    assert not any(isinstance(i, Constant) for i in nodes[0].inputs)


def test_multiple_clients_inside_the_group(check, rng):
    x = T.dvector("x")
    e = T.exp(x)
    f = check(e * 2 + T.sin(e) - e, {x: rng.rand(5)})
    assert len(f.maker.fgraph.apply_nodes) == 1


def test_value_used_outside_becomes_an_extra_output(check, rng):
    x = T.dvector("x")
    e = T.exp(x) * 3
    f = check([e + 1, T.sum(e), T.sin(e)], {x: rng.rand(5)})
    elem = _elemwise_nodes(f)
    assert len(elem) == 1 and len(elem[0].outputs) >= 2


def test_dependent_groups_do_not_form_cycles(check, rng):
    x = T.dmatrix("x")
    a = T.exp(x) + 1
    s = T.sum(a, axis=1, keepdims=True)  # a reduction between two elementwise groups
    out = T.log(a / s) * a
    f = check(out, {x: rng.rand(3, 4)})
    f.maker.fgraph.check_integrity()
    assert len(_elemwise_nodes(f)) <= 3


def test_fusion_can_be_excluded_or_requested(check, rng):
    x = T.dvector("x")
    expr = T.exp(x) * 2 + 1
    f = check(expr, {x: rng.rand(4)}, mode=Mode(optimizer="fast_run").excluding("fusion"))
    assert len(_elemwise_nodes(f)) > 1
    f = check(expr, {x: rng.rand(4)}, mode=Mode(optimizer="fast_compile").including("fusion"))
    assert len(_elemwise_nodes(f)) == 1


def test_mixed_dtypes_and_integer_ops(check, rng):
    i = T.ivector("i")
    x = T.fvector("x")
    expr = T.exp(i) * x + T.cast(i // 2, "float32") - (i > 1)
    f = check(expr, {i: rng.randint(0, 5, 6).astype("int32"),
                     x: rng.rand(6).astype("float32")}, rtol=1e-5)
    assert f.maker.fgraph.outputs[0].type.dtype == expr.type.dtype


def test_composite_str_is_readable():
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) * 2 + 1)
    (node,) = _elemwise_nodes(f)
    assert "Composite" in str(node.op) and "exp" in str(node.op)
