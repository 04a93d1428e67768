/* Builtin kernels of the softmax family and the one-hot cross-entropies (registered from
 * theano/link/c/nnet_c.py): Softmax, LogSoftmax, SoftmaxWithBias, SoftmaxGrad,
 * CrossentropySoftmaxArgmax1HotWithBias, CrossentropySoftmax1HotWithBiasDx,
 * CrossentropyCategorical1Hot and CrossentropyCategorical1HotGrad.
 *
 * One generic row loop for float32 and float64: each row is read (any strides, any of the
 * two types) into a contiguous scratch row of doubles, computed there, and written to the
 * C-contiguous output in the output's type.  Rows run in parallel on the runtime's
 * threads above its size threshold.  Every row subtracts its maximum before
 * exponentiating.  When the op's perform computes in float32 (every float input is
 * float32), the values perform rounds (x + b, x - max, dy * sm) are rounded to float32
 * here too, so that results stay within float32 rounding of perform's.
 *
 * Parameters (a Py_ssize_t vector): p[0] is the number of integers, then the kernel's own,
 * then the op's name (NUL-terminated, for messages) -- as the structural kernels'.
 */
#define TH_NN_NAME(p) ((const char *)((p) + (p)[0]))

static int th_read_int(const char *ptr, int typenum, Py_ssize_t *v);  /* kernels_shape.c */

/* exp(x) in a form the compiler vectorises (no libm call): x = n ln2 + r with
 * |r| <= ln2/2, exp(r) by its Taylor polynomial of degree 13 (error below 1e-17), then
 * two exact scalings by powers of two built from the bits of n (two, so that results in
 * the subnormal range are rounded once, as libm's).  Within 2 ulp of libm's exp; inf,
 * -inf, NaN, overflow and underflow as libm. */
static inline double th_nn_exp(double x)
{
    const double shift = 0x1.8p52;  /* adding it rounds to an integer held in the low bits */
    double xc = x < -745.2 ? -745.2 : (x > 709.8 ? 709.8 : x);
    double t = xc * 0x1.71547652b82fep0 + shift;
    double n = t - shift, n1, n2, r, p, s1, s2;
    double t1, t2;
    uint64_t b1, b2, bs;
    r = xc - n * 0x1.62e42fee00000p-1;   /* ln2, high part: exact product */
    r = r - n * 0x1.a39ef35793c76p-33;   /* ln2, low part */
    p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    /* 2**n = 2**n1 * 2**n2, both exponents in the normal range */
    t1 = n * 0.5 + shift;
    n1 = t1 - shift;
    n2 = n - n1;
    t2 = n2 + shift;
    memcpy(&b1, &t1, 8);
    memcpy(&b2, &t2, 8);
    memcpy(&bs, &shift, 8);
    b1 = (b1 - bs + 1023) << 52;
    b2 = (b2 - bs + 1023) << 52;
    memcpy(&s1, &b1, 8);
    memcpy(&s2, &b2, 8);
    return p * s1 * s2;
}

/* -- rows ------------------------------------------------------------------------------ */

/* An operand read row by row: the row dimensions (all but the last) with their strides,
 * and the stride along a row (0: broadcast). */
typedef struct {
    const char *data;
    int typenum;
    Py_ssize_t rst[TH_MAXDIM];
    Py_ssize_t cs;
} th_nn_operand;

typedef struct th_nn_rows th_nn_rows;
typedef void (*th_nn_row_fn)(const th_nn_rows *R, Py_ssize_t r, double *z, double *w);
/* A block function computes rows r0 .. r0 + nr - 1 with scratch for th_nn_block_scratch(nr)
 * doubles: short rows (10 classes) are computed a block at a time, so that the exponential
 * runs as one long vector loop over the block, not as a short loop per row. */
typedef void (*th_nn_block_fn)(const th_nn_rows *R, Py_ssize_t r0, Py_ssize_t nr, double *w);

