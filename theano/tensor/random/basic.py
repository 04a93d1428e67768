"""Random numbers from ``numpy.random.RandomState``: the Type, the Op and the samplers.

A random draw is an Apply of :class:`RandomFunction` with inputs
``(rng, size, *params)`` and outputs ``(new_rng, sample)``.  ``perform`` draws
from a *copy* of ``rng`` and returns the advanced copy as ``new_rng``; the
stored generator changes only when ``new_rng`` is used as the update of the
shared variable holding ``rng`` (which
:class:`theano.tensor.shared_randomstreams.RandomStreams` sets up as its
``default_update``).  So a call that raises, or a function compiled with
``no_default_updates=True``, leaves the generator where it was.

The numbers are those of Theano 1.0: each sampler calls the same
``RandomState`` method with the same arguments (NumPy guarantees that
``RandomState`` streams never change).

>>> import numpy as np, theano
>>> from theano.tensor import raw_random
>>> rng = theano.shared(np.random.RandomState(42))
>>> new_rng, u = raw_random.uniform(rng, (2,))
>>> f = theano.function([], u, updates=[(rng, new_rng)])
>>> np.allclose(f(), np.random.RandomState(42).uniform(0., 1., (2,)))
True
"""
import warnings

import numpy as np

from theano.configparser import config
from theano.graph.basic import Apply, Constant, Variable
from theano.graph.null_type import disconnected_type
from theano.graph.op import Op
from theano.graph.rules import register_connection_pattern, register_grad, register_rop
from theano.graph.sharedvalue import SharedVariable, host_value, shared_constructor
from theano.graph.type import Type
from theano.scalar.basic import upcast
from theano.tensor.basic import (
    NotScalarConstantError,
    as_tensor_variable,
    cast,
    constant,
    get_scalar_constant_value,
)
from theano.tensor.math import sum as tsum
from theano.tensor.shape import MakeVector, Shape, get_vector_length, shape_i
from theano.tensor.type import TensorType

__all__ = [
    "RandomStateType", "random_state_type", "RandomStateSharedVariable",
    "randomstate_constructor", "RandomFunction", "SizeVector", "BroadcastShape",
    "as_size_vector", "size_vector", "vector_length", "constant_entries", "packed_scalars",
    "uniform", "normal", "binomial", "random_integers", "choice", "poisson",
    "permutation", "multinomial", "PermuteRowElements", "permute_row_elements",
    "RandomStreamsBase",
]


# ---------------------------------------------------------------------------
# The type of a RandomState and shared variables holding one
# ---------------------------------------------------------------------------
class RandomStateType(Type):
    """The type of a ``numpy.random.RandomState``.

    ``Generic`` would do for storage, but two generators in the same state
    do not compare equal with ``==``; ``values_eq`` compares their states.
    """

    def filter(self, data, strict=False, allow_downcast=None):
        if isinstance(data, np.random.RandomState):
            return data
        raise TypeError("RandomStateType expected a numpy.random.RandomState, got %s (%r). "
                        "Wrap the seed: numpy.random.RandomState(seed)."
                        % (type(data).__name__, data))

    def is_valid_value(self, data):
        return isinstance(data, np.random.RandomState)

    def values_eq(self, a, b):
        sa, sb = a.get_state(legacy=False), b.get_state(legacy=False)
        return (sa["bit_generator"] == sb["bit_generator"]
                and np.array_equal(sa["state"]["key"], sb["state"]["key"])
                and sa["state"]["pos"] == sb["state"]["pos"]
                and sa["has_gauss"] == sb["has_gauss"]
                # the cached gaussian is only meaningful when has_gauss is set
                and (not sa["has_gauss"] or sa["gauss"] == sb["gauss"]))

    def values_signature(self, data):
        return id(data)

    @staticmethod
    def may_share_memory(a, b):
        return a is b

    def __eq__(self, other):
        return isinstance(other, RandomStateType)

    def __hash__(self):
        return hash("RandomStateType")

    def __str__(self):
        return "RandomStateType"


random_state_type = RandomStateType()


def _copy_rng(rng):
    """An independent copy of ``rng``.

    ``copy.copy`` is not enough under NumPy >= 1.17: the copy shares the bit
    generator, so drawing from it would advance the original too.
    """
    new = np.random.RandomState(np.random.MT19937(0))
    new.set_state(rng.get_state(legacy=False))
    return new


