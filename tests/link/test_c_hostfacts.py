"""Slow-to-establish host facts are remembered in the compile directory, keyed by stamps."""
import json
import os
import stat

import pytest

from theano.configparser import change_flags
from theano.link.c import compiler, hostfacts, runtime
from theano.link.c.cache import module_key


@pytest.fixture
def compiledir(tmp_path):
    with change_flags(compiledir=str(tmp_path)):
        hostfacts._FACTS.clear()
        yield tmp_path
    hostfacts._FACTS.clear()


def _facts_file(d):
    (path,) = [p for p in os.listdir(d) if p.startswith("hostfacts-")]
    return os.path.join(d, path)


def test_recall_reuses_while_stamp_unchanged(compiledir):
    calls = []

    def establish():
        calls.append(1)
        return {"answer": len(calls)}

    assert hostfacts.recall("x", ["a", 1], establish) == {"answer": 1}
    assert hostfacts.recall("x", ("a", 1), establish) == {"answer": 1}  # tuple == list stamp
    assert len(calls) == 1
    hostfacts._FACTS.clear()  # a new process reads the file
    assert hostfacts.recall("x", ["a", 1], establish) == {"answer": 1}
    assert len(calls) == 1
    assert hostfacts.recall("x", ["a", 2], establish) == {"answer": 2}  # stamp changed
    hostfacts._FACTS.clear()
    assert hostfacts.recall("x", ["a", 2], establish) == {"answer": 2}
    assert len(calls) == 2
    assert hostfacts.recall("y", None, establish) == {"answer": 3}  # no stamp: never kept
    assert hostfacts.recall("y", None, establish) == {"answer": 4}
    assert "y" not in json.load(open(_facts_file(compiledir)))


def test_corrupt_or_unwritable_file_is_ignored(compiledir):
    hostfacts.recall("x", [1], lambda: 5)
    path = _facts_file(compiledir)
    for junk in ("{not json", "[1, 2]", ""):
        with open(path, "w") as f:
            f.write(junk)
        hostfacts._FACTS.clear()
        assert hostfacts.recall("x", [1], lambda: 6) == 6
    if os.geteuid() == 0:
        return  # root writes anywhere: the read-only case cannot be made here
    os.chmod(compiledir, stat.S_IRUSR | stat.S_IXUSR)
    try:
        hostfacts._FACTS.clear()
        assert hostfacts.recall("z", [1], lambda: 7) == 7
    finally:
        os.chmod(compiledir, stat.S_IRWXU)


def test_missing_compiledir_is_created(tmp_path):
    with change_flags(compiledir=str(tmp_path / "new" / "dir")):
        hostfacts._FACTS.clear()
        assert hostfacts.recall("x", [1], lambda: 8) == 8
        assert os.listdir(tmp_path / "new" / "dir")[0].startswith("hostfacts-")
    hostfacts._FACTS.clear()


def test_compiler_probe_is_remembered_until_the_binary_changes(compiledir, tmp_path):
    fake = tmp_path / "fakecc"
    fake.write_text("#!/bin/sh\necho 'gcc (Fake) 1.0'\n")
    fake.chmod(0o755)
    assert compiler._run_probe(str(fake)) == (("gcc (Fake) 1.0", True), None)
    assert compiler._probe.__wrapped__(str(fake)) == (("gcc (Fake) 1.0", True), None)
    # Same stamp: the remembered answer, even though running it would now differ.
    st = os.stat(fake)
    fake.write_text("#!/bin/sh\necho 'gcc (Fake) 2.0'\n")
    os.utime(fake, ns=(st.st_atime_ns, st.st_mtime_ns))
    hostfacts._FACTS.clear()
    assert compiler._probe.__wrapped__(str(fake))[0][0] == "gcc (Fake) 1.0"
    # The binary changed (time and size): probed again.
    fake.write_text("#!/bin/sh\necho 'clang version 19.1'\n")
    assert compiler._probe.__wrapped__(str(fake)) == (("clang version 19.1", False), None)


def test_failed_probe_is_not_remembered(compiledir, tmp_path):
    fake = tmp_path / "badcc"
    fake.write_text("#!/bin/sh\necho broken >&2\nexit 3\n")
    fake.chmod(0o755)
    assert compiler._probe.__wrapped__(str(fake)) == (None, "broken")
    fake.write_text("#!/bin/sh\necho 'gcc (Fixed) 3.0'\n")
    assert compiler._probe.__wrapped__(str(fake)) == (("gcc (Fixed) 3.0", True), None)


def test_runtime_name_matches_the_source_hash(compiledir, monkeypatch):
    info = compiler.compiler_info()
    if info is None:
        pytest.skip("no C compiler")
    expected = "theano_c_rt_" + module_key(runtime.runtime_units(), info)[:40]
    assert runtime._runtime_name(info) == expected
    # A later process finds the name without reading the sources.
    hostfacts._FACTS.clear()

    def no_source():
        raise AssertionError("the runtime's sources were read")

    monkeypatch.setattr(runtime, "runtime_units", no_source)
    assert runtime._runtime_name(info) == expected


def test_runtime_name_follows_edited_sources(compiledir, monkeypatch, tmp_path):
    info = compiler.compiler_info()
    if info is None:
        pytest.skip("no C compiler")
    code = tmp_path / "c_code"
    code.mkdir()
    for name in os.listdir(runtime.C_CODE_DIR):
        (code / name).write_text(open(os.path.join(runtime.C_CODE_DIR, name)).read())
    monkeypatch.setattr(runtime, "C_CODE_DIR", str(code))
    first = runtime._runtime_name(info)
    with open(code / "th_vm.c", "a") as f:
        f.write("\n/* edited */\n")
    hostfacts._FACTS.clear()
    second = runtime._runtime_name(info)
    assert second != first
    assert second == "theano_c_rt_" + module_key(runtime.runtime_units(), info)[:40]


def test_wide_vectors_follow_the_cpu_and_are_remembered(compiledir, monkeypatch):
    """On an x86 CPU with AVX-512F kernels are vectorised with 512-bit registers; the
    answer read from /proc/cpuinfo is remembered for the boot."""
    has_avx512 = compiler._has_avx512
    monkeypatch.setattr(compiler.platform, "machine", lambda: "x86_64")
    for has in (True, False):
        monkeypatch.setattr(compiler, "_has_avx512", lambda has=has: has)
        flags = compiler._arch_flags()
        assert flags[0] == "-march=native"
        assert ("-mprefer-vector-width=512" in flags) is has
    monkeypatch.setattr(compiler, "_has_avx512", has_avx512)
    calls = []

    def read():
        calls.append(1)
        return True

    monkeypatch.setattr(compiler, "_read_avx512", read)
    compiler._has_avx512.cache_clear()
    try:
        assert compiler._has_avx512() is True
        hostfacts._FACTS.clear()            # a new process of the same boot
        compiler._has_avx512.cache_clear()
        assert compiler._has_avx512() is True
        assert len(calls) == (1 if hostfacts.boot_id() else 2)
    finally:
        compiler._has_avx512.cache_clear()
