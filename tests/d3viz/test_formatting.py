"""theano.d3viz without a browser: the graph description, PyDotFormatter, the files written.

Includes Theano 1.0's d3viz guide (doc/library/d3viz/index.txt): the MLP
``predict`` function drawn with d3viz, profiled, and turned into a pydot graph.
"""
import json
import os
import re

import numpy as np
import pydot
import pytest

import theano
import theano.d3viz as d3v
import theano.tensor as T
from theano.d3viz.formatting import PyDotFormatter, describe, node_count, type_to_str, var_label
from theano.ifelse import ifelse

# pydot's DOT parser (used to read our output back) calls deprecated pyparsing names.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pydot.dot_parser")


def guide_mlp():
    """The multilayer perceptron of Theano 1.0's d3viz guide."""
    nfeatures, noutputs, nhiddens = 100, 10, 50
    rng = np.random.RandomState(0)
    x = T.dmatrix("x")
    wh = theano.shared(rng.normal(0, 1, (nfeatures, nhiddens)), borrow=True)
    bh = theano.shared(np.zeros(nhiddens), borrow=True)
    h = T.nnet.sigmoid(T.dot(x, wh) + bh)
    wy = theano.shared(rng.normal(0, 1, (nhiddens, noutputs)))
    by = theano.shared(np.zeros(noutputs), borrow=True)
    y = T.nnet.softmax(T.dot(h, wy) + by)
    return x, y, rng


def payload(path):
    text = path.read_text()
    raw = re.search(r'<script type="application/json" id="d3viz-data">(.*?)</script>', text,
                    re.S).group(1)
    return json.loads(raw)


def kinds(graph):
    out = {}
    for node in graph.get_nodes():
        kind = node.get_attributes().get("node_type")
        out[kind] = out.get(kind, 0) + 1
    return out


def test_guide_mlp_predict(tmp_path):
    x, y, rng = guide_mlp()
    predict = theano.function([x], y)
    d3v.d3viz(predict, str(tmp_path / "examples" / "mlp.html"))   # makes the directory
    data = payload(tmp_path / "examples" / "mlp.html")
    assert data["graph"] == json.loads(json.dumps(describe(predict)))

    graph = d3v.formatting.PyDotFormatter()(predict)
    topo = predict.maker.fgraph.toposort()
    counts = kinds(graph)
    assert counts["apply"] == len(topo)
    assert counts["output"] == 1
    assert counts["input"] == 1 and counts["shared_input"] == 4
    assert len(graph.get_nodes()) == node_count(describe(predict))
    # The DOT text needs no Graphviz and reads back with the same nodes.
    back = pydot.graph_from_dot_data(graph.to_string())[0]
    assert len(back.get_nodes()) == len(graph.get_nodes())


def test_guide_profiled_predict(tmp_path):
    x, y, rng = guide_mlp()
    predict_profiled = theano.function([x], y, profile=True)
    predict_profiled(rng.normal(0, 1, (1000, 100)))
    desc = describe(predict_profiled)
    timed = [n for n in desc["nodes"] if n["kind"] == "apply"]
    assert timed and all(n["profile"] is not None for n in timed)
    total = timed[0]["profile"][1]
    assert total > 0 and sum(n["profile"][0] for n in timed) <= total * 1.01
    assert any(k == "time" for n in timed for k, _ in n["details"])
    d3v.d3viz(predict_profiled, str(tmp_path / "mlp2.html"))
    assert payload(tmp_path / "mlp2.html")["graph"]["nodes"][-1]["kind"] == "output"
    pydot_graph = d3v.formatting.PyDotFormatter()(predict_profiled)
    assert all("profile" in n.get_attributes() for n in pydot_graph.get_nodes()
               if n.get_attributes()["node_type"] == "apply")
    # Before any call there is no profile to show.
    unprofiled = describe(theano.function([x], y, profile=True))
    assert all(n.get("profile") is None for n in unprofiled["nodes"])


