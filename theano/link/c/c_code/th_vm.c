/* The C VM: a compiled function's whole execution plan runs in one C call.
 *
 * A Plan lists the steps of a function (one per node, in order): a C kernel with its
 * parameters, or a Python thunk `fn(input_values, output_storage)` for nodes without C
 * code.  A Frame holds one set of cells for a Plan, so several threads can each run the
 * function on their own frame.  Python sees a frame through the interface of the NumPy
 * VM's frames (`cells`, `run()`, `outputs()`, `clear()`): the graph inputs and outputs
 * have Python storage cells (one-element lists); every other value lives only in C cells.
 */

typedef struct {
    th_kernel_fn fn;            /* NULL for a Python thunk */
    const void *data;
    PyObject *thunk;            /* the Python callable (strong reference) or NULL */
    int nin, nout;
    int *in, *out;              /* cell indices */
} th_step;

typedef struct {
    PyObject_HEAD
    Py_ssize_t n_cells;
    Py_ssize_t n_steps;
    th_step *steps;
    Py_ssize_t n_inputs;        /* cells 0..n_inputs-1 are the graph inputs */
    Py_ssize_t n_outputs;
    int *outputs;               /* cell index of each graph output */
    PyObject *constants;        /* list of (index, value) */
    PyObject *keep;             /* objects the steps' pointers point into */
    unsigned char *persistent;  /* per cell: constant (never released) */
} th_Plan;

typedef struct {
    PyObject_HEAD
    th_Plan *plan;
    th_cell *tc;                /* n_cells C cells */
    th_cell **in_ptrs;          /* per step: pointers to its input cells, then outputs */
    PyObject *cells;            /* list of one-element lists (Python storage) */
    PyObject **storage;         /* per Python step: its output storage list */
    int failed_step;
} th_Frame;

static PyTypeObject th_PlanType, th_FrameType;

static void th_plan_dealloc(th_Plan *p)
{
    Py_ssize_t k;
    if (p->steps) {
        for (k = 0; k < p->n_steps; k++) {
            Py_XDECREF(p->steps[k].thunk);
            PyMem_Free(p->steps[k].in);
        }
        PyMem_Free(p->steps);
    }
    PyMem_Free(p->outputs);
    PyMem_Free(p->persistent);
    Py_XDECREF(p->constants);
    Py_XDECREF(p->keep);
    Py_TYPE(p)->tp_free((PyObject *)p);
}

static int th_int_list(PyObject *seq, int **out, int *n, Py_ssize_t limit)
{
    PyObject *fast = PySequence_Fast(seq, "a sequence of cell indices is expected");
    Py_ssize_t i, len;
    if (!fast) return -1;
    len = PySequence_Fast_GET_SIZE(fast);
    *n = (int)len;
    for (i = 0; i < len; i++) {
        long v = PyLong_AsLong(PySequence_Fast_GET_ITEM(fast, i));
        if (v == -1 && PyErr_Occurred()) { Py_DECREF(fast); return -1; }
        if (v < 0 || v >= limit) {
            PyErr_Format(PyExc_ValueError, "cell index %ld out of range", v);
            Py_DECREF(fast);
            return -1;
        }
        (*out)[i] = (int)v;
    }
    Py_DECREF(fast);
    return 0;
}

/* Plan(n_cells, n_inputs, steps, outputs, constants, keep)
 * steps: (kernel address or 0, params: bytes / address / None, thunk or None,
 *         input cell indices, output cell indices) */
