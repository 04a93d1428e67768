/* Builtin kernels of the structural ops: DimShuffle, Reshape, Shape, Shape_i, SpecifyShape,
 * Rebroadcast, MakeVector, TensorFromScalar, ScalarFromTensor, Subtensor, IncSubtensor,
 * Join and Split (registered from theano/link/c/shape_c.py).
 *
 * A view is an output cell sharing its input's owner (th_share) with new data pointer,
 * dims and strides: no Python object is made.  Copies go through th_nd_walk, a strided
 * N-d loop that merges contiguous dimensions.
 *
 * Parameters (a Py_ssize_t vector): p[0] is the number of integers, and the op's name as
 * its `str` prints (for messages) follows them as a NUL-terminated string.
 */
#define TH_PNAME(p) ((const char *)((p) + (p)[0]))

/* -- reading integers ------------------------------------------------------------------ */

/* The integer at `ptr` (an item of type `typenum`), clamped to the Py_ssize_t range. */
static int th_read_int(const char *ptr, int typenum, Py_ssize_t *v)
{
#define TH_RD(T) { T t; memcpy(&t, ptr, sizeof(T)); *v = (Py_ssize_t)t; return 0; }
#define TH_RDU(T) { T t; memcpy(&t, ptr, sizeof(T)); \
                    *v = t > (T)PY_SSIZE_T_MAX ? PY_SSIZE_T_MAX : (Py_ssize_t)t; return 0; }
    switch (typenum) {
    case NPY_BYTE: TH_RD(npy_byte)
    case NPY_UBYTE: TH_RD(npy_ubyte)
    case NPY_SHORT: TH_RD(npy_short)
    case NPY_USHORT: TH_RD(npy_ushort)
    case NPY_INT: TH_RD(npy_int)
    case NPY_UINT: TH_RDU(npy_uint)
    case NPY_LONG: TH_RD(npy_long)
    case NPY_ULONG: TH_RDU(npy_ulong)
    case NPY_LONGLONG: TH_RD(npy_longlong)
    case NPY_ULONGLONG: TH_RDU(npy_ulonglong)
    default:
        PyErr_Format(PyExc_TypeError, "an integer was expected, got an item of NumPy type "
                     "number %d", typenum);
        return -1;
    }
#undef TH_RD
#undef TH_RDU
}

/* The value of a cell holding an integer scalar: a 0-d integer array, a NumPy integer or
 * a Python int. */
static int th_cell_int(const th_cell *c, const char *op, const char *what, Py_ssize_t *v)
{
    if (c->flags & TH_ARRAY) {
        if (c->nd != 0) {
            PyErr_Format(PyExc_ValueError, "%s: %s must be a scalar, got an array with %d "
                         "dimensions", op, what, c->nd);
            return -1;
        }
        return th_read_int(c->data, c->typenum, v);
    }
    if (c->obj && (PyLong_Check(c->obj) || PyArray_IsScalar(c->obj, Integer))) {
        PyObject *i = PyNumber_Index(c->obj);
        int overflow = 0;
        long long r;
        if (!i) return -1;
        r = PyLong_AsLongLongAndOverflow(i, &overflow);
        Py_DECREF(i);
        if (r == -1 && PyErr_Occurred()) return -1;
        *v = overflow > 0 ? PY_SSIZE_T_MAX : overflow < 0 ? PY_SSIZE_T_MIN : (Py_ssize_t)r;
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "%s: %s must be an integer, got %R", op, what,
                 c->obj ? c->obj : Py_None);
    return -1;
}

/* Entry i of an integer vector cell. */
static int th_vec_int(const th_cell *c, Py_ssize_t i, Py_ssize_t *v)
{
    return th_read_int(c->data + i * c->strides[0], c->typenum, v);
}

/* A Python tuple of the Python ints v[0..n-1] (for messages). */
static PyObject *th_int_tuple(const Py_ssize_t *v, Py_ssize_t n)
{
    PyObject *t = PyTuple_New(n);
    Py_ssize_t i;
    if (!t) return NULL;
    for (i = 0; i < n; i++) {
        PyObject *o = PyLong_FromSsize_t(v[i]);
        if (!o) { Py_DECREF(t); return NULL; }
        PyTuple_SET_ITEM(t, i, o);
    }
    return t;
}

/* `c`'s value as a Python object passed through `conv` (tuple, list, str...). */
static PyObject *th_cell_as(const th_cell *c, PyObject *(*conv)(PyObject *))
{
    PyObject *o = th_cell_get_object(c), *r;
    if (!o) return NULL;
    r = conv(o);
    Py_DECREF(o);
    return r;
}

/* -- strided N-d loops ----------------------------------------------------------------- */

