"""Basic indexing ops: :class:`Subtensor` (ints and slices) and :class:`IncSubtensor`.

A Subtensor's output is a view.  Its ``idx_list`` prop describes the index:
Python ints and constant slice bounds are stored there (so equal indices give
equal ops), while symbolic bounds are graph inputs, marked in ``idx_list`` by
their scalar type.  The base classes and index helpers here are shared with
:mod:`theano.tensor.advsubtensor`; :mod:`theano.tensor.subtensor` turns a
user's ``x[...]`` into the right op.
"""
import numpy as np

from theano.graph.basic import Apply, Constant, Variable
from theano.graph.op import Op
from theano.scalar.basic import ScalarType, integer_dtypes
from theano.tensor.basic import (NotScalarConstantError, as_tensor_variable, constant)
from theano.tensor.shape import (MakeVector, Shape, _add, _const_or_none,
                                 _floordiv, _lt, _maximum, _minimum, _mul, _static_dim, _sub,
                                 _switch, make_vector, get_vector_length)
from theano.tensor.type import TensorType

__all__ = ["Subtensor", "IncSubtensor", "AdvancedIndexingError", "get_idx_list",
           "get_canonical_form_slice"]


class AdvancedIndexingError(TypeError):
    """An index needs advanced indexing, which a basic Subtensor cannot do."""


# ---------------------------------------------------------------------------
# idx_list entries
# ---------------------------------------------------------------------------
def _hashable(v):
    if isinstance(v, slice):
        return ("slice", _hashable(v.start), _hashable(v.stop), _hashable(v.step))
    if isinstance(v, (tuple, list)):
        return tuple(_hashable(e) for e in v)
    return v


def _is_marker(e):
    return isinstance(e, (ScalarType, TensorType))


def _scalar_entry(e, inputs, what="index"):
    """An int or None stays; a 0-d int variable becomes a marker (appended to ``inputs``)."""
    if e is None:
        return None
    if isinstance(e, (bool, np.bool_)):
        raise TypeError("A bool cannot be used as a %s; use an integer" % what)
    if isinstance(e, (int, np.integer)):
        return int(e)
    if isinstance(e, ScalarType):
        if e.dtype not in integer_dtypes:
            raise TypeError("%s must be an integer, got type %s" % (what, e))
        return e
    if isinstance(e, TensorType) and e.ndim == 0 and e.dtype in integer_dtypes:
        return ScalarType(e.dtype)
    if isinstance(e, Variable):
        v = as_tensor_variable(e)
        if v.type.ndim != 0 or v.type.dtype not in integer_dtypes:
            raise TypeError("The %s %s must be an integer scalar, got type %s" % (what, v, v.type))
        if inputs is None:
            # Building an op from a Theano-style idx_list: variables become markers.
            return ScalarType(v.type.dtype)
        if isinstance(v, Constant):
            return int(v.data)
        inputs.append(v)
        return ScalarType(v.type.dtype)
    raise TypeError("Invalid %s %r: expected an integer, a slice or an integer scalar variable"
                    % (what, e))


def _convert_slice(e, inputs):
    out = slice(_scalar_entry(e.start, inputs, "slice start"),
                _scalar_entry(e.stop, inputs, "slice stop"),
                _scalar_entry(e.step, inputs, "slice step"))
    if out.step == 0:
        raise ValueError("slice step cannot be zero (in the index %s)" % _entry_str(out))
    return out


def _convert_basic_entry(e, inputs=None):
    if isinstance(e, slice):
        return _convert_slice(e, inputs)
    if isinstance(e, Variable) and not (isinstance(e.type, TensorType) and e.type.ndim == 0):
        raise AdvancedIndexingError("%s of type %s needs advanced indexing" % (e, e.type))
    return _scalar_entry(e, inputs)


def _entry_str(e):
    if isinstance(e, slice):
        return ":".join("" if v is None else str(v) for v in (e.start, e.stop, e.step))
    return str(e)


