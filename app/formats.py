"""Render transcripts as text, SRT or JSON for the command line."""

from __future__ import annotations

import json

from asr.types import Transcript, to_dict

__all__ = ["ROLE_LABELS", "clock", "transcript_text", "transcript_srt", "transcript_json"]

ROLE_LABELS = {"doctor": "医生", "patient": "患者", "other": "家属"}


def clock(seconds: float, srt: bool = False) -> str:
    """``mm:ss.s`` (or SRT's ``hh:mm:ss,mmm``)."""
    millis = int(round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    if srt:
        return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"
    return f"{hours * 60 + minutes:02d}:{secs:02d}.{millis // 100}"


def transcript_text(transcript: Transcript) -> str:
    """One line per segment: ``[start-end] text`` with flags in brackets."""
    lines = []
    for segment in transcript.segments:
        flags = f"  [{', '.join(segment.flags)}]" if segment.flags else ""
        lines.append(f"[{clock(segment.start)}-{clock(segment.end)}] {segment.text}{flags}")
    return "\n".join(lines)


def transcript_srt(transcript: Transcript) -> str:
    """SubRip subtitles."""
    blocks = []
    for number, segment in enumerate(transcript.segments, 1):
        blocks.append(f"{number}\n{clock(segment.start, True)} --> {clock(segment.end, True)}\n{segment.text}\n")
    return "\n".join(blocks)


def transcript_json(transcript: Transcript) -> str:
    """The full transcript with options and model identity."""
    return json.dumps(to_dict(transcript), ensure_ascii=False, indent=2)
