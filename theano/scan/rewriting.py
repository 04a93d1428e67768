"""Rewrites of scan loops, registered in the rewrite database on import.

``scan_save_mem``: an output of which only the last step is used (``out[-1]``,
as in ``reduce`` or the power example ``outputs[-1]``) is stored for the last
step only, instead of all ``n_steps`` of them.

``scan_grad_prune``: the backward loop of a scan (``ScanGrad``) computes the gradients of
the sequences and non-sequences whose gradient is used, not all of them (``T.grad(cost,
params)`` uses the weights' gradients, not the input sequence's).

``scan_push_out_seq``: work of the step that depends only on the sequences and the
non-sequences (``dot(x_t, W) + b``) is done once on the whole sequence before the loop,
whose step reads the result as a new sequence (Theano 1.0's ``PushOutSeqScan``).  The
backward loops of such a scan are rewritten with it: the loop gives the gradient of the
new sequence, and the gradients of ``x`` and ``W`` follow outside the loop, as one
product of the stacked rows each.

``scan_save_forward``: the backward loop reads the values of the forward step it needs
(gate activations, products...) from the forward loop, which keeps them per step, instead
of computing the step again; cheap values (elementwise arithmetic of the step's inputs)
are still recomputed.
"""
import theano.scalar.basic as ts
from theano import gradient
from theano.configparser import change_flags
from theano.graph.basic import Constant, ancestors, io_toposort
from theano.graph.replace import clone_replace
from theano.rewriting.basic import graph_rewriter
from theano.rewriting.db import optdb
from theano.scan.grad import ScanGrad
from theano.scan.op import Scan, fits, seq_span
from theano.tensor.basic import cast, zeros_like
from theano.tensor.alloc import Alloc
from theano.tensor.elemwise import DimShuffle, Elemwise
from theano.tensor.math import Dot, dot, maximum
from theano.tensor.shape import (Rebroadcast, Reshape, Shape, Shape_i, SpecifyShape,
                                  patternbroadcast)
from theano.tensor.subtensor import Subtensor
from theano.tensor.type import TensorType

__all__ = ["scan_save_mem", "scan_grad_prune", "scan_push_out_seq", "scan_save_forward"]


def _last_step_clients(fgraph, var):
    """The Subtensor clients of ``var`` if every use is ``var[-1, ...]``, else None."""
    clients = fgraph.clients.get(var, [])
    if not clients:
        return None
    out = []
    for client, i in clients:
        if client == "output" or i != 0 or not isinstance(client.op, Subtensor):
            return None
        idx = client.op.idx_list
        if not idx or isinstance(idx[0], slice) or not isinstance(idx[0], int) or idx[0] != -1:
            return None
        out.append(client)
    return out


@graph_rewriter
def scan_save_mem(fgraph):
    """Keep only the last step of scan outputs that are only read as ``out[-1]``."""

    for node in list(fgraph.toposort()):
        if not isinstance(node.op, Scan) or node not in fgraph.apply_nodes:
            continue
        op = node.op
        info = op.info
        stores = list(info.state_store) + list(info.nit_store)
        plan = {}
        for k, out in enumerate(node.outputs):
            if stores[k] != "all":
                continue
            clients = _last_step_clients(fgraph, out)
            if clients:
                plan[k] = clients
        if not plan:
            continue
        new_stores = ["last" if k in plan else s for k, s in enumerate(stores)]
        new_op = Scan(op.inner_inputs, op.inner_outputs,
                      info._replace(state_store=tuple(new_stores[:op.n_states]),
                                    nit_store=tuple(new_stores[op.n_states:])))
        new_outs = new_op(*node.inputs, return_list=True)
        pairs = []
        for k, (old, new) in enumerate(zip(node.outputs, new_outs)):
            if k not in plan:
                pairs.append((old, new))
                continue
            for client in plan[k]:
                rest = client.op.idx_list[1:]
                repl = Subtensor(rest)(new, *client.inputs[1:]) if rest else new
                pairs.append((client.outputs[0], repl))
        for old, new in pairs:
            if old in fgraph.clients:
                fgraph.replace(old, new, reason="scan_save_mem")


