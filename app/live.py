"""One visit processed while it is recorded: streaming ASR and diarization on their own threads (no Qt).

The capture side calls :meth:`LiveVisit.push` with each block (cheap: it only queues). One thread transcribes
VAD-closed chunks as they close and reports each final segment at once (the live transcript); another computes
speaker embeddings window by window. At :meth:`LiveVisit.stop` only the tail of each stage remains: the last open
speech region, the last diarization window, clustering, and word-to-speaker attribution.

Live lag is measured per segment as the wall time between the moment the segment's last sample was captured and
the moment the segment was ready, which is what a doctor watching the transcript feels.
"""

from __future__ import annotations

import bisect
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from asr.audio import SAMPLE_RATE

__all__ = ["LiveVisit", "LiveStats", "StageTimes", "LIVE_STEP_CPU_S", "live_diarization_options"]

log = logging.getLogger(__name__)
_END = object()

# Seconds between the windows live diarization analyses on a CPU. community-1's own step (1 s) costs about 25 s
# of compute per audio minute on 2 cores, which starves the live transcript; 5 s costs a fifth and still sees every
# frame twice. A GPU keeps the pipeline's own step.
LIVE_STEP_CPU_S = 5.0
# Niceness added to the diarization thread: the transcript the doctor watches comes first, and diarization catches
# up while ASR waits for the next speech region (its backlog is processed by Stop at the latest).
DIARIZATION_NICE = 10


def live_diarization_options(engine, options=None):
    """``options`` (or the defaults) with the live step suited to the engine's device (see LIVE_STEP_CPU_S)."""
    from dataclasses import replace

    from diarization.types import DiarizationOptions

    options = options or DiarizationOptions()
    if options.live_step is None and getattr(engine, "device", "cpu") == "cpu":
        options = replace(options, live_step=LIVE_STEP_CPU_S)
    return options


def _lower_this_thread(nice: int) -> bool:
    """Lower the calling thread's CPU priority (Linux threads have their own niceness); False where unsupported."""
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + nice))
        return True
    except (AttributeError, OSError):  # Windows has no setpriority; a sandbox may refuse it
        return False


@dataclass
class StageTimes:
    """Seconds spent after Stop in each stage (what the doctor waits for)."""

    asr_tail: float = 0.0
    diarization_tail: float = 0.0
    labelling: float = 0.0


@dataclass
class LiveStats:
    """What the live pipeline measured: per-segment lag and the time each stage needed after Stop."""

    lags: list[float] = field(default_factory=list)
    after_stop: StageTimes = field(default_factory=StageTimes)
    busy: dict[str, float] = field(default_factory=lambda: {"asr": 0.0, "diarization": 0.0})

    def lag_percentile(self, q: float) -> float | None:
        """The ``q``-th percentile (0–100) of the live lag, or None before the first segment."""
        return float(np.percentile(self.lags, q)) if self.lags else None


class _Worker(threading.Thread):
    """A thread that feeds queued blocks to one stage; errors are kept and raised at :meth:`LiveVisit.stop`."""

    def __init__(self, name: str, handle: Callable[[np.ndarray, float], None], busy: dict[str, float],
                 nice: int = 0):
        super().__init__(name=f"tingji-{name}", daemon=True)
        self.stage = name
        self.nice = nice
        self.lowered = False
        self.queue: queue.Queue = queue.Queue()
        self.handle = handle
        self.busy = busy
        self.error: BaseException | None = None

    def run(self) -> None:
        if self.nice:
            self.lowered = _lower_this_thread(self.nice)
        while True:
            item = self.queue.get()
            if item is _END:
                return
            if self.error is not None:
                continue  # keep draining so push() never blocks; the error is reported at stop
            block, captured_at = item
            began = time.perf_counter()
            try:
                self.handle(block, captured_at)
            except BaseException as error:  # noqa: BLE001 - reported to the caller at stop()
                log.exception("live %s stage failed", self.stage)
                self.error = error
            self.busy[self.stage] += time.perf_counter() - began


