"""Differentiating scan: back-propagation through time (L_op) and forward mode (R_op).

The backward pass is a :class:`ScanGrad` node: a loop running from the last
step to the first (or to ``n_steps - truncate_gradient``) that calls, at each
step, the compiled vector-Jacobian product of the step function.  Gradients
reaching a past value of a state (taps ``-1``, ``-2``...) are accumulated in a
buffer and added to the gradient of that state when the loop reaches it.

The forward mode (R_op) is a new scan whose states carry the tangents next to
the values.

Second derivatives: ScanGrad's own L_op and R_op rewrite its loop as a
regular Scan computing the same values (:func:`backward_as_scan`) and
differentiate that, so gradients of gradients (Hessians, Hessian-vector
products, third derivatives...) work; first-order gradients keep the fast
ScanGrad loop.
"""
import copy

import numpy as np

import theano.tensor as T
from theano import gradient
from theano.configparser import change_flags, config
from theano.graph.basic import Apply
from theano.graph.replace import clone_replace
from theano.graph.rules import register_connection_pattern, register_grad, register_rop
from theano.scan.basic import scan
from theano.scan.op import Scan, _add_context, _LoopOp, c_loop_error, is_sit_sot, seq_span
from theano.scan.utils import safe_new
from theano.tensor.basic import cast, zeros_like
from theano.tensor.elemwise import DimShuffle, Sum
from theano.tensor.math import Dot
from theano.tensor.shape import shape_i, unbroadcast
from theano.tensor.type import TensorType

__all__ = ["ScanGrad", "scan_L_op", "scan_R_op"]

_DIFF_DTYPES = ("float16", "float32", "float64", "complex64", "complex128")


def _differentiable(t):
    return isinstance(t, TensorType) and t.dtype in _DIFF_DTYPES


def _vjp_graph(op):
    """The step's vector-Jacobian product, built once per Scan op.

    Returns ``(out_positions, g_placeholders, wrt_positions, grads)``: the
    inner outputs that receive a gradient, their gradient placeholders, the
    inner inputs differentiated and their gradients.
    """
    cached = getattr(op, "_vjp", None)
    if cached is not None:
        return cached

    n_diff_out = op.n_states + op.n_nit
    out_types = list(op.state_types) + list(op.nit_types)
    out_pos = [k for k in range(n_diff_out)
               if _differentiable(out_types[k]) and _differentiable(op.inner_outputs[k].type)]
    g_phs = []
    known = {}
    for k in out_pos:
        o = op.inner_outputs[k]
        g = o.type()
        g.name = "g_out%d" % k
        g_phs.append(g)
        # Seed the gradient on a copy: an output may also feed another output (e.g.
        # ``return [a, sin(a)]``), and a known gradient on ``a`` itself would hide the
        # part coming back through ``sin(a)``.
        known[o.copy()] = g
    wrt_pos = [p for p, v in enumerate(op.inner_inputs) if _differentiable(v.type)]
    wrt = [op.inner_inputs[p] for p in wrt_pos]

    # The inner placeholders have no test values: build the inner graph without them.
    with change_flags(compute_test_value="off"):
        if wrt and known:
            grads = gradient.grad(None, wrt, known_grads=known, disconnected_inputs="ignore",
                                  return_disconnected="zero")
        else:
            grads = [zeros_like(w) for w in wrt]
        grads = [g if g.type.dtype == w.type.dtype else cast(g, w.type.dtype)
                 for g, w in zip(grads, wrt)]
    op._vjp = (out_pos, g_phs, wrt_pos, list(grads))
    return op._vjp


def _row_source(cell, feed, acc_plan):
    """Where the values of ``cell`` over a backward loop are kept, one row per step:
    ``((0, j), (arr, base, sign))`` when feed j gives them, ``((1, j), (...))`` when store
    j (``acc_plan``, mode 0) keeps them, else None."""
    for j, (c, arr, base, sign) in enumerate(feed):
        if c is cell:
            return (0, j), (arr, base, sign)
    for j, (c, tg, base, sign, mode) in enumerate(acc_plan):
        if c is cell and mode == 0:
            return (1, j), (tg, base, sign)
    return None


def _loop_rows(src, t_stop, n_done):
    """The values a cell takes at steps t = t_stop .. n_done - 1 of a backward loop, as a
    list of arrays of rows in that order, from the array ``src`` = (arr, base, sign) of
    _row_source that holds them (None: not as arrays)."""
    arr, base, sign = src
    pre = None
    if isinstance(arr, _Prefixed):
        pre, arr = arr.pre, arr.arr
    if sign not in (1, -1) or not isinstance(arr, np.ndarray) or arr.ndim < 2:
        return None
    first, last = base + sign * t_stop, base + sign * (n_done - 1)
    lo, hi = min(first, last), max(first, last)
    npre = 0 if pre is None else len(pre)
    pieces = []
    if lo < npre:
        pieces.append(pre[lo:min(hi + 1, npre)])
    if hi >= npre:
        pieces.append(arr[max(lo, npre) - npre:hi + 1 - npre])
    if sign < 0:
        pieces = [q[::-1] for q in reversed(pieces)]
    return pieces


class _Prefixed:
    """Rows of a state kept as two arrays of the same row layout instead of one joined
    copy: ``pre``, the rows of its initial values, then ``arr``, the rows of its steps
    (its history; or, for its gradient, the output gradient itself, which this op may
    overwrite: see ScanGrad.inplace_version).  The C loop takes ``pre`` as a prefix."""

    def __init__(self, pre, arr):
        self.pre, self.arr = pre, arr


def _row(arr, r):
    """Row ``r`` of an array, a list or a _Prefixed."""
    if isinstance(arr, _Prefixed):
        n = len(arr.pre)
        return arr.pre[r] if r < n else arr.arr[r - n]
    return arr[r]


