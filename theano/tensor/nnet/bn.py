"""Batch normalization (``theano.tensor.nnet.bn``).

:func:`batch_normalization` is the plain elementwise formula.
:func:`batch_normalization_train` and :func:`batch_normalization_test`
build the :class:`AbstractBatchNormTrain` and
:class:`AbstractBatchNormInference` ops, which compute with NumPy and have
their gradients registered (the training op's through
:class:`AbstractBatchNormTrainGrad`, itself differentiable).
"""
import numpy as np

import theano.scalar.basic as ts
from theano.configparser import config
from theano.graph.basic import Apply
from theano.graph.null_type import disconnected_type, is_disconnected
from theano.graph.op import Op
from theano.graph.rules import register_connection_pattern, register_grad
from theano.tensor import math as tm
from theano.tensor.basic import as_tensor_variable, cast, zeros_like
from theano.tensor.shape import addbroadcast, patternbroadcast

__all__ = ["batch_normalization", "batch_normalization_train", "batch_normalization_test",
           "AbstractBatchNormTrain", "AbstractBatchNormInference",
           "AbstractBatchNormTrainGrad"]


def batch_normalization(inputs, gamma, beta, mean, std, mode="low_mem"):
    """``(inputs - mean) / std * gamma + beta``, elementwise (with broadcasting).

    Parameters
    ----------
    inputs : tensor
        Mini-batch of activations.
    gamma, beta : tensors
        Scale and shift, of the same number of dimensions as ``inputs`` and
        broadcastable against it.
    mean, std : tensors
        Statistics of ``inputs``, likewise broadcastable.
    mode : {'low_mem', 'high_mem'}
        Only the order of the operations differs: 'low_mem' computes
        ``((inputs - mean) / std) * gamma + beta`` (one fused loop, no stored
        intermediate), 'high_mem' ``(inputs - mean) * (gamma / std) + beta``.

    Examples
    --------
    >>> import numpy as np, theano, theano.tensor as T
    >>> x = T.dmatrix('x')
    >>> m, s = x.mean(0, keepdims=True), x.std(0, keepdims=True)
    >>> y = batch_normalization(x, np.ones((1, 2)), np.zeros((1, 2)), m, s)
    >>> theano.function([x], y)(np.array([[1., 10.], [3., 30.]]))
    array([[-1., -1.],
           [ 1.,  1.]])
    """
    if mode == "low_mem":
        return ((inputs - mean) / std) * gamma + beta
    if mode == "high_mem":
        return (inputs - mean) * (gamma / std) + beta
    raise ValueError('mode must be either "low_mem", "high_mem", got %r' % (mode,))


def _prepare_axes(axes, ndim):
    if axes == "per-activation":
        axes = (0,)
    elif axes == "spatial":
        axes = (0,) + tuple(range(2, ndim))
    elif isinstance(axes, (tuple, list, np.ndarray)):
        axes = tuple(int(a) for a in axes)
    else:
        raise ValueError("invalid axes: %r (expected 'per-activation', 'spatial' or a tuple "
                         "of ints)" % (axes,))
    axes = tuple(sorted(axes))
    if not axes:
        raise ValueError("there should be at least one normalization axis")
    if min(axes) < 0 or max(axes) >= ndim:
        raise ValueError("axes should be less than ndim (<%d), but %s given" % (ndim, axes))
    return axes, tuple(i for i in range(ndim) if i not in axes)


def _params_layout(ndim, axes, non_bc_axes, gamma, beta):
    """``(params_ndim, pattern)``: how to broadcast the parameters against the inputs."""
    if gamma.type.ndim == ndim:
        params_ndim, pattern = ndim, None
    else:
        params_ndim = len(non_bc_axes)
        pattern = ["x"] * ndim
        for i, axis in enumerate(non_bc_axes):
            pattern[axis] = i
    if gamma.type.ndim != params_ndim or beta.type.ndim != params_ndim:
        raise ValueError("gamma and beta dimensionality must match the number of "
                         "non-normalized axes, or have the same number of dimensions as the "
                         "inputs; got %d and %d instead of %d"
                         % (gamma.type.ndim, beta.type.ndim, params_ndim))
    return params_ndim, pattern


def _broadcast_param(p, pattern, axes):
    p = as_tensor_variable(p)
    return p.dimshuffle(pattern) if pattern is not None else addbroadcast(p, *axes)


