"""The Scan op: a loop whose body is a compiled Theano function.

Layout of a ``Scan`` node (see :class:`ScanInfo`):

* outer inputs: ``[n_steps] + sequences + initial states + non-sequences``;
* outer outputs: ``states + nit_sot outputs`` (one per state, one per
  output that is not fed back);
* inner inputs: one slice per sequence tap, one value per state tap, then the
  non-sequences; inner outputs: the new value of each state, each nit_sot
  output and, for ``until`` loops, the stopping condition.

A state whose taps are ``(-1,)`` is a *sit_sot*: its initial value has the
shape of one step.  Other states are *mit_sot*: the initial value stacks the
``-min(taps)`` previous steps along a new first axis.  Every output is either
stored for all steps (``'all'``: shape ``(n_steps, ...)``) or only for the last
one (``'last'``), which is how shared-variable updates and the "save memory"
rewrite keep only what is needed.
"""
import copy
from collections import namedtuple

import numpy as np

from theano.compile.function import function
from theano.compile.io import In, Out
from theano.graph.basic import Apply, Constant, ancestors
from theano.graph.fg import FunctionGraph
from theano.graph.op import Op
from theano.graph.type import generic
from theano.link.utils import raise_with_op
from theano.tensor.basic import as_tensor_variable, cast
from theano.tensor.rewriting.shape import ShapeFeature
from theano.tensor.shape import shape_i
from theano.tensor.type import TensorType

__all__ = ["Scan", "ScanInfo"]

ScanInfo = namedtuple("ScanInfo", [
    "seq_taps",        # tuple of tuples: the taps of each sequence (order given by the user)
    "state_taps",      # tuple of tuples: the (negative) taps of each state
    "state_store",     # tuple of 'all' / 'last', one per state
    "nit_store",       # tuple of 'all' / 'last', one per nit_sot output
    "n_nonseq",        # number of non-sequence inputs
    "as_while",        # the last inner output is an `until` condition
    "go_backwards",    # sequences are read from their end
    "truncate_gradient",
    "name", "mode", "profile", "allow_gc",
])


def seq_span(taps):
    """``(lo, hi)``: the tap range of a sequence, always containing 0 (Theano 1.0)."""
    return min(min(taps), 0), max(max(taps), 0)


def is_sit_sot(taps):
    return tuple(taps) == (-1,)


def fits(inner_type, outer_type):
    """True if values of ``outer_type`` can feed an inner input of ``inner_type``."""
    if inner_type == outer_type:
        return True
    if isinstance(inner_type, TensorType) and isinstance(outer_type, TensorType):
        return (inner_type.dtype == outer_type.dtype and inner_type.ndim == outer_type.ndim
                and all(ob or not ib for ib, ob in zip(inner_type.broadcastable,
                                                       outer_type.broadcastable)))
    return False


def c_loop_error(exc, cframe, prog, context):
    """The exception of a failed C loop (``runtime.scan_loop``), ready to raise.

    When a node of the inner function failed, it names that node (its input shapes, the
    line that built it) as the VM's errors do; ``context`` says where in the loop.
    """
    k = cframe.failed_step
    values = cframe.step_inputs(k) if k >= 0 else []
    cframe.release()
    if k >= 0:
        try:
            raise_with_op(prog.nodes[k], values, exc, prog.fgraph, k)
        except Exception as worded:
            exc = worded
    _add_context(exc, context)
    exc._scan_context = True
    return exc


def _add_context(exc, text):
    """Append ``text`` to the message of ``exc`` (keeps its type and traceback)."""
    try:
        msg = str(exc.args[0]) if exc.args else ""
        exc.args = (msg + "\n" + text,) + tuple(exc.args[1:])
    except Exception:  # exceptions with read-only or unusual args
        pass


