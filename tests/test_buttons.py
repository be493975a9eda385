"""Button data: every kind's prefix is declared once, and each press has exactly one handler.

The handlers' order in bot/telegram/app.py must not matter for a button press: a press that
two patterns match would go to whichever was registered first.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import pytest
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st
from telegram import CallbackQuery, InlineKeyboardMarkup, Update, User
from telegram.ext import CallbackQueryHandler

from bot.engine import AnswerItem
from bot.telegram import app, buttons, drafts, keyboards, news, readers, review, wording

OWNERS: dict[str, Callable[..., Any]] = {
    buttons.SUBSCRIBE: news.subscribe_button,
    buttons.PUBLISH: drafts.publish_button,
    buttons.REVIEW: review.review_button,
    buttons.VOTE: review.vote_button,
    **dict.fromkeys(buttons.READERS, readers.button),
}
PRESS_HANDLERS = [h for h in app.handlers() if isinstance(h, CallbackQueryHandler)]


def press(data: str | None) -> Update:
    reader = User(7, "قارئ", is_bot=False)
    return Update(1, callback_query=CallbackQuery("1", reader, "ci", data=data))


def takers(data: str) -> list[Callable[..., Any]]:
    """The callbacks of every button handler that would take a press with this data."""
    update = press(data)
    return [h.callback for h in PRESS_HANDLERS if h.check_update(update)]


def test_no_prefix_is_the_start_of_another() -> None:
    assert len(set(buttons.PREFIXES)) == len(buttons.PREFIXES)
    for one in buttons.PREFIXES:
        for other in buttons.PREFIXES:
            assert one == other or not other.startswith(one), (one, other)


def test_every_prefix_has_its_handler() -> None:
    assert sorted(OWNERS) == sorted(buttons.PREFIXES)
    for prefix, owner in OWNERS.items():
        assert takers(prefix + "x") == [owner], prefix


@given(st.sampled_from(buttons.PREFIXES), st.text(max_size=62))
def test_data_with_a_prefix_goes_to_its_own_handler_only(prefix: str, rest: str) -> None:
    assert takers(prefix + rest) == [OWNERS[prefix]]


@given(st.text(min_size=1, max_size=64))
def test_any_data_goes_to_exactly_one_handler(data: str) -> None:
    taken = takers(data)
    assert len(taken) == 1, (data, taken)
    if not data.startswith(buttons.PREFIXES):
        assert taken == [buttons.unknown]


def item(fact_id: str) -> AnswerItem:
    return AnswerItem(
        "treaty-2024", fact_id, 80.0, "بيان " + fact_id, ("جملة",), "عنوان", None, None
    )


def data_of(markup: InlineKeyboardMarkup | None) -> list[str]:
    assert markup is not None
    return [str(b.callback_data) for row in markup.inline_keyboard for b in row]


def test_the_data_our_keyboards_make_goes_to_the_handler_of_its_kind() -> None:
    data = keyboards.CallbackData()
    long_question = "متى أبرمت روسيا وكوريا الشمالية معاهدة الشراكة الإستراتيجية الشاملة؟"
    made = {
        readers.button: [
            *data_of(keyboards.answer(item("a"), [item("b")], data)),
            *data_of(keyboards.articles([("treaty-2024", "عنوان")], data)),
            *data_of(keyboards.suggestions(["سؤال؟", long_question], ["علوم"], data)),
            *data_of(keyboards.suggested([item("c")], long_question, data)),
            *data_of(keyboards.suggested([item("d")], "عن ماذا؟", data)),
        ],
        news.subscribe_button: data_of(news._topic_buttons(["علوم", "روسيا"])),
    }
    for owner, made_data in made.items():
        for one in made_data:
            assert takers(one) == [owner], one


def callback_data_expressions() -> list[tuple[str, ast.expr, ast.Module]]:
    """Every button's `callback_data=...` in bot/telegram, with the module it is in."""
    found = []
    for path in sorted((REPO / "bot" / "telegram").glob("*.py")):
        module = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(module):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "InlineKeyboardButton":
                found.extend(
                    (f"{path.name}:{k.value.lineno}", k.value, module)
                    for k in node.keywords
                    if k.arg == "callback_data"
                )
    return found


def starts_with_a_prefix(value: ast.expr, module: ast.Module) -> bool:
    """Whether this expression's text begins with a prefix declared in bot/telegram/buttons.py:
    `PREFIX + ...`, `f"{PREFIX}..."`, `data.encode(PREFIX, ...)` or a helper returning one."""
    if isinstance(value, ast.Name):
        return getattr(buttons, value.id, None) in buttons.PREFIXES
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return starts_with_a_prefix(value.left, module)
    if isinstance(value, ast.JoinedStr) and isinstance(value.values[0], ast.FormattedValue):
        return starts_with_a_prefix(value.values[0].value, module)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        return value.func.attr == "encode" and starts_with_a_prefix(value.args[0], module)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        helpers = [
            n for n in module.body if isinstance(n, ast.FunctionDef) and n.name == value.func.id
        ]
        returns = [n for h in helpers for n in ast.walk(h) if isinstance(n, ast.Return)]
        return bool(returns) and all(
            r.value is not None and starts_with_a_prefix(r.value, module) for r in returns
        )
    return False


def test_every_button_the_bot_makes_starts_with_a_declared_prefix() -> None:
    found = callback_data_expressions()
    assert len(found) >= 8  # keyboards, topics to subscribe, drafts, review cards, votes
    unprefixed = [
        where for where, value, module in found if not starts_with_a_prefix(value, module)
    ]
    assert not unprefixed


class Bot:
    """Stands in for the Bot API: records how each press was answered."""

    def __init__(self) -> None:
        self.answers: list[dict[str, Any]] = []

    async def answer_callback_query(self, callback_query_id: str, **kwargs: Any) -> bool:
        self.answers.append(kwargs)
        return True


@pytest.mark.parametrize("data", ["", None])
@pytest.mark.parametrize("handler", PRESS_HANDLERS, ids=lambda h: h.callback.__name__)
async def test_every_button_handler_answers_a_press_without_data_the_same(
    handler: CallbackQueryHandler[Any, Any], data: str | None
) -> None:
    """Telegram's library hands a press without data to every button handler alike: whichever
    comes first answers it as gone."""
    update = press(data)
    assert handler.check_update(update)
    bot = Bot()
    assert update.callback_query is not None
    update.callback_query.set_bot(bot)  # type: ignore[arg-type]
    await handler.callback(update, None)  # type: ignore[arg-type]
    assert [(a["text"], a["show_alert"]) for a in bot.answers] == [(wording.GONE, True)]