typedef void (*th_inner_fn)(Py_ssize_t n, char *d, Py_ssize_t ds, const char *s,
                            Py_ssize_t ss, int isz);

#define TH_COPY_LOOP(T) \
    for (i = 0; i < n; i++) *(T *)(d + i * ds) = *(const T *)(s + i * ss);

static void th_inner_copy(Py_ssize_t n, char *d, Py_ssize_t ds, const char *s,
                          Py_ssize_t ss, int isz)
{
    Py_ssize_t i;
    if (ds == isz && ss == isz) {
        memmove(d, s, (size_t)n * isz);
        return;
    }
    switch (isz) {
    case 1: TH_COPY_LOOP(npy_uint8) break;
    case 2: TH_COPY_LOOP(npy_uint16) break;
    case 4: TH_COPY_LOOP(npy_uint32) break;
    case 8: TH_COPY_LOOP(npy_uint64) break;
    default:
        for (i = 0; i < n; i++) memcpy(d + i * ds, s + i * ss, isz);
    }
}

/* d += s, with NumPy's results: integers wrap around, bools or. */
#define TH_ADD_INT(NAME, T, U) \
static void NAME(Py_ssize_t n, char *d, Py_ssize_t ds, const char *s, Py_ssize_t ss, int isz) \
{ \
    Py_ssize_t i; \
    for (i = 0; i < n; i++) { \
        T *q = (T *)(d + i * ds); \
        *q = (T)((U)*q + (U)*(const T *)(s + i * ss)); \
    } \
}
TH_ADD_INT(th_add_i8, npy_int8, npy_uint8)
TH_ADD_INT(th_add_i16, npy_int16, npy_uint16)
TH_ADD_INT(th_add_i32, npy_int32, npy_uint32)
TH_ADD_INT(th_add_i64, npy_int64, npy_uint64)
TH_ADD_INT(th_add_u8, npy_uint8, npy_uint8)
TH_ADD_INT(th_add_u16, npy_uint16, npy_uint16)
TH_ADD_INT(th_add_u32, npy_uint32, npy_uint32)
TH_ADD_INT(th_add_u64, npy_uint64, npy_uint64)
TH_ADD_INT(th_add_f32, float, float)
TH_ADD_INT(th_add_f64, double, double)

static void th_add_bool(Py_ssize_t n, char *d, Py_ssize_t ds, const char *s, Py_ssize_t ss,
                        int isz)
{
    Py_ssize_t i;
    for (i = 0; i < n; i++) d[i * ds] = d[i * ds] || s[i * ss];
}

#define TH_ADD_CPLX(NAME, T) \
static void NAME(Py_ssize_t n, char *d, Py_ssize_t ds, const char *s, Py_ssize_t ss, int isz) \
{ \
    Py_ssize_t i; \
    for (i = 0; i < n; i++) { \
        T *q = (T *)(d + i * ds); \
        const T *r = (const T *)(s + i * ss); \
        q[0] += r[0]; \
        q[1] += r[1]; \
    } \
}
TH_ADD_CPLX(th_add_c64, float)
TH_ADD_CPLX(th_add_c128, double)

/* The inner loop adding items of type `typenum`, or NULL. */
static th_inner_fn th_add_fn(int typenum)
{
    int size;
    switch (typenum) {
    case NPY_BOOL: return th_add_bool;
    case NPY_FLOAT: return th_add_f32;
    case NPY_DOUBLE: return th_add_f64;
    case NPY_CFLOAT: return th_add_c64;
    case NPY_CDOUBLE: return th_add_c128;
    default: break;
    }
    if (!PyTypeNum_ISINTEGER(typenum)) return NULL;
    {
        PyArray_Descr *descr = th_descr(typenum);
        if (!descr) { PyErr_Clear(); return NULL; }
        size = (int)PyDataType_ELSIZE(descr);
        Py_DECREF(descr);
    }
    if (PyTypeNum_ISUNSIGNED(typenum))
        return size == 1 ? th_add_u8 : size == 2 ? th_add_u16 : size == 4 ? th_add_u32
               : size == 8 ? th_add_u64 : NULL;
    return size == 1 ? th_add_i8 : size == 2 ? th_add_i16 : size == 4 ? th_add_i32
           : size == 8 ? th_add_i64 : NULL;
}

/* inner(d, s) over an nd-dimensional block of shape `dims` (strides in bytes; s may have
 * zero strides: broadcasting).  Dimensions contiguous for both sides are merged. */
