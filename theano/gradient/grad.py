"""Symbolic differentiation: ``grad``, ``Lop``/``Rop``, ``jacobian``/``hessian``.

Reverse mode walks the graph once, from the cost back to ``wrt``: every
variable's gradient is the sum of the terms its consumers' ``L_op`` return,
so the gradient graph grows linearly with the forward graph and reuses its
outputs.  Three kinds of "gradient" flow through the walk:

* ordinary tensors;
* :class:`DisconnectedType` variables: the cost does not depend on this
  input at all (``Op.connection_pattern`` says so);
* :class:`NullType` variables: the gradient is undefined or not implemented
  (made by :func:`grad_undefined` / :func:`grad_not_implemented`).

Ops whose (connected) outputs are all integer-valued must give zero
gradients to their inputs: integers are piecewise constant.
"""
import functools
import operator
import warnings

import numpy as np

import theano.tensor as T
from theano.configparser import config
from theano.graph.basic import Variable, format_source_line, io_toposort
from theano.graph.null_type import disconnected_type, null_type
from theano.graph.null_type import is_disconnected as _is_disc, is_null as _is_null
from theano.tensor.basic import NotScalarConstantError, get_scalar_constant_value
from theano.tensor.grad_utils import sum_to_broadcast
from theano.tensor.gradient_ops import float_ones_like, float_zeros_like
from theano.tensor.type import TensorType

__all__ = ["grad", "Lop", "Rop", "subgraph_grad", "format_as", "DisconnectedInputError",
           "NullTypeGradError"]

_FLOAT = ("float16", "float32", "float64")
_COMPLEX = ("complex64", "complex128")
_DISCRETE = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


class DisconnectedInputError(ValueError):
    """``grad`` was asked for the gradient w.r.t. a variable the cost does not depend on."""


class NullTypeGradError(TypeError):
    """``grad`` met an undefined (NullType) gradient and ``null_gradients='raise'``."""


def format_as(use_list, use_tuple, outputs):
    """Return ``outputs`` as a list, a tuple or a single element."""
    if use_list:
        return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    if use_tuple:
        return tuple(outputs) if isinstance(outputs, (list, tuple)) else (outputs,)
    if isinstance(outputs, (list, tuple)):
        if len(outputs) != 1:
            raise ValueError("expected a single element, got %d" % len(outputs))
        return outputs[0]
    return outputs


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def _dtype(v):
    return getattr(v.type, "dtype", None)


def _trace_of(var):
    trace = getattr(var.tag, "trace", None)
    if not trace and var.owner is not None:
        trace = getattr(var.owner.tag, "trace", None)
    if trace:
        return "\nThe variable was created at:\n  %s" % format_source_line(trace)
    return ""


def _node_to_pattern(node, cache):
    if node in cache:
        return cache[node]
    pattern = node.op.connection_pattern(node)
    if not isinstance(pattern, list) or len(pattern) != len(node.inputs):
        raise TypeError("%s.connection_pattern should return a list with one list per input "
                        "(%d), got %r" % (node.op, len(node.inputs), pattern))
    for row in pattern:
        if not isinstance(row, list) or len(row) != len(node.outputs):
            raise TypeError("%s.connection_pattern: each row must be a list of %d bools, got "
                            "%r" % (node.op, len(node.outputs), row))
    cache[node] = pattern
    return pattern


def _is_zero(x):
    """'yes', 'no' or 'maybe': is the symbolic ``x`` known to be all zeros?"""
    if _is_null(x):
        return "no"
    if _is_disc(x):
        return "yes"
    # zeros_like(x) is second(x, 0): look through it.
    v = x
    while v.owner is not None and getattr(getattr(v.owner.op, "scalar_op", None), "name",
                                          None) == "second":
        v = v.owner.inputs[1]
    try:
        value = get_scalar_constant_value(v)
    except (NotScalarConstantError, TypeError, ValueError):
        return "maybe"
    return "yes" if np.all(np.asarray(value) == 0) else "no"


def _check_wrt(wrt):
    if isinstance(wrt, (set, frozenset)):
        raise TypeError("wrt must not be a set: sets have no defined iteration order, so the "
                        "gradients could not be returned in a matching order.")
    using_list, using_tuple = isinstance(wrt, list), isinstance(wrt, tuple)
    wrt = list(wrt) if (using_list or using_tuple) else [wrt]
    for k, elem in enumerate(wrt):
        if not isinstance(elem, Variable):
            raise TypeError("wrt[%d]: expected a symbolic Variable, got %r of type %s"
                            % (k, elem, type(elem).__name__))
    return wrt, using_list, using_tuple


