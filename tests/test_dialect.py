"""Readers' own words: questions in the four big dialect groups meet Modern Standard facts."""

from __future__ import annotations

from collections import Counter
from importlib import resources

import pytest
from conftest import Site

from bot.analysis import question_kind
from bot.engine import Engine
from bot.matching import Query
from bot.text import in_standard, normalize, read, readings, slipped_dialect, stem

# Facts in Modern Standard Arabic that share their subject (الوفد), so that only the verb a
# dialect question uses tells them apart.
DELEGATION = """\
id: delegation
title: "زيارة وفد روسي إلى جنيف"
sentences:
  - id: s1
    text: "وصل الوفد الروسي إلى جنيف بالقطار صباح الخميس."
  - id: s2
    text: "أحضر الوفد هدية للرئيس السويسري هي سيف قديم."
  - id: s3
    text: "يرجع الوفد إلى موسكو يوم الأحد 17 آب/ أغسطس 2025."
  - id: s4
    text: "لم يحضر الرئيس الفرنسي القمة بسبب المرض."
  - id: s5
    text: "اجتمع الوزيران في فندق على ضفاف بحيرة ليمان."
  - id: s6
    text: "بلغ سعر تذكرة حضور المؤتمر 50 دولارا."
facts:
  - {id: arrival, statement: "وصل الوفد الروسي إلى جنيف بالقطار صباح الخميس.", source: [s1]}
  - {id: gift, statement: "أحضر الوفد هدية للرئيس السويسري هي سيف قديم.", source: [s2]}
  - {id: return, statement: "يرجع الوفد إلى موسكو يوم الأحد 17 آب/ أغسطس 2025.", source: [s3]}
  - {id: absence, statement: "لم يحضر الرئيس الفرنسي القمة بسبب المرض.", source: [s4]}
  - {id: meeting, statement: "اجتمع الوزيران في فندق على ضفاف بحيرة ليمان.", source: [s5]}
  - {id: ticket, statement: "بلغ سعر تذكرة حضور المؤتمر 50 دولارا.", source: [s6]}
"""


@pytest.fixture
async def delegation(site: Site) -> Engine:
    site.write("delegation.yaml", DELEGATION)
    async with site.engine() as engine:
        await engine.reload()
        yield engine


@pytest.mark.parametrize(
    ("question", "kind", "fact"),
    [
        # Egyptian
        ("الوفد هيرجع موسكو إمتى؟", "when", "return"),
        ("الوفد جاب إيه للرئيس السويسري؟", "what", "gift"),
        ("الوفد وصل جنيف إزاي؟", "how", "arrival"),
        ("تذكرة المؤتمر بكام؟", "how_many", "ticket"),
        ("الوزيرين اجتمعوا فين؟", "where", "meeting"),
        # Levantine
        ("إيمتى رح يرجع الوفد على موسكو؟", "when", "return"),
        ("شو جاب الوفد معه للرئيس؟", "what", "gift"),
        ("قديش سعر تذكرة المؤتمر؟", "how_many", "ticket"),
        ("ليش الرئيس الفرنسي ما حضر القمة؟", "why", "absence"),
        ("وين اجتمعوا الوزيرين؟", "where", "meeting"),
        # Gulf
        ("متى بيرجع الوفد لموسكو؟", "when", "return"),
        ("وش جاب الوفد للرئيس؟", "what", "gift"),
        ("شلون وصل الوفد لجنيف؟", "how", "arrival"),
        ("ليش الرئيس الفرنسي ماحضر القمة؟", "why", "absence"),
        # Maghrebi
        ("وقتاش غادي يرجع الوفد لموسكو؟", "when", "return"),
        ("شنو جاب الوفد للرئيس السويسري؟", "what", "gift"),
        ("كيفاش وصل الوفد لجنيف؟", "how", "arrival"),
        ("علاش الرئيس الفرنسي ماحضرش القمة؟", "why", "absence"),
        ("شحال سعر تذكرة المؤتمر؟", "how_many", "ticket"),
    ],
)
async def test_dialect_questions_find_the_standard_fact(
    delegation: Engine, question: str, kind: str, fact: str
) -> None:
    assert question_kind(question) == kind
    answer = await delegation.ask(question, record=False)
    assert answer.answered, question
    assert answer.answers[0].fact_id == fact


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("امتى رجع الرئيس؟", "when"),
        ("كام واحد حضر؟", "how_many"),
        ("مين حضر القمة؟", "who"),
        ("شكون ربح الانتخابات؟", "who"),
        ("منو فاز؟", "who"),
        ("من وين جا الوفد؟", "where"),
        ("من فين جه الوفد؟", "where"),
        ("منين جا الوفد؟", "where"),
        ("ليه اتأجلت القمة؟", "why"),
        ("علاه تأجلت القمة؟", "why"),
        ("ازاي وصلوا؟", "how"),
        ("آش وقع في القمة؟", "what"),
        ("اشنو قال الرئيس؟", "what"),
        # The question word last, as Egyptian and Levantine often put it.
        ("محطة التحلية في الدار البيضاء هتشتغل إمتى؟", "when"),
        ("الوفد الروسي اللي زار جنيف راح فين؟", "where"),
        ("هو الطريق هيفضل مقفول قد إيه؟", "how_many"),  # how long: a figure, not «what»
        ("أد إيه دفعوا في التذكرة؟", "how_many"),
    ],
)
def test_the_dialects_question_words_say_what_is_asked(question: str, kind: str) -> None:
    assert question_kind(question) == kind


