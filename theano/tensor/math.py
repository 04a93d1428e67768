"""Elementwise math, reductions and products of tensors (NumPy-like functions)."""
import builtins
import functools

import numpy as np

import theano.scalar.basic as ts
from theano.graph.basic import Apply, Variable
from theano.graph.op import Op
from theano.tensor.basic import (
    NotScalarConstantError,
    as_tensor_variable,
    cast,
    constant,
    dimshuffle,
    get_scalar_constant_value,
)
from theano.tensor.elemwise import CAReduce, Elemwise, Prod, Sum, _normalize_axis
from theano.tensor.shape import reshape, shape_i
from theano.tensor.type import TensorType

# name -> elementwise op, e.g. "exp" -> T.exp (printers name nodes from it).
elemwise_functions = {}


def _elemwise(scalar_op, name, label="default"):
    """The Elemwise op ``T.<name>``: an Op instance, as in Theano 1.0.

    Code that extends Theano tests ``node.op == T.add`` and reads
    ``T.add.scalar_op``; ``T.add(x, y)`` builds the node.  Like Theano's, the
    op prints as ``Elemwise{add,no_inplace}`` (``label`` overrides that; None
    prints as ``Elemwise{<scalar op>}``, the form of ops built by rewrites
    and gradients).  The label is not part of the op's identity.
    """
    if label == "default":
        label = "Elemwise{%s,no_inplace}" % name.lstrip("_")
    op = Elemwise(scalar_op, name=label)
    op.__name__ = name
    op.__doc__ = "Elementwise ``%s`` of the inputs (broadcasting as NumPy does)." % name
    elemwise_functions[name] = op
    return op


# One function per scalar op; spelled out so readers and linters see every name.
add = _elemwise(ts.add, "add")
sub = _elemwise(ts.sub, "sub")
mul = _elemwise(ts.mul, "mul")
true_div = _elemwise(ts.true_div, "true_div")
int_div = _elemwise(ts.int_div, "int_div")
mod = _elemwise(ts.mod, "mod")
pow = _elemwise(ts.pow, "pow")
minimum = _elemwise(ts.minimum, "minimum")
maximum = _elemwise(ts.maximum, "maximum")
lt = _elemwise(ts.lt, "lt")
gt = _elemwise(ts.gt, "gt")
le = _elemwise(ts.le, "le")
ge = _elemwise(ts.ge, "ge")
eq = _elemwise(ts.eq, "eq")
neq = _elemwise(ts.neq, "neq")
and_ = _elemwise(ts.and_, "and_")
or_ = _elemwise(ts.or_, "or_")
xor = _elemwise(ts.xor, "xor")
arctan2 = _elemwise(ts.arctan2, "arctan2")
hypot = _elemwise(ts.hypot, "hypot")
neg = _elemwise(ts.neg, "neg")
abs_ = _elemwise(ts.abs_, "abs_")
sgn = _elemwise(ts.sgn, "sgn")
sqr = _elemwise(ts.sqr, "sqr")
inv = _elemwise(ts.inv, "inv")
invert = _elemwise(ts.invert, "invert")
isnan = _elemwise(ts.isnan, "isnan")
isinf = _elemwise(ts.isinf, "isinf")
floor = _elemwise(ts.floor, "floor")
ceil = _elemwise(ts.ceil, "ceil")
trunc = _elemwise(ts.trunc, "trunc")
real = _elemwise(ts.real, "real")
imag = _elemwise(ts.imag, "imag")
angle = _elemwise(ts.angle, "angle")
conj = _elemwise(ts.conj, "conj")
round_half_to_even = _elemwise(ts.round_half_to_even, "round_half_to_even")
round_half_away_from_zero = _elemwise(ts.round_half_away_from_zero, "round_half_away_from_zero")
sigmoid = _elemwise(ts.sigmoid, "sigmoid", "sigmoid")
softplus = _elemwise(ts.softplus, "softplus", "softplus")
exp = _elemwise(ts.exp, "exp")
exp2 = _elemwise(ts.exp2, "exp2")
expm1 = _elemwise(ts.expm1, "expm1")
log = _elemwise(ts.log, "log")
log2 = _elemwise(ts.log2, "log2")
log10 = _elemwise(ts.log10, "log10")
log1p = _elemwise(ts.log1p, "log1p")
sqrt = _elemwise(ts.sqrt, "sqrt")
sin = _elemwise(ts.sin, "sin")
cos = _elemwise(ts.cos, "cos")
tan = _elemwise(ts.tan, "tan")
arcsin = _elemwise(ts.arcsin, "arcsin")
arccos = _elemwise(ts.arccos, "arccos")
arctan = _elemwise(ts.arctan, "arctan")
sinh = _elemwise(ts.sinh, "sinh")
cosh = _elemwise(ts.cosh, "cosh")
tanh = _elemwise(ts.tanh, "tanh")
arcsinh = _elemwise(ts.arcsinh, "arcsinh")
arccosh = _elemwise(ts.arccosh, "arccosh")
arctanh = _elemwise(ts.arctanh, "arctanh")
deg2rad = _elemwise(ts.deg2rad, "deg2rad")
rad2deg = _elemwise(ts.rad2deg, "rad2deg")
erf = _elemwise(ts.erf, "erf")
erfc = _elemwise(ts.erfc, "erfc")
erfinv = _elemwise(ts.erfinv, "erfinv")
erfcinv = _elemwise(ts.erfcinv, "erfcinv")
gamma = _elemwise(ts.gamma, "gamma")
gammaln = _elemwise(ts.gammaln, "gammaln")
psi = _elemwise(ts.psi, "psi")
erfcx = _elemwise(ts.erfcx, "erfcx")
i0 = _elemwise(ts.i0, "i0")
i1 = _elemwise(ts.i1, "i1")
j0 = _elemwise(ts.j0, "j0")
j1 = _elemwise(ts.j1, "j1")
tri_gamma = _elemwise(ts.tri_gamma, "tri_gamma")
tensor_copy = _elemwise(ts.identity, "tensor_copy", None)
_second = _elemwise(ts.second, "second")
switch = _elemwise(ts.switch, "switch")
_clip = _elemwise(ts.clip, "clip")

