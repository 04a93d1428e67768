"""JAX rules of the scan loops (registered here, at the scan layer; docs/jax.md).

``Scan`` becomes ``lax.scan`` over the step function made of the inner graph's
own JAX rules; a loop with ``until`` (or with a number of steps known only from
input values, when it keeps only last values) becomes ``lax.while_loop``.
``ScanGrad``, the backward loop built by ``T.grad``, becomes a reversed
``lax.scan`` over the step's vector-Jacobian product, which Theano's gradient
already built as an inner graph (:func:`theano.scan.grad._vjp_graph`): this is
the program JAX's own autodiff would make of the forward loop (a reverse scan
calling the step's VJP), and it keeps Theano's semantics exactly, including
``truncate_gradient`` and the state histories the forward loop already computed.

The layout of the loops' inputs and outputs is documented in
:mod:`theano.scan.op` and :class:`theano.scan.grad.ScanGrad`.  JAX is imported
only when a function is linked for JAX.
"""
import numpy as np

from theano.link.jax.registry import register_jax
from theano.scan.grad import ScanGrad
from theano.scan.op import Scan, is_sit_sot, seq_span
from theano.tensor.type import TensorType

__all__ = []


def _label(op):
    return op._label()


def _state_layout(op, node):
    """Per state: ``(L, is_tensor, dtype)``; refuses what a JAX carry cannot hold."""
    from theano.link.jax.linker import JaxCompileError

    out = []
    for j, (taps, t) in enumerate(zip(op.info.state_taps, op.state_types)):
        tensor = isinstance(t, TensorType)
        if not tensor and not is_sit_sot(taps):
            raise JaxCompileError(
                "Scan%s: state %d has type %s and taps %s; in JAX a state that is not a "
                "tensor can only use its previous value (taps [-1])."
                % (_label(op), j, t, list(taps)))
        out.append((-min(taps), tensor, getattr(t, "dtype", None)))
    return out


def _typed(jnp, value, dtype):
    if dtype is None or getattr(value, "dtype", None) == dtype:
        return value
    return jnp.asarray(value, dtype=dtype)


