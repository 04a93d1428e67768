/* The runtime module: threads, the builtin kernels' addresses, the API capsule. */

static th_api_t th_api = {TH_ABI_VERSION, th_prepare_output, th_share, th_elemwise,
                          th_cell_get_object, th_cell_set_object};

static PyObject *th_set_threads(PyObject *self, PyObject *args)
{
    int n;
    Py_ssize_t minsize;
    if (!PyArg_ParseTuple(args, "in", &n, &minsize)) return NULL;
    th_nthreads = n > 0 ? n : 1;
    th_thread_minsize = minsize > 0 ? minsize : 1;
    Py_RETURN_NONE;
}

static PyObject *th_blas_info(PyObject *self, PyObject *unused)
{
    return Py_BuildValue("(si)", th_blas_name, th_blas_ready);
}

static PyObject *th_set_helper(PyObject *self, PyObject *args)
{
    int on, was = th_help_enabled;
    if (!PyArg_ParseTuple(args, "p", &on)) return NULL;
    th_help_enabled = on;
    return PyBool_FromLong(was);
}

static PyObject *th_scan_stats(PyObject *self, PyObject *unused)
{
    Py_ssize_t helper;
    pthread_mutex_lock(&th_help_mu);
    helper = th_help_jobs;
    pthread_mutex_unlock(&th_help_mu);
    return Py_BuildValue("{snsnsnsnsnsnsnsnsnsn}", "replays", th_scan_replays, "in_rows",
                         th_scan_in_rows, "hoisted", th_scan_hoisted, "contiguous",
                         th_scan_contiguous, "added_in_rows", th_scan_added_in_rows,
                         "helper_jobs", helper, "helper_late", th_help_late,
                         "blas_threaded", th_blas_threaded_calls, "split_helped",
                         th_split_helped, "split_alone", th_split_alone);
}

static PyMethodDef th_runtime_methods[] = {
    {"set_blas", th_set_blas, METH_VARARGS,
     "set_blas(kind, gemm, gemv, ger): the BLAS entry points (tuples of 4 addresses)"},
    {"set_threads", th_set_threads, METH_VARARGS,
     "set_threads(n, minsize): threads for loops of at least minsize elements"},
    {"blas_info", th_blas_info, METH_NOARGS, "(name, ready) of the BLAS in use"},
    {"set_helper", th_set_helper, METH_VARARGS,
     "set_helper(on): whether matrix products and scan weight gradients use the helper "
     "thread; returns the previous setting"},
    {"set_pool_limit", th_set_pool_limit, METH_VARARGS,
     "set_pool_limit(nbytes): bytes of freed large buffers kept for later calls (0: off)"},
    {"pool_info", th_pool_info, METH_NOARGS,
     "{blocks, bytes, limit, large_allocs} of the buffer pool"},
    {"scan_loop", th_scan_loop, METH_VARARGS,
     "scan_loop(frame, t_start, n_steps, t_step, feeds, stores, nits, cond_cell[, hoist, "
     "contig]): a Scan loop in C"},
    {"scan_stats", th_scan_stats, METH_NOARGS,
     "{'replays': loops whose steady state ran as a replay of elementwise nodes}"},
    {"run_kernel", (PyCFunction)(void (*)(void))th_run_kernel, METH_FASTCALL,
     "run_kernel(kernel, params, inputs, output_storage)"},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef th_runtime_module = {
    PyModuleDef_HEAD_INIT, "@MODULE_NAME@", "Theano C runtime", -1, th_runtime_methods,
    NULL, NULL, NULL, NULL
};

PyMODINIT_FUNC PyInit_@MODULE_NAME@(void)
{
    PyObject *m, *cap, *kernels;
    import_array();
    if (th_pool_init() < 0) return NULL;
    if (PyType_Ready(&th_PlanType) < 0 || PyType_Ready(&th_FrameType) < 0
            || PyType_Ready(&th_CallerType) < 0)
        return NULL;
    m = PyModule_Create(&th_runtime_module);
    if (!m) return NULL;
    cap = PyCapsule_New(&th_api, "@MODULE_NAME@._C_API", NULL);
    if (!cap || PyModule_AddObject(m, "_C_API", cap) < 0) goto fail_cap;
    Py_INCREF(&th_PlanType);
    Py_INCREF(&th_FrameType);
    Py_INCREF(&th_CallerType);
    if (PyModule_AddObject(m, "Plan", (PyObject *)&th_PlanType) < 0
            || PyModule_AddObject(m, "Frame", (PyObject *)&th_FrameType) < 0
            || PyModule_AddObject(m, "Caller", (PyObject *)&th_CallerType) < 0)
        goto fail;
    kernels = PyDict_New();
    if (!kernels) goto fail;
    if (th_register_kernels(kernels) < 0) {
        Py_DECREF(kernels);
        goto fail;
    }
    th_replay_find_kernels(kernels);
    if (PyModule_AddObject(m, "kernels", kernels) < 0) {
        Py_DECREF(kernels);
        goto fail;
    }
    return m;
fail_cap:
    Py_XDECREF(cap);
fail:
    Py_DECREF(m);
    return NULL;
}
