"""The store under stress, with real `sanad` processes: kills, concurrency, storage faults.

Each test checks the database from outside (PRAGMA integrity_check, then what it holds) and
that the knowledge loaded before stays whole and answerable.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import WORDS_ONLY, Run, run_sanad

from bot.store import APPLICATION_ID

# Out of the quick loop: real `sanad` processes killed, run together and short of disk
# (about 15 s).
pytestmark = pytest.mark.slow

WORDS = [
    "روسيا",
    "كوريا",
    "معاهدة",
    "الشراكة",
    "الاقتصاد",
    "البنك",
    "الفائدة",
    "الكسوف",
    "القمر",
    "الشمس",
    "الماراثون",
    "العداء",
    "السباق",
    "المدينة",
    "الحكومة",
    "الوزير",
    "البرلمان",
    "الانتخابات",
    "النفط",
    "الغاز",
]
SENTENCES = 12  # per article; every second one backs a fact
QUESTION = "ما روسيا 3؟"  # answered from art-0003 in either version


def article(number: int, version: int) -> str:
    """One generated article; its title, sentences and facts all carry the version."""
    lines = [
        f"id: art-{number:04d}",
        f'title: "مقال رقم {number} النسخة {version}"',
        "topics: [اختبار]",
        "sentences:",
    ]
    for j in range(SENTENCES):
        words = " ".join(WORDS[(number * 7 + j * 3 + k + version) % len(WORDS)] for k in range(14))
        lines += [f"  - id: s{j}", f'    text: "{words} {number} {j} {version}."']
    lines.append("facts:")
    for j in range(0, SENTENCES, 2):
        lines += [
            f"  - id: f{j}",
            f'    statement: "حقيقة {number} {j} النسخة {version}"',
            f'    questions: ["ما {WORDS[j % len(WORDS)]} {number}؟"]',
            f"    source: [s{j}]",
        ]
    return "\n".join(lines) + "\n"


@dataclass
class Bulk:
    """A site with generated knowledge: `articles` files, each in version 1 or 2."""

    root: Path
    articles: int
    database: Path

    @property
    def config(self) -> Path:
        return self.root / "config.yaml"

    @property
    def knowledge(self) -> Path:
        return self.root / "knowledge"

    def write(self, version: int, only: range | None = None) -> None:
        self.knowledge.mkdir(parents=True, exist_ok=True)
        for number in only or range(self.articles):
            (self.knowledge / f"a{number:04d}.yaml").write_text(
                article(number, version), encoding="utf-8"
            )

    def digests(self, version: int) -> dict[str, str]:
        """The files table a whole load of `version` leaves."""
        return {
            f"knowledge/a{n:04d}.yaml": hashlib.sha256(article(n, version).encode()).hexdigest()
            for n in range(self.articles)
        }

    def sanad(self, *args: str) -> Run:
        return run_sanad("--config", str(self.config), *args, cwd=self.root)

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "--config", str(self.config), *args],
            cwd=self.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def state(self) -> int | None:
        """The version the database holds, checked whole; None when it holds nothing."""
        with contextlib.closing(sqlite3.connect(self.database)) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []
            assert db.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
            titles = [row[0] for row in db.execute("SELECT title FROM articles")]
            if not titles:
                return None
            versions = {int(title.rsplit(" ", 1)[1]) for title in titles}
            assert len(versions) == 1, f"a mixture of versions: {versions}"
            (version,) = versions
            counts = db.execute(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM sentences),"
                " (SELECT count(*) FROM facts), (SELECT count(*) FROM fact_terms)"
            ).fetchone()
            n = self.articles
            assert counts == (n, n * SENTENCES, n * SENTENCES // 2, n * SENTENCES // 2)
            statements = {
                row[0].rsplit(" ", 1)[1] for row in db.execute("SELECT statement FROM facts")
            }
            assert statements == {str(version)}
            assert dict(db.execute("SELECT path, digest FROM files")) == self.digests(version)
            (generation,) = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
            postings = db.execute("SELECT data FROM postings WHERE name = 'generation'").fetchone()
            assert postings == (str(generation).encode(),)
            return version


def bulk(root: Path, articles: int, database: Path | None = None) -> Bulk:
    root.mkdir(parents=True, exist_ok=True)
    site = Bulk(root, articles, database or root / "data" / "sanad.sqlite3")
    site.config.write_text(
        f"knowledge_dir: knowledge\ndatabase: {site.database}\n" + WORDS_ONLY, encoding="utf-8"
    )
    return site


def load_report(run: Run) -> dict[str, list[str]]:
    """`sanad load`'s output as {'added': ids, ...} (ids as far as they are shown)."""
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    report = {}
    for line in run.stdout.splitlines():
        label, _, rest = line.partition(": ")
        count, _, shown = rest.partition(" ")
        report[label] = [f"#{count}", *re.findall(r"art-\d{4}", shown)]
    return report


