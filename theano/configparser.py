"""Theano configuration flags (bottom layer: imports no other theano module).

Sources, lowest to highest priority: the defaults registered below; INI files
(``$THEANORC``, several paths joined by ``os.pathsep``, else ``~/.theanorc``
and ``~/.theanorc.txt``; ``[global]`` holds top-level flags, ``[gcc]`` holds
``gcc.cxxflags`` ...); the ``THEANO_FLAGS`` environment variable
(``floatX=float32,gcc.cxxflags=-O3``); run-time assignment and
:func:`change_flags`.  Dotted flags (``gcc.cxxflags``) are stored under flat
keys (``gcc__cxxflags``); both spellings are accepted everywhere.
"""
import configparser as _iniparser
import difflib
import functools
import hashlib
import os
import platform
import re
import shutil
import sys

__all__ = ["ConfigError", "ConfigParam", "EnumStr", "BoolParam", "IntParam",
           "FloatParam", "StrParam", "DeviceParam", "TheanoConfigParser",
           "AddConfigVar", "change_flags", "config", "parse_flags_string"]


class ConfigError(ValueError, AttributeError):
    """Unknown flag or invalid flag value.

    It derives from AttributeError too, so ``hasattr(config, "x")`` and
    ``getattr(config, "x", default)`` behave as for normal objects.
    """


# ---------------------------------------------------------------- flag types
class ConfigParam:
    """Type, default and metadata of one flag.

    Parameters
    ----------
    default : object or callable
        Default value.  A callable is called with the config instance each
        time the unset flag is read, so derived defaults (``compiledir``
        follows ``base_compiledir``) stay consistent.
    convert : callable, optional
        Maps a raw value (often a string from the environment) to the stored
        value; raises ValueError or TypeError when the value is invalid.
    allowed : str
        Human description of the valid values, used in error messages.
    mutable : bool
        When False the flag can only be set from the environment or files.
    """

    def __init__(self, default, convert=None, allowed="any value", mutable=True):
        self.default = default
        self._convert = convert
        self.allowed = allowed
        self.mutable = mutable
        # Filled in when the flag is registered.
        self.name, self.doc, self.in_c_key = None, "", False

    def convert(self, value):
        """Return the canonical form of `value`; raise ValueError if invalid."""
        return value if self._convert is None else self._convert(value)


class EnumStr(ConfigParam):
    """A string among a fixed set; the first option is the default."""

    def __init__(self, default, *others, mutable=True):
        self.options = (default,) + others
        super().__init__(default, allowed=", ".join(map(repr, self.options)),
                         mutable=mutable)

    def convert(self, value):
        if value is None and "None" in self.options:
            value = "None"          # let optimizer=None mean the 'None' option
        if isinstance(value, str) and value in self.options:
            return value
        raise ValueError("not one of the allowed values")


def _to_bool(value):
    if isinstance(value, str):
        value = {"1": True, "true": True, "yes": True, "on": True, "0": False,
                 "false": False, "no": False, "off": False, "": False
                 }.get(value.strip().lower(), value)
    if isinstance(value, (bool, int)) and value in (0, 1):
        return bool(value)
    raise ValueError("not a boolean")


def BoolParam(default, mutable=True):
    """Boolean flag; strings like 'True', '0', 'yes', 'off' are accepted."""
    return ConfigParam(default, _to_bool, "True or False (also 1/0, yes/no, on/off)",
                       mutable)


def _number(kind, check=None):
    def convert(value):
        if isinstance(value, bool):    # bool is an int subclass: reject it
            raise ValueError("booleans are not numbers")
        out = kind(value.strip() if isinstance(value, str) else value)
        if kind is int and not isinstance(value, str) and out != value:
            raise ValueError("not an integer")
        if check is not None and not check(out):
            raise ValueError("rejected by the flag's check")
        return out
    return convert


def IntParam(default, check=None, mutable=True):
    """Integer flag, optionally restricted by the predicate `check`."""
    return ConfigParam(default, _number(int, check), "an integer", mutable)


def FloatParam(default, check=None, mutable=True):
    """Float flag, optionally restricted by the predicate `check`."""
    return ConfigParam(default, _number(float, check), "a number", mutable)


def StrParam(default, check=None, mutable=True):
    """String flag (path-like objects are converted to str)."""
    def convert(value):
        value = os.fspath(value)
        if not isinstance(value, str) or (check is not None and not check(value)):
            raise ValueError("invalid string")
        return value
    return ConfigParam(default, convert, "a string", mutable)


