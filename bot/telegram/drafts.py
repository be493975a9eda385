"""Admins turn a plain-text article into a draft knowledge file, review it, and publish it.

In a private chat an admin sends the article as a `.txt` document, or as `/distill` followed
by the text, or as `/distill` in reply to a message that holds it. Options as `sanad distill`
takes them (`--id`, `--url`, `--published`, `--topic`) go in the document's caption, or on
the command's first line. The bot answers with the draft as a YAML document named
`<article id>.yaml` and a button that publishes it as it is, through the same checks, save
and load as a knowledge file the admin uploads (`admin.publish`).

Any other text from an admin is a question like anyone's: a long message is not taken for an
article by guesswork, so an editor asking a long question still gets an answer.

The draft waits on disk, in `drafts/<key>/<id>.yaml` next to the database, and the button
carries the key (ten random hex digits), so a press after a restart still finds it. A
published draft is deleted; one never published is deleted after DRAFT_DAYS days, when a
later draft is made.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import shlex
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.distill import DistillError, distill
from bot.knowledge import Article, read_text
from bot.telegram import admin, render, retry, wording
from bot.telegram.buttons import PUBLISH, always_answered
from bot.telegram.context import SanadContext
from bot.telegram.sending import NO_PREVIEW, reply

DRAFT_DAYS = 7
CAPTION_TITLE = 200  # characters of the title in the caption (a caption holds 1024)
_KEY = re.compile(r"[0-9a-f]{10}")
_FLAGS = {"--id": "article_id", "--url": "url", "--published": "published", "--topic": "topics"}
# Phones turn a typed "--" into a dash; read it back as the "--" the editor meant.
_DASHES = re.compile(r"^[\u2012-\u2015]")
_QUOTES = str.maketrans("«»", '""')


@dataclass
class Options:
    """What `sanad distill` takes besides the text."""

    article_id: str | None = None
    url: str | None = None
    published: str | None = None
    topics: list[str] = field(default_factory=list)


def parse_options(line: str) -> Options:
    """`--id ID --url URL --published DATE --topic TOPIC ...` (also `--flag=value`).

    A value of several words is quoted, with "..." or «...». Only the names are checked
    here; distilling checks the values.
    """
    try:
        words = [_DASHES.sub("--", word) for word in shlex.split(line.translate(_QUOTES))]
    except ValueError as exc:  # an unclosed quotation mark
        raise DistillError(f"options: {exc}", reason="option") from None
    options = Options()
    pending = iter(words)
    for word in pending:
        flag, equals, value = word.partition("=")
        if flag not in _FLAGS:
            raise DistillError(f"unknown option '{word}'", reason="option")
        if not equals:
            value = next(pending, "")
        if not value:
            raise DistillError(f"option {flag} needs a value", reason="option")
        if flag == "--topic":
            options.topics.append(value)
        else:
            setattr(options, _FLAGS[flag], value)
    return options


def _is_options(line: str) -> bool:
    return _DASHES.sub("--", line.strip()).startswith("--")


@admin.admins_only
async def distill_command(update: Update, context: SanadContext) -> None:
    """`/distill` then the article, or `/distill` in reply to the article; options may follow."""
    message = update.effective_message
    assert message is not None
    rest = _after_command(message)
    replied = message.reply_to_message
    if replied is not None and replied.text:
        option_line, article = rest, replied.text
    else:
        first, _, body = rest.partition("\n")
        option_line, article = (first, body) if _is_options(first) else ("", rest)
    if not article.strip():
        await reply(message, render.plain(wording.DISTILL_USAGE))
        return
    await _draft(message, context, article, option_line)


def _after_command(message: Message) -> str:
    """The message's text after its leading `/distill` (or `/distill@botname`)."""
    text = message.text or ""
    command = next(
        (e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0),
        None,
    )
    return text[len(message.parse_entity(command)) :] if command else text


