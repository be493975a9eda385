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
    ORG,
    PERSON,
    PLACE,
    YEAR,
    Mention,
    Token,
    bare_forms,
    letters_offset,
    tokenize,
    word_set,
)
from bot.text import normalize, stopwords

MAX_QUESTIONS = 2
MAX_WORDS = 14
# Full stops inside a sentence belong to numbers and initials (5.25, أ.د.): no clause ends there.
_CLAUSE_BREAK = re.compile(r"[،؛;:!?؟()«»\"]|,(?![0-9])")
_END_MARKS = ".!?؟؛،,:…"
_RELATIVES = ("الذي", "التي", "الذين", "اللذين", "اللتين")
_RELATIVE = re.compile(rf"(?<!\w)(?:{'|'.join(_RELATIVES)})\s+(\S+)")
# Connectives that open a clause and are dropped from the question built on it.
_CONNECTIVES = word_set("و حيث إذ كما ثم بينما فيما")
# What introduces a date or a place and leaves with it: «في 19 حزيران»، «في بيونغ يانغ».
_DATE_LEAD = word_set("في يوم عام سنة منذ بتاريخ خلال حتى")
_LEADS = {
    DATE: _DATE_LEAD,
    YEAR: _DATE_LEAD,
    PLACE: word_set("في"),
    NUMBER: word_set("بنسبة بقيمة بمقدار نحو حوالي قرابة"),
}
# How far before the answer its lead may stand: «في معارك مقاطعة كورسك».
_LEAD_WINDOW = {PLACE: 3}
_LEAD_REQUIRED = frozenset({DATE, YEAR, PLACE})
# Leads that stay in the question: «حتى متى»، «منذ متى».
_KEPT_LEAD = {normalize("حتى"): "حتى متى", normalize("منذ"): "منذ متى"}
_DEMONSTRATIVES = word_set("هذه هذا هؤلاء تلك ذلك")
_ADVERBIAL = word_set("خلال أثناء")
# Prepositions that introduce a verb's object: «أثنى بوتين على ...» → «على ماذا أثنى بوتين؟».
_OBJECT_PREPOSITIONS = {normalize(w): w for w in ("على", "إلى", "عن")}
# After a subject, these say that no object follows.
_NOT_OBJECT = word_set("في على إلى من عن مع بين خلال ضمن حول عبر لدى منذ حتى نحو بعد قبل عند ضد")
# How many words may stand between a relative clause's verb and a place it names.
_PLACE_GAP = 10
# Verbs whose first letter و is part of the root, not the conjunction.
_ROOT_WAW = tuple(word_set("وافق وصل وقع وجد وضع وعد ولد وفر وقف وصف ورد وجه وزع"))
# Words a question may not end on: they need what was taken out.
_DANGLING = word_set("في على إلى من عن مع بين الذي التي الذين و أن")
_WORDS = {DATE: "متى", YEAR: "متى", NUMBER: "كم", PERSON: "من", PLACE: "أين"}
_ORDER = (DATE, YEAR, NUMBER, PERSON, PLACE)


def questions_for(
    sentence: str, mentions: list[Mention], names: set[str], *, nominal: bool = False
) -> list[str]:
    """Up to two questions the sentence answers; `names` are the article's known names.

    A heading or a bullet item is `nominal`: it has no verb to ask ماذا about.
    """
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
    if len(found) < MAX_QUESTIONS and not nominal:
        named = [(m.start, m.end) for m in mentions if m.kind in (PERSON, PLACE, ORG)]
        found.extend(q for q in [_what(sentence, names, named)] if q and q not in found)
    return found


