"""Progress of a load of many files: reported step by step, shown only on a terminal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import Site, on_a_terminal, run_sanad

from bot import loading
from bot.knowledge import ANALYSING, READING

FILES = 40


def article(number: int) -> str:
    """A small valid article of its own id."""
    return (
        f"id: article-{number}\n"
        f'title: "خبر رقم {number}"\n'
        "published: 2024-06-19\n"
        f"url: https://example.org/news/{number}\n"
        "sentences:\n"
        "  - id: s1\n"
        '    text: "وقّعت المدينة اتفاقية جديدة للنقل العام بعد مفاوضات طويلة."\n'
    )


@pytest.fixture
def many(site: Site) -> Site:
    """The site with FILES articles more, one a file."""
    for number in range(FILES):
        site.write(f"news/{number:03}.yaml", article(number))
    return site


def steps(calls: list[tuple[str, int, int]], step: str) -> list[tuple[int, int]]:
    return [(done, total) for name, done, total in calls if name == step]


async def test_a_load_reports_each_file_read_then_the_articles_analysed(many: Site) -> None:
    calls: list[tuple[str, int, int]] = []
    async with many.engine() as engine:
        report = await engine.reload(progress=lambda *call: calls.append(call))
    articles = FILES + 1  # and the site's own treaty
    assert len(report.added) == articles
    assert steps(calls, READING) == [(n, articles) for n in range(1, articles + 1)]
    assert steps(calls, ANALYSING) == [(n, articles) for n in range(1, articles + 1)]
    assert calls.index((READING, articles, articles)) < calls.index((ANALYSING, 1, articles))


async def test_a_reload_reports_only_the_files_that_changed(many: Site) -> None:
    calls: list[tuple[str, int, int]] = []
    async with many.engine() as engine:
        await engine.reload()
        many.write("news/007.yaml", article(7).replace("خبر رقم", "نبأ رقم"))
        report = await engine.reload(progress=lambda *call: calls.append(call))
    assert report.changed == ["article-7"]
    assert calls == [(READING, 1, 1), (ANALYSING, 1, 1)]


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="analysing in workers needs two cores")
async def test_analysis_spread_over_workers_reports_its_pieces_in_order(
    many: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "PARALLEL_FROM", 10)
    calls: list[tuple[str, int, int]] = []
    async with many.engine() as engine:
        await engine.reload(progress=lambda *call: calls.append(call))
        answer = await engine.ask("متى وقّعت المدينة اتفاقية النقل العام؟")
    analysed = steps(calls, ANALYSING)
    total = FILES + 1
    assert 1 < len(analysed) < total, "reported by piece, not once and not per article"
    assert [done for done, _ in analysed] == sorted({done for done, _ in analysed})
    assert analysed[-1] == (total, total)
    assert answer.answered


@pytest.mark.slow
def test_sanad_load_shows_a_bar_per_step_on_a_terminal(many: Site) -> None:
    out, shown = on_a_terminal(many, "load")
    total = FILES + 1
    assert out.startswith(f"added: {total} ")
    assert f"{READING}: 100%" in shown and f"{total}/{total}" in shown
    assert f"{ANALYSING}: 100%" in shown
    assert shown.index(READING) < shown.index(ANALYSING)


@pytest.mark.slow
def test_sanad_validate_shows_the_reading_bar_on_a_terminal(many: Site) -> None:
    out, shown = on_a_terminal(many, "validate")
    assert out == ""
    assert f"{READING}: 100%" in shown and ANALYSING not in shown
    assert f"ok: {FILES + 1} article(s)" in shown


@pytest.mark.slow
def test_no_bar_when_standard_error_is_not_a_terminal(many: Site) -> None:
    run = run_sanad("--config", str(many.config_path), "load", cwd=Path(many.root))
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert run.stdout.startswith(f"added: {FILES + 1} ")
