"""Rewrite databases: named rewrites with tags and positions, queried by modes.

``optdb`` is the top-level sequence that every mode queries.  Passes are
registered with a position (lower runs first) and tags; a mode includes or
excludes passes by tag (``mode.including('fusion')``,
``mode.excluding('inplace')``).  A rewrite's own name is always one of its
tags, so ``mode.excluding('local_fill_sink')`` disables just that rewrite.

Positions of the standard passes (as in Theano):

====== ===================== ==========================================
0      merge1                merge equal constants and nodes
0.1    ShapeOpt              attach the shape feature
1      canonicalize          put the graph in a standard form
1.2    merge1.2
1.5    stabilize             numerically stable forms
1.7    blas                  dot + bias/scale into gemm/gemv/ger
2      specialize            faster forms
49     merge2
49.1   elemwise_fusion       fuse elementwise chains into Composites
49.2   reduce_fusion         reductions absorb the elementwise op they read
49.3   blas_epilogue         products absorb the elementwise op on their result
49.5   add_destroy_handler   attach the in-place checker
74     merge3
75     inplace_elemwise      in-place elementwise ops
75.1   inplace_ops           in-place increments, gemm... (``inplace`` props)
====== ===================== ==========================================

Per-rewrite application counts (and times, with ``config.profile_optimizer``)
are kept in :data:`theano.rewriting.basic.rewrite_stats`.
"""
from theano.configparser import config
from theano.rewriting.basic import (EquilibriumGraphRewriter, GraphRewriter, MergeRewriter,
                                    NodeRewriter, SequentialGraphRewriter)

__all__ = ["RewriteDatabase", "EquilibriumDB", "SequenceDB", "optdb", "register_rewrite",
           "register_canonicalize", "register_stabilize", "register_specialize",
           "register_useless", "canonicalize", "stabilize", "specialize", "useless"]

_version = [0]  # bumped by every registration: invalidates cached queries


class RewriteDatabase:
    """Named rewriters with tags and positions."""

    def __init__(self, name=None):
        self.name = name
        self._entries = {}  # name -> [rewriter, tags, position]
        self._cache = {}

    def register(self, name, rewriter, *tags, position=None, use_db_name_as_tag=True):
        """Add ``rewriter`` under ``name`` with ``tags`` (its name is a tag too)."""
        if name in self._entries:
            raise ValueError("a rewrite named %r is already registered in %s" % (name, self))
        if not isinstance(rewriter, (NodeRewriter, GraphRewriter, RewriteDatabase)):
            raise TypeError("%s: can only register node rewriters, graph rewriters or "
                            "databases, got %r" % (self, rewriter))
        tags = set(tags) | {name}
        if position is None:
            position = len(self._entries)
        self._entries[name] = [rewriter, tags, position]
        _version[0] += 1
        return rewriter

    def unregister(self, name):
        """Remove the rewrite registered as ``name``."""
        del self._entries[name]
        _version[0] += 1

    def add_tags(self, name, *tags):
        self._entries[name][1].update(tags)
        _version[0] += 1

    def remove_tags(self, name, *tags):
        self._entries[name][1].difference_update(tags)
        _version[0] += 1

    def __contains__(self, name):
        return name in self._entries

    def __getitem__(self, name):
        return self._entries[name][0]

    def __iter__(self):
        return iter(self.names())

    def names(self):
        return sorted(self._entries, key=lambda n: self._entries[n][2])

    def tags_of(self, name):
        return set(self._entries[name][1])

    def position_of(self, name):
        return self._entries[name][2]

    def _selected(self, include, exclude, require, cutoff=None):
        out = []
        for name in self.names():
            rw, tags, pos = self._entries[name]
            if cutoff is not None and pos >= cutoff:
                continue
            if tags & exclude:
                continue
            if not (tags & include) and "all" not in include:
                continue
            if require and not require <= tags and not isinstance(rw, RewriteDatabase):
                continue
            if isinstance(rw, RewriteDatabase):
                rw = rw.query(include, exclude, require)
            out.append(rw)
        return out

    def query(self, include=(), exclude=(), require=()):
        """The rewriter running the entries tagged with one of ``include``.

        Entries with a tag in ``exclude`` are skipped, and entries missing a
        tag of ``require`` too.  Results are cached until the next
        registration.
        """
        key = (frozenset(include), frozenset(exclude), frozenset(require), _version[0])
        if isinstance(self, SequenceDB):
            key += (config.optdb__position_cutoff,)
        res = self._cache.get(key)
        if res is None:
            res = self._cache[key] = self._build(*key[:3])
        return res

    def _build(self, include, exclude, require):
        raise NotImplementedError

    def __str__(self):
        return self.name or type(self).__name__

    __repr__ = __str__


