"""The crash-safe audio journal of one visit: raw samples on disk the moment they are captured.

One folder per visit under a journal root::

    <root>/<visit_id>/audio.pcm      16 kHz mono samples (float32 little-endian by default), appended block by block
    <root>/<visit_id>/journal.json   visit id, start time, sample rate, format, state, pause positions
    <root>/<visit_id>/audio.flac     written by :func:`finish` (the journal is then "finished")

Every block is handed to the operating system at once (a killed process loses nothing it appended) and the file is
fsync'ed at least once per second and on pause and stop (a power cut loses at most about a second). ``journal.json`` is
replaced atomically (temporary file, fsync, ``os.replace``), so it is always either the old or the new version. While a
journal is open its audio file is locked (``flock``, where the platform has it), so :func:`find_interrupted` does not
offer a visit that another running TingJi is still recording.

No patient data is logged: log lines name the visit id (random) and sizes only.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np

try:  # POSIX only; on Windows journals are simply not locked.
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "AUDIO_FILE",
    "META_FILE",
    "JournalState",
    "JournalError",
    "Journal",
    "InterruptedVisit",
    "RecoveredVisit",
    "find_interrupted",
    "recover",
    "finish",
    "discard",
]

log = logging.getLogger(__name__)

AUDIO_FILE = "audio.pcm"
META_FILE = "journal.json"
_VERSION = 1
_FORMATS = {"float32": np.dtype("<f4"), "int16": np.dtype("<i2")}


class JournalState(str, Enum):
    """Where a visit's recording stands, as written in ``journal.json``."""

    RECORDING = "recording"
    PAUSED = "paused"
    STOPPED = "stopped"
    FINISHED = "finished"


class JournalError(Exception):
    """The journal could not be written or read; the message is meant for the doctor.

    Attributes:
        reason: ``"disk_full"``, ``"file_too_large"``, ``"io_error"`` or ``"damaged"``.
        folder: The visit's journal folder.
        recorded_seconds: Audio safely on disk when the error happened.
    """

    def __init__(self, message: str, *, reason: str, folder: Path | None = None, recorded_seconds: float = 0.0):
        super().__init__(message)
        self.reason = reason
        self.folder = folder
        self.recorded_seconds = recorded_seconds


def _minutes(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60} min {whole % 60:02d} s"


def _write_error(error: OSError, folder: Path, recorded_seconds: float) -> JournalError:
    kept = f"The {_minutes(recorded_seconds)} recorded so far are saved and can be recovered."
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        reason, what = "disk_full", "The disk is full, so the recording cannot continue."
        todo = "Free disk space (or ask IT), then start a new recording."
    elif error.errno == errno.EFBIG:
        reason, what = "file_too_large", "The recording file reached the largest size this computer allows."
        todo = "Stop this recording and start a new one for the rest of the visit."
    else:
        reason, what = "io_error", f"The recording could not be saved to disk ({os.strerror(error.errno or 0)})."
        todo = "Check the disk, then start a new recording."
    return JournalError(f"{what} {kept} {todo}", reason=reason, folder=folder, recorded_seconds=recorded_seconds)


def _now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_meta(folder: Path, meta: dict[str, Any]) -> None:
    """Replace ``journal.json`` atomically (temporary file, fsync, rename, fsync the folder)."""
    tmp = folder / f".{META_FILE}.tmp"
    data = json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, folder / META_FILE)
    _fsync_dir(folder)


def _read_meta(folder: Path) -> dict[str, Any]:
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise JournalError(f"{folder.name} is not a recording journal (no {META_FILE}).", reason="damaged",
                           folder=folder) from error
    except (OSError, ValueError) as error:
        raise JournalError(f"The journal of recording {folder.name} is damaged and cannot be read.",
                           reason="damaged", folder=folder) from error
    if not isinstance(meta, dict) or meta.get("format") not in _FORMATS or not meta.get("sample_rate"):
        raise JournalError(f"The journal of recording {folder.name} is damaged and cannot be read.",
                           reason="damaged", folder=folder)
    return meta


