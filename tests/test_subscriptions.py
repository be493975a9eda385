"""Subscriptions and the delivery plan, through the real engine and store."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bot import config as configuration
from bot.engine import Engine
from bot.subscriptions import ALL_NEWS, UnknownTopic


def _article(article_id: str, topic: str) -> str:
    return (
        f'id: {article_id}\ntitle: "خبر {article_id}"\ntopics: [{topic}]\n'
        f'sentences:\n  - id: s1\n    text: "هذه جملة الخبر {article_id}."\n'
    )


@pytest.fixture
async def engine(tmp_path: Path):
    (tmp_path / "knowledge").mkdir()
    (tmp_path / "knowledge" / "a1.yaml").write_text(_article("a1", "روسيا"), encoding="utf-8")
    (tmp_path / "config.yaml").write_text("knowledge_dir: knowledge\ndatabase: db.sqlite3\n")
    async with Engine(configuration.load(tmp_path / "config.yaml")) as engine:
        await engine.reload()
        yield engine


def add(engine: Engine, article_id: str, topic: str) -> None:
    path = engine.config.knowledge_dir / f"{article_id}.yaml"
    path.write_text(_article(article_id, topic), encoding="utf-8")


async def test_topics_match_after_normalisation(engine: Engine) -> None:
    subs = engine
    assert await subs.subscribe(1, "private", "", "روسيَا") is True
    assert await subs.subscribe(1, "private", "", "روسيا") is False
    assert await subs.chat_subscriptions(1) == ["روسيا"]


async def test_unknown_topic_lists_known_ones(engine: Engine) -> None:
    with pytest.raises(UnknownTopic) as raised:
        await engine.subscribe(1, "private", "", "اليابان")
    assert raised.value.known == ["روسيا"]
    assert await engine.chat_subscriptions(1) == []


async def test_new_articles_are_planned_once_for_matching_chats(engine: Engine) -> None:
    subs = engine
    await subs.subscribe(1, "private", "", None)
    await subs.subscribe(-5, "group", "g", "روسيا")
    await subs.subscribe(-100, "channel", "c", "روسيا")
    await subs.unsubscribe(-100, None)
    add(engine, "a2", "روسيا")
    add(engine, "a3", "علوم")
    await engine.reload()
    due = await engine.store.due_deliveries(time.time(), 100)
    assert sorted((d.chat_id, d.article_id) for d in due) == [(-5, "a2"), (1, "a2"), (1, "a3")]
    # The article that was already there before subscribing is not news.
    assert all(d.article_id != "a1" for d in due)
    # A changed article is not news again, and neither is a re-added one.
    add(engine, "a2", "روسيا")
    (engine.config.knowledge_dir / "a2.yaml").write_text(
        _article("a2", "روسيا").replace("خبر a2", "خبر معدل"), encoding="utf-8"
    )
    await engine.reload()
    assert len(await engine.store.due_deliveries(time.time(), 100)) == 3


async def test_sent_failed_and_postponed(engine: Engine) -> None:
    store = engine.store
    await engine.subscribe(1, "private", "", ALL_NEWS)
    await engine.subscribe(2, "private", "", ALL_NEWS)
    add(engine, "a2", "روسيا")
    await engine.reload()
    first, second = await store.due_deliveries(time.time(), 10)
    await store.mark_sent(first.id)
    await store.postpone(second.id, second.chat_id, time.time() + 60, "429")
    assert await store.due_deliveries(time.time(), 10) == []
    assert await store.next_due_at() > time.time() + 30
    await store.deactivate_chat(2, "blocked")
    assert await store.outbox_counts() == {"pending": 0, "sent": 1, "failed": 1}
    kinds, _ = await engine.subscription_stats()
    assert kinds == {"inactive: blocked": 1, "private": 1}


async def test_migration_keeps_subscriptions_and_due_news(engine: Engine) -> None:
    await engine.subscribe(-5, "group", "g", "روسيا")
    add(engine, "a2", "روسيا")
    await engine.reload()
    await engine.store.migrate_chat(-5, -1005)
    assert await engine.chat_subscriptions(-1005) == ["روسيا"]
    assert await engine.chat_subscriptions(-5) == []
    due = await engine.store.due_deliveries(time.time(), 10)
    assert [(d.chat_id, d.article_id) for d in due] == [(-1005, "a2")]


async def test_migrations_at_once_each_move_their_group(engine: Engine) -> None:
    """Two groups' migration messages, and the news sender meeting one of them, all at once.

    They share one write connection: a second BEGIN while one was open used to fail.
    """
    for chat_id in (-6, -7):
        await engine.subscribe(chat_id, "group", "g", None)
    add(engine, "a2", "روسيا")
    await engine.reload()
    store = engine.store
    await asyncio.gather(
        store.migrate_chat(-6, -1006),
        store.migrate_chat(-7, -1007),
        store.migrate_chat(-6, -1006),
        store.add_vectors([(b"key", b"vector")]),
    )
    assert await engine.chat_subscriptions(-1006) == [ALL_NEWS]
    assert await engine.chat_subscriptions(-1007) == [ALL_NEWS]
    due = await store.due_deliveries(time.time(), 10)
    assert sorted((d.chat_id, d.article_id) for d in due) == [(-1007, "a2"), (-1006, "a2")]


async def test_news_message_content(engine: Engine) -> None:
    news = await engine.outbox.news("a1")
    assert news is not None
    assert news.title == "خبر a1"
    assert news.facts == ("هذه جملة الخبر a1.",)
    assert await engine.outbox.news("gone") is None


async def test_an_article_loaded_before_is_never_news_again(engine: Engine) -> None:
    """Neither after it was removed and put back, nor when a schema upgrade reloads it."""
    path = engine.config.knowledge_dir / "a1.yaml"
    saved = path.read_text(encoding="utf-8")
    path.unlink()
    await engine.reload()
    await engine.subscribe(7, "private", "", None)
    path.write_text(saved, encoding="utf-8")
    assert (await engine.reload()).added == ["a1"]
    assert await engine.store.due_deliveries(time.time(), 10) == []


async def test_a_schema_upgrade_sends_no_old_article_as_news(tmp_path: Path) -> None:
    (tmp_path / "knowledge").mkdir()
    (tmp_path / "knowledge" / "a1.yaml").write_text(_article("a1", "روسيا"), encoding="utf-8")
    (tmp_path / "config.yaml").write_text("knowledge_dir: knowledge\ndatabase: db.sqlite3\n")
    config = configuration.load(tmp_path / "config.yaml")
    async with Engine(config) as engine:
        await engine.reload()
        await engine.subscribe(8, "private", "", None)
        await engine.store.wdb.execute("PRAGMA user_version = 1")  # an older shape
    async with Engine(config) as engine:
        assert (await engine.reload()).added == ["a1"]
        assert await engine.store.due_deliveries(time.time(), 10) == []
        assert await engine.chat_subscriptions(8) == [""]


async def test_a_topic_added_by_a_reload_can_be_subscribed_at_once(engine: Engine) -> None:
    await engine.ask("ما عاصمة اليابان؟", record=False)  # topics offered, and kept
    assert [name for name, _ in await engine.store.topics()] == ["روسيا"]
    add(engine, "a2", "اليابان")
    await engine.reload()
    assert sorted(name for name, _ in await engine.store.topics()) == ["اليابان", "روسيا"]
    assert await engine.subscribe(9, "private", "", "اليابان") is True
