"""``theano.scan``: build a :class:`~theano.scan.op.Scan` node from a Python step function."""
import numbers
from collections import OrderedDict

import numpy as np

from theano.configparser import config
from theano.graph.basic import Constant, Variable, ancestors, io_toposort
from theano.graph.replace import clone_replace
from theano.graph.sharedvalue import SharedVariable
from theano.scan.op import Scan, ScanInfo, is_sit_sot
from theano.scan.utils import OrderedUpdates, get_updates_and_outputs, safe_new, tap_name
from theano.tensor.basic import as_tensor_variable, cast, constant
from theano.tensor.math import minimum
from theano.tensor.shape import shape_i
from theano.tensor.type import TensorType

__all__ = ["scan"]


def _wrap(x):
    if x is None:
        return []
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _as_var(x, what):

    if isinstance(x, Variable):
        return x
    try:
        return as_tensor_variable(x)
    except TypeError as exc:
        raise TypeError("scan: %s must be a symbolic variable or a value convertible to a "
                        "tensor, got %r (%s)" % (what, x, exc)) from None


def _int_taps(taps, what):
    out = []
    for k in _wrap(taps):
        if isinstance(k, (bool, np.bool_)) or not isinstance(k, (numbers.Integral, np.integer)):
            raise TypeError("scan: %s taps must be integers, got %r" % (what, k))
        out.append(int(k))
    if not out:
        raise ValueError("scan: %s has an empty list of taps" % what)
    return out


def _normalize_sequences(sequences):
    specs = []
    for i, s in enumerate(_wrap(sequences)):
        if isinstance(s, dict):
            if "input" not in s:
                raise ValueError("scan: sequences[%d] is a dict without the mandatory 'input' "
                                 "key" % i)
            var, taps = s["input"], s.get("taps", None)
            taps = [0] if taps is None else _int_taps(taps, "sequences[%d]" % i)
        else:
            var, taps = s, [0]
        var = _as_var(var, "sequences[%d]" % i)
        if not isinstance(var.type, TensorType) or var.type.ndim < 1:
            raise TypeError("scan: sequences[%d] (%s) must be a tensor with at least one "
                            "dimension to iterate over, got type %s" % (i, var, var.type))
        specs.append((var, taps))
    return specs


def _normalize_outputs_info(outputs_info):
    """One entry per output: None (not fed back) or ``[initial, taps, was_literal]``."""
    specs = []
    for i, o in enumerate(_wrap(outputs_info)):
        if o is None:
            specs.append(None)
            continue
        if isinstance(o, dict):
            if o.get("return_steps", None) is not None:
                raise ValueError("scan: `return_steps` is not supported (deprecated in Theano): "
                                 "select the steps you need with a subtensor; scan keeps only "
                                 "the steps that are used.")
            init, taps = o.get("initial", None), o.get("taps", None)
            if init is None:
                if taps:
                    raise ValueError("scan: outputs_info[%d] gives taps %s but no initial "
                                     "state: taps of an output need dict(initial=..., taps=...)"
                                     % (i, taps))
                specs.append(None)
                continue
            if taps is not None and len(_wrap(taps)) == 0:
                specs.append(None)
                continue
            taps = [-1] if taps is None else _int_taps(taps, "outputs_info[%d]" % i)
        else:
            init, taps = o, [-1]
        if any(k >= 0 for k in taps):
            raise ValueError("scan: outputs_info[%d] asks for taps %s, but an output can only "
                             "use its past values (negative taps)" % (i, taps))
        literal = not isinstance(init, Variable)
        specs.append([_as_var(init, "outputs_info[%d]" % i), taps, literal])
    return specs


def _n_steps_var(n_steps):

    if isinstance(n_steps, (float, np.floating)):
        if float(n_steps) != int(n_steps):
            raise ValueError("scan: n_steps must be an integer, got %r" % (n_steps,))
        n_steps = int(n_steps)
    if isinstance(n_steps, (numbers.Integral, np.integer)):
        if n_steps < 0:
            raise ValueError("scan: n_steps must be >= 0, got %d (use go_backwards=True to "
                             "iterate from the end of the sequences)" % n_steps)
        return as_tensor_variable(np.asarray(n_steps, dtype="int64"))
    var = _as_var(n_steps, "n_steps")
    dtype = getattr(var.type, "dtype", "")
    if getattr(var.type, "ndim", None) != 0 or dtype[:3] not in ("int", "uin"):
        raise ValueError("scan: n_steps must be an integer scalar, got %s of type %s"
                         % (var, var.type))
    return cast(var, "int64") if dtype != "int64" else var


def _copy_test_values(outer, placeholders, rows):
    """Give placeholders the test value of ``outer`` (or of its ``rows``), if test values are on."""
    if config.compute_test_value == "off":
        return
    try:
        value = outer.get_test_value()
    except AttributeError:
        return
    for k, p in enumerate(placeholders):
        try:
            p.tag.test_value = value if rows is None else np.asarray(value)[rows[k]]
        except IndexError:
            return


