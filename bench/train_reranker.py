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
from pathlib import Path

import numpy as np
import yaml

from bench.eval_arcd import ARCD, Paragraph, Question, read_arcd, write_knowledge
from bot import config as configuration
from bot.engine import Engine
from bot.matching import FEATURES, Query

REPO = Path(__file__).resolve().parent.parent
WEIGHTS = REPO / "bot" / "data" / "reranker.json"
FOLDS = 5
L2 = 1e-2


async def candidate_features(
    paragraphs: list[Paragraph], questions: list[Question]
) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """Per question: its candidates' features, which quote the gold sentence, its paragraph.

    A sentence found in several paragraphs is right in each, as in the evaluation.
    """
    text = {
        (p.article_id, f"s{i + 1}"): sentence
        for p in paragraphs
        for i, sentence in enumerate(p.sentences)
    }
    out = []
    with tempfile.TemporaryDirectory(prefix="sanad-train-") as tmp:
        root = Path(tmp)
        write_knowledge(paragraphs, root / "knowledge")
        raw = {"knowledge_dir": "knowledge", "database": "sanad.sqlite3"}
        (root / "config.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
        async with Engine(configuration.load(root / "config.yaml")) as engine:
            await engine.reload()
            for q in questions:
                ranked = await engine.matcher.rank(engine.store, Query.parse(q.text))
                x = np.array([r.features for r in ranked], dtype=float).reshape(-1, len(FEATURES))
                y = np.array([text[r.row.article_id, r.row.fact_id] == q.gold for r in ranked])
                out.append((x, y, q.article_id))
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


def fit_pairwise(data: list[tuple[np.ndarray, np.ndarray, str]]) -> np.ndarray:
    """Logistic loss on right-minus-wrong differences; each question weighs the same."""
    diffs, weights = [], []
    for x, y, _ in data:
        if y.all() or not y.any():
            continue
        d = (x[y][:, None, :] - x[~y][None, :, :]).reshape(-1, x.shape[1])
        diffs.append(d)
        weights.append(np.full(len(d), 1 / len(d)))
    d = np.vstack(diffs)
    return fit_logistic(d, np.ones(len(d)), np.concatenate(weights), L2)


def ranks(data: list[tuple[np.ndarray, np.ndarray, str]], w: np.ndarray | None) -> list[int | None]:
    """1-based rank of the gold fact under w (None: search order), None when not a candidate."""
    out: list[int | None] = []
    for x, y, _ in data:
        if not y.any():
            out.append(None)
            continue
        order = np.arange(len(y)) if w is None else np.argsort(-(x @ w), kind="stable")
        out.append(int(np.flatnonzero(y[order])[0]) + 1)
    return out


def summary(r: list[int | None]) -> dict[str, float]:
    n = len(r)
    return {
        "hit@1": round(sum(k == 1 for k in r) / n, 3),
        "hit@5": round(sum(k is not None and k <= 5 for k in r) / n, 3),
        "mrr": round(sum(1 / k for k in r if k) / n, 3),
    }


def cross_validate(data: list[tuple[np.ndarray, np.ndarray, str]]) -> dict[str, float]:
    """Folds by paragraph: a paragraph's questions are never both trained and tested on."""
    paragraphs = sorted({a for _, _, a in data})
    shuffled = np.random.default_rng(0).permutation(len(paragraphs))
    fold = {paragraphs[j]: i % FOLDS for i, j in enumerate(shuffled)}
    held_out: list[int | None] = []
    for k in range(FOLDS):
        train = [d for d in data if fold[d[2]] != k]
        test = [d for d in data if fold[d[2]] == k]
        held_out += ranks(test, fit_pairwise(train))
    return summary(held_out)


def calibrate(data: list[tuple[np.ndarray, np.ndarray, str]], w: np.ndarray) -> tuple[float, float]:
    """Scale and bias so that sigmoid(scale * x.w + bias) ≈ P(the top candidate is right)."""
    top, right = [], []
    for x, y, _ in data:
        if len(y):
            s = x @ w
            best = int(np.argmax(s))
            top.append(s[best])
            right.append(float(y[best]))
    design = np.column_stack([top, np.ones(len(top))])
    scale, bias = fit_logistic(design, np.array(right), np.ones(len(top)), 1e-6)
    return float(scale), float(bias)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ARCD, help="ARCD JSON file")
    parser.add_argument("--dry-run", action="store_true", help="do not write the weights")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"{args.data} is absent: nothing to train on")
        return 0
    paragraphs, questions = read_arcd(args.data)
    data = asyncio.run(candidate_features(paragraphs, questions))
    recall = sum(bool(y.any()) for _, y, _ in data) / len(data)
    print(f"{len(data)} questions; the gold fact is a candidate for {recall:.3f} of them")
    print("search order only:     ", summary(ranks(data, None)))
    cv = cross_validate(data)
    print(f"reranker, {FOLDS}-fold CV by paragraph:", cv)
    w = fit_pairwise(data)
    print("reranker, fit on all (train figures):", summary(ranks(data, w)))
    scale, bias = calibrate(data, w)
    weights = [round(float(v) * scale, 4) for v in w]
    print("weights:", dict(zip(FEATURES, weights, strict=True)), "bias:", round(bias, 4))
    if not args.dry_run:
        shipped = {
            "features": list(FEATURES),
            "weights": weights,
            "bias": round(bias, 4),
            "trained": f"bench/train_reranker.py on ARCD train, {len(data)} questions",
            "cv_by_paragraph": cv,
        }
        WEIGHTS.write_text(json.dumps(shipped, ensure_ascii=False, indent=1) + "\n")
        print(f"wrote {WEIGHTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
