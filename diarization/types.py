"""Interchange types of the diarization stage: frozen dataclasses, times in float seconds.

A pyannote ``Annotation`` never leaves :mod:`diarization`; it becomes :class:`SpeakerTurn` values at the package edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from asr.types import Word

__all__ = [
    "ROLES",
    "SpeakerTurn",
    "RoleAssignment",
    "Utterance",
    "DiarizationOptions",
    "DiarizationResult",
    "LabelledTranscript",
]

ROLES = ("doctor", "patient", "other")  # "other" is a companion (家属) or anyone else


@dataclass(frozen=True, order=True)
class SpeakerTurn:
    """One stretch of speech by one speaker (speaker labels are cluster names such as ``"SPEAKER_00"``)."""

    start: float
    end: float
    speaker: str


@dataclass(frozen=True)
class RoleAssignment:
    """Who a speaker is in the visit, how sure we are, and why (shown to the doctor).

    Attributes:
        speaker: Cluster label.
        role: ``doctor``, ``patient`` or ``other``.
        confidence: 0..1.
        reason: Human-readable evidence, e.g. "voice matches enrolled doctor 王医生 (0.82)".
        name: The enrolled doctor's name when matched by voice.
    """

    speaker: str
    role: str
    confidence: float
    reason: str
    name: str = ""


@dataclass(frozen=True)
class Utterance:
    """Consecutive words of one speaker, the unit the record stage cites as evidence.

    Attributes:
        id: Stable id within the visit (``"u001"``...).
        speaker: Cluster label.
        role: ``doctor``, ``patient`` or ``other``.
        start: Start time in seconds.
        end: End time in seconds.
        text: The words joined.
        words: The words with their times.
        flags: ASR flags carried over (e.g. ``low_confidence``).
    """

    id: str
    speaker: str
    role: str
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DiarizationOptions:
    """How speakers are separated; echoed in every result.

    Attributes:
        num_speakers: Exact number of speakers when known.
        min_speakers: Lower bound when the number is unknown.
        max_speakers: Upper bound when the number is unknown.
        embedding_batch_size: Embeddings computed per batch (1 is fastest on a small CPU).
        segmentation_batch_size: Segmentation windows per batch.
        live_step: Seconds between the 10-s windows that live (incremental) mode analyses; None keeps the
            pipeline's own step (1 s for community-1). Live compute falls in proportion to the step (each window
            costs one segmentation and one embedding per local speaker), so 5 s costs a fifth; every frame is
            still seen by two windows. What it costs in accuracy is site-measurable with ``tingji eval diarization
            --live-step``.
    """

    num_speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None
    embedding_batch_size: int = 1
    segmentation_batch_size: int = 8
    live_step: float | None = None


@dataclass(frozen=True)
class DiarizationResult:
    """Who spoke when.

    Attributes:
        turns: Exclusive turns (no overlap), used to attribute words.
        overlapping_turns: Turns as detected, overlaps included (for display).
        speakers: Speaker labels in order of first appearance.
        centroids: Mean speaker embedding per label (for matching enrolled voices), may be empty.
        duration: Audio length in seconds.
        options: Options used.
        model: Model folder name and versions.
    """

    turns: tuple[SpeakerTurn, ...]
    overlapping_turns: tuple[SpeakerTurn, ...]
    speakers: tuple[str, ...]
    centroids: dict[str, tuple[float, ...]] = field(default_factory=dict)
    duration: float = 0.0
    options: DiarizationOptions = field(default_factory=DiarizationOptions)
    model: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LabelledTranscript:
    """The role-labelled transcript of a visit: the input of the record stage.

    Attributes:
        utterances: In time order.
        roles: One assignment per speaker.
        duration: Audio length in seconds.
        language: Transcript language.
        provenance: Models and options of the ASR and diarization stages.
    """

    utterances: tuple[Utterance, ...]
    roles: tuple[RoleAssignment, ...]
    duration: float
    language: str = "zh"
    provenance: dict = field(default_factory=dict)
