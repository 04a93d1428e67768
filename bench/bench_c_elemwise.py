"""The C linker on the design doc's case: ``1 / (1 + exp(-x))`` on N float64.

Run: python bench/bench_c_elemwise.py [N]      (default 10M)
     python bench/bench_c_elemwise.py --accuracy

Prints, from one run: the fused C kernel (1 thread, and OpenMP) vs NumPy with
temporaries, NumPy in place, a memory copy (the floor) and PyTensor's C mode;
compile times (cold cache, runtime cached, warm); the per-call overhead of a
tiny function.  ``--accuracy`` measures every vectorised math function
against NumPy/SciPy (max ulp, NaN/inf/zero agreement), the evidence behind
``compiler._LIBMVEC``.
"""
import os
import sys
import tempfile
import time

import numpy as np

from _common import best_time, report

import theano
import theano.scalar.basic as sb
import theano.tensor as T
from theano.compile.mode import Mode
from theano.configparser import change_flags
from theano.link.c import cache
from theano.tensor.elemwise import Elemwise


def sigmoid_graphs():
    """``{label: (x, out)}``: the sigmoid as ONE Composite node, and as fast_run makes it."""
    x = T.dvector("x")
    s = sb.float64()
    comp = sb.Composite([s], [sb.true_div(sb.constant(1.0),
                                          sb.add(sb.constant(1.0), sb.exp(sb.neg(s))))])
    graphs = {"Composite": (x, Elemwise(comp)(x))}
    f = theano.function([x], 1 / (1 + T.exp(-x)), mode=Mode(linker="c"))
    nodes = f.maker.fgraph.toposort()
    if len(nodes) == 1:
        graphs["fast_run: %s" % nodes[0].op] = (f.maker.fgraph.inputs[0], f.maker.fgraph.outputs[0])
    return graphs


def forget_loaded_modules():
    for name in list(cache._LOADED):
        sys.modules.pop(name, None)
    cache._LOADED.clear()


def compile_times(x, out):
    """Seconds to build the C function: cold cache, runtime cached, warm."""
    mode = Mode(linker="c", optimizer=None)
    rows = []
    with tempfile.TemporaryDirectory() as tmp, change_flags(compiledir=tmp):
        forget_loaded_modules()
        t0 = time.perf_counter()
        theano.function([x], out, mode=mode)
        rows.append(("cold (runtime + kernel module)", time.perf_counter() - t0))
        forget_loaded_modules()
        y = T.dvector("y")  # another graph: only its kernel module is new
        t0 = time.perf_counter()
        theano.function([y], T.tanh(y) * 2, mode=mode)
        rows.append(("new kernel module (runtime cached)", time.perf_counter() - t0))
        forget_loaded_modules()
        t0 = time.perf_counter()
        theano.function([x], out, mode=mode)
        rows.append(("warm (both cached on disk)", time.perf_counter() - t0))
        t0 = time.perf_counter()
        theano.function([x], out, mode=mode)
        rows.append(("warm, already loaded", time.perf_counter() - t0))
        forget_loaded_modules()
    return rows


def throughput(n):
    graphs = sigmoid_graphs()
    xv = np.random.default_rng(0).standard_normal(n)
    buf = np.empty_like(xv)
    want = 1 / (1 + np.exp(-xv))

    def numpy_inplace():
        np.negative(xv, out=buf)
        np.exp(buf, out=buf)
        np.add(buf, 1, out=buf)
        np.reciprocal(buf, out=buf)

    rows = [("memory copy np.copyto (floor)", best_time(lambda: np.copyto(buf, xv)))]
    mode = Mode(linker="c", optimizer=None)
    for label, (x, out) in graphs.items():
        for omp in (False, True):
            with change_flags(openmp=omp):
                f = theano.function([x], out, mode=mode)
            assert f.maker.program.c_nodes == [0]
            np.testing.assert_allclose(f(xv), want, rtol=1e-15)
            threads = "OpenMP %d threads" % os.cpu_count() if omp else "1 thread"
            rows.append(("C, %s, %s" % (label, threads), best_time(lambda: f(xv))))
    x, out = graphs["Composite"]
    inplace = Elemwise(out.owner.op.scalar_op, {0: 0})(x)
    k = theano.function([x], inplace, mode=mode).maker.program.thunk_fns[0]
    cells, y = [[None]], xv.copy()
    rows.append(("C, Composite, 1 thread, in place (no allocation)",
                 best_time(lambda: k([y], cells))))
    rows += [("numpy, in place", best_time(numpy_inplace)),
             ("numpy, temporaries", best_time(lambda: 1 / (1 + np.exp(-xv))))]
    try:
        import pytensor
        import pytensor.tensor as pt

        px = pt.dvector("x")
        pf = pytensor.function([px], 1 / (1 + pt.exp(-px)), mode="C")
        pf(xv)
        rows.append(("pytensor %s C" % pytensor.__version__, best_time(lambda: pf(xv))))
    except Exception as exc:  # PyTensor is only a comparison point
        print("pytensor unavailable: %s" % exc)
    print("sigmoid on %d float64, best of 5, ratio to the copy:" % n)
    report(rows, "memory copy np.copyto (floor)")
    print("compile time of the C function (Composite):")
    for label, sec in compile_times(x, out):
        print("  %-36s %8.3f s" % (label, sec))


