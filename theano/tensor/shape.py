"""Shape ops: the symbolic shape of a tensor, reshaping and broadcast patterns."""
import numpy as np

import theano.scalar.basic as ts
from theano.graph.basic import Apply, Constant, Variable
from theano.graph.op import Op
from theano.scalar.basic import Cast, integer_dtypes
from theano.tensor.basic import (
    NotScalarConstantError,
    as_tensor_variable,
    cast,
    constant,
    dimshuffle,
    get_scalar_constant_value,
)
from theano.tensor.elemwise import Elemwise
from theano.tensor.type import TensorType

__all__ = ["Shape", "Shape_i", "shape", "shape_i", "get_vector_length", "Reshape", "reshape",
           "flatten", "SpecifyShape", "specify_shape", "Rebroadcast", "patternbroadcast",
           "addbroadcast", "unbroadcast", "specify_broadcastable", "squeeze"]


# ---------------------------------------------------------------------------
# Small integer arithmetic that folds Python ints and builds graphs otherwise.
# Shape inference mixes known (int) and symbolic (int64 scalar) dimensions.
# ---------------------------------------------------------------------------
def _const_or_none(v):
    """``v`` as a Python int when it is known at graph-build time, else None."""
    if isinstance(v, (int, np.integer)):
        return int(v)
    try:
        return int(get_scalar_constant_value(v))
    except (NotScalarConstantError, TypeError, ValueError):
        return None


def _i64(v):
    if isinstance(v, (int, np.integer)):
        return constant(int(v), dtype="int64")
    v = as_tensor_variable(v)
    return v if v.type.dtype == "int64" else cast(v, "int64")


def _fold(pyfn, scalar_op):
    """Shape arithmetic: folded in Python when the operands are known, else a node."""
    op = Elemwise(scalar_op)  # equal to theano.tensor.math's op: the two merge

    def fn(*args):
        consts = [_const_or_none(a) for a in args]
        if all(c is not None for c in consts):
            return pyfn(*consts)
        return op(*[_i64(a) if c is None else c for a, c in zip(args, consts)])
    return fn


_add = _fold(lambda a, b: a + b, ts.add)
_sub = _fold(lambda a, b: a - b, ts.sub)
_mul = _fold(lambda a, b: a * b, ts.mul)
_floordiv = _fold(lambda a, b: a // b, ts.int_div)
_lt = _fold(lambda a, b: a < b, ts.lt)
_eq = _fold(lambda a, b: a == b, ts.eq)
_maximum = _fold(max, ts.maximum)
_minimum = _fold(min, ts.minimum)
_switch_op = Elemwise(ts.switch)


def _switch(cond, a, b):
    c = _const_or_none(cond)
    if c is not None:
        return a if c else b
    return _switch_op(cond, _i64(a), _i64(b))


def _prod(values):
    out = 1
    for v in values:
        out = _mul(out, v)
    return out


# ---------------------------------------------------------------------------
# Shape and Shape_i
# ---------------------------------------------------------------------------
class Shape(Op):
    """The shape of a tensor, as an int64 vector."""

    __props__ = ()

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [TensorType("int64", (False,))()])

    def perform(self, node, inputs, out):
        out[0][0] = np.asarray(inputs[0].shape, dtype="int64")

    def infer_shape(self, fgraph, node, shapes):
        return [(len(shapes[0]),)]

    def __str__(self):
        return "Shape"


def _static_dim(x, i):
    """The size of dimension ``i`` of ``x`` if it is known when building, else None."""
    if x.type.broadcastable[i]:
        return 1
    if isinstance(x, Constant):
        return int(np.shape(x.data)[i])
    node = x.owner
    if node is None:
        return None
    op = node.op
    if x.type.ndim == 1 and isinstance(op, (Shape, MakeVector)):
        return get_vector_length(x)
    if isinstance(op, SpecifyShape):
        c = _vector_entry_constant(node.inputs[1], i)
        return c if c is not None else _static_dim(node.inputs[0], i)
    if isinstance(op, Reshape):
        c = _vector_entry_constant(node.inputs[1], i)
        return c if c is not None and c >= 0 else None
    if isinstance(op, Rebroadcast):
        return 1 if op.axis.get(i) else _static_dim(node.inputs[0], i)
    return None


