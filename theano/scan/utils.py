"""Helpers of ``theano.scan``: ``until``, parsing what ``fn`` returns, update dicts."""
from collections import OrderedDict

import numpy as np

from theano.graph.basic import Constant, Variable
from theano.graph.sharedvalue import OrderedUpdates, SharedVariable  # noqa: F401 (public here)
from theano.tensor.basic import as_tensor_variable

__all__ = ["until", "OrderedUpdates", "get_updates_and_outputs", "safe_new", "tap_name"]


class until:
    """Stop a scan loop once ``condition`` is true (returned by ``fn``).

    The step that makes the condition true is still part of the outputs;
    ``n_steps`` then acts as the maximum number of steps.

    Examples
    --------
    >>> import theano, theano.tensor as T
    >>> from theano.scan.utils import until
    >>> x = T.dscalar('x')
    >>> out, _ = theano.scan(lambda p: (p * 2, until(p * 2 > 40)), outputs_info=x, n_steps=20)
    >>> theano.function([x], out)(3.).tolist()
    [6.0, 12.0, 24.0, 48.0]
    """

    def __init__(self, condition):

        self.condition = as_tensor_variable(condition)
        if self.condition.ndim != 0:
            raise TypeError("until(): the stopping condition must be a scalar, got %s with %d "
                            "dimensions" % (self.condition, self.condition.ndim))


def _is_var_like(x):
    return isinstance(x, (Variable, np.ndarray, np.generic, int, float, bool))


def _is_outputs(x):
    if _is_var_like(x):
        return True
    return isinstance(x, (list, tuple)) and all(_is_var_like(e) for e in x)


def _is_updates(x):
    if isinstance(x, dict):
        return True
    return (isinstance(x, (list, tuple)) and len(x) > 0
            and all(isinstance(e, (list, tuple)) and len(e) == 2
                    and isinstance(e[0], SharedVariable) for e in x))


def _as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def get_updates_and_outputs(ret):
    """Split what ``fn`` returned into ``(condition, outputs, updates)``.

    ``fn`` may return outputs (a variable or a list), an updates dict (or a
    list of ``(shared, expr)`` pairs), an :class:`until`, or a tuple combining
    them in the order outputs, updates, until (updates before outputs is
    accepted too).
    """
    msg = ("scan: fn should return its outputs (a variable or a list of variables), an "
           "updates dictionary, a theano.scan.utils.until(condition), or a tuple combining "
           "them in that order; it returned %r" % (ret,))
    if ret is None:
        return None, [], OrderedDict()
    if isinstance(ret, until):
        return ret.condition, [], OrderedDict()
    if _is_outputs(ret):
        return None, _as_list(ret), OrderedDict()
    if _is_updates(ret):
        return None, [], OrderedDict(ret)
    if not isinstance(ret, (list, tuple)):
        raise ValueError(msg)
    cond, outs, upds = None, None, None
    for elem in ret:
        if isinstance(elem, until):
            if cond is not None:
                raise ValueError(msg + " (two until conditions)")
            cond = elem.condition
        elif _is_updates(elem) and not (isinstance(elem, (list, tuple)) and _is_outputs(elem)):
            if upds is not None:
                raise ValueError(msg + " (two update dictionaries)")
            upds = OrderedDict(elem)
        elif isinstance(elem, (list, tuple)) and not elem and outs is not None and upds is None:
            upds = OrderedDict()  # ``return [x], ()``: no updates (Theano 1.0 accepted it)
        elif _is_outputs(elem) or isinstance(elem, (list, tuple)) and len(elem) == 0:
            if outs is not None:
                raise ValueError(msg + " (outputs given twice: return a list of outputs)")
            outs = _as_list(elem)
        else:
            raise ValueError(msg)
    return cond, outs or [], upds or OrderedDict()


def safe_new(x, tag="", dtype=None):
    """A fresh placeholder variable of the type of ``x`` (same name plus ``tag``)."""
    if isinstance(x, Constant) and dtype is None:
        return x.clone()
    t = x.type
    if dtype is not None and hasattr(t, "clone"):
        t = t.clone(dtype=dtype)
    nw = t()
    if getattr(x, "name", None):
        nw.name = x.name + tag
    return nw


def tap_name(base, k):
    """``X[t]``, ``X[t-1]``, ``X[t+2]``: the name of a time slice of ``base``."""
    if base is None:
        return None
    if k == 0:
        return "%s[t]" % base
    return "%s[t%+d]" % (base, k)