static PyObject *th_plan_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    Py_ssize_t n_cells, n_inputs, k;
    PyObject *steps, *outputs, *constants, *keep, *fast = NULL;
    th_Plan *p;
    if (!PyArg_ParseTuple(args, "nnOOOO", &n_cells, &n_inputs, &steps, &outputs, &constants,
                          &keep))
        return NULL;
    p = (th_Plan *)type->tp_alloc(type, 0);
    if (!p) return NULL;
    p->n_cells = n_cells;
    p->n_inputs = n_inputs;
    Py_INCREF(constants); p->constants = constants;
    Py_INCREF(keep); p->keep = keep;
    fast = PySequence_Fast(steps, "steps must be a sequence");
    if (!fast) goto fail;
    p->n_steps = PySequence_Fast_GET_SIZE(fast);
    p->steps = PyMem_Calloc(p->n_steps ? p->n_steps : 1, sizeof(th_step));
    p->persistent = PyMem_Calloc(n_cells ? n_cells : 1, 1);
    if (!p->steps || !p->persistent) { PyErr_NoMemory(); goto fail; }
    for (k = 0; k < p->n_steps; k++) {
        PyObject *st = PySequence_Fast_GET_ITEM(fast, k), *fnaddr, *params, *thunk, *ins, *outs;
        th_step *s = &p->steps[k];
        Py_ssize_t nin, nout;
        if (!PyTuple_Check(st) || PyTuple_GET_SIZE(st) != 5) {
            PyErr_SetString(PyExc_TypeError, "a step is (kernel, params, thunk, ins, outs)");
            goto fail;
        }
        fnaddr = PyTuple_GET_ITEM(st, 0); params = PyTuple_GET_ITEM(st, 1);
        thunk = PyTuple_GET_ITEM(st, 2); ins = PyTuple_GET_ITEM(st, 3);
        outs = PyTuple_GET_ITEM(st, 4);
        nin = PySequence_Size(ins); nout = PySequence_Size(outs);
        if (nin < 0 || nout < 0) goto fail;
        s->in = PyMem_Malloc(sizeof(int) * (nin + nout + 1));
        if (!s->in) { PyErr_NoMemory(); goto fail; }
        s->out = s->in + nin;
        if (th_int_list(ins, &s->in, &s->nin, n_cells) < 0) goto fail;
        if (th_int_list(outs, &s->out, &s->nout, n_cells) < 0) goto fail;
        if (thunk != Py_None) {
            Py_INCREF(thunk);
            s->thunk = thunk;
        } else {
            s->fn = (th_kernel_fn)PyLong_AsVoidPtr(fnaddr);
            if (!s->fn) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_ValueError, "a step needs a kernel or a thunk");
                goto fail;
            }
            if (PyBytes_Check(params)) s->data = PyBytes_AS_STRING(params);
            else if (params == Py_None) s->data = NULL;
            else {
                s->data = PyLong_AsVoidPtr(params);
                if (PyErr_Occurred()) goto fail;
            }
        }
    }
    Py_CLEAR(fast);
    fast = PySequence_Fast(outputs, "outputs must be a sequence");
    if (!fast) goto fail;
    p->n_outputs = PySequence_Fast_GET_SIZE(fast);
    p->outputs = PyMem_Malloc(sizeof(int) * (p->n_outputs + 1));
    if (!p->outputs) { PyErr_NoMemory(); goto fail; }
    {
        int n;
        if (th_int_list(fast, &p->outputs, &n, n_cells) < 0) goto fail;
    }
    Py_CLEAR(fast);
    fast = PySequence_Fast(constants, "constants must be a sequence");
    if (!fast) goto fail;
    for (k = 0; k < PySequence_Fast_GET_SIZE(fast); k++) {
        Py_ssize_t idx = PyLong_AsSsize_t(PyTuple_GetItem(PySequence_Fast_GET_ITEM(fast, k), 0));
        if (idx < 0 || idx >= n_cells) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "bad constant index");
            goto fail;
        }
        p->persistent[idx] = 1;
    }
    Py_DECREF(fast);
    return (PyObject *)p;
fail:
    Py_XDECREF(fast);
    Py_DECREF(p);
    return NULL;
}

static void th_frame_release(th_Frame *f)
{
    /* Drop what the cells borrowed for this call; keep buffers the cells own (reused
     * next call) and constants. */
    Py_ssize_t k;
    for (k = 0; k < f->plan->n_cells; k++) {
        th_cell *c = &f->tc[k];
        if (f->plan->persistent[k]) continue;
        if (c->obj && !(c->flags & TH_OWNS)) th_cell_clear(c);
    }
}

static void th_frame_dealloc(th_Frame *f)
{
    Py_ssize_t k;
    if (f->tc) {
        for (k = 0; k < f->plan->n_cells; k++) th_cell_clear(&f->tc[k]);
        PyMem_Free(f->tc);
    }
    PyMem_Free(f->in_ptrs);
    if (f->storage) {
        for (k = 0; k < f->plan->n_steps; k++) Py_XDECREF(f->storage[k]);
        PyMem_Free(f->storage);
    }
    Py_XDECREF(f->cells);
    Py_XDECREF(f->plan);
    Py_TYPE(f)->tp_free((PyObject *)f);
}

