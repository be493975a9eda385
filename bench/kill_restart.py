"""SIGKILL `sanad run` at random moments of bursts of questions; count lost and doubled answers.

The bot runs against the fake Bot API server (tests/fakebotapi.py) with a one-article
knowledge base. Each round sends a burst of questions, one reader each, kills the bot a random
0..--max-delay seconds later and starts it again; at the end every question must have been
answered once. tests/test_telegram_inbox.py runs 20 rounds of 100 as a test.

    python -m bench.kill_restart                       # 50 rounds of 100 questions
    python -m bench.kill_restart --kills 20 --burst 100 --seed 1
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fakebotapi import (  # noqa: E402
    ONE_SENTENCE_QUESTION,
    FakeBotAPI,
    kill_during_bursts,
    one_sentence_bot,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50, help="rounds, each ended by SIGKILL")
    parser.add_argument("--burst", type=int, default=100, help="questions per round")
    parser.add_argument("--max-delay", type=float, default=0.6, help="latest kill, seconds")
    parser.add_argument("--seed", type=int, default=None, help="for the kill moments")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, FakeBotAPI() as api:
        bot = one_sentence_bot(api, Path(folder)).start()
        try:
            report = kill_during_bursts(
                api,
                bot,
                ONE_SENTENCE_QUESTION,
                kills=args.kills,
                burst=args.burst,
                max_delay=args.max_delay,
                seed=args.seed,
            )
        finally:
            bot.stop()
    print(report)
    return 1 if report.lost else 0


if __name__ == "__main__":
    sys.exit(main())
