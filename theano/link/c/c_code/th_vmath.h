/* Transcendental functions written for the elementwise loops: no call, no branch, no
 * table, so that GCC and clang vectorise a fused loop that uses them (a scalar libm call
 * stops vectorisation, and glibc's vector libm -- libmvec -- is slow for log1p and tanh).
 *
 * Pasted into a kernel module by theano/link/c/scalar_c.py when a loop uses one of them.
 * Each function is within 2 ulp of the exact result over its whole domain (sigmoid: 3)
 * and returns what NumPy returns for NaN, +-inf, -0.0, subnormals and at the overflow and
 * underflow limits (tests/link/test_c_vmath.py).  Conditions are selects (`c ? a : b` on
 * values both computed), which the vectoriser turns into blends.
 *
 * exp and expm1 reduce x = n ln2 + r (|r| <= ln2/2, ln2 split in two so that n*ln2_hi is
 * exact) and evaluate expm1(r) by its Taylor polynomial; 2**n is built from the bits of n,
 * as two factors when it may leave the normal range, so that a subnormal result is
 * rounded as one.  log1p writes 1 + x = u + c exactly (c the rounding error of u),
 * u = 2**k (1 + f) with 1 + f in [sqrt(1/2), sqrt(2)), and log(1 + f) = 2 atanh(s),
 * s = f / (2 + f), as f - f*f/2 + s (f*f/2 + s*s w(s*s)), plus the correction c / u.
 */
#ifndef TH_VMATH_H
#define TH_VMATH_H

#if defined(__FMA__) || defined(__ARM_FEATURE_FMA) || defined(__FP_FAST_FMA)
#define TH_FMA(a, b, c) fma(a, b, c)
#define TH_FMAF(a, b, c) fmaf(a, b, c)
#else /* no fused multiply-add instruction: a libm call would stop vectorisation */
#define TH_FMA(a, b, c) ((a) * (b) + (c))
#define TH_FMAF(a, b, c) ((a) * (b) + (c))
#endif

static inline double th_from_bits_d(uint64_t b) { double d; memcpy(&d, &b, 8); return d; }
static inline uint64_t th_bits_d(double d) { uint64_t b; memcpy(&b, &d, 8); return b; }
static inline float th_from_bits_f(uint32_t b) { float f; memcpy(&f, &b, 4); return f; }
static inline uint32_t th_bits_f(float f) { uint32_t b; memcpy(&b, &f, 4); return b; }

/* x limited to [lo, hi]; NaN passes (each select is one vminpd / vmaxpd) */
static inline double th_clamp_d(double x, double lo, double hi)
{
    x = hi < x ? hi : x;
    return lo > x ? lo : x;
}

static inline float th_clamp_f(float x, float lo, float hi)
{
    x = hi < x ? hi : x;
    return lo > x ? lo : x;
}

/* ---------------------------------------------------------------- float64 */
#define TH_SHIFT_D 0x1.8p52              /* x + shift rounds x to an integer held in the low bits */
#define TH_INVLN2_D 0x1.71547652b82fep0
#define TH_LN2HI_D 0x1.62e42fee00000p-1  /* 32 significant bits: k * ln2_hi is exact */
#define TH_LN2LO_D 0x1.a39ef35793c76p-33

/* 2**n for an integer-valued n held as t = n + TH_SHIFT_D, n in [-1022, 1023] */
static inline double th_pow2_d(double t)
{
    return th_from_bits_d((th_bits_d(t) - th_bits_d(TH_SHIFT_D) + 1023) << 52);
}

/* n = round(x / ln2) (as n + shift in *t) and the reduced argument r = x - n ln2 */
static inline double th_reduce_d(double x, double *t)
{
    double tt = TH_FMA(x, TH_INVLN2_D, TH_SHIFT_D), n = tt - TH_SHIFT_D;
    double r = TH_FMA(-n, TH_LN2HI_D, x);
    *t = tt;
    return TH_FMA(-n, TH_LN2LO_D, r);
}

