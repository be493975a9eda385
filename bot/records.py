"""What the store returns and the loader hands it: plain values, no database behind them.

The command line, the engine and the Telegram renderer import these from here, so none of
them needs the store itself to name what it was given.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.analysis import FactTerms
from bot.index import Postings
from bot.knowledge import Article, Fact

# What meaning compares of one fact: its rowid, its article's title, its statement and its
# editors' questions as JSON (bot/vectors.py keys a vector by each text).
VectorText = tuple[int, str, str, str]


@dataclass
class LoadReport:
    """What a load changed, by article id."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        """Nothing to report: the bot says so instead of listing three empty lines."""
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
    # The stored files (path: hash) it was read against; a load committed since voids it.
    based_on: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ArticleRow:
    """An article's header, as shown under an answer."""

    id: str
    title: str
    url: str | None
    published: str | None
    topics: tuple[str, ...]


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
    article: ArticleRow


@dataclass(frozen=True)
class Delivery:
    """One article due to one subscribed chat."""

    id: int
    chat_id: int
    article_id: str
    attempts: int


@dataclass(frozen=True)
class Deleted:
    """The rowids of the facts and articles a load deleted."""

    facts: list[int]
    articles: list[int]


@dataclass(frozen=True)
class Inserted:
    """What a load inserted, as retrieval's postings take it: (rowid, indexed columns)."""

    facts: list[tuple[int, Sequence[str]]]
    articles: list[tuple[int, Sequence[str]]]
    article_ids: dict[int, str]


@dataclass(frozen=True)
class ArticleRows:
    """One article as the store inserts it: its facts with their terms, and its own terms."""

    article: Article
    digest: str
    facts: tuple[Fact, ...]
    terms: tuple[FactTerms, ...]
    index: tuple[str, str]


@dataclass(frozen=True)
class Written:
    """Retrieval's postings as one load wrote them."""

    generation: int
    facts: Postings
    articles: Postings
    article_ids: dict[int, str]

    def rows(self) -> list[tuple[str, bytes]]:
        """The postings table's rows (name, data), as `read_written` reads them back."""
        return [
            ("facts", self.facts.to_bytes()),
            ("articles", self.articles.to_bytes()),
            ("article_ids", json.dumps(self.article_ids, ensure_ascii=False).encode()),
            ("generation", str(self.generation).encode()),
        ]


# Retrieval's postings after a load: from the generation stored (its rows read on demand),
# the rowids deleted and the rows inserted (Retrieval.updated).
UpdatePostings = Callable[[int, Callable[[], dict[str, bytes]], Deleted, Inserted], Written]


@dataclass(frozen=True)
class KnowledgeWrite:
    """Everything one load writes, and what it was compared against (stale if changed)."""

    found: KnowledgeFiles
    old: dict[str, tuple[str, str]]  # article id: (hash, file) as stored when compared
    report: LoadReport
    moved: list[tuple[str, str]]  # (new file, article id) of articles whose file was renamed
    rows: list[ArticleRows]
    postings: UpdatePostings
