"""A soak test of `sanad run`: thousands of mixed updates against the fake Bot API.

`run(Settings(...))` starts the real bot as a subprocess over a copy of the shipped knowledge,
on 127.0.0.1 only, and feeds it updates of every kind (bench/soak/traffic.py) as fast as it
answers, keeping a bounded number of them unanswered at once. After the warm-up it reads the
bot's resident memory; halfway, with the traffic still flowing, an editor's /reload brings a
new article, which the subscribed chats must each receive once. At the end it checks that
every update got exactly what it owed (bench/soak/ledger.py), that the bot's log holds no
error, and that its memory stayed within 10 % of what it was after the warm-up.

`python -m bench.soak` runs 20,000 updates and prints the figures; tests/test_soak.py runs a
shorter one with the same checks.
"""

from __future__ import annotations

import collections
import json
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))

from fakebotapi import BotProcess, FakeBotAPI, check_html  # noqa: E402

from bench.soak.ledger import Ledger, chat_key  # noqa: E402
from bench.soak.traffic import ADMIN, SMALL_TALK, Cast, Traffic  # noqa: E402
from bot.knowledge import read_paths  # noqa: E402

SHIPPED = ROOT / "knowledge"
# Defaults, but no reader is ever refused by the flood gate: each question is owed a reply.
CONFIG = "flood:\n  questions: 100000\n"
NEWS_TITLE = "مذنب جديد يقترب من الأرض"
NEWS = f"""\
id: soak-comet
title: "{NEWS_TITLE}"
topics: [فلك, علوم]
sentences:
  - id: s1
    text: "رصد الفلكيون مذنبًا جديدًا سيقترب من الأرض في الخريف المقبل."
  - id: s2
    text: "ويمكن رؤية المذنب بالعين المجردة بعد غروب الشمس."
facts:
  - id: when
    statement: "يقترب المذنب الجديد من الأرض في الخريف المقبل."
    questions: ["متى يقترب المذنب من الأرض؟"]
    source: [s1]
  - id: seen
    statement: "يُرى المذنب بالعين المجردة بعد الغروب."
    questions: ["هل يمكن رؤية المذنب بالعين المجردة؟"]
    source: [s2]
"""
VAGUE = ("الطقس اليوم", "من القائد؟", "كم السعر؟", "ما الخطة؟", "من فاز؟", "كم المسافة؟")
UNANSWERABLE = ("ما عاصمة البرازيل؟", "من فاز بكأس العالم عام 1930؟", "كم عدد سكان القمر؟")
HOSTILE = ("<b>متى</b> & الكسوف؟", "متى\u202e الكسوف\u200b؟", "متى الكسوف؟\x00")
ERROR_LINE = re.compile(r" (ERROR|CRITICAL) |^Traceback ", re.MULTILINE)


def notes(version: int) -> str:
    """The knowledge file the editor keeps uploading: a changed article, never news."""
    return (
        'id: soak-notes\ntitle: "ملاحظات التحرير"\ntopics: [ملاحظات]\nsentences:\n'
        f'  - id: s1\n    text: "هذه الملاحظة رقم {version} من ملاحظات التحرير."\n'
    )


def questions() -> list[str]:
    """The editors' own questions, the new article's, vague, unanswerable and odd ones."""
    articles, errors = read_paths([SHIPPED])
    if errors:
        raise SystemExit(f"the shipped knowledge is invalid: {errors[0]}")
    editors = [q for a in articles for f in a.facts for q in f.questions]
    return [
        *editors,
        *(q.rstrip("؟") for q in editors[::3]),
        "متى يقترب المذنب من الأرض؟",
        *VAGUE,
        *UNANSWERABLE,
        *SMALL_TALK,
        *HOSTILE,
    ]