def _update_value(var, expr):
    """``expr`` as a valid new value of the shared variable ``var``, or a clear error."""

    if not isinstance(expr, Variable):
        expr = var.type.filter_variable(expr)
    if expr.type != var.type:
        conv = var.type.convert_variable(expr)
        if conv is None and isinstance(var.type, TensorType):
            conv = var.type.convert_variable(as_tensor_variable(expr))
        if conv is None:
            raise TypeError(
                "scan: the update of the shared variable %s inside fn has type %s, but the "
                "variable has type %s. Cast the update (e.g. .astype(%r)) so it keeps the "
                "type of the shared variable." % (var, expr.type, var.type,
                                                  getattr(var.type, "dtype", "?")))
        expr = conv
    return expr


def _collect_default_updates(roots, updates, non_seqs):
    """Add the ``default_update`` of shared variables used by ``roots`` (random streams).

    The search stops at the non-sequences: a value passed as a non-sequence
    (a random sample drawn outside fn, say) is a fixed input of every step,
    so its random state is not updated inside the loop.
    """
    while True:
        new = [v for v in ancestors(roots + list(updates.values()), blockers=non_seqs)
               if isinstance(v, SharedVariable) and v not in updates
               and getattr(v, "default_update", None) is not None]
        if not new:
            return
        for v in dict.fromkeys(new):
            updates[v] = _update_value(v, v.default_update)


def _state_mismatch(i, init, out, spec_literal):
    return TypeError(
        "scan: output %d of fn is fed back (outputs_info[%d] = %s), but fn returned %s of type "
        "%s while the initial state has type %s%s. Each step must return a value of the type "
        "(dtype and number of dimensions) of the initial state: cast the result in fn (e.g. "
        "`.astype(%r)`) or give an initial state of dtype %s."
        % (i, i, init, out, out.type, init.type,
           " (made from the literal value given in outputs_info)" if spec_literal else "",
           getattr(init.type, "dtype", "?"), getattr(out.type, "dtype", "?")))