def _path_param(default):
    # Theano expanded '~' in directory flags; absolute paths keep the compile
    # cache stable when the working directory changes.
    return ConfigParam(default, lambda v: os.path.abspath(os.path.expanduser(
        os.fspath(v))), "a directory path")


def DeviceParam(default="cpu", mutable=False):
    """Computation device: 'cpu', or 'cuda'/'gpu' (the JAX mode on JAX's GPUs)."""
    def convert(value):
        if value == "cpu":
            return value
        if isinstance(value, str) and value.startswith(("cuda", "gpu")):
            return value
        if isinstance(value, str) and value.startswith("opencl"):
            raise ValueError("this Theano build has no OpenCL backend (the old gpuarray "
                             "back-end was removed); use device=cpu, or device=cuda for "
                             "the JAX mode on GPUs")
        raise ValueError("unknown device")
    return ConfigParam(default, convert, "'cpu', 'cuda' or 'gpu'", mutable)


def _optional_bool(value):
    return None if value in (None, "None") else _to_bool(value)


class _FloatXParam(EnumStr):
    """``floatX``; Theano 1.0 also accepted the short forms '16', '32' and '64'."""

    def __init__(self):
        super().__init__("float64", "float32", "float16")

    def convert(self, value):
        if value in ("16", "32", "64"):
            value = "float" + value
        return super().convert(value)


class _ModeParam(EnumStr):
    """``mode``: a mode name, or (as in Theano 1.0) a Mode instance.

    The config layer cannot import ``theano.compile``, so a mode object is
    recognised by its ``linker`` and ``optimizer`` attributes.
    """

    def convert(self, value):
        if not isinstance(value, str) and hasattr(value, "linker") and hasattr(
                value, "optimizer"):
            return value
        return super().convert(value)


def _unset_or_raise(replacement):
    """A removed Theano flag that may only be left empty (Theano raised when it was set)."""
    def convert(value):
        if value:
            raise ValueError("this flag was removed from Theano; use %s instead" % replacement)
        return value
    return ConfigParam("", convert, "'' (removed flag)")


def _only_true(value):
    if not _to_bool(value):
        raise ValueError("this deprecated flag must stay True")
    return True


def _gpu_name(value):
    if value == "" or (isinstance(value, str) and value.startswith(("cuda", "opencl"))):
        return value
    raise ValueError("expected '', cuda* or opencl*")


def _no_effect(doc):
    # Flags of Theano 1.0 that concern back-ends or bugs this build does not
    # have: accepted (old scripts and .theanorc files keep working), checked
    # like Theano checked them, and documented as having no effect.
    return "No effect in this build (%s)" % doc


def _warn_default(version):
    """Default of a ``warn.*`` flag: warn about bugs fixed after ``warn.ignore_bug_before``."""
    def default(cfg):
        before = cfg.warn__ignore_bug_before
        if before in ("None", "all"):
            return before == "None"

        def key(v):
            return tuple(int(p) for p in v.split(".") if p.isdigit())
        return key(before) < key(version)
    return default


# ------------------------------------------------------------ default values
@functools.lru_cache(maxsize=None)
def _find_cxx():
    # Cached because which() walks $PATH and cmodule reads config.cxx often.
    return shutil.which("g++") or shutil.which("gcc") or ""


def _compiledir_tag():
    # One cache per platform/Python so incompatible binaries never mix.
    tag = "compiledir_%s-%s-%s-%d" % (
        platform.platform(), platform.processor() or platform.machine(),
        platform.python_version(), 64 if sys.maxsize > 2 ** 32 else 32)
    return re.sub(r"[^\w.+-]", "_", tag)


_DEFAULT_PARAMS = {}    # flat name -> ConfigParam, in registration order


def _register(registry, name, doc, param, in_c_key):
    name = name.replace(".", "__")
    if name in registry:
        raise ConfigError("Theano flag %r is already registered" % _dotted(name))
    param.name, param.doc, param.in_c_key = name, doc, in_c_key
    registry[name] = param
    return param


def _flag(name, param, doc, in_c_key=False):
    _register(_DEFAULT_PARAMS, name, doc, param, in_c_key)