def test_page_is_self_contained(tmp_path):
    x = T.dvector("x")
    f = theano.function([x], T.exp(x).sum())
    page = tmp_path / "page.html"
    d3v.d3viz(f, str(page))
    text = page.read_text()
    # (d3's code holds the XML namespace URIs, which are names, not addresses.)
    assert re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", text) is None
    assert "d3js.org v7" in text and "var dagre=" in text and "window.d3viz" in text
    # Apart from the data, pages of different graphs differ only by their title.
    assert text.count("<script") == 4


def test_copy_deps_false_refers_to_the_installed_files(tmp_path):
    x = T.dvector("x")
    page = tmp_path / "small.html"
    d3v.d3viz(x * 2, str(page), copy_deps=False)
    text = page.read_text()
    sources = re.findall(r'<script src="file://([^"]+)"', text)
    assert len(sources) == 3 and all(os.path.isfile(s) for s in sources)
    assert len(text) < 20000


def test_names_cannot_break_the_page(tmp_path):
    x = T.dvector("</script><script>alert(1)</script>")
    page = tmp_path / "evil.html"
    d3v.d3viz(x + 1, str(page))
    text = page.read_text()
    assert "alert(1)</script>" not in text
    assert payload(page)["graph"]["nodes"][0]["label"] == "</script><script>alert(1)</script>"


def test_what_each_node_is():
    x, y = T.dvector("x"), T.dvector("y")
    s = theano.shared(np.zeros(3), name="s")
    hidden = T.exp(x)
    hidden.name = "hidden"
    f = theano.function([x, y], [hidden * 2 + s], updates=[(s, s + x)],
                        on_unused_input="ignore")
    desc = describe(f)
    by_label = {n["label"]: n for n in desc["nodes"]}
    assert by_label["x"]["kind"] == "input" and by_label["x"]["color"] == "limegreen"
    assert by_label["y"]["kind"] == "input"     # unused inputs are drawn too
    assert by_label["s"]["kind"] == "shared_input"
    assert by_label["s (update)"]["kind"] == "output"
    assert [n["kind"] for n in desc["nodes"]].count("output") == 2
    apply_nodes = [n for n in desc["nodes"] if n["kind"] == "apply"]
    assert len(apply_nodes) == len(f.maker.fgraph.toposort())
    details = dict(apply_nodes[0]["details"])
    assert "test_formatting.py" in details["defined at"]
    assert set(details) >= {"op", "class", "inputs", "outputs"}
    ids = [n["id"] for n in desc["nodes"]]
    assert len(set(ids)) == len(ids)
    assert all(e["source"] in ids and e["target"] in ids for e in desc["edges"])


def test_compact_false_draws_intermediate_variables():
    x = T.dvector("x")
    out = T.tanh(T.exp(x) * 2)
    compact, full = describe(out), describe(out, compact=False)
    assert [n["kind"] for n in compact["nodes"]].count("variable") == 0
    # Every result but the output: exp(x), the broadcast 2, exp(x) * 2.
    n_apply = [n["kind"] for n in full["nodes"]].count("apply")
    assert [n["kind"] for n in full["nodes"]].count("variable") == n_apply - 1 == 3
    assert node_count(full) == node_count(compact) + 3
    assert kinds(PyDotFormatter(compact=False)(out)).get("variable") == 3


def test_views_and_destroyed_inputs_colour_the_edges():
    x = T.dmatrix("x")
    # (without blas_epilogue, which would make exp part of the product's kernel)
    f = theano.function([x], [x.T, T.exp(T.dot(x, x))],
                        mode=theano.compile.mode.get_default_mode().excluding("blas_epilogue"))
    desc = describe(f)
    colors = {e.get("color") for e in desc["edges"]}
    assert "dodgerblue" in colors      # DimShuffle returns a view of x
    assert "red" in colors             # exp works in place on the result of dot