def _markers(idx_list):
    out = []
    for e in idx_list:
        if isinstance(e, slice):
            out.extend(v for v in (e.start, e.stop, e.step) if _is_marker(v))
        elif _is_marker(e):
            out.append(e)
    return out


def _fill_idx(idx_list, values):
    """Replace the markers of ``idx_list`` by ``values`` (in order)."""
    it = iter(values)

    def conv(v):
        return next(it) if _is_marker(v) else v

    out = []
    for e in idx_list:
        if isinstance(e, slice):
            out.append(slice(conv(e.start), conv(e.stop), conv(e.step)))
        else:
            out.append(conv(e))
    return out


def get_idx_list(inputs, idx_list):
    """The index of a Subtensor node, with its symbolic entries put back.

    ``inputs`` are the node's inputs: the indexed tensor, then the index
    inputs (as in Theano; pass ``node.inputs[1:]`` for an IncSubtensor).
    """
    return tuple(_fill_idx(idx_list, inputs[1:]))


def _check_index_inputs(op, idx_list, inputs):
    markers = _markers(idx_list)
    if len(markers) != len(inputs):
        raise ValueError("%s expects %d index inputs, got %d" % (op, len(markers), len(inputs)))
    out = []
    for k, (m, v) in enumerate(zip(markers, inputs)):
        v = as_tensor_variable(v)
        if isinstance(m, ScalarType):
            if v.type.ndim != 0 or v.type.dtype not in integer_dtypes:
                raise TypeError("%s: index input %d must be an integer scalar, got %s of type %s"
                                % (op, k, v, v.type))
        else:
            if v.type.ndim != m.ndim or (v.type.dtype == "bool") != (m.dtype == "bool") or (
                    v.type.dtype != "bool" and v.type.dtype not in integer_dtypes):
                raise TypeError("%s: index input %d must be like %s, got %s of type %s"
                                % (op, k, m, v, v.type))
        out.append(v)
    return out


def _slice_bcast(e, bcast):
    """Whether slicing a dimension with ``e`` keeps it broadcastable (size 1)."""
    if not bcast:
        return False
    if any(_is_marker(v) for v in (e.start, e.stop, e.step)):
        return False
    if e.step == 0:
        raise ValueError("slice step cannot be zero")
    return len(range(1)[e]) == 1


def _index_error(op, msg, x):
    return IndexError("%s: %s (input shape %s)" % (op, msg, x.shape))


def _check_int_index(op, i, axis, x):
    n = x.shape[axis]
    if not -n <= i < n:
        raise _index_error(op, "index %d is out of bounds for axis %d with size %d"
                           % (i, axis, n), x)


def _runtime_index(op, idx_list, values, x):
    """Build the NumPy index tuple from an idx_list and the index input values."""
    idx = []
    for axis, e in enumerate(_fill_idx(idx_list, values)):
        if isinstance(e, slice):
            if e.step is not None and int(e.step) == 0:
                raise ValueError("%s: slice step cannot be zero (index on axis %d)" % (op, axis))
            idx.append(slice(None if e.start is None else int(e.start),
                             None if e.stop is None else int(e.stop),
                             None if e.step is None else int(e.step)))
        else:
            i = int(e)
            _check_int_index(op, i, axis, x)
            idx.append(i)
    # A trailing Ellipsis makes NumPy return a (0-d) view even for all-int indices.
    idx.append(Ellipsis)
    return tuple(idx)


# ---------------------------------------------------------------------------
# Slice lengths, symbolic or folded to ints
# ---------------------------------------------------------------------------
def _wrap(v, n):
    return _switch(_lt(v, 0), _add(v, n), v)


def _clamp(v, lo, hi):
    return _minimum(_maximum(v, lo), hi)


def _pos_slice(start, stop, step, n):
    start = 0 if start is None else _clamp(_wrap(start, n), 0, n)
    stop = n if stop is None else _clamp(_wrap(stop, n), 0, n)
    return start, stop


