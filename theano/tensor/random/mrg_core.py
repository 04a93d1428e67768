"""Pure-NumPy core of Theano 1.0's random numbers: MRG31k3p and its streams.

Reproduces, bit for bit and without graph machinery, the numbers of
``MRG_RandomStreams`` (L'Ecuyer & Touzin's MRG31k3p with the stream and
substream layout of L'Ecuyer, Simard, Chen & Kelton) and the seeds that
``RandomStreams`` derives for its variables.  How Theano 1.0 laid out states,
streams and the samplers built on uniform draws is described in
``docs/random.md``.
"""
import warnings

import numpy as np

__all__ = [
    "M1", "M2", "MASK12", "MASK13", "MASK2", "MULT2", "NORM", "NORM_FLOAT32",
    "NORM_FLOAT16", "A1p0", "A2p0", "A1p72", "A2p72", "A1p134", "A2p134",
    "DEFAULT_SEED", "MAX_GUESSED_STREAMS", "TRUNCATED_NORMAL_STD",
    "matVecModM", "multMatVect", "ff_2p72", "ff_2p134", "seed_to_rstate",
    "next_rstate", "substream_rstates", "guess_n_streams", "mrg_next_value",
    "mrg_uniform", "scale_uniform", "n_uniform_for_normal",
    "normal_from_uniform", "truncated_normal_from_uniform",
    "binomial_from_uniform", "multinomial_from_uniform",
    "choice_from_uniform", "MRGStreamsState", "randomstreams_variable_seeds",
]

# ---------------------------------------------------------------------------
# Constants of MRG31k3p
# ---------------------------------------------------------------------------
M1 = 2147483647            # 2**31 - 1
M2 = 2147462579            # 2**31 - 21069
MASK12 = 511               # 2**9 - 1
MASK13 = 16777215          # 2**24 - 1
MASK2 = 65535              # 2**16 - 1
MULT2 = 21069
NORM = 4.656612873077392578125e-10          # 2**-31, float64 conversion
NORM_FLOAT32 = np.float32(4.6566126e-10)    # float32 conversion
NORM_FLOAT16 = np.float16(3.0458e-05)       # float16 conversion (mask 0x7fff, +1)

DEFAULT_SEED = 12345
MAX_GUESSED_STREAMS = 60 * 256
TRUNCATED_NORMAL_STD = 0.87962566103423978   # std of N(0,1) truncated to [-2, 2]

# One-step transition matrices (state column = [x_n, x_{n-1}, x_{n-2}]).
A1p0 = np.array([[0, 4194304, 129], [1, 0, 0], [0, 1, 0]], dtype=np.int64)
A2p0 = np.array([[32768, 0, 32769], [1, 0, 0], [0, 1, 0]], dtype=np.int64)

# Jump-ahead matrices: A1p72 = A1p0 ** (2**72) mod M1, etc.
A1p72 = np.array([[1516919229, 758510237, 499121365],
                  [1884998244, 1516919229, 335398200],
                  [601897748, 1884998244, 358115744]], dtype=np.int64)
A2p72 = np.array([[1228857673, 1496414766, 954677935],
                  [1133297478, 1407477216, 1496414766],
                  [2002613992, 1639496704, 1407477216]], dtype=np.int64)
A1p134 = np.array([[1702500920, 1849582496, 1656874625],
                   [828554832, 1702500920, 1512419905],
                   [1143731069, 828554832, 102237247]], dtype=np.int64)
A2p134 = np.array([[796789021, 1464208080, 607337906],
                   [1241679051, 1431130166, 1464208080],
                   [1401213391, 1178684362, 1431130166]], dtype=np.int64)

_I32_MIN = -(2 ** 31)
_I32_MAX = 2 ** 31 - 1


# ---------------------------------------------------------------------------
# Modular linear algebra (jump-ahead)
# ---------------------------------------------------------------------------
def _c_mod(a, m):
    """C's ``%`` (truncated division remainder) on int64 arrays."""
    return np.fmod(a, np.int64(m))


