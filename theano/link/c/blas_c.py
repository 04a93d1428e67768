"""C kernels of the matrix products: ``Dot``, ``Gemm``, ``Gemv``, ``Ger``, ``BatchedDot``
and ``DotEpilogue`` (a product and the elementwise work on its result) (``c_code/th_blas.c``).

They call the BLAS NumPy itself uses, so a compiled function and the user's NumPy code
share one BLAS thread pool.  Other dtypes (integers, float16) keep NumPy's ``perform``.
"""
from theano.link.c.elemwise_c import elemwise_kernel
from theano.link.c.registry import CKernel, register_c_kernel
from theano.tensor.blas import Gemm, Gemv, Ger
from theano.tensor.blas_epilogue import DotEpilogue
from theano.tensor.elemwise import Elemwise
from theano.tensor.math import BatchedDot, Dot

__all__ = []

_BLAS_DTYPES = ("float32", "float64", "complex64", "complex128")
_REAL = ("float32", "float64")


def _all_dtype(node, dtypes):
    dts = {v.type.dtype for v in list(node.inputs) + list(node.outputs)}
    return len(dts) == 1 and dts.pop() in dtypes


@register_c_kernel(Dot)
def dot_kernel(node, module):
    x, y = node.inputs
    if not _all_dtype(node, _BLAS_DTYPES) or x.type.ndim > 2 or y.type.ndim > 2:
        return None
    if (x.type.ndim < 2 or y.type.ndim < 2) and node.outputs[0].type.dtype not in _REAL:
        return None  # complex matrix-vector products: NumPy
    return CKernel(builtin="dot")


@register_c_kernel(Gemm)
def gemm_kernel(node, module):
    if not _all_dtype(node, _BLAS_DTYPES):
        return None
    return CKernel(builtin="gemm", params=(node.op.inplace,))


@register_c_kernel(Gemv)
def gemv_kernel(node, module):
    if not _all_dtype(node, _REAL):
        return None
    return CKernel(builtin="gemv", params=(node.op.inplace,))


@register_c_kernel(Ger)
def ger_kernel(node, module):
    if not _all_dtype(node, _REAL):
        return None
    return CKernel(builtin="ger", params=(node.op.destructive,))


@register_c_kernel(BatchedDot)
def batched_dot_kernel(node, module):
    x, y = node.inputs
    if not _all_dtype(node, _BLAS_DTYPES) or x.type.ndim != 3 or y.type.ndim != 3:
        return None
    return CKernel(builtin="batched_dot")


@register_c_kernel(DotEpilogue)
def dot_epilogue_kernel(node, module):
    """gemm into the output, then the elementwise part in place (its spec is generated
    into ``module`` as for an Elemwise node)."""
    x, y = node.inputs[:2]
    dtype = node.outputs[0].type.dtype
    if dtype not in _REAL or x.type.dtype != dtype or y.type.dtype != dtype:
        return None
    _, ew = node.op._inner(list(node.inputs))
    inplace = Elemwise(node.op.scalar_op, {0: 0}).make_node(*ew.inputs)
    k = elemwise_kernel(inplace, module)
    if k is None:
        return None
    return CKernel(builtin="dot_epilogue", data=k.data)
