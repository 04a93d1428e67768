"""Theano 1.0's ``theano.gof.toolbox``: the FunctionGraph features rewrites attach.

``ReplaceValidate`` is kept for rewrites that attach it in ``add_requirements``: every
FunctionGraph already has ``replace_validate`` (a replace followed by the checks of the
attached features), so the feature adds nothing.
"""
from theano.graph.fg import Feature

__all__ = ["Feature", "ReplaceValidate"]


class ReplaceValidate(Feature):
    """Marks that a rewrite uses ``fgraph.replace_validate`` (always available)."""

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))
