"""The sparse rewrites (theano.sparse.rewriting) and whole sparse graphs in FAST_RUN."""
import numpy as np
import pytest
import scipy.sparse as sp

import theano
import theano.sparse as S
import theano.tensor as T
from theano.sparse import SparseType


def _ops(f):
    return [node.op for node in f.maker.fgraph.toposort()]


def _count(f, cls):
    return sum(isinstance(op, cls) for op in _ops(f))


@pytest.mark.parametrize("format", ["csr", "csc"])
def test_csm_properties_of_csm(format, rand_sparse):
    x = SparseType(format, "float64")()
    out = S.structured_exp(S.sqrt(S.sqr(x)))
    f = theano.function([x], out)
    # One read of x's arrays and one matrix built at the end, whatever the chain length.
    assert _count(f, S.CSMProperties) == 1 and _count(f, S.CSM) == 1
    a = rand_sparse(format, (4, 5))
    np.testing.assert_allclose(f(a).toarray(), np.where(a.toarray() != 0,
                                                        np.exp(np.abs(a.toarray())), 0))
    # The gradient graph loses its intermediate matrices too.
    g = theano.grad(S.sp_sum(out, sparse_grad=True), x)
    fg = theano.function([x], g)
    assert _count(fg, S.CSM) <= 2
    expected = np.where(a.toarray() != 0, np.exp(np.abs(a.toarray())) * np.sign(a.toarray()), 0)
    np.testing.assert_allclose(fg(a).toarray(), expected)


def test_dense_from_sparse_of_sparse_from_dense(rng):
    t = T.dmatrix()
    for mode in ("FAST_RUN", "FAST_COMPILE"):
        f = theano.function([t], S.dense_from_sparse(S.csr_from_dense(t)) * 2, mode=mode)
        assert not any(isinstance(op, (S.DenseFromSparse, S.SparseFromDense))
                       for op in _ops(f)), mode
        v = rng.randn(3, 2)
        np.testing.assert_allclose(f(v), 2 * v)


def test_sparse_shape_of_csm():
    data, indices, indptr = T.dvector(), T.ivector(), T.ivector()
    shape = T.ivector()
    m = S.CSR(data, indices, indptr, shape)
    f = theano.function([data, indices, indptr, shape], m.shape, on_unused_input="ignore")
    assert not any(isinstance(op, (S.CSM, S.SparseShape)) for op in _ops(f))
    got = f(np.ones(1), np.zeros(1, "int32"), np.array([0, 1, 1], "int32"),
            np.array([2, 7], "int32"))
    np.testing.assert_array_equal(got, [2, 7])
    assert got.dtype == "int64"


def test_shape_of_products_needs_no_product(rand_sparse, rng):
    # Shape inference reads the sparse operands' shapes instead of computing the product.
    x, y = S.csr_matrix(dtype="float64"), T.dmatrix()
    outs = [S.dot(x, y).shape, S.structured_dot(x, y).shape, S.sp_sum(x, axis=0).shape,
            S.dense_from_sparse(x).shape]
    f = theano.function([x, y], outs)
    assert not any(isinstance(op, (S.Dot, S.StructuredDot, S.SpSum, S.DenseFromSparse))
                   for op in _ops(f))
    got = f(rand_sparse("csr", (3, 4)), rng.randn(4, 5))
    assert [tuple(g) for g in got] == [(3, 5), (3, 5), (4,), (3, 4)]


@pytest.mark.parametrize("sign", ["sub", "add"])
@pytest.mark.parametrize("sparse_side", ["left", "right"])
def test_usmm_rewrite(sign, sparse_side, rand_sparse, rng):
    alpha = T.dscalar("alpha")
    s = S.csc_matrix("s", dtype="float64")
    d = T.dmatrix("d")
    z = T.dmatrix("z")
    prod = S.dot(s, d) if sparse_side == "left" else S.dot(d, s)
    out = z - alpha * prod if sign == "sub" else z + prod * alpha
    f = theano.function([alpha, s, d, z], out)
    assert _count(f, S.Usmm) == 1 and _count(f, S.Dot) == 0
    sv = rand_sparse("csc", (4, 4))
    dv, zv = rng.randn(4, 4), rng.randn(4, 4)
    p = sv.toarray() @ dv if sparse_side == "left" else dv @ sv.toarray()
    expected = zv - 0.5 * p if sign == "sub" else zv + 0.5 * p
    np.testing.assert_allclose(f(0.5, sv, dv, zv), expected)
    # The product used elsewhere too is computed once: no rewrite.
    g = theano.function([alpha, s, d, z], [z - alpha * prod, prod])
    assert _count(g, S.Usmm) == 0
    # Without a scalar factor.
    h = theano.function([s, d, z], z + S.dot(s, d))
    assert _count(h, S.Usmm) == 1
    np.testing.assert_allclose(h(sv, dv, zv), zv + sv.toarray() @ dv)


