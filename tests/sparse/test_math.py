"""theano.sparse arithmetic, comparisons, scaling, sums, diagonals, stacking and the
structured elementwise functions, against NumPy/SciPy, with gradients and shapes."""
import numpy as np
import pytest
import scipy.sparse as sp

import theano
import theano.sparse as S
import theano.tensor as T
from theano.sparse import SparseType

FORMATS = ["csr", "csc"]
FLOATS = ["float32", "float64"]
SHAPES = [(3, 4), (1, 5), (0, 3)]


def _var(format, dtype, name=None):
    return SparseType(format, dtype)(name)


def _tol(dtype):
    return {"rtol": 1e-5, "atol": 1e-6} if dtype == "float32" else {"rtol": 1e-12,
                                                                     "atol": 1e-12}


# ---------------------------------------------------------------------------
# add / sub / mul
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", SHAPES)
def test_add_sub_mul(format, dtype, shape, rand_sparse, rng, run, todense):
    a = rand_sparse(format, shape, dtype)
    b = rand_sparse("csr", shape, dtype, rng=rng)       # the other format on purpose
    d = rng.randn(*shape).astype(dtype)
    x, y, t = _var(format, dtype), _var("csr", dtype), T.matrix(dtype=dtype)
    outs = [S.add(x, y), S.add(x, t), S.add(t, x), S.sub(x, y), S.sub(x, t), S.sub(t, x),
            S.mul(x, y), S.mul(x, t), S.mul(t, x), S.mul(x, 3), S.add_s_s_data(x, x)]
    A, B = a.toarray(), b.toarray()
    expected = [A + B, A + d, d + A, A - B, A - d, d - A, A * B, A * d, d * A, 3 * A, A + A]
    kinds = [SparseType, T.TensorType, T.TensorType, SparseType, T.TensorType, T.TensorType,
             SparseType, SparseType, SparseType, SparseType, SparseType]
    got = run(outs, [x, y, t], [a, b, d])
    for k, (o, g, e, kind) in enumerate(zip(outs, got, expected, kinds)):
        assert isinstance(o.type, kind), k
        assert g.dtype == dtype, k
        if kind is SparseType:
            assert g.format == format, k
        np.testing.assert_allclose(todense(g), e, err_msg=str(k), **_tol(dtype))


def test_arithmetic_dtypes_and_errors(run):
    x32, x64 = S.csr_matrix(dtype="float32"), S.csr_matrix(dtype="float64")
    xi = S.csr_matrix(dtype="int32")
    assert S.add(x32, x64).type.dtype == "float64"
    assert S.mul(x32, T.dmatrix()).type.dtype == "float64"
    assert S.mul(xi, 2).type.dtype == "int32"
    assert S.mul(x32, 2.5).type.dtype == "float32"     # exact Python floats stay float32
    a = sp.csr_matrix(np.array([[0, 1.0], [2.0, 0]]))
    got = run(S.add(x32, x64), [x32, x64], [a.astype("float32"), a])
    assert got.dtype == "float64"
    with pytest.raises(TypeError, match="at least one sparse argument"):
        S.add(T.dmatrix(), T.dmatrix())
    with pytest.raises(TypeError, match="input 1 must be a matrix with 2 dimensions"):
        S.add(x64, T.dvector())
    with pytest.raises(TypeError, match="same format and dtype"):
        S.add_s_s_data(x32, x64)
    with pytest.raises(TypeError, match="format csr or csc"):
        S.add(S.bsr_matrix(), x64)
    f = theano.function([x64, x32], S.add(x64, x32), mode="FAST_COMPILE")
    with pytest.raises(ValueError, match="different shapes"):
        f(a, sp.csr_matrix((3, 3), dtype="float32"))
    g = theano.function([x64], S.add_s_s_data(x64, S.remove0(x64 * 0)), mode="FAST_COMPILE")
    with pytest.raises(ValueError, match="sparsity patterns differ"):
        g(a)


