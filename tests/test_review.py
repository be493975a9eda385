"""The review queue in the core: what goes in, grouping, closing, votes, tickets."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

from conftest import ECLIPSE, Site

from bot.engine import Engine
from bot.matching import ScoredFact
from bot.review import Vote

UNKNOWN = "ما عاصمة اليابان؟"
DATE_QUESTION = "متى أبرمت معاهدة الشراكة الإستراتيجية الشاملة؟"


async def settle(engine: Engine) -> None:
    """Wait for the question log written in the background."""
    import asyncio

    await asyncio.gather(*engine._logging)


async def test_a_tapped_suggestion_is_recorded_and_offered_first(engine: Engine) -> None:
    await engine.review.record_suggestion("ماذا عن كورسك؟", "treaty", "kursk", 1, 2)
    (item,) = await engine.review.items()
    assert (item.question, item.count, item.reasons) == ("ماذا عن كورسك؟", 1, ("suggestion",))
    candidates = await engine.review.candidates(item)
    assert (candidates[0].fact_id, candidates[0].score) == ("kursk", None)


async def test_grouped_by_normalised_text_most_asked_first(engine: Engine) -> None:
    for question in (UNKNOWN, "ما عاصمه اليابان", "كم عدد سكان القمر؟"):
        await engine.ask(question)
    await settle(engine)
    items = await engine.review.items()
    assert [i.count for i in items] == [2, 1]
    assert items[0].question == "ما عاصمه اليابان"  # the latest wording


async def test_low_margin_answers_go_into_the_queue(site: Site) -> None:
    site.write("eclipse.yaml", ECLIPSE)
    async with site.engine() as engine:
        await engine.reload()
        treaty = await engine.store.fact_by_id("treaty", "treaty-date")
        kursk = await engine.store.fact_by_id("treaty", "kursk")
        eclipse = await engine.store.fact_by_id("eclipse", "s1")
        assert treaty and kursk and eclipse
        assert engine.review.margin == 5.0
        assert engine.review.low_margin([ScoredFact(treaty, 50), ScoredFact(eclipse, 46)])
        assert not engine.review.low_margin([ScoredFact(treaty, 50), ScoredFact(eclipse, 44)])
        assert not engine.review.low_margin([ScoredFact(treaty, 50), ScoredFact(kursk, 50)])
        await engine.review.note_low_margin(DATE_QUESTION, ScoredFact(treaty, 50))
        (item,) = await engine.review.items()
        assert item.reasons == ("low_margin",) and item.hinted == (("treaty", "treaty-date"),)


async def test_a_thumbs_down_queues_the_question_until_changed(engine: Engine) -> None:
    shown = await engine.review.shown(DATE_QUESTION, "treaty", "treaty-date", 5)
    assert await engine.review.vote(shown, 7, helpful=False) is Vote.RECORDED
    (item,) = await engine.review.items()
    assert item.reasons == ("unhelpful",) and item.unhelpful == (("treaty", "treaty-date"),)
    assert all(c.fact_id != "treaty-date" for c in await engine.review.candidates(item))
    assert await engine.review.vote(shown, 7, helpful=False) is Vote.SAME
    assert await engine.review.vote(shown, 7, helpful=True) is Vote.CHANGED
    assert await engine.review.items() == []
    assert await engine.review.vote(shown + 100, 7, helpful=True) is Vote.UNKNOWN
    (today,) = await engine.review.daily()
    assert (today.votes, today.helpful, today.helpful_share) == (1, 1, 1.0)


async def test_dismissed_until_asked_again(engine: Engine) -> None:
    await engine.ask(UNKNOWN)
    await settle(engine)
    assert await engine.review.dismiss(UNKNOWN)
    assert await engine.review.items() == []
    assert not await engine.review.dismiss(UNKNOWN)
    await engine.ask(UNKNOWN)
    await settle(engine)
    (item,) = await engine.review.items()
    assert item.count == 1


async def test_tickets_work_once_per_card_and_cannot_be_made_up(engine: Engine) -> None:
    first, second = await engine.review.issue([{"do": "skip"}, {"do": "dismiss"}])
    assert await engine.review.redeem("0" * 10) is None
    assert await engine.review.redeem(second) == {"do": "dismiss"}
    assert await engine.review.redeem(second) is None
    assert await engine.review.redeem(first) is None  # the card is spent


async def test_votes_and_tickets_hold_no_read_open_while_others_write(
    engine: Engine, site: Site
) -> None:
    """Votes and tickets read on the shared write connection.

    A read left open there made a concurrent write fail at once ("database is locked") when
    another process (a load) had committed meanwhile.
    """
    shown = await engine.review.shown(DATE_QUESTION, "treaty", "treaty-date", 5)
    tokens = await engine.review.issue([{"do": "skip", "position": i} for i in range(50)])
    stop = threading.Event()

    def other_process() -> None:  # commits as fast as it can, like a load beside the bot
        db = sqlite3.connect(site.database, timeout=30, isolation_level=None)
        while not stop.wait(0.001):
            db.execute("INSERT OR REPLACE INTO meta VALUES ('elsewhere', ?)", (time.time(),))
        db.close()

    writer = threading.Thread(target=other_process)
    writer.start()
    try:
        await asyncio.gather(
            *(engine.review.vote(shown, user, helpful=True) for user in range(200)),
            *(engine.review.redeem(token) for token in tokens),
            *(engine.review.shown(DATE_QUESTION, "treaty", "kursk", c) for c in range(200)),
        )
    finally:
        stop.set()
        writer.join()
    assert await engine.review.vote(shown, 0, helpful=True) is Vote.SAME
