"""Theano 1.0 tutorial "Loading and Saving" (doc/tutorial/loading_and_saving.txt).

The page uses Python 2's ``cPickle``/``file``; ``pickle``/``open`` are their
Python 3 spellings.
"""
import pickle

import numpy as np

import theano
import theano.tensor as T


def _model():
    W = theano.shared(np.arange(6.0).reshape(2, 3), name="W")
    b = theano.shared(np.ones(3), name="b")
    x = T.dmatrix("x")
    f = theano.function([x], T.dot(x, W) + b)
    return W, b, f


def test_pickling_theano_objects_to_a_file(tmp_path):
    W, b, f = _model()
    path = tmp_path / "obj.save"
    with open(path, "wb") as fh:
        pickle.dump(f, fh, protocol=pickle.HIGHEST_PROTOCOL)
    with open(path, "rb") as fh:
        loaded = pickle.load(fh)
    xv = np.ones((1, 2))
    np.testing.assert_array_equal(loaded(xv), f(xv))


def test_several_objects_in_one_file(tmp_path):
    W, b, f = _model()
    path = tmp_path / "objects.save"
    with open(path, "wb") as fh:
        for obj in [W, b, f]:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
    with open(path, "rb") as fh:
        loaded_objects = [pickle.load(fh) for _ in range(3)]
    assert loaded_objects[0].get_value().tolist() == W.get_value().tolist()
    assert loaded_objects[1].name == "b"
    assert loaded_objects[2](np.zeros((1, 2))).tolist() == [[1.0, 1.0, 1.0]]


class Model:
    """Long-term serialization: only the parameters are saved (``__getstate__``)."""

    def __init__(self):
        self.weights, self.bias, _ = _model()
        self.training_set = np.zeros((1000, 2))

    def __getstate__(self):
        return (self.weights.get_value(), self.bias.get_value())

    def __setstate__(self, state):
        W, b = state
        self.weights = theano.shared(W, name="W")
        self.bias = theano.shared(b, name="b")
        self.training_set = None


def test_get_and_set_state():
    m = pickle.loads(pickle.dumps(Model(), protocol=pickle.HIGHEST_PROTOCOL))
    assert m.training_set is None
    np.testing.assert_array_equal(m.weights.get_value(), np.arange(6.0).reshape(2, 3))


def test_pkl_utils_zip_format_readable_by_numpy(tmp_path):
    from theano.misc.pkl_utils import dump, load
    W, b, f = _model()
    path = tmp_path / "model.zip"
    with open(path, "wb") as fh:
        dump((W, b), fh)
    with np.load(path) as arrays:
        np.testing.assert_array_equal(arrays["W"], W.get_value())
    with open(path, "rb") as fh:
        W2, b2 = load(fh)
    np.testing.assert_array_equal(b2.get_value(), b.get_value())
