/* Helpers of the kernels that wrap user C ops (Theano 1.0's c_code interface).
 *
 * Included (after th_abi.h, with NumPy's C API imported) by the C++ kernel module that
 * holds a function's user C ops; never part of the runtime module.  The user's code sees
 * tensors as PyArrayObject*, ScalarType values as C scalars and other values as
 * PyObject*; these functions convert between those and the VM's cells.
 *
 * Ownership: each function returning a PyObject / PyArrayObject returns a new reference;
 * thc_set_* steal the reference they are given (also when they fail).
 */

static int thc_same_type(int a, int b)
{
    return a == b || PyArray_EquivTypenums(a, b);
}

static const char *thc_dtype_name(int typenum)
{
    PyArray_Descr *d = PyArray_DescrFromType(typenum);
    const char *name = d ? d->typeobj->tp_name : "?";
    Py_XDECREF(d);
    return name;
}

/* A Python or NumPy scalar in a cell becomes a 0-d array (as th_check_array does). */
static int thc_scalar_to_array(th_cell *c)
{
    PyObject *a;
    int rc;
    if ((c->flags & TH_ARRAY) || !c->obj)
        return 0;
    if (!(PyArray_IsScalar(c->obj, Generic) || PyFloat_Check(c->obj) || PyLong_Check(c->obj)
          || PyComplex_Check(c->obj)))
        return 0;
    a = PyArray_FROMANY(c->obj, NPY_NOTYPE, 0, 0, 0);
    if (!a) return -1;
    rc = th_api->cell_set_object(c, a);
    Py_DECREF(a);
    return rc;
}

/* The array held by cell `c` (the cell's own object, or a view of it), checked against
 * the variable's type: `nd` dimensions, elements of type `typenum`. */
static PyArrayObject *thc_get_array(th_cell *c, int nd, int typenum, const char *op,
                                    const char *what)
{
    if (thc_scalar_to_array(c) < 0) return NULL;
    if (!(c->flags & TH_ARRAY)) {
        PyErr_Format(PyExc_TypeError, "%s: %s must be an ndarray, got %R", op, what,
                     c->obj ? c->obj : Py_None);
        return NULL;
    }
    if (c->nd != nd) {
        PyErr_Format(PyExc_ValueError, "%s: %s should have %d dimensions, got %d", op, what,
                     nd, c->nd);
        return NULL;
    }
    if (!thc_same_type(c->typenum, typenum)) {
        PyErr_Format(PyExc_TypeError, "%s: %s should hold %s, got %s", op, what,
                     thc_dtype_name(typenum), thc_dtype_name(c->typenum));
        return NULL;
    }
    return (PyArrayObject *)th_api->cell_get_object(c);
}

/* The same for a Python object (op params). */
static PyArrayObject *thc_array_from_object(PyObject *o, int nd, int typenum, const char *op,
                                            const char *what)
{
    th_cell tmp;
    PyArrayObject *a;
    memset(&tmp, 0, sizeof(tmp));
    if (th_api->cell_set_object(&tmp, o) < 0) return NULL;
    a = thc_get_array(&tmp, nd, typenum, op, what);
    th_api->cell_set_object(&tmp, NULL);
    return a;
}

/* The previous call's output array of cell `c`, for the user's code to reuse, when nobody
 * else holds it (the cell owns it and it is not an array returned to the caller); the
 * cell gives its reference away.  NULL otherwise (no error). */
static PyArrayObject *thc_take_output(th_cell *c, int nd, int typenum)
{
    PyArrayObject *a;
    if (!(c->flags & TH_OWNS) || !c->obj || Py_REFCNT(c->obj) != 1 || !PyArray_Check(c->obj))
        return NULL;
    a = (PyArrayObject *)c->obj;
    if (PyArray_NDIM(a) != nd || !thc_same_type(PyArray_TYPE(a), typenum)
            || PyArray_BYTES(a) != c->data || !PyArray_ISWRITEABLE(a))
        return NULL;
    c->obj = NULL;
    c->data = NULL;
    c->flags = 0;
    c->nd = 0;
    return a;
}

/* Store the user's output array `z` (stolen) in cell `c`.  The cell keeps the buffer for
 * the next call (thc_take_output) when `may_own` and the array owns its memory and is not
 * one of the node's inputs. */
