"""Judging by meaning: rank the candidates again with the sentence model, then decide apart.

Two small models, both trained by `python -m bench.train_meaning` and shipped in
bot/data/meaning.json:

1. a ranker: the lexical features of bot/matching.py, whether the fact holds the specific kind
   of answer asked for (a reason, an age, an amount: analysis.wanted_cue), and the cosine of the
   question and the fact's statement; trained pairwise like the lexical reranker;
2. a judge: whether the best candidate answers the question at all. Sharing words, or even
   meaning, with a fact is not answering: «كم عمر الوزيرة؟» is close to every sentence that
   names the minister. It weighs how far the candidate leads the others, its cosine, its score
   by words alone, the share of the question's words it covers, whether the fact holds
   what is asked for (a date for متى, an age for كم عمر ...), and whether it is the lead of a
   long article, which sums the article up and so seems to answer any question about it.
   Trained on questions with the fact that answers them and on questions asked of knowledge
   that lacks it.

Each candidate's score is the judge's probability in percent, shifted so that the operating
point chosen in training sits at the default `matching.min_score`: one threshold means the
same whether meaning is compared or not. Some questions are read from a lower point
(LENIENT_POINT; which ones, bot/matching.py says).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

# After the lexical reranker's features (bot/matching.py FEATURES).
MEANING_FEATURES = ("cue_covered", "lead", "cosine")
JUDGE_FEATURES = ("rank", "margin", "cosine", "words", "coverage", "holds", "sums_up")
# Answers the judge's `shift` is set for: its operating point reads as this score.
OPERATING_SCORE = 25.0
# Wanted cues more specific than a date or a number (analysis.wanted_cue).
SPECIFIC = ("r", "a", "m")
# Those a fact must hold to answer at all: an age, an amount of money, a number, a count, a
# date, a year, an area, a length of time, a length, a weight (كم عمر، كم راتب، كم، كم عدد،
# متى، في أي عام، كم مساحة، كم استغرق، ما طول، ما وزن). A reason may be given in many ways
# the cues miss: the judge weighs it.
STRICT = ("a", "m", "n", "c", "d", "y", "s", "t", "l", "w")
# What such a fact keeps of its score, and at most: under the default min_score however sure
# the judge is, so that it is offered, never answered («كم تبلغ كلفة محطة التحلية؟» by its
# capacity).
MISSING = 0.3
MISSING_AT_MOST = OPERATING_SCORE - 1.0
# The score that reads as OPERATING_SCORE for a question read leniently (matching.lenient).
LENIENT_POINT = 15.0
# The score that reads as OPERATING_SCORE for a best candidate that leads every other by
# LEAD times its score or more: nothing else in the knowledge comes close to answering.
LEAD_POINT = 20.0
LEAD = 4.0
# The score that reads as OPERATING_SCORE for a fact whose figure, name or date is pinned to
# what is asked: a figure that counts the very noun a «how many» question counts
# (bot/tallies.py: «240 محطة انتظار» for «كم محطة انتظار …»), a name right after the title a
# «who» question says (bot/names.py: «الدكتورة سلمى بن عاشور» for «مين الدكتورة …»), a date
# right after a word of a «when» question (bot/years.py: «منذ ظهور أول حالة في 12 مايو» for
# «متى ظهرت أول حالة …»).
PINNED_POINT = 18.0


@dataclass(frozen=True)
class Candidate:
    """What judging needs of one candidate from the lexical pass."""

    features: tuple[float, ...]
    # The score by words alone (bot/matching.py), 0-1: it knows the editors' questions.
    words: float
    holds: bool
    cosine: float
    # The first fact of its article: a news article's lead sums it up, and is close in
    # meaning to every question about it.
    lead: bool = False
    # The first fact of a long article (bot/matching.py SUMMING_LEAD): it shares words and
    # meaning with any question about the article, and answers few of them. A paragraph's
    # first sentence (ARCD's) often does: only the judge of news tells the two apart.
    sums_up: bool = False
    # Whether its figure, name or date is pinned to what is asked (PINNED_POINT).
    pinned: bool = False


@dataclass(frozen=True)
class Judge:
    """The ranker's weights over RANK_FEATURES, the judge's over JUDGE_FEATURES and a bias."""

    rank_weights: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    @classmethod
    @cache
    def shipped(cls, word_features: tuple[str, ...]) -> Judge:
        """The judge trained with the package, read once per process.

        `word_features` names the features the lexical pass computes (bot/matching.py), so
        that weights trained on others are refused rather than misread.
        """
        raw = resources.files("bot").joinpath("data/meaning.json").read_text(encoding="utf-8")
        return cls.from_json(json.loads(raw), word_features)

    @classmethod
    def from_json(cls, data: dict[str, Any], word_features: tuple[str, ...]) -> Judge:
        """A judge from its JSON; refused when trained on other features than the code computes."""
        trained = (tuple(data["rank_features"]), tuple(data["judge_features"]))
        if trained != ((*word_features, *MEANING_FEATURES), JUDGE_FEATURES):
            raise ValueError("bot/data/meaning.json was trained on other features")
        return cls(tuple(data["rank_weights"]), tuple(data["weights"]), float(data["bias"]))

    def scores(
        self, candidates: Sequence[Candidate], wanted: str | None, lenient: bool = False
    ) -> list[float]:
        """Each candidate's 0-100 score: how likely it is the answer, as the judge sees it.

        A fact that lacks the age, amount, number or date asked for does not answer, however
        close: its score is held back (MISSING) under the default min_score (MISSING_AT_MOST).
        A question read `lenient`ly has its scores raised, LENIENT_POINT to OPERATING_SCORE,
        and so has a best candidate that leads every other LEAD times over, from LEAD_POINT,
        and a candidate whose figure, name or date is pinned to what is asked, from PINNED_POINT.
        """
        strict = wanted in STRICT
        raised = OPERATING_SCORE / LENIENT_POINT if lenient else 1.0
        pinned = OPERATING_SCORE / PINNED_POINT
        scores = [
            min(100.0, 100 * _sigmoid(self.bias + _dot(self.weights, judged)) * raised * said)
            for judged, said in zip(
                self.judged(candidates, wanted),
                (pinned if c.pinned else 1.0 for c in candidates),
                strict=True,
            )
        ]
        scores = [round(score, 2) for score in leader_raised(scores)]
        return [
            score * lacking_share(score) if strict and not c.holds else score
            for c, score in zip(candidates, scores, strict=True)
        ]

    def judged(
        self, candidates: Sequence[Candidate], wanted: str | None
    ) -> list[tuple[float, ...]]:
        """Each candidate's JUDGE_FEATURES: its rank and lead over the others, and the rest."""
        ranks = [_dot(self.rank_weights, ranked(c, wanted)) for c in candidates]
        # The best of the others is the best, or for the best itself the runner-up: found
        # once, not once per candidate (forty of them on a question embedded at 100,000 facts).
        first = max(range(len(ranks)), key=ranks.__getitem__, default=0)
        runner_up = max((r for j, r in enumerate(ranks) if j != first), default=None)
        out: list[tuple[float, ...]] = []
        for i, c in enumerate(candidates):
            others = ranks[first] if i != first else runner_up
            if others is None:
                others = ranks[i] - 3.0  # a lone candidate
            coverage = max(c.features[:3])
            out.append(
                (
                    ranks[i],
                    ranks[i] - others,
                    _centred(c.cosine),
                    c.words,
                    coverage,
                    float(c.holds),
                    float(c.sums_up),
                )
            )
        return out


