"""Handlers for readers: questions in private chats and groups, buttons, inline mode."""

from __future__ import annotations

import hashlib

from telegram import (
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ParseMode

from bot.engine import Answer, AnswerItem
from bot.messages import DECLINED
from bot.telegram import buttons, keyboards, render, review, wording
from bot.telegram.buttons import always_answered
from bot.telegram.context import SanadContext, Services
from bot.telegram.flood import Verdict
from bot.telegram.sending import NO_PREVIEW, edit, reply

MAX_BUTTONS = 12  # facts, articles or topics listed under one message
MENTIONS: list[str | None] = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]


async def start(update: Update, context: SanadContext) -> None:
    """Greet the reader and say how to ask."""
    assert update.effective_message is not None
    await reply(update.effective_message, render.plain(wording.START + "\n\n" + wording.HELP))


async def help_command(update: Update, context: SanadContext) -> None:
    """How to ask; admins also see their commands."""
    assert update.effective_message is not None
    text = wording.HELP
    if context.services.is_admin(update):
        text += "\n\n" + wording.HELP_ADMIN
    await reply(update.effective_message, render.plain(text))


async def topics(update: Update, context: SanadContext) -> None:
    """The topics the knowledge covers, most covered first, with buttons to browse them."""
    assert update.effective_message is not None
    services = context.services
    names = await services.engine.topics()
    markup = keyboards.topics([n for n, _ in names[:MAX_BUTTONS]], services.callback_data)
    await reply(update.effective_message, render.topics(names), markup if names else None)


async def ask_command(update: Update, context: SanadContext) -> None:
    """`/ask QUESTION`: the way to ask in a group (it works in private chats too).

    Also as the caption of a photo, which CommandHandler does not see: such a command is
    checked here to be for this bot.
    """
    message = update.effective_message
    assert message is not None
    text, commands = _said(message, [MessageEntity.BOT_COMMAND])
    command = next((value for entity, value in commands.items() if entity.offset == 0), "")
    _, _, addressee = command.partition("@")
    if addressee and addressee.casefold() != context.bot.username.casefold():
        return
    await answer_question(update, context, text[len(command) :])


async def private_text(update: Update, context: SanadContext) -> None:
    """In a private chat every text that is not a command is a question, a photo's caption too.

    The bot's own @name, typed out of habit from groups or inline mode, is no part of it.
    """
    message = update.effective_message
    assert message is not None
    if _sent_through_me(message, context.bot.id):
        return
    text, entities = _said(message)
    mentions = _own_mentions(entities, context.bot.id, context.bot.username)
    await answer_question(update, context, _without(text, mentions))


async def group_text(update: Update, context: SanadContext) -> None:
    """In a group: answer when mentioned or replied to, stay quiet otherwise."""
    message = update.effective_message
    assert message is not None
    question = _addressed(message, context.bot.id, context.bot.username)
    if question is not None and not _sent_through_me(message, context.bot.id):
        await answer_question(update, context, question)


def _sent_through_me(message: Message, bot_id: int) -> bool:
    """A result of our inline mode that the reader posted: our own answer, not a question."""
    return message.via_bot is not None and message.via_bot.id == bot_id


def _addressed(message: Message, bot_id: int, username: str) -> str | None:
    """The question when the message speaks to the bot (mention or reply), else None.

    A mention is `@username` or the bot's name linked to it (a text_mention, which some
    clients insert); the mentions are taken out of the question.
    """
    text, entities = _said(message)
    mentions = _own_mentions(entities, bot_id, username)
    if mentions:
        return _without(text, mentions)
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return text
    return None


def _said(
    message: Message, kinds: list[str | None] = MENTIONS
) -> tuple[str, dict[MessageEntity, str]]:
    """What the message says, its text or else its caption, with its entities of `kinds`."""
    if message.text is not None:
        return message.text, message.parse_entities(kinds)
    return message.caption or "", message.parse_caption_entities(kinds)


def _own_mentions(
    entities: dict[MessageEntity, str], bot_id: int, username: str
) -> list[MessageEntity]:
    """The mentions among `entities` (entity -> its text) that name this bot."""
    mention = f"@{username}".casefold()
    return [
        entity
        for entity, value in entities.items()
        if (entity.user.id == bot_id if entity.user else value.casefold() == mention)
    ]


