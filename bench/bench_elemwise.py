"""Elementwise throughput: ``1 / (1 + exp(-x))`` on N float64 (design doc's reference case).

Run: python bench/bench_elemwise.py [N]
Prints ours vs NumPy (temporaries / in place) vs a memory copy, and PyTensor if installed.
"""
import sys

import numpy as np

from _common import best_time, report

import theano
import theano.tensor as T

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
x_val = np.random.default_rng(0).standard_normal(N)
buf = np.empty_like(x_val)

x = T.dvector("x")
f = theano.function([x], 1 / (1 + T.exp(-x)))
np.testing.assert_allclose(f(x_val), 1 / (1 + np.exp(-x_val)), rtol=1e-12)


def numpy_inplace():
    np.negative(x_val, out=buf)
    np.exp(buf, out=buf)
    np.add(buf, 1, out=buf)
    np.reciprocal(buf, out=buf)


rows = [("memory copy (floor)", best_time(lambda: np.copyto(buf, x_val))),
        ("numpy, temporaries", best_time(lambda: 1 / (1 + np.exp(-x_val)))),
        ("numpy, in place", best_time(numpy_inplace)),
        ("theano-ng FAST_RUN", best_time(lambda: f(x_val)))]
try:
    import pytensor
    import pytensor.tensor as pt

    px = pt.dvector("x")
    for mode in ("FAST_RUN", "NUMBA", "C"):
        try:
            pf = pytensor.function([px], 1 / (1 + pt.exp(-px)), mode=mode)
            pf(x_val)
            rows.append(("pytensor %s %s" % (pytensor.__version__, mode),
                         best_time(lambda: pf(x_val))))
        except Exception as exc:  # a mode may need numba or a compiler
            print("pytensor mode %s unavailable: %s" % (mode, exc))
except ImportError:
    pass
print("sigmoid on %d float64, best of 5, ratio to the memory copy:" % N)
report(rows, "memory copy (floor)")
