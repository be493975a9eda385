"""A question that asks for a name is answered only by a fact that gives that name."""

from __future__ import annotations

import pytest
from conftest import Site

from bot.analysis import fact_terms
from bot.matching import Query
from bot.names import holder_named, name_asked, names, role_asked, says_role
from bot.text import stem, tokens


@pytest.mark.parametrize(
    "question",
    [
        "ما اسم محافظ ذي قار؟",
        "ما هو اسم الشركة المنفذة؟",
        "شو اسم مدرب الفريق؟",
        "وش اسم الشركة اللي نفذت المشروع؟",
        "ما أسماء المستثمرين في التحالف؟",
        "اسم الشركة إيه؟",
        "من هو وزير الصحة اللبناني؟",
        "مين مدرب الفجر؟",
        "من هي المديرة التنفيذية للشركة؟",
        "مين الكاتب اللي كسب الجايزة؟",  # a writer, named as a post is
        "ما الشركة المصنعة للجهاز؟",  # which company: a kind known by its name
        "ما الفيلم الذي فاز بالجائزة؟",
        "مين الشركة اللي هتصنع القطارات الجديدة؟",  # «who» asks which one, as «ما» does
        "مدير الكهربا اللي المجلس هيستضيفه اسمه إيه؟",  # the dialects ask it last
        "الشركة اللي نفذت المشروع شو اسمها؟",
        "شنيّة أسامي الزوز اللي شدّهم الحرس؟",  # Tunisian «what»
        "شن اسم رئيس النادي؟",  # Libyan
        "من هم أعضاء لجنة التحكيم؟",  # members, and the professions news counts unnamed
        "شكون هوما الجراحين التلاتة اللي خدامين فالعيادة؟",
    ],
)
def test_questions_that_ask_for_a_name(question: str) -> None:
    assert name_asked(tokens(question)) is not None


@pytest.mark.parametrize(
    "question",
    [
        "ما سبب تأخر المشروع؟",
        "من فاز بالكأس؟",
        "من أين جاء التمويل؟",  # أين is a slip from أمين, a post, but no post
        "من هو فهد العتيبي؟",  # asks who a named man is, not his name
        "من هو نجيب محفوظ؟",  # نجيب is a slip from the post نقيب, but a word of its own
        "ما اسمه؟",  # the name of someone the question does not say
        "كم عمر الوزيرة؟",
        "ما المبلغ الذي رصدته المحافظة؟",  # a sum, which no name says
    ],
)
def test_questions_that_ask_for_no_name(question: str) -> None:
    assert name_asked(tokens(question)) is None


# One company named, and one that is not.
TWO_COMPANIES = "ونفّذت المشروعَ شركة «ضياء للطاقة» بالشراكة مع شركة إسبانية، واستغرق إنشاؤه عامين."