@pytest.mark.parametrize("format", FORMATS)
def test_mul_broadcasting(format, rand_sparse, rng, run):
    a = rand_sparse(format, (3, 4))
    x = _var(format, "float64")
    v, row, s = T.dvector(), T.dmatrix(), T.dscalar()
    vv, rr = rng.randn(4), rng.randn(1, 4)
    outs = [S.mul(x, v), S.mul(v, x), S.mul(x, row), S.mul(x, s), S.mul_s_v(x, v)]
    assert outs[0].owner.op == S.mul_s_v and outs[2].owner.op == S.mul_s_d
    got = run(outs, [x, v, row, s], [a, vv, rr, 1.5])
    A = a.toarray()
    for g, e in zip(got, [A * vv, A * vv, A * rr, A * 1.5, A * vv]):
        assert g.format == format
        np.testing.assert_allclose(g.toarray(), e)
    f = theano.function([x, row], S.mul(x, row), mode="FAST_COMPILE")
    with pytest.raises(ValueError, match="cannot multiply"):
        f(a, rng.randn(2, 4))
    h = theano.function([x, v], S.mul_s_v(x, v), mode="FAST_COMPILE")
    with pytest.raises(ValueError, match="has 4 columns but the vector has length 3"):
        h(a, rng.randn(3))


def test_mul_keeps_pattern_of_sparse_operand(run):
    # Values of the dense operand where the sparse one stores nothing are not read.
    x, t = S.csr_matrix(dtype="float64"), T.dmatrix()
    a = sp.csr_matrix(np.array([[0, 2.0], [0, 0]]))
    got = run(S.mul(x, t), [x, t], [a, np.array([[np.inf, 3.0], [np.nan, 1.0]])])
    assert got.nnz == 1 and got[0, 1] == 6.0


@pytest.mark.parametrize("format", FORMATS)
def test_arithmetic_gradients(format, rand_sparse, rng):
    a, b = rand_sparse(format, (3, 4)), rand_sparse(format, (3, 4), rng=rng)
    d, v = rng.randn(3, 4), rng.randn(4)
    S.verify_grad_sparse(S.add_s_s, [a, b])
    S.verify_grad_sparse(S.sub, [a, b])
    S.verify_grad_sparse(S.mul_s_s, [a, b])
    S.verify_grad_sparse(S.mul_s_d, [a, d])
    S.verify_grad_sparse(S.mul_s_v, [a, v])
    S.verify_grad_sparse(lambda x: S.mul(x, 2.5), [a])
    S.verify_grad_sparse(S.add_s_d, [a, d], structured=True)
    S.verify_grad_sparse(S.add_s_s_data, [a, a], structured=True)
    S.verify_grad_sparse(S.structured_add_s_v, [a, v], structured=True)
    # The gradient of a scalar factor is the sum of the products.
    x, s = _var(format, "float64"), T.dscalar()
    gs = theano.grad(S.sp_sum(S.mul(x, s)), s)
    np.testing.assert_allclose(theano.function([x, s], gs)(a, 2.0), a.sum())


@pytest.mark.parametrize("format", FORMATS)
def test_mixed_dtype_gradients_keep_input_types(format, rand_sparse):
    x32, x64 = _var(format, "float32"), _var(format, "float64")
    cost = S.sp_sum(S.mul(x32, x64))
    g32, g64 = theano.grad(cost, [x32, x64])
    assert g32.type == x32.type and g64.type == x64.type
    a = rand_sparse(format, (2, 3))
    got = theano.function([x32, x64], [g32, g64], mode="FAST_COMPILE")(a.astype("float32"), a)
    np.testing.assert_allclose(got[0].toarray(), a.toarray(), rtol=1e-6)


@pytest.mark.parametrize("format", FORMATS)
def test_structured_add_s_v(format, run, check_infer_shape):
    a = sp.csr_matrix(np.array([[0, 1.0, 0], [2.0, 0, 3.0]])).asformat(format)
    x, v = _var(format, "float64"), T.dvector()
    out = S.structured_add_s_v(x, v)
    got = run(out, [x, v], [a, np.array([10.0, 20, 30])])
    np.testing.assert_array_equal(got.toarray(), [[0, 21, 0], [12, 0, 33]])
    check_infer_shape(out, [x, v], [a, np.ones(3)], (2, 3))


