"""The vectorisable math functions of ``c_code/th_vmath.h`` against NumPy, ulp by ulp.

exp, expm1, log1p, tanh, sigmoid and softplus run in C as inline, branch-free code, not
libm (exp through glibc's libmvec where it is available; both variants are tested).
Each is checked, for float32 and float64, against the op's NumPy ``perform`` and against
a more precise evaluation (long double for float64, float64 for float32), within 4 ulp
of both, on random bit patterns over the whole range, dense values where the functions
change regime, and the special values (NaN, +-inf, -0.0, subnormals, overflow and
underflow limits).  Results must agree exactly on NaN, inf and the sign of zero.  Inputs
are contiguous (the vectorised loop), strided or reversed (buffered by the driver), and
of sizes that leave a remainder (the loop's scalar epilogue).
"""
import os
import platform
import subprocess
import tempfile

import numpy as np
import pytest
import scipy.special as sps

import theano
import theano.tensor as T
from theano.compile.mode import Mode
from theano.configparser import change_flags, config
from theano.link.c import compiler as c_compiler
from theano.link.c import scalar_c
from theano.link.c.runtime import C_CODE_DIR
from theano.scalar.basic import _softplus
from theano.tensor import nnet

pytestmark = [pytest.mark.skipif(c_compiler.compiler_info() is None, reason="no C compiler"),
              pytest.mark.filterwarnings("ignore:.*encountered in:RuntimeWarning")]

C = Mode(linker="c", optimizer=None)
PY = Mode(linker="py", optimizer=None)

