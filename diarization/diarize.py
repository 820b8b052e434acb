"""Who spoke when: the whole pyannote pipeline for files, and an incremental mode for live visits.

Incremental mode does during the visit what the pipeline does first on a file: every time ten seconds of new
audio complete a segmentation window (one per second), it runs the segmentation model on that window and computes
the window's speaker embeddings. At the end only the last, partial window and the clustering remain. The final step
is the pipeline's own ``apply`` fed with the precomputed windows, so both modes run the same clustering and
reconstruction code and give the same result on the same audio.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

import numpy as np

from diarization.errors import DiarizationCancelled
from diarization.model import DiarizationEngine
from diarization.types import DiarizationOptions, DiarizationResult, SpeakerTurn

__all__ = ["diarize_audio", "diarize_file", "IncrementalDiarizer"]

log = logging.getLogger(__name__)

ProgressCallback = Callable[[float], None]
CancelCallback = Callable[[], bool]
_STEP_SPAN = {"segmentation": (0.0, 0.15), "embeddings": (0.15, 0.95)}


def _hook(progress: ProgressCallback | None, cancel: CancelCallback | None):
    """A pyannote hook that reports a non-decreasing 0..1 fraction and raises when cancelled."""
    reached = [0.0]

    def hook(step_name, step_artifact=None, file=None, total=None, completed=None):
        if cancel is not None and cancel():
            raise DiarizationCancelled("diarization cancelled")
        if progress is None:
            return
        lo, hi = _STEP_SPAN.get(step_name, (0.95, 0.99))
        fraction = lo + (hi - lo) * (completed / total) if total and completed is not None else lo
        reached[0] = max(reached[0], min(fraction, 0.99))
        progress(reached[0])

    return hook


def _turns(annotation, duration: float) -> tuple[SpeakerTurn, ...]:
    """Turns as frozen values, clipped to the audio (the last window is zero-padded past the end)."""
    turns = []
    for seg, _, label in annotation.itertracks(yield_label=True):
        start, end = round(float(seg.start), 3), round(min(float(seg.end), duration), 3)
        if end > start:
            turns.append(SpeakerTurn(start, end, str(label)))
    return tuple(sorted(turns))


def _to_result(output, duration: float, options: DiarizationOptions, engine: DiarizationEngine, mode: str):
    exclusive = _turns(output.exclusive_speaker_diarization, duration)
    overlapping = _turns(output.speaker_diarization, duration)
    labels = [str(label) for label in output.speaker_diarization.labels()]
    centroids = {}
    if output.speaker_embeddings is not None:
        for label, vector in zip(labels, np.asarray(output.speaker_embeddings)):
            if np.all(np.isfinite(vector)) and np.any(vector):
                centroids[label] = tuple(float(v) for v in vector)
    first_seen: dict[str, float] = {}
    for turn in overlapping:
        first_seen.setdefault(turn.speaker, turn.start)
    speakers = tuple(sorted(first_seen, key=first_seen.get))
    return DiarizationResult(
        turns=exclusive,
        overlapping_turns=overlapping,
        speakers=speakers,
        centroids=centroids,
        duration=round(duration, 3),
        options=options,
        model={**engine.info, "mode": mode},
    )


def _speaker_kwargs(options: DiarizationOptions) -> dict:
    return {
        key: value
        for key, value in (
            ("num_speakers", options.num_speakers),
            ("min_speakers", options.min_speakers),
            ("max_speakers", options.max_speakers),
        )
        if value is not None
    }


def diarize_audio(
    engine: DiarizationEngine,
    audio: np.ndarray,
    options: DiarizationOptions | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
) -> DiarizationResult:
    """Run the whole pipeline on 16 kHz mono float32 audio (file mode).

    Raises:
        DiarizationCancelled: ``cancel`` returned True.
    """
    import torch

    options = options or DiarizationOptions()
    duration = len(audio) / engine.sample_rate
    if len(audio) == 0:
        return DiarizationResult((), (), (), {}, 0.0, options, {**engine.info, "mode": "file"})
    waveform = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32))[None]
    file = {"waveform": waveform, "sample_rate": engine.sample_rate, "uri": "visit"}
    output = engine.pipeline(file, hook=_hook(progress, cancel), **_speaker_kwargs(options))
    if progress:
        progress(1.0)
    return _to_result(output, duration, options, engine, "file")


def diarize_file(engine: DiarizationEngine, path: str | os.PathLike, options: DiarizationOptions | None = None,
                 **kwargs) -> DiarizationResult:
    """Decode an audio file of any common format (see :mod:`asr.audio`) and diarize it."""
    from asr.audio import load_audio

    return diarize_audio(engine, load_audio(path), options, **kwargs)


class IncrementalDiarizer:
    """Speaker diarization computed while the visit is recorded.

    Push 16 kHz mono float32 audio as it arrives (from the capture worker, not the audio callback); call
    :meth:`finish` at the end. Memory holds one segmentation window of audio plus a few kilobytes per second.

    Args:
        engine: A loaded pipeline.
        options: Speaker-count bounds and batch sizes.
    """

    def __init__(self, engine: DiarizationEngine, options: DiarizationOptions | None = None):
        self.engine = engine
        self.options = options or DiarizationOptions()
        pipeline = engine.pipeline
        self._window = int(round(pipeline._segmentation.duration * engine.sample_rate))
        step = self.options.live_step
        self.step_s = pipeline._segmentation.step if step is None else step
        if not 0 < self.step_s <= pipeline._segmentation.duration:
            raise ValueError(f"live_step must be in (0, {pipeline._segmentation.duration}] seconds, "
                             f"not {self.step_s}")
        self._step = int(round(self.step_s * engine.sample_rate))
        self._audio = np.zeros(0, dtype=np.float32)
        self._audio_start = 0  # absolute index of self._audio[0]
        self._total = 0
        self._segmentations: list[np.ndarray] = []
        self._embeddings: list[np.ndarray] = []
        self.chunks_done = 0

    @property
    def duration(self) -> float:
        return self._total / self.engine.sample_rate

    def push(self, samples: np.ndarray) -> int:
        """Add audio; process every window it completes. Returns the number of windows processed."""
        data = np.asarray(samples, dtype=np.float32).reshape(-1)
        self._audio = np.concatenate([self._audio, data])
        self._total += data.size
        processed = 0
        while self.chunks_done * self._step + self._window <= self._total:
            start = self.chunks_done * self._step
            self._process(self._audio[start - self._audio_start:start - self._audio_start + self._window])
            processed += 1
            drop = (self.chunks_done * self._step) - self._audio_start
            if drop > 0:
                self._audio = self._audio[drop:]
                self._audio_start += drop
        return processed

    def _process(self, chunk: np.ndarray) -> None:
        import torch
        from pyannote.core import SlidingWindow, SlidingWindowFeature

        pipeline = self.engine.pipeline
        tensor = torch.from_numpy(np.ascontiguousarray(chunk, dtype=np.float32))[None]
        segmentation = pipeline._segmentation.infer(tensor[None])  # (1, frames, local speakers)
        window = SlidingWindow(start=0.0, duration=pipeline._segmentation.duration,
                               step=self._step / self.engine.sample_rate)
        file = {"waveform": tensor, "sample_rate": self.engine.sample_rate, "uri": "chunk"}
        embeddings = pipeline.get_embeddings(
            file, SlidingWindowFeature(segmentation, window), exclude_overlap=pipeline.embedding_exclude_overlap
        )
        self._segmentations.append(segmentation[0])
        self._embeddings.append(embeddings[0])
        self.chunks_done += 1

    def finish(self, *, progress: ProgressCallback | None = None, cancel: CancelCallback | None = None
               ) -> DiarizationResult:
        """End of the visit: the partial last window, then clustering and reconstruction."""
        import torch
        from pyannote.core import SlidingWindow, SlidingWindowFeature

        pipeline = self.engine.pipeline
        if self._total == 0:
            return DiarizationResult((), (), (), {}, 0.0, self.options, {**self.engine.info, "mode": "incremental"})
        num_full = self.chunks_done
        has_last = self._total < self._window or (self._total - self._window) % self._step > 0
        if has_last:
            start = num_full * self._step
            tail = self._audio[start - self._audio_start:]
            self._process(np.pad(tail, (0, self._window - tail.size)))
        window = SlidingWindow(start=0.0, duration=pipeline._segmentation.duration,
                               step=self._step / self.engine.sample_rate)
        segmentations = SlidingWindowFeature(np.stack(self._segmentations), window)
        embeddings = np.stack(self._embeddings)
        placeholder = {"waveform": torch.zeros(1, 1), "sample_rate": self.engine.sample_rate, "uri": "visit"}
        # Feed the precomputed windows to the pipeline's own apply(): same clustering, same reconstruction.
        pipeline.get_segmentations = lambda file, hook=None: segmentations
        pipeline.get_embeddings = lambda file, binary_segmentations, exclude_overlap=False, hook=None: embeddings
        try:
            output = pipeline.apply(placeholder, hook=_hook(progress, cancel), **_speaker_kwargs(self.options))
        finally:
            del pipeline.get_segmentations
            del pipeline.get_embeddings
        if has_last:  # the partial window stays pending if more audio were pushed (it is not)
            self._segmentations.pop()
            self._embeddings.pop()
            self.chunks_done = num_full
        if progress:
            progress(1.0)
        return _to_result(output, self.duration, self.options, self.engine, "incremental")
