"""JAX rules of ``theano.tensor.nnet`` and ``theano.tensor.signal``: softmax and the
cross-entropies, convolutions and pooling.

A convolution is ``lax.conv_general_dilated``; its gradients with respect to the
kernel and to the image are JAX's own transposes of that convolution (``jax.vjp``),
and the pooling gradients likewise differentiate the pooling forward, so every
rule of a family shares one definition of its geometry.
"""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from theano.link.jax.linker import static
from theano.link.jax.registry import register_jax
from theano.link.jax.scalar_jax import scalar_rules
from theano.tensor.nnet import abstract_conv as tac
from theano.tensor.nnet import basic as tnn
from theano.tensor.nnet import conv_kernels as ck
from theano.tensor.nnet import sigm as tsigm
from theano.tensor.signal import pool as tpool


# -- softmax and cross-entropies ---------------------------------------------------------
@register_jax(tnn.Softmax)
def _softmax(op, node):
    return lambda x: jax.nn.softmax(x, axis=-1)


@register_jax(tnn.LogSoftmax)
def _log_softmax(op, node):
    return lambda x: jax.nn.log_softmax(x, axis=-1)


@register_jax(tnn.SoftmaxWithBias)
def _softmax_bias(op, node):
    return lambda x, b: jax.nn.softmax(x + b, axis=-1)


@register_jax(tnn.SoftmaxGrad)
def _softmax_grad(op, node):
    def fn(dy, sm):
        dy_sm = dy * sm
        return dy_sm - jnp.sum(dy_sm, axis=-1, keepdims=True) * sm
    return fn


def _rows(y):
    return jnp.arange(y.shape[0])


@register_jax(tnn._OneHot)
def _one_hot(op, node):
    dtype = node.outputs[0].type.dtype
    return lambda y, like: jnp.zeros(like.shape, dtype).at[_rows(y), y].set(1)


@register_jax(tnn._TakeRows)
def _take_rows(op, node):
    return lambda mat, y: mat[_rows(y), y]


@register_jax(tnn.CrossentropySoftmaxArgmax1HotWithBias)
def _xent_sm_argmax(op, node):
    def fn(x, b, y):
        row = x + b
        m = jnp.max(row, axis=1)
        e = jnp.exp(row - m[:, None])
        total = jnp.sum(e, axis=1)
        nll = m + jnp.log(total) - row[_rows(y), y]
        return nll, e / total[:, None], jnp.argmax(row, axis=1)
    return fn


@register_jax(tnn.CrossentropySoftmax1HotWithBiasDx)
def _xent_sm_dx(op, node):
    def fn(dy, sm, y):
        n = sm.shape[0]
        col = jnp.reshape(dy, (-1, 1)) if jnp.ndim(dy) else dy
        return jnp.asarray(sm * col).at[_rows(y), y].add(-jnp.broadcast_to(jnp.reshape(dy, (-1,)), (n,)))
    return fn


@register_jax(tnn.CrossentropyCategorical1HotGrad)
def _xent_cat_grad(op, node):
    dtype = node.outputs[0].type.dtype

    def fn(g_y, coding, y):
        rows = _rows(y)
        return jnp.zeros(coding.shape, dtype).at[rows, y].set(-g_y / coding[rows, y])
    return fn


@register_jax(tnn.CrossentropyCategorical1Hot)
def _xent_cat(op, node):
    return lambda coding, y: -jnp.log(coding[_rows(y), y])


scalar_rules.register(tnn.ScalarSigmoidBinaryCrossentropy)(
    lambda op: lambda o, t: jnp.logaddexp(0, -jnp.abs(o)) + o * ((o > 0).astype(o.dtype) - t))
scalar_rules.register(tnn.ScalarSoftsign)(lambda op: lambda x: x / (1 + jnp.abs(x)))
scalar_rules.register(tsigm.UltraFastScalarSigmoid)(lambda op: jax.nn.sigmoid)


# -- convolutions ------------------------------------------------------------------------
def _conv_fn(op, kshape):
    """``f(img, kern)``: the op's forward convolution for kernels of spatial ``kshape``."""
    nd = op.convdim
    pads = [tuple(p) for p in ck.pad_widths(op.border_mode, kshape, op.filter_dilation)]
    spatial = "DHW"[-nd:]
    dims = lax.conv_dimension_numbers((1, 1) + (1,) * nd, (1, 1) + (1,) * nd,
                                      ("NC" + spatial, "OI" + spatial, "NC" + spatial))

    def conv(img, kern):
        if op.filter_flip:
            kern = kern[(Ellipsis,) + (slice(None, None, -1),) * nd]
        return lax.conv_general_dilated(
            img, kern, window_strides=op.subsample, padding=pads,
            rhs_dilation=op.filter_dilation, dimension_numbers=dims,
            feature_group_count=op.num_groups, precision=lax.Precision.HIGHEST)
    return conv


