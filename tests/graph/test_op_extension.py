"""Extending Theano as 1.0 users did: Op with itypes/otypes, as_op, theano.gof names."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.ops import as_op


class Double(theano.Op):
    __props__ = ()
    itypes = [T.dmatrix]
    otypes = [T.dmatrix]

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0] * 2


def test_op_with_itypes_and_otypes():
    x = T.dmatrix("x")
    out = Double()(x)
    assert out.type == T.dmatrix
    np.testing.assert_array_equal(theano.function([x], out)(np.ones((2, 2))), np.full((2, 2), 2.0))
    with pytest.raises(TypeError, match="float32"):
        Double()(T.fmatrix())
    with pytest.raises(TypeError, match="takes 1 inputs"):
        Double()(x, x)
    # Constants are converted to the declared type.
    np.testing.assert_array_equal(Double()(np.ones((1, 1))).eval(), [[2.0]])


def test_op_without_make_node_or_types_says_what_to_do():
    class Nothing(theano.Op):
        __props__ = ()

    with pytest.raises(NotImplementedError, match="itypes and otypes"):
        Nothing()(T.dmatrix())


@as_op(itypes=[T.dmatrix], otypes=[T.dvector, T.lscalar])
def _norms_and_count(m):
    return np.sqrt((m ** 2).sum(axis=1)), m.shape[0]


def test_as_op_wraps_a_numpy_function():
    x = T.dmatrix("x")
    norms, count = _norms_and_count(x)
    f = theano.function([x], [norms * 2, count])
    n, c = f(np.array([[3.0, 4.0], [0.0, 1.0]]))
    np.testing.assert_allclose(n, [10.0, 2.0])
    assert c == 2 and c.dtype == np.int64
    assert str(norms.owner.op) == "FromFunctionOp{_norms_and_count}"


def test_gof_compatibility_names():
    import theano.gof
    from theano.gof import Apply, Op, Type, Variable, FunctionGraph, local_optimizer  # noqa: F401
    from theano.gof.graph import inputs
    x = T.dscalar("x")
    assert x in inputs([x * 2])
    assert theano.gof.Op is theano.Op
    assert theano.gof.graph.Apply is theano.Apply