@pytest.mark.parametrize(
    ("question", "text", "named"),
    [
        ("ما اسم محافظ ذي قار؟", "وقال محافظ ذي قار إن المحافظة تعمل على إدراج الموقع.", False),
        ("ما اسم محافظ ذي قار؟", "وقال محافظ ذي قار عامر الخزاعي إن المحافظة تعمل.", True),
        ("من هو محافظ ذي قار؟", "وقال محافظ ذي قار عامر الخزاعي إن المحافظة تعمل.", True),
        # Two companies: the one the question says is the one left unnamed.
        ("ما اسم الشركة الإسبانية؟", TWO_COMPANIES, False),
        ("وش اسم الشركة اللي نفذت المشروع؟", TWO_COMPANIES, True),
        ("ما اسم المقاول الأول؟", "توقفت الأشغال بسبب نزاع مع المقاول الأول.", False),
        # A verb with its object's pronoun says what is done there, and names nothing.
        ("ما أسماء الأحياء الثلاثة؟", "يشمل البرنامج ثلاثة أحياء يقطنها 12 ألف نسمة.", False),
        ("ما أسماء الأحياء الثلاثة؟", "يشمل ثلاثة أحياء، الميدان والبربارة وكسارة، أولا.", True),
        ("ما اسم الابن الغائب؟", "تنتظر العائلة عودة ابنها الذي غادر البلاد.", False),
        ("ما اسم أخيه؟", "عاد إلى دمشق بعد وفاة أخيه باسل الأسد في حادث سيارة.", True),
        ("ما اسم السرطان بالإنجليزية؟", "السرطان (بالإنجليزية: Cancer) هو مجموعة أمراض.", True),
        # Words that say a name follows.
        ("ما اسم الهالة حول الشمس؟", "وتظهر هالتها الخارجية المعروفة بالإكليل.", True),
        ("ما اسم المقاول؟", "وتعاقدت الوزارة مع مقاول يدعى سالم الهاشمي.", True),
        # A naming word the question itself says names nothing.
        ("من هو المتحدث باسم الوزارة؟", "وقال المتحدث باسم الوزارة إن الخطة ستنفذ.", False),
        (
            "من هو المتحدث باسم الوزارة؟",
            "وقال المتحدث باسم الوزارة أحمد سالم إن الخطة ستنفذ.",
            True,
        ),
        # A name between commas, after the post or before it.
        (
            "من هي المديرة التنفيذية للشركة؟",
            "وأوضحت المديرة التنفيذية للشركة، رنا العبادي، أن الأعمال تأخرت.",
            True,
        ),
        ("من هو مدير المكتب؟", "وقال عوض باعباد، مدير المكتب، إن الإضراب مستمر.", True),
        # ... or after where the post is held, between commas too.
        (
            "مين رئيس شعبة المخابز اللي علّق على القرار؟",
            "ورحّب رئيس شعبة المخابز في الغرفة التجارية بالقاهرة، عبد الحميد الفقي، بالقرار.",
            True,
        ),
        ("من هو مدير الشركة؟", "وقال مدير الشركة في بيان، الأحد، إن الأرباح ارتفعت.", False),
        # A thing's kind without the article, then a word with it: the thing's name.
        (
            "شو اسم المستشفى بعمّان اللي عمل أول عملية بالروبوت؟",
            "أجرى مستشفى الريحان التخصصي في العاصمة الأردنية عمّان، الثلاثاء، أول عملية.",
            True,
        ),
        # A name the question gives is not the one it asks for.
        (
            "ما اسم الفندق الذي يملكه كاوه رسول؟",
            "وقال صاحب فندق في منطقة كلي علي بك، كاوه رسول، إنه رفض الحجوزات.",
            False,
        ),
        # Another's post: the same title, of something the question does not say.
        (
            "من هو مدير منظمة إنقاذ الطفولة في اليمن؟",
            "وقال مدير مكتب التربية في المحافظة، عوض باعباد، إن الإضراب مستمر.",
            False,
        ),
        (
            "من هو المدير التنفيذي لصندوق أفق؟",
            "وأوضحت المديرة التنفيذية للشركة، رنا العبادي، أن الأعمال تأخرت.",
            False,
        ),
        # The fund's own name, which the question gives, is not its director's.
        ("من هو مدير صندوق أفق؟", "وقاد الجولة صندوق «أفق» للاستثمار الجريء.", False),
        # A reader's slip in the post is still the post.
        ("من هو محافط الإسكندرية؟", "وقال محافظ الإسكندرية محمد الشريف إن الجسر جاهز.", True),
        # ... and a slip in the thing asked about, whose fact word has an ending (مشروعاً).
        ("ما اسم المسروع البحثي؟", 'وأطلقت الجامعة مشروعاً بحثياً يحمل اسم "صدى".', True),
        # A noun of three letters after its article may have lost one (الركة: الشركة).
        ("ما اسم الركة المنفذة؟", "ونفذت المشروع شركة «ضياء» المحلية.", True),
        ("ما اسم الركة المنفذة؟", "ونفذت المشروع الهيئة، ثم سلمته للوزارة.", False),
        # A fact that never speaks of what is asked about names none of it.
        ("ما اسم اللقاح؟", "وتبلغ كلفة الحملة 3.2 مليون دولار.", False),
        # The day set off by commas is when, not who.
        ("ما اسم محافظ حلب؟", "أعادت محافظة حلب، السبت، افتتاح سوق العطارين.", False),
        ("ما اسم محافظ حلب؟", "وقال محافظ حلب، أحمد العلي، إن السوق جاهز.", True),
        # ... and so is a day right after the words asked about, without commas.
        ("من هو وزير الصحة؟", "وقال وزير الصحة يوم الأحد إن الحملة بدأت.", False),
        ("من هو وزير الصحة؟", "وقال وزير الصحة خالد الأحمد يوم الأحد إن الحملة بدأت.", True),
        # An adjective agrees with its noun; a name need not: what it is, not what it is called.
        ("ما اسم القناة التلفزيونية؟", "وستبث المباريات على قناة تلفزيونية مفتوحة.", False),
        ("ما اسم القلعة؟", "ويربط المسار الحارة بقلعة قريبة خلال العام.", False),
        ("ما اسم المستشار المالي؟", "وعينا مستشارا ماليا دوليا لتقييم الأصول.", False),
        ("من هو محافظ واسط؟", "وقال محافظ واسط عادل الزبيدي إن المحطة جاهزة.", True),
        # ... whether the adjective is a word of the question or not; a word with the article
        # after the noun says whose it is, and a name may follow.
        ("ما اسم الجامعة المستقلة؟", "وسيقيس فريق من جامعة مستقلة أثر التجربة.", False),
        ("من هي وزيرة الصحة؟", "وقالت وزيرة الصحة هالة زايد إن الحملة بدأت.", True),
        # A dialect's possessive is no word of what is asked about; a verbal noun with its
        # object's pronoun after ل says what is done to it, and names nothing.
        ("تطبيق القمح بتاع أسيوط اسمه إيه؟", "ويحمل التطبيق اسم «سنبلة» في أسيوط.", True),
        (
            "مدير الكهربا اللي المجلس هيستضيفه اسمه إيه؟",
            "وقال إن المجلس سيستضيف مدير الكهرباء الأسبوع المقبل لمساءلته عن الانقطاعات.",
            False,
        ),
        # What it is for, after a preposition, is no name; a name called so after it is.
        ("ما اسم وزير الزراعة؟", "برئاسة وزير الزراعة الولائي لمتابعة الوضع.", False),
        ("ما اسم المنصة؟", "عبر منصة وهمية لتداول العملات تدعى «كوين فالكون».", True),
        # Quotes set a name off, with the article or without it.
        ("ما اسم الجمعية؟", 'وزعت السلال بالتعاون مع جمعية "الإغاثة الساحلية" المحلية.', True),
        # Which one of a kind: named right after the kind, whatever else the question says of it.
        (
            "ما الشركة المشغلة لحقل وادي الحياة؟",
            'وقالت شركة "الواحة الجنوبية للعمليات النفطية"، المشغلة للحقل، إن الإنتاج عاد.',
            True,
        ),
        ("ما الشركة المصنعة لجهاز الرنين؟", "ويبدأ تشغيل جهاز الرنين مطلع أبريل.", False),
        ("ما الشركة الإسبانية التي شاركت في التنفيذ؟", TWO_COMPANIES, False),
        ("ما الشركة التي نفذت المشروع؟", TWO_COMPANIES, True),
        # A plural of things and its feminine adjective describe; what follows و is more.
        ("ما المنظمات الدولية التي حضرت؟", "وحضر ممثلون عن منظمات دولية وعدد من السكان.", False),
        ("ما أسماء الأصناف الثلاثة؟", "وحدد فريقها ثلاثة أصناف محلية تظهر مقاومة للمرض.", False),
        # A plural's adjective agrees with it: «ناشرون مشاركون» names no publisher.
        ("ما أسماء الناشرين؟", "بعد شكاوى تقدم بها ناشرون مشاركون.", False),
        ("ما أسماء الفائزين؟", "وتوج من الفائزين خالد العمري وسعاد نصر.", True),
        # A noun with «her» joined is known already: the word after it describes it.
        (
            "ما اسم شقيق ريم القحطاني؟",
            "وقالت القحطاني إنها بدأت اللعب على جهاز شقيقها الأكبر.",
            False,
        ),
        # A function word with a pronoun joined is no name.
        ("ما الجمعية التي نظمت الحملة؟", "وأعلنت الجمعية أنها ستطلق حملة ثانية.", False),
        ("ما الجمعية التي نظمت الحملة؟", 'وأعلنت جمعية "بسمة" أنها ستطلق حملة ثانية.', True),
        # A thing described, then where it is and what it cost: «بمدينة …»، «بكلفة …».
        (
            "ما اسم الورشة البحرية في صفاقس التي صنعت القوارب؟",
            "وصُنعت القوارب في ورشة بحرية بمدينة صفاقس بكلفة بلغت مليون دينار.",
            False,
        ),
        ("ما اسم أخيه؟", "عاد إلى دمشق بعد وفاة أخيه باسل في حادث سيارة.", True),  # باسل
        # «and» joined to a common word begins another, not a name; a name may begin with و.
        ("ما اسم الحارس الليلي؟", "وأوقفت الشرطة الحارس الليلي ومسؤول الصيانة.", False),
        ("ما اسم الحارس الليلي؟", "وأوقفت الشرطة الحارس الليلي وليد سالم.", True),
        # A thing of a kind that bears names has one that is no common word, or is quoted:
        # after it, a common word says what it did or where it is.
        ("ما اسم الصاروخ؟", "وأُطلق القمر على متن صاروخ انطلق من قاعدة في نيوزيلندا.", False),
        ("ما اسم البنك الاستثماري؟", "وتولى بنك استثماري مقره دبي دور المستشار.", False),
        ("ما اسم الشركة؟", "وتعاقدت الوزارة مع شركة نبر لتنفيذ المشروع.", True),
        # An adjective the question says, with the alef of the accusative, is no name though
        # normalised it looks like a word with the article (ألمانياً).
        (
            "ما اسم العداء الألماني الذي نقلته فرق الإسعاف؟",
            "ونقلت فرق الإسعاف عداءً ألمانياً إلى المستشفى.",
            False,
        ),
        ("من هم الجراحون الثلاثة؟", "ويعمل في العيادة فريق من ثلاثة جراحين وأربعة ممرضين.", False),
        # ... and so does a plural of that kind: «التطبيقات» as «تطبيق».
        ("ما أسماء التطبيقات الثلاثة؟", "وكانت التطبيقات الثلاثة تمنح قروضا صغيرة.", False),
    ],
)
def test_a_fact_names_what_is_asked_only_where_it_gives_the_name(
    question: str, text: str, named: bool
) -> None:
    asked = name_asked(tokens(question))
    assert asked is not None
    assert names([text], asked) is named