static void th_nd_walk(int nd, const Py_ssize_t *dims, char *d, const Py_ssize_t *ds,
                       const char *s, const Py_ssize_t *ss, int isz, th_inner_fn inner)
{
    Py_ssize_t shape[TH_MAXDIM], dst[TH_MAXDIM], sst[TH_MAXDIM], idx[TH_MAXDIM], total = 1;
    PyThreadState *ts = NULL;
    int m = 0, k;
    for (k = 0; k < nd; k++) {
        if (dims[k] == 0) return;
        total *= dims[k];
        if (dims[k] == 1) continue;
        if (m > 0 && dst[m - 1] == ds[k] * dims[k] && sst[m - 1] == ss[k] * dims[k]) {
            shape[m - 1] *= dims[k];
        } else {
            shape[m] = dims[k];
            m++;
        }
        dst[m - 1] = ds[k];
        sst[m - 1] = ss[k];
    }
    if (m == 0) {
        inner(1, d, isz, s, isz, isz);
        return;
    }
    if (total * isz >= (1 << 20)) ts = PyEval_SaveThread();
    for (k = 0; k < m; k++) idx[k] = 0;
    for (;;) {
        inner(shape[m - 1], d, dst[m - 1], s, sst[m - 1], isz);
        for (k = m - 2; k >= 0; k--) {
            d += dst[k];
            s += sst[k];
            if (++idx[k] < shape[k]) break;
            d -= dst[k] * shape[k];
            s -= sst[k] * shape[k];
            idx[k] = 0;
        }
        if (k < 0) break;
    }
    if (ts) PyEval_RestoreThread(ts);
}

/* C-contiguous strides of `dims` for items of `isz` bytes. */
static void th_c_strides(int nd, const Py_ssize_t *dims, int isz, Py_ssize_t *strides)
{
    Py_ssize_t s = isz;
    int d;
    for (d = nd - 1; d >= 0; d--) {
        strides[d] = s;
        s *= dims[d] > 0 ? dims[d] : 1;
    }
}

/* Whether c is C-contiguous in NumPy's sense (size-1 dimensions ignored). */
static int th_is_c_contig(const th_cell *c)
{
    Py_ssize_t s = c->itemsize;
    int d;
    for (d = c->nd - 1; d >= 0; d--) {
        if (c->dims[d] == 0) return 1;
        if (c->dims[d] != 1) {
            if (c->strides[d] != s) return 0;
            s *= c->dims[d];
        }
    }
    return 1;
}

/* out becomes a C-contiguous copy of x (same type and shape). */
static int th_copy_to_output(th_cell *out, const th_cell *x)
{
    if (th_prepare_output(out, x->nd, x->dims, x->typenum, 0) < 0) return -1;
    th_nd_walk(x->nd, x->dims, out->data, out->strides, x->data, x->strides, x->itemsize,
               th_inner_copy);
    return 0;
}

/* A view cell `out` of `x` with new shape and strides (data offset by `offset` bytes). */
static void th_set_view(th_cell *out, const th_cell *x, int nd, const Py_ssize_t *dims,
                        const Py_ssize_t *strides, Py_ssize_t offset)
{
    int d;
    th_share(out, x);
    out->nd = nd;
    out->data = x->data + offset;
    for (d = 0; d < nd; d++) {
        out->dims[d] = dims[d];
        out->strides[d] = strides[d];
    }
}

/* -- DimShuffle ------------------------------------------------------------------------ */
/* params: count, inplace, in_nd, out_nd, order[out_nd] (-1 for 'x'), ndrop, drop[ndrop] */
static int th_k_dimshuffle(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    const char *name = TH_PNAME(p);
    int inplace = (int)p[1], in_nd = (int)p[2], out_nd = (int)p[3], i;
    const Py_ssize_t *order = p + 4, *drop = p + 5 + out_nd;
    Py_ssize_t ndrop = p[4 + out_nd], dims[TH_MAXDIM], strides[TH_MAXDIM];
    const th_cell *x = in[0];
    if (th_check_array(x, name, "the input", in_nd, -1) < 0) return -1;
    for (i = 0; i < ndrop; i++) {
        if (x->dims[drop[i]] != 1) {
            PyObject *s = th_shape_tuple(x);
            if (s) {
                PyErr_Format(PyExc_ValueError, "%s: cannot drop dimension %zd of the input "
                             "of shape %R: its size is not 1", name, drop[i], s);
                Py_DECREF(s);
            }
            return -1;
        }
    }
    for (i = out_nd - 1; i >= 0; i--) {
        if (order[i] >= 0) {
            dims[i] = x->dims[order[i]];
            strides[i] = x->strides[order[i]];
        } else {
            dims[i] = 1;
            strides[i] = i + 1 < out_nd ? strides[i + 1] * (dims[i + 1] ? dims[i + 1] : 1)
                                        : x->itemsize;
        }
    }
    if (inplace) {
        th_set_view(out[0], x, out_nd, dims, strides, 0);
        return 0;
    }
    if (th_prepare_output(out[0], out_nd, dims, x->typenum, 0) < 0) return -1;
    th_nd_walk(out_nd, dims, out[0]->data, out[0]->strides, x->data, strides, x->itemsize,
               th_inner_copy);
    return 0;
}

