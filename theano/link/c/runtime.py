"""The C runtime module: the C VM, the elementwise driver, the builtin kernels, BLAS.

Its C sources are the files of ``c_code/``: ``th_abi.h`` (the contract with kernel
modules), ``th_cells.c`` (storage cells), ``th_elemwise.c`` (the elementwise driver),
``th_blas.c`` (products through NumPy's BLAS), ``kernels_*.c`` (builtin kernels, one
file per family), ``th_vm.c`` (plans and frames), ``th_scan.c`` (scan loops),
``th_call.c`` (whole calls in C) and
``th_module.c``.  They are
compiled into one extension module once per machine and configuration, and found in
the on-disk cache afterwards: the core files form one translation unit and the kernel
families others (:func:`runtime_units`), compiled in parallel and linked together.
Every builtin kernel ``static int th_k_NAME(...)`` is registered under ``NAME`` in the
module's ``kernels`` dict.
"""
import ctypes
import functools
import glob
import os
import re
import sys

import numpy as np

from theano.configparser import config
from theano.link.c import hostfacts
from theano.link.c.cache import get_named_module, module_key, warm_key_parts
from theano.link.c.compiler import compiler_info

__all__ = ["C_CODE_DIR", "read_c", "runtime_units", "load_runtime", "kernel_module_source",
           "KERNEL_HEADER", "NUMPY_HEADER"]

C_CODE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "c_code")
_KERNEL_RE = re.compile(r"^static int th_k_(\w+)\(th_cell \*const \*in, th_cell \*const \*out,",
                        re.M)


def read_c(name):
    """The text of ``c_code/name`` with ``#include "th_abi.h"`` expanded."""
    with open(os.path.join(C_CODE_DIR, name)) as f:
        text = f.read()
    if '#include "th_abi.h"' in text:
        text = text.replace('#include "th_abi.h"', read_c("th_abi.h"))
    return text


def _kernel_files():
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(C_CODE_DIR,
                                                                       "kernels_*.c")))


# Kernel files that use the static helpers of kernels_shape.c (the strided N-d loops,
# integer reads) share its unit, listed before it (they declare what they use).
_SAME_UNIT = {"kernels_index.c": ["kernels_index.c", "kernels_nnet.c", "kernels_shape.c"]}


def _kernel_units():
    """The kernel files grouped by translation unit."""
    units, placed = [], set()
    for fname in _kernel_files():
        if fname in placed:
            continue
        group = _SAME_UNIT.get(fname, [fname])
        units.append(group)
        placed.update(group)
    return units


_CORE_FILES = ["th_cells.c", "th_elemwise.c", "th_helper.c", "th_blas.c", "th_pool.c", "th_vm.c", "th_scan.c",
               "th_scan_replay.c", "th_scan_products.c", "th_call.c"]
# Static helpers that every kernel unit compiles for itself (their state, the thread
# settings and the BLAS entry points, is defined once, in the core unit).
_SHARED_FILES = ["th_cells.c", "th_elemwise.c", "th_blas.c"]


def _registration(fn_name, kernel_names, linkage="static "):
    lines = ["%sint %s(PyObject *d)" % (linkage, fn_name), "{"]
    lines += ['    if (th_add_kernel(d, "%s", th_k_%s) < 0) return -1;' % (n, n)
              for n in kernel_names]
    return "\n".join(lines + ["    return 0;", "}", ""])


def runtime_units():
    """The C texts of the runtime module's translation units, core unit first.

    The core unit holds the VM, scan loops, whole calls, BLAS and the module's init;
    each ``kernels_*.c`` family is a unit of its own (with the static helpers of
    ``th_cells.c``, ``th_elemwise.c`` and ``th_blas.c`` compiled again), so a cold build
    runs one compiler per core instead of one for everything.  Every builtin kernel
    ``static int th_k_NAME(...)`` is registered under ``NAME`` by its own unit.
    """
    prelude = read_c("th_prelude.h")
    shared = [read_c(n) for n in _SHARED_FILES]
    units, calls = [], []
    for group in _kernel_units():
        body = "\n".join(read_c(n) for n in group)
        fn = "th_register_" + group[0][:-2]
        units.append("\n".join(["#define TH_KERNEL_UNIT 1", prelude] + shared
                                + [body, _registration(fn, _KERNEL_RE.findall(body), "")]))
        calls.append(fn)
    core = [read_c(n) for n in _CORE_FILES]
    own = [n for part in core for n in _KERNEL_RE.findall(part)]
    reg = ["int %s(PyObject *d);" % fn for fn in calls]
    reg.append(_registration("th_register_own_kernels", own))
    reg += ["static int th_register_kernels(PyObject *d)", "{",
            "    if (th_register_own_kernels(d) < 0) return -1;"]
    reg += ["    if (%s(d) < 0) return -1;" % fn for fn in calls]
    reg += ["    return 0;", "}", ""]
    module = read_c("th_module.c")
    # th_register_kernels is called by th_module.c's init function.
    i = module.index("PyMODINIT_FUNC")
    main = "\n".join([prelude] + core) + "\n" + module[:i] + "\n".join(reg) + "\n" + module[i:]
    return [main] + units


