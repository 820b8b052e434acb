"""Microphone capture for a visit: 16 kHz mono blocks to the journal, to live subscribers, and a level meter.

A :class:`Recorder` opens an input stream through a factory with the ``sounddevice.InputStream`` interface
(sounddevice itself by default; :func:`app.file_stream.file_stream_factory` in tests and the demo mode). Each block,
on the audio thread:

* is converted to 16 kHz mono float32 (a device that refuses 16 kHz is opened at its own rate and resampled with
  :class:`asr.audio.StreamResampler`);
* gets a level (RMS and peak in dBFS) that feeds the meter and the "no signal" warning;
* when recording (not paused), is queued for the journal writer thread and handed to every subscriber.

The writer thread appends to the :class:`app.journal.Journal` (fsync at least every second), applies pause/resume in
order with the audio, and watches the device: a stream that ends by itself or stops delivering for
``stall_seconds`` means the device was lost (unplugged); the state becomes ``DEVICE_LOST``, the audio recorded so far
stays in the journal, and :meth:`Recorder.resume` can reopen a device and go on in the same journal. A journal write
error (disk full, file-size limit) stops the recording at once with state ``FAILED`` and a message for the doctor.

Listeners (events) and subscribers (audio) are called from the audio or writer thread: keep them cheap (put into a
``queue.Queue`` or emit a Qt signal). sounddevice is imported only when a device is opened or listed.
"""

from __future__ import annotations

import logging
import math
import os
import queue
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Union

import numpy as np

from asr.audio import SAMPLE_RATE
from app.file_stream import PA_INVALID_SAMPLE_RATE, SimulatedPortAudioError, portaudio_error_type
from app.journal import Journal, JournalError, discard

__all__ = [
    "SAMPLE_RATE",
    "RecorderState",
    "InputDevice",
    "AudioBlock",
    "StateChanged",
    "LevelChanged",
    "NoSignalChanged",
    "RecorderEvent",
    "RecorderStatus",
    "AudioDeviceError",
    "PortAudioMissingError",
    "Recorder",
    "list_input_devices",
    "level_dbfs",
]

log = logging.getLogger(__name__)

SILENCE_FLOOR_DBFS = -120.0
_PA_INVALID_CHANNEL_COUNT = -9998
_PA_SAMPLE_FORMAT_NOT_SUPPORTED = -9994


class RecorderState(str, Enum):
    """Where a :class:`Recorder` stands."""

    IDLE = "idle"  # not started
    RECORDING = "recording"
    PAUSED = "paused"  # the device stays open (the meter moves) but nothing is kept
    STOPPED = "stopped"  # stopped by the doctor, or the input file ended
    DEVICE_LOST = "device_lost"  # the microphone went away; resume() reopens one, stop() ends the visit
    FAILED = "failed"  # the journal could not be written (disk full...); what was written is kept


_ACTIVE = (RecorderState.RECORDING, RecorderState.PAUSED)
_ENDED = (RecorderState.STOPPED, RecorderState.FAILED)


class AudioDeviceError(Exception):
    """The input device cannot be opened or used; the message says what to do."""


class PortAudioMissingError(AudioDeviceError):
    """The PortAudio library (libportaudio2) is not installed, so no microphone can be used."""


@dataclass(frozen=True)
class InputDevice:
    """A device that can record, as PortAudio sees it.

    Attributes:
        index: PortAudio device index (pass it as ``device``).
        name: The device's name.
        default_samplerate: The rate the device prefers.
        max_input_channels: Input channels it offers.
        is_default: True for the system's default input.
        hostapi: The host API (ALSA, PulseAudio, WASAPI...).
    """

    index: int
    name: str
    default_samplerate: float
    max_input_channels: int
    is_default: bool
    hostapi: str = ""


