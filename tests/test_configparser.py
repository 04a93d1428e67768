"""Tests for theano/configparser.py.

The module is loaded straight from its file so these tests do not depend on
the state of the rest of the ``theano`` package.
"""
import importlib.util
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE_PATH = os.path.join(ROOT, "theano", "configparser.py")


def _load():
    spec = importlib.util.spec_from_file_location("_theano_configparser_test",
                                                  MODULE_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cp = _load()
ConfigError = cp.ConfigError


def fresh(flags="", rc_paths=()):
    """A config built only from the given sources (ignores the environment)."""
    return cp.TheanoConfigParser(flags_string=flags, rc_paths=list(rc_paths))


def write_rc(tmp_path, text, name=".theanorc"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# ------------------------------------------------------------------ defaults
def test_defaults():
    c = fresh()
    expected = {
        "device": "cpu", "floatX": "float64", "mode": "FAST_RUN",
        "optimizer": "fast_run", "linker": "auto", "compute_test_value": "off",
        "compute_test_value_opt": "off", "cast_policy": "custom",
        "exception_verbosity": "low", "on_opt_error": "warn",
        "on_unused_input": "raise", "profile": False, "profile_memory": False,
        "allow_gc": True, "openmp": True, "openmp_elemwise_minsize": 200000,
        "optimizer_including": "", "optimizer_excluding": "",
        "optimizer_requiring": "", "warn_float64": "ignore",
        "print_test_value": False, "deterministic": "default",
        "numpy__seterr_all": "ignore", "blas__ldflags": "", "nocleanup": False,
        "reoptimize_unpickled_function": False, "unpickle_function": True,
        "int_division": "int", "check_input": True, "print_global_stats": False,
        "assert_no_cpu_op": "ignore", "gcc__cxxflags": "",
        "traceback__limit": 8, "DebugMode__check_finite": True,
        "DebugMode__check_c": True, "DebugMode__check_py": True,
        "DebugMode__check_strides": 0, "NanGuardMode__nan_is_error": True,
        "NanGuardMode__inf_is_error": True, "NanGuardMode__big_is_error": True,
    }
    for name, value in expected.items():
        assert getattr(c, name) == value, name
        assert type(getattr(c, name)) is type(value), name


def test_section_access():
    c = fresh()
    assert c.gcc.cxxflags == ""
    assert c.traceback.limit == 8
    assert c.DebugMode.check_finite is True
    assert c.NanGuardMode.nan_is_error is True
    assert getattr(c, "gcc.cxxflags") == ""
    assert "cxxflags" in dir(c.gcc)
    c.gcc.cxxflags = "-O1"
    assert c.gcc__cxxflags == "-O1"
    c.DebugMode.check_strides = 2
    assert c.DebugMode__check_strides == 2


def test_cxx_and_compiledir_defaults(tmp_path):
    c = fresh()
    assert c.cxx == (shutil.which("g++") or shutil.which("gcc") or "")
    assert c.base_compiledir == os.path.join(os.path.expanduser("~"), ".theano")
    assert os.path.dirname(c.compiledir) == c.base_compiledir
    assert os.path.basename(c.compiledir).startswith("compiledir_")
    # compiledir is derived from base_compiledir unless set explicitly.
    c = fresh("base_compiledir=%s" % tmp_path)
    assert os.path.dirname(c.compiledir) == str(tmp_path)


# --------------------------------------------------------------- THEANO_FLAGS
def test_flags_string_basic():
    c = fresh("device=cpu,floatX=float32")
    assert c.device == "cpu"
    assert c.floatX == "float32"


def test_flags_string_dotted_whitespace_and_empty_items():
    c = fresh(" floatX = float32 , ,gcc.cxxflags=-O3 -g ,traceback.limit=3,")
    assert c.floatX == "float32"
    assert c.gcc.cxxflags == "-O3 -g"
    assert c.traceback.limit == 3


def test_flags_string_conversions_and_last_wins():
    c = fresh("profile=True,allow_gc=0,openmp_elemwise_minsize=1000,"
              "gcc__cxxflags=-march=native,floatX=float32,floatX=float16,"
              "optimizer=None")
    assert c.profile is True
    assert c.allow_gc is False
    assert c.openmp_elemwise_minsize == 1000
    assert c.gcc.cxxflags == "-march=native"   # '=' inside a value is kept
    assert c.floatX == "float16"
    assert c.optimizer == "None"


def test_flags_string_requires_equal_sign():
    with pytest.raises(ConfigError, match="key=value"):
        fresh("floatX")


# ------------------------------------------------------------------ theanorc
def test_rc_file_sections(tmp_path):
    path = write_rc(tmp_path, """
[global]
floatX = float32
device = cpu
mode = FAST_COMPILE

[gcc]
cxxflags = -O2 -g

[DebugMode]
check_finite = False

[NanGuardMode]
inf_is_error = false

[traceback]
limit = 20
""")
    c = fresh(rc_paths=[path])
    assert c.floatX == "float32"
    assert c.mode == "FAST_COMPILE"
    assert c.gcc.cxxflags == "-O2 -g"
    assert c.DebugMode.check_finite is False
    assert c.NanGuardMode.inf_is_error is False
    assert c.traceback.limit == 20


def test_rc_file_keys_are_case_insensitive(tmp_path):
    path = write_rc(tmp_path, "[global]\nfloatx = float32\n[debugmode]\n"
                              "CHECK_C = 0\n")
    c = fresh(rc_paths=[path])
    assert c.floatX == "float32"
    assert c.DebugMode.check_c is False


def test_rc_file_interpolation(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    path = write_rc(tmp_path, "[global]\nbase_compiledir = %(TMPDIR)s/th\n")
    assert fresh(rc_paths=[path]).base_compiledir == str(tmp_path / "th")


def test_several_rc_files_later_wins_and_missing_skipped(tmp_path):
    first = write_rc(tmp_path, "[global]\nfloatX = float32\nprofile = True\n",
                     "a.rc")
    second = write_rc(tmp_path, "[global]\nfloatX = float16\n", "b.rc")
    c = fresh(rc_paths=[first, str(tmp_path / "missing"), second])
    assert c.floatX == "float16"
    assert c.profile is True


def test_theanorc_env_var_with_pathsep(tmp_path):
    first = write_rc(tmp_path, "[global]\nfloatX = float32\n", "a.rc")
    second = write_rc(tmp_path, "[gcc]\ncxxflags = -O1\n", "b.rc")
    c = fresh()
    c._reparse(environ={"THEANORC": first + os.pathsep + second,
                        "THEANO_FLAGS": "profile=True"})
    assert (c.floatX, c.gcc.cxxflags, c.profile) == ("float32", "-O1", True)
    c._reparse(flags_string="", rc_paths=[])       # back to pure defaults
    assert (c.floatX, c.gcc.cxxflags, c.profile) == ("float64", "", False)


def test_flags_override_rc_file(tmp_path):
    path = write_rc(tmp_path, "[global]\nfloatX = float32\nprofile = True\n"
                              "[gcc]\ncxxflags = -O2\n")
    c = fresh("floatX=float16,gcc.cxxflags=-O3", rc_paths=[path])
    assert c.floatX == "float16"
    assert c.gcc.cxxflags == "-O3"
    assert c.profile is True


# ---------------------------------------------------------------- bad input
def test_unknown_flag_in_flags_string():
    with pytest.raises(ConfigError) as info:
        fresh("floatx=float32")
    msg = str(info.value)
    assert "'floatx'" in msg and "THEANO_FLAGS" in msg
    assert "Did you mean" in msg and "floatX" in msg
    with pytest.raises(ConfigError, match="gcc.cxxflags"):
        fresh("gcc.cxxflag=-O3")


def test_unknown_flag_in_rc_file(tmp_path):
    path = write_rc(tmp_path, "[global]\nflotX = float32\n")
    with pytest.raises(ConfigError) as info:
        fresh(rc_paths=[path])
    msg = str(info.value)
    assert "flotx" in msg.lower() and path in msg and "floatX" in msg


def test_bad_value_message():
    with pytest.raises(ConfigError) as info:
        fresh("floatX=float33")
    msg = str(info.value)
    for part in ("floatX", "float33", "float64", "float32", "float16"):
        assert part in msg
    with pytest.raises(ConfigError, match="openmp_elemwise_minsize.*integer"):
        fresh("openmp_elemwise_minsize=lots")
    with pytest.raises(ConfigError, match="profile.*maybe.*True or False"):
        fresh("profile=maybe")


def test_bad_value_in_rc_file(tmp_path):
    path = write_rc(tmp_path, "[global]\nmode = FAST\n")
    with pytest.raises(ConfigError, match="mode.*FAST.*FAST_RUN"):
        fresh(rc_paths=[path])


@pytest.mark.parametrize("device", ["cuda", "cuda0", "gpu", "gpu1"])
def test_gpu_device_selects_jax(device):
    # Accepted: the JAX mode runs on JAX's GPUs (tests/link/jax/test_modes.py).
    assert fresh("device=" + device).device == device


def test_opencl_device_is_rejected_clearly():
    with pytest.raises(ConfigError, match="no OpenCL backend"):
        fresh("device=opencl0")


def test_config_error_types():
    assert issubclass(ConfigError, ValueError)
    assert issubclass(ConfigError, AttributeError)


# ------------------------------------------------------------ run-time access
def test_runtime_set_with_validation():
    c = fresh()
    c.floatX = "float32"
    assert c.floatX == "float32"
    with pytest.raises(ConfigError, match="float33"):
        c.floatX = "float33"
    assert c.floatX == "float32"
    c.profile = "yes"
    assert c.profile is True
    with pytest.raises(ConfigError):
        c.traceback.limit = "deep"
    c.device = "cpu"        # immutable flag, but unchanged value is fine
    with pytest.raises(ConfigError):
        c.device = "cuda"


def test_runtime_unknown_attributes():
    c = fresh()
    with pytest.raises(ConfigError, match="floatX"):
        c.floatx = "float32"
    with pytest.raises(AttributeError, match="not_a_flag"):
        c.not_a_flag
    with pytest.raises(AttributeError, match="cxxflagz"):
        c.gcc.cxxflagz
    assert not hasattr(c, "not_a_flag")
    assert getattr(c, "not_a_flag", 42) == 42
    with pytest.raises(ConfigError, match="section"):
        c.gcc = "-O2"


# ------------------------------------------------------------- change_flags
def test_change_flags_context_manager():
    c = fresh()
    with c.change_flags(floatX="float32", gcc__cxxflags="-O0") as ctx:
        assert isinstance(ctx, cp._ChangeFlags)
        assert c.floatX == "float32"
        assert c.gcc.cxxflags == "-O0"
    assert c.floatX == "float64"
    assert c.gcc.cxxflags == ""


def test_change_flags_dict_with_dotted_names():
    c = fresh()
    with c.change_flags({"gcc.cxxflags": "-O1", "DebugMode.check_c": False}):
        assert c.gcc.cxxflags == "-O1"
        assert c.DebugMode.check_c is False
    assert c.gcc.cxxflags == "" and c.DebugMode.check_c is True


def test_change_flags_restores_on_exception():
    c = fresh()
    with pytest.raises(RuntimeError):
        with c.change_flags(floatX="float16"):
            raise RuntimeError("boom")
    assert c.floatX == "float64"


def test_change_flags_bad_value_changes_nothing():
    c = fresh()
    with pytest.raises(ConfigError, match="float33"):
        with c.change_flags(profile=True, floatX="float33"):
            pass
    assert c.profile is False and c.floatX == "float64"
    with pytest.raises(ConfigError, match="floatX"):
        c.change_flags(floatx="float32")


def test_change_flags_decorator():
    c = fresh()

    @c.change_flags(floatX="float32")
    def inner(fail):
        if fail:
            raise ValueError("fail")
        return c.floatX

    assert inner.__name__ == "inner"
    assert inner(False) == "float32"
    assert c.floatX == "float64"
    with pytest.raises(ValueError):
        inner(True)
    assert c.floatX == "float64"


def test_change_flags_decorator_recursive():
    c = fresh()

    @c.change_flags(traceback__limit=1)
    def recurse(n):
        assert c.traceback.limit == 1
        return recurse(n - 1) if n else c.traceback.limit

    assert recurse(3) == 1
    assert c.traceback.limit == 8


def test_change_flags_restores_derived_default(tmp_path):
    c = fresh()
    with c.change_flags(compiledir=str(tmp_path)):
        assert c.compiledir == str(tmp_path)
    c.base_compiledir = str(tmp_path / "base")
    assert os.path.dirname(c.compiledir) == str(tmp_path / "base")


def test_module_level_change_flags_uses_global_config():
    old = cp.config.floatX
    new = "float16" if old != "float16" else "float32"
    with cp.change_flags(floatX=new):
        assert cp.config.floatX == new
    assert cp.config.floatX == old

    @cp.config.change_flags({"floatX": new})
    def f():
        return cp.config.floatX

    assert f() == new and cp.config.floatX == old


# ------------------------------------------------------- printing, hashing
def test_str_lists_flags():
    text = str(fresh("floatX=float32"))
    assert "floatX" in text and "float32" in text
    assert "Default floating-point precision" in text
    assert "gcc.cxxflags" in text and "DebugMode.check_finite" in text


def test_config_hash_and_in_c_key():
    c = fresh()
    h = c.get_config_hash()
    assert int(h, 16) >= 0 and h == fresh().get_config_hash()
    assert c.get_param("floatX").in_c_key is True
    assert c.get_param("gcc.cxxflags").in_c_key is True
    assert c.get_param("profile").in_c_key is False
    c.profile = True            # not in_c_key: the hash is unchanged
    assert c.get_config_hash() == h
    c.floatX = "float32"
    assert c.get_config_hash() != h


def test_add_flag():
    c = fresh()
    c.add("mysection.size", "A test flag", cp.IntParam(3, lambda i: i > 0))
    assert c.mysection.size == 3
    c.mysection.size = "5"
    assert c.mysection__size == 5
    with pytest.raises(ConfigError):
        c.mysection.size = 0
    with pytest.raises(ConfigError, match="already registered"):
        c.add("mysection__size", "again", cp.IntParam(1))
    assert not hasattr(fresh(), "mysection__size")   # per-instance registry


# ------------------------------------------------------------- subprocess
_SNIPPET = (
    "import importlib.util, sys\n"
    "spec = importlib.util.spec_from_file_location('cfg', sys.argv[1])\n"
    "m = importlib.util.module_from_spec(spec)\n"
    "spec.loader.exec_module(m)\n"
    "print(m.config.floatX, m.config.gcc.cxxflags)\n")


def _run(tmp_path, flags):
    env = dict(os.environ, THEANO_FLAGS=flags, HOME=str(tmp_path),
               THEANORC=str(tmp_path / "none"), PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-c", _SNIPPET, MODULE_PATH],
                          cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)


def test_environment_read_at_import(tmp_path):
    proc = _run(tmp_path, "device=cpu,floatX=float32,gcc.cxxflags=-O2")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["float32", "-O2"]


def test_bad_environment_fails_import(tmp_path):
    proc = _run(tmp_path, "floatX=float33")
    assert proc.returncode != 0
    assert "ConfigError" in proc.stderr and "float33" in proc.stderr
