"""The on-disk cache of compiled modules, shared by processes without any lock.

A module's name is a sha256 of everything that decides its binary: the
generated source, the compiler (path and version), the flags, the Python ABI,
the NumPy C-API version and the CPU (``-march=native``).  A warm start
therefore only loads a shared object.

How the cache survives faults, with no lock anywhere:

* A build happens in a private directory ``tmp_<pid>_<host>_<name>_*`` of
  the cache.  The fresh binary is loaded from there (so a broken build never
  enters the cache), then moved in with ``os.replace``, atomic on POSIX: a
  final file is complete or absent, never half-written, and two processes
  building the same module both succeed.
* A cached binary that does not load (truncated, overwritten, built for
  another ABI, missing its init symbol) is rebuilt once and replaced; only
  when the fresh build does not load either is an error raised.
* A compile directory that cannot be created or written gives one warning,
  then modules are built in a private temporary directory removed at exit
  (modules already cached in the read-only directory are still used).
* The build directory of a process that died (killed while compiling) is
  never read; it is removed by the next process that writes a module.
* Loading a module updates its file's modification time, which is thus its
  last use.  After writing a module, the least recently used ones are
  removed while the cache is over ``config.cmodule__max_size_mb`` and those
  unused for ``config.cmodule__age_thresh_use`` seconds, never one this
  process has loaded.  A module that another process has loaded may be
  unlinked safely (its mapping stays valid); one about to be loaded is then
  simply rebuilt.  The build directory of a failed compilation holds the
  source the error message names; it is kept for a day after its process
  ended (for good with ``config.nocleanup``).

``python -m theano.cache list|clear|purge`` shows and cleans the cache
through :func:`cache_entries`, :func:`clean` and :func:`purge`.
"""
import atexit
import functools
import hashlib
import importlib.machinery
import importlib.util
import logging
import os
import platform
import re
import shutil
import stat
import sys
import sysconfig
import tempfile
import threading
import time
import warnings
from typing import NamedTuple

import numpy as np

from theano.configparser import config
from theano.link.c import hostfacts
from theano.link.c.compiler import (CompileError, compile_flags, compile_shared_object,
                                    link_libraries)

__all__ = ["module_key", "get_module", "get_named_module", "warm_key_parts", "MODULE_NAME_PLACEHOLDER", "ModuleLoadError",
           "CacheEntry", "BuildDir", "cache_dir", "cache_entries", "build_dirs", "clean",
           "purge"]

MODULE_NAME_PLACEHOLDER = "@MODULE_NAME@"
EXT_SUFFIX = sysconfig.get_config_var("EXT_SUFFIX")
FAILED_MARKER = "FAILED"      # file in the build directory of a failed compilation
_BUILD_DIR_RE = re.compile(r"tmp_(\d+)_([0-9a-f]{8})_")
_DEAD_BUILD_KEEP = 24 * 3600  # a failed build's files are kept this long for the user
_MAX_BUILD_AGE = 7 * 24 * 3600  # no build lasts this long, whoever owns it

_LOADED = {}        # module name -> loaded module (this process)
_WRITE_DIRS = {}    # configured cache dir -> directory new modules go to, when not itself
_PRIVATE = []       # the private fallback directory of this process, once made
_DIR_LOCK = threading.Lock()
_logger = logging.getLogger(__name__)


class ModuleLoadError(ImportError):
    """A freshly compiled module could not be loaded (the message names the files)."""


@functools.lru_cache(maxsize=None)
def _cpu_signature():
    """The host CPU's model and feature flags (code is built with -march=native),
    remembered for the current boot of the machine (``/proc/cpuinfo`` is slow to read)."""
    boot = hostfacts.boot_id()
    return hostfacts.recall("cpu", boot and [boot, platform.machine()], _read_cpu_signature)


def _read_cpu_signature():
    text = platform.machine() + platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith(("model name", "flags", "Features", "CPU part")):
                    text += line
                if line.strip() == "":
                    break  # the first processor is enough
    except OSError:
        pass
    return hashlib.sha256(text.encode()).hexdigest()


@functools.lru_cache(maxsize=None)
def _abi_signature():
    from numpy._core._multiarray_umath import _get_ndarray_c_version
    return "%s|%s|%s|numpy C-API %x|numpy %s" % (
        sys.implementation.cache_tag, EXT_SUFFIX,
        sys.version, _get_ndarray_c_version(), np.__version__)