@graph_rewriter
def scan_grad_prune(fgraph):
    """Drop the unused gradients of sequences and non-sequences from backward loops."""
    for node in list(fgraph.toposort()):
        if not isinstance(node.op, ScanGrad) or node not in fgraph.apply_nodes:
            continue
        op = node.op
        ns, nst = op.fwd.n_seqs, op.fwd.n_states
        unused = {p for p, out in zip(op.diff_outer, node.outputs)
                  if not fgraph.clients.get(out) and not 1 + ns <= p < 1 + ns + nst}
        if not unused:
            continue
        new_op = ScanGrad(op.fwd, skip=op.skip | unused)
        new_outs = dict(zip(new_op.diff_outer, new_op(*node.inputs, return_list=True)))
        for p, old in zip(op.diff_outer, node.outputs):
            if p in new_outs:
                fgraph.replace(old, new_outs[p], reason="scan_grad_prune")


# Elementwise work worth recomputing in the backward step rather than storing per step
# (a few flops per element: storing and reading it back costs as much).
_CHEAP_SCALAR_OPS = (ts.Add, ts.Sub, ts.Mul, ts.Neg, ts.Sqr, ts.TrueDiv, ts.Identity,
                     ts.Second, ts.Cast, ts.Maximum, ts.Minimum, ts.Abs, ts.Switch, ts.LT,
                     ts.GT, ts.LE, ts.GE, ts.EQ, ts.NEQ, ts.AND, ts.OR, ts.XOR, ts.Invert)
# Views and shape bookkeeping.
_CHEAP_OPS = (DimShuffle, Subtensor, Reshape, Shape, Shape_i, SpecifyShape, Rebroadcast, Alloc)


def _costly(node):
    """True for products, transcendental functions and any op not known to be cheap."""
    op = node.op
    if isinstance(op, Elemwise):
        return not isinstance(op.scalar_op, _CHEAP_SCALAR_OPS)
    return not isinstance(op, _CHEAP_OPS)


def _value_inputs(node):
    """The inputs of ``node`` whose values (not only shapes) it reads.

    The zeros of a gradient (``zeros_like(x)``, the ``fill`` of a constant) only read
    the shape of ``x``, which the compiler takes from the shapes of the step's inputs.
    """
    op = node.op
    if isinstance(op, (Shape, Shape_i)):
        return []
    if isinstance(op, Elemwise) and isinstance(op.scalar_op, ts.Second):
        return node.inputs[1:]
    return node.inputs


def _values_to_save(gop):
    """``ScanGrad.saved`` for ``gop``: the forward step's values its loop should read.

    These are the variables of the forward step that the backward step's graph uses
    (its boundary with the forward graph): the new value of a state is read from the
    state's history; any other value whose computation from the step's inputs involves
    a costly op is kept per step by the forward loop; the rest is recomputed.
    """
    fwd = gop.fwd
    inputs = set(fwd.inner_inputs)
    n_out = fwd.n_states + fwd.n_nit
    forward = {v for v in ancestors(fwd.inner_outputs[:n_out], blockers=inputs)
               if v.owner is not None and v not in inputs}
    if not forward:
        return ()
    state_of = {}
    for j, o in enumerate(fwd.inner_outputs[:fwd.n_states]):
        if isinstance(fwd.state_types[j], TensorType) and o in forward:
            state_of.setdefault(o, j)
    # Walk the backward graph down to the forward values it reads.
    boundary, seen = [], set()
    stack = list(gop.loop_outs)
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        if v in forward:
            boundary.append(v)
        elif v.owner is not None:
            stack.extend(_value_inputs(v.owner))
    saved = []
    for v in boundary:
        if v in state_of:
            saved.append((v, state_of[v]))
            continue
        if not isinstance(v.type, TensorType):
            continue
        deps = ancestors([v], blockers=inputs)
        if not any(d in inputs for d in deps):
            continue  # the same at every step: nothing to keep per step
        if any(d.owner is not None and d not in inputs and _costly(d.owner) for d in deps):
            saved.append((v, None))
    return tuple(saved)


