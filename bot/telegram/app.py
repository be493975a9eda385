"""`sanad run`: build the python-telegram-bot Application from config.yaml and run it.

Long polling by default; a webhook server when `webhook.url` is set. The engine is opened in
post_init and closed in post_shutdown; SIGINT and SIGTERM stop the bot cleanly (PTB's
`run_polling`/`run_webhook` handle the signals, then shut down in order).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.config import Config, ConfigError
from bot.engine import Engine, KnowledgeInvalid
from bot.telegram import admin, buttons, drafts, news, outbox, readers, render, review, wording
from bot.telegram.context import SERVICES, SanadContext, Services
from bot.telegram.flood import FloodGate
from bot.telegram.inbox import Inbox, InboxProcessor, InboxQueue
from bot.telegram.keyboards import CallbackData
from bot.telegram.logs import setup_logging
from bot.telegram.polling import PollingBot
from bot.telegram.retry import ApiRequest, Policy, Retrying, Unsent
from bot.telegram.sending import reply

LOG = logging.getLogger("sanad.telegram")
# Seconds a reply may wait for a free connection: a burst queues rather than fails.
POOL_TIMEOUT = 30.0


def run(config: Config) -> int:
    """Run the bot until a stop signal; a problem at start-up is one line and an exit status."""
    token = config.token()
    secret = _webhook_secret(config)
    # Opt in to PTB's v23 behaviour now: durations as timedelta, without deprecation noise.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    setup_logging(config.telegram.log_level, secrets=[token, secret])
    application = build(config, token)
    try:
        _serve(application, config, secret)
    except InvalidToken:
        return _fail(f"the Bot API refused the token in ${config.telegram.token_env}", 2)
    except NetworkError as exc:
        where = config.telegram.base_url
        return _fail(f"cannot reach the Bot API at {where}: {exc.message}".replace(token, "***"), 1)
    except TelegramError as exc:
        return _fail(f"the Bot API refused to start: {exc.message}".replace(token, "***"), 1)
    except KnowledgeInvalid as exc:
        return _fail(f"cannot load the knowledge: {exc.errors[0]}", 1)
    finally:
        _close_leftovers(application)
    LOG.info("stopped")
    return 0


def _serve(
    application: Application[Any, Any, Any, Any, Any, Any], config: Config, secret: str | None
) -> None:
    """Poll or serve the webhook until a stop signal; the event loop is left open."""
    webhook = config.webhook
    if webhook.url:
        application.run_webhook(
            listen=webhook.listen,
            port=webhook.port,
            url_path=webhook.path,
            webhook_url=webhook.url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
            close_loop=False,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, close_loop=False)


def _close_leftovers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Close the engine if PTB's shutdown stopped early, then the event loop.

    An open database keeps worker threads alive, and with them the process.
    """
    loop = asyncio.get_event_loop()
    try:
        services: Services | None = application.bot_data.pop(SERVICES, None)
        if services is not None:
            loop.run_until_complete(services.engine.close())
    finally:
        loop.close()


def _fail(message: str, status: int) -> int:
    print(f"sanad: {message}", file=sys.stderr)
    return status


def _webhook_secret(config: Config) -> str | None:
    """The webhook's secret token from the environment; required when a webhook is set."""
    if not config.webhook.url:
        return None
    name = config.webhook.secret_env
    secret = os.environ.get(name, "").strip()
    if not secret:
        raise ConfigError(f"the webhook secret is missing: set the environment variable {name}")
    return secret


