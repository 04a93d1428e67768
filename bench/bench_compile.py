"""Compile time of an MLP training function (784-500-10) in FAST_RUN.

Forward: sigmoid hidden layer, softmax output, mean categorical cross-entropy
against integer labels; backward: ``theano.grad``; updates: SGD with
momentum on the four parameters (as in seed 003's MLP example).

Usage: ``python bench/bench_compile.py [--repeat N] [--mode MODE] [--linker py|cvm] [--pytensor]``.
Prints the best and median compile times; with ``--pytensor`` also times the
same graph in PyTensor if it is installed.
"""
import argparse
import statistics
import time

import numpy as np


def build(T, theano_mod, rng, portable=False):
    """Return (inputs, cost, updates) for the MLP with library ``T``/``theano_mod``.

    ``portable``: write sigmoid, softmax and the cross-entropy with functions
    PyTensor also has (``-mean(log(p)[arange(n), y])``), for comparisons.
    """
    x = T.matrix("x")
    y = T.ivector("y")
    shared = theano_mod.shared
    floatX = theano_mod.config.floatX
    W1 = shared((rng.randn(784, 500) * 0.01).astype(floatX), name="W1")
    b1 = shared(np.zeros(500, dtype=floatX), name="b1")
    W2 = shared((rng.randn(500, 10) * 0.01).astype(floatX), name="W2")
    b2 = shared(np.zeros(10, dtype=floatX), name="b2")
    params = [W1, b1, W2, b2]
    if portable:
        softmax = getattr(T, "special", None)
        softmax = softmax.softmax if softmax is not None else T.nnet.softmax
        h = T.sigmoid(T.dot(x, W1) + b1)
        p = softmax(T.dot(h, W2) + b2, axis=-1) if softmax is not getattr(
            getattr(T, "nnet", None), "softmax", None) else softmax(T.dot(h, W2) + b2)
        cost = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    else:
        h = T.nnet.sigmoid(T.dot(x, W1) + b1)
        p = T.nnet.softmax(T.dot(h, W2) + b2)
        cost = T.mean(T.nnet.categorical_crossentropy(p, y))
    grads = theano_mod.grad(cost, params)
    lr, momentum = 0.1, 0.9
    updates = []
    for param, g in zip(params, grads):
        vel = shared(np.zeros(param.get_value().shape, dtype=floatX))
        new_vel = momentum * vel - lr * g
        updates.append((vel, new_vel))
        updates.append((param, param + new_vel))
    return [x, y], cost, updates


def time_compile(theano_mod, T, mode, repeat, portable=False):
    times = []
    f = None
    for k in range(repeat):
        ins, cost, updates = build(T, theano_mod, np.random.RandomState(k), portable)
        t0 = time.perf_counter()
        f = theano_mod.function(ins, cost, updates=updates, mode=mode)
        times.append(time.perf_counter() - t0)
    return times, f


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--mode", default="FAST_RUN")
    ap.add_argument("--linker", default="py",
                    help="py (the NumPy backend, default) or cvm (generated C; includes gcc time "
                         "unless the on-disk cache is warm)")
    ap.add_argument("--pytensor", action="store_true", help="also time PyTensor")
    args = ap.parse_args()

    import theano
    import theano.tensor as T
    opt = {"FAST_RUN": "fast_run", "FAST_COMPILE": "fast_compile"}[args.mode]
    mode_label = args.mode
    args.mode = theano.Mode(linker=args.linker, optimizer=opt)
    for portable in (False, True):
        label = "portable graph" if portable else "T.nnet graph"
        times, f = time_compile(theano, T, args.mode, args.repeat, portable)
        nodes = f.maker.fgraph.toposort()
        print("theano   %-8s %-14s: compile best %.3f s, median %.3f s (%d runs, %d nodes)"
              % (mode_label + "/" + args.linker, label, min(times), statistics.median(times), len(times),
                 len(nodes)))
    rng = np.random.RandomState(0)
    xv = rng.rand(128, 784).astype(theano.config.floatX)
    yv = rng.randint(0, 10, 128).astype("int32")
    f(xv, yv)
    t0 = time.perf_counter()
    for _ in range(10):
        f(xv, yv)
    print("theano   %s/%s: one training step (batch 128) %.2f ms"
          % (mode_label, args.linker, (time.perf_counter() - t0) * 100))
    if args.pytensor:
        try:
            import pytensor
            import pytensor.tensor as pt
        except ImportError:
            print("pytensor: not installed")
            return
        modes = [("FAST_RUN", "FAST_RUN (C, cache warm)"),
                 (pytensor.compile.mode.Mode(linker="py", optimizer="fast_run"),
                  "fast_run + py linker")]
        for mode, label in modes:
            time_compile(pytensor, pt, mode, 1, True)  # warm the C cache
            times, _ = time_compile(pytensor, pt, mode, args.repeat, True)
            print("pytensor %-24s portable graph: compile best %.3f s, median %.3f s (%d runs)"
                  % (label, min(times), statistics.median(times), len(times)))


if __name__ == "__main__":
    main()
