"""A figure asked of one thing apart from others is answered only by a fact that gives its own."""

from __future__ import annotations

from conftest import Site

from bot.apart import apart_in, together
from bot.text import tokens


def test_the_thing_a_question_sets_apart() -> None:
    assert apart_in(tokens("كم مخبزاً أغلق أبوابه في محافظة الجيزة تحديداً؟")) == "الجيزه"
    assert apart_in(tokens("كم تبرعت المؤسسة الخليجية وحدها؟")) == "الخليجيه"
    assert apart_in(tokens("صادرات الأثاث للسعودية لوحدها كانت كام؟")) == "للسعوديه"
    assert apart_in(tokens("كم مخبزاً أغلق أبوابه في الجيزة؟")) is None
    assert apart_in(tokens("كم مساحة بلجيكا في وحدة الميل؟")) is None  # a unit, not alone


def test_a_fact_gives_a_figure_of_more_than_the_thing_when_it_joins_it_to_another() -> None:
    assert together("الجيزه", "عشرات المخابز في محافظتي الجيزة والقليوبية أغلقت أبوابها.")
    assert together("القليوبيه", "عشرات المخابز في محافظتي الجيزة والقليوبية أغلقت أبوابها.")
    assert together("الخليجيه", "تبرعت بها مؤسسة خليجية وعدد من المغتربين.")
    assert together("الجيزه", "وأغلقت المخابز في عدة محافظات أبوابها.")  # not named at all
    assert not together("الجيزه", "وأغلق 30 مخبزا في الجيزة وحدها.")


BREAD = """\
id: bread
title: "المخابز المصرية تطالب بزيادة الدعم"
sentences:
  - id: s1
    text: "وأضاف أن عشرات المخابز في محافظتي الجيزة والقليوبية أغلقت أبوابها مؤقتا خلال يناير."
  - id: s2
    text: "وأغلق أربعون مخبزا في محافظة أسوان أبوابها خلال الشهر نفسه."
  - id: s3
    text: "ورفعت الشركة المشغلة للمخابز رأسمالها إلى عشرة ملايين جنيه."
"""


async def test_a_figure_of_two_does_not_answer_for_one_of_them(site: Site) -> None:
    site.write("bread.yaml", BREAD)
    asked = {
        "كم مخبزا أغلق أبوابه في محافظة الجيزة تحديدا؟": None,
        "كم مخبزا أغلق أبوابه في محافظة أسوان تحديدا؟": "s2",
        # Alone of a verb, which no fact need repeat: not read.
        "كم بلغ رأسمال الشركة المشغلة للمخابز وهل رفعته لوحدها؟": "s3",
    }
    assert await site.answered_facts(asked) == list(asked.values())  # by words
