"""Speed with matching by meaning on: embedding the facts, and answering at 100,000 facts.

Run by hand (after `pip install -e '.[bench]'`; skips when ../shared/data/arcd-train.json is
absent):

    python -m bench.meaning_speed embed [--facts 1000,3000] [--workers N]
    python -m bench.meaning_speed ask [--facts 100000] [--questions 500] [--kb DIR]

Knowledge is generated as bench/scale.py does (ARCD's sentences, then clauses of two joined).

`embed`: a load, then `Engine.fill_vectors()` with the default workers (every core) until
every fact has a vector; facts and texts a second, and the time 100,000 facts would take at
that rate. Baseline, in this process: the same texts' first 64 embedded on one core here.

`ask`: a 100,000-fact base (generated and loaded, or reused from --kb, e.g. the folder that
`python -m bench.scale --sizes 100000 --keep DIR` leaves as DIR/kb100000). Embedding 100,000
texts takes about an hour, so the vectors table is filled with SYNTHETIC vectors: seeded
random unit vectors, float16, under the keys bot/vectors.py uses, spread around the mean of
64 real fact vectors so that their cosines with real questions fall where e5's do. What a
question costs does not depend on the vectors' values, except through which questions are
embedded, and that depends only on the words' scores (bot/matching.py SURE). The answers
themselves are meaningless with these vectors. Then the questions are asked one at a time,
alternately with meaning on and off (`Engine.semantic`, what `matching.semantic` sets) on the
same engine; then the embedded ones again (the question cache); then cold `sanad ask` with
each setting.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench.scale import ARCD, cold_ask, percentiles, read_arcd, variants, write_knowledge
from bot import config as configuration
from bot import meaning, vectors
from bot.engine import Engine
from bot.meaning import Embedder

# Texts embedded on one core in this process, as the baseline of the fill's rate.
BASELINE_TEXTS = 64
# Real fact vectors whose mean the synthetic ones are spread around, and questions to calibrate.
CALIBRATION_FACTS = 64
CALIBRATION_QUESTIONS = 32
SEED = 20240619
WARM_UP = 20
WORDS_ONLY = "matching:\n  semantic: false\n"


def write_config(folder: Path, name: str, extra: str = "") -> Path:
    path = folder / name
    path.write_text(f"knowledge_dir: knowledge\ndatabase: sanad.sqlite3\n{extra}", "utf-8")
    return path


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmRSS:"))
    return int(kb) / 1024


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# -- embedding rate ----------------------------------------------------------------------------


async def embed_rate(size: int, workdir: Path, data: tuple, workers: int | None) -> dict:
    sentences, _, titles = data
    rng = random.Random(size)
    facts = variants(sentences, size, rng)
    folder = workdir / f"kb{size}"
    write_knowledge(folder / "knowledge", facts, titles, rng)
    config = configuration.load(write_config(folder, "config.yaml"))
    row: dict = {"facts": size, "workers": workers or os.cpu_count(), "load_avg": load_average()}
    async with Engine(config) as engine:
        start = time.perf_counter()
        await engine.reload()
        row["load_s"] = time.perf_counter() - start
        todo = await vectors.missing(engine.store, meaning.E5_NAME)
        row["texts"] = len(todo)
        model = meaning.load()
        assert model is not None, "the sentence model cannot load"
        sample = [(kind, text) for _, kind, text in todo[:BASELINE_TEXTS]]
        row["tokens_mean"] = statistics.mean(_tokens(model, text) for _, text in sample)
        start = time.perf_counter()
        vectors.embed(sample)
        row["one_core_texts_per_s"] = len(sample) / (time.perf_counter() - start)
        start, cpu = time.perf_counter(), _children_cpu()
        done = await engine.fill_vectors(workers)
        row["fill_s"] = time.perf_counter() - start
        # The workers' CPU time (they are reaped when the fill ends): what the fill costs
        # whatever else the machine runs.
        row["fill_cpu_s"] = _children_cpu() - cpu
        progress = await engine.vector_progress()
        if done != len(todo) or progress.done != progress.total:
            raise SystemExit(f"the fill embedded {done} of {len(todo)} texts")
    row["facts_per_s"] = size / row["fill_s"]
    row["texts_per_s"] = row["texts"] / row["fill_s"]
    row["hours_100k"] = 100_000 / row["facts_per_s"] / 3600
    row["load_avg_after"] = load_average()
    return row


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _tokens(model: Embedder, text: str) -> int:
    return model._model.token_count(text)  # type: ignore[attr-defined]


def print_embed(row: dict) -> None:
    speedup = row["texts_per_s"] / row["one_core_texts_per_s"]
    print(
        f"{row['facts']} facts ({row['texts']} texts, {row['tokens_mean']:.0f} tokens each on "
        f"average): load {row['load_s']:.1f} s, then fill_vectors with {row['workers']} workers "
        f"{row['fill_s']:.1f} s = {row['facts_per_s']:.1f} facts/s, {row['texts_per_s']:.1f} "
        f"texts/s\n  baseline, one core in this process: {row['one_core_texts_per_s']:.1f} "
        f"texts/s (the fill is x{speedup:.2f} that; fill / load time x"
        f"{row['fill_s'] / row['load_s']:.0f})\n  100,000 facts at this rate: "
        f"{row['hours_100k']:.2f} h\n  the workers' CPU time: {row['fill_cpu_s']:.1f} s, "
        f"{row['fill_cpu_s'] / row['texts'] * 1000:.0f} ms a text; on {row['workers']} idle "
        f"cores {row['fill_cpu_s'] / row['workers']:.1f} s, 100,000 facts "
        f"{row['fill_cpu_s'] / row['workers'] / row['facts'] * 100_000 / 3600:.2f} h\n"
        f"  load average before {row['load_avg']}, after "
        f"{row['load_avg_after']}",
        flush=True,
    )


# -- answering at 100,000 facts ----------------------------------------------------------------


class Counting:
    """The sentence model, counting the questions it embeds and the time it takes."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.seconds: list[float] = []
        self.cpu: list[float] = []

    def passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.passages(texts)

    def queries(self, texts: list[str]) -> np.ndarray:
        start, cpu = time.perf_counter(), time.thread_time()
        found = self.inner.queries(texts)
        self.seconds.append(time.perf_counter() - start)
        self.cpu.append(time.thread_time() - cpu)
        return found


