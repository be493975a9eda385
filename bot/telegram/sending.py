"""Sending replies: HTML, quoting the question, delivered despite Telegram's hiccups.

Transient failures (5xx, timeouts, 429...) are tried again below, for every call, by
bot.telegram.retry; here the answer still goes out when the group became a supergroup in
the meantime, or the question was deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def reply(
    message: Message, text: str, markup: InlineKeyboardMarkup | None = None, *, quote: bool = True
) -> Message:
    """Reply to `message` with HTML, in the chat the group moved to if it became a supergroup.

    The reply quotes `message` unless `quote` is False.
    """
    try:
        return await _send(message, text, markup, quote)
    except ChatMigrated as exc:  # the question's message is not in the new chat: no quote
        return await message.get_bot().send_message(
            exc.new_chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            link_preview_options=NO_PREVIEW,
        )


async def _send(
    message: Message, text: str, markup: InlineKeyboardMarkup | None, quote: bool
) -> Message:
    # Still answer when the question was deleted meanwhile, rather than fail.
    quoting = ReplyParameters(message.message_id, allow_sending_without_reply=True)
    return await message.reply_text(
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        link_preview_options=NO_PREVIEW,
        reply_parameters=quoting if quote else None,
        do_quote=False,  # no quote unless reply_parameters says so (PTB quotes in groups)
    )


def seconds(delay: int | float | dt.timedelta) -> float:
    """A retry_after as seconds, whether PTB gives it as a number or a timedelta."""
    return delay.total_seconds() if isinstance(delay, dt.timedelta) else float(delay)


async def edit(
    edit_text: Callable[..., Awaitable[Any]], text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Show `text` in place of a message (a message's or a button press's edit_text).

    A press that leads to what the message already shows is no error: Telegram says "not
    modified", and there is nothing to do.
    """
    try:
        await edit_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=NO_PREVIEW
        )
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise
