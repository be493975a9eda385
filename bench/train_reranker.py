"""Train the matcher's linear reranker on ARCD train and write bot/data/reranker.json.

The candidates and their features come from the real engine (the same code that answers
readers), over the ARCD knowledge base that bench/eval_arcd.py builds. The model is trained
pairwise (the fact that holds the answer against every other candidate of its question,
each question weighing the same), cross-validated by paragraph so that no paragraph's
questions are both trained on and tested on, then fitted on everything and calibrated: one
logistic fit of "the top candidate is right" on its score, so the shipped weights give a
probability that matching.min_score can threshold.

    python -m bench.train_reranker            # prints CV figures, writes the weights
    python -m bench.train_reranker --dry-run  # prints only

Needs numpy (a dependency of bm25s in the [bench] extra).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from bench.eval_arcd import ARCD, Paragraph, Question, read_arcd, write_knowledge
from bot import config as configuration
from bot.engine import Engine
from bot.matching import FEATURES, Query, Reranker, held_back, score

REPO = Path(__file__).resolve().parent.parent
WEIGHTS = REPO / "bot" / "data" / "reranker.json"
FOLDS = 5
L2 = 1e-2


@dataclass(frozen=True)
class Asked:
    """One question's candidates: their features, which of them are right, and context."""

    x: np.ndarray
    y: np.ndarray
    paragraph: str
    known: float
    fits: np.ndarray


async def candidates(
    knowledge: list[Paragraph], questions: list[Question], text: dict[tuple[str, str], str]
) -> list[Asked]:
    """Ask each question of a knowledge base made of `knowledge`, through the real engine.

    A candidate is right when it quotes the question's gold sentence: a sentence found in
    several paragraphs is right in each, as in the evaluation.
    """
    out = []
    with tempfile.TemporaryDirectory(prefix="sanad-train-") as tmp:
        root = Path(tmp)
        write_knowledge(knowledge, root / "knowledge")
        raw = {"knowledge_dir": "knowledge", "database": "sanad.sqlite3"}
        (root / "config.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
        async with Engine(configuration.load(root / "config.yaml")) as engine:
            await engine.reload()
            engine.matcher.reranker = Reranker((0.0,) * len(FEATURES), 0.0, 0.0)
            for q in questions:
                ranked = await engine.matcher.rank(engine.retrieval, Query.parse(q.text))
                x = np.array([r.features for r in ranked], dtype=float).reshape(-1, len(FEATURES))
                y = np.array([text[r.row.article_id, r.row.fact_id] == q.gold for r in ranked])
                known = ranked[0].known if ranked else 0.0
                fits = np.array([r.fits for r in ranked], dtype=bool)
                out.append(Asked(x, y.astype(bool), q.article_id, known, fits))
    return out


def fit_logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray, l2: float) -> np.ndarray:
    """Weighted L2-regularised logistic regression by Newton's method (few features)."""
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ (weight * (p - y)) + 2 * l2 * w
        hess = x.T @ (x * (weight * p * (1 - p))[:, None]) + 2 * l2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def fit_pairwise(data: list[Asked]) -> np.ndarray:
    """Logistic loss on right-minus-wrong differences; each question weighs the same."""
    diffs, weights = [], []
    for a in data:
        x, y = a.x, a.y
        if y.all() or not y.any():
            continue
        d = (x[y][:, None, :] - x[~y][None, :, :]).reshape(-1, x.shape[1])
        diffs.append(d)
        weights.append(np.full(len(d), 1 / len(d)))
    d = np.vstack(diffs)
    return fit_logistic(d, np.ones(len(d)), np.concatenate(weights), L2)


def ranks(data: list[Asked], w: np.ndarray) -> list[int | None]:
    """1-based rank of the first right candidate under w; None when none is a candidate."""
    out: list[int | None] = []
    for a in data:
        if not a.y.any():
            out.append(None)
            continue
        order = np.argsort(-(a.x @ w), kind="stable")
        out.append(int(np.flatnonzero(a.y[order])[0]) + 1)
    return out


def summary(r: list[int | None]) -> dict[str, float]:
    n = len(r)
    return {
        "hit@1": round(sum(k == 1 for k in r) / n, 3),
        "hit@5": round(sum(k is not None and k <= 5 for k in r) / n, 3),
        "mrr": round(sum(1 / k for k in r if k) / n, 3),
    }


