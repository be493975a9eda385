"""Whether a fact speaks of another one of the things a question counts in order.

«متى تنطلق المرحلة الثانية من شبكة الحافلات؟» shares all its words but one with «أطلقت الهيئة
المرحلة الأولى من شبكة الحافلات»: words and meaning both find the first stage, and it even
holds a date. The ordinal after the noun tells them apart, and nothing else does. A fact that
says the question's noun only with other ordinals is about another stage, round or goal: matching
holds it back as it holds back a fact without the name asked for (bot/names.py). A fact that
does not count that noun at all may still answer («وستبدأ المرحلة المقبلة مطلع 2027»).

Only a noun with the article followed by an ordinal with the article is read («الجولة الثالثة»):
«أول مرحلة» and «ثاني أكبر مدينة» say something else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from bot.text import light_stem, tokens

# What a fact that counts the question's noun with another ordinal keeps of its score: the
# same as a fact without the name asked for, below the default matching.min_score.
OTHER_ORDINAL = 0.2
# The ordinals by their light stem (الأولى and الأول are both اول, الثانية and الثاني ثان).
_NUMBERS = {
    "اول": 1,
    "ثان": 2,
    "ثالث": 3,
    "رابع": 4,
    "خامس": 5,
    "سادس": 6,
    "سابع": 7,
    "ثامن": 8,
    "تاسع": 9,
    "عاشر": 10,
}

Counted = tuple[tuple[str, int], ...]
# «الدورة السابقة»، «الموسم الماضي»: one before this one, whose place in order a fact leaves
# unsaid; it is not the one a question counts (read in facts only: asked so, a reader may
# mean the first).
_PREVIOUS = frozenset({"السابق", "السابقه", "الماضي", "الماضيه", "المنصرم", "المنصرمه"})
_ONE_BEFORE = 0
# Words after which an ordinal counts the noun counted before: «من الرابع»، «عن الأولى».
_AGAIN = frozenset({"من", "عن"})
# The nouns of an edition (دورة، نسخة) by their key: an article is about one edition, and
# a fact that counts none speaks of the one its article does.
_EDITIONS = frozenset({"دور", "نسخ"})
# What is to come: «ومن المقرر أن تستضيف نواذيبو الدورة الثانية»، «في النسخة المقبلة»
# speak of the next edition, not of the one the article is about.
_TO_COME = re.compile(r"^[وف]?(?:ال)?(?:مقرر|مقبل|مقبله|قادم|قادمه|سوف)$")


def counted_in(words: Sequence[str]) -> Counted:
    """Each noun that normalised words count in order, by its light stem, with its ordinal.

    An ordinal after من، عن or و counts the noun counted before it: «أسرع الجيل الخامس من
    الرابع» compares the fifth generation with the fourth.
    """
    out: list[tuple[str, int]] = []
    for before, after in pairwise(words):
        bare = after.removeprefix("و")
        if not bare.startswith("ال") or not (number := _NUMBERS.get(light_stem(bare))):
            continue
        if before in _AGAIN or bare != after:
            if out:
                out.append((out[-1][0], number))
        else:
            out.append((_noun(before), number))
    return tuple(out)


def _noun(word: str) -> str:
    """A counted noun's key: its light stem, less the ة a pronoun turns to ت (دورته as الدورة)."""
    return light_stem(word).removesuffix("ه")


def editions(asked: Counted) -> Counted:
    """The editions among the nouns a question counts: «في نسخته الثالثة»."""
    return tuple((noun, number) for noun, number in asked if noun in _EDITIONS)


def counts(asked: Counted, statement: str) -> bool:
    """Whether a statement counts any of the question's nouns, with whatever ordinal."""
    nouns = {noun for noun, _ in asked}
    return any(noun in nouns for noun, _ in counted_in(tokens(statement)))


def of_the_article(statements: Sequence[str]) -> str:
    """What an article says of its own edition: its statements less those of what is to come."""
    return "\n".join(s for s in statements if not any(map(_TO_COME.match, tokens(s))))


def another(asked: Counted, statement: str) -> bool:
    """Whether a statement counts one of the question's nouns, but never with its ordinals."""
    words = tokens(statement)
    said = counted_in(words) + tuple(
        (_noun(noun), _ONE_BEFORE) for noun, word in pairwise(words) if word in _PREVIOUS
    )
    for noun in {noun for noun, _ in asked}:
        told = {number for n, number in said if n == noun}
        if told and told.isdisjoint(number for n, number in asked if n == noun):
            return True
    return False
