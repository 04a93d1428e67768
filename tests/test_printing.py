"""Tests of theano.printing: pp, debugprint, pydotprint and the Print op."""
import importlib.util
import io
import os
import shutil
import sys

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import printing
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.printing import (FunctionPrinter, PPrinter, Print, PydotNotAvailable,
                             char_from_number, debugprint, pp, pydotprint)

NO_OPT = theano.Mode(optimizer=None)


def _have_pydot_and_dot():
    return importlib.util.find_spec("pydot") is not None and shutil.which("dot") is not None


needs_dot = pytest.mark.skipif(not _have_pydot_and_dot(),
                               reason="pydotprint needs pydot and graphviz's `dot`")


@pytest.fixture
def xyz():
    return T.dmatrix("x"), T.dmatrix("y"), T.dmatrix("z")


# ---------------------------------------------------------------------------
# pp
# ---------------------------------------------------------------------------

def test_pp_seed003_foo_squared():
    foo = T.scalar("foo")
    assert theano.pp(foo ** 2) == "(foo ** TensorConstant{2})"
    assert theano.printing.pp is theano.pp
    assert "pp" in theano.__all__ and "printing" in theano.__all__


def test_pp_operators_are_always_parenthesized(xyz):
    x, y, z = xyz
    cases = {
        x + y * 2: "(x + (y * TensorConstant{2}))",
        (x - y) / 3: "((x - y) / TensorConstant{3})",
        x - y - z: "((x - y) - z)",
        x - (y - z): "(x - (y - z))",
        x ** (y ** z): "(x ** (y ** z))",
        (x ** y) ** z: "((x ** y) ** z)",
        x // y: "(x // y)",
        -x: "(-x)",
        -(x + y): "(-(x + y))",
        T.add(x, y, z): "(x + y + z)",
        x * y * z: "((x * y) * z)",
    }
    for expr, text in cases.items():
        assert pp(expr) == text


def test_pp_functions_and_special_forms(xyz):
    x, y, _ = xyz
    v = T.dvector()
    t3 = T.dtensor3("t")
    assert pp(T.exp(x) + T.log(y)) == "(exp(x) + log(y))"
    assert pp(abs(x)) == "|x|"
    assert pp(T.maximum(x, y)) == "maximum(x, y)"
    assert pp(x % y) == "mod(x, y)"
    assert pp(x < y) == "lt(x, y)"
    assert pp(T.eq(x, y)) == "eq(x, y)"
    assert pp(T.switch(x < y, x, y)) == "switch(lt(x, y), x, y)"
    assert pp(T.cast(x, "float32")) == "convert_to_float32(x)"
    assert pp(T.dot(x, y)) == "(x \\dot y)"
    assert pp(T.sum(x)) == "sum(x)"
    assert pp(x.shape) == "x.shape"
    assert pp(T.ones_like(x)) == "fill(x, TensorConstant{1.0})"
    # Broadcasting axes added in front are invisible; a reversal is `.T`.
    assert pp(x + v) == "(x + <TensorType(float64, vector)>)"
    assert pp(x.dimshuffle(1, 0)) == "x.T"
    assert pp(t3.dimshuffle(1, 0, 2)) == "DimShuffle{1, 0, 2}(t)"
    # Reductions over some axes print as their op.
    s = T.sum(x, axis=0)
    assert pp(s) == "%s(x)" % s.owner.op


def test_pp_leaves():
    assert pp(T.dmatrix()) == "<TensorType(float64, matrix)>"
    assert pp(T.constant(2.5)) == "TensorConstant{2.5}"
    alpha = T.dscalar("alpha")
    assert pp(alpha * 2) == "(\\alpha * TensorConstant{2})"


def test_pp_unknown_op_falls_back_to_op_name():
    class Twice(Op):
        __props__ = ()

        def make_node(self, x):
            x = T.as_tensor_variable(x)
            return Apply(self, [x], [x.type()])

    x = T.dvector("x")
    assert pp(Twice()(x) + 1) == "(Twice(x) + TensorConstant{1})"


def test_pp_fresh_printer_uses_default_printer():
    x = T.dvector("x")
    assert PPrinter()(x + 1) == (
        "Elemwise{add,no_inplace}(x, InplaceDimShuffle{x}(TensorConstant{1}))")


