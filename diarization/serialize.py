"""Read back a role-labelled transcript written as JSON (``tingji visit --output``)."""

from __future__ import annotations

from asr.types import Word
from diarization.types import LabelledTranscript, RoleAssignment, Utterance

__all__ = ["labelled_from_dict"]


def labelled_from_dict(data: dict) -> LabelledTranscript:
    """Rebuild a :class:`LabelledTranscript` from its JSON form.

    Raises:
        ValueError: The data is not a labelled transcript (names the missing field).
    """
    try:
        utterances = tuple(
            Utterance(
                u["id"], u["speaker"], u["role"], float(u["start"]), float(u["end"]), u["text"],
                tuple(Word(float(w["start"]), float(w["end"]), w["text"], float(w.get("probability", 1.0)))
                      for w in u.get("words", ())),
                tuple(u.get("flags", ())),
            )
            for u in data["utterances"]
        )
        roles = tuple(
            RoleAssignment(r["speaker"], r["role"], float(r.get("confidence", 1.0)), r.get("reason", ""),
                           r.get("name", ""))
            for r in data.get("roles", ())
        )
        return LabelledTranscript(utterances, roles, float(data.get("duration", 0.0)), data.get("language", "zh"),
                                  dict(data.get("provenance", {})))
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"not a labelled transcript: missing or malformed field {error}") from error