async def synthetic_vectors(engine: Engine, questions: Sequence[str]) -> dict:
    """Fill every missing vector with seeded random ones near the real facts' mean."""
    model = meaning.load()
    assert model is not None, "the sentence model cannot load"
    texts = await engine.store.vector_texts()
    have = await engine.store.vector_keys()
    todo = [w for w in vectors.wanted(meaning.E5_NAME, texts) if w[0] not in have]
    rng = np.random.default_rng(SEED)
    sample = random.Random(SEED).sample(texts, CALIBRATION_FACTS)
    facts = model.passages([vectors.passage(title, statement) for _, title, statement, _ in sample])
    asked = model.queries(list(questions[:CALIBRATION_QUESTIONS]))
    mean = facts.mean(axis=0)
    mean /= np.linalg.norm(mean)
    # A vector near the mean has a cosine with a question of about cos(mean, q) * cos(v, mean):
    # spread them so that this matches what real facts give.
    real = float((asked @ facts.T).mean())
    to_mean = min(0.999, real / float((asked @ mean).mean()))
    sigma = np.sqrt((1 / to_mean**2 - 1) / meaning.DIM)
    start = time.perf_counter()
    synthetic = 0.0
    for first in range(0, len(todo), 10_000):
        chunk = todo[first : first + 10_000]
        made = mean + sigma * rng.standard_normal((len(chunk), meaning.DIM))
        made /= np.linalg.norm(made, axis=1, keepdims=True)
        half = made.astype(np.float16)
        if not first:
            synthetic = float((asked @ half[:CALIBRATION_FACTS].astype(np.float32).T).mean())
        await engine.store.add_vectors(
            [(key, v.tobytes()) for (key, _, _), v in zip(chunk, half, strict=True)]
        )
    return {
        "synthetic": len(todo),
        "stored_s": time.perf_counter() - start,
        "cosine_real": real,
        "cosine_synthetic": synthetic,
    }


