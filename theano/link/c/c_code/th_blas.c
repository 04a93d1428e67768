/* Matrix products through ONE BLAS: the library NumPy itself uses.
 *
 * Two BLAS libraries in one process (NumPy's OpenBLAS and SciPy's) each keep a thread pool;
 * when a function alternates between them, each pool spins while the other works and a
 * training step runs many times slower.  The runtime is therefore given the entry points
 * of NumPy's OpenBLAS (its CBLAS interface with 64-bit integers) when they can be found,
 * and SciPy's Fortran BLAS (cython_blas) only as a fallback.  Column-major conventions
 * throughout; row-major operands are handled as the transposes of column-major ones.
 */

/* CBLAS (ILP64): order, transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc */
typedef void (*th_cblas_gemm_d)(int, int, int, npy_int64, npy_int64, npy_int64, double,
                                const double *, npy_int64, const double *, npy_int64,
                                double, double *, npy_int64);
typedef void (*th_cblas_gemm_s)(int, int, int, npy_int64, npy_int64, npy_int64, float,
                                const float *, npy_int64, const float *, npy_int64,
                                float, float *, npy_int64);
typedef void (*th_cblas_gemm_z)(int, int, int, npy_int64, npy_int64, npy_int64, const void *,
                                const void *, npy_int64, const void *, npy_int64,
                                const void *, void *, npy_int64);
/* order, trans, m, n, alpha, A, lda, x, incx, beta, y, incy */
typedef void (*th_cblas_gemv_d)(int, int, npy_int64, npy_int64, double, const double *,
                                npy_int64, const double *, npy_int64, double, double *,
                                npy_int64);
typedef void (*th_cblas_gemv_s)(int, int, npy_int64, npy_int64, float, const float *,
                                npy_int64, const float *, npy_int64, float, float *,
                                npy_int64);
/* order, m, n, alpha, x, incx, y, incy, A, lda */
typedef void (*th_cblas_ger_d)(int, npy_int64, npy_int64, double, const double *, npy_int64,
                               const double *, npy_int64, double *, npy_int64);
typedef void (*th_cblas_ger_s)(int, npy_int64, npy_int64, float, const float *, npy_int64,
                               const float *, npy_int64, float *, npy_int64);
/* Fortran BLAS (LP64), as in scipy.linalg.cython_blas */
typedef void (*th_f_gemm)(const char *, const char *, const int *, const int *, const int *,
                          const void *, const void *, const int *, const void *, const int *,
                          const void *, void *, const int *);
typedef void (*th_f_gemv)(const char *, const int *, const int *, const void *, const void *,
                          const int *, const void *, const int *, const void *, void *,
                          const int *);
typedef void (*th_f_ger)(const int *, const int *, const void *, const void *, const int *,
                         const void *, const int *, void *, const int *);

#define TH_COLMAJOR 102
#define TH_NOTRANS 111
#define TH_TRANS 112

/* Index by type: 0 float32, 1 float64, 2 complex64, 3 complex128.  Set once by
 * `set_blas` in the core unit; kernel units read the same variables. */
#ifdef TH_KERNEL_UNIT
extern void *th_blas_gemm[4], *th_blas_gemv[4], *th_blas_ger[4];
extern int th_blas_cblas, th_blas_ready;
extern const char *th_blas_name;
#else
void *th_blas_gemm[4], *th_blas_gemv[4], *th_blas_ger[4];
int th_blas_cblas = 0;   /* 1: CBLAS ILP64 entry points, 0: Fortran LP64 */
int th_blas_ready = 0;
const char *th_blas_name = "none";
#endif

static int th_blas_index(int typenum)
{
    switch (typenum) {
    case NPY_FLOAT32: return 0;
    case NPY_FLOAT64: return 1;
    case NPY_COMPLEX64: return 2;
    case NPY_COMPLEX128: return 3;
    default: return -1;
    }
}

/* C = alpha op(A) op(B) + beta C, column-major, in one BLAS call. */
static int th_gemm_direct(int typenum, int ta, int tb, Py_ssize_t m, Py_ssize_t n,
                          Py_ssize_t k, const void *alpha, const char *A, Py_ssize_t lda,
                          const char *B, Py_ssize_t ldb, const void *beta, char *C,
                          Py_ssize_t ldc)
{
    int t = th_blas_index(typenum);
    void *f = t < 0 ? NULL : th_blas_gemm[t];
    if (!f) {
        PyErr_SetString(PyExc_RuntimeError, "no BLAS gemm for this dtype");
        return -1;
    }
    if (th_blas_cblas) {
        int oa = ta ? TH_TRANS : TH_NOTRANS, ob = tb ? TH_TRANS : TH_NOTRANS;
        if (t == 0)
            ((th_cblas_gemm_s)f)(TH_COLMAJOR, oa, ob, m, n, k, *(const float *)alpha,
                                 (const float *)A, lda, (const float *)B, ldb,
                                 *(const float *)beta, (float *)C, ldc);
        else if (t == 1)
            ((th_cblas_gemm_d)f)(TH_COLMAJOR, oa, ob, m, n, k, *(const double *)alpha,
                                 (const double *)A, lda, (const double *)B, ldb,
                                 *(const double *)beta, (double *)C, ldc);
        else
            ((th_cblas_gemm_z)f)(TH_COLMAJOR, oa, ob, m, n, k, alpha, A, lda, B, ldb, beta, C,
                                 ldc);
    } else {
        int im = (int)m, in = (int)n, ik = (int)k, ilda = (int)lda, ildb = (int)ldb,
            ildc = (int)ldc;
        if (m > INT_MAX || n > INT_MAX || k > INT_MAX || lda > INT_MAX || ldb > INT_MAX
                || ldc > INT_MAX) {
            PyErr_SetString(PyExc_ValueError, "matrix too large for a 32-bit BLAS");
            return -1;
        }
        ((th_f_gemm)f)(ta ? "T" : "N", tb ? "T" : "N", &im, &in, &ik, alpha, A, &ilda, B,
                       &ildb, beta, C, &ildc);
    }
    return 0;
}

