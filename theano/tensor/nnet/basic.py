"""Softmax, cross-entropies and activation functions for neural networks.

The softmax family works over the last axis.  As in Theano 1.0 a vector
input is treated as a single row: ``softmax(vector)`` is a ``(1, n)``
matrix.  Every op subtracts the row maximum before exponentiating, so
logits of any magnitude give finite values and finite gradients.

The fused op :class:`CrossentropySoftmaxArgmax1HotWithBias` is what the
stabilizing rewrites substitute for
``categorical_crossentropy(softmax(x + b), y_idx)``.
"""
import numbers

import numpy as np

import theano.scalar.basic as ts
from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.tensor import math as tm
from theano.tensor.basic import as_tensor_variable, constant, shape_padleft, zeros_like
from theano.tensor.elemwise import Elemwise
from theano.tensor.nnet.sigm import sigmoid
from theano.tensor.type import TensorType

__all__ = [
    "Softmax", "softmax_op", "softmax", "softmax_graph", "SoftmaxGrad", "softmax_grad",
    "SoftmaxWithBias", "softmax_with_bias", "LogSoftmax", "logsoftmax_op", "logsoftmax",
    "log_softmax",
    "CrossentropySoftmaxArgmax1HotWithBias", "crossentropy_softmax_argmax_1hot_with_bias",
    "CrossentropySoftmax1HotWithBiasDx", "crossentropy_softmax_1hot_with_bias_dx",
    "crossentropy_softmax_1hot_with_bias", "crossentropy_softmax_1hot",
    "crossentropy_softmax_max_and_argmax_1hot_with_bias",
    "crossentropy_softmax_max_and_argmax_1hot",
    "CrossentropyCategorical1Hot", "crossentropy_categorical_1hot",
    "CrossentropyCategorical1HotGrad", "crossentropy_categorical_1hot_grad",
    "categorical_crossentropy", "binary_crossentropy", "sigmoid_binary_crossentropy",
    "relu", "elu", "selu", "softsign", "ScalarSoftsign", "scalar_softsign",
    "ConfusionMatrix", "confusion_matrix", "NNetInputError",
]

_FLOATS = ts.float_dtypes
_INTS = ts.integer_dtypes


class NNetInputError(TypeError, ValueError):
    """A neural-net op got an input of the wrong rank or dtype.

    Theano 1.0 raised ValueError for some of these checks and TypeError for
    others; this error is both, so either ``except`` clause catches it.
    """


def _check(var, what, op, ndims, dtypes, kind):
    if var.type.ndim not in ndims or var.type.dtype not in dtypes:
        want = " or ".join("%d-d" % n for n in ndims) if len(ndims) < 4 else \
            "at least %d-d" % min(ndims)
        raise NNetInputError("%s: %s must be a %s tensor of %s, got %s (%d-d %s)"
                             % (op, what, want, kind, var, var.type.ndim, var.type.dtype))


def _rows(x, what, op):
    """``x`` as a tensor of floats with at least 2 dims (a vector becomes one row)."""
    x = as_tensor_variable(x)
    _check(x, what, op, range(1, 33), _FLOATS, "floats")
    return shape_padleft(x) if x.type.ndim == 1 else x


def _compute_dtype(dtype):
    # float16 sums and exponentials lose too much precision: work in float32.
    return np.float32 if dtype == "float16" else dtype


def _np_softmax(x):
    if x.shape[-1] == 0:
        return np.empty_like(x)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e


def _np_log_softmax(x):
    if x.shape[-1] == 0:
        return np.empty_like(x)
    xdev = x - x.max(axis=-1, keepdims=True)
    return xdev - np.log(np.exp(xdev).sum(axis=-1, keepdims=True))


def _sum_last(x):
    return tm.sum(x, axis=-1, keepdims=True)


def _out(storage, value, node, i=0):
    storage[i][0] = np.asarray(value, dtype=node.outputs[i].type.dtype)


