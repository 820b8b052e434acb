"""The pyannote pipeline through the real loading code: verified folders, file and incremental modes."""

import json
import os
import shutil

import numpy as np
import pytest

from audio_fixtures import SR, silence
from diarization.diarize import IncrementalDiarizer, diarize_audio
from diarization.errors import DiarizationCancelled, DiarizationModelError
from diarization.model import load_diarization, resolve_pipeline_dir
from diarization.types import DiarizationOptions


@pytest.fixture(scope="module")
def long_visit(visit_audio):
    return np.concatenate([visit_audio] * 3)


def test_file_mode_gives_exclusive_and_overlapping_turns(diar_engine, long_visit):
    result = diarize_audio(diar_engine, long_visit)
    assert result.turns and result.speakers
    for a, b in zip(result.turns, result.turns[1:]):
        assert a.end <= b.start + 1e-6, "exclusive turns must not overlap"
    assert all(0 <= t.start < t.end <= result.duration + 0.01 for t in result.overlapping_turns)
    assert result.model["mode"] == "file" and result.model["pyannote.audio"].startswith("4.")
    assert os.environ["PYANNOTE_METRICS_ENABLED"] == "0"


def test_incremental_mode_matches_file_mode(diar_engine, long_visit):
    reference = diarize_audio(diar_engine, long_visit)
    diarizer = IncrementalDiarizer(diar_engine)
    during = []
    for i in range(0, len(long_visit), SR // 50):  # 20-ms blocks, as from a microphone
        diarizer.push(long_visit[i:i + SR // 50])
        during.append(diarizer.chunks_done)
    assert during[-1] > 20, "embeddings must be computed while the visit is still being recorded"
    assert len(diarizer._audio) <= diarizer._window + diarizer._step, "only one window of audio is kept"
    result = diarizer.finish()
    assert result.turns == reference.turns
    assert result.overlapping_turns == reference.overlapping_turns
    assert result.speakers == reference.speakers
    assert result.model["mode"] == "incremental"


def test_a_coarser_live_step_does_less_work_and_equals_file_mode_at_that_step(diar_engine, long_visit):
    segmentation = diar_engine.pipeline._segmentation
    fine = IncrementalDiarizer(diar_engine)
    coarse = IncrementalDiarizer(diar_engine, DiarizationOptions(live_step=5.0))
    for i in range(0, len(long_visit), SR // 2):
        fine.push(long_visit[i:i + SR // 2])
        coarse.push(long_visit[i:i + SR // 2])
    assert coarse.step_s == 5.0 and fine.step_s == segmentation.step
    assert coarse.chunks_done * 5.0 == pytest.approx(fine.chunks_done * segmentation.step, abs=5.0)
    result = coarse.finish()
    original = segmentation.step
    segmentation.step = 5.0
    try:
        reference = diarize_audio(diar_engine, long_visit)
    finally:
        segmentation.step = original
    assert result.turns and result.turns == reference.turns
    assert result.speakers == reference.speakers


@pytest.mark.parametrize("step", [0.0, -1.0, 11.0])
def test_a_live_step_outside_the_window_is_refused(diar_engine, step):
    with pytest.raises(ValueError, match="live_step"):
        IncrementalDiarizer(diar_engine, DiarizationOptions(live_step=step))


def test_speaker_count_is_honoured(diar_engine, long_visit):
    result = diarize_audio(diar_engine, long_visit, DiarizationOptions(num_speakers=2))
    assert len(result.speakers) == 2


def test_progress_and_cancellation(diar_engine, long_visit):
    seen = []
    diarize_audio(diar_engine, long_visit, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 3
    calls = []
    with pytest.raises(DiarizationCancelled):
        diarize_audio(diar_engine, long_visit, cancel=lambda: calls.append(1) or len(calls) > 2)


@pytest.mark.parametrize("seconds", [0.0, 3.0, 12.0])
def test_silence_and_empty_audio_give_no_turns(diar_engine, seconds):
    audio = silence(seconds)
    assert diarize_audio(diar_engine, audio).turns == ()
    diarizer = IncrementalDiarizer(diar_engine)
    diarizer.push(audio)
    assert diarizer.finish().turns == ()


def test_visit_shorter_than_five_seconds(diar_engine, visit_audio):
    short = visit_audio[: int(4.0 * SR)]
    file_result = diarize_audio(diar_engine, short)
    diarizer = IncrementalDiarizer(diar_engine)
    diarizer.push(short)
    assert diarizer.finish().turns == file_result.turns
    assert all(t.end <= 4.01 for t in file_result.turns)


def test_folder_without_manifest_is_refused(diarization_copy):
    (diarization_copy / "manifest.json").unlink()
    with pytest.raises(DiarizationModelError, match="no manifest.json.*pickles"):
        load_diarization(diarization_copy, device="cpu")


def test_tampered_checkpoint_is_refused_by_name(diarization_copy):
    path = diarization_copy / "embedding" / "pytorch_model.bin"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(DiarizationModelError, match="embedding/pytorch_model.bin does not match its sha256"):
        load_diarization(diarization_copy, device="cpu")


def test_missing_folder_and_folder_without_config(tmp_path):
    with pytest.raises(DiarizationModelError, match="not found"):
        load_diarization(tmp_path / "nope")
    with pytest.raises(DiarizationModelError, match="no config.yaml"):
        load_diarization(tmp_path)


def test_hugging_face_cache_layout_is_accepted(tiny_diarization, tmp_path, long_visit):
    entry = tmp_path / "hub" / "models--pyannote--speaker-diarization-community-1"
    snapshot = entry / "snapshots" / "0123abcd"
    shutil.copytree(tiny_diarization, snapshot)
    (entry / "refs").mkdir(parents=True)
    (entry / "refs" / "main").write_text("0123abcd")
    assert resolve_pipeline_dir(tmp_path) == snapshot
    assert resolve_pipeline_dir(entry) == snapshot
    engine = load_diarization(entry, device="cpu")
    assert engine.info["name"] == entry.name
    assert diarize_audio(engine, long_visit[: SR * 15]).turns


def test_bad_device_is_a_clear_error(tiny_diarization):
    with pytest.raises(ValueError, match="auto, cpu or cuda"):
        load_diarization(tiny_diarization, device="tpu")


def test_manifest_describes_the_files(tiny_diarization):
    manifest = json.loads((tiny_diarization / "manifest.json").read_text())
    assert manifest["kind"] == "diarization"
    assert {"config.yaml", "segmentation/pytorch_model.bin", "embedding/pytorch_model.bin"} <= set(manifest["files"])