# Short aliases keep the table below to one line per flag.
_B, _E, _I, _S = BoolParam, EnumStr, IntParam, StrParam
_CHECK = ("off", "ignore", "warn", "raise", "pdb")
_SETERR = ("ignore", "warn", "raise", "call", "print", "log")
_flag("device", DeviceParam(), "Device for computations: 'cpu', or 'cuda'/'gpu' (compiles "
      "functions in the JAX mode on JAX's GPU devices; a warning and the CPU without one)")
_flag("floatX", _FloatXParam(), "Default floating-point precision for Python casts", True)
_flag("warn_float64", _E("ignore", "warn", "raise", "pdb"),
      "What to do when a float64 variable is created")
_flag("cast_policy", _E("custom", "numpy+floatX"), "Implicit casting rules", True)
_flag("int_division", _E("int", "raise", "floatX"), "Meaning of int / int", True)
_flag("deterministic", _E("default", "more"),
      "'more' avoids non-deterministic implementations", True)
_flag("mode", _ModeParam("FAST_RUN", "FAST_COMPILE", "JAX", "DebugMode", "DEBUG_MODE",
                        "NanGuardMode", "Mode", "ProfileMode", "PROFILE_MODE"),
      "Default compilation mode (a name, or a Mode instance as in Theano 1.0)")
_flag("optimizer", _E("fast_run", "merge", "fast_compile", "None", "o1", "o2",
                      "o3", "o4", "unsafe"), "Default optimizer of Mode")
_flag("optimizer_including", _S(""), "Optimizer tags to include ('a:b')")
_flag("optimizer_excluding", _S(""), "Optimizer tags to exclude ('a:b')")
_flag("optimizer_requiring", _S(""), "Optimizer tags to require ('a:b')")
_flag("optimizer_verbose", _B(False), "Print each optimization applied")
_flag("on_opt_error", _E("warn", "raise", "pdb", "ignore"),
      "What to do when an optimization crashes")
_flag("linker", _E("auto", "py", "c", "cvm", "vm", "c|py", "c|py_nogc",
                   "cvm_nogc", "vm_nogc", "jax"), "Default linker of Mode")
_flag("allow_gc", _B(True), "Free intermediate results during a call")
_flag("vm__lazy", ConfigParam(None, _optional_bool, "None, True or False"),
      "Lazy evaluation in the VM (None: the linker decides)")
_flag("compute_test_value", _E(*_CHECK), "Compute test values of new nodes")
_flag("compute_test_value_opt", _E(*_CHECK), "compute_test_value in optimizers")
_flag("print_test_value", _B(False), "Print test values in error messages")
_flag("check_input", _B(True), "Generated C code validates its inputs", True)
_flag("on_unused_input", _E("raise", "warn", "ignore"), "Unused function input")
_flag("on_shape_error", _E("warn", "raise"), "When shape inference fails")
_flag("exception_verbosity", _E("low", "high"), "Detail of error messages")
_flag("traceback__limit", _I(8), "Stack depth kept on each graph node")
_flag("traceback__compile_limit", _I(0), "Stack depth kept at compile time")
_flag("assert_no_cpu_op", _E("ignore", "warn", "raise", "pdb"),
      "What to do when a CPU op is in a GPU graph")
_flag("cxx", ConfigParam(lambda cfg: _find_cxx(), _S("").convert, "a path"),
      "C++ compiler; empty means Python implementations only")
_flag("gcc__cxxflags", _S(""), "Extra flags for the C++ compiler", True)
_flag("blas__ldflags", _S(""), "BLAS link flags; empty uses NumPy", True)
_flag("openmp", _B(True), "Use threads (OpenMP) in C loops over at least "
      "openmp_elemwise_minsize elements; as many as OMP_NUM_THREADS allows (all cores by "
      "default), or openmp_threads", True)
_flag("openmp_threads", _I(0, lambda i: i >= 0),
      "Threads of the C loops (0: OMP_NUM_THREADS, else every core)")
_flag("openmp_elemwise_minsize", _I(200000, lambda i: i > 0),
      "Minimum size for OpenMP elemwise loops", True)
_flag("cmodule__buffer_pool_mb", _I(256, lambda i: i >= 0),
      "Megabytes of freed large array buffers (64 KiB and more) that compiled functions keep "
      "for their next calls, so a training step does not map fresh memory (page faults) "
      "every call; 0 turns the pool off")
_flag("tensor__cmp_sloppy", _I(0, lambda i: i in (0, 1, 2)),
      "Relax allclose checks: 0, 1 or 2", True)
