"""Quality on readers' questions with one typo, next to the same questions as written.

Every question of tests/data/shipped_questions.yaml and heldout_questions.yaml (and every
input of the two refusal sets) gets one typo in its longest word, chosen with a fixed seed so
the copies are the same on every run: a letter dropped, two neighbours swapped, a letter
doubled, a letter's dots lost (ش written س, ة written ه...) or a hamza lost (ؤ written و, ئ
written ي, ء left out). The engine answers the originals and the copies over the shipped
knowledge, and the script prints the share answered right (right fact first and above the
threshold), the share whose right fact ranks first (threshold aside) and the share of refusal
inputs refused.

    python -m bench.typo_quality             # by words, as the tests hold it
    python -m bench.typo_quality --meaning   # the default configuration: meaning on
    python -m bench.typo_quality --blind     # the blind sets (bench/blind.py), meaning on

With --blind, the blind sets' questions get their typos the same way: the first set's two
halves together, set C, and sets D and E, each with its two halves together. Each row gives
the share kept: of the questions answered right as written, how many are still answered
right with the typo.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.blind import BLIND, SET_C, SET_D, SET_E, first_set, serving, set_c, set_d, set_e
from bot import config as configuration
from bot.engine import Engine

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
SEED = 2024
QUESTIONS = {"shipped": "shipped_questions.yaml", "heldout": "heldout_questions.yaml"}
REFUSALS = {"shipped": "refusals.yaml", "heldout": "heldout_refusals.yaml"}

# A dotted letter and the letter of the same shape with fewer dots, as a hurried hand
# writes it.
LOST_DOT = {
    "ش": "س",
    "ض": "ص",
    "ظ": "ط",
    "غ": "ع",
    "ذ": "د",
    "ز": "ر",
    "خ": "ح",
    "ج": "ح",
    "ث": "ت",
    "ت": "ب",
    "ن": "ب",
    "ق": "ف",
    "ة": "ه",
}
# A hamza on a seat written as the bare seat, or on the line left out.
LOST_HAMZA = {"أ": "ا", "إ": "ا", "آ": "ا", "ؤ": "و", "ئ": "ي", "ء": ""}
_WORD = re.compile(r"[\u0621-\u064a]+")
KINDS = ("drop", "swap", "double", "dot", "hamza")


def typo(question: str, rng: random.Random) -> str:
    """The question with one typo in its longest Arabic word (the first, on a tie)."""
    words = list(_WORD.finditer(question))
    if not words:
        return question
    longest = max(words, key=lambda m: len(m.group()))
    word = longest.group()
    made = {kind: _typos(word, kind) for kind in KINDS}
    kinds = [kind for kind in KINDS if made[kind]]
    changed = rng.choice(made[rng.choice(kinds)])
    return question[: longest.start()] + changed + question[longest.end() :]


def _typos(word: str, kind: str) -> list[str]:
    """Every way to make this kind of typo in word (none that leaves it unchanged)."""
    n = len(word)
    if kind == "drop":
        found = [word[:i] + word[i + 1 :] for i in range(n)]
    elif kind == "swap":
        found = [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(n - 1)]
    elif kind == "double":
        found = [word[: i + 1] + word[i] + word[i + 1 :] for i in range(n)]
    else:
        table = LOST_DOT if kind == "dot" else LOST_HAMZA
        found = [word[:i] + table[c] + word[i + 1 :] for i, c in enumerate(word) if c in table]
    return [w for w in dict.fromkeys(found) if w != word]


def questions(name: str) -> list[tuple[str, str, str]]:
    """(question, article id, fact id) for every question in the set."""
    raw = yaml.safe_load((DATA / QUESTIONS[name]).read_text(encoding="utf-8"))
    return [(q, article, fact) for article, items in raw.items() for fact, q in items]


def refusals(name: str) -> list[str]:
    return yaml.safe_load((DATA / REFUSALS[name]).read_text(encoding="utf-8"))


def typo_copies(texts: list[str]) -> list[str]:
    """One typo'd copy of each text, the same on every run."""
    rng = random.Random(SEED)
    return [typo(text, rng) for text in texts]


async def answered_right(engine: Engine, cases: list[tuple[str, str, str]]) -> tuple[float, float]:
    """The share answered with the right fact, and the share whose right fact ranks first."""
    right = first = 0
    for question, article, fact in cases:
        right += await _right(engine, question, {(article, fact)})
        top = await engine.matcher.match(engine.retrieval, question, 1, await engine._meaning())
        first += bool(top) and (top[0].fact.article_id, top[0].fact.fact_id) == (article, fact)
    return right / len(cases), first / len(cases)


async def refused(engine: Engine, texts: list[str]) -> float:
    """The share of inputs the engine declines to answer."""
    declined = [not (await engine.ask(text, record=False)).answered for text in texts]
    return sum(declined) / len(texts)


