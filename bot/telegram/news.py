"""News for subscribed chats: the subscription commands, chat membership, and the sender.

Deliveries are planned in the database when a load adds articles (see bot.store); the
sender here drains that outbox at Telegram's pace: about 30 messages a second overall, 20 a
minute per group or channel and one a second per private chat. A 429 postpones only its own
chat (in the database, so a restart honours it too); a blocked or vanished chat stops
receiving; a group that became a supergroup keeps its subscriptions under the new id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

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
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.engine import Engine
from bot.outbox import Outbox
from bot.records import Delivery
from bot.subscriptions import ALL_NEWS, News, UnknownTopic
from bot.telegram import render, retry, wording
from bot.telegram.buttons import always_answered
from bot.telegram.context import SanadContext
from bot.telegram.sending import NO_PREVIEW, seconds
from bot.text import normalize

LOG = logging.getLogger("sanad.news")
SUBSCRIBE_BUTTON = "s:"
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
    topic = query.data.removeprefix(SUBSCRIBE_BUTTON)
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
            await _reply(message, refusal)
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
        await _reply(message, render.plain(refusal))
        return
    text, markup = await action(context.services.engine, target, topic)
    await _reply(message, text, markup)


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
        [InlineKeyboardButton(render.label(name), callback_data=SUBSCRIBE_BUTTON + name)]
        for name in names[:20]
        if len((SUBSCRIBE_BUTTON + name).encode("utf-8")) <= 64
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def _split_command(text: str, username: str | None) -> tuple[str, str]:
    """('subscribe', 'روسيا') from '/subscribe@sanad_bot روسيا'."""
    head, _, rest = text.strip().partition(" ")
    command, _, addressee = head.lstrip("/").partition("@")
    if addressee and username and addressee.lower() != username.lower():
        return "", ""
    return command.lower(), rest.strip()


async def _reply(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    await message.reply_text(
        text, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=NO_PREVIEW
    )


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
    """The bot was removed from a chat (or blocked in private): stop sending there."""
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None:
        return
    status = change.new_chat_member.status
    if status in GONE:
        reason = "blocked" if change.chat.type == ChatType.PRIVATE else "removed"
        await context.services.engine.chat_left(change.chat.id, reason)
        LOG.info("chat %s: %s", change.chat.id, reason)


async def migrated(update: Update, context: SanadContext) -> None:
    """A group became a supergroup: carry its subscriptions over to the new id."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    await context.services.engine.chat_migrated(message.chat.id, message.migrate_to_chat_id)
    LOG.info("chat %s migrated to %s", message.chat.id, message.migrate_to_chat_id)


# -- the sender -------------------------------------------------------------------------------


# Our clock and Telegram's differ by the network's jitter: keep this much below each limit.
MARGIN = 1.03


class Pace:
    """Telegram's flood limits, kept on our side so the server never has to say 429."""

    def __init__(self, per_second: float, group_per_minute: int, private_gap: float) -> None:
        self.gap = MARGIN / per_second
        self.group_per_minute = group_per_minute
        self.private_gap = private_gap * MARGIN
        self._last_send = 0.0
        self._recent: defaultdict[int, deque[float]] = defaultdict(deque)

    def chat_ready_at(self, chat_id: int, now: float) -> float:
        """The earliest time this chat may receive another message."""
        recent = self._recent.get(chat_id)
        if not recent:
            return now
        if chat_id > 0:  # a private chat: one message a second
            return max(now, recent[-1] + self.private_gap)
        while recent and recent[0] <= now - 60 * MARGIN:
            recent.popleft()
        if len(recent) < self.group_per_minute:
            return now
        return recent[0] + 60 * MARGIN

    async def wait_turn(self) -> None:
        """Space all sends evenly at the overall rate."""
        delay = self._last_send + self.gap - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        self._last_send = time.monotonic()

    def sent(self, chat_id: int) -> None:
        """Note a send to this chat, which its per-chat limit counts."""
        self._recent[chat_id].append(time.monotonic())


