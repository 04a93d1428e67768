"""Compiling graphs into callable functions: function, In/Out, shared, modes."""
from theano.graph.sharedvalue import SharedVariable, shared, shared_constructor  # noqa: F401
from theano.compile.io import In, Out, Param  # noqa: F401
from theano.compile.mode import Mode, get_mode, FAST_RUN, FAST_COMPILE  # noqa: F401
from theano.compile.function import function, Function, FunctionMaker  # noqa: F401
from theano.compile.function import UnusedInputError, MissingInputError  # noqa: F401
from theano.compile import debugmode, nanguardmode  # noqa: F401,E402  (register DebugMode, NanGuardMode)
# Theano 1.0's other names here, used by code that extends Theano.
from theano.compile import ops, pfunc  # noqa: F401,E402  (pfunc: the module, also callable)
from theano.compile.debugmode import DebugMode  # noqa: F401,E402
from theano.compile.io import SymbolicInput, SymbolicOutput  # noqa: F401,E402
from theano.compile.mode import get_default_mode, predefined_modes, register_mode  # noqa: F401,E402
from theano.compile.monitormode import MonitorMode  # noqa: F401,E402
from theano.compile.nanguardmode import NanGuardMode  # noqa: F401,E402
from theano.compile.ops import (DeepCopyOp, ViewOp, as_op, deep_copy_op,  # noqa: F401,E402
                                view_op)
from theano.compile.profiling import ProfileStats  # noqa: F401,E402