def _mat_cols_mod(A, S, m):
    """``A @ S`` modulo ``m`` where S holds one state triple per column.

    Every product is reduced before summing, then the sum is reduced again;
    this is what Theano's ``DotModulo`` C code does (``%`` of C, i.e.
    truncated; identical to the mathematical modulo for non-negative input).
    """
    A = np.asarray(A, dtype=np.int64)
    S = np.asarray(S, dtype=np.int64)
    acc = np.zeros((A.shape[0],) + S.shape[1:], dtype=np.int64)
    for j in range(A.shape[1]):
        acc += _c_mod(A[:, j, None] * S[j][None, ...], m)
    return _c_mod(acc, m)


def matVecModM(A, s, m):
    """``(A @ s) mod m`` for a 3x3 int64 matrix and a length-3 vector (int32 result)."""
    A = np.asarray(A, dtype=np.int64)
    s = np.asarray(s, dtype=np.int64).reshape(-1, 1)
    return _mat_cols_mod(A, s, m)[:, 0].astype(np.int32)


def multMatVect(v, A, m1, B, m2):
    """Multiply ``v[:3]`` by ``A`` modulo ``m1`` and ``v[3:]`` by ``B`` modulo ``m2``."""
    v = np.asarray(v)
    return np.concatenate((matVecModM(A, v[:3], m1), matVecModM(B, v[3:], m2)))


def ff_2p72(rstate):
    """State ``2**72`` steps ahead: the next substream."""
    return multMatVect(rstate, A1p72, M1, A2p72, M2)


def ff_2p134(rstate):
    """State ``2**134`` steps ahead: the next stream."""
    return multMatVect(rstate, A1p134, M1, A2p134, M2)


def next_rstate(rstate):
    """``MRG_RandomStreams.inc_rstate``: the stream start ``2**134`` steps ahead."""
    return ff_2p134(_as_rstate_vector(rstate))


def _mat_mat_mod(A, B, m):
    return _mat_cols_mod(A, B, m)


def _as_rstate_vector(rstate):
    r = np.asarray(rstate)
    if r.shape != (6,):
        raise ValueError("an rstate must have 6 entries, got shape %s" % (r.shape,))
    return np.asarray(r, dtype=np.int64).astype(np.int32)


# ---------------------------------------------------------------------------
# Seeding and substreams
# ---------------------------------------------------------------------------
def seed_to_rstate(seed=DEFAULT_SEED):
    """``MRG_RandomStreams.set_rstate``: turn ``seed`` into a (6,) int32 state.

    An integer seed must be non-zero and ``< M2`` and is replicated 6 times.
    A sequence of 6 integers is checked as Theano did: neither triple may be
    all zeros, the first three must be ``< M1`` and the last three ``< M2``.
    Theano 1.0 did not reject negative values and neither does this function
    (values must still fit in int32).  NumPy integer scalars are accepted as
    integers (Theano 1.0 only accepted Python ints there).
    """
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        seed = int(seed)
        if seed == 0:
            raise ValueError('seed should not be 0', seed)
        if seed >= M2:
            raise ValueError('seed should be less than %i' % M2, seed)
        if seed < _I32_MIN:
            raise ValueError('seed does not fit in int32', seed)
        return np.array([seed] * 6, dtype=np.int32)
    try:
        n = len(seed)
    except TypeError:
        raise TypeError("seed should be 1 integer or 6 integers")
    if n != 6:
        raise TypeError("seed should be 1 integer or 6 integers")
    vals = [int(v) for v in seed]
    if vals[0] == 0 and vals[1] == 0 and vals[2] == 0:
        raise ValueError('The first 3 values of seed should not be all 0', seed)
    if vals[3] == 0 and vals[4] == 0 and vals[5] == 0:
        raise ValueError('The last 3 values of seed should not be all 0', seed)
    if vals[0] >= M1 or vals[1] >= M1 or vals[2] >= M1:
        raise ValueError('The first 3 values of seed should be less than %i' % M1, seed)
    if vals[3] >= M2 or vals[4] >= M2 or vals[5] >= M2:
        raise ValueError('The last 3 values of seed should be less than %i' % M2, seed)
    if min(vals) < _I32_MIN:
        raise ValueError('seed values do not fit in int32', seed)
    return np.array(vals, dtype=np.int32)