def _same(xs, ys):
    return len(xs) == len(ys) and all(x is y for x, y in zip(xs, ys))


def _forward_node(fgraph, node):
    """The Scan node whose loop ``node`` (a ScanGrad) differentiates, or None.

    It is the owner of the state histories the ScanGrad reads, running the same step
    on the same inputs.
    """
    fwd = node.op.fwd
    nst = fwd.n_states
    if nst == 0:
        return None
    n_fwd_in = 1 + fwd.n_seqs + nst + fwd.info.n_nonseq
    hists = node.inputs[n_fwd_in:n_fwd_in + nst]
    fnode = hists[0].owner
    if (fnode is None or not isinstance(fnode.op, Scan) or fnode not in fgraph.apply_nodes
            or not _same(fnode.op.inner_outputs, fwd.inner_outputs)
            or not _same(fnode.op.inner_inputs, fwd.inner_inputs)
            or fnode.op.info != fwd.info._replace(state_store=fnode.op.info.state_store,
                                                  nit_store=fnode.op.info.nit_store)
            or any(s != "all" for s in fnode.op.info.state_store)
            or not _same(fnode.inputs[1:], node.inputs[1:n_fwd_in])
            or not _same(fnode.outputs[:nst], hists)):
        return None
    return fnode


@graph_rewriter
def scan_save_forward(fgraph):
    """Backward loops read the forward step's costly values instead of recomputing them."""
    for node in list(fgraph.toposort()):
        if (not isinstance(node.op, ScanGrad) or node.op.saved
                or node not in fgraph.apply_nodes):
            continue
        fnode = _forward_node(fgraph, node)
        if fnode is None:
            continue
        saved = _values_to_save(node.op)
        if not saved:
            continue
        fop = fnode.op
        info = fop.info
        kept = [v for v, src in saved if src is None]
        n_out = fop.n_states + fop.n_nit
        extra = []
        if kept:
            # the forward loop also returns the kept values, one row per step
            new_fop = Scan(fop.inner_inputs,
                           fop.inner_outputs[:n_out] + kept + fop.inner_outputs[n_out:],
                           info._replace(nit_store=info.nit_store + ("all",) * len(kept)))
            f_outs = new_fop(*fnode.inputs, return_list=True)
            for old, new in zip(fnode.outputs, f_outs):
                if old in fgraph.clients:
                    fgraph.replace(old, new, reason="scan_save_forward")
            extra = f_outs[n_out:]
        gop = node.op
        new_gop = ScanGrad(gop.fwd, skip=gop.skip, saved=saved)
        g_outs = new_gop(*(list(node.inputs) + extra), return_list=True)
        for old, new in zip(node.outputs, g_outs):
            if old in fgraph.clients:
                fgraph.replace(old, new, reason="scan_save_forward")


# -- pushing sequence-only work out of the loop ---------------------------------------

class _PushPlan:
    """How a scan step splits into work on whole sequences before the loop and the rest.

    ``nodes``: the step's nodes computed before the loop (topological order);
    ``timed``: the step's variables with one value per step known before the loop;
    ``frontier``: those of them the loop reads, each becoming a new sequence;
    ``inner_inputs``/``inner_outputs``/``seq_taps``: the new step; ``keep_seq`` and
    ``keep_nonseq``: the sequences and non-sequences the new step still reads.
    """

    __slots__ = ("nodes", "timed", "frontier", "inner_inputs", "inner_outputs", "seq_taps",
                 "keep_seq", "keep_nonseq")


def _dot_vectorizable(node, timed):
    """A product with one factor per step and one loop-invariant factor that a single
    product of the stacked rows computes for every step."""
    a, b = node.inputs
    if a in timed and b not in timed:
        return a.ndim in (1, 2) and b.ndim in (1, 2)
    return a not in timed and b in timed and a.ndim == 2 and b.ndim == 1


