"""The import structure of the package follows the layer table in docs/layers.toml.

Every import of every module of ``theano/`` (module level and inside
functions) is parsed; an import that points up the table fails, unless the
table lists it as an exception (with a reason), and so does any import
cycle between packages.
"""
import ast
import pathlib
import tomllib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PKG = ROOT / "theano"
TABLE = tomllib.loads((ROOT / "docs" / "layers.toml").read_text())


def _modules():
    mods = {}
    for path in sorted(PKG.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts.pop()
        mods[".".join(parts)] = (path, is_pkg)
    return mods


MODULES = _modules()


def _resolve(name):
    """The module of ours that ``name`` (a module or a name in a module) refers to."""
    parts = name.split(".")
    while parts:
        cand = ".".join(parts)
        if cand in MODULES:
            return cand
        parts.pop()
    return None


def _imports(mod):
    """``(imported module, line, function-local?)`` for every import of ``mod``."""
    path, is_pkg = MODULES[mod]
    tree = ast.parse(path.read_text(), str(path))
    found = []

    def visit(node, local):
        for child in ast.iter_child_nodes(node):
            inner = local or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    target = _resolve(alias.name)
                    if target:
                        found.append((target, child.lineno, local))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
                    base = base[:len(base) - child.level + 1]
                    modname = ".".join(base + ([child.module] if child.module else []))
                else:
                    modname = child.module or ""
                if not modname.startswith("theano"):
                    continue
                for alias in child.names:
                    sub = _resolve(modname + "." + alias.name)
                    target = sub if sub == modname + "." + alias.name else _resolve(modname)
                    if target:
                        found.append((target, child.lineno, local))
            visit(child, inner)

    visit(tree, False)
    return [f for f in found if f[0] != mod]


def _layer_of(mod):
    best, best_len = None, -1
    for rank, layer in enumerate(TABLE["layer"]):
        for prefix in layer["modules"]:
            if (mod == prefix or mod.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = rank, len(prefix)
    return best


def _excepted(importer, imported):
    for exc in TABLE.get("exception", []):
        if ((importer == exc["importer"] or importer.startswith(exc["importer"] + "."))
                and (imported == exc["imported"] or imported.startswith(exc["imported"] + "."))):
            return True
    return False


def test_every_module_has_a_layer():
    missing = [m for m in MODULES if _layer_of(m) is None]
    assert not missing, "modules not covered by docs/layers.toml: %s" % missing


def test_aliases_exist():
    for mod in TABLE.get("aliases", {}).get("modules", ()):
        assert mod in MODULES, "docs/layers.toml lists a missing alias module %s" % mod


def test_exceptions_have_reasons_and_are_used():
    for exc in TABLE.get("exception", []):
        assert exc.get("reason"), exc
        used = [(m, t) for m in MODULES for t, _, local in _imports(m)
                if local and _excepted(m, t) and _layer_of(t) > _layer_of(m)]
        assert used, "exception %s -> %s is not needed any more" % (exc["importer"],
                                                                    exc["imported"])


def test_no_import_points_up():
    names = [layer["name"] for layer in TABLE["layer"]]
    bad = []
    for mod in MODULES:
        for target, line, local in _imports(mod):
            if _layer_of(target) > _layer_of(mod):
                if local and _excepted(mod, target):
                    continue
                bad.append("%s:%d (%s layer) imports %s (%s layer)%s"
                           % (mod, line, names[_layer_of(mod)], target,
                              names[_layer_of(target)], " inside a function" if local else ""))
    assert not bad, "imports pointing up the layer table:\n" + "\n".join(bad)


def _package(mod):
    """A module's node in the package graph: its package; a module directly
    under ``theano/`` (``theano.configparser``, ``theano.ifelse``) is its own."""
    path, is_pkg = MODULES[mod]
    if is_pkg or mod.count(".") == 1:
        return mod
    return mod.rpartition(".")[0]


def _package_graph():
    """Edges between packages; a package's ``__init__`` assembling its own
    sub-packages (a namespace) is not a dependency of the package on them."""
    edges = {}
    for mod in MODULES:
        if mod in TABLE.get("aliases", {}).get("modules", ()):
            continue
        src = _package(mod)
        is_pkg = MODULES[mod][1]
        for target, line, local in _imports(mod):
            dst = _package(target)
            if dst == src:
                continue
            if is_pkg and dst.startswith(mod + "."):
                continue
            if local and _excepted(mod, target):
                continue
            edges.setdefault(src, {}).setdefault(dst, "%s:%d" % (mod, line))
    return edges


def _cycles(edges):
    """Strongly connected components with more than one package (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in list(edges):
        if v not in index:
            strong(v)
    return out


def test_no_cycle_between_packages():
    edges = _package_graph()
    cycles = _cycles(edges)
    msgs = []
    for comp in cycles:
        links = ["  %s -> %s (%s)" % (a, b, where) for a in comp
                 for b, where in edges.get(a, {}).items() if b in comp]
        msgs.append("cycle between %s:\n%s" % (", ".join(comp), "\n".join(links)))
    assert not cycles, "\n".join(msgs)


@pytest.mark.parametrize("mod", sorted(m for m in MODULES if not MODULES[m][1]))
def test_no_import_of_missing_module(mod):
    """Every ``theano.*`` name imported anywhere exists (no dead fallbacks)."""
    path, _ = MODULES[mod]
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module]
        for name in names:
            if name.startswith("theano"):
                assert _resolve(name) == name or name.rpartition(".")[0] in MODULES, \
                    "%s:%d imports %s, which does not exist" % (mod, node.lineno, name)
