"""tingji note: a record from a labelled transcript (JSON) with the extractive backend."""

import json

from app.sample_visit import load_sample_visit
from asr.types import to_dict
from cli_runner import tingji
from diarization.types import LabelledTranscript
from summarizer.record import record_from_dict


def _transcript_file(tmp_path, utterances):
    transcript = LabelledTranscript(tuple(utterances), (), 107.0, "zh")
    path = tmp_path / "visit.json"
    path.write_text(json.dumps(to_dict(transcript), ensure_ascii=False), encoding="utf-8")
    return path


def test_note_from_transcript_prints_emr_text_and_saves_json(tmp_path):
    visit = load_sample_visit()
    path = _transcript_file(tmp_path, visit.utterances)
    proc, attempts = tingji("note", path, "--template", "internal-medicine-initial", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("主诉：") and "阿奇霉素0.5克" in proc.stdout
    record = record_from_dict(json.loads((tmp_path / "visit.record.json").read_text(encoding="utf-8")))
    assert record.provenance.template_id == "internal-medicine-initial"
    ids = {u.id for u in visit.utterances}
    assert all(set(s.evidence) <= ids and s.evidence for sec in record.sections for s in sec.sentences)
    assert attempts == ""


def test_note_on_a_speechless_transcript_says_so(tmp_path):
    proc, _ = tingji("note", _transcript_file(tmp_path, []), tmp_path=tmp_path)
    assert proc.returncode == 1 and "no speech" in proc.stderr
    assert not (tmp_path / "visit.record.json").exists()


def test_note_rejects_malformed_input_and_unknown_templates(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    proc, _ = tingji("note", bad, tmp_path=tmp_path)
    assert proc.returncode == 1 and "not valid JSON" in proc.stderr
    bad.write_text('{"segments": []}', encoding="utf-8")
    proc, _ = tingji("note", bad, tmp_path=tmp_path)
    assert proc.returncode == 1 and "not a labelled transcript" in proc.stderr
    good = _transcript_file(tmp_path, load_sample_visit().utterances)
    proc, _ = tingji("note", good, "--template", "nope", tmp_path=tmp_path)
    assert proc.returncode == 1 and "outpatient-initial" in proc.stderr
    audio = tmp_path / "visit.wav"
    audio.write_bytes(b"RIFF")
    proc, _ = tingji("note", audio, tmp_path=tmp_path)
    assert proc.returncode == 1 and "--asr" in proc.stderr


def test_eval_facts_needs_the_data_folder(tmp_path):
    proc, _ = tingji("eval", "facts", "--data", tmp_path / "missing", tmp_path=tmp_path)
    assert proc.returncode == 1 and "data folder not found" in proc.stderr
