/* Scan in C: the loop of a Scan node over the C frame of its compiled inner function.
 *
 * Each step binds the inner input cells to rows of the outer arrays (sequence slices,
 * state taps read from the state buffers), runs the inner plan, and copies the new
 * states and per-step outputs into their buffers; no Python object is made per step when
 * every inner node has a C kernel.  Long loops check for signals, so Ctrl-C interrupts a
 * call within a fraction of a second (the caller then applies no update).
 */

/* `c` becomes row `row` of the array in `outer` (a view sharing its owner). */
static void th_bind_row(th_cell *c, const th_cell *outer, Py_ssize_t row)
{
    int d;
    if (c->obj != outer->obj) {
        Py_XINCREF(outer->obj);
        Py_XDECREF(c->obj);
        c->obj = outer->obj;
    }
    c->data = outer->data + row * outer->strides[0];
    c->nd = outer->nd - 1;
    c->typenum = outer->typenum;
    c->itemsize = outer->itemsize;
    for (d = 1; d < outer->nd; d++) {
        c->dims[d - 1] = outer->dims[d];
        c->strides[d - 1] = outer->strides[d];
    }
    c->flags = TH_ARRAY;
}

/* Walk the rows (last axis) of `src` and `dst` (same nd and dims, any strides): calls
   ROW(p, q, len, sp, sq) with the row's start in each and the last axis' length and strides.
   One index update per row, not per element, so long rows run as plain strided loops. */
#define TH_FOR_ROWS(dst, src, ROW) do { \
    Py_ssize_t idx_[TH_MAXDIM], rows_ = 1, r_; \
    int d_, nd_ = (src)->nd; \
    Py_ssize_t len_ = nd_ ? (src)->dims[nd_ - 1] : 1; \
    Py_ssize_t sp_ = nd_ ? (src)->strides[nd_ - 1] : 0, sq_ = nd_ ? (dst)->strides[nd_ - 1] : 0; \
    char *p_ = (src)->data, *q_ = (dst)->data; \
    for (d_ = 0; d_ < nd_ - 1; d_++) { rows_ *= (src)->dims[d_]; idx_[d_] = 0; } \
    if (len_ == 0) rows_ = 0; \
    for (r_ = 0; r_ < rows_; r_++) { \
        ROW(p_, q_, len_, sp_, sq_); \
        for (d_ = nd_ - 2; d_ >= 0; d_--) { \
            p_ += (src)->strides[d_]; q_ += (dst)->strides[d_]; \
            if (++idx_[d_] < (src)->dims[d_]) break; \
            p_ -= idx_[d_] * (src)->strides[d_]; q_ -= idx_[d_] * (dst)->strides[d_]; \
            idx_[d_] = 0; \
        } \
    } \
} while (0)

/* Copy the array of `src` into `dst` (same nd and dims; any strides). */
static void th_copy_into(const th_cell *dst, const th_cell *src)
{
    Py_ssize_t n = th_cell_size(src), isz = src->itemsize, s = isz;
    int d, nd = src->nd, contiguous = 1;
    if (n == 0) return;
    for (d = nd - 1; d >= 0; d--) {
        if (src->dims[d] != 1 && (src->strides[d] != s || dst->strides[d] != s)) contiguous = 0;
        s *= src->dims[d];
    }
    if (contiguous) {
        if (dst->data != src->data) memmove(dst->data, src->data, (size_t)n * isz);
        return;
    }
#define TH_COPY_ROW(p, q, len, sp, sq) do { \
        Py_ssize_t j_; \
        if ((sp) == isz && (sq) == isz) memmove((q), (p), (size_t)((len) * isz)); \
        else for (j_ = 0; j_ < (len); j_++) memmove((q) + j_ * (sq), (p) + j_ * (sp), isz); \
    } while (0)
    TH_FOR_ROWS(dst, src, TH_COPY_ROW);
#undef TH_COPY_ROW
}

/* dst += src elementwise (same nd and dims, any strides; the type of dst). */
static int th_add_into(const th_cell *dst, const th_cell *src)
{
    if (th_cell_size(src) == 0) return 0;
#define TH_ADD_ROW(T, p, q, len, sp, sq) do { \
        Py_ssize_t j_; \
        if ((sp) == (Py_ssize_t)sizeof(T) && (sq) == (Py_ssize_t)sizeof(T)) { \
            T *restrict qq_ = (T *)(q); const T *restrict pp_ = (const T *)(p); \
            for (j_ = 0; j_ < (len); j_++) qq_[j_] += pp_[j_]; \
        } else { \
            for (j_ = 0; j_ < (len); j_++) \
                *(T *)((q) + j_ * (sq)) += *(const T *)((p) + j_ * (sp)); \
        } \
    } while (0)
