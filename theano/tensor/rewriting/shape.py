"""Shape inference (the ShapeFeature) and the rewrites that use it.

The :class:`ShapeFeature` keeps, for every tensor variable of the graph, its
shape as a tuple of int64 scalar variables computed from the input shapes by
each op's ``infer_shape`` (an op without one gets ``Shape_i`` of its own
output).  The rewrites here then replace ``Shape``/``Shape_i`` nodes by those
expressions, so ``x.shape`` no longer needs ``x`` itself: ``(x + 1).T.shape``
becomes ``[Shape_i{1}(x), Shape_i{0}(x)]`` and the addition disappears.
"""
import warnings

import numpy as np

from theano.configparser import config
from theano.graph.basic import Constant, Variable, equal_computations
from theano.graph.fg import Feature
from theano.rewriting.basic import GraphRewriter, node_rewriter
from theano.rewriting.db import optdb, register_canonicalize, register_specialize
from theano.scalar.basic import ScalarType
from theano.tensor.basic import as_tensor_variable, cast, constant
from theano.tensor.rewriting.basic import fit_type, get_const
from theano.tensor.shape import (MakeVector, Reshape, Shape, Shape_i, SpecifyShape, make_vector,
                                 reshape)
from theano.tensor.type import TensorType

__all__ = ["ShapeFeature", "ShapeOptimizer"]

_int64_scalar = TensorType("int64", ())


