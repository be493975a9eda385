"""The fake Bot API server speaks the protocol the way python-telegram-bot expects it.

Other tests rely on it to stand for Telegram, so its errors must become the same PTB
exceptions that real ones do, and its long polling, uploads and downloads must work.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator

import pytest
from fakebotapi import FakeBotAPI
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.request import HTTPXRequest


@pytest.fixture
async def bot(api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Bot]:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # as `sanad run` does
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


async def test_get_me_and_a_sent_message_are_recorded(api: FakeBotAPI, bot: Bot) -> None:
    assert bot.username == api.me["username"]
    mark = api.mark()
    sent = await bot.send_message(42, "<b>مرحبا</b>", parse_mode="HTML")
    call = api.sent("sendMessage", after=mark)[0]
    assert call.params == {"chat_id": 42, "text": "<b>مرحبا</b>", "parse_mode": "HTML"}
    assert sent.text == "<b>مرحبا</b>" and sent.from_user is not None
    assert sent.from_user.id == api.me["id"]


@pytest.mark.parametrize(
    ("code", "description", "parameters", "error"),
    [
        (403, "Forbidden: bot was blocked by the user", None, Forbidden),
        (400, "Bad Request: chat not found", None, BadRequest),
        (429, "Too Many Requests: retry after 3", {"retry_after": 3}, RetryAfter),
        (400, "Bad Request: group chat was upgraded", {"migrate_to_chat_id": -1009}, ChatMigrated),
        (500, "Internal Server Error", None, NetworkError),
    ],
)
async def test_faults_become_ptbs_exceptions(
    api: FakeBotAPI,
    bot: Bot,
    code: int,
    description: str,
    parameters: dict | None,
    error: type[Exception],
) -> None:
    api.fail(77, code, description, parameters=parameters)
    with pytest.raises(error) as raised:
        await bot.send_message(77, "x")
    if isinstance(raised.value, RetryAfter):
        assert raised.value.retry_after == dt.timedelta(seconds=3)
    if isinstance(raised.value, ChatMigrated):
        assert raised.value.new_chat_id == -1009
    await bot.send_message(77, "x")  # one fault, then back to normal


async def test_a_fault_can_be_limited_to_a_method(api: FakeBotAPI, bot: Bot) -> None:
    api.fail(78, 403, "Forbidden: bot was kicked", methods=("sendMessage",), times=None)
    await bot.get_chat_member(78, 1)
    for _ in range(2):
        with pytest.raises(Forbidden):
            await bot.send_message(78, "x")


@pytest.mark.slow
async def test_long_polling_waits_for_updates_and_honours_the_offset(
    api: FakeBotAPI, bot: Bot
) -> None:
    pending = await bot.get_updates(timeout=0)
    offset = pending[-1].update_id + 1 if pending else 0
    started = time.monotonic()
    assert await bot.get_updates(offset=offset, timeout=1) == ()
    assert time.monotonic() - started >= 0.9
    polling = asyncio.create_task(bot.get_updates(offset=offset, timeout=10))
    await asyncio.sleep(0.2)
    injected = api.send_text(api.private(5), "سؤال")
    updates = await asyncio.wait_for(polling, 5)
    assert [u.message.text for u in updates if u.message] == ["سؤال"]
    assert updates[0].message.message_id == injected["message_id"]  # type: ignore[union-attr]
    again = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert again == ()


async def test_files_download_and_documents_upload(api: FakeBotAPI, bot: Bot) -> None:
    file_id = api.add_file(b"id: x\n", "documents/x.yaml")
    found = await bot.get_file(file_id)
    assert bytes(await found.download_as_bytearray()) == b"id: x\n"
    mark = api.mark()
    await bot.send_document(9, document=b"data", filename="a.yaml", caption="ملف")
    call = api.sent("sendDocument", after=mark)[0]
    assert call.params["caption"] == "ملف" and call.files["document"] == b"data"


async def test_a_wrong_token_is_refused(api: FakeBotAPI) -> None:
    requests = HTTPXRequest(), HTTPXRequest()
    client = Bot("1:wrong", base_url=api.base_url, request=requests[0],
                 get_updates_request=requests[1])  # fmt: skip
    try:
        with pytest.raises(InvalidToken):
            await client.initialize()
    finally:
        for request in requests:
            await request.shutdown()