def _c_rows(cell, arr, base, sign, mod=0, mode=0):
    """A feed or store of runtime.scan_loop: (cell, array, base, sign, mod, mode[, prefix])."""
    if isinstance(arr, _Prefixed):
        return (cell, arr.arr, base, sign, mod, mode, arr.pre)
    return (cell, arr, base, sign, mod, mode)


def _rows_c_contiguous(a):
    s = a.itemsize
    for n, st in zip(a.shape[:0:-1], a.strides[:0:-1]):
        if n != 1 and st != s:
            return False
        s *= n
    return True


def _add_sum(target, v, axes, leading):
    """target += sum of ``v`` over ``axes`` of a step's value (and over its ``leading``
    step axis), shaped as ``target`` (which may keep the summed axes as broadcastable)."""
    axis = tuple(range(leading)) + tuple(a + leading for a in axes)
    if v.dtype == np.float64 and axis == tuple(range(len(axis))) and v.ndim > len(axis):
        # the leading axes: one matrix-vector product with ones (NumPy's BLAS), 3x
        # faster than np.sum over the rows of a tall matrix
        rows = v.reshape(int(np.prod(v.shape[:len(axis)])), -1)
        target += np.dot(np.ones(rows.shape[0]), rows).reshape(target.shape)
        return
    acc = np.float64 if v.dtype == np.float32 else None   # as Sum accumulates float32
    target += np.sum(v, axis=axis, dtype=acc).reshape(target.shape)


def _aligned(a, b):
    """Pairs of equal-length pieces of two lists of row blocks covering the same rows."""
    a, b = list(a), list(b)
    while a and b:
        n = min(len(a[0]), len(b[0]))
        if n:
            yield a[0][:n], b[0][:n]
        a[0], b[0] = a[0][n:], b[0][n:]
        if not len(a[0]):
            a.pop(0)
        if b and not len(b[0]):
            b.pop(0)


def _transposed_product(g):
    """``(a, b)`` when ``g`` is ``dot(a.T, b)`` of two matrices of its dtype, else None.

    That is the gradient of ``dot(a, W)`` with respect to a weight matrix ``W`` used
    inside a loop: summed over the steps, it is one product of the stacked rows.
    """
    node = g.owner
    if node is None or not isinstance(node.op, Dot) or g.ndim != 2:
        return None
    at, b = node.inputs
    ds = at.owner
    if ds is None or not isinstance(ds.op, DimShuffle) or ds.op.new_order != (1, 0):
        return None
    a = ds.inputs[0]
    if a.ndim != 2 or b.ndim != 2 or not a.type.dtype == b.type.dtype == g.type.dtype:
        return None
    return a, b


def _summed(g):
    """``(v, axes)`` when ``g`` is ``sum(v, axes)`` of its dtype, possibly made broadcastable
    again by a ``DimShuffle`` that only inserts dimensions; else None.

    That is the gradient of a bias added with broadcasting inside a loop: summed over the
    steps, it is one sum over the stacked rows of ``v``.
    """
    node = g.owner
    s = g
    if node is not None and isinstance(node.op, DimShuffle):
        x = node.inputs[0]
        if [d for d in node.op.new_order if d != "x"] != list(range(x.ndim)):
            return None
        s = x
    node = s.owner
    if node is None or type(node.op) is not Sum:
        return None
    v = node.inputs[0]
    if v.ndim < 1 or v.type.dtype != g.type.dtype or node.op.dtype not in (None, g.type.dtype):
        return None
    axes = tuple(range(v.ndim)) if node.op.axis is None else tuple(node.op.axis)
    return v, axes


