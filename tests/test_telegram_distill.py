"""`sanad run` end to end for drafts: an admin sends a plain-text article, gets the draft back
as a YAML document, publishes it with the button, and readers are answered from it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakebotapi import BotProcess, Call, FakeBotAPI, check_html

from bot.distill import DistillError
from bot.knowledge import read_text
from bot.messages import NOT_FOUND
from bot.telegram import wording
from bot.telegram.drafts import Options, parse_options

# Out of the quick loop: a real `sanad run` drafts, publishes and restarts (about 4 s).
pytestmark = pytest.mark.slow

ADMIN = 111
STRANGER = 222
DATA = Path(__file__).resolve().parent / "data"
ARTICLES = Path(__file__).resolve().parent.parent.parent / "shared" / "articles"
SAMPLE = next(iter(sorted(ARTICLES.glob("000_*.txt"))), None) if ARTICLES.is_dir() else None

ECLIPSE = """\
id: eclipse
title: "كسوف الشمس"
sentences:
  - id: s1
    text: "يحدث كسوف الشمس عندما يمر القمر بين الأرض والشمس."
"""
RLM = "\u200f"


@pytest.fixture(scope="module")
def bot(api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    process = BotProcess(api, tmp_path_factory.mktemp("distill"), admins=(ADMIN,))
    process.write_knowledge("eclipse.yaml", ECLIPSE)
    with process:
        yield process
    assert api.token not in process.log()


@pytest.fixture
def fresh(api: FakeBotAPI, bot: BotProcess) -> Iterator[BotProcess]:
    """The bot with the eclipse alone in its knowledge folder and no drafts, afterwards."""
    yield bot
    for path in bot.knowledge.rglob("*.yaml"):
        if path.name != "eclipse.yaml":
            path.unlink()
    shutil.rmtree(drafts(bot), ignore_errors=True)
    say(api, ADMIN, "/reload")


@pytest.fixture(scope="module")
def article() -> str:
    if SAMPLE is None:
        pytest.skip("../shared/articles is not here")
    return SAMPLE.read_text(encoding="utf-8")


def drafts(bot: BotProcess) -> Path:
    return bot.root / "data" / "drafts"


def shown(call: Call) -> str:
    """What the reader sees of a message or a document's caption, its HTML checked."""
    html = call.text if call.method == "sendMessage" else call.params.get("caption", "")
    return check_html(html).text.replace(RLM, "")


def first_reply(api: FakeBotAPI, chat_id: int, mark: int) -> Call:
    """The bot's first message or document to `chat_id` after `mark`."""
    return api.wait_for(
        None,  # type: ignore[arg-type]  # any method that sends
        chat_id=chat_id,
        after=mark,
        where=lambda c: c.method in ("sendMessage", "sendDocument"),
    )


def say(api: FakeBotAPI, user_id: int, text: str, **kwargs: Any) -> Call:
    mark = api.mark()
    api.send_text(api.private(user_id), text, user=api.user(user_id), **kwargs)
    return first_reply(api, user_id, mark)


def send_txt(api: FakeBotAPI, user_id: int, content: bytes, caption: str | None = None) -> Call:
    mark = api.mark()
    extra = {"caption": caption} if caption else {}
    api.send_document(api.private(user_id), content, "article.txt", user=api.user(user_id), **extra)
    return first_reply(api, user_id, mark)


def draft_of(call: Call) -> tuple[str, str]:
    """The draft document's file name and text, which must be a valid knowledge file."""
    assert call.method == "sendDocument", shown(call)
    name = call.result["document"]["file_name"]
    text = call.files["document"].decode("utf-8")
    articles, errors = read_text(text, name)
    assert not errors and len(articles) == 1
    assert name == f"{articles[0].id}.yaml"
    return name, text


def press_publish(api: FakeBotAPI, user_id: int, document: Call) -> Call:
    """Press the publish button under the draft; the bot's answer to the press."""
    (button,) = document.buttons
    assert button["text"] == wording.PUBLISH_DRAFT
    mark = api.mark()
    api.press(api.user(user_id), document.result, button["callback_data"])
    return api.wait_for("answerCallbackQuery", after=mark)


