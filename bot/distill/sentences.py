"""Splitting Arabic text into sentences that are quoted to readers exactly as written.

Every sentence is a slice of its line, so its text is always an exact substring of the
article. A full stop ends a sentence only when it is followed by a space or the end of the
line and is not part of a number (5.25), an initial or abbreviation (د. ، أ.د. ، U.S.) or a
quotation («...», "..."). The Arabic semicolon ends a sentence as the question and
exclamation marks do; a run of dots (an ellipsis) never does.
"""

from __future__ import annotations

import re

_ENDS = ".!?؟؛"
# Closing quotes and brackets that belong to the sentence they follow: «... قال.» ثم
_CLOSERS = "»\"”’')]"
_QUOTED = re.compile(r"«[^«»\n]*»|\"[^\"\n]*\"|“[^“”\n]*”")
# Latin abbreviations that take a full stop in running text.
_LATIN_ABBREVIATIONS = frozenset(
    {"dr", "mr", "mrs", "ms", "st", "jr", "sr", "prof", "vs", "etc", "inc", "ltd", "co", "no"}
)
_LETTER = re.compile(r"[^\W\d_]")
_TATWEEL = "\u0640"


def split_sentences(line: str) -> list[str]:
    """The sentences of one line of text, each stripped and verbatim."""
    spans = _spans(line)
    sentences: list[tuple[int, int]] = []
    for start, end in spans:
        piece = line[start:end]
        if not piece.strip():
            continue
        # A stray quote or bracket left over after a split belongs to the sentence before it.
        if sentences and not _LETTER.search(piece) and not any(c.isdigit() for c in piece):
            sentences[-1] = (sentences[-1][0], end)
        else:
            sentences.append((start, end))
    return [line[s:e].strip() for s, e in sentences]


def _spans(line: str) -> list[tuple[int, int]]:
    """Cut points of the line: where a sentence really ends."""
    quoted = _quoted_positions(line)
    spans: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(line)
    while i < n:
        if line[i] not in _ENDS:
            i += 1
            continue
        j = i
        while j < n and line[j] in _ENDS:
            j += 1
        while j < n and line[j] in _CLOSERS and not _opens_quote(line, j):
            j += 1
        if i not in quoted and _is_boundary(line, i, j):
            spans.append((start, j))
            start = j
        i = j
    spans.append((start, n))
    return spans


def _is_boundary(line: str, i: int, j: int) -> bool:
    """Whether the run of end marks line[i:j] ends a sentence."""
    if j < len(line) and not line[j].isspace():  # 5.25, ص.ب, example.org/?q=1
        return False
    marks = line[i:j].rstrip(_CLOSERS)
    if set(marks) == {"."}:
        # An ellipsis trails off inside the sentence; a single letter before the dot is an initial.
        return len(marks) == 1 and not _abbreviation_before(line, i)
    return True


def _abbreviation_before(line: str, dot: int) -> bool:
    """A single letter (an initial: د. م. أ.د. U.S.) or a known Latin abbreviation before dot."""
    k = dot
    while k > 0 and (
        _LETTER.match(line[k - 1]) or line[k - 1] == _TATWEEL or _is_mark(line[k - 1])
    ):
        k -= 1
    word = "".join(c for c in line[k:dot] if _LETTER.match(c))
    if not word:
        return False
    before = line[k - 1] if k > 0 else " "
    if not (before.isspace() or before in '.(«"“'):
        return False
    return len(word) == 1 or word.lower() in _LATIN_ABBREVIATIONS


def _is_mark(char: str) -> bool:
    """Arabic diacritics sit between letters and must not split a word."""
    return "\u064b" <= char <= "\u065f" or char == "\u0670"


def _quoted_positions(line: str) -> set[int]:
    """Indexes inside a closed quotation, where no sentence may end."""
    inside: set[int] = set()
    for match in _QUOTED.finditer(line):
        inside.update(range(match.start() + 1, match.end() - 1))
    return inside


def _opens_quote(line: str, j: int) -> bool:
    """A straight quote after an end mark opens the next quotation when a word follows it."""
    return line[j] in "\"'" and j + 1 < len(line) and not line[j + 1].isspace()