GOVERNORS = """\
id: governors
title: "محافظتان تفتتحان موقعين أثريين"
sentences:
  - id: s1
    text: "وقال محافظ ذي قار إن المحافظة تعمل على إدراج الموقع ضمن مسار سياحي."
  - id: s2
    text: "وافتتح محافظ البصرة أسعد العيداني متحف المدينة الجديد يوم الخميس."
"""


async def test_a_fact_without_the_name_is_not_given_as_the_answer(site: Site) -> None:
    site.write("governors.yaml", GOVERNORS)
    async with site.engine() as engine:
        await engine.reload()
        await engine.fill_vectors()
        unnamed = await engine.ask("ما اسم محافظ ذي قار؟", record=False)
        named = await engine.ask("من هو محافظ البصرة؟", record=False)
        # The same fact answers what it does say.
        said = await engine.ask("ماذا قال محافظ ذي قار عن الموقع؟", record=False)
    assert not unnamed.answered
    assert named.answered
    assert named.answers[0].fact_id == "s2"
    assert said.answered
    assert said.answers[0].fact_id == "s1"


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("من أسس شركة الأرجوان؟", "founded"),
        ("شكون اللي أسس الشركة مع العنزي؟", "founded"),
        ("منو أسس جمعية واحة درعة؟", "founded"),
        ("مين بيرأس قائمة «صوت مصراتة» يلي قدمت الشكاوى؟", "heads"),
        ("من تترأس الفريق البحثي؟", "heads"),
        ("مين اللي بيدير المستشفى؟", "heads"),
        ("من يملك صندوق «سهيل كابيتال» الإماراتي؟", "owns"),
        ("صندوق الأمل للتعليم ده مين اللي بيموّله؟", "funds"),
        ("شكون اللي غادي يبني محطة التطهير الجديدة؟", "builds"),  # after what says «will»
        ("منو اللي بنى المبنى الجديد في المطار؟", "builds"),
        ("مين بنت الشيخ؟", None),  # a daughter, not building
        ("متى تأسست شركة الأرجوان؟", None),  # when, not who
        ("من هو مؤسس النادي؟", None),  # a post asked by name: name_asked's
        ("كم يستغرق الطيران من رأس الخيمة؟", None),  # a head, not heading
        ("من ملك الأردن؟", None),  # a king, not owning
    ],
)
def test_a_question_asking_who_founded_heads_or_owns_something(
    question: str, role: str | None
) -> None:
    asked = role_asked(tokens(question))
    assert (asked and asked.role) == role