/* expm1(r) for |r| <= 0.35: Taylor polynomial of degree 13 (truncation below 1e-17),
 * in Estrin's scheme: a short dependency chain keeps the FMA units busy */
static inline double th_expm1_poly_d(double r)
{
    double r2 = r * r, r4 = r2 * r2;
    double a = TH_FMA(1.0 / 6.0, r, 0.5);
    double b = TH_FMA(1.0 / 120.0, r, 1.0 / 24.0);
    double c = TH_FMA(1.0 / 5040.0, r, 1.0 / 720.0);
    double d = TH_FMA(1.0 / 362880.0, r, 1.0 / 40320.0);
    double e = TH_FMA(1.0 / 39916800.0, r, 1.0 / 3628800.0);
    double f = TH_FMA(1.0 / 6227020800.0, r, 1.0 / 479001600.0);
    double ab = TH_FMA(b, r2, a), cd = TH_FMA(d, r2, c), ef = TH_FMA(f, r2, e);
    return TH_FMA(TH_FMA(TH_FMA(ef, r4, cd), r4, ab), r2, r);
}

/* (1 + q) 2**n with n = t - shift in [-1075, 1024]: s1 + q s1 rounded once, then an
 * exact scaling (a second rounding only for a subnormal result) */
static inline double th_scale_d(double q, double t)
{
    double n = t - TH_SHIFT_D;
    double t1 = TH_FMA(n, 0.5, TH_SHIFT_D), n1 = t1 - TH_SHIFT_D;
    double t2 = (n - n1) + TH_SHIFT_D;
    double s1 = th_pow2_d(t1);
    return TH_FMA(q, s1, s1) * th_pow2_d(t2);
}

static inline double th_exp_d(double x)
{
    double t, r;
    x = th_clamp_d(x, -745.2, 709.8);  /* beyond: 0 and inf anyway */
    r = th_reduce_d(x, &t);
    return th_scale_d(th_expm1_poly_d(r), t);
}

static inline double th_expm1_d(double x)
{
    double t, r, q, h;
    r = th_reduce_d(th_clamp_d(x, -40.0, 709.8), &t);  /* expm1(-40) rounds to -1 */
    q = th_expm1_poly_d(r);
    /* 2 (h q + (h - 1/2)), h = 2**(n-1) (normal for n in [-58, 1024]): one rounding, then
     * an exact doubling, or an overflow to inf where exp(x) overflows */
    h = th_pow2_d(t - 1.0);
    h = 2.0 * TH_FMA(h, q, h - 0.5);
    return x == 0 ? x : h;  /* keeps -0.0 */
}

/* expm1(y) for y <= 0 or NaN: 2**n, n in [-58, 0], is one normal factor */
static inline double th_expm1_neg_d(double y)
{
    double t, q, s;
    q = th_expm1_poly_d(th_reduce_d(-40.0 > y ? -40.0 : y, &t));
    s = th_pow2_d(t);
    return TH_FMA(s, q, s - 1.0);
}

/* w(z) = (2 atanh(s) - 2s) / s**3 as a polynomial in z = s*s <= 0.0295 (|s| <= 3 - 2
 * sqrt 2): near-minimax coefficients (a Chebyshev fit with mpmath), error 3e-16 on a
 * term below 1.5% of the result */
static inline double th_log_poly_d(double z)
{
    double z2 = z * z, z4 = z2 * z2;
    double a = TH_FMA(0x1.9999999995273p-2, z, 0x1.5555555555558p-1);
    double b = TH_FMA(0x1.c71c62d5e53e0p-3, z, 0x1.2492492dfd86cp-2);
    double c = TH_FMA(0x1.39fdcceb4bb45p-3, z, 0x1.7462b91b8df65p-3);
    return TH_FMA(TH_FMA(0x1.2b5f68a50d903p-3, z2, c), z4, TH_FMA(b, z2, a));
}

/* log1p(f) + lo for f in [sqrt(1/2) - 1, sqrt(2) - 1] and a small lo, adding the small
 * terms first so that their rounding errors stay small */
