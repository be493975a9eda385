"""`sanad run` against a Bot API that fails: by method and by kind of fault, at start-up, while
polling and while replying. Once the API behaves again, every question is answered exactly once.

Each fault hits the same call once or twice in a row, fewer than the five attempts the bot
makes, so the reply must get through; the retry pause is shortened with `telegram.retry_delay`
and the response timeout with `telegram.timeout`, so the matrix runs in about a minute.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TREATY
from fakebotapi import BAD_JSON, HTML_PAGE, RESET, SLOW, BotProcess, Call, FakeBotAPI, check_html

from bot.telegram import wording

# Out of the quick loop: a real `sanad run` waits out each fault (about a minute in all).
pytestmark = pytest.mark.slow

ADMIN = 900
QUESTION = "متى أبرمت معاهدة الشراكة الإستراتيجية الشاملة؟"
TIMEOUT = 2.0  # telegram.timeout for these bots: a SLOW fault answers later than this
FAST = f"  retry_delay: 0.05\n  timeout: {TIMEOUT}\n"  # under `telegram:`
KINDS: dict[str, dict[str, Any]] = {
    "5xx": {"code": 500, "description": "Internal Server Error"},
    "html": {"kind": HTML_PAGE, "code": 502},
    "badjson": {"kind": BAD_JSON},
    "reset": {"kind": RESET},
    "slow": {"kind": SLOW, "delay": TIMEOUT + 1.5},
    "429": {
        "code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    },
}


def times(kind: str) -> int:
    """Failures in a row: twice, but once for the costly kinds.

    A slow answer costs TIMEOUT and a 429 a second, so once is enough to prove the retry;
    sendMessage fails twice of every kind.
    """
    return 1 if kind in ("slow", "429") else 2


_users = itertools.count(1000)


def new_reader() -> dict[str, Any]:
    """A private chat no other test uses."""
    return FakeBotAPI.private(next(_users))


def make_bot(api: FakeBotAPI, root: Path, config: str = FAST) -> BotProcess:
    bot = BotProcess(api, root, admins=(ADMIN,), config=config)
    bot.write_knowledge("treaty.yaml", TREATY)
    return bot


def answered_once(api: FakeBotAPI, chat_id: int, question: dict[str, Any], after: int) -> Call:
    """The one reply to `question`: it arrives, and no second one follows."""
    reply = api.wait_for(
        "sendMessage", chat_id=chat_id, after=after, where=lambda c: c.ok, timeout=30
    )
    time.sleep(0.1)  # room for a second reply, if the bot wrongly sent one
    replies = api.delivered("sendMessage", chat_id=chat_id, after=after)
    assert len(replies) == 1, [c.text for c in replies]
    assert reply.reply_to == question["message_id"]
    return reply


def ask(api: FakeBotAPI, reader: dict[str, Any] | None = None) -> None:
    """A reader asks a question and gets the answer, exactly once."""
    reader = reader or new_reader()
    mark = api.mark()
    question = api.send_text(reader, QUESTION)
    assert "2024" in answered_once(api, reader["id"], question, mark).text


def no_faults_left(api: FakeBotAPI) -> bool:
    return not any(api.faults.values())


# -- while replying and while polling: one bot for the whole matrix -------------------------------


@pytest.fixture(scope="module")
def bot(api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    process = make_bot(api, tmp_path_factory.mktemp("faults")).start()
    yield process
    assert process.stop() == 0
    assert "Traceback" not in process.log()


@pytest.mark.parametrize("kind", KINDS)
def test_send_message(api: FakeBotAPI, bot: BotProcess, kind: str) -> None:
    api.fail("sendMessage", times=2, **KINDS[kind])
    ask(api)
    assert no_faults_left(api)


def test_three_server_errors_in_a_row_lose_no_answer(api: FakeBotAPI, bot: BotProcess) -> None:
    readers = [new_reader() for _ in range(5)]
    api.fail("sendMessage", times=3)
    mark = api.mark()
    questions = [api.send_text(reader, QUESTION) for reader in readers]
    for reader, question in zip(readers, questions, strict=True):
        answered_once(api, reader["id"], question, mark)
    assert no_faults_left(api)


def test_a_timed_out_send_that_telegram_delivered_arrives_twice(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    """The price of never losing an answer: a timed-out send may arrive twice.

    When Telegram acted on the call the bot gave up waiting for, the reader sees the answer
    twice (docs/reliability.md says why that beats losing it).
    """
    reader = new_reader()
    api.fail("sendMessage", times=1, processed=True, **KINDS["slow"])
    mark = api.mark()
    question = api.send_text(reader, QUESTION)
    api.wait_calls("sendMessage", 2, after=mark, timeout=30)
    replies = api.delivered("sendMessage", chat_id=reader["id"], after=mark)
    assert [c.reply_to for c in replies] == [question["message_id"]] * 2


def topics_message(api: FakeBotAPI, reader: dict[str, Any]) -> tuple[Call, str]:
    """/topics: the reply, and the data of its first button."""
    mark = api.mark()
    api.send_text(reader, "/topics")
    reply = api.wait_for("sendMessage", chat_id=reader["id"], after=mark, where=lambda c: c.ok)
    return reply, reply.buttons[0]["callback_data"]


@pytest.mark.parametrize("method", ["editMessageText", "answerCallbackQuery"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_button(api: FakeBotAPI, bot: BotProcess, kind: str, method: str) -> None:
    reader = new_reader()
    message, data = topics_message(api, reader)
    api.fail(method, times=times(kind), **KINDS[kind])
    mark = api.mark()
    query = api.press(FakeBotAPI.user(reader["id"]), message.result, data)
    edit = api.wait_for("editMessageText", after=mark, where=lambda c: c.ok, timeout=30)
    api.wait_for("answerCallbackQuery", after=mark, where=lambda c: c.ok, timeout=30)
    time.sleep(0.1)  # room for a second reply, if the bot wrongly sent one
    assert len(api.delivered("editMessageText", after=mark)) == 1
    answers = api.delivered("answerCallbackQuery", after=mark)
    assert [c.params["callback_query_id"] for c in answers] == [query["id"]]
    assert edit.params["message_id"] == message.result["message_id"]
    assert "معاهدات" in check_html(edit.text).text
    assert no_faults_left(api)


@pytest.mark.parametrize("kind", KINDS)
def test_an_inline_query(api: FakeBotAPI, bot: BotProcess, kind: str) -> None:
    api.fail("answerInlineQuery", times=times(kind), **KINDS[kind])
    mark = api.mark()
    query = api.inline_query(FakeBotAPI.user(next(_users)), QUESTION)
    api.wait_for("answerInlineQuery", after=mark, where=lambda c: c.ok, timeout=30)
    time.sleep(0.1)  # room for a second reply, if the bot wrongly sent one
    answers = api.delivered("answerInlineQuery", after=mark)
    assert [c.params["inline_query_id"] for c in answers] == [query["id"]]
    assert answers[0].params["results"], "the answer was offered"
    assert no_faults_left(api)


@pytest.mark.parametrize("kind", KINDS)
def test_an_upload(api: FakeBotAPI, bot: BotProcess, kind: str) -> None:
    article = f"id: upload-{kind}\ntitle: رفع\nsentences:\n  - id: s1\n    text: جملة.\n"
    api.fail("getFile", times=times(kind), **KINDS[kind])
    mark = api.mark()
    upload = api.send_document(
        api.private(ADMIN), article.encode(), f"upload-{kind}.yaml", user=api.user(ADMIN)
    )
    reply = answered_once(api, ADMIN, upload, mark)
    assert f"upload-{kind}.yaml" in reply.text
    assert len(api.delivered("getFile", after=mark)) == 1
    assert no_faults_left(api)


def test_an_upload_whose_download_fails(api: FakeBotAPI, bot: BotProcess) -> None:
    article = "id: upload-download\ntitle: رفع\nsentences:\n  - id: s1\n    text: جملة.\n"
    api.fail("download", times=2, kind=RESET)
    mark = api.mark()
    upload = api.send_document(
        api.private(ADMIN), article.encode(), "upload-download.yaml", user=api.user(ADMIN)
    )
    assert "upload-download.yaml" in answered_once(api, ADMIN, upload, mark).text
    assert len(api.delivered("download", after=mark)) == 1
    assert no_faults_left(api)


@pytest.mark.parametrize("kind", KINDS)
def test_polling(api: FakeBotAPI, bot: BotProcess, kind: str) -> None:
    """A getUpdates whose answer is lost leaves its updates for the next one.

    PTB's polling loop tries again after 1 s, then 1.5 s...: one fault in a row proves it.
    """
    fault = dict(KINDS[kind])
    if kind == "slow":  # later than the long poll's own wait (10 s) and the timeout
        fault["delay"] = 10 + TIMEOUT + 2
    api.fail("getUpdates", times=1, **fault)
    ask(api)
    assert no_faults_left(api)


def test_one_chat_waiting_out_a_429_holds_up_no_other(api: FakeBotAPI, bot: BotProcess) -> None:
    slow, quick = new_reader(), new_reader()
    api.fail(slow["id"], 429, "Too Many Requests: retry after 3", parameters={"retry_after": 3})
    mark = api.mark()
    api.send_text(slow, QUESTION)
    first = api.wait_for("sendMessage", chat_id=slow["id"], after=mark)
    ask(api, quick)
    late = api.wait_for("sendMessage", chat_id=slow["id"], after=mark, where=lambda c: c.ok)
    quick_reply = api.delivered("sendMessage", chat_id=quick["id"], after=mark)[0]
    assert first.fault and quick_reply.index < late.index
    assert late.at - first.at >= 2.5


# -- start-up ----------------------------------------------------------------------------------

# Each kind of fault once, on each start-up call twice.
STARTUP = [
    ("getMe", "5xx"),
    ("deleteWebhook", "html"),
    ("setMyCommands", "badjson"),
    ("getMe", "reset"),
    ("deleteWebhook", "slow"),
    ("setMyCommands", "429"),
]


@pytest.mark.parametrize(("method", "kind"), STARTUP)
def test_start_up_outlives(own_api: FakeBotAPI, tmp_path: Path, method: str, kind: str) -> None:
    own_api.fail(method, times=times(kind), **KINDS[kind])
    bot = make_bot(own_api, tmp_path).start(timeout=60)
    try:
        assert len(own_api.delivered(method)) >= 1
        ask(own_api)
    finally:
        assert bot.stop() == 0
    assert "Traceback" not in bot.log()


def output(bot: BotProcess) -> tuple[int, list[str]]:
    status = bot.wait(60)
    return status, bot.log().strip().splitlines()


@pytest.mark.parametrize("kind", ["5xx", "badjson"])
def test_start_up_gives_up_in_one_line(own_api: FakeBotAPI, tmp_path: Path, kind: str) -> None:
    own_api.fail("getMe", times=None, **KINDS[kind])
    status, lines = output(make_bot(own_api, tmp_path).start(wait=False))
    assert status == 1
    assert re.fullmatch(
        r"sanad: cannot reach the Bot API at http://127\.0\.0\.1:\d+/bot: getMe failed 5 times: .+",
        lines[-1],
    )
    assert all(" WARNING sanad.send: getMe: " in line for line in lines[:-1])
    assert len(lines) == 5  # a line per retry, then why it stopped
    assert len(own_api.sent("getMe")) == 5


def test_an_unreachable_api_is_retried_then_one_line(own_api: FakeBotAPI, tmp_path: Path) -> None:
    bot = make_bot(own_api, tmp_path)
    bot.write_config()
    own_api.stop()
    status, lines = output(bot.start(wait=False))
    assert status == 1
    assert "Traceback" not in bot.log()
    assert lines[-1].startswith("sanad: cannot reach the Bot API at http://127.0.0.1:")
    assert "getMe failed 5 times: httpx.ConnectError" in lines[-1]


def test_a_refused_token_is_one_line_and_no_traceback(own_api: FakeBotAPI, tmp_path: Path) -> None:
    bot = BotProcess(own_api, tmp_path, config=FAST, env={"TELEGRAM_BOT_TOKEN": "42:wrong"})
    status, lines = output(bot.start(wait=False))
    assert status == 2
    assert lines == ["sanad: the Bot API refused the token in $TELEGRAM_BOT_TOKEN"]
    assert len(own_api.sent()) == 0  # refused before it reached a method


# -- what cannot be sent -----------------------------------------------------------------------


def unsent_line(api: FakeBotAPI) -> str:
    mark = api.mark()
    api.send_text(api.private(ADMIN), "/stats", user=api.user(ADMIN))
    stats = api.wait_for("sendMessage", chat_id=ADMIN, after=mark, where=lambda c: c.ok)
    unsent = wording.UNSENT.split(":")[0]
    return next(line for line in check_html(stats.text).text.splitlines() if unsent in line)


def test_a_reply_that_cannot_be_sent_is_logged_and_counted_across_restarts(
    own_api: FakeBotAPI, tmp_path: Path
) -> None:
    reader = new_reader()
    own_api.fail(reader["id"], times=None, methods=("sendMessage",))
    bot = make_bot(own_api, tmp_path).start()
    try:
        assert unsent_line(own_api).endswith(wording.UNSENT.format(unsent_today=0, unsent_total=0))
        question = own_api.send_text(reader, QUESTION)
        update_id = max(own_api.injected_at)
        counted = wording.UNSENT.format(unsent_today=1, unsent_total=1)
        deadline = time.monotonic() + 30
        while not unsent_line(own_api).endswith(counted) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert unsent_line(own_api).endswith(counted)
        assert question["message_id"] not in {c.reply_to for c in own_api.delivered()}
    finally:
        assert bot.stop() == 0
    log = bot.log()
    assert "Traceback" not in log
    failures = [line for line in log.splitlines() if "a reply was not sent" in line]
    assert len(failures) == 1
    assert "sendMessage failed 5 times: Internal Server Error" in failures[0]
    database = sqlite3.connect(tmp_path / "data" / "sanad.sqlite3")
    (stored,) = database.execute("SELECT update_id, chat_id, method FROM unsent").fetchall()
    database.close()
    assert stored == (update_id, reader["id"], "sendMessage")
    assert f"update {update_id}: " in failures[0]
    bot.start()
    try:
        assert unsent_line(own_api).endswith(counted)
    finally:
        assert bot.stop() == 0