@pytest.mark.parametrize(
    ("statement", "says"),
    [
        ("وأسس العنزي الشركة عام 2022 في بريدة.", True),
        ("وتأسست الشركة عام 2022 على يد المهندسة لمى القحطاني.", True),
        ("وقال مؤسسها خالد الرفاعي إن الشركة توسعت.", True),
        ("وقام المهندس سامي الحديدي بتأسيسها عام 2001.", True),
        ("وتوسعت الشركة منذ تأسيسها عام 2001.", False),  # since when, not by whom
        ("وتأسست الأرجوان عام 1994 في مدينة السلط.", False),  # when and where, not who
        ("وقالت مؤسسة ضفاف إن الجائزة ستتوسع.", False),  # an institution, no founder
    ],
)
def test_a_fact_says_who_founded_only_with_the_verb_the_founder_or_by_whose_hand(
    statement: str, says: bool
) -> None:
    asked = role_asked(tokens("من أسس الشركة؟"))
    assert asked is not None and says_role(statement, asked) is says


@pytest.mark.parametrize(
    ("question", "statement", "says"),
    [
        (
            "من يرأس الرابطة السعودية؟",
            "ونظمت البطولة شركة «منصة» بالتعاون مع الرابطة السعودية.",
            False,
        ),
        ("من يرأس الرابطة السعودية؟", "وقال رئيس الرابطة السعودية فهد العتيبي إن ...", True),
        ("من يرأس اللجنة؟", "وانتهى الاحتجاج باتفاق مع لجنة حكومية برئاسة عمر سالم.", True),
        ("من تترأس الفريق البحثي؟", "ويقود الفريق البحثي الدكتورة ريم العبادي.", True),
        # The head of another body: the list asked about is not spoken of.
        (
            "مين بيرأس قائمة «صوت مصراتة»؟",
            "وأوضحت لجنة الطعون، التي يرأسها القاضي مفتاح الشريدي، أنها ستفصل في الشكاوى.",
            False,
        ),
        ("من يملك المصنع؟", "مصنع لإنتاج الألواح الشمسية تملكه شركة «ضياء».", True),
        ("من يموّل المشروع؟", "وينفذ المشروع بتمويل من البنك الإسلامي للتنمية.", True),
        ("من يموّل المشروع؟", "وأعلنت الوزارة إطلاق المشروع في ثلاث ولايات.", False),
        ("منو اللي بنى المبنى؟", "وأنشأت المبنى شركة مقاولات تركية.", True),
        # Built, but by whom it does not say.
        ("مين اللي هيبني المحطة؟", "وأوضحت أن محطة تطهير جديدة ستُبنى في منزل عبد الرحمن.", False),
        (
            "من يملك الصندوق؟",
            "وقاد الجولة صندوق «أطلس» بمشاركة صندوق «سهيل».",
            False,
        ),  # led, not owned
    ],
)
def test_a_fact_says_who_heads_or_owns_only_with_the_role_and_what_holds_it(
    question: str, statement: str, says: bool
) -> None:
    asked = role_asked(tokens(question))
    assert asked is not None and says_role(statement, asked) is says