class SequenceDB(RewriteDatabase):
    """Its query runs the selected rewriters in position order."""

    def _build(self, include, exclude, require):
        cutoff = config.optdb__position_cutoff
        return _TopLevel(self._selected(include, exclude, require, cutoff), name=self.name)


class _TopLevel(SequentialGraphRewriter):
    # Rewrites build many throwaway nodes (shape graphs, candidates): no test
    # values are computed for them.
    def apply(self, fgraph):
        if config.compute_test_value != "off":
            with config.change_flags(compute_test_value="off"):
                return super().apply(fgraph)
        return super().apply(fgraph)


class EquilibriumDB(RewriteDatabase):
    """Its query applies the selected node rewriters until a fixed point.

    Graph rewriters registered with ``final=True`` run at the end of each
    pass; other graph rewriters at its start.
    """

    def __init__(self, name=None):
        super().__init__(name)
        self._final = set()

    def register(self, name, rewriter, *tags, position=None, final=False, **kw):
        super().register(name, rewriter, *tags, position=position, **kw)
        if final:
            self._final.add(name)
        return rewriter

    def _build(self, include, exclude, require):
        chosen = set(id(r) for r in self._selected(include, exclude, require))
        main, final = [], []
        for name in self.names():
            rw = self._entries[name][0]
            if id(rw) in chosen:
                (final if name in self._final else main).append(rw)
        return EquilibriumGraphRewriter(main, name=self.name, final_rewriters=final)


optdb = SequenceDB("optdb")
canonicalize = EquilibriumDB("canonicalize")
stabilize = EquilibriumDB("stabilize")
specialize = EquilibriumDB("specialize")
# Removal of ops that do nothing; part of canonicalize, and runnable alone.
useless = EquilibriumDB("useless")

optdb.register("merge1", MergeRewriter(), "fast_run", "fast_compile", "merge", position=0)
optdb.register("canonicalize", canonicalize, "fast_run", "fast_compile", position=1)
optdb.register("merge1.2", MergeRewriter(), "fast_run", "fast_compile", "merge", position=1.2)
optdb.register("stabilize", stabilize, "fast_run", position=1.5)
optdb.register("specialize", specialize, "fast_run", position=2)
optdb.register("merge2", MergeRewriter(), "fast_run", "merge", position=49)
optdb.register("merge3", MergeRewriter(), "fast_run", "merge", position=74)
canonicalize.register("canon_merge", MergeRewriter(), "fast_run", "fast_compile", "merge",
                      final=True)


def _name_of(rw, name):
    return name or getattr(rw, "name", None) or getattr(rw, "__name__", None) or str(rw)


def register_rewrite(db, *tags, name=None, position=None):
    """Decorator registering a node/graph rewriter in ``db`` under ``tags``."""
    def deco(rw):
        if not isinstance(rw, (NodeRewriter, GraphRewriter)):
            raise TypeError("register_rewrite: %r is not a node or graph rewriter" % (rw,))
        db.register(_name_of(rw, name), rw, *(tags or ("fast_run", "fast_compile")),
                    position=position)
        return rw
    return deco


def _register_in(db, base_tags, rw, tags, kw):
    name = kw.pop("name", None)
    if isinstance(rw, str):
        # Used as @register_xxx("tag", ...): tags first, rewriter later.
        tags = (rw,) + tags

        def deco(inner):
            return _register_in(db, base_tags, inner, tags, dict(kw, name=name))
        return deco
    db.register(_name_of(rw, name), rw, *(base_tags + tuple(tags)), **kw)
    return rw


def register_canonicalize(rw, *tags, **kw):
    """Register ``rw`` in the canonicalize phase (FAST_RUN; add 'fast_compile' to run there too)."""
    return _register_in(canonicalize, ("fast_run", "canonicalize"), rw, tags, kw)


def register_stabilize(rw, *tags, **kw):
    """Register ``rw`` in the stabilize phase (FAST_RUN)."""
    return _register_in(stabilize, ("fast_run", "stabilize"), rw, tags, kw)


def register_specialize(rw, *tags, **kw):
    """Register ``rw`` in the specialize phase (FAST_RUN)."""
    return _register_in(specialize, ("fast_run", "specialize"), rw, tags, kw)


def register_useless(rw, *tags, **kw):
    """Register a rewrite removing useless ops: it runs in canonicalize and in ``useless``."""
    name = kw.pop("name", None)
    name = _name_of(rw, name)
    useless.register(name, rw, "fast_run", "fast_compile", "useless", *tags, **kw)
    canonicalize.register(name, rw, "fast_run", "fast_compile", "useless", *tags, **kw)
    return rw
