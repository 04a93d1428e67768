"""C text of the runtime module (the elementwise driver) and of kernel-module glue.

A generated elementwise kernel is only a *block* function: a flat loop over
``n`` contiguous elements (which the compiler vectorises).  The driver below
does everything else once for all kernels: argument checks, Theano
broadcasting, output allocation or in-place reuse, dimension coalescing,
buffering of strided or broadcast operands into contiguous chunks, OpenMP
splitting and releasing the GIL.  The driver lives in its own extension
module, compiled once per machine and configuration and found in the cache
afterwards; a function's kernel module only holds its kernels, includes only
Python.h, and reaches the driver through a capsule (as NumPy's C API does).
"""

# The contract between the runtime module and kernel modules (both include it).
# The contract between the runtime module and kernel modules (both include it).
KERNEL_ABI = r"""
#define TH_ABI_VERSION 1
/* Loops over n contiguous elements; p[k] points at operand k (inputs then
   outputs).  Returns 0 or the kernel's 1-based error code. */
typedef int (*th_block_fn)(Py_ssize_t n, char **p);

typedef struct {
    const char *name;          /* the node's op, for messages */
    int nin, nout, nd;
    const int *types;          /* NumPy type numbers, inputs then outputs */
    const unsigned char *bcast;/* nin * nd broadcastable flags */
    const int *inplace;        /* per output: the input it may overwrite, or -1 */
    th_block_fn block;
    const char *const *errmsgs;/* message of block return code c is errmsgs[c - 1] */
} th_kernel;

typedef struct {
    int abi_version;
    PyObject *(*elemwise_call)(const th_kernel *, PyObject *const *, Py_ssize_t);
} th_api_t;
"""

RUNTIME_HEADER = r"""
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
"""

KERNEL_HEADER = r"""
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#if defined(__clang__)
#define TH_IVDEP _Pragma("clang loop vectorize(assume_safety)")
#elif defined(__GNUC__)
#define TH_IVDEP _Pragma("GCC ivdep")
#else
#define TH_IVDEP
#endif
typedef unsigned char th_bool;
"""

