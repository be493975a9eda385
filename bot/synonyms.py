"""Words news writers use for the same thing: a reader asks in their own words.

A reader asks «كم عنصرًا من الشرطة …» of an article that says «120 فردًا من رجال الشرطة»: the
question and its answer share the thing, not the word. bot/data/synonyms_ar.txt lists groups of
Modern Standard words that a news sentence can use one for another, written apart from the
matcher and its test sets. Matching counts a question word as met by a fact that holds another
word of its group, for a little less than the word itself (bot/matching.py SYNONYM).
"""

from __future__ import annotations

from functools import lru_cache

from bot.text import Reading, normalize, read, word_lines


def synonyms(reading: Reading) -> tuple[Reading, ...]:
    """The other words of the groups this reading's word belongs to, each read alike.

    Looked up by the stem, then the light stem, then the rough root: the stemmers keep a
    present tense's prefix (يعتزم), which the root drops (اعتزم).
    """
    for key, found in zip(reading, _groups(), strict=True):
        if key in found:
            return found[key]
    return ()


@lru_cache(maxsize=1)
def _groups() -> tuple[dict[str, tuple[Reading, ...]], ...]:
    """Each member's stem, light stem and root, each with the readings of its group's others.

    A stem or light stem shared by two groups is one word with two senses (طالب: a student,
    and asked), and belongs to both. A root shared by two groups is most often two words
    (برهان and إبرة): it finds neither.
    """
    found: list[dict[str, dict[Reading, None]]] = [{}, {}, {}]
    owners: dict[str, set[int]] = {}
    for number, line in enumerate(word_lines("synonyms_ar.txt")):
        group = [read(normalize(w)) for w in line.split()]
        for member in group:
            others = dict.fromkeys(r for r in group if r[:2] != member[:2])
            for k, key in enumerate(member):
                found[k].setdefault(key, {}).update(others)
            owners.setdefault(member[2], set()).add(number)
    roots = {key: others for key, others in found[2].items() if len(owners[key]) == 1}
    return tuple(
        {key: tuple(others) for key, others in by.items() if others}
        for by in (found[0], found[1], roots)
    )