static inline double th_log1pm_d(double f, double lo)
{
    double s = f / (2.0 + f), z = s * s, hfsq = 0.5 * f * f;
    return f - (hfsq - (s * (hfsq + z * th_log_poly_d(z)) + lo));
}

static inline double th_log1p_d(double x)
{
    const uint64_t sqrt_half = 0x3fe6a09e667f3bcdULL;
    double u = 1.0 + x, c, k, m, res;
    uint64_t iu;
    /* c = (1 + x) - u exactly (Fast2Sum, larger operand first) */
    c = fabs(x) >= 1.0 ? 1.0 - (u - x) : x - (u - 1.0);
    /* u = 2**k m, m in [sqrt(1/2), sqrt(2)): the offset moves that interval's start to
     * a power of two, whose exponent field is then k */
    iu = th_bits_d(u) + (0x3ff0000000000000ULL - sqrt_half);
    k = th_from_bits_d((iu >> 52) + th_bits_d(TH_SHIFT_D)) - TH_SHIFT_D - 1023.0;
    m = th_from_bits_d((iu & 0x000fffffffffffffULL) + sqrt_half);
    res = k * TH_LN2HI_D + th_log1pm_d(m - 1.0, k * TH_LN2LO_D + c / u);
    res = x == HUGE_VAL ? x : res;
    res = x == -1.0 ? -HUGE_VAL : res;
    res = x < -1.0 ? (double)NAN : res;
    return x == 0 ? x : res;  /* keeps -0.0 */
}

/* log1p(e) for e in [0, 1] or NaN, where no special case arises */
static inline double th_log1p_unit_d(double e)
{
    /* 1 + e = 2**k (1 + f) with f exact: f = e (k = 0) or (e - 1) / 2 (k = 1) */
    int big = e >= 0x1.a827999fcef32p-2;  /* sqrt(2) - 1 */
    double f = big ? (e - 1.0) * 0.5 : e;
    return (big ? TH_LN2HI_D : 0.0) + th_log1pm_d(f, big ? TH_LN2LO_D : 0.0);
}

static inline double th_tanh_d(double x)
{
    /* tanh|x| = -t / (t + 2) with t = expm1(-2|x|) in [-1, 0]: nothing overflows */
    double t = th_expm1_neg_d(-2.0 * fabs(x));
    return copysign(-t / (t + 2.0), x);
}

static inline double th_sigmoid_d(double x)
{
    return 1.0 / (1.0 + th_exp_d(-x));  /* scipy's expit */
}

static inline double th_softplus_d(double x)
{
    /* log(1 + e**x) = max(x, 0) + log1p(e**-|x|); NaN from the second term */
    return (x > 0 ? x : 0.0) + th_log1p_unit_d(th_exp_d(-fabs(x)));
}

/* ---------------------------------------------------------------- float32 */
#define TH_SHIFT_F 0x1.8p23f
#define TH_INVLN2_F 0x1.715476p0f
#define TH_LN2HI_F 0x1.62e4p-1f           /* 15 significant bits: k * ln2_hi is exact */
#define TH_LN2LO_F 0x1.7f7d1cp-20f

static inline float th_pow2_f(float t)
{
    return th_from_bits_f((th_bits_f(t) - th_bits_f(TH_SHIFT_F) + 127) << 23);
}

static inline float th_reduce_f(float x, float *t)
{
    float tt = TH_FMAF(x, TH_INVLN2_F, TH_SHIFT_F), n = tt - TH_SHIFT_F;
    float r = TH_FMAF(-n, TH_LN2HI_F, x);
    *t = tt;
    return TH_FMAF(-n, TH_LN2LO_F, r);
}

/* expm1(r) for |r| <= 0.35: Taylor polynomial of degree 7 (truncation below 2e-8 r) */
static inline float th_expm1_poly_f(float r)
{
    float r2 = r * r;
    float a = TH_FMAF(1.0f / 6.0f, r, 0.5f);
    float b = TH_FMAF(1.0f / 120.0f, r, 1.0f / 24.0f);
    float c = TH_FMAF(1.0f / 5040.0f, r, 1.0f / 720.0f);
    return TH_FMAF(TH_FMAF(TH_FMAF(c, r2, b), r2, a), r2, r);
}

