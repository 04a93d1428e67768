"""The on-disk cache of compiled C modules survives faults and can be managed.

Faults that involve the dynamic loader (a corrupt cached binary, a process
killed while compiling) are simulated on disk and then checked in a *fresh*
subprocess, as a user would meet them: a process that has already mapped a
library would be handed the mapped copy instead of the damaged file.
"""
import io
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
import warnings

import numpy as np
import pytest

from theano import cache as cache_cli
from theano.configparser import change_flags, config
from theano.link.c import cache, compiler

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXT = cache.EXT_SUFFIX
DAY = 86400.0


# ------------------------------------------------------------------ helpers
def _run(args, compiledir=None, flags=(), timeout=300):
    parts = (["compiledir=%s" % compiledir] if compiledir else []) + list(flags)
    env = dict(os.environ, THEANO_FLAGS=",".join(parts),
               PYTHONPATH=os.pathsep.join([ROOT] + sys.path))
    return subprocess.run([sys.executable] + list(args), env=env, capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, check=False)


# Compiles two functions in the default mode (FAST_RUN, C linker), counts the
# compiler runs and records every warning.
_FN_SCRIPT = textwrap.dedent("""
    import json, os, warnings
    import numpy as np
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import theano, theano.tensor as T
        from theano.link.c import cache
        compiled = []
        real = cache.compile_shared_object
        def counting(info, src, out):
            compiled.append(os.path.basename(out))
            return real(info, src, out)
        cache.compile_shared_object = counting
        x, y = T.dvector("x"), T.dmatrix("y")
        f = theano.function([x], T.tanh(T.exp(x)) * 2 + 1)
        g = theano.function([x, y], (x * y + 1) ** 2)
        a = np.linspace(-2, 2, 7)
        b = np.arange(14.0).reshape(2, 7)
        out = [f(a).tolist(), g(a, b).tolist()]
    print(json.dumps({"out": out, "compiled": compiled, "private": cache._PRIVATE,
                      "warnings": [[w.category.__name__, str(w.message)] for w in caught]}))
""")


def _expected():
    a = np.linspace(-2, 2, 7)
    b = np.arange(14.0).reshape(2, 7)
    return [np.tanh(np.exp(a)) * 2 + 1, (a * b + 1) ** 2]


def _run_functions(compiledir, flags=()):
    res = _run(["-c", _FN_SCRIPT], compiledir, flags)
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout.strip().splitlines()[-1])
    for out, want in zip(got["out"], _expected()):
        np.testing.assert_allclose(np.array(out), want, rtol=1e-14)
    return got


def _runtime_warnings(got):
    return [msg for cat, msg in got["warnings"] if cat == "RuntimeWarning"]


def _binaries(directory):
    return sorted(n for n in os.listdir(directory) if n.endswith(EXT))


def _source(value):
    """A minimal extension module; its comment makes its cache key unique."""
    return textwrap.dedent("""
        /* test module %s */
        #define PY_SSIZE_T_CLEAN
        #include <Python.h>
        static PyObject *value(PyObject *self, PyObject *unused) { return PyLong_FromLong(%d); }
        static PyMethodDef methods[] = {{"value", value, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};
        static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "@MODULE_NAME@", NULL, -1, methods};
        PyMODINIT_FUNC PyInit_@MODULE_NAME@(void) { return PyModule_Create(&def); }
    """) % (uuid.uuid4().hex, value)


@pytest.fixture
def info():
    found = compiler.compiler_info()
    assert found is not None, "these tests need the C compiler"
    return found


@pytest.fixture
def clean_state(monkeypatch):
    """Forget this process's directory fall-backs; count compilations."""
    monkeypatch.setattr(cache, "_WRITE_DIRS", {})
    compiled = []
    real = cache.compile_shared_object

    def counting(info, src, out):
        compiled.append(out)
        return real(info, src, out)
    monkeypatch.setattr(cache, "compile_shared_object", counting)
    return compiled


