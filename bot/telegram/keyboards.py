"""Inline keyboards under answers, and the callback data their buttons carry.

Telegram allows 64 bytes of callback data per button. A button's data names what to show —
a fact, an article's facts, a topic's articles, a question to ask — after its kind's prefix
(bot/telegram/buttons.py), directly when it fits;
longer data (Arabic questions, long ids) is kept in a bounded in-memory table and the button
carries its key. After a restart such a key is unknown and the reader is told to ask again.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.engine import AnswerItem
from bot.telegram import render, wording
from bot.telegram.buttons import ARTICLE, FACT, KEY, QUESTION, SUGGESTED, TOPIC

MAX_DATA = 64


@dataclass(frozen=True)
class Press:
    """What a pressed button asks for: a kind (the data's prefix) and its argument(s)."""

    kind: str
    args: tuple[str, ...]


class CallbackData:
    """Encodes and decodes button data; remembers the long ones (most recent `size`)."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._long: OrderedDict[str, str] = OrderedDict()
        self._keys = itertools.count(1)

    def encode(self, kind: str, *args: str) -> str:
        """Button data within Telegram's 64 bytes; longer data is kept here behind a short key."""
        data = kind + " ".join(args)
        if len(data.encode("utf-8")) <= MAX_DATA:
            return data
        key = f"{KEY}{next(self._keys):x}"
        self._long[key] = data
        if len(self._long) > self.size:
            self._long.popitem(last=False)
        return key

    def decode(self, data: str) -> Press | None:
        """The press, or None when the data is a key this process no longer knows."""
        if data.startswith(KEY):
            found = self._long.get(data)
            if found is None:
                return None
            data = found
        head, _, rest = data.partition(":")
        kind = head + ":"
        if kind in (QUESTION, TOPIC):
            return Press(kind, (rest,))
        if kind == SUGGESTED:  # article, fact, then the question, which has spaces
            return Press(kind, tuple(rest.split(" ", 2)))
        return Press(kind, tuple(rest.split(" ")))


def answer(
    item: AnswerItem, others: Iterable[AnswerItem], data: CallbackData
) -> InlineKeyboardMarkup:
    """Under an answer: the next best answers, then the rest of the article."""
    rows = [
        [InlineKeyboardButton(render.label(o.statement), callback_data=_fact(o, data))]
        for o in others
    ]
    rows.append([_more(item, data)])
    return InlineKeyboardMarkup(rows)


def more(item: AnswerItem, data: CallbackData) -> InlineKeyboardMarkup:
    """Under a fact shown from a button: the way back to its article."""
    return InlineKeyboardMarkup([[_more(item, data)]])


def facts(items: Iterable[AnswerItem], data: CallbackData) -> InlineKeyboardMarkup:
    """One button a fact: the reader picks which fact to read in full."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(render.label(i.statement), callback_data=_fact(i, data))]
            for i in items
        ]
    )


def articles(rows: Iterable[tuple[str, str]], data: CallbackData) -> InlineKeyboardMarkup:
    """One button per (article id, title)."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(render.label(title), callback_data=data.encode(ARTICLE, aid))]
            for aid, title in rows
        ]
    )


def topics(names: Iterable[str], data: CallbackData) -> InlineKeyboardMarkup:
    """One button a topic: the reader picks a topic instead of typing its name."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(render.label(n), callback_data=data.encode(TOPIC, n))]
            for n in names
        ]
    )


def suggestions(
    questions: Iterable[str], topic_names: Iterable[str], data: CallbackData
) -> InlineKeyboardMarkup:
    """After an abstention: near questions to ask, then topics to browse."""
    rows = [
        [InlineKeyboardButton(render.label(q), callback_data=data.encode(QUESTION, q))]
        for q in questions
    ]
    rows.extend(
        [InlineKeyboardButton(render.label(t), callback_data=data.encode(TOPIC, t))]
        for t in topic_names
    )
    return InlineKeyboardMarkup(rows)


def suggested(
    items: Iterable[AnswerItem], question: str, data: CallbackData
) -> InlineKeyboardMarkup:
    """When unsure: the closest facts, each shown in full when pressed (and noted)."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    render.label(i.statement),
                    callback_data=data.encode(SUGGESTED, i.article_id, i.fact_id, question),
                )
            ]
            for i in items
        ]
    )


def _fact(item: AnswerItem, data: CallbackData) -> str:
    return data.encode(FACT, item.article_id, item.fact_id)


def _more(item: AnswerItem, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        wording.MORE_FROM_ARTICLE, callback_data=data.encode(ARTICLE, item.article_id)
    )
