"""The checks CI runs after the tests, each shown to fail on what it is there to catch."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
from conftest import REPO

PYPROJECT = REPO / "pyproject.toml"


def tool(
    module: str, *args: str, cwd: Path = REPO, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a checker of the [test] extra from this interpreter; skip when it is not installed."""
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (pip install '.[test]')")
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_ci_runs_the_checks_after_the_tests_and_ruff() -> None:
    lines = [line.strip() for line in (REPO / ".ci" / "run").read_text().splitlines()]
    order = [
        "readme_test_command || exit",
        "ruff check .",
        "ruff format --check .",
        "mypy",
        "pylint bot",
    ]
    assert [line for line in lines if line in order] == order


@pytest.mark.slow
def test_mypy_refuses_an_untyped_function(tmp_path: Path) -> None:
    (tmp_path / "untyped.py").write_text("def double(x):\n    return x * 2\n")
    args = ["--config-file", str(PYPROJECT), "--cache-dir", str(tmp_path / "cache"), "untyped.py"]
    checked = tool("mypy", *args, cwd=tmp_path)
    assert checked.returncode == 1, checked.stdout
    assert "untyped.py:1: error: Function is missing a type annotation" in checked.stdout


def test_mypy_checks_the_package_when_given_no_path() -> None:
    """`mypy` alone, as CI runs it, must check bot/ and not an empty list of files."""
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    assert config["tool"]["mypy"]["files"] == ["bot"]


UNDOCUMENTED = '"""A module."""\n\n\ndef public() -> None:\n    pass\n'


@pytest.mark.parametrize(
    ("path", "refused"),
    [("bot/anything.py", True), ("bot/telegram/x.py", True), ("tests/test_x.py", False)],
)
def test_public_functions_of_bot_need_a_docstring(path: str, refused: bool) -> None:
    checked = tool("ruff", "check", "--no-cache", "--stdin-filename", path, "-", stdin=UNDOCUMENTED)
    assert (checked.returncode == 1) == refused, checked.stdout
    assert ("D103" in checked.stdout) == refused


def _function(name: str, alike: int, returned: int) -> str:
    """A function whose body is `alike` lines that another function repeats exactly."""
    body = "".join(f"    total = total * {i + 3} + len(text) % {i + 7}\n" for i in range(alike))
    return f"def {name}(text: str, total: int) -> int:\n{body}\n    return total + {returned}\n"


@pytest.mark.slow
@pytest.mark.parametrize(("alike", "refused"), [(6, True), (5, False)])
def test_the_duplicate_check_refuses_six_repeated_lines(
    tmp_path: Path, alike: int, refused: bool
) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "one.py").write_text(_function("first", alike, 1))
    (package / "two.py").write_text("import os\n\n\n" + _function("second", alike, 2))
    checked = tool("pylint", "--rcfile", str(PYPROJECT), "pkg", cwd=tmp_path)
    assert (checked.returncode != 0) == refused, checked.stdout
    assert ("R0801" in checked.stdout) == refused


@pytest.mark.slow
def test_the_duplicate_check_runs_nothing_else(tmp_path: Path) -> None:
    """pylint here is only the duplicate check: ruff and mypy own style and types."""
    (tmp_path / "messy.py").write_text(
        textwrap.dedent("""\
        import os
        def f(a,b):
            x=1
            return a
    """)
    )
    checked = tool("pylint", "--rcfile", str(PYPROJECT), "messy.py", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
