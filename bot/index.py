"""Retrieval in memory: BM25 over the index terms, summed with numpy in about a millisecond.

SQLite's FTS5 scores every row that holds any of a question's terms; over 100,000 facts
whose words are all common that is tens of thousands of rows and tens of milliseconds per
question. Here each term's postings (the documents holding it, with its column-weighted
frequency in each) sit in flat arrays, and a question's scores are one bincount over its
terms' postings. The formula is FTS5's bm25() (k1 = 1.2, b = 0.75, per-column weights, the
document's length over all its columns), so the ranking is the one FTS5 gave.

The loader keeps the postings in the database with the knowledge, updated in the same
transaction (bot/store.py): a load drops the changed documents' postings and adds the new
ones without re-reading the rest, and a reader opens them as arrays without tokenising
anything.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from bot.analysis import CandidateRow, TermsTable
from bot.text import light_stem, read, readings, stem
from bot.typos import Vocabulary, common_or_joined, slips

K1 = 1.2
B = 0.75
# FTS5's floor for the IDF of a term that most documents hold.
MIN_IDF = 1e-6
# How many documents a load counts at a time: bounds the memory words take as strings.
BATCH = 5000
# Column weights, as FTS5's bm25() took them: facts (stems, lights, roots, asked) and
# articles (title, body).
FACT_WEIGHTS = (1.0, 1.0, 0.5, 1.5)
ARTICLE_WEIGHTS = (2.0, 1.0)
FACT_COLUMNS = ("stems", "lights", "roots", "asked")
# The columns whose terms a misspelt word may be read as: rough roots, without their long
# vowels, are too loose a key to correct a spelling against.
NEAR_COLUMNS = ("stems", "lights", "asked")
# How many of the facts holding a near term are searched for the word it belongs to.
NEAR_FACTS = 5


def tokens(text: str) -> list[str]:
    """The index terms of a stored column: its words, without the GROUP separators."""
    return text.replace("|", " ").split()


@dataclass(frozen=True)
class Postings:
    """One index as stored: for each term, the documents holding it.

    `freqs` is the term's frequency in the document, each column's occurrences counted with
    the column's weight; bit c of `masks` says whether column c holds it; `held` counts the
    documents holding each term in each column (terms x columns); `lengths` is each
    document's number of terms over all columns, indexed by document id (-1: no document).
    """

    terms: tuple[str, ...]
    offsets: np.ndarray  # int64, len(terms) + 1: term i's postings are [offsets[i], offsets[i+1])
    docs: np.ndarray  # int32
    freqs: np.ndarray  # float32
    masks: np.ndarray  # uint8
    held: np.ndarray  # int64, (terms, columns)
    lengths: np.ndarray  # float32

    @classmethod
    def empty(cls) -> Postings:
        """Postings of no document: what an empty knowledge base searches."""
        return cls(
            (),
            np.zeros(1, np.int64),
            np.zeros(0, np.int32),
            np.zeros(0, np.float32),
            np.zeros(0, np.uint8),
            np.zeros((0, 0), np.int64),
            np.zeros(0, np.float32),
        )

    def updated(
        self,
        weights: Sequence[float],
        removed: Iterable[int],
        added: Iterable[tuple[int, Sequence[str]]],
    ) -> Postings:
        """These postings without the removed documents, with the added ones (id, columns).

        Loads add 100,000 documents at a time: they are counted in batches (a word is a
        Python string only within its batch), with numpy doing the counting.
        """
        vocabulary = {t: i for i, t in enumerate(self.terms)}
        width = len(weights)
        added = list(added)
        batches = [
            _count(added[start : start + BATCH], np.asarray(weights, np.float64), vocabulary)
            for start in range(0, len(added), BATCH)
        ]
        terms = tuple(vocabulary)
        ids = np.concatenate([np.zeros(0, np.int64), *(b.ids for b in batches)])
        sizes = np.concatenate([np.zeros(0, np.int64), *(b.sizes for b in batches)])
        new_terms, new_docs, new_freqs, new_masks = (
            np.concatenate([empty, *(getattr(b, name) for b in batches)])
            for name, empty in (
                ("terms", np.zeros(0, np.int64)),
                ("docs", np.zeros(0, np.int32)),
                ("freqs", np.zeros(0, np.float32)),
                ("masks", np.zeros(0, np.uint8)),
            )
        )
        by_term = np.argsort(new_terms, kind="stable")
        new_terms, new_docs = new_terms[by_term], new_docs[by_term]
        new_freqs, new_masks = new_freqs[by_term], new_masks[by_term]
        gone = np.fromiter(removed, np.int32)
        keep = ~np.isin(self.docs, gone)
        dropped = np.flatnonzero(~keep)
        dropped_terms = np.searchsorted(self.offsets, dropped, side="right") - 1
        kept = np.zeros(len(terms), np.int64)
        kept[: len(self.terms)] = np.diff(self.offsets)
        kept -= np.bincount(dropped_terms, minlength=len(terms))
        # Both sides are grouped by term: each new posting goes after its term's kept ones.
        at = np.cumsum(kept)[new_terms]
        offsets = np.zeros(len(terms) + 1, np.int64)
        np.cumsum(kept + np.bincount(new_terms, minlength=len(terms)), out=offsets[1:])
        top = max(len(self.lengths), int(ids.max(initial=-1)) + 1)
        lengths = np.full(top, -1, np.float32)
        lengths[: len(self.lengths)] = self.lengths
        lengths[gone[gone < top]] = -1
        lengths[ids] = sizes
        held = np.zeros((len(terms), width), np.int64)
        held[: self.held.shape[0], : self.held.shape[1]] = self.held
        for column in range(width):
            held[:, column] -= _per_term(dropped_terms, self.masks[dropped], column, len(terms))
            held[:, column] += _per_term(new_terms, new_masks, column, len(terms))
        return Postings(
            terms,
            offsets,
            np.insert(self.docs[keep], at, new_docs),
            np.insert(self.freqs[keep], at, new_freqs),
            np.insert(self.masks[keep], at, new_masks),
            held,
            lengths,
        )

    def to_bytes(self) -> bytes:
        """The arrays' raw bytes after a JSON header: opening them copies nothing."""
        arrays = {name: getattr(self, name) for name in _ARRAYS}
        arrays["terms"] = np.frombuffer("\n".join(self.terms).encode(), np.uint8)
        header, chunks, at = {}, [], 0
        for name, array in arrays.items():
            data = np.ascontiguousarray(array).tobytes()
            header[name] = (array.dtype.str, array.shape, at, len(data))
            chunks.append(data + b"\0" * (-len(data) % 8))
            at += len(chunks[-1])
        head = json.dumps(header).encode()
        head += b" " * (-(len(head) + 8) % 8)
        return len(head).to_bytes(8, "little") + head + b"".join(chunks)

    @classmethod
    def from_bytes(cls, data: bytes) -> Postings:
        """Arrays over `data` without copying, so opening 100,000 facts' postings stays quick."""
        size = int.from_bytes(data[:8], "little")
        base = 8 + size
        arrays = {
            name: np.frombuffer(data, dtype, length // np.dtype(dtype).itemsize, base + at).reshape(
                shape
            )
            for name, (dtype, shape, at, length) in json.loads(data[8:base]).items()
        }
        text = arrays.pop("terms").tobytes().decode()
        return cls(terms=tuple(text.split("\n")) if text else (), **arrays)


