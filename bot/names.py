"""Whether a fact gives the name that a question asks for.

«ما اسم محافظ ذي قار؟» and «من هو محافظ ذي قار؟» share every word, and most of their meaning,
with «وقال محافظ ذي قار إن ...», which speaks of the governor without naming him. Neither
words nor meaning tell the two apart: the place of a name does. A fact names what is asked
about when, right after the words that the question itself uses for it, comes a word the
question does not hold and that is no function word («شركة «ضياء»», «أخيه باسل الأسد»,
«السرطان (بالإنجليزية: Cancer)»), or a name set off by commas («مدير المكتب، عوض باعباد،»).
A full stop, a function word, or the question's own words again («المقاول الأول.»,
«ابنها الذي ...», «صندوق «أفق»» for a question that names أفق) name nothing.

Judged on the text of the few facts ranked best, after ranking: matching holds back those
that do not give the name (UNNAMED), so that they are offered, not answered.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from rapidfuzz.distance import OSA

from bot.text import (
    has_article,
    in_dialect,
    normalize,
    optional,
    readings,
    stem,
    stopwords,
    strip_clitics,
    tokens,
)
from bot.things import kind_stems
from bot.typos import SHORT, common, put_back_in

# What a fact that does not give the name asked for keeps of its score: below the default
# matching.min_score (25) however sure the judge was, and still ranked for the suggestions.
UNNAMED = 0.2
# The word that asks for a name (normalised): اسم، اسما، أسماء، أسامي.
_NAME_WORDS = frozenset({"اسم", "اسما", "اسماء", "اسامي"})
# Question words that open «ما اسم ...», in the standard language and the dialects.
_WHAT = frozenset(
    {"ما", "ماهو", "ماهي", "شو", "شنو", "شنهو", "شنيه", "اشنو", "ايش", "اش", "وش", "واش", "ايه"}
    | {"شن"}  # Libya's
)
# «Who», in the standard language and the dialects.
_WHO = frozenset({"من", "مين", "منو", "شكون", "اشكون"})
# Posts a «who» question may ask the holder of, by name: «من هو وزير ...». Not صاحب: «صاحب
# الهدف» is who scored it, which a fact says in other words.
_ROLES = (
    "رئيس رئيسة مدير مديرة وزير وزيرة محافظ محافظة مدرب مدربة قائد قائدة أمين أمينة سفير "
    "سفيرة مؤسس مؤسسة مؤلف مؤلفة مخرج مخرجة عميد عميدة نائب نائبة ناطق ناطقة متحدث متحدثة "
    "مسؤول مسؤولة حكم مالك مالكة زعيم زعيمة نقيب نقيبة عمدة مفوض مفوضة منسق منسقة "
    "كاتب كاتبة روائي روائية شاعر شاعرة "
    # Members and the professions news counts without naming: «من هم أعضاء لجنة التحكيم؟»،
    # «شكون هوما الجراحين التلاتة؟».
    "عضو أعضاء طبيب طبيبة أطباء جراح جراحة ممرض ممرضة محامي محامية قاضي قاضية"
)
# Titles news names a person by, besides the posts: «مين الدكتورة …؟» is answered by
# «الدكتورة سلمى بن عاشور».
_TITLES = (
    "دكتور دكتورة مهندس مهندسة أستاذ أستاذة شيخ سيد سيدة لواء عقيد مهاجم حارس حارسة لاعب لاعبة"
)
# What a «who» question asks with a verb: who founded, heads, owns, funds or builds a thing
# (normalised). «من أسس شركة الأرجوان؟»، «مين بيرأس القائمة؟»، «من يملك الصندوق؟»، «مين اللي
# بيموّله؟»، «منو اللي بنى المبنى؟». Heading and owning only in the present or with تـ
# (ترأس): bare, راس is a head and ملك a king.
_ROLES_ASKED = {
    "founded": re.compile(r"^(?:اسس|اسست|اسسوا|اسسو|انشا|انشات|انشاوا)$"),
    "heads": re.compile(
        r"^(?:[يتب]|بي|بت)(?:ت)?راس(?:ها|ه|هم)?$|^(?:[يت]|بي|بت)(?:قود|دير)(?:ها|ه|هم)?$"
    ),
    "owns": re.compile(r"^(?:[يت]|بي|بت)ملك(?:ها|ه|هم)?$"),
    "funds": re.compile(r"^(?:[يت]|بي|بت|هي|هت)?مول(?:ت|وا|و|ها|ه|هم)?$"),
    "builds": re.compile(
        r"^(?:[يت]|بي|بت|هي|هت)(?:بني|بنو|بنوا)(?:ها|ه|هم)?$|^بني$"
        r"|^(?:[يت]|بي|بت|هي|هت)?(?:شيد|نفذ)(?:ت|وا|و|ها|ه|هم)?$"
    ),
}
# What says who holds the role in a fact. Who founded: the verb, active, with its object or
# its subject after it («وأسس العنزي الشركة»، «أسسها»), its founder («مؤسسها»; not مؤسسة, an
# institution, which normalised is مؤسسه as «his founder» is), «بتأسيسها» or «على يد»; not
# «تأسست الشركة عام 1994». Who heads: its head, its heading, its leader or manager, in any
# form («رئيس»، «برئاسة»، «ترأس»، «ويقود الفريق …»، «مديرة»). Who owns: its owner, «تملكه»،
# «مملوكة»، «صاحب». Who funds: its funding, its funder, a grant, a donor («بتمويل من»،
# «موّلته»، «بمنحة من»، «تبرع»). Who builds: its building done by someone, or the contractor
# («نفذت»، «تنفيذ»، «المقاول»، «أنشأت المبنى شركة»، «شيدته»); not «ستُبنى المحطة», which names
# no builder.
_ROLES_SAID = {
    "founded": re.compile(
        r"^[وف]?(?:اسس|انشا)(?:ت|وا|و|ه|ها|هما|هم)?$|^[وف]?(?:ال)?مءسس(?:ها|هما|هم|و|ي|ا)?$"
        r"|^[وف]?ب(?:تاسيس|انشاء)"  # «قام … بتأسيسها»; not «منذ تأسيسها», which says when
    ),
    "heads": re.compile(
        r"رءيس|رءاس|^[وف]?(?:[يت]|يت|تت)?راس|قاءد|قياد|^[وف]?(?:[يت]?قود|قاد)|مدير|ادار"
        r"|^[وف]?[يت]دير"
    ),
    "owns": re.compile(r"مالك|^[وف]?[يت]?ملك|ملكي|^[وف]?(?:ال)?صاحب|مملوك"),
    "funds": re.compile(
        r"تمويل|ممول|^[وف]?[يت]?مول|منح|تبرع|متبرع|^[وف]?ب?دعم|مانح|علي نفقه|تكفل|يتكفل|مساهم"
    ),
    "builds": re.compile(
        r"نفذ|تنفيذ|منفذ|مقاول|^[وف]?(?:ال)?(?:شيد|شيدت|شيده|شيدها|تشييد)$"
        r"|^[وف]?(?:انشا|انشات|انشاه|انشاها|بني|بنت|بناه|بناها|بنته|بنتها)$"
    ),
}
# Kinds of thing known by a name, asked for with «ما» (normalised): «ما الشركة المصنعة ...»
# asks which company, by its name. A fact names one right after the word: «شركة «ضياء»».
_KINDS = (
    "الشركه الشركات المنظمه المنظمات الجمعيه الجمعيات المؤسسه المنصه الجامعه البنك القناه "
    "الصحيفه الفريق النادي الفيلم الافلام الروايه الروايات"
)
_NAMED_KINDS = frozenset(_KINDS.split())
# «His name», «her name», as the dialects ask it after what they ask about: «مدير الكهربا
# اسمه إيه؟» (normalised).
_ITS_NAME = frozenset({"اسمه", "اسمها", "اسمو", "اسمهم"})
# Between the question word and اسم: «ما هو اسم», «ما هي أسماء».
_COPULAS = frozenset({"هو", "هي", "هم", "هما", "هوما", "هوم"})  # هوما: the Maghreb's «they»
# Relative pronouns: the words asked about end before them («الشركة التي نفذت»).
_RELATIVES = frozenset(
    {"الذي", "التي", "الذين", "اللذين", "اللتين", "اللتان", "اللي", "الي", "يلي", "لي"}
)
# Between «who» and the verb it asks with: a relative pronoun, or what says the verb is to
# come («شكون اللي غادي يبني …»، «مين رح يموّل …»).
_BEFORE_VERB = _RELATIVES | {"غادي", "غاديه", "رح", "راح", "حا"}
# A word with the article, after a noun, says what it is: «الشركة المنفذة».
_DEFINITE = re.compile(r"^[وف]?ال..")
# A word with the article after a preposition says whose: «المديرة التنفيذية للشركة».
_OF_THE = re.compile(r"^[وف]?(?:[بك]ال|لل)..")
# ب joined to a word: what a thing is made with or where it is, «بكلفة …»، «بمدينة …».
_WITH = re.compile(r"^[وف]?ب(....+)$")
# Words that say a name follows (normalised): «هالتها المعروفة بالإكليل», «شركة تدعى ...».
_NAMING = (
    "المعروف المعروفه المسمي المسماه المدعو المدعوه الملقب الملقبه باسم يدعي تدعي يسمي تسمي "
    "اسمه اسمها يعرف تعرف"
)
_CALLED = frozenset(_NAMING.split())
# «In», «at» (normalised): where a post is held, said between it and its holder's name.
_WHERE = frozenset({"في", "لدي"})
# Pronouns joined to a word (normalised), longest first.
_PRONOUNS = ("هما", "هم", "هن", "ها", "نا", "ه")
# A noun with «her», «their» joined is known already: the word with the article after it
# describes it («جهاز شقيقها الأكبر»), as after a noun with the article. Not ه: the ة of
# شركة is written so once normalised.
_OWNED = re.compile(r"^...+(?:ها|هما|هم|هن)$")
# Commas, Arabic and Latin: a name set off between two of them names what comes before.
_COMMAS = frozenset("،,")
# The shortest word that may be read as misspelt (محافط for محافظ): a shorter one is a slip
# away from too many other words (اين from امين).
_SLIPPED = 4
# The most words a name between commas has.
_APPOSITION = 4
# Quotes and brackets, which set a name off; those that open it.
_QUOTES = frozenset("«»\"“”()[]'")
_OPENING = frozenset("«“([")
# When, set off by commas as a name is («أعلنت الهيئة، الأحد، ...»), normalised.
_DAYS = frozenset(
    {"السبت", "الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "امس", "اليوم", "غدا"}
)
# When, right after the words asked about: «قال وزير الصحة يوم الأحد إن …» names nobody.
_WHEN = _DAYS | {"يوم", "مساء", "صباح", "ظهر", "فجر", "ليله", "ليل"}
# An adjective's endings that agree with its noun's: the feminine ة, the accusative ًا.
_AGREEING = ("ه", "ا", "ون", "ين", "ات")
# «أخرى»: another, whatever the noun.
_OTHER = frozenset({"اخري", "اخر", "اخرين", "اخريات"})
# A verb that goes on to say what it does to it: «ثلاثة أحياء يقطنها ...»، «شركة يديرها ...»
# (normalised: an imperfect verb with its object's pronoun). No name is written so.
_VERB_OF_IT = re.compile(r"^[يت]..+(?:ها|هم|هما|هن)$")
# ل and a verbal noun with its object's pronoun: what is done to it, «لمساءلته»، «لحمايتها».
_FOR_IT = re.compile(r"^[وف]?ل(?!ل)..+(?:ته|تها|تهم|ها|هم|هما|هن)$")
# The preposition ل joined to a word (not to the article: للشركة is whose, _OF_THE).
_FOR = re.compile(r"^[وف]?ل(?!ل)(...+)$")


class Word(NamedTuple):
    """A word of what is asked about: its stems, and the word as a slip may have typed it."""

    keys: frozenset[str]
    # The word without its clitics, or "" for a word written Arabic often uses, which is
    # meant as written: نجيب is no slip for نقيب.
    slip: str
    # A noun of three letters after its article: it may have lost a letter (الركة for الشركة),
    # as matching reads it (bot/typos.py, put_back).
    short: bool = False


@dataclass(frozen=True)
class NameAsked:
    """What a question asks the name of: its words, read as stems."""

    # Each content word of what is asked about («محافظ ذي قار»: محافظ، قار).
    about: tuple[Word, ...]
    # Every word of the question, and its stems: words a fact repeats from it name nothing.
    said: frozenset[str]
    # Whether it asks for a thing rather than who holds a post: «مستشفى الريحان» names the
    # hospital, «وزير الصحة» no minister.
    thing: bool = False


def name_asked(words: Sequence[str]) -> NameAsked | None:
    """What a question asks the name of, from its normalised words; None when it asks none.

    A question that opens with it («ما اسم ...», «شو اسم ...», «اسم ... إيه؟») or asks it
    last as the dialects do («مدير الكهربا ... اسمه إيه؟»); one that asks who holds a post
    («من هو رئيس ...», «مين مدرب ...»); or which thing of a kind known by its name («ما
    الشركة المصنعة ...»). What it asks about runs to a relative pronoun or a question word:
    «رئيس البعثة من الجانب العراقي».
    """
    start = _about(words)
    if start is None:
        return None
    about: list[str] = []
    for word in words[start:]:
        if word in _RELATIVES or word in _WHAT or word in _ITS_NAME:
            break
        about.append(word)
    if words[start] in _NAMED_KINDS:
        about = _kind_asked(about)
    stop = stopwords()
    asked = [w for w in about if w not in stop and not optional(w)]  # بتاع، ديال
    if not asked:
        return None  # «ما اسمه؟»: the name of someone the question does not say
    content = [w for w in words if w not in stop]
    words_asked = tuple(_asked(w) for w in asked)
    said = frozenset(content + about).union(*map(_keys, content))
    return NameAsked(words_asked, said, not _is_post(asked[0]))


@dataclass(frozen=True)
class RoleAsked:
    """A role a «who» question asks the holder of with a verb, and of what."""

    role: str  # founded, heads, owns, funds, builds
    # The stems of the words for what holds the role («قائمة صوت مصراتة»), to the relative
    # pronoun or question word that ends them.
    of: frozenset[str]


def role_asked(words: Sequence[str]) -> RoleAsked | None:
    """Which role a «who» question asks the holder of with a verb (_ROLES_ASKED), if any."""
    for at, word in enumerate(words[:-1]):
        if word not in _WHO:
            continue
        verb = next((i for i in range(at + 1, len(words)) if words[i] not in _BEFORE_VERB), None)
        if verb is None:
            return None
        role = next((r for r, asks in _ROLES_ASKED.items() if asks.match(words[verb])), None)
        if role is None:
            return None
        stop = stopwords()
        of = itertools.takewhile(
            lambda w: w not in _RELATIVES and w not in _WHAT, words[verb + 1 :]
        )
        return RoleAsked(role, frozenset().union(*(_keys(w) for w in of if w not in stop)))
    return None


def says_role(text: str, asked: RoleAsked) -> bool:
    """Whether a text says who holds the role asked, and a head or an owner of what is asked.

    «وتأسست الأرجوان عام 1994 في مدينة السلط» says when and where, not who; «بالتعاون مع
    الرابطة» names no head of it. An article names the heads and owners of many bodies, so
    the fact must speak of the one asked about: «لجنة الطعون، التي يرأسها القاضي …» heads no
    list. A founder is its subject's, said of it by a pronoun as often as by name («أسسها»).
    """
    words = tokens(text)
    if asked.role == "founded":
        return any(map(_ROLES_SAID["founded"].search, words)) or ("علي", "يد") in (
            itertools.pairwise(words)
        )
    return any(map(_ROLES_SAID[asked.role].search, words)) and (
        not asked.of or any(not asked.of.isdisjoint(_keys(w)) for w in words)
    )


def titles_asked(words: Sequence[str], kind: str | None) -> frozenset[str]:
    """The stems of the titles and posts a «who» question names its person by, as written.

    `words`: the question, normalised. As written: a dialect's الدكتورة is read as طبيبة.
    A slip in a title is read as the title (الدكتوررة), unless the word is a common one.
    """
    if kind != "who":
        return frozenset()
    return frozenset(found for word in words if (found := _title(word)))


def _title(word: str) -> str | None:
    """The stem of the title a question's word is, or is one slip from; None if none."""
    if (key := stem(word)) in _title_stems():
        return key
    if common(word) or in_dialect(word):  # ماسكة is a dialect's word, not مالكة mistyped
        return None
    bare = strip_clitics(word)
    return next((stem(t) for t in _title_words() if _one_slip(bare, t)), None)