floor_div = int_div
div = true_div
bitwise_and, bitwise_or, bitwise_xor, bitwise_not = and_, or_, xor, invert
abs = abs_
where = switch
lgamma = gammaln
digamma = psi
square = sqr  # NumPy's name (Keras' Theano backend uses it)


def power(x, y):
    """``x ** y`` (NumPy's name)."""
    return pow(x, y)


def largest(*args):
    """The elementwise maximum of the arguments."""
    return functools.reduce(maximum, args)


def smallest(*args):
    """The elementwise minimum of the arguments."""
    return functools.reduce(minimum, args)


def ceil_intdiv(a, b):
    """``ceil(a / b)`` for integers, exactly: ``a // b``, plus one if there is a remainder."""
    div = int_div(a, b)
    return cast(neq(mod(a, b), 0), div.type.dtype) + div


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise ``|a - b| <= atol + rtol * |b|`` (``numpy.isclose``)."""
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    close = le(abs_(a - b), atol + rtol * abs_(b))
    both_inf = and_(and_(isinf(a), isinf(b)), eq(a, b))
    out = or_(and_(close, invert(or_(isinf(a), isinf(b)))), both_inf)
    if equal_nan:
        out = or_(out, and_(isnan(a), isnan(b)))
    return out


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when every element of ``a`` and ``b`` is close (``numpy.allclose``)."""
    return all(isclose(a, b, rtol, atol, equal_nan))


def ptp(a, axis=None):
    """Range of values (maximum - minimum) along ``axis``."""
    return max(a, axis) - min(a, axis)


def clip(x, min, max):
    """Clip ``x`` to ``[min, max]`` (gradient is zero outside the interval)."""
    return _clip(x, min, max)


def round(a, mode=None):
    """Round ``a``; ``mode`` is ``'half_to_even'`` (default, as NumPy) or ``'half_away_from_zero'``."""
    if mode in (None, "half_to_even"):
        return round_half_to_even(a)
    if mode == "half_away_from_zero":
        return round_half_away_from_zero(a)
    raise ValueError("round mode %r not supported (half_to_even, half_away_from_zero)" % mode)


def iround(a, mode=None):
    return cast(round(a, mode), "int64")


def ifloor(a):
    return cast(floor(a), "int64")


def iceil(a):
    return cast(ceil(a), "int64")