class _LoopOp(Op):
    """An op running a compiled inner function many times (Scan and its gradient).

    Each instance owns its inner graph, so it is equal only to itself.
    Subclasses set ``_fn = None`` and ``_frames = []`` in ``__init__``, give
    ``_inner_graph() -> (inputs, outputs, mode, name)`` and run the loop in
    ``_loop(node, inputs, output_storage, fn, frame)``.  The function is
    compiled on first use and the frames it runs in are reused between
    calls; neither is pickled.
    """

    _rebuilt_on_demand = ()  # further cached attributes left out of pickles
    _borrow_inner = False    # inner outputs may alias inner inputs (see _inner_function)

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)

    def __getstate__(self):
        d = self.__dict__.copy()
        d["_fn"] = None
        d["_frames"] = []
        for k in self._rebuilt_on_demand:
            d.pop(k, None)
        return d

    def _inner_function(self):
        if self._fn is None:

            inputs, outputs, mode, name = self._inner_graph()
            if self._borrow_inner:
                # The loop copies or adds every output into its buffers at once: an
                # output may alias an input (no DeepCopyOp per step).
                inputs = [In(v, borrow=True) for v in inputs]
                outputs = [Out(v, borrow=True) for v in outputs]
            self._fn = function(inputs, outputs, mode=mode, on_unused_input="ignore", name=name)
            self._fn.trust_input = True
        return self._fn

    def perform(self, node, inputs, output_storage):
        fn = self._inner_function()
        try:
            frame = self._frames.pop()
        except IndexError:
            frame = fn._new_frame()
        try:
            self._loop(node, inputs, output_storage, fn, frame)
        finally:
            # Drop the references to this call's inputs before the frame is reused.
            frame.clear()
            for k in range(len(fn.maker.inputs)):
                frame.cells[k][0] = None
            self._frames.append(frame)


