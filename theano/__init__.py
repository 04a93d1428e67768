"""Theano: define, optimize and evaluate mathematical expressions over arrays.

>>> import theano, theano.tensor as T
>>> x = T.dscalar('x')
>>> f = theano.function([x], x * 2)
>>> float(f(3))
6.0
"""
__version__ = "1.0.0+ng0.1"

from theano.configparser import config, change_flags  # noqa: F401
from theano.graph.basic import Apply, Constant, Variable  # noqa: F401
from theano.graph.fg import FunctionGraph  # noqa: F401
from theano.graph.op import Op  # noqa: F401
from theano.graph.type import Type, generic  # noqa: F401
from theano.graph.replace import clone_replace as clone  # noqa: F401
from theano.compile import (In, Out, Param, SharedVariable, function, Function,  # noqa: F401
                            shared, Mode)
import theano.tensor  # noqa: F401  (also binds `theano`, which `from theano import *` exports)
from theano import tensor  # noqa: F401
from theano import gradient  # noqa: F401,E402
from theano.gradient import grad, subgraph_grad  # noqa: F401,E402
from theano.tensor.sharedvar import TensorSharedVariable  # noqa: F401,E402
from theano import printing  # noqa
from theano.printing import pp  # noqa
# `theano.scan` is both the scan package and, being a callable module, the function.
from theano import scan  # noqa: F401,E402
from theano.scan import map, reduce, foldl, foldr  # noqa: F401,E402

from theano import compile  # noqa: F401,E402
from theano import ifelse  # noqa: F401,E402
# Theano 1.0's other top-level names and modules.
from theano import compat, gof, misc, scan_module  # noqa: F401,E402
from theano.tensor import opt as _tensor_opt  # noqa: F401,E402  (binds T.opt, as in 1.0)
from theano.gradient import Lop, Rop  # noqa: F401,E402
from theano.graph.sharedvalue import OrderedUpdates, shared_constructor  # noqa: F401,E402
from theano.tensor.basic import get_scalar_constant_value  # noqa: F401,E402
from theano.misc.pkl_utils import function_dump  # noqa: F401,E402


def dot(l, r):
    """The product of ``l`` and ``r``, dense or sparse (Theano 1.0's ``theano.dot``).

    The operands choose the implementation: ``l.__dot__(r)``, else
    ``r.__rdot__(l)`` (sparse variables define both), else ``T.dot``.
    """
    for owner, method, other in ((l, "__dot__", r), (r, "__rdot__", l)):
        fn = getattr(owner, method, None)
        if fn is not None:
            res = fn(other)
            if res is not NotImplemented:
                return res
    return tensor.dot(l, r)

# Theano 1.0 had no __all__, so ``from theano import *`` gave every public
# name; list the ones its tutorials rely on.  ``map`` and ``reduce`` are left
# out on purpose: a star import must not shadow Python's builtins (use
# ``theano.map`` / ``theano.reduce``).
__all__ = ["theano", "function", "shared", "In", "Param", "Out", "config", "tensor", "Mode",
           "FunctionGraph", "Variable", "Apply", "Op", "Type", "clone", "change_flags",
           "pp", "printing", "grad", "gradient", "subgraph_grad", "scan", "foldl", "foldr",
           "compile", "ifelse", "SharedVariable", "Function", "generic",
           "Constant"]
