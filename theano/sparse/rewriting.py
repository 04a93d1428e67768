"""Graph rewrites of sparse graphs, registered in ``theano.rewriting.db`` on import.

* ``local_csm_properties_csm``: ``csm_properties(CSM(d, i, p, s))`` -> ``(d, i, p, s)``,
  so chains of structured functions (``sqrt(exp(x))``) and their gradients
  work on the data vector without rebuilding matrices in between;
* ``local_dense_from_sparse_sparse_from_dense``: ``dense_from_sparse(csr_from_dense(x))``
  -> ``x``;
* ``local_sparse_shape_csm``: the shape of ``CSM(d, i, p, s)`` is ``s``;
* ``local_usmm``: ``z - alpha * dot(x, y)`` (or ``z + ...``) with a sparse ``x`` or ``y``
  -> ``usmm(-alpha, x, y, z)``, one pass over the product instead of three.

``Remove0`` and ``EnsureSortedIndices`` become in place through the generic
``inplace_ops`` pass (they have an ``inplace`` property), with the destroy
handler's checks.
"""
import theano.scalar.basic as ts
from theano.rewriting.basic import node_rewriter
from theano.rewriting.db import register_canonicalize, register_specialize
from theano.tensor import basic as tb
from theano.tensor import math as tm
from theano.tensor.elemwise import DimShuffle, Elemwise
from theano.tensor.rewriting.basic import fit_type, scalar_op_of
from theano.sparse import core
from theano.sparse.products import Dot, usmm

__all__ = ["local_csm_properties_csm", "local_dense_from_sparse_sparse_from_dense",
           "local_sparse_shape_csm", "local_usmm"]


@node_rewriter([core.CSMProperties])
def local_csm_properties_csm(fgraph, node):
    """``csm_properties(CSM(data, indices, indptr, shape))`` -> the CSM's inputs."""
    csm = node.inputs[0]
    if csm.owner is None or not isinstance(csm.owner.op, core.CSM):
        return False
    new = [fit_type(i, o) for i, o in zip(csm.owner.inputs, node.outputs)]
    if any(n is None for n in new):
        return False
    return new


register_canonicalize(local_csm_properties_csm)
register_specialize(local_csm_properties_csm)


@node_rewriter([core.DenseFromSparse])
def local_dense_from_sparse_sparse_from_dense(fgraph, node):
    """``dense_from_sparse(sparse_from_dense(x))`` -> ``x``."""
    inp = node.inputs[0]
    if inp.owner is None or not isinstance(inp.owner.op, core.SparseFromDense):
        return False
    new = fit_type(inp.owner.inputs[0], node.outputs[0])
    return [new] if new is not None else False


register_canonicalize(local_dense_from_sparse_sparse_from_dense, "fast_compile")
register_specialize(local_dense_from_sparse_sparse_from_dense)


@node_rewriter([core.SparseShape])
def local_sparse_shape_csm(fgraph, node):
    """The shape of ``CSM(data, indices, indptr, shape)`` is ``shape`` (as int64)."""
    x = node.inputs[0]
    if x.owner is None or not isinstance(x.owner.op, core.CSM):
        return False
    return [fit_type(tb.cast(x.owner.inputs[3], "int64"), node.outputs[0])]


register_canonicalize(local_sparse_shape_csm)
register_specialize(local_sparse_shape_csm)


def _single_client(fgraph, var):
    return len(fgraph.clients.get(var, ())) == 1


def _scaled_dot(fgraph, var):
    """``(alpha, dot_node)`` if ``var`` is ``dot(x, y)`` or ``alpha * dot(x, y)``
    (a sparse Dot used only there, ``alpha`` a scalar), else None."""
    if var.owner is None or not _single_client(fgraph, var):
        return None
    if isinstance(var.owner.op, Dot) and var.type.ndim == 2:
        return None, var.owner
    if not isinstance(scalar_op_of(var), ts.Mul) or len(var.owner.inputs) != 2:
        return None
    for k in (0, 1):
        alpha, d = var.owner.inputs[k], var.owner.inputs[1 - k]
        if (all(alpha.type.broadcastable) and d.owner is not None
                and isinstance(d.owner.op, Dot) and _single_client(fgraph, d)):
            return alpha, d.owner
    return None


@node_rewriter([Elemwise], scalar=(ts.Add, ts.Sub))
def local_usmm(fgraph, node):
    """``z +/- alpha * dot(x, y)`` -> ``usmm(+/-alpha, x, y, z)`` for a sparse dot."""
    if len(node.inputs) != 2 or node.outputs[0].type.ndim != 2:
        return False
    sub = isinstance(node.op.scalar_op, ts.Sub)
    for k in ((1,) if sub else (1, 0)):
        z, prod = node.inputs[1 - k], node.inputs[k]
        found = _scaled_dot(fgraph, prod)
        if found is None or z.type.ndim != 2:
            continue
        alpha, dot_node = found
        if alpha is None:
            alpha = tb.constant(1, dtype=prod.type.dtype)
        if alpha.type.ndim:
            alpha = DimShuffle(alpha.type.broadcastable, [])(alpha)
        if sub:
            alpha = tm.neg(alpha)
        new = usmm(alpha, *dot_node.inputs, z)
        return [fit_type(new, node.outputs[0])]
    return False


register_specialize(local_usmm)
