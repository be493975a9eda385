"""The facts' sentence vectors: computed once per distinct text, kept in SQLite, held in memory.

A load commits and serves without waiting for vectors (embedding 100,000 facts takes an hour
on two cores). `fill()` then embeds, in worker processes, every statement and editor's question
that has no vector yet, and stores each batch as it comes, so an interrupted fill resumes where
it stopped and a reload embeds only texts it has not seen. Readers pick up new vectors within
CHECK seconds (`Holder`); a fact without one is matched by its words alone meanwhile.

Statements are embedded as passages, each after its article's title, and editors' questions as
queries, as the model was trained.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from bot import meaning
from bot.records import VectorText
from bot.store import Store
from bot.workers import process_pool

# How often readers look whether vectors were added (a small read).
CHECK = 1.0
# Texts a worker embeds per task: progress shows often, and a stop loses little.
BATCH = 16
PASSAGE, QUERY = "p", "q"
# How much of a title is read with each fact (the titles of our sets run to 53-94 characters).
TITLE_CHARS = 200


@dataclass(frozen=True)
class FactVectors:
    """Vectors of the facts that have one, as of one look at the database.

    `rows` maps a fact's rowid to its row of `statements`; `asked[rowid]` holds its editors'
    questions' vectors, one row each. Both are float16 as stored (100,000 statements take
    77 MB instead of 154), made float32 for the few rows a question is compared with.
    """

    rows: dict[int, int]
    statements: np.ndarray
    asked: dict[int, np.ndarray]
    facts: int
    # Distinct texts (statements and editors' questions) that have no vector yet.
    missing: int = 0

    @property
    def done(self) -> int:
        """Facts with a vector, which the progress of a fill counts."""
        return len(self.rows)

    def nearest(self, vector: np.ndarray, k: int, limit: int) -> list[int]:
        """The rowids of the k facts closest in meaning; none beyond `limit` facts.

        Comparing with every fact is one matrix product: 0.1 ms at 1,000 facts, several at
        100,000, where the facts the words find are candidates enough.
        """
        if not self.rows or len(self.rows) > limit:
            return []
        scan, rowids = self._scan
        similar = scan @ vector
        k = min(k, len(similar))
        best = np.argpartition(-similar, k - 1)[:k]
        nearest: list[int] = rowids[best[np.argsort(-similar[best], kind="stable")]].tolist()
        return nearest

    @cached_property
    def _scan(self) -> tuple[np.ndarray, np.ndarray]:
        """Every statement in float32, and the rowids row by row: made once, on first scan."""
        return self.statements.astype(np.float32), np.fromiter(self.rows, np.int64, len(self.rows))

    def cosines(self, ranked: Sequence[Any], vector: np.ndarray) -> list[float]:
        """Each candidate's cosine with the question (every candidate must have a vector)."""
        at = [self.rows[r.row.rowid] for r in ranked]
        return [float(c) for c in self.statements[at].astype(np.float32) @ vector]

    def asked_cosines(self, ranked: Sequence[Any], vector: np.ndarray) -> list[float]:
        """Each candidate's closest editor's question to the question, by cosine (0: none)."""
        found = (self.asked.get(r.row.rowid) for r in ranked)
        return [float(np.max(m @ vector)) if m is not None else 0.0 for m in found]


EMPTY = FactVectors({}, np.zeros((0, meaning.DIM), np.float16), {}, 0)
# Called with (texts done, texts to do); what it returns is ignored, so a bar's update fits.
OnProgress = Callable[[int, int], object]


@dataclass(frozen=True)
class Progress:
    """Facts with a vector, of all facts."""

    done: int
    total: int


def passage(title: str, statement: str) -> str:
    """What the model reads of a fact: its statement after its article's title.

    A news sentence leans on its article: «وتمتد المحطة على مساحة 900 هكتار» says which
    station only in the title. Read with it, the right fact ranks first more often (half A
    of the blind set 0.70 → 0.76, ARCD 0.70 → 0.73: docs/matching.md), as its article's
    other sentences no longer all look alike to a question about one of its details.
    Only the title's first TITLE_CHARS are read: the model reads every character of a text
    (about 0.5 ms each), and a title is read again with each of its article's facts.
    """
    if len(title) > TITLE_CHARS:
        title = title[:TITLE_CHARS].rsplit(" ", 1)[0]
    stop = "" if title.endswith((".", "؟", "?", "!")) else "."
    return f"{title}{stop} {statement}"


def wanted(model: str, texts: Sequence[VectorText]) -> list[tuple[bytes, str, str]]:
    """(key, kind, text) of every distinct text that matching compares with questions."""
    found: dict[bytes, tuple[str, str]] = {}
    for _, title, statement, questions in texts:
        read = passage(title, statement)
        found.setdefault(meaning.text_key(model, PASSAGE, read), (PASSAGE, read))
        for question in json.loads(questions):
            found.setdefault(meaning.text_key(model, QUERY, question), (QUERY, question))
    return [(key, kind, text) for key, (kind, text) in found.items()]


