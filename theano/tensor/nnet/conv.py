"""The old convolution interface: ``theano.tensor.nnet.conv.conv2d`` and ``ConvOp``.

Deprecated since Theano 0.8 in favour of :func:`theano.tensor.nnet.conv2d`,
and kept so that older code (the Deep Learning Tutorials' LeNet among it)
runs unchanged.  :func:`conv2d` builds the same abstract convolution node as
the new interface; :class:`ConvOp` keeps the old op's constructor and
computes with the same NumPy kernels.
"""
import warnings

import numpy as np

from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.graph.rules import register_grad, register_rop
from theano.tensor.basic import as_tensor_variable, get_scalar_constant_value
from theano.tensor.nnet.abstract_conv import (AbstractConv2d, AbstractConv2d_gradInputs,
                                              AbstractConv2d_gradWeights)

__all__ = ["conv2d", "ConvOp"]


def _static(shape, what):
    if shape is None:
        return None
    out = []
    for v in shape:
        if v is None:
            out.append(None)
            continue
        val = get_scalar_constant_value(as_tensor_variable(v))
        if val.dtype.kind not in "iu":
            raise TypeError("conv2d: %s must contain integers, got %s" % (what, shape))
        out.append(int(val))
    return tuple(out)


def conv2d(input, filters, image_shape=None, filter_shape=None, border_mode="valid",
           subsample=(1, 1), **kargs):
    """Convolve a stack of images with a set of filters (old interface, deprecated).

    Parameters
    ----------
    input : 4-d tensor ``(batch size, stack size, rows, cols)``
    filters : 4-d tensor ``(nb filters, stack size, rows, cols)``
    image_shape, filter_shape : None or tuple of 4 int/None
        The shapes, when known (checked when the graph runs).
    border_mode : {'valid', 'full'}
        'valid': output of shape image - filter + 1; 'full': image + filter - 1.
    subsample : tuple of 2 ints
        Factor by which to subsample the output.
    kargs
        Options of the old ``ConvOp`` C code (``unroll_batch``, ``unroll_kern``,
        ``unroll_patch``, ``openmp``...); they do not change the result and
        are ignored.

    Returns
    -------
    4-d tensor ``(batch size, nb filters, output rows, output cols)``
    """
    warnings.warn("theano.tensor.nnet.conv.conv2d is deprecated. Use theano.tensor.nnet.conv2d "
                  "instead.", stacklevel=2)
    if border_mode not in ("valid", "full"):
        raise ValueError("theano.tensor.nnet.conv.conv2d: border_mode must be 'valid' or "
                         "'full', got %r (the new theano.tensor.nnet.conv2d also accepts "
                         "'half' and paddings)" % (border_mode,))
    if kargs.get("imshp_logical") is not None or kargs.get("kshp_logical") is not None:
        raise ValueError("conv2d: imshp_logical and kshp_logical (implicit upsampling) are not "
                         "supported; use theano.tensor.nnet.conv2d_transpose")
    image_shape = _static(image_shape, "image_shape")
    filter_shape = _static(filter_shape, "filter_shape")
    if image_shape and filter_shape and None not in (image_shape[1], filter_shape[1]) \
            and image_shape[1] != filter_shape[1]:
        raise ValueError("conv2d: image_shape %s has %d channels but filter_shape %s has %d"
                         % (image_shape, image_shape[1], filter_shape, filter_shape[1]))
    op = AbstractConv2d(imshp=image_shape, kshp=filter_shape, border_mode=border_mode,
                        subsample=tuple(subsample))
    return op(as_tensor_variable(input), as_tensor_variable(filters))