def _substreams_sequential(rstate, n_streams):
    out = np.zeros((n_streams, 6), dtype=np.int32)
    out[0] = rstate
    for i in range(1, n_streams):
        out[i] = ff_2p72(out[i - 1])
    return out


def substream_rstates(rstate, n_streams):
    """``get_substream_rstates`` (without the ``inc_rstate`` side effect).

    Row 0 is ``rstate``; row ``i`` is row ``i - 1`` advanced by ``2**72``
    steps.  Returns an ``(n_streams, 6)`` int32 array.  Computed by doubling
    (``A**k`` applied to the first ``k`` rows gives the next ``k``), which is
    exactly equal to Theano's sequential loop for non-negative states.
    """
    n_streams = int(n_streams)
    if not 0 < n_streams < 2 ** 72:
        raise ValueError("n_streams must be positive", n_streams)
    r0 = _as_rstate_vector(rstate)
    if (r0 < 0).any():
        # Theano's C DotModulo keeps negative remainders; only the literal
        # sequential chain reproduces it.
        return _substreams_sequential(r0, n_streams)
    out = np.zeros((n_streams, 6), dtype=np.int64)
    out[0] = r0
    P1, P2 = A1p72.copy(), A2p72.copy()     # jump by `have` substreams
    have = 1
    while have < n_streams:
        take = min(have, n_streams - have)
        src = out[:take]
        out[have:have + take, :3] = _mat_cols_mod(P1, src[:, :3].T, M1).T
        out[have:have + take, 3:] = _mat_cols_mod(P2, src[:, 3:].T, M2).T
        have += take
        if have < n_streams:
            P1 = _mat_mat_mod(P1, P1, M1)
            P2 = _mat_mat_mod(P2, P2, M2)
    return out.astype(np.int32)


def guess_n_streams(size, warn=False):
    """Theano 1.0's ``rng_mrg.guess_n_streams``.

    Only a tuple/list of Python ints allows a guess (NumPy integers do not
    count, as in Theano 1.0): ``r = prod(size)``, ``r //= 6`` if ``r > 6``,
    result ``min(r, 60 * 256)``.  Anything else gives ``60 * 256``.
    """
    if (isinstance(size, (tuple, list)) and
            all(isinstance(i, int) for i in size)):
        r = 1
        for s in size:
            r *= s
        if r > 6:
            r = r // 6
        return min(r, MAX_GUESSED_STREAMS)
    if warn:
        warnings.warn(("MRG_RandomStreams Can't determine #streams "
                       "from size (%s), guessing 60*256") % str(size),
                      stacklevel=3)
    return MAX_GUESSED_STREAMS


# ---------------------------------------------------------------------------
# The generator itself
# ---------------------------------------------------------------------------
def _wrap32(v):
    """Two's complement int32 wrap-around of int64 values."""
    return ((v + 0x80000000) & 0xFFFFFFFF) - 0x80000000


def _reduce(y, m):
    """``if (y < 0 || y >= m) y -= m;`` in int32 arithmetic."""
    return np.where((y < 0) | (y >= m), _wrap32(y - m), y)


def _step(st):
    """Advance every row of the int64 (k, 6) state array by one step.

    Returns the new state array and the integers ``k`` in ``[1, M1]`` that
    are converted to floats.
    """
    x11, x12, x13, x21, x22, x23 = (st[:, i] for i in range(6))
    y1 = _wrap32(((x12 & MASK12) << 22) + (x12 >> 9) +
                 ((x13 & MASK13) << 7) + (x13 >> 24))
    y1 = _reduce(y1, M1)
    y1 = _reduce(_wrap32(y1 + x13), M1)
    n13, n12, n11 = x12, x11, y1

    y1 = _reduce(_wrap32(((x21 & MASK2) << 15) + MULT2 * (x21 >> 16)), M2)
    y2 = _reduce(_wrap32(((x23 & MASK2) << 15) + MULT2 * (x23 >> 16)), M2)
    y2 = _reduce(_wrap32(y2 + x23), M2)
    y2 = _reduce(_wrap32(y2 + y1), M2)
    n23, n22, n21 = x22, x21, y2

    new = np.stack([n11, n12, n13, n21, n22, n23], axis=1)
    k = np.where(n11 <= n21, _wrap32(n11 - n21 + M1), _wrap32(n11 - n21))
    return new, k