# ---------------------------------------------------------------------------
# Comparisons
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("dtype", FLOATS + ["int32"])
def test_comparisons(format, dtype, rand_sparse, rng, run, check_infer_shape):
    a = rand_sparse(format, (4, 3), dtype)
    b = rand_sparse(format, (4, 3), dtype, rng=rng)
    d = rand_sparse(format, (4, 3), dtype, rng=np.random.RandomState(7), density=0.8).toarray()
    x, y, t = _var(format, dtype), _var(format, dtype), T.matrix(dtype=dtype)
    A, B = a.toarray(), b.toarray()
    fns = [(S.eq, np.equal), (S.neq, np.not_equal), (S.lt, np.less), (S.gt, np.greater),
           (S.le, np.less_equal), (S.ge, np.greater_equal)]
    for fn, ref in fns:
        ss, sd, ds = fn(x, y), fn(x, t), fn(t, x)
        assert ss.type == SparseType(format, "uint8")
        assert sd.type == T.TensorType("uint8", (False, False)) and ds.type == sd.type
        got = run([ss, sd, ds], [x, y, t], [a, b, d])
        np.testing.assert_array_equal(got[0].toarray(), ref(A, B), err_msg=fn.__name__)
        np.testing.assert_array_equal(got[1], ref(A, d), err_msg=fn.__name__)
        np.testing.assert_array_equal(got[2], ref(d, A), err_msg=fn.__name__)
    check_infer_shape(S.eq(x, t), [x, t], [a, d], (4, 3))
    with pytest.raises(TypeError, match="same format"):
        S.eq(S.csr_matrix(dtype=dtype), S.csc_matrix(dtype=dtype))
    # Comparisons are not differentiable: zero gradients.
    if dtype == "float64":
        g = theano.grad(T.cast(S.lt(x, t), "float64").sum(), [x, t])
        got = theano.function([x, t], g, mode="FAST_COMPILE")(a, d)
        assert not got[0].toarray().any() and not got[1].any()


# ---------------------------------------------------------------------------
# Scaling, sums, diagonals
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_col_row_scale(format, dtype, rand_sparse, rng, run, check_infer_shape):
    a = rand_sparse(format, (3, 4), dtype)
    x, s = _var(format, dtype), T.vector(dtype=dtype)
    sc, sr = rng.randn(4).astype(dtype), rng.randn(3).astype(dtype)
    c, r = S.col_scale(x, s), S.row_scale(x, s)
    assert c.type == x.type and r.type == x.type
    got_c, got_r = run(c, [x, s], [a, sc]), run(r, [x, s], [a, sr])
    np.testing.assert_allclose(got_c.toarray(), a.toarray() * sc, **_tol(dtype))
    np.testing.assert_allclose(got_r.toarray(), a.toarray() * sr[:, None], **_tol(dtype))
    assert got_c.format == format and got_r.format == format
    csc = a.tocsc()
    y = _var("csc", dtype)
    check_infer_shape(S.ColScaleCSC()(y, s), [y, s], [csc, sc], (3, 4))
    check_infer_shape(S.RowScaleCSC()(y, s), [y, s], [csc, sr], (3, 4))
    with pytest.raises(TypeError, match="format csc"):
        S.ColScaleCSC()(S.csr_matrix(dtype=dtype), s)
    f = theano.function([y, s], S.ColScaleCSC()(y, s), mode="FAST_COMPILE")
    with pytest.raises(ValueError, match="the matrix has 4 columns"):
        f(csc, sr)
    if dtype == "float64":
        S.verify_grad_sparse(S.col_scale, [a, sc], structured=True)
        S.verify_grad_sparse(S.row_scale, [a, sr], structured=True)


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("dtype", FLOATS + ["int8", "int64"])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_sp_sum(format, dtype, axis, rand_sparse, run, check_infer_shape):
    a = rand_sparse(format, (3, 5), dtype)
    x = _var(format, dtype)
    out = S.sp_sum(x, axis=axis)
    assert out.type.dtype == dtype and out.type.ndim == (0 if axis is None else 1)
    got = run(out, [x], [a])
    np.testing.assert_allclose(got, a.toarray().sum(axis=axis).astype(dtype), rtol=1e-5)
    assert got.dtype == dtype
    check_infer_shape(out, [x], [a])
    empty = sp.csr_matrix((0, 4), dtype=dtype).asformat(format)
    np.testing.assert_array_equal(run(out, [x], [empty]), empty.toarray().sum(axis=axis))
    if dtype == "float64":
        S.verify_grad_sparse(S.SpSum(axis, sparse_grad=True), [a], structured=True)
        S.verify_grad_sparse(S.SpSum(axis, sparse_grad=False), [a], structured=False)
    if dtype == "int8":
        g = run(theano.grad(S.sp_sum(x, axis=axis).sum() * 1.0, x), [x], [a])
        assert g.dtype == theano.config.floatX and not g.toarray().any()