class RandomStateSharedVariable(SharedVariable):
    """A shared variable holding a ``numpy.random.RandomState``.

    ``get_value(borrow=True)`` returns the stored generator itself;
    ``get_value()`` returns an independent copy.
    """

    def get_value(self, borrow=False, return_internal_type=False):
        value = self.container.storage[0]
        host = host_value(self.type, value)  # a generator kept on a device (JAX key)
        if host is not value:
            return host
        return value if borrow else _copy_rng(value)

    def set_value(self, new_value, borrow=False):
        if not borrow and isinstance(new_value, np.random.RandomState):
            new_value = _copy_rng(new_value)
        self.container.value = new_value


@shared_constructor
def randomstate_constructor(value, name=None, strict=False, allow_downcast=None, borrow=False):
    """``theano.shared(numpy.random.RandomState(...))``."""
    if not isinstance(value, np.random.RandomState):
        raise TypeError("not a RandomState")
    if not borrow:
        value = _copy_rng(value)
    return RandomStateSharedVariable(name=name, type=random_state_type, value=value,
                                     strict=strict, allow_downcast=allow_downcast)


# ---------------------------------------------------------------------------
# Symbolic sizes
# ---------------------------------------------------------------------------
class SizeVector(Op):
    """Integer scalars packed into an int64 vector (a symbolic output shape)."""

    __props__ = ()

    def make_node(self, *dims):
        dims = [as_tensor_variable(d) for d in dims]
        for k, d in enumerate(dims):
            if d.type.ndim != 0 or d.type.dtype[:3] not in ("int", "uin"):
                raise TypeError("size entry %d must be an integer scalar, got %s of type %s"
                                % (k, d, d.type))
        return Apply(self, dims, [TensorType("int64", (False,))()])

    def perform(self, node, inputs, out):
        out[0][0] = np.array([int(d) for d in inputs], dtype="int64")

    def get_vector_length(self, node):
        return len(node.inputs)

    def infer_shape(self, fgraph, node, shapes):
        return [(len(node.inputs),)]


size_vector = SizeVector()


class BroadcastShape(Op):
    """The shape NumPy broadcasting gives to the inputs, as an int64 vector.

    ``drop_last[k]`` means "ignore the last axis of input ``k``" (the axis of
    the outcomes of a multinomial's ``pvals``).
    """

    __props__ = ("drop_last",)

    def __init__(self, drop_last):
        self.drop_last = tuple(bool(d) for d in drop_last)

    def make_node(self, *xs):
        xs = [as_tensor_variable(x) for x in xs]
        if len(xs) != len(self.drop_last):
            raise TypeError("BroadcastShape expected %d inputs, got %d"
                            % (len(self.drop_last), len(xs)))
        return Apply(self, xs, [TensorType("int64", (False,))()])

    def get_vector_length(self, node):
        return max([x.type.ndim - d for x, d in zip(node.inputs, self.drop_last)] + [0])

    def perform(self, node, inputs, out):
        shapes = [x.shape[:-1] if d else x.shape for x, d in zip(inputs, self.drop_last)]
        try:
            shp = np.broadcast_shapes(*shapes)
        except ValueError:
            raise ValueError("The parameters of this random draw have shapes %s that do not "
                             "broadcast together (NumPy rules); pass a compatible `size` or "
                             "reshape them." % (shapes,)) from None
        out[0][0] = np.array(shp, dtype="int64")

    def infer_shape(self, fgraph, node, shapes):
        return [(self.get_vector_length(node),)]


def as_size_vector(size):
    """``size`` (ints, integer scalars, a tuple/list of them, or a vector) as an int vector."""
    if isinstance(size, Variable):
        v = as_tensor_variable(size)
        if v.type.ndim == 0:
            v = size_vector(v)
    elif isinstance(size, (int, np.integer)):
        v = constant(np.array([size], dtype="int64"))
    elif isinstance(size, (tuple, list)):
        if all(isinstance(s, (int, np.integer)) for s in size):
            v = constant(np.array([int(s) for s in size], dtype="int64"))
        else:
            v = size_vector(*size)
    else:
        v = as_tensor_variable(size)
    if v.type.ndim != 1:
        raise TypeError("size must be a tuple/list of integers or integer scalars, or an "
                        "integer vector; got %s with %d dimensions" % (size, v.type.ndim))
    if v.type.dtype[:3] not in ("int", "uin"):
        raise TypeError("size must contain integers, got dtype %s (%s)" % (v.type.dtype, size))
    return v


