/* The elementwise driver: everything an elementwise kernel needs besides its block
 * function (a flat loop over n contiguous elements that the compiler vectorises):
 * Theano broadcasting, output allocation or in-place reuse, dimension coalescing,
 * buffering of strided or broadcast operands into contiguous chunks, threads, and
 * releasing the GIL for long loops.
 */
#define TH_MAXOP 64
#define TH_BUF 1024

typedef struct {
    int nop, ndim;             /* operands; coalesced dims, innermost last */
    Py_ssize_t shape[TH_MAXDIM];
    Py_ssize_t strides[TH_MAXOP][TH_MAXDIM];
    char *base[TH_MAXOP];
    Py_ssize_t itemsize[TH_MAXOP];
    int nin;
    Py_ssize_t chunk, nchunks;
    int buffered;
    th_block_fn block;
} th_loop;

static void th_shape_error(const th_ew_spec *k, const th_cell *const *in, int i, int j,
                           int d, Py_ssize_t size)
{
    PyObject *all = PyTuple_New(k->nin);
    int m;
    if (!all) return;
    for (m = 0; m < k->nin; m++) {
        PyObject *s = th_shape_tuple(in[m]);
        if (!s) { Py_DECREF(all); return; }
        PyTuple_SET_ITEM(all, m, s);
    }
    if (j >= 0) {
        PyErr_Format(PyExc_ValueError,
            "Input dimension mismatch in %s: input %d has shape %R and input %d has shape %R, "
            "which differ in dimension %d (all input shapes: %R)",
            k->name, j, PyTuple_GET_ITEM(all, j), i, PyTuple_GET_ITEM(all, i), d, all);
    } else {
        PyErr_Format(PyExc_ValueError,
            "Input dimension mismatch in %s: input %d has shape %R but the output has size "
            "%zd in dimension %d, which is not broadcastable for that input (all input "
            "shapes: %R)", k->name, i, PyTuple_GET_ITEM(all, i), size, d, all);
    }
    Py_DECREF(all);
}

static void th_extent(const th_cell *a, char **lo, char **hi)
{
    int d;
    *lo = *hi = a->data;
    for (d = 0; d < a->nd; d++) {
        Py_ssize_t span = (a->dims[d] - 1) * a->strides[d];
        if (span < 0) *lo += span; else *hi += span;
    }
    *hi += a->itemsize;
}

/* Whether writing a elementwise could change what b reads (conservative). */
static int th_may_share(const th_cell *a, const th_cell *b)
{
    char *alo, *ahi, *blo, *bhi;
    int d, same = a->data == b->data && a->nd == b->nd;
    for (d = 0; d < a->nd && same; d++)
        same = a->dims[d] == b->dims[d] && a->strides[d] == b->strides[d];
    if (same) return 0;  /* the same elements traversed identically: fine in place */
    if (th_cell_size(a) == 0 || th_cell_size(b) == 0) return 0;
    th_extent(a, &alo, &ahi);
    th_extent(b, &blo, &bhi);
    return alo < bhi && blo < ahi;
}

#define TH_FILL_CASE(T) \
    { T v; memcpy(&v, src, sizeof(T)); for (i = 0; i < n; i++) ((T *)dst)[i] = v; }

/* n copies of the item at src, contiguous at dst (a broadcast operand). */
static void th_fill(char *dst, const char *src, Py_ssize_t n, Py_ssize_t isz)
{
    Py_ssize_t i;
    switch (isz) {
    case 1: memset(dst, *src, n); break;
    case 2: TH_FILL_CASE(npy_uint16) break;
    case 4: TH_FILL_CASE(npy_uint32) break;
    case 8: TH_FILL_CASE(npy_uint64) break;
    default: for (i = 0; i < n; i++) memcpy(dst + i * isz, src, isz); break;
    }
}

/* Copy n items between a strided place (stride s bytes) and a contiguous buffer. */
#define TH_COPY_CASES(T) \
    if (gather) { for (i = 0; i < n; i++) ((T *)buf)[i] = *(const T *)(p + i * s); } \
    else { for (i = 0; i < n; i++) *(T *)(p + i * s) = ((const T *)buf)[i]; }

static void th_strided(char *buf, char *p, Py_ssize_t s, Py_ssize_t n, Py_ssize_t isz,
                       int gather)
{
    Py_ssize_t i;
    switch (isz) {
    case 1: TH_COPY_CASES(npy_uint8) break;
    case 2: TH_COPY_CASES(npy_uint16) break;
    case 4: TH_COPY_CASES(npy_uint32) break;
    case 8: TH_COPY_CASES(npy_uint64) break;
    default:
        for (i = 0; i < n; i++) {
            if (gather) memcpy(buf + i * isz, p + i * s, isz);
            else memcpy(p + i * s, buf + i * isz, isz);
        }
    }
}