class ScanGrad(_LoopOp):
    """Back-propagation through the loop of a :class:`Scan` op.

    Inputs: ``[n_done] + sequences + initial states + non-sequences + state
    histories + output gradients`` (one per differentiable output of the
    forward op).  Outputs: the gradients of the differentiable sequences,
    initial states and non-sequences, in that order.
    """

    # Every output of the step is added into an accumulator or copied into a buffer of
    # its own right away (_c_loop, _python_loop): aliases of the step's inputs are safe.
    _borrow_inner = True

    def __init__(self, fwd, skip=(), saved=()):
        """``skip``: outer positions of sequences and non-sequences whose gradient is not
        wanted (the rewrite ``scan_grad_prune`` sets it from the unused outputs); the
        loop then neither computes nor accumulates it.

        ``saved``: values of the forward step that the loop reads instead of computing
        them again (the rewrite ``scan_save_forward`` sets it), as ``(var, source)``
        pairs: ``var`` is a variable of the forward step's graph, ``source`` is ``j``
        when ``var`` is the new value of state ``j`` (read from that state's history)
        or None when the forward loop returns it as an extra per-step output, given
        to this op as an input after the output gradients.
        """
        self.fwd = fwd
        self.out_pos, self.g_phs, self.wrt_pos, self.vjp_outs = _vjp_graph(fwd)
        # the product as written, computing the forward values again (used to
        # differentiate this op, backward_as_scan, and by the JAX rule)
        self.vjp_full = self.vjp_outs
        self.saved = tuple(saved)
        self.saved_phs = []
        if self.saved:
            # The step's values come from the forward loop: placeholders fed per step
            # stand for them in the vector-Jacobian product.
            for var, _ in self.saved:
                ph = var.type()
                ph.name = "saved_%s" % (var.name or "value")
                self.saved_phs.append(ph)
            self.vjp_outs = clone_replace(
                self.vjp_outs, dict(zip([v for v, _ in self.saved], self.saved_phs)))
        self.n_saved_in = sum(1 for _, src in self.saved if src is None)
        info = fwd.info
        # Which outer inputs get a gradient (1-based outer position of the forward node).
        ns, nst = fwd.n_seqs, fwd.n_states
        in_seqs, in_states, in_nonseq = fwd.inner_slices()
        self.skip = frozenset(skip)
        self.diff_outer = ([1 + i for i, phs in enumerate(in_seqs)
                            if _differentiable(phs[0].type) and 1 + i not in self.skip]
                           + [1 + ns + j for j in range(nst)
                              if _differentiable(fwd.state_types[j])]
                           + [1 + ns + nst + k for k, ph in enumerate(in_nonseq)
                              if _differentiable(ph.type) and 1 + ns + nst + k not in self.skip])
        self.truncate = info.truncate_gradient
        # Gradients of weight matrices of the form dot(a.T, b) per step are not summed
        # step by step: the loop keeps a and b of every step, and one product of the
        # stacked rows gives the sum after the loop (a large product instead of many
        # small ones plus an addition of the whole matrix per step).
        nonseq = set(in_nonseq)
        wanted = set(self.diff_outer)
        # Likewise a bias's gradient sum(v, axes) per step is one sum over the stacked rows
        # of v after the loop.
        self.pushed = []        # (index in vjp_outs, index of a's output in loop_outs)
        self.summed = []        # (index in vjp_outs, index of v's output in loop_outs, axes)
        keep = []
        for q, (p, g) in enumerate(zip(self.wrt_pos, self.vjp_outs)):
            outer = self._outer_position(p)
            if outer not in wanted and not 1 + ns <= outer < 1 + ns + nst:
                continue        # a state's gradient always flows back through the loop
            if fwd.inner_inputs[p] not in nonseq:
                keep.append(q)
            elif (ab := _transposed_product(g)) is not None:
                self.pushed.append((q, ab))
            elif (vs := _summed(g)) is not None:
                self.summed.append((q, vs))
            else:
                keep.append(q)
        self.loop_wrt_pos = [self.wrt_pos[q] for q in keep]
        self.loop_outs = [self.vjp_outs[q] for q in keep]
        pushed = []
        for q, (a, b) in self.pushed:
            pushed.append((q, len(self.loop_outs)))
            self.loop_outs += [a, b]
        self.pushed = pushed
        summed = []
        for q, (v, axes) in self.summed:
            summed.append((q, len(self.loop_outs), axes))
            self.loop_outs.append(v)
        self.summed = summed
        self._fn = None
        self._frames = []

    def __str__(self):
        return "grad_of_%s" % self.fwd

    def inplace_version(self):
        """This op, also allowed to overwrite the gradient of a state's per-step values
        (its first such input), which then collects the gradient flowing back through
        the loop instead of a copy of it (the rewrite ``inplace_ops`` applies it when
        nothing else reads that input).  The compiled step is shared."""
        if self.destroy_map or not self.diff_outer:
            return None
        fwd = self.fwd
        n_fwd_in = 1 + fwd.n_seqs + fwd.n_states + fwd.info.n_nonseq
        for q, k in enumerate(self.out_pos):
            if k < fwd.n_states and fwd.info.state_store[k] == "all":
                new = copy.copy(self)
                new.destroy_map = {0: [n_fwd_in + fwd.n_states + q]}
                return new
        return None

    def make_node(self, *inputs):
        fwd = self.fwd
        n_fwd_in = 1 + fwd.n_seqs + fwd.n_states + fwd.info.n_nonseq
        expected = n_fwd_in + fwd.n_states + len(self.out_pos) + self.n_saved_in
        if len(inputs) != expected:
            raise ValueError("%s expects %d inputs, got %d" % (self, expected, len(inputs)))
        outs = [inputs[p].type() for p in self.diff_outer]
        return Apply(self, list(inputs), outs)

    def infer_shape(self, fgraph, node, input_shapes):
        return [tuple(input_shapes[p]) for p in self.diff_outer]

    def _inner_graph(self):
        fwd = self.fwd
        return (list(fwd.inner_inputs) + list(self.g_phs) + self.saved_phs, self.loop_outs,
                fwd.info.mode,
                "grad_of_scan_fn:%s" % (fwd.info.name or "scan_fn"))

    def _loop(self, node, inputs, output_storage, fn, frame):
        fwd = self.fwd
        info = fwd.info
        ns, nst = fwd.n_seqs, fwd.n_states
        n_fwd_in = 1 + ns + nst + info.n_nonseq
        n_done = int(inputs[0])
        _, seqs, inits, nonseqs = fwd.outer_slices(inputs[:n_fwd_in])
        hists = inputs[n_fwd_in:n_fwd_in + nst]
        n_g = len(self.out_pos)
        ograds = inputs[n_fwd_in + nst:n_fwd_in + nst + n_g]
        saved_in = iter(inputs[n_fwd_in + nst + n_g:])
        # per-step arrays of saved values: an input of this op, or a state's history
        saved = [next(saved_in) if src is None else hists[src] for _, src in self.saved]
        cells = frame.cells
        n_inner = len(fwd.inner_inputs)
        t_stop = 0 if self.truncate == -1 else max(0, n_done - self.truncate)
        cframe = getattr(frame, "_frame", None)
        # The loop runs in C when every per-step buffer is an array.
        in_c = cframe is not None and all(
            isinstance(a, np.ndarray) for a in list(seqs) + list(hists) + saved)

        # Gradient accumulators of the outer inputs.  A sequence's is made below.
        acc = {}
        for p in self.diff_outer:
            if not 1 <= p <= ns:
                acc[p] = np.zeros(np.shape(inputs[p]), dtype=node.inputs[p].type.dtype)

        # pend[j][L + s]: gradient accumulated so far for the value of state j at step s.
        Ls = [-min(t) for t in info.state_taps]
        pend = [None] * nst
        g_cells = {}
        for q, k in enumerate(self.out_pos):
            g_cells[k] = cells[n_inner + q]
        nit_g = {}
        for q, k in enumerate(self.out_pos):
            g = ograds[q]
            if k < nst:
                j, L = k, Ls[k]
                dtype = fwd.state_types[j].dtype
                if info.state_store[j] == "all" and in_c and (
                        n_fwd_in + nst + q) in self.destroy_map.get(0, ()) and isinstance(
                        g, np.ndarray) and g.dtype == dtype and g.ndim >= 1 and (
                        g.shape[0] == n_done and g.flags.writeable and _rows_c_contiguous(g)):
                    # the output gradient is ours to overwrite: it collects the gradient
                    # of the steps' values in place, the initial rows kept apart
                    pend[j] = _Prefixed(np.zeros((L,) + g.shape[1:], dtype=dtype), g)
                elif info.state_store[j] == "all":
                    g = np.asarray(g)
                    pend[j] = np.empty((L + n_done,) + g.shape[1:], dtype=dtype)
                    pend[j][:L] = 0
                    pend[j][L:] = g
                else:
                    pend[j] = np.zeros((L + n_done,) + np.shape(g), dtype=dtype)
                    pend[j][L + n_done - 1] += g
            else:
                m = k - nst
                if info.nit_store[m] == "all":
                    nit_g[k] = (g, None)
                else:
                    nit_g[k] = (None, g)

        # Feeding plan: (cell, array, base, sign) -> cell[0] = row base + sign * t of the
        # array (or _Prefixed).
        feed = []
        acc_plan = []  # (output cell, target, base, sign, mode): mode 0 stores, 1 adds a row,
        #               2 adds to the whole target
        out_cells = [cells[i] for i in fn.maker.program.output_idx]
        wrt_cell = dict(zip(self.loop_wrt_pos, out_cells))
        pos = 0
        for i, (seq, taps) in enumerate(zip(seqs, info.seq_taps)):
            lo, hi = seq_span(taps)
            p = 1 + i
            rows = []
            for k in taps:
                if info.go_backwards:
                    base, sign = seq.shape[0] - 1 - hi + k, -1
                else:
                    base, sign = k - lo, 1
                feed.append((cells[pos], seq, base, sign))
                if pos in wrt_cell:
                    rows.append((wrt_cell[pos], base, sign))
                pos += 1
            if p in self.diff_outer:
                acc[p] = self._seq_accumulator(np.shape(inputs[p]), node.inputs[p].type.dtype,
                                               rows, in_c, n_done, t_stop, acc_plan)
        for j, taps in enumerate(info.state_taps):
            L = Ls[j]
            init = inits[j]
            rows = [init] if is_sit_sot(taps) else list(init[:L])
            hist = hists[j]
            if isinstance(hist, np.ndarray):
                pre = np.asarray(rows, dtype=hist.dtype)
                if in_c and pre.shape[1:] == hist.shape[1:] and (
                        pre.strides[1:] == hist.strides[1:]):
                    hist = _Prefixed(pre, hist)
                elif len(rows):
                    hist = np.concatenate([pre, hist])
            else:
                hist = rows + list(hist)
            for k in taps:
                feed.append((cells[pos], hist, L + k, 1))
                if pos in wrt_cell and pend[j] is not None:
                    acc_plan.append((wrt_cell[pos], pend[j], L + k, 1, 1))
                pos += 1
        for q, x in enumerate(nonseqs):
            cells[pos][0] = x
            outer = 1 + ns + nst + q
            if pos in wrt_cell and outer in acc:
                acc_plan.append((wrt_cell[pos], acc[outer], 0, 0, 2))
            pos += 1
        pos = n_inner + n_g
        for arr in saved:
            # a saved value of step t is row t of its per-step array
            feed.append((cells[pos], arr, 0, 1))
            pos += 1
        g_feed, g_last = [], []
        for k, cell in g_cells.items():
            if k < nst:
                g_feed.append((cell, pend[k], Ls[k]))
            else:
                full, last = nit_g[k]
                if full is not None:
                    g_feed.append((cell, full, 0))
                else:
                    g_last.append((cell, last))
        # pushed-out products and sums: (factor cells, accumulator, summed axes or None)
        products = []
        for q, j in self.pushed:
            outer = self._outer_position(self.wrt_pos[q])
            if outer in acc:
                products.append(((out_cells[j], out_cells[j + 1]), acc[outer], None))
        for q, j, axes in self.summed:
            outer = self._outer_position(self.wrt_pos[q])
            if outer in acc:
                products.append(((out_cells[j],), acc[outer], axes))

        if in_c:
            self._c_loop(fn, frame, cframe, feed, g_feed, g_last, acc_plan, products, n_done,
                         t_stop)
        else:
            self._python_loop(frame, feed, g_feed, g_last, acc_plan, products, n_done, t_stop)
        self._finish_grads(node, inputs, output_storage, acc, pend, Ls)

    @staticmethod
    def _seq_accumulator(shape, dtype, rows, in_c, n_done, t_stop, acc_plan):
        """The gradient accumulator of a sequence (``shape``, ``dtype``) whose taps'
        gradients are the inner outputs ``rows`` ([(cell, base, sign)]), with its entries of
        ``acc_plan``.  With one tap over the whole loop in C, each row is stored once: no
        zero-filling and no addition, except for rows the loop does not reach."""
        if in_c and len(rows) == 1 and t_stop == 0 and len(shape) >= 1:
            cell, base, sign = rows[0]
            acc = np.empty(shape, dtype=dtype)
            first = base if sign > 0 else base - (n_done - 1)
            acc[:max(first, 0)] = 0
            acc[first + n_done:] = 0
            acc_plan.append((cell, acc, base, sign, 0))
            return acc
        acc = np.zeros(shape, dtype=dtype)
        for cell, base, sign in rows:
            acc_plan.append((cell, acc, base, sign, 1))
        return acc

    def _outer_position(self, p):
        """The outer input position (1-based) of the forward's inner input ``p``."""
        fwd = self.fwd
        pos = p
        for i, taps in enumerate(fwd.info.seq_taps):
            if pos < len(taps):
                return 1 + i
            pos -= len(taps)
        for j, taps in enumerate(fwd.info.state_taps):
            if pos < len(taps):
                return 1 + fwd.n_seqs + j
            pos -= len(taps)
        return 1 + fwd.n_seqs + fwd.n_states + pos

    def _c_loop(self, fn, frame, cframe, feed, g_feed, g_last, acc_plan, products, n_done,
                t_stop):
        """The backward loop in C (every buffer is an array)."""
        prog = fn.maker.program
        index = frame.cell_index()
        feeds = [_c_rows(index[id(c)], arr, base, sign) for c, arr, base, sign in feed]
        feeds += [_c_rows(index[id(c)], arr, base, 1) for c, arr, base in g_feed]
        for c, last in g_last:
            # Only the last step sees the gradient of a last-value output.
            pair = np.stack([np.zeros_like(last), last])
            feeds.append(_c_rows(index[id(c)], pair, 2 - n_done, 1, mod=-1))
        stores = [_c_rows(index[id(c)], tg, base, sign, mode=mode)
                  for c, tg, base, sign, mode in acc_plan]
        # A pushed-out product's factors: the rows they take over the loop, read after it
        # from the arrays that hold them (a fed input, a stored gradient) or, failing
        # that, kept as per-step outputs.
        nits, factors, helped, offered = [], [], [], []
        for cells, target, axes in products:
            pair, where = [], []
            for c in cells:
                found = _row_source(c, feed, acc_plan)
                rows = _loop_rows(found[1], t_stop, n_done) if found else None
                if rows is None:
                    rows = len(nits)
                    nits.append((index[id(c)], 1, target.dtype.num))
                    where.append((2, rows))
                else:
                    where.append(found[0])
                pair.append(rows)
            factors.append(pair)
            # the loop's helper thread sums it while the loop runs (when it can): a product
            # dot(a.T, b), or a sum over the first axis of the steps' rows (a product with
            # a column of ones)
            offer = None
            if axes is None:
                offer = (where[0][0], where[0][1], where[1][0], where[1][1], target)
            elif axes == (0,) and target.flags.c_contiguous:
                offer = (3, 0, where[0][0], where[0][1], target.reshape(1, -1))
            if offer is not None:
                helped.append(offer)
            offered.append(offer is not None)
        hoist, contig = prog.loop_invariants(f[0] for f in feeds)
        try:
            _, kept, handled = prog.runtime.scan_loop(
                cframe, n_done - 1, n_done - t_stop, -1, feeds, stores, nits, -1, hoist,
                contig, helped)
        except Exception as exc:
            t = getattr(exc, "__theano_scan_step__", -1)
            raise c_loop_error(exc, cframe, prog, "This error happened in the gradient of "
                               "scan%s, at step %d." % (self.fwd._label(), t))
        if n_done - t_stop <= 0:
            return
        handled = iter(handled)
        for (_, target, axes), pair, offer in zip(products, factors, offered):
            if offer and next(handled):
                continue            # summed by the loop's helper thread
            # kept rows are in loop order (t descending): reversed to t ascending
            pieces = [kept[r][::-1] if isinstance(r, int) else r for r in pair]
            pieces = [p if isinstance(p, list) else [p] for p in pieces]
            if axes is not None:
                for v in pieces[0]:
                    _add_sum(target, v, axes, leading=1)
                continue
            for pa, pb in _aligned(*pieces):
                target += np.dot(pa.reshape(-1, pa.shape[-1]).T, pb.reshape(-1, pb.shape[-1]))

    def _python_loop(self, frame, feed, g_feed, g_last, acc_plan, products, n_done, t_stop):
        run = frame.run
        t = n_done
        try:
            for t in range(n_done - 1, t_stop - 1, -1):
                for cell, arr, base, sign in feed:
                    cell[0] = _row(arr, base + sign * t)
                for cell, arr, base in g_feed:
                    cell[0] = _row(arr, base + t)
                for cell, last in g_last:
                    cell[0] = last if t == n_done - 1 else np.zeros_like(last)
                run()
                for cell, target, base, sign, mode in acc_plan:
                    if mode == 2:
                        target += cell[0]
                    elif mode == 1:
                        target[base + sign * t] += cell[0]
                    else:
                        target[base + sign * t] = cell[0]
                for cells, target, axes in products:
                    if axes is None:
                        target += np.dot(cells[0][0].T, cells[1][0])
                    else:
                        _add_sum(target, cells[0][0], axes, leading=0)
        except Exception as exc:
            if not getattr(exc, "_scan_context", False):
                _add_context(exc, "This error happened in the gradient of scan%s, at step %d."
                             % (self.fwd._label(), t))
                exc._scan_context = True
            raise

    def _finish_grads(self, node, inputs, output_storage, acc, pend, Ls):
        fwd = self.fwd
        info = fwd.info
        ns, nst = fwd.n_seqs, fwd.n_states
        for j in range(nst):
            p = 1 + ns + j
            if p in acc and pend[j] is not None:
                L = Ls[j]
                head = pend[j].pre if isinstance(pend[j], _Prefixed) else pend[j]
                if is_sit_sot(info.state_taps[j]):
                    acc[p] += head[0]
                else:
                    acc[p][:L] += head[:L]
        for q, p in enumerate(self.diff_outer):
            output_storage[q][0] = acc[p]