@pytest.mark.parametrize(
    ("word", "verb"),
    [
        ("هيرجع", "يرجع"),  # Egyptian future
        ("حيرجع", "يرجع"),
        ("بيرجع", "يرجع"),  # Levantine and Egyptian present
        ("بترجع", "ترجع"),
        ("كيرجع", "يرجع"),  # Maghrebi present
        ("رحيرجع", "يرجع"),  # رح, عم and غادي written joined
        ("عميرجع", "يرجع"),
        ("غايرجع", "يرجع"),
        ("مابيرجعش", "يرجع"),  # negation around a prefixed verb
        ("ماحضرش", "حضر"),
    ],
)
def test_a_dialect_verb_is_read_without_its_tense_prefix_and_negation(word: str, verb: str) -> None:
    read = readings(normalize(word))
    assert read[0] == normalize(word)  # as written first
    assert verb in read
    if verb.startswith(("ي", "ت")):
        assert verb[1:] in read  # and on to the stem: يرجع as رجع


def test_a_dialect_verb_is_read_as_its_standard_equivalent() -> None:
    assert "وجدوا" in readings(normalize("لقاوهم"))  # لقاو with هم joined, the plural's و
    assert "راوا" in readings(normalize("شافوه"))
    assert readings(normalize("سيارة")) == ["سياره", "ياره"]  # ة is no pronoun
    assert readings(normalize("ستحفظ"))[:3] == ["ستحفظ", "تحفظ", "حفظ"]  # the future's verb
    assert {"يقيس", "قيس"} <= set(readings(normalize("يقيسو")))  # a dialect's plural
    assert "يمر" in readings(normalize("يدوزو"), True)  # then its standard word
    assert readings(normalize("يرجو")) == ["يرجو", "رجو"]  # no plural: too short
    assert "جاء" in readings(normalize("ماجاش"))  # جا inside ما...ش
    assert "يري" in readings(normalize("هيشوف"))  # يشوف, then يرى
    assert "احضر" in readings(normalize("جاب"))
    assert {"جلس", "بقي"} <= set(readings(normalize("قعد")))  # two meanings
    assert "فعل" in readings(normalize("سوى"))


def test_a_dialect_word_with_a_slip_is_read_as_its_standard_equivalent() -> None:
    assert normalize("نهائي") in slipped_dialect(normalize("الفينالل"))  # ل doubled
    assert normalize("مستشفى") in slipped_dialect(normalize("السبياطر"))  # ا and ط swapped
    # A word written Arabic often uses is meant as written: شاق (hard) is not شاف (saw).
    assert readings("شاق") == ["شاق"]
    assert slipped_dialect("شاق") == []
    # Nor is a slip read into a word of three letters, which the near search never does
    # either: الراحي is the name الرواحي misspelt, not راح (went) with a letter too many.
    assert "ذهب" not in slipped_dialect(normalize("الراحي"))
    assert "ذهب" in readings(normalize("راح"))
    # Nor is it رايح (will) for the sentence model: a particle takes no article.
    assert in_standard("ما أكبر عقبة في رأي الراحي؟", lambda word: False).endswith("الراحي؟")


