"""The command line at its edges: odd arguments, odd config, odd databases, Ctrl+C."""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import Run, Site

from bot import config as configuration
from bot.store import APPLICATION_ID

# Out of the quick loop: each test starts real `sanad` processes (about 7 s in all).
pytestmark = pytest.mark.slow

Sanad = Callable[..., Run]
QUESTION = "متى أبرمت معاهدة الشراكة الإستراتيجية الشاملة؟"


def one_line(run: Run, status: int = 2) -> str:
    assert run.returncode == status and "Traceback" not in run.stderr, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    return lines[0]


def test_ask_dash_takes_nothing_after_it(sanad: Sanad) -> None:
    assert one_line(sanad("ask", "-", "extra"), 2) == (
        "sanad: ask: '-' reads the questions from standard input; nothing may follow it"
    )


def test_top_that_is_not_a_number_reads_naturally(sanad: Sanad) -> None:
    run = sanad("ask", "--top", "abc", "x")
    assert run.returncode == 2 and "_positive" not in run.stderr
    assert run.stderr.splitlines()[-1] == (
        "sanad ask: error: argument --top: must be a whole number of 1 or more, not 'abc'"
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        # libyaml 0.2.5 (PyYAML 6.0.4's wheels) stops at 1,000 levels: "malformed YAML";
        # older builds read it whole: "unknown key 'a'". Either way one line naming the file.
        ("a:\n" + "".join("  " * i + "b:\n" for i in range(1, 1000)), "config.yaml"),
        ("telegram:\n  base_url: " + "[" * 990 + "]" * 990 + "\n", "must be text, not [[[["),
        (
            "telegram:\n  log_level: LOUD\n",
            "'telegram.log_level' must be one of DEBUG, INFO, WARNING",
        ),
        ('"\\e[2J": 1\n', "unknown key '\\x1b[2J'"),
    ],
    # Short ids: the test's id reaches each process's environment (PYTEST_CURRENT_TEST).
    ids=["nested", "deep-list", "log-level", "escape-codes"],
)
def test_odd_config_is_one_line_for_every_verb(
    sanad: Sanad, site: Site, config: str, message: str
) -> None:
    site.config_path.write_text(config, encoding="utf-8")
    for verb in (("validate",), ("load",), ("ask", "x")):
        assert message in one_line(sanad(*verb))


def test_config_nested_past_the_python_stack_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # libyaml stops at 1,000 levels; the pure-Python parser, where libyaml is missing, recurses.
    monkeypatch.setattr(configuration, "_LOADER", yaml.SafeLoader)
    path = tmp_path / "config.yaml"
    path.write_text("a: " + "[" * 990 + "]" * 990 + "\n", encoding="utf-8")
    with pytest.raises(configuration.ConfigError, match="malformed YAML: nested too deeply"):
        configuration.load(path)


def test_a_lower_case_log_level_is_fine(sanad: Sanad, site: Site) -> None:
    site.config_path.write_text("telegram:\n  log_level: debug\n", encoding="utf-8")
    assert sanad("validate").returncode == 0


def test_a_corrupt_stored_value_is_one_line(sanad: Sanad, site: Site) -> None:
    assert sanad("load").returncode == 0
    with contextlib.closing(sqlite3.connect(site.database)) as db:
        db.execute("UPDATE postings SET data = x'ff00ff' WHERE name = 'article_ids'")
        db.commit()
    line = one_line(sanad("ask", QUESTION))
    assert line.startswith(f"sanad: {site.database}: unreadable database: a stored value")
    with contextlib.closing(sqlite3.connect(site.database)) as db:
        db.execute("UPDATE articles SET title = CAST(x'ff41' AS TEXT)")
        db.commit()
    assert one_line(sanad("ask", QUESTION)).startswith(f"sanad: {site.database}: ")


def test_another_applications_database_is_refused_and_left_alone(sanad: Sanad, site: Site) -> None:
    site.database.parent.mkdir(parents=True)
    with contextlib.closing(sqlite3.connect(site.database)) as db:
        db.execute("CREATE TABLE articles (theirs TEXT)")
        db.execute("INSERT INTO articles VALUES ('keep me')")
        db.commit()
    for verb in (("ask", QUESTION), ("load",)):
        assert one_line(sanad(*verb)) == (
            f"sanad: {site.database}: not a Sanad database (it holds another application's "
            "tables); choose another 'database' in the config"
        )
    with contextlib.closing(sqlite3.connect(site.database)) as db:
        assert db.execute("SELECT * FROM articles").fetchall() == [("keep me",)]
        db.execute("PRAGMA application_id = 7")  # marked by someone else, even if empty
        db.execute("DROP TABLE articles")
        db.commit()
    assert "not a Sanad database" in one_line(sanad("ask", QUESTION))


def test_a_sanad_database_from_before_the_mark_is_adopted(sanad: Sanad, site: Site) -> None:
    assert sanad("load").returncode == 0
    with contextlib.closing(sqlite3.connect(site.database)) as db:
        db.execute("PRAGMA application_id = 0")
        db.commit()
    run = sanad("ask", "--json", QUESTION)
    assert run.returncode == 0 and json.loads(run.stdout)["answered"], run.stderr
    with contextlib.closing(sqlite3.connect(site.database)) as db:
        assert db.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
        assert db.execute("SELECT count(*) FROM articles").fetchone() == (1,)


def test_chat_stops_at_once_on_ctrl_c(site: Site) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(site.config_path), "chat"],
        cwd=site.root,
        stdin=subprocess.PIPE,  # left open: the prompt waits for a line that never comes
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.readline()  # the greeting: the knowledge is loaded, the prompt is next
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130
    assert b"Traceback" not in err, err
