"""What readers retrieve from: the index of the last committed load, kept current.

The engine owns one Retrieval over its store. Readers get retrieval's index (bot/index.py)
as of the last committed load: opened again right after a load through this engine, and
after another process's load once a small read (at most every INDEX_CHECK seconds, not per
question) sees a new generation; while it opens, questions are answered from the previous
one. A load updates the postings this object last wrote instead of reading them back, and
topics are kept until the index shows a new load.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from functools import partial

from bot.analysis import TermsTable
from bot.index import ARTICLE_WEIGHTS, FACT_WEIGHTS, KnowledgeIndex, Postings, Ranker
from bot.records import Deleted, FactRow, Inserted, Written
from bot.store import Store, decoding

# How often, at most, readers look whether another process has loaded new knowledge.
INDEX_CHECK = 0.25


class Retrieval:
    """The index readers answer from, the facts it points at, and the postings loads update."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._index: KnowledgeIndex | None = None
        self._opening: asyncio.Task[KnowledgeIndex] | None = None
        self._checked = 0.0
        self._topics: tuple[int, list[tuple[str, int]]] | None = None
        # The postings this object last committed: the bot's loader process stays up between
        # reloads, and reading the postings back would cost more than updating them.
        self.written: Written | None = None

    async def index(self) -> KnowledgeIndex:
        """Retrieval's index as of the last committed load (see the module's docstring)."""
        now = time.monotonic()
        if self._index is not None and now - self._checked < INDEX_CHECK:
            return self._index
        self._checked = now
        generation = await self._store.generation()
        if self._index is not None and self._index.generation == generation:
            return self._index
        if self._opening is None:
            self._opening = asyncio.create_task(self._open())
        if self._index is not None:
            return self._index
        return await asyncio.shield(self._opening)

    async def refresh(self) -> KnowledgeIndex:
        """Open the index of the knowledge just committed, for the next question to use."""
        if self._opening is not None:
            await asyncio.shield(self._opening)
        self._opening = asyncio.create_task(self._open())
        return await asyncio.shield(self._opening)

    async def _open(self) -> KnowledgeIndex:
        try:
            previous = self._index.terms if self._index is not None else None
            wanted = partial(TermsTable.to_read, previous)
            blobs, loaded, read = await self._store.index_rows(wanted)
            terms = partial(TermsTable.build, previous, loaded, read)
            index = await asyncio.to_thread(_open_index, blobs, terms)
            self._index = index
            return index
        finally:
            self._opening = None

    async def facts(self, rowids: Sequence[int]) -> dict[int, FactRow]:
        """Facts by rowid with their quotes and article, for the index's hits."""
        return await self._store.facts(rowids)

    async def article_texts(self, article_ids: Iterable[str]) -> dict[str, list[str]]:
        """Each article's title, then its statements (bot/ordinals.py)."""
        return await self._store.article_texts(article_ids)

    async def lead_and_before(self, rowids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """Each fact's article's first statement and the one before it (bot/places.py)."""
        return await self._store.lead_and_before(rowids)

    async def topics(self) -> list[tuple[str, int]]:
        """Every topic with its article count, most covered first.

        Every abstention offers topics, so they are kept until the index shows a new load:
        grouping every article's topics again costs more than answering.
        """
        generation = self._index.generation if self._index is not None else None
        if generation is not None and self._topics is not None and self._topics[0] == generation:
            return list(self._topics[1])
        rows = await self._store.topics()
        if generation is not None:
            self._topics = (generation, rows)
        return list(rows)

    def updated(
        self,
        generation: int,
        stored: Callable[[], dict[str, bytes]],
        gone: Deleted,
        new: Inserted,
    ) -> Written:
        """The postings after a load, from those of `generation` (read by `stored` if need be).

        Called inside the load's transaction; `wrote` keeps the result once it is committed.
        """
        last = self.written
        if last is None or last.generation != generation:
            last = read_written(stored())
        removed = set(gone.articles)
        ids = {k: v for k, v in last.article_ids.items() if k not in removed}
        ids.update(new.article_ids)
        return Written(
            secrets.randbits(62) + 1,
            last.facts.updated(FACT_WEIGHTS, gone.facts, new.facts),
            last.articles.updated(ARTICLE_WEIGHTS, gone.articles, new.articles),
            ids,
        )

    def wrote(self, written: Written | None) -> None:
        """A load committed these postings (None: it changed none)."""
        if written is not None:
            self.written = written


@decoding
def read_written(blobs: dict[str, bytes]) -> Written:
    """The postings table's rows (name: data) as the postings they hold."""
    ids = json.loads(blobs.get("article_ids", b"{}"))
    return Written(
        int(blobs.get("generation", b"0")),
        _postings(blobs, "facts"),
        _postings(blobs, "articles"),
        {int(k): v for k, v in ids.items()},
    )


def _postings(blobs: dict[str, bytes], name: str) -> Postings:
    return Postings.from_bytes(blobs[name]) if name in blobs else Postings.empty()


@decoding
def _open_index(blobs: dict[str, bytes], terms: Callable[[], TermsTable]) -> KnowledgeIndex:
    written = read_written(blobs)
    return KnowledgeIndex(
        generation=written.generation,
        facts=Ranker(written.facts),
        articles=Ranker(written.articles),
        article_ids=written.article_ids,
        terms=terms(),
    )
