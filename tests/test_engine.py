"""The engine: answers with quotes, abstains rather than guesses, loads itself when stale."""

from __future__ import annotations

import os

import pytest
from conftest import ECLIPSE, TREATY, Site

from bot.engine import Engine, KnowledgeInvalid

DATE_QUESTION = "متى أبرمت معاهدة الشراكة الإستراتيجية الشاملة؟"
DATE_SENTENCE = "أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في 19 حزيران/ يونيو 2024 في بيونغ يانغ."


async def test_an_answer_states_the_fact_quotes_its_source_and_names_the_article(
    engine: Engine,
) -> None:
    answer = await engine.ask(DATE_QUESTION)
    assert answer.answered
    (best,) = answer.answers
    assert (best.article_id, best.fact_id) == ("treaty", "treaty-date")
    assert best.quotes == (DATE_SENTENCE,)
    assert best.title == "معاهدة بين بلدين"
    assert best.url == "https://example.org/news/treaty"
    assert best.published == "2024-06-19"
    assert 0 <= best.score <= 100


async def test_the_reader_may_write_without_hamza_diacritics_or_with_indic_digits(
    engine: Engine,
) -> None:
    for question in (
        "متي ابرمت معاهده الشراكه الاستراتيجيه الشامله",
        "مَتَى أُبْرِمَتْ مُعَاهَدَةُ الشَّرَاكَةِ الإِسْتِرَاتِيجِيَّةِ الشَّامِلَةِ؟",
        "متـــى أبرمت معاهدة الشراكـــة الإستراتيجيـــة الشاملة؟",
    ):
        answer = await engine.ask(question, record=False)
        assert answer.answered, question
        assert answer.answers[0].fact_id == "treaty-date"


async def test_top_returns_up_to_k_answers_best_first(engine: Engine, site: Site) -> None:
    site.write("eclipse.yaml", ECLIPSE)
    await engine.reload()
    answer = await engine.ask("على ماذا أثنى الرئيس في معارك كورسك؟", top=3, record=False)
    assert answer.answered
    assert 1 <= len(answer.answers) <= 3
    assert answer.answers[0].fact_id == "kursk"
    scores = [a.score for a in answer.answers]
    assert scores == sorted(scores, reverse=True)
    assert len((await engine.ask(DATE_QUESTION, top=1, record=False)).answers) == 1


@pytest.mark.parametrize(
    ("question", "outcome"),
    [
        ("مرحبا", "small_talk"),
        ("شكرا جزيلا", "small_talk"),
        ("السلام عليكم ورحمة الله", "small_talk"),
        ("ما عاصمة اليابان؟", "not_found"),
        ("كيف أصنع كعكة الشوكولاتة؟", "not_found"),
        ("", "empty"),
        ("   ", "empty"),
        ("؟؟؟", "empty"),
        ("ماذا؟", "empty"),
    ],
)
async def test_it_abstains_rather_than_guess(engine: Engine, question: str, outcome: str) -> None:
    answer = await engine.ask(question, top=3)
    assert not answer.answered
    assert answer.answers == ()
    assert answer.to_json() == {
        "question": question.strip(),
        "answered": False,
        "answers": [],
        "outcome": outcome,
    }


async def test_an_answer_says_it_answered(engine: Engine) -> None:
    answer = await engine.ask(DATE_QUESTION)
    assert answer.answered and answer.to_json()["outcome"] == "answered"
    assert (await engine.ask("مرحبا، " + DATE_QUESTION)).answered  # a greeting, then a question


async def test_small_talk_and_empty_questions_never_reach_the_editors(site: Site) -> None:
    async with site.engine() as engine:
        await engine.reload()
        for said in ("مرحبا", "شكرا جزيلا", "؟؟؟", "ماذا؟", "", "ما عاصمة اليابان؟"):
            await engine.ask(said)
    async with site.engine() as engine:
        assert [item.question for item in await engine.review.items()] == ["ما عاصمة اليابان؟"]
        assert (await engine.stats())["asked_total"] == 1


async def test_an_abstention_offers_what_the_knowledge_does_hold(engine: Engine) -> None:
    answer = await engine.ask("ما عاصمة اليابان؟")
    assert answer.suggestions
    nothing = await engine.ask("")
    assert "معاهدات" in nothing.suggestions


async def test_the_threshold_decides_between_answering_and_abstaining(site: Site) -> None:
    question = "أثنى الرئيس على الجنود"
    async with site.engine() as engine:
        await engine.reload()
        score = (await engine.ask(question, record=False)).answers[0].score
    assert score < 100
    for threshold, answered in ((score, True), (min(score + 0.01, 100), False)):
        site.config_path.write_text(f"matching:\n  min_score: {threshold}\n", encoding="utf-8")
        async with site.engine() as engine:
            assert (await engine.ask(question, record=False)).answered is answered


async def test_two_close_facts_of_different_articles_are_too_close_to_call(site: Site) -> None:
    site.write("twin.yaml", TREATY.replace("id: treaty\n", "id: treaty-copy\n"))
    site.config_path.write_text(
        site.config_path.read_text() + "matching:\n  min_margin: 5\n", encoding="utf-8"
    )
    async with site.engine() as engine:
        await engine.reload()
        assert not (await engine.ask(DATE_QUESTION)).answered


