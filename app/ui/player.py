"""Replay of a sentence's evidence: the audio span of its supporting utterances."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from asr.audio import SAMPLE_RATE

__all__ = ["EvidencePlayer"]

log = logging.getLogger(__name__)


def _sounddevice_output(samples: np.ndarray, rate: int) -> None:
    import sounddevice

    sounddevice.stop()
    sounddevice.play(samples, rate)


class EvidencePlayer:
    """Plays spans of the visit's audio on the default output device (sounddevice; non-blocking).

    Args:
        output: ``f(samples, rate)`` that starts playback and returns at once; sounddevice's by default.
        margin: Seconds added before and after a span so the first and last words are not clipped.
    """

    def __init__(self, output: Callable[[np.ndarray, int], None] | None = None, margin: float = 0.3):
        self._output = output or _sounddevice_output
        self.margin = margin
        self.audio: np.ndarray | None = None
        self.last_span: tuple[float, float] | None = None

    def set_audio(self, audio: np.ndarray | None) -> None:
        """The visit's 16 kHz mono audio (None: nothing to play)."""
        self.audio = audio

    def play(self, start: float, end: float) -> str:
        """Play ``start``–``end`` seconds; returns an empty string, or why nothing plays (for the status bar)."""
        if self.audio is None or not len(self.audio):
            return "no audio for this visit"
        first = max(0, int((start - self.margin) * SAMPLE_RATE))
        last = min(len(self.audio), int((end + self.margin) * SAMPLE_RATE))
        if last <= first:
            return "the evidence lies outside the recording"
        self.last_span = (first / SAMPLE_RATE, last / SAMPLE_RATE)
        try:
            self._output(np.ascontiguousarray(self.audio[first:last]), SAMPLE_RATE)
        except Exception as error:  # noqa: BLE001 - no speaker must not break the editor
            log.warning("evidence playback failed: %s", error)
            return f"cannot play audio: {error}"
        return ""