FUNCS = {  # name: (graph builder, precise reference in a wider dtype)
    "exp": (T.exp, np.exp),
    "expm1": (T.expm1, np.expm1),
    "log1p": (T.log1p, np.log1p),
    "tanh": (T.tanh, np.tanh),
    "sigmoid": (nnet.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
    "softplus": (nnet.softplus, _softplus),
}


def special_values(dtype):
    fi = np.finfo(dtype)
    edges = [np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, fi.tiny, -fi.tiny,
             fi.smallest_subnormal, -fi.smallest_subnormal, fi.tiny / 3, fi.max, -fi.max,
             fi.eps, -fi.eps, fi.eps / 4, -1 + fi.eps / 2, -1 + fi.eps, -1 - fi.eps,
             np.sqrt(2) - 1, 1 - np.sqrt(0.5), np.log(2) / 2, -np.log(2) / 2, 30.0, -30.0,
             20.0, 40.0, -40.0, 9.0, 10.0]
    if dtype == "float64":  # exp overflows above 709.78, is subnormal below -708.40
        edges += [709.78, 709.7827128933839, 709.7827128933840, 709.79, 709.8, 710.0, -708.39,
                  -708.4, -745.13, -745.1332191019411, -745.1332191019412, -745.14, -746.0,
                  -744.44, 354.9, -372.5]
    else:
        edges += [88.72, 88.7228, 88.7229, 88.73, 89.0, -87.33, -87.34, -103.27, -103.28,
                  -103.972, -103.973, -104.0, -105.0, 44.36, -51.9]
    return np.array(edges, dtype=dtype)


def sample(dtype, n=100_000, seed=0):
    """Values covering the whole range of ``dtype`` and each function's regimes."""
    rng = np.random.default_rng(seed)
    if dtype == "float64":
        bits = rng.integers(0, 2 ** 64, n, dtype=np.uint64, endpoint=False)
    else:
        bits = rng.integers(0, 2 ** 32, n, dtype=np.uint32, endpoint=False)
    anything = bits.view(dtype)  # every exponent, both signs, NaN and inf included
    scale = 10.0 ** rng.uniform(-40, 3, n)
    near = np.concatenate([rng.uniform(-1, 1, n) * scale,          # every magnitude
                           rng.uniform(-50, 50, n),                 # the usual range
                           rng.uniform(-1, 1, n),                   # the polynomials' ranges
                           rng.uniform(-760, 760, n // 4)])         # exp's limits
    # the reduction boundaries (k ln2 / 2) and the neighbours of the special values
    ks = np.arange(-300, 300) * np.log(2) / 2
    sp = special_values(dtype)
    with np.errstate(over="ignore"):
        pts = np.concatenate([ks.astype(dtype), sp])
        nb = np.concatenate([np.nextafter(pts, np.asarray(t, dtype)) for t in (-np.inf, np.inf)])
        return np.concatenate([anything, near.astype(dtype), ks.astype(dtype), sp, nb])


def precise(name, x):
    wide = np.longdouble if x.dtype == np.float64 else np.float64
    with np.errstate(all="ignore"):
        return FUNCS[name][1](x.astype(wide))


def ulp_distance(got, want):
    """|got - want| in ulps of ``want`` (rounded to got's dtype); 0 where both are NaN or
    equal (same infinities)."""
    dt = got.dtype
    with np.errstate(all="ignore"):
        w = want.astype(dt)
        both_nan = np.isnan(got) & np.isnan(w)
        same = (got == w) | both_nan
        diff = np.abs(got.astype(np.longdouble) - want.astype(np.longdouble))
        unit = np.spacing(np.abs(w)).astype(np.longdouble)
        d = np.where(same, 0, diff / unit)
    d = np.where(np.isnan(d), np.inf, d)  # a NaN on one side only, or inf vs finite
    return d.astype(np.float64)


def assert_close(name, x, got, want, max_ulp, what):
    d = ulp_distance(got, want)
    k = int(np.argmax(d))
    assert d[k] <= max_ulp, (
        "%s(%s) on %d values: %.2f ulp from %s at x=%r (C %r, %s %r)"
        % (name, x.dtype, x.size, d[k], what, x[k], got[k], what, want[k]))


def assert_specials(name, x, got, want):
    """NaN, inf and the sign of zero exactly as ``want``."""
    w = want.astype(got.dtype)
    for test, label in ((np.isnan, "NaN"), (np.isposinf, "+inf"), (np.isneginf, "-inf")):
        bad = np.flatnonzero(test(got) != test(w))
        assert bad.size == 0, "%s(%s): %s differs at x=%r (C %r, NumPy %r)" % (
            name, x.dtype, label, x[bad[0]], got[bad[0]], w[bad[0]])
    zero = (got == 0) & (w == 0)
    bad = np.flatnonzero(zero & (np.signbit(got) != np.signbit(w)))
    assert bad.size == 0, "%s(%s): sign of zero differs at x=%r (C %r, NumPy %r)" % (
        name, x.dtype, x[bad[0]], got[bad[0]], w[bad[0]])


@pytest.fixture(scope="module", params=[(d, v) for d in ("float32", "float64")
                                        for v in ("own", "libmvec", "own-nofma")], ids=str)
def compiled(request):
    """(dtype, C function, NumPy function) computing every function of FUNCS at once:
    with th_vmath.h's exp, or glibc's vector exp where the kernel modules use it, or
    th_vmath.h built without fused multiply-add instructions (its fallback)."""
    dtype, variant = request.param
    if variant == "libmvec" and not scalar_c.libmvec_exp():
        pytest.skip("no libmvec here")
    x = T.vector("x", dtype=dtype)
    outs = [FUNCS[name][0](x) for name in FUNCS]
    saved = scalar_c.libmvec_exp
    flags = config.gcc__cxxflags
    if variant.startswith("own"):
        scalar_c.libmvec_exp = lambda: False
    if variant == "own-nofma":
        if not c_compiler.compiler_info()[2] or "86" not in platform.machine():
            pytest.skip("-mno-fma is a gcc x86 flag")
        flags += " -mno-fma"
    try:
        with change_flags(gcc__cxxflags=flags):
            fc = theano.function([x], outs, mode=C)
    finally:
        scalar_c.libmvec_exp = saved
    nodes = fc.maker.program.nodes
    assert sorted(fc.maker.program.c_nodes) == list(range(len(nodes)))
    return dtype, fc, theano.function([x], outs, mode=PY)


def test_accuracy_over_the_whole_range(compiled):
    dtype, fc, fpy = compiled
    x = sample(dtype)
    for name, got, want in zip(FUNCS, fc(x), fpy(x)):
        assert got.dtype == want.dtype == dtype
        assert_specials(name, x, got, want)
        assert_close(name, x, got, want, 4, "NumPy")
        exact = precise(name, x)
        # where NumPy's own formula flushes to 0 (sigmoid below -709), compare with it
        normal = np.abs(want) >= np.finfo(dtype).tiny
        keep = normal | np.isnan(want) | (want == 0) & (exact == 0)
        assert_close(name, x[keep], got[keep], exact[keep], 4, "exact")


@pytest.mark.parametrize("n", [1, 3, 7, 8, 9, 31, 1001])
def test_strides_and_remainders(compiled, n):
    """Contiguous (vectorised loop + scalar remainder), strided and reversed inputs."""
    dtype, fc, fpy = compiled
    base = sample(dtype, n=2000, seed=n)[: 3 * n]
    for x in (base[:n], base[::3], base[::-1][:n], np.ascontiguousarray(base[::-2])):
        for name, got, want in zip(FUNCS, fc(x), fpy(x)):
            assert_specials(name, x, got, want)
            assert_close(name, x, got, want, 4, "NumPy")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fused_chain_matches_numpy(dtype):
    """bench/workloads.py's elementwise chain, fused into one C loop (default mode).

    The rewrites turn log1p(exp(x)) into softplus, which does not overflow: NumPy's
    counterpart is logaddexp(0, x)."""
    x, y, z = (T.vector(n, dtype=dtype) for n in "xyz")
    f = theano.function([x, y, z], T.tanh(x * y + z) ** 2 - T.log1p(T.exp(x)) * 0.5)
    assert f.maker.program.c_nodes == list(range(len(f.maker.program.nodes)))
    rng = np.random.default_rng(3)
    n = 50_003
    X, Y, Z = (np.concatenate([rng.standard_normal(n) * s, special_values(dtype)]).astype(dtype)
               for s in (30, 1, 1))
    with np.errstate(all="ignore"):
        want = np.tanh(X * Y + Z) ** 2 - np.logaddexp(np.zeros((), dtype), X) * np.asarray(0.5, dtype)
    got = f(X, Y, Z)
    assert got.dtype == dtype
    assert_specials("chain", X, got, want)
    # absolute: the result is a difference of terms of size 1 and |x|
    scale = np.maximum(1.0, np.abs(X.astype(np.float64)))
    finite = np.isfinite(want)
    err = np.abs(got[finite].astype(np.float64) - want[finite]) / scale[finite]
    assert err.max() <= 8 * np.finfo(dtype).eps, err.max()


@pytest.mark.skipif(not c_compiler.vector_math_functions(
    (c_compiler.compiler_info() or (0, 0, False))[2]), reason="needs gcc on x86_64 Linux")
def test_loops_vectorise():
    """GCC vectorises a loop over each function (the reason these exist)."""
    info = c_compiler.compiler_info()
    fns = ["th_%s_%s" % (name, s) for name in FUNCS for s in "df"]
    body = ["#include <math.h>", "#include <stdint.h>", "#include <string.h>",
            '#include "th_vmath.h"']
    for k, fn in enumerate(fns):
        t = "double" if fn.endswith("_d") else "float"
        body.append("void loop%d(long n, const %s *restrict a, %s *restrict o)\n"
                    "{\n    for (long i = 0; i < n; i++) o[i] = %s(a[i]);\n}" % (k, t, t, fn))
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "loops.c")
        with open(src, "w") as fh:
            fh.write("\n".join(body) + "\n")
        flags = [f for f in c_compiler.compile_flags(info) if f not in ("-shared", "-w")]
        res = subprocess.run([info[0]] + flags + ["-I" + C_CODE_DIR, "-c", src, "-o",
                                                  os.path.join(tmp, "loops.o"),
                                                  "-fopt-info-vec-optimized"],
                             capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    lines = {int(m.split(":")[1]) for m in res.stderr.splitlines()
             if "loop vectorized" in m and m.startswith(src)}
    loop_lines = [i + 1 for i, line in enumerate("\n".join(body).split("\n"))
                  if line.startswith("    for")]
    missing = [fn for fn, line in zip(fns, loop_lines) if line not in lines]
    assert not missing, "not vectorised: %s\n%s" % (missing, res.stderr)
