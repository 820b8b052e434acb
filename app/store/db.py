"""The SQLite file behind the store: connecting, numbered migrations, backups and restoring from one.

A database file's schema version is ``PRAGMA user_version``. Step *n* of :data:`MIGRATIONS` brings a file from
version *n - 1* to *n*; before an existing file is migrated a backup is copied next to it with SQLite's backup API.
Backups are named ``<db name>.<UTC time>-<label>.bak`` so the newest sorts last.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from app.store.errors import CorruptDatabaseError, StoreError

__all__ = [
    "MIGRATIONS", "LATEST_VERSION", "connect", "migrate", "backup", "list_backups", "newest_backup",
    "backup_if_due", "restore", "transaction",
]

log = logging.getLogger(__name__)

_SCHEMA = Path(__file__).with_name("schema.sql")
_STAMP = "%Y%m%dT%H%M%S%fZ"

# Step n brings user_version n - 1 to n. Never edit a released step; append a new one.
MIGRATIONS: list[str] = [
    "@schema.sql",
    # 2: indexes for the day list, retention and audit export.
    """
    CREATE INDEX visits_by_owner_day ON visits(owner, created_at);
    CREATE INDEX audio_by_age ON audio(created_at) WHERE deleted_at IS NULL;
    CREATE INDEX audit_by_time ON audit(time);
    """,
]
LATEST_VERSION = len(MIGRATIONS)


def _is_corruption(error: sqlite3.DatabaseError) -> bool:
    name = getattr(error, "sqlite_errorname", "")
    return name in ("SQLITE_NOTADB", "SQLITE_CORRUPT") or type(error) is sqlite3.DatabaseError


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """Open the database in WAL mode with foreign keys on, after a quick structural check.

    Args:
        path: The database file; created (with its folder) unless ``readonly``.
        readonly: Open without writing anything (``tingji audit verify``).

    Returns:
        A connection in autocommit mode (use :func:`transaction`), rows as :class:`sqlite3.Row`.

    Raises:
        CorruptDatabaseError: The file is not a database or fails SQLite's quick check.
        StoreError: ``readonly`` and the file does not exist.
    """
    path = Path(path)
    if readonly and not path.is_file():
        raise StoreError(f"no visit database at {path}")
    new = not path.exists()
    if not readonly:
        path.parent.mkdir(parents=True, exist_ok=True)
    target = f"file:{path}?mode=ro" if readonly else str(path)
    conn = sqlite3.connect(target, uri=readonly, isolation_level=None, timeout=10.0)
    conn.row_factory = sqlite3.Row
    try:
        if not readonly:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        result = [row[0] for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as error:
        conn.close()
        if _is_corruption(error):
            raise CorruptDatabaseError(path, str(error), newest_backup(path)) from error
        raise StoreError(f"cannot open the visit database {path}: {error}") from error
    if result != ["ok"]:
        conn.close()
        raise CorruptDatabaseError(path, "; ".join(result[:3]), newest_backup(path))
    if new and not readonly and os.name != "nt":
        os.chmod(path, 0o600)  # patient data: only the owner reads the file
    return conn


class transaction:
    """``with transaction(conn):`` runs the block in ``BEGIN IMMEDIATE`` ... ``COMMIT``, rolling back on error."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        elif self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


def _step_sql(step: str) -> str:
    return _SCHEMA.read_text(encoding="utf-8") if step == "@schema.sql" else step


def migrate(conn: sqlite3.Connection, path: Path, target: int = LATEST_VERSION) -> Path | None:
    """Bring the file up to schema ``target``, one step per transaction.

    Args:
        conn: An open connection to ``path``.
        path: The database file (where the backup goes).
        target: The version to reach; tests stop early to build an old file.

    Returns:
        The backup taken before migrating an existing file, or ``None`` (new file or nothing to do).

    Raises:
        StoreError: The file was written by a newer TingJi, or a step failed (the file is left at the last step).
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > LATEST_VERSION:
        raise StoreError(f"{path} was written by a newer TingJi (schema {version}, this one knows "
                         f"{LATEST_VERSION}); update TingJi before opening it")
    saved = backup(conn, path, f"v{version}") if 0 < version < target else None
    for number in range(version + 1, target + 1):
        script = _step_sql(MIGRATIONS[number - 1])
        try:
            conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
        except sqlite3.Error as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(f"migrating {path} to schema {number} failed ({error}); "
                             f"the file is unchanged at schema {number - 1}, backup: {saved}") from error
        log.info("migrated %s to schema %d", path, number)
    return saved


def backup(conn: sqlite3.Connection, path: Path, label: str) -> Path:
    """Copy the live database next to ``path`` with SQLite's online backup API.

    Returns:
        The backup file (mode 0600).
    """
    path = Path(path)
    stamp = datetime.now(timezone.utc).strftime(_STAMP)
    target = path.with_name(f"{path.name}.{stamp}-{label}.bak")
    copy = sqlite3.connect(target)
    try:
        conn.backup(copy)
    finally:
        copy.close()
    if os.name != "nt":
        os.chmod(target, 0o600)
    log.info("backed up %s to %s", path, target)
    return target


def list_backups(path: Path) -> list[Path]:
    """Backups of ``path`` next to it, oldest first."""
    path = Path(path)
    return sorted(path.parent.glob(f"{path.name}.*.bak"), key=lambda p: p.name)


def newest_backup(path: Path) -> Path | None:
    """The most recent backup of ``path``, or ``None``."""
    backups = list_backups(path)
    return backups[-1] if backups else None


def backup_if_due(conn: sqlite3.Connection, path: Path, every: timedelta = timedelta(days=1),
                  keep: int = 7) -> Path | None:
    """Take a ``daily`` backup when the newest backup is older than ``every``; keep the last ``keep`` daily ones.

    Returns:
        The new backup, or ``None`` when none was due or the store has no visits yet.
    """
    if conn.execute("SELECT 1 FROM visits LIMIT 1").fetchone() is None:
        return None
    newest = newest_backup(path)
    if newest is not None:
        age = datetime.now(timezone.utc).timestamp() - newest.stat().st_mtime
        if age < every.total_seconds():
            return None
    made = backup(conn, path, "daily")
    dailies = [p for p in list_backups(path) if p.name.endswith("-daily.bak")]
    for old in dailies[:-keep]:
        old.unlink(missing_ok=True)
    return made


def restore(path: Path, backup_path: Path) -> Path | None:
    """Put a backup in place of ``path``; the replaced file (and its WAL) is moved aside, never deleted.

    Args:
        path: The database file to replace (it may be missing or damaged).
        backup_path: A backup made by :func:`backup`.

    Returns:
        Where the replaced file was moved, or ``None`` when there was none.

    Raises:
        StoreError: The backup is missing; CorruptDatabaseError: the backup itself is damaged.
    """
    path, backup_path = Path(path), Path(backup_path)
    if not backup_path.is_file():
        raise StoreError(f"backup {backup_path} not found")
    source = connect(backup_path, readonly=True)
    stamp = datetime.now(timezone.utc).strftime(_STAMP)
    moved = None
    if path.exists():
        moved = path.with_name(f"{path.name}.{stamp}.replaced")
        os.replace(path, moved)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            shutil.move(side, path.with_name(f"{path.name}.{stamp}.replaced{suffix}"))
    copy = sqlite3.connect(path)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    if os.name != "nt":
        os.chmod(path, 0o600)
    log.warning("restored %s from %s (replaced file kept at %s)", path, backup_path, moved)
    return moved
