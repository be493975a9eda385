"""Reader questions a drafted fact answers, built from what its sentence holds.

A date asks متى, a number كم, a person من, a place أين. The question is the sentence's own
clause with the answer taken out and the question word put in front — the way Arabic forms
a question — so it reads as MSA without a parser: «أُبرمت المعاهدة في 19 حزيران» gives
«متى أُبرمت المعاهدة؟». Clauses that do not start with their verb, or that grow too long,
are left alone rather than turned into a clumsy question; a general one takes their place.
"""

from __future__ import annotations

import re

from bot.distill.entities import (
    DATE,
    NUMBER,
    PERSON,
    PHRASE,
    PLACE,
    YEAR,
    Mention,
    bare_forms,
    letters_offset,
    tokenize,
    word_set,
)
from bot.text import normalize, stopwords

MAX_QUESTIONS = 2
MAX_WORDS = 14
_CLAUSE_BREAK = re.compile(r"[،,؛;:.!?؟()«»\"]")
_RELATIVES = ("الذي", "التي", "الذين", "اللذين", "اللتين")
_RELATIVE = re.compile(rf"(?<!\w)(?:{'|'.join(_RELATIVES)})\s+(\S+)")
# Connectives that open a clause and are dropped from the question built on it.
_CONNECTIVES = word_set("و حيث إذ كما ثم بينما فيما مما ما")
# What introduces a date or a place and leaves with it: «في 19 حزيران»، «في بيونغ يانغ».
_DATE_LEAD = word_set("في يوم عام سنة منذ بتاريخ خلال")
_PLACE_LEAD = frozenset({"في"})
# Words a question may not end on: they need what was taken out.
_DANGLING = word_set("في على إلى من عن مع بين الذي التي الذين و أن")
_WORDS = {DATE: "متى", YEAR: "متى", NUMBER: "كم", PERSON: "من", PLACE: "أين"}
_ORDER = (DATE, YEAR, NUMBER, PERSON, PLACE)


def questions_for(sentence: str, mentions: list[Mention], names: set[str]) -> list[str]:
    """One or two questions the sentence answers; `names` are the article's known names."""
    found: list[str] = []
    # One question per kind of answer first, then a second of a kind already asked.
    for per_kind in (1, MAX_QUESTIONS):
        for kind in _ORDER:
            asked = 0
            for mention in (m for m in mentions if m.kind == kind):
                question = _question(sentence, mention, names)
                if question and question in found:
                    asked += 1
                elif question and asked < per_kind and len(found) < MAX_QUESTIONS:
                    found.append(question)
                    asked += 1
    if not found:
        topic = next((m.name for m in mentions if m.kind == PHRASE), None) or next(
            (m.name for m in mentions if m.kind in (PERSON, PLACE)), None
        )
        if topic:
            found.append(f"ماذا يذكر الخبر عن {topic}؟")
    return found


def _question(sentence: str, mention: Mention, names: set[str]) -> str | None:
    word = _WORDS[mention.kind]
    if mention.kind == PERSON and mention.role:
        return f"{word} {mention.role}؟"
    return _relative(sentence, mention, word) or _moved(sentence, mention, word, names)


def _clause(sentence: str, mention: Mention) -> tuple[int, int]:
    """The span of the clause around the mention, between punctuation marks."""
    before = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, mention.start)]
    after = _CLAUSE_BREAK.search(sentence, mention.end)
    return (before[-1] if before else 0), (after.start() if after else len(sentence))


def _relative(sentence: str, mention: Mention, word: str) -> str | None:
    """«المعاهدة التي أُبرمت في 19 حزيران» → «متى أُبرمت المعاهدة؟»."""
    start, _ = _clause(sentence, mention)
    prefix = sentence[start : mention.start]
    relatives = list(_RELATIVE.finditer(prefix))
    if not relatives or mention.kind not in (DATE, YEAR, PLACE):
        return None
    relative = relatives[-1]
    between = tokenize(prefix[relative.end() :])
    leads = _DATE_LEAD if mention.kind != PLACE else _PLACE_LEAD
    if mention.kind == PLACE:
        if not between or between[-1].norm not in leads or len(between) > 10:
            return None
    elif len(between) > 1 or (between and between[0].norm not in leads):
        return None
    subject = _noun_before(prefix[: relative.start()])
    if not subject:
        return None
    # After a preposition the relative clause may well describe an earlier noun: «تحرير كوريا
    # من الاحتلال الذي يصادف ...» is about the liberation, not the occupation.
    rest = tokenize(prefix[: relative.start()])
    preceding = rest[-len(subject.split()) - 1] if len(rest) > len(subject.split()) else None
    if preceding is not None and preceding.norm in stopwords():
        return None
    return f"{word} {relative.group(1)} {subject}؟"


def _noun_before(text: str) -> str:
    """The noun phrase that ends text: its definite words and the one noun that governs them."""
    tokens = tokenize(text)
    i = len(tokens)
    while i > 0 and tokens[i - 1].norm.startswith("ال") and tokens[i - 1].norm not in stopwords():
        i -= 1
        if tokens[i].breaks:
            break
    if i == len(tokens):
        return ""
    if i > 0 and not tokens[i].breaks:
        head = tokens[i - 1]
        if head.norm not in stopwords() and not head.norm.startswith("ال"):
            i -= 1
    first = tokens[i]
    skip = next((n for bare, n in bare_forms(first.norm) if bare.startswith("ال")), 0)
    if i < len(tokens) - 1 or skip:
        start = first.start + letters_offset(first.text, skip)
        return " ".join(text[start : tokens[-1].end].split())
    return ""


def _moved(sentence: str, mention: Mention, word: str, names: set[str]) -> str | None:
    """The mention's clause with the answer taken out and the question word in front."""
    start, end = _clause(sentence, mention)
    before = tokenize(sentence[start : mention.start])
    cut = mention.start
    if mention.kind in (DATE, YEAR, PLACE) and before:
        leads = _PLACE_LEAD if mention.kind == PLACE else _DATE_LEAD
        window = before[-3:] if mention.kind == PLACE else before[-1:]
        lead = next((t for t in reversed(window) if t.norm in leads), None)
        if lead is None and mention.kind == PLACE:
            return None
        if lead is not None:
            cut = start + lead.start
    if mention.kind == PERSON and (
        (before and before[-1].norm in stopwords())
        or sentence[mention.start - 1 : mention.start].isalpha()
    ):
        return None  # an object or a conjoined name: «مع بوتين»، «وكيم»
    head = tokenize(sentence[start:cut])
    tail = tokenize(sentence[mention.end : end])
    while head and head[0].norm in _CONNECTIVES:
        head = head[1:]
    if not head or not _starts_with_verb(head[0].norm, names):
        return None
    if mention.kind != PERSON and any(t.norm in _RELATIVES for t in head):
        return None  # the answer belongs to a relative clause, not to the clause's verb
    words = [t.text for t in head] + [t.text for t in tail]
    if len(words) > MAX_WORDS:
        words = [t.text for t in head]
    while words and normalize(words[-1]) in _DANGLING:
        words.pop()
    if not 2 <= len(words) <= MAX_WORDS:
        return None
    return f"{word} {' '.join(words)}؟"


def _starts_with_verb(norm: str, names: set[str]) -> bool:
    """A clause's first word is its verb when it is no article-noun, function word or name."""
    return (
        not norm.startswith("ال")
        and norm not in stopwords()
        and norm not in names
        and not norm.isdigit()
        and not any(bare in names for bare, _ in bare_forms(norm))
    )
