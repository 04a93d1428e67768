"""Rewrite databases: named rewrites with tags and positions, queried by modes.

``optdb`` is the top-level sequence that every mode queries.  Passes are
registered with a position (lower runs first) and tags; a mode includes or
excludes passes by tag (``mode.including('fusion')``).
"""
from theano.rewriting.basic import (EquilibriumGraphRewriter, GraphRewriter, MergeRewriter,
                                    NodeRewriter, SequentialGraphRewriter)

__all__ = ["RewriteDatabase", "EquilibriumDB", "SequenceDB", "optdb", "register_rewrite"]


class RewriteDatabase:
    """Named rewriters with tags."""

    def __init__(self):
        self._entries = {}  # name -> (rewriter, tags, position)

    def register(self, name, rewriter, *tags, position=None):
        if name in self._entries:
            raise ValueError("a rewrite named %r is already registered" % name)
        tags = set(tags) | {name}
        if position is None:
            position = len(self._entries)
        self._entries[name] = (rewriter, tags, position)
        return rewriter

    def __contains__(self, name):
        return name in self._entries

    def __getitem__(self, name):
        return self._entries[name][0]

    def names(self):
        return sorted(self._entries, key=lambda n: self._entries[n][2])

    def _selected(self, include, exclude, require):
        include, exclude, require = set(include), set(exclude), set(require)
        out = []
        for name in self.names():
            rw, tags, pos = self._entries[name]
            if tags & exclude:
                continue
            if not (tags & include) and not (include & {"all"}):
                continue
            if require and not require <= tags:
                continue
            if isinstance(rw, RewriteDatabase):
                rw = rw.query(include, exclude, require)
            out.append(rw)
        return out


class SequenceDB(RewriteDatabase):
    """Its query runs the selected rewriters in position order."""

    def query(self, include=(), exclude=(), require=()):
        return SequentialGraphRewriter(self._selected(include, exclude, require))


class EquilibriumDB(RewriteDatabase):
    """Its query applies the selected node rewriters until a fixed point."""

    def query(self, include=(), exclude=(), require=()):
        return EquilibriumGraphRewriter(self._selected(include, exclude, require))


optdb = SequenceDB()
optdb.register("merge1", MergeRewriter(), "fast_run", "fast_compile", "merge", position=0)
canonicalize = EquilibriumDB()
stabilize = EquilibriumDB()
specialize = EquilibriumDB()
optdb.register("canonicalize", canonicalize, "fast_run", "fast_compile", position=1)
optdb.register("merge1.2", MergeRewriter(), "fast_run", "fast_compile", "merge", position=1.2)
optdb.register("stabilize", stabilize, "fast_run", position=1.5)
optdb.register("specialize", specialize, "fast_run", position=2)
optdb.register("merge2", MergeRewriter(), "fast_run", "merge", position=49)


def register_rewrite(db, *tags, name=None, position=None):
    """Decorator registering a node/graph rewriter in ``db`` under ``tags``."""
    def deco(rw):
        assert isinstance(rw, (NodeRewriter, GraphRewriter))
        db.register(name or str(rw), rw, *(tags or ("fast_run", "fast_compile")),
                    position=position)
        return rw
    return deco


def register_canonicalize(rw, *tags, **kw):
    return register_rewrite(canonicalize, "fast_run", "fast_compile", "canonicalize", *tags,
                            **kw)(rw)


def register_stabilize(rw, *tags, **kw):
    return register_rewrite(stabilize, "fast_run", "stabilize", *tags, **kw)(rw)


def register_specialize(rw, *tags, **kw):
    return register_rewrite(specialize, "fast_run", "specialize", *tags, **kw)(rw)
