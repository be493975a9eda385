"""A fact whose figure counts the noun a «how many» question counts says how many of it."""

from __future__ import annotations

import pytest

from bot.analysis import asking_in, fact_terms
from bot.tallies import tallied, tallies
from bot.text import tokens


def counted(question: str) -> frozenset[str]:
    words = tokens(question)
    return tallied(words, asking_in(words)[0])


def counts(statement: str, question: str) -> bool:
    return tallies(fact_terms(statement, [], [], []).statement_words(), counted(question))


@pytest.mark.parametrize(
    ("statement", "question"),
    [
        ("وتشمل المرحلة إنشاء 240 محطة انتظار مكيفة.", "كم محطة انتظار شيدت ضمن المشروع؟"),
        ("ودُرب النموذج على أكثر من 60 ألف صورة.", "على كم صورة تدرب النموذج؟"),  # thousands
        ("وقال إن نحو 900 أسرة نزحت مؤقتا.", "كم عائلة اضطرت إلى النزوح؟"),  # a synonym
        ("وسيرتفع الأسطول من 21 طائرة إلى 30 طائرة.", "قديش طيارة عند الشركة؟"),  # a dialect's
        ("وقلّصت 35 مخبزًا في ريف دمشق دوامها.", "شكثر مخبز قصّروا دوامهم؟"),  # the Gulf's «how many»
        ("وتصدى الحارس لـ14 تسديدة.", "كم تسديدة تصدى لها الحارس؟"),  # ل joined to the figure
        ("وتضم المدرسة ثلاثة فصول جديدة.", "كم عدد الفصول في المدرسة؟"),  # a number word
    ],
)
def test_a_figure_right_before_the_noun_counted_counts_it(statement: str, question: str) -> None:
    assert counts(statement, question)


@pytest.mark.parametrize(
    ("statement", "question"),
    [
        # The figure counts another thing, or the noun has no figure before it.
        ("ويبعد المصنع نحو 800 متر عن أقرب مدرسة.", "كم طالبا يدرس في المدرسة؟"),
        ("حول المشروع 64 منزلا إلى نزل ومطاعم.", "ما عدد المطاعم في الحارة؟"),
    ],
)
def test_a_figure_that_counts_something_else_does_not(statement: str, question: str) -> None:
    assert not counts(statement, question)


@pytest.mark.parametrize(
    "question",
    [
        "كم يكلف المشروع؟",  # how much is done: a verb, not a noun counted
        "متى تنطلق الرحلات؟",  # no «how many»
        "كم هي المسافة بين المدينتين؟",  # a function word after «كم»
    ],
)
def test_a_question_that_counts_no_noun_has_none(question: str) -> None:
    assert counted(question) == frozenset()