def not_equal(a, b):
    return neq(a, b)


def eq_(a, b):
    return eq(a, b)


def logical_not(x):
    return eq(x, 0)


# -- reductions ---------------------------------------------------------------------
def _keep(out, x, axis, keepdims):
    if not keepdims:
        return out
    axis = _normalize_axis(axis, x.type.ndim)
    pattern, k = [], 0
    for i in range(x.type.ndim):
        if i in axis:
            pattern.append("x")
        else:
            pattern.append(k)
            k += 1
    return dimshuffle(out, pattern)


def sum(input, axis=None, dtype=None, keepdims=False, acc_dtype=None):
    """Sum of ``input`` over ``axis`` (None: all axes; int or tuple)."""
    x = as_tensor_variable(input)
    out = Sum(axis=_normalize_axis(axis, x.type.ndim), dtype=dtype, acc_dtype=acc_dtype)(x)
    return _keep(out, x, axis, keepdims)


def prod(input, axis=None, dtype=None, keepdims=False, acc_dtype=None,
         no_zeros_in_input=False):
    """Product of ``input`` over ``axis``."""
    x = as_tensor_variable(input)
    out = Prod(axis=_normalize_axis(axis, x.type.ndim), dtype=dtype, acc_dtype=acc_dtype,
               no_zeros_in_input=no_zeros_in_input)(x)
    return _keep(out, x, axis, keepdims)


def _careduce(scalar_op, input, axis, keepdims, cast_bool=False):
    x = as_tensor_variable(input)
    if cast_bool and x.type.dtype != "bool":
        x = neq(x, 0)
    out = CAReduce(scalar_op, axis=_normalize_axis(axis, x.type.ndim))(x)
    return _keep(out, x, axis, keepdims)


def max(x, axis=None, keepdims=False):
    """Maximum of ``x`` over ``axis``."""
    return _careduce(ts.maximum, x, axis, keepdims)


def min(x, axis=None, keepdims=False):
    """Minimum of ``x`` over ``axis``."""
    return _careduce(ts.minimum, x, axis, keepdims)


def all(x, axis=None, keepdims=False):
    return _careduce(ts.and_, x, axis, keepdims, cast_bool=True)


def any(x, axis=None, keepdims=False):
    return _careduce(ts.or_, x, axis, keepdims, cast_bool=True)


class Argmax(Op):
    """Index of the maximum along ``axis`` (a tuple; several axes are flattened)."""

    __props__ = ("axis",)
    _fn = staticmethod(np.argmax)

    def __init__(self, axis):
        self.axis = tuple(axis)

    def make_node(self, x):
        x = as_tensor_variable(x)
        bcast = tuple(b for i, b in enumerate(x.type.broadcastable) if i not in self.axis)
        return Apply(self, [x], [TensorType("int64", bcast)()])

    def perform(self, node, inputs, out):
        x = inputs[0]
        keep = [i for i in range(x.ndim) if i not in self.axis]
        if x.size == 0 and builtins.any(x.shape[a] == 0 for a in self.axis):
            raise ValueError("%s: attempt to get the arg-extremum of an empty sequence "
                             "(input shape %s)" % (self, x.shape))
        # (The reduced length is spelled out: -1 is ambiguous for an empty array.)
        y = x.transpose(keep + list(self.axis)).reshape(
            [x.shape[i] for i in keep] + [int(np.prod([x.shape[a] for a in self.axis]))])
        out[0][0] = np.asarray(type(self)._fn(y, axis=-1), dtype="int64")

    def infer_shape(self, fgraph, node, shapes):
        return [tuple(s for i, s in enumerate(shapes[0]) if i not in self.axis)]


class Argmin(Argmax):
    _fn = staticmethod(np.argmin)


def argmax(x, axis=None, keepdims=False):
    """Index of the maximum of ``x`` along ``axis`` (int64)."""
    x = as_tensor_variable(x)
    ax = _normalize_axis(axis, x.type.ndim)
    return _keep(Argmax(ax)(x), x, ax, keepdims)


def argmin(x, axis=None, keepdims=False):
    x = as_tensor_variable(x)
    ax = _normalize_axis(axis, x.type.ndim)
    return _keep(Argmin(ax)(x), x, ax, keepdims)