def _what(sentence: str, names: set[str], named: list[tuple[int, int]]) -> str | None:
    """«أوضح بيان الكرملين أن ...» → «ماذا أوضح بيان الكرملين؟»: the verb, its subject, ماذا.

    Only when an object follows the subject — «على ماذا» when it follows على، إلى or عن, none
    after other prepositions («تأتي هذه الاتصالات ضمن ...») — and when the subject names
    someone or something: a reader asks about the Kremlin, not about "this step".
    """
    start = 0
    for mark in [*_CLAUSE_BREAK.finditer(sentence), None]:
        stop = mark.start() if mark else len(sentence)
        question = _what_in(sentence, (start, stop), names, named)
        if question:
            return question
        start = mark.end() if mark else stop
    return None


def _what_in(
    sentence: str, clause: tuple[int, int], names: set[str], named: list[tuple[int, int]]
) -> str | None:
    base = clause[0]
    tokens = tokenize(sentence[base : clause[1]])
    while tokens and tokens[0].norm in _CONNECTIVES:
        tokens = tokens[1:]
    if len(tokens) < 3:
        return None
    verb = tokens[0]
    skip = letters_offset(verb.text, _conjunction(verb.norm))
    if not _starts_with_verb(normalize(verb.text[skip:]), names) or _definite(verb):
        return None
    if tokens[1].norm == "ان":  # «يتضح أن محادثات روسيا وكوريا تحمل بعدًا ...»
        return _what_after_that(sentence, base, tokens[2:], names, named)
    end = _subject_end(tokens, 1, names)
    if end is None or not _names_someone(base, tokens[1:end], named):
        return None  # «ماذا تعكس هذه الإشادة؟» means nothing without the sentence before
    word = _object_word(tokens, end, names)
    if word is None:
        return None
    subject = " ".join(sentence[base + tokens[1].start : base + tokens[end - 1].end].split())
    return f"{word} {verb.text[skip:]} {subject}؟"


def _what_after_that(
    sentence: str, base: int, tokens: list[Token], names: set[str], named: list[tuple[int, int]]
) -> str | None:
    """Subject, verb, object after أن: «أن محادثات روسيا تحمل بعدًا» → «ماذا تحمل محادثات روسيا؟»."""
    if len(tokens) < 3:
        return None
    end = _subject_end(tokens, 0, names)
    if end is None:
        return None
    end = _past_conjoined(base, tokens, end, named)
    if end >= len(tokens) - 1 or not _names_someone(base, tokens[:end], named):
        return None
    verb = tokens[end]
    if not (verb.norm[:1] in ("ي", "ت") and len(verb.norm) >= 4) or verb.breaks:
        return None
    word = _object_word(tokens, end + 1, names)
    if word is None:
        return None
    subject = " ".join(sentence[base + tokens[0].start : base + tokens[end - 1].end].split())
    return f"{word} {verb.text} {subject}؟"


def _names_someone(base: int, words: list[Token], named: list[tuple[int, int]]) -> bool:
    first, last = base + words[0].start, base + words[-1].end
    return any(first < e and s < last for s, e in named)


def _past_conjoined(base: int, tokens: list[Token], end: int, named: list[tuple[int, int]]) -> int:
    """Past names joined by و to the subject: «محادثات روسيا وكوريا الشمالية»."""
    while end < len(tokens) and tokens[end].norm.startswith("و"):
        name_end = next((e for s, e in named if s == base + tokens[end].start + 1), None)
        if name_end is None:
            break
        while end < len(tokens) and base + tokens[end].end <= name_end:
            end += 1
    return end


def _object_word(tokens: list[Token], at: int, names: set[str]) -> str | None:
    """ماذا, or على ماذا and the like, when an object follows at tokens[at]; else None."""
    at = _object_start(tokens, at, names)
    if at >= len(tokens):
        return None
    following = tokens[at].norm
    if following in _OBJECT_PREPOSITIONS:
        return f"{_OBJECT_PREPOSITIONS[following]} ماذا"
    return None if following in _NOT_OBJECT else "ماذا"