/* Task t: chunk (t % nchunks) of row (t / nchunks).  bufs is scratch (TH_BUF items of
 * up to 16 bytes per operand) for operands not contiguous in the inner loop: inputs are
 * gathered (or filled, if broadcast) into it, outputs are computed into it and
 * scattered back. */
static int th_run_task(const th_loop *L, Py_ssize_t t, char *bufs)
{
    char *p[TH_MAXOP], *q[TH_MAXOP];
    Py_ssize_t row = t / L->nchunks, start = (t % L->nchunks) * L->chunk;
    Py_ssize_t inner = L->shape[L->ndim - 1];
    Py_ssize_t n = inner - start < L->chunk ? inner - start : L->chunk;
    int k, d, err;
    for (k = 0; k < L->nop; k++) p[k] = L->base[k];
    for (d = L->ndim - 2; d >= 0 && row; d--) {
        Py_ssize_t idx = row % L->shape[d];
        row /= L->shape[d];
        for (k = 0; k < L->nop; k++) p[k] += idx * L->strides[k][d];
    }
    for (k = 0; k < L->nop; k++) {
        Py_ssize_t s = L->strides[k][L->ndim - 1];
        p[k] += start * s;
        q[k] = p[k];
        if (s == L->itemsize[k]) continue;
        q[k] = bufs + (size_t)k * TH_BUF * 16;
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
    return L->buffered ? (char *)malloc((size_t)L->nop * TH_BUF * 16) : NULL;
}

/* Iteration order (outermost first; reversed for Fortran layouts), without size-1
 * dimensions, merging neighbours that are contiguous for every operand.  A broadcast
 * dimension is walked with stride 0. */
static void th_prepare(th_loop *L, th_cell *const *ops, const Py_ssize_t *shape, int nd,
                       int fortran)
{
    int k, d, m = 0;
    for (d = 0; d < nd; d++) {
        int dd = fortran ? nd - 1 - d : d, merge = m > 0;
        if (shape[dd] == 1) continue;
        for (k = 0; k < L->nop && merge; k++) {
            Py_ssize_t s = ops[k]->dims[dd] == 1 ? 0 : ops[k]->strides[dd];
            merge = L->strides[k][m - 1] == s * shape[dd];
        }
        if (merge) {
            L->shape[m - 1] *= shape[dd];
        } else {
            L->shape[m] = shape[dd];
            m++;
        }
        for (k = 0; k < L->nop; k++)
            L->strides[k][m - 1] = ops[k]->dims[dd] == 1 ? 0 : ops[k]->strides[dd];
    }
    if (m == 0) {  /* a single element */
        L->shape[0] = 1;
        for (k = 0; k < L->nop; k++) L->strides[k][0] = L->itemsize[k];
        m = 1;
    }
    L->ndim = m;
}

static int th_execute(th_loop *L, Py_ssize_t size)
{
    Py_ssize_t inner = L->shape[L->ndim - 1], rows = size / inner, ntasks;
    int k, err = 0, nthreads = 1;
    PyThreadState *ts;
    L->buffered = 0;
    for (k = 0; k < L->nop; k++)
        if (L->strides[k][L->ndim - 1] != L->itemsize[k]) L->buffered = 1;
    L->chunk = L->buffered ? TH_BUF : inner;
    nthreads = th_threads_for(size);
    if (nthreads > 1 && !L->buffered && rows < 4 * nthreads) {
        Py_ssize_t c = (inner + 4 * nthreads - 1) / (4 * nthreads);
        c = (c + 63) & ~(Py_ssize_t)63;
        if (c < L->chunk) L->chunk = c;
    }
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
            Py_ssize_t t;
            /* Dynamic: on a busy machine a thread that starts late finds less left to do
             * instead of half the work. */
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
        Py_ssize_t t;
        err = L->buffered && !bufs ? -1 : 0;
        for (t = 0; t < ntasks && !err; t++) err = th_run_task(L, t, bufs);
        free(bufs);
    }
    if (ts) PyEval_RestoreThread(ts);
    return err;
}

/* Operands of at most this many elements go straight to the block function when they are
 * all C-contiguous (no buffering, no threads). */
#define TH_SMALL 4096

static int th_ew_c_contig(const th_cell *c)
{
    Py_ssize_t s = c->itemsize;
    int d;
    for (d = c->nd - 1; d >= 0; d--) {
        if (c->dims[d] != 1) {
            if (c->strides[d] != s) return 0;
            s *= c->dims[d];
        }
    }
    return 1;
}

/* Whether the loop follows Fortran order: the layout of the first input that is not
 * broadcast at all (its outputs are allocated in the same order). */
