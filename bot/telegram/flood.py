"""Per-reader flood control on questions: a sliding window of recent questions per user."""

from __future__ import annotations

import time
from collections import deque
from enum import Enum


class Verdict(Enum):
    """What to do with one question."""

    ANSWER = "answer"
    WARN = "warn"  # the first question over the limit: say why we stop answering
    DROP = "drop"  # further ones in the same window: the reader was already told


class FloodGate:
    """At most `limit` questions per `window` seconds per user; 0 turns it off."""

    def __init__(self, limit: int, window: float, max_users: int = 100_000) -> None:
        self.limit = limit
        self.window = window
        self.max_users = max_users
        self._asked: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}

    def check(self, user_id: int, now: float | None = None) -> Verdict:
        """Whether to answer this user now, warn once, or drop the question silently."""
        if self.limit <= 0:
            return Verdict.ANSWER
        now = time.monotonic() if now is None else now
        asked = self._asked.setdefault(user_id, deque())
        while asked and asked[0] <= now - self.window:
            asked.popleft()
        if len(asked) < self.limit:
            asked.append(now)
            self._warned.pop(user_id, None)
            self._forget_idle(now)
            return Verdict.ANSWER
        if user_id in self._warned:
            return Verdict.DROP
        self._warned[user_id] = now
        return Verdict.WARN

    def _forget_idle(self, now: float) -> None:
        """Keep memory bounded: drop readers with nothing in their window."""
        if len(self._asked) <= self.max_users:
            return
        for user_id in [
            u for u, times in self._asked.items() if not times or times[-1] <= now - self.window
        ]:
            del self._asked[user_id]
            self._warned.pop(user_id, None)
