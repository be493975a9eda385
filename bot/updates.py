"""Updates from a messaging platform, kept from receipt until handled (the inbox table).

The engine hands this out to the Telegram adapter (bot/telegram/inbox.py), which decides
when an update is kept and when it is handled; the rows themselves are the store's.
"""

from __future__ import annotations

from bot.store import Store


class UpdateInbox:
    """Keep, list, mark handled and forget updates, per bot; nothing else of the database."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def keep(self, bot_id: int, update_id: int, payload: str) -> bool:
        """Keep an update until it is handled; False when it was kept (or handled) before."""
        return await self._store.inbox_keep(bot_id, update_id, payload)

    async def handled(self, bot_id: int, update_id: int) -> None:
        """Mark an update handled; its payload is no longer needed."""
        await self._store.inbox_handled(bot_id, update_id)

    async def unhandled(self, bot_id: int) -> list[tuple[int, str]]:
        """The updates kept but not handled, as (update_id, payload), in the platform's order."""
        return await self._store.inbox_unhandled(bot_id)

    async def prune(self, handled_before: float) -> int:
        """Forget updates handled before `handled_before`; how many were forgotten."""
        return await self._store.inbox_prune(handled_before)