def scan_L_op(op, inputs, outputs, output_grads):
    """Gradients of a Scan node's inputs given its outputs' gradients."""

    info = op.info
    node = outputs[0].owner
    pattern = op.connection_pattern(node)
    out_conn = [not isinstance(g.type, (gradient.DisconnectedType,)) for g in output_grads]
    in_conn = [any(p and c for p, c in zip(row, out_conn)) for row in pattern]

    result = [gradient.disconnected_type() for _ in inputs]
    if not any(in_conn):
        return result

    stores = info.state_store + info.nit_store
    if any(s == "last" for s in stores):
        # Some values were not kept: recompute the loop keeping every step.
        replay = op.__dict__.get("_replay")
        if replay is None:
            replay = op._replay = Scan(op.inner_inputs, op.inner_outputs,
                                       info._replace(state_store=("all",) * op.n_states,
                                                     nit_store=("all",) * op.n_nit))
        full = replay(*inputs, return_list=True)
    else:
        full = list(outputs)
    hists = full[:op.n_states]
    if info.as_while:
        n_done = shape_i(full[0], 0) if full else inputs[0]
    else:
        n_done = inputs[0]

    gop = op.__dict__.get("_grad_op")
    if gop is None:
        gop = op._grad_op = ScanGrad(op)
    ograds = []
    for k in gop.out_pos:
        o, g = outputs[k], output_grads[k]
        if isinstance(g.type, (gradient.DisconnectedType, gradient.NullType)):
            g = zeros_like(o)
        elif g.type.dtype != o.type.dtype:
            g = cast(g, o.type.dtype)
        ograds.append(g)
    grads = gop(*([n_done] + list(inputs[1:]) + hists + ograds), return_list=True)
    by_pos = dict(zip(gop.diff_outer, grads))
    for i, x in enumerate(inputs):
        if i == 0 or not in_conn[i]:
            continue
        if i in by_pos:
            result[i] = by_pos[i]
        else:
            result[i] = zeros_like(x, dtype=config.floatX)
    return result


