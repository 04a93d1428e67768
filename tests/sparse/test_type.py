"""SparseType, sparse variables and constants, constructors and shared sparse variables."""
import copy
import pickle

import numpy as np
import pytest
import scipy.sparse as sp

import theano
import theano.sparse as S
import theano.tensor as T
from theano.sparse import SparseType


def test_type_identity_and_str():
    t = SparseType("csr", "float64")
    assert t == SparseType("csr", "float64") and hash(t) == hash(SparseType("csr", "float64"))
    assert t != SparseType("csc", "float64") and t != SparseType("csr", "float32")
    assert str(t) == repr(t) == "Sparse[float64, csr]"
    assert t.ndim == 2
    assert S.csr_dmatrix == t and S.csc_fmatrix == SparseType("csc", "float32")
    assert S.bsr_dmatrix.format == "bsr"
    assert pickle.loads(pickle.dumps(t)) == t


def test_type_errors():
    with pytest.raises(TypeError, match="unsupported dtype 'float16'"):
        SparseType("csr", "float16")
    with pytest.raises(TypeError, match="unsupported format 'coo'"):
        SparseType("coo", "float64")


def test_dtype_lists():
    assert S.all_dtypes == {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                            "uint64", "float32", "float64", "complex64", "complex128"}
    assert set(S.float_dtypes) == {"float32", "float64"}
    assert set(S.continuous_dtypes) == {"float32", "float64", "complex64", "complex128"}
    assert set(S.discrete_dtypes) == set(S.integer_dtypes)


def test_filter():
    t = SparseType("csr", "float64")
    m = sp.csr_matrix(np.eye(3))
    assert t.filter(m) is m
    with pytest.raises(TypeError, match="expected a scipy.sparse csr_matrix"):
        t.filter(sp.csc_matrix(m), strict=True)
    conv = t.filter(sp.csc_matrix(m))
    assert conv.format == "csr" and np.array_equal(conv.toarray(), np.eye(3))
    assert t.filter(np.eye(2)).format == "csr"          # dense values convert
    assert t.filter(sp.csr_array(m)).__class__ is sp.csr_matrix
    assert t.filter(sp.csr_matrix(np.eye(2, dtype="int32"))).dtype == "float64"  # safe upcast
    f32 = SparseType("csr", "float32")
    with pytest.raises(TypeError, match="loss of precision"):
        f32.filter(m)
    assert f32.filter(m, allow_downcast=True).dtype == "float32"
    with pytest.raises(TypeError, match="cannot convert"):
        t.filter("not a matrix")
    assert t.is_valid_value(m) and not t.is_valid_value(sp.csc_matrix(m))


def test_values_eq_and_approx():
    t = SparseType("csr", "float64")
    a = sp.csr_matrix(np.array([[0, 1.0], [2.0, 0]]))
    b = sp.csc_matrix(np.array([[0, 1.0], [2.0 + 1e-10, 0]]))
    assert t.values_eq(a, a.copy()) and not t.values_eq(a, b)
    assert t.values_eq_approx(a, b) and not t.values_eq_approx(a, b * 2)
    assert not t.values_eq(a, sp.csr_matrix((3, 3)))
    nan = sp.csr_matrix(np.array([[np.nan, 0], [0, 1.0]]))
    assert t.values_eq_approx(nan, nan.copy()) and not t.values_eq(nan, nan.copy())
    assert t.values_eq_approx(sp.csr_matrix((2, 2)), sp.csr_matrix((2, 2)))


def test_may_share_memory():
    a = sp.csr_matrix(np.eye(3))
    assert SparseType.may_share_memory(a, a.data)
    assert SparseType.may_share_memory(a.indices, a)
    assert SparseType.may_share_memory(a, a.T)          # the transpose is a view
    assert not SparseType.may_share_memory(a, a.copy())
    assert not SparseType.may_share_memory(a, np.eye(3))


def test_constructors():
    x = S.csr_matrix("x")
    assert x.type == SparseType("csr", theano.config.floatX) and x.name == "x"
    assert S.csc_matrix(dtype="int32").type == SparseType("csc", "int32")
    assert S.bsr_matrix("b", "float32").type == SparseType("bsr", "float32")
    assert S.matrix("csc", "m", "float64").format == "csc"
    v = S.csr_dmatrix("v")
    assert (v.format, v.dtype, v.ndim) == ("csr", "float64", 2)
    assert isinstance(v, S.SparseVariable)
    assert str(v) == "v" and str(S.csc_fmatrix()) == "SparseVariable{csc,float32}"


