"""Small timing helpers shared by the benchmarks (best of several repeats)."""
import time


def best_time(fn, repeat=5, number=1):
    """Best wall time of ``number`` calls of ``fn`` over ``repeat`` runs, per call."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def report(rows, base_label):
    """Print ``rows`` of (label, seconds) as a table with ratios to ``base_label``."""
    base = dict(rows)[base_label]
    width = max(len(r[0]) for r in rows)
    for label, sec in rows:
        print("  %-*s  %10.3f ms  %6.2fx" % (width, label, sec * 1e3, sec / base))
