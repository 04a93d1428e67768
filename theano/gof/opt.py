"""Theano 1.0's ``theano.gof.opt``: the rewrite engine under its old names.

:mod:`theano.rewriting.basic` with, for rewrites written for Theano 1.0:

* ``Optimizer`` (a graph rewriter: ``add_requirements(fgraph)`` then ``apply(fgraph)``);
* ``LocalOptimizer``, whose subclasses define ``transform(node)`` (Theano 1.0) or
  ``transform(fgraph, node)``, and ``tracks()``;
* ``local_optimizer(tracks)``, the decorator, for functions of ``(node)`` (Theano 1.0) or
  ``(fgraph, node)``;
* ``TopoOptimizer`` (apply local optimizers to every node, inputs first), ``OpSub``,
  ``OpRemove``, ``PatternSub``, ``MergeOptimizer`` and ``merge_optimizer``.
"""
import functools

from theano.graph.op import positional_count
from theano.rewriting.basic import *  # noqa: F401,F403 (this module is that one, renamed)
from theano.rewriting.basic import (GraphRewriter, MergeRewriter, NodeRewriter,
                                    PatternNodeRewriter, WalkingGraphRewriter, node_rewriter)

Optimizer = GraphRewriter
MergeOptimizer = MergeRewriter
PatternSub = PatternNodeRewriter
merge_optimizer = MergeRewriter()


class LocalOptimizer(NodeRewriter):
    """Base class of a node rewriter written as a class (Theano 1.0).

    A subclass defines ``transform(self, node)`` returning False or the replacements of
    the node's outputs, and optionally ``tracks()`` (the ops it looks at; empty: all).
    """

    def __init__(self):
        super().__init__(None, None, type(self).__name__)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("transform")
        if own is not None and positional_count(own) == 2:  # Theano 1.0's (self, node)
            def transform(self, fgraph, node, _own=own):
                return _own(self, node)

            transform.__doc__ = own.__doc__
            cls.transform = transform

    def tracks(self):
        return None


def local_optimizer(tracks, inplace=False, requirements=(), name=None):
    """Decorator: a function ``fn(node)`` (Theano 1.0) or ``fn(fgraph, node)`` as a node
    rewriter of the ops or op classes in ``tracks`` (None or empty: every node).

    ``inplace`` and ``requirements`` are accepted for Theano 1.0 code; a rewrite that makes
    in-place ops has them checked by the destroy handler like any other.
    """
    def deco(fn):
        if positional_count(fn) == 1:        # Theano 1.0's (node)
            node_only = fn

            @functools.wraps(node_only)
            def fn(fgraph, node):
                return node_only(node)
        return node_rewriter(tracks, name)(fn)
    return deco


def TopoOptimizer(local_opt, order="in_to_out", ignore_newtrees=False, failure_callback=None):
    """Apply ``local_opt`` to every node once, in topological order (Theano 1.0's name)."""
    return WalkingGraphRewriter([local_opt], order, ignore_newtrees)


class OpSub(LocalOptimizer):
    """Replace every application of ``op1`` by ``op2`` on the same inputs."""

    def __init__(self, op1, op2, transfer_tags=True):
        super().__init__()
        self.op1, self.op2, self.transfer_tags = op1, op2, transfer_tags

    def tracks(self):
        return [self.op1]

    def transform(self, fgraph, node):
        if node.op != self.op1:
            return False
        repl = self.op2.make_node(*node.inputs)
        if self.transfer_tags:
            repl.tag.__dict__.update(node.tag.__dict__)
            for old, new in zip(node.outputs, repl.outputs):
                new.tag.__dict__.update(old.tag.__dict__)
        return repl.outputs

    def __str__(self):
        return "%s -> %s" % (self.op1, self.op2)


class OpRemove(LocalOptimizer):
    """Remove ``op``: each output is replaced by the input at the same position."""

    def __init__(self, op):
        super().__init__()
        self.op = op

    def tracks(self):
        return [self.op]

    def transform(self, fgraph, node):
        if node.op != self.op:
            return False
        if len(node.inputs) != len(node.outputs):
            raise ValueError("OpRemove(%s): the op has %d inputs and %d outputs; it can only "
                             "remove an op with as many outputs as inputs"
                             % (self.op, len(node.inputs), len(node.outputs)))
        return list(node.inputs)

    def __str__(self):
        return "%s(x) -> x" % (self.op,)


__all__ = ["Optimizer", "LocalOptimizer", "TopoOptimizer", "OpSub", "OpRemove", "PatternSub",
           "MergeOptimizer", "merge_optimizer"]
