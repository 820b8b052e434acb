"""tingji visit / diarize / enroll / models / eval diarization, offline, as a user runs them."""

import json

import numpy as np

from audio_fixtures import SR, espeak, silence, write_audio
from cli_runner import tingji


def test_visit_prints_a_role_labelled_transcript_offline(tiny_whisper, tiny_diarization, visit_audio, tmp_path):
    audio = write_audio(tmp_path / "visit.flac", np.concatenate([visit_audio] * 2))
    out = tmp_path / "visit.json"
    proc, attempts = tingji("visit", audio, "--asr", tiny_whisper, "--diarization", tiny_diarization,
                            "--deterministic", "--beam-size", "1", "--output", out, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "：" in proc.stdout and ("医生" in proc.stdout or "患者" in proc.stdout or "家属" in proc.stdout)
    assert proc.stdout.startswith("# SPEAKER_")
    data = json.loads(out.read_text())
    assert data["utterances"] and data["roles"]
    assert attempts == "", f"tried to use the network: {attempts}"


def test_tampered_diarization_model_is_refused(tiny_whisper, diarization_copy, visit_audio, tmp_path):
    (diarization_copy / "plda" / "plda.npz").write_bytes(b"not the real file")
    audio = write_audio(tmp_path / "visit.wav", visit_audio)
    proc, _ = tingji("visit", audio, "--asr", tiny_whisper, "--diarization", diarization_copy, tmp_path=tmp_path)
    assert proc.returncode == 1
    assert "plda/plda.npz" in proc.stderr and "Traceback" not in proc.stderr


def test_diarize_writes_rttm(tiny_diarization, visit_audio, tmp_path):
    audio = write_audio(tmp_path / "talk.wav", np.concatenate([visit_audio] * 2))
    proc, attempts = tingji("diarize", audio, "--model", tiny_diarization, "--speakers", "2", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines and all(line.startswith("SPEAKER talk 1 ") for line in lines)
    assert len({line.split()[7] for line in lines}) == 2
    assert attempts == ""


def test_enroll_stores_a_voice_profile(tiny_diarization, tmp_path):
    voice = np.concatenate([espeak("wo3 shi4 wang2 yi1 sheng1, qing3 zuo4, na3 li3 bu4 shu1 fu5?",
                                   voice="cmn-latn-pinyin+m3", pitch=25), silence(0.5)] * 3)
    audio = write_audio(tmp_path / "doctor.wav", voice)
    proc, _ = tingji("enroll", "--name", "王医生", audio, "--diarization", tiny_diarization, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    profiles = list((tmp_path / "home" / "voices").glob("*.json"))
    assert len(profiles) == 1
    profile = json.loads(profiles[0].read_text())
    assert profile["name"] == "王医生" and profile["samples"] >= 3 and len(profile["embedding"]) == 256


def test_enroll_refuses_silence(tiny_diarization, tmp_path):
    audio = write_audio(tmp_path / "quiet.wav", silence(5.0))
    proc, _ = tingji("enroll", "--name", "王医生", audio, "--diarization", tiny_diarization, tmp_path=tmp_path)
    assert proc.returncode == 1 and "silent" in proc.stderr


def test_models_manifest_then_verify_detects_a_change(tiny_whisper, tmp_path):
    import shutil

    folder = tmp_path / "whisper"
    shutil.copytree(tiny_whisper, folder)
    proc, _ = tingji("models", "manifest", folder, "--kind", "asr", tmp_path=tmp_path)
    assert proc.returncode == 0 and (folder / "manifest.json").is_file()
    proc, _ = tingji("models", "verify", folder, tmp_path=tmp_path)
    assert proc.returncode == 0 and "verified" in proc.stdout
    with open(folder / "config.json", "a", encoding="utf-8") as handle:
        handle.write(" ")
    proc, _ = tingji("models", "verify", folder, tmp_path=tmp_path)
    assert proc.returncode == 1 and "config.json" in proc.stderr


def test_eval_diarization_reports_der_and_jer(tiny_diarization, visit_audio, tmp_path):
    audio_dir, rttm_dir = tmp_path / "audio", tmp_path / "rttm"
    audio_dir.mkdir()
    rttm_dir.mkdir()
    write_audio(audio_dir / "v1.wav", np.concatenate([visit_audio] * 2))
    envelope = np.abs(visit_audio) > 0.01
    # Reference turns: the speech stretches of the two-voice fixture, alternating speakers.
    edges = np.flatnonzero(np.diff(envelope.astype(int)))
    lines, speaker = [], 0
    for repeat in range(2):
        offset = repeat * len(visit_audio) / SR
        for start, end in zip(edges[::2], edges[1::2]):
            if (end - start) / SR > 0.5:
                lines.append(f"SPEAKER v1 1 {offset + start / SR:.3f} {(end - start) / SR:.3f} <NA> <NA> S{speaker % 2} "
                             "<NA> <NA>")
                speaker += 1
    (rttm_dir / "v1.rttm").write_text("\n".join(lines) + "\n")
    proc, _ = tingji("eval", "diarization", "--audio", audio_dir, "--rttm", rttm_dir, "--model", tiny_diarization,
                     tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["files"][0]["file"] == "v1.wav"
    assert 0.0 <= report["overall"]["der"] and 0.0 <= report["overall"]["jer_mean"] <= 1.0


def test_sample_with_both_models_shows_roles(tiny_whisper, tiny_diarization, tmp_path):
    proc, attempts = tingji("sample", "--asr", tiny_whisper, "--diarization", tiny_diarization, "--beam-size", "1",
                            "--deterministic", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# SPEAKER_") and "（SPEAKER_" in proc.stdout
    assert attempts == ""