def _without(text: str, entities: list[MessageEntity]) -> str:
    """`text` with the spans of `entities` cut out (their offsets count UTF-16 code units)."""
    units = text.encode("utf-16-le")
    for entity in sorted(entities, key=lambda e: e.offset, reverse=True):
        units = units[: 2 * entity.offset] + units[2 * (entity.offset + entity.length) :]
    return units.decode("utf-16-le")


async def not_text(update: Update, context: SanadContext) -> None:
    """A sticker, voice note or photo without a caption in a private chat: we read text only."""
    assert update.effective_message is not None
    await reply(update.effective_message, render.plain(wording.TEXT_ONLY))


async def unknown_command(update: Update, context: SanadContext) -> None:
    """A command we do not have, in a private chat: say so and show the help."""
    assert update.effective_message is not None
    text = wording.UNKNOWN_COMMAND + "\n\n" + wording.HELP
    await reply(update.effective_message, render.plain(text))


async def answer_question(update: Update, context: SanadContext, question: str) -> None:
    """Flood control, then the engine, then the reply to the question's message."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message is not None and user is not None and chat is not None
    services = context.services
    question = render.strip_controls(question).strip()
    if not question:
        await reply(message, render.plain(wording.ASK_USAGE))
        return
    verdict = services.flood.check(_asker(message, user.id))
    if verdict is not Verdict.ANSWER:
        if verdict is Verdict.WARN:
            await reply(message, render.plain(wording.SLOW_DOWN))
        return
    if len(question) > services.config.telegram.max_question:
        await reply(message, render.plain(wording.TOO_LONG))
        return
    answer = await services.engine.ask(question, _top(services), chat_id=chat.id, user_id=user.id)
    text, markup = await _rendered(services, answer)
    markup = await review.with_votes(services, answer, chat.id, markup)
    await reply(message, text, markup)


def _asker(message: Message, user_id: int) -> int:
    """Whose flood bucket a question counts against.

    Anonymous group admins and channels all arrive from the same placeholder users
    (GroupAnonymousBot, Channel_Bot); the chat they speak for tells them apart.
    """
    return message.sender_chat.id if message.sender_chat is not None else user_id


def _top(services: Services) -> int:
    return 1 + services.config.telegram.next_answers


async def _rendered(services: Services, answer: Answer) -> tuple[str, InlineKeyboardMarkup | None]:
    """An answer with its buttons, or the abstention with what we know instead."""
    if answer.outcome in DECLINED:  # small talk, or nothing asked: say how to ask
        return render.plain(DECLINED[answer.outcome]), None
    if answer.answered:
        best, *others = services.engine.shown(answer).answers
        return render.answer(best), keyboards.answer(best, others, services.callback_data)
    if answer.answers:
        markup = keyboards.suggested(answer.answers, answer.question, services.callback_data)
        return render.not_sure(), markup
    if not answer.suggestions:
        return render.not_found(False), None
    known = {name for name, _ in await services.engine.topics()}
    questions = [s for s in answer.suggestions if s not in known]
    topic_names = [s for s in answer.suggestions if s in known]
    markup = keyboards.suggestions(questions, topic_names, services.callback_data)
    return render.not_found(True), markup


@always_answered
async def button(update: Update, context: SanadContext) -> None:
    """A button under one of our messages: show what it names in place of the message."""
    query = update.callback_query
    assert query is not None and query.data
    services = context.services
    press = services.callback_data.decode(query.data)
    shown = await _show(update, context, press) if press else None
    if shown is None:
        await query.answer(wording.GONE, show_alert=True)
        return
    if isinstance(shown, str):
        await query.answer(shown, show_alert=True)
        return
    await query.answer()
    text, markup = shown
    await edit(query.edit_message_text, text, markup)


async def _show(
    update: Update, context: SanadContext, press: keyboards.Press
) -> tuple[str, InlineKeyboardMarkup | None] | str | None:
    """The message a press leads to; a string is a note to show instead; None: gone."""
    engine = context.services.engine
    data = context.services.callback_data
    if press.kind == buttons.FACT and len(press.args) == 2:
        item = await engine.item(*press.args)
        return (render.answer(item), keyboards.more(item, data)) if item else None
    if press.kind == buttons.ARTICLE:
        items = await engine.items_for(press.args[0])
        if not items:
            return None
        return render.article_header(items[0]), keyboards.facts(items[:MAX_BUTTONS], data)
    if press.kind == buttons.TOPIC:
        found = await engine.articles_about(press.args[0])
        if not found:
            return None
        rows = [(a.id, a.title) for a in found[:MAX_BUTTONS]]
        return render.topic_header(press.args[0]), keyboards.articles(rows, data)
    if press.kind == buttons.QUESTION:
        return await _pressed_question(update, context, press.args[0])
    if press.kind == buttons.SUGGESTED and len(press.args) == 3:
        return await _pressed_suggestion(update, context, *press.args)
    return None


async def _pressed_suggestion(
    update: Update, context: SanadContext, article_id: str, fact_id: str, question: str
) -> tuple[str, InlineKeyboardMarkup | None] | None:
    """A suggested fact's full answer; the tap is noted for the editors (review queue)."""
    engine = context.services.engine
    item = await engine.item(article_id, fact_id)
    if item is None:
        return None
    user, chat = update.effective_user, update.effective_chat
    await engine.review.record_suggestion(
        question, article_id, fact_id, chat.id if chat else None, user.id if user else None
    )
    return render.answer(item), keyboards.more(item, context.services.callback_data)