def holder_named(
    words: Sequence[tuple[str, str]], titles: frozenset[str], said: frozenset[str]
) -> bool:
    """Whether a statement gives a title asked for right before a word the question lacks.

    «وأكدت مديرة المستشفى، الدكتورة سلمى بن عاشور، …» names the one «مين الدكتورة اللي ماسكة
    إدارة مستشفى الأطفال؟» asks for: evidence that no weight of shared words gives, so
    matching reads such a fact from a lower point (judge.PINNED_POINT). `words`: the
    statement's stems and light stems, stopwords left out (FactTerms.statement_words);
    `said`: the question's stems, which may stand between the title and the name. Stems
    keep no article: a common word after the title («وأشاد المدرب بالجماهير») reads as a
    name too, a raise the judge's other evidence must still carry.
    """
    terms = [term for term, _ in words]
    for at, title in enumerate(terms):
        if title not in titles:
            continue
        # Past what the question says of the post: «مدرب الفريق خالد الشهري».
        after = next((t for t in terms[at + 1 : at + _APPOSITION] if t not in said), None)
        if after is not None and not after.isdigit():
            return True
    return False


@cache
def _title_words() -> frozenset[str]:
    return frozenset(normalize(word) for word in (*_TITLES.split(), *_ROLES.split()))


