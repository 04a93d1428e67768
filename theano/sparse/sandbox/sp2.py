"""Random sparse matrices: Poisson, binomial and multinomial samples.

As in Theano 1.0, these ops draw from NumPy's global generator (seed it with
``numpy.random.seed`` for reproducible runs), so two calls with the same
inputs differ: they are never constant-folded.  They have no gradient.

The other names (``Remove0``, ``Cast``, ``structured_*``, ``sampling_dot``...)
are re-exported for code that imported them from here.
"""
import numpy as np
import scipy.sparse

from theano.graph.basic import Apply
from theano.graph.null_type import disconnected_type, grad_undefined
from theano.graph.op import Op
from theano.graph.rules import register_connection_pattern, register_grad
from theano.scalar.basic import discrete_dtypes, float_dtypes
from theano.tensor import basic as tb
from theano.sparse.basic import (  # noqa: F401  (re-exported for compatibility)
    CSC, CSM, CSR, AddSSData, Cast, CSMProperties, HStack, MulSV, Remove0, SamplingDot,
    SparseType, StructuredAddSV, VStack, add_s_s, add_s_s_data, as_sparse_variable, bcast,
    ccast, csm_data, csm_indices, csm_indptr, csm_properties, csm_shape, dcast, dot, fcast,
    hstack, icast, lcast, mul_s_d, mul_s_s, mul_s_v, neg, remove0, sampling_dot,
    structured_add, structured_add_s_v, structured_exp, structured_log, structured_maximum,
    structured_minimum, structured_monoid, structured_pow, structured_sigmoid, vstack, wcast,
    zcast, _is_dense_variable, _is_sparse, _is_sparse_variable)
from theano.sparse.core import _shape_of, _sparse_input, _tensor_input

__all__ = ["Poisson", "poisson", "Binomial", "csr_fbinomial", "csc_fbinomial",
           "csr_dbinomial", "csc_dbinomial", "Multinomial", "multinomial", "EliminateZeros",
           "eliminate_zeros"]

EliminateZeros = Remove0
eliminate_zeros = remove0


class _RandomOp(Op):
    def do_constant_folding(self, node):
        return False


class Poisson(_RandomOp):
    """A matrix with ``x``'s pattern whose values are Poisson samples of mean ``x``'s values.

    Samples equal to zero are removed from the result.
    """

    __props__ = ()

    def make_node(self, x):
        x = _sparse_input(self, x, 0)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, out):
        x = inputs[0]
        if x.nnz and np.min(x.data) < 0:
            raise ValueError("%s: the means must be non-negative" % self)
        res = x.copy()
        res.data = np.asarray(np.random.poisson(res.data), dtype=x.dtype)
        res.eliminate_zeros()
        out[0][0] = res

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 0)]


poisson = Poisson()


class Binomial(_RandomOp):
    """A ``shape`` matrix of binomial samples (``n`` trials of probability ``p``)."""

    __props__ = ("format", "dtype")

    def __init__(self, format, dtype):
        if format not in ("csr", "csc"):
            raise ValueError("Binomial: format must be 'csr' or 'csc', got %r" % (format,))
        self.format = format
        self.dtype = np.dtype(dtype).name

    def make_node(self, n, p, shape):
        n = tb.as_tensor_variable(n)
        p = tb.as_tensor_variable(p)
        shape = _tensor_input(self, shape, 2, (1,), "shape vector")
        if n.type.ndim != 0 or n.type.dtype not in discrete_dtypes:
            raise TypeError("%s: n must be an integer scalar, got %s" % (self, n.type))
        if p.type.ndim != 0 or p.type.dtype not in float_dtypes:
            raise TypeError("%s: p must be a float scalar, got %s" % (self, p.type))
        if shape.type.dtype not in discrete_dtypes:
            raise TypeError("%s: shape must hold integers, got %s" % (self, shape.type))
        return Apply(self, [n, p, shape], [SparseType(self.format, self.dtype)()])

    def perform(self, node, inputs, out):
        n, p, shape = inputs
        if len(shape) != 2:
            raise ValueError("%s: shape must have 2 entries, got %s" % (self, shape))
        draws = np.random.binomial(n, p, size=tuple(int(s) for s in shape))
        out[0][0] = SparseType.format_cls[self.format](draws.astype(self.dtype))

    def infer_shape(self, fgraph, node, shapes):
        shape = node.inputs[2]
        return [(shape[0], shape[1])]


csr_fbinomial = Binomial("csr", "float32")
csc_fbinomial = Binomial("csc", "float32")
csr_dbinomial = Binomial("csr", "float64")
csc_dbinomial = Binomial("csc", "float64")


class Multinomial(_RandomOp):
    """Row ``i`` of the csr ``p`` (probabilities summing to 1) replaced by a multinomial
    sample of ``n[i]`` trials (``n`` a scalar or one count per row)."""

    __props__ = ()

    def make_node(self, n, p):
        n = _tensor_input(self, n, 0, (0, 1), "count")
        p = _sparse_input(self, p, 1, ("csr",))
        if n.type.dtype not in discrete_dtypes:
            raise TypeError("%s: n must hold integers, got %s" % (self, n.type))
        return Apply(self, [n, p], [p.type()])

    def perform(self, node, inputs, out):
        n, p = inputs
        rows = p.shape[0]
        n = np.broadcast_to(n, (rows,)) if n.ndim == 0 or n.shape[0] == rows else None
        if n is None:
            raise ValueError("%s: n must have one count per row of p (%d)" % (self, rows))
        counts = np.diff(p.indptr)
        res = p.copy()
        if rows and p.nnz:
            width = counts.max()
            # Pad every row's probabilities to the same width with zeros, draw all
            # rows at once, then keep the stored positions.
            pos = np.arange(p.nnz) - np.repeat(p.indptr[:-1], counts)
            major = np.repeat(np.arange(rows), counts)
            pvals = np.zeros((rows, width))
            pvals[major, pos] = p.data
            rng = np.random.default_rng(np.random.randint(2 ** 31))
            draws = rng.multinomial(n, pvals)
            res.data = draws[major, pos].astype(p.dtype)
        out[0][0] = res

    def infer_shape(self, fgraph, node, shapes):
        return [_shape_of(node, shapes, 1)]


multinomial = Multinomial()


def _no_gradient(op, inputs, outputs, gouts):
    return [grad_undefined(op, k, x, "random samples have no gradient")
            if k < 2 else disconnected_type() for k, x in enumerate(inputs)]


register_grad(Poisson, Binomial, Multinomial)(_no_gradient)
register_connection_pattern(Binomial)(lambda op, node: [[True], [True], [False]])
