"""theano.sparse: compressed storage, conversions, casts, transpose, clean-up ops,
variable operators, verify_grad_sparse and the examples of Theano 1.0's sparse docs."""
import io
from contextlib import redirect_stdout

import numpy as np
import pytest
import scipy.sparse as sp

import theano
import theano.sparse as S
import theano.tensor as T
from theano.sparse import SparseType

FORMATS = ["csr", "csc"]
FLOATS = ["float32", "float64"]


def _var(format, dtype, name=None):
    return SparseType(format, dtype)(name)


# ---------------------------------------------------------------------------
# Examples of doc/tutorial/sparse.txt and doc/library/sparse/index.txt
# ---------------------------------------------------------------------------
def _printed(*values):
    out = io.StringIO()
    with np.printoptions(legacy="1.13"), redirect_stdout(out):
        print(*values)
    return out.getvalue()


def test_doc_tutorial_examples():
    assert S.all_dtypes == {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                            "uint64", "float32", "float64", "complex64", "complex128"}
    # To and fro.
    x = S.csc_matrix(name="x", dtype="float32")
    y = S.dense_from_sparse(x)
    z = S.csc_from_dense(y)
    assert z.type == x.type
    # Properties and construction: a csc matrix read back as csr is its transpose.
    x = S.csc_matrix(name="x", dtype="int64")
    data, indices, indptr, shape = S.csm_properties(x)
    y = S.CSR(data, indices, indptr, shape)
    f = theano.function([x], y)
    a = sp.csc_matrix(np.asarray([[0, 1, 1], [0, 0, 0], [1, 0, 0]]))
    assert _printed(a.toarray()) == "[[0 1 1]\n [0 0 0]\n [1 0 0]]\n"
    assert _printed(f(a).toarray()) == "[[0 0 1]\n [1 0 0]\n [1 0 0]]\n"
    # Structured operation: only the stored values get 2 added.
    x = S.csc_matrix(name="x", dtype="float32")
    y = S.structured_add(x, 2)
    f = theano.function([x], y)
    a = sp.csc_matrix(np.asarray([[0, 0, -1], [0, -2, 1], [3, 0, 0]], dtype="float32"))
    assert _printed(a.toarray()) == ("[[ 0.  0. -1.]\n [ 0. -2.  1.]\n [ 3.  0.  0.]]\n")
    assert _printed(f(a).toarray()) == ("[[ 0.  0.  1.]\n [ 0.  0.  3.]\n [ 5.  0.  0.]]\n")
    assert f(a).dtype == "float32"


def test_doc_tutorial_dot_example():
    # The first sparse tutorial: S.dot of a csr matrix and a dense one.
    x = S.csr_matrix("x", dtype="float32")
    y = T.matrix("y", dtype="float32")
    f = theano.function([x, y], S.dot(x, y))
    a = sp.coo_matrix(([1] * 4, (range(4), [0, 1, 1, 0])), dtype=np.float32)
    b = np.array([[10, 11], [12, 13]], dtype=np.float32)
    out = f(a, b)
    assert out.dtype == "float32"
    assert _printed(out) == ("[[ 10.  11.]\n [ 12.  13.]\n [ 12.  13.]\n [ 10.  11.]]\n")


def test_doc_library_compressed_formats():
    data, indices, indptr = np.asarray([7, 8, 9]), np.asarray([0, 1, 2]), np.asarray([0, 2, 3, 3])
    m = sp.csc_matrix((data, indices, indptr), shape=(3, 3))
    assert _printed(m.toarray()) == "[[7 0 0]\n [8 0 0]\n [0 9 0]]\n"
    cols = [m.indices[m.indptr[i]:m.indptr[i + 1]].tolist() for i in range(3)]
    assert cols == [[0, 1], [2], []]
    m = sp.csr_matrix((data, indices, indptr), shape=(3, 3))
    assert _printed(m.toarray()) == "[[7 8 0]\n [0 0 9]\n [0 0 0]]\n"
    # The same properties through Theano.
    x = S.csr_matrix(dtype="int64")
    props = theano.function([x], list(S.csm_properties(x)), mode="FAST_COMPILE")(m)
    np.testing.assert_array_equal(props[0], [7, 8, 9])
    np.testing.assert_array_equal(props[1], [0, 1, 2])
    np.testing.assert_array_equal(props[2], [0, 2, 3, 3])
    np.testing.assert_array_equal(props[3], [3, 3])


