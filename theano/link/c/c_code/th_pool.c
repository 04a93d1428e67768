/* A pool of large data buffers for the arrays made while a compiled function runs.
 *
 * A training step allocates the same large arrays every call: the values it returns,
 * the new values of shared variables (never written in place, so that a failing call
 * changes nothing), scan histories, the Python code of ops without C.  The C library
 * hands blocks of that size back to the kernel when they are freed and maps fresh ones
 * on the next call, so every call pays a page fault per 4 KiB page written (on the
 * measured VM this doubled the RNN benchmark's time).  While a whole call runs, NumPy
 * allocates through the handler below (NumPy's PyDataMem_SetHandler, scoped to the
 * call by a context variable): a freed block of at least TH_POOL_MIN bytes is kept,
 * up to `th_pool_limit` bytes in all (oldest dropped first), and a later request of
 * exactly its size gets it back with its pages already mapped.  Arrays keep their
 * handler, so an array made in a call and freed anywhere later comes back here.
 * `set_pool_limit(0)` turns it off.  Callers use the pool once one of their calls
 * has made a large array in C (a call on small arrays never pays for the switch). */

#define TH_POOL_SLOTS 64

typedef struct {
    void *ptr;
    size_t size;
} th_pool_block;

static th_pool_block th_pool_blocks[TH_POOL_SLOTS];  /* oldest first */
static int th_pool_count = 0;
static size_t th_pool_bytes = 0;
static size_t th_pool_limit = (size_t)256 * 1024 * 1024;
static PyThread_type_lock th_pool_lock = NULL;
static PyObject *th_pool_handler = NULL;             /* the "mem_handler" capsule */

static void th_pool_drop(int i)
{
    free(th_pool_blocks[i].ptr);
    th_pool_bytes -= th_pool_blocks[i].size;
    memmove(th_pool_blocks + i, th_pool_blocks + i + 1,
            (size_t)(th_pool_count - i - 1) * sizeof(th_pool_block));
    th_pool_count--;
}

static void *th_pool_take(size_t size)
{
    void *p = NULL;
    int i;
    PyThread_acquire_lock(th_pool_lock, WAIT_LOCK);
    for (i = th_pool_count - 1; i >= 0; i--) {   /* the most recently freed first */
        if (th_pool_blocks[i].size == size) {
            p = th_pool_blocks[i].ptr;
            th_pool_bytes -= size;
            memmove(th_pool_blocks + i, th_pool_blocks + i + 1,
                    (size_t)(th_pool_count - i - 1) * sizeof(th_pool_block));
            th_pool_count--;
            break;
        }
    }
    PyThread_release_lock(th_pool_lock);
    return p;
}

static void *th_pool_malloc(void *ctx, size_t size)
{
    void *p = size >= TH_POOL_MIN ? th_pool_take(size) : NULL;
    (void)ctx;
    return p ? p : malloc(size);
}

static void *th_pool_calloc(void *ctx, size_t nelem, size_t elsize)
{
    void *p = NULL;
    (void)ctx;
    if (elsize && nelem <= (size_t)-1 / elsize && nelem * elsize >= TH_POOL_MIN) {
        p = th_pool_take(nelem * elsize);
        if (p) memset(p, 0, nelem * elsize);   /* its pages are mapped: no faults */
    }
    return p ? p : calloc(nelem, elsize);
}

static void *th_pool_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    return realloc(ptr, size);   /* a pooled block is a malloc'ed block of its size */
}

static void th_pool_free(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    if (!ptr) return;
    if (size < TH_POOL_MIN || size > th_pool_limit) {
        free(ptr);
        return;
    }
    PyThread_acquire_lock(th_pool_lock, WAIT_LOCK);
    while (th_pool_count && (th_pool_count == TH_POOL_SLOTS
                             || th_pool_bytes + size > th_pool_limit))
        th_pool_drop(0);
    th_pool_blocks[th_pool_count].ptr = ptr;
    th_pool_blocks[th_pool_count].size = size;
    th_pool_count++;
    th_pool_bytes += size;
    PyThread_release_lock(th_pool_lock);
}

static PyDataMem_Handler th_pool_mem_handler = {
    "theano_buffer_pool", 1,
    {NULL, th_pool_malloc, th_pool_calloc, th_pool_realloc, th_pool_free}
};

static int th_pool_init(void)
{
    th_pool_lock = PyThread_allocate_lock();
    if (!th_pool_lock) {
        PyErr_NoMemory();
        return -1;
    }
    th_pool_handler = PyCapsule_New(&th_pool_mem_handler, "mem_handler", NULL);
    return th_pool_handler ? 0 : -1;
}

/* Make the pool NumPy's allocator for this context; returns the previous handler (to
 * give to th_pool_exit), or NULL when the pool is off or could not be set. */
static PyObject *th_pool_enter(void)
{
    PyObject *old;
    if (!th_pool_handler || !th_pool_limit) return NULL;
    old = PyDataMem_SetHandler(th_pool_handler);
    if (!old) PyErr_Clear();   /* no pool for this call, same results */
    return old;
}

static void th_pool_exit(PyObject *old)
{
    PyObject *err_type, *err_value, *err_tb, *again;
    if (!old) return;
    PyErr_Fetch(&err_type, &err_value, &err_tb);   /* a failing call keeps its error */
    again = PyDataMem_SetHandler(old);
    if (again) Py_DECREF(again);
    else PyErr_Clear();
    Py_DECREF(old);
    PyErr_Restore(err_type, err_value, err_tb);
}

static PyObject *th_set_pool_limit(PyObject *self, PyObject *args)
{
    Py_ssize_t limit;
    if (!PyArg_ParseTuple(args, "n", &limit)) return NULL;
    PyThread_acquire_lock(th_pool_lock, WAIT_LOCK);
    th_pool_limit = limit > 0 ? (size_t)limit : 0;
    while (th_pool_count && th_pool_bytes > th_pool_limit) th_pool_drop(0);
    PyThread_release_lock(th_pool_lock);
    Py_RETURN_NONE;
}

static PyObject *th_pool_info(PyObject *self, PyObject *unused)
{
    Py_ssize_t count, bytes, limit;
    PyThread_acquire_lock(th_pool_lock, WAIT_LOCK);
    count = th_pool_count;
    bytes = (Py_ssize_t)th_pool_bytes;
    limit = (Py_ssize_t)th_pool_limit;
    PyThread_release_lock(th_pool_lock);   /* building the dict may free arrays */
    return Py_BuildValue("{s:n,s:n,s:n,s:n}", "blocks", count, "bytes", bytes, "limit", limit,
                         "large_allocs", (Py_ssize_t)th_large_allocs);
}