def _check_epsilon(epsilon):
    # Compare as floatX: float32(1e-5) is below 1e-5.
    eps = np.asarray(epsilon, dtype=config.floatX)
    if eps < np.asarray(1e-5, dtype=config.floatX):
        raise ValueError("epsilon must be at least 1e-5, got %s" % (epsilon,))
    return eps


def batch_normalization_train(inputs, gamma, beta, axes="per-activation", epsilon=1e-4,
                              running_average_factor=0.1, running_mean=None, running_var=None):
    """Normalize ``inputs`` with its own mean and variance over ``axes``.

    Parameters
    ----------
    inputs : tensor
    gamma, beta : tensors
        Scale and shift: the shape of ``inputs`` with the ``axes`` of length 1,
        or those axes left out (``gamma.ndim == inputs.ndim - len(axes)``).
    axes : 'per-activation', 'spatial' or tuple of ints
        'per-activation' is ``(0,)``; 'spatial' is ``(0, 2, 3, ...)`` (one
        statistic per channel).
    epsilon : float
        Added to the variance; at least 1e-5.
    running_average_factor : float
        Weight of the batch statistics in the running averages.
    running_mean, running_var : tensors or None
        Both or neither.  When given, two more outputs are returned:
        ``running_mean * (1 - f) + mean * f`` and ``running_var * (1 - f) +
        m / (m - 1) * var * f`` (``m`` values averaged per statistic).

    Returns
    -------
    out, mean, invstd[, new_running_mean, new_running_var]
        ``out = (inputs - mean) * gamma * invstd + beta`` with
        ``invstd = 1 / sqrt(var + epsilon)``; the statistics have the layout
        of ``gamma``.
    """
    inputs = as_tensor_variable(inputs)
    gamma, beta = as_tensor_variable(gamma), as_tensor_variable(beta)
    ndim = inputs.type.ndim
    axes, non_bc_axes = _prepare_axes(axes, ndim)
    params_ndim, pattern = _params_layout(ndim, axes, non_bc_axes, gamma, beta)
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be given or both be "
                         "None")
    running = []
    for name, r in (("running_mean", running_mean), ("running_var", running_var)):
        if r is not None:
            r = as_tensor_variable(r)
            if r.type.ndim != params_ndim:
                raise ValueError("%s must be of the same dimensionality as gamma and beta; got "
                                 "%d instead of %d" % (name, r.type.ndim, params_ndim))
            running.append(r)
    epsilon = _check_epsilon(epsilon)
    op = AbstractBatchNormTrain(axes=axes)
    bparams = [_broadcast_param(p, pattern, axes) for p in [gamma, beta] + running]
    if running:
        results = op(inputs, bparams[0], bparams[1], epsilon=epsilon,
                     running_average_factor=running_average_factor,
                     running_mean=bparams[2], running_var=bparams[3])
        for k in (3, 4):
            r = bparams[k - 1]
            if results[k].type.broadcastable != r.type.broadcastable:
                results[k] = patternbroadcast(results[k], r.type.broadcastable)
    else:
        results = op(inputs, bparams[0], bparams[1], epsilon=epsilon)
    if pattern is not None:
        results = [results[0]] + [r.dimshuffle(non_bc_axes) for r in results[1:]]
    return tuple(results)


def batch_normalization_test(inputs, gamma, beta, mean, var, axes="per-activation",
                             epsilon=1e-4):
    """Normalize ``inputs`` with the given ``mean`` and ``var`` (inference).

    ``out = (inputs - mean) * gamma / sqrt(var + epsilon) + beta``; ``gamma``,
    ``beta``, ``mean`` and ``var`` share the layout described in
    :func:`batch_normalization_train`.
    """
    inputs = as_tensor_variable(inputs)
    gamma, beta = as_tensor_variable(gamma), as_tensor_variable(beta)
    mean, var = as_tensor_variable(mean), as_tensor_variable(var)
    ndim = inputs.type.ndim
    axes, non_bc_axes = _prepare_axes(axes, ndim)
    params_ndim, pattern = _params_layout(ndim, axes, non_bc_axes, gamma, beta)
    if mean.type.ndim != params_ndim or var.type.ndim != params_ndim:
        raise ValueError("mean and var must be of the same dimensionality as gamma and beta; "
                         "got %d and %d instead of %d"
                         % (mean.type.ndim, var.type.ndim, params_ndim))
    epsilon = _check_epsilon(epsilon)
    params = [_broadcast_param(p, pattern, axes) for p in (gamma, beta, mean, var)]
    return AbstractBatchNormInference(axes=axes)(inputs, *params, epsilon=epsilon)