#define TH_ADD_D(p, q, len, sp, sq) TH_ADD_ROW(double, p, q, len, sp, sq)
#define TH_ADD_F(p, q, len, sp, sq) TH_ADD_ROW(float, p, q, len, sp, sq)
#define TH_ADD_L(p, q, len, sp, sq) TH_ADD_ROW(npy_int64, p, q, len, sp, sq)
#define TH_ADD_I(p, q, len, sp, sq) TH_ADD_ROW(npy_int32, p, q, len, sp, sq)
    /* complex: two parts of the item's type, added as a row of twice the length */
#define TH_ADD_ZD(p, q, len, sp, sq) do { \
        Py_ssize_t j_; \
        for (j_ = 0; j_ < (len); j_++) { \
            double *qq_ = (double *)((q) + j_ * (sq)); const double *pp_ = (const double *)((p) + j_ * (sp)); \
            qq_[0] += pp_[0]; qq_[1] += pp_[1]; \
        } \
    } while (0)
#define TH_ADD_ZF(p, q, len, sp, sq) do { \
        Py_ssize_t j_; \
        for (j_ = 0; j_ < (len); j_++) { \
            float *qq_ = (float *)((q) + j_ * (sq)); const float *pp_ = (const float *)((p) + j_ * (sp)); \
            qq_[0] += pp_[0]; qq_[1] += pp_[1]; \
        } \
    } while (0)
    switch (dst->typenum) {
    case NPY_FLOAT64: TH_FOR_ROWS(dst, src, TH_ADD_D); break;
    case NPY_FLOAT32: TH_FOR_ROWS(dst, src, TH_ADD_F); break;
    case NPY_COMPLEX128: TH_FOR_ROWS(dst, src, TH_ADD_ZD); break;
    case NPY_COMPLEX64: TH_FOR_ROWS(dst, src, TH_ADD_ZF); break;
    case NPY_INT64: TH_FOR_ROWS(dst, src, TH_ADD_L); break;
    case NPY_INT32: TH_FOR_ROWS(dst, src, TH_ADD_I); break;
    default:
        PyErr_SetString(PyExc_TypeError, "scan: cannot accumulate gradients of this dtype in C");
        return -1;
    }
#undef TH_ADD_ROW
#undef TH_ADD_D
#undef TH_ADD_F
#undef TH_ADD_L
#undef TH_ADD_I
#undef TH_ADD_ZD
#undef TH_ADD_ZF
    return 0;
}
#undef TH_FOR_ROWS

static int th_truth(const th_cell *c)
{
    switch (c->typenum) {
    case NPY_BOOL: case NPY_INT8: case NPY_UINT8: return *(npy_uint8 *)c->data != 0;
    case NPY_INT16: case NPY_UINT16: return *(npy_uint16 *)c->data != 0;
    case NPY_INT32: case NPY_UINT32: return *(npy_uint32 *)c->data != 0;
    case NPY_INT64: case NPY_UINT64: return *(npy_uint64 *)c->data != 0;
    case NPY_FLOAT32: return *(float *)c->data != 0;
    case NPY_FLOAT64: return *(double *)c->data != 0;
    default: return 1;
    }
}

/* A feed or store: `arr` holds the rows (see th_row).  A feed may have a prefix: rows
 * 0..npre-1 are those of `pre` (a state's initial values) and row r >= npre is row
 * r - npre of `arr` (its history), so the two are never joined into one array. */
typedef struct {
    int cell;
    th_cell arr;
    Py_ssize_t base, sign, mod;
    int mode;
    th_cell pre;
    Py_ssize_t npre;
} th_feed;

/* Row base + sign * t of a buffer of `n` rows: modulo `mod` (a ring) when mod > 0,
 * clamped to the buffer when mod < 0. */
static Py_ssize_t th_row(const th_feed *r, Py_ssize_t t)
{
    Py_ssize_t row = r->base + r->sign * t;
    if (r->mod > 0) row = ((row % r->mod) + r->mod) % r->mod;
    else if (r->mod < 0) row = row < 0 ? 0 : (row >= r->arr.dims[0] ? r->arr.dims[0] - 1 : row);
    return row;
}

/* Bind `c` to the row of feed `r` at time t (in its prefix or in its array). */
static void th_feed_bind(th_cell *c, const th_feed *r, Py_ssize_t t)
{
    Py_ssize_t row = th_row(r, t);
    if (row < r->npre) th_bind_row(c, &r->pre, row);
    else th_bind_row(c, &r->arr, row - r->npre);
}

/* The address of the row of feed or store `r` at time t. */
static char *th_feed_ptr(const th_feed *r, Py_ssize_t t)
{
    Py_ssize_t row = th_row(r, t);
    if (row < r->npre) return r->pre.data + row * r->pre.strides[0];
    return r->arr.data + (row - r->npre) * r->arr.strides[0];
}

