"""Every Bot API call outlives Telegram's hiccups: transient failures are tried again.

PTB sends each call except getUpdates through its bot's rate limiter, so `Retrying` (a
`BaseRateLimiter`) is the one place where answers, edits, answerCallbackQuery,
answerInlineQuery, getFile and the start-up calls (getMe, deleteWebhook, setMyCommands) are
retried. Transient means a 5xx or HTML error page, a response that is not JSON, a connection
that failed or was reset, a timeout, and a 429 (its `retry_after` is waited out, this call
only). The pause doubles from `telegram.retry_delay` (1 s: 1, 2, 4, 8 s over the default five
attempts). Each call waits in its own task, so one chat's trouble never holds up another's.
What still fails becomes `Unsent`, which the error handler logs and counts.

A timeout or reset after the request went out is ambiguous: Telegram may have delivered it.
We send it again: a reader who sees an answer twice has lost nothing, one who never sees it
has. getUpdates is left to PTB's polling loop, which retries it for ever.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from telegram import Bot, Document
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter
from telegram.request import HTTPXRequest

from bot.telegram.sending import seconds

LOG = logging.getLogger("sanad.send")
T = TypeVar("T")
# Pass as `rate_limit_args` for a call whose caller handles every failure itself.
ONCE: dict[str, Any] = {"retry": False}
LONGEST_PAUSE = 30.0  # seconds: the doubling pause stops growing here
LONGEST_WAIT = 60.0  # seconds: a 429 asking for a longer wait is not waited out
# httpx failures that happen after the request was sent: Telegram may have acted on it.
_AFTER_SENDING = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError, httpx.ReadError)


class BadResponse(NetworkError):
    """The Bot API (or a proxy in front of it) answered with something that is not JSON."""


class Unsent(NetworkError):
    """A call that failed with transient errors as often as the policy allows."""

    def __init__(self, method: str, attempts: int, last: TelegramError) -> None:
        times = "once" if attempts == 1 else f"{attempts} times"
        super().__init__(f"{method} failed {times}: {describe(last)}")
        self.method = method
        self.attempts = attempts


@dataclass(frozen=True)
class Policy:
    """How often and how patiently a call is tried."""

    attempts: int = 5
    delay: float = 1.0

    def pause(self, error: TelegramError, attempt: int) -> float | None:
        """Seconds to wait after failed attempt number `attempt`; None: give up."""
        if attempt >= self.attempts or not transient(error):
            return None
        if isinstance(error, RetryAfter):
            wait = seconds(error.retry_after)
            return wait if wait <= LONGEST_WAIT else None
        return min(self.delay * 2.0 ** (attempt - 1), LONGEST_PAUSE)


def transient(error: TelegramError) -> bool:
    """Worth trying again: Telegram or the network failed, not the request itself."""
    return isinstance(error, RetryAfter) or (
        isinstance(error, NetworkError) and not isinstance(error, (BadRequest, Unsent))
    )


def maybe_delivered(error: TelegramError) -> bool:
    """The request went out before it failed, so Telegram may have acted on it."""
    return isinstance(error, BadResponse) or (
        isinstance(error, NetworkError) and isinstance(error.__cause__, _AFTER_SENDING)
    )


class Retrying(BaseRateLimiter[dict[str, Any]]):
    """PTB's hook around every Bot API call but getUpdates, used to try calls again."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    async def initialize(self) -> None:
        """Nothing to set up: the policy holds no connections."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Awaitable[bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Make the call, trying it again while the failure is transient and the policy allows."""
        if rate_limit_args is not None and not rate_limit_args.get("retry", True):
            return await callback(*args, **kwargs)
        return await self.call(lambda: callback(*args, **kwargs), endpoint, data.get("chat_id"))

    async def call(self, attempt: Callable[[], Awaitable[T]], what: str, chat_id: Any = None) -> T:
        """`attempt()` until it succeeds or the policy gives up (then `Unsent`)."""
        target = f"{what} to chat {chat_id}" if chat_id is not None else what
        tried = 0
        while True:
            tried += 1
            try:
                return await attempt()
            except TelegramError as error:
                pause = self.policy.pause(error, tried)
                if pause is None:
                    if tried > 1 or transient(error):
                        raise Unsent(what, tried, error) from error
                    raise
                doubt = "; it may have arrived" if maybe_delivered(error) else ""
                LOG.warning(
                    "%s: %s%s; trying again in %g s (attempt %d of %d)",
                    target,
                    describe(error),
                    doubt,
                    pause,
                    tried + 1,
                    self.policy.attempts,
                )
                await asyncio.sleep(pause)


async def download(bot: Bot, document: Document) -> bytes:
    """An uploaded file's bytes, both calls retried.

    getFile goes through `Retrying` like every call; PTB does not route the download from the
    file server through it, so it is retried here.
    """
    file = await document.get_file()
    limiter = getattr(bot, "rate_limiter", None)
    if not isinstance(limiter, Retrying):
        return bytes(await file.download_as_bytearray())
    return bytes(await limiter.call(file.download_as_bytearray, "download"))


class ApiRequest(HTTPXRequest):
    """PTB's HTTP client, but a body that is not JSON is a `BadResponse`, without a traceback.

    PTB logs the whole traceback of every unparsable body; a proxy's error page is an
    ordinary transient failure here, retried and logged in one line.
    """

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """The body as JSON, or a one-line BadResponse that the retry policy treats as transient."""
        try:
            parsed = json.loads(payload.decode("utf-8", "replace"))
        except ValueError:
            raise BadResponse(f"not JSON: {_short(repr(payload), 80)}") from None
        if not isinstance(parsed, dict):
            raise BadResponse(f"not a JSON object: {_short(repr(payload), 80)}")
        return parsed


def describe(error: TelegramError) -> str:
    """The error in one short line: PTB quotes a whole error page that is not JSON."""
    message, _, unparsed = error.message.partition(". Parsing the server response")
    return _short(message + (", not JSON" if unparsed else ""))


def _short(text: str, size: int = 160) -> str:
    """One line of at most `size` characters: an error page can be long."""
    line = " ".join(text.split())
    return line if len(line) <= size else line[: size - 1] + "…"
