"""Knowledge files: every validation rule, each error naming its file and exact line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ECLIPSE, REPO, SHIPPED, TREATY, dedent

from bot.knowledge import KnowledgeError, read_paths, read_text

ARTICLES = REPO.parent / "shared" / "articles"


def errors_of(text: str, name: str = "k.yaml") -> list[str]:
    articles, errors = read_text(dedent(text), name)
    assert not (articles and errors), "an invalid file must yield no articles"
    return [str(e) for e in errors]


def test_a_valid_article_parses_with_every_field() -> None:
    articles, errors = read_text(TREATY, "treaty.yaml")
    assert errors == []
    (article,) = articles
    assert article.id == "treaty"
    assert article.published == "2024-06-19"
    assert article.url == "https://example.org/news/treaty"
    assert [s.id for s in article.sentences] == ["s1", "s2"]
    assert article.facts[0].source == ("s1",)
    assert article.facts[0].questions == ("متى أبرمت معاهدة الشراكة الإستراتيجية الشاملة؟",)
    assert article.all_topics() == ("معاهدات",)


def test_an_article_without_facts_serves_each_sentence_as_a_fact() -> None:
    (article,), _ = read_text(ECLIPSE, "eclipse.yaml")
    facts = article.served_facts()
    assert [(f.id, f.source) for f in facts] == [("s1", ("s1",)), ("s2", ("s2",))]
    assert facts[1].statement == article.sentences[1].text


def test_empty_facts_list_also_serves_sentences() -> None:
    (article,), errors = read_text(ECLIPSE + "facts: []\n", "eclipse.yaml")
    assert errors == []
    assert len(article.served_facts()) == 2


def test_unknown_key() -> None:
    assert errors_of("""
        id: a
        title: t
        colour: red
        sentences: [{id: s1, text: x}]
    """) == ["k.yaml:3: article 'a': unknown key 'colour'"]


def test_unknown_key_in_a_fact() -> None:
    assert errors_of("""
        id: a
        title: t
        sentences: [{id: s1, text: x}]
        facts:
          - id: f1
            statement: s
            source: [s1]
            answer: nope
    """) == ["k.yaml:8: article 'a': fact: unknown key 'answer'"]


@pytest.mark.parametrize(
    ("missing", "line"),
    [("id", 1), ("title", 1), ("sentences", 1)],
)
def test_missing_required_article_key(missing: str, line: int) -> None:
    fields = {"id": "id: a", "title": "title: t", "sentences": "sentences: [{id: s1, text: x}]"}
    text = "\n".join(v for k, v in fields.items() if k != missing) + "\n"
    assert any(
        e.startswith(f"k.yaml:{line}:") and f"missing required key '{missing}'" in e
        for e in errors_of(text)
    )


def test_missing_required_fact_keys() -> None:
    assert errors_of("""
        id: a
        title: t
        sentences: [{id: s1, text: x}]
        facts:
          - id: f1
            questions: [q]
    """) == [
        "k.yaml:5: article 'a': fact: missing required key 'statement'",
        "k.yaml:5: article 'a': fact: missing required key 'source'",
    ]


def test_missing_sentence_text() -> None:
    assert errors_of("""
        id: a
        title: t
        sentences:
          - id: s1
    """) == ["k.yaml:4: article 'a': sentence: missing required key 'text'"]


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ("title: [a, b]", "article 'a': title must be text"),
        ("topics: روسيا", "article 'a': topics must be a list"),
        ("topics: [[a]]", "article 'a': topics item must be text"),
        ("sentences: {s1: x}", "article 'a': sentences must be a list"),
        ("facts: {f: x}", "article 'a': facts must be a list"),
        ("url: [x]", "article 'a': url must be text"),
    ],
)
def test_wrong_type_of_article_field(snippet: str, message: str) -> None:
    fields = {"title": "title: t", "sentences": "sentences: [{id: s1, text: x}]"}
    fields.pop(snippet.split(":")[0], None)
    text = "\n".join(["id: a", snippet, *fields.values()]) + "\n"
    assert errors_of(text) == [f"k.yaml:2: {message}"]


def test_wrong_types_in_a_fact() -> None:
    assert errors_of("""
        id: a
        title: t
        sentences: [{id: s1, text: x}]
        facts:
          - id: f1
            statement: [not, text]
            source: s1
            questions: "one question, not a list"
          - just a string
    """) == [
        "k.yaml:6: fact 'f1': statement must be text",
        "k.yaml:7: fact 'f1': source must be a list",
        "k.yaml:8: fact 'f1': questions must be a list",
        "k.yaml:9: article 'a': fact must be a mapping",
    ]


def test_duplicate_sentence_and_fact_ids() -> None:
    assert errors_of("""
        id: a
        title: t
        sentences:
          - id: s1
            text: x
          - id: s1
            text: y
        facts:
          - id: f1
            statement: s
            source: [s1]
          - id: f1
            statement: s
            source: [s1]
    """) == [
        "k.yaml:6: article 'a': duplicate sentence id 's1'",
        "k.yaml:12: article 'a': duplicate fact id 'f1'",
    ]


def test_duplicate_key_in_a_mapping() -> None:
    assert errors_of("""
        id: a
        title: t
        title: again
        sentences: [{id: s1, text: x}]
    """) == ["k.yaml:3: article 'a': duplicate key 'title'"]


def test_source_naming_no_sentence() -> None:
    assert errors_of("""
        id: a
        title: t
        sentences: [{id: s1, text: x}]
        facts:
          - id: treaty-date
            statement: s
            source:
              - s1
              - s9
    """) == ["k.yaml:9: fact 'treaty-date': source 's9' is not a sentence of this article"]


def test_empty_source() -> None:
    assert errors_of("""
        id: a
        title: t
        sentences: [{id: s1, text: x}]
        facts:
          - id: f1
            statement: s
            source: []
    """) == ["k.yaml:7: fact 'f1': source must not be empty"]


@pytest.mark.parametrize("value", ["[]", ""])
def test_empty_sentences(value: str) -> None:
    assert errors_of(f"id: a\ntitle: t\nsentences: {value}\n") == [
        "k.yaml:3: article 'a': sentences must not be empty"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('title: ""', "article 'a': title must not be empty"),
        ("title: '   '", "article 'a': title must not be empty"),
    ],
)
def test_empty_text(text: str, message: str) -> None:
    assert errors_of(f"id: a\n{text}\nsentences: [{{id: s1, text: x}}]\n") == [
        f"k.yaml:2: {message}"
    ]


@pytest.mark.parametrize("bad", ["Ru-Talks", "-talks", "talks 2025", "محادثات", "a/b"])
def test_bad_article_id(bad: str) -> None:
    assert errors_of(f'id: "{bad}"\ntitle: t\nsentences: [{{id: s1, text: x}}]\n') == [
        f"k.yaml:1: article id '{bad}' must match [a-z0-9][a-z0-9._-]*"
    ]


def test_bad_sentence_and_fact_ids() -> None:
    assert errors_of("""
        id: a
        title: t
        sentences:
          - id: S1
            text: x
          - id: s2
            text: y
        facts:
          - id: "fact one"
            statement: s
            source: [s2]
    """) == [
        "k.yaml:4: article 'a': sentence id 'S1' must match [a-z0-9][a-z0-9._-]*",
        "k.yaml:9: article 'a': fact id 'fact one' must match [a-z0-9][a-z0-9._-]*",
    ]


@pytest.mark.parametrize(
    "url", ["ftp://example.org/x", "example.org/news", "http://", "https:// x"]
)
def test_bad_url(url: str) -> None:
    assert errors_of(f'id: a\ntitle: t\nurl: "{url}"\nsentences: [{{id: s1, text: x}}]\n') == [
        f"k.yaml:3: article 'a': url '{url}' must be an http or https address"
    ]


@pytest.mark.parametrize("date", ["2025-13-01", "15/08/2025", "yesterday", "2025-02-30"])
def test_bad_date(date: str) -> None:
    assert errors_of(f"id: a\ntitle: t\npublished: {date}\nsentences: [{{id: s1, text: x}}]\n") == [
        f"k.yaml:3: article 'a': published '{date}' must be an ISO date (YYYY-MM-DD)"
    ]


def test_quoted_iso_date_is_accepted() -> None:
    (article,), errors = read_text(
        'id: a\ntitle: t\npublished: "2025-08-15"\nsentences: [{id: s1, text: x}]\n', "k.yaml"
    )
    assert errors == [] and article.published == "2025-08-15"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('id: a\ntitle: "unclosed\nsentences: []\n', 4),
        ("id: a\ntitle: t\nsentences:\n  - id: s1\n   text: x\n", 5),
        ("id: a\n\ttitle: t\n", 2),
        ("id: [a\n", 2),
    ],
)
def test_malformed_yaml_names_its_line(text: str, line: int) -> None:
    (error,) = errors_of(text)
    assert error.startswith(f"k.yaml:{line}: malformed YAML: ")


def test_a_file_that_is_not_a_mapping() -> None:
    assert errors_of("- a\n- b\n") == ["k.yaml:1: article must be a mapping"]


def test_an_empty_file() -> None:
    assert errors_of("# nothing here yet\n") == ["k.yaml:1: the file holds no article"]


def test_multi_document_file_holds_several_articles() -> None:
    articles, errors = read_text(TREATY + "---\n" + ECLIPSE, "two.yaml")
    assert errors == []
    assert [a.id for a in articles] == ["treaty", "eclipse"]


def test_multi_document_errors_name_lines_in_the_whole_stream() -> None:
    assert errors_of("""
        id: a
        title: t
        sentences: [{id: s1, text: x}]
        ---
        id: b
        title: t
        sentences: [{id: s1, text: x}]
        oops: 1
        ---
        id: a
        title: t
        sentences: [{id: s1, text: x}]
    """) == [
        "k.yaml:8: article 'b': unknown key 'oops'",
        "k.yaml:10: duplicate article id 'a' (also at line 1)",
    ]


def test_duplicate_article_id_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(TREATY, encoding="utf-8")
    (tmp_path / "b.yaml").write_text("# the same story again\n" + TREATY, encoding="utf-8")
    _, errors = read_paths([tmp_path], base=tmp_path)
    assert [str(e) for e in errors] == ["b.yaml:2: duplicate article id 'treaty' (also in a.yaml)"]


def test_all_errors_of_all_files_in_one_pass_sorted_by_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.yaml").write_text(
        dedent("""
            id: one
            title: t
            sentences: [{id: s1, text: x}]
            facts:
              - id: f
                statement: s
                source: [s2]
            url: nope
        """),
        encoding="utf-8",
    )
    (folder / "b.yml").write_text('id: two\ntitle: "open\n', encoding="utf-8")
    (folder / "sub" / "c.yaml").write_text(
        "id: one\ntitle: t\nsentences: [{id: s1, text: x}]\nextra: 1\n", encoding="utf-8"
    )
    (folder / "notes.txt").write_text("not knowledge", encoding="utf-8")
    _, errors = read_paths([folder], base=tmp_path)
    assert [str(e) for e in errors] == [
        "knowledge/a.yaml:7: fact 'f': source 's2' is not a sentence of this article",
        "knowledge/a.yaml:8: article 'one': url 'nope' must be an http or https address",
        "knowledge/b.yml:3: malformed YAML: found unexpected end of stream",
        "knowledge/sub/c.yaml:1: duplicate article id 'one' (also in knowledge/a.yaml)",
        "knowledge/sub/c.yaml:4: article 'one': unknown key 'extra'",
    ]


def test_non_utf8_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("id: a\ntitle: caf\xe9\n".encode("latin-1"))
    _, errors = read_paths([path], base=tmp_path)
    assert [(e.path, e.line) for e in errors] == [("latin.yaml", 2)]  # the line of the byte
    assert "not UTF-8" in errors[0].message


def test_error_prints_as_path_line_message() -> None:
    assert str(KnowledgeError("knowledge/x.yaml", 12, "boom")) == "knowledge/x.yaml:12: boom"


def test_digest_follows_content_not_file_or_layout() -> None:
    (one,), _ = read_text(TREATY, "a.yaml")
    (two,), _ = read_text("\n\n# a comment\n" + TREATY, "elsewhere/b.yaml")
    (three,), _ = read_text(TREATY.replace("الرئيس على", "الرئيس الروسي على"), "a.yaml")
    assert one.digest() == two.digest()
    assert one.digest() != three.digest()


# -- the shipped knowledge -------------------------------------------------------------------


def test_shipped_knowledge_is_valid_and_more_than_one_story() -> None:
    articles, errors = read_paths([SHIPPED], base=REPO)
    assert [str(e) for e in errors] == []
    assert len(articles) >= 3
    ids = {a.id for a in articles}
    assert "ru-dprk-talks-2025-08" in ids
    assert any(a.path.startswith("knowledge/samples/") for a in articles)
    assert any(not a.facts for a in articles), "one sample exercises the sentences-only rule"
    for article in articles:
        for fact in article.facts:
            assert fact.questions, f"{article.id}/{fact.id} has no reader questions"
            assert fact.keywords, f"{article.id}/{fact.id} has no keywords"


def test_shipped_article_quotes_the_source_verbatim_and_whole() -> None:
    sources = sorted(ARTICLES.glob("000_*.txt"))
    if not sources:
        pytest.skip("the source article is not next to the repository")
    raw = sources[0].read_text(encoding="utf-8")
    lines = [line.strip().lstrip("•").strip() for line in raw.splitlines() if line.strip()]
    expected = [part for line in lines[1:] for part in re.split(r"(?<=[.!؟?])\s+", line) if part]
    (article,), errors = read_paths([SHIPPED / "ru-dprk-talks.yaml"])
    assert errors == []
    assert article.title == lines[0]
    assert [s.text for s in article.sentences] == expected
    assert 12 <= len(article.facts) <= 16
    cited = {sid for fact in article.facts for sid in fact.source}
    prose = {s.id for s in article.sentences if s.text.endswith(".")}
    assert prose <= cited, "every sentence of the article's prose backs some fact"


def test_a_control_character_names_its_line() -> None:
    (error,) = errors_of('id: a\ntitle: "عنوان"\nsentences:\n  - id: s1\n    text: "x\x01y"\n')
    # The reason's wording depends on the YAML parser (libyaml or pure Python).
    assert error.startswith("k.yaml:5: malformed YAML: character #x0001: ")


def test_byte_order_mark_and_windows_line_ends_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "windows.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + TREATY.replace("\n", "\r\n").encode("utf-8"))
    articles, errors = read_paths([path])
    assert errors == [] and [a.id for a in articles] == ["treaty"]


def test_empty_documents_in_a_stream_are_skipped() -> None:
    articles, errors = read_text("---\n" + TREATY + "---\n---\n" + ECLIPSE + "---\n", "k.yaml")
    assert errors == [] and [a.id for a in articles] == ["treaty", "eclipse"]


def test_the_readme_table_of_shipped_knowledge_is_current() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([\w/.-]+\.ya?ml)` \| .+ \| (\d+) \|$", readme, re.M))
    articles, _ = read_paths([SHIPPED], base=SHIPPED)
    assert rows == {a.path: str(len(a.served_facts())) for a in articles}