static int th_ew_fortran(th_cell *const *ops, int nin, int nd, Py_ssize_t size)
{
    int i;
    for (i = 0; i < nin; i++) {
        const th_cell *a = ops[i];
        if (th_cell_size(a) == size && size > 1 && nd > 1) {
            int c_ok = a->strides[nd - 1] == a->itemsize, f_ok = a->strides[0] == a->itemsize;
            return f_ok && !c_ok;
        }
    }
    return 0;
}

/* th_api.elemwise: compute an Elemwise node from its input cells into its output cells. */
static int th_elemwise(th_cell *const *in_cells, th_cell *const *out, const void *data)
{
    const th_ew_spec *K = (const th_ew_spec *)data;
    th_cell conv[TH_MAXOP];
    th_cell *ops[TH_MAXOP];
    Py_ssize_t shape[TH_MAXDIM], size = 1;
    int nin = K->nin, nout = K->nout, nd = K->nd, i, d, k, fortran = 0, err, rc = -1;
    th_loop L;
    for (i = 0; i < nin; i++) conv[i].obj = NULL;
    for (i = 0; i < nin; i++) {
        const th_cell *c = in_cells[i];
        if (th_check_array(c, K->name, "an input", nd, -1) < 0) goto done;
        c = th_as_type(c, &conv[i], K->types[i]);
        if (!c) goto done;
        ops[i] = (th_cell *)c;
    }
    /* Theano broadcasting: only dimensions marked broadcastable may differ. */
    for (d = 0; d < nd; d++) {
        int first = -1;
        shape[d] = 1;
        for (i = 0; i < nin; i++) {
            Py_ssize_t s = ops[i]->dims[d];
            if (s == 1) continue;
            if (first >= 0 && s != shape[d]) {
                th_shape_error(K, (const th_cell *const *)ops, i, first, d, shape[d]);
                goto done;
            }
            shape[d] = s;
            first = i;
        }
        for (i = 0; i < nin; i++)
            if (ops[i]->dims[d] != shape[d] && !K->bcast[i * nd + d]) {
                th_shape_error(K, (const th_cell *const *)ops, i, -1, d, shape[d]);
                goto done;
            }
        size *= shape[d];
    }
    fortran = th_ew_fortran((th_cell *const *)ops, nin, nd, size);
    for (k = 0; k < nout; k++) {
        th_cell *o = out[k];
        int t = K->inplace[k], done_inplace = 0;
        if (t >= 0) {
            th_cell *a = ops[t];
            int ok = a == in_cells[t] && a->typenum == K->types[nin + k] && a->obj
                     && (!PyArray_Check(a->obj) || PyArray_ISWRITEABLE((PyArrayObject *)a->obj));
            for (d = 0; d < nd && ok; d++) ok = a->dims[d] == shape[d];
            for (i = 0; i < nin && ok; i++)
                if (i != t && th_may_share(a, ops[i])) ok = 0;
            for (i = 0; i < k && ok; i++)
                if (out[i]->data == a->data) ok = 0;
            if (ok) { th_share(o, a); done_inplace = 1; }
        }
        if (!done_inplace && th_prepare_output(o, nd, shape, K->types[nin + k], fortran) < 0)
            goto done;
        ops[nin + k] = o;
    }
    if (size > 0 && size <= TH_SMALL) {
        /* Small operands, all C-contiguous and of the full shape: one block call. */
        char *ptrs[TH_MAXOP];
        int contig = 1;
        for (k = 0; k < nin + nout && contig; k++) {
            contig = th_cell_size(ops[k]) == size && th_ew_c_contig(ops[k]);
            ptrs[k] = ops[k]->data;
        }
        if (contig) {
            err = K->block(size, ptrs);
            if (err) {
                PyErr_Format(PyExc_ValueError, "%s: %s", K->name, K->errmsgs[err - 1]);
                goto done;
            }
            size = 0;
        }
    }
    if (size > 0) {
        L.nop = nin + nout;
        L.nin = nin;
        L.block = K->block;
        for (k = 0; k < L.nop; k++) {
            L.base[k] = ops[k]->data;
            L.itemsize[k] = ops[k]->itemsize;
        }
        th_prepare(&L, (th_cell *const *)ops, shape, nd, fortran);
        err = th_execute(&L, size);
        if (err) {
            if (err < 0) PyErr_NoMemory();
            else PyErr_Format(PyExc_ValueError, "%s: %s", K->name, K->errmsgs[err - 1]);
            goto done;
        }
    }
    rc = 0;
done:
    for (i = 0; i < nin; i++)
        if (conv[i].obj) th_cell_clear(&conv[i]);
    return rc;
}

/* The builtin kernel of every Elemwise node; `data` is the node's th_ew_spec. */
static int th_k_elemwise(th_cell *const *in, th_cell *const *out, const void *data)
{
    return th_elemwise(in, out, data);
}