/* The stores whose cell a step may compute straight into the store's row (th_prepare_output
 * keeps a TH_TARGET cell that fits): mode 0 into a buffer that is no ring and has no
 * prefix, rows C-contiguous, the cell made by a step of the plan (not an inner input or a
 * constant), each cell once, and no feed reading the rows the store writes.  target[k]
 * is 1 for those.
 *
 * It is 2 for a store adding into its row (mode 1: a state's gradient collecting what
 * flows back through the loop) whose cell no step reads, no other store or output takes,
 * and whose rows no feed reads at the same step: the cell is bound to the row with
 * TH_ACCUM, and a matrix product adds its result there. */
static int th_replay_row_private(const th_feed *st, const th_feed *fd, Py_ssize_t n_feed);

static int th_rows_c_contiguous(const th_cell *a)
{
    Py_ssize_t s = a->itemsize;
    int d;
    for (d = a->nd - 1; d >= 1; d--) {
        if (a->dims[d] != 1 && a->strides[d] != s) return 0;
        s *= a->dims[d];
    }
    return a->nd >= 1;
}

/* No feed reads, at any step, the row store `r` adds into at that step: a feed sharing
 * memory with its array or prefix walks the same rows in the same direction, offset. */
static int th_accum_row_private(const th_feed *r, const th_feed *fd, Py_ssize_t n_feed)
{
    Py_ssize_t k;
    for (k = 0; k < n_feed; k++) {
        const th_feed *q = &fd[k];
        int shares = th_may_share(&q->arr, &r->arr)
                     || (r->npre && th_may_share(&q->arr, &r->pre))
                     || (q->npre && th_may_share(&q->pre, &r->arr))
                     || (q->npre && r->npre && th_may_share(&q->pre, &r->pre));
        if (!shares) continue;
        if (q->arr.data != r->arr.data || q->npre != r->npre
                || (r->npre && q->pre.data != r->pre.data) || q->mod != 0 || r->mod != 0
                || q->sign != r->sign || q->base == r->base)
            return 0;
    }
    return 1;
}

static int th_accum_target(const th_Plan *p, const th_feed *st, Py_ssize_t n_store,
                           Py_ssize_t k, const th_feed *fd, Py_ssize_t n_feed,
                           const int *nit_cell, Py_ssize_t n_nit)
{
    Py_ssize_t j, i;
    int c = st[k].cell;
    if (st[k].mode != 1 || !th_rows_c_contiguous(&st[k].arr)
            || (st[k].npre && !th_rows_c_contiguous(&st[k].pre)))
        return 0;
    for (j = 0; j < n_store; j++) if (j != k && st[j].cell == c) return 0;
    for (j = 0; j < n_nit; j++) if (nit_cell[j] == c) return 0;
    for (j = 0; j < p->n_steps; j++)
        for (i = 0; i < p->steps[j].nin; i++) if (p->steps[j].in[i] == c) return 0;
    return th_accum_row_private(&st[k], fd, n_feed);
}

static int th_store_targets(const th_Frame *f, const th_feed *st, Py_ssize_t n_store,
                            const th_feed *fd, Py_ssize_t n_feed, const unsigned char *hoisted,
                            const int *nit_cell, Py_ssize_t n_nit, int *target)
{
    const th_Plan *p = f->plan;
    unsigned char *made = PyMem_Calloc(p->n_cells + 1, 1);
    Py_ssize_t j, k, n = 0;
    if (!made) { PyErr_NoMemory(); return -1; }
    for (j = 0; j < p->n_steps; j++)   /* (a hoisted step runs once, before the loop) */
        for (k = 0; k < p->steps[j].nout && !(hoisted && hoisted[j]); k++)
            made[p->steps[j].out[k]] = 1;
    for (k = 0; k < n_store; k++) {
        Py_ssize_t q;
        int ok = st[k].mode == 0 && st[k].mod == 0 && st[k].npre == 0
                 && th_rows_c_contiguous(&st[k].arr) && made[st[k].cell]
                 && !p->persistent[st[k].cell];
        for (q = 0; q < k && ok; q++) ok = !(target[q] && st[q].cell == st[k].cell);
        target[k] = ok && th_replay_row_private(&st[k], fd, n_feed);
        if (!target[k] && made[st[k].cell] && !p->persistent[st[k].cell]
                && th_accum_target(p, st, n_store, k, fd, n_feed, nit_cell, n_nit))
            target[k] = 2;
        n += target[k] != 0;
    }
    PyMem_Free(made);
    return (int)n;
}

/* Make cell `c` the row of store `r` at time t, for the step to compute into (the rows
 * are C-contiguous: th_store_targets). */
static void th_target_row(th_cell *c, const th_feed *r, Py_ssize_t t, int accum)
{
    if (accum) {
        th_feed_bind(c, r, t);
        c->flags = TH_ARRAY | TH_TARGET | TH_ACCUM;
        return;
    }
    th_bind_row(c, &r->arr, th_row(r, t));
    c->flags = TH_ARRAY | TH_TARGET;
}

/* Drop what the cells borrowed during a step, except the inner inputs (the
 * non-sequences stay bound for the whole loop; fed cells are rebound each step) and the
 * cells in `keep` (the results of hoisted steps; may be NULL). */
