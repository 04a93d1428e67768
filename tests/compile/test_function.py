"""theano.function: arguments, defaults, shared variables, updates, givens, copy, pickle."""
import pickle
import threading
from collections import OrderedDict

import numpy as np
import pytest

import theano
import theano.tensor as T
from theano import In, Out, Param, function, shared
from theano.compile.function import MissingInputError, UnusedInputError


def test_single_list_and_dict_outputs():
    x = T.dscalar("x")
    assert function([x], x * 2)(3) == 6
    a, b = function([x], [x + 1, x - 1])(3)
    assert (a, b) == (4, 2)
    d = function([x], {"double": x * 2, "neg": -x})(3)
    assert d == {"double": 6, "neg": -3}
    assert function([x], [], on_unused_input="ignore")(1) == []


def test_positional_keyword_and_defaults():
    x, y, w = T.dscalars("x", "y", "w")
    f = function([x, In(y, value=1), In(w, value=2, name="w_by_name")], (x + y) * w)
    assert f(1) == 4 and f(1, 2) == 6 and f(1, 1, 1) == 2
    assert f(1, w_by_name=1, y=0) == 1
    assert f(x=1, y=2) == 6
    f["w_by_name"] = 10
    assert f(1) == 20 and f["w_by_name"] == 10


def test_param_default():
    x, y = T.dscalars("x", "y")
    f = function([x, Param(y, default=3)], x + y)
    assert f(1) == 4


@pytest.mark.parametrize("call,match", [
    (lambda f: f(), "Missing required input: x"),
    (lambda f: f(1, 2, 3), "at most 2"),
    (lambda f: f(1, z=2), "Unknown input or state: 'z'"),
    (lambda f: f(1, x=2), "Multiple values for input 'x'"),
])
def test_argument_errors(call, match):
    x, y = T.dscalars("x", "y")
    f = function([x, In(y, value=1)], x + y)
    with pytest.raises(TypeError, match=match):
        call(f)


def test_bad_values_name_the_input():
    x = T.fvector("x")
    f = function([x], x * 2)
    with pytest.raises(TypeError, match='(?s)name "x".*index 0.*allow_input_downcast'):
        f(np.array([1.5], dtype="float64"))
    with pytest.raises(TypeError, match="Wrong number of dimensions: expected 1, got 2"):
        f(np.ones((2, 2), dtype="float32"))
    # Lossless conversions are accepted: lists, Python numbers, narrower dtypes.
    np.testing.assert_array_equal(f([1, 2]), [2, 4])
    np.testing.assert_array_equal(f(np.array([1], dtype="int8")), [2])
    # ... and lossy ones when asked for.
    g = function([x], x * 2, allow_input_downcast=True)
    assert g(np.array([1.5])).dtype == np.float32
    i = T.iscalar("i")
    with pytest.raises(TypeError, match="cannot store accurately"):
        function([i], i)(1.5)


def test_broadcastable_dimension_size_checked():
    r = T.drow("r")
    f = function([r], r + 1)
    with pytest.raises(ValueError, match="broadcastable"):
        f(np.ones((2, 3)))


def test_python_float_to_floatX_is_allowed_by_default():
    with theano.config.change_flags(floatX="float32"):
        x = T.fscalar("x")
        assert function([x], x)(0.1).dtype == np.float32


def test_unused_and_missing_inputs():
    x, y = T.dscalars("x", "y")
    with pytest.raises(UnusedInputError, match="index 1"):
        function([x, y], x * 2)
    with pytest.warns(UserWarning):
        function([x, y], x * 2, on_unused_input="warn")
    function([x, y], x * 2, on_unused_input="ignore")
    with pytest.raises(MissingInputError, match="y"):
        function([x], x + y)


def test_inputs_must_be_a_list_of_variables():
    x = T.dscalar("x")
    with pytest.raises(TypeError, match="list"):
        function(x, x)
    with pytest.raises(TypeError, match="Constant"):
        function([T.constant(1.0)], x, on_unused_input="ignore")
    with pytest.raises(ValueError, match="twice"):
        function([x, x], x)


def test_shared_accumulator_and_set_value():
    state = shared(0)
    assert state.type == T.lscalar
    inc = T.iscalar("inc")
    acc = function([inc], state, updates=[(state, state + inc)])
    assert acc(1) == 0 and state.get_value() == 1
    acc(200)
    assert state.get_value() == 201
    state.set_value(-1)
    acc(2)
    assert state.get_value() == 1
    dec = function([inc], state, updates=[(state, state - inc)])
    dec(2)
    assert state.get_value() == -1


