/* Reductions: CAReduce (sum, prod, max, min, all, any over any set of axes), the
 * reduction of an elementwise expression (th_red_spec, generated per node), and
 * argmax / argmin.
 *
 * Values are accumulated in the accumulation type C (float16 data in float32).  The
 * elements of one output are combined in a fixed tree that depends only on the shape
 * and strides, never on the number of threads:
 *
 *  - "row" layout (the innermost dimension is reduced): each output is the pairwise
 *    combination of its rows, a row of n elements is split in halves (rounded to
 *    multiples of 8, as NumPy's pairwise sum) down to leaves of at most TH_BUF elements,
 *    and a leaf is reduced by vectorised accumulators combined pairwise (NAME_leaf).
 *    Threads take outputs, or, for few large outputs, subtrees of a fixed size.
 *  - "column" layout (the innermost dimension is kept): a chunk of up to TH_BUF
 *    neighbouring outputs accumulates one row of inputs at a time, vectorised across the
 *    outputs; float sums and products combine the rows pairwise.  Threads take chunks of
 *    outputs or, for few chunks, subtrees of rows of a fixed size.
 *
 * Strided, broadcast or differently typed inputs are copied (converted) chunk by chunk
 * into per-thread scratch buffers of TH_BUF items.
 */
typedef float _Complex th_c64;
typedef double _Complex th_c128;

#define TH_R_TPAR 32768   /* elements of the subtrees threads share out (fixed) */

/* -- float16 ------------------------------------------------------------------------ */
static float th_half_to_float(npy_uint16 h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, ex = (h >> 10) & 0x1fu, man = h & 0x3ffu;
    uint32_t bits;
    float f;
    if (ex == 0x1f) {
        bits = sign | 0x7f800000u | (man << 13);
    } else if (ex == 0) {
        f = (float)man * 5.9604644775390625e-08f;  /* man * 2**-24, exact */
        return sign ? -f : f;
    } else {
        bits = sign | ((ex + 112) << 23) | (man << 13);
    }
    memcpy(&f, &bits, 4);
    return f;
}

/* Round to the nearest float16, ties to even (as NumPy's npy_double_to_half). */
static npy_uint16 th_double_to_half(double x)
{
    uint64_t b;
    npy_uint16 sign;
    double a, q, r;
    int e, ef;
    uint32_t mant;
    memcpy(&b, &x, 8);
    sign = (npy_uint16)((b >> 48) & 0x8000u);
    if ((b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull)
        return (b & 0x000fffffffffffffull) ? (npy_uint16)(sign | 0x7e00u)
                                           : (npy_uint16)(sign | 0x7c00u);
    a = fabs(x);
    if (a >= 65520.0) return (npy_uint16)(sign | 0x7c00u);
    if (a < 6.103515625e-05) {  /* subnormal (quantum 2**-24) or zero */
        r = rint(a * 16777216.0);
        return (npy_uint16)(sign | (npy_uint16)r);  /* r == 1024 is the smallest normal */
    }
    (void)frexp(a, &e);            /* a = m * 2**e, m in [0.5, 1) */
    q = ldexp(a, 11 - e);          /* in [1024, 2048) */
    r = rint(q);
    mant = (uint32_t)r;
    ef = e - 1 + 15;
    if (mant == 2048) { mant = 1024; ef++; }
    if (ef >= 31) return (npy_uint16)(sign | 0x7c00u);
    return (npy_uint16)(sign | (ef << 10) | (mant - 1024));
}

/* -- conversions between any two of the 14 numeric types (NumPy's astype) ------------ */
/* Through a wide value of the source's kind -- int64 (bool, signed), uint64 (unsigned),
 * double (float16/32/64), complex double -- which converts to any type as the source
 * itself would in C (integer conversions are modular, the float ones exact).  A complex
 * value converted to a real type keeps its real part, as NumPy's astype. */
#define TH_CV_BUF 256
typedef union {
    npy_int64 i[TH_CV_BUF];
    npy_uint64 u[TH_CV_BUF];
    double d[TH_CV_BUF];
    th_c128 z[TH_CV_BUF];
} th_cvbuf;

#define TH_RD(FIELD, ST, EXPR) { \
    Py_ssize_t i_; \
    for (i_ = 0; i_ < n; i_++) { ST s_ = *(const ST *)(src + i_ * ss); b->FIELD[i_] = (EXPR); } \
    return 0; }

/* n items into b; returns the kind (0: i, 1: u, 2: d, 3: z), or -1. */
__attribute__((optimize("O1")))
static int th_cv_read(const char *src, int stype, Py_ssize_t ss, th_cvbuf *b, Py_ssize_t n)
{
    switch (stype) {
    case NPY_BOOL: TH_RD(i, npy_bool, s_ != 0)
    case NPY_INT8: TH_RD(i, npy_int8, s_)
    case NPY_INT16: TH_RD(i, npy_int16, s_)
    case NPY_INT32: TH_RD(i, npy_int32, s_)
    case NPY_INT64: TH_RD(i, npy_int64, s_)
    case NPY_UINT8: TH_RD(u, npy_uint8, s_)
    case NPY_UINT16: TH_RD(u, npy_uint16, s_)
    case NPY_UINT32: TH_RD(u, npy_uint32, s_)
    case NPY_UINT64: TH_RD(u, npy_uint64, s_)
    case NPY_HALF: TH_RD(d, npy_uint16, th_half_to_float(s_))
    case NPY_FLOAT32: TH_RD(d, npy_float32, s_)
    case NPY_FLOAT64: TH_RD(d, npy_float64, s_)
    case NPY_COMPLEX64: TH_RD(z, th_c64, s_)
    case NPY_COMPLEX128: TH_RD(z, th_c128, s_)
    }
    return -1;
}

static int th_cv_kind(int t)
{
    switch (t) {
    case NPY_BOOL: case NPY_INT8: case NPY_INT16: case NPY_INT32: case NPY_INT64: return 0;
    case NPY_UINT8: case NPY_UINT16: case NPY_UINT32: case NPY_UINT64: return 1;
    case NPY_HALF: case NPY_FLOAT32: case NPY_FLOAT64: return 2;
    case NPY_COMPLEX64: case NPY_COMPLEX128: return 3;
    }
    return -1;
}

#define TH_WR(DT, EXPR) { \
    Py_ssize_t i_; \
    for (i_ = 0; i_ < n; i_++) { VT v_ = w[i_]; *(DT *)(dst + i_ * ds) = (EXPR); } \
    return 0; }
#define TH_WR_CASES \
    switch (dtype) { \
    case NPY_BOOL: TH_WR(npy_bool, v_ != 0) \
    case NPY_INT8: TH_WR(npy_int8, (npy_int8)v_) \
    case NPY_INT16: TH_WR(npy_int16, (npy_int16)v_) \
    case NPY_INT32: TH_WR(npy_int32, (npy_int32)v_) \
    case NPY_INT64: TH_WR(npy_int64, (npy_int64)v_) \
    case NPY_UINT8: TH_WR(npy_uint8, (npy_uint8)v_) \
    case NPY_UINT16: TH_WR(npy_uint16, (npy_uint16)v_) \
    case NPY_UINT32: TH_WR(npy_uint32, (npy_uint32)v_) \
    case NPY_UINT64: TH_WR(npy_uint64, (npy_uint64)v_) \
    case NPY_HALF: TH_WR(npy_uint16, th_double_to_half((double)v_)) \
    case NPY_FLOAT32: TH_WR(npy_float32, (npy_float32)v_) \
    case NPY_FLOAT64: TH_WR(npy_float64, (npy_float64)v_) \
    case NPY_COMPLEX64: TH_WR(th_c64, (th_c64)v_) \
    case NPY_COMPLEX128: TH_WR(th_c128, (th_c128)v_) \
    } \
    return -1;

