"""What `sanad` prints for a person at a terminal: its version, and right-to-left marks."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable

import pytest
from conftest import REPO, Run, Site, on_a_terminal

from bot.messages import right_to_left

# Out of the quick loop: each test starts real `sanad` processes, some on a terminal.
pytestmark = pytest.mark.slow

Sanad = Callable[..., Run]
RLM = "\u200f"  # RIGHT-TO-LEFT MARK
DATE_QUESTION = "متى أبرمت معاهدة الشراكة الإستراتيجية الشاملة؟"
ARABIC = re.compile("[\u0600-\u06ff]")


def test_version_is_the_package_version(sanad: Sanad) -> None:
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    run = sanad("--version")
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"sanad {declared['project']['version']}\n"


def test_every_arabic_line_is_marked_once_and_others_are_not() -> None:
    text = "  «اقتباس»\nhttps://example.org/news\n\u200fسطر معلَّم\n\n1. أول"
    marked = right_to_left(text)
    assert marked.split("\n") == [
        RLM + "  «اقتباس»",
        "https://example.org/news",
        "\u200fسطر معلَّم",
        "",
        RLM + "1. أول",
    ]
    assert right_to_left(marked) == marked
    assert marked.replace(RLM, "") == text.replace(RLM, "")


def assert_marked(output: str) -> None:
    lines = [line for line in output.splitlines() if line.strip()]
    assert any(ARABIC.search(line) for line in lines)
    for line in lines:
        assert line.startswith(RLM) == bool(ARABIC.search(line)), line


def test_ask_marks_arabic_lines_when_asked(sanad: Sanad) -> None:
    run = sanad("ask", "--rtl", DATE_QUESTION)
    assert run.returncode == 0, run.stderr
    assert_marked(run.stdout)
    assert "https://example.org/news/treaty" in run.stdout.splitlines()
    assert run.stdout.replace(RLM, "") == sanad("ask", DATE_QUESTION).stdout


@pytest.mark.parametrize("flag", [(), ("--no-rtl",)])
def test_piped_output_has_no_marks_by_default_or_when_refused(
    sanad: Sanad, flag: tuple[str, ...]
) -> None:
    run = sanad("ask", *flag, DATE_QUESTION)
    assert run.returncode == 0, run.stderr
    assert "19 حزيران/ يونيو 2024" in run.stdout
    assert RLM not in run.stdout


def test_json_is_never_marked(sanad: Sanad) -> None:
    plain = sanad("ask", "--json", DATE_QUESTION)
    marked = sanad("ask", "--json", "--rtl", DATE_QUESTION)
    assert marked.returncode == 0, marked.stderr
    assert marked.stdout == plain.stdout
    assert RLM not in marked.stdout and json.loads(marked.stdout)["answered"]


def test_chat_marks_its_greeting_prompt_and_answers(sanad: Sanad) -> None:
    run = sanad("chat", "--rtl", stdin=f"{DATE_QUESTION}\nخروج\n")
    assert run.returncode == 0, run.stderr
    assert_marked(run.stdout)
    assert f"{RLM}أنت: " in run.stdout


def test_a_terminal_gets_marks_by_default(site: Site) -> None:
    """On a real pseudo-terminal, with no flag, the Arabic lines come marked."""
    _, shown = on_a_terminal(site, "ask", DATE_QUESTION, terminal="stdout")
    assert "19 حزيران/ يونيو 2024" in shown
    assert_marked(shown)
