/* Weight gradients of a backward scan loop, summed on the helper thread while the loop runs.
 *
 * The gradient of a weight matrix W used as dot(a, W) inside a loop is the sum over the
 * steps of dot(a_t.T, b_t) (theano/scan/grad.py pushes it out of the step: the loop keeps
 * the rows of a and b).  Summed after the loop, it is one large product; but the loop
 * itself runs on one core, and the rows of a chunk of steps are final as soon as the
 * chunk is done.  So every few steps the loop hands the chunk's products to the helper
 * thread (th_helper.c) as one job, which sums them on the other core into a buffer of its
 * own while the loop goes on; at the end the loop hands over the last steps, waits, and
 * adds the buffer into the target.  The jobs run in order on one thread (the loop takes
 * back and runs one the helper has not started only when it waits for all), so the sums
 * do not depend on timing.
 *
 * Each task is a product small enough that the BLAS runs it on the calling thread
 * (M N K <= TH_PROD_MNK: OpenBLAS threads larger products, and its threads would then
 * compete with the loop's own core); a target wider than that is split by columns.  The
 * rows of a chunk are read where they lie when the steps' rows are consecutive in both
 * factors in the same order; otherwise (the rows of an initial state's prefix, rows
 * walked in opposite directions) step by step.
 */
#define TH_PROD_MNK 262144.0
#define TH_PROD_BATCH 4

typedef struct {
    int kind[2], idx[2];      /* per factor: 0 feed, 1 store, 2 per-step output (nit),
                               * 3 (a only) ones: target (1 x n) += column sums of b_t */
    char *ones;               /* kind 3: chunk * r ones */
    th_cell target;           /* (m x n), C-contiguous; target += sum_t a_t.T b_t */
    char *sum;                /* the helper's sums, added into target at the end */
    Py_ssize_t r, m, n;       /* a_t is (r x m), b_t (r x n) */
    Py_ssize_t chunk, ncols;  /* steps per task, target columns per task */
    int handled;
} th_prod;

/* The tasks of steps [i0, i1), one job for the helper. */
typedef struct {
    th_job job;
    struct th_products_s *P;
    Py_ssize_t i0, i1;
} th_prod_batch;

struct th_products_s {
    th_prod *p;
    Py_ssize_t n;
    /* where the rows are (valid from th_products_start to th_products_finish) */
    const th_feed *fd, *st;
    const th_cell *nit_arr;
    Py_ssize_t t_start, t_step, dispatched, chunk;
    int whole;                /* tasks span the whole batch (one product per factor pair) */
    th_prod_batch *batch;
    Py_ssize_t n_batch, cap_batch;
    int active;
};

typedef struct {
    th_products *P;
    int p;
    Py_ssize_t i0, i1, c0, c1;
} th_prod_task;

static char *th_prod_row(const th_products *P, int kind, int idx, Py_ssize_t i)
{
    Py_ssize_t t = P->t_start + i * P->t_step;
    if (kind == 0) return th_feed_ptr(&P->fd[idx], t);
    if (kind == 1) return th_feed_ptr(&P->st[idx], t);
    return P->nit_arr[idx].data + i * P->nit_arr[idx].strides[0];
}

/* sum[:, c0:c1] += A.T B over the rows a (K x m) and b (K x n), row-major. */
static void th_prod_gemm(const th_prod *q, const char *a, const char *b, Py_ssize_t K,
                         Py_ssize_t c0, Py_ssize_t c1, int whole)
{
    Py_ssize_t isz = q->target.itemsize;
    char one[16];
    th_scalar_store(q->target.typenum, 1, 0, one);
    /* column-major: sum^T (n x m) += b^T (n x K) a (K x m): a task of the helper's is
     * one call; the whole product after the loop (no helper) is split or not by th_gemm */
    if (whole)
        th_gemm(q->target.typenum, 0, 1, c1 - c0, q->m, K, one, b + c0 * isz, q->n, a,
                q->m, one, q->sum + c0 * isz, q->n);
    else
        th_gemm_direct(q->target.typenum, 0, 1, c1 - c0, q->m, K, one, b + c0 * isz, q->n,
                       a, q->m, one, q->sum + c0 * isz, q->n);
}

/* Steps i0.. of the task while both factors' rows stay consecutive blocks walked in the
 * same direction: how many (at least 1), and where the blocks start in memory. */
