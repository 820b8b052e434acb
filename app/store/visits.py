"""The store the UI calls: visits, transcripts, every record version, sign-offs, QC reviews and audio.

Every mutating call writes its audit entry in the same transaction as the change. Every query filters on the
owner (the OS user, injectable), so each user sees only their own visits; another user's visit id reads as missing.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import sqlite3
import uuid
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from app.store import audit, crypto, db, keys
from app.store.errors import KeyMissingError, SignedVisitError, StoreError, TamperedError, WrongKeyError
from app.store.reading import StoreReader
from app.store.types import KINDS, REASONS, STATUSES, DeletedAudio, Patient, Signoff

__all__ = ["Store", "DB_NAME", "default_db_path", "record_hash", "key_matches"]

log = logging.getLogger(__name__)

DB_NAME = "tingji.db"
_KEY_CHECK = "key_check"
_KEY_CHECK_AAD = crypto.context("meta", "value", _KEY_CHECK, "")


def default_db_path() -> Path:
    """``app.paths.data_dir() / "tingji.db"``."""
    from app.paths import data_dir

    return data_dir() / DB_NAME


def record_hash(record: dict) -> str:
    """sha256 hex of a record's canonical JSON (what a sign-off covers)."""
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def key_matches(conn: sqlite3.Connection, key: bytes) -> bool | None:
    """Whether ``key`` is the key this database was written with; ``None`` when it has no key yet."""
    check = conn.execute("SELECT value FROM meta WHERE key = ?", (_KEY_CHECK,)).fetchone()
    if check is None:
        return None
    try:
        crypto.decrypt_blob(key, bytes.fromhex(check[0]), _KEY_CHECK_AAD)
    except (TamperedError, ValueError):
        return False
    return True


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _flac_duration(path: Path) -> float | None:
    """Duration from a FLAC file's STREAMINFO block, or ``None`` when it is not FLAC or does not say."""
    with open(path, "rb") as f:
        head = f.read(42)
    if len(head) < 42 or head[:4] != b"fLaC" or head[4] & 0x7F != 0:
        return None
    packed = int.from_bytes(head[18:26], "big")
    rate, samples = packed >> 44, packed & ((1 << 36) - 1)
    return samples / rate if rate and samples else None


