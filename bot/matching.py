"""Matching: from a reader's question to the stored facts that answer it, scored 0-100.

Three plain steps, as in any retrieval pipeline: turn the question into index terms,
retrieve candidates from the FTS5 index, rerank them on features that BM25 alone misses
(how much of the question's weight a fact covers, how close the reader's wording is to the
editor's questions, whether the fact holds the kind of answer the question word asks for).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.store import FactRow, Store
from bot.text import normalize, stem, stopwords, tokens

# What a question word asks for, and a pattern that finds such an answer in a sentence.
_YEAR_OR_DATE = re.compile(
    r"\b(1[5-9]\d\d|20\d\d)\b|يناير|فبراير|مارس|ابريل|مايو|يونيو|يوليو|اغسطس|سبتمبر|اكتوبر|"
    r"نوفمبر|ديسمبر|كانون|شباط|اذار|نيسان|ايار|حزيران|تموز|اب|ايلول|تشرين|قرن|عام|سنه"
)
_NUMBER = re.compile(r"\d|واحد|اثنان|ثلاث|اربع|خمس|ست|سبع|ثماني|تسع|عشر|مئه|الف|مليون|مليار")
_ANSWER_TYPES: dict[str, re.Pattern[str]] = {"متي": _YEAR_OR_DATE, "كم": _NUMBER}


@dataclass(frozen=True)
class ScoredFact:
    """A fact with its 0-100 score for one question."""

    fact: FactRow
    score: float


@dataclass(frozen=True)
class Query:
    """A question prepared once for retrieval and reranking."""

    text: str
    normalized: str
    terms: tuple[str, ...]
    wants: re.Pattern[str] | None

    @classmethod
    def parse(cls, question: str) -> Query:
        words = tokens(question)
        stop = stopwords()
        terms = tuple(dict.fromkeys(stem(w) for w in words if w not in stop))
        wants = next((_ANSWER_TYPES[w] for w in words if w in _ANSWER_TYPES), None)
        return cls(question, " ".join(words), terms, wants)

    def fts(self) -> str:
        """An FTS5 OR query of the question's terms, each quoted so no term is an operator."""
        return " OR ".join(f'"{t}"' for t in self.terms)


class Matcher:
    """Scores facts against a question; stateless beyond its settings."""

    def __init__(self, candidates: int = 60) -> None:
        self.candidates = candidates

    async def match(self, store: Store, question: str, top: int) -> list[ScoredFact]:
        """The best `top` facts for question, best first (no threshold applied here)."""
        query = Query.parse(question)
        if not query.terms:
            return []
        hits = await store.search(query.fts(), self.candidates)
        if not hits:
            return []
        total, df = await store.document_frequencies(query.terms)
        idf = {
            t: math.log(1 + (total - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5))
            for t in query.terms
        }
        facts = await store.facts([rowid for rowid, _ in hits])
        best_bm25 = max(score for _, score in hits) or 1.0
        scored = [
            ScoredFact(facts[rowid], _score(query, facts[rowid], bm25 / best_bm25, idf))
            for rowid, bm25 in hits
            if rowid in facts
        ]
        scored.sort(key=lambda s: s.score, reverse=True)
        return scored[:top]


def _score(query: Query, fact: FactRow, bm25: float, idf: dict[str, float]) -> float:
    fact_text = " ".join((fact.statement, *fact.quotes, *fact.keywords))
    fact_terms = {stem(w) for w in tokens(fact_text)}
    weight = sum(idf.values()) or 1.0
    coverage = sum(v for t, v in idf.items() if t in fact_terms) / weight
    asked = (
        max(
            (
                fuzz.token_set_ratio(query.normalized, q, processor=normalize)
                for q in fact.questions
            ),
            default=0.0,
        )
        / 100
    )
    fits = 1.0 if query.wants is None or query.wants.search(normalize(fact_text)) else 0.0
    evidence = 0.55 * coverage + 0.25 * bm25 + 0.1 * fits + 0.1 * coverage * fits
    return round(100 * max(evidence, asked * (0.6 + 0.4 * coverage)), 2)