#define TH_WR_FN(NAME, VT_) \
__attribute__((optimize("O1"))) \
static int NAME(const VT_ *w, char *dst, int dtype, Py_ssize_t ds, Py_ssize_t n) \
{ \
    typedef VT_ VT; \
    TH_WR_CASES \
}
TH_WR_FN(th_cv_write_i, npy_int64)
TH_WR_FN(th_cv_write_u, npy_uint64)
TH_WR_FN(th_cv_write_d, double)
TH_WR_FN(th_cv_write_z, th_c128)

/* n items of type stype (stride ss bytes) converted into type dtype (stride ds). */
static int th_convert_any(const char *src, int stype, Py_ssize_t ss, char *dst, int dtype,
                          Py_ssize_t ds, Py_ssize_t n)
{
    th_cvbuf b;
    Py_ssize_t off;
    int kind = th_cv_kind(stype), rc = 0;
    if (kind < 0) return -1;
    for (off = 0; off < n && rc == 0; off += TH_CV_BUF) {
        Py_ssize_t m = n - off < TH_CV_BUF ? n - off : TH_CV_BUF;
        const char *s_ = src + off * ss;
        char *d_ = dst + off * ds;
        th_cv_read(s_, stype, ss, &b, m);
        switch (kind) {
        case 0: rc = th_cv_write_i(b.i, d_, dtype, ds, m); break;
        case 1: rc = th_cv_write_u(b.u, d_, dtype, ds, m); break;
        case 2: rc = th_cv_write_d(b.d, d_, dtype, ds, m); break;
        default: rc = th_cv_write_z(b.z, d_, dtype, ds, m); break;
        }
    }
    return rc;
}

static Py_ssize_t th_r_typesize(int t)
{
    switch (t) {
    case NPY_BOOL: case NPY_INT8: case NPY_UINT8: return 1;
    case NPY_INT16: case NPY_UINT16: case NPY_HALF: return 2;
    case NPY_INT32: case NPY_UINT32: case NPY_FLOAT32: return 4;
    case NPY_INT64: case NPY_UINT64: case NPY_FLOAT64: case NPY_COMPLEX64: return 8;
    case NPY_COMPLEX128: return 16;
    }
    return 0;
}

#define TH_CVT_FAST(DT, ST) { \
    const ST *s_ = (const ST *)src; \
    DT *d_ = (DT *)dst; \
    Py_ssize_t i_; \
    for (i_ = 0; i_ < n; i_++) d_[i_] = (DT)s_[i_]; \
    return 0; }

/* th_convert_any, with vectorised loops for contiguous conversions to the accumulation
 * types of sums (64-bit integers, float64) and for float16 inputs. */
static int th_convert(const char *src, int stype, Py_ssize_t ss, char *dst, int dtype,
                      Py_ssize_t ds, Py_ssize_t n)
{
    if (ss == th_r_typesize(stype) && ds == th_r_typesize(dtype)) {
        if (dtype == NPY_FLOAT64) {
            if (stype == NPY_FLOAT32) TH_CVT_FAST(npy_float64, npy_float32)
        } else if (dtype == NPY_INT64) {
            switch (stype) {
            case NPY_BOOL: TH_CVT_FAST(npy_int64, npy_bool)
            case NPY_INT8: TH_CVT_FAST(npy_int64, npy_int8)
            case NPY_INT16: TH_CVT_FAST(npy_int64, npy_int16)
            case NPY_INT32: TH_CVT_FAST(npy_int64, npy_int32)
            case NPY_UINT8: TH_CVT_FAST(npy_int64, npy_uint8)
            case NPY_UINT16: TH_CVT_FAST(npy_int64, npy_uint16)
            case NPY_UINT32: TH_CVT_FAST(npy_int64, npy_uint32)
            }
        } else if (dtype == NPY_UINT64) {
            switch (stype) {
            case NPY_UINT8: TH_CVT_FAST(npy_uint64, npy_uint8)
            case NPY_UINT16: TH_CVT_FAST(npy_uint64, npy_uint16)
            case NPY_UINT32: TH_CVT_FAST(npy_uint64, npy_uint32)
            }
        } else if (dtype == NPY_FLOAT32 && stype == NPY_HALF) {
            const npy_uint16 *s_ = (const npy_uint16 *)src;
            float *d_ = (float *)dst;
            Py_ssize_t i_;
            for (i_ = 0; i_ < n; i_++) d_[i_] = th_half_to_float(s_[i_]);
            return 0;
        }
    }
    return th_convert_any(src, stype, ss, dst, dtype, ds, n);
}

/* -- combining values of the accumulation type ----------------------------------------- */
/* NumPy's complex product, without C99's special handling of infinities. */
static inline th_c64 th_cmul64(th_c64 a, th_c64 b)
{
    const float *x = (const float *)&a, *y = (const float *)&b;
    th_c64 r;
    float *z = (float *)&r;
    z[0] = x[0] * y[0] - x[1] * y[1];
    z[1] = x[0] * y[1] + x[1] * y[0];
    return r;
}

static inline th_c128 th_cmul128(th_c128 a, th_c128 b)
{
    const double *x = (const double *)&a, *y = (const double *)&b;
    th_c128 r;
    double *z = (double *)&r;
    z[0] = x[0] * y[0] - x[1] * y[1];
    z[1] = x[0] * y[1] + x[1] * y[0];
    return r;
}

/* Operands of these are plain variables (evaluated more than once). */
#define TH_RC_ADD(a, b) ((a) + (b))
#define TH_RC_MUL(a, b) ((a) * (b))
#define TH_RC_CMUL64(a, b) th_cmul64(a, b)
#define TH_RC_CMUL128(a, b) th_cmul128(a, b)
#define TH_RC_FMAX(a, b) ((((a) >= (b)) | ((a) != (a))) ? (a) : (b))   /* NaN propagates */
#define TH_RC_FMIN(a, b) ((((a) <= (b)) | ((a) != (a))) ? (a) : (b))
#define TH_RC_IMAX(a, b) ((a) >= (b) ? (a) : (b))
#define TH_RC_IMIN(a, b) ((a) <= (b) ? (a) : (b))
#define TH_RC_AND(a, b) ((a) & (b))
#define TH_RC_OR(a, b) ((a) | (b))

/* For one (operation, type): NAME_accv, acc[i] = acc[i] op b[i] (vectorised), and
 * NAME_leaf, the reduction of n contiguous values into *res: w accumulators (a power of
 * two, at most TH_R_W) take the values in turn through NAME_accv, then are combined
 * pairwise by halving (float sums: TH_R_DEFINE_SUM below).  Sums are therefore pairwise
 * sums (each accumulator adds at most n / w values in sequence), as accurate as NumPy's
 * and vectorised (NumPy's order, 8 scalar accumulators per block of 128, is one
 * dependency chain). */
#define TH_R_NOVEC __attribute__((optimize("O1")))
#define TH_R_W 256

#define TH_R_DEFINE(NAME, T, COMB, ID) TH_R_DEFINE_A(NAME, T, COMB, ID, )
#define TH_R_DEFINE_A(NAME, T, COMB, ID, ATTR) \
ATTR static void NAME##_accv(void *acc, const void *b, Py_ssize_t n) \
{ \
    T *a_ = (T *)acc; \
    const T *b_ = (const T *)b; \
    Py_ssize_t i; \
    TH_R_IVDEP \
    for (i = 0; i < n; i++) { T x = a_[i], y = b_[i]; a_[i] = COMB(x, y); } \
} \
ATTR static void NAME##_leaf(const void *av, Py_ssize_t n, void *res) \
{ \
    const T *a = (const T *)av; \
    T acc[TH_R_W]; \
    Py_ssize_t i, w; \
    if (n < 8) { \
        T r = ID; \
        for (i = 0; i < n; i++) { T v_ = a[i]; r = COMB(r, v_); } \
        *(T *)res = r; \
        return; \
    } \
    for (w = 8; w * 2 <= n && w < TH_R_W; w *= 2) {} \
    for (i = 0; i < w; i++) acc[i] = ID; \
    for (i = 0; i < n; i += w) { \
        TH_R_PREFETCH(a + i, w * sizeof(T)); \
        NAME##_accv(acc, a + i, n - i < w ? n - i : w); \
    } \
    while (w > 1) { w /= 2; NAME##_accv(acc, acc + w, w); } \
    *(T *)res = acc[0]; \
}

/* Prefetch the `bytes` bytes 16 KiB after p: leaves are short, and without it the
 * hardware prefetcher leaves a sum over a long row at a third of the memory bandwidth.
 * Into every cache level (locality 3): a non-temporal prefetch made sum(x**2) over 10M
 * doubles 5x slower on an Intel Xeon (7.8 against 1.4 ms), the data arriving too late. */
#if defined(__GNUC__) || defined(__clang__)
#define TH_R_PREFETCH(p, bytes) do { \
    size_t q_; \
    for (q_ = 0; q_ < (size_t)(bytes); q_ += 64) \
        __builtin_prefetch((const char *)(p) + 16384 + q_, 0, 3); \
    } while (0)