# ---------------------------------------------------------------------------
# grad
# ---------------------------------------------------------------------------
def grad(cost, wrt, consider_constant=None, disconnected_inputs="raise", add_names=True,
         known_grads=None, return_disconnected="zero", null_gradients="raise"):
    """Symbolic gradient of ``cost`` with respect to ``wrt``.

    Parameters
    ----------
    cost : scalar (0-d) Variable or None
        What is differentiated; may be None when ``known_grads`` is given.
    wrt : Variable or list/tuple of Variable
        The result has the same structure.
    consider_constant : list of Variable, optional
        Variables not to back-propagate through.
    disconnected_inputs : {'raise', 'warn', 'ignore'}
        What to do for a ``wrt`` element the cost does not depend on.
    add_names : bool
        Name gradients ``(d<cost>/d<var>)`` when both have names.
    known_grads : dict, optional
        ``{variable: gradient}`` to start back-propagation from.
    return_disconnected : {'zero', 'None', 'Disconnected'}
        What is returned for a disconnected ``wrt`` element.
    null_gradients : {'raise', 'return'}
        What to do when a requested gradient is undefined (NullType).

    Returns
    -------
    Variable or list/tuple of Variable

    Examples
    --------
    >>> import theano.tensor as T
    >>> x = T.dscalar('x')
    >>> float(grad(x ** 2, x).eval({x: 10}))
    20.0
    """
    if disconnected_inputs not in ("raise", "warn", "ignore"):
        raise ValueError("Invalid value for keyword 'disconnected_inputs': %r; valid values "
                         "are 'ignore', 'warn' and 'raise'." % (disconnected_inputs,))
    if return_disconnected not in ("zero", "None", "Disconnected"):
        raise ValueError("Invalid value for keyword 'return_disconnected': %r; valid values "
                         "are 'zero', 'None' and 'Disconnected'." % (return_disconnected,))
    if null_gradients not in ("raise", "return"):
        raise ValueError("Invalid value for keyword 'null_gradients': %r; valid values are "
                         "'raise' and 'return'." % (null_gradients,))
    if cost is None and known_grads is None:
        raise ValueError("grad: cost and known_grads can't both be None.")
    if cost is not None:
        if not isinstance(cost, Variable):
            cost = T.as_tensor_variable(cost)
        if _is_null(cost):
            raise ValueError("Can't differentiate a NaN cost. cost is NaN because "
                             + cost.type.why_null)
        ndim = getattr(cost.type, "ndim", None)
        if ndim != 0:
            raise TypeError("cost must be a scalar. Got %s of type %s (%s dimensions); reduce "
                            "it first, e.g. with .sum() or .mean(), or use jacobian() or Lop()."
                            % (cost, cost.type, ndim))
    wrt, using_list, using_tuple = _check_wrt(wrt)
    consider_constant = _check_consider_constant(consider_constant)

    known = {}
    if known_grads is not None:
        for var, g in dict(known_grads).items():
            if not isinstance(var, Variable):
                raise TypeError("known_grads keys must be Variables, got %r" % (var,))
            if not isinstance(g, Variable):
                try:
                    g = T.as_tensor_variable(g)
                except TypeError:
                    raise TypeError("known_grads[%s] must be a symbolic variable, got %r"
                                    % (var, g)) from None
            if not (_is_null(g) or _is_disc(g)) and _dtype(g) not in _FLOAT + _COMPLEX:
                raise TypeError("Gradients must always be NullType, DisconnectedType, or "
                                "continuous, but grad was given the known_grad %s of type %s "
                                "for %s." % (g, g.type, var))
            known[var] = g

    outputs = ([cost] if cost is not None else []) + list(known)
    pattern_cache = {}
    var_to_app_to_idx = _populate_var_to_app_to_idx(outputs, wrt, consider_constant,
                                                    pattern_cache)
    grad_dict = {}
    if cost is not None:
        g_cost = known[cost] if cost in known else float_ones_like(cost)
        if _dtype(g_cost) is not None and _dtype(cost) in _FLOAT and \
                _dtype(g_cost) != _dtype(cost):
            g_cost = T.cast(g_cost, _dtype(cost))
        grad_dict[cost] = g_cost
    grad_dict.update((v, g) for v, g in known.items() if v is not cost)

    def handle_disconnected(var):
        if disconnected_inputs == "ignore":
            return
        message = ("grad method was asked to compute the gradient with respect to a variable "
                   "that is not part of the computational graph of the cost, or is used only "
                   "by a non-differentiable operator: %s (type %s)" % (var, var.type))
        if disconnected_inputs == "warn":
            warnings.warn(message, stacklevel=3)
        else:
            raise DisconnectedInputError(
                message + ". Pass disconnected_inputs='ignore' (or 'warn') to get a zero "
                "gradient instead." + _trace_of(var))

    reported = set()
    for elem in wrt:
        if elem not in var_to_app_to_idx and elem is not cost and elem not in grad_dict:
            handle_disconnected(elem)
            reported.add(elem)
            grad_dict[elem] = disconnected_type()

    cost_name = cost.name if (add_names and cost is not None) else None
    rval = _populate_grad_dict(var_to_app_to_idx, grad_dict, wrt, cost_name, pattern_cache)

    for i, g in enumerate(rval):
        if _is_null(g):
            if null_gradients == "raise":
                raise NullTypeGradError("tensor.grad encountered a NaN. " + g.type.why_null)
        elif _is_disc(g):
            if wrt[i] not in reported:
                handle_disconnected(wrt[i])
            if return_disconnected == "zero":
                rval[i] = (float_zeros_like(wrt[i]) if isinstance(wrt[i].type, TensorType)
                           else wrt[i].zeros_like())
            elif return_disconnected == "None":
                rval[i] = None
    return format_as(using_list, using_tuple, rval)


