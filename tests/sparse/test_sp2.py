"""theano.sparse.sandbox.sp2: random sparse samples (Poisson, binomial, multinomial)."""
import numpy as np
import pytest
import scipy.sparse as sp

import theano
import theano.sparse as S
import theano.tensor as T
from theano.sparse.sandbox import sp2


def test_poisson(rand_sparse, check_infer_shape):
    np.random.seed(11)
    x = S.csr_matrix(dtype="float64")
    f = theano.function([x], sp2.poisson(x))
    a = rand_sparse("csr", (20, 30), low=1.0, high=5.0)
    got = f(a)
    assert got.format == "csr" and got.dtype == "float64"
    assert set(zip(*got.nonzero())) <= set(zip(*a.nonzero()))   # no new cells
    assert np.all(got.data == np.round(got.data)) and np.all(got.data > 0)
    # Mean over many draws: close to the input (law of large numbers).
    mean = np.mean([f(a).toarray() for _ in range(200)], axis=0)
    np.testing.assert_allclose(mean.sum(), a.sum(), rtol=0.02)
    check_infer_shape(sp2.poisson(x), [x], [a], (20, 30))
    with pytest.raises(ValueError, match="non-negative"):
        f(sp.csr_matrix(np.array([[-1.0]])))
    with pytest.raises(theano.gradient.NullTypeGradError, match="no gradient"):
        theano.grad(S.sp_sum(sp2.poisson(x)), x)


@pytest.mark.parametrize("op, format, dtype", [(sp2.csr_fbinomial, "csr", "float32"),
                                               (sp2.csc_dbinomial, "csc", "float64")])
def test_binomial(op, format, dtype, check_infer_shape):
    np.random.seed(3)
    n, p, shape = T.iscalar(), T.dscalar(), T.lvector()
    out = op(n, p, shape)
    assert out.type == S.SparseType(format, dtype)
    f = theano.function([n, p, shape], out)
    got = f(10, 0.3, [50, 40])
    assert got.shape == (50, 40) and got.format == format and got.dtype == dtype
    assert 0 <= got.data.min() and got.data.max() <= 10
    np.testing.assert_allclose(got.toarray().mean(), 3.0, rtol=0.05)
    check_infer_shape(out, [n, p, shape], [10, 0.3, np.array([5, 4])], (5, 4))
    assert op == sp2.Binomial(format, dtype)
    with pytest.raises(TypeError, match="n must be an integer scalar"):
        op(T.dscalar(), p, shape)
    with pytest.raises(TypeError, match="p must be a float scalar"):
        op(n, T.iscalar(), shape)


def test_multinomial(check_infer_shape):
    np.random.seed(5)
    n, nv, x = T.lscalar(), T.lvector(), S.csr_matrix(dtype="float64")
    probs = sp.csr_matrix(np.array([[0.2, 0, 0.8, 0], [0, 1.0, 0, 0], [0, 0, 0, 0],
                                    [0.25, 0.25, 0.25, 0.25]]))
    f = theano.function([n, x], sp2.multinomial(n, x))
    got = f(1000, probs)
    assert got.format == "csr" and got.nnz == probs.nnz
    np.testing.assert_array_equal(got.toarray().sum(axis=1), [1000, 1000, 0, 1000])
    np.testing.assert_allclose(got.toarray() / 1000.0, probs.toarray(), atol=0.06)
    g = theano.function([nv, x], sp2.multinomial(nv, x))
    np.testing.assert_array_equal(g(np.array([1, 2, 3, 4]), probs).toarray().sum(axis=1),
                                  [1, 2, 0, 4])
    with pytest.raises(ValueError, match="one count per row"):
        g(np.array([1, 2]), probs)
    check_infer_shape(sp2.multinomial(n, x), [n, x], [3, probs], (4, 4))
    with pytest.raises(TypeError, match="format csr"):
        sp2.multinomial(n, S.csc_matrix())


def test_compatibility_names():
    assert sp2.EliminateZeros is S.Remove0 and sp2.eliminate_zeros is S.remove0
    assert sp2.structured_exp is S.structured_exp and sp2.sampling_dot is S.sampling_dot