def test_pp_user_registrations_override_defaults():
    import theano.scalar.basic as ts
    from theano.tensor.elemwise import Elemwise

    x, y = T.dvector("x"), T.dvector("y")
    printer = pp.clone()
    printer.assign(Elemwise(ts.add), FunctionPrinter("plus"))
    assert printer(x + y) == "plus(x, y)"
    assert pp(x + y) == "(x + y)"  # the global printer is untouched
    assert printer(x * y) == "(x * y)"


def test_pp_deep_graph_and_dict_state():
    x = T.dscalar("x")
    e = x
    for _ in range(3000):
        e = e + 1
    text = pp(e)
    assert text.startswith("(" * 3000 + "x + TensorConstant{1})")
    assert pp(x * 2, {}) == "(x * TensorConstant{2})"


def test_pp_registry_op_class_predicate_and_clone():
    class Mine(Op):
        __props__ = ("k",)

        def __init__(self, k):
            self.k = k

        def make_node(self, x):
            x = T.as_tensor_variable(x)
            return Apply(self, [x], [x.type()])

    x = T.dvector("x")
    printer = pp.clone()
    printer.assign(Mine, FunctionPrinter("mine"))
    assert printer(Mine(1)(x)) == "mine(x)"
    printer.assign(Mine(2), FunctionPrinter("two"))  # an equal instance wins over the class
    assert printer(Mine(2)(x)) == "two(x)"
    assert printer(Mine(3)(x)) == "mine(x)"
    # The global printer was not modified by the clone.
    assert pp(Mine(1)(x)) == "Mine{k=1}(x)"
    pred = printer.clone_assign(lambda pstate, r: r.name == "special", FunctionPrinter("X"))
    y = T.exp(x)
    y.name = "special"
    assert pred(y) == "X(x)"
    assert printer(y) == "exp(x)"
    with pytest.raises(TypeError, match="condition"):
        printer.assign("not a condition", FunctionPrinter("f"))


def test_pp_subtensor_layout():
    # Symbolic index entries are inputs of the node; constants are in idx_list.
    x = T.dmatrix("x")
    i = T.lscalar("i")
    assert pp(x[:2, i]) == "x[:2, i]"
    assert pp(x[i::2, 1]) == "x[i::2, 1]"


def test_pp_process_graph_and_errors():
    x = T.dscalar("x")
    y = x * 2
    y.name = "y"
    z = y + 1
    assert pp([x], [z]) == "y = (x * TensorConstant{2})\nreturn (y + TensorConstant{1})"
    text = pp.process_graph([x], [z, y], None, True)
    assert text == ("inputs: x\nout[0] = (y + TensorConstant{1})\n"
                    "y = (x * TensorConstant{2})")
    with pytest.raises(TypeError, match="expects a symbolic Variable"):
        pp(3)
    with pytest.raises(TypeError):
        pp(x, 1)


def test_pp_of_compiled_graph_output():
    x = T.dvector("x")
    f = theano.function([x], T.exp(x) * 2, mode=NO_OPT)
    assert pp(f.maker.fgraph.outputs[0]) == "(exp(x) * TensorConstant{2})"


def test_pp_handles_shared_subgraph_once():
    x = T.dscalar("x")
    e = x
    for _ in range(18):  # 2**18 paths: only a memo keeps this fast
        e = e + e
    text = pp(e)
    assert text.count("x") == 2 ** 18


# ---------------------------------------------------------------------------
# debugprint
# ---------------------------------------------------------------------------

def _zgraph():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    z = (x + y) * x
    z.name = "z"
    return x, y, z


def test_debugprint_variable_golden():
    _, _, z = _zgraph()
    expected = ("Elemwise{mul,no_inplace} [id A] 'z'   \n"
                " |Elemwise{add,no_inplace} [id B] ''   \n"
                " | |x [id C]\n"
                " | |y [id D]\n"
                " |x [id C]\n")
    assert debugprint(z, file="str") == expected


def test_debugprint_print_type_and_ids():
    _, _, z = _zgraph()
    t = "<TensorType(float64, matrix)>"
    expected = ("Elemwise{mul,no_inplace} [id 0] %s 'z'   \n"
                " |Elemwise{add,no_inplace} [id 1] %s ''   \n"
                " | |x [id 2] %s\n"
                " | |y [id 3] %s\n"
                " |x [id 2] %s\n") % ((t,) * 5)
    assert debugprint(z, file="str", print_type=True, ids="int") == expected
    assert debugprint(z, file="str", ids="") == (
        "Elemwise{mul,no_inplace}  'z'   \n"
        " |Elemwise{add,no_inplace}  ''   \n"
        " | |x \n | |y \n |x \n")
    text = debugprint(z, file="str", ids="id")
    assert "[id %d]" % id(z.owner) in text
    with pytest.raises(ValueError, match="ids"):
        debugprint(z, ids="bad")


