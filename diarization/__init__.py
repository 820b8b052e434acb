"""Speakers and roles: pyannote.audio from a local folder, words attributed to speakers, doctor/patient/other.

Heavy libraries (torch, pyannote.audio) are imported inside load functions, never here.
"""

from diarization.types import (
    ROLES,
    DiarizationOptions,
    DiarizationResult,
    LabelledTranscript,
    RoleAssignment,
    SpeakerTurn,
    Utterance,
)

__all__ = [
    "ROLES", "DiarizationOptions", "DiarizationResult", "LabelledTranscript", "RoleAssignment", "SpeakerTurn",
    "Utterance",
]
