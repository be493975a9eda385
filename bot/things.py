"""Which named thing a sentence means by its kind alone; which kind a question asks about.

News names a thing once, in quotes after its kind: «أطلقت المديرية تطبيق «سنبلة» ...», then
goes on with its kind alone: «واستغرق تطوير التطبيق ثمانية أشهر». A reader asks «من موّل تطوير
تطبيق سنبلة؟»: the answer is in the second sentence, which never names it, and words find the
first. Where an article has no facts of its editors, each sentence is a fact
(knowledge.Article.served_facts), and one that calls a thing by its kind with the article
(«التطبيق», «للشركة») is given the name of the thing of that kind named in most sentences
before it, the first named of a tie (bot/loading.py), which matching counts as the fact's own
words, as it counts an editor's keywords. What an article is about it names first and most:
a novelist's earlier novel named once in passing is not «الرواية» of the rest, and of two
teams the one it is about is named more.

Only kinds of things that bear names (_KINDS): before a quote, a post («قائدة "نجمات جدة"») or a
verb is no kind. The same kinds tell which questions ask which one of a thing («من أي نادٍ»),
which only a fact that speaks of that kind answers (kind_asked, bot/matching.py).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache

from bot.tallies import HOW_MANY
from bot.text import analyse, has_article, normalize, readings, stem, strip_clitics, tokens

# Kinds of named things, singular: a company, an app, a team, a festival...
_KIND_WORDS = (
    "شركة تطبيق منصة فريق نادي جمعية مؤسسة منظمة مبادرة برنامج مشروع مهرجان فيلم رواية "
    "كتاب مسلسل صندوق حملة بنك مصرف مستشفى مركز مدرسة جامعة حزب مجموعة شبكة سوق حقل دار "
    "مجلة صحيفة قناة جائزة مسابقة بطولة سفينة خطة نظام مصنع منجم مطعم فندق معرض "
    "مخطط قانون مسرحية ألبوم مختبر مشفى متحف مطار ميناء سد كتلة لجنة وزارة هيئة صاروخ"
)
_KINDS = frozenset(normalize(word) for word in _KIND_WORDS.split())
# «Which», normalised, alone or after a preposition joined to it; Egypt's انهي too.
_WHICH = frozenset({"اي", "باي", "لاي", "واي", "انهي", "بانهي", "لانهي"})
# «What» and the copula after it, normalised, in the standard language and the dialects.
_WHAT = frozenset({"ما", "ماهي", "شو", "ايش", "وش", "شنو", "شن", "هي"})
# A kind that «ما» asks which one of: «ما عاصمة تشاد؟» asks which city, and a fact that
# names Chad but no capital does not answer it.
_ASKED_BY_WHAT = frozenset({"عاصمه"})
# Pay and prices, asked with «كم» or «ما» («كم يبلغ راتب المدرب؟»، «كم سيبلغ سعر التذكرة؟»):
# news seldom says what a person earns or a ticket costs, and a fact with another sum about
# them (a project's cost, a loan) does not answer. A question asks it with a noun of the
# first list, and kind_asked gives the amount's first noun; a fact says it with a word of
# the second (a verb of being paid, a tariff).
_PAY = "راتب"
_AMOUNTS = {
    _PAY: ("راتب رواتب أجر أجور مرتب مرتبات معاش", "يتقاضى تتقاضى يتقاضون"),
    "سعر": ("سعر أسعار ثمن أثمان تمن تعرفة تسعيرة", ""),
    "رأسمال": ("رأسمال", ""),  # written apart as often: _joined_capital
}
# A pronoun of its owner joined to a noun: «رواتبهم»، «سعرها».
_OWNER = re.compile(r"(?:ها|هم|هن|ه|ك|كم)$")
_ASKED_AMOUNTS = {
    normalize(noun): kind for kind, (nouns, _) in _AMOUNTS.items() for noun in nouns.split()
}
# Between the question word and the amount: «كم يبلغ راتب», «كم تبلغ حاليًا تعرفة».
_AMOUNTS_TO = frozenset(
    {"يبلغ", "تبلغ", "بلغ", "سيبلغ", "ستبلغ", "كان", "كانت", "اصبح", "صار", "هو", "هي"}
    | {"حاليا", "الان", "اليوم", "الحين"}
)
# Pay asked with a verb of being paid, by the month or the year: «كم سيتقاضى المدرب شهريًا؟»,
# and as the dialects ask it: «قديش بيقبض بالشهر؟»، «شحال كيتخلص فالشهر؟»، «قداش يخلّصوه في
# الشهر؟». Not the verb alone: «كم تتقاضى التعاونية عن كل لتر» asks a price, and يخلص alone
# is to finish.
_PAID_VERB = re.compile(
    r"^(?:س|ك|ت|ب|بي|بت|هي|هت)?[يت](?:تقاضي|تقاضو|تقاضون|تخلص|تخلصو|قبض|قبضو)$"
    r"|^(?:ك|ت)?يخلصو(?:ه|ها|ك|هم)?$"
)
# Earnings asked with a verb of earning, by the month or the year: «شحال كيربح فالعام؟»،
# «كانت بتكسب كام في السنة؟». A fact says them with a word of profit, income or pay.
_EARNED = "ربح"
_EARNS = re.compile(r"^(?:س|ك|ت|ب|بي|بت|هي|هت)?[يت](?:ربح|كسب)(?:و|وا|ون)?$")
_EARNINGS_SAID = re.compile(
    r"^[وفبل]?(?:ال)?(?:ربح|ارباح|ارباحا|ارباحه|ارباحها|[يت]ربح|ربحت|دخل|دخله|دخلها|ايراد\S*|"
    r"عاءدات|عاءداته|عاءداتها|مبيعات|مبيعاته|مبيعاتها|[يت]كسب|كسبت)$"
)
_EVERY = frozenset({"شهريا", "سنويا", "بالشهر", "بالسنه", "فالشهر", "فالسنه", "فالعام", "بالعام"})
_PERIODS = frozenset({"الشهر", "السنه", "العام", "شهر", "سنه", "عام"})
# Where or when someone was born, which news seldom says of the people it names: «في أي
# مدينة وُلد المدرب؟»، «وين انولدت؟»، «ما مسقط رأسه؟». The verb only after «where», «when»
# or «which» (ولد is a boy too); a fact says it with _BIRTH_SAID.
_BORN = "ولد"
_BORN_VERBS = frozenset({"ولد", "ولدت", "انولد", "انولدت", "اتولد", "اتولدت"})
_WHERE_WHEN = frozenset({"اين", "وين", "فين", "منين", "متي", "امتي", "ايمتي", "وقتاش", *_WHICH})
_BIRTH = frozenset({"مواليد", "ميلاد", "ميلاده", "ميلادها"})
_BIRTH_SAID = re.compile(
    r"^[وف]?(?:ال)?(?:ولد|ولدت|مولود|مولوده|مواليد|مسقط|ميلاد|ميلاده|ميلادها|مولد|مولده)$"
)
# When or where a body was founded, which news seldom says of the companies and
# associations it names: «متى تأسست الجمعية؟»، «في أي عام أُنشئت الشركة؟». Asked with a
# verb of founding after «where», «when» or «which»; a fact says it with a word of founding
# (تأسست، تأسيس، مؤسسها، أُنشئت، إنشاء، نشأت). Not مؤسسة, a foundation, which normalised is
# written as «his founder» is, nor نشاط.
_FOUNDED = "اسس"
_FOUNDING_VERBS = frozenset(
    {"تاسس", "تاسست", "اتاسس", "اتاسست", "اسس", "اسست", "اسسها", "اسسه", "انشء", "انشءت"}
)
# «Since when» it has been there, which asks when it was founded: «من متى موجودة الجمعية؟»،
# «منذ متى والجمعية قائمة؟».
_SINCE = frozenset({"من", "منذ", "مل", "ملي"})
_WHEN = frozenset({"متي", "امتي", "ايمتي", "وقتاش", "امتا", "ايمتا"})
_THERE = frozenset({"موجود", "موجوده", "قائم", "قائمه", "قاءم", "قاءمه", "كاينه", "كاين"})
_FOUNDING_SAID = re.compile(
    r"^[وف]?(?:ال)?(?:ت?اسس\S*|تاسيس\S*|انشء\S*|انشاء\S*|نشا|نشات|نشاه|مءسس(?:ها|هم|ي|و|ون|ين)?)$"
)
# What someone did before, which news seldom says of the people it names: «ما المنصب الذي
# شغله قبل أن يتولى …؟»، «شو كان شغل الوزير قبل ما يصير وزير؟». Asked with a noun of a post or
# a trade, or «كان يعمل», and «قبل»; a fact says it with a verb of working in the past
# (عمل، اشتغل، شغل منصب), «في العمل», «كان يعمل» or a word of a former post (سابق، متقاعد).
_FORMER = "سابق"
_JOBS = re.compile(r"^[وف]?(?:ال)?(?:منصب|شغل|وظيف|مهن)(?:ه|ته|ها|تها|هم)?$")
_WORKING = frozenset({"يعمل", "تعمل", "يشتغل", "تشتغل", "بيشتغل", "بتشتغل"})
# The dialects' «worked», which asks a post as «كان يعمل» does: «اشتغلت فين قبل ما تيجي؟».
_WORKED_AT = frozenset({"اشتغل", "اشتغلت", "اشتغلو", "اشتغلوا"})
_WORKED = re.compile(
    r"^[وف]?(?:قد)?(?:عمل|عملت|اشتغل|اشتغلت|شغل|شغلت|تقاعد|متقاعد|(?:ال)?سابق\S*)$"
)
# Or a date in brackets after the name, the reference works' way: «نجيب محفوظ (11 ديسمبر 1911
# - 30 أغسطس 2006)»، «أديسون (1847-1931)».
_LIFE_DATES = re.compile(r"\(\s*(?:[\d٠-٩]{1,2}\s+\S+\s+)?[\d٠-٩]{4}")
# What a fact that does not say the kind a question asks for («من أي نادٍ») keeps of its
# score: below the default matching.min_score however sure the judge was.
UNSAID_KIND = 0.2
# Anything quoted; a name is a few words of it.
_IN_QUOTES = r"[«\"“]([^»\"”]{1,60})[»\"”]"
_QUOTED = re.compile(_IN_QUOTES)
_NAME_WORDS = 4
# A kind, then what calls it so («اسم»، «باسم»), then the name in quotes.
_NAMED = re.compile(r"(\S+)\s+(?:(?:اسم|باسم|يدعى|تدعى)\s+)?" + _IN_QUOTES)
# A kind with a pronoun joined («روايته», «شركتها»): ت before it was the ة.
_OWNED = re.compile(r"^(..+?)(ت)?(?:ه|ها|هم)$")
# The article, or و/ف and a preposition, before a kind that names a thing («وشركة», «بالتطبيق»).
_BEFORE = re.compile(r"^[وف]?[بكل]?(?:ال)?")


def referents(sentences: Sequence[str]) -> list[str]:
    """For each sentence, the normalised names of the things it calls by their kind alone.

    "" for a sentence that names what it speaks of, or speaks of no kind named before.
    """
    kinds: dict[str, str] = {}  # each name met, with its kind
    times: Counter[str] = Counter()  # how many sentences have named each
    out = []
    for sentence in sentences:
        text = f" {normalize(sentence)} "
        kinds.update((name, kind) for kind, name in _names(sentence))
        named = [name for name in kinds if f" {name} " in text]
        times.update(named)
        unknown = any(q not in kinds for q in _quoted(sentence))
        said = {kinds[name] for name in named}
        meant = [
            _most_named(kind, kinds, times)
            for kind in _kinds_meant(text)
            if kind not in said and not unknown and kind in kinds.values()
        ]
        out.append(" ".join(dict.fromkeys(meant)))
    return out


def _most_named(kind: str, kinds: dict[str, str], times: Counter[str]) -> str:
    """The thing of this kind named in most sentences so far, the first named of a tie.

    What an article is about it names first and most: a novel's author's earlier novel, named
    once in passing, is not «الرواية» of the rest.
    """
    order = {name: i for i, name in enumerate(kinds)}
    return max((n for n, k in kinds.items() if k == kind), key=lambda n: (times[n], -order[n]))


def _quoted(sentence: str) -> list[str]:
    """What the sentence quotes that may be a name, normalised."""
    return [name for q in _QUOTED.findall(sentence) if (name := _a_name(q))]


def _a_name(quoted: str) -> str | None:
    """The quoted words normalised, if few enough to be a name: «تمنح أطفالاً ...» is speech."""
    words = normalize(quoted)
    return words if words and len(words.split()) <= _NAME_WORDS else None


def kind_asked(words: Sequence[str]) -> str | None:
    """The stem of the kind of named thing a question asks which one of («أي نادٍ»), if any.

    `words`: the question, normalised.

    «من أي نادٍ انتقلت المدربة؟» is answered by a fact that speaks of a club, and «إلى أي
    كتلة ينتمي النائب؟» by one that speaks of a bloc; a fact that names the coach or the
    deputy but no club or bloc shares every other word and does not answer. Only kinds of
    named things: «في أي مدينة» is answered by «في إربد», without the word. A capital is
    asked with «ما» and answered with the word: «أنجامينا، عاصمة تشاد»; and pay, asked with
    «كم» or «ما» and answered with a word of pay: «يتقاضى المدرب …»; a price and capital
    likewise: «أسعار التذاكر تبدأ من …». A birth too, asked where or when: «وُلد في …»; and
    a founding: «تأسست عام …»; and what someone did before: «عمل مدرسا قبل أن …».
    """
    opening = list(itertools.dropwhile(_WHAT.__contains__, words))
    if opening and len(opening) < len(words) and opening[0] in _ASKED_BY_WHAT:
        return stem(opening[0])
    if amount := _amount_asked(_joined_capital(words)):
        return amount
    if any(map(_PAID_VERB.match, words)) and _per_period(words):
        return _PAY  # «كم سيتقاضى المدرب شهريًا؟»
    if any(map(_EARNS.match, words)) and _per_period(words):
        return _EARNED
    if _born_asked(words):
        return _BORN
    if _where_or_when(words, _FOUNDING_VERBS) or _since_when(words):
        return _FOUNDED
    if "قبل" in words and _asks_work(words):
        return _FORMER
    after = (words[i + 1] for i, word in enumerate(words[:-1]) if word in _WHICH)
    return next((kind for noun in after if (kind := stem(noun)) in kind_stems()), None)


def _amount_asked(words: Sequence[str]) -> str | None:
    """The amount a question asks with a noun after its question word («كم يبلغ راتب»).

    Or, in the dialects, right before a question word they put last («تمنها كام؟»); and
    the question word may stand late: «العمال اللي يشتغلون … كم رواتبهم؟».
    """
    at = next((i for i, w in enumerate(words) if w in _WHAT or w in HOW_MANY), None)
    if at is None:
        return None
    asked = list(itertools.dropwhile((_WHAT | HOW_MANY | _AMOUNTS_TO).__contains__, words[at:]))
    if asked:
        return _amount(asked[0])
    return _amount(words[at - 1]) if at else None


def _amount(word: str) -> str | None:
    """The amount a noun asks, its owner's pronoun aside: رواتبهم، سعره، تمنها."""
    bare = _OWNER.sub("", word)
    return _ASKED_AMOUNTS.get(word) or (_ASKED_AMOUNTS.get(bare) if len(bare) >= 3 else None)