# Everyday nouns the dialects borrow or keep (a hospital, a nurse, a car park, a match) meet
# the standard words a news article uses.
TOWN = """\
id: town
title: "أخبار المدينة"
sentences:
  - id: s1
    text: "يضم المستشفى الجديد 40 ممرضا و12 طبيبا."
  - id: s2
    text: "يتسع الموقف الجديد لخمسمئة سيارة قرب المحطة."
  - id: s3
    text: "انتهت المباراة النهائية بفوز الفريق المحلي بهدفين."
  - id: s4
    text: "أغلقت البلدية الجسر القديم أمام الحافلات حتى نهاية الشهر."
"""


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("شحال من فرملي فالسبيطار الجديد؟", "s1"),  # Maghrebi: nurse, hospital
        ("قديش طوموبيل بيساع الباركينغ الجديد؟", "s2"),  # loanwords: car, parking
        ("الماتش الفينال خلص كام جول؟", "s3"),  # Egyptian: match, final, goal
        ("ليش الكوبري مسكر قدام الباصات؟", "s4"),  # Levantine and Egyptian: bridge, closed, bus
    ],
)
async def test_everyday_dialect_nouns_find_the_standard_fact(
    site: Site, question: str, fact: str
) -> None:
    site.write("town.yaml", TOWN)
    async with site.engine() as engine:
        await engine.reload()
        answer = await engine.ask(question, record=False)
    assert answer.answers and answer.answers[0].fact_id == fact, question


def test_the_words_as_written_come_first_so_standard_words_keep_their_letters() -> None:
    # هيكل and بيروت start like a dialect's prefixed verb: read as written when held.
    for word in ("هيكل", "بيروت", "كيان"):
        query = Query.parse(f"ما {word}؟")
        held = {stem(word)}
        assert query.resolve(lambda terms, held=held: terms[0] in held).stems == (stem(word),)
    assert readings("بيت") == ["بيت"]  # too short to hide a prefix


def test_a_dialect_function_word_that_is_a_standard_word_is_dropped_unless_held() -> None:
    query = Query.parse("عايز اعرف ايه الاية اللي قالها الرئيس")
    held = {stem("الرئيس"), stem("قالها")}
    kept = query.resolve(lambda terms: terms[0] in held).stems
    assert stem(normalize("عايز")) not in kept
    assert stem(normalize("اعرف")) not in kept
    # Held, آية is a word of the knowledge and stays.
    held.add(stem(normalize("ايه")))
    assert stem(normalize("ايه")) in query.resolve(lambda terms: terms[0] in held).stems


def test_a_dialect_word_for_a_function_word_is_dropped_unless_held() -> None:
    # لين is the Gulf حتى (until), a stopword: the knowledge cannot hold it.
    query = Query.parse("كم مزارعا جرب التطبيق لين الحين؟")
    held = {stem("مزارعا"), stem("جرب"), stem("التطبيق")}
    assert stem("لين") not in query.resolve(lambda terms: terms[0] in held).stems
    held.add(stem("لين"))  # soft, in the standard
    assert stem("لين") in query.resolve(lambda terms: terms[0] in held).stems


