/* The steady state of a Scan loop whose step is only elementwise nodes and views.
 *
 * When every step of the inner plan is the elementwise driver or a view whose layout
 * follows from its input's (DimShuffle in place, Rebroadcast), every shape in the step
 * follows from the shapes of the inner inputs, and those do not change during a loop
 * (rows of the same outer arrays, the same non-sequences and constants).  So after the
 * first step has run through the general path, each node's loop (sizes, coalesced
 * dimensions, strides, block function) and each operand's memory are known for good:
 * an operand is either fixed (a buffer a cell owns, a non-sequence, a constant) or a row
 * of an outer array that moves with the step.  The remaining steps replay the nodes
 * with only those pointers moved: no checks, no allocation, no reference counting.
 *
 * A node's output that is a state kept for every step (or an output kept for every
 * step) is written straight into its row of the outer buffer when no operand of the
 * step can read that row (no copy afterwards); the other stores and outputs are copied
 * as in the general path, in the same order, from the same memory.
 *
 * Anything else (another kernel, a Python node, gradient accumulators, a type
 * conversion, a node that ran in place) keeps the general path.
 */

typedef struct {
    const th_ew_spec *spec;
    int step;                  /* index of the node in the plan (for errors) */
    int nop, flat;             /* flat: one block call over `size` contiguous items */
    Py_ssize_t size;
    int *slot;                 /* per operand: its entry in the pointer table, */
    Py_ssize_t *off;           /* plus this many bytes (a view) */
    th_loop *loop;             /* the prepared iteration (when not flat) */
    char **ptrs;               /* the operands' pointers: flat ? own array : loop->base */
} th_replay_node;

/* A pointer the steps move: `*where += delta` after each step (a row of an array walked
 * in order), or, for a ring or clamped row (`feed` set), recomputed before each step
 * (the row's start plus `delta` bytes). */
typedef struct {
    char **where;
    Py_ssize_t delta;
    const th_feed *feed;
} th_replay_move;

typedef struct {
    int slot;                  /* source entry in the pointer table (+ off bytes) */
    Py_ssize_t off;
    int dst;                   /* row entry of the destination, or -1: `to.data` is fixed */
    th_cell from, to;          /* layouts as in the first step; data set per step */
} th_replay_copy;

struct th_replay_s {
    int n_nodes, n_copies;
    th_replay_node *nodes;
    th_replay_copy *copies;
    /* Pointer table: feeds [0, nf), store rows [nf, nf + ns), output rows
     * [nf + ns, nf + ns + nn), then fixed pointers. */
    char **P;
    int nf, ns, nn;
    int *nit_row;              /* per output: whether it has a row entry (kept for every step) */
    int cond_slot;             /* -1: no until condition */
    Py_ssize_t cond_off;
    th_cell cond;
    int n_moves, n_sets;       /* pointers moved after each step / set before it */
    th_replay_move *moves, *sets;
};

static void th_replay_free(th_replay *R)
{
    int k;
    if (!R) return;
    for (k = 0; R->nodes && k < R->n_nodes; k++) {
        PyMem_Free(R->nodes[k].slot);
        PyMem_Free(R->nodes[k].off);
        PyMem_Free(R->nodes[k].loop);
        PyMem_Free(R->nodes[k].flat ? R->nodes[k].ptrs : NULL);
    }
    PyMem_Free(R->nodes);
    PyMem_Free(R->copies);
    PyMem_Free(R->P);
    PyMem_Free(R->nit_row);
    PyMem_Free(R->moves);
    PyMem_Free(R);
}

/* Whether `c` is an aligned array of type `typenum` (no conversion needed). */
static int th_replay_type_ok(const th_cell *c, int typenum)
{
    th_cell tmp;
    if (!(c->flags & TH_ARRAY) || c->typenum != typenum) return 0;
    const th_cell *v;
    tmp.obj = NULL;
    v = th_as_type(c, &tmp, typenum);
    if (v == c) return 1;
    if (v) th_cell_clear(&tmp);
    else PyErr_Clear();
    return 0;
}

/* Whether `row`'s layout (rows of `arr` after `lead` axes) is the layout of cell `c`. */
static int th_replay_same_layout(const th_cell *c, const th_cell *arr, int lead)
{
    int d;
    if (c->nd != arr->nd - lead || c->typenum != arr->typenum) return 0;
    for (d = 0; d < c->nd; d++) {
        if (c->dims[d] != arr->dims[d + lead]) return 0;
        if (c->dims[d] != 1 && c->strides[d] != arr->strides[d + lead]) return 0;
    }
    return 1;
}

