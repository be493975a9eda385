"""Whether a fact's figure counts the very thing a «how many» question counts.

«كم محطة انتظار شيدت ضمن المشروع؟» is answered by «… وإنشاء 240 محطة انتظار مكيفة», whose
figure counts stations. The judge sees a sentence about the project's cost that shares a few
words with the question, and is unsure. A figure right before the noun the reader counts is
evidence that no weight of shared words gives: matching reads such a fact from a lower point
(judge.PINNED_POINT). The noun is read as the question's words are: in a dialect's standard
word (طيارة as طائرة) and with its synonyms (عائلة as أسرة).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from bot.synonyms import synonyms
from bot.text import light_stem, normalize, read, readings, stem, stopwords

# «How many», in the standard language and the dialects, alone or with ب (normalised).
HOW_MANY = frozenset(
    {"كم", "بكم", "كام", "بكام", "قديش", "بقديش", "قداش", "شحال", "بشحال", "شكثر", "بشكثر"}
)
# Words between «كم» and the noun it counts: «كم من …», «كم عدد …».
_BETWEEN = frozenset({"من", "عدد"})
# A figure as the facts' terms keep it: digits, or a number word (by its stem, _stems()).
_DIGITS = re.compile(r"(?:[وفبل]|ال)?\d+(?:[.,]\d+)?")  # «لـ14 تسديدة»، «الـ45»
_NUMBER_WORDS = "اثنين اثنتين ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة عشرة عشرات مئة مئات"
# Thousands and millions between a figure and the noun it counts: «60 ألف صورة».
_LARGE_WORDS = "ألف ألفا آلاف مليون ملايين مليار مليارات"
# The shortest noun read as counted: shorter words are too often other words.
_SHORTEST = 3


def tallied(words: Sequence[str], kind: str | None) -> frozenset[str]:
    """The stems and light stems of the noun a «how many» question counts; empty if none.

    `words`: the question, normalised. The noun comes right after «كم» (past من or عدد):
    «كم محطة»، «قديش طيارة»، «كم عدد الجماهير». A present-tense verb there asks how much is
    done, not how many of a thing: «كم يكلف».
    """
    if kind != "how_many":
        return frozenset()
    at = next((i for i, word in enumerate(words) if word in HOW_MANY), None)
    if at is None:
        return frozenset()
    noun = next((word for word in words[at + 1 :] if word not in _BETWEEN), "")
    if len(noun) < _SHORTEST or noun in stopwords() or _a_verb(noun):
        return frozenset()
    read_as = [read(r) for r in readings(noun, True)]
    read_as += [other for r in read_as for other in synonyms(r)]
    return frozenset({light_stem(noun), stem(noun)} | {key for r in read_as for key in r[:2]})


def tallies(words: Sequence[tuple[str, str]], noun: frozenset[str]) -> bool:
    """Whether a figure in a fact's statement counts the noun: «240 محط», «60 الف صور».

    `words`: the statement's words as its index terms keep them, in order, each as its stem
    and light stem (FactTerms.statement_words; stopwords left out: «240 من الأطفال» counts
    children too).
    """
    for at, (term, _) in enumerate(words):
        if not (_DIGITS.fullmatch(term) or term in _stems(_NUMBER_WORDS)):
            continue
        after = at + 1
        while after < len(words) and words[after][0] in _stems(_LARGE_WORDS):
            after += 1
        if after < len(words) and not noun.isdisjoint(words[after]):
            return True
    return False


@cache
def _stems(words: str) -> frozenset[str]:
    return frozenset(stem(normalize(word)) for word in words.split())


def _a_verb(word: str) -> bool:
    """A present-tense verb, as far as its letters tell: يكلف، تستغرق (not تسديدة، طيارة)."""
    return word.startswith(("ي", "ت")) and not word.endswith(("ه", "ا"))
