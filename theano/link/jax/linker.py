"""The JAX linker: a whole FunctionGraph as one ``jax.jit``-compiled function.

Linking looks up a JAX rule for every node (:mod:`theano.link.jax.registry`);
a node without one is an error here, naming the op and the line of user code
that built it.  The graph becomes one Python function of JAX arrays
(:func:`graph_function`), traced and compiled by XLA on the first call of each
input shape.

Values at the boundary:

* explicit inputs are NumPy arrays (already filtered by the Function); with a
  device mesh they are put on the devices split along the batch axis;
* shared variables keep their value on the device between calls: the first
  call uploads a NumPy value and stores the device array back in the
  variable's container; updated shared variables are *donated* to the call,
  so XLA may write the new value into the old buffer;
* explicit outputs come back as NumPy arrays; update values stay on the device.

Nodes whose inputs are all known at trace time (shapes are static under
``jit``) run their NumPy ``perform`` while tracing, so shape arithmetic stays
concrete and ops that need a static size (``Alloc``, ``Reshape``...) get one.
"""
import threading

import jax
import jax.numpy as jnp
import numpy as np

from theano.graph.basic import Constant, format_source_line
from theano.graph.sharedvalue import SharedVariable, mark_on_device, register_device_value
from theano.link.jax.registry import jax_rule

# Theano's float64/int64 types need JAX's 64-bit mode (off by default in JAX).
jax.config.update("jax_enable_x64", True)

__all__ = ["JaxProgram", "JaxCompileError", "graph_function", "node_function", "static",
           "register_jax_value", "Truncated"]

# A device array read through ``shared.get_value()`` comes back as NumPy.
register_device_value(type(jnp.zeros(())), np.asarray)


class JaxCompileError(TypeError):
    """A graph cannot be compiled for JAX (an op without a JAX implementation...)."""


# Conversions of input values per Type class: ``to_device(type, value)`` returns
# what the traced function receives (e.g. a JAX key for a NumPy RandomState).
_VALUE_RULES = {}


def register_jax_value(type_cls, to_device):
    _VALUE_RULES[type_cls] = to_device


def _value_rule(t):
    for klass in type(t).__mro__:
        if klass in _VALUE_RULES:
            return _VALUE_RULES[klass]
    return None


def _where(node):
    trace = getattr(node.tag, "trace", None)
    if trace:
        return "\nThe node was built at (your code):\n  %s" % format_source_line(trace)
    return "\nThe node was made by a graph rewrite (no user source line)."


def node_function(node):
    """The JAX function of one node (its registered rule), or a clear error."""
    rule = jax_rule(node.op)
    fn = rule(node.op, node) if rule is not None else None
    if fn is None:
        raise JaxCompileError(
            "No JAX implementation for the op %s (class %s.%s) in the node %s.%s\n"
            "Use another mode (FAST_RUN) for this function, or register one with "
            "theano.link.jax.registry.register_jax(%s)."
            % (node.op, type(node.op).__module__, type(node.op).__name__, node, _where(node),
               type(node.op).__name__))
    return fn


def static(value, what, node=None):
    """``value`` as a NumPy value known at trace time, or a clear error."""
    if isinstance(value, jax.core.Tracer):
        exc = JaxCompileError(
            "%s must be known when the function is compiled for JAX (XLA needs static "
            "shapes), but it depends on the values of the inputs%s"
            % (what, "" if node is None else " in the node %s.%s" % (node, _where(node))))
        exc.static_node = node
        raise exc
    return np.asarray(value)


class Truncated:
    """An output whose length is known only when the function runs (the steps done by a
    scan with ``until``): a buffer of the largest size and the count of valid rows.

    XLA needs static shapes, so such a value can only be an output of the whole
    function, cut to ``count`` rows on the host; a node using it inside the graph is a
    compile error.
    """

    __slots__ = ("buffer", "count", "node", "k")

    def __init__(self, buffer, count, node, k):
        self.buffer, self.count, self.node, self.k = buffer, count, node, k


def _truncated_row(node, args):
    """``out[i]`` (a constant integer, e.g. -1) of a Truncated value: one dynamic row."""
    from jax import lax

    from theano.tensor.subtensor import Subtensor

    a = args[0] if args else None
    if not (isinstance(a, Truncated) and type(node.op) is Subtensor
            and len(node.op.idx_list) == 1 and isinstance(node.op.idx_list[0], int)):
        return None
    i = node.op.idx_list[0]
    row = a.count + i if i < 0 else jnp.minimum(i, a.count - 1)
    return lax.dynamic_index_in_dim(a.buffer, row, keepdims=False)


