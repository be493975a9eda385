"""The command line as users and scripts meet it: odd input, odd config, exit codes, JSON shape.

Each test calls `bot.cli.main` in this process (words only, a fresh site), so they stay in the
quick loop; the `sanad` processes of tests/test_cli.py cover the same entry point end to end.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import TREATY, Site

from bot import cli
from bot import config as configuration
from bot.knowledge import read_text

NOT_SURE = "معاهدة الشراكة الإستراتيجية الشاملة"


def sanad(site: Site, *args: str) -> int:
    """`sanad --config SITE/config.yaml ARGS`, in this process."""
    return cli.main(["--config", str(site.config_path), *args])


def never_sure(site: Site) -> None:
    """A bar no fact clears: every question is answered with suggestions only."""
    site.config_path.write_text(
        "knowledge_dir: knowledge\ndatabase: data/sanad.sqlite3\n"
        "matching:\n  semantic: false\n  min_score: 100\n  suggest_score: 0\n",
        encoding="utf-8",
    )


# -- chat ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["²", "1" * 5000], ids=["superscript", "5000-digits"])
def test_chat_takes_a_number_it_cannot_read_as_a_question(
    site: Site, typed: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    never_sure(site)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{NOT_SURE}\n{typed}\nخروج\n"))
    assert sanad(site, "chat", "--no-rtl") == 0
    shown = capsys.readouterr()
    assert "Traceback" not in shown.err and "لعلّك تقصد" in shown.out


# -- ask --json ---------------------------------------------------------------------------


@pytest.mark.parametrize("top", [1, 2])
def test_ask_json_suggestions_are_at_most_top_long(
    site: Site, top: int, capsys: pytest.CaptureFixture[str]
) -> None:
    never_sure(site)
    site.write("eclipse.yaml", TREATY.replace("id: treaty", "id: treaty-copy", 1))
    assert sanad(site, "ask", "--json", "--top", str(top), NOT_SURE) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["answered"] is False and answer["outcome"] == "not_found"
    assert 1 <= len(answer["answers"]) <= top


# -- config.yaml --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('"know\\0ledge"', "'knowledge_dir' must not contain a NUL character"),
        (
            "~nobody-at-all/knowledge",
            "'knowledge_dir' names a user this system does not have: '~nobody-at-all'",
        ),
    ],
    ids=["nul", "unknown-user"],
)
def test_a_path_that_cannot_be_a_path_is_one_line(
    tmp_path: Path, value: str, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(f"knowledge_dir: {value}\n", encoding="utf-8")
    assert cli.main(["--config", str(path), "validate"]) == 2
    assert capsys.readouterr().err == f"sanad: {path}: {problem}\n"


def test_an_empty_sanad_config_is_as_if_unset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No ./config.yaml means all defaults, whether SANAD_CONFIG is unset or set to nothing."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SANAD_CONFIG", "")
    loaded = configuration.load()
    assert loaded.knowledge_dir == tmp_path.resolve() / "knowledge"


def test_a_config_of_two_documents_says_so(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("knowledge_dir: knowledge\n---\nadmins: [1]\n", encoding="utf-8")
    with pytest.raises(configuration.ConfigError) as refused:
        configuration.load(path)
    assert str(refused.value) == (
        f"{path}:2: the config must be one YAML document, not several separated by '---'"
    )


# -- knowledge files ----------------------------------------------------------------------


@pytest.mark.parametrize("published", ["20250815", "2025-W33", "2025-W33-1", "2025-227"])
def test_published_is_a_date_written_yyyy_mm_dd(published: str) -> None:
    """What `sanad distill --published` accepts, and what `ask --json` shows."""
    text = TREATY.replace("published: 2024-06-19", f"published: {published}")
    articles, errors = read_text(text, "knowledge/treaty.yaml")
    assert articles == []
    assert [str(e) for e in errors] == [
        f"knowledge/treaty.yaml:3: article 'treaty': published '{published}' "
        "must be an ISO date (YYYY-MM-DD)"
    ]


# -- exit status --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "verb",
    [("ask", "متى أبرمت المعاهدة؟"), ("review",), ("teach", "متى؟", "treaty", "kursk")],
    ids=["ask", "review", "teach"],
)
def test_invalid_knowledge_and_nothing_loaded_is_exit_1(
    site: Site, verb: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit status 1 means invalid knowledge files, whichever verb met them (README)."""
    site.write("treaty.yaml", TREATY + "oops: 1\n")
    assert sanad(site, *verb) == 1
    assert capsys.readouterr().err == (
        "sanad: cannot load the knowledge: knowledge/treaty.yaml:22: "
        "article 'treaty': unknown key 'oops'\n"
    )


# -- ask - --------------------------------------------------------------------------------


def test_ask_dash_drops_the_byte_order_mark_of_a_saved_file(
    site: Site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Editors that save UTF-8 with a BOM put it before the first question; it asks nothing."""
    question = "متى أبرمت معاهدة الشراكة الإستراتيجية الشاملة؟"
    monkeypatch.setattr("sys.stdin", io.StringIO(f"\ufeff{question}\r\n{question}\n"))
    assert sanad(site, "ask", "--json", "-") == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first == second and first["question"] == question