# ---------------------------------------------------------------------------
# Softmax and its gradient
# ---------------------------------------------------------------------------
class SoftmaxGrad(Op):
    """Gradient of :class:`Softmax`: ``dx = dy * sm - sum(dy * sm, -1) * sm``."""

    __props__ = ()

    def make_node(self, dy, sm):
        dy = _rows(dy, "dy", self)
        sm = _rows(sm, "sm", self)
        if dy.type.ndim != sm.type.ndim:
            raise NNetInputError("%s: dy (%d-d) and sm (%d-d) must have the same number of "
                                 "dimensions" % (self, dy.type.ndim, sm.type.ndim))
        return Apply(self, [dy, sm], [sm.type()])

    def perform(self, node, inputs, output_storage):
        dy, sm = inputs
        if dy.shape != sm.shape and np.broadcast_shapes(dy.shape, sm.shape) != sm.shape:
            raise ValueError("SoftmaxGrad: dy has shape %s but sm has shape %s"
                             % (dy.shape, sm.shape))
        dy_sm = dy * sm
        _out(output_storage, dy_sm - dy_sm.sum(axis=-1, keepdims=True) * sm, node)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[1]]


softmax_grad = SoftmaxGrad()


class _LastAxisOp(Op):
    """An op normalising a float tensor over its last axis, computed by ``_np_impl``.

    Accepts float tensors of any rank >= 1; a vector is treated as one row
    (the output is then a ``(1, n)`` matrix, as in Theano 1.0).
    """

    __props__ = ()

    def make_node(self, x):
        x = _rows(x, "x", self)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        _out(output_storage, self._np_impl(x.astype(_compute_dtype(x.dtype), copy=False)),
             node)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


class Softmax(_LastAxisOp):
    r"""Softmax over the last axis: :math:`\exp(x_j) / \sum_k \exp(x_k)`."""

    _np_impl = staticmethod(_np_softmax)


softmax_op = Softmax()


def softmax(c):
    """Softmax of ``c`` over its last axis (rows of a matrix).

    A vector is treated as a single row and gives a ``(1, n)`` matrix.
    """
    c = as_tensor_variable(c)
    if c.type.ndim and c.type.broadcastable[-1]:
        import warnings
        warnings.warn("The softmax is applied on a dimension of shape 1, which does not have "
                      "a semantic meaning (the result is all ones).", stacklevel=2)
    return softmax_op(c)


def softmax_graph(c):
    """Softmax written with elementwise ops and a sum (no max subtraction: overflows)."""
    c = as_tensor_variable(c)
    e = tm.exp(c)
    return e / _sum_last(e)


class SoftmaxWithBias(Op):
    """``softmax(x + b)`` for ``x`` of rank >= 2 and a bias vector ``b`` on the last axis."""

    __props__ = ()

    def make_node(self, x, b):
        x = as_tensor_variable(x)
        b = as_tensor_variable(b)
        _check(x, "x", self, range(2, 33), _FLOATS, "floats")
        _check(b, "b", self, (1,), _FLOATS, "floats")
        return Apply(self, [x, b], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, b = inputs
        if b.shape[0] != x.shape[-1]:
            raise ValueError("SoftmaxWithBias: b has length %d but x has %d columns "
                             "(x.shape = %s)" % (b.shape[0], x.shape[-1], x.shape))
        xb = x.astype(_compute_dtype(x.dtype), copy=False) + b
        _out(output_storage, _np_softmax(xb), node)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


softmax_with_bias = SoftmaxWithBias()


class LogSoftmax(_LastAxisOp):
    """``log(softmax(x))`` over the last axis, computed as ``x - max - log(sum(exp))``."""

    _np_impl = staticmethod(_np_log_softmax)


logsoftmax_op = LogSoftmax()


def logsoftmax(c):
    """Log of the softmax of ``c`` over its last axis (numerically stable)."""
    return logsoftmax_op(c)


log_softmax = logsoftmax


# ---------------------------------------------------------------------------
# Row gathers used by the gradients of the one-hot cross-entropies
# ---------------------------------------------------------------------------
def _check_labels(y_idx, n_rows, n_cols, op):
    if y_idx.shape[0] != n_rows:
        raise ValueError("%s: y_idx has length %d but there are %d rows"
                         % (op, y_idx.shape[0], n_rows))
    if y_idx.size:
        bad = np.flatnonzero((y_idx < 0) | (y_idx >= n_cols))
        if bad.size:
            i = bad[0]
            raise ValueError("%s: y_idx[%d] = %d is out of bounds for %d classes "
                             "(labels must be in [0, %d))" % (op, i, y_idx[i], n_cols, n_cols))


class _OneHot(Op):
    """A matrix like ``like`` with ones at ``[i, y_idx[i]]`` and zeros elsewhere."""

    __props__ = ()

    def make_node(self, y_idx, like):
        y_idx, like = as_tensor_variable(y_idx), as_tensor_variable(like)
        return Apply(self, [y_idx, like], [like.type()])

    def perform(self, node, inputs, output_storage):
        y_idx, like = inputs
        _check_labels(y_idx, like.shape[0], like.shape[1], "one_hot")
        out = np.zeros(like.shape, dtype=node.outputs[0].type.dtype)
        out[np.arange(len(y_idx)), y_idx] = 1
        output_storage[0][0] = out

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[1]]