@dataclass
class Settings:
    """How long and how hard; the defaults are the full soak."""

    updates: int = 20_000
    warmup: int = 2_000  # updates before the first memory reading
    readers: int = 1_500
    groups: int = 30
    subscribers: int = 48  # private chats; groups and channels in proportion
    window: int = 64  # updates owed something and not yet answered, at most
    rate: float = 80.0  # updates a second at most: a few minutes for the full soak
    stall: float = 60.0  # seconds without a call from the bot while it owes one: give up
    deadline: float = 1800.0  # seconds for the whole run
    seed: int = 7


@dataclass
class Result:
    """The figures of one run; `problems` empty means every check held."""

    updates: int = 0
    kinds: collections.Counter[str] = field(default_factory=collections.Counter)
    owed: collections.Counter[str] = field(default_factory=collections.Counter)
    duration: float = 0.0
    replies: int = 0
    answers: int = 0  # replies to questions that quote an article
    calls: collections.Counter[str] = field(default_factory=collections.Counter)
    rss_warm: int = 0  # kB
    rss_end: int = 0
    rss_peak: int = 0
    rss_series: list[tuple[int, int]] = field(default_factory=list)  # (updates, kB)
    news_expected: int = 0
    news_to_subscribers: int = 0
    news_total: int = 0
    refused_moved: int = 0  # sends to a group's old id, refused as Telegram does
    reload_report: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: int = 0
    exit_status: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def growth(self) -> float:
        return (self.rss_end - self.rss_warm) / self.rss_warm if self.rss_warm else 0.0


class Stalled(Exception):
    """The bot owes replies and has made no call for `Settings.stall` seconds."""


def rss_kb(pid: int) -> int:
    """The process's resident set size (VmRSS), in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


class Memory:
    """Samples a process's RSS twice a second in a thread, for the peak."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="soak-rss", daemon=True)

    def __enter__(self) -> Memory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def now(self) -> int:
        value = rss_kb(self.pid)
        self.peak = max(self.peak, value)
        return value

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            try:
                self.now()
            except (OSError, RuntimeError):
                return  # the process is gone


