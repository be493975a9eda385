"""The engine: the one object the command line and the Telegram adapter talk to.

It owns the store, retrieval's live index and the matcher, decides when to abstain, loads
and publishes knowledge all-or-nothing, keeps unanswered questions for the editors, and
answers for subscriptions and chats. Front ends call its methods; the news sender and the
update inbox get narrow objects of their own (`outbox`, `updates`), never the store.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Coroutine, Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from bot import loading, meaning, publishing, vectors
from bot.analysis import first_asked
from bot.config import Config
from bot.knowledge import (
    KnowledgeError,
    KnowledgeFolderMissing,
    KnowledgeInvalid,
    StepProgress,
    file_digest,
    knowledge_files,
    link_error,
    outside_link,
    read_paths,
)
from bot.matching import Matcher, Meaning, ScoredFact
from bot.outbox import Outbox
from bot.records import ArticleRow, KnowledgeFiles, LoadReport, StoredFile, Written
from bot.retrieval import Retrieval
from bot.review import ReviewQueue
from bot.store import StaleLoad, Store
from bot.subscriptions import Subscriptions
from bot.text import is_small_talk, stopwords, tokens, well_formed
from bot.updates import UpdateInbox
from bot.workers import process_pool

# Suggestions offered when the best fact is not good enough to answer.
SUGGESTIONS = 3
# Up to this many texts are embedded in the engine's own process, more in worker processes.
INLINE_TEXTS = 48
LOG = logging.getLogger("sanad.engine")
T = TypeVar("T")


@dataclass(frozen=True)
class AnswerItem:
    """One fact offered as an answer, with the article it comes from."""

    article_id: str
    fact_id: str
    score: float
    statement: str
    quotes: tuple[str, ...]
    title: str
    url: str | None
    published: str | None

    def to_json(self) -> dict[str, Any]:
        """The contract's answer object, as `ask --json` prints it."""
        return {
            "article_id": self.article_id,
            "fact_id": self.fact_id,
            "score": self.score,
            "statement": self.statement,
            "quotes": list(self.quotes),
            "title": self.title,
            "url": self.url,
            "published": self.published,
        }


class Outcome(StrEnum):
    """What kind of reply a question gets, so each front end words it its own way."""

    ANSWERED = "answered"
    NOT_FOUND = "not_found"  # a question, but nothing known answers it: kept for the editors
    SMALL_TALK = "small_talk"  # greetings, thanks, chit-chat: nothing to look up
    EMPTY = "empty"  # no word that asks anything ("", "؟؟؟", "ماذا؟")


@dataclass(frozen=True)
class Answer:
    """The engine's reply to one question: answers best first, or an abstention."""

    question: str
    answered: bool
    # Best first. When abstaining: the facts close enough to offer ("did you mean"), never
    # presented as an answer.
    answers: tuple[AnswerItem, ...]
    # When abstaining with no fact close enough: editors' questions or topics to try.
    suggestions: tuple[str, ...] = field(default=())
    outcome: Outcome = Outcome.NOT_FOUND

    def to_json(self) -> dict[str, Any]:
        """The contract's result object, plus the outcome key that `ask --json` adds."""
        return {
            "question": self.question,
            "answered": self.answered,
            "answers": [a.to_json() for a in self.answers],
            "outcome": self.outcome.value,
        }


@dataclass(frozen=True)
class Freshness:
    """What `Engine.load_or_keep` did: loaded (`report`), or kept the old knowledge (`kept`)."""

    # What the load changed; None when nothing was stale, or when the load failed.
    report: LoadReport | None = None
    # Why the load failed, when the knowledge loaded before is served instead.
    kept: Exception | None = None


