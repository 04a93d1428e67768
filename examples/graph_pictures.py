#!/usr/bin/env python
"""Pictures of compiled graphs: ``pydotprint`` (a static image) and ``d3viz`` (interactive).

Two functions are drawn:

* the training function of a small MLP on the digits (forward pass, gradient,
  momentum updates) after Theano's rewrites: what actually runs;
* a function with a ``scan`` loop (a tanh recurrence) inside an ``ifelse``,
  whose inner graphs d3viz shows on a click.

``pydotprint`` needs Graphviz's ``dot`` program for images; without it this
script writes the graph's DOT text instead and says how to install Graphviz.
The d3viz pages need nothing: open them in any browser, even offline.

    python examples/graph_pictures.py
    python examples/graph_pictures.py --quick   # the same (it is quick already)

Writes examples/out/graph_pictures_train.png (or .dot), graph_pictures_train.html
and graph_pictures_scan.html.
"""
import os
import shutil

import example_utils as ex  # first: sets up matplotlib and BLAS threads
import numpy as np

import theano
import theano.d3viz as d3v
import theano.tensor as T
from theano.ifelse import ifelse
from theano.printing import pydotprint


def mlp_training_function(rng):
    x, y = T.matrix("x"), T.ivector("y")
    w1 = theano.shared(rng.randn(64, 32).astype(theano.config.floatX) * 0.1, name="w1")
    b1 = theano.shared(np.zeros(32, dtype=theano.config.floatX), name="b1")
    w2 = theano.shared(rng.randn(32, 10).astype(theano.config.floatX) * 0.1, name="w2")
    b2 = theano.shared(np.zeros(10, dtype=theano.config.floatX), name="b2")
    p_y = T.nnet.softmax(T.dot(T.nnet.relu(T.dot(x, w1) + b1), w2) + b2)
    cost = T.nnet.categorical_crossentropy(p_y, y).mean()
    updates = []
    for param, grad in zip([w1, b1, w2, b2], T.grad(cost, [w1, b1, w2, b2])):
        velocity = theano.shared(np.zeros_like(param.get_value()), name="v_" + param.name)
        updates += [(velocity, 0.9 * velocity - 0.05 * grad), (param, param + velocity)]
    return theano.function([x, y], cost, updates=updates, name="mlp_train")


def scan_in_ifelse_function():
    x, w = T.matrix("x"), T.matrix("w")
    h0 = T.zeros((x.shape[1],), dtype=x.dtype)
    states, _ = theano.scan(lambda x_t, h: T.tanh(x_t + T.dot(w, h)), sequences=x,
                            outputs_info=h0, name="recurrence")
    use_loop = T.iscalar("use_loop")
    return theano.function([x, w, use_loop], ifelse(use_loop, states[-1], x.sum(axis=0)),
                           name="scan_in_ifelse")


def main(argv=None):
    args = ex.parse_args(__doc__.splitlines()[0], argv)
    rng = np.random.RandomState(args.seed)
    train = mlp_training_function(rng)
    data = ex.digits(args.seed)["train"]
    for _ in ex.progress(range(20), "graph_pictures (a few training steps)", unit="step"):
        train(*data)   # the graph does not change; this shows it runs

    # A static picture with pydot + Graphviz (or the DOT text without Graphviz).
    have_dot = shutil.which("dot") is not None
    picture = os.path.join(ex.OUT_DIR, "graph_pictures_train." + ("png" if have_dot else "dot"))
    if not have_dot:
        print("Graphviz's `dot` is not installed, so the graph is written as DOT text. "
              "To get images: apt-get install graphviz (or brew/conda install graphviz).")
    pydotprint(train, outfile=picture, format="png" if have_dot else "dot",
               var_with_name_simple=True, print_output_file=False)

    # Interactive pages: one self-contained HTML file each.
    pages = [os.path.join(ex.OUT_DIR, "graph_pictures_train.html"),
             os.path.join(ex.OUT_DIR, "graph_pictures_scan.html")]
    d3v.d3viz(train, pages[0])
    loop = scan_in_ifelse_function()
    d3v.d3viz(loop, pages[1])

    desc = d3v.formatting.describe(train)
    inner = d3v.formatting.describe(loop)
    ex.summary("graph_pictures", args,
               "training function of %d Apply nodes drawn by pydotprint (%s) and d3viz (%d "
               "boxes); the scan-in-ifelse page shows %d nodes, %d with every inner graph "
               "open; pages: %s"
               % (sum(n["kind"] == "apply" for n in desc["nodes"]),
                  "png" if have_dot else "dot text: Graphviz missing",
                  d3v.formatting.node_count(desc), d3v.formatting.node_count(inner),
                  d3v.formatting.node_count(inner, expanded=True),
                  ", ".join(ex.shown(p) for p in pages)),
               [picture] if have_dot else [])


if __name__ == "__main__":
    main()
