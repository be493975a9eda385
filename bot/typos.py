"""Near matches for a misspelt word: the knowledge's own words within an edit or two of it.

A reader who drops, swaps or doubles a letter, or leaves out a letter's dots or a hamza
(الانتحابات، المحادثتا، السماليون), writes a word the knowledge does not hold under any
reading, and the question loses its most telling word. Matching then reads that word as the
nearest word the knowledge does hold (bot/matching.py, Query.resolve), with rapidfuzz's
optimal string alignment distance (an adjacent swap is one edit, not two).

The vocabulary is the index's own terms (Snowball stems, light stems and editors' keywords
and questions), built once per load. Letters that differ only by their dots (ب/ت/ث/ن/ي,
ج/ح/خ, د/ذ, ر/ز, س/ش, ص/ض, ط/ظ, ع/غ, ف/ق) and a hamza written or left out cost half an
edit: the vocabulary is bucketed by the dotless skeleton's length and end letters, rapidfuzz
compares only skeletons of a length the allowed edits can reach that begin or end as the word
does, and the words behind the skeletons found are then weighed letter by letter.

Only slips of the hand count: a letter dropped, doubled or added, two neighbours swapped, dots
or a hamza lost; one letter put for another makes another word (سكان is not مكان, خسوف is
not كسوف). Two slips that touch both ends of a word are not found.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

# Each letter and its dotless shape; the hamza on the line is left out of the skeleton.
_SKELETON = str.maketrans(
    {
        **dict.fromkeys("بتثني", "ٮ"),
        **dict.fromkeys("جخ", "ح"),
        "ذ": "د",
        "ز": "ر",
        "ش": "س",
        "ض": "ص",
        "ظ": "ط",
        "غ": "ع",
        "ق": "ف",
        "ء": None,
    }
)
# What a dot or a hamza costs, against 1 for any other edit.
DOT_COST = 0.5


def skeleton(word: str) -> str:
    """The word as its letters' shapes without dots and without the hamza on the line."""
    return word.translate(_SKELETON)


def allowed_edits(word: str) -> int:
    """How many edits a word of this length may be from the word it is read as.

    None below four letters: too many short words are one edit apart (شرب، ضرب، حرب).
    """
    if len(word) <= 3:
        return 0
    return 1 if len(word) <= 6 else 2


class Vocabulary:
    """The knowledge's words, by skeleton, for near matches of the words it does not hold."""

    def __init__(self, words: Iterable[tuple[str, int]]) -> None:
        """`words`: each word with how many facts hold it (the commoner wins a tie)."""
        self.held: dict[str, int] = {}
        self.by_skeleton: dict[str, list[str]] = {}
        # Skeletons by length and first letter, and by length and last letter: a slip or two
        # leaves one end of a word as it was, so only those two buckets of each length are
        # compared (a few hundred words of the vocabulary, not all of one length).
        self.by_end: dict[tuple[int, str, str], list[str]] = {}
        for word, count in words:
            if len(word) < 3 or not count:
                continue
            self.held[word] = count
            shape = skeleton(word)
            if shape not in self.by_skeleton:
                self.by_skeleton[shape] = []
                for end in (("first", shape[0]), ("last", shape[-1])):
                    self.by_end.setdefault((len(shape), *end), []).append(shape)
            self.by_skeleton[shape].append(word)

    def __len__(self) -> int:
        return len(self.held)

    def nearest(self, keys: Iterable[str]) -> tuple[str, float] | None:
        """The held word nearest to any of keys, and what the edits cost (None: none near).

        Ties go to the key given first, then to the word more facts hold.
        """
        best: tuple[float, int, int, str] | None = None
        for rank, key in enumerate(dict.fromkeys(keys)):
            limit = allowed_edits(key)
            if not limit or key in self.held:
                continue
            for cost, word in self._near(key, limit):
                found = (cost, rank, -self.held[word], word)
                if best is None or found < best:
                    best = found
        return (best[3], best[0]) if best else None

    def _near(self, key: str, limit: int) -> list[tuple[float, str]]:
        shape = skeleton(key)
        near = []
        for length in range(len(shape) - limit, len(shape) + limit + 1):
            starting = self.by_end.get((length, "first", shape[0]), [])
            ending = self.by_end.get((length, "last", shape[-1]), [])
            shapes = list(dict.fromkeys(starting + ending))
            if not shapes:
                continue
            found = process.extract(
                shape, shapes, scorer=OSA.distance, score_cutoff=limit, limit=None
            )
            for other, distance, _ in found:
                edits = _typed(shape, other, distance, limit)
                if edits is None:
                    continue
                for word in self.by_skeleton[other]:
                    if allowed_edits(word) < edits:
                        continue
                    dots = max(0, OSA.distance(key, word) - edits)
                    cost = edits + DOT_COST * dots
                    if 0 < cost <= limit:
                        near.append((cost, word))
        return near


def _typed(shape: str, other: str, edits: int, limit: int) -> int | None:
    """How many slips of the hand make one skeleton the other (None: not within limit).

    A slip drops, doubles or adds a letter (an insertion or deletion) or swaps two
    neighbours; putting one letter for another is no slip but another word (سكان، مكان).
    """
    moved = Indel.distance(shape, other, score_cutoff=limit)
    if moved <= limit:
        return moved
    return edits if sorted(shape) == sorted(other) else None