async def document(update: Update, context: SanadContext) -> None:
    """A `.txt` file in a private chat: an admin's article to draft; anyone else is refused."""
    message = update.effective_message
    assert message is not None and message.document is not None
    if not context.services.is_admin(update):
        await reply(message, render.plain(wording.FILES_REFUSED))
        return
    too_big = render.say(wording.UPLOAD_TOO_BIG, limit=admin.MAX_UPLOAD // 1024)
    if (message.document.file_size or 0) > admin.MAX_UPLOAD:
        await reply(message, too_big)
        return
    content = await retry.download(context.bot, message.document)
    if len(content) > admin.MAX_UPLOAD:
        await reply(message, too_big)
        return
    try:
        text = content.decode("utf-8-sig")  # editors' tools often start UTF-8 with a BOM
    except UnicodeDecodeError:
        await reply(message, render.plain(wording.DISTILL_NOT_UTF8))
        return
    await _draft(message, context, text, message.caption or "")


async def _draft(message: Message, context: SanadContext, text: str, option_line: str) -> None:
    """Distill the article, keep the draft on disk, send it back with the publish button."""
    try:
        options = parse_options(option_line)
        draft = await asyncio.to_thread(
            distill,
            text,
            article_id=options.article_id,
            url=options.url,
            published=options.published,
            topics=options.topics,
        )
    except DistillError as exc:
        await reply(message, refusal(exc))
        return
    articles, errors = read_text(draft, "draft.yaml")
    if errors or len(articles) != 1:  # distilling promises a valid draft of one article
        raise RuntimeError(f"the draft does not validate: {errors[:1]}")
    article = articles[0]
    name = f"{article.id}.yaml"
    key = await asyncio.to_thread(_keep, drafts_folder(context), name, draft)
    button = InlineKeyboardButton(wording.PUBLISH_DRAFT, callback_data=PUBLISH + key)
    await message.reply_document(
        draft.encode("utf-8"),
        filename=name,
        caption=caption(article),
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup([[button]]),
        reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
    )


def refusal(error: DistillError) -> str:
    """Why no draft was made, in Arabic; an invalid option is also named as it was typed."""
    text = render.plain(wording.DISTILL_ERRORS[error.reason])
    if error.reason == "option":
        text += f"\n<code>{render.esc(render.shorten(str(error), 500))}</code>"
    return text


def caption(article: Article) -> str:
    """What the draft holds, and what the editor should do with it."""
    text = render.say(
        wording.DRAFT_READY,
        title=render.shorten(article.title, CAPTION_TITLE),
        facts=len(article.facts),
        sentences=len(article.sentences),
    )
    unasked = sum(1 for fact in article.facts if not fact.questions)
    if unasked:
        text += "\n" + render.say(wording.DRAFT_UNASKED, count=unasked)
    return text


def drafts_folder(context: SanadContext) -> Path:
    """Drafts live beside the database, in a folder the bot may write to."""
    return context.services.config.database.parent / "drafts"


def _keep(folder: Path, name: str, draft: str) -> str:
    """Store the draft under a new key, after forgetting drafts older than DRAFT_DAYS."""
    _prune(folder)
    key = secrets.token_hex(5)
    place = folder / key
    place.mkdir(parents=True)
    (place / name).write_text(draft, encoding="utf-8")
    return key


def _prune(folder: Path) -> None:
    if not folder.is_dir():
        return
    oldest = time.time() - DRAFT_DAYS * 24 * 3600
    for place in folder.iterdir():
        if place.is_dir() and place.stat().st_mtime < oldest:
            shutil.rmtree(place, ignore_errors=True)


def _find(folder: Path, key: str) -> tuple[str, bytes] | None:
    """The draft's file name and content, or None when the key names no draft (any more)."""
    if not _KEY.fullmatch(key):
        return None
    found = sorted((folder / key).glob("*.yaml"))
    if len(found) != 1:
        return None
    return found[0].name, found[0].read_bytes()


@always_answered
async def publish_button(update: Update, context: SanadContext) -> None:
    """The publish button: the draft is checked, saved and loaded like an uploaded file."""
    query = update.callback_query
    assert query is not None
    if not context.services.is_admin(update):
        await query.answer(wording.ADMINS_ONLY, show_alert=True)
        return
    key = (query.data or "").removeprefix(PUBLISH)
    folder = drafts_folder(context)
    async with context.services.upload_lock:  # one publication or upload at a time
        found = await asyncio.to_thread(_find, folder, key)
        if found is None:
            await query.answer(wording.DRAFT_GONE, show_alert=True)
            return
        saved, text = await admin.publish(context, *found)
        if saved:
            await asyncio.to_thread(shutil.rmtree, folder / key, True)
    await query.answer()
    if saved and isinstance(query.message, Message):
        await _drop_button(query.message)
    await _report(update, context, text)


async def _drop_button(message: Message) -> None:
    """A published draft keeps its document but loses the button."""
    with contextlib.suppress(BadRequest):  # too old to edit; the draft is gone anyway
        await message.edit_reply_markup(None)


async def _report(update: Update, context: SanadContext, text: str) -> None:
    """The outcome, as a reply to the draft's message while it is still accessible."""
    query = update.callback_query
    assert query is not None
    if isinstance(query.message, Message):
        await reply(query.message, text)
        return
    chat = update.effective_chat
    await context.bot.send_message(
        chat.id if chat else query.from_user.id,
        text,
        parse_mode=ParseMode.HTML,
        link_preview_options=NO_PREVIEW,
    )