class Driver:
    """Feeds the traffic to the bot at its own pace, with the warm-up and the news on cue."""

    def __init__(
        self,
        api: FakeBotAPI,
        bot: BotProcess,
        settings: Settings,
        progress: Callable[[str], None],
    ) -> None:
        self.api = api
        self.bot = bot
        self.settings = settings
        self.progress = progress
        self.ledger = Ledger(api)
        self.cast = Cast.make(settings.readers, settings.groups, settings.subscribers)
        self.traffic = Traffic(
            api, self.ledger, self.cast, questions(), notes, random.Random(settings.seed)
        )
        self.result = Result()
        self.started = 0.0
        self.deadline = 0.0
        self.reload_key: tuple[int, int] | None = None

    # -- pacing ---------------------------------------------------------------------------

    def inject(self, updates: list[dict[str, Any]], kind: str | None = None) -> None:
        self.api.inject_many(updates)
        self.result.updates += len(updates)
        if kind:
            self.result.kinds[kind] += len(updates)

    def wait_until(self, done: Callable[[], bool], what: str, timeout: float) -> None:
        """Absorb the bot's calls until `done()`; Stalled when the bot falls silent."""
        limit = min(self.deadline, time.monotonic() + timeout)
        seen, quiet_since = self.ledger.activity, time.monotonic()
        while True:
            self.ledger.absorb()
            if done():
                return
            now = time.monotonic()
            if self.ledger.activity != seen:
                seen, quiet_since = self.ledger.activity, now
            if now - quiet_since > self.settings.stall or now > limit:
                owed = self.ledger.owed()[:5]
                raise Stalled(f"{what}: not done; {self.ledger.open} owed, among them {owed}")
            time.sleep(0.005)

    def drain(self, what: str, timeout: float = 300) -> None:
        self.wait_until(lambda: self.ledger.open == 0, what, timeout)

    def pace(self) -> int:
        """Wait for room in the window and under the rate; how many updates may go now."""
        self.wait_until(
            lambda: self.ledger.open < self.settings.window, "the window", self.settings.stall
        )
        allowed = self.settings.rate * (time.monotonic() - self.started) - self.result.updates
        if allowed < 1:
            time.sleep(1 / self.settings.rate)
        return max(1, min(8, self.settings.window - self.ledger.open, int(allowed)))

    # -- the run --------------------------------------------------------------------------

    def run(self) -> None:
        settings = self.settings
        self.started = time.monotonic()
        self.deadline = self.started + settings.deadline
        self.inject(self.traffic.subscribe_everyone(), "subscribe (the news check's chats)")
        self.drain("subscribing")
        moving = self.cast.moving_groups
        tenth = max(1, settings.updates // 10)
        half = settings.updates // 2
        cues: list[tuple[int, Callable[[], None]]] = sorted(
            [
                *((at, self.note_memory) for at in range(tenth, settings.updates, tenth)),
                (settings.warmup, self.warm_up),
                (half - tenth, lambda: self.move(moving[::2])),
                (half, self.bring_news),
                (half + 100, lambda: self.move(moving[1::2])),
            ],
            key=lambda cue: cue[0],
        )
        with Memory(self.bot.process.pid) as memory:  # type: ignore[union-attr]
            self.memory = memory
            while self.result.updates < settings.updates:
                while cues and cues[0][0] <= self.result.updates:
                    cues.pop(0)[1]()
                if self.reload_key and self.ledger.replies[self.reload_key]:
                    self.traffic.uploads = True
                count = min(self.pace(), settings.updates - self.result.updates)
                self.inject([self.traffic.next() for _ in range(count)])
            self.drain("the last updates")
            self.result.duration = time.monotonic() - self.started
            self.wait_for_news()
            time.sleep(2)  # a late duplicate would show up by now
            self.ledger.absorb()
            self.result.rss_end = memory.now()
            self.result.rss_peak = memory.peak

    def note_memory(self) -> None:
        """RSS as the traffic flows, to see a trend (not read at rest, unlike the checks)."""
        self.result.rss_series.append((self.result.updates, self.memory.now()))

    def warm_up(self) -> None:
        """Memory after the warm-up, read when nothing is in flight (as at the end)."""
        self.drain("the warm-up")
        time.sleep(1)
        self.result.rss_warm = self.memory.now()
        self.progress(f"after {self.result.updates} updates: RSS {self.result.rss_warm} kB")

    def bring_news(self) -> None:
        """The new article, brought in by the editor's /reload while readers go on asking."""
        self.traffic.uploads = False
        self.drain("before the reload")  # no upload in flight loads the article first
        self.bot.write_knowledge("soak-comet.yaml", NEWS)
        update = self.traffic.reload()
        message = update["message"]
        self.reload_key = (message["chat"]["id"], message["message_id"])
        self.inject([update], "/reload bringing the news")
        self.progress(f"after {self.result.updates} updates: /reload with a new article")

    def move(self, groups: list[Any]) -> None:
        """Subscribed basic groups become supergroups (before, and during, the news)."""
        for group in groups:
            self.inject(self.traffic.migrate(group), "migration of a subscribed group")

    def wait_for_news(self) -> None:
        wanted = self.traffic.subscriber_ids()
        self.result.news_expected = len(wanted)

        def delivered() -> bool:
            return wanted <= {self.identity(c) for c, t in self.ledger.news if t == NEWS_TITLE}

        try:
            self.wait_until(delivered, "the news", 120)
        except Stalled as exc:
            self.result.problems.append(str(exc))

    def identity(self, chat_id: int) -> int:
        return self.traffic.first_id(chat_id)

    # -- the verdict ----------------------------------------------------------------------

    def judge(self) -> None:
        """Fill in the figures and every check that failed."""
        result, ledger = self.result, self.ledger
        result.kinds.update(self.traffic.made)
        result.owed = ledger.kinds()
        result.calls = ledger.methods
        result.replies = sum(ledger.replies.values()) + sum(ledger.unquoted_got.values())
        result.answers = sum(
            "<blockquote>" in ledger.texts.get(key, "")
            for key, kind in ledger.quoted.items()
            if kind == "question"
        )
        moved = self.traffic.moved_from
        result.problems += ledger.problems(lambda call: chat_key(call.chat_id) in moved)
        result.refused_moved = sum(chat_key(c.chat_id) in moved for c in ledger.refused)
        self.judge_news()
        if self.reload_key is not None:
            text = ledger.texts.get(self.reload_key, "")
            result.reload_report = check_html(text).text.replace("\u200f", "") if text else ""
            if "أُضيف 1" not in result.reload_report:
                result.problems.append(f"the /reload did not add the article: {text!r}")
        result.problems += [f"log: {line}" for line in result.errors]
        if result.exit_status != 0:
            result.problems.append(f"the bot exited with status {result.exit_status}")
        if result.rss_warm and abs(result.growth) > 0.10:
            result.problems.append(
                f"RSS {result.rss_end} kB at the end, {result.growth:+.1%} against "
                f"{result.rss_warm} kB after the warm-up (more than 10 %)"
            )

    def judge_news(self) -> None:
        """Each subscriber got the article once; no chat got any article twice or unasked."""
        result, ledger = self.result, self.ledger
        by_chat: collections.Counter[tuple[int, str]] = collections.Counter()
        for (chat_id, title), count in ledger.news.items():
            by_chat[(self.identity(chat_id), title)] += count
        result.news_total = sum(by_chat.values())
        for (chat_id, title), count in by_chat.items():
            if count > 1:
                result.problems.append(f"news {title!r} reached chat {chat_id} {count} times")
            if chat_id not in self.traffic.ever_subscribed:
                result.problems.append(f"news {title!r} reached chat {chat_id}, never subscribed")
        wanted = self.traffic.subscriber_ids()
        result.news_to_subscribers = sum(by_chat[(c, NEWS_TITLE)] for c in wanted)
        missing = [c for c in wanted if not by_chat[(c, NEWS_TITLE)]]
        if missing:
            result.problems.append(f"news never reached {len(missing)} subscribers: {missing[:5]}")


def run(
    settings: Settings, progress: Callable[[str], None] = lambda line: None, keep: bool = False
) -> Result:
    """One soak, start to finish; the bot is always stopped, its folder removed unless `keep`."""
    root = Path(tempfile.mkdtemp(prefix="sanad-soak-"))
    progress(f"the bot's folder: {root}")
    try:
        with FakeBotAPI() as api:
            bot = BotProcess(api, root, admins=(ADMIN,), config=CONFIG)
            shutil.copytree(SHIPPED, bot.knowledge)
            bot.write_knowledge("soak-notes.yaml", notes(0))
            driver = Driver(api, bot, settings, progress)
            bot.start(timeout=120)
            try:
                driver.run()
            except Stalled as exc:
                driver.result.problems.append(str(exc))
            finally:
                driver.result.exit_status = bot.stop(timeout=60)
            if keep:
                _write_calls(api, root / "calls.jsonl")
            log = bot.log()
            driver.result.errors = _error_lines(log)
            driver.result.warnings = log.count(" WARNING ")
            driver.judge()
            return driver.result
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


def _write_calls(api: FakeBotAPI, path: Path) -> None:
    """Every call the bot made, one JSON object a line, to look into a failed run."""
    with path.open("w", encoding="utf-8") as out:
        for call in api.sent():
            record = {"method": call.method, "at": call.at, "ok": call.ok, "params": call.params}
            if call.method != "getUpdates":
                out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


def _error_lines(log: str) -> list[str]:
    """Lines of the log at ERROR or CRITICAL, and tracebacks, each with the line after it."""
    lines = log.splitlines()
    return [
        " | ".join(lines[i : i + 2])[:400]
        for i, line in enumerate(lines)
        if ERROR_LINE.search(line)
    ]
