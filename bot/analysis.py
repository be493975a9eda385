"""What the index keeps of each fact and each article, computed once when knowledge loads.

Matching reranks a few dozen candidates per question; everything it needs to know about a
fact (its stems in order, its light stems, its editors' questions and keywords, whether it
holds a date or a number) is worked out here at load time and stored next to the index, so a
question never re-reads or re-stems the knowledge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import NamedTuple

from bot.tallies import HOW_MANY
from bot.text import analyse, normalize, stopwords
from bot.typos import Vocabulary

# Separates the groups of FactTerms.asked: the keywords first, then each editor question.
GROUP = " | "

# The Gregorian months, normalised, as a regular expression's alternatives, with the names the
# Maghreb gives those it names otherwise (جانفي، أفريل، جوان، أوت ...).
_GREGORIAN = "يناير|فبراير|مارس|ابريل|مايو|يونيو|يوليو|اغسطس|سبتمبر|اكتوبر|نوفمبر|ديسمبر"
_MONTHS = f"{_GREGORIAN}|جانفي|فيفري|افريل|ماي|جوان|جويليه|اوت"
# The Levantine months, normalised, as alternatives; آب (اب) only after a day, being «father»
# too.
_LEVANTINE = "كانون|شباط|اذار|نيسان|ايار|حزيران|تموز|ايلول|تشرين"
# The Gregorian and Levantine months' names, normalised, آب with them: a date among a fact's
# terms (bot/years.py). Not yet the Maghreb's (جانفي، ماي …): dated() was measured without.
MONTHS = frozenset(f"{_GREGORIAN}|{_LEVANTINE}|اب".split("|"))
# A year, a month (Gregorian and Levantine names), a day of the week, a season, or a word that
# dates something: news dates by the day («صدرت يوم الاثنين») or the season («في الخريف المقبل»).
_DATE = re.compile(
    rf"\b(?:1\d\d\d|20\d\d|{_MONTHS}|{_LEVANTINE}|"
    r"عام|سنه|القرن|قرن|ه|ق م|"
    r"[وفبل]?(?:ال)?(?:سبت|احد|اثنين|ثلاثاء|اربعاء|خميس|جمعه|خريف|ربيع|صيف|شتاء)|امس|غدا)\b"
    # A time named from now or by its part: «العام المقبل», «الأشهر الستة المقبلة», «قبل
    # نهاية العام», «خلال أسبوعين».
    r"|\b(?:ال)?(?:عام|سنه|شهر|اسبوع|موسم|ايام|اشهر|شهور|اسابيع|سنوات|اعوام)(?: \S+)? "
    r"(?:ال)?(?:مقبل|قادم|ماضي|منصرم|جاري|حالي)(?:ه|ين)?\b"
    r"|\b(?:خلال|غضون|بعد|قبل) (?:ال)?(?:ايام|اشهر|شهور|اسابيع|سنوات|اعوام|يومين|شهرين|"
    r"اسبوعين|عامين|سنتين)\b"
    r"|\b(?:نهايه|مطلع|بدايه|منتصف|اواخر|اواءل) (?:ال)?(?:عام|سنه|شهر|اسبوع|موسم)\b"
)
# A place named after a date holds no date, nor a number: «ساحة أول نوفمبر», «جسر 6 أكتوبر».
_NAMED_AFTER_A_DATE = re.compile(
    r"\b[وفبل]?(?:ال)?(?:ساحه|شارع|ميدان|جسر|مدينه|حي|مطار|ملعب|ثانويه|مدرسه|جامعه|مستشفي|"
    rf"نفق|محطه) (?:اول|\d{{1,2}}) (?:{_MONTHS})\b"
)
# A year dates, and counts nothing: «تأسست عام 2022» does not answer «ما نسبة ...» or «كم
# عدد ...». Only a year the words before it name as one: «2000 طالب» is a count.
_A_YEAR = re.compile(
    rf"\b(?:عام|العام|سنه|السنه|منذ|مطلع|نهايه|بدايه|منتصف|اواخر|{_MONTHS}) (?:19|20)\d\d\b"
)
# A digit, or a number written as a word (normalised: مئة is مءه, or ميه as readers write
# it), whole: أثنى or الفائدة hold no number. An ordinal counts too: «ثالث لقب» answers كم لقبًا.
# So does a dual before its noun: «مليوني ريال»، «ألفي طالب».
_DIGIT = re.compile(r"\d")
_ORDINAL = r"(?:ثاني|ثالث|رابع|خامس|سادس|سابع|ثامن|تاسع|عاشر)\b"
_CARDINAL = (
    r"\b[وفبل]?(?:ال)?(?:واحد|اثن(?:ان|ين|تان|تين)|ثلاث|اربع|خمس|ست|سبع|ثماني?|تسع|عشر|"
    r"(?:ثلاث|اربع|خمس|ست|سبع|ثمان|تسع)?ما?[يء]ه|ما?[يء]ت(?:ين|ان|ي|ا)|ما?[يء]ات|الف|الاف|"
    r"الفين|الفي|مليون|مليوني|مليونا|ملايين|مليار|ملياري|مليارا|مليارات|نصف|ربع|ثلث|ثلثي|ثلثا)"
    r"(?:ه|ين|ون|ات)?\b"
)
_NUMBER = re.compile(
    _CARDINAL
    # Masculine ordinals only: the feminine ones mostly tell the time («الثامنة صباحًا»).
    + r"|\b[وفبل]?(?:ال)?"
    + _ORDINAL
)


# A day of the month dates, and counts nothing: «في 3 مارس».
_DAY_OF_MONTH = re.compile(rf"\b\d{{1,2}} (?:{_MONTHS}|{_LEVANTINE}|اب)\b")
# A share: a percentage or a fraction, which says what part, not how many.
_SHARE = re.compile(
    r"\d+(?:[.,]\d+)? ?(?:%|[بف]?ال?م[اء]*ءه\b|في ال?م[اء]*ءه\b)"
    r"|\b[وفبل]?(?:ال)?(?:نصف|ثلث|ثلثي|ثلثا|ربع)(?= \S)"
)


# What a question asks for, by its question word (normalised), as readers write it, in
# Modern Standard Arabic or in the dialects' common forms.
_KINDS = {
    "when": "متي امتي ايمتي امتا ايمتا وقتاش فوقاش",
    "how_many": "كم بكم قديش بقديش قديه قداش قداه بقداه كام بكام شحال بشحال شكثر بشكثر",
    "who": "من لمن ممن مين منو شكون اشكون",
    "where": "اين واين وين فين منين لوين لفين",
    "why": "لماذا لمادا ليش ليه علاش علاه لشو",
    "how": "كيف وكيف كيفاش كيفاه شلون ازاي",
    "yes_no": "هل وهل واش",
    "which": "اي باي انهي لانهي بانهي",
    "what": "ما ماذا فيم ماهو ماهي مالذي ماالذي بماذا وما شو شنو شنهو شنوه اشنو واشنو ايش اش وش "
    "ايه شن",
}
_KIND_OF = {word: kind for kind, words in _KINDS.items() for word in words.split()}
# The dialects' question words that are no other word: they ask wherever they stand, as
# Egyptian and Levantine often put them («قدرتها كام ميجاوات»، «ايام ايه بالظبط»).
_ONLY_ASKING_WORDS = (
    "كام بكام قديش بقديش قداش قداه شحال بشحال شكثر امتي ايمتي امتا ايمتا وقتاش فين وين منين ليش "
    "علاش ازاي كيفاش شلون انهي مين منو شكون شنو ايه"
)
_ONLY_ASKING = frozenset(_ONLY_ASKING_WORDS.split())
# Words only the dialects use, besides their question words: a question with one is asked in
# a dialect (normalised).
_SPOKEN_WORDS = "اللي هلق هلا عشان علشان مش ده دي هاد هادي ديال بدي عايز"
_SPOKEN = _ONLY_ASKING | frozenset(_SPOKEN_WORDS.split())


def spoken(words: Sequence[str]) -> bool:
    """Whether a question, normalised into words, is asked in one of the dialects."""
    return not _SPOKEN.isdisjoint(words)


# Egyptian «قد إيه» and «أد إيه» (how much, how long) ask for a figure, not «what».
_HOW_MUCH = {("قد", "ايه"), ("اد", "ايه")}
# Nouns that, after أي, name the kind of answer asked for (normalised).
_TYPES = {
    "when": "عام سنه تاريخ يوم شهر قرن وقت ساعه فتره اعوام سنوات ايام اشهر",
    "where": "مكان مدينه عاصمه دوله بلد منطقه مقاطعه قاره جزيره ولايه محافظه "
    "اماكن مدن عواصم دول بلدان مناطق جزر ولايات محافظات",
}
_TYPE_OF = {word: kind for kind, words in _TYPES.items() for word in words.split()}
# What else a fact may hold, for the questions that ask for it (normalised words): an amount
# of money, an age, a reason.
# A cup's rounds named by a fraction hold no figure: «نصف النهائي» (normalised), the semi-final.
_ROUNDS = re.compile(r"\b(?:ال)?(?:نصف|ربع|ثمن) (?:ال)?نهاءي\b")
_MONEY = re.compile(
    r"\b[وفبل]?(?:ال)?(?:دولار|دولارات|دينار|دنانير|جنيه|جنيهات|درهم|دراهم|ريال|ريالات|يورو|"
    r"اورو|يوروهات|ليره|ليرات|فرنك|روبل|اوقيه|اوقيات|شيكل|شيقل|يوان|روبيه|سنت|سنتات|سنتيم|"
    r"قرش|قروش|فلس|مليم|هلله)ا?\b"
)
# An area: a unit of land, or of length squared (normalised: «هكتاراً»، «كيلومترا مربعا»), or a
# figure said to be one («تصل مساحة القارة لحوالي 10.180 مليون»).
_AREA = re.compile(
    r"\b[وفبل]?(?:ال)?(?:هكتار|هكتارا|هكتارات|فدان|فدانا|افدنه|دونم|دونما|دونمات|"
    r"مساحه|مساحته|مساحتها)\b"
    r"|\b(?:متر|مترا|امتار|كيلومتر|كيلومترا|كيلومترات|كلم|كم|ميل|اميال|قدم|اقدام) "
    r"(?:مربع|مربعا|مربعه)\b"
    r"|\d ?(?:كم|م)2\b"
)
# A length, a depth or a height: a figure in a unit of length that is not squared nor cubed
# («بطول 320 متراً»، «على بعد 35 كيلومتراً»), or a word of one («يبلغ ارتفاعها»).
_LENGTH = re.compile(
    r"\b[وفبل]?(?:ال)?(?:متر|مترا|مترين|امتار|كيلومتر|كيلومترا|كيلومترين|كيلومترات|كلم|سنتيمتر|"
    r"سنتيمترا|سنتيمترات|مليمتر|ميل|ميلين|اميال|قدم|قدمين|اقدام)\b"
    r"(?! (?:مربع|مربعا|مربعه|مكعب|مكعبا|مكعبه)\b)"
    r"|\b[وفبل]?(?:ال)?(?:طول|طوله|طولها|عمق|عمقه|عمقها|ارتفاع|ارتفاعه|ارتفاعها)\b"
)
# Two of a unit say their figure themselves: «على عمق مترين»، «يزن طنين».
_TWO_MEASURES = re.compile(r"\b[وفبل]?(?:مترين|كيلومترين|ميلين|قدمين|طنين|كيلوغرامين|غرامين)\b")
# A weight: a figure in a unit of weight, or a word of one («يزن 4 كيلوغرامات»).
_WEIGHT = re.compile(
    r"\b[وفبل]?(?:ال)?(?:غرام|غراما|غرامات|جرام|جراما|كيلوغرام|كيلوغراما|كيلوغرامات|كيلوجرام|"
    r"كيلوغرامين|غرامين|كغ|كجم|كيلو|طن|طنا|طنين|اطنان|رطل|ارطال|وزن|وزنه|وزنها|يزن|تزن)\b"
)
# Units of time, normalised, as a regular expression's alternatives: what «كم ...» asks a
# length of, and what a fact counts one in.
_TIME_UNITS = (
    "ساعه|ساعات|دقيقه|دقاءق|يوم|يوما|ايام|اسبوع|اسبوعا|اسابيع|شهر|شهرا|اشهر|"
    "سنه|سنوات|عام|عاما|اعوام"
)
# A length of time: a unit of time counted by the number before it («تسعة أيام»، «نحو 45
# يوماً»), units counted after them («الأشهر الستة»), a unit and an ordinal («في اليوم
# الثاني من الإغلاق»: after how many days), or two of one. Not a day named («يوم السبت»، «يوم
# الاثنين») in a sentence that holds some other number.
_ANY_TIME_UNIT = rf"[وفبل]?(?:ال)?(?:{_TIME_UNITS}|شهور|سنين|عقد|عقود|قرن|قرون|موسم|مواسم)\b"
_TIME_UNITS_COUNTED_AFTER = r"[وفبل]?(?:ال)?(?:ساعات|دقاءق|ايام|اسابيع|اشهر|شهور|سنوات|سنين|اعوام)"
# A unit counted by the number before it; a unit and an ordinal.
_UNIT_COUNTED = rf"(?:\d+(?:[.,]\d+)?|{_CARDINAL}) (?:\S+ )?{_ANY_TIME_UNIT}"
_UNIT_AND_ORDINAL = rf"\b{_ANY_TIME_UNIT} (?:ال)?{_ORDINAL}"
_COUNTED_TIME = re.compile(
    rf"{_UNIT_COUNTED}|\b{_TIME_UNITS_COUNTED_AFTER} {_CARDINAL}|{_UNIT_AND_ORDINAL}"
)
_TWO_OF_A_UNIT = (
    r"[وفبل]?(?:ال)?(?:ساعتين|ساعتان|دقيقتين|يومين|يومان|اسبوعين|شهرين|شهران|سنتين|عامين|عامان)\b"
)
_TWO_UNITS = re.compile(r"\b" + _TWO_OF_A_UNIT)
# When, said from another time or by the hour of the day: «في غضون عشرة أيام»، «قبل أربعة
# مواسم»، «بعد نحو أسبوعين»، «منذ أكثر من شهرين»، «في السادسة والنصف صباحاً»، «فور استئناف
# الضخ».
_WHEN_OTHERWISE = re.compile(
    rf"\b(?:خلال|غضون|بعد|قبل|منذ|في) (?:نحو |قرابه |حوالي |اكثر من |اقل من )?"
    rf"(?:{_UNIT_COUNTED}|{_TWO_OF_A_UNIT})"
    rf"|{_UNIT_AND_ORDINAL}"
    r"|\b(?:صباحا|مساء|ظهرا|فجرا|ليلا|عصرا)\b|\bفور\b"
    # «في الدقائق العشرين الأخيرة»، «في الدقيقة 88»: when in a match or a day.
    r"|\bفي (?:ال)?(?:دقاءق|ساعات|لحظات|ايام|اسابيع|اشهر)(?: \S+)? (?:ال)?(?:اخيره|اولي)\b"
    r"|\b(?:ال)?دقيقه \d+"
    # «تزوج في سن الخامسة والعشرين»، «فقد أمه في سن مبكرة»: when, by the age it happened at.
    r"|\bفي سن (?:مبكره|متاخره|\d+|(?:ال)?(?:حاديه|ثانيه|ثالثه|رابعه|خامسه|سادسه|سابعه|ثامنه|"
    r"تاسعه|عاشره|عشرين|ثلاثين|اربعين|خمسين|ستين|سبعين|ثمانين|تسعين))\b"
)
# Two years that bound a span: «بين عامي 2012 و2016»، «(1805 - 1848)»، «من 2010 إلى 2015». How
# long a reign or a war lasted, though no unit of time is counted.
_YEAR_SPAN = re.compile(
    r"\b(?:1\d|20)\d\d(?:م|ه)? (?:و|(?:الي|حتي) (?:عام |سنه )?)?(?:1\d|20)\d\d(?:م|ه)?\b"
)
# Twice, or two of a thing: a number the dual says («مرتين»، «شاحنتين»، «بطاقتين مباشرتين»).
# Only the feminine dual, which few other words end like: a country in ستان, and a few words
# and names (روتين، متين، ستين، بوتين، مارتين).
_TWICE = re.compile(
    r"\b(?![وفبل]{0,2}(?:ال)?(?:روتين|بروتين|لاتين|متين|ستين|بوتين|مارتين|مارتان|فالنتين|كريستين)\b)"
    r"(?!\S*ستان\b)\S{2,}(?:تين|تان)\b"
)
# Years after منذ, قبل, خلال... are how long, not how old: «تدرس منذ 15 عاما».
_AGE = re.compile(
    r"\b(?:من العمر|عمره|عمرها|عمرهم|سن \d+)\b"
    r"|(?<!منذ )(?<!قبل )(?<!بعد )(?<!خلال )(?<!طوال )(?<!لمده )(?<!مده )(?<!مدي )"
    r"\bو?\d+ (?:عاما|سنه)\b"
)
# An age given with its years, which say how old and not how long: «البالغ من العمر 24
# عاما»، «البالغة 58 عاما» (normalised).
_AGE_GIVEN = re.compile(r"\b(?:من العمر|عمره|عمرها|عمرهم|البالغ|البالغه) \d+ (?:عاما|سنه)\b")
_REASON = re.compile(
    r"\b[وف]?(?:بسبب|بفضل|لان|لانه|لانها|لانهم|نظرا|بفعل|جراء|بغيه|سعيا|كي|نتيجه|يعزو|يعزون|عزا|تعزو|بهدف|لاجل|"
    r"اجل|لكي|بداعي|سبب|اسباب|يرجع|ترجع|ارجع|مما|لذلك|ولذلك|لذا|اثر|عندما|حين|اذا|هربا|خوفا|طلبا|حرصا|"
    r"يهدف|تهدف|هدفه|هدفها|خشيه|لعدم|للحد|لتفادي|لتجنب|لخفض|لتعويض|معتبرا|معتبره|بحجه|بدعوي|"
    r"ارجعت|عزت|نجمت|نجم|التزاما|تفاديا|تجنبا|منعا)\b"
    # What drove someone to it: «ودفعت الحرارة اللجنة المنظمة إلى تقديم موعد الانطلاق».
    r"|\b[وف]?دفع(?:ت)?(?:ه|ها|هم)? (?:\S+ ){1,3}?الي\b"
    # The aim said, and a purpose: «الهدف من المشروع هو»، «لتسريع الرد»، «لاستكمال الأشغال» (ل
    # before a verbal noun of two derived forms; the fourth's, لإجراء, is written as plurals
    # are: لأعداد).
    r"|\bالهدف من\b"
    r"|\b[وف]?ل(?!تشرين\b)(?:ت\S\Sي\S|است\S\Sا\S)\b"
)


def _any_word(words: str, prefix: str = r"\b") -> re.Pattern[str]:
    """A pattern for any of these words as written, matched in normalised text.

    Written as a reader spells them and normalised here, so that «يتقاضى» finds «يتقاضي».
    """
    alternatives = "|".join(sorted({normalize(w) for w in words.split()}, key=len, reverse=True))
    return re.compile(rf"{prefix}(?:{alternatives})\b")


# The noun a question opens with, after its question word («ما هي نسبة»).
_OPENING = r"^(?:\S+ ){0,2}?(?:ال)?"
# «How much, how many», as the standard and the dialects ask it (bot/tallies.py); an optional
# ب before it is written in each pattern.
_HOW_MANY = "(?:" + "|".join(sorted(w for w in HOW_MANY if w[1:] not in HOW_MANY)) + ")"
# Question words that narrow what a number must be of. Not سنة: normalised, سنّه (his age)
# is سنه (a year), and «كم طفلًا كل سنة» asks a count. After كم they may stand anywhere («كم
# يتقاضى الموظف»); after ما or أي only as the noun the question opens with: «ما هدف المؤسسة
# من إنشاء الجائزة؟» asks no sum, and «ما نسبة الأطفال في سن الدراسة …» no age.
_AGE_WORDS = "عمر عمره عمرها سن سنها"
_MONEY_WORDS = (
    "راتب رواتب راتبه يتقاضى تتقاضى يتقاضون أجر أجره سعر ثمن كلفة تكلفة كلف كلفت تكلفت يكلف "
    "اتكلف اتكلفت هيتكلف فلوس "
    "قيمة مبلغ ميزانية تمويل غرامة رسوم بكم بكام بقديش بشحال"
)
# A prize is a sum after كم («كم جائزة الفائز؟»), and after ما most often a thing: «ما الجائزة
# التي حصل عليها نجيب محفوظ؟» asks which (نوبل).
_PRIZE_WORDS = "مكافأة جائزة جايزة"
_ASKS_AGE = _any_word(_AGE_WORDS)
_ASKS_MONEY = _any_word(f"{_MONEY_WORDS} {_PRIZE_WORDS}", r"\b[وفبل]?(?:ال)?")
_OPENS_WITH_AGE = _any_word(_AGE_WORDS, _OPENING)
_OPENS_WITH_MONEY = _any_word(_MONEY_WORDS, _OPENING)
# How much something changed, after «how much» and a verb of rising or falling: «بكم ارتفعت
# الإيجارات؟»، «قديش زادت كلفة النقل؟». A share or a number answers, not a sum: «بنحو 40 في المئة».
# Not «إلى كم ارتفعت قيمة القرض؟», which asks the sum it reached. «بكم مرة تجاوزت», «كم مرة
# في السنة ستعيد حساب التكلفة» and «بكم ضعفًا» count times, whatever they name.
_ASKS_CHANGE = re.compile(
    rf"^(?:\S+ )?ب?{_HOW_MANY} (?:مره|مرات|ضعف|ضعفا|اضعاف)\b"
    rf"|^(?:(?!الي )\S+ )?(?:ب)?{_HOW_MANY} (?:[يتس]|ست|سي)?"
    r"(?:زاد|زادت|زيد|ارتفع|ارتفعت|رتفع|انخفض|انخفضت|نخفض|تراجع|تراجعت|قل|قلت|تحسن|تحسنت|"
    r"تجاوز|تجاوزت|نما|نمت|نمو|هبط|هبطت|خفض|خفضت|رفع|رفعت|تضاعف|تضاعفت)\b"
)
# A share, opening the question («كم تبلغ نسبة الحسم على الرسوم»، «ما نسبة الأطفال في سن
# الدراسة»): a number, whatever money or age is named after it.
_OPENS_WITH_SHARE = _any_word("نسبة", _OPENING)
# Sums that are money however the question goes on, right after «how much» and a verb of
# amount («كم رأس مال الشركة»، «كم بلغت أرباحها»): a fact about the company that gives no sum
# does not answer. Only there: «كم عائلة تنتفع بالقروض» counts families.
_ASKS_SUM = _any_word(
    "رأس مال رأسمال أرباح إيرادات عائدات دخل خسائر قرض",
    rf"^(?:\S+ ){{0,3}}?{_HOW_MANY}(?: (?:كان|كانت|بلغ|بلغت|يبلغ|تبلغ|ستبلغ|سيبلغ))? "
    r"(?:ال)?",
)
# How the dialects ask an age without عمر: «عنده كام سنة؟», «قديش عندها من عام؟», and عمره as
# spoken, عمرو, only where it cannot be the name Amr: after the question word, or after ف (في).
_ASKS_AGE_SPOKEN = re.compile(
    r"\bعند(?:ه|ها|و|هم|ك)\b(?=.*\b(?:سنه|سنين|عام)\b)"
    r"|\b(?:سنه|سنين|عام)\b(?=.*\bعند(?:ه|ها|و|هم|ك)\b)"
    rf"|\bفعمر(?:و|ه|ها)\b|^(?:\S+ )?{_HOW_MANY} عمرو\b"
)
# «كام واحد»، «كم شخصًا»: how many people, whatever money the question names after it («كام
# واحد عايشين على فلوس الجمعية؟»).
_ASKS_PEOPLE = re.compile(rf"\b(?:{_HOW_MANY}|شكثر) (?:واحد|شخص|شخصا|نفر|نفس)\b")
# Nouns after ما/أي that ask for a figure: «ما عدد»، «ما نسبة»، «ما معدل» want a number.
_ASKS_NUMBER = _any_word("عدد رقم أرقام نسبة نتيجة مسافة معدل متوسط", _OPENING)
# «كم عدد»، «ما عدد»: how many of something, which a share does not say.
_ASKS_COUNT = _any_word("عدد", _OPENING)
# «كل كم يوم»، «كل شحال»، «كل قد إيه»: how often, which «يوميًا» answers as well as a figure.
_HOW_OFTEN = re.compile(rf"\bكل (?:{_HOW_MANY}|قد ايه|اد ايه)\b")
# «بكم يقدر عدد سكان العراق؟»، «بكم يقدر سكان غزة؟»: a count, though بكم most often asks a price.
_HOW_MUCH_COUNTED = re.compile(rf"^(?:\S+ )?ب{_HOW_MANY} (?:\S+ )?(?:ال)?(?:عدد|سكان)\b")
# «كم تبلغ مساحة المزرعة»، «ما المساحة التي»: an area, which a count of trees does not give.
_ASKS_AREA = _any_word("مساحة مساحته مساحتها", r"^(?:\S+ ){0,3}?(?:ال)?")
# «ما طول الجسر»، «على أي ارتفاع»، «بحيرة بنزرت عمقها قد إيه»: a length, which an area does
# not give; «ما وزن القمر»، «قديش بتوزن»: a weight. Right after the question word: «ما سبب
# ارتفاع الأسعار» asks a reason.
_MEASURED = r"^(?:\S+ )?(?:ما|كم|قديش|قداش|شحال|شو|وش|ايش|اي|باي)(?: هو| هي| يبلغ| تبلغ)? (?:ال)?"
_SPOKEN_MEASURE = rf"\b(?:{{}})(?:ه|ها|هم) (?:قد ايه|اد ايه|{_HOW_MANY})\b"
_ASKS_LENGTH = re.compile(
    _any_word("طول عمق ارتفاع", _MEASURED).pattern + "|" + _SPOKEN_MEASURE.format("طول|عمق|ارتفاع")
)
_ASKS_WEIGHT = re.compile(
    _any_word("وزن", _MEASURED).pattern
    + "|"
    + _SPOKEN_MEASURE.format("وزن")
    + r"|\b(?:يزن|تزن|بيوزن|بتوزن|يوزن|توزن)\b"
)
# «كم ساعة»، «كم يومًا»، «كم من الوقت»، «ما مدة»: a length of time; and the Maghreb's
# «شحال هادي» (how long ago, since when).
_ASKS_DURATION = re.compile(
    rf"\b{_HOW_MANY}(?: من| ديال| تاع| متاع)? (?:ال)?(?:{_TIME_UNITS}|وقت|مده|زمن)\b"
    rf"|\b{_HOW_MANY} هادي\b"
    r"|^(?:\S+ ){0,2}?(?:ما|وش|شو|ايش) (?:هي )?(?:ال)?(?:مده|زمن)\b"
    rf"|^(?:\S+ ){{0,2}}?{_HOW_MANY} (?:كان |كانت )?(?:ال)?(?:مده|زمن)\b"
)
# The dialects' «will» before a verb: «قداش باش تدوم»، «قديش رح يستمر»، «شحال غادي تدوم».
_WILL = r"(?:باش|رح|راح|غادي|غاديه|غاديين|حا|ح)"
# «كم استغرق»، «كم تدوم»، «قديش دام»، «قديش بتدوم»: how long something lasts, whatever is
# named after it («كم استمرت الحملة التي جمعت المبلغ» asks how long, not how much).
_LASTS = re.compile(
    rf"^(?:\S+ ){{0,2}}?{_HOW_MANY} (?:{_WILL} )?(?:[يت]|سي|ست|بي|بت)?"
    r"(?:ستغرق|استغرق|استغرقت|ستمر|استمر|استمرت|دوم|دام|دامت)\b"
)
# «في أي عام»، «سنة كام»، «ما العام الذي»: a year, which a weekday or a month does not give.
_ASKS_YEAR = re.compile(
    r"\bب?اي (?:عام|سنه)\b|\b(?:عام|سنه) (?:كم|كام)\b"
    r"|^(?:\S+ )?(?:ما|ماهو|ماهي|شو|ايش|وش) (?:هو |هي )?(?:ال)?(?:عام|سنه) (?:الذي|التي|اللي)\b"
)
# A year said: in digits, with its era («1453م»، «358هـ»), after عام or سنة («سنة 132 هـ»), or
# from now.
_A_YEAR_SAID = re.compile(
    r"\b(?:1\d\d\d|20\d\d)\b|\b\d{2,4} ?(?:م|ه|هجري|ميلادي|للهجره|للميلاد)\b"
    r"|\b[وفبل]?(?:ال)?(?:عام|عامي|سنه|سنتي) \d{1,4}"
    r"|\b(?:ال)?(?:عام|سنه) (?:ال)?(?:ماضي|حالي|مقبل|قادم|جاري|منصرم)\b|\bهذا العام\b"
    r"|\b\d{1,4} (?:قبل الميلاد|ق م)\b"
)
# Nouns after ما that ask for a reason: «ما سبب»، «ما أسباب».
_ASKS_REASON = _any_word("سبب أسباب دافع دوافع", _OPENING)
# The cue each kind of question wants in its answer, unless its words ask for more (an age).
KIND_CUES = {"why": "r", "when": "d", "how_many": "n"}


def wanted_cue(text: str) -> str | None:
    """The kind of answer a question wants the fact to hold, as a cue letter (see _cues)."""
    words = normalize(text).split()
    return wanted_in(words, asking_in(words)[0])


def wanted_in(words: Sequence[str], kind: str | None) -> str | None:
    """wanted_cue of a question already normalised into words, whose kind is known.

    An age or an amount of money is a number of a kind: كم عمر wants an age, not any
    figure the fact holds about the same person.
    """
    folded = " ".join(words)
    if _HOW_OFTEN.search(folded):
        return None
    if kind in ("how_many", "what", "which") and (
        _OPENS_WITH_SHARE.search(folded) or _ASKS_CHANGE.search(folded)
    ):
        return "n"
    anywhere = kind in ("how_many", None)
    if kind in ("how_many", "what", "which", None) and (
        (_ASKS_AGE if anywhere else _OPENS_WITH_AGE).search(folded)
    ):
        return "a"
    if kind == "how_many" and _ASKS_AGE_SPOKEN.search(folded):
        return "a"
    if kind in ("when", "how_many", "what") and _ASKS_YEAR.search(folded):
        return "y"
    if kind in ("how_many", "what", "which") and _ASKS_AREA.search(folded):
        return "s"
    if kind in ("how_many", "what", "which") and _ASKS_LENGTH.search(folded):
        return "l"
    if kind in ("how_many", "what", "which") and _ASKS_WEIGHT.search(folded):
        return "w"
    if kind == "how_many" and _LASTS.search(folded):
        return "t"
    if kind == "how_many" and _ASKS_PEOPLE.search(folded):
        return "n"
    if kind == "how_many" and _HOW_MUCH_COUNTED.search(folded):
        return "c"
    if kind in ("how_many", "what", "which") and (
        (_ASKS_MONEY if anywhere else _OPENS_WITH_MONEY).search(folded)
        or _MONEY.search(folded)
        or _ASKS_SUM.search(folded)
    ):
        return "m"
    if kind in ("how_many", "what") and _ASKS_DURATION.search(folded):
        return "t"
    if kind in ("how_many", "what", "which") and _ASKS_COUNT.search(folded):
        return "c"
    if kind in ("what", "which") and _ASKS_NUMBER.search(folded):
        return "n"
    if kind == "what" and _ASKS_REASON.search(folded):
        return "r"
    return KIND_CUES.get(kind or "")


class FactTerms(NamedTuple):
    """One fact as the index stores it (space-separated terms, in the order they appear).

    `stems`, `lights` and `roots` hold the statement's terms, then after GROUP those of its
    other source sentences; `asked` the keywords' stems and roots, then after GROUP each
    editor question's.

    `cues` is the kinds of answer the fact holds (answer_cues: 'd' a date, 'n' a number...), then
    after a '|' the kind of each editor question in order ('-' when it has no question word).
    """

    stems: str
    lights: str
    roots: str
    asked: str
    cues: str

    def statement_words(self) -> list[tuple[str, str]]:
        """The statement's words in order, each as its stem and light stem.

        Its light stem is "" where the two columns do not hold as many terms: then they
        cannot be paired word by word.
        """
        stems = self.stems.partition(GROUP)[0].split()
        lights = self.lights.partition(GROUP)[0].split()
        paired = lights if len(lights) == len(stems) else [""] * len(stems)
        return list(zip(stems, paired, strict=True))


class CandidateRow(NamedTuple):
    """A fact as matching reranks it: its index terms, not yet its text.

    A tuple rather than a frozen dataclass: dozens are made for every question.
    """

    rowid: int
    article_id: str
    fact_id: str
    terms: FactTerms


# A fact's row as TermsTable keeps it: rowid, article id, fact id, then FactTerms' columns.
TermsRow = tuple[int, str, str, str, str, str, str, str]


@dataclass(frozen=True)
class TermsTable:
    """Every fact's terms as one load left them, held in memory for reranking.

    Reading a question's few dozen candidates from a large database costs more than the
    rest of answering; held here they cost nothing. Rows stay as the database returned them
    (a CandidateRow is made only for a candidate) so that opening 100,000 facts stays quick.
    Kept by article with the time it was loaded, so the table of the next load reuses every
    article that load left alone and reads only the ones it wrote.
    """

    articles: dict[str, tuple[float, list[TermsRow]]]
    rows: dict[int, TermsRow]

    @staticmethod
    def to_read(previous: TermsTable | None, loaded: dict[str, float]) -> list[str] | None:
        """The articles whose facts must be read (None: all of them)."""
        if previous is None:
            return None
        known = previous.articles
        return [a for a, at in loaded.items() if a not in known or known[a][0] != at]

    @classmethod
    def build(
        cls, previous: TermsTable | None, loaded: dict[str, float], read: Iterable[TermsRow]
    ) -> TermsTable:
        """The table for the articles now loaded: those read, and the rest from previous."""
        fresh: dict[str, list[TermsRow]] = {}
        for row in read:
            fresh.setdefault(row[1], []).append(row)
        articles = {}
        for article_id, at in loaded.items():
            if article_id in fresh:
                articles[article_id] = (at, fresh[article_id])
            elif previous is not None and article_id in previous.articles:
                articles[article_id] = previous.articles[article_id]
        rows = {row[0]: row for _, facts in articles.values() for row in facts}
        return cls(articles, rows)

    def leads(self, article_ids: Iterable[str]) -> dict[int, int]:
        """Each article's first fact's rowid, with how many facts the article has.

        Rows are kept in the article's order.
        """
        found = (self.articles.get(a) for a in article_ids)
        return {facts[0][0]: len(facts) for _, facts in filter(None, found) if facts}

    def candidates(self, rowids: Iterable[int], article_ids: Iterable[str]) -> list[CandidateRow]:
        """These facts and every fact of these articles, once each."""
        found = {r: self.rows[r] for r in rowids if r in self.rows}
        for article_id in article_ids:
            for row in self.articles.get(article_id, (0.0, []))[1]:
                found.setdefault(row[0], row)
        return [CandidateRow(r[0], r[1], r[2], FactTerms(*r[3:])) for r in found.values()]


def question_kind(text: str) -> str | None:
    """What a question asks for, from its first question word: 'when', 'how_many', ..."""
    return asking(text)[0]


@cache
def _question_words() -> Vocabulary:
    return Vocabulary((word, 1) for word in _KIND_OF)


def respelt(words: Sequence[str]) -> list[str]:
    """The question's words, its first read as the question word a slip away: لمااذ as لماذا.

    Only the first word: most questions open with their question word, and a word a slip
    away from one elsewhere is more often a word of its own. Misspelt, it would be read as
    a content word the knowledge lacks, and the kind of answer asked for would be lost.
    """
    if not words or words[0] in _KIND_OF or words[0] in stopwords():
        return list(words)
    near = _question_words().nearest([words[0]])
    return [near[0], *words[1:]] if near else list(words)


def asking(text: str) -> tuple[str | None, str | None]:
    """The question's kind, and the noun after أي that named it (None when there is none)."""
    return asking_in(normalize(text).split())


