"""Reading a raw article: its title, section headings, bullet items and running text.

The layout rules are the ones editors already follow when they paste an article: the title
on the first line, headings as short lines without closing punctuation, list items behind a
bullet or a number. Every line is a sentence boundary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from bot.distill.errors import DistillError
from bot.distill.sentences import split_sentences


class Kind(Enum):
    """Where a sentence stands in the article; matching may weigh headings and items apart."""

    HEADING = "h"
    BULLET = "b"
    BODY = "s"


@dataclass(frozen=True)
class RawSentence:
    """One verbatim sentence and the kind of line it came from."""

    kind: Kind
    text: str


@dataclass(frozen=True)
class RawArticle:
    """The title and the sentences of a plain-text article, in reading order."""

    title: str
    sentences: tuple[RawSentence, ...]


# A bullet sign, or a number (Western or Arabic-Indic) followed by . ) - and a space.
_BULLET = re.compile(
    r"\s*(?:[•◦▪▫●○■□·‣⁃]\s*|[-*–—]\s+|\(?[0-9٠-٩]{1,3}\s*[.)\-–]\s+|\([0-9٠-٩]{1,3}\)\s*)"
)
_CLOSING = ".!?؟؛:…,،;"
_QUOTES = "»\"”’')]"
MAX_HEADING_WORDS = 15
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def read_article(text: str) -> RawArticle:
    """Split a plain-text article into its title and tagged sentences."""
    lines = [line.strip() for line in text.lstrip("\ufeff").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise DistillError("the article is empty", reason="empty")
    if not is_arabic(text):
        raise DistillError("the article is not Arabic text", reason="not_arabic")
    title, body = lines[0], lines[1:]
    sentences = tuple(
        s for line in body for s in _line_sentences(line) if any(c.isalnum() for c in s.text)
    )
    if not sentences:
        raise DistillError("the article has a title but no text under it", reason="no_text")
    return RawArticle(title=title, sentences=sentences)


def is_arabic(text: str) -> bool:
    """Most letters are Arabic: an article in another language is refused, not mangled."""
    letters = [c for c in text if c.isalpha()]
    arabic = sum(1 for c in letters if _ARABIC.match(c))
    return bool(letters) and arabic / len(letters) >= 0.5


def _line_sentences(line: str) -> list[RawSentence]:
    bullet = _BULLET.match(line)
    if bullet and bullet.end() < len(line):
        return [RawSentence(Kind.BULLET, s) for s in split_sentences(line[bullet.end() :])]
    if _is_heading(line):
        return [RawSentence(Kind.HEADING, line)]
    return [RawSentence(Kind.BODY, s) for s in split_sentences(line)]


def _is_heading(line: str) -> bool:
    """Short, and with no punctuation closing it."""
    end = line.rstrip(_QUOTES) or line
    return len(line.split()) <= MAX_HEADING_WORDS and end[-1] not in _CLOSING
