"""The blind sets: the first one's halves A (to tune on) and B (to judge by), and set C.

The first set is tests/data/blind/; set C, tests/data/blind_c/, is never tuned on.

Questions alternate by position (the set interleaves articles and kinds). Refusals alternate
within each kind, since the set lists them kind after kind in turn: by position alone, one
half would hold every refusal that shares names with the articles and the other none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

BLIND = Path(__file__).resolve().parent.parent / "tests" / "data" / "blind"
# Set C (tests/data/blind_c/): written later by another hand, and never tuned on.
SET_C = BLIND.with_name("blind_c")


def halves() -> dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """{"A": (questions, refusals), "B": (questions, refusals)}."""
    raw = yaml.safe_load((BLIND / "questions.yaml").read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    refusals: dict[str, list[dict[str, Any]]] = {"A": [], "B": []}
    for item in raw["refusals"]:
        turn = seen.get(item["kind"], 0)
        seen[item["kind"]] = turn + 1
        refusals["AB"[turn % 2]].append(item)
    return {
        "A": (raw["questions"][0::2], refusals["A"]),
        "B": (raw["questions"][1::2], refusals["B"]),
    }


def first_set() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The first set's questions and refusals, whole: half A's, then half B's."""
    split = halves()
    return split["A"][0] + split["B"][0], split["A"][1] + split["B"][1]


def set_c() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Set C's questions and refusals, whole: there is nothing to tune on in it."""
    raw = yaml.safe_load((SET_C / "questions.yaml").read_text(encoding="utf-8"))
    return raw["questions"], raw["refusals"]