async def timed(engine: Engine, question: str, semantic: bool) -> tuple[float, bool]:
    engine.semantic = semantic
    start = time.perf_counter()
    answer = await engine.ask(question, top=1, record=False)
    return time.perf_counter() - start, answer.answered


async def ask_speed(folder: Path, questions: list[str], count: int) -> dict:
    asked = (questions * (count // len(questions) + 1))[:count]
    warm = questions[-WARM_UP:]
    row: dict = {"questions": len(asked), "load_avg": load_average()}
    on = write_config(folder, "meaning.yaml")
    off = write_config(folder, "words.yaml", WORDS_ONLY)
    async with Engine(configuration.load(on)) as engine:
        start = time.perf_counter()
        report = await engine.ensure_loaded()
        if report is not None and not report.unchanged:
            row["load_s"] = time.perf_counter() - start
        row["facts"] = (await engine.store.counts())["facts"]
        row.update(await synthetic_vectors(engine, questions))
        for question in warm:
            await timed(engine, question, False)
        row["rss_words_mb"] = rss_mb()
        start = time.perf_counter()
        # Read every vector now: a reader would wait for them only on the process's first
        # question, and the load has read the table already, while it was empty.
        await engine._vectors.refresh(engine.store)
        await timed(engine, warm[0], True)
        row["first_meaning_ask_s"] = time.perf_counter() - start
        for question in warm:
            await timed(engine, question, True)
        row["rss_meaning_mb"] = rss_mb()
        model = engine._questions  # the bench counts what the engine embeds
        assert model is not None
        counting = Counting(model.embedder)
        model.embedder = counting
        words, judged, answered = [], [], {True: 0, False: 0}
        embedded: list[str] = []
        for i, question in enumerate(asked):
            order = (False, True) if i % 2 else (True, False)
            for semantic in order:
                before = len(counting.seconds)
                took, ok = await timed(engine, question, semantic)
                (judged if semantic else words).append(took)
                answered[semantic] += ok
                if semantic and len(counting.seconds) > before:
                    embedded.append(question)
        row["embed_ms"] = statistics.median(counting.seconds) * 1000
        row["embed_cpu_ms"] = statistics.median(counting.cpu) * 1000
        once = set(embedded)
        first = [t for t, q in zip(judged, asked, strict=True) if q in once]
        again = [(await timed(engine, q, True))[0] for q in embedded]
        row["cache_misses_after"] = len(counting.seconds) - len(embedded)
    row["words_p50"], row["words_p99"] = percentiles(words)
    row["meaning_p50"], row["meaning_p99"] = percentiles(judged)
    row["embedded"] = len(embedded)
    row["embedded_p50"], row["embedded_p99"] = percentiles(first) if first else (0, 0)
    row["repeated_p50"], row["repeated_p99"] = percentiles(again) if again else (0, 0)
    row["answered_words"] = answered[False] / len(asked)
    row["answered_meaning"] = answered[True] / len(asked)
    cold_question = embedded[0] if embedded else asked[0]
    for name, path in (("words", off), ("meaning", on)):
        runs = [cold_ask(path, cold_question) for _ in range(3)]
        row[f"cold_{name}_s"] = min(r[0] for r in runs)
        row[f"cold_{name}_rss_mb"] = max(r[1] for r in runs)
    row["load_avg_after"] = load_average()
    return row


def print_ask(row: dict) -> None:
    n = row["questions"]
    ratio50 = row["meaning_p50"] / row["words_p50"]
    ratio99 = row["meaning_p99"] / row["words_p99"]
    lines = [
        f"{row['facts']:,} facts; the vectors table holds {row['synthetic']:,} SYNTHETIC vectors "
        f"(seeded random, float16, stored in {row['stored_s']:.1f} s; mean cosine with real "
        f"questions {row['cosine_synthetic']:.3f}, real facts' {row['cosine_real']:.3f})",
        f"{n} ARCD questions, one at a time, alternately with meaning on and off:",
        f"  words only    p50 {row['words_p50']:.2f} ms, p99 {row['words_p99']:.2f} ms "
        f"(answered {row['answered_words']:.2f})",
        f"  with meaning  p50 {row['meaning_p50']:.2f} ms, p99 {row['meaning_p99']:.2f} ms "
        f"(x{ratio50:.1f} / x{ratio99:.1f} words only)",
        f"  embedded: {row['embedded']} of {n} ({row['embedded'] / n:.2f}), the rest sure by "
        f"words; embedding a question p50 {row['embed_ms']:.1f} ms ({row['embed_cpu_ms']:.1f}"
        " ms of CPU in the model's thread)",
        f"  embedded questions p50 {row['embedded_p50']:.2f} ms, p99 {row['embedded_p99']:.2f} "
        f"ms; asked again (question cache) p50 {row['repeated_p50']:.2f} ms, p99 "
        f"{row['repeated_p99']:.2f} ms, {row['cache_misses_after']} embedded again",
        f"  first question with meaning (reads every vector; the model was loaded) "
        f"{row['first_meaning_ask_s']:.2f} s",
        f"  RSS of this process: {row['rss_words_mb']:.0f} MB words only, "
        f"{row['rss_meaning_mb']:.0f} MB with the vectors and the model",
        f"cold `sanad ask`: words only {row['cold_words_s']:.2f} s ({row['cold_words_rss_mb']:.0f}"
        f" MB peak), with meaning and vectors present {row['cold_meaning_s']:.2f} s "
        f"({row['cold_meaning_rss_mb']:.0f} MB peak)",
        f"load average before {row['load_avg']}, after {row['load_avg_after']}",
    ]
    if "load_s" in row:
        lines.insert(0, f"load of {row['facts']:,} facts: {row['load_s']:.1f} s")
    print("\n".join(lines), flush=True)


def generated(size: int, workdir: Path, data: tuple) -> Path:
    """A folder with `size` facts as bench/scale.py makes them, loaded on first use."""
    sentences, _, titles = data
    rng = random.Random(size)
    folder = workdir / f"kb{size}"
    write_knowledge(folder / "knowledge", variants(sentences, size, rng), titles, rng)
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["embed", "ask"])
    parser.add_argument("--facts", help="sizes (default: embed 1000, ask 100000)")
    parser.add_argument("--workers", type=int, help="fill_vectors' workers (default: every core)")
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--kb", type=Path, help="ask: a folder holding knowledge/ (and a load)")
    parser.add_argument("--keep", type=Path, help="keep the generated knowledge here")
    args = parser.parse_args()
    if not ARCD.exists():
        print(f"skipped: {ARCD} is not here")
        return 0
    data = read_arcd()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="sanad-meaning-"))
    try:
        if args.part == "embed":
            for size in (int(s) for s in (args.facts or "1000").split(",")):
                row = asyncio.run(embed_rate(size, workdir, data, args.workers))
                print(json.dumps(row), flush=True)
                print_embed(row)
        else:
            size = int(args.facts or "100000")
            folder = args.kb or generated(size, workdir, data)
            row = asyncio.run(ask_speed(folder, data[1], args.questions))
            print(json.dumps(row), flush=True)
            print_ask(row)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
