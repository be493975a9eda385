"""The facts' vectors as readers hold them: the nearest facts, cosines, and what is missing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import CLINIC, ECLIPSE, Site

from bot import meaning
from bot.engine import Engine
from bot.vectors import TITLE_CHARS, FactVectors, passage


def unit_rows(count: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((count, meaning.DIM))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def held(rows: np.ndarray) -> FactVectors:
    """Rows as stored (float16), under rowids that are not their positions."""
    return FactVectors({100 + 3 * i: i for i in range(len(rows))}, rows.astype(np.float16), {}, 0)


def test_the_nearest_facts_are_those_a_full_sort_ranks_first() -> None:
    rows = unit_rows(500, seed=1)
    vectors = held(rows)
    for question in unit_rows(20, seed=2):
        similar = rows.astype(np.float16).astype(np.float32) @ question
        expected = [100 + 3 * int(i) for i in np.argsort(-similar)[:10]]
        assert vectors.nearest(question, 10, limit=1000) == expected


def test_no_scan_beyond_the_limit_and_k_beyond_the_facts_is_every_fact() -> None:
    vectors = held(unit_rows(5, seed=3))
    question = unit_rows(1, seed=4)[0]
    assert vectors.nearest(question, 3, limit=4) == []
    assert sorted(vectors.nearest(question, 10, limit=5)) == [100, 103, 106, 109, 112]


def test_cosines_of_the_candidates_are_computed_in_float32() -> None:
    rows = unit_rows(8, seed=5)
    vectors = held(rows)
    question = unit_rows(1, seed=6)[0]
    ranked = [SimpleNamespace(row=SimpleNamespace(rowid=rowid)) for rowid in (121, 100)]
    cosines = vectors.cosines(ranked, question)
    expected = rows[[7, 0]].astype(np.float16).astype(np.float32) @ question
    assert cosines == pytest.approx(expected.tolist(), abs=1e-6)


@pytest.fixture
async def engine(site: Site) -> AsyncIterator[Engine]:
    site.config_path.write_text(
        "knowledge_dir: knowledge\ndatabase: data/sanad.sqlite3\nmatching:\n  semantic: true\n",
        encoding="utf-8",
    )
    site.write("eclipse.yaml", ECLIPSE)
    async with site.engine() as opened:
        await opened.reload()
        yield opened


async def test_the_texts_missing_are_counted_again_after_a_reload(
    site: Site, engine: Engine
) -> None:
    missing = await engine.vectors_missing()
    assert missing > 0
    assert await engine.fill_vectors(workers=1) == missing
    assert await engine.vectors_missing() == 0
    site.write(
        "eclipse.yaml",
        ECLIPSE + '  - id: s3\n    text: "يمكن رصد الكسوف بنظارات خاصة تحمي العين."\n',
    )
    await engine.reload()
    assert await engine.vectors_missing() == 1
    progress = await engine.vector_progress()
    assert progress.total == progress.done + 1


async def stored_keys(engine: Engine) -> set[bytes]:
    async with engine.store.db.execute("SELECT key FROM vectors") as cursor:
        return {row[0] async for row in cursor}


async def test_an_edited_text_leaves_no_vector_behind_and_an_unchanged_one_keeps_its_own(
    site: Site, engine: Engine
) -> None:
    await engine.fill_vectors(workers=1)
    before = await stored_keys(engine)
    site.write("eclipse.yaml", ECLIPSE.replace("سبع دقائق ونصف", "سبع دقائق ونصف الدقيقة"))
    assert (await engine.reload()).changed == ["eclipse"]
    # The edited sentence's old vector is gone; the untouched one is not embedded again.
    kept = await stored_keys(engine)
    assert kept < before and len(before - kept) == 1
    assert await engine.fill_vectors(workers=1) == 1
    assert len(await stored_keys(engine)) == len(before)
    (site.knowledge / "eclipse.yaml").unlink()
    assert (await engine.reload()).removed == ["eclipse"]
    assert len(await stored_keys(engine)) == len(before) - 2
    assert await engine.vectors_missing() == 0


async def test_a_load_that_only_adds_keeps_every_vector(site: Site, engine: Engine) -> None:
    await engine.fill_vectors(workers=1)
    before = await stored_keys(engine)
    site.write("clinic.yaml", CLINIC)
    assert (await engine.reload()).added == ["clinic"]
    assert await stored_keys(engine) == before


def test_a_fact_is_read_after_its_title_and_a_long_title_only_in_part() -> None:
    assert passage("محطة جديدة في معان", "وتمتد المحطة على 900 هكتار.") == (
        "محطة جديدة في معان. وتمتد المحطة على 900 هكتار."
    )
    assert passage("هل تنجح المحطة؟", "نعم.") == "هل تنجح المحطة؟ نعم."
    long = passage("كلمة " * 1000, "نعم.")
    assert len(long) <= TITLE_CHARS + len(". نعم.") and long.endswith("كلمة. نعم.")
