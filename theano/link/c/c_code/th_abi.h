/* The contract between the Theano C runtime and the kernel modules compiled for each
 * function.  Both include this header; the runtime exports a th_api_t table through the
 * capsule `<runtime module>._C_API`, which kernel modules import when they load.
 *
 * A *cell* is the storage of one variable of a compiled function: a strided array
 * described in C (data pointer, dims, strides, NumPy type number) plus the Python object
 * that owns the memory.  Kernels read their input cells and write their output cells;
 * no Python object is made or touched between two kernels.
 */
#ifndef TH_ABI_H
#define TH_ABI_H

#define TH_ABI_VERSION 3
#define TH_MAXDIM 32

/* th_cell.flags */
#define TH_OWNS   1  /* obj is an array whose whole buffer this cell may overwrite next call */
#define TH_ARRAY  2  /* the cell holds an array (data/nd/dims/strides/typenum are valid) */
#define TH_TARGET 4  /* data is a C-contiguous row of a scan buffer: prepare_output keeps it
                      * when the output has its shape and type (the node computes into it) */
#define TH_ACCUM  8  /* with TH_TARGET: the row holds a partial sum the node's result is to
                      * be added to.  A kernel that can add into it (a matrix product with
                      * beta = 1) does so and leaves the flags; prepare_output drops the row
                      * (the node computes into a buffer of its own, the loop adds it) */

typedef struct {
    char *data;
    PyObject *obj;          /* strong reference keeping the value (and data) alive, or NULL */
    int nd;
    int typenum;            /* NumPy type number of the elements */
    int flags;
    int itemsize;
    Py_ssize_t dims[TH_MAXDIM];
    Py_ssize_t strides[TH_MAXDIM];   /* in bytes */
} th_cell;

/* A kernel computes one node.  `data` is the node's parameters: a spec made by the kernel
 * module, or a vector of Py_ssize_t for the runtime's builtin kernels.  Returns 0, or -1
 * with a Python exception set. */
typedef int (*th_kernel_fn)(th_cell *const *in, th_cell *const *out, const void *data);

/* Elementwise kernels: a block function computes n contiguous elements; p[k] points at
 * operand k (inputs, then outputs).  It returns 0 or a 1-based error code. */
typedef int (*th_block_fn)(Py_ssize_t n, char **p);

typedef struct {
    const char *name;          /* the node's op, for messages */
    int nin, nout, nd;
    const int *types;          /* NumPy type numbers, inputs then outputs */
    const unsigned char *bcast;/* nin * nd broadcastable flags */
    const int *inplace;        /* per output: the input it may overwrite, or -1 */
    th_block_fn block;
    const char *const *errmsgs;/* message of block return code c is errmsgs[c - 1] */
} th_ew_spec;

/* Reductions (c_code/kernels_reduce.c).  Operation codes: */
#define TH_R_SUM  0
#define TH_R_PROD 1
#define TH_R_MAX  2
#define TH_R_MIN  3
#define TH_R_AND  4
#define TH_R_OR   5

/* A reduction of an elementwise expression, generated into a kernel module.  `leaf`
 * reduces the expression over n contiguous elements (p[k]: input k, contiguous) into one
 * value of the accumulation type (NumPy's pairwise order); `accum` does acc[j] = acc[j]
 * op f(j) for j < n.  Both return 0 or a 1-based error code (errmsgs). */
typedef int (*th_red_leaf_fn)(Py_ssize_t n, char **p, void *res);
typedef int (*th_red_accum_fn)(Py_ssize_t n, char **p, void *acc);

typedef struct {
    const char *name;          /* the node's op, for messages */
    int nin, nd;
    const int *types;          /* NumPy type numbers of the inputs */
    const unsigned char *bcast;/* nin * nd broadcastable flags */
    int op;                    /* TH_R_* */
    int acc_typenum;           /* accumulation type */
    int out_typenum;
    unsigned int reduced;      /* bit d: dimension d is reduced */
    th_red_leaf_fn leaf;
    th_red_accum_fn accum;
    const char *const *errmsgs;
} th_red_spec;

typedef struct {
    int abi_version;
    /* Make `c` an array of the given shape and type that the kernel may overwrite.  Its
     * buffer is reused when no one else holds it; otherwise a new one is allocated
     * (Fortran order when `fortran`). */
    int (*prepare_output)(th_cell *c, int nd, const Py_ssize_t *dims, int typenum,
                          int fortran);
    /* `dst` becomes a view of `src` (same data, shared owner). */
    void (*share)(th_cell *dst, const th_cell *src);
    /* The elementwise driver: broadcasting, allocation or in-place reuse, strided
     * buffering, threads.  `data` is a th_ew_spec. */
    int (*elemwise)(th_cell *const *in, th_cell *const *out, const void *data);
    /* A new reference to the value of `c` as a Python object: the object the cell holds,
     * or an array view of it when the cell describes a view (None for an empty cell). */
    PyObject *(*cell_get_object)(const th_cell *c);
    /* `c` takes a new reference to `obj` (NULL or None empties it); an array is described
     * (a misaligned or byte-swapped one is converted first).  0, or -1 with an error. */
    int (*cell_set_object)(th_cell *c, PyObject *obj);
} th_api_t;

#endif
