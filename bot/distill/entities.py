"""What a sentence is about: people, places, organisations, dates, numbers and key phrases.

Rules and small word lists (bot/data/distill_ar.txt) rather than a statistical tagger: the
Arabic NER models need downloads this project cannot make, and news text leans on cues a
rule catches well — a title before a person's name (الرئيس الروسي فلاديمير بوتين), a head
noun before a place's (مقاطعة كورسك). Names found by a cue anywhere in the article are then
recognised everywhere in it, by their surname too (بوتين، كيم).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources

from bot.text import SPELLING_FOLDS, normalize, stopwords

PERSON, PLACE, ORG = "person", "place", "org"
DATE, YEAR, NUMBER, PHRASE = "date", "year", "number", "phrase"
NAME_KINDS = (PERSON, PLACE, ORG)


@dataclass(frozen=True)
class Mention:
    """A span of a sentence and what it names; `name` is how keywords write it."""

    kind: str
    name: str
    start: int
    end: int
    role: str = ""  # for a person: the office written before the name (الرئيس الروسي)
    lead: int | None = None  # for a person: where the title or honorific before the name starts


@dataclass(frozen=True)
class Token:
    """A word of a sentence, its span, its normalised form, and whether punctuation precedes it."""

    text: str
    start: int
    end: int
    norm: str
    breaks: bool


_WORD = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u0640%٪]+")
_BREAK = re.compile(r"[،,؛;:.!?؟()«»\"“”\[\]/\-–—]")
_CLITICS = ("وب", "ول", "فب", "فل", "وك", "و", "ف", "ب", "ل", "ك")
_DEFINITE_CLITICS = ("ولل", "فلل", "لل")


def word_set(words: str) -> frozenset[str]:
    """Space-separated words, normalised: how the small word lists below are written."""
    return frozenset(normalize(w) for w in words.split())


# Words after which a clause starts, most often with its verb: no phrase starts after them.
_OPENERS = word_set("حيث أن إن ما مما الذي التي الذين اللذين اللتين كما إذ ثم لكي كي")
# Nouns used as prepositions: a phrase never starts with them.
_PREPOSITIONAL = word_set(
    "بشأن حيال إزاء تجاه ضمن وفق وفقا عبر نحو لدى بين خلال عند ضد مثل بسبب نتيجة"
)


def tokenize(sentence: str) -> list[Token]:
    """Words with their spans; `breaks` marks a word that punctuation separates from the last."""
    result: list[Token] = []
    previous_end = 0
    for match in _WORD.finditer(sentence):
        gap = sentence[previous_end : match.start()]
        # The dot of an initial (د. أحمد) does not separate it from the name it stands before.
        initial = bool(result) and len(result[-1].norm) == 1 and gap.strip() == "."
        result.append(
            Token(
                text=match.group(),
                start=match.start(),
                end=match.end(),
                norm=normalize(match.group()),
                breaks=not result or (bool(_BREAK.search(gap)) and not initial),
            )
        )
        previous_end = match.end()
    return result


def bare_forms(norm: str) -> Iterator[tuple[str, int]]:
    """The token, then the token without an attached conjunction or preposition, and its length."""
    yield norm, 0
    for prefix in _DEFINITE_CLITICS:
        if norm.startswith(prefix) and len(norm) - len(prefix) >= 2:
            yield "ال" + norm[len(prefix) :], len(prefix) - 1
    for prefix in _CLITICS:
        if norm.startswith(prefix) and len(norm) - len(prefix) >= 2:
            yield norm[len(prefix) :], len(prefix)


@dataclass(frozen=True)
class _Entry:
    words: tuple[str, ...]
    kind: str
    name: str


@dataclass
class Lexicon:
    """Names and cue words, indexed by their first normalised word."""

    names: dict[str, list[_Entry]] = field(default_factory=dict)
    roles: dict[str, list[_Entry]] = field(default_factory=dict)
    place_heads: frozenset[str] = frozenset()
    org_heads: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()
    not_names: frozenset[str] = frozenset()

    def add(self, kind: str, name: str, aliases: Iterable[str] = ()) -> None:
        """Know one more name (and its aliases) under `kind`."""
        index = self.roles if kind in ("role", "honorific") else self.names
        for spelling in (name, *aliases):
            words = tuple(normalize(spelling).split())
            if not words or self.lookup(words) is not None:
                continue
            bucket = index.setdefault(words[0], [])
            bucket.append(_Entry(words, kind, name))
            bucket.sort(key=lambda e: len(e.words), reverse=True)

    def lookup(self, words: tuple[str, ...]) -> _Entry | None:
        """The entry spelt exactly `words`; buckets by first word keep this quick."""
        return next((e for e in self.names.get(words[0], ()) if e.words == words), None)

    def copy(self) -> Lexicon:
        """A copy an article can add its own names to."""
        return replace(
            self,
            names={k: list(v) for k, v in self.names.items()},
            roles={k: list(v) for k, v in self.roles.items()},
        )


@lru_cache(maxsize=1)
def base_lexicon() -> Lexicon:
    """The shipped word lists, read once."""
    raw = resources.files("bot").joinpath("data/distill_ar.txt").read_text(encoding="utf-8")
    lexicon = Lexicon()
    sets: dict[str, set[str]] = {"place_head": set(), "org_head": set(), "unit": set()}
    sets["not_name"] = set()
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, spellings = line.split("\t")
        name, *aliases = spellings.split("|")
        if kind in sets:
            sets[kind].update(normalize(s) or s for s in (name, *aliases))
        else:
            lexicon.add(kind, name, aliases)
    lexicon.place_heads = frozenset(sets["place_head"])
    lexicon.org_heads = frozenset(sets["org_head"])
    lexicon.units = frozenset(sets["unit"])
    lexicon.not_names = frozenset(sets["not_name"])
    return lexicon


# -- names ------------------------------------------------------------------------------------


def _match_at(
    tokens: list[Token], i: int, index: dict[str, list[_Entry]]
) -> tuple[_Entry, int, int]:
    """The longest entry starting at token i, its end, and the letters of a clitic before it."""
    for bare, skip in bare_forms(tokens[i].norm):
        for entry in index.get(bare, ()):
            n = len(entry.words)
            rest = tokens[i + 1 : i + n]
            if len(rest) == n - 1 and all(
                t.norm == w and not t.breaks for t, w in zip(rest, entry.words[1:], strict=True)
            ):
                return entry, i + n, skip
    raise LookupError


def _plain_word(token: Token, lexicon: Lexicon) -> bool:
    """A word that can be part of a proper name: indefinite, no function word, no number."""
    return (
        not token.breaks
        and not token.norm.startswith("ال")
        and token.norm not in stopwords()
        and token.norm not in lexicon.not_names
        and not token.norm.isdigit()
        and len(token.norm) >= 2
    )


def _definite(token: Token) -> bool:
    return not token.breaks and token.norm.startswith("ال") and token.norm not in stopwords()


@dataclass(frozen=True)
class _Cued:
    kind: str
    name_start: int  # token indexes of the name
    name_end: int
    cue: str  # the title with its adjectives, for persons
    cue_start: int  # where the cue starts in the sentence
    honorific: bool = False  # د. or السيد: it says who is named, not which office they hold


def _cued_names(sentence: str, tokens: list[Token], lexicon: Lexicon) -> Iterator[_Cued]:
    """Names announced by a cue: a title before a person, a head noun before a place."""
    i = 0
    while i < len(tokens):
        try:
            role, j, skip = _match_at(tokens, i, lexicon.roles)
            kind, honorific = PERSON, role.kind == "honorific"
        except LookupError:
            honorific = False
            heads = [n for bare, n in bare_forms(tokens[i].norm) if bare in lexicon.place_heads]
            if not heads:
                i += 1
                continue
            kind, j, skip = PLACE, i + 1, heads[0]
        adjectives = j
        while j < len(tokens) and j - adjectives < 3 and _definite(tokens[j]):
            j += 1
        k = j
        limit = 3 if kind == PERSON else 1
        while (
            k < len(tokens)
            and k - j < limit
            and (
                _plain_word(tokens[k], lexicon) or (honorific and k > j and _family_name(tokens[k]))
            )
        ):
            k += 1
        if k > j:
            cue_start = tokens[i].start + letters_offset(tokens[i].text, skip)
            cue = _compact(sentence[cue_start : tokens[j - 1].end])
            yield _Cued(kind, j, k, cue, cue_start, honorific)
        i = max(k, i + 1)


def _family_name(token: Token) -> bool:
    """A family name written with the article: العلي، الهاشمي (after a first name)."""
    return _definite(token) and token.norm.endswith("ي") and len(token.norm) >= 5


def letters_offset(text: str, letters: int) -> int:
    """Where the `letters`-th letter of text starts, skipping diacritics."""
    count = 0
    for index, char in enumerate(text):
        if count == letters:
            return index
        if char.isalpha():
            count += 1
    return len(text)


def discover_names(sentences: Iterable[str], lexicon: Lexicon) -> Lexicon:
    """A copy of lexicon that also knows the names the article announces with a cue."""
    known = lexicon.copy()
    for sentence in sentences:
        tokens = tokenize(sentence)
        for cued in _cued_names(sentence, tokens, lexicon):
            words = tokens[cued.name_start : cued.name_end]
            name = " ".join(t.text for t in words)
            if known.lookup(tuple(t.norm for t in words)) is not None:
                continue
            aliases = (
                [t.text for t in (words[0], words[-1]) if len(t.norm) >= 3 and t is not words[0]]
                if cued.kind == PERSON and len(words) > 1
                else []
            )
            known.add(cued.kind, name, aliases)
    return known


def _name_mentions(sentence: str, tokens: list[Token], lexicon: Lexicon) -> list[Mention]:
    cued = {c.name_start: c for c in _cued_names(sentence, tokens, lexicon) if c.kind == PERSON}
    found: list[Mention] = []
    i = 0
    while i < len(tokens):
        try:
            entry, j, skip = _match_at(tokens, i, lexicon.names)
        except LookupError:
            j = _org_end(tokens, i, lexicon)
            if j > i + 1:
                start = _bare_start(tokens[i], lexicon.org_heads)
                name = " ".join(sentence[start : tokens[j - 1].end].split())
                found.append(Mention(ORG, name, start, tokens[j - 1].end))
                i = j
            else:
                i += 1
            continue
        start = tokens[i].start + letters_offset(tokens[i].text, skip)
        cue = cued.get(i)
        role = cue.cue if cue and not cue.honorific else ""
        lead = cue.cue_start if cue else None
        found.append(Mention(entry.kind, entry.name, start, tokens[j - 1].end, role, lead))
        i = j
    return found


def _org_end(tokens: list[Token], i: int, lexicon: Lexicon) -> int:
    """The end of an organisation named by a head noun and its definite words (وزارة الخارجية)."""
    if not any(bare in lexicon.org_heads for bare, _ in bare_forms(tokens[i].norm)):
        return i
    j = i + 1
    while j < len(tokens) and j - i <= 3 and _definite(tokens[j]):
        j += 1
    return j


def _bare_start(token: Token, heads: Iterable[str]) -> int:
    """Where the word proper starts once an attached conjunction or preposition is left out."""
    heads = set(heads)
    skip = next((n for bare, n in bare_forms(token.norm) if bare in heads), 0)
    return token.start + letters_offset(token.text, skip)


# -- dates and numbers ------------------------------------------------------------------------

_LEVANTINE = (
    "كانون الثاني|شباط|اذار|نيسان|ايار|حزيران|تموز|اب|ايلول|تشرين الاول|تشرين الثاني|كانون الاول"
)
_GREGORIAN = (
    "يناير|فبراير|مارس|ابريل|مايو|يونيو|يونيه|يوليو|يوليه|اغسطس|سبتمبر|اكتوبر|نوفمبر|ديسمبر"
)
MONTHS = tuple(_LEVANTINE.split("|") + _GREGORIAN.split("|"))
_MONTH = (
    "(?:" + "|".join(m.replace(" ", r"\s+") for m in sorted(MONTHS, key=len, reverse=True)) + ")"
)
_PAIR = rf"{_MONTH}(?:\s*[/(]\s*{_MONTH}\s*\)?)?"
_DATE = re.compile(
    rf"(?<!\w)(?:(?P<day>[0-9]{{1,2}})\s+)?(?P<month>{_PAIR})(?!\w)"
    rf"(?:\s*[،,]?\s*(?:(?:من\s+)?(?:عام|العام|سنه)\s+)?(?P<year>[0-9]{{4}})(?!\w))?"
)
_NUMERIC_DATE = re.compile(
    r"(?<![\w.])(?:[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-][0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2})(?![\w.])"
)
_YEAR = re.compile(r"(?:1[89]|20)[0-9]{2}")
_UNIT_WORD = re.compile(r"\s+([^\s،,؛;.:!?؟()«»\"]+)")
_NUMBER = re.compile(r"(?<![\w.,٫])[0-9]+(?:[.,٫][0-9]+)*(?:\s*[%٪])?")
# One character for one: spans found in the folded text are spans of the sentence.
_FOLD = str.maketrans({**SPELLING_FOLDS, "٫": "."})


def _compact(text: str) -> str:
    return " ".join(text.split())


def _dates(sentence: str, folded: str) -> list[Mention]:
    found = [
        Mention(DATE, _compact(sentence[m.start() : m.end()]), m.start(), m.end())
        for m in _NUMERIC_DATE.finditer(folded)
    ]
    for m in _DATE.finditer(folded):
        paired = "/" in m.group("month") or "(" in m.group("month")
        if m.group("day") or m.group("year") or paired:
            found.append(Mention(DATE, _compact(sentence[m.start() : m.end()]), m.start(), m.end()))
    return found


def _numbers(sentence: str, folded: str, lexicon: Lexicon, taken: list[Mention]) -> list[Mention]:
    found: list[Mention] = []
    for m in _NUMBER.finditer(folded):
        if _overlaps(m.start(), m.end(), taken):
            continue
        end = m.end()
        for _ in range(2):  # a scale and a unit: 5 مليارات دولار
            unit = _UNIT_WORD.match(folded, end)
            if not unit or normalize(unit.group(1)) not in lexicon.units:
                break
            end = unit.end()
        digits = m.group()
        with_unit = end > m.end() or digits.endswith(("%", "٪"))
        if not with_unit and _YEAR.fullmatch(digits):
            found.append(Mention(YEAR, sentence[m.start() : m.end()], m.start(), m.end()))
        else:
            found.append(Mention(NUMBER, _compact(sentence[m.start() : end]), m.start(), end))
    return found


def _overlaps(start: int, end: int, mentions: Iterable[Mention]) -> bool:
    return any(start < m.end and m.start < end for m in mentions)


# -- key phrases ------------------------------------------------------------------------------


def _looks_like_verb(token: Token) -> bool:
    """Imperfect verbs (يعزز، تحمل) start many clauses; they head no noun phrase."""
    norm = token.norm
    return (norm.startswith("ي") and len(norm) >= 4) or (norm.startswith("ت") and len(norm) == 4)


def _phrases(sentence: str, tokens: list[Token], taken: list[Mention]) -> list[Mention]:
    """Noun phrases: a definite noun with its adjectives, or a noun and its definite genitives."""
    stop = stopwords()
    free = [not _overlaps(t.start, t.end, taken) for t in tokens]
    found: list[Mention] = []
    i = 0
    while i < len(tokens):
        bare, skip = _definite_form(tokens[i])
        if not free[i] or not bare.startswith("ال") or bare in stop:
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and j - i < 3 and free[j] and _definite(tokens[j]):
            j += 1
        start = tokens[i].start + letters_offset(tokens[i].text, skip)
        if skip == 0 and not tokens[i].breaks and free[i - 1] and _can_head(tokens, i - 1):
            head = tokens[i - 1]
            start = head.start + letters_offset(head.text, _conjunction(head.norm))
        if start < tokens[i].start or j - i >= 2:
            text = _compact(sentence[start : tokens[j - 1].end])
            found.append(Mention(PHRASE, text, start, tokens[j - 1].end))
        i = j
    return found


def _definite_form(token: Token) -> tuple[str, int]:
    """The token as a definite noun without its attached preposition, if it is one."""
    return next(
        ((bare, n) for bare, n in bare_forms(token.norm) if bare.startswith("ال")),
        (token.norm, 0),
    )


def _conjunction(norm: str) -> int:
    """1 when the word starts with a clitic that can go (وتعزيز، بأواصر), else 0."""
    if norm[:1] in ("و", "ف") and len(norm) >= 5:
        return 1
    return 1 if norm[:1] in ("ب", "ل", "ك") and norm[1:2] == "ا" and len(norm) >= 5 else 0


def _can_head(tokens: list[Token], i: int) -> bool:
    """An indefinite noun that can govern the definite words after it (معاهدة الشراكة)."""
    token = tokens[i]
    stop = stopwords()
    return (
        not token.breaks  # a clause's first word is most often its verb
        and i > 0
        and tokens[i - 1].norm not in _OPENERS
        and not token.norm.startswith("ال")
        and not any(bare in stop for bare, _ in bare_forms(token.norm))
        and token.norm not in _PREPOSITIONAL
        and not token.norm.isdigit()
        and len(token.norm) >= 3
        and not _looks_like_verb(token)
    )


# -- all together -----------------------------------------------------------------------------


def find_mentions(sentence: str, lexicon: Lexicon) -> list[Mention]:
    """Every mention in the sentence, in order, none overlapping another."""
    folded = sentence.translate(_FOLD)
    tokens = tokenize(sentence)
    dates = _dates(sentence, folded)
    numbers = _numbers(sentence, folded, lexicon, dates)
    names = [
        m for m in _name_mentions(sentence, tokens, lexicon) if not _overlaps(m.start, m.end, dates)
    ]
    taken = dates + numbers + names
    cues = [
        Mention(PHRASE, c.cue, c.cue_start, tokens[c.name_start].start)
        for c in _cued_names(sentence, tokens, lexicon)
    ]
    mentions = taken + _phrases(sentence, tokens, taken + cues)
    return sorted(mentions, key=lambda m: m.start)