class Sender:
    """Drains the outbox; started in post_init, stopped (after the send in flight) at exit."""

    # ExtBot, not Bot: only it takes rate_limit_args, which tell our retrier to try once.
    def __init__(self, bot: ExtBot[dict[str, Any]], outbox: Outbox, pace: Pace) -> None:
        self.bot = bot
        self.outbox = outbox
        self.pace = pace
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start draining the outbox in the background."""
        self._task = asyncio.create_task(self._run(), name="sanad-news-sender")

    async def stop(self) -> None:
        """Stop after the send in flight, so it is recorded and never sent twice."""
        self._stop.set()
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                pause = await self._round()
            except Exception:  # a bad round must not end deliveries for good
                LOG.exception("news sender round failed")
                pause = 5.0
            if pause > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), timeout=pause)

    async def _round(self) -> float:
        """Send what is due and allowed now; how long to wait before looking again."""
        due = await self.outbox.due_deliveries(time.time(), 1000)
        if not due:
            return 1.0
        wait = 1.0
        texts: dict[str, str | None] = {}  # one article goes to many chats: render it once
        for delivery in due:
            if self._stop.is_set():
                return 0.0
            now = time.monotonic()
            ready = self.pace.chat_ready_at(delivery.chat_id, now)
            if ready > now:
                wait = min(wait, ready - now)
                continue
            if delivery.article_id not in texts:
                news = await self.outbox.news(delivery.article_id)
                texts[delivery.article_id] = message(news) if news is not None else None
            await self.pace.wait_turn()
            await self._deliver(delivery, texts[delivery.article_id])
            wait = 0.0
        return wait

    async def _deliver(self, delivery: Delivery, text: str | None) -> None:
        if text is None:
            await self.outbox.mark_failed(delivery.id, "the article was removed")
            return
        try:
            self.pace.sent(delivery.chat_id)
            await self.bot.send_message(
                delivery.chat_id,
                text,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                rate_limit_args=retry.ONCE,  # a failure postpones this chat, not the others
            )
        except RetryAfter as exc:
            until = time.time() + seconds(exc.retry_after)
            await self.outbox.postpone(delivery.id, delivery.chat_id, until, "429")
            LOG.warning("chat %s: 429, retry after %s", delivery.chat_id, exc.retry_after)
        except ChatMigrated as exc:
            await self.outbox.migrate_chat(delivery.chat_id, exc.new_chat_id)
            LOG.info("chat %s migrated to %s", delivery.chat_id, exc.new_chat_id)
        except Forbidden as exc:
            await self.outbox.deactivate_chat(delivery.chat_id, f"forbidden: {exc.message}")
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                await self.outbox.deactivate_chat(delivery.chat_id, "chat not found")
            else:
                await self.outbox.mark_failed(delivery.id, exc.message)
        except TelegramError as exc:  # network trouble: try this chat again a little later
            await self.outbox.postpone(delivery.id, delivery.chat_id, time.time() + 5, exc.message)
        else:
            await self.outbox.mark_sent(delivery.id)


def message(news: News) -> str:
    """The article's title, its key facts, its link, and a hint that readers can ask.

    Each piece is shortened so the whole always fits in one Telegram message.
    """
    rlm = render.RLM
    lines = [f"{rlm}📰 <b>{render.esc(render.shorten(news.title, 300))}</b>"]
    lines.extend(f"{rlm}• {render.esc(render.shorten(fact, 900))}" for fact in news.facts)
    if news.url and render.can_link(news.url):
        link = render.linked(render.esc(wording.READ_ARTICLE), news.url)
        published = render.shorten(news.published or "", render.DATE_SIZE)
        date = f" ({render.esc(published)})" if published else ""
        lines.append(f"{rlm}{link}{date}")
    lines.append(f"{rlm}{render.esc(wording.ASK_ABOUT_NEWS)}")
    return render.fit_lines(lines)