_one_hot = _OneHot()


class _TakeRows(Op):
    """``mat[arange(n), y_idx]``: one entry per row."""

    __props__ = ()

    def make_node(self, mat, y_idx):
        mat, y_idx = as_tensor_variable(mat), as_tensor_variable(y_idx)
        return Apply(self, [mat, y_idx], [TensorType(mat.type.dtype, (False,))()])

    def perform(self, node, inputs, output_storage):
        mat, y_idx = inputs
        _check_labels(y_idx, mat.shape[0], mat.shape[1], "take_rows")
        _out(output_storage, mat[np.arange(len(y_idx)), y_idx], node)

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[0][0],)]


_take_rows = _TakeRows()


def _check_labels_var(y_idx, op, what="y_idx"):
    y_idx = as_tensor_variable(y_idx)
    _check(y_idx, what, op, (1,), _INTS, "integers (class indices)")
    return y_idx


# ---------------------------------------------------------------------------
# Fused softmax + one-hot cross-entropy
# ---------------------------------------------------------------------------
class CrossentropySoftmaxArgmax1HotWithBias(Op):
    """Fused ``(nll, softmax(x + b), argmax(x + b))`` for classifier outputs.

    Inputs: ``x`` a float matrix (one row of logits per example), ``b`` a
    float vector (one bias per class), ``y_idx`` an integer vector (the
    class of each example).  Outputs: ``nll[i] = -log(softmax(x + b)[i,
    y_idx[i]])`` computed as ``logsumexp - logit`` (finite for any logits),
    the softmax, and the row-wise argmax (dtype of ``y_idx``).
    """

    __props__ = ()

    def make_node(self, x, b, y_idx):
        x, b = as_tensor_variable(x), as_tensor_variable(b)
        _check(x, "x", self, (2,), _FLOATS, "floats")
        _check(b, "b", self, (1,), _FLOATS, "floats")
        y_idx = _check_labels_var(y_idx, self)
        nll = TensorType(x.type.dtype, y_idx.type.broadcastable)()
        return Apply(self, [x, b, y_idx], [nll, x.type(), y_idx.type()])

    def perform(self, node, inputs, output_storage):
        x, b, y_idx = inputs
        if b.shape[0] != x.shape[1]:
            raise ValueError("%s: b has length %d but x has %d columns (x.shape = %s)"
                             % (self, b.shape[0], x.shape[1], x.shape))
        _check_labels(y_idx, x.shape[0], x.shape[1], self)
        if x.shape[0] == 0:
            _out(output_storage, np.zeros(0), node, 0)
            _out(output_storage, np.zeros(x.shape), node, 1)
            _out(output_storage, np.zeros(0), node, 2)
            return
        row = x.astype(_compute_dtype(x.dtype), copy=False) + b
        am = row.argmax(axis=1)
        m = row.max(axis=1)
        e = np.exp(row - m[:, None])
        total = e.sum(axis=1)
        rows = np.arange(x.shape[0])
        nll = m + np.log(total) - row[rows, y_idx]
        _out(output_storage, nll, node, 0)
        _out(output_storage, e / total[:, None], node, 1)
        _out(output_storage, am, node, 2)

    def infer_shape(self, fgraph, node, shapes):
        x_shp, _, y_shp = shapes
        return [tuple(y_shp), tuple(x_shp), tuple(y_shp)]


crossentropy_softmax_argmax_1hot_with_bias = CrossentropySoftmaxArgmax1HotWithBias()


