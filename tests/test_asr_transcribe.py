"""File and live transcription with the tiny random Whisper, through the real loading and decoding code."""

import dataclasses

import numpy as np
import pytest

from asr.errors import AsrError, TranscriptionCancelled
from asr.model import WhisperEngine
from asr.transcriber import StreamingTranscriber, transcribe_array, transcribe_file
from asr.types import TranscriptionOptions, VadOptions
from audio_fixtures import SR, silence, write_audio

DETERMINISTIC = TranscriptionOptions(beam_size=1, temperatures=(0.0,))


def test_file_transcript_has_timed_segments_and_echoes_how_it_was_made(engine, visit_audio, tmp_path):
    path = write_audio(tmp_path / "visit.flac", visit_audio)
    transcript = transcribe_file(engine, path, DETERMINISTIC)
    assert not transcript.no_speech and transcript.segments
    duration = len(visit_audio) / SR
    assert abs(transcript.duration - duration) < 0.05
    for segment in transcript.segments:
        assert 0 <= segment.start <= segment.end <= duration + 0.01
        assert segment.words, "word timestamps were requested"
        for word in segment.words:
            assert segment.start - 0.01 <= word.start <= word.end <= segment.end + 0.01
    assert transcript.options == DETERMINISTIC
    assert transcript.model.name.startswith(engine.info.name.split(" ")[0])
    assert transcript.model.compute_type == "int8" and transcript.language == "zh"


def test_segments_lie_inside_the_speech_regions(engine, visit_audio):
    """Nothing is decoded from the long pauses: every segment lies in speech or its padding."""
    transcript = transcribe_array(engine, visit_audio, DETERMINISTIC)
    envelope = np.abs(visit_audio)
    pad = DETERMINISTIC.vad.speech_pad_ms / 1000 + 0.05
    for segment in transcript.segments:
        span = envelope[int((segment.start - pad) * SR):int((segment.end + pad) * SR) + 1]
        assert span.size and span.max() > 0.01


def test_silence_gives_no_speech_and_no_invented_text(engine, tmp_path):
    path = write_audio(tmp_path / "silence.wav", silence(20.0))
    transcript = transcribe_file(engine, path, DETERMINISTIC)
    assert transcript.no_speech and transcript.segments == () and transcript.text == ""


def test_low_noise_gives_no_speech(engine):
    noise = (np.random.default_rng(1).standard_normal(SR * 10) * 0.003).astype(np.float32)
    transcript = transcribe_array(engine, noise, DETERMINISTIC)
    assert transcript.no_speech