def test_inner_graphs_of_scan_and_ifelse():
    x, a = T.dvector("x"), T.dscalar("a")
    r, _ = theano.scan(lambda xi, acc: acc * a + xi, sequences=x,
                       outputs_info=T.constant(0.0, dtype="float64"))
    f = theano.function([x, a], ifelse(T.gt(a, 0), r[-1] * 2, T.sum(x)))
    desc = describe(f)
    (cond,) = [n for n in desc["nodes"] if "inner" in n]
    assert cond["label"].startswith("if{")
    inner = cond["inner"]
    ids = {n["id"] for n in desc["nodes"]}
    inner_ids = {n["id"] for n in inner["graph"]["nodes"]}
    assert all(i.startswith(cond["id"] + "_") for i in inner_ids)
    # x and a feed the then/else branches; both branches' results go to the op.
    assert len(inner["inputs"]) == 2
    assert all(s in ids and t in inner_ids for s, t in inner["inputs"])
    assert [t for _, t in inner["outputs"]] == [cond["id"], cond["id"]]
    (scan_node,) = [n for n in inner["graph"]["nodes"] if "inner" in n]
    assert scan_node["label"].startswith("for{")
    assert node_count(desc, expanded=True) == (node_count(desc) + node_count(inner["graph"])
                                               + node_count(scan_node["inner"]["graph"]))
    graph = PyDotFormatter()(f)
    (cluster,) = graph.get_subgraph_list()
    assert cluster.get_name() == "cluster_" + cond["id"]
    (nested,) = cluster.get_subgraph_list()
    assert nested.get_name() == "cluster_" + scan_node["id"]
    assert len(nested.get_nodes()) == node_count(scan_node["inner"]["graph"])


def test_d3write_writes_dot_text(tmp_path):
    x = T.dvector("x")
    path = tmp_path / "sub" / "graph.dot"
    d3v.d3write(T.exp(x).sum(), str(path))
    text = path.read_text()
    assert text.startswith("digraph") and "node_type=apply" in text
    assert len(pydot.graph_from_dot_data(text)[0].get_nodes()) == 4  # x, exp, sum, output


def test_accepted_graphs_and_errors(tmp_path):
    x = T.dvector("x")
    y = T.exp(x)
    f = theano.function([x], y)
    for thing in (y, y.owner, [y, x * 2], f.maker.fgraph, f):
        assert describe(thing)["nodes"]
    with pytest.raises(TypeError, match="d3viz expects a compiled function"):
        describe(42)
    with pytest.raises(TypeError, match="only `compact`"):
        d3v.d3viz(y, str(tmp_path / "bad.html"), colour="red")


def test_short_type_and_value_labels():
    assert type_to_str(T.dmatrix().type) == "dmatrix"
    assert type_to_str(T.fvector().type) == "fvector"
    assert type_to_str(T.lscalar().type) == "lscalar"
    assert type_to_str(T.drow().type) == "drow"
    assert type_to_str(T.tensor3(dtype="float32").type) == "float32 3D"
    assert type_to_str(T.bvector().type) == "bvector"
    assert var_label(T.constant(2.5)) == "2.5"
    assert var_label(T.constant(np.arange(10.0))) == "[0. 1. 2. 3. 4. 5. ...]"
    assert var_label(T.dvector("v")) == "v"
    assert var_label(T.dvector()) == "dvector"


def test_profile_given_as_a_profilestats(tmp_path):
    # Theano 1.0's test passes a ProfileStats object as `profile`.
    x, y, rng = guide_mlp()
    f = theano.function([x], y, profile=theano.compile.profiling.ProfileStats(False))
    f(rng.normal(0, 1, (100, 100)))
    d3v.d3viz(f, str(tmp_path / "index.html"))
    nodes = payload(tmp_path / "index.html")["graph"]["nodes"]
    assert all(n["profile"][1] > 0 for n in nodes if n["kind"] == "apply")
