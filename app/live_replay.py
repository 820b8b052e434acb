"""Replay of the bundled sample visit when no speech model is installed (no Qt).

It stands behind the same interface as :class:`app.live.LiveVisit` (``push``, ``stop``, ``abort``, ``duration``,
``segments``, ``stats``) so the window runs one flow either way; :class:`~app.live.LiveVisit` has its own tests with
real models. Instead of recognising speech it reports the sample's *reference* utterances as the played audio passes
their end, and the window labels the transcript as the sample's reference text, never as recognised speech.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

from app.live import LiveStats
from asr.audio import SAMPLE_RATE

__all__ = ["ReplayVisit", "reference_transcript"]


def reference_transcript(utterances: Sequence, *, language: str = "zh", duration: float | None = None):
    """Reference utterances as a :class:`~diarization.types.LabelledTranscript` (roles as the script gives them)."""
    from diarization.types import LabelledTranscript, RoleAssignment

    heard = tuple(sorted(utterances, key=lambda u: u.start))
    speakers: dict[str, str] = {}
    for u in heard:
        speakers.setdefault(u.speaker, u.role)
    roles = tuple(RoleAssignment(speaker, role, 1.0, "reference transcript of the sample visit")
                  for speaker, role in speakers.items())
    return LabelledTranscript(utterances=heard, roles=roles,
                              duration=duration if duration is not None else max((u.end for u in heard), default=0.0),
                              language=language,
                              provenance={"asr": {"model": "sample reference transcript"}, "diarization": None})


class ReplayVisit:
    """The sample visit's reference transcript, released in step with its audio.

    Args:
        utterances: The reference utterances (role-labelled, with times).
        language: Their language.
        on_segment: Called with each utterance once the pushed audio reaches its end.
    """

    is_reference = True

    def __init__(self, utterances: Sequence, *, language: str = "zh", on_segment: Callable | None = None):
        self._utterances = tuple(sorted(utterances, key=lambda u: u.end))
        self._language = language
        self._on_segment = on_segment
        self._released = 0
        self._pushed = 0
        self._lock = threading.Lock()
        self._stopped = False
        self.stats = LiveStats()

    @property
    def duration(self) -> float:
        return self._pushed / SAMPLE_RATE

    @property
    def segments(self) -> list:
        return list(self._utterances[:self._released])

    def backlog(self) -> dict[str, int]:
        return {}

    def push(self, block: np.ndarray, captured_at: float | None = None) -> None:
        if self._stopped:
            raise RuntimeError("push() after stop()")
        with self._lock:
            self._pushed += int(np.asarray(block).reshape(-1).size)
            due = []
            while self._released < len(self._utterances) and self._utterances[self._released].end <= self.duration:
                due.append(self._utterances[self._released])
                self._released += 1
        for utterance in due:
            if self._on_segment is not None:
                self._on_segment(utterance)

    def stop(self, *, progress: Callable[[str, float], None] | None = None, cancel=None):
        """The reference utterances heard so far, as a labelled transcript (all of them after a full replay)."""
        if self._stopped:
            raise RuntimeError("stop() called twice")
        self._stopped = True
        if progress:
            progress("asr", 1.0)
        return reference_transcript(self.segments, language=self._language, duration=self.duration)

    def abort(self) -> None:
        self._stopped = True
