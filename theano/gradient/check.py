"""Checking symbolic gradients against finite differences (``verify_grad``)."""
import numpy as np

from theano.compile.function import function as _function
from theano.gradient.grad import grad
from theano.graph.sharedvalue import shared
from theano.tensor.basic import as_tensor_variable
from theano.tensor.math import sum as tensor_sum
from theano.tensor.type import TensorType

__all__ = ["numeric_grad", "verify_grad", "GradientError"]

# Step sizes and tolerances by dtype (Theano 1.0 values).
_TYPE_EPS = {"float64": 1e-7, "float32": 3e-4, "float16": 1e-1}
_TYPE_TOL = {"float64": 1e-4, "float32": 1e-2, "float16": 5e-2}


class numeric_grad:
    """One-sided finite-difference gradient of a scalar function at a point.

    Parameters
    ----------
    f : callable
        ``f(*arrays)`` returns a scalar.
    pt : ndarray or list of ndarray
        The point.
    eps : float, optional
        Step size (default: by dtype, see ``type_eps``).
    out_type : str, optional
        Dtype of the output when complex.

    The gradient is in ``self.gf`` (a list matching ``pt``, or one array).
    """

    type_eps = {**_TYPE_EPS, **{np.dtype(k): v for k, v in _TYPE_EPS.items()}}

    def __init__(self, f, pt, eps=None, out_type=None):
        packed = not isinstance(pt, (list, tuple))
        pts = [np.array(p) for p in ([pt] if packed else pt)]
        dtypes = [str(p.dtype) for p in pts]
        for k, d in enumerate(dtypes):
            if d not in _TYPE_EPS:
                raise TypeError("numeric_grad: input %d has dtype %s; only float16/32/64 "
                                "inputs can be perturbed" % (k, d))
        total = sum(p.size for p in pts)
        # Work in the most precise dtype among the inputs (as Theano 1.0).
        working = min(dtypes, key=lambda d: _TYPE_EPS[d])
        x = np.empty(total, dtype=working)
        gdtype = out_type if (out_type or "").startswith("complex") else working
        gx = np.empty(total, dtype=gdtype)
        if eps is None:
            eps = max(_TYPE_EPS[d] for d in dtypes)
        views, self.gf, pos = [], [], 0
        for p in pts:
            n = p.size
            views.append(x[pos:pos + n].reshape(p.shape))
            self.gf.append(gx[pos:pos + n].reshape(p.shape))
            views[-1][...] = p
            pos += n
        f_x = f(*[v.copy() for v in views])
        base = x.copy()
        for i in range(total):
            x[:] = base
            x[i] += eps
            f_eps = f(*[v.copy() for v in views])
            gx[i] = (f_eps - f_x) / eps
        x[:] = base
        if packed:
            self.gf = self.gf[0]

    @staticmethod
    def abs_rel_err(a, b):
        """``(abs_err, rel_err)``: ``|a-b|`` and ``|a-b| / max(|a|+|b|, 1e-8)``."""
        abs_err = np.asarray(abs(a - b))
        rel_err = np.asarray(abs_err / np.maximum(abs(a) + abs(b), 1e-8))
        return abs_err, rel_err

    def abs_rel_errors(self, g_pt):
        """Per-argument ``(abs_err, rel_err)`` of the estimate ``g_pt``."""
        gf = self.gf if isinstance(self.gf, list) else [self.gf]
        if len(g_pt) != len(gf):
            raise ValueError("argument has wrong number of elements: %d instead of %d"
                             % (len(g_pt), len(gf)))
        errs = []
        for i, (a, b) in enumerate(zip(g_pt, gf)):
            a = np.asarray(a)
            if a.shape != b.shape:
                raise ValueError("argument element %d has wrong shape %s (expected %s)"
                                 % (i, a.shape, b.shape))
            errs.append(self.abs_rel_err(a, b))
        return errs

    def max_err(self, g_pt, abs_tol, rel_tol):
        """Worst error: ``(arg index, flat position, abs_err, rel_err)``.

        The position maximising ``min(abs_err/abs_tol, rel_err/rel_tol)``
        over all arguments.
        """
        best = None
        for k, (abs_err, rel_err) in enumerate(self.abs_rel_errors(g_pt)):
            if not np.all(np.isfinite(abs_err)):
                raise ValueError("abs_err not finite for argument %d: %r" % (k, abs_err))
            if not np.all(np.isfinite(rel_err)):
                raise ValueError("rel_err not finite for argument %d: %r" % (k, rel_err))
            if abs_err.size == 0:
                continue
            scaled = np.minimum(abs_err / abs_tol, rel_err / rel_tol).ravel()
            pos = int(scaled.argmax())
            if best is None or scaled[pos] > best[0]:
                best = (scaled[pos], k, pos, abs_err.ravel()[pos], rel_err.ravel()[pos])
        if best is None:
            return 0, 0, 0.0, 0.0
        return best[1:]


