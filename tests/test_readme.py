"""The README's two opening commands, run as written."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
# What a fresh checkout holds when git is not there to say: everything but history, local
# state and build output.
_BUILT = shutil.ignore_patterns(
    ".git", "__pycache__", "*.egg-info", "build", "dist", ".venv", ".*_cache", "*.sqlite3*"
)


def not_shipped(folder: str, names: list[str]) -> set[str]:
    """What copytree leaves out; the top-level data/ is the local database's folder."""
    left_out = set(_BUILT(folder, names))
    if Path(folder) == REPO:
        left_out.add("data")
    return left_out


def fresh_checkout(target: Path) -> None:
    """Copy the files git tracks (as they are now), so a file never committed is missed here
    as it would be in a clone; without git, copy the tree."""
    git = shutil.which("git")
    if git is None or not (REPO / ".git").exists():
        shutil.copytree(REPO, target, ignore=not_shipped)
        return
    listed = subprocess.run([git, "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def opening_commands() -> list[str]:
    """The lines of the README's first code block."""
    match = re.search(r"```sh\n(.*?)```", README, re.S)
    assert match, "the README opens with a ```sh block"
    return [line for line in match.group(1).splitlines() if line.strip()]


def test_the_readme_opens_with_two_commands() -> None:
    install_and_ask, install_and_test = opening_commands()
    assert install_and_ask.startswith("pip install . && sanad ask ")
    assert install_and_test == "pip install '.[test]' && pytest"


@pytest.mark.slow
def test_the_first_command_installs_and_answers_from_the_shipped_knowledge(
    tmp_path: Path,
) -> None:
    """`pip install .` into a fresh venv, then that venv's `sanad ask`, from a fresh copy.

    The venv sees the system's site-packages so the dependencies need no download; the
    package itself is built and installed for real (not editable), so this also checks that
    the data it needs at run time ships inside it.
    """
    command = opening_commands()[0]
    install, ask = (part.strip() for part in command.split("&&"))
    checkout = tmp_path / "sanad"
    fresh_checkout(checkout)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in {"SANAD_CONFIG", "PYTHONPATH"}}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    installed = subprocess.run(
        [*shlex.split(install), "--quiet"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if installed.returncode != 0 and "No matching distribution found for setuptools" in (
        installed.stdout + installed.stderr
    ):
        pytest.skip("building the package needs setuptools from the package index, offline here")
    assert installed.returncode == 0, installed.stderr
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import bot; print(bot.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(venv), "the venv runs its own copy"
    words = shlex.split(ask)
    assert words[0] == "sanad" and len(words) == 3
    answered = subprocess.run(
        [str(venv / "bin" / "sanad"), *words[1:]],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert answered.returncode == 0, answered.stderr
    assert "19 حزيران/ يونيو 2024" in answered.stdout
    assert "«فرصة جديدة»" in answered.stdout
    assert (checkout / "data" / "sanad.sqlite3").exists(), "ask loaded the knowledge itself"


def test_the_second_command_is_what_ci_runs() -> None:
    """CI runs the README's test command as written (running it here would recurse)."""
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    command = opening_commands()[1]
    commands = [line.strip() for line in ci.splitlines() if not line.lstrip().startswith("#")]
    assert command in commands, f".ci/run does not run `{command}`"
    assert os.access(REPO / ".ci" / "run", os.X_OK)


def heading_anchors(text: str) -> set[str]:
    """The anchors GitHub makes of a page's headings: lower case, punctuation dropped, a hyphen
    for each space."""
    headings = re.findall(r"^#+ (.+)$", re.sub(r"```.*?```", "", text, flags=re.S), re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_every_link_between_the_readme_and_docs_leads_somewhere() -> None:
    """The README is a guide that sends readers to docs/ for the detail: a renamed page or
    heading would leave them at a dead link."""
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    dead = []
    for page in pages:
        text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
        for link in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", link):
                continue
            path, _, anchor = link.partition("#")
            target = (page.parent / path).resolve() if path else page
            if not target.exists():
                dead.append(f"{page.name}: {link} (no such file)")
            elif anchor and anchor not in heading_anchors(target.read_text(encoding="utf-8")):
                dead.append(f"{page.name}: {link} (no such heading)")
    assert not dead, "\n".join(dead)
