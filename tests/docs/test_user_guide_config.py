"""docs/config.md lists every flag of ``theano.config`` exactly as docs/make_config_page.py
writes it, so the page cannot drift from the code."""
import re
import subprocess
import sys
from pathlib import Path

from theano.configparser import config

ROOT = Path(__file__).resolve().parents[2]


def test_committed_page_is_the_generated_one():
    # In a fresh process: flags registered by other tests must not count.
    proc = subprocess.run([sys.executable, str(ROOT / "docs" / "make_config_page.py"),
                           "--check"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_page_lists_each_flag_once_with_its_values():
    text = (ROOT / "docs" / "config.md").read_text()
    listed = re.findall(r"^\| `([\w.]+)` \|", text, re.M)
    assert len(listed) == len(set(listed)) > 100
    for name in ("floatX", "mode", "linker", "optimizer", "cxx", "gcc.cxxflags",
                 "openmp", "compiledir", "NanGuardMode.nan_is_error", "tensor.fast_math"):
        assert name in listed, name
        param = config.get_param(name)
        row = next(line for line in text.splitlines() if line.startswith("| `%s` |" % name))
        assert param.doc.split("(")[0].strip().replace("|", "\\|") in row
    assert "| `floatX` | `float64` | 'float64', 'float32', 'float16' |" in text
    assert "| `device` | `cpu` |" in text and "start-up only" in text
