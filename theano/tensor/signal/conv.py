"""``theano.tensor.signal.conv.conv2d``: plain 2-d convolution of images with filters.

Unlike :func:`theano.tensor.nnet.conv2d` there are no channels: an image is
a matrix and a filter is a matrix; a 3-d tensor is a stack of them.
"""
from theano.tensor.basic import as_tensor_variable
from theano.tensor.nnet.abstract_conv import AbstractConv2d
from theano.tensor.shape import reshape
from theano.tensor.join import stack

__all__ = ["conv2d"]


def conv2d(input, filters, image_shape=None, filter_shape=None, border_mode="valid",
           subsample=(1, 1), **kargs):
    """Convolve one image or a stack of images with one filter or a stack of filters.

    Parameters
    ----------
    input : 2-d or 3-d tensor
        An image ``(rows, cols)`` or a stack ``(nb images, rows, cols)``.
    filters : 2-d or 3-d tensor
        A filter ``(rows, cols)`` or a stack ``(nb filters, rows, cols)``.
    image_shape, filter_shape : None or tuple of 2 or 3 ints
        The shapes, when known (checked when the graph runs).
    border_mode : {'valid', 'full'}
        As in ``scipy.signal.convolve2d``.
    subsample : tuple of 2 ints
        Factor by which to subsample the output.
    kargs
        Options of the old ``ConvOp`` C code; ignored.

    Returns
    -------
    tensor of shape ``([nb images,] [nb filters,] output rows, output cols)``
        The image and filter axes are present only when the input, resp. the
        filters, were stacks.

    Examples
    --------
    >>> import numpy as np, theano, theano.tensor as T
    >>> img, filt = T.dmatrix('img'), T.dmatrix('filt')
    >>> f = theano.function([img, filt], conv2d(img, filt, border_mode='full'))
    >>> f(np.arange(4.).reshape(2, 2), np.ones((2, 2)))
    array([[0., 1., 1.],
           [2., 6., 4.],
           [2., 5., 3.]])
    """
    input = as_tensor_variable(input)
    filters = as_tensor_variable(filters)
    for name, var in (("input", input), ("filters", filters)):
        if var.type.ndim not in (2, 3):
            raise TypeError("signal.conv2d: %s must be a 2-d or 3-d tensor, got %s (%d-d)"
                            % (name, var, var.type.ndim))
    if border_mode not in ("valid", "full"):
        raise ValueError("signal.conv2d: border_mode must be 'valid' or 'full', got %r"
                         % (border_mode,))
    imshp = kshp = None
    if image_shape is not None:
        image_shape = tuple(image_shape)
        imshp = ((image_shape[0] if input.type.ndim == 3 else 1, 1)
                 + tuple(image_shape[-2:]))
    if filter_shape is not None:
        filter_shape = tuple(filter_shape)
        kshp = ((filter_shape[0] if filters.type.ndim == 3 else 1, 1)
                + tuple(filter_shape[-2:]))
    nimg = input.shape[0] if input.type.ndim == 3 else 1
    nfilt = filters.shape[0] if filters.type.ndim == 3 else 1
    img4 = reshape(input, stack([nimg, 1, input.shape[-2], input.shape[-1]]), ndim=4)
    filt4 = reshape(filters, stack([nfilt, 1, filters.shape[-2], filters.shape[-1]]), ndim=4)
    out = AbstractConv2d(imshp=imshp, kshp=kshp, border_mode=border_mode,
                         subsample=tuple(subsample))(img4, filt4)
    if input.type.ndim == 3 and filters.type.ndim == 3:
        return out
    if input.type.ndim == 3:
        return out[:, 0]
    if filters.type.ndim == 3:
        return out[0]
    return out[0, 0]
