"""The editors' review queue: readers' questions the knowledge does not answer well yet.

What goes in, each an entry with its time:
- a question that found no answer (the question log, `asked`, answered = 0);
- a question answered with a low margin: its best two facts come from different articles and
  score within `review.margin` points of each other, so the answer may be the wrong article's;
- a "did you mean" suggestion a reader tapped after an abstention: the question and the fact
  the reader chose (`record_suggestion`), the editors' strongest hint;
- an answer a reader marked unhelpful (👎): the question and the fact given. A vote changed
  to 👍 takes it out again.

Entries are grouped by normalised question (bot/text.py's normalize, so spelling variants
meet) over the last `review.days` days and counted, most asked first. Teaching a question or
dismissing it closes the group: entries up to that moment no longer count, and the question
comes back only when it is asked again (a new entry) after it.

The queue keeps its own tables (created by `open`, beside the store's) and reaches them
through the store's connections. Buttons that act on the queue carry a ticket: a random
token whose action is kept here, so button data cannot be forged, and every ticket of one
card is spent by the first press, so a replayed button changes nothing.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bot.config import Config
from bot.matching import Matcher, ScoredFact
from bot.retrieval import Retrieval
from bot.store import Store
from bot.text import normalize

DAY = 24 * 3600
TICKET_DAYS = 30  # tickets older than this are forgotten when new ones are issued

SCHEMA = """
CREATE TABLE IF NOT EXISTS review_notes (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    question TEXT NOT NULL,
    normalized TEXT NOT NULL,
    reason TEXT NOT NULL,          -- low_margin or suggestion
    article_id TEXT,
    fact_id TEXT,
    chat_id INTEGER,
    user_id INTEGER
);
CREATE INDEX IF NOT EXISTS review_notes_at ON review_notes(at);
CREATE TABLE IF NOT EXISTS review_closed (
    normalized TEXT PRIMARY KEY,
    at REAL NOT NULL,              -- entries up to here are done with
    how TEXT NOT NULL,             -- taught or dismissed
    article_id TEXT,
    fact_id TEXT
);
CREATE TABLE IF NOT EXISTS answers_shown (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    chat_id INTEGER,
    question TEXT NOT NULL,
    normalized TEXT NOT NULL,
    article_id TEXT NOT NULL,
    fact_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS votes (
    answer_id INTEGER NOT NULL REFERENCES answers_shown(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    helpful INTEGER NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (answer_id, user_id)   -- one vote per reader per answer; a new press replaces it
);
CREATE INDEX IF NOT EXISTS votes_at ON votes(at);
CREATE TABLE IF NOT EXISTS review_tickets (
    token TEXT PRIMARY KEY,
    card TEXT NOT NULL,            -- the tickets of one card are spent together
    action TEXT NOT NULL,          -- JSON: what the button does
    created_at REAL NOT NULL,
    used_at REAL
);
CREATE INDEX IF NOT EXISTS review_tickets_card ON review_tickets(card);
"""

# Every entry of the queue since :since, as (normalized, question, at, reason, article, fact),
# without those a teaching or dismissal closed.
_OPEN = """
WITH entries AS (
    SELECT normalized, question, at, 'unanswered' AS reason,
           NULL AS article_id, NULL AS fact_id
    FROM asked WHERE answered = 0 AND at >= :since
    UNION ALL
    SELECT normalized, question, at, reason, article_id, fact_id
    FROM review_notes WHERE at >= :since
    UNION ALL
    SELECT s.normalized, s.question, v.at, 'unhelpful', s.article_id, s.fact_id
    FROM votes v JOIN answers_shown s ON s.id = v.answer_id
    WHERE v.helpful = 0 AND v.at >= :since
)
SELECT e.* FROM entries e LEFT JOIN review_closed c ON c.normalized = e.normalized
WHERE e.normalized != '' AND (c.at IS NULL OR e.at > c.at)
"""


@dataclass(frozen=True)
class ReviewItem:
    """One question of the queue, with every way readers met it."""

    normalized: str
    question: str  # the latest wording
    count: int
    last: float
    reasons: tuple[str, ...]  # unanswered, low_margin, suggestion, unhelpful
    hinted: tuple[tuple[str, str], ...]  # facts readers tapped, or low-margin best facts
    unhelpful: tuple[tuple[str, str], ...]  # facts readers marked unhelpful for it

    def to_json(self) -> dict[str, Any]:
        """The item as `sanad review --json` prints it, with a local time readers can read."""
        return {
            "question": self.question,
            "normalized": self.normalized,
            "count": self.count,
            "last_asked": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(self.last)),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Candidate:
    """A fact an editor may attach the question to."""

    article_id: str
    fact_id: str
    statement: str
    title: str
    score: float | None  # None for a fact a reader chose

    def to_json(self) -> dict[str, Any]:
        """The candidate as `sanad review --json` prints it; a reader's choice has no score."""
        return {
            "article_id": self.article_id,
            "fact_id": self.fact_id,
            "statement": self.statement,
            "score": None if self.score is None else round(self.score, 1),
        }


class Vote(Enum):
    """What a reader's press did."""

    RECORDED = "recorded"
    CHANGED = "changed"
    SAME = "same"
    UNKNOWN = "unknown"  # no such answer (forged, or from another database)


@dataclass(frozen=True)
class Day:
    """One day's questions and readers' votes."""

    day: str  # YYYY-MM-DD, local time
    asked: int
    answered: int
    votes: int
    helpful: int

    @property
    def unanswered(self) -> int:
        """Questions that found no answer that day: what the editors have left to teach."""
        return self.asked - self.answered

    @property
    def helpful_share(self) -> float | None:
        """The share of votes that said 👍; None when nobody voted, rather than a false 0."""
        return self.helpful / self.votes if self.votes else None


class ReviewQueue:
    """The queue over the store's database; one per engine."""

    def __init__(
        self, store: Store, retrieval: Retrieval, matcher: Matcher, config: Config
    ) -> None:
        self.store = store
        self.retrieval = retrieval
        self.matcher = matcher
        self.days = config.review.days
        self.margin = config.review.margin

    async def open(self) -> None:
        """Create the queue's tables, so a database from before the queue gains them."""
        await self.store.wdb.executescript(SCHEMA)

    # -- what goes in ------------------------------------------------------------------------

    def low_margin(self, scored: Sequence[ScoredFact]) -> bool:
        """The best two facts are of different articles and within `review.margin` points."""
        if self.margin <= 0 or len(scored) < 2:
            return False
        first, second = scored[0], scored[1]
        if first.fact.article_id == second.fact.article_id:
            return False
        return first.score - second.score < self.margin

    async def note_low_margin(
        self,
        question: str,
        best: ScoredFact,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        """An answer given with a low margin (see `low_margin`): the editors should look."""
        fact = best.fact
        await self._note(question, "low_margin", fact.article_id, fact.fact_id, chat_id, user_id)

    async def record_suggestion(
        self,
        question: str,
        article_id: str,
        fact_id: str,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        """A reader tapped the suggestion `fact_id` after `question` found no sure answer."""
        await self._note(question, "suggestion", article_id, fact_id, chat_id, user_id)

    async def _note(
        self,
        question: str,
        reason: str,
        article_id: str,
        fact_id: str,
        chat_id: int | None,
        user_id: int | None,
    ) -> None:
        who = (chat_id, user_id)
        await self.store.wdb.execute(
            "INSERT INTO review_notes (at, question, normalized, reason, article_id, fact_id, "
            "chat_id, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (time.time(), question, normalize(question), reason, article_id, fact_id, *who),
        )

    # -- readers' votes ----------------------------------------------------------------------

    async def shown(self, question: str, article_id: str, fact_id: str, chat_id: int | None) -> int:
        """Remember an answer shown with vote buttons; its id goes on the buttons."""
        cursor = await self.store.wdb.execute(
            "INSERT INTO answers_shown (at, chat_id, question, normalized, article_id, fact_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (time.time(), chat_id, question, normalize(question), article_id, fact_id),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def vote(self, answer_id: int, user_id: int, helpful: bool) -> Vote:
        """One vote per reader per answer; pressing again changes it."""
        # Read to the end in one step: a read left open on the shared write connection
        # makes other tasks' writes on it fail at once once another process has committed.
        ((before, known),) = await self.store.wdb.execute_fetchall(
            "SELECT (SELECT helpful FROM votes WHERE answer_id = ?1 AND user_id = ?2), "
            "EXISTS (SELECT 1 FROM answers_shown WHERE id = ?1)",
            (answer_id, user_id),
        )
        if not known:
            return Vote.UNKNOWN
        if before is not None and bool(before) == helpful:
            return Vote.SAME
        await self.store.wdb.execute(
            "INSERT INTO votes VALUES (?, ?, ?, ?) ON CONFLICT(answer_id, user_id) "
            "DO UPDATE SET helpful = excluded.helpful, at = excluded.at",
            (answer_id, user_id, int(helpful), time.time()),
        )
        return Vote.RECORDED if before is None else Vote.CHANGED

    async def daily(self, days: int = 30) -> list[Day]:
        """Questions asked and answered, and votes, per day over the last `days`, newest first."""
        since = _midnight(days - 1)
        by_day: dict[str, list[int]] = {}
        asked = """SELECT date(at, 'unixepoch', 'localtime') AS d, count(*),
                          coalesce(sum(answered), 0) FROM asked WHERE at >= ? GROUP BY d"""
        for day, count, answered in await self.store.db.execute_fetchall(asked, (since,)):
            by_day.setdefault(day, [0, 0, 0, 0])[0:2] = [count, answered]
        voted = """SELECT date(at, 'unixepoch', 'localtime') AS d, count(*),
                          coalesce(sum(helpful), 0) FROM votes WHERE at >= ? GROUP BY d"""
        for day, count, helpful in await self.store.db.execute_fetchall(voted, (since,)):
            by_day.setdefault(day, [0, 0, 0, 0])[2:4] = [count, helpful]
        return [Day(day, *by_day[day]) for day in sorted(by_day, reverse=True)]

    # -- what comes out ----------------------------------------------------------------------

    async def items(self, limit: int | None = None) -> list[ReviewItem]:
        """The open questions of the last `review.days` days, most asked first."""
        sql = f"""SELECT normalized, question, at, reason, article_id, fact_id FROM ({_OPEN})
                  ORDER BY at"""
        since = time.time() - self.days * DAY
        groups: dict[str, list[tuple[Any, ...]]] = {}
        for row in await self.store.fetch_all(sql, {"since": since}):
            groups.setdefault(row[0], []).append(row)
        items = [_item(key, rows) for key, rows in groups.items()]
        items.sort(key=lambda i: (-i.count, -i.last))
        return items if limit is None else items[:limit]

    async def find(self, question: str) -> ReviewItem | None:
        """The open item for `question` as it would be grouped, so a spelling variant finds it."""
        key = normalize(question)
        return next((i for i in await self.items() if i.normalized == key), None)

    async def candidates(self, item: ReviewItem, limit: int = 3) -> list[Candidate]:
        """Facts to attach the question to: those readers pointed at, then the matcher's best.

        Facts readers marked unhelpful for this question are left out.
        """
        chosen: dict[tuple[str, str], Candidate] = {}
        refused = set(item.unhelpful)
        for article_id, fact_id in item.hinted:
            fact = await self.store.fact_by_id(article_id, fact_id)
            if fact is not None and (article_id, fact_id) not in refused:
                key = (article_id, fact_id)
                chosen.setdefault(key, Candidate(*key, fact.statement, fact.article.title, None))
        for scored in await self.matcher.match(self.retrieval, item.question, limit + len(refused)):
            key = (scored.fact.article_id, scored.fact.fact_id)
            if key not in refused and key not in chosen:
                chosen[key] = Candidate(
                    *key, scored.fact.statement, scored.fact.article.title, scored.score
                )
        return list(chosen.values())[:limit]

    async def close(
        self, question: str, how: str, article_id: str | None = None, fact_id: str | None = None
    ) -> None:
        """Teaching or dismissing: what was asked up to now is done with."""
        await self.store.wdb.execute(
            "INSERT OR REPLACE INTO review_closed VALUES (?, ?, ?, ?, ?)",
            (normalize(question), time.time(), how, article_id, fact_id),
        )

    async def dismiss(self, question: str) -> bool:
        """Take a question out until it is asked again; False when it was not in the queue."""
        if await self.find(question) is None:
            return False
        await self.close(question, "dismissed")
        return True

    # -- tickets for buttons -----------------------------------------------------------------

    async def issue(self, actions: Sequence[dict[str, Any]]) -> list[str]:
        """One ticket per action, all of one card: the first redeemed spends them all."""
        card = secrets.token_hex(5)
        now = time.time()
        tokens = [secrets.token_hex(5) for _ in actions]
        await self.store.wdb.execute(
            "DELETE FROM review_tickets WHERE created_at < ?", (now - TICKET_DAYS * DAY,)
        )
        await self.store.wdb.executemany(
            "INSERT INTO review_tickets VALUES (?, ?, ?, ?, NULL)",
            [
                (token, card, json.dumps(action, ensure_ascii=False), now)
                for token, action in zip(tokens, actions, strict=True)
            ],
        )
        return tokens

    async def redeem(self, token: str) -> dict[str, Any] | None:
        """The ticket's action, once: None for an unknown token or a spent card."""
        rows = await self.store.wdb.execute_fetchall(  # in one step, as in vote()
            "SELECT card, action FROM review_tickets WHERE token = ?", (token,)
        )
        if not rows:
            return None
        row = next(iter(rows))
        cursor = await self.store.wdb.execute(
            "UPDATE review_tickets SET used_at = ? WHERE card = ? AND used_at IS NULL",
            (time.time(), row[0]),
        )
        return json.loads(row[1]) if cursor.rowcount > 0 else None


def _item(key: str, rows: list[tuple[Any, ...]]) -> ReviewItem:
    """One group of entries, oldest first, as a queue item."""
    # What readers chose themselves comes before what the matcher hesitated on.
    chosen = [(r[4], r[5]) for r in rows if r[3] == "suggestion"]
    hesitated = [(r[4], r[5]) for r in rows if r[3] == "low_margin"]
    return ReviewItem(
        normalized=key,
        question=rows[-1][1],
        count=len(rows),
        last=rows[-1][2],
        reasons=tuple(dict.fromkeys(r[3] for r in rows)),
        hinted=tuple(dict.fromkeys(chosen + hesitated)),
        unhelpful=tuple(dict.fromkeys((r[4], r[5]) for r in rows if r[3] == "unhelpful")),
    )


def _midnight(days_ago: int) -> float:
    """Local midnight `days_ago` days before today."""
    now = time.localtime(time.time() - days_ago * DAY)
    return time.mktime((now.tm_year, now.tm_mon, now.tm_mday, 0, 0, 0, 0, 0, -1))