def folds(paragraphs: list[Paragraph]) -> dict[str, int]:
    """Each paragraph's fold: a paragraph's questions are never both trained and tested on."""
    shuffled = np.random.default_rng(0).permutation(len(paragraphs))
    return {paragraphs[j].article_id: i % FOLDS for i, j in enumerate(shuffled)}


def cross_validate(data: list[Asked], fold: dict[str, int]) -> dict[str, float]:
    """Ranking figures of models each tested on the paragraphs it was not trained on."""
    held_out: list[int | None] = []
    for k in range(FOLDS):
        train = [a for a in data if fold[a.paragraph] != k]
        test = [a for a in data if fold[a.paragraph] == k]
        held_out += ranks(test, fit_pairwise(train))
    return summary(held_out)


def calibrate(data: list[Asked], w: np.ndarray) -> tuple[float, float]:
    """Scale and bias so that sigmoid(scale * x.w + bias) ≈ P(the top candidate is right)."""
    top, right = [], []
    for a in data:
        if len(a.y):
            s = a.x @ w
            best = int(np.argmax(s))
            top.append(s[best])
            right.append(float(a.y[best]))
    design = np.column_stack([top, np.ones(len(top))])
    scale, bias = fit_logistic(design, np.array(right), np.ones(len(top)), 1e-6)
    return float(scale), float(bias)


def thresholds(
    answerable: list[Asked], unanswerable: list[Asked], model: Reranker
) -> list[tuple[int, float, float]]:
    """For each min_score: hit@1 on the answerable questions, share of the others refused."""

    def best(a: Asked) -> tuple[float, bool]:
        if not len(a.y):
            return 0.0, False
        held = held_back(a.x, a.fits)
        scores = [held * score(model, tuple(x), 0.0, a.known) for x in a.x]
        i = int(np.argmax(scores))
        return scores[i], bool(a.y[i])

    answered = [best(a) for a in answerable]
    refused = [best(a)[0] for a in unanswerable]
    return [
        (
            t,
            sum(p >= t and ok for p, ok in answered) / len(answered),
            sum(p < t for p in refused) / len(refused),
        )
        for t in range(20, 75, 5)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ARCD, help="ARCD JSON file")
    parser.add_argument("--dry-run", action="store_true", help="do not write the weights")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"{args.data} is absent: nothing to train on")
        return 0
    paragraphs, questions = read_arcd(args.data)
    text = {
        (p.article_id, f"s{i + 1}"): sentence
        for p in paragraphs
        for i, sentence in enumerate(p.sentences)
    }
    fold = folds(paragraphs)
    data = asyncio.run(candidates(paragraphs, questions, text))
    recall = sum(bool(a.y.any()) for a in data) / len(data)
    print(f"{len(data)} questions; the right fact is a candidate for {recall:.3f} of them")
    cv = cross_validate(data, fold)
    print(f"reranker, {FOLDS}-fold CV by paragraph:", cv)
    w = fit_pairwise(data)
    print("reranker, fit on all (train figures):", summary(ranks(data, w)))
    # The same questions asked of the knowledge without their own paragraphs: each is about
    # something the knowledge does not hold, and shares words with what it does.
    unanswerable = []
    for k in range(FOLDS):
        kept = [p for p in paragraphs if fold[p.article_id] != k]
        held = [q for q in questions if fold[q.article_id] == k]
        unanswerable += asyncio.run(candidates(kept, held, text))
    scale, bias = calibrate(data, w)
    print(f"calibration: scale {scale:.4f}, bias {bias:.4f}")
    model = Reranker(tuple(w), scale, bias)
    print("min_score  hit@1 answerable  refused unanswerable")
    for t, hit, refused in thresholds(data, unanswerable, model):
        print(f"{t:9d}  {hit:16.3f}  {refused:20.3f}")
    print("weights:", dict(zip(FEATURES, w.round(4), strict=True)))
    if not args.dry_run:
        shipped = {
            "features": list(FEATURES),
            "weights": [round(float(v), 4) for v in w],
            "calibration": {"scale": round(scale, 4), "bias": round(bias, 4)},
            "trained": f"bench/train_reranker.py on ARCD train, {len(data)} questions",
            "cv_by_paragraph": cv,
        }
        WEIGHTS.write_text(json.dumps(shipped, ensure_ascii=False, indent=1) + "\n")
        print(f"wrote {WEIGHTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
