"""Property-based tests: arbitrary Unicode through the normaliser, the engine and every reply.

Inputs mix any code point with what breaks text handling in practice: bidi controls,
zero-width characters, combining marks, tatweel, NULs and other C0 controls, lone surrogates,
HTML tags and entities, and (as explicit examples) 100,000 characters. The properties:
nothing raises; normalising twice changes nothing; every reply is HTML that Telegram accepts,
with only the tags of our own layout and every outside value shown literally; every reply
fits Telegram's 4096 characters.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TREATY
from fakebotapi import TelegramHTML, check_html
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot import config as configuration
from bot import messages
from bot.distill import DistillError
from bot.engine import AnswerItem, Engine, Outcome
from bot.knowledge import KnowledgeError
from bot.records import LoadReport
from bot.review import Candidate as ReviewCandidate
from bot.review import ReviewItem
from bot.subscriptions import News
from bot.telegram import cards, drafts, outbox, render, wording
from bot.text import analyse, normalize, smalltalk, tokens

BOUNDED = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LONG = 100_000

SPECIAL = (
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # bidi controls
    "\u200b\u200c\u200d\u2060\ufeff"  # zero-width
    "\u0640\u064b\u064e\u0651\u0652\u0653\u0654\u0670\u0301\u0308\u20dd"  # tatweel, marks
    "\x00\x07\x0b\x1b\x1f\x7f\x85\u2028\u2029\r\n\t "  # controls and line breaks
    "\ud800\udc80\udfff"  # lone surrogates
    "<>&\"'/=;#؟،"
)
ARABIC = "ابتثجحخدذرسشصضطظعغفقكلمنهويأإآةىؤئء٠١٩ک"
MARKUP = [
    "<b>",
    "</b>",
    '<a href="https://evil.example/c">',
    "</a>",
    "<i>",
    "</code>",
    "<blockquote>",
    "<tg-spoiler>",
    "&amp;",
    "&lt;",
    "&#x27;",
    "&",
    "<!--",
    "<script>",
]
character = st.one_of(st.characters(), st.sampled_from(SPECIAL), st.sampled_from(ARABIC))
hostile = st.lists(
    st.one_of(st.text(character, max_size=12), st.sampled_from(MARKUP)), max_size=12
).map("".join)
# Our own markers, and what escaping leaves out: controls Telegram will not take.
MARKS = re.compile("[\u200f\u202c\u2069]")
UNSENDABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
HUGE = ("سؤال <b>&\u202e\u0651\u200b\x00 " * (LONG // 12))[:LONG]


def shown(value: str) -> str:
    """How an outside value must appear in a reply's visible text: literally, minus unsendables."""
    return UNSENDABLE.sub("", value)


def accepted(text: str, tags: list[str] | None = None) -> TelegramHTML:
    """Valid Telegram HTML within the limit, with exactly our layout's tags when given."""
    parsed = check_html(text)
    assert render.length(text) <= render.LIMIT
    if tags is not None:
        assert parsed.tags == tags
    return parsed


# -- the normaliser ---------------------------------------------------------------------------


