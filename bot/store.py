"""All SQL lives here: knowledge tables, the FTS5 index and the question log.

Readers and the loader use separate connections. SQLite in WAL mode lets readers keep
answering from the last committed knowledge while a load writes the next one inside a single
transaction, so a reader never sees half of a reload and a crash mid-load loses nothing.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiosqlite

from bot.knowledge import Article, Fact, Sentence
from bot.text import normalize, terms

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    url TEXT,
    published TEXT,
    topics TEXT NOT NULL,          -- JSON list: the article's own topics
    path TEXT NOT NULL,
    digest TEXT NOT NULL,
    loaded_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,         -- relative to the knowledge folder's parent
    digest TEXT NOT NULL           -- sha256 of the bytes, as last loaded
);
CREATE TABLE IF NOT EXISTS sentences (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (article_id, id)
);
CREATE TABLE IF NOT EXISTS facts (
    rowid INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    statement TEXT NOT NULL,
    questions TEXT NOT NULL,       -- JSON list
    keywords TEXT NOT NULL,        -- JSON list
    topics TEXT NOT NULL,          -- JSON list: the fact's own topics
    source TEXT NOT NULL,          -- JSON list of sentence ids
    UNIQUE (article_id, id)
);
CREATE TABLE IF NOT EXISTS topics (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    normalized TEXT NOT NULL,
    PRIMARY KEY (article_id, normalized)
);
CREATE INDEX IF NOT EXISTS topics_by_name ON topics(normalized);
CREATE VIRTUAL TABLE IF NOT EXISTS fact_index USING fts5(
    statement, questions, keywords, quotes,
    tokenize='unicode61 remove_diacritics 0'
);
CREATE VIRTUAL TABLE IF NOT EXISTS fact_vocab USING fts5vocab(fact_index, 'row');
CREATE TABLE IF NOT EXISTS asked (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    chat_id INTEGER,
    user_id INTEGER,
    question TEXT NOT NULL,
    normalized TEXT NOT NULL,
    answered INTEGER NOT NULL,
    article_id TEXT,
    fact_id TEXT,
    score REAL
);
CREATE INDEX IF NOT EXISTS asked_unanswered ON asked(answered, normalized);
CREATE INDEX IF NOT EXISTS asked_at ON asked(at);
"""


@dataclass
class LoadReport:
    """What a load changed, by article id."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.changed or self.removed)


@dataclass(frozen=True)
class StoredFile:
    """A knowledge file as last loaded: its hash and the articles it held."""

    digest: str
    article_ids: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeFiles:
    """The knowledge folder as read for a load: every file's hash, and the re-read articles."""

    digests: dict[str, str]
    unchanged: frozenset[str]
    articles: list[Article]


@dataclass(frozen=True)
class FactRow:
    """A stored fact with what answering needs of its article."""

    rowid: int
    article_id: str
    fact_id: str
    statement: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...]
    source: tuple[str, ...]
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class ArticleRow:
    """An article's header, as shown under an answer."""

    id: str
    title: str
    url: str | None
    published: str | None
    topics: tuple[str, ...]


def index_text(values: Iterable[str]) -> str:
    """The stemmed terms FTS5 stores for one column."""
    return " ".join(t for v in values for t in terms(v))


