"""Interactive HTML pictures of Theano graphs (Theano 1.0's ``theano.d3viz.d3viz``).

:func:`d3viz` writes one HTML file that draws the graph in any current
browser, with no network access: the JavaScript it needs (d3 and dagre,
vendored from npm in ``theano/d3viz/js``) is inlined into the page.
:func:`d3write` writes the graph's DOT text.
"""
import html
import json
import os
import pathlib

from theano.d3viz.formatting import PyDotFormatter, describe

__all__ = ["d3viz", "d3write"]

_HERE = os.path.dirname(os.path.abspath(__file__))
_SCRIPTS = ("d3.min.js", "dagre.min.js", "d3viz.js")


def _read(*parts):
    with open(os.path.join(_HERE, *parts), encoding="utf-8") as f:
        return f.read()


def _title(fct, outfile):
    name = getattr(fct, "name", None)
    if isinstance(name, str) and name:
        return name
    return os.path.splitext(os.path.basename(outfile))[0]


def d3viz(fct, outfile, copy_deps=True, *args, **kwargs):
    """Write an HTML page that draws the graph of ``fct`` interactively.

    In the page, the mouse wheel zooms, dragging the background pans and
    dragging a node moves it; hovering a node shows its details (op, types,
    the line of your code that built it, its run time if the function was
    profiled); clicking a scan or ifelse node (drawn with a dashed ring)
    shows its inner graph, whose inputs are linked to the outer variables
    they receive.  Inputs are green, shared variables olive, constants light
    green, outputs blue, unused outputs grey; an edge is blue when the node
    returns a view of that input and red when it overwrites it.

    Parameters
    ----------
    fct : compiled Function, FunctionGraph, Variable, Apply or list of Variables
        The graph to draw.  For a compiled function, the optimized graph,
        and the profile when it was compiled with ``profile=True`` and
        called ("Profile colors" then colours the nodes by their run time).
    outfile : str
        The HTML file to write; missing directories are created.
    copy_deps : bool
        True (default): the JavaScript and CSS are copied into the page,
        which then works anywhere on its own.  False: the page refers to
        the files installed with Theano (smaller, but only valid on this
        machine).
    *args, **kwargs
        Passed to :class:`~theano.d3viz.formatting.PyDotFormatter`'s
        description (``compact``).

    Examples
    --------
    >>> import theano, theano.tensor as T, theano.d3viz as d3v
    >>> x = T.dvector('x')
    >>> f = theano.function([x], T.exp(x).sum())
    >>> d3v.d3viz(f, '/tmp/d3viz_doctest.html')
    """
    compact = kwargs.pop("compact", args[0] if args else True)
    if kwargs or len(args) > 1:
        raise TypeError("d3viz: unexpected arguments %r %r (only `compact` is passed on to "
                        "the formatter)" % (args[1:], kwargs))
    data = {"graph": describe(fct, compact=compact), "title": _title(fct, outfile)}
    # "<" is escaped so that no text of the graph can end the <script> element.
    payload = json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")
    if copy_deps:
        css = _read("css", "d3viz.css")
        scripts = "\n".join("<script>\n%s\n</script>" % _read("js", name) for name in _SCRIPTS)
    else:
        css = '@import url("%s");' % pathlib.Path(_HERE, "css", "d3viz.css").as_uri()
        scripts = "\n".join('<script src="%s"></script>' % pathlib.Path(_HERE, "js", name)
                            .as_uri() for name in _SCRIPTS)
    page = (_read("html", "template.html")
            .replace("%% TITLE %%", html.escape(data["title"]))
            .replace("%% CSS %%", css)
            .replace("%% DATA %%", payload)
            .replace("%% SCRIPTS %%", scripts))
    directory = os.path.dirname(os.path.abspath(outfile))
    os.makedirs(directory, exist_ok=True)
    with open(outfile, "w", encoding="utf-8") as f:
        f.write(page)


def d3write(fct, path, *args, **kwargs):
    """Write the graph of ``fct`` as DOT text to ``path`` (no Graphviz needed).

    ``args`` and ``kwargs`` go to :class:`~theano.d3viz.formatting.PyDotFormatter`.
    """
    graph = PyDotFormatter(*args, **kwargs)(fct)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(graph.to_string())
