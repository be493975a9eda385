"""Matching: from a reader's question to the stored facts that answer it, scored 0-100.

Three plain steps, as in any retrieval pipeline:

1. read the question: its Snowball stems and light stems, and what its question word asks
   for (متى a date, كم a number, ...);
2. retrieve: the facts FTS5 ranks best for those terms, plus every fact of the two articles
   that match the question best as a whole (the answer often sits in a sentence that names
   its subject only by a pronoun);
3. rerank those few dozen candidates on features BM25 alone misses, from terms precomputed
   at load time (bot/analysis.py): how much of the question's IDF weight the fact covers
   under each stemmer, how close together the question's words sit in it, whether it holds
   the kind of answer asked for, how well its article matches. A small linear model, trained
   on ARCD (bench/train_reranker.py, weights in bot/data/reranker.json), turns them into the
   probability that the fact is the answer. A question close to one an editor wrote for the
   fact scores by that closeness when it is higher.

The score is that probability in percent, so one threshold (matching.min_score) means the
same on any knowledge base. Nothing here is proportional to the size of the knowledge.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from bot.analysis import GROUP, question_kind
from bot.text import analyse, content_tokens, smalltalk

if TYPE_CHECKING:
    from bot.store import CandidateRow, FactRow, Store

# The articles whose facts all become candidates, and how many articles are ranked to judge
# how well a fact's article matches (relative to the best one).
EXPANDED_ARTICLES = 2
RANKED_ARTICLES = 20
# An editor question asking for another kind of answer (متى against أين) counts for less.
OTHER_KIND = 0.7

FEATURES = ("coverage", "light_coverage", "proximity", "date", "number", "article")


@dataclass(frozen=True)
class ScoredFact:
    """A fact with its 0-100 score for one question."""

    fact: FactRow
    score: float


@dataclass(frozen=True)
class Query:
    """A question prepared once for retrieval and reranking."""

    text: str
    stems: tuple[str, ...]
    lights: tuple[str, ...]
    kind: str | None

    @classmethod
    def parse(cls, question: str) -> Query:
        """Stems in order and the question's kind; nothing to look up for small talk."""
        if all(word in smalltalk() for word in content_tokens(question)):
            return cls(question, (), (), None)
        stems, lights = analyse(question)
        return cls(question, tuple(stems), tuple(lights), question_kind(question))

    @property
    def terms(self) -> tuple[str, ...]:
        """Every distinct stem and light stem of the question."""
        return tuple(dict.fromkeys(self.stems + self.lights))

    def fts(self) -> str:
        """An FTS5 OR query of the question's terms, each quoted so no term is an operator."""
        return " OR ".join(f'"{t}"' for t in self.terms)


@dataclass(frozen=True)
class Reranker:
    """The linear model over FEATURES, calibrated so its sigmoid reads as a probability."""

    weights: tuple[float, ...]
    bias: float

    @classmethod
    @cache
    def shipped(cls) -> Reranker:
        raw = resources.files("bot").joinpath("data/reranker.json").read_text(encoding="utf-8")
        data = json.loads(raw)
        if tuple(data["features"]) != FEATURES:
            raise ValueError("bot/data/reranker.json was trained on other features")
        return cls(tuple(data["weights"]), data["bias"])

    def probability(self, features: Sequence[float]) -> float:
        z = self.bias + sum(w * f for w, f in zip(self.weights, features, strict=True))
        return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass(frozen=True)
class Ranked:
    """One candidate with what its score was made of."""

    row: CandidateRow
    features: tuple[float, ...]
    asked: float
    score: float


