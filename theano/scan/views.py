"""``map``, ``reduce``, ``foldl`` and ``foldr``: common loops written with :func:`scan`."""
from theano.scan.basic import scan

__all__ = ["map", "reduce", "foldl", "foldr"]


def map(fn, sequences, non_sequences=None, truncate_gradient=-1, go_backwards=False,
        mode=None, name=None):
    """Apply ``fn`` to every slice of ``sequences``; return ``(outputs, updates)``.

    Examples
    --------
    >>> import numpy as np, theano, theano.tensor as T
    >>> x = T.dvector('x')
    >>> y, _ = theano.map(lambda v: v ** 2, x)
    >>> theano.function([x], y)(np.array([1., 2., 3.])).tolist()
    [1.0, 4.0, 9.0]
    """
    return scan(fn, sequences=sequences, outputs_info=[], non_sequences=non_sequences,
                truncate_gradient=truncate_gradient, go_backwards=go_backwards, mode=mode,
                name=name)


def _last(outputs):
    if outputs is None:
        return None
    if isinstance(outputs, (list, tuple)):
        return [o[-1] for o in outputs]
    return outputs[-1]


def reduce(fn, sequences, outputs_info, non_sequences=None, go_backwards=False, mode=None,
           name=None):
    """Like :func:`scan`, but return only the last step of each output.

    Examples
    --------
    >>> import numpy as np, theano, theano.tensor as T
    >>> x = T.dvector('x')
    >>> s, _ = theano.reduce(lambda v, acc: acc + v, x, T.constant(0.))
    >>> float(theano.function([x], s)(np.array([1., 2., 3.])))
    6.0
    """
    outputs, updates = scan(fn, sequences=sequences, outputs_info=outputs_info,
                            non_sequences=non_sequences, go_backwards=go_backwards, mode=mode,
                            name=name)
    return _last(outputs), updates


def foldl(fn, sequences, outputs_info, non_sequences=None, mode=None, name=None):
    """:func:`reduce` from the first element of the sequences to the last."""
    return reduce(fn, sequences, outputs_info, non_sequences=non_sequences,
                  go_backwards=False, mode=mode, name=name)


def foldr(fn, sequences, outputs_info, non_sequences=None, mode=None, name=None):
    """:func:`reduce` from the last element of the sequences to the first."""
    return reduce(fn, sequences, outputs_info, non_sequences=non_sequences,
                  go_backwards=True, mode=mode, name=name)