def _per_period(words: Sequence[str]) -> bool:
    """Whether a question asks by the month or the year: شهريًا، بالشهر، «في السنة»، «كل عام»."""
    if not _EVERY.isdisjoint(words):
        return True
    return any(a in ("في", "كل") and b in _PERIODS for a, b in itertools.pairwise(words))


def _asks_work(words: Sequence[str]) -> bool:
    """Whether a question asks a post or a trade: «المنصب»، «شغله»، «كان يعمل»، «اشتغلت فين»."""
    return any(map(_JOBS.match, words)) or _was_working(words) or not _WORKED_AT.isdisjoint(words)


def _says_work(words: Sequence[str]) -> bool:
    """Whether a text says what someone did before: «عمل مدرسا»، «في العمل بورشة»."""
    at_work = ("في", "العمل") in itertools.pairwise(words)
    return any(map(_WORKED.match, words)) or at_work or _was_working(words)


def _was_working(words: Sequence[str]) -> bool:
    """«كان يعمل»، «كانت تشتغل»: working, in the past."""
    return any(a in ("كان", "كانت") and b in _WORKING for a, b in itertools.pairwise(words))


def _born_asked(words: Sequence[str]) -> bool:
    """Whether a question asks where or when someone was born."""
    if not _BIRTH.isdisjoint(words) or ("مسقط", "راس") in itertools.pairwise(words):
        return True
    return _where_or_when(words, _BORN_VERBS)