@pytest.mark.parametrize("kind", ["list", "dict", "ordered"])
def test_update_forms_see_old_values(kind):
    a, b = shared(1.0, name="a"), shared(10.0, name="b")
    pairs = [(a, b), (b, a)]  # swap: both updates read the values from before the call
    upd = {"list": pairs, "dict": dict(pairs), "ordered": OrderedDict(pairs)}[kind]
    f = function([], a + b, updates=upd)
    assert f() == 11
    assert (a.get_value(), b.get_value()) == (10.0, 1.0)


def test_update_errors():
    s = shared(np.zeros(3))
    x = T.dvector("x")
    with pytest.raises(ValueError, match="updated twice"):
        function([x], x, updates=[(s, x), (s, x + 1)])
    with pytest.raises(TypeError, match="same type"):
        function([], s, updates=[(s, s.sum())])
    with pytest.raises(TypeError, match="shared"):
        function([x], x, updates=[(x, x + 1)])
    f32 = shared(np.zeros(3, dtype="float32"))
    with pytest.raises(TypeError, match="float32"):
        function([x], x, updates=[(f32, x)])


def test_failing_call_changes_nothing():
    a = shared(np.arange(3.0), name="a")
    b = shared(5.0, name="b")
    x = T.dvector("x")
    f = function([x], (a + x).sum(), updates=[(b, b + 1), (a, a * 2)])
    before = a.get_value(), b.get_value()
    with pytest.raises(ValueError):
        f(np.ones(4))  # shape mismatch with a
    np.testing.assert_array_equal(a.get_value(), before[0])
    assert b.get_value() == before[1]
    f(np.ones(3))
    np.testing.assert_array_equal(a.get_value(), [0, 2, 4])


def test_set_value_list_is_cast_and_get_value_copies():
    W = shared(np.zeros((2, 2)), name="W")
    W.set_value([[1, 2], [3, 4]])
    v = W.get_value()
    assert v.dtype == np.float64
    v[0, 0] = 99
    assert W.get_value()[0, 0] == 1  # get_value() returned a copy
    assert W.get_value(borrow=True) is W.get_value(borrow=True)
    with pytest.raises(TypeError):
        W.set_value(np.zeros(2))
    f32 = shared(np.zeros(2, dtype="float32"))
    with pytest.raises(TypeError, match="loss of precision"):
        f32.set_value(np.array([0.1, 0.2]))


def test_shared_constructor_options():
    v = np.arange(4.0)
    s = shared(v)
    v[0] = 100
    assert s.get_value()[0] == 0  # copied by default
    sb = shared(v, borrow=True)
    assert sb.get_value(borrow=True) is v
    r = shared(np.ones((1, 3)), broadcastable=(True, False))
    assert r.broadcastable == (True, False)
    assert shared(1.5).dtype == "float64" and shared(np.float32(1)).dtype == "float32"
    assert shared(np.zeros(3), name="w").name == "w"


def test_givens_replace_shared_and_inputs():
    state = shared(0)
    inc = T.iscalar("inc")
    foo = T.scalar(dtype=state.dtype)
    f = function([inc, foo], state * 2 + inc, givens=[(state, foo)])
    assert f(1, 3) == 7 and state.get_value() == 0
    x, y = T.dscalars("x", "y")
    g = function([y], x * 2, givens={x: y + 1})
    assert g(1) == 4
    with pytest.raises(TypeError, match="givens"):
        function([inc], state * 2, givens=[(state, T.dscalar())])


def test_outputs_never_alias_inputs_or_shared_values():
    x = T.dvector("x")
    v = np.arange(3.0)
    out = function([x], x)(v)
    assert out is not v and not np.shares_memory(out, v)
    s = shared(np.arange(3.0))
    got = function([], s)()
    got[0] = 42
    assert s.get_value()[0] == 0
    t = function([x], x.T)(v)
    assert not np.shares_memory(t, v)
    borrowed = function([], Out(s, borrow=True))()
    assert np.shares_memory(borrowed, s.get_value(borrow=True))


def test_user_input_is_never_modified():
    x = T.dvector("x")
    v = np.arange(5.0)
    keep = v.copy()
    f = function([x], [x * 2 + 1, T.exp(x).sum(), -x])
    f(v)
    np.testing.assert_array_equal(v, keep)