def test_debugprint_reuses_ids_across_outputs_and_apply():
    _, _, z = _zgraph()
    w = z + 1
    text = debugprint([z, w], file="str")
    lines = text.splitlines()
    assert lines[5] == "Elemwise{add,no_inplace} [id E] ''   "
    # z is printed again under w with its old id and without its inputs.
    assert lines[6] == " |Elemwise{mul,no_inplace} [id A] 'z'   "
    assert lines[7].startswith(" |InplaceDimShuffle{x,x} [id F]")
    assert debugprint(z.owner, file="str") == debugprint(z, file="str")


def test_debugprint_depth_and_stop_on_name():
    _, _, z = _zgraph()
    w = T.exp(z)
    assert debugprint(w, depth=1, file="str") == "Elemwise{exp,no_inplace} [id A] ''   \n"
    text = debugprint(w, depth=2, file="str")
    assert text.splitlines()[1] == " |Elemwise{mul,no_inplace} [id B] 'z'   "
    assert len(text.splitlines()) == 2
    text = debugprint(w, stop_on_name=True, file="str")
    assert len(text.splitlines()) == 2
    with pytest.raises(TypeError, match="depth"):
        debugprint(w, depth="1")


def test_debugprint_compiled_function_golden():
    x, y, z = _zgraph()
    f = theano.function([x, y], z, mode=NO_OPT)
    expected = ("Elemwise{mul,no_inplace} [id A] 'z'   1\n"
                " |Elemwise{add,no_inplace} [id B] ''   0\n"
                " | |x [id C]\n"
                " | |y [id D]\n"
                " |x [id C]\n")
    assert debugprint(f, file="str") == expected
    assert debugprint(f.maker.fgraph, file="str") == expected


def test_debugprint_function_positions_match_toposort():
    x, y, z = _zgraph()
    f = theano.function([x, y], [z, T.exp(z).sum()])
    text = debugprint(f, file="str")
    topo = f.maker.fgraph.toposort()
    for k, node in enumerate(topo):
        assert any(line.lstrip(" |").startswith(str(node.op)) and line.endswith("   %d" % k)
                   for line in text.splitlines())


def test_debugprint_clients_and_storage():
    x, y, z = _zgraph()
    f = theano.function([x, y], [z, T.exp(z)], mode=NO_OPT)
    text = debugprint(f, file="str", print_clients=True)
    # The client gets its label when first mentioned, before it is printed.
    assert text == (
        "Elemwise{mul,no_inplace} [id A] 'z'   1 clients:[('output', ''), ('[id C]', 2)]\n"
        " |Elemwise{add,no_inplace} [id D] ''   0\n"
        " | |x [id E]\n"
        " | |y [id F]\n"
        " |x [id E]\n"
        "Elemwise{exp,no_inplace} [id C] ''   2\n"
        " |Elemwise{mul,no_inplace} [id A] 'z'   1 clients:[('output', ''), ('[id C]', 2)]\n")
    f(np.ones((2, 2)), np.ones((2, 2)))
    text = debugprint(f, file="str", print_storage=True)
    assert text.splitlines()[0].startswith("Elemwise{mul,no_inplace} [id A] 'z'   1 ")


def test_debugprint_multi_output_node_and_shared_done():
    class Split2(Op):
        __props__ = ()

        def make_node(self, x):
            return Apply(self, [x], [x.type(), x.type()])

    x = T.dvector("x")
    a, b = Split2()(x)
    text = debugprint([a, b], file="str")
    assert text == ("Split2.0 [id A] ''   \n |x [id B]\nSplit2.1 [id A] ''   \n")
    done, used = {}, {}
    debugprint(a, file="str", done=done, used_ids=used)
    assert debugprint(b, file="str", done=done, used_ids=used) == "Split2.1 [id A] ''   \n"