/* Frame(plan, input_cells): input_cells[k] is the storage list of graph input k, or None. */
static PyObject *th_frame_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    th_Plan *p;
    PyObject *input_cells, *fast = NULL;
    th_Frame *f;
    Py_ssize_t k, total = 0;
    if (!PyArg_ParseTuple(args, "O!O", &th_PlanType, &p, &input_cells)) return NULL;
    f = (th_Frame *)type->tp_alloc(type, 0);
    if (!f) return NULL;
    Py_INCREF(p);
    f->plan = p;
    f->failed_step = -1;
    f->tc = PyMem_Calloc(p->n_cells ? p->n_cells : 1, sizeof(th_cell));
    for (k = 0; k < p->n_steps; k++) total += p->steps[k].nin + p->steps[k].nout;
    f->in_ptrs = PyMem_Calloc(total ? total : 1, sizeof(th_cell *));
    f->storage = PyMem_Calloc(p->n_steps ? p->n_steps : 1, sizeof(PyObject *));
    f->cells = PyList_New(p->n_cells);
    if (!f->tc || !f->in_ptrs || !f->storage || !f->cells) {
        PyErr_NoMemory();
        goto fail;
    }
    fast = PySequence_Fast(input_cells, "input_cells must be a sequence");
    if (!fast) goto fail;
    for (k = 0; k < p->n_cells; k++) {
        PyObject *cell = NULL;
        if (k < PySequence_Fast_GET_SIZE(fast) && PySequence_Fast_GET_ITEM(fast, k) != Py_None) {
            cell = PySequence_Fast_GET_ITEM(fast, k);
            Py_INCREF(cell);
        } else {
            cell = PyList_New(1);
            if (!cell) goto fail;
            Py_INCREF(Py_None);
            PyList_SET_ITEM(cell, 0, Py_None);
        }
        PyList_SET_ITEM(f->cells, k, cell);
    }
    Py_CLEAR(fast);
    total = 0;
    for (k = 0; k < p->n_steps; k++) {
        th_step *s = &p->steps[k];
        int i;
        for (i = 0; i < s->nin; i++) f->in_ptrs[total + i] = &f->tc[s->in[i]];
        for (i = 0; i < s->nout; i++) f->in_ptrs[total + s->nin + i] = &f->tc[s->out[i]];
        total += s->nin + s->nout;
        if (s->thunk) {
            PyObject *st = PyList_New(s->nout);
            if (!st) goto fail;
            for (i = 0; i < s->nout; i++) {
                PyObject *c = PyList_New(1);
                if (!c) { Py_DECREF(st); goto fail; }
                Py_INCREF(Py_None);
                PyList_SET_ITEM(c, 0, Py_None);
                PyList_SET_ITEM(st, i, c);
            }
            f->storage[k] = st;
        }
    }
    for (k = 0; k < PyList_GET_SIZE(p->constants); k++) {
        PyObject *pair = PyList_GET_ITEM(p->constants, k);
        Py_ssize_t idx = PyLong_AsSsize_t(PyTuple_GET_ITEM(pair, 0));
        PyObject *value = PyTuple_GET_ITEM(pair, 1);
        if (th_cell_set_object(&f->tc[idx], value) < 0) goto fail;
        if (PyList_SetItem(PyList_GET_ITEM(f->cells, idx), 0, (Py_INCREF(value), value)) < 0)
            goto fail;
    }
    return (PyObject *)f;
fail:
    Py_XDECREF(fast);
    Py_DECREF(f);
    return NULL;
}

/* Run one Python thunk step. */
static int th_run_thunk(th_Frame *f, Py_ssize_t k)
{
    th_step *s = &f->plan->steps[k];
    PyObject *ins = PyList_New(s->nin), *args[2], *res, *st = f->storage[k];
    int i;
    if (!ins) return -1;
    for (i = 0; i < s->nin; i++) {
        PyObject *v = th_cell_get_object(&f->tc[s->in[i]]);
        if (!v) { Py_DECREF(ins); return -1; }
        PyList_SET_ITEM(ins, i, v);
    }
    args[0] = ins;
    args[1] = st;
    res = PyObject_Vectorcall(s->thunk, args, 2, NULL);
    Py_DECREF(ins);
    if (!res) return -1;
    Py_DECREF(res);
    for (i = 0; i < s->nout; i++) {
        PyObject *cell = PyList_GET_ITEM(st, i);
        PyObject *v = PyList_GET_ITEM(cell, 0);
        if (th_cell_set_object(&f->tc[s->out[i]], v) < 0) return -1;
        Py_INCREF(Py_None);
        PyList_SetItem(cell, 0, Py_None);
    }
    return 0;
}


/* Run every step on the cells as they are (inputs already in place).  Returns 0, or -1
 * with an exception set and f->failed_step naming the step. */
static int th_frame_exec_some(th_Frame *f, double *times, const unsigned char *skip);

