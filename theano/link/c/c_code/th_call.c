/* Fast calls: the whole call of a compiled function in C, for the common case.
 *
 * A Caller owns one Frame.  `caller(args)` (args: the tuple of positional arguments)
 * checks in C that every argument is an ndarray the input's type accepts as it is (exact
 * dtype, native byte order, number of dimensions, size 1 on broadcastable dimensions) or,
 * for a 0-d input, a scalar it converts without loss (see th_caller_accepts),
 * puts them into the input cells, runs the plan, builds the outputs (copied where the
 * function says so), stores the updates into the shared variables' storage, and returns
 * the single output or the list of outputs.
 *
 * It returns NotImplemented, having changed nothing, when an argument needs the Python
 * filter (conversion, or an error message) or when the frame is in use (another thread,
 * or a call from inside the run): the caller then takes the general path.  After an
 * error (raised while running a step) the frame keeps its cells for error messages
 * (`frame.step_inputs(k)`) until `release()`.
 */

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    th_Frame *frame;
    Py_ssize_t n_args;
    int *types;                 /* per argument: NumPy type number */
    int *nds;                   /* per argument: number of dimensions */
    int *scalars;               /* per argument: a scalar may stand for a 0-d array */
    unsigned char *bcast;       /* n_args x TH_MAXDIM: dimensions that must have size 1 */
    Py_ssize_t n_ret;           /* graph outputs 0..n_ret-1 are returned */
    unsigned char *ret_copy;
    int single;                 /* return the one output itself, not a list */
    Py_ssize_t n_upd;           /* graph outputs n_ret..n_ret+n_upd-1 are update values */
    unsigned char *upd_copy;
    PyObject *upd_storage;      /* tuple: the storage list of each updated variable */
    int busy;
    int use_pool;               /* a call made a large array in C: use the buffer pool */
} th_Caller;

static PyTypeObject th_CallerType;

static void th_caller_dealloc(th_Caller *c)
{
    Py_XDECREF(c->frame);
    Py_XDECREF(c->upd_storage);
    PyMem_Free(c->types);
    PyMem_Free(c->ret_copy);
    Py_TYPE(c)->tp_free((PyObject *)c);
}

static int th_flags_from(PyObject *seq, unsigned char **out, Py_ssize_t *n)
{
    PyObject *fast = PySequence_Fast(seq, "a sequence of flags is expected");
    Py_ssize_t i;
    if (!fast) return -1;
    *n = PySequence_Fast_GET_SIZE(fast);
    *out = PyMem_Calloc(*n + 1, 1);
    if (!*out) { Py_DECREF(fast); PyErr_NoMemory(); return -1; }
    for (i = 0; i < *n; i++) {
        int t = PyObject_IsTrue(PySequence_Fast_GET_ITEM(fast, i));
        if (t < 0) { Py_DECREF(fast); return -1; }
        (*out)[i] = (unsigned char)t;
    }
    Py_DECREF(fast);
    return 0;
}

static PyObject *th_caller_vcall(th_Caller *c, PyObject *const *a, size_t nargsf, PyObject *kw);

/* Caller(frame, types, nds, bcast, scalars, ret_copy, single, upd_storage, upd_copy)
 * types/nds/scalars: per argument; bcast: per argument, the broadcastable dimensions. */