def lacking_share(score: float) -> float:
    """What share of its score a fact keeps that lacks the kind of answer asked for.

    MISSING of it, and at most MISSING_AT_MOST: offered, never answered at the default
    min_score. The judge holds back a fact whose cues lack it (Judge.scores); matching, one
    whose only such figure is the reader's own (bot/matching.py _text_first).
    """
    return min(MISSING, MISSING_AT_MOST / max(score, MISSING_AT_MOST))


def leader_raised(scores: list[float]) -> list[float]:
    """The scores, the best raised from LEAD_POINT to OPERATING_SCORE when it leads far.

    The judge weighs the best candidate's lead over the next only in proportion; a best that
    no other fact comes near is more often the answer than that says. On a question read
    leniently too, the two raises add up: each is a reason to trust a low score.
    """
    if not scores:
        return scores
    best = max(range(len(scores)), key=scores.__getitem__)
    if any(s * LEAD > scores[best] for i, s in enumerate(scores) if i != best):
        return scores
    raised = list(scores)
    raised[best] = min(100.0, scores[best] * OPERATING_SCORE / LEAD_POINT)
    return raised


def ranked(c: Candidate, wanted: str | None) -> tuple[float, ...]:
    """The ranker's features of one candidate (RANK_FEATURES)."""
    specific = c.features[0] * (wanted in SPECIFIC and c.holds)
    return (*c.features, specific, float(c.lead), _centred(c.cosine))


def _dot(weights: Sequence[float], features: Sequence[float]) -> float:
    return sum(w * f for w, f in zip(weights, features, strict=True))


def _centred(cosine: float) -> float:
    """e5's cosines crowd between 0.75 and 0.9: centred and spread to the other features' scale."""
    return (cosine - 0.8) * 10


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))
