"""Reloads in a child process, as the bot runs them: same results, errors intact."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

import bot.loading
from bot import config as configuration
from bot.engine import Engine, KnowledgeInvalid

ARTICLE = """\
id: {id}
title: "خبر {id}"
sentences:
  - id: s1
    text: "{text}"
"""


@pytest.fixture
def config(tmp_path: Path) -> configuration.Config:
    (tmp_path / "knowledge").mkdir()
    (tmp_path / "config.yaml").write_text("knowledge_dir: knowledge\ndatabase: db.sqlite3\n")
    return configuration.load(tmp_path / "config.yaml")


def write(config: configuration.Config, article_id: str, text: str) -> None:
    path = config.knowledge_dir / f"{article_id}.yaml"
    path.write_text(ARTICLE.format(id=article_id, text=text), encoding="utf-8")


async def test_a_load_in_a_child_process_is_seen_by_the_readers(
    config: configuration.Config,
) -> None:
    write(config, "eclipse", "يحدث كسوف الشمس عندما يمر القمر بين الأرض والشمس.")
    async with Engine(config, separate_loads=True) as engine:
        report = await engine.reload()
        assert report.added == ["eclipse"]
        answer = await engine.ask("متى يحدث كسوف الشمس؟", record=False)
        assert answer.answered and answer.answers[0].article_id == "eclipse"
        write(config, "eclipse", "يحدث كسوف الشمس حين يحجب القمر ضوء الشمس عن الأرض.")
        assert (await engine.reload()).changed == ["eclipse"]
        answer = await engine.ask("متى يحدث كسوف الشمس؟", record=False)
        assert "يحجب القمر" in answer.answers[0].quotes[0]


async def test_errors_come_back_whole_and_nothing_changes(config: configuration.Config) -> None:
    write(config, "eclipse", "يحدث كسوف الشمس عندما يمر القمر بين الأرض والشمس.")
    async with Engine(config, separate_loads=True) as engine:
        await engine.reload()
        (config.knowledge_dir / "broken.yaml").write_text("id: broken\ntitle: [\n")
        with pytest.raises(KnowledgeInvalid) as raised:
            await engine.reload()
        assert [e.path for e in raised.value.errors] == ["knowledge/broken.yaml"]
        assert raised.value.errors[0].line >= 1
        assert (await engine.store.counts())["articles"] == 1


async def test_a_large_load_analysed_on_every_core_answers_the_same(
    config: configuration.Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = {
        "eclipse": "يحدث كسوف الشمس عندما يمر القمر بين الأرض والشمس.",
        "marathon": "تبلغ مسافة سباق الماراثون اثنين وأربعين كيلومترًا.",
        "volcano": "تثور البراكين عندما تندفع الصهارة من باطن الأرض إلى سطحها.",
    }
    for article_id, text in texts.items():
        write(config, article_id, text)
    monkeypatch.setattr(bot.loading, "PARALLEL_FROM", 1)  # the worker processes, at any size
    monkeypatch.setattr(bot.loading.os, "cpu_count", lambda: 2)
    async with Engine(config) as engine:
        assert sorted((await engine.reload()).added) == sorted(texts)
        answer = await engine.ask("كم تبلغ مسافة سباق الماراثون؟", record=False)
        assert answer.answered and answer.answers[0].article_id == "marathon"
        answer = await engine.ask("لماذا تثور البراكين؟", record=False)
        assert answer.answered and answer.answers[0].article_id == "volcano"


def workers_of(pid: int) -> list[int]:
    """The pool worker processes (multiprocessing spawn) whose parent is pid."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"spawn_main" in cmdline:
            found.append(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_loader_process_ends_when_the_process_that_started_it_is_killed(
    config: configuration.Config,
) -> None:
    write(config, "eclipse", "يحدث كسوف الشمس عندما يمر القمر بين الأرض والشمس.")
    script = f"""
import asyncio
from pathlib import Path

from bot import config as configuration
from bot.engine import Engine

async def main():
    config = configuration.load(Path({str(config.path)!r}))
    async with Engine(config, separate_loads=True) as engine:
        await engine.reload()
        print("loaded", flush=True)
        await asyncio.sleep(120)

asyncio.run(main())
"""
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE) as bot_process:
        try:
            assert bot_process.stdout is not None
            assert bot_process.stdout.readline().strip() == b"loaded"
            loaders = workers_of(bot_process.pid)
            assert loaders, "the reload ran in no child process"
        finally:
            bot_process.kill()
    deadline = time.monotonic() + 15
    while any(running(pid) for pid in loaders):
        assert time.monotonic() < deadline, f"loader {loaders} outlived its parent"
        time.sleep(0.1)