class Shape_i(Op):
    """Size of dimension ``i`` of a tensor, as an int64 scalar."""

    __props__ = ("i",)

    def __init__(self, i):
        self.i = int(i)

    def make_node(self, x):
        x = as_tensor_variable(x)
        if not 0 <= self.i < x.type.ndim:
            raise ValueError("Shape_i(%d) of a %d-d tensor %s" % (self.i, x.type.ndim, x))
        return Apply(self, [x], [TensorType("int64", ())()])

    def perform(self, node, inputs, out):
        out[0][0] = np.asarray(inputs[0].shape[self.i], dtype="int64")

    def infer_shape(self, fgraph, node, shapes):
        return [()]

    def get_scalar_constant_value(self, node, recurse):
        d = _static_dim(node.inputs[0], self.i)
        if d is None:
            raise NotScalarConstantError(node.outputs[0])
        return np.asarray(d, dtype="int64")

    def __str__(self):
        return "Shape_i{%d}" % self.i


_shape = Shape()


def shape(x):
    """Symbolic shape of ``x`` (an int64 vector)."""
    return _shape(x)


def shape_i(x, i):
    """Symbolic size of dimension ``i`` of ``x`` (constant 1 for a broadcastable dimension)."""
    x = as_tensor_variable(x)
    if x.type.broadcastable[i]:
        return constant(1, dtype="int64")
    return Shape_i(i)(x)


# ---------------------------------------------------------------------------
# Building and inspecting shape vectors
# ---------------------------------------------------------------------------
class MakeVector(Op):
    """Stack 0-d tensors into a vector of ``dtype`` (used for symbolic shapes)."""

    __props__ = ("dtype",)

    def __init__(self, dtype="int64"):
        self.dtype = np.dtype(dtype).name

    def make_node(self, *inputs):
        inputs = [as_tensor_variable(i) for i in inputs]
        for k, i in enumerate(inputs):
            if i.type.ndim != 0:
                raise TypeError("MakeVector: input %d (%s) must be a scalar, got %s"
                                % (k, i, i.type))
            if i.type.dtype != self.dtype:
                if not np.can_cast(i.type.dtype, self.dtype, "same_kind"):
                    raise TypeError("MakeVector{%s}: cannot store input %d of dtype %s"
                                    % (self.dtype, k, i.type.dtype))
                i = cast(i, self.dtype)
                inputs[k] = i
        return Apply(self, inputs, [TensorType(self.dtype, (len(inputs) == 1,))()])

    def perform(self, node, inputs, out):
        out[0][0] = np.asarray(inputs, dtype=self.dtype).reshape(len(inputs))

    def infer_shape(self, fgraph, node, shapes):
        return [(len(node.inputs),)]


def make_vector(values, dtype="int64"):
    """A symbolic ``dtype`` vector from a sequence of ints and 0-d tensors."""
    values = list(values)
    if all(not isinstance(v, Variable) or isinstance(v, Constant) for v in values):
        data = [np.asarray(v.data if isinstance(v, Constant) else v) for v in values]
        for d in data:
            if d.ndim != 0:
                raise TypeError("shape entries must be scalars, got %r" % (d,))
        return constant(np.asarray(data, dtype=dtype).reshape(len(data)), dtype=dtype)
    return MakeVector(dtype)(*values)


def _as_shape_vector(shp, what="shape"):
    """``shp`` (tuple/list of ints and int scalars, or an int vector) as an int vector."""
    if isinstance(shp, (list, tuple)):
        entries = []
        for k, s in enumerate(shp):
            if isinstance(s, Variable):
                s = as_tensor_variable(s)
                if s.type.ndim != 0 or s.type.dtype not in integer_dtypes:
                    raise TypeError("%s entry %d must be an integer scalar, got %s of type %s"
                                    % (what, k, s, s.type))
            elif not isinstance(s, (int, np.integer)) or isinstance(s, (bool, np.bool_)):
                raise TypeError("%s entry %d must be an integer, got %r" % (what, k, s))
            entries.append(s)
        return make_vector(entries, "int64")
    v = as_tensor_variable(shp)
    if v.type.ndim == 0:
        v = make_vector([v], "int64")
    if v.type.ndim != 1:
        raise TypeError("The %s must be a vector or a tuple/list of scalars, got %s of type %s"
                        % (what, v, v.type))
    if v.type.dtype not in integer_dtypes:
        if isinstance(v, Constant) and v.data.size == 0:
            return constant(np.zeros(0, dtype="int64"))
        raise TypeError("The %s must contain integers, got dtype %s" % (what, v.type.dtype))
    return v


def _known_length(v):
    """The length of the vector ``v`` if the graph determines it, else None."""
    try:
        return get_vector_length(v)
    except ValueError:
        return None


