"""Teaching: add a reader's wording to a fact's `questions:` in its knowledge file.

The file is edited as text, never dumped again from parsed YAML: the editors' comments, key
order, quoting and blank lines stay exactly as they were, and the new question is one more
line (or one more item in a flow list). The YAML parser's node marks say where each list and
key sits; the edit is checked by parsing the result and comparing it with the file before it:
the only difference allowed is the one question added.

An article without `facts` serves each sentence as a fact whose id is the sentence id. Once
it has `facts`, only those are served, so teaching one sentence writes an explicit fact for
every sentence of the article (id, statement = the sentence, source = that sentence), the
taught one with its question: what readers are answered from stays the same, plus the
question.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.knowledge import Article, KnowledgeError, read_text
from bot.publishing import PublishRejected
from bot.text import normalize

if TYPE_CHECKING:
    from bot.engine import Engine
    from bot.records import LoadReport

_NULL = "tag:yaml.org,2002:null"


class TeachError(Exception):
    """Teaching changed nothing; the message says why, in one line."""

    def __init__(
        self, message: str, errors: list[KnowledgeError] | None = None, reason: str = "invalid"
    ) -> None:
        super().__init__(message)
        self.errors = errors or []
        self.reason = reason  # "changed": the file changed on disk since it was shown


@dataclass(frozen=True)
class Edit:
    """A knowledge file's text after teaching; `added` is False when the fact had the question."""

    text: str
    added: bool


def add_question(text: str, article_id: str, fact_id: str, question: str) -> Edit:
    """`text` with `question` added to that fact's questions, every other byte kept.

    Raises TeachError when the article or the fact is not in the text, or when the text is
    not valid knowledge to begin with.
    """
    question = question.strip()
    if not normalize(question):
        raise TeachError("the question is empty")
    before = _article(text, article_id)
    served = {f.id: f for f in before.served_facts()}
    if fact_id not in served:
        raise TeachError(f"article '{article_id}' has no fact '{fact_id}'")
    if normalize(question) in {normalize(q) for q in served[fact_id].questions}:
        return Edit(text, added=False)
    document = _document(text, article_id)
    facts = _value(document, "facts")
    if facts is None or _is_empty(facts):
        edited = _explicit_facts(text, document, fact_id, question)
    else:
        fact = next(f for f in facts.value if _scalar(f, "id") == fact_id)
        edited = _append_question(text, fact, question)
    _check(edited, before, fact_id, question)
    return Edit(edited, added=True)


def quote(value: str) -> str:
    """`value` as a YAML double-quoted scalar that reads back exactly as `value`."""
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif _printable(code):
            out.append(ch)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    quoted = "".join(out)
    if yaml.safe_load(quoted) != value:  # a guard, not an expected path
        raise TeachError("the question cannot be written as YAML")
    return quoted


def _printable(code: int) -> bool:
    """Characters written as they are; line breaks and controls are escaped instead."""
    if 0x20 <= code <= 0x7E:
        return True
    if code in (0x2028, 0x2029, 0xFEFF):  # line and paragraph separators, byte order mark
        return False
    return 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000


# -- finding the nodes ---------------------------------------------------------------------


def _article(text: str, article_id: str) -> Article:
    articles, errors = read_text(text, "file")
    if errors:
        raise TeachError(f"the file is not valid knowledge now: {errors[0]}")
    found = next((a for a in articles if a.id == article_id), None)
    if found is None:
        raise TeachError(f"no article '{article_id}' in the file")
    return found


def _document(text: str, article_id: str) -> MappingNode:
    # The pure-Python loader: its marks carry the character index into `text`.
    for document in yaml.compose_all(text, Loader=yaml.SafeLoader):
        if isinstance(document, MappingNode) and _scalar(document, "id") == article_id:
            if document.flow_style:
                raise TeachError(f"article '{article_id}' is in flow style; edit it by hand")
            return document
    raise TeachError(f"no article '{article_id}' in the file")  # pragma: no cover (read first)


def _entry(mapping: MappingNode, key: str) -> tuple[ScalarNode, Node] | None:
    for key_node, value_node in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _value(mapping: MappingNode, key: str) -> Node | None:
    entry = _entry(mapping, key)
    return entry[1] if entry else None


