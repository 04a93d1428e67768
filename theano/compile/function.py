"""``theano.function``: compile a symbolic graph into a callable.

Data flows one way: user graph -> FunctionGraph -> rewrites (the mode's
optimizer) -> linker (storage cells + thunks) -> calls.
"""
import copy as _copy
import threading

import numpy as np

from theano.compile.io import In, Out
from theano.compile.mode import get_mode
from theano.compile.ops import DeepCopyOp, deep_copy_op
from theano.compile.profiling import ProfileStats, print_at_exit
from theano.configparser import config
from theano.graph.basic import Constant, Variable, ancestors, format_source_line, user_source_line
from theano.graph.fg import FunctionGraph, MissingInputError
from theano.graph.replace import clone_replace
from theano.graph.sharedvalue import ON_DEVICE, Container, SharedVariable, bring_to_host
from theano.rewriting.destroyhandler import add_destroy_handler, view_root
from theano.tensor.basic import as_tensor_variable

__all__ = ["function", "Function", "FunctionMaker", "UnusedInputError", "MissingInputError"]

# Calls of functions that update shared state are serialised, so concurrent
# callers see each call's updates as one atomic step.
_UPDATE_LOCK = threading.RLock()


class UnusedInputError(Exception):
    """An explicit input is not needed to compute any output or update."""


def _as_in(x):
    if isinstance(x, In):
        return x
    if isinstance(x, (list, tuple)):
        return _old_style_input(x)
    if isinstance(x, SharedVariable):
        raise TypeError("Shared variable %s cannot be an explicit input of a function: it "
                        "is used implicitly. To feed a value for it, use givens." % x)
    if isinstance(x, Constant):
        raise TypeError("Constant %s cannot be an input of a function: inputs must be "
                        "symbolic variables (T.scalar(), T.matrix()...)." % x)
    if not isinstance(x, Variable):
        raise TypeError("Function inputs must be symbolic variables or In instances, got %r"
                        % (x,))
    return In(x)


def _old_style_input(spec):
    """Theano 1.0's tuple shortcuts for inputs.

    ``(r, value)``, ``((r, update), value)``, ``(name, r)``, ``(name, r, value)``,
    ``(name, (r, update), value)`` and ``(r,)``; the value is the default (or,
    with an update, the initial state).
    """
    rest = list(spec)
    name = rest.pop(0) if rest and isinstance(rest[0], str) else None
    update = None
    if len(rest) == 2 and isinstance(rest[0], (list, tuple)) and len(rest[0]) == 2:
        (variable, update), value = rest
    elif len(rest) in (1, 2) and isinstance(rest[0], Variable):
        variable, value = rest[0], rest[1] if len(rest) == 2 else None
    else:
        raise TypeError("Invalid input syntax: %r (use a variable, In(...), (variable, "
                        "value) or ((variable, update), value))" % (spec,))
    if not isinstance(variable, Variable) or (update is not None
                                              and not isinstance(update, Variable)):
        raise TypeError("Invalid input %r: the input and its update must be symbolic "
                        "variables" % (spec,))
    if isinstance(value, (Variable, In)):
        raise TypeError("The value for input %s should not be a Variable or In instance "
                        "(got: %s)" % (variable, value))
    kwargs = {} if value is None else {"value": value}
    return _as_in(In(variable, name=name, update=update, **kwargs))


def _normalize_outputs(outputs):
    """Return (list of Out, kind, keys)."""
    if outputs is None:
        return [], "list", None
    if isinstance(outputs, dict):
        keys = sorted(outputs)
        return [o if isinstance(o, Out) else Out(_check_out(outputs[k])) for k, o in
                zip(keys, [outputs[k] for k in keys])], "dict", keys
    if isinstance(outputs, (list, tuple)):
        return [o if isinstance(o, Out) else Out(_check_out(o)) for o in outputs], "list", None
    return [outputs if isinstance(outputs, Out) else Out(_check_out(outputs))], "single", None


def _check_out(o):
    if isinstance(o, Variable):
        return o
    try:
        return as_tensor_variable(o)
    except TypeError:
        raise TypeError("Function outputs must be symbolic variables, got %r" % (o,)) from None


