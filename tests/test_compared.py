"""A question asking the difference between two things: only a fact naming both answers."""

from __future__ import annotations

from conftest import Site

from bot.compared import compared_in, speaks_of_both
from bot.text import tokens


def test_the_two_things_a_question_compares() -> None:
    assert compared_in(tokens("ما الفرق بين الفيروس والبكتيريا؟")) == ("الفيروس", "البكتيريا")
    assert compared_in(tokens("هو إيه الفرق بين الأسهم والسندات؟")) == ("الاسهم", "السندات")
    assert compared_in(tokens("ما الفرق في السعر؟")) is None
    assert compared_in(tokens("ما الفارق بين البطل وصاحب المركز الثاني؟")) is None  # a gap
    assert compared_in(tokens("كم فريقا شارك في البطولة؟")) is None


def test_a_fact_speaks_of_both_only_when_it_names_both() -> None:
    compared = ("الفيروس", "البكتيريا")
    assert speaks_of_both(compared, "وتقتل المضادات البكتيريا ولا تؤثر في الفيروسات.")
    assert not speaks_of_both(compared, "البعوضة الناقلة للفيروس تتكاثر في المياه الراكدة.")


DENGUE = """\
id: dengue
title: "حملة لمكافحة حمى الضنك في جازان"
sentences:
  - id: s1
    text: "وتستهدف الفرق الخزانات المكشوفة لأنها البيئة المفضلة لتكاثر البعوضة الناقلة للفيروس."
  - id: s2
    text: "وتضم الحملة مئة وعشرين فرقة ميدانية تعمل في ورديتين."
"""


async def test_a_fact_on_one_of_two_things_compared_does_not_answer(site: Site) -> None:
    # By meaning, as by default: by words alone the question shares too little to answer.
    site.write("dengue.yaml", DENGUE)
    compared, asked = await site.asked_by_meaning(
        "ما الفرق بين الفيروس والبكتيريا؟", "ما البيئة المفضلة لتكاثر البعوضة الناقلة للفيروس؟"
    )
    assert not compared.answered
    assert asked.answered and asked.answers[0].fact_id == "s1"
