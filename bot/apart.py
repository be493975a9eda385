"""Whether a fact gives the figure of the one thing a question asks it for, apart from others.

«كم مخبزاً أغلق أبوابه في محافظة الجيزة تحديداً؟» asks Giza's figure alone. «وأضاف أن عشرات
المخابز في محافظتي الجيزة والقليوبية أغلقت أبوابها» gives one for Giza and Qalyubia together,
and a fact that does not name Giza gives one for more than Giza («كم تبرعت المؤسسة الخليجية
وحدها؟» against a cost «تبرعت بها مؤسسة خليجية وعدد من المغتربين»). A question that names a
thing right before وحدها، لوحده، بمفرده or تحديدًا, and wants a figure, is answered only by a
fact that names it, and not joined to another by و; the others keep `places.OTHER_PLACE` of
their score, as a fact about another place does.

The thing must be one its article names somewhere: «وهل الشركة شايلاه لوحدها؟» says alone of
a verb, which no fact need repeat.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from bot.places import forms
from bot.text import stopwords, tokens

# «Alone», «apart», «exactly», after the thing they set apart (normalised). Not وحده alone:
# normalised, it is وحدة too, a unit («في وحدة الميل»).
_ALONE = re.compile(
    r"^(?:لوحد(?:ه|ها|هم|هما)|وحد(?:ها|هم|هما)|بمفرد(?:ه|ها|هم)|تحديدا|بالتحديد|بالذات)$"
)


def apart_in(words: Sequence[str]) -> str | None:
    """The word a question sets apart with «alone» or «exactly» right after it, if any."""
    stop = stopwords()
    return next(
        (before for before, word in pairwise(words) if _ALONE.match(word) and before not in stop),
        None,
    )


def together(word: str, statement: str) -> bool:
    """Whether a statement lacks the word, or says it only with another: «الجيزة والقليوبية»."""
    asked = forms(word)
    words = tokens(statement)
    at = [i for i, w in enumerate(words) if not asked.isdisjoint(forms(w))]
    return all(_joined(words, i) for i in at)


def _joined(words: Sequence[str], at: int) -> bool:
    """Whether the word at `at` is joined to another by و, after it or before it."""
    after = words[at + 1] if at + 1 < len(words) else ""
    return words[at].startswith("وال") or (after[:1] == "و" and not _ALONE.match(after))