_flag("tensor__local_elemwise_fusion", _B(True), "Fuse elemwise ops")
_flag("tensor__fast_math", _B(False),
      "Allow rewrites that assume finite float values (x - x -> 0, x / x -> 1, 0 * x -> 0); "
      "they change results where x is NaN or inf")
_flag("base_compiledir", _path_param(lambda cfg: os.path.join(
    os.path.expanduser("~"), ".theano")), "Parent directory of compiledir")
_flag("compiledir", _path_param(lambda cfg: os.path.join(
    cfg.base_compiledir, _compiledir_tag())), "Cache of compiled C modules")
_flag("nocleanup", _B(False), "Keep the files of failed compilations")
_flag("cmodule__warn_no_version", _B(False), "Warn on unversioned C code")
_flag("cmodule__remove_gxx_opt", _B(False), "Compile C code without -O3")
_flag("cmodule__compilation_warning", _B(False), "Print compiler warnings")
_flag("cmodule__age_thresh_use", _I(60 * 60 * 24 * 24),
      "Seconds after which unused compiled modules are deleted; 0: never")
_flag("cmodule__max_size_mb", _I(1000, lambda i: i >= 0),
      "Size (MB) of the compiled-module cache above which the least recently used "
      "modules are deleted; 0: no limit")
_flag("compile__wait", _I(5, lambda i: i > 0), "Seconds between lock tries")
_flag("compile__timeout", _I(120, lambda i: i >= 0), "Stale lock timeout (s)")
_flag("profile", _B(False), "Profile compiled functions")
_flag("profile_memory", _B(False), "Also profile memory (needs profile)")
_flag("profile_optimizer", _B(False), "Profile the optimizer")
_flag("print_global_stats", _B(False), "Print global statistics at exit")
_flag("profiling__n_apply", _I(20), "Apply nodes printed by the profiler")
_flag("profiling__n_ops", _I(20), "Ops printed by the profiler")
_flag("profiling__destination", _S("stderr"), "'stderr', 'stdout' or a file")
_flag("DebugMode__check_finite", _B(True), "Check outputs for NaN/Inf")
_flag("DebugMode__check_c", _B(True), "Check C implementations")
_flag("DebugMode__check_py", _B(True), "Check Python implementations")
_flag("DebugMode__check_strides", _I(0, lambda i: i in (0, 1, 2)),
      "Stride check: 0 off, 1 warn, 2 raise")
_flag("DebugMode__patience", _I(10, lambda i: i > 0), "Optimizer re-runs")
_flag("DebugMode__check_preallocated_output", _S(""),
      "Output preallocation patterns to test (':'-separated)")
_flag("DebugMode__warn_input_not_reused", _B(True),
      "Warn when a destroying op does not reuse its input")
_flag("NanGuardMode__nan_is_error", _B(True), "Raise on NaN values")
_flag("NanGuardMode__inf_is_error", _B(True), "Raise on Inf values")
_flag("NanGuardMode__big_is_error", _B(True), "Raise on huge values")
_flag("NanGuardMode__action", _E("raise", "warn", "pdb"), "On a bad value")
_flag("numpy__seterr_all", _E(*_SETERR, "None"), "numpy.seterr(all=...)")
for _kind in ("divide", "over", "under", "invalid"):
    _flag("numpy__seterr_" + _kind, _E("None", *_SETERR),
          "numpy.seterr(%s=...); 'None' follows seterr_all" % _kind)
del _kind
_flag("scan__allow_gc", _B(False), "Free scan intermediate results")
_flag("scan__allow_output_prealloc", _B(True), "Preallocate scan outputs")
_flag("scan__debug", _B(False), "Print scan debugging information")
_flag("optdb__position_cutoff", FloatParam(float("inf")),
      "Skip optimizations after this position")
_flag("optdb__max_use_ratio", FloatParam(8.0), "Max optimizer uses per node")
_flag("cycle_detection", _E("regular", "fast"), "Destroy-handler cycle check")
_flag("check_stack_trace", _E("off", "log", "warn", "raise"),
      "Check that optimizations copy the stack trace")
_flag("reoptimize_unpickled_function", _B(False), "Re-optimize on unpickle")
_flag("unpickle_function", _B(True), "Unpickle compiled functions")
_flag("pickle_test_value", _B(True), "Pickle test values with variables")
_flag("warn__ignore_bug_before", _S("0.9"), "Hide warnings of older bugs")
_flag("unittests__rseed", _S("666"), "Seed for the test-suite RNG")
_flag("conv__assert_shape", _B(False),
      "AbstractConv ops check that the shapes given by the user match the run-time shapes")