def _neg_slice(start, stop, step, n):
    last = _sub(n, 1)
    start = last if start is None else _clamp(_wrap(start, n), -1, last)
    stop = -1 if stop is None else _clamp(_wrap(stop, n), -1, last)
    return start, stop


def _slice_len(start, stop, step, n):
    """Length of ``range(n)[start:stop:step]`` (ints or symbolic int scalars)."""
    step = 1 if step is None else step

    def pos():
        a, b = _pos_slice(start, stop, step, n)
        return _maximum(_floordiv(_add(_sub(b, a), _sub(step, 1)), step), 0)

    def neg():
        a, b = _neg_slice(start, stop, step, n)
        ms = _sub(0, step)
        return _maximum(_floordiv(_add(_sub(a, b), _sub(ms, 1)), ms), 0)

    c = _const_or_none(step)
    if c is not None:
        if c == 0:
            raise ValueError("slice step cannot be zero")
        return pos() if c > 0 else neg()
    return _switch(_lt(0, step), pos(), neg())


def get_canonical_form_slice(theslice, length):
    """Canonical form of a slice (or index) on a dimension of size ``length``.

    For a slice, returns ``(slice(start, stop, step), reverse)`` with
    ``0 <= start <= stop <= length`` and ``step > 0``: the elements selected by
    ``theslice`` are those of the canonical slice, in reversed order when
    ``reverse`` is -1.  For an integer index, returns ``(index, 1)`` with a
    negative index wrapped.
    """
    if not isinstance(theslice, slice):
        return _wrap(theslice, length), 1
    start, stop, step = theslice.start, theslice.stop, theslice.step
    step = 1 if step is None else step
    cstep = _const_or_none(step)
    n_sel = _slice_len(start, stop, step, length)

    def pos():
        a, b = _pos_slice(start, stop, step, length)
        return a, _maximum(a, b)

    def neg():
        a, _ = _neg_slice(start, stop, step, length)
        lo = _sub(a, _mul(_sub(n_sel, 1), _sub(0, step)))
        nonempty = _lt(0, n_sel)
        return _switch(nonempty, lo, 0), _switch(nonempty, _add(a, 1), 0)

    if cstep is not None:
        if cstep > 0:
            a, b = pos()
            return slice(a, b, cstep), 1
        a, b = neg()
        return slice(a, b, -cstep), -1
    pa, pb = pos()
    na, nb = neg()
    is_pos = _lt(0, step)
    return (slice(_switch(is_pos, pa, na), _switch(is_pos, pb, nb),
                  _switch(is_pos, step, _sub(0, step))), _switch(is_pos, 1, -1))


# ---------------------------------------------------------------------------
# Subtensor
# ---------------------------------------------------------------------------
class _IndexOp(Op):
    """Shared behaviour of ops parametrised by an ``idx_list``."""

    def __hash__(self):
        return hash((type(self), _hashable(self._props())))

    def _idx_str(self):
        return ", ".join(_entry_str(e) for e in self.idx_list)


class _ReadOp(_IndexOp):
    """An op reading ``x[idx]`` from inputs ``(x, *index_inputs)``.

    Subclasses give ``_inc_op(set_instead_of_inc=False)``, the op writing
    the same region, which the gradient uses.
    """


class _IncOp(_IndexOp):
    """An op writing ``y`` into ``x[idx]`` from inputs ``(x, y, *index_inputs)``.

    Subclasses give ``_read_op()``, the op reading the same region, and
    ``_inc_op(set_instead_of_inc)``; the gradient uses both.
    """

    def _set_mode(self, inplace, set_instead_of_inc):
        self.inplace = bool(inplace)
        self.set_instead_of_inc = bool(set_instead_of_inc)
        self.destroy_map = {0: [0]} if self.inplace else {}

    def _mode_str(self):
        return ("Inplace" if self.inplace else "") + ("Set" if self.set_instead_of_inc else "Inc")

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