/* -- Shape, Shape_i -------------------------------------------------------------------- */
static int th_k_shape(th_cell *const *in, th_cell *const *out, const void *data)
{
    const th_cell *x = in[0];
    Py_ssize_t n;
    int d;
    if (th_check_array(x, "Shape", "the input", -1, -1) < 0) return -1;
    n = x->nd;
    if (th_prepare_output(out[0], 1, &n, NPY_INT64, 0) < 0) return -1;
    for (d = 0; d < x->nd; d++) ((npy_int64 *)out[0]->data)[d] = x->dims[d];
    return 0;
}

/* params: count, i */
static int th_k_shape_i(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    const th_cell *x = in[0];
    if (th_check_array(x, TH_PNAME(p), "the input", -1, -1) < 0) return -1;
    if (p[1] >= x->nd) {
        PyErr_Format(PyExc_IndexError, "%s: the input has only %d dimensions", TH_PNAME(p),
                     x->nd);
        return -1;
    }
    if (th_prepare_output(out[0], 0, NULL, NPY_INT64, 0) < 0) return -1;
    *(npy_int64 *)out[0]->data = x->dims[p[1]];
    return 0;
}

/* -- Reshape --------------------------------------------------------------------------- */

/* NumPy's rule for reshaping without a copy: the new dimensions must split or merge old
 * ones that are laid out contiguously.  Returns 1 and fills `strides`, or 0. */
static int th_reshape_strides(const th_cell *x, int nd, const Py_ssize_t *dims,
                              Py_ssize_t *strides)
{
    Py_ssize_t od[TH_MAXDIM], os[TH_MAXDIM], np_, op, last;
    int ond = 0, oi, oj, ni, nj, k;
    for (k = 0; k < x->nd; k++) {
        if (x->dims[k] != 1) {
            od[ond] = x->dims[k];
            os[ond] = x->strides[k];
            ond++;
        }
    }
    oi = 0; oj = 1; ni = 0; nj = 1;
    while (ni < nd && oi < ond) {
        np_ = dims[ni];
        op = od[oi];
        while (np_ != op) {
            if (np_ < op) {
                if (nj >= nd) return 0;
                np_ *= dims[nj++];
            } else {
                if (oj >= ond) return 0;
                op *= od[oj++];
            }
        }
        for (k = oi; k < oj - 1; k++)
            if (os[k] != od[k + 1] * os[k + 1]) return 0;
        strides[nj - 1] = os[oj - 1];
        for (k = nj - 1; k > ni; k--) strides[k - 1] = strides[k] * dims[k];
        ni = nj++;
        oi = oj++;
    }
    last = ni >= 1 ? strides[ni - 1] : x->itemsize;
    for (k = ni; k < nd; k++) strides[k] = last;
    return 1;
}

/* params: count, ndim */
static int th_k_reshape(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    const char *name = TH_PNAME(p);
    const th_cell *x = in[0], *s = in[1];
    int nd = (int)p[1], k, unknown = -1, bad = 0, same;
    Py_ssize_t dims[TH_MAXDIM], strides[TH_MAXDIM], known = 1, size;
    if (th_check_array(x, name, "the input", -1, -1) < 0
            || th_check_array(s, name, "the new shape", 1, -1) < 0)
        return -1;
    if (s->dims[0] != nd) {
        PyObject *t = th_cell_as(s, PySequence_Tuple);
        if (t) {
            PyErr_Format(PyExc_ValueError, "%s: the new shape %R has %zd entries, expected "
                         "%d", name, t, s->dims[0], nd);
            Py_DECREF(t);
        }
        return -1;
    }
    for (k = 0; k < nd; k++) {
        if (th_vec_int(s, k, &dims[k]) < 0) return -1;
        if (dims[k] == -1) {
            if (unknown >= 0) bad = 1;
            unknown = k;
        } else if (dims[k] < 0) {
            bad = 1;
        } else {
            known *= dims[k];
        }
    }
    size = th_cell_size(x);
    if (!bad) {
        if (unknown >= 0) {
            if (known == 0 || size % known) bad = 1;
            else dims[unknown] = size / known;
        } else if (known != size) {
            bad = 1;
        }
    }
    if (bad) {
        PyObject *xs = th_shape_tuple(x), *ns;
        if (unknown >= 0 && !(known == 0 || size % known)) dims[unknown] = -1;
        ns = th_int_tuple(dims, nd);
        if (xs && ns)
            PyErr_Format(PyExc_ValueError, "Reshape: cannot reshape an array of shape %R (%zd "
                         "elements) into shape %R", xs, size, ns);
        Py_XDECREF(xs);
        Py_XDECREF(ns);
        return -1;
    }
    same = nd == x->nd;
    for (k = 0; k < nd && same; k++) same = dims[k] == x->dims[k];
    if (same) {
        th_set_view(out[0], x, nd, dims, x->strides, 0);
        return 0;
    }
    if (th_is_c_contig(x)) {
        th_c_strides(nd, dims, x->itemsize, strides);
        th_set_view(out[0], x, nd, dims, strides, 0);
        return 0;
    }
    if (th_reshape_strides(x, nd, dims, strides)) {
        th_set_view(out[0], x, nd, dims, strides, 0);
        return 0;
    }
    /* A copy in C order. */
    {
        th_cell *o = out[0];
        Py_ssize_t cs[TH_MAXDIM];
        if (th_prepare_output(o, nd, dims, x->typenum, 0) < 0) return -1;
        th_c_strides(x->nd, x->dims, x->itemsize, cs);
        th_nd_walk(x->nd, x->dims, o->data, cs, x->data, x->strides, x->itemsize,
                   th_inner_copy);
    }
    return 0;
}