def typo_cases(name: str) -> list[tuple[str, str, str]]:
    cases = questions(name)
    copies = typo_copies([q for q, _, _ in cases])
    return [(copy, article, fact) for copy, (_, article, fact) in zip(copies, cases, strict=True)]


async def measure(engine: Engine) -> list[str]:
    """One table row per set: originals and typo'd copies."""
    rows = []
    for name in QUESTIONS:
        right, first = await answered_right(engine, questions(name))
        typo_right, typo_first = await answered_right(engine, typo_cases(name))
        declined = await refused(engine, refusals(name))
        typo_declined = await refused(engine, typo_copies(refusals(name)))
        rows.append(
            f"| {name} | {right:.3f} / {first:.3f} | {typo_right:.3f} / {typo_first:.3f} "
            f"| {declined:.3f} | {typo_declined:.3f} |"
        )
    return rows


@dataclass(frozen=True)
class Kept:
    """A blind set's questions with a typo each, against the same questions as written."""

    right: int  # answered right as written
    typod: int  # answered right with the typo
    kept: int  # both
    asked: int
    refused: float  # share of the typo'd refusals refused

    def row(self, name: str) -> str:
        return (
            f"| {name} | {self.right / self.asked:.3f} | {self.typod / self.asked:.3f} "
            f"| {self.kept}/{self.right} = {self.kept / max(1, self.right):.3f} "
            f"| {self.refused:.3f} |"
        )


async def kept_right(
    engine: Engine, asked: list[dict[str, Any]], refusals_: list[dict[str, Any]]
) -> Kept:
    """A blind set's questions (bench/blind.py) as written and with a typo each, on `engine`."""
    copies, wanted, as_written = await _as_written(engine, asked)
    typod = [await _right(engine, t, w) for t, w in zip(copies, wanted, strict=True)]
    kept = sum(a and b for a, b in zip(as_written, typod, strict=True))
    declined = await refused(engine, typo_copies([str(q["q"]) for q in refusals_]))
    return Kept(sum(as_written), sum(typod), kept, len(asked), declined)


async def kept_of_right(engine: Engine, asked: list[dict[str, Any]]) -> tuple[int, int]:
    """Of a blind set's questions right as written, how many stay right with a typo each.

    (kept, right). The same copies as kept_right's, but only those of the questions right as
    written are asked: what the tests hold to a floor, at half the questions.
    """
    copies, wanted, as_written = await _as_written(engine, asked)
    both = zip(copies, wanted, as_written, strict=True)
    kept = [await _right(engine, t, w) for t, w, right in both if right]
    return sum(kept), sum(as_written)


async def _as_written(
    engine: Engine, asked: list[dict[str, Any]]
) -> tuple[list[str], list[set[tuple[str, str]]], list[bool]]:
    """Each question's typo'd copy and right facts, and whether it is answered right as written."""
    texts = [str(q["q"]) for q in asked]
    wanted = [{(q["article"], s) for s in q["sentences"]} for q in asked]
    as_written = [await _right(engine, t, w) for t, w in zip(texts, wanted, strict=True)]
    return typo_copies(texts), wanted, as_written


async def _right(engine: Engine, question: str, wanted: set[tuple[str, str]]) -> bool:
    answer = await engine.ask(question, record=False)
    return answer.answered and (answer.answers[0].article_id, answer.answers[0].fact_id) in wanted


async def blind() -> None:
    """The blind sets' rows (bench/blind.py): the first set, sets C, D and E."""
    print("| set | right, as written | right, one typo each | kept | typo'd refusals refused |")
    print("| --- | --- | --- | --- | --- |")
    sets = ((BLIND, first_set()), (SET_C, set_c()), (SET_D, set_d()), (SET_E, set_e()))
    for folder, (asked, refusals_) in sets:
        async with serving(folder) as engine:
            print((await kept_right(engine, asked, refusals_)).row(folder.name))


async def main(meaning: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.yaml"
        path.write_text(
            f"knowledge_dir: {REPO / 'knowledge'}\ndatabase: {folder}/sanad.sqlite3\n"
            f"matching:\n  semantic: {str(meaning).lower()}\n",
            encoding="utf-8",
        )
        async with Engine(configuration.load(path)) as engine:
            await engine.reload()
            if meaning:
                await engine.fill_vectors()
            rows = await measure(engine)
    print("| set | right / first | typo'd: right / first | refused | typo'd: refused |")
    print("| --- | --- | --- | --- | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meaning", action="store_true", help="compare meanings too (default)")
    parser.add_argument("--blind", action="store_true", help="the blind sets, meaning on")
    args = parser.parse_args()
    asyncio.run(blind() if args.blind else main(args.meaning))
