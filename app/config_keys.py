"""The configuration keys TingJi knows: type, default, environment variable and validation of each.

| key                   | type                    | default                | environment variable               |
|-----------------------|-------------------------|------------------------|------------------------------------|
| models_dir            | folder                  | <data dir>/models      | TINGJI_MODELS_DIR (TINGJI_HOME)    |
| templates.dir         | folder                  | <data dir>/templates   | TINGJI_TEMPLATES_DIR (TINGJI_HOME) |
| server.url            | http(s) URL             | (none: no server)      | TINGJI_SERVER_URL                  |
| server.model          | text                    | (the first served)     | TINGJI_SERVER_MODEL                |
| server.api_key_env    | variable name           | TINGJI_SERVER_API_KEY  | TINGJI_SERVER_API_KEY_ENV          |
| default.department    | text                    | (none)                 | TINGJI_DEFAULT_DEPARTMENT          |
| default.template      | text                    | outpatient-initial     | TINGJI_DEFAULT_TEMPLATE            |
| retention.audio_days  | integer ≥ 0             | (none: keep)           | TINGJI_RETENTION_AUDIO_DAYS        |
| language              | language code or "auto" | zh                     | TINGJI_LANGUAGE                    |
| admin.policy          | password or group       | password               | (hospital file only)               |
| admin.group           | text                    | (none)                 | (hospital file only)               |
| admin.password_hash   | scrypt$n$r$p$salt$hash  | (none: no admin yet)   | (hospital file only)               |
| log.level             | DEBUG/INFO/WARNING/ERROR| INFO                   | TINGJI_LOG_LEVEL                   |

The API key itself is never stored in a file: ``server.api_key_env`` names the variable that holds it.
``templates.dir`` holds the templates department admins publish (see :mod:`app.template_library`);
``admin.password_hash`` is written by ``tingji admin set-password`` (see :mod:`app.admin_role`).
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

__all__ = ["KEYS", "DEFAULTS", "ENV_NAMES", "HOSPITAL_ONLY", "LOG_LEVELS", "validate"]

KEYS = (
    "models_dir", "templates.dir", "server.url", "server.model", "server.api_key_env", "default.department",
    "default.template", "retention.audio_days", "language", "admin.policy", "admin.group", "admin.password_hash",
    "log.level",
)
DEFAULTS: dict[str, object] = {
    "server.api_key_env": "TINGJI_SERVER_API_KEY",
    "default.template": "outpatient-initial",
    "language": "zh",
    "admin.policy": "password",
    "log.level": "INFO",
}
HOSPITAL_ONLY = frozenset({"admin.policy", "admin.group", "admin.password_hash"})
ENV_NAMES = {key: "TINGJI_" + key.replace(".", "_").upper() for key in KEYS if key not in HOSPITAL_ONLY}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")

_LANGUAGE = re.compile(r"^(auto|[a-z]{2,3}(-[A-Za-z]{2,4})?)$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SCRYPT = re.compile(r"^scrypt\$[0-9]+\$[0-9]+\$[0-9]+\$[0-9a-f]{16,}\$[0-9a-f]{32,}$")


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {type(value).__name__} ({value!r})")
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


def _url(value: object) -> str:
    text = _text(value)
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(f"must be an http:// or https:// URL with a host, e.g. http://10.0.0.5:8000/v1, not {text!r}")
    return text.rstrip("/")


def _days(value: object, text: bool) -> int:
    if text and isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise ValueError(f"must be a whole number of days, not {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be an integer number of days, not {type(value).__name__} ({value!r})")
    if value < 0:
        raise ValueError(f"must be 0 or more days, not {value}")
    return value


def _choice(value: object, choices: tuple[str, ...], *, upper: bool = False) -> str:
    text = _text(value)
    text = text.upper() if upper else text.lower()
    if text not in choices:
        raise ValueError(f"must be one of {', '.join(choices)}, not {value!r}")
    return text


def _pattern(value: object, pattern: re.Pattern, what: str) -> str:
    text = _text(value)
    if not pattern.match(text):
        raise ValueError(f"must be {what}, not {text!r}")
    return text


def validate(key: str, value: object, *, text: bool = False) -> object:
    """Check and normalise one value.

    Args:
        key: A key from :data:`KEYS`.
        value: The value as read from TOML (typed) or, with ``text=True``, from an environment variable.
        text: Convert strings to the key's type (environment variables and the command line are text).

    Returns:
        The normalised value.

    Raises:
        ValueError: The value is invalid; the message says what is expected.
    """
    if key == "server.url":
        return _url(value)
    if key == "server.api_key_env":
        return _pattern(value, _VARIABLE, "the name of an environment variable")
    if key == "retention.audio_days":
        return _days(value, text)
    if key == "language":
        return _pattern(value, _LANGUAGE, 'a language code such as "zh", "en" or "auto"')
    if key == "admin.policy":
        return _choice(value, ("password", "group"))
    if key == "log.level":
        return _choice(value, LOG_LEVELS, upper=True)
    if key == "admin.password_hash":
        return _pattern(value, _SCRYPT, "a hash written by `tingji admin set-password` (scrypt$n$r$p$salt$hash)")
    if key in KEYS:
        return _text(value)
    raise ValueError(f"unknown key {key!r}")
