"""A sentence that goes on quoting someone is about its speaker, whom the sentence before named."""

from __future__ import annotations

from conftest import Site

from bot.matching import Query
from bot.speakers import speakers
from bot.text import normalize

SAID = [
    "وقال النازح آدم إسحاق، القادم من مدينة الأبيض، إنهم لم يحصلوا على أي حصة غذائية.",
    "وأضاف أن أطفاله يتناولون وجبة واحدة في اليوم، وأنه يعمل حمالا في سوق المدينة.",
    "من جهتها، أعلنت السلطات المحلية تخصيص أرض لإقامة مخيم جديد.",
    "وأضاف أن المخيم سيتسع لعشرين ألف شخص.",  # the speaker before is no longer speaking
    "ويرى المحلل حازم الشريف أن السوق «ما زال في بدايته».",
    "غير أنه حذّر من أن المنافسة ستكون صعبة.",
    "وقالت المريضة سعاد المصري، البالغة من العمر 58 عاما، إنها كانت تنطلق فجرا.",
    "وأضافت: «اليوم صار المركز على بعد عشرين دقيقة من بيتي».",
    "وأكدت الشركة، في بيان، أنها استثمرت 22 مليون دينار.",
    "وقال إن الخطة ستنفذ.",
    "وأشار إلى أن العمل سيبدأ قريبا.",
]


def test_a_sentence_that_goes_on_quoting_is_given_the_speaker_named_before() -> None:
    assert speakers(SAID) == [
        "",
        normalize("النازح آدم إسحاق"),
        "",
        "",
        "",
        normalize("المحلل حازم الشريف"),
        "",
        normalize("المريضة سعاد المصري"),
        "",
        normalize("الشركة"),
        normalize("الشركة"),
    ]


def test_a_long_clause_before_an_is_no_speaker() -> None:
    said = [
        "وذكر التقرير الذي أعدته الوزارة بالتعاون مع عدد من المنظمات الدولية العام الماضي أن "
        "الأسعار ارتفعت.",
        "وأضاف أن الأجور لم ترتفع.",
    ]
    assert speakers(said) == ["", ""]


KOSTI = """\
id: kosti
title: "نازحون في كوستي ينتظرون المساعدات"
sentences:
  - id: s1
    text: "وقال النازح آدم إسحاق، القادم من مدينة الأبيض، إنهم لم يحصلوا على أي حصة غذائية."
  - id: s2
    text: "وأضاف أن أطفاله يتناولون وجبة واحدة في اليوم، وأنه يعمل حمالا في سوق المدينة."
  - id: s3
    text: "من جهتها، أعلنت السلطات المحلية تخصيص أرض لإقامة مخيم جديد يتسع لعشرين ألف شخص."
"""


async def test_a_question_about_the_speaker_finds_what_he_went_on_to_say(site: Site) -> None:
    site.write("kosti.yaml", KOSTI)
    async with site.engine() as engine:
        await engine.reload()
        found = await engine.matcher.gather(engine.retrieval, Query.parse("أين يعمل آدم إسحاق؟"))
    # Both sentences are about him now; the second says where he works.
    assert found.by_words[0].row.fact_id == "s2"
