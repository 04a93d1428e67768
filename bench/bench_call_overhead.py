"""Per-call overhead of a tiny compiled function: ``a + b`` on length-10 vectors.

Run: python bench/bench_call_overhead.py
"""
import numpy as np

from _common import best_time

import theano
import theano.tensor as T

a, b = T.dvectors("a", "b")
f = theano.function([a, b], a + b)
x, y = np.ones(10), np.ones(10)
n = 20000
rows = [("numpy a + b", best_time(lambda: x + y, number=n)),
        ("theano-ng f(a, b)", best_time(lambda: f(x, y), number=n))]
f.trust_input = True
rows.append(("theano-ng, trust_input=True", best_time(lambda: f(x, y), number=n)))
try:
    import pytensor
    import pytensor.tensor as pt

    pa, pb = pt.dvectors("a", "b")
    for mode in ("FAST_RUN", "C"):
        try:
            pf = pytensor.function([pa, pb], pa + pb, mode=mode)
            rows.append(("pytensor %s %s" % (pytensor.__version__, mode),
                         best_time(lambda: pf(x, y), number=n)))
        except Exception as exc:
            print("pytensor mode %s unavailable: %s" % (mode, exc))
except ImportError:
    pass
for label, sec in rows:
    print("  %-32s %7.2f us/call  %5.1fx numpy" % (label, sec * 1e6, sec / rows[0][1]))