def vector_length(v):
    """The length of the symbolic vector ``v`` if it is known when the graph is built."""
    if isinstance(v, Constant):
        return len(v.data)
    owner = v.owner
    if owner is not None:
        op = owner.op
        if isinstance(op, (SizeVector, BroadcastShape)):
            return op.get_vector_length(owner)
        if isinstance(op, Shape):
            return owner.inputs[0].type.ndim
        if getattr(getattr(op, "scalar_op", None), "o_dtype", None) is not None:
            return vector_length(owner.inputs[0])   # a Cast
    try:
        return int(get_vector_length(v))
    except (ImportError, ValueError, TypeError):
        pass
    raise ValueError("The length of the size %s cannot be determined when the graph is "
                     "built: pass `ndim` (the number of dimensions of the result)." % v)


def packed_scalars(v):
    """The scalars a size vector was packed from (SizeVector/MakeVector), else None."""
    if v.owner is not None and (isinstance(v.owner.op, SizeVector)
                                or isinstance(v.owner.op, MakeVector)):
        return list(v.owner.inputs)
    return None


def constant_entries(v, n):
    """The entries of size vector ``v`` known at graph-build time (the others are None)."""
    if isinstance(v, Constant):
        return [int(s) for s in v.data]
    if v.owner is not None and getattr(getattr(v.owner.op, "scalar_op", None),
                                       "o_dtype", None) is not None:
        return constant_entries(v.owner.inputs[0], n)
    scalars = packed_scalars(v)
    if scalars is None:
        return [None] * n
    out = []
    for s in scalars:
        try:
            out.append(int(get_scalar_constant_value(s)))
        except NotScalarConstantError:
            out.append(None)
    return out


def _infer_ndim_bcast(ndim, shape, *args, drop_last=None):
    """Number of dimensions, int64 size vector and broadcast pattern of a draw.

    ``shape`` may be None (take the broadcast shape of ``args``), a tuple or
    list mixing ints and integer scalars (``-1`` borrows the matching,
    right-aligned dimension of a non-broadcastable argument), or a symbolic
    vector (whose length must be known or given as ``ndim``).
    ``drop_last[k]`` makes argument ``k`` count without its last axis.
    """
    drop_last = tuple(drop_last or (False,) * len(args))
    arg_ndims = [a.type.ndim - d for a, d in zip(args, drop_last)]
    arg_bcast = [a.type.broadcastable[:nd] for a, nd in zip(args, arg_ndims)]
    args_ndim = max(arg_ndims + [0])
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)

    if isinstance(shape, (tuple, list)):
        if ndim is None:
            ndim = len(shape)
        elif len(shape) != ndim:
            raise ValueError("ndim should be equal to len(size), but ndim = %s, len(size) = %s, "
                             "size = %s" % (ndim, len(shape), shape))
        bcast, dims = [], []
        for i, s in enumerate(shape):
            if isinstance(s, Variable):
                bcast.append(False)
                dims.append(s)
            elif not isinstance(s, (int, np.integer)):
                raise TypeError("size entries must be integers or integer scalars, got %r in "
                                "size %s" % (s, shape))
            elif s >= 0:
                bcast.append(s == 1)
                dims.append(int(s))
            elif s == -1:
                dims.append(_borrowed_dim(i, ndim, args, arg_ndims, arg_bcast, bcast))
            else:
                raise ValueError("size %s has a negative entry %d; only -1 (take this "
                                 "dimension from the parameters) is allowed" % (shape, s))
        v_shape = as_size_vector(tuple(dims))
    elif shape is None:
        if not args:
            raise TypeError("Cannot infer the shape of the draw: give `size` (there are no "
                            "parameters to take it from)")
        v_shape = BroadcastShape(drop_last)(*args)
        ndim = args_ndim
        bcast = [all(b[i - (ndim - len(b))] for b in arg_bcast if i >= ndim - len(b))
                 for i in range(ndim)]
    else:
        v_shape = as_size_vector(shape)
        if ndim is None:
            ndim = vector_length(v_shape)
        bcast = [False] * ndim

    if args_ndim > ndim:
        raise ValueError("The parameters of this random draw have %d dimensions, more than "
                         "the %d of the requested size %s: give a longer size (or ndim)."
                         % (args_ndim, ndim, shape))
    return ndim, cast(v_shape, "int64"), tuple(bcast)


