"""A question that names a year is answered only from an article that says that year."""

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
