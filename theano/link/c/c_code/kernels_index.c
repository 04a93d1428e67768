/* Builtin kernels of integer-vector indexing and of array makers (registered from
 * theano/link/c/index_c.py):
 *
 * - adv_take: x[i0, i1, ...] for integer vectors i0, i1, ... on the leading axes of x
 *   (AdvancedSubtensor1: one vector; AdvancedSubtensor: x[arange(n), y] and the like);
 * - adv_put: x with x[i0, ...] set to / incremented by y, repeated indices accumulating
 *   as numpy.add.at (AdvancedIncSubtensor1, AdvancedIncSubtensor), in place when asked;
 * - alloc (Alloc), arange (ARange of integers), eye (Eye).
 *
 * Indices may have any integer type and be negative; out-of-range ones raise IndexError
 * with NumPy's wording, naming the op and the input's shape.  Copies and additions go
 * through the structural kernels' strided loops (kernels_shape.c).
 *
 * Parameters: p[0] is the number of integers, then the kernel's own, then the op's name
 * (NUL-terminated), as the structural kernels'.
 */
#define TH_IX_NAME(p) ((const char *)((p) + (p)[0]))

/* from kernels_shape.c (compiled after this file) */
typedef void (*th_inner_fn)(Py_ssize_t n, char *d, Py_ssize_t ds, const char *s,
                            Py_ssize_t ss, int isz);
static int th_read_int(const char *ptr, int typenum, Py_ssize_t *v);
static int th_cell_int(const th_cell *c, const char *op, const char *what, Py_ssize_t *v);
static PyObject *th_int_tuple(const Py_ssize_t *v, Py_ssize_t n);
static void th_inner_copy(Py_ssize_t n, char *d, Py_ssize_t ds, const char *s,
                          Py_ssize_t ss, int isz);
static th_inner_fn th_add_fn(int typenum);
static void th_nd_walk(int nd, const Py_ssize_t *dims, char *d, const Py_ssize_t *ds,
                       const char *s, const Py_ssize_t *ss, int isz, th_inner_fn inner);
static int th_copy_to_output(th_cell *out, const th_cell *x);
static int th_overlap(const th_cell *a, const th_cell *b);

/* IndexError "<op>: <msg> (input shape <shape of x>)", as perform words it. */
static void th_ix_error(const char *op, const th_cell *x, PyObject *msg)
{
    PyObject *s = th_shape_tuple(x);
    if (s && msg) PyErr_Format(PyExc_IndexError, "%s: %U (input shape %R)", op, msg, s);
    Py_XDECREF(s);
    Py_XDECREF(msg);
}

/* The byte offsets into x (strides `strides`) of the L selected sub-arrays for the index
 * vectors in[0..m-1] on x's first m axes (broadcast together), checked as NumPy checks
 * them: a malloc'd vector (free it) and *L, or NULL with the error set. */