def _borrowed_dim(i, ndim, args, arg_ndims, arg_bcast, bcast):
    """Dimension ``i`` of the result for a ``-1`` size entry."""
    overlap = 0
    for a, a_nd, a_bc in zip(args, arg_ndims, arg_bcast):
        if i >= ndim - a_nd:
            overlap += 1
            a_i = i + a_nd - ndim
            if not a_bc[a_i]:
                bcast.append(False)
                return shape_i(a, a_i)
    if overlap == 0:
        raise ValueError("size entry %d is -1 but no parameter has a dimension there to take "
                         "its length from" % i)
    bcast.append(True)
    return 1


# ---------------------------------------------------------------------------
# The Op
# ---------------------------------------------------------------------------
class RandomFunction(Op):
    """Draw from a ``numpy.random.RandomState``.

    Parameters
    ----------
    fn : str or callable
        The name of a ``RandomState`` method, or ``fn(rng, *params, size)``.
        ``size`` is the last positional argument (None: NumPy decides).
    outtype : TensorType
        The type of the sample.
    inplace : bool
        Draw from the input generator itself instead of a copy (then a call
        that fails half-way has already advanced it).
    ndim_added : int
        Dimensions the sample has beyond ``len(size)`` (1 for permutation and
        multinomial).
    """

    __props__ = ("fn", "outtype", "inplace", "ndim_added")

    def __init__(self, fn, outtype, inplace=False, ndim_added=0):
        self.fn = fn
        self.outtype = outtype
        self.inplace = bool(inplace)
        self.ndim_added = int(ndim_added)
        if self.inplace:
            self.destroy_map = {0: [0]}

    @property
    def exec_fn(self):
        if isinstance(self.fn, str):
            return getattr(np.random.RandomState, self.fn)
        return self.fn

    def __str__(self):
        return "RandomFunction{%s}" % self.exec_fn.__name__

    def make_node(self, r, shape, *args):
        if not isinstance(r, Variable):
            if not isinstance(r, np.random.RandomState):
                raise TypeError("%s: the generator must be a numpy.random.RandomState or a "
                                "shared variable holding one, got %r" % (self, r))
            r = random_state_type.make_constant(r)
        elif r.type != random_state_type:
            raise TypeError("%s: the generator %s has type %s; use a shared variable holding "
                            "a numpy.random.RandomState (theano.shared(RandomState(seed)))"
                            % (self, r, r.type))
        shape = as_size_vector(shape)
        args = [as_tensor_variable(a) for a in args]
        return Apply(self, [r, shape] + args, [r.type(), self.outtype()])

    def perform(self, node, inputs, out):
        r, shape, args = inputs[0], inputs[1], list(inputs[2:])
        if not isinstance(r, np.random.RandomState):
            raise TypeError("%s expected a numpy.random.RandomState, got %r" % (self, r))
        ndim = self.outtype.ndim
        shape = None if len(shape) == 0 else tuple(int(s) for s in shape)
        if shape is not None and ndim != len(shape) + self.ndim_added:
            raise ValueError("%s: size %s has %d entries but the sample has %d dimensions%s"
                             % (self, shape, len(shape), ndim,
                                " (%d added by the distribution)" % self.ndim_added
                                if self.ndim_added else ""))
        if not self.inplace:
            r = _copy_rng(r)
        rval = self.exec_fn(r, *(args + [shape]))
        rval = np.asarray(rval, dtype=self.outtype.dtype)
        # NumPy returns a scalar when no size is given and the parameters are
        # 0-d; the type may promise dimensions of length 1.
        if shape is None and rval.ndim == 0 and ndim > 0:
            rval = rval.reshape((1,) * ndim)
        if rval.ndim != ndim:
            raise ValueError("%s: the sample should have %d dimensions but NumPy returned "
                             "shape %s (check the shapes of the parameters against size)"
                             % (self, ndim, rval.shape))
        if shape is not None:
            got = rval.shape[:len(shape)]
            if got != shape:
                raise ValueError("%s: the sample should have shape %s%s but NumPy returned "
                                 "shape %s" % (self, shape, " + %d more dimension(s)"
                                               % self.ndim_added if self.ndim_added else "",
                                               rval.shape))
        out[0][0] = r
        out[1][0] = rval

    def infer_shape(self, fgraph, node, shapes):
        shp = node.inputs[1]
        n = self.outtype.ndim - self.ndim_added
        entries = constant_entries(shp, n)
        if self.ndim_added or (isinstance(shp, Constant) and len(shp.data) == 0):
            raise NotImplementedError("the sample's shape depends on its parameters")
        dims = packed_scalars(shp) or [shp[i] for i in range(n)]
        return [None, [e if e is not None else d for e, d in zip(entries, dims)]]


