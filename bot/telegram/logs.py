"""Logging for `sanad run`, with secrets redacted from every line.

httpx logs each request's URL at INFO, and the Bot API's URLs contain the token
(`/bot<TOKEN>/getUpdates`); tracebacks can carry it too. Its request log is turned down to
warnings, and the formatter replaces the token (and the webhook secret) wherever it appears.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted]"


class RedactingFormatter(logging.Formatter):
    """A formatter that removes given secrets from the whole formatted record."""

    def __init__(self, secrets: Iterable[str | None], fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        """The record as usual, with every secret replaced, tracebacks included."""
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


class StartupAborts(logging.Filter):
    """Drop PTB's traceback when its start-up loop gives up: `sanad run` says why in one line.

    Only start-up gives up (polling retries for ever), and the calls it makes were already
    tried again, each failure logged in a line of its own (bot.telegram.retry).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but the traceback of start-up giving up."""
        return not (
            record.levelno >= logging.ERROR
            and record.name.startswith("telegram.ext")
            and record.getMessage().startswith("Network Retry Loop")
            and "Aborting" in record.getMessage()
        )


def setup_logging(level: str, secrets: Iterable[str | None]) -> None:
    """Log to standard error at `level`; quiet the HTTP client's per-request lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter(secrets))
    handler.addFilter(StartupAborts())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("aiosqlite").setLevel(max(logging.INFO, root.level))  # a line per query
