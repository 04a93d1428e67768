"""One command for the whole performance table.

    python bench/run.py [--only logreg,mlp,...] [--quick] [--no-peers] [--wait-quiet S]
                        [--json PATH] [--md PATH]
    python bench/run.py --from-json bench/results.json --md bench/RESULTS.md   (re-render only)

Measures, in one process, every workload of ``bench/workloads.py`` with: NumPy written by
hand (also the reference), PyTensor's C path (``Mode(linker="cvm", optimizer="fast_run")``)
and its default mode, JAX on CPU (``jax.jit``, float64 enabled), this project's theano
(FAST_RUN, default flags), and two floors: a memory copy of the bytes the workload must
move, and (training steps) the step's matrix products alone in NumPy.  Each result is first
checked against the NumPy reference, then timed (min and median over repeats).  The
"theano JAX" column is this project's ``mode='JAX'`` on the same symbolic builders as
theano, next to hand-written ``jax.jit`` (its overhead is the "theano JAX / JAX" column).  The compile
time of the MLP training function is measured in fresh subprocesses, cold (empty compile
cache) and warm (cache filled).  Prints a Markdown table; a full run also writes
``bench/results.json`` and ``bench/RESULTS.md``.  PyTensor and JAX are optional.
"""
import argparse
import datetime
import gc
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import workloads as W  # noqa: E402  (bench/ is not a package)

PEERS = ["numpy", "pytensor_c", "pytensor_default", "jax"]
IMPLS = PEERS + ["theano", "theano_jax"]
FLOORS = ["copy", "dots"]
LABELS = {"numpy": "NumPy", "pytensor_c": "PyTensor C", "pytensor_default": "PyTensor default",
          "jax": "JAX", "theano": "theano", "theano_jax": "theano JAX", "copy": "copy floor",
          "dots": "dots floor"}
COMPILE_IMPLS = ["pytensor_c", "pytensor_default", "jax", "theano", "theano_jax"]
# PyTensor's default mode computes its products with SciPy's BLAS, a second OpenBLAS whose
# threads spin for about 0.1 s after each call (OPENBLAS_THREAD_TIMEOUT): interleaved with
# the other columns they held one of the two cores while NumPy's BLAS wanted both, and the
# medians of NumPy, of the dots floor and of theano doubled.  Its column is timed after
# the others of its row.
ALONE = ("pytensor_default",)


# --------------------------------------------------------------------------- implementations

def pytensor_c_mode():
    from pytensor.compile.mode import Mode
    return Mode(linker="cvm", optimizer="fast_run")


def load_impls(no_peers, notes):
    """``{impl: factory(workload, data) -> Runner}`` for what is installed."""
    theano_lib = W.theano_lib()
    impls = {"numpy": lambda wl, d: wl.numpy(d),
             "theano": lambda wl, d: wl.symbolic(theano_lib, d)}
    if no_peers:
        notes.append("PyTensor and JAX not run (--no-peers).")
        return impls
    try:
        import pytensor
    except ImportError as exc:
        notes.append("PyTensor not installed (%s): its columns are empty." % exc)
    else:
        if not pytensor.config.blas__ldflags:
            notes.append("PyTensor found no BLAS library to link (blas__ldflags is empty, as "
                         "with a pip install): its C mode computes dot products through "
                         "NumPy's C API.")
        c_lib, default_lib = W.pytensor_lib(pytensor_c_mode()), W.pytensor_lib(None)
        impls["pytensor_c"] = lambda wl, d: wl.symbolic(c_lib, d)
        impls["pytensor_default"] = lambda wl, d: wl.symbolic(default_lib, d)
    try:
        jx = load_jax()
    except ImportError as exc:
        notes.append("JAX not installed (%s): its column is empty." % exc)
    else:
        impls["jax"] = lambda wl, d: wl.jax(jx, d)
        theano_jax_lib = W.theano_lib("JAX")
        impls["theano_jax"] = lambda wl, d: wl.symbolic(theano_jax_lib, d)
    return impls