class ShapeFeature(Feature):
    """Symbolic shapes of the graph's tensors (``fgraph.shape_feature.shape_of[var]``)."""

    def __init__(self):
        self.shape_of = {}
        self._consts = {}
        self.fgraph = None

    # -- dimension helpers ----------------------------------------------------
    def const(self, value):
        c = self._consts.get(value)
        if c is None:
            c = self._consts[value] = constant(np.asarray(value, dtype="int64"))
        return c

    def norm_dim(self, d):
        """A dimension as an int64 0-d variable (Python ints become cached constants)."""
        if isinstance(d, (int, np.integer)):
            return self.const(int(d))
        if not isinstance(d, Variable):
            d = as_tensor_variable(d)
        if isinstance(d.type, TensorType):
            if d.type.ndim != 0:
                raise TypeError("shape entry %s is not a scalar" % d)
            if d.type.dtype != "int64":
                c = get_const(d)
                if c is not None:
                    return self.const(int(c))
                d = cast(d, "int64")
        elif isinstance(d.type, ScalarType):
            d = as_tensor_variable(d)
            if d.type.dtype != "int64":
                d = cast(d, "int64")
        if isinstance(d, Constant) and d.type == _int64_scalar:
            return self.const(int(d.data))
        return d

    def default_shape(self, var):
        if isinstance(var, Constant):
            return tuple(self.const(s) for s in np.shape(var.data))
        return tuple(self.const(1) if b else Shape_i(i)(var)
                     for i, b in enumerate(var.type.broadcastable))

    def get_shape(self, var):
        """The shape tuple of ``var`` (computed now if ``var`` is not tracked)."""
        s = self.shape_of.get(var)
        if s is None and isinstance(var.type, TensorType):
            s = self.shape_of[var] = self.default_shape(var)
        return s

    def same_dim(self, a, b):
        a, b = self.norm_dim(a), self.norm_dim(b)
        if a is b:
            return True
        ca, cb = get_const(a), get_const(b)
        if ca is not None and cb is not None:
            return int(ca) == int(cb)
        return equal_computations([a], [b])

    def same_shape(self, x, y, dims=None):
        sx, sy = self.get_shape(x), self.get_shape(y)
        if sx is None or sy is None or len(sx) != len(sy):
            return False
        idx = range(len(sx)) if dims is None else dims
        return all(self.same_dim(sx[i], sy[i]) for i in idx)

    # -- feature callbacks ------------------------------------------------------
    def on_attach(self, fgraph):
        if getattr(fgraph, "shape_feature", None) not in (None, self):
            raise ValueError("this FunctionGraph already has a ShapeFeature")
        self.fgraph = fgraph
        fgraph.shape_feature = self
        for node in fgraph.toposort():
            self.on_import(fgraph, node, "on_attach")

    def on_detach(self, fgraph):
        if getattr(fgraph, "shape_feature", None) is self:
            del fgraph.shape_feature
        self.shape_of = {}
        self.fgraph = None

    def on_import(self, fgraph, node, reason):
        if node.outputs and node.outputs[0] in self.shape_of:
            return
        in_shapes = []
        for i in node.inputs:
            s = self.get_shape(i)
            in_shapes.append(s)
        outs = [o for o in node.outputs]
        shapes = None
        infer = getattr(node.op, "infer_shape", None)
        if infer is not None and all(s is not None or not isinstance(i.type, TensorType)
                                     for s, i in zip(in_shapes, node.inputs)):
            try:
                shapes = infer(fgraph, node, in_shapes)
                shapes = self._check_inferred(node, shapes)
            except NotImplementedError:
                shapes = None  # no shape rule: the outputs' own Shape_i stand in
            except Exception as exc:
                _shape_error(node, in_shapes, exc)
                shapes = None
        for k, o in enumerate(outs):
            if not isinstance(o.type, TensorType):
                continue
            s = shapes[k] if shapes is not None else None
            if s is None:
                s = self.default_shape(o)
            else:
                s = tuple(self.const(1) if b else d
                          for d, b in zip(s, o.type.broadcastable))
            self.shape_of[o] = s

    def _check_inferred(self, node, shapes):
        """``shapes`` normalised, or ValueError naming what is malformed."""
        if not isinstance(shapes, (list, tuple)) or len(shapes) != len(node.outputs):
            raise ValueError("infer_shape returned %r; it must return a list with one shape "
                             "(or None) per output (%d)" % (shapes, len(node.outputs)))
        out = []
        for o, sh in zip(node.outputs, shapes):
            if sh is None or not isinstance(o.type, TensorType):
                out.append(None)
                continue
            sh = tuple(self.norm_dim(d) for d in sh)
            if len(sh) != o.type.ndim:
                raise ValueError("infer_shape gave %d dimensions for output %s, which has %d"
                                 % (len(sh), o, o.type.ndim))
            out.append(sh)
        return out

    def on_change_input(self, fgraph, node, i, old, new, reason):
        # ``new`` replaces ``old``: the two have the same value, so dimensions
        # known as constants for ``old`` hold for ``new`` too.
        so, sn = self.shape_of.get(old), self.get_shape(new)
        if so is None or sn is None or len(so) != len(sn) or so is sn:
            return
        merged = []
        changed = False
        for a, b in zip(sn, so):
            if not isinstance(a, Constant) and isinstance(b, Constant):
                merged.append(b)
                changed = True
            else:
                merged.append(a)
        if changed:
            self.shape_of[new] = tuple(merged)


class ShapeOptimizer(GraphRewriter):
    """Attach a :class:`ShapeFeature` to the graph (the shape rewrites need it)."""

    name = "ShapeOpt"

    def apply(self, fgraph):
        if getattr(fgraph, "shape_feature", None) is None:
            fgraph.attach_feature(ShapeFeature())


optdb.register("ShapeOpt", ShapeOptimizer(), "fast_run", "shape", position=0.1)


def _is_own_shape_i(d, var, i):
    n = d.owner
    return (n is not None and isinstance(n.op, Shape_i) and n.op.i == i and n.inputs[0] is var)


@node_rewriter([Shape])
def local_shape_to_shape_i(fgraph, node):
    """``Shape(x)`` -> ``MakeVector(*shape_of[x])`` (a constant when all dims are known)."""
    sf = getattr(fgraph, "shape_feature", None)
    x = node.inputs[0]
    if sf is None or not isinstance(x.type, TensorType):
        return False
    shp = sf.get_shape(x)
    if x.type.ndim == 0:
        return [constant(np.zeros(0, dtype="int64"))]
    new = make_vector(list(shp), "int64")
    return [fit_type(new, node.outputs[0])]