def test_an_admin_publishes_a_txt_article_and_readers_are_answered_from_it(
    api: FakeBotAPI, fresh: BotProcess, article: str
) -> None:
    options = "--published 2025-08-15 --url https://example.org/news/1 --topic سياسة"
    document = send_txt(api, ADMIN, article.encode("utf-8"), caption=options)
    name, draft = draft_of(document)
    assert name.startswith("2025-08-15-") and "url: https://example.org/news/1" in draft
    caption = shown(document)
    assert "محادثات بين روسيا وكوريا الشمالية" in caption and "الحقائق المقترحة: " in caption
    assert len(list(drafts(fresh).glob(f"*/{name}"))) == 1
    question = "متى أبرمت روسيا وكوريا الشمالية معاهدة الشراكة الاستراتيجية؟"
    assert NOT_FOUND in shown(say(api, 4001, question))  # a draft is not served
    subscriber = 4100
    assert wording.SUBSCRIBED_ALL in shown(say(api, subscriber, "/subscribe"))

    mark = api.mark()
    press_publish(api, ADMIN, document)
    report = shown(api.wait_for("sendMessage", chat_id=ADMIN, after=mark))
    assert name in report and "أُضيف 1" in report and f"+ {name.removesuffix('.yaml')}" in report
    assert (fresh.knowledge / name).read_text(encoding="utf-8") == draft
    assert not list(drafts(fresh).glob("*/*.yaml"))  # published: the draft is gone
    assert api.sent("editMessageReplyMarkup", chat_id=ADMIN, after=mark)  # and its button
    news = shown(api.wait_for("sendMessage", chat_id=subscriber, after=mark))
    assert "محادثات بين روسيا وكوريا الشمالية" in news
    say(api, subscriber, "/unsubscribe")

    answer = say(api, 4001, question)
    assert "19 حزيران" in shown(answer) and 'href="https://example.org/news/1"' in answer.text

    mark = api.mark()
    again = press_publish(api, ADMIN, document)
    assert again.params["text"] == wording.DRAFT_GONE and again.params["show_alert"]
    api.assert_quiet(ADMIN, after=mark, wait=0.3)


def test_an_admin_publishes_an_article_sent_as_a_distill_message(
    api: FakeBotAPI, fresh: BotProcess, article: str
) -> None:
    document = say(api, ADMIN, "/distill\n" + article)
    name, draft = draft_of(document)
    assert document.reply_to is not None

    # The same article as plain text is a question (too long a one); /distill in reply to it
    # makes the same draft.
    mark = api.mark()
    pasted = api.send_text(api.private(ADMIN), article, user=api.user(ADMIN))
    assert shown(first_reply(api, ADMIN, mark)) == wording.TOO_LONG
    replied = say(api, ADMIN, "/distill", reply_to=pasted)
    assert draft_of(replied) == (name, draft)

    mark = api.mark()
    press_publish(api, ADMIN, replied)
    report = shown(api.wait_for("sendMessage", chat_id=ADMIN, after=mark))
    assert "أُضيف 1" in report
    assert "بيونغ يانغ" in shown(say(api, 4002, "أين وقعت معاهدة الشراكة الإستراتيجية الشاملة؟"))


def test_an_admins_questions_are_still_answered(api: FakeBotAPI, bot: BotProcess) -> None:
    answer = shown(say(api, ADMIN, "متى يحدث كسوف الشمس؟"))
    assert "يحدث كسوف الشمس عندما يمر القمر بين الأرض والشمس." in answer


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", wording.DISTILL_ERRORS["empty"]),
        (b"  \n\n", wording.DISTILL_ERRORS["empty"]),
        ("عنوان خبر بلا نص تحته\n".encode(), wording.DISTILL_ERRORS["no_text"]),
        ((DATA / "distill" / "english.txt").read_bytes(), wording.DISTILL_ERRORS["not_arabic"]),
        ("عنوان الخبر\nنص الخبر بالعربية.".encode("cp1256"), wording.DISTILL_NOT_UTF8),
    ],
    ids=["empty", "blank", "title-only", "english", "windows-1256"],
)
def test_a_txt_that_makes_no_draft_gets_an_arabic_reason(
    api: FakeBotAPI, fresh: BotProcess, content: bytes, expected: str
) -> None:
    reply = send_txt(api, ADMIN, content)
    assert reply.method == "sendMessage" and shown(reply) == expected
    assert not drafts(fresh).exists() or not any(drafts(fresh).iterdir())


