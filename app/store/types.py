"""Plain data the store hands to its callers: visits, record versions, sign-offs, reviews and audio."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["KINDS", "STATUSES", "REASONS", "Patient", "Visit", "RecordVersion", "Signoff", "Review", "AudioInfo",
           "VisitData", "DeletedAudio"]

KINDS = ("初诊", "复诊")
STATUSES = ("recording", "processing", "draft", "signed")
REASONS = ("generate", "edit", "regenerate-section", "sign")


@dataclass(frozen=True)
class Patient:
    """Who the visit is about; stored only inside an encrypted blob."""

    name: str = ""
    patient_id: str = ""
    sex: str = ""
    age: str = ""


@dataclass(frozen=True)
class Visit:
    """One visit's row, with the patient decrypted. Times are UTC ISO 8601."""

    id: str
    owner: str
    doctor: str
    patient: Patient
    department: str
    template_id: str
    template_version: str
    template_hash: str
    kind: str
    status: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class RecordVersion:
    """One kept version of the record; ``reason`` is generate, edit, regenerate-section or sign."""

    version: int
    record: dict
    author: str
    created_at: str
    reason: str


@dataclass(frozen=True)
class Signoff:
    """A signature over one record version (``record_hash``: sha256 of its canonical JSON)."""

    signed_by: str
    signed_at: str
    version: int
    record_hash: str


@dataclass(frozen=True)
class Review:
    """A QC finding the doctor marked as reviewed."""

    finding_id: str
    reviewed_by: str
    reviewed_at: str


@dataclass(frozen=True)
class AudioInfo:
    """The visit's encrypted audio file; ``deleted_at`` is set once retention removed it."""

    path: Path
    duration_s: float | None
    created_at: str
    deleted_at: str | None


@dataclass(frozen=True)
class VisitData:
    """Everything stored for one visit, decrypted."""

    visit: Visit
    transcript: object | None = None
    versions: tuple[RecordVersion, ...] = ()
    signoffs: tuple[Signoff, ...] = ()
    reviews: tuple[Review, ...] = ()
    audio: AudioInfo | None = None

    @property
    def record(self) -> dict | None:
        """The newest record version, or ``None`` before the first draft."""
        return self.versions[-1].record if self.versions else None


@dataclass(frozen=True)
class DeletedAudio:
    """One audio file removed by retention."""

    visit_id: str
    path: Path
    created_at: str
    duration_s: float | None = field(default=None)