class LiveVisit:
    """Streaming transcription and diarization of one visit.

    Args:
        asr_engine: A loaded Whisper model (:func:`asr.model.load_whisper`).
        diarization_engine: A loaded pyannote pipeline, or None (the transcript then has one unlabelled speaker).
        asr_options: Decoding, VAD and filter options.
        diarization_options: Speaker-count bounds.
        profiles: Enrolled doctor voices.
        on_segment: Called from the ASR thread with each final segment as soon as it is recognised.
        clock: Wall clock (seconds); injectable for simulated-time benchmarks.
        yield_to_asr: Run diarization at a lower priority with one torch thread while recording, so the live
            transcript keeps up on a small CPU (torch's thread count is restored at stop).
    """

    def __init__(self, asr_engine, diarization_engine=None, *, asr_options=None, diarization_options=None,
                 profiles: Sequence = (), on_segment: Callable | None = None,
                 clock: Callable[[], float] = time.monotonic, yield_to_asr: bool = True):
        from asr.transcriber import StreamingTranscriber

        self.stats = LiveStats()
        self._clock = clock
        self._on_segment = on_segment
        self._profiles = tuple(profiles)
        self._diarization_options = diarization_options
        self._transcriber = StreamingTranscriber(asr_engine, asr_options)
        self._diarizer = None
        if diarization_engine is not None:
            from diarization.diarize import IncrementalDiarizer

            self._diarizer = IncrementalDiarizer(diarization_engine, diarization_options)
        self._ends: list[int] = []  # sample index at the end of each pushed block …
        self._captured: list[float] = []  # … and the wall time it was captured
        self._pushed = 0
        self._lock = threading.Lock()
        self._asr = _Worker("asr", self._transcribe, self.stats.busy)
        self._workers = [self._asr]
        if self._diarizer is not None:
            self._torch_threads = None
            if yield_to_asr:
                import torch

                self._torch_threads = torch.get_num_threads()
                torch.set_num_threads(1)
            self._diarize_worker = _Worker("diarization", lambda block, _: self._diarizer.push(block),
                                           self.stats.busy, nice=DIARIZATION_NICE if yield_to_asr else 0)
            self._workers.append(self._diarize_worker)
        self._stopped = False
        for worker in self._workers:
            worker.start()

    @property
    def duration(self) -> float:
        """Seconds of audio pushed so far."""
        return self._pushed / SAMPLE_RATE

    @property
    def segments(self) -> list:
        """Final segments recognised so far."""
        return list(self._transcriber.segments)

    def backlog(self) -> dict[str, int]:
        """Blocks waiting in each stage's queue (a growing number means the stage does not keep up)."""
        return {worker.stage: worker.queue.qsize() for worker in self._workers}

    def push(self, block: np.ndarray, captured_at: float | None = None) -> None:
        """Queue one block of 16 kHz mono float32 audio; returns at once (safe to call from the capture side).

        Args:
            block: The samples.
            captured_at: Wall time (``clock``) when the block's last sample was captured; default now.
        """
        if self._stopped:
            raise RuntimeError("push() after stop()")
        data = np.asarray(block, dtype=np.float32).reshape(-1)
        now = self._clock() if captured_at is None else captured_at
        with self._lock:
            self._pushed += data.size
            self._ends.append(self._pushed)
            self._captured.append(now)
        for worker in self._workers:
            worker.queue.put((data, now))

    def _captured_time(self, seconds: float) -> float:
        with self._lock:
            index = bisect.bisect_left(self._ends, int(round(seconds * SAMPLE_RATE)))
            return self._captured[min(index, len(self._captured) - 1)]

    def _emit(self, segments) -> None:
        for segment in segments:
            self.stats.lags.append(max(0.0, self._clock() - self._captured_time(segment.end)))
            if self._on_segment is not None:
                self._on_segment(segment)

    def _transcribe(self, block: np.ndarray, captured_at: float) -> None:
        self._emit(self._transcriber.push(block))

    def stop(self, *, progress: Callable[[str, float], None] | None = None, cancel: Callable[[], bool] | None = None):
        """End of the visit: finish each stage's tail and label the transcript.

        Args:
            progress: Called with a stage name (``asr``, ``diarization``, ``labelling``) and a fraction.
            cancel: Polled by diarization's clustering; returning True abandons it.

        Returns:
            The :class:`~diarization.types.LabelledTranscript`.

        Raises:
            The first error a stage met while the visit was recorded.
        """
        if self._stopped:
            raise RuntimeError("stop() called twice")
        self._stopped = True
        report = progress or (lambda stage, fraction: None)
        began = time.perf_counter()
        for worker in self._workers:
            worker.queue.put(_END)
        self._asr.join()
        self._raise_if_failed(self._asr)
        report("asr", 0.5)
        self._emit(self._transcriber.finish())
        transcript = self._transcriber.result()
        report("asr", 1.0)
        self.stats.after_stop.asr_tail = time.perf_counter() - began
        if self._diarizer is None:
            return self._unlabelled(transcript)
        began = time.perf_counter()
        self._diarize_worker.join()
        self._restore_torch_threads()
        self._raise_if_failed(self._diarize_worker)
        report("diarization", 0.3)
        diarization = self._diarizer.finish(cancel=cancel)
        report("diarization", 1.0)
        self.stats.after_stop.diarization_tail = time.perf_counter() - began
        began = time.perf_counter()
        from diarization.visit import label_transcript

        labelled = label_transcript(transcript, diarization, profiles=self._profiles)
        report("labelling", 1.0)
        self.stats.after_stop.labelling = time.perf_counter() - began
        return labelled

    def abort(self) -> None:
        """Stop the threads without finishing (the visit is discarded or resumed from the journal)."""
        if not self._stopped:
            self._stopped = True
            for worker in self._workers:
                worker.queue.put(_END)
        for worker in self._workers:
            worker.join(timeout=30)
        self._restore_torch_threads()

    def _restore_torch_threads(self) -> None:
        if self._diarizer is not None and self._torch_threads:
            import torch

            torch.set_num_threads(self._torch_threads)
            self._torch_threads = None

    @staticmethod
    def _raise_if_failed(worker: _Worker) -> None:
        if worker.error is not None:
            raise worker.error

    def _unlabelled(self, transcript):
        """No diarization model: every segment becomes one utterance of an unknown speaker."""
        from diarization.types import LabelledTranscript, RoleAssignment, Utterance

        utterances = tuple(
            Utterance(id=f"u{i:03d}", speaker="SPEAKER_00", role="other", start=s.start, end=s.end, text=s.text,
                      words=tuple(s.words))
            for i, s in enumerate(transcript.segments, start=1)
        )
        roles = (RoleAssignment("SPEAKER_00", "other", 0.0, "no diarization model is installed"),) if utterances else ()
        return LabelledTranscript(utterances=utterances, roles=roles,
                                  duration=transcript.duration, language=transcript.language or "zh",
                                  provenance={"asr": {"model": transcript.model.name}, "diarization": None})
