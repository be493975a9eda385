"""Shared fixtures: a fresh config, knowledge folder and database per test, and the CLI."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import textwrap
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fakebotapi import FakeBotAPI

from bot import config as configuration
from bot.engine import Answer, Engine

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "knowledge"
DATA = Path(__file__).resolve().parent / "data"

# A small article used wherever a test needs knowledge that it controls.
TREATY = """\
id: treaty
title: "معاهدة بين بلدين"
published: 2024-06-19
url: https://example.org/news/treaty
topics: [معاهدات]
sentences:
  - id: s1
    text: "أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في 19 حزيران/ يونيو 2024 في بيونغ يانغ."
  - id: s2
    text: "أثنى الرئيس على شجاعة الجنود في معارك مقاطعة كورسك."
facts:
  - id: treaty-date
    statement: "أُبرمت معاهدة الشراكة الإستراتيجية الشاملة في 19 حزيران/ يونيو 2024."
    questions: ["متى أبرمت معاهدة الشراكة الإستراتيجية الشاملة؟"]
    keywords: [معاهدة, الشراكة]
    source: [s1]
  - id: kursk
    statement: "أثنى الرئيس على شجاعة الجنود في معارك كورسك."
    questions: ["على ماذا أثنى الرئيس؟"]
    keywords: [كورسك, الجنود]
    source: [s2]
"""

ECLIPSE = """\
id: eclipse
title: "كسوف الشمس"
sentences:
  - id: s1
    text: "يحدث كسوف الشمس عندما يمر القمر بين الأرض والشمس."
  - id: s2
    text: "لا يدوم الكسوف الكلي أكثر من سبع دقائق ونصف."
"""


# A sentence-only article for meaning: each sentence is a fact.
CLINIC = """\
id: clinic
title: "عيادة جديدة"
sentences:
  - id: s1
    text: "افتتحت البلدية عيادة جديدة لطب الأطفال في حي السلام."
  - id: s2
    text: "تستقبل العيادة المرضى من الثامنة صباحًا حتى الرابعة عصرًا."
"""

# Most tests match by words alone, so that the command line does not embed each test's
# knowledge first; tests/test_meaning.py and tests/test_blind.py run with meaning on, the
# default.
WORDS_ONLY = "matching:\n  semantic: false\n"


def dedent(text: str) -> str:
    """YAML written inline in a test, without the test's indentation."""
    return textwrap.dedent(text).lstrip("\n")


@dataclass
class Site:
    """A temporary installation: config.yaml, a knowledge folder and a database path."""

    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / "config.yaml"

    @property
    def knowledge(self) -> Path:
        return self.root / "knowledge"

    @property
    def database(self) -> Path:
        return self.root / "data" / "sanad.sqlite3"

    def write(self, name: str, text: str) -> Path:
        """Write one knowledge file (relative to the knowledge folder)."""
        path = self.knowledge / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def config(self) -> configuration.Config:
        return configuration.load(self.config_path)

    def engine(self) -> Engine:
        return Engine(self.config())

    def meaning_on(self) -> Site:
        """This site matching by meaning too, as by default (most tests match by words alone)."""
        self.config_path.write_text(
            "knowledge_dir: knowledge\ndatabase: data/sanad.sqlite3\n", encoding="utf-8"
        )
        return self

    async def answered_facts(self, questions: Iterable[str]) -> list[str | None]:
        """The id of the fact that answers each question by words, or None where refused."""
        async with self.engine() as engine:
            await engine.reload()
            answers = [await engine.ask(question) for question in questions]
        return [a.answers[0].fact_id if a.answered else None for a in answers]

    async def asked_by_meaning(self, *questions: str) -> list[Answer]:
        """The answers to these questions, by meaning too, once every fact has its vector."""
        self.meaning_on()
        async with self.engine() as engine:
            await engine.reload()
            await engine.fill_vectors(workers=1)
            return [await engine.ask(question, record=False) for question in questions]


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """A fresh installation holding the TREATY article, not yet loaded."""
    made = Site(tmp_path / "site")
    made.knowledge.mkdir(parents=True)
    made.config_path.write_text(
        "knowledge_dir: knowledge\ndatabase: data/sanad.sqlite3\n" + WORDS_ONLY, encoding="utf-8"
    )
    made.write("treaty.yaml", TREATY)
    return made


@pytest.fixture
async def engine(site: Site) -> AsyncIterator[Engine]:
    """An open engine on the site's fresh database, with its knowledge loaded."""
    async with site.engine() as opened:
        await opened.reload()
        yield opened


@pytest.fixture
def shipped_site(tmp_path: Path) -> Site:
    """A fresh database over the shipped knowledge folder itself."""
    made = Site(tmp_path / "shipped")
    made.root.mkdir()
    made.config_path.write_text(
        f"knowledge_dir: {SHIPPED}\ndatabase: data/sanad.sqlite3\n" + WORDS_ONLY, encoding="utf-8"
    )
    return made


@pytest.fixture
async def shipped(shipped_site: Site) -> AsyncIterator[Engine]:
    """An engine with the shipped knowledge loaded, by words."""
    async with shipped_site.engine() as engine:
        await engine.reload()
        yield engine


@dataclass
class Run:
    """A finished `sanad` process."""

    returncode: int
    stdout: str
    stderr: str


def run_sanad(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> Run:
    """Run `python -m bot ARGS` as a real process, the way a user runs `sanad`."""
    environment = {k: v for k, v in os.environ.items() if k != "SANAD_CONFIG"}
    environment.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=120,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def on_a_terminal(site: Site, *args: str, terminal: str = "stderr") -> tuple[str, str]:
    """`sanad ARGS` with one stream ("stdout" or "stderr") on a 100-column pseudo-terminal.

    Returns the other stream, and what the terminal showed with every line ending (a bar's
    carriage return included) made a newline. The process must succeed.
    """
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, terminal: follower}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(site.config_path), *args],
        cwd=site.root,
        stdin=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k != "SANAD_CONFIG"},
        **streams,
    )
    os.close(follower)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: every writer closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    out, err = process.communicate(timeout=120)
    piped = (err if terminal == "stdout" else out).decode()
    assert process.returncode == 0, shown.decode() + piped
    return piped, shown.decode().replace("\r\n", "\n").replace("\r", "\n")


@pytest.fixture
def sanad(site: Site) -> Callable[..., Run]:
    """`sanad --config SITE/config.yaml ARGS` as a subprocess."""

    def call(*args: str, stdin: str | None = None) -> Run:
        return run_sanad("--config", str(site.config_path), *args, cwd=site.root, stdin=stdin)

    return call


@pytest.fixture(scope="module")
def api() -> Iterator[FakeBotAPI]:
    """A fake Bot API server for a test module; its bot process is the module's own."""
    with FakeBotAPI() as server:
        yield server


@pytest.fixture
def own_api() -> Iterator[FakeBotAPI]:
    """A fake Bot API server of one test's own, for a test that starts and stops its own bot:
    no other bot may take its updates, nor it theirs."""
    with FakeBotAPI() as server:
        yield server