def test_as_sparse_variable_and_constants():
    m = sp.csc_matrix(np.array([[0, 2.0], [0, 0]]))
    c = S.as_sparse_variable(m)
    assert isinstance(c, S.SparseConstant) and c.type == SparseType("csc", "float64")
    assert str(c) == "SparseConstant{csc,float64,shape=(2, 2),nnz=1}"
    m[0, 1] = 5                                          # the constant holds a copy
    assert c.data[0, 1] == 2
    x = S.csr_matrix()
    assert S.as_sparse_variable(x) is x and S.as_sparse(x.owner or x) is x
    with pytest.raises(TypeError, match="expected a sparse variable"):
        S.as_sparse_variable(T.dmatrix())
    with pytest.raises(TypeError, match="Cannot convert"):
        S.as_sparse_variable(np.eye(2))
    assert isinstance(S.as_sparse_or_tensor_variable(np.eye(2)).type, T.TensorType)
    assert S.as_sparse_or_tensor_variable(m).type.format == "csc"
    assert S.constant(sp.coo_matrix(np.eye(2))).type.format == "csr"
    with pytest.raises(TypeError, match="needs a scipy.sparse matrix"):
        S.constant(np.eye(2))
    # Equal constants merge.
    a, b = S.constant(sp.csr_matrix(np.eye(2))), S.constant(sp.csr_matrix(np.eye(2)))
    assert a.signature() == b.signature()


def test_function_io():
    x = S.csr_matrix("x", dtype="float64")
    f = theano.function([x], S.neg(x), mode="FAST_COMPILE")
    out = f(sp.csr_matrix(np.eye(2)))
    assert isinstance(out, sp.csr_matrix) and np.array_equal(out.toarray(), -np.eye(2))
    assert np.array_equal(f(np.eye(2)).toarray(), -np.eye(2))   # dense input converted
    y = S.csr_fmatrix("y")
    h = theano.function([y], S.neg(y), mode="FAST_COMPILE")
    with pytest.raises(TypeError, match="loss of precision"):
        h(sp.csr_matrix(np.eye(2)))
    h2 = theano.function([y], S.neg(y), mode="FAST_COMPILE", allow_input_downcast=True)
    assert h2(sp.csr_matrix(np.eye(2))).dtype == "float32"


def test_shared_sparse_variable():
    m = sp.csr_matrix(np.array([[0, 1.0], [2.0, 0]]))
    w = theano.shared(m, name="w")
    assert isinstance(w, S.SparseTensorSharedVariable)
    assert w.type == SparseType("csr", "float64") and w.format == "csr" and w.dtype == "float64"
    m[0, 1] = 7                                         # copied unless borrow=True
    assert w.get_value()[0, 1] == 1
    got = w.get_value()
    got[0, 1] = 9
    assert w.get_value()[0, 1] == 1                     # get_value copies too
    wc = theano.shared(m, format="csc")
    assert wc.type.format == "csc" and wc.get_value().format == "csc"
    assert S.shared(m).type.format == "csr"
    b = theano.shared(m, borrow=True)
    assert b.get_value(borrow=True) is m
    f = theano.function([], S.dense_from_sparse(w), updates=[(w, S.neg(w))],
                        mode="FAST_COMPILE")
    np.testing.assert_array_equal(f(), [[0, 1], [2, 0]])
    np.testing.assert_array_equal(w.get_value().toarray(), [[0, -1], [-2, 0]])
    w.set_value(sp.csr_matrix(np.eye(2)))
    np.testing.assert_array_equal(f(), np.eye(2))
    with pytest.raises(ValueError, match="format 'coo' is not supported"):
        theano.shared(sp.coo_matrix(m))
    with pytest.raises(ValueError, match="cannot hold dtype bool"):
        theano.shared(sp.csr_matrix(np.eye(2, dtype=bool)))
    # Dense values still make tensor shared variables.
    assert isinstance(theano.shared(np.eye(2)).type, T.TensorType)
    assert copy.deepcopy(w).get_value().format == "csr"