def _normalize_updates(updates):
    if updates is None:
        return []
    if isinstance(updates, dict):
        pairs = list(updates.items())
    else:
        pairs = list(updates)
        for p in pairs:
            if not (isinstance(p, (list, tuple)) and len(p) == 2):
                raise TypeError("updates must be a dict or a list of (shared_variable, "
                                "new_expression) pairs, got the item %r" % (p,))
    seen = set()
    out = []
    for var, expr in pairs:
        if not isinstance(var, SharedVariable):
            raise TypeError("Updates are only allowed on shared variables (theano.shared), "
                            "not on %s of type %s" % (var, getattr(var, "type", type(var))))
        if var in seen:
            raise ValueError("The shared variable %s is updated twice in 'updates': give one "
                             "update expression per shared variable." % var)
        seen.add(var)
        out.append((var, _update_expr(var, expr)))
    return out


def _update_expr(var, expr):
    if not isinstance(expr, Variable):
        try:
            expr = var.type.filter_variable(var.type.filter(expr, allow_downcast=False))
        except (TypeError, ValueError) as exc:
            raise TypeError("The update value %r for %s cannot be stored in %s: %s"
                            % (expr, var, var.type, exc)) from None
    if expr.type != var.type:
        conv = var.type.convert_variable(expr)
        if conv is None:
            raise TypeError(
                "An update must have the same type as the original shared variable "
                "(shared_var=%s, shared_var.type=%s, update_val=%s, update_val.type=%s). If "
                "the difference is the dtype, cast the update (e.g. expr.astype(%r)); if it is "
                "the broadcast pattern, use T.unbroadcast/T.patternbroadcast."
                % (var, var.type, expr, expr.type, getattr(var.type, "dtype", "?")))
        expr = conv
    return expr


def _normalize_givens(givens, rebuild_strict=True):
    """``{old: new}`` from a dict or pairs; with ``rebuild_strict=False`` (Theano 1.0's
    "you better know what you are doing" setting) a replacement may have another type,
    and the graph is rebuilt on it."""
    if givens is None:
        return {}
    pairs = list(givens.items()) if isinstance(givens, dict) else list(givens)
    out = {}
    for pair in pairs:
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2):
            raise TypeError("givens must be a dict or a list of (variable, replacement) pairs")
        old, new = pair
        if not isinstance(old, Variable):
            raise TypeError("givens keys must be symbolic variables, got %r" % (old,))
        if not isinstance(new, Variable):
            new = old.type.filter_variable(new)
        if rebuild_strict and old.type != new.type and old.type.convert_variable(new) is None:
            raise TypeError(
                "givens: the replacement %s of %s has type %s, but the type %s is needed. "
                "Cast it (e.g. .astype(%r)) or build it with the same type."
                % (new, old, new.type, old.type, getattr(old.type, "dtype", "?")))
        out[old] = new
    return out


def _may_alias_input(var, fgraph, memo):
    """True if the value of ``var`` may be (a view of) an input or constant buffer."""
    if var in memo:
        return memo[var]
    if var.owner is None:
        memo[var] = True
        return True
    node = var.owner
    op = node.op
    idx = node.outputs.index(var)
    srcs = list(op.view_map.get(idx, [])) + list(op.destroy_map.get(idx, []))
    memo[var] = any(_may_alias_input(node.inputs[i], fgraph, memo) for i in srcs)
    return memo[var]


def _view_roots(var):
    """The variables whose buffer ``var`` may share (itself and what it views)."""
    roots, stack = set(), [var]
    while stack:
        v = stack.pop()
        if v in roots:
            continue
        roots.add(v)
        if v.owner is not None:
            idx = v.owner.outputs.index(v)
            op = v.owner.op
            for i in list(op.view_map.get(idx, [])) + list(op.destroy_map.get(idx, [])):
                stack.append(v.owner.inputs[i])
    return roots