def _make(fn, dtype, bcast, ndim_added=0):
    return RandomFunction(fn, TensorType(dtype, bcast), ndim_added=ndim_added)


def _float_dtype(dtype, *params):
    if dtype is None:
        return upcast(config.floatX, *[p.type.dtype for p in params])
    return dtype


# ---------------------------------------------------------------------------
# Samplers (each returns [new_rng, sample])
# ---------------------------------------------------------------------------
def uniform(random_state, size=None, low=0.0, high=1.0, ndim=None, dtype=None):
    """Uniform draws in ``[low, high)``; dtype defaults to ``upcast(floatX, low, high)``.

    ``size=None`` takes the shape from ``low`` and ``high``.
    """
    low, high = as_tensor_variable(low), as_tensor_variable(high)
    dtype = _float_dtype(dtype, low, high)
    ndim, size, bcast = _infer_ndim_bcast(ndim, size, low, high)
    return _make("uniform", dtype, bcast)(random_state, size, low, high)


def normal(random_state, size=None, avg=0.0, std=1.0, ndim=None, dtype=None):
    """Normal draws of mean ``avg`` and standard deviation ``std``."""
    avg, std = as_tensor_variable(avg), as_tensor_variable(std)
    dtype = _float_dtype(dtype, avg, std)
    ndim, size, bcast = _infer_ndim_bcast(ndim, size, avg, std)
    return _make("normal", dtype, bcast)(random_state, size, avg, std)


def binomial(random_state, size=None, n=1, p=0.5, ndim=None, dtype="int64", prob=None):
    """Number of successes in ``n`` trials of probability ``p``.

    ``prob`` is the deprecated name of ``p``.
    """
    if prob is not None:
        warnings.warn("binomial(prob=...) is deprecated: use p=...", DeprecationWarning,
                      stacklevel=2)
        p = prob
    n, p = as_tensor_variable(n), as_tensor_variable(p)
    ndim, size, bcast = _infer_ndim_bcast(ndim, size, n, p)
    # Theano 1.0 never marked binomial samples broadcastable.
    return _make("binomial", dtype, (False,) * ndim)(random_state, size, n, p)


def _broadcast_index(out_shape, *shapes):
    """Index tuples into ``shapes`` matching each index of ``out_shape`` (C order)."""
    for k, s in enumerate(shapes):
        for d, (sd, od) in enumerate(zip(s, out_shape)):
            if sd != od and sd != 1:
                raise ValueError("parameter %d has length %d in dimension %d, which does not "
                                 "broadcast to the size %s" % (k, sd, d, tuple(out_shape)))
    for idx in np.ndindex(*out_shape):
        yield (idx,) + tuple(tuple(i if sd != 1 else 0 for i, sd in zip(idx, s))
                             for s in shapes)


def _pad(x, ndim, what):
    if x.ndim > ndim:
        raise ValueError("%s has %d dimensions, more than the %d of size" % (what, x.ndim, ndim))
    return x.reshape((1,) * (ndim - x.ndim) + x.shape)


def random_integers_helper(random_state, low, high, size):
    """Integers in ``[low, high]`` (both inclusive), broadcasting ``low``/``high``.

    Theano 1.0 drew one ``random_integers(low, high)`` per element in C order;
    one vectorised ``randint(low, high + 1)`` consumes the generator in
    exactly the same way.
    """
    ndim = len(size) if size is not None else max(low.ndim, high.ndim)
    low, high = _pad(low, ndim, "low"), _pad(high, ndim, "high")
    if size is None:
        size = np.broadcast_shapes(low.shape, high.shape)
    return random_state.randint(low.astype("int64"), high.astype("int64") + 1, size=size,
                                dtype="int64")


def random_integers(random_state, size=None, low=0, high=1, ndim=None, dtype="int64"):
    """Integers between ``low`` and ``high``, both inclusive."""
    low, high = as_tensor_variable(low), as_tensor_variable(high)
    ndim, size, bcast = _infer_ndim_bcast(ndim, size, low, high)
    return _make(random_integers_helper, dtype, bcast)(random_state, size, low, high)