# ---------------------------------------------------------------------------
# Ops
# ---------------------------------------------------------------------------
def _as_common(*xs):
    xs = [as_tensor_variable(x) for x in xs]
    dtype = ts.upcast(*[x.type.dtype for x in xs])
    if dtype not in ts.float_dtypes:
        dtype = ts.upcast(dtype, config.floatX)
    return [x if x.type.dtype == dtype else cast(x, dtype) for x in xs]


def _scalar(v, what, op):
    v = as_tensor_variable(v)
    if v.type.ndim != 0:
        raise TypeError("%s: %s must be a scalar, got %s (%d-d)"
                        % (type(op).__name__, what, v, v.type.ndim))
    return v


def _check_axes(op, x):
    if min(op.axes) < 0 or max(op.axes) >= x.ndim:
        raise ValueError("axes should be less than ndim (<%d), but %s given"
                         % (x.ndim, op.axes))


def _same_ndim(op, *xs):
    nds = [x.type.ndim for x in xs]
    if len(set(nds)) != 1:
        raise TypeError("%s: all inputs must have the same number of dimensions, got %s"
                        % (type(op).__name__, nds))


class _AxesOp(Op):
    __props__ = ("axes",)

    def __init__(self, axes=(0,)):
        if not isinstance(axes, (tuple, list)) or not axes:
            raise ValueError("%s: axes must be a non-empty tuple of ints, got %r"
                             % (type(self).__name__, axes))
        self.axes = tuple(int(a) for a in axes)


class AbstractBatchNormTrain(_AxesOp):
    """Batch normalization of ``x`` over ``axes`` with its own statistics.

    Inputs: ``x``, ``scale``, ``bias`` (same number of dimensions, length 1
    on ``axes``), the scalars ``epsilon`` and ``running_average_factor``,
    and optionally ``running_mean`` and ``running_var``.  Outputs: the
    normalized ``x``, its mean and inverse standard deviation, and the
    updated running averages when they were given.
    """

    def make_node(self, x, scale, bias, epsilon=1e-4, running_average_factor=0.1,
                  running_mean=None, running_var=None):
        if (running_mean is None) != (running_var is None):
            raise ValueError("AbstractBatchNormTrain: running_mean and running_var must both "
                             "be given or both be None")
        tensors = [x, scale, bias] + ([running_mean, running_var]
                                      if running_mean is not None else [])
        tensors = _as_common(*tensors)
        _same_ndim(self, *tensors)
        x, scale = tensors[:2]
        inputs = tensors[:3] + [_scalar(epsilon, "epsilon", self),
                                _scalar(running_average_factor, "running_average_factor",
                                        self)] + tensors[3:]
        outputs = [x.type(), scale.type(), scale.type()] + [scale.type()
                                                            for _ in tensors[3:]]
        return Apply(self, inputs, outputs)

    def perform(self, node, inputs, output_storage):
        x, scale, bias, epsilon, factor = inputs[:5]
        _check_axes(self, x)
        mean = x.mean(self.axes, keepdims=True)
        var = x.var(self.axes, keepdims=True)
        invstd = 1.0 / np.sqrt(var + epsilon)
        results = [(x - mean) * (scale * invstd) + bias, mean, invstd]
        if len(inputs) > 5:
            m = float(np.prod([x.shape[a] for a in self.axes]))
            with np.errstate(divide="ignore", invalid="ignore"):
                unbiased = var * (m / (m - 1))
            results.append(inputs[5] * (1.0 - factor) + mean * factor)
            results.append(inputs[6] * (1.0 - factor) + unbiased * factor)
        for cell, out, val in zip(output_storage, node.outputs, results):
            cell[0] = np.asarray(val, dtype=out.type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]] + [shapes[1]] * (len(node.outputs) - 1)