static Py_ssize_t *th_ix_offsets(th_cell *const *idx, int m, const th_cell *x,
                                 const Py_ssize_t *strides, const char *op, Py_ssize_t *L)
{
    Py_ssize_t n = 1, i, *off;
    int j, bad = 0;
    for (j = 0; j < m; j++) {
        if (th_check_array(idx[j], op, "an index vector", 1, -1) < 0) return NULL;
        if (!PyTypeNum_ISINTEGER(idx[j]->typenum)) {
            PyErr_Format(PyExc_IndexError, "%s: index vector %d holds NumPy type number %d, "
                         "not integers", op, j, idx[j]->typenum);
            return NULL;
        }
    }
    for (j = 0; j < m; j++) {  /* NumPy's broadcasting of the index arrays */
        Py_ssize_t len = idx[j]->dims[0];
        if (len != 1) {
            if (n != 1 && n != len) bad = 1;
            n = len;
        }
    }
    if (m > 1 && bad) {
        PyObject *msg = PyUnicode_FromString("shape mismatch: indexing arrays could not be "
                                             "broadcast together with shapes ");
        for (j = 0; j < m && msg; j++)
            PyUnicode_AppendAndDel(&msg, PyUnicode_FromFormat("(%zd,) ", idx[j]->dims[0]));
        th_ix_error(op, x, msg);
        return NULL;
    }
    if (x->nd < m) {
        PyErr_Format(PyExc_IndexError, "%s: too many indices (%d) for an array with %d "
                     "dimensions", op, m, x->nd);
        return NULL;
    }
    off = (Py_ssize_t *)calloc((size_t)n + 1, sizeof(Py_ssize_t));
    if (!off) { PyErr_NoMemory(); return NULL; }
    for (j = 0; j < m; j++) {
        const th_cell *c = idx[j];
        Py_ssize_t size = x->dims[j], len = c->dims[0], v;
        for (i = 0; i < len; i++) {
            if (th_read_int(c->data + i * c->strides[0], c->typenum, &v) < 0) goto fail;
            if (v < -size || v >= size) {
                th_ix_error(op, x, PyUnicode_FromFormat("index %zd is out of bounds for axis "
                                                         "%d with size %zd", v, j, size));
                goto fail;
            }
            if (v < 0) v += size;
            if (len == n) {
                off[i] += v * strides[j];
            } else {  /* a vector of length 1, broadcast */
                Py_ssize_t r;
                for (r = 0; r < n; r++) off[r] += v * strides[j];
            }
        }
    }
    *L = n;
    return off;
fail:
    free(off);
    return NULL;
}

/* -- x[i0, i1, ...] ---------------------------------------------------------------------- */
/* params: count, m (number of index vectors).  Inputs x, i0, ..., i(m-1). */
static int th_k_adv_take(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    const char *name = TH_IX_NAME(p);
    int m = (int)p[1], nd, d, contig = 1;
    const th_cell *x = in[0];
    th_cell *o = out[0];
    Py_ssize_t *off, L, i, dims[TH_MAXDIM], row = 1, s;
    if (th_check_array(x, name, "x", -1, -1) < 0) return -1;
    off = th_ix_offsets(in + 1, m, x, x->strides, name, &L);
    if (!off) return -1;
    nd = x->nd - m + 1;
    dims[0] = L;
    for (d = 1; d < nd; d++) {
        dims[d] = x->dims[m + d - 1];
        row *= dims[d];
    }
    if (th_prepare_output(o, nd, dims, x->typenum, 0) < 0) { free(off); return -1; }
    s = x->itemsize;
    for (d = x->nd - 1; d >= m; d--) {  /* the selected sub-arrays contiguous? */
        if (x->dims[d] != 1 && x->strides[d] != s) contig = 0;
        s *= x->dims[d];
    }
    if (contig) {
        Py_ssize_t rb = row * x->itemsize;
        char *dst = o->data;
        const char *src = x->data;
        switch (rb) {
#define TH_IX_GATHER(T) for (i = 0; i < L; i++) ((T *)dst)[i] = *(const T *)(src + off[i]); break;
        case 1: TH_IX_GATHER(npy_uint8)
        case 2: TH_IX_GATHER(npy_uint16)
        case 4: TH_IX_GATHER(npy_uint32)
        case 8: TH_IX_GATHER(npy_uint64)
#undef TH_IX_GATHER
        default:
            for (i = 0; i < L; i++) memcpy(dst + i * rb, src + off[i], (size_t)rb);
        }
    } else {
        for (i = 0; i < L; i++)
            th_nd_walk(nd - 1, dims + 1, o->data + i * o->strides[0], o->strides + 1,
                       x->data + off[i], x->strides + m, x->itemsize, th_inner_copy);
    }
    free(off);
    return 0;
}