def asking_in(normalised: Sequence[str]) -> tuple[str | None, str | None]:
    """asking() of a question already normalised into words.

    في أي عاصمة asks where and في أي عام when: that noun names the kind of answer, which a
    fact may give only by its instance (بيونغ يانغ، 2024).
    """
    if any(pair in _HOW_MUCH for pair in pairwise(normalised)):
        return "how_many", None
    words = normalised[:5]
    # من after the first word is most often «from»: «بتشتري القمح من الفلاح بكام؟».
    preposition = False
    for i, word in enumerate(words):
        kind = _KIND_OF.get(word)
        if kind is None and i == 0 and word[:1] in "وف" and len(word) > 2:
            kind = _KIND_OF.get(word[1:])  # ومن، وكم، فمتى، وعلاش: and who, and how many...
        following = words[i + 1] if i + 1 < len(words) else ""
        if kind == "who" and following in _KIND_OF:
            continue  # من أين، من متى، من أي، من كم: from where, since when, from which...
        if word == "من" and i > 0:
            preposition = True
            continue
        if kind == "which" and following in _TYPE_OF:
            return _TYPE_OF[following], following
        if kind:
            return kind, None
    # Egyptian and Levantine often put the question word last: «المحطة هتشتغل إمتى؟».
    last = _KIND_OF.get(normalised[-1]) if normalised else None
    within = next((_KIND_OF[w] for w in normalised if w in _ONLY_ASKING), None)
    return (last or within or ("who" if preposition else None)), None


