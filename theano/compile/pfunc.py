"""``theano.compile.pfunc``: Theano 1.0's lower-level entry point behind ``theano.function``.

``theano.compile.pfunc`` is both this module (``from theano.compile.pfunc
import pfunc``) and, as in Theano 1.0 where the package re-exported the
function under the module's name, the function itself.
"""
import sys
import types

from theano.compile.function import function

__all__ = ["pfunc"]


def pfunc(params, outputs=None, mode=None, updates=None, givens=None, no_default_updates=False,
          accept_inplace=False, name=None, rebuild_strict=True, allow_input_downcast=None,
          profile=None, on_unused_input=None, output_keys=None):
    """Compile a function from ``params`` (variables, ``In`` or ``Param``) to ``outputs``.

    The arguments are those of :func:`theano.function`; ``output_keys``
    (Theano's internal spelling of dict outputs) names the outputs, which are
    then returned as a dict.

    Examples
    --------
    >>> import theano.tensor as T
    >>> from theano.compile.pfunc import pfunc
    >>> x = T.dscalar('x')
    >>> float(pfunc([x], x * 2)(3.0))
    6.0
    """
    if output_keys is not None:
        outputs = dict(zip(output_keys, outputs))
    return function(params, outputs, mode=mode, updates=updates, givens=givens,
                    no_default_updates=no_default_updates, accept_inplace=accept_inplace,
                    name=name, rebuild_strict=rebuild_strict,
                    allow_input_downcast=allow_input_downcast, profile=profile,
                    on_unused_input=on_unused_input)


class _CallableModule(types.ModuleType):
    def __call__(self, *args, **kwargs):
        return pfunc(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
