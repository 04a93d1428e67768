"""The standard tensor rewrites, registered in ``theano.rewriting.db.optdb`` on import.

Modules: ``basic`` (constant folding, useless ops, fill/alloc, casts,
DimShuffle), ``shape`` (shape inference), ``math`` (canonicalization),
``stabilize`` (numerically stable forms), ``subtensor``, ``blas`` (gemm
forms), ``nnet`` (softmax / cross-entropy), ``fusion`` (elementwise fusion),
``reduce_fusion`` (reductions fused with their elementwise input), ``blas_epilogue``
(matrix products fused with the elementwise work on their result) and ``inplace``
(in-place ops, with the destroy handler).
"""
from theano.tensor.rewriting import basic, shape, math, stabilize  # noqa: F401
from theano.tensor.rewriting import subtensor, blas, nnet, fusion, inplace  # noqa: F401
from theano.tensor.rewriting import reduce_fusion, blas_epilogue  # noqa: F401