def choice_helper(random_state, a, replace, p, size):
    """``random_state.choice(a, size, replace, p)``; an empty ``p`` means uniform."""
    if a.ndim > 1:
        raise ValueError("choice: a must be a scalar or a vector, got %d dimensions" % a.ndim)
    if p.ndim != 1:
        raise ValueError("choice: p must be a vector, got %d dimensions" % p.ndim)
    return random_state.choice(a, size, bool(replace), p if p.size else None)


def choice(random_state, size=None, a=2, replace=True, p=None, ndim=None, dtype="int64"):
    """Values of ``a`` (or of ``range(a)`` for a scalar), with or without replacement.

    ``size=None`` draws a single (0-d) value.
    """
    a = as_tensor_variable(a)
    replace = (constant(np.int8(replace)) if isinstance(replace, (bool, np.bool_))
               else as_tensor_variable(replace))
    # p=None travels as an empty vector.  Theano 1.0 wrote ``p or []``, so a
    # false value (p=0, p=[]) also means "no p": old code passes p=0.
    if p is not None and not isinstance(p, Variable) and (
            np.size(p) == 0 or (np.ndim(p) == 0 and not p)):
        p = None
    p = as_tensor_variable(p) if p is not None else constant(np.zeros(0, dtype="float64"))
    ndim, size, bcast = _infer_ndim_bcast(ndim, () if size is None else size)
    return _make(choice_helper, dtype, bcast)(random_state, size, a, replace, p)


def poisson(random_state, size=None, lam=1.0, ndim=None, dtype="int64"):
    """Poisson draws of expectation ``lam``."""
    if lam is None:
        raise TypeError("poisson needs the expectation `lam`")
    lam = as_tensor_variable(lam)
    ndim, size, bcast = _infer_ndim_bcast(ndim, size, lam)
    return _make("poisson", dtype, bcast)(random_state, size, lam)


def permutation_helper(random_state, n, shape):
    """One ``random_state.permutation(n)`` per index of ``shape`` (C order)."""
    if n.ndim != 0:
        raise ValueError("permutation: n must be a scalar, got shape %s" % (n.shape,))
    n = int(n)
    shape = () if shape is None else tuple(shape)
    out = np.empty(shape + (n,), dtype="int64")
    for idx in np.ndindex(*shape):
        out[idx] = random_state.permutation(n)
    return out


def permutation(random_state, size=None, n=1, ndim=None, dtype="int64"):
    """Permutations of ``range(n)``, one per index of ``size``: shape ``size + (n,)``."""
    if size is None or (isinstance(size, (tuple, list)) and len(size) == 0):
        if ndim not in (None, 1):
            raise TypeError("permutation: without size there is one permutation (a vector), "
                            "but ndim=%s was given" % ndim)
        size, bcast = (), ()
    else:
        ndim, size, bcast = _infer_ndim_bcast(ndim, size)
    return _make(permutation_helper, dtype, bcast + (False,), ndim_added=1)(
        random_state, size, n)


def multinomial_helper(random_state, n, pvals, size):
    """One ``random_state.multinomial`` per row of ``pvals`` broadcast against ``n``/``size``."""
    ndim = len(size) if size is not None else max(n.ndim, pvals.ndim - 1)
    n = _pad(n, ndim, "n")
    pvals = _pad(pvals, ndim + 1, "pvals")
    size = (tuple(size) if size is not None
            else np.broadcast_shapes(n.shape, pvals.shape[:-1]))
    if pvals.size and pvals.min() < 0:
        raise ValueError("multinomial: pvals must be non-negative")
    out = np.empty(tuple(size) + (pvals.shape[-1],), dtype="int64")
    for oi, ni, pi in _broadcast_index(size, n.shape, pvals.shape[:-1]):
        pvi = pvals[pi]
        # NumPy rejects rows summing to more than 1; float rounding can push
        # them just over, so Theano shrank such rows slightly.
        pisum = np.sum(pvi)
        if 1.0 < pisum < 1.0 + 1e-5 or pvi[-1] < 5e-5:
            pvi = pvi * (1.0 - 5e-5)
            pisum = np.sum(pvi)
        if pisum > 1.0:
            raise ValueError("multinomial: the probabilities of row %s sum to %s > 1"
                             % (pi, pisum))
        out[oi] = random_state.multinomial(n=n[ni], pvals=pvi.astype("float64"))
    return out