class CrossentropySoftmax1HotWithBiasDx(Op):
    """Gradient of the fused nll w.r.t. the logits: ``dy[i] * (sm[i] - onehot(y_idx[i]))``.

    ``dy`` is a vector with one entry per row (or of length 1, or a scalar,
    broadcast to all rows), ``sm`` the softmax matrix, ``y_idx`` the labels.
    """

    __props__ = ()

    def make_node(self, dy, sm, y_idx):
        dy, sm = as_tensor_variable(dy), as_tensor_variable(sm)
        _check(dy, "dy", self, (0, 1), _FLOATS, "floats")
        _check(sm, "sm", self, (2,), _FLOATS, "floats")
        y_idx = _check_labels_var(y_idx, self)
        return Apply(self, [dy, sm, y_idx], [sm.type()])

    def perform(self, node, inputs, output_storage):
        dy, sm, y_idx = inputs
        n = sm.shape[0]
        _check_labels(y_idx, n, sm.shape[1], self)
        if dy.ndim == 1 and dy.shape[0] not in (1, n):
            raise ValueError("%s: dy has length %d but sm has %d rows" % (self, dy.shape[0], n))
        col = dy.reshape(-1, 1) if dy.ndim else dy
        dx = sm * col
        dx[np.arange(n), y_idx] -= np.broadcast_to(np.reshape(dy, -1), (n,))
        _out(output_storage, dx, node)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[1]]


crossentropy_softmax_1hot_with_bias_dx = CrossentropySoftmax1HotWithBiasDx()


def crossentropy_softmax_1hot_with_bias(x, b, y_idx):
    """``[nll, softmax(x + b)]`` from the fused op (see :class:`CrossentropySoftmaxArgmax1HotWithBias`)."""
    return crossentropy_softmax_argmax_1hot_with_bias(x, b, y_idx)[0:2]


def _zero_bias(x):
    """A zero vector with one entry per column of the matrix ``x`` (works for 0 rows)."""
    x = as_tensor_variable(x)
    return tm.sum(zeros_like(x), axis=0)


def crossentropy_softmax_1hot(x, y_idx):
    """``[nll, softmax(x)]``: the fused op with a zero bias."""
    return crossentropy_softmax_1hot_with_bias(x, _zero_bias(x), y_idx)


def crossentropy_softmax_max_and_argmax_1hot_with_bias(x, b, y_idx):
    """``(nll, softmax(x + b), max probability, argmax)`` per row."""
    xent, sm = crossentropy_softmax_1hot_with_bias(x, b, y_idx)
    max_pr, argmax = tm.max_and_argmax(sm, axis=-1)
    return xent, sm, max_pr, argmax


def crossentropy_softmax_max_and_argmax_1hot(x, y_idx):
    return crossentropy_softmax_max_and_argmax_1hot_with_bias(x, _zero_bias(x), y_idx)


# ---------------------------------------------------------------------------
# Cross-entropy of a given distribution against one-hot targets
# ---------------------------------------------------------------------------
class CrossentropyCategorical1HotGrad(Op):
    """Gradient of :class:`CrossentropyCategorical1Hot` w.r.t. the coding distribution.

    ``out[i, y[i]] = -g_y[i] / coding_dist[i, y[i]]``, zero elsewhere.
    """

    __props__ = ()

    def make_node(self, g_y, coding_dist, true_one_of_n):
        g_y, coding_dist = as_tensor_variable(g_y), as_tensor_variable(coding_dist)
        _check(g_y, "g_y", self, (1,), _FLOATS, "floats")
        _check(coding_dist, "coding_dist", self, (2,), _FLOATS, "floats")
        y = _check_labels_var(true_one_of_n, self, "true_one_of_n")
        return Apply(self, [g_y, coding_dist, y], [coding_dist.type()])

    def perform(self, node, inputs, output_storage):
        g_y, coding, y = inputs
        _check_labels(y, coding.shape[0], coding.shape[1], self)
        out = np.zeros(coding.shape, dtype=node.outputs[0].type.dtype)
        rows = np.arange(len(y))
        with np.errstate(divide="ignore", invalid="ignore"):
            out[rows, y] = -g_y / coding[rows, y]
        output_storage[0][0] = out

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[1]]


crossentropy_categorical_1hot_grad = CrossentropyCategorical1HotGrad()