def counted(report: dict[str, list[str]], label: str) -> int:
    return int(report[label][0][1:])


# -- SIGKILL during a load ---------------------------------------------------------------------

# Kills spread evenly over 1.6 times a load's length, each a little off its mark: the first
# land before its commit and the last after it, so both outcomes come up in every run.
KILLS = 12


def test_a_load_killed_at_any_moment_leaves_the_old_or_the_new_knowledge_whole(
    tmp_path: Path,
) -> None:
    site = bulk(tmp_path / "site", articles=400)
    site.write(1)
    assert counted(load_report(site.sanad("load")), "added") == 400
    site.write(2)
    started = time.monotonic()
    assert counted(load_report(site.sanad("load")), "changed") == 400
    # A whole load that changes every article, start-up included, on this machine now: what
    # each load below does.
    took = time.monotonic() - started
    assert site.state() == 2
    rng = random.Random(1405)
    outcomes: Counter[str] = Counter()
    held = 2
    for kill in range(KILLS):
        target = 3 - held  # every load changes every article
        site.write(target)
        process = site.start("load")
        time.sleep(took * 1.6 * (kill + rng.random()) / KILLS)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        now = site.state()
        assert now in (held, target)
        outcomes["old" if now == held else "new"] += 1
        held = now
    # Both outcomes happen: the kills land before and after the commit.
    assert outcomes["old"] and outcomes["new"], outcomes
    print(f"\n{KILLS} kills in loads of {took:.1f} s: {dict(outcomes)}")
    site.write(3 - held)
    assert counted(load_report(site.sanad("load")), "changed") == 400
    answer = json.loads(site.sanad("ask", "--json", QUESTION).stdout)
    assert answer["answered"] and answer["answers"][0]["article_id"] == "art-0003"


# -- concurrency -----------------------------------------------------------------------------


def finished(process: subprocess.Popen[str]) -> Run:
    out, err = process.communicate(timeout=300)
    return Run(process.returncode, out, err)


@pytest.mark.parametrize("round_", range(3))
def test_loads_and_asks_started_together_on_a_fresh_database_all_succeed(
    tmp_path: Path, round_: int
) -> None:
    site = bulk(tmp_path / "site", articles=120)
    site.write(1)
    loads = [site.start("load") for _ in range(2)]
    asks = [site.start("ask", "--json", QUESTION) for _ in range(3)]
    reports = [load_report(finished(p)) for p in loads]
    for process in asks:
        run = finished(process)
        assert run.returncode == 0 and run.stderr == "", run.stderr
        assert json.loads(run.stdout)["answered"]
    # Whoever loaded first (a load, or an ask loading by itself) added all; no one twice.
    added = [counted(r, "added") for r in reports]
    assert sorted(added) in ([0, 0], [0, 120]), added
    assert all(counted(r, label) == 0 for r in reports for label in ("changed", "removed"))
    assert site.state() == 1
    again = load_report(site.sanad("load"))
    assert [counted(again, label) for label in ("added", "changed", "removed")] == [0, 0, 0]


def test_loads_started_together_each_report_their_own_change(tmp_path: Path) -> None:
    site = bulk(tmp_path / "site", articles=120)
    site.write(1)
    load_report(site.sanad("load"))
    site.write(2, only=range(5, 6))
    loads = [site.start("load") for _ in range(3)]
    asks = [site.start("ask", "--json", QUESTION) for _ in range(2)]
    reports = [load_report(finished(p)) for p in loads]
    assert all(finished(p).returncode == 0 for p in asks)
    changed = sorted(tuple(r["changed"]) for r in reports)
    # The change is reported once, by the load that wrote it, unless an ask loaded it first.
    assert changed in ([("#0",)] * 3, [("#0",), ("#0",), ("#1", "art-0005")]), changed
    with contextlib.closing(sqlite3.connect(site.database)) as db:
        titles = dict(db.execute("SELECT id, title FROM articles"))
    assert titles["art-0005"].endswith("2") and titles["art-0004"].endswith("1")


# -- storage faults --------------------------------------------------------------------------


def one_line(run: Run) -> str:
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    return lines[0]


