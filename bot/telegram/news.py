"""News for subscribed chats: the subscription commands and chat membership.

/subscribe, /unsubscribe and /subscriptions in a private chat, a group (its admins only) or
a channel (the bot must be an admin there, or the channel named from a private chat by
someone who administers it). A chat that blocks or removes the bot stops receiving; a group
that became a supergroup keeps its subscriptions under the new id. The sending itself is
bot/telegram/outbox.py.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import (
    Bot,
    Chat,
    ChatFullInfo,
    ChatMember,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import TelegramError

from bot.engine import Engine
from bot.subscriptions import ALL_NEWS, UnknownTopic
from bot.telegram import render, wording
from bot.telegram.buttons import SUBSCRIBE, always_answered
from bot.telegram.context import SanadContext
from bot.telegram.sending import reply
from bot.text import normalize

LOG = logging.getLogger("sanad.news")
MANAGERS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
GONE = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)


# -- commands ---------------------------------------------------------------------------------


async def subscribe(update: Update, context: SanadContext) -> None:
    """/subscribe [TOPIC] here, or /subscribe @channel [TOPIC] from a private chat."""
    await _change(update, context, _subscribe)


async def unsubscribe(update: Update, context: SanadContext) -> None:
    """/unsubscribe [TOPIC]: one topic, or everything when no topic is named."""
    await _change(update, context, _unsubscribe)


async def subscriptions(update: Update, context: SanadContext) -> None:
    """/subscriptions: what this chat (or the named channel) receives."""
    await _change(update, context, _list, manage=False)


async def channel_post(update: Update, context: SanadContext) -> None:
    """Commands posted in a channel arrive as channel posts, which CommandHandler skips."""
    message = update.channel_post
    if message is None or not message.text:
        return
    command, _ = _split_command(message.text, context.bot.username)
    action = {"subscribe": subscribe, "unsubscribe": unsubscribe, "subscriptions": subscriptions}
    if command in action:
        await action[command](update, context)


@always_answered
async def subscribe_button(update: Update, context: SanadContext) -> None:
    """A topic button under "unknown topic": subscribe this chat to that topic."""
    query = update.callback_query
    assert query is not None and query.data
    topic = query.data.removeprefix(SUBSCRIBE)
    if not isinstance(query.message, Message) or not normalize(topic):
        # An inline message has no chat to subscribe, and no button of ours names no topic.
        await query.answer(wording.GONE, show_alert=True)
        return
    message = query.message
    chat = message.chat
    if chat.type != ChatType.PRIVATE and not await _may_manage_here(
        context.bot, chat, update, message
    ):
        await query.answer(wording.SUBSCRIBE_ADMINS_ONLY, show_alert=True)
        return
    text, markup = await _subscribe(context.services.engine, chat, topic)
    await query.answer()
    await context.bot.send_message(chat.id, text, parse_mode=ParseMode.HTML, reply_markup=markup)


Reply = tuple[str, InlineKeyboardMarkup | None]
# The chat a command came from, or a channel named in it and looked up with getChat.
Target = Chat | ChatFullInfo
Action = Callable[[Engine, Target, str | None], Awaitable[Reply]]


async def _change(
    update: Update, context: SanadContext, action: Action, manage: bool = True
) -> None:
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or not message.text:
        return
    _, rest = _split_command(message.text, context.bot.username)
    target: Target = chat
    topic = rest or None
    if chat.type == ChatType.PRIVATE and rest.startswith("@"):
        name, _, topic_text = rest.partition(" ")
        channel, refusal = await _channel_for(context.bot, name, update)
        if channel is None:
            await reply(message, refusal, quote=False)
            return
        target = channel
        topic = topic_text.strip() or None
    elif (
        manage
        and chat.type != ChatType.PRIVATE
        and not await _may_manage_here(context.bot, chat, update, message)
    ):
        refusal = (
            wording.CHANNEL_BOT_NOT_ADMIN
            if chat.type == ChatType.CHANNEL
            else wording.SUBSCRIBE_ADMINS_ONLY
        )
        await reply(message, render.plain(refusal))
        return
    text, markup = await action(context.services.engine, target, topic)
    # In a private chat the reply simply follows the command; elsewhere it quotes the command.
    await reply(message, text, markup, quote=chat.type != ChatType.PRIVATE)


async def _subscribe(engine: Engine, chat: Target, topic: str | None) -> Reply:
    title = chat.title or chat.full_name or chat.username or ""
    try:
        added = await engine.subscribe(chat.id, chat.type, title, topic)
    except UnknownTopic as exc:
        return render.say(wording.UNKNOWN_TOPIC, topic=exc.topic), _topic_buttons(exc.known)
    if not added:
        return render.plain(wording.ALREADY_SUBSCRIBED), None
    key, label = await engine.resolve_topic(topic)
    done = wording.SUBSCRIBED_ALL if key == ALL_NEWS else wording.SUBSCRIBED
    return _done(chat, done, topic=label), None


async def _unsubscribe(engine: Engine, chat: Target, topic: str | None) -> Reply:
    removed = await engine.unsubscribe(chat.id, topic)
    if not removed:
        return render.plain(wording.NOT_SUBSCRIBED), None
    if topic is None:
        return _done(chat, wording.UNSUBSCRIBED_ALL), None
    return _done(chat, wording.UNSUBSCRIBED, topic=topic), None


async def _list(engine: Engine, chat: Target, topic: str | None) -> Reply:
    labels = await engine.chat_subscriptions(chat.id)
    if not labels:
        return render.plain(wording.NO_SUBSCRIPTIONS), None
    names = [wording.ALL_NEWS if label == ALL_NEWS else label for label in labels]
    return render.listing(_done(chat, wording.SUBSCRIPTIONS), names), None


def _done(chat: Target, template: str, **values: str) -> str:
    """The reply about a chat's subscriptions, naming the channel when managed from elsewhere."""
    if chat.type == ChatType.CHANNEL and chat.title:
        return render.say(template + " ({channel})", channel=chat.title, **values)
    return render.say(template, **values)