@cache
def _title_stems() -> frozenset[str]:
    return frozenset(map(stem, _title_words()))


def _kind_asked(about: list[str]) -> list[str]:
    """The words that say which thing of a kind is asked for: the kind and its adjectives.

    A fact names the thing right after the kind («شركة «الواحة الجنوبية»، المشغلة للحقل»),
    and what the question says of it after them need not be repeated; the adjectives tell one
    of the kind from another: «مع شركة إسبانية» is the one asked for, not «شركة «ضياء»».
    """
    return about[:1] + list(itertools.takewhile(_DEFINITE.match, about[1:]))


def _asked(word: str) -> Word:
    """A word of what is asked about, with how a slip in it may be read."""
    if common(word):
        return Word(_keys(word), "")
    bare = strip_clitics(word)
    return Word(_keys(word), bare, has_article(word) and len(bare) == SHORT)


def _about(words: Sequence[str]) -> int | None:
    """Where the words for what a question asks the name of begin; None when it asks none."""
    opening = [(i, w) for i, w in enumerate(words[:4]) if w not in _COPULAS]
    if len(opening) < 2:
        return None
    (first_at, first), (second_at, second) = opening[:2]
    if first in _NAME_WORDS and words[-1] == "ايه":
        return first_at + 1
    if first not in _WHAT and _asks_its_name(words):
        return first_at
    if first in _WHAT and second in _NAME_WORDS:
        return second_at + 1
    if first in _WHO and second not in stopwords() and _is_post(second):
        return second_at
    if (first in _WHAT or first in _WHO) and second in _NAMED_KINDS:
        return second_at  # «ما الشركة المصنعة ...»، «مين الشركة اللي هتصنع ...»
    return None


