"""config.yaml: every setting declared once, with its type, default, help text and limits.

The README's settings table is this table; a test keeps the two in step. Loading checks each
value against its setting and hands the code one frozen, typed view (`Config`): the code
reads `config.matching.min_score` as a float, never a string key or a cast.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, is_dataclass
from pathlib import Path
from typing import Any, get_type_hints

import yaml

# libyaml, where present, caps nesting; pure Python recurses into a RecursionError.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ConfigError(Exception):
    """A one-line, user-facing problem with the configuration."""


@dataclass(frozen=True)
class Setting:
    """One key of config.yaml (dotted for nested keys)."""

    key: str
    type: type | tuple[type, ...]
    default: Any
    help: str
    path: bool = False  # resolved against the config file's folder
    limits: tuple[float, float] | None = None  # lowest and highest value a number may take
    choices: tuple[str, ...] | None = None  # the values text may take (any letter case)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "knowledge_dir", str, "knowledge", "Folder of knowledge files, read recursively.", True
    ),
    Setting("database", str, "data/sanad.sqlite3", "SQLite file; created on first use.", True),
    Setting("admins", list, [], "Telegram user ids allowed to run admin commands."),
    Setting(
        "telegram.token_env", str, "TELEGRAM_BOT_TOKEN", "Environment variable with the token."
    ),
    Setting("telegram.base_url", str, "https://api.telegram.org/bot", "Bot API base URL."),
    Setting(
        "telegram.base_file_url", str, "https://api.telegram.org/file/bot", "Bot API file URL."
    ),
    Setting(
        "telegram.concurrent_updates",
        int,
        16,
        "How many updates the bot handles at once (1: strictly one after another).",
        limits=(1, 10_000),
    ),
    Setting(
        "telegram.connection_pool",
        int,
        8,
        "HTTP connections to the Bot API for sending; more is slower in the HTTP client.",
        limits=(1, 1_000),
    ),
    Setting(
        "telegram.timeout",
        (int, float),
        5.0,
        "Seconds to wait for the Bot API's response to a call (long polling waits longer).",
        limits=(0.1, 600),
    ),
    Setting(
        "telegram.attempts",
        int,
        5,
        "Tries of each Bot API call that fails with a 5xx, a 429, a timeout or a network "
        "error, before it counts as not sent (1: no retries).",
        limits=(1, 20),
    ),
    Setting(
        "telegram.retry_delay",
        (int, float),
        1.0,
        "Seconds before the second try; each later pause is twice the one before (at most 30).",
        limits=(0.01, 30),
    ),
    Setting(
        "telegram.next_answers",
        int,
        3,
        "How many next best answers are offered as buttons under an answer.",
        limits=(0, 10),
    ),
    Setting(
        "telegram.max_question",
        int,
        1000,
        "Longer questions (in characters) get a polite request to shorten them.",
        limits=(1, 100_000),
    ),
    Setting(
        "telegram.log_level",
        str,
        "INFO",
        "Log level of `sanad run`: DEBUG, INFO, WARNING or ERROR (the token is never logged).",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
    ),
    Setting(
        "telegram.feedback",
        bool,
        True,
        "Show 👍 and 👎 under answers; a 👎 puts the question in the review queue.",
    ),
    Setting(
        "flood.questions",
        int,
        10,
        "Questions one reader may ask per `flood.seconds` (0: no limit); then a polite note.",
        limits=(0, float("inf")),
    ),
    Setting(
        "flood.seconds",
        (int, float),
        60,
        "The window of `flood.questions`, in seconds.",
        limits=(0, float("inf")),
    ),
    Setting(
        "webhook.url",
        str,
        "",
        "Public HTTPS URL Telegram posts updates to; empty: long polling.",
    ),
    Setting("webhook.listen", str, "127.0.0.1", "Address the webhook server listens on."),
    Setting("webhook.port", int, 8443, "Port the webhook server listens on.", limits=(1, 65_535)),
    Setting("webhook.path", str, "telegram", "URL path the webhook server answers on."),
    Setting(
        "webhook.secret_env",
        str,
        "TELEGRAM_WEBHOOK_SECRET",
        "Environment variable with the webhook's secret token (required with webhook.url).",
    ),
    Setting(
        "news.per_second",
        (int, float),
        25,
        "News messages sent per second at most, all chats together (Telegram allows about 30; "
        "the rest is left for answers).",
        limits=(0.1, 30),
    ),
    Setting(
        "news.group_per_minute",
        int,
        20,
        "News messages one group or channel receives per minute at most (Telegram's limit).",
        limits=(1, 20),
    ),
    Setting(
        "news.private_seconds",
        (int, float),
        1.0,
        "Seconds between two news messages to the same private chat at least.",
        limits=(0, 60),
    ),
    Setting(
        "matching.min_score",
        (int, float),
        25.0,
        "Below this score (0-100) the best fact is not good enough: the bot abstains.",
        limits=(0, 100),
    ),
    Setting(
        "matching.min_margin",
        (int, float),
        0.0,
        "Abstain when the best two facts of different articles are closer than this.",
        limits=(0, 100),
    ),
    Setting(
        "matching.candidates",
        int,
        20,
        "How many facts the full-text index hands to the reranker.",
        limits=(1, 10_000),
    ),
    Setting(
        "matching.semantic",
        bool,
        True,
        "Compare meanings too, with a sentence model shipped in a package; false: words only.",
    ),
    Setting(
        "matching.suggest_score",
        (int, float),
        3.0,
        "Between this score and `matching.min_score` the best facts are offered as "
        "suggestions, not as an answer.",
        limits=(0, 100),
    ),
    Setting(
        "matching.wait_vectors",
        int,
        3000,
        "`sanad ask` and `sanad chat` compute missing sentence vectors before answering when "
        "at most this many texts lack one (else they answer by words meanwhile).",
        limits=(0, 10_000_000),
    ),
    Setting(
        "review.days",
        int,
        30,
        "How many days back the review queue (/unanswered, `sanad review`) looks.",
        limits=(1, 3650),
    ),
    Setting(
        "review.margin",
        (int, float),
        5.0,
        "An answer whose best two facts, of different articles, score closer than this goes "
        "to the review queue (0: none).",
        limits=(0, 100),
    ),
)

_BY_KEY = {s.key: s for s in SETTINGS}
_SECTIONS = {s.key.split(".")[0] for s in SETTINGS if "." in s.key}


# -- the typed view: one field per setting, of its type (tests/test_config.py keeps the two in
# step). A number that may be written whole (`(int, float)`) is a float here, a path a Path,
# a list a frozenset, and a value with choices the choice as declared (its letter case).


@dataclass(frozen=True)
class Telegram:
    """`telegram.*`: reaching the Bot API, and how the bot answers there."""

    token_env: str
    base_url: str
    base_file_url: str
    concurrent_updates: int
    connection_pool: int
    timeout: float
    attempts: int
    retry_delay: float
    next_answers: int
    max_question: int
    log_level: str
    feedback: bool


@dataclass(frozen=True)
class Flood:
    """`flood.*`: how many questions one reader may ask in a while."""

    questions: int
    seconds: float


@dataclass(frozen=True)
class Webhook:
    """`webhook.*`: where Telegram posts updates instead of the bot polling for them."""

    url: str
    listen: str
    port: int
    path: str
    secret_env: str


@dataclass(frozen=True)
class News:
    """`news.*`: the pace of news messages to subscribed chats."""

    per_second: float
    group_per_minute: int
    private_seconds: float


@dataclass(frozen=True)
class Matching:
    """`matching.*`: when a fact is good enough to answer with, or to suggest."""

    min_score: float
    min_margin: float
    candidates: int
    semantic: bool
    suggest_score: float
    wait_vectors: int


@dataclass(frozen=True)
class Review:
    """`review.*`: what goes into the editors' review queue."""

    days: int
    margin: float


