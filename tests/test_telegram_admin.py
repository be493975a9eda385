"""`sanad run` end to end for admins: reload, stats, unanswered, knowledge uploads — and
strangers refused without learning anything about the knowledge files."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fakebotapi import BotProcess, Call, FakeBotAPI, check_html

from bot.messages import NOT_FOUND
from bot.telegram import wording

# Out of the quick loop: a real `sanad run` takes admin commands and uploads (about 1.5 s).
pytestmark = pytest.mark.slow

ADMIN = 111
STRANGER = 222

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
ECLIPSE_QUESTION = "متى يحدث كسوف الشمس؟"

MARATHON = """\
id: marathon
title: "سباق الماراثون"
topics: [رياضة]
sentences:
  - id: s1
    text: "تبلغ مسافة سباق الماراثون اثنين وأربعين كيلومترًا ومئة وخمسة وتسعين مترًا."
facts:
  - id: distance
    statement: "مسافة الماراثون 42.195 كيلومترًا."
    questions: ["كم تبلغ مسافة سباق الماراثون؟"]
    source: [s1]
"""
MARATHON_QUESTION = "كم تبلغ مسافة سباق الماراثون؟"

VOLCANO = """\
id: volcano
title: "البراكين"
sentences:
  - id: s1
    text: "تثور البراكين عندما تندفع الصهارة من باطن الأرض إلى سطحها."
facts:
  - id: eruption
    statement: "تثور البراكين حين تندفع الصهارة إلى سطح الأرض."
    questions: ["لماذا تثور البراكين؟"]
    source: [s1]
"""
VOLCANO_QUESTION = "لماذا تثور البراكين؟"

BROKEN = """\
id: broken
title: "ملف معطوب"
sentences:
  - id: s1
    text: "جملة."
facts:
  - id: f1
    statement: "حقيقة."
    source: [s9]