@dataclass(frozen=True)
class AudioBlock:
    """One captured block, as the journal and the live stages receive it.

    Attributes:
        offset: Position of the first sample in the visit's audio (16 kHz samples, pauses excluded).
        samples: Mono float32 at 16 kHz (do not modify).
        rms_dbfs: Level of the block.
        peak_dbfs: Peak of the block.
    """

    offset: int
    samples: np.ndarray = field(repr=False, compare=False)
    rms_dbfs: float
    peak_dbfs: float

    @property
    def start(self) -> float:
        """Seconds from the start of the visit's audio."""
        return self.offset / SAMPLE_RATE

    @property
    def end(self) -> float:
        """Seconds from the start of the visit's audio to the end of this block."""
        return (self.offset + len(self.samples)) / SAMPLE_RATE


@dataclass(frozen=True)
class StateChanged:
    """The recorder changed state.

    Attributes:
        state: The new state.
        previous: The state before.
        cause: Why, in one word: ``"user"``, ``"device_lost"``, ``"end_of_input"``, ``"disk_full"``,
            ``"file_too_large"``, ``"io_error"``.
        message: What to tell the doctor (empty for ordinary changes).
        recorded_seconds: Audio kept so far.
    """

    state: RecorderState
    previous: RecorderState
    cause: str = "user"
    message: str = ""
    recorded_seconds: float = 0.0


@dataclass(frozen=True)
class LevelChanged:
    """The input level of the latest block (also while paused, so the meter shows the microphone works).

    Attributes:
        rms_dbfs: RMS level in dB relative to full scale (−120 for digital silence).
        peak_dbfs: Peak level in dBFS.
        elapsed: Seconds recorded so far (pauses excluded).
        recording: False while paused.
    """

    rms_dbfs: float
    peak_dbfs: float
    elapsed: float
    recording: bool


@dataclass(frozen=True)
class NoSignalChanged:
    """The "no signal" warning went on (the input has been silent for a while) or off (sound came back).

    Attributes:
        no_signal: True when the warning is raised.
        seconds: How long the input has been silent.
        digital_silence: Every sample was exactly zero (a muted or disconnected input rather than a quiet room).
        message: What to tell the doctor (empty when the warning goes off).
    """

    no_signal: bool
    seconds: float
    digital_silence: bool
    message: str = ""


RecorderEvent = Union[StateChanged, LevelChanged, NoSignalChanged]


@dataclass(frozen=True)
class RecorderStatus:
    """A snapshot for a UI timer.

    Attributes:
        state: Current state.
        elapsed: Seconds recorded (pauses excluded).
        saved_seconds: Seconds handed to the journal file.
        rms_dbfs: Latest block level.
        peak_dbfs: Latest block peak.
        no_signal: The "no signal" warning is on.
        message: The last message for the doctor (device lost, disk full), else empty.
        folder: The journal folder (None before start).
        device_samplerate: The rate the device was opened at (0 before start).
        overflows: Blocks PortAudio flagged as overflowed (the computer was too busy; audio was dropped).
    """

    state: RecorderState
    elapsed: float
    saved_seconds: float
    rms_dbfs: float
    peak_dbfs: float
    no_signal: bool
    message: str
    folder: Path | None
    device_samplerate: int
    overflows: int


def level_dbfs(block: np.ndarray) -> tuple[float, float]:
    """RMS and peak of a float block in dBFS (−120 for silence)."""
    if block.size == 0:
        return SILENCE_FLOOR_DBFS, SILENCE_FLOOR_DBFS
    data = block.astype(np.float64, copy=False)
    rms = math.sqrt(float(np.mean(data * data)))
    peak = float(np.max(np.abs(data)))

    def db(value: float) -> float:
        return max(SILENCE_FLOOR_DBFS, 20.0 * math.log10(value)) if value > 0 else SILENCE_FLOOR_DBFS

    return db(rms), db(peak)


def _import_sounddevice():
    try:
        import sounddevice
    except OSError as error:  # sounddevice raises OSError when libportaudio cannot be loaded
        raise PortAudioMissingError(
            "Recording needs the PortAudio library, which is not installed. Install it "
            "(Debian/Ubuntu: sudo apt-get install libportaudio2) and start TingJi again."
        ) from error
    return sounddevice