static inline float th_scale_f(float q, float t)
{
    float n = t - TH_SHIFT_F;
    float t1 = TH_FMAF(n, 0.5f, TH_SHIFT_F), n1 = t1 - TH_SHIFT_F;
    float t2 = (n - n1) + TH_SHIFT_F;
    float s1 = th_pow2_f(t1);
    return TH_FMAF(q, s1, s1) * th_pow2_f(t2);
}

static inline float th_exp_f(float x)
{
    float t, r;
    x = th_clamp_f(x, -104.0f, 88.8f);
    r = th_reduce_f(x, &t);
    return th_scale_f(th_expm1_poly_f(r), t);
}

static inline float th_expm1_f(float x)
{
    float t, r, q, h;
    r = th_reduce_f(th_clamp_f(x, -20.0f, 88.8f), &t);  /* expm1f(-20) rounds to -1 */
    q = th_expm1_poly_f(r);
    h = th_pow2_f(t - 1.0f);
    h = 2.0f * TH_FMAF(h, q, h - 0.5f);
    return x == 0 ? x : h;
}

/* expm1f(y) for y <= 0 or NaN: n in [-29, 0] */
static inline float th_expm1_neg_f(float y)
{
    float t, q, s;
    q = th_expm1_poly_f(th_reduce_f(-20.0f > y ? -20.0f : y, &t));
    s = th_pow2_f(t);
    return TH_FMAF(s, q, s - 1.0f);
}

/* w(z) as th_log_poly_d, to float precision (fit error 1e-9) */
static inline float th_log_poly_f(float z)
{
    float z2 = z * z;
    return TH_FMAF(TH_FMAF(0x1.ddd4dap-3f, z, 0x1.245c28p-2f), z2,
                   TH_FMAF(0x1.9999ecp-2f, z, 0x1.555556p-1f));
}

static inline float th_log1pm_f(float f, float lo)
{
    float s = f / (2.0f + f), z = s * s, hfsq = 0.5f * f * f;
    return f - (hfsq - (s * (hfsq + z * th_log_poly_f(z)) + lo));
}

static inline float th_log1p_f(float x)
{
    const uint32_t sqrt_half = 0x3f3504f3U;
    float u = 1.0f + x, c, k, m, res;
    uint32_t iu;
    c = fabsf(x) >= 1.0f ? 1.0f - (u - x) : x - (u - 1.0f);
    iu = th_bits_f(u) + (0x3f800000U - sqrt_half);
    k = th_from_bits_f((iu >> 23) + th_bits_f(TH_SHIFT_F)) - TH_SHIFT_F - 127.0f;
    m = th_from_bits_f((iu & 0x007fffffU) + sqrt_half);
    res = k * TH_LN2HI_F + th_log1pm_f(m - 1.0f, k * TH_LN2LO_F + c / u);
    res = x == HUGE_VALF ? x : res;
    res = x == -1.0f ? -HUGE_VALF : res;
    res = x < -1.0f ? NAN : res;
    return x == 0 ? x : res;
}

static inline float th_log1p_unit_f(float e)
{
    int big = e >= 0x1.a8279ap-2f;
    float f = big ? (e - 1.0f) * 0.5f : e;
    return (big ? TH_LN2HI_F : 0.0f) + th_log1pm_f(f, big ? TH_LN2LO_F : 0.0f);
}

static inline float th_tanh_f(float x)
{
    float t = th_expm1_neg_f(-2.0f * fabsf(x));
    return copysignf(-t / (t + 2.0f), x);
}

static inline float th_sigmoid_f(float x)
{
    return 1.0f / (1.0f + th_exp_f(-x));
}

static inline float th_softplus_f(float x)
{
    return (x > 0 ? x : 0.0f) + th_log1p_unit_f(th_exp_f(-fabsf(x)));
}

#endif /* TH_VMATH_H */
