"""Telegram HTML for answers and admin replies: escaped, right-to-left, within 4096 characters.

Every piece of text that comes from a reader or from the knowledge files goes through `esc`,
so a `<b>` or `&` in a question or an article is shown, never interpreted. Each line starts
with a right-to-left mark: a line that opens with Latin letters, digits or a quotation mark
would otherwise be laid out left-to-right by Telegram's clients. Direction controls inside
the text are closed at the end of each piece so one stray override cannot flip the rest of
the message.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot.engine import AnswerItem
from bot.knowledge import KnowledgeError
from bot.messages import NOT_FOUND, NOT_SURE, PUBLISHED, SOURCE, TRY_INSTEAD
from bot.store import LoadReport
from bot.telegram import wording

LIMIT = 4096  # Telegram's maximum message length
RLM = "\u200f"
ELLIPSIS = "…"
# Embeddings and overrides end with PDF; isolates end with PDI.
_EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")
_PDF = "\u202c"
_ISOLATES = frozenset("\u2066\u2067\u2068")
_PDI = "\u2069"
_CONTROLS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units), taken on the HTML source to be safe."""
    return len(text.encode("utf-16-le")) // 2


def strip_controls(text: str) -> str:
    """A reader's text without direction controls (they only serve to spoof the layout)."""
    return "".join(ch for ch in text if ch not in _CONTROLS)


def contain(text: str) -> str:
    """Close any direction embedding or isolate that `text` leaves open."""
    embeddings = isolates = 0
    for ch in text:
        if ch in _EMBEDDINGS:
            embeddings += 1
        elif ch == _PDF:
            embeddings = max(0, embeddings - 1)
        elif ch in _ISOLATES:
            isolates += 1
        elif ch == _PDI:
            isolates = max(0, isolates - 1)
    return text + _PDF * embeddings + _PDI * isolates


def esc(text: str) -> str:
    """Escaped and direction-contained: safe to put anywhere in a message."""
    return html.escape(contain(text), quote=False)


def shorten(text: str, size: int) -> str:
    """Text cut to at most `size` characters, at a word boundary when one is near, with `…`."""
    if len(text) <= size:
        return text
    if size <= 1:
        return ELLIPSIS
    cut = text[: size - 1]
    space = cut.rfind(" ")
    if space > size * 0.8:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def answer(item: AnswerItem, limit: int = LIMIT) -> str:
    """The fact in bold, its source sentences quoted verbatim, then the article it comes from.

    When the whole does not fit, the longest of the texts is shortened (with `…`) until it
    does; the link and date are kept.
    """
    pieces = [item.statement, item.title, *item.quotes]
    url = item.url
    while True:
        text = _answer(pieces[0], pieces[2:], pieces[1], url, item.published)
        excess = length(text) - limit
        if excess <= 0:
            return text
        longest = max(range(len(pieces)), key=lambda i: len(pieces[i]))
        if len(pieces[longest]) <= 1:
            url = None  # only an absurdly long link is left to blame
            continue
        pieces[longest] = shorten(pieces[longest], max(1, len(pieces[longest]) - excess))


def _answer(
    statement: str, quotes: Sequence[str], title: str, url: str | None, published: str | None
) -> str:
    lines = [f"{RLM}<b>{esc(statement)}</b>"]
    lines.extend(f"<blockquote>{RLM}{esc(quote)}</blockquote>" for quote in quotes)
    name = esc(title)
    if url:
        name = f'<a href="{html.escape(url, quote=True)}">{name}</a>'
    source = f"{RLM}{SOURCE}: {name}"
    if published:
        source += f" ({PUBLISHED} {esc(published)})"
    lines.append(source)
    return "\n".join(lines)


def not_found(has_suggestions: bool) -> str:
    """The abstention: said plainly, with an invitation to the buttons below when there are any."""
    text = f"{RLM}{esc(NOT_FOUND)}"
    if has_suggestions:
        text += f"\n{RLM}{esc(TRY_INSTEAD)}"
    return text


def not_sure() -> str:
    """Unsure: the closest facts follow as buttons."""
    return f"{RLM}{esc(NOT_SURE)}"


