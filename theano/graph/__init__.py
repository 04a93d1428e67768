"""Theano's graph IR (knows nothing of tensors, rewrites or compilation)."""
from theano.graph.basic import (Apply, Constant, Variable, ancestors, clone,  # noqa: F401
                                clone_get_equiv, graph_inputs, inputs, io_toposort, toposort)
from theano.graph.fg import FunctionGraph  # noqa: F401
from theano.graph.op import Op  # noqa: F401
from theano.graph.type import Generic, Type, generic  # noqa: F401
from theano.graph.replace import clone_replace  # noqa: F401