static PyObject *th_caller_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    th_Frame *f;
    PyObject *types, *nds, *bcast, *scal, *ret_copy, *upd_storage, *upd_copy, *ft = NULL;
    int single;
    th_Caller *c;
    Py_ssize_t k, n;
    if (!PyArg_ParseTuple(args, "O!OOOOOpOO", &th_FrameType, &f, &types, &nds, &bcast,
                          &scal, &ret_copy, &single, &upd_storage, &upd_copy))
        return NULL;
    c = (th_Caller *)type->tp_alloc(type, 0);
    if (!c) return NULL;
    c->vectorcall = (vectorcallfunc)th_caller_vcall;
    Py_INCREF(f);
    c->frame = f;
    c->single = single;
    n = PySequence_Size(types);
    if (n < 0) goto fail;
    if (n > f->plan->n_inputs || PySequence_Size(nds) != n || PySequence_Size(bcast) != n
            || PySequence_Size(scal) != n) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "Caller: bad argument specs");
        goto fail;
    }
    c->n_args = n;
    c->types = PyMem_Calloc(3 * n + 1, sizeof(int));
    c->bcast = NULL;
    if (!c->types) { PyErr_NoMemory(); goto fail; }
    c->nds = c->types + n;
    c->scalars = c->types + 2 * n;
    for (k = 0; k < n; k++) {
        PyObject *t = PySequence_GetItem(types, k), *d = PySequence_GetItem(nds, k);
        PyObject *sc = PySequence_GetItem(scal, k);
        c->types[k] = t ? (int)PyLong_AsLong(t) : -1;
        c->nds[k] = d ? (int)PyLong_AsLong(d) : -1;
        c->scalars[k] = sc ? PyObject_IsTrue(sc) : -1;
        Py_XDECREF(t);
        Py_XDECREF(d);
        Py_XDECREF(sc);
        if (PyErr_Occurred()) goto fail;
        if (c->nds[k] < 0 || c->nds[k] > TH_MAXDIM) {
            PyErr_SetString(PyExc_ValueError, "Caller: bad number of dimensions");
            goto fail;
        }
    }
    if (th_flags_from(ret_copy, &c->ret_copy, &c->n_ret) < 0) goto fail;
    {
        unsigned char *uc;
        Py_ssize_t nu;
        if (th_flags_from(upd_copy, &uc, &nu) < 0) goto fail;
        /* one allocation for ret_copy, upd_copy and bcast */
        c->upd_copy = NULL;
        {
            unsigned char *all = PyMem_Calloc(c->n_ret + nu + n * TH_MAXDIM + 1, 1);
            if (!all) { PyMem_Free(uc); PyErr_NoMemory(); goto fail; }
            memcpy(all, c->ret_copy, c->n_ret);
            memcpy(all + c->n_ret, uc, nu);
            PyMem_Free(c->ret_copy);
            PyMem_Free(uc);
            c->ret_copy = all;
            c->upd_copy = all + c->n_ret;
            c->bcast = all + c->n_ret + nu;
        }
        c->n_upd = nu;
    }
    if (c->n_ret + c->n_upd > f->plan->n_outputs) {
        PyErr_SetString(PyExc_ValueError, "Caller: more outputs than the plan has");
        goto fail;
    }
    ft = PySequence_Tuple(upd_storage);
    if (!ft) goto fail;
    if (PyTuple_GET_SIZE(ft) != c->n_upd) {
        PyErr_SetString(PyExc_ValueError, "Caller: one storage list per update is needed");
        goto fail;
    }
    for (k = 0; k < c->n_upd; k++) {
        if (!PyList_Check(PyTuple_GET_ITEM(ft, k)) || PyList_GET_SIZE(PyTuple_GET_ITEM(ft, k)) < 1) {
            PyErr_SetString(PyExc_TypeError, "Caller: a storage is a one-element list");
            goto fail;
        }
    }
    c->upd_storage = ft;
    ft = NULL;
    for (k = 0; k < n; k++) {
        PyObject *b = PySequence_GetItem(bcast, k), *fb;
        Py_ssize_t i;
        if (!b) goto fail;
        fb = PySequence_Fast(b, "bcast: a sequence of dimensions per argument");
        Py_DECREF(b);
        if (!fb) goto fail;
        for (i = 0; i < PySequence_Fast_GET_SIZE(fb); i++) {
            long d = PyLong_AsLong(PySequence_Fast_GET_ITEM(fb, i));
            if (d < 0 || d >= c->nds[k]) {
                Py_DECREF(fb);
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "bcast: bad dimension");
                goto fail;
            }
            c->bcast[k * TH_MAXDIM + d] = 1;
        }
        Py_DECREF(fb);
    }
    return (PyObject *)c;
fail:
    Py_XDECREF(ft);
    Py_DECREF(c);
    return NULL;
}

