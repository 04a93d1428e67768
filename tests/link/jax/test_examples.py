"""The seed examples and the example trainings in the JAX mode.

* every example of the seed documents (tests/seeds) run with ``THEANO_FLAGS=mode=JAX``,
  in a subprocess, except the few that check what the JAX mode documents as different;
* the RNN with scan and the LeNet of examples/ trained a few steps in JAX and in FAST_RUN
  from the same start: the same costs, parameters and predictions to float tolerance.
"""
import importlib
import os
import subprocess
import sys

import numpy as np
import pytest

import theano

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))

# Seed tests whose subject is something the JAX mode does differently (docs/jax.md).
DIFFERENT_IN_JAX = {
    "test_seed000_examples.py::test_random_streams_brief_example_exact_numbers":
        "RandomStreams: equal in law, not the numbers of NumPy's RandomState",
    "test_seed000_examples.py::test_random_streams_shared_between_functions": "same",
    "test_seed000_examples.py::test_seeding_single_random_variable": "same",
    "test_seed000_examples.py::test_seeding_whole_random_streams": "same",
    "test_seed000_examples.py::test_copy_random_state_between_graphs": "same",
    "test_seed004_random.py::test_question_v2_differs_v3_equals_v1": "same",
    "test_seed004_random.py::test_nearly_zeros_is_zero_and_draws_once": "same",
    "test_seed004_random.py::test_variant_rv_u_output_equals_v2": "same",
    "test_seed004_random.py::test_variant_no_default_updates_leaves_generator": "same",
    "test_seed004_random.py::test_g_normal_without_default_updates_repeats": "same",
    "test_seed004_random.py::test_get_value_returns_a_copy_of_the_state": "same",
    "test_seed002_examples.py::test_one_dimensional_array_example":
        "XLA clamps out-of-range indices instead of raising IndexError",
    "test_seed003_examples.py::test_shape_mismatch_error_names_node_and_shapes":
        "the error is JAX's TypeError at compile time (it names the node and shapes too)",
}


# Two processes (pytest -n spreads them), each starting theano and JAX once.
SEED_GROUPS = [("test_seed000_examples.py", "test_seed001_scan.py", "test_seed004_random.py"),
               ("test_seed002_examples.py", "test_seed003_examples.py")]


def test_seed_groups_cover_every_seed_file():
    found = {f for f in os.listdir(os.path.join(ROOT, "tests", "seeds"))
             if f.startswith("test_seed")}
    assert found == {f for group in SEED_GROUPS for f in group}


@pytest.mark.parametrize("seed_files", SEED_GROUPS, ids=lambda g: "+".join(f[9:12] for f in g))
def test_seed_examples_in_jax_mode(seed_files):
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
    args += ["tests/seeds/" + f for f in seed_files]
    # These start their own subprocess with their own THEANO_FLAGS (not JAX).
    args += ["-k", "not floatX_from_theano_flags_subprocess"]
    args += ["--deselect=tests/seeds/" + t for t in DIFFERENT_IN_JAX
             if t.split("::")[0] in seed_files]
    env = dict(os.environ, THEANO_FLAGS="mode=JAX")
    res = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    tail = res.stdout[-4000:] + res.stderr[-2000:]
    assert res.returncode == 0, tail
    last = res.stdout.strip().splitlines()[-1]
    assert " passed" in last and "failed" not in last and "error" not in last, tail
    assert int(last.split(" passed")[0].split()[-1]) >= 20, tail


def _example(name):
    sys.path.insert(0, os.path.join(ROOT, "examples"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.pop(0)


def _close(a, b, rtol=1e-9, atol=1e-11):
    for x, y in zip(a, b):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=rtol, atol=atol)


def test_rnn_example_trains_the_same_in_jax():
    rnn = _example("rnn_scan")
    data = rnn.sine_waves(np.random.RandomState(3), 6, 24)
    x, target = data[:-1], data[1:]
    results = {}
    for mode in ("FAST_RUN", "JAX"):
        with theano.config.change_flags(mode=mode):
            train, evaluate, continue_ = rnn.build(np.random.RandomState(0), 8)
        costs = [float(train(x, target)) for _ in range(3)]
        cost, y = evaluate(x, target)
        free5, free3 = continue_(x, 5), continue_(x, 3)  # n_steps: one compile per value
        results[mode] = costs + [cost, y, free5, free3]
        assert free5.shape == (5, 6, 1) and free3.shape == (3, 6, 1)
    _close(results["JAX"], results["FAST_RUN"])


def test_lenet_example_trains_the_same_in_jax():
    lenet = _example("digits_lenet")
    r = np.random.RandomState(1)
    images = r.uniform(0, 1, (20, 1, 8, 8)).astype(theano.config.floatX)
    labels = r.randint(0, 10, 20).astype("int32")
    results = {}
    for mode in ("FAST_RUN", "JAX"):
        with theano.config.change_flags(mode=mode):
            params, train, predict, feature_maps = lenet.build(np.random.RandomState(0), 3, 4)
        costs = [float(train(images, labels)) for _ in range(3)]
        results[mode] = (costs + [p.get_value() for p in params]
                         + [predict(images), feature_maps(images[:2])])
    _close(results["JAX"], results["FAST_RUN"], rtol=1e-8)
