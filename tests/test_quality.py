"""Quality on the shipped knowledge: readers' questions answered right, the rest refused.

Two sets of each: `shipped_questions.yaml` / `refusals.yaml`, written along with the matcher
and looked at while it was tuned, and `heldout_questions.yaml` / `heldout_refusals.yaml`,
written blind from the knowledge as it stood before its editors' questions were enriched,
in readers' own words (dialect included). The figures are printed (`pytest -s`) and held
to floors: the 0.9 targets on the first set, and just under what the matcher measures now on
the held-out set (docs/matching.md, "Shipped sets"), so a change that makes either worse
fails here.
"""

from __future__ import annotations

import pytest
import yaml
from conftest import DATA, Site

from bot.engine import Engine

TARGET = 0.9
# (answered right, right fact ranked first, refused) floors for each set.
FLOORS = {
    "shipped": (TARGET, 0.93, TARGET),
    "heldout": (0.7, 0.87, 0.75),
}
QUESTIONS = {"shipped": "shipped_questions.yaml", "heldout": "heldout_questions.yaml"}
REFUSALS = {"shipped": "refusals.yaml", "heldout": "heldout_refusals.yaml"}


def questions(name: str) -> list[tuple[str, str, str]]:
    """(question, article id, fact id) for every question in the set."""
    raw = yaml.safe_load((DATA / QUESTIONS[name]).read_text(encoding="utf-8"))
    return [(q, article, fact) for article, items in raw.items() for fact, q in items]


def refusals(name: str) -> list[str]:
    return yaml.safe_load((DATA / REFUSALS[name]).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", QUESTIONS)
def test_the_sets_are_big_enough_and_do_not_overlap(name: str) -> None:
    asked = [q for q, _, _ in questions(name)]
    assert len(asked) >= 30
    assert len(refusals(name)) >= 30
    assert len(set(asked)) == len(asked)
    assert not set(asked) & set(refusals(name))


@pytest.mark.parametrize("name", QUESTIONS)
async def test_the_expected_facts_exist(shipped: Engine, name: str) -> None:
    for question, article, fact in questions(name):
        assert await shipped.item(article, fact) is not None, (question, article, fact)


@pytest.mark.parametrize("name", QUESTIONS)
async def test_readers_questions_about_the_shipped_knowledge_are_answered_right(
    shipped: Engine, name: str
) -> None:
    misses, first = [], 0
    cases = questions(name)
    for question, article, fact in cases:
        answer = await shipped.ask(question, record=False)
        got = (answer.answers[0].article_id, answer.answers[0].fact_id) if answer.answered else None
        if got != (article, fact):
            misses.append(f"{question} -> {got}, wanted {fact}")
        best = await shipped.matcher.match(shipped.retrieval, question, 1)
        first += bool(best) and (best[0].fact.article_id, best[0].fact.fact_id) == (article, fact)
    right, ranked_first = 1 - len(misses) / len(cases), first / len(cases)
    print(
        f"\n{name} questions answered right: {right:.3f} ({len(cases) - len(misses)}/"
        f"{len(cases)}); right fact ranked first, threshold aside: {ranked_first:.3f}"
    )
    right_floor, first_floor, _ = FLOORS[name]
    assert right >= right_floor, "\n".join(misses)
    assert ranked_first >= first_floor


@pytest.mark.parametrize("name", QUESTIONS)
async def test_what_the_knowledge_does_not_hold_is_refused(shipped: Engine, name: str) -> None:
    answered = []
    cases = refusals(name)
    for question in cases:
        answer = await shipped.ask(question, record=False)
        if answer.answered:
            best = answer.answers[0]
            answered.append(f"{question} -> {best.article_id}/{best.fact_id} {best.score}")
    refused = 1 - len(answered) / len(cases)
    print(f"\n{name} refused: {refused:.3f} ({len(cases) - len(answered)}/{len(cases)})")
    assert refused >= FLOORS[name][2], "\n".join(answered)


# Floors with meaning on, the default (docs/matching.md, "Shipped sets"): (right, refused).
MEANING_FLOORS = {"shipped": (TARGET, TARGET), "heldout": (0.86, 0.8)}


@pytest.mark.slow
async def test_with_meaning_the_sets_hold_their_floors(shipped_site: Site) -> None:
    """Both sets again with vectors filled, as `sanad ask` and the bot answer by default."""
    shipped_site.config_path.write_text(
        shipped_site.config_path.read_text(encoding="utf-8").replace(
            "semantic: false", "semantic: true"
        ),
        encoding="utf-8",
    )
    async with shipped_site.engine() as engine:
        await engine.reload()
        await engine.fill_vectors()
        assert engine.semantic
        for name in QUESTIONS:
            cases = questions(name)
            right = 0
            for question, article, fact in cases:
                answer = await engine.ask(question, record=False)
                best = answer.answers[0] if answer.answered else None
                right += best is not None and (best.article_id, best.fact_id) == (article, fact)
            asked = refusals(name)
            refused = sum([not (await engine.ask(q, record=False)).answered for q in asked])
            figures = (right / len(cases), refused / len(asked))
            print(f"\n{name} with meaning: right {figures[0]:.3f}, refused {figures[1]:.3f}")
            assert figures[0] >= MEANING_FLOORS[name][0]
            assert figures[1] >= MEANING_FLOORS[name][1]
