"""DebugMode: run every node with checks, and raise a named error on any problem.

For each node it checks that

* the fast implementation (the node's C kernel when it has one, else its
  ``make_thunk_fn``) and the reference (``perform``) agree;
* no input was modified unless the op declares it in ``destroy_map``;
* outputs are finite (``config.DebugMode.check_finite``);
* the shapes predicted by ``infer_shape`` are the real ones;

It is slow: use it to find bugs.
"""
import numpy as np

from theano.compile.mode import Mode, register_mode
from theano.configparser import config
from theano.graph.basic import Constant, Variable, io_toposort
from theano.graph.op import NoParams, node_params
from theano.link.c.linker import CProgram
from theano.link.py.vm import Frame, Program
from theano.tensor.basic import constant

__all__ = ["DebugMode", "DebugModeError", "InvalidValueError", "BadThunkOutput",
           "BadDestroyMap", "BadViewMap", "BadShape", "BadOptimization", "evaluate_constant"]


class DebugModeError(Exception):
    """Base class of the errors DebugMode raises."""


def _where(node):
    # The linker appends the input shapes and the user's source line.
    return "\n  node: %s" % (node,)


class InvalidValueError(DebugModeError):
    """An output contains NaN or inf (or has the wrong type)."""

    def __init__(self, node, output_idx, value, reason):
        self.node, self.output_idx, self.value = node, output_idx, value
        super().__init__("InvalidValueError: output %d of %s is invalid: %s%s"
                         % (output_idx, node.op, reason, _where(node)))


class BadThunkOutput(DebugModeError):
    """The fast implementation and the reference disagree."""


class BadDestroyMap(DebugModeError):
    """An op modified an input it did not declare in destroy_map."""


class BadViewMap(DebugModeError):
    """An output aliases an input without a view_map/destroy_map entry."""


class BadOptimization(DebugModeError):
    """The rewritten graph computes something different from the original graph."""


class BadShape(DebugModeError):
    """infer_shape predicted a different shape than the one computed."""


def evaluate_constant(variables, givens=None):
    """Evaluate graphs of constants (and of the ``givens`` {variable: value}) with ``perform``."""
    env = dict(givens or {})
    for node in io_toposort(list(env), [v for v in variables if isinstance(v, Variable)]):
        vals = []
        for i in node.inputs:
            if i in env:
                vals.append(env[i])
            elif isinstance(i, Constant):
                vals.append(i.data)
            else:
                raise ValueError("%s is not constant" % i)
        cells = [[None] for _ in node.outputs]
        node.op.perform(node, vals, cells, *_params(node))
        env.update(zip(node.outputs, (c[0] for c in cells)))
    out = []
    for v in variables:
        if isinstance(v, (int, np.integer)):
            out.append(int(v))
        elif v in env:
            out.append(env[v])
        elif isinstance(v, Constant):
            out.append(v.data)
        else:
            out.append(env[v])
    return out


def _params(node):
    """``(params,)`` for an op with params (Theano 1.0's 4th ``perform`` argument), else ()."""
    params = node_params(node)
    return () if params is NoParams else (params,)


def _copy(v):
    return v.copy() if isinstance(v, np.ndarray) else v


def _summary(v):
    if isinstance(v, np.ndarray):
        return "%r (dtype %s, shape %s)" % (v, v.dtype, v.shape)
    return repr(v)