def _scalar(node: Node, key: str) -> str | None:
    if not isinstance(node, MappingNode):
        return None
    value = _value(node, key)
    return value.value.strip() if isinstance(value, ScalarNode) else None


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL


def _is_empty(node: Node) -> bool:
    return _is_null(node) or (isinstance(node, SequenceNode) and not node.value)


# -- positions in the text -------------------------------------------------------------------


def _newline(text: str) -> str:
    """The file's own line ending, so a CRLF file stays CRLF."""
    return "\r\n" if "\r\n" in text else "\n"


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _next_line(text: str, end: int) -> int:
    """Where the line after the one holding the character before `end` starts (-1: none)."""
    found = text.find("\n", max(end - 1, 0))
    return -1 if found == -1 else found + 1


def _indent(text: str, index: int) -> str:
    """The text before `index` on its line, as blanks (a `- ` there counts as indentation)."""
    return "".join(ch if ch == "\t" else " " for ch in text[_line_start(text, index) : index])


def _insert_lines(text: str, end: int, lines: list[str]) -> str:
    """`lines` inserted after the line on which a node ending at `end` ends."""
    nl = _newline(text)
    block = "".join(line + nl for line in lines)
    at = _next_line(text, end)
    if at == -1:  # the last line of a file without a final line break
        return text + nl + block.removesuffix(nl)
    return text[:at] + block + text[at:]


# -- the edits -------------------------------------------------------------------------------


def _append_question(text: str, fact: Node, question: str) -> str:
    if not isinstance(fact, MappingNode):  # pragma: no cover (validated before)
        raise TeachError("the fact is not a mapping")
    entry = _entry(fact, "questions")
    if entry is None:
        return _new_questions_key(text, fact, question)
    key, questions = entry
    if _is_null(questions):
        if questions.start_mark.index == questions.end_mark.index:  # `questions:` and nothing
            line = _indent(text, key.start_mark.index) + f"  - {quote(question)}"
            return _insert_lines(text, key.end_mark.index, [line])
        start, end = questions.start_mark.index, questions.end_mark.index  # `~` or `null`
        return text[:start] + f"[{quote(question)}]" + text[end:]
    if not isinstance(questions, SequenceNode):  # pragma: no cover (validated before)
        raise TeachError("questions is not a list")
    if questions.flow_style:
        return _append_flow(text, questions, quote(question))
    return _append_block(text, questions, quote(question))


def _append_block(text: str, items: SequenceNode, quoted: str) -> str:
    """One more `- "..."` line after the last item, with the first item's dash and spacing."""
    first, last = items.value[0], items.value[-1]
    start = first.start_mark.index
    dash = text.rfind("-", _line_start(text, start), start)
    gap = text[dash + 1 : start] if dash >= 0 and "\n" not in text[dash + 1 : start] else " "
    return _insert_lines(text, last.end_mark.index, [_indent(text, dash) + "-" + gap + quoted])


def _append_flow(text: str, items: SequenceNode, quoted: str) -> str:
    """`, "..."` after the last item; on a line of its own when the list has one item a line."""
    if not items.value:
        at = items.start_mark.index + 1  # just after `[`
        return text[:at] + quoted + text[at:]
    last = items.value[-1]
    end, close = last.end_mark.index, items.end_mark.index - 1
    between = text[end:close]
    if "\n" not in between:
        return text[:end] + ", " + quoted + text[end:]
    comma = between.lstrip(" \t").startswith(",")
    indent = _indent(text, last.start_mark.index)
    after = end + between.index(",") + 1 if comma else end
    edited = text if comma else text[:end] + "," + text[end:]
    shift = 0 if comma else 1
    line = indent + quoted + ("," if comma else "")
    return _insert_lines(edited, after + shift, [line])


def _new_questions_key(text: str, fact: MappingNode, question: str) -> str:
    """A `questions:` key after the statement (or the last key), in the fact's own style."""
    if fact.flow_style:
        end = fact.value[-1][1].end_mark.index
        return text[:end] + f", questions: [{quote(question)}]" + text[end:]
    anchor = _entry(fact, "statement") or fact.value[-1]
    indent = _indent(text, anchor[0].start_mark.index)
    lines = [f"{indent}questions:", f"{indent}  - {quote(question)}"]
    return _insert_lines(text, anchor[1].end_mark.index, lines)