def _check_consider_constant(consider_constant):
    if consider_constant is None:
        return set()
    try:
        items = list(consider_constant)
    except TypeError:
        raise TypeError("consider_constant must be an iterable collection, got %s"
                        % type(consider_constant).__name__) from None
    for elem in items:
        if not isinstance(elem, Variable):
            raise TypeError("Elements of consider_constant must be variables, but got %r of "
                            "type %s" % (elem, type(elem).__name__))
    return set(items)


def _populate_var_to_app_to_idx(outputs, wrt, consider_constant, pattern_cache):
    """Map each variable linking ``wrt`` to ``outputs`` to ``{consumer node: [input idx]}``.

    Only true dependencies count (``connection_pattern``); a variable in
    ``consider_constant`` depends on nothing.
    """
    var_to_app_to_idx = {}
    accounted = set()
    stack = list(reversed(outputs))
    while stack:
        var = stack.pop()
        if var in accounted:
            continue
        accounted.add(var)
        if var in consider_constant or var.owner is None:
            continue
        node = var.owner
        pattern = _node_to_pattern(node, pattern_cache)
        out_idx = node.outputs.index(var)
        for i, ipt in enumerate(node.inputs):
            if not pattern[i][out_idx]:
                continue
            idx = var_to_app_to_idx.setdefault(ipt, {}).setdefault(node, [])
            if i not in idx:
                idx.append(i)
            if ipt not in accounted:
                stack.append(ipt)
    # Keep only the variables that depend on some element of wrt.
    visited = set()
    stack = list(wrt)
    while stack:
        var = stack.pop()
        if var in visited or var not in var_to_app_to_idx:
            continue
        visited.add(var)
        for node, idxs in var_to_app_to_idx[var].items():
            pattern = _node_to_pattern(node, pattern_cache)
            for i in idxs:
                for k, out in enumerate(node.outputs):
                    if pattern[i][k] and out not in visited:
                        stack.append(out)
    return {v: d for v, d in var_to_app_to_idx.items() if v in visited}


