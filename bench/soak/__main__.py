"""`python -m bench.soak`: the full soak (20,000 updates), its figures, exit 1 on a problem."""

from __future__ import annotations

import argparse
import sys

from bench.soak import Result, Settings, run


def report(result: Result) -> str:
    """The figures, as docs/reliability.md quotes them."""
    owed = ", ".join(f"{kind} {n}" for kind, n in result.owed.most_common())
    calls = ", ".join(f"{method} {n}" for method, n in result.calls.most_common())
    kinds = "\n".join(f"  {n:6d}  {kind}" for kind, n in result.kinds.most_common())
    return "\n".join(
        [
            f"updates: {result.updates} in {result.duration:.0f} s "
            f"({result.updates / max(result.duration, 1e-9):.0f} a second)",
            kinds,
            f"owed a quoted reply: {owed}",
            f"replies: {result.replies} ({result.answers} questions answered from an article)",
            f"calls: {calls}",
            f"news: {result.news_to_subscribers} of {result.news_expected} subscribers got the "
            f"new article once; {result.news_total} news messages in all; "
            f"{result.refused_moved} sends to a moved group's old id refused (as by Telegram)",
            f"reload: {result.reload_report.splitlines()[0] if result.reload_report else '-'}",
            f"log: {len(result.errors)} errors, {result.warnings} warnings; "
            f"exit status {result.exit_status}",
            f"RSS: {result.rss_warm} kB after the warm-up, {result.rss_end} kB at the end "
            f"({result.growth:+.1%}), peak {result.rss_peak} kB",
            "RSS as it went (updates: kB): "
            + ", ".join(f"{n}: {kb}" for n, kb in result.rss_series),
            f"problems: {len(result.problems)}",
            *(f"  {p}" for p in result.problems[:50]),
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = Settings()
    parser.add_argument("--updates", type=int, default=defaults.updates)
    parser.add_argument("--warmup", type=int, default=defaults.warmup)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--rate", type=float, default=defaults.rate, help="updates/s at most")
    parser.add_argument("--keep", action="store_true", help="keep the bot's folder and log")
    args = parser.parse_args()
    settings = Settings(updates=args.updates, warmup=args.warmup, seed=args.seed, rate=args.rate)
    result = run(settings, progress=lambda line: print(line, flush=True), keep=args.keep)
    print(report(result))
    return 1 if result.problems else 0


if __name__ == "__main__":
    sys.exit(main())