class Subtensor(_ReadOp):
    """Basic indexing (ints and slices) of a tensor; the output is a view.

    ``Subtensor(idx_list)(x, *index_inputs)``: ``idx_list`` holds one entry
    per indexed dimension (ints, slices, or scalar-type markers standing for
    the symbolic ``index_inputs`` in order).
    """

    __props__ = ("idx_list",)
    view_map = {0: [0]}

    def __init__(self, idx_list):
        self.idx_list = tuple(_convert_basic_entry(e) for e in idx_list)

    @staticmethod
    def collapse(idxs, cond):
        """The entries of ``idxs`` (slice members included) satisfying ``cond``."""
        out = []
        for e in idxs:
            for v in ((e.start, e.stop, e.step) if isinstance(e, slice) else (e,)):
                if cond(v):
                    out.append(v)
        return out

    def make_node(self, x, *inputs):
        x = as_tensor_variable(x)
        if len(self.idx_list) > x.type.ndim:
            raise IndexError("%s: too many indices (%d) for %s, which has %d dimensions"
                             % (self, len(self.idx_list), x, x.type.ndim))
        inputs = _check_index_inputs(self, self.idx_list, inputs)
        bcast = []
        for d, b in enumerate(x.type.broadcastable):
            e = self.idx_list[d] if d < len(self.idx_list) else slice(None)
            if isinstance(e, slice):
                bcast.append(_slice_bcast(e, b))
        return Apply(self, [x] + inputs, [TensorType(x.type.dtype, tuple(bcast))()])

    def perform(self, node, inputs, out):
        x = inputs[0]
        out[0][0] = x[_runtime_index(self, self.idx_list, inputs[1:], x)]

    def make_thunk_fn(self, node):
        # Constant slices only (no int to bounds-check): build the NumPy index once.
        if _markers(self.idx_list) or any(not isinstance(e, slice) for e in self.idx_list):
            return super().make_thunk_fn(node)
        idx = tuple(self.idx_list) + (Ellipsis,)

        def fn(inputs, out):
            out[0][0] = inputs[0][idx]

        return fn

    def infer_shape(self, fgraph, node, shapes):
        xshp = shapes[0]
        idx = _fill_idx(self.idx_list, node.inputs[1:])
        out = []
        for d, n in enumerate(xshp):
            e = idx[d] if d < len(idx) else slice(None)
            if isinstance(e, slice):
                if node.outputs[0].type.broadcastable[len(out)]:
                    out.append(1)
                else:
                    out.append(_slice_len(e.start, e.stop, e.step, n))
        return [tuple(out)]

    def _inc_op(self, set_instead_of_inc=False):
        return IncSubtensor(self.idx_list, set_instead_of_inc=set_instead_of_inc)

    def get_vector_length(self, node):
        """The length of a constant slice of a vector of known length."""
        entry = self.idx_list[0] if self.idx_list else slice(None)
        bounds = (entry.start, entry.stop, entry.step) if isinstance(entry, slice) else ()
        if node.inputs[0].type.ndim != 1 or not bounds or not all(
                e is None or isinstance(e, int) for e in bounds):
            raise ValueError("the length of %s is not known when the graph is built"
                             % node.outputs[0])
        return len(range(get_vector_length(node.inputs[0]))[entry])

    def get_scalar_constant_value(self, node, recurse):
        """The constant value of ``v[i]`` for constant vectors, shapes and stacks."""
        bad = NotScalarConstantError(node.outputs[0])
        if node.outputs[0].type.ndim != 0:
            raise bad
        idx = [int(recurse(e)) for e in _fill_idx(self.idx_list, node.inputs[1:])]
        x = node.inputs[0]
        if isinstance(x, Constant):
            try:
                return np.asarray(x.data[tuple(idx)])
            except IndexError:
                raise bad from None
        if x.owner is not None and len(idx) == 1:
            op, (i,) = x.owner.op, idx
            if isinstance(op, Shape):
                src = x.owner.inputs[0]
                if not -src.type.ndim <= i < src.type.ndim:
                    raise bad
                d = _static_dim(src, i % src.type.ndim)
                if d is None:
                    raise bad
                return np.asarray(d, dtype="int64")
            if isinstance(op, MakeVector) and -len(x.owner.inputs) <= i < len(x.owner.inputs):
                return recurse(x.owner.inputs[i])
        raise bad

    def __str__(self):
        return "Subtensor{%s}" % self._idx_str()


