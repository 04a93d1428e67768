"""Show and clean the cache of compiled C modules: ``python -m theano.cache``.

The cache is ``<compiledir>/cmodules`` (set ``compiledir`` or
``base_compiledir`` in ``THEANO_FLAGS``/``.theanorc``, or pass
``--compiledir``)::

    python -m theano.cache                  # print the cache directory
    python -m theano.cache list             # each module: size, last use; totals
    python -m theano.cache clear            # remove modules by age and size
    python -m theano.cache clear --older-than 7 --max-size 200
    python -m theano.cache purge            # remove everything

``clear`` defaults to the limits Theano applies by itself whenever it writes
a new module: ``cmodule.age_thresh_use`` (seconds) and
``cmodule.max_size_mb``.  No command takes a lock or disturbs a running
process: a module in use stays valid after its file is removed, and build
directories of live processes are left alone.
"""
import argparse
import os
import sys
import time

from theano.configparser import config
from theano.link.c import cache as _cache

__all__ = ["main"]


def _size(nbytes):
    for unit in ("B", "KB", "MB", "GB"):
        if nbytes < 1024 or unit == "GB":
            return ("%d %s" if unit == "B" else "%.1f %s") % (nbytes, unit)
        nbytes /= 1024.0


def _when(stamp):
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp))


def _limits():
    age, size = config.cmodule__age_thresh_use, config.cmodule__max_size_mb
    return ("Automatic clean-up: %s; %s (flags cmodule.max_size_mb, cmodule.age_thresh_use)."
            % ("beyond %d MB" % size if size > 0 else "no size limit",
               "unused for %g days" % (age / 86400.0) if age > 0 else "no age limit"))


def _list(directory, out):
    entries = _cache.cache_entries(directory)
    print("Compiled-module cache: %s" % directory, file=out)
    if entries:
        print("%10s  %-16s  %s" % ("size", "last used", "module"), file=out)
        for e in reversed(entries):  # most recently used first
            print("%10s  %-16s  %s" % (_size(e.size), _when(e.last_used), e.name), file=out)
    total = sum(e.size for e in entries)
    print("%d module%s, %s in total." % (len(entries), "" if len(entries) == 1 else "s",
                                        _size(total)), file=out)
    builds = _cache.build_dirs(directory)
    if builds:
        running = sum(b.alive and not b.failed for b in builds)
        failed = sum(b.failed for b in builds)
        print("%d build director%s: %d compiling now, %d failed (source kept), %d left by "
              "ended or unknown processes." % (len(builds), "y" if len(builds) == 1 else "ies",
                                               running, failed, len(builds) - running - failed),
              file=out)
    print(_limits(), file=out)


def _clear(directory, older_than_days, max_size_mb, out):
    older = None if older_than_days is None or older_than_days <= 0 else older_than_days * 86400
    size = None if max_size_mb is None or max_size_mb <= 0 else int(max_size_mb * 2 ** 20)
    before = len(_cache.build_dirs(directory))
    removed, kept = _cache.clean(directory, older_than=older, max_size=size)
    builds = before - len(_cache.build_dirs(directory))
    print("Removed %d module%s (%s)%s from %s; %d (%s) remain."
          % (len(removed), "" if len(removed) == 1 else "s", _size(sum(e.size for e in removed)),
             " and %d build director%s" % (builds, "y" if builds == 1 else "ies") if builds
             else "", directory, len(kept), _size(sum(e.size for e in kept))), file=out)


def _purge(directory, out):
    removed, gone, busy = _cache.purge(directory)
    print("Removed %d module%s (%s) and %d build director%s from %s."
          % (len(removed), "" if len(removed) == 1 else "s", _size(sum(e.size for e in removed)),
             len(gone), "y" if len(gone) == 1 else "ies", directory), file=out)
    for b in busy:
        print("Left %s: process %d is still using it." % (b.path, b.pid), file=out)


def _parser():
    ages = config.cmodule__age_thresh_use / 86400.0
    p = argparse.ArgumentParser(
        prog="python -m theano.cache",
        description="Show and clean Theano's cache of compiled C modules. Without a command, "
                    "print the cache directory.")
    p.add_argument("--compiledir", metavar="DIR",
                   help="use this compile directory instead of config.compiledir")
    sub = p.add_subparsers(dest="command", metavar="{list,clear,purge}")
    sub.add_parser("list", help="each module with its size and last use, and the totals")
    clear = sub.add_parser(
        "clear", help="remove modules unused for a while, then the least recently used ones "
                      "while the cache is too big")
    clear.add_argument("--older-than", type=float, metavar="DAYS", default=ages,
                       help="remove modules unused for more than DAYS days (default: %g, from "
                            "cmodule.age_thresh_use; 0: keep all)" % ages)
    clear.add_argument("--max-size", type=float, metavar="MB",
                       default=config.cmodule__max_size_mb,
                       help="then remove the least recently used modules until the cache "
                            "holds at most MB megabytes (default: %d, from "
                            "cmodule.max_size_mb; 0: no limit)" % config.cmodule__max_size_mb)
    sub.add_parser("purge", help="remove every module and every build directory not in use")
    return p


def main(argv=None, out=None):
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    out = out or sys.stdout
    args = _parser().parse_args(argv)
    directory = (os.path.join(os.path.abspath(os.path.expanduser(args.compiledir)), "cmodules")
                 if args.compiledir else _cache.cache_dir())
    if args.command is None:
        print(directory, file=out)
    elif args.command == "list":
        _list(directory, out)
    elif args.command == "clear":
        _clear(directory, args.older_than, args.max_size, out)
    else:
        _purge(directory, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
