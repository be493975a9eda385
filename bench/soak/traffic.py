"""The soak's updates: every kind a bot receives, mixed at random, each with what it owes.

`Traffic.next()` makes one update (a dict as Telegram sends it) and registers on the ledger
what the bot must send for it. The chats are a fixed cast: readers in private chats, groups
with one admin each, basic groups that become supergroups, channels where the bot is an
admin, one editor (the only admin), and the subscribers whose news is checked at the end.

Left out, because the current `sanad run` cannot read them (python-telegram-bot turns the
whole getUpdates batch into objects at once, so one such update stops polling): a message
that is not an object, a message without `chat`, a `date` that is not a number, an entity
without offset or length, a sticker or poll without its required fields. A `text` that is a
number is read, but its handler fails (an ERROR and an apology), so it is left out too.
"""

from __future__ import annotations

import collections
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fakebotapi import BOT_ID, FakeBotAPI

from bench.soak.ledger import Button, Ledger
from bot.telegram import wording

ADMIN = 1  # the editor: a private chat with the bot, the only id in `admins`
KNOWN_TOPICS = ("روسيا", "علوم", "فلك", "اقتصاد", "رياضة", "دبلوماسية", "معاهدات")
UNKNOWN_TOPICS = ("اليابان", "كرة السلة", "<b>موضوع</b> & <i>")
SMALL_TALK = ("مرحبا", "شكرا جزيلا", "السلام عليكم", "؟؟؟", "...")
FORGED = (
    "zzz", "f:x", "f:nope nope", "a:", "a:no-such-article", "t:", "t:لا موضوع", "q:",
    "k:zz", "r:forged", "v:1:7", "v:abc", "s:", "s: ؟", "g:", "g:no such thing", "x" * 64,
    "\u202e" * 10,
)  # fmt: skip
STICKER = {
    "file_id": "sticker-1",
    "file_unique_id": "u-sticker-1",
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
}
GROUP_ANONYMOUS_BOT = {"id": 1087968824, "is_bot": True, "first_name": "Group"}
MIGRATED = "Bad Request: group chat was upgraded to a supergroup chat"


@dataclass
class Group:
    """A group with one admin; a basic group may become a supergroup (a new id)."""

    id: int
    admin: int
    kind: str = "supergroup"
    present: bool = True  # the bot is a member

    @property
    def chat(self) -> dict[str, Any]:
        return FakeBotAPI.group(self.id, f"مجموعة {abs(self.id) % 1000}", self.kind)


