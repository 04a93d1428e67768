"""NumPy kernels of the convolution ops: im2col / col2im and one matrix product.

Everything here is a *correlation* on arrays laid out as Theano lays them
out: images ``(batch, channels, *spatial)``, kernels
``(out_channels, in_channels_per_group, *kernel)`` and, for unshared
(locally connected) 2-d convolutions,
``(out_channels, out_rows, out_cols, in_channels_per_group, k_rows, k_cols)``.
Flipping the kernel for a true convolution is the caller's business.

The patches of an image are a strided view (no copy); a batch slice of them
is copied into a column matrix laid out ``(groups, channels * kernel, batch *
output)`` so that one ``np.matmul`` does the whole slice with a single BLAS
call per group.  Slices are sized to keep that matrix near ``_COLS_BUDGET``
elements.  The inverse scatter (col2im) loops over the kernel offsets only,
each step adding one strided slab.
"""
import itertools

import numpy as np
from numpy.lib.stride_tricks import as_strided

__all__ = ["pad_widths", "conv_out_shape", "corr", "corr_grad_inputs", "corr_grad_weights",
           "unshared_corr", "unshared_corr_grad_inputs", "unshared_corr_grad_weights"]

# Elements of the column matrix built for one batch slice (32 MB in float64).
_COLS_BUDGET = 1 << 22


def dilated(k, d):
    return (k - 1) * d + 1


