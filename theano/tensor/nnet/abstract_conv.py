"""The abstract convolution ops of Theano 1.0 and their user functions.

``conv2d``/``conv3d`` build an :class:`AbstractConv2d`/:class:`AbstractConv3d`
node; its gradients are the two companion ops ``*_gradWeights`` and
``*_gradInputs`` (the "transposed convolution"), whose own gradients are the
three ops again.  Every op computes with NumPy (:mod:`.conv_kernels`:
strided patches, one matrix product per batch slice), so graphs run as they
are; a faster backend can replace the nodes by rewriting.

Conventions (as in Theano 1.0): images are ``(batch, channels, *spatial)``;
kernels ``(out_channels, in_channels // num_groups, *kernel)``, or
``(out_channels, out_rows, out_cols, in_channels // num_groups, k_rows,
k_cols)`` for unshared (locally connected) 2-d convolution.  With
``filter_flip=True`` (the default) the kernel is flipped, which makes the op a
true convolution; ``filter_flip=False`` gives a cross-correlation.
"""
import math
import numbers

import numpy as np

import theano.scalar.basic as ts
from theano.configparser import config
from theano.graph.basic import Apply, Constant, Variable
from theano.graph.null_type import disconnected_type, is_disconnected
from theano.graph.op import Op
from theano.graph.rules import register_connection_pattern, register_grad, register_rop
from theano.tensor.alloc import arange, zeros
from theano.tensor.basic import (NotScalarConstantError, as_tensor_variable, cast,
                                 get_scalar_constant_value)
from theano.tensor.join import concatenate
from theano.tensor.nnet import conv_kernels as ck
from theano.tensor.shape import patternbroadcast, reshape
from theano.tensor.type import TensorType

__all__ = [
    "get_conv_output_shape", "get_conv_shape_1axis", "get_conv_gradweights_shape",
    "get_conv_gradweights_shape_1axis", "get_conv_gradinputs_shape",
    "get_conv_gradinputs_shape_1axis", "check_conv_gradinputs_shape", "border_mode_to_pad",
    "conv2d", "conv3d", "separable_conv2d", "separable_conv3d", "causal_conv1d",
    "conv2d_grad_wrt_inputs", "conv2d_grad_wrt_weights", "conv3d_grad_wrt_inputs",
    "conv3d_grad_wrt_weights", "bilinear_kernel_1D", "bilinear_kernel_2D",
    "bilinear_upsampling", "frac_bilinear_upsampling",
    "BaseAbstractConv", "AbstractConv", "AbstractConv2d", "AbstractConv3d",
    "AbstractConv_gradWeights", "AbstractConv2d_gradWeights", "AbstractConv3d_gradWeights",
    "AbstractConv_gradInputs", "AbstractConv2d_gradInputs", "AbstractConv3d_gradInputs",
]


# ---------------------------------------------------------------------------
# Shape arithmetic (works on ints, None and symbolic scalars)
# ---------------------------------------------------------------------------
def _pads_1axis(border_mode, dil_kernel_shape):
    if border_mode == "half":
        return dil_kernel_shape // 2, dil_kernel_shape // 2
    if border_mode == "full":
        return dil_kernel_shape - 1, dil_kernel_shape - 1
    if border_mode == "valid":
        return 0, 0
    lo, hi = border_mode if isinstance(border_mode, tuple) else (border_mode, border_mode)
    if (isinstance(lo, numbers.Number) and lo < 0) or (isinstance(hi, numbers.Number) and hi < 0):
        raise ValueError("border_mode must be >= 0, got %s" % (border_mode,))
    return lo, hi


def _per_axis(border_mode, i):
    return border_mode[i] if isinstance(border_mode, tuple) else border_mode


def get_conv_shape_1axis(image_shape, kernel_shape, border_mode, subsample, dilation=1):
    """Output length of a convolution along one axis (None if an input is None).

    ``border_mode`` is 'valid', 'full', 'half', a padding int or an
    asymmetric ``(before, after)`` pair; the values may be symbolic.
    """
    if any(v is None for v in (image_shape, kernel_shape, border_mode, subsample, dilation)):
        return None
    dil_kernel = (kernel_shape - 1) * dilation + 1
    lo, hi = _pads_1axis(border_mode, dil_kernel)
    out = image_shape - dil_kernel
    # Skip the zero terms so that symbolic shapes stay small graphs.
    if not (isinstance(lo, numbers.Number) and lo == 0):
        out = out + lo
    if not (isinstance(hi, numbers.Number) and hi == 0):
        out = out + hi
    if not (isinstance(subsample, numbers.Number) and subsample == 1):
        out = out // subsample
    return out + 1


def get_conv_output_shape(image_shape, kernel_shape, border_mode, subsample,
                          filter_dilation=None):
    """Shape ``(batch, out_channels, *spatial)`` of a convolution's output.

    ``image_shape`` is ``(batch, channels, *spatial)``; ``kernel_shape`` is
    the 4-/5-d kernel shape, or the 6-d one of an unshared convolution.
    Entries may be ints, symbolic scalars or None (unknown).

    >>> get_conv_output_shape((8, 3, 32, 32), (16, 3, 5, 5), 'half', (2, 2))
    (8, 16, 16, 16)
    """
    nd = len(image_shape) - 2
    if filter_dilation is None:
        filter_dilation = (1,) * nd
    kshp = tuple(kernel_shape[-nd:])
    spatial = tuple(get_conv_shape_1axis(image_shape[2 + i], kshp[i], _per_axis(border_mode, i),
                                         subsample[i], filter_dilation[i]) for i in range(nd))
    return (image_shape[0], kernel_shape[0]) + spatial


def get_conv_gradweights_shape_1axis(image_shape, top_shape, border_mode, subsample, dilation):
    """Kernel length along one axis from the image and output lengths.

    Only determined when ``subsample == 1`` and the border mode is not
    'half'; None otherwise (or when an input is None).
    """
    if any(v is None for v in (image_shape, top_shape, border_mode, subsample, dilation)):
        return None
    if subsample != 1 or border_mode == "half":
        return None
    if border_mode == "full":
        span = top_shape - image_shape
    elif border_mode == "valid":
        span = image_shape - top_shape
    else:
        lo, hi = _pads_1axis(border_mode, 0)
        span = image_shape + lo + hi - top_shape
    if dilation > 1:
        span = span // dilation
    return span + 1


