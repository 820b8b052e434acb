"""Where the store key lives: the OS keyring when one is usable, else a 0600 key file in the data folder.

``keyring`` is optional: it is used only when it imports and its backend is a real one (not the ``fail`` backend
of a headless Linux without Secret Service). ``TINGJI_KEYRING=0`` forces the key file. The key file holds the
key as one line of URL-safe base64 and is refused when its permissions let group or others read it.
"""

from __future__ import annotations

import base64
import binascii
import getpass
import logging
import os
import stat
from pathlib import Path

from app.store.crypto import KEY_BYTES, new_key
from app.store.errors import KeyFilePermissionError, StoreError

__all__ = ["KEYRING_SERVICE", "KEY_FILE_NAME", "default_key_file", "usable_keyring", "find_key",
           "load_or_create_key", "check_key_file"]

log = logging.getLogger(__name__)

KEYRING_SERVICE = "tingji"
KEY_FILE_NAME = "store.key"


def default_key_file() -> Path:
    """``app.paths.data_dir() / "store.key"``."""
    from app.paths import data_dir

    return data_dir() / KEY_FILE_NAME


def usable_keyring():
    """The ``keyring`` module when it imports and has a working backend, else ``None``."""
    if os.environ.get("TINGJI_KEYRING", "1") == "0":
        return None
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception as error:  # noqa: BLE001 — any failure here means "no keyring"
        log.debug("no usable keyring (%s)", type(error).__name__)
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return None
    return keyring


def _entry_name(user: str) -> str:
    return f"store-key:{user}"


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as error:
        raise StoreError(f"the store key in {where} is not valid base64; restore it from IT's key backup") from error
    if len(key) != KEY_BYTES:
        raise StoreError(f"the store key in {where} has {len(key)} bytes, expected {KEY_BYTES}; "
                         f"restore it from IT's key backup")
    return key


def check_key_file(path: Path) -> None:
    """Refuse a key file that group or others can read or write, or that another user owns.

    Raises:
        KeyFilePermissionError: With the ``chmod`` that fixes it.
    """
    if os.name == "nt":
        return  # NTFS ACLs, not mode bits; the data folder lives in the user's profile
    info = path.stat()
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFilePermissionError(f"the key file {path} can be read by other users (mode "
                                     f"{stat.S_IMODE(info.st_mode):o}); run: chmod 600 {path}")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise KeyFilePermissionError(f"the key file {path} belongs to another user; each OS user needs their own")


def find_key(user: str | None = None, key_file: Path | None = None) -> bytes | None:
    """The existing store key from the keyring or the key file; ``None`` when there is none (nothing is created).

    Raises:
        KeyFilePermissionError: The key file is readable by others.
        StoreError: The stored key is malformed.
    """
    user = user or getpass.getuser()
    keyring = usable_keyring()
    if keyring is not None:
        try:
            text = keyring.get_password(KEYRING_SERVICE, _entry_name(user))
        except Exception as error:  # noqa: BLE001 — a locked or broken keyring falls back to the file
            log.warning("keyring lookup failed (%s); trying the key file", type(error).__name__)
            text = None
        if text:
            return _decode(text, f"the keyring entry {KEYRING_SERVICE}/{_entry_name(user)}")
    path = Path(key_file) if key_file else default_key_file()
    if path.exists():
        check_key_file(path)
        return _decode(path.read_text(encoding="ascii"), str(path))
    return None


def load_or_create_key(user: str | None = None, key_file: Path | None = None) -> bytes:
    """The store key, created on first use (in the keyring if usable, else in a new 0600 key file).

    Args:
        user: The OS user the key belongs to (default: the current user).
        key_file: The key file to use instead of ``data_dir()/store.key``.

    Returns:
        The 32-byte key.
    """
    user = user or getpass.getuser()
    key = find_key(user, key_file)
    if key is not None:
        return key
    key = new_key()
    text = base64.urlsafe_b64encode(key).decode("ascii")
    keyring = usable_keyring()
    if keyring is not None:
        try:
            keyring.set_password(KEYRING_SERVICE, _entry_name(user), text)
            log.info("created the store key in the OS keyring (%s)", KEYRING_SERVICE)
            return key
        except Exception as error:  # noqa: BLE001
            log.warning("could not save the key in the keyring (%s); using a key file", type(error).__name__)
    path = Path(key_file) if key_file else default_key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(text + "\n")
        f.flush()
        os.fsync(f.fileno())
    log.info("created the store key file %s", path)
    return key
