"""verify_grad on every differentiable op, plus R_op checks against the Jacobian."""
import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.gradient import GradientError, Lop, Rop, verify_grad

RNG = np.random.RandomState(1234)


def _r(*shape, lo=-1.0, hi=1.0):
    return RNG.uniform(lo, hi, size=shape)


def _away_from_int(*shape):
    # Values whose rounding is stable under a finite-difference step.
    return RNG.randint(-3, 3, size=shape) + RNG.uniform(0.2, 0.4, size=shape)


# name -> (function, list of input arrays)
UNARY = {
    "neg": (T.neg, [_r(3, 4)]),
    "abs": (T.abs_, [_r(3, 4, lo=0.2, hi=1.0) * np.sign(_r(3, 4))]),
    "sqr": (T.sqr, [_r(3, 4)]),
    "inv": (T.inv, [_r(3, 4, lo=0.5, hi=2.0)]),
    "exp": (T.exp, [_r(3, 4)]),
    "exp2": (T.exp2, [_r(3, 4)]),
    "expm1": (T.expm1, [_r(3, 4)]),
    "log": (T.log, [_r(3, 4, lo=0.5, hi=2.0)]),
    "log2": (T.log2, [_r(3, 4, lo=0.5, hi=2.0)]),
    "log10": (T.log10, [_r(3, 4, lo=0.5, hi=2.0)]),
    "log1p": (T.log1p, [_r(3, 4, lo=-0.5, hi=2.0)]),
    "sqrt": (T.sqrt, [_r(3, 4, lo=0.5, hi=2.0)]),
    "sin": (T.sin, [_r(3, 4)]),
    "cos": (T.cos, [_r(3, 4)]),
    "tan": (T.tan, [_r(3, 4)]),
    "arcsin": (T.arcsin, [_r(3, 4, lo=-0.8, hi=0.8)]),
    "arccos": (T.arccos, [_r(3, 4, lo=-0.8, hi=0.8)]),
    "arctan": (T.arctan, [_r(3, 4)]),
    "sinh": (T.sinh, [_r(3, 4)]),
    "cosh": (T.cosh, [_r(3, 4)]),
    "tanh": (T.tanh, [_r(3, 4)]),
    "arcsinh": (T.arcsinh, [_r(3, 4)]),
    "arccosh": (T.arccosh, [_r(3, 4, lo=1.5, hi=3.0)]),
    "arctanh": (T.arctanh, [_r(3, 4, lo=-0.8, hi=0.8)]),
    "deg2rad": (T.deg2rad, [_r(3, 4)]),
    "rad2deg": (T.rad2deg, [_r(3, 4)]),
    "erf": (T.erf, [_r(3, 4)]),
    "erfc": (T.erfc, [_r(3, 4)]),
    "erfinv": (T.erfinv, [_r(3, 4, lo=-0.8, hi=0.8)]),
    "erfcinv": (T.erfcinv, [_r(3, 4, lo=0.2, hi=1.8)]),
    "erfcx": (T.erfcx, [_r(3, 4)]),
    "gamma": (T.gamma, [_r(3, 4, lo=0.5, hi=3.0)]),
    "gammaln": (T.gammaln, [_r(3, 4, lo=0.5, hi=3.0)]),
    "psi": (T.psi, [_r(3, 4, lo=0.5, hi=3.0)]),
    "i0": (T.i0, [_r(3, 4)]),
    "i1": (T.i1, [_r(3, 4)]),
    "j0": (T.j0, [_r(3, 4)]),
    "j1": (T.j1, [_r(3, 4)]),
    "sigmoid": (T.sigmoid, [_r(3, 4, lo=-3, hi=3)]),
    "softplus": (T.softplus, [_r(3, 4, lo=-3, hi=3)]),
    "tensor_copy": (T.tensor_copy, [_r(3, 4)]),
    "real": (T.real, [_r(3, 4)]),
    "conj": (T.conj, [_r(3, 4)]),
    # piecewise constant: zero gradient (away from the jumps)
    "sgn": (T.sgn, [_away_from_int(3, 4)]),
    "floor": (T.floor, [_away_from_int(3, 4)]),
    "ceil": (T.ceil, [_away_from_int(3, 4)]),
    "trunc": (T.trunc, [_away_from_int(3, 4)]),
    "round": (T.round, [_away_from_int(3, 4)]),
    "round_away": (lambda x: T.round(x, "half_away_from_zero"), [_away_from_int(3, 4)]),
    # shapes: 0-d and vectors
    "exp_0d": (T.exp, [np.asarray(0.3)]),
    "tanh_vec": (T.tanh, [_r(5)]),
}

