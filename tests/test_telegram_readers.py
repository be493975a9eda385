"""`sanad run` end to end for readers: a real bot process against the fake Bot API over HTTP.

One bot serves the whole module; each test speaks from its own users and chats and looks
only at what the bot sent to them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fakebotapi import BOT_USERNAME, BotProcess, Call, FakeBotAPI, check_html

from bot.messages import NOT_FOUND
from bot.telegram import buttons, wording
from bot.telegram.keyboards import CallbackData

TREATY = """\
id: treaty-2024
title: "NATO و«الشراكة»: معاهدة بين بلدين"
url: https://example.org/news/treaty?id=1&lang=ar
published: 2024-06-19
topics: [معاهدات, دبلوماسية]
sentences:
  - id: s1
    text: "أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في 19 حزيران/ يونيو 2024 في بيونغ يانغ."
  - id: s2
    text: "أثنى الرئيس على شجاعة الجنود في معارك مقاطعة كورسك."
  - id: s3
    text: "اتفق الطرفان على مواصلة الاتصالات وتبادل المعلومات."
facts:
  - id: treaty-date
    statement: "أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في 19 حزيران/ يونيو 2024."
    questions: ["متى أبرمت معاهدة الشراكة الإستراتيجية الشاملة؟"]
    keywords: [معاهدة, الشراكة]
    source: [s1]
  - id: kursk
    statement: "أثنى الرئيس على شجاعة الجنود في معارك كورسك."
    questions: ["على ماذا أثنى الرئيس في معارك كورسك؟"]
    keywords: [كورسك, الجنود]
    source: [s2]
  - id: contacts
    statement: "اتفق الطرفان على مواصلة الاتصالات وتبادل المعلومات."
    questions: ["على ماذا اتفق الطرفان بشأن الاتصالات؟"]
    source: [s3]
"""

ECLIPSE = """\
id: eclipse
title: "كسوف الشمس"
topics: [علوم]
sentences:
  - id: s1
    text: "يحدث كسوف الشمس عندما يمر القمر بين الأرض والشمس."
  - id: s2
    text: "لا يدوم الكسوف الكلي أكثر من سبع دقائق ونصف."
"""

MARKUP = """\
id: markup
title: "<b>أرباح</b> & <script>alert(1)</script>"
sentences:
  - id: s1
    text: "قالت شركة <Acme> إن الأرباح & الإيرادات ارتفعت بنسبة خمسة بالمئة."
facts:
  - id: profits
    statement: "ارتفعت أرباح شركة <Acme> & إيراداتها بنسبة خمسة بالمئة."
    questions: ["بكم ارتفعت أرباح شركة أكمي وإيراداتها؟"]
    source: [s1]
"""

LONG = f"""\
id: long-report
title: "تقرير طويل جدًّا عن الموانئ"
url: https://example.org/news/long
published: 2025-01-02
sentences:
  - id: s1
    text: "{"وصلت السفن إلى الموانئ محمّلة بالحبوب والوقود والآلات. " * 60}"
  - id: s2
    text: "{"وأكدت سلطات الموانئ أن حركة الشحن عادت إلى طبيعتها. " * 60}"
facts:
  - id: ports
    statement: "عادت حركة الشحن في الموانئ إلى طبيعتها بعد وصول السفن."
    questions: ["هل عادت حركة الشحن في الموانئ إلى طبيعتها؟"]
    source: [s1, s2]
"""

TREATY_QUESTION = "متى أبرمت معاهدة الشراكة الإستراتيجية الشاملة؟"
TREATY_STATEMENT = "أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في 19 حزيران/ يونيو 2024."
TREATY_QUOTE = "أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في 19 حزيران/ يونيو 2024 في بيونغ يانغ."
UNKNOWN_QUESTION = "ما عاصمة البرازيل وكم عدد سكانها؟"
# Close to the eclipse article by words, not answered by it: facts to suggest, no answer.
UNSURE_QUESTION = "ما مدة كسوف الشمس؟"
FLOOD_LIMIT = 4


@pytest.fixture(scope="module")
def bot(api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    process = BotProcess(
        api,
        tmp_path_factory.mktemp("readers"),
        config=f"flood:\n  questions: {FLOOD_LIMIT}\n  seconds: 60\n",
    )
    process.write_knowledge("treaty.yaml", TREATY)
    process.write_knowledge("science/eclipse.yaml", ECLIPSE)
    process.write_knowledge("markup.yaml", MARKUP)
    process.write_knowledge("long.yaml", LONG)
    with process:
        yield process
    assert api.token not in process.log()


def ask(api: FakeBotAPI, chat: dict, text: str, **kwargs: object) -> tuple[dict, Call]:
    """Send `text` into `chat` and wait for the bot's reply there."""
    mark = api.mark()
    message = api.send_text(chat, text, **kwargs)  # type: ignore[arg-type]
    return message, api.wait_for("sendMessage", chat_id=chat["id"], after=mark)


