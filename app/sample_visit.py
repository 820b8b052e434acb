"""The bundled sample visit: a synthetic Mandarin outpatient conversation with its script and audio."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from diarization.types import Utterance
from resources import resource_path

__all__ = ["SampleVisit", "load_sample_visit"]


@dataclass(frozen=True)
class SampleVisit:
    """The sample visit: identity, audio file and the reference transcript (utterances without word times)."""

    id: str
    title: str
    department: str
    language: str
    audio: Path
    duration: float
    utterances: tuple[Utterance, ...]


def load_sample_visit(folder: Path | None = None) -> SampleVisit:
    """Load ``resources/sample_visit/visit.json`` (or another folder of the same layout).

    Raises:
        FileNotFoundError: The bundle is incomplete (a broken installation).
    """
    folder = folder or resource_path("sample_visit")
    data = json.loads((folder / "visit.json").read_text(encoding="utf-8"))
    speakers = data["speakers"]
    utterances = tuple(
        Utterance(u["id"], u["speaker"], speakers[u["speaker"]]["role"], u["start"], u["end"], u["text"])
        for u in data["utterances"]
    )
    audio = folder / data["audio"]
    if not audio.is_file():
        raise FileNotFoundError(f"the sample visit audio is missing: {audio}; reinstall TingJi")
    return SampleVisit(
        data["id"], data["title"], data["department"], data["language"], audio, data["duration"], utterances
    )