#ifndef TH_KERNEL_UNIT
/* Middle-size products split in tiles for the caller and the helper thread (th_helper.c)
 * (for the caller alone while OpenBLAS's own threads may be spinning):
 * each tile at most TH_SPLIT_MNK multiply-adds (OpenBLAS computes that on the calling
 * thread), at most TH_SPLIT_CALLS BLAS calls in all (beyond, OpenBLAS's own threads and
 * blocking do better).  Tiles split the rows and columns of C; when the inner dimension
 * must be split too, its first half is summed into C and its second into a buffer of
 * the helper's, added at the end: each element is summed in the same order whoever
 * computes it, so results do not depend on timing. */
static void th_scalar_store(int typenum, double re, double im, char *buf);

#define TH_SPLIT_MNK 262144.0
#define TH_SPLIT_CALLS 64

typedef struct {
    th_job job;
    int typenum, ta, tb;
    Py_ssize_t M, N, K, Mt, Nt, Kc, nm, nn, nk, nk0, isz;
    const char *A, *B;
    Py_ssize_t lda, ldb, ldc;
    char *C, *S;
    const void *alpha, *beta;
    char one[16];
    Py_ssize_t next[2];        /* atomic: next tile of each half of the inner dimension */
} th_gemm_job;

/* Tile `t` of half `h` (h = -1: the inner dimension is not split). */
static void th_gemm_tile(th_gemm_job *J, int h, Py_ssize_t t)
{
    Py_ssize_t im = t / J->nn, in = t % J->nn, isz = J->isz;
    Py_ssize_t i0 = im * J->Mt, j0 = in * J->Nt;
    Py_ssize_t m = J->M - i0 < J->Mt ? J->M - i0 : J->Mt, n = J->N - j0 < J->Nt ? J->N - j0 : J->Nt;
    Py_ssize_t kc, kc_end = h == 0 ? J->nk0 : J->nk;
    char *c = h == 1 ? J->S + (i0 + j0 * J->M) * isz : J->C + (i0 + j0 * J->ldc) * isz;
    Py_ssize_t ldc = h == 1 ? J->M : J->ldc;
    for (kc = h == 1 ? J->nk0 : 0; kc < (h < 0 ? 1 : kc_end); kc++) {
        Py_ssize_t k0 = kc * J->Kc, k = J->K - k0 < J->Kc ? J->K - k0 : J->Kc;
        const char *a = J->ta ? J->A + (k0 + i0 * J->lda) * isz : J->A + (i0 + k0 * J->lda) * isz;
        const char *b = J->tb ? J->B + (j0 + k0 * J->ldb) * isz : J->B + (k0 + j0 * J->ldb) * isz;
        th_gemm_direct(J->typenum, J->ta, J->tb, m, n, k, J->alpha, a, J->lda, b, J->ldb,
                       h < 0 ? J->beta : J->one, c, ldc);
    }
}

static void th_gemm_work(th_gemm_job *J, int on_helper)
{
    int first = J->nk > 1 && on_helper ? 1 : 0, pass, tiles = (int)(J->nm * J->nn);
    for (pass = 0; pass < (J->nk > 1 ? 2 : 1); pass++) {
        int h = J->nk > 1 ? (first + pass) % 2 : 0;
        for (;;) {
            Py_ssize_t t = __atomic_fetch_add(&J->next[h], 1, __ATOMIC_RELAXED);
            if (t >= tiles) break;
            th_gemm_tile(J, J->nk > 1 ? h : -1, t);
        }
    }
}

static void th_gemm_job_run(th_job *J, int on_helper)
{
    th_gemm_work((th_gemm_job *)J, on_helper);
}

