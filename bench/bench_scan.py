"""Per-step overhead of scan: 10,000 steps of ``x_t = x_{t-1} * a + b`` on length-10 vectors.

Compares the compiled scan with a plain Python loop over NumPy doing the
same arithmetic, and prints the ratio.  Also timed: the step compiled without
elementwise fusion, a step doing nothing (the loop machinery alone), and the
gradient (forward plus back-propagation through the 10,000 steps).

Run: python bench/bench_scan.py
"""
import numpy as np

from _common import best_time

import theano
import theano.tensor as T

N_STEPS, SIZE = 10000, 10

x0, a, b = T.dvectors("x0", "a", "b")
out, upd = theano.scan(lambda x, a, b: x * a + b, outputs_info=x0, non_sequences=[a, b],
                       n_steps=N_STEPS)
f_all = theano.function([x0, a, b], out)             # every step kept: (10000, 10)
f_last = theano.function([x0, a, b], out[-1])        # only the last step kept (save memory)
g = theano.function([x0, a, b], theano.grad(out[-1].sum(), a))
# The same loop with the step compiled without elementwise fusion (two NumPy calls per
# step instead of one fused Composite evaluated in Python).
nofuse = theano.compile.mode.get_mode("FAST_RUN").excluding("elemwise_fusion")
out_nf, _ = theano.scan(lambda x, a, b: x * a + b, outputs_info=x0, non_sequences=[a, b],
                        n_steps=N_STEPS, mode=nofuse)
f_nf = theano.function([x0, a, b], out_nf)
# The machinery alone: a step that returns its state unchanged (no computation).
out_id, _ = theano.scan(lambda x: x, outputs_info=x0, n_steps=N_STEPS)
f_id = theano.function([x0], out_id)

rng = np.random.RandomState(0)
xv, av, bv = rng.rand(SIZE), rng.rand(SIZE) * 0.9, rng.rand(SIZE)


def numpy_loop():
    x = xv
    res = np.empty((N_STEPS, SIZE))
    for t in range(N_STEPS):
        x = x * av + bv
        res[t] = x
    return res


np.testing.assert_allclose(f_all(xv, av, bv), numpy_loop())
np.testing.assert_allclose(f_last(xv, av, bv), numpy_loop()[-1])
np.testing.assert_allclose(f_nf(xv, av, bv), numpy_loop())

rows = [("python loop over numpy", best_time(numpy_loop, repeat=5)),
        ("theano.scan, all steps", best_time(lambda: f_all(xv, av, bv), repeat=5)),
        ("theano.scan, out[-1] only", best_time(lambda: f_last(xv, av, bv), repeat=5)),
        ("theano.scan, step not fused", best_time(lambda: f_nf(xv, av, bv), repeat=5)),
        ("scan of an identity step", best_time(lambda: f_id(xv), repeat=5)),
        ("grad through scan (backward)", best_time(lambda: g(xv, av, bv), repeat=3))]
base = rows[0][1]
print("%d steps of x_t = x_{t-1} * a + b on length-%d vectors" % (N_STEPS, SIZE))
for label, sec in rows:
    print("  %-30s %8.2f ms  %6.2f us/step  %5.2fx the python loop"
          % (label, sec * 1e3, sec / N_STEPS * 1e6, sec / base))