# Kernel modules include only Python.h and the ABI, which keeps them quick to compile.
KERNEL_HEADER = r"""
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#if defined(__clang__)
#define TH_IVDEP _Pragma("clang loop vectorize(assume_safety)")
#elif defined(__GNUC__)
#define TH_IVDEP _Pragma("GCC ivdep")
#else
#define TH_IVDEP
#endif
typedef unsigned char th_bool;
"""

# Modules holding user C ops (C++, as Theano 1.0 compiled them) also see NumPy's C API.
NUMPY_HEADER = r"""
#include <numpy/arrayobject.h>
#include <numpy/arrayscalars.h>
"""


def kernel_module_source(body, exports, runtime_name, state_makers=(), init_code="",
                         numpy=False, headers=""):
    """A kernel module: ``body`` (C text) and a ``_table()`` giving the addresses of the
    ``exports`` symbols; its init binds the runtime's API as ``th_api``.

    Parameters
    ----------
    state_makers : sequence of str
        Functions ``PyObject *f(PyObject *args)`` returning a capsule of per-node state;
        ``module._state(i, args)`` calls the i-th and returns ``(capsule, address)``.
    init_code : str
        C statements run by the module's init (after ``import_array()``); they may
        ``return NULL`` with an exception set.
    numpy : bool
        Include NumPy's ``arrayobject.h`` (before ``headers``) and call ``import_array()``.
    headers : str
        ``#include`` lines placed after the standard ones.
    """
    rows = "".join("    (const void *)&%s,\n" % e for e in exports) or "    NULL,\n"
    makers = "".join("    %s,\n" % m for m in state_makers) or "    NULL,\n"
    init = ("    import_array();\n" if numpy else "") + init_code
    return "".join([KERNEL_HEADER, NUMPY_HEADER if numpy else "", headers,
                    read_c("th_abi.h"), "static const th_api_t *th_api;\n",
                    read_c("th_cop.h") if numpy else "", body, r"""
static const void *th_exports[] = {
%s};

typedef PyObject *(*th_state_maker)(PyObject *);
static const th_state_maker th_state_makers[] = {
%s};

static PyObject *th_table(PyObject *self, PyObject *unused)
{
    Py_ssize_t n = %d, i;
    PyObject *out = PyList_New(n);
    if (!out) return NULL;
    for (i = 0; i < n; i++) {
        PyObject *a = PyLong_FromVoidPtr((void *)th_exports[i]);
        if (!a) { Py_DECREF(out); return NULL; }
        PyList_SET_ITEM(out, i, a);
    }
    return out;
}

/* _state(i, args): (capsule, address) of a new per-node state made by state maker i. */
static PyObject *th_state(PyObject *self, PyObject *args)
{
    Py_ssize_t i, n = %d;
    PyObject *margs, *cap, *res;
    void *ptr;
    if (!PyArg_ParseTuple(args, "nO!", &i, &PyTuple_Type, &margs)) return NULL;
    if (i < 0 || i >= n) {
        PyErr_SetString(PyExc_IndexError, "no such state maker");
        return NULL;
    }
    cap = th_state_makers[i](margs);
    if (!cap) return NULL;
    ptr = PyCapsule_GetPointer(cap, PyCapsule_GetName(cap));
    if (!ptr) { Py_DECREF(cap); return NULL; }
    res = Py_BuildValue("(NN)", cap, PyLong_FromVoidPtr(ptr));
    return res;
}

static PyMethodDef th_methods[] = {
    {"_table", th_table, METH_NOARGS, NULL},
    {"_state", th_state, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef th_module = {
    PyModuleDef_HEAD_INIT, "@MODULE_NAME@", NULL, -1, th_methods, NULL, NULL, NULL, NULL
};

PyMODINIT_FUNC PyInit_@MODULE_NAME@(void)
{
    th_api = (const th_api_t *)PyCapsule_Import("%s._C_API", 0);
    if (!th_api) return NULL;
    if (th_api->abi_version != TH_ABI_VERSION) {
        PyErr_SetString(PyExc_ImportError, "Theano C runtime ABI mismatch");
        return NULL;
    }
%s
    return PyModule_Create(&th_module);
}
""" % (rows, makers, len(exports), len(state_makers), runtime_name, init)])