def _tangent_types(rops, wants):
    """Cast/rebroadcast the inner R_op results to the types of their tangent states."""

    fixed = []
    for r, want in zip(rops, wants):
        if r.type.dtype != want.dtype:
            r = cast(r, want.dtype)
        if r.type != want:
            conv = want.convert_variable(r)
            r = conv if conv is not None else unbroadcast(
                r, *[d for d, b in enumerate(r.type.broadcastable)
                     if b and not want.broadcastable[d]])
        fixed.append(r)
    return fixed


def scan_R_op(op, inputs, eval_points):
    """Forward-mode derivative: a scan carrying tangents next to the values."""

    info = op.info
    _, seqs, inits, nonseqs = op.outer_slices(list(inputs))
    _, ev_seqs, ev_inits, ev_nonseqs = op.outer_slices(list(eval_points))
    in_seqs, in_states, in_nonseq = op.inner_slices()
    wrt, tangents = [], []

    new_seq_taps, new_seq_phs, new_seq_outer = [], [], []
    for i, (phs, taps) in enumerate(zip(in_seqs, info.seq_taps)):
        if ev_seqs[i] is not None and _differentiable(phs[0].type):
            tph = [safe_new(p, "_tangent") for p in phs]
            wrt += phs
            tangents += tph
            new_seq_taps.append(taps)
            new_seq_phs += tph
            new_seq_outer.append(ev_seqs[i])
    new_state_taps, new_state_phs, new_state_outer, tangent_states = [], [], [], []
    for j, (phs, taps) in enumerate(zip(in_states, info.state_taps)):
        if _differentiable(op.state_types[j]):
            tph = [safe_new(p, "_tangent") for p in phs]
            wrt += phs
            tangents += tph
            new_state_taps.append(taps)
            new_state_phs += tph
            ev = ev_inits[j]
            new_state_outer.append(zeros_like(inits[j]) if ev is None else ev)
            tangent_states.append(j)
    new_nonseq_phs, new_nonseq_outer = [], []
    for k, ph in enumerate(in_nonseq):
        if ev_nonseqs[k] is not None and _differentiable(ph.type):
            tph = safe_new(ph, "_tangent")
            wrt.append(ph)
            tangents.append(tph)
            new_nonseq_phs.append(tph)
            new_nonseq_outer.append(ev_nonseqs[k])

    tangent_nits = [m for m in range(op.n_nit) if _differentiable(op.nit_types[m])]
    targets = ([op.inner_outputs[j] for j in tangent_states]
               + [op.inner_outputs[op.n_states + m] for m in tangent_nits])

    with change_flags(compute_test_value="off"):
        rops = gradient.Rop(targets, wrt, tangents) if (wrt and targets) else [
            zeros_like(t) for t in targets]
        fixed = _tangent_types(rops, [op.state_types[j] for j in tangent_states]
                               + [op.nit_types[m] for m in tangent_nits])
    n_ts = len(tangent_states)
    seq_part = [p for phs in in_seqs for p in phs] + new_seq_phs
    state_part = [p for phs in in_states for p in phs] + new_state_phs
    new_inputs = seq_part + state_part + list(in_nonseq) + new_nonseq_phs
    new_outputs = (op.inner_outputs[:op.n_states] + fixed[:n_ts]
                   + op.inner_outputs[op.n_states:op.n_states + op.n_nit] + fixed[n_ts:]
                   + (op.inner_outputs[-1:] if info.as_while else []))
    new_info = info._replace(
        seq_taps=info.seq_taps + tuple(new_seq_taps),
        state_taps=info.state_taps + tuple(new_state_taps),
        state_store=info.state_store + tuple(info.state_store[j] for j in tangent_states),
        nit_store=info.nit_store + tuple(info.nit_store[m] for m in tangent_nits),
        n_nonseq=info.n_nonseq + len(new_nonseq_phs))
    new_op = Scan(new_inputs, new_outputs, new_info)
    outer = ([inputs[0]] + seqs + new_seq_outer + inits + new_state_outer + nonseqs
             + new_nonseq_outer)
    outs = new_op(*outer, return_list=True)
    n_st = op.n_states + n_ts
    result = [None] * (op.n_states + op.n_nit)
    for q, j in enumerate(tangent_states):
        result[j] = outs[op.n_states + q]
    for q, m in enumerate(tangent_nits):
        result[op.n_states + m] = outs[n_st + op.n_nit + q]
    return result