def get_conv_gradweights_shape(image_shape, top_shape, border_mode, subsample,
                               filter_dilation=None, num_groups=1, unshared=False):
    """Kernel shape of a convolution from its image and output shapes (see the 1-axis form)."""
    nd = len(subsample)
    if filter_dilation is None:
        filter_dilation = (1,) * nd
    chans, nfilt = image_shape[1], top_shape[1]
    if num_groups > 1 and chans is not None:
        chans = chans // num_groups
    spatial = tuple(get_conv_gradweights_shape_1axis(
        image_shape[2 + i], top_shape[2 + i], _per_axis(border_mode, i), subsample[i],
        filter_dilation[i]) for i in range(nd))
    if unshared:
        return (nfilt,) + tuple(top_shape[2:]) + (chans,) + spatial
    return (nfilt, chans) + spatial


def get_conv_gradinputs_shape_1axis(kernel_shape, top_shape, border_mode, subsample, dilation):
    """Image length along one axis from the kernel and output lengths.

    Only determined when ``subsample == 1`` (a strided convolution maps
    several image lengths to the same output); None otherwise.
    """
    if any(v is None for v in (kernel_shape, top_shape, border_mode, subsample, dilation)):
        return None
    if subsample != 1:
        return None
    dil_kernel = (kernel_shape - 1) * dilation + 1
    lo, hi = _pads_1axis(border_mode, dil_kernel)
    return top_shape + dil_kernel - 1 - lo - hi


def get_conv_gradinputs_shape(kernel_shape, top_shape, border_mode, subsample,
                              filter_dilation=None, num_groups=1):
    """Image shape of a convolution from its kernel and output shapes (see the 1-axis form)."""
    nd = len(top_shape) - 2
    if filter_dilation is None:
        filter_dilation = (1,) * nd
    chans = kernel_shape[-nd - 1]
    if num_groups > 1 and chans is not None:
        chans = chans * num_groups
    kshp = tuple(kernel_shape[-nd:])
    spatial = tuple(get_conv_gradinputs_shape_1axis(
        kshp[i], top_shape[2 + i], _per_axis(border_mode, i), subsample[i], filter_dilation[i])
        for i in range(nd))
    return (top_shape[0], chans) + spatial


def check_conv_gradinputs_shape(image_shape, kernel_shape, output_shape, border_mode,
                                subsample, filter_dilation=None):
    """False if a convolution of these image and kernel shapes cannot give ``output_shape``.

    True when the shapes agree and also when they cannot be checked
    (None or symbolic entries).
    """
    image_shape, kernel_shape = tuple(image_shape), tuple(kernel_shape)
    output_shape = tuple(output_shape)
    if not len(image_shape) == len(output_shape) == len(subsample) + 2:
        return False
    if len(kernel_shape) not in (len(image_shape), 2 * len(image_shape) - 2):
        return False
    if filter_dilation is not None and len(filter_dilation) != len(subsample):
        return False
    computed = get_conv_output_shape(image_shape, kernel_shape, border_mode, subsample,
                                     filter_dilation)

    def agree(given, want):
        if given is None or want is None:
            return True
        try:
            return int(get_scalar_constant_value(given)) == int(get_scalar_constant_value(want))
        except NotScalarConstantError:
            return True

    return all(agree(g, c) for g, c in zip(output_shape, computed))


def border_mode_to_pad(mode, convdim, kshp):
    """``((before, after), ...)`` paddings, one pair per spatial axis, for a border mode.

    ``kshp`` is the (dilated) kernel's spatial shape, needed by 'full' and 'half'.
    """
    if isinstance(mode, tuple):
        if len(mode) != convdim:
            raise ValueError("invalid border_mode %s: it must be a tuple of length %d"
                             % (mode, convdim))
        return tuple(_checked_axis_pad(m, mode) for m in mode)
    if mode in ("valid", "full", "half"):
        return ck.pad_widths(mode, kshp, (1,) * convdim)
    raise ValueError('invalid border_mode %r: expected "valid", "full", "half", an integer '
                     "or a tuple of length %d" % (mode, convdim))


def _checked_axis_pad(m, mode):
    if isinstance(m, (numbers.Integral, np.integer)) and m >= 0:
        return (int(m), int(m))
    if (isinstance(m, (tuple, list)) and len(m) == 2
            and all(isinstance(b, (numbers.Integral, np.integer)) and b >= 0 for b in m)):
        return (int(m[0]), int(m[1]))
    raise ValueError("invalid border_mode %s: each entry must be a non-negative integer or "
                     "a pair of them" % (mode,))


# ---------------------------------------------------------------------------
# The ops
# ---------------------------------------------------------------------------
def _static_tuple(shp, n, what):
    """``shp`` as a hashable tuple of ints/None of length ``n`` (None if shp is None)."""
    if not shp:
        return (None,) * n
    shp = tuple(shp)
    if len(shp) != n:
        raise ValueError("%s must have %d entries, got %s" % (what, n, shp))
    out = []
    for v in shp:
        if v is None:
            out.append(None)
            continue
        try:
            out.append(int(get_scalar_constant_value(v, only_process_constants=True)))
        except (NotScalarConstantError, TypeError):
            raise ValueError("%s should be None or a tuple of constant int values, got %s"
                             % (what, shp)) from None
    return tuple(out)


def _normalize_border_mode(border_mode, nd):
    if isinstance(border_mode, (numbers.Integral, np.integer)):
        if border_mode < 0:
            raise ValueError("invalid border_mode %s: it must be a non-negative integer"
                             % border_mode)
        border_mode = (int(border_mode),) * nd
    elif isinstance(border_mode, (tuple, list)):
        if len(border_mode) != nd:
            raise ValueError("invalid border_mode %s: it must be a tuple of length %d"
                             % (border_mode, nd))
        pads = [_checked_axis_pad(m, border_mode) for m in border_mode]
        border_mode = tuple(lo if lo == hi else (lo, hi) for lo, hi in pads)
    elif border_mode not in ("valid", "full", "half"):
        raise ValueError('invalid border_mode %r: expected "valid", "full", "half", an integer '
                         "or a tuple of length %d" % (border_mode, nd))
    if isinstance(border_mode, tuple) and all(m == 0 for m in border_mode):
        return "valid"
    return border_mode


def _int_tuple(v, nd, what):
    v = tuple(v)
    if len(v) != nd:
        raise ValueError("%s must have %d elements, got %s" % (what, nd, v))
    if not all(isinstance(s, (numbers.Integral, np.integer)) and s >= 1 for s in v):
        raise ValueError("%s must contain positive integers, got %s" % (what, v))
    return tuple(int(s) for s in v)