# ---------------------------------------------------------------------------
# CSMProperties / CSM / CSMGrad
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("dtype", FLOATS + ["int32"])
@pytest.mark.parametrize("shape", [(3, 4), (1, 1), (0, 3), (2, 0)])
def test_csm_roundtrip(format, dtype, shape, rand_sparse, run):
    m = rand_sparse(format, shape, dtype)
    x = _var(format, dtype)
    d, i, p, s = S.csm_properties(x)
    assert [v.type.dtype for v in (d, i, p, s)] == [dtype, "int32", "int32", "int32"]
    got = run([d, i, p, s, S.csm_data(x), S.csm_indices(x), S.csm_indptr(x), S.csm_shape(x)],
              [x], [m])
    np.testing.assert_array_equal(got[0], m.data)
    np.testing.assert_array_equal(got[1], m.indices)
    np.testing.assert_array_equal(got[2], m.indptr)
    np.testing.assert_array_equal(got[3], shape)
    for a, b in zip(got[:4], got[4:]):
        np.testing.assert_array_equal(a, b)
    rebuilt = run(S.CSM(format)(d, i, p, s), [x], [m])
    assert rebuilt.format == format and rebuilt.dtype == dtype
    np.testing.assert_array_equal(rebuilt.toarray(), m.toarray())


def test_csm_from_values_and_errors(run):
    data = T.dvector("data")
    out = S.CSC(data, [0, 1, 2], [0, 2, 3, 3], [3, 3])
    assert out.type == SparseType("csc", "float64")
    m = run(out, [data], [np.array([7.0, 8, 9])])
    np.testing.assert_array_equal(m.toarray(), [[7, 0, 0], [8, 0, 0], [0, 9, 0]])
    with pytest.raises(TypeError, match="indices must be integers"):
        S.CSR(data, [0.5], [0, 1], [1, 1])
    with pytest.raises(TypeError, match="input 0 must be a data vector with 1 dimensions"):
        S.CSR(T.dmatrix(), [0], [0, 1], [1, 1])
    with pytest.raises(TypeError, match="cannot hold dtype bool"):
        S.CSR(T.vector(dtype="bool"), [0], [0, 1], [1, 1])
    with pytest.raises(ValueError, match="format must be 'csr' or 'csc'"):
        S.CSM("coo")
    bad = S.CSR(data, T.ivector(), [0, 1], [1, 1])
    f = theano.function([data, bad.owner.inputs[1]], bad, mode="FAST_COMPILE")
    with pytest.raises(ValueError, match="must have the same length"):
        f(np.ones(2), np.zeros(1, dtype="int32"))
    with pytest.raises(TypeError, match="sparse matrix \\(csr/csc\\)"):
        S.csm_properties(T.dmatrix())
    with pytest.raises(TypeError, match="format csr or csc"):
        S.csm_properties(S.bsr_matrix())


@pytest.mark.parametrize("format", FORMATS)
def test_csm_infer_shape(format, rand_sparse, check_infer_shape, predicted_shapes):
    m = rand_sparse(format, (3, 5))
    x = _var(format, "float64")
    d, i, p, s = S.csm_properties(x)
    check_infer_shape(S.CSM(format)(d, i, p, s), [x], [m], (3, 5))
    props = S.csm_properties(x)
    node = props[0].owner
    assert predicted_shapes(props[2], [x], [m]) == (m.indptr.size,)
    assert predicted_shapes(props[3], [x], [m]) == (2,)
    assert node.op.infer_shape(None, node, [None])[0] is None


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_csm_gradients(format, dtype, rand_sparse):
    m = rand_sparse(format, (3, 4), dtype)
    # The gradient of CSM with respect to its data vector (CSMGrad).
    S.verify_grad_sparse(S.sqr, [m], structured=True)
    S.verify_grad_sparse(lambda x: S.CSM(format)(*S.csm_properties(x)), [m], structured=True)
    # csm_properties: the gradient of the data output.
    x = _var(format, dtype)
    cost = (S.csm_data(x) ** 2).sum()
    g = theano.grad(cost, x)
    assert g.type == x.type
    got = theano.function([x], g, mode="FAST_COMPILE")(m)
    np.testing.assert_allclose(got.toarray(), 2 * m.toarray(), rtol=1e-6)
    # Only the integer outputs used: a zero gradient.
    d, _, _, shp = S.csm_properties(x)
    cost = T.cast(shp.sum(), dtype) + (d * 0).sum()
    gz = theano.function([x], theano.grad(cost, x), mode="FAST_COMPILE")(m)
    assert gz.nnz == 0 or not gz.toarray().any()