def _ints_to_float(k, dtype, impl="c"):
    """Convert the generator integers ``k`` to floats as Theano 1.0 did."""
    dtype = np.dtype(dtype)
    k = np.asarray(k, dtype=np.int64)
    if dtype == np.float64:
        return k.astype(np.float64) * NORM
    if dtype == np.float32:
        if impl == "c":
            return k.astype(np.float32) * NORM_FLOAT32
        if impl == "py":
            return (k.astype(np.float64) * float(NORM_FLOAT32)).astype(np.float32)
        raise ValueError("impl must be 'c' or 'py'", impl)
    if dtype == np.float16:
        return (((k & 0x7fff) + 1).astype(np.float64) *
                float(NORM_FLOAT16)).astype(np.float16)
    raise ValueError('Unsupported data type for output', str(dtype))


def mrg_next_value(rstate, dtype="float64", impl="c"):
    """Scalar reference implementation of one step (plain Python ints).

    Returns ``(new_rstate, sample)`` with ``new_rstate`` a (6,) int32 array.
    Kept deliberately literal (one stream, one value) so the vectorised
    :func:`mrg_uniform` can be checked against it.
    """
    def w(v):
        return ((v + 0x80000000) & 0xFFFFFFFF) - 0x80000000

    x11, x12, x13, x21, x22, x23 = (int(v) for v in np.asarray(rstate).reshape(6))
    y1 = w(((x12 & MASK12) << 22) + (x12 >> 9) + ((x13 & MASK13) << 7) + (x13 >> 24))
    if y1 < 0 or y1 >= M1:
        y1 = w(y1 - M1)
    y1 = w(y1 + x13)
    if y1 < 0 or y1 >= M1:
        y1 = w(y1 - M1)
    x13, x12, x11 = x12, x11, y1

    y1 = w(((x21 & MASK2) << 15) + MULT2 * (x21 >> 16))
    if y1 < 0 or y1 >= M2:
        y1 = w(y1 - M2)
    y2 = w(((x23 & MASK2) << 15) + MULT2 * (x23 >> 16))
    if y2 < 0 or y2 >= M2:
        y2 = w(y2 - M2)
    y2 = w(y2 + x23)
    if y2 < 0 or y2 >= M2:
        y2 = w(y2 - M2)
    y2 = w(y2 + y1)
    if y2 < 0 or y2 >= M2:
        y2 = w(y2 - M2)
    x23, x22, x21 = x22, x21, y2

    k = w(x11 - x21 + M1) if x11 <= x21 else w(x11 - x21)
    new = np.array([x11, x12, x13, x21, x22, x23], dtype=np.int32)
    return new, _ints_to_float(np.array([k]), dtype, impl)[0]


def _normalize_size(size):
    if size is None:
        raise TypeError("size must be given")
    if np.ndim(size) == 0:
        return (int(size),)
    return tuple(int(s) for s in size)


def mrg_uniform(rstates, size, dtype="float64", impl="c"):
    """The ``mrg_uniform`` op: ``(new_rstates, sample)``.

    ``rstates`` is the (n_streams, 6) int32 state matrix (not modified);
    ``sample`` has shape ``size`` and lies in the open interval (0, 1).
    Element ``i`` (flat C order) comes from stream ``i % n_streams``.
    ``impl`` selects the float32 conversion: ``'c'`` (default; Theano's
    C and GPU code) or ``'py'`` (Theano's Python ``perform``).
    """
    st = np.array(rstates, dtype=np.int64)
    if st.ndim != 2 or st.shape[1] != 6:
        raise ValueError("rstate must be a matrix with 6 columns")
    size = _normalize_size(size)
    n = 1
    for s in size:
        n *= s
    if n > M1:
        raise ValueError("rng_mrg does not support more then (2**31 -1) samples")
    n_streams = st.shape[0]
    if n > 0 and n_streams == 0:
        raise ValueError("rstate has no streams")
    k_all = np.empty(n, dtype=np.int64)
    start = 0
    while start < n:
        cnt = min(n_streams, n - start)
        new, k = _step(st[:cnt])
        st[:cnt] = new
        k_all[start:start + cnt] = k
        start += cnt
    sample = _ints_to_float(k_all, dtype, impl).reshape(size)
    return st.astype(np.int32), sample


