"""Encrypted visit storage, the tamper-evident audit trail and audio retention (no Qt anywhere in here).

One SQLite file (``app.paths.data_dir()/tingji.db``) holds visits, transcripts, every record version, sign-offs,
QC reviews and the hash-chained audit log; patient identity, transcripts and records are AES-256-GCM blobs, and
visit audio is encrypted into ``audio/`` next to the database. ``cryptography`` is imported only when a key is used.
"""

from app.store.audit import AuditCheck, AuditEntry
from app.store.errors import (
    CorruptDatabaseError,
    KeyFilePermissionError,
    KeyMissingError,
    SignedVisitError,
    StoreError,
    TamperedError,
    VisitNotFoundError,
    WrongKeyError,
)
from app.store.types import AudioInfo, DeletedAudio, Patient, RecordVersion, Review, Signoff, Visit, VisitData
from app.store.visits import Store, default_db_path

__all__ = [
    "AuditCheck", "AuditEntry", "CorruptDatabaseError", "KeyFilePermissionError", "KeyMissingError",
    "SignedVisitError", "StoreError", "TamperedError", "VisitNotFoundError", "WrongKeyError", "AudioInfo",
    "DeletedAudio", "Patient", "RecordVersion", "Review", "Signoff", "Visit", "VisitData", "Store",
    "default_db_path",
]
