"""The on-disk cache of compiled modules, shared by processes without any lock.

A module's name is a sha256 of everything that decides its binary: the
generated source, the compiler (path and version), the flags, the Python ABI,
the NumPy C-API version and the CPU (``-march=native``).  A warm start
therefore only loads a shared object.  A compilation happens in a private
temporary directory inside the cache; the finished file is moved in with
``os.replace`` (atomic on POSIX), so two processes building the same module
both succeed and the second rename is harmless.
"""
import functools
import hashlib
import importlib.machinery
import importlib.util
import os
import platform
import shutil
import sys
import sysconfig
import tempfile

import numpy as np

from theano.configparser import config
from theano.link.c.compiler import compile_flags, compile_shared_object, link_libraries

__all__ = ["module_key", "get_module", "MODULE_NAME_PLACEHOLDER"]

MODULE_NAME_PLACEHOLDER = "@MODULE_NAME@"
_LOADED = {}  # module name -> loaded module (this process)


@functools.lru_cache(maxsize=None)
def _cpu_signature():
    """The host CPU's model and feature flags (code is built with -march=native)."""
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
        sys.implementation.cache_tag, sysconfig.get_config_var("EXT_SUFFIX"),
        sys.version, _get_ndarray_c_version(), np.__version__)


def module_key(source, info):
    """Hex sha256 naming the module built from ``source`` by compiler ``info``."""
    h = hashlib.sha256()
    for part in (source, info[0], info[1], "\0".join(compile_flags(info)),
                 "\0".join(link_libraries(info)), _abi_signature(), _cpu_signature()):
        h.update(part.encode())
        h.update(b"\0\1")
    return h.hexdigest()


def _cache_dir():
    path = os.path.join(config.compiledir, "cmodules")
    os.makedirs(path, exist_ok=True)
    return path


def _load(name, path):
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_loader(name, loader, origin=path)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def get_module(source, info, prefix="theano_c_"):
    """Load the module built from ``source`` (with ``MODULE_NAME_PLACEHOLDER``).

    Compiles it first when no cached binary exists.  The module is also put
    in ``sys.modules`` (kernel modules import the runtime's capsule by name).
    """
    name = prefix + module_key(source, info)[:40]
    mod = _LOADED.get(name)
    if mod is not None:
        return mod
    cache = _cache_dir()
    final = os.path.join(cache, name + sysconfig.get_config_var("EXT_SUFFIX"))
    if not os.path.exists(final):
        tmp = tempfile.mkdtemp(prefix="tmp_" + name + "_", dir=cache)
        src = os.path.join(tmp, name + ".c")
        with open(src, "w") as f:
            f.write(source.replace(MODULE_NAME_PLACEHOLDER, name))
        built = os.path.join(tmp, os.path.basename(final))
        compile_shared_object(info, src, built)  # on error tmp stays, for the user
        os.replace(src, os.path.join(cache, name + ".c"))
        os.replace(built, final)
        shutil.rmtree(tmp, ignore_errors=True)
    mod = _load(name, final)
    _LOADED[name] = sys.modules[name] = mod
    return mod
