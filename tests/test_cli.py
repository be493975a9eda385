"""The `sanad` command, end to end, as a real process on a temporary config."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CLINIC, ECLIPSE, TREATY, Run, Site, run_sanad

from bot.messages import EMPTY_QUESTION, NOT_FOUND, SMALL_TALK

# Out of the quick loop: each test starts real `sanad` processes (about 17 s in all).
pytestmark = pytest.mark.slow

Sanad = Callable[..., Run]

DATE_QUESTION = "متى أبرمت معاهدة الشراكة الإستراتيجية الشاملة؟"
# The contract's keys, and `outcome`, the one key Sanad adds (documented in the README).
ANSWER_KEYS = {"question", "answered", "answers", "outcome"}
ITEM_KEYS = {
    "article_id",
    "fact_id",
    "score",
    "statement",
    "quotes",
    "title",
    "url",
    "published",
}


def one_line_error(run: Run) -> str:
    """The run failed the way a user should see it: one line on stderr, no traceback."""
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    return lines[0]


# -- validate ---------------------------------------------------------------------------------


def test_validate_passes_on_valid_knowledge(sanad: Sanad) -> None:
    run = sanad("validate")
    assert (run.returncode, run.stdout) == (0, "")
    assert "1 article(s), 2 fact(s)" in run.stderr


def test_validate_prints_every_error_and_exits_1(sanad: Sanad, site: Site) -> None:
    site.write("bad.yaml", "id: Bad\ntitle: t\nsentences: []\n")
    site.write("sub/broken.yml", 'id: x\ntitle: "open\n')
    run = sanad("validate")
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        "knowledge/bad.yaml:1: article id 'Bad' must match [a-z0-9][a-z0-9._-]*",
        "knowledge/bad.yaml:3: article: sentences must not be empty",
        "knowledge/sub/broken.yml:3: malformed YAML: found unexpected end of stream",
    ]


def test_validate_given_paths_checks_only_those(sanad: Sanad, site: Site) -> None:
    site.write("bad.yaml", "id: bad\n")
    assert sanad("validate", "knowledge/treaty.yaml").returncode == 0
    run = sanad("validate", "knowledge/bad.yaml", "knowledge/treaty.yaml")
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        "knowledge/bad.yaml:1: article 'bad': missing required key 'title'",
        "knowledge/bad.yaml:1: article 'bad': missing required key 'sentences'",
    ]


def test_validate_a_missing_path(sanad: Sanad) -> None:
    assert one_line_error(sanad("validate", "nowhere.yaml")) == (
        "sanad: nowhere.yaml: no such file or folder"
    )


# -- load -------------------------------------------------------------------------------------


def test_load_reports_added_then_nothing(sanad: Sanad, site: Site) -> None:
    site.write("eclipse.yaml", ECLIPSE)
    first = sanad("load")
    assert (first.returncode, first.stdout.splitlines()) == (
        0,
        ["added: 2 (eclipse, treaty)", "changed: 0", "removed: 0"],
    )
    (site.knowledge / "eclipse.yaml").touch()
    again = sanad("load")
    assert again.stdout.splitlines() == ["added: 0", "changed: 0", "removed: 0"]


def test_load_refuses_invalid_knowledge_and_leaves_the_database_unchanged(
    sanad: Sanad, site: Site
) -> None:
    assert sanad("load").returncode == 0
    before = site.database.read_bytes()
    site.write("treaty.yaml", TREATY.replace("source: [s2]", "source: [s3]"))
    site.write("eclipse.yaml", ECLIPSE)
    run = sanad("load")
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        "knowledge/treaty.yaml:21: fact 'kursk': source 's3' is not a sentence of this article"
    ]
    assert "database is unchanged" in run.stderr
    assert site.database.read_bytes() == before
    answer = json.loads(sanad("ask", "--json", "ما مدة الكسوف الكلي؟").stdout)
    assert not answer["answered"]


# -- ask --------------------------------------------------------------------------------------


def test_ask_json_has_exactly_the_contract_keys(sanad: Sanad) -> None:
    run = sanad("ask", "--json", DATE_QUESTION)
    assert run.returncode == 0
    assert run.stdout.count("\n") == 1
    answer = json.loads(run.stdout)
    assert set(answer) == ANSWER_KEYS
    assert answer["question"] == DATE_QUESTION and answer["answered"] is True
    (item,) = answer["answers"]
    assert set(item) == ITEM_KEYS
    assert item == {
        "article_id": "treaty",
        "fact_id": "treaty-date",
        "score": item["score"],
        "statement": "أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في 19 حزيران/ يونيو 2024.",
        "quotes": [
            "أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في 19 حزيران/ يونيو 2024 في بيونغ يانغ."
        ],
        "title": "معاهدة بين بلدين",
        "url": "https://example.org/news/treaty",
        "published": "2024-06-19",
    }
    assert isinstance(item["score"], int | float) and 0 <= item["score"] <= 100


def test_ask_json_null_url_and_date_when_the_article_has_none(sanad: Sanad, site: Site) -> None:
    site.write("eclipse.yaml", ECLIPSE)
    answer = json.loads(sanad("ask", "--json", "كم يدوم الكسوف الكلي؟").stdout)
    (item,) = answer["answers"]
    assert (item["article_id"], item["fact_id"]) == ("eclipse", "s2")
    assert item["url"] is None and item["published"] is None
    assert item["statement"] == item["quotes"][0]


def test_ask_top_gives_at_most_k_answers_best_first(sanad: Sanad, site: Site) -> None:
    site.write("eclipse.yaml", ECLIPSE)
    answer = json.loads(sanad("ask", "--json", "--top", "3", "أثنى الرئيس على الجنود").stdout)
    assert answer["answered"]
    assert 1 <= len(answer["answers"]) <= 3
    scores = [a["score"] for a in answer["answers"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_top_shows_after_the_best_only_answers_that_clear_min_score(
    sanad: Sanad, site: Site
) -> None:
    """The bar the bot applies to its next answers applies to `ask --top` too."""
    site.write("clinic.yaml", CLINIC)
    question = "ماذا افتتحت البلدية؟"

    def ask_with(min_score: float) -> list[dict[str, object]]:
        site.config_path.write_text(
            "knowledge_dir: knowledge\ndatabase: data/sanad.sqlite3\n"
            f"matching:\n  semantic: false\n  min_score: {min_score}\n",
            encoding="utf-8",
        )
        answer = json.loads(sanad("ask", "--json", "--top", "4", question).stdout)
        assert answer["answered"]
        answers: list[dict[str, object]] = answer["answers"]
        return answers

    ranked = ask_with(0)
    scores = [float(str(a["score"])) for a in ranked]
    assert len(ranked) >= 2 and scores[-1] < scores[0]
    bar = (scores[0] + scores[-1]) / 2
    shown = ask_with(bar)
    # The best first whatever the bar; after it, the same ranking without what falls below.
    assert shown == [ranked[0], *(a for a in ranked[1:] if float(str(a["score"])) >= bar)]
    assert len(shown) < len(ranked)


@pytest.mark.parametrize("top", ["0", "-1", "two"])
def test_ask_top_must_be_a_positive_number(sanad: Sanad, top: str) -> None:
    run = sanad("ask", "--top", top, DATE_QUESTION)
    assert run.returncode == 2 and "--top" in run.stderr and "Traceback" not in run.stderr


def test_ask_abstains_in_json_and_in_text(sanad: Sanad) -> None:
    answer = json.loads(sanad("ask", "--json", "ما عاصمة اليابان؟").stdout)
    assert answer == {
        "question": "ما عاصمة اليابان؟",
        "answered": False,
        "answers": [],
        "outcome": "not_found",
    }
    text = sanad("ask", "ما عاصمة اليابان؟")
    assert text.returncode == 0
    assert text.stdout.startswith("لم أجد في الأخبار المتاحة لديّ")


def test_small_talk_gets_a_greeting_and_how_to_ask(sanad: Sanad) -> None:
    answer = json.loads(sanad("ask", "--json", "مرحبا").stdout)
    assert answer == {
        "question": "مرحبا",
        "answered": False,
        "answers": [],
        "outcome": "small_talk",
    }
    text = sanad("ask", "السلام عليكم").stdout
    assert text.strip() == SMALL_TALK
    assert "سجّلته" not in text


@pytest.mark.parametrize("question", ["", "؟؟؟", "  ..  "])
def test_ask_an_empty_question(sanad: Sanad, question: str) -> None:
    run = sanad("ask", "--json", question)
    assert run.returncode == 0
    assert json.loads(run.stdout) == {
        "question": question.strip(),
        "answered": False,
        "answers": [],
        "outcome": "empty",
    }
    text = sanad("ask", question)
    assert text.stdout.strip() == EMPTY_QUESTION and "سجّلته" not in text.stdout


def test_ask_in_text_states_the_fact_quotes_and_names_the_article(sanad: Sanad) -> None:
    run = sanad("ask", DATE_QUESTION)
    assert run.returncode == 0
    assert "أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في 19 حزيران/ يونيو 2024." in run.stdout
    assert (
        "«أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في 19 حزيران/ يونيو 2024 في بيونغ يانغ.»"
        in (run.stdout)
    )
    assert "معاهدة بين بلدين" in run.stdout and "https://example.org/news/treaty" in run.stdout


def test_ask_batch_prints_json_lines_in_order(sanad: Sanad, site: Site) -> None:
    site.write("eclipse.yaml", ECLIPSE)
    questions = [DATE_QUESTION, "مرحبا", "", "كم يدوم الكسوف الكلي؟", "على ماذا أثنى الرئيس؟"]
    run = sanad("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert run.returncode == 0
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    assert [a["question"] for a in answers] == questions
    assert [a["answered"] for a in answers] == [True, False, False, True, True]
    assert [a["answers"][0]["fact_id"] for a in answers if a["answered"]] == [
        "treaty-date",
        "s2",
        "kursk",
    ]


def test_ask_batch_loads_the_knowledge_once(site: Site) -> None:
    """A file changed while the batch runs is not picked up halfway through it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(site.config_path), "ask", "--json", "-"],
        cwd=site.root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env={k: v for k, v in os.environ.items() if k != "SANAD_CONFIG"},
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(DATE_QUESTION + "\n")
        process.stdin.flush()
        first = json.loads(process.stdout.readline())
        site.write("treaty.yaml", TREATY.replace("19 حزيران", "20 حزيران"))
        process.stdin.write(DATE_QUESTION + "\n")
        process.stdin.close()
        second = json.loads(process.stdout.readline())
        assert process.wait(timeout=60) == 0
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
        if process.stderr:
            process.stderr.close()
    assert first["answers"][0]["statement"] == second["answers"][0]["statement"]
    assert "19 حزيران" in second["answers"][0]["statement"]


