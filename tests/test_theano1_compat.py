"""Theano 1.0 code runs unchanged (issue 12): each observed incompatibility, reproduced.

Sections follow the issue: language-level behaviour of variables, configuration,
names Theano 1.0 code imports, function state, gradients, scan, printing, wrong
results and crashes, exception types, the extension API and ``Function.copy``.
"""
import io
import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse

import theano
import theano.tensor as T
from theano import In, Out, config
from theano.ifelse import ifelse

RNG = np.random.RandomState(12)


# ---------------------------------------------------------------------------
# Variables: truth value, plural constructors, graph order, iterable shapes
# ---------------------------------------------------------------------------
def test_a_variable_is_true_so_if_not_input_works():
    x = T.dmatrix("x")
    assert bool(x) and bool(x + 1) and bool(T.constant(0.0))
    # DeepLearningTutorials' constructors: ``if not input: input = T.matrix()``
    built = x if not None else None
    assert built is x


@pytest.mark.parametrize("cmp", [lambda a, b: a < b, lambda a, b: a <= b,
                                 lambda a, b: a > b, lambda a, b: a >= b])
def test_the_result_of_a_comparison_has_no_truth_value(cmp):
    a, b = T.dscalars("a", "b")
    with pytest.raises(TypeError, match="comparison"):
        bool(cmp(a, b))
    with pytest.raises(TypeError):
        a < b < a  # noqa: B015  (chained comparisons are rejected, not silently wrong)


def test_plural_constructors_split_a_lone_string_and_count_an_int():
    x, y, z = T.dscalars("xyz")
    assert [v.name for v in (x, y, z)] == ["x", "y", "z"]
    assert all(v.type == T.dscalar for v in (x, y, z))
    p, t = T.matrices("pt")
    assert (p.name, t.name, p.type.dtype) == ("p", "t", config.floatX)
    three = T.dscalars(3)
    assert isinstance(three, list) and len(three) == 3 and all(v.name is None for v in three)
    assert T.ivectors(1)[0].type == T.ivector
    single = T.dscalars("w")
    assert isinstance(single, T.TensorVariable) and single.name == "w"
    a, b = T.fvectors("a", "bb")
    assert (a.name, b.name, b.type) == ("a", "bb", T.fvector)
    u, v = T.tensor3s(["u", "v"])
    assert u.name == "u" and v.type.ndim == 3


def test_graph_inputs_in_theano_order():
    a, b, c, d = T.dscalars("abcd")
    W = theano.shared(np.zeros((2, 2)), name="W")
    bias = theano.shared(np.zeros(2), name="bias")
    x = T.dmatrix("x")
    # Depth first, left input first.
    assert theano.graph.inputs([(a + b) * (c + d)]) == [a, b, c, d]
    assert theano.gof.graph.inputs([T.tanh(T.dot(x, W) + bias).sum()]) == [x, W, bias]
    # Several variables: Theano 1.0 starts from the last one.
    assert theano.graph.inputs([a + b, c * d]) == [c, d, a, b]
    # Constants are ownerless inputs too; blockers with an owner are not returned.
    two = T.constant(2.5)
    assert theano.graph.inputs([a * two]) == [a, two]
    s = a + b
    assert theano.graph.inputs([s * c], blockers=[s]) == [c]


def test_shape_slice_of_known_length_unpacks():
    x = T.tensor4("x")
    h, w = x.shape[2:]
    n, ch, *rest = x.shape
    f = theano.function([x], [h, w, n, ch] + rest)
    assert [int(v) for v in f(np.zeros((2, 3, 4, 5), dtype=x.dtype))] == [4, 5, 2, 3, 4, 5]
    with pytest.raises(TypeError, match="iteration"):
        iter(T.dvector().shape[T.iscalar():])