@BOUNDED
@given(hostile)
@example(HUGE)
@example("ا\u0640\u0654 İ K ﷺ ﻵ")
def test_normalising_is_idempotent_and_never_fails(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert once == " ".join(once.split())  # single spaces, none at the ends
    assert not re.search("[\u0640\u064b-\u065f\u200b-\u200f\u202a-\u202e\u2066-\u2069]", once)
    assert tokens(once) == tokens(text)
    analyse(text)


# -- the engine -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def asking(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[asyncio.AbstractEventLoop, Engine]]:
    """One engine over a small knowledge base for every example, on a loop of its own."""
    root = Path(tmp_path_factory.mktemp("properties"))
    (root / "knowledge").mkdir()
    (root / "knowledge" / "treaty.yaml").write_text(TREATY, encoding="utf-8")
    (root / "config.yaml").write_text(
        "knowledge_dir: knowledge\ndatabase: data/sanad.sqlite3\n", encoding="utf-8"
    )
    loop = asyncio.new_event_loop()
    engine = Engine(configuration.load(root / "config.yaml"))
    loop.run_until_complete(engine.open())
    loop.run_until_complete(engine.reload())
    yield loop, engine
    loop.run_until_complete(engine.close())  # waits for the question log: a failed write raises
    loop.close()


@BOUNDED
@given(hostile, st.integers(min_value=1, max_value=5))
@example(HUGE, 3)
@example("ك" * LONG, 1)
def test_the_engine_answers_anything_without_failing(
    asking: tuple[asyncio.AbstractEventLoop, Engine], question: str, top: int
) -> None:
    loop, engine = asking
    answer = loop.run_until_complete(engine.ask(question, top))
    assert answer.answered == (answer.outcome is Outcome.ANSWERED)
    assert len(answer.answers) <= (top if answer.answered else 0)
    assert all(0 <= item.score <= 100 for item in answer.answers)
    if not normalize(question):
        assert answer.outcome is Outcome.EMPTY
    json.dumps(answer.to_json(), ensure_ascii=False).encode("utf-8")
    assert messages.text_answer(answer)


@BOUNDED
@given(
    st.lists(st.sampled_from(sorted(smalltalk())), min_size=1, max_size=6),
    st.lists(st.sampled_from(["", " ", "، ", "! ", "؟ ", "\u200f", "\u0651"]), min_size=6),
)
def test_any_run_of_small_talk_is_small_talk(
    asking: tuple[asyncio.AbstractEventLoop, Engine], words: list[str], glue: list[str]
) -> None:
    loop, engine = asking
    said = "".join(word + " " + joint for word, joint in zip(words, glue, strict=False))
    answer = loop.run_until_complete(engine.ask(said, record=False))
    assert answer.outcome is Outcome.SMALL_TALK and not answer.answers


# -- every reply ------------------------------------------------------------------------------


def _wording() -> dict[str, str]:
    """Every piece of wording a reply is made of, by name (dict entries as NAME[key])."""
    found: dict[str, str] = {}
    for module in (wording, messages):
        for name, value in vars(module).items():
            if not name.isupper():
                continue
            if isinstance(value, str):
                found[f"{module.__name__}.{name}"] = value
            elif isinstance(value, dict):
                found.update(
                    {
                        f"{module.__name__}.{name}[{k}]": v
                        for k, v in value.items()
                        if isinstance(v, str)
                    }
                )
    return found


WORDING = _wording()


def test_the_walk_finds_every_template() -> None:
    with_fields = {name for name, text in WORDING.items() if render.fields(text)}
    assert "bot.telegram.wording.CHANNEL_NOT_FOUND" in with_fields
    assert "bot.telegram.wording.UNKNOWN_TOPIC" in with_fields
    assert "bot.messages.SMALL_TALK" in WORDING and len(with_fields) >= 15


@pytest.mark.parametrize("name", sorted(WORDING))
@settings(BOUNDED, max_examples=15)
@given(value=hostile)
def test_every_template_escapes_what_it_is_given(name: str, value: str) -> None:
    template = WORDING[name]
    fields = render.fields(template)
    parsed = accepted(render.say(template, **dict.fromkeys(fields, value)), tags=[])
    one_line = " ".join(render.strip_controls(value).split())
    if fields and len(one_line) < render.VALUE_SIZE:
        assert shown(one_line) in MARKS.sub("", parsed.text)
    if not fields:
        assert accepted(render.plain(template), tags=[]).text.replace("\u200f", "") == template


@BOUNDED
@given(value=hostile)
@example(value=HUGE)
def test_a_value_of_any_length_leaves_the_reply_within_the_limit(value: str) -> None:
    for template in WORDING.values():
        if render.fields(template):
            accepted(render.say(template, **dict.fromkeys(render.fields(template), value)), [])


def item(**values: object) -> AnswerItem:
    defaults: dict[str, object] = {
        "article_id": "a",
        "fact_id": "f",
        "score": 90.0,
        "statement": "حقيقة",
        "quotes": ("جملة",),
        "title": "عنوان",
        "url": "https://example.org/a",
        "published": "2024-06-19",
    }
    return AnswerItem(**{**defaults, **values})  # type: ignore[arg-type]


def links(url: str | None) -> list[str]:
    """The links a reply holds for a URL of the knowledge: it, when it can be sent."""
    return [url] if url and render.can_link(url) else []


@BOUNDED
@given(
    hostile,
    st.lists(hostile, min_size=1, max_size=4),
    hostile,
    st.one_of(st.none(), hostile.map(lambda t: "https://example.org/" + t)),
    st.one_of(st.none(), hostile),
)
@example("حقيقة " * 3000, ["&" * 5000, "😀" * 3000], "<b>" * 2000, None, None)
@example(HUGE, [HUGE], HUGE, "https://example.org/" + "&" * 3000, HUGE)
def test_an_answer_is_valid_html_within_the_limit(
    statement: str, quotes: list[str], title: str, url: str | None, published: str | None
) -> None:
    shown_item = item(
        statement=statement, quotes=tuple(quotes), title=title, url=url, published=published
    )
    text = render.answer(shown_item)
    parsed = accepted(text)
    assert parsed.tags[0] == "b" and parsed.tags.count("blockquote") == len(quotes)
    assert set(parsed.tags) <= {"b", "blockquote", "a"}
    assert parsed.tags.count("a") <= 1
    if render.ELLIPSIS not in parsed.text:  # nothing had to be cut: everything is there
        visible = parsed.text
        for piece in (statement, title, *quotes):
            assert shown(piece) in visible
        assert parsed.links == links(url)
    header = accepted(render.article_header(shown_item))
    assert set(header.tags) <= {"b", "a"}


@BOUNDED
@given(st.lists(hostile, max_size=30), st.lists(st.integers(0, 10**9), max_size=30))
@example([HUGE] * 3, [1, 2, 3])
def test_lists_of_outside_values_are_escaped_and_cut_whole(
    names: list[str], counts: list[int]
) -> None:
    accepted(render.topics(list(zip(names, counts, strict=False))), tags=[])
    accepted(render.listing(render.say(wording.SUBSCRIPTIONS), names), tags=[])
    for name, count in zip(names, counts, strict=False):
        item = ReviewItem(name, name, count, 0.0, ("unanswered", name), (), ())
        candidate = ReviewCandidate("a", "f", name, name, None)
        accepted(cards.card(item, count, count + 1, [candidate]), tags=["b", "i"])
    accepted(render.reload_report(LoadReport(added=names, changed=names[:2], removed=names[:1])))
    problems = [KnowledgeError(n, c, n) for n, c in zip(names, counts, strict=False)]
    heading = render.say(wording.UPLOAD_REJECTED, name=names[0] if names else "")
    assert set(accepted(render.errors(heading, problems)).tags) <= {"code"}
    subscribers = {f"inactive: {n}": c for n, c in zip(names, counts, strict=False)}
    outbox = {"pending": 1, "sent": 2, "failed": 3}
    accepted(render.stats(dict(zip(names, counts, strict=False)), subscribers, outbox), tags=[])
    for name in names:
        label = render.label(name)
        assert "\n" not in label and len(label) <= 60


@BOUNDED
@given(
    hostile,
    st.lists(hostile, max_size=3),
    st.one_of(st.none(), hostile.map(lambda t: "https://example.org/" + t)),
    st.one_of(st.none(), hostile),
)
@example(HUGE, [HUGE, HUGE, HUGE], "https://example.org/" + HUGE, HUGE)
def test_a_news_message_is_valid_html_within_the_limit(
    title: str, facts: list[str], url: str | None, published: str | None
) -> None:
    text = outbox.message(News("a", title, url, published, tuple(facts)))
    parsed = accepted(text)
    assert set(parsed.tags) <= {"b", "a"} and parsed.links == links(url)


@BOUNDED
@given(hostile, st.sampled_from(sorted(wording.DISTILL_ERRORS)))
@example(HUGE, "option")
def test_a_refused_draft_names_the_problem_escaped(problem: str, reason: str) -> None:
    parsed = accepted(drafts.refusal(DistillError(problem, reason=reason)))
    assert set(parsed.tags) <= {"code"}


def test_wording_is_filled_only_through_render() -> None:
    """`render.say` escapes what it fills in; a bare `.format` on wording would not."""
    telegram = Path(render.__file__).parent
    for path in telegram.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(wording|messages)\.[A-Z_]+(\[[^\]]*\])?\.format\(", source), path