@dataclass(frozen=True)
class Config:
    """Validated settings, typed, with paths already resolved: `config.matching.min_score`."""

    path: Path  # the config file they were read from
    knowledge_dir: Path
    database: Path
    admins: frozenset[int]  # by numeric user id: a username can be changed and taken
    telegram: Telegram
    flood: Flood
    webhook: Webhook
    news: News
    matching: Matching
    review: Review

    def token(self) -> str:
        """The bot token from the environment: never stored in the file."""
        name = self.telegram.token_env
        token = os.environ.get(name, "").strip()
        if not token:
            raise ConfigError(f"the bot token is missing: set the environment variable {name}")
        return token


# Each section of config.yaml and the class of its part of the view, read off Config's fields.
_SECTION_TYPES: dict[str, Any] = {
    name: kind for name, kind in get_type_hints(Config).items() if is_dataclass(kind)
}


def default_path() -> Path:
    """SANAD_CONFIG when set, else ./config.yaml."""
    return Path(os.environ.get("SANAD_CONFIG") or "config.yaml")


def load(path: Path | None = None) -> Config:
    """Read and check config.yaml; a missing file is only fine when it is the default one."""
    explicit = path is not None or bool(os.environ.get("SANAD_CONFIG"))  # "" is unset
    path = path or default_path()
    raw: Any = {}
    if path.exists():
        try:
            raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        except RecursionError:
            raise ConfigError(f"{path}: malformed YAML: nested too deeply") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark else ""
            raise ConfigError(f"{path}{line}: {_yaml_problem(exc)}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the config file: {exc}") from None
    elif explicit:
        raise ConfigError(f"{path}: config file not found")
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the config must be a mapping of keys to values")
    return _typed(path, _flatten(raw, path))


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """A `---` is well-formed YAML: the file is not malformed, it holds too much."""
    if "single document" in str(getattr(exc, "context", "")):
        return "the config must be one YAML document, not several separated by '---'"
    return "malformed YAML"


