"""Whether an article can speak of the year a question names, and a fact of the past it asks.

«كم كانت كميات السردين التي اصطادتها الجمعية في عام 2015؟» shares its words with a sentence on
last season's catch, and the sentence holds a figure: words and meaning both find it. But the
article never says 2015, so nothing in it is about that year. A question that names a year is
answered only from an article that says it; the others' facts are held back as a fact about
another stage is (bot/ordinals.py). An article that says the year somewhere may still answer
from a sentence that does not («العام الماضي»), so the article is read, not the fact.

A question that asks of a time gone by («كم كانت قيمة دعم الخبز في موازنة العام الماضي؟») is
answered only by a fact that speaks of one: in the question's words for it (الماضي، السابق),
by a year, or as what had been (وكانت … قد). A sentence on this year's budget does not answer
it, however close; the facts that do are held back as the articles without the year are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# What a fact of an article that never says the question's year keeps of its score: as much
# as a fact about another stage, below the default matching.min_score.
OTHER_YEAR = 0.2
# A year as news writes it, in digits (normalised: Arabic-Indic digits are ASCII).
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
# A time gone by, as a question or a fact names it: العام الماضي، الموسم السابق، الدورة
# الفائتة، السنة المنصرمة.
_GONE_BY = re.compile(r"^[وبل]?(?:ال)?(?:ماضي|ماضيه|سابق|سابقه|سابقا|فاءت|فاءته|منصرم|منصرمه)$")
# What had been: وكانت الشركة قد جمعت …، قبل أربعة مواسم.
_HAD_BEEN = frozenset(("كان", "كانت", "وكان", "وكانت", "قبل", "وقبل"))


def years_in(words: Sequence[str]) -> tuple[str, ...]:
    """The years that normalised words name, each once."""
    return tuple(dict.fromkeys(w for w in words if _YEAR.match(w)))


def asks_past(words: Sequence[str]) -> bool:
    """Whether normalised words ask of a time gone by (العام الماضي، الموسم السابق)."""
    return any(_GONE_BY.match(w) for w in words)


def speaks_of_past(words: Sequence[str]) -> bool:
    """Whether a fact's normalised words speak of a time gone by, a year, or what had been."""
    return any(_GONE_BY.match(w) or w in _HAD_BEEN or _YEAR.match(w) for w in words)
