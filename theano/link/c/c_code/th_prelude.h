/* Included first by the runtime module. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
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
static int th_nthreads = 1;
static Py_ssize_t th_thread_minsize = 200000;

static int th_threads_for(Py_ssize_t size)
{
#ifdef _OPENMP
    return size >= th_thread_minsize ? th_nthreads : 1;
#else
    (void)size;
    return 1;
#endif
}