BINARY = {
    "add": (T.add, [_r(3, 4), _r(3, 4)]),
    "sub": (T.sub, [_r(3, 4), _r(3, 4)]),
    "mul": (T.mul, [_r(3, 4), _r(3, 4)]),
    "true_div": (T.true_div, [_r(3, 4), _r(3, 4, lo=0.5, hi=2.0)]),
    "pow": (T.pow, [_r(3, 4, lo=0.5, hi=2.0), _r(3, 4)]),
    "pow_const": (lambda x: x ** 3, [_r(3, 4)]),
    "minimum": (T.minimum, [_r(3, 4), _r(3, 4)]),
    "maximum": (T.maximum, [_r(3, 4), _r(3, 4)]),
    "arctan2": (T.arctan2, [_r(3, 4), _r(3, 4, lo=0.5, hi=2.0)]),
    "hypot": (T.hypot, [_r(3, 4, lo=0.5, hi=2.0), _r(3, 4)]),
    "mod": (T.mod, [_r(3, 4, lo=0.1, hi=0.9) + 2, np.full((3, 4), 1.0)]),
    "int_div": (T.int_div, [_away_from_int(3, 4), np.full((3, 4), 1.0)]),
    "second": (T.second, [_r(3, 4), _r(3, 4)]),
    "add_row": (T.add, [_r(3, 4), _r(1, 4)]),
    "mul_col": (T.mul, [_r(3, 4), _r(3, 1)]),
    "sub_scalar": (T.sub, [_r(3, 4), np.asarray(0.7)]),
    "div_vector": (T.true_div, [_r(3, 4), _r(4, lo=0.5, hi=2.0)]),
    "pow_bcast": (T.pow, [_r(1, 4, lo=0.5, hi=2.0), _r(3, 1)]),
    "maximum_bcast": (T.maximum, [_r(3, 4), _r(1, 1)]),
    "add3": (lambda a, b, c: a + b + c, [_r(3, 4), _r(1, 4), _r(3, 1)]),
    "mul3": (lambda a, b, c: T.mul(a, b, c), [_r(3, 4), _r(1, 4), _r(3, 1)]),
    "square_by_mul": (lambda a: a * a, [_r(3, 4)]),
    "fill": (lambda a, b: T.fill(a, b), [_r(3, 4), _r(1, 1)]),
}

TERNARY = {
    "switch": (lambda a, b: T.switch(T.gt(a, 0), a * 2, b), [_r(3, 4), _r(3, 4)]),
    "switch_bcast": (lambda a, b: T.switch(T.gt(a, 0), a, b), [_r(3, 4), _r(1, 4)]),
    "clip": (lambda x: T.clip(x, -0.5, 0.5), [_r(3, 4)]),
    "clip_bounds": (T.clip, [_r(3, 4), np.full((3, 4), -0.3) + _r(3, 4) * 0.01,
                             np.full((3, 4), 0.3) + _r(3, 4) * 0.01]),
    "where": (lambda a, b: T.where(T.lt(a, b), a, b), [_r(3, 4), _r(3, 4)]),
}

_zero_row = _r(3, 4, lo=0.5, hi=1.5)
_zero_row[1, 2] = 0.0
_two_zeros = _r(3, 4, lo=0.5, hi=1.5)
_two_zeros[0, 1] = _two_zeros[0, 3] = 0.0