def multinomial(random_state, size=None, n=1, pvals=(0.5, 0.5), ndim=None, dtype="int64"):
    """Counts of ``n`` trials over the outcomes of each row (last axis) of ``pvals``.

    The sample has shape ``size + (pvals.shape[-1],)``; ``size=None`` is the
    broadcast of ``n`` and ``pvals`` without its last axis; ``-1`` in size
    borrows a dimension of ``pvals``.
    """
    n = as_tensor_variable(n)
    pvals = as_tensor_variable(list(pvals) if isinstance(pvals, tuple) else pvals)
    if pvals.type.ndim < 1:
        raise ValueError("multinomial: pvals must have at least one dimension (the outcomes)")
    ndim, size, bcast = _infer_ndim_bcast(ndim, size, n, pvals, drop_last=(False, True))
    bcast = bcast + (pvals.type.broadcastable[-1],)
    return _make(multinomial_helper, dtype, bcast, ndim_added=1)(random_state, size, n, pvals)


# ---------------------------------------------------------------------------
# Permuting the rows of a tensor
# ---------------------------------------------------------------------------
class PermuteRowElements(Op):
    """``out[..., j] = x[..., y[..., j]]`` (or the inverse permutation).

    ``x`` and ``y`` broadcast against each other in their leading dimensions.
    """

    __props__ = ("inverse",)

    def __init__(self, inverse=False):
        self.inverse = bool(inverse)

    def make_node(self, x, y):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        if y.type.dtype[:3] not in ("int", "uin") or y.type.ndim < 1:
            raise TypeError("permute_row_elements: y must be an integer tensor of "
                            "permutations, got %s" % y.type)
        if x.type.ndim < 1:
            raise TypeError("permute_row_elements: x must have at least one dimension")
        nd = max(x.type.ndim, y.type.ndim)
        xb = (True,) * (nd - x.type.ndim) + x.type.broadcastable
        yb = (True,) * (nd - y.type.ndim) + y.type.broadcastable
        bcast = tuple(a and b for a, b in zip(xb[:-1], yb[:-1])) + (xb[-1],)
        return Apply(self, [x, y], [TensorType(x.type.dtype, bcast)()])

    def perform(self, node, inputs, out):
        x, y = inputs
        nd = max(x.ndim, y.ndim)
        x = x.reshape((1,) * (nd - x.ndim) + x.shape)
        y = y.reshape((1,) * (nd - y.ndim) + y.shape)
        if y.shape[-1] != x.shape[-1]:
            raise ValueError("permute_row_elements: rows of x have %d elements but the "
                             "permutations have %d" % (x.shape[-1], y.shape[-1]))
        lead = np.broadcast_shapes(x.shape[:-1], y.shape[:-1])
        xb = np.broadcast_to(x, lead + x.shape[-1:])
        yb = np.broadcast_to(y, lead + y.shape[-1:])
        if self.inverse:
            res = np.empty_like(xb)
            np.put_along_axis(res, yb, xb, axis=-1)
        else:
            res = np.take_along_axis(xb, yb, axis=-1)
        out[0][0] = np.ascontiguousarray(res)


def permute_row_elements(x, y, inverse=False):
    """Permute the last axis of ``x`` by the permutations ``y`` (see PermuteRowElements)."""
    return PermuteRowElements(inverse)(x, y)