async def prune(store: Store, model: str) -> int:
    """Drop the vectors no fact needs any more (an edited or removed text); how many.

    A reload recomputes only new texts (texts are keyed by their hash), so the old text's
    vector would otherwise stay, and a knowledge base edited daily would only grow.
    """
    return await store.keep_vectors(lambda texts: {key for key, _, _ in wanted(model, texts)})


async def missing(store: Store, model: str) -> list[tuple[bytes, str, str]]:
    """The texts that have no vector yet."""
    have = await store.vector_keys()
    return [w for w in wanted(model, await store.vector_texts()) if w[0] not in have]


async def fill(
    store: Store,
    todo: Sequence[tuple[bytes, str, str]],
    workers: int,
    progress: OnProgress | None = None,
) -> int:
    """Embed these (key, kind, text) in `workers` processes and store them; how many were.

    `progress(done, total)` is called after each stored batch.
    """
    if not todo:
        return 0
    loop = asyncio.get_running_loop()
    done = 0
    batches = [todo[i : i + BATCH] for i in range(0, len(todo), BATCH)]
    with process_pool(max(1, min(workers, len(batches)))) as pool:
        pending = [
            loop.run_in_executor(pool, embed, [(kind, text) for _, kind, text in batch])
            for batch in batches
        ]
        try:
            for batch, future in zip(batches, pending, strict=True):
                vectors = await future
                await store.add_vectors(
                    [(key, v) for (key, _, _), v in zip(batch, vectors, strict=True)]
                )
                done += len(batch)
                if progress is not None:
                    progress(done, len(todo))
        finally:
            for future in pending:
                future.cancel()
    return done


def embed(texts: list[tuple[str, str]]) -> list[bytes]:
    """Each (kind, text)'s vector as float16 bytes (half the room, the same ranking)."""
    model = meaning.load()
    if model is None:
        raise RuntimeError("the sentence model cannot load")
    out: list[bytes] = [b""] * len(texts)
    for kind in (PASSAGE, QUERY):
        at = [i for i, (k, _) in enumerate(texts) if k == kind]
        if not at:
            continue
        embed = model.passages if kind == PASSAGE else model.queries
        vectors = embed([texts[i][1] for i in at]).astype(np.float16)
        for i, v in zip(at, vectors, strict=True):
            out[i] = v.tobytes()
    return out


async def read(store: Store, model: str) -> FactVectors:
    """Every fact's vectors as stored now."""
    texts = await store.vector_texts()
    stored = await store.vectors()
    return await asyncio.to_thread(_assemble, model, texts, stored)


def _assemble(model: str, texts: Sequence[VectorText], stored: dict[bytes, bytes]) -> FactVectors:
    rows: dict[int, int] = {}
    statements: list[bytes] = []
    asked: dict[int, np.ndarray] = {}
    missing: set[bytes] = set()
    for rowid, title, statement, questions in texts:
        key = meaning.text_key(model, PASSAGE, passage(title, statement))
        keys = [meaning.text_key(model, QUERY, q) for q in json.loads(questions)]
        found = [stored[k] for k in keys if k in stored]
        if len(found) < len(keys):
            missing.update(k for k in keys if k not in stored)
        vector = stored.get(key)
        if vector is None:
            missing.add(key)
            continue
        rows[rowid] = len(statements)
        statements.append(vector)
        if found:
            asked[rowid] = _matrix(found)
    return FactVectors(rows, _matrix(statements), asked, len(texts), len(missing))


def _matrix(blobs: list[bytes]) -> np.ndarray:
    if not blobs:
        return np.zeros((0, meaning.DIM), np.float16)
    return np.frombuffer(b"".join(blobs), np.float16).reshape(len(blobs), -1)


class Holder:
    """The vectors readers use: re-read in the background when the database has more."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.current = EMPTY
        self._stamp: str | None = None
        self._checked = -math.inf
        self._reading: asyncio.Task[None] | None = None

    async def get(self, store: Store) -> FactVectors:
        """The vectors as last read; the first call waits for them, later ones never do."""
        now = time.monotonic()
        if now - self._checked >= CHECK:
            self._checked = now
            stamp = await store.vectors_stamp()
            if stamp != self._stamp and self._reading is None:
                self._reading = asyncio.create_task(self._read(store, stamp))
                if self._stamp is None:
                    await asyncio.shield(self._reading)
        return self.current

    async def refresh(self, store: Store) -> FactVectors:
        """Read now (after a load or a fill in this process)."""
        if self._reading is not None:
            await asyncio.shield(self._reading)
        await self._read(store, await store.vectors_stamp())
        return self.current

    async def _read(self, store: Store, stamp: str) -> None:
        try:
            self.current = await read(store, self.model)
            self._stamp = stamp
        finally:
            self._reading = None
