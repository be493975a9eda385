"""getUpdates that reads each update on its own, so one it cannot read wedges nothing.

PTB reads a whole getUpdates batch in one go: one update it cannot read (a poll without
`allows_revoting` from an older self-hosted Bot API server, say) fails the batch, the offset
never moves past it, and the Updater asks again at once, for ever: some 7,000 calls in 20 s,
each logging a traceback, and no question answered. Here each update is read by itself; one
that cannot be read is logged once (one line, with its id) and left out, and the next
getUpdates confirms it all the same, so Telegram does not send it again.

Anything else unexpected in a getUpdates answer becomes a TelegramError, which PTB's polling
loop answers by waiting longer after each failure in a row (1 s growing to 30 s) instead of
asking again at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import JSONDict, ODVInput, TimePeriod
from telegram.error import TelegramError
from telegram.ext import ExtBot
from telegram.request import BaseRequest

LOG = logging.getLogger("sanad.telegram")


class UnreadableUpdates(TelegramError):
    """A getUpdates answer that is not a list of updates at all (each with its update_id)."""


class PollingBot(ExtBot[None]):
    """PTB's ExtBot with a getUpdates that skips, and confirms, updates it cannot read."""

    def __init__(self, token: str, *, get_updates_request: BaseRequest, **kwargs: Any) -> None:
        super().__init__(token, get_updates_request=get_updates_request, **kwargs)
        self._polling_request = get_updates_request
        # Past unreadable updates at the end of the last batch: (offset that confirms them,
        # the offset the Updater passes once it has queued the readable ones before them).
        self._skip: tuple[int, int] | None = None

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> tuple[Update, ...]:
        """Bot.get_updates, reading each update on its own."""
        asked = offset or 0
        data = {"timeout": timeout, "offset": self._past_unreadable(asked), "limit": limit}
        result = await self._post(
            "getUpdates",
            {**data, "allowed_updates": allowed_updates},
            read_timeout=self._long_poll_read_timeout(read_timeout, timeout),
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        if not isinstance(result, list) or not all(_has_id(item) for item in result):
            raise UnreadableUpdates(f"getUpdates answered {str(result)[:80]}, not updates")
        updates = [update for item in result if (update := self._read(item)) is not None]
        self._remember_unreadable(result, updates, asked)
        for update in updates:
            self.insert_callback_data(update)
        return tuple(updates)

    def _read(self, item: JSONDict) -> Update | None:
        """One update, or None (logged once) when PTB cannot read it."""
        try:
            update = Update.de_json(item, self)
            if update is None:
                raise ValueError("empty")
            _check(update)
        except Exception as exc:
            LOG.warning("skipped update %s: cannot read it (%s)", item["update_id"], _reason(exc))
            return None
        return update

    def _remember_unreadable(self, result: list[Any], updates: list[Update], asked: int) -> None:
        """Note unreadable updates after the last readable one, to confirm them next time.

        The Updater confirms up to the last update it was given; the ones after it are
        confirmed by the next call, provided the Updater did queue what it was given (when
        it stops meanwhile, it passes the old offset, and nothing is confirmed behind its back).
        """
        ids = [item["update_id"] for item in result]
        last_read = updates[-1].update_id if updates else None
        if ids and (last_read is None or max(ids) > last_read):
            queued = last_read + 1 if last_read is not None else asked
            self._skip = (max(ids) + 1, queued)

    def _past_unreadable(self, asked: int) -> int:
        """The offset the Updater asks for, moved past unreadable updates it never saw."""
        if self._skip is None:
            return asked
        past, queued = self._skip
        if asked < queued:
            return asked
        self._skip = None
        return max(asked, past)

    def _long_poll_read_timeout(
        self, read_timeout: ODVInput[float], timeout: TimePeriod | None
    ) -> float:
        """How long to wait for the answer: the request's read timeout plus the long poll's."""
        if isinstance(read_timeout, DefaultValue):
            base = self._polling_request.read_timeout or 0
        else:
            base = read_timeout or 0
        if isinstance(timeout, dt.timedelta):
            return base + timeout.total_seconds()
        return base + (timeout or 0)


def _check(update: Update) -> None:
    """What PTB reads without complaint but a handler cannot work with."""
    message = update.effective_message
    if message is not None and message.chat is None:
        raise ValueError("a message without a chat")


def _has_id(item: object) -> bool:
    return isinstance(item, dict) and isinstance(item.get("update_id"), int)


def _reason(exc: Exception) -> str:
    """The error's first line, without a traceback."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