def _where_or_when(words: Sequence[str], verbs: frozenset[str]) -> bool:
    """Whether a question asks where or when with one of these verbs: «متى تأسست …؟»."""
    return not verbs.isdisjoint(words) and not _WHERE_WHEN.isdisjoint(words)


def _since_when(words: Sequence[str]) -> bool:
    """Whether a question asks how long a body has been there: «من متى موجودة؟»."""
    since = any(a in _SINCE and b in _WHEN for a, b in itertools.pairwise(words))
    return since and not _THERE.isdisjoint(words)


def says_kind(text: str, kind: str) -> bool:
    """Whether a text speaks of a thing of this kind (kind_asked's stem).

    With a pronoun joined the kind may keep its ة as ت: عاصمته, شركته. Pay and prices are
    said in any of their words.
    """
    if kind == _BORN:
        return bool(_LIFE_DATES.search(text)) or any(map(_BIRTH_SAID.match, tokens(text)))
    if kind == _FOUNDED:
        return any(map(_FOUNDING_SAID.match, tokens(text)))
    if kind == _FORMER:
        return _says_work(tokens(text))
    if kind == _EARNED:
        words = tokens(text)
        return any(map(_EARNINGS_SAID.match, words)) or says_kind(text, _PAY)
    if kind in _AMOUNTS:  # «بأجر»: the stemmer leaves a preposition on a short word
        said = _amount_stems(kind)
        words = _joined_capital(tokens(text))
        return any(stem(r) in said for word in words for r in readings(word))
    stems = analyse(text).stems
    return kind in stems or f"{kind}ت" in stems