# Marks that end a question as written: a second question may follow («متى خلص؟ وكم طوّل؟»).
_ENDS = "؟?،,"


def first_asked(question: str) -> str | None:
    """The first of two questions asked at once, as written; None for a single question.

    Readers join two questions with «و» and a second question word: «متى بُني الجسر، وما
    المواد التي استُخدمت في بنائه؟». The sentence that answers both is often scored on the
    whole under the bar, each part diluting the other; the first part, which names what is
    asked about, is judged alone (Engine.ask). «ومن» is not read so: it is «and from» as
    often as «and who».
    """
    chunks = question.split()
    for i in range(2, len(chunks)):
        word = normalize(chunks[i].strip(_ENDS))
        after = normalize(chunks[i + 1].strip(_ENDS)) if i + 1 < len(chunks) else ""
        joined = word[:1] == "و" and len(word) > 2 and word[1:] in _KIND_OF and word != "ومن"
        alone = word == "و" and after in _KIND_OF
        again = chunks[i - 1].endswith(("؟", "?")) and word in _KIND_OF
        if not (joined or alone or again):
            continue
        first = " ".join(chunks[:i]).rstrip(_ENDS + " ")
        if asking(first)[0] is not None:
            return f"{first}؟"
    return None


def answer_cues(text: str) -> str:
    """Kinds of answer a text holds, as letters: see below.

    'd' a date, 'y' a year, 'n' a number, 'c' a count, 'm' money, 'a' an age, 'r' a reason,
    't' a length of time, 's' an area, 'l' a length (a depth, a height), 'w' a weight.
    A count is a number that is no share: «40 بالمئة من الفلاحين» does not say how many.
    """
    return _cues(_folded(text))