def test_progress_is_monotonic_and_reaches_one(engine, visit_audio, tmp_path):
    path = write_audio(tmp_path / "visit.wav", visit_audio)
    seen = []
    transcribe_file(engine, path, DETERMINISTIC, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 3


def test_cancellation_stops_the_work(engine, visit_audio, tmp_path):
    path = write_audio(tmp_path / "visit.wav", visit_audio)
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(TranscriptionCancelled):
        transcribe_file(engine, path, DETERMINISTIC, cancel=cancel)


def test_streaming_in_20ms_blocks_matches_the_file_and_emits_before_finish(engine, visit_audio, tmp_path):
    path = write_audio(tmp_path / "visit.wav", visit_audio)
    from asr.audio import load_audio

    pcm = load_audio(path)
    file_transcript = transcribe_file(engine, path, DETERMINISTIC)
    stream = StreamingTranscriber(engine, DETERMINISTIC)
    early = []
    block = SR // 50
    for i in range(0, len(pcm), block):
        early.extend(stream.push(pcm[i:i + block]))
    assert early, "segments must appear while the visit is still being recorded"
    stream.finish()
    assert stream.result().segments == file_transcript.segments


def test_streaming_accepts_48k_stereo_int16_blocks(engine, visit_audio):
    ref = transcribe_array(engine, visit_audio, DETERMINISTIC)
    positions = np.arange(len(visit_audio) * 3) / 3
    up = np.interp(positions, np.arange(len(visit_audio)), visit_audio)
    stereo = (np.stack([up, up], axis=1) * 32767).astype(np.int16)
    stream = StreamingTranscriber(engine, DETERMINISTIC, sample_rate=48000)
    for i in range(0, len(stereo), 4800):
        stream.push(stereo[i:i + 4800])
    stream.finish()
    result = stream.result()
    assert not result.no_speech
    assert abs(result.duration - ref.duration) < 0.05
    assert abs(len(result.segments) - len(ref.segments)) <= 2


def test_memory_stays_bounded_over_a_long_stream(engine, visit_audio):
    """Continuous talk for ~10 minutes: the buffer never holds more than one speech region."""
    options = dataclasses.replace(DETERMINISTIC, vad=VadOptions(max_region_s=10.0))
    stream = StreamingTranscriber(engine, options)
    loop = np.concatenate([visit_audio] * 4)
    pushed = 0
    while pushed < SR * 600:
        for i in range(0, len(loop), SR):
            stream.push(loop[i:i + SR])
        pushed += len(loop)
    stream.finish()
    limit = options.vad.max_region_s + 3.0  # region + padding + the silence that closes it + a VAD batch
    assert stream.peak_buffer_samples / SR <= limit
    assert stream.duration >= 600


@pytest.mark.slow
def test_two_hour_recording_is_handled_with_bounded_memory(engine, tmp_path):
    # Repeat one minute of encoded silence 120 times into one FLAC file without holding 2 h in memory.
    import av

    out = tmp_path / "two_hours.flac"
    container = av.open(str(out), "w")
    stream = container.add_stream("flac", rate=SR)
    stream.layout = "mono"
    zeros = np.zeros((1, SR * 60), dtype=np.int16)
    for minute in range(120):
        frame = av.AudioFrame.from_ndarray(zeros, format="s16", layout="mono")
        frame.sample_rate, frame.pts = SR, minute * SR * 60
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode(None):
        container.mux(packet)
    container.close()
    progress = []
    transcript = transcribe_file(engine, out, DETERMINISTIC, progress=progress.append)
    assert transcript.duration == pytest.approx(7200, abs=1)
    assert transcript.no_speech and progress[-1] == 1.0


def test_english_only_model_refuses_chinese(engine):
    english_only = WhisperEngine(engine.model, dataclasses.replace(engine.info, multilingual=False))
    with pytest.raises(AsrError, match="English-only"):
        StreamingTranscriber(english_only, TranscriptionOptions(language="zh"))


def test_language_auto_is_detected_once_and_recorded(engine, visit_audio):
    transcript = transcribe_array(engine, visit_audio, dataclasses.replace(DETERMINISTIC, language=None))
    assert transcript.language  # some language code was chosen on the first region
    assert {s.language for s in transcript.segments} == {transcript.language}


def test_vocabulary_reaches_the_decoder_as_hotwords(engine, visit_audio, monkeypatch):
    captured = {}
    original = engine.model.transcribe

    def spy(audio, **kwargs):
        captured.update(kwargs)
        return original(audio, **kwargs)

    monkeypatch.setattr(engine.model, "transcribe", spy)
    options = dataclasses.replace(DETERMINISTIC, vocabulary=("氨氯地平", "阿奇霉素"), initial_prompt="门诊对话。")
    transcribe_array(engine, visit_audio, options)
    assert captured["hotwords"] == "氨氯地平，阿奇霉素"
    assert captured["initial_prompt"] == "门诊对话。"
    assert captured["vad_filter"] is False and captured["word_timestamps"] is True


def test_a_short_region_gets_a_decode_budget_from_its_length():
    from asr.transcriber import _decode_budget

    assert _decode_budget(2.0, 12.0) == 2 * (8 + 24)  # twice: CTranslate2 stops at about half of it
    assert _decode_budget(4.0, 12.0) > _decode_budget(2.0, 12.0)
    assert _decode_budget(20.0, 12.0) is None, "long regions keep Whisper's own limit (prompt + budget <= 448)"
    assert _decode_budget(2.0, 0) is None
