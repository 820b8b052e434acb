"""tingji check: QC findings of a record JSON, human-readable or JSON, with exit status 0 / 1 / 3."""

import json

from app.sample_visit import load_sample_visit
from cli_runner import tingji
from summarizer.extractive import build_record
from summarizer.record import Provenance, Record, RecordSection, Sentence
from summarizer.templates import find_template


def _write(tmp_path, record, name="visit.record.json"):
    path = tmp_path / name
    path.write_text(record.to_json(), encoding="utf-8")
    return path


def _flawed_record(template_id="outpatient-initial"):
    """过敏史 not discussed, penicillin allergy in 既往史, amoxicillin in the plan."""
    template = find_template(template_id)
    body = {"chief_complaint": ["咳嗽、发热3天。"], "present_illness": ["3天前出现咳嗽，夜间加重。", "无胸痛、呼吸困难、咯血。"],
            "past_history": ["青霉素过敏。"], "allergy_history": [], "physical_exam": ["体温38.2℃。"],
            "diagnosis": ["急性支气管炎。"], "plan": ["阿莫西林0.5克，口服，每天三次。"]}
    sections = tuple(RecordSection(s.id, s.title, tuple(Sentence(t) for t in body[s.id]), not body[s.id])
                     for s in template.sections if s.id in body)
    return Record("flawed", "zh", template.title, sections,
                  Provenance("hand", template.id, template.version, template.sha256))


def test_sample_visit_record_passes(tmp_path):
    template = find_template("outpatient-initial")
    path = _write(tmp_path, build_record(load_sample_visit().utterances, template, visit_id="sample"))
    proc, attempts = tingji("check", path, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "病历质控 门诊初诊病历（sample）：未发现问题"
    assert attempts == ""


def test_error_findings_are_listed_and_exit_3(tmp_path):
    path = _write(tmp_path, _flawed_record())
    proc, _ = tingji("check", path, tmp_path=tmp_path)
    assert proc.returncode == 3, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "病历质控 门诊初诊病历（flawed）：2 个错误，0 个警告，0 个提示"
    assert lines[1] == "[错误] 过敏史：过敏史未记录：请写明过敏原或“否认药物、食物过敏史”  (allergy_statement)"
    assert lines[2] == ("[错误] 处理意见 第1句：开具的阿莫西林与既往史中的青霉素过敏冲突（同属青霉素类）  "
                        "(allergy_drug_conflict)")
    assert lines[3] == "    “阿莫西林0.5克，口服，每天三次。”"


def test_json_output(tmp_path):
    path = _write(tmp_path, _flawed_record())
    proc, _ = tingji("check", path, "--json", tmp_path=tmp_path)
    assert proc.returncode == 3
    data = json.loads(proc.stdout)
    assert (data["visit_id"], data["template_id"], data["counts"]) == \
        ("flawed", "outpatient-initial", {"error": 2, "warning": 0, "info": 0})
    conflict = data["findings"][1]
    assert conflict["id"] == "allergy_drug_conflict:plan:阿莫西林|青霉素"
    assert (conflict["section_id"], conflict["sentence_index"], conflict["related"]) == \
        ("plan", 0, [{"section_id": "past_history", "sentence_index": 0}])


def test_template_option_takes_an_id_or_a_file(tmp_path):
    path = _write(tmp_path, _flawed_record())
    custom = tmp_path / "dept.yaml"
    custom.write_text("id: dept\nversion: '1'\nlanguage: zh\ndepartment: x\ntitle: 科室病历\n"
                      "qc:\n  rules: {allergy_statement: warning, allergy_drug_conflict: warning}\n"
                      "sections:\n  - {id: allergy_history, title: 过敏史, instruction: x}\n"
                      "  - {id: plan, title: 处理意见, instruction: x}\n", encoding="utf-8")
    proc, _ = tingji("check", path, "--template", custom, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("病历质控 科室病历（flawed）：0 个错误，2 个警告")
    proc, _ = tingji("check", path, "--template", "outpatient-followup", tmp_path=tmp_path)
    assert proc.returncode == 3 and "allergy_drug_conflict" in proc.stdout and "allergy_statement" not in proc.stdout


def test_bad_record_files_exit_1(tmp_path):
    proc, _ = tingji("check", tmp_path / "missing.json", tmp_path=tmp_path)
    assert proc.returncode == 1 and "record file not found" in proc.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    proc, _ = tingji("check", bad, tmp_path=tmp_path)
    assert proc.returncode == 1 and "not valid JSON" in proc.stderr
    bad.write_text('{"segments": []}', encoding="utf-8")
    proc, _ = tingji("check", bad, tmp_path=tmp_path)
    assert proc.returncode == 1 and "not a TingJi record" in proc.stderr
    data = json.loads(_flawed_record().to_json())
    data["provenance"]["template_id"] = "cardiology-v9"
    bad.write_text(json.dumps(data), encoding="utf-8")
    proc, _ = tingji("check", bad, tmp_path=tmp_path)
    assert proc.returncode == 1 and "outpatient-initial" in proc.stderr


def test_help_documents_the_exit_status(tmp_path):
    proc, _ = tingji("check", "--help", tmp_path=tmp_path)
    assert proc.returncode == 0
    assert "3  at least one error-severity finding" in proc.stdout and "1  the record file" in proc.stdout
