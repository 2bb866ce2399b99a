"""The package's module-level imports form no cycle; its function-local imports are few and say why."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from assets import REPO_ROOT

PACKAGE = REPO_ROOT / "hingecheck"
#: what a function-local import of a hingecheck module must say on its line: the start-up cost it avoids
LAZY_MARK = "# lazy:"


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _targets(node: ast.AST, known: set[str]) -> list[str]:
    """The hingecheck modules an import statement loads (``from pkg import mod`` counts ``pkg.mod``)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in known]
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        subs = [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in known]
        return subs or ([node.module] if node.module in known else [])
    return []


def _module_level(tree: ast.Module):
    """The statements run when the module is imported: the body, and what ``if``/``try`` hold there
    (``if TYPE_CHECKING:`` blocks are never run, so they are left out)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If):
            if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                todo += node.body + node.orelse
        elif isinstance(node, ast.Try):
            todo += node.body + node.orelse + node.finalbody + [s for h in node.handlers for s in h.body]
        else:
            yield node


def import_graph() -> dict[str, set[str]]:
    """module -> the hingecheck modules it imports at module level."""
    mods = _modules()
    known = set(mods)
    graph = {}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = {t for node in _module_level(tree) for t in _targets(node, known) if t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` as a path of modules (first == last), or None (depth-first search)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                return path[path.index(n):] + [n]
            if n not in state and (found := visit(n)):
                return found
        path.pop()
        state[m] = 2
        return None
    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_find_cycle_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_graph_sees_scoring_imports():
    graph = import_graph()
    assert "hingecheck.scoring.cache" in graph["hingecheck.scoring.plan"]
    assert "hingecheck.outputs.records" in graph["hingecheck.scoring.cache"]


def test_no_import_cycle_in_the_package():
    assert find_cycle(import_graph()) is None


def test_records_and_layout_are_leaves():
    graph = import_graph()
    assert graph["hingecheck.outputs.records"] == set()
    assert graph["hingecheck.scoring.layout"] == set()


def _local_imports(path: Path) -> list[tuple[int, str]]:
    """(line number, text of the line) of each import of a hingecheck module inside a function of
    ``path`` (the first line of a parenthesised import, where its comment goes)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = [""] + path.read_text(encoding="utf-8").splitlines()
    known = set(_modules())
    found = {node.lineno for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
             for node in ast.walk(fn) if isinstance(node, (ast.Import, ast.ImportFrom)) and _targets(node, known)}
    return [(n, lines[n]) for n in sorted(found)]


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_function_local_imports_name_their_cost(path):
    unexplained = [f"{path.name}:{n}: {text.strip()}" for n, text in _local_imports(path) if LAZY_MARK not in text]
    assert not unexplained, unexplained


def test_local_imports_are_found(tmp_path):
    mod = tmp_path / "m.py"
    mod.write_text("def f():\n    from hingecheck.core import geometry  # lazy: numpy\n\n"
                   "def g():\n    # lazy: said on the line above, which does not count\n"
                   "    from hingecheck.core.errors import HingecheckError\n", encoding="utf-8")
    found = _local_imports(mod)
    assert [n for n, _ in found] == [2, 6]
    assert LAZY_MARK in found[0][1] and LAZY_MARK not in found[1][1]
