"""Every common format decodes to 16 kHz mono; bad files give clear errors and lose nothing usable."""

import numpy as np
import pytest

from asr.audio import AudioFile, StreamResampler, load_audio
from asr.errors import AudioDecodeError, AudioNotFoundError, EmptyAudioError, UnsupportedAudioError
from audio_fixtures import SR, write_audio


def tone(seconds=2.0, freq=440.0):
    t = np.arange(int(seconds * SR)) / SR
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".mp3", ".m4a", ".ogg", ".webm"])
def test_common_formats_decode_to_16k_mono(tmp_path, suffix):
    path = write_audio(tmp_path / f"clip{suffix}", tone(2.0))
    audio = load_audio(path)
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert abs(len(audio) / SR - 2.0) < 0.15  # codecs add a little priming/padding (AAC: 1024 samples)
    assert 0.15 < np.abs(audio).max() < 0.4


@pytest.mark.parametrize("rate, channels", [(8000, 1), (48000, 1), (44100, 2), (48000, 2)])
def test_other_rates_and_stereo_are_resampled_and_mixed_down(tmp_path, rate, channels):
    path = write_audio(tmp_path / "clip.wav", tone(1.5, 300.0), rate=rate, channels=channels)
    audio = load_audio(path)
    assert abs(len(audio) - 1.5 * SR) <= 0.01 * SR
    spectrum = np.abs(np.fft.rfft(audio))
    assert abs(np.argmax(spectrum) * SR / len(audio) - 300.0) < 5  # same pitch after resampling


def test_missing_path(tmp_path):
    with pytest.raises(AudioNotFoundError, match="not found"):
        AudioFile(tmp_path / "nope.wav")


def test_directory_is_not_a_file(tmp_path):
    with pytest.raises(AudioNotFoundError, match="not a file"):
        AudioFile(tmp_path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(EmptyAudioError, match="0 bytes"):
        AudioFile(path)


def test_zero_length_wav(tmp_path):
    import wave

    path = tmp_path / "zero.wav"
    with wave.open(str(path), "wb") as handle:  # a valid header and no samples
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(SR)
    with pytest.raises(EmptyAudioError, match="no audio samples"):
        load_audio(path)


def test_corrupt_audio_file(tmp_path):
    path = tmp_path / "corrupt.mp3"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    with pytest.raises((AudioDecodeError, EmptyAudioError), match="corrupt|cannot decode|no audio"):
        load_audio(path)


def test_text_file_is_unsupported(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("this is not audio\n" * 50)
    with pytest.raises(UnsupportedAudioError, match="not a supported audio file"):
        AudioFile(path)


def test_truncated_file_keeps_the_audio_before_the_cut(tmp_path):
    full = write_audio(tmp_path / "full.flac", tone(6.0))
    data = full.read_bytes()
    cut = tmp_path / "cut.flac"
    cut.write_bytes(data[: len(data) // 2])
    decoder = AudioFile(cut)
    audio = np.concatenate(list(decoder.blocks()))
    assert 1.5 * SR < len(audio) < 4.5 * SR
    assert any("truncated" in w or "damaged" in w for w in decoder.warnings)


def test_two_hour_file_decodes_in_bounded_blocks(tmp_path):
    path = write_audio(tmp_path / "long.flac", np.zeros(SR * 60, dtype=np.float32))
    decoder = AudioFile(path)
    largest = max(block.size for block in decoder.blocks())
    assert largest <= 2 * SR  # never the whole file in memory


def test_stream_resampler_accepts_int16_stereo_blocks():
    resampler = StreamResampler(48000)
    stereo = (np.stack([tone(1.0), tone(1.0)], axis=1) * 32767).astype(np.int16)
    stereo_48k = np.repeat(stereo, 3, axis=0)  # 1 s at 48 kHz
    out = np.concatenate([resampler(stereo_48k[i:i + 960]) for i in range(0, len(stereo_48k), 960)]
                         + [resampler.flush()])
    assert abs(len(out) - SR) < 50
    assert out.dtype == np.float32