def get_vector_length(v):
    """The length of the symbolic vector ``v``, when it is known at graph-build time.

    Raises ValueError if it cannot be determined.
    """
    v = as_tensor_variable(v)
    if v.type.ndim != 1:
        raise TypeError("get_vector_length expects a vector, got %s of type %s" % (v, v.type))
    if v.type.broadcastable[0]:
        return 1
    if isinstance(v, Constant):
        return int(v.data.shape[0])
    node = v.owner
    if node is not None:
        op = node.op
        if isinstance(op, MakeVector):
            return len(node.inputs)
        if isinstance(op, Shape):
            return node.inputs[0].type.ndim
        if isinstance(op, (Rebroadcast, SpecifyShape)):
            return get_vector_length(node.inputs[0])
        hook = getattr(op, "get_vector_length", None)
        if hook is not None:
            return hook(node)
        if isinstance(op, Elemwise) and isinstance(op.scalar_op, Cast):
            return get_vector_length(node.inputs[0])
    raise ValueError("The length of the vector %s cannot be determined when the graph is built"
                     % (v,))


def _vector_entry_constant(v, i):
    """Entry ``i`` of the int vector ``v`` as a Python int if known, else None."""
    if isinstance(v, Constant):
        return int(v.data[i]) if v.data.shape[0] > i else None
    if v.owner is not None:
        if isinstance(v.owner.op, MakeVector):
            return _const_or_none(v.owner.inputs[i])
        if isinstance(v.owner.op, Shape):
            return _static_dim(v.owner.inputs[0], i)
    return None


def _vector_entry(v, i):
    """Entry ``i`` of the int vector ``v`` as an int or symbolic int64 scalar."""
    c = _vector_entry_constant(v, i)
    if c is not None:
        return c
    if v.owner is not None:
        if isinstance(v.owner.op, MakeVector):
            return _i64(v.owner.inputs[i])
        if isinstance(v.owner.op, Shape):
            return shape_i(v.owner.inputs[0], i)
    return _i64(v[i])


# ---------------------------------------------------------------------------
# Reshape and flatten
# ---------------------------------------------------------------------------
class Reshape(Op):
    """Reshape ``x`` to the ``ndim``-long int vector ``shp`` (one entry may be -1).

    Entries of ``shp`` known to be 1 at graph-build time give broadcastable
    output dimensions.  The output may be a view of ``x``.
    """

    __props__ = ("ndim",)
    view_map = {0: [0]}

    def __init__(self, ndim, name=None):
        self.ndim = int(ndim)
        if self.ndim < 0:
            raise ValueError("Reshape: ndim must be >= 0, got %d" % self.ndim)

    def make_node(self, x, shp):
        x = as_tensor_variable(x)
        shp = _as_shape_vector(shp, "new shape")
        n = _known_length(shp)
        if n is not None and n != self.ndim:
            raise ValueError("Reshape{%d}: the new shape %s has %d entries, expected %d"
                             % (self.ndim, shp, n, self.ndim))
        consts = [_vector_entry_constant(shp, i) if n is not None else None
                  for i in range(self.ndim)]
        known = [c for c in consts if c is not None]
        if known.count(-1) > 1:
            raise ValueError("Reshape: the new shape %s has more than one -1 entry"
                             % ([c if c is not None else "?" for c in consts],))
        if any(c < -1 for c in known):
            raise ValueError("Reshape: invalid negative entry in the new shape %s"
                             % ([c if c is not None else "?" for c in consts],))
        bcast = tuple(c == 1 for c in consts)
        return Apply(self, [x, shp], [TensorType(x.type.dtype, bcast)()])

    def perform(self, node, inputs, out):
        x, shp = inputs
        if shp.shape[0] != self.ndim:
            raise ValueError("Reshape{%d}: the new shape %s has %d entries, expected %d"
                             % (self.ndim, tuple(shp), shp.shape[0], self.ndim))
        try:
            out[0][0] = np.reshape(x, tuple(int(s) for s in shp))
        except ValueError:
            raise ValueError(
                "Reshape: cannot reshape an array of shape %s (%d elements) into shape %s"
                % (x.shape, x.size, tuple(int(s) for s in shp))) from None

    def infer_shape(self, fgraph, node, shapes):
        xshp = shapes[0]
        shp = node.inputs[1]
        entries = [_vector_entry(shp, i) for i in range(self.ndim)]
        consts = [_const_or_none(e) for e in entries]
        total = _prod(xshp)
        out = []
        for i, (e, c) in enumerate(zip(entries, consts)):
            if c is not None and c != -1:
                out.append(c)
                continue
            others = _prod([e2 for j, e2 in enumerate(entries) if j != i])
            missing = _floordiv(total, _maximum(others, 1))
            out.append(missing if c == -1 else _switch(_eq(e, -1), missing, e))
        return [tuple(out)]

    def __str__(self):
        return "Reshape{%d}" % self.ndim


