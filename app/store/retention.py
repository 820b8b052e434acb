"""Retention: delete visit audio older than N days; transcripts, records and the audit trail are kept.

Each deletion is marked in the ``audio`` row and audited (``retention-delete``) in one transaction; the files are
unlinked after the commit. A file whose row is already marked (a run interrupted by a crash) is removed on the next
run, so a marked file never lingers.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from app.store import db
from app.store.types import DeletedAudio

if TYPE_CHECKING:
    from app.store.visits import Store

__all__ = ["delete_old_audio"]

log = logging.getLogger(__name__)


def delete_old_audio(store: Store, days: int, now: datetime | None = None) -> list[DeletedAudio]:
    """Delete the store user's audio files attached more than ``days`` days before ``now``.

    Args:
        store: An open store; only its user's visits are touched.
        days: Keep audio this many days (0 deletes all audio attached before ``now``).
        now: The current time (UTC; injectable for tests).

    Returns:
        What was deleted, oldest first.

    Raises:
        ValueError: ``days`` is negative.
    """
    if days < 0:
        raise ValueError(f"retention days must be 0 or more, not {days}")
    now = now or datetime.now(timezone.utc)
    cutoff = (now - timedelta(days=days)).astimezone(timezone.utc).isoformat(timespec="microseconds")
    root = store.path.parent
    deleted: list[DeletedAudio] = []
    with db.transaction(store.conn):
        rows = store.conn.execute(
            "SELECT a.visit_id, a.path, a.created_at, a.duration_s, v.doctor FROM audio a JOIN visits v "
            "ON v.id = a.visit_id WHERE v.owner = ? AND a.deleted_at IS NULL AND a.created_at < ? "
            "ORDER BY a.created_at", (store.user, cutoff)).fetchall()
        stamp = now.astimezone(timezone.utc).isoformat(timespec="microseconds")
        for row in rows:
            store.conn.execute("UPDATE audio SET deleted_at = ? WHERE visit_id = ?", (stamp, row["visit_id"]))
            store._audit("retention-delete", row["visit_id"], row["doctor"],
                         {"days": days, "duration_s": row["duration_s"]})
            deleted.append(DeletedAudio(row["visit_id"], root / row["path"], row["created_at"], row["duration_s"]))
    marked = store.conn.execute(
        "SELECT a.path FROM audio a JOIN visits v ON v.id = a.visit_id WHERE v.owner = ? AND a.deleted_at IS NOT NULL",
        (store.user,)).fetchall()
    for (path,) in marked:
        _unlink(root / path)
    for item in deleted:
        log.info("retention deleted the audio of visit %s (older than %d days)", item.visit_id, days)
    return deleted


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        log.warning("could not delete %s (%s); retention will retry", path, error)
