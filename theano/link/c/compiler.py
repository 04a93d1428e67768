"""Find the C compiler and build one C source into a loadable CPython extension.

The compiler comes from ``config.cxx`` (any gcc/clang driver; the source is
compiled as C with ``-x c``).  Flags are chosen for NumPy-identical results:
``-fno-math-errno`` and ``-fno-trapping-math`` let loops vectorise without
changing any value, ``-ffp-contract=off`` forbids fusing ``a*b+c`` into one
rounding (NumPy rounds twice), ``-fwrapv`` makes signed overflow wrap as
NumPy's integer arithmetic does.  No ``-ffast-math``: it would assume no
NaN/inf.
"""
import concurrent.futures
import functools
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import warnings
from typing import NamedTuple

import numpy as np

from theano.configparser import config
from theano.link.c import hostfacts

__all__ = ["CompileError", "BuildOptions", "compiler_info", "compile_flags",
           "compile_shared_object", "vector_math_functions"]


class CompileError(RuntimeError):
    """The C compiler rejected generated code (the message holds its output)."""


class BuildOptions(NamedTuple):
    """How a module differs from the default build (C, the flags of :func:`compile_flags`).

    Modules holding the C code of user ops (Theano 1.0's ``c_code`` interface) are C++,
    as in Theano 1.0, and take the ops' ``c_compile_args``, ``c_no_compile_args``,
    ``c_header_dirs``, ``c_lib_dirs`` and ``c_libraries``.  All of it is part of the
    cache key.
    """
    language: str = "c"          # "c" or "c++"
    flags: tuple = ()            # added after the default flags
    no_flags: tuple = ()         # removed from the final flags
    include_dirs: tuple = ()     # -I
    lib_dirs: tuple = ()         # -L (and the run-time search path)
    libraries: tuple = ()        # -l


_WARNED = set()


def _warn_once(key, msg):
    if key not in _WARNED:
        _WARNED.add(key)
        warnings.warn(msg, RuntimeWarning, stacklevel=4)


_INSTALL_HINT = ("Install a C compiler (Debian/Ubuntu: `apt-get install g++`; Fedora: "
                 "`dnf install gcc-c++`; macOS: `xcode-select --install`) or point the "
                 "flag at one: THEANO_FLAGS=cxx=/path/to/g++.")


@functools.lru_cache(maxsize=None)
def _probe(cxx):
    """(version text, is_gcc) of compiler ``cxx``, or an error string.

    A successful probe is remembered (:mod:`~theano.link.c.hostfacts`) while the
    compiler binary keeps its path, size and modification time.
    """
    path = shutil.which(cxx)
    stamp = hostfacts.file_stamp(os.path.realpath(path)) if path else None
    if stamp is None:
        return _run_probe(cxx)
    found = hostfacts.recall("compiler " + path, stamp, lambda: _run_probe(cxx)[0])
    if found is None:  # a failure is not remembered: establish it (and its message) again
        return _run_probe(cxx)
    return tuple(found), None


