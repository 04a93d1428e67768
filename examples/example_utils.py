"""What the examples share: command line, the digits data, progress bars, figures.

Every example script imports this module first.  It needs the ``examples``
extra (``pip install -e ".[examples]"``: matplotlib, tqdm, scikit-learn).

* ``--quick`` (or the environment variable ``THEANO_EXAMPLES_QUICK=1``) runs
  a reduced version, as the test suite does;
* figures are PNG files written to ``examples/out/`` (or the folder named by
  ``THEANO_EXAMPLES_OUT``) with matplotlib's Agg backend (no window opens);
* the last line printed is a one-line summary starting with the script name.
"""
import argparse
import os
import sys
import time

# These models multiply small matrices (tens to hundreds of rows).  For them
# BLAS threads cost more than they bring, and far more on a busy machine,
# where OpenBLAS's waiting threads compete with the work itself.  Set the
# variable yourself to override this before anything imports NumPy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.abspath(os.environ.get("THEANO_EXAMPLES_OUT") or os.path.join(HERE, "out"))
# Let the examples run from a source checkout that was not installed.
if os.path.dirname(HERE) not in sys.path:
    sys.path.insert(0, os.path.dirname(HERE))

try:
    import matplotlib
    matplotlib.use("Agg")  # files only, never a window
    import matplotlib.pyplot as plt  # noqa: F401  (re-exported for the examples)
    from sklearn.datasets import load_digits
    from tqdm import tqdm
except ImportError as exc:  # pragma: no cover - depends on the installation
    sys.exit("This example needs the `examples` extra: pip install -e \".[examples]\" "
             "(matplotlib, tqdm, scikit-learn); missing: %s" % exc.name)

__all__ = ["parse_args", "digits", "progress", "save_figure", "summary", "shown", "plt",
           "OUT_DIR"]


def parse_args(description, argv=None, **options):
    """Parse ``--quick``, ``--seed`` and the example's own ``--name value`` options.

    ``options`` maps an option name to ``(full value, quick value, help)``;
    the result has one attribute per option, already set for the mode.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true",
                        default=os.environ.get("THEANO_EXAMPLES_QUICK", "") not in ("", "0"),
                        help="a reduced run, as in the test suite (also "
                             "THEANO_EXAMPLES_QUICK=1)")
    parser.add_argument("--seed", type=int, default=1234, help="random seed (default 1234)")
    for name, (full, quick, help_text) in options.items():
        parser.add_argument("--" + name.replace("_", "-"), type=type(full), default=None,
                            help="%s (default %s, %s with --quick)" % (help_text, full, quick))
    args = parser.parse_args(argv)
    for name, (full, quick, _) in options.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    args.start_time = time.time()
    return args


def digits(seed, n_test=360, n_valid=270, images=False, dtype=None):
    """scikit-learn's 1,797 handwritten digits (8x8, bundled: nothing is downloaded).

    Returns ``{"train": (x, y), "valid": (x, y), "test": (x, y)}`` after a
    shuffle with ``seed``; pixels scaled to [0, 1], labels int32.  ``x`` has
    shape ``(n, 64)``, or ``(n, 1, 8, 8)`` with ``images=True``.
    """
    import theano

    data = load_digits()
    x = (data.data / 16.0).astype(dtype or theano.config.floatX)
    if images:
        x = x.reshape(-1, 1, 8, 8)
    y = data.target.astype("int32")
    order = np.random.RandomState(seed).permutation(len(y))
    x, y = x[order], y[order]
    test, valid = slice(0, n_test), slice(n_test, n_test + n_valid)
    train = slice(n_test + n_valid, None)
    return {"train": (x[train], y[train]), "valid": (x[valid], y[valid]),
            "test": (x[test], y[test])}


def progress(iterable, desc, **kwargs):
    """A tqdm progress bar (on stderr) over ``iterable``."""
    return tqdm(iterable, desc=desc, dynamic_ncols=True, leave=True, **kwargs)


def save_figure(fig, name):
    """Write ``fig`` to ``examples/out/<name>.png``, close it and return the path."""
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, name + ".png")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def shown(path):
    """``path`` relative to the repository when it is inside, else absolute."""
    root = os.path.dirname(HERE)
    inside = os.path.commonpath([root, os.path.abspath(path)]) == root
    return os.path.relpath(path, root) if inside else os.path.abspath(path)


def summary(script, args, text, figures):
    """Print the example's last line: ``<script>: <text>; <time>; figures: <files>``."""
    names = ", ".join(shown(p) for p in figures) or "none"
    print("%s: %s; %.1f s%s; figures: %s" % (script, text, time.time() - args.start_time,
                                              " (quick)" if args.quick else "", names))
