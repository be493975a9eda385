"""Every kind of button: the prefix its data starts with, and the guard that answers its press.

Telegram gives a pressed button's data (1-64 bytes) back to the bot. Each kind of button
starts its data with its own prefix, declared here once, and no prefix is the start of
another: each press matches the pattern of exactly one handler (bot/telegram/app.py), in
whatever order the handlers are registered. Data that starts with no prefix of ours (a forged
or broken client, a button from an older bot) goes to `unknown`.

Telegram's clients show a spinner on a pressed button until the bot answers the callback
query. A press whose data is empty or missing (a forged or broken client) is answered with
"no longer available" and goes no further: no handler ever reads empty data as a choice. A
handler that fails still answers, so the reader sees a note rather than a spinner.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any, TypeVar

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CallbackContext

from bot.telegram import wording

# Editors' and subscribers' buttons.
SUBSCRIBE = "s:"  # a topic under "unknown topic": subscribe to it (news.py)
PUBLISH = "d:"  # publish a distilled draft (drafts.py)
REVIEW = "r:"  # an action on a review card, by its ticket (review.py)
VOTE = "v:"  # 👍 or 👎 under an answer (review.py)
# Readers' buttons (keyboards.py makes them, readers.py shows what they name).
FACT = "f:"
ARTICLE = "a:"
TOPIC = "t:"
QUESTION = "q:"
SUGGESTED = "g:"  # a suggested fact, noted for the editors when pressed
KEY = "k:"  # data too long for a button, kept in memory behind this short key
READERS = (FACT, ARTICLE, TOPIC, QUESTION, SUGGESTED, KEY)
PREFIXES = (SUBSCRIBE, PUBLISH, REVIEW, VOTE, *READERS)


def pattern(*prefixes: str) -> re.Pattern[str]:
    """Data that starts with one of `prefixes`: a CallbackQueryHandler's pattern."""
    return re.compile("^(?:" + "|".join(map(re.escape, prefixes)) + ")")


# Data that starts with none of the prefixes.
UNKNOWN = re.compile("^(?!" + "|".join(map(re.escape, PREFIXES)) + ")")

Context = TypeVar("Context", bound=CallbackContext[Any, Any, Any, Any])
OnPress = Callable[[Update, Context], Coroutine[Any, Any, None]]


def always_answered(handler: OnPress[Context]) -> OnPress[Context]:
    """Run `handler` for a press with data; answer the press in every other case too."""

    @wraps(handler)
    async def guarded(update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        if not query.data:
            await query.answer(wording.GONE, show_alert=True)
            return
        try:
            await handler(update, context)
        except Exception:
            # Answered already, or too late to: the error handler still logs the failure.
            with contextlib.suppress(TelegramError):
                await query.answer(wording.FAILED, show_alert=True)
            raise

    return guarded


@always_answered
async def unknown(update: Update, context: CallbackContext[Any, Any, Any, Any]) -> None:
    """A press whose data no button of ours makes: it is no longer available."""
    query = update.callback_query
    assert query is not None
    await query.answer(wording.GONE, show_alert=True)
