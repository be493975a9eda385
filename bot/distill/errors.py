"""The one error distilling raises: the article or an option cannot make a draft."""

from __future__ import annotations


class DistillError(Exception):
    """A one-line reason, plus a stable `reason` code a chat front end can word in Arabic.

    Codes: ``empty``, ``not_arabic``, ``no_text`` (a title and nothing under it) and
    ``option`` (an invalid id, url or date).
    """

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
