"""C kernels of the softmax family and the one-hot cross-entropies (``c_code/kernels_nnet.c``).

``Softmax``, ``LogSoftmax``, ``SoftmaxWithBias``, ``SoftmaxGrad``,
``CrossentropySoftmaxArgmax1HotWithBias``, ``CrossentropySoftmax1HotWithBiasDx``,
``CrossentropyCategorical1Hot`` and ``CrossentropyCategorical1HotGrad`` over float32 and
float64 tensors (rows in parallel above the runtime's thread threshold).  The kernels
compute in double and round where perform computes in float32 (when every float input
is float32), so float64 results agree with perform to about 1e-15 and float32 ones to
float32 rounding.

What stays in NumPy: float16 inputs (perform computes them in float32), and tensors of
more than 32 dimensions.
"""
from theano.link.c.registry import register_c_kernel
from theano.link.c.shape_c import NamedKernel
from theano.tensor.nnet.basic import (CrossentropyCategorical1Hot,
                                      CrossentropyCategorical1HotGrad,
                                      CrossentropySoftmax1HotWithBiasDx,
                                      CrossentropySoftmaxArgmax1HotWithBias, LogSoftmax,
                                      Softmax, SoftmaxGrad, SoftmaxWithBias)
from theano.tensor.type import TensorType

__all__ = []

_FLOATS = ("float32", "float64")
_MAXDIM = 32


def _float_inputs(node):
    """The dtypes of the node's float inputs, or None when one of its tensors is not a
    float32/float64 or integer tensor the kernels take."""
    dts = []
    for v in list(node.inputs) + list(node.outputs):
        if not isinstance(v.type, TensorType) or v.type.ndim > _MAXDIM:
            return None
        d = v.type.dtype
        if d.startswith("float"):
            if d not in _FLOATS:
                return None
            if v in node.inputs:
                dts.append(d)
        elif not d.startswith(("int", "uint")):
            return None
    return dts


def _round32(dts):
    """1 when perform computes in float32: every float input is float32."""
    return int(all(d == "float32" for d in dts))


def _kernel(builtin, extra=()):
    def gen(node, module):
        dts = _float_inputs(node)
        if dts is None:
            return None
        return NamedKernel(builtin, list(extra) + [_round32(dts)], str(node.op))
    return gen


register_c_kernel(Softmax)(_kernel("softmax", (0, 0)))
register_c_kernel(LogSoftmax)(_kernel("softmax", (1, 0)))
register_c_kernel(SoftmaxWithBias)(_kernel("softmax", (0, 1)))
register_c_kernel(SoftmaxGrad)(_kernel("softmax_grad"))
register_c_kernel(CrossentropySoftmaxArgmax1HotWithBias)(_kernel("xent_softmax"))
register_c_kernel(CrossentropySoftmax1HotWithBiasDx)(_kernel("xent_softmax_dx"))
register_c_kernel(CrossentropyCategorical1Hot)(_kernel("xent_categorical"))
register_c_kernel(CrossentropyCategorical1HotGrad)(_kernel("xent_categorical_grad"))
