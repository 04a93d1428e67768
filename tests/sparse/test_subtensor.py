"""Indexing sparse variables, the scatter gradients and ConstructSparseFromList."""
import numpy as np
import pytest
import scipy.sparse as sp

import theano
import theano.sparse as S
import theano.tensor as T
from theano.sparse import SparseType

FORMATS = ["csr", "csc"]


def _var(format, dtype="float64", name=None):
    return SparseType(format, dtype)(name)


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_getitem_scalar(format, dtype, rand_sparse, run, check_infer_shape):
    a = rand_sparse(format, (4, 5), dtype)
    x = _var(format, dtype)
    i, j = T.lscalar(), T.iscalar()
    outs = [x[1, 2], x[i, j], x[-1, -2], x[np.int64(3), 0]]
    assert all(o.owner.op == S.get_item_scalar for o in outs)
    assert outs[0].type == T.TensorType(dtype, ())
    got = run(outs, [x, i, j], [a, 3, 4])
    A = a.toarray()
    np.testing.assert_array_equal(got, [A[1, 2], A[3, 4], A[-1, -2], A[3, 0]])
    assert got[0].dtype == dtype
    check_infer_shape(outs[1], [x, i, j], [a, 0, 0], ())
    f = theano.function([x, i, j], x[i, j], mode="FAST_COMPILE")
    with pytest.raises(IndexError, match="out of bounds for axis 0 with size 4"):
        f(a, 4, 0)
    if dtype == "float64":
        S.verify_grad_sparse(lambda m: m[1, 2] * 3, [a])
        g = theano.grad(x[i, j] * 2, x)
        assert g.type == x.type
        gv = theano.function([x, i, j], g, mode="FAST_COMPILE")(a, -1, 1)
        expected = np.zeros((4, 5))
        expected[-1, 1] = 2
        np.testing.assert_array_equal(gv.toarray(), expected)


@pytest.mark.parametrize("format", FORMATS)
def test_getitem_slices(format, rand_sparse, run):
    a = rand_sparse(format, (6, 7))
    x = _var(format)
    i, j = T.iscalar(), T.lscalar()
    cases = [(x[1:4, 2:6], np.s_[1:4, 2:6]), (x[1:4], np.s_[1:4]),
             (x[:, ::2], np.s_[:, ::2]), (x[::-1, 1:], np.s_[::-1, 1:]),
             (x[i:j, :j], np.s_[2:5, :5]), (x[-3:, -2:-1], np.s_[-3:, -2:-1]),
             (x[2:2, 1:3], np.s_[2:2, 1:3]), (x[0:6:1, 0:7:1], np.s_[:, :])]
    outs = [c[0] for c in cases]
    assert all(o.owner.op == S.get_item_2d and o.type == x.type for o in outs)
    got = run(outs, [x, i, j], [a, 2, 5])
    A = a.toarray()
    for k, (g, (_, sl)) in enumerate(zip(got, cases)):
        assert g.format == format, k
        np.testing.assert_array_equal(g.toarray(), A[sl], err_msg=str(k))
    for case in [lambda m: m[1:4, 2:6], lambda m: m[::2], lambda m: m[::-1, 1::3]]:
        S.verify_grad_sparse(case, [a])


def test_getitem_errors():
    x = S.csr_matrix(dtype="float64")
    with pytest.raises(TypeError, match="no sparse vectors"):
        x[1:3, 2]
    with pytest.raises(TypeError, match="no sparse vectors"):
        x[2]
    with pytest.raises(TypeError, match="slice start must be an integer scalar"):
        x[T.dscalar():3]
    with pytest.raises(TypeError, match="index 1 is a slice"):
        S.get_item_scalar(x, (1, slice(2)))
    with pytest.raises(TypeError, match="index 0 must be an integer scalar"):
        S.get_item_scalar(x, (T.dscalar(), 1))
    with pytest.raises(TypeError, match="is not supported; use slices"):
        x[T.dvector()]
    with pytest.raises(TypeError, match="must be a vector of integers"):
        S.get_item_list(x, T.dvector())


@pytest.mark.parametrize("format", FORMATS)
def test_getitem_lists(format, rand_sparse, run, check_infer_shape):
    a = rand_sparse(format, (5, 4))
    x = _var(format)
    idx = T.lvector()
    rows = [x[[0, 3, 3, -1]], x[idx], x[np.array([4, 1])]]
    assert all(o.owner.op == S.get_item_list and o.type == x.type for o in rows)
    elems = [x[[0, 1, 4], [3, 3, -1]], x[idx, idx]]
    assert all(o.owner.op == S.get_item_2lists for o in elems)
    assert elems[0].type == T.TensorType("float64", (False,))
    got = run(rows + elems, [x, idx], [a, np.array([2, 0, 2])])
    A = a.toarray()
    expected = [A[[0, 3, 3, -1]], A[[2, 0, 2]], A[[4, 1]], A[[0, 1, 4], [3, 3, -1]],
                A[[2, 0, 2], [2, 0, 2]]]
    for k, (g, e) in enumerate(zip(got, expected)):
        np.testing.assert_array_equal(g.toarray() if sp.issparse(g) else g, e, err_msg=str(k))
    check_infer_shape(rows[1], [x, idx], [a, np.array([1, 2, 3])], (3, 4))
    check_infer_shape(elems[1], [x, idx], [a, np.array([1, 2, 3])], (3,))
    empty = run(x[idx, idx], [x, idx], [a, np.zeros(0, "int64")])
    assert empty.shape == (0,)
    f = theano.function([x, idx], x[idx], mode="FAST_COMPILE")
    with pytest.raises(IndexError, match="out of bounds"):
        f(a, np.array([5]))
    g = theano.function([x, idx], x[idx, [0, 1]], mode="FAST_COMPILE")
    with pytest.raises(ValueError, match="lengths 3 and 2"):
        g(a, np.array([0, 1, 2]))


