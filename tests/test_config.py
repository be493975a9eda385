"""config.yaml and the documentation of every setting and command."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any, get_origin, get_type_hints

import pytest
from conftest import REPO

from bot import cli
from bot import config as configuration
from bot.config import SETTINGS, Config, ConfigError, Setting

README = (REPO / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The README's text under one `## title` heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert match, f"the README has no '## {title}' section"
    return match.group(1)


def shown(default: Any) -> str:
    """How the README's table writes a default value."""
    if default == "":
        return '`""`'
    if isinstance(default, bool):  # as YAML writes it
        return f"`{str(default).lower()}`"
    return f"`{default}`"


def load(tmp_path: Path, text: str) -> configuration.Config:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return configuration.load(path)


def typed(loaded: Config, key: str) -> Any:
    """The typed view's value for a dotted key: `matching.min_score`, loaded.matching.min_score."""
    value: Any = loaded
    for part in key.split("."):
        value = getattr(value, part)
    return value


def fields_of_the_view() -> dict[str, Any]:
    """Each field of the typed view, by the dotted key it holds, with its declared type."""
    found = {}
    for name, kind in get_type_hints(Config).items():
        if dataclasses.is_dataclass(kind):
            found.update({f"{name}.{k}": v for k, v in get_type_hints(kind).items()})
        elif name != "path":  # the file the settings came from, not a setting
            found[name] = kind
    return found


def field_type(setting: Setting) -> Any:
    """The type the view holds a setting's value in: a whole-or-not number is a float."""
    if setting.path:
        return Path
    kinds = {str: str, int: int, (int, float): float, bool: bool, list: frozenset[int]}
    return kinds[setting.type]  # type: ignore[index]


# -- the README keeps up with the code --------------------------------------------------------


def test_every_setting_has_a_row_in_the_readme_with_its_default() -> None:
    rows = re.findall(r"^\| `([a-z_.]+)` \| (.+?) \| (.+?) \|$", section("Configuration"), re.M)
    documented = {key: default for key, default, _ in rows}
    declared = {s.key: shown(s.default) for s in SETTINGS}
    assert sorted(documented) == sorted(declared), "README's table and bot/config.py differ"
    assert documented == declared
    assert all(meaning.strip() for _, _, meaning in rows)


def test_every_setting_has_a_type_and_help() -> None:
    for setting in SETTINGS:
        assert setting.help.strip(), setting.key
        kinds = setting.type if isinstance(setting.type, tuple) else (setting.type,)
        assert isinstance(setting.default, kinds), setting.key


def test_the_shipped_config_file_is_valid_and_only_uses_known_keys() -> None:
    loaded = configuration.load(REPO / "config.yaml")
    assert loaded.knowledge_dir == REPO / "knowledge"