def _make_push_plan(op):
    info = op.info
    if info.as_while or not info.seq_taps:
        return None
    in_seqs, in_states, in_nonseq = op.inner_slices()
    outs = op.inner_outputs
    timed = {p for phs in in_seqs for p in phs if isinstance(p.type, TensorType)}
    invariant = set(in_nonseq)
    order = io_toposort(op.inner_inputs, outs)
    pushable = []
    for node in order:
        if not isinstance(node.op, (Elemwise, DimShuffle, Dot)):
            continue
        ins = node.inputs
        if any(i not in timed and i not in invariant and not isinstance(i, Constant)
               for i in ins):
            continue
        if not any(i in timed for i in ins):
            invariant.update(node.outputs)
        elif not isinstance(node.op, Dot) or _dot_vectorizable(node, timed):
            timed.update(node.outputs)
            pushable.append(node)
    # Only worth a new sequence when costly work (a product, a transcendental function)
    # leaves the loop: take the costly nodes with what they need, then the nodes that
    # only read their results.
    chosen = set()
    stack = [n for n in pushable if _costly(n)]
    while stack:
        n = stack.pop()
        if n in chosen:
            continue
        chosen.add(n)
        stack.extend(i.owner for i in n.inputs if i in timed and i.owner is not None)
    if not chosen:
        return None
    chosen_outs = {o for n in chosen for o in n.outputs}
    for n in pushable:
        if n not in chosen and all(i in chosen_outs for i in n.inputs if i in timed):
            chosen.add(n)
            chosen_outs.update(n.outputs)
    nodes = [n for n in pushable if n in chosen]
    frontier = []
    for n in order:
        if n not in chosen:
            frontier += [i for i in n.inputs if i in chosen_outs and i not in frontier]
    frontier += [o for o in outs if o in chosen_outs and o not in frontier]
    phs = []
    for k, v in enumerate(frontier):
        ph = v.type()
        ph.name = "%s_pushed" % (v.name or "seq%d" % k)
        phs.append(ph)
    new_outs = clone_replace(outs, dict(zip(frontier, phs)))
    used = set(ancestors(new_outs))
    keep_seq = [i for i, ps in enumerate(in_seqs) if any(p in used for p in ps)]
    keep_nonseq = [q for q, p in enumerate(in_nonseq) if p in used]
    plan = _PushPlan()
    plan.nodes, plan.timed, plan.frontier = nodes, timed, frontier
    plan.inner_inputs = ([p for i in keep_seq for p in in_seqs[i]] + phs
                         + [p for ps in in_states for p in ps]
                         + [in_nonseq[q] for q in keep_nonseq])
    plan.inner_outputs = new_outs
    plan.seq_taps = tuple(info.seq_taps[i] for i in keep_seq) + ((0,),) * len(phs)
    plan.keep_seq, plan.keep_nonseq = keep_seq, keep_nonseq
    return plan


def _push_plan(op):
    """The push-out plan of a Scan op (None: nothing to push), shared with its replay."""
    d = op.__dict__
    if "_pushed" not in d:
        replay = d.get("_replay")
        if replay is not None and "_pushed" in replay.__dict__:
            d["_pushed"] = replay._pushed
        else:
            d["_pushed"] = _make_push_plan(op)
        if replay is not None:
            replay._pushed = d["_pushed"]
    return d["_pushed"]


def _pushed_op(op, plan):
    new = op.__dict__.get("_pushed_op")
    if new is None:
        new = op._pushed_op = Scan(plan.inner_inputs, plan.inner_outputs, op.info._replace(
            seq_taps=plan.seq_taps, n_nonseq=len(plan.keep_nonseq)))
    return new