class Matcher:
    """Scores facts against a question; stateless beyond its settings."""

    def __init__(self, candidates: int = 60, reranker: Reranker | None = None) -> None:
        self.candidates = candidates
        self.reranker = reranker or Reranker.shipped()

    async def match(self, store: Store, question: str, top: int) -> list[ScoredFact]:
        """The best `top` facts for question, best first (no threshold applied here)."""
        ranked = (await self.rank(store, Query.parse(question)))[:top]
        facts = await store.facts([r.row.rowid for r in ranked])
        return [ScoredFact(facts[r.row.rowid], r.score) for r in ranked if r.row.rowid in facts]

    async def rank(self, store: Store, query: Query) -> list[Ranked]:
        """Every candidate for query, best first."""
        if not query.stems:
            return []
        expression = query.fts()
        hits = await store.search(expression, self.candidates)
        if not hits:
            return []
        articles = await store.search_articles(expression, RANKED_ARTICLES)
        best = max((score for _, score in articles), default=0.0)
        article = {a: score / best for a, score in articles} if best > 0 else {}
        total, counts = await store.term_counts(query.terms)
        rows = await store.candidates(
            [rowid for rowid, _ in hits], [a for a, _ in articles[:EXPANDED_ARTICLES]]
        )
        weigh = _Weights(query, total, counts)
        order = {rowid: i for i, (rowid, _) in enumerate(hits)}
        ranked = [self._score(query, weigh, row, article.get(row.article_id, 0.0)) for row in rows]
        ranked.sort(key=lambda r: (-r.score, order.get(r.row.rowid, len(order)), r.row.rowid))
        return ranked

    def _score(self, query: Query, weigh: _Weights, row: CandidateRow, article: float) -> Ranked:
        terms = row.terms
        stems = terms.stems.split()
        groups = [set(g.split()) for g in terms.asked.split(GROUP)]
        said = set(stems).union(*groups)
        cues, _, kinds = terms.cues.partition("|")
        features = (
            weigh.coverage(weigh.stems, said),
            weigh.coverage(weigh.lights, set(terms.lights.split()) | said),
            _proximity(query.stems, stems),
            float(query.kind == "when" and "d" in cues),
            float(query.kind == "how_many" and "n" in cues),
            article,
        )
        asked = max(
            (
                weigh.closeness(group) * (1.0 if _same_kind(query.kind, kind) else OTHER_KIND)
                for group, kind in zip(groups[1:], kinds.split(), strict=False)
            ),
            default=0.0,
        )
        score = 100 * max(self.reranker.probability(features), asked)
        return Ranked(row, features, asked, round(score, 2))


class _Weights:
    """IDF of the question's terms in this knowledge base, for each stemmer."""

    def __init__(self, query: Query, total: int, counts: dict[tuple[str, str], int]) -> None:
        def idf(term: str, *columns: str) -> float:
            df = max(counts.get((term, c), 0) for c in columns)
            return math.log(1 + (total - df + 0.5) / (df + 0.5))

        self.stems = {t: idf(t, "stems", "asked") for t in query.stems}
        self.lights = {t: idf(t, "lights", "asked") for t in query.lights}

    @staticmethod
    def coverage(weights: dict[str, float], found: set[str]) -> float:
        """The share of the question's IDF weight that found holds."""
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t in found) / total if total else 0.0

    def closeness(self, asked: set[str]) -> float:
        """How close the reader's question is to an editor's: F1 of IDF recall and precision."""
        if not asked:
            return 0.0
        recall = self.coverage(self.stems, asked)
        precision = len(asked & self.stems.keys()) / len(asked)
        return 2 * recall * precision / (recall + precision) if recall + precision else 0.0


def _same_kind(asked: str | None, written: str) -> bool:
    return asked is None or written == "-" or asked == written


def _proximity(question: Sequence[str], fact: Sequence[str]) -> float:
    """Distinct question terms over the shortest stretch of the fact holding them all (0-1)."""
    wanted = set(question)
    hits = [(i, t) for i, t in enumerate(fact) if t in wanted]
    distinct = len({t for _, t in hits})
    if distinct < 2:
        return 0.0
    inside: Counter[str] = Counter()
    shortest = len(fact)
    left = 0
    for position, term in hits:
        inside[term] += 1
        while len(inside) == distinct:
            start, first = hits[left]
            shortest = min(shortest, position - start + 1)
            inside[first] -= 1
            if not inside[first]:
                del inside[first]
            left += 1
    return distinct / shortest