FOUNDED = """\
id: founded
title: "الأرجوان تشتري مصنعا"
sentences:
  - id: s1
    text: "وتأسست الأرجوان للصناعات الدوائية عام 1994 في مدينة السلط."
  - id: s2
    text: "وأسس المهندس سامي الحديدي شركة النور للأدوية عام 2001 في إربد."
"""


async def test_a_fact_that_does_not_say_who_founded_does_not_answer_who_did(site: Site) -> None:
    site.write("founded.yaml", FOUNDED)
    async with site.meaning_on().engine() as engine:
        await engine.reload()
        await engine.fill_vectors()
        unsaid = await engine.ask("من أسس شركة الأرجوان للصناعات الدوائية؟", record=False)
        said = await engine.ask("من أسس شركة النور للأدوية؟", record=False)
        when = await engine.ask("متى تأسست الأرجوان للصناعات الدوائية؟", record=False)
    assert not unsaid.answered
    assert said.answered and said.answers[0].fact_id == "s2"
    assert when.answered and when.answers[0].fact_id == "s1"


DELEGATION = """\
id: delegation
title: "وفد روسي في جنيف"
sentences:
  - id: s1
    text: "ترأس الوفد الروسي سيرغي لافروف في محادثات جنيف."
facts:
  - id: head
    statement: "ترأس الوفد الروسي سيرغي لافروف في محادثات جنيف."
    source: [s1]
    questions: ["من هو رئيس الوفد الروسي؟"]
"""