class AbstractBatchNormInference(_AxesOp):
    """Batch normalization of ``x`` with given statistics.

    Inputs: ``x``, ``scale``, ``bias``, ``estimated_mean``,
    ``estimated_variance`` (same number of dimensions) and the scalar
    ``epsilon``.
    """

    def make_node(self, x, scale, bias, estimated_mean, estimated_variance, epsilon=1e-4):
        tensors = _as_common(x, scale, bias, estimated_mean, estimated_variance)
        _same_ndim(self, *tensors)
        return Apply(self, tensors + [_scalar(epsilon, "epsilon", self)], [tensors[0].type()])

    def perform(self, node, inputs, output_storage):
        x, scale, bias, mean, var, epsilon = inputs
        out = (x - mean) * (scale / np.sqrt(var + epsilon)) + bias
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0]]


class AbstractBatchNormTrainGrad(_AxesOp):
    """Gradient of :class:`AbstractBatchNormTrain`'s first output.

    Inputs: ``x``, the output gradient ``dy``, ``scale``, the mean and
    inverse standard deviation computed in the forward pass, ``epsilon``.
    Outputs: the gradients with respect to ``x``, ``scale`` and ``bias``.
    """

    def make_node(self, x, dy, scale, x_mean, x_invstd, epsilon=1e-4):
        tensors = _as_common(x, dy, scale, x_mean, x_invstd)
        _same_ndim(self, *tensors)
        x, scale = tensors[0], tensors[2]
        return Apply(self, tensors + [_scalar(epsilon, "epsilon", self)],
                     [x.type(), scale.type(), scale.type()])

    def perform(self, node, inputs, output_storage):
        x, dy, scale, mean, invstd, epsilon = inputs
        _check_axes(self, x)
        ax = self.axes
        diff = x - mean
        c = dy * invstd - diff * (dy * diff).mean(ax, keepdims=True) * invstd ** 3
        results = [scale * (c - c.mean(ax, keepdims=True)),
                   (dy * invstd * diff).sum(ax, keepdims=True),
                   dy.sum(ax, keepdims=True)]
        for cell, out, val in zip(output_storage, node.outputs, results):
            cell[0] = np.asarray(val, dtype=out.type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        return [shapes[0], shapes[2], shapes[2]]


# ---------------------------------------------------------------------------
# Gradients
# ---------------------------------------------------------------------------
def _sum_like(g, ref):
    """``g`` summed over the axes where ``ref`` is broadcastable, in ``ref``'s dtype."""
    axes = [i for i, (b, gb) in enumerate(zip(ref.type.broadcastable, g.type.broadcastable))
            if b and not gb]
    if axes:
        g = tm.sum(g, axis=axes, keepdims=True)
    if g.type.broadcastable != ref.type.broadcastable:
        g = patternbroadcast(g, ref.type.broadcastable)
    return g if g.type.dtype == ref.type.dtype else cast(g, ref.type.dtype)


def _count(x, axes):
    """Number of values in each normalization group, as a scalar of ``x``'s dtype."""
    n = x.shape[axes[0]]
    for a in axes[1:]:
        n = n * x.shape[a]
    return cast(n, x.type.dtype)


@register_connection_pattern(AbstractBatchNormTrain)
def _train_connections(op, node):
    n_out = len(node.outputs)
    rows = [[True] * n_out,                               # x
            [True] + [False] * (n_out - 1),               # scale
            [True] + [False] * (n_out - 1),               # bias
            [False] * n_out, [False] * n_out]             # epsilon, running_average_factor
    for k in range(n_out - 3):                            # running mean / var
        rows.append([j == 3 + k for j in range(n_out)])
    return rows


@register_grad(AbstractBatchNormTrain)
def _train_grad(op, inputs, outputs, output_grads):
    x, scale, bias, epsilon, factor = inputs[:5]
    _, mean, invstd = outputs[:3]
    g_out, g_mean, g_invstd = output_grads[:3]
    ax = op.axes
    if is_disconnected(g_out):
        # Only the statistics are used: they do not depend on scale and bias.
        gx = zeros_like(x)
        gscale = gbias = None
    else:
        gx, gscale, gbias = AbstractBatchNormTrainGrad(ax)(x, g_out, scale, mean, invstd,
                                                           epsilon)
    m = _count(x, ax)
    diff = x - mean
    # The mean and invstd outputs, and the running averages, depend on x too.
    if not is_disconnected(g_mean):
        gx = gx + g_mean / m
    if not is_disconnected(g_invstd):
        gx = gx - g_invstd * invstd ** 3 * diff / m
    rest = [disconnected_type(), disconnected_type()]
    if len(inputs) > 5:
        g_rmean, g_rvar = output_grads[3:5]
        one = np.asarray(1, dtype=x.type.dtype)
        for g, running, k in ((g_rmean, inputs[5], 0), (g_rvar, inputs[6], 1)):
            if is_disconnected(g):
                rest.append(disconnected_type())
                continue
            rest.append(_sum_like(g * (one - factor), running))
            if k == 0:
                gx = gx + g * factor / m
            else:
                gx = gx + g * factor * 2 * diff / (m - one)
    params = [disconnected_type(), disconnected_type()] if gscale is None else \
        [_sum_like(gscale, scale), _sum_like(gbias, bias)]
    return [_sum_like(gx, x)] + params + rest


@register_connection_pattern(AbstractBatchNormInference)
def _inference_connections(op, node):
    return [[True]] * 5 + [[False]]


@register_grad(AbstractBatchNormInference)
def _inference_grad(op, inputs, outputs, output_grads):
    x, scale, bias, mean, var, epsilon = inputs
    (dy,) = output_grads
    ax = op.axes
    var_eps = var + epsilon
    std = tm.sqrt(var_eps)
    diff_dy = tm.sum(dy * (x - mean), axis=ax, keepdims=True)
    sum_dy = tm.sum(dy, axis=ax, keepdims=True)
    grads = [dy * (scale / std),
             diff_dy / std,
             sum_dy,
             -sum_dy * (scale / std),
             -diff_dy * scale / (2 * var_eps * std)]
    return [_sum_like(g, i) for g, i in zip(grads, inputs[:5])] + [disconnected_type()]


@register_connection_pattern(AbstractBatchNormTrainGrad)
def _train_grad_connections(op, node):
    return [[True, True, False],    # x
            [True, True, True],     # dy
            [True, False, False],   # scale
            [True, True, False],    # x_mean
            [True, True, False],    # x_invstd
            [False, False, False]]  # epsilon


@register_grad(AbstractBatchNormTrainGrad)
def _train_grad_grad(op, inputs, outputs, output_grads):
    x, dy, scale, mean, invstd, epsilon = inputs
    g_x, g_scale, g_bias = output_grads
    ax = op.axes

    def mean_ax(v):
        return tm.mean(v, axis=ax, keepdims=True)

    def sum_ax(v):
        return tm.sum(v, axis=ax, keepdims=True)

    diff = x - mean
    mean_dy_diff = mean_ax(dy * diff)
    s3 = invstd ** 3
    acc = {"x": [], "dy": [], "scale": [], "mean": [], "invstd": []}
    if not is_disconnected(g_x):
        # L = sum(K * c), K the centred scale * g_x, c the per-cell term of the x gradient.
        k = scale * (g_x - mean_ax(g_x))
        p = mean_ax(k * diff)
        ddd = s3 * (k * mean_dy_diff + dy * p)
        c = dy * invstd - diff * mean_dy_diff * s3
        acc["x"].append(-ddd)
        acc["dy"].append(k * invstd - s3 * diff * p)
        acc["scale"].append(sum_ax(g_x * (c - mean_ax(c))))
        acc["mean"].append(sum_ax(ddd))
        acc["invstd"].append(sum_ax(k * (dy - 3 * invstd ** 2 * diff * mean_dy_diff)))
    if not is_disconnected(g_scale):
        acc["x"].append(invstd * g_scale * dy)
        acc["dy"].append(invstd * g_scale * diff)
        acc["mean"].append(-invstd * g_scale * sum_ax(dy))
        acc["invstd"].append(g_scale * sum_ax(dy * diff))
    if not is_disconnected(g_bias):
        acc["dy"].append(g_bias + zeros_like(dy))
    out = []
    for name, ref in (("x", x), ("dy", dy), ("scale", scale), ("mean", mean),
                      ("invstd", invstd)):
        terms = acc[name]
        if not terms:
            out.append(disconnected_type())
            continue
        total = terms[0]
        for t in terms[1:]:
            total = total + t
        out.append(_sum_like(total, ref))
    return out + [disconnected_type()]