def test_sp_sum_props_and_errors():
    assert S.SpSum(0, True) != S.SpSum(0, False) and S.SpSum(1).structured
    assert str(S.SpSum(axis=1)) == "SpSum{axis=1}"
    with pytest.raises(ValueError, match="axis must be None, 0 or 1"):
        S.SpSum(axis=2)


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_diag_and_square_diagonal(format, dtype, rand_sparse, rng, run, check_infer_shape):
    a = rand_sparse(format, (4, 4), dtype)
    x, v = _var(format, dtype), T.vector(dtype=dtype)
    vv = rng.randn(3).astype(dtype)
    dg, sq = S.diag(x), S.square_diagonal(v)
    assert dg.type == T.TensorType(dtype, (False,)) and sq.type == SparseType("csc", dtype)
    got_d, got_s = run([dg, sq], [x, v], [a, vv])
    np.testing.assert_array_equal(got_d, np.diag(a.toarray()))
    np.testing.assert_array_equal(got_s.toarray(), np.diag(vv))
    check_infer_shape(dg, [x], [a], (4,))
    check_infer_shape(sq, [v], [vv], (3, 3))
    empty = run(sq, [v], [np.zeros(0, dtype)])
    assert empty.shape == (0, 0)
    f = theano.function([x], dg, mode="FAST_COMPILE")
    with pytest.raises(ValueError, match="must be square"):
        f(rand_sparse(format, (2, 3), dtype))
    if dtype == "float64":
        S.verify_grad_sparse(S.diag, [a])
        S.verify_grad_sparse(S.square_diagonal, [vv])
        g = theano.grad(S.diag(x).sum(), x)
        assert g.type == x.type


# ---------------------------------------------------------------------------
# Stacking
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("stack", ["hstack", "vstack"])
@pytest.mark.parametrize("out_format", [None, "csr"])
def test_stack(stack, out_format, rand_sparse, rng, run, check_infer_shape):
    shapes = [(3, 2), (3, 4), (3, 1)] if stack == "hstack" else [(2, 3), (4, 3), (1, 3)]
    vals = [rand_sparse(f, s, d, rng=rng) for f, s, d in
            zip(["csr", "csc", "csr"], shapes, ["float64", "float32", "float64"])]
    xs = [_var(v.format, str(v.dtype)) for v in vals]
    out = getattr(S, stack)(xs, format=out_format)
    assert out.type == SparseType(out_format or "csc", "float64")
    got = run(out, xs, vals)
    np.testing.assert_allclose(got.toarray(),
                               getattr(np, stack)([v.toarray() for v in vals]), rtol=1e-6)
    check_infer_shape(out, xs, vals)
    f32 = getattr(S, stack)(xs, dtype="float32")
    assert run(f32, xs, vals).dtype == "float32"
    # Gradient: each input gets its block, in its own format and dtype.
    grads = theano.grad(S.sp_sum(out * 2), xs)         # a regular gradient: 2 everywhere
    assert [g.type for g in grads] == [x.type for x in xs]
    for g, v in zip(run(grads, xs, vals), vals):
        np.testing.assert_array_equal(g.toarray(), np.full(v.shape, 2.0))
    dense_vals = [v.astype("float64") for v in vals]
    S.verify_grad_sparse(lambda *m: getattr(S, stack)(m, format=out_format), dense_vals)
    with pytest.raises(ValueError, match="empty list"):
        S.HStack(dtype="float64")()
    with pytest.raises(ValueError, match="dtype must be given"):
        S.HStack()
    bad = [_var("csr", "float64"), _var("csr", "float64")]
    g = theano.function(bad, getattr(S, stack)(bad), mode="FAST_COMPILE")
    with pytest.raises(ValueError, match="must agree on dimension"):
        g(sp.csr_matrix(np.ones((2, 2))), sp.csr_matrix(np.ones((3, 3))))


# ---------------------------------------------------------------------------
# Structured elementwise functions
# ---------------------------------------------------------------------------
UNARY = [("structured_sigmoid", lambda v: 1 / (1 + np.exp(-v))), ("structured_exp", np.exp),
         ("structured_log", np.log), ("sin", np.sin), ("tan", np.tan), ("arcsin", np.arcsin),
         ("arctan", np.arctan), ("sinh", np.sinh), ("arcsinh", np.arcsinh), ("tanh", np.tanh),
         ("arctanh", np.arctanh), ("rint", np.rint), ("sgn", np.sign), ("ceil", np.ceil),
         ("floor", np.floor), ("log1p", np.log1p), ("expm1", np.expm1),
         ("deg2rad", np.deg2rad), ("rad2deg", np.rad2deg), ("trunc", np.trunc),
         ("sqr", np.square), ("sqrt", np.sqrt), ("conj", np.conj), ("abs_", np.abs)]
