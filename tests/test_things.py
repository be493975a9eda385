"""A sentence that calls a thing by its kind alone is about the thing named before."""

from __future__ import annotations

import pytest
from conftest import DATA, Site

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
    assert kind_asked(tokens("المهندس اتخرّج من أنهي جامعة؟")) == stem("جامعة")  # Egypt's which
    # Places and times are answered without the word: «في إربد», «عام 2016».
    assert kind_asked(tokens("في أي مدينة أقيم الحفل؟")) is None
    assert kind_asked(tokens("في أي عام أقيم المهرجان؟")) is None
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


# What news seldom says of what it names, each asked in several ways, with facts that say it
# and facts about the same thing that do not (another sum about the same man, his post).
PAY = (
    ("ويتقاضى المدرب 20 ألف دولار شهريًا.", "ويعمل الحراس بأجر شهري ثابت."),
    ("وقال المدرب إن كلفة المعسكر بلغت 18 مليون دينار.",),
)
PRICE = (
    ("وأن أسعار التذاكر تبدأ من 899 درهماً.", "ويبدأ سعر الليلة من 45 ريالاً عُمانياً."),
    ("ووقّعت الحكومة اتفاقيات تمويل بقيمة 42 مليار درهم.", "بقرض قيمته 11 مليار درهم."),
)
CAPITAL = (
    ("وتأسست الشركة عام 2016 برأسمال قدره 500 مليون درهم.", "شركة برأس مال قدره 5 ملايين."),
    ("وبلغت كلفة المشروع 46 مليون دولار، موّل الصندوق 70 في المئة منها.", "في رأس الخيمة."),
)
BIRTH = (
    (
        "ووُلد المطوع في المحرق عام 1980.",
        "والكاتبة من مواليد حلب.",
        "نجيب محفوظ (11 ديسمبر 1911 - 30 أغسطس 2006) روائي مصري.",  # the reference works' way
        "توماس ألفا أديسون (1847-1931)، مخترع أمريكي.",
        "عالم فيزياء ألماني المولد.",
    ),
    ("وكلّف المجلس المدرب حمد عيسى المطوع بقيادة الفريق مؤقتا.",),
)
FOUNDING = (
    (
        "وتأسس نادي المنارة عام 1952.",
        "وتضم التعاونية، التي تأسست عام 2006، نحو 230 مزارعًا.",
        "منذ تأسيسها في 1994.",
        "وأُنشئت الجمعية قبل عشرين عاما.",
        "وقال مؤسسها إن الفكرة نشأت في 2019.",
    ),
    ("وقّعت الجمعية التعاونية لمزارعي الورد في الطائف، يوم الأربعاء، أول عقد تصدير.",),
)
EARNINGS = (
    (
        "وحققت الشركة أرباحاً صافية بلغت 240 مليون درهم.",
        "ويبلغ دخل المزارع نحو ألفي دينار في الموسم.",
        "ويتقاضى العامل 300 دينار شهريا.",
    ),
    ("وقال المزارع إن سعر الألف وردة ارتفع إلى 90 ريالاً.", "وتضم مزرعته 4 آلاف شجيرة."),
)
FORMER = (
    (
        "وقد عمل مدرسا للغة العربية قرابة ثلاثين عاما قبل أن يتفرغ للكتابة.",
        "وهو مهندس برمجيات اشتغل سبع سنوات لدى شركة اتصالات.",
        "بعد أن قضى العام الماضي في العمل بورشة لإصلاح السيارات.",
        "وكان الوزير السابق للنقل قد زار الموقع.",
    ),
    (
        "وأوضح المدير التنفيذي للشركة أن فرق العمل أعادت استخدام الحجارة.",
        "وتفقّد وزير الأشغال العامة موقع الحريق صباحا.",
    ),
)


