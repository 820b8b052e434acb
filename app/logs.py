"""Log files: rotating, in the platform's log folder, at the configured level, without patient data.

The rule: a log message never carries transcript text or patient fields (name, ID number, phone, complaint,
diagnosis...). Log counts, durations, ids, model names and error types instead; when a message must mention a piece
of text, pass it through :func:`redacted` (which keeps only its length). As a safety net, the file handler's
:class:`ScrubbingFormatter` rewrites every line before it is written (message, arguments and tracebacks): runs of
Chinese characters, 18-digit ID numbers, mobile phone numbers and e-mail addresses become ``[redacted]``; and its
:class:`PatientDataFilter` drops a record logged with ``extra={"patient_data": True}`` whole. The console (stderr)
is not filtered: the person at the screen already sees the visit, and nothing there is kept.

Folder: ``$TINGJI_LOG_DIR``; else ``$TINGJI_HOME/logs``; else Linux ``$XDG_STATE_HOME/tingji/logs``
(``~/.local/state/tingji/logs``), Windows ``%LOCALAPPDATA%\\TingJi\\Logs``, macOS ``~/Library/Logs/TingJi``.
Files: ``tingji.log`` plus 5 rotated copies of at most 5 MiB each.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
from pathlib import Path

__all__ = ["log_dir", "setup_logging", "redacted", "scrub", "PatientDataFilter", "ScrubbingFormatter",
           "LOG_FILE"]

LOG_FILE = "tingji.log"
_MAX_BYTES = 5 << 20
_BACKUPS = 5
_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"
_PATTERNS = (
    re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+"),  # Chinese text
    re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"),  # resident ID number
    re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"),  # mobile phone number
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),  # e-mail address
)


def log_dir() -> Path:
    """The folder log files go to (see the module docstring)."""
    if os.environ.get("TINGJI_LOG_DIR"):
        return Path(os.environ["TINGJI_LOG_DIR"]).expanduser()
    if os.environ.get("TINGJI_HOME"):
        return Path(os.environ["TINGJI_HOME"]).expanduser() / "logs"
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "TingJi" / "Logs"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Logs" / "TingJi"
    return Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "tingji" / "logs"


def redacted(text: str | None) -> str:
    """What a log message may say about a piece of patient text: only its length, e.g. ``<text: 42 chars>``."""
    return "<no text>" if not text else f"<text: {len(text)} chars>"


def scrub(message: str) -> str:
    """Replace whatever looks like patient data in ``message`` by ``[redacted]`` (see the module docstring)."""
    for pattern in _PATTERNS:
        message = pattern.sub("[redacted]", message)
    return message


class PatientDataFilter(logging.Filter):
    """Refuses records marked ``extra={"patient_data": True}``; the file formatter scrubs all the others."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, "patient_data", False)


class ScrubbingFormatter(logging.Formatter):
    """Formats a record as usual, then :func:`scrub` s the whole text (message, arguments, traceback).

    The record itself is left alone, so other handlers (the console) still see it as logged.
    """

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def _remove_ours(root: logging.Logger) -> None:
    for handler in list(root.handlers):
        if getattr(handler, "_tingji", False):
            root.removeHandler(handler)
            handler.close()


def setup_logging(*, verbose: bool = False, level: str | None = None, directory: Path | None = None,
                  console: bool = True) -> Path | None:
    """Log to stderr (warnings, or progress with ``verbose``) and to the rotating file (at the configured level).

    Calling it again replaces the handlers it added before. A log folder that cannot be written is reported on
    stderr and the app goes on without a file.

    Args:
        verbose: Show INFO on stderr too.
        level: File level (DEBUG, INFO, WARNING, ERROR); default ``log.level`` from the configuration.
        directory: Log folder (default :func:`log_dir`).
        console: Add a stderr handler when the root logger has none.

    Returns:
        The log file, or None when none could be opened.
    """
    root = logging.getLogger()
    _remove_ours(root)
    console_level = logging.INFO if verbose else logging.WARNING
    if console and not root.handlers:
        stream = logging.StreamHandler()
        stream.setLevel(console_level)
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        stream._tingji = True
        root.addHandler(stream)
    if level is None:
        from app.config import load_config

        level = str(load_config().get("log.level", "INFO"))
    file_level = logging.getLevelName(level.upper())
    file_level = file_level if isinstance(file_level, int) else logging.INFO
    path = (directory or log_dir()) / LOG_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=_MAX_BYTES, backupCount=_BACKUPS,
                                                       encoding="utf-8", delay=True)
    except OSError as error:
        logging.getLogger(__name__).warning("cannot write log files in %s (%s); logging to stderr only",
                                            path.parent, error)
        root.setLevel(console_level)
        return None
    handler.setLevel(file_level)
    handler.setFormatter(ScrubbingFormatter(_FORMAT))
    handler.addFilter(PatientDataFilter())
    handler._tingji = True
    root.addHandler(handler)
    root.setLevel(min(console_level, file_level))
    return path