ELEMWISE_DRIVER = r"""
#define TH_MAXOP 64
#define TH_BUF 1024

typedef struct {
    int nop, ndim;             /* operands; coalesced dims, innermost last */
    npy_intp shape[NPY_MAXDIMS];
    npy_intp strides[TH_MAXOP][NPY_MAXDIMS];
    char *base[TH_MAXOP];
    npy_intp itemsize[TH_MAXOP];
    int nin;
    npy_intp chunk, nchunks;
    int buffered;
    th_block_fn block;
} th_loop;

static PyObject *th_shapes(PyArrayObject **arrs, int n)
{
    PyObject *t = PyTuple_New(n);
    int i, d;
    if (!t) return NULL;
    for (i = 0; i < n; i++) {
        int nd = PyArray_NDIM(arrs[i]);
        PyObject *s = PyTuple_New(nd);
        if (!s) { Py_DECREF(t); return NULL; }
        for (d = 0; d < nd; d++)
            PyTuple_SET_ITEM(s, d, PyLong_FromSsize_t(PyArray_DIM(arrs[i], d)));
        PyTuple_SET_ITEM(t, i, s);
    }
    return t;
}

static void th_shape_error(const th_kernel *k, PyArrayObject **in, int i, int j, int d,
                           npy_intp size)
{
    PyObject *all = th_shapes(in, k->nin);
    if (!all) return;
    if (j >= 0) {
        PyErr_Format(PyExc_ValueError,
            "Input dimension mismatch in %s: input %d has shape %R and input %d has shape %R, "
            "which differ in dimension %d (all input shapes: %R)",
            k->name, j, PyTuple_GET_ITEM(all, j), i, PyTuple_GET_ITEM(all, i), d, all);
    } else {
        PyErr_Format(PyExc_ValueError,
            "Input dimension mismatch in %s: input %d has shape %R but the output has size "
            "%zd in dimension %d, which is not broadcastable for that input (all input "
            "shapes: %R)", k->name, i, PyTuple_GET_ITEM(all, i), (Py_ssize_t)size, d, all);
    }
    Py_DECREF(all);
}

/* A new reference to input i as an aligned, native-order array of the
   kernel's dtype whose strides are multiples of the item size. */
static PyArrayObject *th_input(const th_kernel *k, PyObject *obj, int i)
{
    int type = k->types[i];
    PyArrayObject *a;
    int d;
    if (PyArray_Check(obj) && PyArray_EquivTypenums(PyArray_TYPE((PyArrayObject *)obj), type)
            && PyArray_ISALIGNED((PyArrayObject *)obj)
            && PyArray_ISNOTSWAPPED((PyArrayObject *)obj)) {
        Py_INCREF(obj);
        a = (PyArrayObject *)obj;
    } else {
        a = (PyArrayObject *)PyArray_FROMANY(obj, type, 0, 0,
                                             NPY_ARRAY_ALIGNED | NPY_ARRAY_FORCECAST);
        if (!a) return NULL;
    }
    if (PyArray_NDIM(a) != k->nd) {
        PyErr_Format(PyExc_ValueError, "%s: input %d should have %d dimensions, got an array "
                     "with %d", k->name, i, k->nd, PyArray_NDIM(a));
        Py_DECREF(a);
        return NULL;
    }
    for (d = 0; d < k->nd; d++) {
        if (PyArray_STRIDE(a, d) % (npy_intp)PyArray_ITEMSIZE(a)) {
            PyArrayObject *c = (PyArrayObject *)PyArray_NewCopy(a, NPY_CORDER);
            Py_DECREF(a);
            return c;
        }
    }
    return a;
}

static void th_extent(PyArrayObject *a, char **lo, char **hi)
{
    int d;
    *lo = *hi = PyArray_BYTES(a);
    for (d = 0; d < PyArray_NDIM(a); d++) {
        npy_intp span = (PyArray_DIM(a, d) - 1) * PyArray_STRIDE(a, d);
        if (span < 0) *lo += span; else *hi += span;
    }
    *hi += PyArray_ITEMSIZE(a);
}

/* Whether writing a elementwise could change what b reads (conservative). */
static int th_may_share(PyArrayObject *a, PyArrayObject *b)
{
    char *alo, *ahi, *blo, *bhi;
    /* The same buffer traversed identically is fine for elementwise in place. */
    if (PyArray_DATA(a) == PyArray_DATA(b) && PyArray_NDIM(a) == PyArray_NDIM(b)
            && PyArray_CompareLists(PyArray_DIMS(a), PyArray_DIMS(b), PyArray_NDIM(a))
            && PyArray_CompareLists(PyArray_STRIDES(a), PyArray_STRIDES(b), PyArray_NDIM(a)))
        return 0;
    if (PyArray_SIZE(a) == 0 || PyArray_SIZE(b) == 0) return 0;
    th_extent(a, &alo, &ahi);
    th_extent(b, &blo, &bhi);
    return alo < bhi && blo < ahi;
}

#define TH_FILL_CASE(T) \
    { T v; memcpy(&v, src, sizeof(T)); for (i = 0; i < n; i++) ((T *)dst)[i] = v; }

/* n copies of the item at src, contiguous at dst (a broadcast operand). */
static void th_fill(char *dst, const char *src, npy_intp n, npy_intp isz)
{
    npy_intp i;
    switch (isz) {
    case 1: memset(dst, *src, n); break;
    case 2: TH_FILL_CASE(npy_uint16) break;
    case 4: TH_FILL_CASE(npy_uint32) break;
    default: TH_FILL_CASE(npy_uint64) break;
    }
}

/* Copy n items between a strided place (stride s bytes) and a contiguous buffer. */
#define TH_COPY_CASES(T) \
    if (gather) { for (i = 0; i < n; i++) ((T *)buf)[i] = *(const T *)(p + i * s); } \
    else { for (i = 0; i < n; i++) *(T *)(p + i * s) = ((const T *)buf)[i]; }

static void th_strided(char *buf, char *p, npy_intp s, npy_intp n, npy_intp isz, int gather)
{
    npy_intp i;
    switch (isz) {
    case 1: TH_COPY_CASES(npy_uint8) break;
    case 2: TH_COPY_CASES(npy_uint16) break;
    case 4: TH_COPY_CASES(npy_uint32) break;
    default: TH_COPY_CASES(npy_uint64) break;
    }
}

/* Task t: chunk (t % nchunks) of row (t / nchunks).  bufs is scratch
   (TH_BUF items per operand) for operands not contiguous in the inner loop:
   inputs are gathered (or filled, if broadcast) into it, outputs are
   computed into it and scattered back. */
static int th_run_task(const th_loop *L, npy_intp t, char *bufs)
{
    char *p[TH_MAXOP], *q[TH_MAXOP];
    npy_intp row = t / L->nchunks, start = (t % L->nchunks) * L->chunk;
    npy_intp inner = L->shape[L->ndim - 1];
    npy_intp n = inner - start < L->chunk ? inner - start : L->chunk;
    int k, d, err;
    for (k = 0; k < L->nop; k++) p[k] = L->base[k];
    for (d = L->ndim - 2; d >= 0 && row; d--) {
        npy_intp idx = row % L->shape[d];
        row /= L->shape[d];
        for (k = 0; k < L->nop; k++) p[k] += idx * L->strides[k][d];
    }
    for (k = 0; k < L->nop; k++) {
        npy_intp s = L->strides[k][L->ndim - 1];
        p[k] += start * s;
        q[k] = p[k];
        if (s == L->itemsize[k]) continue;
        q[k] = bufs + (size_t)k * TH_BUF * 8;
        if (k >= L->nin) continue;
        if (s == 0) th_fill(q[k], p[k], n, L->itemsize[k]);
        else th_strided(q[k], p[k], s, n, L->itemsize[k], 1);
    }
    err = L->block(n, q);
    for (k = L->nin; k < L->nop; k++)
        if (q[k] != p[k])
            th_strided(q[k], p[k], L->strides[k][L->ndim - 1], n, L->itemsize[k], 0);
    return err;
}

static char *th_scratch(const th_loop *L)
{
    return L->buffered ? (char *)malloc((size_t)L->nop * TH_BUF * 8) : NULL;
}

/* A broadcast dimension is walked with stride 0. */
static npy_intp th_bstride(PyArrayObject *a, int d)
{
    return PyArray_DIM(a, d) == 1 ? 0 : PyArray_STRIDE(a, d);
}

/* Iteration order (outermost first; reversed for Fortran layouts), without
   size-1 dimensions, merging neighbours that are contiguous for every operand. */
static void th_prepare(th_loop *L, PyArrayObject **ops, const npy_intp *shape, int nd,
                       int fortran)
{
    int k, d, m = 0;
    for (d = 0; d < nd; d++) {
        int dd = fortran ? nd - 1 - d : d, merge = m > 0;
        if (shape[dd] == 1) continue;
        for (k = 0; k < L->nop && merge; k++)
            merge = L->strides[k][m - 1] == th_bstride(ops[k], dd) * shape[dd];
        if (merge) {
            L->shape[m - 1] *= shape[dd];
        } else {
            L->shape[m] = shape[dd];
            m++;
        }
        for (k = 0; k < L->nop; k++) L->strides[k][m - 1] = th_bstride(ops[k], dd);
    }
    if (m == 0) {  /* a single element */
        L->shape[0] = 1;
        for (k = 0; k < L->nop; k++) L->strides[k][0] = L->itemsize[k];
        m = 1;
    }
    L->ndim = m;
}

static int th_execute(th_loop *L, npy_intp size)
{
    npy_intp inner = L->shape[L->ndim - 1], rows = size / inner, ntasks;
    int k, err = 0, nthreads = 1;
    PyThreadState *ts;
    L->buffered = 0;
    for (k = 0; k < L->nop; k++)
        if (L->strides[k][L->ndim - 1] != L->itemsize[k]) L->buffered = 1;
    L->chunk = L->buffered ? TH_BUF : inner;
#ifdef _OPENMP
    if (size >= TH_OMP_MINSIZE) nthreads = omp_get_max_threads();
    if (nthreads > 1 && !L->buffered && rows < 4 * nthreads) {
        npy_intp c = (inner + 4 * nthreads - 1) / (4 * nthreads);
        c = (c + 63) & ~(npy_intp)63;
        if (c < L->chunk) L->chunk = c;
    }
#endif
    L->nchunks = (inner + L->chunk - 1) / L->chunk;
    ntasks = rows * L->nchunks;
    /* Releasing the GIL costs more than a small loop. */
    ts = size >= 16384 ? PyEval_SaveThread() : NULL;
    if (nthreads > 1 && ntasks > 1) {
#ifdef _OPENMP
        #pragma omp parallel num_threads(nthreads)
        {
            char *bufs = th_scratch(L);
            int e = L->buffered && !bufs ? -1 : 0;
            npy_intp t;
            /* Dynamic: on a busy machine a thread that starts late finds
               less left to do instead of half the work. */
            #pragma omp for schedule(dynamic, 1)
            for (t = 0; t < ntasks; t++)
                if (!e) e = th_run_task(L, t, bufs);
            if (e) {
                #pragma omp atomic write
                err = e;
            }
            free(bufs);
        }
#endif
    } else {
        char *bufs = th_scratch(L);
        npy_intp t;
        err = L->buffered && !bufs ? -1 : 0;
        for (t = 0; t < ntasks && !err; t++) err = th_run_task(L, t, bufs);
        free(bufs);
    }
    if (ts) PyEval_RestoreThread(ts);
    return err;
}

static int th_store(PyObject *cells, int k, PyObject *value)
{
    PyObject *cell = PyList_Check(cells) && k < PyList_GET_SIZE(cells)
                     ? PyList_GET_ITEM(cells, k) : NULL;
    if (!cell || !PyList_Check(cell) || PyList_GET_SIZE(cell) < 1) {
        PyErr_SetString(PyExc_TypeError, "output storage must be a list of 1-element lists");
        Py_DECREF(value);
        return -1;
    }
    return PyList_SetItem(cell, 0, value);
}

/* kernel(inputs, output_cells): the thunk calling convention of the VM. */
static PyObject *th_elemwise_call(const th_kernel *K, PyObject *const *args, Py_ssize_t nargs)
{
    PyArrayObject *ops[TH_MAXOP];
    PyObject *seq;
    npy_intp shape[NPY_MAXDIMS], size = 1;
    int nin = K->nin, nout = K->nout, nd = K->nd, i, d, k, fortran = 0, err;
    th_loop L;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "a C thunk takes (inputs, output_storage)");
        return NULL;
    }
    seq = PySequence_Fast(args[0], "inputs must be a sequence");
    if (!seq) return NULL;
    if (PySequence_Fast_GET_SIZE(seq) != nin) {
        PyErr_Format(PyExc_TypeError, "%s takes %d inputs, got %zd", K->name, nin,
                     PySequence_Fast_GET_SIZE(seq));
        Py_DECREF(seq);
        return NULL;
    }
    for (i = 0; i < nin; i++) {
        ops[i] = th_input(K, PySequence_Fast_GET_ITEM(seq, i), i);
        if (!ops[i]) {
            while (i--) Py_DECREF(ops[i]);
            Py_DECREF(seq);
            return NULL;
        }
    }
    Py_DECREF(seq);
    /* Theano broadcasting: only dimensions marked broadcastable may differ. */
    for (d = 0; d < nd; d++) {
        int first = -1;
        shape[d] = 1;
        for (i = 0; i < nin; i++) {
            npy_intp s = PyArray_DIM(ops[i], d);
            if (s == 1) continue;
            if (first >= 0 && s != shape[d]) {
                th_shape_error(K, ops, i, first, d, shape[d]);
                goto fail_in;
            }
            shape[d] = s;
            first = i;
        }
        for (i = 0; i < nin; i++)
            if (PyArray_DIM(ops[i], d) != shape[d] && !K->bcast[i * nd + d]) {
                th_shape_error(K, ops, i, -1, d, shape[d]);
                goto fail_in;
            }
        size *= shape[d];
    }
    /* The layout leader: the first input that is not broadcast at all. */
    for (i = 0; i < nin; i++) {
        PyArrayObject *a = ops[i];
        if (PyArray_SIZE(a) == size && size > 1) {
            fortran = PyArray_IS_F_CONTIGUOUS(a) && !PyArray_IS_C_CONTIGUOUS(a);
            break;
        }
    }
    for (k = 0; k < nout; k++) {
        PyArrayObject *out = NULL;
        int t = K->inplace[k];
        if (t >= 0) {
            PyArrayObject *a = ops[t];
            int ok = PyArray_ISWRITEABLE(a)
                     && PyArray_EquivTypenums(PyArray_TYPE(a), K->types[nin + k])
                     && PyArray_CompareLists(PyArray_DIMS(a), shape, nd);
            for (i = 0; i < nin && ok; i++)
                if (i != t && th_may_share(a, ops[i])) ok = 0;
            for (i = 0; i < k && ok; i++)
                if (ops[nin + i] == a) ok = 0;
            if (ok) { Py_INCREF(a); out = a; }
        }
        if (!out)
            out = (PyArrayObject *)PyArray_EMPTY(nd, shape, K->types[nin + k], fortran);
        if (!out) {
            while (k--) Py_DECREF(ops[nin + k]);
            goto fail_in;
        }
        ops[nin + k] = out;
    }
    if (size > 0) {
        L.nop = nin + nout;
        L.nin = nin;
        L.block = K->block;
        for (k = 0; k < L.nop; k++) {
            L.base[k] = PyArray_BYTES(ops[k]);
            L.itemsize[k] = PyArray_ITEMSIZE(ops[k]);
        }
        th_prepare(&L, ops, shape, nd, fortran);
        err = th_execute(&L, size);
        if (err) {
            if (err < 0) PyErr_NoMemory();
            else PyErr_Format(PyExc_ValueError, "%s: %s", K->name, K->errmsgs[err - 1]);
            for (k = 0; k < nin + nout; k++) Py_DECREF(ops[k]);
            return NULL;
        }
    }
    for (i = 0; i < nin; i++) Py_DECREF(ops[i]);
    for (k = 0; k < nout; k++) {
        if (th_store(args[1], k, (PyObject *)ops[nin + k]) < 0) {
            for (k++; k < nout; k++) Py_DECREF(ops[nin + k]);
            return NULL;
        }
    }
    Py_RETURN_NONE;
fail_in:
    for (i = 0; i < nin; i++) Py_DECREF(ops[i]);
    return NULL;
}
"""