# The rest of Theano 1.0's flags: accepted, validated, and without effect.
_NO_GPU = "there is no GPU back-end"
_flag("init_gpu_device", ConfigParam("", _gpu_name, "'', cuda* or opencl*", mutable=False),
      _no_effect(_NO_GPU))
_flag("force_device", _B(False, mutable=False), _no_effect(_NO_GPU))
_flag("contexts", _S("", check=lambda v: v == "" or all(
    len(p.split("->")) == 2 and not p.split("->")[0].startswith(("cpu", "cuda", "opencl"))
    for p in v.split(";"))), _no_effect(_NO_GPU + "; 'name->device;...' maps"))
_flag("print_active_device", _B(True, mutable=False), _no_effect(_NO_GPU))
_flag("gpuarray__sync", _unset_or_raise("nothing (it was deprecated)"), _no_effect(_NO_GPU))
_flag("gpuarray__preallocate", FloatParam(0.0, mutable=False), _no_effect(_NO_GPU))
_flag("gpuarray__sched", _E("default", "multi", "single"), _no_effect(_NO_GPU))
_flag("gpuarray__single_stream", _B(True), _no_effect(_NO_GPU))
_flag("gpuarray__cache_path", _path_param(lambda cfg: os.path.join(
    cfg.compiledir, "gpuarray_kernels")), _no_effect(_NO_GPU))
_flag("cuda__root", _S(os.environ.get("CUDA_ROOT", os.environ.get("CUDA_PATH", ""))),
      _no_effect(_NO_GPU))
_flag("cuda__include_path", ConfigParam(lambda cfg: os.path.join(cfg.cuda__root, "include")
                                        if cfg.cuda__root else "", _S("").convert, "a path"),
      _no_effect(_NO_GPU))
_flag("gpu__local_elemwise_fusion", _B(True), _no_effect(_NO_GPU))
_flag("gpuelemwise__sync", _B(True), _no_effect(_NO_GPU))
_flag("experimental__unpickle_gpu_on_cpu", _B(False), _no_effect(_NO_GPU))
_flag("dnn__conv__workmem", _unset_or_raise("dnn.conv.algo_fwd"), _no_effect("removed flag"))
_flag("dnn__conv__workmem_bwd", _unset_or_raise("dnn.conv.algo_bwd_filter/_data"),
      _no_effect("removed flag"))
_flag("dnn__conv__algo_bwd", _unset_or_raise("dnn.conv.algo_bwd_filter/_data"),
      _no_effect("removed flag"))
_DNN_RUNTIME = ("guess_once", "guess_on_shape_change", "time_once", "time_on_shape_change")
_flag("dnn__conv__algo_fwd", _E("small", "none", "large", "fft", "fft_tiling", "winograd",
                                "winograd_non_fused", *_DNN_RUNTIME), _no_effect("no cuDNN"))
_flag("dnn__conv__algo_bwd_data", _E("none", "deterministic", "fft", "fft_tiling", "winograd",
                                     "winograd_non_fused", *_DNN_RUNTIME), _no_effect("no cuDNN"))
_flag("dnn__conv__algo_bwd_filter", _E("none", "deterministic", "fft", "small",
                                       "winograd_non_fused", "fft_tiling", *_DNN_RUNTIME),
      _no_effect("no cuDNN"))
_flag("dnn__conv__precision", _E("as_input_f32", "as_input", "float16", "float32", "float64"),
      _no_effect("no cuDNN"))
for _name in ("base_path", "include_path", "library_path", "bin_path"):
    _flag("dnn__" + _name, _S(""), _no_effect("no cuDNN"))
_flag("dnn__enabled", _E("auto", "True", "False", "no_check"), _no_effect("no cuDNN"))
_flag("magma__include_path", _S(""), _no_effect("no MAGMA"))
_flag("magma__library_path", _S(""), _no_effect("no MAGMA"))
_flag("magma__enabled", _B(False), _no_effect("no MAGMA"))
_flag("ctc__root", _S("", mutable=False), _no_effect("no Baidu CTC"))
_flag("lib__amdlibm", _B(False), _no_effect("no AMD libm"))
_flag("cache_optimizations", _B(False), _no_effect("Theano's unfinished optimization cache"))
_flag("DebugMode__check_preallocated_output_ndim", _I(4, lambda i: i > 0),
      _no_effect("DebugMode does not test preallocated outputs"))