def test_copy_swap_and_delete_updates():
    state = shared(0)
    inc = T.iscalar("inc")
    acc = function([inc], state, updates=[(state, state + inc)])
    new_state = shared(0)
    new_acc = acc.copy(swap={state: new_state})
    new_acc(100)
    assert new_state.get_value() == 100 and state.get_value() == 0
    null_acc = acc.copy(delete_updates=True)
    null_acc(100)
    assert state.get_value() == 0
    acc(5)
    assert state.get_value() == 5
    with pytest.raises(TypeError):
        acc.copy(swap={state: shared(0.0)})


def test_pickle_roundtrip_with_shared_values():
    w = shared(np.array([1.0, 2.0]), name="w")
    x = T.dvector("x")
    k = T.dscalar("k")
    f = function([x, In(k, value=3.0)], (w * x).sum() * k, updates=[(w, w + 1)])
    assert f(np.ones(2)) == 9.0
    g = pickle.loads(pickle.dumps(f))
    assert g(np.ones(2)) == f(np.ones(2)) == 15.0  # each has its own copy of w = [2, 3]
    assert g(np.ones(2), k=1.0) == 7.0
    np.testing.assert_array_equal(w.get_value(), [3.0, 4.0])


def test_threads_can_call_one_function_concurrently():
    x = T.dmatrix("x")
    f = function([x], T.dot(x, x.T).sum(axis=1) + T.exp(x).sum())
    values = [np.full((20, 20), i / 100.0) for i in range(8)]
    expected = [f(v) for v in values]
    errors = []

    def work(k):
        for _ in range(50):
            try:
                np.testing.assert_allclose(f(values[k]), expected[k])
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_concurrent_updates_are_not_lost():
    s = shared(0)
    f = function([], [], updates=[(s, s + 1)])
    threads = [threading.Thread(target=lambda: [f() for _ in range(200)]) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert s.get_value() == 800


def test_stateful_input_with_update():
    x = T.dscalar("x")
    acc = T.dscalar("acc")
    f = function([x, In(acc, value=0.0, update=acc + x)], acc)
    assert f(2) == 0 and f(3) == 2 and f(1) == 5


def test_eval_uses_a_cached_function():
    x = T.dscalar("x")
    y = x * 2
    assert y.eval({x: 3}) == 6
    assert y.eval({x: 4}) == 8
    assert len(y._fn_cache) == 1
    assert (T.constant(2.0) + 1).eval() == 3.0


def test_nodes_remember_user_source_line():
    x = T.dvector("x")
    y = T.exp(x)  # this line
    fname, lineno, func = y.owner.tag.trace
    assert fname.endswith("test_function.py")
    assert func == "test_nodes_remember_user_source_line"


def test_modes_give_same_results():
    x = T.dmatrix("x")
    y = (T.exp(x) * 2 + 1).sum(axis=0) / x.shape[0]
    v = np.random.default_rng(0).standard_normal((3, 4))
    ref = function([x], y, mode=theano.Mode(optimizer=None))(v)
    for mode in ["FAST_RUN", "FAST_COMPILE"]:
        np.testing.assert_allclose(function([x], y, mode=mode)(v), ref)
    with pytest.raises(ValueError, match="Unknown mode"):
        function([x], y, mode="FAST_WALK")


def test_outputs_do_not_alias_new_shared_values():
    w = shared(np.ones(3))
    x = T.dvector("x")
    new = w * 2 + x
    f = function([x], [new, new.T], updates=[(w, new)])
    out, view = f(np.zeros(3))
    out[0] = 100
    view[1] = 50
    np.testing.assert_array_equal(w.get_value(), [2.0, 2.0, 2.0])
    borrowed = function([x], Out(new, borrow=True), updates=[(w, new)])(np.zeros(3))
    assert np.shares_memory(borrowed, w.get_value(borrow=True))  # allowed when asked for


def test_inplace_op_in_user_graph_needs_accept_inplace():
    from theano.tensor.nnet import sigmoid_inplace
    x = T.dvector("x")
    with pytest.raises(TypeError, match="overwrites one of its inputs.*accept_inplace"):
        theano.function([x], sigmoid_inplace(x))
    f = theano.function([x], sigmoid_inplace(x), accept_inplace=True)
    np.testing.assert_allclose(f(np.zeros(2)), [0.5, 0.5])
    # A shared variable is never given up, even with accept_inplace.
    s = theano.shared(np.zeros(2))
    with pytest.raises(Exception, match="shared variable"):
        theano.function([], sigmoid_inplace(s), accept_inplace=True)