class FunctionMaker:
    """Turns inputs/outputs/updates/givens into an optimized, linked graph."""

    def __init__(self, inputs, outputs, mode=None, updates=None, givens=None,
                 no_default_updates=False, accept_inplace=False, name=None,
                 rebuild_strict=True, allow_input_downcast=None, profile=None,
                 on_unused_input=None):
        self.name = name
        self.mode = get_mode(mode)
        self.allow_input_downcast = allow_input_downcast
        self.profile = profile
        self.inputs = [_as_in(i) for i in inputs]
        seen = set()
        for k, i in enumerate(self.inputs):
            if i.variable in seen:
                raise ValueError("The input %s (index %d) appears twice in the inputs of "
                                 "theano.function" % (i.variable, k))
            seen.add(i.variable)
        self.outputs, self.output_kind, self.output_keys = _normalize_outputs(outputs)
        update_pairs = _normalize_updates(updates)
        givens = _normalize_givens(givens, rebuild_strict)
        for i in self.inputs:
            if i.update is not None:
                i.update = _update_expr_for_input(i)

        out_vars = [o.variable for o in self.outputs]
        upd_vars = [u for _, u in update_pairs]
        in_upd = [i.update for i in self.inputs if i.update is not None]
        roots = out_vars + upd_vars + in_upd
        if givens:
            roots = clone_replace(roots, givens, strict=rebuild_strict)
        # Default updates (random streams, user-set default_update) are
        # collected on the rebuilt graph until no new shared variable appears.
        updated = {v for v, _ in update_pairs}
        n_explicit = len(roots)
        if no_default_updates is not True:
            excluded = set(no_default_updates or ())
            while True:
                new = []
                for v in ancestors(roots):
                    if (isinstance(v, SharedVariable) and v not in updated and v not in excluded
                            and getattr(v, "default_update", None) is not None):
                        new.append(v)
                if not new:
                    break
                for v in new:
                    upd = _update_expr(v, v.default_update)
                    if givens:
                        upd = clone_replace(upd, givens, strict=rebuild_strict)
                    update_pairs.append((v, upd))
                    roots.append(upd)
                    updated.add(v)
        outs = roots[:len(out_vars)]
        upds = roots[len(out_vars):len(out_vars) + len(upd_vars)] + roots[n_explicit:]
        in_upds = roots[len(out_vars) + len(upd_vars):n_explicit]
        self.update_targets = [v for v, _ in update_pairs]

        explicit = [i.variable for i in self.inputs]
        needed = ancestors(roots, blockers=explicit)
        self.shared_vars = []
        for v in needed:
            if v.owner is None and v not in explicit and not isinstance(v, Constant):
                if isinstance(v, SharedVariable):
                    self.shared_vars.append(v)
                else:
                    raise MissingInputError(
                        "theano.function: the graph needs the variable %s (type %s) to compute "
                        "the outputs, but it was not given as an input, nor through givens, and "
                        "it is not shared or constant. Add it to the inputs of the function."
                        % (v, v.type))
        for v in self.update_targets:
            if v not in self.shared_vars:
                self.shared_vars.append(v)
        self._check_unused(explicit, needed, on_unused_input)

        fg_inputs = explicit + self.shared_vars
        fg_outputs = list(outs) + list(upds) + list(in_upds)
        self.n_outputs = len(outs)
        self.n_updates = len(upds)
        self.fgraph = FunctionGraph(fg_inputs, fg_outputs, clone=True)
        # In-place rewrites may only overwrite inputs declared In(..., mutable=True).
        self.fgraph.mutable_inputs = {v for spec, v in zip(self.inputs, self.fgraph.inputs)
                                      if spec.mutable}
        self.fgraph.update_mapping = {
            self.n_outputs + k: len(explicit) + self.shared_vars.index(v)
            for k, v in enumerate(self.update_targets)}
        self._check_inplace(accept_inplace)
        self.mode.optimize(self.fgraph, self)
        self._finish()

    def _check_inplace(self, accept_inplace):
        """Ops of the user's graph that overwrite an input need ``accept_inplace=True``,
        and even then may only destroy what is safe to destroy."""
        destroyers = [n for n in self.fgraph.toposort() if n.op.destroy_map]
        if not destroyers:
            return
        if not accept_inplace:
            node = destroyers[0]
            trace = getattr(node.tag, "trace", None)
            raise TypeError(
                "The graph given to theano.function contains an operation that overwrites one "
                "of its inputs: %s. Pass accept_inplace=True to theano.function to allow it "
                "(Theano then checks that no shared variable or other reader of that buffer is "
                "affected).%s" % (node, "\nThe node was built at:\n  %s"
                                  % format_source_line(trace) if trace else ""))
        # As in Theano 1.0, the inputs the user's own graph overwrites are
        # theirs to give: they count as mutable.  Shared variables never do.
        for node in destroyers:
            for ins in node.op.destroy_map.values():
                for i in ins:
                    root = view_root(node.inputs[i])
                    if root in self.fgraph.inputs and not isinstance(root, SharedVariable):
                        self.fgraph.mutable_inputs.add(root)
        add_destroy_handler(self.fgraph).validate(self.fgraph)

    @staticmethod
    def _check_unused(explicit, needed, on_unused_input):
        policy = on_unused_input or config.on_unused_input
        needed_set = set(needed)
        for k, v in enumerate(explicit):
            if v in needed_set or policy == "ignore":
                continue
            msg = ("theano.function was asked to create a function computing outputs given "
                   "certain inputs, but the provided input variable at index %d is not part of "
                   "the computational graph needed to compute the outputs: %s.\nTo make this "
                   "error into a warning, you can pass the parameter on_unused_input='warn' to "
                   "theano.function. To disable it completely, use on_unused_input='ignore'."
                   % (k, v))
            if policy == "warn":
                import warnings
                warnings.warn(msg, stacklevel=4)
            else:
                raise UnusedInputError(msg)

    def _insert_deep_copies(self):
        """Theano 1.0's ``insert_deepcopy``: a ``DeepCopyOp`` on each output that could
        be the buffer of an input, a constant or another output.

        An alias is allowed only when both sides are borrowed (``Out(borrow=True)``
        and ``In(borrow=True)``; shared variables count as borrowed), and an
        output may be the old value of a shared variable that the call updates.
        """
        fg = self.fgraph
        n = self.n_outputs
        # Explicit inputs are borrowed as declared; shared state counts as borrowed.
        borrowed = {v: spec.borrow for spec, v in zip(self.inputs, fg.inputs)}
        fg_inputs = set(fg.inputs)
        updated = {fg.inputs[k] for k in fg.update_mapping.values()}
        roots = [_view_roots(v) for v in fg.outputs]
        for i in range(n):
            v = fg.outputs[i]
            if v.owner is not None and isinstance(v.owner.op, DeepCopyOp):
                continue
            out_borrow = self.outputs[i].borrow
            # (Update values are borrowed outputs.)
            copy = any(roots[i] & roots[j]
                       and not (out_borrow and (j >= n or self.outputs[j].borrow))
                       for j in range(i + 1, len(fg.outputs)))
            for r in roots[i]:
                if copy or r.owner is not None or r in updated:
                    continue
                if r in fg_inputs:
                    copy = not (out_borrow and borrowed.get(r, True))
                elif isinstance(r, Constant):
                    copy = not out_borrow
            if copy:
                fg.change_input("output", i, deep_copy_op(v), reason="insert_deepcopy")
                roots[i] = set()

    def _finish(self):
        """Link the graph (after rewriting) and precompute per-output copy needs."""
        self._insert_deep_copies()
        fg = self.fgraph
        memo = {}
        # A returned array must not be the new value of a shared variable
        # either: the user could then modify the shared value through it.
        update_roots = {r for v in fg.outputs[self.n_outputs:] for r in _view_roots(v)}
        self.output_needs_copy = [
            (not o.borrow) and bool(_view_roots(v) & update_roots)
            for o, v in zip(self.outputs, fg.outputs[:self.n_outputs])]
        self.update_needs_copy = [
            _may_alias_input(v, fg, memo) for v in fg.outputs[self.n_outputs:]]
        self.program = self.mode.link(fg)

    def create(self):
        return Function(self)

    def __getstate__(self):
        d = self.__dict__.copy()
        d.pop("program")
        d["fgraph"] = (self.fgraph.inputs, self.fgraph.outputs, self.fgraph.update_mapping)
        return d

    def __setstate__(self, d):
        ins, outs, um = d["fgraph"]
        d["fgraph"] = FunctionGraph(ins, outs, clone=False, update_mapping=um)
        self.__dict__.update(d)
        self.program = self.mode.link(self.fgraph)