class Scan(_LoopOp):
    """Loop ``n_steps`` times over a compiled inner graph (see the module doc)."""

    _rebuilt_on_demand = ("_vjp", "_grad_op", "_replay", "_pushed", "_pushed_op")

    def __init__(self, inner_inputs, inner_outputs, info):
        self.inner_inputs = list(inner_inputs)
        self.inner_outputs = list(inner_outputs)
        self.info = info
        n_in = (sum(len(t) for t in info.seq_taps) + sum(len(t) for t in info.state_taps)
                + info.n_nonseq)
        n_out = len(info.state_taps) + len(info.nit_store) + int(bool(info.as_while))
        if len(self.inner_inputs) != n_in or len(self.inner_outputs) != n_out:
            raise ValueError("Scan: the inner graph has %d inputs and %d outputs, but its "
                             "description needs %d and %d"
                             % (len(self.inner_inputs), len(self.inner_outputs), n_in, n_out))
        if len(info.state_store) != len(info.state_taps):
            raise ValueError("Scan: one store mode is needed per state")
        pos = sum(len(t) for t in info.seq_taps)
        # Inner placeholder of the first tap of each state: it defines the state type.
        self.state_types = []
        for taps in info.state_taps:
            self.state_types.append(self.inner_inputs[pos].type)
            pos += len(taps)
        self.nit_types = [o.type for o in self.inner_outputs[len(info.state_taps):
                                                             len(info.state_taps)
                                                             + len(info.nit_store)]]
        for t in self.nit_types:
            if not isinstance(t, TensorType):
                raise TypeError("Scan: an output that is not fed back must be a tensor, "
                                "got %s" % t)
        self._fn = None
        self._frames = []

    def __str__(self):
        kind = "do_while" if self.info.as_while else "for"
        return "%s{cpu,%s}" % (kind, self.info.name or "scan_fn")

    # -- counts -------------------------------------------------------------------
    @property
    def n_seqs(self):
        return len(self.info.seq_taps)

    @property
    def n_states(self):
        return len(self.info.state_taps)

    @property
    def n_nit(self):
        return len(self.info.nit_store)

    def outer_slices(self, inputs):
        """Split outer inputs into ``(n_steps, seqs, inits, nonseqs)``."""
        ns, nst = self.n_seqs, self.n_states
        return (inputs[0], list(inputs[1:1 + ns]), list(inputs[1 + ns:1 + ns + nst]),
                list(inputs[1 + ns + nst:]))

    def inner_slices(self):
        """Split inner inputs into ``(seq slices per seq, state taps per state, nonseqs)``."""
        pos, seqs, states = 0, [], []
        for taps in self.info.seq_taps:
            seqs.append(self.inner_inputs[pos:pos + len(taps)])
            pos += len(taps)
        for taps in self.info.state_taps:
            states.append(self.inner_inputs[pos:pos + len(taps)])
            pos += len(taps)
        return seqs, states, self.inner_inputs[pos:]

    @property
    def var_mappings(self):
        """``{'outer_inp_from_inner_inp': {inner index: outer index}}`` (for printing)."""
        ns, nst = self.n_seqs, self.n_states
        mapping, pos = {}, 0
        for i, taps in enumerate(self.info.seq_taps):
            for _ in taps:
                mapping[pos] = 1 + i
                pos += 1
        for j, taps in enumerate(self.info.state_taps):
            for _ in taps:
                mapping[pos] = 1 + ns + j
                pos += 1
        for k in range(self.info.n_nonseq):
            mapping[pos] = 1 + ns + nst + k
            pos += 1
        return {"outer_inp_from_inner_inp": mapping}

    def output_type(self, kind, j):
        """Outer type of state ``j`` (kind 'state') or nit_sot ``j`` (kind 'nit')."""
        if kind == "state":
            t, store = self.state_types[j], self.info.state_store[j]
        else:
            t, store = self.nit_types[j], self.info.nit_store[j]
        if store == "last":
            return t
        if isinstance(t, TensorType):
            return TensorType(t.dtype, (False,) + t.broadcastable)
        return generic  # the history of a non-tensor state is a list

    # -- graph construction -----------------------------------------------------
    def make_node(self, *inputs):

        info = self.info
        n_expected = 1 + self.n_seqs + self.n_states + info.n_nonseq
        if len(inputs) != n_expected:
            raise ValueError("%s expects %d inputs (n_steps, %d sequences, %d initial states, "
                             "%d non-sequences), got %d" % (self, n_expected, self.n_seqs,
                                                            self.n_states, info.n_nonseq,
                                                            len(inputs)))
        n_steps = as_tensor_variable(inputs[0])
        if n_steps.ndim != 0 or n_steps.dtype[:3] not in ("int", "uin"):
            raise TypeError("scan: n_steps must be an integer scalar, got %s of type %s"
                            % (n_steps, n_steps.type))
        if n_steps.dtype != "int64":
            n_steps = cast(n_steps, "int64")
        n_steps_, seqs, inits, nonseqs = self.outer_slices(list(inputs))
        in_seqs, in_states, in_nonseq = self.inner_slices()
        new_inputs = [n_steps]
        for i, (s, phs) in enumerate(zip(seqs, in_seqs)):
            s = as_tensor_variable(s)
            want = phs[0].type
            if s.ndim != want.ndim + 1 or not fits(want, TensorType(s.dtype,
                                                                    s.broadcastable[1:])):
                raise TypeError("scan: sequence %d (%s) has type %s, but the loop was built "
                                "for a sequence of %s slices" % (i, s, s.type, want))
            new_inputs.append(s)
        for j, (x, taps) in enumerate(zip(inits, info.state_taps)):
            want = self.state_types[j]
            if is_sit_sot(taps):
                if isinstance(want, TensorType):
                    x = as_tensor_variable(x)
                ok = fits(want, x.type)
            else:
                x = as_tensor_variable(x)
                ok = x.ndim == want.ndim + 1 and fits(
                    want, TensorType(x.dtype, x.broadcastable[1:]))
            if not ok:
                raise TypeError("scan: the initial state %d (%s) has type %s, which does not "
                                "fit the state type %s" % (j, x, x.type, want))
            new_inputs.append(x)
        for k, (x, ph) in enumerate(zip(nonseqs, in_nonseq)):
            if isinstance(ph.type, TensorType):
                x = as_tensor_variable(x)
            if not fits(ph.type, x.type):
                raise TypeError("scan: non-sequence %d (%s) has type %s, but the loop was "
                                "built for %s" % (k, x, x.type, ph.type))
            new_inputs.append(x)
        outputs = ([self.output_type("state", j)() for j in range(self.n_states)]
                   + [self.output_type("nit", j)() for j in range(self.n_nit)])
        return Apply(self, new_inputs, outputs)

    # -- compiled inner function ---------------------------------------------------
    def _inner_graph(self):
        return (self.inner_inputs, self.inner_outputs, self.info.mode,
                "scan_fn:%s" % (self.info.name or "scan_fn"))

    def _label(self):
        return " '%s'" % self.info.name if self.info.name else ""

    # -- execution -------------------------------------------------------------------
    def _loop(self, node, inputs, output_storage, fn, frame):
        info = self.info
        n_steps = int(inputs[0])
        if n_steps < 0:
            raise IndexError("Scan%s was asked to run for a negative number of steps (%d)"
                             % (self._label(), n_steps))
        _, seqs, inits, nonseqs = self.outer_slices(inputs)
        cells = frame.cells
        prog = fn.maker.program
        out_idx = prog.output_idx
        needs_copy = fn.maker.output_needs_copy
        pos = 0

        seq_plan = []
        for i, (seq, taps) in enumerate(zip(seqs, info.seq_taps)):
            lo, hi = seq_span(taps)
            avail = seq.shape[0] - (hi - lo)
            if avail < n_steps:
                raise ValueError(
                    "Scan%s: sequence %d (%s) has %d elements along its first axis; with "
                    "taps %s it can feed %d steps, but %d steps were asked (n_steps)."
                    % (self._label(), i, node.inputs[1 + i], seq.shape[0], list(taps),
                       max(avail, 0), n_steps))
            for k in taps:
                if info.go_backwards:
                    seq_plan.append((cells[pos], seq, seq.shape[0] - 1 - hi + k, -1))
                else:
                    seq_plan.append((cells[pos], seq, k - lo, 1))
                pos += 1

        states = []
        for j, (init, taps, store) in enumerate(zip(inits, info.state_taps,
                                                    info.state_store)):
            st = _StateBuffer(self, node, j, init, taps, store, n_steps)
            st.cells = [cells[pos + q] for q in range(len(taps))]
            pos += len(taps)
            states.append(st)
        for x in nonseqs:
            cells[pos][0] = x
            pos += 1

        n_states = len(states)
        n_nit = self.n_nit
        out_cells = [cells[i] for i in out_idx]
        # Fast path for the common case: tensor states keeping every step.
        fast_feed, fast_store, ring_feed, ring_store, slow = [], [], [], [], []
        for j, st in enumerate(states):
            if st.tensor and st.mode == "all":
                fast_feed += [(c, st.buf, off) for c, off in zip(st.cells, st.offsets)]
                fast_store.append((out_cells[j], st.buf, st.L, st.row_shape, st))
            elif st.tensor:
                ring_feed += [(c, st.buf, off, st.L) for c, off in zip(st.cells, st.offsets)]
                ring_store.append((out_cells[j], st.buf, st.L, st.row_shape, st,
                                   needs_copy[j]))
            else:
                slow.append((j, st, out_cells[j], needs_copy[j]))
        nit_plan = [(m, out_cells[n_states + m], info.nit_store[m] == "all",
                     needs_copy[n_states + m]) for m in range(n_nit)]
        nit_bufs = [None] * n_nit
        nit_last = [None] * n_nit
        cond_cell = out_cells[-1] if info.as_while else None
        cframe = getattr(frame, "_frame", None)
        if cframe is not None and not slow:
            # The inner function runs in the C VM: loop in C too.
            index = frame.cell_index()
            feeds = [(index[id(c)], arr, base, sign, 0) for c, arr, base, sign in seq_plan]
            feeds += [(index[id(c)], buf, off, 1, 0) for c, buf, off in fast_feed]
            feeds += [(index[id(c)], buf, off, 1, L) for c, buf, off, L in ring_feed]
            stores = [(index[id(c)], buf, L, 1, 0) for c, buf, L, _, _ in fast_store]
            stores += [(index[id(c)], buf, 0, 1, L) for c, buf, L, _, _, _ in ring_store]
            nits = [(index[id(c)], int(keep), np.dtype(self.nit_types[m].dtype).num)
                    for m, c, keep, _ in nit_plan]
            hoist, contig = prog.loop_invariants(f[0] for f in feeds)
            try:
                steps_done, nit_vals = prog.runtime.scan_loop(
                    cframe, 0, n_steps, 1, feeds, stores, nits,
                    index[id(cond_cell)] if cond_cell is not None else -1, hoist, contig)
            except Exception as exc:
                t = getattr(exc, "__theano_scan_step__", -1)
                store = getattr(exc, "__theano_scan_store__", None)
                if store is not None:  # a new state of the wrong shape: say which
                    st = [s[4] for s in fast_store + ring_store][store]
                    try:
                        st.store(t, np.empty(exc.__theano_scan_shape__), False)
                    except ValueError as worded:
                        exc = worded
                raise c_loop_error(exc, cframe, prog, "This error happened inside scan%s at "
                                   "step %d (of at most %d)." % (self._label(), t, n_steps))
            for m, v in enumerate(nit_vals):
                if info.nit_store[m] == "all":
                    nit_bufs[m] = v
                else:
                    nit_last[m] = v
        else:
            steps_done = self._python_loop(n_steps, seq_plan, fast_feed, ring_feed, slow,
                                           fast_store, ring_store, nit_plan, nit_bufs,
                                           nit_last, cond_cell, frame)
        self._finish(states, steps_done, nit_bufs, nit_last, output_storage)

    def _python_loop(self, n_steps, seq_plan, fast_feed, ring_feed, slow, fast_store,
                     ring_store, nit_plan, nit_bufs, nit_last, cond_cell, frame):
        """The loop in Python (non-tensor states, or an inner function without C VM)."""
        n_states = len(self.info.state_taps)
        run = frame.run
        steps_done = n_steps
        t = -1
        try:
            for t in range(n_steps):
                for cell, arr, base, sign in seq_plan:
                    cell[0] = arr[base + sign * t]
                for cell, buf, off in fast_feed:
                    cell[0] = buf[t + off]
                for cell, buf, off, L in ring_feed:
                    cell[0] = buf[(t + off) % L]
                for _, st, _, _ in slow:
                    st.feed(t)
                run()
                for cell, buf, L, shape, st in fast_store:
                    v = cell[0]
                    if v.shape != shape:
                        st.store(t, v, False)  # raises the shape error
                    buf[L + t] = v
                for cell, buf, L, shape, st, may_alias in ring_store:
                    v = cell[0]
                    if v.shape != shape:
                        st.store(t, v, False)  # raises the shape error
                    # A value may be a view of a ring row overwritten in this step.
                    buf[t % L] = v.copy() if may_alias else v
                for _, st, cell, may_alias in slow:
                    st.store(t, cell[0], may_alias)
                for m, cell, keep_all, may_alias in nit_plan:
                    v = cell[0]
                    if keep_all:
                        buf = nit_bufs[m]
                        if buf is None:
                            buf = nit_bufs[m] = np.empty((n_steps,) + np.shape(v),
                                                         dtype=self.nit_types[m].dtype)
                        elif np.shape(v) != buf.shape[1:]:
                            raise ValueError(
                                "Scan%s: output %d of fn (not fed back) has shape %s at step "
                                "%d but had shape %s at step 0; every step must return the "
                                "same shape." % (self._label(), n_states + m, np.shape(v), t,
                                                 buf.shape[1:]))
                        buf[t] = v
                    else:
                        nit_last[m] = np.array(v) if may_alias else v
                if cond_cell is not None and cond_cell[0]:
                    steps_done = t + 1
                    break
        except Exception as exc:
            if not getattr(exc, "_scan_context", False):
                _add_context(exc, "This error happened inside scan%s at step %d (of at most "
                                  "%d)." % (self._label(), t, n_steps))
                exc._scan_context = True
            raise
        return steps_done

    def _finish(self, states, steps_done, nit_bufs, nit_last, output_storage):
        info = self.info
        n_states = len(states)
        for j, st in enumerate(states):
            output_storage[j][0] = st.result(steps_done)
        for m in range(self.n_nit):
            if info.nit_store[m] == "all":
                buf = nit_bufs[m]
                if buf is None:
                    t_ = self.nit_types[m]
                    buf = np.zeros((0,) + tuple(1 if b else 0 for b in t_.broadcastable),
                                   dtype=t_.dtype)
                output_storage[n_states + m][0] = buf[:steps_done]
            else:
                if steps_done == 0:
                    raise IndexError("Scan%s ran 0 steps: output %d has no last value"
                                     % (self._label(), n_states + m))
                output_storage[n_states + m][0] = nit_last[m]

    # -- shapes and gradients ----------------------------------------------------------
    def infer_shape(self, fgraph, node, input_shapes):

        n = node.inputs[0]
        ns = self.n_seqs
        shapes = []
        for j, taps in enumerate(self.info.state_taps):
            out = node.outputs[j]
            if not isinstance(self.state_types[j], TensorType):
                shapes.append(None)
                continue
            ishape = input_shapes[1 + ns + j]
            row = tuple(ishape) if is_sit_sot(taps) else tuple(ishape[1:])
            if self.info.state_store[j] == "last":
                shapes.append(row)
            elif self.info.as_while:
                shapes.append((shape_i(out, 0),) + row)
            else:
                shapes.append((n,) + row)
        inner = self._inner_shapes(input_shapes)
        for m in range(self.n_nit):
            out = node.outputs[self.n_states + m]
            row = inner[self.n_states + m] if inner is not None else None
            if row is None:
                shapes.append(tuple(shape_i(out, d) for d in range(out.type.ndim)))
            elif self.info.nit_store[m] == "last":
                shapes.append(row)
            elif self.info.as_while:
                shapes.append((shape_i(out, 0),) + row)
            else:
                shapes.append((n,) + row)
        return shapes

    def _inner_shapes(self, input_shapes):
        """Shapes of one step of each inner output in terms of outer variables, or None.

        Each entry is None when the shape depends on values computed in the loop.
        """
        ns, nst = self.n_seqs, self.n_states
        in_seqs, in_states, in_nonseq = self.inner_slices()
        known = {}
        for i, phs in enumerate(in_seqs):
            for p in phs:
                known[p] = tuple(input_shapes[1 + i][1:])
        for j, phs in enumerate(in_states):
            sh = input_shapes[1 + ns + j]
            if sh is None:
                continue
            row = tuple(sh) if is_sit_sot(self.info.state_taps[j]) else tuple(sh[1:])
            for p in phs:
                known[p] = row
        for k, p in enumerate(in_nonseq):
            if input_shapes[1 + ns + nst + k] is not None:
                known[p] = tuple(input_shapes[1 + ns + nst + k])
        feature = ShapeFeature()
        feature.shape_of.update(known)
        try:
            fg = FunctionGraph(self.inner_inputs, self.inner_outputs, clone=False)
            fg.attach_feature(feature)
        except Exception:
            return None
        inner_vars = set(fg.variables)
        result = []
        for o in self.inner_outputs:
            sh = feature.shape_of.get(o)
            if sh is None or any(v in inner_vars and not isinstance(v, Constant)
                                 for v in ancestors(list(sh))):
                result.append(None)
            else:
                result.append(tuple(sh))
        return result

    def inner_dependencies(self):
        """For each inner output, the set of inner-input positions it depends on."""
        index = {v: k for k, v in enumerate(self.inner_inputs)}
        deps = []
        for o in self.inner_outputs:
            deps.append({index[v] for v in ancestors([o], blockers=self.inner_inputs)
                         if v in index})
        return deps