static int th_frame_exec(th_Frame *f, double *times)
{
    return th_frame_exec_some(f, times, NULL);
}

/* th_frame_exec, leaving out the steps k where skip[k] (skip may be NULL: none). */
static int th_frame_exec_some(th_Frame *f, double *times, const unsigned char *skip)
{
    th_Plan *p = f->plan;
    Py_ssize_t k, off = 0;
    for (k = 0; k < p->n_steps; k++) {
        th_step *s = &p->steps[k];
        int rc;
        double t0;
        if (skip && skip[k]) {
            off += s->nin + s->nout;
            continue;
        }
        t0 = times ? th_now() : 0;
        if (s->fn) rc = s->fn(f->in_ptrs + off, f->in_ptrs + off + s->nin, s->data);
        else rc = th_run_thunk(f, k);
        if (times) times[k] += th_now() - t0;
        if (rc < 0) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_RuntimeError, "a C kernel failed without an error");
            f->failed_step = (int)k;
            return -1;
        }
        off += s->nin + s->nout;
    }
    return 0;
}


/* run([timings]): `timings`, a writable buffer of one double per step, accumulates the
 * time spent in each step (profiling). */
static PyObject *th_frame_run(th_Frame *f, PyObject *const *args, Py_ssize_t nargs)
{
    th_Plan *p = f->plan;
    Py_ssize_t k;
    Py_buffer view;
    double *times = NULL;
    view.obj = NULL;
    if (nargs > 1) {
        PyErr_SetString(PyExc_TypeError, "run([timings])");
        return NULL;
    }
    if (nargs == 1 && args[0] != Py_None) {
        if (PyObject_GetBuffer(args[0], &view, PyBUF_WRITABLE) < 0) return NULL;
        if (view.len < (Py_ssize_t)sizeof(double) * p->n_steps) {
            PyBuffer_Release(&view);
            PyErr_SetString(PyExc_ValueError, "timings: one double per step is needed");
            return NULL;
        }
        times = (double *)view.buf;
    }
    f->failed_step = -1;
    for (k = 0; k < p->n_inputs; k++) {
        PyObject *cell = PyList_GET_ITEM(f->cells, k);
        if (th_cell_set_object(&f->tc[k], PyList_GET_ITEM(cell, 0)) < 0) goto fail;
    }
    if (th_frame_exec(f, times) < 0) goto fail;
    for (k = 0; k < p->n_outputs; k++) {
        int idx = p->outputs[k];
        PyObject *v = th_cell_get_object(&f->tc[idx]);
        if (!v) goto fail;
        if (PyList_SetItem(PyList_GET_ITEM(f->cells, idx), 0, v) < 0) goto fail;
    }
    th_frame_release(f);
    if (view.obj) PyBuffer_Release(&view);
    Py_RETURN_NONE;
fail:
    /* The cells are kept for step_inputs() (error messages): release() drops them. */
    if (view.obj) PyBuffer_Release(&view);
    return NULL;
}

static PyObject *th_frame_release_py(th_Frame *f, PyObject *unused)
{
    th_frame_release(f);
    Py_RETURN_NONE;
}

/* run_kernel(kernel address, params, inputs, output_storage): one C kernel on Python
 * values, with the calling convention of the NumPy VM's thunks (DebugMode, tests). */
static PyObject *th_run_kernel(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    th_kernel_fn fn;
    const void *data = NULL;
    PyObject *ins, *outs;
    th_cell cells[2 * TH_MAXOP];
    th_cell *ptrs[2 * TH_MAXOP];
    Py_ssize_t nin, nout, i;
    int rc = -1;
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "run_kernel(kernel, params, inputs, output_storage)");
        return NULL;
    }
    fn = (th_kernel_fn)PyLong_AsVoidPtr(args[0]);
    if (PyErr_Occurred()) return NULL;
    if (PyBytes_Check(args[1])) data = PyBytes_AS_STRING(args[1]);
    else if (args[1] != Py_None) {
        data = PyLong_AsVoidPtr(args[1]);
        if (PyErr_Occurred()) return NULL;
    }
    ins = args[2];
    outs = args[3];
    nin = PySequence_Size(ins);
    nout = PySequence_Size(outs);
    if (nin < 0 || nout < 0) return NULL;
    if (nin > TH_MAXOP || nout > TH_MAXOP) {
        PyErr_SetString(PyExc_ValueError, "too many operands");
        return NULL;
    }
    memset(cells, 0, sizeof(th_cell) * (nin + nout));
    for (i = 0; i < nin + nout; i++) ptrs[i] = &cells[i];
    for (i = 0; i < nin; i++) {
        PyObject *v = PySequence_GetItem(ins, i);
        int e;
        if (!v) goto done;
        e = th_cell_set_object(&cells[i], v);
        Py_DECREF(v);
        if (e < 0) goto done;
    }
    if (fn(ptrs, ptrs + nin, data) < 0) goto done;
    for (i = 0; i < nout; i++) {
        PyObject *cell = PySequence_GetItem(outs, i), *v;
        if (!cell) goto done;
        v = th_cell_get_object(&cells[nin + i]);
        if (!v || PySequence_SetItem(cell, 0, v) < 0) {
            Py_XDECREF(v);
            Py_DECREF(cell);
            goto done;
        }
        Py_DECREF(v);
        Py_DECREF(cell);
    }
    rc = 0;