#else
#define TH_R_PREFETCH(p, bytes) do { } while (0)
#endif

/* Float sums: 32 scalar accumulators in registers (the compiler vectorises them), each
 * adding every 32nd value, then combined pairwise; about twice as fast as NAME_accv's
 * accumulators in memory. */
#define TH_R_DEFINE_SUM(NAME, T) \
static void NAME##_accv(void *acc, const void *b, Py_ssize_t n) \
{ \
    T *a_ = (T *)acc; \
    const T *b_ = (const T *)b; \
    Py_ssize_t i; \
    TH_R_IVDEP \
    for (i = 0; i < n; i++) a_[i] = a_[i] + b_[i]; \
} \
static void NAME##_leaf(const void *av, Py_ssize_t n, void *res) \
{ \
    const T *a = (const T *)av; \
    T r[32], s_; \
    Py_ssize_t i = 0; \
    int j, k; \
    for (k = 0; k < 32; k++) r[k] = (T)-0.0; \
    for (; i + 32 <= n; i += 32) { \
        TH_R_PREFETCH(a + i, 32 * sizeof(T)); \
        for (k = 0; k < 32; k++) r[k] += a[i + k]; \
    } \
    for (k = 16; k >= 1; k /= 2) \
        for (j = 0; j < k; j++) r[j] += r[j + k]; \
    s_ = r[0]; \
    for (; i < n; i++) s_ += a[i]; \
    *(T *)res = s_; \
}

#if defined(__clang__)
#define TH_R_IVDEP _Pragma("clang loop vectorize(assume_safety)")
#elif defined(__GNUC__)
#define TH_R_IVDEP _Pragma("GCC ivdep")
#else
#define TH_R_IVDEP
#endif

TH_R_DEFINE_A(th_r_sum_i64, npy_int64, TH_RC_ADD, 0, TH_R_NOVEC)
TH_R_DEFINE_A(th_r_sum_u64, npy_uint64, TH_RC_ADD, 0, TH_R_NOVEC)
TH_R_DEFINE_A(th_r_prod_i64, npy_int64, TH_RC_MUL, 1, TH_R_NOVEC)
TH_R_DEFINE_A(th_r_prod_u64, npy_uint64, TH_RC_MUL, 1, TH_R_NOVEC)
TH_R_DEFINE_A(th_r_max_i32, npy_int32, TH_RC_IMAX, NPY_MIN_INT32, TH_R_NOVEC)
TH_R_DEFINE_A(th_r_max_i64, npy_int64, TH_RC_IMAX, NPY_MIN_INT64, TH_R_NOVEC)
TH_R_DEFINE_A(th_r_max_u64, npy_uint64, TH_RC_IMAX, 0, TH_R_NOVEC)
TH_R_DEFINE_A(th_r_min_i32, npy_int32, TH_RC_IMIN, NPY_MAX_INT32, TH_R_NOVEC)
TH_R_DEFINE_A(th_r_min_i64, npy_int64, TH_RC_IMIN, NPY_MAX_INT64, TH_R_NOVEC)
TH_R_DEFINE_A(th_r_min_u64, npy_uint64, TH_RC_IMIN, NPY_MAX_UINT64, TH_R_NOVEC)
TH_R_DEFINE_SUM(th_r_sum_f32, npy_float32)
TH_R_DEFINE_SUM(th_r_sum_f64, npy_float64)
TH_R_DEFINE_A(th_r_sum_c64, th_c64, TH_RC_ADD, (th_c64)0, TH_R_NOVEC)
TH_R_DEFINE_A(th_r_sum_c128, th_c128, TH_RC_ADD, (th_c128)0, TH_R_NOVEC)
TH_R_DEFINE_A(th_r_prod_f32, npy_float32, TH_RC_MUL, 1.0f, TH_R_NOVEC)
TH_R_DEFINE_A(th_r_prod_f64, npy_float64, TH_RC_MUL, 1.0, TH_R_NOVEC)
TH_R_DEFINE_A(th_r_prod_c64, th_c64, TH_RC_CMUL64, (th_c64)1, TH_R_NOVEC)
TH_R_DEFINE_A(th_r_prod_c128, th_c128, TH_RC_CMUL128, (th_c128)1, TH_R_NOVEC)
TH_R_DEFINE(th_r_max_f32, npy_float32, TH_RC_FMAX, -HUGE_VALF)
TH_R_DEFINE(th_r_max_f64, npy_float64, TH_RC_FMAX, -HUGE_VAL)
TH_R_DEFINE(th_r_min_f32, npy_float32, TH_RC_FMIN, HUGE_VALF)
TH_R_DEFINE(th_r_min_f64, npy_float64, TH_RC_FMIN, HUGE_VAL)
TH_R_DEFINE_A(th_r_and_b, npy_bool, TH_RC_AND, 1, TH_R_NOVEC)
TH_R_DEFINE_A(th_r_or_b, npy_bool, TH_RC_OR, 0, TH_R_NOVEC)

/* (products and the integer, complex and boolean reductions are rarer: compiled at -O1,
 * which takes a quarter of the time -O3 takes) */

typedef void (*th_r_leaf_t)(const void *a, Py_ssize_t n, void *res);
typedef void (*th_r_accv_t)(void *acc, const void *b, Py_ssize_t n);

#define TH_R_CASE(TN, NAME) case TN: *leaf = NAME##_leaf; *accv = NAME##_accv; return 0;

/* The typed functions of (op, accumulation type); -1 if unsupported.  Accumulation types:
 * int64, uint64, float32, float64, complex64, complex128 for sums and products (narrower
 * integers wrap the same way in 64 bits); int32, int64, uint64, float32, float64 and bool
 * for max and min (narrower integers are converted); bool for all and any. */
static int th_r_functions(int op, int ctype, th_r_leaf_t *leaf, th_r_accv_t *accv)
{
    switch (op) {
    case TH_R_SUM:
        switch (ctype) {
        TH_R_CASE(NPY_INT64, th_r_sum_i64) TH_R_CASE(NPY_UINT64, th_r_sum_u64)
        TH_R_CASE(NPY_FLOAT32, th_r_sum_f32) TH_R_CASE(NPY_FLOAT64, th_r_sum_f64)
        TH_R_CASE(NPY_COMPLEX64, th_r_sum_c64) TH_R_CASE(NPY_COMPLEX128, th_r_sum_c128)
        }
        break;
    case TH_R_PROD:
        switch (ctype) {
        TH_R_CASE(NPY_INT64, th_r_prod_i64) TH_R_CASE(NPY_UINT64, th_r_prod_u64)
        TH_R_CASE(NPY_FLOAT32, th_r_prod_f32) TH_R_CASE(NPY_FLOAT64, th_r_prod_f64)
        TH_R_CASE(NPY_COMPLEX64, th_r_prod_c64) TH_R_CASE(NPY_COMPLEX128, th_r_prod_c128)
        }
        break;
    case TH_R_MAX:
        switch (ctype) {
        TH_R_CASE(NPY_INT32, th_r_max_i32) TH_R_CASE(NPY_INT64, th_r_max_i64)
        TH_R_CASE(NPY_UINT64, th_r_max_u64)
        TH_R_CASE(NPY_FLOAT32, th_r_max_f32) TH_R_CASE(NPY_FLOAT64, th_r_max_f64)
        TH_R_CASE(NPY_BOOL, th_r_or_b)
        }
        break;
    case TH_R_MIN:
        switch (ctype) {
        TH_R_CASE(NPY_INT32, th_r_min_i32) TH_R_CASE(NPY_INT64, th_r_min_i64)
        TH_R_CASE(NPY_UINT64, th_r_min_u64)
        TH_R_CASE(NPY_FLOAT32, th_r_min_f32) TH_R_CASE(NPY_FLOAT64, th_r_min_f64)
        TH_R_CASE(NPY_BOOL, th_r_and_b)
        }
        break;
    case TH_R_AND:
        if (ctype == NPY_BOOL) { *leaf = th_r_and_b_leaf; *accv = th_r_and_b_accv; return 0; }
        break;
    case TH_R_OR:
        if (ctype == NPY_BOOL) { *leaf = th_r_or_b_leaf; *accv = th_r_or_b_accv; return 0; }
        break;
    }
    return -1;
}