def answers_with_warnings(site: Bulk) -> list[str]:
    """`ask` answers from the loaded knowledge; its warnings, each one line."""
    run = site.sanad("ask", "--json", QUESTION)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert json.loads(run.stdout)["answers"][0]["article_id"] == "art-0003"
    warnings = run.stderr.splitlines()
    assert all(line.startswith("sanad: warning: ") for line in warnings), warnings
    return warnings


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on a 1 MiB tmpfs: a load of more than that fills the disk."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a size-limited tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_full_disk_during_a_load_keeps_the_old_knowledge(
    tmp_path: Path, small_disk: Path
) -> None:
    site = bulk(tmp_path / "site", articles=20, database=small_disk / "sanad.sqlite3")
    site.write(1)
    load_report(site.sanad("load"))
    site.articles = 400
    site.write(2)  # about 4 MB in the database: it cannot fit
    line = one_line(site.sanad("load"))
    assert line == f"sanad: {site.database}: database error: database or disk is full"
    site.articles = 20
    assert site.state() == 1
    warnings = answers_with_warnings(site)  # the files are newer: ask tries to load, and cannot
    assert f"sanad: warning: kept the loaded knowledge: {site.database}: " in warnings[0]
    assert site.state() == 1


@contextlib.contextmanager
def immutable(*paths: Path) -> Iterator[None]:
    """Files and folders that not even root can change (chattr +i)."""
    done: list[Path] = []
    try:
        for path in paths:
            made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
            if made.returncode != 0:
                pytest.skip(f"cannot make {path} immutable here: {made.stderr.decode().strip()}")
            done.append(path)
        yield
    finally:
        for path in done:
            subprocess.run(["chattr", "-i", str(path)], check=False)


@pytest.mark.parametrize("locked", ["file", "file and folder"])
def test_a_read_only_database_still_answers_and_says_so_once(tmp_path: Path, locked: str) -> None:
    site = bulk(tmp_path / "site", articles=20)
    site.write(1)
    load_report(site.sanad("load"))
    paths = [site.database] + ([site.database.parent] if locked != "file" else [])
    with immutable(*paths):
        batch = run_sanad(
            "--config",
            str(site.config),
            "ask",
            "--json",
            "-",
            cwd=site.root,
            stdin=f"{QUESTION}\n{QUESTION}\n",
        )
        assert batch.returncode == 0 and len(batch.stdout.splitlines()) == 2, batch.stderr
        assert batch.stderr.splitlines() == [
            f"sanad: warning: questions are not being recorded: {site.database}: "
            "attempt to write a readonly database"
        ]
        load = one_line(site.sanad("load"))
        assert load.startswith(f"sanad: {site.database}: database error: ")
        site.write(2, only=range(3, 4))  # stale: ask tries to load, keeps what it has
        warnings = answers_with_warnings(site)
        assert warnings[0].startswith("sanad: warning: kept the loaded knowledge: ")
    site.write(1, only=range(3, 4))
    assert site.state() == 1


def test_a_truncated_or_garbage_database_is_one_line(tmp_path: Path) -> None:
    site = bulk(tmp_path / "site", articles=20)
    site.write(1)
    load_report(site.sanad("load"))
    data = site.database.read_bytes()
    for broken in (data[: len(data) // 2], b"\0" * 4096, os.urandom(8192)):
        site.database.write_bytes(broken)
        for verb in (("ask", QUESTION), ("load",)):
            line = one_line(site.sanad(*verb))
            assert line.startswith(f"sanad: {site.database}: unreadable database: "), line
    assert sorted(p.name for p in site.knowledge.iterdir())[0] == "a0000.yaml"  # untouched


def test_a_wal_left_by_a_killed_process_is_recovered(tmp_path: Path) -> None:
    site = bulk(tmp_path / "site", articles=20)
    site.write(1)
    load_report(site.sanad("load"))
    # A process commits a row to the log, never checkpoints, and dies.
    script = (
        "import os, signal, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('PRAGMA wal_autocheckpoint=0')\n"
        'db.execute("INSERT INTO asked (at, question, normalized, answered) '
        "VALUES (0, 'left', 'left', 0)\")\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, str(site.database)], check=False)
    assert killed.returncode == -signal.SIGKILL
    wal = site.database.with_name(site.database.name + "-wal")
    assert wal.stat().st_size > 0
    assert answers_with_warnings(site) == []
    assert site.state() == 1
    with contextlib.closing(sqlite3.connect(site.database)) as db:
        assert db.execute("SELECT count(*) FROM asked WHERE question = 'left'").fetchone() == (1,)