def pad_widths(border_mode, kshape, dilation):
    """``((lo, hi), ...)`` per spatial axis for a border mode of the abstract ops.

    ``border_mode`` is 'valid', 'full', 'half' or a tuple with an int (both
    sides) or an ``(lo, hi)`` pair per axis.
    """
    nd = len(kshape)
    dk = [dilated(kshape[i], dilation[i]) for i in range(nd)]
    if border_mode == "valid":
        return ((0, 0),) * nd
    if border_mode == "full":
        return tuple((d - 1, d - 1) for d in dk)
    if border_mode == "half":
        return tuple((d // 2, d // 2) for d in dk)
    return tuple((int(m), int(m)) if np.ndim(m) == 0 else (int(m[0]), int(m[1]))
                 for m in border_mode)


def conv_out_shape(spatial, kshape, pads, strides, dilation):
    """The output size per spatial axis (may be <= 0 for impossible shapes)."""
    return tuple((spatial[i] + pads[i][0] + pads[i][1] - dilated(kshape[i], dilation[i]))
                 // strides[i] + 1 for i in range(len(spatial)))


def _pad(x, pads):
    if all(p == (0, 0) for p in pads):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple(pads))


def _patches(xp, kshape, out_sp, strides, dilation):
    """View of shape ``(B, C, *kshape, *out_sp)``: element ``[b, c, *k, *o]`` is
    ``xp[b, c, *(o * stride + k * dilation)]``."""
    nd = len(kshape)
    st = xp.strides
    shape = xp.shape[:2] + tuple(kshape) + tuple(out_sp)
    strides_ = st[:2] + tuple(st[2 + i] * dilation[i] for i in range(nd)) \
        + tuple(st[2 + i] * strides[i] for i in range(nd))
    return as_strided(xp, shape=shape, strides=strides_, writeable=False)


def _batch_step(batch, per_item):
    return max(1, min(batch, _COLS_BUDGET // max(1, per_item)))


def _cols(xp, kshape, out_sp, strides, dilation, groups):
    """Column matrix ``(groups, Cg * prod(k), b * prod(out))`` of the slice ``xp``."""
    nd = len(kshape)
    view = _patches(xp, kshape, out_sp, strides, dilation)
    order = tuple(range(1, 2 + nd)) + (0,) + tuple(range(2 + nd, 2 + 2 * nd))
    cols = np.ascontiguousarray(view.transpose(order))
    return cols.reshape(groups, -1, xp.shape[0] * int(np.prod(out_sp)))


def _top_rows(top, groups):
    """``top`` slice ``(b, F, *out)`` as ``(groups, F // groups, b * prod(out))``."""
    moved = np.moveaxis(top, 1, 0)
    return np.ascontiguousarray(moved).reshape(groups, top.shape[1] // groups, -1)


def _col2im_add(gxp, dcols, kshape, out_sp, strides, dilation):
    """Scatter-add ``dcols`` ``(b, C, *k, *out)`` into the padded image gradient."""
    nd = len(kshape)
    for k in itertools.product(*[range(n) for n in kshape]):
        region = tuple(slice(k[i] * dilation[i],
                             k[i] * dilation[i] + strides[i] * (out_sp[i] - 1) + 1,
                             strides[i]) for i in range(nd))
        gxp[(slice(None), slice(None)) + region] += dcols[(slice(None), slice(None)) + k]


def _crop(xp, pads, spatial):
    return xp[(slice(None), slice(None)) +
              tuple(slice(pads[i][0], pads[i][0] + spatial[i]) for i in range(len(spatial)))]


def corr(img, kern, pads, strides, dilation, groups):
    """Grouped, strided, dilated, zero-padded correlation of ``img`` with ``kern``."""
    kshape = kern.shape[2:]
    xp = _pad(img, pads)
    out_sp = conv_out_shape(img.shape[2:], kshape, pads, strides, dilation)
    batch, nfilt = img.shape[0], kern.shape[0]
    dtype = np.result_type(img, kern)
    out = np.empty((batch, nfilt) + out_sp, dtype=dtype)
    if out.size == 0:
        out[...] = 0
        return out
    kmat = kern.astype(dtype, copy=False).reshape(groups, nfilt // groups, -1)
    xp = xp.astype(dtype, copy=False)
    step = _batch_step(batch, kmat.shape[2] * groups * int(np.prod(out_sp)))
    for b0 in range(0, batch, step):
        cols = _cols(xp[b0:b0 + step], kshape, out_sp, strides, dilation, groups)
        res = np.matmul(kmat, cols).reshape((nfilt, -1) + out_sp)
        out[b0:b0 + step] = np.moveaxis(res, 0, 1)
    return out


def corr_grad_weights(img, top, kshape, pads, strides, dilation, groups):
    """Gradient of :func:`corr` with respect to the kernel, of spatial size ``kshape``."""
    kshape = tuple(int(k) for k in kshape)
    xp = _pad(img, pads)
    out_sp = top.shape[2:]
    batch, nfilt = top.shape[:2]
    chans = img.shape[1] // groups
    dtype = np.result_type(img, top)
    acc = np.zeros((groups, nfilt // groups, chans * int(np.prod(kshape))), dtype=dtype)
    if top.size and acc.size:
        xp = xp.astype(dtype, copy=False)
        top = top.astype(dtype, copy=False)
        step = _batch_step(batch, acc.shape[2] * groups * int(np.prod(out_sp)))
        for b0 in range(0, batch, step):
            cols = _cols(xp[b0:b0 + step], kshape, out_sp, strides, dilation, groups)
            acc += np.matmul(_top_rows(top[b0:b0 + step], groups), cols.transpose(0, 2, 1))
    return acc.reshape((nfilt, chans) + kshape)


def corr_grad_inputs(kern, top, spatial, pads, strides, dilation, groups):
    """Gradient of :func:`corr` with respect to an image of spatial size ``spatial``."""
    nd = kern.ndim - 2
    spatial = tuple(int(s) for s in spatial)
    kshape = kern.shape[2:]
    batch, nfilt = top.shape[:2]
    chans = kern.shape[1] * groups
    out_sp = top.shape[2:]
    dtype = np.result_type(kern, top)
    padded = tuple(spatial[i] + pads[i][0] + pads[i][1] for i in range(nd))
    gxp = np.zeros((batch, chans) + padded, dtype=dtype)
    if top.size and kern.size:
        kmat = kern.astype(dtype, copy=False).reshape(groups, nfilt // groups, -1)
        kmat_t = kmat.transpose(0, 2, 1)
        top = top.astype(dtype, copy=False)
        step = _batch_step(batch, kmat.shape[2] * groups * int(np.prod(out_sp)))
        for b0 in range(0, batch, step):
            rows = _top_rows(top[b0:b0 + step], groups)
            dcols = np.matmul(kmat_t, rows)          # (G, Cg*K, b*P)
            b = rows.shape[2] // int(np.prod(out_sp))
            dcols = dcols.reshape((chans,) + kshape + (b,) + out_sp)
            dcols = np.moveaxis(dcols, 1 + nd, 0)    # (b, C, *k, *out)
            _col2im_add(gxp[b0:b0 + step], dcols, kshape, out_sp, strides, dilation)
    return _crop(gxp, pads, spatial)


# ---------------------------------------------------------------------------
# Unshared (locally connected) 2-d correlation
# ---------------------------------------------------------------------------
def _unshared_kmat(kern, groups):
    """Kernel ``(F, oh, ow, Cg, kh, kw)`` as ``(oh*ow, groups, Fg, Cg*kh*kw)``."""
    nfilt, oh, ow = kern.shape[:3]
    k = kern.reshape(groups, nfilt // groups, oh, ow, -1)
    return np.ascontiguousarray(k.transpose(2, 3, 0, 1, 4)).reshape(oh * ow, groups,
                                                                     nfilt // groups, -1)


def _unshared_cols(xp, kshape, out_sp, strides, dilation, groups):
    """Patches of the slice ``xp`` as ``(oh*ow, groups, Cg*kh*kw, b)``."""
    view = _patches(xp, kshape, out_sp, strides, dilation)   # (b, C, kh, kw, oh, ow)
    b, chans = view.shape[:2]
    view = view.reshape((b, groups, chans // groups) + view.shape[2:])
    cols = np.ascontiguousarray(view.transpose(5, 6, 1, 2, 3, 4, 0))
    return cols.reshape(out_sp[0] * out_sp[1], groups, -1, b)


def _unshared_top(top, groups):
    """``top`` slice ``(b, F, oh, ow)`` as ``(oh*ow, groups, Fg, b)``."""
    b, nfilt, oh, ow = top.shape
    t = top.reshape(b, groups, nfilt // groups, oh * ow)
    return np.ascontiguousarray(t.transpose(3, 1, 2, 0))


def unshared_corr(img, kern, pads, strides, dilation, groups):
    """Locally connected correlation: each output position has its own kernel."""
    kshape = kern.shape[4:]
    out_sp = conv_out_shape(img.shape[2:], kshape, pads, strides, dilation)
    if tuple(kern.shape[1:3]) != tuple(out_sp):
        raise ValueError("unshared convolution: the kernel has %d x %d regions but the "
                         "output is %d x %d (kernel shape %s, image shape %s)"
                         % (kern.shape[1], kern.shape[2], out_sp[0], out_sp[1],
                            kern.shape, img.shape))
    batch, nfilt = img.shape[0], kern.shape[0]
    dtype = np.result_type(img, kern)
    out = np.empty((batch, nfilt) + out_sp, dtype=dtype)
    if out.size == 0:
        out[...] = 0
        return out
    kmat = _unshared_kmat(kern.astype(dtype, copy=False), groups)
    xp = _pad(img, pads).astype(dtype, copy=False)
    step = _batch_step(batch, kmat.shape[3] * groups * int(np.prod(out_sp)))
    for b0 in range(0, batch, step):
        cols = _unshared_cols(xp[b0:b0 + step], kshape, out_sp, strides, dilation, groups)
        res = np.matmul(kmat, cols)                  # (P, G, Fg, b)
        res = res.reshape(out_sp + (nfilt, -1))
        out[b0:b0 + step] = res.transpose(3, 2, 0, 1)
    return out


def unshared_corr_grad_weights(img, top, kshape, pads, strides, dilation, groups):
    """Gradient of :func:`unshared_corr` with respect to its 6-d kernel."""
    kshape = tuple(int(k) for k in kshape)
    batch, nfilt = top.shape[:2]
    out_sp = top.shape[2:]
    chans = img.shape[1] // groups
    dtype = np.result_type(img, top)
    nk = chans * kshape[0] * kshape[1]
    acc = np.zeros((out_sp[0] * out_sp[1], groups, nfilt // groups, nk), dtype=dtype)
    if top.size and acc.size:
        xp = _pad(img, pads).astype(dtype, copy=False)
        top = top.astype(dtype, copy=False)
        step = _batch_step(batch, nk * groups * int(np.prod(out_sp)))
        for b0 in range(0, batch, step):
            cols = _unshared_cols(xp[b0:b0 + step], kshape, out_sp, strides, dilation, groups)
            acc += np.matmul(_unshared_top(top[b0:b0 + step], groups), cols.transpose(0, 1, 3, 2))
    k = acc.reshape(out_sp[0], out_sp[1], groups, nfilt // groups, chans, kshape[0], kshape[1])
    return np.ascontiguousarray(k.transpose(2, 3, 0, 1, 4, 5, 6)).reshape(
        (nfilt,) + tuple(out_sp) + (chans,) + kshape)


def unshared_corr_grad_inputs(kern, top, spatial, pads, strides, dilation, groups):
    """Gradient of :func:`unshared_corr` with respect to its image."""
    spatial = tuple(int(s) for s in spatial)
    kshape = kern.shape[4:]
    batch, nfilt = top.shape[:2]
    out_sp = top.shape[2:]
    chans = kern.shape[3] * groups
    dtype = np.result_type(kern, top)
    padded = tuple(spatial[i] + pads[i][0] + pads[i][1] for i in range(2))
    gxp = np.zeros((batch, chans) + padded, dtype=dtype)
    if top.size and kern.size:
        kmat_t = _unshared_kmat(kern.astype(dtype, copy=False), groups).transpose(0, 1, 3, 2)
        top = top.astype(dtype, copy=False)
        step = _batch_step(batch, kmat_t.shape[2] * groups * int(np.prod(out_sp)))
        for b0 in range(0, batch, step):
            t = _unshared_top(top[b0:b0 + step], groups)
            dcols = np.matmul(kmat_t, t)             # (P, G, Cg*K, b)
            b = t.shape[3]
            dcols = dcols.reshape(tuple(out_sp) + (chans,) + tuple(kshape) + (b,))
            dcols = dcols.transpose(5, 2, 3, 4, 0, 1)   # (b, C, kh, kw, oh, ow)
            _col2im_add(gxp[b0:b0 + step], dcols, kshape, out_sp, strides, dilation)
    return _crop(gxp, pads, spatial)
