"""Subscriptions end to end: `sanad run` against the fake Bot API server.

Private chats, groups and channels subscribe; a reload that brings new articles delivers each
to exactly the chats subscribed to it, once — through 403, 400, 429, migrations and restarts.
"""

from __future__ import annotations

import collections
import signal
import time
from collections.abc import Iterator

import pytest
from fakebotapi import BOT_ID, BotProcess, Call, FakeBotAPI, check_html

from bot.telegram import wording

# Out of the quick loop: real `sanad run` processes broadcast, are killed and start again
# (about 20 s).
pytestmark = pytest.mark.slow

ADMIN = 111
NEWS_MARK = "📰"
FAST = "news:\n  per_second: 30\n  private_seconds: 0.2\n"

ECLIPSE = """\
id: eclipse
title: "كسوف الشمس"
topics: [علوم]
sentences:
  - id: s1
    text: "يحدث كسوف الشمس عندما يمر القمر بين الأرض والشمس."
"""


def article(article_id: str, title: str, topics: str, text: str) -> str:
    return (
        f'id: {article_id}\ntitle: "{title}"\ntopics: [{topics}]\n'
        f'sentences:\n  - id: s1\n    text: "{text}"\n'
    )


TREATY = article(
    "treaty", "معاهدة روسية كورية", "روسيا, دبلوماسية", "وقّع البلدان معاهدة شراكة جديدة."
)
MARATHON = article("marathon", "سباق الماراثون", "رياضة", "تبلغ مسافة الماراثون 42 كيلومترًا.")
COMET = article("comet", "مذنب جديد", "علوم", "رصد الفلكيون مذنبًا يقترب من الشمس.")


