"""Every button press gets an answer, whatever its data.

Telegram's clients show a spinner on a pressed button until the bot answers the callback
query. A press whose data is empty or missing (a forged or broken client) is answered with
"no longer available" and goes no further: no handler ever reads empty data as a choice. A
handler that fails still answers, so the reader sees a note rather than a spinner.
"""

from __future__ import annotations

import contextlib
from functools import wraps

from telegram import Update
from telegram.error import TelegramError

from bot.telegram import wording
from bot.telegram.context import Handler, SanadContext


def always_answered(handler: Handler) -> Handler:
    """Run `handler` for a press with data; answer the press in every other case too."""

    @wraps(handler)
    async def guarded(update: Update, context: SanadContext) -> None:
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