/* -- x[i0, ...] = y / += y ---------------------------------------------------------------- */
/* params: count, m, inplace, set.  Inputs x, y, i0, ..., i(m-1). */
static int th_k_adv_put(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    const char *name = TH_IX_NAME(p);
    int m = (int)p[1], inplace = (int)p[2], set = (int)p[3], rc = -1, nd, d, off_d;
    th_cell *x = in[0], *o = out[0], ytmp, ycopy;
    const th_cell *y = NULL, *dst;
    Py_ssize_t *off = NULL, L, i, dims[TH_MAXDIM], ystr[TH_MAXDIM];
    th_inner_fn fn = th_inner_copy;
    if (th_check_array(x, name, "x", -1, -1) < 0
            || th_check_array(in[1], name, "the value", -1, -1) < 0)
        return -1;
    memset(&ytmp, 0, sizeof(ytmp));
    memset(&ycopy, 0, sizeof(ycopy));
    if (!set && !(fn = th_add_fn(x->typenum))) {
        PyErr_Format(PyExc_TypeError, "%s: no C addition for NumPy type number %d", name,
                     x->typenum);
        return -1;
    }
    if (inplace) {
        dst = x;
    } else {
        if (th_copy_to_output(o, x) < 0) return -1;
        dst = o;
    }
    off = th_ix_offsets(in + 2, m, x, dst->strides, name, &L);
    if (!off) goto done;
    /* the region x[i0, ...] has shape (L,) + x.shape[m:]; y broadcasts to it */
    nd = x->nd - m + 1;
    dims[0] = L;
    for (d = 1; d < nd; d++) dims[d] = x->dims[m + d - 1];
    y = th_as_type(in[1], &ytmp, x->typenum);
    if (!y) goto done;
    off_d = nd - y->nd;
    for (d = 0; d < nd && off_d >= 0; d++) {
        if (d < off_d || y->dims[d - off_d] == 1) ystr[d] = 0;
        else if (y->dims[d - off_d] == dims[d]) ystr[d] = y->strides[d - off_d];
        else break;
    }
    if (off_d < 0 || d < nd) {
        th_region_broadcast_error(name, y, th_int_tuple(dims, nd), x);
        goto done;
    }
    if (inplace) {
        if (!x->obj || (PyArray_Check(x->obj)
                        && !PyArray_ISWRITEABLE((PyArrayObject *)x->obj))) {
            /* NumPy's messages for `x[idx] = y` and `np.add.at(x, idx, y)` */
            PyErr_SetString(PyExc_ValueError, set ? "assignment destination is read-only"
                            : "operand array with iterator write flag set is read-only");
            goto done;
        }
        if (th_overlap(x, y)) {  /* y reads memory the update writes: use a copy */
            if (th_copy_to_output(&ycopy, y) < 0) goto done;
            y = &ycopy;
            for (d = 0; d < nd; d++)
                ystr[d] = d < off_d || y->dims[d - off_d] == 1 ? 0 : y->strides[d - off_d];
        }
        th_share(o, x);
    }
    for (i = 0; i < L; i++)
        th_nd_walk(nd - 1, dims + 1, dst->data + off[i], dst->strides + m,
                   y->data + i * ystr[0], ystr + 1, x->itemsize, fn);
    rc = 0;
done:
    free(off);
    th_cell_clear(&ytmp);
    th_cell_clear(&ycopy);
    if (rc < 0 && !inplace) th_cell_clear(o);
    return rc;
}

