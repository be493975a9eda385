"""Telegram HTML rendering: escaping, direction marks, Telegram's length limit."""

from __future__ import annotations

import pytest
from fakebotapi import check_html

from bot.engine import AnswerItem
from bot.knowledge import KnowledgeError
from bot.records import LoadReport
from bot.telegram import buttons, render
from bot.telegram.keyboards import MAX_DATA, CallbackData


def item(**changes: object) -> AnswerItem:
    values: dict[str, object] = {
        "article_id": "treaty",
        "fact_id": "date",
        "score": 90.0,
        "statement": "أُبرمت المعاهدة في 19 حزيران/ يونيو 2024.",
        "quotes": ("أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في 19 حزيران/ يونيو 2024.",),
        "title": "معاهدة بين بلدين",
        "url": "https://example.org/news/treaty?a=1&b=2",
        "published": "2024-06-19",
    }
    values.update(changes)
    return AnswerItem(**values)  # type: ignore[arg-type]


def test_an_answer_has_the_fact_the_quotes_verbatim_and_the_linked_title() -> None:
    shown = item(quotes=("الجملة الأولى.", "الجملة الثانية."))
    text = render.answer(shown)
    parsed = check_html(text)
    visible = parsed.text
    assert shown.statement in visible
    assert text.count("<blockquote>") == 2
    assert "الجملة الأولى." in visible and "الجملة الثانية." in visible
    assert parsed.links == ["https://example.org/news/treaty?a=1&b=2"]
    assert "&amp;b=2" in text  # the href is escaped too
    assert "2024-06-19" in visible and shown.title in visible


def test_an_answer_without_link_or_date_names_the_article_only() -> None:
    text = render.answer(item(url=None, published=None))
    parsed = check_html(text)
    assert parsed.links == []
    assert "معاهدة بين بلدين" in parsed.text


@pytest.mark.parametrize(
    "hostile",
    ["<b>x</b> & <script>alert(1)</script>", '"><a href="javascript:1">', "&amp; &lt;"],
)
def test_knowledge_text_is_escaped_everywhere(hostile: str) -> None:
    text = render.answer(item(statement=hostile, title=hostile, quotes=(hostile,)))
    parsed = check_html(text)
    assert "<script>" not in text and "<b>x" not in text
    assert parsed.text.count(hostile) == 3  # shown literally, three times


def test_every_line_starts_right_to_left() -> None:
    text = render.answer(item(statement="NATO قالت", title="2024: عام"))
    for line in text.split("\n"):
        assert line.replace("<blockquote>", "").replace("<b>", "").startswith(render.RLM)


def test_a_stray_direction_override_is_closed_within_its_piece() -> None:
    text = render.answer(item(statement="\u202eمقلوب", title="\u2067معزول"))
    assert "\u202eمقلوب\u202c" in text
    assert "\u2067معزول\u2069" in text


def test_strip_controls_removes_direction_controls_only() -> None:
    assert render.strip_controls("\u202eسؤال\u200f؟\u2066x\u2069") == "سؤال؟x"


def test_a_long_answer_is_cut_to_telegrams_limit_keeping_link_and_date() -> None:
    long_quote = "كلمة " * 3000
    text = render.answer(item(statement="حقيقة " * 1000, quotes=(long_quote, long_quote)))
    assert render.length(text) <= render.LIMIT
    parsed = check_html(text)
    visible = parsed.text
    assert render.ELLIPSIS in visible
    assert parsed.links and "2024-06-19" in visible


def test_the_limit_counts_escaped_and_astral_characters() -> None:
    text = render.answer(item(statement="&<>" * 2000, quotes=("😀" * 3000,)))
    assert render.length(text) <= render.LIMIT
    check_html(text)


def test_a_short_answer_is_never_cut() -> None:
    text = render.answer(item())
    assert render.ELLIPSIS not in text


def test_shorten_cuts_at_a_word_near_the_end() -> None:
    assert render.shorten("واحد اثنان ثلاثة أربعة", 19) == "واحد اثنان ثلاثة…"
    assert render.shorten("قصير", 10) == "قصير"
    assert len(render.shorten("x" * 100, 10)) == 10


def test_errors_are_listed_within_the_limit_with_a_count_of_the_rest() -> None:
    problems = [KnowledgeError("knowledge/a.yaml", n, "bad <thing> " * 20) for n in range(200)]
    text = render.errors("الأخطاء:", problems)
    assert render.length(text) <= render.LIMIT
    parsed = check_html(text)
    assert "knowledge/a.yaml:1: bad <thing>" in parsed.text
    assert "sanad validate" in parsed.text


def test_reload_report_counts_and_ids() -> None:
    report = LoadReport(added=["a<b"], changed=[], removed=["c"])
    text = render.reload_report(report)
    parsed = check_html(text)
    visible = parsed.text
    assert "+ a<b" in visible and "- c" in visible
    assert "أُضيف 1" in visible and "حُذف 1" in visible


def test_stats_shows_zero_subscribers_when_unknown() -> None:
    text = render.stats({"articles": 2, "facts": 5})
    assert "المحادثات المشتركة: 0" in text and "الأخبار: 2" in text


def test_stats_shows_subscribers_by_kind_stopped_chats_and_the_outbox() -> None:
    text = render.stats(
        {"articles": 2},
        {"channel": 1, "private": 2, "inactive: blocked": 3},
        {"pending": 4, "sent": 5, "failed": 6},
    )
    assert "المحادثات المشتركة: 3" in text
    assert "قنوات: 1" in text and "محادثات خاصة: 2" in text
    assert "(blocked): 3" in text
    assert "4 في الانتظار، 5 أُرسلت، 6 تعذّر إرسالها" in text


def test_callback_data_fits_telegrams_64_bytes_and_round_trips() -> None:
    data = CallbackData(size=2)
    short = data.encode(buttons.FACT, "treaty", "date")
    assert short == "f:treaty date"
    long_question = "متى أبرمت روسيا وكوريا الشمالية معاهدة الشراكة الإستراتيجية الشاملة؟"
    keyed = data.encode(buttons.QUESTION, long_question)
    assert len(keyed.encode()) <= MAX_DATA
    press = data.decode(keyed)
    assert press is not None and press.args == (long_question,)
    assert data.decode(short) is not None and data.decode(short).args == ("treaty", "date")  # type: ignore[union-attr]
    data.encode(buttons.QUESTION, long_question + "1")
    data.encode(buttons.QUESTION, long_question + "2")
    assert data.decode(keyed) is None  # forgotten: only the most recent are kept


def test_button_labels_are_one_short_line() -> None:
    assert render.label("سطر\nثانٍ " + "ط" * 100, 20).count("\n") == 0
    assert len(render.label("ط" * 100, 20)) == 20