@pytest.mark.parametrize("format", FORMATS)
def test_getitem_list_gradients(format, rand_sparse, run):
    a = rand_sparse(format, (5, 4))
    # Repeated rows and elements accumulate their gradients.
    S.verify_grad_sparse(lambda m: m[[0, 3, 3, -1]], [a])
    S.verify_grad_sparse(lambda m: m[[0, 0, 4], [1, 1, 2]], [a])
    x = _var(format)
    g = theano.grad(S.sp_sum(x[[1, 1, 2]] * 1.0), x)
    assert g.type == x.type
    got = run(g, [x], [a])
    np.testing.assert_array_equal(got.toarray().sum(axis=1), [0, 8, 4, 0, 0])


def test_scatter_ops_directly(run):
    x = S.csc_matrix(dtype="float64")
    gz = S.csc_matrix(dtype="float32")
    out = S.get_item_list_grad(x, [2, 0, 2], gz)
    assert out.type == SparseType("csc", "float32")
    a = sp.csc_matrix((3, 2))
    got = run(out, [x, gz], [a, sp.csc_matrix(np.arange(6, dtype="float32").reshape(3, 2))])
    np.testing.assert_array_equal(got.toarray(), [[2, 3], [0, 0], [4, 6]])
    v = T.fvector()
    out2 = S.get_item_2lists_grad(x, [0, 0, 2], [1, 1, 0], v)
    got2 = run(out2, [x, v], [a, np.array([1, 2, 4], "float32")])
    np.testing.assert_array_equal(got2.toarray(), [[0, 3], [0, 0], [4, 0]])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_construct_sparse_from_list(dtype, rng, run, check_infer_shape):
    x = T.matrix(dtype=dtype)
    values, ilist = T.matrix(dtype=dtype), T.lvector()
    out = S.construct_sparse_from_list(x, values, ilist)
    assert out.type == SparseType("csc", dtype)
    xv = np.zeros((5, 3), dtype)
    vv = rng.randn(3, 3).astype(dtype)
    il = np.array([4, 0, 4])
    got = run(out, [x, values, ilist], [xv, vv, il])
    expected = np.zeros((5, 3), dtype)
    np.add.at(expected, il, vv)
    np.testing.assert_allclose(got.toarray(), expected, rtol=1e-6)
    check_infer_shape(out, [x, values, ilist], [xv, vv, il], (5, 3))
    f = theano.function([x, values, ilist], out, mode="FAST_COMPILE")
    with pytest.raises(ValueError, match="3 rows of values for 2 indices"):
        f(xv, vv, il[:2])
    with pytest.raises(ValueError, match="rows of length 2"):
        f(xv, vv[:, :2], il)
    # Gradient with respect to the values (the shape and indices are not differentiable).
    if dtype == "float64":
        theano.gradient.verify_grad(
            lambda v: S.dense_from_sparse(S.construct_sparse_from_list(T.zeros((5, 3)), v,
                                                                       il)),
            [vv], rng=np.random.RandomState(0))
        ev = T.dmatrix()
        rop = theano.gradient.Rop(out, values, ev)
        got_r = run(rop, [x, values, ilist, ev], [xv, vv, il, np.ones((3, 3))])
        np.testing.assert_array_equal(got_r.toarray().sum(axis=1), [3, 0, 0, 0, 6])


def test_advanced_subtensor1_sparse_grad(rng, run):
    w = T.dmatrix("w")
    idx = T.lvector("idx")
    rows = T.AdvancedSubtensor1(sparse_grad=True)(w, idx)
    g = theano.grad((rows ** 2).sum(), w)
    assert g.type == SparseType("csc", "float64")
    wv, iv = rng.randn(6, 3), np.array([1, 4, 1])
    got = run(g, [w, idx], [wv, iv])
    expected = np.zeros((6, 3))
    np.add.at(expected, iv, 2 * wv[iv])
    np.testing.assert_allclose(got.toarray(), expected)
    # Without sparse_grad the gradient stays dense.
    gd = theano.grad((w[idx] ** 2).sum(), w)
    assert gd.type == w.type
    np.testing.assert_allclose(run(gd, [w, idx], [wv, iv]), expected)
    # Only matrices have a sparse gradient.
    v = T.dvector()
    with pytest.raises(theano.gradient.NullTypeGradError, match="needs a matrix"):
        theano.grad(T.AdvancedSubtensor1(sparse_grad=True)(v, idx).sum(), v)


def test_scatter_ops_infer_shape(rand_sparse, check_infer_shape):
    a = rand_sparse("csr", (4, 3))
    x, gz, v = S.csr_matrix(dtype="float64"), S.csr_matrix(dtype="float64"), T.dvector()
    ins = [x, gz, v]
    vals = [a, rand_sparse("csr", (2, 3)), np.ones(2)]
    for out in [S.get_item_list_grad(x, [1, 3], gz), S.get_item_2lists_grad(x, [0, 1], [2, 2], v),
                S.get_item_2d_grad(x, *S.get_item_2d(x, (slice(1, 3),)).owner.inputs[1:], gz)]:
        check_infer_shape(out, ins, vals, (4, 3))