class CrossentropyCategorical1Hot(Op):
    r"""``y[i] = -log(coding_dist[i, true_one_of_n[i]])``.

    ``coding_dist`` is a float matrix of probabilities (one row per
    example), ``true_one_of_n`` an integer vector of class indices.
    """

    __props__ = ()

    def make_node(self, coding_dist, true_one_of_n):
        coding_dist = as_tensor_variable(coding_dist)
        _check(coding_dist, "coding_dist", self, (2,), _FLOATS, "floats")
        y = _check_labels_var(true_one_of_n, self, "true_one_of_n")
        return Apply(self, [coding_dist, y], [TensorType(coding_dist.type.dtype, (False,))()])

    def perform(self, node, inputs, output_storage):
        coding, y = inputs
        _check_labels(y, coding.shape[0], coding.shape[1], self)
        with np.errstate(divide="ignore", invalid="ignore"):
            _out(output_storage, -np.log(coding[np.arange(len(y)), y]), node)

    def infer_shape(self, fgraph, node, shapes):
        return [(shapes[0][0],)]


crossentropy_categorical_1hot = CrossentropyCategorical1Hot()


def categorical_crossentropy(coding_dist, true_dist):
    r"""Cross-entropy :math:`H(p, q) = -\sum_x p(x) \log q(x)` of each row.

    Parameters
    ----------
    coding_dist : matrix (or tensor)
        The predicted distributions, one per row (last axis).
    true_dist : tensor of the same rank, or integer tensor of one rank less
        Either the true distributions (e.g. one-hot rows), or the index of
        the true class of each row.

    Returns
    -------
    Tensor with one dimension less than ``coding_dist``.
    """
    coding_dist = as_tensor_variable(coding_dist)
    true_dist = as_tensor_variable(true_dist)
    if true_dist.type.ndim == coding_dist.type.ndim:
        return -tm.sum(true_dist * tm.log(coding_dist), axis=coding_dist.type.ndim - 1)
    if true_dist.type.ndim == coding_dist.type.ndim - 1:
        return crossentropy_categorical_1hot(coding_dist, true_dist)
    raise NNetInputError(
        "categorical_crossentropy: rank mismatch between coding_dist (%d-d) and true_dist "
        "(%d-d): true_dist must have the same rank (distributions) or one less (class "
        "indices)" % (coding_dist.type.ndim, true_dist.type.ndim))


def binary_crossentropy(output, target):
    """Elementwise ``-(target * log(output) + (1 - target) * log(1 - output))``.

    ``output`` must lie strictly in (0, 1); see
    :func:`sigmoid_binary_crossentropy` to start from logits.
    """
    output, target = as_tensor_variable(output), as_tensor_variable(target)
    return -(target * tm.log(output) + (1.0 - target) * tm.log(1.0 - output))


def _sbce_np(o, t):
    # softplus(-|o|) + o * ((o > 0) - t): never exponentiates a large number.
    return np.logaddexp(0, -np.abs(o)) + o * ((o > 0).astype(o.dtype) - t)


def _sbce_grad(inputs, outputs, output_grads):
    (o, t), (g,) = inputs, output_grads
    g_o = None if o.type.dtype in ts.discrete_dtypes else g * (sigmoid(o) - t)
    g_t = None if t.type.dtype in ts.discrete_dtypes else g * (-o)
    return [g_o, g_t]


class ScalarSigmoidBinaryCrossentropy(ts.ScalarOp):
    """``binary_crossentropy(sigmoid(o), t)`` computed stably from the logit ``o``."""

    nin = 2
    name = "sigmoid_binary_crossentropy"
    output_types_preference = staticmethod(ts.upgrade_to_float_no_complex)
    upcast_inputs = True
    nfunc = staticmethod(_sbce_np)
    tensor_grad = staticmethod(_sbce_grad)


_sigmoid_bce = Elemwise(ScalarSigmoidBinaryCrossentropy(), name="sigmoid_binary_crossentropy")


def sigmoid_binary_crossentropy(output, target):
    """Cross-entropy of binary variables given the logits ``output``.

    Equal to ``binary_crossentropy(sigmoid(output), target)`` but finite for
    any logits; its gradient is ``sigmoid(output) - target``.  ``target``
    holds probabilities in [0, 1].  Broadcasts like other elementwise ops.
    """
    return _sigmoid_bce(output, target)