/* -- SpecifyShape, Rebroadcast --------------------------------------------------------- */
static int th_k_specify_shape(th_cell *const *in, th_cell *const *out, const void *data)
{
    const th_cell *x = in[0], *s = in[1];
    Py_ssize_t vals[TH_MAXDIM + 1], n, k;
    int ok;
    if (th_check_array(x, "SpecifyShape", "the input", -1, -1) < 0
            || th_check_array(s, "SpecifyShape", "the shape", 1, -1) < 0)
        return -1;
    n = s->dims[0];
    ok = n == x->nd;
    for (k = 0; k < n && ok; k++) {
        if (th_vec_int(s, k, &vals[k]) < 0) return -1;
        ok = vals[k] == x->dims[k];
    }
    if (!ok) {
        PyObject *mod = PyImport_ImportModule("theano.tensor.shape"), *cls = NULL, *xs, *ss;
        PyObject *lst;
        if (mod) cls = PyObject_GetAttrString(mod, "ShapeMismatchError");
        Py_XDECREF(mod);
        if (!cls) return -1;
        xs = th_shape_tuple(x);
        lst = th_cell_as(s, PySequence_List);
        ss = NULL;
        if (lst) {
            /* tuple(int(s) for s in shp) */
            Py_ssize_t i;
            ss = PyTuple_New(PyList_GET_SIZE(lst));
            for (i = 0; ss && i < PyList_GET_SIZE(lst); i++) {
                PyObject *v = PyNumber_Long(PyList_GET_ITEM(lst, i));
                if (!v) { Py_CLEAR(ss); break; }
                PyTuple_SET_ITEM(ss, i, v);
            }
            Py_DECREF(lst);
        }
        if (xs && ss)
            PyErr_Format(cls, "SpecifyShape: the input has shape %R but the specified shape "
                         "is %R", xs, ss);
        Py_XDECREF(xs);
        Py_XDECREF(ss);
        Py_DECREF(cls);
        return -1;
    }
    th_share(out[0], x);
    return 0;
}

/* params: count, naxes, axes (the dimensions that must have size 1) */
static int th_k_rebroadcast(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    const th_cell *x = in[0];
    Py_ssize_t k;
    if (th_check_array(x, TH_PNAME(p), "the input", -1, -1) < 0) return -1;
    for (k = 0; k < p[1]; k++) {
        Py_ssize_t a = p[2 + k];
        if (a >= x->nd || x->dims[a] != 1) {
            PyObject *s = th_shape_tuple(x);
            if (s) {
                PyErr_Format(PyExc_ValueError, "%s: dimension %zd of the input was made "
                             "broadcastable, so it must have size 1, but the input has shape "
                             "%R", TH_PNAME(p), a, s);
                Py_DECREF(s);
            }
            return -1;
        }
    }
    th_share(out[0], x);
    return 0;
}

/* -- MakeVector, TensorFromScalar, ScalarFromTensor ------------------------------------- */

/* Copy the single item of 0-d cell `c` (converted to `typenum`) to `dst`. */
static int th_item_to(const th_cell *c, int typenum, char *dst, const char *op)
{
    th_cell tmp;
    const th_cell *v;
    if (th_check_array(c, op, "an input", 0, -1) < 0) return -1;
    v = th_as_type(c, &tmp, typenum);
    if (!v) return -1;
    memcpy(dst, v->data, v->itemsize);
    if (v == &tmp) th_cell_clear(&tmp);
    return 0;
}