register_canonicalize(local_shape_to_shape_i, "shape")
register_specialize(local_shape_to_shape_i, "shape")


@node_rewriter([Shape_i])
def local_shape_i_lift(fgraph, node):
    """``Shape_i{i}(f(...))`` -> the inferred expression of that dimension."""
    sf = getattr(fgraph, "shape_feature", None)
    x = node.inputs[0]
    if sf is None or x.owner is None and not isinstance(x, Constant):
        return False
    shp = sf.get_shape(x)
    if shp is None:
        return False
    d = shp[node.op.i]
    if _is_own_shape_i(d, x, node.op.i) or d is node.outputs[0]:
        return False
    return [fit_type(d, node.outputs[0])]


register_canonicalize(local_shape_i_lift, "shape")
register_specialize(local_shape_i_lift, "shape")


@node_rewriter([Reshape])
def local_useless_reshape(fgraph, node):
    """``reshape(x, s)`` -> x when ``s`` is x's own shape."""
    x, shp = node.inputs
    out = node.outputs[0]
    if x.type.ndim != out.type.ndim:
        return False
    sf = getattr(fgraph, "shape_feature", None)
    if shp.owner is not None and isinstance(shp.owner.op, Shape) and shp.owner.inputs[0] is x:
        return [fit_type(x, out)]
    entries = None
    if shp.owner is not None and isinstance(shp.owner.op, MakeVector):
        entries = list(shp.owner.inputs)
    elif isinstance(shp, Constant):
        entries = [int(v) for v in np.asarray(shp.data)]
    if entries is None or len(entries) != x.type.ndim:
        return False
    xs = sf.get_shape(x) if sf is not None else None
    for k, e in enumerate(entries):
        if x.type.broadcastable[k] and get_const(e) is not None and int(get_const(e)) == 1:
            continue
        if isinstance(e, Variable) and e.owner is not None and isinstance(
                e.owner.op, Shape_i) and e.owner.op.i == k and e.owner.inputs[0] is x:
            continue
        if xs is not None and sf.same_dim(xs[k], e):
            continue
        return False
    return [fit_type(x, out)]


register_canonicalize(local_useless_reshape)
register_specialize(local_useless_reshape)


@node_rewriter([Reshape])
def local_reshape_chain(fgraph, node):
    """``reshape(reshape(x, s1), s2)`` -> ``reshape(x, s2)``."""
    x, shp = node.inputs
    if x.owner is None or not isinstance(x.owner.op, Reshape):
        return False
    inner = x.owner.inputs[0]
    new = reshape(inner, shp, ndim=node.op.ndim)
    return [fit_type(new, node.outputs[0])]


register_canonicalize(local_reshape_chain, "fast_compile")
register_specialize(local_reshape_chain)


@node_rewriter([SpecifyShape])
def local_specify_shape_of_known(fgraph, node):
    """``specify_shape(specify_shape(x, s), s)`` -> the inner one."""
    x, shp = node.inputs
    if x.owner is not None and isinstance(x.owner.op, SpecifyShape) and equal_computations(
            [x.owner.inputs[1]], [shp]):
        return [x]
    return False


register_canonicalize(local_specify_shape_of_known)


def _shape_error(node, in_shapes, exc):
    """An ``infer_shape`` that fails is a bug of its op: say so (config.on_shape_error)."""
    msg = ("Failed to infer the output shapes of %s (op %s) from the input shapes %s: %s: %s. "
           "The graph keeps computing the shapes at run time instead."
           % (node, type(node.op).__name__, in_shapes, type(exc).__name__, exc))
    if config.on_shape_error == "raise":
        raise ValueError(msg) from exc
    warnings.warn(msg, stacklevel=2)