@pytest.mark.parametrize(
    ("question", "standard"),
    [
        ("وش اسم الشركة اللي نفّذت المشروع؟", "ما اسم الشركة الذي نفّذت المشروع؟"),
        ("مين جاب الجون؟", "من أحضر الهدف؟"),
        ("منين جا الماتش؟", "من أين جاء المباراة؟"),
        ("قديش سعر التذكرة؟", "كم سعر التذكرة؟"),
        ("الكهربا اتقطعت امتى؟", "الكهرباء انقطعت متى؟"),  # the standard word with its hamza
        # Tense particles, pronouns and negation too; دول stays: it is countries as well.
        ("وين رح يفتحوا المركز؟", "أين سوف يفتحوا المركز؟"),
        ("شنو هوما الدول اللي مش مشاركة؟", "ما هم الدول الذي ليس مشاركة؟"),
        ("من أي دول جاء المستثمرون؟", "من أي دول جاء المستثمرون؟"),
        # A verb behind a tense prefix, with the tense written as the standard writes it.
        ("هيترجموا النصوص إمتى؟", "سيترجموا النصوص متى؟"),
        ("وبيقولوا إيه عن المشروع؟", "ويقولوا إيه عن المشروع؟"),
        ("كيخدمو فين؟", "يخدمو أين؟"),
        # The Maghrebi plural of a present-tense verb, with the standard's ending.
        ("وقتاش غادي يعرضو اللوحات؟", "متى سوف يعرضون اللوحات؟"),
        ("واش يبقاو فالمخيم؟", "هل يبقون فالمخيم؟"),
        ("علاش بغاو يبدلو الشهر؟", "لماذا أرادوا يبدلو الشهر؟"),  # يبدلو is not يبدون
        ("فين قطعو الضو؟", "أين قطعوا الكهرباء؟"),  # and the past's
        # The Levantine and Gulf هال joined to a noun: no verb behind a prefix (هـ + السنة).
        ("شكثر نقص المحصول هالسنة؟", "كم نقص المحصول هذه السنة؟"),
        ("كم مزارع جربوا التطبيق لين الحين؟", "كم مزارع جربوا التطبيق حتى الآن؟"),
        ("كانت تطلع ع بيروت لحد السنة الماضية", "كانت تطلع على بيروت حتى السنة الماضية"),
        ("ماكو كهربا بالبصرة ليش؟", "لا يوجد كهرباء بالبصرة لماذا؟"),
        # A possessive or filler the standard says without a word is left out.
        ("شكون غادي يمول المحطة ديال الحاويات؟", "من سوف يمول المحطة الحاويات؟"),
        ("الميزانية متاع الوزارة قداش؟", "الميزانية الوزارة كم؟"),
        # A dialect noun keeps what is joined to it, and the Maghrebi في is written apart;
        # a verb after ف is "so" as in the standard.
        ("شحال من فرملي فسبيطار صفاقس؟", "كم من ممرض في مستشفى صفاقس؟"),
        ("قديش نسبة الطاقة بكهربا الأردن؟", "كم نسبة الطاقة بكهرباء الأردن؟"),
        ("مين جاب الجون وللماتش الجاي؟", "من أحضر الهدف وللمباراة القادم؟"),
        ("فجاب الجون", "فأحضر الهدف"),
        ("المركز بيشتغل من الساعة كام لكام؟", "المركز يعمل من الساعة كم إلى كم؟"),
        ("متى بدوا يبنون المستشفى؟", "متى بدوا يبنون المستشفى؟"),  # بدوا, not ب and دوا
        # Verbs, nouns and words of quantity every group uses.
        ("أيمتى ممكن تجي الموجة التانية؟", "متى ممكن تأتي الموجة الثانية؟"),
        ("الشركة بتطير لأنهي مناطق أكتر؟", "الشركة تطير لأي مناطق أكثر؟"),
        ("وقتاش حيدو القوة القاهرة؟", "متى رفعوا القوة القاهرة؟"),
        ("وين راحوا العيل اللي نزحوا؟", "أين ذهبوا الأسرة الذي نزحوا؟"),
        ("هو الوزير قال ليه زودوا دعم العيش؟", "هو الوزير قال لماذا زودوا دعم الخبز؟"),
        ("ليش كانت التمور تخرب قبل؟", "لماذا كانت التمور تتلف قبل؟"),
        ("شنو هي المدينة اللي جات تالتة؟", "ما هي المدينة الذي جاءت ثالثة؟"),
        # مية is water, but per cent after في or ب.
        ("الدعم زاد كام في المية؟", "الدعم زاد كم في المئة؟"),
        ("مية الشرب ملوثة؟", "ماء الشرب ملوثة؟"),
        # A pronoun joined to a dialect verb or noun, joined as the standard joins it.
        ("فين داو اللوحات بعد ما لقاوهم؟", "أين أخذوا اللوحات بعد ما وجدوهم؟"),
        ("سبيطارهم فين؟", "مستشفاهم أين؟"),
        ("بيوزعوها فين؟", "يوزعوها أين؟"),
        # A slip in a dialect word: the knowledge holds the standard word, not this one.
        ("وقتاش غادي يحل السبياطر؟", "متى سوف يحل المستشفى؟"),
        ("شكون ربح الفينالل؟", "من ربح النهائي؟"),
        # Nothing of the dialects: as written, diacritics and all; a word that begins with
        # a tense prefix's letter is no verb behind one (بيان، هناك).
        ("متى يُفتتح المستشفى؟", "متى يُفتتح المستشفى؟"),
        ("هناك بيان بتاريخ اليوم", "هناك بيان بتاريخ اليوم"),
    ],
)
def test_the_sentence_model_reads_a_dialect_question_in_standard_words(
    question: str, standard: str
) -> None:
    assert in_standard(question, lambda word: False) == standard


