"""Editors teaching the bot, simulated on two articles of the blind set.

The small version of `python -m bench.teach_simulation`: the real engine with meaning on,
the real `teaching.teach` on a copy of sentence-only articles. What is taught must then be
answered right, and teaching must not draw out-of-scope questions into answers beyond a
small margin.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.teach_simulation import REFUSED, RIGHT, read_set, rows, simulate, split

# Out of the quick loop: the simulation teaches and asks over the blind set (about 5 s).
pytestmark = pytest.mark.slow


async def test_taught_questions_are_answered_and_refusals_hold(tmp_path: Path) -> None:
    blind = read_set(articles=2)
    originals = {path: path.read_bytes() for path in blind.articles}
    assert len(blind.articles) == 2 and blind.questions and blind.refusals
    half, name = split(blind.questions, "A", seed=0)

    run = await simulate(blind, half, name, tmp_path)

    assert run.semantic, "the sentence model did not load: meaning is off"
    assert run.failed == ()
    # Everything taught was refused or wrong before and is answered right now.
    assert len(run.taught) >= 5
    assert all(run.before[p] != RIGHT for p in run.taught)
    assert [p for p in run.taught if run.after[p] != RIGHT] == []
    taught_half = rows(run)[0]
    assert taught_half.after[RIGHT] >= 0.9 > taught_half.before[RIGHT]
    assert taught_half.after[REFUSED] <= 0.1
    # Out of scope answered rises by two refusals at most (of 48).
    assert sum(run.out_after) <= sum(run.out_before) + 2
    # The first teach in each article gave it explicit facts, in the copy only.
    for path in blind.articles:
        copied = yaml.safe_load((tmp_path / "knowledge" / path.name).read_text(encoding="utf-8"))
        assert [f["id"] for f in copied["facts"]] == [s["id"] for s in copied["sentences"]]
        assert path.read_bytes() == originals[path]