async def test_an_editor_who_asked_the_question_vouches_for_the_fact(site: Site) -> None:
    """The post is named by a verb (ترأس), not a noun: the editor's question says it answers."""
    site.write("delegation.yaml", DELEGATION)
    async with site.engine() as engine:
        await engine.reload()
        answer = await engine.ask("من هو رئيس الوفد الروسي؟", record=False)
    assert answer.answered
    assert answer.answers[0].fact_id == "head"


@pytest.mark.parametrize(
    ("question", "statement", "pinned"),
    [
        # The title the question names its person by, then a name: the one asked for.
        (
            "مين الدكتورة اللي ماسكة إدارة مستشفى الأطفال في صفاقس؟",
            "وأكدت مديرة المستشفى، الدكتورة سلمى بن عاشور، أن القسم سيعمل.",
            True,
        ),
        ("من هو مدرب الفريق؟", "وقال مدرب الفريق خالد الشهري إن اللقب ثمرة عمل.", True),
        # Another post, or the title with only the question's own words after it.
        ("من هو مدرب الفريق؟", "وقال رئيس النادي إن الفريق استحق اللقب.", False),
        ("من هو مدرب الفريق؟", "واستقبلت الجماهير الفريق ومدرب الفريق.", False),
    ],
)
def test_a_name_right_after_the_title_a_who_question_says_is_pinned_to_it(
    question: str, statement: str, pinned: bool
) -> None:
    query = Query.parse(question)
    words = fact_terms(statement, [], [], []).statement_words()
    assert holder_named(words, query.titles, query.said) is pinned


@pytest.mark.parametrize("question", ["من فاز باللقب؟", "متى وصل مدرب الفريق؟"])
def test_only_a_who_question_that_says_a_title_asks_its_holder(question: str) -> None:
    assert Query.parse(question).titles == frozenset()


def test_a_slip_in_a_title_is_read_as_the_title_but_a_word_or_a_dialects_is_not() -> None:
    titles = Query.parse("مين الدكتوررة اللي ماسكة إدارة المستشفى؟").titles
    assert titles == {stem("دكتورة")}  # ماسكة (holding) is no مالكة mistyped
    assert Query.parse("من نجيب محفوظ؟").titles == frozenset()  # نجيب is a word, not نقيب


LISTS = """\
id: lists
title: "قائمة «مصراتة تجمعنا» تفوز بالانتخابات البلدية"
sentences:
  - id: s1
    text: "وتقدمت قائمة «صوت مصراتة» بثلاث عشرة شكوى إلى لجنة الطعون الانتخابية."
  - id: s2
    text: "وأوضحت لجنة الطعون، التي يرأسها القاضي مفتاح الشريدي، أنها ستفصل في الشكاوى."
"""


async def test_who_heads_a_body_the_article_names_no_head_of_is_refused(site: Site) -> None:
    site.write("lists.yaml", LISTS)
    unsaid, said = await site.asked_by_meaning(
        "مين بيرأس قائمة «صوت مصراتة» يلي قدمت الشكاوى؟", "من يرأس لجنة الطعون الانتخابية؟"
    )
    assert not unsaid.answered
    assert said.answered
    assert said.answers[0].fact_id == "s2"


def test_what_holds_the_role_is_read_after_the_verb_past_a_relative_pronoun() -> None:
    asked = role_asked(tokens("مين اللي بيدير مستشفى الأطفال؟"))
    assert asked is not None and asked.role == "heads"
    assert says_role("وقالت مديرة مستشفى الأطفال سلمى الفراتي إن ...", asked)
    assert not says_role("وقال خالد الذي يدير الشركة إن الأشغال ستنتهي قريبا.", asked)
