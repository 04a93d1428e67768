"""Joining and splitting tensors: join/concatenate, stack, split and roll."""
import warnings

import numpy as np

import theano.scalar.basic as ts
from theano.graph.basic import Apply, Constant
from theano.graph.op import Op
from theano.tensor.alloc import _const_value
from theano.tensor.alloc import _int_scalar as check
from theano.tensor.basic import as_tensor_variable, cast, shape_padaxis
from theano.tensor.elemwise import maximum_shape
from theano.tensor.math import eq, switch
from theano.tensor.shape import MakeVector, get_vector_length, patternbroadcast
from theano.tensor.type import TensorType

__all__ = ["Join", "join", "concatenate", "stack", "stacklists",
           "horizontal_stack", "vertical_stack", "Split", "split", "Roll", "roll"]


def _const_int(x):
    """The value of a constant integer scalar expression, or None."""
    v = _const_value(x)
    return None if v is None else int(v)


def _int_scalar(x, what, opname):
    return check(x, what, opname)


def _patternbroadcast(x, bcast):
    if x.type.broadcastable == tuple(bcast):
        return x
    return patternbroadcast(x, bcast)


def _grad_for(g, inp):
    """``g`` with the broadcast pattern (and float dtype) of the input ``inp``."""
    g = _patternbroadcast(g, inp.type.broadcastable)
    if g.type.dtype != inp.type.dtype and inp.type.dtype in ts.continuous_dtypes:
        g = cast(g, inp.type.dtype)
    return g


def _sum_dims(dims):
    total = dims[0]
    for d in dims[1:]:
        total = total + d
    return total


# -- Join --------------------------------------------------------------------------------
class Join(Op):
    """Concatenate tensors along an axis: ``Join()(axis, t0, t1, ...)``.

    ``axis`` is the first input and may be symbolic.  The result dtype is the
    upcast of the inputs' dtypes.
    """

    __props__ = ("view",)

    def __init__(self, view=-1):
        self.view = view

    def make_node(self, axis, *tensors):
        if not tensors:
            raise ValueError("Join needs at least one tensor to join")
        axis = _int_scalar(axis, "axis", "Join")
        tensors = [as_tensor_variable(t) for t in tensors]
        ndim = tensors[0].type.ndim
        if ndim == 0:
            raise TypeError("Join cannot join 0-d tensors (scalars); use stack() to build a "
                            "vector from scalars")
        for k, t in enumerate(tensors):
            if t.type.ndim != ndim:
                raise TypeError("Join: all tensors must have the same number of dimensions, "
                                "but tensor 0 has %d and tensor %d (%s) has %d"
                                % (ndim, k, t, t.type.ndim))
        dtype = ts.upcast(*[t.type.dtype for t in tensors])
        ax = _const_int(axis)
        bcast = [False] * ndim
        if ax is not None:
            if not -ndim <= ax < ndim:
                raise IndexError("Join: axis %d is out of range for %d-dimensional inputs"
                                 % (ax, ndim))
            ax %= ndim
            # Every other dimension must match, so one size-1 input makes it size 1.
            for t in tensors:
                for d, b in enumerate(t.type.broadcastable):
                    if b and d != ax:
                        bcast[d] = True
        return Apply(self, [axis] + tensors, [TensorType(dtype, bcast)()])

    def perform(self, node, inputs, out):
        axis, tensors = int(inputs[0]), inputs[1:]
        ndim = tensors[0].ndim
        if not -ndim <= axis < ndim:
            raise IndexError("Join: axis %d is out of range for %d-dimensional inputs"
                             % (axis, ndim))
        try:
            res = np.concatenate(tensors, axis=axis)
        except ValueError as exc:
            raise ValueError("Join: cannot join arrays of shapes %s along axis %d: %s"
                             % ([t.shape for t in tensors], axis, exc)) from None
        out[0][0] = np.asarray(res, dtype=node.outputs[0].type.dtype)

    def get_vector_length(self, node):
        # A concatenation of vectors is as long as its parts together.
        return sum(get_vector_length(i) for i in node.inputs[1:])

    def infer_shape(self, fgraph, node, shapes):
        axis, tensors, shapes = node.inputs[0], node.inputs[1:], shapes[1:]
        ndim = len(shapes[0])
        ax = _const_int(axis)
        out = []
        for d in range(ndim):
            total = _sum_dims([s[d] for s in shapes])
            cands = [s[d] for s, t in zip(shapes, tensors) if not t.type.broadcastable[d]]
            other = maximum_shape(cands) if cands else 1
            if ax is not None:
                out.append(total if d == ax % ndim else other)
            else:
                axis_n = switch(axis < 0, axis + ndim, axis)
                out.append(switch(eq(axis_n, d), total, other))
        return [tuple(out)]

    def __str__(self):
        return "Join"


