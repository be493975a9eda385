"""Matching: from a reader's question to the stored facts that answer it, scored 0-100.

Three plain steps, as in any retrieval pipeline:

1. read the question: each word's Snowball stem, light stem and rough root (re-read without
   clitics or with commonly confused letters when the knowledge does not hold it as
   written), and what its question word asks for (متى a date, كم a number, ...);
2. retrieve: the facts BM25 ranks best for those terms (bot/index.py), plus every fact of
   the two articles that match the question best as a whole (the answer often sits in a
   sentence that names its subject only by a pronoun);
3. rerank those few dozen candidates on features BM25 alone misses, from terms precomputed
   at load time (bot/analysis.py): how much of the question's IDF weight the fact covers
   under each reading, how close together the question's words sit in it, whether it holds
   the kind of answer asked for, how well its article matches. A small linear model, trained
   on ARCD (bench/train_reranker.py, weights in bot/data/reranker.json), turns them into the
   probability that the fact is the answer. A question close to one an editor wrote for the
   fact adds to it, or scores by that closeness when it is higher.

The score is that probability in percent, held back by the share of the question on words
the knowledge never mentions, and, for the whole question, when the fact that covers most of
it still covers less than half or lacks the figure a كم question wants; so one threshold
(matching.min_score) means much the same on any knowledge base. A question that asks for a
name is answered only by a fact that gives it (bot/names.py), judged on the text of the few
facts ranked best. Nothing here is proportional to the size of the knowledge.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from bot.analysis import (
    GROUP,
    KIND_CUES,
    CandidateRow,
    FactTerms,
    asking_in,
    figures_in,
    holds_besides,
    respelt,
    spoken,
    wanted_in,
)
from bot.apart import apart_in, together
from bot.compared import UNCOMPARED, compared_in, speaks_of_both
from bot.judge import Candidate, Judge, lacking_share
from bot.names import (
    UNNAMED,
    NameAsked,
    RoleAsked,
    holder_named,
    name_asked,
    names,
    role_asked,
    says_role,
    titles_asked,
)
from bot.ordinals import (
    OTHER_ORDINAL,
    Counted,
    another,
    counted_in,
    counts,
    editions,
    of_the_article,
)
from bot.places import OTHER_PLACE, places_in, said
from bot.synonyms import synonyms
from bot.tallies import tallied, tallies
from bot.text import (
    Reading,
    has_article,
    in_dialect,
    in_standard,
    is_request,
    light_stem,
    optional,
    read,
    readings,
    slipped_dialect,
    smalltalk,
    stem,
    stopwords,
    tokens,
    undoubled,
)
from bot.things import UNSAID_KIND, kind_asked, says_kind
from bot.typos import article_mended, common, spelt
from bot.years import OTHER_YEAR, asks_past, dated, speaks_of_past, years_in

if TYPE_CHECKING:
    import numpy as np

    from bot.index import KnowledgeIndex
    from bot.records import FactRow
    from bot.retrieval import Retrieval
    from bot.vectors import FactVectors

# The articles whose facts all become candidates, and how many articles are ranked to judge
# how well a fact's article matches (relative to the best one).
EXPANDED_ARTICLES = 2
RANKED_ARTICLES = 20
# An editor question asking for another kind of answer (متى against أين) is about the same
# thing but answered by another fact: it counts for little.
OTHER_KIND = 0.3
# A question that wants a number is not answered when the fact that holds most of its words
# names no figure (كم جنديا قتل ...؟ against a fact on the same battle): every score is then
# multiplied by this, unless an editor wrote that fact a question of that kind.
OTHER_ANSWER = 0.3
# When no candidate holds this share of the question's IDF weight (under its best reading),
# every score is held back in proportion: most of what is asked must be in one fact to
# answer it. Applied to the question, not to each fact, so the ranking stays the model's.
# On ARCD (5-fold CV by paragraph, min_score 30) 0.5 refuses 0.28 of the questions asked
# without their own paragraph instead of 0.21, for hit@1 0.655 instead of 0.657.
COVERED = 0.5
# The cues (FactTerms.cues) that answer each kind: a "how many" wants a number. (Not a "when":
# one ARCD answer in ten to متى holds no date, "at an early age".)
WANTED_CUES = {"how_many": "n"}
_COLUMNS = ("stems", "lights", "roots", "asked")
# Where a word's stem is held as a word: a fact's rough root is no word (the typed المحفظة's
# stem محفظ is the root of المحافظة, which a letter put back reads it as).
_WORD_COLUMNS = ("stems", "lights", "asked")
# A question whose best fact by words scores this much, holding the kind of answer asked for,
# is answered without embedding it: meaning would not change the answer, and embedding costs
# 10-30 ms against 2 ms for the rest. Measured from 85 down: at 60 the blind set, the held-out
# set and ARCD answer as well as at 85 (ARCD hit@1 0.641 -> 0.648), and 68 % of ARCD's
# questions are answered without embedding instead of 11 %; at 50 more questions out of scope
# are answered.
SURE = 60.0
# The lead of an article of SUMMING_LEAD facts or more is sure by words only from SURE_LEAD:
# it sums up the article, so it shares words with any question about it. Of the blind sets'
# questions whose best fact by words (60 and more) was not the answer that meaning gives, 9 of
# 12 had the lead first; with meaning compared for them, right answers on sets C and D rise
# 0.792 -> 0.810 and 0.738 -> 0.744, wrong ones fall 0.107 -> 0.089 and 0.149 -> 0.137. Short
# texts keep their leads sure: counting the leads of ARCD's paragraphs (mostly 1-7 sentences)
# too costs its hit@1 (0.691 -> 0.687) and twice the embedding. The blind sets' articles have
# 15-17 facts, so any bar from 8 to 15 answers them alike; at 8, the 100,000-fact bench (whose
# articles have 10 facts) embeds 0.45 of its questions instead of 0.39.
SUMMING_LEAD = 12
SURE_LEAD = 80.0
# The share of its weight a question that asks for a kind of answer must have in its best
# fact by words for that fact to be sure (`_sure`). Of the training sets' and halves A and
# D1's 371 questions sure by words, the 20 under 0.5 were 13 right, 3 wrong and 4 out of
# scope; under 0.6, every wrong or out of scope answer asked for a number or a date. Judged
# by meaning, the training sets 679 -> 682 right, 40 -> 35 wrong, 49 -> 47 out of scope;
# the 100,000-fact bench embeds 238 of its 500 questions instead of 229 (at 0.6 for every
# question, 249: within one of its p50 becoming an embedding's; at 0.7, D1 lost one).
SURE_COVERAGE = 0.6
# The share of a question's weight on words the knowledge holds from which a question may be
# read leniently (lenient()).
LENIENT_KNOWN = 0.8
# Facts the sentence model itself proposes, besides those the words find, while the knowledge
# is small enough to compare the question with every fact (a matrix product per question).
MEANING_CANDIDATES = 10
SCAN_LIMIT = 20_000
# Only the start of a very long question is embedded: the model reads the whole text, window
# by window, at about 0.5 ms a character (50,000 characters took 26 s), and no reader's question
# is that long; the bot refuses questions over `telegram.max_question` (1,000) before this.
EMBEDDED_CHARS = 2000
# Cosines of a reader's and an editor's question: from "the same subject" to "the same
# question" (see _close). On the blind set, two questions about the same sentence have a median
# cosine of 0.84, about other sentences of the same article 0.80 (0.91 at the 99th
# percentile); set on the shipped held-out set, where 0.88 let refusals through.
ASKED_NEAR = 0.93
ASKED_SAME = 0.98

# The cues and the article count in proportion to how much of the question the fact covers:
# a date in a fact that shares one common word with a "when" question is no evidence.
FEATURES = (
    "coverage",
    "light_coverage",
    "root_coverage",
    "proximity",
    "date_covered",
    "number_covered",
    "article_covered",
)
# How close an editor's question must be to the reader's (Query closeness, 0-1) for the
# editor's word that the fact answers it to stand against the rule for names (_text_first).
VOUCHED = 0.8
# How much an editor's question close to the reader's counts, in logits, on top of the
# evidence: ARCD has no editor questions to learn it from, so it is set by hand and checked
# on the shipped knowledge's questions (tests/data/shipped_questions.yaml).
ASKED_WEIGHT = 3.0
# How hard words the knowledge has never seen hold the score back: it is multiplied by the
# known share of the question's IDF weight to this power. Set on the refusal set
# (tests/data/refusals.yaml) while checking ARCD, where nearly every word is known.
KNOWN_POWER = 2.0
# How much of a question word met only by another word for the same thing (bot/synonyms.py)
# counts towards the fact's coverage of the question.
SYNONYM = 0.8


@dataclass(frozen=True)
class ScoredFact:
    """A fact with its 0-100 score for one question."""

    fact: FactRow
    score: float


@dataclass(frozen=True)
class Query:
    """A question prepared once for retrieval and reranking.

    `readings` holds, for each content word, its (stem, light stem, root) readings, the word
    as written first, then without clitics the stemmers leave on (وبموسكو، ببوتين).
    """

    text: str
    kind: str | None
    readings: tuple[tuple[tuple[str, str, str], ...], ...]
    # The words dropped when the knowledge never uses them (see resolve()).
    optional: frozenset[int] = frozenset()
    # The kind of answer wanted, as a cue letter of analysis.answer_cues ('a': an age).
    wanted: str | None = None
    # Each content word as written (normalised), for reading a slip of the hand in it.
    words: tuple[str, ...] = ()
    # After resolve(): each word read as a near word, with the reading it was given.
    corrected: tuple[tuple[str, tuple[str, str, str]], ...] = ()
    # What a question that asks for a name («ما اسم ...», «من هو رئيس ...») asks about: a
    # fact must give that name to answer (bot/names.py).
    named: NameAsked | None = None
    # After resolve(): other words for each word's thing (bot/synonyms.py), read alike.
    synonyms: tuple[tuple[Reading, ...], ...] = ()
    # Each noun the question counts in order («المرحلة الثانية»), with its ordinal
    # (bot/ordinals.py): a fact that counts it otherwise is about another one.
    counted: Counted = ()
    # The years the question names (bot/years.py): only an article that says them answers.
    years: tuple[str, ...] = ()
    # Whether it asks of a time gone by (bot/years.py): only a fact that speaks of one answers.
    past: bool = False
    # The two things it asks the difference between (bot/compared.py): a fact must name both.
    compared: tuple[str, str] | None = None
    # The thing it asks a figure of apart from others («الجيزة تحديدًا»: bot/apart.py): a fact
    # whose figure is of more than it does not answer.
    apart: str | None = None
    # The places it names after the word for their kind («محافظة النجف»: bot/places.py): only
    # a fact that can be about them answers.
    places: tuple[str, ...] = ()
    # For each content word, the readings of the standard words for the dialect word it is
    # a slip from (text.slipped_dialect), read so only when no word of the knowledge is near.
    dialect_slips: tuple[tuple[Reading, ...], ...] = ()
    # The stem of the kind of named thing the question asks which one of («أي نادٍ»): a
    # fact must speak of one (bot/things.py).
    kind_asked: str | None = None
    # The figures in digits of a question that wants a figure: they are not its answer.
    figures: tuple[str, ...] = ()
    # The stems of the noun a «how many» question counts (bot/tallies.py): a fact whose
    # figure counts it is read from a lower point.
    tallied: frozenset[str] = frozenset()
    # The stems of the titles and posts a «who» question names its person by (bot/names.py):
    # a fact that gives one right before a name is read from a lower point.
    titles: frozenset[str] = frozenset()
    # The role a «who» question asks the holder of with a verb (founded, heads, owns:
    # bot/names.py): only a fact that says the role answers.
    role: RoleAsked | None = None

    @property
    def read_by_text(self) -> bool:
        """Whether the facts ranked best are read for what they say after ranking (_text_first)."""
        return (
            self.named is not None
            or bool(self.counted or self.years or self.past or self.places or self.apart)
            or self.compared is not None
            or bool(self.kind_asked or self.figures)
            or self.role is not None
        )

    @classmethod
    def parse(cls, question: str, words: Sequence[str] | None = None) -> Query:
        """Readings of each content word and the question's kind; nothing for small talk.

        `words`: the question already normalised into words (tokens()), when the caller has
        them; the text itself is kept as written, for the sentence model.
        """
        folded = respelt(tokens(question) if words is None else words)
        stop = stopwords()
        content = [w for w in folded if w not in stop]
        if all(word in smalltalk() for word in content) or is_request(folded):
            return cls(question, None, ())
        kind, typed = asking_in(folded)
        in_dialect = spoken(folded)
        readings_of = (
            tuple(dict.fromkeys(read(r) for r in readings(w, in_dialect))) for w in content
        )
        dropped = {i for i, w in enumerate(content) if w == typed or optional(w)}
        wanted = wanted_in(folded, kind)
        return cls(
            question,
            kind,
            tuple(readings_of),
            frozenset(dropped),
            wanted=wanted,
            words=tuple(content),
            named=name_asked(folded),
            counted=counted_in(folded),
            years=years_in(folded),
            past=asks_past(folded),
            places=places_in(folded),
            apart=apart_in(folded),
            compared=compared_in(folded),
            dialect_slips=tuple(tuple(map(read, slipped_dialect(w))) for w in content),
            kind_asked=kind_asked(folded),
            figures=figures_in(folded, wanted),
            tallied=tallied(folded, kind),
            titles=titles_asked(folded, kind),
            role=role_asked(folded),
        )

    @cached_property
    def stems(self) -> tuple[str, ...]:
        """Each word's Snowball stem as first read, compared with the facts' stems."""
        return tuple(word[0][0] for word in self.readings)

    @cached_property
    def lights(self) -> tuple[str, ...]:
        """Each word's light stem as first read, compared with the facts' light stems."""
        return tuple(word[0][1] for word in self.readings)

    @cached_property
    def roots(self) -> tuple[str, ...]:
        """Each word's rough root as first read, compared with the facts' roots."""
        return tuple(word[0][2] for word in self.readings)

    @cached_property
    def said(self) -> frozenset[str]:
        """The stems of what the question says: each word as read, and as written."""
        return frozenset((*self.stems, *self.lights, *map(stem, self.words)))

    def lookups(self) -> tuple[str, ...]:
        """Every term of every reading: what the knowledge is asked whether it holds."""
        read = (*self.readings, *self.dialect_slips)
        return tuple(dict.fromkeys(t for word in read for r in word for t in r))

    def resolve(
        self,
        holds: Callable[[Iterable[str]], bool],
        nearest: Callable[[Sequence[str], bool, bool], tuple[str, str, str] | None] | None = None,
        respelt: Callable[[str], tuple[str, str, str] | None] | None = None,
        as_word: Callable[[Iterable[str]], bool] | None = None,
        shares_a_fact: Callable[[Reading, Sequence[str]], bool] | None = None,
    ) -> Query:
        """Each word's first reading that the knowledge holds, or its nearest, or as written.

        A reading held by its stem or light stem comes before one held only by its rough
        root, a looser key: يشرب is held by its root شرب, but read as شرب it meets the stem
        of الشرب, which the reranker trusts more. `holds` says whether facts hold any of
        some terms in any column, `as_word` (by default the same) whether they hold them as
        words: the stem of a typed المحفظة is محفظ, the rough root of المحافظة and no word.

        The noun after أي and a dialect's function word that is also a standard word (ايه،
        عايز) are dropped when the knowledge never uses them: the noun names the kind of
        answer (في أي عاصمة asks where), and the fact gives the answer itself (بيونغ يانغ).

        A reading other than the word as written (without a clitic, a dialect's standard word)
        must be held by its light stem: the Snowball stem of كروسك without ك "like" is روس, the
        stem of الروسي, when the reader meant كورسك.

        A word held by no stem or light stem of its readings is read as the nearest word the
        knowledge does hold (a letter dropped, swapped, doubled or missing its dots:
        bot/typos.py), when there is one, else by its root if that is held: a misspelt word
        often keeps a root that some other word has. Its light stem is tried first, then its
        stem, then its rough root, which finds the slip when the stemmers keep a suffix the
        word meant lacks (عكسريا for عسكرية). Only those words pay for the search. A
        dialect word with a slip (الفينالل) is read as its standard word only when no word
        of the knowledge is near: الكحومة is الحكومة before it is the Maghrebi الحومة.
        """
        chosen: list[tuple[tuple[str, str, str], ...]] = []
        corrected = []
        others: list[tuple[Reading, ...]] = []
        by_stem = as_word or holds
        # What each word is known by as written: the context a misspelt word is read in.
        known = [[t for t in dict.fromkeys(word[0][:2]) if by_stem([t])] for word in self.readings]
        for i, word in enumerate(self.readings):
            held = word[0] if known[i] else next((r for r in word[1:] if by_stem(r[1:2])), None)
            if held:
                chosen.append((held,))
                others.append(_synonyms_of((held, *word)))
                if held != word[0] and i < len(self.words) and held in _mended(self.words[i]):
                    corrected.append((self.words[i], held))  # for the model: افلريق is الفريق
                continue
            if i in self.optional:
                continue
            rooted = next((r for r in word if holds(r)), None)
            context = [t for k, terms in enumerate(known) if k != i for t in terms]
            found = self._meant(i, nearest, respelt, shares_a_fact, context)
            found = found or self._dialect_meant(i, holds)
            if found:
                # Read better than by a rough root that holds it (المركزيةة as المركزية
                # rather than by its root مركز).
                chosen.append((found,))
                others.append(_synonyms_of((found,)))
                if i < len(self.words):
                    corrected.append((self.words[i], found))
            else:
                chosen.append((rooted or word[0],))
                others.append(_synonyms_of(word))
        return Query(
            self.text,
            self.kind,
            tuple(chosen),
            wanted=self.wanted,
            corrected=tuple(corrected),
            synonyms=tuple(others),
            counted=self.counted,
            years=self.years,
            past=self.past,
            figures=self.figures,
            tallied=self.tallied,
            titles=self.titles,
        )

    def _meant(
        self,
        i: int,
        nearest: Callable[[Sequence[str], bool, bool], tuple[str, str, str] | None] | None,
        respelt: Callable[[str], tuple[str, str, str] | None] | None,
        shares_a_fact: Callable[[Reading, Sequence[str]], bool] | None = None,
        context: Sequence[str] = (),
    ) -> tuple[str, str, str] | None:
        """The reading of the knowledge's word nearest to word i, or of the word it was meant.

        The near search compares stems, and so also meets another form of the same word
        (الياباني, اليابان). A slip in the article or a suffix keeps the stemmers from
        reading the word at all (الزراعاب): then the word as written is put right, unless
        written Arabic often uses it (عاصمة is meant as written, not as a word one slip away).
        A word of the dialects' list is looked for in none of these ways: it is meant as its
        standard word. A letter put back into a stem of three is the last guess of all.

        Where these guesses differ, the first that shares a fact with the question's other
        words (`context`) is meant: in «كم واحد انصاب في اليول؟» اليول is السيول, a letter put
        back, not أيلول, two letters swapped, which no fact about the injured holds.
        """
        word = self.readings[i]
        written = self.words[i] if i < len(self.words) else None
        # A noun with its article that written Arabic seldom uses may have lost a letter down
        # to three (الجات, فالمتف); الشمس and المصري are meant as written.
        rare = written is not None and not common(written)
        slip = rare and written is not None and has_article(written)
        keys = [key for r in word for key in (r[1], r[0], r[2])]
        # A word of the dialects' list is meant as its standard word, whose near words are no
        # reading of it: الباسبور is جواز, not حوار two dots away.
        meant = written is not None and in_dialect(written)

        def guesses() -> Iterator[Reading | None]:
            if meant:
                return
            # A common word's dots are meant: تأخرت is not تاجر, a letter's dots away.
            if nearest:
                yield nearest(keys, False, rare)
            if respelt and written is not None and rare:
                yield respelt(written)
            # Put right as written (الستلات as الشتلات, dots lost) before a letter is put back
            # into a stem of three (ستل as ستصل).
            if nearest and slip:
                yield nearest(keys, True, True)

        first = None
        for guess in guesses():
            if guess is None:
                continue
            if not (shares_a_fact and context) or shares_a_fact(guess, context):
                return guess
            first = first or guess
        return first

    def _dialect_meant(self, i: int, holds: Callable[[Iterable[str]], bool]) -> Reading | None:
        """The reading of the standard word for the dialect word that word i is a slip from."""
        slips = self.dialect_slips[i] if i < len(self.dialect_slips) else ()
        return next((r for r in slips if holds(r[1:2])), None)

    def terms(self) -> tuple[str, ...]:
        """What retrieval looks for (any of them): the question's stems and light stems.

        Roots are left out: they find little more and make BM25 score many more facts (the
        reranker still compares roots). So are synonyms: looked for, they cost ARCD's right
        sentence in the top five 6 of 693 questions by words, and time at 100,000 facts;
        they count in the reranking only.
        """
        return tuple(dict.fromkeys(self.stems + self.lights))


@dataclass(frozen=True)
class Reranker:
    """The linear model over FEATURES, and its calibration into a probability.

    The weights order one question's candidates; scale and bias turn the weighted sum into
    the probability that the candidate is the right answer (fitted on ARCD's best candidates).
    """

    weights: tuple[float, ...]
    scale: float
    bias: float

    @classmethod
    @cache
    def shipped(cls) -> Reranker:
        """The reranker trained with the package, read once per process."""
        raw = resources.files("bot").joinpath("data/reranker.json").read_text(encoding="utf-8")
        data = json.loads(raw)
        if tuple(data["features"]) != FEATURES:
            raise ValueError("bot/data/reranker.json was trained on other features")
        calibration = data["calibration"]
        return cls(tuple(data["weights"]), calibration["scale"], calibration["bias"])

    def probability(self, features: Sequence[float], extra: float = 0.0) -> float:
        """Calibrated probability that this is the answer, with `extra` logits of evidence."""
        weighted = 0.0
        for w, f in zip(self.weights, features, strict=True):
            weighted += w * f
        z = self.bias + extra + self.scale * weighted
        return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))


def lenient(query: Query, known: float) -> bool:
    """Whether the judge reads this question from its lower point (bot/judge.py LENIENT_POINT).

    A reason, or a yes or no, is put in the article's words far from the reader's, so the
    judge is less sure of the sentence that gives it, and readers seldom ask why of what an
    article does not say: of the training sets' 374 questions out of scope, none asks why, and
    nine ask whether. Not a question with words the knowledge never holds (`known`, the share
    of its weight known, under LENIENT_KNOWN): it may be about something else. Read so,
    «هل ارتفعت أسعار الذهب في الخليج؟» was answered by iron ore's price.
    """
    return known >= LENIENT_KNOWN and (query.wanted == "r" or query.kind == "yes_no")


def _text_first(
    ranked: list[Ranked],
    facts: Mapping[int, FactRow],
    query: Query,
    dated: set[str],
    others: set[int],
) -> list[Ranked]:
    """The candidates, those whose text does not answer what the question asks held back.

    Judged on the text itself, so only for the few facts already ranked best: a fact that
    does not give the name asked for, or say who holds the role a «who» question asks with a
    verb (founded, heads, owns, funds, builds), keeps UNNAMED of its score (bot/names.py),
    one that counts the question's noun with another ordinal OTHER_ORDINAL (bot/ordinals.py),
    one that never speaks of the kind of thing asked which one of UNSAID_KIND (bot/things.py),
    one that does not name both things the question asks the difference between UNCOMPARED
    (bot/compared.py), one whose only figure of the kind asked is the question's own as much
    as a fact without one (judge.lacking_share: analysis.holds_besides), and one of an article
    that never says a year the question names (not in `dated`) OTHER_YEAR of that, as does one
    that never speaks of the past the question asks of (bot/years.py), and one about another
    place or edition than the question names, or about more than the one thing it sets apart
    (in `others`: bot/places.py, bot/ordinals.py, bot/apart.py) OTHER_PLACE. A fact whose
    editor asked the reader's question (VOUCHED) answers it as the editor says.
    """

    def kept(r: Ranked) -> float:
        fact = facts.get(r.row.rowid)
        if fact is None or r.asked >= VOUCHED:
            return 1.0
        share = 1.0
        if _gives_no_name(query, fact):
            share = UNNAMED
        elif query.counted and another(query.counted, fact.statement):
            share = OTHER_ORDINAL
        elif query.kind_asked and not says_kind(fact.statement, query.kind_asked):
            share = UNSAID_KIND
        elif query.compared and not speaks_of_both(query.compared, fact.statement):
            share = UNCOMPARED
        elif (
            r.holds
            and query.wanted
            and query.figures
            and not holds_besides(fact.statement, query.wanted, query.figures)
        ):
            share = lacking_share(r.score)
        if query.years and r.row.article_id not in dated:
            share *= OTHER_YEAR
        if query.past and not speaks_of_past(tokens(fact.statement)):
            share *= OTHER_YEAR
        if r.row.rowid in others:
            share *= OTHER_PLACE
        return share

    held = [
        r._replace(score=round(r.score * share, 2)) if (share := kept(r)) < 1 else r for r in ranked
    ]
    return sorted(held, key=lambda r: r.score, reverse=True)


async def _others(store: Retrieval, query: Query, facts: Mapping[int, FactRow]) -> set[int]:
    """The facts about another place or edition than asked, or about more than one thing.

    What their article says around them decides: bot/places.py, bot/ordinals.py, bot/apart.py.
    The articles' texts are read once, for the edition and the thing apart alike.
    """
    others = await _elsewhere(store, query.places, facts) if query.places else set()
    asked = editions(query.counted)
    apart = query.apart if query.wanted else None
    if asked or apart is not None:
        texts = await store.article_texts({fact.article_id for fact in facts.values()})
        for rowid, fact in facts.items():
            article = texts.get(fact.article_id, [])
            if asked and _another_edition(asked, fact, article):
                others.add(rowid)
            if apart is not None and said(apart, article) and together(apart, fact.statement):
                others.add(rowid)  # a figure of more than the thing set apart
    return others


async def _elsewhere(
    store: Retrieval, places: Sequence[str], facts: Mapping[int, FactRow]
) -> set[int]:
    """The facts that cannot be about every place named.

    Neither they nor what their words may point back to (their article's title, its first
    fact, the fact before them) name it.
    """

    def about(texts: Sequence[str]) -> bool:
        return all(said(place, texts) for place in places)

    unsaid = [
        rowid
        for rowid, fact in facts.items()
        if not about((fact.statement, *fact.quotes, fact.article.title))
    ]
    around = await store.lead_and_before(unsaid)
    return {rowid for rowid in unsaid if not about(around.get(rowid, ()))}


def _another_edition(asked: Counted, fact: FactRow, article: Sequence[str]) -> bool:
    """Whether a fact counts no edition, and its article counts the one asked only otherwise.

    «من فاز بالسباق في نسخته الثالثة؟» is not answered by the winner of the fourth, which the
    article names in a sentence that does not say which edition it is.
    """
    return not counts(asked, fact.statement) and another(asked, of_the_article(article))


def _gives_no_name(query: Query, fact: FactRow) -> bool:
    """Whether a fact lacks the name asked for: a post's holder, a thing's, a role's."""
    if query.named is not None and not names((fact.statement, *fact.quotes), query.named):
        return True
    return query.role is not None and not says_role(fact.statement, query.role)


def score(model: Reranker, features: Sequence[float], asked: float, known: float) -> float:
    """The 0-100 score of one candidate, before held_back() weighs the whole question.

    The evidence, or how close an editor's question is when that is higher, held back by
    the share of the question's weight on words the knowledge has never heard of.
    """
    evidence = model.probability(features, ASKED_WEIGHT * asked)
    return 100 * max(evidence, asked) * math.pow(known, KNOWN_POWER)


def _close(cosine: float) -> float:
    """How close a reader's question is to an editor's, 0-1, from their cosine.

    e5's cosines of two questions crowd high: below ASKED_NEAR they share a subject at most,
    from ASKED_SAME on they ask the same thing in other words.
    """
    return min(1.0, max(0.0, (cosine - ASKED_NEAR) / (ASKED_SAME - ASKED_NEAR)))


def _mended(written: str) -> set[Reading]:
    """The readings of a word put right as written: an article swapped back, a letter once."""
    meant = article_mended(written)
    return {read(w) for w in (*([meant] if meant else []), *undoubled(written))}


def spellings(query: Query) -> dict[str, str]:
    """Each misspelt word of the question, as the word it was read as is spelt.

    Only words written Arabic seldom uses: a common word read as a near word of the knowledge
    is another form of it (الياباني read by اليابان), not a slip, and the model reads it right.
    """
    out = {}
    for written, found in query.corrected:
        if common(written):
            continue
        stem_of, light_of, _ = found

        def reads(word: str, s: str = stem_of, light: str = light_of) -> bool:
            return stem(word) == s or light_stem(word) == light

        # A swapped article put back, as read: one slip away are other words of the same
        # stem (افلريق: الريق besides الفريق).
        meant = article_mended(written)
        if meant is None or read(meant) != found:
            meant = spelt(written, reads)
        # A letter typed twice, once a common word when written once, is a slip whatever the
        # word was read as: تاسييسها is تأسيسها, though read by the facts' تأسست.
        meant = meant or next(iter(undoubled(written)), None)
        if meant:
            out[written] = meant
    return out


def resolved(query: Query, index: KnowledgeIndex, counts: dict[tuple[str, str], int]) -> Query:
    """The question's words read over this knowledge (Query.resolve).

    `counts`: index.term_counts of the question's lookups. A stem is held as a word where
    facts hold it as a stem, light stem or editor's word, not as a rough root.
    """
    return query.resolve(
        lambda terms: _holds(counts, terms),
        index.nearest,
        index.respelt,
        lambda terms: _holds(counts, terms, _WORD_COLUMNS),
        index.shares_a_fact,
    )


def judged_candidates(found: Gathered, query: Query) -> list[Candidate]:
    """What the judge weighs of each candidate gathered with its cosine."""
    assert found.cosines is not None
    return [
        Candidate(
            r.features,
            r.score / 100,
            r.holds,
            cosine,
            r.row.rowid in found.leads,
            found.leads.get(r.row.rowid, 0) >= SUMMING_LEAD,
            _pinned(r.row.terms, query),
        )
        for r, cosine in zip(found.candidates, found.cosines, strict=True)
    ]


def _pinned(terms: FactTerms, query: Query) -> bool:
    """Whether the fact's statement pins its figure, name or date to what is asked.

    A figure counts the noun a «how many» question counts (bot/tallies.py); a name follows the
    title a «who» question names its person by (bot/names.py); a date follows a word of a
    «when» question (bot/years.py). Such a fact is judged from judge.PINNED_POINT.
    """
    if query.tallied:
        return tallies(terms.statement_words(), query.tallied)
    if query.titles:
        return holder_named(terms.statement_words(), query.titles, query.said)
    if query.wanted == "d":
        return dated(terms.statement_words(), frozenset(query.stems + query.lights))
    return False


def held_back(features: Sequence[Sequence[float]], fits: Sequence[bool]) -> float:
    """The factor on every score of one question, from the candidate that covers most of it.

    In proportion when it holds less than COVERED of the question's weight; OTHER_ANSWER
    when it holds no answer of the kind asked. Both say the knowledge probably lacks what is
    asked, whichever fact ranks first, so the ranking is left as the model made it.
    """
    if not len(features):
        return 0.0
    best = max(range(len(features)), key=lambda i: max(features[i][:3]))
    held = min(1.0, max(features[best][:3]) / COVERED)
    return held * (1.0 if fits[best] else OTHER_ANSWER)


class Ranked(NamedTuple):
    """One candidate with what its score was made of (built for every candidate)."""

    row: CandidateRow
    features: tuple[float, ...]
    asked: float
    known: float
    fits: bool
    score: float
    # Whether the fact holds the kind of answer wanted (Query.wanted), if any.
    holds: bool = True


class Gathered(NamedTuple):
    """A question's candidates: scored by words, and unscored with their cosines (or None).

    `leads` holds the rowids of the candidates that are the first fact of their article, with
    how many facts that article has.
    """

    by_words: list[Ranked]
    candidates: list[Ranked]
    cosines: list[float] | None
    leads: Mapping[int, int] = MappingProxyType({})
    # Each candidate's closest editor's question by cosine (0: it has none).
    asked: tuple[float, ...] = ()


@dataclass(frozen=True)
class Meaning:
    """What comparing meanings needs: the facts' vectors, and the question's on demand."""

    vectors: FactVectors
    embed: Callable[[str], Awaitable[np.ndarray]]


class Matcher:
    """Scores facts against a question; stateless beyond its settings."""

    def __init__(
        self, candidates: int = 30, reranker: Reranker | None = None, judge: Judge | None = None
    ) -> None:
        self.candidates = candidates
        # None: the shipped weights, read on first use (training swaps in its own models).
        self.reranker = reranker
        self.judge = judge

    async def match(
        self,
        store: Retrieval,
        question: str,
        top: int,
        meaning: Meaning | None = None,
        *,
        words: Sequence[str] | None = None,
    ) -> list[ScoredFact]:
        """The best `top` facts for question, best first (no threshold applied here).

        `words`: the question normalised into words, when the caller has them already.
        """
        query = Query.parse(question, words)
        ranked = (await self.rank(store, query, meaning))[:top]
        facts = await store.facts([r.row.rowid for r in ranked])
        if query.read_by_text:
            dated = (await store.index()).articles_saying(query.years) if query.years else set()
            ranked = _text_first(ranked, facts, query, dated, await _others(store, query, facts))
        return [ScoredFact(facts[r.row.rowid], r.score) for r in ranked if r.row.rowid in facts]

    async def rank(
        self, store: Retrieval, query: Query, meaning: Meaning | None = None
    ) -> list[Ranked]:
        """Every candidate for query, best first: by words, then by meaning where it counts."""
        found = await self.gather(store, query, meaning)
        if found.cosines is None:
            return found.by_words
        return self._by_meaning(query, found)

    async def gather(
        self, store: Retrieval, query: Query, meaning: Meaning | None = None, sure: float = SURE
    ) -> Gathered:
        """The candidates by words, and, unless that is sure (`sure`), by meaning too."""
        if not query.readings:
            return Gathered([], [], None)
        index = await store.index()
        looked = query.lookups()
        total, counts = index.term_counts(looked)
        query = resolved(query, index, counts)
        # A word read as a near word brings terms of its own, weighed like the others, and
        # another word for the same thing may be what makes a word known.
        wanted = {*query.lookups(), *(o[0] for word in query.synonyms for o in word)}
        if new := wanted.difference(looked):
            counts.update(index.term_counts(list(new))[1])
        terms = query.terms()
        hits = index.search(terms, self.candidates)
        if not hits and meaning is None:
            return Gathered([], [], None)
        articles = index.search_articles(terms, RANKED_ARTICLES)
        best = max((score for _, score in articles), default=0.0)
        article = {a: score / best for a, score in articles} if best > 0 else {}
        rowids = [rowid for rowid, _ in hits]
        expanded = [a for a, _ in articles[:EXPANDED_ARTICLES]]
        ranked = self._lexical(query, total, counts, index.candidates(rowids, expanded), article)
        by_words = self._held_back(list(ranked), rowids)
        # A best fact by words that the text's rules hold back (_text_first) leaves the rest
        # ranked by words alone, and some lack what is asked: meaning must judge them too.
        sure = math.inf if query.read_by_text else sure
        if meaning is None or (by_words and self._sure(index, by_words, sure, query.wanted)):
            return Gathered(by_words, ranked, None)
        # The model reads the standard language better than the dialects, and a word spelt
        # right better than its slip.
        vector = await meaning.embed(
            in_standard(
                query.text[:EMBEDDED_CHARS],
                lambda w: _holds(counts, (light_stem(w),)),
                spellings(query),
            )
        )
        seen = {r.row.rowid for r in ranked}
        nearest = meaning.vectors.nearest(vector, MEANING_CANDIDATES, SCAN_LIMIT)
        if more := [rowid for rowid in nearest if rowid not in seen]:
            rows = index.candidates(more, [])
            ranked += self._lexical(query, total, counts, rows, article)
        if not ranked or not all(r.row.rowid in meaning.vectors.rows for r in ranked):
            # Some facts still wait for their vector: by words alone meanwhile.
            return Gathered(by_words, ranked, None)
        leads = index.leads({r.row.article_id for r in ranked})
        cosines = meaning.vectors.cosines(ranked, vector)
        asked = tuple(meaning.vectors.asked_cosines(ranked, vector))
        return Gathered(by_words, ranked, cosines, leads, asked)

    @staticmethod
    def _sure(
        index: KnowledgeIndex, by_words: list[Ranked], sure: float, wanted: str | None
    ) -> bool:
        """Whether the best fact by words is the answer, without comparing meanings.

        Not when the question asks for a kind of answer (a number, a date ...) and another
        fact that holds one scores as much by words: the words cannot tell the two apart
        («شحال من معلم يقرّي في المدرسة؟» by the sentence on the teachers' pay as much as by
        the one that counts them), the meaning can. Ties on any question embedded 262 of the
        100,000-fact bench's 500 questions instead of 221: over half, and its p50 with it.
        Nor when such a question's best fact holds under SURE_COVERAGE of its words: a
        figure and a few rare words («كم عدد صفحات الرواية الفائزة؟» by the prize's value and
        «الرواية الفائزة») make a high score without the thing counted.
        """
        best = by_words[0]
        if best.score < sure or not best.holds or (wanted and best.features[0] < SURE_COVERAGE):
            return False
        if wanted and any(r.score >= best.score and r.holds for r in by_words[1:2]):
            return False
        size = index.leads([best.row.article_id]).get(best.row.rowid, 0)
        return best.score >= SURE_LEAD or size < SUMMING_LEAD

    def _lexical(
        self,
        query: Query,
        total: int,
        counts: dict[tuple[str, str], int],
        rows: list[CandidateRow],
        article: dict[str, float],
    ) -> list[Ranked]:
        weigh = _Weights(query, total, counts)
        model = self.reranker or Reranker.shipped()
        return [
            self._score(query, weigh, model, row, article.get(row.article_id, 0.0)) for row in rows
        ]

    @staticmethod
    def _held_back(ranked: list[Ranked], rowids: list[int]) -> list[Ranked]:
        held = held_back([r.features for r in ranked], [r.fits for r in ranked])
        if held < 1:
            ranked = [r._replace(score=round(r.score * held, 2)) for r in ranked]
        order = {rowid: i for i, rowid in enumerate(rowids)}
        ranked.sort(key=lambda r: (-r.score, order.get(r.row.rowid, len(order)), r.row.rowid))
        return ranked

    def _by_meaning(self, query: Query, found: Gathered) -> list[Ranked]:
        """Score every candidate by the judge (bot/judge.py), best first."""
        judge = self.judge or Judge.shipped(FEATURES)
        ranked = found.candidates
        candidates = judged_candidates(found, query)
        scores = judge.scores(
            candidates, query.wanted, bool(ranked) and lenient(query, ranked[0].known)
        )
        # An editor's question close to the reader's still answers, in words or in meaning:
        # the judge learnt from articles without editors' questions.
        judged = [
            r._replace(score=max(s, round(100 * max(r.asked, _close(a)) * r.known**KNOWN_POWER, 2)))
            for r, s, a in zip(ranked, scores, found.asked, strict=True)
        ]
        judged.sort(key=lambda r: (-r.score, r.row.rowid))
        return judged

    @staticmethod
    def _score(
        query: Query, weigh: _Weights, model: Reranker, row: CandidateRow, article: float
    ) -> Ranked:
        # This runs for every candidate of every question: a term is looked up in the fact's
        # space-separated text (" term " in text) rather than in sets built for each fact.
        terms = row.terms
        statement = terms.stems.partition(GROUP)[0]
        said = _spaced(f"{statement} {terms.asked}")
        cues, _, kinds = terms.cues.partition("|")
        stems, lights, roots = weigh.synonyms
        coverage = _share(weigh.stems, said, synonyms=stems)
        features = (
            coverage,
            _share(weigh.lights, said, _spaced(terms.lights.partition(GROUP)[0]), lights),
            _share(weigh.roots, said, _spaced(terms.roots.partition(GROUP)[0]), roots),
            _proximity(query.stems, statement) if coverage else 0.0,
            coverage * (query.kind == "when" and "d" in cues),
            coverage * (query.kind == "how_many" and "n" in cues),
            coverage * article,
        )
        asked = 0.0
        if kinds:
            questions = terms.asked.split(GROUP)[1:]
            for question, kind in zip(questions, kinds.split(), strict=False):
                close = weigh.closeness(set(question.split()))
                asked = max(asked, close * (1.0 if _same_kind(query.kind, kind) else OTHER_KIND))
        points = score(model, features, asked, weigh.known)
        fits = _fits(query.kind, cues, kinds)
        holds = not query.wanted or query.wanted in cues or _asked_of(query, kinds)
        return Ranked(row, features, asked, weigh.known, fits, round(points, 2), holds)


class _Weights:
    """IDF of the question's terms in this knowledge base, for each stemmer."""

    def __init__(self, query: Query, total: int, counts: dict[tuple[str, str], int]) -> None:
        def idf(term: str, *columns: str) -> float:
            df = max(counts.get((term, c), 0) for c in columns)
            return math.log(1 + (total - df + 0.5) / (df + 0.5))

        # Each term, with a space either side as it is looked up, and its share of the
        # question's IDF weight, under each stemmer.
        self.stems = _shares({t: idf(t, "stems", "asked") for t in query.stems})
        self.lights = _shares({t: idf(t, "lights", "asked") for t in query.lights})
        self.roots = _shares({t: idf(t, "roots", "asked") for t in query.roots})
        self.words = list(zip(query.stems, query.roots, strict=True))
        # Other words for the same thing (bot/synonyms.py), by each way of reading a word.
        self.synonyms = tuple(_synonyms_by(query, k) for k in range(3))
        # The share of the question's weight on words the knowledge holds somewhere: a
        # question about what it never mentions is not about it, however well the rest fits.
        # A word read as a near word (a slip put right) is known by that word; so is a word
        # whose synonym the knowledge holds.
        unknown = {
            _spaced(s)
            for s, light, r in zip(query.stems, query.lights, query.roots, strict=True)
            if not _holds(counts, (s, light, r))
        }
        for s, found in zip(query.stems, query.synonyms, strict=False):
            if any(_holds(counts, other[:1]) for other in found):
                unknown.discard(_spaced(s))
        self.known = 1 - sum(share for s, share in self.stems if s in unknown)

    def closeness(self, asked: set[str]) -> float:
        """How close the reader's question is to an editor's: F1 of IDF recall and precision.

        Both sides are compared by stem or, failing that, by root.
        """
        if not asked:
            return 0.0
        met = {s for s, r in self.words if s in asked or r in asked}
        recall = _share(self.stems, _spaced(" ".join(met)))
        used = {t for s, r in self.words if s in met for t in (s, r)}
        precision = len(asked & used) / len(asked)
        return 2 * recall * precision / (recall + precision) if recall + precision else 0.0


def _spaced(text: str) -> str:
    return f" {text} "


def _shares(weights: dict[str, float]) -> tuple[tuple[str, float], ...]:
    total = sum(weights.values())
    return tuple((_spaced(t), w / total) for t, w in weights.items()) if total else ()


def _share(
    shares: tuple[tuple[str, float], ...],
    found: str,
    more: str = "",
    synonyms: Mapping[str, tuple[str, ...]] | None = None,
) -> float:
    """The share of the question's IDF weight on terms that found or more hold.

    Both are space-separated terms with a space either side, as the shares' terms are. A
    term met only by another word for the same thing counts SYNONYM of its weight.
    """
    total = 0.0
    for t, w in shares:
        if t in found or t in more:
            total += w
        elif synonyms and any(o in found or o in more for o in synonyms.get(t, ())):
            total += w * SYNONYM
    return total


def _synonyms_of(readings: Sequence[Reading]) -> tuple[Reading, ...]:
    """The synonyms of a word's first reading that has any.

    The word as the knowledge holds it comes first, then as written, without a tense prefix
    (يشيد as شيد), or as a dialect's standard word.
    """
    return next((found for r in readings if (found := synonyms(r))), ())


def _synonyms_by(query: Query, k: int) -> dict[str, tuple[str, ...]]:
    """Each question term read the k-th way (stem, light stem, root), with its synonyms' own."""
    out: dict[str, tuple[str, ...]] = {}
    for word, found in zip(query.readings, query.synonyms, strict=False):
        term = word[0][k]
        if others := tuple(_spaced(o[k]) for o in found if o[k] != term):
            out[_spaced(term)] = others
    return out


def _holds(
    counts: dict[tuple[str, str], int], terms: Iterable[str], columns: Sequence[str] = _COLUMNS
) -> bool:
    """Whether any fact holds any of these readings of a word (stem, light stem, root).

    In any of `columns`: a light stem of the question may be the Snowball stem of a fact's
    word.
    """
    return any(counts.get((term, column)) for term in terms for column in columns)


def _asked_of(query: Query, kinds: str) -> bool:
    """Whether an editor asked this fact a question of the query's kind, for its wanted cue.

    An editor's كم question says the fact gives a number, not an age or an amount: after
    «كم دقيقة يوفر الجسر؟» is taught, «كم عمر المحافظ؟» must still find the age itself.
    """
    # A count is a number; a year, a date.
    wanted = {"c": "n", "y": "d"}.get(query.wanted or "", query.wanted)
    return query.kind in kinds.split() and wanted == KIND_CUES.get(query.kind or "")


def _fits(kind: str | None, cues: str, kinds: str) -> bool:
    """Whether a fact with these cues and editors' question kinds may answer this kind."""
    wanted = WANTED_CUES.get(kind or "")
    return not wanted or any(c in cues for c in wanted) or kind in kinds.split()


def _same_kind(asked: str | None, written: str) -> bool:
    return asked is None or written == "-" or asked == written


def _proximity(question: Sequence[str], statement: str) -> float:
    """Distinct question terms over the shortest stretch of the statement holding them all.

    0-1; 0 unless two of them are there, which is checked before the statement is split.
    """
    spaced = _spaced(statement)
    wanted = {t for t in question if _spaced(t) in spaced}
    if len(wanted) < 2:
        return 0.0
    # The shortest stretch ending at a hit starts at the earliest of every term's latest
    # position so far.
    latest: dict[str, int] = {}
    words = statement.split()
    shortest = len(words)
    for position, term in enumerate(words):
        if term in wanted:
            latest[term] = position
            if len(latest) == len(wanted):
                shortest = min(shortest, position - min(latest.values()) + 1)
    return len(wanted) / shortest
