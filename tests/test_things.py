"""A sentence that calls a thing by its kind alone is about the thing named before."""

from __future__ import annotations

import pytest
from conftest import Site

from bot.matching import Query
from bot.text import normalize, stem, tokens
from bot.things import kind_asked, referents, says_kind


def test_a_kind_with_the_article_is_given_the_name_of_that_kind_named_before() -> None:
    said = [
        "أطلقت مديرية الزراعة تطبيق «سنبلة» للمزارعين.",
        "واستغرق تطوير التطبيق ثمانية أشهر.",
        "ويحمل التطبيق اسم «سنبلة» منذ إطلاقه.",  # names it itself
        "وأعلن بنك «الراية» أرباحه السنوية.",
        "وارتفع دخل البنك من الفوائد، ونزّل التطبيق عشرة آلاف مزارع.",
        "وقالت الشركة إن الخدمة مجانية.",  # no company named: nothing
    ]
    assert referents(said) == [
        "",
        normalize("سنبلة"),
        "",
        "",
        normalize("الراية سنبلة"),
        "",
    ]


def test_the_thing_meant_is_the_one_named_most_and_first_not_one_named_in_passing() -> None:
    said = [
        'فاز الكاتب حسام فرغلي بالجائزة عن روايته "بيت على حافة النهر".',
        'وصدرت له قبل ذلك رواية "ملح الطين" عام 2015.',
        "وصدرت الرواية في 412 صفحة.",
    ]
    assert referents(said)[-1] == normalize("بيت على حافة النهر")


def test_a_sentence_that_names_a_thing_of_that_kind_or_quotes_another_name_means_it() -> None:
    said = [
        'توج فريق "نجمات جدة" باللقب بعد فوزه على "فتيات الرياض".',
        'وأحرزت هدف "فتيات الرياض" الوحيد قائدة الفريق من ركلة جزاء.',
        'وقالت قائدة "نجمات جدة" إن الفريق سعيد.',
        "ويستعد الفريق البطل لدوري أبطال آسيا.",
    ]
    assert referents(said) == ["", "", "", normalize("نجمات جدة")]


def test_a_post_before_a_quote_is_no_kind_and_speech_is_no_name() -> None:
    said = [
        'وقالت قائدة "نجمات جدة" إن اللقب مستحق.',
        "وقالت المدرسة «تمنح أطفالا فقدوا عامين من الدراسة فرصة للعودة».",
        "وقال الفريق والمدرسة إن العمل مستمر.",
    ]
    assert referents(said) == ["", "", ""]


ASSIUT = """\
id: assiut
title: "تطبيق لتشخيص أمراض القمح في أسيوط"
sentences:
  - id: s1
    text: "أطلقت مديرية الزراعة في أسيوط تطبيق «سنبلة» لتشخيص أمراض القمح بالصور."
  - id: s2
    text: "واستغرق تطوير التطبيق ثمانية أشهر بتمويل من منظمة الأغذية والزراعة."
  - id: s3
    text: "وقال مدير المديرية إن الموسم الحالي شهد انتشار الصدأ الأصفر."
"""


async def test_a_question_naming_the_thing_finds_the_sentence_that_called_it_by_its_kind(
    site: Site,
) -> None:
    site.write("assiut.yaml", ASSIUT)
    async with site.engine() as engine:
        await engine.reload()
        query = Query.parse("من موّل تطوير تطبيق سنبلة؟")
        found = await engine.matcher.gather(engine.retrieval, query)
    assert found.by_words[0].row.fact_id == "s2"


def test_a_question_asking_which_one_of_a_kind_of_named_thing_knows_the_kind() -> None:
    assert kind_asked(tokens("من أي نادٍ انتقلت المدربة؟")) == stem("نادي")
    assert kind_asked(tokens("لأي شركة يعمل المهندس؟")) == stem("شركة")
    # Places and times are answered without the word: «في إربد», «عام 2016».
    assert kind_asked(tokens("في أي مدينة أقيم الحفل؟")) is None
    assert kind_asked(tokens("في أي عام تأسست؟")) is None
    assert says_kind("ووقعت الجامعة اتفاقا مع شركة «ضياء».", stem("شركة"))
    assert not says_kind("وقالت المدربة إن اللقب ثمرة عمل جماعي.", stem("نادي"))
    # With a pronoun joined, the kind keeps its ة as ت.
    assert says_kind("وانتقل المهندس إلى شركته الجديدة.", stem("شركة"))


@pytest.mark.parametrize("question", ["ما عاصمة تشاد؟", "ما هي عاصمة المغرب؟", "شو عاصمة سوريا؟"])
def test_a_question_asking_for_a_capital_knows_the_kind(question: str) -> None:
    """«ما عاصمة تشاد؟» asks which city: a fact that names Chad but no capital lacks it."""
    asked = kind_asked(tokens(question))
    assert asked is not None
    assert says_kind("وتقع أنجامينا، عاصمة تشاد، على نهر شاري.", asked)
    assert says_kind("وعاصمته الرباط.", asked)
    assert not says_kind("ويستضيف شرق تشاد مئات الآلاف من اللاجئين.", asked)


@pytest.mark.parametrize(
    "question", ["كم يبلغ راتب المدرب نبيل الحرزي؟", "قديش راتب الدكتور سامر؟", "ما أجر العامل؟"]
)
def test_a_question_asking_for_pay_is_answered_only_by_a_fact_that_speaks_of_pay(
    question: str,
) -> None:
    """A fact with another sum about the same man (the project he runs) does not answer."""
    asked = kind_asked(tokens(question))
    assert asked is not None
    assert says_kind("ويتقاضى المدرب 20 ألف دولار شهريًا.", asked)
    assert says_kind("ويعمل الحراس بأجر شهري ثابت.", asked)
    assert says_kind("وتأخر صرف رواتب المعلمين ثلاثة أشهر.", asked)
    assert not says_kind("وقال المدرب إن كلفة المعسكر بلغت 18 مليون دينار.", asked)