def _folded(text: str) -> str:
    # Normalising drops the sign: spelt out first, a percentage stays a share.
    return normalize(re.sub("[%٪]", " بالمئة ", text))


# A figure in digits, normalised (Arabic-Indic digits are ASCII), joined to a word or not
# («الـ45»).
_FIGURE = re.compile(r"\d+(?:[.,]\d+)?")
# The cues a figure gives: a number, a count, money, an age, a length of time, an area.
_FIGURE_CUES = frozenset("ncmats")


def figures_in(words: Sequence[str], wanted: str | None) -> tuple[str, ...]:
    """The figures in digits of a question that wants a figure, each once; else none."""
    if wanted not in _FIGURE_CUES:
        return ()
    return tuple(dict.fromkeys(_FIGURE.findall(" ".join(words))))


def holds_besides(text: str, wanted: str, figures: Iterable[str]) -> bool:
    """Whether a text holds the figure wanted in a figure other than the question's own.

    «كم برجًا ستُركّب في القرى الـ45 الإضافية؟» is not answered by «توسيع الخدمة لتشمل 45
    قرية إضافية»: the only figure there is the one the reader gave.
    """
    own = set(figures)
    rest = _FIGURE.sub(lambda m: " " if m.group(0) in own else m.group(0), _folded(text))
    return wanted in _cues(rest)