# ---------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------
def _is_number(v):
    return isinstance(v, (numbers.Number, np.number)) and not isinstance(v, bool)


def _coef(value, x):
    """``value`` as a constant in the float dtype of ``x`` (so float32 stays float32)."""
    if _is_number(value) and x.type.dtype in _FLOATS:
        return constant(value, dtype=x.type.dtype)
    return as_tensor_variable(value)


def relu(x, alpha=0):
    """Rectified linear unit: ``x`` if ``x > 0`` else ``alpha * x``.

    ``alpha`` (scalar, or tensor broadcastable against ``x``) is the slope
    for negative inputs: 0 is the plain rectifier, 0 < alpha < 1 a leaky one.
    """
    x = as_tensor_variable(x)
    if _is_number(alpha) and alpha == 0:
        return 0.5 * (x + abs(x))
    if _is_number(alpha):
        alpha = float(alpha)  # exact Python arithmetic for the coefficients
        return _coef(0.5 * (1 + alpha), x) * x + _coef(0.5 * (1 - alpha), x) * abs(x)
    alpha = as_tensor_variable(alpha)
    return 0.5 * (1 + alpha) * x + 0.5 * (1 - alpha) * abs(x)


def elu(x, alpha=1):
    """Exponential linear unit: ``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    x = as_tensor_variable(x)
    # expm1 only sees non-positive values, so large x cannot overflow and
    # turn the unused branch's gradient into inf * 0.
    neg = tm.expm1(tm.minimum(x, 0))
    return tm.switch(tm.gt(x, 0), x, _coef(alpha, x) * neg)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    """Scaled exponential linear unit (Klambauer et al., 2017): ``scale * elu(x, alpha)``."""
    x = as_tensor_variable(x)
    return _coef(_SELU_SCALE, x) * elu(x, _SELU_ALPHA)


def _softsign_grad(inputs, outputs, output_grads):
    (x,), (g,) = inputs, output_grads
    if x.type.dtype in ts.discrete_dtypes:
        return [None]
    d = 1 + abs(x)
    return [g / (d * d)]


class ScalarSoftsign(ts.ScalarOp):
    """``x / (1 + |x|)``."""

    nin = 1
    name = "scalar_softsign"
    output_types_preference = staticmethod(ts.upgrade_to_float_no_complex)
    upcast_inputs = True
    nfunc = staticmethod(lambda x: x / (1 + np.abs(x)))
    tensor_grad = staticmethod(_softsign_grad)


scalar_softsign = ScalarSoftsign()
softsign = Elemwise(scalar_softsign, name="softsign")


# ---------------------------------------------------------------------------
# Evaluation helper
# ---------------------------------------------------------------------------
class ConfusionMatrix(Op):
    """``[conf_mat, order]`` of two label vectors (see :func:`confusion_matrix`)."""

    __props__ = ()

    def make_node(self, actual, pred):
        actual, pred = as_tensor_variable(actual), as_tensor_variable(pred)
        for what, v in (("actual", actual), ("pred", pred)):
            if v.type.ndim != 1:
                raise NNetInputError("confusion_matrix: %s must be a 1-d tensor, got %s (%d-d)"
                                     % (what, v, v.type.ndim))
        dtype = ts.upcast(actual.type.dtype, pred.type.dtype)
        return Apply(self, [actual, pred], [TensorType("int64", (False, False))(),
                                            TensorType(dtype, (False,))()])

    def perform(self, node, inputs, output_storage):
        actual, pred = inputs
        if actual.shape != pred.shape:
            raise ValueError("confusion_matrix: actual has shape %s but pred has shape %s"
                             % (actual.shape, pred.shape))
        order = np.unique(np.concatenate([actual, pred]))
        conf = np.zeros((len(order), len(order)), dtype="int64")
        np.add.at(conf, (np.searchsorted(order, actual), np.searchsorted(order, pred)), 1)
        output_storage[0][0] = conf
        _out(output_storage, order, node, 1)


def confusion_matrix(actual, pred):
    """Confusion matrix of two label vectors.

    Returns ``[conf_mat, order]``: ``order`` holds the sorted distinct
    labels and ``conf_mat[i, j]`` counts the examples of actual label
    ``order[i]`` predicted as ``order[j]``.
    """
    return ConfusionMatrix()(actual, pred)
