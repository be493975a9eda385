"""All SQL lives here: knowledge tables, retrieval's postings, the question log, the inbox.

Readers and the loader use separate connections. SQLite in WAL mode lets readers keep
answering from the last committed knowledge while a load writes the next one inside a single
transaction, so a reader never sees half of a reload and a crash mid-load loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import secrets
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, cast

import aiosqlite

from bot.records import (
    ArticleRow,
    ArticleRows,
    Deleted,
    Delivery,
    FactRow,
    Inserted,
    KnowledgeWrite,
    StoredFile,
    UpdatePostings,
    VectorText,
    Written,
)
from bot.text import normalize

P = ParamSpec("P")
R = TypeVar("R")
# A row as the database connection returns it (no row factory is set).
Row = tuple[Any, ...]

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
-- What matching reranks by (bot/analysis.py says what goes in): per fact, the Snowball
-- stems, light stems and rough roots of its statement and sources in order, the terms of its
-- keywords and editors' questions in groups, and the kinds of answer it holds.
CREATE TABLE IF NOT EXISTS fact_terms (
    rowid INTEGER PRIMARY KEY REFERENCES facts(rowid) ON DELETE CASCADE,
    stems TEXT NOT NULL,
    lights TEXT NOT NULL,
    roots TEXT NOT NULL,
    asked TEXT NOT NULL,
    cues TEXT NOT NULL
);
-- Retrieval's postings (bot/index.py), rewritten by each load in its transaction: rows
-- 'facts', 'articles' (numpy archives), 'article_ids' (JSON: articles.rowid -> id) and
-- 'generation' (a number each load draws at random, so equal generations are the same
-- postings), which meta's 'generation' repeats so readers notice a load cheaply.
CREATE TABLE IF NOT EXISTS postings (name TEXT PRIMARY KEY, data BLOB NOT NULL);
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
CREATE TABLE IF NOT EXISTS chats (
    chat_id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,            -- private, group, supergroup or channel
    title TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    reason TEXT,                   -- why the chat stopped receiving news
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS subscriptions (
    chat_id INTEGER NOT NULL REFERENCES chats(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    topic TEXT NOT NULL,           -- normalised topic; '' subscribes to all news
    label TEXT NOT NULL,           -- the topic as the chat wrote it
    created_at REAL NOT NULL,
    PRIMARY KEY (chat_id, topic)
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',   -- pending, sent or failed
    not_before REAL NOT NULL DEFAULT 0,      -- a 429's retry_after postpones the chat
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at REAL NOT NULL,
    sent_at REAL,
    UNIQUE (chat_id, article_id)             -- each article reaches a chat once, ever
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, not_before);
CREATE TABLE IF NOT EXISTS announced (
    article_id TEXT PRIMARY KEY    -- every article ever loaded: news once, never again
);
-- Replies that could not be sent (Telegram kept failing, or refused them), for /stats.
-- Created in databases of any version, like every table outside the knowledge.
CREATE TABLE IF NOT EXISTS unsent (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    update_id INTEGER,
    chat_id INTEGER,
    method TEXT NOT NULL,          -- the Bot API method, or the error's kind
    error TEXT NOT NULL
);
-- Sentence vectors (bot/meaning.py, bot/vectors.py) under a hash of the model, the kind of
-- text and the text: kept across loads, so a reload embeds only texts it has not seen.
-- meta's 'vectors' changes whenever rows are added, so readers notice them cheaply.
CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID;
-- Updates from Telegram, kept from before they are confirmed until they are handled, so a
-- crash loses none and handles none twice (bot/telegram/inbox.py). A handled row keeps only
-- its ids, as long as Telegram may still send the update again (a day), then is pruned.
CREATE TABLE IF NOT EXISTS inbox (
    bot_id INTEGER NOT NULL,       -- update ids count per bot: another token, another series
    update_id INTEGER NOT NULL,
    payload TEXT,                  -- the update as JSON; NULL once handled
    received_at REAL NOT NULL,
    handled_at REAL,
    PRIMARY KEY (bot_id, update_id)
);
CREATE INDEX IF NOT EXISTS inbox_handled ON inbox(handled_at);
"""

# Every fact's terms for reranking (bot/analysis.py TermsTable), or those of some articles.
_TERMS = """SELECT f.rowid, f.article_id, f.id, i.stems, i.lights, i.roots, i.asked, i.cues
            FROM facts f JOIN fact_terms i ON i.rowid = f.rowid"""
_TERMS_OF = _TERMS + " WHERE f.article_id IN (SELECT value FROM json_each(?))"

_VECTOR_TEXTS = """SELECT f.rowid, a.title, f.statement, f.questions
                   FROM facts f JOIN articles a ON a.id = f.article_id ORDER BY f.rowid"""
