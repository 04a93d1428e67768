"""Compiling graphs into callable functions: function, In/Out, shared, modes."""
from theano.graph.sharedvalue import SharedVariable, shared, shared_constructor  # noqa: F401
from theano.compile.io import In, Out, Param  # noqa: F401
from theano.compile.mode import Mode, get_mode, FAST_RUN, FAST_COMPILE  # noqa: F401
from theano.compile.function import function, Function, FunctionMaker  # noqa: F401
from theano.compile.function import UnusedInputError, MissingInputError  # noqa: F401
from theano.compile import debugmode, nanguardmode  # noqa: F401,E402  (register DebugMode, NanGuardMode)