static void th_frame_release_step(th_Frame *f, const unsigned char *keep)
{
    Py_ssize_t k;
    for (k = f->plan->n_inputs; k < f->plan->n_cells; k++) {
        th_cell *c = &f->tc[k];
        if (f->plan->persistent[k] || (keep && keep[k])) continue;
        if (c->obj && !(c->flags & TH_OWNS)) th_cell_clear(c);
    }
}

/* Parse [(inner cell, array, base, sign, mod[, mode[, prefix]])] into feeds/stores (a
 * prefix, an array or None, has the array's row layout). */
static int th_parse_rows(PyObject *seq, th_feed *out, Py_ssize_t n)
{
    Py_ssize_t k;
    for (k = 0; k < n; k++) {
        PyObject *t = PyList_GET_ITEM(seq, k);
        PyObject *arr, *pre = Py_None;
        long cell;
        Py_ssize_t a, b, c;
        int mode = 0;
        if (!PyArg_ParseTuple(t, "lOnnn|iO", &cell, &arr, &a, &b, &c, &mode, &pre)) return -1;
        if (!PyArray_Check(arr)) {
            PyErr_SetString(PyExc_TypeError, "scan_loop: arrays expected");
            return -1;
        }
        out[k].cell = (int)cell;
        memset(&out[k].arr, 0, sizeof(th_cell));
        if (th_cell_set_object(&out[k].arr, arr) < 0) return -1;
        if (out[k].arr.nd < 1 && mode != 2) {
            PyErr_SetString(PyExc_ValueError, "scan_loop: a buffer needs a leading axis");
            return -1;
        }
        if (pre != Py_None) {
            if (!PyArray_Check(pre) || PyArray_NDIM((PyArrayObject *)pre) != out[k].arr.nd
                    || c != 0) {
                PyErr_SetString(PyExc_ValueError, "scan_loop: a prefix is an array of the "
                                "rows' layout, on a buffer that is not a ring");
                return -1;
            }
            int d, same = 1;
            if (th_cell_set_object(&out[k].pre, pre) < 0) return -1;
            for (d = 1; d < out[k].arr.nd; d++)
                same = same && out[k].pre.dims[d] == out[k].arr.dims[d]
                       && out[k].pre.strides[d] == out[k].arr.strides[d];
            if (!same || out[k].pre.typenum != out[k].arr.typenum) {
                PyErr_SetString(PyExc_ValueError, "scan_loop: a prefix has the rows' layout "
                                "and type of its array");
                return -1;
            }
            out[k].npre = out[k].pre.dims[0];
        }
        out[k].base = a;
        out[k].sign = b;
        out[k].mod = c;
        out[k].mode = mode;
    }
    return 0;
}

/* c_code/th_scan_replay.c: the steady state of a loop whose step is elementwise only. */
typedef struct th_replay_s th_replay;
static th_replay *th_replay_build(th_Frame *f, const th_feed *fd, Py_ssize_t n_feed,
                                  const th_feed *st, Py_ssize_t n_store, const th_cell *nit_arr,
                                  const int *nit_cell, const int *nit_all, const int *nit_type,
                                  Py_ssize_t n_nit, int cond_cell);
static int th_replay_run(th_replay *R, const th_feed *fd, const th_feed *st,
                         const th_cell *nit_arr, Py_ssize_t i0, Py_ssize_t n_steps,
                         Py_ssize_t t, Py_ssize_t t_step, Py_ssize_t *steps_done,
                         Py_ssize_t *resume);
static void th_replay_free(th_replay *R);
/* c_code/th_scan_products.c: weight gradients summed on a helper thread during the loop. */
typedef struct th_products_s th_products;
static th_products *th_products_new(PyObject *list);
static void th_products_free(th_products *P);
static void th_products_start(th_products *P, const th_feed *fd, Py_ssize_t n_feed,
                              const th_feed *st, Py_ssize_t n_store, const th_cell *nit_arr,
                              Py_ssize_t n_nit, Py_ssize_t t_start, Py_ssize_t t_step,
                              Py_ssize_t n_steps);
static void th_products_step(th_products *P, Py_ssize_t done);
static void th_products_finish(th_products *P, Py_ssize_t done);
static void th_products_wait(th_products *P);
static PyObject *th_products_handled(const th_products *P);
static int th_products_started(const th_products *P);

/* Loops that ran their steady state through a replay, steps' results computed straight
 * into a buffer's row, steps hoisted out of a loop, matrices they made C-contiguous, and
 * results added straight into a gradient's row (scan_stats(), for tests). */
static Py_ssize_t th_scan_replays = 0, th_scan_in_rows = 0, th_scan_hoisted = 0,
                  th_scan_contiguous = 0, th_scan_added_in_rows = 0;