/* The identity of `op` in type `ctype` (16 bytes at most), through the leaf of nothing. */
static void th_r_identity(th_r_leaf_t leaf, void *out)
{
    char dummy[16];
    leaf(dummy, 0, out);
}

/* -- the driver ------------------------------------------------------------------------ */
typedef struct {
    const char *name;
    int op, ctype, csize, otype, osize, nin;
    int plain_type;               /* plain CAReduce: the input's type; fused: -1 */
    th_r_leaf_t leaf;             /* typed on ctype */
    th_r_accv_t accv;
    th_red_leaf_fn gleaf;         /* fused: generated */
    th_red_accum_fn gaccum;
    const char *const *errmsgs;
    char ident[16];
    int pairwise_rows;            /* column layout: combine rows pairwise (float sums, products) */
    /* iteration, outermost dimension first, after sorting and merging */
    int nk, nr;
    Py_ssize_t kshape[TH_MAXDIM], rshape[TH_MAXDIM], kost[TH_MAXDIM];
    Py_ssize_t kst[TH_MAXOP][TH_MAXDIM], rst[TH_MAXOP][TH_MAXDIM];
    char *base[TH_MAXOP];
    char *obase;
    Py_ssize_t isz[TH_MAXOP];
    Py_ssize_t ksize, rsize, nrows, rowlen;
} th_red;

/* Scratch of one thread: TH_BUF items of 16 bytes per input, plus two of the
 * accumulation type (a converted chunk, the accumulators of a column chunk) and the
 * pairwise levels of the column layout. */
typedef struct {
    char *buf;
    char *conv;
    char *acc;
    char *levels;
} th_rscratch;

static int th_rscratch_init(const th_red *R, th_rscratch *s, int nlevels)
{
    size_t per = (size_t)TH_BUF * 16;
    s->buf = (char *)malloc(per * (R->nin + 2 + nlevels));
    if (!s->buf) return -1;
    s->conv = s->buf + per * R->nin;
    s->acc = s->conv + per;
    s->levels = s->acc + per;
    return 0;
}

/* Contiguous operands for n elements starting at p[k] with strides st[k]: the data
 * itself, or a copy in the scratch.  For a plain reduction, q[0] is of the accumulation
 * type. */
static void th_r_operands(const th_red *R, char **p, const Py_ssize_t *st, Py_ssize_t n,
                          th_rscratch *s, char **q)
{
    int k;
    if (R->plain_type >= 0) {
        if (R->plain_type == R->ctype) {
            if (st[0] == R->isz[0]) q[0] = p[0];
            else {
                th_strided(s->conv, p[0], st[0], n, R->isz[0], 1);
                q[0] = s->conv;
            }
        } else {
            th_convert(p[0], R->plain_type, st[0], s->conv, R->ctype, R->csize, n);
            q[0] = s->conv;
        }
        return;
    }
    for (k = 0; k < R->nin; k++) {
        if (st[k] == R->isz[k]) { q[k] = p[k]; continue; }
        q[k] = s->buf + (size_t)k * TH_BUF * 16;
        if (st[k] == 0) th_fill(q[k], p[k], n, R->isz[k]);
        else th_strided(q[k], p[k], st[k], n, R->isz[k], 1);
    }
}

/* The reduction of n <= TH_BUF elements at p (strides st) into res. */
static int th_r_leaf(const th_red *R, char **p, const Py_ssize_t *st, Py_ssize_t n, void *res,
                     th_rscratch *s)
{
    char *q[TH_MAXOP];
    th_r_operands(R, p, st, n, s, q);
    if (R->gleaf) return R->gleaf(n, q, res);
    R->leaf(q[0], n, res);
    return 0;
}

static int th_r_accum(const th_red *R, char **p, const Py_ssize_t *st, Py_ssize_t n, void *acc,
                      th_rscratch *s)
{
    char *q[TH_MAXOP];
    th_r_operands(R, p, st, n, s, q);
    if (R->gaccum) return R->gaccum(n, q, acc);
    R->accv(acc, q[0], n);
    return 0;
}

/* Offsets of multi-index `idx` (flat, C order over dims) for every input. */
static void th_r_offsets(const th_red *R, int nd, const Py_ssize_t *shape,
                         const Py_ssize_t (*st)[TH_MAXDIM], Py_ssize_t idx, char **p)
{
    int d, k;
    for (d = nd - 1; d >= 0 && idx; d--) {
        Py_ssize_t i = idx % shape[d];
        idx /= shape[d];
        if (i)
            for (k = 0; k < R->nin; k++) p[k] += i * st[k][d];
    }
}

/* -- row layout: a tree over (rows, elements) for each output ------------------------- */
typedef struct {
    Py_ssize_t rlo, rhi, elo, ehi;
} th_rnode;

static Py_ssize_t th_rnode_size(const th_red *R, const th_rnode *nd)
{
    return nd->rhi - nd->rlo > 1 ? (nd->rhi - nd->rlo) * R->rowlen : nd->ehi - nd->elo;
}

/* Children of a node that is not a leaf (NumPy's split of a row: halves rounded down to
 * a multiple of 8).  A leaf is one row of at most TH_BUF elements, or several rows of at
 * most TH_BUF elements together. */
static int th_rnode_split(const th_red *R, const th_rnode *nd, th_rnode *a, th_rnode *b)
{
    *a = *b = *nd;
    if (nd->rhi - nd->rlo > 1) {
        if ((nd->rhi - nd->rlo) * R->rowlen <= TH_BUF) return 0;
        a->rhi = b->rlo = nd->rlo + (nd->rhi - nd->rlo) / 2;
        return 1;
    }
    if (nd->ehi - nd->elo > TH_BUF) {
        Py_ssize_t n = nd->ehi - nd->elo, n2 = n / 2;
        n2 -= n2 % 8;
        a->ehi = b->elo = nd->elo + n2;
        return 1;
    }
    return 0;
}

/* The value of node `nd` of the output whose inputs start at ob[k]. */
static int th_rnode_eval(const th_red *R, char *const *ob, const th_rnode *nd, void *res,
                         th_rscratch *s)
{
    th_rnode a, b;
    int err;
    if (th_rnode_split(R, nd, &a, &b)) {
        char tmp[16];
        if ((err = th_rnode_eval(R, ob, &a, res, s))) return err;
        if ((err = th_rnode_eval(R, ob, &b, tmp, s))) return err;
        R->accv(res, tmp, 1);
        return 0;
    } else {
        char *p[TH_MAXOP], tmp[16];
        Py_ssize_t st[TH_MAXOP], r;
        int k, last = R->nr - 1;
        for (k = 0; k < R->nin; k++) st[k] = R->rst[k][last];
        for (r = nd->rlo; r < nd->rhi; r++) {
            for (k = 0; k < R->nin; k++) p[k] = ob[k] + nd->elo * st[k];
            th_r_offsets(R, last, R->rshape, R->rst, r, p);
            err = th_r_leaf(R, p, st, nd->ehi - nd->elo, r == nd->rlo ? res : (void *)tmp, s);
            if (err) return err;
            if (r > nd->rlo) R->accv(res, tmp, 1);
        }
        return 0;
    }
}