def _zeros(x):
    """Zeros of the shape and type of ``x``, depending only on its shape (so R_op-friendly)."""

    shape = [1 if b else x.shape[d] for d, b in enumerate(x.type.broadcastable)]
    return T.zeros(shape, dtype=x.type.dtype)


def backward_as_scan(gop, inputs):
    """The outputs of ``gop(*inputs)`` (a :class:`ScanGrad`) computed by a regular scan.

    Used only to differentiate a scan gradient: the result has the values of
    the ScanGrad node but is built from differentiable ops (subtensors, a
    backward :class:`Scan` running the step's vector-Jacobian product).
    """

    fwd = gop.fwd
    info = fwd.info
    ns, nst = fwd.n_seqs, fwd.n_states
    n_fwd_in = 1 + ns + nst + info.n_nonseq
    n_done = inputs[0]
    _, seqs, inits, nonseqs = fwd.outer_slices(list(inputs[:n_fwd_in]))
    hists = inputs[n_fwd_in:n_fwd_in + nst]
    # (values saved by the forward loop, inputs after the output gradients, are not
    # needed here: the step's vector-Jacobian product recomputes them)
    ograds = inputs[n_fwd_in + nst:n_fwd_in + nst + len(gop.out_pos)]
    vjp_outs = gop.vjp_full
    in_seqs, in_states, in_nonseq = fwd.inner_slices()
    Ls = [-min(t) for t in info.state_taps]
    if gop.truncate == -1:
        t_stop = 0
    else:
        t_stop = T.maximum(0, n_done - gop.truncate)

    def steps(x):
        # The rows of x used by forward steps t_stop..n_done-1.
        return x[t_stop:n_done]

    def last_only(g):
        # A stored-last output's gradient as one row per step (zero but at the last).
        z = T.zeros(T.concatenate([T.stack([n_done]), T.cast(g.shape, "int64")]),
                    dtype=g.dtype)
        return T.set_subtensor(z[n_done - 1], g)

    # Per-step values of every inner input (sequence slices, state taps).
    value_seqs = []
    for i, (seq, taps) in enumerate(zip(seqs, info.seq_taps)):
        lo, hi = seq_span(taps)
        src = seq[::-1] if info.go_backwards else seq
        for k in taps:
            start = hi - k if info.go_backwards else k - lo
            value_seqs.append(steps(src[start:start + n_done]))
    fulls = []
    for j, taps in enumerate(info.state_taps):
        L = Ls[j]
        rows = inits[j].dimshuffle(("x",) + tuple(range(inits[j].ndim))) \
            if is_sit_sot(taps) else inits[j][:L]
        full = T.concatenate([rows, hists[j]])
        fulls.append(full)
        for k in taps:
            value_seqs.append(steps(full[L + k:L + k + n_done]))
    n_val = len(value_seqs)

    # Per-step gradients of the inner outputs coming from outside the loop.
    g_seqs = []
    for q, k in enumerate(gop.out_pos):
        g = ograds[q]
        store = info.state_store[k] if k < nst else info.nit_store[k - nst]
        g_seqs.append(steps(g if store == "all" else last_only(g)))
    windows = [k for k in gop.out_pos if k < nst]
    q_of_state = {k: q for q, k in enumerate(gop.out_pos) if k < nst}

    wrt_index = {p: n for n, p in enumerate(gop.wrt_pos)}
    seq_outs = []  # (seq index, tap, inner position)
    pos = 0
    for i, (phs, taps) in enumerate(zip(in_seqs, info.seq_taps)):
        for k in taps:
            if pos in wrt_index and (1 + i) in gop.diff_outer:
                seq_outs.append((i, k, pos))
            pos += 1
    state_tap_pos = []
    for j, taps in enumerate(info.state_taps):
        state_tap_pos.append([(k, pos + n) for n, k in enumerate(taps)])
        pos += len(taps)
    nonseq_outs = [(q, pos + q) for q in range(info.n_nonseq)
                   if (pos + q) in wrt_index and (1 + ns + nst + q) in gop.diff_outer]

    def step(*args):
        vals = args[:n_val]
        gs = list(args[n_val:n_val + len(g_seqs)])
        wins = args[n_val + len(g_seqs):n_val + len(g_seqs) + len(windows)]
        nsv = args[n_val + len(g_seqs) + len(windows):]
        for w, j in zip(wins, windows):
            gs[q_of_state[j]] = gs[q_of_state[j]] + w[0]
        replace = dict(zip(fwd.inner_inputs[:n_val], vals))
        replace.update(zip(in_nonseq, nsv))
        replace.update(zip(gop.g_phs, gs))
        grads = clone_replace(list(vjp_outs), replace, strict=False)
        new_wins = []
        for w, j in zip(wins, windows):
            nw = T.concatenate([w[1:], _zeros(w[:1])])
            for k, p in state_tap_pos[j]:
                if p in wrt_index:
                    nw = T.inc_subtensor(nw[-k - 1], grads[wrt_index[p]])
            new_wins.append(nw)
        return (new_wins + [grads[wrt_index[p]] for _, _, p in seq_outs]
                + [grads[wrt_index[p]] for _, p in nonseq_outs])

    win_inits = [_zeros(fulls[j][:Ls[j]]) for j in windows]
    outputs_info = win_inits + [None] * (len(seq_outs) + len(nonseq_outs))
    if not outputs_info:
        # Nothing flows back into a differentiable input: every gradient is zero.
        return [_zeros(inputs[p]) for p in gop.diff_outer]
    res, _ = scan(step, sequences=value_seqs + g_seqs, outputs_info=outputs_info,
                  non_sequences=list(nonseqs), go_backwards=True, return_list=True,
                  name="%s_backward" % (info.name or "scan"), mode=info.mode)
    n_win = len(windows)

    by_outer = {}
    # Sequences: scatter the per-step slice gradients back (iteration order is t descending).
    for (i, k, p), G in zip(seq_outs, res[n_win:n_win + len(seq_outs)]):
        seq = seqs[i]
        lo, hi = seq_span(info.seq_taps[i])
        acc = by_outer.get(1 + i)
        if acc is None:
            acc = _zeros(seq)
        if info.go_backwards:
            n_rows = seq.shape[0]
            acc = T.inc_subtensor(acc[n_rows - hi + k - n_done:n_rows - hi + k - t_stop], G)
        else:
            acc = T.inc_subtensor(acc[k - lo + t_stop:k - lo + n_done], G[::-1])
        by_outer[1 + i] = acc
    # Initial states: what the last window still holds for the positions before step 0.
    for w_final, j in zip(res[:n_win], windows):
        L = Ls[j]
        last = w_final[-1][::-1]
        if gop.truncate == -1:
            g_init = last
        else:
            g_init = _zeros(last)
            g_init = T.set_subtensor(g_init[t_stop:], last[:T.maximum(L - t_stop, 0)])
        if is_sit_sot(info.state_taps[j]):
            g_init = g_init[0]
        else:
            g_init = T.inc_subtensor(_zeros(inits[j])[:L], g_init)
        by_outer[1 + ns + j] = g_init
    for (q, p), G in zip(nonseq_outs, res[n_win + len(seq_outs):]):
        by_outer[1 + ns + nst + q] = G.sum(axis=0)

    out = []
    for p, var in zip(gop.diff_outer, gop.make_node(*inputs).outputs):
        g = by_outer.get(p)
        if g is None:
            g = _zeros(inputs[p])
        if g.type.dtype != var.type.dtype:
            g = T.cast(g, var.type.dtype)
        if g.type != var.type:
            conv = var.type.convert_variable(g)
            if conv is not None:
                g = conv
        out.append(g)
    return out