# ---------------------------------------------------------------------------
# Configuration: every Theano 1.0 flag
# ---------------------------------------------------------------------------
THEANO_1_FLAGS = """
floatX warn_float64 pickle_test_value cast_policy int_division deterministic device
init_gpu_device force_device conv.assert_shape print_global_stats contexts
print_active_device gpuarray.sync gpuarray.preallocate gpuarray.sched gpuarray.single_stream
cuda.root cuda.include_path dnn.conv.workmem dnn.conv.workmem_bwd dnn.conv.algo_bwd
dnn.conv.algo_fwd dnn.conv.algo_bwd_data dnn.conv.algo_bwd_filter dnn.conv.precision
dnn.base_path dnn.include_path dnn.library_path dnn.bin_path dnn.enabled magma.include_path
magma.library_path magma.enabled assert_no_cpu_op mode cxx linker allow_gc optimizer
optimizer_verbose on_opt_error nocleanup on_unused_input tensor.cmp_sloppy
tensor.local_elemwise_fusion gpu.local_elemwise_fusion lib.amdlibm gpuelemwise.sync
traceback.limit traceback.compile_limit experimental.unpickle_gpu_on_cpu numpy.seterr_all
numpy.seterr_divide numpy.seterr_over numpy.seterr_under numpy.seterr_invalid
warn.ignore_bug_before warn.argmax_pushdown_bug warn.gpusum_01_011_0111_bug warn.sum_sum_bug
warn.sum_div_dimshuffle_bug warn.subtensor_merge_bug warn.gpu_set_subtensor1 warn.vm_gc_bug
warn.signal_conv2d_interface warn.reduce_join warn.inc_set_subtensor1 warn.round
warn.inc_subtensor1_opt compute_test_value print_test_value compute_test_value_opt
unpickle_function reoptimize_unpickled_function exception_verbosity openmp
openmp_elemwise_minsize check_input cache_optimizations unittests.rseed
NanGuardMode.nan_is_error NanGuardMode.inf_is_error NanGuardMode.big_is_error
NanGuardMode.action optimizer_excluding optimizer_including optimizer_requiring
DebugMode.patience DebugMode.check_c DebugMode.check_py DebugMode.check_finite
DebugMode.check_strides DebugMode.warn_input_not_reused DebugMode.check_preallocated_output
DebugMode.check_preallocated_output_ndim profiling.time_thunks profiling.n_apply
profiling.n_ops profiling.output_line_width profiling.min_memory_size
profiling.min_peak_memory profiling.destination profiling.debugprint
profiling.ignore_first_call optdb.position_cutoff optdb.max_use_ratio gcc.cxxflags
cmodule.warn_no_version cmodule.remove_gxx_opt cmodule.compilation_warning
cmodule.preload_cache cmodule.age_thresh_use cmodule.debug blas.ldflags blas.check_openmp
metaopt.verbose metaopt.optimizer_excluding metaopt.optimizer_including profile
profile_optimizer profile_memory vm.lazy warn.identify_1pexp_bug on_shape_error
tensor.insert_inplace_optimizer_validate_nb experimental.local_alloc_elemwise
experimental.local_alloc_elemwise_assert scan.allow_gc scan.allow_output_prealloc scan.debug
compile.wait cycle_detection check_stack_trace compile.timeout compiledir_format
base_compiledir compiledir gpuarray.cache_path ctc.root
""".split()


@pytest.mark.parametrize("flag", THEANO_1_FLAGS)
def test_every_theano_1_flag_exists_and_reads(flag):
    config.get_param(flag)
    getattr(config, flag.replace(".", "__"))
    section, _, rest = flag.partition(".")
    if rest:  # the dotted spelling works too
        value = getattr(config, section)
        for part in rest.split("."):
            value = getattr(value, part)


def test_first_line_of_the_rnn_rbm_tutorial_and_flags_without_effect():
    with theano.change_flags({"warn.subtensor_merge_bug": True}):
        theano.config.warn.subtensor_merge_bug = False
        assert theano.config.warn.subtensor_merge_bug is False
    doc = config.get_param("warn.sum_div_dimshuffle_bug").doc
    assert doc.startswith("No effect in this build")
    assert config.get_param("dnn.conv.algo_fwd").doc.startswith("No effect")
    assert config.conv.assert_shape is False and config.traceback.limit == 8
    with pytest.raises(theano.configparser.ConfigError):
        config.dnn.conv.algo_fwd = "not-an-algo"
    with pytest.raises(theano.configparser.ConfigError, match="removed"):
        config.dnn.conv.workmem = "small"
    with pytest.raises(theano.configparser.ConfigError):
        config.experimental.local_alloc_elemwise = False


def test_warn_flags_default_from_ignore_bug_before():
    parser = theano.configparser.TheanoConfigParser("warn.ignore_bug_before=0.5", rc_paths=[])
    assert parser.warn.subtensor_merge_bug is False and parser.warn.round is True
    parser = theano.configparser.TheanoConfigParser("warn.ignore_bug_before=None", rc_paths=[])
    assert parser.warn.argmax_pushdown_bug is True
    parser = theano.configparser.TheanoConfigParser("warn.ignore_bug_before=all", rc_paths=[])
    assert parser.warn.inc_subtensor1_opt is False