class _Checker:
    """The per-node callback installed in the program by DebugMode."""

    c_nodes = None  # the nodes that run a C kernel (set by DebugMode.link)

    def __init__(self, fgraph):
        self.fgraph = fgraph

    def __call__(self, k, node, fn, inputs, out_cells):
        saved = [_copy(v) for v in inputs]
        fn(inputs, out_cells)
        outputs = [c[0] for c in out_cells]
        destroyed = {i for ins in node.op.destroy_map.values() for i in ins}
        for i, (before, after) in enumerate(zip(saved, inputs)):
            if i in destroyed or not isinstance(before, np.ndarray):
                continue
            if not np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"):
                raise BadDestroyMap("%s modified its input %d (%s) without declaring it in "
                                    "destroy_map%s" % (node.op, i, node.inputs[i], _where(node)))
        self._check_reference(node, saved, outputs)
        self._check_values(node, outputs)
        self._check_aliasing(node, inputs, outputs)
        self._check_shapes(node, saved, outputs)

    def _check_reference(self, node, inputs, outputs):
        ref_cells = [[None] for _ in node.outputs]
        node.op.perform(node, [_copy(v) for v in inputs], ref_cells, *_params(node))
        for i, (var, a, c) in enumerate(zip(node.outputs, outputs, ref_cells)):
            b = c[0]
            if not isinstance(a, (np.ndarray, np.generic)):
                continue
            eq = getattr(var.type, "values_eq_approx", None)
            if eq is not None and isinstance(a, np.ndarray):
                same = eq(a, b)
            else:
                a_, b_ = np.asarray(a), np.asarray(b)
                same = a_.shape == b_.shape and bool(np.array_equal(
                    a_, b_, equal_nan=a_.dtype.kind in "fc" and b_.dtype.kind in "fc"))
            if not same:
                raise BadThunkOutput(
                    "output %d of %s differs between the fast implementation (%s) and the "
                    "reference perform:\n  fast: %s\n  reference: %s\n  input shapes: %s%s"
                    % (i, node.op, "C kernel" if self.c_nodes is not None
                       and node in self.c_nodes else "thunk", _summary(a), _summary(b),
                       [getattr(x, "shape", None) for x in inputs], _where(node)))

    def _check_values(self, node, outputs):
        for i, (var, v) in enumerate(zip(node.outputs, outputs)):
            if not isinstance(v, np.ndarray) or not hasattr(var.type, "dtype"):
                continue
            if v.dtype != np.dtype(var.type.dtype) or v.ndim != var.type.ndim:
                raise InvalidValueError(node, i, v, "expected %s, got an array of dtype %s and "
                                        "shape %s" % (var.type, v.dtype, v.shape))
            if (config.DebugMode.check_finite and v.dtype.kind in "fc"
                    and not np.isfinite(v).all()):
                what = "NaN" if np.isnan(v).any() else "inf"
                raise InvalidValueError(node, i, v, "it contains %s (the input shapes were %s)"
                                        % (what, [getattr(x, "shape", None)
                                                  for x in outputs]))

    def _check_aliasing(self, node, inputs, outputs):
        allowed = {}
        for o, ins in list(node.op.view_map.items()) + list(node.op.destroy_map.items()):
            allowed.setdefault(o, set()).update(ins)
        for o, v in enumerate(outputs):
            if not isinstance(v, np.ndarray):
                continue
            for i, x in enumerate(inputs):
                if (isinstance(x, np.ndarray) and i not in allowed.get(o, ())
                        and x.size and np.shares_memory(v, x)):
                    raise BadViewMap("output %d of %s shares memory with input %d, which is "
                                     "not declared in view_map/destroy_map%s"
                                     % (o, node.op, i, _where(node)))

    def _check_shapes(self, node, inputs, outputs):
        infer = getattr(node.op, "infer_shape", None)
        if infer is None:
            return

        in_shapes = [tuple(constant(s, dtype="int64") for s in np.shape(x))
                     if hasattr(i.type, "ndim") else None for i, x in zip(node.inputs, inputs)]
        try:
            predicted = infer(self.fgraph, node, in_shapes)
        except NotImplementedError:
            return
        for o, (shp, v) in enumerate(zip(predicted, outputs)):
            if shp is None or not isinstance(v, np.ndarray):
                continue
            # Shapes may depend on input values (alloc, arange...), not only shapes.
            got = tuple(int(s) for s in evaluate_constant(
                list(shp), dict(zip(node.inputs, inputs))))
            if got != v.shape:
                raise BadShape("infer_shape of %s predicts shape %s for output %d, but the "
                               "computed value has shape %s%s"
                               % (node.op, got, o, v.shape, _where(node)))


class DebugMode(Mode):
    """A mode that checks every node as it runs (see the module docstring).

    Parameters
    ----------
    optimizer : str
        Rewrites to apply (default: config.optimizer).
    check_isfinite : bool
        ``False`` disables the NaN/inf check (default: ``config.DebugMode.check_finite``).
    check_c_code, check_py_code, check_preallocated_output, require_matching_strides,
    stability_patience
        Theano 1.0's other keywords, accepted for compatibility: the Python
        (NumPy) implementation is the one checked, and every node's outputs
        are compared with it.
    """

    def __init__(self, optimizer="default", stability_patience=None, check_c_code=None,
                 check_py_code=None, check_isfinite=None, check_preallocated_output=None,
                 require_matching_strides=None, linker="py"):
        super().__init__(linker="py", optimizer=optimizer)
        self.check_isfinite = (config.DebugMode.check_finite if check_isfinite is None
                               else check_isfinite)

    def optimize(self, fgraph, maker=None):
        # Keep the graph as written, to compare whole-function results with it.
        self._original = fgraph.clone()
        super().optimize(fgraph, maker)

    def link(self, fgraph):
        checker = (_Checker if self.check_isfinite else _NoFiniteChecker)(fgraph)
        # Nodes with C code run their C kernel, checked against perform.
        cls = _ComparingCProgram if config.DebugMode.check_c else _ComparingProgram
        program = cls(fgraph, callback=checker)
        checker.c_nodes = {program.nodes[k] for k in getattr(program, "c_nodes", ())}
        original, self._original = getattr(self, "_original", None), None
        if original is not None and len(original.outputs) == len(fgraph.outputs):
            program.reference = Program(original)
        return program


class _Comparing:
    """Runs the un-rewritten graph too, and checks both give the same outputs."""

    reference = None

    def new_frame(self, input_cells):
        frame = _ComparingFrame(self, input_cells)
        if self.reference is not None:
            frame.reference = self.reference.new_frame(input_cells)
        return frame


class _ComparingProgram(_Comparing, Program):
    pass


class _ComparingCProgram(_Comparing, CProgram):
    pass


class _ComparingFrame(Frame):
    __slots__ = ("reference",)

    def __init__(self, program, input_cells):
        super().__init__(program, input_cells)
        self.reference = None

    def run(self):
        super().run()
        if self.reference is None:
            return
        self.reference.run()
        fg = self.program.fgraph
        for k, (var, got, ref) in enumerate(zip(fg.outputs, self.outputs(),
                                                self.reference.outputs())):
            if not isinstance(got, np.ndarray) or not hasattr(var.type, "values_eq_approx"):
                continue
            if not var.type.values_eq_approx(got, ref):
                self.clear()
                raise BadOptimization(
                    "The graph rewrites changed output %d (%s):\n  rewritten graph: %s\n"
                    "  original graph: %s\nCompile with mode=Mode(optimizer=None) to get the "
                    "original result, and report this as a bug." % (k, var, got, ref))
        self.reference.clear()


class _NoFiniteChecker(_Checker):
    def _check_values(self, node, outputs):
        with config.change_flags(DebugMode__check_finite=False):
            super()._check_values(node, outputs)


register_mode("DebugMode", DebugMode())
