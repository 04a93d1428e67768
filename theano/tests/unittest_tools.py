"""Oracles shared by the test-suite, as Theano 1.0's ``theano.tests.unittest_tools``.

Use as ``from theano.tests import unittest_tools as utt``.  Besides Theano
1.0's ``fetch_seed``, ``seed_rng``, ``verify_grad`` and ``assert_allclose``,
it holds the checks most op tests run on every graph: :func:`check` (values,
dtypes, inferred and compiled shapes, inputs left alone) and
:func:`inferred_shapes`.
"""
import unittest
import warnings

import numpy as np

import theano
import theano.tensor as T
from theano import gradient
from theano.configparser import config
from theano.tensor.shape import shape_i

__all__ = ["fetch_seed", "seed_rng", "verify_grad", "assert_allclose", "inferred_shapes",
           "inferred_shape", "check", "InferShapeTester", "PY_LOOPS", "loop_programs",
           "compile_c_and_python"]

# Default tolerances of ``assert_allclose`` by the narrowest dtype compared
# (Theano 1.0's ``tensor.basic._allclose``): (atol, rtol).
_TOLERANCES = {"float16": (1e-3, 1e-3), "float32": (1e-5, 1e-5), "complex64": (1e-5, 1e-5)}
_DEFAULT_TOLERANCE = (1e-8, 1e-5)


def fetch_seed(pseed=None):
    """The seed for a test's random numbers.

    Parameters
    ----------
    pseed : int or str, optional
        The seed to use; by default ``config.unittests__rseed``.

    Returns
    -------
    int or None
        None when the seed is ``'random'`` (or empty): NumPy then seeds from
        the operating system.
    """
    seed = config.unittests__rseed if pseed is None else pseed
    if seed in ("random", "", None):
        return None
    try:
        return int(seed)
    except (TypeError, ValueError):
        raise ValueError("the test seed must be an integer or 'random', got %r" % (seed,))


def seed_rng(pseed=None):
    """Seed NumPy's global generator with :func:`fetch_seed`; return the seed."""
    seed = fetch_seed(pseed)
    np.random.seed(seed)
    return seed


def verify_grad(fun, pt, n_tests=2, rng=None, **kwargs):
    """``theano.gradient.verify_grad`` with a reproducible default generator.

    When ``rng`` is None, the random projection comes from a
    ``RandomState(fetch_seed())``, so a failure replays exactly.
    Other keywords (``eps``, ``abs_tol``, ``rel_tol``, ``mode``...) pass on.
    """

    if rng is None:
        rng = np.random.RandomState(fetch_seed())
    gradient.verify_grad(fun, pt, n_tests=n_tests, rng=rng, **kwargs)


def assert_allclose(expected, value, rtol=None, atol=None):
    """Assert ``value`` is close to ``expected``, with tolerances chosen by dtype.

    The defaults loosen when either side is float16, float32 or complex64
    (Theano 1.0's rule); ``rtol``/``atol`` override them.
    """
    expected, value = np.asarray(expected), np.asarray(value)
    default = _DEFAULT_TOLERANCE
    for dtype in ("float16", "float32", "complex64"):
        if dtype in (str(expected.dtype), str(value.dtype)):
            default = _TOLERANCES[dtype]
            break
    np.testing.assert_allclose(value, expected, rtol=default[1] if rtol is None else rtol,
                               atol=default[0] if atol is None else atol)


def inferred_shapes(outs, inputs, values):
    """Each output's shape as its op's ``infer_shape`` predicts it.

    Parameters
    ----------
    outs : list of Variable
        Outputs of ops that have ``infer_shape``.
    inputs : list of Variable
        Graph inputs the predicted dimensions may depend on.
    values : list
        A value for each of ``inputs``.

    Returns
    -------
    list of tuple of int
    """
    dims = []
    for out in outs:
        node = out.owner
        shapes = [tuple(shape_i(i, k) for k in range(i.type.ndim))
                  if isinstance(i.type, T.TensorType) else None
                  for i in node.inputs]
        predicted = node.op.infer_shape(None, node, shapes)[node.outputs.index(out)]
        dims.append([T.as_tensor_variable(d) for d in predicted])
    flat = [d for ds in dims for d in ds]
    got = iter(theano.function(inputs, flat, on_unused_input="ignore")(*values) if flat else [])
    return [tuple(int(next(got)) for _ in ds) for ds in dims]


def inferred_shape(out, inputs, values):
    """:func:`inferred_shapes` for one output."""
    return inferred_shapes([out], inputs, values)[0]


