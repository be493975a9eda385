"""The news sender: each new article, once, to every chat subscribed to it.

Deliveries are planned in the database when a load adds articles (see bot.store); the
sender drains that outbox at Telegram's pace: about 30 messages a second overall, 20 a
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
from typing import Any

from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.outbox import Outbox
from bot.records import Delivery
from bot.subscriptions import News
from bot.telegram import render, retry, wording
from bot.telegram.sending import NO_PREVIEW, seconds

LOG = logging.getLogger("sanad.news")

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