def _no_unshared(op):
    # Locally connected (unshared) convolutions keep their NumPy implementation only.
    return op.unshared


@register_jax(tac.AbstractConv)
def _abstract_conv(op, node):
    if _no_unshared(op):
        return None
    nd = op.convdim
    return lambda img, kern: _conv_fn(op, kern.shape[-nd:])(img, kern)


@register_jax(tac.AbstractConv_gradWeights)
def _conv_grad_weights(op, node):
    if _no_unshared(op):
        return None

    def fn(img, top, shape):
        kshape = tuple(int(s) for s in static(shape, "The kernel shape of a convolution "
                                                     "gradient", node))
        kern0 = jnp.zeros((top.shape[1], img.shape[1] // op.num_groups) + kshape, img.dtype)
        _, pullback = jax.vjp(lambda k: _conv_fn(op, kshape)(img, k), kern0)
        return pullback(top)[0]
    return fn


@register_jax(tac.AbstractConv_gradInputs)
def _conv_grad_inputs(op, node):
    if _no_unshared(op):
        return None
    nd = op.convdim

    def fn(kern, top, shape):
        spatial = tuple(int(s) for s in static(shape, "The image shape of a convolution "
                                                      "gradient", node))
        img0 = jnp.zeros((top.shape[0], kern.shape[1] * op.num_groups) + spatial, kern.dtype)
        _, pullback = jax.vjp(lambda i: _conv_fn(op, kern.shape[-nd:])(i, kern), img0)
        return pullback(top)[0]
    return fn


# -- pooling -------------------------------------------------------------------------------
def _pool_fn(op, x_shape, dtype, ws, stride, pad):
    """``f(x)``: the pooling forward for inputs of ``x_shape`` (static geometry)."""
    geo = tpool._Geometry(x_shape, ws, stride, pad, op.ignore_border)
    lead = len(x_shape) - geo.nd
    widths = [(0, 0)] * lead + [(geo.pad[i], geo.pad[i] + geo.extra[i]) for i in range(geo.nd)]
    window = (1,) * lead + tuple(geo.ws)
    strides = (1,) * lead + tuple(geo.st)
    mode = op.mode

    def pool(x):
        if 0 in geo.out or 0 in x_shape:
            return jnp.zeros(tuple(x_shape[:lead]) + tuple(geo.out), dtype)
        if mode == "max":
            # (Concrete NumPy init values: JAX then knows the monoid and can differentiate.)
            low = np.array(-np.inf if jnp.issubdtype(dtype, jnp.floating) else
                           jnp.iinfo(dtype).min, dtype)
            xp = jnp.pad(x, widths, constant_values=low)
            return lax.reduce_window(xp, low, lax.max, window, strides, "VALID")
        work = dtype if jnp.issubdtype(dtype, jnp.inexact) else jnp.float64
        xp = jnp.pad(x.astype(work), widths)
        acc = lax.reduce_window(xp, np.array(0, work), lax.add, window, strides, "VALID")
        if mode != "sum":
            acc = acc / geo.counts(mode == "average_inc_pad").astype(work)
        return acc.astype(dtype)
    return pool


def _geometry_args(node, ws, stride, pad):
    return [tuple(int(v) for v in static(a, "The %s of pooling" % what, node))
            for a, what in ((ws, "window size"), (stride, "stride"), (pad, "padding"))]


@register_jax(tpool.Pool)
def _pool(op, node):
    def fn(x, ws, stride, pad):
        ws, stride, pad = _geometry_args(node, ws, stride, pad)
        return _pool_fn(op, x.shape, x.dtype, ws, stride, pad)(x)
    return fn


@register_jax(tpool.MaxPoolGrad)
def _max_pool_grad(op, node):
    def fn(x, maxout, gz, ws, stride, pad):
        ws, stride, pad = _geometry_args(node, ws, stride, pad)
        _, pullback = jax.vjp(_pool_fn(op, x.shape, x.dtype, ws, stride, pad), x)
        return pullback(gz.astype(x.dtype))[0]
    return fn


@register_jax(tpool.AveragePoolGrad)
def _average_pool_grad(op, node):
    def fn(x, gz, ws, stride, pad):
        ws, stride, pad = _geometry_args(node, ws, stride, pad)
        _, pullback = jax.vjp(_pool_fn(op, x.shape, x.dtype, ws, stride, pad), x)
        return pullback(gz.astype(x.dtype))[0]
    return fn

