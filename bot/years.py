"""Whether an article can speak of the year a question names, and a fact of the past it asks.

«كم كانت كميات السردين التي اصطادتها الجمعية في عام 2015؟» shares its words with a sentence on
last season's catch, and the sentence holds a figure: words and meaning both find it. But the
article never says 2015, so nothing in it is about that year. A question that names a year is
answered only from an article that says it; the others' facts are held back as a fact about
another stage is (bot/ordinals.py). An article that says the year somewhere may still answer
from a sentence that does not («العام الماضي»), so the article is read, not the fact.

A date said right after a word of a «when» question is evidence the sentence dates that very
thing («متى ظهرت أول حالة كوليرا؟»: «… منذ ظهور أول حالة في 12 مايو»): such a fact is judged
from a lower point (`dated`, judge.PINNED_POINT), as one whose figure counts the noun asked.

A question that asks of a time gone by («كم كانت قيمة دعم الخبز في موازنة العام الماضي؟») is
answered only by a fact that speaks of one: in the question's words for it (الماضي، السابق),
by a year, or as what had been (وكانت … قد). A sentence on this year's budget does not answer
it, however close; the facts that do are held back as the articles without the year are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from bot.analysis import MONTHS
from bot.text import light_stem, stem

# What a fact of an article that never says the question's year keeps of its score: as much
# as a fact about another stage, below the default matching.min_score.
OTHER_YEAR = 0.2
# A year as news writes it, in digits (normalised: Arabic-Indic digits are ASCII).
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
# A time gone by, as a question or a fact names it: العام الماضي، الموسم السابق، الدورة
# الفائتة، السنة المنصرمة.
_GONE_BY = re.compile(r"^[وبل]?(?:ال)?(?:ماضي|ماضيه|سابق|سابقه|سابقا|فاءت|فاءته|منصرم|منصرمه)$")
# A year among a fact's index terms, with a preposition joined or not: «بـ2023»، «2027».
_A_YEAR_TERM = re.compile(r"^[وفبل]?(?:1[89]|20)\d\d$")
# How many terms before a date a word of the question may stand: «ظهور أول حالة في 12 مايو».
DATED_WITHIN = 3
# Years ago, after «قبل» and a figure or not: «قبل عشر سنين»، «قبل عامين»، «قبل خمس سنوات».
_YEARS_AGO = re.compile(r"^(?:سنه|سنين|سنوات|سنتين|اعوام|عام|عامين|عقد|عقدين|عقود)$")
# What had been: وكانت الشركة قد جمعت …، قبل أربعة مواسم.
_HAD_BEEN = frozenset(("كان", "كانت", "وكان", "وكانت", "قبل", "وقبل"))


def years_in(words: Sequence[str]) -> tuple[str, ...]:
    """The years that normalised words name, each once."""
    return tuple(dict.fromkeys(w for w in words if _YEAR.match(w)))


def asks_past(words: Sequence[str]) -> bool:
    """Whether normalised words ask of a time gone by (العام الماضي، «قبل عشر سنين»)."""
    if any(_GONE_BY.match(w) for w in words):
        return True
    return any(
        before == "قبل" and any(_YEARS_AGO.match(w) for w in words[at + 1 : at + 3])
        for at, before in enumerate(words)
    )


def speaks_of_past(words: Sequence[str]) -> bool:
    """Whether a fact's normalised words speak of a time gone by, a year, or what had been."""
    return any(_GONE_BY.match(w) or w in _HAD_BEEN or _YEAR.match(w) for w in words)


def dated(words: Sequence[tuple[str, str]], asked: frozenset[str]) -> bool:
    """Whether a fact's statement says a date within DATED_WITHIN terms after a word asked.

    `words`: the statement's words as its index terms keep them, in order, each as its stem
    and light stem (FactTerms.statement_words; stopwords left out); `asked`: the question's
    stems and light stems.
    """
    for at, (term, _) in enumerate(words):
        if not (_A_YEAR_TERM.match(term) or term in _month_terms()):
            continue
        if any(not asked.isdisjoint(word) for word in words[max(0, at - DATED_WITHIN) : at]):
            return True
    return False


@cache
def _month_terms() -> frozenset[str]:
    return MONTHS | {stem(m) for m in MONTHS} | {light_stem(m) for m in MONTHS}