BINARY = [("structured_pow", np.power, 2.5), ("structured_minimum", np.minimum, 0.25),
          ("structured_maximum", np.maximum, 0.5), ("structured_add", np.add, 2.0)]
SMOOTH = {"structured_sigmoid", "structured_exp", "structured_log", "sin", "tan", "arcsin",
          "arctan", "sinh", "arcsinh", "tanh", "arctanh", "log1p", "expm1", "deg2rad",
          "rad2deg", "sqr", "sqrt", "structured_pow", "structured_add"}


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_structured_functions(format, dtype, rand_sparse, run):
    # Values in (0.05, 0.9): inside every function's domain.
    a = rand_sparse(format, (4, 5), dtype, low=0.05, high=0.9)
    x = _var(format, dtype)
    outs = [getattr(S, name)(x) for name, _ in UNARY]
    outs += [getattr(S, name)(x, c) for name, _, c in BINARY]
    refs = [fn for _, fn in UNARY] + [lambda v, f=f, c=c: f(v, c) for _, f, c in BINARY]
    got = run(outs, [x], [a])
    for (o, g, ref, name) in zip(outs, got, refs, [n for n, *_ in UNARY + BINARY]):
        assert o.type == x.type, name
        assert g.format == format and g.dtype == dtype, name
        # Only the stored values are transformed; the pattern is kept.
        np.testing.assert_array_equal(g.indices, a.indices, err_msg=name)
        np.testing.assert_allclose(g.data, ref(a.data), err_msg=name, **_tol(dtype))
    if dtype == "float64":
        for name, _ in UNARY:
            if name in SMOOTH:
                S.verify_grad_sparse(getattr(S, name), [a], structured=True)
        for name, _, c in BINARY:
            if name in SMOOTH:
                S.verify_grad_sparse(lambda v, n=name, c=c: getattr(S, n)(v, c), [a],
                                     structured=True)


def test_structured_function_errors_and_names():
    x = S.csr_matrix(dtype="float64")
    assert S.structured_exp.__name__ == "structured_exp" and S.rint.__name__ == "rint"
    assert "stored values" in S.structured_exp.__doc__
    with pytest.raises(TypeError, match="takes a sparse matrix and 1 scalar"):
        S.structured_pow(x)
    with pytest.raises(TypeError, match="argument 1 must be a scalar"):
        S.structured_add(x, T.dvector())
    with pytest.raises(TypeError, match="must be a sparse matrix"):
        S.sqrt(T.dmatrix())
    # Integer matrices: functions giving floats make float matrices.
    xi = S.csr_matrix(dtype="int32")
    assert S.sqrt(xi).type.dtype == "float64" and S.sgn(xi).type.dtype == "int32"
    # A symbolic scalar argument.
    s = T.dscalar()
    f = theano.function([x, s], S.structured_pow(x, s), mode="FAST_COMPILE")
    got = f(sp.csr_matrix(np.array([[0, 2.0], [3.0, 0]])), 2.0)
    np.testing.assert_array_equal(got.toarray(), [[0, 4], [9, 0]])


@pytest.mark.parametrize("format", FORMATS)
def test_infer_shape_of_elementwise_ops(format, rand_sparse, rng, check_infer_shape):
    a, b = rand_sparse(format, (3, 5)), rand_sparse(format, (3, 5), rng=rng)
    x, y, t, v = _var(format, "float64"), _var(format, "float64"), T.dmatrix(), T.dvector()
    ins, vals = [x, y, t, v], [a, b, rng.randn(3, 5), rng.randn(5)]
    outs = [S.add_s_s(x, y), S.add_s_s_data(x, x), S.add_s_d(x, t), S.mul_s_s(x, y),
            S.mul_s_d(x, t), S.mul_s_v(x, v), S.lt(x, y), S.neq(x, t), S.sqrt(x)]
    for out in outs:
        check_infer_shape(out, ins, vals, (3, 5))
