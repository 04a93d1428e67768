"""Interactive pictures of Theano graphs in the browser (Theano 1.0's ``theano.d3viz``).

>>> import theano.d3viz as d3v
>>> # d3v.d3viz(compiled_function, 'graph.html') writes one self-contained page

* :func:`d3viz` — an HTML page: zoom, pan, drag nodes, details on hover,
  inner graphs of scan and ifelse shown on click; works offline.
* :func:`d3write` — the graph as DOT text.
* :class:`~theano.d3viz.formatting.PyDotFormatter` — the graph as a
  ``pydot.Dot`` object, for any other Graphviz output.
"""
from theano.d3viz import formatting  # noqa: F401
from theano.d3viz.d3viz import d3viz, d3write  # noqa: F401
from theano.d3viz.formatting import PyDotFormatter  # noqa: F401

__all__ = ["d3viz", "d3write", "PyDotFormatter", "formatting"]