/* 1: done in tiles; 0: not split (call th_gemm_direct); -1: out of memory (error set). */
static int th_gemm_split(int typenum, int ta, int tb, Py_ssize_t M, Py_ssize_t N,
                         Py_ssize_t K, const void *alpha, const char *A, Py_ssize_t lda,
                         const char *B, Py_ssize_t ldb, const void *beta, char *C,
                         Py_ssize_t ldc)
{
    th_gemm_job J;
    Py_ssize_t Mt = M, Nt = N, Kc = K, i, j;
    double mnk = (double)M * N * K;
    if ((typenum != NPY_FLOAT64 && typenum != NPY_FLOAT32) || mnk <= TH_SPLIT_MNK
            || mnk > TH_SPLIT_MNK * TH_SPLIT_CALLS || !th_blas_cblas || !th_help_enabled)
        return 0;
    while ((double)Mt * Nt * Kc > TH_SPLIT_MNK) {
        if (Kc >= Mt && Kc >= Nt && Kc > 64) Kc = (Kc + 1) / 2;
        else if (Nt >= Mt && Nt > 16) Nt = (Nt + 1) / 2;
        else if (Mt > 16) Mt = (Mt + 1) / 2;
        else if (Kc > 16) Kc = (Kc + 1) / 2;
        else break;
    }
    memset(&J, 0, sizeof(J));
    J.job.run = th_gemm_job_run;
    J.typenum = typenum; J.ta = ta; J.tb = tb;
    J.M = M; J.N = N; J.K = K; J.Mt = Mt; J.Nt = Nt; J.Kc = Kc;
    J.nm = (M + Mt - 1) / Mt; J.nn = (N + Nt - 1) / Nt; J.nk = (K + Kc - 1) / Kc;
    J.nk0 = (J.nk + 1) / 2;
    if (J.nm * J.nn == 1 && J.nk == 1) return 0;
    J.isz = typenum == NPY_FLOAT64 ? 8 : 4;
    J.A = A; J.B = B; J.lda = lda; J.ldb = ldb; J.C = C; J.ldc = ldc;
    J.alpha = alpha; J.beta = beta;
    th_scalar_store(typenum, 1, 0, J.one);
    if (J.nk > 1) {
        /* the first half sums into C: beta applied once, first; the second into S */
        J.S = calloc((size_t)(M * N), (size_t)J.isz);
        if (!J.S) return 0;
        for (j = 0; j < N; j++) {
            char *col = C + j * ldc * J.isz;
            if (typenum == NPY_FLOAT64) {
                double bv = *(const double *)beta;
                for (i = 0; i < M; i++) ((double *)col)[i] = bv == 0 ? 0 : bv * ((double *)col)[i];
            } else {
                float bv = *(const float *)beta;
                for (i = 0; i < M; i++) ((float *)col)[i] = bv == 0 ? 0 : bv * ((float *)col)[i];
            }
        }
    }
    {
        /* While OpenBLAS's threads may be spinning, the tiles run here only: the helper
         * would fight them for the core, and giving them the product would keep them
         * spinning (this way they sleep after their time, and the helper comes back). */
        int submitted = th_help_usable() && th_help_submit(&J.job) == 0;
        if (submitted) th_split_helped++; else th_split_alone++;
        th_gemm_work(&J, 0);
        if (submitted && !th_help_join(&J.job)) th_gemm_work(&J, 0);
    }
    if (J.S) {
        for (j = 0; j < N; j++) {
            char *col = C + j * ldc * J.isz, *sc = J.S + j * M * J.isz;
            if (typenum == NPY_FLOAT64)
                for (i = 0; i < M; i++) ((double *)col)[i] += ((double *)sc)[i];
            else
                for (i = 0; i < M; i++) ((float *)col)[i] += ((float *)sc)[i];
        }
        free(J.S);
    }
    return 1;
}
#endif

