"""Every code block of the user guide (docs/*.md) runs, and prints what the page shows.

The convention of the pages:

* a ```python block is executed; the blocks of one page share one namespace,
  in order, starting in a fresh temporary directory;
* the ```output block right after it is what the code prints (stdout),
  compared line by line after trailing spaces are dropped; ``...`` alone on
  a line stands for any number of lines, and inside a line for any text; a
  ```python block not followed by an ```output block must print nothing;
* a ```shell block is a command for a terminal: it is not run here, but
  what it names must exist (the ``python -m`` modules, the example scripts,
  the pip extras);
* no other kind of code block.

Run ``python tests/docs/test_user_guide.py docs/basics.md`` to print what
each block of a page prints now.
"""
import contextlib
import io
import linecache
import os
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# The user guide: every page but the developers' ones and the generated flag list
# (the latter is checked by test_user_guide_config.py).
DEVELOPER_PAGES = {"architecture.md", "c-backend.md", "random.md", "config.md"}
GUIDE = sorted(p for p in DOCS.glob("*.md") if p.name not in DEVELOPER_PAGES)
FENCE = re.compile(r"^```([\w-]*)[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def blocks(page):
    """``[(kind, text, line number)]`` of the fenced blocks of ``page``."""
    text = page.read_text()
    return [(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1)
            for m in FENCE.finditer(text)]


def examples(page):
    """``[(code, expected output or None, line number)]``."""
    found, items = [], blocks(page)
    for k, (kind, text, line) in enumerate(items):
        if kind == "python":
            following = items[k + 1] if k + 1 < len(items) else None
            expected = following[1] if following and following[0] == "output" else None
            found.append((text, expected, line))
    return found


def _line_matches(pattern, line):
    parts = [re.escape(p) for p in pattern.split("...")]
    return re.fullmatch(".*".join(parts), line) is not None


def output_matches(expected, actual):
    want = [line.rstrip() for line in expected.strip("\n").splitlines()]
    got = [line.rstrip() for line in actual.strip("\n").splitlines()]

    def match(i, j):
        if i == len(want):
            return j == len(got)
        if want[i] == "...":
            return any(match(i + 1, k) for k in range(j, len(got) + 1))
        return j < len(got) and _line_matches(want[i], got[j]) and match(i + 1, j + 1)

    return match(0, 0)


def run_page(page, tmp_path):
    """Run every python block; yield ``(line, code, expected, actual output)``."""
    namespace = {"__name__": "__guide__"}
    old_cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for code, expected, line in examples(page):
            out = io.StringIO()
            filename = "%s:%d" % (page.name, line)
            # Tracebacks and Theano's error messages show the lines of the block.
            linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
            with contextlib.redirect_stdout(out):
                try:
                    exec(compile(code, filename, "exec"), namespace)
                except Exception as exc:
                    raise AssertionError("%s, the block at line %d raised %s: %s"
                                         % (page.name, line, type(exc).__name__, exc)) from exc
            yield line, code, expected, out.getvalue()
    finally:
        os.chdir(old_cwd)


def test_the_guide_exists_and_links_every_page():
    assert len(GUIDE) >= 12
    index = (DOCS / "user-guide.md").read_text()
    for page in GUIDE + [DOCS / "config.md", DOCS / "c-backend.md"]:
        if page.name != "user-guide.md":
            assert "(%s)" % page.name in index, "user-guide.md does not link %s" % page.name
    readme = (ROOT / "README.md").read_text()
    for page in GUIDE + [DOCS / "config.md"]:
        assert "(docs/%s)" % page.name in readme, "README.md does not link %s" % page.name


def test_links_between_pages_resolve():
    for page in GUIDE:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text()):
            assert (page.parent / target).exists(), "%s links to missing %s" % (page.name,
                                                                                target)


@pytest.mark.parametrize("page", GUIDE, ids=[p.name for p in GUIDE])
def test_page_blocks_run_and_print_what_is_shown(page, tmp_path):
    kinds = {kind for kind, _, _ in blocks(page)}
    assert kinds <= {"python", "output", "shell"}, "%s: unknown block kinds %s" % (
        page.name, kinds - {"python", "output", "shell"})
    items = blocks(page)
    for k, (kind, _, line) in enumerate(items):
        if kind == "output":
            assert k > 0 and items[k - 1][0] == "python", \
                "%s:%d: an output block must follow a python block" % (page.name, line)
    for line, code, expected, actual in run_page(page, tmp_path):
        if expected is None:
            assert actual == "", "%s:%d printed, but the page shows no output:\n%s" % (
                page.name, line, actual)
        else:
            assert output_matches(expected, actual), (
                "%s:%d prints something else than the page shows.\n--- shown:\n%s\n"
                "--- printed:\n%s" % (page.name, line, expected, actual))


def test_shell_commands_name_real_things():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    import importlib.util

    seen = 0
    for page in GUIDE:
        for kind, text, line in blocks(page):
            if kind != "shell":
                continue
            for command in text.splitlines():
                command = command.strip()
                seen += 1
                for module in re.findall(r"python -m ([\w.]+)", command):
                    if module not in ("pip", "pytest", "venv"):
                        assert importlib.util.find_spec(module), (page.name, line, module)
                for script in re.findall(r"python ((?:examples|docs|bench)/[\w/]+\.py)",
                                         command):
                    assert (ROOT / script).is_file(), (page.name, line, script)
                for group in re.findall(r'\.\[([\w,]+)\]', command):
                    for extra in group.split(","):
                        assert extra in extras, (page.name, line, extra)
    assert seen > 5


if __name__ == "__main__":
    import tempfile

    for name in sys.argv[1:]:
        with tempfile.TemporaryDirectory() as tmp:
            for line, code, expected, actual in run_page(Path(name).resolve(), Path(tmp)):
                print("=== line %d%s" % (line, "" if expected is None else
                                         " (%s)" % ("matches" if output_matches(expected, actual)
                                                    else "DIFFERS")))
                print(actual, end="")