def _run_probe(cxx):
    try:
        res = subprocess.run([cxx, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return None, str(exc)
    if res.returncode != 0:
        return None, (res.stderr or res.stdout).strip()
    text = res.stdout.strip()
    is_gcc = "clang" not in text.lower() and ("gcc" in text.lower() or "g++" in text.lower()
                                              or "free software foundation" in text.lower())
    return (text.splitlines()[0] if text else cxx, is_gcc), None


def compiler_info():
    """``(path, version line, is_gcc)`` of the usable compiler, or None.

    When there is none, a single warning says what was not found and how to
    install one; callers then use the NumPy implementations.
    """
    cxx = config.cxx
    if not cxx:
        _warn_once(("nocxx", ""),
                   "Theano found no C compiler (the flag config.cxx is empty, and no g++ or "
                   "gcc is on PATH), so the C linker falls back to the NumPy implementation "
                   "(same results, slower). " + _INSTALL_HINT)
        return None
    found, err = _probe(cxx)
    if found is None:
        _warn_once(("badcxx", cxx),
                   "Theano could not run the C compiler %r (%s), so the C linker falls back to "
                   "the NumPy implementation (same results, slower). %s"
                   % (cxx, err, _INSTALL_HINT))
        return None
    if not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")):
        _warn_once(("nopyh", sysconfig.get_paths()["include"]),
                   "Theano found the C compiler %r but not the Python headers (Python.h in %s), "
                   "so the C linker falls back to the NumPy implementation. Install them "
                   "(Debian/Ubuntu: `apt-get install python3-dev`)."
                   % (cxx, sysconfig.get_paths()["include"]))
        return None
    return (cxx,) + found


def _arch_flags():
    machine = platform.machine().lower()
    if machine in ("x86_64", "amd64", "i686", "i386"):
        if _has_avx512():
            # gcc and clang vectorise with 256-bit registers on these CPUs unless told
            # otherwise.  Measured on an Intel Xeon, one thread, 1M float64: exp 843 ->
            # 612 us, sigmoid 940 -> 741, tanh 1013 -> 861, the benchmark's elementwise
            # chain 3110 -> 2548 (memory-bound loops unchanged).
            return ["-march=native", "-mprefer-vector-width=512"]
        return ["-march=native"]
    return ["-mcpu=native"]


@functools.lru_cache(maxsize=None)
def _has_avx512():
    """Whether the host CPU has AVX-512F (remembered for the current boot)."""
    boot = hostfacts.boot_id()
    return bool(hostfacts.recall("avx512f", boot and [boot, platform.machine()],
                                 _read_avx512))


def _read_avx512():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return "avx512f" in line.split()
    except OSError:
        pass
    return False


@functools.lru_cache(maxsize=None)
def _glibc_version():
    try:
        name, ver = os.confstr("CS_GNU_LIBC_VERSION").split()
        return tuple(int(p) for p in ver.split(".")[:2])
    except (ValueError, OSError, AttributeError):
        return None


@functools.lru_cache(maxsize=None)
def _libmvec_available():
    """Whether ``-lmvec`` links: ``libmvec.so`` in a standard library directory (a file
    test instead of ``ctypes.util.find_library``, which runs ``ldconfig``)."""
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    dirs = [os.path.join(d, multiarch) for d in ("/usr/lib", "/lib") if multiarch]
    dirs += ["/usr/lib64", "/lib64", "/usr/lib", "/lib"]
    return any(os.path.exists(os.path.join(d, "libmvec.so")) for d in dirs)


# glibc's libmvec (x86_64) vector variants whose results stay within 1e-15
# relative of the scalar libm (which NumPy uses for float64) over finite,
# NaN and inf inputs -- measured by bench/bench_c_elemwise.py --accuracy.
# Versions are the glibc release that added each variant.  scalar_c.py uses exp from
# here, and c_code/th_vmath.h's own expm1, log1p and tanh (measured as fast or faster,
# with no slow scalar path for lanes out of the domain).
_LIBMVEC = {
    (2, 22): ("exp", "log", "sin", "cos"),
    (2, 35): ("exp2", "expm1", "log2", "log10", "log1p", "tanh", "sinh", "cosh",
              "atan", "asinh", "acosh", "atanh", "tan", "asin", "acos"),
}


def vector_math_functions(cxx_is_gcc):
    """Names of the libm functions to declare ``simd`` (libmvec), or ().

    Only gcc on x86_64 Linux with glibc's libmvec; anywhere else the loops
    call scalar libm (correct, slower).
    """
    if not (cxx_is_gcc and sys.platform.startswith("linux")
            and platform.machine().lower() in ("x86_64", "amd64")):
        return ()
    glibc = _glibc_version()
    if glibc is None or not _libmvec_available():
        return ()
    names = []
    for since, fns in sorted(_LIBMVEC.items()):
        if glibc >= since:
            names.extend(fns)
    return tuple(names)


def compile_flags(info, options=None):
    """The full flag list (the cache key includes it) for compiler ``info``."""
    if options is not None and options.language == "c++":
        lang = ["-x", "c++"]  # the compiler's default standard (gnu++17 for gcc 11+)
    else:
        lang = ["-x", "c", "-std=gnu11"]
    flags = lang + ["-shared", "-fPIC", "-fno-math-errno", "-fno-trapping-math",
                    "-ffp-contract=off", "-fwrapv", "-fvisibility=hidden", "-w"]
    if not config.cmodule__remove_gxx_opt:
        flags.append("-O3")
    flags += _arch_flags()
    if config.openmp:
        flags.append("-fopenmp")
    if sys.platform == "darwin":
        flags += ["-undefined", "dynamic_lookup"]
    if config.cmodule__compilation_warning:
        flags.remove("-w")
    flags += config.gcc__cxxflags.split()
    if options is not None:
        flags += list(options.flags)
        flags += ["-I" + d for d in options.include_dirs]
    flags += ["-I" + sysconfig.get_paths()["include"], "-I" + np.get_include()]
    if options is not None and options.no_flags:
        flags = _without(flags, options.no_flags)
    return flags


def _without(flags, removed):
    removed = set(removed)
    out = []
    for f in flags:
        if f in removed:
            if out and out[-1] == "-x":  # never leave "-x" without its language
                out.pop()
            continue
        out.append(f)
    return out


def link_libraries(info, options=None):
    libs = ["-lm"]
    if vector_math_functions(info[2]):
        libs.insert(0, "-lmvec")
    if options is not None:
        libs = (["-L" + d for d in options.lib_dirs]
                + ["-Wl,-rpath," + d for d in options.lib_dirs]
                + ["-l" + lib for lib in options.libraries] + libs)
        if options.language == "c++" and "++" not in os.path.basename(info[0]):
            libs.append("-lstdc++")  # a C driver (gcc, clang) does not link it by itself
        if options.no_flags:
            libs = _without(libs, options.no_flags)
    return libs


def _run_compiler(cmd, source_path):
    try:
        res = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as exc:
        raise CompileError("Could not run the C compiler %r: %s" % (cmd[0], exc)) from None
    if res.returncode != 0:
        raise CompileError(
            "Compilation of generated C code failed (exit status %d).\n"
            "Source kept at: %s\nCommand: %s\nCompiler output:\n%s"
            % (res.returncode, source_path, " ".join(cmd), (res.stderr + res.stdout).strip()))
    if config.cmodule__compilation_warning and res.stderr.strip():
        warnings.warn("C compiler warnings for %s:\n%s" % (source_path, res.stderr.strip()))


def _build_jobs():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def compile_shared_object(info, source_path, out_path, options=None):
    """Run the compiler on ``source_path`` producing ``out_path``.

    ``source_path`` may be a list of translation units: they are compiled to object
    files side by side, as many at once as this process may use cores (largest
    first), then linked into ``out_path``.

    Raises
    ------
    CompileError
        With the compiler's own message and the path of the kept source.
    """
    flags = compile_flags(info, options)
    libs = link_libraries(info, options)
    if isinstance(source_path, str):
        _run_compiler([info[0]] + flags + [source_path, "-o", out_path] + libs, source_path)
        return
    objects = [os.path.splitext(p)[0] + ".o" for p in source_path]
    jobs = sorted(zip(source_path, objects), key=lambda j: -os.path.getsize(j[0]))
    with concurrent.futures.ThreadPoolExecutor(min(_build_jobs(), len(jobs))) as pool:
        futures = [pool.submit(_run_compiler, [info[0]] + flags + ["-c", src, "-o", obj], src)
                   for src, obj in jobs]
        for fut in futures:
            fut.result()  # the first failure, in size order
    # The link step takes every flag but the source language ("-x c" would make the
    # driver read the object files as C).
    link = []
    for f in flags:
        if link and link[-1] == "-x":
            link.pop()
            continue
        link.append(f)
    _run_compiler([info[0]] + link + objects + ["-o", out_path] + libs, source_path[0])