join_ = Join()


def join(axis, *tensors_list):
    """Concatenate ``tensors_list`` along ``axis`` (which may be symbolic).

    A single tensor is returned unchanged.
    """
    if not tensors_list:
        raise ValueError("join needs at least one tensor to join")
    if len(tensors_list) == 1:
        return as_tensor_variable(tensors_list[0])
    return join_(axis, *tensors_list)


def concatenate(tensor_list, axis=0):
    """``numpy.concatenate``: join the tensors of ``tensor_list`` along ``axis``."""
    if not isinstance(tensor_list, (tuple, list)):
        raise TypeError("concatenate expects a tuple or a list of tensors as its first "
                        "argument (did you write concatenate(x, y) instead of "
                        "concatenate([x, y])?), got %r" % (tensor_list,))
    return join(axis, *tensor_list)


def stack(*tensors, **kwargs):
    """Stack tensors of the same shape along a new ``axis``: ``stack([a, b], axis=0)``.

    The Theano 0.x form ``stack(a, b, c)`` is still accepted (deprecated).
    Scalars are stacked with ``theano.tensor.shape.MakeVector``.
    """
    axis = kwargs.pop("axis", None)
    named = kwargs.pop("tensors", None)
    if kwargs:
        raise TypeError("stack() got unexpected keyword arguments %s" % sorted(kwargs))
    if named is not None:
        if tensors:
            raise TypeError("stack() got tensors both positionally and as a keyword")
        tensors = named
    elif not tensors:
        raise TypeError("stack() needs a list of tensors: stack(tensors, axis=0)")
    elif isinstance(tensors[0], (list, tuple)):
        if len(tensors) > 2:
            raise TypeError("stack(tensors, axis) takes at most 2 positional arguments")
        if len(tensors) == 2:
            if axis is not None:
                raise TypeError("stack() got axis both positionally and as a keyword")
            axis = tensors[1]
        tensors = tensors[0]
    else:
        warnings.warn("stack(*tensors) is deprecated, use stack(tensors, axis=0)",
                      DeprecationWarning, stacklevel=2)
    axis = 0 if axis is None else axis
    tensors = [as_tensor_variable(t) for t in tensors]
    if not tensors:
        raise ValueError("stack() got an empty list of tensors")
    if all(t.type.ndim == 0 for t in tensors) and _const_int(axis) in (0, -1):
        return MakeVector(ts.upcast(*[t.type.dtype for t in tensors]))(*tensors)
    ndims = {t.type.ndim for t in tensors}
    if len(ndims) != 1:
        raise ValueError("stack: all tensors must have the same number of dimensions, got %s"
                         % [t.type.ndim for t in tensors])
    if not isinstance(axis, (int, np.integer)):
        raise TypeError("stack: axis must be a Python integer, got %r" % (axis,))
    return join(axis, *[shape_padaxis(t, axis) for t in tensors])


def stacklists(arg):
    """Stack nested lists of tensors recursively: ``stacklists([[a, b], [c, d]])``.

    Scalars give a matrix; n-d tensors give an (n+2)-d tensor.
    """
    if isinstance(arg, (tuple, list)):
        return stack([stacklists(a) for a in arg])
    return arg


def _check_matrices(name, args):
    if len(args) < 2:
        raise TypeError("%s needs at least two matrices, got %d" % (name, len(args)))
    args = [as_tensor_variable(a) for a in args]
    for k, a in enumerate(args):
        if a.type.ndim != 2:
            raise TypeError("%s only stacks matrices, but argument %d (%s) has type %s"
                            % (name, k, a, a.type))
    return args


def horizontal_stack(*args):
    """Join matrices side by side (along axis 1)."""
    return concatenate(_check_matrices("horizontal_stack", args), axis=1)


def vertical_stack(*args):
    """Join matrices one above the other (along axis 0)."""
    return concatenate(_check_matrices("vertical_stack", args), axis=0)


# -- Split ---------------------------------------------------------------------------------
class Split(Op):
    """Split ``x`` along ``axis`` into ``len_splits`` pieces of sizes ``splits``.

    ``Split(n)(x, axis, splits)``; the outputs are views of ``x``.
    """

    __props__ = ("len_splits",)

    def __init__(self, len_splits):
        self.len_splits = int(len_splits)
        if self.len_splits < 1:
            raise ValueError("Split needs at least one output, got len_splits=%d"
                             % self.len_splits)
        self.view_map = {i: [0] for i in range(self.len_splits)}

    def make_node(self, x, axis, splits):
        x = as_tensor_variable(x)
        axis = _int_scalar(axis, "axis", "Split")
        splits = as_tensor_variable(splits)
        if x.type.ndim == 0:
            raise TypeError("Split: cannot split a 0-d tensor %s" % x)
        if splits.type.ndim != 1 or splits.type.dtype not in ts.integer_dtypes:
            raise TypeError("Split: splits must be a vector of integers, got %s of type %s"
                            % (splits, splits.type))
        ax = _const_int(axis)
        if ax is not None and not -x.type.ndim <= ax < x.type.ndim:
            raise IndexError("Split: axis %d is out of range for %s" % (ax, x.type))
        if isinstance(splits, Constant) and len(splits.data) != self.len_splits:
            raise ValueError("Split: expected %d split sizes, got %d (%s)"
                             % (self.len_splits, len(splits.data), splits.data))
        return Apply(self, [x, axis, splits], [x.type() for _ in range(self.len_splits)])

    def perform(self, node, inputs, out):
        x, axis, splits = inputs
        axis = int(axis)
        if not -x.ndim <= axis < x.ndim:
            raise IndexError("Split: axis %d is invalid for x of shape %s" % (axis, x.shape))
        if len(splits) != self.len_splits:
            raise ValueError("Split: expected %d split sizes, got %d (%s)"
                             % (self.len_splits, len(splits), splits))
        if np.any(splits < 0):
            raise ValueError("Split: negative split size in %s" % (splits,))
        if int(np.sum(splits)) != x.shape[axis]:
            raise ValueError("Split: the split sizes %s sum to %d, but x.shape[%d] is %d"
                             % (list(splits), int(np.sum(splits)), axis, x.shape[axis]))
        key = [slice(None)] * x.ndim
        start = 0
        for i, n in enumerate(splits):
            key[axis] = slice(start, start + int(n))
            out[i][0] = x[tuple(key)]
            start += int(n)

    def infer_shape(self, fgraph, node, shapes):
        x, axis, splits = node.inputs
        xs = shapes[0]
        ax = _const_int(axis)
        if isinstance(splits, Constant):
            sizes = [int(s) for s in splits.data]
        else:
            sizes = [splits[i] for i in range(self.len_splits)]
        res = []
        for n in sizes:
            if ax is not None:
                dims = list(xs)
                dims[ax % len(xs)] = n
            else:
                axis_n = switch(axis < 0, axis + len(xs), axis)
                dims = [switch(eq(axis_n, d), n, s) for d, s in enumerate(xs)]
            res.append(tuple(dims))
        return res


def split(x, splits_size, n_splits, axis=0):
    """Split ``x`` along ``axis`` into ``n_splits`` pieces of sizes ``splits_size``.

    Returns a list of tensors (a single tensor when ``n_splits`` is 1, as in Theano 1.0).
    """
    return Split(n_splits)(x, axis, splits_size)


# -- Roll ------------------------------------------------------------------------------------
class Roll(Op):
    """``numpy.roll(x, shift, axis)`` (``axis`` None rolls the flattened array)."""

    __props__ = ("axis",)

    def __init__(self, axis=None):
        self.axis = None if axis is None else int(axis)

    def make_node(self, x, shift):
        x = as_tensor_variable(x)
        shift = _int_scalar(shift, "shift", "Roll")
        if self.axis is not None and not -x.type.ndim <= self.axis < x.type.ndim:
            raise ValueError("roll: axis %d is out of range for %s" % (self.axis, x.type))
        return Apply(self, [x, shift], [x.type()])

    def perform(self, node, inputs, out):
        x, shift = inputs
        out[0][0] = np.roll(x, int(shift), self.axis)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


def roll(x, shift, axis=None):
    """``numpy.roll``: shift the elements of ``x`` cyclically along ``axis``.

    ``shift`` and ``axis`` may be sequences of the same length (several rolls).
    """
    x = as_tensor_variable(x)
    if isinstance(shift, (list, tuple)) or isinstance(axis, (list, tuple)):
        shifts = list(shift) if isinstance(shift, (list, tuple)) else None
        axes = list(axis) if isinstance(axis, (list, tuple)) else None
        if axes is None:
            raise ValueError("roll: a sequence of shifts needs a sequence of axes")
        if shifts is None:
            shifts = [shift] * len(axes)
        if len(shifts) != len(axes):
            raise ValueError("roll: %d shifts for %d axes" % (len(shifts), len(axes)))
        for s, a in zip(shifts, axes):
            x = Roll(a)(x, s)
        return x
    return Roll(axis)(x, shift)
