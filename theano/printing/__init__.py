"""Seeing a graph (Theano 1.0's ``theano.printing``).

* :func:`pp` — math-like text (:mod:`theano.printing.pprint`);
* :func:`debugprint` — one line per node (:mod:`theano.printing.debugprint`);
* :func:`pydotprint` — a picture through pydot and graphviz
  (:mod:`theano.printing.graphviz`);
* :class:`Print` — an op that prints its value when run (:mod:`theano.printing.ops`).

>>> import theano, theano.tensor as T
>>> x = T.dscalar('x')
>>> theano.pp(x ** 2)
'(x ** TensorConstant{2})'
"""
from theano.link.utils import register_graph_formatter
from theano.printing.debugprint import char_from_number, debugprint  # noqa: F401
from theano.printing.graphviz import (PydotNotAvailable, _import_pydot,  # noqa: F401
                                      default_colorCodes, pydotprint)
from theano.printing.ops import Print  # noqa: F401
from theano.printing.pprint import (DefaultPrinter, DimShufflePrinter,  # noqa: F401
                                    FunctionPrinter, IgnorePrinter, LeafPrinter, MemberPrinter,
                                    OperatorPrinter, PatternPrinter, PPrinter, PrinterState,
                                    SubtensorPrinter, pp, pprint)

__all__ = [
    "pp", "pprint", "debugprint", "pydotprint", "Print", "PPrinter", "PrinterState",
    "OperatorPrinter", "PatternPrinter", "FunctionPrinter", "MemberPrinter", "IgnorePrinter",
    "LeafPrinter", "DefaultPrinter", "DimShufflePrinter", "SubtensorPrinter",
    "PydotNotAvailable", "char_from_number", "default_colorCodes",
]

# Runtime errors show a debugprint of the failing node when
# exception_verbosity=high; the linker below this layer cannot import it.
register_graph_formatter(debugprint)


def __getattr__(name):
    # Theano exposed these flags; computing them imports pydot, so only on demand.
    if name in ("pydot_imported", "pydot_imported_msg"):
        try:
            _import_pydot()
            ok, msg = True, ""
        except PydotNotAvailable as exc:
            ok, msg = False, str(exc)
        return ok if name == "pydot_imported" else msg
    raise AttributeError("module 'theano.printing' has no attribute %r" % name)