/* A row destination `st` (mode 0, no ring) may be written during the step when no feed
 * ever reads the same memory: a feed of another array does not overlap it, and a feed
 * of the same array walks other rows in step with it. */
static int th_replay_row_private(const th_feed *st, const th_feed *fd, Py_ssize_t n_feed)
{
    Py_ssize_t k;
    if (st->mod != 0) return 0;
    for (k = 0; k < n_feed; k++) {
        const th_cell *a = &fd[k].arr, *b = &st->arr;
        int same = a->data == b->data && a->nd == b->nd, d;
        for (d = 0; d < a->nd && same; d++)
            same = a->dims[d] == b->dims[d] && a->strides[d] == b->strides[d];
        if (!same) {
            if (th_may_share(a, b)) return 0;
        } else if (fd[k].mod != 0 || fd[k].sign != st->sign
                   || fd[k].base - fd[k].npre == st->base) {
            return 0;
        }
        if (fd[k].npre && th_may_share(&fd[k].pre, b)) return 0;
    }
    return 1;
}

/* The kernels a replay knows, found by name in the module's kernel table when it loads
 * (a kernel family may live in another translation unit): the elementwise driver, then
 * views whose layout follows from their input's layout (and their checks from its
 * shape): not SpecifyShape, whose shape is an input. */
static const char *const th_replay_kernel_names[] = {"elemwise", "dimshuffle", "rebroadcast"};
static th_kernel_fn th_replay_kernels[3];

static void th_replay_find_kernels(PyObject *kernels)
{
    int k;
    for (k = 0; k < 3; k++) {
        PyObject *addr = PyDict_GetItemString(kernels, th_replay_kernel_names[k]);
        th_replay_kernels[k] = addr ? (th_kernel_fn)PyLong_AsVoidPtr(addr) : NULL;
        if (PyErr_Occurred()) {
            PyErr_Clear();
            th_replay_kernels[k] = NULL;
        }
    }
}

static int th_replay_is_elemwise(const th_step *s)
{
    return s->fn && s->fn == th_replay_kernels[0];
}

static int th_replay_is_view(const th_step *s)
{
    return s->fn && (s->fn == th_replay_kernels[1] || s->fn == th_replay_kernels[2]);
}

/* Where the memory of each cell comes from, while a replay is built. */
typedef struct {
    int *slot;                 /* per cell: entry of the pointer table, or -1 */
    Py_ssize_t *off;           /* plus this many bytes */
    int *producer;             /* per cell: the step making it, or -1 */
    int n_fixed;
} th_replay_map;

/* The table entry of cell `idx` (read as `c`): a new fixed entry for memory that does
 * not move (an inner input that is not fed, a constant).  -1 for a cell made by a step
 * that has not run yet. */
static int th_replay_ref(th_replay *R, th_replay_map *M, int idx, const th_cell *c)
{
    if (M->slot[idx] < 0) {
        if (M->producer[idx] >= 0) return -1;
        R->P[M->n_fixed] = c->data;
        M->off[idx] = 0;
        M->slot[idx] = M->n_fixed++;
    }
    return M->slot[idx];
}

/* The replay of the loop from the cells as the first step left them (before the step's
 * release), or NULL when the step does not qualify (no exception set) or on failure
 * (exception set). */
