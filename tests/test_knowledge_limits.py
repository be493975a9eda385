"""Knowledge files that would cost without limit, mislead, or echo what they should not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ECLIPSE, TREATY, Site, dedent, run_sanad

from bot.engine import KnowledgeInvalid
from bot.knowledge import printable, read_paths, read_text


def test_yaml_aliases_are_refused_at_the_alias() -> None:
    text = dedent(
        """
        id: a
        title: &t "عنوان"
        sentences:
          - id: s1
            text: *t
        """
    )
    articles, errors = read_text(text, "a.yaml")
    assert articles == []
    assert [str(e) for e in errors] == [
        "a.yaml:5: YAML aliases are not allowed (*t): write the value out"
    ]


def test_a_billion_laughs_file_is_refused_before_it_is_expanded(tmp_path: Path) -> None:
    long = "ب" * 400_000
    text = f'id: a\ntitle: "t"\nsentences:\n  - id: s1\n    text: &x "{long}"\nfacts:\n'
    text += "".join(
        f"  - id: f{i}\n    statement: *x\n    source: [s1]\n    questions: [*x]\n"
        for i in range(1000)
    )
    (tmp_path / "big.yaml").write_text(text, encoding="utf-8")
    _, errors = read_paths([tmp_path / "big.yaml"], base=tmp_path)
    assert [(e.path, e.line) for e in errors] == [("big.yaml", 8)]


@pytest.mark.slow
def test_an_article_of_many_sentences_reads_whole() -> None:
    # Quadratic before (a list scanned per sentence and per fact): 62,000 took minutes.
    count = 30_000
    lines = ["id: a", "title: t", "sentences:"]
    lines += [f"  - id: s{i}\n    text: جملة {i}" for i in range(count)]
    lines += ["facts:"]
    lines += [f"  - id: f{i}\n    statement: حقيقة\n    source: [s{i}]" for i in range(count)]
    (article,), errors = read_text("\n".join(lines), "a.yaml")
    assert errors == []
    assert len(article.sentences) == count
    assert article.sentence_text("s29999") == "جملة 29999"


def test_text_that_yaml_reads_as_a_number_or_date_is_a_type_error() -> None:
    text = dedent(
        """
        id: a
        title: 5
        sentences:
          - id: s1
            text: 2024-06-19
        facts:
          - id: f1
            statement: "نص"
            keywords: [true]
            source: [s1]
        """
    )
    _, errors = read_text(text, "a.yaml")
    assert [str(e) for e in errors] == [
        "a.yaml:2: article 'a': title must be text, not a number (put it in quotes)",
        "a.yaml:5: article 'a': sentence 's1': text must be text, not a date (put it in quotes)",
        "a.yaml:9: fact 'f1': keywords item must be text, not true/false (put it in quotes)",
        "a.yaml:10: fact 'f1': source 's1' is not a sentence of this article",
    ]


def test_control_characters_in_errors_are_escaped(tmp_path: Path) -> None:
    (tmp_path / "a\nb.yaml:9: forged.yaml").write_text('id: a\n"\\e[2J": 1\n', encoding="utf-8")
    _, errors = read_paths([tmp_path], base=tmp_path)
    lines = [str(e) for e in errors]
    assert all("\n" not in line and "\x1b" not in line for line in lines)
    assert r"a\nb.yaml:9: forged.yaml:2: article 'a': unknown key '\x1b[2J'" in lines
    assert printable("عربي\tو\u2028x\x9b") == r"عربي\tو\u2028x\x9b"


@pytest.mark.slow
def test_errors_are_sorted_by_file_whatever_order_the_paths_are_given(site: Site) -> None:
    site.write("z.yaml", "id: z\n")
    site.write("a.yaml", "id: a\n")
    run = run_sanad("validate", "knowledge/z.yaml", "knowledge/a.yaml", cwd=site.root)
    assert [line.split(":")[0] for line in run.stdout.splitlines()] == [
        "knowledge/a.yaml",
        "knowledge/a.yaml",
        "knowledge/z.yaml",
        "knowledge/z.yaml",
    ]


async def test_validate_and_load_blame_a_duplicate_id_on_the_same_file(site: Site) -> None:
    """The later file in name order, whichever of the two the load re-read."""
    (site.knowledge / "treaty.yaml").rename(site.knowledge / "m.yaml")
    async with site.engine() as engine:
        await engine.reload()
        for name in ("a.yaml", "z.yaml"):
            path = site.write(name, TREATY)
            validated = [str(e) for e in read_paths([site.knowledge], base=site.root)[1]]
            with pytest.raises(KnowledgeInvalid) as refused:
                await engine.reload()
            loaded = [str(e) for e in refused.value.errors]
            later = "knowledge/m.yaml" if name == "a.yaml" else "knowledge/z.yaml"
            earlier = "knowledge/a.yaml" if name == "a.yaml" else "knowledge/m.yaml"
            expected = [f"{later}:1: duplicate article id 'treaty' (also in {earlier})"]
            assert validated == loaded == expected
            path.unlink()


@pytest.mark.slow
async def test_a_link_out_of_the_knowledge_folder_is_an_error_naming_it(site: Site) -> None:
    os.symlink(site.config_path, site.knowledge / "config.yaml")
    inside = site.write("inner/eclipse.yaml", ECLIPSE)
    os.symlink(inside, site.knowledge / "eclipse-link.yml")  # inside: read, as itself
    os.symlink(site.root, site.knowledge / "up")  # a folder outside: reported, not walked
    expected = [
        f"knowledge/config.yaml:1: links outside the knowledge folder (to {site.config_path}): "
        "not read",
        f"knowledge/up:1: links outside the knowledge folder (to {site.root}): not read",
    ]
    validate = run_sanad("--config", str(site.config_path), "validate", cwd=site.root)
    assert validate.returncode == 1
    assert [line for line in validate.stdout.splitlines() if "links" in line] == expected
    assert "knowledge_dir" not in validate.stdout  # nothing of config.yaml is echoed
    async with site.engine() as engine:
        with pytest.raises(KnowledgeInvalid) as refused:
            await engine.reload()
        assert [str(e) for e in refused.value.errors if "links" in str(e)] == expected
        (site.knowledge / "config.yaml").unlink()
        (site.knowledge / "up").unlink()
        (site.knowledge / "eclipse-link.yml").unlink()
        assert sorted((await engine.reload()).added) == ["eclipse", "treaty"]


async def test_a_dangling_link_makes_the_folder_stale_not_a_traceback(site: Site) -> None:
    async with site.engine() as engine:
        await engine.reload()
        os.symlink(site.root / "gone.yaml", site.knowledge / "gone.yaml")
        assert await engine.is_stale()
        with pytest.raises(KnowledgeInvalid) as refused:
            await engine.reload()
        assert [e.path for e in refused.value.errors] == ["knowledge/gone.yaml"]


def test_a_file_nested_too_deeply_is_one_error() -> None:
    text = "id: a\ntitle: t\nsentences:\n" + "".join("  " * i + "- \n" for i in range(1, 1200))
    _, errors = read_text(text, "deep.yaml")
    assert len(errors) == 1 and errors[0].message.startswith("malformed YAML")