def _outer_sequences(op, plan, n_steps, seqs, nonseqs):
    """The new sequences of ``plan``, computed from the outer inputs (None if their
    types do not fit the step)."""
    info = op.info
    in_seqs, _, in_nonseq = op.inner_slices()
    memo = dict(zip(in_nonseq, nonseqs))
    for i, (phs, taps) in enumerate(zip(in_seqs, info.seq_taps)):
        lo, hi = seq_span(taps)
        seq = seqs[i]
        for ph, k in zip(phs, taps):
            # The rows read by steps 0..n_steps-1, in step order (a shorter slice makes
            # the loop raise its usual "sequence too short" error).
            if info.go_backwards:
                end = seq.shape[0] - hi + k
                memo[ph] = seq[maximum(end - n_steps, 0):end][::-1]
            else:
                memo[ph] = seq[k - lo:k - lo + n_steps]

    def outer(v):
        if v not in memo:
            if isinstance(v, Constant):
                return v
            memo[v] = clone_replace(v, dict(zip(in_nonseq, nonseqs)), strict=False)
        return memo[v]

    for node in plan.nodes:
        ins = [(outer(i), i in plan.timed) for i in node.inputs]
        if isinstance(node.op, Elemwise):
            args = [x if t else x.dimshuffle(("x",) + tuple(range(x.ndim))) for x, t in ins]
            res = node.op(*args, return_list=True)
        elif isinstance(node.op, DimShuffle):
            x = ins[0][0]
            res = [x.dimshuffle((0,) + tuple(d if d == "x" else d + 1
                                              for d in node.op.new_order))]
        else:
            (a, ta), (b, _) = ins
            if not ta:
                res = [dot(b, a.T)]
            elif a.ndim == 2:
                res = [dot(a, b)]
            else:
                rows = dot(a.reshape((a.shape[0] * a.shape[1], a.shape[2])), b)
                shape = (a.shape[0], a.shape[1]) + ((b.shape[1],) if b.ndim == 2 else ())
                res = [rows.reshape(shape)]
        trace = getattr(node.tag, "trace", None)
        if trace:
            # errors raised outside the loop still point at the user's line
            args = [x for x, _ in ins]
            for v in ancestors(res, blockers=args):
                if v.owner is not None and v not in args:
                    v.owner.tag.trace = trace
        for o, r in zip(node.outputs, res):
            memo[o] = r
    result = []
    for v in plan.frontier:
        V = memo[v]
        if V.ndim != v.ndim + 1 or V.dtype != v.dtype:
            return None
        want = (False,) + v.type.broadcastable
        if V.broadcastable != want:
            V = patternbroadcast(V, want)
        if not fits(v.type, TensorType(V.dtype, V.broadcastable[1:])):
            return None
        # Reversed back: the loop reads its sequences from the end when go_backwards.
        result.append(V[::-1] if info.go_backwards else V)
    return result


def _push_forward(fgraph, node, plan):
    op = node.op
    n_steps, seqs, inits, nonseqs = op.outer_slices(list(node.inputs))
    new_seqs = _outer_sequences(op, plan, n_steps, seqs, nonseqs)
    if new_seqs is None:
        return
    new_op = _pushed_op(op, plan)
    outs = new_op(*([n_steps] + [seqs[i] for i in plan.keep_seq] + new_seqs + inits
                    + [nonseqs[q] for q in plan.keep_nonseq]), return_list=True)
    for old, new in zip(node.outputs, outs):
        if old in fgraph.clients:
            fgraph.replace(old, new, reason="scan_push_out_seq")


