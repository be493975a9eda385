"""A question that names a year, or asks for one, is answered only by what says a year."""

from __future__ import annotations

from conftest import Site

from bot.text import tokens
from bot.years import years_in


def test_the_years_a_question_names() -> None:
    assert years_in(tokens("كم كانت الأرباح في عام 2015 وفي ٢٠١٦؟")) == ("2015", "2016")
    assert years_in(tokens("كم طنا اصطاد الصيادون هذا الموسم؟")) == ()
    assert years_in(tokens("كم كان عدد الزوار 1500 شخص؟")) == ()  # a figure, not a year


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


async def test_an_article_that_never_says_the_year_asked_of_does_not_answer(site: Site) -> None:
    site.write("sardine.yaml", SARDINE)
    async with site.engine() as engine:
        await engine.reload()
        about_last_season = await engine.ask("كم تراجعت كميات السردين خلال الموسم الماضي؟")
        of_2015 = await engine.ask("كم تراجعت كميات السردين في عام 2015؟")
        of_2019 = await engine.ask("كم تراجعت كميات السردين مقارنة بموسم 2019؟")
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
