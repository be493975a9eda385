"""What the bot owes for each update of the soak, set against what it sent to the fake server.

Every update the traffic injects registers what it must produce:

- a reply quoting its message, exactly one (questions, commands, stickers, uploads...);
- silence: no reply quoting it (group chatter, other bots' commands);
- a message in its chat without a quote (PTB quotes by default only outside private chats,
  so /subscribe and its kin answer a private chat unquoted), counted per chat;
- an answer to its callback query or inline query, exactly one.

The ledger reads the server's calls as they arrive (only those it carried out count), keeps
how many debts are still open, so the traffic can be paced by the bot's own speed, and at the
end lists every debt paid twice, never paid, or paid without being owed. News messages (📰)
are counted per chat and article title for the delivery check.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fakebotapi import Call, FakeBotAPI, check_html

NEWS_MARK = "📰"
SENDS = frozenset({"sendMessage", "sendDocument"})
Key = tuple[int, int]  # (chat id, message id)


def chat_key(chat_id: Any) -> Any:
    """Chat ids as the bot sent them (a number, or a string of one) as one int."""
    if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
        return int(chat_id)
    return chat_id


@dataclass
class Button:
    """A button the bot sent: where it is and what it carries."""

    chat_id: int | None  # None: under a message sent through inline mode
    message_id: int | None
    data: str
    label: str


@dataclass
class Ledger:
    """Debts registered by the traffic, and the server's calls that pay them."""

    api: FakeBotAPI
    on_button: Callable[[Button], None] = lambda button: None
    quoted: dict[Key, str] = field(default_factory=dict)  # owed a quoted reply: what it is
    silent: set[Key] = field(default_factory=set)
    unquoted: collections.Counter[int] = field(default_factory=collections.Counter)
    queries: dict[str, int | None] = field(default_factory=dict)  # query id -> its chat
    replies: collections.Counter[Key] = field(default_factory=collections.Counter)
    unquoted_got: collections.Counter[int] = field(default_factory=collections.Counter)
    answered: collections.Counter[str] = field(default_factory=collections.Counter)
    news: collections.Counter[tuple[int, str]] = field(default_factory=collections.Counter)
    texts: dict[Key, str] = field(default_factory=dict)  # the quoted reply's text
    refused: list[Call] = field(default_factory=list)  # calls the server did not carry out
    malformed: list[str] = field(default_factory=list)  # replies Telegram would refuse
    methods: collections.Counter[str] = field(default_factory=collections.Counter)
    last_message: dict[int, int | None] = field(default_factory=dict)  # the bot's, per chat
    open_by_chat: collections.Counter[int] = field(default_factory=collections.Counter)
    last_owed: dict[int, float] = field(default_factory=dict)  # monotonic time, per chat
    open: int = 0
    position: int = 0
    activity: int = 0  # calls other than getUpdates, seen so far

    # -- debts ----------------------------------------------------------------------------

    def owe_reply(self, message: dict[str, Any], kind: str) -> None:
        key = (message["chat"]["id"], message["message_id"])
        self.quoted[key] = kind
        self._opened(key[0])

    def owe_silence(self, message: dict[str, Any]) -> None:
        self.silent.add((message["chat"]["id"], message["message_id"]))

    def owe_unquoted(self, chat_id: int) -> None:
        self.unquoted[chat_id] += 1
        self._opened(chat_id)

    def owe_answer(self, query_id: str, chat_id: int | None = None) -> None:
        self.queries[query_id] = chat_id
        if chat_id is None:
            self.open += 1
        else:
            self._opened(chat_id)

    def _opened(self, chat_id: int) -> None:
        self.open += 1
        self.open_by_chat[chat_id] += 1
        self.last_owed[chat_id] = time.monotonic()

    def idle(self, chat_id: int, seconds: float = 3.0) -> bool:
        """Nothing owed in the chat, and nothing asked of it for a while.

        A button press is answered before its message is edited, so a chat with nothing owed
        may still have an edit on its way; a few quiet seconds cover it.
        """
        quiet = time.monotonic() - self.last_owed.get(chat_id, 0.0) > seconds
        return quiet and not self.open_by_chat[chat_id]

    def _paid(self, chat_id: int | None) -> None:
        self.open -= 1
        if chat_id is not None:
            self.open_by_chat[chat_id] -= 1

    # -- payments ---------------------------------------------------------------------------

    def absorb(self) -> None:
        """Read the calls the server recorded since the last look."""
        calls = self.api.sent(after=self.position)
        self.position += len(calls)
        for call in calls:
            if call.method == "getUpdates":
                continue
            self.activity += 1
            self.methods[call.method] += 1
            if not call.ok:
                self.refused.append(call)
            elif call.method in SENDS:
                self._sent(call)
            elif call.method in ("answerCallbackQuery", "answerInlineQuery"):
                self._answered(call)
            elif call.method == "editMessageText":
                self._harvest(call, chat_key(call.chat_id), call.params.get("message_id"))

    def _sent(self, call: Call) -> None:
        chat_id = chat_key(call.chat_id)
        shown = call.text
        if call.method == "sendMessage":
            try:
                shown = check_html(call.text).text
            except AssertionError as exc:
                self.malformed.append(f"chat {chat_id}: {exc}")
        self.last_message[chat_id] = int((call.result or {}).get("message_id", 0)) or None
        reply_to = call.reply_to
        if reply_to is not None:
            key = (chat_id, int(reply_to))
            self.replies[key] += 1
            self.texts.setdefault(key, call.text)
            if self.replies[key] == 1 and key in self.quoted:
                self._paid(chat_id)
        elif NEWS_MARK in call.text:
            title = shown.split("\n")[0].replace("\u200f", "")
            self.news[(chat_id, title.removeprefix(NEWS_MARK).strip())] += 1
        else:
            self.unquoted_got[chat_id] += 1
            if self.unquoted_got[chat_id] <= self.unquoted[chat_id]:
                self._paid(chat_id)
        self._harvest(call, chat_id, (call.result or {}).get("message_id"))

    def _answered(self, call: Call) -> None:
        query_id = str(call.params.get("callback_query_id") or call.params.get("inline_query_id"))
        self.answered[query_id] += 1
        if self.answered[query_id] == 1 and query_id in self.queries:
            self._paid(self.queries[query_id])
        for result in call.params.get("results") or []:
            for button in _buttons(result.get("reply_markup")):
                self.on_button(Button(None, None, button["callback_data"], button["text"]))

    def _harvest(self, call: Call, chat_id: int, message_id: Any) -> None:
        if message_id is None:
            return
        for button in call.buttons:
            if "callback_data" in button:
                self.on_button(
                    Button(chat_id, int(message_id), button["callback_data"], button["text"])
                )

    # -- the verdict --------------------------------------------------------------------------

    def owed(self) -> list[str]:
        """What is still owed, for a run that stalled."""
        found = [f"{kind} {key}" for key, kind in self.quoted.items() if not self.replies[key]]
        found += [f"query {q}" for q in self.queries if not self.answered[q]]
        found += [
            f"{n - self.unquoted_got[c]} messages to chat {c}"
            for c, n in self.unquoted.items()
            if n > self.unquoted_got[c]
        ]
        return found

    def problems(self, expected: Callable[[Call], bool] = lambda call: False) -> list[str]:
        """Every debt not paid exactly once, every payment nobody was owed.

        Calls the server refused are problems too, unless `expected` (Telegram refuses every
        call to a group's old id once it became a supergroup).
        """
        found: list[str] = []
        for key, kind in self.quoted.items():
            if self.replies[key] != 1:
                found.append(f"{kind} {key}: {self.replies[key]} replies")
        for key in self.silent:
            if self.replies[key]:
                found.append(f"chatter {key}: {self.replies[key]} replies, expected none")
        for key, count in self.replies.items():
            if key not in self.quoted and key not in self.silent:
                found.append(f"a reply nobody asked for, quoting {key} ({count}x)")
        for chat_id in set(self.unquoted) | set(self.unquoted_got):
            if self.unquoted[chat_id] != self.unquoted_got[chat_id]:
                found.append(
                    f"chat {chat_id}: {self.unquoted_got[chat_id]} unquoted messages, "
                    f"expected {self.unquoted[chat_id]}"
                )
        for query_id in self.queries:
            if self.answered[query_id] != 1:
                found.append(f"query {query_id}: answered {self.answered[query_id]} times")
        found.extend(
            f"query {q}: answered but never asked" for q in self.answered if q not in self.queries
        )
        found.extend(
            f"{c.method} to {c.chat_id} refused: {(c.result or {}).get('description', c.fault)}"
            for c in self.refused
            if not expected(c)
        )
        found.extend(f"malformed HTML: {m}" for m in self.malformed)
        return found

    def kinds(self) -> collections.Counter[str]:
        """How many quoted replies were owed, by kind."""
        return collections.Counter(self.quoted.values())


def _buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    rows = (markup or {}).get("inline_keyboard", [])
    return [b for row in rows for b in row if "callback_data" in b]