# -- the rules of Scan and of its backward loop --------------------------------
@register_connection_pattern(Scan)
def _scan_connection_pattern(op, node):
    """Which outer inputs each outer output depends on (through the recurrence)."""
    info = op.info
    ns, nst = op.n_seqs, op.n_states
    owner = []  # inner input position -> outer input position (state taps: -1-j)
    for i, taps in enumerate(info.seq_taps):
        owner += [1 + i] * len(taps)
    for j, taps in enumerate(info.state_taps):
        owner += [-1 - j] * len(taps)
    owner += [1 + ns + nst + k for k in range(info.n_nonseq)]
    inner_deps = op.inner_dependencies()
    n_out = nst + op.n_nit
    dep = [set() for _ in range(n_out)]
    changed = True
    while changed:
        changed = False
        for o in range(n_out):
            new = set(dep[o])
            for p in inner_deps[o]:
                w = owner[p]
                if w >= 0:
                    new.add(w)
                else:
                    j = -1 - w
                    new.add(1 + ns + j)
                    new |= dep[j]
            if new != dep[o]:
                dep[o] = new
                changed = True
    pattern = []
    for i, x in enumerate(node.inputs):
        differentiable = i > 0 and isinstance(x.type, TensorType)
        pattern.append([differentiable and i in dep[o] for o in range(n_out)])
    return pattern