for _name, _param in (("time_thunks", _B(True)), ("output_line_width", _I(512, lambda i: i > 0)),
                      ("min_memory_size", _I(1024, lambda i: i >= 0)),
                      ("min_peak_memory", _B(False)), ("debugprint", _B(False)),
                      ("ignore_first_call", _B(False))):
    _flag("profiling__" + _name, _param, _no_effect("profiler detail"))
_flag("cmodule__preload_cache", _B(False, mutable=False), _no_effect("modules load on demand"))
_flag("cmodule__debug", _B(False), _no_effect("generated C code has no DEBUG variant"))
_flag("blas__check_openmp", _B(True), _no_effect("BLAS comes from NumPy"))
_flag("metaopt__verbose", _I(0), _no_effect("no meta-optimizer"))
_flag("metaopt__optimizer_excluding", _S(""), _no_effect("no meta-optimizer"))
_flag("metaopt__optimizer_including", _S(""), _no_effect("no meta-optimizer"))
_flag("tensor__insert_inplace_optimizer_validate_nb", _I(-1),
      _no_effect("the in-place pass validates every change"))
_flag("experimental__local_alloc_elemwise", ConfigParam(True, _only_true, "True"),
       _no_effect("deprecated; the rewrite always runs"))
_flag("experimental__local_alloc_elemwise_assert", _B(True), _no_effect("shapes are checked"))
_flag("compiledir_format", _S("compiledir_%(short_platform)s-%(processor)s-%(python_version)s-"
                              "%(python_bitwidth)s", mutable=False),
      _no_effect("compiledir is named from the platform"))
# Warnings about bugs of old Theano versions: this code base never had them.
for _name, _fixed in (("argmax_pushdown_bug", "0.3"), ("gpusum_01_011_0111_bug", "0.3"),
                      ("sum_sum_bug", "0.3"), ("sum_div_dimshuffle_bug", "0.3"),
                      ("subtensor_merge_bug", "0.5"), ("gpu_set_subtensor1", "0.6"),
                      ("signal_conv2d_interface", "0.7"), ("reduce_join", "0.7"),
                      ("inc_set_subtensor1", "0.7"), ("round", "0.9"),
                      ("inc_subtensor1_opt", "0.10"), ("identify_1pexp_bug", "0.4.1")):
    _flag("warn__" + _name, ConfigParam(_warn_default(_fixed), _to_bool, "True or False"),
          _no_effect("warns about a bug of Theano versions before %s" % _fixed))
_flag("warn__vm_gc_bug", _B(False), _no_effect("warns about a bug of an unreleased Theano"))
del _name, _param, _fixed


# -------------------------------------------------------------------- parsing
def _dotted(name):
    return name.replace("__", ".")


def parse_flags_string(flags_string):
    """Split a ``THEANO_FLAGS`` string into ``(key, value)`` pairs.

    Items are comma separated; whitespace is trimmed and empty items are
    skipped.  A value may itself contain '=' (``gcc.cxxflags=-march=native``).
    """
    pairs = []
    for item in (flags_string or "").split(","):
        item = item.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError("THEANO_FLAGS item %r is not of the form key=value"
                              % item)
        pairs.append((key.strip(), value.strip()))
    return pairs


def _read_rc_file(path):
    """Yield ``(key, value, source)`` for every option of one INI file."""
    # Theano offered these substitutions, e.g. base_compiledir=/tmp/%(USER)s.
    subs = {"USER": os.getenv("USER", os.path.split(os.path.expanduser("~"))[-1]),
            "PID": str(os.getpid()), "TMPDIR": os.getenv("TMPDIR", "/tmp")}
    ini = _iniparser.ConfigParser(defaults=subs)
    try:
        with open(path, encoding="utf-8") as f:
            ini.read_file(f)
    except _iniparser.Error as exc:
        raise ConfigError("Cannot parse Theano config file %s: %s" % (path, exc))
    for section in ini.sections():
        prefix = ("" if section.lower() == "global"
                  else section.replace(".", "__") + "__")
        for option in ini.options(section):
            if option in ini.defaults():    # substitution names, not flags
                continue
            try:
                value = ini.get(section, option)
            except _iniparser.InterpolationError:   # a literal '%' in a value
                value = ini.get(section, option, raw=True)
            yield prefix + option, value.strip(), "%s [%s]" % (path, section)


