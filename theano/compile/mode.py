"""Compilation modes: which rewrites run and which linker executes the graph.

This is also where the standard rewrite database is assembled: importing the
tensor and sparse rewrites registers them in :data:`theano.rewriting.db.optdb`.  Layers
above this one (scan, ifelse) register their own rewrites when imported.
"""
import theano.sparse.rewriting  # noqa: F401  (... and of sparse graphs)
import theano.tensor.rewriting  # noqa: F401  (the standard rewrites of tensor graphs)
import theano.link.jax  # noqa: F401  (registers the 'jax' linker; JAX is imported on use)
from theano.configparser import config
from theano.link.c.linker import CProgram
from theano.link.registry import linker_factory
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
# Rewrites for the C backend only: in-place ops, reductions fused into C loops, products
# with their elementwise epilogue (no JAX rule: XLA fuses them itself), and the forward
# scan's extra outputs of saved values (the JAX rule of ScanGrad recomputes them, which
# XLA does faster than reading them back).
_JAX_EXCLUDED = ("inplace", "reduce_fusion", "blas_epilogue", "scan_save_forward")


class Mode:
    """A rewrite query plus a linker.

    Parameters
    ----------
    linker : str, optional
        ``'auto'`` (default), ``'c'``, ``'cvm'`` (and ``'c|py'``, ``'c|py_nogc'``,
        ``'cvm_nogc'``) run the whole function in the C VM (see
        :mod:`theano.link.c`) and the rest in NumPy; ``'py'``/``'vm'`` use only
        the NumPy reference implementations; ``'jax'`` (or ``'JAX'``) compiles the
        whole graph with ``jax.jit`` (:mod:`theano.link.jax`, docs/jax.md).
    optimizer : str or None
        ``'fast_run'``, ``'fast_compile'``, ``'merge'`` or ``None`` (no rewrite).
    **linker_options
        Options of a registered linker: for JAX ``devices`` (data-parallel over
        these devices), ``batch_axis``, ``shared_sharding``.

    ``mode.including('fusion')`` / ``mode.excluding('inplace')`` /
    ``mode.requiring(...)`` return modified copies.
    """

    def __init__(self, linker=None, optimizer="default", include=(), exclude=(), require=(),
                 **linker_options):
        if linker is None:
            linker = config.linker
        if linker == "JAX":
            linker = "jax"
        if linker not in _LINKERS:
            raise ValueError("Unknown linker %r; choose one of %s" % (linker, _LINKERS))
        entry = linker_factory(linker)
        unknown = set(linker_options) - set(entry[1] if entry else ())
        if unknown:
            raise TypeError("Mode(linker=%r) got unknown options %s (it accepts: %s)"
                            % (linker, sorted(unknown), list(entry[1] if entry else ())))
        if linker == "jax" and optimizer == "default":
            optimizer = "fast_run"
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
        self.linker_options = dict(linker_options)
        if linker == "jax":
            # In-place variants and C-oriented fusions buy nothing under XLA (it
            # allocates and fuses itself) and only make the traced graph longer.
            self.exclude += tuple(t for t in _JAX_EXCLUDED if t not in self.exclude)

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
        entry = linker_factory(self.linker)
        if entry is not None:
            return entry[0](fgraph, **getattr(self, "linker_options", {}))
        return Program(fgraph)

    def __str__(self):
        opts = "".join(", %s=%r" % kv for kv in sorted(
            getattr(self, "linker_options", {}).items()))
        return "Mode(linker=%s, optimizer=%s%s)" % (self.linker, self.optimizer, opts)

    __repr__ = __str__

    def __eq__(self, other):
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self):
        return hash((type(self), self.linker, self.optimizer, self.include, self.exclude))


# FAST_RUN compiles what it can to C; FAST_COMPILE, as in Theano 1.0, uses
# only the Python (NumPy) implementations.
FAST_RUN = Mode("auto", "fast_run")
FAST_COMPILE = Mode("py", "fast_compile")
# The whole graph as one jax.jit function (docs/jax.md).
JAX = Mode("jax", "fast_run")

predefined_modes = {"FAST_RUN": FAST_RUN, "FAST_COMPILE": FAST_COMPILE, "JAX": JAX,
                    "Mode": None}


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
        if mode == "FAST_RUN" and config.device != "cpu":
            mode = _gpu_mode()
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


_GPU_WARNED = []


def _gpu_mode():
    """``device=cuda``/``gpu``: the JAX mode on JAX's GPUs, or FAST_RUN with one warning."""
    if theano.link.jax.gpu_devices():
        return "JAX"
    if not _GPU_WARNED:
        import warnings

        warnings.warn("device=%s: JAX has no GPU device here (is jax[cuda] installed and a GPU "
                      "visible?); running on the CPU with FAST_RUN." % config.device,
                      stacklevel=3)
        _GPU_WARNED.append(True)
    return "FAST_RUN"
