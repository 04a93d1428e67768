/* Cells: the storage of a compiled function's variables, as seen by C kernels.
 *
 * A cell describes an array (data, dims, strides, type) and holds a strong reference to
 * the Python object owning the memory.  A cell that allocated its buffer (TH_OWNS) keeps
 * it from one call to the next and reuses it when no one else holds a reference: the
 * arrays a caller received from an earlier call are never overwritten.
 */

static PyArray_Descr *th_descr(int typenum)
{
    return PyArray_DescrFromType(typenum);  /* new reference */
}

static void th_cell_clear(th_cell *c)
{
    Py_CLEAR(c->obj);
    c->data = NULL;
    c->flags = 0;
    c->nd = 0;
}

static Py_ssize_t th_cell_size(const th_cell *c)
{
    Py_ssize_t n = 1;
    int d;
    for (d = 0; d < c->nd; d++) n *= c->dims[d];
    return n;
}

/* `c` takes a new reference to `obj`; arrays are described, anything else is kept as is. */
static int th_cell_set_object(th_cell *c, PyObject *obj)
{
    th_cell_clear(c);
    if (obj == NULL || obj == Py_None) return 0;
    if (PyArray_Check(obj) && !(PyArray_ISNOTSWAPPED((PyArrayObject *)obj)
                                && PyArray_ISALIGNED((PyArrayObject *)obj))) {
        /* Kernels read native, aligned items: convert (a copy) once here. */
        obj = PyArray_FROMANY(obj, PyArray_TYPE((PyArrayObject *)obj), 0, 0,
                              NPY_ARRAY_ALIGNED | NPY_ARRAY_NOTSWAPPED | NPY_ARRAY_ENSURECOPY);
        if (!obj) return -1;
    } else {
        Py_INCREF(obj);
    }
    c->obj = obj;
    if (PyArray_Check(obj)) {
        PyArrayObject *a = (PyArrayObject *)obj;
        int d, nd = PyArray_NDIM(a);
        if (nd > TH_MAXDIM) {
            th_cell_clear(c);
            PyErr_Format(PyExc_ValueError, "the C backend handles arrays of at most %d "
                         "dimensions, got %d (use the flag linker=py)", TH_MAXDIM, nd);
            return -1;
        }
        c->data = PyArray_BYTES(a);
        c->nd = nd;
        c->typenum = PyArray_TYPE(a);
        c->itemsize = (int)PyArray_ITEMSIZE(a);
        for (d = 0; d < nd; d++) {
            c->dims[d] = PyArray_DIM(a, d);
            c->strides[d] = PyArray_STRIDE(a, d);
        }
        c->flags = TH_ARRAY;
    }
    return 0;
}

/* Whether the array object `a` is exactly what cell `c` describes. */
static int th_cell_is_object(const th_cell *c, PyArrayObject *a)
{
    int d;
    if (PyArray_BYTES(a) != c->data || PyArray_NDIM(a) != c->nd
            || PyArray_TYPE(a) != c->typenum)
        return 0;
    for (d = 0; d < c->nd; d++)
        if (PyArray_DIM(a, d) != c->dims[d] || PyArray_STRIDE(a, d) != c->strides[d])
            return 0;
    return 1;
}

/* A new reference to the value of `c` as a Python object (an array view when needed). */
static PyObject *th_cell_get_object(const th_cell *c)
{
    PyObject *view;
    int writeable;
    if (!(c->flags & TH_ARRAY)) {
        PyObject *o = c->obj ? c->obj : Py_None;
        Py_INCREF(o);
        return o;
    }
    if (PyArray_Check(c->obj) && th_cell_is_object(c, (PyArrayObject *)c->obj)) {
        Py_INCREF(c->obj);
        return c->obj;
    }
    writeable = !PyArray_Check(c->obj) || PyArray_ISWRITEABLE((PyArrayObject *)c->obj);
    view = PyArray_NewFromDescr(&PyArray_Type, th_descr(c->typenum), c->nd,
                                (npy_intp *)c->dims, (npy_intp *)c->strides, c->data,
                                writeable ? NPY_ARRAY_WRITEABLE : 0, NULL);
    if (!view) return NULL;
    Py_INCREF(c->obj);
    if (PyArray_SetBaseObject((PyArrayObject *)view, c->obj) < 0) {
        Py_DECREF(view);
        return NULL;
    }
    return view;
}