def _default_rc_paths(environ):
    home = os.path.expanduser("~")
    paths = environ.get("THEANORC", os.pathsep.join(
        [os.path.join(home, ".theanorc"), os.path.join(home, ".theanorc.txt")]))
    return [os.path.expanduser(p) for p in paths.split(os.pathsep) if p]


_UNSET = object()


class _Section:
    """Proxy giving dotted access (``config.gcc.cxxflags``) to flat keys."""

    __slots__ = ("_config", "_prefix")

    def __init__(self, config, prefix):
        object.__setattr__(self, "_config", config)
        object.__setattr__(self, "_prefix", prefix)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._config, self._prefix + "__" + name)

    def __setattr__(self, name, value):
        setattr(self._config, self._prefix + "__" + name, value)

    def __dir__(self):
        start = self._prefix + "__"
        return sorted({k[len(start):].split("__")[0]
                       for k in self._config._params if k.startswith(start)})

    def __repr__(self):
        return "<Theano config section %r>" % _dotted(self._prefix)


class TheanoConfigParser:
    """Holds the value of every Theano flag.

    Parameters
    ----------
    flags_string : str, optional
        ``THEANO_FLAGS``-style string; by default the environment variable.
    rc_paths : list of str, optional
        INI files read in order (later ones win); by default ``$THEANORC``
        or ``~/.theanorc`` and ``~/.theanorc.txt``.  Missing files are skipped.

    Raises
    ------
    ConfigError
        For an unknown flag or an invalid value in either source.
    """

    def __init__(self, flags_string=None, rc_paths=None):
        object.__setattr__(self, "_params", dict(_DEFAULT_PARAMS))
        object.__setattr__(self, "_values", {})
        self._reparse(flags_string, rc_paths)

    # -- loading ----------------------------------------------------------
    def _reparse(self, flags_string=None, rc_paths=None, environ=None):
        """Reset all flags to defaults, then apply config files and flags.

        ``None`` arguments are read from `environ` (default ``os.environ``).
        """
        environ = os.environ if environ is None else environ
        if flags_string is None:
            flags_string = environ.get("THEANO_FLAGS", "")
        if rc_paths is None:
            rc_paths = _default_rc_paths(environ)
        pending = {}    # canonical name -> (raw value, source); later wins
        for path in rc_paths:
            if os.path.isfile(path):
                for key, value, source in _read_rc_file(path):
                    # INI keys are case-insensitive (configparser lowercases).
                    pending[self._resolve(key, source, True)] = (value, source)
        for key, value in parse_flags_string(flags_string):
            pending[self._resolve(key, "THEANO_FLAGS")] = (value, "THEANO_FLAGS")
        # Validate everything before changing anything.
        new = {k: self._check(k, v, src) for k, (v, src) in pending.items()}
        self._values.clear()
        self._values.update(new)

    def _resolve(self, key, source=None, ignore_case=False):
        """Canonical flat name of `key` (dotted or flat), else ConfigError."""
        flat = key.replace(".", "__")
        if flat in self._params:
            return flat
        lower = {k.lower(): k for k in self._params}
        if ignore_case and flat.lower() in lower:
            return lower[flat.lower()]
        close = difflib.get_close_matches(flat, self._params, n=3)
        close += [lower[m] for m in difflib.get_close_matches(
            flat.lower(), lower, n=3) if lower[m] not in close]
        msg = "Unknown Theano flag %r" % key
        if source:
            msg += " (from %s)" % source
        if close:
            msg += ". Did you mean: %s?" % ", ".join(_dotted(c) for c in close[:3])
        raise ConfigError(msg)

    def _check(self, name, value, source=None):
        param = self._params[name]
        try:
            return param.convert(value)
        except (TypeError, ValueError) as exc:
            where = " (from %s)" % source if source else ""
            raise ConfigError("Theano flag %r got bad value %r%s: %s. Allowed "
                              "values: %s" % (_dotted(name), value, where, exc,
                                              param.allowed)) from None

    # -- attribute access -------------------------------------------------
    def __getattr__(self, name):
        # Only called when normal lookup fails, i.e. for flags and sections.
        if name.startswith("_"):
            raise AttributeError(name)
        flat = name.replace(".", "__")
        if flat in self._params:
            value = self._values.get(flat, _UNSET)
            if value is _UNSET:
                default = self._params[flat].default
                value = default(self) if callable(default) else default
            return value
        if any(k.startswith(flat + "__") for k in self._params):
            return _Section(self, flat)
        self._resolve(name)     # raises ConfigError with suggestions

    def __setattr__(self, name, value):
        if name.startswith("_"):
            return object.__setattr__(self, name, value)
        flat = name.replace(".", "__")
        if flat not in self._params and any(k.startswith(flat + "__")
                                            for k in self._params):
            raise ConfigError("%r is a section of Theano flags, not a flag"
                              % _dotted(flat))
        flat = self._resolve(name, "assignment")
        value = self._check(flat, value, "assignment")
        if not self._params[flat].mutable and value != getattr(self, flat):
            raise ConfigError("Theano flag %r cannot be changed at run time; set "
                              "it with THEANO_FLAGS or .theanorc" % _dotted(flat))
        self._values[flat] = value

    def __dir__(self):
        return sorted(set(object.__dir__(self)) | set(self._params)
                      | {k.split("__")[0] for k in self._params})

    # -- public helpers ---------------------------------------------------
    def add(self, name, doc, param, in_c_key=True):
        """Register a new flag on this instance (see :func:`AddConfigVar`)."""
        return _register(self._params, name, doc, param, in_c_key)

    def get_param(self, name):
        """Return the :class:`ConfigParam` of a flag (dotted or flat name)."""
        return self._params[self._resolve(name)]

    def change_flags(self, *args, **kwargs):
        """Temporarily set flags of this instance; see :func:`change_flags`."""
        return _ChangeFlags(self, *args, **kwargs)

    def get_config_hash(self):
        """Hex digest of all ``in_c_key`` flags, for the compile cache key."""
        lines = ["%s = %r" % (_dotted(n), getattr(self, n))
                 for n, p in self._params.items() if p.in_c_key]
        return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()

    def __str__(self):
        out = []
        for name, param in self._params.items():
            out.append("%s (%s)\n    Doc:  %s\n    Value:  %s\n"
                       % (_dotted(name), param.allowed, param.doc,
                          getattr(self, name)))
        return "\n".join(out)


