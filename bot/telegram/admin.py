"""Handlers for the editors (user ids in `admins`): reload, stats, file uploads.

The review queue (/unanswered) is bot/telegram/review.py.

Everyone else is refused with one polite sentence that says nothing about the knowledge files.
"""

from __future__ import annotations

from functools import wraps
from pathlib import Path

from telegram import Document, Update

from bot import publishing
from bot.engine import KnowledgeInvalid
from bot.knowledge import KNOWLEDGE_SUFFIXES
from bot.records import LoadReport
from bot.telegram import cards, render, retry, wording
from bot.telegram.context import Handler, SanadContext
from bot.telegram.sending import reply

MAX_UPLOAD = publishing.MAX_SIZE
STATS_DAYS = 30  # the daily figures under /stats


def admins_only(handler: Handler) -> Handler:
    """Run `handler` for admins; tell anyone else, politely, that the command is not theirs."""

    @wraps(handler)
    async def guarded(update: Update, context: SanadContext) -> None:
        if context.services.is_admin(update):
            await handler(update, context)
        elif update.effective_message is not None:
            await reply(update.effective_message, render.plain(wording.ADMINS_ONLY))

    return guarded


@admins_only
async def reload_command(update: Update, context: SanadContext) -> None:
    """Re-read the knowledge folder; readers keep getting answers from the old one meanwhile."""
    assert update.effective_message is not None
    try:
        report = await reload_knowledge(context)
    except KnowledgeInvalid as exc:
        await reply(
            update.effective_message, render.errors(render.plain(wording.RELOAD_FAILED), exc.errors)
        )
        return
    await reply(update.effective_message, render.reload_report(report))


async def reload_knowledge(context: SanadContext) -> LoadReport:
    """The one way the bot reloads knowledge (a command or an upload)."""
    return await context.services.engine.reload()


@admins_only
async def stats_command(update: Update, context: SanadContext) -> None:
    """Articles, facts, questions today and in total, subscribers and the news outbox."""
    assert update.effective_message is not None
    engine = context.services.engine
    subscribers, outbox = await engine.subscription_stats()
    progress = await engine.vector_progress()
    meaning = (progress.done, progress.total) if engine.semantic else None
    text = render.stats(await engine.stats(), subscribers, outbox, meaning)
    daily = cards.daily(await engine.review.daily(STATS_DAYS))
    await reply(update.effective_message, text + "\n\n" + daily)


async def document(update: Update, context: SanadContext) -> None:
    """A file in a private chat: from an admin, a knowledge file to check, save and load."""
    message = update.effective_message
    assert message is not None and message.document is not None
    if not context.services.is_admin(update):
        await reply(message, render.plain(wording.FILES_REFUSED))
        return
    async with context.services.upload_lock:
        await reply(message, await _upload(context, message.document))


async def _upload(context: SanadContext, upload: Document) -> str:
    """A YAML file of a sensible size is downloaded and published."""
    name = Path(upload.file_name or "").name
    if Path(name).suffix not in KNOWLEDGE_SUFFIXES or name.startswith("."):
        return render.plain(wording.UPLOAD_NOT_YAML)
    if (upload.file_size or 0) > MAX_UPLOAD:
        return render.say(wording.UPLOAD_TOO_BIG, limit=MAX_UPLOAD // 1024)
    content = await retry.download(context.bot, upload)
    _saved, text = await publish(context, name, content)
    return text


async def publish(context: SanadContext, name: str, content: bytes) -> tuple[bool, str]:
    """Save `content` as the knowledge file `name` and load it, only if valid; saved?, reply.

    Uploads and published drafts both come here (bot/publishing.py checks, writes and
    loads); the caller holds `upload_lock`.
    """
    try:
        report = await context.services.engine.publish(name, content)
    except publishing.PublishRejected as exc:
        return False, render.errors(render.say(wording.UPLOAD_REJECTED, name=name), exc.errors)
    saved = render.say(wording.UPLOAD_SAVED, name=name)
    return True, saved + "\n" + render.reload_report(report)
