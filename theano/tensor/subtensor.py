"""Indexing tensors: ``x[...]``, ``inc_subtensor``, ``set_subtensor`` and ``take``.

Basic indexing (ints, slices) gives a :class:`Subtensor`
(:mod:`theano.tensor.basic_subtensor`); integer-array and boolean indices give
the advanced ops of :mod:`theano.tensor.advsubtensor`.  This module chooses
between them, and is where Theano 1.0 code imports all of them from.
"""
import numpy as np

from theano.graph.basic import Variable
from theano.scalar.basic import integer_dtypes
from theano.tensor import advsubtensor as adv
from theano.tensor import math as m
from theano.tensor.advsubtensor import *  # noqa: F401,F403  (Theano 1.0's names)
from theano.tensor.basic import as_tensor_variable, constant, dimshuffle, fill
from theano.tensor.basic_subtensor import *  # noqa: F401,F403  (Theano 1.0's names)
from theano.tensor.basic_subtensor import (AdvancedIndexingError, IncSubtensor, Subtensor,
                                           _convert_basic_entry, _index_array, _is_full_slice,
                                           _normalize_index, get_canonical_form_slice,
                                           get_idx_list)
from theano.tensor.elemwise import DimShuffle
from theano.tensor.shape import Rebroadcast, Reshape, addbroadcast, reshape, shape, shape_i

__all__ = ["get_item", "inc_subtensor", "set_subtensor", "take"]


def inc_subtensor(x, y, inplace=False, set_instead_of_inc=False,
                  tolerate_inplace_aliasing=False):
    """The tensor that ``x`` was indexed from, with the region ``x`` incremented by ``y``.

    ``x`` must be the result of indexing a tensor (``a[...]``, ``a.take(...)``,
    possibly followed by a dimshuffle or reshape); the result has the shape of
    that indexed tensor.  ``y`` is broadcast to the shape of ``x``.  With
    advanced indices, repeated indices accumulate (like ``numpy.add.at``).
    """

    x = as_tensor_variable(x)
    y = as_tensor_variable(y)
    verb = "set_subtensor" if set_instead_of_inc else "inc_subtensor"
    if y.type.ndim > x.type.ndim:
        raise TypeError("%s: trying to %s a %d-dimensional subtensor with a %d-dimensional value"
                        % (verb, "set" if set_instead_of_inc else "increment", x.type.ndim,
                           y.type.ndim))
    # Dimensions known to have size 1 in x must have size 1 in y too.
    offset = x.type.ndim - y.type.ndim
    axes = [d for d in range(y.type.ndim)
            if x.type.broadcastable[d + offset] and not y.type.broadcastable[d]]
    if axes:
        y = addbroadcast(y, *axes)
    aliased = [[0, 1]] if tolerate_inplace_aliasing else None
    node = x.owner
    if node is None:
        raise TypeError("%s: x must be the result of indexing a tensor (x = a[...]), got %s, "
                        "which is not computed from another tensor" % (verb, x))
    op = node.op
    if isinstance(op, Subtensor):
        new = IncSubtensor(op.idx_list, inplace, set_instead_of_inc, aliased)
        return new(node.inputs[0], y, *node.inputs[1:])
    if isinstance(op, adv.AdvancedSubtensor1):
        new = adv.AdvancedIncSubtensor1(inplace, set_instead_of_inc)
        return new(node.inputs[0], y, node.inputs[1])
    if isinstance(op, adv.AdvancedSubtensor):
        new = adv.AdvancedIncSubtensor(op.idx_list, inplace, set_instead_of_inc)
        return new(node.inputs[0], y, *node.inputs[1:])
    kw = dict(inplace=inplace, set_instead_of_inc=set_instead_of_inc,
              tolerate_inplace_aliasing=tolerate_inplace_aliasing)
    if isinstance(op, DimShuffle):
        inner = node.inputs[0]
        order = op.new_order
        y_full = dimshuffle(y, ["x"] * offset + list(range(y.type.ndim))) if offset else y
        drop = [k for k, o in enumerate(order) if o == "x" and not y_full.type.broadcastable[k]]
        if drop:
            y_full = addbroadcast(y_full, *drop)
        y_inner = dimshuffle(y_full, [order.index(j) if j in order else "x"
                                      for j in range(inner.type.ndim)])
        res = inc_subtensor(inner, y_inner, **kw)
        if res.type.ndim != inner.type.ndim:
            raise TypeError("%s: x is a dimshuffle of an indexing that removes dimensions; "
                            "index the dimshuffled tensor instead" % verb)
        return dimshuffle(res, order)
    if isinstance(op, Reshape):
        inner = node.inputs[0]
        y_full = fill(x, y) if y.type.ndim else y
        if y.type.ndim:
            y_full = reshape(y_full, shape(inner), ndim=inner.type.ndim)
        return inc_subtensor(inner, y_full, **kw)
    if isinstance(op, Rebroadcast):
        return inc_subtensor(node.inputs[0], y, **kw)
    raise TypeError("%s: x must be the result of indexing a tensor (x = a[...]), but it is the "
                    "output of %s" % (verb, op))