def test_a_price_asked_with_the_verb_of_pay_asks_no_pay() -> None:
    assert kind_asked(tokens("كم تتقاضى التعاونية عن كل لتر من زيتها؟")) is None


@pytest.mark.parametrize(
    "question",
    [
        "كم سيبلغ سعر تذكرة القطار بين الدار البيضاء ومراكش؟",
        "قديش سعر التذكرة لألماتي؟",
        "كم أصبح ثمن المتر المكعب؟",
        "ما سعر الفائدة على قرض الصندوق العربي؟",
        "كم تبلغ حاليًا تعرفة المتر المكعب من مياه الشبكة؟",  # a tariff is a price
    ],
)
def test_a_question_asking_for_a_price_is_answered_only_by_a_fact_that_speaks_of_one(
    question: str,
) -> None:
    """The sums a project's financing or a loan come to are no price of its tickets."""
    asked = kind_asked(tokens(question))
    assert asked is not None
    assert says_kind("وأن أسعار التذاكر تبدأ من 899 درهماً للاتجاه الواحد.", asked)
    assert says_kind("ويبدأ سعر الليلة فيه من 45 ريالاً عُمانياً.", asked)
    assert says_kind("وتبلغ التعرفة الجديدة دينارين للمتر.", asked)
    assert not says_kind("ووقّعت الحكومة اتفاقيات تمويل بقيمة 42 مليار درهم.", asked)
    assert not says_kind("أبرزهم الصندوق العربي بقرض قيمته 11 مليار درهم.", asked)
    assert not says_kind("ويتقاضى المدرب 20 ألف دولار شهريًا.", asked)


COACH = """\
id: coach
title: "نجمات جدة بطلات الدوري"
sentences:
  - id: s1
    text: "وقالت مدربة الفريق الإسبانية إيلينا مارتوس إن اللقب ثمرة عمل جماعي بدأ قبل عامين."
  - id: s2
    text: "وانضمت الحارسة شهد الزهراني إلى الفريق قادمة من نادي الاتحاد قبل موسمين."
"""


async def test_a_fact_that_never_speaks_of_the_kind_asked_which_one_of_does_not_answer(
    site: Site,
) -> None:
    site.write("coach.yaml", COACH)
    async with site.engine() as engine:
        await engine.reload()
        # Every other word is the coach's sentence's, but it speaks of no club.
        coach = await engine.ask("من أي نادٍ انتقلت المدربة إيلينا مارتوس؟", record=False)
        keeper = await engine.ask("من أي نادٍ جاءت الحارسة شهد الزهراني؟", record=False)
    assert not coach.answered
    assert keeper.answered and keeper.answers[0].fact_id == "s2"


@pytest.mark.parametrize(
    "question", ["شكثر رأس مال الصندوق الأوروبي الخليجي؟", "كم يبلغ رأسمال الشركة؟"]
)
def test_a_question_asking_for_capital_is_answered_only_by_a_fact_that_speaks_of_it(
    question: str,
) -> None:
    """A fund's share of a project's cost is not its capital; «رأس مال» is written apart too."""
    asked = kind_asked(tokens(question))
    assert asked is not None
    assert says_kind("وتأسست الشركة عام 2016 برأسمال قدره 500 مليون درهم.", asked)
    assert says_kind("وهي شركة مساهمة برأس مال قدره خمسة ملايين دينار.", asked)
    assert not says_kind("وبلغت كلفة المشروع 46 مليون دولار، موّل الصندوق 70 في المئة منها.", asked)
    assert not says_kind("وتقع الشركة في رأس الخيمة.", asked)


@pytest.mark.parametrize(
    "question",
    [
        "في أي مدينة وُلد المدرب المؤقت حمد عيسى المطوع؟",
        "وين انولدت الكاتبة؟",
        "ما مسقط رأس الكاتبة؟",
        "ما تاريخ ميلاد اللاعب؟",
    ],
)
def test_a_question_asking_where_or_when_one_was_born_is_answered_only_by_a_birth(
    question: str,
) -> None:
    """News names people for what they do; a fact about that does not say where they were born."""
    asked = kind_asked(tokens(question))
    assert asked is not None
    assert says_kind("ووُلد المطوع في المحرق عام 1980.", asked)
    assert says_kind("والكاتبة من مواليد حلب.", asked)
    assert says_kind("نجيب محفوظ (11 ديسمبر 1911 - 30 أغسطس 2006) روائي مصري.", asked)
    assert says_kind("توماس ألفا أديسون (1847-1931)، مخترع أمريكي.", asked)
    assert says_kind("عالم فيزياء ألماني المولد.", asked)
    assert not says_kind("وكلّف المجلس المدرب حمد عيسى المطوع بقيادة الفريق مؤقتا.", asked)


def test_a_boy_is_no_birth() -> None:
    assert kind_asked(tokens("كم ولد عند المزارع؟")) is None


def test_pay_asked_with_the_verb_of_being_paid_by_the_month() -> None:
    asked = kind_asked(tokens("كم سيتقاضى حمد عيسى المطوع شهريا خلال فترة قيادته؟"))
    assert asked is not None
    assert says_kind("ويتقاضى المدرب 20 ألف دولار شهريًا.", asked)
    assert not says_kind("وكلّف المجلس المدرب حمد عيسى المطوع بقيادة الفريق مؤقتا.", asked)
