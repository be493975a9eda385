"""How Sanad holds up as the knowledge grows: 1,000, 10,000 and 100,000 facts.

Run by hand:  python -m bench.scale [--sizes 1000,10000,100000] [--questions 500]

Knowledge bases are generated from the real Arabic sentences of ARCD (../shared/data/):
each generated fact joins a clause of one real sentence to a clause of another and varies
its numbers, so the vocabulary is real Arabic news-and-encyclopedia text and no sentence is
repeated 100 times. Questions are ARCD's own 693 questions.

For each size it prints: load time, database size, answer latency p50/p99 in-process, the
same for a full-scan rapidfuzz baseline run in this process (with the ratio), peak RSS and
cold start of `sanad ask` as a fresh process, a one-article reload, and question latency
while a full rebuild runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from bot import config as configuration
from bot.engine import Engine
from bot.text import normalize

ROOT = Path(__file__).resolve().parent.parent
ARCD = ROOT.parent / "shared" / "data" / "arcd-train.json"
FACTS_PER_ARTICLE = 10
ARTICLES_PER_FILE = 50
_CLAUSE = re.compile(r"[،,؛;]\s+|\s+و(?=\S{3,})")
_SENTENCE_END = re.compile(r"(?<=[.؟!])\s+")
_DIGITS = re.compile(r"\d+")
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def read_arcd() -> tuple[list[str], list[str], list[str]]:
    """ARCD's sentences, questions and article titles."""
    data = json.loads(ARCD.read_text(encoding="utf-8"))["data"]
    sentences: list[str] = []
    questions: list[str] = []
    for article in data:
        for paragraph in article["paragraphs"]:
            sentences.extend(s.strip() for s in _SENTENCE_END.split(paragraph["context"]))
            questions.extend(qa["question"].strip(" -") for qa in paragraph["qas"])
    titles = [a["title"] for a in data]
    return list(dict.fromkeys(s for s in sentences if len(s.split()) >= 4)), questions, titles


def variants(sentences: list[str], count: int, rng: random.Random) -> list[str]:
    """`count` distinct sentences: the originals first, then joined clauses with new numbers."""
    clauses = [c.strip() for s in sentences for c in _CLAUSE.split(s) if len(c.split()) >= 3]
    out = list(sentences[:count])
    seen = set(out)
    while len(out) < count:
        first, second = rng.choice(clauses), rng.choice(clauses)
        text = _DIGITS.sub(
            lambda m: str(rng.randint(1, 10 ** len(m.group()))), f"{first}، {second}"
        )
        if text not in seen:
            seen.add(text)
            out.append(text.rstrip(".") + ".")
    return out


def write_knowledge(folder: Path, facts: list[str], titles: list[str], rng: random.Random) -> None:
    """Articles of ten sentence-facts each, fifty articles a file, as multi-document YAML."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    articles = [
        {
            "id": f"a{i:06d}",
            "title": f"{rng.choice(titles)} ({i})",
            "published": f"20{10 + i % 15}-0{1 + i % 9}-1{i % 10}",
            "topics": [rng.choice(titles)],
            "sentences": [
                {"id": f"s{j}", "text": text}
                for j, text in enumerate(facts[start : start + FACTS_PER_ARTICLE])
            ],
        }
        for i, start in enumerate(range(0, len(facts), FACTS_PER_ARTICLE))
    ]
    for n, first in enumerate(range(0, len(articles), ARTICLES_PER_FILE)):
        chunk = articles[first : first + ARTICLES_PER_FILE]
        (folder / f"part{n:04d}.yaml").write_text(
            yaml.dump_all(chunk, Dumper=_DUMPER, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p99 * 1000


async def engine_latency(engine: Engine, questions: list[str]) -> list[float]:
    timings = []
    for question in questions:
        start = time.perf_counter()
        await engine.ask(question, top=1, record=False)
        timings.append(time.perf_counter() - start)
    return timings


def baseline_latency(sentences: list[str], questions: list[str]) -> list[float]:
    """The naive approach: rapidfuzz WRatio against every stored sentence."""
    choices = [normalize(s) for s in sentences]
    timings = []
    for question in questions:
        start = time.perf_counter()
        process.extractOne(normalize(question), choices, scorer=fuzz.WRatio)
        timings.append(time.perf_counter() - start)
    return timings


# `sanad ask`, reporting its own peak RSS on the way out. The kernel's ru_maxrss of a child
# counts the memory of the process it was forked from (this one, holding the whole knowledge),
# so the child reads its VmHWM itself.
_ASK_WITH_PEAK = """
import sys
from bot.cli import main
try:
    code = main(sys.argv[1:])
finally:
    with open("/proc/self/status", encoding="ascii") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    print("peak-rss-kb", peak, file=sys.stderr)