def test_debugprint_file_targets(capsys):
    x = T.dvector("x")
    y = x * 2
    assert debugprint(y) is sys.stdout
    assert capsys.readouterr().out.startswith("Elemwise{mul,no_inplace} [id A]")
    buf = io.StringIO()
    assert debugprint(y, file=buf) is buf
    assert buf.getvalue() == debugprint(y, file="str")
    with pytest.raises(TypeError, match="cannot print an object of type dict"):
        debugprint({})
    assert debugprint(theano.In(x), file="str") == "x [id A]\n"


class _Loop(Op):
    """An op with a Scan-style inner graph (``inputs``/``outputs`` attributes)."""

    __props__ = ()

    def __init__(self):
        inner = T.dscalar("x_in")
        self.inputs = [inner]
        self.outputs = [inner * 2]

    def make_node(self, x):
        return Apply(self, [x], [x.type()])


class FakeScan(_Loop):
    pass


def test_debugprint_inner_graphs():
    x = T.dscalar("x")
    out = _Loop()(x) + 1
    text = debugprint(out, file="str")
    assert text == (
        "Elemwise{add,no_inplace} [id A] ''   \n"
        " |_Loop [id B] ''   \n"
        " | |x [id C]\n"
        " |TensorConstant{1} [id D]\n"
        "\n"
        "Inner graphs:\n"
        "\n"
        "_Loop [id B] ''   \n"
        " >Elemwise{mul,no_inplace} [id E] ''   \n"
        " > |x_in [id F] -> [id C]\n"
        " > |TensorConstant{2} [id G]\n")
    text = debugprint(FakeScan()(x), file="str")
    assert "\nInner graphs of the scan ops:\n" in text


def test_char_from_number():
    assert [char_from_number(n) for n in (0, 1, 25, 26, 27, 26 * 26)] == \
        ["A", "B", "Z", "BA", "BB", "BAA"]


# ---------------------------------------------------------------------------
# pydotprint
# ---------------------------------------------------------------------------

def _update_function():
    w = theano.shared(np.ones(3), name="w")
    x = T.dvector("x")
    cost = ((x * w + 1) ** 2).sum()
    return theano.function([x], cost, updates=[(w, w - 0.1 * x)])


@needs_dot
@pytest.mark.parametrize("kind", ["scalar_addition", "matrix_dot_product"])
def test_pydotprint_png_seed002(kind, tmp_path, capsys):
    a, b = (T.dscalar(), T.dscalar()) if kind == "scalar_addition" else (T.dmatrix(), T.dmatrix())
    c = a + b if kind == "scalar_addition" else T.dot(a, b)
    f = theano.function([a, b], c)
    outfile = tmp_path / (kind + ".png")
    assert pydotprint(f, outfile=str(outfile), var_with_name_simple=True) is None
    data = outfile.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 100
    assert capsys.readouterr().out.strip() == "The output file is available at %s" % outfile
    assert printing.pydot_imported is True and printing.pydot_imported_msg == ""


@needs_dot
def test_pydotprint_svg_variable_and_extension(tmp_path):
    x = T.dvector("x")
    target = tmp_path / "sub" / "graph"
    pydotprint(T.exp(x) * 2, outfile=str(target), format="svg", print_output_file=False)
    data = (tmp_path / "sub" / "graph.svg").read_text()
    assert "<svg" in data and "Elemwise{exp,no_inplace}" in data


@needs_dot
def test_pydotprint_graph_content(tmp_path):
    f = _update_function()
    dot = pydotprint(f, format="dot", return_image=True, with_ids=True).decode()
    assert "UPDATE" in dot
    assert "name=w TensorType(float64, vector)" in dot
    assert "cyan" in dot and "green" in dot and "blue" in dot
    for k, node in enumerate(f.maker.fgraph.toposort()):
        assert "id=%d" % k in dot
    simple = pydotprint(f, format="dot", return_image=True, var_with_name_simple=True,
                        compact=False, high_contrast=False).decode()
    assert "name=w" not in simple and '"w"' in simple.replace("label=w", 'label="w"')
    # A FunctionGraph and an Apply node are accepted too.
    assert pydotprint(f.maker.fgraph, format="dot", return_image=True)
    assert pydotprint(T.exp(T.dvector()).owner, format="dot", return_image=True)
    with pytest.raises(TypeError, match="pydotprint expects"):
        pydotprint(42)


