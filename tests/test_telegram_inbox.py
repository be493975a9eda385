"""The inbox: every update handled, after a crash too, and none handled twice."""

from __future__ import annotations

import collections
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from fakebotapi import ONE_SENTENCE_QUESTION, FakeBotAPI, kill_during_bursts, one_sentence_bot
from test_telegram_run import free_port, post, wait_listening

from bot.store import Store

DAY = 24 * 3600
CONCURRENT_UPDATES = 16  # telegram.concurrent_updates, by default


def inbox(root: Path) -> list[tuple[int, bool]]:
    """(update_id, handled) for each row of the bot's inbox."""
    with sqlite3.connect(root / "data" / "sanad.sqlite3") as db:
        rows = db.execute("SELECT update_id, handled_at IS NOT NULL FROM inbox ORDER BY 1")
        return [(row[0], bool(row[1])) for row in rows]


@pytest.mark.slow
def test_sigkill_during_bursts_loses_no_question(own_api: FakeBotAPI, tmp_path: Path) -> None:
    """20 bursts of 100 questions, each cut by SIGKILL at a random moment.

    None may be lost. A question is answered twice only when the kill fell between Telegram
    accepting its answer and the inbox marking it handled (a few milliseconds at full
    speed): so only answers in flight at a kill, at most one per update being handled
    (each holds its slot until it is marked). Replaying what was handled, or what Telegram
    sent again, would double most of each burst.
    """
    bot = one_sentence_bot(own_api, tmp_path).start()
    try:
        report = kill_during_bursts(
            own_api, bot, ONE_SENTENCE_QUESTION, kills=20, burst=100, max_delay=0.6
        )
    finally:
        bot.stop()
    print(f"\nSIGKILL during bursts: {report}")
    assert report.questions == 2000
    assert report.lost == 0
    assert report.doubled <= report.kills * CONCURRENT_UPDATES
    assert "Traceback" not in bot.log()
    assert all(handled for _, handled in inbox(tmp_path))


@pytest.mark.slow
def test_a_stop_in_a_burst_leaves_the_rest_for_the_next_start(
    own_api: FakeBotAPI, tmp_path: Path
) -> None:
    bot = one_sentence_bot(own_api, tmp_path, config="  concurrent_updates: 2\n").start()
    mark = own_api.mark()
    updates = [
        {"message": own_api.message(own_api.private(500 + i), ONE_SENTENCE_QUESTION)}
        for i in range(60)
    ]
    own_api.inject_many(updates)
    own_api.wait_calls("sendMessage", 3, after=mark, timeout=30)
    assert bot.stop(signal.SIGTERM) == 0
    stopped = len(own_api.sent("sendMessage", after=mark))
    assert stopped < len(updates), "the burst was over before the stop; nothing to show"
    bot.start()
    own_api.wait_calls("sendMessage", len(updates), after=mark, timeout=60)
    time.sleep(1)
    replies = collections.Counter(c.chat_id for c in own_api.sent("sendMessage", after=mark))
    assert sorted(replies) == [500 + i for i in range(60)]
    assert set(replies.values()) == {1}
    assert "left unhandled by the last run" in bot.log()
    assert bot.stop() == 0


@pytest.mark.slow
def test_an_update_sent_again_is_handled_once(own_api: FakeBotAPI, tmp_path: Path) -> None:
    """A webhook delivery repeated (Telegram retries when unsure) is answered once."""
    port = free_port()
    config = f"webhook:\n  url: https://bot.example.org/hook\n  listen: 127.0.0.1\n  port: {port}\n"
    secret = "s3cret-webhook-token"
    bot = one_sentence_bot(
        own_api, tmp_path, config=config, env={"TELEGRAM_WEBHOOK_SECRET": secret}
    )
    bot.start(ready="setWebhook")
    try:
        wait_listening(port)
        url = f"http://127.0.0.1:{port}/telegram"
        update = {
            "update_id": 41,
            "message": own_api.message(own_api.private(6), ONE_SENTENCE_QUESTION),
        }
        mark = own_api.mark()
        assert post(url, update, secret) == 200
        assert inbox(tmp_path)[0][0] == 41  # kept before Telegram was answered
        own_api.wait_for("sendMessage", chat_id=6, after=mark, timeout=30)
        assert post(url, update, secret) == 200
        own_api.assert_quiet(6, after=own_api.mark(), wait=1.0)
    finally:
        assert bot.stop() == 0
    assert len(own_api.sent("sendMessage", chat_id=6)) == 1


@pytest.mark.slow
def test_handled_updates_are_forgotten_after_a_day(own_api: FakeBotAPI, tmp_path: Path) -> None:
    bot = one_sentence_bot(own_api, tmp_path).start()
    mark = own_api.mark()
    own_api.send_text(own_api.private(7), ONE_SENTENCE_QUESTION)
    own_api.wait_for("sendMessage", chat_id=7, after=mark, timeout=30)
    assert bot.stop() == 0
    (kept,) = inbox(tmp_path)
    assert kept[1]
    with sqlite3.connect(tmp_path / "data" / "sanad.sqlite3") as db:
        db.execute("UPDATE inbox SET handled_at = handled_at - ?", (DAY + 60,))
        db.execute("INSERT INTO inbox VALUES (1, 9, NULL, 0, ?)", (time.time() - 60,))
    bot.start()
    assert bot.stop() == 0
    assert inbox(tmp_path) == [(9, True)]  # a day old went; a minute old stays


async def test_the_store_keeps_each_update_once_per_bot(tmp_path: Path) -> None:
    store = Store(tmp_path / "sanad.sqlite3")
    await store.open()
    try:
        assert await store.inbox_keep(1, 10, '{"update_id": 10}')
        assert not await store.inbox_keep(1, 10, '{"update_id": 10}')
        assert await store.inbox_keep(2, 10, '{"update_id": 10}')  # another bot's series
        assert await store.inbox_keep(1, 11, '{"update_id": 11}')
        await store.inbox_handled(1, 10)
        assert await store.inbox_unhandled(1) == [(11, '{"update_id": 11}')]
        assert not await store.inbox_keep(1, 10, '{"update_id": 10}')  # handled: still known
        assert await store.inbox_prune(time.time() + 1) == 1
        assert await store.inbox_unhandled(1) == [(11, '{"update_id": 11}')]
    finally:
        await store.close()
