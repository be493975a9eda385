"""Subscriptions: which chats want which news, and what a news message says.

Deliveries themselves are planned by the store inside the load's transaction (see
`store._plan_deliveries`); this module is what chats ask for and what senders read.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store import Store
from bot.text import normalize

ALL_NEWS = ""
KEY_FACTS = 3


class UnknownTopic(Exception):
    """The chat named a topic no article has; carries the topics there are."""

    def __init__(self, topic: str, known: list[str]) -> None:
        super().__init__(topic)
        self.topic = topic
        self.known = known


@dataclass(frozen=True)
class News:
    """What a subscribed chat receives about one new article."""

    article_id: str
    title: str
    url: str | None
    published: str | None
    facts: tuple[str, ...]


class Subscriptions:
    """Chats' subscriptions over the store, with topics matched after Arabic normalisation."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def resolve(self, topic: str | None) -> tuple[str, str]:
        """The stored key and label of a topic: all news for None, else a known topic."""
        if topic is None or not normalize(topic):
            return ALL_NEWS, ALL_NEWS
        known = [name for name, _ in await self.store.topics()]
        wanted = normalize(topic)
        for name in known:
            if normalize(name) == wanted:
                return wanted, name
        raise UnknownTopic(topic, known)

    async def subscribe(self, chat_id: int, kind: str, title: str, topic: str | None) -> bool:
        """Subscribe a chat; False when it already was. Raises UnknownTopic."""
        key, label = await self.resolve(topic)
        await self.store.remember_chat(chat_id, kind, title)
        return await self.store.subscribe(chat_id, key, label)

    async def unsubscribe(self, chat_id: int, topic: str | None) -> int:
        """Remove one subscription, or all of them when topic is None; how many went."""
        if topic is None or not normalize(topic):
            return await self.store.unsubscribe(chat_id, None)
        return await self.store.unsubscribe(chat_id, normalize(topic))

    async def of(self, chat_id: int) -> list[str]:
        """The chat's subscriptions; ALL_NEWS ('') stands for all news."""
        return await self.store.subscriptions(chat_id)

    async def news(self, article_id: str) -> News | None:
        """The article's title, first facts and link, or None when it was removed since."""
        articles = await self.store.articles([article_id])
        if article_id not in articles:
            return None
        article = articles[article_id]
        facts = await self.store.article_facts(article_id)
        return News(
            article_id=article_id,
            title=article.title,
            url=article.url,
            published=article.published,
            facts=tuple(f.statement for f in facts[:KEY_FACTS]),
        )

    async def stats(self) -> tuple[dict[str, int], dict[str, int]]:
        """Subscribed chats by kind (and stopped chats by reason), and the outbox by state."""
        return await self.store.subscriber_counts(), await self.store.outbox_counts()
