"""The Telegram bot under load, end to end over real HTTP against the fake Bot API server.

Run by hand (needs the `test` or `bench` extra for aiohttp):

    python -m bench.telegram_load [--questions 500] [--users 50] [--meaning on|off]
                                  [--asked editors|readers] [--profile pyinstrument|py-spy]

It starts `sanad run` as a subprocess over the shipped knowledge, then:
1. idle latency: one question at a time, from injection into the fake server until the
   reply's sendMessage reaches it (p50, p90, max of --single runs);
2. burst: --questions questions from --users users injected at once; every one must be
   replied to; prints total time, throughput and p50/p99 injection -> sendMessage;
3. baseline, in this process: the same questions through Engine.ask alone (no Telegram),
   and the ratio of the end-to-end figures to it, so the adapter's share is visible.

With --profile the bot runs under pyinstrument (main thread, text report) or is sampled by
py-spy during the burst (every thread, raw collapsed stacks; py-spy must be on the PATH),
and the report is written to --out.

With --meaning on (the default, as `matching.semantic` is) every sentence vector is computed
before the bot starts, with every core, so the burst meets a bot that compares meanings from
its first question (at 100,000 facts that takes about an hour); --meaning off matches by
words alone. The editors' own questions are nearly all answered by words without embedding
them; --asked readers asks the held-out readers' questions and refusals instead
(tests/data/heldout_*.yaml: their own words, dialect, paraphrases), which mostly are embedded.
The baseline prints the share of the questions embedded.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fakebotapi import BotProcess, FakeBotAPI  # noqa: E402

from bot import config as configuration  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.knowledge import read_paths  # noqa: E402
from bot.matching import SURE, Query  # noqa: E402

KNOWLEDGE = ROOT / "knowledge"


def questions() -> list[str]:
    """The editors' own questions from the shipped knowledge, plus a few it cannot answer."""
    articles, errors = read_paths([KNOWLEDGE])
    if errors:
        raise SystemExit(f"the shipped knowledge is invalid: {errors[0]}")
    found = [q for a in articles for f in a.facts for q in f.questions]
    found += ["ما عاصمة البرازيل؟", "من فاز بكأس العالم عام 1930؟", "كم عدد سكان القمر؟"]
    return found


def readers_questions() -> list[str]:
    """The held-out readers' questions and the inputs to refuse, written blind."""
    data = ROOT / "tests" / "data"
    found = yaml.safe_load((data / "heldout_questions.yaml").read_text(encoding="utf-8"))
    refusals = yaml.safe_load((data / "heldout_refusals.yaml").read_text(encoding="utf-8"))
    return [q for pairs in found.values() for _, q in pairs] + list(refusals)


def arcd_questions() -> list[str]:
    """ARCD's real questions, for a knowledge base generated from its sentences."""
    from bench.scale import read_arcd

    return read_arcd()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def idle_latency(api: FakeBotAPI, asked: list[str], runs: int) -> list[float]:
    """One question at a time: injection -> the reply's sendMessage arriving."""
    latencies = []
    for number, question in zip(range(runs), itertools.cycle(asked), strict=False):
        chat = api.private(900_000 + number)
        mark = api.mark()
        update = api.inject({"message": api.message(chat, question)})
        reply = api.wait_for("sendMessage", chat_id=chat["id"], after=mark)
        latencies.append(reply.at - api.injected_at[update["update_id"]])
        time.sleep(0.02)
    return latencies


def burst(api: FakeBotAPI, asked: list[str], count: int, users: int) -> dict[str, float]:
    """`count` questions from `users` users injected at once; every one must be answered."""
    updates = []
    for number, question in zip(range(count), itertools.cycle(asked), strict=False):
        user_id = 100_000 + number % users
        updates.append({"message": api.message(api.private(user_id), question)})
    mark = api.mark()
    started = time.monotonic()
    api.inject_many(updates)
    replies = api.wait_calls("sendMessage", count, after=mark, timeout=120)
    by_message = {(u["message"]["chat"]["id"], u["message"]["message_id"]): u for u in updates}
    latencies = []
    for reply in replies:
        update = by_message[(reply.chat_id, reply.reply_to)]
        latencies.append(reply.at - api.injected_at[update["update_id"]])
    replied = {(r.chat_id, r.reply_to) for r in replies}
    total = max(r.at for r in replies) - started
    return {
        "replied": len(replied),
        "answers": sum("<blockquote>" in r.text for r in replies),
        "total": total,
        "throughput": count / total,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
    }


async def fill_vectors(config_path: Path) -> tuple[int, float]:
    """Load the knowledge and compute every sentence vector, as `sanad load` does."""
    async with Engine(configuration.load(config_path)) as engine:
        await engine.ensure_loaded()
        started = time.perf_counter()
        done = await engine.fill_vectors()
        progress = await engine.vector_progress()
        if progress.done != progress.total:
            raise SystemExit(f"only {progress.done} of {progress.total} facts have a vector")
        return done, time.perf_counter() - started


async def engine_baseline(config_path: Path, asked: list[str], count: int) -> dict[str, float]:
    """The same questions through the engine alone, in this process, one after another."""
    config = configuration.load(config_path)
    async with Engine(config) as engine:
        await engine.ensure_loaded()
        for question in asked[:5]:
            await engine.ask(question, 4, record=False)
        latencies = []
        started = time.perf_counter()
        for _, question in zip(range(count), itertools.cycle(asked), strict=False):
            began = time.perf_counter()
            await engine.ask(question, 4, record=False)
            latencies.append(time.perf_counter() - began)
        total = time.perf_counter() - started
        embedded = [not await sure_by_words(engine, q) for q in asked] if engine.semantic else []
    return {
        "total": total,
        "throughput": count / total,
        "p50": percentile(latencies, 0.5),
        "embedded": sum(embedded) / len(asked) if embedded else None,
    }