@dataclass
class Cast:
    """Who takes part; ids far apart so a glance at one tells its role."""

    readers: list[int]
    groups: list[Group]
    subscribers: list[tuple[int, str | None]]  # private chats: (id, topic or None for all)
    subscriber_groups: list[Group]  # supergroups subscribed by their admin
    moving_groups: list[Group]  # basic groups, subscribed, that become supergroups
    channels: list[int]  # the bot is an admin; subscribed by a channel post

    @classmethod
    def make(cls, readers: int, groups: int, subscribers: int) -> Cast:
        return cls(
            readers=[10_000 + i for i in range(readers)],
            groups=[
                Group(-5_000_000 - i, 20_000 + i, "group")
                if i % 3 == 0
                else Group(-1_001_000_000_000 - i, 20_000 + i)
                for i in range(groups)
            ],
            subscribers=[(30_000 + i, None if i % 2 else "فلك") for i in range(subscribers)],
            subscriber_groups=[
                Group(-1_002_000_000_000 - i, 40_000 + i) for i in range(max(2, subscribers // 8))
            ],
            moving_groups=[
                Group(-3_000_000 - i, 50_000 + i, "group") for i in range(max(2, subscribers // 8))
            ],
            channels=[-1_004_000_000_000 - i for i in range(max(1, subscribers // 16))],
        )


@dataclass
class Traffic:
    """Makes the updates. `uploads` is turned off around the reload that brings the news."""

    api: FakeBotAPI
    ledger: Ledger
    cast: Cast
    questions: list[str]
    notes: Callable[[int], str]  # a valid knowledge file, version N
    rng: random.Random
    uploads: bool = True
    made: collections.Counter[str] = field(default_factory=collections.Counter)
    buttons: collections.deque[Button] = field(
        default_factory=lambda: collections.deque(maxlen=400)
    )
    skips: collections.deque[Button] = field(default_factory=lambda: collections.deque(maxlen=20))
    spent: collections.deque[Button] = field(default_factory=lambda: collections.deque(maxlen=20))
    blocked: set[int] = field(default_factory=set)
    moved: dict[int, int] = field(default_factory=dict)  # new chat id -> the group's first id
    ever_subscribed: set[int] = field(default_factory=set)
    versions: int = 0
    files: int = 0
    query_ids: int = 0
    queued: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # kind, update

    def __post_init__(self) -> None:
        self.ledger.on_button = self.keep_button
        self.everyone = self.cast.readers + [user for user, _ in self.cast.subscribers]
        for group in [*self.cast.groups, *self.cast.subscriber_groups, *self.cast.moving_groups]:
            self.api.set_member(group.id, group.admin, "administrator")
        for channel in self.cast.channels:
            self.api.set_member(channel, BOT_ID, "administrator", can_post_messages=True)
        self.mix: list[tuple[Callable[[], dict[str, Any] | None], float]] = [
            (self.private_question, 34),
            (self.group_question, 12),
            (self.group_chatter, 5),
            (self.reader_command, 8),
            (self.subscription_change, 4),
            (self.admin_command, 1.5),
            (self.button_press, 8),
            (self.stale_press, 1.5),
            (self.forged_press, 2),
            (self.inline_query, 6),
            (self.membership, 1.5),
            (self.migration, 0.3),
            (self.upload, 0.6),
            (self.channel_post, 1),
            (self.junk, 6),
        ]

    def keep_button(self, button: Button) -> None:
        """Buttons the bot sent, to press later (review cards' «skip» kept apart)."""
        if button.data.startswith("r:"):
            if button.label == wording.SKIP:
                self.skips.append(button)
        else:
            self.buttons.append(button)

    # -- picking --------------------------------------------------------------------------

    def next(self) -> dict[str, Any]:
        """One update of a kind drawn from the mix (a maker that cannot now yields to another)."""
        if self.queued:
            kind, update = self.queued.pop(0)
            self.made[kind] += 1
            return update
        makers, weights = zip(*self.mix, strict=True)
        while True:
            maker = self.rng.choices(makers, weights)[0]
            update = maker()
            if update is not None:
                self.made[maker.__name__] += 1
                return update

    def reader(self) -> int:
        """Anyone who writes to the bot in private (subscribers too), unless they blocked it."""
        while True:
            user = self.rng.choice(self.everyone)
            if user not in self.blocked:
                return user

    def group(self) -> Group:
        return self.rng.choice([g for g in self.cast.groups if g.present])

    def question(self) -> str:
        return self.rng.choice(self.questions)

    def private(self, user: int, text: str | None, **extra: Any) -> dict[str, Any]:
        return self.api.message(self.api.private(user), text, **extra)

    # -- questions --------------------------------------------------------------------------

    def private_question(self) -> dict[str, Any]:
        message = self.private(self.reader(), self.question())
        self.ledger.owe_reply(message, "question")
        return {"message": message}

    def group_question(self) -> dict[str, Any]:
        """/ask, a mention or a reply to the bot's own message, in a group."""
        group = self.group()
        user = self.api.user(self.rng.choice(self.cast.readers))
        how = self.rng.random()
        bot_message = self.api.messages.get((group.id, self.ledger.last_message.get(group.id)))
        if how < 0.3 and bot_message is not None:
            message = self.api.message(group.chat, self.question(), user=user, reply_to=bot_message)
        elif how < 0.4:  # an anonymous admin, posting as the group
            text = f"/ask {self.question()}"
            message = self.api.message(
                group.chat, text, user=GROUP_ANONYMOUS_BOT, sender_chat=group.chat
            )
        elif how < 0.65:
            text = f"@{self.api.me['username']} {self.question()}"
            message = self.api.message(group.chat, text, user=user)
        else:
            suffix = self.rng.choice(("", f"@{self.api.me['username']}"))
            message = self.api.message(group.chat, f"/ask{suffix} {self.question()}", user=user)
        self.ledger.owe_reply(message, "question")
        return {"message": message}

    def group_chatter(self) -> dict[str, Any]:
        """Talk among the members, and other bots' commands: the bot stays quiet."""
        group = self.group()
        user = self.api.user(self.rng.choice(self.cast.readers))
        text = self.rng.choice(
            (self.question(), "صباح الخير جميعًا", "/start@other_bot", "/help@other_bot", "@x")
        )
        message = self.api.message(group.chat, text, user=user)
        self.ledger.owe_silence(message)
        return {"message": message}

    # -- commands ---------------------------------------------------------------------------

    def reader_command(self) -> dict[str, Any]:
        command = self.rng.choice(("/start", "/help", "/topics", "/subscriptions", "/nosuch"))
        if self.rng.random() < 0.75:
            message = self.private(self.reader(), command)
            if command == "/subscriptions":
                self.ledger.owe_unquoted(message["chat"]["id"])
                return {"message": message}
        else:
            group = self.group()
            command = command.replace("/nosuch", "/ask")  # an empty /ask: how to ask
            user = self.api.user(self.rng.choice(self.cast.readers))
            message = self.api.message(group.chat, command, user=user)
        self.ledger.owe_reply(message, "command")
        return {"message": message}

    def subscription_change(self) -> dict[str, Any]:
        """Readers and group admins (and members who may not) subscribing and leaving."""
        verb = self.rng.choice(("/subscribe", "/subscribe", "/unsubscribe"))
        topic = self.rng.choice((None, None, *KNOWN_TOPICS, *UNKNOWN_TOPICS))
        text = f"{verb} {topic}" if topic else verb
        if self.rng.random() < 0.7:
            user = self.rng.choice(self.cast.readers)
            if user in self.blocked:
                return self.private_question()
            message = self.private(user, text)
            self.ledger.owe_unquoted(user)
            self.ever_subscribed.add(user)
            return {"message": message}
        group = self.group()
        admin = self.rng.random() < 0.6
        user = group.admin if admin else self.rng.choice(self.cast.readers)
        message = self.api.message(group.chat, text, user=self.api.user(user))
        if admin:
            self.ever_subscribed.add(self.first_id(group.id))
        self.ledger.owe_reply(message, "command")
        return {"message": message}

    def admin_command(self) -> dict[str, Any]:
        """/stats, /unanswered and a /reload that changes nothing; from anyone else, refused."""
        command = self.rng.choice(("/stats", "/stats", "/unanswered", "/unanswered", "/reload"))
        user = ADMIN if self.rng.random() < 0.3 else self.reader()
        if command == "/reload" and user == ADMIN and not self.uploads:
            command = "/stats"  # no second load while the news is being brought in
        message = self.private(user, command)
        self.ledger.owe_reply(message, "command")
        return {"message": message}

    def subscribe_everyone(self) -> list[dict[str, Any]]:
        """The subscribers whose news is checked: private chats, groups and channels."""
        updates = []
        for user, topic in self.cast.subscribers:
            message = self.private(user, f"/subscribe {topic}" if topic else "/subscribe")
            self.ledger.owe_unquoted(user)
            updates.append({"message": message})
        for group in [*self.cast.subscriber_groups, *self.cast.moving_groups]:
            message = self.api.message(group.chat, "/subscribe", user=self.api.user(group.admin))
            self.ledger.owe_reply(message, "command")
            updates.append({"message": message})
        for channel in self.cast.channels:
            post = self.api.message(self.api.channel(channel, "قناة أخبار"), "/subscribe فلك")
            self.ledger.owe_reply(post, "command")
            updates.append({"channel_post": post})
        self.ever_subscribed.update(self.subscriber_ids())
        return updates

    def subscriber_ids(self) -> set[int]:
        """Each subscriber chat by its first id (a group that moved keeps its first id here)."""
        return {
            *(user for user, _ in self.cast.subscribers),
            *(g.id for g in self.cast.subscriber_groups),
            *(self.first_id(g.id) for g in self.cast.moving_groups),
            *self.cast.channels,
        }

    def reload(self) -> dict[str, Any]:
        message = self.private(ADMIN, "/reload")
        self.ledger.owe_reply(message, "reload")
        return {"message": message}

    # -- buttons ----------------------------------------------------------------------------

    def query(self, user: dict[str, Any], data: str | None, **where: Any) -> dict[str, Any]:
        self.query_ids += 1
        query: dict[str, Any] = {"id": f"cq{self.query_ids}", "from": user, "chat_instance": "ci"}
        if data is not None:
            query["data"] = data
        query.update(where)
        message = where.get("message")
        self.ledger.owe_answer(query["id"], message["chat"]["id"] if message else None)
        return {"callback_query": query}

    def button_press(self) -> dict[str, Any] | None:
        """A button the bot sent, pressed by someone in that chat (or under an inline answer)."""
        if self.skips and self.rng.random() < 0.05:
            skip = self.skips.popleft()
            self.spent.append(skip)
            return self.press(skip, ADMIN)
        if not self.buttons:
            return None
        button = self.rng.choice(self.buttons)
        if button.chat_id is None:
            where = {"inline_message_id": f"inline-{self.query_ids}"}
            return self.query(self.api.user(self.reader()), button.data, **where)
        if button.chat_id in self.blocked or button.chat_id in self.moved_from:
            return None
        if button.chat_id > 0:
            presser = button.chat_id
        else:
            group = next((g for g in self.all_groups if g.id == button.chat_id), None)
            if group is None or not group.present:
                return None
            presser = group.admin
        if button.data == f"s:{button.label}":  # a topic: subscribes the chat, says so in it
            self.ledger.owe_unquoted(button.chat_id)
            self.ever_subscribed.add(self.first_id(button.chat_id))
        return self.press(button, presser)

    def press(self, button: Button, presser: int) -> dict[str, Any] | None:
        message = self.api.messages.get((button.chat_id, button.message_id))
        if message is None:
            return None
        return self.query(self.api.user(presser), button.data, message=message)

    def stale_press(self) -> dict[str, Any] | None:
        """Data that once worked: a spent review «skip», a key from before a restart, a vote."""
        how = self.rng.random()
        if how < 0.3 and self.spent:
            return self.press(self.rng.choice(self.spent), ADMIN)
        anchor = self.anchor()
        if anchor is None:
            return None
        data = f"k:{0x7FFF0000 + self.rng.randrange(1000):x}" if how < 0.65 else "v:999999999:1"
        return self.query(self.api.user(anchor["chat"]["id"]), data, message=anchor)

    def forged_press(self) -> dict[str, Any] | None:
        """Data no button of ours carries, or none at all, under a real message of ours."""
        anchor = self.anchor()
        if anchor is None:
            return None
        data = self.rng.choice((*FORGED, "", None))
        if data is not None and data.startswith("r:") and self.rng.random() < 0.5:
            return self.query(self.api.user(ADMIN), data, message=anchor)
        return self.query(self.api.user(anchor["chat"]["id"]), data, message=anchor)

    def anchor(self) -> dict[str, Any] | None:
        """A message the bot sent to a reader in private, to hang a press on."""
        private = [b for b in self.buttons if b.chat_id and b.chat_id > 0]
        if not private:
            return None
        button = self.rng.choice(private)
        return self.api.messages.get((button.chat_id, button.message_id))

    def inline_query(self) -> dict[str, Any]:
        self.query_ids += 1
        text = self.rng.choice((self.question(), self.question(), "", "  ", "ا" * 300))
        query = {
            "id": f"iq{self.query_ids}",
            "from": self.api.user(self.reader()),
            "query": text,
            "offset": "",
        }
        self.ledger.owe_answer(query["id"])
        return {"inline_query": query}

    # -- chats coming, going and moving -----------------------------------------------------

    @property
    def all_groups(self) -> list[Group]:
        return [*self.cast.groups, *self.cast.subscriber_groups, *self.cast.moving_groups]

    def first_id(self, chat_id: int) -> int:
        """A chat by its first id, whatever supergroup it became."""
        return self.moved.get(chat_id, chat_id)

    @property
    def moved_from(self) -> set[int]:
        return set(self.moved.values())

    def membership(self) -> dict[str, Any] | None:
        """The bot removed from a group or blocked by a reader, or let back in."""
        if self.rng.random() < 0.5:
            group = self.rng.choice(self.cast.groups)
            if group.present and not self.ledger.idle(group.id):
                return None  # a group is left only once its questions are answered
            group.present = not group.present
            chat, who = group.chat, group.admin
            new = "member" if group.present else self.rng.choice(("left", "kicked"))
        else:
            user = self.rng.choice(self.cast.readers)
            if user not in self.blocked and not self.ledger.idle(user):
                return None
            chat, who = self.api.private(user), user
            new = "member" if user in self.blocked else "kicked"
            self.blocked.symmetric_difference_update({user})
        bot = self.api.me
        old = {"status": "left" if new == "member" else "member", "user": bot}
        member: dict[str, Any] = {"status": new, "user": bot}
        if new == "kicked":
            member["until_date"] = 0
        change = {
            "chat": chat,
            "from": self.api.user(who),
            "date": int(time.time()),
            "old_chat_member": old,
            "new_chat_member": member,
        }
        return {"my_chat_member": change}

    def migration(self) -> dict[str, Any] | None:
        """A quiet basic group becomes a supergroup."""
        idle = [
            g
            for g in self.cast.groups
            if g.kind == "group" and g.present and self.ledger.idle(g.id)
        ]
        if not idle:
            return None
        first, second = self.migrate(self.rng.choice(idle))
        self.queued.append(("migration", second))
        return first

    def migrate(self, group: Group) -> list[dict[str, Any]]:
        """Both service messages Telegram sends; the old id then refuses every call."""
        old, new = group.id, -1_000_000_000_000 + group.id
        self.api.fail(old, 400, MIGRATED, parameters={"migrate_to_chat_id": new}, times=None)
        self.api.set_member(new, group.admin, "administrator")
        user = self.api.user(group.admin)
        to = self.api.message(group.chat, None, user=user, migrate_to_chat_id=new)
        group.id, group.kind = new, "supergroup"
        since = self.api.message(group.chat, None, user=user, migrate_from_chat_id=old)
        self.moved[new] = self.moved.get(old, old)
        return [{"message": to}, {"message": since}]

    # -- files ------------------------------------------------------------------------------

    def upload(self) -> dict[str, Any] | None:
        """Knowledge files from the editor (valid, invalid, not YAML, too big), or from others."""
        if not self.uploads:
            return None
        how = self.rng.random()
        user = ADMIN if how < 0.5 else self.reader()
        name, content, size = "soak-notes.yaml", b"", None
        if user == ADMIN and how < 0.25:
            self.versions += 1
            content = self.notes(self.versions).encode()
        elif user == ADMIN:
            name, content = self.rng.choice(INVALID_FILES)
            if name == "big.yaml":
                size = 10 * 1024 * 1024
        else:
            content = self.notes(0).encode()
        self.files += 1
        file_id = self.api.add_file(content, f"documents/upload-{self.files}")
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": name,
            "mime_type": "application/x-yaml",
            "file_size": size or len(content),
        }
        message = self.private(user, None, document=document)
        self.ledger.owe_reply(message, "upload")
        return {"message": message}

    # -- channels and junk ------------------------------------------------------------------

    def channel_post(self) -> dict[str, Any]:
        channel = self.api.channel(self.rng.choice(self.cast.channels), "قناة أخبار")
        if self.rng.random() < 0.5:
            post = self.api.message(channel, "/subscriptions")
            self.ledger.owe_reply(post, "command")
        else:
            post = self.api.message(channel, "خبر عاجل في القناة")
            self.ledger.owe_silence(post)
        return {"channel_post": post}

    def junk(self) -> dict[str, Any]:
        """Updates a bot must survive: unknown kinds and fields, empty and huge texts, stickers."""
        kind = self.rng.randrange(len(JUNK))
        self.made[f"junk: {JUNK[kind]}"] += 1
        user = self.reader()
        if kind == 0:
            return {"future_update_kind": {"id": self.rng.randrange(10**6), "x": [1, {"y": None}]}}
        if kind == 1:
            return {}  # an update_id and nothing else
        if kind == 2:
            return {"message": None}
        if kind == 3:  # a question with fields a later Bot API may add
            message = self.private(user, self.question(), future_field={"a": [1, 2]})
            self.ledger.owe_reply(message, "question")
            return {"message": message}
        if kind in (4, 5, 6):  # empty, blank or far too long: each gets its own reply
            text = ("", " \u200f\u200b ", "سؤال طويل " * 5_000)[kind - 4]
            message = self.private(user, text)
            self.ledger.owe_reply(message, "question")
            return {"message": message}
        if kind == 7:
            message = self.private(user, None, sticker=STICKER)
            self.ledger.owe_reply(message, "sticker")
            return {"message": message}
        if kind == 8:
            group = self.group()
            message = self.api.message(group.chat, None, sticker=STICKER)
            self.ledger.owe_silence(message)
            return {"message": message}
        if kind == 9:
            reaction = {"type": self.rng.choice(("emoji", "future_reaction")), "emoji": "👍"}
            return {
                "message_reaction": {
                    "chat": self.api.private(user),
                    "message_id": 1,
                    "user": self.api.user(user),
                    "date": int(time.time()),
                    "old_reaction": [],
                    "new_reaction": [reaction],
                }
            }
        if kind == 10:  # a chat of a type this bot does not know
            message = self.api.message({"id": 60_000, "type": "future_chat"}, self.question())
            self.ledger.owe_silence(message)
            return {"message": message}
        # A press without a sender.
        self.query_ids += 1
        query_id = f"cq{self.query_ids}"
        self.ledger.owe_answer(query_id)
        return {"callback_query": {"id": query_id, "chat_instance": "ci", "data": "zz"}}


JUNK = (
    "an update of an unknown kind",
    "an update_id alone",
    "message: null",
    "a question with unknown fields",
    "an empty text",
    "a blank text",
    "a 50,000-character text",
    "a sticker in private",
    "a sticker in a group",
    "a reaction",
    "a chat of an unknown type",
    "a press without a sender",
)
INVALID_FILES = (
    ("broken.yaml", b"id: [unclosed\ntitle: x\n"),
    ("missing.yaml", "id: missing-sentences\ntitle: \"خبر\"\n".encode()),
    ("clash.yaml", (
        b'id: sample-solar-eclipse\ntitle: "x"\nsentences:\n  - id: s1\n    text: "x"\n'
    )),
    ("source.yaml", (
        'id: bad-source\ntitle: "خبر"\nsentences:\n  - id: s1\n    text: "نص."\n'
        'facts:\n  - id: f1\n    statement: "حقيقة."\n    source: [s9]\n'
    ).encode()),
    ("notes.pdf", b"%PDF-1.4\n"),
    ("big.yaml", b"id: big\n"),
    ("binary.yaml", bytes(range(256))),
)  # fmt: skip