static Py_ssize_t th_prod_run_length(const th_products *P, const th_prod *q, Py_ssize_t i0,
                                     Py_ssize_t i1, const char **a, const char **b)
{
    Py_ssize_t isz = q->target.itemsize, ba = q->r * q->m * isz, bb = q->r * q->n * isz;
    Py_ssize_t n = 1, da = 0, db = 0;
    const char *a0 = q->ones ? q->ones : th_prod_row(P, q->kind[0], q->idx[0], i0);
    const char *b0 = th_prod_row(P, q->kind[1], q->idx[1], i0);
    while (i0 + n < i1) {
        const char *an = q->ones ? q->ones : th_prod_row(P, q->kind[0], q->idx[0], i0 + n);
        const char *bn = th_prod_row(P, q->kind[1], q->idx[1], i0 + n);
        Py_ssize_t sa = an - a0, sb = bn - b0;
        if (n == 1) {
            if (sb == bb) db = 1; else if (sb == -bb) db = -1; else break;
            if (q->ones) da = db;
            else if (sa == ba) da = 1; else if (sa == -ba) da = -1; else break;
            if (da != db) break;
        }
        if (sb != db * n * bb || (!q->ones && sa != da * n * ba)) break;
        n++;
    }
    /* a block walked backwards starts at its last step's rows */
    *a = q->ones ? q->ones : (da < 0 ? a0 - (n - 1) * ba : a0);
    *b = db < 0 ? b0 - (n - 1) * bb : b0;
    return n;
}

static void th_prod_run(const th_prod_task *T)
{
    const th_products *P = T->P;
    const th_prod *q = &P->p[T->p];
    Py_ssize_t i = T->i0, n;
    while (i < T->i1) {
        const char *a, *b;
        n = th_prod_run_length(P, q, i, T->i1, &a, &b);
        th_prod_gemm(q, a, b, n * q->r, T->c0, T->c1, P->whole);
        i += n;
    }
}

static void th_products_drain(th_products *P);

static void th_prod_batch_run(th_job *J, int on_helper)
{
    th_prod_batch *B = (th_prod_batch *)J;
    th_products *P = B->P;
    Py_ssize_t k, i0, c0;
    (void)on_helper;
    for (k = 0; k < P->n; k++) {
        const th_prod *q = &P->p[k];
        if (!q->handled) continue;
        Py_ssize_t chunk = P->whole ? B->i1 - B->i0 : q->chunk;
        Py_ssize_t ncols = P->whole ? q->n : q->ncols;
        for (i0 = B->i0; i0 < B->i1; i0 += chunk)
            for (c0 = 0; c0 < q->n; c0 += ncols) {
                th_prod_task T;
                T.P = P; T.p = (int)k; T.i0 = i0;
                T.i1 = i0 + chunk < B->i1 ? i0 + chunk : B->i1;
                T.c0 = c0;
                T.c1 = c0 + ncols < q->n ? c0 + ncols : q->n;
                th_prod_run(&T);
            }
    }
}

/* Hand the steps [P->dispatched, upto) to the helper as one job (or run them here when
 * there is no helper).  Batches run in order on one thread: the sums do not depend on
 * timing. */
static void th_products_dispatch(th_products *P, Py_ssize_t upto)
{
    th_prod_batch *B;
    if (upto <= P->dispatched) return;
    if (P->n_batch == P->cap_batch) {
        /* the batches are referenced by the helper's queue: never moved, so the array
         * is sized once (th_products_start) for every batch a loop can make */
        P->active = 0;
    }
    if (!P->active) {
        th_prod_batch tmp;
        tmp.P = P; tmp.i0 = P->dispatched; tmp.i1 = upto;
        th_products_drain(P);
        th_prod_batch_run(&tmp.job, 0);
        P->dispatched = upto;
        return;
    }
    B = &P->batch[P->n_batch++];
    B->job.run = th_prod_batch_run;
    B->P = P;
    B->i0 = P->dispatched;
    B->i1 = upto;
    P->dispatched = upto;
    if (th_help_submit(&B->job) != 0) {
        /* no helper: here, after the batches before it */
        P->active = 0;
        P->n_batch--;
        th_products_drain(P);
        th_prod_batch_run(&B->job, 0);
    }
}