static void th_set_c_strides(th_cell *c, int fortran)
{
    Py_ssize_t s = c->itemsize;
    int d;
    if (fortran) {
        for (d = 0; d < c->nd; d++) { c->strides[d] = s; s *= c->dims[d]; }
    } else {
        for (d = c->nd - 1; d >= 0; d--) { c->strides[d] = s; s *= c->dims[d]; }
    }
}

static int th_prepare_output(th_cell *c, int nd, const Py_ssize_t *dims, int typenum,
                             int fortran)
{
    Py_ssize_t need = 1;
    PyArray_Descr *descr;
    int d;
    if (nd > TH_MAXDIM) {
        PyErr_Format(PyExc_ValueError, "the C backend handles arrays of at most %d "
                     "dimensions, got %d", TH_MAXDIM, nd);
        return -1;
    }
    if (c->flags & TH_TARGET) {
        /* a row of a scan buffer (C-contiguous): computed into when the output fits */
        int fits = c->nd == nd && c->typenum == typenum && (!fortran || nd <= 1)
                   && !(c->flags & TH_ACCUM);
        for (d = 0; d < nd && fits; d++) fits = c->dims[d] == dims[d];
        if (fits) return 0;
        th_cell_clear(c);
    }
    descr = th_descr(typenum);
    if (!descr) return -1;
    for (d = 0; d < nd; d++) need *= dims[d];
    need *= PyDataType_ELSIZE(descr);
    /* Reuse: the buffer is ours alone (the cell holds the only reference), it is the
     * array's own memory, and it is big enough. */
    if ((c->flags & TH_OWNS) && c->obj && Py_REFCNT(c->obj) == 1
            && PyArray_NBYTES((PyArrayObject *)c->obj) >= need
            && PyArray_ISWRITEABLE((PyArrayObject *)c->obj)) {
        Py_DECREF(descr);
        c->data = PyArray_BYTES((PyArrayObject *)c->obj);
    } else {
        PyObject *a;
        npy_intp shape[TH_MAXDIM];
        for (d = 0; d < nd; d++) shape[d] = dims[d];
        if ((size_t)need >= TH_POOL_MIN) th_large_allocs++;
        a = PyArray_Empty(nd, shape, descr, fortran);  /* steals descr */
        if (!a) return -1;
        th_cell_clear(c);
        c->obj = a;
        c->data = PyArray_BYTES((PyArrayObject *)a);
    }
    c->nd = nd;
    c->typenum = typenum;
    c->itemsize = (int)PyArray_ITEMSIZE((PyArrayObject *)c->obj);
    for (d = 0; d < nd; d++) c->dims[d] = dims[d];
    th_set_c_strides(c, fortran);
    c->flags = TH_ARRAY | TH_OWNS;
    return 0;
}

static void th_share(th_cell *dst, const th_cell *src)
{
    int d;
    if (dst == src) return;
    Py_XINCREF(src->obj);
    Py_XDECREF(dst->obj);
    dst->obj = src->obj;
    dst->data = src->data;
    dst->nd = src->nd;
    dst->typenum = src->typenum;
    dst->itemsize = src->itemsize;
    for (d = 0; d < src->nd; d++) {
        dst->dims[d] = src->dims[d];
        dst->strides[d] = src->strides[d];
    }
    dst->flags = src->flags & ~TH_OWNS;
}

/* An error for a cell that must hold an array of `nd` dimensions and type `typenum`.
 * A NumPy or Python scalar (scan and Python thunks pass those) becomes a 0-d array. */
