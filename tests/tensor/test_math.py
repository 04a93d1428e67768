"""Every elementwise, reduction and product function compared with NumPy."""
import numpy as np
import pytest
import scipy.special as sps

import theano
import theano.tensor as T

rng = np.random.default_rng(42)


def _rand(shape, dtype, positive=False, low=None, high=None):
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if np.dtype(dtype).kind in "iu":
        lo = 1 if positive else -5
        return rng.integers(lo, 6, size=shape).astype(dtype)
    if low is not None:
        return rng.uniform(low, high, size=shape).astype(dtype)
    x = rng.standard_normal(shape)
    if positive:
        x = np.abs(x) + 0.1
    return x.astype(dtype)


def _sym(shape, dtype):
    return T.tensor(dtype, [False] * len(shape))


UNARY = [
    # name, numpy reference, domain (None, 'pos', (lo, hi)), float-only
    ("exp", np.exp, None), ("exp2", np.exp2, None), ("expm1", np.expm1, None),
    ("log", np.log, "pos"), ("log2", np.log2, "pos"), ("log10", np.log10, "pos"),
    ("log1p", np.log1p, "pos"), ("sqrt", np.sqrt, "pos"), ("sqr", np.square, None),
    ("sin", np.sin, None), ("cos", np.cos, None), ("tan", np.tan, (-1, 1)),
    ("arcsin", np.arcsin, (-0.9, 0.9)), ("arccos", np.arccos, (-0.9, 0.9)),
    ("arctan", np.arctan, None), ("sinh", np.sinh, None), ("cosh", np.cosh, None),
    ("tanh", np.tanh, None), ("arcsinh", np.arcsinh, None), ("arccosh", np.arccosh, (1.1, 3)),
    ("arctanh", np.arctanh, (-0.9, 0.9)), ("erf", sps.erf, None), ("erfc", sps.erfc, None),
    ("erfinv", sps.erfinv, (-0.9, 0.9)), ("gamma", sps.gamma, "pos"),
    ("gammaln", sps.gammaln, "pos"), ("psi", sps.psi, "pos"), ("floor", np.floor, None),
    ("ceil", np.ceil, None), ("trunc", np.trunc, None), ("round", np.round, None),
    ("sgn", np.sign, None), ("neg", np.negative, None), ("abs_", np.abs, None),
    ("isnan", np.isnan, None), ("isinf", np.isinf, None), ("inv", np.reciprocal, "pos"),
]


def _domain_value(shape, dtype, dom):
    if dom == "pos":
        return _rand(shape, dtype, positive=True)
    if isinstance(dom, tuple):
        return _rand(shape, dtype, low=dom[0], high=dom[1])
    return _rand(shape, dtype)


