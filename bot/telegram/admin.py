"""Handlers for the editors (user ids in `admins`): reload, stats, unanswered, file uploads.

Everyone else is refused with one polite sentence that says nothing about the knowledge files.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Awaitable, Callable
from functools import wraps
from pathlib import Path

from telegram import Document, Update

from bot.engine import Engine, KnowledgeInvalid
from bot.knowledge import KNOWLEDGE_SUFFIXES, Article, KnowledgeError, read_text
from bot.store import LoadReport
from bot.telegram import render, wording
from bot.telegram.context import SanadContext
from bot.telegram.sending import reply

Handler = Callable[[Update, SanadContext], Awaitable[None]]
MAX_UPLOAD = 1024 * 1024  # bytes: a knowledge file is text; anything bigger is a mistake
UNANSWERED_DAYS = 30
UNANSWERED_LIMIT = 15


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
    subscribers, outbox = await engine.subscriptions.stats()
    await reply(update.effective_message, render.stats(await engine.stats(), subscribers, outbox))


@admins_only
async def unanswered_command(update: Update, context: SanadContext) -> None:
    """The most asked questions that found no answer lately: what editors should add."""
    assert update.effective_message is not None
    rows = await context.services.engine.unanswered(UNANSWERED_LIMIT, UNANSWERED_DAYS)
    await reply(update.effective_message, render.unanswered(rows, UNANSWERED_DAYS))


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
    content = bytes(await (await upload.get_file()).download_as_bytearray())
    _saved, text = await publish(context, name, content)
    return text


async def publish(context: SanadContext, name: str, content: bytes) -> tuple[bool, str]:
    """Save `content` as the knowledge file `name` and load it, only if valid; saved?, reply.

    Checked alone, then against the other files' ids. Uploads and published drafts both come
    here; the caller holds `upload_lock`.
    """
    engine = context.services.engine
    folder = engine.config.knowledge_dir
    target = folder / name
    display = str(target.relative_to(folder.parent))
    problems = await asyncio.to_thread(_problems, engine, content, display)
    if problems:
        return False, render.errors(render.say(wording.UPLOAD_REJECTED, name=name), problems)
    previous = target.read_bytes() if target.exists() else None
    await asyncio.to_thread(_write, target, content)
    try:
        report = await reload_knowledge(context)
    except KnowledgeInvalid as exc:  # the folder changed under us: put it back as it was
        await asyncio.to_thread(_restore, target, previous)
        return False, render.errors(render.say(wording.UPLOAD_REJECTED, name=name), exc.errors)
    saved = render.say(wording.UPLOAD_SAVED, name=name)
    return True, saved + "\n" + render.reload_report(report)


def _problems(engine: Engine, content: bytes, display: str) -> list[KnowledgeError]:
    """Errors of the uploaded file on its own, then ids it would share with other files."""
    if len(content) > MAX_UPLOAD:
        return [KnowledgeError(display, 1, "the file is too big")]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [KnowledgeError(display, 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    articles, errors = read_text(text, display)
    if errors:
        return errors
    try:
        current = engine.read_knowledge().articles
    except KnowledgeInvalid as exc:
        return exc.errors
    return _clashes(articles, current, display)


def _clashes(new: list[Article], current: list[Article], display: str) -> list[KnowledgeError]:
    elsewhere = {a.id: a.path for a in current if a.path != display}
    return [
        KnowledgeError(display, 1, f"duplicate article id '{a.id}' (also in {elsewhere[a.id]})")
        for a in new
        if a.id in elsewhere
    ]


def _write(target: Path, content: bytes) -> None:
    """Write atomically: a reload never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _restore(target: Path, previous: bytes | None) -> None:
    if previous is None:
        target.unlink(missing_ok=True)
    else:
        _write(target, previous)