def module_key(source, info, options=None):
    """Hex sha256 naming the module built from ``source`` (a C text, or a list of the
    texts of its translation units) by compiler ``info`` (with the
    :class:`~theano.link.c.compiler.BuildOptions` ``options``)."""
    h = hashlib.sha256()
    units = [source] if isinstance(source, str) else list(source)
    for part in units + warm_key_parts(info, options):
        h.update(part.encode())
        h.update(b"\0\1")
    return h.hexdigest()


def warm_key_parts(info, options=None):
    """What :func:`module_key` hashes besides the source: compiler, flags, ABI, CPU."""
    return [info[0], info[1], "\0".join(compile_flags(info, options)),
            "\0".join(link_libraries(info, options)), _abi_signature(), _cpu_signature()]


# ------------------------------------------------------------- directories
def cache_dir():
    """The configured cache directory, ``<config.compiledir>/cmodules``."""
    return os.path.join(config.compiledir, "cmodules")


def _host_tag():
    # pids are only meaningful on their own host (the cache may be on NFS).
    return hostfacts.host_tag()


def _private_dir():
    if not _PRIVATE or not os.path.isdir(_PRIVATE[0]):
        path = tempfile.mkdtemp(prefix="theano_cmodules_%d_" % os.getpid())
        atexit.register(shutil.rmtree, path, True)
        _PRIVATE[:] = [path]
        # Those of killed processes (no atexit for them) go now.
        parent = os.path.dirname(path)
        for fname in os.listdir(parent):
            m = re.match(r"theano_cmodules_(\d+)_", fname)
            if m and not _pid_alive(int(m.group(1))):
                shutil.rmtree(os.path.join(parent, fname), ignore_errors=True)
    return _PRIVATE[0]


def _make_build_dir(name):
    """``(directory the module goes to, fresh build directory inside it)``.

    When the configured directory cannot be created or written, warns once
    and switches this process to its private temporary directory.
    """
    configured = cache_dir()
    target = _WRITE_DIRS.get(configured, configured)
    prefix = "tmp_%d_%s_%s_" % (os.getpid(), _host_tag(), name)
    try:
        os.makedirs(target, exist_ok=True)
        return target, tempfile.mkdtemp(prefix=prefix, dir=target)
    except OSError as exc:
        if target != configured:
            raise
        reason = exc.strerror or str(exc)
        if isinstance(exc, FileExistsError):
            reason += " and is not a directory"
        if exc.filename:
            reason += ": %s" % exc.filename
    with _DIR_LOCK:
        if configured not in _WRITE_DIRS:
            _WRITE_DIRS[configured] = _private_dir()
            warnings.warn(
                "Theano cannot write its compile directory %s (%s). Compiled C modules go "
                "to the temporary directory %s instead and are deleted when this process "
                "exits. Set THEANO_FLAGS=compiledir=<a writable directory> (or "
                "base_compiledir) to keep them between runs."
                % (configured, reason, _WRITE_DIRS[configured]), RuntimeWarning, stacklevel=4)
    target = _WRITE_DIRS[configured]
    return target, tempfile.mkdtemp(prefix=prefix, dir=target)


# ---------------------------------------------------------------- loading
def _load(name, path):
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_loader(name, loader, origin=path)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def _touch(path):
    try:
        os.utime(path)  # last use, for `list` and eviction
    except OSError:
        pass            # a read-only cache is still usable


def _load_cached(name):
    """``(module, None)``; ``(None, (path, error))`` if a cached binary failed; or (None, None)."""
    configured = cache_dir()
    dirs = [_WRITE_DIRS.get(configured), configured]  # a private rebuild wins
    for d in dirs:
        if d is None:
            continue
        path = os.path.join(d, name + EXT_SUFFIX)
        if not os.path.exists(path):
            continue
        try:
            module = _load(name, path)
        except Exception as exc:  # any failure is repaired by a rebuild
            _logger.info("Cached module %s did not load (%s: %s); rebuilding it",
                         path, type(exc).__name__, exc)
            return None, (path, exc)
        _touch(path)
        return module, None
    return None, None


def _mark_failed(build):
    try:
        with open(os.path.join(build, FAILED_MARKER), "w") as f:
            f.write("%d\n" % os.getpid())
    except OSError:
        pass


