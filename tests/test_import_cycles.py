"""No circle of imports in tools/ or constructs_lib/testing (issue 13 found two).

Every import counts, also one inside a function or under TYPE_CHECKING: a
circle hidden that way still means neither module can be read alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, package: str, known: set[str]) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            # "from package import module" imports that module; "from module
            # import name" the module itself
            modules = [f"{node.module}.{a.name}" for a in node.names]
            names = [m for m in modules if m in known] or [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        found.update(n for n in names if n in known and n.startswith(package))
    return found


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


@pytest.mark.parametrize("package", ["tools", "constructs_lib.testing"])
def test_no_import_cycles(package: str) -> None:
    folder = REPO_ROOT.joinpath(*package.split("."))
    paths = {_module_name(p): p for p in folder.rglob("*.py")}
    known = set(paths)
    # a package's own __init__ is where its submodules are gathered: edges into
    # the package itself are left out, edges to its modules are kept
    graph = {
        name: {m for m in _imports(path, package, known) if m != name and m != package}
        for name, path in paths.items()
    }
    cycle = _cycle(graph)
    assert not cycle, " -> ".join(cycle)