class _StateBuffer:
    """Storage of one state during a loop: feeds its taps, stores each new value."""

    __slots__ = ("op", "node", "j", "taps", "L", "mode", "tensor", "buf", "row_shape",
                 "vals", "hist", "cells", "n_steps", "offsets")

    def __init__(self, op, node, j, init, taps, store, n_steps):
        self.op, self.node, self.j = op, node, j
        self.taps, self.mode, self.n_steps = taps, store, n_steps
        L = self.L = -min(taps)
        self.tensor = isinstance(op.state_types[j], TensorType)
        sit = is_sit_sot(taps)
        if not sit and (not hasattr(init, "shape") or init.ndim < 1 or init.shape[0] < L):
            raise ValueError(
                "Scan%s: the initial value of state %d (%s) must stack the %d previous steps "
                "used by taps %s along its first axis, but it has shape %s."
                % (op._label(), j, node.inputs[1 + op.n_seqs + j], L, list(taps),
                   np.shape(init)))
        if self.tensor:
            rows = init[None] if sit else init[:L]
            self.row_shape = rows.shape[1:]
            dtype = op.state_types[j].dtype
            if store == "all":
                self.buf = np.empty((L + n_steps,) + self.row_shape, dtype=dtype)
                self.offsets = [L + k for k in taps]
            else:
                self.buf = np.empty((L,) + self.row_shape, dtype=dtype)
                self.offsets = [k for k in taps]
            self.buf[:L] = rows
        else:
            self.vals = [init] if sit else list(init[:L])
            self.hist = [] if store == "all" else None

    def feed(self, t):
        if self.tensor:
            buf = self.buf
            if self.mode == "all":
                for cell, off in zip(self.cells, self.offsets):
                    cell[0] = buf[t + off]
            else:
                L = self.L
                for cell, off in zip(self.cells, self.offsets):
                    cell[0] = buf[(t + off) % L]
        else:
            L = self.L
            for cell, k in zip(self.cells, self.taps):
                cell[0] = self.vals[L + k]

    def store(self, t, v, may_alias):
        if self.tensor:
            if np.shape(v) != self.row_shape:
                op = self.op
                raise ValueError(
                    "Scan%s: at step %d, fn returned a value of shape %s for output %d, but "
                    "that output is a state whose initial value (%s) has steps of shape %s. "
                    "The value returned for a state must keep the shape of its initial "
                    "state." % (op._label(), t, np.shape(v), self.j,
                                self.node.inputs[1 + op.n_seqs + self.j], self.row_shape))
            if self.mode == "all":
                self.buf[self.L + t] = v
            else:
                # A value may be a view of another ring row overwritten in this step.
                self.buf[t % self.L] = np.array(v) if may_alias else v
        else:
            self.vals.append(v)
            del self.vals[0]
            if self.hist is not None:
                self.hist.append(copy.deepcopy(v))

    def result(self, steps_done):
        L = self.L
        if self.tensor:
            if self.mode == "all":
                return self.buf[L:L + steps_done]
            # np.array: a row of a 1-d buffer is a NumPy scalar, not a 0-d array
            return np.array(self.buf[(steps_done - 1) % L])
        if self.mode == "all":
            return list(self.hist)
        v = self.vals[-1]
        return copy.deepcopy(v) if steps_done == 0 else v