def runtime_source(omp_minsize):
    """The C text of the runtime module (driver plus its ``_C_API`` capsule)."""
    return "".join([RUNTIME_HEADER, KERNEL_ABI, "#define TH_OMP_MINSIZE %d\n" % omp_minsize,
                    ELEMWISE_DRIVER, r"""
static th_api_t th_api = {TH_ABI_VERSION, th_elemwise_call};

static struct PyModuleDef th_module = {
    PyModuleDef_HEAD_INIT, "@MODULE_NAME@", "Theano C runtime", -1, NULL, NULL, NULL, NULL, NULL
};

PyMODINIT_FUNC PyInit_@MODULE_NAME@(void)
{
    PyObject *m, *cap;
    import_array();
    m = PyModule_Create(&th_module);
    if (!m) return NULL;
    cap = PyCapsule_New(&th_api, "@MODULE_NAME@._C_API", NULL);
    if (!cap || PyModule_AddObject(m, "_C_API", cap) < 0) {
        Py_XDECREF(cap);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
"""])


def kernel_module_footer(functions, runtime_name):
    """Method table and init of a kernel module; init binds the runtime's API."""
    rows = "".join('    {"%s", (PyCFunction)(void (*)(void))%s, METH_FASTCALL, NULL},\n'
                   % (f, f) for f in functions)
    return r"""
static PyMethodDef th_methods[] = {
%s    {NULL, NULL, 0, NULL}
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
    return PyModule_Create(&th_module);
}
""" % (rows, runtime_name)
