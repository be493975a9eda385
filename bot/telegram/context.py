"""The services handlers reach through their context, set up in post_init (never globals)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import CallbackContext, ExtBot

from bot.config import Config
from bot.engine import Engine
from bot.telegram.flood import FloodGate
from bot.telegram.keyboards import CallbackData
from bot.telegram.outbox import Sender

SERVICES = "services"
# A coroutine function, not any awaitable: PTB's handlers schedule what they return as a task.
Handler = Callable[[Update, "SanadContext"], Coroutine[Any, Any, None]]


@dataclass
class Services:
    """Everything the handlers share: the engine, settings they read, per-process state."""

    config: Config
    engine: Engine
    flood: FloodGate
    callback_data: CallbackData
    sender: Sender
    upload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def is_admin(self, update: Update) -> bool:
        """Admins are known by their numeric user id, never by a changeable username."""
        user = update.effective_user
        return user is not None and user.id in self.config.admins


class SanadContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """A CallbackContext that hands out the Services by type."""

    @property
    def services(self) -> Services:
        """The one object post_init put in bot_data, typed, so handlers need no cast."""
        services: Services = self.bot_data[SERVICES]
        return services
