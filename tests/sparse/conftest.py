"""Shared oracles of the sparse tests (as fixtures: tests/ is not a package)."""
import numpy as np
import pytest
import scipy.sparse as sp

import theano
import theano.sparse.rewriting  # noqa: F401  (registers the sparse rewrites)
import theano.tensor as T


def random_sparse(format, shape, dtype="float64", density=0.5, rng=None, low=-2.0, high=2.0):
    """A random ``format`` matrix with about ``density`` of its cells stored."""
    rng = rng if rng is not None else np.random.RandomState(42)
    mask = rng.rand(*shape) < density
    if np.dtype(dtype).kind in "iu":
        vals = rng.randint(1, 5, size=shape)
    else:
        vals = rng.uniform(low, high, size=shape)
    return getattr(sp, format + "_matrix")(np.where(mask, vals, 0).astype(dtype))


def predicted_shapes(out, inputs, values):
    """The shape ``out.owner.op.infer_shape`` predicts, evaluated on ``values``.

    Sparse inputs get ``None`` as shape, as the shape feature passes them.
    """
    node = out.owner
    shapes = [tuple(T.shape(i)[k] for k in range(i.type.ndim))
              if isinstance(i.type, T.TensorType) else None for i in node.inputs]
    pred = node.op.infer_shape(None, node, shapes)[node.outputs.index(out)]
    dims = [T.as_tensor_variable(d) for d in pred]
    if not dims:
        return ()
    f = theano.function(inputs, dims, on_unused_input="ignore", mode="FAST_COMPILE")
    return tuple(int(d) for d in f(*values))


def evaluate(outs, inputs, values, mode="FAST_COMPILE"):
    return theano.function(inputs, outs, mode=mode, on_unused_input="ignore")(*values)


@pytest.fixture
def rng():
    return np.random.RandomState(1234)


@pytest.fixture
def rand_sparse():
    return random_sparse


@pytest.fixture
def check_infer_shape():
    def check(out, inputs, values, expected_shape=None):
        if expected_shape is None:
            expected_shape = evaluate(out, inputs, values).shape
        assert predicted_shapes(out, inputs, values) == tuple(expected_shape)
    return check


@pytest.fixture(name="predicted_shapes")
def _predicted_shapes():
    return predicted_shapes


@pytest.fixture
def run():
    return evaluate


def dense(v):
    return v.toarray() if sp.issparse(v) else np.asarray(v)


@pytest.fixture
def todense():
    return dense