_ARRAYS = ("offsets", "docs", "freqs", "masks", "held", "lengths")


class Ranker:
    """BM25 over one index's postings, as FTS5's bm25() computes it."""

    def __init__(self, postings: Postings) -> None:
        self.postings = postings
        self.vocabulary = {t: i for i, t in enumerate(postings.terms)}
        lengths = postings.lengths
        present = lengths >= 0
        self.rows = int(present.sum())
        average = float(lengths[present].sum()) / self.rows if self.rows else 1.0
        # Each posting's part of the score, short of the term's IDF (in single precision:
        # half the memory and time of opening; scores agree with FTS5's to about 1e-7).
        freqs = postings.freqs
        norm = np.float32(K1 * (1 - B)) + np.float32(K1 * B / average) * lengths[postings.docs]
        self.parts = freqs * np.float32(K1 + 1) / (freqs + norm)
        self.size = len(lengths)

    def holding(self, term: str) -> tuple[int, int] | None:
        """Where a term's postings start and end, or None when no document holds it."""
        i = self.vocabulary.get(term)
        if i is None:
            return None
        start, end = int(self.postings.offsets[i]), int(self.postings.offsets[i + 1])
        return (start, end) if end > start else None

    def holders(self, term: str) -> np.ndarray:
        """The documents that hold a term, in postings order (empty when none does)."""
        span = self.holding(term)
        return self.postings.docs[span[0] : span[1]] if span else self.postings.docs[:0]

    def top(self, terms: Iterable[str], limit: int) -> list[tuple[int, float]]:
        """The `limit` best documents for an OR of the terms, best first (ties by id)."""
        docs, parts = [], []
        for term in dict.fromkeys(terms):
            span = self.holding(term)
            if span is None:
                continue
            start, end = span
            holders = end - start
            idf = math.log((self.rows - holders + 0.5) / (holders + 0.5))
            docs.append(self.postings.docs[start:end])
            parts.append(self.parts[start:end] * max(idf, MIN_IDF))
        if not docs:
            return []
        held = np.concatenate(docs)
        scores = np.bincount(held, np.concatenate(parts), self.size)
        # A document appears once per term it holds, so the best `limit` documents are
        # among the best limit x terms postings: only those are sorted.
        enough = limit * len(docs)
        if len(held) > enough:
            held = held[np.argpartition(-scores[held], enough - 1)[:enough]]
        hit = np.unique(held)
        best = hit[np.lexsort((hit, -scores[hit]))[:limit]].tolist()
        return [(d, float(scores[d])) for d in best]

    def column_counts(
        self, terms: Iterable[str], names: Sequence[str]
    ) -> dict[tuple[str, str], int]:
        """How many documents hold each term, by column name (only the non-zero counts)."""
        counts = {}
        by_column = self.postings.held
        for term in terms:
            i = self.vocabulary.get(term)
            if i is None:
                continue
            for c, name in enumerate(names[: by_column.shape[1]]):
                if by_column[i, c]:
                    counts[term, name] = int(by_column[i, c])
        return counts