class Journal:
    """An open journal that audio is appended to. Create one with :meth:`create` or :meth:`reopen`.

    Not thread-safe: one thread (the recorder's writer) appends, pauses and stops.

    Attributes:
        folder: The visit's folder.
        visit_id: The folder name, a random id.
        sample_rate: Samples per second (16000).
        format: ``"float32"`` or ``"int16"``.
    """

    def __init__(self, folder: Path, meta: dict[str, Any], fd: int, *, sync_interval: float = 1.0,
                 clock: Callable[[], float] = time.monotonic):
        self.folder = folder
        self.visit_id: str = meta["visit_id"]
        self.sample_rate: int = int(meta["sample_rate"])
        self.format: str = meta["format"]
        self._dtype = _FORMATS[self.format]
        self._meta = meta
        self._fd: int | None = fd
        self._bytes = os.fstat(fd).st_size
        self._sync_interval = sync_interval
        self._clock = clock
        self._last_sync = clock()
        self._dirty = False

    # ----------------------------------------------------------------------------------------------------- opening
    @classmethod
    def create(cls, root: str | os.PathLike, *, visit_id: str | None = None, sample_rate: int = 16000,
               fmt: str = "float32", meta: dict[str, Any] | None = None, sync_interval: float = 1.0,
               clock: Callable[[], float] = time.monotonic) -> Journal:
        """Start a new visit journal in a new folder under ``root``.

        Args:
            root: The journal root (created if missing).
            visit_id: Folder name; a time-stamped random id by default.
            sample_rate: Rate of the appended samples.
            fmt: ``"float32"`` (exact) or ``"int16"`` (half the size).
            meta: Extra JSON-serialisable fields kept in ``journal.json`` under ``"app"`` (no patient data).
            sync_interval: Longest time between two fsyncs of the audio while appending, in seconds.
            clock: Monotonic clock (tests inject one).

        Raises:
            JournalError: The folder cannot be created or written (disk full, permissions).
            ValueError: Unknown ``fmt``.
        """
        if fmt not in _FORMATS:
            raise ValueError(f"journal format must be one of {sorted(_FORMATS)}, got {fmt!r}")
        visit_id = visit_id or f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        folder = Path(root) / visit_id
        record = {
            "version": _VERSION, "visit_id": visit_id, "started": _now_iso(), "updated": _now_iso(),
            "sample_rate": int(sample_rate), "channels": 1, "format": fmt, "state": JournalState.RECORDING.value,
            "pauses": [], "finished_file": None, "app": dict(meta or {}),
        }
        try:
            folder.mkdir(parents=True, exist_ok=False)
            _write_meta(folder, record)
            fd = os.open(folder / AUDIO_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            _fsync_dir(folder)
        except FileExistsError:
            raise
        except OSError as error:
            raise _write_error(error, folder, 0.0) from error
        _lock(fd)
        log.info("journal %s started (%d Hz %s)", visit_id, sample_rate, fmt)
        return cls(folder, record, fd, sync_interval=sync_interval, clock=clock)

    @classmethod
    def reopen(cls, folder: str | os.PathLike, *, sync_interval: float = 1.0,
               clock: Callable[[], float] = time.monotonic) -> Journal:
        """Continue appending to an interrupted journal (a torn last sample is cut off first).

        Raises:
            JournalError: The journal is damaged, finished, or locked by a running recorder.
        """
        folder = Path(folder)
        meta = _read_meta(folder)
        if meta.get("state") == JournalState.FINISHED.value:
            raise JournalError(f"Recording {folder.name} is already finished.", reason="damaged", folder=folder)
        try:
            fd = os.open(folder / AUDIO_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError as error:
            raise _write_error(error, folder, 0.0) from error
        if not _lock(fd):
            os.close(fd)
            raise JournalError(f"Recording {folder.name} is still in use by another TingJi window.",
                               reason="damaged", folder=folder)
        size = os.fstat(fd).st_size
        itemsize = _FORMATS[meta["format"]].itemsize
        if size % itemsize:
            os.ftruncate(fd, size - size % itemsize)
        journal = cls(folder, meta, fd, sync_interval=sync_interval, clock=clock)
        journal._set_state(JournalState.RECORDING)
        log.info("journal %s reopened at %.1f s", journal.visit_id, journal.duration)
        return journal

    # ----------------------------------------------------------------------------------------------------- writing
    @property
    def samples(self) -> int:
        """Whole samples on disk (handed to the operating system)."""
        return self._bytes // self._dtype.itemsize

    @property
    def duration(self) -> float:
        """Seconds of audio on disk."""
        return self.samples / self.sample_rate

    @property
    def state(self) -> JournalState:
        """The state last written to ``journal.json``."""
        return JournalState(self._meta["state"])

    @property
    def closed(self) -> bool:
        """True once :meth:`stop` or :meth:`close` ran."""
        return self._fd is None

    def append(self, block: np.ndarray) -> None:
        """Write one mono block (float32 in [-1, 1]) at once; fsync when the last fsync is older than the interval.

        Raises:
            JournalError: The disk is full, the file-size limit was reached, or another I/O error; everything
                appended before stays readable with :func:`recover`.
        """
        if self._fd is None:
            raise JournalError("The recording is already closed.", reason="io_error", folder=self.folder,
                               recorded_seconds=self.duration)
        samples = np.asarray(block, dtype=np.float32).reshape(-1)
        if self.format == "int16":
            data = (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype(self._dtype).tobytes()
        else:
            data = samples.astype(self._dtype, copy=False).tobytes()
        view = memoryview(data)
        try:
            while view:
                written = os.write(self._fd, view)
                self._bytes += written
                view = view[written:]
        except OSError as error:
            self._after_write_error()
            log.error("journal %s: write failed after %.1f s (%s)", self.visit_id, self.duration,
                      errno.errorcode.get(error.errno or 0, error.errno))
            raise _write_error(error, self.folder, self.duration) from error
        self._dirty = True
        if self._clock() - self._last_sync >= self._sync_interval:
            self.sync()

    def _after_write_error(self) -> None:
        """Keep what is on disk usable: fsync it and cut a torn sample off the end (best effort)."""
        try:
            remainder = self._bytes % self._dtype.itemsize
            if remainder:
                os.ftruncate(self._fd, self._bytes - remainder)
                self._bytes -= remainder
            os.fsync(self._fd)
        except OSError:
            pass

    def sync(self) -> None:
        """Force the appended audio to disk (fsync).

        Raises:
            JournalError: The disk reported an error.
        """
        if self._fd is None:
            return
        try:
            os.fsync(self._fd)
        except OSError as error:
            raise _write_error(error, self.folder, self.duration) from error
        self._last_sync = self._clock()
        self._dirty = False

    def sync_if_due(self) -> None:
        """fsync when audio was appended since the last fsync and the interval has passed (call it periodically)."""
        if self._dirty and self._clock() - self._last_sync >= self._sync_interval:
            self.sync()

    def _set_state(self, state: JournalState, **fields: Any) -> None:
        record = dict(self._meta, state=state.value, updated=_now_iso(), **fields)
        try:
            _write_meta(self.folder, record)
        except OSError as error:
            raise _write_error(error, self.folder, self.duration) from error
        self._meta = record

    def pause(self) -> None:
        """fsync and mark the journal paused at the current position.

        Raises:
            JournalError: The disk reported an error.
        """
        self.sync()
        self._set_state(JournalState.PAUSED, pauses=[*self._meta.get("pauses", []), self.samples])

    def resume(self) -> None:
        """Mark the journal recording again.

        Raises:
            JournalError: The disk reported an error.
        """
        self._set_state(JournalState.RECORDING)

    def stop(self) -> None:
        """fsync, mark the journal stopped and close it (finish it later with :func:`finish`).

        Raises:
            JournalError: The disk reported an error (the audio stays recoverable; the file is closed anyway).
        """
        if self._fd is None:
            return
        try:
            self.sync()
            self._set_state(JournalState.STOPPED)
        finally:
            self.close()
        log.info("journal %s stopped at %.1f s", self.visit_id, self.duration)

    def close(self) -> None:
        """Close the audio file without changing the state (what a crash leaves behind, minus the crash)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # also releases the lock

    def finish(self, fmt: str = "flac", *, keep_pcm: bool = True) -> Path:
        """Stop (if needed) and write the visit's audio file; see :func:`finish`."""
        if self._fd is not None:
            self.stop()
        return finish(self.folder, fmt, keep_pcm=keep_pcm)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _lock(fd: int) -> bool:
    """Take an exclusive lock on the open audio file; False when another process holds it."""
    if fcntl is None:  # pragma: no cover - Windows
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _in_use(folder: Path) -> bool:
    if fcntl is None:  # pragma: no cover - Windows
        return False
    try:
        fd = os.open(folder / AUDIO_FILE, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the lock we may just have taken
    return False


# --------------------------------------------------------------------------------------------------------- recovery
@dataclass(frozen=True)
class InterruptedVisit:
    """A journal left unfinished (crash, kill, power cut, or stopped but never finished).

    Attributes:
        folder: The journal folder (pass it to :func:`recover`, :func:`finish` or :func:`discard`).
        visit_id: The folder name.
        started: ISO 8601 start time.
        state: The state last written: recording, paused or stopped.
        duration: Seconds of audio on disk.
        app: The extra fields given to :meth:`Journal.create`.
    """

    folder: Path
    visit_id: str
    started: str
    state: JournalState
    duration: float
    app: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class RecoveredVisit:
    """The audio of a journal, read back.

    Attributes:
        folder: The journal folder.
        visit_id: The folder name.
        started: ISO 8601 start time.
        state: The state last written.
        sample_rate: Samples per second.
        audio: Mono float32 samples.
        duration: Seconds of audio.
        torn_bytes: Bytes of an incomplete last sample that were left out (0 after a clean stop).
        pauses: Sample positions where the doctor paused.
    """

    folder: Path
    visit_id: str
    started: str
    state: JournalState
    sample_rate: int
    audio: np.ndarray = field(repr=False, compare=False)
    duration: float
    torn_bytes: int
    pauses: tuple[int, ...] = ()


def find_interrupted(root: str | os.PathLike) -> list[InterruptedVisit]:
    """List the journals under ``root`` that were not finished and are not open in a running recorder.

    Damaged folders are skipped with a warning. Oldest first.
    """
    root = Path(root)
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if not (folder / META_FILE).exists():
            continue
        try:
            meta = _read_meta(folder)
            state = JournalState(meta.get("state"))
        except (JournalError, ValueError):
            log.warning("skipping damaged journal folder %s", folder.name)
            continue
        if state is JournalState.FINISHED or _in_use(folder):
            continue
        try:
            size = (folder / AUDIO_FILE).stat().st_size
        except FileNotFoundError:
            size = 0
        duration = size // _FORMATS[meta["format"]].itemsize / int(meta["sample_rate"])
        found.append(InterruptedVisit(folder, meta["visit_id"], meta.get("started", ""), state, duration,
                                      dict(meta.get("app") or {})))
    found.sort(key=lambda v: (v.started, v.visit_id))
    return found


def recover(folder: str | os.PathLike) -> RecoveredVisit:
    """Read a journal's audio back, leaving out a torn last sample.

    Raises:
        JournalError: ``journal.json`` is missing or damaged.
    """
    folder = Path(folder)
    meta = _read_meta(folder)
    dtype = _FORMATS[meta["format"]]
    try:
        raw = (folder / AUDIO_FILE).read_bytes()
    except FileNotFoundError:
        raw = b""
    except OSError as error:
        raise JournalError(f"The audio of recording {folder.name} cannot be read ({error.strerror}).",
                           reason="io_error", folder=folder) from error
    torn = len(raw) % dtype.itemsize
    samples = np.frombuffer(raw[: len(raw) - torn], dtype=dtype)
    audio = samples.astype(np.float32) / 32768.0 if dtype.kind == "i" else samples.astype(np.float32)
    rate = int(meta["sample_rate"])
    if torn:
        log.warning("journal %s: %d bytes of a torn last sample left out", folder.name, torn)
    return RecoveredVisit(folder, meta["visit_id"], meta.get("started", ""), JournalState(meta["state"]), rate,
                          audio, len(audio) / rate, torn, tuple(meta.get("pauses", ())))


def finish(folder: str | os.PathLike, fmt: str = "flac", *, keep_pcm: bool = True) -> Path:
    """Write the journal's audio as ``audio.flac`` (or ``audio.wav``) and mark the journal finished.

    Works on a journal that was stopped cleanly and on one interrupted by a crash.

    Args:
        folder: The journal folder.
        fmt: ``"flac"`` (lossless, about half the size of WAV) or ``"wav"`` (16-bit PCM).
        keep_pcm: Keep ``audio.pcm`` next to the new file (False deletes it once the file is safely written).

    Returns:
        The path of the audio file.

    Raises:
        JournalError: The journal is damaged, in use, or the disk is full.
        ValueError: Unknown ``fmt``.
    """
    folder = Path(folder)
    if fmt not in ("flac", "wav"):
        raise ValueError(f"finish format must be 'flac' or 'wav', got {fmt!r}")
    if _in_use(folder):
        raise JournalError(f"Recording {folder.name} is still being recorded.", reason="damaged", folder=folder)
    visit = recover(folder)
    target = folder / f"audio.{fmt}"
    tmp = folder / f".audio.tmp.{fmt}"
    try:
        _encode(tmp, visit.audio, visit.sample_rate, "flac" if fmt == "flac" else "pcm_s16le")
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        meta = _read_meta(folder)
        _write_meta(folder, dict(meta, state=JournalState.FINISHED.value, updated=_now_iso(),
                                 finished_file=target.name))
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise _write_error(error, folder, visit.duration) from error
    if not keep_pcm:
        (folder / AUDIO_FILE).unlink(missing_ok=True)
    log.info("journal %s finished: %.1f s written as %s", visit.visit_id, visit.duration, fmt)
    return target


def _encode(path: Path, audio: np.ndarray, rate: int, codec: str) -> None:
    """Encode mono float32 audio as 16-bit FLAC or WAV with PyAV."""
    import av

    pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).round().astype(np.int16)
    if codec == "pcm_s16le":  # the standard library suffices, and works on any thread (see app.ui.main_window)
        import wave

        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(pcm.astype("<i2").tobytes())
        return
    with av.open(str(path), "w", format="flac" if codec == "flac" else "wav") as container:
        stream = container.add_stream(codec, rate=rate)
        stream.layout = "mono"
        stream.format = "s16"
        step = 16384
        for start in range(0, len(pcm), step):
            frame = av.AudioFrame.from_ndarray(pcm[None, start:start + step], format="s16", layout="mono")
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def discard(folder: str | os.PathLike) -> None:
    """Delete a journal folder and its audio for good.

    Raises:
        JournalError: The folder is not a journal, or it is still being recorded.
    """
    folder = Path(folder)
    if not (folder / META_FILE).exists() and not (folder / AUDIO_FILE).exists():
        raise JournalError(f"{folder.name} is not a recording journal.", reason="damaged", folder=folder)
    if _in_use(folder):
        raise JournalError(f"Recording {folder.name} is still being recorded.", reason="damaged", folder=folder)
    shutil.rmtree(folder)
    log.info("journal %s discarded", folder.name)
