"""Profiling compiled functions: time and call counts per Op and per node.

``theano.function(..., profile=True)`` (or ``config.profile=True``) attaches a
:class:`ProfileStats`; ``f.profile.summary()`` prints where the time went.
"""
import array
import atexit
import sys
import time
from collections import defaultdict

from theano.link.utils import raise_with_op

__all__ = ["ProfileStats", "print_at_exit"]

_AT_EXIT = []


def _print_all():
    for stats in _AT_EXIT:
        if stats.fct_callcount:
            stats.summary(file=sys.stderr)


def print_at_exit(stats):
    """Print ``stats.summary()`` to stderr when the interpreter exits."""
    if not _AT_EXIT:
        atexit.register(_print_all)
    _AT_EXIT.append(stats)


class ProfileStats:
    """Accumulated timings of one compiled function."""

    def __init__(self, name=None):
        self.name = name
        self.fct_callcount = 0
        self.fct_call_time = 0.0
        self.node_time = defaultdict(float)  # node -> seconds
        self.node_calls = defaultdict(int)
        self.compile_time = 0.0

    def run_frame(self, frame):
        """Run ``frame`` like :meth:`Frame.run`, timing each thunk."""
        nodes = frame.program.nodes
        node_time, node_calls = self.node_time, self.node_calls
        t_start = time.perf_counter()
        if not hasattr(frame, "steps"):  # a frame of the C VM times its own steps
            timings = array.array("d", bytes(8 * len(nodes)))
            frame.run(timings)
            for node, t in zip(nodes, timings):
                node_time[node] += t
                node_calls[node] += 1
            self.fct_call_time += time.perf_counter() - t_start
            self.fct_callcount += 1
            return
        for k, (fn, ins, outs, gc) in enumerate(frame.steps):
            t0 = time.perf_counter()
            try:
                fn([c[0] for c in ins], outs)
            except Exception as exc:
                values = [c[0] for c in ins]
                frame.clear()
                raise_with_op(nodes[k], values, exc, frame.program.fgraph, k)
            node_time[nodes[k]] += time.perf_counter() - t0
            node_calls[nodes[k]] += 1
            for c in gc:
                c[0] = None
        self.fct_call_time += time.perf_counter() - t_start
        self.fct_callcount += 1

    def op_stats(self):
        """``{op_description: (seconds, calls, n_nodes)}`` aggregated over nodes."""
        out = {}
        for node, t in self.node_time.items():
            key = str(node.op)
            sec, calls, n = out.get(key, (0.0, 0, 0))
            out[key] = (sec + t, calls + self.node_calls[node], n + 1)
        return out

    def summary(self, file=sys.stderr, n_ops_to_print=20, n_apply_to_print=20):
        """Print per-function, per-Op and per-node tables to ``file``."""
        total = sum(self.node_time.values()) or 1e-12
        w = file.write
        w("Function profiling\n==================\n")
        w("  Message: %s\n" % (self.name or ""))
        w("  Time in %d calls to Function.__call__: %.6fs\n"
          % (self.fct_callcount, self.fct_call_time))
        if self.fct_callcount:
            w("  Time in thunks: %.6fs (%.1f%%)\n"
              % (total, 100.0 * total / max(self.fct_call_time, 1e-12)))
        w("\nClass / Op\n---\n  <% time> <sum %> <time> <time per call> <#call> <#apply> "
          "<Op name>\n")
        cum = 0.0
        stats = sorted(self.op_stats().items(), key=lambda kv: -kv[1][0])
        for name, (sec, calls, n) in stats[:n_ops_to_print]:
            cum += sec
            w("  %5.1f%%  %5.1f%%  %.6fs  %.3es  %d  %d  %s\n"
              % (100 * sec / total, 100 * cum / total, sec, sec / max(calls, 1), calls, n, name))
        w("\nApply\n---\n  <% time> <sum %> <time> <time per call> <#call> <id> <Apply name>\n")
        cum = 0.0
        nodes = sorted(self.node_time.items(), key=lambda kv: -kv[1])
        for k, (node, sec) in enumerate(nodes[:n_apply_to_print]):
            cum += sec
            calls = self.node_calls[node]
            w("  %5.1f%%  %5.1f%%  %.6fs  %.3es  %d  %d  %s\n"
              % (100 * sec / total, 100 * cum / total, sec, sec / max(calls, 1), calls, k, node))
        return file

    # The name the Theano 1.0 profiling tutorial uses (``f.profile.print_summary()``).
    print_summary = summary