def _update_expr_for_input(inp):
    expr = inp.update
    if not isinstance(expr, Variable):
        expr = inp.variable.type.filter_variable(expr)
    if expr.type != inp.variable.type:
        raise TypeError("In(%s, update=...) has type %s but the update has type %s"
                        % (inp.variable, inp.variable.type, expr.type))
    return expr


class Function:
    """A compiled Theano function; call it with values for its inputs.

    Attributes
    ----------
    maker : FunctionMaker
        Holds the optimized graph (``f.maker.fgraph``) and the input specs.
    """

    def __init__(self, maker, containers=None, shared_vars=None):
        self.maker = maker
        self.name = maker.name
        self.shared_vars = list(shared_vars if shared_vars is not None else maker.shared_vars)
        self.input_specs = maker.inputs
        n = len(self.input_specs)
        if containers is None:
            containers = [
                Container(i.variable.type, [self._filter(k, i.value)] if i.has_value
                          else [None], name=i.name, strict=i.strict,
                          allow_downcast=self._downcast(i))
                for k, i in enumerate(self.input_specs)]
        self.input_containers = containers
        self._has_default = [i.has_value for i in self.input_specs]
        self._stateful = [k for k, i in enumerate(self.input_specs) if i.update is not None]
        self._plain_inputs = [k for k in range(n) if k not in self._stateful]
        self._name_to_index = {}
        for k, i in enumerate(self.input_specs):
            if i.name is not None:
                if i.name in self._name_to_index:
                    self._name_to_index[i.name] = None  # ambiguous
                else:
                    self._name_to_index[i.name] = k
        self._n_in = n
        self._frames = []
        self._uses_updates = bool(maker.n_updates or self._stateful)
        self.profile = maker.profile
        self.trust_input = False
        self._fast = self._fast_caller()
        # Shared values a device backend (JAX) left on its device are brought back to the
        # host before this function reads them, unless it runs on that device itself.
        self._host_containers = (
            [v.container for v in self.shared_vars]
            + [self.input_containers[k] for k in self._stateful]
            if not getattr(maker.program, "keeps_device_values", False) else [])

    # -- helpers --------------------------------------------------------------
    def _downcast(self, spec):
        if spec.allow_downcast is not None:
            return spec.allow_downcast
        return self.maker.allow_input_downcast

    def _filter(self, k, value):
        spec = self.input_specs[k]
        try:
            return spec.variable.type.filter(value, strict=spec.strict,
                                             allow_downcast=self._downcast(spec))
        except (TypeError, ValueError) as exc:
            fname = (' with name "%s"' % self.name) if self.name else ""
            raise type(exc)(
                'Bad input argument%s to theano function%s at index %d (0-based).\n'
                'The input is %s (expected %s).\n%s'
                % ((' with name "%s"' % spec.name) if spec.name else "", fname, k,
                   spec.variable, spec.variable.type, exc)) from None

    def _fast_caller(self):
        """A callable running whole calls with positional ndarray arguments in C
        (:meth:`theano.link.c.linker.CProgram.fast_caller`, under the update lock when the
        function has updates), or None."""
        maker = self.maker
        make = getattr(maker.program, "fast_caller", None)
        caller = None
        if make is not None and not self._stateful and maker.output_kind != "dict" and (
                not self.profile):
            cells = [None] * self._n_in + [v.container.storage for v in self.shared_vars]
            caller = make([i.variable.type for i in self.input_specs], cells,
                          maker.output_needs_copy, maker.output_kind == "single",
                          [v.container.storage for v in self.shared_vars_for_updates()],
                          maker.update_needs_copy,
                          [not i.strict for i in self.input_specs])
        self._caller = caller
        if caller is not None and self._uses_updates:
            def locked(args):
                with _UPDATE_LOCK:
                    return caller(args)
            return locked
        return caller

    def _fast_failed(self, exc):
        if self._caller is None:
            raise exc
        if not isinstance(exc, Exception):  # KeyboardInterrupt...: no node to name
            self._caller.release()
            raise exc
        try:
            self.maker.program.raise_error(self._caller.frame, exc)
        finally:
            self._caller.release()

    def _new_frame(self):
        cells = [[None] for _ in range(self._n_in)]
        for k in self._stateful:
            cells[k] = self.input_containers[k].storage
        cells += [v.container.storage for v in self.shared_vars]
        return self.maker.program.new_frame(cells)

    # -- calling ------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if self._host_containers and ON_DEVICE:
            bring_to_host(self._host_containers)
        fast = self._fast
        if fast is not None and not kwargs:
            # The common case in one C call (see _fast_caller); NotImplemented when an
            # argument needs the filter (conversion or error message).
            try:
                out = fast(args)
            except BaseException as exc:
                self._fast_failed(exc)
            if out is not NotImplemented:
                return out
        return self._call(args, kwargs)

    def _call(self, args, kwargs):
        if kwargs or len(args) != self._n_in or self._stateful:
            values = self._bind(args, kwargs)
        else:
            values = args
        try:
            frame = self._frames.pop()
        except IndexError:
            frame = self._new_frame()
        cells = frame.cells
        try:
            for k, v in enumerate(values):
                if v is _MISSING:
                    if k in self._stateful:
                        continue
                    cells[k][0] = self.input_containers[k].storage[0]
                elif self.trust_input:
                    cells[k][0] = v
                elif k in self._stateful:
                    self.input_containers[k].storage[0] = self._filter(k, v)
                else:
                    cells[k][0] = self._filter(k, v)
            if self._uses_updates:
                with _UPDATE_LOCK:
                    outputs = self._run(frame)
            else:
                outputs = self._run(frame)
        finally:
            for k in self._plain_inputs:
                cells[k][0] = None
            self._frames.append(frame)
        return self._pack(outputs)

    def _bind(self, args, kwargs):
        """Map positional and keyword arguments to input positions (with checks)."""
        if len(args) > self._n_in:
            raise TypeError("Tried to provide %d arguments, but function%s takes at most %d "
                            "(inputs: %s)" % (len(args), self._label(), self._n_in,
                                              self._input_names()))
        values = [_MISSING] * self._n_in
        for k, a in enumerate(args):
            values[k] = a
        for key, a in kwargs.items():
            k = self._name_to_index.get(key, _MISSING)
            if k is _MISSING:
                raise TypeError("Unknown input or state: %r. The function%s has the named "
                                "inputs: %s" % (key, self._label(), self._input_names()))
            if k is None:
                raise TypeError("The input name %r is ambiguous: several inputs of function%s "
                                "have it" % (key, self._label()))
            if values[k] is not _MISSING:
                raise TypeError("Multiple values for input %r of function%s"
                                % (key, self._label()))
            values[k] = a
        for k, v in enumerate(values):
            if v is _MISSING and not self._has_default[k] and k not in self._stateful:
                raise TypeError("Missing required input: %s (index %d) of function%s"
                                % (self.input_specs[k].variable, k, self._label()))
        return values

    def _run(self, frame):
        maker = self.maker
        if self.profile:
            self.profile.run_frame(frame)
        else:
            frame.run()
        values = frame.outputs()
        frame.clear()
        n = maker.n_outputs
        outs = values[:n]
        for k in range(n):
            if maker.output_needs_copy[k] and outs[k] is not None:
                outs[k] = _copy_value(outs[k])
        if maker.n_updates or self._stateful:
            # Every value is computed before any is stored: a call that raises
            # leaves all shared state unchanged.
            for k, (var, val) in enumerate(zip(self.shared_vars_for_updates(),
                                               values[n:n + maker.n_updates])):
                if maker.update_needs_copy[k]:
                    val = _copy_value(val)
                var.container.storage[0] = val
            for j, k in enumerate(self._stateful):
                self.input_containers[k].storage[0] = values[n + maker.n_updates + j]
        return outs

    def shared_vars_for_updates(self):
        maker = self.maker
        idx = [maker.shared_vars.index(v) for v in maker.update_targets]
        return [self.shared_vars[i] for i in idx]

    def _pack(self, outs):
        kind = self.maker.output_kind
        if kind == "single":
            return outs[0]
        if kind == "dict":
            return dict(zip(self.maker.output_keys, outs))
        return outs

    def _label(self):
        return (' "%s"' % self.name) if self.name else ""

    def _input_names(self):
        return ", ".join(str(i.name or i.variable) for i in self.input_specs) or "(none)"

    # -- defaults and state by name: f['y'], f.value[y], f.container['y'] ------------
    def _input_index(self, key):
        """The position of the input ``key``: its name, variable, In, or index."""
        if isinstance(key, str):
            k = self._name_to_index.get(key, _MISSING)
            if k is None:
                raise TypeError("Ambiguous name: %s - please check the names of the inputs of "
                                "your function for duplicates." % key)
        elif isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            k = int(key) if 0 <= key < self._n_in else _MISSING
        else:
            k = next((j for j, spec in enumerate(self.input_specs)
                      if spec is key or spec.variable is key), _MISSING)
        if k is _MISSING:
            raise TypeError("Unknown input or state: %s. The function%s has the inputs: %s"
                            % (key, self._label(), self._input_names()))
        return k

    @property
    def value(self):
        """``f.value[key]``: the stored value (default or state) of an input, settable."""
        return _InputValues(self)

    @property
    def container(self):
        """``f.container[key]``: the :class:`Container` holding an input's stored value."""
        return _InputContainers(self)

    def __getitem__(self, key):
        return self.value[key]

    def __setitem__(self, key, value):
        self.value[key] = value

    # -- copy and pickle ----------------------------------------------------------------
    def copy(self, share_memory=False, swap=None, delete_updates=False, name=None,
             profile=None):
        """A new function computing the same (already optimized) graph.

        Parameters
        ----------
        share_memory : bool
            Share the storage of inputs with defaults (otherwise copied).
        swap : dict, optional
            ``{old_shared: new_shared}``: the copy uses ``new_shared`` instead.
        delete_updates : bool
            The copy does not apply any update.
        name : str, optional
        """
        maker = _copy.copy(self.maker)
        if maker.output_kind == "single":
            # As in Theano 1.0, a copy returns its outputs as a list, even a
            # single one (the documented accumulator example prints [array(0)]).
            maker.output_kind = "list"
        fg, equiv = self.maker.fgraph.clone_get_equiv()
        shared_vars = list(self.shared_vars)
        if swap:
            for old, new in swap.items():
                if old not in shared_vars:
                    raise ValueError("swap: %s is not a shared variable used by this function"
                                     % old)
                if old.type != new.type:
                    raise TypeError("swap: %s has type %s but %s has type %s"
                                    % (new, new.type, old, old.type))
                shared_vars[shared_vars.index(old)] = new
        maker.shared_vars = list(self.maker.shared_vars)
        if delete_updates:
            keep = fg.outputs[:maker.n_outputs]
            fg = type(fg)(fg.inputs, keep, clone=False)
            maker.n_updates = 0
            maker.update_targets = []
            maker.inputs = [_copy.copy(i) for i in maker.inputs]
            for i in maker.inputs:
                i.update = None
        maker.fgraph = fg
        maker.name = name if name is not None else self.maker.name
        maker._finish()
        containers = self.input_containers if share_memory else [
            Container(c.type, [_copy_value(c.storage[0])], name=c.name, strict=c.strict,
                      allow_downcast=c.allow_downcast) for c in self.input_containers]
        f = Function(maker, containers=containers, shared_vars=shared_vars)
        f._has_default = list(self._has_default)
        return f

    def __reduce__(self):
        return (_rebuild_function, (self.maker, self.input_containers, self.shared_vars,
                                    self._has_default))

    def free(self):
        """Drop the cached frames (intermediate storage)."""
        self._frames = []
        self._fast = self._fast_caller()

    def __str__(self):
        return "<theano.compile.function.Function %s>" % (self.name or "")