def call_overhead():
    a, b = T.dvectors("a", "b")
    u, v = np.ones(10), np.ones(10)
    rows = [("numpy a + b", best_time(lambda: u + v, number=20000))]
    for linker in ("py", "c"):
        f = theano.function([a, b], a + b, mode=Mode(linker=linker))
        f.trust_input = True
        rows.append(("theano-ng %s linker, trust_input" % linker,
                     best_time(lambda: f(u, v), number=20000)))
    node_fn = theano.function([a, b], a + b, mode=Mode(linker="c")).maker.program.thunk_fns[0]
    cells = [[None]]
    rows.append(("C kernel alone (thunk call)", best_time(lambda: node_fn([u, v], cells),
                                                          number=20000)))
    print("a + b on length-10 vectors:")
    for label, sec in rows:
        print("  %-36s %7.2f us/call" % (label, sec * 1e6))


def accuracy(n=1_000_000):
    """Max ulp distance of each C math function to NumPy/SciPy, and NaN/inf/0 agreement."""
    import scipy.special as sps
    rng = np.random.default_rng(1)
    special = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-310, 5e-324, 1e300, -1e300, 1.0, -1.0]
    names = ["Exp", "Exp2", "Expm1", "Log", "Log2", "Log10", "Log1p", "Sin", "Cos", "Tan",
             "Tanh", "Sinh", "Cosh", "ArcTan", "ArcSinh", "ArcCosh", "ArcTanh", "ArcSin",
             "ArcCos", "Sqrt", "ScalarSigmoid", "Erf"]
    ref = {"ScalarSigmoid": sps.expit, "Erf": sps.erf}
    for dt in ("float64", "float32"):
        big = 700.0 if dt == "float64" else 85.0
        dom = {"ArcSin": (-1, 1), "ArcCos": (-1, 1), "ArcTanh": (-1, 1), "Tanh": (-25, 25),
               "Sin": (-1e4, 1e4), "Cos": (-1e4, 1e4), "Tan": (-1e4, 1e4), "Erf": (-6, 6)}
        xs = [T.vector(nm, dtype=dt) for nm in names]
        outs = [Elemwise(getattr(sb, nm.lower()) if nm != "ScalarSigmoid" else sb.sigmoid)(v)
                for nm, v in zip(names, xs)]
        f = theano.function(xs, outs, mode=Mode(linker="c", optimizer=None))
        vals = []
        for nm in names:
            lo, hi = dom.get(nm, (-big, big))
            v = rng.uniform(lo, hi, n)
            if nm in ("Log", "Log2", "Log10", "Log1p", "Sqrt", "ArcCosh"):
                v = np.exp(v) + (1.0 if nm == "ArcCosh" else 0.0)
            vals.append(np.concatenate([v, special]).astype(dt))
        for nm, v, got in zip(names, vals, f(*vals)):
            with np.errstate(all="ignore"):
                want = (ref.get(nm) or getattr(np, nm.lower()))(v)
            fin = np.isfinite(want) & (np.abs(want) >= np.finfo(dt).tiny)
            ulp = (np.abs(got[fin].astype(float) - want[fin]) /
                   np.spacing(np.abs(want[fin]).astype(dt)).astype(float)).max()
            same = np.array_equal(got[~fin], want[~fin], equal_nan=True)
            print("  %-8s %-14s max %4.1f ulp   NaN/inf/tiny identical: %s"
                  % (dt, nm, ulp, same))


if __name__ == "__main__":
    if "--accuracy" in sys.argv:
        accuracy()
    else:
        throughput(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000)
        call_overhead()