def _spatial_flip(a, nd):
    return a[(Ellipsis,) + (slice(None, None, -1),) * nd]


class BaseAbstractConv(Op):
    """Parameters shared by the abstract convolution ops.

    Parameters
    ----------
    convdim : int
        Number of convolved (spatial) dimensions: 2 or 3.
    imshp, kshp : None or tuple of int/None
        Image shape ``(batch, channels, *spatial)`` and kernel shape as known
        when the graph is built (None entries are unknown); checked when the
        op runs.
    border_mode : 'valid', 'full', 'half', int or tuple
        'valid' (no padding), 'full' (pad by the dilated kernel size - 1),
        'half' (pad by half the dilated kernel size), an int (the same zero
        padding on every side), or one entry per axis: an int or an
        asymmetric ``(before, after)`` pair.
    subsample : tuple of int
        Output strides.
    filter_flip : bool
        True: flip the kernel (convolution); False: cross-correlation.
    filter_dilation : tuple of int
        Spacing between kernel taps.
    num_groups : int
        Channels and filters are split in this many groups convolved separately.
    unshared : bool
        Locally connected 2-d convolution: one kernel per output position.
    """

    __props__ = ("convdim", "border_mode", "subsample", "filter_flip", "imshp", "kshp",
                 "filter_dilation", "num_groups", "unshared")

    def __init__(self, convdim, imshp=None, kshp=None, border_mode="valid", subsample=None,
                 filter_flip=True, filter_dilation=None, num_groups=1, unshared=False):
        if convdim not in (2, 3):
            raise ValueError("convolution dimension %s is not supported (2 or 3)" % (convdim,))
        self.convdim = convdim
        if unshared and convdim != 2:
            raise ValueError("unshared convolution is only defined in 2d, not %dd" % convdim)
        self.unshared = bool(unshared)
        self.border_mode = _normalize_border_mode(border_mode, convdim)
        self.subsample = _int_tuple((1,) * convdim if subsample is None else subsample,
                                    convdim, "subsample")
        self.filter_dilation = _int_tuple((1,) * convdim if filter_dilation is None
                                          else filter_dilation, convdim, "filter_dilation")
        if not isinstance(num_groups, (numbers.Integral, np.integer)) or num_groups < 1:
            raise ValueError("num_groups must be an integer greater than zero, got %r"
                             % (num_groups,))
        self.num_groups = int(num_groups)
        self.filter_flip = bool(filter_flip)
        self.imshp = _static_tuple(imshp, 2 + convdim, "imshp")
        self.kshp = _static_tuple(kshp, 2 + convdim * (2 if self.unshared else 1), "kshp")

    @property
    def _kern_ndim(self):
        return 2 + self.convdim * (2 if self.unshared else 1)

    def do_constant_folding(self, node):
        # A convolution of constants is usually large: keep it in the graph.
        return False

    def flops(self, inputs, outputs):
        """Multiply-adds x 2 of the forward 2-d convolution for these shapes."""
        if self.convdim != 2:
            raise ValueError("flops is only computed for 2d convolutions")
        img, kern = inputs
        (out,) = outputs
        return 2 * kern[-2] * kern[-1] * out[2] * out[3] * img[1] * kern[0] * img[0] \
            // self.num_groups

    def _check_static(self, what, static, actual):
        for i, (s, a) in enumerate(zip(static, actual)):
            if s is not None and s != a:
                raise ValueError("%s: %s has shape %s but the op was built for %s (dimension "
                                 "%d differs)" % (self, what, tuple(actual), static, i))

    def _pads(self, kshape):
        if any(k < 1 for k in kshape):
            raise ValueError("%s: the kernel's spatial shape %s has an empty dimension"
                             % (type(self).__name__, tuple(kshape)))
        return ck.pad_widths(self.border_mode, kshape, self.filter_dilation)

    def _check_groups(self, chans, kchans, nfilt):
        g = self.num_groups
        if chans % g or nfilt % g:
            raise ValueError("%s: the %d input channels and %d filters must both be divisible "
                             "by num_groups=%d" % (type(self).__name__, chans, nfilt, g))
        if chans // g != kchans:
            raise ValueError("%s: the kernel has %d input channels but the image has %d "
                             "channels in %d group(s) (%d per group)"
                             % (type(self).__name__, kchans, chans, g, chans // g))

    def _corr(self):
        return ck.unshared_corr if self.unshared else ck.corr

    def _params(self):
        """Constructor keywords to make a sibling op (forward or gradient) of this family."""
        kw = dict(imshp=self.imshp, kshp=self.kshp, border_mode=self.border_mode,
                  subsample=self.subsample, filter_flip=self.filter_flip,
                  filter_dilation=self.filter_dilation, num_groups=self.num_groups)
        if self.convdim == 2:
            kw["unshared"] = self.unshared
        return kw


def _conv_input(x, what, ndims, op):
    x = as_tensor_variable(x)
    if x.type.ndim not in ndims:
        raise TypeError("%s: %s must be a %s tensor, got %s (%d-d %s)"
                        % (type(op).__name__, what, " or ".join("%d-d" % n for n in ndims),
                           x, x.type.ndim, x.type.dtype))
    if x.type.dtype == "bool":
        raise TypeError("%s: %s must be numeric, got a bool tensor" % (type(op).__name__, what))
    return x


def _common(*xs):
    dtype = ts.upcast(*[x.type.dtype for x in xs])
    return [x if x.type.dtype == dtype else cast(x, dtype) for x in xs], dtype


def _shape_vector(shape, nd, op):
    shape = as_tensor_variable(shape)
    if shape.type.ndim != 1 or shape.type.dtype not in ts.integer_dtypes:
        raise TypeError("%s: shape must be a vector of %d integers, got %s of type %s"
                        % (type(op).__name__, nd, shape, shape.type))
    if isinstance(shape, Constant) and shape.data.shape != (nd,):
        raise ValueError("%s: shape must have %d entries, got %s"
                         % (type(op).__name__, nd, shape.data))
    return shape


def _shape_entries(var, n):
    if isinstance(var, Constant):
        return [int(v) for v in var.data]
    return [var[i] for i in range(n)]


class AbstractConv(BaseAbstractConv):
    """Forward convolution of ``img`` by ``kern`` (see :class:`BaseAbstractConv`)."""

    def make_node(self, img, kern):
        nd = self.convdim
        img = _conv_input(img, "img", (2 + nd,), self)
        kern = _conv_input(kern, "kern", (self._kern_ndim,), self)
        (img, kern), dtype = _common(img, kern)
        bcast = (img.type.broadcastable[0], kern.type.broadcastable[0]) + (False,) * nd
        return Apply(self, [img, kern], [TensorType(dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        img, kern = inputs
        nd = self.convdim
        self._check_static("the image", self.imshp, img.shape)
        self._check_static("the kernel", self.kshp, kern.shape)
        kshape = kern.shape[-nd:]
        self._check_groups(img.shape[1], kern.shape[-nd - 1], kern.shape[0])
        pads = self._pads(kshape)
        out_sp = ck.conv_out_shape(img.shape[2:], kshape, pads, self.subsample,
                                   self.filter_dilation)
        for i, o in enumerate(out_sp):
            if o <= 0:
                raise ValueError("%s: the convolution would produce an invalid shape "
                                 "(dimension %d of the output: %d <= 0) for an image of shape "
                                 "%s and a kernel of shape %s"
                                 % (type(self).__name__, i + 2, o, img.shape, kern.shape))
        if self.filter_flip:
            kern = _spatial_flip(kern, nd)
        out = self._corr()(img, kern, pads, self.subsample, self.filter_dilation,
                           self.num_groups)
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        imshp, kshp = shapes
        imshp = [d if s is None else s for d, s in zip(imshp, self.imshp)]
        kshp = [d if s is None else s for d, s in zip(kshp, self.kshp)]
        return [get_conv_output_shape(imshp, kshp, self.border_mode, self.subsample,
                                      self.filter_dilation)]


class AbstractConv2d(AbstractConv):
    """Abstract 2-d convolution; built by :func:`conv2d`."""

    def __init__(self, imshp=None, kshp=None, border_mode="valid", subsample=(1, 1),
                 filter_flip=True, filter_dilation=(1, 1), num_groups=1, unshared=False):
        super().__init__(2, imshp=imshp, kshp=kshp, border_mode=border_mode,
                         subsample=subsample, filter_flip=filter_flip,
                         filter_dilation=filter_dilation, num_groups=num_groups,
                         unshared=unshared)


class AbstractConv3d(AbstractConv):
    """Abstract 3-d convolution; built by :func:`conv3d`."""

    def __init__(self, imshp=None, kshp=None, border_mode="valid", subsample=(1, 1, 1),
                 filter_flip=True, filter_dilation=(1, 1, 1), num_groups=1):
        super().__init__(3, imshp=imshp, kshp=kshp, border_mode=border_mode,
                         subsample=subsample, filter_flip=filter_flip,
                         filter_dilation=filter_dilation, num_groups=num_groups)


class AbstractConv_gradWeights(BaseAbstractConv):
    """Gradient of a convolution with respect to its kernel.

    Inputs: the image, the output gradient ``topgrad`` and ``shape``, the
    kernel's spatial shape (needed: with strides several kernel sizes give
    the same output size).
    """

    def make_node(self, img, topgrad, shape, add_assert_shape=True):
        nd = self.convdim
        img = _conv_input(img, "img", (2 + nd,), self)
        topgrad = _conv_input(topgrad, "topgrad", (2 + nd,), self)
        shape = _shape_vector(shape, nd, self)
        (img, topgrad), dtype = _common(img, topgrad)
        ib, tb = img.type.broadcastable, topgrad.type.broadcastable
        if self.unshared:
            bcast = (tb[1], False, False, ib[1], False, False)
        else:
            bcast = (tb[1], ib[1]) + (False,) * nd
        return Apply(self, [img, topgrad, shape], [TensorType(dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        img, top, shape = inputs
        nd = self.convdim
        kshape = tuple(int(s) for s in shape)
        self._check_static("the image", self.imshp, img.shape)
        if img.shape[0] != top.shape[0] or top.shape[1] % self.num_groups \
                or img.shape[1] % self.num_groups:
            raise ValueError("%s: image of shape %s and topgrad of shape %s do not match "
                             "(batch sizes, or channels not divisible by num_groups=%d)"
                             % (type(self).__name__, img.shape, top.shape, self.num_groups))
        pads = self._pads(kshape)
        expected = ck.conv_out_shape(img.shape[2:], kshape, pads, self.subsample,
                                     self.filter_dilation)
        if tuple(expected) != tuple(top.shape[2:]):
            raise ValueError("%s: a kernel of spatial shape %s on an image of shape %s gives "
                             "an output of spatial shape %s, but topgrad has shape %s"
                             % (type(self).__name__, kshape, img.shape, expected, top.shape))
        fn = ck.unshared_corr_grad_weights if self.unshared else ck.corr_grad_weights
        kern = fn(img, top, kshape, pads, self.subsample, self.filter_dilation,
                  self.num_groups)
        if self.filter_flip:
            kern = _spatial_flip(kern, nd)
        self._check_static("the kernel gradient", self.kshp, kern.shape)
        output_storage[0][0] = np.ascontiguousarray(kern, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        imshp, topshp, _ = shapes
        nd = self.convdim
        chans = imshp[1] // self.num_groups if self.num_groups > 1 else imshp[1]
        spatial = _shape_entries(node.inputs[2], nd)
        if self.unshared:
            fallback = [topshp[1]] + list(topshp[2:]) + [chans] + spatial
        else:
            fallback = [topshp[1], chans] + spatial
        return [[d if s is None else s for d, s in zip(fallback, self.kshp)]]


class AbstractConv2d_gradWeights(AbstractConv_gradWeights):
    """Kernel gradient of :class:`AbstractConv2d`."""

    def __init__(self, imshp=None, kshp=None, border_mode="valid", subsample=(1, 1),
                 filter_flip=True, filter_dilation=(1, 1), num_groups=1, unshared=False):
        super().__init__(2, imshp=imshp, kshp=kshp, border_mode=border_mode,
                         subsample=subsample, filter_flip=filter_flip,
                         filter_dilation=filter_dilation, num_groups=num_groups,
                         unshared=unshared)


class AbstractConv3d_gradWeights(AbstractConv_gradWeights):
    """Kernel gradient of :class:`AbstractConv3d`."""

    def __init__(self, imshp=None, kshp=None, border_mode="valid", subsample=(1, 1, 1),
                 filter_flip=True, filter_dilation=(1, 1, 1), num_groups=1):
        super().__init__(3, imshp=imshp, kshp=kshp, border_mode=border_mode,
                         subsample=subsample, filter_flip=filter_flip,
                         filter_dilation=filter_dilation, num_groups=num_groups)


class AbstractConv_gradInputs(BaseAbstractConv):
    """Gradient of a convolution with respect to its image (the transposed convolution).

    Inputs: the kernel, the output gradient ``topgrad`` and ``shape``, the
    image's spatial shape (needed: with strides several image sizes give the
    same output size).
    """

    def make_node(self, kern, topgrad, shape, add_assert_shape=True):
        nd = self.convdim
        kern = _conv_input(kern, "kern", (self._kern_ndim,), self)
        topgrad = _conv_input(topgrad, "topgrad", (2 + nd,), self)
        shape = _shape_vector(shape, nd, self)
        (kern, topgrad), dtype = _common(kern, topgrad)
        chan_b = kern.type.broadcastable[-nd - 1] and self.num_groups == 1
        bcast = (topgrad.type.broadcastable[0], chan_b) + (False,) * nd
        return Apply(self, [kern, topgrad, shape], [TensorType(dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        kern, top, shape = inputs
        nd = self.convdim
        spatial = tuple(int(s) for s in shape)
        self._check_static("the kernel", self.kshp, kern.shape)
        kshape = kern.shape[-nd:]
        if top.shape[1] != kern.shape[0] or kern.shape[0] % self.num_groups:
            raise ValueError("%s: topgrad of shape %s has %d channels but the kernel of shape "
                             "%s has %d filters (num_groups=%d)"
                             % (type(self).__name__, top.shape, top.shape[1], kern.shape,
                                kern.shape[0], self.num_groups))
        pads = self._pads(kshape)
        expected = ck.conv_out_shape(spatial, kshape, pads, self.subsample, self.filter_dilation)
        if tuple(expected) != tuple(top.shape[2:]):
            raise ValueError("%s: invalid input shape: an image of spatial shape %s would give "
                             "an output of spatial shape %s, but topgrad has shape %s"
                             % (type(self).__name__, spatial, expected, top.shape))
        if self.filter_flip:
            kern = _spatial_flip(kern, nd)
        fn = ck.unshared_corr_grad_inputs if self.unshared else ck.corr_grad_inputs
        img = fn(kern, top, spatial, pads, self.subsample, self.filter_dilation, self.num_groups)
        self._check_static("the image gradient", self.imshp, img.shape)
        output_storage[0][0] = np.ascontiguousarray(img, dtype=node.outputs[0].type.dtype)

    def infer_shape(self, fgraph, node, shapes):
        kshp, topshp, _ = shapes
        nd = self.convdim
        chans = kshp[-nd - 1]
        if self.num_groups > 1:
            chans = chans * self.num_groups
        fallback = [topshp[0], chans] + _shape_entries(node.inputs[2], nd)
        return [[d if s is None else s for d, s in zip(fallback, self.imshp)]]


class AbstractConv2d_gradInputs(AbstractConv_gradInputs):
    """Image gradient of :class:`AbstractConv2d` (2-d transposed convolution)."""

    def __init__(self, imshp=None, kshp=None, border_mode="valid", subsample=(1, 1),
                 filter_flip=True, filter_dilation=(1, 1), num_groups=1, unshared=False):
        super().__init__(2, imshp=imshp, kshp=kshp, border_mode=border_mode,
                         subsample=subsample, filter_flip=filter_flip,
                         filter_dilation=filter_dilation, num_groups=num_groups,
                         unshared=unshared)


class AbstractConv3d_gradInputs(AbstractConv_gradInputs):
    """Image gradient of :class:`AbstractConv3d` (3-d transposed convolution)."""

    def __init__(self, imshp=None, kshp=None, border_mode="valid", subsample=(1, 1, 1),
                 filter_flip=True, filter_dilation=(1, 1, 1), num_groups=1):
        super().__init__(3, imshp=imshp, kshp=kshp, border_mode=border_mode,
                         subsample=subsample, filter_flip=filter_flip,
                         filter_dilation=filter_dilation, num_groups=num_groups)


_FAMILIES = {2: (AbstractConv2d, AbstractConv2d_gradWeights, AbstractConv2d_gradInputs),
             3: (AbstractConv3d, AbstractConv3d_gradWeights, AbstractConv3d_gradInputs)}


def _family(op):
    """``(forward, grad_weights, grad_inputs)`` ops sharing the parameters of ``op``."""
    fwd, gw, gi = _FAMILIES[op.convdim]
    kw = op._params()
    return fwd(**kw), gw(**kw), gi(**kw)


def _like(g, x):
    """``g`` with the dtype and broadcast pattern of the input ``x`` it is a gradient of."""
    if g.type.dtype != x.type.dtype:
        g = cast(g, x.type.dtype)
    if g.type.broadcastable != x.type.broadcastable:
        g = patternbroadcast(g, x.type.broadcastable)
    return g


# ---------------------------------------------------------------------------
# Gradient and R-op rules
# ---------------------------------------------------------------------------
@register_grad(AbstractConv)
def _conv_grad(op, inputs, outputs, output_grads):
    bottom, weights = inputs
    (top,) = output_grads
    if is_disconnected(top):
        return [disconnected_type(), disconnected_type()]
    nd = op.convdim
    _, gw, gi = _family(op)
    d_bottom = gi(weights, top, bottom.shape[-nd:])
    d_weights = gw(bottom, top, weights.shape[-nd:])
    return [_like(d_bottom, bottom), _like(d_weights, weights)]


@register_rop(AbstractConv)
def _conv_rop(op, inputs, eval_points):
    # The convolution is bilinear in (image, kernel).
    img, kern = inputs
    e_img, e_kern = eval_points
    terms = []
    if e_img is not None:
        terms.append(op(e_img, kern))
    if e_kern is not None:
        terms.append(op(img, e_kern))
    return [None if not terms else terms[0] if len(terms) == 1 else terms[0] + terms[1]]


@register_connection_pattern(AbstractConv_gradWeights, AbstractConv_gradInputs)
def _conv_grad_connections(op, node):
    return [[True], [True], [False]]


@register_grad(AbstractConv_gradWeights)
def _conv_grad_weights_grad(op, inputs, outputs, output_grads):
    bottom, top, _ = inputs
    (weights,) = output_grads
    nd = op.convdim
    fwd, _, gi = _family(op)
    d_bottom = gi(weights, top, bottom.shape[-nd:])
    d_top = fwd(bottom, weights)
    return [_like(d_bottom, bottom), _like(d_top, top), disconnected_type()]


@register_grad(AbstractConv_gradInputs)
def _conv_grad_inputs_grad(op, inputs, outputs, output_grads):
    weights, top, _ = inputs
    (bottom,) = output_grads
    nd = op.convdim
    fwd, gw, _ = _family(op)
    d_weights = gw(bottom, top, weights.shape[-nd:])
    d_top = fwd(bottom, weights)
    return [_like(d_weights, weights), _like(d_top, top), disconnected_type()]


def _bilinear_rop(op, inputs, eval_points):
    a, b, shape = inputs
    e_a, e_b = eval_points[:2]
    terms = []
    if e_a is not None:
        terms.append(op(e_a, b, shape))
    if e_b is not None:
        terms.append(op(a, e_b, shape))
    return [None if not terms else terms[0] if len(terms) == 1 else terms[0] + terms[1]]


register_rop(AbstractConv_gradWeights, AbstractConv_gradInputs)(_bilinear_rop)


# ---------------------------------------------------------------------------
# User functions
# ---------------------------------------------------------------------------
def conv2d(input, filters, input_shape=None, filter_shape=None, border_mode="valid",
           subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1), num_groups=1,
           unshared=False):
    """Convolve a mini-batch of multi-channel 2-d images with a set of filters.

    Parameters
    ----------
    input : 4-d tensor ``(batch, in_channels, rows, cols)``
    filters : 4-d tensor ``(out_channels, in_channels // num_groups, k_rows, k_cols)``,
        or 6-d ``(out_channels, out_rows, out_cols, in_channels // num_groups,
        k_rows, k_cols)`` when ``unshared``.
    input_shape, filter_shape : None or tuple of int/None
        Shapes known when building the graph (checked at run time).
    border_mode : 'valid', 'full', 'half', int, or a pair of ints / ``(before, after)`` pairs
    subsample : pair of int
        Strides.
    filter_flip : bool
        Flip the filters (convolution, default) or not (cross-correlation).
    filter_dilation : pair of int
    num_groups : int
    unshared : bool

    Returns
    -------
    4-d tensor ``(batch, out_channels, out_rows, out_cols)``

    Examples
    --------
    >>> import numpy as np, theano, theano.tensor as T
    >>> x, w = T.tensor4('x'), T.tensor4('w')
    >>> f = theano.function([x, w], conv2d(x, w, border_mode='half'))
    >>> f(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)))[0, 0]
    array([[4., 6., 4.],
           [6., 9., 6.],
           [4., 6., 4.]])
    """
    op = AbstractConv2d(imshp=input_shape, kshp=filter_shape, border_mode=border_mode,
                        subsample=subsample, filter_flip=filter_flip,
                        filter_dilation=filter_dilation, num_groups=num_groups,
                        unshared=unshared)
    return op(as_tensor_variable(input), as_tensor_variable(filters))


def conv3d(input, filters, input_shape=None, filter_shape=None, border_mode="valid",
           subsample=(1, 1, 1), filter_flip=True, filter_dilation=(1, 1, 1), num_groups=1):
    """Convolve a mini-batch of multi-channel 3-d volumes with a set of 3-d filters.

    ``input`` is ``(batch, in_channels, depth, rows, cols)``, ``filters``
    ``(out_channels, in_channels // num_groups, k_depth, k_rows, k_cols)``;
    the other parameters are those of :func:`conv2d`, with three entries
    where it has two.
    """
    op = AbstractConv3d(imshp=input_shape, kshp=filter_shape, border_mode=border_mode,
                        subsample=subsample, filter_flip=filter_flip,
                        filter_dilation=filter_dilation, num_groups=num_groups)
    return op(as_tensor_variable(input), as_tensor_variable(filters))


def _separable(nd, input, depthwise_filters, pointwise_filters, num_channels, input_shape,
               depthwise_filter_shape, pointwise_filter_shape, border_mode, subsample,
               filter_flip, filter_dilation):
    fwd = _FAMILIES[nd][0]
    depthwise = fwd(imshp=input_shape, kshp=depthwise_filter_shape, border_mode=border_mode,
                    subsample=subsample, filter_flip=filter_flip,
                    filter_dilation=filter_dilation, num_groups=num_channels)
    mid_shape = None
    if input_shape is not None and depthwise_filter_shape is not None:
        mid_shape = get_conv_output_shape(depthwise.imshp, depthwise.kshp, depthwise.border_mode,
                                          depthwise.subsample, depthwise.filter_dilation)
    mid = depthwise(as_tensor_variable(input), as_tensor_variable(depthwise_filters))
    pointwise = fwd(imshp=mid_shape, kshp=pointwise_filter_shape, filter_flip=filter_flip)
    return pointwise(mid, as_tensor_variable(pointwise_filters))


def separable_conv2d(input, depthwise_filters, pointwise_filters, num_channels,
                     input_shape=None, depthwise_filter_shape=None,
                     pointwise_filter_shape=None, border_mode="valid", subsample=(1, 1),
                     filter_flip=True, filter_dilation=(1, 1)):
    """Depthwise convolution (each channel on its own) then a 1x1 pointwise convolution.

    ``depthwise_filters`` is ``(depth_multiplier * num_channels, 1, k_rows,
    k_cols)``; ``pointwise_filters`` is ``(out_channels, depth_multiplier *
    num_channels, 1, 1)``.  ``border_mode``, ``subsample`` and
    ``filter_dilation`` apply to the depthwise step only.
    """
    return _separable(2, input, depthwise_filters, pointwise_filters, num_channels, input_shape,
                      depthwise_filter_shape, pointwise_filter_shape, border_mode, subsample,
                      filter_flip, filter_dilation)


def separable_conv3d(input, depthwise_filters, pointwise_filters, num_channels,
                     input_shape=None, depthwise_filter_shape=None,
                     pointwise_filter_shape=None, border_mode="valid", subsample=(1, 1, 1),
                     filter_flip=True, filter_dilation=(1, 1, 1)):
    """The 3-d form of :func:`separable_conv2d` (filters ``(..., 1, 1, 1)`` pointwise)."""
    return _separable(3, input, depthwise_filters, pointwise_filters, num_channels, input_shape,
                      depthwise_filter_shape, pointwise_filter_shape, border_mode, subsample,
                      filter_flip, filter_dilation)


def _numeric_shape(shape, nd, what, first_static):
    """``shape`` (length 2 + nd) with symbolic spatial entries replaced by None."""
    shape = list(shape)
    if len(shape) != 2 + nd:
        raise ValueError("%s must have %d entries, got %s" % (what, 2 + nd, shape))
    for i, v in enumerate(shape):
        symbolic = isinstance(v, Variable) and not isinstance(v, Constant)
        if i < first_static and symbolic:
            raise ValueError("%s[%d] must be a constant or None, got %s" % (what, i, v))
        if i >= first_static and v is None:
            raise ValueError("%s[%d] must be an int or a symbolic scalar, not None"
                             % (what, i))
        if symbolic:
            shape[i] = None
    return shape


def _grad_wrt_inputs(nd, output_grad, filters, input_shape, filter_shape, border_mode,
                     subsample, filter_flip, filter_dilation, num_groups, unshared):
    static = _numeric_shape(input_shape, nd, "input_shape", 2)
    kw = dict(imshp=static, kshp=filter_shape, border_mode=border_mode, subsample=subsample,
              filter_flip=filter_flip, filter_dilation=filter_dilation, num_groups=num_groups)
    if nd == 2:
        kw["unshared"] = unshared
    op = _FAMILIES[nd][2](**kw)
    return op(as_tensor_variable(filters), as_tensor_variable(output_grad),
              list(input_shape)[-nd:])


def _grad_wrt_weights(nd, input, output_grad, filter_shape, input_shape, border_mode,
                      subsample, filter_flip, filter_dilation, num_groups, unshared):
    static = list(filter_shape)
    nk = len(static)
    for i, v in enumerate(static):
        if isinstance(v, Variable) and not isinstance(v, Constant):
            if i < nk - nd:
                raise ValueError("filter_shape[%d] must be a constant or None, got %s" % (i, v))
            static[i] = None
        elif v is None and i >= nk - nd:
            raise ValueError("filter_shape[%d] must be an int or a symbolic scalar, not None"
                             % i)
    kw = dict(imshp=input_shape, kshp=static, border_mode=border_mode, subsample=subsample,
              filter_flip=filter_flip, filter_dilation=filter_dilation, num_groups=num_groups)
    if nd == 2:
        kw["unshared"] = unshared
    op = _FAMILIES[nd][1](**kw)
    return op(as_tensor_variable(input), as_tensor_variable(output_grad),
              list(filter_shape)[-nd:])


def conv2d_grad_wrt_inputs(output_grad, filters, input_shape, filter_shape=None,
                           border_mode="valid", subsample=(1, 1), filter_flip=True,
                           filter_dilation=(1, 1), num_groups=1, unshared=False):
    """Gradient of a 2-d convolution with respect to its input (upsamples ``output_grad``).

    ``input_shape`` is required (strides make it ambiguous): its two first
    entries are ints/None, its two last ints or symbolic scalars.  The other
    parameters are those of the forward :func:`conv2d`.
    """
    return _grad_wrt_inputs(2, output_grad, filters, input_shape, filter_shape, border_mode,
                            subsample, filter_flip, filter_dilation, num_groups, unshared)


def conv3d_grad_wrt_inputs(output_grad, filters, input_shape, filter_shape=None,
                           border_mode="valid", subsample=(1, 1, 1), filter_flip=True,
                           filter_dilation=(1, 1, 1), num_groups=1):
    """Gradient of a 3-d convolution with respect to its input (see the 2-d form)."""
    return _grad_wrt_inputs(3, output_grad, filters, input_shape, filter_shape, border_mode,
                            subsample, filter_flip, filter_dilation, num_groups, False)


def conv2d_grad_wrt_weights(input, output_grad, filter_shape, input_shape=None,
                            border_mode="valid", subsample=(1, 1), filter_flip=True,
                            filter_dilation=(1, 1), num_groups=1, unshared=False):
    """Gradient of a 2-d convolution with respect to its filters.

    ``filter_shape`` is required (4 entries, 6 when ``unshared``): its
    leading entries ints/None, its two last ints or symbolic scalars.
    """
    return _grad_wrt_weights(2, input, output_grad, filter_shape, input_shape, border_mode,
                             subsample, filter_flip, filter_dilation, num_groups, unshared)


def conv3d_grad_wrt_weights(input, output_grad, filter_shape, input_shape=None,
                            border_mode="valid", subsample=(1, 1, 1), filter_flip=True,
                            filter_dilation=(1, 1, 1), num_groups=1):
    """Gradient of a 3-d convolution with respect to its filters (see the 2-d form)."""
    return _grad_wrt_weights(3, input, output_grad, filter_shape, input_shape, border_mode,
                             subsample, filter_flip, filter_dilation, num_groups, False)


def causal_conv1d(input, filters, filter_shape, input_shape=None, subsample=1,
                  filter_flip=True, filter_dilation=1, num_groups=1, unshared=False):
    """Causal (optionally dilated) 1-d convolution: output ``t`` sees inputs up to ``t``.

    ``input`` is ``(batch, channels, length)``, ``filters`` ``(out_channels,
    channels // num_groups, width)``; ``filter_shape`` (3 entries) is
    required since the left padding is ``filter_dilation * (width - 1)``.
    Built on the 2-d ops, as in Theano 1.0.
    """
    input = as_tensor_variable(input)
    filters = as_tensor_variable(filters)
    if input.type.ndim != 3:
        raise ValueError("causal_conv1d: input must be a 3-d tensor (batch, channels, length), "
                         "got %d-d" % input.type.ndim)
    if filters.type.ndim != 3:
        raise ValueError("causal_conv1d: filters must be a 3-d tensor (out_channels, channels, "
                         "width), got %d-d" % filters.type.ndim)
    filter_shape = tuple(filter_shape)
    if len(filter_shape) != 3:
        raise ValueError("causal_conv1d: filter_shape must have 3 entries, got %s"
                         % (filter_shape,))
    if input_shape is not None:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError("causal_conv1d: input_shape must have 3 entries, got %s"
                             % (input_shape,))
        input_shape = input_shape + (1,)
    width = int(get_scalar_constant_value(filter_shape[2]))
    op = AbstractConv2d(imshp=input_shape, kshp=filter_shape + (1,),
                        border_mode=((filter_dilation * (width - 1), 0), 0),
                        subsample=(subsample, 1), filter_flip=filter_flip,
                        filter_dilation=(filter_dilation, 1), num_groups=num_groups,
                        unshared=unshared)
    out = op(input.dimshuffle(0, 1, 2, "x"), filters.dimshuffle(0, 1, 2, "x"))
    return out[:, :, :, 0]


# ---------------------------------------------------------------------------
# Bilinear upsampling
# ---------------------------------------------------------------------------
def bilinear_kernel_1D(ratio, normalize=True):
    """The 1-d triangle kernel ``[1, 2, ..., ratio, ..., 2, 1] / ratio`` (floatX).

    Used as a transposed-convolution kernel, it upsamples by ``ratio`` with
    linear interpolation.
    """
    half = arange(1, ratio + 1, dtype=config.floatX)
    kern = concatenate([half, half[-2::-1]])
    if normalize:
        kern = kern / cast(as_tensor_variable(ratio), config.floatX)
    return kern


def bilinear_kernel_2D(ratio, normalize=True):
    """The 2-d bilinear kernel: outer product of two 1-d kernels.

    ``ratio`` is one int, or ``(row_ratio, col_ratio)``.
    """
    r_v, r_h = ratio if isinstance(ratio, tuple) else (ratio, ratio)
    hkern = bilinear_kernel_1D(r_h, normalize).dimshuffle("x", 0)
    vkern = bilinear_kernel_1D(r_v, normalize).dimshuffle(0, "x")
    return hkern * vkern


def _replicate_borders(x):
    """``x`` (n, 1, rows, cols) with its first and last rows and columns repeated once."""
    x = concatenate([x[:, :, :1, :], x, x[:, :, -1:, :]], axis=2)
    return concatenate([x[:, :, :, :1], x, x[:, :, :, -1:]], axis=3)


def frac_bilinear_upsampling(input, frac_ratio):
    """Bilinear upsampling by a fractional ratio.

    ``frac_ratio`` is ``(numerator, denominator)`` for both axes, or a pair of
    such pairs (rows, columns).  The output has ``ceil(n * num / den)``
    entries along an axis of length ``n``.
    """
    if not isinstance(frac_ratio, tuple):
        raise ValueError("frac_ratio must be a tuple, got %r" % (frac_ratio,))
    pairs = frac_ratio if isinstance(frac_ratio[0], tuple) else (frac_ratio, frac_ratio)
    if len(pairs) != 2 or any(len(p) != 2 for p in pairs):
        raise ValueError("frac_ratio must be (num, den) or ((num, den), (num, den)), got %r"
                         % (frac_ratio,))
    reduced = [(p // math.gcd(p, q), q // math.gcd(p, q)) for p, q in pairs]
    ratio = (reduced[0][0], reduced[1][0])
    subsample = (reduced[0][1], reduced[1][1])
    input = as_tensor_variable(input)
    rows, cols = input.shape[2], input.shape[3]
    concat = _replicate_borders(reshape(input, (-1, 1, rows, cols), ndim=4))
    # The image becomes the kernel of a dilated convolution over a zero-padded
    # bilinear kernel: output sample i takes the input rows around i * den / num.
    kern = bilinear_kernel_2D(ratio)
    kw = kern.shape[1]
    full = [(2 * rows - 1) * ratio[0] + 1, (2 * cols - 1) * ratio[1] + 1]
    before = [full[0] // 2, full[1] // 2]
    fx = config.floatX
    kern = concatenate([zeros((before[0], kw), dtype=fx), kern,
                              zeros((full[0] - before[0], kw), dtype=fx)], axis=0)
    height = kern.shape[0]
    kern = concatenate([zeros((height, before[1]), dtype=fx), kern,
                              zeros((height, full[1] - before[1]), dtype=fx)], axis=1)
    out = conv2d(kern.dimshuffle("x", "x", 0, 1), concat, filter_dilation=ratio,
                 subsample=subsample)
    return reshape(out, (input.shape[0], input.shape[1], out.shape[2], out.shape[3]), ndim=4)


def _const_int(v, what):
    try:
        return int(get_scalar_constant_value(v))
    except NotScalarConstantError:
        raise ValueError("bilinear_upsampling: %s must be a constant integer, got %s"
                         % (what, v)) from None


def bilinear_upsampling(input, ratio=None, frac_ratio=None, batch_size=None,
                        num_input_channels=None, use_1D_kernel=True):
    """Upsample the two last axes of a 4-d tensor by bilinear interpolation.

    Parameters
    ----------
    input : 4-d tensor ``(batch, channels, rows, cols)``
    ratio : int
        Integer upsampling factor of both axes; the output is ``(batch,
        channels, rows * ratio, cols * ratio)``.
    frac_ratio : tuple
        Fractional factor instead of ``ratio`` (see
        :func:`frac_bilinear_upsampling`); needs ``use_1D_kernel=False``.
    batch_size, num_input_channels : int or None
        Known sizes of the two first axes (optional).
    use_1D_kernel : bool
        Interpolate rows then columns with 1-d kernels (True) or both at once
        with a 2-d kernel; the result is the same.

    Notes
    -----
    Edges are handled by repeating the border rows and columns.  For an even
    ratio the interpolation grid is not centred: the last row and column are
    repeated once more than the first ones.
    """
    if ratio and frac_ratio:
        raise ValueError("can't use ratio and frac_ratio together")
    if not (ratio or frac_ratio):
        raise ValueError("No ratio (or frac_ratio) provided")
    if frac_ratio:
        if use_1D_kernel:
            raise ValueError("For fractional ratios the 1D kernel method is not implemented: "
                             "pass use_1D_kernel=False")
        return frac_bilinear_upsampling(input, frac_ratio=frac_ratio)
    ratio = _const_int(ratio, "ratio")
    input = as_tensor_variable(input)
    up_bs = batch_size * num_input_channels if (batch_size is not None
                                                and num_input_channels is not None) else None
    rows, cols = input.shape[2], input.shape[3]
    concat = _replicate_borders(reshape(input, (-1, 1, rows, cols), ndim=4))
    pad = 2 * ratio - (ratio - 1) // 2 - 1
    if use_1D_kernel:
        kern = bilinear_kernel_1D(ratio)
        up_rows = conv2d_grad_wrt_inputs(
            concat, kern.dimshuffle("x", "x", 0, "x"), (up_bs, 1, rows * ratio, cols + 2),
            filter_shape=(1, 1, None, 1), border_mode=(pad, 0), subsample=(ratio, 1))
        up = conv2d_grad_wrt_inputs(
            up_rows, kern.dimshuffle("x", "x", "x", 0), (up_bs, 1, rows * ratio, cols * ratio),
            filter_shape=(1, 1, 1, None), border_mode=(0, pad), subsample=(1, ratio))
    else:
        kern = bilinear_kernel_2D(ratio)
        up = conv2d_grad_wrt_inputs(
            concat, kern.dimshuffle("x", "x", 0, 1), (up_bs, 1, rows * ratio, cols * ratio),
            filter_shape=(1, 1, None, None), border_mode=(pad, pad), subsample=(ratio, ratio))
    return reshape(up, (input.shape[0], input.shape[1], rows * ratio, cols * ratio), ndim=4)