/* params: count, typenum, n */
static int th_k_make_vector(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    int typenum = (int)p[1];
    Py_ssize_t n = p[2], k;
    th_cell *o = out[0];
    if (th_prepare_output(o, 1, &n, typenum, 0) < 0) return -1;
    for (k = 0; k < n; k++)
        if (th_item_to(in[k], typenum, o->data + k * o->itemsize, TH_PNAME(p)) < 0) return -1;
    return 0;
}

/* params: count, typenum */
static int th_k_tensor_from_scalar(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    if (th_prepare_output(out[0], 0, NULL, (int)p[1], 0) < 0) return -1;
    return th_item_to(in[0], (int)p[1], out[0]->data, "TensorFromScalar");
}

/* params: count, typenum.  The output is a NumPy scalar, as the perform gives. */
static int th_k_scalar_from_tensor(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    char item[64];
    PyArray_Descr *descr;
    PyObject *s;
    int rc;
    if (th_check_array(in[0], "ScalarFromTensor", "the input", 0, -1) < 0) return -1;
    descr = th_descr((int)p[1]);
    if (!descr) return -1;
    if (PyDataType_ELSIZE(descr) > (Py_ssize_t)sizeof(item)) {
        Py_DECREF(descr);
        PyErr_SetString(PyExc_TypeError, "ScalarFromTensor: item too large");
        return -1;
    }
    if (th_item_to(in[0], (int)p[1], item, "ScalarFromTensor") < 0) {
        Py_DECREF(descr);
        return -1;
    }
    s = PyArray_Scalar(item, descr, NULL);
    Py_DECREF(descr);
    if (!s) return -1;
    rc = th_cell_set_object(out[0], s);
    Py_DECREF(s);
    return rc;
}

/* -- Subtensor, IncSubtensor ----------------------------------------------------------- */
/* An index is a list of entries: 0 (int) then a value, or 1 (slice) then three values
 * (start, stop, step).  A value is (0, constant), (1, input number) or (2, -) for None. */

static int th_index_value(const Py_ssize_t *v, th_cell *const *in, const char *op,
                          Py_ssize_t *out, int *none)
{
    *none = 0;
    if (v[0] == 0) { *out = v[1]; return 0; }
    if (v[0] == 2) { *none = 1; return 0; }
    return th_cell_int(in[v[1]], op, "an index", out);
}

/* Apply the index `e` (n entries) to the array cell `v` (modified: data, nd, dims,
 * strides) with NumPy's basic indexing rules. */
static int th_apply_index(th_cell *v, const Py_ssize_t *e, Py_ssize_t n, th_cell *const *in,
                          const char *op)
{
    Py_ssize_t dims[TH_MAXDIM], strides[TH_MAXDIM], k;
    char *ptr = v->data;
    int d, od = 0;
    if (n > v->nd) {
        PyErr_Format(PyExc_IndexError, "%s: too many indices (%zd) for an array with %d "
                     "dimensions", op, n, v->nd);
        return -1;
    }
    for (k = 0, d = 0; k < n; k++, d++) {
        Py_ssize_t len = v->dims[d];
        int none;
        if (e[0] == 0) {
            Py_ssize_t i;
            if (th_index_value(e + 1, in, op, &i, &none) < 0) return -1;
            if (i < -len || i >= len) {
                PyObject *s = th_shape_tuple(v);
                if (s) {
                    PyErr_Format(PyExc_IndexError, "%s: index %zd is out of bounds for axis "
                                 "%d with size %zd (input shape %R)", op, i, d, len, s);
                    Py_DECREF(s);
                }
                return -1;
            }
            if (i < 0) i += len;
            ptr += i * v->strides[d];
            e += 3;
        } else {
            Py_ssize_t start, stop, step, m;
            int n0, n1, n2;
            if (th_index_value(e + 1, in, op, &start, &n0) < 0
                    || th_index_value(e + 3, in, op, &stop, &n1) < 0
                    || th_index_value(e + 5, in, op, &step, &n2) < 0)
                return -1;
            if (n2) step = 1;
            if (step == 0) {
                PyErr_Format(PyExc_ValueError, "%s: slice step cannot be zero (index on axis "
                             "%d)", op, d);
                return -1;
            }
            if (step < -PY_SSIZE_T_MAX) step = -PY_SSIZE_T_MAX;
            if (n0) start = step < 0 ? PY_SSIZE_T_MAX : 0;
            if (n1) stop = step < 0 ? PY_SSIZE_T_MIN : PY_SSIZE_T_MAX;
            m = PySlice_AdjustIndices(len, &start, &stop, step);
            dims[od] = m;
            strides[od] = v->strides[d] * step;
            if (m > 0) ptr += start * v->strides[d];
            od++;
            e += 7;
        }
    }
    for (; d < v->nd; d++, od++) {
        dims[od] = v->dims[d];
        strides[od] = v->strides[d];
    }
    v->nd = od;
    v->data = ptr;
    for (d = 0; d < od; d++) {
        v->dims[d] = dims[d];
        v->strides[d] = strides[d];
    }
    return 0;
}