def _populate_grad_dict(var_to_app_to_idx, grad_dict, wrt, cost_name, pattern_cache):
    """Back-propagate through the nodes of ``var_to_app_to_idx``; return the grads of ``wrt``."""
    terms = {}
    nodes = set()
    for d in var_to_app_to_idx.values():
        nodes.update(d)
    sinks = [o for n in nodes for o in n.outputs]
    order = [n for n in io_toposort([], sinks) if n in nodes] if nodes else []

    def total(var):
        if var in grad_dict:
            return grad_dict[var]
        if var not in var_to_app_to_idx:
            grad_dict[var] = disconnected_type()
            return grad_dict[var]
        ts = terms.pop(var, [])
        nulls = [t for t in ts if _is_null(t)]
        real = [t for t in ts if not _is_disc(t) and not _is_null(t)]
        if nulls:
            g = nulls[0]
        elif not real:
            g = disconnected_type()
        else:
            vdt = _dtype(var)
            if vdt in _FLOAT:
                real = [t.astype(vdt) if _dtype(t) != vdt and _dtype(t) in _FLOAT else t
                        for t in real]
            real = [sum_to_broadcast(t, var) for t in real]
            if len(real) == 1:
                g = real[0]
            elif all(isinstance(t.type, TensorType) for t in real):
                g = T.add(*real)
            else:  # terms of other types (sparse) sum with their own operator
                g = functools.reduce(operator.add, real)
            if cost_name is not None and var.name is not None and g.name is None:
                g.name = "(d%s/d%s)" % (cost_name, var.name)
        grad_dict[var] = g
        return g

    for node in reversed(order):
        input_grads = _node_input_grads(node, [total(o) for o in node.outputs], pattern_cache)
        for i, ipt in enumerate(node.inputs):
            d = var_to_app_to_idx.get(ipt)
            if d is not None and i in d.get(node, ()):
                terms.setdefault(ipt, []).append(input_grads[i])
    return [total(elem) for elem in wrt]


def _node_input_grads(node, output_grads, pattern_cache):
    """Call ``node.op.L_op`` and check what it returns (Theano's op contract)."""
    op = node.op
    inputs = list(node.inputs)
    pattern = _node_to_pattern(node, pattern_cache)
    outputs_connected = [not _is_disc(g) for g in output_grads]
    inputs_connected = [any(p and c for p, c in zip(row, outputs_connected)) for row in pattern]
    ograd_is_nan = [_is_null(g) for g in output_grads]
    only_connected_to_nan = [
        not any(p and c and not n for p, c, n in zip(row, outputs_connected, ograd_is_nan))
        for row in pattern]
    output_is_int = [_dtype(o) in _DISCRETE for o in node.outputs]

    if not any(inputs_connected):
        return [disconnected_type() for _ in inputs]
    if all(only_connected_to_nan):
        return [null_type("The gradient of every connected output of %s is undefined." % op)
                if c else disconnected_type() for c in inputs_connected]

    # A destroyed input no longer holds its value after the node runs.
    destroyed = {node.inputs[i] for v in op.destroy_map.values() for i in v}
    if destroyed:
        inputs = [T.tensor_copy(i) if i in destroyed and hasattr(i, "ndim") else i
                  for i in inputs]
    new_ograds = []
    for o, g in zip(node.outputs, output_grads):
        odt, gdt = _dtype(o), _dtype(g)
        if odt not in _DISCRETE and gdt is not None and odt is not None and odt != gdt:
            g = g.astype(odt)
        new_ograds.append(g)
    _check_test_value_shapes(node.outputs, new_ograds, "output gradient", op)

    try:
        input_grads = op.L_op(inputs, node.outputs, new_ograds)
    except NotImplementedError as exc:
        raise NotImplementedError(
            "%s\nIt was needed to differentiate through the node %s%s"
            % (exc, node, ("\nwhich was built at:\n  %s" % format_source_line(node.tag.trace))
               if getattr(node.tag, "trace", None) else "")) from exc
    if input_grads is None:
        raise TypeError("%s.grad returned NoneType, expected a list with one gradient per "
                        "input." % op)
    if not isinstance(input_grads, (list, tuple)):
        raise TypeError("%s.grad returned %s, expected a list or tuple"
                        % (op, type(input_grads).__name__))
    input_grads = list(input_grads)
    if len(input_grads) != len(inputs):
        raise ValueError("%s.grad returned the wrong number of gradient terms: %d for %d "
                         "inputs." % (op, len(input_grads), len(inputs)))
    # An input linked to an undefined output gradient has an undefined gradient.
    for i in range(len(input_grads)):
        for k, nan in enumerate(ograd_is_nan):
            if nan and pattern[i][k] and input_grads[i] is not None and \
                    not _is_disc(input_grads[i]):
                input_grads[i] = output_grads[k]
    only_connected_to_int = [
        not any(p and c and not n for p, c, n in zip(row, outputs_connected, output_is_int))
        for row in pattern]
    for i, term in enumerate(input_grads):
        if term is None:
            raise TypeError("%s.grad returned None for a gradient term, this is prohibited. "
                            "Instead of None, return zeros_like(input), disconnected_type(), "
                            "or a NullType variable such as those made with the grad_undefined "
                            "or grad_not_implemented helper functions." % op)
        if not isinstance(term, Variable):
            raise TypeError("%s.grad returned %r for input %d, expected a Variable instance."
                            % (op, term, i))
        if not (_is_null(term) or _is_disc(term)):
            if _dtype(term) not in _FLOAT + _COMPLEX:
                raise TypeError("%s.grad illegally returned an integer-valued variable. (Input "
                                "index %d, dtype %s)" % (op, i, _dtype(term)))
            if only_connected_to_int[i] and _is_zero(term) == "no":
                raise ValueError("%s.grad returned %s for input %d. Since this input is only "
                                 "connected to integer-valued outputs, it should evaluate to "
                                 "zeros." % (op, term, i))
        connected = inputs_connected[i]
        actually = not _is_disc(term)
        if actually and not connected:
            raise TypeError("%s.grad returned %s of type %s for input %d. Expected a "
                            "DisconnectedType instance based on the output of the op's "
                            "connection_pattern method." % (op, term, term.type, i))
        if connected and not actually:
            raise TypeError("%s.grad returned DisconnectedType for input %d. Its "
                            "connection_pattern method does not allow this." % (op, i))
    _check_test_value_shapes(inputs, input_grads, "gradient term", op)
    return input_grads