def _topic_buttons(names: Sequence[str]) -> InlineKeyboardMarkup | None:
    rows = [
        [InlineKeyboardButton(render.label(name), callback_data=SUBSCRIBE + name)]
        for name in names[:20]
        if len((SUBSCRIBE + name).encode("utf-8")) <= 64
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def _split_command(text: str, username: str | None) -> tuple[str, str]:
    """('subscribe', 'روسيا') from '/subscribe@sanad_bot روسيا'."""
    head, _, rest = text.strip().partition(" ")
    command, _, addressee = head.lstrip("/").partition("@")
    if addressee and username and addressee.lower() != username.lower():
        return "", ""
    return command.lower(), rest.strip()


# -- who may change a chat's subscriptions ----------------------------------------------------


async def _may_manage_here(bot: Bot, chat: Chat, update: Update, message: Message) -> bool:
    """Group admins may (an anonymous admin posts as the group itself).

    In a channel, the bot must be an admin that can post.
    """
    if chat.type == ChatType.CHANNEL:
        return await _bot_can_post(bot, chat.id)
    if message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    user = update.effective_user
    return user is not None and await _is_manager(bot, chat.id, user.id)


async def _channel_for(bot: Bot, name: str, update: Update) -> tuple[Target | None, str]:
    """The channel named in a private chat, when both the user and the bot administer it.

    Otherwise None and the refusal, ready to send.
    """
    try:
        chat = await bot.get_chat(name)
    except TelegramError:
        return None, render.say(wording.CHANNEL_NOT_FOUND, channel=name)
    if chat.type != ChatType.CHANNEL:
        return None, render.say(wording.CHANNEL_NOT_FOUND, channel=name)
    user = update.effective_user
    if user is None or not await _is_manager(bot, chat.id, user.id):
        return None, render.plain(wording.CHANNEL_USER_NOT_ADMIN)
    if not await _bot_can_post(bot, chat.id):
        return None, render.plain(wording.CHANNEL_BOT_NOT_ADMIN)
    return chat, ""


async def _is_manager(bot: Bot, chat_id: int, user_id: int) -> bool:
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except TelegramError:
        return False
    return member.status in MANAGERS


async def _bot_can_post(bot: Bot, chat_id: int) -> bool:
    try:
        member: ChatMember = await bot.get_chat_member(chat_id, bot.id)
    except TelegramError:
        return False
    if member.status == ChatMemberStatus.OWNER:
        return True
    return member.status == ChatMemberStatus.ADMINISTRATOR and bool(
        getattr(member, "can_post_messages", True)
    )


# -- chats coming and going -------------------------------------------------------------------


async def membership(update: Update, context: SanadContext) -> None:
    """The bot was removed from a chat (or blocked in private): stop sending there.

    Back in it (unblocked, added again), the chat's subscriptions, which /subscriptions still
    lists, apply again.
    """
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None:
        return
    status = change.new_chat_member.status
    if status in GONE:
        reason = "blocked" if change.chat.type == ChatType.PRIVATE else "removed"
        await context.services.engine.chat_left(change.chat.id, reason)
        LOG.info("chat %s: %s", change.chat.id, reason)
    elif change.old_chat_member.status in GONE:
        await context.services.engine.chat_returned(change.chat.id)
        LOG.info("chat %s: back", change.chat.id)


async def migrated(update: Update, context: SanadContext) -> None:
    """A group became a supergroup: carry its subscriptions over to the new id."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    await context.services.engine.chat_migrated(message.chat.id, message.migrate_to_chat_id)
    LOG.info("chat %s migrated to %s", message.chat.id, message.migrate_to_chat_id)