static th_replay *th_replay_build(th_Frame *f, const th_feed *fd, Py_ssize_t n_feed,
                                  const th_feed *st, Py_ssize_t n_store, const th_cell *nit_arr,
                                  const int *nit_cell, const int *nit_all, const int *nit_type,
                                  Py_ssize_t n_nit, int cond_cell)
{
    th_Plan *p = f->plan;
    th_replay *R = NULL;
    th_replay_map M;
    int max_slots, off = 0;
    Py_ssize_t j;
    memset(&M, 0, sizeof(M));
    for (j = 0; j < p->n_steps; j++)
        if (!th_replay_is_elemwise(&p->steps[j]) && !th_replay_is_view(&p->steps[j]))
            return NULL;
    for (j = 0; j < n_store; j++)
        if (st[j].mode != 0) return NULL;
    R = PyMem_Calloc(1, sizeof(th_replay));
    M.slot = PyMem_Malloc(sizeof(int) * (p->n_cells + 1));
    M.off = PyMem_Calloc(p->n_cells + 1, sizeof(Py_ssize_t));
    M.producer = PyMem_Malloc(sizeof(int) * (p->n_cells + 1));
    if (!R || !M.slot || !M.off || !M.producer) goto nomem;
    for (j = 0; j < p->n_cells; j++) M.slot[j] = M.producer[j] = -1;
    R->nf = (int)n_feed;
    R->ns = (int)n_store;
    R->nn = (int)n_nit;
    max_slots = R->nf + R->ns + R->nn + 2;
    for (j = 0; j < p->n_steps; j++) {
        int i;
        max_slots += p->steps[j].nin + p->steps[j].nout;
        for (i = 0; i < p->steps[j].nout; i++) M.producer[p->steps[j].out[i]] = (int)j;
    }
    R->nodes = PyMem_Calloc(p->n_steps + 1, sizeof(th_replay_node));
    R->copies = PyMem_Calloc(n_store + n_nit + 1, sizeof(th_replay_copy));
    R->P = PyMem_Calloc(max_slots, sizeof(char *));
    R->nit_row = PyMem_Calloc(n_nit + 1, sizeof(int));
    if (!R->nodes || !R->copies || !R->P || !R->nit_row) goto nomem;
    M.n_fixed = R->nf + R->ns + R->nn;
    for (j = 0; j < n_feed; j++) M.slot[fd[j].cell] = (int)j;
    /* Outputs written straight into their rows: an owned buffer of an elementwise node
     * whose layout is the row's. */
    for (j = 0; j < n_store; j++) {
        const th_cell *c = &f->tc[st[j].cell];
        if (M.producer[st[j].cell] < 0 || M.slot[st[j].cell] >= 0 || !(c->flags & TH_OWNS))
            continue;
        if (th_replay_same_layout(c, &st[j].arr, 1) && th_replay_row_private(&st[j], fd, n_feed)) {
            M.slot[st[j].cell] = R->nf + (int)j;
        }
    }
    for (j = 0; j < n_nit; j++) {
        const th_cell *c = &f->tc[nit_cell[j]];
        R->nit_row[j] = nit_all[j] && (nit_arr[j].flags & TH_ARRAY);
        if (!R->nit_row[j] || M.producer[nit_cell[j]] < 0 || M.slot[nit_cell[j]] >= 0
                || !(c->flags & TH_OWNS))
            continue;
        if (th_replay_same_layout(c, &nit_arr[j], 1))
            M.slot[nit_cell[j]] = R->nf + R->ns + (int)j;
    }
    for (j = 0; j < p->n_steps; j++) {
        th_step *s = &p->steps[j];
        const th_ew_spec *K = (const th_ew_spec *)s->data;
        th_replay_node *N;
        th_cell *const *cells = f->in_ptrs + off;
        Py_ssize_t size = 1;
        int i, d, nop = s->nin + s->nout;
        off += nop;
        if (!th_replay_is_elemwise(s)) {
            /* A view: its input's memory, at the same offset as in the first step. */
            const th_cell *x = cells[0], *v = cells[s->nin];
            int src = th_replay_ref(R, &M, s->in[0], x);
            if (src < 0 || s->nout != 1 || (v->flags & TH_OWNS) || !(v->flags & TH_ARRAY)
                    || !(x->flags & TH_ARRAY) || v->obj != x->obj)
                goto decline;
            M.slot[s->out[0]] = src;
            M.off[s->out[0]] = M.off[s->in[0]] + (v->data - x->data);
            continue;
        }
        if (nop > TH_MAXOP) goto decline;
        N = &R->nodes[R->n_nodes++];
        N->spec = K;
        N->step = (int)j;
        N->nop = nop;
        N->slot = PyMem_Malloc(sizeof(int) * nop);
        N->off = PyMem_Malloc(sizeof(Py_ssize_t) * nop);
        if (!N->slot || !N->off) goto nomem;
        for (i = 0; i < nop; i++) {
            const th_cell *c = cells[i];
            int idx = i < s->nin ? s->in[i] : s->out[i - s->nin];
            if (!th_replay_type_ok(c, K->types[i]) || c->nd != K->nd) goto decline;
            if (i >= s->nin) {
                /* The node's own buffer (or its row); a node that ran in place declines:
                 * the general path decides each step whether it may. */
                if (!(c->flags & TH_OWNS)) goto decline;
                if (M.slot[idx] < 0) {
                    R->P[M.n_fixed] = c->data;
                    M.off[idx] = 0;
                    M.slot[idx] = M.n_fixed++;
                }
            }
            N->slot[i] = th_replay_ref(R, &M, idx, c);
            N->off[i] = M.off[idx];
            if (N->slot[i] < 0) goto decline;
        }
        for (d = 0; d < K->nd; d++) size *= cells[s->nin]->dims[d];
        N->size = size;
        N->loop = PyMem_Malloc(sizeof(th_loop));
        if (!N->loop) goto nomem;
        N->loop->nop = nop;
        N->loop->nin = s->nin;
        N->loop->block = K->block;
        for (i = 0; i < nop; i++) N->loop->itemsize[i] = cells[i]->itemsize;
        th_prepare(N->loop, cells, cells[s->nin]->dims, K->nd,
                   th_ew_fortran(cells, s->nin, K->nd, size));
        N->flat = N->loop->ndim == 1 && size < 16384 && th_threads_for(size) == 1;
        for (i = 0; i < nop && N->flat; i++)
            if (N->loop->strides[i][0] != N->loop->itemsize[i]) N->flat = 0;
        if (N->flat) {
            PyMem_Free(N->loop);
            N->loop = NULL;
            N->ptrs = PyMem_Malloc(sizeof(char *) * nop);
            if (!N->ptrs) { N->flat = 0; goto nomem; }
        } else {
            N->ptrs = N->loop->base;
        }
    }
    /* Stores and outputs not written in place: copies, in the general path's order. */
    for (j = 0; j < n_store + n_nit; j++) {
        int store = j < n_store, m = (int)(store ? j : j - n_store);
        int idx = store ? st[m].cell : nit_cell[m], d;
        const th_cell *c = &f->tc[idx], *dst = store ? &st[m].arr : &nit_arr[m];
        int lead = store || nit_all[m];
        th_replay_copy *C;
        if (M.slot[idx] == R->nf + (store ? 0 : R->ns) + m && M.off[idx] == 0) continue;
        if (!(dst->flags & TH_ARRAY) || !th_replay_type_ok(c, store ? dst->typenum : nit_type[m])
                || dst->typenum != c->typenum || c->nd != dst->nd - lead)
            goto decline;
        C = &R->copies[R->n_copies++];
        C->slot = th_replay_ref(R, &M, idx, c);
        C->off = M.off[idx];
        if (C->slot < 0) goto decline;
        C->dst = store ? R->nf + m : (nit_all[m] ? R->nf + R->ns + m : -1);
        C->from = *c;
        C->from.obj = NULL;
        memset(&C->to, 0, sizeof(th_cell));
        C->to.data = dst->data;
        C->to.nd = c->nd;
        C->to.typenum = dst->typenum;
        C->to.itemsize = dst->itemsize;
        C->to.flags = TH_ARRAY;
        for (d = 0; d < c->nd; d++) {
            if (dst->dims[d + lead] != c->dims[d]) goto decline;
            C->to.dims[d] = c->dims[d];
            C->to.strides[d] = dst->strides[d + lead];
        }
    }
    R->cond_slot = -1;
    if (cond_cell >= 0) {
        const th_cell *c = &f->tc[cond_cell];
        if (!(c->flags & TH_ARRAY) || c->nd != 0) goto decline;
        R->cond_slot = th_replay_ref(R, &M, cond_cell, c);
        R->cond_off = M.off[cond_cell];
        if (R->cond_slot < 0) goto decline;
        R->cond = *c;
        R->cond.obj = NULL;
    }
    R->moves = PyMem_Malloc(sizeof(th_replay_move) * 2 * (max_slots + 2 * R->n_copies + 1));
    if (!R->moves) goto nomem;
    R->sets = R->moves + max_slots + 2 * R->n_copies + 1;
    goto done;
nomem:
    PyErr_NoMemory();
decline:
    th_replay_free(R);
    R = NULL;
done:
    PyMem_Free(M.slot);
    PyMem_Free(M.off);
    PyMem_Free(M.producer);
    return R;
}

