"""``python -m theano``, the one-screen report that docs/install.md asks for in bug reports."""
import os
import re
import subprocess
import sys

import numpy as np
import scipy

import theano


def run(*args, **env):
    full_env = dict(os.environ)
    full_env.pop("THEANO_FLAGS", None)
    full_env["THEANORC"] = ""     # no personal .theanorc either
    full_env.update(env)
    return subprocess.run([sys.executable, "-m", "theano"] + list(args), env=full_env,
                          capture_output=True, text=True, timeout=300)


def test_report_fits_one_screen_and_names_everything():
    proc = run()
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert 8 <= len(lines) <= 25
    assert lines[0] == "theano-ng %s (the Theano 1.0 API) at %s" % (
        theano.__version__, os.path.dirname(theano.__file__))
    assert "NumPy %s; SciPy %s" % (np.__version__, scipy.__version__) in lines[1]
    text = proc.stdout
    assert re.search(r"^C compiler: .+\(/.+\)$", text, re.M)       # version and path
    assert re.search(r"^BLAS: .+, \d+ threads?$", text, re.M)
    assert re.search(r"^C loops: \d+ threads? \(", text, re.M)
    cache = re.search(r"^Compile cache: (.+): (\d+) modules?, [0-9.]+ [KMG]?B", text, re.M)
    assert cache and cache.group(1).endswith("cmodules")
    assert lines[-1] == "Flags that differ from the defaults: none"


def test_report_lists_changed_flags_and_their_source():
    proc = run(THEANO_FLAGS="floatX=float32,openmp_threads=1")
    assert proc.returncode == 0, proc.stderr
    assert "Flags that differ from the defaults (from THEANO_FLAGS=floatX=float32," \
           "openmp_threads=1):" in proc.stdout
    assert "  floatX = 'float32' (default 'float64')" in proc.stdout
    assert "  openmp_threads = 1 (default 0)" in proc.stdout
    assert ("C loops: 1 thread (openmp_threads flag); middle-size products tiled for the "
            "caller alone (one thread allowed)") in proc.stdout


def test_report_without_a_compiler_says_why():
    proc = run(THEANO_FLAGS="cxx=")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^C compiler: none: Theano found no C compiler .*apt-get install g\+\+",
                     proc.stdout, re.M)
    assert "C loops: none (no compiler: NumPy runs everything)" in proc.stdout
    assert "  cxx = '' (default " in proc.stdout


def test_report_in_process_and_bad_arguments():
    from theano.__main__ import main, report

    lines = report()
    assert lines[0].startswith("theano-ng ")
    assert any(line.startswith("Mode: FAST_RUN") for line in lines)
    assert main(["--help"]) == 2
