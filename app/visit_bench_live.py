"""Feeding a visit through :class:`app.live.LiveVisit` at a real-time or a simulated pace, recording a timeline.

``realtime``: 100-ms blocks pushed on the wall clock, as a microphone delivers them; the run takes the visit's
length. Lag is what LiveVisit measures: wall time from the capture of a segment's last sample to the segment.

``simulated``: the next block is pushed as soon as the ASR stage has finished the previous one, and the lag is
computed on a virtual clock in audio time: block *i* "arrives" at its audio end *a_i*; the ASR stage starts it at
``max(a_i, end of block i-1)`` and needs the wall time it really took (measured with diarization running beside
it); the lag of a segment is that finish time minus the audio time of the segment's end. This is the queue a
real-time run would form, without waiting through the silences. Diarization runs unthrottled beside it and is
drained before Stop when its total work fits in the visit's length (it would have kept up); when it does not,
the missing time is added to the time-to-note (``real_time_backlog_s``).

Both paces wrap the live stages' ``push`` (private attributes of LiveVisit) to record when each stage was busy.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

import numpy as np

from asr.audio import SAMPLE_RATE

__all__ = ["Timeline", "feed_live", "LengthCappedWhisper"]

BLOCK = 1600  # 100 ms, what the recorder delivers


class Timeline:
    """Busy intervals per stage, in seconds since the timeline's start."""

    def __init__(self):
        self.origin = time.perf_counter()
        self.spans: list[tuple[str, float, float]] = []
        self._lock = threading.Lock()

    def add(self, stage: str, start: float, end: float) -> None:
        with self._lock:
            self.spans.append((stage, start - self.origin, end - self.origin))

    def now(self) -> float:
        return time.perf_counter() - self.origin


class LengthCappedWhisper:
    """A faster-whisper model whose decodes stop at a realistic length for the audio given.

    A random-weight Whisper never predicts end of text, so every window would decode to the maximum length (about
    220 tokens) instead of the ~1.2 tokens per spoken Mandarin character (~5 per second of speech) a real model
    writes. Temperature fallbacks are left to the options (the benchmark decodes at temperature 0 only).
    """

    def __init__(self, model, tokens_per_second: float = 5.0):
        self._model = model
        self.tokens_per_second = tokens_per_second

    def __getattr__(self, name):
        return getattr(self._model, name)

    def transcribe(self, audio, **kwargs):
        seconds = min(30.0, len(audio) / SAMPLE_RATE)
        # CTranslate2 stops Whisper at about half of max_new_tokens (docs/FACTS.md), hence the factor 2.
        cap = max(4, int(2 * seconds * self.tokens_per_second))
        kwargs["max_new_tokens"] = min(kwargs.get("max_new_tokens") or cap, cap)  # below the product's budget
        return self._model.transcribe(audio, **kwargs)


class _VirtualClock:
    """Audio-time clock of the simulated pace (see the module docstring)."""

    def __init__(self):
        self.base = 0.0
        self.wall = time.perf_counter()
        self.frozen: float | None = None
        self.asr_thread: threading.Thread | None = None

    def __call__(self) -> float:
        if self.frozen is not None and threading.current_thread() is self.asr_thread:
            return self.frozen
        return self.base + time.perf_counter() - self.wall


def _wrap(live, attribute_owner, name: str, stage: str, timeline: Timeline, after: Callable | None = None):
    inner = getattr(attribute_owner, name)

    def wrapped(block, *args):
        began = time.perf_counter()
        try:
            return inner(block, *args)
        finally:
            ended = time.perf_counter()
            if ended - began > 0.02:
                timeline.add(stage, began, ended)
            if after is not None:
                after(began, ended)

    setattr(attribute_owner, name, wrapped)


def feed_live(make_live: Callable[..., object], audio: np.ndarray, *, pace: str, timeline: Timeline) -> dict:
    """Feed ``audio`` through a LiveVisit made by ``make_live(clock=...)`` and stop it.

    Returns:
        ``live`` (the LiveVisit), ``labelled`` (its LabelledTranscript), ``stop_at`` (timeline seconds when Stop
        was pressed), ``stages_after_stop`` (seconds), ``real_time_backlog_s`` and ``feed_s``.
    """
    if pace not in ("realtime", "simulated"):
        raise ValueError(f"pace must be realtime or simulated, not {pace!r}")
    blocks = [audio[i:i + BLOCK] for i in range(0, audio.size, BLOCK)]
    ends = np.cumsum([b.size for b in blocks]) / SAMPLE_RATE
    clock = _VirtualClock() if pace == "simulated" else time.monotonic
    live = make_live(clock=clock)
    done = threading.Semaphore(0)

    def asr_finished(began, ended):
        if pace == "simulated":
            clock.frozen = clock.base + ended - clock.wall
            done.release()

    _wrap(live, live._transcriber, "push", "asr", timeline, asr_finished)
    if getattr(live, "_diarizer", None) is not None:
        _wrap(live, live._diarizer, "push", "diarization", timeline)
    feed_started = time.perf_counter()
    if pace == "realtime":
        for block, end in zip(blocks, ends):
            delay = feed_started + end - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            live.push(block)
    else:
        clock.asr_thread = live._asr
        for block, end in zip(blocks, ends):
            start = max(end, clock.frozen if clock.frozen is not None else 0.0)
            clock.base, clock.wall = start, time.perf_counter()
            live.push(block, captured_at=float(end))
            done.acquire()
        visit_s = float(ends[-1]) if len(ends) else 0.0
        while any(live.backlog().values()):  # diarization's queue, drained before Stop (see the docstring)
            time.sleep(0.05)
        time.sleep(0.3)  # the block being processed
        clock.base = max(visit_s, clock.frozen or 0.0)
        clock.wall, clock.frozen = time.perf_counter(), None
    feed_s = time.perf_counter() - feed_started
    visit_s = audio.size / SAMPLE_RATE
    stop_at = timeline.now()
    marks: dict[str, float] = {}

    def progress(stage, fraction):
        marks.setdefault(f"{stage}_start", timeline.now())
        marks[f"{stage}_end"] = timeline.now()

    labelled = live.stop(progress=progress)
    stopped = timeline.now()
    after = live.stats.after_stop
    cursor = stop_at
    for stage, seconds in (("asr tail", after.asr_tail), ("diarization tail", after.diarization_tail),
                           ("labelling", after.labelling)):
        timeline.spans.append((stage, cursor, cursor + seconds))
        cursor += seconds
    busy = dict(live.stats.busy)
    backlog = 0.0
    if pace == "simulated":
        backlog = max(0.0, busy.get("diarization", 0.0) - visit_s, busy.get("asr", 0.0) - visit_s)
    return {"live": live, "labelled": labelled, "stop_at": stop_at, "stop_s": stopped - stop_at,
            "stages_after_stop": {"asr_tail_s": round(after.asr_tail, 3),
                                  "diarization_tail_s": round(after.diarization_tail, 3),
                                  "labelling_s": round(after.labelling, 3)},
            "real_time_backlog_s": round(backlog, 2), "feed_s": round(feed_s, 1), "busy_s": busy}
