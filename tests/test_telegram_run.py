"""Starting and stopping `sanad run`: the token, signals, start-up errors, webhook mode."""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fakebotapi import (
    ONE_SENTENCE_QUESTION,
    BotProcess,
    FakeBotAPI,
    check_html,
    one_sentence_bot,
)

from bot.telegram import wording

# Out of the quick loop: each test starts and stops a `sanad run` of its own (about 7 s).
pytestmark = pytest.mark.slow


def finished(bot: BotProcess) -> tuple[int, list[str]]:
    """Exit status and the lines of output of a bot that stops by itself."""
    status = bot.wait(60)
    return status, bot.log().strip().splitlines()


def test_a_missing_token_is_one_line(own_api: FakeBotAPI, tmp_path: Path) -> None:
    bot = one_sentence_bot(own_api, tmp_path, env={"TELEGRAM_BOT_TOKEN": ""}).start(wait=False)
    status, lines = finished(bot)
    assert status == 2
    assert lines == [
        "sanad: the bot token is missing: set the environment variable TELEGRAM_BOT_TOKEN"
    ]
    assert not own_api.sent()


def test_a_refused_token_is_one_line(own_api: FakeBotAPI, tmp_path: Path) -> None:
    bot = one_sentence_bot(own_api, tmp_path, env={"TELEGRAM_BOT_TOKEN": "42:wrong"}).start(
        wait=False
    )
    status, lines = finished(bot)
    assert status == 2
    assert lines[-1] == "sanad: the Bot API refused the token in $TELEGRAM_BOT_TOKEN"
    assert "42:wrong" not in bot.log()


def test_an_unreachable_server_is_one_line(own_api: FakeBotAPI, tmp_path: Path) -> None:
    bot = one_sentence_bot(own_api, tmp_path, config="  retry_delay: 0.05\n")  # tried 5 times first
    bot.write_config()
    own_api.stop()
    bot.start(wait=False)
    status, lines = finished(bot)
    assert status == 1
    assert lines[-1].startswith("sanad: cannot reach the Bot API at http://127.0.0.1:")
    assert own_api.token not in bot.log()


def test_invalid_knowledge_at_first_start_is_one_line(own_api: FakeBotAPI, tmp_path: Path) -> None:
    bot = one_sentence_bot(own_api, tmp_path)
    bot.write_knowledge("broken.yaml", "id: broken\ntitle: x\n")
    bot.start(wait=False)
    status, lines = finished(bot)
    assert status == 1
    assert lines[-1].startswith("sanad: cannot load the knowledge: knowledge/broken.yaml:1:")


def test_a_bad_log_level_is_one_line(own_api: FakeBotAPI, tmp_path: Path) -> None:
    bot = one_sentence_bot(own_api, tmp_path, config="  log_level: LOUD\n").start(wait=False)
    status, lines = finished(bot)
    assert status == 2
    assert len(lines) == 1 and "'telegram.log_level' must be one of" in lines[0]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_stops_cleanly_and_the_token_is_never_logged(
    own_api: FakeBotAPI, tmp_path: Path, sig: signal.Signals
) -> None:
    bot = one_sentence_bot(own_api, tmp_path, config="  log_level: DEBUG\n").start()
    mark = own_api.mark()
    own_api.send_text(own_api.private(1), ONE_SENTENCE_QUESTION)
    assert "كسوف" in own_api.wait_for("sendMessage", chat_id=1, after=mark).text
    assert bot.stop(sig) == 0
    log = bot.log()
    assert "sanad.telegram: stopped" in log
    assert "Traceback" not in log
    assert own_api.token not in log and own_api.token.split(":")[1] not in log
    assert "getUpdates" in log  # DEBUG logging was on, and redacted rather than silenced


def test_a_restart_keeps_serving_from_the_same_database(
    own_api: FakeBotAPI, tmp_path: Path
) -> None:
    bot = one_sentence_bot(own_api, tmp_path).start()
    assert bot.stop() == 0
    bot.start()
    mark = own_api.mark()
    own_api.send_text(own_api.private(2), ONE_SENTENCE_QUESTION)
    assert "كسوف" in own_api.wait_for("sendMessage", chat_id=2, after=mark).text
    assert "knowledge loaded" not in bot.log().split("Application started")[-1]
    assert bot.stop() == 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def post(url: str, update: dict, secret: str) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(update).encode(),
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_webhook_mode(own_api: FakeBotAPI, tmp_path: Path) -> None:
    port = free_port()
    config = (
        "webhook:\n"
        "  url: https://bot.example.org/hook\n"
        "  listen: 127.0.0.1\n"
        f"  port: {port}\n"
        "  path: hook\n"
    )
    secret = "s3cret-webhook-token"
    bot = one_sentence_bot(
        own_api, tmp_path, config=config, env={"TELEGRAM_WEBHOOK_SECRET": secret}
    )
    bot.start(ready="setWebhook")
    try:
        registered = own_api.sent("setWebhook")[0].params
        assert registered["url"] == "https://bot.example.org/hook"
        assert registered["secret_token"] == secret
        assert not own_api.sent("getUpdates")
        wait_listening(port)
        message = own_api.message(own_api.private(3), ONE_SENTENCE_QUESTION)
        url = f"http://127.0.0.1:{port}/hook"
        assert post(url, {"update_id": 1, "message": message}, "wrong") == 403
        mark = own_api.mark()
        assert post(url, {"update_id": 2, "message": message}, secret) == 200
        reply = own_api.wait_for("sendMessage", chat_id=3, after=mark)
        assert "كسوف" in check_html(reply.text).text
    finally:
        assert bot.stop() == 0
    assert secret not in bot.log()


def test_webhook_mode_needs_its_secret(own_api: FakeBotAPI, tmp_path: Path) -> None:
    config = "webhook:\n  url: https://bot.example.org/hook\n"
    bot = one_sentence_bot(own_api, tmp_path, config=config, env={"TELEGRAM_WEBHOOK_SECRET": ""})
    status, lines = finished(bot.start(wait=False))
    assert status == 2
    assert lines == [
        "sanad: the webhook secret is missing: set the environment variable TELEGRAM_WEBHOOK_SECRET"
    ]


def test_a_failure_of_our_own_is_apologised_for_and_the_bot_goes_on(
    own_api: FakeBotAPI, tmp_path: Path
) -> None:
    bot = one_sentence_bot(own_api, tmp_path).start()
    try:
        database = sqlite3.connect(tmp_path / "data" / "sanad.sqlite3")
        database.executescript("DROP TABLE facts;")
        database.close()
        mark = own_api.mark()
        own_api.send_text(own_api.private(4), ONE_SENTENCE_QUESTION)
        reply = own_api.wait_for("sendMessage", chat_id=4, after=mark)
        assert wording.FAILED in check_html(reply.text).text
        assert "while handling update" in bot.log()
        mark = own_api.mark()
        own_api.send_text(own_api.private(4), "/start")
        assert "سند" in own_api.wait_for("sendMessage", chat_id=4, after=mark).text
    finally:
        assert bot.stop() == 0
