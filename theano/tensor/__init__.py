"""Symbolic tensors: types, constructors and the NumPy-like function library."""
from theano.tensor.type import *  # noqa: F401,F403
from theano.tensor.type import TensorType, tensor  # noqa: F401
from theano.tensor.var import TensorVariable, TensorConstant, _tensor_py_operators  # noqa: F401
from theano.tensor.basic import *  # noqa: F401,F403
from theano.tensor.elemwise import Elemwise, DimShuffle, CAReduce, Sum, Prod  # noqa: F401
from theano.tensor.math import *  # noqa: F401,F403
import sys as _sys  # noqa: E402

var = _sys.modules["theano.tensor.var"]  # callable module: T.var(x) and T.var.TensorVariable
from theano.tensor.shape import *  # noqa: F401,F403
from theano.tensor.alloc import *  # noqa: F401,F403
from theano.tensor.join import *  # noqa: F401,F403
from theano.tensor.sort import *  # noqa: F401,F403
from theano.tensor.extra_ops import *  # noqa: F401,F403
from theano.tensor.sharedvar import TensorSharedVariable  # noqa: F401
from theano.tensor.subtensor import *  # noqa
from theano.gradient import (Rop, Lop, grad, jacobian, hessian, verify_grad,  # noqa: F401,E402
                             numeric_grad, consider_constant)
from theano.tensor import nnet  # noqa: F401,E402
from theano.tensor import raw_random, shared_randomstreams  # noqa: F401,E402  (registers theano.shared(RandomState))
import theano.tensor.rewriting  # noqa: F401,E402  (registers the standard rewrites)