def scale_uniform(u, low=0.0, high=1.0, dtype=None):
    """``u * (high - low) + low`` in ``dtype`` (what ``MRG_RandomStreams.uniform`` returns)."""
    u = np.asarray(u)
    dt = np.dtype(dtype) if dtype is not None else u.dtype
    lo = np.asarray(low, dtype=dt)
    hi = np.asarray(high, dtype=dt)
    return (u.astype(dt) * (hi - lo) + lo).astype(dt)


# ---------------------------------------------------------------------------
# Distributions derived from the uniforms
# ---------------------------------------------------------------------------
def n_uniform_for_normal(size):
    """Number of uniforms ``normal(size)`` requests: ``n + n % 2``."""
    n = 1
    for s in (() if size == () else _normalize_size(size)):
        n *= s
    return n + n % 2


def _box_muller(unis, dtype):
    u = np.asarray(unis)
    dt = np.dtype(dtype) if dtype is not None else u.dtype
    u = u.astype(dt)
    if u.ndim != 1 or u.shape[0] % 2:
        raise ValueError("normal needs a 1-d array with an even number of uniforms")
    half = u.shape[0] // 2
    u1, u2 = u[:half], u[half:]
    r = np.sqrt(np.asarray(-2.0, dtype=dt) * np.log(u1))
    theta = np.asarray(2.0 * np.pi, dtype=dt) * u2
    cos_t, sin_t = np.cos(theta), np.sin(theta)
    return dt, r, cos_t, sin_t


def _finish(samples, size, avg, std, dt):
    samples = samples.reshape(size)
    samples = samples * np.asarray(std, dtype=dt)
    samples = samples + np.asarray(avg, dtype=dt)
    return samples.astype(dt)


def normal_from_uniform(unis, size=None, avg=0.0, std=1.0, dtype=None):
    """Theano 1.0 ``MRG_RandomStreams.normal`` applied to its uniforms.

    ``unis`` are the raw uniforms of the ``(n_even,)`` uniform variable
    (``n_even = n + n % 2``, ``n = prod(size)``).  ``size=None`` means
    ``(len(unis),)``.  Returns the samples of shape ``size``.
    """
    unis = np.asarray(unis)
    if size is None:
        size = (unis.shape[0],)
    size = () if size == () else _normalize_size(size)
    n = int(np.prod(size, dtype=np.int64))
    if unis.shape[0] != n + n % 2:
        raise ValueError("expected %d uniforms, got %d" % (n + n % 2, unis.shape[0]))
    dt, r, cos_t, sin_t = _box_muller(unis, dtype)
    z = np.concatenate([r * cos_t, r * sin_t])[:n]
    return _finish(z, size, avg, std, dt)


