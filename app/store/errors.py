"""Errors a user can meet in the visit store, each with a message that says what to do."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "StoreError",
    "CorruptDatabaseError",
    "TamperedError",
    "KeyMissingError",
    "WrongKeyError",
    "KeyFilePermissionError",
    "VisitNotFoundError",
    "SignedVisitError",
]


class StoreError(Exception):
    """Base class of every error raised by :mod:`app.store`."""


class CorruptDatabaseError(StoreError):
    """The database file is not a readable SQLite database (damaged disk, partial copy, overwritten file).

    Attributes:
        path: The damaged database file.
        backup: The newest backup next to it, or ``None`` when there is none.
    """

    def __init__(self, path: Path, reason: str, backup: Path | None):
        self.path = Path(path)
        self.backup = backup
        fix = (f"restore the newest backup with: tingji store restore --from {backup} --db {path}" if backup
               else "no backup was found next to it; ask IT to restore the file from the machine's backup")
        super().__init__(f"the visit database {path} is damaged ({reason}); {fix}")


class TamperedError(StoreError):
    """An encrypted blob or audio file failed authentication: it was changed, truncated or moved to another row."""


class KeyMissingError(StoreError):
    """The store holds encrypted data but its key is in neither the keyring nor the key file."""


class WrongKeyError(StoreError):
    """The key found does not open this database (a key from another machine or a new key after a loss)."""


class KeyFilePermissionError(StoreError):
    """The key file can be read by other users of the machine."""


class VisitNotFoundError(StoreError):
    """No visit with this id belongs to the current OS user."""


class SignedVisitError(StoreError):
    """A signed record was about to be changed."""
