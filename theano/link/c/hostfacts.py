"""Facts about this host that are slow to establish, remembered in the compile directory.

A warm start should only load shared objects, but finding out which ones used to
cost more than loading them: running ``g++ --version``, reading ``/proc/cpuinfo``,
reading and hashing the C runtime's sources (about 20 ms together, a third of a
warm compile of a training step).  Each such fact is stored with a *stamp*, a
cheap fingerprint of everything the fact depends on (the compiler binary's path,
size and modification time; the boot id of the machine; the sizes and times of
the C sources); a fact is reused only while its stamp is unchanged, and otherwise
established again and rewritten.

The file is ``<compiledir>/hostfacts-<host>.json``.  It is a cache, not a
record: it is written whole with an atomic rename (two processes writing at
once lose at most one another's new facts, which are then established again),
a file that cannot be read or parsed is ignored, and a directory that cannot be
written only costs the time the file would have saved.
"""
import functools
import hashlib
import json
import os
import socket
import tempfile
import threading

from theano.configparser import config

__all__ = ["recall", "boot_id", "file_stamp", "host_tag"]

_LOCK = threading.Lock()
_FACTS = {}  # file path -> facts dict of this process


@functools.lru_cache(maxsize=None)
def host_tag():
    """8 hex digits naming this host (files of several hosts may share a compile dir)."""
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def _path():
    return os.path.join(config.compiledir, "hostfacts-%s.json" % host_tag())


def _facts(path):
    facts = _FACTS.get(path)
    if facts is None:
        try:
            with open(path) as f:
                facts = json.load(f)
            if not isinstance(facts, dict):
                facts = {}
        except (OSError, ValueError):
            facts = {}
        _FACTS[path] = facts
    return facts


def _save(path, facts):
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".hostfacts_", dir=os.path.dirname(path))
        with os.fdopen(fd, "w") as f:
            json.dump(facts, f, sort_keys=True)
        os.replace(tmp, path)
    except OSError:
        pass  # read-only compile directory: the facts are established every time


def recall(name, stamp, establish):
    """The fact ``name`` remembered with ``stamp``, or ``establish()`` (remembered with
    ``stamp`` for the next processes).

    ``stamp`` and the value must be JSON data; a ``stamp`` of None means the fact cannot
    be fingerprinted here, so it is established every time and not written.
    """
    if stamp is None:
        return establish()
    stamp = json.loads(json.dumps(stamp))  # tuples compare as the lists read back
    path = _path()
    with _LOCK:
        entry = _facts(path).get(name)
    if isinstance(entry, list) and len(entry) == 2 and entry[0] == stamp:
        return entry[1]
    value = establish()
    with _LOCK:
        facts = dict(_facts(path))
        facts[name] = [stamp, value]
        _FACTS[path] = facts
        _save(path, facts)
    return value


def boot_id():
    """An id of this boot of the machine (the CPU cannot change within it), or None."""
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            return f.read().strip() or None
    except OSError:
        return None


def file_stamp(path):
    """``[path, size, mtime_ns]`` of a file, or None when it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [path, st.st_size, st.st_mtime_ns]
