"""Theano 1.0 tutorial "Profiling Theano function" (doc/tutorial/profiling.txt).

Timings differ from run to run: the tests check the sections of the report.
"""
import io

import numpy as np

import theano


def _example(**kwargs):
    x, y, z = theano.tensor.vectors("xyz")
    f = theano.function([x, y, z], [(x + y + z) * 2], mode=theano.Mode(
        optimizer="fast_run").excluding("fusion", "inplace"), **kwargs)
    xv, yv, zv = (np.random.rand(10).astype(theano.config.floatX) for _ in range(3))
    f(xv, yv, zv)
    return f


def test_profile_true_and_print_summary():
    f = _example(profile=True, name="profiling_example")
    out = io.StringIO()
    f.profile.print_summary(file=out)
    text = out.getvalue()
    for part in ("Function profiling", "Message: profiling_example",
                 "Time in 1 calls to Function.__call__", "Class", "Apply",
                 "Elemwise{add,no_inplace}", "Elemwise{mul,no_inplace}"):
        assert part in text


def test_one_profile_shared_by_several_functions():
    profile = theano.compile.ProfileStats()
    f = _example(profile=profile)
    g = _example(profile=profile)
    assert f.profile is g.profile is profile
    out = io.StringIO()
    profile.print_summary(file=out)
    assert "Time in 2 calls to Function.__call__" in out.getvalue()


def test_profiling_flags_exist():
    for flag in ("profile", "profile_memory", "profile_optimizer", "profiling.n_apply",
                 "profiling.n_ops", "profiling.min_memory_size"):
        theano.config.get_param(flag)