@pytest.mark.parametrize("name,ref,dom", UNARY, ids=[u[0] for u in UNARY])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", [(), (3,), (2, 4)])
def test_unary_matches_numpy(name, ref, dom, dtype, shape):
    x = _sym(shape, dtype)
    f = theano.function([x], getattr(T, name)(x))
    v = _domain_value(shape, dtype, dom)
    out = f(v)
    expected = ref(v)
    assert out.shape == np.shape(expected)
    assert out.dtype == (np.dtype(bool) if name in ("isnan", "isinf") else np.dtype(dtype))
    tol = 1e-12 if dtype == "float64" else 1e-5
    np.testing.assert_allclose(out, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sin", "tanh", "floor"])
@pytest.mark.parametrize("dtype,out", [("int8", "float32"), ("int16", "float32"),
                                       ("int32", "float64"), ("int64", "float64")])
def test_unary_int_inputs_upgrade_to_float(name, dtype, out):
    x = _sym((3,), dtype)
    y = getattr(T, name)(x)
    assert y.dtype == out
    v = np.array([1, 2, 3], dtype=dtype)
    np.testing.assert_allclose(theano.function([x], y)(v), getattr(np, name)(v.astype(out)),
                               rtol=1e-6)


BINARY = [
    ("add", np.add), ("sub", np.subtract), ("mul", np.multiply), ("true_div", np.true_divide),
    ("int_div", np.floor_divide), ("mod", np.mod), ("pow", np.power),
    ("minimum", np.minimum), ("maximum", np.maximum), ("lt", np.less), ("gt", np.greater),
    ("le", np.less_equal), ("ge", np.greater_equal), ("eq", np.equal),
    ("neq", np.not_equal), ("arctan2", np.arctan2),
]
SHAPE_PAIRS = [((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3))]


@pytest.mark.parametrize("name,ref", BINARY, ids=[b[0] for b in BINARY])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_binary_matches_numpy(name, ref, dtype, shapes):
    sa, sb = shapes
    a = T.tensor(dtype, [s == 1 for s in sa])
    b = T.tensor(dtype, [s == 1 for s in sb])
    f = theano.function([a, b], getattr(T, name)(a, b))
    va = _rand(sa, dtype, positive=name in ("pow", "mod", "int_div", "true_div"))
    vb = _rand(sb, dtype, positive=name in ("pow", "mod", "int_div", "true_div"))
    if name == "pow" and dtype == "int32":
        vb = np.minimum(vb, 3)
    out = f(va, vb)
    expected = ref(va, vb)
    if name == "true_div" and dtype == "int32":
        assert out.dtype == np.float64
    tol = 1e-12 if dtype != "float32" else 1e-5
    np.testing.assert_allclose(out, expected, rtol=tol, atol=tol)
    assert out.shape == np.shape(expected)


@pytest.mark.parametrize("op,ref", [(lambda a, b: a & b, np.bitwise_and),
                                    (lambda a, b: a | b, np.bitwise_or),
                                    (lambda a, b: a ^ b, np.bitwise_xor)])
@pytest.mark.parametrize("dtype", ["int8", "int64", "bool"])
def test_bitwise(op, ref, dtype):
    a, b = _sym((5,), dtype), _sym((5,), dtype)
    va, vb = _rand((5,), dtype), _rand((5,), dtype)
    np.testing.assert_array_equal(theano.function([a, b], op(a, b))(va, vb), ref(va, vb))
    np.testing.assert_array_equal(theano.function([a], ~a)(va), np.invert(va))


def test_operators_and_reflected_operators():
    x = T.dvector("x")
    v = np.array([1.0, 2.0, 4.0])
    exprs = [x + 1, 1 + x, x - 1, 1 - x, 2 * x, x * 2, x / 2, 2 / x, x // 3, 7 // x, x % 3,
             7 % x, x ** 2, 2 ** x, -x, abs(-x), +x]
    refs = [v + 1, 1 + v, v - 1, 1 - v, 2 * v, v * 2, v / 2, 2 / v, v // 3, 7 // v, v % 3,
            7 % v, v ** 2, 2 ** v, -v, abs(-v), v]
    f = theano.function([x], exprs)
    for o, r in zip(f(v), refs):
        np.testing.assert_allclose(o, r)
    # An ndarray on the left defers to the symbolic operator.
    out = np.array([1.0, 1.0, 1.0]) + x
    assert isinstance(out, T.TensorVariable)


def test_ternary_switch_where_clip():
    c, a, b = T.bvector("c"), T.dvector("a"), T.dscalar("b")
    vc = np.array([1, 0, 1], dtype="int8")
    va = np.array([1.0, -2.0, 3.0])
    f = theano.function([c, a, b], [T.switch(c, a, b), T.where(c, a, b), T.clip(a, -1, b)])
    s, w, cl = f(vc, va, 2.5)
    np.testing.assert_array_equal(s, np.where(vc, va, 2.5))
    np.testing.assert_array_equal(w, s)
    np.testing.assert_array_equal(cl, np.clip(va, -1, 2.5))


def test_complex_parts():
    z = T.zvector("z")
    v = np.array([1 + 2j, -3 - 1j])
    f = theano.function([z], [T.real(z), T.imag(z), T.angle(z), T.conj(z), abs(z), z.real])
    r, i, a, c, m, r2 = f(v)
    np.testing.assert_allclose(r, v.real)
    np.testing.assert_allclose(i, v.imag)
    np.testing.assert_allclose(a, np.angle(v))
    np.testing.assert_allclose(c, np.conj(v))
    np.testing.assert_allclose(m, np.abs(v))
    assert r.dtype == np.float64 and m.dtype == np.float64
    np.testing.assert_allclose(r2, v.real)


@pytest.mark.parametrize("dtype", ["float64", "int8", "int32", "bool", "float32"])
def test_cast_and_astype(dtype):
    x = T.dvector("x")
    v = np.array([-1.7, 0.0, 2.5])
    f = theano.function([x], [T.cast(x, dtype), x.astype(dtype)])
    a, b = f(v)
    np.testing.assert_array_equal(a, v.astype(dtype))
    np.testing.assert_array_equal(b, v.astype(dtype))
    assert a.dtype == np.dtype(dtype)


def test_cast_complex_to_real_is_an_error():
    with pytest.raises(TypeError, match="complex"):
        T.cast(T.zvector(), "float64")


AXES = [None, 0, 1, -1, (0, 2), (0, 1, 2), ()]
REDUCTIONS = [("sum", np.sum), ("prod", np.prod), ("max", np.max), ("min", np.min),
              ("mean", np.mean), ("var", np.var), ("std", np.std), ("all", np.all),
              ("any", np.any)]


@pytest.mark.parametrize("name,ref", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
def test_reductions_match_numpy(name, ref, axis, keepdims, dtype):
    x = _sym((2, 3, 4), dtype)
    v = _rand((2, 3, 4), dtype)
    fn = getattr(T, name)
    out = theano.function([x], fn(x, axis=axis, keepdims=keepdims))(v)
    expected = ref(v, axis=axis, keepdims=keepdims)
    assert out.shape == np.shape(expected)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(out, expected, rtol=tol, atol=tol)
    if name in ("sum", "prod") and dtype == "int32":
        assert out.dtype == np.int64
    if name == "mean" and dtype == "int32":
        assert out.dtype == np.float64
    if name in ("all", "any"):
        assert out.dtype == np.bool_


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
def test_argmax_argmin_max_and_argmax(axis):
    x = T.dtensor3("x")
    v = rng.standard_normal((3, 4, 5))
    f = theano.function([x], [T.argmax(x, axis=axis), T.argmin(x, axis=axis)]
                        + T.max_and_argmax(x, axis=axis))
    am, an, mx, am2 = f(v)
    if isinstance(axis, tuple):
        flat = np.moveaxis(v, axis, (-2, -1)).reshape(v.shape[2], -1)
        np.testing.assert_array_equal(am, flat.argmax(-1))
        np.testing.assert_array_equal(an, flat.argmin(-1))
    else:
        np.testing.assert_array_equal(am, np.argmax(v, axis=axis))
        np.testing.assert_array_equal(an, np.argmin(v, axis=axis))
    np.testing.assert_array_equal(am2, am)
    np.testing.assert_allclose(mx, np.max(v, axis=axis))


def test_reductions_methods_and_ddof():
    x = T.dmatrix("x")
    v = rng.standard_normal((4, 5))
    f = theano.function([x], [x.sum(), x.mean(axis=0), x.max(axis=1), x.var(ddof=1),
                              x.std(axis=0, ddof=1), x.prod(axis=-1), x.argmax(axis=0),
                              x.norm(2, axis=1), x.norm(1)])
    outs = f(v)
    refs = [v.sum(), v.mean(0), v.max(1), v.var(ddof=1), v.std(0, ddof=1), v.prod(-1),
            v.argmax(0), np.linalg.norm(v, axis=1), np.abs(v).sum()]
    for o, r in zip(outs, refs):
        np.testing.assert_allclose(o, r, rtol=1e-12)


def test_reduction_of_empty_and_bad_axis():
    x = T.dmatrix("x")
    f = theano.function([x], [x.sum(axis=0), x.prod()])
    s, p = f(np.zeros((0, 3)))
    np.testing.assert_array_equal(s, np.zeros(3))
    assert p == 1.0
    with pytest.raises(ValueError, match="empty"):
        theano.function([x], x.max(axis=0))(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="out of bounds"):
        x.sum(axis=2)


DOT_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
              ((2, 3, 4), (4,)), ((2, 3, 4), (4, 5)), ((5,), (2, 5, 3)), ((2, 3, 4), (3, 4, 5)),
              ((), (3,))]


@pytest.mark.parametrize("sa,sb", DOT_SHAPES, ids=str)
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64"])
def test_dot_matches_numpy(sa, sb, dtype):
    a, b = _sym(sa, dtype), _sym(sb, dtype)
    va, vb = _rand(sa, dtype), _rand(sb, dtype)
    out = theano.function([a, b], T.dot(a, b))(va, vb)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(out, np.dot(va, vb), rtol=tol, atol=tol)
    assert out.dtype == np.dtype(dtype)


def test_dot_shape_mismatch_names_both_shapes():
    a, b = T.dmatrix("A"), T.dmatrix("B")
    f = theano.function([a, b], T.dot(a, b))
    with pytest.raises(ValueError) as info:
        f(np.ones((3, 4)), np.ones((5, 6)))
    msg = str(info.value)
    assert "(3, 4)" in msg and "(5, 6)" in msg
    assert "Apply node that caused the error" in msg
    assert "test_math.py" in msg  # the user's line that built the node


@pytest.mark.parametrize("axes", [2, 1, [[1], [0]], [[0, 2], [1, 0]], 0])
def test_tensordot(axes):
    a, b = T.dtensor3("a"), T.dtensor3("b")
    va = rng.standard_normal((3, 4, 5))
    vb = rng.standard_normal((4, 5, 3)) if axes in (2, 1) else rng.standard_normal((5, 3, 2))
    if axes == [[1], [0]]:
        vb = rng.standard_normal((4, 2, 2))
    if axes == [[0, 2], [1, 0]]:
        vb = rng.standard_normal((5, 3, 2))
    if axes == 1:
        vb = rng.standard_normal((5, 2, 3))
    out = theano.function([a, b], T.tensordot(a, b, axes))(va, vb)
    np.testing.assert_allclose(out, np.tensordot(va, vb, axes), rtol=1e-12)


@pytest.mark.parametrize("sa,sb", [((4, 3), (4, 3)), ((4, 2, 3), (4, 3)), ((4, 3), (4, 3, 2)),
                                   ((4, 2, 3), (4, 3, 5))], ids=str)
def test_batched_dot(sa, sb):
    a, b = _sym(sa, "float64"), _sym(sb, "float64")
    va, vb = _rand(sa, "float64"), _rand(sb, "float64")
    out = theano.function([a, b], T.batched_dot(a, b))(va, vb)
    np.testing.assert_allclose(out, np.array([np.dot(x, y) for x, y in zip(va, vb)]),
                               rtol=1e-12)


def test_outer():
    x, y = T.dvector("x"), T.dvector("y")
    vx, vy = rng.standard_normal(3), rng.standard_normal(4)
    np.testing.assert_allclose(theano.function([x, y], T.outer(x, y))(vx, vy), np.outer(vx, vy))


def test_nan_inf_empty_and_0d_follow_numpy():
    x = T.dvector("x")
    f = theano.function([x], [T.log(x), x / 0, T.sqrt(x), T.exp(x)])
    v = np.array([0.0, -1.0, np.inf, np.nan])
    with np.errstate(all="ignore"):
        refs = [np.log(v), v / 0.0, np.sqrt(v), np.exp(v)]
    for o, r in zip(f(v), refs):
        # NaN and inf exactly where NumPy has them; finite values to 1 ulp
        # (the C backend's vectorised exp may differ from NumPy's in the last bit).
        np.testing.assert_array_equal(np.isnan(o), np.isnan(r))
        np.testing.assert_allclose(o, r, rtol=2e-16)
    outs = f(np.zeros(0))
    assert all(o.shape == (0,) for o in outs)
    s = T.dscalar("s")
    r = theano.function([s], T.exp(s))(0.0)
    assert r.shape == () and r == 1.0


def test_broadcast_mismatch_on_non_broadcastable_dim_raises():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    f = theano.function([x, y], x + y)
    with pytest.raises(ValueError, match="not broadcastable|dimension mismatch"):
        f(np.ones((2, 3)), np.ones((1, 3)))
    r, c = T.drow("r"), T.dcol("c")
    np.testing.assert_array_equal(theano.function([r, c], r + c)(np.ones((1, 3)),
                                                                  np.ones((2, 1))),
                                  np.full((2, 3), 2.0))


@pytest.mark.parametrize("sx,sy,axes,np_axes", [
    ((2, 3, 4, 5), (2, 5, 6), [[3], [1]], [[2], [0]]),
    ((2, 3, 4, 5), (2, 5, 4), [[2, 3], [2, 1]], [[1, 2], [1, 0]]),
    ((2, 3, 4), (2, 4, 5, 2), 1, [[1], [0]]),
    ((3, 2, 2), (3, 2, 2), 2, [[0, 1], [0, 1]]),
])
def test_batched_tensordot(sx, sy, axes, np_axes):
    x, y = _sym(sx, "float64"), _sym(sy, "float64")
    vx, vy = _rand(sx, "float64"), _rand(sy, "float64")
    out = theano.function([x, y], T.batched_tensordot(x, y, axes))(vx, vy)
    ref = np.array([np.tensordot(a, b, np_axes) for a, b in zip(vx, vy)])
    np.testing.assert_allclose(out, ref, rtol=1e-12)
    theano.gradient.verify_grad(lambda a, b: T.batched_tensordot(a, b, axes), [vx, vy],
                                rng=np.random.RandomState(0))


def test_batched_dot_of_4d_uses_batched_tensordot():
    x, y = T.dtensor4("x"), T.dtensor3("y")
    vx, vy = _rand((2, 3, 4, 5), "float64"), _rand((2, 5, 6), "float64")
    out = theano.function([x, y], T.batched_dot(x, y))(vx, vy)
    np.testing.assert_allclose(out, np.array([np.dot(a, b) for a, b in zip(vx, vy)]),
                               rtol=1e-12)