class Store(StoreReader):
    """An open visit store. Use :meth:`open`; close it (or use ``with``) when done."""

    def __init__(self, conn: sqlite3.Connection, path: Path, key: bytes, user: str):
        self.conn, self.path, self.key, self.user = conn, Path(path), key, user
        self.audio_dir = self.path.parent / "audio"

    @classmethod
    def open(cls, path: Path | str | None = None, key: bytes | None = None, user: str | None = None, *,
             key_file: Path | None = None) -> Store:
        """Open (creating or migrating) the store.

        Args:
            path: The database file (default :func:`default_db_path`).
            key: The 32-byte store key (default: from the keyring or key file, created on first use).
            user: The OS user whose visits are visible (default ``getpass.getuser()``).
            key_file: The key file to use instead of ``data_dir()/store.key``.

        Raises:
            CorruptDatabaseError: The file is damaged (the message names the newest backup).
            KeyMissingError: The store holds data but its key is gone.
            WrongKeyError: The key does not open this store.
        """
        path = Path(path) if path else default_db_path()
        user = user or getpass.getuser()
        conn = db.connect(path)
        try:
            db.migrate(conn, path)
            keyed = conn.execute("SELECT 1 FROM meta WHERE key = ?", (_KEY_CHECK,)).fetchone() is not None
            if key is None:
                key = keys.find_key(user, key_file)
                if key is None and keyed:
                    raise KeyMissingError(
                        f"{path} is encrypted but its key is in neither the OS keyring nor "
                        f"{key_file or keys.default_key_file()}; restore the key from IT's key backup")
                key = key or keys.load_or_create_key(user, key_file)
            matches = key_matches(conn, key)
            if matches is None:
                with db.transaction(conn):
                    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)",
                                 (_KEY_CHECK, crypto.encrypt_blob(key, b"tingji", _KEY_CHECK_AAD).hex()))
            elif not matches:
                raise WrongKeyError(f"the store key does not open {path}: it belongs to another store or was "
                                    f"replaced; restore this store's key from IT's key backup")
            db.backup_if_due(conn, path)
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, key, user)

    @classmethod
    def restore(cls, path: Path | str | None, backup: Path, key: bytes | None = None, user: str | None = None,
                **kwargs) -> Store:
        """Put ``backup`` in place of the database (the old file is kept aside), open it and audit the restore."""
        path = Path(path) if path else default_db_path()
        moved = db.restore(path, backup)
        store = cls.open(path, key, user, **kwargs)
        store.log("restore", details={"backup": Path(backup).name, "old": moved.name if moved else None})
        return store

    def close(self) -> None:
        """Close the database connection."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ----------------------------------------------------------------------------------------------

    def _audit(self, action: str, visit_id: str | None, doctor: str = "", details: dict | None = None) -> None:
        audit.append(self.conn, action=action, os_user=self.user, doctor=doctor, visit_id=visit_id,
                     details=details, key=self.key)

    def _touch(self, visit_id: str, status: str | None = None) -> None:
        self.conn.execute("UPDATE visits SET updated_at = ?, status = COALESCE(?, status) WHERE id = ?",
                          (_now(), status, visit_id))

    def log(self, action: str, visit_id: str | None = None, details: dict | None = None, doctor: str = "") -> None:
        """Audit an action done outside the store: export, copy, template-change, settings-change..."""
        if visit_id is not None:
            doctor = doctor or self._row(visit_id)["doctor"]
        self._audit(action, visit_id, doctor, details)

    def create_visit(self, *, doctor: str, patient: Patient, kind: str = "初诊", department: str = "",
                     template_id: str = "", template_version: str = "", template_hash: str = "") -> str:
        """Start a visit (status ``recording``) and return its id."""
        if kind not in KINDS:
            raise ValueError(f"visit kind must be one of {KINDS}, not {kind!r}")
        visit_id, now = uuid.uuid4().hex, _now()
        blob = crypto.encrypt_json(self.key, asdict(patient), crypto.context("visits", "patient", visit_id, visit_id))
        with db.transaction(self.conn):
            self.conn.execute(
                "INSERT INTO visits VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'recording', ?, ?)",
                (visit_id, self.user, doctor, blob, department, template_id, template_version, template_hash,
                 kind, now, now))
            self._audit("record", visit_id, doctor, {"kind": kind, "department": department,
                                                     "template_id": template_id, "template_version": template_version})
        log.info("created visit %s", visit_id)
        return visit_id

    def set_status(self, visit_id: str, status: str) -> None:
        """Move a visit to ``recording``, ``processing`` or ``draft`` (signing goes through :meth:`sign`)."""
        if status not in STATUSES[:3]:
            raise ValueError(f"status must be one of {STATUSES[:3]}, not {status!r}")
        with db.transaction(self.conn):
            row = self._row(visit_id)
            if row["status"] == "signed":
                raise SignedVisitError(f"visit {visit_id} is signed; its status cannot change")
            self._touch(visit_id, status)
            self._audit("status-change", visit_id, row["doctor"], {"old": row["status"], "new": status})

    def save_transcript(self, visit_id: str, transcript: object, details: dict | None = None) -> None:
        """Store (or replace) the labelled transcript JSON; ``details`` names the models (never text)."""
        blob = crypto.encrypt_json(self.key, transcript, crypto.context("transcripts", "body", visit_id, visit_id))
        with db.transaction(self.conn):
            row = self._row(visit_id)
            self.conn.execute("INSERT OR REPLACE INTO transcripts VALUES (?, ?, ?)", (visit_id, blob, _now()))
            self._touch(visit_id, "processing" if row["status"] == "recording" else None)
            self._audit("transcribe", visit_id, row["doctor"], details)

    def save_record_version(self, visit_id: str, record: dict, author: str, reason: str,
                            details: dict | None = None) -> int:
        """Keep a new version of the record (earlier ones are never overwritten); return its number.

        Raises:
            SignedVisitError: The visit is already signed.
            ValueError: ``reason`` is not generate, edit or regenerate-section.
        """
        if reason not in REASONS[:3]:
            raise ValueError(f"reason must be one of {REASONS[:3]}, not {reason!r} (sign through Store.sign)")
        with db.transaction(self.conn):
            row = self._row(visit_id)
            if row["status"] == "signed":
                raise SignedVisitError(f"visit {visit_id} is signed; its record can no longer be edited")
            version = self._add_version(visit_id, record, author, reason)
            self._touch(visit_id, "draft")
            self._audit(reason, visit_id, author, {**(details or {}), "version": version})
        return version

    def _add_version(self, visit_id: str, record: dict, author: str, reason: str) -> int:
        last = self.conn.execute("SELECT MAX(version) FROM record_versions WHERE visit_id = ?", (visit_id,))
        version = (last.fetchone()[0] or 0) + 1
        blob = crypto.encrypt_json(self.key, record, crypto.context("record_versions", "body", version, visit_id))
        self.conn.execute("INSERT INTO record_versions VALUES (?, ?, ?, ?, ?, ?)",
                          (visit_id, version, blob, author, _now(), reason))
        return version

    def sign(self, visit_id: str, doctor: str) -> Signoff:
        """Sign the newest record version: kept as a ``sign`` version with its hash; the visit becomes ``signed``."""
        with db.transaction(self.conn):
            row = self._row(visit_id)
            versions = self._versions(visit_id)
            if row["status"] == "signed":
                raise SignedVisitError(f"visit {visit_id} is already signed")
            if not versions:
                raise StoreError(f"visit {visit_id} has no record to sign yet; generate or write one first")
            record = versions[-1].record
            version = self._add_version(visit_id, record, doctor, "sign")
            signoff = Signoff(doctor, _now(), version, record_hash(record))
            self.conn.execute("INSERT INTO signoffs VALUES (?, ?, ?, ?, ?)",
                              (visit_id, signoff.signed_by, signoff.signed_at, version, signoff.record_hash))
            self._touch(visit_id, "signed")
            self._audit("sign", visit_id, doctor, {"version": version, "record_hash": signoff.record_hash})
        return signoff

    def review_finding(self, visit_id: str, finding_id: str, reviewed_by: str) -> None:
        """Record that ``reviewed_by`` looked at the QC finding ``finding_id``."""
        with db.transaction(self.conn):
            self._row(visit_id)
            self.conn.execute("INSERT INTO qc_reviews (visit_id, finding_id, reviewed_by, reviewed_at) "
                              "VALUES (?, ?, ?, ?)", (visit_id, finding_id, reviewed_by, _now()))
            self._audit("qc-review", visit_id, reviewed_by, {"finding_id": finding_id})

    def attach_audio(self, visit_id: str, flac_path: Path, duration_s: float | None = None,
                     remove_source: bool = False) -> Path:
        """Encrypt the visit's audio into the store's ``audio/`` folder (streamed in 1 MiB chunks).

        Args:
            visit_id: The visit.
            flac_path: The plaintext recording.
            duration_s: Its length; read from the FLAC header when omitted.
            remove_source: Delete the plaintext file once the encrypted copy is committed.

        Returns:
            The encrypted file.
        """
        row = self._row(visit_id)
        target = self.audio_dir / f"{visit_id}.flac.enc"
        size = crypto.encrypt_file(self.key, Path(flac_path), target, crypto.context("audio", "file", visit_id,
                                                                                      visit_id))
        duration_s = duration_s if duration_s is not None else _flac_duration(Path(flac_path))
        with db.transaction(self.conn):
            self.conn.execute("INSERT OR REPLACE INTO audio VALUES (?, ?, ?, ?, NULL)",
                              (visit_id, target.relative_to(self.path.parent).as_posix(), duration_s, _now()))
            self._audit("audio-attach", visit_id, row["doctor"], {"duration_s": duration_s, "bytes": size})
        if remove_source:
            os.unlink(flac_path)
        return target

    def delete_old_audio(self, days: int, now: datetime | None = None) -> list[DeletedAudio]:
        """Retention: delete this user's audio older than ``days`` days, audited; records stay (see retention)."""
        from app.store.retention import delete_old_audio

        return delete_old_audio(self, days, now)