def truncated_normal_from_uniform(unis, fix_uniform, size=None, avg=0.0,
                                  std=1.0, dtype=None, rescale_std=True):
    """Theano 1.0 ``truncated_normal`` (``rescale_std=True``) or
    ``normal(..., truncate=True)`` (``rescale_std=False``).

    ``unis`` are the uniforms of the first ``(n_even,)`` variable.
    ``fix_uniform`` provides the raw (0, 1) uniforms of the second variable
    (the re-draw block): either a callable ``n_fix -> array`` or an array of
    exactly ``n_fix`` values.  They are mapped to ``[1/e**2, 1)`` as
    ``u * (1 - 1/e**2) + 1/e**2`` in ``dtype``.

    The re-draw keeps the original angle, so the result is not an exact
    truncated normal (its std is ~1.4% above the requested one); this is
    Theano 1.0's behaviour.  ``std / 0.8796...`` is evaluated in float64 here
    (Theano with floatX=float32 evaluated it in float32: <= 1 ulp apart).
    """
    unis = np.asarray(unis)
    if size is None:
        size = (unis.shape[0],)
    size = () if size == () else _normalize_size(size)
    n = int(np.prod(size, dtype=np.int64))
    if unis.shape[0] != n + n % 2:
        raise ValueError("expected %d uniforms, got %d" % (n + n % 2, unis.shape[0]))
    dt, r, cos_t, sin_t = _box_muller(unis, dtype)
    if rescale_std:
        # std / constant(0.8796...) is evaluated before the cast to dtype.
        std = np.asarray(np.asarray(std, dtype=np.float64) / TRUNCATED_NORMAL_STD,
                         dtype=dt)
    z0 = r * cos_t
    z1 = r * sin_t
    bad0 = (z0 < -2.0) | (z0 > 2.0)
    bad1 = (z1 < -2.0) | (z1 > 2.0)
    fix0 = np.nonzero(bad0)[0]
    fix1 = np.nonzero(bad1)[0]
    n_fix = fix0.size + fix1.size
    raw = fix_uniform(n_fix) if callable(fix_uniform) else fix_uniform
    raw = np.asarray(raw).reshape(-1)
    if raw.shape[0] != n_fix:
        raise ValueError("expected %d re-draw uniforms, got %d" % (n_fix, raw.shape[0]))
    lower = np.asarray(1.0 / np.e ** 2, dtype=dt)
    u_fix = scale_uniform(raw.astype(dt), lower, 1.0, dt)
    r_fix = np.sqrt(np.asarray(-2.0, dtype=dt) * np.log(u_fix))
    z0_fixed = r_fix[:fix0.size] * cos_t[fix0]
    z1_fixed = r_fix[fix0.size:] * sin_t[fix1]
    z = np.concatenate([z0[~bad0], z0_fixed, z1[~bad1], z1_fixed])[:n]
    return _finish(z, size, avg, std, dt)


def binomial_from_uniform(unis, p=0.5, dtype="int64"):
    """``cast(u < p, dtype)``.

    Comparison semantics follow Theano's casting: a Python float ``p`` is
    compared in the uniform's dtype (Theano turned it into a floatX constant,
    and the uniform has dtype floatX); array ``p`` promotes normally.  This
    is exactly NumPy 2's behaviour for ``u < p``.
    """
    u = np.asarray(unis)
    return (u < p).astype(dtype)


def multinomial_from_uniform(pvals, unis, n=1, dtype="int64"):
    """``MultinomialFromUniform`` (C implementation semantics).

    ``pvals`` is (nb_multi, K); ``unis`` has ``nb_multi * n`` entries.  For
    trial ``c`` and row ``r`` the uniform ``unis[c * nb_multi + r]`` picks the
    first outcome whose float64 running sum is ``> u``; its count is
    incremented.  ``dtype='auto'`` means pvals' dtype.
    """
    pvals = np.asarray(pvals)
    unis = np.asarray(unis)
    if pvals.ndim != 2:
        raise NotImplementedError('pvals ndim should be 2', pvals.ndim)
    if unis.ndim != 1:
        raise NotImplementedError('unis ndim should be 1', unis.ndim)
    n = int(n)
    nb_multi, K = pvals.shape
    if unis.shape[0] != nb_multi * n:
        raise ValueError("unis.shape[0] != pvals.shape[0] * n",
                         unis.shape[0], nb_multi, n)
    odtype = pvals.dtype if dtype == 'auto' else np.dtype(dtype)
    z = np.zeros((nb_multi, K), dtype=odtype)
    if K == 0 or nb_multi == 0:
        return z
    cums = np.cumsum(pvals.astype(np.float64), axis=1)
    rows = np.arange(nb_multi)
    for c in range(n):
        u = unis[c * nb_multi:(c + 1) * nb_multi].astype(np.float64)
        hit = cums > u[:, None]
        found = hit.any(axis=1)
        idx = hit.argmax(axis=1)
        np.add.at(z, (rows[found], idx[found]), 1)
    return z