_VERSIONS = "SELECT id, digest, path FROM articles"

# Bumped whenever the knowledge tables or the index change shape. An older database then
# drops its knowledge, which is read again from the files; the question log and the
# subscriptions stay.
SCHEMA_VERSION = 51
# How long a connection waits for another's write lock (a large load holds it for seconds).
BUSY_TIMEOUT_MS = 120_000
_DROP_KNOWLEDGE = """
DROP TABLE IF EXISTS fact_vocab;
DROP TABLE IF EXISTS fact_index;
DROP TABLE IF EXISTS article_index;
DROP TABLE IF EXISTS fact_terms;
DROP TABLE IF EXISTS facts;
DROP TABLE IF EXISTS sentences;
DROP TABLE IF EXISTS topics;
DROP TABLE IF EXISTS articles;
DROP TABLE IF EXISTS files;
DROP TABLE IF EXISTS postings;
"""


# PRAGMA application_id of every Sanad database ("Sand"), so `database:` pointing at another
# application's SQLite file is refused instead of having its tables taken for ours.
APPLICATION_ID = 0x53616E64


class ForeignDatabase(Exception):
    """The database file belongs to another application: Sanad leaves it untouched."""


class CorruptDatabase(sqlite3.DatabaseError):
    """A stored value that does not decode (bad UTF-8, JSON or postings): not ours to guess."""


def decoding(read: Callable[P, R]) -> Callable[P, R]:
    """Report a stored value that cannot be decoded as a database error, not a traceback."""

    @functools.wraps(read)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return read(*args, **kwargs)
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise CorruptDatabase(f"a stored value cannot be read ({exc})") from None

    return wrapper


class StaleLoad(Exception):
    """Another load committed after this one read the folder: read it again, then write."""


def _prepare(path: Path) -> None:
    """Create the schema, or bring an older one up to date, in one locked transaction.

    Most opens find the schema current and write nothing, so a read-only database still
    answers. Otherwise the check is repeated under the write lock: two processes opening a
    fresh database at once must not both create, nor one drop what the other just loaded.
    """
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if _inspect(db) == "current":
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            _upgrade(db, _inspect(db))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        # Readers keep the last committed knowledge while a load writes (persistent).
        db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()


def _current(uri: str) -> bool:
    """True when the database at `uri` is a Sanad database of the current schema."""
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            return _inspect(db) == "current"
    except sqlite3.Error:
        return False


def _inspect(db: sqlite3.Connection) -> str:
    """'current', 'new' (empty), 'adopt' (ours, unmarked), 'outdated' or 'missing' (tables)."""
    (application,) = db.execute("PRAGMA application_id").fetchone()
    (version,) = db.execute("PRAGMA user_version").fetchone()
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if application not in (0, APPLICATION_ID):
        raise ForeignDatabase("not a Sanad database (another application's file)")
    if application == 0:
        if not tables:
            return "new"
        # A Sanad database from before it was marked: its own meta table and question log,
        # and the schema version it always set.
        if not ({"meta", "asked"} <= tables and version > 0):
            raise ForeignDatabase("not a Sanad database (it holds another application's tables)")
    if version != SCHEMA_VERSION:
        return "outdated"
    if not tables >= _TABLES:
        return "missing"
    # Facts without retrieval's postings (left by a build that kept none) cannot be found:
    # read them again from the files.
    (orphaned,) = db.execute(
        """SELECT EXISTS (SELECT 1 FROM facts)
           AND NOT EXISTS (SELECT 1 FROM postings WHERE name = 'generation')"""
    ).fetchone()
    if orphaned:
        return "outdated"
    return "current" if application == APPLICATION_ID else "adopt"


