"""Whether a fact can be about the place a question names.

«ما نسبة حاملي الثلاسيميا بين سكان محافظة النجف؟» shares every word but one with «وتقدّر جمعية
مرضى الثلاسيميا في كربلاء أن نسبة حاملي المرض بين سكان المحافظة تقارب 4 في المئة»: words and
meaning both find it, and it holds the kind of figure asked. But «المحافظة» is Karbala, the
province the article is about, not Najaf. A question that names a place after the word for its
kind («محافظة النجف»، «ولاية باجة»، «إقليم الرشيدية») is answered only by a fact that can be
about that place: one that names it, or whose article names it where the fact's own words
point back to (its title, its lead, the fact right before). The others are held back as a fact
of an article that never says the question's year is (bot/years.py).

The kinds are those of places and of sites that bear a place's name: a province, a town, an
emirate, a farm, an oil field, an airport or a port («مزرعة الفرزل» against «مزرعة رياق»).
Not a company, a club or a centre: readers name those in words of their own, and the fact
that answers often does not repeat them. Only a place after the word for its kind is read:
which other words are places only a gazetteer knows, and «في أي محافظة …» asks for the place
rather than naming it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import pairwise

from rapidfuzz.distance import OSA

from bot.text import light_stem, stem, stopwords, tokens
from bot.typos import allowed_edits

# What a fact that cannot be about the question's place keeps of its score: as much as a fact
# of an article that never says the question's year, below the default matching.min_score.
OTHER_PLACE = 0.2
# The words for a place's kind, normalised, as one or two of it («محافظتي شمال الباطنة
# وجنوبها»), with و، ف، ب or ل joined or not.
_KIND = re.compile(
    r"^[وف]?[بل]?(?:اقليم|قضاء|حي|مخيم|حقل|مطار|ميناء|مرفا|"
    r"(?:محافظ|ولاي|مدين|بلد|قري|منطق|مديري|ناحي|جزير|امار|مزرع)(?:ه|ت[يى]))$"
)
# Words many places' names open with (normalised): أم، أبو، بني، رأس، عين، سيدي، بئر، دير،
# كفر، تل، جبل، وادي، شرم، ذي.
_HEADS = frozenset({"ام", "ابو", "بني", "راس", "عين", "سيدي", "بءر", "بير", "دير", "كفر"})
_HEADS |= {"تل", "جبل", "وادي", "شرم", "ذي"}
# An adjective of origin without the article says what kind of place, not which: «أكبر مدينة
# مغربية»، «منطقة جبلية».
_DESCRIBES = re.compile(r"^(?!ال).{2,}يه$")
# Words before the kind that ask for the place rather than name it: «في أي محافظة يقع …»،
# «كم مدينة …».
_ASKING = re.compile(r"^[وف]?(?:اي|ا[يى]ه|انهي|ياتو|كم|قدي[شس]|شحال)$")


def places_in(words: Sequence[str]) -> tuple[str, ...]:
    """The places normalised words name after the word for their kind, each once.

    Of a name that opens with a word many names open with («أم القيوين»، «رأس الخيمة»، «بني
    عدي»), the word after it.
    """
    found = []
    for at, (kind, name) in enumerate(pairwise(words)):
        if not _KIND.match(kind) or (at and _ASKING.match(words[at - 1])):
            continue
        if name in _HEADS and at + 2 < len(words):
            name = words[at + 2]
        if name not in stopwords() and not _DESCRIBES.match(name):
            found.append(name)
    return tuple(dict.fromkeys(found))


def forms(word: str) -> set[str]:
    """The forms a word is matched in: its stem and its light stem."""
    return {stem(word), light_stem(word)}


def said(place: str, texts: Iterable[str]) -> bool:
    """Whether any of the texts names the place, in any form of the word or with a slip.

    A thing a question sets apart is read so too (bot/apart.py).
    """
    edits = allowed_edits(place)
    asked = forms(place)
    for text in texts:
        for word in tokens(text):
            if not asked.isdisjoint(forms(word)):
                return True
            if edits and OSA.distance(place, word, score_cutoff=edits) <= edits:
                return True
    return False
