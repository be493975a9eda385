"""Distilling: a raw Arabic article becomes a draft knowledge file that validates and answers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import DATA, REPO, Site, run_sanad
from hypothesis import given
from hypothesis import strategies as st

from bot.distill import DistillError, distill, slug
from bot.distill.entities import (
    DATE,
    NUMBER,
    ORG,
    PERSON,
    PLACE,
    YEAR,
    base_lexicon,
    discover_names,
    find_mentions,
)
from bot.distill.reading import Kind, read_article
from bot.distill.sentences import split_sentences
from bot.knowledge import ID_PATTERN, read_text

TRICKY = DATA / "distill" / "tricky.txt"
ARTICLES = REPO.parent / "shared" / "articles"
SAMPLE = next(iter(sorted(ARTICLES.glob("000_*.txt"))), None) if ARTICLES.is_dir() else None
needs_sample = pytest.mark.skipif(SAMPLE is None, reason="../shared/articles is not here")


def draft(text: str, **options: object) -> dict:
    """Distill text and check the draft is valid knowledge before looking inside it."""
    produced = distill(text, **options)  # type: ignore[arg-type]
    articles, errors = read_text(produced, "draft.yaml")
    assert errors == []
    assert len(articles) == 1
    return yaml.safe_load(produced)


def article(*body: str, title: str = "عنوان الخبر التجريبي") -> str:
    return "\n".join((title, *body)) + "\n"


# -- sentences -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(
            "ارتفع التضخم إلى 5.25 في المئة. وبلغ النمو 3.1 بالمئة.",
            ["ارتفع التضخم إلى 5.25 في المئة.", "وبلغ النمو 3.1 بالمئة."],
            id="decimals",
        ),
        pytest.param(
            "قال د. أحمد زكي إن المشروع ناجح. وأضاف م. خالد أنه سيكتمل.",
            ["قال د. أحمد زكي إن المشروع ناجح.", "وأضاف م. خالد أنه سيكتمل."],
            id="initials",
        ),
        pytest.param(
            "يرى أ.د. سامي العلي أن الجواب رهن بالتنفيذ. وراسلوه على ص.ب 1234 في عمّان.",
            ["يرى أ.د. سامي العلي أن الجواب رهن بالتنفيذ.", "وراسلوه على ص.ب 1234 في عمّان."],
            id="joined-initials",
        ),
        pytest.param(
            "وصل وفد من U.S. Department of State إلى بغداد. ثم غادر.",
            ["وصل وفد من U.S. Department of State إلى بغداد.", "ثم غادر."],
            id="latin-initials",
        ),
        pytest.param(
            "قال الوزير: «لن نتراجع. سنمضي قدمًا!» ثم غادر القاعة. وصفق الحضور.",
            ["قال الوزير: «لن نتراجع. سنمضي قدمًا!» ثم غادر القاعة.", "وصفق الحضور."],
            id="guillemets",
        ),
        pytest.param(
            'وكتب "انتهى الأمر. لا عودة" على حسابه. ثم حذفه.',
            ['وكتب "انتهى الأمر. لا عودة" على حسابه.', "ثم حذفه."],
            id="straight-quotes",
        ),
        pytest.param(
            "وقعت المعاهدة في 19 حزيران/ يونيو 2024 في بيونغ يانغ. ويصادف العيد 15 آب/ أغسطس.",
            ["وقعت المعاهدة في 19 حزيران/ يونيو 2024 في بيونغ يانغ.", "ويصادف العيد 15 آب/ أغسطس."],
            id="dates",
        ),
        pytest.param(
            "اشتد القتال؛ ما أدى إلى نزوح الآلاف. هل تنجح المفاوضات؟ يبدو ذلك صعبًا!",
            ["اشتد القتال؛", "ما أدى إلى نزوح الآلاف.", "هل تنجح المفاوضات؟", "يبدو ذلك صعبًا!"],
            id="semicolon-and-marks",
        ),
        pytest.param(
            "انتظر الجميع... ثم جاء الخبر على example.org/news?id=5 صباحًا.",
            ["انتظر الجميع... ثم جاء الخبر على example.org/news?id=5 صباحًا."],
            id="ellipsis-and-address",
        ),
    ],
)
def test_sentences_end_where_a_reader_would_end_them(line: str, expected: list[str]) -> None:
    assert split_sentences(line) == expected


@given(st.text(alphabet='بتثجحخ دذرز.؟!؛«»"5 ٣\t', max_size=80))
def test_every_sentence_is_quoted_verbatim_and_nothing_is_lost(line: str) -> None:
    sentences = split_sentences(line)
    position = 0
    for sentence in sentences:
        assert sentence and sentence == sentence.strip()
        position = line.index(sentence, position) + len(sentence)
    assert "".join(sentences).replace(" ", "").replace("\t", "") == "".join(line.split())


def test_the_layout_gives_title_headings_bullets_and_text() -> None:
    raw = read_article(TRICKY.read_text(encoding="utf-8"))
    assert raw.title == "قمة «الفرصة الأخيرة»: ماذا اتفق عليه القادة في جنيف؟"
    kinds = [(s.kind, s.text) for s in raw.sentences]
    assert kinds[0] == (Kind.HEADING, "ملخص الاجتماع")
    assert (Kind.HEADING, "أبرز البنود") in kinds
    bullets = [text for kind, text in kinds if kind is Kind.BULLET]
    assert bullets == [
        "وقف إطلاق النار في مقاطعة خاركيف",
        "تبادل 120 أسيرًا خلال شهر",
        "فتح ممرات إنسانية للمدنيين",
        "إعادة الإعمار بتمويل دولي واسع",
        "مراجعة الاتفاق في 1 يناير 2026",
    ]
    body = [text for kind, text in kinds if kind is Kind.BODY]
    assert (
        body[1]
        == "وقال د. أحمد زكي، أستاذ العلوم السياسية، إن النتائج «مشجعة. لكنها غير كافية» حتى الآن."
    )
    assert "هل ينجح الاتفاق؟" in body
    assert len(body) == 8


def test_a_line_that_starts_with_a_decimal_is_text_not_a_bullet() -> None:
    raw = read_article(article("1.5 مليون شخص نزحوا من المدينة خلال الأسبوع الماضي."))
    assert [(s.kind, s.text) for s in raw.sentences] == [
        (Kind.BODY, "1.5 مليون شخص نزحوا من المدينة خلال الأسبوع الماضي.")
    ]


def test_sentence_ids_carry_where_the_sentence_stood() -> None:
    result = draft(TRICKY.read_text(encoding="utf-8"))
    ids = [s["id"] for s in result["sentences"]]
    assert ids[:3] == ["h1", "s1", "s2"]
    assert [i for i in ids if i.startswith("b")] == ["b1", "b2", "b3", "b4", "b5"]
    assert [i for i in ids if i.startswith("h")] == ["h1", "h2"]
    source = TRICKY.read_text(encoding="utf-8")
    assert all(s["text"] in source for s in result["sentences"])


# -- article ids ---------------------------------------------------------------------------


def test_the_slug_is_stable_valid_and_tells_articles_apart() -> None:
    title = "«فرصة جديدة» محادثات بين روسيا وكوريا الشمالية"
    first = slug(title, "2025-08-15")
    assert first == slug(title, "2025-08-15")
    assert first.startswith("2025-08-15-frsa-jdyda-")
    assert ID_PATTERN.match(first)
    assert slug(title + " اليوم", "2025-08-15") != first
    for odd in ("؟؟؟ «»", "Breaking: talks in Geneva", "قمة ٢٠٢٥ في جنيف"):
        assert ID_PATTERN.match(slug(odd)), odd
    assert slug("Breaking: talks in Geneva").startswith("breaking-talks-in-geneva-")


def test_without_an_id_the_draft_uses_the_slug_and_with_one_it_uses_that() -> None:
    text = TRICKY.read_text(encoding="utf-8")
    assert draft(text)["id"] == draft(text)["id"]
    assert draft(text, published="2025-03-03")["id"].startswith("2025-03-03-")
    assert draft(text, article_id="geneva-summit")["id"] == "geneva-summit"


# -- what a sentence holds -----------------------------------------------------------------


def mentions(sentence: str) -> set[tuple[str, str]]:
    lexicon = discover_names([sentence], base_lexicon())
    return {(m.kind, m.name) for m in find_mentions(sentence, lexicon)}


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("وقعت المعاهدة في 19 حزيران/ يونيو 2024.", (DATE, "19 حزيران/ يونيو 2024")),
        ("يصادف العيد 15 آب/ أغسطس من كل عام.", (DATE, "15 آب/ أغسطس")),
        ("انتهت المهلة في 3 يناير 2025 دون اتفاق.", (DATE, "3 يناير 2025")),
        ("بدأت الأزمة في كانون الثاني 2020 واستمرت.", (DATE, "كانون الثاني 2020")),
        ("تأجلت القمة إلى أيار (مايو) 2023 بطلب روسي.", (DATE, "أيار (مايو) 2023")),
        ("نُشر التقرير بتاريخ 15/08/2025 في الصحف.", (DATE, "15/08/2025")),
        ("تأسست المنظمة عام 1945 بعد الحرب.", (YEAR, "1945")),
        ("بلغت قيمة الصفقة 5.25 مليار دولار، وفق البيان.", (NUMBER, "5.25 مليار دولار")),
        ("ارتفعت الأسعار بنسبة 30% خلال الشهر.", (NUMBER, "30%")),
        ("قُتل ١٢ شخصًا في الهجوم.", (NUMBER, "١٢ شخصًا")),
        ("قال وزير الخارجية الروسي سيرغي لافروف إن الحوار مستمر.", (PERSON, "سيرغي لافروف")),
        ("وأكد د. أحمد زكي أن النتائج مشجعة.", (PERSON, "أحمد زكي")),
        ("أثنى على الدعم في معارك مقاطعة كورسك.", (PLACE, "كورسك")),
        ("عاد الوفد إلى بيونغ يانغ أمس.", (PLACE, "بيونغ يانغ")),
        ("أرسلت المساعدات لكوريا الشمالية.", (PLACE, "كوريا الشمالية")),
        ("أوضح بيان الكرملين أن الاتصالات ستتواصل.", (ORG, "الكرملين")),
        ("أعلنت وزارة الخارجية الفرنسية موقفها.", (ORG, "وزارة الخارجية الفرنسية")),
    ],
)
def test_keywords_find_names_dates_and_numbers(sentence: str, found: tuple[str, str]) -> None:
    assert found in mentions(sentence)


def test_a_month_alone_is_no_date_and_a_verb_is_no_name() -> None:
    assert not {m for m in mentions("مارس الضغط على الحكومة حتى تراجعت.") if m[0] == DATE}
    persons = {m for m in mentions("قال الرئيس الروسي إن الحوار مستمر.") if m[0] == PERSON}
    assert persons == set()


def test_a_name_announced_once_is_recognised_by_its_surname_elsewhere() -> None:
    result = draft(
        article(
            "قال المبعوث الأممي هانس غروندبرغ إن المحادثات بدأت في جنيف.",
            "وأضاف غروندبرغ أن الجولة التالية ستعقد قريبًا في مسقط.",
        )
    )
    second = result["facts"][1]
    assert "هانس غروندبرغ" in second["keywords"]
    assert "مسقط" in second["keywords"]


def test_fact_keywords_and_topics_come_from_the_sentence_and_the_options() -> None:
    text = TRICKY.read_text(encoding="utf-8")
    result = draft(text, topics=["قمم", "دبلوماسية"])
    assert result["topics"][:2] == ["قمم", "دبلوماسية"]
    first = result["facts"][0]
    assert first["source"] == ["s1"]
    assert {"سيرغي لافروف", "جنيف", "3 آذار/ مارس 2025"} <= set(first["keywords"])
    money = next(f for f in result["facts"] if f["source"] == ["s3"])
    assert {"5.25 مليار دولار", "3.1 بالمئة"} <= set(money["keywords"])


# -- facts and questions -------------------------------------------------------------------


def questions_of(sentence: str) -> list[str]:
    (fact,) = draft(article(sentence))["facts"]
    return fact.get("questions", [])


@pytest.mark.parametrize(
    ("sentence", "question"),
    [
        ("أُبرمت المعاهدة الجديدة في 19 حزيران/ يونيو 2024.", "متى أُبرمت المعاهدة الجديدة؟"),
        ("بلغت خسائر الشركة 5 مليارات دولار.", "كم بلغت خسائر الشركة؟"),
        ("قال الرئيس الفرنسي إيمانويل ماكرون إن الحل سياسي.", "من الرئيس الفرنسي؟"),
        ("عقد الاجتماع الطارئ في جنيف بمشاركة واسعة.", "أين عقد الاجتماع الطارئ بمشاركة واسعة؟"),
        (
            "وقعت الدولتان الاتفاقية التي أبرمت في بيونغ يانغ العام الماضي.",
            "أين أبرمت الاتفاقية؟",
        ),
        (
            "يستمر وقف إطلاق النار منذ 3 يناير 2025 دون خروقات.",
            "منذ متى يستمر وقف إطلاق النار دون خروقات؟",
        ),
    ],
)
def test_questions_ask_for_what_the_sentence_holds(sentence: str, question: str) -> None:
    asked = questions_of(sentence)
    assert question in asked
    assert 1 <= len(asked) <= 2


@pytest.mark.parametrize(
    ("sentence", "question"),
    [
        ("أوضح بيان الكرملين أن الاتصالات ستتواصل قريبًا.", "ماذا أوضح بيان الكرملين؟"),
        (
            "انتقدت وزارة الخارجية الفرنسية القرار الأخير بشدة.",
            "ماذا انتقدت وزارة الخارجية الفرنسية؟",
        ),
        ("شهدت قمة جنيف توقيع اتفاقيتين.", "ماذا شهدت قمة جنيف؟"),
        (
            "يتضح أن محادثات روسيا وكوريا الشمالية تحمل بعدًا جديدًا.",
            "ماذا تحمل محادثات روسيا وكوريا الشمالية؟",
        ),
        ("وصل الوفد، حيث أشار ماكرون إلى أن الحل قريب.", "إلى ماذا أشار ماكرون؟"),
    ],
)
def test_a_verb_with_subject_and_object_asks_what(sentence: str, question: str) -> None:
    assert question in questions_of(sentence)


def test_a_subject_gets_من_and_its_object_ماذا() -> None:
    assert questions_of("أثنى بوتين خلال المحادثة على شجاعة الجنود.") == [
        "من أثنى خلال المحادثة على شجاعة الجنود؟",
        "على ماذا أثنى بوتين؟",
    ]
    assert questions_of("شهدت قمة بوتين توقيع اتفاقيتين.") == ["ماذا شهدت قمة بوتين؟"]


def test_no_question_rather_than_a_wrong_one_and_the_editor_is_told() -> None:
    text = article(
        "تأتي هذه الاتصالات ضمن السياسة الدبلوماسية للبلدين.",  # no object: ماذا does not fit
        "تعكس هذه الخطوة أهمية العلاقات التاريخية القوية.",  # «this step»: which one?
        "ما يعكس عمق الروابط التاريخية بين البلدين.",  # ما is the subject already
        "تهنئة بالذكرى الثمانين لتحرير البلاد",  # a heading has no verb
    )
    result = draft(text)
    assert [f.get("questions") for f in result["facts"]] == [None] * 4
    assert distill(text).count("no reader question drafted: add one") == 4


def test_every_question_is_one_arabic_question() -> None:
    result = draft(TRICKY.read_text(encoding="utf-8"))
    for fact in result["facts"]:
        for question in fact.get("questions", []):
            assert question.endswith("؟") and question.count("؟") == 1, question
            assert question.split()[0] in {"متى", "كم", "من", "أين", "ماذا", "حتى", "منذ"}


def test_headings_that_restate_the_title_and_short_lines_make_no_fact() -> None:
    result = draft(
        article(
            "محادثات روسيا وكوريا الشمالية في واشنطن",
            "ناقش الطرفان مستقبل العلاقات الثنائية خلال اتصال هاتفي طويل.",
            "هل ينجح الحوار؟",
            title="محادثات بين روسيا وكوريا الشمالية بشأن واشنطن",
        )
    )
    assert [f["source"] for f in result["facts"]] == [["s1"]]
    assert [s["id"] for s in result["sentences"]] == ["h1", "s1", "s2"]


def test_the_draft_is_marked_for_review_and_keeps_arabic_readable() -> None:
    produced = distill(TRICKY.read_text(encoding="utf-8"), url="https://example.org/a/1")
    assert produced.startswith("# DRAFT")
    assert produced.count("# review:") == len(yaml.safe_load(produced)["facts"])
    assert "\\u" not in produced and "ملخص الاجتماع" in produced
    assert "url: https://example.org/a/1" in produced


@pytest.mark.parametrize(
    ("text", "options", "reason"),
    [
        ("", {}, "empty"),
        (" \n\t\n", {}, "empty"),
        ((DATA / "distill" / "english.txt").read_text(encoding="utf-8"), {}, "not_arabic"),
        ("عنوان وحده\n", {}, "no_text"),
        ("عنوان\nنص.\n", {"article_id": "Not An Id"}, "option"),
        ("عنوان\nنص.\n", {"url": "ftp://example.org"}, "option"),
        ("عنوان\nنص.\n", {"published": "15/08/2025"}, "option"),
    ],
)
def test_what_cannot_make_a_draft_is_refused_with_a_reason(
    text: str, options: dict, reason: str
) -> None:
    with pytest.raises(DistillError) as refused:
        distill(text, **options)
    assert refused.value.reason == reason


# -- the round trip ------------------------------------------------------------------------

# Questions a reader of the sample article might ask, each with words its answer must quote.
READER_QUESTIONS = [
    ("متى أبرمت روسيا وكوريا الشمالية معاهدة الشراكة الاستراتيجية؟", "19 حزيران"),
    ("أين وقعت معاهدة الشراكة الإستراتيجية الشاملة بين البلدين؟", "بيونغ يانغ"),
    ("بأي مناسبة تبادل بوتين وكيم التهاني؟", "الذكرى الثمانين"),
    ("ما تاريخ ذكرى تحرير كوريا من الاحتلال الياباني؟", "15 آب"),
    ("بماذا أشاد بوتين خلال حديثه مع كيم؟", "كورسك"),
    ("في أي مقاطعة قاتل الجنود الكوريون الشماليون؟", "كورسك"),
    ("ماذا قال بيان الكرملين عن الاتصالات بين بوتين وكيم؟", "بيان الكرملين"),
    ("من هو الزعيم الكوري الشمالي الذي تحدث معه بوتين؟", "كيم جونغ أون"),
    ("هل سيتبادل الزعيمان المعلومات حول المحادثات مع ترامب؟", "تبادل المعلومات"),
    ("ما دور الجيش الأحمر الذي تكرمه كوريا الشمالية؟", "الجيش الأحمر"),
]


@needs_sample
async def test_the_sample_article_round_trips_into_answers(tmp_path: Path) -> None:
    assert SAMPLE is not None
    text = SAMPLE.read_text(encoding="utf-8")
    produced = distill(text, url="https://example.org/news/1", published="2025-08-15")
    articles, errors = read_text(produced, "draft.yaml")
    assert errors == []
    (distilled,) = articles
    assert len(distilled.facts) >= 12
    assert all(s.text in text for s in distilled.sentences)

    site = Site(tmp_path)
    site.config_path.write_text("knowledge_dir: knowledge\ndatabase: db.sqlite3\n")
    site.write("draft.yaml", produced)
    async with site.engine() as engine:
        report = await engine.reload()
        assert distilled.id in report.added
        right = []
        for question, quoted in READER_QUESTIONS:
            answer = await engine.ask(question, record=False)
            best = answer.answers[0] if answer.answered else None
            right.append(best is not None and any(quoted in q for q in best.quotes))
    assert sum(right) >= 8, [
        q for (q, _), ok in zip(READER_QUESTIONS, right, strict=True) if not ok
    ]


# -- the command line ----------------------------------------------------------------------


@pytest.mark.slow
def test_the_cli_prints_a_draft_with_the_options_given(tmp_path: Path) -> None:
    done = run_sanad(
        "distill",
        str(TRICKY),
        "--id",
        "geneva-summit",
        "--url",
        "https://example.org/news/7",
        "--published",
        "2025-03-03",
        "--topic",
        "قمم",
        "--topic",
        "دبلوماسية",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert read_text(done.stdout, "stdout")[1] == []
    result = yaml.safe_load(done.stdout)
    assert result["id"] == "geneva-summit"
    assert result["url"] == "https://example.org/news/7"
    assert str(result["published"]) == "2025-03-03"
    assert result["topics"][:2] == ["قمم", "دبلوماسية"]

    from_stdin = run_sanad("distill", "-", cwd=tmp_path, stdin=TRICKY.read_text(encoding="utf-8"))
    assert from_stdin.returncode == 0
    assert yaml.safe_load(from_stdin.stdout)["facts"] == yaml.safe_load(done.stdout)["facts"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the article is empty"),
        ("عنوان\nنص عربي.\n".encode("cp1256"), "not UTF-8 text"),
        ((DATA / "distill" / "english.txt").read_bytes(), "not Arabic"),
        (None, "no such file"),
    ],
)
def test_the_cli_refuses_a_file_in_one_line(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "article.txt"
    if content is not None:
        path.write_bytes(content)
    done = run_sanad("distill", str(path), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"sanad: {path}: ") and message in line


@pytest.mark.slow
def test_the_cli_refuses_bad_options_as_usage_errors(tmp_path: Path) -> None:
    for option, value in (("--published", "2025-13-01"), ("--url", "x"), ("--id", "A B")):
        done = run_sanad("distill", str(TRICKY), option, value, cwd=tmp_path)
        assert done.returncode == 2, option
        (line,) = done.stderr.splitlines()
        assert re.match(rf"sanad: {option[2:]} '.*' must ", line), line


# Pieces that exercise every rule (names, cues, dates, numbers, quotes, bullets, line ends)
# and the characters YAML gives a meaning to.
PIECES = (
    "الرئيس الروسي فلاديمير بوتين د. أحمد في على بين وكيم التي الذي أُبرمت معاهدة الشراكة "
    "مقاطعة كورسك 19 حزيران/ يونيو 2024 5.25 مليار دولار، منذ حتى هذه ما تعكس أوضح بيان "
    'الكرملين «قال. نعم» "لا." ؟ ؛ . • - 1. ١- ص.ب U.S. the \n \n : # & * ! % @ | > {} \''
)


def words_of(text: str) -> list[str]:
    return text.split(" ")


WORDS = words_of(PIECES)


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=60))
def test_any_text_gives_a_valid_draft_or_a_reason(words: list[str]) -> None:
    text = " ".join(words)
    try:
        produced = distill(text)
    except DistillError as refused:
        assert refused.reason in {"empty", "not_arabic", "no_text"}
        return
    articles, errors = read_text(produced, "draft.yaml")
    assert errors == []
    (drafted,) = articles
    assert all(s.text in text for s in drafted.sentences)


def test_a_byte_order_mark_and_windows_line_ends_leave_no_trace() -> None:
    text = "\ufeffعنوان الخبر\r\nأُبرمت المعاهدة في بيونغ يانغ. ثم عاد الوفد.\r\n"
    result = draft(text)
    assert result["title"] == "عنوان الخبر"
    assert [s["text"] for s in result["sentences"]] == [
        "أُبرمت المعاهدة في بيونغ يانغ.",
        "ثم عاد الوفد.",
    ]
