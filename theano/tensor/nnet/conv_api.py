"""The convolution functions of the ``theano.tensor.nnet`` namespace.

:func:`conv2d` is ``theano.tensor.nnet.conv2d`` (Theano 1.0's recommended
interface: the abstract convolution plus the deprecated ``image_shape``
keyword); :func:`conv2d_transpose` is the transposed convolution.
"""
import warnings

from theano.tensor.nnet.abstract_conv import conv2d as abstract_conv2d
from theano.tensor.nnet.abstract_conv import conv2d_grad_wrt_inputs

__all__ = ["conv2d", "conv2d_transpose"]


def conv2d(input, filters, input_shape=None, filter_shape=None, border_mode="valid",
           subsample=(1, 1), filter_flip=True, image_shape=None, filter_dilation=(1, 1),
           num_groups=1, unshared=False, **kwargs):
    """Convolve a mini-batch of multi-channel 2-d images with a set of 2-d filters.

    Parameters
    ----------
    input : 4-d tensor
        ``(batch size, input channels, input rows, input columns)``.
    filters : 4-d or 6-d tensor
        ``(output channels, input channels // num_groups, filter rows, filter
        columns)``; for an unshared convolution ``(output channels, output
        rows, output columns, input channels // num_groups, filter rows,
        filter columns)``.
    input_shape, filter_shape : None or tuple of int/None
        Shapes known when the graph is built; checked when it runs.
    border_mode : str, int or tuple
        ``'valid'`` (output = input - filter + 1), ``'full'`` (input + filter
        - 1), ``'half'`` (pad by filter // 2 on each side: the output keeps
        the input size for odd filters), an int (zero padding on all sides),
        ``(int1, int2)`` (rows, columns), or pairs ``(before, after)`` for
        asymmetric padding, e.g. ``((1, 0), 2)``.
    subsample : tuple of 2 ints
        Strides of the output.
    filter_flip : bool
        True (default) flips the filters: a convolution.  False: a
        cross-correlation.
    image_shape : None or tuple
        Deprecated name of ``input_shape``.
    filter_dilation : tuple of 2 ints
        Dilation of the filters (``(2, 2)`` spaces the taps by 2 pixels).
    num_groups : int
        Split the channels and filters in groups convolved separately.
    unshared : bool
        Locally connected convolution: a different filter per output position.
    kwargs
        Accepted for compatibility with the old interface, and ignored (with a
        warning).

    Returns
    -------
    4-d tensor ``(batch size, output channels, output rows, output columns)``

    Examples
    --------
    >>> import numpy as np, theano, theano.tensor as T
    >>> x, w = T.tensor4('x'), T.tensor4('w')
    >>> f = theano.function([x, w], conv2d(x, w, subsample=(2, 2)))
    >>> f(np.ones((2, 3, 9, 9)), np.ones((4, 3, 3, 3))).shape
    (2, 4, 4, 4)
    """
    if "imshp_logical" in kwargs or "kshp_logical" in kwargs:
        raise ValueError("Keyword arguments 'imshp_logical' and 'kshp_logical' for conv2d are "
                         "not supported anymore (they were not a reliable way to upsample); "
                         "use conv2d_transpose or bilinear_upsampling instead.")
    if kwargs:
        warnings.warn("%s are now deprecated in `tensor.nnet.abstract_conv.conv2d` interface "
                      "and will be ignored." % sorted(kwargs), stacklevel=2)
    if image_shape is not None:
        warnings.warn("The `image_shape` keyword argument to `tensor.nnet.conv2d` is "
                      "deprecated, it has been renamed to `input_shape`.", stacklevel=2)
        if input_shape is not None:
            raise ValueError("input_shape and image_shape should not be provided at the "
                             "same time.")
        input_shape = image_shape
    return abstract_conv2d(input, filters, input_shape, filter_shape, border_mode, subsample,
                           filter_flip, filter_dilation, num_groups, unshared)


def conv2d_transpose(input, filters, output_shape, filter_shape=None, border_mode="valid",
                     input_dilation=(1, 1), filter_flip=True, filter_dilation=(1, 1),
                     num_groups=1, unshared=False):
    """Transposed 2-d convolution (sometimes called "deconvolution").

    It is the gradient of :func:`conv2d` with respect to its input: the
    forward convolution with the same parameters maps ``output_shape``
    images to images of ``input``'s shape.

    Parameters
    ----------
    input : 4-d tensor ``(batch size, input channels, rows, columns)``
    filters : 4-d tensor
        ``(input channels, output channels, filter rows, filter columns)``:
        note the channel order, the reverse of :func:`conv2d`'s.
    output_shape : tuple of 4
        Shape of the result; the last two entries may be symbolic scalars.
    filter_shape : None or tuple of 4 ints/None
    border_mode : as in :func:`conv2d`
        The padding of the forward convolution, i.e. the cropping of this one.
    input_dilation : tuple of 2 ints
        The strides (``subsample``) of the forward convolution.
    filter_flip, filter_dilation, num_groups, unshared : as in :func:`conv2d`

    Examples
    --------
    >>> import numpy as np, theano, theano.tensor as T
    >>> x, w = T.tensor4('x'), T.tensor4('w')
    >>> y = conv2d_transpose(x, w, output_shape=(1, 1, 7, 7), input_dilation=(2, 2))
    >>> theano.function([x, w], y)(np.ones((1, 2, 3, 3)), np.ones((2, 1, 3, 3))).shape
    (1, 1, 7, 7)
    """
    return conv2d_grad_wrt_inputs(output_grad=input, filters=filters, input_shape=output_shape,
                                  filter_shape=filter_shape, border_mode=border_mode,
                                  subsample=input_dilation, filter_flip=filter_flip,
                                  filter_dilation=filter_dilation, num_groups=num_groups,
                                  unshared=unshared)