def check(outs, inputs, values, expected):
    """Evaluate ``outs`` on ``values`` and compare with ``expected``.

    Asserts the values (``rtol=1e-6``), that each result has the output
    variable's dtype, that the compiled ``out.shape`` and the op's
    ``infer_shape`` give the real shape, and that no input value was modified.

    Parameters
    ----------
    outs : Variable or list of Variable
    inputs : list of Variable
    values : list
        A value for each of ``inputs``.
    expected : array_like or list of array_like
        Matching ``outs`` (one, or a list).

    Returns
    -------
    ndarray or list of ndarray
        The computed values, shaped like ``outs``.
    """
    single = not isinstance(outs, (list, tuple))
    outs = [outs] if single else list(outs)
    expected = [expected] if single else list(expected)
    copies = [np.array(v, copy=True) for v in values]
    got = theano.function(inputs, outs, on_unused_input="ignore")(*values)
    for k, (v, c) in enumerate(zip(values, copies)):
        np.testing.assert_array_equal(v, c, err_msg="input %d was modified" % k)
    shapes = theano.function(inputs, [o.shape for o in outs], on_unused_input="ignore")(*values)
    known = [o for o in outs if o.owner is not None and hasattr(o.owner.op, "infer_shape")]
    inferred = iter(inferred_shapes(known, inputs, values))
    for k, (o, g, e, s) in enumerate(zip(outs, got, expected, shapes)):
        e = np.asarray(e)
        assert g.dtype == np.dtype(o.type.dtype), (
            "output %d: computed dtype %s, the variable's type says %s" % (k, g.dtype, o.type.dtype))
        assert g.shape == e.shape, "output %d: shape %s, expected %s" % (k, g.shape, e.shape)
        assert_allclose(e, g, rtol=1e-6, atol=0)
        s = tuple(int(d) for d in s)
        assert s == g.shape, (
            "output %d: compiled out.shape gives %s, the value has %s" % (k, s, g.shape))
        if o in known:
            predicted = next(inferred)
            assert predicted == g.shape, (
                "output %d: infer_shape predicts %s, the value has %s" % (k, predicted, g.shape))
    return got[0] if single else got


class InferShapeTester(unittest.TestCase):
    """Base class of op tests that check ``infer_shape`` (Theano 1.0's).

    ``setUp`` seeds NumPy (:func:`seed_rng`) and sets ``self.mode``: the class's ``mode``
    attribute, or the default mode, including the canonicalize rewrites that replace a
    shape by its inferred value.
    """

    mode = None

    def setUp(self):
        seed_rng()
        mode = self.mode if self.mode is not None else theano.compile.get_default_mode()
        self.mode = theano.compile.get_mode(mode).including("canonicalize")

    def _compile_and_check(self, inputs, outputs, numeric_inputs, cls, excluding=None,
                           warn=True, check_topo=True):
        """Check that the shapes of ``outputs`` are computed without running ``cls``.

        Compiles ``[o.shape for o in outputs]`` and fails if a node of op class ``cls``
        remains in it (unless ``check_topo=False``), then compares those shapes, on
        ``numeric_inputs``, with the shapes of the outputs really computed.  Warns when
        two dimensions of the inputs are equal (``warn=False`` silences it): a mix-up of
        those dimensions would go unnoticed.
        """
        mode = self.mode.excluding(*excluding) if excluding else self.mode
        if warn:
            for value in numeric_inputs:
                dims = [d for d in np.shape(value) if d != 1]
                if len(set(dims)) != len(dims):
                    warnings.warn("an input of _compile_and_check has shape %s: equal "
                                  "dimensions can hide an infer_shape that mixes them up; "
                                  "use distinct ones, or warn=False"
                                  % (np.shape(value),), stacklevel=2)
                    break
        values = theano.function(inputs, outputs, mode=mode)(*numeric_inputs)
        shapes_fn = theano.function(inputs, [o.shape for o in outputs], mode=mode,
                                    on_unused_input="ignore")
        if check_topo:
            left = [node for node in shapes_fn.maker.fgraph.toposort()
                    if isinstance(node.op, cls)]
            assert not left, ("the shape graph still computes %s: its infer_shape did not "
                              "replace it" % ", ".join(str(n) for n in left))
        for k, (value, shape) in enumerate(zip(values, shapes_fn(*numeric_inputs))):
            assert tuple(int(d) for d in shape) == np.shape(value), (
                "output %d: infer_shape gives %s, the computed value has shape %s"
                % (k, tuple(int(d) for d in shape), np.shape(value)))


# The NumPy linker, for references whose loops must run in Python too (give it to
# ``theano.scan`` as well: see compile_c_and_python).
PY_LOOPS = theano.compile.mode.Mode(linker="py", optimizer="fast_run")


def loop_programs(f):
    """The compiled steps of the loops (Scan and its gradient) of function ``f``."""
    return [n.op._inner_function().maker.program for n in f.maker.fgraph.apply_nodes
            if hasattr(n.op, "_inner_function")]


def compile_c_and_python(build, c_loops=True):
    """``(fc, fp)``: ``build(mode) -> (inputs, outputs)`` compiled twice, each from a graph
    of its own, ``fc`` in the default mode and ``fp`` with :data:`PY_LOOPS`.

    A scan op keeps its compiled step, and ``theano.scan`` compiles the step with the mode
    it is given whatever the outer function's: compiling one graph twice, or a graph whose
    scans were not given the mode, would compare C loops with C loops.  So ``build`` makes
    fresh inputs and shared variables and passes ``mode`` to its scans; this checks that
    ``fp``'s loops have no C plan and, with ``c_loops``, that ``fc``'s have one.
    """
    fc = theano.function(*build(None))
    progs = loop_programs(fc)
    assert progs, "the graph has no loop"
    if c_loops:
        assert all(getattr(p, "plan", None) is not None for p in progs)
    fp = theano.function(*build(PY_LOOPS), mode=PY_LOOPS)
    progs = loop_programs(fp)
    assert progs and all(getattr(p, "plan", None) is None for p in progs)
    return fc, fp