def reshape(x, newshape, ndim=None):
    """``x`` reshaped to ``newshape`` (ints and int scalars, or an int vector).

    ``ndim`` is needed only when the length of a symbolic ``newshape`` cannot
    be determined from the graph.  One entry may be -1.
    """
    x = as_tensor_variable(x)
    shp = _as_shape_vector(newshape, "new shape")
    if ndim is None:
        try:
            ndim = get_vector_length(shp)
        except ValueError:
            raise ValueError(
                "The length of the new shape %s cannot be determined when the graph is built, "
                "so the number of dimensions of the result is unknown: pass reshape(..., "
                "ndim=N)." % (shp,)) from None
    return Reshape(ndim)(x, shp)


def flatten(x, ndim=1, outdim=None):
    """Keep the first ``ndim - 1`` dimensions of ``x`` and flatten the others into one."""
    if outdim is not None:
        ndim = outdim
    x = as_tensor_variable(x)
    ndim = int(ndim)
    if ndim < 1 or (ndim > 1 and ndim > x.type.ndim):
        raise ValueError("flatten: ndim=%d is out of bounds [1, %d] for %s"
                         % (ndim, max(x.type.ndim, 1), x.type))
    dims = [shape_i(x, i) for i in range(ndim - 1)] + [-1]
    out = reshape(x, dims, ndim=ndim)
    bcast = x.type.broadcastable[:ndim - 1] + (all(x.type.broadcastable[ndim - 1:]),)
    return patternbroadcast(out, bcast)


# ---------------------------------------------------------------------------
# SpecifyShape
# ---------------------------------------------------------------------------
class ShapeMismatchError(AssertionError, ValueError):
    """A run-time value does not have the shape the graph promised."""


class SpecifyShape(Op):
    """Assert at run time that ``x`` has shape ``shape``; returns ``x`` unchanged."""

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, x, shp):
        x = as_tensor_variable(x)
        shp = _as_shape_vector(shp, "specified shape")
        n = _known_length(shp)
        if n is not None and n != x.type.ndim:
            # (an AssertionError too, as Theano 1.0 asserted it)
            raise ShapeMismatchError("specify_shape: %s has %d dimensions but the specified "
                                     "shape %s has %d entries" % (x, x.type.ndim, shp, n))
        if n is not None:
            for i in range(n):
                c = _vector_entry_constant(shp, i)
                if c is not None and x.type.broadcastable[i] and c != 1:
                    raise ValueError("specify_shape: dimension %d of %s is broadcastable (size "
                                     "1) but the specified size is %d" % (i, x, c))
        return Apply(self, [x, shp], [x.type()])

    def perform(self, node, inputs, out):
        x, shp = inputs
        if x.ndim != shp.shape[0] or tuple(x.shape) != tuple(int(s) for s in shp):
            raise ShapeMismatchError(
                "SpecifyShape: the input has shape %s but the specified shape is %s"
                % (x.shape, tuple(int(s) for s in shp)))
        out[0][0] = x

    def infer_shape(self, fgraph, node, shapes):
        shp = node.inputs[1]
        out = []
        for i, s in enumerate(shapes[0]):
            c = _vector_entry_constant(shp, i)
            out.append(c if c is not None else (s if _const_or_none(s) is not None
                                                else _vector_entry(shp, i)))
        return [tuple(out)]

    def get_scalar_constant_value(self, node, recurse):
        return recurse(node.inputs[0])


_specify_shape = SpecifyShape()


def specify_shape(x, shape):
    """``x``, checked at run time to have shape ``shape`` (ints, scalars or an int vector)."""
    return _specify_shape(x, shape)


