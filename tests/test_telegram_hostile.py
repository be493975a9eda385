"""Hostile and odd input end to end: `sanad run` against the fake Bot API server.

Markup typed by readers is shown, never interpreted; button presses with empty, missing or
forged data are answered and change nothing; anonymous admins of different groups do not
share a flood bucket; small talk and empty questions get a reply of their own and never
reach the editors' list.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakebotapi import TREATY, TREATY_QUESTION, BotProcess, Call, FakeBotAPI, check_html

from bot.messages import EMPTY_QUESTION, SMALL_TALK
from bot.telegram import wording

ADMIN = 711
LIMIT = 3  # questions per reader per minute in this module's bot
GROUP_ANONYMOUS_BOT = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
CHANNEL_BOT = {"id": 136817688, "is_bot": True, "first_name": "Channel", "username": "Channel_Bot"}
QUESTION = TREATY_QUESTION


@pytest.fixture(scope="module")
def bot(api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    config = f"flood:\n  questions: {LIMIT}\n  seconds: 600\n"
    process = BotProcess(api, tmp_path_factory.mktemp("hostile"), admins=(ADMIN,), config=config)
    process.write_knowledge("treaty.yaml", TREATY)
    with process:
        yield process
    assert " ERROR " not in process.log(), process.log()


def say(api: FakeBotAPI, chat: dict, text: str, **extra: object) -> Call:
    mark = api.mark()
    api.send_text(chat, text, **extra)
    return api.wait_for("sendMessage", chat_id=chat["id"], after=mark)


def shown(call: Call) -> str:
    return check_html(call.text).text.replace("\u200f", "")


@pytest.mark.parametrize(
    ("command", "typed"),
    [
        ('/subscribe @<a href="https://evil.example/c">اضغط_هنا</a>', "@<a"),
        ("/subscribe @<b>عريض</b>", "@<b>عريض</b>"),
        ("/unsubscribe @<i>x", "@<i>x"),
        ("/subscriptions @</code>x", "@</code>x"),
        ("/subscribe <b>موضوع</b> & <i>", "<b>موضوع</b> & <i>"),
    ],
)
def test_markup_in_a_command_is_shown_not_interpreted(
    api: FakeBotAPI, bot: BotProcess, command: str, typed: str
) -> None:
    reply = say(api, api.private(801), command)
    parsed = check_html(reply.text)
    assert parsed.links == [] and "a" not in parsed.tags and "b" not in parsed.tags
    assert typed in parsed.text
    assert "message_id" in (reply.result or {}), reply.result  # Telegram accepted it


def test_a_long_hostile_topic_still_gets_a_reply_within_the_limit(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    reply = say(api, api.private(802), "/subscribe " + "<b>&\u202e" * 1000)
    assert "message_id" in (reply.result or {}), reply.result
    assert "<b>&" in check_html(reply.text).text


def press(api: FakeBotAPI, user_id: int, data: str | None, message: dict | None = None) -> Call:
    """Press a button (data None: a query without a data field); the bot's answer to it."""
    message = message or api.message(api.private(user_id), "رسالة")
    query = {
        "id": f"q{user_id}-{data}",
        "from": api.user(user_id),
        "chat_instance": "ci",
        "message": message,
    }
    if data is not None:
        query["data"] = data
    api.inject({"callback_query": query})
    return api.wait_for(
        "answerCallbackQuery", where=lambda c: c.params.get("callback_query_id") == query["id"]
    )


@pytest.mark.parametrize("data", ["", None, "s:", "s: ؟", "zzz", "f:x", "k:999", "a:", "t:"])
def test_empty_missing_and_forged_button_data_is_answered_and_changes_nothing(
    api: FakeBotAPI, bot: BotProcess, data: str | None
) -> None:
    user = 810 + len(data or "")
    answer = press(api, user, data)
    assert answer.params.get("text") == wording.GONE
    listed = shown(say(api, api.private(user), "/subscriptions"))
    assert wording.NO_SUBSCRIPTIONS.split(".")[0] in listed


def test_a_forged_empty_question_button_asks_for_a_question(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    chat = api.private(830)
    reply = say(api, chat, QUESTION)
    mark = api.mark()
    answer = press(api, 830, "q:", reply.result)
    assert "text" not in answer.params  # the press is answered; the message shows the rest
    edited = api.wait_for("editMessageText", chat_id=830, after=mark)
    assert shown(edited) == EMPTY_QUESTION


def anonymous(api: FakeBotAPI, chat: dict, sender: dict, text: str) -> Call:
    return say(api, chat, text, user=sender, sender_chat=chat)


def test_anonymous_admins_of_different_groups_have_buckets_of_their_own(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    group_a, group_b = api.group(-100840, "أ"), api.group(-100841, "ب")
    for _ in range(LIMIT):
        reply = anonymous(api, group_a, GROUP_ANONYMOUS_BOT, f"/ask {QUESTION}")
        assert "19 حزيران" in shown(reply)
    assert shown(anonymous(api, group_a, GROUP_ANONYMOUS_BOT, f"/ask {QUESTION}")) == (
        wording.SLOW_DOWN
    )
    assert "19 حزيران" in shown(anonymous(api, group_b, GROUP_ANONYMOUS_BOT, f"/ask {QUESTION}"))


def test_posts_on_behalf_of_channels_count_per_channel(api: FakeBotAPI, bot: BotProcess) -> None:
    group = api.group(-100850, "نقاش")
    first, second = api.channel(-100851, "قناة ١"), api.channel(-100852, "قناة ٢")
    for _ in range(LIMIT):
        say(api, group, f"/ask {QUESTION}", user=CHANNEL_BOT, sender_chat=first)
    late = say(api, group, f"/ask {QUESTION}", user=CHANNEL_BOT, sender_chat=first)
    assert shown(late) == wording.SLOW_DOWN
    other = say(api, group, f"/ask {QUESTION}", user=CHANNEL_BOT, sender_chat=second)
    assert "19 حزيران" in shown(other)


@pytest.mark.parametrize(
    ("reader", "text", "expected"),
    [
        (861, "مرحبا", SMALL_TALK),
        (862, "السلام عليكم ورحمة الله", SMALL_TALK),
        (863, "شكرا جزيلا!", SMALL_TALK),
        (864, "؟؟؟", EMPTY_QUESTION),
        (865, "...", EMPTY_QUESTION),
    ],
)
def test_small_talk_and_empty_questions_get_their_own_reply(
    api: FakeBotAPI, bot: BotProcess, reader: int, text: str, expected: str
) -> None:
    reply = say(api, api.private(reader), text)
    assert shown(reply) == expected and reply.buttons == []
    in_group = say(api, api.group(-100860), f"/ask {text}", user=api.user(reader))
    assert shown(in_group) == expected


def test_small_talk_never_reaches_the_editors(api: FakeBotAPI, bot: BotProcess) -> None:
    say(api, api.private(870), "أهلا وسهلا")
    say(api, api.private(870), "؟!")
    say(api, api.private(870), "ما عاصمة اليابان؟")
    listed = shown(say(api, api.private(ADMIN), "/unanswered"))
    assert "عاصمة اليابان" in listed
    assert "أهلا" not in listed and "؟!" not in listed