def _asks_its_name(words: Sequence[str]) -> bool:
    """Whether «اسمه» comes next to a question word: «... اسمه إيه؟», «... شو اسمه؟»."""
    return any(
        word in _ITS_NAME and not _WHAT.isdisjoint(words[max(0, i - 1) : i + 2])
        for i, word in enumerate(words)
    )


def names(texts: Sequence[str], asked: NameAsked) -> bool:
    """Whether any of these texts (a fact's statement and quotes) names what is asked about.

    A fact speaks of what is asked about where it repeats, together, its first word (the
    post or the thing: مدير، شركة) and a third or more of the question's words for it.
    Where it does so more than once, the mentions that repeat most are the ones about it:
    «مع شركة إسبانية» answers for «الشركة الإسبانية», not «شركة «ضياء»» in the same
    sentence; and «مدير مكتب التربية» speaks of no «مدير منظمة إنقاذ الطفولة».
    A fact that never speaks of it gives no name for it.
    """
    best, named = 0, False
    for pieces in map(_pieces, texts):
        for i, piece in enumerate(pieces):
            if not _mentioned(piece, asked):
                continue
            repeated, gives = _mention(pieces[i:], asked)
            gives = gives or _named_before(pieces[:i])
            covered = len(repeated) if 0 in repeated else 0
            if covered > best:
                best, named = covered, gives
            elif covered == best:
                named = named or gives
    return named and best > 0 and 3 * best >= len(asked.about)