def load_jax(cache_dir=None):
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
    if cache_dir:
        # In a folder of its own, which "cold" runs start without (_keep_runtime_only).
        jax.config.update("jax_compilation_cache_dir", os.path.join(cache_dir, "jax_cache"))
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return types.SimpleNamespace(jax=jax, jnp=jnp)


# --------------------------------------------------------------------------- checking, timing

def compare(wl, got, ref):
    """None when ``got`` matches the reference, else a sentence saying where it differs."""
    names = getattr(wl, "outputs", None) or ["output %d" % i for i in range(len(ref))]
    if len(got) != len(ref):
        return "returned %d arrays, the reference %d" % (len(got), len(ref))
    for name, g, e in zip(names, got, ref):
        if g.shape != e.shape:
            return "%s: shape %s, reference %s" % (name, g.shape, e.shape)
        if g.dtype != e.dtype:
            return "%s: dtype %s, reference %s" % (name, g.dtype, e.dtype)
        rtol, atol = (1e-9, 1e-12) if e.dtype == np.float64 else (1e-5, 1e-6)
        if not np.allclose(g, e, rtol=rtol, atol=atol):
            err = np.abs(g.astype(np.float64) - e)
            bad = np.unravel_index(np.nanargmax(np.where(np.isnan(err), np.inf, err)), e.shape)
            return ("%s: max |diff| %.3g at %s (got %r, reference %r; rtol %g, atol %g)"
                    % (name, np.nanmax(err), tuple(int(i) for i in bad), g[bad].item(),
                       e[bad].item(), rtol, atol))
    return None


# Seconds to wait before a column's repeats when another column ran just before: the
# threads a BLAS or an XLA runtime leaves spinning after a call (OpenBLAS: 2**28 cycles)
# go to sleep meanwhile, so each column is timed as it runs in a loop of its own.
SETTLE = 0.15
ROUNDS = 10


