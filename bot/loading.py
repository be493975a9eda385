"""A load, between reading the folder and writing the database: compare, analyse, write.

The folder as read (bot/knowledge.py, Engine.read_knowledge) is compared with what is
stored, by article hash; the added and changed articles are analysed for retrieval
(bot/analysis.py), on every core for a large load, before the write lock is taken, so
question logs are not held up; then the store writes it all in one transaction
(Store.write_knowledge), and retrieval keeps the postings it wrote.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from bot.analysis import article_terms, fact_terms
from bot.knowledge import ANALYSING, Article, Fact, StepProgress
from bot.records import ArticleRows, KnowledgeFiles, KnowledgeWrite, LoadReport
from bot.speakers import speakers
from bot.things import referents
from bot.workers import process_pool

if TYPE_CHECKING:
    from bot.retrieval import Retrieval
    from bot.store import Store


async def load(
    store: Store,
    retrieval: Retrieval,
    found: KnowledgeFiles,
    progress: StepProgress | None = None,
) -> LoadReport:
    """Make the stored knowledge equal to the folder as read, redoing only what changed.

    Articles of unchanged files stay as they are; re-read articles are compared by content.
    Raises StaleLoad (bot/store.py) when another load committed after `found` was read.
    """
    old = await store.article_versions()
    report, moved, rows = await asyncio.to_thread(_compare_and_analyse, found, old, progress)
    written = await store.write_knowledge(
        KnowledgeWrite(found, old, report, moved, rows, retrieval.updated)
    )
    retrieval.wrote(written)
    return report


def _compare_and_analyse(
    found: KnowledgeFiles, old: dict[str, tuple[str, str]], progress: StepProgress | None
) -> tuple[LoadReport, list[tuple[str, str]], list[ArticleRows]]:
    """What changed against `old`, the renamed files' articles, and the rows to insert."""
    kept = {i for i, (_, path) in old.items() if path in found.unchanged}
    new = {a.id: (a, a.digest()) for a in found.articles}
    report = LoadReport(
        added=sorted(i for i in new if i not in old),
        changed=sorted(i for i in new if i in old and old[i][0] != new[i][1]),
        removed=sorted(i for i in old if i not in new and i not in kept),
    )
    moved = [(a.path, i) for i, (a, _) in new.items() if i in old and old[i][1] != a.path]
    rows = analyse_all([new[i] for i in report.added + report.changed], progress)
    return report, moved, rows


# Below this many articles a load analyses them here; above, on every core (starting worker
# processes costs about half a second, analysing 10,000 articles about 15 s on one core).
PARALLEL_FROM = 2000
# Pieces each worker's share is cut into, so progress shows while the workers run.
PIECES = 10


def analyse_all(
    articles: list[tuple[Article, str]], progress: StepProgress | None = None
) -> list[ArticleRows]:
    """Each article's rows, in order; a large load spreads the stemming over the cores."""
    workers = min(os.cpu_count() or 1, 8)
    if len(articles) < PARALLEL_FROM or workers < 2:
        chunks = [articles[i : i + 1] for i in range(len(articles))]
        return _analysed(map(_analyse, chunks), len(articles), progress)
    size = -(-len(articles) // (workers * PIECES))
    chunks = [articles[i : i + size] for i in range(0, len(articles), size)]
    with process_pool(workers) as pool:
        return _analysed(pool.map(_analyse, chunks), len(articles), progress)


def _analysed(
    pieces: Iterable[list[ArticleRows]], total: int, progress: StepProgress | None
) -> list[ArticleRows]:
    """The pieces' rows in order, each finished piece told to `progress`."""
    rows: list[ArticleRows] = []
    for piece in pieces:
        rows.extend(piece)
        if progress is not None:
            progress(ANALYSING, len(rows), total)
    return rows


def _analyse(articles: list[tuple[Article, str]]) -> list[ArticleRows]:
    return [_article_rows(article, digest) for article, digest in articles]


def _meant(article: Article, facts: Sequence[Fact]) -> list[tuple[str, ...]]:
    """For each fact, the words that name whom or what it speaks of without naming them.

    A sentence served as a fact that goes on quoting («وأضاف أن…») is about its speaker, whom
    the sentence before named (bot/speakers.py); one that calls a thing by its kind alone
    («التطبيق») is about the thing of that kind named before (bot/things.py). An editor's fact
    says what it is about itself, and is read as written.
    """
    if article.facts:
        return [()] * len(facts)
    statements = [f.statement for f in facts]
    about = zip(speakers(statements), referents(statements), strict=True)
    return [tuple(filter(None, words)) for words in about]


def _article_rows(article: Article, digest: str) -> ArticleRows:
    """Everything to insert for one article, with its index terms computed up front."""
    facts = article.served_facts()
    terms = tuple(
        fact_terms(
            f.statement,
            (article.sentence_text(s) for s in f.source),
            f.questions,
            (*f.keywords, *meant),
            article.title,
        )
        for f, meant in zip(facts, _meant(article, facts), strict=True)
    )
    said = [s.text for s in article.sentences]
    for f in article.facts:
        said += [f.statement, *f.questions, *f.keywords]
    return ArticleRows(article, digest, facts, terms, article_terms(article.title, said))