@lru_cache(maxsize=50_000)
def _keys(word: str) -> frozenset[str]:
    """How a word may be read: its stems, with and without its preposition, and its letters.

    لشركة is read as شركة too; the word without its clitics is kept for a reader's slip in it.
    """
    return frozenset(stem(r) for r in readings(word)) | {strip_clitics(word)}


def _mentioned(piece: str, asked: NameAsked) -> bool:
    """Whether a fact's word is any word of what is asked about."""
    return any(_mentions(piece, word) for word in asked.about)


def _mentions(piece: str, word: Word) -> bool:
    """Whether a fact's word reads as a word asked about, or is one slip from it as typed.

    A slip is a letter dropped, added, changed or two swapped (الشكرة for الشركة), in a word of
    _SLIPPED letters or more. The fact's word is compared as written and by its stems: the
    ending of «مشروعاً» is not the question's «المسروع».
    """
    keys = _keys(piece)
    if not word.keys.isdisjoint(keys):
        return True
    bare = strip_clitics(piece)
    if word.short:  # a letter put back: الركة is الشركة, and only that slip
        return put_back_in(word.slip, bare)
    return len(word.slip) >= _SLIPPED and any(_one_slip(k, word.slip) for k in (bare, *keys))


def _one_slip(word: str, other: str) -> bool:
    return len(word) >= _SLIPPED and OSA.distance(word, other, score_cutoff=1) <= 1