@dataclass(frozen=True)
class _Counted:
    """One batch of new documents: their ids and lengths, and their postings by term."""

    ids: np.ndarray
    sizes: np.ndarray
    terms: np.ndarray
    docs: np.ndarray
    freqs: np.ndarray
    masks: np.ndarray


def _count(
    batch: Sequence[tuple[int, Sequence[str]]], weights: np.ndarray, vocabulary: dict[str, int]
) -> _Counted:
    """Postings of a batch of documents; terms new to the vocabulary are added to it."""
    words: list[str] = []
    runs: list[int] = []  # the number of words of each (document, column), in order
    for _, columns in batch:
        for text in columns:
            column = tokens(text)
            words.extend(column)
            runs.append(len(column))
    for word in dict.fromkeys(words):
        vocabulary.setdefault(word, len(vocabulary))
    width = len(weights)
    n = len(batch)
    counts = np.array(runs, np.int64).reshape(n, width)
    word_terms = np.fromiter(map(vocabulary.__getitem__, words), np.int64, len(words))
    word_docs = np.repeat(np.arange(n, dtype=np.int64), counts.sum(axis=1))
    word_columns = np.repeat(np.tile(np.arange(width), n), counts.ravel())
    pairs, which = np.unique(word_terms * n + word_docs, return_inverse=True)
    freqs = np.bincount(which, weights[word_columns], len(pairs)).astype(np.float32)
    masks = np.zeros(len(pairs), np.uint8)
    for c in range(width):
        masks |= (np.bincount(which[word_columns == c], minlength=len(pairs)) > 0).astype(
            np.uint8
        ) << c
    ids = np.array([doc for doc, _ in batch], np.int64)
    return _Counted(
        ids, counts.sum(axis=1), pairs // n, ids[pairs % n].astype(np.int32), freqs, masks
    )


def _per_term(terms: np.ndarray, masks: np.ndarray, column: int, size: int) -> np.ndarray:
    """How many of these postings hold their term in the column, by term."""
    return np.bincount(terms[(masks >> column) & 1 == 1], minlength=size)


