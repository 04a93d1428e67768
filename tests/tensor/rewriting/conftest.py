"""Shared helpers for the rewrite tests: compile, inspect the graph, compare with no rewriting."""
import numpy as np
import pytest

import theano
from theano.compile.mode import Mode
from theano.graph.basic import graph_inputs


def _ops(f):
    return [n.op for n in f.maker.fgraph.toposort()]


def _scalar_ops(f):
    """Each node's op, and for elementwise nodes the scalar ops inside (Composites opened)."""
    from theano.scalar.basic import Composite
    from theano.tensor.elemwise import Elemwise
    out = []
    for node in f.maker.fgraph.toposort():
        out.append(type(node.op).__name__)
        if isinstance(node.op, Elemwise):
            sop = node.op.scalar_op
            if isinstance(sop, Composite):
                out.extend(type(n.op).__name__ for n in sop._nodes)
            else:
                out.append(type(sop).__name__)
    return out


class Checker:
    """``check(outputs, {var: value}, mode=None)`` -> compiled function, after comparing
    its results with ``Mode(optimizer=None)`` on the given values."""

    def __call__(self, outputs, values, mode=None, rtol=1e-7, atol=1e-9, inputs=None):
        single = not isinstance(outputs, (list, tuple))
        outs = [outputs] if single else list(outputs)
        if inputs is None:
            inputs = [v for v in graph_inputs(outs) if v in values]
        args = [values[v] for v in inputs]
        copies = [np.array(a, copy=True) for a in args]
        f = theano.function(inputs, outs, mode=mode)
        ref = theano.function(inputs, outs, mode=Mode(optimizer=None))
        got = f(*args)
        exp = ref(*copies)
        for a, c in zip(args, copies):
            np.testing.assert_array_equal(np.asarray(a), c)  # inputs untouched
        for g, e in zip(got, exp):
            np.testing.assert_allclose(g, e, rtol=rtol, atol=atol)
            assert np.asarray(g).dtype == np.asarray(e).dtype
            assert np.shape(g) == np.shape(e)
        return f

    ops = staticmethod(_ops)
    scalar_ops = staticmethod(_scalar_ops)

    @staticmethod
    def nodes(f):
        """The rewritten graph's nodes, without the DeepCopyOps theano.function adds on
        outputs that are inputs or constants."""
        from theano.compile.ops import DeepCopyOp
        return {n for n in f.maker.fgraph.apply_nodes if not isinstance(n.op, DeepCopyOp)}

    @staticmethod
    def outputs(f):
        """The rewritten graph's outputs, seen through the added DeepCopyOps."""
        from theano.compile.ops import DeepCopyOp
        return [o.owner.inputs[0] if o.owner is not None and isinstance(o.owner.op, DeepCopyOp)
                else o for o in f.maker.fgraph.outputs]

    @staticmethod
    def op_names(f):
        return [type(o).__name__ for o in _ops(f)]


@pytest.fixture
def check():
    return Checker()


@pytest.fixture
def rng():
    return np.random.RandomState(1234)