def test_ask_loads_when_the_database_is_missing_or_older_than_the_files(
    sanad: Sanad, site: Site
) -> None:
    assert not site.database.exists()
    first = json.loads(sanad("ask", "--json", DATE_QUESTION).stdout)
    assert first["answered"] and site.database.exists()
    site.write("treaty.yaml", TREATY.replace("19 حزيران", "20 حزيران"))
    later = json.loads(sanad("ask", "--json", DATE_QUESTION).stdout)
    assert "20 حزيران" in later["answers"][0]["statement"]


def test_ask_keeps_serving_when_the_changed_files_are_invalid(sanad: Sanad, site: Site) -> None:
    assert sanad("load").returncode == 0
    site.write("treaty.yaml", TREATY + "oops: 1\n")
    run = sanad("ask", "--json", DATE_QUESTION)
    assert run.returncode == 0
    assert json.loads(run.stdout)["answered"]
    assert run.stderr.startswith(
        "sanad: warning: kept the loaded knowledge: knowledge/treaty.yaml:"
    )


def test_ask_with_invalid_knowledge_and_nothing_loaded_is_one_error(
    sanad: Sanad, site: Site
) -> None:
    site.write("treaty.yaml", TREATY + "oops: 1\n")
    line = one_line_error(sanad("ask", DATE_QUESTION))
    assert line == (
        "sanad: cannot load the knowledge: knowledge/treaty.yaml:22: "
        "article 'treaty': unknown key 'oops'"
    )


