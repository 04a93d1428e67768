"""Symbolic tensors: types, constructors and the NumPy-like function library.

``T.grad``, ``T.Rop``, ``T.jacobian``... are added to this namespace by
:mod:`theano.gradient`, which sits above the tensor layer (``import
theano.tensor`` imports ``theano`` first, so they are always there).
"""
import sys as _sys

from theano.tensor.type import *  # noqa: F401,F403
from theano.tensor.type import TensorType, tensor  # noqa: F401
from theano.tensor.var import TensorVariable, TensorConstant, _tensor_py_operators  # noqa: F401
from theano.tensor.basic import *  # noqa: F401,F403
from theano.tensor.elemwise import Elemwise, DimShuffle, CAReduce, Sum, Prod  # noqa: F401
from theano.tensor.math import *  # noqa: F401,F403

var = _sys.modules["theano.tensor.var"]  # callable module: T.var(x) and T.var.TensorVariable
from theano.tensor.shape import *  # noqa: F401,F403,E402
from theano.tensor.alloc import *  # noqa: F401,F403,E402
from theano.tensor.join import *  # noqa: F401,F403,E402
from theano.tensor.sort import *  # noqa: F401,F403,E402
from theano.tensor.extra_ops import *  # noqa: F401,F403,E402
from theano.tensor.sharedvar import TensorSharedVariable  # noqa: F401,E402
from theano.tensor.subtensor import *  # noqa: F401,F403,E402
from theano.tensor import nnet  # noqa: F401,E402
from theano.tensor import random, raw_random, shared_randomstreams  # noqa: F401,E402
# The gradient rules of the ops above (registered on import).
from theano.tensor import (elemwise_grad, extra_ops_grad, math_grad, shape_grad,  # noqa: F401,E402
                           subtensor_grad)
from theano.tensor.gradient_ops import consider_constant  # noqa: F401,E402
from theano.tensor import fft, nlinalg, slinalg  # noqa: F401,E402
from theano.tensor import signal  # noqa: F401,E402  (T.signal.pool, T.signal.conv)
# Graph classes Theano 1.0 code reaches through this namespace (T.Variable...).
from theano.graph.basic import Apply, Constant, Variable  # noqa: F401,E402
from theano.tensor.shape import MakeVector, make_vector  # noqa: F401,E402
