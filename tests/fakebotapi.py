"""A fake Telegram Bot API server for tests and benchmarks, spoken to over real HTTP.

It runs on 127.0.0.1 (a free port) in a thread with its own event loop, so synchronous tests,
async tests and scripts can all drive it. It answers `/bot<TOKEN>/<method>` with JSON, form and
multipart bodies the way the real server does (`{"ok": true, "result": ...}`, or an error body
with `error_code`, `description` and `parameters`), serves `getUpdates` long polling from
updates the test injects, serves files for `getFile`, records every call, and fails calls for a
chosen chat or method on demand (403, 429 with retry_after, 400 with migrate_to_chat_id, 500...),
or misbehaves the way a proxy or an overloaded server does: an HTML error page, a body that is
not JSON, a connection reset without an answer, an answer slower than the client waits.

    with FakeBotAPI() as api:
        ...start the bot with telegram.base_url = api.base_url...
        question = api.send_text(api.private(42), "متى ...؟")
        reply = api.wait_for("sendMessage", chat_id=42)
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import math
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from aiohttp import web

TOKEN = "123456789:TEST-token_for-the-fake-server-only"
BOT_ID = 123456789
BOT_USERNAME = "sanad_test_bot"

# Parameters whose form value is a plain string even when it looks like JSON ("123", "true").
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "query",
        "callback_query_id",
        "inline_query_id",
        "inline_message_id",
        "url",
        "secret_token",
        "description",
        "short_description",
        "name",
        "title",
        "file_id",
        "parse_mode",
        "next_offset",
        "language_code",
    }
)


@dataclass
class Call:
    """One request the bot made: method name, decoded parameters, uploaded files, when."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = 0.0
    index: int = -1  # its place in FakeBotAPI.calls, once recorded
    result: Any = None  # what the server answered, once it did
    ok: bool = False  # the server did what was asked (a message sent, a query answered)
    fault: str | None = None  # the kind of fault injected instead, if any

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def reply_to(self) -> int | None:
        """The message id this call replies to, whichever way the bot said it."""
        params = self.params.get("reply_parameters")
        if isinstance(params, dict):
            return params.get("message_id")
        return self.params.get("reply_to_message_id")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Every inline keyboard button of the call, row by row flattened."""
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]


# How a call can fail (Fault.kind).
JSON_ERROR = "json"  # Telegram's own error body: `code`, `description`, `parameters`
HTML_PAGE = "html"  # a proxy's error page with status `code`
BAD_JSON = "badjson"  # status 200 and a body that is not JSON
RESET = "reset"  # the connection is closed without an answer
SLOW = "slow"  # the answer comes after `delay` seconds
WRONG_RESULT = "result"  # status 200, ok, and a result of the wrong shape (a foreign server)
FAULT_KINDS = (JSON_ERROR, HTML_PAGE, BAD_JSON, RESET, SLOW, WRONG_RESULT)
ERROR_PAGE = (
    "<html>\r\n<head><title>{code} Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>{code} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass
class Fault:
    """An error the server returns instead of the result, `times` times (None: always).

    `processed` says whether the server still does what the call asked when its answer is
    lost (RESET, BAD_JSON) or comes too late for the client (SLOW). By default it does not:
    a proxy or a Bot API server in front drops a request whose client has gone.
    """

    code: int
    description: str
    parameters: dict[str, Any] | None = None
    times: int | None = 1
    methods: frozenset[str] | None = None
    kind: str = JSON_ERROR
    delay: float = 0.0
    processed: bool = False
    result: Any = None  # what a WRONG_RESULT answers


@dataclass
class FloodLimits:
    """Telegram's flood limits, enforced with a 429 when `limits=` is given to the server."""

    per_second: int = 30  # all chats together
    group_per_minute: int = 20  # one group or channel
    private_per_second: int = 1  # one private chat
    retry_after: int = 3
    sends: collections.deque[float] = field(default_factory=collections.deque)
    by_chat: dict[int, collections.deque[float]] = field(default_factory=dict)
    refused: int = 0

    def allows(self, chat_id: Any, now: float) -> bool:
        """Record a send and say whether it is within the limits (a refused one is not kept)."""
        chat = _chat_key(chat_id)
        private = isinstance(chat, int) and chat > 0
        window, most = (1.0, self.private_per_second) if private else (60.0, self.group_per_minute)
        recent = self.by_chat.setdefault(chat, collections.deque())
        for times, span in ((self.sends, 1.0), (recent, window)):
            while times and times[0] <= now - span:
                times.popleft()
        if len(self.sends) >= self.per_second or len(recent) >= most:
            self.refused += 1
            return False
        self.sends.append(now)
        recent.append(now)
        return True