REDUCE = {
    "sum": (T.sum, [_r(3, 4)]),
    "sum_axis0": (lambda x: T.sum(x, axis=0), [_r(3, 4)]),
    "sum_axis1_keep": (lambda x: T.sum(x, axis=1, keepdims=True), [_r(3, 4)]),
    "sum_3d": (lambda x: T.sum(x, axis=(0, 2)), [_r(2, 3, 4)]),
    "sum_row": (lambda x: T.sum(x, axis=0), [_r(1, 4)]),
    "prod": (T.prod, [_r(3, 4, lo=0.5, hi=1.5)]),
    "prod_axis": (lambda x: T.prod(x, axis=1), [_r(3, 4, lo=0.5, hi=1.5)]),
    "prod_one_zero": (lambda x: T.prod(x, axis=1), [_zero_row]),
    "prod_two_zeros": (lambda x: T.prod(x, axis=1), [_two_zeros]),
    "prod_zero_all": (T.prod, [_zero_row]),
    "prod_no_zeros_flag": (lambda x: T.prod(x, axis=0, no_zeros_in_input=True),
                           [_r(3, 4, lo=0.5, hi=1.5)]),
    "max": (T.max, [_r(3, 4)]),
    "max_axis": (lambda x: T.max(x, axis=1), [_r(3, 4)]),
    "min_axis": (lambda x: T.min(x, axis=0), [_r(3, 4)]),
    "max_keepdims": (lambda x: T.max(x, axis=0, keepdims=True), [_r(3, 4)]),
    "mean": (T.mean, [_r(3, 4)]),
    "mean_axis": (lambda x: T.mean(x, axis=0), [_r(3, 4)]),
    "var": (lambda x: T.var(x, axis=1), [_r(3, 4)]),
    "std": (T.std, [_r(3, 4)]),
    "norm2": (lambda x: x.norm(2, axis=0), [_r(3, 4)]),
}

SHAPE_AND_PRODUCTS = {
    "transpose": (lambda x: x.T, [_r(3, 4)]),
    "dimshuffle_add": (lambda x: x.dimshuffle(1, "x", 0), [_r(3, 4)]),
    "dimshuffle_drop": (lambda x: x.dimshuffle(1), [_r(1, 4)]),
    "dimshuffle_3d": (lambda x: x.dimshuffle(2, 0, 1), [_r(2, 3, 4)]),
    "dot_vv": (T.dot, [_r(4), _r(4)]),
    "dot_mv": (T.dot, [_r(3, 4), _r(4)]),
    "dot_vm": (T.dot, [_r(4), _r(4, 2)]),
    "dot_mm": (T.dot, [_r(3, 4), _r(4, 2)]),
    "dot_row_col": (T.dot, [_r(3, 1), _r(1, 2)]),
    "dot_3d": (T.dot, [_r(2, 3, 4), _r(4, 2)]),
    "tensordot_2": (lambda a, b: T.tensordot(a, b, 2), [_r(2, 3, 4), _r(3, 4, 2)]),
    "tensordot_perm": (lambda a, b: T.tensordot(a, b, [[0, 2], [1, 0]]),
                       [_r(2, 3, 4), _r(4, 2, 5)]),
    "tensordot_0": (lambda a, b: T.tensordot(a, b, 0), [_r(2, 3), _r(4)]),
    "batched_dot_33": (T.batched_dot, [_r(2, 3, 4), _r(2, 4, 5)]),
    "batched_dot_32": (T.batched_dot, [_r(2, 3, 4), _r(2, 4)]),
    "batched_dot_23": (T.batched_dot, [_r(2, 4), _r(2, 4, 5)]),
    "batched_dot_22": (T.batched_dot, [_r(2, 4), _r(2, 4)]),
    "outer": (T.outer, [_r(3), _r(4)]),
    "mlp_layer": (lambda W, x, b: T.sigmoid(T.dot(W, x) + b),
                  [_r(3, 2), _r(2, 5), _r(3, 1)]),
}

ALL = {}
for table in (UNARY, BINARY, TERNARY, REDUCE, SHAPE_AND_PRODUCTS):
    ALL.update(table)