def list_input_devices() -> list[InputDevice]:
    """The devices that can record; an empty list when there is no sound card (or no sound server).

    Raises:
        PortAudioMissingError: libportaudio is not installed.
    """
    sd = _import_sounddevice()
    try:
        devices = sd.query_devices()
        hostapis = sd.query_hostapis()
        default = sd.default.device[0]
    except sd.PortAudioError as error:
        log.warning("cannot list audio devices: %s", error)
        return []
    if not isinstance(default, int) or default < 0:
        default = next((api["default_input_device"] for api in hostapis if api["default_input_device"] >= 0), -1)
    found = []
    for index, info in enumerate(devices):
        if info["max_input_channels"] <= 0:
            continue
        api = hostapis[info["hostapi"]]["name"] if info["hostapi"] < len(hostapis) else ""
        found.append(InputDevice(index, info["name"], float(info["default_samplerate"]),
                                 int(info["max_input_channels"]), index == default, api))
    return found


def _error_code(error: Exception) -> int | None:
    return error.args[1] if len(error.args) > 1 and isinstance(error.args[1], int) else None


class Recorder:
    """Record one visit from an input device into a crash-safe journal.

    Args:
        journal_root: Folder that holds one journal folder per visit.
        device: PortAudio device index or name; None for the default input.
        stream_factory: Makes streams with the ``sounddevice.InputStream`` keywords; sounddevice's by default.
        block_seconds: Length of a block (0.1 s: ten meter updates per second).
        no_signal_dbfs: Blocks below this RMS level count as silent.
        no_signal_seconds: Silence this long raises the "no signal" warning.
        stall_seconds: No block from the device for this long while recording means the device was lost.
        start_seconds: The same for the first block of a newly opened stream (PulseAudio's ALSA device takes
            about 1.7 s to deliver its first block).
        sync_interval: Longest time between fsyncs of the journal while recording.
        journal_format: ``"float32"`` or ``"int16"`` samples in the journal.
        fallback_rates: Rates tried, after 16 kHz and the device's default rate, if the device refuses 16 kHz.
        default_samplerate: ``f(device) -> rate`` for the device's own rate; asked of sounddevice when None and
            sounddevice makes the streams.
    """

    def __init__(self, journal_root: str | os.PathLike, *, device: int | str | None = None,
                 stream_factory: Callable[..., Any] | None = None, block_seconds: float = 0.1,
                 no_signal_dbfs: float = -60.0, no_signal_seconds: float = 3.0, stall_seconds: float = 2.0,
                 start_seconds: float = 5.0,
                 sync_interval: float = 1.0, journal_format: str = "float32",
                 fallback_rates: Collection[int] = (48000, 44100),
                 default_samplerate: Callable[[int | str | None], float] | None = None):
        self.journal_root = Path(journal_root)
        self.device = device
        self._factory = stream_factory
        self._block_seconds = block_seconds
        self._no_signal_dbfs = no_signal_dbfs
        self._no_signal_seconds = no_signal_seconds
        self._stall_seconds = stall_seconds
        self._start_seconds = max(start_seconds, stall_seconds)
        self._stream_delivered = False
        self._sync_interval = sync_interval
        self._journal_format = journal_format
        self._fallback_rates = tuple(fallback_rates)
        self._default_samplerate = default_samplerate

        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._state = RecorderState.IDLE
        self._listeners: tuple[Callable[[RecorderEvent], None], ...] = ()
        self._subscribers: tuple[Callable[[AudioBlock], None], ...] = ()
        self._queue: queue.Queue[tuple] = queue.Queue()
        self._journal: Journal | None = None
        self._writer: threading.Thread | None = None
        self._stream: Any = None
        self._generation = 0
        self._device_rate = 0
        self._samples = 0
        self._rms = self._peak = SILENCE_FLOOR_DBFS
        self._quiet_samples = 0
        self._quiet_all_zero = True
        self._no_signal = False
        self._message = ""
        self._overflows = 0
        self._last_audio = time.monotonic()

    # ---------------------------------------------------------------------------------------------- observers
    def add_listener(self, listener: Callable[[RecorderEvent], None]) -> Callable[[], None]:
        """Call ``listener(event)`` for every :data:`RecorderEvent` (from the audio or writer thread).

        Returns:
            A function that removes the listener.
        """
        with self._lock:
            self._listeners = (*self._listeners, listener)

        def remove() -> None:
            with self._lock:
                self._listeners = tuple(x for x in self._listeners if x is not listener)

        return remove

    def subscribe(self, subscriber: Callable[[AudioBlock], None]) -> Callable[[], None]:
        """Call ``subscriber(block)`` with every recorded :class:`AudioBlock`, on the audio thread.

        Keep it cheap: put the block into a queue for the ASR / diarization worker.

        Returns:
            A function that unsubscribes.
        """
        with self._lock:
            self._subscribers = (*self._subscribers, subscriber)

        def remove() -> None:
            with self._lock:
                self._subscribers = tuple(x for x in self._subscribers if x is not subscriber)

        return remove

    def _emit(self, event: RecorderEvent) -> None:
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:  # noqa: BLE001 - a broken listener must not stop the recording
                log.exception("recorder listener raised")

    # ----------------------------------------------------------------------------------------------- queries
    @property
    def state(self) -> RecorderState:
        """The current state."""
        return self._state

    @property
    def elapsed(self) -> float:
        """Seconds recorded so far, pauses excluded."""
        return self._samples / SAMPLE_RATE

    @property
    def folder(self) -> Path | None:
        """The journal folder of this visit (None before :meth:`start`)."""
        return self._journal.folder if self._journal is not None else None

    def status(self) -> RecorderStatus:
        """A consistent snapshot of the recorder for the UI."""
        with self._lock:
            journal = self._journal
            return RecorderStatus(
                self._state, self._samples / SAMPLE_RATE, journal.duration if journal is not None else 0.0,
                self._rms, self._peak, self._no_signal, self._message,
                journal.folder if journal is not None else None, self._device_rate, self._overflows)

    def wait_for(self, states: Collection[RecorderState], timeout: float | None = None) -> bool:
        """Block until the state is one of ``states``; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self._state in states, timeout)

    # ----------------------------------------------------------------------------------------------- control
    def start(self, journal: Journal | None = None, *, visit_id: str | None = None,
              meta: dict[str, Any] | None = None) -> Path:
        """Open the device and start recording into a new journal (or into ``journal``, e.g. a reopened one).

        Args:
            journal: An open journal to append to; a new one under ``journal_root`` when None.
            visit_id: Folder name of the new journal.
            meta: Extra (non-patient) fields for ``journal.json``.

        Returns:
            The journal folder.

        Raises:
            AudioDeviceError: The device cannot be opened (the new journal is removed again).
            JournalError: The journal cannot be created (disk full, permissions).
            RuntimeError: Already started.
        """
        if self._state is not RecorderState.IDLE:
            raise RuntimeError("this recorder was already started; make a new Recorder for a new visit")
        created = journal is None
        if journal is None:
            journal = Journal.create(self.journal_root, visit_id=visit_id, sample_rate=SAMPLE_RATE,
                                     fmt=self._journal_format, meta=meta, sync_interval=self._sync_interval)
        with self._lock:
            self._journal = journal
            self._samples = journal.samples
            self._state = RecorderState.RECORDING  # blocks queue up from the first callback on
            self._last_audio, self._stream_delivered = time.monotonic(), False
        try:
            self._open_stream(self.device)
        except Exception:
            with self._lock:
                self._state, self._journal, self._samples = RecorderState.IDLE, None, 0
                self._queue = queue.Queue()
            journal.close()
            if created:
                discard(journal.folder)
            raise
        self._writer = threading.Thread(target=self._write_loop, args=(journal,), name="journal-writer",
                                        daemon=True)
        self._writer.start()
        self._emit(StateChanged(RecorderState.RECORDING, RecorderState.IDLE, "user", "", self._saved()))
        return journal.folder

    def pause(self) -> None:
        """Pause: blocks are no longer kept (the meter still moves); the journal is fsync'ed and marked paused.

        Safe from any thread, listeners included (each block is kept or dropped whole).
        """
        self._transition(RecorderState.PAUSED, (RecorderState.RECORDING,), "pause")

    def resume(self, device: int | str | None = None) -> None:
        """Resume after a pause, or after the device was lost (reopening ``device``, or the same one).

        After a pause this is safe from any thread; after a device loss it opens a stream, so call it from the UI
        thread (not from a listener or subscriber).

        Raises:
            AudioDeviceError: After a device loss, no device could be opened (the state stays ``DEVICE_LOST``).
        """
        with self._lock:
            self._quiet_samples, self._quiet_all_zero = 0, True
        if self._state is not RecorderState.DEVICE_LOST:
            self._transition(RecorderState.RECORDING, (RecorderState.PAUSED,), "resume")
            return
        if device is not None:
            self.device = device
        with self._lock:  # recording before the stream starts, so its first blocks are kept
            self._last_audio, self._stream_delivered = time.monotonic(), False  # the watchdog waits for it
            self._state = RecorderState.RECORDING
            self._queue.put(("resume",))
        try:
            self._open_stream(self.device)
        except AudioDeviceError:
            with self._lock:
                self._state = RecorderState.DEVICE_LOST
                self._queue.put(("pause",))
            raise
        with self._lock:
            self._changed.notify_all()
        self._emit(StateChanged(RecorderState.RECORDING, RecorderState.DEVICE_LOST, "user", "", self._saved()))

    def stop(self) -> RecorderStatus:
        """Stop recording, close the device, flush and close the journal. Safe to call in any state.

        Call it (like pause and resume) from the UI thread, not from a listener or subscriber.

        Returns:
            The final status (``FAILED`` with a message if the journal could not be written).
        """
        with self._lock:
            state = self._state
            if state is RecorderState.IDLE:
                return self._status_unlocked()
            if state not in _ENDED:
                self._state = RecorderState.STOPPED
                self._queue.put(("stop",))
                self._changed.notify_all()
        self._close_stream()
        if self._writer is not None and self._writer is not threading.current_thread():
            self._writer.join()
        if state not in _ENDED:
            self._emit(StateChanged(RecorderState.STOPPED, state, "user", "", self._saved()))
        return self.status()

    def _transition(self, state: RecorderState, only_from: Collection[RecorderState], marker: str) -> bool:
        """Change state and queue the journal marker atomically with respect to the audio callback."""
        with self._lock:
            previous = self._state
            if previous not in only_from:
                return False
            self._state = state
            self._queue.put((marker,))
            self._changed.notify_all()
        self._emit(StateChanged(state, previous, "user", "", self._saved()))
        return True

    def _status_unlocked(self) -> RecorderStatus:
        return RecorderStatus(self._state, self._samples / SAMPLE_RATE, self._saved(), self._rms, self._peak,
                              self._no_signal, self._message, self.folder, self._device_rate, self._overflows)

    def _saved(self) -> float:
        return self._journal.duration if self._journal is not None else 0.0

    # ---------------------------------------------------------------------------------------------- the device
    def _make_stream(self, **kwargs: Any) -> Any:
        if self._factory is not None:
            return self._factory(**kwargs)
        return _import_sounddevice().InputStream(**kwargs)

    def _device_default_rate(self, device: int | str | None) -> float | None:
        try:
            if self._default_samplerate is not None:
                return float(self._default_samplerate(device))
            if self._factory is None:
                return float(_import_sounddevice().query_devices(device, "input")["default_samplerate"])
        except Exception as error:  # noqa: BLE001 - only a hint for the fallback order
            log.debug("no default rate for the input device: %s", error)
        return None

    def _open_stream(self, device: int | str | None) -> None:
        """Open and start a stream at 16 kHz mono, else at the device's rates (resampled); raise AudioDeviceError."""
        from asr.audio import StreamResampler

        errors = (portaudio_error_type(), SimulatedPortAudioError)
        default = self._device_default_rate(device)
        rates = [SAMPLE_RATE] + [int(r) for r in ([default] if default else []) + list(self._fallback_rates)]
        attempts = list(dict.fromkeys([(r, 1) for r in rates] + [(r, 2) for r in rates[1:]]))
        last: Exception | None = None
        for rate, channels in attempts:
            with self._lock:
                self._generation += 1
                generation = self._generation
            resampler = StreamResampler(rate)
            try:
                stream = self._make_stream(
                    samplerate=rate, channels=channels, dtype="float32", blocksize=int(rate * self._block_seconds),
                    device=device, callback=self._audio_callback(generation, resampler),
                    finished_callback=lambda g=generation: self._queue.put(("finished", g)))
            except errors as error:
                last = error
                if _error_code(error) in (PA_INVALID_SAMPLE_RATE, _PA_INVALID_CHANNEL_COUNT,
                                          _PA_SAMPLE_FORMAT_NOT_SUPPORTED):
                    log.info("input device refused %d Hz x %d: %s", rate, channels, error)
                    continue
                raise AudioDeviceError(self._device_message(error)) from error
            try:
                self._last_audio, self._stream_delivered = time.monotonic(), False
                stream.start()
            except errors as error:
                _quietly(stream.close)
                raise AudioDeviceError(self._device_message(error)) from error
            with self._lock:
                self._stream = stream
                self._device_rate = rate
            if rate != SAMPLE_RATE or channels != 1:
                log.info("input device opened at %d Hz x %d, resampled to 16 kHz mono", rate, channels)
            return
        raise AudioDeviceError(
            "The microphone does not offer a usable recording format. Choose another input device."
        ) from last

    @staticmethod
    def _device_message(error: Exception) -> str:
        return (f"The microphone could not be opened ({error}). Check that it is plugged in and not used by "
                "another program, or choose another input device.")

    def _close_stream(self) -> None:
        with self._lock:
            stream, self._stream = self._stream, None
            self._generation += 1  # late callbacks of the old stream are ignored
        if stream is not None:
            _quietly(stream.stop)
            _quietly(stream.close)

    def _audio_callback(self, generation: int, resampler: Any) -> Callable[..., None]:
        def callback(indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
            if generation != self._generation:
                return
            try:
                self._on_audio(indata, status, resampler)
            except Exception:  # noqa: BLE001 - an exception here would abort the PortAudio stream
                log.exception("error while handling an audio block")

        return callback

    def _on_audio(self, indata: np.ndarray, status: Any, resampler: Any) -> None:
        self._last_audio, self._stream_delivered = time.monotonic(), True
        if status and getattr(status, "input_overflow", False):
            self._overflows += 1
        block = resampler(indata)
        if block.size == 0:
            return
        rms, peak = level_dbfs(block)
        with self._lock:
            recording = self._state is RecorderState.RECORDING
            offset = self._samples
            if recording:
                self._samples += block.size
                self._queue.put(("audio", block))
            self._rms, self._peak = rms, peak
        self._emit(LevelChanged(rms, peak, self._samples / SAMPLE_RATE, recording))
        if not recording:
            return
        self._watch_signal(block.size, rms, peak)
        audio = AudioBlock(offset, block, rms, peak)
        for subscriber in self._subscribers:
            try:
                subscriber(audio)
            except Exception:  # noqa: BLE001 - a broken stage must not stop the recording
                log.exception("audio subscriber raised")

    def _watch_signal(self, samples: int, rms: float, peak: float) -> None:
        if rms < self._no_signal_dbfs:
            self._quiet_samples += samples
            self._quiet_all_zero = self._quiet_all_zero and peak <= SILENCE_FLOOR_DBFS
            seconds = self._quiet_samples / SAMPLE_RATE
            if not self._no_signal and seconds >= self._no_signal_seconds:
                self._no_signal = True
                what = ("The microphone delivers no sound at all (muted or disconnected?)" if self._quiet_all_zero
                        else "The microphone picks up almost nothing")
                self._emit(NoSignalChanged(True, seconds, self._quiet_all_zero,
                                           f"No signal: {what}. Check the microphone and its mute switch."))
        else:
            seconds = self._quiet_samples / SAMPLE_RATE
            self._quiet_samples, self._quiet_all_zero = 0, True
            if self._no_signal:
                self._no_signal = False
                self._emit(NoSignalChanged(False, seconds, False))

    # ----------------------------------------------------------------------------------------- journal writer
    def _write_loop(self, journal: Journal) -> None:
        while True:
            try:
                item = self._queue.get(timeout=0.2)
            except queue.Empty:
                item = ("tick",)
            try:
                if self._handle(journal, item):
                    return
            except JournalError as error:
                self._journal_failed(journal, error)
                return

    def _handle(self, journal: Journal, item: tuple) -> bool:
        """Apply one queued item to the journal; True when the writer is done."""
        kind = item[0]
        if kind == "audio":
            journal.append(item[1])
        elif kind == "pause":
            journal.pause()
        elif kind == "resume":
            journal.resume()
        elif kind == "tick":
            journal.sync_if_due()
            limit = self._stall_seconds if self._stream_delivered else self._start_seconds
            if self._state in _ACTIVE and time.monotonic() - self._last_audio > limit:
                return self._lose_device(journal, f"no audio for {limit:g} s")
        elif kind == "finished":
            return self._stream_finished(journal, item[1])
        elif kind == "stop":
            journal.stop()
            return True
        return False

    def _stream_finished(self, journal: Journal, generation: int) -> bool:
        """The stream became inactive without stop(): end of the input file, or a lost device."""
        with self._lock:
            if generation != self._generation or self._state not in _ACTIVE:
                return False
            stream = self._stream
        if getattr(stream, "end_of_file", False):
            return self._end_of_input(journal)
        return self._lose_device(journal, "the input stream ended")

    def _lose_device(self, journal: Journal, why: str) -> bool:
        """Keep what was recorded and tell the doctor; True if a stop() was met while saving (the writer is done)."""
        with self._lock:
            previous = self._state
            if previous not in _ACTIVE:
                return False
            if previous is RecorderState.RECORDING:
                self._queue.put(("pause",))
            self._state = RecorderState.DEVICE_LOST  # the callback keeps no block from here on
        log.warning("input device lost (%s) after %.1f s", why, self.elapsed)
        self._close_stream()
        done = self._drain(journal)
        minutes, seconds = divmod(int(journal.duration), 60)
        message = (f"The microphone stopped working (unplugged?). The {minutes} min {seconds:02d} s recorded so far "
                   "are saved. Plug it in again and press Resume, or press Stop to end the visit.")
        with self._lock:
            self._message = message
            self._changed.notify_all()
        self._emit(StateChanged(RecorderState.DEVICE_LOST, previous, "device_lost", message, journal.duration))
        return done

    def _drain(self, journal: Journal) -> bool:
        """Write what is queued now (blocks, the pause mark), so the message counts every saved second."""
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return False
            if self._handle(journal, item):
                return True

    def _end_of_input(self, journal: Journal) -> bool:
        with self._lock:
            previous = self._state
            self._state = RecorderState.STOPPED
            self._changed.notify_all()
        log.info("input ended after %.1f s", self.elapsed)
        self._close_stream()
        while True:  # blocks queued before the end, up to a stop() that raced with it
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item[0] == "audio":
                journal.append(item[1])
        journal.stop()
        self._emit(StateChanged(RecorderState.STOPPED, previous, "end_of_input", "", journal.duration))
        return True

    def _journal_failed(self, journal: Journal, error: JournalError) -> None:
        log.error("recording stopped: journal error (%s) after %.1f s saved", error.reason, error.recorded_seconds)
        with self._lock:
            previous, self._state, self._message = self._state, RecorderState.FAILED, str(error)
            self._changed.notify_all()
        self._close_stream()
        try:
            journal.stop()
        except (JournalError, OSError):
            journal.close()
        self._emit(StateChanged(RecorderState.FAILED, previous, error.reason, str(error), error.recorded_seconds))


def _quietly(action: Callable[[], Any]) -> None:
    """Run a stream stop/close, logging instead of raising (a lost device reports errors here)."""
    try:
        action()
    except Exception as error:  # noqa: BLE001 - PortAudio errors on a dead device are expected
        log.debug("ignored while closing the input stream: %s", error)