struct th_nn_rows {
    int nrd;                       /* number of row dimensions */
    Py_ssize_t rdims[TH_MAXDIM];
    Py_ssize_t nrows, k;           /* rows, and the length of a row */
    int round32;                   /* round as float32 arithmetic does */
    int mode;                      /* the op's variant */
    th_nn_operand a, b;            /* the inputs read as rows */
    const double *bias;            /* a bias row (k doubles), or NULL */
    const Py_ssize_t *labels;      /* one label per row, or NULL */
    th_nn_operand c;               /* a per-row input (dy of the cross-entropy gradient) */
    char *out, *out2, *out3;       /* C-contiguous outputs */
    int otype, o3type;
    Py_ssize_t o3size;             /* item size of out3 */
    th_nn_row_fn fn;
    th_nn_block_fn bfn;            /* set: used instead of fn */
};

/* The address of row r of operand o. */
static const char *th_nn_row(const th_nn_rows *R, const th_nn_operand *o, Py_ssize_t r)
{
    const char *p = o->data;
    int d;
    for (d = R->nrd - 1; d >= 0 && r; d--) {
        p += (r % R->rdims[d]) * o->rst[d];
        r /= R->rdims[d];
    }
    return p;
}

static void th_nn_load(double *z, const char *p, Py_ssize_t s, Py_ssize_t n, int typenum)
{
    Py_ssize_t j;
    if (typenum == NPY_DOUBLE) {
        if (s == sizeof(double)) memcpy(z, p, (size_t)n * sizeof(double));
        else for (j = 0; j < n; j++) z[j] = *(const double *)(p + j * s);
    } else if (s == sizeof(float)) {
        const float *f = (const float *)p;
        for (j = 0; j < n; j++) z[j] = f[j];
    } else {
        for (j = 0; j < n; j++) z[j] = *(const float *)(p + j * s);
    }
}

static void th_nn_store(char *p, const double *z, Py_ssize_t n, int typenum)
{
    Py_ssize_t j;
    if (typenum == NPY_DOUBLE) {
        memcpy(p, z, (size_t)n * sizeof(double));
    } else {
        float *f = (float *)p;
        for (j = 0; j < n; j++) f[j] = (float)z[j];
    }
}

static void th_nn_store1(char *p, double v, int typenum)
{
    if (typenum == NPY_DOUBLE) *(double *)p = v;
    else *(float *)p = (float)v;
}

static double th_nn_get1(const char *p, int typenum)
{
    return typenum == NPY_DOUBLE ? *(const double *)p : (double)*(const float *)p;
}

static void th_nn_round32(double *z, Py_ssize_t n)
{
    Py_ssize_t j;
    for (j = 0; j < n; j++) z[j] = (float)z[j];
}

/* max over z (NaNs skipped: they reach the sum, which makes the whole row NaN, as in
 * perform); -inf for an empty row. */
static double th_nn_max(const double *z, Py_ssize_t n)
{
    double acc[8];
    Py_ssize_t j = 0;
    int q;
    if (n < 32) {  /* short rows: two accumulators in registers */
        double a0 = -INFINITY, a1 = -INFINITY;
        for (; j + 2 <= n; j += 2) {
            a0 = z[j] > a0 ? z[j] : a0;
            a1 = z[j + 1] > a1 ? z[j + 1] : a1;
        }
        if (j < n) a0 = z[j] > a0 ? z[j] : a0;
        return a1 > a0 ? a1 : a0;
    }
    for (q = 0; q < 8; q++) acc[q] = -INFINITY;
    for (; j + 8 <= n; j += 8)
        for (q = 0; q < 8; q++) acc[q] = z[j + q] > acc[q] ? z[j + q] : acc[q];
    for (; j < n; j++) acc[0] = z[j] > acc[0] ? z[j] : acc[0];
    for (q = 1; q < 8; q++) acc[0] = acc[q] > acc[0] ? acc[q] : acc[0];
    return acc[0];
}

