"""The Telegram adapter: a thin python-telegram-bot layer over the engine.

The core never imports this package (or `telegram`); `sanad run` calls `run`.
"""

from bot.telegram.app import build, run

__all__ = ["build", "run"]
