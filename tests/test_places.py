"""A question that names a place: only a fact that can be about that place answers it."""

from __future__ import annotations

from conftest import Site

from bot.places import places_in, said
from bot.text import tokens


def test_the_places_a_question_names_after_their_kind() -> None:
    assert places_in(tokens("ما نسبة حاملي المرض بين سكان محافظة النجف؟")) == ("النجف",)
    assert places_in(tokens("شحال من هكتار تحرق فولاية باجة؟")) == ("باجه",)
    assert places_in(tokens("كم طفلا أحيل من محافظتي الباطنة؟")) == ("الباطنه",)
    # Asked for, not named.
    assert places_in(tokens("في أي محافظة يقع المركز؟")) == ()
    assert places_in(tokens("وأي مدينة يصل إليها الكابل؟")) == ()
    assert places_in(tokens("كم مدينة يخدم المشروع؟")) == ()
    # What kind of place, not which.
    assert places_in(tokens("ما هي أكبر مدينة مغربية؟")) == ()
    # Of a name opening with a word many names open with, the word after it.
    assert places_in(tokens("كم هكتارا في إمارة أم القيوين؟")) == ("القيوين",)
    # No kind, no place read: which words are places only a gazetteer knows.
    assert places_in(tokens("ما نسبة حاملي المرض في النجف؟")) == ()


def test_a_place_is_said_in_any_form_or_with_a_slip() -> None:
    assert said("النجف", ["إلى السفر إلى بغداد أو النجف"])
    assert said("اريد", ["في محافظة إربد"])  # a dropped dot
    assert said("الرشيديه", ["تقع الرشيدية شرق زاكورة"])
    assert not said("النجف", ["بين سكان المحافظة"])


THALASSEMIA = """\
id: thalassemia
title: "افتتاح مركز لعلاج الثلاسيميا في كربلاء"
sentences:
  - id: s1
    text: "افتتحت دائرة صحة كربلاء مركزا متخصصا لعلاج مرضى الثلاسيميا."
  - id: s2
    text: "وتقدر جمعية المرضى أن نسبة حاملي المرض بين سكان المحافظة تقارب 4 في المئة."
  - id: s3
    text: "ويستقبل المركز مرضى من بغداد وبابل أيضا."
  - id: s4
    text: "وقال المزارع محمود السيد إنه يسكن قرية بني عدي منذ عشرين عاما."
  - id: s5
    text: "وأضاف أن المرشد الصحي يزور القرية مرة واحدة كل شهر لفحص الأطفال."
"""


async def test_a_fact_about_the_article_s_own_place_does_not_answer_of_another(
    site: Site,
) -> None:
    site.write("thalassemia.yaml", THALASSEMIA)
    asked = {
        # «المحافظة» is Karbala: the title says so.
        "ما نسبة حاملي المرض بين سكان محافظة كربلاء؟": "s2",
        # Najaf: not in the article at all.
        "ما نسبة حاملي المرض بين سكان محافظة النجف؟": None,
        # «القرية» is the village the sentence before names.
        "كم مرة في الشهر يزور المرشد الصحي قرية بني عدي؟": "s5",
    }
    assert await site.answered_facts(asked) == list(asked.values())  # by words