class Store:
    """The SQLite database: open once, share across the engine."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = await self._connect()
        await self._db.executescript(SCHEMA)
        await self._db.commit()

    async def _connect(self) -> aiosqlite.Connection:
        db = await aiosqlite.connect(self.path, isolation_level=None)
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute("PRAGMA foreign_keys=ON")
        await db.execute("PRAGMA busy_timeout=10000")
        return db

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("the store is not open")
        return self._db

    # -- loading -----------------------------------------------------------------------------

    async def files(self) -> dict[str, StoredFile]:
        """Every loaded knowledge file with its hash and article ids."""
        sql = """SELECT f.path, f.digest, json_group_array(a.id) FILTER (WHERE a.id IS NOT NULL)
                 FROM files f LEFT JOIN articles a ON a.path = f.path GROUP BY f.path"""
        async with self.db.execute(sql) as cur:
            return {
                row[0]: StoredFile(row[1], tuple(json.loads(row[2]) if row[2] else ()))
                async for row in cur
            }

    async def replace_knowledge(self, found: KnowledgeFiles) -> LoadReport:
        """Make the stored knowledge equal to the folder, redoing only what changed.

        Articles of unchanged files stay as they are; re-read articles are compared by
        content. Runs in one transaction on its own connection: readers see the old
        knowledge until the commit, then all of the new.
        """
        async with self.db.execute("SELECT id, digest, path FROM articles") as cur:
            old = {row[0]: (row[1], row[2]) async for row in cur}
        kept = {i for i, (_, path) in old.items() if path in found.unchanged}
        new = {a.id: a for a in found.articles}
        report = LoadReport(
            added=sorted(i for i in new if i not in old),
            changed=sorted(i for i in new if i in old and old[i][0] != new[i].digest()),
            removed=sorted(i for i in old if i not in new and i not in kept),
        )
        moved = [(a.path, a.id) for a in new.values() if a.id in old and old[a.id][1] != a.path]
        rows = await asyncio.to_thread(
            lambda: [_article_rows(new[i]) for i in report.added + report.changed]
        )
        writer = await self._connect()
        try:
            await writer.execute("BEGIN IMMEDIATE")
            for article_id in report.changed + report.removed:
                await _delete_article(writer, article_id)
            for article_rows in rows:
                await _insert_article(writer, article_rows)
            await writer.executemany("UPDATE articles SET path = ? WHERE id = ?", moved)
            await writer.execute("DELETE FROM files")
            await writer.executemany("INSERT INTO files VALUES (?, ?)", found.digests.items())
            await writer.execute(
                "INSERT OR REPLACE INTO meta VALUES ('loaded_at', ?)", (str(time.time()),)
            )
            await writer.commit()
        except BaseException:
            await writer.rollback()
            raise
        finally:
            await writer.close()
        return report

    async def loaded_at(self) -> float | None:
        async with self.db.execute("SELECT value FROM meta WHERE key='loaded_at'") as cur:
            row = await cur.fetchone()
        return float(row[0]) if row else None

    # -- reading -----------------------------------------------------------------------------

    async def search(self, query: str, limit: int) -> list[tuple[int, float]]:
        """Fact rowids best first by FTS5's BM25 (negated so higher is better)."""
        sql = (
            "SELECT rowid, -bm25(fact_index, 1.0, 1.2, 0.8, 0.8) AS score FROM fact_index "
            "WHERE fact_index MATCH ? ORDER BY rank LIMIT ?"
        )
        try:
            async with self.db.execute(sql, (query, limit)) as cur:
                return [(row[0], row[1]) async for row in cur]
        except sqlite3.OperationalError:
            return []

    async def document_frequencies(self, words: Sequence[str]) -> tuple[int, dict[str, int]]:
        """How many facts there are, and in how many of them each term occurs."""
        async with self.db.execute("SELECT count(*) FROM facts") as cur:
            row = await cur.fetchone()
        total = row[0] if row else 0
        if not words:
            return total, {}
        marks = ",".join("?" * len(words))
        async with self.db.execute(
            f"SELECT term, doc FROM fact_vocab WHERE term IN ({marks})", tuple(words)
        ) as cur:
            return total, {row[0]: row[1] async for row in cur}

    async def facts(self, rowids: Sequence[int]) -> dict[int, FactRow]:
        if not rowids:
            return {}
        marks = ",".join("?" * len(rowids))
        sql = f"""
            SELECT f.rowid, f.article_id, f.id, f.statement, f.questions, f.keywords, f.source,
                   (SELECT json_group_array(text) FROM (
                      SELECT s.text FROM json_each(f.source) j
                      JOIN sentences s ON s.article_id = f.article_id AND s.id = j.value
                      ORDER BY j.key))
            FROM facts f WHERE f.rowid IN ({marks})
        """
        async with self.db.execute(sql, tuple(rowids)) as cur:
            return {row[0]: _fact_row(row) async for row in cur}

    async def article_facts(self, article_id: str) -> list[FactRow]:
        async with self.db.execute(
            "SELECT rowid FROM facts WHERE article_id = ? ORDER BY position", (article_id,)
        ) as cur:
            rowids = [row[0] async for row in cur]
        found = await self.facts(rowids)
        return [found[r] for r in rowids]

    async def fact_by_id(self, article_id: str, fact_id: str) -> FactRow | None:
        async with self.db.execute(
            "SELECT rowid FROM facts WHERE article_id = ? AND id = ?", (article_id, fact_id)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return (await self.facts([row[0]])).get(row[0])

    async def articles(self, ids: Iterable[str] | None = None) -> dict[str, ArticleRow]:
        sql = "SELECT id, title, url, published, topics FROM articles"
        params: tuple[str, ...] = ()
        if ids is not None:
            params = tuple(dict.fromkeys(ids))
            sql += f" WHERE id IN ({','.join('?' * len(params))})"
        async with self.db.execute(sql + " ORDER BY published DESC, id", params) as cur:
            return {
                row[0]: ArticleRow(row[0], row[1], row[2], row[3], tuple(json.loads(row[4])))
                async for row in cur
            }

    async def topics(self) -> list[tuple[str, int]]:
        """Every topic with the number of articles under it, most covered first."""
        sql = (
            "SELECT min(name), count(DISTINCT article_id) AS n FROM topics "
            "GROUP BY normalized ORDER BY n DESC, min(name)"
        )
        async with self.db.execute(sql) as cur:
            return [(row[0], row[1]) async for row in cur]

    async def articles_with_topic(self, topic: str) -> list[str]:
        async with self.db.execute(
            "SELECT article_id FROM topics WHERE normalized = ?", (normalize(topic),)
        ) as cur:
            return [row[0] async for row in cur]

    async def counts(self) -> dict[str, int]:
        sql = """SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM facts),
                        (SELECT count(*) FROM sentences)"""
        async with self.db.execute(sql) as cur:
            row = await cur.fetchone()
        assert row is not None
        return {"articles": row[0], "facts": row[1], "sentences": row[2]}

    # -- the question log ------------------------------------------------------------------

    async def log_question(
        self,
        question: str,
        answered: bool,
        best: tuple[str, str, float] | None,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        article_id, fact_id, score = best or (None, None, None)
        await self.db.execute(
            "INSERT INTO asked (at, chat_id, user_id, question, normalized, answered, "
            "article_id, fact_id, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                time.time(),
                chat_id,
                user_id,
                question,
                normalize(question),
                int(answered),
                article_id,
                fact_id,
                score,
            ),
        )

    async def question_counts(self, since: float) -> dict[str, int]:
        sql = """SELECT count(*), coalesce(sum(answered), 0),
                        count(*) FILTER (WHERE at >= ?),
                        coalesce(sum(answered) FILTER (WHERE at >= ?), 0) FROM asked"""
        async with self.db.execute(sql, (since, since)) as cur:
            row = await cur.fetchone()
        assert row is not None
        return {
            "asked_total": row[0],
            "answered_total": row[1],
            "asked_today": row[2],
            "answered_today": row[3],
        }

    async def unanswered(self, limit: int, since: float) -> list[tuple[str, int, float]]:
        """The most frequent unanswered questions since `since`: (question, times, last)."""
        sql = """SELECT question, count(*) AS n, max(at) AS last FROM asked
                 WHERE answered = 0 AND at >= ? GROUP BY normalized
                 ORDER BY n DESC, last DESC LIMIT ?"""
        async with self.db.execute(sql, (since, limit)) as cur:
            return [(row[0], row[1], row[2]) async for row in cur]


@dataclass(frozen=True)
class _ArticleRows:
    article: Article
    facts: tuple[Fact, ...]
    fts: tuple[tuple[str, str, str, str], ...]


def _article_rows(article: Article) -> _ArticleRows:
    """Everything to insert for one article, with its index terms computed up front."""
    facts = article.served_facts()
    fts = tuple(
        (
            index_text([f.statement]),
            index_text(f.questions),
            index_text(f.keywords),
            index_text(article.sentence_text(s) for s in f.source),
        )
        for f in facts
    )
    return _ArticleRows(article, facts, fts)


async def _insert_article(db: aiosqlite.Connection, rows: _ArticleRows) -> None:
    a = rows.article
    await db.execute(
        "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            a.id,
            a.title,
            a.url,
            a.published,
            json.dumps(a.topics, ensure_ascii=False),
            a.path,
            a.digest(),
            time.time(),
        ),
    )
    await db.executemany(
        "INSERT INTO sentences VALUES (?, ?, ?, ?)",
        [(a.id, s.id, i, s.text) for i, s in enumerate(a.sentences)],
    )
    await db.executemany(
        "INSERT OR IGNORE INTO topics VALUES (?, ?, ?)",
        [(a.id, t, normalize(t)) for t in a.all_topics()],
    )
    for position, (fact, fts) in enumerate(zip(rows.facts, rows.fts, strict=True)):
        cursor = await db.execute(
            "INSERT INTO facts (article_id, id, position, statement, questions, keywords, "
            "topics, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                a.id,
                fact.id,
                position,
                fact.statement,
                json.dumps(fact.questions, ensure_ascii=False),
                json.dumps(fact.keywords, ensure_ascii=False),
                json.dumps(fact.topics, ensure_ascii=False),
                json.dumps(fact.source),
            ),
        )
        await db.execute(
            "INSERT INTO fact_index (rowid, statement, questions, keywords, quotes) "
            "VALUES (?, ?, ?, ?, ?)",
            (cursor.lastrowid, *fts),
        )


async def _delete_article(db: aiosqlite.Connection, article_id: str) -> None:
    await db.execute(
        "DELETE FROM fact_index WHERE rowid IN (SELECT rowid FROM facts WHERE article_id = ?)",
        (article_id,),
    )
    await db.execute("DELETE FROM articles WHERE id = ?", (article_id,))


def _fact_row(row: tuple) -> FactRow:
    return FactRow(
        rowid=row[0],
        article_id=row[1],
        fact_id=row[2],
        statement=row[3],
        questions=tuple(json.loads(row[4])),
        keywords=tuple(json.loads(row[5])),
        source=tuple(json.loads(row[6])),
        quotes=tuple(json.loads(row[7])),
    )


__all__ = ["ArticleRow", "FactRow", "LoadReport", "Sentence", "Store"]
