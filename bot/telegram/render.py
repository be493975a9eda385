"""Telegram HTML for answers and admin replies: escaped, right-to-left, within 4096 characters.

Every piece of text that comes from a reader or from the knowledge files goes through `esc`,
so a `<b>` or `&` in a question or an article is shown, never interpreted; our wording gets
its values only through `say`, which escapes them. Each line starts
with a right-to-left mark: a line that opens with Latin letters, digits or a quotation mark
would otherwise be laid out left-to-right by Telegram's clients. Direction controls inside
the text are closed at the end of each piece so one stray override cannot flip the rest of
the message.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Sequence

from bot.engine import AnswerItem
from bot.knowledge import KnowledgeError
from bot.messages import NOT_FOUND, NOT_SURE, PUBLISHED, SOURCE, TRY_INSTEAD
from bot.records import LoadReport
from bot.telegram import wording

LIMIT = 4096  # Telegram's maximum message length
RLM = "\u200f"
ELLIPSIS = "…"
# A value put into our wording (a topic, a channel, a file name) is one line of at most this
# many characters: enough to recognise it, never enough to push the reply past LIMIT.
VALUE_SIZE = 200
DATE_SIZE = 30  # a date is ten characters; the knowledge files check it, this only bounds it
URL_SIZE = 2048  # a longer link is not one a reader would follow; the name is shown unlinked
# Embeddings and overrides end with PDF; isolates end with PDI.
_EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")
_PDF = "\u202c"
_ISOLATES = frozenset("\u2066\u2067\u2068")
_PDI = "\u2069"
_CONTROLS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# C0 controls but tab and newline, DEL, and lone surrogates: nothing to show, and Telegram
# refuses text that holds some of them.
_UNSENDABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


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
    return html.escape(contain(_UNSENDABLE.sub("", text)), quote=False)


def fill(template: str, **values: object) -> str:
    """Our wording with `values` in its {fields}, as escaped HTML (no line marks).

    The one way a value reaches a reply's wording: each value is made one short line without
    direction controls, then escaped, so a reader's `<a href=...>` is shown, never linked.
    """
    safe = {name: esc(_value(value)) for name, value in values.items()}
    return esc(template).format(**safe)


def say(template: str, **values: object) -> str:
    """A reply of our wording with `values` filled in (see `fill`), line by line right-to-left."""
    return fit_lines([f"{RLM}{line}" for line in fill(template, **values).split("\n")])


def fields(template: str) -> list[str]:
    """The names of a template's {fields}, in order."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _value(value: object) -> str:
    text = " ".join(strip_controls(str(value)).split())
    return shorten(text, VALUE_SIZE)


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
    does; the link and date are kept. Only when every text is down to `…` does the link go,
    then quotes from the last.
    """
    pieces = [item.statement, item.title, *item.quotes]
    url = item.url
    published = shorten(item.published, DATE_SIZE) if item.published else None
    while True:
        text = _answer(pieces[0], pieces[2:], pieces[1], url, published)
        excess = length(text) - limit
        if excess <= 0:
            return text
        longest = max(range(len(pieces)), key=lambda i: len(pieces[i]))
        if len(pieces[longest]) > 1:
            pieces[longest] = shorten(pieces[longest], max(1, len(pieces[longest]) - excess))
        elif url is not None:
            url = None  # only an absurdly long link is left to blame
        elif len(pieces) > 2:
            pieces.pop()  # hundreds of quotes
        else:
            return text  # a limit below any answer's frame: nothing left to cut


def _answer(
    statement: str, quotes: Sequence[str], title: str, url: str | None, published: str | None
) -> str:
    lines = [f"{RLM}<b>{esc(statement)}</b>"]
    lines.extend(f"<blockquote>{RLM}{esc(quote)}</blockquote>" for quote in quotes)
    name = linked(esc(title), url)
    source = f"{RLM}{SOURCE}: {name}"
    if published:
        source += f" ({PUBLISHED} {esc(published)})"
    lines.append(source)
    return "\n".join(lines)


def can_link(url: str) -> bool:
    """Whether `url` can be a link in a message: not absurdly long, nothing unsendable."""
    return len(url) <= URL_SIZE and not _UNSENDABLE.search(url)


def linked(name: str, url: str | None) -> str:
    """`name` (HTML) as a link to `url`; left unlinked when there is no URL or an absurd one."""
    if not url or not can_link(url):
        return name
    return f'<a href="{html.escape(url, quote=True)}">{name}</a>'


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
    return fit_lines([f"{RLM}{esc(line)}" for line in text.split("\n")])


def listing(heading: str, names: Sequence[str]) -> str:
    """A heading (HTML, from `say`) and one bullet per name, as many as fit."""
    return fit_lines([heading, *(f"{RLM}• {esc(_value(name))}" for name in names)])


def topics(names: Sequence[tuple[str, int]]) -> str:
    """The topics as a list with their article counts, or a note when there are none."""
    if not names:
        return plain(wording.NO_TOPICS)
    lines = [f"{RLM}{esc(wording.TOPICS)}"]
    lines.extend(f"{RLM}• {esc(name)} ({count})" for name, count in names)
    return fit_lines(lines)


def topic_header(topic: str) -> str:
    """The line above a topic's articles, so the reader knows what the buttons list."""
    return say(wording.TOPIC_ARTICLES, topic=topic)