@pytest.fixture(scope="module")
def bot(api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    process = BotProcess(api, tmp_path_factory.mktemp("news"), admins=(ADMIN,), config=FAST)
    process.write_knowledge("eclipse.yaml", ECLIPSE)
    process.write_knowledge(
        "treaty-old.yaml", article("old", "قديم", "روسيا, رياضة, دبلوماسية", "خبر قديم.")
    )
    with process:
        yield process


def say(api: FakeBotAPI, chat: dict, text: str, user_id: int | None = None, **extra) -> Call:
    mark = api.mark()
    if chat["type"] == "channel":
        api.send_text(chat, text, **extra)
    else:
        api.send_text(chat, text, user=api.user(user_id or chat["id"]), **extra)
    return api.wait_for("sendMessage", chat_id=chat["id"], after=mark)


def shown(call: Call) -> str:
    return check_html(call.text).text.replace("\u200f", "")


def publish(api: FakeBotAPI, bot: BotProcess, name: str, text: str) -> int:
    """Add a knowledge file and /reload as the admin; the mark before the reload."""
    bot.write_knowledge(name, text)
    mark = api.mark()
    reply = say(api, api.private(ADMIN), "/reload")
    assert "أُضيف" in shown(reply), shown(reply)
    return mark


def news_sent(api: FakeBotAPI, after: int) -> collections.Counter:
    """How many news messages each chat received since `after`."""
    return collections.Counter(
        c.chat_id
        for c in api.sent("sendMessage", after=after)
        if NEWS_MARK in c.text and "message_id" in (c.result or {})
    )


def wait_news(api: FakeBotAPI, after: int, chats: set, timeout: float = 15) -> collections.Counter:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = news_sent(api, after)
        if chats <= set(got):
            break
        time.sleep(0.05)
    time.sleep(0.6)  # anything extra (a second copy, a wrong chat) would show up by now
    return news_sent(api, after)


def test_private_chat_subscribes_lists_and_unsubscribes(api: FakeBotAPI, bot: BotProcess) -> None:
    chat = api.private(501)
    subscribed = say(api, chat, "/subscribe")
    assert wording.SUBSCRIBED_ALL in shown(subscribed)
    assert subscribed.reply_to is None  # a private chat's reply follows the command unquoted
    assert wording.ALREADY_SUBSCRIBED in shown(say(api, chat, "/subscribe"))
    assert "روسيا" in shown(say(api, chat, "/subscribe روسيا"))
    listed = shown(say(api, chat, "/subscriptions"))
    assert wording.ALL_NEWS in listed and "روسيا" in listed
    assert "روسيا" in shown(say(api, chat, "/unsubscribe روسيا"))
    assert wording.UNSUBSCRIBED_ALL in shown(say(api, chat, "/unsubscribe"))
    assert wording.NO_SUBSCRIPTIONS.split(".")[0] in shown(say(api, chat, "/subscriptions"))
    assert wording.NOT_SUBSCRIBED in shown(say(api, chat, "/unsubscribe"))


def test_topics_match_after_normalisation_and_unknown_ones_offer_buttons(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    chat = api.private(502)
    assert wording.SUBSCRIBED.format(topic="روسيا") in shown(say(api, chat, "/subscribe رُوسيا"))
    reply = say(api, chat, "/subscribe اليابان")
    assert "اليابان" in shown(reply)
    buttons = [b["text"] for b in reply.buttons]
    assert "علوم" in buttons and "روسيا" in buttons
    message = api.messages[(502, reply.result["message_id"])]
    mark = api.mark()
    science = next(b for b in reply.buttons if b["text"] == "علوم")
    api.press(api.user(502), message, science["callback_data"])
    confirm = api.wait_for("sendMessage", chat_id=502, after=mark)
    assert "علوم" in shown(confirm)
    listed = shown(say(api, chat, "/subscriptions"))
    assert "علوم" in listed and "روسيا" in listed
    say(api, chat, "/unsubscribe")


def test_in_a_group_only_admins_change_subscriptions(api: FakeBotAPI, bot: BotProcess) -> None:
    group = api.group(-601)
    refused = say(api, group, "/subscribe", user_id=602)
    assert wording.SUBSCRIBE_ADMINS_ONLY in shown(refused)
    assert refused.reply_to is not None  # in a group, the reply quotes whose command it answers
    assert wording.NO_SUBSCRIPTIONS.split(".")[0] in shown(say(api, group, "/subscriptions", 602))
    api.set_member(-601, 603, "administrator")
    assert wording.SUBSCRIBED_ALL in shown(say(api, group, "/subscribe", user_id=603))
    # An anonymous admin posts as the group itself.
    anonymous = say(api, group, "/subscribe رياضة", user_id=1087968824, sender_chat=group)
    assert wording.SUBSCRIBED.format(topic="رياضة") in shown(anonymous)
    assert wording.SUBSCRIBE_ADMINS_ONLY in shown(say(api, group, "/unsubscribe", 602))
    assert wording.UNSUBSCRIBED_ALL in shown(say(api, group, "/unsubscribe", 603))


def test_channel_posts_subscribe_when_the_bot_is_an_admin(api: FakeBotAPI, bot: BotProcess) -> None:
    channel = api.channel(-1007, "قناة الأخبار")
    assert wording.CHANNEL_BOT_NOT_ADMIN in shown(say(api, channel, "/subscribe"))
    api.set_member(-1007, BOT_ID, "administrator", can_post_messages=True)
    assert wording.SUBSCRIBED.format(topic="علوم") in shown(say(api, channel, "/subscribe علوم"))
    assert "علوم" in shown(say(api, channel, "/subscriptions"))
    assert wording.UNSUBSCRIBED_ALL in shown(say(api, channel, "/unsubscribe"))


def test_a_channel_admin_subscribes_the_channel_from_a_private_chat(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    channel = api.channel(-1008, "قناة الرياضة", username="sport_news")
    api.add_chat(channel)
    chat = api.private(701)
    assert wording.CHANNEL_USER_NOT_ADMIN in shown(say(api, chat, "/subscribe @sport_news"))
    api.set_member(-1008, 701, "creator")
    assert wording.CHANNEL_BOT_NOT_ADMIN in shown(say(api, chat, "/subscribe @sport_news"))
    api.set_member(-1008, BOT_ID, "administrator", can_post_messages=True)
    done = shown(say(api, chat, "/subscribe @sport_news رياضة"))
    assert wording.SUBSCRIBED.format(topic="رياضة") in done and "قناة الرياضة" in done
    assert "رياضة" in shown(say(api, chat, "/subscriptions @sport_news"))
    missing = shown(say(api, chat, "/subscribe @nowhere"))
    assert "@nowhere" in missing
    say(api, chat, "/unsubscribe @sport_news")


def test_a_reload_delivers_each_new_article_once_to_exactly_the_matching_chats(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    everything, russia, sport = api.private(801), api.private(802), api.private(803)
    group = api.group(-804)
    api.set_member(-804, 805, "administrator")
    say(api, everything, "/subscribe")
    say(api, russia, "/subscribe روسيا")
    say(api, sport, "/subscribe رياضة")
    say(api, group, "/subscribe دبلوماسية", user_id=805)
    bystander = api.private(806)
    say(api, bystander, "/start")
    mark = publish(api, bot, "treaty.yaml", TREATY)
    got = wait_news(api, mark, {801, 802, -804})
    assert got == {801: 1, 802: 1, -804: 1}
    message = next(c for c in api.sent("sendMessage", after=mark) if c.chat_id == 802)
    text = shown(message)
    assert "معاهدة روسية كورية" in text and "وقّع البلدان معاهدة شراكة جديدة." in text
    assert wording.ASK_ABOUT_NEWS in text
    # A reload that changes nothing, or changes the article, sends nothing again.
    mark = api.mark()
    say(api, api.private(ADMIN), "/reload")
    bot.write_knowledge("treaty.yaml", TREATY.replace("جديدة", "جديدة تمامًا"))
    say(api, api.private(ADMIN), "/reload")
    mark_sport = publish(api, bot, "marathon.yaml", MARATHON)
    got = wait_news(api, mark_sport, {801, 803})
    assert got == {801: 1, 803: 1}
    assert news_sent(api, mark) == {801: 1, 803: 1}
    for chat in (everything, russia, sport):
        say(api, chat, "/unsubscribe")
    say(api, group, "/unsubscribe", user_id=805)


def test_failures_deactivate_retry_or_follow_the_chat(api: FakeBotAPI, bot: BotProcess) -> None:
    blocked, gone, busy = api.private(901), api.private(902), api.private(903)
    group = api.group(-904, kind="group")
    api.set_member(-904, 905, "administrator")
    for chat in (blocked, gone, busy):
        say(api, chat, "/subscribe علوم")
    say(api, group, "/subscribe علوم", user_id=905)
    api.fail(901, 403, "Forbidden: bot was blocked by the user", methods=("sendMessage",))
    api.fail(902, 400, "Bad Request: chat not found", methods=("sendMessage",))
    api.fail(903, 429, "Too Many Requests: retry after 2", parameters={"retry_after": 2})
    api.fail(
        -904,
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        parameters={"migrate_to_chat_id": -100904},
    )
    mark = publish(api, bot, "comet.yaml", COMET)
    # A reader is answered at once while chat 903 waits out its 429.
    started = time.monotonic()
    answer = say(api, api.private(906), "متى يحدث كسوف الشمس؟")
    assert time.monotonic() - started < 1.5 and "كسوف" in shown(answer)
    got = wait_news(api, mark, {903, -100904})
    assert got == {903: 1, -100904: 1}
    attempts = [c for c in api.sent("sendMessage", chat_id=903, after=mark) if NEWS_MARK in c.text]
    assert len(attempts) == 2 and attempts[1].at - attempts[0].at >= 2
    assert len([c for c in api.sent("sendMessage", chat_id=901, after=mark)]) == 1
    # The supergroup kept the group's subscription.
    api.set_member(-100904, 905, "administrator")
    assert "علوم" in shown(say(api, api.group(-100904), "/subscriptions", user_id=905))
    stats = shown(say(api, api.private(ADMIN), "/stats"))
    assert "(forbidden: Forbidden: bot was blocked by the user): 1" in stats
    assert "(chat not found): 1" in stats and "(migrated): 1" in stats
    # Nothing more goes to the chats that failed for good.
    mark = publish(api, bot, "comet2.yaml", COMET.replace("comet", "comet2"))
    assert set(wait_news(api, mark, {903, -100904})) == {903, -100904}
    for chat in (busy,):
        say(api, chat, "/unsubscribe")
    say(api, api.group(-100904), "/unsubscribe", user_id=905)


def test_removal_and_migration_updates_move_or_stop_subscriptions(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    group, kicked = api.group(-950, kind="group"), api.group(-951)
    for chat_id in (-950, -951):
        api.set_member(chat_id, 952, "administrator")
    say(api, group, "/subscribe علوم", user_id=952)
    say(api, kicked, "/subscribe علوم", user_id=952)
    api.send_text(group, None, user=api.user(952), migrate_to_chat_id=-100950)
    me = {"id": BOT_ID, "is_bot": True, "first_name": "سند"}
    api.inject(
        {
            "my_chat_member": {
                "chat": kicked,
                "from": api.user(952),
                "date": int(time.time()),
                "old_chat_member": {"user": me, "status": "member"},
                "new_chat_member": {"user": me, "status": "kicked", "until_date": 0},
            }
        }
    )
    api.set_member(-100950, 952, "administrator")
    deadline = time.monotonic() + 10
    while "علوم" not in shown(say(api, api.group(-100950), "/subscriptions", user_id=952)):
        assert time.monotonic() < deadline, "the migration was not applied"
        time.sleep(0.2)
    mark = publish(api, bot, "comet3.yaml", COMET.replace("comet", "comet3"))
    assert wait_news(api, mark, {-100950}) == {-100950: 1}
    say(api, api.group(-100950), "/unsubscribe", user_id=952)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_restart_in_the_middle_of_a_broadcast_loses_nothing(
    tmp_path_factory: pytest.TempPathFactory, stop: signal.Signals
) -> None:
    slow = "news:\n  per_second: 20\n  private_seconds: 0.2\n"
    root = tmp_path_factory.mktemp("restart")
    # Its own server: the module's bot must not take this test's updates.
    with FakeBotAPI() as api:
        process = BotProcess(api, root, admins=(ADMIN,), config=slow)
        process.write_knowledge("eclipse.yaml", ECLIPSE)
        readers = [api.private(10_000 + i) for i in range(40)]
        with process:
            for chat in readers:
                say(api, chat, "/subscribe")
            mark = publish(api, process, "comet.yaml", COMET)
            api.wait_calls("sendMessage", 8, after=mark + 1, timeout=10)
            assert process.stop(stop) in (0, -signal.SIGKILL)
            during = news_sent(api, mark)
            assert 0 < sum(during.values()) < len(readers), "stopped in the middle"
            process.start()
            got = wait_news(api, mark, {c["id"] for c in readers}, timeout=20)
    assert set(got) == {c["id"] for c in readers}
    doubled = {chat: n for chat, n in got.items() if n > 1}
    if stop == signal.SIGTERM:
        assert doubled == {}  # a clean stop finishes the message in flight and records it
    else:
        # Killed outright, the one message in flight may have reached Telegram unrecorded.
        assert sum(doubled.values()) <= 2, doubled
