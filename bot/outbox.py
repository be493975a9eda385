"""The news outbox as a sender drains it: what is due, and what became of each delivery.

Deliveries are planned by the store inside each load's transaction; a sender (the Telegram
one today) takes them from here in order, and says here what became of each: sent, failed
for good, postponed, or its chat gone or moved.
"""

from __future__ import annotations

from bot.records import Delivery
from bot.store import Store
from bot.subscriptions import News, Subscriptions


class Outbox:
    """What a news sender may read and write; handed out by the engine."""

    def __init__(self, store: Store, subscriptions: Subscriptions) -> None:
        self._store = store
        self._subscriptions = subscriptions

    async def due_deliveries(self, now: float, limit: int) -> list[Delivery]:
        """Pending deliveries whose chat is not waiting out a 429, oldest first."""
        return await self._store.due_deliveries(now, limit)

    async def news(self, article_id: str) -> News | None:
        """What the chats receive about an article, or None when it was removed since."""
        return await self._subscriptions.news(article_id)

    async def mark_sent(self, delivery_id: int) -> None:
        """Telegram accepted the delivery: a restart never sends it again."""
        await self._store.mark_sent(delivery_id)

    async def mark_failed(self, delivery_id: int, error: str) -> None:
        """Give up a delivery for good, saying why."""
        await self._store.mark_failed(delivery_id, error)

    async def postpone(self, delivery_id: int, chat_id: int, until: float, error: str) -> None:
        """Hold every pending delivery to the chat until `until`."""
        await self._store.postpone(delivery_id, chat_id, until, error)

    async def deactivate_chat(self, chat_id: int, reason: str) -> None:
        """The chat blocked or removed the bot: stop sending there."""
        await self._store.deactivate_chat(chat_id, reason)

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its subscriptions and due news follow it."""
        await self._store.migrate_chat(old_id, new_id)
