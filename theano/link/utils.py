"""Helpers shared by linkers: runtime error reports that point at the user's code."""
import io

import numpy as np

from theano.configparser import config
from theano.graph.basic import format_source_line

_graph_formatter = None


def register_graph_formatter(fn):
    """``fn(variables, file=...)`` prints the failing node in runtime errors
    (``exception_verbosity=high``); :mod:`theano.printing` registers debugprint."""
    global _graph_formatter
    _graph_formatter = fn


def _describe(values, attr):
    out = []
    for v in values:
        out.append(getattr(v, attr, "No %s" % attr) if v is not None else None)
    return out


def raise_with_op(node, input_values, exc, fgraph=None, toposort_index=None):
    """Re-raise ``exc`` (same type) with the node, input types/shapes and source line.

    The message is what a user needs to find the mistake in *their* code:
    which operation failed, on what shapes, and where it was built.
    """
    if getattr(exc, "__theano_node__", None) is not None:
        raise exc
    lines = ["Apply node that caused the error: %s" % node]
    if toposort_index is not None:
        lines.append("Toposort index: %d" % toposort_index)
    lines.append("Inputs types: [%s]" % ", ".join(str(i.type) for i in node.inputs))
    lines.append("Inputs shapes: %s" % [tuple(s) if isinstance(s, tuple) else s
                                        for s in _describe(input_values, "shape")])
    lines.append("Inputs strides: %s" % _describe(input_values, "strides"))
    if config.exception_verbosity == "high":
        vals = [np.array2string(np.asarray(v), threshold=10) if v is not None else None
                for v in input_values]
        lines.append("Inputs values: %s" % vals)
    else:
        lines.append("Inputs values: %s" % [
            v.item() if isinstance(v, np.ndarray) and v.size == 1 else "not shown"
            for v in input_values])
    if fgraph is not None:
        lines.append("Outputs clients: %s" % [
            [("output" if c == "output" else str(c)) for c, _ in fgraph.clients.get(o, [])]
            for o in node.outputs])
    trace = getattr(node.tag, "trace", None)
    lines.append("")
    if trace:
        lines.append("Backtrace when the node is created (the line of your code that built it):")
        lines.append("  " + format_source_line(trace))
    else:
        lines.append("The node was created by a graph rewrite; its origin is unknown.")
    if config.exception_verbosity == "high":
        if _graph_formatter is not None:
            buf = io.StringIO()
            _graph_formatter(node.outputs, file=buf)
            lines.append("\nDebugprint of the apply node:\n" + buf.getvalue())
    else:
        lines.append("\nHINT: Use the Theano flag 'exception_verbosity=high' for a debugprint "
                     "of this apply node.")
        lines.append("HINT: Re-running with most Theano optimizations disabled could give you "
                     "a back-trace of when this node was created. This can be done by setting "
                     "the Theano flag 'optimizer=fast_compile'. If that does not work, Theano "
                     "optimizations can be disabled with 'optimizer=None'.")
    extra = "\n".join(lines)
    msg = str(exc.args[0]) if exc.args else ""
    try:
        exc.args = (msg + "\n" + extra,) + tuple(exc.args[1:])
    except Exception:  # exceptions with read-only args
        pass
    exc.__theano_node__ = node
    raise exc.with_traceback(exc.__traceback__)