@register_jax(Scan)
def _scan_jax(op, node):
    import jax
    import jax.numpy as jnp
    from jax import lax

    from theano.link.jax.linker import JaxCompileError, Truncated, graph_function, static

    info = op.info
    ns, nst, nnit = op.n_seqs, op.n_states, op.n_nit
    layout = _state_layout(op, node)
    step_fn = graph_function(op.inner_inputs, op.inner_outputs)
    nit_dtypes = [t.dtype for t in op.nit_types]
    spans = [seq_span(taps) for taps in info.seq_taps]

    def feed_states(wins):
        vals = []
        for (L, tensor, _), taps, w in zip(layout, info.state_taps, wins):
            if tensor:
                vals += [w[L + k] for k in taps]
            else:
                vals.append(w)
        return vals

    def step(seq_vals, wins, nonseqs):
        """One step: ``(new windows, new state values, nit values, stop or None)``."""
        outs = step_fn(*(list(seq_vals) + feed_states(wins) + list(nonseqs)))
        new_wins, new_vals = [], []
        for j, ((L, tensor, dtype), w) in enumerate(zip(layout, wins)):
            v = _typed(jnp, outs[j], dtype)
            if tensor:
                if tuple(jnp.shape(v)) != tuple(w.shape[1:]):
                    raise ValueError(
                        "Scan%s: fn returned a value of shape %s for output %d, but that "
                        "output is a state whose initial value (%s) has steps of shape %s. "
                        "The value returned for a state must keep the shape of its initial "
                        "state." % (_label(op), tuple(jnp.shape(v)), j,
                                    node.inputs[1 + ns + j], tuple(w.shape[1:])))
                w = v[None] if L == 1 else jnp.concatenate([w[1:], v[None]])
            else:
                w = v
            new_wins.append(w)
            new_vals.append(v)
        nits = [_typed(jnp, outs[nst + m], d) for m, d in enumerate(nit_dtypes)]
        stop = outs[-1] if info.as_while else None
        return new_wins, new_vals, nits, stop

    def windows(inits):
        wins = []
        for j, ((L, tensor, dtype), x, taps) in enumerate(zip(layout, inits,
                                                              info.state_taps)):
            if not tensor:
                wins.append(x)
                continue
            x = jnp.asarray(x, dtype=dtype)
            if is_sit_sot(taps):
                wins.append(x[None])
            else:
                if x.ndim < 1 or x.shape[0] < L:
                    raise ValueError(
                        "Scan%s: the initial value of state %d (%s) must stack the %d "
                        "previous steps used by taps %s along its first axis, but it has "
                        "shape %s." % (_label(op), j, node.inputs[1 + ns + j], L, list(taps),
                                       tuple(x.shape)))
                wins.append(x[:L])
        return wins

    def last_of(w, j):
        return w[-1] if layout[j][1] else w

    def check_length(seqs, n):
        for i, (seq, (lo, hi)) in enumerate(zip(seqs, spans)):
            avail = seq.shape[0] - (hi - lo)
            if avail < n:
                raise ValueError(
                    "Scan%s: sequence %d (%s) has %d elements along its first axis; with "
                    "taps %s it can feed %d steps, but %d steps were asked (n_steps)."
                    % (_label(op), i, node.inputs[1 + i], seq.shape[0],
                       list(info.seq_taps[i]), max(avail, 0), n))

    def seq_rows(seqs):
        """Per sequence tap: ``(array, base, sign)``: the value at step t is
        ``array[base + sign * t]``."""
        rows = []
        for seq, taps, (lo, hi) in zip(seqs, info.seq_taps, spans):
            for k in taps:
                if info.go_backwards:
                    rows.append((seq, seq.shape[0] - 1 - hi + k, -1))
                else:
                    rows.append((seq, k - lo, 1))
        return rows

    def for_loop(n, seqs, inits, nonseqs):
        check_length(seqs, n)
        xs = []
        for seq, base, sign in seq_rows(seqs):
            if sign == 1:
                xs.append(seq[base:base + n])
            else:
                stop = base - n
                xs.append(seq[base:stop if stop >= 0 else None:-1])
        wins = windows(inits)
        last_nits = [m for m in range(nnit) if info.nit_store[m] == "last"]
        if last_nits:
            if n == 0:
                raise IndexError("Scan%s ran 0 steps: output %d has no last value"
                                 % (_label(op), nst + last_nits[0]))
            shapes = jax.eval_shape(lambda x, w: step(x, w, nonseqs)[2],
                                    [x[0] for x in xs], wins)
            lasts0 = [jnp.zeros(shapes[m].shape, shapes[m].dtype) for m in last_nits]
        else:
            lasts0 = []

        def body(carry, x):
            wins, _ = carry
            new_wins, vals, nits, _ = step(x, wins, nonseqs)
            ys = ([vals[j] for j in range(nst) if info.state_store[j] == "all"]
                  + [nits[m] for m in range(nnit) if info.nit_store[m] == "all"])
            return (new_wins, [nits[m] for m in last_nits]), ys

        (wins, lasts), ys = lax.scan(body, (wins, lasts0), xs, length=n)
        ys, lasts = list(ys), list(lasts)
        outs = []
        for j in range(nst):
            outs.append(ys.pop(0) if info.state_store[j] == "all" else last_of(wins[j], j))
        for m in range(nnit):
            outs.append(ys.pop(0) if info.nit_store[m] == "all" else lasts.pop(0))
        return outs

    def while_loop(n, limit, seqs, inits, nonseqs):
        """``until`` loops and loops of a run-time number of steps (``n`` None, the
        traced ``limit`` only)."""
        dynamic_n = n is None
        if not dynamic_n:
            check_length(seqs, n)
        rows = seq_rows(seqs)
        wins = windows(inits)
        x0 = [seq[base] for seq, base, _ in rows]
        shapes = jax.eval_shape(lambda x, w: step(x, w, nonseqs)[1:3], x0, wins)
        keep_states = [j for j in range(nst) if info.state_store[j] == "all"]
        keep_nits = [m for m in range(nnit) if info.nit_store[m] == "all"]
        if dynamic_n and (keep_states or keep_nits):
            exc = JaxCompileError(
                "Scan%s: the number of steps (n_steps) depends on the values of the inputs, "
                "so the outputs that keep every step would have a size unknown when XLA "
                "compiles. In JAX mode, n_steps may be an integer scalar input (compiled as "
                "a constant, once per value), or a loop of any n_steps may keep only its last "
                "values (out[-1]); otherwise use another mode.%s" % (_label(op), _where(node)))
            exc.static_node = node  # the linker compiles an n_steps input as a constant
            raise exc
        bufs = ([jnp.zeros((n,) + tuple(shapes[0][j].shape), shapes[0][j].dtype)
                 for j in keep_states]
                + [jnp.zeros((n,) + tuple(shapes[1][m].shape), shapes[1][m].dtype)
                   for m in keep_nits])
        lasts = [jnp.zeros(shapes[1][m].shape, shapes[1][m].dtype)
                 for m in range(nnit) if m not in keep_nits]

        def cond(carry):
            t, stopped = carry[0], carry[1]
            return jnp.logical_and(t < limit, jnp.logical_not(stopped))

        def body(carry):
            t, _, wins, bufs, _ = carry
            x = [lax.dynamic_index_in_dim(seq, base + sign * t, keepdims=False)
                 for seq, base, sign in rows]
            new_wins, vals, nits, stop = step(x, wins, nonseqs)
            new = [vals[j] for j in keep_states] + [nits[m] for m in keep_nits]
            bufs = [lax.dynamic_update_index_in_dim(b, v, t, 0) for b, v in zip(bufs, new)]
            lasts = [nits[m] for m in range(nnit) if m not in keep_nits]
            stopped = jnp.asarray(stop != 0) if stop is not None else jnp.asarray(False)
            return t + 1, stopped, new_wins, bufs, lasts

        limit = jnp.asarray(limit, dtype="int64")
        carry = (jnp.asarray(0, dtype="int64"), jnp.asarray(False), wins, bufs, lasts)
        done, _, wins, bufs, lasts = lax.while_loop(cond, body, carry)
        bufs, lasts = list(bufs), list(lasts)
        outs = []
        for j in range(nst):
            if info.state_store[j] == "all":
                b = bufs.pop(0)
                outs.append(Truncated(b, done, node, j) if info.as_while else b)
            else:
                outs.append(last_of(wins[j], j))
        for m in range(nnit):
            if info.nit_store[m] == "all":
                b = bufs.pop(0)
                outs.append(Truncated(b, done, node, nst + m) if info.as_while else b)
            else:
                outs.append(lasts.pop(0))
        return outs

    def run(n_steps, *args):
        seqs, inits = list(args[:ns]), list(args[ns:ns + nst])
        nonseqs = list(args[ns + nst:])
        if isinstance(n_steps, jax.core.Tracer):
            n = None
        else:
            n = int(static(n_steps, "The number of steps of scan", node))
            if n < 0:
                raise IndexError("Scan%s was asked to run for a negative number of steps "
                                 "(%d)" % (_label(op), n))
        if info.as_while or n is None:
            outs = while_loop(n, n_steps, seqs, inits, nonseqs)
        else:
            outs = for_loop(n, seqs, inits, nonseqs)
        return tuple(outs) if len(outs) > 1 else outs[0]

    return run