def test_inplace_remove0(rand_sparse):
    x = S.csr_matrix(dtype="float64")
    f = theano.function([x], S.remove0(S.mul(x, 0)))
    ops = [op for op in _ops(f) if isinstance(op, S.Remove0)]
    assert len(ops) == 1 and ops[0].inplace
    a = rand_sparse("csr", (3, 3))
    assert f(a).nnz == 0 and a.nnz > 0
    # A graph input is never destroyed.
    g = theano.function([x], S.remove0(x))
    assert not [op for op in _ops(g) if isinstance(op, S.Remove0)][0].inplace
    with_zero = a.copy()
    with_zero.data[0] = 0
    assert g(with_zero).nnz == a.nnz - 1 and with_zero.nnz == a.nnz
    h = theano.function([x], S.ensure_sorted_indices(S.mul(x, 2)))
    assert [op for op in _ops(h) if isinstance(op, S.EnsureSortedIndices)][0].inplace
    np.testing.assert_allclose(h(a).toarray(), 2 * a.toarray())


def test_logistic_regression_fast_run(rand_sparse, rng):
    # A whole model over sparse inputs, compiled with the default mode, against NumPy.
    n_in, n_out = 6, 3
    w = theano.shared(np.zeros((n_in, n_out)), name="w")
    b = theano.shared(np.zeros(n_out), name="b")
    x = S.csr_matrix("x", dtype="float64")
    y = T.lvector("y")
    p_y = T.nnet.softmax(S.structured_dot(x, w) + b)
    cost = -T.mean(T.log(p_y)[T.arange(y.shape[0]), y])
    gw, gb = theano.grad(cost, [w, b])
    train = theano.function([x, y], cost, updates=[(w, w - 0.5 * gw), (b, b - 0.5 * gb)])
    xv = rand_sparse("csr", (8, n_in), density=0.4)
    yv = rng.randint(0, n_out, size=8)
    wn, bn = np.zeros((n_in, n_out)), np.zeros(n_out)
    X = xv.toarray()
    for _ in range(5):
        logits = X @ wn + bn
        p = np.exp(logits - logits.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        expected_cost = -np.mean(np.log(p[np.arange(8), yv]))
        delta = p.copy()
        delta[np.arange(8), yv] -= 1
        delta /= 8
        wn, bn = wn - 0.5 * X.T @ delta, bn - 0.5 * delta.sum(0)
        np.testing.assert_allclose(train(xv, yv), expected_cost, rtol=1e-10)
    np.testing.assert_allclose(w.get_value(), wn, rtol=1e-10)
    np.testing.assert_allclose(b.get_value(), bn, rtol=1e-10)


def test_sparse_shared_weights_fast_run(rand_sparse, rng):
    # A sparse parameter trained with a structured gradient keeps its pattern.
    w0 = rand_sparse("csc", (4, 3))
    w = theano.shared(w0, name="w")
    x = T.dmatrix("x")
    out = S.structured_dot(x, w)     # dense x sparse
    cost = T.sqr(out).sum()
    gw = theano.grad(cost, w)
    assert gw.type == w.type
    step = theano.function([x], cost, updates=[(w, w - 0.01 * gw)])
    xv = rng.randn(5, 4)
    before = w.get_value()
    step(xv)
    after = w.get_value()
    assert after.format == "csc"
    W = before.toarray()
    grad = 2 * xv.T @ (xv @ W) * (W != 0)
    np.testing.assert_allclose(after.toarray(), W - 0.01 * grad, rtol=1e-10)
    assert set(zip(*after.nonzero())) <= set(zip(*before.nonzero()))


def test_pickled_function_and_debug_mode(rand_sparse):
    import pickle

    x, y = S.csr_matrix("x", dtype="float64"), T.dmatrix("y")
    out = S.structured_dot(S.sqrt(x), y) + S.sp_sum(S.eq(x, x), axis=1).dimshuffle(0, "x")
    f = theano.function([x, y], out)
    a = sp.csr_matrix(np.array([[0, 4.0], [9.0, 0]]))
    expected = [[4, 4], [5, 5]]
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(f))(a, np.ones((2, 2))), expected)
    g = theano.function([x, y], out, mode="DebugMode")
    np.testing.assert_array_equal(g(a, np.ones((2, 2))), expected)
