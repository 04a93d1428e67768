"""Every script of examples/ runs in quick mode, prints its summary and draws non-blank figures.

Each one runs in its own process, as a user would start it, with its figures
sent to a temporary folder (``THEANO_EXAMPLES_OUT``).
"""
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

# script -> (pattern of its last line, figures it writes, number extracted -> check)
SUMMARIES = {
    "digits_mlp.py": (r"^digits_mlp: test accuracy ([0-9.]+)% \(\d+ of 360\), best validation "
                      r"error [0-9.]+% at epoch \d+ of \d+; [0-9.]+ s \(quick\); figures: .*$",
                      ["digits_mlp_curves", "digits_mlp_confusion", "digits_mlp_errors"],
                      lambda acc: acc >= 90.0),
    "digits_lenet.py": (r"^digits_lenet: test accuracy ([0-9.]+)% after 4 epochs, best "
                        r"validation error [0-9.]+%; [0-9.]+ s \(quick\); figures: .*$",
                        ["digits_lenet_filters", "digits_lenet_curves"],
                        lambda acc: acc >= 70.0),
    "rnn_scan.py": (r"^rnn_scan: validation MSE ([0-9.]+) one step ahead, [0-9.]+ over the first "
                    r"10 free-running steps; [0-9.]+ s \(quick\); figures: .*$",
                    ["rnn_scan_predictions", "rnn_scan_loss"],
                    lambda mse: mse < 0.1),
    "autoencoder.py": (r"^autoencoder: test reconstruction MSE per pixel ([0-9.]+) from "
                       r"corrupted inputs, [0-9.]+ from clean ones \(pixels in \[0, 1\]\); "
                       r"[0-9.]+ s \(quick\); figures: .*$",
                       ["autoencoder_filters", "autoencoder_reconstructions"],
                       lambda mse: mse < 0.1),
    "graph_pictures.py": (r"^graph_pictures: training function of (\d+) Apply nodes drawn by "
                          r"pydotprint \((?:png|dot text: Graphviz missing)\) and d3viz .*$",
                          [], lambda n: n > 10),
}


def run(script, out_dir, *args):
    env = dict(os.environ, THEANO_EXAMPLES_OUT=str(out_dir), MPLBACKEND="Agg")
    env.pop("THEANO_EXAMPLES_QUICK", None)
    start = time.time()
    proc = subprocess.run([sys.executable, str(EXAMPLES / script)] + list(args),
                          cwd=str(out_dir), env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, "%s failed:\n%s\n%s" % (script, proc.stdout[-3000:],
                                                          proc.stderr[-3000:])
    return proc, time.time() - start


def assert_not_blank(path):
    import matplotlib.pyplot as plt

    image = plt.imread(str(path))
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100, path
    rgb = image[..., :3].reshape(-1, 3)
    rgb = rgb[::max(1, len(rgb) // 200000)]             # a sample is enough
    ink = np.mean(np.any(rgb < 0.9, axis=1))            # share of non-white pixels
    packed = (rgb * 255).astype(np.uint32) @ np.array([1 << 16, 1 << 8, 1], dtype=np.uint32)
    colours = len(np.unique(packed))
    assert ink > 0.02 and colours > 10, (path, ink, colours)


def test_every_example_is_covered():
    scripts = {p.name for p in EXAMPLES.glob("*.py")} - {"example_utils.py"}
    assert scripts == set(SUMMARIES) | {"logistic_regression.py"}


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(SUMMARIES))
def test_example_quick_run(script, tmp_path):
    pattern, figures, check = SUMMARIES[script]
    proc, seconds = run(script, tmp_path, "--quick")
    last = proc.stdout.strip().splitlines()[-1]
    match = re.match(pattern, last)
    assert match, "unexpected last line of %s: %r" % (script, last)
    assert check(float(match.group(1))), last
    # The progress bar (tqdm, on stderr) shows the running cost.
    if script != "graph_pictures.py":
        assert "cost=" in proc.stderr and "100%" in proc.stderr, proc.stderr[-500:]
    for name in figures:
        path = tmp_path / (name + ".png")
        assert path.exists() and str(path) in last, (path, last)
        assert_not_blank(path)
    assert seconds < 120
    if script == "graph_pictures.py":
        check_graph_pictures(proc, tmp_path)


def check_graph_pictures(proc, tmp_path):
    for page in ("graph_pictures_train.html", "graph_pictures_scan.html"):
        text = (tmp_path / page).read_text()
        assert 'id="d3viz-data"' in text and "window.d3viz" in text
    if shutil.which("dot"):   # CI installs Graphviz; without it, the DOT text
        assert_not_blank(tmp_path / "graph_pictures_train.png")
    else:
        assert (tmp_path / "graph_pictures_train.dot").read_text().startswith("digraph")
        assert "apt-get install graphviz" in proc.stdout


@pytest.mark.slow
def test_quick_mode_from_the_environment(tmp_path):
    env_quick = dict(os.environ, THEANO_EXAMPLES_QUICK="1", THEANO_EXAMPLES_OUT=str(tmp_path))
    proc = subprocess.run([sys.executable, str(EXAMPLES / "digits_mlp.py"), "--epochs", "3"],
                          cwd=str(tmp_path), env=env_quick, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert re.search(r"at epoch \d of 3; [0-9.]+ s \(quick\)", proc.stdout), proc.stdout


@pytest.mark.slow
def test_logistic_regression_seed_example(tmp_path):
    # The seed's example keeps its output and always writes to examples/out/.
    plot = EXAMPLES / "out" / "logistic_progress.png"
    start = time.time()
    proc, _ = run("logistic_regression.py", tmp_path, "--steps", "100")
    lines = proc.stdout.strip().splitlines()
    assert lines[0] == "training logistic regression: 400 points, 784 features, 100 steps"
    assert re.match(r"^final accuracy: [0-9.]+$", lines[-2])
    assert lines[-1] == "progress plot written to %s" % plot
    assert plot.stat().st_mtime >= start - 1
    assert_not_blank(plot)