def test_chat_answers_until_the_reader_leaves(sanad: Sanad) -> None:
    run = sanad("chat", stdin=f"{DATE_QUESTION}\n\nمرحبا\nخروج\nلن يُقرأ\n")
    assert run.returncode == 0
    assert "19 حزيران/ يونيو 2024" in run.stdout
    assert SMALL_TALK in run.stdout and NOT_FOUND not in run.stdout
    assert "Traceback" not in run.stderr


def test_python_m_bot_and_the_config_from_the_environment(site: Site) -> None:
    run = run_sanad(
        "ask", "--json", DATE_QUESTION, cwd=Path("/"), env={"SANAD_CONFIG": str(site.config_path)}
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["answered"]


# -- bad configuration and databases: one line, non-zero, no traceback ------------------------


def write_config(site: Site, text: str) -> None:
    site.config_path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("colour: red\n", "unknown key 'colour'"),
        ("telegram:\n  tokn_env: X\n", "unknown key 'telegram.tokn_env'"),
        ("database: [a, b]\n", "'database' must be text, not ['a', 'b']"),
        ("matching:\n  min_score: high\n", "'matching.min_score' must be a number, not 'high'"),
        ("matching:\n  candidates: true\n", "'matching.candidates' must be a whole number"),
        ("admins: [alice]\n", "'admins' must be a list of numeric Telegram user ids"),
        ("telegram: 5\n", "'telegram' must be a mapping"),
        ("- just\n- a list\n", "the config must be a mapping of keys to values"),
        ("database: [unclosed\n", "malformed YAML"),
    ],
)
def test_bad_config_is_one_line(sanad: Sanad, site: Site, config: str, message: str) -> None:
    write_config(site, config)
    # Every verb reads the config first; each case tries a different one.
    verbs = (("validate",), ("load",), ("ask", "x"), ("chat",))
    verb = verbs[sum(map(ord, config)) % len(verbs)]
    line = one_line_error(sanad(*verb))
    assert line.startswith(f"sanad: {site.config_path}")
    assert message in line