def set_subtensor(x, y, inplace=False, tolerate_inplace_aliasing=False):
    """The tensor that ``x`` was indexed from, with the region ``x`` replaced by ``y``."""
    return inc_subtensor(x, y, inplace, set_instead_of_inc=True,
                         tolerate_inplace_aliasing=tolerate_inplace_aliasing)


def get_item(x, args):
    """``x[args]`` with NumPy semantics (called by ``TensorVariable.__getitem__``)."""

    x = as_tensor_variable(x)
    items = _normalize_index(x, args)
    kinds = [k for k, _ in items]
    if "bool" in kinds or "array" in kinds:
        arrays = [i for i, k in enumerate(kinds) if k == "array"]
        if "bool" not in kinds and len(arrays) == 1 and all(
                _is_full_slice(k, v) for i, (k, v) in enumerate(items) if i != arrays[0]):
            return take(x, items[arrays[0]][1], arrays[0])
        return adv.advanced_subtensor(x, *[v if k != "ellipsis" else Ellipsis
                                           for k, v in items])
    if "newaxis" in kinds:
        pattern, rest, d = [], [], 0
        for k, v in items:
            if k == "newaxis":
                pattern.append("x")
                rest.append(("slice", slice(None)))
            else:
                pattern.append(d)
                d += 1
                rest.append((k, v))
        pattern.extend(range(d, x.type.ndim))
        view = dimshuffle(x, pattern)
        if all(_is_full_slice(k, v) for k, v in rest):
            return view
        items = rest
        x = view
    inputs = []
    idx_list = [_convert_basic_entry(v, inputs) for _, v in items]
    return Subtensor(idx_list)(x, *inputs)


def take(a, indices, axis=None, mode="raise"):
    """``numpy.take``: the elements of ``a`` at ``indices`` along ``axis``.

    ``axis=None`` takes from the flattened ``a``.  ``mode`` is ``'raise'``
    (negative indices count from the end), ``'wrap'`` or ``'clip'``.
    """

    a = as_tensor_variable(a)
    if isinstance(indices, Variable):
        indices = as_tensor_variable(indices)
    else:
        indices = _index_array(indices) if not isinstance(indices, (int, np.integer)) \
            else constant(int(indices))
    if indices.type.dtype not in integer_dtypes:
        raise TypeError("take: indices must be integers, got %s of type %s"
                        % (indices, indices.type))
    if mode not in ("raise", "wrap", "clip"):
        raise ValueError("take: mode must be 'raise', 'wrap' or 'clip', got %r" % (mode,))
    if axis is None:
        a = a.flatten() if a.type.ndim != 1 else a
        axis = 0
    if not isinstance(axis, (int, np.integer)) or not -a.type.ndim <= axis < a.type.ndim:
        raise ValueError("take: axis %r is out of range for %s with %d dimensions"
                         % (axis, a, a.type.ndim))
    axis = int(axis) % a.type.ndim
    if mode == "clip":
        indices = m.clip(indices, 0, shape_i(a, axis) - 1)
    elif mode == "wrap":
        indices = m.mod(indices, shape_i(a, axis))
    if indices.type.ndim == 0:
        return get_item(a, (slice(None),) * axis + (indices,))
    if indices.type.ndim == 1:
        if axis == 0:
            return adv.advanced_subtensor1(a, indices)
        perm = list(range(a.type.ndim))
        perm[0], perm[axis] = axis, 0
        return dimshuffle(adv.advanced_subtensor1(dimshuffle(a, perm), indices), perm)
    flat = take(a, indices.flatten(), axis, "raise")
    dims = ([shape_i(a, i) for i in range(axis)]
            + [shape_i(indices, i) for i in range(indices.type.ndim)]
            + [shape_i(a, i) for i in range(axis + 1, a.type.ndim)])
    return reshape(flat, dims, ndim=len(dims))


# The advanced-indexing ops are defined in their own module; re-export them.


# Theano 1.0 imported every indexing op and helper from here.
__all__ += [n for n in adv.__all__ if n not in __all__]
__all__ += ["Subtensor", "IncSubtensor", "AdvancedIndexingError", "get_idx_list",
            "get_canonical_form_slice"]