/* Wait for the batches handed over; run those the helper had not started, in order. */
static void th_products_drain(th_products *P)
{
    Py_ssize_t b, n = P->n_batch;
    th_job **jobs;
    unsigned char *back;
    if (n == 0) return;
    jobs = malloc(n * (sizeof(th_job *) + 1));
    if (!jobs) {
        /* no memory for the list: wait for each in turn (the helper runs them all) */
        pthread_mutex_lock(&th_help_mu);
        for (b = 0; b < n; b++)
            while (!P->batch[b].job.done) pthread_cond_wait(&th_help_idle, &th_help_mu);
        pthread_mutex_unlock(&th_help_mu);
        P->n_batch = 0;
        return;
    }
    back = (unsigned char *)(jobs + n);
    for (b = 0; b < n; b++) jobs[b] = &P->batch[b].job;
    th_help_join_many(jobs, n, back);
    for (b = 0; b < n; b++)
        if (back[b]) th_prod_batch_run(jobs[b], 0);
    free(jobs);
    P->n_batch = 0;
}

static int th_products_started(const th_products *P)
{
    return P->fd != NULL;
}

/* Parse [(kind_a, idx_a, kind_b, idx_b, target)]. */
static th_products *th_products_new(PyObject *list)
{
    Py_ssize_t k, n = PyList_GET_SIZE(list);
    th_products *P = PyMem_Calloc(1, sizeof(th_products));
    if (!P) { PyErr_NoMemory(); return NULL; }
    P->p = PyMem_Calloc(n + 1, sizeof(th_prod));
    if (!P->p) { PyMem_Free(P); PyErr_NoMemory(); return NULL; }
    P->n = n;
    for (k = 0; k < n; k++) {
        th_prod *q = &P->p[k];
        PyObject *target;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(list, k), "iiiiO!", &q->kind[0], &q->idx[0],
                              &q->kind[1], &q->idx[1], &PyArray_Type, &target)
                || th_cell_set_object(&q->target, target) < 0) {
            P->n = k;
            th_products_free(P);
            return NULL;
        }
    }
    return P;
}

static void th_products_free(th_products *P)
{
    Py_ssize_t k;
    if (!P) return;
    for (k = 0; k < P->n; k++) {
        th_cell_clear(&P->p[k].target);
        free(P->p[k].sum);
        free(P->p[k].ones);
    }
    PyMem_Free(P->batch);
    PyMem_Free(P->p);
    PyMem_Free(P);
}

/* The cell layout of factor `f` of product q (a row of its array), or NULL. */
static const th_cell *th_prod_rows(const th_products *P, const th_prod *q, int f,
                                   Py_ssize_t n_feed, Py_ssize_t n_store, Py_ssize_t n_nit)
{
    int kind = q->kind[f], idx = q->idx[f];
    const th_feed *r;
    if (kind == 2) return idx >= 0 && idx < n_nit && P->nit_arr[idx].obj ? &P->nit_arr[idx] : NULL;
    if (kind == 0 && idx >= 0 && idx < n_feed) r = &P->fd[idx];
    else if (kind == 1 && idx >= 0 && idx < n_store) r = &P->st[idx];
    else return NULL;
    if (r->mod != 0 || !th_rows_c_contiguous(&r->arr)
            || (r->npre && !th_rows_c_contiguous(&r->pre)))
        return NULL;
    return &r->arr;
}

/* After the first step (the per-step outputs' buffers exist): which products the helper
 * takes.  A product it does not take stays with the caller (after the loop). */