class ConvOp(Op):
    """The old 2-d convolution op: ``output[b, k] = sum_i input[b, i] * filter[k, i]``.

    ``*`` is a true (flipped) convolution, 'valid' or 'full'.  The shape
    parameters are checked when the op runs; the unrolling, OpenMP and
    verbosity parameters tuned the old C code and change nothing here.
    """

    __props__ = ("imshp", "kshp", "nkern", "bsize", "dx", "dy", "out_mode", "unroll_batch",
                 "unroll_kern", "unroll_patch", "imshp_logical", "kshp_logical",
                 "kshp_logical_top_aligned", "verbose", "version", "openmp")

    @staticmethod
    def getOutputShape(inshp, kshp, stride=(1, 1), mode="valid"):
        """``(rows, cols)`` of the output for images ``inshp`` and kernels ``kshp``."""
        s = -1 if mode == "valid" else 1
        inshp, kshp = np.asarray(inshp), np.asarray(kshp)
        return np.int64(np.ceil((inshp + s * kshp - s) / np.asarray(stride, dtype="float64")))

    def __init__(self, imshp=None, kshp=None, nkern=None, bsize=None, dx=1, dy=1,
                 output_mode="valid", unroll_batch=None, unroll_kern=None, unroll_patch=None,
                 imshp_logical=None, kshp_logical=None, kshp_logical_top_aligned=True,
                 verbose=0, version=-1, openmp=None):
        if output_mode not in ("valid", "full"):
            raise ValueError("ConvOp: output_mode must be 'valid' or 'full', got %r"
                             % (output_mode,))
        if imshp_logical is not None or kshp_logical is not None:
            raise ValueError("ConvOp: imshp_logical and kshp_logical (implicit upsampling) are "
                             "not supported; use theano.tensor.nnet.conv2d_transpose")
        imshp = None if imshp is None else tuple(imshp)
        if imshp is not None and len(imshp) == 2:
            imshp = (1,) + imshp
        self.imshp = imshp
        self.kshp = None if kshp is None else tuple(kshp)
        self.nkern, self.bsize = nkern, bsize
        self.dx, self.dy = int(dx), int(dy)
        self.out_mode = output_mode
        self.unroll_batch, self.unroll_kern, self.unroll_patch = (unroll_batch, unroll_kern,
                                                                  unroll_patch)
        self.imshp_logical, self.kshp_logical = imshp_logical, kshp_logical
        self.kshp_logical_top_aligned = kshp_logical_top_aligned
        self.verbose, self.version, self.openmp = verbose, version, openmp

    def abstract(self):
        """The :class:`AbstractConv2d` computing what this op computes."""
        imshp = None if self.imshp is None and self.bsize is None else \
            (self.bsize,) + (self.imshp or (None, None, None))
        kshp = None if self.kshp is None and self.nkern is None else \
            (self.nkern, imshp[1] if imshp else None) + (self.kshp or (None, None))
        return AbstractConv2d(imshp=imshp, kshp=kshp, border_mode=self.out_mode,
                              subsample=(self.dx, self.dy))

    def make_node(self, inputs, kerns):
        node = self.abstract().make_node(inputs, kerns)
        return Apply(self, node.inputs, [node.outputs[0].type()])

    def perform(self, node, inputs, output_storage):
        self.abstract().perform(node, inputs, output_storage)

    def infer_shape(self, fgraph, node, shapes):
        return self.abstract().infer_shape(fgraph, node, shapes)


@register_grad(ConvOp)
def _convop_grad(op, inputs, outputs, output_grads):
    img, kern = inputs
    (top,) = output_grads
    conv = op.abstract()
    kw = conv._params()
    d_img = AbstractConv2d_gradInputs(**kw)(kern, top, img.shape[-2:])
    d_kern = AbstractConv2d_gradWeights(**kw)(img, top, kern.shape[-2:])
    return [d_img, d_kern]


@register_rop(ConvOp)
def _convop_rop(op, inputs, eval_points):
    img, kern = inputs
    e_img, e_kern = eval_points
    terms = [op(e_img, kern)] if e_img is not None else []
    if e_kern is not None:
        terms.append(op(img, e_kern))
    return [None if not terms else terms[0] if len(terms) == 1 else terms[0] + terms[1]]