def _is_post(word: str) -> bool:
    """Whether a word is one of the posts, or a slip from one (محافط; not نجيب, a word)."""
    if not _keys(word).isdisjoint(_roles()):
        return True
    bare = strip_clitics(word)
    return not common(word) and any(_one_slip(bare, post) for post in _posts())


@cache
def _posts() -> frozenset[str]:
    return frozenset(normalize(w) for w in _ROLES.split())


@cache
def _roles() -> frozenset[str]:
    return frozenset(map(stem, _posts()))


def _mention(pieces: Sequence[str], asked: NameAsked) -> tuple[set[int], bool]:
    """Which words of what is asked about a mention repeats; whether a name follows them.

    Quotes and brackets are looked through: «أفق» names nothing new when the question says
    أفق already.
    """
    covered: set[int] = set()
    last, quoted, described, kind_bare = "", False, False, False
    for at, piece in enumerate(pieces):
        if piece in _COMMAS:
            return covered, not described and _between_commas(pieces[at + 1 :], asked)
        if piece in _QUOTES or piece == ":" or piece in _COPULAS:
            quoted = piece in _OPENING or (piece == '"' and not quoted)
            continue
        if kind_bare and asked.thing and _a_name_of_it(piece, asked):
            return covered, True  # «أجرى مستشفى الريحان التخصصي ...»
        hit = {k for k, word in enumerate(asked.about) if _mentions(piece, word)}
        kind_bare = 0 in hit and not has_article(piece) and not _OWNED.match(piece)
        if hit or _said(piece, asked):
            covered |= hit
            # «فريق من جامعة مستقلة أثر ...»: a university described, not named.
            described = _agrees(last, piece) if hit else described
            last = piece
            continue
        if piece in _WHEN:
            return covered, False  # «أطلقت مديرية الصحة في ولاية تلمسان يوم الأحد حملة …»
        if piece in _WHERE and covered:
            # «رئيس شعبة المخابز في الغرفة التجارية بالقاهرة، عبد الحميد الفقي، ...»
            return _named_after_where(pieces[at + 1 :], asked, covered, described)
        # After the question's own words: «المتحدث باسم الوزارة»، «جمعية "الإغاثة الساحلية"».
        if piece in _CALLED or quoted:
            return covered, _a_word(piece)
        if described or (_DEFINITE.match(piece) and piece not in stopwords()):
            continue  # «الشركة المنفذة»، «وزير الصحة العامة»: what it is, not its name
        if _describes(last, piece):
            described = True  # «منصة وهمية لتداول العملات تدعى ...»: only a name called so
            continue
        # «المديرة التنفيذية للشركة» is another's post when the question says لصندوق.
        named = not any(p.match(piece) for p in (_OF_THE, _VERB_OF_IT, _FOR_IT))
        # «صُنعت في ترسانة بحرية بمدينة دمياط بكلفة ...»: a thing's name is no common word
        # with ب joined (a person's may be: بسام).
        with_ = _WITH.match(piece) if asked.thing else None
        named = named and not (with_ and common(with_.group(1)))
        # «أوقفت القوى الأمنية الحارس الليلي ومسؤول الصيانة»: and another, not his name.
        named = named and not (piece[:1] == "و" and len(piece) > 4 and common(piece[1:]))
        # «على متن صاروخ انطلق من …»: what it did; a thing of a kind that bears names
        # (a company, a bank) has one that is no common word, or is quoted (a person's may
        # be: باسل، خالد).
        named = named and not (_of_a_named_kind(asked) and common(piece))
        return covered, _a_word(piece) and named
    return covered, False