# ---------------------------------------------------------------------------
# The stream methods (RandomStreams adds gen/seed/state bookkeeping)
# ---------------------------------------------------------------------------
class RandomStreamsBase:
    """NumPy-like sampling methods; subclasses implement ``gen(sampler, *args, **kw)``."""

    def binomial(self, size=None, n=1, p=0.5, ndim=None, dtype="int64", prob=None):
        """Number of successes in ``n`` trials of probability ``p`` (``prob``: deprecated)."""
        if prob is not None:
            warnings.warn("binomial(prob=...) is deprecated: use p=...", DeprecationWarning,
                          stacklevel=2)
            p = prob
        return self.gen(binomial, size, n, p, ndim=ndim, dtype=dtype)

    def uniform(self, size=None, low=0.0, high=1.0, ndim=None, dtype=None):
        """Uniform draws in ``[low, high)`` of shape ``size``."""
        return self.gen(uniform, size, low, high, ndim=ndim, dtype=dtype)

    def normal(self, size=None, avg=0.0, std=1.0, ndim=None, dtype=None):
        """Normal draws of mean ``avg`` and standard deviation ``std``."""
        return self.gen(normal, size, avg, std, ndim=ndim, dtype=dtype)

    def random_integers(self, size=None, low=0, high=1, ndim=None, dtype="int64"):
        """Integers between ``low`` and ``high``, both inclusive."""
        return self.gen(random_integers, size, low, high, ndim=ndim, dtype=dtype)

    def choice(self, size=None, a=2, replace=True, p=None, ndim=None, dtype="int64"):
        """Values of ``a`` (or ``range(a)``), with or without replacement, probabilities ``p``."""
        return self.gen(choice, size, a, replace, p, ndim=ndim, dtype=dtype)

    def poisson(self, size=None, lam=None, ndim=None, dtype="int64"):
        """Poisson draws of expectation ``lam`` (required)."""
        return self.gen(poisson, size, lam, ndim=ndim, dtype=dtype)

    def permutation(self, size=None, n=1, ndim=None, dtype="int64"):
        """Permutations of ``range(n)``, one per index of ``size`` (shape ``size + (n,)``)."""
        return self.gen(permutation, size, n, ndim=ndim, dtype=dtype)

    def multinomial(self, size=None, n=1, pvals=(0.5, 0.5), ndim=None, dtype="int64"):
        """Multinomial counts of ``n`` trials per row of ``pvals`` (shape ``size + (K,)``)."""
        return self.gen(multinomial, size, n, pvals, ndim=ndim, dtype=dtype)

    def shuffle_row_elements(self, input):
        """``input`` with the elements of every row (last axis) shuffled.

        The permutations are the ``.permutation`` attribute of the result.
        """
        input = as_tensor_variable(input)
        nd = input.type.ndim
        if nd < 1:
            raise TypeError("shuffle_row_elements needs at least one dimension, got a scalar")
        n = shape_i(input, nd - 1)
        if nd == 1:
            perm = self.permutation(n=n)
        else:
            size = size_vector(*[shape_i(input, i) for i in range(nd - 1)])
            perm = self.permutation(size=size, n=n, ndim=nd - 1)
        shuffled = permute_row_elements(input, perm)
        shuffled.permutation = perm
        return shuffled


# -- gradients: samples are constants for differentiation --------------------
@register_connection_pattern(SizeVector)
def _size_vector_connection_pattern(op, node):
    return [[False] for _ in node.inputs]


@register_grad(SizeVector)
def _size_vector_grad(op, inputs, outputs, output_grads):
    return [disconnected_type() for _ in inputs]


@register_connection_pattern(BroadcastShape)
def _broadcast_shape_connection_pattern(op, node):
    return [[False] for _ in node.inputs]


@register_grad(BroadcastShape)
def _broadcast_shape_grad(op, inputs, outputs, output_grads):
    return [disconnected_type() for _ in inputs]


def samples_connection_pattern(op, node):
    """Connection pattern of a sampling op: its outputs depend on no input."""
    return [[False] * len(node.outputs) for _ in node.inputs]


def samples_grad(op, inputs, outputs, output_grads):
    return [disconnected_type() for _ in inputs]


def samples_rop(op, inputs, eval_points):
    return [None for _ in eval_points]


register_connection_pattern(RandomFunction)(samples_connection_pattern)
register_grad(RandomFunction)(samples_grad)
register_rop(RandomFunction)(samples_rop)


@register_connection_pattern(PermuteRowElements)
def _permute_row_elements_connection_pattern(op, node):
    return [[True], [False]]


@register_grad(PermuteRowElements)
def _permute_row_elements_grad(op, inputs, outputs, output_grads):
    x, y = inputs
    gx = PermuteRowElements(not op.inverse)(output_grads[0], y)
    # Sum over the leading dimensions x lacks, then over those where x
    # has length 1 but the output does not.
    extra = gx.type.ndim - x.type.ndim
    if extra:
        gx = tsum(gx, axis=list(range(extra)))
    axes = [i for i, b in enumerate(x.type.broadcastable[:-1])
            if b and not gx.type.broadcastable[i]]
    if axes:
        gx = tsum(gx, axis=axes, keepdims=True)
    return [gx, disconnected_type()]