def _refuse_truncated(node, args):
    for a in args:
        if isinstance(a, Truncated):
            raise JaxCompileError(
                "Output %d of %s (a loop with `until`) has a length known only when the "
                "function runs, and XLA needs static shapes: in JAX mode it can be an output "
                "of the function, or be used as its last value (out[-1]), but the node %s "
                "uses it.%s\nThe loop:%s"
                % (a.k, a.node.op, node, _where(node), _where(a.node)))


def _is_concrete(v):
    return isinstance(v, (np.ndarray, np.generic, int, float, bool, complex))


def _check_output(node, k, value):
    t = node.outputs[k].type
    dtype = getattr(t, "dtype", None)
    if dtype is None or not hasattr(value, "dtype"):
        return value
    ndim = getattr(t, "ndim", None)
    if ndim is not None and np.ndim(value) != ndim:
        raise JaxCompileError("JAX rule of %s returned a value of %d dimensions for output %d, "
                              "expected %d%s" % (node.op, np.ndim(value), k, ndim, _where(node)))
    if value.dtype != dtype:
        value = value.astype(dtype) if isinstance(value, np.ndarray) else jnp.asarray(
            value, dtype=dtype)
    return value


def _perform(node, values):
    """Run the node's NumPy reference on values known at trace time."""
    cells = [[None] for _ in node.outputs]
    node.op.make_thunk_fn(node)(list(values), cells)
    return [c[0] for c in cells]


def graph_function(inputs, outputs, nodes=None):
    """A function ``f(*input_values) -> tuple of output values`` evaluating the graph
    ``inputs -> outputs`` with the nodes' JAX rules (to be traced by JAX).

    ``nodes`` is the topological order (computed when not given).  Used for whole
    functions and for the inner graphs of scan, ifelse and Composite.
    """
    from theano.graph.basic import io_toposort

    if nodes is None:
        nodes = io_toposort(inputs, outputs)
    index = {v: k for k, v in enumerate(inputs)}
    consts = {}  # slot -> constant value

    def slot_of(v):
        if v not in index:
            if not isinstance(v, Constant):
                raise JaxCompileError("The variable %s is neither an input nor a constant "
                                      "of the graph" % v)
            index[v] = len(index)
            consts[index[v]] = v.data
        return index[v]

    plan = []
    for node in nodes:
        fn = node_function(node)
        ins = tuple(slot_of(v) for v in node.inputs)
        for v in node.outputs:
            index[v] = len(index)
        plan.append((node, fn, ins, tuple(index[v] for v in node.outputs)))
    out_slots = [slot_of(v) for v in outputs]
    n = len(inputs)
    n_slots = len(index)
    const_items = list(consts.items())

    def run(*values):
        env = [None] * n_slots
        env[:n] = values
        for s, c in const_items:
            env[s] = c
        for node, fn, ins, outs in plan:
            args = [env[i] for i in ins]
            if getattr(fn, "jax_identity", False):
                env[outs[0]] = args[0]
                continue
            row = _truncated_row(node, args)
            if row is not None:
                env[outs[0]] = row
                continue
            _refuse_truncated(node, args)
            try:
                if all(_is_concrete(a) for a in args) and not _stateful(node):
                    res = _perform(node, args)
                else:
                    res = fn(*args)
                    if len(outs) == 1:
                        res = (res,)
                for k, (s, r) in enumerate(zip(outs, res)):
                    env[s] = _check_output(node, k, r)
            except JaxCompileError:
                raise
            except Exception as exc:
                shapes = [tuple(np.shape(a)) if hasattr(a, "shape") else type(a).__name__
                          for a in args]
                raise type(exc)("%s\nApply node that caused the error (while compiling for "
                                "JAX): %s\nInputs types: %s\nInputs shapes: %s%s"
                                % (exc, node, [str(i.type) for i in node.inputs], shapes,
                                   _where(node))).with_traceback(exc.__traceback__) from None
        # A Truncated output leaves the jitted function as (buffer, count).
        return tuple((v.buffer, v.count) if isinstance(v, Truncated) else v
                     for v in (env[s] for s in out_slots))

    return run


def _stateful(node):
    # Random draws must not run in NumPy at trace time, even with constant inputs.
    return getattr(node.op, "jax_stateful", False) or any(
        _value_rule(v.type) is not None for v in node.inputs)


