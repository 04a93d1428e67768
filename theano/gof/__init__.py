"""Theano 1.0's ``theano.gof`` names, for code that extends Theano with its own ops.

The graph layer now lives in :mod:`theano.graph` and the rewrite engine in
:mod:`theano.rewriting`; ``theano.gof.graph``, ``theano.gof.op``,
``theano.gof.type``, ``theano.gof.fg`` and ``theano.gof.utils`` are those modules;
``theano.gof.opt`` is :mod:`theano.rewriting.basic` plus Theano 1.0's names for its classes
(``Optimizer``, ``LocalOptimizer``, ``TopoOptimizer``, ``OpSub``...).  ``theano.gof.COp`` and ops defining ``c_code`` run their C code in the C
linker (docs/c-backend.md).
"""
import sys

from theano.graph import basic as graph
from theano.graph import fg, null_type, op, type, utils  # noqa: A004 (Theano's module name)
from theano.graph.basic import Apply, Constant, Variable  # noqa: F401
from theano.graph.fg import FunctionGraph, InconsistencyError, MissingInputError  # noqa: F401
from theano.graph.op import COp, Op  # noqa: F401
from theano.graph.utils import MethodNotDefined  # noqa: F401
from theano.graph.type import Generic, Type, generic  # noqa: F401
from theano.gof import opt, toolbox  # noqa: F401
from theano.gof.opt import (LocalOptimizer, OpRemove, OpSub, Optimizer,  # noqa: F401
                            PatternSub, TopoOptimizer, local_optimizer)

for _name, _mod in (("graph", graph), ("fg", fg), ("op", op), ("type", type),
                    ("null_type", null_type), ("utils", utils)):
    sys.modules[__name__ + "." + _name] = _mod