/* The nodes of at most TH_R_TPAR elements reached from `nd`, left to right. */
static void th_rnode_frontier(const th_red *R, const th_rnode *nd, th_rnode *list,
                              Py_ssize_t *count)
{
    th_rnode a, b;
    if (th_rnode_size(R, nd) > TH_R_TPAR && th_rnode_split(R, nd, &a, &b)) {
        th_rnode_frontier(R, &a, list, count);
        th_rnode_frontier(R, &b, list, count);
    } else {
        if (list) list[*count] = *nd;
        (*count)++;
    }
}

/* Combine the frontier values of `nd` as th_rnode_eval would. */
static void th_rnode_gather(const th_red *R, const th_rnode *nd, const char *vals,
                            Py_ssize_t *cursor, void *res)
{
    th_rnode a, b;
    if (th_rnode_size(R, nd) > TH_R_TPAR && th_rnode_split(R, nd, &a, &b)) {
        char tmp[16];
        th_rnode_gather(R, &a, vals, cursor, res);
        th_rnode_gather(R, &b, vals, cursor, tmp);
        R->accv(res, tmp, 1);
    } else {
        memcpy(res, vals + (size_t)(*cursor) * R->csize, R->csize);
        (*cursor)++;
    }
}

static char *th_r_output(const th_red *R, Py_ssize_t o, char **ob)
{
    char *out = R->obase;
    int d, k;
    for (k = 0; k < R->nin; k++) ob[k] = R->base[k];
    for (d = R->nk - 1; d >= 0 && o; d--) {
        Py_ssize_t i = o % R->kshape[d];
        o /= R->kshape[d];
        out += i * R->kost[d];
        for (k = 0; k < R->nin; k++) ob[k] += i * R->kst[k][d];
    }
    return out;
}

static int th_r_rows(const th_red *R, int nthreads)
{
    th_rnode root = {0, R->nrows, 0, R->rowlen};
    int err = 0;
    if (nthreads > 1 && R->ksize >= 2 * nthreads) {
#ifdef _OPENMP
        #pragma omp parallel num_threads(nthreads)
        {
            th_rscratch s;
            int e = th_rscratch_init(R, &s, 0) < 0 ? -1 : 0;
            Py_ssize_t o;
            #pragma omp for schedule(dynamic, 16)
            for (o = 0; o < R->ksize; o++) {
                char *ob[TH_MAXOP], *out, res[16];
                if (e) continue;
                out = th_r_output(R, o, ob);
                e = th_rnode_eval(R, ob, &root, res, &s);
                if (!e) th_convert(res, R->ctype, 0, out, R->otype, 0, 1);
            }
            if (e) {
                #pragma omp atomic write
                err = e;
            }
            free(s.buf);
        }
#endif
        return err;
    }
    if (nthreads > 1) {
        /* Few outputs: their subtrees of TH_R_TPAR elements in parallel. */
        Py_ssize_t count = 0, o;
        th_rnode *list;
        char *vals;
        th_rnode_frontier(R, &root, NULL, &count);
        list = (th_rnode *)malloc(sizeof(th_rnode) * count);
        vals = (char *)malloc((size_t)count * 16);
        if (!list || !vals) { free(list); free(vals); return -1; }
        count = 0;
        th_rnode_frontier(R, &root, list, &count);
        for (o = 0; o < R->ksize && !err; o++) {
            char *ob[TH_MAXOP], *out = th_r_output(R, o, ob), res[16];
            Py_ssize_t cursor = 0;
#ifdef _OPENMP
            #pragma omp parallel num_threads(nthreads)
            {
                th_rscratch s;
                int e = th_rscratch_init(R, &s, 0) < 0 ? -1 : 0;
                Py_ssize_t t;
                #pragma omp for schedule(dynamic, 1)
                for (t = 0; t < count; t++)
                    if (!e) e = th_rnode_eval(R, ob, &list[t], vals + (size_t)t * R->csize, &s);
                if (e) {
                    #pragma omp atomic write
                    err = e;
                }
                free(s.buf);
            }
#endif
            if (!err) {
                th_rnode_gather(R, &root, vals, &cursor, res);
                th_convert(res, R->ctype, 0, out, R->otype, 0, 1);
            }
        }
        free(list);
        free(vals);
        return err;
    }
    {
        th_rscratch s;
        Py_ssize_t o;
        if (th_rscratch_init(R, &s, 0) < 0) return -1;
        for (o = 0; o < R->ksize && !err; o++) {
            char *ob[TH_MAXOP], *out = th_r_output(R, o, ob), res[16];
            err = th_rnode_eval(R, ob, &root, res, &s);
            if (!err) th_convert(res, R->ctype, 0, out, R->otype, 0, 1);
        }
        free(s.buf);
    }
    return err;
}

/* -- column layout: chunks of neighbouring outputs, one input row at a time ------------ */
typedef struct {
    Py_ssize_t idx[TH_MAXDIM];
    char *p[TH_MAXOP];
} th_rowit;

static void th_rowit_next(const th_red *R, th_rowit *it)
{
    int d, k;
    for (d = R->nr - 1; d >= 0; d--) {
        if (++it->idx[d] < R->rshape[d]) {
            for (k = 0; k < R->nin; k++) it->p[k] += R->rst[k][d];
            return;
        }
        it->idx[d] = 0;
        for (k = 0; k < R->nin; k++) it->p[k] -= (R->rshape[d] - 1) * R->rst[k][d];
    }
}

/* Accumulate `nrows` rows (from the iterator) of n outputs into acc; float sums and products
 * combine halves pairwise (scratch level `level` and deeper). */
static int th_rowit_run(const th_red *R, th_rowit *it, Py_ssize_t nrows, Py_ssize_t n,
                        const Py_ssize_t *st, char *acc, int level, th_rscratch *s)
{
    int err;
    if (R->pairwise_rows && nrows > 16) {
        Py_ssize_t h = nrows / 2;
        char *tmp = s->levels + (size_t)level * TH_BUF * 16;
        if ((err = th_rowit_run(R, it, h, n, st, acc, level + 1, s))) return err;
        th_fill(tmp, R->ident, n, R->csize);
        if ((err = th_rowit_run(R, it, nrows - h, n, st, tmp, level + 1, s))) return err;
        R->accv(acc, tmp, n);
        return 0;
    }
    for (; nrows > 0; nrows--) {
        if ((err = th_r_accum(R, it->p, st, n, acc, s))) return err;
        th_rowit_next(R, it);
    }
    return 0;
}

static int th_r_levels(const th_red *R)
{
    int levels = 0;
    Py_ssize_t n = R->rsize;
    if (!R->pairwise_rows) return 0;
    while (n > 16) { n = n - n / 2; levels++; }
    return levels + 1;
}

/* Chunk t of the outputs: its inputs' row-0 pointers p, its output pointer, its width. */
static Py_ssize_t th_r_column_chunk(const th_red *R, Py_ssize_t t, Py_ssize_t w,
                                    Py_ssize_t nchunks, char **p, Py_ssize_t *st, char **out)
{
    Py_ssize_t o = t / nchunks, c0 = (t % nchunks) * w, W = R->kshape[R->nk - 1], oo = o;
    int last = R->nk - 1, k, d;
    *out = R->obase + c0 * R->kost[last];
    for (k = 0; k < R->nin; k++) {
        p[k] = R->base[k] + c0 * R->kst[k][last];
        st[k] = R->kst[k][last];
    }
    th_r_offsets(R, last, R->kshape, R->kst, o, p);
    for (d = last - 1; d >= 0 && oo; d--) {
        *out += (oo % R->kshape[d]) * R->kost[d];
        oo /= R->kshape[d];
    }
    return W - c0 < w ? W - c0 : w;
}