def test_missing_config_file(site: Site) -> None:
    run = run_sanad("--config", "absent.yaml", "ask", "x", cwd=site.root)
    assert one_line_error(run) == "sanad: absent.yaml: config file not found"
    env_run = run_sanad("ask", "x", cwd=site.root, env={"SANAD_CONFIG": "gone.yaml"})
    assert one_line_error(env_run) == "sanad: gone.yaml: config file not found"


def test_without_a_config_file_the_defaults_apply(tmp_path: Path) -> None:
    (tmp_path / "knowledge").mkdir()
    (tmp_path / "knowledge" / "treaty.yaml").write_text(TREATY, encoding="utf-8")
    run = run_sanad("ask", "--json", DATE_QUESTION, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "data" / "sanad.sqlite3").exists()


def test_an_unreadable_database_is_one_line(sanad: Sanad, site: Site) -> None:
    site.database.parent.mkdir(parents=True)
    site.database.write_bytes(b"this is not an SQLite database, just bytes " * 50)
    for verb in (("load",), ("ask", "x")):
        line = one_line_error(sanad(*verb))
        assert line == f"sanad: {site.database}: unreadable database: file is not a database"


def test_a_database_that_is_a_folder_is_one_line(sanad: Sanad, site: Site) -> None:
    site.database.mkdir(parents=True)
    line = one_line_error(sanad("ask", "x"))
    assert line.startswith(f"sanad: {site.database}: ")


def test_a_database_folder_that_cannot_be_created_is_one_line(sanad: Sanad, site: Site) -> None:
    (site.root / "blocker").write_text("a file where a folder should be")
    write_config(site, "database: blocker/sanad.sqlite3\n")
    line = one_line_error(sanad("load"))
    assert line.startswith(f"sanad: {site.root / 'blocker' / 'sanad.sqlite3'}: cannot open")


def test_a_missing_knowledge_folder_is_one_line_and_exit_2_for_every_verb(
    sanad: Sanad, site: Site
) -> None:
    write_config(site, "knowledge_dir: nowhere\n")
    expected = f"{site.root / 'nowhere'}: the knowledge folder does not exist"
    for verb in (("load",), ("validate",)):
        run = sanad(*verb)
        assert run.returncode == 2 and one_line_error(run) == f"sanad: {expected}", verb
    run = sanad("ask", "x")
    assert run.returncode == 2
    assert one_line_error(run) == f"sanad: cannot load the knowledge: {expected}"
    assert one_line_error(sanad("validate", "nowhere")) == "sanad: nowhere: no such file or folder"


def test_ask_batch_survives_bytes_that_are_not_utf8(site: Site) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(site.config_path), "ask", "--json", "-"],
        cwd=site.root,
        input=b"\xff\xfe bad\n" + DATE_QUESTION.encode() + b"\n",
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    first, second = (json.loads(line) for line in done.stdout.decode().splitlines())
    assert first == {
        "question": "\ufffd\ufffd bad",
        "answered": False,
        "answers": [],
        "outcome": "not_found",
    }
    assert second["answered"]


def test_ask_batch_stops_quietly_when_its_reader_leaves(site: Site) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(site.config_path), "ask", "--json", "-"],
        cwd=site.root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin and process.stdout and process.stderr
    process.stdin.write((DATE_QUESTION + "\n").encode())
    process.stdin.flush()
    assert json.loads(process.stdout.readline())["answered"]
    process.stdout.close()  # like `| head -1`
    with contextlib.suppress(BrokenPipeError):
        process.stdin.write((DATE_QUESTION + "\n").encode() * 2000)
        process.stdin.flush()
    with contextlib.suppress(BrokenPipeError):
        process.stdin.close()
    assert process.wait(timeout=60) == 1
    assert process.stderr.read() == b""
    process.stderr.close()