def max_and_argmax(a, axis=None, keepdims=False):
    """``[max(a, axis), argmax(a, axis)]``."""
    return [max(a, axis, keepdims), argmax(a, axis, keepdims)]


def _count(x, axis):
    dims = [shape_i(x, a) for a in _normalize_axis(axis, x.type.ndim)]
    if not dims:
        return constant(1, dtype="int64")
    out = dims[0]
    for d in dims[1:]:
        out = out * d
    return out


def mean(input, axis=None, dtype=None, op=False, keepdims=False, acc_dtype=None):
    """Mean of ``input`` over ``axis``; integer inputs give float64 (as NumPy)."""
    x = as_tensor_variable(input)
    sum_dtype = dtype
    if sum_dtype is None and x.type.dtype in ts.discrete_dtypes:
        sum_dtype = "float64"
    if x.type.dtype == "float16" and sum_dtype is None:
        sum_dtype = "float32"
    s = sum(x, axis=axis, dtype=sum_dtype, acc_dtype=acc_dtype)
    n = _count(x, axis)
    out = true_div(s, cast(n, s.type.dtype if s.type.dtype in ts.float_dtypes else "float64"))
    if dtype is not None and out.type.dtype != dtype:
        out = cast(out, dtype)
    elif x.type.dtype == "float16" and dtype is None:
        out = cast(out, "float16")
    return _keep(out, x, axis, keepdims)


def var(input, axis=None, ddof=0, keepdims=False, corrected=False):
    """Variance of ``input`` over ``axis`` (``ddof`` as in NumPy)."""
    x = as_tensor_variable(input)
    m = mean(x, axis=axis, keepdims=True)
    centered = x - m
    sq = sqr(centered) if x.type.dtype not in ts.complex_dtypes else real(centered * conj(centered))
    if ddof:
        n = _count(x, axis)
        out = true_div(sum(sq, axis=axis), cast(n - ddof, sq.type.dtype))
    else:
        out = mean(sq, axis=axis)
    if corrected:
        out = out - sqr(mean(centered, axis=axis))
    return _keep(out, x, axis, keepdims)


def std(input, axis=None, ddof=0, keepdims=False, corrected=False):
    """Standard deviation of ``input`` over ``axis``."""
    return sqrt(var(input, axis=axis, ddof=ddof, keepdims=keepdims, corrected=corrected))


