"""C kernel of MRG31k3p (``mrg_uniform``), bit-identical to the NumPy core."""
import numpy as np

from theano.link.c.registry import CKernel, register_c_kernel
from theano.tensor.random.mrg import mrg_uniform

__all__ = []


@register_c_kernel(mrg_uniform)
def mrg_uniform_kernel(node, module):
    dtype = node.outputs[1].type.dtype
    if dtype not in ("float32", "float64"):
        return None  # float16 keeps the NumPy core
    return CKernel(builtin="mrg_uniform",
                   params=(np.dtype(dtype).num, node.outputs[1].type.ndim))
