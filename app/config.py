"""Layered configuration: built-in defaults → hospital file → per-user settings → environment variables.

Each later layer overrides the earlier ones, key by key:

1. the hospital-wide TOML file installed by IT: ``$TINGJI_CONFIG``, else ``/etc/tingji/tingji.toml`` (Windows:
   ``%PROGRAMDATA%\\TingJi\\tingji.toml``; macOS: ``/Library/Application Support/TingJi/tingji.toml``);
2. the user's settings, a TOML file written by :func:`save_user_setting`: ``$TINGJI_HOME/settings.toml`` when
   ``TINGJI_HOME`` is set, else ``$XDG_CONFIG_HOME/tingji/settings.toml`` (``~/.config/tingji/settings.toml``;
   Windows ``%APPDATA%\\TingJi\\settings.toml``; macOS ``~/Library/Application Support/TingJi/settings.toml``);
3. environment variables, one per key (:data:`ENV_NAMES`), e.g. ``TINGJI_SERVER_URL``.

``admin.*`` keys are read from the hospital file only: neither a user nor an environment can loosen the policy.
An invalid value (unknown key, wrong type, bad URL, negative days) is reported with its file and key and ignored,
so the value from the layer below stays in force. No Qt here: the desktop client may mirror the user layer.
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from app.config_keys import DEFAULTS, ENV_NAMES, HOSPITAL_ONLY, KEYS, validate

__all__ = ["ConfigProblem", "EffectiveConfig", "ConfigError", "hospital_config_path", "user_settings_path",
           "load_config", "save_user_setting", "ENV_NAMES", "KEYS"]


class ConfigError(ValueError):
    """A setting cannot be saved or the configuration is invalid."""


@dataclass(frozen=True)
class ConfigProblem:
    """One invalid entry: where it is (file path or environment variable), the key and what is wrong."""

    where: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.key}: {self.message}"


@dataclass
class EffectiveConfig:
    """The effective values, where each came from, and the problems met while reading the layers."""

    values: dict[str, object] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    problems: list[ConfigProblem] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)

    def get(self, key: str, default=None):
        value = self.values.get(key)
        return default if value is None else value

    def to_dict(self) -> dict:
        return {"values": {k: {"value": self.values.get(k), "source": self.sources.get(k)} for k in KEYS},
                "files": dict(self.files), "problems": [vars(p) for p in self.problems]}


def _system_dir() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "TingJi"
    if sys.platform == "darwin":
        return Path("/Library/Application Support/TingJi")
    return Path("/etc/tingji")


def hospital_config_path() -> Path:
    """The hospital-wide file: ``$TINGJI_CONFIG``, else the platform's system location."""
    explicit = os.environ.get("TINGJI_CONFIG")
    return Path(explicit).expanduser() if explicit else _system_dir() / "tingji.toml"


def user_settings_path() -> Path:
    """The per-user settings file (see the module docstring)."""
    if os.environ.get("TINGJI_HOME"):
        return Path(os.environ["TINGJI_HOME"]).expanduser() / "settings.toml"
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / "TingJi" / "settings.toml"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "TingJi" / "settings.toml"
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "tingji" / "settings.toml"


def _flatten(table: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _read_toml(path: Path, where: str, config: EffectiveConfig) -> dict[str, object]:
    try:
        with open(path, "rb") as handle:
            return _flatten(tomllib.load(handle))
    except FileNotFoundError:
        if where == "hospital" and os.environ.get("TINGJI_CONFIG"):
            config.problems.append(ConfigProblem(str(path), "-", "TINGJI_CONFIG names a file that does not exist"))
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        config.problems.append(ConfigProblem(str(path), "-", f"not readable as TOML ({error}); file ignored"))
        return {}


def _apply(config: EffectiveConfig, entries: dict[str, object], where: str, label: str, *, admin: bool,
           text: bool = False) -> None:
    for key, raw in entries.items():
        if key not in KEYS:
            config.problems.append(ConfigProblem(where, key, f"unknown key (known keys: {', '.join(KEYS)})"))
            continue
        if key in HOSPITAL_ONLY and not admin:
            config.problems.append(ConfigProblem(where, key, "can only be set in the hospital file; ignored"))
            continue
        try:
            config.values[key] = validate(key, raw, text=text)
            config.sources[key] = label
        except ValueError as error:
            config.problems.append(ConfigProblem(where, key, f"{error}; ignored"))


# Folder keys whose default lies in the data folder (and follows TINGJI_HOME); the name of the sub-folder.
_DATA_FOLDERS = {"models_dir": "models", "templates.dir": "templates"}


def load_config() -> EffectiveConfig:
    """Read every layer and return the effective values with their sources (never raises for bad entries).

    Returns:
        The configuration; ``problems`` lists every invalid entry with its file (or variable) and key.
    """
    from app.paths import data_dir

    config = EffectiveConfig()
    for key in KEYS:
        config.values[key] = DEFAULTS.get(key)
        config.sources[key] = "default"
    for key, folder in _DATA_FOLDERS.items():
        config.values[key] = str(data_dir() / folder)
    hospital, user = hospital_config_path(), user_settings_path()
    config.files = {"hospital": str(hospital), "user": str(user)}
    _apply(config, _read_toml(hospital, "hospital", config), str(hospital), f"hospital file {hospital}", admin=True)
    _apply(config, _read_toml(user, "user", config), str(user), f"user settings {user}", admin=False)
    if os.environ.get("TINGJI_HOME"):  # one folder for everything of this user (tests, portable installs)
        for key, folder in _DATA_FOLDERS.items():
            config.values[key] = str(data_dir() / folder)
            config.sources[key] = "environment TINGJI_HOME"
    for key, variable in ENV_NAMES.items():
        if os.environ.get(variable):
            _apply(config, {key: os.environ[variable]}, f"environment {variable}", f"environment {variable}",
                   admin=False, text=True)
    return config


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def _dump_toml(flat: dict[str, object]) -> str:
    top = {k: v for k, v in flat.items() if "." not in k}
    tables: dict[str, dict[str, object]] = {}
    for key, value in flat.items():
        if "." in key:
            table, name = key.rsplit(".", 1)
            tables.setdefault(table, {})[name] = value
    lines = ["# TingJi per-user settings (written by TingJi; see `tingji config show`)"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in sorted(top.items())]
    for table, entries in sorted(tables.items()):
        lines += ["", f"[{table}]"] + [f"{k} = {_toml_value(v)}" for k, v in sorted(entries.items())]
    return "\n".join(lines) + "\n"


def save_user_setting(key: str, value: object) -> Path:
    """Set (or, with ``None``, remove) one key in the user's settings file, written atomically.

    Raises:
        ConfigError: Unknown key, a hospital-only key, an invalid value, or an unreadable settings file.
    """
    if key not in KEYS:
        raise ConfigError(f"unknown setting {key!r}; known settings: {', '.join(KEYS)}")
    if key in HOSPITAL_ONLY:
        raise ConfigError(f"{key} can only be set by IT in the hospital file ({hospital_config_path()})")
    path = user_settings_path()
    try:
        current = _flatten(tomllib.loads(path.read_text(encoding="utf-8"))) if path.is_file() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path} is not readable as TOML ({error}); fix or delete it") from error
    if value is None:
        current.pop(key, None)
    else:
        try:
            current[key] = validate(key, value, text=isinstance(value, str))
        except ValueError as error:
            raise ConfigError(f"{key}: {error}") from error
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temp.write_text(_dump_toml(current), encoding="utf-8")
    os.replace(temp, path)
    return path