def _upgrade(db: sqlite3.Connection, state: str) -> None:
    """Inside the write lock: drop knowledge of an older shape, create what is missing, mark."""
    if state == "current":
        return
    if state == "outdated":
        for statement in _statements(_DROP_KNOWLEDGE):
            db.execute(statement)
    for statement in _statements(SCHEMA):
        db.execute(statement)
    if state == "outdated":
        db.execute("DELETE FROM meta WHERE key IN ('loaded_at', 'facts', 'generation')")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _statements(script: str) -> list[str]:
    """A script's statements one by one: executescript would commit the open transaction."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return statements


def _schema_tables() -> frozenset[str]:
    with contextlib.closing(sqlite3.connect(":memory:")) as db:
        db.executescript(SCHEMA)
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return frozenset(row[0] for row in rows)


_TABLES = _schema_tables()


class Store:
    """The SQLite database: open once, share across the engine.

    Reads and small writes go through separate connections, each with its own thread: a
    small write that waits for a long load's lock never holds up the readers behind it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None
        self._wdb: aiosqlite.Connection | None = None
        self._transactions = asyncio.Lock()

    async def open(self) -> None:
        """Connect and bring the schema up to date; on failure close what was opened.

        Each aiosqlite connection runs a thread that keeps the process alive until closed,
        so a database that cannot be used must not leave one behind.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            await asyncio.to_thread(_prepare, self.path)
            target = str(self.path)
        except sqlite3.OperationalError:
            # A database in WAL mode needs to write beside itself even to be read. In a
            # read-only folder it can still answer, as a file nothing else can change.
            target = f"{self.path.absolute().as_uri()}?immutable=1"
            if not await asyncio.to_thread(_current, target):
                raise
        try:
            self._wdb = await self._connect(target)
            self._db = await self._connect(target)
        except BaseException:
            await self.close()
            raise

    async def _connect(self, target: str) -> aiosqlite.Connection:
        # A file that cannot be opened at all fails here, in the caller's thread: after a
        # failed connect, aiosqlite's worker thread may report into an event loop that has
        # already closed, printing a traceback on the way out.
        uri = target.startswith("file:")
        sqlite3.connect(target, uri=uri).close()
        db = await aiosqlite.connect(target, uri=uri, isolation_level=None)
        try:
            await db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            await db.execute("PRAGMA synchronous=NORMAL")
            await db.execute("PRAGMA foreign_keys=ON")
        except BaseException:
            await db.close()
            raise
        return db

    async def close(self) -> None:
        """Close both connections: an open aiosqlite thread would keep the process alive."""
        for db in (self._db, self._wdb):
            if db is not None:
                await db.close()
        self._db = self._wdb = None

    @property
    def db(self) -> aiosqlite.Connection:
        """The connection for reads."""
        if self._db is None:
            raise RuntimeError("the store is not open")
        return self._db

    @property
    def wdb(self) -> aiosqlite.Connection:
        """The connection for small writes (question log, chats, subscriptions, outbox)."""
        if self._wdb is None:
            raise RuntimeError("the store is not open")
        return self._wdb

    async def fetch_all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Row]:
        """Every row at once: iterating an aiosqlite cursor costs a thread hop per row.

        aiosqlite types rows as sqlite3.Row whatever the row factory; ours is the default,
        so they are tuples, and typed so here.
        """
        return cast(list[Row], await self.db.execute_fetchall(sql, params))

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One transaction of several writes on the shared write connection, at a time.

        Handlers run concurrently and share `wdb`: without the lock, a second BEGIN while one
        is open fails with "cannot start a transaction within a transaction" (two groups'
        migration messages handled together, or one while the news sender meets the same
        migration). Single writes from other tasks may still run inside an open transaction;
        they are committed with it.
        """
        async with self._transactions:
            await self.wdb.execute("BEGIN IMMEDIATE")
            try:
                yield self.wdb
            except BaseException:
                await self.wdb.execute("ROLLBACK")
                raise
            await self.wdb.execute("COMMIT")

    # -- loading -----------------------------------------------------------------------------

    async def files(self) -> dict[str, StoredFile]:
        """Every loaded knowledge file with its hash and article ids."""
        sql = """SELECT f.path, f.digest, json_group_array(a.id) FILTER (WHERE a.id IS NOT NULL)
                 FROM files f LEFT JOIN articles a ON a.path = f.path GROUP BY f.path"""
        return {row[0]: _stored_file(row) for row in await self.fetch_all(sql)}

    async def article_versions(self) -> dict[str, tuple[str, str]]:
        """Every loaded article's hash and file (id: (digest, path)): what a load compares."""
        return {row[0]: (row[1], row[2]) for row in await self.fetch_all(_VERSIONS)}

    async def write_knowledge(self, load: KnowledgeWrite) -> Written | None:
        """Write one load in one transaction on its own connection; the postings it wrote.

        Readers see the old knowledge until the commit, then all of the new. Raises
        StaleLoad when what is stored is no longer what the load was compared against.
        """
        return await asyncio.to_thread(self._write, load)

    def _write(self, load: KnowledgeWrite) -> Written | None:
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            db.execute("PRAGMA foreign_keys=ON")
            db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            db.execute("BEGIN IMMEDIATE")
            # What the report was computed against must still be what is stored.
            now = {r[0]: (r[1], r[2]) for r in db.execute(_VERSIONS)}
            files = dict(db.execute("SELECT path, digest FROM files"))
            if now != load.old or files != load.found.based_on:
                raise StaleLoad("another load committed meanwhile")
            report = load.report
            gone = _delete_articles(db, report.changed + report.removed)
            written = _write_postings(db, load.postings, gone, _insert_articles(db, load.rows))
            db.executemany("UPDATE articles SET path = ? WHERE id = ?", load.moved)
            _plan_deliveries(db, report.added)
            db.execute("DELETE FROM files")
            db.executemany("INSERT INTO files VALUES (?, ?)", load.found.digests.items())
            db.execute("INSERT OR REPLACE INTO meta VALUES ('loaded_at', ?)", (str(time.time()),))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()
        return written

    async def loaded_at(self) -> float | None:
        """When the knowledge was last loaded; None before the first load."""
        async with self.db.execute("SELECT value FROM meta WHERE key='loaded_at'") as cur:
            row = await cur.fetchone()
        return float(row[0]) if row else None

    # -- reading -----------------------------------------------------------------------------

    async def generation(self) -> int:
        """The postings' generation: a number each load draws anew (0 before any load)."""
        async with self.db.execute("SELECT value FROM meta WHERE key = 'generation'") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def index_rows(
        self, wanted: Callable[[dict[str, float]], list[str] | None]
    ) -> tuple[dict[str, bytes], dict[str, float], list[Row]]:
        """What opening retrieval's index reads, in one transaction (so all of one load).

        The postings (name: data), each article's load time, and the terms rows of the
        articles `wanted` names given those times (all of them when it says None).
        """
        await self.db.execute("BEGIN")
        try:
            blobs: dict[str, bytes] = dict(await self.fetch_all("SELECT name, data FROM postings"))
            loaded: dict[str, float] = dict(
                await self.fetch_all("SELECT id, loaded_at FROM articles")
            )
            articles = wanted(loaded)
            read: list[Row] = []
            if articles is None:
                read = await self.fetch_all(_TERMS)
            elif articles:
                read = await self.fetch_all(_TERMS_OF, (json.dumps(articles),))
        finally:
            await self.db.execute("COMMIT")
        return blobs, loaded, read

    async def facts(self, rowids: Sequence[int]) -> dict[int, FactRow]:
        """Facts by rowid with their quotes and article, read in one query for one answer."""
        if not rowids:
            return {}
        marks = ",".join("?" * len(rowids))
        sql = f"""
            SELECT f.rowid, f.article_id, f.id, f.statement, f.questions, f.keywords, f.source,
                   (SELECT json_group_array(text) FROM (
                      SELECT s.text FROM json_each(f.source) j
                      JOIN sentences s ON s.article_id = f.article_id AND s.id = j.value
                      ORDER BY j.key)),
                   a.title, a.url, a.published, a.topics
            FROM facts f JOIN articles a ON a.id = f.article_id WHERE f.rowid IN ({marks})
        """
        return {row[0]: _fact_row(row) for row in await self.fetch_all(sql, rowids)}

    async def article_texts(self, article_ids: Iterable[str]) -> dict[str, list[str]]:
        """Each article's title, then its statements in order: what the article as a whole says."""
        ids = list(article_ids)
        marks = ",".join("?" * len(ids))
        sql = f"""
            SELECT a.id, a.title, f.statement FROM articles a JOIN facts f ON f.article_id = a.id
            WHERE a.id IN ({marks}) ORDER BY a.id, f.position
        """
        texts: dict[str, list[str]] = {}
        for article_id, title, statement in await self.fetch_all(sql, ids) if ids else []:
            texts.setdefault(article_id, [title]).append(statement)
        return texts

    async def lead_and_before(self, rowids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """For each fact, its article's first statement and the statement right before it.

        What a fact's words may point back to («المحافظة»، «القرية»): bot/places.py.
        """
        if not rowids:
            return {}
        marks = ",".join("?" * len(rowids))
        sql = f"""
            SELECT f.rowid,
                   (SELECT g.statement FROM facts g WHERE g.article_id = f.article_id
                    ORDER BY g.position LIMIT 1),
                   COALESCE((SELECT g.statement FROM facts g WHERE g.article_id = f.article_id
                             AND g.position < f.position ORDER BY g.position DESC LIMIT 1), '')
            FROM facts f WHERE f.rowid IN ({marks})
        """
        return {row[0]: (row[1], row[2]) for row in await self.fetch_all(sql, rowids)}

    async def article_facts(self, article_id: str) -> list[FactRow]:
        """An article's facts in file order, for the list a reader opens from an answer."""
        async with self.db.execute(
            "SELECT rowid FROM facts WHERE article_id = ? ORDER BY position", (article_id,)
        ) as cur:
            rowids = [row[0] async for row in cur]
        found = await self.facts(rowids)
        return [found[r] for r in rowids]

    async def fact_by_id(self, article_id: str, fact_id: str) -> FactRow | None:
        """The fact a button or `sanad teach` names by its ids, which outlive rowids."""
        async with self.db.execute(
            "SELECT rowid FROM facts WHERE article_id = ? AND id = ?", (article_id, fact_id)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return (await self.facts([row[0]])).get(row[0])

    async def articles(self, ids: Iterable[str] | None = None) -> dict[str, ArticleRow]:
        """Article headers by id (all when `ids` is None), newest first."""
        sql = "SELECT id, title, url, published, topics FROM articles"
        params: tuple[str, ...] = ()
        if ids is not None:
            params = tuple(dict.fromkeys(ids))
            sql += f" WHERE id IN ({','.join('?' * len(params))})"
        rows = await self.fetch_all(sql + " ORDER BY published DESC, id", params)
        return {row[0]: _article_row(row) for row in rows}

    async def topics(self) -> list[tuple[str, int]]:
        """Every topic with the number of articles under it, most covered first."""
        sql = (
            "SELECT min(name), count(DISTINCT article_id) AS n FROM topics "
            "GROUP BY normalized ORDER BY n DESC, min(name)"
        )
        return [(row[0], row[1]) for row in await self.db.execute_fetchall(sql)]

    async def articles_with_topic(self, topic: str) -> list[str]:
        """Ids of the articles under a topic, compared after normalisation as readers type it."""
        async with self.db.execute(
            "SELECT article_id FROM topics WHERE normalized = ?", (normalize(topic),)
        ) as cur:
            return [row[0] async for row in cur]

    async def counts(self) -> dict[str, int]:
        """How much knowledge is loaded, for /stats."""
        sql = """SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM facts),
                        (SELECT count(*) FROM sentences)"""
        async with self.db.execute(sql) as cur:
            row = await cur.fetchone()
        assert row is not None
        return {"articles": row[0], "facts": row[1], "sentences": row[2]}

    # -- sentence vectors --------------------------------------------------------------------

    async def vector_texts(self) -> list[VectorText]:
        """What meaning compares: (fact rowid, title, statement, editors' questions as JSON)."""
        return [tuple(row) for row in await self.db.execute_fetchall(_VECTOR_TEXTS)]

    async def vectors(self) -> dict[bytes, bytes]:
        """Every stored vector by its key."""
        return dict(await self.fetch_all("SELECT key, vector FROM vectors"))

    async def vector_keys(self) -> set[bytes]:
        """Keys that have a vector already, so a fill embeds only what is new."""
        return {row[0] for row in await self.db.execute_fetchall("SELECT key FROM vectors")}

    async def vectors_stamp(self) -> str:
        """Changes whenever vectors are added or knowledge is loaded."""
        sql = "SELECT group_concat(value) FROM meta WHERE key IN ('vectors', 'generation')"
        async with self.db.execute(sql) as cur:
            row = await cur.fetchone()
        return str(row[0] if row else "")

    async def keep_vectors(self, keys_of: Callable[[list[VectorText]], set[bytes]]) -> int:
        """Delete the vectors whose keys `keys_of` leaves out, given the texts stored now.

        Read and deleted in one transaction: a load committed in between by another process
        could otherwise lose a vector it needs. Returns how many were deleted.
        """
        async with self._transaction() as db:
            texts = cast(list[VectorText], list(await db.execute_fetchall(_VECTOR_TEXTS)))
            keep = await asyncio.to_thread(keys_of, texts)
            await db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS kept_vectors (key BLOB PRIMARY KEY) WITHOUT ROWID"
            )
            await db.executemany(
                "INSERT OR IGNORE INTO kept_vectors VALUES (?)", ((k,) for k in keep)
            )
            cursor = await db.execute(
                "DELETE FROM vectors WHERE key NOT IN (SELECT key FROM kept_vectors)"
            )
            await db.execute("DELETE FROM kept_vectors")
            return cursor.rowcount

    async def add_vectors(self, rows: Sequence[tuple[bytes, bytes]]) -> None:
        """Keep vectors just computed; a text embedded twice (two processes) is kept once."""
        async with self._transaction() as db:
            await db.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?)", rows)
            await db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('vectors', ?)", (secrets.token_hex(8),)
            )

    # -- the question log ------------------------------------------------------------------

    async def log_question(
        self,
        question: str,
        normalized: str,
        answered: bool,
        best: tuple[str, str, float] | None,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        """Record one question (and its `normalize`d form), for /stats and the review queue."""
        article_id, fact_id, score = best or (None, None, None)
        await self.wdb.execute(
            "INSERT INTO asked (at, chat_id, user_id, question, normalized, answered, "
            "article_id, fact_id, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                time.time(),
                chat_id,
                user_id,
                question,
                normalized,
                int(answered),
                article_id,
                fact_id,
                score,
            ),
        )

    async def question_counts(self, since: float) -> dict[str, int]:
        """Questions asked and answered, in all and since `since`, for /stats."""
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

    # -- replies that could not be sent -------------------------------------------------------

    async def record_unsent(
        self, update_id: int | None, chat_id: int | None, method: str, error: str
    ) -> None:
        """Keep a reply Telegram refused for good, so /stats can say it was lost."""
        await self.wdb.execute(
            "INSERT INTO unsent (at, update_id, chat_id, method, error) VALUES (?, ?, ?, ?, ?)",
            (time.time(), update_id, chat_id, method, error),
        )

    async def unsent_counts(self, since: float) -> dict[str, int]:
        """Replies lost, in all and since `since`, for /stats."""
        sql = "SELECT count(*), count(*) FILTER (WHERE at >= ?) FROM unsent"
        async with self.db.execute(sql, (since,)) as cur:
            row = await cur.fetchone()
        assert row is not None
        return {"unsent_total": row[0], "unsent_today": row[1]}

    # -- subscriptions and the outbox --------------------------------------------------------

    async def remember_chat(self, chat_id: int, kind: str, title: str) -> None:
        """Record a chat (or refresh its kind and title), reactivating it."""
        await self.wdb.execute(
            "INSERT INTO chats (chat_id, kind, title, active, reason, updated_at) "
            "VALUES (?, ?, ?, 1, NULL, ?) ON CONFLICT(chat_id) DO UPDATE SET "
            "kind = excluded.kind, title = excluded.title, active = 1, reason = NULL, "
            "updated_at = excluded.updated_at",
            (chat_id, kind, title, time.time()),
        )

    async def subscribe(self, chat_id: int, topic: str, label: str) -> bool:
        """Add one subscription; False when the chat already had it."""
        cursor = await self.wdb.execute(
            "INSERT OR IGNORE INTO subscriptions VALUES (?, ?, ?, ?)",
            (chat_id, topic, label, time.time()),
        )
        return cursor.rowcount > 0

    async def unsubscribe(self, chat_id: int, topic: str | None) -> int:
        """Remove one subscription, or all of the chat's when topic is None."""
        if topic is None:
            cursor = await self.wdb.execute(
                "DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,)
            )
        else:
            cursor = await self.wdb.execute(
                "DELETE FROM subscriptions WHERE chat_id = ? AND topic = ?", (chat_id, topic)
            )
        return cursor.rowcount

    async def subscriptions(self, chat_id: int) -> list[str]:
        """The chat's subscriptions as written ('' for all news), oldest first."""
        async with self.db.execute(
            "SELECT label FROM subscriptions WHERE chat_id = ? ORDER BY created_at, label",
            (chat_id,),
        ) as cur:
            return [row[0] async for row in cur]

    async def deactivate_chat(self, chat_id: int, reason: str) -> None:
        """Stop sending to a chat that blocked or removed the bot; account for what was due."""
        await self.wdb.execute(
            "UPDATE chats SET active = 0, reason = ?, updated_at = ? WHERE chat_id = ?",
            (reason, time.time(), chat_id),
        )
        await self.wdb.execute(
            "UPDATE outbox SET state = 'failed', error = ? WHERE chat_id = ? AND state = 'pending'",
            (reason, chat_id),
        )

    async def reactivate_chat(self, chat_id: int) -> None:
        """The bot is back in a chat that had blocked or removed it: send there again.

        A group that became a supergroup stays stopped: its news goes to the new id.
        """
        await self.wdb.execute(
            "UPDATE chats SET active = 1, reason = NULL, updated_at = ? "
            "WHERE chat_id = ? AND NOT active AND reason IS NOT 'migrated'",
            (time.time(), chat_id),
        )

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its subscriptions and due news follow it."""
        async with self._transaction() as db:
            await db.execute(
                "INSERT OR IGNORE INTO chats (chat_id, kind, title, active, updated_at) "
                "SELECT ?, 'supergroup', title, active, ? FROM chats WHERE chat_id = ?",
                (new_id, time.time(), old_id),
            )
            await db.execute(
                "INSERT OR IGNORE INTO subscriptions "
                "SELECT ?, topic, label, created_at FROM subscriptions WHERE chat_id = ?",
                (new_id, old_id),
            )
            await db.execute(
                "UPDATE OR IGNORE outbox SET chat_id = ? WHERE chat_id = ? AND state = 'pending'",
                (new_id, old_id),
            )
            await db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (old_id,))
            await db.execute(
                "UPDATE chats SET active = 0, reason = 'migrated', updated_at = ? "
                "WHERE chat_id = ?",
                (time.time(), old_id),
            )
            await db.execute(
                "UPDATE outbox SET state = 'failed', error = 'migrated' "
                "WHERE chat_id = ? AND state = 'pending'",
                (old_id,),
            )

    async def due_deliveries(self, now: float, limit: int) -> list[Delivery]:
        """Pending deliveries whose chat is not waiting out a 429, oldest first."""
        async with self.db.execute(
            "SELECT id, chat_id, article_id, attempts FROM outbox "
            "WHERE state = 'pending' AND not_before <= ? ORDER BY id LIMIT ?",
            (now, limit),
        ) as cur:
            return [Delivery(*row) async for row in cur]

    async def next_due_at(self) -> float | None:
        """When the earliest pending delivery may be sent, or None when nothing is pending."""
        async with self.db.execute(
            "SELECT min(not_before) FROM outbox WHERE state = 'pending'"
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    async def mark_sent(self, delivery_id: int) -> None:
        """Record a delivery the moment Telegram accepts it, so a restart never sends it again."""
        await self.wdb.execute(
            "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?",
            (time.time(), delivery_id),
        )

    async def mark_failed(self, delivery_id: int, error: str) -> None:
        """Give up a delivery for good (a removed article, a chat that refused it), saying why."""
        await self.wdb.execute(
            "UPDATE outbox SET state = 'failed', error = ?, attempts = attempts + 1 WHERE id = ?",
            (error, delivery_id),
        )

    async def postpone(self, delivery_id: int, chat_id: int, until: float, error: str) -> None:
        """Hold every pending delivery to the chat until `until` (Telegram's retry_after)."""
        await self.wdb.execute(
            "UPDATE outbox SET attempts = attempts + 1, error = ? WHERE id = ?",
            (error, delivery_id),
        )
        await self.wdb.execute(
            "UPDATE outbox SET not_before = max(not_before, ?) "
            "WHERE chat_id = ? AND state = 'pending'",
            (until, chat_id),
        )

    async def outbox_counts(self) -> dict[str, int]:
        """Deliveries by state, for /stats."""
        counts = {"pending": 0, "sent": 0, "failed": 0}
        async with self.db.execute("SELECT state, count(*) FROM outbox GROUP BY state") as cur:
            counts.update({row[0]: row[1] async for row in cur})
        return counts

    async def subscriber_counts(self) -> dict[str, int]:
        """Chats with at least one subscription, by kind, and inactive chats by reason."""
        sql = """SELECT CASE WHEN c.active THEN c.kind ELSE 'inactive: ' || coalesce(c.reason, '?')
                        END, count(DISTINCT c.chat_id)
                 FROM chats c WHERE c.chat_id IN (SELECT chat_id FROM subscriptions)
                    OR NOT c.active GROUP BY 1 ORDER BY 1"""
        async with self.db.execute(sql) as cur:
            return {row[0]: row[1] async for row in cur}

    # -- the inbox of updates -------------------------------------------------------------

    async def inbox_keep(self, bot_id: int, update_id: int, payload: str) -> bool:
        """Keep an update until it is handled; False when it was kept (or handled) before."""
        cursor = await self.wdb.execute(
            "INSERT OR IGNORE INTO inbox (bot_id, update_id, payload, received_at) "
            "VALUES (?, ?, ?, ?)",
            (bot_id, update_id, payload, time.time()),
        )
        return cursor.rowcount > 0

    async def inbox_handled(self, bot_id: int, update_id: int) -> None:
        """Mark an update handled; its payload is no longer needed."""
        await self.wdb.execute(
            "UPDATE inbox SET payload = NULL, handled_at = ? WHERE bot_id = ? AND update_id = ?",
            (time.time(), bot_id, update_id),
        )

    async def inbox_unhandled(self, bot_id: int) -> list[tuple[int, str]]:
        """The updates kept but not handled, as (update_id, payload), in Telegram's order."""
        async with self.db.execute(
            "SELECT update_id, payload FROM inbox WHERE bot_id = ? AND handled_at IS NULL "
            "ORDER BY update_id",
            (bot_id,),
        ) as cur:
            return [(row[0], row[1]) async for row in cur]

    async def inbox_prune(self, handled_before: float) -> int:
        """Forget updates handled before `handled_before`; how many were forgotten."""
        cursor = await self.wdb.execute("DELETE FROM inbox WHERE handled_at < ?", (handled_before,))
        return cursor.rowcount


@decoding
def _stored_file(row: tuple) -> StoredFile:
    """A files row (path, digest, article ids as JSON) as a StoredFile."""
    return StoredFile(row[1], tuple(json.loads(row[2]) if row[2] else ()))


def _plan_deliveries(db: sqlite3.Connection, added: Sequence[str]) -> None:
    """Queue each new article for every subscribed chat, inside the load's transaction.

    So the plan exists before anything is sent, and survives a restart. An article loaded
    before (then removed, or dropped by a schema upgrade) is not news again.
    """
    if not added:
        return
    ids = json.dumps(list(added))
    db.execute(
        """INSERT OR IGNORE INTO outbox (chat_id, article_id, created_at)
           SELECT DISTINCT s.chat_id, a.id, ? FROM json_each(?) j
           JOIN articles a ON a.id = j.value
           JOIN subscriptions s ON s.topic = '' OR EXISTS (
               SELECT 1 FROM topics t WHERE t.article_id = a.id AND t.normalized = s.topic)
           JOIN chats c ON c.chat_id = s.chat_id AND c.active
           WHERE a.id NOT IN (SELECT article_id FROM announced)
           ORDER BY a.id, s.chat_id""",
        (time.time(), ids),
    )
    db.execute("INSERT OR IGNORE INTO announced SELECT value FROM json_each(?)", (ids,))


def _insert_articles(db: sqlite3.Connection, rows: Sequence[ArticleRows]) -> Inserted:
    """Insert whole articles with a few executemany calls: the load's hot path."""
    (rowid,) = db.execute("SELECT coalesce(max(rowid), 0) FROM facts").fetchone()
    (article_rowid,) = db.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()
    now = time.time()
    articles, facts, index, article_index = [], [], [], []
    sentences: list[tuple[str, str, int, str]] = []
    topics: list[tuple[str, str, str]] = []
    for row in rows:
        a = row.article
        topics_json = json.dumps(a.topics, ensure_ascii=False)
        article_rowid += 1
        articles.append(
            (article_rowid, a.id, a.title, a.url, a.published, topics_json, a.path, row.digest, now)
        )
        article_index.append((article_rowid, *row.index, a.id))
        sentences.extend((a.id, s.id, i, s.text) for i, s in enumerate(a.sentences))
        topics.extend((a.id, t, normalize(t)) for t in a.all_topics())
        for position, (fact, terms) in enumerate(zip(row.facts, row.terms, strict=True)):
            rowid += 1
            facts.append(
                (
                    rowid,
                    a.id,
                    fact.id,
                    position,
                    fact.statement,
                    json.dumps(fact.questions, ensure_ascii=False),
                    json.dumps(fact.keywords, ensure_ascii=False),
                    json.dumps(fact.topics, ensure_ascii=False),
                    json.dumps(fact.source),
                )
            )
            index.append((rowid, terms.stems, terms.lights, terms.roots, terms.asked, terms.cues))
    db.executemany(
        "INSERT INTO articles (rowid, id, title, url, published, topics, path, digest, loaded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        articles,
    )
    db.executemany("INSERT INTO sentences VALUES (?, ?, ?, ?)", sentences)
    db.executemany("INSERT OR IGNORE INTO topics VALUES (?, ?, ?)", topics)
    db.executemany(
        "INSERT INTO facts (rowid, article_id, id, position, statement, questions, keywords, "
        "topics, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        facts,
    )
    db.executemany("INSERT INTO fact_terms VALUES (?, ?, ?, ?, ?, ?)", index)
    return Inserted(
        facts=[(row[0], row[1:5]) for row in index],
        articles=[(row[0], row[1:3]) for row in article_index],
        article_ids={row[0]: row[3] for row in article_index},
    )


def _delete_articles(db: sqlite3.Connection, article_ids: Sequence[str]) -> Deleted:
    """Delete whole articles (their facts, sentences and terms go with them)."""
    ids = json.dumps(list(article_ids))
    gone = Deleted(
        facts=[
            r
            for (r,) in db.execute(
                "SELECT rowid FROM facts WHERE article_id IN (SELECT value FROM json_each(?))",
                (ids,),
            )
        ],
        articles=[
            r
            for (r,) in db.execute(
                "SELECT rowid FROM articles WHERE id IN (SELECT value FROM json_each(?))", (ids,)
            )
        ],
    )
    db.execute("DELETE FROM articles WHERE id IN (SELECT value FROM json_each(?))", (ids,))
    return gone


def _write_postings(
    db: sqlite3.Connection, postings: UpdatePostings, gone: Deleted, new: Inserted
) -> Written | None:
    """Bring retrieval's postings in line with the load, in its transaction."""
    if not (gone.facts or gone.articles or new.facts or new.articles):
        return None
    (generation,) = db.execute(
        "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'), 0)"
    ).fetchone()

    def stored() -> dict[str, bytes]:
        return dict(db.execute("SELECT name, data FROM postings"))

    written = postings(generation, stored, gone, new)
    db.executemany("INSERT OR REPLACE INTO postings VALUES (?, ?)", written.rows())
    db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(written.generation),))
    return written


@decoding
def _article_row(row: tuple) -> ArticleRow:
    """An article header from (id, title, url, published, topics as JSON)."""
    return ArticleRow(row[0], row[1], row[2], row[3], tuple(json.loads(row[4])))


@decoding
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
        article=_article_row((row[1], *row[8:])),
    )