static int thc_set_array(th_cell *c, PyArrayObject *z, int nd, int typenum, int may_own,
                         th_cell *const *in, int nin, const char *op, int k)
{
    int i, rc;
    if (!z) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_RuntimeError, "%s: the C code left output %d NULL", op, k);
        return -1;
    }
    if (!PyArray_Check((PyObject *)z)) {
        PyErr_Format(PyExc_TypeError, "%s: output %d of the C code is not an ndarray: %R",
                     op, k, (PyObject *)z);
        Py_DECREF(z);
        return -1;
    }
    if (PyArray_NDIM(z) != nd) {
        PyErr_Format(PyExc_ValueError, "%s: output %d of the C code has %d dimensions, the "
                     "output variable %d", op, k, PyArray_NDIM(z), nd);
        Py_DECREF(z);
        return -1;
    }
    if (!thc_same_type(PyArray_TYPE(z), typenum)) {
        PyErr_Format(PyExc_TypeError, "%s: output %d of the C code holds %s, the output "
                     "variable %s", op, k, thc_dtype_name(PyArray_TYPE(z)),
                     thc_dtype_name(typenum));
        Py_DECREF(z);
        return -1;
    }
    for (i = 0; i < nin && may_own; i++)
        if (in[i]->obj == (PyObject *)z) may_own = 0;
    if (may_own && !(PyArray_CHKFLAGS(z, NPY_ARRAY_OWNDATA) && PyArray_ISWRITEABLE(z)
                     && PyArray_BASE(z) == NULL))
        may_own = 0;
    rc = th_api->cell_set_object(c, (PyObject *)z);
    if (rc == 0) {
        c->typenum = typenum;  /* an equivalent number (NPY_LONGLONG for NPY_LONG...) */
        if (may_own && c->obj == (PyObject *)z) c->flags |= TH_OWNS;
    }
    Py_DECREF(z);
    return rc;
}

/* ScalarType values: a C scalar of `size` bytes read from a 0-d array or NumPy scalar. */
static int thc_scalar_from_object(PyObject *o, int typenum, void *dst, size_t size,
                                  const char *op, const char *what)
{
    PyArrayObject *a = (PyArrayObject *)PyArray_FROMANY(
        o, NPY_NOTYPE, 0, 0, NPY_ARRAY_ALIGNED | NPY_ARRAY_NOTSWAPPED);
    if (!a) return -1;
    if (PyArray_NDIM(a) != 0 || !thc_same_type(PyArray_TYPE(a), typenum)
            || (size_t)PyArray_ITEMSIZE(a) != size) {
        PyErr_Format(PyExc_TypeError, "%s: %s should be a %s scalar, got %R", op, what,
                     thc_dtype_name(typenum), o);
        Py_DECREF(a);
        return -1;
    }
    memcpy(dst, PyArray_DATA(a), size);
    Py_DECREF(a);
    return 0;
}

static int thc_get_scalar(th_cell *c, int typenum, void *dst, size_t size, const char *op,
                          const char *what)
{
    PyObject *o;
    int rc;
    if ((c->flags & TH_ARRAY) && c->nd == 0 && thc_same_type(c->typenum, typenum)
            && (size_t)c->itemsize == size) {
        memcpy(dst, c->data, size);
        return 0;
    }
    o = th_api->cell_get_object(c);
    if (!o) return -1;
    rc = thc_scalar_from_object(o, typenum, dst, size, op, what);
    Py_DECREF(o);
    return rc;
}

/* Store a C scalar as a NumPy scalar of type `typenum`. */
static int thc_set_scalar(th_cell *c, const void *src, int typenum)
{
    PyArray_Descr *d = PyArray_DescrFromType(typenum);
    PyObject *s;
    int rc;
    if (!d) return -1;
    s = PyArray_Scalar((void *)src, d, NULL);
    Py_DECREF(d);
    if (!s) return -1;
    rc = th_api->cell_set_object(c, s);
    Py_DECREF(s);
    return rc;
}

/* Store a Python object (stolen; NULL stores None). */
static int thc_set_object(th_cell *c, PyObject *o)
{
    int rc = th_api->cell_set_object(c, o);
    Py_XDECREF(o);
    return rc;
}

static void thc_no_error(const char *op)
{
    if (!PyErr_Occurred())
        PyErr_Format(PyExc_RuntimeError, "%s: the op's C code failed without setting a Python "
                     "exception", op);
}
