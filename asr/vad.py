"""Voice activity detection for live and file audio, with one code path for both.

:class:`StreamingVad` runs faster-whisper's bundled Silero VAD (ONNX) frame by frame, carrying its recurrent state
and context across calls, in fixed batches counted from the start of the stream. However the audio is cut into
blocks, the same speech probabilities come out, so a live visit and the same audio read from a file are split into
the same speech regions. :class:`RegionTracker` turns the probabilities into closed speech regions.
"""

from __future__ import annotations

import numpy as np

from asr.audio import SAMPLE_RATE
from asr.types import VadOptions

__all__ = ["FRAME_SAMPLES", "StreamingVad", "RegionTracker"]

FRAME_SAMPLES = 512
_CONTEXT = 64


class StreamingVad:
    """Silero speech probabilities, one per 512-sample frame (32 ms), computed incrementally.

    Args:
        batch_frames: Frames evaluated per model call; the stream is always cut at multiples of it from the start.
    """

    def __init__(self, batch_frames: int = 16):
        from faster_whisper.vad import get_vad_model

        self._session = get_vad_model().session
        self._batch = batch_frames
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(_CONTEXT, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self.frames_done = 0

    def _run(self, frames: np.ndarray) -> np.ndarray:
        contexts = np.concatenate([self._context[None, :], frames[:-1, -_CONTEXT:]], axis=0)
        batch = np.concatenate([contexts, frames], axis=1).astype(np.float32)
        out, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        self._context = frames[-1, -_CONTEXT:].copy()
        self.frames_done += frames.shape[0]
        return np.asarray(out, dtype=np.float32).reshape(-1)

    def push(self, samples: np.ndarray) -> np.ndarray:
        """Add 16 kHz mono samples; return the probabilities of the frames completed by them."""
        self._pending = np.concatenate([self._pending, np.asarray(samples, dtype=np.float32)])
        step = self._batch * FRAME_SAMPLES
        usable = (self._pending.size // step) * step
        if usable == 0:
            return np.zeros(0, dtype=np.float32)
        probs = [self._run(self._pending[i:i + step].reshape(-1, FRAME_SAMPLES)) for i in range(0, usable, step)]
        self._pending = self._pending[usable:]
        return np.concatenate(probs)

    def flush(self) -> np.ndarray:
        """End of stream: evaluate the remaining samples (the last frame zero-padded)."""
        if self._pending.size == 0:
            return np.zeros(0, dtype=np.float32)
        padded = np.pad(self._pending, (0, (-self._pending.size) % FRAME_SAMPLES))
        self._pending = np.zeros(0, dtype=np.float32)
        return self._run(padded.reshape(-1, FRAME_SAMPLES))


class RegionTracker:
    """Turn per-frame speech probabilities into closed speech regions (sample indices, unpadded).

    A region opens at a frame at or above the threshold and closes once ``min_silence_ms`` of frames below
    ``threshold - 0.15`` follow it. A region reaching ``max_region_s`` is cut at its last pause of at least
    100 ms, or hard at the limit when it has none. Regions shorter than ``min_speech_ms`` are discarded.
    """

    def __init__(self, options: VadOptions, sample_rate: int = SAMPLE_RATE):
        self.options = options
        self._thr = options.threshold
        self._neg = max(options.threshold - 0.15, 0.01)
        self._min_speech = sample_rate * options.min_speech_ms // 1000
        self._min_silence = sample_rate * options.min_silence_ms // 1000
        self._max_region = int(sample_rate * options.max_region_s)
        self._short_pause = sample_rate * 98 // 1000
        self._frame = 0
        self.triggered = False
        self.start = 0
        self._temp_end = 0
        self._prev_end = 0
        self._next_start = 0

    @property
    def position(self) -> int:
        """Sample index up to which probabilities have been seen."""
        return self._frame * FRAME_SAMPLES

    def _close(self, start: int, end: int, out: list[tuple[int, int]]) -> None:
        if end - start >= self._min_speech:
            out.append((start, end))

    def update(self, probs: np.ndarray) -> list[tuple[int, int]]:
        """Consume probabilities of consecutive frames; return regions closed by them."""
        closed: list[tuple[int, int]] = []
        for prob in np.asarray(probs, dtype=np.float32).reshape(-1):
            pos = self._frame * FRAME_SAMPLES
            self._frame += 1
            if prob >= self._thr:
                if self._temp_end:
                    if pos - self._temp_end >= self._short_pause:
                        self._prev_end, self._next_start = self._temp_end, pos
                    self._temp_end = 0
                if not self.triggered:
                    self.triggered, self.start, self._prev_end = True, pos, 0
                    continue
            if not self.triggered:
                continue
            if pos - self.start > self._max_region:
                if self._prev_end > self.start:
                    self._close(self.start, self._prev_end, closed)
                    self.start = max(self._next_start, self._prev_end)
                else:
                    self._close(self.start, pos, closed)
                    self.start = pos
                self._prev_end = self._temp_end = 0
                continue
            if prob < self._neg:
                if not self._temp_end:
                    self._temp_end = pos
                if pos - self._temp_end >= self._min_silence:
                    self._close(self.start, self._temp_end, closed)
                    self.triggered = False
                    self._temp_end = self._prev_end = 0
        return closed

    def finish(self, total_samples: int) -> list[tuple[int, int]]:
        """End of stream: close the open region, if any, at the last speech or at the end of the audio."""
        closed: list[tuple[int, int]] = []
        if self.triggered:
            end = self._temp_end or total_samples
            self._close(self.start, min(end, total_samples), closed)
            self.triggered = False
        return closed
