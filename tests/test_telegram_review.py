"""`sanad run` end to end for the editors' loop: a reader's wording refused, taught in one tap
from /unanswered into the knowledge file (comments untouched), then answered; readers' votes;
and the buttons safe against strangers, forgery, replay and a file changed meanwhile."""

from __future__ import annotations

import difflib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fakebotapi import BotProcess, Call, FakeBotAPI, check_html

from bot.messages import NOT_FOUND, NOT_SURE
from bot.telegram import wording

# Out of the quick loop: a real `sanad run` takes votes and teaches (about 1.5 s).
pytestmark = pytest.mark.slow

ADMIN = 111
STRANGER = 222

ECLIPSE = """\
# Editors' notes: keep these comments.
id: eclipse
title: "كسوف الشمس"   # title
sentences:
  - id: s1
    text: "يحدث كسوف الشمس عندما يمر القمر بين الأرض والشمس."
  - id: s2
    text: "لا يدوم الكسوف الكلي أكثر من سبع دقائق ونصف."
facts:
  # how it happens
  - id: cause
    statement: "يحدث كسوف الشمس عندما يمر القمر بين الأرض والشمس."
    questions:
      - "متى يحدث كسوف الشمس؟"   # the usual wording
    source: [s1]
  - id: duration
    statement: "لا يدوم الكسوف الكلي أكثر من سبع دقائق ونصف."
    questions: ["كم يدوم الكسوف الكلي؟"]
    source: [s2]
"""
CAUSE = "يحدث كسوف الشمس عندما يمر القمر بين الأرض والشمس."
DURATION_QUESTION = "كم يدوم الكسوف الكلي؟"


