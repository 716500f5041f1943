"""The package's layers, as README's "Layers" section writes them, checked on the source itself.

Every `import` of a pyhelmfile module is read, at module level and inside functions: a module may import
its own layer group or a lower one, never a higher one or a peer (imports for type hints included); and no
chain of imports that run leads from a module back to itself (`if TYPE_CHECKING:` imports never run).
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "pyhelmfile"

# group -> rank; a module may import groups of lower rank, and its own group (README, "Layers")
RANKS = {
    "__main__": 8,
    "cli": 7,
    "app": 6,  # one module per command
    "app.run": 5,  # the machinery commands share
    "state": 4,
    "helm": 3,
    "kube": 3,
    "secrets": 3,
    "diff": 3,
    "gotmpl": 2,
    "golang": 1,
    # leaf utilities, which any layer may use
    "errors": 0,
    "log": 0,
    "children": 0,
    "progress": 0,
    "pyhelmfile": 0,  # the package itself: __version__
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def group(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "pyhelmfile"
    if parts[1] == "app" and len(parts) > 2 and parts[2] == "run":
        return "app.run"
    return parts[1]


def is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (PACKAGE.parent / relative).with_suffix(".py").exists() or (PACKAGE.parent / relative).is_dir()


def _nodes(tree: ast.AST, type_hints: bool) -> list[ast.AST]:
    """Every node of the tree; without `type_hints`, not those under `if TYPE_CHECKING:`."""
    found: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        found.append(node)
        if not type_hints and isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return found


def imports(path: Path, *, type_hints: bool = True) -> set[str]:
    """The pyhelmfile modules a source file imports, wherever in the file the import is."""
    found: set[str] = set()
    for node in _nodes(ast.parse(path.read_text(encoding="utf-8")), type_hints):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and node.module.startswith("pyhelmfile")
        ):
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            submodules = [n for n in names if is_module(n)]
            found.update(submodules or [node.module])
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("pyhelmfile"))
    return found


@functools.cache
def graph(*, type_hints: bool = True) -> dict[str, set[str]]:
    return {module_name(p): imports(p, type_hints=type_hints) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_group_has_a_rank() -> None:
    assert {group(m) for m in graph()} <= set(RANKS)


def test_no_module_imports_a_higher_layer_or_a_peer() -> None:
    wrong = []
    for module, targets in graph().items():
        source = group(module)
        for target in targets:
            other = group(target)
            if other != source and RANKS[other] >= RANKS[source] and RANKS[source] > 0:
                wrong.append(f"{module} -> {target}")
            if RANKS[source] == 0 and RANKS[other] > 0:
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def find_cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import cycle (as a path that ends where it starts), or [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def test_no_import_cycle() -> None:
    assert find_cycle(graph(type_hints=False)) == []


@pytest.mark.parametrize(
    ("edges", "cycle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"a"}}, ["a", "a"]),
    ],
)
def test_find_cycle(edges: dict[str, set[str]], cycle: list[str]) -> None:
    assert find_cycle(edges) == cycle


def test_the_checks_see_function_level_imports(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pyhelmfile.cli import main\n"
        "def f():\n    from pyhelmfile.state import loader\n    import pyhelmfile.log\n"
    )
    assert imports(source, type_hints=False) == {"pyhelmfile.state.loader", "pyhelmfile.log"}
    assert imports(source) == {"pyhelmfile.state.loader", "pyhelmfile.log", "pyhelmfile.cli.main"}
