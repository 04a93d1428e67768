"""``theano.tensor.nnet.nnet``: the module path of Theano 1.0's neural-network functions.

The softmax family, cross-entropies and activations live in
:mod:`theano.tensor.nnet.basic` and :mod:`theano.tensor.nnet.sigm` and are
re-exported here, so ``from theano.tensor.nnet.nnet import softsign`` (as
Keras does) keeps working.  This module adds what those lack: the
hierarchical softmax :func:`h_softmax` and the ``prepend_*_to_each_row`` ops.
"""
import numpy as np

from theano.graph.basic import Apply
from theano.graph.op import Op
from theano.graph.rules import register_grad
from theano.tensor import math as tm
from theano.tensor.alloc import arange
from theano.tensor.basic import as_tensor_variable, cast
from theano.tensor.nnet import basic as _basic
from theano.tensor.nnet.basic import *  # noqa: F401,F403
from theano.tensor.nnet.basic import softmax
from theano.tensor.nnet.sigm import (hard_sigmoid, scalar_sigmoid, sigmoid,  # noqa: F401
                                     sigmoid_inplace, softplus, ultra_fast_sigmoid)
from theano.tensor.shape import reshape
from theano.tensor.type import TensorType

__all__ = list(_basic.__all__) + [
    "hard_sigmoid", "scalar_sigmoid", "sigmoid", "sigmoid_inplace", "softplus",
    "ultra_fast_sigmoid", "h_softmax", "Prepend_scalar_constant_to_each_row",
    "Prepend_scalar_to_each_row", "prepend_0_to_each_row", "prepend_1_to_each_row",
    "prepend_scalar_to_each_row"]


def h_softmax(x, batch_size, n_outputs, n_classes, n_outputs_per_class, W1, b1, W2, b2,
              target=None):
    """Two-level hierarchical softmax.

    The ``n_outputs`` outputs are split in ``n_classes`` classes of
    ``n_outputs_per_class`` consecutive outputs (with ``n_outputs=10`` and
    ``n_classes=2``, class 0 holds outputs 0..4).  A first softmax gives the
    probability of each class, a second one the probability of each output
    within its class; an output's probability is their product.

    Parameters
    ----------
    x : matrix ``(batch_size, n_features)``
    batch_size : int or symbolic scalar
    n_outputs : int
        At most ``n_classes * n_outputs_per_class``; extra outputs are dropped.
    n_classes, n_outputs_per_class : int
    W1 : ``(n_features, n_classes)``, b1 : ``(n_classes,)``
        Parameters of the class softmax.
    W2 : ``(n_classes, n_features, n_outputs_per_class)``,
    b2 : ``(n_classes, n_outputs_per_class)``
        Parameters of the per-class softmaxes.
    target : None or int tensor ``(batch_size,)`` or ``(batch_size, 1)``
        When given, only the probability of each row's target is computed
        (cost ``O(n_classes + n_outputs_per_class)`` per row).

    Returns
    -------
    ``(batch_size, n_outputs)`` probabilities, or ``(batch_size,)`` with ``target``.

    Examples
    --------
    >>> import numpy as np, theano, theano.tensor as T
    >>> rng = np.random.RandomState(0)
    >>> n_classes = n_per_class = 3
    >>> W1 = theano.shared(rng.normal(0, .1, (4, n_classes)))
    >>> b1 = theano.shared(np.zeros(n_classes))
    >>> W2 = theano.shared(rng.normal(0, .1, (n_classes, 4, n_per_class)))
    >>> b2 = theano.shared(np.zeros((n_classes, n_per_class)))
    >>> x = T.dmatrix('x')
    >>> probs = h_softmax(x, x.shape[0], 9, n_classes, n_per_class, W1, b1, W2, b2)
    >>> np.allclose(theano.function([x], probs)(rng.randn(2, 4)).sum(axis=1), 1)
    True
    """
    x = as_tensor_variable(x)
    class_probs = softmax(tm.dot(x, W1) + b1)
    if target is None:
        activations = tm.tensordot(x, W2, (1, 1)) + b2
        probs = softmax(reshape(activations, (-1, n_outputs_per_class), ndim=2))
        probs = reshape(probs, (batch_size, n_classes, -1), ndim=3)
        probs = class_probs.dimshuffle(0, 1, "x") * probs
        return reshape(probs, (batch_size, -1), ndim=2)[:, :n_outputs]
    target = as_tensor_variable(target).flatten()
    target_classes = target // n_outputs_per_class
    target_in_class = target % n_outputs_per_class
    # Only the target class's block of W2 is used for each row.
    activations = tm.batched_dot(x, W2[target_classes]) + b2[target_classes]
    rows = arange(batch_size)
    out_probs = softmax(activations)[rows, target_in_class]
    return class_probs[rows, target_classes] * out_probs