/* scan_loop(frame, t_start, n_steps, t_step, feeds, stores, nits, cond_cell)
 *  t goes from t_start by t_step, n_steps times;
 *  feeds:  [(inner cell, array, base, sign, mod)]: cell <- array[row] (see th_row);
 *  stores: [(inner cell, buffer, base, sign, mod, mode)]: mode 0: buffer[row] <- cell,
 *          1: buffer[row] += cell, 2: buffer += cell (gradient accumulators);
 *  nits:   [(inner cell, keep_all, typenum)]: per-step outputs not fed back;
 *  cond_cell: inner cell of the `until` condition, or -1;
 *  hoist, contig: steps to run once before the loop, cells to make C-contiguous then
 *          (th_scan_hoist; optional).
 * Returns (steps done, [each nit's buffer (n_steps rows) or last value]). */
/* Every 1024 steps a long loop lets other Python threads run (as the interpreter does
 * every few milliseconds) and sees Ctrl-C: -1 with the exception set when interrupted.
 *
 * Releasing the GIL and taking it back at once is not enough: a thread waiting for the
 * GIL asks for it only when its own 5 ms wait times out, and each release wakes it a
 * little before that, while the loop takes the GIL back first -- it would never run
 * (a Timer calling _thread.interrupt_main waited seconds).  So when the interpreter has
 * other threads, the loop leaves the GIL free for a moment. */
static int th_scan_pause(double *last_yield)
{
    double now = th_now();
    if (now - *last_yield > 0.005) {
        PyThreadState *ts = PyThreadState_Get();
        int others = PyInterpreterState_ThreadHead(ts->interp) != ts
                     || PyThreadState_Next(ts) != NULL;
        ts = PyEval_SaveThread();
        if (others) {
            struct timespec pause = {0, 50000};   /* 50 us: 1% of the loop's time */
            nanosleep(&pause, NULL);
        }
        PyEval_RestoreThread(ts);
        *last_yield = th_now();
    }
    return PyErr_CheckSignals();
}

/* Loop-invariant steps: `hoist` lists steps of the plan that read no fed cell, write
 * no input and whose results no other step overwrites (the caller checks it, knowing
 * the graph).  They run once here, before the first step; `contig` lists cells among
 * their results and the inputs not fed that a later step reads: a strided matrix there
 * (a transposed non-sequence) becomes a C-contiguous copy, which matrix products read
 * faster, step after step.  Sets skip[k] for the hoisted steps and keep[c] for their
 * cells.  Returns how many steps it hoisted plus how many copies it made (none in a loop
 * of elementwise steps and views, which the replay runs), or -1 with an error
 * (f->failed_step names the step). */
static int th_replay_is_elemwise(const th_step *s);
static int th_replay_is_view(const th_step *s);

static int th_scan_hoist(th_Frame *f, PyObject *hoist, PyObject *contig, Py_ssize_t n_steps,
                         unsigned char *skip, unsigned char *keep)
{
    th_Plan *p = f->plan;
    Py_ssize_t n = PyList_GET_SIZE(hoist), j, k, i, off, copied = 0;
    int all_ew = 1;
    for (j = 0; j < p->n_steps; j++)
        all_ew = all_ew && (th_replay_is_elemwise(&p->steps[j]) || th_replay_is_view(&p->steps[j]));
    if (all_ew) return 0;   /* the replay runs such loops: it needs every step */
    for (j = 0; j < n; j++) {
        k = PyLong_AsSsize_t(PyList_GET_ITEM(hoist, j));
        if (k < 0 || k >= p->n_steps || !p->steps[k].fn) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "scan_loop: hoist names a step without kernel");
            return -1;
        }
        skip[k] = 1;
    }
    for (k = 0, off = 0; k < p->n_steps; off += p->steps[k].nin + p->steps[k].nout, k++) {
        th_step *s = &p->steps[k];
        if (!skip[k]) continue;
        if (s->fn(f->in_ptrs + off, f->in_ptrs + off + s->nin, s->data) < 0) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_RuntimeError, "a C kernel failed without an error");
            f->failed_step = (int)k;
            return -1;
        }
        for (i = 0; i < s->nout; i++) keep[s->out[i]] = 1;
    }
    for (j = 0; contig && j < PyList_GET_SIZE(contig) && n_steps >= 8; j++) {
        Py_ssize_t c = PyLong_AsSsize_t(PyList_GET_ITEM(contig, j));
        th_cell *cell;
        PyObject *v, *copy;
        if (c < 0 || c >= p->n_cells) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "scan_loop: bad cell");
            return -1;
        }
        cell = &f->tc[c];
        if (!(keep[c] || c < p->n_inputs) || !(cell->flags & TH_ARRAY) || cell->nd < 2
                || th_cell_size(cell) * cell->itemsize > (1 << 22) || th_ew_c_contig(cell))
            continue;
        v = th_cell_get_object(cell);
        if (!v) return -1;
        copy = PyArray_NewCopy((PyArrayObject *)v, NPY_CORDER);
        Py_DECREF(v);
        if (!copy) return -1;
        i = th_cell_set_object(cell, copy);
        Py_DECREF(copy);
        if (i < 0) return -1;
        th_scan_contiguous++;
        copied++;
    }
    th_scan_hoisted += n;
    return (int)(n + copied);
}

