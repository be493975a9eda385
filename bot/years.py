"""Whether an article can speak of the year a question names.

«كم كانت كميات السردين التي اصطادتها الجمعية في عام 2015؟» shares its words with a sentence on
last season's catch, and the sentence holds a figure: words and meaning both find it. But the
article never says 2015, so nothing in it is about that year. A question that names a year is
answered only from an article that says it; the others' facts are held back as a fact about
another stage is (bot/ordinals.py). An article that says the year somewhere may still answer
from a sentence that does not («العام الماضي»), so the article is read, not the fact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# What a fact of an article that never says the question's year keeps of its score: as much
# as a fact about another stage, below the default matching.min_score.
OTHER_YEAR = 0.2
# A year as news writes it, in digits (normalised: Arabic-Indic digits are ASCII).
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")


def years_in(words: Sequence[str]) -> tuple[str, ...]:
    """The years that normalised words name, each once."""
    return tuple(dict.fromkeys(w for w in words if _YEAR.match(w)))
