"""The NumPy reference linker: a flat list of thunks over preallocated storage cells.

Linking walks the graph once; a call then only runs ``thunk(inputs, outputs)``
for each node in order, with no graph traversal.  A *frame* is one set of
storage cells plus bound thunks; a function keeps a pool of frames so that
several threads can call it at once, each on its own frame.
"""
from theano.configparser import config
from theano.graph.basic import Constant
from theano.link.utils import raise_with_op

__all__ = ["Program", "Frame"]


class Program:
    """The linked form of a FunctionGraph: node order, storage layout, thunks.

    Parameters
    ----------
    fgraph : FunctionGraph
    allow_gc : bool
        Free each intermediate value right after its last use.
    """

    def __init__(self, fgraph, allow_gc=None, callback=None):
        # ``callback(k, node, fn, input_values, output_cells)`` replaces the
        # plain thunk call when set (DebugMode, NanGuardMode): it must run
        # ``fn(input_values, output_cells)`` itself.
        self.callback = callback
        self.fgraph = fgraph
        self.nodes = fgraph.toposort()
        allow_gc = config.allow_gc if allow_gc is None else allow_gc
        index = {}
        for v in fgraph.inputs:
            index[v] = len(index)
        self.constants = []
        for node in self.nodes:
            for v in node.inputs:
                if v not in index:
                    if not isinstance(v, Constant):
                        raise ValueError("variable %s is neither an input nor a constant" % v)
                    index[v] = len(index)
                    self.constants.append((index[v], v.data))
            for v in node.outputs:
                index[v] = len(index)
        for v in fgraph.outputs:
            if v not in index:
                if not isinstance(v, Constant):
                    raise ValueError("output %s is not computed by the graph" % v)
                index[v] = len(index)
                self.constants.append((index[v], v.data))
        self.index = index
        self.n_cells = len(index)
        self.thunk_fns = [node.op.make_thunk_fn(node) for node in self.nodes]
        self.in_idx = [tuple(index[v] for v in node.inputs) for node in self.nodes]
        self.out_idx = [tuple(index[v] for v in node.outputs) for node in self.nodes]
        self.output_idx = [index[v] for v in fgraph.outputs]
        keep = set(self.output_idx) | {index[v] for v in fgraph.inputs} | {
            i for i, _ in self.constants}
        self.gc_after = [() for _ in self.nodes]
        if allow_gc:
            last_use = {}
            for k, ins in enumerate(self.in_idx):
                for i in ins:
                    last_use[i] = k
            per_node = [[] for _ in self.nodes]
            for i, k in last_use.items():
                if i not in keep:
                    per_node[k].append(i)
            # Outputs never read by anyone are freed right away too.
            for k, outs in enumerate(self.out_idx):
                for i in outs:
                    if i not in last_use and i not in keep:
                        per_node[k].append(i)
            self.gc_after = [tuple(p) for p in per_node]

    def new_frame(self, input_cells):
        """Bind thunks to fresh cells; ``input_cells`` gives the cells of the graph inputs."""
        return Frame(self, input_cells)


class Frame:
    """One set of storage cells with the thunks bound to them."""

    __slots__ = ("program", "cells", "steps", "_clearable")

    def __init__(self, program, input_cells):
        cells = [[None] for _ in range(program.n_cells)]
        for k, cell in enumerate(input_cells):
            if cell is not None:
                cells[k] = cell
        for i, data in program.constants:
            cells[i][0] = data
        self.program = program
        self.cells = cells
        n_in = len(program.fgraph.inputs)
        const = {i for i, _ in program.constants}
        # Only cells that can hold a value after a run need clearing.
        written = {i for outs in program.out_idx for i in outs}
        self._clearable = [cells[i] for i in sorted(written) if i >= n_in and i not in const]
        self.steps = [
            (fn, tuple(cells[i] for i in ins), [cells[i] for i in outs],
             tuple(cells[i] for i in gc))
            for fn, ins, outs, gc in zip(program.thunk_fns, program.in_idx, program.out_idx,
                                         program.gc_after)]

    def run(self):
        """Execute every thunk in order; errors are re-raised with the failing node."""
        k = 0
        callback = self.program.callback
        nodes = self.program.nodes
        try:
            for fn, ins, outs, gc in self.steps:
                if callback is None:
                    fn([c[0] for c in ins], outs)
                else:
                    callback(k, nodes[k], fn, [c[0] for c in ins], outs)
                for c in gc:
                    c[0] = None
                k += 1
        except Exception as exc:
            node = self.program.nodes[k]
            values = [c[0] for c in self.steps[k][1]]
            self.clear()
            raise_with_op(node, values, exc, self.program.fgraph, k)

    def outputs(self):
        cells = self.cells
        return [cells[i][0] for i in self.program.output_idx]

    def clear(self):
        """Drop intermediate values (keeps inputs' shared cells and constants)."""
        for c in self._clearable:
            c[0] = None
