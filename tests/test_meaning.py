"""Meaning: the sentence model, the facts' vectors, and matching with and without them."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable

import pytest
from conftest import CLINIC, DATA, ECLIPSE, Run, Site

from bot import meaning
from bot.engine import Engine
from bot.matching import EMBEDDED_CHARS, SURE, SURE_LEAD

# A reader's paraphrase, in dialect, that words alone do not answer.
PARAPHRASE = "وين فتحوا العيادة الجديدة؟"


def meaning_on(site: Site) -> Site:
    site.meaning_on().write("eclipse.yaml", ECLIPSE)
    site.write("clinic.yaml", CLINIC)
    return site


@pytest.fixture
async def engine(site: Site) -> AsyncIterator[Engine]:
    async with meaning_on(site).engine() as opened:
        await opened.reload()
        yield opened


def test_the_model_ships_in_its_package_and_says_how_close_texts_are() -> None:
    model = meaning.load()
    assert model is not None and model.name == meaning.E5_NAME
    question = model.queries(["متى يحدث كسوف الشمس؟"])[0]
    near, far = model.passages(
        ["يحدث كسوف الشمس عندما يمر القمر بين الأرض والشمس.", "ارتفعت أسعار القمح في الأسواق."]
    )
    assert question @ near > question @ far + 0.05


def test_a_model_file_that_is_not_the_pinned_one_means_words_only(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(meaning, "E5_SHA256", "0" * 64)
    meaning.load.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, "sanad.meaning"):
            assert meaning.load() is None
        assert "matching by words only" in caplog.text
        assert "is not the model" in caplog.text
    finally:
        meaning.load.cache_clear()


async def test_a_load_serves_at_once_and_vectors_fill_afterwards(engine: Engine) -> None:
    before = await engine.vector_progress()
    assert (before.done, before.total) == (0, 6)
    by_words = await engine.ask("متى أبرمت معاهدة الشراكة الإستراتيجية الشاملة؟", record=False)
    assert by_words.answered and by_words.answers[0].fact_id == "treaty-date"
    # Two statements, two editors' questions, the four sentences of the other articles.
    assert await engine.vectors_missing() == 8
    assert await engine.fill_vectors(workers=1) == 8
    after = await engine.vector_progress()
    assert (after.done, after.total) == (6, 6)
    assert await engine.vectors_missing() == 0
    assert await engine.fill_vectors(workers=1) == 0


async def test_a_reload_embeds_only_the_texts_it_has_not_seen(site: Site, engine: Engine) -> None:
    await engine.fill_vectors(workers=1)
    site.write(
        "eclipse.yaml",
        ECLIPSE + '  - id: s3\n    text: "يمكن رصد الكسوف بنظارات خاصة تحمي العين."\n',
    )
    report = await engine.reload()
    assert report.changed == ["eclipse"]
    assert await engine.fill_vectors(workers=1) == 1


async def test_meaning_answers_a_paraphrase_that_words_alone_miss(site: Site) -> None:
    async with meaning_on(site).engine() as engine:
        await engine.reload()
        engine.semantic = False
        assert not (await engine.ask(PARAPHRASE, record=False)).answered
        engine.semantic = True
        await engine.fill_vectors(workers=1)
        answer = await engine.ask(PARAPHRASE, record=False)
    assert answer.answered
    assert (answer.answers[0].article_id, answer.answers[0].fact_id) == ("clinic", "s1")


async def test_a_question_about_what_the_facts_do_not_say_is_refused(engine: Engine) -> None:
    await engine.fill_vectors(workers=1)
    answer = await engine.ask("كم عمر الرئيس الذي أثنى على الجنود؟", record=False)
    assert not answer.answered
    assert all(item.score < engine.min_score for item in answer.answers)


async def test_without_the_model_the_answers_are_those_of_words_alone(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    questions = [PARAPHRASE, "متى أبرمت المعاهدة؟", "على ماذا أثنى الرئيس؟", "كم يدوم الكسوف؟"]
    async with meaning_on(site).engine() as engine:
        await engine.reload()
        engine.semantic = False
        by_words = [(await engine.ask(q, 3, record=False)).to_json() for q in questions]
    monkeypatch.setattr(meaning, "E5_SHA256", "0" * 64)
    meaning.load.cache_clear()
    try:
        async with meaning_on(site).engine() as engine:
            await engine.reload()
            # Vectors may exist (another process made them); the model still cannot load.
            await engine.fill_vectors(workers=1)
            without = [(await engine.ask(q, 3, record=False)).to_json() for q in questions]
    finally:
        meaning.load.cache_clear()
    assert without == by_words


def ask_json(sanad: Callable[..., Run], question: str) -> dict[str, object]:
    done = sanad("ask", "--json", "--top", "2", question)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_ask_embeds_a_small_knowledge_base_before_answering(
    site: Site, sanad: Callable[..., Run]
) -> None:
    meaning_on(site)
    answer = ask_json(sanad, PARAPHRASE)
    assert answer["answered"] is True
    assert answer["answers"][0]["fact_id"] == "s1"  # type: ignore[index]


@pytest.mark.slow
def test_an_unsure_answer_offers_the_closest_facts_as_suggestions(
    site: Site, sanad: Callable[..., Run]
) -> None:
    meaning_on(site)
    answer = ask_json(sanad, "كم طبيبا يعمل في عيادة الأطفال الجديدة؟")
    assert answer["answered"] is False
    suggested = answer["answers"]
    assert suggested and suggested[0]["fact_id"] == "s1"  # type: ignore[index]
    assert all(0 < item["score"] < 25 for item in suggested)  # type: ignore[union-attr]


@pytest.mark.slow
def test_meaning_can_be_switched_off(site: Site, sanad: Callable[..., Run]) -> None:
    meaning_on(site)
    site.config_path.write_text(
        "knowledge_dir: knowledge\ndatabase: data/sanad.sqlite3\nmatching:\n  semantic: false\n",
        encoding="utf-8",
    )
    answer = ask_json(sanad, PARAPHRASE)
    assert answer["answered"] is False
    assert "vector" not in sanad("load").stderr


async def test_the_model_is_given_a_dialect_question_in_standard_words(engine: Engine) -> None:
    await engine.fill_vectors(workers=1)
    answer = await engine.ask(PARAPHRASE, record=False)
    assert (answer.answers[0].article_id, answer.answers[0].fact_id) == ("clinic", "s1")
    assert engine._questions is not None
    assert list(engine._questions._vectors) == ["أين فتحوا العيادة الجديدة؟"]


async def test_a_dialect_word_is_given_in_standard_words_though_its_stem_is_held(
    site: Site,
) -> None:
    # الأولاني's Snowball stem is اول, which «الهدف الأول» holds; its light stem اولان is
    # held nowhere, and the model is given the standard word.
    meaning_on(site).write(
        "final.yaml",
        'id: final\ntitle: "نهائي الكأس"\nsentences:\n'
        '  - {id: s1, text: "سجل كريم الهدف الأول في الدقيقة العاشرة."}\n',
    )
    async with site.engine() as engine:
        await engine.reload()
        await engine.fill_vectors(workers=1)
        await engine.ask("مين جاب الجون الأولاني؟", record=False)
        assert engine._questions is not None
        assert list(engine._questions._vectors) == ["من أحضر الهدف الأول؟"]


async def test_only_the_start_of_a_very_long_question_is_embedded(engine: Engine) -> None:
    await engine.fill_vectors(workers=1)
    question = PARAPHRASE + " " + "وماذا بعد؟ " * 5000
    await engine.ask(question, record=False)
    assert engine._questions is not None
    # The whole, cut short, and its first question, read apart (analysis.first_asked).
    embedded = list(engine._questions._vectors)
    assert embedded and len(embedded) <= 2
    assert all(e.startswith("أين فتحوا") and len(e) <= EMBEDDED_CHARS for e in embedded)


# Ten more sentences after CLINIC's two: a news article whose lead sums it up.
CLINIC_MORE = "".join(
    f'  - id: s{i}\n    text: "{text}"\n'
    for i, text in enumerate(
        [
            "وتضم العيادة أربع غرف للفحص وصيدلية صغيرة.",
            "ويعمل فيها ستة أطباء وعشر ممرضات.",
            "وبلغت كلفة بنائها مليوني دينار.",
            "وقال رئيس البلدية إن العيادة تخدم عشرين ألف طفل.",
            "وستفتح العيادة أبوابها يوم السبت أيضا.",
            "وتوفر العيادة اللقاحات مجانا.",
            "وتخطط البلدية لافتتاح عيادة ثانية العام المقبل.",
            "ورحب السكان بافتتاح العيادة في حيهم.",
            "وكان أقرب مستشفى للأطفال يبعد عشرين كيلومترا.",
            "وتقدم العيادة استشارات غذائية للأمهات.",
        ],
        start=3,
    )
)


@pytest.mark.parametrize(("article", "embedded"), [(CLINIC, False), (CLINIC + CLINIC_MORE, True)])
async def test_the_lead_of_a_long_article_is_not_sure_by_words_alone(
    site: Site, article: str, embedded: bool
) -> None:
    site.meaning_on()
    site.write("clinic.yaml", article)
    async with site.engine() as opened:
        await opened.reload()
        await opened.fill_vectors(workers=1)
        question = "ماذا افتتحت البلدية في حي السلام؟"
        opened.semantic = False
        by_words = await opened.ask(question, record=False)
        # Sure by words for any other fact, but under the bar of a long article's lead.
        assert by_words.answers[0].fact_id == "s1"
        assert SURE <= by_words.answers[0].score < SURE_LEAD
        opened.semantic = True
        answer = await opened.ask(question, record=False)
        assert answer.answered and answer.answers[0].fact_id == "s1"
        assert opened._questions is not None
        assert bool(opened._questions._vectors) is embedded


@pytest.mark.slow  # embeds six articles
async def test_two_facts_alike_by_words_are_told_apart_by_meaning(site: Site) -> None:
    site.meaning_on()
    # An article among others, as the words' weights depend on all that is loaded.
    for article in (DATA / "train_j" / "articles").glob("*.yaml"):
        site.write(article.name, article.read_text(encoding="utf-8"))
    async with site.engine() as opened:
        await opened.reload()
        await opened.fill_vectors(workers=1)
        question = "شحال من معلم يقرّي في المدرسة؟"
        opened.semantic = False
        by_words = await opened.ask(question, top=2, record=False)
        # Who teaches at the school, and what the school needs to pay its teachers: both hold
        # the teachers, the school and a number, and tie by words above the sure bar.
        first, second = by_words.answers[:2]
        assert first.score == second.score >= SURE
        opened.semantic = True
        answer = await opened.ask(question, record=False)
    assert answer.answered and answer.answers[0].fact_id == "s6"


@pytest.mark.slow  # embeds six articles
async def test_a_figure_asked_for_is_not_sure_by_a_few_of_the_questions_words(site: Site) -> None:
    site.meaning_on()
    for article in (DATA / "train_g" / "articles").glob("*.yaml"):
        site.write(article.name, article.read_text(encoding="utf-8"))
    pages, founded = "كم عدد صفحات الروايه الفائزة؟", "متى تأسست جامعة الدول العربية؟"
    async with site.engine() as opened:
        await opened.reload()
        await opened.fill_vectors(workers=1)
        opened.semantic = False
        # By words, the prize's value («قيمة الجائزة 100 ألف دولار … الرواية الفائزة») and
        # the prize's founding («وتأسست الجائزة عام 2019»): a figure or a date and the rarest
        # words, no more.
        by_words = [(await opened.ask(q, record=False)).answers[0] for q in (pages, founded)]
        assert [(a.fact_id, a.score >= SURE) for a in by_words] == [("s2", True), ("s15", True)]
        opened.semantic = True
        answers = [await opened.ask(q, record=False) for q in (pages, founded)]
    assert answers[0].answered and answers[0].answers[0].fact_id == "s12"
    assert not answers[1].answered


@pytest.mark.slow  # embeds six articles
async def test_why_and_whether_are_read_leniently_unless_a_word_is_unknown(site: Site) -> None:
    # Among other articles, as the words' weights and what the knowledge holds depend on all.
    for article in (DATA / "train_k" / "articles").glob("*.yaml"):
        site.write(article.name, article.read_text(encoding="utf-8"))
    bread, why, gold = await site.asked_by_meaning(
        "هل تعتزم الحكومة زيادة ثمن الخبز المدعوم قريبًا؟",
        "لماذا يفضّل بعض مزارعي الحسكة البيع للتجار بدل الدولة؟",
        # No article speaks of gold: the iron ore's price rising is no answer.
        "هل ارتفعت أسعار الذهب في الخليج هذا الأسبوع؟",
    )
    assert [(a.answered, a.answers[0].article_id, a.answers[0].fact_id) for a in (bread, why)] == [
        (True, "syria-wheat-2026", "s15"),
        (True, "syria-wheat-2026", "s7"),
    ]
    assert not gold.answered
