"""From a raw article to a draft knowledge file: sentences, facts, keywords, topics, questions.

The draft is YAML in the knowledge format and passes validation as it is; comments mark it
for review, since every fact, keyword, topic and question in it is a suggestion.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import yaml

from bot.distill.entities import (
    DATE,
    NAME_KINDS,
    NUMBER,
    PHRASE,
    YEAR,
    Lexicon,
    Mention,
    base_lexicon,
    discover_names,
    find_mentions,
)
from bot.distill.errors import DistillError
from bot.distill.questions import questions_for
from bot.distill.reading import Kind, RawSentence, read_article
from bot.knowledge import DATE_PATTERN, ID_PATTERN, URL_PATTERN
from bot.text import content_tokens, normalize, terms

MAX_KEYWORDS = 8
MAX_ARTICLE_TOPICS = 3
MAX_FACT_TOPICS = 2
MIN_CONTENT_WORDS = 3
# A heading whose words are mostly the title's adds nothing a reader could ask about.
TITLE_OVERLAP = 0.6

HEADER = """\
# DRAFT made by `sanad distill`: review it before publishing. Every fact, keyword, topic and
# question below is a suggestion; the sentences are the article's own words and must stay
# verbatim. Sentence ids tell where a sentence stood: h = section heading, b = bullet item,
# s = running text (h2 is the second heading). Facts are named after their sentence.
"""


@dataclass(frozen=True)
class _Sentence:
    id: str
    raw: RawSentence
    mentions: tuple[Mention, ...]


def check_options(
    article_id: str | None = None, url: str | None = None, published: str | None = None
) -> None:
    """Refuse an id, url or date the knowledge format would refuse."""
    if article_id is not None and not ID_PATTERN.match(article_id):
        raise DistillError(f"id '{article_id}' must match [a-z0-9][a-z0-9._-]*", reason="option")
    if url is not None and not URL_PATTERN.match(url):
        raise DistillError(f"url '{url}' must be an http or https address", reason="option")
    if published is not None and not _is_iso_date(published):
        raise DistillError(
            f"published '{published}' must be an ISO date (YYYY-MM-DD)", reason="option"
        )


def _is_iso_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(DATE_PATTERN.match(value))


def distill(
    text: str,
    *,
    article_id: str | None = None,
    url: str | None = None,
    published: str | None = None,
    topics: Iterable[str] = (),
) -> str:
    """A draft knowledge file (YAML text) for one plain-text article, title on the first line.

    Raises DistillError when the text is empty, not Arabic, has no text under its title, or
    when an option is invalid.
    """
    check_options(article_id, url, published)
    raw = read_article(text)
    lexicon = discover_names([raw.title, *(s.text for s in raw.sentences)], base_lexicon())
    sentences = _number(raw.sentences, lexicon)
    counts = Counter(
        m.name
        for m in [*find_mentions(raw.title, lexicon), *(m for s in sentences for m in s.mentions)]
        if m.kind in NAME_KINDS
    )
    given = [t.strip() for t in topics if t.strip()]
    article_topics = _unique([*given, *_frequent(counts)])
    names = _name_words(lexicon)
    facts = [
        _fact(sentence, article_topics, names)
        for sentence in sentences
        if _informative(sentence, raw.title)
    ]
    document: dict[str, object] = {
        "id": article_id or slug(raw.title, published),
        "title": raw.title,
    }
    if url:
        document["url"] = url
    if published:
        document["published"] = dt.date.fromisoformat(published)
    if article_topics:
        document["topics"] = _Flow(article_topics)
    document["sentences"] = [{"id": s.id, "text": s.raw.text} for s in sentences]
    if facts:
        document["facts"] = facts
    return _render(document, {str(f["id"]) for f in facts if "questions" not in f})


def _number(raw: Sequence[RawSentence], lexicon: Lexicon) -> list[_Sentence]:
    """Ids by kind and position: s1 is the first sentence of running text, b1 the first item."""
    seen: Counter[Kind] = Counter()
    numbered = []
    for sentence in raw:
        seen[sentence.kind] += 1
        sid = f"{sentence.kind.value}{seen[sentence.kind]}"
        numbered.append(_Sentence(sid, sentence, tuple(find_mentions(sentence.text, lexicon))))
    return numbered


def _frequent(counts: Counter[str]) -> list[str]:
    """The names the article keeps coming back to: its likely topics."""
    return [name for name, n in counts.most_common(MAX_ARTICLE_TOPICS) if n >= 2]


def _name_words(lexicon: Lexicon) -> set[str]:
    return {word for entries in lexicon.names.values() for e in entries for word in e.words}


def _informative(sentence: _Sentence, title: str) -> bool:
    """Enough content words, and a heading that says more than the title."""
    if len(content_tokens(sentence.raw.text)) < MIN_CONTENT_WORDS:
        return False
    if sentence.raw.kind is Kind.HEADING:
        own = set(terms(sentence.raw.text))
        return len(own & set(terms(title))) / len(own) < TITLE_OVERLAP
    return True


def _fact(sentence: _Sentence, article_topics: list[str], names: set[str]) -> dict[str, object]:
    mentions = list(sentence.mentions)
    fact: dict[str, object] = {
        "id": f"f-{sentence.id}",
        "statement": statement(sentence.raw.text),
        "source": _Flow([sentence.id]),
    }
    nominal = sentence.raw.kind is not Kind.BODY
    asked = questions_for(sentence.raw.text, mentions, names, nominal=nominal)
    if asked:
        fact["questions"] = asked
    keywords = _keywords(mentions)
    if keywords:
        fact["keywords"] = _Flow(keywords)
    known = {normalize(t) for t in article_topics}
    topics = _unique(m.name for m in mentions if m.kind in NAME_KINDS)
    topics = [t for t in topics if normalize(t) not in known][:MAX_FACT_TOPICS]
    if topics:
        fact["topics"] = _Flow(topics)
    return fact


def statement(sentence: str) -> str:
    """The sentence lightly cleaned: one line, and ending as a statement does."""
    text = " ".join(sentence.split())
    text = text.rstrip("؛،,;:").rstrip()
    if text[-1] not in '.!?؟»"”)':
        text += "."
    return text


def _keywords(mentions: list[Mention]) -> list[str]:
    """Names, dates, numbers and key phrases, each once; a keyword inside a longer one goes."""
    order = {kind: i for i, kind in enumerate((*NAME_KINDS, DATE, NUMBER, YEAR, PHRASE))}
    ranked = sorted(mentions, key=lambda m: order[m.kind])
    keywords = _unique(m.name for m in ranked)
    folded = [normalize(k) for k in keywords]
    kept = [
        k
        for k, f in zip(keywords, folded, strict=True)
        if not any(f != other and f" {f} " in f" {other} " for other in folded)
    ]
    return kept[:MAX_KEYWORDS]


def _unique(values: Iterable[str]) -> list[str]:
    """Values in order, each once however it is spelled."""
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(normalize(value), value)
    return list(seen.values())


# -- the article id --------------------------------------------------------------------------

_LATIN = str.maketrans(
    {
        "ا": "a",
        "ب": "b",
        "ت": "t",
        "ث": "th",
        "ج": "j",
        "ح": "h",
        "خ": "kh",
        "د": "d",
        "ذ": "dh",
        "ر": "r",
        "ز": "z",
        "س": "s",
        "ش": "sh",
        "ص": "s",
        "ض": "d",
        "ط": "t",
        "ظ": "z",
        "ع": "",
        "غ": "gh",
        "ف": "f",
        "ق": "q",
        "ك": "k",
        "ل": "l",
        "م": "m",
        "ن": "n",
        "ه": "h",
        "و": "w",
        "ي": "y",
        "ء": "",
    }
)
SLUG_WORDS = 4


def slug(title: str, published: str | None = None) -> str:
    """A readable, stable article id: the date, the title's first words in Latin, a short hash.

    The hash of the whole normalised title keeps two articles that start alike apart.
    """
    words = []
    for word in content_tokens(title):
        if word.endswith("ه"):  # the feminine ending ة, folded by normalisation
            word = word[:-1] + "a"
        latin = re.sub(r"[^a-z0-9]", "", word.translate(_LATIN))
        if latin:
            words.append(latin)
    digest = hashlib.sha256(normalize(title).encode("utf-8")).hexdigest()[:6]
    parts = [published] if published else []
    return "-".join([*parts, *words[:SLUG_WORDS], digest])


# -- YAML ------------------------------------------------------------------------------------


class _Flow(list):
    """A short list written on one line: keywords, topics, source."""


if TYPE_CHECKING:
    _SafeDumper = yaml.SafeDumper
else:  # libyaml's, when installed: the same output, faster
    _SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_SafeDumper):
    """Block style for the article, flow style for short lists."""


_Dumper.add_representer(
    _Flow, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, True)
)
_FACT_LINE = re.compile(r"^- id: f-(\S+)$", re.MULTILINE)
_NO_QUESTION = "; no reader question drafted: add one"


def _render(document: dict[str, object], unasked: set[str]) -> str:
    """The document as YAML, each fact behind a review comment (and a nudge when unasked)."""
    body = yaml.dump(
        document,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1_000_000,
    )

    def comment(line: re.Match[str]) -> str:
        note = _NO_QUESTION if f"f-{line[1]}" in unasked else ""
        return f"# review: drafted from sentence {line[1]}{note}\n{line[0]}"

    return HEADER + _FACT_LINE.sub(comment, body)