def test_csm_grad_with_other_pattern(run):
    # The gradient matrix may have a different, unsorted pattern with duplicates.
    x_data, g_data = T.dvectors("xd", "gd")
    op = S.csm_grad()
    out = op(x_data, np.array([0, 2, 1], "int32"), np.array([0, 2, 3], "int32"),
             np.array([2, 3], "int32"), g_data, np.array([2, 2, 0, 1], "int32"),
             np.array([0, 3, 4], "int32"), np.array([2, 3], "int32"))
    got = run(out, [x_data, g_data], [np.ones(3), np.array([1.0, 2.0, 4.0, 8.0])])
    # x stores (0,0), (0,2), (1,1); g stores (0,2)x2 -> 3, (0,0) -> 4, (1,1) -> 8
    np.testing.assert_array_equal(got, [4.0, 3.0, 8.0])


# ---------------------------------------------------------------------------
# Cast, dense <-> sparse, transpose, neg, remove0, ensure_sorted_indices
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("format", FORMATS)
def test_cast(format, rand_sparse, run, check_infer_shape):
    m = rand_sparse(format, (3, 4), "float64")
    x = _var(format, "float64")
    casts = [(S.bcast, "int8"), (S.wcast, "int16"), (S.icast, "int32"), (S.lcast, "int64"),
             (S.fcast, "float32"), (S.dcast, "float64"), (S.ccast, "complex64"),
             (S.zcast, "complex128")]
    for op, dtype in casts:
        out = op(x)
        assert out.type == SparseType(format, dtype)
        got = run(out, [x], [m])
        assert got.dtype == dtype and got.format == format
        np.testing.assert_array_equal(got.toarray(), m.toarray().astype(dtype))
    assert S.cast(x, "float64") is x and x.astype("float32").type.dtype == "float32"
    assert S.cast(x, "floatX").type.dtype == theano.config.floatX
    check_infer_shape(S.fcast(x), [x], [m], (3, 4))
    S.verify_grad_sparse(S.fcast, [m], eps=1e-3, abs_tol=1e-2, rel_tol=1e-2)
    S.verify_grad_sparse(S.Cast("float64"), [m.astype("float32")])
    # Casting from integers: zero gradient.
    xi = _var(format, "int32")
    g = theano.grad(S.sp_sum(S.dcast(xi)), xi)
    got = run(g, [xi], [m.astype("int32")])
    assert got.dtype == theano.config.floatX and not got.toarray().any()
    with pytest.raises(TypeError, match="cannot hold dtype float16"):
        S.Cast("float16")


@pytest.mark.parametrize("format", ["csr", "csc", "bsr"])
@pytest.mark.parametrize("dtype", FLOATS + ["int16", "complex128"])
def test_dense_from_sparse_and_back(format, dtype, rand_sparse, run, check_infer_shape):
    m = rand_sparse("csr", (4, 6), dtype).asformat(format)
    x = _var(format, dtype)
    d = S.dense_from_sparse(x)
    assert d.type == T.TensorType(dtype, (False, False))
    np.testing.assert_array_equal(run(d, [x], [m]), m.toarray())
    np.testing.assert_array_equal(run(x.toarray(), [x], [m]), m.toarray())
    check_infer_shape(d, [x], [m], (4, 6))
    back = S.SparseFromDense(format)(d)
    got = run(back, [x], [m])
    assert got.format == format and got.dtype == dtype
    np.testing.assert_array_equal(got.toarray(), m.toarray())