# -- products -----------------------------------------------------------------------
class Dot(Op):
    """``numpy.dot`` for vectors and matrices (the inner product of Theano)."""

    __props__ = ()

    def make_node(self, x, y):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        if x.type.ndim not in (1, 2) or y.type.ndim not in (1, 2):
            raise TypeError("Dot takes vectors and matrices, got %s and %s" % (x.type, y.type))
        bx = x.type.broadcastable[:-1]
        by = y.type.broadcastable[1:] if y.type.ndim == 2 else ()
        dtype = ts.upcast(x.type.dtype, y.type.dtype)
        return Apply(self, [x, y], [TensorType(dtype, bx + by)()])

    def perform(self, node, inputs, out):
        x, y = inputs
        if x.shape[-1] != y.shape[0]:
            raise ValueError(
                "Shape mismatch in dot: x has shape %s and y has shape %s (x.shape[%d] = %d "
                "!= y.shape[0] = %d)" % (x.shape, y.shape, x.ndim - 1, x.shape[-1], y.shape[0]))
        out[0][0] = np.asarray(np.dot(x, y), dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        xs, ys = shapes
        return [tuple(xs[:-1]) + tuple(ys[1:])]

    def __str__(self):
        return "dot"


_dot = Dot()


def dot(a, b):
    """NumPy's ``dot``: inner product for vectors/matrices, tensordot over the last/second-to-last axes otherwise.

    A variable of another type (a sparse matrix) gives its own product through
    its ``__dot__`` / ``__rdot__`` method, as in Theano 1.0.
    """
    for left, right, method in ((a, b, "__dot__"), (b, a, "__rdot__")):
        if (isinstance(left, Variable) and not isinstance(left.type, TensorType)
                and hasattr(left, method)):
            return getattr(left, method)(right)
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.type.ndim == 0 or b.type.ndim == 0:
        return a * b
    if a.type.ndim <= 2 and b.type.ndim <= 2:
        return _dot(a, b)
    return tensordot(a, b, [[a.type.ndim - 1], [builtins.max(0, b.type.ndim - 2)]])


class TensorDot(Op):
    """``numpy.tensordot(a, b, axes)`` with explicit axis lists."""

    __props__ = ("axes",)

    def __init__(self, axes):
        self.axes = (tuple(axes[0]), tuple(axes[1]))

    def make_node(self, a, b):
        a, b = as_tensor_variable(a), as_tensor_variable(b)
        ax, bx = self.axes
        if len(ax) != len(bx):
            raise ValueError("tensordot: axes lists %s and %s differ in length" % (ax, bx))
        for i in ax:
            if not 0 <= i < a.type.ndim:
                raise ValueError("tensordot: axis %d out of range for %s" % (i, a.type))
        for i in bx:
            if not 0 <= i < b.type.ndim:
                raise ValueError("tensordot: axis %d out of range for %s" % (i, b.type))
        bc = tuple(v for i, v in enumerate(a.type.broadcastable) if i not in ax) + tuple(
            v for i, v in enumerate(b.type.broadcastable) if i not in bx)
        return Apply(self, [a, b], [TensorType(ts.upcast(a.type.dtype, b.type.dtype), bc)()])

    def perform(self, node, inputs, out):
        a, b = inputs
        for i, j in zip(*self.axes):
            if a.shape[i] != b.shape[j]:
                raise ValueError("tensordot: shape mismatch: a.shape[%d]=%d but b.shape[%d]=%d "
                                 "(shapes %s and %s)" % (i, a.shape[i], j, b.shape[j],
                                                          a.shape, b.shape))
        out[0][0] = np.asarray(np.tensordot(a, b, self.axes), dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        sa, sb = shapes
        ax, bx = self.axes
        return [tuple(s for i, s in enumerate(sa) if i not in ax)
                + tuple(s for i, s in enumerate(sb) if i not in bx)]


def tensordot(a, b, axes=2):
    """``numpy.tensordot``: ``axes`` is an int or a pair of axis lists."""
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if np.isscalar(axes) or (isinstance(axes, np.ndarray) and axes.ndim == 0):
        n = int(axes)
        if n < 0:
            raise ValueError("tensordot: axes must be a non-negative integer, got %d" % n)
        if n > a.type.ndim or n > b.type.ndim:
            raise ValueError("tensordot: axes=%d is larger than the dimensions of the inputs "
                             "(%d and %d)" % (n, a.type.ndim, b.type.ndim))
        axes = [list(range(a.type.ndim - n, a.type.ndim)), list(range(n))]
    if len(axes) != 2:
        raise ValueError("tensordot: axes should be an integer or a list/tuple of len 2 (%s "
                         "was provided)" % (axes,))
    ax, bx = axes
    ax = [ax] if np.isscalar(ax) else list(ax)
    bx = [bx] if np.isscalar(bx) else list(bx)
    # As in Theano 1.0 (ValueError); negative axes count from the end.
    for name, x, xs in (("a", a, ax), ("b", b, bx)):
        for i in xs:
            if not -x.type.ndim <= int(i) < x.type.ndim:
                raise ValueError("tensordot: axis %d of %s is out of range for %s with %d "
                                 "dimensions" % (int(i), name, x, x.type.ndim))
    ax = [int(i) % a.type.ndim for i in ax]
    bx = [int(i) % b.type.ndim for i in bx]
    return TensorDot((ax, bx))(a, b)


class BatchedDot(Op):
    """``out[i] = dot(x[i], y[i])`` over the leading (batch) dimension."""

    __props__ = ()

    def make_node(self, x, y):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        if x.type.ndim not in (2, 3) or y.type.ndim not in (2, 3):
            raise TypeError("batched_dot takes 2-d or 3-d inputs, got %s and %s"
                            % (x.type, y.type))
        bc = (x.type.broadcastable[0] and y.type.broadcastable[0],) + \
            x.type.broadcastable[1:-1] + y.type.broadcastable[2:]
        return Apply(self, [x, y], [TensorType(ts.upcast(x.type.dtype, y.type.dtype), bc)()])

    _subscripts = {(2, 2): "bi,bi->b", (3, 2): "bij,bj->bi", (2, 3): "bi,bij->bj",
                   (3, 3): "bij,bjk->bik"}

    def perform(self, node, inputs, out):
        x, y = inputs
        if x.shape[0] != y.shape[0] or x.shape[-1] != y.shape[1]:
            raise ValueError("batched_dot: incompatible shapes %s and %s" % (x.shape, y.shape))
        sub = self._subscripts[(x.ndim, y.ndim)]
        dtype = node.outputs[0].type.dtype
        if sub == "bij,bjk->bik":
            r = np.matmul(x, y)
        else:
            r = np.einsum(sub, x, y)
        out[0][0] = np.asarray(r, dtype=dtype)

    def infer_shape(self, fgraph, node, shapes):
        xs, ys = shapes
        return [(xs[0],) + tuple(xs[1:-1]) + tuple(ys[2:])]


def batched_dot(a, b):
    """Dot products of matching slices along the first axis: ``out[i] = dot(a[i], b[i])``."""
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    for name, x in (("a", a), ("b", b)):
        if x.type.ndim == 0:
            raise TypeError("batched_dot: %s must have at least one (batch) axis, got %s"
                            % (name, x.type))
    # A vector holds one number per batch entry: it scales the other input's
    # slices (Theano 1.0's rule).
    if a.type.ndim == 1:
        return dimshuffle(a, [0] + ["x"] * (b.type.ndim - 1)) * b
    if b.type.ndim == 1:
        return a * dimshuffle(b, [0] + ["x"] * (a.type.ndim - 1))
    if a.type.ndim > 3 or b.type.ndim > 3:
        return batched_tensordot(a, b, [[a.type.ndim - 1], [builtins.max(1, b.type.ndim - 2)]])
    return BatchedDot()(a, b)


def batched_tensordot(x, y, axes=2):
    """``tensordot`` of matching slices along the first (batch) axis.

    ``axes`` is an int ``n`` (the last ``n`` axes of ``x`` against axes
    ``1..n`` of ``y``) or a pair of axis lists that exclude the batch axis 0.
    Built from a batched matrix product of reshaped inputs, so it has the
    gradients of those ops.
    """

    x, y = as_tensor_variable(x), as_tensor_variable(y)
    if np.isscalar(axes):
        n = int(axes)
        ax, bx = list(range(x.type.ndim - n, x.type.ndim)), list(range(1, n + 1))
    else:
        ax = [int(a) % x.type.ndim for a in np.atleast_1d(axes[0])]
        bx = [int(b) % y.type.ndim for b in np.atleast_1d(axes[1])]
    if len(ax) != len(bx) or 0 in ax or 0 in bx:
        raise ValueError("batched_tensordot: axes %s must be two lists of equal length that do "
                         "not contain the batch axis 0" % (axes,))
    x_rest = [i for i in range(1, x.type.ndim) if i not in ax]
    y_rest = [i for i in range(1, y.type.ndim) if i not in bx]

    def size(v, dims):
        out = constant(1, dtype="int64")
        for d in dims:
            out = out * shape_i(v, d)
        return out

    batch = shape_i(x, 0)
    x3 = reshape(dimshuffle(x, [0] + x_rest + ax),
                 [batch, size(x, x_rest), size(x, ax)], ndim=3)
    y3 = reshape(dimshuffle(y, [0] + bx + y_rest),
                 [batch, size(y, bx), size(y, y_rest)], ndim=3)
    out = BatchedDot()(x3, y3)
    dims = [batch] + [shape_i(x, d) for d in x_rest] + [shape_i(y, d) for d in y_rest]
    return reshape(out, dims, ndim=len(dims))


def outer(x, y):
    """Outer product of two vectors (inputs of higher rank are flattened)."""
    x, y = as_tensor_variable(x), as_tensor_variable(y)
    if x.type.ndim != 1:
        x = x.flatten()
    if y.type.ndim != 1:
        y = y.flatten()
    return dot(dimshuffle(x, (0, "x")), dimshuffle(y, ("x", 0)))


def sigmoid_(x):
    return sigmoid(x)


def _is_constant(x, value):
    try:
        return get_scalar_constant_value(x) == value
    except NotScalarConstantError:
        return False


__all__ = sorted(k for k in list(globals()) if not k.startswith("_")
                 and k not in ("np", "ts", "config", "builtins", "functools", "Apply",
                               "Variable", "Op",
                               "TensorType", "annotations"))
