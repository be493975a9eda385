"""Telegram HTML for the editors' loop: a review card, what a button did, the daily figures.

Like bot/telegram/render.py: everything from readers or knowledge files is escaped, every
line starts with a right-to-left mark.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from bot.review import Candidate, Day, ReviewItem
from bot.telegram import wording
from bot.telegram.render import RLM, esc, fill, plain, say, shorten, strip_controls

QUESTION_SIZE = 600  # characters of a reader's question shown on a card


def card(item: ReviewItem, position: int, total: int, candidates: Sequence[Candidate]) -> str:
    """One question of the queue: how often and when, why it is here, the nearest facts."""
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(item.last))
    reasons = "، ".join(wording.REVIEW_REASONS.get(r, r) for r in item.reasons)
    question = esc(shorten(strip_controls(item.question), QUESTION_SIZE))
    lines = [
        f"{RLM}{fill(wording.REVIEW_HEADING, position=position + 1, total=total)}",
        f"{RLM}<b>«{question}»</b>",
        f"{RLM}{fill(wording.REVIEW_ASKED, count=item.count, last=when)}",
        f"{RLM}{fill(wording.REVIEW_WHY, reasons=reasons)}",
    ]
    if candidates:
        lines.append(f"{RLM}{esc(wording.REVIEW_CANDIDATES)}")
        lines.extend(
            f"{RLM}{number}. {esc(shorten(c.statement, 300))} (<i>{esc(shorten(c.title, 80))}</i>)"
            for number, c in enumerate(candidates, 1)
        )
    else:
        lines.append(f"{RLM}{esc(wording.REVIEW_NO_CANDIDATES)}")
    return "\n".join(lines)


def taught(question: str, statement: str, path: str, added: bool) -> str:
    """What the editor is told after teaching, including when the question was there already."""
    template = wording.TAUGHT if added else wording.ALREADY_TAUGHT
    return say(template, question=question, statement=statement, path=path)


def daily(days: Sequence[Day]) -> str:
    """Per day: asked, answered, unanswered and the share of readers' votes that said 👍."""
    if not days:
        return plain(wording.DAILY_NONE)
    rows = [
        f"{d.day}  {d.asked:5d}  {d.answered:5d}  {d.unanswered:5d}  {_share(d.helpful_share):>5}"
        for d in days
    ]
    legend = f"{RLM}{esc(wording.DAILY_HEADING)}\n{RLM}{esc(wording.DAILY_COLUMNS)}"
    return legend + "\n<pre>" + esc("\n".join(rows)) + "</pre>"


def _share(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"
