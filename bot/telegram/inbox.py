"""At-least-once handling of Telegram updates: each is kept in the database until handled.

PTB's Updater queues a batch of updates and confirms it with the next getUpdates offset, so a
crash loses every update queued but not yet handled (80 to 92 questions of a burst of 100
were lost that way). Here the update queue itself is durable: an update is written to the
inbox table before it enters the queue, which is before Telegram can consider it delivered
(the next getUpdates in polling, the HTTP 200 in webhook mode), and it is marked handled once
its handlers are done. After a restart the unhandled ones are queued again, first; an update
already in the inbox is never queued a second time, not even when Telegram sends it again.

What remains is the moment between Telegram accepting a reply and the mark: a crash exactly
then answers that question again after the restart (docs/reliability.md has the figures).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from collections.abc import Awaitable
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import SimpleUpdateProcessor

from bot.updates import UpdateInbox

LOG = logging.getLogger("sanad.telegram")

# Telegram keeps an unconfirmed update for a day, so it may send a handled one again until
# then; a handled update is remembered that long, and forgotten after.
REMEMBER = 24 * 3600.0
PRUNE_EVERY = 3600.0


class InboxUnavailable(TelegramError):
    """The database could not keep an update, so it was not queued.

    A TelegramError, so that PTB's polling loop waits (longer after each failure in a row)
    and fetches the same batch again; in webhook mode Telegram is answered with an error and
    sends the update again later.
    """


class Inbox:
    """The inbox table as the Telegram side sees it: keep, replay, mark handled, prune."""

    def __init__(self) -> None:
        self._table: UpdateInbox | None = None
        self._bot_id = 0
        self._pruned_at = 0.0

    async def open(self, table: UpdateInbox, bot: Bot) -> list[Update]:
        """Start keeping updates for `bot`; the ones a previous run left unhandled, in order."""
        self._table = table
        self._bot_id = bot.id
        await self._prune()
        unhandled = []
        for update_id, payload in await table.unhandled(self._bot_id):
            update = self._read(update_id, payload, bot)
            if update is None:
                await table.handled(self._bot_id, update_id)
            else:
                unhandled.append(update)
        if unhandled:
            LOG.info("handling %d update(s) left unhandled by the last run", len(unhandled))
        return unhandled

    async def keep(self, update: Update) -> bool:
        """Write the update down before it is queued; False when it was kept before."""
        payload = json.dumps(update.to_dict(), ensure_ascii=False)
        return await self.table.keep(self._bot_id, update.update_id, payload)

    async def handled(self, update: Update) -> None:
        """The update's handlers are done: never handle it again."""
        await self.table.handled(self._bot_id, update.update_id)
        if time.time() - self._pruned_at > PRUNE_EVERY:
            await self._prune()

    @property
    def table(self) -> UpdateInbox:
        """The engine's update inbox, once the bot has opened it (post_init)."""
        if self._table is None:
            raise RuntimeError("the inbox is not open")
        return self._table

    async def _prune(self) -> None:
        self._pruned_at = time.time()
        await self.table.prune(self._pruned_at - REMEMBER)

    @staticmethod
    def _read(update_id: int, payload: str, bot: Bot) -> Update | None:
        """The kept update, or None (logged) when this version of PTB cannot read it."""
        try:
            return Update.de_json(json.loads(payload), bot)
        except Exception as exc:
            LOG.warning("skipped kept update %s: cannot read it (%s)", update_id, exc)
            return None


class InboxQueue(asyncio.Queue[object]):
    """PTB's update queue, made durable: what enters it is in the inbox first."""

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox

    async def put(self, item: object) -> None:
        """Queue an update once it is kept; one kept before (sent again) is dropped."""
        if isinstance(item, Update) and not await self._keep(item):
            LOG.debug("update %s was received before; not queued again", item.update_id)
            return
        await super().put(item)

    async def _keep(self, update: Update) -> bool:
        try:
            return await self.inbox.keep(update)
        except sqlite3.Error as exc:
            raise InboxUnavailable(f"cannot keep update {update.update_id}: {exc}") from exc

    async def replay(self, table: UpdateInbox, bot: Bot) -> None:
        """Open the inbox and queue what the last run left unhandled, ahead of new updates."""
        for update in await self.inbox.open(table, bot):
            await super().put(update)


class InboxProcessor(SimpleUpdateProcessor):
    """Handles updates like PTB's default processor, then marks each handled in the inbox."""

    def __init__(self, max_concurrent_updates: int, inbox: Inbox) -> None:
        super().__init__(max_concurrent_updates)
        self.inbox = inbox

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the handlers (PTB reports their errors itself), then mark the update handled."""
        await coroutine
        if isinstance(update, Update):
            await self.inbox.handled(update)