def choice_from_uniform(pvals, unis, n=1, replace=False, dtype="int64"):
    """``ChoiceFromUniform`` (C implementation semantics).

    Returns an (nb_multi, n) array of indices.  Draw ``c`` of row ``r`` uses
    ``unis[c * nb_multi + r]``; the chosen index is the first whose float64
    running sum over the (current) row is ``> u``.  Without replacement the
    chosen probability is then zeroed and the row divided by its new sum
    (sum computed in pvals' dtype as the C code did), except after the last
    draw.  Rows where no index qualifies keep ``-1``.
    """
    p = np.array(pvals, copy=True)
    unis = np.asarray(unis)
    if p.ndim != 2:
        raise NotImplementedError('pvals ndim should be 2', p.ndim)
    if unis.ndim != 1:
        raise NotImplementedError('unis ndim should be 1', unis.ndim)
    n = int(n)
    nb_multi, K = p.shape
    if n > K:
        raise ValueError("Cannot sample without replacement n samples "
                         "bigger than the size of the distribution.")
    if unis.shape[0] != nb_multi * n:
        raise ValueError("unis.shape[0] != pvals.shape[0] * n_samples",
                         unis.shape[0], nb_multi, n)
    odtype = np.dtype('int64') if dtype == 'auto' else np.dtype(dtype)
    z = -1 * np.ones((nb_multi, n), dtype=odtype)
    rows = np.arange(nb_multi)
    for c in range(n):
        u = unis[c * nb_multi:(c + 1) * nb_multi].astype(np.float64)
        cums = np.cumsum(p.astype(np.float64), axis=1)
        hit = cums > u[:, None]
        found = hit.any(axis=1)
        m = hit.argmax(axis=1)
        z[found, c] = m[found]
        if replace or c == n - 1:
            continue
        fr = rows[found]
        if fr.size == 0:
            continue
        fm = m[found]
        # sum = cummul - pvals[m]  (double arithmetic, stored in pvals dtype)
        s = (cums[fr, fm] - p[fr, fm].astype(np.float64)).astype(p.dtype)
        p[fr, fm] = 0
        for k in range(K):
            sel = fm <= k
            if sel.any():
                s[sel] = (s[sel] + p[fr[sel], k]).astype(p.dtype)
        p[fr] = (p[fr] / s[:, None]).astype(p.dtype)
    return z


# ---------------------------------------------------------------------------
# Book-keeping of MRG_RandomStreams
# ---------------------------------------------------------------------------
class MRGStreamsState(object):
    """The stream bookkeeping of ``MRG_RandomStreams`` without any graph.

    >>> st = MRGStreamsState(12345)
    >>> states = st.new_variable_states(7)   # what uniform(..., nstreams=7) gets
    >>> new_states, u = mrg_uniform(states, (7,), 'float64')
    """

    def __init__(self, seed=DEFAULT_SEED):
        self.default_instance_seed = seed
        self.rstate = seed_to_rstate(seed)
        self.variable_nstreams = []

    def set_rstate(self, seed):
        self.rstate = seed_to_rstate(seed)

    def inc_rstate(self):
        self.rstate = next_rstate(self.rstate)

    def get_substream_rstates(self, n_streams, inc_rstate=True):
        rval = substream_rstates(self.rstate, n_streams)
        if inc_rstate:
            self.inc_rstate()
        return rval

    def new_variable_states(self, nstreams):
        """States of a newly created random variable (registered for ``seed``)."""
        states = self.get_substream_rstates(nstreams)
        self.variable_nstreams.append(int(nstreams))
        return states

    def seed(self, seed=None):
        """``MRG_RandomStreams.seed``: new states for all variables, in creation order."""
        if seed is None:
            seed = self.default_instance_seed
        self.set_rstate(seed)
        return [self.get_substream_rstates(ns) for ns in self.variable_nstreams]


def randomstreams_variable_seeds(seed, count):
    """Seeds of the first ``count`` RandomStates handed out by
    ``theano.tensor.shared_randomstreams.RandomStreams(seed)`` (and by
    ``RandomStreams.seed(seed)``): successive ``randint(2**30)`` of
    ``RandomState(seed)``.
    """
    seedgen = np.random.RandomState(seed)
    return [int(seedgen.randint(2 ** 30)) for _ in range(count)]