sys.exit(code)
"""


def cold_ask(config_path: Path, question: str) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of one `sanad ask` process, start to answer."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _ASK_WITH_PEAK, "--config", str(config_path), "ask", question],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"sanad ask failed with status {done.returncode}: {done.stderr}")
    peak = done.stderr.rsplit("peak-rss-kb", 1)[-1].split()[0]
    return elapsed, int(peak) / 1024


async def reload_under_questions(
    engine: Engine, questions: list[str], rewrite: Callable[[], None]
) -> tuple[float, list[float]]:
    """Rewrite every article and reload, asking questions all the while: their latencies."""
    await asyncio.to_thread(rewrite)
    reload = asyncio.create_task(engine.reload())
    timings: list[float] = []
    start = time.perf_counter()
    i = 0
    while not reload.done():
        t0 = time.perf_counter()
        await engine.ask(questions[i % len(questions)], record=False)
        timings.append(time.perf_counter() - t0)
        i += 1
        await asyncio.sleep(0.005)
    if not (await reload).changed:
        raise SystemExit("the full rebuild changed nothing")
    return time.perf_counter() - start, timings


async def one_size(size: int, workdir: Path, data: tuple, args: argparse.Namespace) -> dict:
    sentences, questions, titles = data
    rng = random.Random(size)
    facts = variants(sentences, size, rng)
    folder = workdir / f"kb{size}"
    write_knowledge(folder / "knowledge", facts, titles, rng)
    config_path = folder / "config.yaml"
    config_path.write_text("knowledge_dir: knowledge\ndatabase: sanad.sqlite3\n", encoding="utf-8")
    config = configuration.load(config_path)
    asked = (questions * (args.questions // len(questions) + 1))[: args.questions]
    row: dict = {"facts": size}
    async with Engine(config) as engine:
        start = time.perf_counter()
        await engine.reload()
        row["load_s"] = time.perf_counter() - start
        row["db_mb"] = sum(p.stat().st_size for p in folder.glob("sanad.sqlite3*")) / 2**20
        await engine_latency(engine, asked[:20])  # warm caches as a running bot would have
        row["p50_ms"], row["p99_ms"] = percentiles(await engine_latency(engine, asked))
        if size <= args.baseline_max:
            base = baseline_latency(facts, asked[: args.baseline_questions])
            row["base_p50_ms"], row["base_p99_ms"] = percentiles(base)
        # As `sanad run` reloads once it serves readers; its loader process stays up.
        engine.separate_loads = True
        await engine.reload()
        changed = folder / "knowledge" / "part0000.yaml"
        changed.write_text(
            changed.read_text(encoding="utf-8").replace("(0)", "(0, revised)", 1), "utf-8"
        )
        start = time.perf_counter()
        report = await engine.reload()
        row["one_article_reload_s"] = time.perf_counter() - start
        row["one_article_changed"] = len(report.changed)
        retitled = random.Random(size + 1)
        rebuild_s, during = await reload_under_questions(
            engine, asked, lambda: write_knowledge(folder / "knowledge", facts, titles, retitled)
        )
        row["rebuild_s"] = rebuild_s
        row["during_p50_ms"], row["during_p99_ms"] = percentiles(during) if during else (0, 0)
    cold = [cold_ask(config_path, q) for q in asked[:3]]
    row["cold_s"] = min(c[0] for c in cold)
    row["rss_mb"] = max(c[1] for c in cold)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--baseline-max", type=int, default=10000)
    parser.add_argument("--baseline-questions", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="keep the generated knowledge here")
    args = parser.parse_args()
    if not ARCD.exists():
        print(f"skipped: {ARCD} is not here")
        return 0
    data = read_arcd()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="sanad-scale-"))
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            row = asyncio.run(one_size(size, workdir, data, args))
            print(json.dumps(row, ensure_ascii=False), flush=True)
            _print_row(row)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _print_row(row: dict) -> None:
    line = (
        f"{row['facts']:>7} facts | load {row['load_s']:.1f} s | db {row['db_mb']:.1f} MB | "
        f"ask p50 {row['p50_ms']:.2f} ms p99 {row['p99_ms']:.2f} ms | "
        f"cold {row['cold_s']:.2f} s | rss {row['rss_mb']:.0f} MB | "
        f"1-article reload {row['one_article_reload_s']:.2f} s | "
        f"during rebuild p99 {row['during_p99_ms']:.1f} ms"
    )
    if "base_p50_ms" in row:
        ratio = row["base_p50_ms"] / row["p50_ms"]
        line += f" | rapidfuzz full scan p50 {row['base_p50_ms']:.1f} ms ({ratio:.0f}x slower)"
    print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