def article_header(item: AnswerItem) -> str:
    """The article a list of facts belongs to: title (linked), date, then the invitation."""
    name = linked(esc(shorten(item.title, 300)), item.url)
    line = f"{RLM}<b>{name}</b>"
    if item.published:
        line += f" ({PUBLISHED} {esc(shorten(item.published, DATE_SIZE))})"
    return f"{line}\n{RLM}{esc(wording.ARTICLE_FACTS)}"


def reload_report(report: LoadReport) -> str:
    """What a reload changed, id by id, so an admin can check it did what they meant."""
    if report.unchanged:
        return plain(wording.RELOAD_UNCHANGED)
    counts = {"added": report.added, "changed": report.changed, "removed": report.removed}
    lines = [say(wording.RELOADED, **{name: len(ids) for name, ids in counts.items()})]
    for sign, ids in (("+", report.added), ("~", report.changed), ("-", report.removed)):
        lines.extend(f"<code>{sign} {esc(article_id)}</code>" for article_id in ids)
    return fit_lines(lines)


def errors(heading: str, problems: Sequence[KnowledgeError]) -> str:
    """A heading (from `say`), as many `file:line: message` lines as fit, how many are left."""
    head = heading
    lines = [f"<code>{esc(str(p))}</code>" for p in problems]
    for shown in range(len(lines), -1, -1):
        rest = len(lines) - shown
        tail = [say(wording.MORE_ERRORS, count=rest)] if rest else []
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
    """Knowledge and questions, subscribed chats, stopped chats, the outbox, unsent replies.

    `meaning`: facts with a sentence vector, of all facts (None: meaning is off).
    """
    subscribers = subscribers or {}
    active = {k: n for k, n in subscribers.items() if not k.startswith(STOPPED)}
    values = {key: counts.get(key, 0) for key in _STAT_KEYS}
    values["subscribers"] = sum(active.values())
    lines = [say(wording.STATS, **values)]
    lines.extend(
        f"{RLM}  • {esc(wording.SUBSCRIBER_KINDS.get(k, k))}: {n}" for k, n in active.items()
    )
    lines.extend(
        say(wording.STOPPED_CHATS, reason=k.removeprefix(STOPPED), count=n)
        for k, n in subscribers.items()
        if k.startswith(STOPPED)
    )
    if meaning is not None:
        lines.append(say(wording.MEANING, done=meaning[0], total=meaning[1]))
    if outbox is not None:
        lines.append(say(wording.OUTBOX, **outbox))
    if "unsent_total" in counts:
        lines.append(say(wording.UNSENT, **counts))
    return fit_lines(lines)


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


def fit_lines(lines: list[str]) -> str:
    """Whole lines, as many as fit within the limit (lists are never cut mid-line)."""
    text = "\n".join(lines)
    if length(text) <= LIMIT:
        return text
    kept: list[str] = []
    size = length(ELLIPSIS)
    for line in lines:
        size += length(line) + 1
        if size > LIMIT:
            break
        kept.append(line)
    return "\n".join([*kept, ELLIPSIS])


def label(text: str, size: int = 60) -> str:
    """A button's caption: one line, short, direction-contained (buttons are not HTML)."""
    return contain(shorten(" ".join(strip_controls(text).split()), size))