def _build(name, source, info, failure, options=None):
    """Compile, load from the build directory, then publish atomically."""
    target, build = _make_build_dir(name)
    units = [source] if isinstance(source, str) else list(source)
    srcs = [os.path.join(build, name + (".c" if i == 0 else ".unit%d.c" % i))
            for i in range(len(units))]
    built = os.path.join(build, name + EXT_SUFFIX)
    final = os.path.join(target, name + EXT_SUFFIX)
    try:
        for src, text in zip(srcs, units):
            with open(src, "w") as f:
                f.write(text.replace(MODULE_NAME_PLACEHOLDER, name))
        src_arg = srcs[0] if len(srcs) == 1 else srcs
        if options is None:
            compile_shared_object(info, src_arg, built)
        else:
            compile_shared_object(info, src_arg, built, options)
    except CompileError:
        _mark_failed(build)  # the message points the user at the kept source
        raise
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    # Loading from the build directory's unique path (not ``final``) matters:
    # the dynamic loader would hand back a broken library it already mapped
    # under the final path instead of reading the new file.
    try:
        module = _load(name, built)
    except Exception as exc:  # re-raised with the file names
        _mark_failed(build)
        if failure is None:
            msg = ("The freshly compiled C module %s could not be loaded (%s: %s). Its source "
                   "and binary are kept in %s." % (built, type(exc).__name__, exc, build))
        else:
            msg = ("The cached C module %s could not be loaded (%s: %s), so it was rebuilt, "
                   "but the fresh build %s could not be loaded either (%s: %s). Its source "
                   "and binary are kept in %s."
                   % (failure[0], type(failure[1]).__name__, failure[1], built,
                      type(exc).__name__, exc, build))
        raise ModuleLoadError(msg, name=name, path=built) from exc
    try:
        for src in srcs:
            os.replace(src, os.path.join(target, os.path.basename(src)))
        os.replace(built, final)
        module.__file__ = module.__spec__.origin = final
    except OSError as exc:  # the module is loaded; only later processes lose it
        _logger.info("Could not move %s into the cache: %s", built, exc)
    shutil.rmtree(build, ignore_errors=True)
    _auto_clean(target, keep={name})
    return module


def get_module(source, info, prefix="theano_c_", options=None):
    """Load the module built from ``source`` (with ``MODULE_NAME_PLACEHOLDER``) with the
    build ``options`` (:class:`~theano.link.c.compiler.BuildOptions`, None for the default).

    Compiles it first when no cached binary exists, or when the cached one
    does not load (it is then replaced).  The module is also put in
    ``sys.modules`` (kernel modules import the runtime's capsule by name).

    Raises
    ------
    CompileError
        The compiler rejected the source (its build directory is kept).
    ModuleLoadError
        The freshly compiled binary does not load.
    """
    return get_named_module(prefix + module_key(source, info, options)[:40], lambda: source,
                            info, options)


def get_named_module(name, make_source, info, options=None):
    """:func:`get_module` for a caller that knows the module's name (from an earlier
    :func:`module_key`): ``make_source()`` is only called when the module must be built."""
    module = _LOADED.get(name)
    if module is not None:
        return module
    module, failure = _load_cached(name)
    if module is None:
        module = _build(name, make_source(), info, failure, options)
    _LOADED[name] = sys.modules[name] = module
    return module


# ---------------------------------------------------------------- management
class CacheEntry(NamedTuple):
    """One cached module: its name, total size in bytes, last use (epoch seconds), files."""
    name: str
    size: int
    last_used: float
    paths: tuple


class BuildDir(NamedTuple):
    """A ``tmp_*`` build directory.

    ``pid`` is its owner (None for an unknown owner), ``local`` whether that
    pid is of this host, ``alive`` whether it still runs, ``failed`` whether
    its compilation failed, ``age`` the seconds since it last changed.
    """
    path: str
    pid: object
    local: bool
    alive: bool
    failed: bool
    age: float


def _pid_alive(pid):
    if pid == os.getpid() or os.name == "nt":  # Windows' os.kill would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. EPERM: it exists, owned by someone else
        return True
    return True


def cache_entries(directory=None):
    """The modules in ``directory`` (default :func:`cache_dir`), least recently used first."""
    directory = directory or cache_dir()
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    groups = {}
    for fname in names:
        if fname.startswith("tmp_"):
            continue
        path = os.path.join(directory, fname)
        try:
            st = os.stat(path)
        except OSError:
            continue  # removed meanwhile
        if not stat.S_ISREG(st.st_mode):
            continue
        size, used, paths = groups.get(fname.partition(".")[0], (0, 0.0, ()))
        groups[fname.partition(".")[0]] = (size + st.st_size, max(used, st.st_mtime),
                                           paths + (path,))
    entries = [CacheEntry(n, s, u, p) for n, (s, u, p) in groups.items()]
    return sorted(entries, key=lambda e: (e.last_used, e.name))