static int th_check_array(const th_cell *cc, const char *op, const char *what, int nd,
                          int typenum)
{
    th_cell *c = (th_cell *)cc;
    if (!(c->flags & TH_ARRAY) && c->obj && (PyArray_IsScalar(c->obj, Generic)
            || PyFloat_Check(c->obj) || PyLong_Check(c->obj) || PyComplex_Check(c->obj))) {
        PyObject *a = PyArray_FROMANY(c->obj, NPY_NOTYPE, 0, 0, 0);
        int rc;
        if (!a) return -1;
        rc = th_cell_set_object(c, a);
        Py_DECREF(a);
        if (rc < 0) return -1;
    }
    if (!(c->flags & TH_ARRAY)) {
        PyErr_Format(PyExc_TypeError, "%s: %s must be an array, got %R", op, what,
                     c->obj ? c->obj : Py_None);
        return -1;
    }
    if (nd >= 0 && c->nd != nd) {
        PyErr_Format(PyExc_ValueError, "%s: %s should have %d dimensions, got %d", op, what,
                     nd, c->nd);
        return -1;
    }
    if (typenum >= 0 && c->typenum != typenum) {
        PyErr_Format(PyExc_TypeError, "%s: %s has the wrong dtype (type number %d, expected "
                     "%d)", op, what, c->typenum, typenum);
        return -1;
    }
    return 0;
}

/* A shape as a Python tuple, for messages. */
static PyObject *th_shape_tuple(const th_cell *c)
{
    PyObject *t = PyTuple_New(c->nd);
    int d;
    if (!t) return NULL;
    for (d = 0; d < c->nd; d++) PyTuple_SET_ITEM(t, d, PyLong_FromSsize_t(c->dims[d]));
    return t;
}

/* ValueError: `name` cannot broadcast the value `y` to the indexed region of shape `region`
 * (a tuple, stolen; NULL after a failure) of `x`. */
static void th_region_broadcast_error(const char *name, const th_cell *y, PyObject *region,
                                      const th_cell *x)
{
    PyObject *ys = th_shape_tuple(y), *xs = th_shape_tuple(x);
    if (ys && region && xs)
        PyErr_Format(PyExc_ValueError, "%s: cannot broadcast the value of shape %R to the "
                     "indexed region of shape %R (x has shape %R)", name, ys, region, xs);
    Py_XDECREF(ys);
    Py_XDECREF(region);
    Py_XDECREF(xs);
}

/* `c` as an aligned array of type `typenum` whose strides are multiples of the item size:
 * the cell itself, or `tmp` holding a converted copy (then tmp must be cleared). */
static const th_cell *th_as_type(const th_cell *c, th_cell *tmp, int typenum)
{
    Py_ssize_t isz = c->itemsize;
    int d, ok = c->typenum == typenum;
    if (ok && isz > 0 && (isz & (isz - 1)) == 0) {  /* no divisions: this runs per call */
        Py_ssize_t bits = (Py_ssize_t)(Py_uintptr_t)c->data;
        for (d = 0; d < c->nd; d++) bits |= c->strides[d];
        ok = (bits & (isz - 1)) == 0;
    } else if (ok) {
        ok = ((Py_uintptr_t)c->data % isz) == 0;
        for (d = 0; d < c->nd && ok; d++)
            if (c->strides[d] % isz) ok = 0;
    }
    if (ok) return c;
    {
        PyObject *o = th_cell_get_object(c), *conv;
        if (!o) return NULL;
        conv = PyArray_FROMANY(o, typenum, 0, 0, NPY_ARRAY_ALIGNED | NPY_ARRAY_FORCECAST
                               | NPY_ARRAY_ENSURECOPY);
        Py_DECREF(o);
        if (!conv) return NULL;
        memset(tmp, 0, sizeof(*tmp));
        d = th_cell_set_object(tmp, conv);
        Py_DECREF(conv);
        return d < 0 ? NULL : tmp;
    }
}