# The fields Telegram always sends for an administrator (rights default to none).
ADMIN_RIGHTS: dict[str, bool] = dict.fromkeys(
    (
        "can_be_edited",
        "is_anonymous",
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_promote_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
    ),
    False,
)
SENDING = frozenset({"sendMessage", "sendDocument", "sendPhoto", "copyMessage", "forwardMessage"})


class FakeBotAPI:
    """The fake server. Use as a context manager, or call start() and stop()."""

    def __init__(
        self,
        token: str = TOKEN,
        bot_id: int = BOT_ID,
        username: str = BOT_USERNAME,
        max_wait: float = 30.0,
        limits: FloodLimits | None = None,
    ) -> None:
        self.token = token
        self.limits = limits
        self.me = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "سند",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.max_wait = max_wait
        self.port = 0
        self.calls: list[Call] = []
        self.faults: dict[Any, list[Fault]] = {}
        self.files: dict[str, tuple[str, bytes]] = {}
        self.chat_members: dict[tuple[int, int], dict[str, Any]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[tuple[Any, int], dict[str, Any]] = {}
        self.injected_at: dict[int, float] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._ids = itertools.count(10_000)
        self._lock = threading.Lock()
        self._recorded = threading.Condition(self._lock)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._new_update: asyncio.Condition | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._started = threading.Event()
        self._closing = False

    # -- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> FakeBotAPI:
        self._thread = threading.Thread(target=self._serve, name="fake-bot-api", daemon=True)
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("the fake Bot API server did not start")
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop = None

    def _serve(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._startup())
        self._started.set()
        self._loop.run_forever()
        self._loop.close()

    async def _startup(self) -> None:
        self._new_update = asyncio.Condition()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _shutdown(self) -> None:
        assert self._new_update is not None
        self._closing = True
        async with self._new_update:
            self._new_update.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- what tests inject -----------------------------------------------------------------

    def inject(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue one update for getUpdates; gives it the next update_id."""
        return self.inject_many([update])[0]

    def inject_many(self, updates: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Queue several updates at once (one wake-up of the long poll)."""
        now = time.monotonic()
        with self._lock:
            for update in updates:
                update["update_id"] = next(self._update_ids)
                self.injected_at[update["update_id"]] = now
                self._remember(update)
        self._call_in_loop(self._add_updates, updates)
        return updates

    async def _add_updates(self, updates: list[dict[str, Any]]) -> None:
        assert self._new_update is not None
        async with self._new_update:
            self._updates.extend(updates)
            self._new_update.notify_all()

    def _call_in_loop(self, func: Callable[..., Any], *args: Any) -> Any:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(func(*args), self._loop).result(10)

    def _remember(self, update: dict[str, Any]) -> None:
        for key in ("message", "edited_message", "channel_post"):
            message = update.get(key)
            if message and "chat" in message:  # a malformed one may lack it
                self.chats[message["chat"]["id"]] = message["chat"]
                self.messages[(message["chat"]["id"], message["message_id"])] = message

    def fail(
        self,
        target: Any,
        code: int = 500,
        description: str = "Internal Server Error",
        *,
        parameters: dict[str, Any] | None = None,
        times: int | None = 1,
        methods: tuple[str, ...] | None = None,
        kind: str = JSON_ERROR,
        delay: float = 0.0,
        processed: bool = False,
    ) -> None:
        """Make calls for `target` (a chat id, or a method name) fail with this error.

        getUpdates fails when it is about to answer, so the updates it would have carried
        stay queued for the next call, as they do on Telegram until their offset is confirmed.
        """
        assert kind in FAULT_KINDS, kind
        only = frozenset(methods) if methods else None
        fault = Fault(code, description, parameters, times, only, kind, delay, processed)
        with self._lock:
            self.faults.setdefault(target, []).append(fault)

    def garble(self, method: str, result: Any, *, times: int | None = 1) -> None:
        """Make `method` succeed with `result`, which is not what it returns (WRONG_RESULT)."""
        fault = Fault(200, "OK", times=times, kind=WRONG_RESULT, result=result)
        with self._lock:
            self.faults.setdefault(method, []).append(fault)

    def add_file(self, content: bytes, file_path: str = "documents/file.yaml") -> str:
        """Store a file the bot can fetch with getFile; returns its file_id."""
        file_id = f"file-{next(self._ids)}"
        with self._lock:
            self.files[file_id] = (file_path, content)
        return file_id

    def add_chat(self, chat: dict[str, Any]) -> None:
        """Make a chat known (for getChat) without a message from it."""
        with self._lock:
            self.chats[chat["id"]] = chat

    def set_member(self, chat_id: int, user_id: int, status: str, **extra: Any) -> None:
        """What getChatMember answers for (chat, user)."""
        with self._lock:
            self.chat_members[(chat_id, user_id)] = {"status": status, **extra}

    # -- building updates ------------------------------------------------------------------

    @staticmethod
    def user(user_id: int, first_name: str = "قارئ", username: str | None = None) -> dict:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        return user

    @staticmethod
    def private(user_id: int) -> dict[str, Any]:
        return {"id": user_id, "type": "private", "first_name": "قارئ"}

    @staticmethod
    def group(chat_id: int, title: str = "مجموعة", kind: str = "supergroup") -> dict[str, Any]:
        return {"id": chat_id, "type": kind, "title": title}

    @staticmethod
    def channel(chat_id: int, title: str = "قناة", username: str | None = None) -> dict:
        chat: dict[str, Any] = {"id": chat_id, "type": "channel", "title": title}
        if username:
            chat["username"] = username
        return chat

    def message(
        self,
        chat: dict[str, Any],
        text: str | None = None,
        *,
        user: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A message from `user` (default: the private chat's owner) with entities filled in."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
        }
        if chat["type"] != "channel":
            message["from"] = user or self.user(chat["id"])
        if text is not None:
            message["text"] = text
            entities = entities_of(text)
            if entities:
                message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(extra)
        return message

    def send_text(self, chat: dict[str, Any], text: str, **kwargs: Any) -> dict[str, Any]:
        """Inject a text message update; returns the message."""
        message = self.message(chat, text, **kwargs)
        key = "channel_post" if chat["type"] == "channel" else "message"
        self.inject({key: message})
        return message

    def send_document(
        self, chat: dict[str, Any], content: bytes, file_name: str, **kwargs: Any
    ) -> dict[str, Any]:
        """Inject a message carrying a document the bot can download."""
        file_id = self.add_file(content, f"documents/file_{next(self._ids)}")
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
            "mime_type": "application/x-yaml",
            "file_size": len(content),
        }
        message = self.message(chat, None, document=document, **kwargs)
        self.inject({"message": message})
        return message

    def press(self, user: dict[str, Any], message: dict[str, Any], data: str) -> dict[str, Any]:
        """Inject a callback query: `user` pressed the button `data` under `message`."""
        query = {
            "id": str(next(self._ids)),
            "from": user,
            "chat_instance": "ci",
            "data": data,
            "message": message,
        }
        self.inject({"callback_query": query})
        return query

    def press_inline(self, user: dict[str, Any], inline_message_id: str, data: str) -> dict:
        """Inject a callback query from a message sent through inline mode."""
        query = {
            "id": str(next(self._ids)),
            "from": user,
            "chat_instance": "ci",
            "data": data,
            "inline_message_id": inline_message_id,
        }
        self.inject({"callback_query": query})
        return query

    def inline_query(self, user: dict[str, Any], query: str) -> dict[str, Any]:
        """Inject an inline query (`@bot query` typed by `user`)."""
        inline = {"id": str(next(self._ids)), "from": user, "query": query, "offset": ""}
        self.inject({"inline_query": inline})
        return inline

    # -- what tests read ---------------------------------------------------------------------

    def mark(self) -> int:
        """The number of calls so far: pass as `after=` to look only at later calls."""
        with self._lock:
            return len(self.calls)

    def sent(self, method: str | None = None, *, chat_id: Any = None, after: int = 0) -> list[Call]:
        with self._lock:
            return [c for c in self.calls[after:] if _matches(c, method, chat_id)]

    def delivered(
        self, method: str | None = None, *, chat_id: Any = None, after: int = 0
    ) -> list[Call]:
        """The calls the server carried out (not those a fault stopped or that were refused)."""
        return [c for c in self.sent(method, chat_id=chat_id, after=after) if c.ok]

    def wait_for(
        self,
        method: str,
        *,
        chat_id: Any = None,
        after: int = 0,
        where: Callable[[Call], bool] | None = None,
        timeout: float = 10.0,
    ) -> Call:
        """The first call (after `after`) matching; raises AssertionError on timeout."""

        def wanted(call: Call) -> bool:
            return _matches(call, method, chat_id) and (where is None or where(call))

        found = self._wait(wanted, 1, after, timeout)
        if not found:
            seen = [(c.method, c.chat_id) for c in self.calls[after:]][-10:]
            raise AssertionError(f"no {method} to {chat_id} within {timeout}s; {seen}")
        return found[0]

    def wait_calls(self, method: str, count: int, *, after: int = 0, timeout: float = 10) -> list:
        """Wait until at least `count` calls of `method` were made; returns them."""
        found = self._wait(lambda call: call.method == method, count, after, timeout)
        if len(found) < count:
            raise AssertionError(f"{len(found)} of {count} {method} within {timeout}s")
        return found

    def _wait(
        self, wanted: Callable[[Call], bool], count: int, after: int, timeout: float
    ) -> list[Call]:
        """Calls after `after` that are wanted, once there are `count` (or at the timeout).

        Each wake-up looks only at the calls recorded since the last one, so waiting for
        many calls stays cheap for the server thread that shares the interpreter.
        """
        deadline = time.monotonic() + timeout
        found: list[Call] = []
        position = after
        with self._recorded:
            while True:
                found.extend(c for c in self.calls[position:] if wanted(c))
                position = len(self.calls)
                left = deadline - time.monotonic()
                if len(found) >= count or left <= 0:
                    return found
                self._recorded.wait(left)

    def assert_quiet(self, chat_id: Any, *, after: int, wait: float = 0.5) -> None:
        """Nothing was sent to chat_id after `after`, within `wait` seconds."""
        time.sleep(wait)
        sent = [c.method for c in self.sent(chat_id=chat_id, after=after)]
        assert not sent, f"expected silence in {chat_id}, got {sent}"

    # -- the HTTP side -----------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params, files = await _read_params(request)
        call = Call(method, params, files, time.monotonic())
        if method == "getUpdates":
            self._record(call)  # at once: a test waits for the bot to poll
            updates = await self._get_updates(params)
            with self._lock:
                fault = self._take_fault(method, None)
            act: Callable[[], web.Response] = lambda: self._polled(call, updates)  # noqa: E731
        else:
            with self._lock:
                fault = self._take_fault(method, params.get("chat_id")) or self._flood(
                    method, params.get("chat_id")
                )
            act = lambda: self._act(call)  # noqa: E731
        if fault is None:
            return act()
        return await self._misbehave(request, call, fault, act)

    async def _misbehave(
        self, request: web.Request, call: Call, fault: Fault, act: Callable[[], web.Response]
    ) -> web.StreamResponse:
        """Answer `call` the way `fault` says; `act` does what the call asked."""
        call.fault = fault.kind
        if fault.kind == SLOW:
            await asyncio.sleep(fault.delay)
            if fault.processed or not _gone(request):
                return act()
        elif fault.processed:
            act()
        if fault.kind == RESET:
            assert request.transport is not None
            request.transport.abort()
        self._record(call)
        if fault.kind == HTML_PAGE:
            page = ERROR_PAGE.format(code=fault.code)
            return web.Response(status=fault.code, text=page, content_type="text/html")
        if fault.kind == WRONG_RESULT:
            return _ok(fault.result)
        if fault.kind == BAD_JSON:
            return web.Response(
                text='{"ok": true, "result": {"message_id"', content_type="application/json"
            )
        return _error(fault.code, fault.description, fault.parameters)

    def _polled(self, call: Call, updates: list[dict[str, Any]]) -> web.Response:
        call.result, call.ok = updates, True
        self._record(call)
        return _ok(updates)

    def _act(self, call: Call) -> web.Response:
        """Do what the call asks and record it, with its result."""
        handler = getattr(self, f"_api_{call.method}", None)
        try:
            if handler is None:
                raise _ApiError(404, "Not Found: method not found")
            call.result = handler(call.params, call.files)
            call.ok = True
        except _ApiError as exc:
            call.result = {"error_code": exc.code, "description": exc.description}
            return _error(exc.code, exc.description)
        finally:
            self._record(call)
        return _ok(call.result)

    def _record(self, call: Call) -> None:
        if call.index >= 0:
            return
        with self._recorded:
            call.index = len(self.calls)
            self.calls.append(call)
            self._recorded.notify_all()

    def _flood(self, method: str, chat_id: Any) -> Fault | None:
        """A 429 when a send would break the flood limits (only with `limits=`)."""
        if self.limits is None or method not in SENDING:
            return None
        if self.limits.allows(chat_id, time.monotonic()):
            return None
        wait = self.limits.retry_after
        return Fault(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})

    def _take_fault(self, method: str, chat_id: Any) -> Fault | None:
        for target in (chat_id, method):
            if target is None:
                continue
            for fault in self.faults.get(_chat_key(target), []):
                if fault.methods is not None and method not in fault.methods:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times == 0:
                        self.faults[_chat_key(target)].remove(fault)
                return fault
        return None

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        assert self._new_update is not None
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = min(float(params.get("timeout") or 0), self.max_wait)
        deadline = time.monotonic() + timeout
        async with self._new_update:
            while True:
                if offset:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if self._updates or self._closing or time.monotonic() >= deadline:
                    return self._updates[:limit]
                try:
                    await asyncio.wait_for(
                        self._new_update.wait(), timeout=deadline - time.monotonic()
                    )
                except TimeoutError:
                    return self._updates[:limit]

    def _sent_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        _check_markup(params)
        chat_id = params["chat_id"]
        chat = self.chats.get(_chat_key(chat_id)) or _chat_for(chat_id)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self.me,
            **content,
        }
        reply_to = _reply_to(params)
        if reply_to is not None and (chat["id"], reply_to) in self.messages:
            message["reply_to_message"] = self.messages[(chat["id"], reply_to)]
        elif reply_to is not None and not _allows_no_reply(params):
            raise _ApiError(400, "Bad Request: message to be replied not found")
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        with self._lock:
            self.messages[(chat["id"], message["message_id"])] = message
        return message

    def _api_getMe(self, params: dict, files: dict) -> dict[str, Any]:
        return self.me

    def _api_sendMessage(self, params: dict, files: dict) -> dict[str, Any]:
        text = params.get("text", "")
        if not _shown_length(text, params.get("parse_mode")):
            raise _ApiError(400, "Bad Request: message text is empty")
        if _shown_length(text, params.get("parse_mode")) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        return self._sent_message(params, text=text)

    def _api_sendDocument(self, params: dict, files: dict) -> dict[str, Any]:
        if _shown_length(params.get("caption", ""), params.get("parse_mode")) > 1024:
            raise _ApiError(400, "Bad Request: message caption is too long")
        document = {"file_id": f"sent-{next(self._ids)}", "file_unique_id": "x", "file_size": 1}
        name = params.get("file_names", {}).get("document")
        if name is not None:
            document["file_name"] = name
        return self._sent_message(params, document=document)

    def _api_editMessageText(self, params: dict, files: dict) -> Any:
        _check_markup(params)
        if _shown_length(params.get("text", ""), params.get("parse_mode")) > 4096:
            raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        if "inline_message_id" in params:
            return True
        key = (_chat_key(params["chat_id"]), int(params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        message = {**message, "text": params["text"], "edit_date": int(time.time())}
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[key] = message
        return message

    def _api_editMessageReplyMarkup(self, params: dict, files: dict) -> Any:
        if "inline_message_id" in params:
            return True
        key = (_chat_key(params["chat_id"]), int(params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        message = {**message, "reply_markup": params.get("reply_markup")}
        self.messages[key] = message
        return message

    def _api_getFile(self, params: dict, files: dict) -> dict[str, Any]:
        found = self.files.get(params.get("file_id", ""))
        if found is None:
            raise _ApiError(400, "Bad Request: invalid file_id")
        path, content = found
        return {
            "file_id": params["file_id"],
            "file_unique_id": "u" + params["file_id"],
            "file_size": len(content),
            "file_path": path,
        }

    def _api_getChatMember(self, params: dict, files: dict) -> dict[str, Any]:
        key = (_chat_key(params["chat_id"]), int(params["user_id"]))
        member = self.chat_members.get(key, {"status": "member"})
        user = self.me if key[1] == self.me["id"] else self.user(key[1])
        defaults = {"administrator": ADMIN_RIGHTS, "creator": {"is_anonymous": False}}.get(
            member["status"], {}
        )
        return {"user": user, **defaults, **member}

    def _api_getChat(self, params: dict, files: dict) -> dict[str, Any]:
        key = _chat_key(params["chat_id"])
        chat = self.chats.get(key)
        if chat is None and isinstance(key, str) and key.startswith("@"):
            named = (c for c in self.chats.values() if c.get("username") == key[1:])
            chat = next(named, None)
        if chat is None:
            raise _ApiError(400, "Bad Request: chat not found")
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11}

    def _api_answerCallbackQuery(self, params: dict, files: dict) -> bool:
        return True

    def _api_answerInlineQuery(self, params: dict, files: dict) -> bool:
        results = params.get("results") or []
        if len(results) > 50 or len({r.get("id") for r in results}) != len(results):
            raise _ApiError(400, "Bad Request: RESULTS_TOO_MUCH or RESULT_ID_DUPLICATE")
        for result in results:
            _check_markup(result)
            content = result["input_message_content"]
            if _shown_length(content["message_text"], content.get("parse_mode")) > 4096:
                raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    def _api_setMyCommands(self, params: dict, files: dict) -> bool:
        return True

    def _api_deleteMyCommands(self, params: dict, files: dict) -> bool:
        return True

    def _api_setWebhook(self, params: dict, files: dict) -> bool:
        return True

    def _api_deleteWebhook(self, params: dict, files: dict) -> bool:
        return True

    def _api_sendChatAction(self, params: dict, files: dict) -> bool:
        return True

    def _api_close(self, params: dict, files: dict) -> bool:
        return True

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        """A file download, recorded as the method "download" (faults can target it)."""
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        call = Call("download", {"file_path": request.match_info["path"]}, at=time.monotonic())
        with self._lock:
            fault = self._take_fault("download", None)
        if fault is None:
            return self._download(call)
        return await self._misbehave(request, call, fault, lambda: self._download(call))

    def _download(self, call: Call) -> web.Response:
        found = [c for p, c in self.files.values() if p == call.params["file_path"]]
        call.ok = bool(found)
        self._record(call)
        return web.Response(body=found[0]) if found else web.Response(status=404)


class _ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str, parameters: dict | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Decode JSON, urlencoded and multipart bodies (plus the query string) alike."""
    params: dict[str, Any] = {k: _decode(k, v) for k, v in request.query.items()}
    files: dict[str, bytes] = {}
    if not request.can_read_body:
        return params, files
    kind = request.content_type
    if kind == "application/json":
        params.update(await request.json())
    elif kind == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            if part.filename is not None:  # type: ignore[union-attr]
                files[part.name or ""] = bytes(await part.read())  # type: ignore[union-attr]
                params.setdefault("file_names", {})[part.name or ""] = part.filename  # type: ignore[union-attr]
            else:
                params[part.name or ""] = _decode(part.name or "", await part.text())  # type: ignore[union-attr]
    else:
        form = await request.post()
        params.update({k: _decode(k, v) for k, v in form.items() if isinstance(v, str)})
    return params, files


def _decode(name: str, value: str) -> Any:
    """Form values carry JSON for everything but plain strings, as PTB and the real API do."""
    if name in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _gone(request: web.Request) -> bool:
    """The client closed the connection (it gave up waiting)."""
    return request.transport is None or request.transport.is_closing()


def _chat_key(chat_id: Any) -> Any:
    if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
        return int(chat_id)
    return chat_id


def _chat_for(chat_id: Any) -> dict[str, Any]:
    chat_id = _chat_key(chat_id)
    if isinstance(chat_id, int) and chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "قارئ"}
    if isinstance(chat_id, str):
        return {"id": -1000000000001, "type": "channel", "title": chat_id}
    return {"id": chat_id, "type": "supergroup", "title": "مجموعة"}


def _reply_to(params: dict[str, Any]) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict):
        return reply.get("message_id")
    value = params.get("reply_to_message_id")
    return int(value) if value is not None else None


def _check_markup(params: dict[str, Any]) -> None:
    """Telegram's limits on inline keyboards: 1-64 bytes of callback data, a text on each."""
    markup = params.get("reply_markup") or {}
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
                raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise _ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )


def _shown_length(text: str, parse_mode: str | None) -> int:
    """Telegram's length of a text after entity parsing; a 400 when its HTML is malformed."""
    if (parse_mode or "").upper() != "HTML":
        return _utf16_len(text)
    try:
        checker = parse_html(text)
    except AssertionError as exc:
        raise _ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
    return _utf16_len(checker.text)


def _allows_no_reply(params: dict[str, Any]) -> bool:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict) and "allow_sending_without_reply" in reply:
        return bool(reply["allow_sending_without_reply"])
    return bool(params.get("allow_sending_without_reply"))


def _matches(call: Call, method: str | None, chat_id: Any) -> bool:
    if method is not None and call.method != method:
        return False
    return chat_id is None or _chat_key(call.chat_id) == _chat_key(chat_id)


def entities_of(text: str) -> list[dict[str, Any]]:
    """Telegram's entities for a leading /command and @mentions, with UTF-16 offsets."""
    entities = []
    for kind, start, end in _spans(text):
        offset = _utf16_len(text[:start])
        entities.append({"type": kind, "offset": offset, "length": _utf16_len(text[start:end])})
    return entities


def _spans(text: str) -> Iterator[tuple[str, int, int]]:
    if text.startswith("/"):
        end = next((i for i, ch in enumerate(text) if ch.isspace()), len(text))
        yield "bot_command", 0, end
    position = 0
    while (start := text.find("@", position)) != -1:
        end = start + 1
        while end < len(text) and (
            text[end].isascii() and (text[end].isalnum() or text[end] == "_")
        ):
            end += 1
        before_ok = start == 0 or text[start - 1].isspace()
        if end - start > 5 and before_ok:
            yield "mention", start, end
        position = end
    return


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# -- the bot under test ------------------------------------------------------------------------


def _words_only(extra: str) -> str:
    """The test's extra config, matching by words unless it says otherwise.

    Answers must not change while vectors fill in the background; tests/test_telegram_meaning.py
    turns meaning on. `extra` may go on with `telegram:` keys, so its lines come first.
    """
    if "semantic" in extra:
        return extra
    if "\nmatching:\n" in f"\n{extra}":
        return f"\n{extra}".replace("\nmatching:\n", "\nmatching:\n  semantic: false\n", 1)[1:]
    return extra + "matching:\n  semantic: false\n"


class BotProcess:
    """`sanad run` as a real subprocess, configured to talk to a FakeBotAPI.

    The config file points `telegram.base_url` at the fake server; `config` adds YAML lines
    (for example `flood:\n  questions: 3`). Standard error goes to `root/bot.log`.
    """

    def __init__(
        self,
        api: FakeBotAPI,
        root: Path,
        *,
        admins: tuple[int, ...] = (),
        config: str = "",
        env: dict[str, str] | None = None,
        launcher: tuple[str, ...] = (sys.executable,),
        knowledge: Path | None = None,
    ) -> None:
        self.api = api
        self.launcher = launcher  # e.g. python -m pyinstrument ..., to profile the bot
        self.root = root
        self.admins = admins
        self.extra = config
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.config_path = root / "config.yaml"
        self.knowledge = knowledge or root / "knowledge"
        self.log_path = root / "bot.log"

    def write_knowledge(self, name: str, text: str) -> Path:
        path = self.knowledge / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def write_config(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.knowledge.mkdir(exist_ok=True)
        self.config_path.write_text(
            f"knowledge_dir: {self.knowledge}\n"
            "database: data/sanad.sqlite3\n"
            f"admins: {list(self.admins)}\n"
            "telegram:\n"
            f"  base_url: {self.api.base_url}\n"
            f"  base_file_url: {self.api.base_file_url}\n" + _words_only(self.extra),
            encoding="utf-8",
        )

    def start(
        self, wait: bool = True, timeout: float = 30, ready: str = "getUpdates"
    ) -> BotProcess:
        """Start the bot; with `wait`, return once it calls `ready` (it polls for updates)."""
        self.write_config()
        mark = self.api.mark()
        environment = {k: v for k, v in os.environ.items() if k != "SANAD_CONFIG"}
        environment["TELEGRAM_BOT_TOKEN"] = self.api.token
        environment.update(self.env or {})
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*self.launcher, "-m", "bot", "--config", str(self.config_path), "run"],
                cwd=self.root,
                env=environment,
                stdout=log,
                stderr=log,
            )
        if wait:
            try:
                self.api.wait_for(ready, after=mark, timeout=timeout)
            except AssertionError:
                self.stop()
                raise AssertionError(f"the bot did not start:\n{self.log()}") from None
        return self

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        """Stop the bot with `sig` and return its exit status (killed after `timeout`)."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the bot did not stop on {sig}:\n{self.log()}") from None

    def wait(self, timeout: float = 30) -> int:
        assert self.process is not None
        return self.process.wait(timeout)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def __enter__(self) -> BotProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class KillReport:
    """What SIGKILL at random moments of bursts of questions did to the answers."""

    kills: int
    questions: int
    lost: int  # questions never answered
    doubled: int  # questions answered more than once
    # For each doubled question: seconds from its first answer to the SIGKILL that followed
    # (a little below 0 when the request was on its way as the signal went).
    in_flight: list[float] = field(default_factory=list)

    def __str__(self) -> str:
        line = f"kills={self.kills} questions={self.questions} lost={self.lost}"
        line += f" doubled={self.doubled}"
        if not self.in_flight:
            return line
        gaps = sorted(1000 * gap for gap in self.in_flight)
        middle = gaps[len(gaps) // 2]
        return f"{line} (sent {middle:.0f} ms median, {gaps[-1]:.0f} ms most before the kill)"


# The one-sentence article and the question it answers, for runs where what is asked does
# not matter: start-up, polling, crashes and restarts (tests and bench/kill_restart.py).
ONE_SENTENCE = """\
id: eclipse
title: "كسوف الشمس"
sentences:
  - id: s1
    text: "يحدث كسوف الشمس عندما يمر القمر بين الأرض والشمس."
