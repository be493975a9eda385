"""The retry policy of Bot API calls, and where unsent replies are counted.

End to end, against a failing fake Bot API, in test_telegram_faults.py.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import httpx
import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.store import Store
from bot.telegram import render, wording
from bot.telegram.retry import (
    ApiRequest,
    BadResponse,
    Policy,
    Retrying,
    Unsent,
    describe,
    maybe_delivered,
    transient,
)


@pytest.fixture(autouse=True)
def timedeltas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # as `sanad run` does


def caused(error: TelegramError, cause: BaseException) -> TelegramError:
    error.__cause__ = cause
    return error


def test_the_pause_doubles_from_the_delay_and_stops_at_the_last_attempt() -> None:
    policy = Policy(attempts=5, delay=1.0)
    error = NetworkError("Internal Server Error")
    assert [policy.pause(error, n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 8.0, None]
    assert Policy(attempts=20, delay=10).pause(error, 10) == 30.0  # never longer than 30 s


def test_a_429_waits_what_telegram_asks_unless_it_asks_too_much() -> None:
    policy = Policy(attempts=5, delay=0.01)
    assert transient(RetryAfter(dt.timedelta(seconds=3)))
    assert policy.pause(RetryAfter(dt.timedelta(seconds=3)), 1) == 3.0
    assert policy.pause(RetryAfter(dt.timedelta(seconds=61)), 1) is None


@pytest.mark.parametrize(
    "error",
    [
        NetworkError("Internal Server Error"),
        NetworkError("Bad Gateway (502). Parsing the server response b'<html>' failed"),
        TimedOut(),
        BadResponse("not JSON"),
    ],
)
def test_what_is_tried_again(error: TelegramError) -> None:
    assert transient(error)


@pytest.mark.parametrize(
    "error",
    [
        BadRequest("Bad Request: message text is empty"),
        Forbidden("Forbidden: bot was blocked by the user"),
        InvalidToken("Unauthorized"),
        ChatMigrated(-100123),
        Unsent("sendMessage", 5, NetworkError("Internal Server Error")),
    ],
)
def test_what_is_not_tried_again(error: TelegramError) -> None:
    assert not transient(error)
    assert Policy().pause(error, 1) is None


def test_only_failures_after_the_request_went_out_may_have_been_delivered() -> None:
    request = httpx.Request("POST", "http://127.0.0.1/bot/sendMessage")
    assert maybe_delivered(caused(TimedOut(), httpx.ReadTimeout("", request=request)))
    assert maybe_delivered(
        caused(NetworkError("reset"), httpx.RemoteProtocolError("", request=request))
    )
    assert maybe_delivered(BadResponse("not JSON"))
    assert not maybe_delivered(caused(TimedOut(), httpx.ConnectTimeout("", request=request)))
    assert not maybe_delivered(caused(TimedOut(), httpx.PoolTimeout("", request=request)))
    assert not maybe_delivered(NetworkError("Internal Server Error"))


def test_an_error_page_is_described_in_one_short_line() -> None:
    page = "Bad Gateway (502). Parsing the server response b'<html>\\r\\n<head>...' failed"
    assert describe(NetworkError(page)) == "Bad Gateway (502), not JSON"
    assert len(describe(NetworkError("x" * 1000))) == 160


def test_a_body_that_is_not_json_is_a_bad_response_and_logs_no_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert ApiRequest.parse_json_payload(b'{"ok": true}') == {"ok": True}
    for body in (b'{"ok": tr', b"<html></html>", b"[1, 2]"):
        with pytest.raises(BadResponse):
            ApiRequest.parse_json_payload(body)
    assert not caplog.records


async def test_a_call_is_tried_until_it_succeeds_or_becomes_unsent() -> None:
    retrying = Retrying(Policy(attempts=3, delay=0.001))
    failures = [NetworkError("Internal Server Error"), TimedOut()]

    async def flaky() -> str:
        if failures:
            raise failures.pop(0)
        return "sent"

    assert await retrying.call(flaky, "sendMessage", 42) == "sent"

    async def down() -> str:
        raise NetworkError("Internal Server Error")

    with pytest.raises(Unsent) as raised:
        await retrying.call(down, "sendMessage", 42)
    assert raised.value.message == "sendMessage failed 3 times: Internal Server Error"
    assert raised.value.method == "sendMessage" and raised.value.attempts == 3


async def test_a_refusal_is_raised_as_it_is_at_once() -> None:
    retrying = Retrying(Policy(attempts=3, delay=0.001))
    tries = 0

    async def refused() -> str:
        nonlocal tries
        tries += 1
        raise Forbidden("Forbidden: bot was blocked by the user")

    with pytest.raises(Forbidden):
        await retrying.call(refused, "sendMessage", 42)
    assert tries == 1


async def test_a_caller_that_handles_failures_itself_gets_them_raw() -> None:
    retrying = Retrying(Policy(attempts=3, delay=0.001))
    tries = 0

    async def limited(*args: object, **kwargs: object) -> bool:
        nonlocal tries
        tries += 1
        raise RetryAfter(dt.timedelta(seconds=30))

    with pytest.raises(RetryAfter):
        await retrying.process_request(limited, (), {}, "sendMessage", {}, {"retry": False})
    assert tries == 1


# -- the count of unsent replies ---------------------------------------------------------------


async def test_an_older_database_gains_the_unsent_table_and_keeps_its_data(
    tmp_path: Path,
) -> None:
    path = tmp_path / "sanad.sqlite3"
    store = Store(path)
    await store.open()
    await store.log_question("سؤال", "سؤال", False, None)
    await store.close()
    older = sqlite3.connect(path)
    older.execute("DROP TABLE unsent")  # as a database made before the table existed
    older.close()
    await store.open()
    try:
        assert await store.unsent_counts(since=0) == {"unsent_total": 0, "unsent_today": 0}
        await store.record_unsent(7, 42, "sendMessage", "sendMessage failed 5 times")
        await store.record_unsent(8, 42, "sendMessage", "sendMessage failed 5 times")
        assert await store.unsent_counts(since=0) == {"unsent_total": 2, "unsent_today": 2}
        assert await store.unsent_counts(since=2e9) == {"unsent_total": 2, "unsent_today": 0}
        assert (await store.question_counts(since=0))["asked_total"] == 1
    finally:
        await store.close()


def test_stats_show_the_unsent_replies() -> None:
    text = render.stats({"articles": 1, "unsent_today": 1, "unsent_total": 3})
    assert render.esc(wording.UNSENT.format(unsent_today=1, unsent_total=3)) in text
