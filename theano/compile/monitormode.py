"""MonitorMode: call user functions before and after every node of a compiled function."""
import sys

import numpy as np

from theano.compile.mode import Mode
from theano.link import utils as _link_utils
from theano.link.py.vm import Program

__all__ = ["MonitorMode", "detect_nan"]


class _NodeThunk:
    """What ``pre_func``/``post_func`` receive as ``fn``: the node's storage, callable.

    ``fn.inputs[k][0]`` is the value of input ``k``, ``fn.outputs[k][0]`` that
    of output ``k`` (after the node ran); ``fn()`` runs the node.
    """

    __slots__ = ("inputs", "outputs", "_fn", "_values")

    def __init__(self, fn, values, out_cells):
        self._fn = fn
        self._values = values
        self.inputs = [[v] for v in values]
        self.outputs = out_cells

    def __call__(self):
        self._fn(self._values, self.outputs)


class MonitorMode(Mode):
    """A mode that calls ``pre_func(i, node, fn)`` before and ``post_func(i, node, fn)``
    after running the ``i``-th node of the graph (Theano 1.0's MonitorMode).

    Parameters
    ----------
    pre_func, post_func : callable, optional
    optimizer : str, optional
        Rewrites to apply (default: ``config.optimizer``).
    linker : None
        Nodes run through their NumPy implementations.

    Examples
    --------
    >>> import theano, theano.tensor as T
    >>> seen = []
    >>> def after(i, node, fn):
    ...     seen.append([float(o[0]) for o in fn.outputs])
    >>> x = T.dscalar('x')
    >>> f = theano.function([x], 5 * x, mode=theano.compile.MonitorMode(post_func=after))
    >>> float(f(3)), seen
    (15.0, [[15.0]])
    """

    def __init__(self, pre_func=None, post_func=None, optimizer="default", linker=None):
        super().__init__(linker="py", optimizer=optimizer)
        self.pre_func = pre_func
        self.post_func = post_func

    def link(self, fgraph):
        return Program(fgraph, callback=self._run_node)

    def _run_node(self, k, node, fn, inputs, out_cells):
        thunk = _NodeThunk(fn, inputs, out_cells)
        if self.pre_func is not None:
            self.pre_func(k, node, thunk)
        thunk()
        if self.post_func is not None:
            self.post_func(k, node, thunk)


def detect_nan(i, node, fn):
    """A ``post_func`` for MonitorMode: report the first node that outputs a NaN.

    It prints ``*** NaN detected ***``, the node (debugprint) and the values
    of its inputs and outputs, as Theano 1.0's version did.
    """
    for output in fn.outputs:
        value = output[0]
        if isinstance(value, np.ndarray) and value.dtype.kind in "fc" and np.isnan(value).any():
            print("*** NaN detected ***")
            # (debugprint, registered by theano.printing, which sits above compile)
            _link_utils._graph_formatter(node.outputs, file=sys.stdout)
            print("Inputs : %s" % [v[0] for v in fn.inputs])
            print("Outputs: %s" % [v[0] for v in fn.outputs])
            break