# Ops of the other tensor modules (shape, subtensor, join, alloc, extra_ops,
# sort, nnet): their gradients go through the same driver.
OTHER_OPS = {
    "reshape": (lambda x: x.reshape((4, 3)), [_r(3, 4)]),
    "reshape_symbolic": (lambda x: x.reshape((x.shape[1], -1)), [_r(3, 4)]),
    "flatten": (lambda x: x.flatten(), [_r(2, 3, 4)]),
    "squeeze": (T.squeeze, [_r(1, 4)]),
    "specify_shape": (lambda x: T.specify_shape(x, (3, 4)), [_r(3, 4)]),
    "unbroadcast": (lambda x: T.unbroadcast(x, 0), [_r(1, 4)]),
    "subtensor_slices": (lambda x: x[1:, ::2], [_r(3, 4)]),
    "subtensor_int": (lambda x: x[1], [_r(3, 4)]),
    "advanced_subtensor1": (lambda x: x[[0, 2, 0]], [_r(3, 4)]),
    "advanced_subtensor": (lambda x: x[[0, 2], [1, 3]], [_r(3, 4)]),
    "boolean_mask": (lambda x: x[np.array([True, False, True])], [_r(3, 4)]),
    "set_subtensor": (lambda x, y: T.set_subtensor(x[1:], y), [_r(3, 4), _r(2, 4)]),
    "inc_subtensor": (lambda x, y: T.inc_subtensor(x[:, 1], y), [_r(3, 4), _r(3)]),
    "advanced_inc_repeated": (lambda x, y: T.inc_subtensor(x[[0, 0, 2]], y),
                              [_r(3, 4), _r(3, 4)]),
    "advanced_set": (lambda x, y: T.set_subtensor(x[[0, 2]], y), [_r(3, 4), _r(2, 4)]),
    "take": (lambda x: T.take(x, np.array([2, 0]), axis=1), [_r(3, 4)]),
    "concatenate": (lambda a, b: T.concatenate([a, b], axis=1), [_r(3, 4), _r(3, 2)]),
    "stack": (lambda a, b: T.stack([a, b]), [_r(3), _r(3)]),
    "join": (lambda a, b: T.join(0, a, b), [_r(2, 4), _r(3, 4)]),
    "alloc": (lambda a: T.alloc(a, 3, 4), [_r(4)]),
    "alloc_scalar": (lambda a: T.alloc(a, 3, 4), [np.asarray(0.5)]),
    "repeat": (lambda a: T.repeat(a, 2, axis=0), [_r(3, 4)]),
    "repeat_counts": (lambda a: T.repeat(a, np.array([1, 2, 3]), axis=0), [_r(3, 4)]),
    "tile": (lambda a: T.tile(a, (2, 3)), [_r(3, 4)]),
    "sort": (lambda a: T.sort(a, axis=1), [_r(3, 4)]),
    "argsort_index": (lambda a: a[T.argsort(a)], [_r(5)]),
    "cumsum": (lambda a: T.cumsum(a, axis=1), [_r(3, 4)]),
    "cumsum_flat": (T.cumsum, [_r(3, 4)]),
    "cumprod": (lambda a: T.cumprod(a, axis=0), [_r(3, 4)]),
    "diagonal": (T.diagonal, [_r(3, 4)]),
    "trace": (T.trace, [_r(3, 3)]),
    "max_and_argmax": (lambda a: T.max_and_argmax(a, axis=1)[0], [_r(3, 4)]),
    "softmax": (lambda a: T.nnet.softmax(a), [_r(3, 4)]),
    "relu": (lambda a: T.nnet.relu(a), [_r(3, 4)]),
    "categorical_crossentropy": (lambda a: T.nnet.categorical_crossentropy(
        T.nnet.softmax(a), np.array([1, 0, 3])), [_r(3, 4)]),
    "binary_crossentropy": (lambda a: T.nnet.binary_crossentropy(
        T.nnet.sigmoid(a), np.array([[1.0, 0, 1, 0]] * 3)), [_r(3, 4)]),
}


@pytest.mark.parametrize("name", sorted(ALL))
def test_verify_grad(name):
    fn, pt = ALL[name]
    verify_grad(fn, [p.copy() for p in pt], rng=np.random.RandomState(42))


@pytest.mark.parametrize("name", sorted(OTHER_OPS))
def test_verify_grad_other_modules(name):
    fn, pt = OTHER_OPS[name]
    try:
        fn(*[T.TensorType(p.dtype, [d == 1 for d in p.shape])() for p in pt])
    except (AttributeError, ImportError) as exc:  # the module is not there (yet)
        pytest.skip("not available: %s" % exc)
    verify_grad(fn, [p.copy() for p in pt], rng=np.random.RandomState(42))


@pytest.mark.parametrize("name", ["exp", "mul", "sum_axis0", "dot_mm", "tanh_vec"])
def test_verify_grad_float32(name):
    fn, pt = ALL[name]
    verify_grad(fn, [p.astype("float32") for p in pt], rng=np.random.RandomState(0))


def test_grad_dtypes_follow_inputs():
    x = T.fmatrix("x")
    y = T.dmatrix("y")
    gx, gy = theano.grad(T.sum(T.exp(x) * y), [x, y])
    assert gx.dtype == "float32" and gy.dtype == "float64"


def test_broadcast_gradient_keeps_pattern():
    b = theano.shared(np.ones((3, 1)), broadcastable=(False, True))
    x = T.dmatrix("x")
    g = theano.grad(T.sum(x + b), b)
    assert g.broadcastable == (False, True)
    np.testing.assert_allclose(g.eval({x: np.ones((3, 5))}), np.full((3, 1), 5.0))