/* How argument k goes into its cell: 1 as it is (an ndarray TensorType.filter returns
 * unchanged), 2 as a new 0-d array (a scalar the filter converts without loss: a NumPy
 * scalar of the input's dtype, a Python float for float64, a Python int for int64), 0 not
 * here (the Python filter converts it or explains the error). */
static int th_caller_accepts(const th_Caller *c, Py_ssize_t k, PyObject *o)
{
    PyArrayObject *a = (PyArrayObject *)o;
    int d, nd = c->nds[k], t = c->types[k];
    const unsigned char *b = c->bcast + k * TH_MAXDIM;
    if (PyArray_CheckExact(o)) {
        if (PyArray_TYPE(a) != t || PyArray_NDIM(a) != nd || !PyArray_ISNOTSWAPPED(a)
                || !PyArray_ISALIGNED(a))
            return 0;
        for (d = 0; d < nd; d++)
            if (b[d] && PyArray_DIM(a, d) != 1) return 0;
        return 1;
    }
    if (nd != 0 || c->scalars[k] <= 0) return 0;
    if (PyFloat_CheckExact(o)) return t == NPY_DOUBLE ? 2 : 0;
    if (PyLong_CheckExact(o)) {
        int overflow;
        if (t != NPY_INT64) return 0;
        (void)PyLong_AsLongLongAndOverflow(o, &overflow);
        return overflow ? 0 : 2;
    }
    if (PyArray_IsScalar(o, Generic)) {
        PyArray_Descr *descr = PyArray_DescrFromScalar(o);
        int ok = descr && descr->type_num == t;
        Py_XDECREF(descr);
        return ok ? 2 : 0;
    }
    return 0;
}

/* The 0-d array of type `t` holding the scalar `o` (accepted with code 2). */
static PyObject *th_caller_scalar(PyObject *o, int t)
{
    PyObject *a;
    if (PyArray_IsScalar(o, Generic)) return PyArray_FromScalar(o, NULL);
    a = PyArray_SimpleNew(0, NULL, t);
    if (!a) return NULL;
    if (t == NPY_DOUBLE) *(double *)PyArray_DATA((PyArrayObject *)a) = PyFloat_AS_DOUBLE(o);
    else *(npy_int64 *)PyArray_DATA((PyArrayObject *)a) = PyLong_AsLongLong(o);
    return a;
}

/* A new reference to the value of cell idx, copied when `copy` (as _copy_value). */
static PyObject *th_caller_value(th_Frame *f, int idx, int copy)
{
    PyObject *v = th_cell_get_object(&f->tc[idx]), *w;
    if (!v || !copy || !PyArray_Check(v)) return v;
    w = PyArray_NewCopy((PyArrayObject *)v, NPY_CORDER);
    Py_DECREF(v);
    return w;
}