static void th_products_start(th_products *P, const th_feed *fd, Py_ssize_t n_feed,
                              const th_feed *st, Py_ssize_t n_store, const th_cell *nit_arr,
                              Py_ssize_t n_nit, Py_ssize_t t_start, Py_ssize_t t_step,
                              Py_ssize_t n_steps)
{
    Py_ssize_t k;
    P->fd = fd;
    P->st = st;
    P->nit_arr = nit_arr;
    P->t_start = t_start;
    P->t_step = t_step;
    P->dispatched = 0;
    P->chunk = 0;
    P->active = th_help_usable();
    for (k = 0; k < P->n && th_help_enabled; k++) {
        th_prod *q = &P->p[k];
        const th_cell *b = th_prod_rows(P, q, 1, n_feed, n_store, n_nit), *a = b;
        const th_cell *t = &q->target;
        double per_step;
        int ones = q->kind[0] == 3, ok;
        if (!ones) a = th_prod_rows(P, q, 0, n_feed, n_store, n_nit);
        ok = a && b && a->nd == 3 && b->nd == 3 && t->nd == 2
             && (t->typenum == NPY_FLOAT64 || t->typenum == NPY_FLOAT32)
             && a->typenum == t->typenum && b->typenum == t->typenum
             && t->strides[1] == t->itemsize && t->strides[0] == t->dims[1] * t->itemsize
             && a->dims[1] == b->dims[1] && (ones ? t->dims[0] == 1 : a->dims[2] == t->dims[0])
             && b->dims[2] == t->dims[1] && t->obj && PyArray_Check(t->obj)
             && PyArray_ISWRITEABLE((PyArrayObject *)t->obj);
        q->handled = 0;
        if (!ok || th_cell_size(t) == 0 || a->dims[1] == 0) continue;
        q->sum = calloc((size_t)th_cell_size(t), (size_t)t->itemsize);
        if (!q->sum) continue;
        q->r = a->dims[1];
        q->m = t->dims[0];
        q->n = t->dims[1];
        per_step = (double)q->r * q->m * q->n;
        if (per_step <= TH_PROD_MNK) {
            q->chunk = (Py_ssize_t)(TH_PROD_MNK / per_step);
            if (q->chunk > n_steps) q->chunk = n_steps > 0 ? n_steps : 1;
            q->ncols = q->n;
        } else {
            q->chunk = 1;
            q->ncols = (Py_ssize_t)(TH_PROD_MNK / ((double)q->r * q->m));
            if (q->ncols < 16) q->ncols = 16;
            if (q->ncols > q->n) q->ncols = q->n;
        }
        if (ones) {
            /* (a task spans at most chunk steps; the whole loop without the helper) */
            Py_ssize_t j, len = (q->chunk > n_steps ? q->chunk : n_steps) * q->r;
            q->ones = malloc((size_t)len * t->itemsize);
            if (!q->ones) continue;
            for (j = 0; j < len; j++) {
                if (t->typenum == NPY_FLOAT64) ((double *)q->ones)[j] = 1.0;
                else ((float *)q->ones)[j] = 1.0f;
            }
        }
        if (!P->chunk || q->chunk < P->chunk) P->chunk = q->chunk;
        q->handled = 1;
    }
    if (P->chunk && P->active) {
        /* a job every few chunks: each wakes the helper (a system call on both sides) */
        P->chunk *= TH_PROD_BATCH;
        P->cap_batch = n_steps / P->chunk + 2;
        P->batch = PyMem_Calloc(P->cap_batch, sizeof(th_prod_batch));
        if (!P->batch) P->active = 0;
    }
}

/* `done` steps are complete: hand over the full chunks (without the helper, the products
 * wait for the end of the loop: th_products_finish). */
static void th_products_step(th_products *P, Py_ssize_t done)
{
    if (!P->active || !P->chunk || done - P->dispatched < P->chunk) return;
    th_products_dispatch(P, done - (done - P->dispatched) % P->chunk);
}

/* Wait for the helper to be done with P's batches (a failed loop: nothing is added). */
static void th_products_wait(th_products *P)
{
    Py_BEGIN_ALLOW_THREADS
    th_products_drain(P);
    Py_END_ALLOW_THREADS
}

/* The loop did `done` steps: the rest of the products, wait for all of them, and add the
 * sums into the targets. */
static void th_products_finish(th_products *P, Py_ssize_t done)
{
    Py_ssize_t k;
    if (!P->fd) return;           /* never started: no step ran */
    if (!P->chunk) return;        /* no product taken */
    if (P->active) {
        th_products_dispatch(P, done);
        th_products_wait(P);
    } else if (done > P->dispatched) {
        /* no helper: each product over all the steps at once (th_gemm splits or not) */
        th_prod_batch B;
        B.P = P; B.i0 = P->dispatched; B.i1 = done;
        P->whole = 1;
        Py_BEGIN_ALLOW_THREADS
        th_prod_batch_run(&B.job, 0);
        Py_END_ALLOW_THREADS
        P->whole = 0;
        P->dispatched = done;
    }
    for (k = 0; k < P->n; k++) {
        th_prod *q = &P->p[k];
        th_cell sum = q->target;     /* the sums, in the target's layout (C-contiguous) */
        if (!q->handled) continue;
        sum.obj = NULL;
        sum.data = q->sum;
        th_add_into(&q->target, &sum);   /* (float types only: no error) */
    }
}

/* [handled] per product. */
static PyObject *th_products_handled(const th_products *P)
{
    PyObject *l = PyList_New(P->n);
    Py_ssize_t k;
    if (!l) return NULL;
    for (k = 0; k < P->n; k++) PyList_SET_ITEM(l, k, PyBool_FromLong(P->p[k].handled));
    return l;
}