def _fake_entry(directory, name, kbytes, days_unused):
    """A module's files (source and binary) of ``kbytes`` KB, last used ``days_unused`` ago."""
    os.makedirs(directory, exist_ok=True)
    stamp = time.time() - days_unused * DAY
    for suffix, share in ((".c", 1), (EXT, 3)):
        path = os.path.join(directory, name + suffix)
        with open(path, "wb") as f:
            f.write(b"\0" * (kbytes * 1024 * share // 4))
        os.utime(path, (stamp, stamp))


def _dead_pid():
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    assert not cache._pid_alive(p.pid)
    return p.pid


def _build_dir(directory, pid, host=None, failed=False, days_old=0.0):
    path = os.path.join(directory, "tmp_%d_%s_theano_c_x_%s" % (pid, host or cache._host_tag(),
                                                                uuid.uuid4().hex[:8]))
    os.makedirs(path)
    with open(os.path.join(path, "half_written" + EXT), "wb") as f:
        f.write(b"\x7fELF")
    if failed:
        open(os.path.join(path, cache.FAILED_MARKER), "w").close()
    stamp = time.time() - days_old * DAY
    os.utime(path, (stamp, stamp))
    return path


# ------------------------------------------------- 1. cached modules that do not load
def _truncate(path, others):
    with open(path, "r+b") as f:
        f.truncate(100)


def _garbage(path, others):
    size = os.path.getsize(path)
    with open(path, "wb") as f:
        f.write(np.random.default_rng(0).integers(0, 256, size, dtype=np.uint8).tobytes())


def _other_abi(path, others):
    # EI_CLASS: a 32-bit ELF object, as built for another architecture/ABI.
    data = bytearray(pathlib.Path(path).read_bytes())
    data[4] = 1
    os.unlink(path)  # a new file, as a copy from elsewhere would be
    pathlib.Path(path).write_bytes(bytes(data))


def _foreign_module(path, others):
    # A valid extension module, but of another name: its PyInit_ symbol is missing.
    other = others[(others.index(path) + 1) % len(others)]
    data = pathlib.Path(other).read_bytes() if other != path else b""
    os.unlink(path)
    pathlib.Path(path).write_bytes(data)


@pytest.fixture(scope="module")
def built_cache(tmp_path_factory):
    """A compile directory holding the modules of the functions of ``_FN_SCRIPT``."""
    d = tmp_path_factory.mktemp("built")
    got = _run_functions(str(d))
    assert got["compiled"] and not _runtime_warnings(got)
    assert _binaries(d / "cmodules") == sorted(got["compiled"])
    return d


@pytest.mark.slow
@pytest.mark.parametrize("damage", [_truncate, _garbage, _other_abi, _foreign_module])
def test_a_cached_module_that_does_not_load_is_rebuilt(built_cache, tmp_path, damage):
    d = tmp_path / "compiledir"
    shutil.copytree(built_cache, d)
    binaries = [str(d / "cmodules" / n) for n in _binaries(d / "cmodules")]
    for path in binaries:
        damage(path, binaries)
    got = _run_functions(str(d))
    # Each damaged module was rebuilt exactly once, without any warning.
    assert sorted(got["compiled"]) == sorted(os.path.basename(p) for p in binaries)
    assert not _runtime_warnings(got), got["warnings"]
    names = os.listdir(d / "cmodules")
    assert not [n for n in names if n.startswith("tmp_")]
    for path in binaries:
        with open(path, "rb") as f:
            head = f.read(5)
        assert head == b"\x7fELF\x02" and os.path.getsize(path) > 1000
    if damage is _foreign_module:
        # The repaired cache is warm again for the next process.
        assert _run_functions(str(d))["compiled"] == []


def test_a_corrupt_cached_module_is_rebuilt_in_process(tmp_path, info, clean_state):
    src = _source(7)
    with change_flags(compiledir=str(tmp_path)):
        name = "theano_test_" + cache.module_key(src, info)[:40]
        final = tmp_path / "cmodules" / (name + EXT)
        final.parent.mkdir()
        final.write_bytes(b"this is not a shared object" * 10)
        module = cache.get_module(src, info, "theano_test_")
    assert module.value() == 7 and module.__file__ == str(final)
    assert len(clean_state) == 1
    assert final.read_bytes()[:4] == b"\x7fELF"
    assert sys.modules[name] is module


def test_a_rebuild_that_does_not_load_either_raises_naming_the_files(tmp_path, info,
                                                                    monkeypatch):
    monkeypatch.setattr(cache, "_WRITE_DIRS", {})

    def broken_compiler(info, src, out):
        with open(out, "wb") as f:
            f.write(b"\x7fELF but nothing else")
    monkeypatch.setattr(cache, "compile_shared_object", broken_compiler)
    src = _source(8)
    with change_flags(compiledir=str(tmp_path)):
        name = "theano_test_" + cache.module_key(src, info)[:40]
        final = tmp_path / "cmodules" / (name + EXT)
        final.parent.mkdir()
        final.write_bytes(b"garbage" * 50)
        with pytest.raises(cache.ModuleLoadError) as err:
            cache.get_module(src, info, "theano_test_")
    assert isinstance(err.value, ImportError)
    msg = str(err.value)
    assert str(final) in msg and "was rebuilt" in msg and "could not be loaded either" in msg
    build = err.value.path
    assert build in msg and os.path.basename(build) == name + EXT
    # The broken build never replaced the cached file; its directory is kept.
    assert final.read_bytes() == b"garbage" * 50
    assert os.path.exists(os.path.join(os.path.dirname(build), cache.FAILED_MARKER))
    assert name not in cache._LOADED


def test_a_fresh_build_that_does_not_load_raises(tmp_path, info, monkeypatch):
    monkeypatch.setattr(cache, "_WRITE_DIRS", {})
    monkeypatch.setattr(cache, "compile_shared_object",
                        lambda info, src, out: open(out, "wb").close())
    with change_flags(compiledir=str(tmp_path)):
        with pytest.raises(cache.ModuleLoadError, match="freshly compiled C module .* could "
                                                        "not be loaded"):
            cache.get_module(_source(9), info, "theano_test_")
    assert _binaries(tmp_path / "cmodules") == []


# --------------------------------------------------- 2. an unusable compile directory
@pytest.mark.slow
def test_compiledir_under_a_regular_file_warns_once_and_uses_a_temporary_dir(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    compiledir = blocker / "theano"
    got = _run_functions(str(compiledir))
    warned = _runtime_warnings(got)
    assert len(warned) == 1, got["warnings"]
    assert ("cannot write its compile directory %s (Not a directory: %s)"
            % (compiledir / "cmodules", compiledir)) in warned[0]
    assert got["compiled"] and got["private"] and got["private"][0] in warned[0]
    # The private directory was removed when the process exited.
    assert not os.path.exists(got["private"][0])
    assert blocker.read_text() == "not a directory"


def test_compiledir_that_is_a_file_warns_once(tmp_path, info, clean_state, monkeypatch):
    # The private directories of killed processes are removed with the next one made.
    monkeypatch.setattr(cache, "_PRIVATE", [])
    leftover = tempfile.mkdtemp(prefix="theano_cmodules_%d_" % _dead_pid())
    (tmp_path / "compiledir").mkdir()
    blocker = tmp_path / "compiledir" / "cmodules"
    blocker.write_text("x")
    with change_flags(compiledir=str(tmp_path / "compiledir")), \
            warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        m1 = cache.get_module(_source(1), info, "theano_test_")
        m2 = cache.get_module(_source(2), info, "theano_test_")  # no second warning
    [msg] = [str(w.message) for w in rec if issubclass(w.category, RuntimeWarning)]
    assert ("cannot write its compile directory {0} (File exists and is not a directory: {0})"
            .format(blocker)) in msg
    assert (m1.value(), m2.value()) == (1, 2)
    private = cache._PRIVATE[0]
    assert private in msg and not os.path.exists(leftover)
    assert m1.__file__.startswith(private) and m2.__file__.startswith(private)


def test_read_only_compiledir_is_still_read_and_new_modules_go_elsewhere(
        tmp_path, info, clean_state, monkeypatch):
    # A cache shared read-only (chmod cannot stop root, so the refusal is
    # simulated where a build directory is created).
    src_old = _source(3)
    with change_flags(compiledir=str(tmp_path)), warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        cache.get_module(src_old, info, "theano_test_")
        name = "theano_test_" + cache.module_key(src_old, info)[:40]
        del cache._LOADED[name]
        real_mkdtemp = cache.tempfile.mkdtemp

        def refusing(prefix=None, dir=None, **kw):
            if dir is not None and str(dir).startswith(str(tmp_path)):
                raise PermissionError(13, "Permission denied", dir)
            return real_mkdtemp(prefix=prefix, dir=dir, **kw)
        monkeypatch.setattr(cache.tempfile, "mkdtemp", refusing)
        assert cache.get_module(src_old, info, "theano_test_").value() == 3
        assert len(clean_state) == 1 and not rec  # loaded, not rebuilt
        new = cache.get_module(_source(4), info, "theano_test_")
        assert cache.get_module(_source(5), info, "theano_test_").value() == 5
    [msg] = [str(w.message) for w in rec if issubclass(w.category, RuntimeWarning)]
    assert "{0} (Permission denied: {0})".format(tmp_path / "cmodules") in msg
    assert new.value() == 4 and new.__file__.startswith(cache._PRIVATE[0])
    assert _binaries(tmp_path / "cmodules") == [name + EXT]


# ------------------------------------------------- 3. processes killed while compiling
def test_build_dirs_of_dead_processes_are_cleaned_when_a_module_is_written(
        tmp_path, info, clean_state):
    d = str(tmp_path / "cmodules")
    dead = _dead_pid()
    dead_build = _build_dir(d, dead)
    live_build = _build_dir(d, os.getpid())
    failed_recent = _build_dir(d, dead, failed=True, days_old=0.1)
    failed_old = _build_dir(d, dead, failed=True, days_old=2)
    other_host_recent = _build_dir(d, 1, host="0badf00d")
    other_host_old = _build_dir(d, 1, host="0badf00d", days_old=2)
    ancient_live = _build_dir(d, os.getpid(), days_old=8)
    old_format = os.path.join(d, "tmp_theano_c_0123_abcd")
    os.makedirs(old_format)
    os.utime(old_format, (time.time() - 2 * DAY,) * 2)
    # Nothing in a build directory is ever taken for a cached module.
    assert cache.cache_entries(d) == []
    with change_flags(compiledir=str(tmp_path)):
        assert cache.get_module(_source(11), info, "theano_test_").value() == 11
    left = set(os.listdir(d))
    for path in (dead_build, failed_old, other_host_old, ancient_live, old_format):
        assert os.path.basename(path) not in left, path
    for path in (live_build, failed_recent, other_host_recent):
        assert os.path.basename(path) in left, path


def test_failed_builds_are_kept_with_nocleanup(tmp_path, info, clean_state):
    d = str(tmp_path / "cmodules")
    failed_old = _build_dir(d, _dead_pid(), failed=True, days_old=2)
    with change_flags(compiledir=str(tmp_path), nocleanup=True):
        cache.get_module(_source(12), info, "theano_test_")
    assert os.path.isdir(failed_old)


def test_a_failed_compilation_keeps_its_source_and_marks_its_build(tmp_path, info,
                                                                   clean_state):
    with change_flags(compiledir=str(tmp_path)):
        with pytest.raises(compiler.CompileError) as err:
            cache.get_module("this is not C", info, "theano_test_")
    path = str(err.value).split("Source kept at: ")[1].splitlines()[0]
    assert pathlib.Path(path).read_text() == "this is not C"
    [bd] = cache.build_dirs(str(tmp_path / "cmodules"))
    assert bd.failed and bd.alive and bd.path == os.path.dirname(path)
    assert _binaries(tmp_path / "cmodules") == []


_SLOW_CC = """#!/bin/sh
if [ -n "$THEANO_TEST_SLOW_CC" ] && [ "$1" != "--version" ]; then
    touch "$THEANO_TEST_SLOW_CC"
    sleep 120
fi
exec %s "$@"
"""


@pytest.mark.slow
def test_a_process_killed_while_compiling_leaves_nothing_that_breaks_the_next(tmp_path,
                                                                              info):
    cc = tmp_path / "slow-cc"
    cc.write_text(_SLOW_CC % info[0])
    cc.chmod(0o755)
    marker = tmp_path / "compiling"
    compiledir = tmp_path / "compiledir"
    env = dict(os.environ, THEANO_FLAGS="compiledir=%s,cxx=%s" % (compiledir, cc),
               PYTHONPATH=os.pathsep.join([ROOT] + sys.path), THEANO_TEST_SLOW_CC=str(marker))
    proc = subprocess.Popen([sys.executable, "-c", _FN_SCRIPT], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.time() + 120
        while not marker.exists():
            assert proc.poll() is None and time.time() < deadline, "never reached the compiler"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the process, its shell and its sleep
        proc.wait()
    d = compiledir / "cmodules"
    assert _binaries(d) == []  # nothing half-written can be found
    [bd] = cache.build_dirs(str(d))
    assert bd.pid == proc.pid and not bd.alive and not bd.failed
    got = _run_functions(str(compiledir), ["cxx=%s" % cc])
    assert got["compiled"] and not _runtime_warnings(got)
    assert cache.build_dirs(str(d)) == []
    assert _binaries(d) == sorted(got["compiled"])


# ---------------------------------------------------- 4. last use and automatic clean-up
def test_loading_a_module_records_its_last_use(tmp_path, info, clean_state):
    src = _source(21)
    with change_flags(compiledir=str(tmp_path)):
        module = cache.get_module(src, info, "theano_test_")
        old = time.time() - 10 * DAY
        os.utime(module.__file__, (old, old))
        del cache._LOADED[module.__name__]
        again = cache.get_module(src, info, "theano_test_")
    assert again.value() == 21 and len(clean_state) == 1
    assert abs(os.path.getmtime(again.__file__) - time.time()) < 60
    [entry] = cache.cache_entries(str(tmp_path / "cmodules"))
    assert entry.name == module.__name__ and entry.last_used > old + DAY
    assert sorted(entry.paths) == sorted([again.__file__, again.__file__[:-len(EXT)] + ".c"])


def test_writing_a_module_evicts_the_least_recently_used_beyond_the_size_limit(
        tmp_path, info, clean_state):
    d = str(tmp_path / "cmodules")
    for k, days in enumerate((3, 2, 1)):
        _fake_entry(d, "theano_c_fake%d" % k, 400, days)
    with change_flags(compiledir=str(tmp_path), cmodule__max_size_mb=1):
        new = cache.get_module(_source(31), info, "theano_test_")
    names = [e.name for e in cache.cache_entries(d)]
    assert names == ["theano_c_fake1", "theano_c_fake2", new.__name__]
    assert sum(e.size for e in cache.cache_entries(d)) <= 2 ** 20
    # A limit smaller than the new module alone never removes the new module.
    with change_flags(compiledir=str(tmp_path), cmodule__max_size_mb=1):
        _fake_entry(d, "theano_c_big", 2000, 0.5)
        newer = cache.get_module(_source(32), info, "theano_test_")
    left = [e.name for e in cache.cache_entries(d)]
    assert newer.__name__ in left and new.__name__ in left  # this process uses `new`
    assert not [n for n in left if n.startswith("theano_c_")]


def test_writing_a_module_evicts_modules_unused_for_too_long(tmp_path, info, clean_state):
    d = str(tmp_path / "cmodules")
    _fake_entry(d, "theano_c_old", 10, 25)
    _fake_entry(d, "theano_c_recent", 10, 23)
    with change_flags(compiledir=str(tmp_path)):  # default: 24 days
        assert config.cmodule__age_thresh_use == 24 * 86400
        cache.get_module(_source(41), info, "theano_test_")
    names = [e.name for e in cache.cache_entries(d)]
    assert "theano_c_old" not in names and "theano_c_recent" in names
    _fake_entry(d, "theano_c_older", 10, 400)
    with change_flags(compiledir=str(tmp_path), cmodule__age_thresh_use=0,
                      cmodule__max_size_mb=0):  # 0: no limits
        cache.get_module(_source(42), info, "theano_test_")
    assert "theano_c_older" in [e.name for e in cache.cache_entries(d)]


def test_clean_up_limits_are_config_flags():
    assert config.cmodule__max_size_mb == 1000
    with pytest.raises(ValueError, match="cmodule.max_size_mb"):
        with change_flags(cmodule__max_size_mb=-1):
            pass


# -------------------------------------------------------------- 5. the command line
def _cli(*argv):
    out = io.StringIO()
    assert cache_cli.main(list(argv), out=out) == 0
    return out.getvalue()


@pytest.fixture
def fake_cache(tmp_path):
    d = str(tmp_path / "cmodules")
    _fake_entry(d, "theano_c_a", 300, 30)
    _fake_entry(d, "theano_c_b", 300, 5)
    _fake_entry(d, "theano_c_c", 300, 1)
    return tmp_path


def test_cli_list(fake_cache):
    dead = _build_dir(str(fake_cache / "cmodules"), _dead_pid())
    with change_flags(compiledir=str(fake_cache)):
        text = _cli("list")
    lines = text.splitlines()
    assert lines[0] == "Compiled-module cache: %s" % (fake_cache / "cmodules")
    rows = [ln.split() for ln in lines[2:5]]
    assert [r[-1] for r in rows] == ["theano_c_c", "theano_c_b", "theano_c_a"]
    assert all(r[:2] == ["300.0", "KB"] for r in rows)
    when = time.strftime("%Y-%m-%d", time.localtime(time.time() - 30 * DAY))
    assert rows[2][2] == when
    assert "3 modules, 900.0 KB in total." in text
    assert "1 build directory: 0 compiling now, 0 failed" in text
    assert "beyond 1000 MB; unused for 24 days" in text
    assert os.path.isdir(dead)  # listing changes nothing


def test_cli_clear_by_age_and_size(fake_cache):
    with change_flags(compiledir=str(fake_cache)):
        text = _cli("clear")  # the flags' defaults: 24 days, 1000 MB
        assert text.startswith("Removed 1 module (300.0 KB) from")
        assert [e.name for e in cache.cache_entries()] == ["theano_c_b", "theano_c_c"]
        text = _cli("clear", "--older-than", "0", "--max-size", "0.5")
        assert "Removed 1 module (300.0 KB)" in text and "1 (300.0 KB) remain" in text
        assert [e.name for e in cache.cache_entries()] == ["theano_c_c"]
        assert "Removed 0 modules" in _cli("clear", "--older-than", "2", "--max-size", "0")
        assert "Removed 1 module" in _cli("clear", "--older-than", "0.5")
        assert cache.cache_entries() == []


def test_cli_purge_spares_builds_of_live_processes(fake_cache):
    d = str(fake_cache / "cmodules")
    dead = _build_dir(d, _dead_pid())
    live = _build_dir(d, os.getpid())
    text = _cli("--compiledir", str(fake_cache), "purge")
    assert text.startswith("Removed 3 modules (900.0 KB) and 1 build directory from %s" % d)
    assert "Left %s: process %d is still using it." % (live, os.getpid()) in text
    assert cache.cache_entries(d) == [] and not os.path.exists(dead) and os.path.isdir(live)


def test_cli_without_a_command_prints_the_directory(tmp_path):
    with change_flags(compiledir=str(tmp_path)):
        assert _cli() == str(tmp_path / "cmodules") + "\n"
        assert "0 modules, 0 B in total." in _cli("list")  # not created yet


def test_cli_usage_errors_and_help(capsys):
    with pytest.raises(SystemExit) as exit_:
        cache_cli.main(["shrink"])
    assert exit_.value.code == 2 and "invalid choice: 'shrink'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        cache_cli.main(["clear", "--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert exit_.value.code == 0
    assert "--older-than DAYS" in text and "--max-size MB" in text and "default: 24" in text


def test_cli_as_a_program(fake_cache):
    res = _run(["-m", "theano.cache", "list"], str(fake_cache))
    assert res.returncode == 0, res.stderr
    assert "3 modules, 900.0 KB in total." in res.stdout
    res = _run(["-m", "theano.cache", "--help"])
    assert res.returncode == 0 and "usage: python -m theano.cache" in res.stdout
    assert all(cmd in res.stdout for cmd in ("list", "clear", "purge", "--compiledir"))


# ------------------------------------------------------ the hidden-compiler fall-back
@pytest.mark.slow
def test_no_compiler_in_a_fresh_process_warns_once_and_gives_the_c_results(tmp_path):
    # tests/link/test_c_elemwise.py checks the fall-back in-process; this is
    # the user's view: a flag, several functions, one warning, same numbers.
    c_path = _run_functions(str(tmp_path / "with_cc"))
    assert c_path["compiled"] and not _runtime_warnings(c_path)
    got = _run_functions(str(tmp_path / "no_cc"), ["cxx=/nonexistent/g++"])
    warned = _runtime_warnings(got)
    assert len(warned) == 1 and "/nonexistent/g++" in warned[0], got["warnings"]
    assert "falls back to the NumPy implementation" in warned[0]
    assert got["compiled"] == [] and not os.path.exists(tmp_path / "no_cc" / "cmodules")
    for a, b in zip(got["out"], c_path["out"]):
        np.testing.assert_allclose(np.array(a), np.array(b), rtol=1e-14)


def _two_units(value, broken=False):
    """A module in two translation units: the second defines what the first calls."""
    main = textwrap.dedent("""
        /* test module %s */
        #define PY_SSIZE_T_CLEAN
        #include <Python.h>
        long th_test_value(void);
        static PyObject *value(PyObject *self, PyObject *unused)
        { return PyLong_FromLong(th_test_value()); }
        static PyMethodDef methods[] = {{"value", value, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};
        static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "@MODULE_NAME@", NULL, -1, methods};
        PyMODINIT_FUNC PyInit_@MODULE_NAME@(void) { return PyModule_Create(&def); }
    """) % uuid.uuid4().hex
    other = "long th_test_value(void) { return %d%s; }\n" % (value, " syntax error" if broken
                                                              else "")
    return [main, other]


def test_a_module_of_several_units_is_built_linked_and_cached(tmp_path, info, clean_state):
    units = _two_units(51)
    with change_flags(compiledir=str(tmp_path)):
        module = cache.get_module(units, info, "theano_test_")
        assert module.value() == 51
        assert cache.get_module(units, info, "theano_test_") is module
    assert len(clean_state) == 1
    [entry] = cache.cache_entries(str(tmp_path / "cmodules"))
    assert sorted(os.path.basename(p)[len(entry.name):] for p in entry.paths) == sorted(
        [".c", ".unit1.c", EXT])
    # The key covers every unit.
    assert cache.module_key(units, info) != cache.module_key(units[:1], info)
    assert cache.module_key(units, info) != cache.module_key([units[0], units[1] + " "], info)


def test_a_failing_unit_is_named_in_the_error(tmp_path, info, clean_state):
    with change_flags(compiledir=str(tmp_path)):
        with pytest.raises(compiler.CompileError) as err:
            cache.get_module(_two_units(52, broken=True), info, "theano_test_")
    path = str(err.value).split("Source kept at: ")[1].splitlines()[0]
    assert path.endswith(".unit1.c") and "syntax error" in pathlib.Path(path).read_text()
    [bd] = cache.build_dirs(str(tmp_path / "cmodules"))
    assert bd.failed