def test_the_maghrebi_fi_joined_to_a_place_the_knowledge_names_is_written_apart() -> None:
    # فصحار is "in Sohar" in the Maghrebi dialects and "so Sohar" in the standard.
    def held(word: str) -> bool:
        return word in {"صحار", "المتحف"}

    question = "شكون غادي يمول المحطة فصحار؟"
    assert in_standard(question, held) == "من سوف يمول المحطة في صحار؟"
    assert in_standard("فالمتحف فريق", held) == "في المتحف فريق"  # فريق: a common word
    assert in_standard("فصحار", lambda word: False) == "فصحار"  # a place it does not name


def test_a_dialect_word_the_knowledge_holds_stays_as_written() -> None:
    # دار is a Maghrebi "did"; in الدار البيضاء it is the city's name.
    question = "محطة الدار البيضاء هتشتغل إمتى؟"
    assert in_standard(question, lambda word: False) == "محطة الفعل البيضاء ستشتغل متى؟"
    held = in_standard(question, lambda word: word == normalize("الدار"))
    assert held == "محطة الدار البيضاء ستشتغل متى؟"


@pytest.mark.parametrize(
    ("word", "standard"),
    [
        # Egyptian: a passive verb, a goalkeeper, a bus, a verb after the present بـ
        ("اتسرقت", "سرقت"),
        ("الجولجي", "حارس"),
        ("الاتوبيس", "حافلة"),
        ("بيبوظ", "يتعطل"),
        # Levantine
        ("انقتلوا", "قتلوا"),
        ("الطوشة", "شجار"),
        ("بتشتي", "تمطر"),
        ("الباطون", "خرسانة"),
        # Gulf
        ("انحاش", "هرب"),
        ("الجنريتر", "مولد"),
        ("المسجات", "رسائل"),
        ("النيرس", "ممرضة"),
        # Maghrebi
        ("الشوماج", "بطالة"),
        ("كيفوطي", "يصوت"),
        ("الفاكتورة", "فاتورة"),
        ("الابارطمون", "شقة"),
    ],
)
def test_everyday_dialect_words_of_the_news_are_read_as_the_standard_word(
    word: str, standard: str
) -> None:
    assert normalize(standard) in readings(normalize(word))


def test_no_dialect_word_is_listed_twice() -> None:
    # Two lines for one word once normalised (نبغى، نبغي) would leave one of them unread.
    raw = resources.files("bot").joinpath("data", "dialect_ar.txt").read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0] for line in raw.splitlines())
    words = Counter(normalize(line.split("=", 1)[0]) for line in lines if "=" in line)
    assert len(words) > 800
    assert [word for word, count in words.items() if count > 1] == []


def test_in_a_question_asked_in_dialect_a_dialect_word_is_first_read_as_its_standard_word() -> None:
    # طيارة shares its stem with the pilot (طيار); asked in a dialect, it is a plane first.
    spoken = Query.parse("قديش طيارة عند الشركة هلق؟")
    assert spoken.readings[0][0] == read(normalize("طائرة"))
    # With the article after a preposition too: بالطيارة.
    assert readings(normalize("بالطيارة"), spoken=True)[0] == normalize("طائرة")
    # «ما عمل البنك المركزي؟» is asked in the standard language: عمل is its work, as written.
    standard = Query.parse("ما عمل البنك المركزي؟")
    assert standard.readings[0][0] == read(normalize("عمل"))