class JaxProgram:
    """A linked function for JAX: one jitted callable for the whole graph.

    Shared values stay on the device (``keeps_device_values``): their containers are
    marked, so that a function of another mode brings them back to the host first
    (:func:`theano.graph.sharedvalue.bring_to_host`).

    Parameters
    ----------
    fgraph : FunctionGraph
    devices : list of jax.Device, int or None
        Data parallelism over these devices (an int: the first ``n`` of
        ``jax.devices()``); None: JAX's default device.
    batch_axis : int
        The axis of the explicit inputs split among the devices.
    shared_sharding : dict, optional
        ``{shared_variable: PartitionSpec or tuple}``: a shared variable split over
        the mesh axis ``'batch'`` instead of replicated.
    """

    keeps_device_values = True

    def __init__(self, fgraph, devices=None, batch_axis=0, shared_sharding=None):
        self.fgraph = fgraph
        self.nodes = fgraph.toposort()
        inputs = fgraph.inputs
        self._fn = graph_function(inputs, fgraph.outputs, self.nodes)
        self.n_inputs = len(inputs)
        self.update_mapping = dict(fgraph.update_mapping or {})
        self.update_outputs = set(self.update_mapping)
        self.shared_inputs = [k for k, v in enumerate(inputs) if isinstance(v, SharedVariable)]
        self.shared_containers = [inputs[k].container for k in self.shared_inputs]
        self.value_rules = [_value_rule(v.type) for v in inputs]
        donate = sorted(set(self.update_mapping.values()))
        self.mesh = None
        self.input_shardings = None
        kwargs = {}
        if devices is not None:
            self.mesh, self.input_shardings = self._shardings(devices, batch_axis,
                                                             shared_sharding or {})
            kwargs["in_shardings"] = tuple(self.input_shardings)
            out_sh = []
            for k in range(len(fgraph.outputs)):
                j = self.update_mapping.get(k)
                out_sh.append(self.input_shardings[j] if j is not None else None)
            kwargs["out_shardings"] = tuple(out_sh)
        self.donated = donate
        self.jit_options = kwargs
        # Explicit integer scalars that set a size (scan's n_steps, an alloc shape...):
        # compiled as constants, one compilation per value (found on the first trace).
        self.static_inputs = ()
        self.jitted = self._jit()
        self.lock = threading.Lock()

    def _jit(self):
        kwargs = dict(self.jit_options)
        static = self.static_inputs
        if static and "in_shardings" in kwargs:
            kwargs["in_shardings"] = tuple(sh for k, sh in enumerate(kwargs["in_shardings"])
                                           if k not in static)
        if not static:
            return jax.jit(self._fn, donate_argnums=tuple(self.donated), **kwargs)
        dtypes = {k: self.fgraph.inputs[k].type.dtype for k in static}
        fn = self._fn

        def with_constants(*values):
            values = list(values)
            for k, d in dtypes.items():
                values[k] = np.asarray(values[k], dtype=d)
            return fn(*values)

        return jax.jit(with_constants, donate_argnums=tuple(self.donated),
                       static_argnums=tuple(static), **kwargs)

    def make_static(self, exc):
        """After a trace failed for want of a static value: compile the explicit integer
        scalar inputs it depends on as constants.  False if there are none (new) to make."""
        from theano.graph.basic import ancestors

        node = getattr(exc, "static_node", None)
        if node is None:
            return False
        index = {v: k for k, v in enumerate(self.fgraph.inputs)}
        found = set()
        for v in ancestors(list(node.inputs)):
            k = index.get(v)
            t = v.type
            if (k is not None and not isinstance(v, SharedVariable)
                    and getattr(t, "ndim", None) == 0
                    and str(getattr(t, "dtype", "")).startswith(("int", "uint"))):
                found.add(k)
        if not found - set(self.static_inputs):
            return False
        self.static_inputs = tuple(sorted(found | set(self.static_inputs)))
        self.jitted = self._jit()
        return True

    # Distinct values of the constant inputs after which a warning says compiling again
    # for each one may cost more than it saves.
    MANY_COMPILES = 8

    def call(self, values):
        """One call of the jitted function (values already on the devices)."""
        if self.static_inputs:
            for k in self.static_inputs:
                values[k] = int(values[k])
            self._count_static_values(values)
        while True:
            try:
                return self.jitted(*values)
            except JaxCompileError as exc:
                if not self.make_static(exc):
                    raise
                for k in self.static_inputs:
                    values[k] = int(values[k])
                self._count_static_values(values)

    def _count_static_values(self, values):
        seen = self.__dict__.setdefault("_static_seen", set())
        if len(seen) > self.MANY_COMPILES:
            return
        seen.add(tuple(values[k] for k in self.static_inputs))
        if len(seen) > self.MANY_COMPILES:
            import warnings

            names = [str(self.fgraph.inputs[k]) for k in self.static_inputs]
            warnings.warn(
                "JAX mode: the input(s) %s set a size in this function (scan's n_steps, a "
                "shape, a slice bound), so each new value compiles the function again: %d "
                "values so far. If they keep changing (a minibatch index), give the graph "
                "sizes that do not depend on them (pass the minibatch itself as an input), "
                "or use another mode." % (", ".join(names), len(seen)), stacklevel=4)

    def _shardings(self, devices, batch_axis, shared_sharding):
        from jax.sharding import Mesh, NamedSharding, PartitionSpec

        if isinstance(devices, int):
            if devices > len(jax.devices()):
                raise ValueError("Mode(devices=%d): JAX has only %d devices (%s)"
                                 % (devices, len(jax.devices()), jax.devices()))
            devices = jax.devices()[:devices]
        devices = list(devices)
        mesh = Mesh(np.array(devices), ("batch",))
        by_container = {v.container: spec for v, spec in shared_sharding.items()}
        out = []
        for v in self.fgraph.inputs:
            ndim = getattr(v.type, "ndim", 0)
            if isinstance(v, SharedVariable):
                spec = by_container.get(v.container, ())
                out.append(NamedSharding(mesh, PartitionSpec(*spec)))
            elif ndim > batch_axis:
                out.append(NamedSharding(mesh, PartitionSpec(*([None] * batch_axis
                                                                + ["batch"]))))
            else:
                out.append(NamedSharding(mesh, PartitionSpec()))
        return mesh, out

    def new_frame(self, input_cells):
        return JaxFrame(self, input_cells)

    def device_inputs(self, values):
        """The values put on the devices as the compiled function receives them."""
        if self.input_shardings is None:
            return values
        out = []
        for v, sh in zip(values, self.input_shardings):
            if isinstance(v, jax.Array) and v.sharding == sh:
                out.append(v)
            else:
                out.append(jax.device_put(v, sh))
        return out