def scan(fn, sequences=None, outputs_info=None, non_sequences=None, n_steps=None,
         truncate_gradient=-1, go_backwards=False, mode=None, name=None, profile=False,
         allow_gc=None, strict=False, return_list=False):
    """Repeat ``fn`` over sequences and/or past outputs; return ``(outputs, updates)``.

    Parameters
    ----------
    fn : callable
        Builds one step. It receives, in order: the slices of every sequence
        (one per tap), the past values of every output fed back (one per tap,
        in the order of ``outputs_info``), then the ``non_sequences``. It
        returns the outputs of the step, optionally an updates dict and/or a
        :class:`~theano.scan.utils.until` condition.
    sequences : variable, dict or list of them
        Iterated over their first axis; ``dict(input=x, taps=[-1, 0, 1])``
        gives several slices per step (default taps ``[0]``).
    outputs_info : list
        One entry per output of ``fn``: ``None`` (not fed back), an initial
        state (tap ``-1``) or ``dict(initial=x0, taps=[-2, -1])`` (``x0``
        stacks the past steps along a new first axis).
    non_sequences : list
        Passed unchanged to every step.  Other variables (shared or not) used
        by ``fn`` are found automatically.
    n_steps : int or integer scalar, optional
        Number of steps (default: the length of the shortest sequence).
    truncate_gradient : int
        Back-propagate through at most this many steps (``-1``: all).
    go_backwards : bool
        Iterate over the sequences from their end.
    mode : optional
        Compilation mode of the step function.
    name : str, optional
        Name of the loop, shown in error messages and printouts.
    strict : bool
        Every variable used by ``fn`` must be given in ``sequences``,
        ``outputs_info`` or ``non_sequences``.
    return_list : bool
        Return a list even for a single output.

    Returns
    -------
    outputs : variable, list of variables or None
        Each output of ``fn`` stacked over the steps (shape ``(n_steps, ...)``).
    updates : OrderedUpdates
        New values of the shared variables updated inside ``fn`` (including
        random streams); pass it to ``theano.function(..., updates=updates)``.

    Examples
    --------
    >>> import numpy as np, theano, theano.tensor as T
    >>> A, k = T.vector('A'), T.iscalar('k')
    >>> out, upd = theano.scan(lambda prior, A: prior * A, outputs_info=T.ones_like(A),
    ...                        non_sequences=A, n_steps=k)
    >>> f = theano.function([A, k], out[-1], updates=upd)
    >>> f(np.arange(4, dtype=theano.config.floatX), 2).tolist()
    [0.0, 1.0, 4.0, 9.0]
    """
    if not callable(fn):
        raise TypeError("scan: fn must be callable, got %r" % (fn,))
    seq_specs = _normalize_sequences(sequences)
    out_specs = _normalize_outputs_info(outputs_info)
    non_seqs = [_as_var(x, "non_sequences[%d]" % i) for i, x in enumerate(_wrap(non_sequences))]
    n_steps_var = None if n_steps is None else _n_steps_var(n_steps)
    if n_steps_var is None and not seq_specs:
        raise ValueError("scan: no information about the number of steps: provide n_steps or "
                         "at least one sequence")
    if truncate_gradient is None:
        truncate_gradient = -1
    truncate_gradient = int(truncate_gradient)
    if truncate_gradient == 0 or truncate_gradient < -1:
        raise ValueError("scan: truncate_gradient must be -1 (full back-propagation) or a "
                         "positive number of steps, got %d" % truncate_gradient)

    # Placeholders for the slices of the sequences and the past values of the states.
    seq_phs = []
    for var, taps in seq_specs:
        row = TensorType(var.type.dtype, var.type.broadcastable[1:])
        phs = [row.make_variable(tap_name(var.name, k)) for k in taps]
        lo = min(min(taps), 0)
        _copy_test_values(var, phs, [k - lo for k in taps])
        seq_phs.append(phs)

    def state_placeholder_type(init, taps):
        if is_sit_sot(taps):
            return init.type
        if not isinstance(init.type, TensorType) or init.type.ndim < 1:
            raise TypeError("scan: the initial state %s used with taps %s must be a tensor "
                            "stacking the past steps along its first axis" % (init, taps))
        return TensorType(init.type.dtype, init.type.broadcastable[1:])

    state_phs = []
    for spec in out_specs:
        if spec is None:
            state_phs.append(None)
            continue
        init, taps, _ = spec
        t = state_placeholder_type(init, taps)
        phs = [t.make_variable(tap_name(init.name, k)) for k in taps]
        _copy_test_values(init, phs, None if is_sit_sot(taps) else [k - min(taps) for k in taps])
        state_phs.append(phs)

    args = [p for phs in seq_phs for p in phs]
    args += [p for phs in state_phs if phs is not None for p in phs]
    args += non_seqs
    condition, outputs, updates = get_updates_and_outputs(fn(*args))
    outputs = [_as_var(o, "output %d of fn" % i) for i, o in enumerate(outputs)]

    if not out_specs:
        out_specs = [None] * len(outputs)
        state_phs = [None] * len(outputs)
    elif len(out_specs) != len(outputs):
        raise ValueError(
            "scan: fn returned %d outputs but outputs_info has %d entries. Give one entry per "
            "output of fn, with None for the outputs that are not fed back to fn (like in a "
            "map)." % (len(outputs), len(out_specs)))

    upd = OrderedDict()
    for var, expr in updates.items():
        if not isinstance(var, SharedVariable):
            raise TypeError("scan: fn returned an update for %s, which is not a shared "
                            "variable (theano.shared)" % (var,))
        upd[var] = _update_value(var, expr)
    _collect_default_updates(outputs + ([condition] if condition is not None else []), upd,
                             non_seqs)

    # Make each state's placeholder type agree with what fn returns.
    for _ in range(8):
        retype = {}
        for i, (spec, out) in enumerate(zip(out_specs, outputs)):
            if spec is None:
                continue
            init, taps, literal = spec
            want = state_phs[i][0].type
            if want == out.type:
                continue
            if not isinstance(want, TensorType) or not isinstance(out.type, TensorType) \
                    or want.ndim != out.type.ndim:
                raise _state_mismatch(i, init, out, literal)
            if want.dtype != out.type.dtype:
                if isinstance(init, Constant) and np.can_cast(
                        init.data.dtype, out.type.dtype, "same_kind") and np.array_equal(
                        init.data.astype(out.type.dtype), init.data):
                    # A constant initial value (often autocast narrowly) takes the output dtype.
                    init = spec[0] = constant(init.data, dtype=out.type.dtype)
                else:
                    raise _state_mismatch(i, init, out, literal)
            bcast = tuple(a and b for a, b in zip(want.broadcastable, out.type.broadcastable))
            new_t = TensorType(out.type.dtype, bcast)
            if new_t != want:
                for p in state_phs[i]:
                    retype[p] = new_t.make_variable(p.name)
        if not retype:
            break
        roots = outputs + list(upd.values()) + ([condition] if condition is not None else [])
        roots = clone_replace(roots, retype, strict=False)
        n_o = len(outputs)
        outputs, new_vals = roots[:n_o], roots[n_o:n_o + len(upd)]
        upd = OrderedDict((k, _update_value(k, v)) for k, v in zip(upd, new_vals))
        if condition is not None:
            condition = roots[-1]
        state_phs = [None if phs is None else [retype.get(p, p) for p in phs]
                     for phs in state_phs]

    # Inner graph: states (user order, then shared updates), nit_sot outputs, condition.
    state_pos = [i for i, s in enumerate(out_specs) if s is not None]
    nit_pos = [i for i, s in enumerate(out_specs) if s is None]
    shared_states = list(upd)
    shared_phs = [safe_new(v) for v in shared_states]
    inner_outs = ([outputs[i] for i in state_pos] + list(upd.values())
                  + [outputs[i] for i in nit_pos])
    if condition is not None:
        inner_outs.append(condition)
    local_inputs = [p for phs in seq_phs for p in phs]
    local_inputs += [p for i in state_pos for p in state_phs[i]]
    frontier = _loop_invariants(inner_outs, set(local_inputs) | set(shared_states), non_seqs)
    if strict:
        # As in Theano 1.0, strict concerns shared variables only: other free
        # variables of fn become non-sequences in either mode.
        allowed = set(non_seqs)
        for f in frontier:
            for leaf in ancestors([f], blockers=allowed):
                if isinstance(leaf, SharedVariable) and leaf not in allowed:
                    raise ValueError(
                        "scan(strict=True): fn uses the shared variable %s, which is not "
                        "given in non_sequences" % (leaf,))
    frontier_phs = [safe_new(f) for f in frontier]
    replace = dict(zip(shared_states, shared_phs))
    replace.update(zip(frontier, frontier_phs))
    inner_outs = clone_replace(inner_outs, replace, strict=True) if replace else inner_outs
    inner_ins = local_inputs + shared_phs + frontier_phs

    if n_steps_var is None:

        for (var, taps) in seq_specs:
            span = max(max(taps), 0) - min(min(taps), 0)
            length = shape_i(var, 0) - span if span else shape_i(var, 0)
            n_steps_var = length if n_steps_var is None else minimum(n_steps_var, length)

    info = ScanInfo(
        seq_taps=tuple(tuple(t) for _, t in seq_specs),
        state_taps=tuple(tuple(out_specs[i][1]) for i in state_pos) + ((-1,),) * len(
            shared_states),
        state_store=("all",) * len(state_pos) + ("last",) * len(shared_states),
        nit_store=("all",) * len(nit_pos),
        n_nonseq=len(frontier),
        as_while=condition is not None,
        go_backwards=bool(go_backwards),
        truncate_gradient=truncate_gradient,
        name=name, mode=mode, profile=profile,
        allow_gc=config.allow_gc if allow_gc is None else allow_gc)
    op = Scan(inner_ins, inner_outs, info)
    outer = ([n_steps_var] + [v for v, _ in seq_specs] + [out_specs[i][0] for i in state_pos]
             + shared_states + frontier)
    results = op(*outer, return_list=True)

    user_outs = [None] * len(out_specs)
    for k, i in enumerate(state_pos):
        user_outs[i] = results[k]
    n_st = len(state_pos) + len(shared_states)
    for k, i in enumerate(nit_pos):
        user_outs[i] = results[n_st + k]
    for k, i in enumerate(user_outs):
        if name and user_outs[k].name is None:
            user_outs[k].name = name
    update_map = OrderedUpdates()
    for k, v in enumerate(shared_states):
        update_map[v] = results[len(state_pos) + k]
    if len(user_outs) == 0:
        return None, update_map
    if len(user_outs) == 1 and not return_list:
        return user_outs[0], update_map
    return user_outs, update_map


