"""A fact about another one of the things a question counts in order is not its answer."""

from __future__ import annotations

from conftest import Site

from bot.ordinals import another, counted_in, counts, of_the_article
from bot.text import light_stem, tokens


def test_a_noun_counted_in_order_is_read_with_its_ordinal() -> None:
    assert counted_in(tokens("متى تنطلق المرحلة الثانية من الشبكة؟")) == ((light_stem("مرحله"), 2),)
    assert counted_in(tokens("من سجل الهدف الأول؟")) == ((light_stem("هدف"), 1),)
    # Neither an ordinal before its noun nor one without the article counts in order.
    assert counted_in(tokens("ما أول مرحلة من المشروع؟")) == ()
    assert counted_in(tokens("ما ثاني أكبر مدينة؟")) == ()


def test_a_statement_about_another_one_is_told_apart() -> None:
    second = counted_in(tokens("متى تنطلق المرحلة الثانية؟"))
    assert another(second, "أطلقت الهيئة المرحلة الأولى من الشبكة يوم الأحد.")
    assert not another(second, "وتبدأ المرحلة الثانية مطلع عام 2027، بعد المرحلة الأولى.")
    # A statement that does not count the noun may still answer.
    assert not another(second, "وتبدأ المرحلة المقبلة مطلع عام 2027.")


def test_a_statement_about_the_one_before_is_about_another() -> None:
    """«الدورة السابقة» is not the first edition a reader asks of, nor is it said to be."""
    first = counted_in(tokens("كم زائرا استقبل المعرض في دورته الأولى؟"))
    assert first == counted_in(tokens("كم زائرا استقبلت الدورة الأولى؟"))  # دورته as الدورة
    assert another(first, "واستقبل المعرض 600 ألف زائر مقارنة بـ520 ألفًا في الدورة السابقة.")
    assert not another(
        first, "واستقبل المعرض في دورته الأولى 300 ألف زائر، أكثر من الدورة السابقة."
    )


def test_an_ordinal_after_from_or_and_counts_the_noun_before() -> None:
    """«أسرع الجيل الخامس من الرابع» asks of the fourth generation too."""
    compared = counted_in(tokens("قديش أسرع الجيل الخامس من الرابع؟"))
    assert compared == ((light_stem("جيل"), 5), (light_stem("جيل"), 4))
    assert not another(compared, "أي نحو عشرة أضعاف سرعة شبكات الجيل الرابع.")
    both = counted_in(tokens("متى تنطلق المرحلتان الثانية والثالثة؟"))
    assert [number for _, number in both] == [2, 3]
    assert another(both, "أطلقت الهيئة المرحلة الأولى من الشبكة.")


BUSES = """\
id: buses
title: "حافلات كهربائية في المدينة"
sentences:
  - id: s1
    text: "أطلقت هيئة النقل يوم الأحد 17 مايو 2026 المرحلة الأولى من شبكة الحافلات الكهربائية."
  - id: s2
    text: "وتضم الشبكة 120 حافلة تعمل على عشرة مسارات."
"""


async def test_a_fact_about_another_stage_is_not_given_as_the_answer(site: Site) -> None:
    site.write("buses.yaml", BUSES)
    async with site.engine() as engine:
        await engine.reload()
        await engine.fill_vectors()
        # Every word but one is the fact's own: by words alone it would be answered.
        asked = "متى أطلقت الهيئة المرحلة الثانية من شبكة الحافلات الكهربائية؟"
        second = await engine.ask(asked, record=False)
        first = await engine.ask("متى انطلقت المرحلة الأولى من شبكة الحافلات؟", record=False)
    assert not second.answered
    assert first.answered
    assert first.answers[0].fact_id == "s1"


SORTING = """\
id: sorting
title: "فرز النفايات في زحلة"
sentences:
  - id: s1
    text: "أطلقت بلدية زحلة برنامجا لفرز النفايات من المصدر يشمل في مرحلته الأولى ثلاثة أحياء."
  - id: s2
    text: "وأوضح رئيس البلدية أن كلفة المرحلة الأولى من برنامج الفرز تبلغ 350 ألف دولار."
  - id: s3
    text: "ومن المقرر أن تتوسع المرحلة الثانية من برنامج الفرز لتشمل كامل أحياء المدينة."
"""


async def test_what_is_left_when_the_best_fact_is_about_another_stage_is_judged(
    site: Site,
) -> None:
    # The cost of the first stage is the best fact by words, sure enough to answer without
    # meaning; held back, it left the second stage's fact, which gives no cost, answering.
    site.write("sorting.yaml", SORTING)
    second, first = await site.asked_by_meaning(
        "كم تبلغ كلفة المرحلة الثانية من برنامج الفرز؟",
        "كم تبلغ كلفة المرحلة الأولى من برنامج الفرز؟",
    )
    assert not second.answered
    assert first.answered and first.answers[0].fact_id == "s2"


def test_an_article_s_own_edition_is_read_without_what_is_to_come() -> None:
    third = counted_in(tokens("من فاز بالسباق في نسخته الثالثة؟"))
    first = counted_in(tokens("كم مصورا يشارك في الدورة الأولى من البينالي؟"))
    race = ["سباق قمم نزوى", "فاز بلقاسم بالسباق.", "وشارك في النسخة الرابعة 650 عداء."]
    biennale = ["بينالي نواكشوط", "ومن المقرر أن تستضيف نواذيبو الدورة الثانية عام 2028."]
    assert another(third, of_the_article(race))
    assert not another(first, of_the_article(biennale))
    assert another(first, "\n".join(biennale))  # read whole, the next one would count
    assert counts(third, "وشارك في النسخة الرابعة 650 عداء.")
    assert not counts(third, "فاز بلقاسم بالسباق.")


RACE = """\
id: race
title: "المغربي يونس بلقاسم يفوز بسباق قمم نزوى"
sentences:
  - id: s1
    text: "فاز العداء المغربي يونس بلقاسم يوم السبت بلقب سباق قمم نزوى الجبلي للمسافات الطويلة."
  - id: s2
    text: "وشارك في النسخة الرابعة من السباق نحو ستمئة وخمسين عداء من اثنتين وأربعين دولة."
  - id: s3
    text: "ومن المقرر أن يفتح باب التسجيل للنسخة الخامسة مطلع يونيو المقبل."
---
id: biennale
title: "انطلاق أول بينالي للتصوير في نواكشوط"
sentences:
  - id: s1
    text: "انطلق في نواكشوط بينالي التصوير الفوتوغرافي بمشاركة ستين مصورا من أربع عشرة دولة."
  - id: s2
    text: "ومن المقرر أن تستضيف مدينة نواذيبو جزءا من فعاليات الدورة الثانية عام 2028."
"""


async def test_a_fact_of_an_article_about_another_edition_does_not_answer(site: Site) -> None:
    # s1 says no edition: it is about the one its article counts, the fourth. What is to
    # come («ومن المقرر …») is not the article's own: the biennale's s1 is about the first.
    site.write("race.yaml", RACE)
    asked = {
        "من فاز بلقب سباق قمم نزوى الجبلي في نسخته الثالثة؟": None,
        "من فاز بلقب سباق قمم نزوى الجبلي في نسخته الرابعة؟": "s1",
        "متى يفتح باب التسجيل للنسخة الخامسة من السباق؟": "s3",
        "كم مصورا يشارك في الدورة الأولى من بينالي التصوير في نواكشوط؟": "s1",
    }
    assert await site.answered_facts(asked) == list(asked.values())  # by words