@pytest.mark.parametrize("verb", sorted(cli.VERBS))
def test_every_verb_has_help_and_a_line_in_the_readme(
    verb: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main([verb, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: sanad {verb}")
    assert f"`sanad {verb}" in README, f"the README does not mention `sanad {verb}`"


def test_the_top_level_help_lists_every_verb(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert all(verb in out for verb in cli.VERBS)


# -- reading config.yaml ----------------------------------------------------------------------


def test_defaults_apply_and_paths_resolve_against_the_config_folder(tmp_path: Path) -> None:
    loaded = load(tmp_path, "admins: [42]\nmatching:\n  min_score: 55\n")
    assert loaded.knowledge_dir == tmp_path / "knowledge"
    assert loaded.database == tmp_path / "data" / "sanad.sqlite3"
    assert loaded.admins == frozenset({42})
    assert loaded.matching.min_score == 55.0 and isinstance(loaded.matching.min_score, float)
    assert loaded.telegram.base_url == "https://api.telegram.org/bot"


def test_an_empty_file_means_all_defaults(tmp_path: Path) -> None:
    loaded = load(tmp_path, "# nothing set\n")
    assert {s.key: typed(loaded, s.key) for s in SETTINGS if not s.path} == {
        s.key: frozenset(s.default) if s.type is list else s.default for s in SETTINGS if not s.path
    }


def test_every_setting_has_a_field_of_its_type_in_the_typed_view(tmp_path: Path) -> None:
    fields = fields_of_the_view()
    assert sorted(fields) == sorted(s.key for s in SETTINGS)
    loaded = load(tmp_path, "")
    for setting in SETTINGS:
        assert fields[setting.key] == field_type(setting), setting.key
        kind = get_origin(fields[setting.key]) or fields[setting.key]
        assert isinstance(typed(loaded, setting.key), kind), setting.key


def test_the_typed_view_is_frozen(tmp_path: Path) -> None:
    loaded = load(tmp_path, "")
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.matching.min_score = 0.0  # type: ignore[misc]


def test_a_choice_in_any_letter_case_is_read_as_declared(tmp_path: Path) -> None:
    assert load(tmp_path, "telegram:\n  log_level: debug\n").telegram.log_level == "DEBUG"
    for setting in SETTINGS:
        if setting.choices:
            assert setting.default in setting.choices, setting.key
            assert all(c == c.upper() for c in setting.choices), setting.key


def test_a_missing_default_config_means_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SANAD_CONFIG", raising=False)
    loaded = configuration.load()
    assert loaded.database == tmp_path / "data" / "sanad.sqlite3"


def test_the_environment_chooses_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "other.yaml").write_text("knowledge_dir: stories\n", encoding="utf-8")
    monkeypatch.setenv("SANAD_CONFIG", str(tmp_path / "other.yaml"))
    assert configuration.load().knowledge_dir == tmp_path / "stories"
    monkeypatch.setenv("SANAD_CONFIG", str(tmp_path / "absent.yaml"))
    with pytest.raises(ConfigError, match="config file not found"):
        configuration.load()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("knowledge: x\n", "unknown key 'knowledge'"),
        ("webhook:\n  host: x\n", "unknown key 'webhook.host'"),
        ("knowledge_dir: 5\n", "'knowledge_dir' must be text, not 5"),
        ("admins: 42\n", "'admins' must be a list, not 42"),
        ("admins: [true]\n", "'admins' must be a list of numeric Telegram user ids"),
        ("matching:\n  candidates: 2.5\n", "'matching.candidates' must be a whole number, not 2.5"),
        (
            "matching:\n  candidates: yes\n",
            "'matching.candidates' must be a whole number, not True",
        ),
        ("matching:\n  min_score: [1]\n", "'matching.min_score' must be a number, not [1]"),
        (
            "telegram:\n  log_level: LOUD\n",
            "'telegram.log_level' must be one of DEBUG, INFO, WARNING or ERROR, not 'LOUD'",
        ),
        ("matching: []\n", "'matching' must be a mapping"),
        ("[1, 2]\n", "the config must be a mapping of keys to values"),
    ],
)
def test_bad_values_are_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load(tmp_path, text)
    assert str(refused.value) == f"{tmp_path / 'config.yaml'}: {message}"


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        load(tmp_path, "database: x\nadmins: [1,\n")
    assert str(refused.value) == f"{tmp_path / 'config.yaml'}:3: malformed YAML"


def test_the_token_comes_from_the_environment_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = load(tmp_path, "telegram:\n  token_env: MY_TOKEN\n")
    monkeypatch.delenv("MY_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="set the environment variable MY_TOKEN"):
        loaded.token()
    monkeypatch.setenv("MY_TOKEN", " 123:abc \n")
    assert loaded.token() == "123:abc"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("matching:\n  min_score: 101\n", "'matching.min_score' must be from 0 to 100, not 101"),
        ("matching:\n  candidates: 0\n", "'matching.candidates' must be from 1 to 10000, not 0"),
        ("webhook:\n  port: 70000\n", "'webhook.port' must be from 1 to 65535, not 70000"),
        ("flood:\n  seconds: -1\n", "'flood.seconds' must be at least 0, not -1"),
    ],
)
def test_numbers_out_of_range_are_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load(tmp_path, text)
    assert str(refused.value) == f"{tmp_path / 'config.yaml'}: {message}"


def test_every_number_setting_has_limits_that_hold_its_default() -> None:
    for setting in SETTINGS:
        kinds = setting.type if isinstance(setting.type, tuple) else (setting.type,)
        if int in kinds or float in kinds:
            assert setting.limits is not None, setting.key
            assert setting.limits[0] <= setting.default <= setting.limits[1], setting.key