static PyObject *th_scan_loop(PyObject *self, PyObject *args)
{
    th_Frame *f;
    Py_ssize_t n_steps, t, i, k, n_feed, n_store, n_nit, steps_done, t_start, t_step;
    PyObject *feeds, *stores, *nits, *result = NULL, *nit_list = NULL;
    PyObject *hoist = NULL, *contig = NULL, *prods = NULL;
    th_products *P = NULL;
    unsigned char *skip = NULL, *keep = NULL;
    th_feed *fd = NULL, *st = NULL;
    PyObject **nit_buf = NULL;
    th_cell *nit_arr = NULL;
    int *nit_cell = NULL, *nit_all = NULL, *nit_type = NULL;
    int cond_cell, failed = 0, n_targets = 0, *target = NULL;
    th_replay *replay = NULL;
    PyObject *tb_unused;
    double last_yield = th_now();
    if (!PyArg_ParseTuple(args, "O!nnnO!O!O!i|O!O!O!", &th_FrameType, &f, &t_start, &n_steps,
                          &t_step, &PyList_Type, &feeds, &PyList_Type, &stores, &PyList_Type,
                          &nits, &cond_cell, &PyList_Type, &hoist, &PyList_Type, &contig,
                          &PyList_Type, &prods))
        return NULL;
    n_feed = PyList_GET_SIZE(feeds);
    n_store = PyList_GET_SIZE(stores);
    n_nit = PyList_GET_SIZE(nits);
    fd = PyMem_Calloc(n_feed + 1, sizeof(th_feed));
    st = PyMem_Calloc(n_store + 1, sizeof(th_feed));
    nit_buf = PyMem_Calloc(n_nit + 1, sizeof(PyObject *));
    nit_arr = PyMem_Calloc(n_nit + 1, sizeof(th_cell));
    nit_cell = PyMem_Calloc(3 * (n_nit + 1), sizeof(int));
    if (!fd || !st || !nit_buf || !nit_arr || !nit_cell) { PyErr_NoMemory(); goto done; }
    nit_all = nit_cell + n_nit + 1;
    nit_type = nit_all + n_nit + 1;
    if (th_parse_rows(feeds, fd, n_feed) < 0 || th_parse_rows(stores, st, n_store) < 0)
        goto done;
    if (prods && PyList_GET_SIZE(prods) > 0) {
        if (!(P = th_products_new(prods))) goto done;
        th_help_wake();     /* awake by the time the first steps are done */
    }
    for (k = 0; k < n_nit; k++) {
        long c;
        int a, ty;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(nits, k), "lii", &c, &a, &ty)) goto done;
        nit_cell[k] = (int)c;
        nit_all[k] = a;
        nit_type[k] = ty;
    }
    f->failed_step = -1;
    for (k = 0; k < f->plan->n_inputs; k++) {
        PyObject *cell = PyList_GET_ITEM(f->cells, k);
        if (th_cell_set_object(&f->tc[k], PyList_GET_ITEM(cell, 0)) < 0) goto done;
    }
    steps_done = n_steps;
    t = t_start;
    if (hoist && n_steps > 1) {
        skip = PyMem_Calloc(f->plan->n_steps + 1, 1);
        keep = PyMem_Calloc(f->plan->n_cells + 1, 1);
        if (!skip || !keep) { PyErr_NoMemory(); goto done; }
        int nh = th_scan_hoist(f, hoist, contig, n_steps, skip, keep);
        if (nh < 0) {
            failed = 1;
            goto failed_loop;
        }
        if (nh == 0) {
            PyMem_Free(skip);
            PyMem_Free(keep);
            skip = keep = NULL;
        }
    }
    for (i = 0; i < n_steps; i++, t += t_step) {
        for (k = 0; k < n_feed; k++)
            th_feed_bind(&f->tc[fd[k].cell], &fd[k], t);
        if (i == 1) {
            /* From the second step (the first one builds a replay when it can): results
             * kept in a buffer's rows are computed there, not copied there. */
            target = PyMem_Calloc(n_store + 1, sizeof(int));
            if (!target) { PyErr_NoMemory(); failed = 1; break; }
            n_targets = th_store_targets(f, st, n_store, fd, n_feed, skip, nit_cell, n_nit,
                                         target);
            if (n_targets < 0) { failed = 1; break; }
        }
        for (k = 0; k < n_store && n_targets > 0; k++)
            if (target[k]) th_target_row(&f->tc[st[k].cell], &st[k], t, target[k] == 2);
        if (th_frame_exec_some(f, NULL, skip) < 0) { failed = 1; break; }
        for (k = 0; k < n_store; k++) {
            const th_cell *v = &f->tc[st[k].cell];
            th_cell row, tmp;
            const th_cell *src;
            int whole = st[k].mode == 2, lead = whole ? 0 : 1;
            int d, same = v->nd == st[k].arr.nd - lead;
            if (th_check_array(v, "scan", "a new state", -1, -1) < 0) { failed = 1; break; }
            for (d = 0; d < v->nd && same; d++) same = v->dims[d] == st[k].arr.dims[d + lead];
            if (!same) {
                /* The caller words the error (it knows the state's name): it gets the
                 * store and the shape in the exception's attributes. */
                PyObject *got = th_shape_tuple(v), *exc, *num;
                if (got) {
                    PyErr_Format(PyExc_ValueError, "scan: a new state has shape %R at step "
                                 "%zd, not the shape of the state's rows", got, t);
                    PyErr_Fetch(&exc, &num, &tb_unused);
                    PyErr_NormalizeException(&exc, &num, &tb_unused);
                    PyObject_SetAttrString(num, "__theano_scan_store__",
                                           PyLong_FromSsize_t(k));
                    PyObject_SetAttrString(num, "__theano_scan_shape__", got);
                    PyErr_Restore(exc, num, tb_unused);
                    Py_DECREF(got);
                }
                failed = 1;
                break;
            }
            if ((v->flags & TH_ACCUM) && v->data == th_feed_ptr(&st[k], t))
                continue;   /* the node added its result into the row */
            memset(&row, 0, sizeof(row));
            tmp.obj = NULL;
            src = th_as_type(v, &tmp, st[k].arr.typenum);
            if (!src) { failed = 1; break; }
            row.data = whole ? st[k].arr.data : th_feed_ptr(&st[k], t);  /* (a prefix's row) */
            row.nd = v->nd;
            row.typenum = st[k].arr.typenum;
            row.itemsize = st[k].arr.itemsize;
            for (d = 0; d < v->nd; d++) {
                row.dims[d] = v->dims[d];
                row.strides[d] = st[k].arr.strides[d + lead];
            }
            if (st[k].mode == 0) th_copy_into(&row, src);
            else if (th_add_into(&row, src) < 0) {
                if (tmp.obj) th_cell_clear(&tmp);
                failed = 1;
                break;
            }
            if (tmp.obj) th_cell_clear(&tmp);
        }
        if (failed) break;
        for (k = 0; k < n_store && n_targets > 0; k++) {
            if (target[k] && f->tc[st[k].cell].flags & TH_TARGET) th_scan_in_rows++;
            if (target[k] == 2 && f->tc[st[k].cell].flags & TH_ACCUM) th_scan_added_in_rows++;
        }
        for (k = 0; k < n_nit; k++) {
            const th_cell *v = &f->tc[nit_cell[k]];
            th_cell row, tmp;
            const th_cell *src;
            int d;
            if (th_check_array(v, "scan", "an output", -1, -1) < 0) { failed = 1; break; }
            tmp.obj = NULL;
            src = th_as_type(v, &tmp, nit_type[k]);
            if (!src) { failed = 1; break; }
            if (!nit_buf[k]) {
                npy_intp dims[TH_MAXDIM + 1];
                dims[0] = nit_all[k] ? n_steps : 0;
                for (d = 0; d < src->nd; d++) dims[d + 1] = src->dims[d];
                nit_buf[k] = nit_all[k] ? PyArray_EMPTY(src->nd + 1, dims, nit_type[k], 0)
                                        : PyArray_EMPTY(src->nd, dims + 1, nit_type[k], 0);
                if (!nit_buf[k] || th_cell_set_object(&nit_arr[k], nit_buf[k]) < 0) {
                    if (tmp.obj) th_cell_clear(&tmp);
                    failed = 1;
                    break;
                }
            }
            memset(&row, 0, sizeof(row));
            row.nd = src->nd;
            row.itemsize = nit_arr[k].itemsize;
            if (nit_all[k]) {
                int ok = src->nd == nit_arr[k].nd - 1;
                for (d = 0; d < src->nd && ok; d++) ok = src->dims[d] == nit_arr[k].dims[d + 1];
                if (!ok) {
                    PyObject *got = th_shape_tuple(src);
                    if (got)
                        PyErr_Format(PyExc_ValueError, "Scan: output %d of fn (not fed back) "
                                     "has shape %R at step %zd, another shape than at step 0; "
                                     "every step must return the same shape.", nit_cell[k],
                                     got, t);
                    Py_XDECREF(got);
                    if (tmp.obj) th_cell_clear(&tmp);
                    failed = 1;
                    break;
                }
                row.data = nit_arr[k].data + i * nit_arr[k].strides[0];
                for (d = 0; d < src->nd; d++) {
                    row.dims[d] = src->dims[d];
                    row.strides[d] = nit_arr[k].strides[d + 1];
                }
            } else {
                int ok = src->nd == nit_arr[k].nd;
                for (d = 0; d < src->nd && ok; d++) ok = src->dims[d] == nit_arr[k].dims[d];
                if (!ok) {  /* the last value has another shape: a new array */
                    npy_intp dims[TH_MAXDIM];
                    for (d = 0; d < src->nd; d++) dims[d] = src->dims[d];
                    Py_DECREF(nit_buf[k]);
                    th_cell_clear(&nit_arr[k]);
                    nit_buf[k] = PyArray_EMPTY(src->nd, dims, nit_type[k], 0);
                    if (!nit_buf[k] || th_cell_set_object(&nit_arr[k], nit_buf[k]) < 0) {
                        if (tmp.obj) th_cell_clear(&tmp);
                        failed = 1;
                        break;
                    }
                }
                row.data = nit_arr[k].data;
                for (d = 0; d < src->nd; d++) {
                    row.dims[d] = src->dims[d];
                    row.strides[d] = nit_arr[k].strides[d];
                }
            }
            th_copy_into(&row, src);
            if (tmp.obj) th_cell_clear(&tmp);
        }
        if (failed) break;
        if (cond_cell >= 0) {
            const th_cell *c = &f->tc[cond_cell];
            if (th_check_array(c, "scan", "the until condition", 0, -1) < 0) {
                failed = 1;
                break;
            }
            if (th_truth(c)) { steps_done = i + 1; break; }
        }
        if (P) {
            if (i == 0)
                th_products_start(P, fd, n_feed, st, n_store, nit_arr, n_nit, t_start, t_step,
                                  n_steps);
            th_products_step(P, i + 1);
        }
        if (i == 0 && n_steps > 1 && !skip) {
            replay = th_replay_build(f, fd, n_feed, st, n_store, nit_arr, nit_cell, nit_all,
                                     nit_type, n_nit, cond_cell);
            if (!replay && PyErr_Occurred()) { failed = 1; break; }
        }
        th_frame_release_step(f, keep);
        if (replay) {
            Py_ssize_t resume = i + 1;
            int rc;
            th_scan_replays++;
            rc = th_replay_run(replay, fd, st, nit_arr, i + 1, n_steps, t + t_step, t_step,
                               &steps_done, &resume);
            th_replay_free(replay);
            replay = NULL;
            if (rc == 0) break;
            /* A node failed at step `resume`: the general path runs it again (and words
             * the error); a signal stops the loop. */
            t += (resume - i) * t_step;
            if (rc < 0) { failed = 1; break; }
            i = resume - 1;
            t -= t_step;
            continue;
        }
        if ((i & 1023) == 1023 && th_scan_pause(&last_yield) < 0) { failed = 1; break; }
    }
