"""The tingji command line, run as a user would, in a subprocess with the network blocked."""

import json
import os
import subprocess
import sys

import pytest

from audio_fixtures import write_audio

from cli_runner import NETBLOCK, tingji


def test_the_network_block_really_blocks(tmp_path):
    netlog = tmp_path / "log"
    env = dict(os.environ, PYTHONPATH=str(NETBLOCK), TINGJI_NETLOG=str(netlog))
    code = "import socket\ntry:\n    socket.create_connection(('192.0.2.1', 80), timeout=1)\nexcept OSError as e:\n    print('refused', e)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env).stdout
    assert "refused" in out and "192.0.2.1" in netlog.read_text()


def test_transcribe_prints_segments_with_word_timestamps_offline(tiny_whisper, visit_audio, tmp_path):
    audio = write_audio(tmp_path / "visit.flac", visit_audio)
    proc, attempts = tingji("transcribe", audio, "--model", tiny_whisper, "--format", "json", "--deterministic",
                            "--beam-size", "1", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["segments"] and all(seg["words"] for seg in data["segments"])
    assert {"start", "end", "text", "probability"} <= set(data["segments"][0]["words"][0])
    assert data["model"]["compute_type"] == "int8" and data["options"]["language"] == "zh"
    assert attempts == "", f"tried to use the network: {attempts}"


@pytest.mark.parametrize("fmt, marker", [("txt", "] "), ("srt", " --> ")])
def test_text_and_srt_formats(tiny_whisper, visit_audio, tmp_path, fmt, marker):
    audio = write_audio(tmp_path / "visit.wav", visit_audio)
    proc, _ = tingji("transcribe", audio, "--model", tiny_whisper, "--format", fmt, "--deterministic",
                     tmp_path=tmp_path)
    assert proc.returncode == 0 and marker in proc.stdout


def test_broken_model_folder_exits_nonzero_naming_the_problem(model_copy, visit_audio, tmp_path):
    (model_copy / "tokenizer.json").unlink()
    audio = write_audio(tmp_path / "visit.wav", visit_audio)
    proc, attempts = tingji("transcribe", audio, "--model", model_copy, tmp_path=tmp_path)
    assert proc.returncode == 1
    assert "tokenizer.json is missing" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert attempts == ""


def _write(path, data):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda p: p / "missing.wav", "not found"),
        (lambda p: _write(p / "empty.wav", b""), "empty"),
        (lambda p: _write(p / "notes.txt", b"hello " * 100), "not a supported audio file"),
    ],
)
def test_bad_audio_exits_nonzero_with_one_line(tiny_whisper, tmp_path, make, expected):
    proc, _ = tingji("transcribe", make(tmp_path), "--model", tiny_whisper, tmp_path=tmp_path)
    assert proc.returncode == 1 and expected in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("tingji: error:")


def test_silence_says_no_speech(tiny_whisper, tmp_path):
    import numpy as np

    audio = write_audio(tmp_path / "quiet.wav", np.zeros(16000 * 5, dtype=np.float32))
    proc, _ = tingji("transcribe", audio, "--model", tiny_whisper, tmp_path=tmp_path)
    assert proc.returncode == 0 and proc.stdout.strip() == ""
    assert "no speech" in proc.stderr


def test_sample_without_models_shows_the_reference_transcript(tmp_path):
    proc, attempts = tingji("sample", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "医生：" in proc.stdout and "患者：" in proc.stdout
    assert "No speech model is installed" in proc.stderr
    assert attempts == ""


def test_sample_with_a_model_transcribes_the_bundled_audio(tiny_whisper, tmp_path):
    proc, attempts = tingji("sample", "--asr", tiny_whisper, "--format", "json", "--beam-size", "1",
                            "--deterministic", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["duration"] > 60 and data["segments"]
    assert attempts == ""


def test_sample_finds_an_installed_model(tiny_whisper, tmp_path):
    import shutil

    shutil.copytree(tiny_whisper, tmp_path / "home" / "models" / "asr" / "tiny")
    proc, _ = tingji("sample", "--beam-size", "1", "--deterministic", tmp_path=tmp_path)
    assert proc.returncode == 0 and "Transcribing visit.flac" in proc.stderr


def test_no_command_prints_help(tmp_path):
    proc, _ = tingji(tmp_path=tmp_path)
    assert proc.returncode == 2 and "transcribe" in proc.stdout


def test_sample_without_models_shows_a_record_with_every_section(tmp_path):
    proc, _ = tingji("sample", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for heading in ("主诉：", "现病史：", "既往史：", "过敏史：", "体格检查：", "辅助检查：", "初步诊断：", "处理意见："):
        assert heading in proc.stdout
    assert "青霉素过敏" in proc.stdout
