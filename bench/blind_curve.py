"""The blind sets' curve: right, wrong and out of scope answered at each matching.min_score.

Sanad answers when its best fact scores `matching.min_score` or more (25 by default), and
offers the best facts as suggestions when it does not, with their scores. A question's best
score is the same at every threshold, so one pass over each set (the first set's two halves
together, sets C, D and E, meaning on, bench/blind.py) gives every point of the curve:

    python -m bench.blind_curve
    python -m bench.blind_curve tests/data/train_m tests/data/train_n   # other sets, whole

Rows are thresholds, the default in bold; each cell is right / wrong / out of scope
answered, the first two of the questions in scope, the last of those out of scope.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from bench.blind import (
    BLIND,
    SET_C,
    SET_D,
    SET_E,
    Asked,
    first_set,
    serving,
    set_c,
    set_d,
    set_e,
    unsplit,
)
from bot.engine import Engine

THRESHOLDS = (15.0, 20.0, 22.0, 25.0, 28.0, 30.0, 35.0)
SETS: dict[str, tuple[Path, Callable[[], tuple[Asked, Asked]]]] = {
    "first": (BLIND, first_set),
    "C": (SET_C, set_c),
    "D": (SET_D, set_d),
    "E": (SET_E, set_e),
}


class Best(NamedTuple):
    """A question's best fact: its score, and whether it is the fact that answers it."""

    score: float
    right: bool


async def best_facts(engine: Engine, questions: Asked) -> list[Best]:
    """Each question's best fact, answered or offered (a score of 0 when none is offered)."""
    found = []
    for q in questions:
        wanted = {(q["article"], s) for s in q.get("sentences", ())}
        answer = await engine.ask(str(q["q"]), record=False)
        top = answer.answers[0] if answer.answers else None
        found.append(
            Best(top.score, (top.article_id, top.fact_id) in wanted) if top else Best(0.0, False)
        )
    return found


def point(asked: Sequence[Best], refused: Sequence[Best], floor: float) -> str:
    """Right / wrong / out of scope answered at one threshold."""
    right = sum(b.score >= floor and b.right for b in asked) / len(asked)
    wrong = sum(b.score >= floor and not b.right for b in asked) / len(asked)
    out = sum(b.score >= floor for b in refused) / len(refused)
    return f"{right:.3f} / {wrong:.3f} / {out:.3f}"


async def main(sets: dict[str, tuple[Path, Callable[[], tuple[Asked, Asked]]]]) -> None:
    curves = {}
    default = 0.0
    for name, (folder, split) in sets.items():
        questions, refusals = split()
        async with serving(folder) as engine:
            curves[name] = (await best_facts(engine, questions), await best_facts(engine, refusals))
            default = engine.min_score
    print(f"| `min_score` | {' | '.join(sets)} |")
    print("| --- |" + " --- |" * len(sets))
    for floor in THRESHOLDS:
        label = f"**{floor:g} (default)**" if floor == default else f"{floor:g}"
        print(f"| {label} | " + " | ".join(point(*curves[n], floor) for n in sets) + " |")


def chosen(folders: Sequence[Path]) -> dict[str, tuple[Path, Callable[[], tuple[Asked, Asked]]]]:
    """The sets named on the command line, each whole and named by its folder; else SETS."""
    if not folders:
        return SETS
    return {f.name: (f.resolve(), lambda f=f: unsplit(f)) for f in folders}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="sets laid out as tests/data/*/")
    asyncio.run(main(chosen(parser.parse_args().folders)))