# ---------------------------------------------------------------------------
# Prepend a column to a matrix
# ---------------------------------------------------------------------------
def _matrix(mat, op):
    mat = as_tensor_variable(mat)
    if mat.type.ndim != 2:
        raise TypeError("%s: mat must be a matrix, got %s (%d-d)"
                        % (type(op).__name__, mat, mat.type.ndim))
    return mat


class Prepend_scalar_constant_to_each_row(Op):
    """Prepend the column ``val`` (a constant) to a matrix."""

    __props__ = ("val",)

    def __init__(self, val=0):
        if isinstance(val, np.ndarray):
            val = val.item()
        self.val = val

    def __str__(self):
        return "%s{%s}" % (type(self).__name__, self.val)

    def make_node(self, mat):
        mat = _matrix(mat, self)
        return Apply(self, [mat], [TensorType(mat.type.dtype, (False, False))()])

    def perform(self, node, inputs, output_storage):
        (mat,) = inputs
        out = np.empty((mat.shape[0], mat.shape[1] + 1), dtype=node.outputs[0].type.dtype)
        out[:, 0] = self.val
        out[:, 1:] = mat
        output_storage[0][0] = out

    def infer_shape(self, fgraph, node, shapes):
        rows, cols = shapes[0]
        return [(rows, cols + 1)]


class Prepend_scalar_to_each_row(Op):
    """Prepend the column ``val`` (a symbolic scalar) to a matrix: ``op(val, mat)``."""

    __props__ = ()

    def make_node(self, val, mat):
        val = as_tensor_variable(val)
        if val.type.ndim != 0:
            raise TypeError("%s: val must be a scalar, got %s (%d-d)"
                            % (type(self).__name__, val, val.type.ndim))
        mat = _matrix(mat, self)
        dtype = np.result_type(val.type.dtype, mat.type.dtype).name
        val, mat = (v if v.type.dtype == dtype else cast(v, dtype) for v in (val, mat))
        return Apply(self, [val, mat], [TensorType(dtype, (False, False))()])

    def perform(self, node, inputs, output_storage):
        val, mat = inputs
        out = np.empty((mat.shape[0], mat.shape[1] + 1), dtype=node.outputs[0].type.dtype)
        out[:, 0] = val
        out[:, 1:] = mat
        output_storage[0][0] = out

    def infer_shape(self, fgraph, node, shapes):
        rows, cols = shapes[1]
        return [(rows, cols + 1)]


@register_grad(Prepend_scalar_constant_to_each_row)
def _prepend_constant_grad(op, inputs, outputs, output_grads):
    return [output_grads[0][:, 1:]]


@register_grad(Prepend_scalar_to_each_row)
def _prepend_scalar_grad(op, inputs, outputs, output_grads):
    (gz,) = output_grads
    return [tm.sum(gz[:, 0]), gz[:, 1:]]


prepend_scalar_to_each_row = Prepend_scalar_to_each_row()
prepend_0_to_each_row = Prepend_scalar_constant_to_each_row(0.)
prepend_1_to_each_row = Prepend_scalar_constant_to_each_row(1.)