async def _pressed_question(
    update: Update, context: SanadContext, question: str
) -> tuple[str, InlineKeyboardMarkup | None] | str:
    services = context.services
    user, chat = update.effective_user, update.effective_chat
    assert user is not None
    if services.flood.check(user.id) is not Verdict.ANSWER:
        return wording.SLOW_DOWN
    answer = await services.engine.ask(
        question, _top(services), chat_id=chat.id if chat else None, user_id=user.id
    )
    return await _rendered(services, answer)


async def inline(update: Update, context: SanadContext) -> None:
    """`@bot QUESTION` in any chat: the best few answers, each sent as the rendered answer.

    Inline queries arrive while the reader is still typing, so they are not logged as
    questions; the reader can ask in a private chat when nothing fits. When unsure, the close
    facts are the results, under a button that says so.
    """
    query = update.inline_query
    assert query is not None
    services = context.services
    limit = services.config.telegram.max_question
    question = render.strip_controls(query.query).strip()[:limit]
    if not question:
        button = InlineQueryResultsButton(text=wording.INLINE_EMPTY, start_parameter="inline")
        await query.answer([], button=button, cache_time=300)
        return
    answer = await services.engine.ask(question, _top(services), record=False)
    if answer.outcome in DECLINED:
        button = InlineQueryResultsButton(text=wording.INLINE_EMPTY, start_parameter="inline")
        await query.answer([], button=button, cache_time=300)
        return
    if not answer.answered and not answer.answers:
        button = InlineQueryResultsButton(text=wording.INLINE_NOT_FOUND, start_parameter="ask")
        await query.answer([], button=button, cache_time=30)
        return
    results = [_inline_result(item, services) for item in services.engine.shown(answer).answers]
    if answer.answered:
        await query.answer(results, cache_time=60)
        return
    # Unsure: the close facts are offered under a button that says so, never as the answer.
    button = InlineQueryResultsButton(text=wording.INLINE_NOT_SURE, start_parameter="ask")
    await query.answer(results, button=button, cache_time=30)


def _inline_result(item: AnswerItem, services: Services) -> InlineQueryResultArticle:
    """One fact as an inline result: sent as its full answer, with its quote and source."""
    return InlineQueryResultArticle(
        id=_result_id(item),
        title=render.label(item.statement, 100),
        description=render.label(item.title, 100),
        input_message_content=InputTextMessageContent(
            render.answer(item), parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
        ),
        reply_markup=keyboards.more(item, services.callback_data),
    )


def _result_id(item: AnswerItem) -> str:
    """A stable id within Telegram's 64 bytes for one fact."""
    return hashlib.sha1(f"{item.article_id}\0{item.fact_id}".encode()).hexdigest()