"""
ONE_SENTENCE_QUESTION = "متى يحدث كسوف الشمس؟"


def one_sentence_bot(api: FakeBotAPI, root: Path, **kwargs: object) -> BotProcess:
    """A bot (not yet started) whose knowledge is the one-sentence article."""
    bot = BotProcess(api, root, **kwargs)  # type: ignore[arg-type]
    bot.write_knowledge("eclipse.yaml", ONE_SENTENCE)
    return bot


def kill_during_bursts(
    api: FakeBotAPI,
    bot: BotProcess,
    question: str,
    *,
    kills: int,
    burst: int,
    max_delay: float,
    seed: int | None = None,
    settle: float = 120.0,
) -> KillReport:
    """Send `kills` bursts of `burst` questions (one reader each) to a running bot; SIGKILL it
    a random 0..`max_delay` s into each burst and start it again; count the answers.

    An answer is a sendMessage the server carried out, replying to the question. Waits up to
    `settle` seconds for the last questions to be answered, and a moment more for late doubles.
    """
    rng = random.Random(seed)
    readers = itertools.count(1_000_000)
    asked: list[tuple[int, int]] = []
    kills_at: list[tuple[float, float]] = []  # (signal sent, process gone)
    mark = api.mark()
    for _ in range(kills):
        updates = [
            {"message": api.message(api.private(next(readers)), question)} for _ in range(burst)
        ]
        api.inject_many(updates)
        asked += [(u["message"]["chat"]["id"], u["message"]["message_id"]) for u in updates]
        time.sleep(rng.uniform(0, max_delay))
        signalled = time.monotonic()
        bot.stop(signal.SIGKILL)
        kills_at.append((signalled, time.monotonic()))
        bot.start(timeout=60)
    wanted = set(asked)
    answered: set[tuple[int, int]] = set()

    def answers(call: Call) -> bool:
        key = (_chat_key(call.chat_id), call.reply_to)
        if key in wanted:
            answered.add(key)
        return call.method == "sendMessage" and answered >= wanted

    api._wait(answers, 1, mark, settle)
    time.sleep(1.0)
    first: dict[tuple[int, int], float] = {}
    counts: collections.Counter[tuple[int, int]] = collections.Counter()
    for call in api.sent("sendMessage", after=mark):
        if not call.ok:
            continue
        key = (_chat_key(call.chat_id), call.reply_to)
        counts[key] += 1
        first.setdefault(key, call.at)
    doubled = [key for key in asked if counts[key] > 1]
    in_flight = [_before_kill(first[key], kills_at) for key in doubled]
    return KillReport(
        kills=kills,
        questions=len(asked),
        lost=sum(1 for key in asked if counts[key] == 0),
        doubled=len(doubled),
        in_flight=in_flight,
    )


def _before_kill(at: float, kills_at: list[tuple[float, float]]) -> float:
    """Seconds from `at` to the signal of the first kill whose process was gone after `at`."""
    signalled = min((sent for sent, gone in kills_at if gone >= at), default=math.inf)
    return signalled - at


# -- checking what the bot sent --------------------------------------------------------------

# The tags Telegram's HTML parse mode accepts.
TELEGRAM_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
        "a", "tg-emoji", "code", "pre", "blockquote",
    }
)  # fmt: skip


class TelegramHTML(HTMLParser):
    """Reads a message as Telegram's HTML parser would: known tags only, properly nested."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.parts: list[str] = []
        self.links: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in TELEGRAM_TAGS, f"<{tag}> is not a tag Telegram accepts"
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        self.stack.append(tag)
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> does not close {self.stack}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def parse_html(text: str) -> TelegramHTML:
    """Parse a text sent with parse_mode HTML; fail unless Telegram's parser would accept it."""
    checker = TelegramHTML()
    checker.feed(text)
    checker.close()
    assert not checker.stack, f"unclosed tags {checker.stack}"
    body = re.sub(r"<[^>]*>", "", text)
    assert "<" not in body and ">" not in body, "an unescaped < or > in the text"
    assert not re.search(r"&(?!(amp|lt|gt|quot|#x27|#39);)", body), "a bare & in the text"
    return checker


def check_html(text: str) -> TelegramHTML:
    """Parse a message sent with parse_mode HTML; fail unless Telegram would send it."""
    checker = parse_html(text)
    assert len(checker.text.encode("utf-16-le")) // 2 <= 4096, "longer than 4096"
    return checker


# A one-fact article with an editor's question, for bots whose readers need an answer to find
# (the hostile-input and less common reader tests).
TREATY = """\
id: treaty
title: "معاهدة بين بلدين"
topics: [معاهدات]
sentences:
  - id: s1
    text: "أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في 19 حزيران/ يونيو 2024 في بيونغ يانغ."
facts:
  - id: treaty-date
    statement: "أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في 19 حزيران/ يونيو 2024."
    questions: ["متى أبرمت معاهدة الشراكة الإستراتيجية الشاملة؟"]
    source: [s1]
"""
TREATY_QUESTION = "متى أبرمت معاهدة الشراكة الإستراتيجية الشاملة؟"