def test_floatx_short_forms_and_mode_instances():
    parser = theano.configparser.TheanoConfigParser("floatX=32", rc_paths=[])
    assert parser.floatX == "float32"
    with theano.change_flags(mode=theano.compile.Mode(linker="py", optimizer=None)):
        x = T.dscalar()
        f = theano.function([x], x * 1)
        assert f.maker.mode.optimizer is None
        assert "mul" in str(f.maker.fgraph.outputs[0].owner.op)


def test_warn_float64_warns_or_raises_where_a_float64_tensor_is_made():
    with theano.change_flags(warn_float64="warn"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            T.dmatrix()
            T.fmatrix()
    assert len(caught) == 1 and caught[0].filename == __file__
    with theano.change_flags(warn_float64="raise"):
        with pytest.raises(Exception, match="float64"):
            T.dvector()
        T.fvector()


# ---------------------------------------------------------------------------
# Names Theano 1.0 code imports
# ---------------------------------------------------------------------------
def test_theano_dot_dense_and_sparse():
    x, y = T.dmatrices("x", "y")
    xv, yv = RNG.rand(2, 3), RNG.rand(3, 4)
    np.testing.assert_allclose(theano.function([x, y], theano.dot(x, y))(xv, yv), xv.dot(yv))
    s = theano.sparse.csr_matrix("s", dtype="float64")
    sv = scipy.sparse.csr_matrix(RNG.rand(2, 3) * (RNG.rand(2, 3) > 0.5))
    np.testing.assert_allclose(theano.function([s, y], theano.dot(s, y))(sv, yv),
                               sv.toarray().dot(yv))
    np.testing.assert_allclose(theano.function([x, s], theano.dot(x, s))(xv.T, sv),
                               xv.T.dot(sv.toarray()))


def test_names_imported_by_theano_1_code():
    import theano.tensor.nnet.nnet as nnet_module
    from theano.scan_module.scan_utils import equal_computations
    from theano.tensor.signal import pool

    assert theano.tensor.Variable is theano.Variable
    assert T.Constant is theano.Constant and T.Apply is theano.Apply
    x = T.dvector("x")
    assert T.square is T.sqr and theano.function([x], T.square(x))([3.0]).tolist() == [9.0]
    assert nnet_module.softsign is T.nnet.softsign
    assert theano.gof.graph is theano.graph.basic and theano.scan_module.scan is not None
    assert equal_computations([x + 1], [x + 1]) and not equal_computations([x + 1], [x + 2])
    assert T.fft.rfft is not None and T.signal.pool is pool
    assert theano.Rop is theano.gradient.Rop and theano.Lop is theano.gradient.Lop


def test_a_rewrite_registered_through_theano_tensor_opt_runs_in_fast_run():
    # the way Theano 1.0 extension code registers its rewrites
    from theano.tensor.opt import register_canonicalize, register_specialize_device

    class Twice(theano.Op):
        __props__ = ()
        itypes, otypes = [T.dvector], [T.dvector]

        def perform(self, node, inputs, out):
            out[0][0] = inputs[0] * 2

    twice = Twice()
    seen = []

    @register_canonicalize
    @theano.gof.local_optimizer([Twice])
    def local_twice_twice(node):
        inner = node.inputs[0].owner
        if isinstance(node.op, Twice) and inner is not None and isinstance(inner.op, Twice):
            seen.append(node)
            return [inner.inputs[0] * 4]
        return False

    assert T.opt.register_canonicalize is register_canonicalize
    assert register_specialize_device is T.opt.register_specialize
    from theano.tensor.shape import MakeVector
    assert T.opt.MakeVector is MakeVector and T.opt.ShapeFeature is not None
    x = T.dvector("x")
    f = theano.function([x], twice(twice(x)))
    assert f([1.0, 2.0]).tolist() == [4.0, 8.0]
    assert seen and not any(isinstance(n.op, Twice) for n in f.maker.fgraph.toposort())


def test_is_same_graph_with_givens():
    from theano.gof.graph import is_same_graph
    x, y, z = T.dscalars("xyz")
    assert is_same_graph(x + 1, x + 1)
    assert not is_same_graph(x + 1, y + 1)
    assert is_same_graph(x + 1, y + 1, givens={x: y})
    assert is_same_graph(x * (y * z), x * (y * z))
    assert not is_same_graph(x * (y * z), (x * y) * z)


def test_monitor_mode_prints_each_node_as_the_debug_faq_shows():
    lines = []

    def inspect_inputs(i, node, fn):
        lines.append("%d %s input(s) value(s): %s" % (i, node, [v[0].tolist() for v in fn.inputs]))

    def inspect_outputs(i, node, fn):
        lines[-1] += " output(s) value(s): %s" % [v[0].tolist() for v in fn.outputs]

    x = T.dscalar("x")
    f = theano.function([x], [5 * x], mode=theano.compile.MonitorMode(
        pre_func=inspect_inputs, post_func=inspect_outputs))
    f(3)
    assert lines == ["0 Elemwise{mul,no_inplace}(TensorConstant{5.0}, x) input(s) value(s): "
                     "[5.0, 3.0] output(s) value(s): [15.0]"]


def test_debugmode_keywords_and_nanguardmode_assertion():
    mode = theano.compile.DebugMode(check_c_code=False, check_py_code=True, check_isfinite=True,
                                    require_matching_strides=0, check_preallocated_output=[])
    x = T.dvector("x")
    assert theano.function([x], x * 2, mode=mode)([1.0]).tolist() == [2.0]
    nan_mode = theano.compile.NanGuardMode(nan_is_error=True, inf_is_error=True,
                                           big_is_error=True)
    f = theano.function([x], T.log(x), mode=nan_mode)
    with pytest.raises(AssertionError):
        f([-1.0])


# ---------------------------------------------------------------------------
# Function state by name
# ---------------------------------------------------------------------------
def test_state_of_an_input_with_an_update_by_name_variable_and_index():
    x, s = T.dscalars("x", "s")
    f = theano.function([x, In(s, value=0.0, update=s + x)], s + x)
    assert f(2.0) == 2.0 and f["s"] == 2.0
    f["s"] = 10.0
    assert f.value["s"] == 10.0 and f.value[s] == 10.0 and f.value[1] == 10.0
    assert f.container["s"].value == 10.0 and "s" in f.container and "nope" not in f.value
    f.value[s] = 1.0
    assert f(1.0) == 2.0 and f["s"] == 2.0
    f.container[s].value = 5.0
    assert f["s"] == 5.0
    with pytest.raises(TypeError, match="Unknown input"):
        f["nope"]


def test_old_style_tuple_inputs():
    x, w = T.dscalars("x", "w")
    acc = theano.function([x, ((w, w + x), 0.0)], w)
    assert [float(acc(v)) for v in (1.0, 2.0, 3.0)] == [0.0, 1.0, 3.0]
    assert acc["w"] == 6.0
    named = theano.function([x, ("scale", w, 2.0)], x * w)
    assert named(3.0) == 6.0 and named(3.0, scale=1.0) == 3.0
    with pytest.raises(TypeError, match="Invalid input"):
        theano.function([x, (w, 1.0, 2.0)], x * w)


# ---------------------------------------------------------------------------
# Gradients and scan
# ---------------------------------------------------------------------------
def test_documented_rop_example_compiles_with_W_as_an_input():
    W, V = T.dmatrices("W", "V")
    x = T.dvector("x")
    JV = T.Rop(T.dot(x, W), W, V)
    f = theano.function([W, V, x], JV)
    assert f([[1, 1], [1, 1]], [[2, 2], [2, 2]], [0, 1]).tolist() == [2.0, 2.0]


def test_rop_of_the_gradient_of_dot():
    x, v = T.dvectors("x", "v")
    r = T.Rop(T.grad(T.dot(x, v).sum(), v), v, v)
    f = theano.function([x, v], r, on_unused_input="ignore")
    assert f([1.0, 2.0], [3.0, 4.0]).tolist() == [0.0, 0.0]
    # and a non-trivial one through the same driver: Rop(2 x v, v, e) = 2 x e
    g = T.grad((x * v ** 2).sum(), v)
    e = T.dvector("e")
    h = theano.function([x, v, e], T.Rop(g, v, e))
    np.testing.assert_allclose(h([1.0, 2.0], [3.0, 4.0], [1.0, 0.5]), [2.0, 2.0])


def test_scan_strict_accepts_free_variables_and_rejects_unlisted_shared():
    x = T.dvector("x")
    a = T.dscalar("a")
    out, _ = theano.scan(lambda xi: xi * a, sequences=x, strict=True)
    assert theano.function([x, a], out)([1.0, 2.0], 3.0).tolist() == [3.0, 6.0]
    s = theano.shared(2.0, name="s_strict")
    with pytest.raises(ValueError, match="s_strict"):
        theano.scan(lambda xi: xi * s, sequences=x, strict=True)
    out, _ = theano.scan(lambda xi, w: xi * w, sequences=x, non_sequences=s, strict=True)
    assert theano.function([x], out)([1.0, 2.0]).tolist() == [2.0, 4.0]


def test_scan_accepts_an_empty_updates_tuple():
    v = T.dvector("v")
    out, upd = theano.scan(lambda a: ([a * 2], ()), sequences=v)
    assert not upd
    assert theano.function([v], out)([1.0, 2.0]).tolist() == [2.0, 4.0]


def test_random_sample_given_to_scan_as_non_sequence_is_drawn_once():
    from theano.tensor.shared_randomstreams import RandomStreams
    y = RandomStreams(seed=234).uniform((2,))
    z, _ = theano.scan(lambda yy: yy * 1.0, non_sequences=y, n_steps=3)
    yv, zv = theano.function([], [y, z])()
    np.testing.assert_array_equal(zv, np.stack([yv] * 3))


# ---------------------------------------------------------------------------
# Printing as Theano 1.0 printed
# ---------------------------------------------------------------------------
def _dprint(obj):
    return [line.rstrip() for line in
            theano.printing.debugprint(obj, file="str").splitlines()]


def test_debugprint_names_of_user_graphs():
    x = T.dvector("x")
    y = 1 / (1 + T.exp(-x)) > 0.5
    assert _dprint(y) == [
        "Elemwise{gt,no_inplace} [id A] ''",
        " |Elemwise{true_div,no_inplace} [id B] ''",
        " | |InplaceDimShuffle{x} [id C] ''",
        " | | |TensorConstant{1} [id D]",
        " | |Elemwise{add,no_inplace} [id E] ''",
        " |   |InplaceDimShuffle{x} [id F] ''",
        " |   | |TensorConstant{1} [id D]",  # (small constants are shared, as in Theano)
        " |   |Elemwise{exp,no_inplace} [id G] ''",
        " |     |Elemwise{neg,no_inplace} [id H] ''",
        " |       |x [id I]",
        " |InplaceDimShuffle{x} [id J] ''",
        "   |TensorConstant{0.5} [id K]"]
    assert str(T.make_vector([T.lscalar(), 2]).owner.op) == "MakeVector{dtype='int64'}"


def test_gradient_graphs_print_unnamed_elemwise_ops():
    x = T.scalar("x", dtype="float32")
    gy = T.grad(x ** 2, x)
    # The tutorial's pp output, character for character.
    assert theano.pp(gy) == ("((fill((x ** TensorConstant{2}), TensorConstant{1.0}) * "
                             "TensorConstant{2}) * (x ** (TensorConstant{2} - "
                             "TensorConstant{1})))")
    lines = _dprint(gy)
    assert lines[:2] == ["Elemwise{mul} [id A] ''", " |Elemwise{mul} [id B] ''"]
    assert " | | |Elemwise{pow,no_inplace} [id D] ''" in lines  # the user's own x ** 2
    assert " | |Elemwise{second,no_inplace} [id C] ''" in lines  # T.grad's fill(cost, 1.0)
    assert " |Elemwise{pow} [id H] ''" in lines
    f = theano.function([x], gy)
    assert theano.pp(f.maker.fgraph.outputs[0]) == "(TensorConstant{2.0} * x)"


def test_compiled_graphs_deep_copy_outputs_that_are_inputs_or_constants():
    x = T.dvector("x")
    assert _dprint(theano.function([x], x)) == ["DeepCopyOp [id A] ''   0", " |x [id B]"]
    c = theano.function([], T.constant(np.ones(2)))
    assert _dprint(c) == ["DeepCopyOp [id A] ''   0", " |TensorConstant{(2,) of 1.0} [id B]"]
    a = np.arange(3.0)
    out = theano.function([x], x)(a)
    assert not np.shares_memory(out, a)
    o1, o2 = theano.function([x], [x + 1, x + 1])(a)
    assert not np.shares_memory(o1, o2)


def test_fused_composites_use_theano_scalar_names():
    x = T.dvector("x")
    f = theano.function([x], T.nnet.sigmoid(-x) > 0.5)
    text = "\n".join(_dprint(f))
    assert "Composite{GT(scalar_sigmoid((-i0)), 0.5)}" in text
    assert str(T.true_div.scalar_op) == "true_div" and str(T.lt.scalar_op) == "LT"


# ---------------------------------------------------------------------------
# Wrong results and crashes
# ---------------------------------------------------------------------------
def test_low_precision_reductions_accumulate_in_a_wider_type():
    h = T.vector(dtype="float16")
    assert float(theano.function([h], h.mean())(np.ones(100000, dtype="float16"))) == 1.0
    s = theano.shared(np.array([1e8, 1, -1e8], dtype="float32"))
    mean, total = theano.function([], [s.mean(), s.sum()])()
    assert mean.dtype == "float32" and total.dtype == "float32"
    np.testing.assert_allclose([mean, total], [1 / 3.0, 1.0], rtol=1e-6)
    p = theano.shared(np.full(40, 1.5, dtype="float16"))
    assert np.isfinite(theano.function([], p.prod(dtype="float32"))())


def test_borrowed_output_of_an_unborrowed_input_does_not_alias_it():
    a = T.dmatrix("a")
    f = theano.function([In(a, borrow=False)], Out(a[0, :], borrow=True))
    A = np.ones((2, 3))
    assert not np.shares_memory(f(A), A)
    g = theano.function([In(a, borrow=True)], Out(a[0, :], borrow=True))
    assert np.shares_memory(g(A), A)  # both sides borrowed: the view is returned


def test_transpose_does_not_rename_a_vector():
    v = T.vector("x1")
    for _ in range(3):
        T.transpose(v)
    assert v.name == "x1"
    m = T.matrix("m")
    assert T.transpose(m).name == "m.T"


def test_reductions_with_ndarray_axis_and_empty_axes():
    m = T.dmatrix()
    assert theano.function([m], m.max(np.array(1)))(np.ones((2, 3))).tolist() == [1.0, 1.0]
    assert theano.function([m], m.sum(axis=np.array([0])))(np.ones((2, 3))).tolist() == [2.0] * 3
    mx, am = theano.function([m], T.max_and_argmax(m, axis=1))(np.zeros((0, 4)))
    assert mx.shape == (0,) and am.shape == (0,)


def test_size_and_givens_and_eye():
    s = T.dscalar("s")
    assert theano.function([s], s.size)(2.0) == 1
    w = T.dmatrix("w")
    xf = T.fmatrix("xf")
    f = theano.function([w], xf * 2, givens=[(xf, w)], rebuild_strict=False)
    out = f(np.ones((2, 2)))
    assert out.dtype == "float64" and out.tolist() == [[2.0, 2.0], [2.0, 2.0]]
    with pytest.raises(TypeError):
        theano.function([w], xf * 2, givens=[(xf, w)])
    N, k = T.iscalars("N", "k")
    np.testing.assert_array_equal(theano.function([N, k], T.eye(N, None, k))(3, 1),
                                  np.eye(3, 3, 1))


def test_constant_helpers_and_broadcast_patterns():
    m = T.dmatrix("m")
    assert T.get_scalar_constant_value(T.second(m, T.constant(3.0))) == 3.0
    assert T.patternbroadcast(m, ()) is m
    from theano.sandbox.rng_mrg import MRG_RandomStreams
    counts = MRG_RandomStreams(1).multinomial(pvals=np.ones((10, 1)))
    assert counts.broadcastable == (False, True)


def test_random_streams_choice_with_p_zero_means_no_p():
    from theano.tensor.shared_randomstreams import RandomStreams
    draw = theano.function([], RandomStreams(1).choice((2, 3), 10, True, 0))()
    assert draw.shape == (2, 3) and draw.min() >= 0 and draw.max() < 10


# ---------------------------------------------------------------------------
# Exception types of Theano 1.0
# ---------------------------------------------------------------------------
M, V, Z = T.dmatrix("M"), T.dvector("V"), T.zmatrix("Z")
EXCEPTIONS = [
    ("swapaxes axis out of range", IndexError, lambda: T.swapaxes(M, 0, 2)),
    ("swapaxes negative axis out of range", IndexError, lambda: T.swapaxes(M, 0, -3)),
    ("clip of complex", TypeError, lambda: T.clip(Z, 0, 1)),
    ("tensordot negative axes", ValueError, lambda: T.tensordot(M, M, -1)),
    ("tensordot axis beyond ndim", ValueError, lambda: T.tensordot(M, M, [[2], [0]])),
    ("tensordot malformed axes", ValueError, lambda: _raises_with(
        "list/tuple of len 2", T.tensordot, M, M, [[0]])),
    ("dimshuffle non-int", TypeError, lambda: M.dimshuffle(0.5, 1)),
    ("jacobian of a matrix", AssertionError, lambda: theano.gradient.jacobian(M, V)),
    ("hessian of a vector", AssertionError, lambda: theano.gradient.hessian(V, V)),
    ("hessian wrt a matrix", AssertionError, lambda: theano.gradient.hessian(M.sum(), M)),
    ("specify_shape length", AssertionError, lambda: T.specify_shape(M, (2,))),
    ("% of complex", NotImplementedError, lambda: Z % Z),
    ("// of complex", NotImplementedError, lambda: Z // Z),
    ("sgn of complex", TypeError, lambda: T.sgn(Z)),
    ("sgn of bool", TypeError, lambda: T.sgn(T.matrix(dtype="bool"))),
    ("neg of bool", TypeError, lambda: -T.matrix(dtype="bool")),
    ("bool - bool", TypeError, lambda: T.matrix(dtype="bool") - T.matrix(dtype="bool")),
    ("arange with step 0", ZeroDivisionError, lambda: _arange_with_step(0)),
]


def _raises_with(text, fn, *args):
    try:
        fn(*args)
    except Exception as exc:
        assert text in str(exc)
        raise


def _arange_with_step(step):
    k = T.lscalar("k")
    return theano.function([k], T.arange(0, 5, k))(step)


@pytest.mark.parametrize("name,exc,fn", EXCEPTIONS, ids=[e[0] for e in EXCEPTIONS])
def test_exception_types_of_theano_1(name, exc, fn):
    with pytest.raises(exc):
        fn()


def test_batched_dot_of_vectors_scales_slices():
    a, b = T.dvector("a"), T.dmatrix("b")
    av, bv = RNG.rand(3), RNG.rand(3, 4)
    np.testing.assert_allclose(theano.function([a, b], T.batched_dot(a, b))(av, bv),
                               av[:, None] * bv)
    np.testing.assert_allclose(theano.function([a], T.batched_dot(a, a))(av), av * av)
    with pytest.raises(TypeError):
        T.batched_dot(T.dscalar(), b)


# ---------------------------------------------------------------------------
# The extension API
# ---------------------------------------------------------------------------
def test_tensor_functions_are_elemwise_op_instances():
    x, y = T.dvectors("x", "y")
    z = T.add(x, y)
    assert isinstance(T.add, T.Elemwise) and z.owner.op == T.add
    assert T.add.scalar_op == theano.scalar.basic.add and T.exp(x).owner.op == T.exp
    assert (x * y).owner.op == T.mul and T.mul == T.Elemwise(theano.scalar.basic.mul)
    assert str(T.add) == "Elemwise{add,no_inplace}"
    assert theano.pp(T.exp(x) + T.square(y)) == "(exp(x) + sqr(y))"
    assert theano.tensor.math.elemwise_functions["exp"] is T.exp
    assert theano.function([x, y], T.add(x, y))([1.0], [2.0]).tolist() == [3.0]


def test_compat_and_misc_modules():
    from theano.compat import OrderedDict, PY3, decode, imap, integer_types, izip
    from theano.misc.may_share_memory import may_share_memory
    assert PY3 and list(izip([1], [2])) == [(1, 2)] and list(imap(abs, [-1])) == [1]
    assert isinstance(3, integer_types) and decode(b"ab") == "ab" and OrderedDict
    a = np.zeros(4)
    assert may_share_memory(a, a[1:]) and not may_share_memory(a, np.zeros(4))
    s = scipy.sparse.csr_matrix(np.eye(3))
    assert may_share_memory(s, s.data) and not may_share_memory(s, a)
    with pytest.raises(TypeError):
        may_share_memory(a, [1, 2])
    assert may_share_memory(a, [1, 2], raise_other_type=False) is False
    assert theano.misc.safe_asarray._asarray([1, 2], dtype="floatX").dtype == config.floatX


def test_pkl_utils_dump_load_and_strip_pickler():
    from theano.misc.pkl_utils import StripPickler, dump, load
    foo_1 = theano.shared(np.arange(3.0), name="foo")
    foo_2 = theano.shared(np.array(1), name="foo")
    buf = io.BytesIO()
    dump((foo_1, foo_2, np.array(2)), buf)
    arrays = np.load(io.BytesIO(buf.getvalue()))
    assert sorted(arrays.files) == ["array_0", "foo", "foo_2", "pkl"]
    assert arrays["foo"].tolist() == [0.0, 1.0, 2.0]
    a, b, c = load(io.BytesIO(buf.getvalue()))
    assert a.get_value().tolist() == [0.0, 1.0, 2.0] and b.get_value() == 1 and c == 2
    x = T.dvector("x")
    x.tag.test_value = np.ones(2)
    y = x * 2
    out = io.BytesIO()
    StripPickler(out, protocol=-1).dump(y)
    y2 = pickle.loads(out.getvalue())
    assert not hasattr(y2.owner.tag, "trace") and not hasattr(y2.owner.inputs[0].tag,
                                                              "test_value")
    assert hasattr(x.tag, "test_value") and y.owner.tag.trace  # the originals are kept


def test_compile_names():
    from theano.compile.pfunc import pfunc
    x = T.dscalar("x")
    assert pfunc([x], x * 2)(3.0) == 6.0 and theano.compile.pfunc([x], x + 1)(1.0) == 2.0
    assert isinstance(theano.compile.deep_copy_op, theano.compile.DeepCopyOp)
    assert isinstance(theano.compile.get_default_mode(), theano.compile.Mode)
    y = T.dscalar("y")
    with pytest.raises(theano.gof.MissingInputError):
        theano.function([x], x + y)
    assert theano.gof.null_type.NullType is theano.graph.null_type.NullType


def test_check_stack_trace():
    from theano.gof.opt import check_stack_trace
    x = T.dmatrix("x")
    f = theano.function([x], T.exp(x) * 2 + T.dot(x, x))
    assert check_stack_trace(f) and check_stack_trace(f, ops_to_check="all")
    assert check_stack_trace(f.maker.fgraph, ops_to_check=T.Elemwise)
    with pytest.raises(ValueError):
        check_stack_trace(f, ops_to_check=T.nnet.Softmax)


def test_dtype_lists_and_old_type_names():
    assert T.integer_dtypes == ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                                "uint64"]
    assert "float16" in T.float_dtypes and T.complex_dtypes == ["complex64", "complex128"]
    assert "bool" in T.discrete_dtypes and set(T.all_dtypes) >= set(T.continuous_dtypes)
    assert T.Tensor is T.TensorType and T.iscalar in T.int_types
    assert T.dvector in T.float_vector_types


def test_ifelse_is_made_in_place_in_fast_run():
    a, b = T.dscalars("a", "b")
    x, y = T.dmatrices("x", "y")
    v = ifelse(T.lt(a, b), x, y * 2)
    f = theano.function([a, b, x, y], [v + 1, (v * 3).sum()])
    assert any(str(n.op) == "if{inplace}" for n in f.maker.fgraph.apply_nodes)
    X, Y = np.ones((2, 2)), np.zeros((2, 2))
    o1, o2 = f(1, 2, X, Y)
    assert o1.tolist() == [[2.0, 2.0]] * 2 and o2 == 12.0 and X.tolist() == [[1.0, 1.0]] * 2
    g = theano.function([a, b, x, y], v)
    assert not np.shares_memory(g(1, 2, X, Y), X)  # a returned value is still a copy
    fc = theano.function([a, b, x, y], v, mode="FAST_COMPILE")
    assert all(str(n.op) == "if{}" for n in fc.maker.fgraph.apply_nodes
               if "if" in str(n.op))


# ---------------------------------------------------------------------------
# Function.copy
# ---------------------------------------------------------------------------
def test_copy_returns_a_list_even_for_one_output():
    state = theano.shared(0)
    inc = T.iscalar("inc")
    accumulator = theano.function([inc], state, updates=[(state, state + inc)])
    new_state = theano.shared(0)
    new_accumulator = accumulator.copy(swap={state: new_state})
    out = new_accumulator(100)
    assert isinstance(out, list) and out == [0] and new_state.get_value() == 100
    assert isinstance(accumulator(1), np.ndarray)  # the original keeps its bare value
