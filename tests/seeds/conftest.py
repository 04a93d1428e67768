"""Shared pytest configuration for the seed-document acceptance tests.

The tests in this folder translate every code example of the seed documents
(/work/shared/seeds/000..004) into Python 3 and check what those documents
print.  Tests are tagged by the subsystem they depend on so that a missing
subsystem shows up as a block of failures under one marker:

* ``grad``    -- symbolic differentiation (``T.grad``, jacobian, hessian)
* ``random``  -- ``RandomStreams`` / ``MRG_RandomStreams``
* ``scan``    -- ``theano.scan`` (and helpers built on it)
* ``rewrite`` -- graph rewrites, debugging aids and printing (pp,
  debugprint, pydotprint, error messages, DebugMode, test values)

Core-only tests carry no marker.  Select e.g. ``-m "not scan"``.
"""
import sys
from pathlib import Path

# Make ``import theano`` work when pytest is started from the repository root
# without the package being installed (tests/ has no __init__.py, so pytest
# would otherwise only put tests/ on sys.path).
REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

MARKERS = {
    "grad": "needs symbolic differentiation (T.grad, theano.gradient.jacobian/hessian)",
    "random": "needs RandomStreams / MRG_RandomStreams random number support",
    "scan": "needs theano.scan",
    "rewrite": "needs graph rewrites, debugging or printing support "
               "(pp, debugprint, pydotprint, error messages, DebugMode, test values)",
}


def pytest_configure(config):
    for name, doc in MARKERS.items():
        config.addinivalue_line("markers", "%s: %s" % (name, doc))