def _where(node):
    from theano.link.jax.linker import _where as where
    return where(node)


@register_jax(ScanGrad)
def _scan_grad_jax(op, node):
    import jax.numpy as jnp
    from jax import lax

    from theano.link.jax.linker import graph_function, static

    fwd = op.fwd
    info = fwd.info
    ns, nst = fwd.n_seqs, fwd.n_states
    n_fwd_in = 1 + ns + nst + info.n_nonseq
    # The step's vector-Jacobian product as written, recomputing the forward values: the
    # values saved by the forward loop (ScanGrad.saved, inputs after the output
    # gradients) are not read.  XLA fuses that recomputation into the step; reading the
    # saved values instead made the RNN benchmark's backward loop 3-4x slower under JAX.
    vjp_fn = graph_function(list(fwd.inner_inputs) + list(op.g_phs), op.vjp_full)
    n_g = len(op.out_pos)
    Ls = [-min(t) for t in info.state_taps]
    wrt_index = {p: q for q, p in enumerate(op.wrt_pos)}
    out_dtypes = [node.inputs[p].type.dtype for p in op.diff_outer]
    spans = [seq_span(taps) for taps in info.seq_taps]

    def run(n_done, *args):
        n_done = int(static(n_done, "The number of steps of the scan differentiated", node))
        inputs = [n_done] + list(args)
        _, seqs, inits, nonseqs = fwd.outer_slices(inputs[:n_fwd_in])
        hists = inputs[n_fwd_in:n_fwd_in + nst]
        ograds = inputs[n_fwd_in + nst:n_fwd_in + nst + n_g]
        t_stop = 0 if op.truncate == -1 else max(0, n_done - op.truncate)
        ts = np.arange(t_stop, n_done)
        n_run = len(ts)
        acc = {p: jnp.zeros(np.shape(inputs[p]), dtype=d)
               for p, d in zip(op.diff_outer, out_dtypes)}

        # pend[j][L + s]: the gradient reaching the value of state j at step s.
        pend = [None] * nst
        nit_g = {}
        for q, k in enumerate(op.out_pos):
            g = ograds[q]
            if k < nst:
                L = Ls[k]
                store = info.state_store[k]
                row = tuple(np.shape(g)[1:]) if store == "all" else tuple(np.shape(g))
                p = jnp.zeros((L + n_done,) + row, dtype=fwd.state_types[k].dtype)
                pend[k] = p.at[L:].add(g) if store == "all" else p.at[L + n_done - 1].add(g)
            else:
                nit_g[k] = (g, info.nit_store[k - nst] == "all")

        # Per-step inner inputs, as sequences over the steps t_stop..n_done-1.
        xs_vals, seq_acc = [], []
        pos = 0
        for i, (seq, taps, (lo, hi)) in enumerate(zip(seqs, info.seq_taps, spans)):
            for k in taps:
                if info.go_backwards:
                    idx = seq.shape[0] - 1 - hi + k - ts
                else:
                    idx = k - lo + ts
                xs_vals.append(seq[idx])
                if pos in wrt_index and (1 + i) in acc:
                    seq_acc.append((pos, 1 + i, idx))
                pos += 1
        state_acc = []
        for j, taps in enumerate(info.state_taps):
            L = Ls[j]
            h = hists[j]
            if is_sit_sot(taps):
                full = jnp.concatenate([jnp.asarray(inits[j])[None], h])
            else:
                full = jnp.concatenate([jnp.asarray(inits[j])[:L], h])
            for k in taps:
                xs_vals.append(full[L + k + ts])
                if pos in wrt_index and pend[j] is not None:
                    state_acc.append((pos, j, L + k))
                pos += 1
        nonseq_acc = [(pos + q, 1 + ns + nst + q) for q in range(info.n_nonseq)
                      if (pos + q) in wrt_index and (1 + ns + nst + q) in acc]

        g_nits = []
        for k in op.out_pos:
            if k >= nst:
                g, keep_all = nit_g[k]
                g_nits.append((k, g[ts] if keep_all else g, keep_all))

        # Gradients of outputs kept for every step are fed per step; those of
        # last-value outputs are the same array at every step, masked but at the last.
        xs_gn = [g for _, g, keep_all in g_nits if keep_all]

        def body(carry, x):
            pend_c, nacc = carry
            t, vals, g_steps = x
            g_steps = iter(g_steps)
            gs, nit = [], iter(g_nits)
            for k in op.out_pos:
                if k < nst:
                    gs.append(lax.dynamic_index_in_dim(pend_c[k], Ls[k] + t, keepdims=False))
                    continue
                _, g, keep_all = next(nit)
                if keep_all:
                    gs.append(next(g_steps))
                else:
                    gs.append(jnp.where(t == n_done - 1, g, jnp.zeros_like(g)))
            grads = vjp_fn(*(list(vals) + list(nonseqs) + gs))
            pend_c = list(pend_c)
            for p, j, off in state_acc:
                pend_c[j] = pend_c[j].at[off + t].add(grads[wrt_index[p]])
            nacc = [a + grads[wrt_index[p]] for (p, _), a in zip(nonseq_acc, nacc)]
            ys = [grads[wrt_index[p]] for p, _, _ in seq_acc]
            return (pend_c, nacc), ys

        nacc0 = [acc[o] for _, o in nonseq_acc]
        pend0 = [p if p is not None else jnp.zeros(()) for p in pend]
        (pend_f, nacc), ys = lax.scan(body, (pend0, nacc0),
                                      (jnp.asarray(ts, dtype="int64"), xs_vals, xs_gn),
                                      length=n_run, reverse=True)
        for (p, o, idx), y in zip(seq_acc, ys):
            acc[o] = acc[o].at[idx].add(y)
        for (_, o), a in zip(nonseq_acc, nacc):
            acc[o] = a
        for j in range(nst):
            o = 1 + ns + j
            if o in acc and pend[j] is not None:
                if is_sit_sot(info.state_taps[j]):
                    acc[o] = acc[o] + pend_f[j][0]
                else:
                    acc[o] = acc[o].at[:Ls[j]].add(pend_f[j][:Ls[j]])
        outs = tuple(jnp.asarray(acc[p], dtype=d) for p, d in zip(op.diff_outer, out_dtypes))
        return outs if len(outs) > 1 else outs[0]

    return run
