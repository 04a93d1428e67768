"""``python -m theano``: one screen about this installation, to paste into a bug report.

Versions, the C compiler (or why there is none), the BLAS and its threads,
the compile cache, and every flag whose value differs from its default.
Nothing is changed; the only side effect is building the C runtime module
into the cache when this machine never did (about a second, once).
"""
import ctypes
import os
import platform
import shutil
import sys
import warnings

import numpy as np
import scipy

import theano
from theano.configparser import config
from theano.link.c import cache as c_cache
from theano.link.c import compiler as c_compiler
from theano.link.c import runtime as c_runtime

__all__ = ["report", "main"]


def _size(nbytes):
    for unit in ("B", "KB", "MB", "GB"):
        if nbytes < 1024 or unit == "GB":
            return ("%d %s" if unit == "B" else "%.1f %s") % (nbytes, unit)
        nbytes /= 1024.0


def _version(module_name):
    try:
        module = __import__(module_name)
    except ImportError:
        return "not installed"
    return getattr(module, "__version__", "installed")


def _compiler():
    """(one line, usable) about the C compiler."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        info = c_compiler.compiler_info()
    if info is None:
        reason = str(caught[-1].message) if caught else "no compiler"
        return "none: " + reason, False
    path, version, _ = info
    return "%s (%s)" % (version, shutil.which(path) or path), True


def _blas_threads(blas_name):
    """The thread count of an OpenBLAS in this process, or None if it is not one."""
    for path in c_runtime._loaded_libraries():
        if "openblas" not in os.path.basename(path).lower():
            continue
        if blas_name and os.path.basename(path) not in blas_name:
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for symbol in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                       "openblas_get_num_threads"):
            fn = getattr(lib, symbol, None)
            if fn is not None:
                fn.restype = ctypes.c_int
                return fn()
    return None


def _blas_and_threads(have_compiler):
    threads = c_runtime._threads()
    why = ("openmp_threads flag" if config.openmp and config.openmp_threads else
           "OMP_NUM_THREADS" if config.openmp and os.environ.get("OMP_NUM_THREADS") else
           "every core" if config.openmp else "openmp=False")
    loops = "%d thread%s (%s)" % (threads, "" if threads == 1 else "s", why)
    if not have_compiler:
        n = _blas_threads(None)
        return ("NumPy's own%s (no C runtime without a compiler)"
                % (", %d thread%s" % (n, "" if n == 1 else "s") if n is not None else ""),
                "none (no compiler: NumPy runs everything)")
    try:
        rt = c_runtime.load_runtime()
    except Exception as exc:  # a report must come out even when the runtime is broken
        return "unknown: the C runtime failed to build or load (%s)" % exc, loops
    name, ready = rt.blas_info()
    n = _blas_threads(name)
    blas = "%s%s%s" % (name, "" if ready else " (not bound!)",
                       ", %d thread%s" % (n, "" if n == 1 else "s") if n is not None else "")
    helper = rt.set_helper(True)      # (reads the setting: put back at once)
    rt.set_helper(helper)
    loops += ("; helper thread off (runtime.set_helper)" if not helper else
              "; middle-size products tiled for the caller alone (one thread allowed)"
              if threads < 2 else
              "; middle-size products tiled for the caller and a helper thread")
    return blas, loops


def _cache():
    directory = c_cache.cache_dir()
    entries = c_cache.cache_entries(directory) if os.path.isdir(directory) else []
    total = sum(e.size for e in entries)
    return "%s: %d module%s, %s (python -m theano.cache list|clear|purge)" % (
        directory, len(entries), "" if len(entries) == 1 else "s", _size(total))


def _changed_flags():
    """``[(dotted name, value, default)]`` of the flags not at their default value."""
    out = []
    for name in sorted(dir(config)):
        if name.startswith("_"):
            continue
        try:
            param = config.get_param(name)
        except (AttributeError, ValueError, KeyError):
            continue   # a section or a method, not a flag
        default = param.default(config) if callable(param.default) else param.default
        value = getattr(config, name)
        if value != default:
            out.append((name.replace("__", "."), value, default))
    return out


def report():
    """The report's lines."""
    compiler, have_compiler = _compiler()
    blas, loops = _blas_and_threads(have_compiler)
    lines = [
        "theano-ng %s (the Theano 1.0 API) at %s" % (theano.__version__,
                                                    os.path.dirname(theano.__file__)),
        "Python %s (%s, %s %s); NumPy %s; SciPy %s" % (
            platform.python_version(), platform.python_implementation(), platform.system(),
            platform.machine(), np.__version__, scipy.__version__),
        "Optional: pydot %s; Graphviz dot %s; matplotlib %s; tqdm %s; scikit-learn %s" % (
            _version("pydot"), shutil.which("dot") or "not found", _version("matplotlib"),
            _version("tqdm"), _version("sklearn")),
        "C compiler: " + compiler,
        "Mode: %s (linker %s, optimizer %s)" % (config.mode, config.linker, config.optimizer),
        "BLAS: " + blas,
        "C loops: " + loops,
        "Compile cache: " + _cache(),
    ]
    sources = []
    if os.environ.get("THEANO_FLAGS"):
        sources.append("THEANO_FLAGS=%s" % os.environ["THEANO_FLAGS"])
    rc_files = [p for p in os.environ.get("THEANORC", os.pathsep.join(
        [os.path.expanduser("~/.theanorc"), os.path.expanduser("~/.theanorc.txt")]))
        .split(os.pathsep) if p and os.path.isfile(os.path.expanduser(p))]
    if rc_files:
        sources.append("config files " + ", ".join(rc_files))
    changed = _changed_flags()
    lines.append("Flags that differ from the defaults%s:%s" % (
        " (from %s)" % "; ".join(sources) if sources else "", "" if changed else " none"))
    lines += ["  %s = %r (default %r)" % item for item in changed]
    return lines


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        print("usage: python -m theano   (prints a report for bug reports; no arguments)",
              file=sys.stderr)
        return 2
    print("\n".join(report()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