def build_dirs(directory=None):
    """The ``tmp_*`` build directories in ``directory`` (default :func:`cache_dir`)."""
    directory = directory or cache_dir()
    try:
        names = sorted(n for n in os.listdir(directory) if n.startswith("tmp_"))
    except OSError:
        return []
    now, out = time.time(), []
    for fname in names:
        path = os.path.join(directory, fname)
        try:
            age = now - os.stat(path).st_mtime
        except OSError:
            continue
        m = _BUILD_DIR_RE.match(fname)
        pid = int(m.group(1)) if m else None
        local = bool(m) and m.group(2) == _host_tag()
        out.append(BuildDir(path, pid, local, local and _pid_alive(pid),
                            os.path.exists(os.path.join(path, FAILED_MARKER)), age))
    return out


def _is_stale(bd, failed_keep):
    if bd.failed:  # kept for the user to read the source the error message names
        if failed_keep is None:
            return False
        return (not bd.alive and bd.age > failed_keep) or bd.age > _MAX_BUILD_AGE
    if bd.alive:
        return bd.age > _MAX_BUILD_AGE  # only a reused pid keeps a build this long
    if bd.local:
        return True                     # its process died while compiling
    return bd.age > _DEAD_BUILD_KEEP    # its owner cannot be asked


def _remove_path(path):
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)
        return True
    except FileNotFoundError:
        return True   # another process removed it first
    except OSError:
        return False


def _remove_entry(entry):
    # The binary first: a module without it is simply absent.
    paths = sorted(entry.paths, key=lambda p: p.endswith(".c"))
    return all([_remove_path(p) for p in paths])  # a list: try every file


def clean(directory=None, older_than=None, max_size=None, keep=(), failed_keep=0):
    """Remove old modules and dead build directories; return ``(removed, kept)`` entries.

    Parameters
    ----------
    directory : str, optional
        Default :func:`cache_dir`.
    older_than : float, optional
        Seconds: modules unused for longer are removed.
    max_size : int, optional
        Bytes: the least recently used modules are then removed until the
        total is at most this.
    keep : set of str
        Module names never removed.
    failed_keep : float or None
        Seconds the build directory of a failed compilation is kept after its
        process ended (None: always kept).

    Build directories of live processes are left alone (unless a week old:
    only a reused pid makes one look alive that long).
    """
    directory = directory or cache_dir()
    for bd in build_dirs(directory):
        if _is_stale(bd, failed_keep):
            _remove_path(bd.path)
    entries = cache_entries(directory)
    removed, kept = [], []
    cutoff = None if older_than is None else time.time() - older_than
    for e in entries:
        if e.name not in keep and cutoff is not None and e.last_used < cutoff:
            (removed if _remove_entry(e) else kept).append(e)
        else:
            kept.append(e)
    if max_size is not None:
        total = sum(e.size for e in kept)
        for e in list(kept):  # least recently used first
            if total <= max_size:
                break
            if e.name not in keep and _remove_entry(e):
                kept.remove(e)
                removed.append(e)
                total -= e.size
    return removed, kept


def purge(directory=None):
    """Remove every module and every build directory not owned by a live process.

    Returns ``(removed entries, build directories removed, build directories of
    live processes left in place)``.
    """
    directory = directory or cache_dir()
    gone, busy = [], []
    for bd in build_dirs(directory):
        if bd.alive:
            busy.append(bd)
        elif _remove_path(bd.path):
            gone.append(bd)
    removed = [e for e in cache_entries(directory) if _remove_entry(e)]
    return removed, gone, busy


def _auto_clean(directory, keep):
    age = config.cmodule__age_thresh_use
    size = config.cmodule__max_size_mb
    try:
        clean(directory, older_than=age if age > 0 else None,
              max_size=size * 2 ** 20 if size > 0 else None, keep=keep | set(_LOADED),
              failed_keep=None if config.nocleanup else _DEAD_BUILD_KEEP)
    except OSError as exc:  # clean-up is best effort; the module is built
        _logger.info("Cleaning the cache %s failed: %s", directory, exc)