/* params: count, nentries, entries */
static int th_k_subtensor(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    const char *name = TH_PNAME(p);
    th_cell *o = out[0];
    if (th_check_array(in[0], name, "the input", -1, -1) < 0) return -1;
    th_share(o, in[0]);
    if (th_apply_index(o, p + 2, p[1], in, name) < 0) {
        th_cell_clear(o);
        return -1;
    }
    return 0;
}

/* Whether the memory spanned by a and b may overlap. */
static int th_overlap(const th_cell *a, const th_cell *b)
{
    char *alo, *ahi, *blo, *bhi;
    if (th_cell_size(a) == 0 || th_cell_size(b) == 0) return 0;
    th_extent(a, &alo, &ahi);
    th_extent(b, &blo, &bhi);
    return alo < bhi && blo < ahi;
}

/* The strides of y broadcast (NumPy rules) to the shape of `region`; 0 if it does not. */
static int th_broadcast_strides(const th_cell *region, const th_cell *y, Py_ssize_t *ystr)
{
    int d, off = region->nd - y->nd;
    if (off < 0) return 0;
    for (d = 0; d < region->nd; d++) {
        if (d < off || y->dims[d - off] == 1) ystr[d] = 0;
        else if (y->dims[d - off] == region->dims[d]) ystr[d] = y->strides[d - off];
        else return 0;
    }
    return 1;
}

/* params: count, inplace, set, nentries, entries */
static int th_k_inc_subtensor(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    const char *name = TH_PNAME(p);
    int inplace = (int)p[1], set = (int)p[2], rc = -1;
    th_cell *x = in[0], *o = out[0], region, ytmp, ycopy;
    const th_cell *y = NULL;
    Py_ssize_t ystr[TH_MAXDIM];
    th_inner_fn fn = th_inner_copy;
    if (th_check_array(x, name, "x", -1, -1) < 0
            || th_check_array(in[1], name, "the value", -1, -1) < 0)
        return -1;
    memset(&region, 0, sizeof(region));
    memset(&ytmp, 0, sizeof(ytmp));
    memset(&ycopy, 0, sizeof(ycopy));
    if (!set) {
        fn = th_add_fn(x->typenum);
        if (!fn) {
            PyErr_Format(PyExc_TypeError, "%s: no C addition for NumPy type number %d", name,
                         x->typenum);
            return -1;
        }
    }
    /* Index x first: errors are raised before anything is written. */
    th_share(&region, x);
    if (th_apply_index(&region, p + 4, p[3], in, name) < 0) goto done;
    y = th_as_type(in[1], &ytmp, x->typenum);
    if (!y) goto done;
    if (!th_broadcast_strides(&region, y, ystr)) {
        th_region_broadcast_error(name, y, th_shape_tuple(&region), x);
        goto done;
    }
    if (inplace) {
        if (!x->obj || (PyArray_Check(x->obj)
                        && !PyArray_ISWRITEABLE((PyArrayObject *)x->obj))) {
            /* NumPy's messages for `x[idx] = y` and `np.add(.., out=x[idx])` */
            PyErr_SetString(PyExc_ValueError, set ? "assignment destination is read-only"
                                                  : "output array is read-only");
            goto done;
        }
        if (th_overlap(&region, y)) {
            /* y reads memory the update writes: work from a copy of y, as NumPy does. */
            if (th_copy_to_output(&ycopy, y) < 0) goto done;
            y = &ycopy;
            th_broadcast_strides(&region, y, ystr);
        }
        th_share(o, x);
    } else {
        /* A C-ordered copy of x, and the same region of it. */
        if (th_copy_to_output(o, x) < 0) goto done;
        th_share(&region, o);
        if (th_apply_index(&region, p + 4, p[3], in, name) < 0) goto done;
    }
    th_nd_walk(region.nd, region.dims, region.data, region.strides, y->data, ystr,
               x->itemsize, fn);
    rc = 0;
done:
    th_cell_clear(&region);
    th_cell_clear(&ytmp);
    th_cell_clear(&ycopy);
    return rc;
}

