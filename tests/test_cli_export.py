"""tingji export: the record as a FHIR document, PDFs and EMR text, from the command line (network blocked)."""

import json

from app.sample_visit import load_sample_visit
from app.export import validate_composition
from cli_runner import tingji
from summarizer.extractive import build_record
from summarizer.templates import find_template


def _record_file(tmp_path):
    record = build_record(load_sample_visit().utterances, find_template("outpatient-initial"), visit_id="v1")
    path = tmp_path / "v1.record.json"
    path.write_text(record.to_json(), encoding="utf-8")
    return path, record


def test_fhir_document_is_written_valid_and_signed_when_asked(tmp_path):
    path, _ = _record_file(tmp_path)
    proc, attempts = tingji("export", path, "--patient-name", "张三", "--doctor", "王医生",
                            "--signed-at", "2026-11-21T10:30:00+08:00", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert attempts == ""
    document = json.loads((tmp_path / "v1.fhir.json").read_text(encoding="utf-8"))
    assert validate_composition(document) == []
    composition = document["entry"][0]["resource"]
    assert composition["status"] == "final" and composition["attester"][0]["mode"] == "legal"
    assert composition["section"][0]["code"]["coding"][0]["code"] == "10154-3"  # 主诉


def test_pdf_and_patient_pdf_and_text(tmp_path):
    path, record = _record_file(tmp_path)
    for fmt, name in (("pdf", "v1.pdf"), ("patient-pdf", "v1.patient.pdf")):
        proc, _ = tingji("export", path, "--format", fmt, tmp_path=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert (tmp_path / name).read_bytes().startswith(b"%PDF")
    proc, _ = tingji("export", path, "--format", "text", tmp_path=tmp_path)
    assert proc.stdout.strip() == record.emr_text()


def test_bad_input_is_one_clear_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    proc, _ = tingji("export", bad, tmp_path=tmp_path)
    assert proc.returncode == 1 and "not a TingJi record" in proc.stderr
    path, _ = _record_file(tmp_path)
    proc, _ = tingji("export", path, "--signed-at", "yesterday", tmp_path=tmp_path)
    assert proc.returncode == 1 and "--signed-at" in proc.stderr
