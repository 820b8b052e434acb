"""What the window knows about the visit on screen (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

__all__ = ["VisitState", "new_visit_id"]


def new_visit_id(now: datetime | None = None) -> str:
    """A sortable, unique-enough id for a visit: ``v20261121-093015-123``."""
    now = now or datetime.now()
    return now.strftime("v%Y%m%d-%H%M%S-") + f"{now.microsecond // 1000:03d}"


@dataclass
class VisitState:
    """One visit: its id, where its audio is, its transcript and record, and who signed it.

    Attributes:
        id: Visit id (also the journal folder name).
        title: What the visits list shows (the patient's name, else the start time).
        status: ``recording``, ``processing``, ``draft``, ``signed`` or ``interrupted``.
        template_id: Template of its record.
        journal: The journal folder while and after recording (None for the sample).
        audio: The visit's audio file (None until the journal is finished).
        reference: The transcript is the sample's reference text, not recognised speech.
        transcript: The labelled transcript (after Stop).
        record: The latest record (as drafted, or as the doctor edited it).
        reviewed_findings: QC finding ids the doctor marked as reviewed.
        signed_by: The doctor who signed.
        signed_at: When.
        store_id: The visit's id in the encrypted store (None when it is not stored: the sample, a store failure).
        samples: The visit's audio in memory (16 kHz float32) for evidence playback; None until it is known.
        stored_only: Listed from the store but not read yet (transcript, record and audio are read on first open).
    """

    id: str
    title: str
    status: str = "recording"
    template_id: str = "outpatient-initial"
    journal: Path | None = None
    audio: Path | None = None
    reference: bool = False
    transcript: object = None
    record: object = None
    reviewed_findings: set[str] = field(default_factory=set)
    signed_by: str = ""
    signed_at: datetime | None = None
    store_id: str | None = None
    samples: object = None
    stored_only: bool = False

    @property
    def utterances(self) -> tuple:
        return self.transcript.utterances if self.transcript is not None else ()
