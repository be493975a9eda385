"""A question that names a year, asks for one or asks of the past: only what says it answers."""

from __future__ import annotations

from conftest import Site

from bot.engine import Answer
from bot.text import tokens
from bot.years import asks_past, speaks_of_past, years_in


def test_the_years_a_question_names() -> None:
    assert years_in(tokens("كم كانت الأرباح في عام 2015 وفي ٢٠١٦؟")) == ("2015", "2016")
    assert years_in(tokens("كم طنا اصطاد الصيادون هذا الموسم؟")) == ()
    assert years_in(tokens("كم كان عدد الزوار 1500 شخص؟")) == ()  # a figure, not a year


def test_a_time_gone_by_asked_and_spoken_of() -> None:
    assert asks_past(tokens("كم بلغ الدعم في موازنة العام الماضي؟"))
    assert asks_past(tokens("بكم زادت المبيعات مقارنة بالدورة السابقة؟"))
    assert not asks_past(tokens("كم يبلغ الدعم في موازنة هذا العام؟"))
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


async def asked_by_words(site: Site, articles: str, *questions: str) -> list[Answer]:
    """The answers to these questions, by words, of knowledge holding only these articles."""
    site.write("articles.yaml", articles)
    async with site.engine() as engine:
        await engine.reload()
        return [await engine.ask(question) for question in questions]


async def test_an_article_that_never_says_the_year_asked_of_does_not_answer(site: Site) -> None:
    about_last_season, of_2015, of_2019 = await asked_by_words(
        site,
        SARDINE,
        "كم تراجعت كميات السردين خلال الموسم الماضي؟",
        "كم تراجعت كميات السردين في عام 2015؟",
        "كم تراجعت كميات السردين مقارنة بموسم 2019؟",
    )
    assert about_last_season.answered and about_last_season.answers[0].fact_id == "s1"
    assert not of_2015.answered
    # The article says 2019 in another sentence: its facts may still answer.
    # 2015 is a year the knowledge knows, said by another article: not this one.
    assert of_2019.answered and of_2019.answers[0].fact_id == "s1"


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
    launched, founded, opened = await site.asked_by_meaning(
        "متى أطلقت جامعة الوادي مشروع الترجمة الآلية؟",
        "في أي عام تأسست جامعة الوادي للعلوم والتقنية؟",
        "في أي عام افتتح المتحف الوطني أبوابه؟",
    )
    assert launched.answered and launched.answers[0].fact_id == "s1"
    # «الأحد» says when the project was launched, and no year: offered, not answered.
    assert not founded.answered and founded.answers[0].fact_id == "s1"
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


async def test_a_question_of_the_past_is_not_answered_by_the_present(site: Site) -> None:
    now, last_year, before = await asked_by_words(
        site,
        BREAD,
        "كم تبلغ تكلفة دعم الخبز في الموازنة؟",
        "كم كانت تكلفة دعم الخبز في موازنة العام الماضي؟",
        "كم كان وزن الرغيف المدعم في الموسم السابق؟",
    )
    assert now.answered and now.answers[0].fact_id == "s2"
    # s2 says what the subsidy costs now, not what it cost last year.
    assert not last_year.answered
    # What had been (وكانت … قد) speaks of the past.
    assert before.answered and before.answers[0].fact_id == "s3"
