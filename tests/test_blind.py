"""Readers' own words on news Sanad was never tuned on: the blind sets (tests/data/blind/,
tests/data/blind_c/, tests/data/blind_d/, tests/data/blind_e/).

Half A of the first was used to train the meaning ranker and the judge, with the training
sets (tests/data/train_*/, bench/train_meaning.py); its half B and set C were not, and set C
was written later, by another hand, and never looked at while tuning. Set D came by a third
hand: its half D1's failures were read to find what fails, its half D2 was only measured;
neither was fitted on.
Set E, by a fourth hand, was only ever measured. All are measured, with meaning on as by
default, and held to floors just under what they measure now (docs/matching.md, "Blind
sets"), so a change that makes any of them worse fails here.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import yaml

from bench.blind import (
    BLIND,
    SET_C,
    SET_D,
    SET_E,
    first_set,
    halves,
    serving,
    set_c,
    set_d,
    set_d_halves,
    set_e,
    set_e_halves,
)
from bench.blind_curve import Best, point
from bench.typo_quality import kept_of_right
from bot.engine import Engine

# Per half: answered right at least, wrong at most, out of scope answered at most, and right
# or among the suggestions at least.
FLOORS = {
    "A": (0.61, 0.05, 0.13, 0.88),
    "B": (0.61, 0.06, 0.18, 0.9),
    "C": (0.83, 0.065, 0.19, 0.91),
    "D1": (0.82, 0.09, 0.09, 0.91),
    "D2": (0.73, 0.12, 0.21, 0.86),
    "E1": (0.72, 0.05, 0.2, 0.89),
    "E2": (0.69, 0.155, 0.29, 0.82),
}


# Each set's database once loaded and its vectors filled (10-20 s of embedding), for the next
# test of the same set to start from.
FILLED: dict[Path, Path] = {}


@asynccontextmanager
async def filled(folder: Path, root: Path) -> AsyncIterator[Engine]:
    """An engine over a blind set (bench.blind.serving), from the database filled before."""
    if folder in FILLED:
        shutil.copyfile(FILLED[folder], root / "sanad.sqlite3")
    async with serving(folder, root) as engine:
        yield engine
    FILLED.setdefault(folder, root / "sanad.sqlite3")


@pytest.mark.parametrize("folder", [BLIND, SET_C, SET_D, SET_E])
def test_the_set_is_as_large_as_promised(folder: Path) -> None:
    raw = yaml.safe_load((folder / "questions.yaml").read_text(encoding="utf-8"))
    assert len(raw["questions"]) >= 150 and len(raw["refusals"]) >= 60
    assert len(list((folder / "articles").glob("*.yaml"))) >= 6


# With a typo in each question, the share of the right answers kept at least, per set; the
# issue asks 0.95 of its second set. `python -m bench.typo_quality --blind` measures 0.953
# (the first set, both halves), 0.959 (set C), 0.979 (set D) and 0.970 (set E).
KEPT = {"first": 0.93, "C": 0.95, "D": 0.95, "E": 0.95}


@pytest.mark.slow
@pytest.mark.parametrize("name", KEPT)
async def test_readers_words_with_a_typo_keep_their_answers(tmp_path: Path, name: str) -> None:
    sets = {
        "first": (BLIND, *first_set()),
        "C": (SET_C, *set_c()),
        "D": (SET_D, *set_d()),
        "E": (SET_E, *set_e()),
    }
    folder, asked, _ = sets[name]
    async with filled(folder, tmp_path) as blind:
        kept, right = await kept_of_right(blind, asked)
    print(f"\nblind {name} with a typo each: kept {kept} of {right}")
    assert kept / right >= KEPT[name]


# Each split set with its halves: the first (A tuned on, B held out), D (D1 read for
# failures, D2 only measured) and E (only ever measured).
SPLIT = {"first": (BLIND, halves), "D": (SET_D, set_d_halves), "E": (SET_E, set_e_halves)}


@pytest.mark.slow
@pytest.mark.parametrize("name", SPLIT)
async def test_readers_own_words_on_each_half(tmp_path: Path, name: str) -> None:
    folder, split = SPLIT[name]
    async with filled(folder, tmp_path) as blind:
        for half, (questions, refusals) in split().items():
            await measure(blind, half, questions, refusals)


@pytest.mark.slow
async def test_readers_own_words_on_a_set_never_tuned_on(tmp_path: Path) -> None:
    async with filled(SET_C, tmp_path) as blind:
        await measure(blind, "C", *set_c())


async def measure(
    blind: Engine, half: str, questions: list[dict[str, object]], refusals: list[dict[str, object]]
) -> None:
    right = wrong = suggested = 0
    for q in questions:
        wanted = {(q["article"], s) for s in q["sentences"]}  # type: ignore[union-attr]
        answer = await blind.ask(str(q["q"]), record=False)
        got = [(a.article_id, a.fact_id) for a in answer.answers]
        if answer.answered:
            right += got[0] in wanted
            wrong += got[0] not in wanted
        offered = got[:1] if answer.answered else got
        suggested += bool(set(offered) & wanted)
    answered_out = sum([(await blind.ask(str(q["q"]), record=False)).answered for q in refusals])
    n = len(questions)
    figures = (right / n, wrong / n, answered_out / len(refusals), suggested / n)
    print(
        f"\nblind {half}: right {figures[0]:.3f}, wrong {figures[1]:.3f}, "
        f"out of scope answered {figures[2]:.3f}, right or suggested {figures[3]:.3f}"
    )
    floor_right, ceiling_wrong, ceiling_out, floor_suggested = FLOORS[half]
    assert figures[0] >= floor_right and figures[3] >= floor_suggested
    assert figures[1] <= ceiling_wrong and figures[2] <= ceiling_out


def test_the_curve_counts_a_question_answered_from_its_threshold_up() -> None:
    asked = [Best(30.0, True), Best(20.0, True), Best(26.0, False)]
    refused = [Best(25.0, False), Best(10.0, False)]
    assert point(asked, refused, 25.0) == "0.333 / 0.333 / 0.500"
    assert point(asked, refused, 10.0) == "0.667 / 0.333 / 1.000"