# ---------------------------------------------------------------------------
# IncSubtensor
# ---------------------------------------------------------------------------
def _check_inc_value(op, x, y, sub_ndim):
    if y.type.ndim > sub_ndim:
        raise ValueError("%s: trying to %s a %d-dimensional subtensor of %s with the "
                         "%d-dimensional value %s" % (
                             op, "set" if op.set_instead_of_inc else "increment", sub_ndim,
                             x, y.type.ndim, y))
    if y.type.dtype != x.type.dtype and not np.can_cast(y.type.dtype, x.type.dtype,
                                                        "same_kind"):
        raise TypeError("%s: cannot %s %s of dtype %s with %s of dtype %s; cast the value "
                        "first" % (op, "set" if op.set_instead_of_inc else "increment",
                                   x, x.type.dtype, y, y.type.dtype))


def _check_broadcast(op, target, y, x):
    """Raise unless the value ``y`` broadcasts to the indexed region's shape ``target``."""
    try:
        ok = np.broadcast_shapes(tuple(target), np.shape(y)) == tuple(target)
    except ValueError:
        ok = False
    if not ok:
        raise ValueError("%s: cannot broadcast the value of shape %s to the indexed region of "
                         "shape %s (x has shape %s)" % (op, np.shape(y), tuple(target), x.shape))


def _store(op, out, idx, y):
    """``out[idx] = y`` or ``out[idx] += y`` with clear broadcasting errors."""
    sub = out[idx]
    _check_broadcast(op, np.shape(sub), y, out)
    if op.set_instead_of_inc:
        out[idx] = y
    else:
        np.add(sub, y, out=sub, casting="unsafe")


class IncSubtensor(_IncOp):
    """``x`` with ``x[idx]`` incremented by (or set to) ``y``.

    Built by :func:`inc_subtensor` / :func:`set_subtensor`; inputs are
    ``(x, y, *index_inputs)``.
    """

    __props__ = ("idx_list", "inplace", "set_instead_of_inc", "destroyhandler_tolerate_aliased")

    def __init__(self, idx_list, inplace=False, set_instead_of_inc=False,
                 destroyhandler_tolerate_aliased=None):
        self.idx_list = tuple(_convert_basic_entry(e) for e in idx_list)
        self._set_mode(inplace, set_instead_of_inc)
        self.destroyhandler_tolerate_aliased = tuple(
            tuple(p) for p in (destroyhandler_tolerate_aliased or ()))

    def make_node(self, x, y, *inputs):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        if len(self.idx_list) > x.type.ndim:
            raise IndexError("%s: too many indices (%d) for %s, which has %d dimensions"
                             % (self, len(self.idx_list), x, x.type.ndim))
        inputs = _check_index_inputs(self, self.idx_list, inputs)
        sub_ndim = x.type.ndim - sum(1 for e in self.idx_list if not isinstance(e, slice))
        _check_inc_value(self, x, y, sub_ndim)
        return Apply(self, [x, y] + inputs, [x.type()])

    def perform(self, node, inputs, out):
        x, y = inputs[:2]
        res = x if self.inplace else x.copy()
        _store(self, res, _runtime_index(self, self.idx_list, inputs[2:], x), y)
        out[0][0] = res

    def _read_op(self):
        return Subtensor(self.idx_list)

    def _inc_op(self, set_instead_of_inc=False):
        return IncSubtensor(self.idx_list, set_instead_of_inc=set_instead_of_inc)

    def __str__(self):
        return "IncSubtensor{%s;%s}" % (self._mode_str(), self._idx_str())