def _of_a_named_kind(asked: NameAsked) -> bool:
    """Whether what is asked about is a thing of a kind that bears names (bot/things.py)."""
    return asked.thing and not asked.about[0].keys.isdisjoint(kind_stems(plurals=True))


def _named_after_where(
    pieces: Sequence[str], asked: NameAsked, covered: set[int], described: bool
) -> tuple[set[int], bool]:
    """After «في», a few words that say where, then a name between commas: the post's holder.

    The words that say where may repeat the question's («صاحب فندق في منطقة كلي علي بك،»).
    """
    for at, piece in enumerate(pieces[: _APPOSITION + 1]):
        if piece in _COMMAS:
            after = pieces[at + 1 :]
            named = bool(after) and after[0] not in _RELATIVES and _between_commas(after, asked)
            return covered, not described and named
        if not piece.isalnum():
            break
        covered |= {k for k, word in enumerate(asked.about) if _mentions(piece, word)}
    return covered, False


def _describes(noun: str, word: str) -> bool:
    """Whether a word after a noun without the article says what it is, or what it is for.

    An adjective agrees with its noun: «قناة تلفزيونية مفتوحة»، «مستشارا ماليا دوليا»; a
    name does not have to: «محافظ واسط عادل الزبيدي». A preposition joined to a common word
    tells what it is for: «وزير الزراعة الولائي لمتابعة الوضع».
    """
    if (purpose := _FOR.match(word)) and common(purpose.group(1)):
        return True
    return _agrees(noun, word)