@pytest.fixture(scope="module")
def bot(api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    process = BotProcess(api, tmp_path_factory.mktemp("review"), admins=(ADMIN,))
    process.write_knowledge("eclipse.yaml", ECLIPSE)
    with process:
        yield process


def say(api: FakeBotAPI, user_id: int, text: str) -> Call:
    mark = api.mark()
    api.send_text(api.private(user_id), text, user=api.user(user_id))
    return api.wait_for("sendMessage", chat_id=user_id, after=mark)


def press(api: FakeBotAPI, user_id: int, message: dict[str, Any], data: str) -> Call:
    """Press a button; the bot's answerCallbackQuery to it."""
    mark = api.mark()
    api.press(api.user(user_id), message, data)
    return api.wait_for("answerCallbackQuery", after=mark)


@dataclass
class Card:
    text: str
    buttons: list[dict[str, Any]]
    message: dict[str, Any]

    def teach_to(self, statement: str) -> str:
        return next(b["callback_data"] for b in self.buttons if statement in b["text"])


def open_card(api: FakeBotAPI, question: str) -> Card:
    """/unanswered, then «تخطَّ» until the card shows `question`.

    The question log is written just after the reply goes out, so a first look may come
    before it: look again, a few times.
    """
    seen = []
    for _ in range(5):
        sent = say(api, ADMIN, "/unanswered")
        seen.append(check_html(sent.text).text)
        card = Card(check_html(sent.text).text, sent.buttons, sent.result)
        for _ in range(20):
            if f"«{question}»" in card.text:
                return card
            if not card.buttons:
                break
            assert card.buttons[-1]["text"] == wording.SKIP
            mark = api.mark()
            api.press(api.user(ADMIN), card.message, card.buttons[-1]["callback_data"])
            edit = api.wait_for("editMessageText", chat_id=ADMIN, after=mark)
            card = Card(check_html(edit.text).text, edit.buttons, card.message)
        time.sleep(0.2)
    raise AssertionError(f"{question} is not in the queue: {seen}")


def teach(api: FakeBotAPI, card: Card, data: str, user_id: int = ADMIN) -> tuple[Call, Call]:
    """Press a teach button: the answer to the press, and the card's edit."""
    mark = api.mark()
    api.press(api.user(user_id), card.message, data)
    answered = api.wait_for("answerCallbackQuery", after=mark)
    edit = api.wait_for("editMessageText", chat_id=ADMIN, after=mark, timeout=30)
    return answered, edit


def added_lines(before: str, after: str) -> list[str]:
    """The lines `after` adds to `before`; fails if any line was removed or changed."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [line for line in diff if line.startswith("- ")], "a line was removed or changed"
    return [line[2:] for line in diff if line.startswith("+ ")]


def test_a_refused_paraphrase_is_taught_in_one_tap_and_then_answered(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    question = "ما سبب اختفاء الشمس وقت الظهر؟"
    path = bot.knowledge / "eclipse.yaml"
    before = path.read_text(encoding="utf-8")
    assert NOT_FOUND in check_html(say(api, 5001, question).text).text

    card = open_card(api, question)
    assert wording.REVIEW_REASONS["unanswered"] in card.text
    labels = [b["text"] for b in card.buttons]
    assert labels[0].startswith("أضف إلى: يحدث كسوف الشمس")
    assert labels[-2:] == [wording.DISMISS, wording.SKIP]
    mark = api.mark()
    _, outcome = teach(api, card, card.teach_to(CAUSE))
    shown = check_html(outcome.text).text
    assert "أُضيف السؤال" in shown and "knowledge/eclipse.yaml" in shown
    assert not outcome.buttons
    api.wait_for("sendMessage", chat_id=ADMIN, after=mark)  # the next card

    after = path.read_text(encoding="utf-8")
    assert added_lines(before, after) == [f'      - "{question}"']
    assert after.replace(f'      - "{question}"\n', "", 1) == before

    answer = check_html(say(api, 5001, question).text).text
    assert CAUSE in answer and NOT_FOUND not in answer


def test_a_second_readers_thumbs_down_goes_into_the_queue(api: FakeBotAPI, bot: BotProcess) -> None:
    reply = say(api, 5002, DURATION_QUESTION)
    assert "سبع دقائق" in reply.text
    votes = {b["text"]: b["callback_data"] for b in reply.buttons[-2:]}
    assert set(votes) == {wording.HELPFUL, wording.UNHELPFUL}
    thanked = press(api, 5003, reply.result, votes[wording.UNHELPFUL])
    assert thanked.params.get("text") == wording.VOTES["recorded"]
    card = open_card(api, DURATION_QUESTION)
    assert wording.REVIEW_REASONS["unhelpful"] in card.text
    assert "1 مرة" in card.text


def test_one_vote_per_reader_per_answer_and_a_second_press_changes_it(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    reply = say(api, 5004, "متى يحدث كسوف الشمس؟")
    votes = {b["text"]: b["callback_data"] for b in reply.buttons[-2:]}
    results = [
        press(api, 5004, reply.result, votes[label]).params.get("text")
        for label in (wording.HELPFUL, wording.HELPFUL, wording.UNHELPFUL)
    ]
    assert results == [wording.VOTES[k] for k in ("recorded", "same", "changed")]
    forged = press(api, 5004, reply.result, "v:999999:1")
    assert forged.params.get("text") == wording.VOTES["unknown"]
    stats = say(api, ADMIN, "/stats")
    assert "<pre>" in stats.text
    table = check_html(stats.text).text
    assert wording.DAILY_COLUMNS in table


def test_strangers_forgeries_and_replays_change_nothing(api: FakeBotAPI, bot: BotProcess) -> None:
    question = "لماذا تختفي الشمس في النهار أحيانًا؟"
    path = bot.knowledge / "eclipse.yaml"
    assert NOT_FOUND in say(api, 5005, question).text
    card = open_card(api, question)
    data = card.teach_to(CAUSE)
    before = path.read_text(encoding="utf-8")

    refused = press(api, STRANGER, card.message, data)
    assert refused.params.get("text") == wording.ADMINS_ONLY
    forged = press(api, ADMIN, card.message, "r:" + "0" * 10)
    assert forged.params.get("text") == wording.REVIEW_SPENT
    readers_kind = press(api, ADMIN, card.message, f"r:teach {question} eclipse cause")
    assert readers_kind.params.get("text") == wording.REVIEW_SPENT
    assert path.read_text(encoding="utf-8") == before

    teach(api, card, data)  # the admin's own press works once...
    assert added_lines(before, path.read_text(encoding="utf-8")) == [f'      - "{question}"']
    taught = path.read_text(encoding="utf-8")
    replayed = press(api, ADMIN, card.message, data)  # ...and a replay changes nothing
    assert replayed.params.get("text") == wording.REVIEW_SPENT
    dismiss = next(b["callback_data"] for b in card.buttons if b["text"] == wording.DISMISS)
    assert press(api, ADMIN, card.message, dismiss).params.get("text") == wording.REVIEW_SPENT
    assert path.read_text(encoding="utf-8") == taught


def test_a_file_changed_since_the_card_was_made_is_not_edited(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    question = "ما الذي يحجب ضوء الشمس عنا؟"
    path = bot.knowledge / "eclipse.yaml"
    assert NOT_FOUND in say(api, 5006, question).text
    card = open_card(api, question)
    changed = path.read_text(encoding="utf-8") + "# an editor was here meanwhile\n"
    path.write_text(changed, encoding="utf-8")
    _, outcome = teach(api, card, card.teach_to(CAUSE))
    assert check_html(outcome.text).text.strip("\u200f") == wording.TEACH_CHANGED
    assert path.read_text(encoding="utf-8") == changed


def test_dismissed_questions_stay_out_until_asked_again(api: FakeBotAPI, bot: BotProcess) -> None:
    question = "ليش بتغيب الشمس بالنهار؟"
    refused = say(api, 5007, question).text  # not found, or unsure with suggestions
    assert NOT_FOUND in refused or NOT_SURE in refused
    card = open_card(api, question)
    dismiss = next(b["callback_data"] for b in card.buttons if b["text"] == wording.DISMISS)
    mark = api.mark()
    api.press(api.user(ADMIN), card.message, dismiss)
    edit = api.wait_for("editMessageText", chat_id=ADMIN, after=mark)
    assert check_html(edit.text).text.strip("\u200f") == wording.DISMISSED
    shown = say(api, ADMIN, "/unanswered")
    assert f"«{question}»" not in check_html(shown.text).text
    say(api, 5008, question)
    assert "1 مرة" in open_card(api, question).text
