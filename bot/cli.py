"""The `sanad` command line: each verb is one call into the engine.

Errors become one-line messages here, at the edge, and never tracebacks.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import ClassVar, Never

from tqdm import tqdm

from bot import config as configuration
from bot import teaching
from bot.distill import DistillError, check_options
from bot.distill import distill as draft_knowledge
from bot.engine import Answer, AnswerItem, Engine, KnowledgeFolderMissing, KnowledgeInvalid
from bot.knowledge import ANALYSING, READING, printable, read_paths
from bot.messages import right_to_left, text_answer, text_item
from bot.records import LoadReport
from bot.review import ReviewItem
from bot.store import ForeignDatabase

# A setup problem (exit 2) for every verb, not an error in a knowledge file (exit 1).
FOLDER_MISSING = "the knowledge folder does not exist"


class UsageError(Exception):
    """A one-line problem to print before exiting with `status`: 2, a setup problem."""

    status = 2


class KnowledgeUnusable(UsageError):
    """Invalid knowledge files and nothing loaded before to answer from: exit status 1."""

    status = 1


def build_parser() -> argparse.ArgumentParser:
    """Every verb and option in one place, so `--help` and the README's table agree."""
    parser = argparse.ArgumentParser(
        prog="sanad",
        description="Answer questions in Arabic about news articles, quoting the articles.",
    )
    parser.add_argument(
        "--config", type=Path, help="config file (default: $SANAD_CONFIG or ./config.yaml)"
    )
    parser.add_argument("--version", action="version", version=f"sanad {version()}")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    validate = verbs.add_parser("validate", help="check knowledge files")
    validate.add_argument("paths", nargs="*", type=Path, help="files or folders to check")

    verbs.add_parser("load", help="load the knowledge folder into the database")

    ask = verbs.add_parser("ask", help="answer one question ('-' reads one a line)")
    ask.add_argument("question", nargs="+", help="the question, or - for standard input")
    ask.add_argument("--json", action="store_true", help="print JSON (JSON Lines with -)")
    ask.add_argument("--top", type=_positive, default=1, help="how many answers (default 1)")
    _rtl_option(ask)

    _rtl_option(verbs.add_parser("chat", help="ask questions in a terminal conversation"))
    verbs.add_parser("run", help="run the Telegram bot")
    _review_parsers(verbs)

    distill = verbs.add_parser("distill", help="draft a knowledge file from a plain-text article")
    distill.add_argument("file", help="UTF-8 text, the title on the first line ('-': stdin)")
    distill.add_argument("--id", dest="article_id", help="article id (default: date and title)")
    distill.add_argument("--url", help="the article's http or https address")
    distill.add_argument("--published", help="publication date, YYYY-MM-DD")
    distill.add_argument(
        "--topic", dest="topics", action="append", default=[], help="a topic (repeatable)"
    )
    return parser