def _object_start(tokens: list[Token], end: int, names: set[str]) -> int:
    """Past what may stand between a subject and its object: «بين بوتين وكيم»، «خلال المحادثة».

    Names after بين stay out of the question: they would draw every question about these
    people onto this fact.
    """
    if end < len(tokens) and tokens[end].norm == "بين":
        end = _between_names(tokens, end, names)
    if end < len(tokens) and tokens[end].norm in _ADVERBIAL:
        end += 1
        while end < len(tokens) and _definite(tokens[end]) and not tokens[end].breaks:
            end += 1
    return end


def _named(token: Token, names: set[str]) -> bool:
    return any(bare in names for bare, _ in bare_forms(token.norm))


def _between_names(tokens: list[Token], at: int, names: set[str]) -> int:
    """Past «بين بوتين وكيم» when names follow بين, so it stays with the subject."""
    k = at + 1
    while k < len(tokens) and k - at <= 4 and _named(tokens[k], names):
        k += 1
    return k if k > at + 1 else at


def _subject_end(tokens: list[Token], j: int, names: set[str]) -> int | None:
    """Where the subject that starts at tokens[j] ends, if it is a plain one."""
    if j + 1 >= len(tokens):
        return None
    if tokens[j].norm in _DEMONSTRATIVES and _definite(tokens[j + 1]):
        j += 1
    elif tokens[j].norm in names:
        while j < len(tokens) and tokens[j].norm in names:
            j += 1
        return j
    elif not _definite(tokens[j]):
        if not (_governs(tokens[j]) and (_definite(tokens[j + 1]) or tokens[j + 1].norm in names)):
            return None
        j += 1
    gender = _feminine(tokens[j].norm)
    j += 1
    while j < len(tokens) and _definite(tokens[j]) and _feminine(tokens[j].norm) == gender:
        j += 1
    return j


def _question(sentence: str, mention: Mention, names: set[str]) -> str | None:
    if mention.kind == PERSON and mention.role:
        return f"من {mention.role}؟"
    if mention.kind == NUMBER and not _counted(sentence, mention):
        return None  # a bare number (ص.ب 1234) counts nothing to ask كم about
    start, end = _clause(sentence, mention)
    lead = _lead(tokenize(sentence[start : mention.start]), mention.kind)
    if lead is None and mention.kind in _LEAD_REQUIRED:
        return None  # «قبل نهاية كانون الثاني» is no answer to متى
    word = _KEPT_LEAD.get(lead.norm, _WORDS[mention.kind]) if lead else _WORDS[mention.kind]
    if lead is not None:
        cut = start + lead.start
    else:
        cut = mention.lead if mention.lead is not None else mention.start
    return _relative(sentence, (start, cut), mention, word) or _moved(
        sentence, (start, cut, end), mention, word, names
    )


def _counted(sentence: str, mention: Mention) -> bool:
    """A number with its unit (5 مليارات دولار) or a counted noun after it (120 أسيرًا)."""
    if not sentence[mention.start : mention.end].replace(" ", "").isdigit():
        return True
    after = sentence[mention.end :].split(maxsplit=1)
    return bool(after) and "\u064b" in after[0]


def _lead(before: list[Token], kind: str) -> Token | None:
    """The word that introduces the answer and leaves with it (في، منذ، بنسبة)."""
    leads = _LEADS.get(kind, frozenset())
    window = before[-_LEAD_WINDOW.get(kind, 1) :]
    return next((t for t in reversed(window) if t.norm in leads), None)


def _clause(sentence: str, mention: Mention) -> tuple[int, int]:
    """The span of the clause around the mention, between punctuation marks."""
    before = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, mention.start)]
    after = _CLAUSE_BREAK.search(sentence, mention.end)
    return (before[-1] if before else 0), (after.start() if after else len(sentence))