@dataclass(frozen=True)
class KnowledgeIndex:
    """What retrieval and reranking read, as of one load: the rankers and the facts' terms."""

    generation: int
    facts: Ranker
    articles: Ranker
    article_ids: dict[int, str]
    terms: TermsTable

    def term_counts(self, terms: Sequence[str]) -> tuple[int, dict[tuple[str, str], int]]:
        """How many facts there are, and how many hold each term, by column."""
        return self.facts.rows, self.facts.column_counts(terms, FACT_COLUMNS)

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """The facts' words, for reading a misspelt word: built on first use, once per load."""
        held = self.facts.postings.held
        if held.shape[1] != len(FACT_COLUMNS):  # no fact loaded
            return Vocabulary(())
        counts = held[:, [FACT_COLUMNS.index(c) for c in NEAR_COLUMNS]].max(axis=1)
        return Vocabulary(zip(self.facts.postings.terms, counts.tolist(), strict=True))

    def nearest(
        self, keys: Sequence[str], put_back: bool = False, dots: bool = True
    ) -> tuple[str, str, str] | None:
        """The reading (stem, light stem, root) of the fact word nearest to any of keys.

        For a word no fact holds under any of its readings. The near term is a Snowball or
        a light stem: the fact word it belongs to is found in the first facts holding it, so
        the word is read under all three stemmers, as the fact's own words are. A word whose
        light stem it is comes first: the stem مدين of «بمدينة» would read the typed الدمينة
        with the ب, a light stem no fact's «المدينة» holds.
        """
        found = self.vocabulary.nearest(keys, put_back, dots)
        if found is None:
            return None
        term = found[0]
        rows = [self.terms.rows.get(int(doc)) for doc in self.facts.holders(term)[:NEAR_FACTS]]
        read = [(row[3].split(), row[4].split(), row[5].split()) for row in rows if row]
        for column in (1, 0):  # light stems first, then stems
            for stems_lights_roots in read:
                if term in stems_lights_roots[column]:
                    at = stems_lights_roots[column].index(term)
                    stems, lights, roots = stems_lights_roots
                    return stems[at], lights[at], roots[at]
        return term, term, term

    def shares_a_fact(self, reading: tuple[str, str, str], others: Sequence[str]) -> bool:
        """Whether a fact holds the reading's stem or light stem and any of the other terms.

        The reading's facts are marked in a mask over every document, which each other term's
        postings then index: no sort, whatever the number of facts.
        """
        mine = [self.facts.holders(term) for term in dict.fromkeys(reading[:2])]
        if not others or not any(docs.size for docs in mine):
            return False
        marked = np.zeros(len(self.facts.postings.lengths), bool)
        for docs in mine:
            marked[docs] = True
        return any(marked[self.facts.holders(term)].any() for term in dict.fromkeys(others))

    def respelt(self, word: str) -> tuple[str, str, str] | None:
        """The reading (stem, light stem, root) of the word one slip from `word` that facts hold.

        The cheapest slip wins, then the word more facts hold by its stem or light stem.
        `word` is as written, normalised: a slip in its article or suffix (الزراعاب for
        الزراعات) keeps the stemmers from reading it, so the words it may have meant are read
        as the facts' own words are, and looked up. Only words written Arabic often uses are
        meant, or such a word after و or ف (فالممحطة is فالمحطة, as المحطة is common):
        بالفار is not بالقار, whose stem قار the knowledge may hold (ذي قار).
        """
        held = self.vocabulary.held
        best: tuple[float, int, tuple[str, str, str]] | None = None
        for cost, meant in slips(word):
            if best is not None and cost > best[0]:
                break
            if not common_or_joined(meant):
                continue
            for form in readings(meant):
                found = max(held.get(stem(form), 0), held.get(light_stem(form), 0))
                if found and (best is None or found > best[1]):
                    best = (cost, found, read(form))
                    break
        return best[2] if best else None

    def search(self, terms: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """Fact rowids best first, with their BM25 scores."""
        return self.facts.top(terms, limit)

    def search_articles(self, terms: Sequence[str], limit: int) -> list[tuple[str, float]]:
        """Article ids best first, with their BM25 scores over all each article says."""
        return [(self.article_ids[d], s) for d, s in self.articles.top(terms, limit)]

    def articles_saying(self, terms: Sequence[str]) -> set[str]:
        """The ids of the articles that hold every one of these terms somewhere."""
        found: set[str] | None = None
        for term in terms:
            holding = {self.article_ids[int(d)] for d in self.articles.holders(term)}
            found = holding if found is None else found & holding
        return found or set()

    def leads(self, article_ids: Iterable[str]) -> dict[int, int]:
        """The rowid of each of these articles' first fact, with how many facts it has."""
        return self.terms.leads(article_ids)

    def candidates(self, rowids: Sequence[int], article_ids: Sequence[str]) -> list[CandidateRow]:
        """What reranking needs of these facts and of every fact of these articles."""
        return self.terms.candidates(rowids, article_ids)
