"""Teaching: the textual YAML edit over tricky layouts, and `sanad review` / `teach`."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable

import pytest
import yaml
from conftest import Run, Site, dedent

from bot.knowledge import read_text
from bot.teaching import TeachError, add_question, quote

Sanad = Callable[..., Run]
TRICKY = 'سؤال فيه "اقتباس" و # علامة و: نقطتان'

LAYOUTS = dedent(
    """
    # head comment
    id: a   # trailing
    title: "عنوان"
    sentences:
      - id: s1   # s
        text: "جملة أولى."
      - id: s2
        text: >
          جملة ثانية
    facts:
      # a comment before the facts
      - id: block
        statement: "حقيقة" # stmt
        questions:
          - "q1"   # c1
          # between
          -   q2
        # after
        source: [s1]
      - id: flow
        statement: حقيقة
        questions: ["a", b]  # flow
        source: [s2]
      - id: none
        statement: >
          حقيقة
          طويلة
        source: [s2]
      - {id: inline, statement: w, source: [s1]}
      - id: multiline
        statement: v
        questions: [
          "a",
          "b"  # last
        ]
        source: [s1]
      - id: bare
        statement: v
        questions:
        source: [s1]
      - id: empty
        statement: v
        questions: []
        source: [s1]
    ---
    id: b
    title: ثان
    sentences:
      - id: s1
        text: "جملة"
      - id: s2
        text: "أخرى"
    facts: []  # none yet
    """
)


def changes(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def questions_of(text: str, article_id: str, fact_id: str) -> tuple[str, ...]:
    articles, errors = read_text(text, "x.yaml")
    assert not errors, errors
    article = next(a for a in articles if a.id == article_id)
    return next(f.questions for f in article.served_facts() if f.id == fact_id)


@pytest.mark.parametrize(
    ("fact_id", "expected"),
    [
        ("block", [f'+      - "{TRICKY.replace(chr(34), chr(92) + chr(34))}"']),
        ("none", ["+    questions:", f"+      - {quote(TRICKY)}"]),
        ("bare", [f"+      - {quote(TRICKY)}"]),
        ("empty", ["-    questions: []", f"+    questions: [{quote(TRICKY)}]"]),
        (
            "flow",
            [
                '-    questions: ["a", b]  # flow',
                f'+    questions: ["a", b, {quote(TRICKY)}]  # flow',
            ],
        ),
        (
            "inline",
            [
                "-  - {id: inline, statement: w, source: [s1]}",
                f"+  - {{id: inline, statement: w, source: [s1], questions: [{quote(TRICKY)}]}}",
            ],
        ),
        ("multiline", ['-      "b"  # last', '+      "b",  # last', f"+      {quote(TRICKY)}"]),
    ],
)
def test_the_question_is_added_and_nothing_else_changes(fact_id: str, expected: list[str]) -> None:
    edit = add_question(LAYOUTS, "a", fact_id, TRICKY)
    assert edit.added
    assert changes(LAYOUTS, edit.text) == expected
    assert questions_of(edit.text, "a", fact_id)[-1] == TRICKY


def test_a_sentence_only_article_gets_explicit_facts_for_every_sentence() -> None:
    edit = add_question(LAYOUTS, "b", "s2", "ماذا قالت الجملة الأخرى؟")
    added = changes(LAYOUTS, edit.text)
    assert added[:2] == ["-facts: []  # none yet", "+facts:  # none yet"]
    articles, errors = read_text(edit.text, "x.yaml")
    assert not errors
    b = next(a for a in articles if a.id == "b")
    assert [(f.id, f.statement, f.source) for f in b.facts] == [
        ("s1", "جملة", ("s1",)),
        ("s2", "أخرى", ("s2",)),
    ]
    assert b.facts[1].questions == ("ماذا قالت الجملة الأخرى؟",)
    # the other document is untouched, byte for byte
    assert edit.text.split("---")[0] == LAYOUTS.split("---")[0]


def test_crlf_line_endings_stay_crlf() -> None:
    text = LAYOUTS.replace("\n", "\r\n")
    edit = add_question(text, "a", "block", TRICKY)
    assert "\n" not in edit.text.replace("\r\n", "")
    assert questions_of(edit.text, "a", "block")[-1] == TRICKY
    missing = add_question(text, "a", "none", "متى؟")
    assert "\n" not in missing.text.replace("\r\n", "")


def test_a_file_without_a_final_line_break() -> None:
    text = "id: c\ntitle: t\nsentences:\n  - id: s1\n    text: جملة"
    edit = add_question(text, "c", "s1", "سؤال؟")
    assert edit.text.startswith(text + "\n")
    assert questions_of(edit.text, "c", "s1") == ("سؤال؟",)


@pytest.mark.parametrize(
    "question",
    ['a "quoted" word', "hash # and colon: here", "back\\slash", "line\u2028break", "tab\tend"],
)
def test_quoting_reads_back_exactly(question: str) -> None:
    assert yaml.safe_load(quote(question)) == question
    edit = add_question(LAYOUTS, "a", "flow", question)
    assert questions_of(edit.text, "a", "flow")[-1] == question


def test_a_question_already_there_changes_nothing() -> None:
    edit = add_question(LAYOUTS, "a", "block", "  q1 ")
    assert (edit.added, edit.text) == (False, LAYOUTS)


@pytest.mark.parametrize(
    ("article_id", "fact_id", "message"),
    [("zz", "block", "no article 'zz'"), ("a", "nope", "article 'a' has no fact 'nope'")],
)
def test_unknown_articles_and_facts_are_refused(
    article_id: str, fact_id: str, message: str
) -> None:
    with pytest.raises(TeachError, match=message):
        add_question(LAYOUTS, article_id, fact_id, "سؤال؟")


def test_an_invalid_file_is_refused() -> None:
    with pytest.raises(TeachError, match="not valid knowledge"):
        add_question("id: x\ntitle: t\nsentences: []\n", "x", "s1", "سؤال؟")


# -- the command line ----------------------------------------------------------------------------

PARAPHRASE = "ما الذي يجعل الشمس تختفي عن الأنظار نهارًا؟"


@pytest.mark.slow
def test_review_teach_and_dismiss_from_the_command_line(sanad: Sanad, site: Site) -> None:
    site.write(
        "eclipse.yaml",
        "# keep me\n"
        + dedent(
            """
        id: eclipse
        title: "كسوف الشمس"
        sentences:
          - id: s1
            text: "يحدث كسوف الشمس عندما يمر القمر بين الأرض والشمس."
          - id: s2
            text: "لا يدوم الكسوف الكلي أكثر من سبع دقائق ونصف."
        """
        ),
    )
    assert not json.loads(sanad("ask", "--json", PARAPHRASE).stdout)["answered"]
    sanad("ask", "ما لون سماء المريخ؟")
    listed = json.loads(sanad("review", "--json").stdout)
    assert listed["days"] == 30
    first = next(q for q in listed["questions"] if q["question"] == PARAPHRASE)
    assert first["count"] == 1 and first["reasons"] == ["unanswered"]
    assert first["candidates"][0]["fact_id"] == "s1"
    assert PARAPHRASE in sanad("review").stdout

    before = (site.knowledge / "eclipse.yaml").read_text(encoding="utf-8")
    taught = sanad("teach", PARAPHRASE, "eclipse", "s1")
    assert taught.returncode == 0, taught.stderr
    assert "added to fact 's1' of 'eclipse' in knowledge/eclipse.yaml" in taught.stdout
    after = (site.knowledge / "eclipse.yaml").read_text(encoding="utf-8")
    assert after.startswith(before) and "# keep me" in after
    answer = json.loads(sanad("ask", "--json", PARAPHRASE).stdout)
    assert answer["answered"] and answer["answers"][0]["fact_id"] == "s1"
    remaining = [q["question"] for q in json.loads(sanad("review", "--json").stdout)["questions"]]
    assert PARAPHRASE not in remaining

    dismissed = sanad("review", "--dismiss", "ما لون سماء المريخ؟")
    assert dismissed.returncode == 0 and "dismissed" in dismissed.stdout
    assert json.loads(sanad("review", "--json").stdout)["questions"] == []
    again = sanad("review", "--dismiss", "ما لون سماء المريخ؟")
    assert again.returncode == 1 and len(again.stderr.strip().splitlines()) == 1
    sanad("ask", "ما لون سماء المريخ؟")  # asked again after the dismissal: back in the queue
    (back,) = json.loads(sanad("review", "--json").stdout)["questions"]
    assert back["count"] == 1


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("treaty", "no-such-fact"), "sanad: article 'treaty' has no fact 'no-such-fact'"),
        (("nothing", "treaty-date"), "sanad: no article 'nothing' in the loaded knowledge"),
    ],
)
def test_teach_refuses_an_unknown_fact_in_one_line(
    sanad: Sanad, site: Site, args: tuple[str, str], message: str
) -> None:
    before = (site.knowledge / "treaty.yaml").read_bytes()
    run = sanad("teach", "سؤال؟", *args)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.strip() == message
    assert (site.knowledge / "treaty.yaml").read_bytes() == before


@pytest.mark.slow
def test_teach_refuses_a_result_that_would_not_validate(sanad: Sanad, site: Site) -> None:
    sanad("load")
    site.write("copy.yaml", (site.knowledge / "treaty.yaml").read_text(encoding="utf-8"))
    before = (site.knowledge / "treaty.yaml").read_bytes()
    run = sanad("teach", "سؤال جديد؟", "treaty", "kursk")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    # (the line before it is `ask`'s usual warning that the folder does not load as it is)
    refusal = run.stderr.strip().splitlines()[-1]
    assert refusal == (
        "sanad: knowledge/treaty.yaml: duplicate article id 'treaty' (also in knowledge/copy.yaml)"
    )
    assert (site.knowledge / "treaty.yaml").read_bytes() == before