def measure(calls, budget, min_repeats, settle=SETTLE, rounds=ROUNDS):
    """``{name: ([seconds per call, one per repeat], calls per repeat)}`` for ``calls``.

    ``calls`` is ``{name: fn}``.  A repeat runs ``number`` calls (together at least ~1/100 of
    the budget, and 1 ms), after one untimed call when a call is short (so caches are as warm
    as in a loop).  The repeats go round-robin over ``calls`` in ``rounds`` blocks of
    consecutive repeats per column, so that a burst of load from other processes hits every
    column alike; before each block the run waits ``settle`` seconds (see SETTLE).
    """
    plan = {}
    span = max(1e-3, budget / 100)
    for name, call in calls.items():
        once = float("inf")
        for _ in range(3):   # the best of 3, so that one slow call does not cut the repeats
            t0 = time.perf_counter()
            call()
            once = min(once, time.perf_counter() - t0)
        once = max(once, 1e-7)
        number = 1 if once >= span else int(np.ceil(span / once))
        repeats = int(max(budget / (once * number), min_repeats))
        plan[name] = (call, number, repeats, once < 0.02)
    times = {name: [] for name in plan}
    names = list(plan)
    gc_was = gc.isenabled()
    gc.disable()
    try:
        most = max((p[2] for p in plan.values()), default=0)
        block = max(1, -(-most // rounds))
        for r in range(-(-most // block)):
            for name in names[r % len(names):] + names[:r % len(names)]:
                call, number, repeats, warm = plan[name]
                todo = range(r * block, min((r + 1) * block, repeats))
                if not todo:
                    continue
                if len(names) > 1:
                    time.sleep(settle)
                for _ in todo:
                    if warm:
                        call()
                    t0 = time.perf_counter()
                    for _ in range(number):
                        call()
                    times[name].append((time.perf_counter() - t0) / number)
    finally:
        if gc_was:
            gc.enable()
    return {name: (times[name], plan[name][1]) for name in plan}


def summary(times, scale=1):
    ts = [t / scale for t in times]
    return {"min": min(ts), "median": statistics.median(ts), "repeats": len(ts),
            "times": [float("%.4g" % t) for t in ts]}


def prepare(make, wl, ref):
    """(the call to time or None, its cell): build, run once, check against the reference."""
    t0 = time.perf_counter()
    try:
        runner = make()
        out = runner.call()
        setup = time.perf_counter() - t0
        problem = compare(wl, runner.result(out), ref)
    except Exception as exc:  # one failing implementation must not stop the table
        return None, {"status": "error", "error": "%s: %s" % (type(exc).__name__, str(exc)[:800])}
    if problem:
        return None, {"status": "mismatch", "error": problem, "setup_s": setup}
    return runner.call, {"status": "ok", "setup_s": setup}


def floor_calls(wl, d, ref):
    """The floors' calls and their cells (before timing)."""
    read, written = wl.traffic(d, ref)
    n = max(1, (read + written) // 16)   # a copy of N bytes reads N and writes N
    src, dst = np.ones(n), np.empty(n)
    calls = {"copy": lambda: np.copyto(dst, src)}
    cells = {"copy": {"status": "ok", "bytes_read": read, "bytes_written": written,
                      "bytes_copied": n * 8}}
    if wl.dots is not None:
        calls["dots"] = wl.dots(d)
        cells["dots"] = {"status": "ok"}
    return calls, cells


def workload_cells(wl, impls, args):
    d = wl.data(np.random.default_rng(0))
    ref = wl.reference(d)
    calls, cells = {}, {}
    for impl in IMPLS:
        if impl not in impls:
            cells[impl] = {"status": "absent"}
            continue
        call, cells[impl] = prepare(lambda: impls[impl](wl, d), wl, ref)
        if call is not None:
            calls[impl] = call
    fcalls, fcells = floor_calls(wl, d, ref)
    calls.update(fcalls)
    cells.update(fcells)
    # Columns that run on SciPy's BLAS are timed after the others (see ALONE).
    groups = [{n: c for n, c in calls.items() if n not in ALONE},
              {n: c for n, c in calls.items() if n in ALONE}]
    for group in groups:
        for name, (times, number) in measure(group, args.budget, args.min_repeats).items():
            cells[name].update(number=number, **summary(times, wl.steps))
    return cells


# --------------------------------------------------------------------------- CPU accounting

class CpuMeter:
    """CPU used by other processes while this one ran: /proc/stat minus our own usage."""

    TICK = os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _busy():
        try:
            with open("/proc/stat") as fh:
                f = [int(v) for v in fh.readline().split()[1:]]
        except OSError:
            return float("nan")
        # user nice system idle iowait irq softirq steal (guest is inside user)
        return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / CpuMeter.TICK

    @staticmethod
    def _own():
        usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                     resource.RUSAGE_CHILDREN)]
        return sum(u.ru_utime + u.ru_stime for u in usage)

    def __init__(self):
        self.wall, self.busy, self.own = time.perf_counter(), self._busy(), self._own()

    def stop(self):
        wall = time.perf_counter() - self.wall
        busy, own = self._busy() - self.busy, self._own() - self.own
        return {"wall_s": wall, "all_cpu_s": busy, "own_cpu_s": own,
                "others_cores": max(0.0, (busy - own) / wall) if wall > 0 else 0.0}


def wait_quiet(max_wait, window=3.0, threshold=0.25):
    """Wait (up to ``max_wait`` s) for a ``window`` in which others use < ``threshold`` cores."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < max_wait:
        meter = CpuMeter()
        time.sleep(window)
        if meter.stop()["others_cores"] < threshold:
            break
    return time.perf_counter() - t0


# --------------------------------------------------------------------------- compile time

def compile_child(impl, cache):
    """In a fresh process: build + compile + first call of the MLP training step; print JSON."""
    t0 = time.perf_counter()
    if impl.startswith("theano"):
        if impl == "theano_jax":
            load_jax(cache)  # JAX's persistent compile cache in ``cache`` too
        lib = W.theano_lib("JAX" if impl == "theano_jax" else None)
        make = lambda wl, d: wl.symbolic(lib, d)  # noqa: E731
    elif impl.startswith("pytensor"):
        lib = W.pytensor_lib(pytensor_c_mode() if impl == "pytensor_c" else None)
        make = lambda wl, d: wl.symbolic(lib, d)  # noqa: E731
    else:
        jx = load_jax(cache)
        make = lambda wl, d: wl.jax(jx, d)  # noqa: E731
    import_s = time.perf_counter() - t0
    wl = W.COMPILE_WORKLOAD
    d = wl.data(np.random.default_rng(0))
    ref = wl.reference(d)
    t0 = time.perf_counter()
    runner = make(wl, d)
    t1 = time.perf_counter()
    out = runner.call()
    t2 = time.perf_counter()
    print(json.dumps({"import_s": import_s, "build_s": t1 - t0, "first_call_s": t2 - t1,
                      "total_s": t2 - t0, "mismatch": compare(wl, runner.result(out), ref)}))


def child_env(impl, cache):
    env = dict(os.environ)
    if impl.startswith("theano"):
        env["THEANO_FLAGS"] = ",".join(filter(None, [env.get("THEANO_FLAGS"),
                                                     "compiledir=" + cache]))
    elif impl.startswith("pytensor"):
        env["PYTENSOR_FLAGS"] = ",".join(filter(None, [env.get("PYTENSOR_FLAGS"),
                                                       "base_compiledir=" + cache]))
        env["NUMBA_CACHE_DIR"] = os.path.join(cache, "numba_cache")
    return env


def spawn_compile(impl, cache):
    cmd = [sys.executable, os.path.abspath(__file__), "--compile-child", impl, "--cache", cache]
    proc = subprocess.run(cmd, env=child_env(impl, cache), capture_output=True, text=True)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise RuntimeError("exit %d: %s" % (proc.returncode, proc.stderr.strip()[-800:]))
    return json.loads(lines[-1])


def _keep_runtime_only(cache):
    """Empty theano's compile cache ``cache`` except the C runtime module (built once per
    machine, like a library's binary; the function's own modules are what "cold" measures),
    and JAX's persistent cache."""
    shutil.rmtree(os.path.join(cache, "jax_cache"), ignore_errors=True)
    mods = os.path.join(cache, "cmodules")
    for name in os.listdir(mods) if os.path.isdir(mods) else ():
        if not name.startswith("theano_c_rt_"):
            path = os.path.join(mods, name)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)


def compile_rows(impls, args):
    """Three rows (first use, cold, warm): ``{impl: cell}`` each, from fresh subprocesses.

    "first use" starts from an empty cache (for theano it also builds the C runtime, once
    per machine); "cold" from an empty cache except theano's runtime; "warm" from the
    filled cache.
    """
    first, cold, warm = {}, {}, {}
    for impl in COMPILE_IMPLS:
        if impl not in impls:
            first[impl] = cold[impl] = warm[impl] = {"status": "absent"}
            continue
        print("  compile: %s" % impl, flush=True)
        if args.wait_quiet:
            wait_quiet(args.wait_quiet)
        runs = {"first": [], "cold": [], "warm": []}
        try:
            with tempfile.TemporaryDirectory(prefix="bench_compile_") as tmp:
                cache = os.path.join(tmp, "first")
                os.makedirs(cache)
                runs["first"].append(spawn_compile(impl, cache))
                runtime = cache
                _keep_runtime_only(runtime)
                for k in range(args.cold_repeats):
                    cache = os.path.join(tmp, "cold%d" % k)
                    shutil.copytree(runtime, cache)
                    runs["cold"].append(spawn_compile(impl, cache))
                    if k + 1 < args.cold_repeats:
                        shutil.rmtree(cache)   # keep only the last one: it is the warm cache
                for _ in range(args.warm_repeats):
                    runs["warm"].append(spawn_compile(impl, cache))
        except Exception as exc:  # a peer's failure must not stop the table
            first[impl] = cold[impl] = warm[impl] = {
                "status": "error", "error": "%s: %s" % (type(exc).__name__, exc)}
            continue
        for row, key in ((first, "first"), (cold, "cold"), (warm, "warm")):
            bad = [r["mismatch"] for r in runs[key] if r["mismatch"]]
            cell = {"status": "mismatch", "error": bad[0]} if bad else {"status": "ok"}
            cell.update(summary([r["total_s"] for r in runs[key]]))
            cell["runs"] = runs[key]
            row[impl] = cell
    return first, cold, warm


# --------------------------------------------------------------------------- reporting

def fmt_time(cell):
    if cell is None:
        return "—"
    if cell["status"] == "absent":
        return "n/a"
    if cell["status"] == "error":
        return "error"
    if cell["status"] == "mismatch":
        return "**MISMATCH**"
    lo, med = cell["min"], cell["median"]
    for unit, mult in (("s", 1), ("ms", 1e3), ("µs", 1e6), ("ns", 1e9)):
        if lo * mult >= 1 or unit == "ns":
            return "%s %s (%s)" % (_num(lo * mult), unit, _num(med * mult))


def _num(v):
    return "%.3g" % v if v < 999.5 else "%.0f" % v


def jax_overhead(cells):
    """theano's JAX mode over hand-written jax.jit (the cost of going through the graph)."""
    tj, jx = cells.get("theano_jax"), cells.get("jax")
    if not tj or not jx or tj["status"] != "ok" or jx["status"] != "ok":
        return ""
    return "%.2fx" % (tj["min"] / jx["min"])


def ratios(cells):
    th = cells.get("theano")
    if not th or th["status"] != "ok":
        return "", ""
    peers = [(cells[p]["min"], p) for p in PEERS if cells.get(p) and cells[p]["status"] == "ok"]
    floors = [(cells[f]["min"], f) for f in FLOORS if cells.get(f) and cells[f]["status"] == "ok"]
    peer = "%.2fx (%s)" % (th["min"] / min(peers)[0], LABELS[min(peers)[1]]) if peers else ""
    floor = "%.2fx (%s)" % (th["min"] / max(floors)[0], max(floors)[1]) if floors else ""
    return peer, floor


def table(rows):
    head = (["workload"] + [LABELS[i] for i in IMPLS] + [LABELS[f] for f in FLOORS]
            + ["theano / best peer", "theano / floor", "theano JAX / JAX", "others' cores"])
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = row["cells"]
        label = row["title"] + (" (per %s)" % row["per"] if row["per"] != "call" else "")
        vals = [label] + [fmt_time(cells.get(i)) for i in IMPLS + FLOORS]
        vals += list(ratios(cells)) + [jax_overhead(cells),
                                       "%.2f" % row["cpu"]["others_cores"]]
        out.append("| " + " | ".join(vals) + " |")
    return "\n".join(out)


def problems(rows):
    lines = []
    for row in rows:
        for impl, cell in row["cells"].items():
            if cell["status"] in ("error", "mismatch"):
                lines.append("- %s, %s: %s: %s" % (row["title"], LABELS[impl],
                                                     cell["status"], cell["error"]))
    return lines


def machine_info():
    info = {"python": platform.python_version(), "platform": platform.platform(),
            "cores": os.cpu_count(), "cores_usable": len(os.sched_getaffinity(0)),
            "numpy": np.__version__}
    try:
        with open("/proc/cpuinfo") as fh:
            info["cpu"] = next((ln.split(":", 1)[1].strip() for ln in fh
                                if ln.startswith("model name")), "unknown")
    except OSError:
        info["cpu"] = platform.processor() or "unknown"
    import scipy
    info["scipy"] = scipy.__version__
    try:
        import threadpoolctl
        info["blas"] = [dict({k: p.get(k) for k in ("internal_api", "version", "num_threads",
                                                     "threading_layer", "architecture")},
                             library=os.path.basename(os.path.dirname(p["filepath"])))
                        for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
        info["openmp_runtimes"] = [p["filepath"] for p in threadpoolctl.threadpool_info()
                                   if p["user_api"] == "openmp"]
    except ImportError:
        info["blas"] = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    import theano
    info["theano"] = {"version": theano.__version__, "mode": theano.config.mode,
                      "linker": theano.config.linker, "openmp": theano.config.openmp,
                      "cxx": theano.config.cxx}
    if theano.config.cxx:
        ver = subprocess.run([theano.config.cxx, "--version"], capture_output=True, text=True)
        info["cxx"] = ver.stdout.splitlines()[0] if ver.stdout else "unknown"
    for mod in ("pytensor", "jax", "jaxlib", "numba"):
        try:
            info[mod] = __import__(mod).__version__
        except ImportError:
            info[mod] = None
    try:
        import pytensor
        info["pytensor_default_linker"] = type(
            pytensor.compile.mode.get_default_mode().linker).__name__
    except ImportError:
        pass
    return info


def blas_text(info):
    if isinstance(info["blas"], list):
        return ", ".join("%s %s in %s (%s threads, %s)"
                         % (b["internal_api"], b["version"], b["library"], b["num_threads"],
                            b["architecture"]) for b in info["blas"]) or "none loaded"
    return str(info["blas"])


def write_markdown(path, result, tbl):
    m = result["machine"]
    notes = result["notes"] + problems(result["rows"])
    text = """# Performance table

Generated by `bench/run.py` (do not edit by hand: rerun it).

- Command: `%(command)s`
- Date: %(date)s; run took %(wall).0f s
- Machine: %(cpu)s, %(cores)d cores (%(usable)d usable); Python %(py)s; %(platform)s
- NumPy %(numpy)s, SciPy %(scipy)s, BLAS: %(blas)s; C compiler: %(cxx)s
- theano %(theano)s (mode %(tmode)s, linker %(tlinker)s, openmp %(omp)s); PyTensor %(pytensor)s
  (default linker: %(ptdef)s); JAX %(jax)s / jaxlib %(jaxlib)s; numba %(numba)s
- Other processes used %(others).2f cores on average during the run (from /proc/stat minus
  this process and its children); the last column gives it per row: a row where it is high
  was measured on a busy machine.

Each cell: min (median) over the repeats, per call or per step, after the result was checked
against the NumPy reference (training steps: the cost and every parameter after one step from
the same initial values). "MISMATCH" means the check failed (see the notes) and the cell was
not timed; "n/a": not installed; "—": does not apply.  Repeats (at least %(minrep)d, about
%(budget)g s per cell; short calls are looped to >= 1/100 of that and preceded by one untimed
call) go round-robin over the columns of a row in %(rounds)d blocks of consecutive repeats, so
load from other processes hits them alike; before each block the run waits %(settle)g s, so
that the threads the previous column's BLAS left spinning (OpenBLAS's spin about 0.1 s after
a call) are asleep and each column runs as in a loop of its own.  PyTensor's default mode is
timed after the others of its row: it calls SciPy's BLAS, a second OpenBLAS.

- **NumPy**: written by hand (`bench/workloads.py`), also the reference.
- **PyTensor C**: `Mode(linker="cvm", optimizer="fast_run")`; **PyTensor default**: its
  default mode.  Same graph code as theano (one builder per workload).
- **JAX**: `jax.jit` on CPU with float64 enabled, results `block_until_ready`.
- **theano**: this project, FAST_RUN with default flags, public Theano 1.0 API only.
- **theano JAX**: this project's `mode='JAX'` (the same builders as theano: the rewritten
  graph as one `jax.jit` function, shared state kept on the device, outputs returned as
  NumPy arrays); **theano JAX / JAX** is its min over hand-written JAX's min: the overhead
  of going through Theano's graph and `theano.function`'s call.
- **copy floor**: `np.copyto` of (bytes read + bytes written) / 2 (a copy reads and writes
  its size), where the bytes are the inputs, parameters and outputs the workload must touch
  once.  **dots floor** (training steps): the step's matrix products alone, in NumPy.
- **theano / best peer**: theano's min over the fastest of NumPy, PyTensor and JAX.
  **theano / floor**: over the higher of the two floors.
- Compile rows: building the graph, gradients, compiling and the first call of the MLP
  training step, each in a fresh process (imports not counted); cold = empty compile cache
  (`THEANO_FLAGS=compiledir=<new dir>`, `PYTENSOR_FLAGS=base_compiledir=<new dir>`, JAX's
  persistent cache in a new dir), warm = a fresh process with that cache filled.

%(table)s

Workloads (defined once in `bench/workloads.py`; `--only` takes these names):

%(sizes)s

%(notes)s
""" % {"command": result["command"], "date": result["date"], "wall": result["cpu"]["wall_s"],
       "cpu": m["cpu"], "cores": m["cores"], "usable": m["cores_usable"], "py": m["python"],
       "platform": m["platform"], "numpy": m["numpy"], "scipy": m["scipy"],
       "blas": blas_text(m), "cxx": m.get("cxx", "none"), "theano": m["theano"]["version"],
       "tmode": m["theano"]["mode"], "tlinker": m["theano"]["linker"],
       "omp": m["theano"]["openmp"], "pytensor": m["pytensor"],
       "ptdef": m.get("pytensor_default_linker"), "jax": m["jax"], "jaxlib": m["jaxlib"],
       "numba": m["numba"], "others": result["cpu"]["others_cores"], "table": tbl,
       "sizes": "\n".join("- `%s`: %s; %s" % (r["key"], r["title"], r["size"])
                           for r in result["rows"]),
       "minrep": result["options"]["min_repeats"], "budget": result["options"]["budget_s"],
       "rounds": ROUNDS, "settle": SETTLE,
       "notes": ("Notes:\n\n" + "\n".join(
           n if n.startswith("- ") else "- " + n for n in notes)) if notes else ""}
    with open(path, "w") as fh:
        fh.write(text)


# --------------------------------------------------------------------------- main

def selected(key, only):
    return not only or any(key == k or key.startswith(k + "_") for k in only)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="",
                    help="comma-separated workloads: %s, compile (a prefix such as 'sigmoid' "
                         "selects all its variants)" % ", ".join(w.key for w in W.WORKLOADS))
    ap.add_argument("--quick", action="store_true", help="short timings, one compile run each")
    ap.add_argument("--no-peers", action="store_true", help="skip PyTensor and JAX")
    ap.add_argument("--budget", type=float, help="seconds of timing per cell (default 1)")
    ap.add_argument("--wait-quiet", type=float, default=0, metavar="S",
                    help="before each row, wait up to S seconds for a few seconds in which "
                         "other processes use under a quarter of a core (shared machines)")
    ap.add_argument("--json", help="write raw numbers here (default bench/results.json on a "
                                   "full run)")
    ap.add_argument("--md", help="write the report here (default bench/RESULTS.md on a full run)")
    ap.add_argument("--from-json", metavar="PATH",
                    help="measure nothing: print the table of a saved run (and write --md)")
    ap.add_argument("--compile-child", help=argparse.SUPPRESS)
    ap.add_argument("--cache", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.compile_child:
        return compile_child(args.compile_child, args.cache)
    if args.from_json:
        with open(args.from_json) as fh:
            result = json.load(fh)
        tbl = table(result["rows"])
        print(tbl)
        if args.md:
            write_markdown(args.md, result, tbl)
            print("wrote", args.md)
        return None

    only = [k.strip() for k in args.only.split(",") if k.strip()]
    known = [w.key for w in W.WORKLOADS] + ["compile"]
    unknown = [k for k in only if not any(selected(w, [k]) for w in known)]
    if unknown:
        ap.error("unknown workload(s) %s; choose from %s" % (", ".join(unknown), ", ".join(known)))
    if args.budget is None:
        args.budget = 0.1 if args.quick else 1.0
    args.min_repeats = 3 if args.quick else 5
    args.cold_repeats, args.warm_repeats = (1, 1) if args.quick else (3, 5)
    full = not only and not args.quick
    json_path = args.json or (os.path.join(HERE, "results.json") if full else None)
    md_path = args.md or (os.path.join(HERE, "RESULTS.md") if full else None)

    command = "python bench/run.py" + "".join(" " + shlex.quote(a) for a in sys.argv[1:])
    date = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    total = CpuMeter()
    notes = []
    impls = load_impls(args.no_peers, notes)
    rows = []
    for wl in W.WORKLOADS:
        if not selected(wl.key, only):
            continue
        print("%s ..." % wl.key, flush=True)
        waited = wait_quiet(args.wait_quiet) if args.wait_quiet else 0.0
        meter = CpuMeter()
        cells = workload_cells(wl, impls, args)
        rows.append({"key": wl.key, "title": wl.title, "size": wl.size, "per": wl.per,
                     "steps": wl.steps, "cells": cells, "cpu": meter.stop(),
                     "waited_s": waited})
        del cells
        gc.collect()
    if selected("compile", only):
        print("compile ...", flush=True)
        waited = wait_quiet(args.wait_quiet) if args.wait_quiet else 0.0
        meter = CpuMeter()
        first, cold, warm = compile_rows(impls, args)
        cpu = meter.stop()
        title = "compile MLP train fn, %s (%d runs)"
        rows.append({"key": "compile_first", "title": title % ("first use", 1),
                     "size": "fresh process, empty cache (theano: also builds its C runtime, "
                             "once per machine)", "per": "call", "steps": 1,
                     "cells": first, "cpu": cpu, "waited_s": waited})
        rows.append({"key": "compile_cold", "title": title % ("cold", args.cold_repeats),
                     "size": "fresh process, empty cache (theano: C runtime already built)",
                     "per": "call", "steps": 1, "cells": cold, "cpu": cpu, "waited_s": 0.0})
        rows.append({"key": "compile_warm", "title": title % ("warm", args.warm_repeats),
                     "size": "fresh process, cache filled", "per": "call", "steps": 1,
                     "cells": warm, "cpu": cpu, "waited_s": 0.0})

    machine = machine_info()   # after the runs: the BLAS libraries they loaded are listed
    if isinstance(machine["blas"], list) and len(machine["blas"]) > 1:
        notes.append("This process loaded %d BLAS libraries (%s), each with its own thread "
                     "pool." % (len(machine["blas"]),
                                ", ".join(b["library"] for b in machine["blas"])))
    result = {"command": command, "date": date, "machine": machine, "notes": notes,
              "options": {"budget_s": args.budget, "min_repeats": args.min_repeats,
                          "wait_quiet_s": args.wait_quiet,
                          "cold_repeats": args.cold_repeats, "warm_repeats": args.warm_repeats},
              "rows": rows, "cpu": total.stop()}
    tbl = table(rows)
    print()
    print(tbl)
    for line in notes + problems(rows):
        print(line)
    print("other processes used %.2f cores on average over %.0f s"
          % (result["cpu"]["others_cores"], result["cpu"]["wall_s"]))
    if json_path:
        text = json.dumps(result, indent=1)
        # Lists of numbers (the repeats' times) on one line each.
        text = re.sub(r"\[\s+([-+0-9.e,\s]+?)\s+\]",
                      lambda m: "[%s]" % " ".join(m.group(1).split()), text)
        with open(json_path, "w") as fh:
            fh.write(text + "\n")
        print("wrote", json_path)
    if md_path:
        write_markdown(md_path, result, tbl)
        print("wrote", md_path)
    if not full and not (json_path and md_path):
        print("(partial or quick run: bench/RESULTS.md and results.json are only rewritten by "
              "a full run, or with --md/--json)")


if __name__ == "__main__":
    main()
