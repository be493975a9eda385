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

A slip in a word's article or suffix (الزراعاب) keeps the stemmers from reading the word, so
no stem is near: such a word is put right as written (slips), into a word that written
Arabic often uses (common, from wordfreq's Arabic list), and read as the facts' words are
(bot/index.py, respelt). A common word is never taken for a slip. The word meant is also
spelt out for the sentence model (spelt), which reads a slip far worse than the word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache

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


# A word this short is looked near only for a letter put back (Vocabulary.nearest).
SHORT = 3


def allowed_edits(word: str) -> int:
    """How many edits a word of this length may be from the word it is read as.

    None below four letters: too many short words are one edit apart (شرب، ضرب، حرب).
    """
    if len(word) <= SHORT:
        return 0
    return 1 if len(word) <= 6 else 2


def put_back_in(short: str, word: str) -> bool:
    """Whether a word of four is a word of SHORT letters with one letter put back (سدو، سدود)."""
    return len(word) == SHORT + 1 and Indel.distance(short, word) == 1


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

    def nearest(
        self, keys: Iterable[str], put_back: bool = False, dots: bool = True
    ) -> tuple[str, float] | None:
        """The held word nearest to any of keys, and what the edits cost (None: none near).

        Ties go to fewer slips (a letter left out of الزيتون before the dots of two letters
        lost, زيوت), then to the key given first, then to a word of the key's length, then to
        the word more facts hold: two letters swapped keep every letter (مزراع is مزارع),
        where a letter dropped from the word meant is only as likely as one too many in it
        (زراع).

        With `put_back`, a key of three letters, which allowed_edits never looks near, is
        read as a held word of four with a letter put back (سدو as سدود, جات as جهات) when no
        other key is near: a letter left out of a four-letter word leaves three, and only that
        slip is allowed them, since most three-letter words are one other slip from another
        (شرب، ضرب، حرب).
        """
        unique = [key for key in dict.fromkeys(keys) if key not in self.held]
        found = [
            (cost, steps, rank, len(word) != len(key), -self.held[word], word)
            for rank, key in enumerate(unique)
            if (limit := allowed_edits(key))
            for cost, steps, word in self._near(key, limit, dots)
        ]
        if put_back and not found:
            found = [
                (cost, steps, rank, True, -self.held[word], word)
                for rank, key in enumerate(unique)
                if len(key) == SHORT
                for cost, steps, word in self._near(key, 1, dots)
                if put_back_in(key, word)
            ]
        best = min(found, default=None)
        return (best[-1], best[0]) if best else None

    def _near(self, key: str, limit: int, dots: bool = True) -> list[tuple[float, int, str]]:
        """Held words within `limit` of key: what their edits cost, how many slips, the word.

        Without `dots`, only words with the key's own dots (a hamza may differ).
        """
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
                    lost = max(0, OSA.distance(key, word) - edits)
                    cost = edits + DOT_COST * lost
                    if 0 < cost <= limit and (dots or not _dotted_apart(key, word, distance)):
                        near.append((cost, edits + lost, word))
        return near


def _dotted_apart(key: str, word: str, shapes_apart: int) -> bool:
    """Whether two words differ by a letter's dots, not only by their shapes or a hamza."""
    return OSA.distance(key.replace(HAMZA, ""), word.replace(HAMZA, "")) > shapes_apart


# From this Zipf frequency on (wordfreq: 3 is once per million words), a word is taken as
# written: a reader who writes it means it. Slips of the hand make words that occur far less
# (الزراعاب, انلاصرية: 0), while the folded spellings of common words stay above it (عاصمه
# 2.4, read with its ة as عاصمة 4.8).
COMMON = 2.5
# What normalising folds, put back to look a word up as it is usually written: a final ه or ي
# as ة or ى, one ا as a hamza on or under it, one ء on its seat.
_FINAL = {"ه": "ة", "ي": "ى"}
_SEATED = {"ا": "أإآ", "ء": "ؤئ"}
# The same, for a word as typed: its last letter as another, one letter on the line as a seat.
# Not ي as ى: too many words differ by it alone (علي على، ديالي ديالى، بني بنى).
_REFOLD_FINAL = {"ه": "ة", "ة": "ه", "ى": "ي"}
_RESEATED = {"ا": "أإآ", "و": "ؤ", "ي": "ئ", "ء": "ؤئ"}
# How much more often met (Zipf, a factor of 10 each) a spelling must be to be the usual one,
# and how often a word typed is met already for the model to read it as typed (علي, a name
# and على typed as Egyptians do; فى).
USUAL = 0.5
WELL_KNOWN = 5.0


def common(word: str) -> bool:
    """Whether a normalised word is one that written Arabic often uses, in any of its spellings."""
    return not _common_words().keys().isdisjoint(_spellings(word, _FINAL, _SEATED))


def _spellings(word: str, final: dict[str, str], seated: dict[str, str]) -> set[str]:
    """The word, with its last letter as each of `final`'s, then one letter as each seat."""
    forms = {word}
    if word and word[-1] in final:
        forms.update(word[:-1] + end for end in final[word[-1]])
    for form in list(forms):
        forms.update(
            form[:i] + seat + form[i + 1 :]
            for i, letter in enumerate(form)
            for seat in seated.get(letter, "")
        )
    return forms


def common_or_joined(word: str) -> bool:
    """Whether a normalised word is common, or a common word after و or ف («and», «so»).

    Readers join و and ف to any word, and wordfreq rates the pair as seldom as the word is
    often met with it: فالمحطة is rare, المحطة common. Only these two: a preposition
    changes what is meant (بالقار is not common, though قار is).
    """
    return common(word) or (word[:1] in ("و", "ف") and common(word[1:]))


# A word's last letter typed twice where no word ends so.
_TWICE_AT_THE_END = ("ةة", "ىى")


def usual(word: str) -> str | None:
    """How written Arabic usually spells a word typed without its hamza or its dots.

    Readers type المرحله for المرحلة, الاولى for الأولى, فى for في: matching folds them all
    into one (bot/text.py), but the sentence model reads the typed form as another, rarer
    word. A word is given its usual spelling when wordfreq rates that spelling USUAL more
    often met than the word as typed (اسم stays, though إسم is a word too), and the word as
    typed is not WELL_KNOWN itself. A final ة or ى typed twice (الشركةة), which no word
    ends in, is typed once.
    """
    words = _common_words()
    if words.get(word, 0.0) >= WELL_KNOWN:
        return None
    forms = _spellings(
        word[:-1] if word[-2:] in _TWICE_AT_THE_END else word, _REFOLD_FINAL, _RESEATED
    )
    best = max(forms, key=lambda form: words.get(form, 0.0))
    return best if words.get(best, 0.0) >= words.get(word, 0.0) + USUAL else None


@cache
def _common_words() -> dict[str, float]:
    """The Arabic words of wordfreq's list from COMMON on, each with its Zipf frequency.

    About 109,000 of its 620,000 words, read on first use (0.2–0.4 s, once per process):
    commands that never read a question (sanad load, review, teach) do not pay for it.

    The list holds one bucket of words per centibel of frequency, the i-th at Zipf 9 - i/100
    (wordfreq.read_cBpack). Only these words are kept: the whole list and wordfreq's cache of
    it take about 70 MB.
    """
    # Imported here: it takes 0.1 s, which worker processes that never read a question skip.
    from wordfreq import get_frequency_list

    buckets = get_frequency_list("ar")
    kept = {
        word: 9 - i / 100
        for i, bucket in enumerate(buckets[: round((9 - COMMON) * 100) + 1])
        for word in bucket
    }
    get_frequency_list.cache_clear()
    return kept


# Letters of one shape that differ by their dots, as normalised text writes them (ة is ه).
_SAME_SHAPE = ("بتثني", "جحخ", "دذ", "رز", "سش", "صض", "طظ", "عغ", "فق")
_DOTTED = {c: group.replace(c, "") for group in _SAME_SHAPE for c in group}
# No Arabic word is longer (المستشفيات، والاستثمارات: 11, 13): a longer "word" is no slip,
# and its variants would cost its length squared.
LONGEST = 20
# Seats a lost hamza is written as, once normalised (ؤ as و, ئ as ي).
_SEATS = "وي"
HAMZA = "ء"


def slips(word: str) -> list[tuple[float, str]]:
    """The words one slip of the hand from a normalised word as written, cheapest first.

    What the reader may have meant: a letter with other dots or a hamza (half an edit), a
    letter too many (added or doubled), two neighbours swapped. A letter left out is not
    put back here (any letter at any place): the vocabulary's near search finds it.
    The slip may touch the article or a suffix (اللساخن، انلاصرية، الزراعاب), which keeps
    the stemmers from finding the word's stem; the word meant is read as they read it.
    """
    if not 3 < len(word) <= LONGEST:
        return []
    half = [
        word[:i] + other + word[i + 1 :] for i, c in enumerate(word) for other in _DOTTED.get(c, "")
    ]
    half += [word[:i] + HAMZA + word[i + 1 :] for i, c in enumerate(word) if c in _SEATS]
    half += [word[:i] + HAMZA + word[i:] for i in range(1, len(word) + 1)]
    whole = [word[:i] + word[i + 1 :] for i in range(len(word))]
    whole += [
        word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        for i in range(len(word) - 1)
        if word[i] != word[i + 1]
    ]
    found = dict.fromkeys(w for w in half if w != word)
    cheap = [(DOT_COST, w) for w in found]
    return cheap + [(1.0, w) for w in dict.fromkeys(whole) if w not in found and w != word]


# The letters of normalised text, for a letter left out.
_LETTERS = "ءابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def spelt(word: str, reads: Callable[[str], bool]) -> str | None:
    """The common word one slip from `word` that `reads` says it was read as, to show it.

    Matching reads a misspelt word by the stems of a word one slip away; the sentence model
    reads the text as written, and a misspelt word costs it most of its answers (on the blind
    set, typo'd questions keep 83 of 94 right answers as written, 91 of 94 with the words
    spelt right). This finds the spelling: a letter left out is put back too (السدو: السدود).
    """
    for meant in one_slip_from(word):
        if common_or_joined(meant) and reads(meant):
            return meant
    return None


# An article typed with a letter swapped: its ل after the next letter (افلريق for الفريق) or
# before its ا (لااشتراك for الاشتراك), after و/ف and a preposition or not (normalised).
_ARTICLE_SWAPPED = re.compile(r"^([وف]?[بكل]?)(?:ا([^ال])ل|لا)(.+)$")


def article_mended(word: str) -> str | None:
    """The word with its article's two letters put back in order, if then a common word.

    Its stems are no near word's: the near search read افلريق as ريق, its rough root, and
    اتلعاونية as nothing. Only the swap is read so: «ا» then a letter is how many words begin
    (اخلاء، انتخابات), and a dropped ل leaves no trace to tell them apart.
    """
    found = _ARTICLE_SWAPPED.match(word)
    if found is None or common(word):
        return None
    prefix, letter, rest = found.group(1), found.group(2) or "", found.group(3)
    meant = f"ال{letter}{rest}"
    return prefix + meant if common(meant) else None


def one_slip_from(word: str) -> list[str]:
    """Every word one slip of the hand from a normalised word, cheapest first.

    The slips, then a letter left out put back at any place, which slips leaves to the
    vocabulary's near search.
    """
    if not 3 < len(word) <= LONGEST:
        return []
    missing = [word[:i] + c + word[i:] for i in range(len(word) + 1) for c in _LETTERS]
    return [*(w for _, w in slips(word)), *missing]


def _typed(shape: str, other: str, edits: int, limit: int) -> int | None:
    """How many slips of the hand make one skeleton the other (None: not within limit).

    A slip drops, doubles or adds a letter (an insertion or deletion) or swaps two
    neighbours; putting one letter for another is no slip but another word (سكان، مكان).
    """
    moved = Indel.distance(shape, other, score_cutoff=limit)
    if moved <= limit:
        return moved
    return edits if sorted(shape) == sorted(other) else None