done:
    for (i = 0; i < nin + nout; i++) th_cell_clear(&cells[i]);
    if (rc < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *th_frame_outputs(th_Frame *f, PyObject *unused)
{
    PyObject *out = PyList_New(f->plan->n_outputs);
    Py_ssize_t k;
    if (!out) return NULL;
    for (k = 0; k < f->plan->n_outputs; k++) {
        PyObject *v = PyList_GET_ITEM(PyList_GET_ITEM(f->cells, f->plan->outputs[k]), 0);
        Py_INCREF(v);
        PyList_SET_ITEM(out, k, v);
    }
    return out;
}

static PyObject *th_frame_clear(th_Frame *f, PyObject *unused)
{
    Py_ssize_t k;
    for (k = 0; k < f->plan->n_outputs; k++) {
        int idx = f->plan->outputs[k];
        if (idx < f->plan->n_inputs || f->plan->persistent[idx]) continue;
        Py_INCREF(Py_None);
        if (PyList_SetItem(PyList_GET_ITEM(f->cells, idx), 0, Py_None) < 0) return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *th_frame_failed_step(th_Frame *f, void *unused)
{
    return PyLong_FromLong(f->failed_step);
}

/* step_inputs(k): the input values of step k (for error messages). */
static PyObject *th_frame_step_inputs(th_Frame *f, PyObject *arg)
{
    Py_ssize_t k = PyLong_AsSsize_t(arg), i;
    th_step *s;
    PyObject *out;
    if (k < 0 || k >= f->plan->n_steps) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_IndexError, "no such step");
        return NULL;
    }
    s = &f->plan->steps[k];
    out = PyList_New(s->nin);
    if (!out) return NULL;
    for (i = 0; i < s->nin; i++) {
        PyObject *v = th_cell_get_object(&f->tc[s->in[i]]);
        if (!v) { Py_DECREF(out); return NULL; }
        PyList_SET_ITEM(out, i, v);
    }
    return out;
}

static PyMethodDef th_frame_methods[] = {
    {"run", (PyCFunction)(void (*)(void))th_frame_run, METH_FASTCALL,
     "run([timings]): run every step of the plan."},
    {"outputs", (PyCFunction)th_frame_outputs, METH_NOARGS, "The graph outputs."},
    {"clear", (PyCFunction)th_frame_clear, METH_NOARGS, "Drop the output values."},
    {"step_inputs", (PyCFunction)th_frame_step_inputs, METH_O, "Input values of a step."},
    {"release", (PyCFunction)th_frame_release_py, METH_NOARGS,
     "Drop the values borrowed by the last run (after a failure)."},
    {NULL, NULL, 0, NULL}
};

static PyMemberDef th_frame_members[] = {
    {"cells", T_OBJECT_EX, offsetof(th_Frame, cells), READONLY, "Python storage cells"},
    {"plan", T_OBJECT_EX, offsetof(th_Frame, plan), READONLY, "the plan"},
    {NULL, 0, 0, 0, NULL}
};

static PyGetSetDef th_frame_getset[] = {
    {"failed_step", (getter)th_frame_failed_step, NULL, "step of the last error, or -1", NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

static PyTypeObject th_PlanType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "theano_c_runtime.Plan",
    .tp_basicsize = sizeof(th_Plan),
    .tp_dealloc = (destructor)th_plan_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The steps of a compiled function.",
    .tp_new = th_plan_new,
};

static PyTypeObject th_FrameType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "theano_c_runtime.Frame",
    .tp_basicsize = sizeof(th_Frame),
    .tp_dealloc = (destructor)th_frame_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One set of cells for a Plan.",
    .tp_methods = th_frame_methods,
    .tp_members = th_frame_members,
    .tp_getset = th_frame_getset,
    .tp_new = th_frame_new,
};