def plain(text: str) -> str:
    """A fixed sentence of our own wording as one escaped right-to-left message."""
    return "\n".join(f"{RLM}{esc(line)}" for line in text.split("\n"))


def topics(names: Sequence[tuple[str, int]]) -> str:
    if not names:
        return plain(wording.NO_TOPICS)
    lines = [f"{RLM}{esc(wording.TOPICS)}"]
    lines.extend(f"{RLM}• {esc(name)} ({count})" for name, count in names)
    return _fit_lines(lines)


def topic_header(topic: str) -> str:
    return f"{RLM}{esc(wording.TOPIC_ARTICLES.format(topic=topic))}"


def article_header(item: AnswerItem) -> str:
    """The article a list of facts belongs to: title (linked), date, then the invitation."""
    name = esc(shorten(item.title, 1000))
    if item.url:
        name = f'<a href="{html.escape(item.url, quote=True)}">{name}</a>'
    line = f"{RLM}<b>{name}</b>"
    if item.published:
        line += f" ({PUBLISHED} {esc(item.published)})"
    return f"{line}\n{RLM}{esc(wording.ARTICLE_FACTS)}"


def reload_report(report: LoadReport) -> str:
    if report.unchanged:
        return plain(wording.RELOAD_UNCHANGED)
    lines = [
        f"{RLM}"
        + esc(
            wording.RELOADED.format(
                added=len(report.added), changed=len(report.changed), removed=len(report.removed)
            )
        )
    ]
    for sign, ids in (("+", report.added), ("~", report.changed), ("-", report.removed)):
        lines.extend(f"<code>{sign} {esc(article_id)}</code>" for article_id in ids)
    return _fit_lines(lines)


def errors(heading: str, problems: Sequence[KnowledgeError]) -> str:
    """A heading and `file:line: message` lines, as many as fit, then how many were left out."""
    head = f"{RLM}{esc(heading)}"
    lines = [f"<code>{esc(str(p))}</code>" for p in problems]
    for shown in range(len(lines), -1, -1):
        rest = len(lines) - shown
        tail = [f"{RLM}{esc(wording.MORE_ERRORS.format(count=rest))}"] if rest else []
        text = "\n".join([head, *lines[:shown], *tail])
        if length(text) <= LIMIT:
            return text
    return head


def stats(
    counts: dict[str, int],
    subscribers: dict[str, int] | None = None,
    outbox: dict[str, int] | None = None,
    meaning: tuple[int, int] | None = None,
) -> str:
    """Knowledge and questions, then subscribed chats by kind, stopped chats, the outbox.

    `meaning`: facts with a sentence vector, of all facts (None: meaning is off).
    """
    subscribers = subscribers or {}
    active = {k: n for k, n in subscribers.items() if not k.startswith(STOPPED)}
    values = {key: counts.get(key, 0) for key in _STAT_KEYS}
    values["subscribers"] = sum(active.values())
    lines = [wording.STATS.format(**values)]
    lines.extend(f"  • {wording.SUBSCRIBER_KINDS.get(k, k)}: {n}" for k, n in active.items())
    lines.extend(
        wording.STOPPED_CHATS.format(reason=k.removeprefix(STOPPED), count=n)
        for k, n in subscribers.items()
        if k.startswith(STOPPED)
    )
    if meaning is not None:
        lines.append(wording.MEANING.format(done=meaning[0], total=meaning[1]))
    if outbox is not None:
        lines.append(wording.OUTBOX.format(**outbox))
    return plain("\n".join(lines))


STOPPED = "inactive: "  # how the store labels chats that no longer receive news
_STAT_KEYS = (
    "articles",
    "facts",
    "asked_today",
    "answered_today",
    "asked_total",
    "answered_total",
    "subscribers",
)


def _fit_lines(lines: list[str]) -> str:
    """Whole lines, as many as fit within the limit (lists are never cut mid-line)."""
    kept: list[str] = []
    size = 0
    for line in lines:
        size += length(line) + 1
        if size > LIMIT:
            kept.append(ELLIPSIS)
            break
        kept.append(line)
    return "\n".join(kept)


def label(text: str, size: int = 60) -> str:
    """A button's caption: one line, short, direction-contained (buttons are not HTML)."""
    return contain(shorten(" ".join(strip_controls(text).split()), size))