# ---------------------------------------------------------------------------
# x[...]
# ---------------------------------------------------------------------------
def _index_array(a):
    """A list/tuple/ndarray index as a constant (or stacked symbolic) tensor."""
    if isinstance(a, (list, tuple)) and any(isinstance(v, Variable) for v in a):
        vals = [as_tensor_variable(v) if isinstance(v, Variable) else v for v in a]
        if all((isinstance(v, Variable) and v.type.ndim == 0 and v.type.dtype in integer_dtypes)
               or (isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)))
               for v in vals):
            return make_vector(vals, "int64")
        return as_tensor_variable(a)
    arr = np.asarray(a)
    if arr.size == 0 and arr.dtype != bool:
        arr = arr.astype("int64")
    if arr.dtype == object:
        raise TypeError("Invalid index %r" % (a,))
    if isinstance(a, (list, tuple)) and arr.dtype.kind in "iu":
        flat = list(_flatten_seq(a))
        if any(isinstance(v, (bool, np.bool_)) for v in flat):
            raise TypeError("An index list mixes bools and integers (%r); use an integer "
                            "array or a boolean numpy array mask" % (a,))
    return constant(arr)


def _flatten_seq(a):
    for v in a:
        if isinstance(v, (list, tuple)):
            yield from _flatten_seq(v)
        else:
            yield v


def _classify(a):
    """``(kind, value)`` of one index entry: newaxis, ellipsis, slice, int, array or bool."""
    if a is None:
        return "newaxis", None
    if a is Ellipsis:
        return "ellipsis", None
    if isinstance(a, slice):
        return "slice", a
    if isinstance(a, (bool, np.bool_)):
        return "bool", constant(np.asarray(a, dtype=bool))
    if isinstance(a, (int, np.integer)):
        return "int", int(a)
    if isinstance(a, Variable):
        v = as_tensor_variable(a)
    elif isinstance(a, (np.ndarray, list, tuple)):
        v = _index_array(a)
    elif isinstance(a, (float, np.floating)):
        raise TypeError("Indices must be integers, slices, None, Ellipsis or arrays of "
                        "integers/booleans; got the float %r" % (a,))
    else:
        raise TypeError("Invalid index %r of type %s" % (a, type(a).__name__))
    if v.type.dtype == "bool":
        return "bool", v
    if v.type.dtype not in integer_dtypes:
        raise TypeError("Indices must be integers or booleans, got %s of type %s"
                        % (v, v.type))
    if v.type.ndim == 0:
        return "int", int(v.data) if isinstance(v, Constant) else v
    return "array", v


def _normalize_index(x, args):
    """Classify ``args`` and expand a single Ellipsis into full slices."""
    if isinstance(args, list) and any(
            isinstance(a, slice) or a is None or a is Ellipsis for a in args):
        args = tuple(args)  # Theano accepted x[[slice, ...]] as a tuple index
    elif not isinstance(args, tuple):
        args = (args,)
    items = [_classify(a) for a in args]
    used = sum(v.type.ndim if k == "bool" else 1 for k, v in items
               if k not in ("newaxis", "ellipsis"))
    n_ell = sum(1 for k, _ in items if k == "ellipsis")
    if n_ell > 1:
        raise IndexError("an index can only have a single Ellipsis (`...`)")
    if used > x.type.ndim:
        raise IndexError("too many indices for %s: it is %d-dimensional, but %d were indexed"
                         % (x, x.type.ndim, used))
    if n_ell:
        k = [kind for kind, _ in items].index("ellipsis")
        items[k:k + 1] = [("slice", slice(None))] * (x.type.ndim - used)
    return items


def _is_full_slice(kind, v):
    return kind == "slice" and v.start is None and v.stop is None and v.step is None