failed_loop:
    if (P && !failed) th_products_finish(P, steps_done);
    if (failed) {
        /* Tell the caller which step failed; the inner step is in frame.failed_step. */
        PyObject *type, *value, *tb, *num;
        PyErr_Fetch(&type, &value, &tb);
        PyErr_NormalizeException(&type, &value, &tb);
        num = PyLong_FromSsize_t(t);
        if (value && num) PyObject_SetAttrString(value, "__theano_scan_step__", num);
        Py_XDECREF(num);
        PyErr_Restore(type, value, tb);
        if (f->failed_step < 0) th_frame_release(f);
        goto done;
    }
    th_frame_release(f);
    nit_list = PyList_New(n_nit);
    if (!nit_list) goto done;
    for (k = 0; k < n_nit; k++) {
        PyObject *v = nit_buf[k];
        if (!v) { v = Py_None; Py_INCREF(v); }
        else nit_buf[k] = NULL;
        PyList_SET_ITEM(nit_list, k, v);
    }
    if (P) {
        PyObject *handled = th_products_handled(P);
        if (!handled) { Py_DECREF(nit_list); goto done; }
        result = Py_BuildValue("(nNN)", steps_done, nit_list, handled);
    } else if (prods) {
        result = Py_BuildValue("(nN[])", steps_done, nit_list);
    } else {
        result = Py_BuildValue("(nN)", steps_done, nit_list);
    }
done:
    if (P) {
        /* queued products read the loop's rows: none may run once they are freed */
        if (th_products_started(P)) th_products_wait(P);
        th_products_free(P);
    }
    PyMem_Free(target);
    PyMem_Free(skip);
    PyMem_Free(keep);
    th_replay_free(replay);
    for (k = 0; fd && k < n_feed; k++) {
        th_cell_clear(&fd[k].arr);
        th_cell_clear(&fd[k].pre);
    }
    for (k = 0; st && k < n_store; k++) {
        th_cell_clear(&st[k].arr);
        th_cell_clear(&st[k].pre);
    }
    for (k = 0; nit_buf && k < n_nit; k++) {
        Py_XDECREF(nit_buf[k]);
        th_cell_clear(&nit_arr[k]);
    }
    PyMem_Free(fd);
    PyMem_Free(st);
    PyMem_Free(nit_buf);
    PyMem_Free(nit_arr);
    PyMem_Free(nit_cell);
    return result;
}