def test_zero_grad_ops_are_zero():
    x = T.dvector("x")
    for expr in (T.floor(x), T.sgn(x), T.round(x), x // 2.0):
        g = theano.grad(T.sum(expr), x)
        np.testing.assert_array_equal(g.eval({x: np.array([0.3, 1.7, -2.2])}), 0)


def test_comparisons_and_int_casts_give_zero():
    x = T.dvector("x")
    g = theano.grad(T.sum(T.cast(T.gt(x, 0), "float64") * 3.0), x)
    np.testing.assert_array_equal(g.eval({x: np.array([0.3, -1.0])}), [0, 0])
    g = theano.grad(T.sum(T.cast(T.cast(x, "int32"), "float64")), x)
    np.testing.assert_array_equal(g.eval({x: np.array([0.3, -1.0])}), [0, 0])


def test_argmax_gives_zero_gradient():
    x = T.dvector("x")
    cost = T.cast(T.argmax(x), "float64") + T.max(x)
    g = theano.grad(cost, x)
    np.testing.assert_array_equal(g.eval({x: np.array([0.3, 2.0, -1.0])}), [0, 1, 0])


def test_max_gradient_on_ties():
    x = T.dvector("x")
    g = theano.grad(T.max(x), x)
    np.testing.assert_array_equal(g.eval({x: np.array([2.0, 1.0, 2.0])}), [1, 0, 1])


def test_prod_gradient_with_zeros_values():
    x = T.dmatrix("x")
    g = theano.grad(T.sum(T.prod(x, axis=1)), x)
    xv = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0], [1.0, 2.0, 4.0]])
    np.testing.assert_allclose(g.eval({x: xv}),
                               [[0, 6, 0], [0, 0, 0], [8, 4, 2]])


def test_cast_gradient():
    x = T.dvector("x")
    g = theano.grad(T.sum(T.cast(x, "float32") ** 2), x)
    assert g.dtype == "float64"
    np.testing.assert_allclose(g.eval({x: np.array([1.0, -2.0])}), [2, -4])


def test_abs_of_complex_and_real_imag():
    z = T.zvector("z")
    g = theano.grad(T.sum(T.real(z * 2)), z)
    assert g.dtype == "complex128"
    np.testing.assert_allclose(g.eval({z: np.array([1 + 1j, 2j])}), [2, 2])


def test_psi_gradient_is_trigamma():
    import scipy.special as sps
    x = T.dvector("x")
    g = theano.grad(T.sum(T.psi(x)), x)
    xv = np.array([0.5, 2.0, 7.0])
    np.testing.assert_allclose(g.eval({x: xv}), sps.polygamma(1, xv))


def test_second_first_input_is_disconnected():
    x = T.dvector("x")
    with pytest.raises(theano.gradient.DisconnectedInputError):
        theano.grad(T.sum(T.zeros_like(x)), x)


def test_composite_gradient():
    import theano.scalar.basic as ts
    from theano.tensor.elemwise import Elemwise
    a, b = ts.float64(), ts.float64()
    comp = ts.Composite([a, b], [ts.mul(ts.exp(a), b)])
    op = Elemwise(comp)
    verify_grad(lambda x, y: op(x, y), [_r(3, 4), _r(1, 4)], rng=np.random.RandomState(3))
    x, y, v, w = T.dmatrix(), T.dmatrix(), T.dmatrix(), T.dmatrix()
    r = Rop(op(x, y), [x, y], [v, w])
    xv, yv, vv, wv = _r(2, 3), _r(2, 3), _r(2, 3), _r(2, 3)
    np.testing.assert_allclose(r.eval({x: xv, y: yv, v: vv, w: wv}),
                               np.exp(xv) * yv * vv + np.exp(xv) * wv)


def test_verify_grad_detects_wrong_gradient():
    from theano.graph.basic import Apply
    from theano.graph.op import Op

    class Square(Op):
        __props__ = ()

        def make_node(self, x):
            x = T.as_tensor_variable(x)
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, out):
            out[0][0] = inputs[0] ** 2

        def grad(self, inputs, grads):
            return [grads[0] * inputs[0]]  # wrong by a factor 2

    with pytest.raises(GradientError) as info:
        verify_grad(Square(), [np.array([1.0, 2.0, 3.0])], rng=np.random.RandomState(0))
    err = info.value
    assert err.arg == 0 and err.abs_err > err.abs_tol and err.rel_err > err.rel_tol
    assert np.isclose(err.num_grad, 2 * err.analytic_grad, rtol=1e-4)
    assert "abs. error" in str(err) and "numeric gradient" in str(err)


