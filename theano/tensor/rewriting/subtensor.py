"""Subtensor rewrites: useless slices, indexing of shape vectors.

* ``x[:]``, ``x[0:, ::1]``, ``x[:n]`` with ``n`` the length... -> ``x``;
* ``shape(x)[i]`` -> ``Shape_i{i}(x)``; ``MakeVector(a, b, c)[1]`` -> ``b``,
  ``MakeVector(a, b, c)[1:]`` -> ``MakeVector(b, c)``;
* ``inc_subtensor(z, a, i) + inc_subtensor(z, b, j)`` (the gradient of several slices of
  one tensor) -> ``inc_subtensor(inc_subtensor(z, a, i), b, j)``, zeros left out of the
  sum (Theano 1.0's ``local_IncSubtensor_serialize``): each slice is written once into
  one buffer instead of one zero-filled copy per slice and a sum of them.

Increments become in place through ``theano.tensor.rewriting.inplace``.
"""
import numpy as np

import theano.scalar.basic as ts
from theano.rewriting.basic import node_rewriter
from theano.rewriting.db import register_canonicalize, register_specialize, register_useless
from theano.tensor.basic_subtensor import IncSubtensor
from theano.tensor.elemwise import Elemwise
from theano.tensor.rewriting.basic import fit_type, get_const, is_const
from theano.tensor.shape import MakeVector, Rebroadcast, Shape, Shape_i, make_vector, shape_i
from theano.tensor.subtensor import Subtensor, get_idx_list

__all__ = []


def _const_int(v):
    if v is None:
        return None
    if isinstance(v, (int, np.integer)):
        return int(v)
    c = get_const(v)
    if c is None:
        return None
    try:
        return int(c)
    except (TypeError, ValueError):
        return None


def _is_full_slice(fgraph, e, x, dim):
    """True if the slice ``e`` keeps the whole dimension ``dim`` of ``x``."""
    if not isinstance(e, slice):
        return False
    start, step = _const_int(e.start), _const_int(e.step)
    if e.start is not None and start != 0:
        return False
    if e.step is not None and step != 1:
        return False
    if e.stop is None:
        return True
    stop = _const_int(e.stop)
    if stop is not None:
        if x.type.broadcastable[dim] and stop >= 1:
            return True
        if stop >= np.iinfo("int64").max:
            return True
    sf = getattr(fgraph, "shape_feature", None)
    if sf is not None and not isinstance(e.stop, int):
        shp = sf.get_shape(x)
        if shp is not None:
            return sf.same_dim(shp[dim], e.stop)
    return False


@node_rewriter([Subtensor])
def local_useless_subtensor(fgraph, node):
    """``x[:]`` (slices keeping every element) -> ``x``."""
    x = node.inputs[0]
    idx = get_idx_list(node.inputs, node.op.idx_list)
    for d, e in enumerate(idx):
        if not _is_full_slice(fgraph, e, x, d):
            return False
    res = fit_type(x, node.outputs[0])
    return [res] if res is not None else False


register_useless(local_useless_subtensor)
register_specialize(local_useless_subtensor)


def _vector_source(v):
    """(kind, node) for ``v`` a Shape or MakeVector output (through Rebroadcasts)."""
    while v.owner is not None and isinstance(v.owner.op, Rebroadcast):
        v = v.owner.inputs[0]
    if v.owner is not None and isinstance(v.owner.op, (Shape, MakeVector)):
        return v.owner
    return None


@node_rewriter([Subtensor])
def local_subtensor_of_shape_vector(fgraph, node):
    """``shape(x)[i]`` -> ``Shape_i{i}(x)``; ``MakeVector(...)[i]`` / ``[a:b]`` -> entries."""
    v = node.inputs[0]
    if v.type.ndim != 1:
        return False
    src = _vector_source(v)
    if src is None:
        return False
    (e,) = get_idx_list(node.inputs, node.op.idx_list)[:1] or (None,)
    out = node.outputs[0]
    if isinstance(src.op, Shape):
        x = src.inputs[0]
        entries = list(range(x.type.ndim))
    else:
        entries = list(src.inputs)
    n = len(entries)
    if isinstance(e, slice):
        bounds = [_const_int(b) if b is not None else None for b in (e.start, e.stop, e.step)]
        if any(b is None and orig is not None for b, orig in zip(bounds, (e.start, e.stop,
                                                                         e.step))):
            return False
        picked = entries[slice(*bounds)]
        if isinstance(src.op, Shape):
            picked = [Shape_i(i)(x) if not x.type.broadcastable[i] else 1 for i in picked]
        res = make_vector(picked, out.type.dtype) if picked else None
        if res is None:
            return False
        return [fit_type(res, out)]
    i = _const_int(e)
    if i is None or not -n <= i < n:
        return False
    i %= n
    if isinstance(src.op, Shape):
        res = shape_i(x, i)
    else:
        res = entries[i]
    res = fit_type(res, out)
    return [res] if res is not None else False


register_canonicalize(local_subtensor_of_shape_vector, "fast_compile", "shape")
register_specialize(local_subtensor_of_shape_vector)


@node_rewriter([Elemwise])
def local_add_of_increments(fgraph, node):
    """Sums of subtensor increments become a chain of increments of one tensor."""
    if not isinstance(node.op.scalar_op, ts.Add):
        return None
    out = node.outputs[0]
    incs, bases = [], []
    for v in node.inputs:
        inc = v.owner
        if (inc is not None and isinstance(inc.op, IncSubtensor)
                and not inc.op.set_instead_of_inc and v.type == out.type
                and len(fgraph.clients.get(v, ())) == 1):
            incs.append(inc)
            bases.append(inc.inputs[0])
        else:
            bases.append(v)
    if not incs or any(b.type != out.type for b in bases):
        return None
    # (a zero term of the same type is left out of the sum, unless all are zeros)
    kept = [b for b in bases if not is_const(b, 0)] or bases[:1]
    total = kept[0] if len(kept) == 1 else node.op(*kept)
    for inc in incs:
        total = IncSubtensor(inc.op.idx_list)(total, *inc.inputs[1:])
    return [total]


register_specialize(local_add_of_increments)