def _check_test_value_shapes(vars_, grads, what, op):
    """With test values on, check every gradient has its variable's shape."""
    if config.compute_test_value == "off":
        return
    for k, (v, g) in enumerate(zip(vars_, grads)):
        if _is_disc(g) or _is_null(g):
            continue
        vv, gv = getattr(v.tag, "test_value", None), getattr(g.tag, "test_value", None)
        if vv is not None and gv is not None and np.shape(vv) != np.shape(gv):
            raise ValueError("%s: %s %d has shape %s but its variable has shape %s"
                             % (op, what, k, np.shape(gv), np.shape(vv)))


def subgraph_grad(wrt, end, start=None, cost=None, details=False):
    """Gradients w.r.t. ``wrt`` and ``end`` of ``cost`` and/or the known gradients ``start``.

    Back-propagation stops at ``end`` (considered constant); see Theano's
    documentation for the layer-by-layer use.  Returns ``(wrt_grads,
    end_grads)`` (plus ``start_grads, cost_grads`` with ``details``).
    """
    if cost is None and start is None:
        raise ValueError("subgraph_grad needs a cost or start gradients")
    if not isinstance(end, list) or not isinstance(wrt, list):
        raise TypeError("subgraph_grad: wrt and end must be lists")
    if start is not None and not isinstance(start, dict):
        raise TypeError("subgraph_grad: start must be a dict {variable: gradient}")
    params = list(dict.fromkeys(wrt + end))
    start_grads = cost_grads = None
    if start is not None:
        start_grads = list(grad(None, params, known_grads=start, consider_constant=end,
                                disconnected_inputs="ignore"))
    if cost is not None:
        cost_grads = list(grad(cost, params, consider_constant=end,
                               disconnected_inputs="ignore"))
    if start_grads is None:
        grads = cost_grads
    else:
        grads = list(start_grads)
        if cost_grads is not None:
            grads = [a + b for a, b in zip(grads, cost_grads)]
    pgrads = dict(zip(params, grads))
    wrt_grads = [pgrads[k] for k in wrt]
    end_grads = [pgrads[k] for k in end]
    if details:
        return wrt_grads, end_grads, start_grads, cost_grads
    return wrt_grads, end_grads


# ---------------------------------------------------------------------------
# Lop / Rop
# ---------------------------------------------------------------------------
def Lop(f, wrt, eval_points, consider_constant=None, disconnected_inputs="raise"):
    """Vector-Jacobian product: ``sum_i eval_points[i] * d f[i] / d wrt[j]`` for each ``j``.

    The result has the structure of ``wrt``.
    """
    if not isinstance(eval_points, (list, tuple)):
        eval_points = [eval_points]
    f = list(f) if isinstance(f, (list, tuple)) else [f]
    if len(f) != len(eval_points):
        raise ValueError("Lop: f has %d elements but eval_points has %d"
                         % (len(f), len(eval_points)))
    known = {}
    for k, (out, ev) in enumerate(zip(f, eval_points)):
        if not isinstance(ev, Variable):
            ev = T.as_tensor_variable(ev)
        ondim, endim = getattr(out.type, "ndim", None), getattr(ev.type, "ndim", None)
        if ondim is not None and endim is not None and ondim != endim:
            raise ValueError("Lop: element %d of f has %d dimensions but its eval point has %d"
                             % (k, ondim, endim))
        known[out] = ev
    using_list, using_tuple = isinstance(wrt, list), isinstance(wrt, tuple)
    ret = grad(None, wrt if (using_list or using_tuple) else [wrt], known_grads=known,
               consider_constant=consider_constant, disconnected_inputs=disconnected_inputs)
    return format_as(using_list, using_tuple, ret)


