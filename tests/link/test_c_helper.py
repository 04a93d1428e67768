"""The C runtime's helper thread (c_code/th_helper.c): middle-size matrix products split in
tiles computed by the caller and the helper, and the weight gradients of a scan's backward
loop summed by the helper while the loop runs (c_code/th_scan_products.c).

Results are compared with NumPy, with the helper on and off, across threads and after a
fork; ``scan_stats()`` tells which path a product took."""
import multiprocessing
import threading

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano.configparser import change_flags
from theano.link.c import compiler as c_compiler
from theano.link.c.runtime import load_runtime

pytestmark = pytest.mark.skipif(c_compiler.compiler_info() is None, reason="no C compiler")


def _rt():
    return load_runtime()


def _stats():
    return _rt().scan_stats()


@pytest.fixture
def helper_on():
    was = _rt().set_helper(True)
    yield
    _rt().set_helper(was)


def _delta(before):
    after = _stats()
    return {k: after[k] - before[k] for k in after}


# (m, k, n) of middle size (split in tiles): rows and columns split, the inner dimension
# split (M and N small), both
SHAPES = [(3200, 32, 64), (64, 3200, 64), (32, 2000, 48), (500, 784, 10), (96, 700, 90)]


@pytest.mark.parametrize("m,k,n", SHAPES)
@pytest.mark.parametrize("trans", ["nn", "tn", "nt", "tt"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_split_products_match_numpy(helper_on, m, k, n, trans, dtype):
    rng = np.random.RandomState(0)
    a = rng.randn(*((k, m) if trans[0] == "t" else (m, k))).astype(dtype)
    b = rng.randn(*((n, k) if trans[1] == "t" else (k, n))).astype(dtype)
    x, y = T.matrix("x", dtype=dtype), T.matrix("y", dtype=dtype)
    f = theano.function([x, y], T.dot(x.T if trans[0] == "t" else x,
                                      y.T if trans[1] == "t" else y))
    before = _stats()
    got = f(a, b)
    d = _delta(before)
    want = np.dot(a.T if trans[0] == "t" else a, b.T if trans[1] == "t" else b)
    tol = dict(rtol=1e-11, atol=1e-11) if dtype == "float64" else dict(rtol=2e-4, atol=2e-3)
    np.testing.assert_allclose(got, want, **tol)
    assert d["split_helped"] + d["split_alone"] == 1


def test_gemm_with_beta_splits_its_inner_dimension_once():
    # z * 0.5 + 2 dot(x, y): beta applied once to z, whoever sums which half of k
    rng = np.random.RandomState(1)
    xv, yv, zv = rng.randn(64, 4000), rng.randn(4000, 64), rng.randn(64, 64)
    x, y, z = T.dmatrix("x"), T.dmatrix("y"), T.dmatrix("z")
    f = theano.function([x, y, z], z * 0.5 + 2 * T.dot(x, y))
    np.testing.assert_allclose(f(xv, yv, zv), zv * 0.5 + 2 * xv @ yv, rtol=1e-11, atol=1e-11)
    zv[0, 0] = np.nan     # beta = 0 never reads z: no NaN from it
    g = theano.function([x, y], T.dot(x, y))
    assert np.isfinite(g(xv, yv)).all()


def test_results_do_not_depend_on_who_computes_what(helper_on):
    rng = np.random.RandomState(2)
    a, b = rng.randn(64, 3200), rng.randn(3200, 64)
    x, y = T.dmatrix("x"), T.dmatrix("y")
    f = theano.function([x, y], T.dot(x, y))
    first = f(a, b)
    for _ in range(20):
        assert np.array_equal(f(a, b), first)
    _rt().set_helper(False)
    try:
        np.testing.assert_allclose(f(a, b), first, rtol=1e-12, atol=1e-12)
    finally:
        _rt().set_helper(True)


def test_helper_off_means_one_blas_call():
    rng = np.random.RandomState(3)
    a, b = rng.randn(500, 784), rng.randn(784, 10)
    x, y = T.dmatrix("x"), T.dmatrix("y")
    f = theano.function([x, y], T.dot(x, y))
    was = _rt().set_helper(False)
    try:
        before = _stats()
        np.testing.assert_allclose(f(a, b), a @ b, rtol=1e-11, atol=1e-11)
        d = _delta(before)
    finally:
        _rt().set_helper(was)
    assert d["split_helped"] == d["split_alone"] == 0


def test_after_a_product_on_blas_threads_the_caller_tiles_alone(helper_on):
    # a large product goes to OpenBLAS whole, whose threads then spin a while: a middle
    # size product right after is tiled on the caller only (and still right)
    rng = np.random.RandomState(4)
    x, y = T.dmatrix("x"), T.dmatrix("y")
    f = theano.function([x, y], T.dot(x, y))
    big = rng.randn(400, 400)
    a, b = rng.randn(500, 784), rng.randn(784, 10)
    before = _stats()
    f(big, big)
    got = f(a, b)
    d = _delta(before)
    assert d["blas_threaded"] >= 1
    assert d["split_alone"] == 1
    np.testing.assert_allclose(got, a @ b, rtol=1e-11, atol=1e-11)


def test_one_thread_allowed_means_no_helper(helper_on):
    # OMP_NUM_THREADS=1 / openmp_threads=1: products are tiled on the caller alone and a
    # scan's weight gradients are not handed over (the helper would share the caller's core)
    rng = np.random.RandomState(14)
    x, y = T.dmatrix("x"), T.dmatrix("y")
    a, b = rng.randn(500, 784), rng.randn(784, 10)
    try:
        with change_flags(openmp_threads=1):
            f = theano.function([x, y], T.dot(x, y))
            g, args, weights = _rnn_grads(150, rng)
            before = _stats()
            got = f(a, b)
            grads = g(*args)
            d = _delta(before)
    finally:
        _rt()       # threads back to the config's count
    assert d["split_helped"] == 0 and d["split_alone"] >= 1
    assert d["helper_jobs"] == 0
    np.testing.assert_allclose(got, a @ b, rtol=1e-11, atol=1e-11)
    for got_g, want in zip(grads, _numpy_rnn_grads(*args, *weights)):
        np.testing.assert_allclose(got_g, want, rtol=1e-10, atol=1e-12)


def test_products_from_several_threads(helper_on):
    rng = np.random.RandomState(5)
    x, y = T.dmatrix("x"), T.dmatrix("y")
    f = theano.function([x, y], T.dot(x, y))
    pairs = [(rng.randn(64, 3000), rng.randn(3000, 64)) for _ in range(4)]
    errors = []

    def work(a, b):
        try:
            for _ in range(30):
                np.testing.assert_allclose(f(a, b), a @ b, rtol=1e-11, atol=1e-11)
        except Exception as exc:     # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=p) for p in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def _child_product(q):
    rng = np.random.RandomState(6)
    a, b = rng.randn(64, 3200), rng.randn(3200, 64)
    x, y = T.dmatrix("x"), T.dmatrix("y")
    f = theano.function([x, y], T.dot(x, y))
    q.put(float(np.abs(f(a, b) - a @ b).max()))


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork")
def test_a_forked_child_starts_a_helper_of_its_own(helper_on):
    rng = np.random.RandomState(6)
    a, b = rng.randn(64, 3200), rng.randn(3200, 64)
    x, y = T.dmatrix("x"), T.dmatrix("y")
    theano.function([x, y], T.dot(x, y))(a, b)     # the parent's helper exists
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child_product, args=(q,))
    p.start()
    err = q.get(timeout=120)
    p.join(timeout=60)
    assert p.exitcode == 0
    assert err < 1e-10


def _rnn_grads(T_, rng):
    B, NI, NH = 16, 24, 40
    Xv, Yv, h0v = rng.randn(T_, B, NI), rng.randn(T_, B, NH), rng.randn(B, NH) * 0.1
    Wx = theano.shared(rng.randn(NI, NH) / 5, name="Wx")
    Wh = theano.shared(rng.randn(NH, NH) * 0.1, name="Wh")
    b = theano.shared(rng.randn(NH) * 0.1, name="b")
    X, Y, h0 = T.dtensor3("X"), T.dtensor3("Y"), T.dmatrix("h0")
    H, _ = theano.scan(lambda x, h: T.tanh(T.dot(x, Wx) + T.dot(h, Wh) + b), sequences=X,
                       outputs_info=h0)
    cost = T.mean((H - Y) ** 2)
    f = theano.function([X, Y, h0], [cost] + T.grad(cost, [Wx, Wh, b]))
    return f, (Xv, Yv, h0v), (Wx.get_value(), Wh.get_value(), b.get_value())


def _numpy_rnn_grads(X, Y, h0, Wx, Wh, b):
    T_, B, NH = Y.shape
    H = np.empty_like(Y)
    h = h0
    for t in range(T_):
        h = H[t] = np.tanh(X[t] @ Wx + h @ Wh + b)
    dH = 2 * (H - Y) / H.size
    dA, dh = np.empty_like(H), np.zeros_like(h0)
    for t in range(T_ - 1, -1, -1):
        dA[t] = (dh + dH[t]) * (1 - H[t] ** 2)
        dh = dA[t] @ Wh.T
    Hp = np.concatenate([h0[None], H[:-1]])
    return [np.mean((H - Y) ** 2),
            np.einsum("tbi,tbj->ij", X, dA), np.einsum("tbi,tbj->ij", Hp, dA),
            dA.sum(axis=(0, 1))]


@pytest.mark.parametrize("T_", [1, 7, 150])
def test_weight_gradients_summed_beside_the_loop_match_numpy(helper_on, T_):
    rng = np.random.RandomState(7)
    f, args, weights = _rnn_grads(T_, rng)
    want = _numpy_rnn_grads(*args, *weights)
    for on in (True, False, True):
        _rt().set_helper(on)
        for g, w in zip(f(*args), want):
            np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


def test_split_products_of_strided_views_nan_and_inf(helper_on):
    # reversed and strided views are copied before the tiles; NaN and inf go through the
    # tiles as through one BLAS call
    rng = np.random.RandomState(8)
    a, b = rng.randn(400, 1600), rng.randn(800, 100)
    a[3, 5], a[7, 0], b[10, 2] = np.nan, np.inf, -np.inf
    x, y = T.dmatrix("x"), T.dmatrix("y")
    f = theano.function([x, y], T.dot(x, y))
    av, bv = a[::-2, ::2], b[::-1]            # (200, 800) . (800, 100)
    before = _stats()
    got = f(av, bv)
    d = _delta(before)
    assert d["split_helped"] + d["split_alone"] == 1
    with np.errstate(invalid="ignore"):
        want = av @ bv
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(np.isinf(got), np.isinf(want))
    ok = np.isfinite(want)
    np.testing.assert_allclose(got[ok], want[ok], rtol=1e-11, atol=1e-11)


def test_empty_inner_dimension_gives_zeros():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    f = theano.function([x, y], T.dot(x, y))
    np.testing.assert_array_equal(f(np.ones((3000, 0)), np.ones((0, 200))), np.zeros((3000, 200)))


def test_float32_weight_gradients_beside_the_loop(helper_on):
    # sgemm tiles and a float32 gradient row added into by the product
    rng = np.random.RandomState(9)
    T_, B, NI, NH = 150, 16, 24, 40
    args = [a.astype("float32") for a in (rng.randn(T_, B, NI), rng.randn(T_, B, NH),
                                           rng.randn(B, NH) * 0.1)]
    weights = [a.astype("float32") for a in (rng.randn(NI, NH) / 5, rng.randn(NH, NH) * 0.1,
                                              rng.randn(NH) * 0.1)]
    Wx, Wh, b = (theano.shared(w) for w in weights)
    X, Y, h0 = T.ftensor3("X"), T.ftensor3("Y"), T.fmatrix("h0")
    H, _ = theano.scan(lambda x, h: T.tanh(T.dot(x, Wx) + T.dot(h, Wh) + b), sequences=X,
                       outputs_info=h0)
    cost = T.mean((H - Y) ** 2)
    f = theano.function([X, Y, h0], [cost] + T.grad(cost, [Wx, Wh, b]))
    before = _stats()
    got = f(*args)
    assert _delta(before)["added_in_rows"] > 0
    want = _numpy_rnn_grads(*(a.astype("float64") for a in args + weights))
    for g, w in zip(got, want):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, w, rtol=2e-5, atol=2e-6 * np.abs(w).max())
