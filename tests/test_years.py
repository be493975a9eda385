"""A question that names a year, asks for one or asks of the past: only what says it answers."""

from __future__ import annotations

import pytest
from conftest import Site

from bot.analysis import fact_terms
from bot.matching import Query
from bot.text import tokens
from bot.years import asks_past, dated, speaks_of_past, years_in


def test_the_years_a_question_names() -> None:
    assert years_in(tokens("كم كانت الأرباح في عام 2015 وفي ٢٠١٦؟")) == ("2015", "2016")
    assert years_in(tokens("كم طنا اصطاد الصيادون هذا الموسم؟")) == ()
    assert years_in(tokens("كم كان عدد الزوار 1500 شخص؟")) == ()  # a figure, not a year


def test_a_time_gone_by_asked_and_spoken_of() -> None:
    assert asks_past(tokens("كم بلغ الدعم في موازنة العام الماضي؟"))
    assert asks_past(tokens("بكم زادت المبيعات مقارنة بالدورة السابقة؟"))
    assert not asks_past(tokens("كم يبلغ الدعم في موازنة هذا العام؟"))
    assert asks_past(tokens("قديش كان سعر قالب الصابون قبل عشر سنين؟"))  # years ago
    assert asks_past(tokens("كم كان عدد الزوار قبل عامين؟"))
    assert not asks_past(tokens("متى افتتح المعرض قبل موعده؟"))
    assert speaks_of_past(tokens("وبلغت صادرات التمور العام الماضي 1.5 مليار ريال."))
    assert speaks_of_past(tokens("وحققت الشركة أرباحا في عام 2024."))
    assert speaks_of_past(tokens("وكانت الشركة قد جمعت 6 ملايين ريال."))
    assert not speaks_of_past(tokens("وتبلغ تكلفة الدعم 9.4 مليار جنيه سنويا."))


SARDINE = """\
id: sardine
title: "تراجع صيد السردين في الدقم"
sentences:
  - id: s1
    text: "تراجعت كميات السردين التي اصطادها أعضاء الجمعية بنسبة 38 في المئة خلال الموسم الماضي."
  - id: s2
    text: "وكانت الجمعية قد سجلت أعلى صيد لها في موسم 2019."
---
id: museum
title: "متحف جديد في مسقط"
sentences:
  - id: s1
    text: "افتتح المتحف الوطني أبوابه للزوار في عام 2015."
"""


UNIVERSITY = """\
id: university
title: "جامعة الوادي تطلق مشروعا للترجمة الآلية"
sentences:
  - id: s1
    text: "أطلقت جامعة الوادي للعلوم والتقنية، الأحد، مشروعا بحثيا لتطوير نظام للترجمة الآلية."
  - id: s2
    text: "وتضم الجامعة نحو تسعة آلاف طالب في سبع كليات."
"""


async def test_a_question_for_a_year_is_not_answered_by_a_weekday(site: Site) -> None:
    # The judge, which holds back a fact without the kind of answer asked for, needs meaning.
    site.write("sardine.yaml", SARDINE)
    site.write("university.yaml", UNIVERSITY)
    launched, which_year, founded, opened = await site.asked_by_meaning(
        "متى أطلقت جامعة الوادي مشروع الترجمة الآلية؟",
        "في أي عام أطلقت جامعة الوادي مشروع الترجمة الآلية؟",
        "في أي عام تأسست جامعة الوادي للعلوم والتقنية؟",
        "في أي عام افتتح المتحف الوطني أبوابه؟",
    )
    assert launched.answered and launched.answers[0].fact_id == "s1"
    # «الأحد» says when the project was launched, and no year: offered, not answered.
    assert not which_year.answered and which_year.answers[0].fact_id == "s1"
    assert not founded.answered  # nor does it say when the university was founded
    assert opened.answered and opened.answers[0].article_id == "museum"


BREAD = """\
id: bread
title: "زيادة دعم الخبز"
sentences:
  - id: s1
    text: "رفعت وزارة التموين المقابل الذي تحصل عليه المخابز عن إنتاج الرغيف المدعم."
  - id: s2
    text: "وأوضح الوزير أن تكلفة دعم الخبز تبلغ نحو 9.4 مليار جنيه سنويا في الموازنة."
  - id: s3
    text: "وكانت الحكومة قد خفضت وزن الرغيف المدعم إلى 90 غراما."
---
id: league
title: "الفجر بطلا للدوري"
sentences:
  - id: s1
    text: "فاز نادي الفجر بالدوري بعد أن حل ثانيا في الموسم الماضي والموسم السابق له."
"""


@pytest.mark.parametrize(
    ("articles", "asked"),
    [
        (
            SARDINE,
            {
                "كم تراجعت كميات السردين خلال الموسم الماضي؟": "s1",
                # 2015 is a year the knowledge knows, said by another article: not this one.
                "كم تراجعت كميات السردين في عام 2015؟": None,
                # The article says 2019 in another sentence: its facts may still answer.
                "كم تراجعت كميات السردين مقارنة بموسم 2019؟": "s1",
            },
        ),
        (
            BREAD,
            {
                "كم تبلغ تكلفة دعم الخبز في الموازنة؟": "s2",
                # s2 says what the subsidy costs now, not what it cost last year.
                "كم كانت تكلفة دعم الخبز في موازنة العام الماضي؟": None,
                # What had been (وكانت … قد) speaks of the past.
                "كم كان وزن الرغيف المدعم في الموسم السابق؟": "s3",
            },
        ),
    ],
    ids=["a year no sentence of the article says", "the past asked of"],
)
async def test_a_fact_answers_only_of_the_time_asked(
    site: Site, articles: str, asked: dict[str, str | None]
) -> None:
    site.write("articles.yaml", articles)
    assert await site.answered_facts(asked) == list(asked.values())  # by words


@pytest.mark.parametrize(
    ("question", "statement", "pinned"),
    [
        # A date right after the question's words dates what it asks of.
        ("متى ظهرت أول حالة كوليرا؟", "منذ ظهور أول حالة في 12 مايو الماضي.", True),
        ("متى رفعت الدعوى؟", "ورُفعت الدعوى في أيار/مايو 2023 من قبل الجمعية.", True),
        # A date said of something else, far from the question's words.
        (
            "متى ظهرت أول حالة كوليرا؟",
            "وتعمل الفرق منذ الصباح، وسجلت الوزارة في 2024 تفشيا.",
            False,
        ),
    ],
)
def test_a_date_right_after_a_word_asked_is_pinned_to_it(
    question: str, statement: str, pinned: bool
) -> None:
    query = Query.parse(question)
    words = fact_terms(statement, [], [], []).statement_words()
    assert dated(words, frozenset(query.stems + query.lights)) is pinned
