"""Answer quality on ARCD, measured through the real engine, next to two references.

Every ARCD paragraph becomes one knowledge article whose sentences are all facts (an article
with no `facts`). A question is answered right when the engine's top answer quotes the
sentence that holds the question's gold answer. Abstention is on, as in the default
configuration, and an abstention counts as a miss.

The two references run on the same sentences and questions: rapidfuzz WRatio over the raw
sentences (the naive approach) and BM25 (bm25s) with Arabic stopwords and Snowball stemming.

    python -m bench.eval_arcd                 # the full train split
    python -m bench.eval_arcd --limit 200     # the first 200 questions only

Skips with a message (exit 0) when ../shared/data/arcd-train.json is absent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot import config as configuration
from bot.engine import Engine
from bot.text import normalize, stopwords

REPO = Path(__file__).resolve().parent.parent
ARCD = REPO.parent / "shared" / "data" / "arcd-train.json"

# A sentence ends at . ! ? ؟ or … followed by white space, or at a line break. Decimal points
# and dotted numbers ("3.5", "2.1.2018") are not followed by a space and stay inside.
_SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s+|\n+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a paragraph, without surrounding white space."""
    spans: list[tuple[int, int]] = []
    start = 0
    for gap in [*_SENTENCE_END.finditer(text), None]:
        end = gap.start() if gap else len(text)
        chunk = text[start:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((start + lead, start + len(chunk.rstrip())))
        if gap:
            start = gap.end()
    return spans


@dataclass(frozen=True)
class Paragraph:
    """One ARCD paragraph as a knowledge article."""

    article_id: str
    title: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """One ARCD question with the sentence that holds its gold answer."""

    text: str
    article_id: str
    gold: str


def read_arcd(path: Path) -> tuple[list[Paragraph], list[Question]]:
    """Paragraphs split into sentences, and every question tied to its gold sentence."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    paragraphs: list[Paragraph] = []
    questions: list[Question] = []
    for doc in data:
        for raw in doc["paragraphs"]:
            context = raw["context"]
            spans = split_sentences(context)
            if not spans:
                continue
            article_id = f"arcd-{len(paragraphs) + 1:04d}"
            sentences = tuple(context[a:b] for a, b in spans)
            paragraphs.append(Paragraph(article_id, doc.get("title") or article_id, sentences))
            for qa in raw["qas"]:
                offset = qa["answers"][0]["answer_start"]
                # The first sentence that ends after the offset holds it (an offset in the
                # white space between two sentences belongs to the next one).
                index = next((i for i, (_, b) in enumerate(spans) if offset < b), len(spans) - 1)
                questions.append(Question(qa["question"].strip(), article_id, sentences[index]))
    return paragraphs, questions


def write_knowledge(paragraphs: Sequence[Paragraph], folder: Path) -> None:
    """One YAML file per paragraph: an article with no facts, so every sentence is a fact."""
    folder.mkdir(parents=True, exist_ok=True)
    for p in paragraphs:
        article = {
            "id": p.article_id,
            "title": p.title,
            "sentences": [{"id": f"s{i + 1}", "text": s} for i, s in enumerate(p.sentences)],
        }
        text = yaml.safe_dump(article, allow_unicode=True, sort_keys=False, width=1_000_000)
        (folder / f"{p.article_id}.yaml").write_text(text, encoding="utf-8")


@dataclass
class Figures:
    """Quality and speed of one method over the questions."""

    name: str
    hit1: float
    hit5: float
    mrr: float
    answered: float
    per_second: float
    p50_ms: float | None = None
    p99_ms: float | None = None


def figures(name: str, ranks: Sequence[int | None], answered: int, seconds: float) -> Figures:
    """Hit@1, hit@5 and MRR from the 1-based rank of the gold sentence (None: not in the top 5)."""
    n = len(ranks) or 1
    return Figures(
        name,
        hit1=sum(r == 1 for r in ranks) / n,
        hit5=sum(r is not None and r <= 5 for r in ranks) / n,
        mrr=sum(1 / r for r in ranks if r is not None) / n,
        answered=answered / n,
        per_second=len(ranks) / seconds if seconds else 0.0,
    )


def _rank(quoted: Sequence[str], gold: str) -> int | None:
    return next((i + 1 for i, q in enumerate(quoted) if q == gold), None)


async def evaluate_engine(
    paragraphs: Sequence[Paragraph],
    questions: Sequence[Question],
    settings: dict[str, object] | None = None,
) -> Figures:
    """Load the paragraphs through the real engine and ask every question, top 5."""
    with tempfile.TemporaryDirectory(prefix="sanad-arcd-") as tmp:
        root = Path(tmp)
        write_knowledge(paragraphs, root / "knowledge")
        raw: dict[str, object] = {"knowledge_dir": "knowledge", "database": "sanad.sqlite3"}
        if settings:
            raw["matching"] = settings
        (root / "config.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
        engine = Engine(configuration.load(root / "config.yaml"))
        async with engine:
            await engine.reload()
            await engine.fill_vectors()  # meaning on, as by default (nothing to do when off)
            ranks: list[int | None] = []
            answered = 0
            times: list[float] = []
            for q in questions:
                start = time.perf_counter()
                answer = await engine.ask(q.text, top=5, record=False)
                times.append(time.perf_counter() - start)
                answered += answer.answered
                # Suggestions offered when abstaining are no answer: an abstention is a miss.
                given = answer.answers if answer.answered else ()
                ranks.append(_rank([a.quotes[0] for a in given if a.quotes], q.gold))
    name = "Sanad (default config)" if not settings else f"Sanad ({_settings(settings)})"
    result = figures(name, ranks, answered, sum(times))
    times.sort()
    result.p50_ms = 1000 * statistics.median(times)
    result.p99_ms = 1000 * times[min(len(times) - 1, int(0.99 * len(times)))]
    return result


def _settings(settings: dict[str, object]) -> str:
    return ", ".join(f"{key} {value}" for key, value in settings.items())


def wratio_reference(paragraphs: Sequence[Paragraph], questions: Sequence[Question]) -> Figures:
    """The naive reference: rapidfuzz WRatio of the question against every raw sentence.

    With our normaliser as the processor: rapidfuzz's default_process turns Arabic diacritics
    into spaces.
    """
    from rapidfuzz import fuzz, process

    sentences = [s for p in paragraphs for s in p.sentences]
    start = time.perf_counter()
    ranks = []
    for q in questions:
        best = process.extract(q.text, sentences, scorer=fuzz.WRatio, processor=normalize, limit=5)
        ranks.append(_rank([sentences[i] for _, _, i in best], q.gold))
    return figures("rapidfuzz WRatio", ranks, len(questions), time.perf_counter() - start)


def bm25_reference(paragraphs: Sequence[Paragraph], questions: Sequence[Question]) -> Figures:
    """bm25s BM25 over the sentences, with Arabic stopwords and Snowball stemming."""
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("arabic")
    stop = sorted(stopwords())
    sentences = [s for p in paragraphs for s in p.sentences]

    def tokenize(texts: list[str]) -> object:
        return bm25s.tokenize(
            [normalize(t) for t in texts], stopwords=stop, stemmer=stemmer, show_progress=False
        )

    retriever = bm25s.BM25()
    retriever.index(tokenize(sentences), show_progress=False)
    start = time.perf_counter()
    ranks = []
    for q in questions:
        tokens = tokenize([q.text])
        if not tokens.vocab:  # every word was a stopword
            ranks.append(None)
            continue
        found, _ = retriever.retrieve(tokens, k=5, show_progress=False)
        ranks.append(_rank([sentences[i] for i in found[0]], q.gold))
    return figures("bm25s BM25 (Snowball)", ranks, len(questions), time.perf_counter() - start)


def report(rows: Sequence[Figures]) -> str:
    """A Markdown table, the engine's ratios to each reference underneath."""
    lines = [
        "| method | hit@1 | hit@5 | MRR | answered | questions/s | p50 ms | p99 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        p50 = f"{r.p50_ms:.2f}" if r.p50_ms is not None else "-"
        p99 = f"{r.p99_ms:.2f}" if r.p99_ms is not None else "-"
        lines.append(
            f"| {r.name} | {r.hit1:.3f} | {r.hit5:.3f} | {r.mrr:.3f} | {r.answered:.2f} "
            f"| {r.per_second:.0f} | {p50} | {p99} |"
        )
    ours = rows[0]
    for ref in rows[1:]:
        if ref.name.startswith("Sanad"):
            continue
        ratio = ours.hit1 / ref.hit1 if ref.hit1 else float("inf")
        lines.append(f"\nhit@1 ratio Sanad / {ref.name}: {ratio:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ARCD, help="ARCD JSON file")
    parser.add_argument("--limit", type=int, help="only the first N questions")
    parser.add_argument("--no-references", action="store_true", help="skip the two references")
    parser.add_argument("--min-score", type=float, help="override matching.min_score")
    parser.add_argument("--min-margin", type=float, help="override matching.min_margin")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"{args.data} is absent: skipping the ARCD evaluation")
        return 0
    paragraphs, questions = read_arcd(args.data)
    questions = questions[: args.limit] if args.limit else questions
    settings = {
        key: value
        for key, value in (("min_score", args.min_score), ("min_margin", args.min_margin))
        if value is not None
    }
    sentences = sum(len(p.sentences) for p in paragraphs)
    print(f"ARCD: {len(paragraphs)} paragraphs, {sentences} sentences, {len(questions)} questions")
    rows = [asyncio.run(evaluate_engine(paragraphs, questions, settings))]
    if not settings:
        # The ranking alone, every question answered: what abstention costs; and words alone.
        rows.append(asyncio.run(evaluate_engine(paragraphs, questions, {"min_score": 0})))
        rows.append(asyncio.run(evaluate_engine(paragraphs, questions, {"semantic": False})))
        words_ranking = {"semantic": False, "min_score": 0}
        rows.append(asyncio.run(evaluate_engine(paragraphs, questions, words_ranking)))
    if not args.no_references:
        rows += [wratio_reference(paragraphs, questions), bm25_reference(paragraphs, questions)]
    print(report(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