static double th_nn_sum(const double *z, Py_ssize_t n)
{
    double acc[8];
    Py_ssize_t j = 0;
    int q;
    if (n < 32) {
        double a0 = 0.0, a1 = 0.0;
        for (; j + 2 <= n; j += 2) {
            a0 += z[j];
            a1 += z[j + 1];
        }
        if (j < n) a0 += z[j];
        return a0 + a1;
    }
    for (q = 0; q < 8; q++) acc[q] = 0.0;
    for (; j + 8 <= n; j += 8)
        for (q = 0; q < 8; q++) acc[q] += z[j + q];
    for (; j < n; j++) acc[0] += z[j];
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

/* z = x (+ bias), rounded as perform computes it. */
static void th_nn_logits(const th_nn_rows *R, Py_ssize_t r, double *z)
{
    Py_ssize_t j, k = R->k;
    th_nn_load(z, th_nn_row(R, &R->a, r), R->a.cs, k, R->a.typenum);
    if (R->bias)
        for (j = 0; j < k; j++) z[j] += R->bias[j];
    if (R->round32) th_nn_round32(z, k);
}

/* z = x (+ bias) as th_nn_logits; returns the row's maximum (th_nn_max).  A float64 row
 * read with unit stride and not rounded to float32 (the common case) is loaded and
 * maximised in one pass. */
static double th_nn_logits_max(const th_nn_rows *R, Py_ssize_t r, double *z)
{
    Py_ssize_t j, k = R->k;
    if (R->a.typenum == NPY_DOUBLE && R->a.cs == (Py_ssize_t)sizeof(double) && !R->round32
            && k < 32) {
        const double *x = (const double *)th_nn_row(R, &R->a, r), *b = R->bias;
        double m0 = -INFINITY, m1 = -INFINITY;
        for (j = 0; j + 2 <= k; j += 2) {
            double v0 = b ? x[j] + b[j] : x[j], v1 = b ? x[j + 1] + b[j + 1] : x[j + 1];
            z[j] = v0;
            z[j + 1] = v1;
            m0 = v0 > m0 ? v0 : m0;
            m1 = v1 > m1 ? v1 : m1;
        }
        if (j < k) {
            double v = b ? x[j] + b[j] : x[j];
            z[j] = v;
            m0 = v > m0 ? v : m0;
        }
        return m1 > m0 ? m1 : m0;
    }
    th_nn_logits(R, r, z);
    return th_nn_max(z, k);
}

/* Elements of a block of rows (a block has at least one row). */
#define TH_NN_BLOCK 2048

static Py_ssize_t th_nn_block_rows(const th_nn_rows *R)
{
    Py_ssize_t b = R->k ? TH_NN_BLOCK / R->k : R->nrows;
    if (b < 1) b = 1;
    return b < R->nrows ? b : (R->nrows > 0 ? R->nrows : 1);
}

/* Scratch of a block of nr rows: logits Z and exponentials W (nr k each), then the rows'
 * maxima m, sums s and label logits zy (nr each). */
static size_t th_nn_block_scratch(const th_nn_rows *R, Py_ssize_t nr)
{
    return (size_t)(2 * nr * R->k + 3 * nr + 1);
}

/* Given the logits of nr rows in Z and their maxima in m: Z -= each row's maximum
 * (rounded as perform), W = exp(Z) in one pass over the block, s = each row's sum. */
static void th_nn_block_exp(const th_nn_rows *R, Py_ssize_t nr, double *Z, double *W,
                            const double *m, double *s)
{
    Py_ssize_t i, j, k = R->k, n = nr * k;
    for (i = 0; i < nr; i++) {
        double mi = m[i], *z = Z + i * k;
        for (j = 0; j < k; j++) z[j] -= mi;
    }
    if (R->round32) th_nn_round32(Z, n);
    for (j = 0; j < n; j++) W[j] = th_nn_exp(Z[j]);
    for (i = 0; i < nr; i++)
        s[i] = R->round32 ? (double)(float)th_nn_sum(W + i * k, k) : th_nn_sum(W + i * k, k);
}

/* Softmax (mode 0) or log-softmax (mode 1) of a block of rows. */
static void th_nn_softmax_block(const th_nn_rows *R, Py_ssize_t r0, Py_ssize_t nr, double *w)
{
    Py_ssize_t i, j, k = R->k, isz = R->otype == NPY_DOUBLE ? 8 : 4;
    double *Z = w, *W = Z + nr * k, *m = W + nr * k, *s = m + nr;
    for (i = 0; i < nr; i++) {
        m[i] = th_nn_logits_max(R, r0 + i, Z + i * k);
    }
    th_nn_block_exp(R, nr, Z, W, m, s);
    if (R->mode == 0) {
        for (i = 0; i < nr; i++) {
            double inv = 1.0 / s[i], *q = W + i * k;
            for (j = 0; j < k; j++) q[j] *= inv;
        }
        th_nn_store(R->out + r0 * k * isz, W, nr * k, R->otype);
    } else {
        for (i = 0; i < nr; i++) {
            double ls = log(s[i]), *q = Z + i * k;
            for (j = 0; j < k; j++) q[j] -= ls;
        }
        th_nn_store(R->out + r0 * k * isz, Z, nr * k, R->otype);
    }
}

/* SoftmaxGrad: a = dy, b = sm; dx = dy * sm - sum(dy * sm) * sm. */
static void th_nn_softmax_grad_row(const th_nn_rows *R, Py_ssize_t r, double *z, double *w)
{
    Py_ssize_t j, k = R->k;
    double s;
    th_nn_load(z, th_nn_row(R, &R->a, r), R->a.cs, k, R->a.typenum);
    th_nn_load(w, th_nn_row(R, &R->b, r), R->b.cs, k, R->b.typenum);
    for (j = 0; j < k; j++) z[j] *= w[j];
    if (R->round32) th_nn_round32(z, k);
    s = th_nn_sum(z, k);
    if (R->round32) s = (float)s;
    for (j = 0; j < k; j++) z[j] -= s * w[j];
    th_nn_store(R->out + r * k * (R->otype == NPY_DOUBLE ? 8 : 4), z, k, R->otype);
}

/* The first maximum of z (NaN: the first NaN), as NumPy's argmax, given m = th_nn_max(z):
 * one vector pass looks for NaN, then the first element equal to m is found. */
static Py_ssize_t th_nn_argmax(const double *z, Py_ssize_t n, double m)
{
    Py_ssize_t j;
    int nan = 0;
    for (j = 0; j < n; j++) nan |= z[j] != z[j];
    if (nan) {
        for (j = 0; j < n; j++)
            if (z[j] != z[j]) return j;
    }
    for (j = 0; j < n; j++)
        if (z[j] == m) return j;
    return 0;
}

static void th_write_int(char *p, int typenum, Py_ssize_t v)
{
    switch (typenum) {
    case NPY_BYTE: case NPY_UBYTE: *(npy_int8 *)p = (npy_int8)v; break;
    case NPY_SHORT: case NPY_USHORT: *(npy_int16 *)p = (npy_int16)v; break;
    case NPY_INT: case NPY_UINT: *(npy_int32 *)p = (npy_int32)v; break;
    default:
        if (sizeof(long) == 4 && (typenum == NPY_LONG || typenum == NPY_ULONG))
            *(npy_int32 *)p = (npy_int32)v;
        else
            *(npy_int64 *)p = (npy_int64)v;
    }
}

/* CrossentropySoftmaxArgmax1HotWithBias: (nll, softmax, argmax) of x + b, a block of rows
 * at a time. */
static void th_nn_xent_block(const th_nn_rows *R, Py_ssize_t r0, Py_ssize_t nr, double *w)
{
    Py_ssize_t i, j, k = R->k, isz = R->otype == NPY_DOUBLE ? 8 : 4;
    double *Z = w, *W = Z + nr * k, *m = W + nr * k, *s = m + nr, *zy = s + nr;
    for (i = 0; i < nr; i++) {
        double *z = Z + i * k;
        m[i] = th_nn_logits_max(R, r0 + i, z);
        th_write_int(R->out3 + (r0 + i) * R->o3size, R->o3type, th_nn_argmax(z, k, m[i]));
        zy[i] = z[R->labels[r0 + i]];
    }
    th_nn_block_exp(R, nr, Z, W, m, s);
    for (i = 0; i < nr; i++) {
        double inv = 1.0 / s[i], *q = W + i * k;
        th_nn_store1(R->out + (r0 + i) * isz, m[i] + log(s[i]) - zy[i], R->otype);
        for (j = 0; j < k; j++) q[j] *= inv;
    }
    th_nn_store(R->out2 + r0 * k * isz, W, nr * k, R->otype);
}

/* CrossentropySoftmax1HotWithBiasDx: dx[i] = dy[i] * sm[i] - dy[i] * onehot(y[i]). */
static void th_nn_xent_dx_row(const th_nn_rows *R, Py_ssize_t r, double *z, double *w)
{
    Py_ssize_t j, k = R->k, y = R->labels[r];
    double dy = th_nn_get1(R->c.data + r * R->c.cs, R->c.typenum);
    (void)w;
    th_nn_load(z, th_nn_row(R, &R->b, r), R->b.cs, k, R->b.typenum);
    for (j = 0; j < k; j++) z[j] *= dy;
    if (R->round32) th_nn_round32(z, k);
    z[y] -= dy;
    th_nn_store(R->out + r * k * (R->otype == NPY_DOUBLE ? 8 : 4), z, k, R->otype);
}

/* Run R->fn over every row (R->bfn over blocks of rows): in parallel (each thread with its
 * own scratch) when the rows hold enough elements, without the GIL when they are many. */
static int th_nn_run(const th_nn_rows *R)
{
    Py_ssize_t total = R->nrows * R->k, B = R->bfn ? th_nn_block_rows(R) : 1;
    Py_ssize_t nblocks = (R->nrows + B - 1) / B, q;
    size_t scratch = R->bfn ? th_nn_block_scratch(R, B) : (size_t)(2 * (R->k + 1));
    int nthreads = nblocks > 1 ? th_threads_for(total) : 1, err = 0;
    PyThreadState *ts = total >= 16384 ? PyEval_SaveThread() : NULL;
    if (nthreads > nblocks) nthreads = (int)nblocks;
#define TH_NN_DO(q, z) do { \
        Py_ssize_t r0_ = (q) * B; \
        if (R->bfn) R->bfn(R, r0_, R->nrows - r0_ < B ? R->nrows - r0_ : B, (z)); \
        else R->fn(R, r0_, (z), (z) + R->k + 1); \
    } while (0)
#ifdef _OPENMP
    if (nthreads > 1) {
        #pragma omp parallel num_threads(nthreads)
        {
            double *z = (double *)malloc(sizeof(double) * scratch);
            Py_ssize_t qq;
            #pragma omp for schedule(static)
            for (qq = 0; qq < nblocks; qq++)
                if (z) TH_NN_DO(qq, z);
            if (!z) {
                #pragma omp atomic write
                err = 1;
            }
            free(z);
        }
    } else
#endif
    {
        double *z = (double *)malloc(sizeof(double) * scratch);
        if (!z) err = 1;
        else for (q = 0; q < nblocks; q++) TH_NN_DO(q, z);
        free(z);
    }
#undef TH_NN_DO
    if (ts) PyEval_RestoreThread(ts);
    if (err) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* Describe the rows of cell c (all dimensions but the last) in R and operand o. */
static void th_nn_set_rows(th_nn_rows *R, const th_cell *c)
{
    int d;
    R->nrd = c->nd - 1;
    R->nrows = 1;
    for (d = 0; d < R->nrd; d++) {
        R->rdims[d] = c->dims[d];
        R->nrows *= c->dims[d];
    }
    R->k = c->dims[c->nd - 1];
}

static void th_nn_set_operand(th_nn_operand *o, const th_cell *c, int nrd)
{
    int d;
    o->data = c->data;
    o->typenum = c->typenum;
    for (d = 0; d < nrd; d++) o->rst[d] = c->dims[d] == 1 ? 0 : c->strides[d];
    o->cs = c->dims[nrd] == 1 ? 0 : c->strides[nrd];
}

/* A float cell of `nd` dimensions (nd < 0: any number), with a clear message. */
static int th_nn_check_float(const th_cell *c, const char *op, const char *what, int nd)
{
    if (th_check_array(c, op, what, nd, -1) < 0) return -1;
    if (c->typenum != NPY_FLOAT && c->typenum != NPY_DOUBLE) {
        PyErr_Format(PyExc_TypeError, "%s: %s must hold float32 or float64 values, got NumPy "
                     "type number %d", op, what, c->typenum);
        return -1;
    }
    return 0;
}

/* The labels of cell y (one per row of an (n, k) matrix), checked as perform does; a
 * malloc'd vector (free it) or NULL with the error set. */
static Py_ssize_t *th_nn_labels(const th_cell *y, Py_ssize_t n, Py_ssize_t k, const char *op)
{
    Py_ssize_t *lab, i;
    if (th_check_array(y, op, "y_idx", 1, -1) < 0) return NULL;
    if (y->dims[0] != n) {
        PyErr_Format(PyExc_ValueError, "%s: y_idx has length %zd but there are %zd rows", op,
                     y->dims[0], n);
        return NULL;
    }
    lab = (Py_ssize_t *)malloc(sizeof(Py_ssize_t) * (size_t)(n + 1));
    if (!lab) { PyErr_NoMemory(); return NULL; }
    for (i = 0; i < n; i++) {
        if (th_read_int(y->data + i * y->strides[0], y->typenum, &lab[i]) < 0) {
            free(lab);
            return NULL;
        }
        if (lab[i] < 0 || lab[i] >= k) {
            PyErr_Format(PyExc_ValueError, "%s: y_idx[%zd] = %zd is out of bounds for %zd "
                         "classes (labels must be in [0, %zd))", op, i, lab[i], k, k);
            free(lab);
            return NULL;
        }
    }
    return lab;
}

/* b (a vector of x's row length) as a row of doubles (malloc'd), or NULL with an error. */
static double *th_nn_bias(const th_cell *x, const th_cell *b, const char *op)
{
    Py_ssize_t k = x->dims[x->nd - 1];
    double *row;
    if (b->dims[0] != k) {
        PyObject *s = th_shape_tuple(x);
        if (s) {
            PyErr_Format(PyExc_ValueError, "%s: b has length %zd but x has %zd columns "
                         "(x.shape = %R)", op, b->dims[0], k, s);
            Py_DECREF(s);
        }
        return NULL;
    }
    row = (double *)malloc(sizeof(double) * (size_t)(k + 1));
    if (!row) { PyErr_NoMemory(); return NULL; }
    th_nn_load(row, b->data, b->strides[0], k, b->typenum);
    return row;
}

/* -- Softmax, LogSoftmax, SoftmaxWithBias ------------------------------------------------ */
/* params: count, log, has_bias, round32 */
static int th_k_softmax(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    const char *name = TH_NN_NAME(p);
    const th_cell *x = in[0];
    th_nn_rows R;
    double *bias = NULL;
    int rc;
    if (th_nn_check_float(x, name, "x", -1) < 0) return -1;
    if (x->nd < 1) {
        PyErr_Format(PyExc_ValueError, "%s: x must have at least one dimension", name);
        return -1;
    }
    if (p[2]) {
        if (th_nn_check_float(in[1], name, "b", 1) < 0) return -1;
        if (!(bias = th_nn_bias(x, in[1], name))) return -1;
    }
    if (th_prepare_output(out[0], x->nd, x->dims, x->typenum, 0) < 0) {
        free(bias);
        return -1;
    }
    memset(&R, 0, sizeof(R));
    th_nn_set_rows(&R, x);
    th_nn_set_operand(&R.a, x, R.nrd);
    R.mode = (int)p[1];
    R.round32 = (int)p[3];
    R.bias = bias;
    R.out = out[0]->data;
    R.otype = x->typenum;
    R.bfn = th_nn_softmax_block;
    rc = R.k ? th_nn_run(&R) : 0;
    free(bias);
    return rc;
}

/* -- SoftmaxGrad ----------------------------------------------------------------------- */
/* params: count, round32.  Inputs dy (broadcastable to sm's shape), sm. */
static int th_k_softmax_grad(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    const char *name = TH_NN_NAME(p);
    const th_cell *dy = in[0], *sm = in[1];
    th_nn_rows R;
    int d;
    if (th_nn_check_float(dy, name, "dy", -1) < 0 || th_nn_check_float(sm, name, "sm", -1) < 0)
        return -1;
    if (dy->nd != sm->nd || sm->nd < 1) goto bad;
    for (d = 0; d < sm->nd; d++)
        if (dy->dims[d] != sm->dims[d] && dy->dims[d] != 1) goto bad;
    if (th_prepare_output(out[0], sm->nd, sm->dims, sm->typenum, 0) < 0) return -1;
    memset(&R, 0, sizeof(R));
    th_nn_set_rows(&R, sm);
    th_nn_set_operand(&R.a, dy, R.nrd);
    th_nn_set_operand(&R.b, sm, R.nrd);
    R.round32 = (int)p[1];
    R.out = out[0]->data;
    R.otype = sm->typenum;
    R.fn = th_nn_softmax_grad_row;
    return R.k ? th_nn_run(&R) : 0;
bad:
    {
        PyObject *a = th_shape_tuple(dy), *b = th_shape_tuple(sm);
        if (a && b)
            PyErr_Format(PyExc_ValueError, "%s: dy has shape %R but sm has shape %R", name,
                         a, b);
        Py_XDECREF(a);
        Py_XDECREF(b);
        return -1;
    }
}

/* -- CrossentropySoftmaxArgmax1HotWithBias ---------------------------------------------- */
/* params: count, round32.  Inputs x (n, k), b (k), y_idx (n); outputs nll, sm, argmax. */
static int th_k_xent_softmax(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    const char *name = TH_NN_NAME(p);
    const th_cell *x = in[0], *y = in[2];
    th_nn_rows R;
    double *bias;
    Py_ssize_t *lab;
    int rc = -1;
    if (th_nn_check_float(x, name, "x", 2) < 0 || th_nn_check_float(in[1], name, "b", 1) < 0
            || th_check_array(y, name, "y_idx", 1, -1) < 0)
        return -1;
    if (!(bias = th_nn_bias(x, in[1], name))) return -1;
    lab = th_nn_labels(y, x->dims[0], x->dims[1], name);
    if (!lab) { free(bias); return -1; }
    if (th_prepare_output(out[0], 1, x->dims, x->typenum, 0) < 0
            || th_prepare_output(out[1], 2, x->dims, x->typenum, 0) < 0
            || th_prepare_output(out[2], 1, x->dims, y->typenum, 0) < 0)
        goto done;
    memset(&R, 0, sizeof(R));
    th_nn_set_rows(&R, x);
    th_nn_set_operand(&R.a, x, R.nrd);
    R.round32 = (int)p[1];
    R.bias = bias;
    R.labels = lab;
    R.out = out[0]->data;
    R.out2 = out[1]->data;
    R.out3 = out[2]->data;
    R.otype = x->typenum;
    R.o3type = y->typenum;
    R.o3size = out[2]->itemsize;
    R.bfn = th_nn_xent_block;
    rc = th_nn_run(&R);
done:
    free(bias);
    free(lab);
    return rc;
}

/* -- CrossentropySoftmax1HotWithBiasDx -------------------------------------------------- */
/* params: count, round32.  Inputs dy (0-d, or a vector of length 1 or n), sm (n, k),
 * y_idx (n). */
static int th_k_xent_softmax_dx(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    const char *name = TH_NN_NAME(p);
    const th_cell *dy = in[0], *sm = in[1];
    th_nn_rows R;
    Py_ssize_t *lab, n;
    int rc = -1;
    if (th_nn_check_float(dy, name, "dy", -1) < 0 || th_nn_check_float(sm, name, "sm", 2) < 0)
        return -1;
    n = sm->dims[0];
    if (!(lab = th_nn_labels(in[2], n, sm->dims[1], name))) return -1;
    if (dy->nd > 1 || (dy->nd == 1 && dy->dims[0] != 1 && dy->dims[0] != n)) {
        if (dy->nd == 1)
            PyErr_Format(PyExc_ValueError, "%s: dy has length %zd but sm has %zd rows", name,
                         dy->dims[0], n);
        else
            PyErr_Format(PyExc_ValueError, "%s: dy must be a scalar or a vector, got %d "
                         "dimensions", name, dy->nd);
        goto done;
    }
    if (th_prepare_output(out[0], 2, sm->dims, sm->typenum, 0) < 0) goto done;
    memset(&R, 0, sizeof(R));
    th_nn_set_rows(&R, sm);
    th_nn_set_operand(&R.b, sm, R.nrd);
    R.c.data = dy->data;
    R.c.typenum = dy->typenum;
    R.c.cs = dy->nd == 1 && dy->dims[0] == n && n > 1 ? dy->strides[0] : 0;
    R.round32 = (int)p[1];
    R.labels = lab;
    R.out = out[0]->data;
    R.otype = sm->typenum;
    R.fn = th_nn_xent_dx_row;
    rc = R.k ? th_nn_run(&R) : 0;
done:
    free(lab);
    return rc;
}

/* -- CrossentropyCategorical1Hot, CrossentropyCategorical1HotGrad ------------------------ */
/* params: count.  Inputs coding (n, k), y (n); out[i] = -log(coding[i, y[i]]). */
static int th_k_xent_categorical(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    const char *name = TH_NN_NAME(p);
    const th_cell *c = in[0];
    Py_ssize_t *lab, i, isz;
    if (th_nn_check_float(c, name, "coding_dist", 2) < 0) return -1;
    if (!(lab = th_nn_labels(in[1], c->dims[0], c->dims[1], name))) return -1;
    if (th_prepare_output(out[0], 1, c->dims, c->typenum, 0) < 0) { free(lab); return -1; }
    isz = out[0]->itemsize;
    for (i = 0; i < c->dims[0]; i++) {
        double v = th_nn_get1(c->data + i * c->strides[0] + lab[i] * c->strides[1], c->typenum);
        th_nn_store1(out[0]->data + i * isz, -log(v), c->typenum);
    }
    free(lab);
    return 0;
}

/* params: count.  Inputs g_y (length n or 1), coding (n, k), y (n);
 * out = zeros, out[i, y[i]] = -g_y[i] / coding[i, y[i]]. */
static int th_k_xent_categorical_grad(th_cell *const *in, th_cell *const *out,
                                      const void *data)
{
    const Py_ssize_t *p = (const Py_ssize_t *)data;
    const char *name = TH_NN_NAME(p);
    const th_cell *g = in[0], *c = in[1];
    Py_ssize_t *lab, i, n, k, gs;
    th_cell *o = out[0];
    if (th_nn_check_float(g, name, "g_y", 1) < 0
            || th_nn_check_float(c, name, "coding_dist", 2) < 0)
        return -1;
    n = c->dims[0];
    k = c->dims[1];
    if (!(lab = th_nn_labels(in[2], n, k, name))) return -1;
    if (g->dims[0] != n && g->dims[0] != 1) {
        PyErr_Format(PyExc_ValueError, "%s: g_y has length %zd but coding_dist has %zd rows "
                     "(operands could not be broadcast together)", name, g->dims[0], n);
        free(lab);
        return -1;
    }
    if (th_prepare_output(o, 2, c->dims, c->typenum, 0) < 0) { free(lab); return -1; }
    memset(o->data, 0, (size_t)(n * k * o->itemsize));
    gs = g->dims[0] == 1 ? 0 : g->strides[0];
    for (i = 0; i < n; i++) {
        double gv = th_nn_get1(g->data + i * gs, g->typenum);
        double cv = th_nn_get1(c->data + i * c->strides[0] + lab[i] * c->strides[1],
                               c->typenum);
        th_nn_store1(o->data + (i * k + lab[i]) * o->itemsize, -gv / cv, c->typenum);
    }
    free(lab);
    return 0;
}