def test_commands_are_registered_in_arabic(api: FakeBotAPI, bot: BotProcess) -> None:
    call = api.sent("setMyCommands")[0]
    commands = {c["command"]: c["description"] for c in call.params["commands"]}
    assert {"start", "help", "topics", "ask"} <= set(commands)
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in d) for d in commands.values())


def test_a_private_question_is_answered_as_a_reply(api: FakeBotAPI, bot: BotProcess) -> None:
    message, reply = ask(api, api.private(1001), TREATY_QUESTION)
    assert reply.reply_to == message["message_id"]
    assert reply.params["parse_mode"] == "HTML"
    html = check_html(reply.text)
    assert TREATY_STATEMENT in html.text
    assert "blockquote" in html.tags and TREATY_QUOTE in html.text  # quoted verbatim
    assert html.links == ["https://example.org/news/treaty?id=1&lang=ar"]
    assert "NATO و«الشراكة»: معاهدة بين بلدين" in html.text and "2024-06-19" in html.text
    data = [b["callback_data"] for b in reply.buttons]
    assert "a:treaty-2024" in data  # the rest of the article


def test_an_unknown_question_gets_not_found_and_suggestions(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    _, reply = ask(api, api.private(1002), UNKNOWN_QUESTION)
    assert NOT_FOUND in check_html(reply.text).text
    assert reply.buttons, "the abstention offers what the bot knows"


def test_a_group_answers_ask_with_or_without_its_name(api: FakeBotAPI, bot: BotProcess) -> None:
    group = api.group(-2001)
    user = api.user(2001)
    message, reply = ask(api, group, "/ask " + TREATY_QUESTION, user=user)
    assert reply.reply_to == message["message_id"]
    assert TREATY_STATEMENT in check_html(reply.text).text
    message, reply = ask(api, group, f"/ask@{BOT_USERNAME} {TREATY_QUESTION}", user=user)
    assert reply.reply_to == message["message_id"]
    assert TREATY_STATEMENT in check_html(reply.text).text


def test_ask_works_in_a_private_chat_too(api: FakeBotAPI, bot: BotProcess) -> None:
    message, reply = ask(api, api.private(2006), "/ask " + TREATY_QUESTION)
    assert reply.reply_to == message["message_id"]
    assert TREATY_STATEMENT in check_html(reply.text).text


def test_a_group_answers_a_mention(api: FakeBotAPI, bot: BotProcess) -> None:
    group = api.group(-2002)
    text = f"@{BOT_USERNAME} متى أبرمت معاهدة الشراكة الإستراتيجية الشاملة؟"
    message, reply = ask(api, group, text, user=api.user(2002))
    assert reply.reply_to == message["message_id"]
    assert TREATY_STATEMENT in check_html(reply.text).text


def test_a_group_answers_a_reply_to_the_bot(api: FakeBotAPI, bot: BotProcess) -> None:
    group, user = api.group(-2003), api.user(2003)
    _, first = ask(api, group, "/ask " + TREATY_QUESTION, user=user)
    bot_message = first.result
    assert bot_message["from"]["id"] == api.me["id"]
    message, reply = ask(api, group, "على ماذا أثنى الرئيس في معارك كورسك؟", user=user,
                         reply_to=bot_message)  # fmt: skip
    assert reply.reply_to == message["message_id"]
    assert "كورسك" in check_html(reply.text).text


@pytest.mark.slow
def test_a_group_is_quiet_otherwise(api: FakeBotAPI, bot: BotProcess) -> None:
    group, user = api.group(-2004), api.user(2004)
    mark = api.mark()
    someone = api.send_text(group, TREATY_QUESTION, user=user)
    api.send_text(group, "@someone_else_here " + TREATY_QUESTION, user=user)
    api.send_text(group, TREATY_QUESTION, user=api.user(2005), reply_to=someone)
    api.send_text(group, "/ask@another_bot " + TREATY_QUESTION, user=user)
    api.assert_quiet(group["id"], after=mark, wait=1.0)


@pytest.mark.parametrize("chat_kind", ["private", "group"])
def test_start_help_and_topics_speak_arabic(
    api: FakeBotAPI, bot: BotProcess, chat_kind: str
) -> None:
    chat = api.private(3001) if chat_kind == "private" else api.group(-3001)
    user = api.user(3001)
    _, start = ask(api, chat, "/start", user=user)
    assert "سند" in check_html(start.text).text
    _, help_reply = ask(api, chat, f"/help@{BOT_USERNAME}", user=user)
    assert "/ask" in check_html(help_reply.text).text
    assert "/reload" not in help_reply.text  # not an admin
    _, topics = ask(api, chat, "/topics", user=user)
    shown = check_html(topics.text).text
    assert "معاهدات" in shown and "علوم" in shown
    assert "t:علوم" in [b["callback_data"] for b in topics.buttons]


def test_buttons_show_the_article_its_facts_and_topics(api: FakeBotAPI, bot: BotProcess) -> None:
    chat, user = api.private(4001), api.user(4001)
    _, reply = ask(api, chat, TREATY_QUESTION, user=user)
    message = reply.result

    mark = api.mark()
    api.press(user, message, "a:treaty-2024")
    edit = api.wait_for("editMessageText", chat_id=chat["id"], after=mark)
    assert api.wait_for("answerCallbackQuery", after=mark)
    assert edit.params["message_id"] == message["message_id"]
    assert "NATO" in check_html(edit.text).text
    facts = [b["callback_data"] for b in edit.buttons]
    assert facts == ["f:treaty-2024 treaty-date", "f:treaty-2024 kursk", "f:treaty-2024 contacts"]

    mark = api.mark()
    api.press(user, message, "f:treaty-2024 kursk")
    edit = api.wait_for("editMessageText", chat_id=chat["id"], after=mark)
    shown = check_html(edit.text)
    assert "أثنى الرئيس على شجاعة الجنود في معارك مقاطعة كورسك." in shown.text
    assert [b["callback_data"] for b in edit.buttons] == ["a:treaty-2024"]

    mark = api.mark()
    api.press(user, message, "t:علوم")
    edit = api.wait_for("editMessageText", chat_id=chat["id"], after=mark)
    assert "علوم" in check_html(edit.text).text
    assert [b["callback_data"] for b in edit.buttons] == ["a:eclipse"]


def test_a_stale_button_gets_a_polite_alert(api: FakeBotAPI, bot: BotProcess) -> None:
    chat, user = api.private(4002), api.user(4002)
    _, reply = ask(api, chat, TREATY_QUESTION, user=user)
    for data in ("k:ffff", "f:no-such-article gone", "a:no-such-article", "x:what"):
        mark = api.mark()
        api.press(user, reply.result, data)
        answer = api.wait_for("answerCallbackQuery", after=mark)
        assert answer.params.get("text") == wording.GONE
        assert answer.params.get("show_alert") is True


def test_a_suggestion_button_leads_somewhere(api: FakeBotAPI, bot: BotProcess) -> None:
    chat, user = api.private(4003), api.user(4003)
    _, reply = ask(api, chat, UNKNOWN_QUESTION, user=user)
    mark = api.mark()
    api.press(user, reply.result, reply.buttons[0]["callback_data"])
    edit = api.wait_for("editMessageText", chat_id=chat["id"], after=mark)
    check_html(edit.text)
    assert edit.buttons


def test_a_short_suggestion_shows_its_fact_and_subscribes_to_nothing(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    """Short suggestion data travels on the button itself; it once began like a topic button
    ("s:") and was read as /subscribe to a topic named after the fact."""
    chat, user = api.private(4005), api.user(4005)
    _, reply = ask(api, chat, UNKNOWN_QUESTION, user=user)
    data = CallbackData().encode(buttons.SUGGESTED, "treaty-2024", "kursk", "عن ماذا؟")
    assert not data.startswith(buttons.KEY)  # carried whole, as the bot would send it
    mark = api.mark()
    api.press(user, reply.result, data)
    edit = api.wait_for("editMessageText", chat_id=chat["id"], after=mark)
    assert "كورسك" in check_html(edit.text).text
    api.assert_quiet(chat["id"], after=edit.index + 1)


def test_a_question_button_asks_it(api: FakeBotAPI, bot: BotProcess) -> None:
    chat, user = api.private(4004), api.user(4004)
    _, reply = ask(api, chat, UNKNOWN_QUESTION, user=user)
    mark = api.mark()
    api.press(user, reply.result, "q:متى أبرمت معاهدة الشراكة؟")
    edit = api.wait_for("editMessageText", chat_id=chat["id"], after=mark)
    assert TREATY_STATEMENT in check_html(edit.text).text


def test_inline_mode_offers_rendered_answers(api: FakeBotAPI, bot: BotProcess) -> None:
    user = api.user(5001)
    mark = api.mark()
    query = api.inline_query(user, TREATY_QUESTION)
    call = api.wait_for("answerInlineQuery", after=mark)
    assert call.params["inline_query_id"] == query["id"]
    results = call.params["results"]
    assert 1 <= len(results) <= 4
    assert len({r["id"] for r in results}) == len(results)
    best = results[0]
    assert best["type"] == "article"
    content = best["input_message_content"]
    assert content["parse_mode"] == "HTML"
    shown = check_html(content["message_text"])
    assert TREATY_STATEMENT in shown.text and TREATY_QUOTE in shown.text

    # A button under a message sent through inline mode edits it by inline_message_id.
    data = best["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    mark = api.mark()
    api.press_inline(user, "inline-msg-1", data)
    edit = api.wait_for("editMessageText", after=mark)
    assert edit.params["inline_message_id"] == "inline-msg-1"
    check_html(edit.text)


def test_inline_mode_when_unsure_offers_the_close_facts_under_a_button_that_says_so(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    mark = api.mark()
    api.inline_query(api.user(5003), UNSURE_QUESTION)
    call = api.wait_for("answerInlineQuery", after=mark)
    assert call.params["button"]["text"] == wording.INLINE_NOT_SURE
    results = call.params["results"]
    assert 1 <= len(results) <= 3
    shown = check_html(results[0]["input_message_content"]["message_text"])
    assert "كسوف" in shown.text


@pytest.mark.parametrize("text", ["", "   ", UNKNOWN_QUESTION])
def test_inline_mode_without_an_answer_points_to_a_private_chat(
    api: FakeBotAPI, bot: BotProcess, text: str
) -> None:
    mark = api.mark()
    api.inline_query(api.user(5002), text)
    call = api.wait_for("answerInlineQuery", after=mark)
    assert call.params["results"] == []
    assert call.params["button"]["start_parameter"]


HOSTILE = [
    "😀🎉🔥" * 10,
    "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652" * 5,
    "<b>x</b> & <script>alert(1)</script>",
    "\u202e" + TREATY_QUESTION + "\u202c\u2066",
    "؟؟؟!!!...",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_questions_get_valid_escaped_html(
    api: FakeBotAPI, bot: BotProcess, text: str
) -> None:
    chat = api.private(6000 + HOSTILE.index(text))
    message, reply = ask(api, chat, text)
    assert reply.reply_to == message["message_id"]
    shown = check_html(reply.text)
    assert "<script>" not in reply.text and "<b>x" not in reply.text
    assert shown.text.strip()


def test_controls_around_a_question_do_not_hide_it(api: FakeBotAPI, bot: BotProcess) -> None:
    _, reply = ask(api, api.private(6101), "\u202e" + TREATY_QUESTION + "\u202c")
    assert TREATY_STATEMENT in check_html(reply.text).text


def test_a_very_long_question_gets_a_polite_note(api: FakeBotAPI, bot: BotProcess) -> None:
    _, reply = ask(api, api.private(6102), "سؤال " * 1000)
    assert check_html(reply.text).text.strip("\u200f") == wording.TOO_LONG


@pytest.mark.parametrize("text", ["/ask", "/ask    ", f"/ask@{BOT_USERNAME}"])
def test_an_empty_ask_shows_how_to_ask(api: FakeBotAPI, bot: BotProcess, text: str) -> None:
    _, reply = ask(api, api.group(-6103), text, user=api.user(6103))
    assert "/ask" in check_html(reply.text).text


def test_knowledge_text_is_escaped_in_answers(api: FakeBotAPI, bot: BotProcess) -> None:
    _, reply = ask(api, api.private(6104), "بكم ارتفعت أرباح شركة أكمي وإيراداتها؟")
    shown = check_html(reply.text)
    assert "ارتفعت أرباح شركة <Acme> & إيراداتها" in shown.text
    assert "<b>أرباح</b> & <script>alert(1)</script>" in shown.text
    assert "script" not in shown.tags


def test_a_long_answer_fits_telegrams_limit(api: FakeBotAPI, bot: BotProcess) -> None:
    _, reply = ask(api, api.private(6106), "هل عادت حركة الشحن في الموانئ إلى طبيعتها؟")
    shown = check_html(reply.text)  # also checks the 4,096-character limit
    assert "عادت حركة الشحن في الموانئ إلى طبيعتها بعد وصول السفن." in shown.text
    assert shown.text.count("…") >= 1
    assert shown.links == ["https://example.org/news/long"] and "2025-01-02" in shown.text


def test_other_messages_in_private(api: FakeBotAPI, bot: BotProcess) -> None:
    chat = api.private(6105)
    mark = api.mark()
    api.inject({"message": api.message(chat, None, sticker=_sticker())})
    note = api.wait_for("sendMessage", chat_id=chat["id"], after=mark)
    assert wording.TEXT_ONLY in note.text
    _, reply = ask(api, chat, "/nosuchcommand")
    assert wording.UNKNOWN_COMMAND in reply.text


@pytest.mark.slow
def test_flood_control_answers_then_warns_once_then_waits(api: FakeBotAPI, bot: BotProcess) -> None:
    chat = api.private(7001)
    mark = api.mark()
    for _ in range(FLOOD_LIMIT + 3):
        api.send_text(chat, TREATY_QUESTION)
    replies = api.wait_calls("sendMessage", FLOOD_LIMIT + 1, after=mark)
    api.assert_quiet(chat["id"], after=replies[-1].index + 1, wait=0.5)
    texts = [c.text for c in api.sent("sendMessage", chat_id=chat["id"], after=mark)]
    assert len(texts) == FLOOD_LIMIT + 1
    assert sum(wording.SLOW_DOWN in t for t in texts) == 1
    assert sum(TREATY_STATEMENT in t for t in texts) == FLOOD_LIMIT


@pytest.mark.slow
def test_the_bot_survives_server_errors(api: FakeBotAPI, bot: BotProcess) -> None:
    chat = api.private(8001)
    api.fail(chat["id"], 500, "Internal Server Error", methods=("sendMessage",))
    mark = api.mark()
    api.send_text(chat, TREATY_QUESTION)
    failed = api.wait_for("sendMessage", chat_id=chat["id"], after=mark)
    assert failed.result is None  # the server refused it
    again = api.wait_for("sendMessage", chat_id=chat["id"], after=failed.index + 1)
    assert TREATY_STATEMENT in again.text  # and the bot tried again
    api.fail("getUpdates", 500, "Internal Server Error")
    _, reply = ask(api, chat, TREATY_QUESTION)
    assert TREATY_STATEMENT in reply.text
    assert f"sendMessage to chat {chat['id']}: Internal Server Error; trying again" in bot.log()


@pytest.mark.slow
def test_a_429_on_a_reply_waits_and_sends_it(api: FakeBotAPI, bot: BotProcess) -> None:
    chat = api.private(8002)
    api.fail(
        chat["id"],
        429,
        "Too Many Requests: retry after 1",
        parameters={"retry_after": 1},
        methods=("sendMessage",),
    )
    mark = api.mark()
    api.send_text(chat, TREATY_QUESTION)
    first = api.wait_for("sendMessage", chat_id=chat["id"], after=mark)
    second = api.wait_for("sendMessage", chat_id=chat["id"], after=first.index + 1)
    assert second.at - first.at >= 1.0
    assert TREATY_STATEMENT in second.text


def test_an_answer_follows_a_group_that_became_a_supergroup(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    group = api.group(-8003, kind="group")
    api.fail(group["id"], 400, "Bad Request: group chat was upgraded to a supergroup chat",
             parameters={"migrate_to_chat_id": -1008003}, methods=("sendMessage",))  # fmt: skip
    mark = api.mark()
    api.send_text(group, "/ask " + TREATY_QUESTION, user=api.user(8003))
    reply = api.wait_for("sendMessage", chat_id=-1008003, after=mark)
    assert TREATY_STATEMENT in check_html(reply.text).text


def test_the_token_never_reaches_the_log(api: FakeBotAPI, bot: BotProcess) -> None:
    ask(api, api.private(9001), TREATY_QUESTION)
    time.sleep(0.1)
    log = bot.log()
    assert "Application started" in log
    assert api.token not in log and api.token.split(":")[1] not in log


def _sticker() -> dict:
    return {
        "file_id": "sticker",
        "file_unique_id": "s",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
