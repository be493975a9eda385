"""Publishing one knowledge file: check it, write it atomically, load it, or change nothing.

An upload in Telegram, a published draft and a taught question all come here, so every way
into the knowledge folder is checked the same way: the file alone, then its article ids
against the other files'. Only then is it written (a temporary file renamed over the old
one, so a load never reads half a file) and the folder reloaded; when that load still fails
(the folder changed meanwhile, or the database could not be written), the file is put back
as it was.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import stat
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.knowledge import Article, KnowledgeError, KnowledgeInvalid, read_text

if TYPE_CHECKING:
    from bot.records import LoadReport

# The articles of every file in the folder now (raises KnowledgeInvalid), and a reload.
ReadFolder = Callable[[], list[Article]]
Reload = Callable[[], Awaitable["LoadReport"]]

MAX_SIZE = 1024 * 1024  # bytes: a knowledge file is text; anything bigger is a mistake


class PublishRejected(Exception):
    """Nothing was written (or it was put back); `errors` say why, `path:line: message`."""

    def __init__(self, errors: list[KnowledgeError], reason: str = "invalid") -> None:
        super().__init__(str(errors[0]) if errors else "rejected")
        self.errors = errors
        self.reason = reason  # "changed": the file on disk is not the one the edit started from


async def publish(
    folder: Path,
    read: ReadFolder,
    reload: Reload,
    name: str,
    content: bytes,
    *,
    expected_digest: str | None = None,
) -> LoadReport:
    """Save `content` as `name` (relative to `folder`) and load it with `reload`, if valid.

    `expected_digest`: the hash the file must still have on disk (None: any, or absent), so
    an edit made from an older copy never overwrites newer work. Callers serialise
    publishing (one at a time).
    """
    target = folder / name
    display = str(target.relative_to(folder.parent))
    problems = await asyncio.to_thread(_problems, read, content, display)
    if problems:
        raise PublishRejected(problems)
    previous = target.read_bytes() if target.exists() else None
    if expected_digest is not None and (
        previous is None or hashlib.sha256(previous).hexdigest() != expected_digest
    ):
        raise PublishRejected(
            [KnowledgeError(display, 1, "the file changed on disk meanwhile; nothing written")],
            reason="changed",
        )
    await asyncio.to_thread(write_atomically, target, content)
    try:
        return await reload()
    except KnowledgeInvalid as exc:  # the folder changed under us: put it back as it was
        await asyncio.to_thread(_restore, target, previous)
        raise PublishRejected(exc.errors) from None
    except BaseException:
        # The database could not take it (full, read-only...): the file goes back too, so
        # that the folder keeps matching what is served.
        await asyncio.to_thread(_restore, target, previous)
        raise


def _problems(read: ReadFolder, content: bytes, display: str) -> list[KnowledgeError]:
    """Errors of the file on its own, then ids it would share with other files."""
    if len(content) > MAX_SIZE:
        return [KnowledgeError(display, 1, "the file is too big")]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [KnowledgeError(display, 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    articles, errors = read_text(text, display)
    if errors:
        return errors
    try:
        current = read()
    except KnowledgeInvalid as exc:
        return exc.errors
    return _clashes(articles, current, display)


def _clashes(new: list[Article], current: list[Article], display: str) -> list[KnowledgeError]:
    elsewhere = {a.id: a.path for a in current if a.path != display}
    return [
        KnowledgeError(display, 1, f"duplicate article id '{a.id}' (also in {elsewhere[a.id]})")
        for a in new
        if a.id in elsewhere
    ]


def write_atomically(target: Path, content: bytes) -> None:
    """Write atomically: a reload never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        # mkstemp makes the file private; the knowledge file keeps the mode it had.
        os.chmod(temporary, _mode(target))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode(target: Path) -> int:
    """The target's permissions, or the usual ones (as the umask allows) for a new file."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _restore(target: Path, previous: bytes | None) -> None:
    if previous is None:
        target.unlink(missing_ok=True)
    else:
        write_atomically(target, previous)