def _constant_only(v, memo):
    if v in memo:
        return memo[v]
    if isinstance(v, Constant):
        r = True
    elif v.owner is None:
        r = False
    else:
        r = all(_constant_only(i, memo) for i in v.owner.inputs)
    memo[v] = r
    return r


def _loop_invariants(roots, local, non_seqs):
    """The outer values the loop body reads: the frontier of its loop-invariant part.

    Sub-expressions of ``roots`` that depend on no slice, past output or
    updated shared variable are computed once outside the loop (Theano's
    "scan push-out" rewrite); leaves of the body (non-sequences, shared
    variables, free variables) are part of the frontier too.
    """
    variant = set(local)
    for node in io_toposort(list(local), roots):
        if any(i in variant for i in node.inputs):
            variant.update(node.outputs)
    const_memo = {}
    frontier = OrderedDict()

    def consider(v):
        if v in variant or _constant_only(v, const_memo):
            return
        frontier[v] = None

    seen = set()
    for node in io_toposort(list(local), roots):
        if node in seen or not any(o in variant for o in node.outputs):
            continue
        seen.add(node)
        for i in node.inputs:
            consider(i)
    for r in roots:
        consider(r)
    # User non-sequences first, in their order, for readable printouts.
    ordered = [v for v in non_seqs if v in frontier]
    ordered += [v for v in frontier if v not in set(ordered)]
    return ordered
