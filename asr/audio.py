"""Decode any common audio format to 16 kHz mono float32, as a stream of blocks (bounded memory for long files).

PyAV (FFmpeg) decodes wav, flac, mp3, m4a/aac, ogg/opus, webm and resamples. Problems become typed errors that say
what is wrong with the file; a file cut short is decoded up to the damage and the loss is reported as a warning.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from asr.errors import AudioDecodeError, AudioNotFoundError, EmptyAudioError, UnsupportedAudioError

__all__ = ["SAMPLE_RATE", "AUDIO_EXTENSIONS", "AudioFile", "load_audio", "StreamResampler"]

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
AUDIO_EXTENSIONS = frozenset(
    {".wav", ".flac", ".mp3", ".m4a", ".aac", ".mp4", ".ogg", ".oga", ".opus", ".webm", ".wma", ".amr", ".3gp"}
)
_BLOCK_SAMPLES = SAMPLE_RATE  # about one second per yielded block


class AudioFile:
    """An audio file opened for streaming decode to 16 kHz mono float32.

    Attributes:
        path: The file.
        duration: Length in seconds from the container, or ``None`` when the container does not say.
        warnings: Problems met while decoding that did not stop it (e.g. truncation).
        decoded_seconds: Audio produced so far.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.warnings: list[str] = []
        self.decoded_seconds = 0.0
        if not self.path.exists():
            raise AudioNotFoundError(f"audio file not found: {self.path}")
        if not self.path.is_file():
            raise AudioNotFoundError(f"not a file: {self.path}")
        if self.path.stat().st_size == 0:
            raise EmptyAudioError(f"audio file is empty (0 bytes): {self.path}")
        self.duration = self._probe_duration()

    def _open(self):
        import av

        try:
            container = av.open(str(self.path), metadata_errors="ignore")
        except av.FFmpegError as error:
            if self.path.suffix.lower() in AUDIO_EXTENSIONS:
                raise AudioDecodeError(
                    f"cannot read {self.path.name}: the file is corrupt or not really {self.path.suffix} ({error})"
                ) from error
            raise UnsupportedAudioError(
                f"{self.path.name} is not a supported audio file; use wav, flac, mp3, m4a, ogg or webm"
            ) from error
        streams = [s for s in container.streams if s.type == "audio"]
        if not streams:
            container.close()
            raise UnsupportedAudioError(
                f"{self.path.name} has no audio track: it is not a supported audio file "
                "(use wav, flac, mp3, m4a, ogg or webm)"
            )
        return container, streams[0]

    def _probe_duration(self) -> float | None:
        container, stream = self._open()
        try:
            if stream.duration is not None and stream.time_base is not None:
                return float(stream.duration * stream.time_base)
            if container.duration is not None:
                return container.duration / 1_000_000
            return None
        finally:
            container.close()

    def blocks(self) -> Iterator[np.ndarray]:
        """Yield float32 mono 16 kHz blocks of about one second.

        Raises:
            AudioDecodeError: Nothing could be decoded.
            EmptyAudioError: The file decodes to no samples.
        """
        import av

        container, stream = self._open()
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        pending: list[np.ndarray] = []
        pending_len = 0
        total = 0
        try:
            try:
                for frame in container.decode(stream):
                    for out in resampler.resample(frame):
                        block = out.to_ndarray().reshape(-1).astype(np.float32, copy=False)
                        pending.append(block)
                        pending_len += block.size
                        if pending_len >= _BLOCK_SAMPLES:
                            total += pending_len
                            self.decoded_seconds = total / SAMPLE_RATE
                            yield np.concatenate(pending)
                            pending, pending_len = [], 0
            except av.FFmpegError as error:
                if total + pending_len == 0:
                    raise AudioDecodeError(f"cannot decode {self.path.name}: {error}") from error
                message = f"{self.path.name} is damaged after {(total + pending_len) / SAMPLE_RATE:.1f} s; " \
                          "the audio before that point was used"
                log.warning(message)
                self.warnings.append(message)
            for out in resampler.resample(None):
                pending.append(out.to_ndarray().reshape(-1).astype(np.float32, copy=False))
                pending_len += pending[-1].size
            if pending_len:
                total += pending_len
                self.decoded_seconds = total / SAMPLE_RATE
                yield np.concatenate(pending)
        finally:
            container.close()
        if total == 0:
            raise EmptyAudioError(f"{self.path.name} contains no audio samples")
        if self.duration and total / SAMPLE_RATE < 0.9 * self.duration - 1.0:
            message = (
                f"{self.path.name} ends after {total / SAMPLE_RATE:.1f} s but declares {self.duration:.1f} s "
                "(truncated file); the audio that is there was used"
            )
            log.warning(message)
            self.warnings.append(message)


def load_audio(path: str | os.PathLike) -> np.ndarray:
    """Decode a whole file to one float32 mono 16 kHz array (use :class:`AudioFile` for long files)."""
    return np.concatenate(list(AudioFile(path).blocks()))


class StreamResampler:
    """Convert live blocks of any rate and channel count into 16 kHz mono float32.

    Args:
        sample_rate: Rate of the incoming blocks.
    """

    def __init__(self, sample_rate: int):
        self.sample_rate = int(sample_rate)
        self._resampler = None

    def __call__(self, block: np.ndarray) -> np.ndarray:
        """Convert one block (shape ``(n,)`` or ``(n, channels)``, float or int16)."""
        data = np.asarray(block)
        if data.dtype == np.int16:
            data = data.astype(np.float32) / 32768.0
        elif data.dtype == np.int32:
            data = data.astype(np.float32) / 2147483648.0
        data = data.astype(np.float32, copy=False)
        if data.ndim == 2:
            data = data.mean(axis=1)
        elif data.ndim != 1:
            raise ValueError(f"audio block must be 1-D or (samples, channels), got shape {data.shape}")
        if self.sample_rate == SAMPLE_RATE or data.size == 0:
            return np.ascontiguousarray(data)
        import av

        if self._resampler is None:
            self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data[None, :]), format="flt", layout="mono")
        frame.sample_rate = self.sample_rate
        frame.pts = None
        outs = [o.to_ndarray().reshape(-1) for o in self._resampler.resample(frame)]
        return np.concatenate(outs).astype(np.float32) if outs else np.zeros(0, np.float32)

    def flush(self) -> np.ndarray:
        """Return what the resampler still holds at the end of the stream."""
        if self._resampler is None:
            return np.zeros(0, np.float32)
        outs = [o.to_ndarray().reshape(-1) for o in self._resampler.resample(None)]
        return np.concatenate(outs).astype(np.float32) if outs else np.zeros(0, np.float32)
