"""A short soak of `sanad run` (bench/soak): 3,000 mixed updates, the same checks as the full one.

Every kind of update at once — questions in private chats and groups, commands, button
presses (valid, spent and forged), inline queries, membership changes, group migrations,
knowledge uploads, updates the bot has no use for — with a /reload bringing a new article
halfway. `python -m bench.soak` runs 20,000 and prints the figures (docs/reliability.md).
"""

from __future__ import annotations

import pytest

from bench.soak import Settings, run


@pytest.mark.slow
def test_3000_mixed_updates_each_get_what_they_owe_and_memory_holds() -> None:
    result = run(Settings(updates=3_000, warmup=1_000, readers=300, subscribers=24, rate=200))
    assert result.problems == [], "\n".join(result.problems[:30])
    assert result.updates == 3_000
    # Every kind of traffic was there, questions above all.
    for kind in ("private_question", "group_question", "button_press", "inline_query", "junk"):
        assert result.kinds[kind] > 50, result.kinds
    for kind in ("upload", "membership", "migration", "stale_press", "forged_press"):
        assert result.kinds[kind] > 0, result.kinds
    assert result.owed["question"] > 1_000
    assert result.answers > result.owed["question"] / 2  # most answered from an article
    # The news: each subscribed chat (private, groups, moved groups, channels) got it once.
    assert result.news_expected >= 24
    assert result.news_to_subscribers == result.news_expected
    assert "أُضيف 1" in result.reload_report
    assert result.errors == [] and result.exit_status == 0
    assert result.rss_warm > 0 and abs(result.growth) <= 0.10