class Engine:
    """Knowledge in, answers out; safe to share between concurrent readers."""

    def __init__(self, config: Config, *, separate_loads: bool = False) -> None:
        """`separate_loads`: run reloads in a child process (for a long-running bot).

        Parsing and indexing a large folder is Python work that holds the interpreter's
        lock for long stretches; in a thread it would delay every reader's answer, in a
        process of its own it delays none.
        """
        self.config = config
        self._loader: ProcessPoolExecutor | None = None
        self.separate_loads = separate_loads
        # After each load, compute the new texts' vectors in the background (the bot).
        self.fill_in_background = False
        self.store = Store(config.database)
        self.retrieval = Retrieval(self.store)
        self._subscriptions = Subscriptions(self.store)
        # What a news sender and an update inbox may touch of the database, and no more.
        self.outbox = Outbox(self.store, self._subscriptions)
        self.updates = UpdateInbox(self.store)
        self.matcher = Matcher(candidates=config.matching.candidates)
        self.min_score = config.matching.min_score
        self.min_margin = config.matching.min_margin
        self.suggest_score = config.matching.suggest_score
        self.semantic = config.matching.semantic
        self._vectors = vectors.Holder(meaning.E5_NAME)
        self._questions: meaning.QuestionCache | None = None
        # The sentence model runs in one thread of its own: its C engine is not shared, and
        # the event loop goes on meanwhile (ctypes lets go of the interpreter's lock).
        self._embedding: ThreadPoolExecutor | None = None
        self._filling: asyncio.Task[int] | None = None
        self.review = ReviewQueue(self.store, self.retrieval, self.matcher, config)
        self._load_lock = asyncio.Lock()
        self._logging: set[asyncio.Task[None]] = set()
        # The first failure to record a question (a read-only or full disk), if any. Answering
        # needs no writes, so it goes on; `warn` says so once (the command line sets it).
        self.unrecorded: BaseException | None = None
        self.warn: Callable[[str], None] = LOG.warning

    async def open(self) -> Engine:
        """Open the store and the review queue; nothing touches the database before this."""
        await self.store.open()
        await self.review.open()
        return self

    async def close(self) -> None:
        """Finish the question log, then close: a log that fails must not keep the store open.

        An open aiosqlite connection's thread would keep the process alive for good.
        """
        try:
            if self._filling is not None:
                self._filling.cancel()
                await asyncio.gather(self._filling, return_exceptions=True)
            await asyncio.gather(*self._logging, return_exceptions=True)
        finally:
            if self._embedding is not None:
                self._embedding.shutdown(wait=True)
            if self._loader is not None:
                self._loader.shutdown(wait=True)
                self._loader = None
            await self.store.close()

    async def __aenter__(self) -> Engine:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- knowledge ---------------------------------------------------------------------------

    def read_knowledge(
        self, stored: Mapping[str, StoredFile] | None = None, progress: StepProgress | None = None
    ) -> KnowledgeFiles:
        """Hash every knowledge file and parse those that changed since `stored`.

        Raises KnowledgeInvalid with every error found. With no `stored`, parses all.
        """
        folder = self.config.knowledge_dir
        if not folder.is_dir():
            raise KnowledgeFolderMissing(folder)
        stored = stored or {}
        base = folder.parent
        digests: dict[str, str] = {}
        unreadable: list[KnowledgeError] = []
        for path in knowledge_files(folder):
            name = str(path.relative_to(base))
            target = outside_link(folder, path)
            if target is not None:
                unreadable.append(link_error(name, target))
                continue
            try:
                digests[name] = file_digest(path)
            except OSError as exc:  # deleted meanwhile, or not ours to read
                unreadable.append(KnowledgeError(name, 1, f"cannot read the file: {exc.strerror}"))
        unchanged = {
            path
            for path, digest in digests.items()
            if path in stored and stored[path].digest == digest
        }
        taken = {aid: path for path in unchanged for aid in stored[path].article_ids}
        changed = [base / path for path in digests if path not in unchanged]
        articles, errors = read_paths(changed, base=base, taken=taken, progress=progress)
        if errors or unreadable:
            raise KnowledgeInvalid(
                sorted(errors + unreadable, key=lambda e: (Path(e.path), e.line))
            )
        return KnowledgeFiles(
            digests=digests,
            unchanged=frozenset(unchanged),
            articles=articles,
            based_on={path: file.digest for path, file in stored.items()},
        )

    async def reload(self, progress: StepProgress | None = None) -> LoadReport:
        """Re-read the knowledge folder, redoing only changed files; all-or-nothing.

        Parsing runs in a thread, or in a child process with `separate_loads`, so readers
        keep being answered meanwhile; they see the new knowledge once it is committed.
        `progress` hears of the reading and the analysis (not from a child process).
        """
        async with self._load_lock:
            if not self.separate_loads:
                report = await self._reload_here(progress)
            else:
                if self._loader is None:
                    self._loader = process_pool(1)
                loop = asyncio.get_running_loop()
                report = await loop.run_in_executor(self._loader, _reload_in_child, self.config)
            if report.changed or report.removed:
                await self._prune_vectors()
            if not report.unchanged:
                # The next question is answered from the new knowledge, not the one before.
                await self.retrieval.refresh()
                if self.semantic:
                    await self._vectors.refresh(self.store)
                if self.fill_in_background:
                    self.start_filling()
            return report

    async def _prune_vectors(self) -> None:
        """Drop the vectors no fact needs; the load has committed, so a failure only waits."""
        try:
            await vectors.prune(self.store, meaning.E5_NAME)
        except sqlite3.Error as exc:
            LOG.warning("old sentence vectors kept until the next load: %s", exc)

    async def _reload_here(self, progress: StepProgress | None = None) -> LoadReport:
        # Another process may load at the same time: the load that commits second reads
        # the folder again against what the first stored, and reports only its own change.
        while True:
            stored = await self.store.files()
            found = await asyncio.to_thread(self.read_knowledge, stored, progress)
            try:
                return await loading.load(self.store, self.retrieval, found, progress)
            except StaleLoad:
                continue

    async def is_stale(self) -> bool:
        """True when the database is behind the knowledge folder.

        That is: never loaded, a file added, deleted or renamed anywhere in the folder, or a
        file newer than the last load. A missing folder counts as stale, so the load that
        follows reports it.
        """
        loaded = await self.store.loaded_at()
        folder = self.config.knowledge_dir
        if loaded is None or not folder.is_dir():
            return True
        files = knowledge_files(folder)
        names = {str(p.relative_to(folder.parent)) for p in files}
        if names != set(await self.store.files()):
            return True
        return max((_mtime(p) for p in files), default=0.0) > loaded

    async def ensure_loaded(self) -> LoadReport | None:
        """Load when stale, so `sanad ask` works right after install."""
        if await self.is_stale():
            return await self.reload()
        return None

    async def load_or_keep(self) -> Freshness:
        """Load when stale; when that fails, keep serving the knowledge loaded before.

        The one rule for every start (`sanad ask`, `chat`, `review`, `teach`, the bot): a
        bad file, a missing folder or a failing disk never takes away knowledge already
        loaded. With nothing loaded to keep, the failure is raised.
        """
        try:
            return Freshness(report=await self.ensure_loaded())
        except (KnowledgeInvalid, OSError, sqlite3.Error) as exc:
            if await self.store.loaded_at() is None:
                raise
            return Freshness(kept=exc)

    async def publish(
        self, name: str, content: bytes, *, expected_digest: str | None = None
    ) -> LoadReport:
        """Save `content` as the knowledge file `name` and load it, only if valid.

        Checked alone and against the other files, written atomically, put back when the
        load still fails (bot/publishing.py); raises publishing.PublishRejected. Callers
        publish one at a time.
        """
        folder = self.config.knowledge_dir
        return await publishing.publish(
            folder,
            lambda: self.read_knowledge().articles,
            self.reload,
            name,
            content,
            expected_digest=expected_digest,
        )

    async def file_of(self, article_id: str) -> Path | None:
        """The knowledge file that holds `article_id`, as last loaded; None when none does."""
        for name, stored in (await self.store.files()).items():
            if article_id in stored.article_ids:
                return self.config.knowledge_dir.parent / name
        return None

    # -- answering ---------------------------------------------------------------------------

    async def ask(
        self,
        question: str,
        top: int = 1,
        *,
        chat_id: int | None = None,
        user_id: int | None = None,
        record: bool = True,
    ) -> Answer:
        """Answer one question; abstain rather than guess, and log it for the editors.

        Small talk and questions that ask nothing are not looked up, nor kept for the editors.
        When unsure, the facts close enough to offer are the answer's `answers`.
        """
        question = well_formed(question).strip()
        words = tokens(question)  # normalised once, for the checks below and the question log
        unasked = _unasked(words)
        wanted = max(top, 2, SUGGESTIONS)
        by_meaning = None if unasked else await self._meaning()
        found = (
            []
            if unasked
            else await self.matcher.match(self.retrieval, question, wanted, by_meaning, words=words)
        )
        scored = found[: max(top, 2)]
        answered = self._confident(scored)
        if not answered and found and (first := first_asked(question)):
            found = await self._judged_on(first, found, wanted, by_meaning)
            scored = found[: max(top, 2)]
            answered = self._confident(scored)
        if answered:
            items = tuple(_item(s) for s in scored[:top])
        else:
            close = [s for s in found[:SUGGESTIONS] if s.score >= self.suggest_score]
            items = tuple(_item(s) for s in close)
        suggestions = () if answered or items else await self._suggestions(scored)
        outcome = Outcome.ANSWERED if answered else unasked or Outcome.NOT_FOUND
        if record and outcome in (Outcome.ANSWERED, Outcome.NOT_FOUND):
            best = (
                (scored[0].fact.article_id, scored[0].fact.fact_id, scored[0].score)
                if scored
                else None
            )
            normalized = " ".join(words)
            self._log(
                self.store.log_question(question, normalized, answered, best, chat_id, user_id)
            )
            if answered and self.review.low_margin(scored):
                self._log(self.review.note_low_margin(question, scored[0], chat_id, user_id))
        return Answer(question, answered, items, suggestions, outcome)

    def shown(self, answer: Answer) -> Answer:
        """What a reader is shown: the best answer, then only the next that clear the bar.

        `ask` ranks `top` facts whatever their score (bench/ measures rankings with it);
        every front end shows the answers after the first only when they clear
        `matching.min_score`. An abstention's suggestions stay as they are.
        """
        if not answer.answered or not answer.answers:
            return answer
        best, *rest = answer.answers
        sure = tuple(item for item in rest if item.score >= self.min_score)
        return replace(answer, answers=(best, *sure))

    # -- meaning ----------------------------------------------------------------------------

    async def _meaning(self) -> Meaning | None:
        """What matching needs to compare meanings, or None: words alone then.

        None when `matching.semantic` is off, when no fact has a vector yet, or when the
        sentence model cannot load (said once in the log).
        """
        if not self.semantic:
            return None
        current = await self._vectors.get(self.store)
        if not current.done:
            return None
        if self._questions is None:
            model = await self._in_model_thread(meaning.load)
            if model is None:
                self.semantic = False
                return None
            self._questions = meaning.QuestionCache(model)
        return Meaning(current, self._embed)

    async def _embed(self, question: str) -> np.ndarray:
        assert self._questions is not None
        return await self._in_model_thread(self._questions.vector, question)

    async def _in_model_thread(self, work: Callable[..., T], *args: Any) -> T:
        if self._embedding is None:
            self._embedding = ThreadPoolExecutor(1, thread_name_prefix="sanad-meaning")
        return await asyncio.get_running_loop().run_in_executor(self._embedding, work, *args)

    async def fill_vectors(
        self, workers: int | None = None, progress: vectors.OnProgress | None = None
    ) -> int:
        """Embed the texts that have no vector yet; how many were. 0 with meaning off.

        A few texts (an edit, a small knowledge base) are embedded here, which costs less
        than starting worker processes; more go to `workers` processes. A model that cannot
        load turns meaning off for this engine, with one line in the log: answers go on by
        words.
        """
        if not self.semantic:
            return 0
        todo = await vectors.missing(self.store, meaning.E5_NAME)
        try:
            if len(todo) <= INLINE_TEXTS:
                done = await self._embed_here(todo, progress)
            else:
                done = await vectors.fill(
                    self.store, todo, workers or os.cpu_count() or 1, progress
                )
        except RuntimeError as exc:  # the sentence model cannot load
            LOG.warning("matching by words only: %s", exc)
            self.semantic = False
            return 0
        await self._vectors.refresh(self.store)
        return done

    async def _embed_here(
        self, todo: list[tuple[bytes, str, str]], progress: vectors.OnProgress | None
    ) -> int:
        if not todo:
            return 0
        found = await self._in_model_thread(vectors.embed, [(k, t) for _, k, t in todo])
        await self.store.add_vectors([(key, v) for (key, _, _), v in zip(todo, found, strict=True)])
        if progress is not None:
            progress(len(todo), len(todo))
        return len(todo)

    def start_filling(self, workers: int = 1) -> None:
        """Fill vectors in the background (the bot, after each load); one fill at a time."""
        if self.semantic and (self._filling is None or self._filling.done()):
            self._filling = asyncio.create_task(self.fill_vectors(workers))

    async def vectors_missing(self) -> int:
        """How many texts still lack a vector, as readers see them now (0 with meaning off).

        Counted in the same pass that reads the vectors for answering, which `sanad ask`
        needs next anyway: at 100,000 facts a separate pass cost 0.5-0.8 s of its start.
        """
        if not self.semantic:
            return 0
        return (await self._vectors.get(self.store)).missing

    async def vector_progress(self) -> vectors.Progress:
        """Facts with a vector, of all facts, as readers see them now."""
        current = await self._vectors.get(self.store) if self.semantic else vectors.EMPTY
        return vectors.Progress(current.done, current.facts)

    def _log(self, write: Coroutine[Any, Any, None]) -> None:
        """Write the question log in the background.

        A reload holding the write lock must not delay the answer; close() waits for what
        is still being written.
        """
        task = asyncio.create_task(write)
        self._logging.add(task)
        task.add_done_callback(self._logged)

    def _logged(self, task: asyncio.Task[None]) -> None:
        self._logging.discard(task)
        failure = None if task.cancelled() else task.exception()
        if failure is not None and self.unrecorded is None:
            self.unrecorded = failure
            self.warn(f"questions are not being recorded: {self.store.path}: {failure}")

    async def _judged_on(
        self, first: str, found: list[ScoredFact], wanted: int, by_meaning: Meaning | None
    ) -> list[ScoredFact]:
        """found, its best fact scored as high as the first of two questions asked scores it.

        Only when that part finds the same fact first: it answers the part the reader named
        its subject in, and the other part cannot be judged alone («وكم استمر توقفه؟» says
        nothing of what stopped). Asked only of a question refused whole, with the vectors
        the whole was matched with.
        """
        part = await self.matcher.match(self.retrieval, first, wanted, by_meaning)
        best = found[0]
        if not part or part[0].fact.rowid != best.fact.rowid or part[0].score <= best.score:
            return found
        return [replace(best, score=part[0].score), *found[1:]]

    def _confident(self, scored: list[ScoredFact]) -> bool:
        if not scored or scored[0].score < self.min_score:
            return False
        if len(scored) < 2 or self.min_margin <= 0:
            return True
        first, second = scored[0], scored[1]
        same_article = first.fact.article_id == second.fact.article_id
        return same_article or first.score - second.score >= self.min_margin

    async def _suggestions(self, scored: list[ScoredFact]) -> tuple[str, ...]:
        """Editors' questions of the nearest facts, else the best-covered topics."""
        near = [q for s in scored for q in s.fact.questions[:1]]
        if near:
            return tuple(dict.fromkeys(near))[:3]
        return tuple(name for name, _ in (await self.retrieval.topics())[:5])

    async def items_for(self, article_id: str) -> list[AnswerItem]:
        """Every fact of one article as answer items (for 'more from this article')."""
        facts = await self.store.article_facts(article_id)
        return [_item(ScoredFact(f, 100.0)) for f in facts]

    async def item(self, article_id: str, fact_id: str) -> AnswerItem | None:
        """One fact as an answer, for a button that names it (a suggestion, a list of facts)."""
        fact = await self.store.fact_by_id(article_id, fact_id)
        return None if fact is None else _item(ScoredFact(fact, 100.0))

    # -- what admins and readers see about the knowledge --------------------------------------

    async def topics(self) -> list[tuple[str, int]]:
        """Every topic with its article count, for /topics and for readers the bot cannot answer."""
        return await self.retrieval.topics()

    async def articles_about(self, topic: str) -> list[ArticleRow]:
        """The articles under one topic (names compared after normalisation), newest first."""
        ids = await self.store.articles_with_topic(topic)
        return list((await self.store.articles(ids)).values()) if ids else []

    async def stats(self) -> dict[str, int]:
        """The figures /stats shows, today's counted from local midnight."""
        counts = await self.store.counts()
        counts.update(await self.store.question_counts(since=_start_of_today()))
        counts.update(await self.store.unsent_counts(since=_start_of_today()))
        return counts

    async def record_unsent(
        self, update_id: int | None, chat_id: int | None, method: str, error: str
    ) -> None:
        """Count a reply the platform refused for good, so /stats can say it was lost."""
        await self.store.record_unsent(update_id, chat_id, method, error)

    # -- subscriptions and chats ---------------------------------------------------------------

    async def resolve_topic(self, topic: str | None) -> tuple[str, str]:
        """The stored key and label of a topic: all news for None; raises UnknownTopic."""
        return await self._subscriptions.resolve(topic)

    async def subscribe(self, chat_id: int, kind: str, title: str, topic: str | None) -> bool:
        """Subscribe a chat to a topic (None: all news); False when it already was."""
        return await self._subscriptions.subscribe(chat_id, kind, title, topic)

    async def unsubscribe(self, chat_id: int, topic: str | None) -> int:
        """Remove one subscription, or all of the chat's when topic is None; how many went."""
        return await self._subscriptions.unsubscribe(chat_id, topic)

    async def chat_subscriptions(self, chat_id: int) -> list[str]:
        """The chat's subscriptions as written; ALL_NEWS ('') stands for all news."""
        return await self._subscriptions.of(chat_id)

    async def subscription_stats(self) -> tuple[dict[str, int], dict[str, int]]:
        """Subscribed chats by kind (stopped chats by reason), and the outbox by state."""
        return await self._subscriptions.stats()

    async def chat_left(self, chat_id: int, reason: str) -> None:
        """The chat blocked or removed the bot: no more news there, what was due failed."""
        await self.store.deactivate_chat(chat_id, reason)

    async def chat_returned(self, chat_id: int) -> None:
        """The chat unblocked or re-added the bot: the subscriptions it kept apply again."""
        await self.store.reactivate_chat(chat_id)

    async def chat_migrated(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its subscriptions and due news follow it."""
        await self.store.migrate_chat(old_id, new_id)


def _unasked(words: list[str]) -> Outcome | None:
    """Small talk or an empty question, told apart before any lookup; None for a question."""
    if is_small_talk(words):
        return Outcome.SMALL_TALK
    stop = stopwords()
    return None if any(w not in stop for w in words) else Outcome.EMPTY


def _item(scored: ScoredFact) -> AnswerItem:
    fact, article = scored.fact, scored.fact.article
    return AnswerItem(
        article_id=fact.article_id,
        fact_id=fact.fact_id,
        score=scored.score,
        statement=fact.statement,
        quotes=fact.quotes,
        title=article.title,
        url=article.url,
        published=article.published,
    )


def _mtime(path: Path) -> float:
    """When a file last changed; one that vanished or dangles counts as new (load reports it)."""
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")


def _start_of_today() -> float:
    now = time.localtime()
    return time.mktime((now.tm_year, now.tm_mon, now.tm_mday, 0, 0, 0, 0, 0, -1))


# The postings the loader process last committed, by database: it stays up between the
# bot's reloads, each through an engine of its own, and updating them costs less than
# reading them back. Only the loader process (Engine.separate_loads) keeps any here.
_LOADER_WROTE: dict[Path, Written] = {}


def _reload_in_child(config: Config) -> LoadReport:
    """A reload in a process of its own (see Engine.separate_loads)."""

    async def reload() -> LoadReport:
        # Only the load: the parent opens the new index for its readers, this process has none.
        async with Engine(config) as engine:
            engine.retrieval.wrote(_LOADER_WROTE.get(config.database))
            report = await engine._reload_here()
            if engine.retrieval.written is not None:
                _LOADER_WROTE[config.database] = engine.retrieval.written
            return report

    return asyncio.run(reload())
