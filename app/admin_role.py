"""Who may administer templates: a password set at installation, or membership of an OS group (no Qt).

Doctors use templates; department admins edit and publish them. The hospital file chooses how an admin is
recognised (``admin.policy``; neither a user setting nor an environment variable can change it):

- ``password`` (the default): the admin types the password IT set at installation with
  ``tingji admin set-password --write``, which stores only a salted scrypt hash (``admin.password_hash``) in the
  hospital file. It suits shared clinic PCs where doctors and admins log in as the same OS user.
- ``group``: the OS user must belong to ``admin.group`` (e.g. ``tingji-admins``); no password is asked. It suits
  sites whose admins have their own accounts. POSIX only: Windows has no ``grp`` module, so use ``password`` there.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

__all__ = ["AdminRoleError", "AdminPolicy", "hash_password", "verify_password", "admin_policy", "current_user",
           "user_groups", "authorize", "write_password_hash", "MIN_PASSWORD_LENGTH"]

MIN_PASSWORD_LENGTH = 8
_N, _R, _P = 2 ** 14, 8, 1  # 16 MiB and some 50 ms per check: slow for guessing, quick for one admin
_MAXMEM = 256 * 1024 * 1024
_SET_PASSWORD = "IT sets one at installation: tingji admin set-password --write (as root / administrator)"


class AdminRoleError(PermissionError):
    """The admin role is refused or cannot be checked.

    Attributes:
        reason: ``no-password`` (none configured), ``wrong-password``, ``no-group`` (group policy without
            ``admin.group``), ``not-in-group``, ``unsupported`` (no groups on this system) or ``bad-hash``.
    """

    def __init__(self, reason: str, message: str):
        self.reason = reason
        super().__init__(message)


@dataclass(frozen=True)
class AdminPolicy:
    """The hospital's admin policy: ``password`` or ``group``, the group, and the stored password hash."""

    policy: str = "password"
    group: str = ""
    password_hash: str = ""


def hash_password(password: str, *, salt: bytes | None = None, n: int = _N, r: int = _R, p: int = _P) -> str:
    """A salted scrypt hash: ``scrypt$n$r$p$salt_hex$hash_hex``.

    Raises:
        ValueError: The password is shorter than :data:`MIN_PASSWORD_LENGTH`.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the admin password must have at least {MIN_PASSWORD_LENGTH} characters")
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches the hash (compared in constant time).

    Raises:
        AdminRoleError: The stored hash is malformed (reason ``bad-hash``).
    """
    match = re.fullmatch(r"scrypt\$(\d+)\$(\d+)\$(\d+)\$([0-9a-f]+)\$([0-9a-f]+)", encoded or "")
    if not match:
        raise AdminRoleError("bad-hash", f"admin.password_hash in the hospital file is not a scrypt hash; "
                                         f"{_SET_PASSWORD}")
    n, r, p = (int(v) for v in match.group(1, 2, 3))
    salt, expected = bytes.fromhex(match.group(4)), bytes.fromhex(match.group(5))
    try:
        digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM,
                                dklen=len(expected))
    except ValueError as error:  # n not a power of 2, too much memory...
        raise AdminRoleError("bad-hash", f"admin.password_hash cannot be checked ({error}); {_SET_PASSWORD}") \
            from error
    return hmac.compare_digest(digest, expected)


def admin_policy(config=None) -> AdminPolicy:
    """The policy from the hospital file (``config``: an :class:`app.config.EffectiveConfig`, else loaded)."""
    if config is None:
        from app.config import load_config

        config = load_config()
    return AdminPolicy(str(config.get("admin.policy", "password")), str(config.get("admin.group", "") or ""),
                       str(config.get("admin.password_hash", "") or ""))


def current_user() -> str:
    """The OS user running TingJi."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def user_groups(user: str | None = None) -> set[str]:
    """Names of the groups the OS user belongs to (this process's groups, plus those ``/etc/group`` lists).

    Raises:
        AdminRoleError: The system has no POSIX groups (Windows; reason ``unsupported``).
    """
    try:
        import grp
        import pwd
    except ImportError as error:
        raise AdminRoleError("unsupported", "admin.policy = \"group\" needs POSIX groups, which this system does not "
                                            "have; IT should use admin.policy = \"password\"") from error
    user = user or current_user()
    names: set[str] = set()
    ids = (set(os.getgroups()) | {os.getgid()}) if user == current_user() else set()
    try:
        ids.add(pwd.getpwnam(user).pw_gid)
    except KeyError:
        pass
    for gid in ids:
        try:
            names.add(grp.getgrgid(gid).gr_name)
        except KeyError:
            continue
    names.update(g.gr_name for g in grp.getgrall() if user in g.gr_mem)
    return names


def authorize(password: str | None = None, *, policy: AdminPolicy | None = None,
              groups: Callable[[str], Iterable[str]] | None = None) -> str:
    """Check that the person at the keyboard holds the admin role.

    Args:
        password: The password typed (password policy).
        policy: The policy (default: from the hospital file).
        groups: ``user -> group names`` (default: :func:`user_groups`; tests inject membership).

    Returns:
        The OS user, to record as the one who acted.

    Raises:
        AdminRoleError: Refused; the message says why and what to do.
    """
    policy = policy or admin_policy()
    user = current_user()
    if policy.policy == "group":
        if not policy.group:
            raise AdminRoleError("no-group", "admin.policy is \"group\" but admin.group is not set in the hospital "
                                             "file; IT should name the admins' OS group there")
        if policy.group not in set((groups or user_groups)(user)):
            raise AdminRoleError("not-in-group", f"{user} is not in the OS group {policy.group}, which holds the "
                                                 f"template admins; ask IT to add you")
        return user
    if not policy.password_hash:
        raise AdminRoleError("no-password", f"no admin password is configured, so templates cannot be edited; "
                                            f"{_SET_PASSWORD}")
    if not verify_password(password or "", policy.password_hash):
        raise AdminRoleError("wrong-password", "wrong admin password")
    return user


def write_password_hash(path: Path, encoded: str) -> Path:
    """Set ``admin.password_hash`` in the hospital TOML file (created when missing), keeping its other lines.

    Raises:
        ValueError: The file is not valid TOML, before or after the change.
        OSError: It cannot be written.
    """
    import json
    import tomllib

    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        tomllib.loads(text)  # refuse to edit a broken file: IT fixes it first
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path} is not valid TOML ({error}); fix it, then run this again") from error
    line = f"password_hash = {json.dumps(encoded)}"
    lines, table, done, at = text.splitlines(), "", False, None
    for i, current in enumerate(lines):
        stripped = current.split("#", 1)[0].strip()
        if stripped.startswith("["):
            table = stripped.strip("[] ")
            at = i + 1 if table == "admin" and at is None else at
        elif (table == "admin" and re.match(r"password_hash\s*=", stripped)) or \
                (table == "" and re.match(r"admin\.password_hash\s*=", stripped)):
            lines[i] = line if table == "admin" else f"admin.{line}"
            done = True
    if not done:
        if at is None:
            lines += ["", "[admin]", line] if lines else ["[admin]", line]
        else:
            lines.insert(at, line)
    new = "\n".join(lines) + "\n"
    try:
        written = tomllib.loads(new).get("admin", {}).get("password_hash")
    except tomllib.TOMLDecodeError:
        written = None
    if written != encoded:
        raise ValueError(f"{path}: could not set admin.password_hash; edit the file by hand: [admin] {line}")
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644  # every user's TingJi reads the hospital file
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(new, encoding="utf-8")
    os.chmod(temp, mode)
    os.replace(temp, path)
    return path