def build(config: Config, token: str) -> Application[Any, Any, Any, Any, Any, Any]:
    """The Application with every handler registered, not yet running.

    Updates pass through the inbox (bot/telegram/inbox.py): kept in the database before they
    are queued, marked handled after. The bot reads each fetched update on its own
    (bot/telegram/polling.py).
    """
    inbox = Inbox()
    queue = InboxQueue(inbox)
    application = (
        ApplicationBuilder()
        .bot(_bot(config, token))
        .update_queue(queue)
        .context_types(ContextTypes(context=SanadContext))
        .concurrent_updates(InboxProcessor(config.telegram.concurrent_updates, inbox))
        .post_init(_post_init(config, queue))
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.add_handlers(handlers())
    application.add_error_handler(_on_error)
    return application


def _bot(config: Config, token: str) -> PollingBot:
    """The bot with its HTTP settings and retry policy (the builder's cannot go with a bot)."""
    telegram = config.telegram
    return PollingBot(
        token,
        base_url=telegram.base_url,
        base_file_url=telegram.base_file_url,
        request=ApiRequest(
            connection_pool_size=telegram.connection_pool,
            read_timeout=telegram.timeout,
            pool_timeout=POOL_TIMEOUT,
        ),
        get_updates_request=ApiRequest(connection_pool_size=1, read_timeout=telegram.timeout),
        rate_limiter=Retrying(Policy(telegram.attempts, telegram.retry_delay)),
    )


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """Every handler, in order: the first that matches an update handles it.

    Commands come first; the catch-alls for plain text, other messages and unknown commands
    come last, so a command added later must go before them.
    """
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    # A text, or a caption (under a photo, a video...), is something a reader says.
    said = filters.TEXT | filters.CAPTION
    # What may speak to the bot in a group; readers.group_text checks that it is this bot.
    addressed: filters.BaseFilter = filters.REPLY
    for kind in ("mention", "text_mention"):
        addressed = addressed | filters.Entity(kind) | filters.CaptionEntity(kind)
    return [
        CommandHandler("start", readers.start),
        CommandHandler("help", readers.help_command),
        CommandHandler("topics", readers.topics),
        CommandHandler("ask", readers.ask_command),
        MessageHandler(
            filters.UpdateType.MESSAGES & filters.CaptionRegex(r"(?i)^/ask(@\w+)?(\s|$)"),
            readers.ask_command,
        ),
        CommandHandler("reload", admin.reload_command),
        CommandHandler("stats", admin.stats_command),
        CommandHandler("unanswered", review.unanswered_command),
        CommandHandler("distill", drafts.distill_command, filters=private),
        CommandHandler("subscribe", news.subscribe),
        CommandHandler("unsubscribe", news.unsubscribe),
        CommandHandler("subscriptions", news.subscriptions),
        # CommandHandler does not see channel posts: commands posted in a channel come here.
        MessageHandler(filters.UpdateType.CHANNEL_POST & filters.COMMAND, news.channel_post),
        ChatMemberHandler(news.membership, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE, news.migrated),
        # A press matches exactly one of these, by its data's prefix (bot/telegram/buttons.py):
        # their order does not matter (tests/test_buttons.py).
        CallbackQueryHandler(news.subscribe_button, pattern=buttons.pattern(buttons.SUBSCRIBE)),
        CallbackQueryHandler(drafts.publish_button, pattern=buttons.pattern(buttons.PUBLISH)),
        CallbackQueryHandler(review.review_button, pattern=buttons.pattern(buttons.REVIEW)),
        CallbackQueryHandler(review.vote_button, pattern=buttons.pattern(buttons.VOTE)),
        CallbackQueryHandler(readers.button, pattern=buttons.pattern(*buttons.READERS)),
        CallbackQueryHandler(buttons.unknown, pattern=buttons.UNKNOWN),
        InlineQueryHandler(readers.inline),
        MessageHandler(private & filters.Document.FileExtension("txt"), drafts.document),
        MessageHandler(private & filters.Document.ALL, admin.document),
        MessageHandler(private & said & ~filters.COMMAND, readers.private_text),
        MessageHandler(groups & said & ~filters.COMMAND & addressed, readers.group_text),
        MessageHandler(private & filters.COMMAND, readers.unknown_command),
        MessageHandler(
            private & ~said & ~filters.StatusUpdate.ALL & ~filters.UpdateType.EDITED,
            readers.not_text,
        ),
    ]


def _post_init(
    config: Config, queue: InboxQueue
) -> Callable[[Application[Any, Any, Any, Any, Any, Any]], Coroutine[Any, Any, None]]:
    async def post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Open the engine, make sure the knowledge is loaded, register the command menu.

        Then queue the updates the last run left unhandled, ahead of any new one.
        """
        engine = await Engine(config).open()
        try:
            freshness = await engine.load_or_keep()
        except BaseException:
            await engine.close()
            raise
        report, kept = freshness.report, freshness.kept
        if isinstance(kept, KnowledgeInvalid):
            LOG.warning(
                "kept the loaded knowledge: %s (%d error(s))", kept.errors[0], len(kept.errors)
            )
        elif kept is not None:
            LOG.warning("kept the loaded knowledge: %s", kept)
        elif report is not None:
            LOG.info(
                "knowledge loaded: %d added, %d changed, %d removed",
                len(report.added),
                len(report.changed),
                len(report.removed),
            )
        # From now on readers are served: later loads run in a process of their own, and
        # sentence vectors are computed in the background after each (one worker process,
        # leaving the other core to answering).
        engine.separate_loads = True
        engine.fill_in_background = True
        engine.start_filling()
        application.bot_data[SERVICES] = Services(
            config=config,
            engine=engine,
            flood=FloodGate(config.flood.questions, config.flood.seconds),
            callback_data=CallbackData(),
            sender=outbox.Sender(
                application.bot,
                engine.outbox,
                outbox.Pace(
                    config.news.per_second,
                    config.news.group_per_minute,
                    config.news.private_seconds,
                ),
            ),
        )
        application.bot_data[SERVICES].sender.start()
        await _set_commands(application, config)
        await queue.replay(engine.updates, application.bot)
        me = application.bot
        LOG.info("running as @%s (id %s)", me.username, me.id)

    return post_init


async def _set_commands(
    application: Application[Any, Any, Any, Any, Any, Any], config: Config
) -> None:
    """The Arabic command menu: readers' commands for all, admin commands for admins too."""
    readers_menu = [BotCommand(name, text) for name, text in wording.READER_COMMANDS.items()]
    admins_menu = readers_menu + [
        BotCommand(name, text) for name, text in wording.ADMIN_COMMANDS.items()
    ]
    await application.bot.set_my_commands(readers_menu)
    for admin_id in sorted(config.admins):
        try:
            await application.bot.set_my_commands(admins_menu, scope=BotCommandScopeChat(admin_id))
        except (BadRequest, Forbidden) as exc:  # the admin never opened a chat with the bot
            LOG.warning("no admin command menu for %s: %s", admin_id, exc.message)


async def _post_stop(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop sending news (the message in flight is finished and marked) while the bot is up."""
    services: Services | None = application.bot_data.get(SERVICES)
    if services is not None:
        await services.sender.stop()


async def _post_shutdown(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop the news sender (if start-up failed, post_stop never ran), close the engine.

    Closing the engine waits for question-log writes still in flight.
    """
    services: Services | None = application.bot_data.pop(SERVICES, None)
    if services is not None:
        await services.sender.stop()
        await services.engine.close()


async def _on_error(update: object, context: SanadContext) -> None:
    """Log what went wrong with which update, and keep running."""
    if update is None and isinstance(context.error, NetworkError):
        # Polling could not reach the Bot API; PTB retries with a growing pause.
        LOG.warning("the Bot API is unreachable, retrying: %s", context.error.message)
        return
    if update is None and isinstance(context.error, TelegramError):
        # getUpdates failed otherwise; PTB waits longer after each failure in a row.
        LOG.warning("fetching updates failed, retrying: %s", context.error.message)
        return
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(context.error, TelegramError) and not isinstance(context.error, BadRequest):
        # Telegram failed or refused (a blocked bot), not our code: the message says it all.
        LOG.error("update %s: a reply was not sent: %s", update_id, context.error.message)
        await _count_unsent(context, update, context.error)
        return
    LOG.error("while handling update %s", update_id, exc_info=context.error)
    if isinstance(context.error, BadRequest):  # Telegram refused what we sent: our mistake
        await _count_unsent(context, update, context.error)
    elif isinstance(update, Update):
        await _apologise(update)


async def _count_unsent(context: SanadContext, update: object, error: TelegramError) -> None:
    """Keep what could not be sent in the database, for /stats."""
    if not isinstance(update, Update) or SERVICES not in context.bot_data:
        return
    chat = update.effective_chat
    method = error.method if isinstance(error, Unsent) else type(error).__name__
    try:
        await context.services.engine.record_unsent(
            update.update_id, chat.id if chat else None, method, error.message
        )
    except Exception:  # the count is for admins; never let it hide the failure above
        LOG.exception("could not count the unsent reply to update %s", update.update_id)


async def _apologise(update: Update) -> None:
    """Our own failure answering a reader: say so rather than leave them waiting."""
    message = update.effective_message
    if message is None or update.callback_query or update.inline_query:
        return
    try:
        await reply(message, render.plain(wording.FAILED))
    except TelegramError as exc:
        LOG.warning("could not apologise for update %s: %s", update.update_id, exc.message)
