"""Transcription of live streams and files through one pipeline.

Audio goes through :class:`~asr.vad.StreamingVad`; every speech region it closes is decoded by Whisper on its own
(with timestamps shifted to the visit clock) and post-filtered. A file is decoded block by block and pushed through
the very same pipeline, so a live visit and its recording give the same transcript, and memory stays bounded for a
visit of any length.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

import numpy as np

from asr.audio import SAMPLE_RATE, AudioFile, StreamResampler
from asr.errors import AsrError, TranscriptionCancelled
from asr.filters import apply_filters
from asr.model import WhisperEngine
from asr.types import DroppedSegment, Segment, Transcript, TranscriptionOptions, Word
from asr.vad import FRAME_SAMPLES, RegionTracker, StreamingVad

__all__ = ["StreamingTranscriber", "transcribe_file", "transcribe_array"]

log = logging.getLogger(__name__)

ProgressCallback = Callable[[float], None]
CancelCallback = Callable[[], bool]


# Budgets at or above this are left to Whisper: with a long hotword prompt a larger one would exceed its 448-token
# context (faster-whisper refuses that), and a region this long is cut into 30-s windows anyway.
_MAX_BUDGET = 250


def _decode_budget(seconds: float, tokens_per_second: float) -> int | None:
    """``max_new_tokens`` for a region of ``seconds``: CTranslate2 stops Whisper at about half of what is asked
    (docs: FACTS.md), hence twice the budget; None when no cap applies."""
    if tokens_per_second <= 0:
        return None
    asked = 2 * int(8 + seconds * tokens_per_second)
    return asked if asked < _MAX_BUDGET else None


class StreamingTranscriber:
    """Transcribe a live visit: push PCM blocks as they arrive, get final segments as speech regions close.

    Not thread-safe: call it from one worker thread (the capture callback should only queue blocks).

    Args:
        engine: A loaded Whisper model.
        options: Decoding, VAD and filter options.
        sample_rate: Rate of the pushed blocks (resampled to 16 kHz when different).
        cancel: Polled between segments; returning True raises :class:`TranscriptionCancelled`.

    Raises:
        AsrError: The options ask for a language the model cannot decode.
    """

    def __init__(
        self,
        engine: WhisperEngine,
        options: TranscriptionOptions | None = None,
        *,
        sample_rate: int = SAMPLE_RATE,
        cancel: CancelCallback | None = None,
    ):
        self.engine = engine
        self.options = options or TranscriptionOptions()
        if not engine.info.multilingual and self.options.language not in (None, "en"):
            raise AsrError(
                f"the model {engine.info.name} is English-only and cannot transcribe language "
                f"{self.options.language!r}; install a multilingual Whisper model"
            )
        self._cancel = cancel
        self._resampler = StreamResampler(sample_rate) if sample_rate != SAMPLE_RATE else None
        self._vad = StreamingVad()
        self._tracker = RegionTracker(self.options.vad)
        self._pad = SAMPLE_RATE * self.options.vad.speech_pad_ms // 1000
        self._buffer = np.zeros(0, dtype=np.float32)
        self._buffer_start = 0
        self._total = 0
        self._last_end = 0
        self._language = self.options.language
        self._language_probability = 1.0 if self.options.language else 0.0
        self._previous_text = ""
        self.segments: list[Segment] = []
        self.dropped: list[DroppedSegment] = []
        self.peak_buffer_samples = 0
        self.finished = False

    @property
    def duration(self) -> float:
        """Seconds of audio pushed so far."""
        return self._total / SAMPLE_RATE

    @property
    def buffered_seconds(self) -> float:
        """Seconds of audio held in memory right now (bounded by the longest speech region)."""
        return self._buffer.size / SAMPLE_RATE

    def push(self, block: np.ndarray) -> list[Segment]:
        """Add a block of audio of any size; return the segments finalized by it (often none).

        Args:
            block: Samples, 1-D or ``(samples, channels)``, float32 in [-1, 1] or int16.

        Returns:
            New final segments, timestamps relative to the start of the stream.
        """
        if self.finished:
            raise RuntimeError("push() after finish()")
        data = self._resampler(block) if self._resampler else _as_mono_float(block)
        return self._consume(data, final=False)

    def finish(self) -> list[Segment]:
        """End of the visit: flush the tail and return the last segments."""
        if self.finished:
            return []
        tail = self._resampler.flush() if self._resampler else np.zeros(0, dtype=np.float32)
        segments = self._consume(tail, final=True)
        self.finished = True
        return segments

    def result(self, warnings: tuple[str, ...] = ()) -> Transcript:
        """The transcript so far (complete after :meth:`finish`)."""
        return Transcript(
            segments=tuple(self.segments),
            duration=round(self.duration, 3),
            language=self._language or "",
            language_probability=float(self._language_probability),
            no_speech=not self.segments,
            options=self.options,
            model=self.engine.info,
            dropped=tuple(self.dropped),
            warnings=tuple(warnings),
        )

    def _consume(self, data: np.ndarray, final: bool) -> list[Segment]:
        if data.size:
            self._buffer = np.concatenate([self._buffer, data])
            self._total += data.size
        probs = self._vad.push(data) if data.size else np.zeros(0, dtype=np.float32)
        regions = self._tracker.update(probs)
        if final:
            regions += self._tracker.update(self._vad.flush())
            regions += self._tracker.finish(self._total)
        self.peak_buffer_samples = max(self.peak_buffer_samples, self._buffer.size)
        new: list[Segment] = []
        for start, end in regions:
            new.extend(self._transcribe_region(start, min(end, self._total)))
        self._trim_buffer()
        return new

    def _trim_buffer(self) -> None:
        if self._tracker.triggered:
            keep_from = self._tracker.start - self._pad
        else:
            keep_from = min(self._tracker.position, self._total) - self._pad
        keep_from = max(keep_from, self._last_end, self._buffer_start)
        if keep_from > self._buffer_start:
            self._buffer = self._buffer[keep_from - self._buffer_start:].copy()
            self._buffer_start = keep_from

    def _transcribe_region(self, start: int, end: int) -> list[Segment]:
        lo = max(start - self._pad, self._last_end, self._buffer_start)
        hi = min(end + self._pad, self._total)
        audio = self._buffer[lo - self._buffer_start:hi - self._buffer_start]
        self._last_end = end
        if audio.size < FRAME_SAMPLES:
            return []
        offset = lo / SAMPLE_RATE
        decoded = self._decode(audio, offset, hi / SAMPLE_RATE)
        kept, dropped = apply_filters(decoded, self.options.filters, self._previous_text)
        self.dropped.extend(dropped)
        self.segments.extend(kept)
        if kept:
            self._previous_text = kept[-1].text
        return kept

    def _prompt(self) -> str | None:
        parts = [p for p in (self.options.initial_prompt,) if p]
        if self.options.condition_on_previous_text and self._previous_text:
            parts.append(self._previous_text[-200:])
        return " ".join(parts) or None

    def _decode(self, audio: np.ndarray, offset: float, limit: float) -> list[Segment]:
        opts = self.options
        separator = "，" if (self._language or "zh") in ("zh", "yue", "ja") else ", "
        segments, info = self.engine.model.transcribe(
            audio,
            language=self._language,
            task="transcribe",
            beam_size=opts.beam_size,
            temperature=list(opts.temperatures),
            word_timestamps=opts.word_timestamps,
            initial_prompt=self._prompt(),
            hotwords=separator.join(opts.vocabulary) or None,
            condition_on_previous_text=False,
            vad_filter=False,
            compression_ratio_threshold=opts.filters.max_compression_ratio,
            log_prob_threshold=opts.filters.min_avg_logprob,
            no_speech_threshold=opts.filters.max_no_speech_prob,
            max_new_tokens=_decode_budget(audio.size / SAMPLE_RATE, opts.max_tokens_per_second),
        )
        if self._language is None:
            self._language, self._language_probability = info.language, info.language_probability
            log.info("language detected on the first speech region: %s (p=%.2f)", info.language,
                     info.language_probability)
        out: list[Segment] = []
        for raw in segments:
            if self._cancel is not None and self._cancel():
                raise TranscriptionCancelled("transcription cancelled")
            words = tuple(
                Word(
                    start=round(float(min(w.start + offset, limit)), 3),
                    end=round(float(min(w.end + offset, limit)), 3),
                    text=w.word,
                    probability=round(float(w.probability), 4),
                )
                for w in (raw.words or ())
            )
            out.append(
                Segment(
                    start=round(float(min(raw.start + offset, limit)), 3),
                    end=round(float(min(raw.end + offset, limit)), 3),
                    text=raw.text.strip(),
                    words=words,
                    avg_logprob=round(float(raw.avg_logprob), 4),
                    no_speech_prob=round(float(raw.no_speech_prob), 4),
                    compression_ratio=round(float(raw.compression_ratio), 4),
                    language=self._language or info.language,
                )
            )
        return out


def _as_mono_float(block: np.ndarray) -> np.ndarray:
    data = np.asarray(block)
    if data.dtype == np.int16:
        data = data.astype(np.float32) / 32768.0
    data = data.astype(np.float32, copy=False)
    if data.ndim == 2:
        data = data.mean(axis=1)
    if data.ndim != 1:
        raise ValueError(f"audio block must be 1-D or (samples, channels), got shape {data.shape}")
    return data


def transcribe_array(
    engine: WhisperEngine,
    audio: np.ndarray,
    options: TranscriptionOptions | None = None,
    *,
    sample_rate: int = SAMPLE_RATE,
    progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
) -> Transcript:
    """Transcribe audio already in memory (same pipeline as a live stream, in one-second blocks)."""
    stream = StreamingTranscriber(engine, options, sample_rate=sample_rate, cancel=cancel)
    step = sample_rate
    total = max(len(audio), 1)
    for i in range(0, len(audio), step):
        if cancel is not None and cancel():
            raise TranscriptionCancelled("transcription cancelled")
        stream.push(audio[i:i + step])
        if progress:
            progress(min(1.0, (i + step) / total))
    stream.finish()
    if progress:
        progress(1.0)
    return stream.result()


def transcribe_file(
    engine: WhisperEngine,
    path: str | os.PathLike,
    options: TranscriptionOptions | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
    on_segment: Callable[[Segment], None] | None = None,
) -> Transcript:
    """Transcribe an audio file of any common format and length.

    Args:
        engine: A loaded Whisper model.
        path: The audio file.
        options: Decoding, VAD and filter options.
        progress: Called with the fraction done (0..1) as the file is decoded.
        cancel: Polled between blocks and segments; True stops with :class:`TranscriptionCancelled`.
        on_segment: Called with each final segment as soon as it exists.

    Returns:
        The transcript; ``no_speech`` is True when the file holds no speech.

    Raises:
        AudioError: The file is missing, empty, corrupt or not audio.
        TranscriptionCancelled: ``cancel`` returned True.
    """
    audio = AudioFile(path)
    stream = StreamingTranscriber(engine, options, cancel=cancel)
    for block in audio.blocks():
        if cancel is not None and cancel():
            raise TranscriptionCancelled("transcription cancelled")
        for segment in stream.push(block):
            if on_segment:
                on_segment(segment)
        if progress and audio.duration:
            progress(min(0.99, audio.decoded_seconds / audio.duration))
    for segment in stream.finish():
        if on_segment:
            on_segment(segment)
    if progress:
        progress(1.0)
    return stream.result(tuple(audio.warnings))