def _push_backward(fgraph, node, plan):
    """Rewrite a ScanGrad of a pushed-out scan: its loop differentiates the new step and
    the gradients of the new sequences flow to the old inputs outside the loop."""
    gop = node.op
    fwd = gop.fwd
    ns, nst = fwd.n_seqs, fwd.n_states
    n_fwd_in = 1 + ns + nst + fwd.info.n_nonseq
    n_done, seqs, inits, nonseqs = fwd.outer_slices(list(node.inputs[:n_fwd_in]))
    # The loop's gradients are partial derivatives, each input taken apart: the
    # gradients of the new sequences are taken with respect to stand-ins of the inputs
    # (an input may depend on another, e.g. a sequence on the forward loop's weights).
    free = {p: node.inputs[p].type() for p in range(1, n_fwd_in)}
    _, free_seqs, _, free_nonseqs = fwd.outer_slices([n_done] + [free[p] for p in
                                                                 range(1, n_fwd_in)])
    free_new = _outer_sequences(fwd, plan, n_done, free_seqs, free_nonseqs)
    if free_new is None:
        return
    to_inputs = {free[p]: node.inputs[p] for p in free}
    new_seqs = clone_replace(free_new, to_inputs, strict=False)
    new_fwd = _pushed_op(fwd, plan)
    new_pos = {1 + i: 1 + a for a, i in enumerate(plan.keep_seq)}
    ns2 = len(plan.keep_seq) + len(new_seqs)
    new_pos.update({1 + ns + j: 1 + ns2 + j for j in range(nst)})
    new_pos.update({1 + ns + nst + q: 1 + ns2 + nst + a for a, q in enumerate(plan.keep_nonseq)})
    new_gop = ScanGrad(new_fwd, skip={new_pos[p] for p in gop.skip if p in new_pos})
    if new_gop.out_pos != gop.out_pos:
        return
    grads = new_gop(*([n_done] + [seqs[i] for i in plan.keep_seq] + new_seqs + inits
                      + [nonseqs[q] for q in plan.keep_nonseq] + list(node.inputs[n_fwd_in:])),
                    return_list=True)
    by_pos = dict(zip(new_gop.diff_outer, grads))
    known = {}
    for m, V in enumerate(free_new):
        g = by_pos.get(1 + len(plan.keep_seq) + m)
        if g is not None:
            # Seeded on a copy: one new sequence may also be computed from another
            # (``s`` and ``1 - s ** 2``); a known gradient on ``s`` itself would hide
            # the part coming back through the other.
            known[V.copy()] = g
    wrt = [p for p in gop.diff_outer if not 1 + ns <= p < 1 + ns + nst]
    outside = [None] * len(wrt)
    if known and wrt:
        with change_flags(compute_test_value="off"):
            outside = gradient.grad(None, [free[p] for p in wrt], known_grads=known,
                                    disconnected_inputs="ignore", return_disconnected="None")
        outside = [None if g is None else clone_replace(g, to_inputs, strict=False)
                   for g in outside]
    extra = dict(zip(wrt, outside))
    for p, old in zip(gop.diff_outer, node.outputs):
        parts = [g for g in (by_pos.get(new_pos.get(p)), extra.get(p)) if g is not None]
        if not parts:
            new = zeros_like(node.inputs[p])
        else:
            new = parts[0] if len(parts) == 1 else parts[0] + parts[1]
        if new.type.dtype != old.type.dtype:
            new = cast(new, old.type.dtype)
        if new.type != old.type:
            conv = old.type.convert_variable(new)
            if conv is None:
                return
            new = conv
        if old in fgraph.clients:
            fgraph.replace(old, new, reason="scan_push_out_seq")


@graph_rewriter
def scan_push_out_seq(fgraph):
    """Compute the step's sequence-only work on whole sequences before the loop."""
    for node in list(fgraph.toposort()):
        if node not in fgraph.apply_nodes:
            continue
        if isinstance(node.op, Scan):
            plan = _push_plan(node.op)
            if plan is not None:
                _push_forward(fgraph, node, plan)
        elif isinstance(node.op, ScanGrad) and not node.op.saved:
            plan = _push_plan(node.op.fwd)
            if plan is not None:
                _push_backward(fgraph, node, plan)


def _register():

    if "scan_save_mem" not in optdb:
        optdb.register("scan_save_mem", scan_save_mem, "fast_run", "scan", "scan_save_mem",
                       position=2.5)
    if "scan_grad_prune" not in optdb:
        optdb.register("scan_grad_prune", scan_grad_prune, "fast_run", "scan",
                       "scan_grad_prune", position=2.51)
    if "scan_push_out_seq" not in optdb:
        optdb.register("scan_push_out_seq", scan_push_out_seq, "fast_run", "scan",
                       "scan_push_out_seq", position=0.5)
    if "scan_save_forward" not in optdb:
        optdb.register("scan_save_forward", scan_save_forward, "fast_run", "scan",
                       "scan_save_forward", position=2.52)


_register()
