"""Sanad's modules import one another in one direction only: no circle, in any package.

An import circle (even one under TYPE_CHECKING) means two modules that cannot be read, or
changed, apart. Imports are read from the source, so the ones only type checkers see count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPO


def imports(root: Path, package: str) -> dict[str, set[str]]:
    """Each module of `package` (a folder under `root`) and the modules of it that it imports."""
    folder = root.joinpath(*package.split("."))
    names = {package + "." + p.stem: p for p in folder.glob("*.py") if p.stem != "__init__"}
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        wanted: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                wanted.update(f"{node.module}.{alias.name}" for alias in node.names)
                wanted.add(node.module)
            elif isinstance(node, ast.Import):
                wanted.update(alias.name for alias in node.names)
        graph[name] = (wanted & names.keys()) - {name}
    return graph


def circle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle as the modules along it, or [] when there is none."""
    done: set[str] = set()

    def walk(name: str, path: list[str]) -> list[str]:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return []
        for imported in sorted(graph[name]):
            found = walk(imported, [*path, name])
            if found:
                return found
        done.add(name)
        return []

    for start in sorted(graph):
        found = walk(start, [])
        if found:
            return found
    return []


@pytest.mark.parametrize(
    ("package", "some"), [("bot", "bot.engine"), ("bot.telegram", "bot.telegram.app")]
)
def test_no_module_imports_one_that_imports_it_back(package: str, some: str) -> None:
    graph = imports(REPO, package)
    assert len(graph) > 15 and graph[some]
    assert circle(graph) == []


def test_a_circle_through_type_checking_imports_is_found(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text("from pkg.b import thing\n")
    (package / "b.py").write_text("from pkg import c\n")
    (package / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import other\n"
    )
    assert circle(imports(tmp_path, "pkg")) == ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]
    (package / "c.py").write_text("import json\n")
    assert circle(imports(tmp_path, "pkg")) == []