@pytest.mark.parametrize(
    ("question", "facts"),
    [
        ("كم يبلغ راتب المدرب نبيل الحرزي؟", PAY),
        ("قديش راتب الدكتور سامر؟", PAY),
        ("العمال اللي يشتغلون في الفرق كم رواتبهم؟", PAY),  # asked late, with their pronoun
        ("ما أجر العامل؟", PAY),
        ("كم سيتقاضى حمد عيسى المطوع شهريا خلال فترة قيادته؟", PAY),  # the verb, by the month
        ("شحال كيتخلص المهندس فالشهر؟", PAY),  # the dialects' verbs of being paid
        ("قداش يخلّصو الطبيب في الشهر؟", PAY),
        ("قديش بيقبض الموظف بالشهر؟", PAY),
        ("شحال كيربح المزارع فالعام من الورد ديالو؟", EARNINGS),
        ("الشركة كانت بتكسب كام في السنة؟", EARNINGS),
        ("كم سيبلغ سعر تذكرة القطار بين الدار البيضاء ومراكش؟", PRICE),
        ("قديش سعر التذكرة لألماتي؟", PRICE),
        ("كم أصبح ثمن المتر المكعب؟", PRICE),
        ("الكاميرا اللي استوردوها تمنها كام؟", PRICE),  # the dialects ask it last
        ("ما سعر الفائدة على قرض الصندوق العربي؟", PRICE),
        ("كم تبلغ حاليًا تعرفة المتر المكعب من مياه الشبكة؟", PRICE),  # a tariff is a price
        ("شكثر رأس مال الصندوق الأوروبي الخليجي؟", CAPITAL),  # written apart
        ("كم يبلغ رأسمال الشركة؟", CAPITAL),
        ("في أي مدينة وُلد المدرب المؤقت حمد عيسى المطوع؟", BIRTH),
        ("وين انولدت الكاتبة؟", BIRTH),
        ("ما مسقط رأس الكاتبة؟", BIRTH),
        ("ما تاريخ ميلاد اللاعب؟", BIRTH),
        ("متى تأسست الجمعية التعاونية لمزارعي الورد؟", FOUNDING),
        ("في أي عام أُنشئت الجمعية؟", FOUNDING),
        ("إمتى اتأسست الجمعية؟", FOUNDING),
        ("جمعية صيادي مرباط التعاونية من متى موجودة؟", FOUNDING),  # since when it has been
        ("منذ متى والجمعية قائمة؟", FOUNDING),
        ("ما المنصب الذي شغله المدير قبل أن يتولى إدارة الشركة؟", FORMER),
        ("شو كان شغل الوزير قبل ما يصير وزير؟", FORMER),
        ("ماذا كان يعمل ابنه قبل عودته إلى المدرسة؟", FORMER),
        ("الدكتورة اشتغلت فين قبل ما تيجي المركز؟", FORMER),
    ],
)
def test_what_news_seldom_says_is_answered_only_by_facts_that_say_it(
    question: str, facts: tuple[tuple[str, ...], tuple[str, ...]]
) -> None:
    asked = kind_asked(tokens(question))
    assert asked is not None
    said, unsaid = facts
    assert all(says_kind(fact, asked) for fact in said)
    assert not any(says_kind(fact, asked) for fact in unsaid)


@pytest.mark.parametrize(
    "question",
    [
        "كم تتقاضى التعاونية عن كل لتر من زيتها؟",  # the verb alone asks a price too
        "امتى يخلص المشروع؟",  # يخلص alone is to finish
        "كم مباراة كسب الفريق في العام الماضي؟",  # won, not earned
        "كم ولد عند المزارع؟",  # a boy, no birth
        "من أسس الجمعية؟",  # who, not when: a founder (bot/names.py)
        "كم عملا أدبيا نشر الكاتب قبل هذه الرواية؟",  # works, not his work
        "في اي مجلات كان أديسون فضل؟",  # a plural kind: as often a slip for مجالات
        "هل بدأ العمل في المشروع قبل موعده؟",
    ],
)
def test_questions_that_ask_none_of_what_news_seldom_says(question: str) -> None:
    assert kind_asked(tokens(question)) is None


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


async def test_when_a_body_was_founded_is_not_answered_by_its_dated_lead(site: Site) -> None:
    # Among the other articles of its set, as a reader's knowledge holds it.
    for article in (DATA / "train_p/articles").glob("*.yaml"):
        site.write(article.name, article.read_text(encoding="utf-8"))
    founded, signed = await site.asked_by_meaning(
        "متى تأسست الجمعية التعاونية لمزارعي الورد في الطائف؟",
        "متى وقعت جمعية مزارعي الورد في الطائف أول عقد تصدير؟",
    )
    assert not founded.answered
    assert signed.answered and signed.answers[0].fact_id == "s1"