def _agrees(noun: str, word: str) -> bool:
    """Whether a word agrees with a noun without the article, as its adjective does.

    Not a word with the article: «وزيرة الصحة» is whose minister, and a name may follow.
    """
    if not noun or has_article(noun) or has_article(word) or word in stopwords():
        return False
    if word.endswith("يه") and len(word) > 4:
        return True  # «منظمات دولية»، «أصناف محلية»: a nisba adjective agrees with things
    return word in _OTHER or any(noun.endswith(e) and word.endswith(e) for e in _AGREEING)


def _named_before(pieces: Sequence[str]) -> bool:
    """Whether a name comes just before a mention, a comma between: «قال عوض باعباد، مدير ...»."""
    return len(pieces) >= 2 and pieces[-1] in _COMMAS and _a_word(pieces[-2])


def _between_commas(pieces: Sequence[str], asked: NameAsked) -> bool:
    """Whether a name stands between two commas: «المديرة التنفيذية للشركة، رنا العبادي، أن».

    Function words may be part of it: علي is a name as well as the preposition على. A name
    the question gives is not the one it asks for («ما اسم الفندق الذي يملكه كاوه رسول؟»).
    """
    for count, piece in enumerate(pieces[: _APPOSITION + 1]):
        if piece in _COMMAS:
            between = pieces[:count]
            # «أعادت محافظة حلب، السبت، افتتاح ...»: the day it happened.
            new = [p for p in between if _a_word(p) and not _said(p, asked)]
            return bool(new) and not _DAYS.issuperset(between)
        if not piece.isalnum():
            return False
    return False


def _a_name_of_it(piece: str, asked: NameAsked) -> bool:
    """Whether a word with the article, after a thing's kind without it, is the thing's name.

    After a noun without the article, a word with it is whose the thing is, and a thing of a
    kind is known so: «مستشفى الريحان»، «جامعة اليرموك». A post's is its domain, not its
    holder: «وزيرة الصحة».
    """
    return bool(_DEFINITE.match(piece)) and piece not in stopwords() and not _said(piece, asked)


def _said(piece: str, asked: NameAsked) -> bool:
    """Whether a fact's word is one the question says itself, as written or by its stems.

    Or without the alef of the accusative: «عداءً ألمانياً» says the question's «الألماني»,
    which normalised looks like a word with the article.
    """
    bare = piece.removesuffix("ا")
    return piece in asked.said or bare in asked.said or not asked.said.isdisjoint(_keys(piece))


def _a_word(piece: str) -> bool:
    """A word that may be part of a name: not a function word, a figure or punctuation.

    Nor a function word with a pronoun joined: «أعلنت الجمعية أنها ...», «فيها».
    """
    if not piece.isalnum() or piece.isdigit() or piece in stopwords():
        return False
    return not any(
        piece.endswith(pronoun) and piece[: -len(pronoun)] in stopwords() for pronoun in _PRONOUNS
    )


def _pieces(text: str) -> list[str]:
    """The text's words, normalised, with the punctuation around them as pieces of their own."""
    pieces: list[str] = []
    for chunk in text.split():
        start, end = 0, len(chunk)
        while start < end and _punctuation(chunk[start]):
            start += 1
        while end > start and _punctuation(chunk[end - 1]):
            end -= 1
        pieces.extend(chunk[:start])
        pieces.extend(normalize(chunk[start:end]).split())
        pieces.extend(chunk[end:])
    return pieces


def _punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")