async def sure_by_words(engine: Engine, question: str) -> bool:
    """Whether matching answers this without embedding it (bot/matching.py Matcher.gather)."""
    found = await engine.matcher.gather(engine.retrieval, Query.parse(question))
    return bool(found.by_words) and found.by_words[0].score >= SURE and found.by_words[0].holds


def settings(args: argparse.Namespace) -> str:
    """Config lines for the bot: quiet logs, no flood control, the chosen HTTP settings."""
    lines = ["  log_level: WARNING"]
    if args.pool:
        lines.append(f"  connection_pool: {args.pool}")
    if args.concurrency:
        lines.append(f"  concurrent_updates: {args.concurrency}")
    semantic = "true" if args.meaning == "on" else "false"
    return "\n".join(
        [*lines, "flood:", "  questions: 0", "matching:", f"  semantic: {semantic}", ""]
    )


def launcher(profile: str | None, out: Path) -> tuple[str, ...]:
    if profile == "pyinstrument":
        return (sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(out))
    return (sys.executable,)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--single", type=int, default=30, help="idle single-question runs")
    parser.add_argument("--pool", type=int, help="telegram.connection_pool (default: config)")
    parser.add_argument("--concurrency", type=int, help="telegram.concurrent_updates")
    parser.add_argument(
        "--meaning", choices=["on", "off"], default="on", help="matching.semantic (default: on)"
    )
    parser.add_argument(
        "--asked",
        choices=["editors", "readers"],
        default="editors",
        help="on the shipped knowledge: the editors' own questions, or the held-out readers'",
    )
    parser.add_argument("--profile", choices=["pyinstrument", "py-spy"])
    parser.add_argument("--out", type=Path, default=Path("telegram_load_profile.txt"))
    parser.add_argument(
        "--knowledge",
        type=Path,
        default=KNOWLEDGE,
        help="knowledge folder (e.g. one made by bench/scale.py --keep); other than the "
        "shipped one, ARCD's questions are asked",
    )
    args = parser.parse_args()
    if args.knowledge != KNOWLEDGE:
        asked = arcd_questions()
    else:
        asked = questions() if args.asked == "editors" else readers_questions()
    work = Path(tempfile.mkdtemp(prefix="sanad-telegram-load-"))
    spy: subprocess.Popen[bytes] | None = None
    try:
        with FakeBotAPI() as api:
            bot = BotProcess(
                api,
                work,
                knowledge=args.knowledge.resolve(),
                config=settings(args),
                launcher=launcher(args.profile, args.out.resolve()),
            )
            filled = None
            if args.meaning == "on":
                bot.write_config()
                filled = asyncio.run(fill_vectors(bot.config_path))
            bot.start(timeout=600)  # a large knowledge folder is loaded first
            idle_latency(api, asked, 5)  # warm up: first queries, connections, caches
            single = idle_latency(api, asked, args.single)
            if args.profile == "py-spy":
                spy = subprocess.Popen(
                    ["py-spy", "record", "--pid", str(bot.process.pid), "--format", "raw",  # type: ignore[union-attr]
                     "--output", str(args.out), "--threads", "--rate", "250", "--nonblocking"]
                )  # fmt: skip
                time.sleep(1)
            loaded = burst(api, asked, args.questions, args.users)
            if spy is not None:
                spy.send_signal(signal.SIGINT)  # py-spy writes its report on Ctrl-C
                spy.wait(60)
            status = bot.stop(timeout=60)
        baseline = asyncio.run(engine_baseline(bot.config_path, asked, args.questions))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"meaning {args.meaning}" + (
        f": {filled[0]} texts embedded before the bot started, in {filled[1]:.1f} s"
        if filled else ""))  # fmt: skip
    print(f"idle, one question ({args.single} runs): p50 {ms(statistics.median(single))}, "
          f"p90 {ms(percentile(single, 0.9))}, max {ms(max(single))}")  # fmt: skip
    print(
        f"burst: {args.questions} questions from {args.users} users at once: "
        f"{int(loaded['replied'])} replied ({int(loaded['answers'])} answers, "
        f"{int(loaded['replied'] - loaded['answers'])} not found)"
    )
    print(f"  total {loaded['total']:.2f} s, {loaded['throughput']:.0f} questions/s, "
          f"p50 {ms(loaded['p50'])}, p99 {ms(loaded['p99'])} (injection to reply)")  # fmt: skip
    print(f"baseline, Engine.ask alone in-process: {baseline['throughput']:.0f} questions/s, "
          f"p50 {ms(baseline['p50'])}; {len(set(asked))} distinct questions" + (
          f", {baseline['embedded']:.2f} of them embedded (not sure by words)"
          if baseline["embedded"] is not None else ", by words alone"))  # fmt: skip
    ratio = loaded["throughput"] / baseline["throughput"]
    print(f"  end to end / engine alone: throughput x{ratio:.2f}, "
          f"idle p50 x{statistics.median(single) / baseline['p50']:.1f}")  # fmt: skip
    print(f"bot exit status {status}")
    if args.profile:
        print(f"profile written to {args.out}")
    if loaded["replied"] != args.questions:
        raise SystemExit(f"only {int(loaded['replied'])} of {args.questions} were replied to")


if __name__ == "__main__":
    main()
