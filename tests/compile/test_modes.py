"""Modes: DebugMode, NanGuardMode, profiling, test values, runtime error reports."""
import io

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.debugmode import BadDestroyMap, BadShape, InvalidValueError
from theano.compile.nanguardmode import NanGuardError, NanGuardMode
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.graph.op import TestValueError as _TestValueError


def test_divide_zero_by_zero_is_nan_in_fast_run_and_raises_in_debugmode():
    x, y = T.dscalars("x", "y")
    assert np.isnan(theano.function([x, y], x / y)(0, 0))
    f = theano.function([x, y], x / y, mode="DebugMode")
    with pytest.raises(InvalidValueError, match="NaN"):
        f(0, 0)
    assert f(1, 2) == 0.5


@pytest.mark.parametrize("kind,value,match", [("nan", 0.0, "NaN"), ("inf", -1.0, "Inf"),
                                              ("big", 1e11, "Big")])
def test_nanguardmode_names_the_node(kind, value, match):
    x = T.dscalar("x")
    exprs = {"nan": T.sqrt(x - 1), "inf": T.log(x + 1), "big": x * 2}
    f = theano.function([x], exprs[kind], mode=NanGuardMode(True, True, True))
    with pytest.raises(NanGuardError, match=match) as info:
        f(value)
    assert "test_modes.py" in str(info.value)  # the line that built the node
    ok = theano.function([x], exprs[kind], mode=NanGuardMode(False, False, False))
    ok(value)


class _SneakyInplace(Op):
    """Writes into its input without declaring destroy_map (a bug DebugMode must catch)."""

    __props__ = ()

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        inputs[0] += 1
        out[0][0] = inputs[0].copy()


class _WrongShape(Op):
    __props__ = ()

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        out[0][0] = inputs[0].copy()

    def infer_shape(self, fgraph, node, shapes):
        return [tuple(s + 1 for s in shapes[0])]


def test_debugmode_catches_undeclared_inplace_and_bad_infer_shape():
    x = T.dvector("x")
    with pytest.raises(BadDestroyMap):
        theano.function([x], _SneakyInplace()(x * 1), mode="DebugMode")(np.ones(3))
    with pytest.raises(BadShape, match="predicts shape"):
        theano.function([x], _WrongShape()(x), mode="DebugMode")(np.ones(3))


def test_profile_summary_reports_ops_and_nodes():
    x = T.dmatrix("x")
    f = theano.function([x], T.exp(x).sum(), profile=True)
    for _ in range(3):
        f(np.ones((3, 3)))
    buf = io.StringIO()
    f.profile.summary(file=buf)
    text = buf.getvalue()
    assert "3 calls" in text
    assert "exp" in text and "Sum" in text
    assert f.profile.fct_callcount == 3


def test_compute_test_value_raises_at_the_building_line():
    with theano.config.change_flags(compute_test_value="raise"):
        a, b = T.dmatrix("A"), T.dmatrix("B")
        a.tag.test_value = np.ones((3, 4))
        b.tag.test_value = np.ones((5, 6))
        with pytest.raises(_TestValueError, match=r"\(3, 4\).*\(5, 6\)") as info:
            T.dot(a, b)
        assert "test_modes.py" in str(info.value)
        c = T.dmatrix("C")
        with pytest.raises(_TestValueError, match="missing a test value"):
            a + c
    with theano.config.change_flags(compute_test_value="ignore"):
        T.dmatrix() + T.dmatrix()


def test_runtime_error_report_names_node_shapes_and_user_line():
    a, b = T.dmatrix("A"), T.dmatrix("B")
    c = T.dot(a, b)  # the line the report must show
    f = theano.function([a, b], c)
    with pytest.raises(ValueError) as info:
        f(np.ones((3, 4)), np.ones((5, 6)))
    msg = str(info.value)
    assert "Apply node that caused the error" in msg
    assert "Inputs shapes: [(3, 4), (5, 6)]" in msg
    assert "c = T.dot(a, b)" in msg
    assert "HINT" in msg
    with theano.config.change_flags(exception_verbosity="high"):
        with pytest.raises(ValueError, match="Inputs values"):
            f(np.ones((3, 4)), np.ones((5, 6)))


def test_mode_objects():
    m = theano.Mode(linker="py", optimizer="fast_run")
    assert m.including("fusion").include == ("fusion",)
    assert m.excluding("inplace").exclude == ("inplace",)
    with pytest.raises(ValueError, match="Unknown optimizer"):
        theano.Mode(optimizer="fastest")
    with pytest.raises(ValueError, match="Unknown linker"):
        theano.Mode(linker="gpu")


def test_debugmode_shape_check_uses_input_values():
    n = T.iscalar("n")
    f = theano.function([n], [T.zeros((n, 3)) + 1, T.arange(n) * 2, T.alloc(1.0, n, 2),
                              T.eye(n)], mode="DebugMode")
    assert [o.shape for o in f(4)] == [(4, 3), (4,), (4, 2), (4, 4)]


def test_debugmode_compares_the_rewritten_graph_with_the_original():
    from theano.compile.debugmode import BadOptimization
    from theano.rewriting.basic import node_rewriter
    from theano.rewriting.db import optdb, SequenceDB
    from theano.tensor.elemwise import Elemwise
    import theano.scalar.basic as ts

    @node_rewriter([Elemwise])
    def wrong_exp_to_log(fgraph, node):
        # A buggy rewrite: replaces exp(x) by log(x).
        if node.op.scalar_op == ts.exp:
            return [T.log(node.inputs[0])]

    db = SequenceDB()
    db.register("buggy", theano.rewriting.basic.in2out(wrong_exp_to_log), "buggy")
    optdb.register("buggy_for_test", db, "buggy", position=100)
    try:
        x = T.dvector("x")
        mode = theano.compile.debugmode.DebugMode(optimizer="fast_run").including("buggy")
        f = theano.function([x], T.exp(x), mode=mode)
        assert any("log" in str(n.op) for n in f.maker.fgraph.toposort())
        with pytest.raises(BadOptimization, match="changed output 0"):
            f(np.array([1.0, 2.0]))
        ok = theano.function([x], T.exp(x) * 2, mode="DebugMode")
        np.testing.assert_allclose(ok(np.array([0.0])), [2.0])
    finally:
        optdb.unregister("buggy_for_test")


def test_profile_flag_prints_summaries_at_exit():
    import subprocess
    import sys
    import os

    code = ("import theano, theano.tensor as T, numpy as np\n"
            "x = T.dvector('x')\n"
            "f = theano.function([x], T.exp(x).sum())\n"
            "f(np.ones(3))\n")
    env = dict(os.environ, THEANO_FLAGS="profile=True")
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert "Function profiling" in res.stderr and "1 calls" in res.stderr