/* Rows [lo, hi) of a chunk of n outputs (inputs at p on row 0) into acc. */
static int th_r_column_rows(const th_red *R, char *const *p, const Py_ssize_t *st, Py_ssize_t n,
                            Py_ssize_t lo, Py_ssize_t hi, char *acc, th_rscratch *s)
{
    th_rowit it;
    Py_ssize_t r = lo;
    int d, k;
    for (k = 0; k < R->nin; k++) it.p[k] = p[k];
    for (d = R->nr - 1; d >= 0; d--) {
        it.idx[d] = r % R->rshape[d];
        r /= R->rshape[d];
        for (k = 0; k < R->nin; k++) it.p[k] += it.idx[d] * R->rst[k][d];
    }
    th_fill(acc, R->ident, n, R->csize);
    return th_rowit_run(R, &it, hi - lo, n, st, acc, 0, s);
}

/* Row subtrees of at most TH_R_TPAR elements (th_rowit_run's halves), left to right. */
static void th_r_row_frontier(Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t n, Py_ssize_t *list,
                              Py_ssize_t *count)
{
    if ((hi - lo) * n > TH_R_TPAR && hi - lo > 16) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        th_r_row_frontier(lo, mid, n, list, count);
        th_r_row_frontier(mid, hi, n, list, count);
    } else {
        if (list) { list[2 * *count] = lo; list[2 * *count + 1] = hi; }
        (*count)++;
    }
}

/* Combine the subtrees' values (vals, n each) as th_rowit_run would; the result is left in
 * the first value of the range. */
static char *th_r_row_gather(const th_red *R, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t n,
                             char *vals, Py_ssize_t *cursor)
{
    if ((hi - lo) * n > TH_R_TPAR && hi - lo > 16) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        char *a = th_r_row_gather(R, lo, mid, n, vals, cursor);
        char *b = th_r_row_gather(R, mid, hi, n, vals, cursor);
        R->accv(a, b, n);
        return a;
    }
    return vals + (size_t)(*cursor)++ * n * R->csize;
}

static int th_r_columns(const th_red *R, int nthreads)
{
    Py_ssize_t W = R->kshape[R->nk - 1], outer = R->ksize / W, w = W < TH_BUF ? W : TH_BUF;
    Py_ssize_t nchunks = (W + w - 1) / w, ntasks = outer * nchunks, t;
    int err = 0, levels = th_r_levels(R);
    if (nthreads > 1 && ntasks >= 2 * nthreads) {
#ifdef _OPENMP
        #pragma omp parallel num_threads(nthreads)
        {
            th_rscratch s;
            int e = th_rscratch_init(R, &s, levels) < 0 ? -1 : 0;
            #pragma omp for schedule(dynamic, 1)
            for (t = 0; t < ntasks; t++) {
                char *p[TH_MAXOP], *out;
                Py_ssize_t st[TH_MAXOP], n;
                if (e) continue;
                n = th_r_column_chunk(R, t, w, nchunks, p, st, &out);
                e = th_r_column_rows(R, p, st, n, 0, R->rsize, s.acc, &s);
                if (!e) th_convert(s.acc, R->ctype, R->csize, out, R->otype, R->kost[R->nk - 1], n);
            }
            if (e) {
                #pragma omp atomic write
                err = e;
            }
            free(s.buf);
        }
#endif
        return err;
    }
    if (nthreads > 1) {
        /* Few chunks: their rows split among the threads, in subtrees of a fixed size. */
        Py_ssize_t count = 0, *list;
        char *vals;
        th_r_row_frontier(0, R->rsize, w, NULL, &count);
        list = (Py_ssize_t *)malloc(sizeof(Py_ssize_t) * 2 * count);
        vals = (char *)malloc((size_t)count * w * R->csize);
        if (!list || !vals) { free(list); free(vals); return -1; }
        for (t = 0; t < ntasks && !err; t++) {
            char *p[TH_MAXOP], *out, *res;
            Py_ssize_t st[TH_MAXOP], n = th_r_column_chunk(R, t, w, nchunks, p, st, &out), c = 0;
            count = 0;
            th_r_row_frontier(0, R->rsize, n, list, &count);
#ifdef _OPENMP
            #pragma omp parallel num_threads(nthreads)
            {
                th_rscratch s;
                int e = th_rscratch_init(R, &s, levels) < 0 ? -1 : 0;
                Py_ssize_t u;
                #pragma omp for schedule(dynamic, 1)
                for (u = 0; u < count; u++)
                    if (!e) e = th_r_column_rows(R, p, st, n, list[2 * u], list[2 * u + 1],
                                                 vals + (size_t)u * n * R->csize, &s);
                if (e) {
                    #pragma omp atomic write
                    err = e;
                }
                free(s.buf);
            }
#endif
            if (!err) {
                res = th_r_row_gather(R, 0, R->rsize, n, vals, &c);
                th_convert(res, R->ctype, R->csize, out, R->otype, R->kost[R->nk - 1], n);
            }
        }
        free(list);
        free(vals);
        return err;
    }
    {
        th_rscratch s;
        if (th_rscratch_init(R, &s, levels) < 0) return -1;
        for (t = 0; t < ntasks && !err; t++) {
            char *p[TH_MAXOP], *out;
            Py_ssize_t st[TH_MAXOP], n = th_r_column_chunk(R, t, w, nchunks, p, st, &out);
            err = th_r_column_rows(R, p, st, n, 0, R->rsize, s.acc, &s);
            if (!err) th_convert(s.acc, R->ctype, R->csize, out, R->otype, R->kost[R->nk - 1], n);
        }
        free(s.buf);
    }
    return err;
}

/* -- set-up ------------------------------------------------------------------------------ */
static void th_r_swap(Py_ssize_t *a, Py_ssize_t *b)
{
    Py_ssize_t t = *a;
    *a = *b;
    *b = t;
}

/* Sort dims (outermost first) by |stride| of operand `lead`, flip its negative strides,
 * merge neighbours contiguous for every operand (and for the output when ost != NULL). */
static int th_r_arrange(th_red *R, int n, Py_ssize_t *shape, Py_ssize_t st[TH_MAXOP][TH_MAXDIM],
                        Py_ssize_t *ost, int lead)
{
    int i, j, k, m;
    for (i = 1; i < n; i++)  /* insertion sort, stable */
        for (j = i; j > 0 && Py_ABS(st[lead][j - 1]) < Py_ABS(st[lead][j]); j--) {
            th_r_swap(&shape[j - 1], &shape[j]);
            for (k = 0; k < R->nin; k++) th_r_swap(&st[k][j - 1], &st[k][j]);
            if (ost) th_r_swap(&ost[j - 1], &ost[j]);
        }
    for (i = 0; i < n; i++)
        if (st[lead][i] < 0) {
            for (k = 0; k < R->nin; k++) {
                R->base[k] += (shape[i] - 1) * st[k][i];
                st[k][i] = -st[k][i];
            }
            if (ost) {
                R->obase += (shape[i] - 1) * ost[i];
                ost[i] = -ost[i];
            }
        }
    m = 0;
    for (i = 0; i < n; i++) {
        int merge = m > 0;
        for (k = 0; k < R->nin && merge; k++) merge = st[k][m - 1] == st[k][i] * shape[i];
        if (merge && ost) merge = ost[m - 1] == ost[i] * shape[i];
        if (merge) {
            shape[m - 1] *= shape[i];
            for (k = 0; k < R->nin; k++) st[k][m - 1] = st[k][i];
            if (ost) ost[m - 1] = ost[i];
        } else {
            shape[m] = shape[i];
            for (k = 0; k < R->nin; k++) st[k][m] = st[k][i];
            if (ost) ost[m] = ost[i];
            m++;
        }
    }
    return m;
}

static const char *th_r_opname(int op)
{
    static const char *names[] = {"Sum", "Prod", "Max", "Min", "All", "Any"};
    return op >= 0 && op <= 5 ? names[op] : "reduction";
}

