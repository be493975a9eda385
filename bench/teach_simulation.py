"""Editors teaching Sanad, simulated on the blind set (tests/data/blind/).

What the editors' loop buys: a copy of the blind articles (sentences only) is loaded with the
real engine, meaning on; every in-scope question and every refusal is asked. The in-scope
questions are split in two halves. Each question of the taught half that was refused or
answered wrong is taught to its right fact with `teaching.teach` (the code behind `sanad
teach` and the Telegram button: the first teach in a sentence-only article gives it explicit
facts), once per distinct question, in the set's order. Then everything is asked again:

- the taught half says whether teaching took (it should be nearly all right);
- the other half, never taught, says how far teaching reaches other wordings of the same
  facts (its questions whose fact was taught are also counted on their own);
- the refusals say whether the taught questions drew out-of-scope questions into answers.

Two splits by default: a random half (seeded), and the halves the set defines (half A, the
even positions, taught; half B, the odd positions and never tuned on, measured).

    python -m bench.teach_simulation                       # both splits, every article
    python -m bench.teach_simulation --splits random --seed 3
    python -m bench.teach_simulation --articles 2          # the first two articles only

About a minute on 2 shared cores. Measured (docs/editors.md, "What teaching buys"): the taught
half goes from 0.50 right to 0.97-0.98, every question taught answered right; the other
half's share right gains 0.00-0.03; out of scope answered goes from 0.18 to 0.23.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.blind import BLIND
from bot import config as configuration
from bot.engine import Engine
from bot.teaching import TeachError, teach
from bot.text import normalize

SPLITS = ("random", "A", "B")
RIGHT, WRONG, REFUSED = "right", "wrong", "refused"


@dataclass(frozen=True)
class Question:
    """An in-scope question of the set, where it stands in the set and what answers it."""

    position: int
    text: str
    article: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class BlindSet:
    questions: tuple[Question, ...]
    refusals: tuple[str, ...]
    articles: tuple[Path, ...]


def read_set(articles: int | None = None, folder: Path = BLIND) -> BlindSet:
    """The blind set, or its first `articles` articles (by file name) with their questions.

    The refusals kept are those about the articles kept and every unrelated one.
    """
    paths = sorted((folder / "articles").glob("*.yaml"))[:articles]
    ids = {yaml.safe_load(p.read_text(encoding="utf-8"))["id"] for p in paths}
    raw = yaml.safe_load((folder / "questions.yaml").read_text(encoding="utf-8"))
    questions = tuple(
        Question(i, q["q"], q["article"], tuple(q["sentences"]))
        for i, q in enumerate(raw["questions"])
        if q["article"] in ids
    )
    refusals = tuple(
        r["q"] for r in raw["refusals"] if r.get("article") is None or r["article"] in ids
    )
    return BlindSet(questions, refusals, tuple(paths))


def split(questions: Sequence[Question], how: str, seed: int) -> tuple[set[int], str]:
    """The positions of the taught half, and how to name it.

    `random`: half of the questions drawn with `seed`; `A`: the even positions of the set
    (what matching was tuned on); `B`: the odd ones.
    """
    if how == "random":
        drawn = random.Random(seed).sample(list(questions), len(questions) // 2)
        return {q.position for q in drawn}, f"random half (seed {seed}) taught"
    parity = 0 if how == "A" else 1
    taught = {q.position for q in questions if q.position % 2 == parity}
    other = "B" if how == "A" else "A"
    return taught, f"half {how} (positions {'even' if parity == 0 else 'odd'}) taught, {other} not"


# -- asking ----------------------------------------------------------------------------------


async def outcomes(engine: Engine, questions: Iterable[Question]) -> dict[int, str]:
    """Each question's outcome by position: right, wrong or refused.

    Right: the top answer is a sentence the set lists for the question.
    """
    found: dict[int, str] = {}
    for q in questions:
        answer = await engine.ask(q.text, record=False)
        if not answer.answered:
            found[q.position] = REFUSED
        else:
            best = answer.answers[0]
            right = best.article_id == q.article and best.fact_id in q.sentences
            found[q.position] = RIGHT if right else WRONG
    return found


async def answered_out(engine: Engine, refusals: Iterable[str]) -> list[bool]:
    """For each out-of-scope question, whether the bot answered it (it should not)."""
    return [(await engine.ask(text, record=False)).answered for text in refusals]


# -- one run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """Before and after teaching one half, question by question."""

    name: str
    questions: tuple[Question, ...]
    refusals: tuple[str, ...]
    taught_half: frozenset[int]
    taught: tuple[int, ...]  # positions of the questions taught, in order
    failed: tuple[str, ...]  # teaching refused: question and why
    before: dict[int, str]
    after: dict[int, str]
    out_before: list[bool]
    out_after: list[bool]
    semantic: bool
    seconds: float


async def simulate(blind: BlindSet, taught_half: set[int], name: str, work: Path) -> Run:
    """Load a fresh copy of the articles in `work`, ask, teach the half's misses, ask again."""
    started = time.monotonic()
    knowledge = work / "knowledge"
    knowledge.mkdir(parents=True)
    for path in blind.articles:
        shutil.copy(path, knowledge / path.name)
    (work / "config.yaml").write_text(
        "knowledge_dir: knowledge\ndatabase: sanad.sqlite3\n", encoding="utf-8"
    )
    async with Engine(configuration.load(work / "config.yaml")) as engine:
        await engine.reload()
        await engine.fill_vectors()
        before = await outcomes(engine, blind.questions)
        out_before = await answered_out(engine, blind.refusals)
        taught, failed = await teach_misses(engine, blind.questions, taught_half, before)
        await engine.fill_vectors()  # the editors' new questions get their vectors
        after = await outcomes(engine, blind.questions)
        out_after = await answered_out(engine, blind.refusals)
        semantic = engine.semantic
    return Run(
        name,
        blind.questions,
        blind.refusals,
        frozenset(taught_half),
        taught,
        failed,
        before,
        after,
        out_before,
        out_after,
        semantic,
        time.monotonic() - started,
    )


