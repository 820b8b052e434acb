"""The read side of :class:`app.store.visits.Store`: decrypting visits, record versions and audio, for this user only.

Kept apart from the writing calls so each file stays small; :class:`StoreReader` is only used as Store's base.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from app.store import audit, crypto
from app.store.errors import StoreError, VisitNotFoundError
from app.store.types import AudioInfo, Patient, RecordVersion, Review, Signoff, Visit, VisitData

__all__ = ["StoreReader"]


class StoreReader:
    """Queries over one open database, filtered on ``user`` (the owner column)."""

    conn: sqlite3.Connection
    path: Path
    key: bytes
    user: str

    def _row(self, visit_id: str) -> sqlite3.Row:
        row = self.conn.execute("SELECT * FROM visits WHERE id = ? AND owner = ?", (visit_id, self.user)).fetchone()
        if row is None:
            raise VisitNotFoundError(f"no visit {visit_id} for user {self.user}")
        return row

    def _visit(self, row: sqlite3.Row) -> Visit:
        patient = crypto.decrypt_json(self.key, row["patient"], crypto.context("visits", "patient", row["id"],
                                                                                 row["id"]))
        fields = {name: row[name] for name in row.keys() if name != "patient"}
        return Visit(patient=Patient(**patient), **fields)

    def _versions(self, visit_id: str) -> list[RecordVersion]:
        rows = self.conn.execute("SELECT * FROM record_versions WHERE visit_id = ? ORDER BY version", (visit_id,))
        return [RecordVersion(r["version"], crypto.decrypt_json(self.key, r["body"], crypto.context(
            "record_versions", "body", r["version"], visit_id)), r["author"], r["created_at"], r["reason"])
            for r in rows]

    def list_visits(self, day: date | None = None) -> list[Visit]:
        """This user's visits started on ``day`` (local calendar day, default today), oldest first."""
        day = day or date.today()
        start = datetime.combine(day, time.min).astimezone().astimezone(timezone.utc)
        bounds = [moment.isoformat(timespec="microseconds") for moment in (start, start + timedelta(days=1))]
        rows = self.conn.execute("SELECT * FROM visits WHERE owner = ? AND created_at >= ? AND created_at < ? "
                                 "ORDER BY created_at", (self.user, *bounds))
        return [self._visit(row) for row in rows]

    def load_visit(self, visit_id: str) -> VisitData:
        """Everything stored for one of this user's visits, decrypted.

        Raises:
            VisitNotFoundError: No such visit for this user. TamperedError: a blob was changed or moved.
        """
        visit = self._visit(self._row(visit_id))
        found = self.conn.execute("SELECT body FROM transcripts WHERE visit_id = ?", (visit_id,)).fetchone()
        transcript = crypto.decrypt_json(self.key, found[0], crypto.context("transcripts", "body", visit_id,
                                                                              visit_id)) if found else None
        signoffs = tuple(Signoff(r["signed_by"], r["signed_at"], r["version"], r["record_hash"]) for r in
                         self.conn.execute("SELECT * FROM signoffs WHERE visit_id = ? ORDER BY version", (visit_id,)))
        reviews = tuple(Review(r["finding_id"], r["reviewed_by"], r["reviewed_at"]) for r in
                        self.conn.execute("SELECT * FROM qc_reviews WHERE visit_id = ? ORDER BY id", (visit_id,)))
        a = self.conn.execute("SELECT * FROM audio WHERE visit_id = ?", (visit_id,)).fetchone()
        audio = (AudioInfo(self.path.parent / a["path"], a["duration_s"], a["created_at"], a["deleted_at"])
                 if a else None)
        return VisitData(visit, transcript, tuple(self._versions(visit_id)), signoffs, reviews, audio)

    def iter_audio(self, visit_id: str) -> Iterator[bytes]:
        """The visit's audio, decrypted chunk by chunk.

        Raises:
            StoreError: No audio, or retention already deleted it. TamperedError: the file was changed.
        """
        self._row(visit_id)
        a = self.conn.execute("SELECT path, deleted_at FROM audio WHERE visit_id = ?", (visit_id,)).fetchone()
        if a is None or a["deleted_at"]:
            raise StoreError(f"visit {visit_id} has no audio" + (f" (deleted by retention {a['deleted_at']})"
                                                                  if a else ""))
        return crypto.iter_decrypted_file(self.key, self.path.parent / a["path"],
                                          crypto.context("audio", "file", visit_id, visit_id))

    def read_audio(self, visit_id: str) -> bytes:
        """The visit's whole audio file, decrypted (see :meth:`iter_audio` to stream it)."""
        return b"".join(self.iter_audio(visit_id))

    def verify_audit(self) -> audit.AuditCheck:
        """Check the audit chain and its sealed head."""
        return audit.verify(self.conn, self.key)

    def export_audit(self, since: date, fmt: str = "csv") -> str:
        """The audit entries from ``since`` on as CSV or JSON."""
        return audit.export(self.conn, since, fmt)
