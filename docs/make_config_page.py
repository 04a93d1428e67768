#!/usr/bin/env python
"""Write docs/config.md, the list of every Theano flag, from ``theano.config`` itself.

    python docs/make_config_page.py           # rewrite docs/config.md
    python docs/make_config_page.py --check   # exit 1 if docs/config.md is out of date

The page is generated so that it cannot drift from the code:
``tests/docs/test_user_guide_config.py`` fails when the committed page is not
what this script writes.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PAGE = os.path.join(HERE, "config.md")
sys.path.insert(0, os.path.dirname(HERE))

from theano import config  # noqa: E402  (importing theano registers every flag)

INTRO = """\
# Every configuration flag

*Generated from `theano.config` by `python docs/make_config_page.py`: do not edit by hand.*
How to set flags, and what the modes are, is explained in [modes.md](modes.md).

A flag is set, from lowest to highest priority: by its default below; in a `.theanorc` file
(`[global]` holds the flags without a dot, `[gcc]` holds `gcc.cxxflags` and so on); in the
`THEANO_FLAGS` environment variable (`THEANO_FLAGS=floatX=float32,gcc.cxxflags=-O3`); or at
run time (`theano.config.floatX = 'float32'`, or `with theano.config.change_flags(...)`),
except the flags marked *start-up only*. An unknown flag or a bad value is an error that
names the flag and the values it accepts. A *computed* default is worked out when the flag is
read, from the machine (`compiledir`, `cxx`) or from other flags (the `warn.*` flags follow
`warn.ignore_bug_before`). Flags marked *C key* are part of the key of compiled C modules:
changing them compiles new ones.

"""


def flags():
    """``{section: [(dotted name, param)]}``; top-level flags under ``""``."""
    out = {}
    for name in sorted(dir(config), key=str.lower):
        if name.startswith("_"):
            continue
        try:
            param = config.get_param(name)
        except (AttributeError, ValueError, KeyError):
            continue
        dotted = name.replace("__", ".")
        section = dotted.split(".")[0] if "." in dotted else ""
        out.setdefault(section, []).append((dotted, param))
    return out


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def default_text(param):
    if callable(param.default):
        return "*computed*"
    return "`%s`" % (param.default,) if param.default != "" else "*empty*"


def page():
    sections = flags()
    lines = [INTRO.rstrip("\n"), ""]
    total = sum(len(v) for v in sections.values())
    lines.append("%d flags. Sections: %s." % (total, ", ".join(
        "[%s](#%s)" % (s or "general", (s or "general").lower()) for s in sorted(
            sections, key=lambda s: (s != "", s.lower())))))
    for section in sorted(sections, key=lambda s: (s != "", s.lower())):
        lines += ["", "## %s" % (section or "general"), "",
                  "| flag | default | values | what it does |", "|---|---|---|---|"]
        for dotted, param in sections[section]:
            notes = []
            if not param.mutable:
                notes.append("start-up only")
            if param.in_c_key:
                notes.append("C key")
            doc = cell(param.doc) + (" (*%s*)" % ", ".join(notes) if notes else "")
            lines.append("| `%s` | %s | %s | %s |" % (dotted, cell(default_text(param)),
                                                       cell(param.allowed), doc))
    return "\n".join(lines) + "\n"


def main(argv):
    text = page()
    if "--check" in argv:
        with open(PAGE, encoding="utf-8") as f:
            if f.read() != text:
                print("docs/config.md is out of date: run python docs/make_config_page.py")
                return 1
        return 0
    with open(PAGE, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote %s (%d flags)" % (PAGE, sum(len(v) for v in flags().values())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