def _flatten(raw: dict[str, Any], path: Path) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _SECTIONS:
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: '{key}' must be a mapping")
            for sub, sub_value in value.items():
                flat[f"{key}.{sub}"] = sub_value
        else:
            flat[str(key)] = value
    for key, value in flat.items():
        setting = _BY_KEY.get(key)
        if setting is None:
            raise ConfigError(f"{path}: unknown key '{key}'")
        if not _has_type(value, setting):
            expected = _type_name(setting.type)
            raise ConfigError(f"{path}: '{key}' must be {expected}, not {_shown(value)}")
        if setting.limits and not setting.limits[0] <= value <= setting.limits[1]:
            low, high = setting.limits
            within = f"at least {low:g}" if high == float("inf") else f"from {low:g} to {high:g}"
            raise ConfigError(f"{path}: '{key}' must be {within}, not {value!r}")
        if setting.path and (problem := _path_problem(value)):
            raise ConfigError(f"{path}: '{key}' {problem}")
        if setting.choices and value.upper() not in setting.choices:
            within = ", ".join(setting.choices[:-1]) + f" or {setting.choices[-1]}"
            raise ConfigError(f"{path}: '{key}' must be one of {within}, not {_shown(value)}")
    admins = flat.get("admins", [])
    if any(isinstance(a, bool) or not isinstance(a, int) for a in admins):
        raise ConfigError(f"{path}: 'admins' must be a list of numeric Telegram user ids")
    return flat


def _path_problem(value: str) -> str | None:
    """Why text cannot name a file, or None: resolving it would raise, not explain."""
    if "\0" in value:
        return "must not contain a NUL character"
    head = value.split("/", 1)[0]
    if head.startswith("~"):
        try:
            Path(head).expanduser()
        except RuntimeError:
            return f"names a user this system does not have: '{head}'"
    return None


def _has_type(value: Any, setting: Setting) -> bool:
    """Python counts True as an int; a config that says `port: true` meant no number."""
    if isinstance(value, bool) and setting.type is not bool:
        return False
    return isinstance(value, setting.type)


def _typed(path: Path, flat: dict[str, Any]) -> Config:
    """The typed view of checked values: a setting left out takes its default."""
    values = {s.key: _as_typed(s, flat.get(s.key, s.default), path.parent) for s in SETTINGS}
    sections = {
        name: kind(**{k.split(".")[1]: v for k, v in values.items() if k.startswith(name + ".")})
        for name, kind in _SECTION_TYPES.items()
    }
    plain = {k: v for k, v in values.items() if "." not in k}
    return Config(path=path, **plain, **sections)


def _as_typed(setting: Setting, value: Any, base: Path) -> Any:
    """A checked value as its field in the typed view holds it."""
    if setting.path:
        return (base / Path(value).expanduser()).resolve()
    if setting.choices:
        return value.upper()
    if setting.type == (int, float):
        return float(value)
    if setting.type is list:
        return frozenset(value)
    return value


def _shown(value: Any) -> str:
    """A wrong value as written, cut short: the error stays one readable line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "text",
        int: "a whole number",
        float: "a number",
        list: "a list",
        bool: "true/false",
    }
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if float in kinds:  # a whole number is a number too: say it once
        kinds = tuple(k for k in kinds if k is not int)
    return " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in kinds))
