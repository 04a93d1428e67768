/* MRG31k3p, the generator of MRG_RandomStreams (L'Ecuyer & Touzin), in C.
 *
 * Bit-identical to theano/tensor/random/mrg_core.py (and to Theano 1.0): int32 arithmetic
 * with wrap-around, element i of a sample drawn from stream i % n_streams. */

#define TH_M1 2147483647
#define TH_M2 2147462579
#define TH_MASK12 511
#define TH_MASK13 16777215
#define TH_MASK2 65535
#define TH_MULT2 21069

static npy_int32 th_w32(npy_int64 v) { return (npy_int32)(npy_uint32)(npy_uint64)v; }

/* One step of a stream; returns the integer in [1, M1] that becomes a float. */
static npy_int32 th_mrg_step(npy_int32 *s)
{
    npy_int32 x11 = s[0], x12 = s[1], x13 = s[2], x21 = s[3], x22 = s[4], x23 = s[5];
    npy_int32 y1, y2;
    y1 = th_w32((npy_int64)((x12 & TH_MASK12) << 22) + (x12 >> 9)
                + (npy_int64)((x13 & TH_MASK13) << 7) + (x13 >> 24));
    if (y1 < 0 || y1 >= TH_M1) y1 = th_w32((npy_int64)y1 - TH_M1);
    y1 = th_w32((npy_int64)y1 + x13);
    if (y1 < 0 || y1 >= TH_M1) y1 = th_w32((npy_int64)y1 - TH_M1);
    x13 = x12; x12 = x11; x11 = y1;
    y1 = th_w32((npy_int64)((x21 & TH_MASK2) << 15) + (npy_int64)TH_MULT2 * (x21 >> 16));
    if (y1 < 0 || y1 >= TH_M2) y1 = th_w32((npy_int64)y1 - TH_M2);
    y2 = th_w32((npy_int64)((x23 & TH_MASK2) << 15) + (npy_int64)TH_MULT2 * (x23 >> 16));
    if (y2 < 0 || y2 >= TH_M2) y2 = th_w32((npy_int64)y2 - TH_M2);
    y2 = th_w32((npy_int64)y2 + x23);
    if (y2 < 0 || y2 >= TH_M2) y2 = th_w32((npy_int64)y2 - TH_M2);
    y2 = th_w32((npy_int64)y2 + y1);
    if (y2 < 0 || y2 >= TH_M2) y2 = th_w32((npy_int64)y2 - TH_M2);
    x23 = x22; x22 = x21; x21 = y2;
    s[0] = x11; s[1] = x12; s[2] = x13; s[3] = x21; s[4] = x22; s[5] = x23;
    return x11 <= x21 ? th_w32((npy_int64)x11 - x21 + TH_M1) : th_w32((npy_int64)x11 - x21);
}

/* mrg_uniform(rstate (n_streams, 6) int32, size int64 vector) -> (new_rstate, sample);
 * params[0]: NumPy type number of the sample (float32 or float64); params[1]: its ndim. */
static int th_k_mrg_uniform(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *params = (const Py_ssize_t *)data;
    const th_cell *rs = in[0];
    const th_cell *sz = in[1];
    th_cell tmp_rs, tmp_sz;
    const th_cell *r, *z;
    int typenum = (int)params[0], d, nd, rc = -1;
    Py_ssize_t dims[TH_MAXDIM], n = 1, ns, s, i;
    tmp_rs.obj = tmp_sz.obj = NULL;
    if (th_check_array(rs, "mrg_uniform", "the state", 2, -1) < 0
            || th_check_array(sz, "mrg_uniform", "size", 1, -1) < 0)
        return -1;
    if (rs->dims[1] != 6) {
        PyErr_Format(PyExc_ValueError, "mrg_uniform: the state must be an int32 array of "
                     "shape (n_streams, 6), got shape (%zd, %zd)", rs->dims[0], rs->dims[1]);
        return -1;
    }
    r = th_as_type(rs, &tmp_rs, NPY_INT32);
    z = r ? th_as_type(sz, &tmp_sz, NPY_INT64) : NULL;
    if (!z) goto done;
    nd = (int)z->dims[0];
    if (nd != (int)params[1]) {
        PyErr_Format(PyExc_ValueError, "mrg_uniform: size must have length %d, got %d",
                     (int)params[1], nd);
        goto done;
    }
    for (d = 0; d < nd; d++) {
        dims[d] = *(const npy_int64 *)(z->data + d * z->strides[0]);
        if (dims[d] < 0) {
            PyErr_SetString(PyExc_ValueError, "mrg_uniform: negative size");
            goto done;
        }
        n *= dims[d];
    }
    if (n > TH_M1) {
        PyErr_SetString(PyExc_ValueError, "rng_mrg does not support more then (2**31 -1) "
                        "samples");
        goto done;
    }
    ns = r->dims[0];
    if (n > 0 && ns == 0) {
        PyErr_SetString(PyExc_ValueError, "rstate has no streams");
        goto done;
    }
    {
        Py_ssize_t sdims[2] = {ns, 6};
        if (th_prepare_output(out[0], 2, sdims, NPY_INT32, 0) < 0) goto done;
        if (th_prepare_output(out[1], nd, dims, typenum, 0) < 0) goto done;
    }
    /* The new states are computed in place in the output, round by round, so the
     * sample is written sequentially. */
    for (s = 0; s < ns; s++) {
        const char *row = r->data + s * r->strides[0];
        npy_int32 *st = (npy_int32 *)out[0]->data + 6 * s;
        for (d = 0; d < 6; d++) st[d] = *(const npy_int32 *)(row + d * r->strides[1]);
    }
    {
        /* Streams are independent: threads take contiguous ranges of them. */
        npy_int32 *states = (npy_int32 *)out[0]->data;
        char *sample = out[1]->data;
        int nthreads = th_threads_for(n), chunk;
        Py_ssize_t nchunks = nthreads > 1 ? 4 * nthreads : 1;
        PyThreadState *ts = n >= 16384 ? PyEval_SaveThread() : NULL;
        if (nchunks > ns) nchunks = ns > 0 ? ns : 1;
#ifdef _OPENMP
        #pragma omp parallel for num_threads(nthreads) schedule(dynamic, 1) if (nthreads > 1)
#endif
        for (chunk = 0; chunk < nchunks; chunk++) {
            Py_ssize_t lo = ns * chunk / nchunks, hi = ns * (chunk + 1) / nchunks, start, j;
            for (start = 0; start < n; start += ns) {
                Py_ssize_t end = start + hi < n ? start + hi : n;
                if (typenum == NPY_FLOAT64) {
                    double *o = (double *)sample;
                    for (j = start + lo; j < end; j++)
                        o[j] = th_mrg_step(states + 6 * (j - start)) * 4.656612873077392578125e-10;
                } else {
                    float *o = (float *)sample;
                    for (j = start + lo; j < end; j++)
                        o[j] = (float)th_mrg_step(states + 6 * (j - start)) * 4.6566126e-10f;
                }
            }
        }
        if (ts) PyEval_RestoreThread(ts);
    }
    rc = 0;
done:
    if (tmp_rs.obj) th_cell_clear(&tmp_rs);
    if (tmp_sz.obj) th_cell_clear(&tmp_sz);
    return rc;
}
