"""Whether a fact speaks of both things a question asks the difference between.

«ما الفرق بين الفيروس والبكتيريا؟» shares «الفيروس» with a sentence on the mosquito that
carries the dengue virus, and was answered at 45. A question that asks the difference between
two things («الفرق بين X وY»، «شو الفرق بين …») is answered only by a fact that names both;
the others keep `UNCOMPARED` of their score, below the default matching.min_score.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.places import said
from bot.text import stopwords

# What a fact that does not name both things compared keeps of its score.
UNCOMPARED = 0.2
# «The difference», normalised, with or without the article. Not الفارق, the gap between two
# figures, which a fact gives without naming both («بفارق ثلاث نقاط»): «ما الفارق بين البطل
# وصاحب المركز الثاني؟».
_DIFFERENCE = frozenset({"الفرق", "فرق"})


def compared_in(words: Sequence[str]) -> tuple[str, str] | None:
    """The first words of the two things a question asks the difference between, if any.

    `words`: the question, normalised: «الفرق بين الطقس والمناخ» gives الطقس and المناخ.
    """
    for at, word in enumerate(words[:-2]):
        if word not in _DIFFERENCE or words[at + 1] != "بين":
            continue
        rest = [w for w in words[at + 2 :] if w not in stopwords()]
        second = next((w[1:] for w in rest[1:] if w.startswith("و") and len(w) > 3), None)
        if rest and second:
            return rest[0], second
    return None


def speaks_of_both(compared: tuple[str, str], statement: str) -> bool:
    """Whether a statement names both things compared, in any form of their words."""
    return all(said(word, [statement]) for word in compared)
