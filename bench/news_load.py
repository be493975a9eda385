"""News to 2,000 subscribed chats under Telegram's flood limits, against the fake Bot API.

Run by hand:  python -m bench.news_load [--chats 2000] [--per-second 30]

The fake server enforces Telegram's limits (30 messages a second overall, 20 a minute per
group or channel, one a second per private chat) and answers 429 past them. 2,000 chats —
private chats, groups and channels, subscribed to all news or to one topic — are in the
database before the bot starts; then three new articles arrive with one /reload. It reports
whether every delivery was made exactly once, how many 429s the server gave, and the time
from the reload to the last delivery against the limits' own minimum (deliveries / 30 s).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fakebotapi import BotProcess, FakeBotAPI, FloodLimits

from bot import config as configuration
from bot.engine import Engine

ADMIN = 1
TOPICS = ("اقتصاد", "علوم", "رياضة")
BASE = """\
id: base
title: "خبر أول"
topics: [اقتصاد, علوم, رياضة]
sentences:
  - id: s1
    text: "هذا خبر أول يعرّف الموضوعات."
"""
NEW = (("n1", "خبر اقتصادي جديد", "اقتصاد"), ("n2", "خبر علمي جديد", "علوم"))
NEW_MIXED = ("n3", "خبر رياضي واقتصادي", "رياضة, اقتصاد")


def article(article_id: str, title: str, topics: str) -> str:
    return (
        f'id: {article_id}\ntitle: "{title}"\ntopics: [{topics}]\n'
        f'sentences:\n  - id: s1\n    text: "نص {title}."\n'
    )


def chats(count: int) -> list[tuple[int, str, str | None]]:
    """(chat id, kind, topic or None for all news): 70 % private, 20 % groups, 10 % channels."""
    out = []
    for i in range(count):
        kind = "private" if i % 10 < 7 else "supergroup" if i % 10 < 9 else "channel"
        chat_id = 100_000 + i if kind == "private" else -1_000_000_000_000 - i
        topic = None if i % 4 == 0 else TOPICS[i % 3]
        out.append((chat_id, kind, topic))
    return out


def expected(subscribed: list[tuple[int, str, str | None]]) -> set[tuple[int, str]]:
    titles = {aid: (title, set(t.split(", "))) for aid, title, t in (*NEW, NEW_MIXED)}
    return {
        (chat_id, title)
        for chat_id, _, topic in subscribed
        for title, topics in titles.values()
        if topic is None or topic in topics
    }


async def subscribe_all(config_path: Path, subscribed: list[tuple[int, str, str | None]]) -> None:
    """Put the subscriptions in the database the way the bot's commands do."""
    async with Engine(configuration.load(config_path)) as engine:
        await engine.reload()
        for chat_id, kind, topic in subscribed:
            await engine.subscriptions.subscribe(chat_id, kind, f"chat {chat_id}", topic)


def delivered(api: FakeBotAPI, after: int) -> list:
    """News messages the server accepted (not the 429s, not the reply to /reload)."""
    return [
        c
        for c in api.sent("sendMessage", after=after)
        if "message_id" in (c.result or {}) and c.chat_id != ADMIN
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=2000)
    parser.add_argument("--per-second", type=float, default=30)
    args = parser.parse_args()
    limits = FloodLimits()
    subscribed = chats(args.chats)
    wanted = expected(subscribed)
    root = Path(tempfile.mkdtemp(prefix="sanad-news-"))
    with FakeBotAPI(limits=limits) as api:
        bot = BotProcess(
            api,
            root,
            admins=(ADMIN,),
            config=f"news:\n  per_second: {args.per_second}\n",
        )
        bot.write_knowledge("base.yaml", BASE)
        bot.write_config()
        asyncio.run(subscribe_all(bot.config_path, subscribed))
        with bot:
            for aid, title, topics in (*NEW, NEW_MIXED):
                bot.write_knowledge(f"{aid}.yaml", article(aid, title, topics))
            mark = api.mark()
            api.send_text(api.private(ADMIN), "/reload", user=api.user(ADMIN))
            api.wait_for("sendMessage", chat_id=ADMIN, after=mark)
            start = time.monotonic()
            deadline = start + 900
            while len(delivered(api, mark)) < len(wanted) and time.monotonic() < deadline:
                time.sleep(0.5)
            time.sleep(2)  # a late duplicate would show up here
            news = delivered(api, mark)
    end = max(c.at for c in news)
    made = collections.Counter(
        (c.chat_id, next(t for _, t, _ in (*NEW, NEW_MIXED) if t in c.text)) for c in news
    )
    once = set(made) == wanted and all(n == 1 for n in made.values())
    minimum = len(wanted) / 30
    took = end - start
    print(f"chats: {args.chats} | deliveries planned: {len(wanted)} | made: {sum(made.values())}")
    print(f"every delivery exactly once: {'yes' if once else 'NO'}")
    print(f"429s from the server: {limits.refused}")
    print(
        f"time from reload to last delivery: {took:.1f} s | limit's minimum: {minimum:.1f} s "
        f"| ratio: {took / minimum:.2f} (sender at {args.per_second}/s)"
    )
    return 0 if once else 1


if __name__ == "__main__":
    sys.exit(main())