def _cues(folded: str) -> str:
    folded = _NAMED_AFTER_A_DATE.sub(" ", folded)
    # A digit is found far faster than the number words, and most figures are digits.
    counted = _A_YEAR.sub(" ", folded)
    number = _DIGIT.search(counted) or _NUMBER.search(_ROUNDS.sub(" ", counted))
    # Twice, or once every two weeks, answers «كم مرة» as a figure does.
    twice = _TWICE.search(folded) or _TWO_UNITS.search(folded)
    counts = number or twice
    # How many: a number that is no share nor a day of the month, or two of something.
    whole = _SHARE.sub(" ", _DAY_OF_MONTH.sub(" ", counted))
    count = twice or _DIGIT.search(whole) or _NUMBER.search(_ROUNDS.sub(" ", whole))
    # A year said dates too.
    year = _A_YEAR_SAID.search(folded)
    # A length or a weight needs its figure, which two of a unit say themselves (مترين).
    measured = number or _TWO_MEASURES.search(folded)
    return (
        ("d" if year or _DATE.search(folded) or _WHEN_OTHERWISE.search(folded) else "")
        + ("y" if year else "")
        + ("n" if counts else "")
        + ("c" if counts and count else "")
        + ("m" if number and _MONEY.search(folded) else "")
        + ("a" if _AGE.search(folded) else "")
        + ("r" if _REASON.search(folded) else "")
        + (
            "t"
            if _TWO_UNITS.search(folded)
            or _COUNTED_TIME.search(_AGE_GIVEN.sub(" ", folded))
            or _YEAR_SPAN.search(folded)
            else ""
        )
        + ("s" if number and _AREA.search(folded) else "")
        + ("l" if measured and _LENGTH.search(folded) else "")
        + ("w" if measured and _WEIGHT.search(folded) else "")
    )