/* -- Join, Split ----------------------------------------------------------------------- */
/* params: count, output typenum */
static int th_k_join(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    int typenum = (int)p[1], nd, k, d;
    Py_ssize_t axis, axis0, dims[TH_MAXDIM], offset = 0;
    th_cell *o = out[0];
    Py_ssize_t nt = p[2];   /* the number of joined tensors */
    if (th_cell_int(in[0], "Join", "the axis", &axis) < 0) return -1;
    axis0 = axis;
    for (k = 1; k <= nt; k++)
        if (th_check_array(in[k], "Join", "a joined tensor", -1, -1) < 0) return -1;
    nd = in[1]->nd;
    if (axis < -nd || axis >= nd) {
        PyErr_Format(PyExc_IndexError, "Join: axis %zd is out of range for %d-dimensional "
                     "inputs", axis, nd);
        return -1;
    }
    if (axis < 0) axis += nd;
    for (d = 0; d < nd; d++) dims[d] = in[1]->dims[d];
    dims[axis] = 0;
    for (k = 1; k <= nt; k++) {
        const th_cell *t = in[k];
        const char *why = NULL;
        char msg[400];
        if (t->nd != nd) {
            PyOS_snprintf(msg, sizeof(msg), "all the input arrays must have same number of "
                          "dimensions, but the array at index 0 has %d dimension(s) and the "
                          "array at index %d has %d dimension(s)", nd, k - 1, t->nd);
            why = msg;
        }
        for (d = 0; d < nd && !why; d++) {
            if (d != axis && t->dims[d] != dims[d]) {
                PyOS_snprintf(msg, sizeof(msg), "all the input array dimensions except for the "
                              "concatenation axis must match exactly, but along dimension %d, "
                              "the array at index 0 has size %zd and the array at index %d "
                              "has size %zd", d, dims[d], k - 1, t->dims[d]);
                why = msg;
            }
        }
        if (why) {
            PyObject *shapes = PyList_New(nt);
            Py_ssize_t j;
            for (j = 0; shapes && j < nt; j++) {
                PyObject *s = th_shape_tuple(in[1 + j]);
                if (!s) { Py_CLEAR(shapes); break; }
                PyList_SET_ITEM(shapes, j, s);
            }
            if (shapes) {
                PyErr_Format(PyExc_ValueError, "Join: cannot join arrays of shapes %R along "
                             "axis %zd: %s", shapes, axis0, why);
                Py_DECREF(shapes);
            }
            return -1;
        }
        dims[axis] += t->dims[axis];
    }
    if (th_prepare_output(o, nd, dims, typenum, 0) < 0) return -1;
    for (k = 1; k <= nt; k++) {
        th_cell tmp;
        const th_cell *t = th_as_type(in[k], &tmp, typenum);
        if (!t) return -1;
        th_nd_walk(nd, t->dims, o->data + offset * o->strides[axis], o->strides, t->data,
                   t->strides, o->itemsize, th_inner_copy);
        offset += t->dims[axis];
        if (t == &tmp) th_cell_clear(&tmp);
    }
    return 0;
}

/* params: count, len_splits */
static int th_k_split(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    const th_cell *x = in[0], *s = in[2];
    Py_ssize_t n = p[1], axis, k, total = 0, v, start = 0;
    const char *problem = NULL;
    if (th_check_array(x, "Split", "x", -1, -1) < 0
            || th_check_array(s, "Split", "the split sizes", 1, -1) < 0
            || th_cell_int(in[1], "Split", "the axis", &axis) < 0)
        return -1;
    if (axis < -x->nd || axis >= x->nd) {
        PyObject *sh = th_shape_tuple(x);
        if (sh) {
            PyErr_Format(PyExc_IndexError, "Split: axis %zd is invalid for x of shape %R",
                         axis, sh);
            Py_DECREF(sh);
        }
        return -1;
    }
    if (axis < 0) axis += x->nd;
    if (s->dims[0] != n) problem = "count";
    for (k = 0; k < s->dims[0] && !problem; k++) {
        if (th_vec_int(s, k, &v) < 0) return -1;
        if (v < 0) problem = "negative";
        total += v;
    }
    if (!problem && total != x->dims[axis]) problem = "sum";
    if (problem) {
        PyObject *o = th_cell_get_object(s), *l = o ? PySequence_List(o) : NULL;
        if (l) {
            if (problem[0] == 'c')
                PyErr_Format(PyExc_ValueError, "Split: expected %zd split sizes, got %zd (%S)",
                             n, s->dims[0], o);
            else if (problem[0] == 'n')
                PyErr_Format(PyExc_ValueError, "Split: negative split size in %S", o);
            else
                PyErr_Format(PyExc_ValueError, "Split: the split sizes %R sum to %zd, but "
                             "x.shape[%zd] is %zd", l, total, axis, x->dims[axis]);
        }
        Py_XDECREF(o);
        Py_XDECREF(l);
        return -1;
    }
    for (k = 0; k < n; k++) {
        th_cell *o = out[k];
        th_vec_int(s, k, &v);
        th_share(o, x);
        o->dims[axis] = v;
        if (v > 0) o->data = x->data + start * x->strides[axis];
        start += v;
    }
    return 0;
}
