#section support_code

/* Shared by every node of the op: both arguments are vectors. */
bool vector_same_shape(PyArrayObject *a, PyArrayObject *b)
{
    return PyArray_DIMS(a)[0] == PyArray_DIMS(b)[0];
}

#section support_code_apply

/* Typed for this node's dtypes; strides are in elements. */
void APPLY_SPECIFIC(vector_elemwise_mult)(const DTYPE_INPUT_0 *x, npy_intp sx,
                                          const DTYPE_INPUT_1 *y, npy_intp sy,
                                          DTYPE_OUTPUT_0 *z, npy_intp sz, npy_intp n)
{
    for (npy_intp i = 0; i < n; i++)
        z[i * sz] = (DTYPE_OUTPUT_0)x[i * sx] * (DTYPE_OUTPUT_0)y[i * sy];
}

int APPLY_SPECIFIC(vector_times_vector)(PyArrayObject *input0, PyArrayObject *input1,
                                        PyArrayObject **output0)
{
    if (!vector_same_shape(input0, input1)) {
        PyErr_Format(PyExc_ValueError, "Shape mismatch: x.shape[0] (%ld) and y.shape[0] "
                     "(%ld) should match", (long)PyArray_DIMS(input0)[0],
                     (long)PyArray_DIMS(input1)[0]);
        return 1;
    }
    if (*output0 == NULL || !vector_same_shape(input0, *output0)) {
        Py_XDECREF(*output0);
        *output0 = (PyArrayObject *)PyArray_EMPTY(1, PyArray_DIMS(input0), TYPENUM_OUTPUT_0,
                                                  0);
        if (!*output0) {
            PyErr_SetString(PyExc_MemoryError, "could not allocate the output");
            return 1;
        }
    }
    APPLY_SPECIFIC(vector_elemwise_mult)(
        (DTYPE_INPUT_0 *)PyArray_DATA(input0), PyArray_STRIDES(input0)[0] / ITEMSIZE_INPUT_0,
        (DTYPE_INPUT_1 *)PyArray_DATA(input1), PyArray_STRIDES(input1)[0] / ITEMSIZE_INPUT_1,
        (DTYPE_OUTPUT_0 *)PyArray_DATA(*output0),
        PyArray_STRIDES(*output0)[0] / ITEMSIZE_OUTPUT_0, PyArray_DIMS(input0)[0]);
    return 0;
}