@needs_dot
def test_pydotprint_scan_graphs_writes_inner_graph_files(tmp_path):
    x = T.dscalar("x")
    pydotprint(_Loop()(x) + 1, outfile=str(tmp_path / "g.png"), scan_graphs=True,
               print_output_file=False)
    inner = sorted(tmp_path.glob("g_*.png"))  # g_<position of the op>.png
    assert (tmp_path / "g.png").exists() and len(inner) == 1
    assert inner[0].read_bytes()[:4] == b"\x89PNG"


@needs_dot
def test_pydotprint_default_outfile_in_compiledir(tmp_path):
    with theano.config.change_flags(compiledir=str(tmp_path / "cache")):
        pydotprint(T.dvector() * 2, print_output_file=False)
    expected = tmp_path / "cache" / ("theano.pydotprint.%s.png" % theano.config.device)
    assert expected.read_bytes()[:4] == b"\x89PNG"


@needs_dot
def test_pydotprint_missing_dot_binary(monkeypatch):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(PydotNotAvailable) as info:
        pydotprint(T.dvector() * 2, outfile="/nonexistent/never.png")
    msg = str(info.value)
    assert "`dot`" in msg and "apt-get install graphviz" in msg and "pip install pydot" in msg
    assert "brew install graphviz" in msg and "conda install graphviz" in msg
    assert isinstance(info.value, ImportError) and isinstance(info.value, RuntimeError)
    assert printing.pydot_imported is False
    assert "graphviz" in printing.pydot_imported_msg.lower()


def test_pydotprint_missing_pydot(monkeypatch):
    monkeypatch.setitem(sys.modules, "pydot", None)
    monkeypatch.setitem(sys.modules, "pydot_ng", None)
    with pytest.raises(ImportError, match="pip install pydot"):
        pydotprint(T.dvector() * 2, outfile=os.devnull)
    with pytest.raises(AttributeError):
        printing.no_such_attribute  # noqa: B018


# ---------------------------------------------------------------------------
# Print op
# ---------------------------------------------------------------------------

def test_print_op_prints_and_passes_value(capsys):
    x = T.dvector("x")
    f = theano.function([x], Print("x is")(x) * 2)
    out = f(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(out, [2.0, 4.0])
    assert capsys.readouterr().out == "x is __str__ = [1. 2.]\n"
    g = theano.function([x], Print("x", attrs=("shape", "sum"))(x))
    val = np.array([1.0, 2.0, 4.0])
    res = g(val)
    np.testing.assert_array_equal(res, val)
    assert capsys.readouterr().out == "x shape = (3,)\nx sum = 7.0\n"
    res[0] = 100.0  # the returned value must not alias the caller's array
    assert val[0] == 1.0


def test_print_op_is_kept_by_rewrites(capsys):
    x = T.dvector("x")
    f = theano.function([x], [Print("a")(x).sum(), Print("b")(x).sum(),
                              Print("c")(T.constant(np.array([3.0]))) * 2])
    f(np.zeros(2))
    out = capsys.readouterr().out
    assert "a __str__" in out and "b __str__" in out and "c __str__ = [3.]" in out
    assert sum(isinstance(n.op, Print) for n in f.maker.fgraph.toposort()) == 3


def test_print_op_properties():
    x = T.dmatrix("x")
    op = Print("m", attrs=["shape"])
    assert op.attrs == ("shape",) and op == Print("m", ("shape",)) and op != Print("n")
    assert hash(op) == hash(Print("m", ("shape",)))
    assert op.view_map == {0: [0]} and not op.do_constant_folding(None)
    y = op(x)
    assert y.type == x.type and str(op) == "Print{m}"
    g = T.dmatrix("g")
    assert op.grad([x], [g]) == [g]
    assert op.R_op([x], [g]) == [g]
    assert op.infer_shape(None, y.owner, [("a", "b")]) == [("a", "b")]
    seen = []
    custom = Print("hi", global_fn=lambda o, v: seen.append((o.message, v.shape)))
    theano.function([x], custom(x))(np.zeros((2, 3)))
    assert seen == [("hi", (2, 3))]


def test_pp_of_gradient_graph():
    x = T.dscalar("x")
    text = pp(theano.grad(x ** 2, x))
    # Whatever the exact graph, it is infix text built from x and constants.
    assert text.startswith("(") and "(x ** (" in text and "Elemwise" not in text


def test_print_op_gradient_through_graph():
    x = T.dscalar("x")
    gx = theano.grad(Print("x")(x) ** 2, x)
    f = theano.function([x], gx)
    assert float(f(3.0)) == 6.0