class _InputValues:
    """``f.value``: the stored values of a function's inputs, by name, variable or index."""

    __slots__ = ("_f",)

    def __init__(self, f):
        self._f = f

    def __getitem__(self, key):
        f = self._f
        return f.input_containers[f._input_index(key)].storage[0]

    def __setitem__(self, key, value):
        f = self._f
        k = f._input_index(key)
        f.input_containers[k].storage[0] = f._filter(k, value)
        f._has_default[k] = True

    def __contains__(self, key):
        try:
            self._f._input_index(key)
        except TypeError:
            return False
        return True


class _InputContainers(_InputValues):
    """``f.container``: the Containers of a function's inputs (``.value``, ``.storage``)."""

    __slots__ = ()

    def __getitem__(self, key):
        f = self._f
        return f.input_containers[f._input_index(key)]

    def __setitem__(self, key, value):
        raise TypeError("f.container[...] cannot be assigned: set f.container[key].value "
                        "or f[key] instead")


def _rebuild_function(maker, containers, shared_vars, has_default):
    f = Function(maker, containers=containers, shared_vars=shared_vars)
    f._has_default = has_default
    return f


_MISSING = object()


def _copy_value(v):
    if isinstance(v, np.ndarray):
        return v.copy()
    return _copy.deepcopy(v)


