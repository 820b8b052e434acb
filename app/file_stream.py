"""An audio file played into a callback through the ``sounddevice.InputStream`` interface.

:class:`FileInputStream` stands in for the microphone in tests and in the app's demo mode. It takes the keywords
:class:`sounddevice.InputStream` takes, calls ``callback(indata, frames, time, status)`` from its own thread at
real-time pace (or ``speed`` times faster; ``speed=0``: as fast as possible) and calls ``finished_callback`` when it
becomes inactive, as PortAudio does. It can refuse sample rates a device would refuse, and pretend the device was
unplugged after some seconds: either PortAudio's way on a host error (the stream ends, ``finished_callback`` runs,
``stop()`` raises ``PortAudioError``) or by going silent without ending (``unplug_mode="stall"``, what an ALSA device
can do). At the end of the file it stops like a callback that raised ``CallbackStop`` and sets :attr:`end_of_file`.

Bind the file with :func:`file_stream_factory` to get a callable with the ``sounddevice.InputStream`` signature.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Collection
from functools import partial
from types import SimpleNamespace
from typing import Any

import numpy as np

from asr.audio import SAMPLE_RATE

__all__ = [
    "FileInputStream",
    "file_stream_factory",
    "SimulatedPortAudioError",
    "portaudio_error_type",
    "PA_INVALID_SAMPLE_RATE",
    "PA_UNANTICIPATED_HOST_ERROR",
    "PA_DEVICE_UNAVAILABLE",
]

log = logging.getLogger(__name__)

PA_INVALID_SAMPLE_RATE = -9997
PA_UNANTICIPATED_HOST_ERROR = -9999
PA_DEVICE_UNAVAILABLE = -9985


class SimulatedPortAudioError(Exception):
    """Stands for ``sounddevice.PortAudioError`` where PortAudio is not installed (same ``args``: message, code)."""

    def __str__(self) -> str:
        if len(self.args) > 1:
            return f"{self.args[0]} [PaErrorCode {self.args[1]}]"
        return super().__str__()


def portaudio_error_type() -> type[Exception]:
    """``sounddevice.PortAudioError`` when sounddevice loads, else :class:`SimulatedPortAudioError`."""
    try:
        import sounddevice
    except (ImportError, OSError):
        return SimulatedPortAudioError
    return sounddevice.PortAudioError


def _callback_control() -> tuple[type[BaseException], type[BaseException]]:
    try:
        import sounddevice
    except (ImportError, OSError):
        return _CallbackStop, _CallbackAbort
    return sounddevice.CallbackStop, sounddevice.CallbackAbort


class _CallbackStop(Exception):
    pass


class _CallbackAbort(Exception):
    pass


class _Flags:
    """The ``status`` argument of the callback (``sounddevice.CallbackFlags`` subset); always clean here."""

    input_overflow = False
    input_underflow = False
    output_overflow = False
    output_underflow = False
    priming_output = False

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "<CallbackFlags: none>"


def _to_rate(audio: np.ndarray, rate: int) -> np.ndarray:
    """Resample 16 kHz mono float32 to ``rate`` with PyAV (what a device at that rate would deliver)."""
    if rate == SAMPLE_RATE or audio.size == 0:
        return audio
    import av

    resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(audio[None, :]), format="flt", layout="mono")
    frame.sample_rate = SAMPLE_RATE
    outs = [o.to_ndarray().reshape(-1) for o in resampler.resample(frame)]
    outs += [o.to_ndarray().reshape(-1) for o in resampler.resample(None)]
    return np.concatenate(outs).astype(np.float32)


class FileInputStream:
    """A drop-in for ``sounddevice.InputStream`` that plays 16 kHz mono audio (a file or an array).

    Args:
        source: An audio file (any format :func:`asr.audio.load_audio` decodes) or a float32 16 kHz mono array.
        samplerate: Rate the callback receives (the audio is resampled); 16000 when None.
        blocksize: Frames per callback; a tenth of a second when None or 0.
        device: Accepted and ignored (recorded in :attr:`device`).
        channels: Channels per frame (mono is repeated); 1 when None.
        dtype: ``"float32"``, ``"int16"`` or ``"int32"``.
        callback: ``callback(indata, frames, time, status)`` as in sounddevice.
        finished_callback: Called once when the stream becomes inactive.
        speed: 1.0 real time, 2.0 twice as fast, 0 as fast as possible.
        unplug_after: Seconds of audio after which the "device" disappears (None: never).
        unplug_mode: ``"error"`` (the stream ends with a host error, as PortAudio reports a lost device) or
            ``"stall"`` (callbacks just stop coming; the stream stays active).
        supported_rates: Rates this "device" accepts; opening at another raises ``PortAudioError``
            (Invalid sample rate). None accepts any rate.
        start_delay: Seconds before the first block (PulseAudio's ALSA device takes about 1.7 s).
        **_ignored: The other ``sounddevice.InputStream`` keywords (latency, extra_settings, ...).

    Raises:
        PortAudioError: (``sounddevice.PortAudioError``, or :class:`SimulatedPortAudioError` without PortAudio)
            The sample rate is not in ``supported_rates``.
        asr.errors.AudioError: The file cannot be decoded.
    """

    def __init__(self, source: str | os.PathLike | np.ndarray, *, samplerate: float | None = None,
                 blocksize: int | None = None, device: Any = None, channels: int | None = None,
                 dtype: str | None = None, callback: Callable[..., Any] | None = None,
                 finished_callback: Callable[[], Any] | None = None, speed: float = 1.0,
                 unplug_after: float | None = None, unplug_mode: str = "error",
                 supported_rates: Collection[int] | None = None, start_delay: float = 0.0, **_ignored: Any):
        rate = int(samplerate or SAMPLE_RATE)
        if supported_rates is not None and rate not in supported_rates:
            raise portaudio_error_type()("Error opening InputStream: Invalid sample rate", PA_INVALID_SAMPLE_RATE)
        if unplug_mode not in ("error", "stall"):
            raise ValueError(f"unplug_mode must be 'error' or 'stall', got {unplug_mode!r}")
        if dtype not in (None, "float32", "int16", "int32"):
            raise ValueError(f"unsupported dtype {dtype!r}")
        if isinstance(source, np.ndarray):
            audio = np.asarray(source, dtype=np.float32).reshape(-1)
        else:
            from asr.audio import load_audio

            audio = load_audio(source)
        self._audio = _to_rate(audio, rate)
        self.samplerate = float(rate)
        self.blocksize = int(blocksize or rate // 10)
        self.device = device
        self.channels = int(channels or 1)
        self.dtype = dtype or "float32"
        self.latency = 0.0
        self.speed = float(speed)
        self._callback = callback
        self._finished_callback = finished_callback
        self._unplug_frames = None if unplug_after is None else int(unplug_after * rate)
        self._unplug_mode = unplug_mode
        self._start_delay = float(start_delay)
        self._position = 0
        self._lock = threading.Lock()
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None
        self._active = False
        self._closed = False
        self._host_error = False
        self._finished_called = False
        self.end_of_file = False
        self.unplugged = False
        self.finished = threading.Event()
        """Set when the stream became inactive (end of file, unplug, stop)."""

    # --------------------------------------------------------------------------------- sounddevice.Stream surface
    @property
    def active(self) -> bool:
        """True while the stream delivers (or, after a stall unplug, pretends to)."""
        return self._active

    @property
    def stopped(self) -> bool:
        """True when not active."""
        return not self._active

    @property
    def closed(self) -> bool:
        """True after :meth:`close`."""
        return self._closed

    @property
    def time(self) -> float:
        """Seconds of audio delivered so far (the stream clock)."""
        return self._position / self.samplerate

    @property
    def cpu_load(self) -> float:
        """Always 0.0."""
        return 0.0

    def start(self) -> None:
        """Start delivering blocks from a background thread.

        Raises:
            PortAudioError: The stream is closed, or the simulated device was unplugged.
        """
        if self._closed:
            raise portaudio_error_type()("Error starting stream: Stream is closed", -9988)
        if self.unplugged:
            raise portaudio_error_type()("Error starting stream: Device unavailable", PA_DEVICE_UNAVAILABLE)
        if self._active:
            return
        self._halt.clear()
        self.finished.clear()
        self._finished_called = False
        self._active = True
        self._thread = threading.Thread(target=self._run, name="FileInputStream", daemon=True)
        self._thread.start()

    def stop(self, ignore_errors: bool = True) -> None:
        """Stop delivering and wait for the delivery thread; ``finished_callback`` runs if it has not yet.

        Raises:
            PortAudioError: The simulated device was unplugged (PortAudio reports the host error here too).
        """
        self._halt.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        was_active = self._active
        self._active = False
        if was_active:
            self._finish()
        if self._host_error:
            raise portaudio_error_type()("Error stopping stream: Unanticipated host error",
                                         PA_UNANTICIPATED_HOST_ERROR)

    def abort(self, ignore_errors: bool = True) -> None:
        """Like :meth:`stop` without the host error (PortAudio's abort does not wait for buffers either)."""
        try:
            self.stop()
        except Exception:  # noqa: BLE001 - abort ignores the host error by design
            pass

    def close(self, ignore_errors: bool = True) -> None:
        """Stop (errors ignored) and close."""
        self.abort()
        self._closed = True

    def __enter__(self) -> FileInputStream:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
        self.close()

    # ------------------------------------------------------------------------------------------------ delivery
    def _finish(self) -> None:
        with self._lock:
            if self._finished_called:
                return
            self._finished_called = True
        self.finished.set()
        if self._finished_callback is not None:
            try:
                self._finished_callback()
            except Exception:  # noqa: BLE001 - PortAudio ignores errors in the finished callback as well
                log.exception("finished_callback raised")

    def _convert(self, block: np.ndarray) -> np.ndarray:
        if self.dtype == "int16":
            data = (np.clip(block, -1.0, 1.0) * 32767.0).astype(np.int16)
        elif self.dtype == "int32":
            data = (np.clip(block, -1.0, 1.0).astype(np.float64) * 2147483647.0).astype(np.int32)
        else:
            data = block.astype(np.float32, copy=True)
        return np.repeat(data[:, None], self.channels, axis=1)

    def _run(self) -> None:
        stop_exc, abort_exc = _callback_control()
        if self._start_delay and self._halt.wait(self._start_delay):
            return
        rate = self.samplerate
        started = time.monotonic()
        first = self._position
        end = len(self._audio)
        ending = "stopped"
        while not self._halt.is_set():
            if self._unplug_frames is not None and self._position >= self._unplug_frames:
                ending = "unplugged"
                break
            if self._position >= end:
                ending = "eof"
                break
            stop = min(end, self._position + self.blocksize)
            if self._unplug_frames is not None:
                stop = min(stop, max(self._unplug_frames, self._position + 1))
            block = self._audio[self._position:stop]
            if self.speed > 0:
                due = started + (stop - first) / (rate * self.speed)
                if self._halt.wait(max(0.0, due - time.monotonic())):
                    break
            indata = self._convert(block)
            now = self._position / rate
            stamp = SimpleNamespace(inputBufferAdcTime=now, currentTime=now, outputBufferDacTime=0.0)
            self._position = stop
            try:
                if self._callback is not None:
                    self._callback(indata, len(block), stamp, _Flags())
            except stop_exc:
                ending = "callback_stop"
                break
            except abort_exc:
                ending = "callback_abort"
                break
            except Exception:  # noqa: BLE001 - PortAudio aborts the stream when the callback raises
                log.exception("input callback raised; stream aborted")
                ending = "callback_error"
                break
        if ending == "stopped":
            return  # stop() finishes
        if ending == "unplugged":
            self.unplugged = True
            log.info("simulated device unplugged after %.1f s (%s)", self.time, self._unplug_mode)
            if self._unplug_mode == "stall":
                return  # active, silent, no finished callback: only a watchdog notices
            self._host_error = True
        elif ending == "eof":
            self.end_of_file = True
        self._active = False
        self._finish()


def file_stream_factory(source: str | os.PathLike | np.ndarray, **options: Any) -> Callable[..., FileInputStream]:
    """Bind a source (and options such as ``speed``, ``unplug_after``) into an ``InputStream``-like factory.

    The file is decoded once, when the factory is made; each stream made from it plays it from the start.

    Example:
        ``Recorder(root, stream_factory=file_stream_factory("visit.wav", speed=0))``
    """
    if not isinstance(source, np.ndarray):
        from asr.audio import load_audio

        source = load_audio(source)
    return partial(FileInputStream, source, **options)