# ---------------------------------------------------------------------------
# Rebroadcast
# ---------------------------------------------------------------------------
class Rebroadcast(Op):
    """Change the broadcastable flags of some dimensions of ``x``.

    ``Rebroadcast((0, True), (2, False))``: dimension 0 becomes broadcastable
    (checked at run time to have size 1), dimension 2 stops being so.
    """

    __props__ = ("axis",)
    view_map = {0: [0]}

    def __init__(self, *axis):
        self.axis = {}
        for entry in axis:
            try:
                a, b = entry
            except (TypeError, ValueError):
                raise TypeError("Rebroadcast expects (axis, bool) pairs, got %r" % (entry,)) \
                    from None
            if not isinstance(a, (int, np.integer)) or a < 0:
                raise ValueError("Rebroadcast: invalid axis %r" % (a,))
            self.axis[int(a)] = bool(b)

    def _props(self):
        return (tuple(sorted(self.axis.items())),)

    def make_node(self, x):
        x = as_tensor_variable(x)
        for a in self.axis:
            if a >= x.type.ndim:
                raise ValueError("%s: trying to rebroadcast dimension %d of %s, which has only "
                                 "%d dimensions" % (self, a, x, x.type.ndim))
        bcast = tuple(self.axis.get(i, b) for i, b in enumerate(x.type.broadcastable))
        return Apply(self, [x], [TensorType(x.type.dtype, bcast)()])

    def perform(self, node, inputs, out):
        x = inputs[0]
        for a, b in self.axis.items():
            if b and x.shape[a] != 1:
                raise ValueError(
                    "%s: dimension %d of the input was made broadcastable, so it must have "
                    "size 1, but the input has shape %s" % (self, a, x.shape))
        out[0][0] = x

    def infer_shape(self, fgraph, node, shapes):
        return [tuple(1 if self.axis.get(i) else s for i, s in enumerate(shapes[0]))]

    def get_scalar_constant_value(self, node, recurse):
        return recurse(node.inputs[0])

    def __str__(self):
        if not self.axis:
            return "Rebroadcast{}"
        pattern = ["?"] * (1 + max(self.axis))
        for a, b in self.axis.items():
            pattern[a] = str(int(b))
        return "Rebroadcast{%s}" % ",".join(pattern)


def _rebroadcast(x, changes):
    x = as_tensor_variable(x)
    changes = [(a, b) for a, b in changes if x.type.broadcastable[a] != b]
    if not changes:
        return x
    return Rebroadcast(*changes)(x)


def _norm_axes(x, axes, fname):
    if len(axes) == 1 and isinstance(axes[0], (list, tuple)):
        axes = tuple(axes[0])
    nd = x.type.ndim
    out = []
    for a in axes:
        if not isinstance(a, (int, np.integer)) or isinstance(a, bool) or not -nd <= a < nd:
            raise ValueError("%s: invalid axis %r for %s with %d dimensions"
                             % (fname, a, x, nd))
        out.append(int(a) % nd)
    return out


def patternbroadcast(x, broadcastable):
    """``x`` with the broadcastable pattern ``broadcastable`` (size-1 checked at run time).

    As in Theano 1.0, a shorter pattern sets the leading dimensions only
    (``patternbroadcast(m, ())`` is ``m``).
    """
    x = as_tensor_variable(x)
    broadcastable = tuple(bool(b) for b in broadcastable)
    if len(broadcastable) > x.type.ndim:
        raise ValueError("patternbroadcast: pattern %s has %d entries but %s has only %d "
                         "dimensions" % (broadcastable, len(broadcastable), x, x.type.ndim))
    return _rebroadcast(x, list(enumerate(broadcastable)))


def addbroadcast(x, *axes):
    """Make ``axes`` of ``x`` broadcastable (each is checked to have size 1 at run time)."""
    x = as_tensor_variable(x)
    return _rebroadcast(x, [(a, True) for a in _norm_axes(x, axes, "addbroadcast")])


def unbroadcast(x, *axes):
    """Make ``axes`` of ``x`` not broadcastable."""
    x = as_tensor_variable(x)
    return _rebroadcast(x, [(a, False) for a in _norm_axes(x, axes, "unbroadcast")])


specify_broadcastable = addbroadcast


def squeeze(x, axis=None):
    """Remove the broadcastable (size-1) dimensions of ``x`` (or those in ``axis``)."""
    x = as_tensor_variable(x)
    if axis is None:
        drop = [i for i, b in enumerate(x.type.broadcastable) if b]
    else:
        drop = [a % x.type.ndim for a in ([axis] if np.isscalar(axis) else axis)]
        for a in drop:
            if not x.type.broadcastable[a]:
                x = specify_broadcastable(x, a)
    return dimshuffle(x, [i for i in range(x.type.ndim) if i not in drop])
