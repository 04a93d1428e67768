#section support_code

/* Counts the calls of every node of the op (module-level state). */
static long scaled_sum_module_calls = 0;

#section init_code

scaled_sum_module_calls = 0;

#section support_code_struct

/* Per node: how many times this node ran, and a scratch buffer kept between calls. */
long calls;
double *scratch;
npy_intp scratch_size;

#section init_code_struct

calls = 0;
scratch = NULL;
scratch_size = 0;
if (PyFloat_AsDouble(PARAMS) < 0) {
    PyErr_SetString(PyExc_ValueError, "the scale must not be negative");
    FAIL;
}

#section cleanup_code_struct

free(scratch);
scratch = NULL;

#section code

/* OUTPUT_0[i] = scale * sum(INPUT_0[i, :]) + number of earlier calls of this node */
{
    npy_intp n = PyArray_DIMS(INPUT_0)[0], m = PyArray_DIMS(INPUT_0)[1];
    double scale = PyFloat_AsDouble(PARAMS);
    if (n > scratch_size) {
        free(scratch);
        scratch = (double *)malloc(sizeof(double) * (n ? n : 1));
        scratch_size = scratch ? n : 0;
        if (!scratch) {
            PyErr_NoMemory();
            FAIL;
        }
    }
    for (npy_intp i = 0; i < n; i++) {
        double s = 0;
        for (npy_intp j = 0; j < m; j++)
            s += *(DTYPE_INPUT_0 *)(PyArray_BYTES(INPUT_0) + i * PyArray_STRIDES(INPUT_0)[0]
                                    + j * PyArray_STRIDES(INPUT_0)[1]);
        scratch[i] = scale * s + (double)calls;
    }
    Py_XDECREF(OUTPUT_0);
    OUTPUT_0 = (PyArrayObject *)PyArray_EMPTY(1, &n, TYPENUM_OUTPUT_0, 0);
    if (!OUTPUT_0) FAIL;
    for (npy_intp i = 0; i < n; i++)
        ((DTYPE_OUTPUT_0 *)PyArray_DATA(OUTPUT_0))[i] = (DTYPE_OUTPUT_0)scratch[i];
    calls++;
    scaled_sum_module_calls++;
}

#section code_cleanup

/* Runs after the code, also when it failed. */