def test_verify_grad_rejects_integer_inputs():
    with pytest.raises(TypeError, match="floating point"):
        verify_grad(T.exp, [np.array([1, 2])], rng=np.random.RandomState(0))


# ---------------------------------------------------------------------------
# R_op / L_op against the explicit Jacobian
# ---------------------------------------------------------------------------
def _numeric_jacobian(f, x, eps=1e-6):
    y0 = np.asarray(f(x)).ravel()
    jac = np.zeros((y0.size, x.size))
    for i in range(x.size):
        xp = x.copy().ravel()
        xm = x.copy().ravel()
        xp[i] += eps
        xm[i] -= eps
        jac[:, i] = (np.asarray(f(xp.reshape(x.shape))).ravel()
                     - np.asarray(f(xm.reshape(x.shape))).ravel()) / (2 * eps)
    return jac


ROP_CASES = {
    "elemwise": (lambda x: T.tanh(x) * x + T.exp(x), (3, 2)),
    "dimshuffle": (lambda x: x.dimshuffle(1, "x", 0) * 2, (3, 2)),
    "sum": (lambda x: T.sum(x ** 2, axis=0), (3, 2)),
    "prod": (lambda x: T.prod(x, axis=1), (3, 2)),
    "max": (lambda x: T.max(x, axis=1), (3, 2)),
    "mean_var": (lambda x: T.var(x, axis=0) + T.mean(x), (3, 2)),
    "dot": (lambda x: T.dot(x, x.T), (3, 2)),
    "dot_vec": (lambda x: T.dot(x, T.constant(np.arange(6.0).reshape(2, 3))), (3, 2)),
    "tensordot": (lambda x: T.tensordot(x, x, [[0], [0]]), (3, 2)),
    "batched_dot": (lambda x: T.batched_dot(x, x), (3, 2)),
    "clip_switch": (lambda x: T.switch(T.gt(x, 0), T.clip(x, 0.1, 0.5), x ** 2), (3, 2)),
}


@pytest.mark.parametrize("name", sorted(ROP_CASES))
def test_rop_and_lop_match_jacobian(name):
    build, shape = ROP_CASES[name]
    rng = np.random.RandomState(7)
    x = T.dmatrix("x")
    y = build(x)
    f = theano.function([x], y)
    xv = rng.uniform(0.2, 1.0, size=shape) * rng.choice([-1, 1], size=shape)
    jac = _numeric_jacobian(f, xv)
    v = T.dmatrix("v")
    vv = rng.randn(*shape)
    rop = theano.function([x, v], Rop(y, x, v), on_unused_input="ignore")(xv, vv)
    np.testing.assert_allclose(np.ravel(rop), jac @ vv.ravel(), rtol=1e-5, atol=1e-6)
    u = y.type("u")
    uv = rng.randn(*f(xv).shape)
    lop = theano.function([x, u], Lop(y, x, u), on_unused_input="ignore")(xv, uv)
    np.testing.assert_allclose(np.ravel(lop), uv.ravel() @ jac, rtol=1e-5, atol=1e-6)


def test_rop_list_structure_and_zero_for_unrelated_output():
    x, y = T.dvector("x"), T.dvector("y")
    v = T.dvector("v")
    r = Rop([x * 2, y * 3], x, v)
    assert isinstance(r, list) and len(r) == 2
    fn = theano.function([x, y, v], r)
    a, b = fn([1.0, 2.0], [3.0, 4.0], [1.0, -1.0])
    np.testing.assert_allclose(a, [2, -2])
    np.testing.assert_allclose(b, [0, 0])
    with pytest.raises(ValueError, match="dimensionality"):
        Rop(x, x, T.dmatrix())


def test_scalar_tensor_conversions():
    import theano.scalar.basic as ts
    from theano.tensor.math_grad import scalar_from_tensor
    s = ts.float64("s")
    g = theano.grad(T.tensor_from_scalar(s) ** 2, s)
    assert isinstance(g.type, ts.ScalarType)
    assert theano.function([s], g)(3.0) == 6.0
    x = T.dscalar("x")
    y = T.tensor_from_scalar(scalar_from_tensor(x)) * 2
    assert theano.grad(y, x).eval({x: 1.0}) == 2.0
    assert Rop(y, x, T.constant(1.0)).eval({x: 1.0}) == 2.0
