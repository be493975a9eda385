"""Flood control on questions: a sliding window per reader."""

from __future__ import annotations

from bot.telegram.flood import FloodGate, Verdict


def test_a_reader_is_answered_up_to_the_limit_then_warned_once() -> None:
    gate = FloodGate(limit=3, window=60)
    verdicts = [gate.check(1, now=t) for t in (0, 1, 2, 3, 4)]
    assert verdicts == [Verdict.ANSWER] * 3 + [Verdict.WARN, Verdict.DROP]


def test_the_window_slides() -> None:
    gate = FloodGate(limit=2, window=10)
    assert [gate.check(1, now=t) for t in (0, 5, 6)] == [
        Verdict.ANSWER,
        Verdict.ANSWER,
        Verdict.WARN,
    ]
    assert gate.check(1, now=10.5) is Verdict.ANSWER  # the first question left the window
    assert gate.check(1, now=11) is Verdict.WARN  # a new overflow gets a new note


def test_readers_are_counted_apart() -> None:
    gate = FloodGate(limit=1, window=60)
    assert gate.check(1, now=0) is Verdict.ANSWER
    assert gate.check(2, now=0) is Verdict.ANSWER
    assert gate.check(1, now=1) is Verdict.WARN


def test_zero_turns_it_off() -> None:
    gate = FloodGate(limit=0, window=60)
    assert all(gate.check(1, now=0) is Verdict.ANSWER for _ in range(1000))


def test_idle_readers_are_forgotten() -> None:
    gate = FloodGate(limit=5, window=10, max_users=100)
    for user in range(150):
        gate.check(user, now=0)
    gate.check(999, now=100)
    assert len(gate._asked) <= 2
