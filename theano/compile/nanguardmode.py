"""NanGuardMode: stop at the first node that produces NaN, inf or huge values."""
import numpy as np

from theano.compile.mode import Mode, register_mode
from theano.configparser import config
from theano.link.py.vm import Program

__all__ = ["NanGuardMode", "NanGuardError"]


class NanGuardError(AssertionError):
    """A node produced a NaN/inf/big value; the message names the node and its origin."""


class NanGuardMode(Mode):
    """A mode that checks every output of every node.

    Parameters
    ----------
    nan_is_error, inf_is_error, big_is_error : bool, optional
        Which values are errors (defaults from ``config.NanGuardMode``);
        "big" means an absolute value above 1e10.

    A variable with ``var.tag.nan_guard_mode_check = False`` is not checked.
    """

    def __init__(self, nan_is_error=None, inf_is_error=None, big_is_error=None,
                 optimizer="default", linker=None):
        super().__init__(linker="py", optimizer=optimizer)
        cfg = config.NanGuardMode
        self.nan_is_error = cfg.nan_is_error if nan_is_error is None else nan_is_error
        self.inf_is_error = cfg.inf_is_error if inf_is_error is None else inf_is_error
        self.big_is_error = cfg.big_is_error if big_is_error is None else big_is_error

    def link(self, fgraph):
        return Program(fgraph, callback=self._check)

    def _check(self, k, node, fn, inputs, out_cells):
        fn(inputs, out_cells)
        for i, cell in enumerate(out_cells):
            if not getattr(node.outputs[i].tag, "nan_guard_mode_check", True):
                continue  # the user exempted this variable (Theano 1.0's tag)
            v = cell[0]
            if not isinstance(v, np.ndarray) or v.dtype.kind not in "fc" or not v.size:
                continue
            problem = None
            if self.nan_is_error and np.isnan(v).any():
                problem = "NaN"
            elif self.inf_is_error and np.isinf(v).any():
                problem = "Inf"
            elif self.big_is_error and np.nanmax(np.abs(np.where(np.isinf(v), 0, v))) > 1e10:
                problem = "Big value (> 1e10)"
            if problem:
                raise NanGuardError(
                    "NanGuardMode: %s detected in output %d of %s" % (problem, i, node))


register_mode("NanGuardMode", NanGuardMode())