def fact_terms(
    statement: str,
    quotes: Iterable[str],
    questions: Iterable[str],
    keywords: Iterable[str],
    title: str = "",
) -> FactTerms:
    """The statement, then its other sources and its article's title; the editors' questions.

    What the fact states is its statement: the source sentences around it only help find it,
    so they come after a GROUP separator and matching weighs the two apart. So does the
    title: a news article names its subject in the title and the lead, and its other
    sentences call it «الميناء» or «التطبيق». Held by every fact of the article, the
    subject's words then weigh less than those that tell its facts apart: «كم تبلغ مساحة
    ميناء صحار والمنطقة الحرة؟» finds the sentence on the area, not the lead.
    """
    folded = normalize(statement)
    seen = {folded}
    sources = []
    for quote in (*quotes, title):
        if (folded_quote := normalize(quote)) and folded_quote not in seen:
            seen.add(folded_quote)
            sources.append(quote)
    said = analyse(statement)
    more = analyse(" ".join(sources))
    groups = [_stems_and_roots(" ".join(keywords)), *(_stems_and_roots(q) for q in questions)]
    kinds = " ".join(question_kind(q) or "-" for q in questions)
    return FactTerms(
        stems=" ".join(said.stems) + GROUP + " ".join(more.stems),
        lights=" ".join(said.lights) + GROUP + " ".join(more.lights),
        roots=" ".join(said.roots) + GROUP + " ".join(more.roots),
        asked=GROUP.join(groups),
        cues=f"{answer_cues(statement)}|{kinds}",
    )


def _stems_and_roots(text: str) -> str:
    terms = analyse(text)
    return " ".join(dict.fromkeys(terms.stems + terms.roots))


def article_terms(title: str, texts: Iterable[str]) -> tuple[str, str]:
    """Stems and light stems of an article's title, and of everything else it holds.

    The words a question is searched by; a light stem equal to its stem is written once.
    """
    return _both(title), " ".join(_both(t) for t in texts)


def _both(text: str) -> str:
    terms = analyse(text)
    lights = (light for light, s in zip(terms.lights, terms.stems, strict=True) if light != s)
    return " ".join([*terms.stems, *lights])
