"""Theano 1.0 tutorial "Dealing with NaNs" (doc/tutorial/nan_tutorial.txt): the tools it names."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.compile.nanguardmode import NanGuardMode


def _p():
    return T.dvector("p")


def test_nanguardmode_stops_at_the_node_making_an_inf():
    p = _p()
    f = theano.function([p], 1 / T.log(p + 1),
                        mode=NanGuardMode(nan_is_error=True, inf_is_error=True, big_is_error=True))
    np.testing.assert_allclose(f([1.0]), [1 / np.log(2.0)])
    with pytest.raises(AssertionError, match="Inf"):
        f([0.0])  # 1 / log(0 + 1): a low probability gives an infinite value


def test_debugmode_with_check_py_off_from_the_flags():
    p = _p()
    with theano.change_flags(mode="DebugMode", DebugMode__check_py=False):
        f = theano.function([p], T.log(p))
        assert f([1.0]).tolist() == [0.0]
        with pytest.raises(theano.compile.debugmode.InvalidValueError):
            f([-1.0])


def test_monitormode_sees_every_node():
    p = _p()
    seen = []
    f = theano.function([p], 1 / T.log(p + 1), mode=theano.compile.MonitorMode(
        post_func=lambda i, node, fn: seen.append(
            bool(np.isinf(fn.outputs[0][0]).any()))).excluding("fusion"))
    with np.errstate(all="ignore"):
        f([0.0])
    assert seen and seen[-1]