def _relative(sentence: str, span: tuple[int, int], mention: Mention, word: str) -> str | None:
    """«المعاهدة التي أُبرمت في 19 حزيران» → «متى أُبرمت المعاهدة؟»."""
    prefix = sentence[span[0] : span[1]]
    relatives = list(_RELATIVE.finditer(prefix))
    if not relatives or mention.kind not in _LEAD_REQUIRED:
        return None
    relative = relatives[-1]
    between = tokenize(prefix[relative.end() :])
    if len(between) > (_PLACE_GAP if mention.kind == PLACE else 0):
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
    """The noun phrase that ends text: a definite noun, its agreeing adjectives, its governor.

    Adjectives agree in gender with their noun, so «المعاهدة الجديدة» stays together while
    «وقعت الدولتان الاتفاقية» yields only «الاتفاقية», the object before the relative clause.
    """
    tokens = tokenize(text)
    if not tokens or not _definite(tokens[-1]) or len(tokens[-1].norm) < 4:
        return ""
    gender = _feminine(tokens[-1].norm)
    i = len(tokens) - 1
    while (
        i > 0
        and not tokens[i].breaks
        and _definite(tokens[i - 1])
        and _feminine(tokens[i - 1].norm) == gender
    ):
        i -= 1
    head = tokens[i - 1] if i > 1 and not tokens[i].breaks else None
    if head is not None and not head.breaks and _governs(head):
        i -= 1
    return " ".join(text[tokens[i].start : tokens[-1].end].split())


def _definite(token: Token) -> bool:
    return token.norm.startswith("ال") and token.norm not in stopwords()


def _feminine(norm: str) -> bool:
    """Ends in ة (folded to ه) or in the plural ات, which takes feminine adjectives."""
    return norm.endswith(("ه", "ات"))


def _governs(token: Token) -> bool:
    """An indefinite noun that can head a genitive: no function word, verb or number."""
    return (
        not token.norm.startswith("ال")
        and token.norm not in stopwords()
        and not token.norm.isdigit()
        and not (token.norm.startswith("ي") and len(token.norm) >= 4)
    )


def _moved(
    sentence: str, span: tuple[int, int, int], mention: Mention, word: str, names: set[str]
) -> str | None:
    """The mention's clause with the answer taken out and the question word in front."""
    start, cut, end = span
    head = tokenize(sentence[start:cut])
    while head and head[0].norm in _CONNECTIVES:
        head = head[1:]
    if not head:
        return None
    if mention.kind == PERSON and mention.lead is None:
        attached = sentence[mention.start - 1 : mention.start].isalpha()
        if attached or len(head) != 1:
            return None  # not the subject after its verb: «مع بوتين»، «وكيم»، «قمة بوتين»
    first = head[0]
    skip = letters_offset(first.text, _conjunction(first.norm))
    if not _starts_with_verb(normalize(first.text[skip:]), names):
        return None
    if mention.kind != PERSON and any(t.norm in _RELATIVES for t in head):
        return None  # the answer belongs to a relative clause, not to the clause's verb
    words = sentence[start + first.start + skip : cut].split()
    tail = sentence[mention.end : end].split()
    if len(words) + len(tail) <= MAX_WORDS:
        words += tail
    while words and (not normalize(words[-1]) or normalize(words[-1]) in _DANGLING):
        words.pop()
    if words:
        words[-1] = words[-1].rstrip(_END_MARKS)
    if not 2 <= len(words) <= MAX_WORDS:
        return None
    return f"{word} {' '.join(words)}؟"


def _conjunction(norm: str) -> int:
    """1 for an attached و or ف (وأكد), 0 when it is part of the root (وصل، وقعت)."""
    return int(norm[:1] in ("و", "ف") and len(norm) >= 4 and not norm.startswith(_ROOT_WAW))


def _starts_with_verb(norm: str, names: set[str]) -> bool:
    """A clause's first word is its verb when it is no article-noun, function word or name."""
    return (
        not norm.startswith("ال")
        and norm not in stopwords()
        and norm not in names
        and not norm.isdigit()
        and not any(bare in names for bare, _ in bare_forms(norm))
    )