/* -- Alloc ----------------------------------------------------------------------------- */
/* params: count, typenum, nd.  Inputs value, shape_0, ..., shape_(nd-1). */
static int th_k_alloc(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    int typenum = (int)p[1], nd = (int)p[2], d, off, rc = -1;
    Py_ssize_t dims[TH_MAXDIM], vstr[TH_MAXDIM];
    th_cell tmp;
    const th_cell *v;
    PyObject *s;
    for (d = 0; d < nd; d++)
        if (th_cell_int(in[1 + d], "Alloc", "a shape argument", &dims[d]) < 0) return -1;
    for (d = 0; d < nd; d++) {
        if (dims[d] < 0) {
            if ((s = th_int_tuple(dims, nd))) {
                PyErr_Format(PyExc_ValueError, "Alloc: negative dimension in the requested "
                             "shape %R", s);
                Py_DECREF(s);
            }
            return -1;
        }
    }
    if (th_check_array(in[0], "Alloc", "the value", -1, -1) < 0) return -1;
    v = th_as_type(in[0], &tmp, typenum);
    if (!v) return -1;
    off = nd - v->nd;
    for (d = 0; d < nd && off >= 0; d++) {
        if (d < off || (v->dims[d - off] == 1 && dims[d] != 1)) vstr[d] = 0;
        else if (v->dims[d - off] == dims[d]) vstr[d] = v->strides[d - off];
        else break;
    }
    if (off < 0 || d < nd) {
        PyObject *vs = th_shape_tuple(v);
        if ((s = th_int_tuple(dims, nd)) && vs)
            PyErr_Format(PyExc_ValueError, "Alloc: cannot broadcast a value of shape %R to "
                         "the shape %R", vs, s);
        Py_XDECREF(s);
        Py_XDECREF(vs);
        goto done;
    }
    if (th_prepare_output(out[0], nd, dims, typenum, 0) < 0) goto done;
    th_nd_walk(nd, dims, out[0]->data, out[0]->strides, v->data, vstr, v->itemsize,
               th_inner_copy);
    rc = 0;
done:
    if (v == &tmp) th_cell_clear(&tmp);
    return rc;
}

/* -- ARange (integer start, stop and step) ------------------------------------------------ */
/* params: count, typenum (int64 or float64).  Values as numpy.arange: the length is
 * ceil((stop - start) / step); int64 items are start + i * step, float64 ones
 * start + i * delta with delta = (start + step) - start in doubles. */
static int th_k_arange(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    int typenum = (int)p[1];
    Py_ssize_t a, b, step, n, i;
    double len;
    if (th_cell_int(in[0], "ARange", "start", &a) < 0
            || th_cell_int(in[1], "ARange", "stop", &b) < 0
            || th_cell_int(in[2], "ARange", "step", &step) < 0)
        return -1;
    if (step == 0) {
        PyErr_SetString(PyExc_ZeroDivisionError, "ARange: step must not be zero");
        return -1;
    }
    len = ceil(((double)b - (double)a) / (double)step);
    n = len > 0 ? (Py_ssize_t)len : 0;
    if (th_prepare_output(out[0], 1, &n, typenum, 0) < 0) return -1;
    if (typenum == NPY_DOUBLE) {
        double s0 = (double)a, delta = (double)(a + step) - s0, *o = (double *)out[0]->data;
        for (i = 0; i < n; i++) o[i] = s0 + (double)i * delta;
    } else {
        npy_int64 *o = (npy_int64 *)out[0]->data;
        for (i = 0; i < n; i++) o[i] = (npy_int64)((npy_uint64)a + (npy_uint64)i * (npy_uint64)step);
    }
    return 0;
}

/* -- Eye -------------------------------------------------------------------------------- */
/* params: count, typenum, itemsize, the bytes of the item 1 (one per integer). */
static int th_k_eye(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    int typenum = (int)p[1], isz = (int)p[2], q;
    Py_ssize_t n, m, k, dims[2], i;
    char one[32];
    th_cell *o = out[0];
    if (th_cell_int(in[0], "Eye", "n", &n) < 0 || th_cell_int(in[1], "Eye", "m", &m) < 0
            || th_cell_int(in[2], "Eye", "k", &k) < 0)
        return -1;
    if (n < 0 || m < 0) {
        PyErr_Format(PyExc_ValueError, "Eye: negative dimensions n=%zd, m=%zd", n, m);
        return -1;
    }
    for (q = 0; q < isz && q < (int)sizeof(one); q++) one[q] = (char)p[3 + q];
    dims[0] = n;
    dims[1] = m;
    if (th_prepare_output(o, 2, dims, typenum, 0) < 0) return -1;
    memset(o->data, 0, (size_t)(n * m * isz));
    for (i = 0; i < n; i++)
        if (i + k >= 0 && i + k < m) memcpy(o->data + (i * m + i + k) * isz, one, isz);
    return 0;
}