def _review_parsers(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The editors' loop: the review queue and teaching (bot/review.py, bot/teaching.py)."""
    review = verbs.add_parser("review", help="the questions readers asked that need an editor")
    review.add_argument("--json", action="store_true", help="print one JSON object")
    review.add_argument("--dismiss", metavar="QUESTION", help="take QUESTION out of the queue")
    teach = verbs.add_parser("teach", help="add a reader's question to a fact's questions")
    teach.add_argument("question", help="the question, as readers ask it")
    teach.add_argument("article_id", help="the article's id")
    teach.add_argument("fact_id", help="the fact's id (a sentence id for an article without facts)")


def _rtl_option(verb: argparse.ArgumentParser) -> None:
    verb.add_argument(
        "--rtl",
        action=argparse.BooleanOptionalAction,
        help="start each Arabic line with a right-to-left mark (default: on a terminal only)",
    )


def version() -> str:
    """The installed package's version, so `--version` and pyproject.toml never disagree."""
    try:
        return metadata.version("sanad")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not '{value}'")
    return number


def main(argv: list[str] | None = None) -> int:
    """Run one verb; bad configuration or usage is one line and exit 2, never a traceback."""
    args = build_parser().parse_args(argv)
    try:
        config = configuration.load(args.config)
        return VERBS[args.verb](config, args)
    except (configuration.ConfigError, UsageError) as exc:
        print(printable(f"sanad: {exc}"), file=sys.stderr)
        return exc.status if isinstance(exc, UsageError) else 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output left (`sanad ask - | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def validate(config: configuration.Config, args: argparse.Namespace) -> int:
    """Check files without loading them, so an editor sees every error before a load."""
    if not args.paths and not config.knowledge_dir.is_dir():
        raise UsageError(f"{config.knowledge_dir}: {FOLDER_MISSING}")
    paths = args.paths or [config.knowledge_dir]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"{missing[0]}: no such file or folder")
    # Paths the user typed are shown as typed; the knowledge folder as `load` shows it.
    base = None if args.paths else config.knowledge_dir.parent
    with _StepBars() as bars:
        articles, errors = read_paths(paths, base=base, progress=bars)
    for error in errors:
        print(error)
    if errors:
        return 1
    facts = sum(len(a.served_facts()) for a in articles)
    print(f"ok: {len(articles)} article(s), {facts} fact(s)", file=sys.stderr)
    return 0


def load(config: configuration.Config, args: argparse.Namespace) -> int:
    """Load the knowledge folder and say what changed, so the editor sees what the load did."""
    return _with_engine(config, _load)


async def _load(engine: Engine) -> int:
    try:
        with _StepBars() as bars:
            report = await engine.reload(progress=bars)
    except KnowledgeFolderMissing as exc:
        raise UsageError(f"{exc.folder}: {FOLDER_MISSING}") from None
    except KnowledgeInvalid as exc:
        for error in exc.errors:
            print(error)
        print("nothing loaded: the database is unchanged", file=sys.stderr)
        return 1
    print(describe(report))
    await _fill_vectors(engine)
    return 0


async def _fill_vectors(engine: Engine) -> None:
    """Embed what the load brought, with a progress bar on a terminal.

    The knowledge is committed and served already: an interrupted fill keeps what it did,
    and the next load, `ask` or the bot goes on from there.
    """
    missing = await engine.vectors_missing()
    if not missing:
        return
    with _bar("sentence vectors", missing, "text") as bar:
        await engine.fill_vectors(progress=lambda done, _: bar.update(done - bar.n))


def _bar(desc: str, total: int, unit: str) -> tqdm[Never]:
    """A progress bar on standard error, shown only when that is a terminal."""
    return tqdm(total=total, desc=desc, unit=unit, disable=not sys.stderr.isatty())


class _StepBars:
    """A bar for each step of a load (reading the files, analysing the articles) in turn."""

    UNITS: ClassVar[dict[str, str]] = {READING: "file", ANALYSING: "article"}

    def __init__(self) -> None:
        self._step: str | None = None
        self._bar: tqdm[Never] | None = None

    def __call__(self, step: str, done: int, total: int) -> None:
        if step != self._step or self._bar is None:
            self.close()
            self._step, self._bar = step, _bar(step, total, self.UNITS.get(step, "it"))
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        self._step = self._bar = None

    def __enter__(self) -> _StepBars:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


SHOWN_IDS = 20  # a first load of a large folder names a few ids, not ten thousand


def describe(report: LoadReport) -> str:
    """Added, changed and removed article ids, one line each."""
    lines = [
        f"{label}: {len(ids)}" + (f" ({_some(ids)})" if ids else "")
        for label, ids in (
            ("added", report.added),
            ("changed", report.changed),
            ("removed", report.removed),
        )
    ]
    return "\n".join(lines)


def _some(ids: list[str]) -> str:
    shown = ", ".join(ids[:SHOWN_IDS])
    return shown if len(ids) <= SHOWN_IDS else f"{shown}, … {len(ids) - SHOWN_IDS} more"


def ask(config: configuration.Config, args: argparse.Namespace) -> int:
    """Answer one question (or one a line from `-`), loading the knowledge first if need be."""
    if args.question[0] == "-" and len(args.question) > 1:
        raise UsageError("ask: '-' reads the questions from standard input; nothing may follow it")
    question = _readable(" ".join(args.question))
    show = _shown(args.rtl)

    async def run(engine: Engine) -> int:
        await _ensure_loaded(engine)
        await _ensure_vectors(engine)
        if question == "-":
            for line in sys.stdin:
                # A file saved "UTF-8 with BOM" starts with U+FEFF: not part of the question.
                text = _readable(line.rstrip("\n").removeprefix("\ufeff"))
                answer = await engine.ask(text, args.top)
                _print_answer(engine.shown(answer), args, show, flush=True)
            return 0
        _print_answer(engine.shown(await engine.ask(question, args.top)), args, show)
        return 0

    return _with_engine(config, run)


def chat(config: configuration.Config, args: argparse.Namespace) -> int:
    """A conversation: the prompt is read on the main thread, so Ctrl+C stops it at once.

    (Read in a worker thread, the prompt would hold the exit until Enter is pressed.) After
    suggestions, a number shows that fact in full, noted for the editors.
    """
    show = _shown(args.rtl)
    with asyncio.Runner() as runner, _storage_errors(config):
        engine = runner.run(_opened(config))
        try:
            runner.run(_ensure_loaded(engine))
            runner.run(_ensure_vectors(engine))
            print(show("سند: اسألني عن الأخبار. للخروج اكتب «خروج» أو اضغط Ctrl+D."))
            last: Answer | None = None
            while True:
                try:
                    question = _readable(input(show("أنت: "))).strip()
                except EOFError:
                    print()
                    return 0
                except KeyboardInterrupt:
                    print()
                    raise
                if question in {"خروج", "exit", "quit"}:
                    return 0
                chosen = _chosen(last, question)
                if chosen is not None and last is not None:
                    print(show(text_item(chosen)))
                    noted = engine.review.record_suggestion(
                        last.question, chosen.article_id, chosen.fact_id
                    )
                    runner.run(noted)
                elif question:
                    last = runner.run(engine.ask(question))
                    print(show(text_answer(last, choosing=True)))
        finally:
            runner.run(engine.close())


def _chosen(last: Answer | None, typed: str) -> AnswerItem | None:
    """The suggestion a reader picked by its number, after an answer that offered some."""
    # isdecimal, not isdigit: '²' is a digit that int() refuses. Three figures at most: a
    # long run of digits is a question (int() refuses more than 4,300 of them).
    if last is None or last.answered or not typed.isdecimal() or len(typed) > 3:
        return None
    number = int(typed)
    return last.answers[number - 1] if 1 <= number <= len(last.answers) else None


def run_bot(config: configuration.Config, args: argparse.Namespace) -> int:
    """Run the Telegram bot; imported late so the other verbs never load telegram."""
    from bot.telegram.app import run  # imported here: the core never needs telegram

    return run(config)


def distill_article(config: configuration.Config, args: argparse.Namespace) -> int:
    """Print a draft knowledge file; a file that cannot make one is one line and exit 1."""
    try:
        check_options(args.article_id, args.url, args.published)
    except DistillError as exc:
        raise UsageError(str(exc)) from None
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
        draft = draft_knowledge(
            data.decode("utf-8"),
            article_id=args.article_id,
            url=args.url,
            published=args.published,
            topics=args.topics,
        )
    except FileNotFoundError:
        problem = "no such file"
    except OSError as exc:
        problem = f"cannot read the file: {exc.strerror}"
    except UnicodeDecodeError as exc:
        problem = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
    except DistillError as exc:
        problem = str(exc)
    else:
        sys.stdout.write(draft)
        return 0
    print(f"sanad: {args.file}: {problem}", file=sys.stderr)
    return 1


def review(config: configuration.Config, args: argparse.Namespace) -> int:
    """List the review queue, most asked first, with the facts it could be taught to."""

    async def run(engine: Engine) -> int:
        queue = engine.review
        if args.dismiss is not None:
            question = _readable(args.dismiss)
            if not await queue.dismiss(question):
                print(f"sanad: not in the review queue: {question}", file=sys.stderr)
                return 1
            print(f"dismissed: {question}")
            return 0
        await _ensure_loaded(engine)
        items = [(item, await queue.candidates(item)) for item in await queue.items()]
        if args.json:
            shown = [
                {**item.to_json(), "candidates": [c.to_json() for c in candidates]}
                for item, candidates in items
            ]
            print(json.dumps({"days": queue.days, "questions": shown}, ensure_ascii=False))
        elif not items:
            print(f"the review queue is empty (last {queue.days} days)", file=sys.stderr)
        for item, candidates in [] if args.json else items:
            print(_review_line(item))
            for c in candidates:
                score = "" if c.score is None else f" ({c.score:.0f})"
                print(f"    {c.article_id} {c.fact_id}{score}: {c.statement}")
        return 0

    return _with_engine(config, run)


def _review_line(item: ReviewItem) -> str:
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(item.last))
    return f"{item.count}× {item.question}  [{', '.join(item.reasons)}; last {when}]"


def teach(config: configuration.Config, args: argparse.Namespace) -> int:
    """Write the question into the fact's knowledge file, exactly as the Telegram button does."""
    question = _readable(args.question)

    async def run(engine: Engine) -> int:
        await _ensure_loaded(engine)
        try:
            taught = await teaching.teach(engine, question, args.article_id, args.fact_id)
        except teaching.TeachError as exc:
            print(f"sanad: {exc}", file=sys.stderr)
            return 1
        where = f"fact '{args.fact_id}' of '{args.article_id}' in {taught.path}"
        if not taught.added:
            print(f"already a question of {where}")
            return 0
        print(f"added to {where}")
        if taught.report is not None:
            print(describe(taught.report))
        return 0

    return _with_engine(config, run)


async def _ensure_loaded(engine: Engine) -> None:
    """Load when stale; when that fails, answer from the knowledge loaded before, if any."""
    try:
        freshness = await engine.load_or_keep()
    except (KnowledgeInvalid, OSError, sqlite3.Error) as exc:
        problem = f"cannot load the knowledge: {_load_problem(exc, engine)}"
        if isinstance(exc, KnowledgeInvalid) and not isinstance(exc, KnowledgeFolderMissing):
            raise KnowledgeUnusable(problem) from None
        raise UsageError(problem) from None
    if freshness.kept is not None:
        _warn(f"kept the loaded knowledge: {_load_problem(freshness.kept, engine)}")


def _load_problem(exc: Exception, engine: Engine) -> str:
    """Why a load failed, in one line: the folder, the first error, or the disk."""
    if isinstance(exc, KnowledgeFolderMissing):
        return f"{exc.folder}: {FOLDER_MISSING}"
    if isinstance(exc, KnowledgeInvalid):
        more = len(exc.errors) - 1
        return f"{exc.errors[0]}" + (f" (and {more} more; run 'sanad validate')" if more else "")
    return _storage_problem(exc, engine.config.database)  # a full disk, a read-only file


def _warn(message: str) -> None:
    print(printable(f"sanad: warning: {message}"), file=sys.stderr)


async def _ensure_vectors(engine: Engine) -> None:
    """Embed a small knowledge base before answering; a large one answers by words meanwhile."""
    missing = await engine.vectors_missing()
    if not missing:
        return
    if missing <= engine.config.matching.wait_vectors:
        await _fill_vectors(engine)
    else:
        print(
            f"sanad: {missing} texts have no sentence vector yet: answering by words until "
            "'sanad load' or the bot has computed them",
            file=sys.stderr,
        )


def _print_answer(
    answer: Answer, args: argparse.Namespace, show: Callable[[str], str], flush: bool = False
) -> None:
    if args.json:  # data, never marked
        shown = answer.to_json()
        # Suggestions too: scripts rely on `answers` being at most --top long.
        shown["answers"] = shown["answers"][: args.top]
        print(json.dumps(shown, ensure_ascii=False), flush=flush)
    else:
        print(show(text_answer(answer)), flush=flush)


def _shown(rtl: bool | None) -> Callable[[str], str]:
    """Text as printed: marked right to left when asked, or by default on a terminal.

    Piped or redirected, the text stays exactly the knowledge's, for scripts and files.
    """
    if rtl is None:
        rtl = sys.stdout.isatty()
    return right_to_left if rtl else str


def _with_engine(config: configuration.Config, work: Callable[[Engine], Awaitable[int]]) -> int:
    async def run() -> int:
        engine = await _opened(config)
        try:
            return await work(engine)
        finally:
            await engine.close()

    with _storage_errors(config):
        return asyncio.run(run())


async def _opened(config: configuration.Config) -> Engine:
    """An open engine whose warnings (questions not recorded) go to standard error."""
    engine = Engine(config)
    engine.warn = _warn
    return await engine.open()


@contextlib.contextmanager
def _storage_errors(config: configuration.Config) -> Iterator[None]:
    """A database or disk that fails becomes one line (exit 2), never a traceback."""
    try:
        yield
    except BrokenPipeError:
        raise
    except (OSError, sqlite3.Error, ForeignDatabase) as exc:
        raise UsageError(_storage_problem(exc, config.database)) from None


def _storage_problem(exc: Exception, database: Path) -> str:
    if isinstance(exc, ForeignDatabase):
        return f"{database}: {exc}; choose another 'database' in the config"
    if isinstance(exc, OSError):
        return _os_problem(exc, database)
    if isinstance(exc, sqlite3.OperationalError):  # read-only, full, locked too long
        return f"{database}: database error: {exc}"
    return f"{database}: unreadable database: {exc}"


def _readable(text: str) -> str:
    """Terminal text with non-UTF-8 bytes as '�': kept as surrogates, they fail the log."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _os_problem(exc: OSError, database: Path) -> str:
    """Name the file an OS error is about: usually the database, but not always."""
    name = Path(exc.filename) if exc.filename else database
    if name == database or name in database.parents:
        return f"{database}: cannot open the database: {exc.strerror or exc}"
    return f"{name}: {exc.strerror or exc}"


VERBS: dict[str, Callable[[configuration.Config, argparse.Namespace], int]] = {
    "validate": validate,
    "load": load,
    "ask": ask,
    "chat": chat,
    "run": run_bot,
    "distill": distill_article,
    "review": review,
    "teach": teach,
}
