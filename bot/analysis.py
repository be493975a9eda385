"""What the index keeps of each fact and each article, computed once when knowledge loads.

Matching reranks a few dozen candidates per question; everything it needs to know about a
fact (its stems in order, its light stems, its editors' questions and keywords, whether it
holds a date or a number) is worked out here at load time and stored next to the index, so a
question never re-reads or re-stems the knowledge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.text import analyse, normalize

# Separates the groups of FactTerms.asked: the keywords first, then each editor question.
GROUP = " | "

# A year, a month (Gregorian and Levantine names), or a word that dates something.
_DATE = re.compile(
    r"\b(?:1\d\d\d|20\d\d|يناير|فبراير|مارس|ابريل|مايو|يونيو|يوليو|اغسطس|سبتمبر|اكتوبر|نوفمبر|"
    r"ديسمبر|كانون|شباط|اذار|نيسان|ايار|حزيران|تموز|ايلول|تشرين|عام|سنه|القرن|قرن|ه|ق م)\b"
)
_NUMBER = re.compile(
    r"\d|\b(?:واحد|اثن|ثلاث|اربع|خمس|ست|سبع|ثمان|تسع|عشر|مئه|مائه|الف|مليون|مليار|نصف|ربع)"
)


# What a question asks for, by its question word (normalised), as readers write it.
_KINDS = {
    "when": "متي",
    "how_many": "كم بكم",
    "who": "من لمن ممن مين",
    "where": "اين واين",
    "why": "لماذا لمادا ليش",
    "how": "كيف وكيف",
    "yes_no": "هل وهل",
    "which": "اي باي",
    "what": "ما ماذا ماهو ماهي مالذي ماالذي بماذا وما",
}
_KIND_OF = {word: kind for kind, words in _KINDS.items() for word in words.split()}


@dataclass(frozen=True)
class FactTerms:
    """One fact as the index stores it (space-separated terms, in the order they appear).

    `cues` is the kinds of answer the fact holds ('d' a date or year, 'n' a number), then
    after a '|' the kind of each editor question in order ('-' when it has no question word).
    """

    stems: str
    lights: str
    asked: str
    cues: str


def question_kind(text: str) -> str | None:
    """What a question asks for, from its first question word: 'when', 'how_many', ..."""
    words = normalize(text).split()[:4]
    for i, word in enumerate(words):
        kind = _KIND_OF.get(word)
        if kind == "who" and words[i + 1 : i + 2] == ["اين"]:
            return "where"  # من أين: from where
        if kind:
            return kind
    return None


def answer_cues(text: str) -> str:
    """Kinds of answer a text holds: 'd' a date or year, 'n' a number."""
    folded = normalize(text)
    return ("d" if _DATE.search(folded) else "") + ("n" if _NUMBER.search(folded) else "")


def fact_terms(
    statement: str, quotes: Iterable[str], questions: Iterable[str], keywords: Iterable[str]
) -> FactTerms:
    """The statement with its source sentences (each once), and the editors' ways to ask."""
    body = [statement]
    seen = {normalize(statement)}
    for quote in quotes:
        if normalize(quote) not in seen:
            seen.add(normalize(quote))
            body.append(quote)
    text = " ".join(body)
    stems, lights = analyse(text)
    groups = [" ".join(analyse(" ".join(keywords))[0])]
    groups += [" ".join(analyse(q)[0]) for q in questions]
    kinds = " ".join(question_kind(q) or "-" for q in questions)
    return FactTerms(
        " ".join(stems), " ".join(lights), GROUP.join(groups), f"{answer_cues(text)}|{kinds}"
    )


def article_terms(title: str, texts: Iterable[str]) -> tuple[str, str]:
    """Stems and light stems of an article's title, and of everything else it holds."""
    return _both(title), " ".join(_both(t) for t in texts)


def _both(text: str) -> str:
    stems, lights = analyse(text)
    return " ".join(stems + [light for light, s in zip(lights, stems, strict=True) if light != s])
