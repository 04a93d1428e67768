"""Compilation modes: which rewrites run and which linker executes the graph.

This is also where the standard rewrite database is assembled: importing the
tensor and sparse rewrites registers them in :data:`theano.rewriting.db.optdb`.  Layers
above this one (scan, ifelse) register their own rewrites when imported.
"""
import theano.sparse.rewriting  # noqa: F401  (... and of sparse graphs)
import theano.tensor.rewriting  # noqa: F401  (the standard rewrites of tensor graphs)
from theano.configparser import config
from theano.link.c.linker import CProgram
from theano.link.py.vm import Program
from theano.rewriting.db import optdb

__all__ = ["Mode", "get_mode", "get_default_mode", "FAST_RUN", "FAST_COMPILE",
           "predefined_modes", "register_mode"]

# Optimizer names accepted by Mode(optimizer=...) and config.optimizer, mapped
# to the rewrite-database query they run (tags to include).
_OPTIMIZER_TAGS = {
    "fast_run": ("fast_run",),
    "o4": ("fast_run",),
    "o3": ("fast_run",),
    "o2": ("fast_compile",),
    "o1": ("fast_compile",),
    "unsafe": ("fast_run", "unsafe"),
    "fast_compile": ("fast_compile",),
    "merge": ("merge",),
    # Theano 1.0's 'stabilize': the fast_run rewrites up to the stabilization pass.
    "stabilize": ("fast_run",),
    "None": (),
    None: (),
}
_POSITION_CUTOFF = {"stabilize": 1.5000001}
_LINKERS = ("py", "vm", "cvm", "c", "c|py", "c|py_nogc", "cvm_nogc", "vm_nogc", "auto", "jax")
_C_LINKERS = ("c", "cvm", "c|py", "c|py_nogc", "cvm_nogc")


class Mode:
    """A rewrite query plus a linker.

    Parameters
    ----------
    linker : str, optional
        ``'auto'`` (default), ``'c'``, ``'cvm'`` (and ``'c|py'``, ``'c|py_nogc'``,
        ``'cvm_nogc'``) run elementwise nodes as compiled C (see
        :mod:`theano.link.c`) and the rest in NumPy; ``'py'``/``'vm'`` use only
        the NumPy reference implementations.
    optimizer : str or None
        ``'fast_run'``, ``'fast_compile'``, ``'merge'`` or ``None`` (no rewrite).

    ``mode.including('fusion')`` / ``mode.excluding('inplace')`` /
    ``mode.requiring(...)`` return modified copies.
    """

    def __init__(self, linker=None, optimizer="default", include=(), exclude=(), require=()):
        if linker is None:
            linker = config.linker
        if linker not in _LINKERS:
            raise ValueError("Unknown linker %r; choose one of %s" % (linker, _LINKERS))
        if optimizer == "default":
            optimizer = config.optimizer
        if optimizer not in _OPTIMIZER_TAGS:
            raise ValueError("Unknown optimizer %r; choose one of %s"
                             % (optimizer, [k for k in _OPTIMIZER_TAGS if k]))
        self.linker = linker
        self.optimizer = None if optimizer == "None" else optimizer
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self.require = tuple(require)

    def _clone(self, **kw):
        d = dict(linker=self.linker, optimizer=self.optimizer, include=self.include,
                 exclude=self.exclude, require=self.require)
        d.update(kw)
        m = type(self).__new__(type(self))
        m.__dict__.update(self.__dict__)
        m.linker, m.optimizer = d["linker"], d["optimizer"]
        m.include, m.exclude, m.require = d["include"], d["exclude"], d["require"]
        return m

    def including(self, *tags):
        return self._clone(include=self.include + tags)

    def excluding(self, *tags):
        return self._clone(exclude=self.exclude + tags)

    def requiring(self, *tags):
        return self._clone(require=self.require + tags)

    def query_tags(self):
        base = _OPTIMIZER_TAGS[self.optimizer]
        if not base and not self.include:
            return None
        include = tuple(base) + self.include + tuple(
            t for t in config.optimizer_including.split(":") if t)
        exclude = self.exclude + tuple(t for t in config.optimizer_excluding.split(":") if t)
        require = self.require + tuple(t for t in config.optimizer_requiring.split(":") if t)
        return include, exclude, require

    def optimize(self, fgraph, maker=None):
        """Rewrite ``fgraph`` in place with this mode's rewrite query."""
        tags = self.query_tags()
        if tags is None:
            return
        cutoff = _POSITION_CUTOFF.get(self.optimizer)
        if cutoff is not None and cutoff < config.optdb__position_cutoff:
            with config.change_flags(optdb__position_cutoff=cutoff):
                optdb.query(*tags).rewrite(fgraph)
            return
        optdb.query(*tags).rewrite(fgraph)

    def link(self, fgraph):
        """Link ``fgraph`` into an executable :class:`Program`."""
        # 'auto' (the default) is the C backend: nodes with C code run compiled,
        # the others in NumPy; without a compiler, one warning and NumPy only.
        if self.linker in _C_LINKERS or self.linker == "auto":
            return CProgram(fgraph, allow_gc=False if self.linker.endswith("_nogc") else None)
        return Program(fgraph)

    def __str__(self):
        return "Mode(linker=%s, optimizer=%s)" % (self.linker, self.optimizer)

    __repr__ = __str__

    def __eq__(self, other):
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self):
        return hash((type(self), self.linker, self.optimizer, self.include, self.exclude))


# FAST_RUN compiles what it can to C; FAST_COMPILE, as in Theano 1.0, uses
# only the Python (NumPy) implementations.
FAST_RUN = Mode("auto", "fast_run")
FAST_COMPILE = Mode("py", "fast_compile")

predefined_modes = {"FAST_RUN": FAST_RUN, "FAST_COMPILE": FAST_COMPILE, "Mode": None}


def register_mode(name, mode):
    if name in predefined_modes and predefined_modes[name] is not None:
        raise ValueError("Mode %s is already registered" % name)
    predefined_modes[name] = mode


def get_default_mode():
    """The mode ``theano.function`` uses when none is given (``config.mode``)."""
    return get_mode(None)


def get_mode(mode):
    """Resolve ``mode`` (None -> config.mode, a name, or a Mode) to a Mode."""
    if mode is None:
        mode = config.mode
    if isinstance(mode, Mode):
        return mode
    if mode == "Mode":
        return Mode()
    if mode == "DEBUG_MODE":
        mode = "DebugMode"
    if mode not in predefined_modes:
        raise ValueError("Unknown mode %r; known modes: %s" % (mode, sorted(predefined_modes)))
    m = predefined_modes[mode]
    if mode in ("FAST_RUN", "FAST_COMPILE"):
        # Flags override the linker/optimizer of the named default mode.
        linker = m.linker if config.linker == "auto" else config.linker
        opt = m.optimizer if config.optimizer == "fast_run" else config.optimizer
        if (linker, opt) != (m.linker, m.optimizer):
            m = Mode(linker=linker, optimizer=opt)
    return m
