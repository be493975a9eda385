"""How the bot meets readers on Telegram in the less common cases, end to end.

A real `sanad run` against the fake Bot API server, one bot for the module; each test speaks
from chats of its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fakebotapi import (
    BOT_ID,
    BOT_USERNAME,
    TREATY,
    TREATY_QUESTION,
    BotProcess,
    Call,
    FakeBotAPI,
    check_html,
)

pytestmark = pytest.mark.slow

ADMIN = 901
QUESTION = TREATY_QUESTION
STATEMENT = "أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في 19 حزيران/ يونيو 2024."
COMET = """\
id: comet
title: "مذنّب يقترب من الأرض"
topics: [معاهدات]
sentences:
  - id: s1
    text: "يقترب مذنّب لامع من الأرض في الشهر المقبل."
"""
ME = {"id": BOT_ID, "is_bot": True, "first_name": "سند", "username": BOT_USERNAME}
PHOTO = [{"file_id": "photo", "file_unique_id": "p", "width": 90, "height": 90}]


@pytest.fixture(scope="module")
def bot(api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    config = "news:\n  per_second: 30\n  private_seconds: 0.2\n"
    process = BotProcess(api, tmp_path_factory.mktemp("audit"), admins=(ADMIN,), config=config)
    process.write_knowledge("treaty.yaml", TREATY)
    with process:
        yield process
    assert " ERROR " not in process.log(), process.log()


def shown(call: Call) -> str:
    return check_html(call.text).text.replace("\u200f", "")


def send(api: FakeBotAPI, update: dict) -> Call:
    """Inject `update` (one message) and wait for the bot's message to its chat."""
    chat = next(iter(update.values()))["chat"]
    mark = api.mark()
    api.inject(update)
    return api.wait_for("sendMessage", chat_id=chat["id"], after=mark)


def say(api: FakeBotAPI, chat: dict, text: str, **extra: object) -> Call:
    return send(api, {"message": api.message(chat, text, **extra)})  # type: ignore[arg-type]


def wait_for_log(bot: BotProcess, line: str, timeout: float = 10) -> None:
    """Wait until the bot logs `line`: updates without a reply are handled in any order."""
    deadline = time.monotonic() + timeout
    while line not in bot.log():
        assert time.monotonic() < deadline, f"{line!r} not logged:\n{bot.log()}"
        time.sleep(0.05)


def test_a_group_answers_a_mention_by_name(api: FakeBotAPI, bot: BotProcess) -> None:
    """A client that links the bot's name (text_mention) rather than typing @username."""
    group = api.group(-3101)
    mention = {"type": "text_mention", "offset": 0, "length": 3, "user": ME}
    message = api.message(group, "سند، " + QUESTION, user=api.user(3101), entities=[mention])
    reply = send(api, {"message": message})
    assert reply.reply_to == message["message_id"]
    assert STATEMENT in shown(reply)


def test_a_group_stays_quiet_when_someone_else_is_mentioned_by_name(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    group = api.group(-3102)
    someone = api.user(3199, "سعاد")
    mention = {"type": "text_mention", "offset": 0, "length": 4, "user": someone}
    mark = api.mark()
    api.send_text(group, "سعاد، " + QUESTION, user=api.user(3102), entities=[mention])
    api.assert_quiet(group["id"], after=mark, wait=1.0)


def test_a_photos_caption_in_a_private_chat_is_a_question(api: FakeBotAPI, bot: BotProcess) -> None:
    chat = api.private(3103)
    message = api.message(chat, None, photo=PHOTO, caption=QUESTION)
    reply = send(api, {"message": message})
    assert reply.reply_to == message["message_id"]
    assert STATEMENT in shown(reply)


def test_a_photos_caption_in_a_group_is_answered_when_it_mentions_the_bot(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    group, user = api.group(-3104), api.user(3104)
    caption = f"{QUESTION} @{BOT_USERNAME}"
    at = len(QUESTION) + 1
    entities = [{"type": "mention", "offset": at, "length": len(BOT_USERNAME) + 1}]
    message = api.message(
        group, None, user=user, photo=PHOTO, caption=caption, caption_entities=entities
    )
    reply = send(api, {"message": message})
    assert reply.reply_to == message["message_id"]
    assert STATEMENT in shown(reply)
    # Without the mention, a captioned photo is none of the bot's business.
    mark = api.mark()
    api.inject({"message": api.message(group, None, user=user, photo=PHOTO, caption=QUESTION)})
    api.assert_quiet(group["id"], after=mark, wait=1.0)


def test_ask_as_a_photos_caption_is_answered_and_another_bots_is_not(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    group, user = api.group(-3108), api.user(3108)

    def photo(command: str) -> dict:
        entities = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        caption = f"{command} {QUESTION}"
        return api.message(
            group, None, user=user, photo=PHOTO, caption=caption, caption_entities=entities
        )

    for command in ("/ask", f"/ask@{BOT_USERNAME}"):
        message = photo(command)
        reply = send(api, {"message": message})
        assert reply.reply_to == message["message_id"]
        assert STATEMENT in shown(reply)
    mark = api.mark()
    api.inject({"message": photo("/ask@other_bot")})
    api.assert_quiet(group["id"], after=mark, wait=1.0)


def test_an_answer_sent_through_inline_mode_is_not_asked_again(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    """Picking an inline result in the bot's own chat, or as a reply to it in a group, posts
    the rendered answer as the reader's message: it is not a question to the bot."""
    chat = api.private(3105)
    group, user = api.group(-3105), api.user(3105)
    answer = say(api, group, "/ask " + QUESTION, user=user)
    mark = api.mark()
    text = STATEMENT + "\nالمصدر: معاهدة بين بلدين"
    api.send_text(chat, text, via_bot=ME)
    api.send_text(group, text, user=user, via_bot=ME, reply_to=answer.result)
    api.assert_quiet(chat["id"], after=mark, wait=1.0)
    api.assert_quiet(group["id"], after=mark, wait=0.1)
    # A message the reader typed in the same chats still gets its answer.
    assert STATEMENT in shown(say(api, chat, QUESTION))


def test_the_bots_own_name_in_a_private_question_is_not_part_of_it(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    chat = api.private(3106)
    message = api.message(chat, f"@{BOT_USERNAME} {QUESTION}")
    reply = send(api, {"message": message})
    assert reply.reply_to == message["message_id"]
    assert STATEMENT in shown(reply)


def test_a_reader_who_blocks_the_bot_and_comes_back_gets_news_again(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    """Unblocking (my_chat_member back to "member") lets the subscriptions the chat still
    lists take effect again, rather than list news that never comes."""
    chat = api.private(3107)
    assert "كل الأخبار" in shown(say(api, chat, "/subscribe"))
    member = {"user": ME, "status": "member"}
    kicked = {"user": ME, "status": "kicked", "until_date": 0}
    for old, new, logged in ((member, kicked, "blocked"), (kicked, member, "back")):
        change = {"chat": chat, "from": api.user(3107), "date": int(time.time())}
        api.inject({"my_chat_member": {**change, "old_chat_member": old, "new_chat_member": new}})
        wait_for_log(bot, f"chat 3107: {logged}")
    assert "كل الأخبار" in shown(say(api, chat, "/subscriptions"))
    bot.write_knowledge("comet.yaml", COMET)
    mark = api.mark()
    assert "أُضيف" in shown(say(api, api.private(ADMIN), "/reload"))
    news = api.wait_for(
        "sendMessage", chat_id=chat["id"], after=mark, where=lambda c: "مذنّب" in c.text
    )
    assert "message_id" in (news.result or {})