async def teach_misses(
    engine: Engine, questions: Sequence[Question], half: set[int], before: dict[int, str]
) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Teach each refused or wrongly answered question of `half` to its (first) sentence.

    Each distinct question (by normalised text) once, in the set's order, one reload each,
    as an editor working through the review queue would.
    """
    taught: list[int] = []
    failed: list[str] = []
    seen: set[str] = set()
    for q in questions:
        key = normalize(q.text)
        if q.position not in half or before[q.position] == RIGHT or key in seen:
            continue
        seen.add(key)
        try:
            await teach(engine, q.text, q.article, q.sentences[0])
        except TeachError as exc:
            failed.append(f"{q.text}: {exc}")
        else:
            taught.append(q.position)
    return tuple(taught), tuple(failed)


# -- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One group's shares of right, wrong and refused (or out of scope answered)."""

    group: str
    n: int
    before: dict[str, float]
    after: dict[str, float]


def _shares(found: Iterable[str], n: int) -> dict[str, float]:
    counts = Counter(found)
    return {k: counts[k] / n if n else 0.0 for k in (RIGHT, WRONG, REFUSED)}


def rows(run: Run) -> list[Row]:
    """The groups the figures are read by."""
    taught_facts = {
        (q.article, q.sentences[0]) for q in run.questions if q.position in set(run.taught)
    }
    groups = {
        "taught half": [q for q in run.questions if q.position in run.taught_half],
        "other half (never taught)": [
            q for q in run.questions if q.position not in run.taught_half
        ],
        "  of which its fact was taught": [
            q
            for q in run.questions
            if q.position not in run.taught_half
            and any((q.article, s) in taught_facts for s in q.sentences)
        ],
        "all in-scope": list(run.questions),
    }
    found = []
    for group, members in groups.items():
        n = len(members)
        found.append(
            Row(
                group,
                n,
                _shares((run.before[q.position] for q in members), n),
                _shares((run.after[q.position] for q in members), n),
            )
        )
    n = len(run.out_before)
    found.append(
        Row(
            "out of scope (refusals)",
            n,
            {"answered": sum(run.out_before) / n if n else 0.0},
            {"answered": sum(run.out_after) / n if n else 0.0},
        )
    )
    return found


def table(run: Run) -> str:
    """The run's figures as a Markdown table, before → after."""
    kept = sum(run.after[p] == RIGHT for p in run.taught)
    lines = [
        f"{run.name}: {len(run.taught)} questions taught, {kept} of them right after"
        f" ({len(run.failed)} refused by teaching); meaning {'on' if run.semantic else 'OFF'};"
        f" {run.seconds:.0f} s",
        "",
        "| group | questions | right | wrong | refused | out of scope answered |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows(run):
        cells = [
            f"{row.before[k]:.2f} → {row.after[k]:.2f}" if k in row.before else ""
            for k in (RIGHT, WRONG, REFUSED, "answered")
        ]
        lines.append(f"| {row.group} | {row.n} | " + " | ".join(cells) + " |")
    lines += [f"teaching refused: {failure}" for failure in run.failed]
    return "\n".join(lines)


def changes(run: Run) -> list[str]:
    """Taught questions not right after, questions not taught that moved, refusals that moved."""
    taught = set(run.taught)
    lines = [
        f"taught, not right after: {run.after[q.position]}: {q.text}"
        for q in run.questions
        if q.position in taught and run.after[q.position] != RIGHT
    ]
    lines += [
        f"{'taught half' if q.position in run.taught_half else 'other half'}:"
        f" {run.before[q.position]} → {run.after[q.position]}: {q.text}"
        for q in run.questions
        if q.position not in taught and run.before[q.position] != run.after[q.position]
    ]
    word = {True: "answered", False: "refused"}
    lines += [
        f"out of scope: {word[before]} → {word[after]}: {text}"
        for text, before, after in zip(run.refusals, run.out_before, run.out_after, strict=True)
        if before != after
    ]
    return lines


async def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--splits", nargs="+", choices=SPLITS, default=["random", "A"])
    parser.add_argument("--seed", type=int, default=7, help="of the random split")
    parser.add_argument("--articles", type=int, help="only the first N articles")
    parser.add_argument(
        "--changes", action="store_true", help="list the questions not taught whose outcome moved"
    )
    args = parser.parse_args(argv)
    blind = read_set(args.articles)
    print(
        f"blind set: {len(blind.articles)} articles, {len(blind.questions)} in-scope questions,"
        f" {len(blind.refusals)} out of scope",
        flush=True,
    )
    for how in args.splits:
        half, name = split(blind.questions, how, args.seed)
        with tempfile.TemporaryDirectory(prefix="sanad-teach-") as work:
            run = await simulate(blind, half, name, Path(work))
        print("\n" + table(run), flush=True)
        if args.changes:
            print("\n".join(["", *changes(run)]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