async def test_questions_are_logged_and_unanswered_ones_kept_for_editors(site: Site) -> None:
    async with site.engine() as engine:
        await engine.reload()
        await engine.ask(DATE_QUESTION, chat_id=5, user_id=7)
        await engine.ask("ما عاصمة اليابان؟")
        await engine.ask("ما عاصمه اليابان")
        await engine.ask("")  # nothing to keep
        await engine.ask("مرحبا", record=False)
    async with site.engine() as engine:
        stats = await engine.stats()
        assert (stats["asked_total"], stats["answered_total"]) == (3, 1)
        assert (stats["asked_today"], stats["answered_today"]) == (3, 1)
        (kept,) = await engine.review.items()
        assert kept.question in {"ما عاصمة اليابان؟", "ما عاصمه اليابان"} and kept.count == 2


async def test_items_of_an_article_and_one_item(engine: Engine) -> None:
    items = await engine.items_for("treaty")
    assert [i.fact_id for i in items] == ["treaty-date", "kursk"]
    item = await engine.item("treaty", "kursk")
    assert item is not None and item.quotes == (
        "أثنى الرئيس على شجاعة الجنود في معارك مقاطعة كورسك.",
    )
    assert await engine.items_for("nope") == []
    assert await engine.item("treaty", "nope") is None


# -- loading on demand ------------------------------------------------------------------------


async def test_ensure_loaded_loads_a_missing_database_then_only_when_files_are_newer(
    site: Site,
) -> None:
    assert not site.database.exists()
    async with site.engine() as engine:
        report = await engine.ensure_loaded()
        assert report is not None and report.added == ["treaty"]
        assert await engine.ensure_loaded() is None
        # An editor saves a new file: it is newer than the last load.
        loaded = await engine.store.loaded_at()
        assert loaded is not None
        site.write("eclipse.yaml", ECLIPSE)
        os.utime(site.knowledge / "eclipse.yaml", (loaded + 0.001, loaded + 0.001))
        report = await engine.ensure_loaded()
        assert report is not None and report.added == ["eclipse"]
        assert await engine.ensure_loaded() is None


async def test_ensure_loaded_notices_a_deleted_file(site: Site) -> None:
    site.write("eclipse.yaml", ECLIPSE)
    async with site.engine() as engine:
        await engine.ensure_loaded()
        loaded = await engine.store.loaded_at()
        assert loaded is not None
        (site.knowledge / "eclipse.yaml").unlink()
        os.utime(site.knowledge, (loaded + 0.001, loaded + 0.001))
        report = await engine.ensure_loaded()
        assert report is not None and report.removed == ["eclipse"]


async def test_a_missing_knowledge_folder_is_one_error(site: Site) -> None:
    site.config_path.write_text(
        "knowledge_dir: nowhere\ndatabase: data/sanad.sqlite3\n", encoding="utf-8"
    )
    async with site.engine() as engine:
        with pytest.raises(KnowledgeInvalid) as refused:
            await engine.reload()
    (error,) = refused.value.errors
    assert error.message == "the knowledge folder does not exist"
    assert error.path.endswith("nowhere")


async def test_ensure_loaded_notices_a_file_deleted_from_a_subfolder(site: Site) -> None:
    site.write("science/eclipse.yaml", ECLIPSE)
    async with site.engine() as engine:
        await engine.ensure_loaded()
        (site.knowledge / "science" / "eclipse.yaml").unlink()
        report = await engine.ensure_loaded()
        assert report is not None and report.removed == ["eclipse"]


async def test_a_file_that_cannot_be_read_is_a_knowledge_error(
    engine: Engine, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(path: object) -> str:
        raise PermissionError(13, "Permission denied")

    site.write("eclipse.yaml", ECLIPSE)
    monkeypatch.setattr("bot.engine.file_digest", unreadable)
    with pytest.raises(KnowledgeInvalid) as refused:
        await engine.reload()
    assert [str(e) for e in refused.value.errors] == [
        "knowledge/eclipse.yaml:1: cannot read the file: Permission denied",
        "knowledge/treaty.yaml:1: cannot read the file: Permission denied",
    ]
    assert (await engine.ask(DATE_QUESTION, record=False)).answered


async def test_load_or_keep_keeps_what_was_loaded_and_raises_with_nothing_to_keep(
    site: Site,
) -> None:
    """The one rule of every start: a failed load never takes away the loaded knowledge."""
    site.write("broken.yaml", "id: broken\ntitle: x\n")
    async with site.engine() as engine:
        with pytest.raises(KnowledgeInvalid):
            await engine.load_or_keep()  # nothing loaded: nothing to keep
    (site.knowledge / "broken.yaml").unlink()
    async with site.engine() as engine:
        freshness = await engine.load_or_keep()
        assert freshness.report is not None and freshness.report.added == ["treaty"]
        assert freshness.kept is None
        site.write("broken.yaml", "id: broken\ntitle: x\n")
        kept = await engine.load_or_keep()
        assert kept.report is None and isinstance(kept.kept, KnowledgeInvalid)
        assert kept.kept.errors[0].path == "knowledge/broken.yaml"
        assert (await engine.ask(DATE_QUESTION, record=False)).answered
