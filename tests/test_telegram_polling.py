"""Fetching updates: one that cannot be read is skipped once, a failing getUpdates backs off."""

from __future__ import annotations

import collections
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fakebotapi import ONE_SENTENCE, ONE_SENTENCE_QUESTION, BotProcess, FakeBotAPI

# Out of the quick loop: a real `sanad run` backs off from failing polls (about 20 s).
pytestmark = pytest.mark.slow


@pytest.fixture
def bot(own_api: FakeBotAPI, tmp_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(own_api, tmp_path)
    process.write_knowledge("eclipse.yaml", ONE_SENTENCE)
    with process:
        yield process


def old_poll() -> dict:
    """A poll as an older self-hosted Bot API server sends it: without `allows_revoting`."""
    return {
        "poll": {
            "id": "5001",
            "question": "أي الفصول تفضل؟",
            "options": [{"text": "الصيف", "voter_count": 0, "persistent_id": "o1"}],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
        }
    }


def chatless(api: FakeBotAPI) -> dict:
    message = api.message(api.private(77), ONE_SENTENCE_QUESTION)
    del message["chat"]
    return {"message": message}


def replies_by_question(api: FakeBotAPI, after: int) -> collections.Counter:
    return collections.Counter(
        (call.chat_id, call.reply_to) for call in api.sent("sendMessage", after=after)
    )


def test_updates_that_cannot_be_read_are_skipped_once_and_the_rest_answered(
    own_api: FakeBotAPI, bot: BotProcess, tmp_path: Path
) -> None:
    mark = own_api.mark()
    good = [
        {"message": own_api.message(own_api.private(100 + i), ONE_SENTENCE_QUESTION)}
        for i in range(10)
    ]
    bad = [old_poll(), chatless(own_api)]
    own_api.inject_many(good[:5] + bad + good[5:])
    own_api.wait_calls("sendMessage", len(good), after=mark, timeout=60)
    time.sleep(2)  # time enough for a wedged poller to spin thousands of times

    replies = replies_by_question(own_api, mark)
    asked = [(u["message"]["chat"]["id"], u["message"]["message_id"]) for u in good]
    assert [replies[q] for q in asked] == [1] * len(good)
    assert sum(replies.values()) == len(good)
    # Long polling: a call that returned the batch, one that confirms it and waits.
    assert len(own_api.sent("getUpdates", after=mark)) <= 5

    log = bot.log()
    for update in bad:
        said = f"skipped update {update['update_id']}:"
        lines = [line for line in log.splitlines() if said in line]
        assert len(lines) == 1, log
        assert "cannot read it" in lines[0]
    assert "allows_revoting" in log
    assert "Traceback" not in log and "CRITICAL" not in log

    # They were confirmed: a restart does not fetch them again.
    assert bot.stop() == 0
    bot.start()
    mark = own_api.mark()
    own_api.send_text(own_api.private(200), ONE_SENTENCE_QUESTION)
    own_api.wait_for("sendMessage", chat_id=200, after=mark, timeout=30)
    assert all(bot.log().count(f"skipped update {u['update_id']}:") == 1 for u in bad)


def test_batches_ending_in_or_made_of_unreadable_updates_are_confirmed(
    own_api: FakeBotAPI, bot: BotProcess
) -> None:
    mark = own_api.mark()
    own_api.inject_many(
        [{"message": own_api.message(own_api.private(300), ONE_SENTENCE_QUESTION)}, old_poll()]
    )
    own_api.wait_for("sendMessage", chat_id=300, after=mark, timeout=30)
    own_api.inject_many([old_poll(), old_poll()])
    time.sleep(1)
    own_api.send_text(own_api.private(301), ONE_SENTENCE_QUESTION)
    own_api.wait_for("sendMessage", chat_id=301, after=mark, timeout=30)
    time.sleep(1)
    assert len(own_api.sent("getUpdates", after=mark)) <= 8
    assert bot.log().count("skipped update") == 3, bot.log()


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(lambda api: api.fail("getUpdates", 502, "Bad Gateway", times=3), id="502"),
        pytest.param(lambda api: api.garble("getUpdates", {"no": "list"}, times=3), id="garbage"),
        pytest.param(lambda api: api.garble("getUpdates", [42, "x"], times=3), id="not-updates"),
    ],
)
def test_a_failing_get_updates_backs_off_and_polling_recovers(
    own_api: FakeBotAPI, bot: BotProcess, fault: Callable[[FakeBotAPI], None]
) -> None:
    mark = own_api.mark()
    fault(own_api)
    own_api.send_text(
        own_api.private(400), ONE_SENTENCE_QUESTION
    )  # ends the long poll in flight: the first failure
    own_api.wait_for("sendMessage", chat_id=400, after=mark, timeout=30)
    failed = [call for call in own_api.sent("getUpdates") if call.fault]
    assert len(failed) == 3
    delivered = own_api.sent("getUpdates", after=failed[-1].index + 1)[0]
    assert delivered.at - failed[1].at >= 2.5  # waits of 1.5 s, then 2.25 s: no spinning
    mark = own_api.mark()
    own_api.send_text(own_api.private(401), ONE_SENTENCE_QUESTION)
    own_api.wait_for("sendMessage", chat_id=401, after=mark, timeout=30)
    log = bot.log()
    assert log.count("retrying") == 3, log
    assert "Traceback" not in log and "CRITICAL" not in log
