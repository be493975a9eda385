"""The editors' loop in Telegram: /unanswered pages through the review queue; 👍/👎 votes.

`/unanswered` (admins only) shows the queue one question a message: how often and when it
was asked, why it is there, and buttons «أضف إلى: …» for the nearest facts (teaching writes
the question into that fact's knowledge file: bot/teaching.py), «ليس في أخبارنا» (dismiss)
and «تخطَّ» (the next question, in place). Each button carries only a ticket (bot/review.py):
the action, with the file's hash at the moment the card was made, is kept in the database,
so button data cannot be forged, a card's buttons work once, and a file edited since the
card was made is not edited blind.

Under an answer, 👍 and 👎 (`telegram.feedback`) record one vote per reader per answer; a
second press changes it. A 👎 puts the question and the answer given into the queue.
"""

from __future__ import annotations

import asyncio
import hashlib
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot import teaching
from bot.engine import Answer
from bot.review import Candidate, ReviewItem, Vote
from bot.telegram import cards, render, wording
from bot.telegram.admin import admins_only
from bot.telegram.buttons import REVIEW, VOTE, always_answered
from bot.telegram.context import SanadContext, Services
from bot.telegram.sending import edit, reply

_VOTE = re.compile(re.escape(VOTE) + r"(\d{1,18}):([01])\Z")


@admins_only
async def unanswered_command(update: Update, context: SanadContext) -> None:
    """The most asked question of the review queue, with what to do about it."""
    assert update.effective_message is not None
    text, markup = await _card(context.services, 0)
    await reply(update.effective_message, text, markup)


async def _card(services: Services, position: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """The queue's question at `position` (0: the most asked) with its buttons."""
    queue = services.engine.review
    items = await queue.items()
    if not items:
        return render.say(wording.NO_UNANSWERED, days=queue.days), None
    if position >= len(items):
        return render.plain(wording.REVIEW_END), None
    item = items[position]
    candidates = await queue.candidates(item)
    actions = [await _teach_action(services, item, c, position) for c in candidates]
    actions.append({"do": "dismiss", "question": item.question, "position": position})
    actions.append({"do": "skip", "position": position})
    tokens = await queue.issue(actions)
    labels = [render.label(wording.TEACH_TO + c.statement) for c in candidates]
    labels += [wording.DISMISS, wording.SKIP]
    rows = [
        [InlineKeyboardButton(label, callback_data=REVIEW + token)]
        for label, token in zip(labels, tokens, strict=True)
    ]
    return cards.card(item, position, len(items), candidates), InlineKeyboardMarkup(rows)


async def _teach_action(
    services: Services, item: ReviewItem, candidate: Candidate, position: int
) -> dict[str, object]:
    """What the «أضف إلى» button does, with the hash of the file as it is now."""
    path = await teaching.locate(services.engine, candidate.article_id)
    content = await asyncio.to_thread(path.read_bytes)
    return {
        "do": "teach",
        "question": item.question,
        "article_id": candidate.article_id,
        "fact_id": candidate.fact_id,
        "digest": hashlib.sha256(content).hexdigest(),
        "position": position,
    }


@always_answered
async def review_button(update: Update, context: SanadContext) -> None:
    """A press on a card: teach, dismiss or skip, once; anyone but an admin is refused."""
    query = update.callback_query
    assert query is not None
    services = context.services
    if not services.is_admin(update):
        await query.answer(wording.ADMINS_ONLY, show_alert=True)
        return
    token = (query.data or "").removeprefix(REVIEW)
    action = await services.engine.review.redeem(token)
    if action is None:
        await query.answer(wording.REVIEW_SPENT, show_alert=True)
        return
    await query.answer()
    position = int(action["position"])
    if action["do"] == "skip":
        await _edit(query.message, *await _card(services, position + 1))
        return
    if action["do"] == "dismiss":
        await services.engine.review.close(action["question"], "dismissed")
        outcome = render.plain(wording.DISMISSED)
    else:
        outcome = await _teach(services, action)
    await _edit(query.message, outcome, None)
    if isinstance(query.message, Message):
        await reply(query.message, *await _card(services, position))


async def _teach(services: Services, action: dict[str, str]) -> str:
    """Teach as the button says; the reply says what was written, or why nothing was."""
    async with services.upload_lock:
        try:
            taught = await teaching.teach(
                services.engine,
                action["question"],
                action["article_id"],
                action["fact_id"],
                expected_digest=action["digest"],
            )
        except teaching.TeachError as exc:
            if exc.reason == "changed":
                return render.plain(wording.TEACH_CHANGED)
            heading = wording.TEACH_FAILED
            return render.errors(heading, exc.errors) if exc.errors else _failed(heading, exc)
    text = cards.taught(action["question"], taught.statement, taught.path, taught.added)
    if taught.report is not None:
        text += "\n" + render.reload_report(taught.report)
    return text


def _failed(heading: str, exc: teaching.TeachError) -> str:
    return f"{render.plain(heading)}\n<code>{render.esc(str(exc))}</code>"


async def _edit(message: object, text: str, markup: InlineKeyboardMarkup | None) -> None:
    if isinstance(message, Message):
        await edit(message.edit_text, text, markup)


# -- readers' votes ----------------------------------------------------------------------------


async def with_votes(
    services: Services,
    answer: Answer,
    chat_id: int | None,
    markup: InlineKeyboardMarkup | None,
) -> InlineKeyboardMarkup | None:
    """`markup` with 👍 and 👎 under it, for an answer (unless `telegram.feedback` is off)."""
    if not answer.answered or not services.config.telegram.feedback:
        return markup
    best = answer.answers[0]
    answer_id = await services.engine.review.shown(
        answer.question, best.article_id, best.fact_id, chat_id
    )
    row = [
        InlineKeyboardButton(wording.HELPFUL, callback_data=f"{VOTE}{answer_id}:1"),
        InlineKeyboardButton(wording.UNHELPFUL, callback_data=f"{VOTE}{answer_id}:0"),
    ]
    rows = list(markup.inline_keyboard) if markup is not None else []
    return InlineKeyboardMarkup([*rows, row])


@always_answered
async def vote_button(update: Update, context: SanadContext) -> None:
    """👍 or 👎 under an answer: one vote per reader, a second press changes it."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    found = _VOTE.match(query.data or "")
    if found is None:
        await query.answer(wording.GONE, show_alert=True)
        return
    queue = context.services.engine.review
    result = await queue.vote(int(found[1]), query.from_user.id, found[2] == "1")
    await query.answer(wording.VOTES[result.value], show_alert=result is Vote.UNKNOWN)