def test_sparse_from_dense_ranks(run):
    v, s = T.dvector(), T.dscalar()
    got = run([S.csr_from_dense(v), S.csc_from_dense(s)], [v, s], [np.array([0, 2.0]), 3.0])
    assert got[0].shape == (1, 2) and got[1].shape == (1, 1) and got[1].format == "csc"
    with pytest.raises(TypeError, match="with 0 or 1 or 2 dimensions"):
        S.csr_from_dense(T.tensor3())
    with pytest.raises(TypeError, match="must be a dense tensor, got the sparse"):
        S.csr_from_dense(S.csr_matrix())
    with pytest.raises(TypeError, match="cannot hold dtype bool"):
        S.csr_from_dense(T.matrix(dtype="bool"))
    assert str(S.csr_from_dense) == "SparseFromDense{csr}"
    assert str(S.dense_from_sparse) == "DenseFromSparse{structured_grad=True}"


@pytest.mark.parametrize("format", FORMATS)
def test_dense_sparse_gradients(format, rand_sparse, rng):
    m = rand_sparse(format, (3, 4))
    S.verify_grad_sparse(S.dense_from_sparse, [m], structured=True)
    S.verify_grad_sparse(S.DenseFromSparse(structured=False), [m], structured=False)
    S.verify_grad_sparse(S.SparseFromDense(format), [rng.randn(3, 4)])
    # The structured gradient ignores the cells that store nothing.
    x = _var(format, "float64")
    g = theano.grad((S.dense_from_sparse(x) * 3).sum(), x)
    got = theano.function([x], g, mode="FAST_COMPILE")(m)
    np.testing.assert_array_equal(got.toarray(), 3 * (m.toarray() != 0))
    g = theano.grad((S.DenseFromSparse(False)(x) * 3).sum(), x)
    got = theano.function([x], g, mode="FAST_COMPILE")(m)
    np.testing.assert_array_equal(got.toarray(), np.full((3, 4), 3.0))
    # A vector made into a row gets a vector gradient.
    v = T.dvector()
    gv = theano.grad(S.sp_sum(S.csr_from_dense(v) * 2), v)
    np.testing.assert_array_equal(theano.function([v], gv)(np.array([1.0, 0])), [2, 2])


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("dtype", FLOATS + ["int64"])
def test_transpose_and_neg(format, dtype, rand_sparse, run, check_infer_shape):
    m = rand_sparse(format, (3, 5), dtype)
    x = _var(format, dtype)
    t, n = S.transpose(x), S.neg(x)
    assert t.type.format == {"csr": "csc", "csc": "csr"}[format] and n.type == x.type
    assert x.T.type == t.type and (-x).type == n.type
    got_t, got_n = run([t, n], [x], [m])
    np.testing.assert_array_equal(got_t.toarray(), m.toarray().T)
    np.testing.assert_array_equal(got_n.toarray(), -m.toarray())
    check_infer_shape(t, [x], [m], (5, 3))
    check_infer_shape(n, [x], [m], (3, 5))
    if dtype.startswith("float"):
        S.verify_grad_sparse(S.transpose, [m.astype("float64")])
        S.verify_grad_sparse(S.neg, [m.astype("float64")])
    b = S.bsr_matrix(dtype="float64")
    bm = sp.bsr_matrix(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(run(S.dense_from_sparse(b.T), [b], [bm]), bm.toarray().T)
    assert str(S.transpose) == "SparseTranspose" and str(S.neg) == "SparseNeg"


@pytest.mark.parametrize("format", FORMATS)
def test_remove0_and_sorting(format, run, check_infer_shape):
    m = getattr(sp, format + "_matrix")(
        (np.array([0.0, 3.0, 0.0, 4.0]), np.array([2, 0, 1, 1]), np.array([0, 3, 4])),
        shape=(2, 3) if format == "csr" else (3, 2))
    assert m.nnz == 4 and not m.has_sorted_indices
    x = _var(format, "float64")
    r, s, c = S.remove0(x), S.ensure_sorted_indices(x), S.clean(x)
    got_r, got_s, got_c = run([r, s, c], [x], [m])
    assert got_r.nnz == 2 and np.array_equal(got_r.toarray(), m.toarray())
    assert list(got_s.indices[:3]) == [0, 1, 2] and got_s.nnz == 4
    assert got_c.nnz == 2 and got_c.has_sorted_indices
    assert m.nnz == 4 and list(m.indices) == [2, 0, 1, 1]     # the input is untouched
    check_infer_shape(r, [x], [m], m.shape)
    check_infer_shape(s, [x], [m], m.shape)
    S.verify_grad_sparse(S.remove0, [m])
    S.verify_grad_sparse(S.ensure_sorted_indices, [m])
    assert str(S.Remove0(inplace=True)) == "Remove0{inplace}"
    assert S.Remove0(inplace=True).destroy_map == {0: [0]}
    assert str(S.ensure_sorted_indices) == "EnsureSortedIndices{no_inplace}"


@pytest.mark.parametrize("format", FORMATS)
def test_ones_and_zeros_like(format, rand_sparse, run):
    m = rand_sparse(format, (3, 4))
    x = _var(format, "float64")
    ones, zeros = S.sp_ones_like(x), S.sp_zeros_like(x)
    got_o, got_z, got_z2 = run([ones, zeros, x.zeros_like()], [x], [m])
    np.testing.assert_array_equal(got_o.toarray(), (m.toarray() != 0).astype(float))
    assert got_z.nnz == 0 and got_z.shape == (3, 4) and got_z.format == format
    assert got_z2.nnz == 0
    S.verify_grad_sparse(S.sp_ones_like, [m], structured=True)


# ---------------------------------------------------------------------------
# Variable properties and operators
# ---------------------------------------------------------------------------
def test_variable_properties(rand_sparse, run):
    m = rand_sparse("csr", (3, 5))
    x = S.csr_matrix("x", dtype="float64")
    assert (x.ndim, x.dtype, x.format) == (2, "float64", "csr")
    assert x.shape.type == T.lvector
    shape, size, n_rows = run([x.shape, x.size, x.shape[0]], [x], [m])
    np.testing.assert_array_equal(shape, [3, 5])
    assert int(size) == m.nnz and int(n_rows) == 3
    # Explicit zeros count in the size, as in SciPy.
    z = sp.csr_matrix((np.zeros(2), np.array([0, 1]), np.array([0, 2, 2, 2])), shape=(3, 5))
    assert int(run(x.size, [x], [z])) == 2
    e = sp.csr_matrix((0, 4))
    np.testing.assert_array_equal(run(x.shape, [x], [e]), [0, 4])
    with pytest.raises(TypeError, match="cannot be iterated"):
        iter(x)


def test_variable_operators(rand_sparse, run, rng):
    a, b = rand_sparse("csr", (3, 4)), rand_sparse("csr", (3, 4), rng=rng)
    d = rng.randn(3, 4)
    x, y = S.csr_matrix("x", dtype="float64"), S.csr_matrix("y", dtype="float64")
    t = T.dmatrix("t")
    # (``t + x`` with a dense ``t`` reaches ``x.__radd__`` once the tensor operators
    # return NotImplemented for sparse operands; the reflected methods are tested here.)
    outs = [x + y, x + t, x.__radd__(t), x - y, x - t, x.__rsub__(t), x * y, x * t,
            x.__rmul__(t), x * 2, 2 * x, -x, x < t, x > y, x <= t, x >= y, x - 1.5 * x]
    got = run(outs, [x, y, t], [a, b, d])
    A, B = a.toarray(), b.toarray()
    expected = [A + B, A + d, d + A, A - B, A - d, d - A, A * B, A * d, d * A, A * 2, 2 * A,
                -A, A < d, A > B, A <= d, A >= B, A - 1.5 * A]
    for k, (g, e) in enumerate(zip(got, expected)):
        np.testing.assert_allclose(g.toarray() if sp.issparse(g) else g, e, err_msg=str(k))
    # Kinds of results, as in Theano 1.0.
    assert isinstance(outs[0].type, SparseType) and isinstance(outs[1].type, T.TensorType)
    assert isinstance(outs[6].type, SparseType) and isinstance(outs[7].type, SparseType)
    assert outs[12].type.dtype == "uint8"


def test_dot_dispatch(rand_sparse, run, rng):
    # theano.dot / T.dot call __dot__ / __rdot__ of a sparse argument.
    m, w = rand_sparse("csc", (3, 4)), rng.randn(4, 2)
    x, W = S.csc_matrix("x", dtype="float64"), T.dmatrix("W")
    out = x.__dot__(W)
    assert out.owner.op == S.StructuredDot()
    np.testing.assert_allclose(run(out, [x, W], [m, w]), m.toarray() @ w)
    v = T.dmatrix("v")
    out2 = x.__rdot__(v)
    np.testing.assert_allclose(run(out2, [x, v], [m, w.T[:, :3]]), w.T[:, :3] @ m.toarray())
    np.testing.assert_allclose(run(x @ W, [x, W], [m, w]), m.toarray() @ w)


# ---------------------------------------------------------------------------
# verify_grad_sparse
# ---------------------------------------------------------------------------
def test_verify_grad_sparse_detects_wrong_gradients(rand_sparse):
    m = rand_sparse("csr", (3, 3))
    # A structured gradient is not the regular one: checking it as regular fails.
    with pytest.raises(S.verify_grad_sparse.E_grad):
        S.verify_grad_sparse(S.structured_exp, [m], structured=False)
    S.verify_grad_sparse(S.structured_exp, [m], structured=True)
    with pytest.raises(TypeError, match="use csr or csc"):
        S.verify_grad_sparse(S.neg, [sp.bsr_matrix(m)])
    with pytest.raises(TypeError, match="must return one variable"):
        S.verify_grad_sparse(lambda x: [x, x], [m])
    # Dense points pass through (AddSD's gradient is structured for the sparse input).
    S.verify_grad_sparse(lambda x, y: S.add(x, y), [m, np.ones((3, 3))], structured=True)


def test_sparse_random_inputs():
    from theano.gradient.sparse_check import sparse_random_inputs

    variables, values = sparse_random_inputs("csc", (5, 4), n=2, out_dtype="float32", p=0.3,
                                             gap=(1, 3), explicit_zero=True,
                                             unsorted_indices=True)
    assert len(variables) == len(values) == 2
    assert all(v.type == SparseType("csc", "float32") for v in variables)
    for m in values:
        assert m.format == "csc" and m.dtype == "float32" and m.shape == (5, 4)
        nz = m.data[m.data != 0]
        assert ((nz >= 1) & (nz < 3)).all()
    _, ints = sparse_random_inputs("csr", (3, 3), out_dtype="int32", gap=(1, 4))
    assert ints[0].dtype == "int32"
    with pytest.raises(ValueError, match="format must be"):
        sparse_random_inputs("coo", (2, 2))


def test_remaining_infer_shapes(rand_sparse, rng, check_infer_shape):
    m = rand_sparse("csc", (3, 4))
    x, t = S.csc_matrix(dtype="float64"), T.dmatrix()
    check_infer_shape(S.csc_from_dense(t), [t], [rng.randn(2, 5)], (2, 5))
    check_infer_shape(x.shape, [x], [m], (2,))
    d, i, p, s = S.csm_properties(x)
    check_infer_shape(S.csm_grad()(d, i, p, s, d, i, p, s), [x], [m], (m.nnz,))
    b, g = T.dmatrix(), T.dmatrix()
    check_infer_shape(S.sdg_csc(i, p, b, g), [x, b, g], [m, rng.randn(4, 2), rng.randn(3, 2)],
                      (m.nnz,))


def test_dense_operators_and_T_dot_defer_to_sparse():
    import theano.tensor as T
    x = S.csr_matrix("x", dtype="float64")
    t = T.dmatrix("t")
    xv = sp.csr_matrix(np.array([[0., 2.], [3., 0.]]))
    tv = np.array([[1., 1.], [1., 1.]])
    f = theano.function([x, t], [t + x, t - x, t * x, T.dot(x, t), T.dot(t, x)])
    res = [r.toarray() if sp.issparse(r) else np.asarray(r) for r in f(xv, tv)]
    dense = xv.toarray()
    for got, want in zip(res, [tv + dense, tv - dense, tv * dense, dense @ tv, tv @ dense]):
        np.testing.assert_allclose(got, want)


def test_grad_of_sparse_variable_used_twice():
    x = S.csr_matrix("x", dtype="float64")
    cost = S.sp_sum(S.mul(x, x))
    g = theano.grad(cost, x)
    xv = sp.csr_matrix(np.array([[0., 2.], [3., 0.]]))
    np.testing.assert_allclose(theano.function([x], g)(xv).toarray(), 2 * xv.toarray())
