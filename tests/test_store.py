"""Loading into SQLite: all-or-nothing, reported by content, and safe against a crash."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ECLIPSE, TREATY, Run, Site

from bot.engine import Engine, KnowledgeInvalid

DATE_QUESTION = "متى أبرمت معاهدة الشراكة الإستراتيجية الشاملة؟"


async def statement(engine: Engine, question: str = DATE_QUESTION) -> str:
    answer = await engine.ask(question, record=False)
    assert answer.answered, question
    return answer.answers[0].statement


async def test_first_load_adds_then_a_second_load_reports_nothing(site: Site) -> None:
    site.write("eclipse.yaml", ECLIPSE)
    async with site.engine() as engine:
        first = await engine.reload()
        assert (first.added, first.changed, first.removed) == (["eclipse", "treaty"], [], [])
        second = await engine.reload()
        assert second.unchanged
        assert await engine.store.counts() == {"articles": 2, "facts": 4, "sentences": 4}


async def test_touching_or_reformatting_a_file_reports_nothing(engine: Engine, site: Site) -> None:
    path = site.knowledge / "treaty.yaml"
    os.utime(path, (1e9, 2e9))
    assert (await engine.reload()).unchanged
    path.write_text("# reviewed by the desk\n\n" + TREATY, encoding="utf-8")
    assert (await engine.reload()).unchanged


async def test_moving_an_article_to_another_file_reports_nothing(
    engine: Engine, site: Site
) -> None:
    (site.knowledge / "treaty.yaml").rename(site.write("2024/treaty.yaml", TREATY))
    assert (await engine.reload()).unchanged
    assert (
        await statement(engine)
        == "أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في 19 حزيران/ يونيو 2024."
    )


async def test_changed_added_and_removed_are_reported_by_article(
    engine: Engine, site: Site
) -> None:
    site.write(
        "treaty.yaml",
        TREATY.replace(
            'في 19 حزيران/ يونيو 2024."\n    questions', 'في حزيران 2024."\n    questions'
        ),
    )
    site.write("eclipse.yaml", ECLIPSE)
    report = await engine.reload()
    assert (report.added, report.changed, report.removed) == (["eclipse"], ["treaty"], [])
    assert await statement(engine) == "أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في حزيران 2024."
    (site.knowledge / "treaty.yaml").unlink()
    report = await engine.reload()
    assert (report.added, report.changed, report.removed) == ([], [], ["treaty"])
    assert not (await engine.ask(DATE_QUESTION, record=False)).answered


async def test_an_invalid_file_leaves_the_old_knowledge_answering(
    engine: Engine, site: Site
) -> None:
    before = await engine.store.counts()
    site.write("treaty.yaml", TREATY.replace("source: [s1]", "source: [s9]"))
    site.write("eclipse.yaml", ECLIPSE)
    with pytest.raises(KnowledgeInvalid) as refused:
        await engine.reload()
    (error,) = refused.value.errors
    assert (error.path, error.line) == ("knowledge/treaty.yaml", 16)
    assert error.message == "fact 'treaty-date': source 's9' is not a sentence of this article"
    assert await engine.store.counts() == before
    assert "19 حزيران" in await statement(engine)
    # Once fixed, the next load brings everything in.
    site.write("treaty.yaml", TREATY)
    report = await engine.reload()
    assert (report.added, report.changed, report.removed) == (["eclipse"], [], [])


SLOW_FACTS = (
    "CREATE TRIGGER slow AFTER INSERT ON facts BEGIN SELECT count(*) FROM ("
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) "
    "SELECT x FROM c); END"
)


def add_trigger(site: Site, sql: str) -> None:
    """Plant a trigger in the database: a fault injected in SQLite, not in our code."""
    with sqlite3.connect(site.database) as db:
        db.execute(sql)
    db.close()


def drop_triggers(site: Site) -> None:
    with sqlite3.connect(site.database) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
        for name in names:
            db.execute(f"DROP TRIGGER {name}")
    db.close()


async def test_an_error_inside_the_transaction_rolls_everything_back(site: Site) -> None:
    async with site.engine() as engine:
        await engine.reload()
        before = await engine.store.counts()
    # The changed article is deleted, then re-inserted; the insert fails.
    add_trigger(
        site,
        "CREATE TRIGGER fail AFTER INSERT ON articles "
        "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
    )
    site.write("treaty.yaml", TREATY.replace("19 حزيران", "20 حزيران"))
    site.write("eclipse.yaml", ECLIPSE)
    async with site.engine() as engine:
        with pytest.raises(sqlite3.Error, match="disk on fire"):
            await engine.reload()
        assert await engine.store.counts() == before
        assert "19 حزيران" in await statement(engine)
    drop_triggers(site)
    async with site.engine() as engine:
        report = await engine.reload()
        assert (report.added, report.changed) == (["eclipse"], ["treaty"])


def writer_holds_the_lock(path: Path) -> bool:
    """True while another connection is inside a write transaction."""
    db = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    finally:
        db.close()


def held_a_while(path: Path) -> bool:
    time.sleep(0.05)
    return writer_holds_the_lock(path)


@pytest.mark.slow
async def test_a_load_killed_mid_transaction_leaves_the_previous_knowledge(
    sanad: Callable[..., Run], site: Site
) -> None:
    assert sanad("load").returncode == 0
    # Each inserted fact costs a long count, so the load's transaction lasts long enough
    # to be caught and killed from outside.
    add_trigger(site, SLOW_FACTS)
    site.write("treaty.yaml", TREATY.replace("19 حزيران", "20 حزيران"))
    site.write("eclipse.yaml", ECLIPSE)
    load = subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(site.config_path), "load"],
        cwd=site.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        # Held twice 50 ms apart: the long load transaction, not the brief schema check.
        while not (writer_holds_the_lock(site.database) and held_a_while(site.database)):
            assert load.poll() is None, "the load finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        load.send_signal(signal.SIGKILL)
    finally:
        assert load.wait(timeout=60) == -signal.SIGKILL
    async with site.engine() as engine:
        assert await engine.store.counts() == {"articles": 1, "facts": 2, "sentences": 2}
        assert "19 حزيران" in await statement(engine)
    drop_triggers(site)
    async with site.engine() as engine:
        report = await engine.reload()
        assert (report.added, report.changed) == (["eclipse"], ["treaty"])
        assert "20 حزيران" in await statement(engine)


async def test_the_database_runs_in_wal_mode(engine: Engine) -> None:
    async with engine.store.db.execute("PRAGMA journal_mode") as cursor:
        row = await cursor.fetchone()
    assert row is not None and row[0] == "wal"


async def test_topics_of_articles_and_facts_are_stored(engine: Engine, site: Site) -> None:
    site.write("eclipse.yaml", ECLIPSE.replace("sentences:", "topics: [علوم]\nsentences:"))
    await engine.reload()
    assert dict(await engine.topics()) == {"معاهدات": 1, "علوم": 1}


@pytest.mark.slow
async def test_readers_get_the_old_knowledge_while_a_load_runs(site: Site) -> None:
    async with site.engine() as engine:
        await engine.reload()
        add_trigger(site, SLOW_FACTS)
        site.write("treaty.yaml", TREATY.replace("19 حزيران", "20 حزيران"))
        loading = asyncio.create_task(engine.reload())
        while not writer_holds_the_lock(site.database):
            assert not loading.done(), "the load finished before readers could be checked"
            await asyncio.sleep(0.005)
        assert "19 حزيران" in await statement(engine)
        assert not loading.done()
        report = await loading
        assert report.changed == ["treaty"]
        assert "20 حزيران" in await statement(engine)


async def test_reranking_terms_are_read_again_only_for_the_articles_a_load_wrote(
    site: Site,
) -> None:
    site.write("eclipse.yaml", ECLIPSE)
    async with site.engine() as engine:
        await engine.reload()
        before = (await engine.retrieval.index()).terms
        assert set(before.articles) == {"eclipse", "treaty"}
        site.write("treaty.yaml", TREATY.replace("19 حزيران", "20 حزيران"))
        await engine.reload()
        after = (await engine.retrieval.index()).terms
        assert after.articles["eclipse"] is before.articles["eclipse"]
        treaty = after.candidates([], ["treaty"])
        assert any(" 20 " in f" {row.terms.stems} " for row in treaty)
        assert not any(" 19 " in f" {row.terms.stems} " for row in treaty)
        assert set(after.rows) == {row[0] for _, rows in after.articles.values() for row in rows}
        (site.knowledge / "eclipse.yaml").unlink()
        await engine.reload()
        left = (await engine.retrieval.index()).terms
        assert set(left.articles) == {"treaty"}
        assert {row.article_id for row in left.candidates(left.rows, [])} == {"treaty"}
