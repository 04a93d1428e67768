/* Included first by each translation unit of the runtime module: the core unit (VM,
 * scan, calls, BLAS, module init) and one unit per kernel family, which defines
 * TH_KERNEL_UNIT.  The units are compiled in parallel and linked into one module; they
 * share NumPy's API table and the thread settings below, nothing else. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#define PY_ARRAY_UNIQUE_SYMBOL th_numpy_api
#ifdef TH_KERNEL_UNIT
#define NO_IMPORT_ARRAY
#endif
#include <numpy/arrayobject.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "th_abi.h"

/* Threads for elementwise loops and reductions: `th_nthreads` (set from config) for
 * loops of at least `th_thread_minsize` elements, one below. */
/* Arrays of at least TH_POOL_MIN bytes made in C are counted (th_pool.c: a caller that
 * makes them uses the buffer pool). */
#define TH_POOL_MIN ((size_t)64 * 1024)
#ifdef TH_KERNEL_UNIT
extern int th_nthreads;
extern Py_ssize_t th_thread_minsize;
extern size_t th_large_allocs;
#else
int th_nthreads = 1;
Py_ssize_t th_thread_minsize = 200000;
size_t th_large_allocs = 0;
#endif

static int th_threads_for(Py_ssize_t size)
{
#ifdef _OPENMP
    return size >= th_thread_minsize ? th_nthreads : 1;
#else
    (void)size;
    return 1;
#endif
}

/* Registers a kernel's address under its name in the runtime's `kernels` dict. */
static int th_add_kernel(PyObject *dict, const char *name, th_kernel_fn fn)
{
    PyObject *addr = PyLong_FromVoidPtr((void *)fn);
    int rc;
    if (!addr) return -1;
    rc = PyDict_SetItemString(dict, name, addr);
    Py_DECREF(addr);
    return rc;
}