def _joined_capital(words: Sequence[str]) -> list[str]:
    """The words, «رأس مال» (capital) written as one, as it is as often: «برأسمال»."""
    return " ".join(words).replace("راس مال", "راسمال").split()


@cache
def _amount_stems(kind: str) -> frozenset[str]:
    return frozenset(stem(normalize(word)) for word in " ".join(_AMOUNTS[kind]).split())


@cache
def kind_stems(plurals: bool = False) -> frozenset[str]:
    """The stems of the kinds of things that bear names: a company, an app, a bank...

    `plurals`: with their plurals in ات, which the stemmer leaves apart (التطبيقات is تطبيقا
    to it). Not for «أي …»: «في اي مجلات» is as often a slip for مجالات (fields).
    """
    words = (*_KINDS, *(kind.removesuffix("ه") + "ات" for kind in _KINDS)) if plurals else _KINDS
    return frozenset(map(stem, words))


def _names(sentence: str) -> list[tuple[str, str]]:
    """The things the sentence names in quotes after their kind: (kind, name), normalised."""
    found = []
    for kind_word, quoted in _NAMED.findall(sentence):
        kind = next((k for k in _bare(normalize(kind_word)) if k in _KINDS), None)
        if kind and (name := _a_name(quoted)):
            found.append((kind, name))
    return found


def _bare(word: str) -> list[str]:
    """A normalised word, and without what may be joined to a kind: «وشركة», «روايته»."""
    forms: list[str] = []
    for form in (word, _BEFORE.sub("", word, count=1)):
        owned = _OWNED.match(form)
        forms += [form, owned.group(1) + ("ه" if owned.group(2) else "")] if owned else [form]
    return forms


def _kinds_meant(text: str) -> list[str]:
    """The kinds a normalised sentence speaks of with the article, as of a thing named before."""
    # The article on a kind, after و/ف and a preposition or not: «التطبيق»، «وللشركة».
    return [
        kind
        for word in text.split()
        if has_article(word) and (kind := strip_clitics(word)) in _KINDS
    ]