class _ChangeFlags:
    """Context manager / decorator behind :func:`change_flags`."""

    def __init__(self, config, *args, **kwargs):
        updates = {}
        for arg in args:
            updates.update(arg)
        updates.update(kwargs)
        self._config = config
        self._updates = {config._resolve(k, "change_flags"): v
                         for k, v in updates.items()}
        self._saved = []    # a stack, so the decorator works recursively

    def __enter__(self):
        cfg = self._config
        # Validate first so a bad value leaves every flag untouched.
        for name, value in self._updates.items():
            cfg._check(name, value, "change_flags")
        self._saved.append({n: cfg._values.get(n, _UNSET) for n in self._updates})
        try:
            for name, value in self._updates.items():
                setattr(cfg, name, value)
        except BaseException:
            self._restore()
            raise
        return self

    def _restore(self):
        # Raw restore: bypasses mutability checks and brings back the
        # "unset" state so callable defaults keep tracking other flags.
        for name, old in self._saved.pop().items():
            if old is _UNSET:
                self._config._values.pop(name, None)
            else:
                self._config._values[name] = old

    def __exit__(self, *exc_info):
        self._restore()
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return wrapper


config = TheanoConfigParser()


def change_flags(*args, **kwargs):
    """Temporarily change flags of the global `config`.

    Parameters
    ----------
    *args : dict
        Mappings of flag name (``'gcc.cxxflags'`` or ``'gcc__cxxflags'``) to
        value.
    **kwargs
        More flags, e.g. ``floatX='float32'``.

    Returns
    -------
    context manager and decorator
        ``with change_flags(floatX='float32'): ...`` or
        ``@change_flags(floatX='float32')``.  Previous values are restored on
        exit, also when an exception is raised.
    """
    return _ChangeFlags(config, *args, **kwargs)


def AddConfigVar(name, doc, configparam, in_c_key=True, root=None):
    """Register a flag on `root` (default: the global `config`).

    Flags registered after import can only be set at run time: values for
    unknown names in THEANO_FLAGS or .theanorc are rejected at import.
    """
    return (config if root is None else root).add(name, doc, configparam, in_c_key)
