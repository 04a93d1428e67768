"""``may_share_memory(a, b)`` for the values Theano functions handle (NumPy and SciPy sparse)."""
import numpy as np
import scipy.sparse

__all__ = ["may_share_memory"]


def _buffers(x):
    if isinstance(x, np.ndarray):
        return [x]
    # A sparse matrix keeps its values in one to three arrays.
    return [getattr(x, name) for name in ("data", "indices", "indptr", "row", "col", "offsets")
            if isinstance(getattr(x, name, None), np.ndarray)]


def may_share_memory(a, b, raise_other_type=True):
    """True if the arrays (or sparse matrices) ``a`` and ``b`` may share memory.

    Other values raise TypeError, or give False with ``raise_other_type=False``.

    Examples
    --------
    >>> import numpy as np
    >>> from theano.misc.may_share_memory import may_share_memory
    >>> x = np.zeros(4)
    >>> may_share_memory(x, x[1:]), may_share_memory(x, np.zeros(4))
    (True, False)
    """
    for v in (a, b):
        if not (isinstance(v, np.ndarray) or scipy.sparse.issparse(v)):
            if raise_other_type:
                raise TypeError("may_share_memory supports only ndarray and scipy.sparse "
                                "values, got %s" % type(v).__name__)
            return False
    return any(np.may_share_memory(x, y) for x in _buffers(a) for y in _buffers(b))