class GradientError(Exception):
    """The symbolic gradient differs from the finite-difference estimate."""

    def __init__(self, arg, err_pos, abs_err, rel_err, abs_tol, rel_tol, num_grad=None,
                 analytic_grad=None):
        super().__init__()
        self.arg, self.err_pos = arg, err_pos
        self.abs_err, self.rel_err = abs_err, rel_err
        self.abs_tol, self.rel_tol = abs_tol, rel_tol
        self.num_grad, self.analytic_grad = num_grad, analytic_grad

    def __str__(self):
        values = ""
        if self.num_grad is not None and self.analytic_grad is not None:
            values = ("\n        numeric gradient = %s, analytic gradient = %s"
                      % (np.asarray(self.num_grad).item(), np.asarray(self.analytic_grad).item()))
        extra = ", ".join(str(a) for a in self.args)
        return ("GradientError: numeric gradient and analytic gradient exceed tolerance:\n"
                "        At position %d of argument %d,\n"
                "            abs. error = %f,  abs. tolerance = %f\n"
                "            rel. error = %f,  rel. tolerance = %f%s%s"
                % (self.err_pos, self.arg, self.abs_err, self.abs_tol, self.rel_err,
                   self.rel_tol, values, ("\nException args: " + extra) if extra else ""))


def verify_grad(fun, pt, n_tests=2, rng=None, eps=None, out_type=None, abs_tol=None,
                rel_tol=None, mode=None, cast_to_output_type=False, no_debug_ref=True):
    """Check the gradient of ``fun`` at ``pt`` by finite differences; raise if wrong.

    The (tensor) output of ``fun`` is projected on a random tensor ``u``
    and the gradient of ``sum(u * fun(*pt))`` is compared with the
    one-sided finite-difference estimate.

    Parameters
    ----------
    fun : callable
        Takes one symbolic tensor per element of ``pt`` and returns one
        symbolic tensor (an Op instance works).
    pt : list of ndarray
        Float16/32/64 input values.
    n_tests : int
        Number of random projections tried.
    rng : numpy.random.RandomState, optional
        Draws the projections (a fixed-seed one by default).
    eps : float, optional
        Finite-difference step (default by dtype: 1e-7 float64, 3e-4 float32).
    abs_tol, rel_tol : float, optional
        Tolerances (default by dtype: 1e-4 float64, 1e-2 float32); the check
        fails where both are exceeded.
    mode : str or Mode, optional
        Compilation mode.

    Raises
    ------
    GradientError
        With the worst position, its absolute/relative errors and values.

    Examples
    --------
    >>> import numpy, theano.tensor as T
    >>> verify_grad(T.tanh, [numpy.asarray([[2., 3, 4], [-1, 3.3, 9.9]])],
    ...             rng=numpy.random.RandomState(0))
    """
    if not isinstance(pt, (list, tuple)):
        raise TypeError("verify_grad: pt must be a list (or tuple) of numpy arrays, one per "
                        "input of fun, got %s" % type(pt).__name__)
    pt = [np.array(p) for p in pt]
    for i, p in enumerate(pt):
        if str(p.dtype) not in _TYPE_TOL:
            raise TypeError("verify_grad can work only with floating point inputs, but input "
                            "%d has dtype \"%s\"." % (i, p.dtype))
    if abs_tol is None:
        abs_tol = max(_TYPE_TOL[str(p.dtype)] for p in pt)
    if rel_tol is None:
        rel_tol = max(_TYPE_TOL[str(p.dtype)] for p in pt)
    if rng is None:
        rng = np.random.RandomState(42)

    def compile_(inputs, output, name):
        return _function(inputs, output, accept_inplace=True, allow_input_downcast=True,
                         mode=mode, on_unused_input="ignore", name=name)

    tensor_pt = [TensorType(p.dtype, as_tensor_variable(p).broadcastable)(name="input %d" % i)
                 for i, p in enumerate(pt)]
    o_output = fun(*tensor_pt)
    if isinstance(o_output, (list, tuple)):
        raise NotImplementedError("verify_grad can't (yet) check the gradient of a function "
                                  "with multiple outputs")
    o_output = as_tensor_variable(o_output)
    o_fn = compile_(tensor_pt, o_output, "gradient.py fwd")
    o_fn_out = o_fn(*[p.copy() for p in pt])
    if isinstance(o_fn_out, (list, tuple)):
        raise TypeError("verify_grad: fun must return a single (array-like) output")

    def random_projection():
        # Not too small: the numeric gradient would lose too much precision.
        plain = rng.rand(*np.shape(o_fn_out)) + 0.5
        if cast_to_output_type and o_output.dtype == "float32":
            return np.asarray(plain, dtype="float32")
        return np.asarray(plain)

    t_r = shared(random_projection(), name="random_projection")
    cost = tensor_sum(t_r * o_output)
    cost_fn = compile_(tensor_pt, cost, "gradient.py cost")
    symbolic_grad = grad(cost, tensor_pt, disconnected_inputs="ignore")
    grad_fn = compile_(tensor_pt, symbolic_grad, "gradient.py symbolic grad")

    for test_num in range(n_tests):
        num_grad = numeric_grad(cost_fn, [p.copy() for p in pt], eps, out_type)
        analytic = grad_fn(*[p.copy() for p in pt])
        max_arg, max_pos, max_abs, max_rel = num_grad.max_err(analytic, abs_tol, rel_tol)
        if max_abs > abs_tol and max_rel > rel_tol:
            gf = num_grad.gf if isinstance(num_grad.gf, list) else [num_grad.gf]
            raise GradientError(max_arg, max_pos, max_abs, max_rel, abs_tol, rel_tol,
                                num_grad=np.ravel(gf[max_arg])[max_pos],
                                analytic_grad=np.ravel(analytic[max_arg])[max_pos])
        if test_num < n_tests - 1:
            t_r.set_value(random_projection(), borrow=True)


verify_grad.E_grad = GradientError