class JaxFrame:
    """The cells of one caller; :meth:`run` makes one call of the jitted function."""

    __slots__ = ("program", "cells", "_outputs")

    def __init__(self, program, input_cells):
        self.program = program
        cells = list(input_cells)
        while len(cells) < program.n_inputs:
            cells.append([None])
        self.cells = [c if c is not None else [None] for c in cells]
        self._outputs = None

    def run(self):
        prog = self.program
        cells = self.cells
        values = [c[0] for c in cells[:prog.n_inputs]]
        for k, rule in enumerate(prog.value_rules):
            if rule is not None:
                values[k] = rule(prog.fgraph.inputs[k].type, values[k])
        for k in prog.shared_inputs:
            v = values[k]
            if not isinstance(v, jax.Array):
                # First use on the device: upload once, keep the device array.
                sh = None if prog.input_shardings is None else prog.input_shardings[k]
                v = jax.device_put(v, sh) if sh is not None else jnp.asarray(v)
                values[k] = v
                cells[k][0] = v
        for c in prog.shared_containers:
            mark_on_device(c)
        if prog.input_shardings is not None:
            values = prog.device_inputs(values)
        elif prog.donated:
            # A buffer given twice (the same device array in two donated inputs) cannot
            # be donated twice.
            seen = set()
            for k in prog.donated:
                if id(values[k]) in seen:
                    values[k] = jnp.array(values[k], copy=True)
                seen.add(id(values[k]))
        try:
            outs = prog.call(values)
        except Exception as exc:
            if isinstance(exc, JaxCompileError):
                raise
            raise type(exc)("%s\n(in the JAX function compiled from the graph with outputs %s)"
                            % (exc, prog.fgraph.outputs)).with_traceback(
                                exc.__traceback__) from None
        upd = prog.update_outputs
        self._outputs = [o if k in upd and not isinstance(o, tuple) else _to_host(o)
                         for k, o in enumerate(outs)]

    def outputs(self):
        return self._outputs

    def clear(self):
        self._outputs = None


def _to_host(value):
    if isinstance(value, tuple):  # a Truncated output: (buffer, count)
        buf, count = value
        return np.array(buf[:int(count)])
    if isinstance(value, jax.Array):
        if jax.dtypes.issubdtype(value.dtype, jax.dtypes.prng_key):
            return value
        # A writable NumPy copy, as the other modes return.
        return np.array(value)
    return value