def _explicit_facts(text: str, document: MappingNode, fact_id: str, question: str) -> str:
    """Every sentence as an explicit fact, `question` on the taught one (see the docstring)."""
    sentences = _value(document, "sentences")
    assert isinstance(sentences, SequenceNode)
    first_key = document.value[0][0]
    indent = _indent(text, first_key.start_mark.index)
    lines: list[str] = []
    for sentence in sentences.value:
        sid = _scalar(sentence, "id")
        body = _value(sentence, "text")
        assert sid is not None and isinstance(body, ScalarNode)
        lines += [f"{indent}  - id: {sid}", f"{indent}    statement: {quote(body.value.strip())}"]
        if sid == fact_id:
            lines += [f"{indent}    questions:", f"{indent}      - {quote(question)}"]
        lines.append(f"{indent}    source: [{sid}]")
    entry = _entry(document, "facts")
    if entry is None:
        last = document.value[-1][1]
        return _insert_lines(text, last.end_mark.index, [f"{indent}facts:", *lines])
    key, value = entry
    start, end = value.start_mark.index, value.end_mark.index
    while start > key.end_mark.index and text[start - 1] in " \t":
        start -= 1
    colon = text.index(":", key.end_mark.index)
    edited = text[:start] + text[end:] if end > start else text
    return _insert_lines(edited, max(colon + 1, start), lines)


def _check(edited: str, before: Article, fact_id: str, question: str) -> None:
    """The edited text must read as the article before, plus the question, and nothing else."""
    after = _article(edited, before.id)
    taught = tuple(
        dataclasses.replace(f, questions=(*f.questions, question)) if f.id == fact_id else f
        for f in before.served_facts()
    )
    expected = dataclasses.replace(before, facts=taught)
    if after != expected:  # a guard against a bug in the edit, never written to disk
        raise TeachError(f"the edit of article '{before.id}' would change more than the question")


# -- teaching a running installation ---------------------------------------------------------


@dataclass(frozen=True)
class Taught:
    """What teaching did: the file (relative to the knowledge folder's parent) and the load."""

    path: str
    added: bool
    statement: str
    report: LoadReport | None


def digest(content: bytes) -> str:
    """A file's hash: a card records it so a file edited since is not edited blindly."""
    return hashlib.sha256(content).hexdigest()


async def locate(engine: Engine, article_id: str) -> Path:
    """The knowledge file that holds `article_id`, as last loaded."""
    path = await engine.file_of(article_id)
    if path is None:
        raise TeachError(f"no article '{article_id}' in the loaded knowledge")
    return path


async def teach(
    engine: Engine,
    question: str,
    article_id: str,
    fact_id: str,
    *,
    expected_digest: str | None = None,
) -> Taught:
    """Write `question` into the fact's file, validate, save atomically, reload; close it.

    `expected_digest` is the file's hash when the editor was shown the choice: a file that
    changed since is refused rather than edited blind. The caller serialises knowledge
    writes (the bot's upload lock; the command line is one process).
    """
    path = await locate(engine, article_id)
    folder = engine.config.knowledge_dir
    shown = str(path.relative_to(folder.parent))
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise TeachError(f"{shown}: cannot read the file: {exc.strerror}") from None
    if expected_digest is not None and digest(content) != expected_digest:
        raise TeachError(
            f"{shown} changed on disk since this question was shown; show it again",
            reason="changed",
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise TeachError(f"{shown}: not UTF-8 text") from None
    edit = add_question(text, article_id, fact_id, question)
    report = None
    if edit.added:
        try:
            report = await engine.publish(
                str(path.relative_to(folder)),
                edit.text.encode("utf-8"),
                expected_digest=digest(content),
            )
        except PublishRejected as exc:
            raise TeachError(f"{shown}: {exc.errors[0].message}", exc.errors, exc.reason) from None
    await engine.review.close(question, "taught", article_id, fact_id)
    served = {f.id: f for f in _article(edit.text, article_id).served_facts()}
    return Taught(shown, edit.added, served[fact_id].statement, report)