/* Point `*where` at entry `slot` of the table `P` (made for step time t), and list it
 * among the pointers to move when the entry follows the steps. */
static void th_replay_target(th_replay *R, char **where, int slot, Py_ssize_t off,
                             char *const *P, const th_feed *fd, const th_feed *st,
                             const th_cell *nit_arr, Py_ssize_t t_step)
{
    const th_feed *r = slot < R->nf ? &fd[slot]
                       : slot < R->nf + R->ns ? &st[slot - R->nf] : NULL;
    *where = P[slot] + off;
    if (slot >= R->nf + R->ns + R->nn) return;  /* fixed */
    if (r && (r->mod != 0 || r->npre)) {
        th_replay_move *m = &R->sets[R->n_sets++];
        m->where = where;
        m->feed = r;
        m->delta = off;
        return;
    }
    R->moves[R->n_moves].where = where;
    R->moves[R->n_moves++].delta = r ? r->sign * t_step * r->arr.strides[0]
                                     : nit_arr[slot - R->nf - R->ns].strides[0];
}

/* Run steps i0.. of the loop with the replay (t is the scan's time at step i0).
 * Returns 0 with *steps_done set; 1 when a node failed at step *resume (to be run again
 * by the general path, no exception set); -1 with an exception (a signal). */
static int th_replay_run(th_replay *R, const th_feed *fd, const th_feed *st,
                         const th_cell *nit_arr, Py_ssize_t i0, Py_ssize_t n_steps,
                         Py_ssize_t t, Py_ssize_t t_step, Py_ssize_t *steps_done,
                         Py_ssize_t *resume)
{
    char **P = R->P;
    const th_replay_move *mv = R->moves, *sv = R->sets;
    double last_yield = th_now();
    Py_ssize_t i;
    int k, q;
    for (k = 0; k < R->nf; k++) P[k] = th_feed_ptr(&fd[k], t);
    for (k = 0; k < R->ns; k++) P[R->nf + k] = th_feed_ptr(&st[k], t);
    for (k = 0; k < R->nn; k++)
        if (R->nit_row[k]) P[R->nf + R->ns + k] = nit_arr[k].data + i0 * nit_arr[k].strides[0];
    R->n_moves = R->n_sets = 0;
    for (k = 0; k < R->n_nodes; k++)
        for (q = 0; q < R->nodes[k].nop; q++)
            th_replay_target(R, &R->nodes[k].ptrs[q], R->nodes[k].slot[q], R->nodes[k].off[q],
                             P, fd, st, nit_arr, t_step);
    for (k = 0; k < R->n_copies; k++) {
        th_replay_copy *C = &R->copies[k];
        th_replay_target(R, &C->from.data, C->slot, C->off, P, fd, st, nit_arr, t_step);
        if (C->dst >= 0) th_replay_target(R, &C->to.data, C->dst, 0, P, fd, st, nit_arr, t_step);
    }
    if (R->cond_slot >= 0)
        th_replay_target(R, &R->cond.data, R->cond_slot, R->cond_off, P, fd, st, nit_arr,
                         t_step);
    *steps_done = n_steps;
    for (i = i0; i < n_steps; i++, t += t_step) {
        for (k = 0; k < R->n_sets; k++)
            *sv[k].where = th_feed_ptr(sv[k].feed, t) + sv[k].delta;
        for (k = 0; k < R->n_nodes; k++) {
            const th_replay_node *N = &R->nodes[k];
            int err;
            if (N->size == 0) continue;
            err = N->flat ? N->spec->block(N->size, N->ptrs) : th_execute(N->loop, N->size);
            if (err) {
                /* The general path runs this step again and words the error itself
                 * (the node, its inputs, the user's line): nothing this step wrote is
                 * an input of the step. */
                *resume = i;
                return 1;
            }
        }
        for (k = 0; k < R->n_copies; k++) th_copy_into(&R->copies[k].to, &R->copies[k].from);
        if (R->cond_slot >= 0 && th_truth(&R->cond)) { *steps_done = i + 1; break; }
        for (k = 0; k < R->n_moves; k++) *mv[k].where += mv[k].delta;
        if ((i & 1023) == 1023 && th_scan_pause(&last_yield) < 0) { *resume = i; return -1; }
    }
    return 0;
}
