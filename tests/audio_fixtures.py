"""Audio for tests, made at test time: espeak-ng speech and PyAV-encoded files of every supported format."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

SR = 16000


def espeak(text: str, voice: str = "en", pitch: int = 50, speed: int = 170) -> np.ndarray:
    """Speak ``text`` with espeak-ng; return float32 mono at 16 kHz."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed; run the README's test command, which installs it")
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed), "--stdout", text],
        check=True, capture_output=True,
    ).stdout
    from asr.audio import StreamResampler

    data = np.frombuffer(wav[44:], dtype=np.int16).astype(np.float32) / 32768.0
    rate = int.from_bytes(wav[24:28], "little")
    resampler = StreamResampler(rate)
    return np.concatenate([resampler(data), resampler.flush()])


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SR), dtype=np.float32)


def two_voice_visit() -> np.ndarray:
    """A short synthetic doctor/patient exchange with pauses (two espeak voices)."""
    doctor = dict(voice="cmn-latn-pinyin+m3", pitch=25)
    patient = dict(voice="cmn-latn-pinyin+f4", pitch=80)
    parts = [
        silence(0.5),
        espeak("ni3 hao3, na3 li3 bu4 shu1 fu5?", **doctor), silence(1.0),
        espeak("yi1 sheng1, wo3 ke2 sou5 fa1 shao1 san1 tian1 le5.", **patient), silence(1.0),
        espeak("you3 mei2 you3 xiong1 tong4 huo4 zhe3 qi4 chuan3?", **doctor), silence(1.0),
        espeak("mei2 you3, jiu4 shi4 ke2 de5 li4 hai4.", **patient), silence(0.8),
    ]
    return np.concatenate(parts).astype(np.float32)


def write_audio(path: Path, audio: np.ndarray, rate: int = SR, channels: int = 1, codec: str | None = None) -> Path:
    """Encode ``audio`` (mono float32 at 16 kHz) into ``path`` with PyAV, choosing the codec from the suffix."""
    import av

    codecs = {".wav": "pcm_s16le", ".flac": "flac", ".mp3": "libmp3lame", ".m4a": "aac", ".ogg": "libopus",
              ".webm": "libopus"}
    codec = codec or codecs[path.suffix]
    if rate != SR:
        positions = np.arange(int(len(audio) * rate / SR)) * SR / rate
        audio = np.interp(positions, np.arange(len(audio)), audio).astype(np.float32)
    layout = "mono" if channels == 1 else "stereo"
    container = av.open(str(path), "w")
    stream_rate = 48000 if codec in ("libopus", "opus") else rate
    stream = container.add_stream(codec, rate=stream_rate)
    stream.layout = layout
    planar = np.repeat(audio[None, :], channels, axis=0)
    pcm = (np.clip(planar, -1, 1) * 32767).astype(np.int16)
    resampler = av.AudioResampler(format=stream.format.name, layout=layout, rate=stream_rate)
    step = 4096
    for i in range(0, pcm.shape[1], step):
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(pcm[:, i:i + step].T.reshape(1, -1)), format="s16",
                                           layout=layout)
        frame.sample_rate = rate
        for out in resampler.resample(frame):
            for packet in stream.encode(out):
                container.mux(packet)
    for out in resampler.resample(None):
        for packet in stream.encode(out):
            container.mux(packet)
    for packet in stream.encode(None):
        container.mux(packet)
    container.close()
    return path