@register_connection_pattern(ScanGrad)
def _scan_grad_connection_pattern(op, node):
    n_out = len(node.outputs)
    return [[i > 0 and _differentiable(x.type)] * n_out for i, x in enumerate(node.inputs)]


@register_grad(ScanGrad)
def _scan_grad_grad(op, inputs, outputs, output_grads):
    # Second derivatives: rebuild this backward loop as a regular Scan (same values)
    # and differentiate that one; its own L_op is again a ScanGrad.

    # Stand-ins for the inputs: the gradient must stop at them (the state histories
    # depend on the other inputs through the forward loop, whose L_op adds that part).
    free = [x.type() for x in inputs]
    known = {}
    for eq, g in zip(backward_as_scan(op, free), output_grads):
        if not isinstance(g.type, (gradient.DisconnectedType, gradient.NullType)):
            known[eq] = g
    result = [gradient.disconnected_type() for _ in inputs]
    wrt = [i for i, x in enumerate(inputs) if i > 0 and _differentiable(x.type)]
    if not wrt:
        return result
    if not known:
        for i in wrt:
            result[i] = _zeros(inputs[i])
        return result
    grads = gradient.grad(None, [free[i] for i in wrt], known_grads=known,
                          disconnected_inputs="ignore", return_disconnected="zero")
    grads = clone_replace(list(grads), dict(zip(free, inputs)), strict=False)
    for i, g in zip(wrt, grads):
        result[i] = g
    return result


@register_rop(ScanGrad)
def _scan_grad_rop(op, inputs, eval_points):
    # Forward mode through the same loop written as a regular Scan.

    free = [x.type() for x in inputs]
    eq = backward_as_scan(op, free)
    pairs = [(free[i], e) for i, e in enumerate(eval_points)
             if i > 0 and e is not None and _differentiable(inputs[i].type)
             and not getattr(e.tag, "rop_zero", False)]
    if not pairs:
        return [zeros_like(o) for o in op.make_node(*inputs).outputs]
    rops = gradient.Rop(eq, [f for f, _ in pairs], [e for _, e in pairs])
    return clone_replace(list(rops), dict(zip(free, inputs)), strict=False)


register_grad(Scan)(scan_L_op)
register_rop(Scan)(scan_R_op)