"""


@pytest.fixture(scope="module")
def bot(api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    process = BotProcess(api, tmp_path_factory.mktemp("admin"), admins=(ADMIN,))
    process.write_knowledge("eclipse.yaml", ECLIPSE)
    with process:
        yield process
    assert api.token not in process.log()


@pytest.fixture
def fresh(bot: BotProcess) -> Iterator[BotProcess]:
    """The bot with its knowledge folder put back to the eclipse alone afterwards."""
    yield bot
    for path in bot.knowledge.rglob("*.yaml"):
        if path.name != "eclipse.yaml":
            path.unlink()


def say(api: FakeBotAPI, user_id: int, text: str, chat: dict | None = None) -> Call:
    chat = chat or api.private(user_id)
    mark = api.mark()
    api.send_text(chat, text, user=api.user(user_id))
    return api.wait_for("sendMessage", chat_id=chat["id"], after=mark)


def upload(api: FakeBotAPI, user_id: int, content: str | bytes, name: str) -> Call:
    chat = api.private(user_id)
    mark = api.mark()
    data = content.encode() if isinstance(content, str) else content
    api.send_document(chat, data, name, user=api.user(user_id))
    return api.wait_for("sendMessage", chat_id=chat["id"], after=mark)


@pytest.mark.parametrize("command", ["/reload", "/stats", "/unanswered"])
def test_strangers_are_refused_admin_commands(
    api: FakeBotAPI, bot: BotProcess, command: str
) -> None:
    reply = say(api, STRANGER, command)
    assert check_html(reply.text).text.strip("\u200f") == wording.ADMINS_ONLY
    group_reply = say(api, STRANGER, command, chat=api.group(-222))
    assert wording.ADMINS_ONLY in group_reply.text


def test_an_admin_with_a_strangers_username_is_still_a_stranger(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    mark = api.mark()
    api.send_text(api.private(333), "/stats", user=api.user(333, username=f"admin{ADMIN}"))
    reply = api.wait_for("sendMessage", chat_id=333, after=mark)
    assert wording.ADMINS_ONLY in reply.text


def test_admins_see_their_commands_in_help(api: FakeBotAPI, bot: BotProcess) -> None:
    assert "/reload" in check_html(say(api, ADMIN, "/help").text).text


def test_reload_reports_what_was_added_and_serves_it(api: FakeBotAPI, fresh: BotProcess) -> None:
    fresh.write_knowledge("sport/marathon.yaml", MARATHON)
    reply = say(api, ADMIN, "/reload")
    shown = check_html(reply.text).text
    assert "أُضيف 1" in shown and "+ marathon" in shown
    answer = say(api, 4001, MARATHON_QUESTION)
    assert "42.195" in answer.text


def test_reload_with_an_invalid_file_keeps_the_old_knowledge(
    api: FakeBotAPI, fresh: BotProcess
) -> None:
    fresh.write_knowledge("broken.yaml", BROKEN)
    reply = say(api, ADMIN, "/reload")
    shown = check_html(reply.text).text
    assert wording.RELOAD_FAILED in shown
    assert "knowledge/broken.yaml:9: fact 'f1': source 's9'" in shown
    answer = say(api, 4002, ECLIPSE_QUESTION)
    assert "يحدث كسوف الشمس عندما يمر القمر بين الأرض والشمس." in answer.text


def test_readers_are_answered_while_a_reload_runs(api: FakeBotAPI, fresh: BotProcess) -> None:
    for number in range(30):
        fresh.write_knowledge(f"bulk/m{number}.yaml", MARATHON.replace("marathon", f"m{number}"))
    mark = api.mark()
    api.inject_many(
        [
            {"message": api.message(api.private(ADMIN), "/reload", user=api.user(ADMIN))},
            {"message": api.message(api.private(4003), ECLIPSE_QUESTION)},
        ]
    )
    answer = api.wait_for("sendMessage", chat_id=4003, after=mark)
    assert "كسوف" in answer.text
    report = api.wait_for("sendMessage", chat_id=ADMIN, after=mark, timeout=20)
    assert "أُضيف 30" in check_html(report.text).text
    for path in fresh.knowledge.glob("bulk/*.yaml"):
        path.unlink()
    say(api, ADMIN, "/reload")


def test_stats_count_articles_facts_and_questions(api: FakeBotAPI, bot: BotProcess) -> None:
    say(api, 4004, ECLIPSE_QUESTION)
    say(api, 4004, "ما لون سماء المريخ في النهار؟")
    shown = check_html(say(api, ADMIN, "/stats").text).text
    numbers = dict(
        line.strip("\u200f").split(": ", 1) for line in shown.splitlines() if ": " in line
    )
    assert numbers["الأخبار"] == "1" and numbers["الحقائق"] == "2"
    asked_today = int(numbers["الأسئلة اليوم"].split()[0])
    assert asked_today >= 2
    assert numbers["المحادثات المشتركة"] == "0"


def test_unanswered_lists_the_most_asked(api: FakeBotAPI, bot: BotProcess) -> None:
    question = "من فاز بكأس العالم لكرة القدم <عام> 1930؟"
    for user in (4005, 4006, 4007):
        assert NOT_FOUND in say(api, user, question).text
    shown = check_html(say(api, ADMIN, "/unanswered").text).text  # the most asked first
    assert f"«{question}»" in shown and "سُئل 3 مرة" in shown


def test_an_admin_uploads_a_knowledge_file(api: FakeBotAPI, fresh: BotProcess) -> None:
    reply = upload(api, ADMIN, VOLCANO, "volcano.yaml")
    shown = check_html(reply.text).text
    assert "volcano.yaml" in shown and "أُضيف 1" in shown
    assert (fresh.knowledge / "volcano.yaml").read_text(encoding="utf-8") == VOLCANO
    assert "الصهارة" in say(api, 4008, VOLCANO_QUESTION).text


def test_an_invalid_upload_is_not_saved(api: FakeBotAPI, fresh: BotProcess) -> None:
    reply = upload(api, ADMIN, BROKEN, "broken.yaml")
    shown = check_html(reply.text).text
    assert "knowledge/broken.yaml:9:" in shown
    assert not (fresh.knowledge / "broken.yaml").exists()
    malformed = upload(api, ADMIN, "id: [unclosed\n", "bad.yml")
    assert "knowledge/bad.yml:" in check_html(malformed.text).text
    binary = upload(api, ADMIN, b"\xff\xfe\x00", "binary.yaml")
    assert "UTF-8" in check_html(binary.text).text
    assert sorted(p.name for p in fresh.knowledge.rglob("*.y*ml")) == ["eclipse.yaml"]


def test_an_upload_may_not_reuse_another_files_id(api: FakeBotAPI, fresh: BotProcess) -> None:
    reply = upload(api, ADMIN, ECLIPSE, "copy.yaml")
    assert "duplicate article id 'eclipse'" in check_html(reply.text).text
    assert not (fresh.knowledge / "copy.yaml").exists()


def test_an_upload_must_be_yaml(api: FakeBotAPI, fresh: BotProcess) -> None:
    for name in ("notes.json", "../escape.yaml", ".hidden.yaml"):
        reply = upload(api, ADMIN, VOLCANO, name)
        shown = check_html(reply.text).text
        if name == "../escape.yaml":  # only the base name is ever used
            assert "escape.yaml" in shown
            assert not (fresh.root / "escape.yaml").exists()
            (fresh.knowledge / "escape.yaml").unlink()
            say(api, ADMIN, "/reload")
        else:
            assert wording.UPLOAD_NOT_YAML in shown


def test_strangers_uploads_are_refused_politely(api: FakeBotAPI, fresh: BotProcess) -> None:
    mark = api.mark()
    reply = upload(api, STRANGER, VOLCANO, "volcano.yaml")
    shown = check_html(reply.text).text
    assert shown.strip("\u200f") == wording.FILES_REFUSED
    assert "yaml" not in shown.lower() and "knowledge" not in shown.lower()
    assert not (fresh.knowledge / "volcano.yaml").exists()
    assert not api.sent("getFile", after=mark)  # the file was not even fetched


def test_uploads_from_two_admins_messages_at_once_are_both_handled(
    api: FakeBotAPI, fresh: BotProcess
) -> None:
    chat = api.private(ADMIN)
    mark = api.mark()
    sending = [
        threading.Thread(
            target=api.send_document,
            args=(chat, text.encode(), name),
            kwargs={"user": api.user(ADMIN)},
        )
        for text, name in ((VOLCANO, "volcano.yaml"), (MARATHON, "marathon.yaml"))
    ]
    for thread in sending:
        thread.start()
    for thread in sending:
        thread.join()
    replies = api.wait_calls("sendMessage", 2, after=mark, timeout=15)
    assert all("أُضيف 1" in check_html(r.text).text for r in replies)
    assert {"volcano.yaml", "marathon.yaml"} <= {p.name for p in fresh.knowledge.iterdir()}