# -- BLAS: NumPy's own library, else SciPy's ------------------------------------------------
def _loaded_libraries():
    """Paths of the shared libraries loaded in this process (Linux), else NumPy's bundle."""
    paths = {}   # (a dict: ordered, and each of the map's many lines is looked up once)
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 6 and ".so" in parts[-1]:
                    paths[parts[-1]] = None
    except OSError:
        pass
    return list(paths)


def _blas_candidates():
    """Libraries that may hold NumPy's BLAS: the OpenBLAS of a NumPy wheel first (one
    glob), then every shared object mapped in this process."""
    bundle = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")
    yield from sorted(glob.glob(os.path.join(bundle, "*blas*")))
    yield from _loaded_libraries()


def _address(lib, name):
    try:
        return ctypes.cast(getattr(lib, name), ctypes.c_void_p).value or 0
    except AttributeError:
        return 0


def _numpy_cblas():
    """(name, gemm, gemv, ger) from the CBLAS (64-bit ints) of NumPy's BLAS, or None."""
    import numpy.linalg  # noqa: F401  (makes sure NumPy's BLAS is loaded)

    for path in _blas_candidates():
        if "blas" not in os.path.basename(path).lower():
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix in (("scipy_cblas_", "64_"), ("cblas_", "64_")):
            tabs = [tuple(_address(lib, prefix + t + name + suffix) for t in "sdcz")
                    for name in ("gemm", "gemv", "ger")]
            tabs[2] = tabs[2][:2] + (0, 0)  # complex ger is geru: not needed
            if tabs[0][1]:
                return ("cblas-ilp64 " + os.path.basename(path),) + tuple(tabs)
    return None


def _capsule_address(capsule):
    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype = ctypes.c_char_p
    get_name.argtypes = [ctypes.py_object]
    get_ptr = ctypes.pythonapi.PyCapsule_GetPointer
    get_ptr.restype = ctypes.c_void_p
    get_ptr.argtypes = [ctypes.py_object, ctypes.c_char_p]
    return get_ptr(capsule, get_name(capsule)) or 0


def _scipy_blas():
    """(name, gemm, gemv, ger) from SciPy's cython_blas (Fortran, 32-bit ints)."""
    from scipy.linalg import cython_blas

    capi = cython_blas.__pyx_capi__

    def table(name, types="sdcz"):
        return tuple(_capsule_address(capi[t + name]) if t + name in capi else 0
                     for t in types)

    return ("fortran scipy.linalg.cython_blas", table("gemm"), table("gemv"),
            table("ger", "sd") + (0, 0))


def _threads():
    if not config.openmp:
        return 1
    if config.openmp_threads:
        return config.openmp_threads
    env = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _runtime_name(info):
    """The runtime module's name: the hash of its source, remembered (see
    :mod:`~theano.link.c.hostfacts`) with the sizes and times of the C files and everything
    else of the module key, so a warm start neither reads nor hashes the sources."""
    files = sorted(os.listdir(C_CODE_DIR))
    stamp = [hostfacts.file_stamp(os.path.join(C_CODE_DIR, n)) for n in files]
    if any(s is None for s in stamp):
        stamp = None
    else:
        stamp.append(warm_key_parts(info))
    return hostfacts.recall("runtime " + C_CODE_DIR, stamp, lambda: "theano_c_rt_" + module_key(
        runtime_units(), info)[:40])


@functools.lru_cache(maxsize=None)
def _load(key):
    info = compiler_info()
    if info is None:
        return None
    # Idle threads of our loops must sleep, not spin: BLAS and the caller need the cores.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    rt = get_named_module(_runtime_name(info), runtime_units, info)
    blas = _numpy_cblas() or _scipy_blas()
    rt.set_blas(*blas)
    return rt


def load_runtime():
    """The loaded runtime module (threads set from the current config), or None without a
    C compiler."""
    rt = _load((config.openmp, sys.version))
    if rt is not None:
        rt.set_threads(_threads(), config.openmp_elemwise_minsize)
        rt.set_pool_limit(config.cmodule__buffer_pool_mb * 1024 * 1024)
    return rt
