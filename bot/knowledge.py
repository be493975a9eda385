"""Knowledge files: parse editors' YAML into articles, and say exactly where a file is wrong.

Validation walks the YAML parser's nodes rather than plain Python values, so every error
can name the line it is about; it collects all errors of all files in one pass so an editor
fixes everything in one round.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
URL_PATTERN = re.compile(r"https?://[^\s/$.?#][^\s]*\Z", re.IGNORECASE)
# YYYY-MM-DD only: Python also reads 20250815 and week dates (2025-W33) as ISO dates.
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
KNOWLEDGE_SUFFIXES = (".yaml", ".yml")
# libyaml's parser is about ten times faster and keeps line marks; pure Python is the fallback.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# A load's steps report (step, done, total) through this, so a terminal can show progress;
# what it returns is ignored, so a progress bar's update fits.
StepProgress = Callable[[str, int, int], object]
READING = "reading files"
ANALYSING = "analysing articles"


@dataclass(frozen=True)
class Sentence:
    """One sentence of the article, kept verbatim because it is quoted to readers."""

    id: str
    text: str


@dataclass(frozen=True)
class Fact:
    """What an editor distilled from the article, backed by the sentences in `source`."""

    id: str
    statement: str
    source: tuple[str, ...]
    questions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    """One news article with its sentences and facts, as read from a knowledge file."""

    id: str
    title: str
    sentences: tuple[Sentence, ...]
    facts: tuple[Fact, ...]
    url: str | None = None
    published: str | None = None
    topics: tuple[str, ...] = ()
    path: str = field(default="", compare=False)
    line: int = field(default=1, compare=False)  # of its `id:`, for errors about the article

    def served_facts(self) -> tuple[Fact, ...]:
        """The facts readers are answered from: the editor's, or else one per sentence."""
        if self.facts:
            return self.facts
        return tuple(Fact(id=s.id, statement=s.text, source=(s.id,)) for s in self.sentences)

    def sentence_text(self, sentence_id: str) -> str:
        """The verbatim text of one of this article's sentences."""
        return self._texts[sentence_id]

    @cached_property
    def _texts(self) -> dict[str, str]:
        # A dict, not a scan per fact: an article of 60,000 sentences made loads quadratic.
        return {s.id: s.text for s in self.sentences}

    def all_topics(self) -> tuple[str, ...]:
        """The article's topics and its facts' topics, each once, in order of appearance."""
        seen = dict.fromkeys(self.topics)
        for fact in self.facts:
            seen.update(dict.fromkeys(fact.topics))
        return tuple(seen)

    def digest(self) -> str:
        """A hash of the content, so a reload knows what changed without trusting file times."""
        payload = asdict(self)
        payload.pop("path")
        payload.pop("line")
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class KnowledgeError:
    """One problem in one knowledge file, printed as `path:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return printable(f"{self.path}:{self.line}: {self.message}")


class KnowledgeInvalid(Exception):
    """A load was refused; the knowledge served before stays served."""

    def __init__(self, errors: list[KnowledgeError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the knowledge files")
        self.errors = errors

    def __reduce__(self) -> tuple[type[KnowledgeInvalid], tuple[list[KnowledgeError]]]:
        # Loads may run in another process; the errors must survive the trip back.
        return KnowledgeInvalid, (self.errors,)


class KnowledgeFolderMissing(KnowledgeInvalid):
    """The configured knowledge folder does not exist: a setup problem, not a bad file."""

    def __init__(self, folder: Path) -> None:
        super().__init__([KnowledgeError(str(folder), 1, "the knowledge folder does not exist")])
        self.folder = folder

    def __reduce__(self) -> tuple[type[KnowledgeFolderMissing], tuple[Path]]:  # type: ignore[override]
        return KnowledgeFolderMissing, (self.folder,)


# Characters that move the cursor, clear the screen or end a line when printed.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    r"""One line safe for a terminal: control characters shown as escapes (`\x1b`, `\n`).

    Errors echo file names, keys and values as written; an escape sequence in a key must
    not clear the screen, nor a newline in a file name forge another `path:line:` line.
    """
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class _Problems(Exception):
    """Raised inside the walk when a node is unusable; carries the error already recorded."""


class _FileReader:
    """Turns one file's YAML nodes into articles, recording every error it meets."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.errors: list[KnowledgeError] = []

    def error(self, node: Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.errors.append(KnowledgeError(self.path, line, message))

    # -- typed accessors -------------------------------------------------------------------

    def mapping(
        self, node: Node, what: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a mapping")
            raise _Problems
        fields: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key not in required and key not in optional:
                self.error(key_node, f"{what}: unknown key '{key}'")
            elif key in fields:
                self.error(key_node, f"{what}: duplicate key '{key}'")
            else:
                fields[key] = value_node
        for key in required:
            if key not in fields:
                self.error(node, f"{what}: missing required key '{key}'")
        return fields

    def string(self, node: Node, what: str) -> str | None:
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:str":
            text: str = node.value.strip()
            if not text:
                self.error(node, f"{what} must not be empty")
            return text or None
        kind = _KINDS.get(node.tag) if isinstance(node, ScalarNode) else None
        if kind:  # `title: 2024` is a number to YAML: say how to make it text
            self.error(node, f"{what} must be text, not {kind} (put it in quotes)")
        else:
            self.error(node, f"{what} must be text")
        return None

    def identifier(self, node: Node, what: str) -> str | None:
        value = self.string(node, what)
        if value is not None and not ID_PATTERN.match(value):
            self.error(node, f"{what} '{value}' must match [a-z0-9][a-z0-9._-]*")
            return None
        return value

    def strings(self, node: Node, what: str) -> tuple[str, ...]:
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return ()
        if not isinstance(node, SequenceNode):
            self.error(node, f"{what} must be a list")
            return ()
        values = (self.string(item, f"{what} item") for item in node.value)
        return tuple(v for v in values if v is not None)

    def items(self, node: Node, what: str) -> list[Node]:
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return []
        if not isinstance(node, SequenceNode):
            self.error(node, f"{what} must be a list")
            return []
        return list(node.value)

    # -- the knowledge format --------------------------------------------------------------

    def article(self, node: Node) -> Article | None:
        named = _scalar_key(node, "id")
        fields = self.mapping(
            node,
            f"article '{named}'" if named and ID_PATTERN.match(named) else "article",
            required=("id", "title", "sentences"),
            optional=("url", "published", "topics", "facts"),
        )
        article_id = self.identifier(fields["id"], "article id") if "id" in fields else None
        what = f"article '{article_id}'" if article_id else "article"
        title = self.string(fields["title"], f"{what}: title") if "title" in fields else None
        url = self.url(fields["url"], what) if "url" in fields else None
        published = self.date(fields["published"], what) if "published" in fields else None
        topics = self.strings(fields["topics"], f"{what}: topics") if "topics" in fields else ()
        sentences = self.sentences(fields.get("sentences"), what, node)
        known = {s.id for s in sentences}
        facts = self.facts(fields.get("facts"), what, known)
        if article_id is None or title is None or not sentences:
            return None
        return Article(
            id=article_id,
            title=title,
            url=url,
            published=published,
            topics=topics,
            sentences=tuple(sentences),
            facts=tuple(facts),
            path=self.path,
            line=fields["id"].start_mark.line + 1,
        )

    def url(self, node: Node, what: str) -> str | None:
        value = self.string(node, f"{what}: url")
        if value is not None and not URL_PATTERN.match(value):
            self.error(node, f"{what}: url '{value}' must be an http or https address")
            return None
        return value

    def date(self, node: Node, what: str) -> str | None:
        value = str(node.value) if isinstance(node, ScalarNode) else None
        if value is not None and DATE_PATTERN.match(value):
            with contextlib.suppress(ValueError):  # 2025-02-30 has the form, not the day
                return dt.date.fromisoformat(value).isoformat()
        self.error(node, f"{what}: published '{value}' must be an ISO date (YYYY-MM-DD)")
        return None

    def sentences(self, node: Node | None, what: str, parent: Node) -> list[Sentence]:
        if node is None:
            return []
        result: list[Sentence] = []
        seen: set[str] = set()  # a set: one article may hold tens of thousands of sentences
        items = self.items(node, f"{what}: sentences")
        if not items and _is_empty(node):
            self.error(node, f"{what}: sentences must not be empty")
        for item in items:
            try:
                fields = self.mapping(item, f"{what}: sentence", ("id", "text"), ())
            except _Problems:
                continue
            sid = self.identifier(fields["id"], f"{what}: sentence id") if "id" in fields else None
            label = f"{what}: sentence '{sid}'" if sid else f"{what}: sentence"
            body = self.string(fields["text"], f"{label}: text") if "text" in fields else None
            if sid is not None and sid in seen:
                self.error(fields["id"], f"{what}: duplicate sentence id '{sid}'")
            elif sid is not None and body is not None:
                seen.add(sid)
                result.append(Sentence(sid, body))
        return result

    def facts(self, node: Node | None, what: str, sentence_ids: set[str]) -> list[Fact]:
        result: list[Fact] = []
        seen: set[str] = set()
        for item in self.items(node, f"{what}: facts") if node is not None else []:
            fid = _scalar_key(item, "id")
            if fid is not None and fid in seen:
                self.error(item, f"{what}: duplicate fact id '{fid}'")
                continue
            seen.add(fid or "")
            try:
                fact = self.fact(item, what, sentence_ids)
            except _Problems:
                continue
            if fact is not None:
                result.append(fact)
        return result

    def fact(self, node: Node, what: str, sentence_ids: set[str]) -> Fact | None:
        fields = self.mapping(
            node,
            f"{what}: fact",
            required=("id", "statement", "source"),
            optional=("questions", "keywords", "topics"),
        )
        fid = self.identifier(fields["id"], f"{what}: fact id") if "id" in fields else None
        label = f"fact '{fid}'" if fid else f"{what}: fact"
        statement = (
            self.string(fields["statement"], f"{label}: statement")
            if "statement" in fields
            else None
        )
        source: tuple[str, ...] = ()
        if "source" in fields:
            source = self.strings(fields["source"], f"{label}: source")
            if not source and _is_empty(fields["source"]):
                self.error(fields["source"], f"{label}: source must not be empty")
            for sid, sid_node in zip(source, fields["source"].value, strict=False):
                if sid not in sentence_ids:
                    self.error(
                        sid_node, f"{label}: source '{sid}' is not a sentence of this article"
                    )
        optional = {
            key: self.strings(fields[key], f"{label}: {key}") if key in fields else ()
            for key in ("questions", "keywords", "topics")
        }
        if fid is None or statement is None or not source:
            return None
        if any(sid not in sentence_ids for sid in source):
            return None
        return Fact(id=fid, statement=statement, source=source, **optional)


def read_file(
    path: Path, display: str | None = None, *, partial: bool = False
) -> tuple[list[Article], list[KnowledgeError]]:
    """Parse one knowledge file: its articles (only when all are valid) and its errors.

    With `partial`, the articles that are valid come back even when others are not, so a
    caller checking ids across files can report every duplicate in the same pass.
    """
    name = display or str(path)
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return [], [
            KnowledgeError(name, line, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        ]
    except OSError as exc:
        return [], [KnowledgeError(name, 1, f"cannot read the file: {exc.strerror}")]
    return read_text(text, name, partial=partial)


def read_text(
    text: str, name: str, *, partial: bool = False
) -> tuple[list[Article], list[KnowledgeError]]:
    """Parse knowledge from a string, naming it `name` in errors (used for uploads too)."""
    reader = _FileReader(name)
    try:
        documents = list(yaml.compose_all(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "malformed YAML"
        return [], [KnowledgeError(name, line, f"malformed YAML: {problem}")]
    except yaml.reader.ReaderError as exc:
        return [], [_reader_error(text, name, exc)]
    except yaml.YAMLError as exc:
        return [], [KnowledgeError(name, 1, f"malformed YAML: {exc}")]
    except RecursionError:
        return [], [KnowledgeError(name, 1, "malformed YAML: nested too deeply")]
    alias = _first_alias(text) if "*" in text else None
    if alias is not None:
        line, anchor = alias
        message = f"YAML aliases are not allowed (*{anchor}): write the value out"
        return [], [KnowledgeError(name, line, message)]
    articles: dict[str, Article] = {}
    for document in documents:
        if document is None or (isinstance(document, ScalarNode) and not document.value):
            continue  # an empty document, as between two `---`
        try:
            article = reader.article(document)
        except _Problems:
            continue
        if article is None:
            continue
        if article.id in articles:
            first = articles[article.id].line
            message = f"duplicate article id '{article.id}' (also at line {first})"
            reader.errors.append(KnowledgeError(name, article.line, message))
        else:
            articles[article.id] = article
    if not articles and not reader.errors:
        reader.errors.append(KnowledgeError(name, 1, "the file holds no article"))
    # The walk visits keys in a fixed order; an editor reads the file top to bottom.
    errors = sorted(reader.errors, key=lambda e: e.line)
    return ([] if errors and not partial else list(articles.values())), errors


def knowledge_files(folder: Path) -> list[Path]:
    """Every knowledge file under folder, recursively, in a stable order.

    Linked folders are not followed (their files are read where they are), but one that
    leads outside the folder is listed, so that it is reported (outside_link) rather than
    silently skipped; so is a linked file that leads outside.
    """
    found: list[Path] = []
    for root, folders, files in os.walk(folder):
        here = Path(root)
        found += [here / name for name in files if Path(name).suffix in KNOWLEDGE_SUFFIXES]
        found += [here / name for name in folders if outside_link(folder, here / name)]
    return sorted(found)


def outside_link(folder: Path, path: Path) -> str | None:
    """Where a link under folder leads, when that is outside the folder; else None.

    A knowledge folder holds knowledge: a link to config.yaml or /etc would have its
    contents echoed back in error messages.
    """
    if not path.is_symlink():
        return None
    target = path.resolve()
    return None if target.is_relative_to(folder.resolve()) else str(target)


def link_error(display: str, target: str) -> KnowledgeError:
    """A symbolic link out of the folder is refused: the folder is all that is served."""
    return KnowledgeError(display, 1, f"links outside the knowledge folder (to {target}): not read")


def read_paths(
    paths: Iterable[Path],
    base: Path | None = None,
    taken: Mapping[str, str] | None = None,
    progress: StepProgress | None = None,
) -> tuple[list[Article], list[KnowledgeError]]:
    """Read files and folders together; ids must be unique across all of them.

    Files are read in order of their names, and a duplicate article id is blamed on the
    file that comes later in that order, whichever of the two was read: `validate` and
    `load` name the same file. `taken` maps article ids already held elsewhere (files not
    re-read, under `base`) to their file, so an incremental reload still refuses a
    duplicate. When there are errors, the articles returned are incomplete: only the valid ones.
    """
    articles: list[Article] = []
    errors: list[KnowledgeError] = []
    owners: dict[str, tuple[str, int | None]] = {i: (p, None) for i, p in (taken or {}).items()}
    files = _expand(paths, base)
    for done, (display, path, target) in enumerate(files, 1):
        if progress is not None:
            progress(READING, done, len(files))
        if target is not None:
            errors.append(link_error(display, target))
            continue
        found, problems = read_file(path, display, partial=True)
        errors.extend(problems)
        for article in found:
            other = owners.get(article.id)
            if other is None:
                owners[article.id] = (article.path, article.line)
                articles.append(article)
            elif Path(other[0]) < Path(article.path):
                message = f"duplicate article id '{article.id}' (also in {other[0]})"
                errors.append(KnowledgeError(article.path, article.line, message))
            else:  # a file not re-read that sorts after this one: it is the later
                line = _article_line(
                    Path(other[0]) if base is None else base / other[0], article.id
                )
                message = f"duplicate article id '{article.id}' (also in {article.path})"
                errors.append(KnowledgeError(other[0], line, message))
                owners[article.id] = (article.path, article.line)
    errors.sort(key=lambda e: (Path(e.path), e.line))
    return articles, errors


def file_digest(path: Path) -> str:
    """A hash of a file's bytes: a reload re-reads only files whose hash changed."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _expand(paths: Iterable[Path], base: Path | None) -> list[tuple[str, Path, str | None]]:
    """(name shown, path, where it links outside a folder given) of every file, by name."""
    found: dict[str, tuple[Path, str | None]] = {}
    for path in paths:
        if path.is_dir():
            for inner in knowledge_files(path):
                found[_display(inner, base)] = (inner, outside_link(path, inner))
        else:
            found[_display(path, base)] = (path, None)
    return [(name, *found[name]) for name in sorted(found, key=Path)]


def _article_line(path: Path, article_id: str) -> int:
    """The line of an article's `id:` in a file not otherwise re-read."""
    found, _ = read_file(path, partial=True)
    return next((a.line for a in found if a.id == article_id), 1)


def _display(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return str(path.relative_to(base))
        except ValueError:
            pass
    return str(path)


def _scalar_key(node: Node, key: str) -> str | None:
    """The plain value of one key of a mapping node, or None."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key and isinstance(value_node, ScalarNode):
                return str(value_node.value)
    return None


def _first_alias(text: str) -> tuple[int, str] | None:
    """The line and name of the first alias (`*name`), if any.

    An alias repeats a node without repeating its text: 1,000 aliases of one long scalar
    made an 818 KB file cost 13 GB to load. Knowledge files are written out in full.
    """
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent):
            assert event.start_mark is not None, "the parser marks where each event starts"
            return event.start_mark.line + 1, str(event.anchor)
    return None


def _reader_error(text: str, name: str, exc: yaml.reader.ReaderError) -> KnowledgeError:
    """A character YAML refuses, on its own line (the parsers count offsets differently)."""
    if not isinstance(exc.character, int):
        return KnowledgeError(name, 1, f"malformed YAML: {exc.reason}")
    found = text.find(chr(exc.character))
    line = text.count("\n", 0, found) + 1 if found >= 0 else 1
    return KnowledgeError(
        name, line, f"malformed YAML: character #x{exc.character:04x}: {exc.reason}"
    )


# What YAML made of an unquoted value that should have been text.
_KINDS = {
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:timestamp": "a date",
}


def _is_empty(node: Node) -> bool:
    """An empty list or a bare key: present but holding nothing."""
    if isinstance(node, SequenceNode):
        return not node.value
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"
