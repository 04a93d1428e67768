"""Elementwise ops, dimension shuffles and reductions over tensors."""
import numpy as np

from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.graph.basic import Constant
from theano.scalar.basic import (Add, Cast, Composite, Mul, ScalarOp, Second, add,
                                 call_ufunc_into, inplace_ufunc, mul)
from theano.tensor.type import TensorType

__all__ = ["Elemwise", "DimShuffle", "CAReduce"]


def _as_tensor(x):
    # Lazy: theano.tensor.basic builds casts and dimshuffles on this module's
    # ops, and as_tensor_variable needs those in turn.
    from theano.tensor.basic import as_tensor_variable
    return as_tensor_variable(x)


class DimShuffle(Op):
    """Permute dimensions, insert broadcastable ones (``'x'``) or drop them.

    ``DimShuffle((False, True), [0, 'x'])`` drops axis 1 (it must be
    broadcastable) and appends a new broadcastable axis.  The output is a view.
    """

    __props__ = ("input_broadcastable", "new_order", "inplace")
    view_map = {0: [0]}

    def __init__(self, input_broadcastable, new_order, inplace=True):
        self.input_broadcastable = tuple(bool(b) for b in input_broadcastable)
        # inplace=True: the output is a view of the input (Theano 1.0's
        # InplaceDimShuffle); inplace=False: a copy.
        self.inplace = bool(inplace)
        self.view_map = {0: [0]} if self.inplace else {}
        self.new_order = tuple(new_order)
        nd = len(self.input_broadcastable)
        for o in self.new_order:
            if o != "x" and (not isinstance(o, (int, np.integer)) or isinstance(o, bool)):
                raise TypeError("DimShuffle indices must be python ints or 'x', got %r of type "
                                "%s in new_order %s" % (o, type(o).__name__, self.new_order))
            if o != "x" and not 0 <= o < nd:
                raise ValueError("DimShuffle: invalid entry %r in new_order %s for an input "
                                 "with %d dimensions" % (o, self.new_order, nd))
        kept = [o for o in self.new_order if o != "x"]
        if len(set(kept)) != len(kept):
            raise ValueError("DimShuffle: dimension repeated in new_order %s" % (self.new_order,))
        self.drop = [i for i in range(nd) if i not in kept]
        for d in self.drop:
            if not self.input_broadcastable[d]:
                raise ValueError(
                    "Cannot drop non-broadcastable dimension %d of an input with broadcastable "
                    "pattern %s in DimShuffle%s" % (d, self.input_broadcastable, self.new_order))
        self.shuffle = kept
        self.augment = [i for i, o in enumerate(self.new_order) if o == "x"]

    def make_node(self, x):
        x = _as_tensor(x)
        if x.type.broadcastable != self.input_broadcastable:
            # Accept inputs whose pattern is more specific in the kept dims.
            if x.type.ndim != len(self.input_broadcastable) or any(
                    ib and not xb for ib, xb in zip(self.input_broadcastable, x.type.broadcastable)):
                raise TypeError("DimShuffle%s expected an input with broadcastable pattern %s, "
                                "got %s" % (self.new_order, self.input_broadcastable, x.type))
        bcast = tuple(True if o == "x" else x.type.broadcastable[o] for o in self.new_order)
        return Apply(self, [x], [TensorType(x.type.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        res = x.transpose(self.shuffle + self.drop) if self.drop or self.shuffle != list(
            range(x.ndim)) else x
        shape = [1 if o == "x" else x.shape[o] for o in self.new_order]
        res = res.reshape(shape)
        output_storage[0][0] = res if self.inplace else res.copy()

    def make_thunk_fn(self, node):
        perm = self.shuffle + self.drop
        trivial = perm == list(range(len(perm)))
        order = self.new_order
        copy = not self.inplace

        def fn(inputs, out):
            x = inputs[0]
            res = x if trivial else x.transpose(perm)
            res = res.reshape([1 if o == "x" else x.shape[o] for o in order])
            out[0][0] = res.copy() if copy else res

        return fn

    def infer_shape(self, fgraph, node, shapes):
        (ish,) = shapes
        return [tuple(1 if o == "x" else ish[o] for o in self.new_order)]

    # Gradients live in theano.tensor.math_grad.
    def __str__(self):
        # Theano 1.0 printed the (default) view form as InplaceDimShuffle.
        return "%s{%s}" % ("InplaceDimShuffle" if self.inplace else "DimShuffle",
                           ",".join(str(o) for o in self.new_order))

    def get_scalar_constant_value(self, node, recurse):
        return recurse(node.inputs[0])


class Elemwise(Op):
    """Apply a scalar op elementwise, with broadcasting.

    Inputs of lower rank are padded on the left with broadcastable dimensions.
    ``inplace_pattern`` ({output: input}) lets an output reuse an input buffer.
    """

    __props__ = ("scalar_op", "inplace_pattern")

    def __init__(self, scalar_op, inplace_pattern=None, name=None, nfunc_spec=None):
        if not isinstance(scalar_op, ScalarOp):
            raise TypeError("Elemwise needs a ScalarOp, got %r" % (scalar_op,))
        self.scalar_op = scalar_op
        self.inplace_pattern = tuple(sorted((inplace_pattern or {}).items()))
        self.destroy_map = {o: [i] for o, i in self.inplace_pattern}
        self.name = name

    def make_node(self, *inputs):
        inputs = [_as_tensor(i) for i in inputs]
        nd = max((i.type.ndim for i in inputs), default=0)
        padded = []
        for i in inputs:
            if i.type.ndim < nd:
                i = DimShuffle(i.type.broadcastable,
                               ["x"] * (nd - i.type.ndim) + list(range(i.type.ndim)))(i)
            padded.append(i)
        try:
            dtypes = self.scalar_op.output_dtypes(*[i.type.dtype for i in padded])
        except TypeError as exc:
            raise TypeError("%s: %s (inputs: %s)" % (self, exc, ", ".join(
                "%s %s" % (i, i.type) for i in padded))) from None
        bcast = tuple(all(bs) for bs in zip(*[i.type.broadcastable for i in padded])) \
            if padded else ()
        if not padded:
            bcast = ()
        for o, i in self.inplace_pattern:
            if padded[i].type.broadcastable != bcast or padded[i].type.dtype != dtypes[o]:
                raise TypeError("%s: input %d cannot be overwritten by output %d" % (self, i, o))
        return Apply(self, padded, [TensorType(d, bcast)() for d in dtypes])

    def perform(self, node, inputs, output_storage):
        self.make_thunk_fn(node)(inputs, output_storage)

    def make_thunk_fn(self, node):
        nfunc = self.scalar_op.nfunc
        odtypes = [np.dtype(o.type.dtype) for o in node.outputs]
        nout = len(node.outputs)
        bcasts = [i.type.broadcastable for i in node.inputs]
        inplace = dict(self.inplace_pattern)
        op = self

        if self.scalar_op.upcast_inputs:
            base = nfunc
            od = odtypes[0]

            def nfunc(*xs):
                return base(*[x if x.dtype.kind in "fc" else x.astype(od) for x in xs])

        if nout == 1 and 0 in inplace:
            # Truly in place: the ufunc (or a Composite's last ufunc) writes
            # into the destroyed input; anything else falls back to a copy.
            target_idx = inplace[0]
            sop = self.scalar_op
            uf = None if isinstance(sop, Composite) else inplace_ufunc(sop)
            od0 = odtypes[0]
            cast_in = sop.upcast_inputs
            general = None

            def fn(inputs, out):
                target = inputs[target_idx]
                if type(target) is np.ndarray and target.flags.writeable \
                        and target.dtype == od0:
                    shape = target.shape
                    for x in inputs:
                        if x.shape != shape:
                            op._check_broadcast(node, inputs, bcasts, shape)
                            break
                    if uf is not None:
                        args = [x if not cast_in or x.dtype.kind in "fc" else x.astype(od0)
                                for x in inputs]
                        done = call_ufunc_into(uf, args, target)
                    elif isinstance(sop, Composite):
                        done = sop.impl_into(target, *inputs)
                    else:
                        done = False
                    if done:
                        out[0][0] = target
                        return
                general(inputs, out)
        else:
            fn = None

        def general_fn(inputs, out):
            res = nfunc(*inputs)
            if nout == 1:
                res = (res,)
            for k in range(nout):
                r = res[k]
                if type(r) is not np.ndarray or r.dtype != odtypes[k]:
                    r = np.asarray(r, dtype=odtypes[k])
                if k in inplace:
                    target = inputs[inplace[k]]
                    if target.shape == r.shape and target.flags.writeable:
                        target[...] = r
                        r = target
                out[k][0] = r
            shape = out[0][0].shape
            for idx, x in enumerate(inputs):
                if x.shape != shape:
                    op._check_broadcast(node, inputs, bcasts, shape)
                    break

        if fn is None:
            return general_fn
        general = general_fn  # noqa: F841  (bound in fn's closure)
        return fn

    def _check_broadcast(self, node, inputs, bcasts, shape):
        # NumPy broadcasts any size-1 dimension; Theano only broadcasts the
        # dimensions whose type says so, which keeps gradients correct.
        for idx, (x, b) in enumerate(zip(inputs, bcasts)):
            for d, (s, bd) in enumerate(zip(x.shape, b)):
                if s != shape[d] and not bd:
                    raise ValueError(
                        "Input dimension mismatch in %s: input %d has shape %s but the output "
                        "shape is %s (dimension %d is not broadcastable; all input shapes: %s)"
                        % (self, idx, x.shape, shape, d, [i.shape for i in inputs]))

    def infer_shape(self, fgraph, node, shapes):
        nd = node.outputs[0].type.ndim
        out = []
        for d in range(nd):
            cands = [s[d] for s, i in zip(shapes, node.inputs) if not i.type.broadcastable[d]]
            if not cands:
                out.append(1)
            else:
                # Prefer a constant dimension when one is known.
                out.append(maximum_shape(cands))
        return [tuple(out)] * len(node.outputs)

    def get_scalar_constant_value(self, node, recurse):
        """The constant this node computes from constant inputs."""
        if isinstance(self.scalar_op, Second):
            # fill(m, c) holds c whatever m is (Theano 1.0 needed only c constant).
            value = recurse(node.inputs[1])
            return np.asarray(value).astype(node.outputs[0].type.dtype)
        vals = [recurse(i) for i in node.inputs]
        if isinstance(self.scalar_op, Cast):
            return np.asarray(vals[0]).astype(self.scalar_op.o_dtype)
        return np.asarray(self.scalar_op.impl(*vals)).astype(node.outputs[0].type.dtype)

    # Gradients: one rule per scalar op class, in theano.tensor.elemwise_grad.
    def __str__(self):
        if self.name:
            return self.name
        # Theano 1.0's spelling: the named ops of theano.tensor print as
        # ``Elemwise{add,no_inplace}`` (their name), others as ``Elemwise{mul}``
        # or, in place, ``Elemwise{mul}[(0, 0)]``.
        if self.inplace_pattern:
            return "Elemwise{%s}%s" % (self.scalar_op, list(self.inplace_pattern))
        return "Elemwise{%s}" % self.scalar_op


def maximum_shape(cands):
    """Pick one of several equal symbolic dimension sizes, preferring constants."""
    for c in cands:
        if isinstance(c, (int, np.integer)) or isinstance(c, Constant):
            return c
    return cands[0]


def _normalize_axis(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, Constant):  # a constant tensor axis, as Theano 1.0 accepted
        axis = axis.data
    if isinstance(axis, np.ndarray):
        axis = axis.tolist()
    if isinstance(axis, (int, np.integer)):
        axis = (int(axis),)
    out = []
    for a in axis:
        a = int(a)
        if a < -ndim or a >= ndim:
            raise ValueError("axis %d is out of bounds for a tensor with %d dimensions"
                             % (a, ndim))
        out.append(a % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ValueError("repeated axis in %s" % (tuple(axis),))
    return tuple(sorted(out))


class CAReduce(Op):
    """Reduce along ``axis`` with a commutative, associative scalar op.

    ``dtype`` is the output dtype, ``acc_dtype`` the accumulator's.
    """

    __props__ = ("scalar_op", "axis", "dtype", "acc_dtype")

    def __init__(self, scalar_op, axis=None, dtype=None, acc_dtype=None):
        self.scalar_op = scalar_op
        self.axis = None if axis is None else tuple(sorted(int(a) for a in axis))
        self.dtype = dtype
        self.acc_dtype = acc_dtype

    def _out_dtype(self, in_dtype):
        return self.dtype or in_dtype

    def make_node(self, x):
        x = _as_tensor(x)
        axis = _normalize_axis(self.axis, x.type.ndim)
        if axis != self.axis:
            op = type(self).__new__(type(self))
            op.__dict__.update(self.__dict__)
            op.axis = axis
            return op.make_node(x)
        bcast = tuple(b for i, b in enumerate(x.type.broadcastable) if i not in axis)
        return Apply(self, [x], [TensorType(self._out_dtype(x.type.dtype), bcast)()])

    def perform(self, node, inputs, output_storage):
        self.make_thunk_fn(node)(inputs, output_storage)

    def make_thunk_fn(self, node):
        sop = self.scalar_op
        red = sop.reducer or sop.ufunc.reduce
        axis = self.axis
        odtype = np.dtype(node.outputs[0].type.dtype)
        # Sums and products accumulate in a wider type by default (Theano 1.0's
        # acc_dtype): float16 -> float32, float32 -> float64, integers -> 64 bits.
        acc = np.dtype(self.acc_dtype or _ACC_DTYPES.get(node.inputs[0].type.dtype,
                                                         node.inputs[0].type.dtype))
        # A reduction without a neutral element (max, min) has no value over nothing.
        needs_elements = sop.identity is None or isinstance(sop.identity, float) and \
            np.isinf(sop.identity)
        op = self

        def fn(inputs, out):
            x = inputs[0]
            if needs_elements and x.size == 0 and any(x.shape[a] == 0 for a in axis):
                raise ValueError("%s: cannot reduce an empty dimension with %s (input shape %s)"
                                 % (op, sop, x.shape))
            if isinstance(sop, (Add, Mul)):
                r = red(x, axis=axis, dtype=acc)
            else:
                r = red(x, axis=axis)
            out[0][0] = np.asarray(r, dtype=odtype)

        return fn

    def infer_shape(self, fgraph, node, shapes):
        return [tuple(s for i, s in enumerate(shapes[0]) if i not in self.axis)]

    # Gradients live in theano.tensor.math_grad.
    def __str__(self):
        name = self.scalar_op.reduce_name
        ax = "" if self.axis is None else "{%s}" % ", ".join(str(a) for a in self.axis)
        if name is None:
            return "CAReduce{%s}%s" % (self.scalar_op, ax)
        return name + ax


_ACC_DTYPES = dict(bool="int64", int8="int64", int16="int64", int32="int64",
                   uint8="uint64", uint16="uint64", uint32="uint64",
                   float16="float32", float32="float64", complex64="complex128")


def _sum_dtype(dtype):
    if dtype == "bool" or dtype in ("int8", "int16", "int32", "int64"):
        return "int64"
    if dtype.startswith("uint"):
        return "uint64"
    return dtype


class Sum(CAReduce):
    """Sum over ``axis``; integers accumulate in 64 bits (as in NumPy)."""

    def __init__(self, axis=None, dtype=None, acc_dtype=None):
        super().__init__(add, axis, dtype, acc_dtype)

    def _out_dtype(self, in_dtype):
        return self.dtype or _sum_dtype(in_dtype)


class Prod(CAReduce):
    """Product over ``axis``; ``no_zeros_in_input`` promises no zeros (a simpler gradient)."""

    __props__ = CAReduce.__props__ + ("no_zeros_in_input",)

    def __init__(self, axis=None, dtype=None, acc_dtype=None, no_zeros_in_input=False):
        super().__init__(mul, axis, dtype, acc_dtype)
        self.no_zeros_in_input = no_zeros_in_input

    def _out_dtype(self, in_dtype):
        return self.dtype or _sum_dtype(in_dtype)


__all__ += ["Sum", "Prod", "Cast"]
