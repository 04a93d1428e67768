"""Sliding windows over images: :func:`images2neibs` and its inverse :func:`neibs2images`.

:class:`Images2Neibs` gathers the ``(r, c)`` patches of the two last axes of
a 4-d tensor into the rows of a matrix; :class:`Images2NeibsGrad`, its
transpose, adds the rows back into an image.  Each is the gradient of the
other, in every mode.
"""
import numpy as np

from theano.graph.basic import Apply, Constant
from theano.graph.null_type import disconnected_type
from theano.graph.op import Op
from theano.graph.rules import register_connection_pattern, register_grad, register_rop
from theano.scalar.basic import integer_dtypes
from theano.tensor.basic import as_tensor_variable, cast
from theano.tensor.type import TensorType

__all__ = ["Images2Neibs", "Images2NeibsGrad", "images2neibs", "neibs2images"]

_MODES = ("valid", "half", "full", "wrap_centered", "ignore_borders")


def _ceil_div(a, b):
    return -(-a // b)


def _grid(mode, h, w, c, d, sx, sy):
    """Number of patches along rows and columns (ints or symbolic scalars)."""
    if mode == "wrap_centered":
        if isinstance(h, int):
            return _ceil_div(h, sx), _ceil_div(w, sy)
        return (h + sx - 1) // sx, (w + sy - 1) // sy
    if mode in ("valid", "ignore_borders"):
        return 1 + (h - c) // sx, 1 + (w - d) // sy
    if mode == "half":
        return 1 + (h - c % 2) // sx, 1 + (w - d % 2) // sy
    return 1 + (h + c - 2) // sx, 1 + (w + d - 2) // sy


def _check(mode, shape, neib_shape, neib_step):
    c, d = (int(v) for v in neib_shape)
    sx, sy = (int(v) for v in neib_step)
    h, w = shape[2], shape[3]
    if sx <= 0 or sy <= 0:
        raise ValueError("neib_step wrong step ; values <= 0. Got %s" % (tuple(neib_step),))
    if c <= 0 or d <= 0:
        raise ValueError("neib_shape values <= 0. Got %s" % (tuple(neib_shape),))
    if mode == "wrap_centered":
        if c % 2 != 1 or d % 2 != 1:
            raise TypeError("Images2Neibs: in mode wrap_centered the patch needs odd shapes, "
                            "got neib_shape=(%d, %d)" % (c, d))
        if h < c or w < d:
            raise TypeError("Images2Neibs: in wrap_centered mode, image shapes smaller than "
                            "the patch shapes are not supported: neib_shape=(%d, %d), "
                            "ten4.shape[2:]=(%d, %d)" % (c, d, h, w))
    # The length that the steps must divide exactly, per mode.
    span = {"valid": (h - c, w - d), "half": (h - c % 2, w - d % 2),
            "full": (h + c - 2, w + d - 2)}.get(mode)
    if span is not None:
        for axis, (n, k, s, sp) in enumerate(((h, c, sx, span[0]), (w, d, sy, span[1]))):
            if n < k or sp % s:
                raise TypeError("neib_shape[%d]=%d, neib_step[%d]=%d and ten4.shape[%d]=%d not "
                                "consistent" % (axis, k, axis, s, axis + 2, n))
    elif mode == "ignore_borders" and (h < c or w < d):
        raise TypeError("Images2Neibs: the image (%d, %d) is smaller than the patch (%d, %d)"
                        % (h, w, c, d))
    return c, d, sx, sy


def _indices(mode, h, w, c, d, sx, sy):
    """Row and column indices (in the padded image) of every patch cell, and the padding."""
    gr, gc = _grid(mode, h, w, c, d, sx, sy)
    rows = (np.arange(gr) * sx)[:, None] + np.arange(c)[None, :]   # (gr, c)
    cols = (np.arange(gc) * sy)[:, None] + np.arange(d)[None, :]   # (gc, d)
    pad = (0, 0)
    if mode == "wrap_centered":
        rows, cols = (rows - c // 2) % h, (cols - d // 2) % w
    elif mode == "half":
        pad = (c // 2, d // 2)
    elif mode == "full":
        pad = (c - 1, d - 1)
    return rows, cols, pad


def _neib_vector(v, what, op):
    v = as_tensor_variable(v)
    if v.type.ndim != 1 or v.type.dtype not in integer_dtypes:
        raise TypeError("%s: %s must be a vector of 2 integers, got %s of type %s"
                        % (op, what, v, v.type))
    if isinstance(v, Constant) and v.data.shape != (2,):
        raise ValueError("%s: %s must have 2 entries, got %s" % (op, what, v.data))
    return v


class Images2Neibs(Op):
    """Patches of the two last axes of a 4-d tensor, one per row of a matrix.

    Parameters
    ----------
    mode : {'valid', 'half', 'full', 'ignore_borders', 'wrap_centered'}
        See :func:`images2neibs`.
    """

    __props__ = ("mode",)

    def __init__(self, mode="valid"):
        if mode not in _MODES:
            raise ValueError("Images2Neibs: mode must be one of %s, got %r"
                             % (", ".join(_MODES), mode))
        self.mode = mode

    def __str__(self):
        return "%s{%s}" % (type(self).__name__, self.mode)

    def make_node(self, ten4, neib_shape, neib_step=None):
        ten4 = as_tensor_variable(ten4)
        if ten4.type.ndim != 4:
            raise TypeError("%s: ten4 must be a 4-d tensor, got %s (%d-d)"
                            % (self, ten4, ten4.type.ndim))
        neib_shape = _neib_vector(neib_shape, "neib_shape", self)
        neib_step = neib_shape if neib_step is None else _neib_vector(neib_step, "neib_step",
                                                                       self)
        out = TensorType(ten4.type.dtype, (False, False))()
        return Apply(self, [ten4, neib_shape, neib_step], [out])

    def perform(self, node, inputs, output_storage):
        x, neib_shape, neib_step = inputs
        c, d, sx, sy = _check(self.mode, x.shape, neib_shape, neib_step)
        rows, cols, pad = _indices(self.mode, x.shape[2], x.shape[3], c, d, sx, sy)
        if pad != (0, 0):
            x = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
        # (n, s, gr, c, gc, d) -> (n, s, gr, gc, c, d) -> one patch per row
        patches = x[:, :, rows[:, :, None, None], cols[None, None, :, :]]
        patches = patches.transpose(0, 1, 2, 4, 3, 5)
        output_storage[0][0] = np.ascontiguousarray(patches).reshape(-1, c * d)

    def infer_shape(self, fgraph, node, shapes):
        n, s, h, w = shapes[0]
        c, d = _vector_entries(node.inputs[1])
        sx, sy = _vector_entries(node.inputs[2])
        gr, gc = _grid(self.mode, h, w, c, d, sx, sy)
        return [(gr * gc * s * n, c * d)]


def _vector_entries(v):
    if isinstance(v, Constant):
        return [int(e) for e in v.data]
    return [v[0], v[1]]


class Images2NeibsGrad(Op):
    """Transpose of :class:`Images2Neibs`: add each row's patch back into an image.

    Inputs: the patch matrix, ``neib_shape``, ``neib_step`` and the 4-d
    ``original_shape``.  Cells covered by several patches receive the sum;
    cells covered by none are zero.
    """

    __props__ = ("mode",)

    def __init__(self, mode="valid"):
        if mode not in _MODES:
            raise ValueError("Images2NeibsGrad: mode must be one of %s, got %r"
                             % (", ".join(_MODES), mode))
        self.mode = mode

    def make_node(self, neibs, neib_shape, neib_step, original_shape):
        neibs = as_tensor_variable(neibs)
        if neibs.type.ndim != 2:
            raise TypeError("%s: neibs must be a matrix, got %s (%d-d)"
                            % (self, neibs, neibs.type.ndim))
        neib_shape = _neib_vector(neib_shape, "neib_shape", self)
        neib_step = _neib_vector(neib_step, "neib_step", self)
        original_shape = as_tensor_variable(original_shape)
        if original_shape.type.ndim != 1 or original_shape.type.dtype not in integer_dtypes:
            raise TypeError("%s: original_shape must be a vector of 4 integers, got %s of "
                            "type %s" % (self, original_shape, original_shape.type))
        out = TensorType(neibs.type.dtype, (False,) * 4)()
        return Apply(self, [neibs, neib_shape, neib_step, original_shape], [out])

    def perform(self, node, inputs, output_storage):
        neibs, neib_shape, neib_step, shape = inputs
        shape = tuple(int(v) for v in shape)
        if len(shape) != 4:
            raise ValueError("%s: original_shape must have 4 entries, got %s" % (self, shape))
        c, d, sx, sy = _check(self.mode, shape, neib_shape, neib_step)
        rows, cols, pad = _indices(self.mode, shape[2], shape[3], c, d, sx, sy)
        n, s = shape[:2]
        gr, gc = rows.shape[0], cols.shape[0]
        if neibs.shape != (n * s * gr * gc, c * d):
            raise ValueError("%s: for images of shape %s the patch matrix must have shape %s, "
                             "got %s" % (self, shape, (n * s * gr * gc, c * d), neibs.shape))
        vals = neibs.reshape(n, s, gr, gc, c, d).transpose(0, 1, 2, 4, 3, 5)
        out = np.zeros((n, s, shape[2] + 2 * pad[0], shape[3] + 2 * pad[1]), dtype=neibs.dtype)
        np.add.at(out, (slice(None), slice(None), rows[:, :, None, None],
                        cols[None, None, :, :]), vals)
        output_storage[0][0] = out[:, :, pad[0]:pad[0] + shape[2], pad[1]:pad[1] + shape[3]]

    def infer_shape(self, fgraph, node, shapes):
        shape = node.inputs[3]
        return [tuple(_vector_entries_n(shape, 4))]


def _vector_entries_n(v, n):
    if isinstance(v, Constant):
        return [int(e) for e in v.data]
    return [v[i] for i in range(n)]


@register_connection_pattern(Images2Neibs)
def _i2n_connections(op, node):
    return [[True], [False], [False]]


@register_grad(Images2Neibs)
def _images2neibs_grad(op, inputs, outputs, output_grads):
    x, neib_shape, neib_step = inputs
    (gz,) = output_grads
    gx = Images2NeibsGrad(op.mode)(gz, neib_shape, neib_step, x.shape)
    return [gx, disconnected_type(), disconnected_type()]


@register_rop(Images2Neibs)
def _images2neibs_rop(op, inputs, eval_points):
    e = eval_points[0]
    return [None if e is None else op(e, inputs[1], inputs[2])]


@register_connection_pattern(Images2NeibsGrad)
def _n2i_connections(op, node):
    return [[True], [False], [False], [False]]


@register_grad(Images2NeibsGrad)
def _images2neibs_grad_grad(op, inputs, outputs, output_grads):
    neibs, neib_shape, neib_step, shape = inputs
    (gx,) = output_grads
    return [Images2Neibs(op.mode)(gx, neib_shape, neib_step)] + [
        disconnected_type() for _ in range(3)]


@register_rop(Images2NeibsGrad)
def _images2neibs_grad_rop(op, inputs, eval_points):
    e = eval_points[0]
    return [None if e is None else op(e, *inputs[1:])]


def images2neibs(ten4, neib_shape, neib_step=None, mode="valid"):
    """Gather the patches of a batch of images into the rows of a matrix.

    Parameters
    ----------
    ten4 : 4-d tensor
        ``(dim 1, dim 2, rows, cols)``: a list of lists of images (batches
        and channels, for example).
    neib_shape : pair of ints (or int vector)
        ``(r, c)``: the patch height and width.
    neib_step : pair of ints or None
        ``(dr, dc)``: distance between patch starts; ``neib_shape`` by default
        (disjoint patches).
    mode : {'valid', 'half', 'full', 'ignore_borders', 'wrap_centered'}
        ``'valid'``: the steps must tile the image exactly
        (``(rows - r) % dr == 0``, same for columns).
        ``'ignore_borders'``: as 'valid', dropping the rows and columns left over.
        ``'half'``: 'valid' on the image zero-padded by ``(r // 2, c // 2)``.
        ``'full'``: 'valid' on the image zero-padded by ``(r - 1, c - 1)``.
        ``'wrap_centered'``: one patch centred on every ``(dr, dc)``-th pixel,
        the image wrapping around at the borders (odd patch shapes only).

    Returns
    -------
    matrix
        One row per patch, ``r * c`` columns; the rows go over the first
        axis, then the second, then the patch rows, then the patch columns::

            for i in range(ten4.shape[0]):
                for j in range(ten4.shape[1]):
                    for k in <patch row starts>:
                        for l in <patch column starts>:
                            output[idx, :] = ten4[i, j, k:k + r, l:l + c].flatten()

    Examples
    --------
    >>> import numpy as np, theano, theano.tensor as T
    >>> images = T.tensor4('images')
    >>> window = theano.function([images], images2neibs(images, neib_shape=(5, 5)))
    >>> window(np.arange(100.).reshape((1, 1, 10, 10))).shape
    (4, 25)
    """
    return Images2Neibs(mode)(ten4, neib_shape, neib_step)


def neibs2images(neibs, neib_shape, original_shape, mode="valid"):
    """Rebuild the images from the patches of :func:`images2neibs` (disjoint patches).

    Parameters
    ----------
    neibs : matrix
        The output of ``images2neibs(x, neib_shape, mode=mode)``.
    neib_shape : pair of ints
        The ``neib_shape`` given to :func:`images2neibs` (its ``neib_step``
        is taken equal to it).
    original_shape : 4 ints or int vector
        The shape of ``x``.
    mode : str
        The mode given to :func:`images2neibs`.

    Returns
    -------
    4-d tensor of shape ``original_shape``
        ``x`` itself when every pixel belongs to exactly one patch; pixels
        outside every patch ('ignore_borders') are zero, and pixels in several
        patches (possible in 'wrap_centered') get the sum.

    Examples
    --------
    >>> import numpy as np, theano, theano.tensor as T
    >>> images = T.tensor4('images')
    >>> neibs = images2neibs(images, neib_shape=(5, 5))
    >>> back = neibs2images(neibs, (5, 5), images.shape)
    >>> im = np.arange(100.).reshape((1, 1, 10, 10))
    >>> bool((theano.function([images], back)(im) == im).all())
    True
    """
    neib_shape = as_tensor_variable(neib_shape)
    original_shape = as_tensor_variable(original_shape)
    if original_shape.type.dtype not in integer_dtypes:
        original_shape = cast(original_shape, "int64")
    return Images2NeibsGrad(mode)(neibs, neib_shape, neib_shape, original_shape)
