"""Retrieval's postings: FTS5's BM25 ranking, kept up to date load by load."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from conftest import TREATY, Site

from bot.index import FACT_WEIGHTS, Postings, Ranker

DOCS = {
    1: ("قمه جنيف رئيس | روس امريك", "قمه جنيف رئيس", "قم جنف رأس", "متي قمه"),
    2: ("رئيس روس زار موسك", "رئيس روس زار موسك", "رأس روس زور مسك", ""),
    3: ("جنيف مدين سويسر | قمه قمه", "جنيف مدين", "جنف مدن سسر", "اين جنيف"),
    4: ("كسوف شمس 2024", "كسوف شمس", "كسف شمس", "متي كسوف | كسوف شمس"),
    5: ("معاهد شراك روس كوري", "معاهد شراك", "عهد شرك روس كور", "متي معاهد"),
}
QUERIES = [("قمه", "جنيف"), ("رئيس", "روس", "موسك"), ("كسوف",), ("جنف", "عهد"), ("شيء",)]


def fts5_ranking(query: tuple[str, ...]) -> list[tuple[int, float]]:
    """What SQLite's FTS5 answers for the same documents, weights and OR query."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(stems, lights, roots, asked)")
    db.executemany(
        "INSERT INTO t (rowid, stems, lights, roots, asked) VALUES (?, ?, ?, ?, ?)",
        [(doc, *columns) for doc, columns in DOCS.items()],
    )
    weights = ", ".join(str(w) for w in FACT_WEIGHTS)
    sql = f"SELECT rowid, -bm25(t, {weights}) FROM t WHERE t MATCH ? ORDER BY rank, rowid"
    return db.execute(sql, (" OR ".join(f'"{t}"' for t in query),)).fetchall()


@pytest.mark.parametrize("query", QUERIES)
def test_the_ranking_is_fts5s_bm25(query: tuple[str, ...]) -> None:
    ranker = Ranker(Postings.empty().updated(FACT_WEIGHTS, (), DOCS.items()))
    found = ranker.top(query, 10)
    expected = fts5_ranking(query)
    assert [doc for doc, _ in found] == [doc for doc, _ in expected]
    assert [score for _, score in found] == pytest.approx([score for _, score in expected])


def test_only_the_best_come_back_best_first() -> None:
    ranker = Ranker(Postings.empty().updated(FACT_WEIGHTS, (), DOCS.items()))
    assert ranker.top(("جنيف", "قمه", "رئيس"), 2) == ranker.top(("جنيف", "قمه", "رئيس"), 10)[:2]


def test_an_update_equals_building_from_scratch() -> None:
    first = {doc: columns for doc, columns in DOCS.items() if doc != 5}
    changed = {2: ("رئيس روس | زار بكين", "رئيس روس", "رأس روس", ""), 5: DOCS[5]}
    built = Postings.empty().updated(FACT_WEIGHTS, (), first.items())
    updated = built.updated(FACT_WEIGHTS, [2, 3], changed.items())
    final = {**{d: c for d, c in first.items() if d not in (2, 3)}, **changed}
    fresh = Postings.empty().updated(FACT_WEIGHTS, (), sorted(final.items()))
    for query in QUERIES:
        got, wanted = Ranker(updated).top(query, 10), Ranker(fresh).top(query, 10)
        assert [doc for doc, _ in got] == [doc for doc, _ in wanted]
        assert [score for _, score in got] == pytest.approx([score for _, score in wanted])
    assert Ranker(updated).rows == 4
    names = ("stems", "lights", "roots", "asked")
    assert Ranker(updated).column_counts(updated.terms, names) == Ranker(fresh).column_counts(
        fresh.terms, names
    )
    stored = Postings.from_bytes(updated.to_bytes())
    assert stored.terms == updated.terms
    assert Ranker(stored).top(QUERIES[0], 10) == Ranker(updated).top(QUERIES[0], 10)
    assert np.array_equal(stored.held, updated.held)


async def test_a_load_by_another_connection_is_noticed_by_readers(site: Site) -> None:
    question = "متى أبرمت معاهدة الشراكة الإستراتيجية الشاملة؟"
    async with site.engine() as writer, site.engine() as reader:
        await writer.reload()
        before = (await reader.ask(question, record=False)).answers[0].statement
        assert "19 حزيران" in before
        site.write("treaty.yaml", TREATY.replace("في 19 حزيران/ يونيو 2024.", "في حزيران 2024."))
        await writer.reload()
        reader.retrieval._checked = 0.0  # as if INDEX_CHECK seconds had passed
        await reader.retrieval.index()  # notices the load: the new index opens meanwhile
        opening = reader.retrieval._opening
        assert opening is not None
        await opening
        after = (await reader.ask(question, record=False)).answers[0].statement
        assert after == "أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في حزيران 2024."


def test_documents_are_counted_per_column() -> None:
    ranker = Ranker(Postings.empty().updated(FACT_WEIGHTS, (), DOCS.items()))
    counts = ranker.column_counts(["جنيف", "جنف", "كسوف"], ("stems", "lights", "roots", "asked"))
    assert counts == {
        ("جنيف", "stems"): 2,
        ("جنيف", "lights"): 2,
        ("جنيف", "asked"): 1,
        ("جنف", "roots"): 2,
        ("كسوف", "stems"): 1,
        ("كسوف", "lights"): 1,
        ("كسوف", "asked"): 1,
    }
    assert np.all(ranker.postings.lengths[1:] > 0)