/* C = alpha op(A) op(B) + beta C, column-major; alpha/beta point at values of the type. */
static int th_gemm(int typenum, int ta, int tb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                   const void *alpha, const char *A, Py_ssize_t lda, const char *B,
                   Py_ssize_t ldb, const void *beta, char *C, Py_ssize_t ldc)
{
#ifndef TH_KERNEL_UNIT
    if (th_blas_index(typenum) >= 0 && th_blas_gemm[th_blas_index(typenum)]
            && th_gemm_split(typenum, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc))
        return 0;
    if ((double)m * n * k > TH_SPLIT_MNK) th_blas_threads_used();   /* OpenBLAS threads it */
#endif
    return th_gemm_direct(typenum, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

/* OpenBLAS runs gemv and ger on its threads from about this many matrix elements */
#define TH_BLAS_L2_THREADS 9216.0

/* y = alpha op(A) x + beta y, column-major A (m x n). */
static int th_gemv(int typenum, int ta, Py_ssize_t m, Py_ssize_t n, const void *alpha,
                   const char *A, Py_ssize_t lda, const char *x, Py_ssize_t incx,
                   const void *beta, char *y, Py_ssize_t incy)
{
    int t = th_blas_index(typenum);
    void *f = t < 0 ? NULL : th_blas_gemv[t];
    if (!f || t > 1) {
        PyErr_SetString(PyExc_RuntimeError, "no BLAS gemv for this dtype");
        return -1;
    }
#ifndef TH_KERNEL_UNIT
    if ((double)m * n >= TH_BLAS_L2_THREADS) th_blas_threads_used();
#endif
    if (th_blas_cblas) {
        int o = ta ? TH_TRANS : TH_NOTRANS;
        if (t == 0)
            ((th_cblas_gemv_s)f)(TH_COLMAJOR, o, m, n, *(const float *)alpha,
                                 (const float *)A, lda, (const float *)x, incx,
                                 *(const float *)beta, (float *)y, incy);
        else
            ((th_cblas_gemv_d)f)(TH_COLMAJOR, o, m, n, *(const double *)alpha,
                                 (const double *)A, lda, (const double *)x, incx,
                                 *(const double *)beta, (double *)y, incy);
    } else {
        int im = (int)m, in = (int)n, ilda = (int)lda, ix = (int)incx, iy = (int)incy;
        ((th_f_gemv)f)(ta ? "T" : "N", &im, &in, alpha, A, &ilda, x, &ix, beta, y, &iy);
    }
    return 0;
}

/* A += alpha x y^T, column-major A (m x n). */
static int th_ger(int typenum, Py_ssize_t m, Py_ssize_t n, const void *alpha, const char *x,
                  Py_ssize_t incx, const char *y, Py_ssize_t incy, char *A, Py_ssize_t lda)
{
    int t = th_blas_index(typenum);
    void *f = t < 0 ? NULL : th_blas_ger[t];
    if (!f || t > 1) {
        PyErr_SetString(PyExc_RuntimeError, "no BLAS ger for this dtype");
        return -1;
    }
#ifndef TH_KERNEL_UNIT
    if ((double)m * n >= TH_BLAS_L2_THREADS) th_blas_threads_used();
#endif
    if (th_blas_cblas) {
        if (t == 0)
            ((th_cblas_ger_s)f)(TH_COLMAJOR, m, n, *(const float *)alpha, (const float *)x,
                                incx, (const float *)y, incy, (float *)A, lda);
        else
            ((th_cblas_ger_d)f)(TH_COLMAJOR, m, n, *(const double *)alpha, (const double *)x,
                                incx, (const double *)y, incy, (double *)A, lda);
    } else {
        int im = (int)m, in = (int)n, ilda = (int)lda, ix = (int)incx, iy = (int)incy;
        ((th_f_ger)f)(&im, &in, alpha, x, &ix, y, &iy, A, &ilda);
    }
    return 0;
}

/* set_blas(kind, gemm, gemv, ger): each a tuple of 4 addresses (s, d, c, z; 0 = absent). */
static PyObject *th_set_blas(PyObject *self, PyObject *args)
{
    const char *kind;
    PyObject *tabs[3];
    void **dst[3] = {th_blas_gemm, th_blas_gemv, th_blas_ger};
    int i, j;
    static char name[64];
    if (!PyArg_ParseTuple(args, "sOOO", &kind, &tabs[0], &tabs[1], &tabs[2])) return NULL;
    for (i = 0; i < 3; i++) {
        if (!PyTuple_Check(tabs[i]) || PyTuple_GET_SIZE(tabs[i]) != 4) {
            PyErr_SetString(PyExc_TypeError, "set_blas: tuples of 4 addresses expected");
            return NULL;
        }
        for (j = 0; j < 4; j++) {
            void *p = PyLong_AsVoidPtr(PyTuple_GET_ITEM(tabs[i], j));
            if (PyErr_Occurred()) return NULL;
            dst[i][j] = p;
        }
    }
    th_blas_cblas = strncmp(kind, "cblas", 5) == 0;
    snprintf(name, sizeof(name), "%s", kind);
    th_blas_name = name;
    th_blas_ready = 1;
    Py_RETURN_NONE;
}

/* A matrix operand in column-major terms: `data` with leading dimension `ld` holds the
 * matrix itself (trans = 0) or its transpose (trans = 1, a row-major operand). */
typedef struct {
    const char *data;
    Py_ssize_t ld;
    int trans;
} th_mat;

/* Describe cell `c` (r x cl) for BLAS, copying it into `tmp` when its strides do not fit. */
static int th_as_mat(const th_cell *c, th_mat *m, th_cell *tmp)
{
    Py_ssize_t r = c->dims[0], cl = c->dims[1], it = c->itemsize;
    Py_ssize_t s0 = c->strides[0], s1 = c->strides[1];
    /* row-major: unit steps along a row; the buffer is the column-major transpose */
    if ((cl <= 1 || s1 == it)
            && (r <= 1 || (s0 > 0 && s0 % it == 0 && s0 / it >= (cl > 1 ? cl : 1)))) {
        m->data = c->data;
        m->trans = 1;
        m->ld = r <= 1 ? (cl > 1 ? cl : 1) : s0 / it;
        return 0;
    }
    /* column-major: unit steps down a column */
    if ((r <= 1 || s0 == it)
            && (cl <= 1 || (s1 > 0 && s1 % it == 0 && s1 / it >= (r > 1 ? r : 1)))) {
        m->data = c->data;
        m->trans = 0;
        m->ld = cl <= 1 ? (r > 1 ? r : 1) : s1 / it;
        return 0;
    }
    {   /* copy into a C-contiguous temporary */
        PyObject *o = th_cell_get_object(c), *cp;
        if (!o) return -1;
        cp = PyArray_NewCopy((PyArrayObject *)o, NPY_CORDER);
        Py_DECREF(o);
        if (!cp) return -1;
        memset(tmp, 0, sizeof(*tmp));
        if (th_cell_set_object(tmp, cp) < 0) { Py_DECREF(cp); return -1; }
        Py_DECREF(cp);
        m->data = tmp->data;
        m->ld = cl > 1 ? cl : 1;
        m->trans = 1;
        return 0;
    }
}

/* A vector operand for BLAS: pointer and a positive increment (copied otherwise). */
static int th_as_vec(const th_cell *c, const char **p, Py_ssize_t *inc, th_cell *tmp)
{
    Py_ssize_t n = c->dims[0], it = c->itemsize;
    if (n <= 1 || (c->strides[0] > 0 && c->strides[0] % it == 0)) {
        *p = c->data;
        *inc = n <= 1 ? 1 : c->strides[0] / it;
        return 0;
    }
    {
        PyObject *o = th_cell_get_object(c), *cp;
        if (!o) return -1;
        cp = PyArray_NewCopy((PyArrayObject *)o, NPY_CORDER);
        Py_DECREF(o);
        if (!cp) return -1;
        memset(tmp, 0, sizeof(*tmp));
        if (th_cell_set_object(tmp, cp) < 0) { Py_DECREF(cp); return -1; }
        Py_DECREF(cp);
        *p = tmp->data;
        *inc = 1;
        return 0;
    }
}

/* Scalars of the BLAS types, read from / written as doubles (complex: real, imag). */
typedef struct { double re, im; } th_cplx;

static void th_scalar_store(int typenum, double re, double im, char *buf)
{
    switch (typenum) {
    case NPY_FLOAT32: *(float *)buf = (float)re; break;
    case NPY_FLOAT64: *(double *)buf = re; break;
    case NPY_COMPLEX64: ((float *)buf)[0] = (float)re; ((float *)buf)[1] = (float)im; break;
    default: ((double *)buf)[0] = re; ((double *)buf)[1] = im; break;
    }
}

static int th_scalar_load(const th_cell *c, int typenum, char *buf)
{
    th_cell tmp;
    const th_cell *s;
    tmp.obj = NULL;
    if (th_check_array(c, "BLAS", "a scalar", 0, -1) < 0) return -1;
    s = th_as_type(c, &tmp, typenum);
    if (!s) return -1;
    memcpy(buf, s->data, s->itemsize);
    if (tmp.obj) th_cell_clear(&tmp);
    return 0;
}

static int th_scalar_is_zero(int typenum, const char *buf)
{
    switch (typenum) {
    case NPY_FLOAT32: return *(const float *)buf == 0;
    case NPY_FLOAT64: return *(const double *)buf == 0;
    case NPY_COMPLEX64: return ((const float *)buf)[0] == 0 && ((const float *)buf)[1] == 0;
    default: return ((const double *)buf)[0] == 0 && ((const double *)buf)[1] == 0;
    }
}

static void th_zero_cell(th_cell *c)
{
    /* c is a freshly prepared (contiguous) output */
    memset(c->data, 0, (size_t)th_cell_size(c) * c->itemsize);
}

/* out = alpha * x . y + beta * out, where out already holds beta's operand (or is new);
 * x (m x k), y (k x n), out (m x n) contiguous (C or Fortran order). */
static int th_matmul_into(int typenum, const th_cell *x, const th_cell *y, th_cell *out,
                          const char *alpha, const char *beta)
{
    th_cell tx, ty;
    th_mat A, B;
    Py_ssize_t m = x->dims[0], k = x->dims[1], n = y->dims[1];
    int rc = -1, f_out = n > 1 && m > 1 ? out->strides[0] == out->itemsize : 0;
    PyThreadState *ts = NULL;
    tx.obj = ty.obj = NULL;
    if (m == 0 || n == 0) return 0;
    if (k == 0) {
        if (th_scalar_is_zero(typenum, beta)) { th_zero_cell(out); return 0; }
    }
    if (th_as_mat(x, &A, &tx) < 0 || th_as_mat(y, &B, &ty) < 0) goto done;
    if ((double)m * n * (k ? k : 1) > 20000) ts = PyEval_SaveThread();
    if (!f_out) {
        /* C-order out (m x n) is column-major out^T (n x m) = y^T x^T. */
        rc = th_gemm(typenum, !B.trans, !A.trans, n, m, k, alpha, B.data, B.ld, A.data, A.ld,
                     beta, out->data, n > 1 ? n : 1);
    } else {
        rc = th_gemm(typenum, A.trans, B.trans, m, n, k, alpha, A.data, A.ld, B.data, B.ld,
                     beta, out->data, m > 1 ? m : 1);
    }
    if (ts) PyEval_RestoreThread(ts);
done:
    if (tx.obj) th_cell_clear(&tx);
    if (ty.obj) th_cell_clear(&ty);
    return rc;
}

/* out(m) = alpha * A(m x k) . v(k) + beta * out */
static int th_matvec_into(int typenum, const th_cell *A, const th_cell *v, th_cell *out,
                          const char *alpha, const char *beta, int vector_left)
{
    th_cell ta, tv;
    th_mat M;
    const char *vp;
    Py_ssize_t inc, m, k;
    int rc = -1;
    ta.obj = tv.obj = NULL;
    /* vector_left: out = v . A = A^T v */
    m = vector_left ? A->dims[1] : A->dims[0];
    k = vector_left ? A->dims[0] : A->dims[1];
    if (m == 0) return 0;
    if (k == 0) {
        if (th_scalar_is_zero(typenum, beta)) { th_zero_cell(out); return 0; }
    }
    if (th_as_mat(A, &M, &ta) < 0 || th_as_vec(v, &vp, &inc, &tv) < 0) goto done;
    {
        /* column-major buffer: trans=0 holds A (rows x cols), trans=1 holds A^T */
        Py_ssize_t rows = M.trans ? A->dims[1] : A->dims[0];
        Py_ssize_t cols = M.trans ? A->dims[0] : A->dims[1];
        int t = M.trans ^ vector_left;
        Py_ssize_t incy = out->dims[0] <= 1 ? 1 : out->strides[0] / out->itemsize;
        rc = th_gemv(typenum, t, rows, cols, alpha, M.data, M.ld, vp, inc, beta, out->data,
                     incy);
    }
done:
    if (ta.obj) th_cell_clear(&ta);
    if (tv.obj) th_cell_clear(&tv);
    return rc;
}

static int th_need_blas(const char *op)
{
    if (th_blas_ready) return 0;
    PyErr_Format(PyExc_RuntimeError, "%s: the C runtime has no BLAS (set_blas was not called)",
                 op);
    return -1;
}

/* Dot(x, y) for vectors and matrices of the four BLAS types. */
static int th_k_dot(th_cell *const *in, th_cell *const *out, const void *data)
{
    const th_cell *x = in[0], *y = in[1];
    int typenum = x->typenum;
    char one[16], zero[16];
    Py_ssize_t dims[2];
    if (th_need_blas("dot") < 0) return -1;
    if (th_check_array(x, "dot", "x", -1, -1) < 0 || th_check_array(y, "dot", "y", -1,
                                                                     typenum) < 0)
        return -1;
    th_scalar_store(typenum, 1, 0, one);
    th_scalar_store(typenum, 0, 0, zero);
    if (x->nd == 2 && y->nd == 2) {
        th_cell *o = out[0];
        if (x->dims[1] != y->dims[0]) goto mismatch;
        dims[0] = x->dims[0]; dims[1] = y->dims[1];
        if ((o->flags & TH_ACCUM) && o->nd == 2 && o->typenum == typenum
                && o->dims[0] == dims[0] && o->dims[1] == dims[1])
            return th_matmul_into(typenum, x, y, o, one, one);   /* the row += x . y */
        if (th_prepare_output(o, 2, dims, typenum, 0) < 0) return -1;
        return th_matmul_into(typenum, x, y, o, one, zero);
    }
    if (x->nd == 2 && y->nd == 1) {
        if (x->dims[1] != y->dims[0]) goto mismatch;
        dims[0] = x->dims[0];
        if (th_prepare_output(out[0], 1, dims, typenum, 0) < 0) return -1;
        return th_matvec_into(typenum, x, y, out[0], one, zero, 0);
    }
    if (x->nd == 1 && y->nd == 2) {
        if (x->dims[0] != y->dims[0]) goto mismatch;
        dims[0] = y->dims[1];
        if (th_prepare_output(out[0], 1, dims, typenum, 0) < 0) return -1;
        return th_matvec_into(typenum, y, x, out[0], one, zero, 1);
    }
    if (x->nd == 1 && y->nd == 1) {
        /* as a 1 x k by k x 1 product */
        th_cell xm = *x, ym = *y;
        Py_ssize_t one_dim = 1;
        if (x->dims[0] != y->dims[0]) goto mismatch;
        xm.nd = ym.nd = 2;
        xm.dims[0] = 1; xm.dims[1] = x->dims[0]; xm.strides[1] = x->strides[0];
        xm.strides[0] = x->itemsize;
        ym.dims[0] = y->dims[0]; ym.dims[1] = 1; ym.strides[0] = y->strides[0];
        ym.strides[1] = y->itemsize;
        if (th_prepare_output(out[0], 0, &one_dim, typenum, 0) < 0) return -1;
        {
            th_cell o2 = *out[0];
            o2.nd = 2; o2.dims[0] = o2.dims[1] = 1; o2.strides[0] = o2.strides[1] = o2.itemsize;
            return th_matmul_into(typenum, &xm, &ym, &o2, one, zero);
        }
    }
    PyErr_Format(PyExc_ValueError, "dot: unsupported numbers of dimensions %d and %d", x->nd,
                 y->nd);
    return -1;
mismatch:
    {
        PyObject *sx = th_shape_tuple(x), *sy = th_shape_tuple(y);
        if (sx && sy)
            PyErr_Format(PyExc_ValueError, "shapes %R and %R not aligned: dot(x, y) needs the "
                         "last dimension of x to match the first of y", sx, sy);
        Py_XDECREF(sx);
        Py_XDECREF(sy);
        return -1;
    }
}

/* Copy (broadcasting) `src` into the contiguous output `dst` of the same nd. */
static int th_copy_broadcast(th_cell *dst, const th_cell *src)
{
    PyObject *d = th_cell_get_object(dst), *s = th_cell_get_object(src);
    int rc = -1;
    if (d && s) rc = PyArray_CopyInto((PyArrayObject *)d, (PyArrayObject *)s);
    Py_XDECREF(d);
    Py_XDECREF(s);
    return rc;
}

/* An output for z-like operand `z` (in place when allowed and possible). */
static int th_blas_target(th_cell *z, th_cell *o, int inplace, int nd, const Py_ssize_t *dims,
                          int typenum, int read_z)
{
    int d, ok = inplace && z->typenum == typenum && z->obj && PyArray_Check(z->obj)
                && PyArray_ISWRITEABLE((PyArrayObject *)z->obj);
    for (d = 0; d < nd && ok; d++) ok = z->dims[d] == dims[d];
    if (ok && nd == 2)  /* BLAS writes C or Fortran contiguous matrices only */
        ok = (z->strides[1] == z->itemsize && z->strides[0] == dims[1] * z->itemsize)
             || (z->strides[0] == z->itemsize && z->strides[1] == dims[0] * z->itemsize)
             || dims[0] <= 1 || dims[1] <= 1;
    if (ok && nd == 1) ok = z->strides[0] > 0 && z->strides[0] % z->itemsize == 0;
    if (ok) { th_share(o, z); return 0; }
    if (th_prepare_output(o, nd, dims, typenum, 0) < 0) return -1;
    if (read_z) return th_copy_broadcast(o, z);
    return 0;
}

/* Gemm{inplace}(z, alpha, x, y, beta) = alpha x.y + beta z; params[0] = inplace */
static int th_k_gemm(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *params = (const Py_ssize_t *)data;
    th_cell *z = in[0];
    const th_cell *x = in[2], *y = in[3];
    int typenum = z->typenum;
    char alpha[16], beta[16];
    Py_ssize_t dims[2];
    if (th_need_blas("Gemm") < 0) return -1;
    if (th_check_array(z, "Gemm", "z", 2, -1) < 0 || th_check_array(x, "Gemm", "x", 2, typenum)
            < 0 || th_check_array(y, "Gemm", "y", 2, typenum) < 0)
        return -1;
    if (x->dims[1] != y->dims[0]) {
        PyErr_Format(PyExc_ValueError, "Gemm: shape mismatch in dot(x, y): x has %zd "
                     "columns and y has %zd rows", x->dims[1], y->dims[0]);
        return -1;
    }
    dims[0] = x->dims[0]; dims[1] = y->dims[1];
    if ((z->dims[0] != dims[0] && z->dims[0] != 1) || (z->dims[1] != dims[1] && z->dims[1] != 1)) {
        PyErr_Format(PyExc_ValueError, "Gemm: z has shape (%zd, %zd) but dot(x, y) has shape "
                     "(%zd, %zd)", z->dims[0], z->dims[1], dims[0], dims[1]);
        return -1;
    }
    if (th_scalar_load(in[1], typenum, alpha) < 0 || th_scalar_load(in[4], typenum, beta) < 0)
        return -1;
    if (th_blas_target(z, out[0], (int)params[0], 2, dims, typenum,
                       !th_scalar_is_zero(typenum, beta)) < 0)
        return -1;
    return th_matmul_into(typenum, x, y, out[0], alpha, beta);
}

/* Gemv{inplace}(y, alpha, A, x, beta) = alpha A.x + beta y */
static int th_k_gemv(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *params = (const Py_ssize_t *)data;
    th_cell *yv = in[0];
    const th_cell *A = in[2], *x = in[3];
    int typenum = yv->typenum;
    char alpha[16], beta[16];
    Py_ssize_t dims[1];
    if (th_need_blas("Gemv") < 0) return -1;
    if (th_check_array(yv, "Gemv", "y", 1, -1) < 0 || th_check_array(A, "Gemv", "A", 2, typenum)
            < 0 || th_check_array(x, "Gemv", "x", 1, typenum) < 0)
        return -1;
    if (A->dims[1] != x->dims[0] || (yv->dims[0] != A->dims[0] && yv->dims[0] != 1)) {
        PyErr_Format(PyExc_ValueError, "Gemv: shape mismatch: A (%zd, %zd), x (%zd,), y (%zd,)",
                     A->dims[0], A->dims[1], x->dims[0], yv->dims[0]);
        return -1;
    }
    dims[0] = A->dims[0];
    if (th_scalar_load(in[1], typenum, alpha) < 0 || th_scalar_load(in[4], typenum, beta) < 0)
        return -1;
    if (th_blas_target(yv, out[0], (int)params[0], 1, dims, typenum,
                       !th_scalar_is_zero(typenum, beta)) < 0)
        return -1;
    return th_matvec_into(typenum, A, x, out[0], alpha, beta, 0);
}

/* Ger{destructive}(A, alpha, x, y) = A + alpha outer(x, y) */
static int th_k_ger(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *params = (const Py_ssize_t *)data;
    th_cell *A = in[0];
    const th_cell *x = in[2], *y = in[3];
    int typenum = A->typenum, rc = -1;
    char alpha[16];
    Py_ssize_t dims[2];
    th_cell tx, ty;
    th_mat M;
    const char *xp, *yp;
    Py_ssize_t incx, incy;
    th_cell *o = out[0];
    if (th_need_blas("Ger") < 0) return -1;
    if (th_check_array(A, "Ger", "A", 2, -1) < 0 || th_check_array(x, "Ger", "x", 1, typenum)
            < 0 || th_check_array(y, "Ger", "y", 1, typenum) < 0)
        return -1;
    dims[0] = x->dims[0]; dims[1] = y->dims[0];
    if ((A->dims[0] != dims[0] && A->dims[0] != 1) || (A->dims[1] != dims[1] && A->dims[1] != 1)) {
        PyErr_Format(PyExc_ValueError, "Ger: A has shape (%zd, %zd) but outer(x, y) has "
                     "shape (%zd, %zd)", A->dims[0], A->dims[1], dims[0], dims[1]);
        return -1;
    }
    if (th_scalar_load(in[1], typenum, alpha) < 0) return -1;
    if (th_blas_target(A, o, (int)params[0], 2, dims, typenum, 1) < 0) return -1;
    if (dims[0] == 0 || dims[1] == 0) return 0;
    tx.obj = ty.obj = NULL;
    if (th_as_mat(o, &M, &tx) < 0) return -1;   /* o is contiguous: no copy is made */
    if (th_as_vec(x, &xp, &incx, &ty) < 0) return -1;
    {
        th_cell tyy;
        tyy.obj = NULL;
        if (th_as_vec(y, &yp, &incy, &tyy) < 0) { if (ty.obj) th_cell_clear(&ty); return -1; }
        if (!M.trans)
            rc = th_ger(typenum, dims[0], dims[1], alpha, xp, incx, yp, incy, (char *)M.data,
                        M.ld);
        else
            rc = th_ger(typenum, dims[1], dims[0], alpha, yp, incy, xp, incx, (char *)M.data,
                        M.ld);
        if (tyy.obj) th_cell_clear(&tyy);
    }
    if (ty.obj) th_cell_clear(&ty);
    return rc;
}

/* BatchedDot of two 3-d arrays: out[b] = x[b] . y[b], one gemm per batch entry. */
static int th_k_batched_dot(th_cell *const *in, th_cell *const *out, const void *data)
{
    const th_cell *x = in[0], *y = in[1];
    int typenum = x->typenum, d;
    char one[16], zero[16];
    Py_ssize_t dims[3], b;
    if (th_need_blas("batched_dot") < 0) return -1;
    if (th_check_array(x, "batched_dot", "x", 3, -1) < 0
            || th_check_array(y, "batched_dot", "y", 3, typenum) < 0)
        return -1;
    if (x->dims[0] != y->dims[0] || x->dims[2] != y->dims[1]) {
        PyObject *sx = th_shape_tuple(x), *sy = th_shape_tuple(y);
        if (sx && sy)
            PyErr_Format(PyExc_ValueError, "batched_dot: incompatible shapes %R and %R", sx, sy);
        Py_XDECREF(sx);
        Py_XDECREF(sy);
        return -1;
    }
    dims[0] = x->dims[0]; dims[1] = x->dims[1]; dims[2] = y->dims[2];
    if (th_prepare_output(out[0], 3, dims, typenum, 0) < 0) return -1;
    th_scalar_store(typenum, 1, 0, one);
    th_scalar_store(typenum, 0, 0, zero);
    for (b = 0; b < dims[0]; b++) {
        th_cell xb = *x, yb = *y, ob = *out[0];
        xb.nd = yb.nd = ob.nd = 2;
        for (d = 0; d < 2; d++) {
            xb.dims[d] = x->dims[d + 1]; xb.strides[d] = x->strides[d + 1];
            yb.dims[d] = y->dims[d + 1]; yb.strides[d] = y->strides[d + 1];
            ob.dims[d] = out[0]->dims[d + 1]; ob.strides[d] = out[0]->strides[d + 1];
        }
        xb.data = x->data + b * x->strides[0];
        yb.data = y->data + b * y->strides[0];
        ob.data = out[0]->data + b * out[0]->strides[0];
        /* xb, yb, ob borrow their owners: copies of the cells, never cleared */
        if (th_matmul_into(typenum, &xb, &yb, &ob, one, zero) < 0) return -1;
    }
    return 0;
}

/* DotEpilogue(x, y, extra...) = f(dot(x, y), extra...): the product is written into the
 * output, then the elementwise driver runs f over it in place while it is still in cache
 * (`data`: the th_ew_spec of f with input 0 overwritten by output 0).  The output keeps
 * its buffer from one call to the next as any kernel's. */
static int th_k_dot_epilogue(th_cell *const *in, th_cell *const *out, const void *data)
{
    const th_ew_spec *K = (const th_ew_spec *)data;
    const th_cell *x = in[0], *y = in[1];
    th_cell *o = out[0], prod;
    th_cell *ew_in[TH_MAXOP];
    int typenum = x->typenum, i, rc, flags;
    char one[16], zero[16];
    Py_ssize_t dims[2];
    if (th_need_blas(K->name) < 0) return -1;
    if (th_check_array(x, K->name, "x", 2, -1) < 0
            || th_check_array(y, K->name, "y", 2, typenum) < 0)
        return -1;
    if (x->dims[1] != y->dims[0]) {
        PyErr_Format(PyExc_ValueError, "%s: shape mismatch in dot(x, y): x has shape (%zd, "
                     "%zd) and y has shape (%zd, %zd)", K->name, x->dims[0], x->dims[1],
                     y->dims[0], y->dims[1]);
        return -1;
    }
    if (K->nin > TH_MAXOP) {
        PyErr_Format(PyExc_ValueError, "%s: too many operands", K->name);
        return -1;
    }
    dims[0] = x->dims[0]; dims[1] = y->dims[1];
    if (th_prepare_output(o, 2, dims, typenum, 0) < 0) return -1;
    th_scalar_store(typenum, 1, 0, one);
    th_scalar_store(typenum, 0, 0, zero);
    if (th_matmul_into(typenum, x, y, o, one, zero) < 0) return -1;
    /* The product as input 0 of the elementwise part: its own reference, so that the
     * driver sees an input it may overwrite (and never frees it under our feet). */
    prod = *o;
    Py_XINCREF(prod.obj);
    ew_in[0] = &prod;
    for (i = 1; i < K->nin; i++) ew_in[i] = in[i + 1];
    flags = o->flags;
    rc = th_elemwise(ew_in, out, K);
    /* In place, the driver made `o` a view of `prod` (the same buffer): the cell still
     * owns it for the next call. */
    if (rc == 0 && o->obj == prod.obj && o->data == prod.data) o->flags = flags;
    Py_XDECREF(prod.obj);
    return rc;
}