def function(inputs, outputs=None, mode=None, updates=None, givens=None,
             no_default_updates=False, accept_inplace=False, name=None, rebuild_strict=True,
             allow_input_downcast=None, profile=None, on_unused_input=None):
    """Compile a callable computing ``outputs`` from ``inputs``.

    Parameters
    ----------
    inputs : list of Variable or In
        The arguments, in order.
    outputs : Variable, list of Variable, or dict of Variable
        What the function returns (same structure).
    mode : str or Mode, optional
        ``'FAST_RUN'`` (default), ``'FAST_COMPILE'``, ``'DebugMode'``...
    updates : dict or list of (SharedVariable, expression) pairs
        New values of shared variables, applied after the outputs are
        computed; if the call raises, none is applied.
    givens : dict or list of (Variable, Variable) pairs
        Substitutions made in the graph before compiling.
    no_default_updates : bool or list of SharedVariable
        Skip the default updates (e.g. of random streams).
    allow_input_downcast : bool, optional
        Accept lossy casts of the arguments (None: only Python floats to floatX).
    on_unused_input : {'raise', 'warn', 'ignore'}, optional

    Examples
    --------
    >>> import theano, theano.tensor as T
    >>> x = T.dmatrix('x')
    >>> logistic = theano.function([x], 1 / (1 + T.exp(-x)))
    >>> logistic([[0, 1]]).round(4)
    array([[0.5   , 0.7311]])
    """
    if name is None:
        trace = user_source_line()
        name = "%s:%d" % (trace[0], trace[1]) if trace else None
    if not isinstance(inputs, (list, tuple)):
        raise TypeError("Input variables of a Theano function should be contained in a list, "
                        "even when there is a single input (got %r)." % (inputs,))
    from_flag = profile is None and bool(config.profile)
    if profile is None:
        profile = config.profile or None
    if profile is True or isinstance(profile, str):
        profile = ProfileStats(name=profile if isinstance(profile, str) else name)
        if from_flag:
            # As in Theano 1.0: THEANO_FLAGS=profile=True prints every profile at exit.
            print_at_exit(profile)
    maker = FunctionMaker(inputs, outputs, mode=mode, updates=updates, givens=givens,
                          no_default_updates=no_default_updates, accept_inplace=accept_inplace,
                          name=name, rebuild_strict=rebuild_strict,
                          allow_input_downcast=allow_input_downcast, profile=profile,
                          on_unused_input=on_unused_input)
    return maker.create()


def _variable_eval(self, inputs_to_values=None):
    """Compile (once, then cached) and evaluate this variable.

    ``inputs_to_values`` maps the graph's free variables to values.
    """
    inputs_to_values = dict(inputs_to_values or {})
    inputs = tuple(sorted(inputs_to_values, key=id))
    cache = self.__dict__.setdefault("_fn_cache", {})
    if inputs not in cache:
        cache[inputs] = function(list(inputs), self)
    return cache[inputs](*[inputs_to_values[i] for i in inputs])


# The graph layer knows nothing of compilation: ``Variable.eval`` (a user
# convenience from Theano 1.0) is installed here.
Variable.eval = _variable_eval