/* Reduce `ops` (nin inputs already of their declared types, broadcast to `shape`) over
 * the dimensions flagged in `reduced` into out. */
static int th_r_run(th_red *R, th_cell *const *ops, th_cell *out, int nd, const Py_ssize_t *shape,
                    unsigned int reduced)
{
    Py_ssize_t oshape[TH_MAXDIM], size = 1, lead_k, lead_r;
    int d, k, j = 0, lead = 0, nthreads, err, column;
    PyThreadState *ts;
    th_r_leaf_t leaf;
    th_r_accv_t accv;
    if (th_r_functions(R->op, R->ctype, &leaf, &accv) < 0) {
        PyErr_Format(PyExc_TypeError, "%s: no C reduction for this type (op %d, type %d)",
                     R->name, R->op, R->ctype);
        return -1;
    }
    R->leaf = leaf;
    R->accv = accv;
    {
        PyArray_Descr *dd = PyArray_DescrFromType(R->ctype);
        if (!dd) return -1;
        R->csize = (int)PyDataType_ELSIZE(dd);
        Py_DECREF(dd);
    }
    th_r_identity(leaf, R->ident);
    /* Float sums and products depend on the order: a fixed (pairwise) tree of rows. */
    R->pairwise_rows = (R->op == TH_R_SUM || R->op == TH_R_PROD)
        && (R->ctype == NPY_FLOAT32 || R->ctype == NPY_FLOAT64
            || R->ctype == NPY_COMPLEX64 || R->ctype == NPY_COMPLEX128);
    for (d = 0; d < nd; d++) {
        size *= shape[d];
        if (!(reduced >> d & 1)) oshape[j++] = shape[d];
    }
    if (size == 0 && (R->op == TH_R_MAX || R->op == TH_R_MIN)) {
        for (d = 0; d < nd; d++)
            if ((reduced >> d & 1) && shape[d] == 0) {
                PyObject *s = th_shape_tuple(ops[0]);
                if (s) {
                    PyErr_Format(PyExc_ValueError, "%s: cannot reduce an empty dimension "
                                 "with %s (input shape %R)", R->name,
                                 R->op == TH_R_MAX ? "maximum" : "minimum", s);
                    Py_DECREF(s);
                }
                return -1;
            }
    }
    if (th_prepare_output(out, j, oshape, R->otype, 0) < 0) return -1;
    R->otype = out->typenum;
    R->osize = out->itemsize;
    R->obase = out->data;
    R->ksize = th_cell_size(out);
    if (R->ksize == 0) return 0;
    if (size == 0) {  /* nothing to reduce: the identity everywhere (0 for sums) */
        char zero[16];
        memset(zero, 0, sizeof(zero));
        th_convert(R->op == TH_R_SUM ? zero : R->ident, R->ctype, 0, out->data, R->otype,
                   R->osize, R->ksize);
        return 0;
    }
    for (k = 0; k < R->nin; k++) {
        R->base[k] = ops[k]->data;
        R->isz[k] = ops[k]->itemsize;
    }
    for (k = 0; k < R->nin; k++)
        if (th_cell_size(ops[k]) == size) { lead = k; break; }
    R->nk = R->nr = 0;
    j = 0;
    for (d = 0; d < nd; d++) {
        int kept = !(reduced >> d & 1);
        if (shape[d] != 1) {
            if (kept) {
                R->kshape[R->nk] = shape[d];
                R->kost[R->nk] = out->strides[j];
                for (k = 0; k < R->nin; k++)
                    R->kst[k][R->nk] = ops[k]->dims[d] == 1 ? 0 : ops[k]->strides[d];
                R->nk++;
            } else {
                R->rshape[R->nr] = shape[d];
                for (k = 0; k < R->nin; k++)
                    R->rst[k][R->nr] = ops[k]->dims[d] == 1 ? 0 : ops[k]->strides[d];
                R->nr++;
            }
        }
        if (kept) j++;
    }
    R->nk = th_r_arrange(R, R->nk, R->kshape, R->kst, R->kost, lead);
    R->nr = th_r_arrange(R, R->nr, R->rshape, R->rst, NULL, lead);
    R->rsize = 1;
    for (d = 0; d < R->nr; d++) R->rsize *= R->rshape[d];
    lead_k = R->nk ? Py_ABS(R->kst[lead][R->nk - 1]) : PY_SSIZE_T_MAX;
    lead_r = R->nr ? Py_ABS(R->rst[lead][R->nr - 1]) : PY_SSIZE_T_MAX;
    column = R->nk > 0 && ((lead_k < lead_r && R->kshape[R->nk - 1] >= 8)
                           || (R->rsize < 16 && R->kshape[R->nk - 1] >= 16)
                           || R->nr == 0);
    if (!column && R->nr == 0) {  /* a single element per output */
        R->rshape[0] = 1;
        for (k = 0; k < R->nin; k++) R->rst[k][0] = R->isz[k];
        R->nr = 1;
    }
    if (!column) {
        R->rowlen = R->rshape[R->nr - 1];
        R->nrows = R->rsize / R->rowlen;
    }
    nthreads = th_threads_for(size);
    ts = size >= 16384 ? PyEval_SaveThread() : NULL;
    err = column ? th_r_columns(R, nthreads) : th_r_rows(R, nthreads);
    if (ts) PyEval_RestoreThread(ts);
    if (err) {
        if (err < 0) PyErr_NoMemory();
        else PyErr_Format(PyExc_ValueError, "%s: %s", R->name,
                          R->errmsgs ? R->errmsgs[err - 1] : "error");
        return -1;
    }
    return 0;
}

/* CAReduce: params (op, accumulation type, output type, input type, nd, reduced mask). */
static int th_k_reduce(th_cell *const *in, th_cell *const *out, const void *data)
{
    const Py_ssize_t *prm = (const Py_ssize_t *)data;
    th_red R;
    th_cell conv;
    const th_cell *x;
    char name[64];
    int rc;
    R.op = (int)prm[0];
    R.ctype = (int)prm[1];
    R.otype = (int)prm[2];
    R.nin = 1;
    R.gleaf = NULL;
    R.gaccum = NULL;
    R.errmsgs = NULL;
    snprintf(name, sizeof(name), "%s", th_r_opname(R.op));
    R.name = name;
    if (th_check_array(in[0], name, "the input", (int)prm[4], -1) < 0) return -1;
    conv.obj = NULL;
    x = th_as_type(in[0], &conv, (int)prm[3]);
    if (!x) return -1;
    R.plain_type = x->typenum;
    rc = th_r_run(&R, (th_cell *const *)&x, out[0], x->nd, x->dims, (unsigned int)prm[5]);
    if (conv.obj) th_cell_clear(&conv);
    return rc;
}

/* The reduction of an elementwise expression; `data` is the node's th_red_spec. */
static int th_k_fused_reduce(th_cell *const *in, th_cell *const *out, const void *data)
{
    const th_red_spec *K = (const th_red_spec *)data;
    th_cell conv[TH_MAXOP];
    th_cell *ops[TH_MAXOP];
    Py_ssize_t shape[TH_MAXDIM];
    int nin = K->nin, nd = K->nd, i, d, rc = -1;
    th_red R;
    for (i = 0; i < nin; i++) conv[i].obj = NULL;
    for (i = 0; i < nin; i++) {
        const th_cell *c = in[i];
        if (th_check_array(c, K->name, "an input", nd, -1) < 0) goto done;
        c = th_as_type(c, &conv[i], K->types[i]);
        if (!c) goto done;
        ops[i] = (th_cell *)c;
    }
    for (d = 0; d < nd; d++) {  /* Theano broadcasting, as the elementwise driver */
        int first = -1;
        shape[d] = 1;
        for (i = 0; i < nin; i++) {
            Py_ssize_t s = ops[i]->dims[d];
            if (s == 1) continue;
            if (first >= 0 && s != shape[d]) {
                th_ew_spec e;
                e.name = K->name;
                e.nin = nin;
                th_shape_error(&e, (const th_cell *const *)ops, i, first, d, shape[d]);
                goto done;
            }
            shape[d] = s;
            first = i;
        }
        for (i = 0; i < nin; i++)
            if (ops[i]->dims[d] != shape[d] && !K->bcast[i * nd + d]) {
                th_ew_spec e;
                e.name = K->name;
                e.nin = nin;
                th_shape_error(&e, (const th_cell *const *)ops, i, -1, d, shape[d]);
                goto done;
            }
    }
    R.name = K->name;
    R.op = K->op;
    R.ctype = K->acc_typenum;
    R.otype = K->out_typenum;
    R.nin = nin;
    R.plain_type = -1;
    R.gleaf = K->leaf;
    R.gaccum = K->accum;
    R.errmsgs = K->errmsgs;
    rc = th_r_run(&R, ops, out[0], nd, shape, K->reduced);
done:
    for (i = 0; i < nin; i++)
        if (conv[i].obj) th_cell_clear(&conv[i]);
    return rc;
}

