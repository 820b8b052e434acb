"""RTTM, the standard text format of speaker turns (one ``SPEAKER`` line per turn)."""

from __future__ import annotations

from pathlib import Path

from diarization.types import SpeakerTurn

__all__ = ["format_rttm", "read_rttm"]


def format_rttm(turns, uri: str = "visit") -> str:
    """RTTM lines for ``turns``."""
    return "".join(
        f"SPEAKER {uri} 1 {t.start:.3f} {t.end - t.start:.3f} <NA> <NA> {t.speaker} <NA> <NA>\n" for t in turns
    )


def read_rttm(path: str | Path) -> dict[str, list[SpeakerTurn]]:
    """Turns per recording id from an RTTM file.

    Raises:
        ValueError: A line is malformed (the message names the file and the line number).
    """
    result: dict[str, list[SpeakerTurn]] = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        fields = line.split()
        if not fields or fields[0] != "SPEAKER":
            continue
        try:
            uri, start, duration, speaker = fields[1], float(fields[3]), float(fields[4]), fields[7]
        except (IndexError, ValueError) as error:
            raise ValueError(f"{path}:{number}: malformed RTTM line ({error})") from error
        result.setdefault(uri, []).append(SpeakerTurn(start, start + duration, speaker))
    return result