def test_bad_options_and_a_bare_command_are_explained(
    api: FakeBotAPI, fresh: BotProcess, article: str
) -> None:
    wrong_date = shown(say(api, ADMIN, "/distill --published yesterday\n" + article))
    assert wording.DISTILL_ERRORS["option"] in wrong_date and "published 'yesterday'" in wrong_date
    unknown = shown(send_txt(api, ADMIN, article.encode(), caption="--colour <red> & blue"))
    assert "unknown option '--colour'" in unknown
    dashed = send_txt(api, ADMIN, article.encode(), caption="\u2014id my-article")  # a phone's —
    assert draft_of(dashed)[0] == "my-article.yaml"
    assert shown(say(api, ADMIN, "/distill")) == wording.DISTILL_USAGE
    assert shown(say(api, ADMIN, "/distill --published 2025-08-15")) == wording.DISTILL_USAGE


def test_options_are_read_as_sanad_distill_takes_them() -> None:
    options = parse_options(
        "--id=a-1 \u2014published 2025-08-15 --topic «الشرق الأوسط» --topic علوم"
    )
    assert options == Options("a-1", None, "2025-08-15", ["الشرق الأوسط", "علوم"])
    for wrong in ("--id", "--topic «unclosed", "words --id x", "--url="):
        with pytest.raises(DistillError) as caught:
            parse_options(wrong)
        assert caught.value.reason == "option"


def test_strangers_are_refused_and_learn_nothing(
    api: FakeBotAPI, fresh: BotProcess, article: str
) -> None:
    mark = api.mark()
    refused = send_txt(api, STRANGER, article.encode())
    assert shown(refused) == wording.FILES_REFUSED
    assert not api.sent("getFile", after=mark)  # the file was not even fetched
    assert shown(say(api, STRANGER, "/distill\n" + article)) == wording.ADMINS_ONLY
    document = send_txt(api, ADMIN, article.encode())
    name, _ = draft_of(document)
    button = document.buttons[0]["callback_data"]
    mark = api.mark()
    api.press(api.user(STRANGER), document.result, button)
    answered = api.wait_for("answerCallbackQuery", after=mark)
    assert answered.params["text"] == wording.ADMINS_ONLY
    assert not (fresh.knowledge / name).exists()
    assert not api.sent("sendDocument", chat_id=STRANGER)


def test_a_draft_whose_id_is_taken_elsewhere_is_not_published(
    api: FakeBotAPI, fresh: BotProcess, article: str
) -> None:
    fresh.write_knowledge("older/taken.yaml", ECLIPSE.replace("id: eclipse", "id: taken"))
    assert "أُضيف 1" in shown(say(api, ADMIN, "/reload"))
    document = send_txt(api, ADMIN, article.encode(), caption="--id taken")
    name, _ = draft_of(document)
    mark = api.mark()
    press_publish(api, ADMIN, document)
    refused = shown(api.wait_for("sendMessage", chat_id=ADMIN, after=mark))
    assert wording.UPLOAD_REJECTED.format(name="taken.yaml") in refused
    assert "duplicate article id 'taken' (also in knowledge/older/taken.yaml)" in refused
    assert not (fresh.knowledge / name).exists()
    assert not api.sent("editMessageReplyMarkup", after=mark)  # the draft waits, button and all
    assert len(list(drafts(fresh).glob(f"*/{name}"))) == 1


def test_a_draft_survives_a_restart(api: FakeBotAPI, fresh: BotProcess, article: str) -> None:
    document = send_txt(api, ADMIN, article.encode(), caption="--id after-restart")
    draft_of(document)
    assert fresh.stop() == 0
    fresh.start()
    mark = api.mark()
    press_publish(api, ADMIN, document)
    report = shown(api.wait_for("sendMessage", chat_id=ADMIN, after=mark))
    assert "+ after-restart" in report