static PyObject *th_caller_vcall(th_Caller *c, PyObject *const *a, size_t nargsf, PyObject *kw)
{
    th_Frame *f = c->frame;
    th_Plan *p = f->plan;
    PyObject *args, *ret = NULL, *small[8], **upd = small, *pool = NULL;
    Py_ssize_t k, n;
    size_t large0;
    if (PyVectorcall_NARGS(nargsf) != 1 || (kw && PyDict_GET_SIZE(kw))) {
        PyErr_SetString(PyExc_TypeError, "Caller(args): one tuple of arguments");
        return NULL;
    }
    args = a[0];
    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) != c->n_args || c->busy)
        Py_RETURN_NOTIMPLEMENTED;
    n = c->n_args;
    {
        int scalars = 0, how;
        for (k = 0; k < n; k++) {
            how = th_caller_accepts(c, k, PyTuple_GET_ITEM(args, k));
            if (!how) {
                if (PyErr_Occurred()) return NULL;
                Py_RETURN_NOTIMPLEMENTED;
            }
            scalars |= how == 2;
        }
        c->busy = 1;
        f->failed_step = -1;
        for (k = 0; k < n; k++) {
            PyObject *o = PyTuple_GET_ITEM(args, k);
            int rc;
            if (scalars && !PyArray_CheckExact(o)) {
                PyObject *z = th_caller_scalar(o, c->types[k]);
                if (!z) goto fail;
                rc = th_cell_set_object(&f->tc[k], z);
                Py_DECREF(z);
            } else {
                rc = th_cell_set_object(&f->tc[k], o);
            }
            if (rc < 0) goto fail;
        }
    }
    for (; k < p->n_inputs; k++) {
        PyObject *cell = PyList_GET_ITEM(f->cells, k);
        if (th_cell_set_object(&f->tc[k], PyList_GET_ITEM(cell, 0)) < 0) goto fail;
    }
    large0 = th_large_allocs;
    if (c->use_pool) pool = th_pool_enter();
    if (th_frame_exec(f, NULL) < 0) goto fail;
    /* Every value is made before any update is stored: a failure changes nothing. */
    if (c->n_upd > 8) {
        upd = PyMem_Calloc(c->n_upd, sizeof(PyObject *));
        if (!upd) {
            PyErr_NoMemory();
            th_frame_release(f);
            th_pool_exit(pool);
            c->busy = 0;
            return NULL;
        }
    }
    for (k = 0; k < c->n_upd; k++) upd[k] = NULL;
    if (c->single) {
        ret = th_caller_value(f, p->outputs[0], c->ret_copy[0]);
        if (!ret) goto fail_values;
    } else {
        ret = PyList_New(c->n_ret);
        if (!ret) goto fail_values;
        for (k = 0; k < c->n_ret; k++) {
            PyObject *v = th_caller_value(f, p->outputs[k], c->ret_copy[k]);
            if (!v) goto fail_values;
            PyList_SET_ITEM(ret, k, v);
        }
    }
    for (k = 0; k < c->n_upd; k++) {
        upd[k] = th_caller_value(f, p->outputs[c->n_ret + k], c->upd_copy[k]);
        if (!upd[k]) goto fail_values;
    }
    for (k = 0; k < c->n_upd; k++) {
        PyObject *st = PyTuple_GET_ITEM(c->upd_storage, k), *old = PyList_GET_ITEM(st, 0);
        PyList_SET_ITEM(st, 0, upd[k]);   /* steals */
        upd[k] = NULL;
        Py_XDECREF(old);
    }
    if (upd != small) PyMem_Free(upd);
    th_frame_release(f);
    th_pool_exit(pool);
    if (th_large_allocs != large0) c->use_pool = 1;
    c->busy = 0;
    return ret;
fail_values:
    Py_XDECREF(ret);
    for (k = 0; k < c->n_upd; k++) Py_XDECREF(upd[k]);
    if (upd != small) PyMem_Free(upd);
    th_frame_release(f);
    th_pool_exit(pool);
    c->busy = 0;
    return NULL;
fail:
    /* busy until release(): the cells are kept for the error message */
    th_pool_exit(pool);
    return NULL;
}

static PyObject *th_caller_release(th_Caller *c, PyObject *unused)
{
    th_frame_release(c->frame);
    c->busy = 0;
    Py_RETURN_NONE;
}

static PyObject *th_caller_call(PyObject *self, PyObject *args, PyObject *kw)
{
    return PyVectorcall_Call(self, args, kw);
}

static PyMethodDef th_caller_methods[] = {
    {"release", (PyCFunction)th_caller_release, METH_NOARGS,
     "Drop the values kept after a failed call and make the caller usable again."},
    {NULL, NULL, 0, NULL}
};

static PyMemberDef th_caller_members[] = {
    {"frame", T_OBJECT_EX, offsetof(th_Caller, frame), READONLY, "the frame"},
    {NULL, 0, 0, 0, NULL}
};

static PyTypeObject th_CallerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "theano_c_runtime.Caller",
    .tp_basicsize = sizeof(th_Caller),
    .tp_dealloc = (destructor)th_caller_dealloc,
    .tp_vectorcall_offset = offsetof(th_Caller, vectorcall),
    .tp_call = th_caller_call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "The fast call of a compiled function (see th_call.c).",
    .tp_methods = th_caller_methods,
    .tp_members = th_caller_members,
    .tp_new = th_caller_new,
};
