"""Publishing a knowledge file: written and loaded, or nothing changed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import ECLIPSE, TREATY

from bot.knowledge import Article, read_paths
from bot.publishing import publish
from bot.records import LoadReport

EDITED = ECLIPSE.replace("سبع دقائق ونصف", "ثماني دقائق")


async def test_a_file_goes_back_when_the_database_cannot_take_the_load(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "treaty.yaml").write_text(TREATY, encoding="utf-8")
    (folder / "eclipse.yaml").write_text(ECLIPSE, encoding="utf-8")

    async def reload() -> LoadReport:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    def read() -> list[Article]:
        return read_paths([folder], folder.parent)[0]

    with pytest.raises(sqlite3.OperationalError):
        await publish(folder, read, reload, "eclipse.yaml", EDITED.encode())
    assert (folder / "eclipse.yaml").read_text(encoding="utf-8") == ECLIPSE
    with pytest.raises(sqlite3.OperationalError):
        await publish(folder, read, reload, "new.yaml", EDITED.replace("eclipse", "e2").encode())
    assert not (folder / "new.yaml").exists()