_ZERO = object()  # R-op marker: the directional derivative is known to be zero


def Rop(f, wrt, eval_points):
    """Jacobian-vector product: ``sum_j d f[i] / d wrt[j] * eval_points[j]`` for each ``i``.

    The result has the structure of ``f``.  Ops must implement ``R_op``.

    Examples
    --------
    >>> import theano.tensor as T
    >>> x, v = T.dvector('x'), T.dvector('v')
    >>> r = Rop(x ** 2, x, v)
    >>> r.eval({x: [1., 2.], v: [1., 1.]}).tolist()
    [2.0, 4.0]
    """
    using_list, using_tuple = isinstance(f, list), isinstance(f, tuple)
    f = list(f) if (using_list or using_tuple) else [f]
    wrt = list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]
    eval_points = list(eval_points) if isinstance(eval_points, (list, tuple)) else [eval_points]
    if len(wrt) != len(eval_points):
        raise ValueError("Rop: wrt has %d elements but eval_points has %d"
                         % (len(wrt), len(eval_points)))
    evmap = {}
    for k, (w, ev) in enumerate(zip(wrt, eval_points)):
        if not isinstance(w, Variable):
            raise TypeError("Rop: wrt[%d] must be a symbolic Variable, got %r" % (k, w))
        if not isinstance(ev, Variable):
            ev = T.as_tensor_variable(ev)
        wn, en = getattr(w.type, "ndim", None), getattr(ev.type, "ndim", None)
        if wn is not None and en is not None and wn != en:
            raise ValueError("Element %d of wrt/eval_point have mismatched dimensionality: %d "
                             "versus %d" % (k, wn, en))
        evmap[w] = ev

    values = dict(evmap)
    undefined = set()

    def ev_of(var):
        if var in values:
            return values[var]
        return _ZERO  # a leaf that is not in wrt, or a node that did not depend on wrt

    for node in io_toposort(list(evmap), f):
        local = [ev_of(i) for i in node.inputs]
        moved = [e is not _ZERO or i in undefined for i, e in zip(node.inputs, local)]
        if all(_dtype(o) in _DISCRETE for o in node.outputs):
            # Integer-valued outputs (shapes, indices...) do not move: zero for the ops
            # they feed, but asked for themselves they have no derivative (Theano 1.0).
            if any(moved):
                undefined.update(node.outputs)
            continue
        if all(e is _ZERO for e in local):
            continue
        args = []
        for ipt, e in zip(node.inputs, local):
            if e is _ZERO:
                try:
                    e = ipt.zeros_like()
                    # Lets R_ops skip it: 0 * (an infinite derivative) would be nan.
                    e.tag.rop_zero = True
                except (AttributeError, TypeError):
                    e = None  # non-differentiable input (a random state...)
            elif e is not None and hasattr(ipt.type, "dtype") and hasattr(e.type, "dtype"):
                if e.type.dtype != ipt.type.dtype:
                    e = T.cast(e, ipt.type.dtype)
            args.append(e)
        try:
            outs = node.op.R_op(node.inputs, args)
        except NotImplementedError as exc:
            raise NotImplementedError(
                "%s\nRop needed the R_op of the node %s, which is not implemented."
                % (exc, node)) from exc
        if not isinstance(outs, (list, tuple)) or len(outs) != len(node.outputs):
            raise ValueError("%s.R_op must return a list with one entry per output (%d), got "
                             "%r" % (node.op, len(node.outputs), outs))
        for o, r in zip(node.outputs, outs):
            if r is None or not getattr(r.tag, "rop_zero", False):
                values[o] = r  # (a result marked zero stays "no change", as for a leaf)
    rval = []
    for out in f:
        r = ev_of(out)
        if r is None or (r is _ZERO and out in undefined):
            raise ValueError("The function is not differentiable with respect to the provided "
                             "inputs: the R operator of %s is undefined." % out)
        if r is _ZERO:
            r = float_zeros_like(out)
        rval.append(r)
    return format_as(using_list, using_tuple, rval)