/* -- argmax / argmin -------------------------------------------------------------------- */
/* The first index of the extremum (the first NaN if any), over the reduced dims in the
 * op's axis order, flattened in C order. */
#define TH_ARG_SCAN(T, LOAD, ISNAN, KEEP) { \
    T best = LOAD(ob); \
    if (ISNAN(best)) done = 1; \
    for (r = 0; r < nrows && !done; r++) { \
        const char *p = ob; \
        Py_ssize_t rr = r, j; \
        for (d = nr - 2; d >= 0 && rr; d--) { p += (rr % rsh[d]) * rst[d]; rr /= rsh[d]; } \
        for (j = 0; j < rowlen; j++) { \
            T v = LOAD(p + j * s); \
            if (!KEEP(v, best)) {  /* a new extremum, or NaN */ \
                bi = r * rowlen + j; \
                if (ISNAN(v)) { done = 1; break; } \
                best = v; \
            } \
        } \
    } }
#define TH_KEEP_MAX(v, b) ((v) <= (b))
#define TH_KEEP_MIN(v, b) ((v) >= (b))
#define TH_ARG_CASE(TN, T, LOAD, ISNAN) case TN: \
    if (is_min) TH_ARG_SCAN(T, LOAD, ISNAN, TH_KEEP_MIN) \
    else TH_ARG_SCAN(T, LOAD, ISNAN, TH_KEEP_MAX) \
    break;
#define TH_LD(T) *(const T *)
#define TH_LD_HALF(p) th_half_to_float(*(const npy_uint16 *)(p))
#define TH_NONAN(v) 0
#define TH_ISNAN(v) ((v) != (v))

__attribute__((optimize("O2", "no-tree-vectorize")))
static int th_k_argmax(th_cell *const *in, th_cell *const *out, const void *data)
{
    /* params: is_min, input type, nd, naxes, axes... */
    const Py_ssize_t *prm = (const Py_ssize_t *)data;
    int is_min = (int)prm[0], typenum = (int)prm[1], nd = (int)prm[2], na = (int)prm[3];
    const th_cell *x;
    th_cell conv;
    Py_ssize_t oshape[TH_MAXDIM], kshape[TH_MAXDIM], kst[TH_MAXDIM], kost[TH_MAXDIM];
    Py_ssize_t rsh[TH_MAXDIM], rst[TH_MAXDIM], size, nout, nrows, rowlen, s;
    int d, a, j = 0, nk = 0, nr = 0, rc = -1, nthreads;
    unsigned int mask = 0;
    const char *name = is_min ? "Argmin" : "Argmax";
    PyThreadState *ts;
    if (th_check_array(in[0], name, "the input", nd, -1) < 0) return -1;
    conv.obj = NULL;
    x = th_as_type(in[0], &conv, typenum);
    if (!x) return -1;
    for (a = 0; a < na; a++) mask |= 1u << prm[4 + a];
    size = th_cell_size(x);
    for (d = 0; d < nd; d++) if (!(mask >> d & 1)) oshape[j++] = x->dims[d];
    if (size == 0) {
        for (a = 0; a < na; a++)
            if (x->dims[prm[4 + a]] == 0) {
                PyObject *t = th_shape_tuple(x);
                if (t) {
                    PyErr_Format(PyExc_ValueError, "%s: attempt to get the arg-extremum of an "
                                 "empty sequence (input shape %R)", name, t);
                    Py_DECREF(t);
                }
                goto fail;
            }
    }
    if (th_prepare_output(out[0], j, oshape, NPY_INT64, 0) < 0) goto fail;
    nout = th_cell_size(out[0]);
    if (nout == 0) { rc = 0; goto fail; }
    j = 0;
    for (d = 0; d < nd; d++)
        if (!(mask >> d & 1)) {
            kshape[nk] = x->dims[d];
            kst[nk] = x->strides[d];
            kost[nk] = out[0]->strides[j++];
            nk++;
        }
    /* reduced dims in the op's order; merge neighbours contiguous in that order */
    for (a = 0; a < na; a++) {
        int dd = (int)prm[4 + a];
        if (nr > 0 && rst[nr - 1] == x->strides[dd] * x->dims[dd]) {
            rsh[nr - 1] *= x->dims[dd];
            rst[nr - 1] = x->strides[dd];
        } else {
            rsh[nr] = x->dims[dd];
            rst[nr] = x->strides[dd];
            nr++;
        }
    }
    if (nr == 0) { rsh[0] = 1; rst[0] = x->itemsize; nr = 1; }
    rowlen = rsh[nr - 1];
    s = rst[nr - 1];
    nrows = size / nout / rowlen;
    nthreads = th_threads_for(size);
    if (nout < 2 * nthreads) nthreads = 1;
    ts = size >= 16384 ? PyEval_SaveThread() : NULL;
    {
        Py_ssize_t o;
        #pragma omp parallel for num_threads(nthreads) schedule(dynamic, 16) if (nthreads > 1)
        for (o = 0; o < nout; o++) {
            const char *ob = x->data;
            char *op = out[0]->data;
            Py_ssize_t oo = o, r, bi = 0;
            int dk, d, done = 0;
            for (dk = nk - 1; dk >= 0 && oo; dk--) {
                Py_ssize_t i = oo % kshape[dk];
                oo /= kshape[dk];
                ob += i * kst[dk];
                op += i * kost[dk];
            }
            switch (typenum) {
            TH_ARG_CASE(NPY_BOOL, npy_bool, TH_LD(npy_bool), TH_NONAN)
            TH_ARG_CASE(NPY_INT8, npy_int8, TH_LD(npy_int8), TH_NONAN)
            TH_ARG_CASE(NPY_INT16, npy_int16, TH_LD(npy_int16), TH_NONAN)
            TH_ARG_CASE(NPY_INT32, npy_int32, TH_LD(npy_int32), TH_NONAN)
            TH_ARG_CASE(NPY_INT64, npy_int64, TH_LD(npy_int64), TH_NONAN)
            TH_ARG_CASE(NPY_UINT8, npy_uint8, TH_LD(npy_uint8), TH_NONAN)
            TH_ARG_CASE(NPY_UINT16, npy_uint16, TH_LD(npy_uint16), TH_NONAN)
            TH_ARG_CASE(NPY_UINT32, npy_uint32, TH_LD(npy_uint32), TH_NONAN)
            TH_ARG_CASE(NPY_UINT64, npy_uint64, TH_LD(npy_uint64), TH_NONAN)
            TH_ARG_CASE(NPY_HALF, float, TH_LD_HALF, TH_ISNAN)
            TH_ARG_CASE(NPY_FLOAT32, npy_float32, TH_LD(npy_float32), TH_ISNAN)
            TH_ARG_CASE(NPY_FLOAT64, npy_float64, TH_LD(npy_float64), TH_ISNAN)
            }
            *(npy_int64 *)op = bi;
        }
    }
    if (ts) PyEval_RestoreThread(ts);
    rc = 0;
fail:
    if (conv.obj) th_cell_clear(&conv);
    return rc;
}
